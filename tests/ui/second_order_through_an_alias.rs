//! A function whose float is spelled through an alias has no second order
//! (no lifted pass): it composes in first order, and `_hvp` of a caller is a
//! compile error at the call that names it.
use autodiff::differentiable;

type Real = f64;

#[differentiable(wrt(x))]
fn aliased(x: Real, k: f64) -> Real {
    x * x * k
}

#[differentiable]
fn caller(x: f64) -> f64 {
    aliased(x, 3.0).sin()
}

fn main() {
    let _ = caller_grad(0.5);
    let (_v, _g, _h) = caller_hvp(0.5, 1.0);
}
