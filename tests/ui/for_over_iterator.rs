// `for` runs over constant ranges only; an iterator has no trip count the
// macro can see.
use autodiff::differentiable;

#[differentiable]
fn f(x: [f64; 3]) -> f64 {
    let mut s = 0.0;
    for xi in x.iter() {
        s += *xi;
    }
    s
}

fn main() {
    let _ = f_grad([1.0, 2.0, 3.0]);
}
