//! The models of `examples/ekf.rs` and `examples/least_squares.rs` (their
//! own files, included with `#[path]`): every generated Jacobian agrees with
//! the hand-written one to rounding and with central differences to their
//! accuracy, and Levenberg–Marquardt on the generated Jacobians reaches the
//! published minima from the standard starting points. And
//! `examples/newton.rs` (the whole example, its `main` unused here): Newton's
//! method on the generated Hessian reaches Rosenbrock's minimum, and
//! `rosenbrock_hvp` agrees with the Hessian times a vector.

#[path = "../../examples/common/ekf_model.rs"]
mod ekf_model;
#[path = "../../examples/common/mgh_residuals.rs"]
mod mgh_residuals;
#[path = "../../examples/newton.rs"]
#[allow(dead_code)]
mod newton;

use crate::common::close;
use mgh_residuals::*;

/// Central differences of `f`, column by column.
fn fd<const N: usize, const M: usize>(
    x: [f64; N],
    f: impl Fn([f64; N]) -> [f64; M],
) -> [[f64; N]; M] {
    let mut j = [[0.0; N]; M];
    for k in 0..N {
        let h = 1e-6 * x[k].abs().max(1.0);
        let (mut p, mut m) = (x, x);
        p[k] += h;
        m[k] -= h;
        let (fp, fm) = (f(p), f(m));
        for (row, (a, b)) in j.iter_mut().zip(fp.iter().zip(&fm)) {
            row[k] = (a - b) / (p[k] - m[k]);
        }
    }
    j
}

/// `got` against `want`, entry by entry, relative to the largest entry of
/// `want` (and 1).
fn same<const N: usize, const M: usize>(
    what: &str,
    got: [[f64; N]; M],
    want: [[f64; N]; M],
    rtol: f64,
) {
    let scale = want.iter().flatten().fold(1.0f64, |m, v| m.max(v.abs()));
    for r in 0..M {
        for k in 0..N {
            close(
                &format!("{what} [{r}][{k}]"),
                got[r][k],
                want[r][k],
                rtol,
                scale,
            );
        }
    }
}

/// A function returning its value and Jacobian.
type Jacobian<'a, const N: usize, const M: usize> =
    dyn Fn([f64; N]) -> ([f64; M], [[f64; N]; M]) + 'a;

/// A generated Jacobian against a hand-written one and central differences,
/// values included, at `x`.
fn check<const N: usize, const M: usize>(
    what: &str,
    x: [f64; N],
    f: impl Fn([f64; N]) -> [f64; M],
    generated: impl Fn([f64; N]) -> ([f64; M], [[f64; N]; M]),
    hand: Option<&Jacobian<'_, N, M>>,
) {
    let (v, j) = generated(x);
    assert_eq!(v, f(x), "{what}: value at {x:?}");
    if let Some(hand) = hand {
        let (hv, hj) = hand(x);
        for r in 0..M {
            close(&format!("{what} value [{r}]"), v[r], hv[r], 1e-14, 1e-300);
        }
        same(&format!("{what} vs hand-written at {x:?}"), j, hj, 1e-14);
    }
    same(
        &format!("{what} vs central differences at {x:?}"),
        j,
        fd(x, &f),
        1e-7,
    );
}

/// The motion model's two blocks `(F, G)` side by side, as one Jacobian of
/// `(s, u)`.
fn joined(
    (v, f, g): ([f64; 3], [[f64; 3]; 3], ekf_model::ControlJacobian),
) -> ([f64; 3], [[f64; 5]; 3]) {
    let j = core::array::from_fn(|r| [f[r][0], f[r][1], f[r][2], g[r][0], g[r][1]]);
    (v, j)
}

#[test]
fn ekf_jacobians() {
    use ekf_model::*;
    let dt = 0.1;
    let landmark = [5.0, 10.0];
    let su = |x: [f64; 5]| ([x[0], x[1], x[2]], [x[3], x[4]]);
    for s in [
        [0.0, 0.0, 0.0],
        [1.5, -2.0, 2.9],
        [-3.0, 4.0, -1.7],
        [4.9, 9.0, 3.1],
    ] {
        for u in [[1.2, -0.4], [0.0, 0.0], [-0.5, 2.0]] {
            check(
                "motion",
                [s[0], s[1], s[2], u[0], u[1]],
                |x| motion(su(x).0, su(x).1, dt),
                |x| joined(motion_jacobian(su(x).0, su(x).1, dt)),
                Some(&|x| joined(motion_jacobian_hand(su(x).0, su(x).1, dt))),
            );
        }
        check(
            "measurement",
            s,
            |s| measurement(s, landmark),
            |s| measurement_jacobian(s, landmark),
            Some(&|s| measurement_jacobian_hand(s, landmark)),
        );
    }
}

#[test]
fn residual_jacobians() {
    for x in [[-1.2, 1.0], [0.5, -2.0], [3.0, 0.5], [0.3, 0.4]] {
        check("rosenbrock", x, rosenbrock, rosenbrock_jacobian, None);
        check(
            "freudenstein_roth",
            x,
            freudenstein_roth,
            freudenstein_roth_jacobian,
            None,
        );
        check("beale", x, beale, beale_jacobian, None);
        check(
            "jennrich_sampson",
            x,
            jennrich_sampson,
            jennrich_sampson_jacobian,
            Some(&jennrich_sampson_jacobian_hand),
        );
    }
    for x in [[0.0, 10.0, 20.0], [1.0, 10.0, 1.0], [2.5, -0.5, 3.0]] {
        check(
            "box_3d",
            x,
            box_3d,
            box_3d_jacobian,
            Some(&box_3d_jacobian_hand),
        );
    }
}

/// `f` to 1e-8 relative against the published value (1e-16 absolute for
/// `f* = 0`), `x` to 1e-5; and the digits MGH print.
fn reaches<const N: usize, const M: usize>(
    p: &Published<N>,
    jac: impl Fn([f64; N]) -> ([f64; M], [[f64; N]; M]),
) -> Solution<N> {
    let s = levenberg_marquardt(jac, p.x0, 200);
    assert!(s.stopped, "{}: no stopping test met: {s:?}", p.name);
    assert!(matches(&s, p), "{}: {s:?} is not {p:?}", p.name);
    s
}

#[test]
fn levenberg_marquardt_reaches_published_minima() {
    let s = reaches(&ROSENBROCK, rosenbrock_jacobian);
    assert!(s.f < 1e-20);
    // From (0.5, -2) LM goes to the local minimum, as MGH's note expects of
    // local methods; from nearer (5, 4) to the global one.
    let s = reaches(&FREUDENSTEIN_ROTH, freudenstein_roth_jacobian);
    assert_eq!(format!("{:.4}", s.f), "48.9843");
    assert_eq!(format!("{:.4} {:.4}", s.x[0], s.x[1]), "11.4128 -0.8968");
    let global = levenberg_marquardt(freudenstein_roth_jacobian, [6.0, 3.0], 200);
    assert!(global.f < 1e-20, "{global:?}");
    assert!((global.x[0] - 5.0).abs() < 1e-9 && (global.x[1] - 4.0).abs() < 1e-9);
    let s = reaches(&BEALE, beale_jacobian);
    assert!(s.f < 1e-20);
    let s = reaches(&JENNRICH_SAMPSON, jennrich_sampson_jacobian);
    assert_eq!(format!("{:.3}", s.f), "124.362");
    assert_eq!(format!("{:.4} {:.4}", s.x[0], s.x[1]), "0.2578 0.2578");
    let s = reaches(&BOX_3D, box_3d_jacobian);
    assert!(s.f < 1e-20);
}

#[test]
fn newton_reaches_rosenbrock_minimum() {
    for (x, y) in [(-1.2, 1.0), (0.5, -2.0), (3.0, 0.5), (1.0, 2.0)] {
        for v in [[1.0, 0.0], [0.0, 1.0], [0.6, -0.8]] {
            newton::check_hvp(x, y, v);
        }
    }
    let s = newton::newton((-1.2, 1.0), |_, _, _, _, _, _, _| {});
    assert!(s.grad_norm < 1e-10, "{s:?}");
    assert!(
        (s.x - 1.0).abs() < 1e-9 && (s.y - 1.0).abs() < 1e-9,
        "{s:?}"
    );
    assert!(s.iterations <= 25, "{s:?}");
}
