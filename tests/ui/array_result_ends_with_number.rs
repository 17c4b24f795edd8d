//! A function declared to return an array must end with one.
use autodiff::differentiable;

#[differentiable]
fn f(x: f64) -> [f64; 2] {
    x * 2.0
}

fn main() {
    let _ = f_vjp(1.0, [1.0, 0.0]);
}
