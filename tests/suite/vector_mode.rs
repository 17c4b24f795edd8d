//! Vector mode: a forward-mode `_jacobian` (fewer inputs than outputs)
//! carries every column's tangent through one pass, so its value, and
//! each loop, run once. Each construct the pass walks is here: loops with
//! a branch inside, reads of the seeded array at computed and literal
//! indices, local arrays, calls to differentiated functions and to a
//! `#[custom_jvp]` rule, scalar, array and `Vector` parameters together,
//! and a Jacobian too wide for vector mode. Every Jacobian is checked
//! column by column against dual numbers (f64 and f32) and central
//! differences, at ordinary and awkward points (zeros, a branch's edge).
#![allow(clippy::needless_range_loop)]

use crate::common::{close, Prec};
use crate::jacobians::{check_rows, fd_columns, near_fd, same};

use autodiff::{custom_jvp, differentiable, Float, Vector};

fn c<T: Float>(v: f64) -> T {
    T::from(v).unwrap()
}

/// A ball dropped from height `p[0]` with speed `p[1]`: 40 Euler steps,
/// bouncing (speed reversed and damped) when it goes below the floor.
/// Height, speed and the energy lost, after the last step.
#[differentiable]
fn bounce<T: Float>(p: [T; 2]) -> [T; 3] {
    let mut y = p[0];
    let mut v = p[1];
    let mut lost = T::zero();
    for _step in 0..40 {
        v = v - c::<T>(0.4905);
        y = y + c::<T>(0.05) * v;
        if y < T::zero() {
            y = -y;
            lost = lost + c::<T>(0.19) * v * v;
            v = -v * c::<T>(0.9);
        }
    }
    [y, v, lost]
}

/// `x` read at computed indices (in a loop) and at literal ones, into a
/// local array written at both.
#[differentiable]
fn indexed<T: Float>(x: [T; 3]) -> [T; 4] {
    let mut a = [T::zero(); 4];
    let mut s = T::zero();
    for i in 0..3 {
        s = s + x[i] * x[i];
        a[i + 1] = x[i].sin() * s;
    }
    a[0] = x[0] * x[2] - s.sqrt();
    a
}

#[differentiable]
fn wave<T: Float>(a: T, b: T) -> T {
    a.sin() * b
}

/// `x / (1 + |x|)` with its tangent written by hand.
#[custom_jvp(soft_jvp)]
fn soft<T: Float>(x: T) -> T {
    x / (T::one() + x.abs())
}

fn soft_jvp<T: Float>(x: T, _value: T, t: T) -> T {
    t / ((T::one() + x.abs()) * (T::one() + x.abs()))
}

/// Calls: each lane with a tangent calls the callee's pushforward; a
/// call whose arguments have no tangent in a lane is not made for it.
#[differentiable]
fn calls<T: Float>(x: [T; 2]) -> [T; 3] {
    [
        wave(x[0], x[1]),
        soft(x[1] * c::<T>(3.0)),
        wave(x[0], c::<T>(2.0)),
    ]
}

/// A scalar, an array and a `Vector` parameter: five lanes of three kinds.
#[differentiable]
fn mixed(a: f64, x: [f64; 2], v: Vector<f64, 2>) -> [f64; 6] {
    [
        a * x[0],
        v[0] * v[1],
        x[1].sin() * a,
        v[1] + a,
        x[0] * v[0],
        a * a,
    ]
}

/// Nine inputs: more columns than vector mode carries (8), so one `_jvp`
/// per column.
#[differentiable]
fn wide<T: Float>(x: [T; 9]) -> [T; 10] {
    let mut r = [T::zero(); 10];
    for i in 0..9 {
        r[i] = x[i] * x[(i + 1) % 9] + x[i].exp();
    }
    r[9] = x[0] - x[8];
    r
}

#[test]
fn loops_with_branches_carry_every_column() {
    // From above the floor; from the floor itself; falling fast.
    for p in [[1.0, 0.0], [0.0, 0.0], [2.5, -3.0]] {
        check_rows("bounce", p, bounce_jacobian, bounce, bounce);
        let j = bounce_jacobian(p).1;
        near_fd(
            "bounce vs finite differences",
            j,
            fd_columns(p, bounce),
            1e-6,
        );
        let p = p.map(f32::of);
        check_rows("bounce", p, bounce_jacobian, bounce, bounce);
    }
}

#[test]
fn computed_and_literal_indices() {
    for x in [[0.3, -1.2, 2.0], [0.0, 0.0, 1.0], [1e3, -1e-3, 0.5]] {
        check_rows("indexed", x, indexed_jacobian, indexed, indexed);
        let j = indexed_jacobian(x).1;
        // At 1e3 the differences lose about 1e-6 to cancellation.
        near_fd(
            "indexed vs finite differences",
            j,
            fd_columns(x, indexed),
            1e-5,
        );
        let x = x.map(f32::of);
        check_rows("indexed", x, indexed_jacobian, indexed, indexed);
    }
}

#[test]
fn calls_and_custom_rules() {
    for x in [[0.7, -0.4], [0.0, 0.0], [-2.0, 5.0]] {
        check_rows("calls", x, calls_jacobian, calls, calls);
        // `soft` has a kink at 0, where differences are no oracle.
        if x[1] != 0.0 {
            let j = calls_jacobian(x).1;
            near_fd("calls vs finite differences", j, fd_columns(x, calls), 1e-7);
        }
        let x = x.map(f32::of);
        check_rows("calls", x, calls_jacobian, calls, calls);
    }
}

#[test]
fn scalar_array_and_vector_parameters() {
    let (a, x, v) = (1.5, [0.25, -2.0], [3.0, -0.5]);
    let (value, ja, jx, jv) = mixed_jacobian(a, x, Vector::from(v));
    assert_eq!(value, mixed(a, x, Vector::from(v)));
    let jv: [[f64; 2]; 6] = jv.into();
    // Closed form, row by row.
    let exact_a = [x[0], 0.0, x[1].sin(), 1.0, 0.0, 2.0 * a];
    let exact_x = [
        [a, 0.0],
        [0.0, 0.0],
        [0.0, x[1].cos() * a],
        [0.0, 0.0],
        [v[0], 0.0],
        [0.0, 0.0],
    ];
    let exact_v = [
        [0.0, 0.0],
        [v[1], v[0]],
        [0.0, 0.0],
        [0.0, 1.0],
        [x[0], 0.0],
        [0.0, 0.0],
    ];
    for r in 0..6 {
        close(&format!("d/da [{r}]"), ja[r], exact_a[r], 1e-15, 1e-300);
    }
    same("d/dx", jx, exact_x, 1e-15);
    same("d/dv", jv, exact_v, 1e-15);
    let flat = |p: [f64; 5]| mixed(p[0], [p[1], p[2]], Vector::from([p[3], p[4]]));
    let fd = fd_columns([a, x[0], x[1], v[0], v[1]], flat);
    for r in 0..6 {
        close("d/da vs fd", ja[r], fd[r][0], 1e-8, 1e-8);
        for k in 0..2 {
            close("d/dx vs fd", jx[r][k], fd[r][1 + k], 1e-8, 1e-8);
            close("d/dv vs fd", jv[r][k], fd[r][3 + k], 1e-8, 1e-8);
        }
    }
}

#[test]
fn wider_than_vector_mode() {
    let x: [f64; 9] = core::array::from_fn(|i| 0.2 * i as f64 - 0.7);
    check_rows("wide", x, wide_jacobian, wide, wide);
    let j = wide_jacobian(x).1;
    near_fd("wide vs finite differences", j, fd_columns(x, wide), 1e-7);
    check_rows("wide", x.map(f32::of), wide_jacobian, wide, wide);
}
