// An early `return` inside a branch is control flow the macro does not
// follow: an error, not a silently different function.
use autodiff::differentiable;

#[differentiable]
fn f(x: f64) -> f64 {
    if x > 0.0 {
        return x.ln();
    }
    x * 2.0
}

fn main() {
    let _ = f_grad(1.0);
}
