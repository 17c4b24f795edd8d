//! Gradients of objectives written with `for` loops: the code
//! `#[differentiable]` generates against a hand-written gradient, num-dual
//! (forward mode, two ways) and central finite differences.
//!
//! Run: `cargo bench --bench loops` (results and discussion: BENCHMARKS.md).
//!
//! * `ext_rosenbrock`: extended Rosenbrock (MGH 21), n = 100, one point per
//!   call (16 fixed pseudo-random points in `[-2, 2)¹⁰⁰` per iteration).
//! * `seed_net`: the seed article's network (16 inputs, 4 sigmoid outputs,
//!   squared error) written with nested loops, differentiated with respect
//!   to the 64 weights and 4 biases; fixed parameters, 64 samples per
//!   iteration.
//!
//! The method is `benches/mgh.rs`'s, described in `common/harness.rs`:
//! every method its own `#[inline(never)]` kernel, `black_box` on the
//! inputs and on the result, a `throughput` group (independent calls) and a
//! `latency` group (each call waits for every output of the previous one),
//! and an `overhead` kernel. **ns per call = divan's time / batch size**.
//!
//! The functions benchmarked are defined once in `common/loops_problems.rs`
//! and checked against each other in `tests/suite/bench_models.rs` (and, briefly,
//! before the benchmarks start).

#[path = "common/drivers.rs"]
mod drivers;
#[path = "common/harness.rs"]
mod harness;
#[path = "common/loops_problems.rs"]
mod loops_problems;

use drivers::{assert_agree, Rng};

fn main() {
    sanity_check();
    // Sample counts are set per benchmark (`bench_groups!` below): 2000 for
    // the fast methods, 100 for the slow ones (a command-line
    // `--sample-count` overrides both).
    divan::Divan::from_args().main();
}

/// Refuses to benchmark gradients that disagree (the real check is
/// `tests/suite/bench_models.rs`).
fn sanity_check() {
    for x in ext_rosenbrock::samples().iter().take(4) {
        let p = ();
        let g = ext_rosenbrock::generated(&p, x);
        let flat = |r: (f64, [f64; loops_problems::EXT_N])| {
            core::iter::once(r.0).chain(r.1).collect::<Vec<_>>()
        };
        for (name, f) in [
            (
                "hand",
                ext_rosenbrock::hand_written as harness::Kernel<_, _, _>,
            ),
            ("dualvec", ext_rosenbrock::num_dual_gradient),
            ("dual64", ext_rosenbrock::num_dual_dual64),
        ] {
            assert_agree(name, &flat(g), &flat(f(&p, x)), 1e-12);
        }
        assert_agree(
            "fd",
            &flat(g),
            &flat(ext_rosenbrock::finite_diff(&p, x)),
            1e-6,
        );
    }
    let p = seed_net::params();
    for s in seed_net::samples().iter().take(4) {
        let g = loops_problems::seed_grad_flat(&seed_net::generated(&p, s));
        for (name, f) in [
            ("hand", seed_net::hand_written as harness::Kernel<_, _, _>),
            ("dualvec", seed_net::num_dual_gradient),
            ("dual64", seed_net::num_dual_dual64),
        ] {
            assert_agree(name, &g, &loops_problems::seed_grad_flat(&f(&p, s)), 1e-12);
        }
        let fd = loops_problems::seed_grad_flat(&seed_net::finite_diff(&p, s));
        assert_agree("fd", &g, &fd, 1e-6);
    }
}

/// Extended Rosenbrock, n = 100.
mod ext_rosenbrock {
    use super::*;
    use loops_problems::*;

    type X = [f64; EXT_N];
    type G = (f64, X);

    /// Points per iteration (16 × 800 bytes stays in L1).
    const BATCH: usize = 16;

    pub fn params() {}

    pub fn samples() -> Vec<X> {
        let mut rng = Rng::new(21);
        (0..BATCH).map(|_| rng.array(-2.0, 2.0)).collect()
    }

    #[inline(never)]
    pub fn generated(_: &(), x: &X) -> G {
        ext_rosenbrock_gen(x)
    }

    #[inline(never)]
    pub fn hand_written(_: &(), x: &X) -> G {
        ext_rosenbrock_hand(x)
    }

    #[inline(never)]
    pub fn num_dual_gradient(_: &(), x: &X) -> G {
        ext_rosenbrock_dualvec(x)
    }

    #[inline(never)]
    pub fn num_dual_dual64(_: &(), x: &X) -> G {
        ext_rosenbrock_dual64(x)
    }

    #[inline(never)]
    pub fn finite_diff(_: &(), x: &X) -> G {
        ext_rosenbrock_fd(x)
    }

    /// The harness alone: reads the point, writes a result of the same shape.
    #[inline(never)]
    pub fn overhead(_: &(), x: &X) -> G {
        (x[0], *x)
    }

    harness::bench_groups!(
        generated(sample_count = 2000),
        hand_written(sample_count = 2000),
        num_dual_gradient(sample_count = 100),
        num_dual_dual64(sample_count = 100),
        finite_diff(sample_count = 100),
        overhead(sample_count = 2000),
    );
}

/// The seed network with loops, gradient with respect to `w` and `b`.
mod seed_net {
    use super::*;
    use loops_problems::*;

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
    pub fn generated(p: &SeedParams, s: &SeedSample) -> SeedGrad {
        seed_net_gen(p, s)
    }

    #[inline(never)]
    pub fn hand_written(p: &SeedParams, s: &SeedSample) -> SeedGrad {
        seed_net_hand(p, s)
    }

    #[inline(never)]
    pub fn num_dual_gradient(p: &SeedParams, s: &SeedSample) -> SeedGrad {
        seed_net_dualvec(p, s)
    }

    #[inline(never)]
    pub fn num_dual_dual64(p: &SeedParams, s: &SeedSample) -> SeedGrad {
        seed_net_dual64(p, s)
    }

    #[inline(never)]
    pub fn finite_diff(p: &SeedParams, s: &SeedSample) -> SeedGrad {
        seed_net_fd(p, s)
    }

    /// The harness alone: reads the sample and the parameters, writes a
    /// result of the same shape.
    #[inline(never)]
    pub fn overhead(p: &SeedParams, s: &SeedSample) -> SeedGrad {
        (s.x[0], p.w, p.b)
    }

    harness::bench_groups!(
        generated(sample_count = 2000),
        hand_written(sample_count = 2000),
        num_dual_gradient(sample_count = 100),
        num_dual_dual64(sample_count = 100),
        finite_diff(sample_count = 100),
        overhead(sample_count = 2000),
    );
}
