use autodiff::differentiable;

#[differentiable]
fn f(x: f64) -> i32 {
    let _y = x * x;
    3
}

fn main() {
    let _ = f_grad(1.0);
}
