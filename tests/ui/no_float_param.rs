use autodiff::differentiable;

#[differentiable]
fn f(n: i32) -> f64 {
    n as f64
}

fn main() {
    let _ = f_grad(1);
}
