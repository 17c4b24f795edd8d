use autodiff::differentiable;

#[differentiable]
#[allow(irrefutable_let_patterns)]
fn f(x: f64) -> f64 {
    let y = x * x else { return 0.0 };
    y
}

fn main() {
    let _ = f_grad(1.0);
}
