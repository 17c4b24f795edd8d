//! Branches: the gradient of the arm taken, no NaN from the arm not taken,
//! and nested `if`s.

use approx::assert_relative_eq;
use autodiff::differentiable;

#[differentiable(wrt(r))]
fn huber(r: f64, delta: f64) -> f64 {
    if r.abs() <= delta {
        0.5 * r * r
    } else {
        delta * (r.abs() - 0.5 * delta)
    }
}

#[differentiable]
fn nan_guard(x: f64) -> f64 {
    let mut y = x * 2.0;
    if x > 0.0 {
        y += x.ln();
    }
    y
}

#[differentiable]
fn nested<T: autodiff::Float>(x: T, y: T) -> T {
    let s = x * y;
    let out = if x > T::zero() {
        if y > T::zero() {
            s.sqrt()
        } else {
            s * s
        }
    } else if y > x {
        y.exp() * x
    } else {
        x
    };
    out + s
}

#[test]
fn huber_gradient() {
    assert_relative_eq!(huber_grad(0.3, 1.0).1, 0.3);
    assert_relative_eq!(huber_grad(3.0, 1.0).1, 1.0);
    assert_relative_eq!(huber_grad(-3.0, 1.0).1, -1.0);
}

#[test]
fn untaken_nan() {
    let (v, d) = nan_guard_grad(-1.0);
    assert_relative_eq!(v, -2.0);
    assert_relative_eq!(d, 2.0);
    let (_, d) = nan_guard_grad(2.0);
    assert_relative_eq!(d, 2.5);
}

#[test]
fn nested_branches() {
    for (x, y) in [(2.0f64, 3.0), (2.0, -3.0), (-1.0, 0.5), (-1.0, -2.0)] {
        let (v, dx, dy) = nested_grad(x, y);
        let h = 1e-6;
        assert_relative_eq!(v, nested(x, y));
        let fx = (nested(x + h, y) - nested(x - h, y)) / (2.0 * h);
        let fy = (nested(x, y + h) - nested(x, y - h)) / (2.0 * h);
        assert_relative_eq!(dx, fx, max_relative = 1e-6);
        assert_relative_eq!(dy, fy, max_relative = 1e-6);
    }
}
