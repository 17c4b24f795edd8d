//! Second order is for scalar functions: `_hessian` and `_hvp` of a function
//! with an array result say so at the call.
use autodiff::differentiable;

#[differentiable]
fn motion(s: [f64; 2]) -> [f64; 2] {
    [s[0] + s[1], s[0] * s[1]]
}

fn main() {
    let (_v, _g, _h) = motion_hessian([1.0, 2.0]);
    let _ = motion_hvp([1.0, 2.0], [1.0, 0.0]);
    let _ = motion_vjp([1.0, 2.0], [1.0, 0.0]);
}
