//! Models written with `Vector` and `Matrix`, each as the loss a user writes
//! under `#[differentiable]` (with a `*_gen` wrapper that calls the
//! generated `_grad` and returns its result as it is) and a hand-written
//! value-and-gradient on plain arrays, `*_hand`. Shared by
//! `benches/models.rs` and `tests/suite/bench_models.rs` (via `#[path]`).
//!
//! Needs `drivers.rs` included as `mod drivers` beside it.

#![allow(dead_code)]

use super::drivers::Rng;
use autodiff::{differentiable, mse, sigmoid, softmax_cross_entropy, Matrix, Vector};

// ---------------------------------------------------------------------------
// (a) The seed article's layer with vectors: mse(σ(Wᵀx + b), label),
//     W: 16 × 4. The same network as `seed_net` in `loops_problems.rs`,
//     except that `mse` is the mean over the 4 outputs (so this loss is
//     that one divided by 4).
// ---------------------------------------------------------------------------

pub const SEED_IN: usize = 16;
pub const SEED_OUT: usize = 4;

/// Parameters as plain arrays (`w[i][j]`: input `i`, output `j`).
#[derive(Clone, Copy, Debug)]
pub struct SeedParams {
    pub w: [[f64; SEED_OUT]; SEED_IN],
    pub b: [f64; SEED_OUT],
}

/// One example: input and target in `[0, 1]`.
#[derive(Clone, Copy, Debug)]
pub struct SeedSample {
    pub x: [f64; SEED_IN],
    pub label: [f64; SEED_OUT],
}

/// `(loss, ∂L/∂w, ∂L/∂b)` on plain arrays.
pub type SeedGrad = (f64, [[f64; SEED_OUT]; SEED_IN], [f64; SEED_OUT]);

/// The loss exactly as in the brief (and the README).
#[differentiable(wrt(w, b))]
pub fn seed_loss(
    w: Matrix<f64, 16, 4>,
    b: Vector<f64, 4>,
    x: Vector<f64, 16>,
    label: Vector<f64, 4>,
) -> f64 {
    mse(sigmoid(w.t() * x + b), label)
}

/// `(loss, ∂L/∂W, ∂L/∂b)` as `seed_loss_grad` returns it.
pub type SeedGenGrad = (f64, Matrix<f64, SEED_IN, SEED_OUT>, Vector<f64, SEED_OUT>);

/// The generated gradient, as `seed_loss_grad` returns it (`Matrix` and
/// `Vector` are newtypes over the same arrays as [`SeedGrad`]'s).
#[inline]
pub fn seed_loss_gen(p: &SeedParams, s: &SeedSample) -> SeedGenGrad {
    seed_loss_grad(p.w.into(), p.b.into(), s.x.into(), s.label.into())
}

/// Hand-written on plain arrays: `z = b + Wᵀx` (row by row of `W`), `a = σ(z)`
/// with the same overflow-free sigmoid, `L = Σ (a - t)² / 4`,
/// `∂L/∂z = ½ (a - t) a (1 - a)`, `∂L/∂b = ∂L/∂z`, `∂L/∂W = x (∂L/∂z)ᵀ`.
#[inline]
pub fn seed_loss_hand(p: &SeedParams, s: &SeedSample) -> SeedGrad {
    let mut z = p.b;
    for (wi, &xi) in p.w.iter().zip(&s.x) {
        for (zj, &wij) in z.iter_mut().zip(wi) {
            *zj += wij * xi;
        }
    }
    let mut sum = 0.0;
    let mut dz = [0.0; SEED_OUT];
    for ((dzj, &zj), &tj) in dz.iter_mut().zip(&z).zip(&s.label) {
        let a = sigmoid(zj);
        let r = a - tj;
        sum += r * r;
        *dzj = (2.0 / SEED_OUT as f64) * r * (a * (1.0 - a));
    }
    let dw = core::array::from_fn(|i| {
        let xi = s.x[i];
        core::array::from_fn(|j| xi * dz[j])
    });
    (sum / SEED_OUT as f64, dw, dz)
}

/// Weights and biases uniform in `[-1, 1)`.
pub fn seed_params(rng: &mut Rng) -> SeedParams {
    SeedParams {
        w: rng.matrix(-1.0, 1.0),
        b: rng.array(-1.0, 1.0),
    }
}

/// Inputs and targets uniform in `[0, 1)`.
pub fn seed_sample(rng: &mut Rng) -> SeedSample {
    SeedSample {
        x: rng.array(0.0, 1.0),
        label: rng.array(0.0, 1.0),
    }
}

/// `[value, ∂w row by row, ∂b]`.
pub fn seed_grad_flat(g: &SeedGrad) -> Vec<f64> {
    core::iter::once(g.0)
        .chain(g.1.iter().flatten().copied())
        .chain(g.2)
        .collect()
}

/// [`seed_grad_flat`] of the generated result.
pub fn seed_gen_flat(g: &SeedGenGrad) -> Vec<f64> {
    seed_grad_flat(&(g.0, g.1.to_array(), g.2.to_array()))
}

// ---------------------------------------------------------------------------
// (b) The digits network (examples/digits.rs), loss of one sample:
//     h = tanh(W₁ᵀx + b₁), L = softmax_cross_entropy(W₂ᵀh + b₂, label),
//     64 → 32 → 10.
// ---------------------------------------------------------------------------

pub const PIXELS: usize = 64;
pub const HIDDEN: usize = 32;
pub const CLASSES: usize = 10;

/// Both layers as plain arrays.
#[derive(Clone, Copy, Debug)]
pub struct DigitsParams {
    pub w1: [[f64; HIDDEN]; PIXELS],
    pub b1: [f64; HIDDEN],
    pub w2: [[f64; CLASSES]; HIDDEN],
    pub b2: [f64; CLASSES],
}

/// One image (pixels scaled to `[0, 1]`) and its class.
#[derive(Clone, Copy, Debug)]
pub struct DigitsSample {
    pub x: [f64; PIXELS],
    pub label: usize,
}

/// `(loss, ∂L/∂W₁, ∂L/∂b₁, ∂L/∂W₂, ∂L/∂b₂)` on plain arrays.
pub type DigitsGrad = (
    f64,
    [[f64; HIDDEN]; PIXELS],
    [f64; HIDDEN],
    [[f64; CLASSES]; HIDDEN],
    [f64; CLASSES],
);

/// The loss exactly as in `examples/digits.rs`.
#[differentiable(wrt(w1, b1, w2, b2))]
pub fn digits_loss(
    w1: Matrix<f64, 64, 32>,
    b1: Vector<f64, 32>,
    w2: Matrix<f64, 32, 10>,
    b2: Vector<f64, 10>,
    x: Vector<f64, 64>,
    label: usize,
) -> f64 {
    let h = (w1.t() * x + b1).tanh();
    softmax_cross_entropy(w2.t() * h + b2, label)
}

/// `(loss, ∂L/∂W₁, ∂L/∂b₁, ∂L/∂W₂, ∂L/∂b₂)` as `digits_loss_grad` returns it.
pub type DigitsGenGrad = (
    f64,
    Matrix<f64, PIXELS, HIDDEN>,
    Vector<f64, HIDDEN>,
    Matrix<f64, HIDDEN, CLASSES>,
    Vector<f64, CLASSES>,
);

/// The generated gradient, as `digits_loss_grad` returns it.
#[inline]
pub fn digits_gen(p: &DigitsParams, s: &DigitsSample) -> DigitsGenGrad {
    digits_loss_grad(
        p.w1.into(),
        p.b1.into(),
        p.w2.into(),
        p.b2.into(),
        s.x.into(),
        s.label,
    )
}

/// The generated gradient converted to plain arrays the obvious way
/// (destructure, `.into()` each part, build a new tuple). Numerically the
/// same as [`digits_gen`]; benchmarked separately because the conversion is
/// not free: LLVM keeps two extra 16 KB copies of `∂L/∂W₁` (see
/// BENCHMARKS.md).
#[inline]
pub fn digits_gen_into_arrays(p: &DigitsParams, s: &DigitsSample) -> DigitsGrad {
    let (l, dw1, db1, dw2, db2) = digits_gen(p, s);
    (l, dw1.into(), db1.into(), dw2.into(), db2.into())
}

/// Hand-written back-propagation on plain arrays, as one writes it:
///
/// * forward: `z₁ = b₁ + W₁ᵀx` (row by row of `W₁`), `h = tanh z₁`,
///   `z₂ = b₂ + W₂ᵀh`; `m = max z₂`, `eₖ = e^{z₂ₖ - m}`, `s = Σ eₖ`,
///   `L = ln s + (m - z₂[label])`;
/// * backward: `∂L/∂z₂ = e/s - onehot(label)` (reusing the forward
///   exponentials), `∂L/∂W₂ = h (∂L/∂z₂)ᵀ`,
///   `∂L/∂h = W₂ ∂L/∂z₂`, `∂L/∂z₁ = ∂L/∂h ⊙ (1 - h)(1 + h)`,
///   `∂L/∂W₁ = x (∂L/∂z₁)ᵀ`; the bias gradients are `∂L/∂z₁`, `∂L/∂z₂`.
///
/// `(1 - h)(1 + h)` is the form the library's `tanh` rule uses; `tanh`, `exp`
/// and `ln` are the same std functions, so the two gradients differ only in
/// rounding.
#[inline]
pub fn digits_hand(p: &DigitsParams, s: &DigitsSample) -> DigitsGrad {
    let x = &s.x;
    // Layer 1.
    let mut z1 = p.b1;
    for (w1i, &xi) in p.w1.iter().zip(x) {
        for (z, &w) in z1.iter_mut().zip(w1i) {
            *z += w * xi;
        }
    }
    let h = z1.map(f64::tanh);
    // Layer 2.
    let mut z2 = p.b2;
    for (w2j, &hj) in p.w2.iter().zip(&h) {
        for (z, &w) in z2.iter_mut().zip(w2j) {
            *z += w * hj;
        }
    }
    // Softmax cross-entropy, the exponentials kept for the backward pass.
    let m = z2.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v));
    let e = z2.map(|v| (v - m).exp());
    let sum: f64 = e.iter().sum();
    let loss = sum.ln() + (m - z2[s.label]);
    let inv = 1.0 / sum;
    let mut dz2 = e.map(|e| e * inv);
    dz2[s.label] -= 1.0;
    // Back through layer 2.
    let dw2 = core::array::from_fn(|j| {
        let hj = h[j];
        core::array::from_fn(|k| hj * dz2[k])
    });
    let dz1: [f64; HIDDEN] = core::array::from_fn(|j| {
        let dh = p.w2[j].iter().zip(&dz2).fold(0.0, |s, (&w, &d)| s + w * d);
        let hj = h[j];
        dh * ((1.0 - hj) * (1.0 + hj))
    });
    // Back through layer 1.
    let dw1 = core::array::from_fn(|i| {
        let xi = x[i];
        core::array::from_fn(|j| xi * dz1[j])
    });
    (loss, dw1, dz1, dw2, dz2)
}

/// Glorot-uniform weights (as `examples/digits.rs` initialises them) and
/// small random biases, so the hidden units are neither all linear nor all
/// saturated.
pub fn digits_params(rng: &mut Rng) -> DigitsParams {
    let a1 = (6.0 / (PIXELS + HIDDEN) as f64).sqrt();
    let a2 = (6.0 / (HIDDEN + CLASSES) as f64).sqrt();
    DigitsParams {
        w1: rng.matrix(-a1, a1),
        b1: rng.array(-0.1, 0.1),
        w2: rng.matrix(-a2, a2),
        b2: rng.array(-0.1, 0.1),
    }
}

/// A random "image": pixels in `[0, 1)`, a random class.
pub fn digits_sample(rng: &mut Rng) -> DigitsSample {
    DigitsSample {
        x: rng.array(0.0, 1.0),
        label: rng.below(CLASSES),
    }
}

/// `[value, ∂W₁, ∂b₁, ∂W₂, ∂b₂]`, row by row.
pub fn digits_grad_flat(g: &DigitsGrad) -> Vec<f64> {
    core::iter::once(g.0)
        .chain(g.1.iter().flatten().copied())
        .chain(g.2)
        .chain(g.3.iter().flatten().copied())
        .chain(g.4)
        .collect()
}

/// [`digits_grad_flat`] of the generated result.
pub fn digits_gen_flat(g: &DigitsGenGrad) -> Vec<f64> {
    digits_grad_flat(&(
        g.0,
        g.1.to_array(),
        g.2.to_array(),
        g.3.to_array(),
        g.4.to_array(),
    ))
}
