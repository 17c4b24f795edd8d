//! Gradients of models written with `Vector` and `Matrix`: the code
//! `#[differentiable]` generates against back-propagation written by hand on
//! plain arrays.
//!
//! Run: `cargo bench --bench models` (results and discussion: BENCHMARKS.md).
//!
//! * `seed_loss`: the seed article's layer, `mse(σ(Wᵀx + b), label)` with
//!   `W` 16 × 4, gradient with respect to `W` and `b`; 64 samples per
//!   iteration.
//! * `digits`: the loss of one sample of `examples/digits.rs`,
//!   `softmax_cross_entropy(W₂ᵀ tanh(W₁ᵀx + b₁) + b₂, label)`, 64 → 32 → 10,
//!   gradient with respect to all four parameters (2410 floats); 16 samples
//!   per iteration.
//!
//! Parameters are fixed and the samples vary, as within a training batch.
//! The method is `benches/mgh.rs`'s, described in `common/harness.rs`:
//! every method its own `#[inline(never)]` kernel, `black_box` on the
//! inputs and on the result, a `throughput` group (independent calls) and a
//! `latency` group (each call waits for every output of the previous one),
//! and an `overhead` kernel. **ns per call = divan's time / batch size**.
//!
//! The functions benchmarked are defined once in `common/models_problems.rs`
//! and checked against each other in `tests/suite/bench_models.rs` (and, briefly,
//! before the benchmarks start).

#[path = "common/drivers.rs"]
mod drivers;
#[path = "common/harness.rs"]
mod harness;
#[path = "common/models_problems.rs"]
mod models_problems;

use drivers::{assert_agree, Rng};

fn main() {
    sanity_check();
    divan::Divan::default()
        .sample_count(2000)
        .config_with_args()
        .main();
}

/// Refuses to benchmark gradients that disagree (the real check is
/// `tests/suite/bench_models.rs`).
fn sanity_check() {
    use models_problems::{digits_gen_flat, digits_grad_flat, seed_gen_flat, seed_grad_flat};
    let p = seed_loss::params();
    for s in seed_loss::samples().iter().take(8) {
        let g = seed_gen_flat(&seed_loss::generated(&p, s));
        let h = seed_grad_flat(&seed_loss::hand_written(&p, s));
        assert_agree("seed_loss hand", &g, &h, 1e-12);
    }
    let p = digits::params();
    for s in digits::samples().iter().take(8) {
        let g = digits_gen_flat(&digits::generated(&p, s));
        let h = digits_grad_flat(&digits::hand_written(&p, s));
        let c = digits_grad_flat(&digits::generated_into_arrays(&p, s));
        assert_agree("digits hand", &g, &h, 1e-12);
        assert_eq!(g, c, "digits: conversion changed the values");
    }
}

/// The seed layer with vectors.
mod seed_loss {
    use super::*;
    use models_problems::*;

    /// Samples per iteration.
    const BATCH: usize = 64;

    pub fn params() -> SeedParams {
        seed_params(&mut Rng::new(16))
    }

    pub fn samples() -> Vec<SeedSample> {
        let mut rng = Rng::new(4);
        (0..BATCH).map(|_| seed_sample(&mut rng)).collect()
    }

    #[inline(never)]
    pub fn generated(p: &SeedParams, s: &SeedSample) -> SeedGenGrad {
        seed_loss_gen(p, s)
    }

    #[inline(never)]
    pub fn hand_written(p: &SeedParams, s: &SeedSample) -> SeedGrad {
        seed_loss_hand(p, s)
    }

    /// The harness alone: reads the sample and the parameters, writes a
    /// result of the same shape.
    #[inline(never)]
    pub fn overhead(p: &SeedParams, s: &SeedSample) -> SeedGrad {
        (s.x[0], p.w, p.b)
    }

    harness::bench_groups!(generated, hand_written, overhead);
}

/// The digits network, one sample.
mod digits {
    use super::*;
    use models_problems::*;

    /// Samples per iteration (16 × 512 bytes of pixels; the parameters and
    /// the gradient are 19 KB each).
    const BATCH: usize = 16;

    pub fn params() -> DigitsParams {
        digits_params(&mut Rng::new(64))
    }

    pub fn samples() -> Vec<DigitsSample> {
        let mut rng = Rng::new(10);
        (0..BATCH).map(|_| digits_sample(&mut rng)).collect()
    }

    #[inline(never)]
    pub fn generated(p: &DigitsParams, s: &DigitsSample) -> DigitsGenGrad {
        digits_gen(p, s)
    }

    /// The generated gradient converted to plain arrays (the same numbers;
    /// two more copies of `∂L/∂W₁`).
    #[inline(never)]
    pub fn generated_into_arrays(p: &DigitsParams, s: &DigitsSample) -> DigitsGrad {
        digits_gen_into_arrays(p, s)
    }

    #[inline(never)]
    pub fn hand_written(p: &DigitsParams, s: &DigitsSample) -> DigitsGrad {
        digits_hand(p, s)
    }

    /// The harness alone: reads the sample and the parameters, writes a
    /// result of the same shape.
    #[inline(never)]
    pub fn overhead(p: &DigitsParams, s: &DigitsSample) -> DigitsGrad {
        (s.x[0], p.w1, p.b1, p.w2, p.b2)
    }

    harness::bench_groups!(generated, generated_into_arrays, hand_written, overhead);
}
