// A macro in expression position, unlike `macro_in_body` (a statement).
use autodiff::differentiable;

#[differentiable]
fn f(x: f64) -> f64 {
    let y = x * x;
    y + dbg!(x)
}

fn main() {
    let _ = f_grad(1.0);
}
