// A user's own `relu` must not be differentiated with autodiff's rule: the
// name resolves to the user's function, so the macro's check fails at the call.
use autodiff::differentiable;

fn relu(x: f64) -> f64 {
    2.0 * x
}

#[differentiable]
fn f(x: f64) -> f64 {
    relu(x) + x
}

fn main() {
    let _ = f_grad(1.0);
}
