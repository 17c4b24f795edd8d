//! Forward mode: the tangent `#[differentiable]` generates (`f_jvp`)
//! against a hand-written one, and, for a 200-step projectile simulation
//! with two inputs, the full gradient five ways: two `_jvp` calls, the
//! reverse `_grad`, num-dual (`Dual64` ×2 and `gradient`), and a
//! hand-written tangent (×2, and both directions in one pass).
//!
//! Run: `cargo bench --bench forward` (results and discussion:
//! BENCHMARKS.md, "Forward mode").
//!
//! * `rosenbrock`, `wood`: MGH 1 and 14 (n = 2, 4), value and tangent at
//!   256 fixed pseudo-random points, each with its own direction.
//! * `ext_rosenbrock`: MGH 21, n = 100, a `for` loop; 16 points and
//!   directions per iteration (as `benches/loops.rs`).
//! * `layer`: the seed layer `σ(Wᵀx + b)` with `Matrix`/`Vector`, 16 × 4,
//!   tangent with respect to `W` and `b`; fixed `(W, b)`, 64 inputs and
//!   directions per iteration (as `benches/models.rs`); `generated_edited`
//!   is a diagnostic, the expansion edited by hand (see
//!   `layer_gen_edited`).
//! * `projectile`: value and full gradient (speed, angle) at 256 fixed
//!   launch conditions.
//! * `trajectory`: the same flight's final state `(px, py, vx, vy)` and its
//!   4 × 2 Jacobian: `_jacobian` in vector mode (both columns in one pass),
//!   one `_jvp` per column, by hand in one pass, num-dual's `jacobian`.
//!
//! The method is `benches/mgh.rs`'s, described in `common/harness.rs`:
//! every method its own `#[inline(never)]` kernel, `black_box` on the
//! inputs and on the result, a `throughput` group (independent calls) and a
//! `latency` group (each call waits for every output of the previous one),
//! and an `overhead` kernel. **ns per call = divan's time / batch size**.
//!
//! The functions benchmarked are defined once in
//! `common/forward_problems.rs` and checked against each other in
//! `tests/suite/bench_forward.rs` (and, briefly, before the benchmarks
//! start).

#[path = "common/drivers.rs"]
mod drivers;
#[path = "common/forward_problems.rs"]
mod forward_problems;
#[path = "common/harness.rs"]
mod harness;

use drivers::{assert_agree, Rng};

fn main() {
    sanity_check();
    // Sample counts are set per benchmark (`bench_groups!` below); a
    // command-line `--sample-count` overrides them.
    divan::Divan::from_args().main();
}

/// `v` and the tangent `⟨g, t⟩` of a gradient `(v, g)`.
fn dot_tangent<const N: usize>(r: (f64, [f64; N]), t: &[f64; N]) -> [f64; 2] {
    [r.0, r.1.iter().zip(t).map(|(g, t)| g * t).sum()]
}

/// Refuses to benchmark tangents that disagree (the real check is
/// `tests/suite/bench_forward.rs`).
fn sanity_check() {
    use forward_problems::*;
    let pair = |r: (f64, f64)| [r.0, r.1];
    for (p, t) in rosenbrock::samples().iter().take(8) {
        let g = pair(rosenbrock_gen(p, t));
        assert_agree("rosenbrock hand", &g, &pair(rosenbrock_hand(p, t)), 1e-12);
        let want = dot_tangent(rosenbrock_gradient(p), t);
        assert_agree("rosenbrock <grad, t>", &g, &want, 1e-12);
    }
    for (p, t) in wood::samples().iter().take(8) {
        let g = pair(wood_gen(p, t));
        assert_agree("wood hand", &g, &pair(wood_hand(p, t)), 1e-12);
        assert_agree(
            "wood <grad, t>",
            &g,
            &dot_tangent(wood_gradient(p), t),
            1e-12,
        );
    }
    for (x, t) in ext_rosenbrock::samples().iter().take(4) {
        let g = pair(ext_rosenbrock_gen(x, t));
        assert_agree("ext hand", &g, &pair(ext_rosenbrock_hand(x, t)), 1e-12);
        let want = dot_tangent(ext_rosenbrock_gradient(x), t);
        assert_agree("ext <grad, t>", &g, &want, 1e-12);
    }
    let lp = layer::params();
    for s in layer::samples().iter().take(8) {
        let (a, da) = layer_gen(&lp, s);
        let (ha, hda) = layer_hand(&lp, s);
        assert_agree("layer value", &a.to_array(), &ha, 1e-12);
        assert_agree("layer tangent", &da.to_array(), &hda, 1e-12);
        let (ea, eda) = layer_gen_edited(&lp, s);
        assert_eq!(
            (ea, eda),
            (a, da),
            "layer: the edited copy changed the values"
        );
    }
    let flat = |r: Grad2| [r.0, r.1[0], r.1[1]];
    for p in projectile::samples().iter().take(8) {
        let g = flat(projectile_jvp_x2(p));
        for (name, f) in [
            ("reverse", projectile_reverse as fn(&[f64; 2]) -> Grad2),
            ("dual64", projectile_dual64),
            ("dualvec", projectile_dualvec),
            ("hand x2", projectile_hand_x2),
            ("hand both", projectile_hand_both),
        ] {
            assert_agree(name, &g, &flat(f(p)), 1e-10);
        }
        let cols = |r: Jac4| [r.1, r.2].concat();
        let g = cols(trajectory_gen(p));
        for f in [trajectory_columns, trajectory_hand, trajectory_dualvec] {
            assert_agree("trajectory", &g, &cols(f(p)), 1e-10);
        }
    }
}

/// Points and directions uniform in `[lo, hi)` and `[-1, 1)`.
fn points_and_directions<const N: usize>(
    batch: usize,
    lo: f64,
    hi: f64,
    seed: u64,
) -> Vec<([f64; N], [f64; N])> {
    let mut rng = Rng::new(seed);
    (0..batch)
        .map(|_| (rng.array(lo, hi), rng.array(-1.0, 1.0)))
        .collect()
}

/// One scalar problem `f(x: [f64; N])` and its tangent in direction `t`:
/// the generated and hand-written kernels and the `overhead` baseline.
macro_rules! scalar_problem {
    ($name:ident, $n:expr, batch = $batch:expr, range = ($lo:expr, $hi:expr), seed = $seed:expr,
     generated = $gen:path, hand_written = $hand:path $(,)?) => {
        mod $name {
            use super::*;

            type S = ([f64; $n], [f64; $n]);

            pub fn params() {}

            pub fn samples() -> Vec<S> {
                points_and_directions::<{ $n }>($batch, $lo, $hi, $seed)
            }

            #[inline(never)]
            pub fn generated(_: &(), s: &S) -> (f64, f64) {
                $gen(&s.0, &s.1)
            }

            #[inline(never)]
            pub fn hand_written(_: &(), s: &S) -> (f64, f64) {
                $hand(&s.0, &s.1)
            }

            /// The harness alone: reads the point and the direction, writes
            /// a result of the same shape.
            #[inline(never)]
            pub fn overhead(_: &(), s: &S) -> (f64, f64) {
                (s.0[0], s.1[0])
            }

            harness::bench_groups!(
                generated(sample_count = 2000),
                hand_written(sample_count = 2000),
                overhead(sample_count = 2000),
            );
        }
    };
}

scalar_problem!(
    rosenbrock,
    2,
    batch = 256,
    range = (-3.0, 3.0),
    seed = 1,
    generated = forward_problems::rosenbrock_gen,
    hand_written = forward_problems::rosenbrock_hand,
);

scalar_problem!(
    wood,
    4,
    batch = 256,
    range = (-3.0, 3.0),
    seed = 14,
    generated = forward_problems::wood_gen,
    hand_written = forward_problems::wood_hand,
);

scalar_problem!(
    ext_rosenbrock,
    forward_problems::EXT_N,
    batch = 16,
    range = (-2.0, 2.0),
    seed = 21,
    generated = forward_problems::ext_rosenbrock_gen,
    hand_written = forward_problems::ext_rosenbrock_hand,
);

/// The seed layer, tangent with respect to `W` and `b`.
mod layer {
    use super::*;
    use forward_problems::*;

    /// Inputs and directions per iteration.
    const BATCH: usize = 64;

    pub fn params() -> LayerPoint {
        let mut rng = Rng::new(16);
        LayerPoint {
            w: rng.matrix(-1.0, 1.0),
            b: rng.array(-1.0, 1.0),
        }
    }

    pub fn samples() -> Vec<LayerSample> {
        let mut rng = Rng::new(4);
        (0..BATCH)
            .map(|_| LayerSample {
                x: rng.array(0.0, 1.0),
                tw: rng.matrix(-1.0, 1.0),
                tb: rng.array(-1.0, 1.0),
            })
            .collect()
    }

    #[inline(never)]
    pub fn generated(p: &LayerPoint, s: &LayerSample) -> LayerGenTangent {
        layer_gen(p, s)
    }

    /// Diagnostic: the expansion without its `Wᵀ·0` term.
    #[inline(never)]
    pub fn generated_edited(p: &LayerPoint, s: &LayerSample) -> LayerGenTangent {
        layer_gen_edited(p, s)
    }

    #[inline(never)]
    pub fn hand_written(p: &LayerPoint, s: &LayerSample) -> LayerTangent {
        layer_hand(p, s)
    }

    /// The harness alone: reads the parameters and the sample, writes a
    /// result of the same shape.
    #[inline(never)]
    pub fn overhead(p: &LayerPoint, s: &LayerSample) -> LayerTangent {
        (p.b, s.tb)
    }

    harness::bench_groups!(
        generated(sample_count = 2000),
        generated_edited(sample_count = 2000),
        hand_written(sample_count = 2000),
        overhead(sample_count = 2000),
    );
}

/// The projectile: value and full gradient (speed, angle) per call.
mod projectile {
    use super::*;
    use forward_problems::*;

    /// Launch conditions per iteration.
    const BATCH: usize = 256;

    pub fn params() {}

    /// Speeds in `[10, 30)` m/s, angles in `[0.3, 1.2)` rad.
    pub fn samples() -> Vec<[f64; 2]> {
        let mut rng = Rng::new(200);
        (0..BATCH)
            .map(|_| [rng.uniform(10.0, 30.0), rng.uniform(0.3, 1.2)])
            .collect()
    }

    /// Two generated `_jvp` calls, directions `(1, 0)` and `(0, 1)`.
    #[inline(never)]
    pub fn jvp_x2(_: &(), p: &[f64; 2]) -> Grad2 {
        projectile_jvp_x2(p)
    }

    /// The generated reverse-mode `_grad`.
    #[inline(never)]
    pub fn reverse_grad(_: &(), p: &[f64; 2]) -> Grad2 {
        projectile_reverse(p)
    }

    #[inline(never)]
    pub fn num_dual_dual64(_: &(), p: &[f64; 2]) -> Grad2 {
        projectile_dual64(p)
    }

    #[inline(never)]
    pub fn num_dual_gradient(_: &(), p: &[f64; 2]) -> Grad2 {
        projectile_dualvec(p)
    }

    /// Two hand-written tangent passes.
    #[inline(never)]
    pub fn hand_x2(_: &(), p: &[f64; 2]) -> Grad2 {
        projectile_hand_x2(p)
    }

    /// One hand-written pass carrying both directions.
    #[inline(never)]
    pub fn hand_both(_: &(), p: &[f64; 2]) -> Grad2 {
        projectile_hand_both(p)
    }

    /// The harness alone.
    #[inline(never)]
    pub fn overhead(_: &(), p: &[f64; 2]) -> Grad2 {
        (p[0], *p)
    }

    harness::bench_groups!(
        jvp_x2(sample_count = 200),
        reverse_grad(sample_count = 200),
        num_dual_dual64(sample_count = 200),
        num_dual_gradient(sample_count = 200),
        hand_x2(sample_count = 200),
        hand_both(sample_count = 200),
        overhead(sample_count = 2000),
    );
}

/// The flight's whole final state: its 4 × 2 Jacobian per call.
mod trajectory {
    use super::*;
    use forward_problems::*;

    pub fn params() {}

    /// The projectile's launch conditions.
    pub fn samples() -> Vec<[f64; 2]> {
        super::projectile::samples()
    }

    /// The generated `_jacobian`: both columns in one pass (vector mode).
    #[inline(never)]
    pub fn generated(_: &(), p: &[f64; 2]) -> Jac4 {
        trajectory_gen(p)
    }

    /// Two generated `_jvp` calls, one per column.
    #[inline(never)]
    pub fn jvp_columns(_: &(), p: &[f64; 2]) -> Jac4 {
        trajectory_columns(p)
    }

    /// One hand-written pass carrying both columns.
    #[inline(never)]
    pub fn hand_written(_: &(), p: &[f64; 2]) -> Jac4 {
        trajectory_hand(p)
    }

    #[inline(never)]
    pub fn num_dual_jacobian(_: &(), p: &[f64; 2]) -> Jac4 {
        trajectory_dualvec(p)
    }

    /// The harness alone.
    #[inline(never)]
    pub fn overhead(_: &(), p: &[f64; 2]) -> Jac4 {
        ([p[0]; 4], [p[1]; 4], [p[0]; 4])
    }

    harness::bench_groups!(
        generated(sample_count = 200),
        jvp_columns(sample_count = 200),
        hand_written(sample_count = 200),
        num_dual_jacobian(sample_count = 200),
        overhead(sample_count = 2000),
    );
}
