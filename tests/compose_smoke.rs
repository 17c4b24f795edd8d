use approx::assert_relative_eq;
use autodiff::differentiable;

mod nested {
    use autodiff::differentiable;
    #[differentiable]
    pub fn cube(x: f64) -> f64 {
        x * x * x
    }
}

#[differentiable]
fn scaled(x: f64, k: usize) -> f64 {
    x.sin() * k as f64
}

#[differentiable]
fn outer(x: f64, y: f64) -> f64 {
    nested::cube(x) + scaled(x * y, 3)
}

#[test]
fn composition() {
    let (x, y) = (0.7, -1.3);
    let (v, dx, dy) = outer_grad(x, y);
    assert_relative_eq!(v, outer(x, y));
    assert_relative_eq!(
        dx,
        3.0 * x * x + 3.0 * (x * y).cos() * y,
        max_relative = 1e-14
    );
    assert_relative_eq!(dy, 3.0 * (x * y).cos() * x, max_relative = 1e-14);
}

/// A function the macro cannot see into: a lookup table with interpolation.
#[autodiff::custom_vjp(softsign_vjp)]
fn softsign(x: f64) -> f64 {
    x / (1.0 + x.abs())
}

/// d/dx x/(1+|x|) = 1/(1+|x|)²
fn softsign_vjp(x: f64, _value: f64, g: f64) -> f64 {
    g / ((1.0 + x.abs()) * (1.0 + x.abs()))
}

#[differentiable]
fn uses_custom(x: f64, y: f64) -> f64 {
    softsign(x * y) * y
}

#[test]
fn custom_rule() {
    let (x, y) = (0.4, -2.0);
    let (v, dx, dy) = uses_custom_grad(x, y);
    assert_relative_eq!(v, uses_custom(x, y));
    let h = 1e-6;
    let fx = (uses_custom(x + h, y) - uses_custom(x - h, y)) / (2.0 * h);
    let fy = (uses_custom(x, y + h) - uses_custom(x, y - h)) / (2.0 * h);
    assert_relative_eq!(dx, fx, max_relative = 1e-7);
    assert_relative_eq!(dy, fy, max_relative = 1e-7);
}
