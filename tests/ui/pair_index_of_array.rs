use autodiff::differentiable;

#[differentiable]
fn f(a: [f64; 4], x: f64) -> f64 {
    a[(0, 1)] * x
}

fn main() {
    let _ = f_grad([1.0, 2.0, 3.0, 4.0], 1.0);
}
