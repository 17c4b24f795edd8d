// `x.len()` of an array parameter is a compile-time constant, but the
// macro sees a method call on a differentiated value.
use autodiff::differentiable;

#[differentiable]
fn f(x: [f64; 3]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i];
    }
    s
}

fn main() {
    let _ = f_grad([1.0, 2.0, 3.0]);
}
