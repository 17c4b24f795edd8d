//! Second order is built on one float type: a function whose differentiated
//! parameters mix `f32` and `f64` has a gradient but no `_hvp` or `_hessian`.
use autodiff::differentiable;

#[differentiable]
fn mixed(x: f64, y: f32) -> f64 {
    let _ = y;
    x * x
}

fn main() {
    let _ = mixed_grad(1.0, 2.0);
    let (_v, _dx, _dy, _hx, _hy) = mixed_hvp(1.0, 2.0, 1.0, 0.0);
}
