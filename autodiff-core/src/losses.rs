//! Loss functions, each with its pullbacks `name_vjpK`, written in the form
//! that stays finite at extreme inputs (logits of ±1000, saturated
//! probabilities, labels of exactly 0 and 1).
//!
//! The elementwise losses take a scalar or any [`Shape`] ([`Vector`],
//! [`RowVector`](crate::RowVector), [`Matrix`](crate::Matrix)) and return
//! the **mean** over the elements, so a scalar and a one-element vector give
//! the same value, and the loss does not grow with the batch or layer size.
//! Multiply by `n` for the sum.

use crate::activations::sigmoid;
use crate::linalg::{len, max_and_log_sum_exp, mean, softmax, Shape, Vector};
use num_traits::{Float, One, Zero};

/// Mean squared error `Σ (pᵢ - tᵢ)² / n`.
#[inline(always)]
pub fn mse<A: Shape>(pred: A, target: A) -> A::Elem {
    mean(pred.zip_map(target, |p, t| (p - t) * (p - t)))
}

/// Pullback of [`mse`] to the prediction: `p̄ = 2ḡ(p - t)/n`.
#[inline(always)]
pub fn mse_vjp0<A: Shape>(pred: A, target: A, _y: A::Elem, g: A::Elem) -> A {
    let k = (g + g) / len::<A>();
    pred.zip_map(target, |p, t| k * (p - t))
}

/// Pullback of [`mse`] to the target: `t̄ = 2ḡ(t - p)/n`.
#[inline(always)]
pub fn mse_vjp1<A: Shape>(pred: A, target: A, y: A::Elem, g: A::Elem) -> A {
    mse_vjp0(target, pred, y, g)
}

/// Binary cross-entropy of the probability `σ(z)` against the label `y`
/// (in `[0, 1]`; soft labels allowed), from the logit `z`, averaged over the
/// elements:
/// `-(y ln σ(z) + (1 - y) ln(1 - σ(z))) = max(z, 0) - z y + ln(1 + e^(-|z|))`,
/// the right-hand form so it neither overflows nor takes `ln 0`.
#[inline(always)]
pub fn bce_with_logits<A: Shape>(logit: A, label: A) -> A::Elem {
    mean(logit.zip_map(label, |z, y| {
        z.max(A::Elem::zero()) - z * y + (-z.abs()).exp().ln_1p()
    }))
}

/// Pullback of [`bce_with_logits`] to the logit: `z̄ = ḡ(σ(z) - y)/n`.
#[inline(always)]
pub fn bce_with_logits_vjp0<A: Shape>(logit: A, label: A, _y: A::Elem, g: A::Elem) -> A {
    let k = g / len::<A>();
    logit.zip_map(label, |z, y| k * (sigmoid(z) - y))
}

/// Pullback of [`bce_with_logits`] to the label: `ȳ = -ḡ z/n`.
#[inline(always)]
pub fn bce_with_logits_vjp1<A: Shape>(logit: A, _label: A, _y: A::Elem, g: A::Elem) -> A {
    let k = g / len::<A>();
    logit.map(|z| -(k * z))
}

/// Huber loss of the residual `r = p - t`, averaged over the elements:
/// `½r²` where `|r| ≤ δ`, `δ(|r| - ½δ)` beyond (quadratic near 0, linear in
/// the tails, continuously differentiable at `|r| = δ`).
#[inline(always)]
pub fn huber<A: Shape>(pred: A, target: A, delta: A::Elem) -> A::Elem {
    let half = (A::Elem::one() + A::Elem::one()).recip();
    mean(pred.zip_map(target, |p, t| {
        let a = (p - t).abs();
        if a <= delta {
            half * a * a
        } else {
            delta * (a - half * delta)
        }
    }))
}

/// Pullback of [`huber`] to the prediction: `p̄ = ḡ·clamp(r, -δ, δ)/n`.
#[inline(always)]
pub fn huber_vjp0<A: Shape>(pred: A, target: A, delta: A::Elem, _y: A::Elem, g: A::Elem) -> A {
    let k = g / len::<A>();
    pred.zip_map(target, |p, t| {
        let r = p - t;
        let c = if r > delta {
            delta
        } else if r < -delta {
            -delta
        } else {
            r
        };
        k * c
    })
}

/// Pullback of [`huber`] to the target: `t̄ = -ḡ·clamp(r, -δ, δ)/n`.
#[inline(always)]
pub fn huber_vjp1<A: Shape>(pred: A, target: A, delta: A::Elem, y: A::Elem, g: A::Elem) -> A {
    huber_vjp0(target, pred, delta, y, g)
}

/// Pullback of [`huber`] to `δ`: `δ̄ = ḡ Σ_{|rᵢ| > δ} (|rᵢ| - δ) / n`.
#[inline(always)]
pub fn huber_vjp2<A: Shape>(
    pred: A,
    target: A,
    delta: A::Elem,
    _y: A::Elem,
    g: A::Elem,
) -> A::Elem {
    let tail = pred.zip_map(target, |p, t| {
        let a = (p - t).abs();
        if a > delta {
            a - delta
        } else {
            A::Elem::zero()
        }
    });
    g * mean(tail)
}

/// Cross-entropy of `softmax(z)` against the class `label`:
/// `-ln softmax(z)[label] = logsumexp(z) - z[label]`, computed as
/// `ln Σ eᶻʲ⁻ᵐ + (m - z[label])` with `m = max z`: finite for any finite
/// logits, and without the cancellation of `logsumexp(z) - z[label]` when the
/// loss is small (a confident, correct prediction).
///
/// # Panics
///
/// If `label >= N`.
#[inline(always)]
pub fn softmax_cross_entropy<T: Float, const N: usize>(logits: Vector<T, N>, label: usize) -> T {
    let (m, lse) = max_and_log_sum_exp(logits);
    lse + (m - logits[label])
}

/// Pullback of [`softmax_cross_entropy`] to the logits:
/// `z̄ = ḡ(softmax(z) - onehot(label))`. The label is a class index and has
/// no derivative.
#[inline(always)]
pub fn softmax_cross_entropy_vjp0<T: Float, const N: usize>(
    logits: Vector<T, N>,
    label: usize,
    _y: T,
    g: T,
) -> Vector<T, N> {
    let mut p = softmax(logits);
    p[label] = p[label] - T::one();
    p * g
}
