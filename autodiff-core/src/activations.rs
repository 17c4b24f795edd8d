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

unary!(
    /// The logistic sigmoid `σ(x) = 1 / (1 + e⁻ˣ)`, computed without overflow.
    /// Its derivative `σ'(x) = σ(x)(1 - σ(x))` is taken from the value as
    /// `y (1 - y)`: no second exponential, so the pullback costs what a
    /// hand-written `a(1 - a)` costs. `1 - y` is exact for `y ≥ 1/2`, so the
    /// absolute error is at most about one ulp of 1 (times `g`); in the
    /// saturated upper tail, where `σ'` falls towards that ulp, the relative
    /// error grows, and the result is exactly 0 once `y` rounds to 1
    /// (x ≳ 37 in f64, ≳ 17 in f32). The lower tail keeps full relative
    /// accuracy.
    sigmoid, sigmoid_vjp0, |x, y| sigmoid_scalar(x), y * (A::Elem::one() - y)
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
