//! The missing second-order rule is found through other functions too:
//! `outer` calls `inner`, which calls a `#[custom_vjp]` rule for `f64`.
use autodiff::{custom_vjp, differentiable};

#[custom_vjp(cube_rule)]
fn cube(x: f64) -> f64 {
    x * x * x
}

fn cube_rule(x: f64, _value: f64, g: f64) -> f64 {
    3.0 * x * x * g
}

#[differentiable]
fn inner(x: f64) -> f64 {
    cube(x) + x
}

#[differentiable]
fn outer(x: f64, y: f64) -> f64 {
    inner(x * y)
}

fn main() {
    let _ = outer_grad(0.5, 2.0);
    let (_v, _g, _h) = outer_hessian(0.5, 2.0);
}
