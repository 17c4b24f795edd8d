use autodiff::differentiable;

#[differentiable]
#[allow(unused_unsafe)]
fn f(x: f64) -> f64 {
    let y = unsafe { x * x };
    y + x
}

fn main() {
    let _ = f_grad(1.0);
}
