// Two mistakes in the attribute's arguments: both should be reported.
use autodiff::differentiable;

#[differentiable(respect_to(x), wrt(x, x))]
fn f(x: f64) -> f64 {
    x * x
}

fn main() {
    let _ = f_grad(1.0);
}
