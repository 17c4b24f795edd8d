//! Objectives written with `for` loops, each in the forms `benches/loops.rs`
//! compares and `tests/suite/bench_models.rs` checks against each other (both
//! include this file with `#[path]`, so what is benchmarked is what is
//! tested):
//!
//! * the objective as a user writes it under `#[differentiable]`, and a thin
//!   `*_gen` wrapper that calls the generated `_grad`;
//! * `*_hand`: value and gradient written by hand, as a careful person
//!   would: one pass, shared subexpressions computed once, no zero-filled
//!   accumulators where a plain store will do;
//! * `*_dual`: the same objective generic over [`num_dual::DualNum`], for
//!   the num-dual drivers in `drivers.rs`;
//! * a plain-`f64` form of the objective over a flat array, for central
//!   differences.
//!
//! Needs `drivers.rs` included as `mod drivers` beside it.

#![allow(dead_code)]

use super::drivers::{central_fd, dual64_gradient, dualvec_gradient};
use autodiff::differentiable;
use num_dual::DualNum;

// ---------------------------------------------------------------------------
// Extended Rosenbrock (MGH 21), n = 100, written with a loop:
//   f = Σ_{i<n/2} 100 (x_{2i+1} - x_{2i}²)² + (1 - x_{2i})²
// x0 = (-1.2, 1, -1.2, 1, ...), f(x0) = 24.2 · n/2, f* = 0 at (1, ..., 1).
// ---------------------------------------------------------------------------

/// The dimension benchmarked.
pub const EXT_N: usize = 100;

/// Extended Rosenbrock, exactly as in the brief: indices written out, no
/// local names. The macro merges the three `x[2 * i]` into one node.
#[differentiable]
pub fn ext_rosenbrock<const N: usize>(x: [f64; N]) -> f64 {
    let mut f = 0.0;
    for i in 0..N / 2 {
        f += 100.0 * (x[2 * i + 1] - x[2 * i] * x[2 * i]).powi(2) + (1.0 - x[2 * i]).powi(2);
    }
    f
}

/// The generated gradient, `(value, gradient)`.
#[inline]
pub fn ext_rosenbrock_gen<const N: usize>(x: &[f64; N]) -> (f64, [f64; N]) {
    ext_rosenbrock_grad(*x)
}

/// Hand-written value and gradient in one loop: with `a = x_{2i}`,
/// `b = x_{2i+1}`, `r = b - a²`, `u = 1 - a`:
/// `∂f/∂b = 200 r`, `∂f/∂a = -2 (a · 200 r + u)`. Every gradient entry is
/// written exactly once (no zero fill, no read-modify-write).
#[inline]
pub fn ext_rosenbrock_hand<const N: usize>(x: &[f64; N]) -> (f64, [f64; N]) {
    assert!(N % 2 == 0);
    let mut f = 0.0;
    let mut g = [0.0; N];
    for (xi, gi) in x.chunks_exact(2).zip(g.chunks_exact_mut(2)) {
        let (a, b) = (xi[0], xi[1]);
        let r = b - a * a;
        let u = 1.0 - a;
        f += 100.0 * (r * r) + u * u;
        let gr = 200.0 * r;
        gi[0] = -2.0 * (a * gr + u);
        gi[1] = gr;
    }
    (f, g)
}

/// The objective for num-dual (constants on the right: num-dual implements
/// `Dual op f64`, not `f64 op Dual`).
#[inline]
pub fn ext_rosenbrock_dual<D: DualNum<f64> + Copy, const N: usize>(x: &[D; N]) -> D {
    let mut f = D::zero();
    for i in 0..N / 2 {
        let (a, b) = (x[2 * i], x[2 * i + 1]);
        f += (b - a * a).powi(2) * 100.0 + (-a + 1.0).powi(2);
    }
    f
}

/// Plain `f64` objective by reference, for finite differences.
#[inline]
pub fn ext_rosenbrock_ref<const N: usize>(x: &[f64; N]) -> f64 {
    ext_rosenbrock(*x)
}

/// num-dual `gradient` (`DualSVec64<N>`): one pass, each number carrying N
/// derivatives.
#[inline]
pub fn ext_rosenbrock_dualvec<const N: usize>(x: &[f64; N]) -> (f64, [f64; N]) {
    dualvec_gradient(ext_rosenbrock_dual, x)
}

/// num-dual `Dual64`, N passes.
#[inline]
pub fn ext_rosenbrock_dual64<const N: usize>(x: &[f64; N]) -> (f64, [f64; N]) {
    dual64_gradient(ext_rosenbrock_dual, x)
}

/// Central differences, 2N + 1 evaluations.
#[inline]
pub fn ext_rosenbrock_fd<const N: usize>(x: &[f64; N]) -> (f64, [f64; N]) {
    central_fd(ext_rosenbrock_ref, x)
}

// ---------------------------------------------------------------------------
// The seed article's network, written with loops: 16 inputs, 4 sigmoid
// outputs, squared error summed over the outputs.
//   z_j = b_j + Σ_i w_ij x_i,  a_j = σ(z_j),  L = Σ_j (a_j - y_j)²
// ---------------------------------------------------------------------------

pub const SEED_IN: usize = 16;
pub const SEED_OUT: usize = 4;
/// Differentiated parameters: the 16 × 4 weights and the 4 biases.
pub const SEED_PARAMS: usize = SEED_IN * SEED_OUT + SEED_OUT;

/// The weights `w[i][j]` (input `i`, output `j`) and biases `b[j]`.
#[derive(Clone, Copy, Debug)]
pub struct SeedParams {
    pub w: [[f64; SEED_OUT]; SEED_IN],
    pub b: [f64; SEED_OUT],
}

/// One training example: input `x` and target `y` (in `[0, 1]`).
#[derive(Clone, Copy, Debug)]
pub struct SeedSample {
    pub x: [f64; SEED_IN],
    pub y: [f64; SEED_OUT],
}

/// `(loss, ∂L/∂w, ∂L/∂b)`, the shape `seed_net_grad` returns.
pub type SeedGrad = (f64, [[f64; SEED_OUT]; SEED_IN], [f64; SEED_OUT]);

/// The network with loops, exactly as in the brief (and the `loops`
/// snapshot).
#[differentiable(wrt(w, b))]
pub fn seed_net(w: [[f64; 4]; 16], b: [f64; 4], x: &[f64; 16], y: &[f64; 4]) -> f64 {
    let mut loss = 0.0;
    for j in 0..4 {
        let mut z = b[j];
        for i in 0..16 {
            z += w[i][j] * x[i];
        }
        let a = autodiff::sigmoid(z);
        loss += (a - y[j]).powi(2);
    }
    loss
}

/// The generated gradient.
#[inline]
pub fn seed_net_gen(p: &SeedParams, s: &SeedSample) -> SeedGrad {
    seed_net_grad(p.w, p.b, &s.x, &s.y)
}

/// Hand-written value and gradient, as one writes back-propagation: the
/// forward pass keeps `z` (row by row of `w`, so the four sums advance
/// together), the backward pass keeps `∂L/∂z_j = 2 (a_j - y_j) a_j (1 - a_j)`,
/// and `∂L/∂w_ij = x_i ∂L/∂z_j` is written once per entry. The same overflow-
/// free sigmoid as the generated code (`autodiff::sigmoid`), so the two
/// differ only in the derivative code.
#[inline]
pub fn seed_net_hand(p: &SeedParams, s: &SeedSample) -> SeedGrad {
    let mut z = p.b;
    for (wi, &xi) in p.w.iter().zip(&s.x) {
        for (zj, &wij) in z.iter_mut().zip(wi) {
            *zj += wij * xi;
        }
    }
    let mut loss = 0.0;
    let mut dz = [0.0; SEED_OUT];
    for ((dzj, &zj), &yj) in dz.iter_mut().zip(&z).zip(&s.y) {
        let a = autodiff::sigmoid(zj);
        let r = a - yj;
        loss += r * r;
        *dzj = 2.0 * r * (a * (1.0 - a));
    }
    let dw = core::array::from_fn(|i| {
        let xi = s.x[i];
        core::array::from_fn(|j| xi * dz[j])
    });
    (loss, dw, dz)
}

/// The overflow-free sigmoid for dual numbers (branch on the real part, as
/// `autodiff::sigmoid` does).
#[inline]
fn sigmoid_dual<D: DualNum<f64> + Copy>(z: D) -> D {
    if z.re() >= 0.0 {
        ((-z).exp() + 1.0).recip()
    } else {
        let e = z.exp();
        e / (e + 1.0)
    }
}

/// The network for num-dual.
#[inline]
pub fn seed_net_dual<D: DualNum<f64> + Copy>(
    w: &[[D; SEED_OUT]; SEED_IN],
    b: &[D; SEED_OUT],
    x: &[f64; SEED_IN],
    y: &[f64; SEED_OUT],
) -> D {
    let mut loss = D::zero();
    for j in 0..SEED_OUT {
        let mut z = b[j];
        for i in 0..SEED_IN {
            z += w[i][j] * x[i];
        }
        let a = sigmoid_dual(z);
        loss += (a - y[j]).powi(2);
    }
    loss
}

/// The parameters as one flat vector: `w` row by row, then `b`.
pub fn seed_flatten(w: &[[f64; SEED_OUT]; SEED_IN], b: &[f64; SEED_OUT]) -> [f64; SEED_PARAMS] {
    let mut v = [0.0; SEED_PARAMS];
    for (vi, &wi) in v.iter_mut().zip(w.iter().flatten().chain(b)) {
        *vi = wi;
    }
    v
}

/// The inverse of [`seed_flatten`], for any element type.
#[inline]
fn seed_unflatten<D: Copy>(v: &[D; SEED_PARAMS]) -> ([[D; SEED_OUT]; SEED_IN], [D; SEED_OUT]) {
    (
        core::array::from_fn(|i| core::array::from_fn(|j| v[SEED_OUT * i + j])),
        core::array::from_fn(|j| v[SEED_IN * SEED_OUT + j]),
    )
}

/// A flat `(value, gradient)` back in the network's shape.
#[inline]
fn seed_unflat_grad((v, g): (f64, [f64; SEED_PARAMS])) -> SeedGrad {
    let (dw, db) = seed_unflatten(&g);
    (v, dw, db)
}

/// num-dual `gradient` (`DualSVec64<68>`), one pass.
#[inline]
pub fn seed_net_dualvec(p: &SeedParams, s: &SeedSample) -> SeedGrad {
    seed_unflat_grad(dualvec_gradient(
        |v| {
            let (w, b) = seed_unflatten(v);
            seed_net_dual(&w, &b, &s.x, &s.y)
        },
        &seed_flatten(&p.w, &p.b),
    ))
}

/// num-dual `Dual64`, 68 passes.
#[inline]
pub fn seed_net_dual64(p: &SeedParams, s: &SeedSample) -> SeedGrad {
    seed_unflat_grad(dual64_gradient(
        |v| {
            let (w, b) = seed_unflatten(v);
            seed_net_dual(&w, &b, &s.x, &s.y)
        },
        &seed_flatten(&p.w, &p.b),
    ))
}

/// Central differences over the 68 parameters, 137 evaluations.
#[inline]
pub fn seed_net_fd(p: &SeedParams, s: &SeedSample) -> SeedGrad {
    seed_unflat_grad(central_fd(
        |v| {
            let (w, b) = seed_unflatten(v);
            seed_net(w, b, &s.x, &s.y)
        },
        &seed_flatten(&p.w, &p.b),
    ))
}

/// Weights and biases uniform in `[-1, 1)` (so `z` spans a few units and the
/// sigmoid takes both branches), for benchmarks and tests.
pub fn seed_params(rng: &mut super::drivers::Rng) -> SeedParams {
    SeedParams {
        w: rng.matrix(-1.0, 1.0),
        b: rng.array(-1.0, 1.0),
    }
}

/// Inputs in `[0, 1)`, targets in `[0, 1)`.
pub fn seed_sample(rng: &mut super::drivers::Rng) -> SeedSample {
    SeedSample {
        x: rng.array(0.0, 1.0),
        y: rng.array(0.0, 1.0),
    }
}

/// `[value, ∂w row by row, ∂b]`, for comparisons.
pub fn seed_grad_flat(g: &SeedGrad) -> Vec<f64> {
    core::iter::once(g.0)
        .chain(g.1.iter().flatten().copied())
        .chain(g.2)
        .collect()
}
