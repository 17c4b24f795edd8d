use autodiff::differentiable;

#[differentiable]
fn f(x: f64) -> f64 {
    let _positive = x > 0.0;
    x * x
}

fn main() {
    let _ = f_grad(1.0);
}
