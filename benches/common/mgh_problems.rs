//! Three unconstrained test problems from Moré, Garbow & Hillstrom,
//! "Testing Unconstrained Optimization Software", ACM TOMS 7(1), 1981
//! (problems 1, 5 and 14), each in four forms:
//!
//! * `name` / `name_grad`: the objective as a user writes it for
//!   `#[differentiable]`, and the gradient the macro generates from it;
//! * `name_hand`: value and gradient written by hand, sharing the
//!   subexpressions a careful engineer would share;
//! * `name_dual`: the same objective written generically over
//!   [`num_dual::DualNum`], so num-dual can differentiate it;
//! * `name_fd`: a central finite-difference gradient of `name`, for context.
//!
//! Shared by `benches/mgh.rs` and `tests/suite/mgh.rs` (via `#[path]`), so the
//! functions benchmarked are exactly the functions tested.
//!
//! Every `*_grad`-like function here returns `(value, gradient)`.

#![allow(dead_code)]

use autodiff::differentiable;
use num_dual::DualNum;

// ---------------------------------------------------------------------------
// MGH 1: Rosenbrock, n = 2.
//   f = 100 (x2 - x1²)² + (1 - x1)²,  x0 = (-1.2, 1),  f* = 0 at (1, 1).
// ---------------------------------------------------------------------------

/// Rosenbrock's function, written as in the crate's own snapshot/example.
#[differentiable]
pub fn rosenbrock(x: f64, y: f64) -> f64 {
    (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
}

/// The generated gradient in the common `(value, [grad; N])` shape.
#[inline]
pub fn rosenbrock_gen(p: [f64; 2]) -> (f64, [f64; 2]) {
    let (v, dx, dy) = rosenbrock_grad(p[0], p[1]);
    (v, [dx, dy])
}

/// Hand-written value and gradient.
///
/// With `a = 1 - x`, `b = y - x²`, `f = a² + 100 b²`:
/// `∂f/∂y = 200 b`, `∂f/∂x = -2a - 2x · 200 b`.
pub fn rosenbrock_hand(p: [f64; 2]) -> (f64, [f64; 2]) {
    let [x, y] = p;
    let a = 1.0 - x;
    let b = y - x * x;
    let gb = 200.0 * b; // ∂f/∂b
    let f = a * a + 100.0 * (b * b);
    (f, [-2.0 * (a + x * gb), gb])
}

/// The objective for num-dual (constants on the right: num-dual implements
/// `Dual op f64`, not `f64 op Dual`). Bit-for-bit the same value as
/// [`rosenbrock`] for `D = f64`.
#[inline]
pub fn rosenbrock_dual<D: DualNum<f64> + Copy>(x: D, y: D) -> D {
    (-x + 1.0).powi(2) + (y - x * x).powi(2) * 100.0
}

// ---------------------------------------------------------------------------
// MGH 5: Beale, n = 2.
//   f = Σ_{i=1..3} (c_i - x1 (1 - x2^i))²,  c = (1.5, 2.25, 2.625),
//   x0 = (1, 1),  f* = 0 at (3, 0.5).
// ---------------------------------------------------------------------------

/// Beale's function, written as in the crate's `generic` snapshot (with f64
/// literals instead of `T::from`).
#[differentiable]
pub fn beale(x: f64, y: f64) -> f64 {
    let a = 1.5 - x + x * y;
    let b = 2.25 - x + x * y * y;
    let c = 2.625 - x + x * y * y * y;
    a * a + b * b + c * c
}

#[inline]
pub fn beale_gen(p: [f64; 2]) -> (f64, [f64; 2]) {
    let (v, dx, dy) = beale_grad(p[0], p[1]);
    (v, [dx, dy])
}

/// Hand-written value and gradient.
///
/// With residuals `a, b, c` as above:
/// `∂f/∂x = 2a (y - 1) + 2b (y² - 1) + 2c (y³ - 1)`,
/// `∂f/∂y = 2a x + 2b · 2xy + 2c · 3xy²`.
pub fn beale_hand(p: [f64; 2]) -> (f64, [f64; 2]) {
    let [x, y] = p;
    let y2 = y * y;
    let y3 = y2 * y;
    let xy = x * y;
    let xy2 = xy * y;
    let a = 1.5 - x + xy;
    let b = 2.25 - x + xy2;
    let c = 2.625 - x + xy2 * y;
    let f = a * a + b * b + c * c;
    let (ga, gb, gc) = (2.0 * a, 2.0 * b, 2.0 * c);
    let dx = ga * (y - 1.0) + gb * (y2 - 1.0) + gc * (y3 - 1.0);
    let dy = ga * x + gb * (2.0 * xy) + gc * (3.0 * xy2);
    (f, [dx, dy])
}

#[inline]
pub fn beale_dual<D: DualNum<f64> + Copy>(x: D, y: D) -> D {
    let a = -x + 1.5 + x * y;
    let b = -x + 2.25 + x * y * y;
    let c = -x + 2.625 + x * y * y * y;
    a * a + b * b + c * c
}

// ---------------------------------------------------------------------------
// MGH 14: Wood, n = 4.
//   f = 100 (x2 - x1²)² + (1 - x1)² + 90 (x4 - x3²)² + (1 - x3)²
//       + 10.1 ((x2 - 1)² + (x4 - 1)²) + 19.8 (x2 - 1)(x4 - 1),
//   x0 = (-3, -1, -3, -1),  f* = 0 at (1, 1, 1, 1).
// (The sum-of-squares form of MGH, expanded; indices 0-based below.)
// ---------------------------------------------------------------------------

#[differentiable]
pub fn wood(x: [f64; 4]) -> f64 {
    100.0 * (x[1] - x[0] * x[0]).powi(2)
        + (1.0 - x[0]).powi(2)
        + 90.0 * (x[3] - x[2] * x[2]).powi(2)
        + (1.0 - x[2]).powi(2)
        + 10.1 * ((x[1] - 1.0).powi(2) + (x[3] - 1.0).powi(2))
        + 19.8 * (x[1] - 1.0) * (x[3] - 1.0)
}

#[inline]
pub fn wood_gen(p: [f64; 4]) -> (f64, [f64; 4]) {
    wood_grad(p)
}

/// Hand-written value and gradient.
///
/// With `r1 = x2 - x1²`, `r2 = x4 - x3²`, `u1 = 1 - x1`, `u3 = 1 - x3`,
/// `s2 = x2 - 1`, `s4 = x4 - 1`:
/// `∂f/∂x1 = -400 x1 r1 - 2 u1`, `∂f/∂x2 = 200 r1 + 20.2 s2 + 19.8 s4`,
/// `∂f/∂x3 = -360 x3 r2 - 2 u3`, `∂f/∂x4 = 180 r2 + 20.2 s4 + 19.8 s2`.
pub fn wood_hand(p: [f64; 4]) -> (f64, [f64; 4]) {
    let [x1, x2, x3, x4] = p;
    let r1 = x2 - x1 * x1;
    let r2 = x4 - x3 * x3;
    let u1 = 1.0 - x1;
    let u3 = 1.0 - x3;
    let s2 = x2 - 1.0;
    let s4 = x4 - 1.0;
    let g1 = 200.0 * r1; // ∂f/∂r1
    let g2 = 180.0 * r2; // ∂f/∂r2
    let f = 100.0 * (r1 * r1)
        + u1 * u1
        + 90.0 * (r2 * r2)
        + u3 * u3
        + 10.1 * (s2 * s2 + s4 * s4)
        + 19.8 * s2 * s4;
    (
        f,
        [
            -2.0 * (x1 * g1 + u1),
            g1 + 20.2 * s2 + 19.8 * s4,
            -2.0 * (x3 * g2 + u3),
            g2 + 20.2 * s4 + 19.8 * s2,
        ],
    )
}

#[inline]
pub fn wood_dual<D: DualNum<f64> + Copy>(x: [D; 4]) -> D {
    (x[1] - x[0] * x[0]).powi(2) * 100.0
        + (-x[0] + 1.0).powi(2)
        + (x[3] - x[2] * x[2]).powi(2) * 90.0
        + (-x[2] + 1.0).powi(2)
        + ((x[1] - 1.0).powi(2) + (x[3] - 1.0).powi(2)) * 10.1
        + (x[1] - 1.0) * 19.8 * (x[3] - 1.0)
}

// ---------------------------------------------------------------------------
// Plain-f64 objectives in array form, for finite differences.
// ---------------------------------------------------------------------------

#[inline]
pub fn rosenbrock_arr(p: [f64; 2]) -> f64 {
    rosenbrock(p[0], p[1])
}

#[inline]
pub fn beale_arr(p: [f64; 2]) -> f64 {
    beale(p[0], p[1])
}

// ---------------------------------------------------------------------------
// num-dual drivers.
// ---------------------------------------------------------------------------

/// num-dual, forward mode with one `Dual64` pass per input direction
/// (`n` passes): the plain way to get a gradient from `Dual64`.
#[inline]
pub fn dual64_gradient<const N: usize>(
    f: impl Fn([num_dual::Dual64; N]) -> num_dual::Dual64,
    p: [f64; N],
) -> (f64, [f64; N]) {
    let mut g = [0.0; N];
    let mut value = 0.0;
    for (i, gi) in g.iter_mut().enumerate() {
        let x: [num_dual::Dual64; N] = core::array::from_fn(|j| {
            let d = num_dual::Dual64::from_re(p[j]);
            if j == i {
                d.derivative()
            } else {
                d
            }
        });
        let r = f(x);
        value = r.re;
        *gi = r.eps;
    }
    (value, g)
}

/// num-dual's own `gradient` function (one pass with a `DualSVec64<N>`
/// carrying all N directions).
#[inline]
pub fn dualvec_gradient<const N: usize>(
    f: impl Fn([num_dual::DualSVec64<N>; N]) -> num_dual::DualSVec64<N>,
    p: [f64; N],
) -> (f64, [f64; N]) {
    let (v, g) = num_dual::gradient(
        |x| -> num_dual::DualSVec64<N> { f(core::array::from_fn(|i| x[i])) },
        p.into(),
    );
    (v, core::array::from_fn(|i| g[i]))
}

// ---------------------------------------------------------------------------
// Central finite differences.
// ---------------------------------------------------------------------------

/// Value and central-difference gradient: `2N + 1` evaluations of `f`, with
/// the step `h_i = ε^{1/3} max(|x_i|, 1)` (balances truncation O(h²) against
/// rounding O(ε/h)); the step is made exactly representable as `(x+h) - x`.
#[inline]
pub fn central_fd<const N: usize>(f: impl Fn([f64; N]) -> f64, p: [f64; N]) -> (f64, [f64; N]) {
    // cbrt(f64::EPSILON), written out (cbrt is not const).
    const CBRT_EPS: f64 = 6.055_454_452_393_343e-6;
    let value = f(p);
    let mut g = [0.0; N];
    for i in 0..N {
        let xi = p[i];
        let h = CBRT_EPS * xi.abs().max(1.0);
        let (mut hi, mut lo) = (p, p);
        hi[i] = xi + h;
        lo[i] = xi - h;
        g[i] = (f(hi) - f(lo)) / (hi[i] - lo[i]);
    }
    (value, g)
}

// ---------------------------------------------------------------------------
// Points.
// ---------------------------------------------------------------------------

/// MGH standard starting points, the minimisers, and a few more.
pub const ROSENBROCK_POINTS: [[f64; 2]; 6] = [
    [-1.2, 1.0],
    [1.0, 1.0],
    [0.0, 0.0],
    [2.5, -0.75],
    [-0.3, 3.7],
    [1e-3, -2.0],
];

pub const BEALE_POINTS: [[f64; 2]; 6] = [
    [1.0, 1.0],
    [3.0, 0.5],
    [0.0, 0.0],
    [-2.0, 1.7],
    [4.5, -0.8],
    [0.25, 2.5],
];

pub const WOOD_POINTS: [[f64; 4]; 6] = [
    [-3.0, -1.0, -3.0, -1.0],
    [1.0, 1.0, 1.0, 1.0],
    [0.0, 0.0, 0.0, 0.0],
    [0.5, -1.5, 2.0, 0.25],
    [-0.7, 3.1, -1.9, 0.4],
    [10.0, -10.0, 1e-3, 7.5],
];

/// `n` deterministic pseudo-random points in `[lo, hi)^N` (xorshift; no
/// extra dependency), for batch benchmarks and wider tests.
pub fn pseudo_random_points<const N: usize>(
    n: usize,
    lo: f64,
    hi: f64,
    seed: u64,
) -> Vec<[f64; N]> {
    let mut s = seed | 1;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| core::array::from_fn(|_| lo + (hi - lo) * next()))
        .collect()
}
