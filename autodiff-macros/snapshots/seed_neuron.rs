// The seed article's graph for one output: z = w·x + b, a = σ(z), squared
// loss at the end. z is shared by the paths to w and to b.
#[differentiable(wrt(w, b))]
fn neuron_loss(w: [f64; 2], b: f64, x: [f64; 2], label: f64) -> f64 {
    let z = w[0] * x[0] + w[1] * x[1] + b;
    let a = autodiff::sigmoid(z);
    (a - label).powi(2)
}
