//! A `#[custom_vjp]` rule written for `f64` has no second-order rule: the
//! gradient goes through it, but a call of `_hvp` (or `_hessian`) that
//! reaches it is a compile error at that call naming the function, never a
//! silent zero.
use autodiff::{custom_vjp, differentiable};

#[custom_vjp(softsign_rule)]
fn softsign(x: f64) -> f64 {
    x / (1.0 + x.abs())
}

fn softsign_rule(x: f64, _value: f64, g: f64) -> f64 {
    g / ((1.0 + x.abs()) * (1.0 + x.abs()))
}

#[differentiable]
fn caller(x: f64, y: f64) -> f64 {
    softsign(x * y) * y
}

fn main() {
    let _ = caller_grad(0.5, 2.0);
    let (_v, _dx, _dy, _hx, _hy) = caller_hvp(0.5, 2.0, 1.0, 0.0);
}
