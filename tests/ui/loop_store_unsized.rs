// A running product must keep its value per iteration; `0..=N` with a const
// generic `N` has N + 1 iterations, which stable Rust cannot use as an array
// length.
use autodiff::differentiable;

#[differentiable]
fn f<const N: usize>(x: [f64; N]) -> f64 {
    let mut p = 1.0;
    for i in 0..=N {
        p *= x[i % N];
    }
    p
}

fn main() {
    let _ = f_grad([1.0, 2.0]);
}
