// A running product keeps its value per iteration; with a bound known only
// at run time there is no stack array to size.
use autodiff::differentiable;

#[differentiable(wrt(x))]
fn f(x: [f64; 4], n: usize) -> f64 {
    let mut p = 1.0;
    for i in 0..n {
        p *= x[i];
    }
    p
}

fn main() {
    let _ = f_grad([1.0, 2.0, 3.0, 4.0], 3);
}
