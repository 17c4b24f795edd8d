use autodiff::differentiable;

#[differentiable]
fn f(x: f64) -> f64 {
    let v = [x, 2.0 * x];
    v[0] * v[1]
}

fn main() {
    let _ = f_grad(1.0);
}
