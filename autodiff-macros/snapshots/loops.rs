// Extended Rosenbrock: the loop only accumulates into `f`, which is the
// result, so its backward steps run inside the forward loop (fused).
#[differentiable]
fn ext_rosenbrock<const N: usize>(x: [f64; N]) -> f64 {
    let mut f = 0.0;
    for i in 0..N / 2 {
        let a = x[2 * i];
        let b = x[2 * i + 1];
        f += 100.0 * (b - a * a).powi(2) + (1.0 - a).powi(2);
    }
    f
}

// A running product reads the carried value: it is kept per iteration in a
// stack array, and the backward loop runs in reverse.
#[differentiable]
fn product(x: [f64; 4]) -> f64 {
    let mut p = 1.0;
    for i in 0..4 {
        p *= x[i].sin() + 2.0;
    }
    p * 0.5
}

// The seed article's network with loops: the outer loop is fused; the
// inner sum `z` is recomputed from the inputs when its backward step runs.
#[differentiable(wrt(w, b))]
fn seed_net(w: [[f64; 4]; 16], b: [f64; 4], x: &[f64; 16], y: &[f64; 4]) -> f64 {
    let mut loss = 0.0;
    for j in 0..4 {
        let mut z = b[j];
        for i in 0..16 {
            z += w[i][j] * x[i];
        }
        let a = autodiff::sigmoid(z);
        loss += (a - y[j]).powi(2);
    }
    loss
}
