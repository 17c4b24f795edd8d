use autodiff::differentiable;

#[differentiable]
fn f(x: f64) -> f64 {
    let y = x * x;
    return y;
    #[allow(unreachable_code)]
    x
}

fn main() {
    let _ = f_grad(1.0);
}
