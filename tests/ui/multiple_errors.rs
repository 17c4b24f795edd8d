// Several independent mistakes in one function: all are reported in one
// compile, each on its own token.
use autodiff::differentiable;

#[differentiable(wrt(x, z))]
#[allow(unused_unsafe)]
fn f(x: f64, y: &mut f64) -> f64 {
    let a = x as f32;
    println!("{}", a);
    let b = x % 2.0;
    let c = unsafe { x * *y };
    let d = x.to_degrees();
    a as f64 + b + c + d
}

fn main() {
    let mut y = 2.0;
    let _ = f_grad(1.0, &mut y);
}
