use autodiff::differentiable;

#[differentiable]
fn f(x: f64, n: usize) -> f64 {
    let mut s = 0.0;
    for _ in 0..n {
        s += x;
    }
    let mut p = 1.0;
    for _ in 0..(x as usize) {
        p *= x;
    }
    s + p
}

fn main() {
    let _ = f_grad(1.0, 3);
}
