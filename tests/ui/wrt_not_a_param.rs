use autodiff::differentiable;

#[differentiable(wrt(x, z))]
fn f(x: f64, y: f64) -> f64 {
    x * y
}

fn main() {
    let _ = f_grad(1.0, 2.0);
}
