//! A loop in an `if` arm that reads a local array it overwrites: its
//! backward pass would need the array as it was, which it cannot read
//! again (found by the fuzzer, seed 26 case 59, as a wrong gradient).
use autodiff::differentiable;

#[differentiable]
fn f(x: [f64; 4], c: f64) -> f64 {
    let mut a = [x[1], c, 1.0, x[0]];
    if a[2] < c {
        a[0] = x[2];
    } else {
        for i in 0..4 {
            a[(i + 1) % 4] *= x[0];
        }
    }
    a[0]
}

fn main() {
    let _ = f_grad([1.0, 2.0, 3.0, 4.0], 0.5);
}
