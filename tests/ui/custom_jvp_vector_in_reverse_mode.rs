//! A `#[custom_jvp]` rule of a `Vector` gives tangents, not cotangents:
//! reverse mode through it is a compile error at the call that says so.
use autodiff::{custom_jvp, differentiable, Vector};

#[custom_jvp(energy_jvp)]
fn energy(v: Vector<f64, 2>) -> f64 {
    v.dot(v) * 0.5
}

fn energy_jvp(v: Vector<f64, 2>, _value: f64, t: Vector<f64, 2>) -> f64 {
    v.dot(t)
}

#[differentiable]
fn caller(v: Vector<f64, 2>) -> f64 {
    energy(v) * 2.0
}

fn main() {
    let _ = caller_grad(Vector::new([1.0, 2.0]));
}
