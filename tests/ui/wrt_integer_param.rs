use autodiff::differentiable;

#[differentiable(wrt(x, n))]
fn f(x: f64, n: i32) -> f64 {
    x.powi(n)
}

fn main() {
    let _ = f_grad(1.0, 2);
}
