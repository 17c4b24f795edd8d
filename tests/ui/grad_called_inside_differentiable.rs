// Derivatives do not nest: a generated `_grad` called inside a
// `#[differentiable]` function is refused with a message that says so, not
// with one about the tuple pattern's length.
use autodiff::differentiable;

#[differentiable]
fn f(x: f64, y: f64) -> f64 {
    x * y
}

#[differentiable]
fn g(x: f64, y: f64) -> f64 {
    let (_, gx, gy) = f_grad(x, y);
    gx * gy
}

fn main() {
    let _ = g_grad(1.0, 2.0);
}
