use autodiff::differentiable;

#[differentiable]
fn f(x: &[f64]) -> f64 {
    x[0] * x[1]
}

fn main() {
    let _ = f_grad(&[1.0, 2.0]);
}
