//! Forward mode without explicit rules, checked the way `tests/jvp.rs`
//! checks the explicit ones (dual numbers, finite differences, adjoint
//! identity, f64 and f32):
//!
//! - every elementwise pullback `name_vjpK(args, y, t)` is argument `K`'s
//!   share of the tangent, so the sum over arguments is the pushforward;
//! - a scalar output's tangent is `⟨name_vjpK(args, y, one_like(y)), tK⟩`;
//!
//! and the protocol helpers: `inner`, `one_like`, `NoTangent` and
//! `IntoTangent`.

/// Only `support` of `linalg.rs` is wanted here, not its tests.
macro_rules! suite {
    ($($item:item)*) => {};
}

#[macro_use]
#[allow(unused_macros)]
#[path = "linalg.rs"]
mod linalg;

#[macro_use]
#[allow(dead_code)] // each test file uses a subset
#[path = "common/jvp_check.rs"]
mod jvp_check;

use autodiff_core::__private as ad;
use autodiff_core::{Matrix, RowVector, Vector};
use jvp_check::{pos, rnd, unit};

/// A unary elementwise rule on a vector, its pullback used as pushforward.
macro_rules! unary_tests {
    ($($f:ident, $vjp:ident, $points:tt;)*) => {
        jvp_tests! {$(
            $f: (x: V<3> => tx) |y, w|
                f = ad::$f(x); jvp = ad::$vjp(x, y, tx); vjp = (ad::$vjp(x, y, w),);
                at = $points;
        )*}
    };
}

unary_tests! {
    sqrt, sqrt_vjp0, [pos(1, 3), vec![1e-4, 1.0, 1e4]];
    cbrt, cbrt_vjp0, [pos(2, 3), rnd(3, 3)];
    exp, exp_vjp0, [rnd(4, 3), vec![-30.0, 0.0, 30.0]];
    exp2, exp2_vjp0, [rnd(5, 3)];
    exp_m1, exp_m1_vjp0, [rnd(6, 3), vec![-1e-8, 1e-8, -40.0]];
    ln, ln_vjp0, [pos(7, 3), vec![1e-3, 1.0, 1e3]];
    ln_1p, ln_1p_vjp0, [pos(8, 3), vec![-0.5, 1e-9, 1e3]];
    log2, log2_vjp0, [pos(9, 3)];
    log10, log10_vjp0, [pos(10, 3)];
    sin, sin_vjp0, [rnd(11, 3)];
    cos, cos_vjp0, [rnd(12, 3)];
    tan, tan_vjp0, [unit(13, 3)];
    asin, asin_vjp0, [unit(14, 3)];
    acos, acos_vjp0, [unit(15, 3)];
    atan, atan_vjp0, [rnd(16, 3), vec![-1e3, 0.0, 1e3]];
    sinh, sinh_vjp0, [rnd(17, 3)];
    cosh, cosh_vjp0, [rnd(18, 3)];
    tanh, tanh_vjp0, [rnd(19, 3), vec![-5.0, 0.0, 5.0]];
    abs, abs_vjp0, [rnd(20, 3)];
    recip, recip_vjp0, [pos(21, 3), vec![-1e-2, 0.5, -1e2]];
    sigmoid, sigmoid_vjp0, [rnd(22, 3), vec![-8.0, 0.0, 8.0]];
    relu, relu_vjp0, [rnd(23, 3)];
    softplus, softplus_vjp0, [rnd(24, 3), vec![-30.0, 0.0, 30.0]];
}

/// A binary elementwise rule: the pushforward is the sum of both shares.
macro_rules! binary_tests {
    ($($f:ident, $vjp0:ident, $vjp1:ident, $points:tt;)*) => {
        jvp_tests! {$(
            $f: (a: V<3> => ta, b: V<3> => tb) |y, w|
                f = ad::$f(a, b); jvp = ad::$vjp0(a, b, y, ta) + ad::$vjp1(a, b, y, tb);
                vjp = (ad::$vjp0(a, b, y, w), ad::$vjp1(a, b, y, w));
                at = $points;
        )*}
    };
}

binary_tests! {
    powf, powf_vjp0, powf_vjp1, [[pos(30, 3), rnd(31, 3)].concat()];
    log, log_vjp0, log_vjp1, [[pos(32, 3), vec![2.0, 0.5, 10.0]].concat()];
    atan2, atan2_vjp0, atan2_vjp1, [rnd(33, 6), vec![1e-3, -2.0, 5.0, -1e-3, 0.5, 1e3]];
    hypot, hypot_vjp0, hypot_vjp1, [rnd(34, 6), vec![1e-3, -2.0, 5.0, 0.0, 0.5, 1e3]];
    max, max_vjp0, max_vjp1, [rnd(35, 6)];
    min, min_vjp0, min_vjp1, [rnd(36, 6)];
}

jvp_tests! {
    powi: (x: V<3> => tx) |y, w|
        f = ad::powi(x, 3); jvp = ad::powi_vjp0(x, 3, y, tx); vjp = (ad::powi_vjp0(x, 3, y, w),);
        at = [rnd(40, 3), vec![0.0, -1.0, 1e2]];
    // `n = 0`: a constant, tangent exactly 0 even at `x = 0`.
    powi_zero: (x: V<3> => tx) |y, w|
        f = ad::powi(x, 0); jvp = ad::powi_vjp0(x, 0, y, tx); vjp = (ad::powi_vjp0(x, 0, y, w),);
        at = [vec![0.0, -1.0, 2.0]];
    // Away from the tip the cone is `sqrt` of its sum of squares.
    sqrt_cone: (s: V<3> => ts) |y, w|
        f = ad::sqrt(s); jvp = ad::sqrt_cone_vjp0(s, y, ts); vjp = (ad::sqrt_cone_vjp0(s, y, w),);
        at = [pos(41, 3)];
    clamp: (x: V<3> => tx, lo: V<3> => tlo, hi: V<3> => thi) |y, w|
        f = ad::clamp(x, lo, hi);
        jvp = ad::clamp_vjp0(x, lo, hi, y, tx) + ad::clamp_vjp1(x, lo, hi, y, tlo)
            + ad::clamp_vjp2(x, lo, hi, y, thi);
        vjp = (ad::clamp_vjp0(x, lo, hi, y, w), ad::clamp_vjp1(x, lo, hi, y, w),
               ad::clamp_vjp2(x, lo, hi, y, w));
        // Below, inside and above the interval, element by element.
        at = [vec![-2.0, 0.3, 1.7, -1.0, -1.0, -1.0, 1.0, 1.0, 1.0], rnd(42, 9)];
    mul_add: (a: V<3> => ta, b: V<3> => tb, c: V<3> => tc) |y, w|
        f = ad::mul_add(a, b, c);
        jvp = ad::mul_add_vjp0(a, b, c, y, ta) + ad::mul_add_vjp1(a, b, c, y, tb)
            + ad::mul_add_vjp2(a, b, c, y, tc);
        vjp = (ad::mul_add_vjp0(a, b, c, y, w), ad::mul_add_vjp1(a, b, c, y, w),
               ad::mul_add_vjp2(a, b, c, y, w));
        at = [rnd(43, 9)];
    // The scalar shape of the same rules.
    atan2_scalar: (a: S => ta, b: S => tb) |y, w|
        f = ad::atan2(a, b); jvp = ad::atan2_vjp0(a, b, y, ta) + ad::atan2_vjp1(a, b, y, tb);
        vjp = (ad::atan2_vjp0(a, b, y, w), ad::atan2_vjp1(a, b, y, w));
        at = [vec![0.5, -2.0], vec![-1e-3, 1e3]];
    tanh_matrix: (x: M<2, 3> => tx) |y, w|
        f = ad::tanh(x); jvp = ad::tanh_vjp0(x, y, tx); vjp = (ad::tanh_vjp0(x, y, w),);
        at = [rnd(44, 6)];
}

/// A reduction to a scalar: its tangent is the pullback of `1`, contracted
/// with the tangent of each argument.
macro_rules! reduction_tests {
    ($($name:ident: $m:ty, $f:ident, $vjp:ident, $points:tt;)*) => {
        jvp_tests! {$(
            $name: (x: $m => tx) |y, w|
                f = ad::$f(x); jvp = ad::inner(ad::$vjp(x, y, ad::one_like(y)), tx);
                vjp = (ad::$vjp(x, y, w),);
                at = $points;
        )*}
    };
}

reduction_tests! {
    sum_of_matrix: M<2, 3>, sum, sum_vjp0, [rnd(50, 6)];
    mean_of_vector: V<4>, mean, mean_vjp0, [rnd(51, 4)];
    norm_sq_of_row_vector: jvp_check::R<3>, norm_sq, norm_sq_vjp0, [rnd(52, 3)];
    norm_of_vector: V<4>, norm, norm_vjp0, [rnd(53, 4), vec![1e-200, 0.0, -1e-200, 3e-200]];
    logsumexp_of_vector: V<4>, logsumexp, logsumexp_vjp0,
        [rnd(54, 4), vec![1000.0, -1000.0, 0.0, 999.0]];
}

jvp_tests! {
    // Two arguments: one contraction per argument, summed.
    mse_of_vectors: (p: V<4> => tp, q: V<4> => tq) |y, w|
        f = ad::mse(p, q);
        jvp = ad::inner(ad::mse_vjp0(p, q, y, ad::one_like(y)), tp)
            + ad::inner(ad::mse_vjp1(p, q, y, ad::one_like(y)), tq);
        vjp = (ad::mse_vjp0(p, q, y, w), ad::mse_vjp1(p, q, y, w));
        at = [rnd(55, 8)];
}

#[test]
fn inner_is_the_euclidean_product() {
    assert_eq!(ad::inner(3.0, -2.0), -6.0);
    assert_eq!(ad::inner(1.5f32, 2.0), 3.0);
    // A plain product: the sign of a zero survives, as in `a * b`.
    assert!(ad::inner(-0.0f64, 1.0).is_sign_negative());
    let (a, b) = (Vector::new([1.0, 2.0, 3.0]), Vector::new([4.0, -5.0, 6.0]));
    assert_eq!(ad::inner(a, b), 12.0);
    assert_eq!(ad::inner(a.t(), b.t()), 12.0);
    let m = Matrix::new([[1.0f32, 2.0], [3.0, 4.0]]);
    let n = Matrix::new([[0.5f32, -1.0], [2.0, 0.25]]);
    assert_eq!(ad::inner(m, n), 0.5 - 2.0 + 6.0 + 1.0);
    assert_eq!(ad::inner(m, Matrix::zeros()), 0.0);
}

#[test]
fn one_like_is_one_of_the_same_type() {
    assert_eq!(ad::one_like(-7.5f64), 1.0);
    assert_eq!(ad::one_like(f32::NAN), 1.0f32);
}

/// What a generated `f_jvp` does with each tangent parameter.
fn tangent<X, T: ad::IntoTangent<X>>(x: X, t: T) -> X {
    t.into_tangent(&x)
}

#[test]
fn no_tangent_is_the_zero_of_every_argument_type() {
    use ad::NoTangent;
    assert_eq!(tangent(2.5f64, NoTangent), 0.0);
    assert_eq!(tangent(2.5f32, NoTangent), 0.0);
    // What a generic caller needs: the zero of any float `T`.
    fn generic<T: ad::Float>(x: T) -> T {
        tangent(x, NoTangent)
    }
    assert_eq!(generic(-3.0f64), 0.0);
    assert_eq!(generic(7.0f32), 0.0);
    let v = Vector::new([1.0, 2.0]);
    assert_eq!(tangent(v, NoTangent), Vector::zeros());
    assert_eq!(tangent(v.t(), NoTangent), RowVector::zeros());
    let m = Matrix::new([[1.0f32, 2.0], [3.0, 4.0]]);
    assert_eq!(tangent(m, NoTangent), Matrix::zeros());
}

#[test]
fn a_tangent_of_the_argument_type_passes_unchanged() {
    assert_eq!(tangent(2.5f64, -1.25), -1.25);
    assert_eq!(tangent([1.0f32, 2.0], [3.0, -4.0]), [3.0, -4.0]);
    assert_eq!(
        tangent([[1.0f64; 2]; 2], [[5.0, 6.0], [7.0, 8.0]]),
        [[5.0, 6.0], [7.0, 8.0]]
    );
    let v = Vector::new([1.0, 2.0]);
    assert_eq!(
        tangent(v, Vector::new([-3.0, 0.5])),
        Vector::new([-3.0, 0.5])
    );
    let m = Matrix::new([[1.0, 2.0], [3.0, 4.0]]);
    assert_eq!(tangent(m, m.t()), m.t());
    assert_eq!(tangent(1.0, ad::NoTangent), 0.0);
}

/// The tangent of `a·b/c + ⟨softmax(v), v⟩`-like code as a generated
/// `f_jvp` for `T: Float` would write it: the rules need no bound beyond
/// `Float`, which is all a user's generic signature gives.
fn generic_tangent<T: autodiff_core::Float>(a: T, b: T, v: Vector<T, 3>, t: [T; 2]) -> T {
    let [ta, tb] = t;
    let y = a * b;
    let ty = ad::mul_jvp(a, b, y, ta, tb);
    let q = y / b;
    let tq = ad::div_jvp(y, b, q, ty, tb);
    let s = ad::softmax(v);
    let ts = ad::softmax_jvp(v, s, v * ta);
    let r = ad::t(v);
    let tr = ad::t_jvp(v, r, v * tb);
    let u = ad::tmul(v, v);
    let tu = ad::tmul_jvp(v, v, u, v * ta, v * tb);
    let seed = ad::one_like(u);
    tq + ad::inner(ts, s) + ad::inner(tr, r) + tu * seed
}

#[test]
fn rules_need_only_float_bounds() {
    let v = Vector::new([0.5, -1.0, 2.0]);
    let (got64, got32) = (
        generic_tangent(1.5f64, -2.0, v, [0.25, 0.75]),
        generic_tangent(1.5f32, -2.0, Vector::new([0.5, -1.0, 2.0]), [0.25, 0.75]),
    );
    // By hand: `q = a`, so `tq = ta`; the transpose contributes
    // `⟨v tb, v⟩` and `vᵀv` its tangent `⟨v ta, v⟩ + ⟨v, v tb⟩`.
    let (ta, tb, vv) = (0.25, 0.75, v.dot(v));
    let s = v.softmax();
    let ts = s * (v * ta - Vector::new([s.dot(v * ta); 3]));
    let want = ta + ts.dot(s) + vv * tb + vv * (ta + tb);
    approx::assert_relative_eq!(got64, want, max_relative = 1e-14);
    approx::assert_relative_eq!(got32, want as f32, max_relative = 1e-6);
}

/// The two rules `forward`'s docs name as not their own pushforward really
/// are not, so the forward mode must call the explicit `_jvp` for them.
#[test]
fn non_symmetric_jacobians_are_not_their_own_pushforward() {
    let a = Matrix::new([[1.0, 2.0], [-0.5, 3.0]]);
    let t = Matrix::new([[0.25, -1.0], [2.0, 0.5]]);
    let y = a * a;
    let push = ad::mul_jvp(a, a, y, t, t);
    assert_eq!(push, t * a + a * t);
    assert_ne!(ad::mul_vjp_same(a, a, y, t), push);

    let z = Vector::new([0.5, -1.0, 2.0]);
    let tz = Vector::new([1.0, 0.0, 0.0]);
    let ly = z.log_softmax();
    let push = ad::log_softmax_jvp(z, ly, tz);
    let shift = z.softmax()[0];
    approx::assert_relative_eq!(push.to_array()[..], [1.0 - shift, -shift, -shift][..]);
    let pull = ad::log_softmax_vjp0(z, ly, tz);
    assert!((pull - push).norm() > 0.1, "{pull:?} vs {push:?}");
}
