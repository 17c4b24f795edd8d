//! Moré, Garbow & Hillstrom (1981) test problems written the way one would
//! write them by hand: loops over the residuals, data tables, `i as f64`,
//! a branch. Every problem is generic over `T: autodiff::Float`, so the very
//! same function is the code under test (`T = f64`, through the generated
//! `_grad` / `_vjp`) and the exact oracle (`T = D64`, dual numbers, one
//! direction per input). `common::On::check` compares the gradient with both
//! the oracle and five-point central differences, and checks that `_grad`
//! returns the function's own value bit for bit and that `_vjp` is linear in
//! its seed. Jennrich–Sampson, Box and Bard also have a plain-`f64` twin
//! (literals, `i as f64 * x[0]`, the table read directly), checked against
//! the generic function's oracle.
//!
//! The objective is always the sum of squares `f = Σ r_i²`.

use crate::common;

use autodiff::{differentiable, Float};
use common::{Cfg, On, D64};
use core::ops::AddAssign;

impl AddAssign for D64 {
    fn add_assign(&mut self, o: Self) {
        *self = *self + o;
    }
}

/// `T` from an `f64` constant.
fn c<T: Float>(v: f64) -> T {
    T::from(v).unwrap()
}

// ---------------------------------------------------------------------------
// The problems.
//
// A note on `+=`: `autodiff::Float` is `num_traits::Float`, which does not
// imply `AddAssign`, and `#[differentiable]` keeps the original function as
// written, so `f += r * r` on a bare `T: Float` is rustc's E0368 ("binary
// assignment operation `+=` cannot be applied to type `T`") in the user's own
// function, not a macro error. The generic problems therefore accumulate with
// `f = f + r * r` (which the macro treats exactly like `+=`: an accumulating
// loop with no storage), and `ext_rosenbrock` shows the other way out:
// `where T: Float + AddAssign` (with `AddAssign` implemented for the
// oracle's `D64` above, which `tests/common` does not provide).

/// Extended Rosenbrock (MGH 21), `N = 10`:
/// `r_{2i-1} = 10 (x_{2i} - x_{2i-1}²)`, `r_{2i} = 1 - x_{2i-1}`.
#[differentiable]
fn ext_rosenbrock10<T: Float>(x: [T; 10]) -> T {
    let ten = T::from(10.0).unwrap();
    let mut f = T::zero();
    for i in 0..5 {
        let r1 = ten * (x[2 * i + 1] - x[2 * i] * x[2 * i]);
        let r2 = T::one() - x[2 * i];
        f = f + (r1 * r1 + r2 * r2);
    }
    f
}

/// Extended Rosenbrock (MGH 21) for any even `N`, with `+=`.
#[differentiable]
fn ext_rosenbrock<T, const N: usize>(x: [T; N]) -> T
where
    T: Float + AddAssign,
{
    let ten = T::from(10.0).unwrap();
    let mut f = T::zero();
    for i in 0..N / 2 {
        let (a, b) = (x[2 * i], x[2 * i + 1]);
        let r1 = ten * (b - a * a);
        let r2 = T::one() - a;
        f += r1 * r1 + r2 * r2;
    }
    f
}

const POWELL_N: usize = 8;

/// Extended Powell singular (MGH 22), `N = 8`:
/// `r_{4i-3} = x_{4i-3} + 10 x_{4i-2}`, `r_{4i-2} = √5 (x_{4i-1} - x_{4i})`,
/// `r_{4i-1} = (x_{4i-2} - 2 x_{4i-1})²`, `r_{4i} = √10 (x_{4i-3} - x_{4i})²`.
#[differentiable]
fn ext_powell<T: Float>(x: [T; POWELL_N]) -> T {
    let ten = T::from(10.0).unwrap();
    let two = T::from(2.0).unwrap();
    let sqrt5 = T::from(5.0).unwrap().sqrt();
    let sqrt10 = ten.sqrt();
    let mut f = T::zero();
    for i in 0..POWELL_N / 4 {
        let r1 = x[4 * i] + ten * x[4 * i + 1];
        let r2 = sqrt5 * (x[4 * i + 2] - x[4 * i + 3]);
        let r3 = (x[4 * i + 1] - two * x[4 * i + 2]).powi(2);
        let r4 = sqrt10 * (x[4 * i] - x[4 * i + 3]).powi(2);
        f = f + r1 * r1 + r2 * r2 + r3 * r3 + r4 * r4;
    }
    f
}

/// Jennrich and Sampson (MGH 6), `m = 10`:
/// `r_i = 2 + 2i - (e^{i x_1} + e^{i x_2})`.
#[differentiable]
fn jennrich_sampson<T: Float>(x: [T; 2]) -> T {
    let mut f = T::zero();
    for i in 1..=10 {
        let t = T::from(i as f64).unwrap();
        let r = T::from(2.0 + 2.0 * i as f64).unwrap() - ((t * x[0]).exp() + (t * x[1]).exp());
        f = f + r * r;
    }
    f
}

/// Jennrich and Sampson in plain `f64`: the cast multiplies the
/// differentiated value directly.
#[differentiable]
fn jennrich_sampson_f64(x: [f64; 2]) -> f64 {
    let mut f = 0.0;
    for i in 1..=10 {
        let r = 2.0 + 2.0 * i as f64 - ((i as f64 * x[0]).exp() + (i as f64 * x[1]).exp());
        f += r * r;
    }
    f
}

/// Box three-dimensional (MGH 12), `m = 10`, `t_i = 0.1 i`:
/// `r_i = e^{-t_i x_1} - e^{-t_i x_2} - x_3 (e^{-t_i} - e^{-10 t_i})`.
#[differentiable]
fn box3d<T: Float>(x: [T; 3]) -> T {
    let mut f = T::zero();
    for i in 1..=10 {
        let t = T::from(0.1 * i as f64).unwrap();
        let r = (-t * x[0]).exp() - (-t * x[1]).exp() - x[2] * ((-t).exp() - (-t * c(10.0)).exp());
        f = f + r * r;
    }
    f
}

/// Box three-dimensional in plain `f64`, `const` trip count.
const BOX_M: usize = 10;

#[differentiable]
fn box3d_f64(x: [f64; 3]) -> f64 {
    let mut f = 0.0;
    for i in 1..=BOX_M {
        let t = 0.1 * i as f64;
        let r = (-t * x[0]).exp() - (-t * x[1]).exp() - x[2] * ((-t).exp() - (-10.0 * t).exp());
        f += r * r;
    }
    f
}

/// Bard's data (MGH 8).
const BARD_Y: [f64; 15] = [
    0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96, 1.34, 2.10, 4.39,
];

/// Bard (MGH 8), `m = 15`: `r_i = y_i - (x_1 + u_i / (v_i x_2 + w_i x_3))`
/// with `u_i = i`, `v_i = 16 - i`, `w_i = min(u_i, v_i)`.
#[differentiable]
fn bard<T: Float>(x: [T; 3]) -> T {
    let mut f = T::zero();
    for i in 0..15 {
        let u = (i + 1) as f64;
        let v = (15 - i) as f64;
        let w = u.min(v);
        let r = T::from(BARD_Y[i]).unwrap()
            - (x[0]
                + T::from(u).unwrap() / (T::from(v).unwrap() * x[1] + T::from(w).unwrap() * x[2]));
        f = f + r * r;
    }
    f
}

/// Bard in plain `f64`, the table read directly and `w_i` by a branch on
/// the loop index.
#[differentiable]
fn bard_f64(x: [f64; 3]) -> f64 {
    let mut f = 0.0;
    for i in 0..BARD_Y.len() {
        let u = (i + 1) as f64;
        let v = 16.0 - u;
        let w = if i < 8 { u } else { v };
        let r = BARD_Y[i] - (x[0] + u / (v * x[1] + w * x[2]));
        f += r * r;
    }
    f
}

/// Trigonometric (MGH 26), `m = n = N`:
/// `r_i = n - Σ_j cos x_j + i (1 - cos x_i) - sin x_i`, with the sum written
/// as the inner loop it is in the formula.
#[differentiable]
fn trigonometric<T: Float, const N: usize>(x: [T; N]) -> T {
    let n = T::from(N).unwrap();
    let mut f = T::zero();
    for i in 0..N {
        let mut s = T::zero();
        for j in 0..N {
            s = s + x[j].cos();
        }
        let r = n - s + T::from(i + 1).unwrap() * (T::one() - x[i].cos()) - x[i].sin();
        f = f + r * r;
    }
    f
}

/// Trigonometric with the sum hoisted out of the residual loop.
#[differentiable]
fn trigonometric_hoisted<T: Float, const N: usize>(x: [T; N]) -> T {
    let mut s = T::zero();
    for j in 0..N {
        s = s + x[j].cos();
    }
    let n = T::from(N).unwrap();
    let mut f = T::zero();
    for i in 0..N {
        let r = n - s + T::from(i + 1).unwrap() * (T::one() - x[i].cos()) - x[i].sin();
        f = f + r * r;
    }
    f
}

/// Helical valley (MGH 7): `r_1 = 10 (x_3 - 10 θ)`, `r_2 = 10 (√(x_1² + x_2²) - 1)`,
/// `r_3 = x_3`, with `θ = atan(x_2 / x_1) / 2π`, `+ 0.5` when `x_1 < 0`.
#[differentiable]
fn helical_valley<T: Float>(x: [T; 3]) -> T {
    let (x1, x2, x3) = (x[0], x[1], x[2]);
    let ten = T::from(10.0).unwrap();
    let mut theta = (x2 / x1).atan() / T::from(2.0 * core::f64::consts::PI).unwrap();
    if x1 < T::zero() {
        theta = theta + T::from(0.5).unwrap();
    }
    let r1 = ten * (x3 - ten * theta);
    let r2 = ten * ((x1 * x1 + x2 * x2).sqrt() - T::one());
    let r3 = x3;
    r1 * r1 + r2 * r2 + r3 * r3
}

/// Helical valley with `θ` as an `if` expression.
#[differentiable]
fn helical_valley_expr<T: Float>(x: [T; 3]) -> T {
    let (x1, x2, x3) = (x[0], x[1], x[2]);
    let ten = T::from(10.0).unwrap();
    let two_pi = T::from(2.0 * core::f64::consts::PI).unwrap();
    let theta = if x1 > T::zero() {
        (x2 / x1).atan() / two_pi
    } else {
        (x2 / x1).atan() / two_pi + T::from(0.5).unwrap()
    };
    (ten * (x3 - ten * theta)).powi(2)
        + (ten * ((x1 * x1 + x2 * x2).sqrt() - T::one())).powi(2)
        + x3 * x3
}

// ---------------------------------------------------------------------------
// The checks.

/// Checks `$f` (one array parameter) in f64 against the dual-number oracle
/// (`$oracle`, by default `$f` itself at `T = D64`) and finite differences.
macro_rules! check {
    ($f:ident, $grad:ident, $vjp:ident, $cfg:expr, $pts:expr) => {
        check!($f, $grad, $vjp, oracle = $f, $cfg, $pts)
    };
    ($f:ident, $grad:ident, $vjp:ident, oracle = $oracle:ident, $cfg:expr, $pts:expr) => {
        On::<f64>::check(
            stringify!($f),
            $cfg,
            $pts,
            |x| $f(x),
            |x| $grad(x),
            |x, seed| $vjp(x, seed),
            |x| $oracle(x),
        )
    };
}

fn rosenbrock_start<const N: usize>() -> [f64; N] {
    core::array::from_fn(|k| if k % 2 == 0 { -1.2 } else { 1.0 })
}

/// A deterministic, irregular point.
fn spread<const N: usize>(a: f64, b: f64) -> [f64; N] {
    core::array::from_fn(|k| a * ((k as f64) * b).sin() + 0.1 * k as f64)
}

#[test]
fn extended_rosenbrock_10() {
    check!(
        ext_rosenbrock10,
        ext_rosenbrock10_grad,
        ext_rosenbrock10_vjp,
        Cfg::new(),
        &[rosenbrock_start(), spread(1.5, 0.7), spread(-0.8, 1.3)]
    );
    // The minimiser, where the gradient is exactly zero.
    assert_eq!(ext_rosenbrock10_grad([1.0f64; 10]), (0.0, [0.0; 10]));
}

#[test]
fn extended_rosenbrock_const_generic() {
    check!(
        ext_rosenbrock,
        ext_rosenbrock_grad,
        ext_rosenbrock_vjp,
        Cfg::new(),
        &[rosenbrock_start::<2>(), [0.5, -0.3], [2.0, 3.0]]
    );
    check!(
        ext_rosenbrock,
        ext_rosenbrock_grad,
        ext_rosenbrock_vjp,
        Cfg::new(),
        &[
            rosenbrock_start::<10>(),
            spread(1.5, 0.7),
            spread(-0.8, 1.3)
        ]
    );
    check!(
        ext_rosenbrock,
        ext_rosenbrock_grad,
        ext_rosenbrock_vjp,
        Cfg::new(),
        &[rosenbrock_start::<40>(), spread(1.1, 0.3)]
    );
    // The const-generic form and the fixed-size one are the same function,
    // summed in the same order: bit for bit the same gradient.
    for p in [
        rosenbrock_start::<10>(),
        spread(1.5, 0.7),
        spread(-0.8, 1.3),
    ] {
        assert_eq!(ext_rosenbrock_grad(p), ext_rosenbrock10_grad(p));
    }
    assert_eq!(ext_rosenbrock_grad([1.0f64; 10]), (0.0, [0.0; 10]));
    assert_eq!(ext_rosenbrock_grad([1.0f64; 100]), (0.0, [0.0; 100]));
}

#[test]
fn extended_powell_singular() {
    check!(
        ext_powell,
        ext_powell_grad,
        ext_powell_vjp,
        // The partials are sums of terms of size ~10 that partly cancel.
        Cfg::new().floor(10.0),
        &[
            [3.0, -1.0, 0.0, 1.0, 3.0, -1.0, 0.0, 1.0],
            spread(1.2, 0.9),
            [0.1, 0.2, -0.3, 0.4, -1.0, 2.0, 0.5, -0.5],
        ]
    );
    // The minimiser 0: singular Hessian, zero gradient.
    assert_eq!(ext_powell_grad([0.0f64; 8]), (0.0, [0.0; 8]));
    // f(x0) = 215 per block of four.
    assert_eq!(
        ext_powell_grad([3.0, -1.0, 0.0, 1.0, 3.0, -1.0, 0.0, 1.0]).0,
        430.0
    );
}

/// Near the Jennrich–Sampson minimiser the partials are differences of
/// terms of size ~10³, so they are compared absolutely at that scale.
const JS_POINTS: [[f64; 2]; 4] = [
    [0.3, 0.4],
    // Near the minimiser (0.2578, 0.2578), f ≈ 124.362.
    [0.257_825, 0.257_825],
    [-0.5, 0.1],
    [0.1, -0.2],
];

#[test]
fn jennrich_sampson_m10() {
    check!(
        jennrich_sampson,
        jennrich_sampson_grad,
        jennrich_sampson_vjp,
        Cfg::new().ulps(64.0).floor(1e3),
        &JS_POINTS
    );
    check!(
        jennrich_sampson_f64,
        jennrich_sampson_f64_grad,
        jennrich_sampson_f64_vjp,
        oracle = jennrich_sampson,
        Cfg::new().ulps(64.0).floor(1e3),
        &JS_POINTS
    );
    let (f, g) = jennrich_sampson_grad([0.257_825f64, 0.257_825]);
    assert!((f - 124.362).abs() < 1e-3, "f = {f}");
    assert!(g.iter().all(|d| d.abs() < 0.1), "{g:?}");
}

const BOX_POINTS: [[f64; 3]; 4] = [
    [0.0, 10.0, 20.0],
    [1.0, 10.0, 1.0],
    [2.0, 0.5, -1.0],
    [0.3, 3.0, 0.7],
];

#[test]
fn box_three_dimensional() {
    // The gradient vanishes at the minimisers: compare absolutely below 1.
    check!(
        box3d,
        box3d_grad,
        box3d_vjp,
        Cfg::new().floor(1.0),
        &BOX_POINTS
    );
    check!(
        box3d_f64,
        box3d_f64_grad,
        box3d_f64_vjp,
        oracle = box3d,
        Cfg::new().floor(1.0),
        &BOX_POINTS
    );
    // (1, 10, 1) is a minimiser with f = 0.
    for (f, g) in [
        box3d_grad([1.0f64, 10.0, 1.0]),
        box3d_f64_grad([1.0, 10.0, 1.0]),
    ] {
        assert!(f < 1e-28, "f = {f}");
        assert!(g.iter().all(|d| d.abs() < 1e-13), "{g:?}");
    }
}

const BARD_POINTS: [[f64; 3]; 4] = [
    [1.0, 1.0, 1.0],
    // Near the minimiser, f ≈ 8.21487e-3.
    [0.082_410_6, 1.133_036, 2.343_695],
    [0.5, 2.0, 0.7],
    [-0.2, 0.4, 3.0],
];

#[test]
fn bard_m15() {
    // The residuals cancel the data (up to 4.39): compare absolutely below
    // Σ y_i ≈ 12.
    check!(
        bard,
        bard_grad,
        bard_vjp,
        Cfg::new().floor(10.0),
        &BARD_POINTS
    );
    check!(
        bard_f64,
        bard_f64_grad,
        bard_f64_vjp,
        oracle = bard,
        Cfg::new().floor(10.0),
        &BARD_POINTS
    );
    let (f, g) = bard_grad([0.082_410_6f64, 1.133_036, 2.343_695]);
    assert!((f - 8.214_877e-3).abs() < 1e-8, "f = {f}");
    assert!(g.iter().all(|d| d.abs() < 1e-4), "{g:?}");
}

#[test]
fn trigonometric_n5() {
    let pts = [[0.2; 5], spread(0.9, 1.1), [1.0, -0.5, 0.25, 2.0, -1.5]];
    check!(
        trigonometric,
        trigonometric_grad,
        trigonometric_vjp,
        Cfg::new().floor(1.0),
        &pts
    );
    check!(
        trigonometric_hoisted,
        trigonometric_hoisted_grad,
        trigonometric_hoisted_vjp,
        Cfg::new().floor(1.0),
        &pts
    );
    // A second size through the const generic.
    check!(
        trigonometric,
        trigonometric_grad,
        trigonometric_vjp,
        Cfg::new().floor(1.0),
        &[[0.1; 10], spread(0.5, 0.4)]
    );
}

const HELIX_POINTS: [[f64; 3]; 5] = [
    // The standard start: x_1 < 0.
    [-1.0, 0.0, 0.0],
    [-0.5, 1.5, 2.0],
    [1.0, 0.5, 0.3],
    [0.7, -2.0, -1.0],
    [-0.3, -0.8, 0.5],
];

#[test]
fn helical_valley_both_branches() {
    check!(
        helical_valley,
        helical_valley_grad,
        helical_valley_vjp,
        Cfg::new().floor(1.0),
        &HELIX_POINTS
    );
    check!(
        helical_valley_expr,
        helical_valley_expr_grad,
        helical_valley_expr_vjp,
        oracle = helical_valley,
        Cfg::new().floor(1.0),
        &HELIX_POINTS
    );
    // f(x0) = 2500: θ = 0.5 on the x_1 < 0 branch.
    assert_eq!(helical_valley_grad([-1.0f64, 0.0, 0.0]).0, 2500.0);
    // The minimiser (1, 0, 0).
    assert_eq!(helical_valley_grad([1.0f64, 0.0, 0.0]), (0.0, [0.0; 3]));
    assert_eq!(
        helical_valley_expr_grad([1.0f64, 0.0, 0.0]),
        (0.0, [0.0; 3])
    );
}

// ---------------------------------------------------------------------------
// Found while writing these: a loop carrying two or more variables, where one
// update reads a carried variable that the body reassigns afterwards, gets a
// WRONG gradient (silently). The generated backward loop updates the
// carried adjoints one after the other (`d0 = ...; d1 = ... d0 ...;`), so a
// later update reads the adjoint the earlier one already overwrote. Ignored
// until the macro assigns the carried adjoints simultaneously.

/// The smallest case: `f = x_0 x_1`, `∂f/∂x_0 = x_1`; generated: `x_0 x_1`.
#[differentiable]
fn two_carried<T: Float>(x: [T; 2]) -> T {
    let mut a = x[0];
    let mut b = x[1];
    for _ in 0..1 {
        b = a * b;
        a = a + a;
    }
    b
}

/// A rotation of three carried values (a shift register).
#[differentiable]
fn rotate3<T: Float>(x: [T; 4]) -> T {
    let mut a = x[0];
    let mut b = x[1];
    let mut d = x[2];
    for _ in 0..3 {
        let t = a * x[3];
        a = b;
        b = d;
        d = t;
    }
    a + c::<T>(2.0) * b + c::<T>(3.0) * d
}

#[test]
fn loops_carrying_several_variables() {
    check!(
        two_carried,
        two_carried_grad,
        two_carried_vjp,
        Cfg::new(),
        &[[0.3, 0.4], [-1.0, 2.0]]
    );
    check!(
        rotate3,
        rotate3_grad,
        rotate3_vjp,
        Cfg::new(),
        &[[0.3, -0.4, 0.7, 1.2], [1.5, 0.5, 2.0, -0.3]]
    );
}
