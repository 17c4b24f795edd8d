//! Helpers of `tests/dual.rs`: the precisions under test, comparisons and
//! central differences.

#![allow(dead_code)]

use num_dual::{DualNum, DualNumFloat};
use num_traits::Float;
use std::cell::RefCell;
use std::fmt::Debug;

thread_local! {
    static FAILURES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn fail(msg: String) {
    FAILURES.with(|f| f.borrow_mut().push(msg));
}

/// Panics with every failed comparison of this thread so far.
#[track_caller]
pub fn finish() {
    let all = FAILURES.with(|f| core::mem::take(&mut *f.borrow_mut()));
    assert!(
        all.is_empty(),
        "{} failures:\n{}",
        all.len(),
        all.join("\n")
    );
}

/// A float type under test, with its tolerances.
pub trait Prec: Float + DualNumFloat + DualNum<Self> + Debug + 'static {
    const NAME: &'static str;
    /// Relative tolerance against num-dual and the closed forms.
    const TOL: Self;
    /// Relative tolerance against central differences (taken in f64).
    const FD_TOL: f64;
}

impl Prec for f64 {
    const NAME: &'static str = "f64";
    const TOL: f64 = 1e-13;
    const FD_TOL: f64 = 1e-8;
}

impl Prec for f32 {
    const NAME: &'static str = "f32";
    const TOL: f32 = 2e-6;
    const FD_TOL: f64 = 1e-5;
}

/// Whether `x` (written in f64) is a point of `P`: representable without
/// overflow or underflow to 0.
pub fn fits<P: Prec>(x: f64) -> bool {
    let (max, min) = (
        P::max_value().to_f64().unwrap(),
        P::min_positive_value().to_f64().unwrap(),
    );
    !x.is_finite() || x == 0.0 || (x.abs() <= max && x.abs() >= min)
}

/// Equal, sign of zero included, or both NaN.
pub fn same<P: Float>(a: P, b: P) -> bool {
    (a == b && a.is_sign_negative() == b.is_sign_negative()) || (a.is_nan() && b.is_nan())
}

/// Records a failure unless `|a - b| <= tol · max(|a|, |b|)`, or equal, or both NaN.
pub fn close<P: Float + Debug>(what: &str, a: P, b: P, tol: P) {
    let ok = a == b || (a.is_nan() && b.is_nan()) || (a - b).abs() <= tol * a.abs().max(b.abs());
    if !ok {
        fail(format!("{what}: {a:?} vs {b:?}"));
    }
}

/// Records a failure unless `|a - g| <= rtol · max(|a|, |g|) + abs`: a derivative against a finite
/// difference `g` whose rounding error is about `abs`.
pub fn close_fd(what: &str, a: f64, g: f64, rtol: f64, abs: f64) {
    let ok = a == g || (a - g).abs() <= rtol * a.abs().max(g.abs()) + abs;
    assert!(
        ok,
        "{what}: {a:e} vs finite difference {g:e} (rounding {abs:e})"
    );
}

/// `f'(x)` by the five-point stencil with step `10⁻⁴ |x|` (`10⁻⁴` at 0), and
/// an estimate of its rounding error.
pub fn fd(f: impl Fn(f64) -> f64, x: f64) -> (f64, f64) {
    let h = if x == 0.0 { 1e-4 } else { 1e-4 * x.abs() };
    let h = (x + h) - x;
    let at = |k: f64| f(x + k * h);
    let (m2, m1, p1, p2) = (at(-2.0), at(-1.0), at(1.0), at(2.0));
    let d = (m2 - 8.0 * m1 + 8.0 * p1 - p2) / (12.0 * h);
    let fmax = m2.abs().max(m1.abs()).max(p1.abs()).max(p2.abs());
    (d, 8.0 * f64::EPSILON * fmax / h)
}
