// A loop that runs backwards reads, inside an `if`, a local array that the
// loop overwrites: the value read cannot be recomputed, and keeping it per
// iteration is supported only directly in the loop body.
use autodiff::differentiable;

#[differentiable]
fn f(x: [f64; 4]) -> f64 {
    let mut a = [1.0f64; 4];
    let mut p = 1.0;
    for i in 1..4 {
        if x[i] > 0.0 {
            p *= a[i - 1].sin();
        }
        a[i] = x[i] * p;
    }
    p
}

fn main() {
    let _ = f_grad([1.0, 2.0, 3.0, 4.0]);
}
