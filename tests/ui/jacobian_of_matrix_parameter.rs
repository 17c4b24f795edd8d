//! `_jacobian` with respect to a `Matrix` parameter is not generated: the
//! error says which shapes are covered.
use autodiff::{differentiable, Matrix, Vector};

#[differentiable(wrt(w))]
fn layer(w: Matrix<f64, 2, 2>, x: Vector<f64, 2>) -> Vector<f64, 2> {
    w * x
}

fn main() {
    let w = Matrix::new([[1.0, 0.0], [0.0, 1.0]]);
    let x = Vector::new([1.0, 2.0]);
    let (_v, _j) = layer_jacobian(w, x);
    let _ = layer_vjp(w, x, x);
}
