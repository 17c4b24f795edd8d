//! Method-independent pieces shared by `benches/loops.rs`,
//! `benches/models.rs` and `tests/suite/bench_models.rs` (included with `#[path]`):
//! the two num-dual gradient drivers, central finite differences, a
//! deterministic random number generator, and the comparison used to decide
//! that two gradients agree.
//!
//! (`benches/common/mgh_problems.rs` has its own copies of the drivers; it is
//! left as it is so that `tests/suite/mgh.rs` does not change.)

#![allow(dead_code)]

use num_dual::{Dual64, DualSVec64};

/// num-dual, forward mode with one [`Dual64`] pass per input direction
/// (`N` passes of the whole function): the plain way to get a gradient from
/// `Dual64`. Costs `N` times the function, so O(N²) for an O(N) function.
#[inline]
pub fn dual64_gradient<const N: usize>(
    f: impl Fn(&[Dual64; N]) -> Dual64,
    p: &[f64; N],
) -> (f64, [f64; N]) {
    let mut g = [0.0; N];
    let mut value = 0.0;
    for (i, gi) in g.iter_mut().enumerate() {
        let x: [Dual64; N] = core::array::from_fn(|j| {
            let d = Dual64::from_re(p[j]);
            if j == i {
                d.derivative()
            } else {
                d
            }
        });
        let r = f(&x);
        value = r.re;
        *gi = r.eps;
    }
    (value, g)
}

/// num-dual's own `gradient`: one pass with [`DualSVec64<N>`] numbers, each
/// carrying all `N` directional derivatives (so every operation costs O(N),
/// and the whole gradient O(N²) for an O(N) function).
#[inline]
pub fn dualvec_gradient<const N: usize>(
    f: impl Fn(&[DualSVec64<N>; N]) -> DualSVec64<N>,
    p: &[f64; N],
) -> (f64, [f64; N]) {
    let (v, g) = num_dual::gradient(
        |x| -> DualSVec64<N> { f(&core::array::from_fn(|i| x[i])) },
        (*p).into(),
    );
    (v, core::array::from_fn(|i| g[i]))
}

/// Value and central-difference gradient: `2N + 1` evaluations of `f`, with
/// the step `h_i = ε^{1/3} max(|x_i|, 1)`, made exactly representable as
/// `(x + h) - (x - h)`. Accurate to about 1e-7 relative at best.
#[inline]
pub fn central_fd<const N: usize>(f: impl Fn(&[f64; N]) -> f64, p: &[f64; N]) -> (f64, [f64; N]) {
    // cbrt(f64::EPSILON), written out (cbrt is not const).
    const CBRT_EPS: f64 = 6.055_454_452_393_343e-6;
    let value = f(p);
    let mut g = [0.0; N];
    let mut q = *p;
    for i in 0..N {
        let xi = p[i];
        let h = CBRT_EPS * xi.abs().max(1.0);
        let (hi, lo) = (xi + h, xi - h);
        q[i] = hi;
        let fp = f(&q);
        q[i] = lo;
        let fm = f(&q);
        q[i] = xi;
        g[i] = (fp - fm) / (hi - lo);
    }
    (value, g)
}

/// A deterministic xorshift generator (no extra dependency), for benchmark
/// points, weights and tests.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        let s = &mut self.0;
        *s ^= *s << 13;
        *s ^= *s >> 7;
        *s ^= *s << 17;
        (*s >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in `[lo, hi)`.
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    /// Uniform in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        ((self.unit() * n as f64) as usize).min(n - 1)
    }
    /// An array of uniform values in `[lo, hi)`.
    pub fn array<const N: usize>(&mut self, lo: f64, hi: f64) -> [f64; N] {
        core::array::from_fn(|_| self.uniform(lo, hi))
    }
    /// A matrix (array of rows) of uniform values in `[lo, hi)`.
    pub fn matrix<const R: usize, const C: usize>(&mut self, lo: f64, hi: f64) -> [[f64; C]; R] {
        core::array::from_fn(|_| self.array(lo, hi))
    }
}

/// Two gradients agree: every entry within `rel` of the other, relative to
/// the largest magnitude among the value and all entries of `want` (so that
/// entries near zero, whose terms are not, are compared on the scale of the
/// problem). Returns the index of the first disagreement.
pub fn agree(got: &[f64], want: &[f64], rel: f64) -> Result<(), usize> {
    assert_eq!(got.len(), want.len());
    let scale = want.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    let eps = rel * (1.0 + scale);
    for (i, (&a, &b)) in got.iter().zip(want).enumerate() {
        let close = (a - b).abs() <= eps.max(rel * a.abs().max(b.abs()));
        if !close {
            return Err(i);
        }
    }
    Ok(())
}

/// Asserts [`agree`], naming the method, the entry and both values on failure.
#[track_caller]
pub fn assert_agree(what: &str, got: &[f64], want: &[f64], rel: f64) {
    if let Err(i) = agree(got, want, rel) {
        panic!(
            "{what}: entry {i} differs: {} vs {} (rel {rel:e})",
            got[i], want[i]
        );
    }
}
