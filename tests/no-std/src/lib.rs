//! Compiling this crate is the test: `#[differentiable]` expands to code that
//! needs neither `std` nor an allocator (`alloc` is not linked here), and
//! autodiff is used with `default-features = false`, so float maths goes
//! through `libm`.
#![no_std]

use autodiff::{differentiable, sigmoid, Float};

/// A scalar function of two `f64`.
#[differentiable]
pub fn rosenbrock(x: f64, y: f64) -> f64 {
    (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
}

/// Every float method the macro knows, through libm.
#[differentiable]
pub fn transcendental(x: f64, y: f64) -> f64 {
    let a = x.sqrt() + x.cbrt() + x.exp() + x.exp2() + x.exp_m1() + x.ln() + x.ln_1p();
    let b = x.log2() + x.log10() + x.log(y) + x.sin() + x.cos() + x.tan();
    let c = x.asin() + x.acos() + x.atan() + x.atan2(y) + x.sinh() + x.cosh() + x.tanh();
    let d = x.abs() + x.max(y) + x.min(y) + x.hypot(y) + x.recip() + x.mul_add(y, x);
    a + b + c + d + x.powf(y) + x.clamp(0.0, y)
}

/// Generic over the float type.
#[differentiable]
pub fn beale<T: Float>(x: T, y: T) -> T {
    let c1 = T::from(1.5).unwrap();
    let c2 = T::from(2.25).unwrap();
    let c3 = T::from(2.625).unwrap();
    let a = c1 - x + x * y;
    let b = c2 - x + x * y * y;
    let c = c3 - x + x * y * y * y;
    a * a + b * b + c * c
}

/// Arrays, a 2-D array, a constant input by reference, and the activations.
#[differentiable(wrt(w, m, b))]
pub fn layer(w: [f32; 3], m: [[f32; 2]; 2], b: f32, x: &[f32; 3], label: f32) -> f32 {
    let z = w[0] * x[0] + w[1] * x[1] + w[2] * x[2] + b;
    let h = m[0][0] * z + m[0][1] * autodiff::relu(z) + m[1][0] * autodiff::softplus(z) + m[1][1];
    let a = sigmoid(h);
    (a - label).powi(2)
}

/// Plain code calling the generated gradients: one step of gradient descent
/// on each function, so `_grad` and `_vjp` are exercised, not only declared.
pub fn descend(x: f64, y: f64, rate: f64) -> (f64, f64, f64) {
    let (_, dx, dy) = rosenbrock_grad(x, y);
    let (x, y) = (x - rate * dx, y - rate * dy);
    let (_, ex, ey) = beale_grad(x, y);
    let (x, y) = (x - rate * ex, y - rate * ey);
    let (value, _, _) = beale_vjp(x, y, 1.0);
    (value, x, y)
}

/// One gradient step of the layer, in f32.
pub fn train_step(
    w: [f32; 3],
    m: [[f32; 2]; 2],
    b: f32,
    x: &[f32; 3],
    label: f32,
    rate: f32,
) -> ([f32; 3], [[f32; 2]; 2], f32, f32) {
    let (loss, dw, dm, db) = layer_grad(w, m, b, x, label);
    let w = [
        w[0] - rate * dw[0],
        w[1] - rate * dw[1],
        w[2] - rate * dw[2],
    ];
    let m = [
        [m[0][0] - rate * dm[0][0], m[0][1] - rate * dm[0][1]],
        [m[1][0] - rate * dm[1][0], m[1][1] - rate * dm[1][1]],
    ];
    (w, m, b - rate * db, loss)
}

/// The gradient of [`transcendental`] at `(x, y)`.
pub fn transcendental_gradient(x: f64, y: f64) -> [f64; 2] {
    let (_, dx, dy) = transcendental_grad(x, y);
    [dx, dy]
}

/// Forward over reverse without std, by hand: [`beale`]'s gradient
/// evaluated on `autodiff::Dual<f64>` at `(x, y) + ε v` gives the Hessian
/// times `v`.
pub fn beale_dual_hvp(x: f64, y: f64, v: [f64; 2]) -> [f64; 2] {
    let (_, hx, hy) = beale_grad(autodiff::Dual::new(x, v[0]), autodiff::Dual::new(y, v[1]));
    [hx.eps, hy.eps]
}

/// The generated second order without std or heap: the Hessian of
/// [`transcendental`] (an `f64` function, so through its lifted pass).
pub fn transcendental_hessian_at(x: f64, y: f64) -> [[f64; 2]; 2] {
    transcendental_hessian(x, y).2
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;

    fn fd(f: impl Fn(f64) -> f64, x: f64) -> f64 {
        let h = 1e-6;
        (f(x + h) - f(x - h)) / (2.0 * h)
    }

    #[test]
    fn gradients_match_finite_differences() {
        let (x, y) = (0.4, 0.7);
        let [dx, dy] = transcendental_gradient(x, y);
        assert!((dx - fd(|t| transcendental(t, y), x)).abs() < 1e-6 * dx.abs().max(1.0));
        assert!((dy - fd(|t| transcendental(x, t), y)).abs() < 1e-6 * dy.abs().max(1.0));
        let (v, dx, dy) = rosenbrock_grad(-1.2, 1.0);
        assert_eq!(v, rosenbrock(-1.2, 1.0));
        assert!((dx - (-215.6)).abs() < 1e-12);
        assert!((dy - (-88.0)).abs() < 1e-12);
    }

    #[test]
    fn descent_decreases_the_loss() {
        let (x, y) = (1.0, 1.0);
        let (after, _, _) = descend(x, y, 1e-4);
        assert!(after < beale(x, y));
        let (w, m, b, x) = (
            [0.1, -0.2, 0.3],
            [[1.0, 0.5], [-0.5, 0.2]],
            0.0,
            [1.0, 2.0, -1.0],
        );
        let (w2, m2, b2, before) = train_step(w, m, b, &x, 1.0, 0.5);
        let (after, ..) = layer_grad(w2, m2, b2, &x, 1.0);
        assert!(after < before, "{after} >= {before}");
    }

    #[test]
    fn beale_hvp_is_the_hessian_column() {
        // At (1, 1): ∂²f/∂x² = 2[(y - 1)² + (y² - 1)² + (y³ - 1)²] = 0 and
        // ∂²f/∂x∂y = 2 Σ_k [k y^(k-1) (c_k - x + x y^k) + (y^k - 1) k x y^(k-1)]
        // = 2 (1.5 + 2 · 2.25 + 3 · 2.625) = 27.75.
        let [hxx, hyx] = beale_dual_hvp(1.0, 1.0, [1.0, 0.0]);
        let (_, _, _, gx, gy) = beale_hvp(1.0, 1.0, 1.0, 0.0);
        assert_eq!([gx, gy], [hxx, hyx]);
        assert!(
            hxx.abs() < 1e-12 && (hyx - 27.75).abs() < 1e-12,
            "{hxx} {hyx}"
        );
    }
}
