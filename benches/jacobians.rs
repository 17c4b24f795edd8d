//! Jacobian cost: the `_jacobian` that `#[differentiable]` generates for the
//! models of `examples/ekf.rs` and `examples/least_squares.rs`, against the
//! Jacobian written by hand and against num-dual (one `Dual64` pass per
//! input column), all in the same run.
//!
//! Run: `cargo bench --bench jacobians` (results and discussion:
//! BENCHMARKS.md, section "Jacobians").
//!
//! * `motion`: the EKF's unicycle motion model, 3 outputs of the 3 + 2
//!   inputs `(s, u)`, so `(F, G)` (reverse mode); 256 states and controls
//!   per iteration.
//! * `measurement`: range–bearing of a landmark, 2 outputs of 3 inputs
//!   (reverse mode); 256 states per iteration.
//! * `box_3d`: MGH 12 as 10 residuals of 3 inputs, a loop into a local array
//!   (forward mode); 64 points per iteration.
//! * `jennrich_sampson`: MGH 6 as 10 residuals of 2 inputs (forward mode);
//!   64 points per iteration.
//!
//! The method is that of `benches/models.rs` (`common/harness.rs`): every
//! method is its own `#[inline(never)]` kernel returning `(value, J)`,
//! `black_box` on the inputs and on the result, a `throughput` group
//! (independent calls), a `latency` group (each call waits for every output
//! of the previous one) and an `overhead` kernel. **ns per call = divan's
//! time / batch size**.
//!
//! The models are the examples' own files; `tests/suite/examples_check.rs`
//! checks the generated Jacobians against the hand-written ones and central
//! differences, and `sanity_check` below checks all three methods again
//! before measuring.

// Column-by-column Jacobians read best with indices.
#![allow(clippy::needless_range_loop)]

#[path = "common/drivers.rs"]
mod drivers;
#[path = "../examples/common/ekf_model.rs"]
mod ekf_model;
#[path = "common/harness.rs"]
mod harness;
#[path = "../examples/common/mgh_residuals.rs"]
mod mgh_residuals;

use divan::black_box;
use drivers::{assert_agree, Rng};
use harness::floats;
use num_dual::{Dual64, DualNum};

fn main() {
    sanity_check();
    divan::Divan::default()
        .sample_count(10000)
        .config_with_args()
        .main();
}

/// `J` column by column with `Dual64`: one pass of `f` per input.
#[inline(always)]
fn dual64_jacobian<const N: usize, const M: usize>(
    f: impl Fn([Dual64; N]) -> [Dual64; M],
    x: [f64; N],
) -> ([f64; M], [[f64; N]; M]) {
    let mut v = [0.0; M];
    let mut j = [[0.0; N]; M];
    for k in 0..N {
        let d: [Dual64; N] = core::array::from_fn(|i| {
            let d = Dual64::from_re(x[i]);
            if i == k {
                d.derivative()
            } else {
                d
            }
        });
        let out = f(d);
        for r in 0..M {
            v[r] = out[r].re;
            j[r][k] = out[r].eps;
        }
    }
    (v, j)
}

/// The models for num-dual (constants on the right: num-dual implements
/// `Dual op f64`, not `f64 op Dual`).
/// [`ekf_model::motion`] of `x = (s, u)`.
fn motion_dual<D: DualNum<f64> + Copy>(x: [D; 5], dt: f64) -> [D; 3] {
    let (v, w) = (x[3], x[4]);
    [
        x[0] + v * x[2].cos() * dt,
        x[1] + v * x[2].sin() * dt,
        x[2] + w * dt,
    ]
}

fn measurement_dual<D: DualNum<f64> + Copy>(s: [D; 3], l: [f64; 2]) -> [D; 2] {
    let dx = -s[0] + l[0];
    let dy = -s[1] + l[1];
    [(dx * dx + dy * dy).sqrt(), dy.atan2(dx) - s[2]]
}

fn box_3d_dual<D: DualNum<f64> + Copy>(x: [D; 3]) -> [D; 10] {
    core::array::from_fn(|i| {
        let t = 0.1 * (i + 1) as f64;
        (x[0] * -t).exp() - (x[1] * -t).exp() - x[2] * ((-t).exp() - (-10.0 * t).exp())
    })
}

fn jennrich_sampson_dual<D: DualNum<f64> + Copy>(x: [D; 2]) -> [D; 10] {
    core::array::from_fn(|i| {
        let k = (i + 1) as f64;
        -((x[0] * k).exp() + (x[1] * k).exp()) + (2.0 + 2.0 * k)
    })
}

/// Refuses to benchmark Jacobians that disagree (the real check is
/// `tests/suite/examples_check.rs`).
fn sanity_check() {
    fn agree<R: harness::AllF64>(what: &str, a: &R, b: &R) {
        assert_agree(what, floats(a), floats(b), 1e-12);
    }
    let dt = motion::params();
    for s in motion::samples().iter().take(16) {
        let g = motion::generated(&dt, s);
        agree("motion hand", &g, &motion::hand_written(&dt, s));
        agree("motion dual64", &g, &motion::num_dual_dual64(&dt, s));
    }
    for s in measurement::samples().iter().take(16) {
        let p = measurement::params();
        let g = measurement::generated(&p, s);
        agree("measurement hand", &g, &measurement::hand_written(&p, s));
        agree(
            "measurement dual64",
            &g,
            &measurement::num_dual_dual64(&p, s),
        );
    }
    for s in box_3d::samples().iter().take(16) {
        let g = box_3d::generated(&(), s);
        agree("box_3d hand", &g, &box_3d::hand_written(&(), s));
        agree("box_3d dual64", &g, &box_3d::num_dual_dual64(&(), s));
    }
    for s in jennrich_sampson::samples().iter().take(16) {
        let g = jennrich_sampson::generated(&(), s);
        agree("js hand", &g, &jennrich_sampson::hand_written(&(), s));
        agree("js dual64", &g, &jennrich_sampson::num_dual_dual64(&(), s));
    }
}

/// States of the robot: positions in a 20 m square, any heading.
fn states(n: usize, seed: u64) -> Vec<[f64; 3]> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| {
            [
                rng.uniform(-10.0, 10.0),
                rng.uniform(-10.0, 10.0),
                rng.uniform(-core::f64::consts::PI, core::f64::consts::PI),
            ]
        })
        .collect()
}

/// The EKF's motion model: parameters `(u, dt)`, samples states.
mod motion {
    use super::*;
    use ekf_model::*;

    type Jac = ([f64; 3], [[f64; 3]; 3], ControlJacobian);

    /// `dt`.
    pub fn params() -> f64 {
        0.1
    }

    /// States and controls `(s, u)`.
    pub fn samples() -> Vec<([f64; 3], [f64; 2])> {
        let mut rng = Rng::new(2);
        states(256, 3)
            .into_iter()
            .map(|s| (s, [rng.uniform(0.0, 2.0), rng.uniform(-1.0, 1.0)]))
            .collect()
    }

    #[inline(never)]
    pub fn generated(dt: &f64, (s, u): &([f64; 3], [f64; 2])) -> Jac {
        motion_jacobian(*s, *u, *dt)
    }

    #[inline(never)]
    pub fn hand_written(dt: &f64, (s, u): &([f64; 3], [f64; 2])) -> Jac {
        motion_jacobian_hand(*s, *u, *dt)
    }

    /// Five `Dual64` passes, one per input of `(s, u)`.
    #[inline(never)]
    pub fn num_dual_dual64(dt: &f64, (s, u): &([f64; 3], [f64; 2])) -> Jac {
        let x = [s[0], s[1], s[2], u[0], u[1]];
        let (v, j) = dual64_jacobian(|d| motion_dual(d, *dt), x);
        (v, j.map(|r| [r[0], r[1], r[2]]), j.map(|r| [r[3], r[4]]))
    }

    /// The harness alone: reads the sample, writes a result of the same
    /// shape.
    #[inline(never)]
    pub fn overhead(_: &f64, (s, u): &([f64; 3], [f64; 2])) -> Jac {
        (*s, [*s; 3], [*u; 3])
    }

    harness::bench_groups!(generated, hand_written, num_dual_dual64, overhead);
}

/// Range–bearing of one landmark: parameter the landmark, samples states.
mod measurement {
    use super::*;
    use ekf_model::*;

    type Jac = ([f64; 2], [[f64; 3]; 2]);

    pub fn params() -> [f64; 2] {
        [12.5, -11.0]
    }

    pub fn samples() -> Vec<[f64; 3]> {
        states(256, 5)
    }

    #[inline(never)]
    pub fn generated(l: &[f64; 2], s: &[f64; 3]) -> Jac {
        measurement_jacobian(*s, *l)
    }

    #[inline(never)]
    pub fn hand_written(l: &[f64; 2], s: &[f64; 3]) -> Jac {
        measurement_jacobian_hand(*s, *l)
    }

    #[inline(never)]
    pub fn num_dual_dual64(l: &[f64; 2], s: &[f64; 3]) -> Jac {
        dual64_jacobian(|d| measurement_dual(d, *l), *s)
    }

    #[inline(never)]
    pub fn overhead(l: &[f64; 2], s: &[f64; 3]) -> Jac {
        (*l, [*s; 2])
    }

    /// Not a Jacobian: the library calls the generated kernel makes beyond
    /// the hand-written one's single `atan2` (a second `atan2`, and one
    /// `hypot` for each row's pass through the `atan2` rule), for the
    /// discussion in BENCHMARKS.md.
    #[inline(never)]
    pub fn extra_calls(l: &[f64; 2], s: &[f64; 3]) -> Jac {
        let (dx, dy) = (l[0] - s[0], l[1] - s[1]);
        let a = dy.atan2(dx);
        let h = black_box(dx).hypot(dy);
        let h2 = black_box(dx).hypot(dy);
        ([a, h], [[h2, 0.0, 0.0], [0.0; 3]])
    }

    harness::bench_groups!(
        generated,
        hand_written,
        num_dual_dual64,
        overhead,
        extra_calls
    );
}

/// MGH 12, Box 3-D, m = 10.
mod box_3d {
    use super::*;
    use mgh_residuals::*;

    type Jac = ([f64; 10], [[f64; 3]; 10]);

    pub fn params() {}

    pub fn samples() -> Vec<[f64; 3]> {
        let mut rng = Rng::new(12);
        (0..64).map(|_| rng.array(0.0, 12.0)).collect()
    }

    #[inline(never)]
    pub fn generated(_: &(), x: &[f64; 3]) -> Jac {
        box_3d_jacobian(*x)
    }

    #[inline(never)]
    pub fn hand_written(_: &(), x: &[f64; 3]) -> Jac {
        box_3d_jacobian_hand(*x)
    }

    #[inline(never)]
    pub fn num_dual_dual64(_: &(), x: &[f64; 3]) -> Jac {
        dual64_jacobian(box_3d_dual, *x)
    }

    #[inline(never)]
    pub fn overhead(_: &(), x: &[f64; 3]) -> Jac {
        ([x[0]; 10], [*x; 10])
    }

    harness::bench_groups!(generated, hand_written, num_dual_dual64, overhead);
}

/// MGH 6, Jennrich–Sampson, m = 10.
mod jennrich_sampson {
    use super::*;
    use mgh_residuals::*;

    type Jac = ([f64; 10], [[f64; 2]; 10]);

    pub fn params() {}

    pub fn samples() -> Vec<[f64; 2]> {
        let mut rng = Rng::new(6);
        (0..64).map(|_| rng.array(-0.5, 0.5)).collect()
    }

    #[inline(never)]
    pub fn generated(_: &(), x: &[f64; 2]) -> Jac {
        jennrich_sampson_jacobian(*x)
    }

    #[inline(never)]
    pub fn hand_written(_: &(), x: &[f64; 2]) -> Jac {
        jennrich_sampson_jacobian_hand(*x)
    }

    #[inline(never)]
    pub fn num_dual_dual64(_: &(), x: &[f64; 2]) -> Jac {
        dual64_jacobian(jennrich_sampson_dual, *x)
    }

    #[inline(never)]
    pub fn overhead(_: &(), x: &[f64; 2]) -> Jac {
        ([x[0]; 10], [*x; 10])
    }

    harness::bench_groups!(generated, hand_written, num_dual_dual64, overhead);
}
