use autodiff::differentiable;

#[differentiable]
fn f(x: f64) -> f64 {
    let r = &x;
    *r * x
}

fn main() {
    let _ = f_grad(1.0);
}
