// A differentiated value fed into a conversion: the culprit is the call that
// consumes `x` (`T::from(x)`), not the `unwrap` around it.
use autodiff::{differentiable, Float};

#[differentiable]
fn f<T: Float>(x: T) -> T {
    let y = T::from(x).unwrap();
    y * x
}

fn main() {
    let _ = f_grad(1.0f64);
}
