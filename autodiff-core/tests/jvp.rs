//! Every explicit tangent rule of `autodiff_core::__private` (`name_jvp`),
//! in f64 and f32, checked against num-dual's forward mode and central finite
//! differences, and against its pullbacks by the adjoint identity
//! `⟨jvp(t), w⟩ = ⟨t, vjp(w)⟩` (see `tests/common/jvp_check.rs`). Points
//! include zero vectors and logits of ±1000.

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
use jvp_check::{rnd, M, R, S, V};

/// Logits from `[-1000, 1000]`, large enough to overflow a naive softmax.
fn large() -> Vec<f64> {
    vec![1000.0, -1000.0, 0.0, 999.0]
}

jvp_tests! {
    transpose_of_vector: (x: V<3> => tx) |y, w|
        f = ad::t(x); jvp = ad::t_jvp(x, y, tx); vjp = (ad::t_vjp0(x, y, w),);
        at = [rnd(1, 3), vec![0.0; 3]];
    transpose_of_row_vector: (x: R<3> => tx) |y, w|
        f = ad::t(x); jvp = ad::t_jvp(x, y, tx); vjp = (ad::t_vjp0(x, y, w),);
        at = [rnd(2, 3)];
    transpose_of_matrix: (x: M<3, 2> => tx) |y, w|
        f = ad::t(x); jvp = ad::t_jvp(x, y, tx); vjp = (ad::t_vjp0(x, y, w),);
        at = [rnd(3, 6), vec![0.0; 6]];

    softmax: (z: V<4> => tz) |y, w|
        f = ad::softmax(z); jvp = ad::softmax_jvp(z, y, tz); vjp = (ad::softmax_vjp0(z, y, w),);
        at = [rnd(4, 4), rnd(5, 4), vec![0.0; 4], large(), large().iter().map(|v| -v).collect()];
    softmax_of_one_logit: (z: V<1> => tz) |y, w|
        f = ad::softmax(z); jvp = ad::softmax_jvp(z, y, tz); vjp = (ad::softmax_vjp0(z, y, w),);
        at = [vec![3.0], vec![-1000.0]];
    log_softmax: (z: V<4> => tz) |y, w|
        f = ad::log_softmax(z); jvp = ad::log_softmax_jvp(z, y, tz);
        vjp = (ad::log_softmax_vjp0(z, y, w),);
        at = [rnd(6, 4), rnd(7, 4), vec![0.0; 4], large(), large().iter().map(|v| -v).collect()];

    outer: (a: V<4> => ta, b: V<3> => tb) |y, w|
        f = ad::outer(a, b); jvp = ad::outer_jvp(a, b, y, ta, tb);
        vjp = (ad::outer_vjp0(a, b, y, w), ad::outer_vjp1(a, b, y, w));
        at = [rnd(8, 7), vec![0.0; 7]];

    tmul_matrix_vector: (a: M<4, 3> => ta, b: V<4> => tb) |y, w|
        f = ad::tmul(a, b); jvp = ad::tmul_jvp(a, b, y, ta, tb);
        vjp = (ad::tmul_vjp0(a, b, y, w), ad::tmul_vjp1(a, b, y, w));
        at = [rnd(9, 16), vec![0.0; 16]];
    tmul_vector_vector: (a: V<3> => ta, b: V<3> => tb) |y, w|
        f = ad::tmul(a, b); jvp = ad::tmul_jvp(a, b, y, ta, tb);
        vjp = (ad::tmul_vjp0(a, b, y, w), ad::tmul_vjp1(a, b, y, w));
        at = [rnd(10, 6), vec![0.0; 6]];
    tmul_matrix_matrix: (a: M<3, 4> => ta, b: M<3, 2> => tb) |y, w|
        f = ad::tmul(a, b); jvp = ad::tmul_jvp(a, b, y, ta, tb);
        vjp = (ad::tmul_vjp0(a, b, y, w), ad::tmul_vjp1(a, b, y, w));
        at = [rnd(11, 18), vec![0.0; 18]];
    tmul_add_matrix_vector: (a: M<4, 3> => ta, b: V<4> => tb, c: V<3> => tc) |y, w|
        f = ad::tmul_add(a, b, c); jvp = ad::tmul_add_jvp(a, b, c, y, ta, tb, tc);
        vjp = (ad::tmul_add_vjp0(a, b, c, y, w), ad::tmul_add_vjp1(a, b, c, y, w),
               ad::tmul_add_vjp2(a, b, c, y, w));
        at = [rnd(12, 19), vec![0.0; 19]];
    tmul_add_vector_vector: (a: V<3> => ta, b: V<3> => tb, c: S => tc) |y, w|
        f = ad::tmul_add(a, b, c); jvp = ad::tmul_add_jvp(a, b, c, y, ta, tb, tc);
        vjp = (ad::tmul_add_vjp0(a, b, c, y, w), ad::tmul_add_vjp1(a, b, c, y, w),
               ad::tmul_add_vjp2(a, b, c, y, w));
        at = [rnd(13, 7)];
    tmul_add_matrix_matrix: (a: M<3, 4> => ta, b: M<3, 2> => tb, c: M<4, 2> => tc) |y, w|
        f = ad::tmul_add(a, b, c); jvp = ad::tmul_add_jvp(a, b, c, y, ta, tb, tc);
        vjp = (ad::tmul_add_vjp0(a, b, c, y, w), ad::tmul_add_vjp1(a, b, c, y, w),
               ad::tmul_add_vjp2(a, b, c, y, w));
        at = [rnd(14, 26)];
}

/// `mul_jvp` for every pair `*` takes, pulled back by `mul_vjp0`/`mul_vjp1`.
macro_rules! mul_tests {
    ($($name:ident: $ma:ty, $mb:ty, $seed:expr;)*) => {
        jvp_tests! {$(
            $name: (a: $ma => ta, b: $mb => tb) |y, w|
                f = a * b; jvp = ad::mul_jvp(a, b, y, ta, tb);
                vjp = (ad::mul_vjp0(a, b, y, w), ad::mul_vjp1(a, b, y, w));
                at = [rnd($seed, <$ma as jvp_check::Build>::LEN + <$mb as jvp_check::Build>::LEN),
                      vec![0.0; <$ma as jvp_check::Build>::LEN + <$mb as jvp_check::Build>::LEN]];
        )*}
    };
}

mul_tests! {
    mul_scalar_scalar: S, S, 20;
    mul_vector_scalar: V<3>, S, 21;
    mul_row_vector_scalar: R<3>, S, 22;
    mul_matrix_scalar: M<2, 3>, S, 23;
    mul_matrix_vector: M<3, 4>, V<4>, 24;
    mul_matrix_matrix: M<3, 4>, M<4, 2>, 25;
    mul_row_vector_vector: R<4>, V<4>, 26;
    mul_vector_row_vector: V<3>, R<4>, 27;
    mul_row_vector_matrix: R<3>, M<3, 4>, 28;
    mul_vector_hadamard: V<4>, V<4>, 29;
    mul_row_vector_hadamard: R<4>, R<4>, 30;
    mul_square_matrix: M<3, 3>, M<3, 3>, 31;
}

jvp_tests! {
    // `D * Vector<D, N>` does not exist (orphan rules): the dual side
    // computes the same product as `v * s`.
    mul_scalar_vector: (a: S => ta, b: V<3> => tb) |y, w|
        f = a * b; oracle = b * a; jvp = ad::mul_jvp(a, b, y, ta, tb);
        vjp = (ad::mul_vjp0(a, b, y, w), ad::mul_vjp1(a, b, y, w));
        at = [rnd(32, 4), vec![0.0; 4]];
    mul_scalar_matrix: (a: S => ta, b: M<2, 3> => tb) |y, w|
        f = a * b; oracle = b * a; jvp = ad::mul_jvp(a, b, y, ta, tb);
        vjp = (ad::mul_vjp0(a, b, y, w), ad::mul_vjp1(a, b, y, w));
        at = [rnd(33, 7)];
    // `a * a`, one node twice: the macro passes the same tangent twice.
    mul_same_matrix: (a: M<3, 3> => ta) |y, w|
        f = a * a; jvp = ad::mul_jvp(a, a, y, ta, ta); vjp = (ad::mul_vjp_same(a, a, y, w),);
        at = [rnd(34, 9)];

    div_scalar_scalar: (a: S => ta, b: S => tb) |y, w|
        f = a / b; jvp = ad::div_jvp(a, b, y, ta, tb);
        vjp = (ad::div_vjp0(a, b, y, w), ad::div_vjp1(a, b, y, w));
        at = [vec![1.5, -0.7], vec![0.0, 3.0], vec![-2.0, 1e-3], vec![1e6, 2e3]];
    div_vector_scalar: (a: V<3> => ta, b: S => tb) |y, w|
        f = a / b; jvp = ad::div_jvp(a, b, y, ta, tb);
        vjp = (ad::div_vjp0(a, b, y, w), ad::div_vjp1(a, b, y, w));
        at = [rnd(35, 4), vec![0.0, 0.0, 0.0, -0.5]];
    div_row_vector_scalar: (a: R<3> => ta, b: S => tb) |y, w|
        f = a / b; jvp = ad::div_jvp(a, b, y, ta, tb);
        vjp = (ad::div_vjp0(a, b, y, w), ad::div_vjp1(a, b, y, w));
        at = [rnd(36, 4)];
    div_matrix_scalar: (a: M<2, 3> => ta, b: S => tb) |y, w|
        f = a / b; jvp = ad::div_jvp(a, b, y, ta, tb);
        vjp = (ad::div_vjp0(a, b, y, w), ad::div_vjp1(a, b, y, w));
        at = [rnd(37, 7)];
}
