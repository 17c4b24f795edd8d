use autodiff::differentiable;

#[differentiable(wrt(x))]
fn f(x: f64, bias: Option<f64>) -> f64 {
    if let Some(b) = bias {
        x * x + b
    } else {
        x * x
    }
}

fn main() {
    let _ = f_grad(1.0, Some(2.0));
}
