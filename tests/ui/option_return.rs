use autodiff::differentiable;

#[differentiable]
fn f(x: f64) -> Option<f64> {
    Some(x * x)
}

fn main() {
    let _ = f_grad(1.0);
}
