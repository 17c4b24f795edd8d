use autodiff::differentiable;

#[differentiable]
fn f(x: f64) -> f64 {
    let y = x as f32;
    (y * y) as f64
}

fn main() {
    let _ = f_grad(1.0);
}
