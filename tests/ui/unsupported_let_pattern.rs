use autodiff::differentiable;

#[differentiable]
fn f(v: [f64; 2]) -> f64 {
    let [a, b] = v;
    a * b
}

fn main() {
    let _ = f_grad([1.0, 2.0]);
}
