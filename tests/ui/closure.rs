use autodiff::differentiable;

#[differentiable]
fn f(x: f64) -> f64 {
    let sq = |t: f64| t * t;
    sq(x) + x
}

fn main() {
    let _ = f_grad(1.0);
}
