//! Gradient cost on three Moré–Garbow–Hillstrom problems (Rosenbrock, Beale,
//! Wood): the gradient `#[differentiable]` generates, a hand-written one,
//! num-dual (forward mode, two ways) and central finite differences.
//!
//! Run: `cargo bench --bench mgh` (results and discussion: BENCHMARKS.md).
//!
//! Every method is compiled as its own `#[inline(never)]` function
//! `&[f64; N] -> (f64, [f64; N])` (value and gradient), so each is optimised
//! in isolation, as any caller sees it, and every method pays the same call
//! overhead. Inlining the gradients into the benchmark loop instead makes the
//! numbers depend on how LLVM lays out `black_box`'s stack slots around the
//! inlined code (store-forwarding stalls, ±50 % swings in either direction
//! between otherwise identical kernels), which measures the harness, not the
//! gradient.
//!
//! Each benchmark iteration evaluates the gradient at the same 256 fixed
//! pseudo-random points; the point's address, the value and every gradient
//! entry go through `divan::black_box`. Divan reports the time of the whole
//! iteration, so **ns per call = time / 256** (the `item/s` line is the same
//! number inverted). Two groups:
//!
//! * `throughput`: the 256 calls are independent, so the CPU may overlap
//!   them; this measures the work in the gradient (instructions, ports).
//! * `latency`: each call's point is chosen by an index that depends on all
//!   outputs of the previous call (`i + (0 · (f + Σ g)) as usize`, always `i`
//!   but opaque to the compiler), so calls run back to back; this measures
//!   the dependency chain through the gradient, plus a harness overhead that
//!   is the same for every method.
//!
//! `overhead` is a do-nothing kernel with the same signature (returns the
//! point as its own "gradient"): subtract it to see the cost of the gradient
//! alone.
//!
//! The functions benchmarked are defined once in `common/mgh_problems.rs` and
//! checked against each other in `tests/suite/mgh.rs` (and again, briefly, before
//! the benchmarks start).

use divan::black_box;

#[path = "common/mgh_problems.rs"]
mod mgh_problems;

use mgh_problems::*;

/// Points per benchmark iteration: 256 × 4 × 8 bytes stays in L1.
const BATCH: usize = 256;

fn main() {
    sanity_check();
    divan::Divan::default()
        .sample_count(5000)
        .config_with_args()
        .main();
}

/// Refuses to benchmark gradients that disagree (the real check is
/// `tests/suite/mgh.rs`).
fn sanity_check() {
    fn same<const N: usize>(name: &str, a: (f64, [f64; N]), b: (f64, [f64; N])) {
        let scale = b.1.iter().fold(b.0.abs(), |m, x| m.max(x.abs()));
        let eps = 1e-12 * (1.0 + scale);
        let ok = approx::relative_eq!(a.0, b.0, epsilon = eps, max_relative = 1e-12)
            && (0..N)
                .all(|i| approx::relative_eq!(a.1[i], b.1[i], epsilon = eps, max_relative = 1e-12));
        assert!(ok, "{name}: {a:?} != {b:?}");
    }
    for p in ROSENBROCK_POINTS {
        let g = rosenbrock::generated(&p);
        same("rosenbrock hand", g, rosenbrock::hand_written(&p));
        same("rosenbrock dual64", g, rosenbrock::num_dual_dual64(&p));
        same("rosenbrock dualvec", g, rosenbrock::num_dual_gradient(&p));
    }
    for p in BEALE_POINTS {
        let g = beale::generated(&p);
        same("beale hand", g, beale::hand_written(&p));
        same("beale dual64", g, beale::num_dual_dual64(&p));
        same("beale dualvec", g, beale::num_dual_gradient(&p));
    }
    for p in WOOD_POINTS {
        let g = wood::generated(&p);
        same("wood hand", g, wood::hand_written(&p));
        same("wood dual64", g, wood::num_dual_dual64(&p));
        same("wood dualvec", g, wood::num_dual_gradient(&p));
    }
}

/// A gradient as benchmarked: reads its point through a reference (so the
/// input is read from the point table, not from a just-written stack copy).
type Grad<const N: usize> = fn(&[f64; N]) -> (f64, [f64; N]);

/// `BATCH` independent calls. The value and each gradient entry go through
/// their own `black_box`, i.e. are read back as single f64s: copying the
/// whole result tuple with 16-byte moves would put a store-forwarding stall
/// on every method whose code writes its result with 8-byte stores (and on
/// none of the others), which measures the harness, not the gradient.
#[inline(always)]
fn throughput<const N: usize>(bencher: divan::Bencher, pts: &[[f64; N]], f: Grad<N>) {
    bencher
        .counter(divan::counter::ItemsCount::new(pts.len()))
        .bench_local(|| {
            for p in pts {
                let (v, g) = f(black_box(p));
                black_box(v);
                for gi in g {
                    black_box(gi);
                }
            }
        });
}

/// `BATCH` calls, each depending on all outputs of the call before: the
/// next point's index is `i + (0 · (f + Σ g)) as usize` (always `i`, but the
/// compiler cannot know that), so a call cannot start before the previous
/// one has produced every output.
#[inline(always)]
fn latency<const N: usize>(bencher: divan::Bencher, pts: &[[f64; N]], f: Grad<N>) {
    assert!(pts.len().is_power_of_two() && N < 8);
    let mask = pts.len() - 1;
    bencher
        .counter(divan::counter::ItemsCount::new(pts.len()))
        .bench_local(|| {
            let mut skip = 0usize;
            for i in 0..pts.len() {
                let (v, g) = f(black_box(&pts[(i + skip) & mask]));
                let mut t = [0.0; 8];
                t[0] = black_box(v);
                for j in 0..N {
                    t[j + 1] = black_box(g[j]);
                }
                // A balanced sum: depth 3, whatever N.
                let s = ((t[0] + t[1]) + (t[2] + t[3])) + ((t[4] + t[5]) + (t[6] + t[7]));
                skip = (0.0 * s) as usize;
            }
            black_box(skip);
        });
}

/// One module per problem: the five methods (and the `overhead` baseline) as
/// stand-alone functions, and `throughput` / `latency` benchmark groups over
/// them.
macro_rules! problem {
    (
        $problem:ident, $n:literal, range = ($lo:expr, $hi:expr), seed = $seed:expr,
        generated = $gen:expr,
        hand_written = $hand:expr,
        num_dual_gradient = $dualvec:expr,
        num_dual_dual64 = $dual64:expr,
        finite_diff = $fd:expr $(,)?
    ) => {
        mod $problem {
            use super::*;

            #[inline(never)]
            pub fn generated(p: &[f64; $n]) -> (f64, [f64; $n]) {
                ($gen)(*p)
            }

            #[inline(never)]
            pub fn hand_written(p: &[f64; $n]) -> (f64, [f64; $n]) {
                ($hand)(*p)
            }

            #[inline(never)]
            pub fn num_dual_gradient(p: &[f64; $n]) -> (f64, [f64; $n]) {
                ($dualvec)(*p)
            }

            #[inline(never)]
            pub fn num_dual_dual64(p: &[f64; $n]) -> (f64, [f64; $n]) {
                ($dual64)(*p)
            }

            #[inline(never)]
            pub fn finite_diff(p: &[f64; $n]) -> (f64, [f64; $n]) {
                ($fd)(*p)
            }

            /// The harness alone: a call that reads the point and writes a
            /// result of the same shape.
            #[inline(never)]
            pub fn overhead(p: &[f64; $n]) -> (f64, [f64; $n]) {
                (p[0], *p)
            }

            fn points() -> Vec<[f64; $n]> {
                pseudo_random_points::<$n>(BATCH, $lo, $hi, $seed)
            }

            macro_rules! group {
                ($mode:ident) => {
                    mod $mode {
                        #[divan::bench]
                        fn generated(b: divan::Bencher) {
                            crate::$mode(b, &super::points(), super::generated)
                        }

                        #[divan::bench]
                        fn hand_written(b: divan::Bencher) {
                            crate::$mode(b, &super::points(), super::hand_written)
                        }

                        #[divan::bench]
                        fn num_dual_gradient(b: divan::Bencher) {
                            crate::$mode(b, &super::points(), super::num_dual_gradient)
                        }

                        #[divan::bench]
                        fn num_dual_dual64(b: divan::Bencher) {
                            crate::$mode(b, &super::points(), super::num_dual_dual64)
                        }

                        #[divan::bench]
                        fn finite_diff(b: divan::Bencher) {
                            crate::$mode(b, &super::points(), super::finite_diff)
                        }

                        #[divan::bench]
                        fn overhead(b: divan::Bencher) {
                            crate::$mode(b, &super::points(), super::overhead)
                        }
                    }
                };
            }

            group!(throughput);
            group!(latency);
        }
    };
}

problem!(
    rosenbrock,
    2,
    range = (-3.0, 3.0),
    seed = 1,
    generated = rosenbrock_gen,
    hand_written = rosenbrock_hand,
    num_dual_gradient = |p| dualvec_gradient(|x| rosenbrock_dual(x[0], x[1]), p),
    num_dual_dual64 = |p| dual64_gradient(|x| rosenbrock_dual(x[0], x[1]), p),
    finite_diff = |p| central_fd(rosenbrock_arr, p),
);

problem!(
    beale,
    2,
    range = (-4.5, 4.5),
    seed = 5,
    generated = beale_gen,
    hand_written = beale_hand,
    num_dual_gradient = |p| dualvec_gradient(|x| beale_dual(x[0], x[1]), p),
    num_dual_dual64 = |p| dual64_gradient(|x| beale_dual(x[0], x[1]), p),
    finite_diff = |p| central_fd(beale_arr, p),
);

problem!(
    wood,
    4,
    range = (-3.0, 3.0),
    seed = 14,
    generated = wood_gen,
    hand_written = wood_hand,
    num_dual_gradient = |p| dualvec_gradient(wood_dual, p),
    num_dual_dual64 = |p| dual64_gradient(wood_dual, p),
    finite_diff = |p| central_fd(wood, p),
);
