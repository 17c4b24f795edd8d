use autodiff::differentiable;

#[differentiable]
fn f(x: f64, n: u32) -> f64 {
    match n {
        0 => x,
        _ => x * x,
    }
}

fn main() {
    let _ = f_grad(1.0, 2);
}
