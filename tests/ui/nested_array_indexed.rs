//! A nested array literal is only a result: it cannot be indexed.
use autodiff::differentiable;

#[differentiable]
fn f(x: f64) -> f64 {
    let m = [[x, 1.0], [2.0, x]];
    m[0][0] * x
}

fn main() {
    let _ = f_grad(1.0);
}
