//! `_hessian` covers scalars, one array or one `Vector`; two arrays get
//! the message that says so (their `_hvp` works).
use autodiff::differentiable;

#[differentiable]
fn pair(a: [f64; 2], b: [f64; 2]) -> f64 {
    a[0] * b[1] - a[1] * b[0]
}

fn main() {
    let (_v, _g, _h) = pair_hessian([1.0, 2.0], [3.0, 4.0]);
    let _ = pair_hvp([1.0, 2.0], [3.0, 4.0], [1.0, 0.0], [0.0, 1.0]);
}
