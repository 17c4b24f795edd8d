//! Central finite differences and a tolerant comparison, for every check.

use super::Prec;

/// `∂f/∂x_i` by the five-point stencil, and an estimate of its rounding error.
pub fn fd_partial<T: Prec, const N: usize>(
    f: &impl Fn([T; N]) -> T,
    x: [T; N],
    i: usize,
    h: T,
) -> (T, T) {
    // Step by a representable offset, so that x ± h and x ± 2h are exact.
    let h = {
        let mut y = x;
        y[i] = x[i] + h;
        y[i] - x[i]
    };
    let at = |k: f64| {
        let mut y = x;
        y[i] = x[i] + T::of(k) * h;
        f(y)
    };
    let (m2, m1, p1, p2) = (at(-2.0), at(-1.0), at(1.0), at(2.0));
    let d = (m2 - T::of(8.0) * m1 + T::of(8.0) * p1 - p2) / (T::of(12.0) * h);
    let fmax = m2.abs().max(m1.abs()).max(p1.abs()).max(p2.abs());
    let rounding = T::of(8.0) * T::epsilon() * fmax / h;
    (d, rounding)
}

/// The whole gradient of `f` at `x` by finite differences (f64 only),
/// for the syntax tests: relative step `1e-3 · max(1, |x_i|)`.
pub fn fd_grad<const N: usize>(f: impl Fn([f64; N]) -> f64, x: [f64; N]) -> [f64; N] {
    let mut g = [0.0; N];
    for (i, gi) in g.iter_mut().enumerate() {
        let h = 1e-3 * x[i].abs().max(1.0);
        *gi = fd_partial(&f, x, i, h).0;
    }
    g
}

/// `|a - b| <= rtol · max(|a|, |b|, floor)`, with a readable panic.
#[track_caller]
pub fn close(what: &str, a: f64, b: f64, rtol: f64, floor: f64) {
    let scale = a.abs().max(b.abs()).max(floor);
    let ok = a == b || (a - b).abs() <= rtol * scale;
    assert!(
        ok,
        "{what}: {a:e} vs {b:e} (|diff| = {:e}, allowed {:e})",
        (a - b).abs(),
        rtol * scale
    );
}
