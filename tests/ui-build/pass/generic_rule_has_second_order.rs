//! The same rule written generic over its float serves second order: it
//! runs on the lifted pass's dual numbers.
use autodiff::{custom_vjp, differentiable, Float};

#[custom_vjp(softsign_rule)]
fn softsign<T: Float>(x: T) -> T {
    x / (T::one() + x.abs())
}

fn softsign_rule<T: Float>(x: T, _value: T, g: T) -> T {
    g / ((T::one() + x.abs()) * (T::one() + x.abs()))
}

#[differentiable]
fn caller(x: f64, y: f64) -> f64 {
    softsign(x * y) * y
}

fn main() {
    let (_v, _dx, _dy, hx, _hy) = caller_hvp(0.5, 2.0, 1.0, 0.0);
    // ∂²/∂x² of y·s(xy) at (0.5, 2) is y³ s''(1) = 8 · (-2 / 2³) = -2.
    assert!((hx + 2.0).abs() < 1e-12, "{hx}");
}
