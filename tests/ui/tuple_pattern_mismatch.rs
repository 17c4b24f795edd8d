use autodiff::differentiable;

#[differentiable]
fn f(x: f64) -> f64 {
    let (a, b) = (x, x * x, x + 1.0);
    a * b
}

fn main() {
    let _ = f_grad(1.0);
}
