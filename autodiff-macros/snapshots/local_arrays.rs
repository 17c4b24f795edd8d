// The seed's layer with a local array for z, filled by a loop nest and
// read by the loss loop.
#[differentiable]
fn layer(x: [f64; 6]) -> f64 {
    let mut z = [0.0; 3];
    for j in 0..3 {
        for i in 0..2 {
            z[j] += x[2 * j + i] * x[(2 * j + i + 1) % 6];
        }
    }
    let mut loss = 0.0;
    for j in 0..3 {
        loss += autodiff::sigmoid(z[j]).powi(2);
    }
    loss
}
// A prefix product: each element reads the one before it, so the backward
// loop keeps the values it read.
#[differentiable]
fn prefix(x: [f64; 5]) -> f64 {
    let mut p = [1.0; 5];
    p[0] = x[0];
    for i in 1..5 {
        p[i] = p[i - 1] * x[i].sin();
    }
    p[4] + p[2] * p[1]
}
