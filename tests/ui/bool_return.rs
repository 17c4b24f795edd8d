// A predicate cannot be differentiated. The error is on the return type
// only: the body's `>` follows from it and is not reported a second time.
use autodiff::differentiable;

#[differentiable]
fn f(x: f64) -> bool {
    x > 0.0
}

fn main() {
    let _ = f_grad(1.0);
}
