use autodiff::differentiable;

#[differentiable(wrt(x, v))]
fn f(x: f64, v: &[f64]) -> f64 {
    x * v[0]
}

fn main() {
    let _ = f_grad(1.0, &[2.0]);
}
