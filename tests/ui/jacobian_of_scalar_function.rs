//! `_jacobian` of a function with a scalar result: its derivative is a
//! gradient, so the error points to `_grad`.
use autodiff::differentiable;

#[differentiable]
fn f(x: [f64; 2]) -> f64 {
    x[0] * x[1]
}

fn main() {
    let (_v, _j) = f_jacobian([1.0, 2.0]);
    let _ = f_grad([1.0, 2.0]);
}
