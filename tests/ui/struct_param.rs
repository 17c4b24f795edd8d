use autodiff::differentiable;

struct Config {
    scale: f64,
}

#[differentiable]
fn f(x: f64, c: &Config) -> f64 {
    c.scale * x * x
}

fn main() {
    let c = Config { scale: 2.0 };
    let _ = f_grad(1.0, &c);
}
