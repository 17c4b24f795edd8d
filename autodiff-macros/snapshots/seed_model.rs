// The seed article's network: y = Wᵀx, z = y + b, a = σ(z), with the loss
// hung at the end. z is shared by the paths to W and to b.
#[differentiable(wrt(w, b))]
fn seed_loss(w: Matrix<f64, 16, 4>, b: Vector<f64, 4>, x: Vector<f64, 16>, label: Vector<f64, 4>) -> f64 {
    let y = w.t() * x;
    let z = y + b;
    let a = sigmoid(z);
    mse(a, label)
}
