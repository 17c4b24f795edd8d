// A call to a user function the macro has no derivative rule for.
use autodiff::differentiable;

fn foo(x: f64) -> f64 {
    x * 2.0
}

#[differentiable]
fn f(x: f64) -> f64 {
    foo(x) + x
}

fn main() {
    let _ = f_grad(1.0);
}
