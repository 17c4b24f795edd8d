// A function with a vector result has a Jacobian, not a gradient: it has
// `_vjp` but no `_grad`, and calling `_grad` says so (instead of "cannot
// find function `probabilities_grad`" and a suggestion of `probabilities_graph`).
use autodiff::{differentiable, softmax, Vector};

#[differentiable]
fn probabilities(z: Vector<f64, 3>) -> Vector<f64, 3> {
    softmax(z)
}

fn main() {
    let z: Vector<f64, 3> = Vector::from_fn(|i| i as f64);
    let (_p, _dz) = probabilities_grad(z);
    let _ = probabilities_vjp(z, Vector::from_fn(|i| (i == 0) as u8 as f64));
}
