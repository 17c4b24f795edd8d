//! The gradients benchmarked in `benches/loops.rs` and `benches/models.rs`
//! agree: generated = hand-written (and = num-dual where the benchmark has
//! it) to ~1e-12 relative, and generated ≈ central differences to
//! finite-difference accuracy, at fixed and pseudo-random points. The
//! functions are the benchmarks' own, included from `benches/common/`.

#[path = "../../benches/common/drivers.rs"]
pub(crate) mod drivers;
#[path = "../../benches/common/loops_problems.rs"]
mod loops_problems;
#[path = "../../benches/common/models_problems.rs"]
mod models_problems;

use drivers::{assert_agree, central_fd, Rng};

/// Two correct gradients that round differently.
const EXACT: f64 = 1e-12;
/// Central differences against an exact gradient.
const FD: f64 = 1e-6;

fn flat<const N: usize>(r: &(f64, [f64; N])) -> Vec<f64> {
    core::iter::once(r.0).chain(r.1).collect()
}

// ---------------------------------------------------------------------------
// Extended Rosenbrock, n = 100.
// ---------------------------------------------------------------------------

mod ext_rosenbrock {
    use super::*;
    use loops_problems::*;

    fn check(x: &[f64; EXT_N]) {
        let gen = flat(&ext_rosenbrock_gen(x));
        let what = |m: &str| format!("ext_rosenbrock {m} at x[0..2] = {:?}", &x[..2]);
        assert_agree(&what("hand"), &gen, &flat(&ext_rosenbrock_hand(x)), EXACT);
        assert_agree(
            &what("dualvec"),
            &gen,
            &flat(&ext_rosenbrock_dualvec(x)),
            EXACT,
        );
        assert_agree(
            &what("dual64"),
            &gen,
            &flat(&ext_rosenbrock_dual64(x)),
            EXACT,
        );
        assert_agree(&what("fd"), &gen, &flat(&ext_rosenbrock_fd(x)), FD);
    }

    /// MGH's published values at the standard start
    /// `x0 = (-1.2, 1, -1.2, 1, ...)`: `f = 24.2` per pair and
    /// `∇f = (-215.6, -88)` per pair; `f = 0`, `∇f = 0` at `(1, ..., 1)`.
    #[test]
    fn published_values() {
        let x0: [f64; EXT_N] = core::array::from_fn(|i| if i % 2 == 0 { -1.2 } else { 1.0 });
        let (f, g) = ext_rosenbrock_gen(&x0);
        approx::assert_relative_eq!(f, 24.2 * (EXT_N / 2) as f64, max_relative = 1e-13);
        for pair in g.chunks_exact(2) {
            approx::assert_relative_eq!(pair[0], -215.6, max_relative = 1e-13);
            approx::assert_relative_eq!(pair[1], -88.0, max_relative = 1e-13);
        }
        let (f, g) = ext_rosenbrock_gen(&[1.0; EXT_N]);
        assert_eq!(f, 0.0);
        assert!(g.iter().all(|&gi| gi == 0.0));
        check(&x0);
        check(&[1.0; EXT_N]);
    }

    /// The comparison is not vacuous: the largest entry off by 1e-10
    /// relative fails.
    #[test]
    fn a_wrong_gradient_fails() {
        let x: [f64; EXT_N] = Rng::new(3).array(-2.0, 2.0);
        let gen = flat(&ext_rosenbrock_gen(&x));
        let mut wrong = flat(&ext_rosenbrock_hand(&x));
        let k = (0..wrong.len())
            .max_by(|&a, &b| wrong[a].abs().total_cmp(&wrong[b].abs()))
            .unwrap();
        wrong[k] *= 1.0 + 1e-10;
        assert_eq!(drivers::agree(&gen, &wrong, EXACT), Err(k));
    }

    #[test]
    fn random_points() {
        let mut rng = Rng::new(2024);
        for _ in 0..20 {
            check(&rng.array(-2.0, 2.0));
        }
    }

    /// `_grad` returns the objective's own value, bit for bit (the
    /// benchmark's input range and the hand-written loop sum in the same
    /// order).
    #[test]
    fn value_is_the_objective() {
        let mut rng = Rng::new(7);
        for _ in 0..10 {
            let x: [f64; EXT_N] = rng.array(-2.0, 2.0);
            let f = ext_rosenbrock(x);
            assert_eq!(ext_rosenbrock_gen(&x).0.to_bits(), f.to_bits());
            assert_eq!(ext_rosenbrock_hand(&x).0.to_bits(), f.to_bits());
        }
    }
}

// ---------------------------------------------------------------------------
// The seed network with loops.
// ---------------------------------------------------------------------------

mod seed_net {
    use super::*;
    use loops_problems::*;

    #[test]
    fn random_points() {
        let mut rng = Rng::new(16);
        for k in 0..20 {
            let p = seed_params(&mut rng);
            let s = seed_sample(&mut rng);
            let gen = seed_grad_flat(&seed_net_gen(&p, &s));
            let what = |m: &str| format!("seed_net {m}, point {k}");
            assert_agree(
                &what("hand"),
                &gen,
                &seed_grad_flat(&seed_net_hand(&p, &s)),
                EXACT,
            );
            assert_agree(
                &what("dualvec"),
                &gen,
                &seed_grad_flat(&seed_net_dualvec(&p, &s)),
                EXACT,
            );
            assert_agree(
                &what("dual64"),
                &gen,
                &seed_grad_flat(&seed_net_dual64(&p, &s)),
                EXACT,
            );
            assert_agree(&what("fd"), &gen, &seed_grad_flat(&seed_net_fd(&p, &s)), FD);
        }
    }

    /// Saturated outputs (large weights): both sigmoid branches, gradients
    /// near zero.
    #[test]
    fn saturated() {
        let mut rng = Rng::new(99);
        for k in 0..10 {
            let mut p = seed_params(&mut rng);
            for w in p.w.iter_mut().flatten() {
                *w *= 20.0;
            }
            let s = seed_sample(&mut rng);
            let gen = seed_grad_flat(&seed_net_gen(&p, &s));
            let hand = seed_grad_flat(&seed_net_hand(&p, &s));
            assert_agree(&format!("seed_net saturated {k}"), &gen, &hand, EXACT);
        }
    }
}

// ---------------------------------------------------------------------------
// The seed layer with vectors.
// ---------------------------------------------------------------------------

mod seed_loss {
    use super::*;
    use models_problems::*;

    #[test]
    fn random_points() {
        let mut rng = Rng::new(4);
        for k in 0..20 {
            let p = seed_params(&mut rng);
            let s = seed_sample(&mut rng);
            let gen = seed_gen_flat(&seed_loss_gen(&p, &s));
            let hand = seed_grad_flat(&seed_loss_hand(&p, &s));
            assert_agree(&format!("seed_loss hand, point {k}"), &gen, &hand, EXACT);
        }
    }

    /// The vector form is the loop form (`seed_net`) divided by 4 (`mse` is
    /// the mean over the outputs, the loop sums them): value and gradient.
    #[test]
    fn is_the_loop_network_over_4() {
        let mut rng = Rng::new(5);
        for k in 0..20 {
            let p = seed_params(&mut rng);
            let s = seed_sample(&mut rng);
            let vec = seed_gen_flat(&seed_loss_gen(&p, &s));
            let lp = loops_problems::SeedParams { w: p.w, b: p.b };
            let ls = loops_problems::SeedSample { x: s.x, y: s.label };
            let lop: Vec<f64> =
                loops_problems::seed_grad_flat(&loops_problems::seed_net_gen(&lp, &ls))
                    .into_iter()
                    .map(|v| v / 4.0)
                    .collect();
            assert_agree(
                &format!("seed_loss vs seed_net / 4, point {k}"),
                &vec,
                &lop,
                EXACT,
            );
        }
    }

    #[test]
    fn finite_differences() {
        let mut rng = Rng::new(6);
        for k in 0..5 {
            let p = seed_params(&mut rng);
            let s = seed_sample(&mut rng);
            let gen = seed_gen_flat(&seed_loss_gen(&p, &s));
            let flat_params = loops_problems::seed_flatten(&p.w, &p.b);
            let (v, g) = central_fd(
                |v: &[f64; loops_problems::SEED_PARAMS]| {
                    let w = core::array::from_fn(|i| core::array::from_fn(|j| v[SEED_OUT * i + j]));
                    let b = core::array::from_fn(|j| v[SEED_IN * SEED_OUT + j]);
                    seed_loss(
                        autodiff::Matrix::new(w),
                        autodiff::Vector::new(b),
                        s.x.into(),
                        s.label.into(),
                    )
                },
                &flat_params,
            );
            let fd: Vec<f64> = core::iter::once(v).chain(g).collect();
            assert_agree(&format!("seed_loss fd, point {k}"), &gen, &fd, FD);
        }
    }
}

// ---------------------------------------------------------------------------
// The digits network.
// ---------------------------------------------------------------------------

mod digits {
    use super::*;
    use models_problems::*;

    #[test]
    fn random_points_every_label() {
        let mut rng = Rng::new(10);
        let p = digits_params(&mut rng);
        for k in 0..30 {
            // Fresh parameters now and then, every class as the label.
            let p = if k % 10 == 9 {
                digits_params(&mut rng)
            } else {
                p
            };
            let mut s = digits_sample(&mut rng);
            s.label = k % CLASSES;
            let gen = digits_gen_flat(&digits_gen(&p, &s));
            let hand = digits_grad_flat(&digits_hand(&p, &s));
            assert_agree(&format!("digits hand, point {k}"), &gen, &hand, EXACT);
        }
    }

    /// Large weights: saturated hidden units and a confident output layer.
    #[test]
    fn saturated() {
        let mut rng = Rng::new(11);
        for k in 0..10 {
            let mut p = digits_params(&mut rng);
            for w in p.w1.iter_mut().flatten().chain(p.w2.iter_mut().flatten()) {
                *w *= 10.0;
            }
            let s = digits_sample(&mut rng);
            let gen = digits_gen_flat(&digits_gen(&p, &s));
            let hand = digits_grad_flat(&digits_hand(&p, &s));
            assert_agree(&format!("digits saturated, point {k}"), &gen, &hand, EXACT);
        }
    }

    /// Central differences on a spread of entries of every parameter (all
    /// 2410 would be slow in a debug build).
    #[test]
    fn finite_differences() {
        let mut rng = Rng::new(12);
        for k in 0..3 {
            let p = digits_params(&mut rng);
            let s = digits_sample(&mut rng);
            let (v, dw1, db1, dw2, db2) = digits_gen_into_arrays(&p, &s);
            let loss = |p: &DigitsParams| {
                digits_loss(
                    p.w1.into(),
                    p.b1.into(),
                    p.w2.into(),
                    p.b2.into(),
                    s.x.into(),
                    s.label,
                )
            };
            approx::assert_relative_eq!(v, loss(&p), max_relative = 1e-15);
            // One directional derivative per parameter block and a few
            // single entries, each by central differences.
            let picks: [(usize, usize, usize); 8] = [
                (0, 0, 0),
                (0, 63, 31),
                (0, 17, 5),
                (1, 3, 0),
                (2, 0, 9),
                (2, 31, 0),
                (2, 12, 4),
                (3, 7, 0),
            ];
            for &(block, i, j) in &picks {
                let (got, fd) = {
                    let f = |t: &[f64; 1]| {
                        let mut q = p;
                        match block {
                            0 => q.w1[i][j] += t[0],
                            1 => q.b1[i] += t[0],
                            2 => q.w2[i][j] += t[0],
                            _ => q.b2[i] += t[0],
                        }
                        loss(&q)
                    };
                    let got = match block {
                        0 => dw1[i][j],
                        1 => db1[i],
                        2 => dw2[i][j],
                        _ => db2[i],
                    };
                    (got, central_fd(f, &[0.0]).1[0])
                };
                let scale = 1.0 + v.abs();
                assert!(
                    (got - fd).abs() <= FD * scale,
                    "digits fd, point {k}, block {block} [{i}][{j}]: {got} vs {fd}"
                );
            }
        }
    }
}
