//! Norms at their tip: the gradient where `sqrt` meets 0.
//!
//! Where a `sqrt`'s argument is written as a sum of squares (Ackley's
//! `(0.5 * (x * x + y * y)).sqrt()`, Holder table's `(x*x + y*y).sqrt()`),
//! the root is a cone and its gradient at the tip is the subgradient of
//! least norm, 0, not NaN; `hypot` and `.norm()` give the same. Away from
//! the tip the rule is `sqrt`'s, checked against the dual-number oracle and
//! finite differences. `sqrt(|u|)` (Bukin N.6, Eggholder) is a cusp with an
//! infinite slope and stays non-finite there.

use crate::common::{Cfg, On};
use autodiff::{differentiable, Float, Vector};
use core::f64::consts::{E, PI};

/// Ackley as users write it, in f64 literals; minimum 0 at (0, 0).
#[differentiable]
fn ackley(x: f64, y: f64) -> f64 {
    -20.0 * (-0.2 * (0.5 * (x * x + y * y)).sqrt()).exp()
        - (0.5 * ((2.0 * PI * x).cos() + (2.0 * PI * y).cos())).exp()
        + E
        + 20.0
}

/// The same in f32.
#[differentiable]
fn ackley32(x: f32, y: f32) -> f32 {
    -20.0 * (-0.2 * (0.5 * (x * x + y * y)).sqrt()).exp()
        - (0.5
            * ((2.0 * core::f32::consts::PI * x).cos() + (2.0 * core::f32::consts::PI * y).cos()))
        .exp()
        + core::f32::consts::E
        + 20.0
}

/// Ackley in the num-traits style, for the oracle.
mod ackley_t {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T, y: T) -> T {
        let a = T::from(20.0).unwrap();
        let b = T::from(0.2).unwrap();
        let half = T::from(0.5).unwrap();
        let tau = T::from(2.0 * PI).unwrap();
        let e = T::from(E).unwrap();
        -a * (-b * (half * (x * x + y * y)).sqrt()).exp()
            - (half * ((tau * x).cos() + (tau * y).cos())).exp()
            + e
            + a
    }
}

/// Holder table, `-|sin x cos y e^|1 - √(x²+y²)/π||`; at (0, 0), where the
/// NaN was found, the cone meets the kink of the outer `abs`.
mod holder {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T, y: T) -> T {
        let pi = T::from(PI).unwrap();
        -(x.sin() * y.cos() * (T::one() - (x * x + y * y).sqrt() / pi).abs().exp()).abs()
    }
}

/// Bukin N.6, `100 √|y - 0.01 x²| + 0.01 |x + 10|`; minimum 0 at (-10, 1).
mod bukin6 {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T, y: T) -> T {
        let k = T::from(0.01).unwrap();
        T::from(100.0).unwrap() * (y - k * x * x).abs().sqrt()
            + k * (x + T::from(10.0).unwrap()).abs()
    }
}

/// Eggholder, `-(y + 47) sin √|x/2 + y + 47| - x sin √|x - (y + 47)|`.
mod eggholder {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T, y: T) -> T {
        let c = T::from(47.0).unwrap();
        let two = T::from(2.0).unwrap();
        -(y + c) * (x / two + (y + c)).abs().sqrt().sin() - x * (x - (y + c)).abs().sqrt().sin()
    }
}

mod hypot2 {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T, y: T) -> T {
        x.hypot(y)
    }
}

/// The norm of a `Vector`, three ways: the primitive and two written out.
#[differentiable]
fn norms<T: Float>(v: Vector<T, 3>) -> T {
    v.norm() + v.norm_sq().sqrt() + v.dot(v).sqrt()
}

/// Element-wise roots of sums of squares: a cone per element.
#[differentiable]
fn lengths<T: Float>(v: Vector<T, 3>, w: Vector<T, 3>) -> T {
    (v * v + w * w).sqrt().sum()
}

/// A norm accumulated by a loop.
#[differentiable]
fn looped(x: [f64; 3]) -> f64 {
    let mut s = 0.0;
    for i in 0..3 {
        s += x[i] * x[i];
    }
    s.sqrt()
}

macro_rules! check2 {
    ($T:ty, $m:ident $cfg:expr; $pts:expr) => {
        On::<$T>::check(
            stringify!($m),
            $cfg,
            $pts,
            |[x, y]| $m::f(x, y),
            |[x, y]| {
                let (v, dx, dy) = $m::f_grad(x, y);
                (v, [dx, dy])
            },
            |[x, y], s| {
                let (v, dx, dy) = $m::f_vjp(x, y, s);
                (v, [dx, dy])
            },
            |[x, y]| $m::f(x, y),
        )
    };
}

#[test]
fn ackley_is_zero_at_its_minimum() {
    assert_eq!(ackley_grad(0.0, 0.0), (ackley(0.0, 0.0), 0.0, 0.0));
    assert_eq!(ackley32_grad(0.0, 0.0), (ackley32(0.0, 0.0), 0.0, 0.0));
    assert_eq!(
        ackley_t::f_grad(0.0f64, 0.0),
        (ackley_t::f(0.0, 0.0), 0.0, 0.0)
    );
    assert_eq!(
        ackley_t::f_grad(0.0f32, 0.0),
        (ackley_t::f(0.0, 0.0), 0.0, 0.0)
    );
    // Around the tip the gradient has length about 4·√0.5, pointing outwards.
    let (_, dx, dy) = ackley_grad(1e-9, 0.0);
    assert!(
        (dx - 4.0 * 0.5f64.sqrt()).abs() < 1e-6 && dy == 0.0,
        "{dx} {dy}"
    );
}

#[test]
fn ackley_elsewhere_matches_oracle_and_fd() {
    let pts = [[0.3, -0.2], [1.5, 2.5], [0.05, -0.08], [-2.7, 0.9]];
    let cfg = Cfg::new().ulps(64.0);
    check2!(f64, ackley_t cfg; &pts);
    check2!(f32, ackley_t cfg; &pts);
    for [x, y] in pts {
        let (v, dx, dy) = ackley_grad(x, y);
        let (w, ex, ey) = ackley_t::f_grad(x, y);
        assert_eq!((v, dx, dy), (w, ex, ey), "at ({x}, {y})");
    }
}

#[test]
fn holder_table_is_zero_at_the_origin() {
    assert_eq!(holder::f_grad(0.0f64, 0.0), (holder::f(0.0, 0.0), 0.0, 0.0));
    assert_eq!(holder::f_grad(0.0f32, 0.0), (holder::f(0.0, 0.0), 0.0, 0.0));
    // Away from every kink: the oracle and finite differences agree.
    let pts = [[1.3, -0.7], [8.05, 9.66], [-2.1, 0.4]];
    check2!(f64, holder Cfg::new().ulps(64.0).floor(1.0); &pts);
    check2!(f32, holder Cfg::new().ulps(64.0).floor(1.0); &pts);
}

#[test]
fn cusps_of_sqrt_abs_stay_non_finite() {
    // Bukin N.6 at its minimum (-10, 1), y computed so that y - 0.01 x² is 0.
    let (_, dx, dy) = bukin6::f_grad(-10.0f64, 0.01 * -10.0 * -10.0);
    assert!(!dx.is_finite() && !dy.is_finite(), "{dx} {dy}");
    let (x, k) = (-10.0f32, 0.01f32);
    let (_, dx, dy) = bukin6::f_grad(x, k * x * x);
    assert!(!dx.is_finite() && !dy.is_finite(), "{dx} {dy}");
    // Eggholder at (47, 0), where x - (y + 47) = 0.
    let (_, dx, dy) = eggholder::f_grad(47.0f64, 0.0);
    assert!(!dx.is_finite() && !dy.is_finite(), "{dx} {dy}");
    let (_, dx, dy) = eggholder::f_grad(47.0f32, 0.0);
    assert!(!dx.is_finite() && !dy.is_finite(), "{dx} {dy}");
    // Elsewhere both are ordinary.
    let pts = [[-8.0, 0.5], [-12.5, 2.0]];
    check2!(f64, bukin6 Cfg::new(); &pts);
    check2!(f32, bukin6 Cfg::new().ulps(64.0); &pts);
}

#[test]
fn hypot_and_norm_are_zero_at_zero() {
    assert_eq!(hypot2::f_grad(0.0f64, 0.0), (0.0, 0.0, 0.0));
    assert_eq!(hypot2::f_grad(0.0f32, 0.0), (0.0, 0.0, 0.0));
    check2!(f64, hypot2 Cfg::new(); &[[3.0, -4.0], [0.3, 0.2]]);
    check2!(f32, hypot2 Cfg::new(); &[[3.0, -4.0], [0.3, 0.2]]);

    let zero = Vector::from([0.0f64; 3]);
    assert_eq!(norms_grad(zero), (0.0, zero));
    let zero32 = Vector::from([0.0f32; 3]);
    assert_eq!(norms_grad(zero32), (0.0, zero32));
    let (v, d) = norms_grad(Vector::from([1.0f64, -2.0, 2.0]));
    assert_eq!(v, 9.0);
    near(d.to_array(), [1.0, -2.0, 2.0]);
}

#[test]
fn written_out_norms_are_zero_at_zero() {
    let zero = Vector::from([0.0f64; 3]);
    assert_eq!(lengths_grad(zero, zero), (0.0, zero, zero));
    let zero32 = Vector::from([0.0f32; 3]);
    assert_eq!(lengths_grad(zero32, zero32), (0.0, zero32, zero32));
    // One element at its tip, the others not: each element is its own cone.
    let (v, w) = (
        Vector::from([3.0, 0.0, -1.0]),
        Vector::from([4.0, 0.0, 0.0]),
    );
    let (_, dv, dw) = lengths_grad(v, w);
    near(dv.to_array(), [0.6, 0.0, -1.0]);
    near(dw.to_array(), [0.8, 0.0, 0.0]);

    assert_eq!(looped_grad([0.0; 3]), (0.0, [0.0; 3]));
    let (v, d) = looped_grad([1.0, 2.0, -2.0]);
    assert_eq!(v, 3.0);
    near(d, [1.0 / 3.0, 2.0 / 3.0, -2.0 / 3.0]);
}

/// Equal to a few ulps; exact zeros stay exact.
#[track_caller]
fn near<const N: usize>(got: [f64; N], want: [f64; N]) {
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g - w).abs() <= 4.0 * f64::EPSILON * w.abs() && (w != 0.0 || *g == 0.0),
            "{got:?} vs {want:?}"
        );
    }
}

/// Norms in forward mode, whose tangent is carried at half its size
/// through the squares and their sum (`x ẋ + y ẏ`, then `/ r`).
#[differentiable]
fn planar<T: Float>(x: T, y: T) -> T {
    (x * x + y * y).sqrt()
}

#[differentiable]
fn spatial<T: Float>(p: [T; 3]) -> T {
    (p[0].powi(2) + p[1] * p[1] + p[2].powi(2)).sqrt()
}

/// Ackley's form: constant multiples carry the half tangent on.
#[differentiable]
fn scaled<T: Float>(x: T, y: T) -> T {
    let k = T::from(0.5).unwrap();
    (k * (x * x + y * y) / T::from(3.0).unwrap()).sqrt()
}

/// `(x ẋ + y ẏ) · (1/r)` as written by hand, and 0 at the tip.
fn planar_tangent<T: Float>(x: T, y: T, tx: T, ty: T) -> T {
    let r = (x * x + y * y).sqrt();
    if r == T::zero() {
        (x * tx + y * ty) * r
    } else {
        (x * tx + y * ty) * r.recip()
    }
}

fn norm_tangents_at<T: Float + core::fmt::Debug>() {
    let t = |v: f64| T::from(v).unwrap();
    let points = [
        (3.0, -4.0),
        (0.0, 0.0),
        (0.0, 2.5),
        (1e-3, -7e2),
        (-1e18, 1e18),
        (1e-30, 3e-30),
    ];
    for (x, y) in points {
        let (x, y) = (t(x), t(y));
        for (tx, ty) in [(1.0, 0.0), (0.0, 1.0), (-0.3, 2.0)] {
            let (tx, ty) = (t(tx), t(ty));
            let (v, d) = planar_jvp(x, y, tx, ty);
            assert_eq!(v, planar(x, y));
            // The same rounding as the hand-written tangent, bit for bit.
            assert_eq!(d, planar_tangent(x, y, tx, ty), "at ({x:?}, {y:?})");
            // And the adjoint identity with the gradient, at the tip too.
            let (_, gx, gy) = planar_grad(x, y);
            let dot = gx * tx + gy * ty;
            assert!(
                (d - dot).abs() <= t(4.0) * T::epsilon() * dot.abs(),
                "{d:?} vs {dot:?}"
            );
            // √(s/6) has the tangent (x ẋ + y ẏ) / (6 √(s/6)), 0 at the tip.
            let (v, d) = scaled_jvp(x, y, tx, ty);
            assert_eq!(v, scaled(x, y));
            let (_, gx, gy) = scaled_grad(x, y);
            let dot = gx * tx + gy * ty;
            assert!(
                (d - dot).abs() <= t(8.0) * T::epsilon() * dot.abs(),
                "{d:?} vs {dot:?}"
            );
            if v != T::zero() {
                let want = (x * tx + y * ty) / (t(6.0) * v);
                assert!(
                    (d - want).abs() <= t(8.0) * T::epsilon() * want.abs(),
                    "{d:?} vs {want:?}"
                );
            } else {
                assert_eq!(d, T::zero());
            }
        }
    }
    let p = [t(1.0), t(-2.0), t(2.0)];
    let (v, d) = spatial_jvp(p, [t(0.5), t(1.0), t(-1.0)]);
    assert_eq!(v, t(3.0));
    // (0.5 − 2 − 2) / 3
    assert!((d - t(-3.5 / 3.0)).abs() <= t(2.0) * T::epsilon());
    assert_eq!(spatial_jvp([t(0.0); 3], [t(1.0); 3]), (t(0.0), t(0.0)));
}

#[test]
fn norm_tangents_round_as_written_by_hand() {
    norm_tangents_at::<f64>();
    norm_tangents_at::<f32>();
}
