//! A `#[custom_jvp]` rule of a `Matrix` gives tangents, not cotangents:
//! reverse mode through it is a compile error at the call that says so
//! (numbers and vectors are fine: one rule call per element).
use autodiff::{custom_jvp, differentiable, Matrix};

#[custom_jvp(energy_jvp)]
fn energy(m: Matrix<f64, 2, 2>) -> f64 {
    m.sum()
}

fn energy_jvp(_m: Matrix<f64, 2, 2>, _value: f64, t: Matrix<f64, 2, 2>) -> f64 {
    t.sum()
}

#[differentiable]
fn caller(m: Matrix<f64, 2, 2>) -> f64 {
    energy(m) * 2.0
}

fn main() {
    let _ = caller_grad(Matrix::new([[1.0, 2.0], [3.0, 4.0]]));
}
