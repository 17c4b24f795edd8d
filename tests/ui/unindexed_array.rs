use autodiff::differentiable;

#[differentiable]
fn f(a: [f64; 2]) -> f64 {
    a * 2.0
}

fn main() {
    let _ = f_grad([1.0, 2.0]);
}
