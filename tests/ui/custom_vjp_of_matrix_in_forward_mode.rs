//! A `#[custom_vjp]` function with a `Matrix` result has no tangent rule
//! (its cotangent rule gives vector-Jacobian products, and a matrix result
//! has no basis the generated code can seed), so the forward mode of a
//! caller, emitted beside its reverse mode, fails at the call with a
//! message that says so.
use autodiff::{custom_vjp, differentiable, Matrix, Vector};

#[custom_vjp(outer_rule)]
fn outer2(v: Vector<f64, 2>) -> Matrix<f64, 2, 2> {
    autodiff::outer(v, v)
}

fn outer_rule(v: Vector<f64, 2>, _value: Matrix<f64, 2, 2>, g: Matrix<f64, 2, 2>) -> Vector<f64, 2> {
    g * v + g.t() * v
}

#[differentiable]
fn f(v: Vector<f64, 2>) -> f64 {
    (outer2(v) * v).sum()
}

fn main() {
    let _ = f_grad(Vector::new([1.0, 2.0]));
}
