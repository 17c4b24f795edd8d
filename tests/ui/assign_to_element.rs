use autodiff::differentiable;

#[differentiable]
fn f(mut v: [f64; 2]) -> f64 {
    v[0] = v[1] * 2.0;
    v[0] * v[1]
}

fn main() {
    let _ = f_grad([1.0, 2.0]);
}
