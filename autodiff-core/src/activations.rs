//! Activation functions users call by name inside `#[differentiable]` code,
//! each with its pullback. They work on scalars and, element by element, on
//! every [`Elementwise`] shape.

use crate::elementwise::Elementwise;
use crate::rules::unary;
use num_traits::{Float, One, Zero};

/// `σ(x) = 1 / (1 + e⁻ˣ)` for a finite, non-negative exponent only, so it
/// never overflows: for `x < 0` it is computed as `eˣ / (1 + eˣ)`.
#[inline(always)]
fn sigmoid_scalar<T: Float>(x: T) -> T {
    if x >= T::zero() {
        (T::one() + (-x).exp()).recip()
    } else {
        let e = x.exp();
        e / (T::one() + e)
    }
}

/// `σ'(x) = σ(x) σ(-x) = e / (1 + e)²` with `e = e^(-|x|) ≤ 1`: accurate
/// and finite for every `x`.
#[inline(always)]
fn sigmoid_deriv<T: Float>(x: T) -> T {
    let e = (-x.abs()).exp();
    let d = T::one() + e;
    e / (d * d)
}

unary!(
    /// The logistic sigmoid `σ(x) = 1 / (1 + e⁻ˣ)`, computed without overflow.
    /// Its derivative `σ'(x) = σ(x)(1 - σ(x))` is computed by `sigmoid_deriv`
    /// from `x`: from the value, `1 - y` cancels once `y` nears 1 (relative
    /// error 1e-3 at x = 30, exactly 0 for x ≳ 37 in f64).
    sigmoid, sigmoid_vjp0, |x, y| sigmoid_scalar(x), sigmoid_deriv(x)
);
unary!(
    /// The rectifier `max(x, 0)`; `relu'(x) = 1` for `x > 0`, else 0 (0 at 0).
    relu, relu_vjp0, |x, y| if x > A::Elem::zero() { x } else { x * A::Elem::zero() },
    if x > A::Elem::zero() { A::Elem::one() } else { A::Elem::zero() }
);
unary!(
    /// `softplus(x) = ln(1 + eˣ)`, computed as `max(x, 0) + ln(1 + e^(-|x|))`
    /// so it neither overflows nor loses the small tail. Its derivative is
    /// `σ(x)`.
    softplus, softplus_vjp0,
    |x, y| x.max(A::Elem::zero()) + (-x.abs()).exp().ln_1p(),
    sigmoid_scalar(x)
);
