// A slice parameter is refused at its type, and only there: the stubs keep
// a gradient slot for it, so the caller's `let (v, g) = f_grad(..)` adds no
// "expected a tuple with 1 element, found one with 2". So does a refused
// type named in `wrt`.
use autodiff::differentiable;

#[differentiable]
fn f(x: &[f64]) -> f64 {
    x[0] * x[1]
}

#[differentiable(wrt(x, _label))]
fn h(x: f64, _label: &str, n: usize) -> f64 {
    x * n as f64
}

fn main() {
    let (_v, _g) = f_grad(&[1.0, 2.0]);
    let _first: f64 = _g[0];
    let (_v, _g) = f_vjp(&[1.0, 2.0], 1.0);
    let (_v, _dx, _dc) = h_grad(1.0, "label", 2);
}
