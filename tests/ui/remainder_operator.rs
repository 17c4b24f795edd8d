use autodiff::differentiable;

#[differentiable]
fn f(x: f64) -> f64 {
    x % 2.0
}

fn main() {
    let _ = f_grad(1.0);
}
