// A call to a function that has neither `#[differentiable]` nor
// `#[custom_vjp]`: an error at the call, never a silent zero.
use autodiff::differentiable;

fn helper(x: f64) -> f64 {
    x * 3.0
}

#[differentiable]
fn f(x: f64) -> f64 {
    helper(x) + x
}

fn main() {
    let _ = f_grad(1.0);
}
