use autodiff::differentiable;

#[differentiable]
fn f((x, y): (f64, f64)) -> f64 {
    x * y
}

fn main() {
    let _ = f_grad((1.0, 2.0));
}
