//! The seed article's single-layer network, `a = σ(Wᵀx + b)` with a squared
//! loss hung at the end, as the graph `#[differentiable]` builds at compile
//! time. Prints the Graphviz DOT; with Graphviz installed:
//!
//! `cargo run --example seed_graph | dot -Tsvg > seed.svg`

use autodiff::{differentiable, mse, sigmoid, Matrix, Vector};

#[differentiable(wrt(w, b))]
fn seed_loss(
    w: Matrix<f64, 16, 4>,
    b: Vector<f64, 4>,
    x: Vector<f64, 16>,
    label: Vector<f64, 4>,
) -> f64 {
    let y = w.t() * x;
    let z = y + b;
    let a = sigmoid(z);
    mse(a, label)
}

fn main() {
    // Use the gradient once, so the example also shows the call.
    let x = Vector::from_fn(|i| i as f64 / 16.0);
    let (loss, dw, db) = seed_loss_grad(
        Matrix::zeros(),
        Vector::zeros(),
        x,
        Vector::from([1.0, 0.0, 0.0, 1.0]),
    );
    eprintln!(
        "loss at W = 0, b = 0: {loss:.4}; |dL/db| = {:.4}; dL/dW[0][0] = {:.4}",
        db.as_array().iter().map(|v| v * v).sum::<f64>().sqrt(),
        dw[(0, 0)]
    );
    print!("{}", seed_loss_graph());
}
