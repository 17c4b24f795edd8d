use autodiff::differentiable;

#[differentiable]
fn f(x: f64) -> f64 {
    f(x * 0.5) + x
}

fn main() {
    let _ = f_grad(1.0);
}
