// A local array declared inside an `if` arm: its adjoint array would live
// in the forward arm's scope only.
use autodiff::differentiable;

#[differentiable]
fn f(x: f64) -> f64 {
    if x > 0.0 {
        let a = [x, 2.0 * x];
        a[0] * a[1]
    } else {
        x
    }
}

fn main() {
    let _ = f_grad(1.0);
}
