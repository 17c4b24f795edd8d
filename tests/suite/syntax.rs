//! Every form of function body and signature `#[differentiable]` accepts,
//! each differentiated and compared with finite differences (and with the
//! gradient worked out by hand where that is short).

use crate::common;

use autodiff::{differentiable, Float};
use common::fd_grad;

/// Checks `grad` against finite differences of `f` at `x`, and `value`
/// against `f(x)`.
#[track_caller]
fn check_fd<const N: usize>(
    name: &str,
    f: impl Fn([f64; N]) -> f64,
    x: [f64; N],
    value: f64,
    grad: [f64; N],
) {
    assert_eq!(value, f(x), "{name}: value at {x:?}");
    let fd = fd_grad(&f, x);
    for i in 0..N {
        let tol = 1e-7 * grad[i].abs().max(fd[i].abs()).max(1.0);
        assert!(
            (grad[i] - fd[i]).abs() <= tol,
            "{name} at {x:?}: d/dx{i} = {:e}, finite differences {:e}",
            grad[i],
            fd[i]
        );
    }
}

// ---------------------------------------------------------------------------
// Bindings.

#[differentiable]
fn shadowing(x: f64, y: f64) -> f64 {
    let z = x * y;
    let z = z.sin() + x;
    // A local shadows a parameter from here on.
    let x = z * 2.0;
    let y = {
        let y = x + y;
        y * y
    };
    x + y + z
}

#[test]
fn shadowing_and_locals() {
    for p in [[0.3, 0.7], [-1.2, 2.0], [2.0, -0.5]] {
        let (v, dx, dy) = shadowing_grad(p[0], p[1]);
        check_fd("shadowing", |q| shadowing(q[0], q[1]), p, v, [dx, dy]);
    }
}

#[differentiable]
#[allow(clippy::assign_op_pattern)]
fn let_mut(x: f64, y: f64) -> f64 {
    let mut acc = x;
    acc = acc * y;
    acc = acc + x.sin();
    let mut other = 1.5;
    other = other * acc - y;
    acc = acc * other;
    acc
}

#[differentiable]
fn compound(x: f64, y: f64) -> f64 {
    let mut a = x;
    a += y;
    a *= x;
    a -= y * 0.5;
    a /= y;
    a += 1.0;
    a *= a;
    a
}

/// An accumulator that starts as a literal.
#[differentiable]
fn accumulate(x: [f64; 3]) -> f64 {
    let mut s = 0.0;
    s += x[0];
    s += x[1] * x[1];
    s -= x[2].exp();
    s *= 2.0;
    s /= 3.0;
    s
}

#[test]
fn mutation() {
    for p in [[0.3, 0.7], [-1.2, 2.0], [2.0, -0.5]] {
        let (v, dx, dy) = let_mut_grad(p[0], p[1]);
        check_fd("let_mut", |q| let_mut(q[0], q[1]), p, v, [dx, dy]);
        let (v, dx, dy) = compound_grad(p[0], p[1]);
        check_fd("compound", |q| compound(q[0], q[1]), p, v, [dx, dy]);
    }
    let p = [0.5, -1.0, 0.25];
    let (v, d) = accumulate_grad(p);
    check_fd("accumulate", accumulate, p, v, d);
    // By hand: (2/3) (x0 + x1² - e^x2).
    assert_eq!(d[0], 2.0 / 3.0);
    assert!((d[1] - 2.0 / 3.0 * 2.0 * p[1]).abs() < 1e-15);
}

#[differentiable]
fn tuples(x: [f64; 3]) -> f64 {
    let (a, b) = (x[0], x[1]);
    let ((c, d), _) = ((x[2] * a, b - a), x[0]);
    let (e, f): (f64, f64) = (c.sin(), d.exp());
    let (g, (h, i)) = (a * b, (e + f, c / f));
    a * b + c * d + e / f + g * h - i
}

/// Tuple let as a swap: the right-hand side is read before binding.
#[differentiable]
fn tuple_swap(x: f64, y: f64) -> f64 {
    let (a, b) = (x, y);
    let (a, b) = (b, a * b);
    let (a, b) = (b - a, a);
    a * 3.0 + b
}

#[test]
fn tuple_patterns() {
    for p in [[0.3, 0.7, -0.2], [1.5, -1.0, 2.0]] {
        let (v, d) = tuples_grad(p);
        check_fd("tuples", tuples, p, v, d);
    }
    // a = xy - y, b = y: 3(xy - y) + y.
    let (v, dx, dy) = tuple_swap_grad(2.0, 5.0);
    assert_eq!((v, dx, dy), (20.0, 15.0, 4.0));
}

#[differentiable]
#[allow(clippy::assign_op_pattern)]
fn nested_blocks(x: f64, y: f64) -> f64 {
    let z = {
        let t = x * y;
        let u = {
            let v = t.sin();
            v * v
        };
        u + t
    };
    let w = { z * 2.0 } + { { x * 1.5 }.sin() };
    let mut acc = w;
    let r = {
        // Assigning an outer variable from an inner block.
        acc = acc * y;
        acc + 1.0
    };
    z * w + acc * r
}

#[test]
fn blocks() {
    for p in [[0.3, 0.7], [-1.2, 2.0]] {
        let (v, dx, dy) = nested_blocks_grad(p[0], p[1]);
        check_fd(
            "nested_blocks",
            |q| nested_blocks(q[0], q[1]),
            p,
            v,
            [dx, dy],
        );
    }
}

// ---------------------------------------------------------------------------
// Constants, literals and casts.

const K: f64 = 2.5;
const KI: i32 = 3;
const IDX: usize = 1;

#[differentiable]
fn consts(x: f64) -> f64 {
    const C: f64 = 0.5;
    let pi = std::f64::consts::PI;
    K * x.powi(KI) + C * (pi * x).sin() + core::f64::consts::E * x + f64::EPSILON * x
}

#[differentiable]
fn literals(x: f64) -> f64 {
    5f64.sqrt() * x + 1e4 * x * 1e-4 + 2.0_f64.ln() + 1_000.5 * x - 0.5f64 * x * x + 2. * x
}

#[differentiable]
fn casts(x: f64, n: i32, m: usize) -> f64 {
    let nf = n as f64;
    x.powi(n) * nf + (m as f64) * x + f64::from(KI) / x + ((n + 1) as f64).sqrt() * x
}

#[test]
fn constants() {
    for x in [0.3, -1.7, 2.0] {
        let (v, d) = consts_grad(x);
        check_fd("consts", |q| consts(q[0]), [x], v, [d]);
        let pi = std::f64::consts::PI;
        let want = 3.0 * K * x * x + 0.5 * pi * (pi * x).cos() + std::f64::consts::E + f64::EPSILON;
        assert!((d - want).abs() < 1e-13 * want.abs().max(1.0));

        let (v, d) = literals_grad(x);
        check_fd("literals", |q| literals(q[0]), [x], v, [d]);
        let want = 5f64.sqrt() + 1.0 + 1000.5 - x + 2.0;
        assert!((d - want).abs() < 1e-12 * want.abs());

        for (n, m) in [(2, 3usize), (-1, 0), (0, 7)] {
            let (v, d) = casts_grad(x, n, m);
            check_fd("casts", |q| casts(q[0], n, m), [x], v, [d]);
        }
    }
}

// ---------------------------------------------------------------------------
// Array parameters, references, indices.

/// A 2-D array (differentiated) and a reference to an array (also
/// differentiated: `&[f64; 3]` is a supported shape).
#[differentiable]
fn matrix(m: [[f64; 3]; 2], v: &[f64; 3]) -> f64 {
    let r0 = m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2];
    let r1 = m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2];
    r0 * r0 + r1.tanh()
}

#[test]
fn two_dimensional() {
    let m = [[0.5, -1.0, 2.0], [0.1, 0.2, -0.3]];
    let v = [1.0, 0.5, -2.0];
    let (val, dm, dv) = matrix_grad(m, &v);
    let flat = [
        m[0][0], m[0][1], m[0][2], m[1][0], m[1][1], m[1][2], v[0], v[1], v[2],
    ];
    let f = |q: [f64; 9]| {
        matrix(
            [[q[0], q[1], q[2]], [q[3], q[4], q[5]]],
            &[q[6], q[7], q[8]],
        )
    };
    let g = [
        dm[0][0], dm[0][1], dm[0][2], dm[1][0], dm[1][1], dm[1][2], dv[0], dv[1], dv[2],
    ];
    check_fd("matrix", f, flat, val, g);
}

#[differentiable]
fn refs(x: &f64, y: &[f64; 2], z: f64) -> f64 {
    let a = *x * y[0];
    let b = x.sin() + y[1] / z;
    a * b + *x + x * 2.0
}

#[test]
fn references() {
    let (v, dx, dy, dz) = refs_grad(&0.7, &[1.5, -0.5], 2.0);
    let f = |q: [f64; 4]| refs(&q[0], &[q[1], q[2]], q[3]);
    check_fd("refs", f, [0.7, 1.5, -0.5, 2.0], v, [dx, dy[0], dy[1], dz]);
}

// When the indices of an array parameter are not all distinct integer
// literals, its gradient is accumulated element by element in place.
mod indexed {
    use super::*;

    /// Constant indices: literals, a `const`, constant arithmetic, a
    /// repeated element; and integer parameters as indices.
    #[differentiable]
    pub fn indices(x: [f64; 4], i: usize, j: usize) -> f64 {
        x[0] * x[0] + x[IDX] * x[IDX + 1] + x[3 - 1] + x[i] * x[j] + x[0usize]
    }
}
use indexed::{indices, indices_grad};

#[test]
fn indexing() {
    let x = [0.5, -1.0, 2.0, 0.25];
    for (i, j) in [(0, 0), (1, 3), (3, 3), (2, 0)] {
        let (v, d) = indices_grad(x, i, j);
        check_fd("indices", |q| indices(q, i, j), x, v, d);
    }
}

// ---------------------------------------------------------------------------
// Which parameters are differentiated.

/// `wrt` picks `w` and `b`; the input `x` and the `label` are constants.
#[differentiable(wrt(w, b))]
fn linear_loss(w: &[f64; 3], b: f64, x: &[f64; 3], label: f64) -> f64 {
    let z = w[0] * x[0] + w[1] * x[1] + w[2] * x[2] + b;
    (z - label).powi(2)
}

/// The gradients come back in parameter order, whatever the order in `wrt`.
#[differentiable(wrt(c, a))]
fn wrt_order(a: f64, b: f64, c: f64) -> f64 {
    a * b * b + c.sin()
}

#[differentiable(wrt(y))]
fn only_y(x: f64, y: f64) -> f64 {
    x.sin() * y * y
}

type Real = f64;

/// A type alias is accepted when named in `wrt`.
#[differentiable(wrt(x))]
fn alias(x: Real, k: f64) -> Real {
    x * x * k
}

#[test]
fn wrt_subsets() {
    let (w, b, x, label) = ([0.3, -0.2, 0.5], 0.1, [1.0, 2.0, -1.0], 0.7);
    let (v, dw, db) = linear_loss_grad(&w, b, &x, label);
    let f = |q: [f64; 4]| linear_loss(&[q[0], q[1], q[2]], q[3], &x, label);
    check_fd(
        "linear_loss",
        f,
        [w[0], w[1], w[2], b],
        v,
        [dw[0], dw[1], dw[2], db],
    );

    let (v, da, dc) = wrt_order_grad(1.5, 2.0, 0.3);
    assert_eq!(v, wrt_order(1.5, 2.0, 0.3));
    assert_eq!(da, 4.0);
    assert_eq!(dc, 0.3f64.cos());

    let (v, dy) = only_y_grad(0.4, 3.0);
    assert_eq!(v, only_y(0.4, 3.0));
    assert!((dy - 0.4f64.sin() * 6.0).abs() < 1e-15);

    let (v, dx) = alias_grad(3.0, 0.5);
    assert_eq!((v, dx), (4.5, 3.0));
}

/// Integer and bool parameters are constants without `wrt`.
#[differentiable]
fn int_params(x: f64, n: i32, k: u8, flag: bool) -> f64 {
    x.powi(n) * f64::from(k) + f64::from(u8::from(flag)) * x
}

#[test]
fn integer_params() {
    for (n, k, flag) in [(3, 2, true), (-2, 5, false), (0, 1, true)] {
        let (v, d) = int_params_grad(1.3, n, k, flag);
        check_fd(
            "int_params",
            |q| int_params(q[0], n, k, flag),
            [1.3],
            v,
            [d],
        );
    }
}

/// The value does not depend on `y`, `z`, `w` at all, nor on `u` (read only
/// in a computation that does not reach the result): exact zeros.
#[differentiable]
fn ignores(x: f64, y: f64, z: [f64; 2], w: [[f64; 2]; 2], u: f64) -> f64 {
    let _ = (y, w);
    let _unused = u * u * 3.0;
    x * 2.0 + z[0]
}

#[differentiable]
fn constant_value(x: f64) -> f64 {
    let _ = x * x;
    2.5
}

#[test]
fn independent_parameters_get_exact_zeros() {
    let (v, dx, dy, dz, dw, du) = ignores_grad(1.0, 2.0, [3.0, 4.0], [[5.0; 2]; 2], 6.0);
    assert_eq!(v, 5.0);
    assert_eq!(dx, 2.0);
    assert_eq!(dy, 0.0);
    assert_eq!(dz, [1.0, 0.0]);
    assert_eq!(dw, [[0.0; 2]; 2]);
    assert_eq!(du, 0.0);
    assert_eq!(constant_value_grad(3.0), (2.5, 0.0));
    assert_eq!(constant_value_vjp(3.0, 7.0), (2.5, 0.0));
}

// ---------------------------------------------------------------------------
// Generics.

#[differentiable]
fn sum_sq<T: Float, const N: usize>(x: [T; N]) -> T {
    x[0] * x[0] + x[N - 1] * x[N - 1] * T::from(N).unwrap()
}

#[differentiable]
fn with_where<T>(x: T, y: T) -> T
where
    T: Float + core::fmt::Debug,
{
    x.powf(y) + T::one() - T::zero() + T::epsilon() * x
}

#[differentiable]
fn generic_consts<T: Float>(x: T, n: u32) -> T {
    let h = T::from(100.0).unwrap();
    let k = T::from(n).unwrap();
    h * x * x + k * x + T::one()
}

/// A const-generic array by reference, held constant with `wrt`.
#[differentiable(wrt(w))]
fn dot_ends<T: Float, const N: usize>(w: [T; N], x: &[T; N]) -> T {
    w[0] * x[0] + w[N - 1] * x[N - 1] * T::from(2.0).unwrap()
}

#[test]
fn generics() {
    let (v, dw) = dot_ends_grad([1.0, 2.0, 3.0, 4.0], &[0.5, 0.0, 0.0, -1.0]);
    assert_eq!((v, dw), (-7.5, [0.5, 0.0, 0.0, -2.0]));
    let (v, dw) = dot_ends_grad([3.0f32], &[0.5]);
    assert_eq!((v, dw), (4.5, [1.5]));

    let (v, d) = sum_sq_grad([1.0, 2.0, 3.0]);
    check_fd("sum_sq<3>", sum_sq, [1.0, 2.0, 3.0], v, d);
    assert_eq!(d, [2.0, 0.0, 18.0]);
    // N = 1: x[0] and x[N - 1] are the same element; its adjoints add up.
    let (v, d) = sum_sq_grad([1.5f64]);
    assert_eq!((v, d), (4.5, [6.0]));
    let (v32, d32) = sum_sq_grad([1.0f32, 2.0, 3.0]);
    assert_eq!((v32, d32), (28.0, [2.0, 0.0, 18.0]));

    let (v, dx, dy) = with_where_grad(1.5f64, 2.5);
    check_fd(
        "with_where",
        |q| with_where(q[0], q[1]),
        [1.5, 2.5],
        v,
        [dx, dy],
    );
    let (_, dx32, _) = with_where_grad(1.5f32, 2.5);
    assert!((f64::from(dx32) - dx).abs() < 1e-5 * dx.abs());

    let (v, d) = generic_consts_grad(0.5f64, 3);
    assert_eq!((v, d), (27.5, 103.0));
    let (v, d) = generic_consts_grad(0.5f32, 3);
    assert_eq!((v, d), (27.5, 103.0));
}

// ---------------------------------------------------------------------------
// `mut` parameters, operators, `return`.

#[differentiable]
#[allow(clippy::assign_op_pattern)]
fn mut_param(mut x: f64, y: f64) -> f64 {
    x = x * y;
    x += y.sin();
    x *= x;
    x
}

#[differentiable]
#[allow(clippy::needless_return)]
fn operators(x: f64, y: f64) -> f64 {
    let a = -x;
    let b = -(x * y);
    let c = -(-y);
    let d = ((a - b) * (c + x)) / (y * y + 1.0);
    return (a - b) * -c + (-a).exp() + d;
}

/// The same subexpression written twice is computed once; its adjoint
/// collects both uses.
#[differentiable]
fn repeated(x: f64, y: f64) -> f64 {
    (x * y).sin() + (x * y).sin() * (x * y)
}

#[test]
fn operators_and_mut_params() {
    for p in [[0.3, 0.7], [-1.2, 2.0], [2.0, -0.5]] {
        let (v, dx, dy) = mut_param_grad(p[0], p[1]);
        check_fd("mut_param", |q| mut_param(q[0], q[1]), p, v, [dx, dy]);
        let (v, dx, dy) = operators_grad(p[0], p[1]);
        check_fd("operators", |q| operators(q[0], q[1]), p, v, [dx, dy]);
        let (v, dx, dy) = repeated_grad(p[0], p[1]);
        check_fd("repeated", |q| repeated(q[0], q[1]), p, v, [dx, dy]);
    }
}

// ---------------------------------------------------------------------------
// Methods.

struct Model {
    scale: f64,
    bias: f64,
}

impl Model {
    const SHIFT: f64 = 0.25;

    /// `&self` holds constants: `self.scale`, `self.bias`, `Self::SHIFT`.
    #[differentiable]
    fn loss(&self, x: f64, y: f64) -> f64 {
        let z = self.scale * x + self.bias - Self::SHIFT;
        (z - y).powi(2) + self.scale.ln() * x
    }
}

#[test]
fn methods() {
    let m = Model {
        scale: 1.5,
        bias: -0.5,
    };
    let (v, dx, dy) = m.loss_grad(0.8, 0.1);
    check_fd(
        "Model::loss",
        |q| m.loss(q[0], q[1]),
        [0.8, 0.1],
        v,
        [dx, dy],
    );
}

// ---------------------------------------------------------------------------
// The pullback: `f_vjp(args, seed)` is `seed ×` the gradient.

#[test]
fn vjp_scales_the_gradient() {
    let (x, y) = (0.6, -1.3);
    let (v, dx, dy) = nested_blocks_grad(x, y);
    for seed in [0.0, 1.0, -2.0, 0.5, 1024.0] {
        let (vs, sx, sy) = nested_blocks_vjp(x, y, seed);
        assert_eq!(vs, v);
        assert_eq!((sx, sy), (seed * dx, seed * dy));
    }
    for seed in [0.3, -7.1] {
        let (_, sx, sy) = nested_blocks_vjp(x, y, seed);
        assert!((sx - seed * dx).abs() <= 1e-15 * (seed * dx).abs());
        assert!((sy - seed * dy).abs() <= 1e-15 * (seed * dy).abs());
    }
    let (w, x3) = ([0.3, -0.2, 0.5], [1.0, 2.0, -1.0]);
    let (_, dw, db) = linear_loss_grad(&w, 0.1, &x3, 0.7);
    let (_, sw, sb) = linear_loss_vjp(&w, 0.1, &x3, 0.7, -4.0);
    assert_eq!(sw, dw.map(|d| -4.0 * d));
    assert_eq!(sb, -4.0 * db);
    let m = [[0.5, -1.0, 2.0], [0.1, 0.2, -0.3]];
    let (_, dm, dv) = matrix_grad(m, &[1.0, 0.5, -2.0]);
    let (_, sm, sv) = matrix_vjp(m, &[1.0, 0.5, -2.0], 0.25);
    assert_eq!(sm, dm.map(|r| r.map(|d| 0.25 * d)));
    assert_eq!(sv, dv.map(|d| 0.25 * d));
    let m = Model {
        scale: 2.0,
        bias: 0.0,
    };
    let (_, dx, dy) = m.loss_grad(0.3, 0.4);
    assert_eq!(
        m.loss_vjp(0.3, 0.4, 8.0),
        (m.loss(0.3, 0.4), 8.0 * dx, 8.0 * dy)
    );
}

// ---------------------------------------------------------------------------
// Known bugs. Runtime ones are `#[ignore]`d tests (run them with
// `cargo test --test suite syntax:: -- --ignored`); compile-time ones are commented
// out, each with the error it gives.

// An assignment to a `mut` parameter inside a nested block or an `if` arm
// rebinds it for the rest of the body (parameters are the outermost variables).
#[differentiable]
fn mut_param_in_block(mut x: f64) -> f64 {
    let y = {
        x *= 3.0;
        x + 1.0
    };
    x * y
}

#[differentiable]
fn mut_param_in_if(mut x: f64, c: f64) -> f64 {
    if c > 0.0 {
        x *= 3.0;
    }
    x * x
}

#[test]
fn mut_param_assigned_in_a_block() {
    // f = 3x(3x + 1) = 42 at 2, f' = 18x + 3 = 39.
    assert_eq!(mut_param_in_block(2.0), 42.0);
    assert_eq!(mut_param_in_block_grad(2.0), (42.0, 39.0));
    // f = 9x² = 36, f' = 18x = 36.
    assert_eq!(mut_param_in_if_grad(2.0, 1.0), (36.0, 36.0, 0.0));
}

// BUG: constant subexpressions are merged by their text, so integer literal
// arithmetic used both as an index (`usize`) and as a `powi` exponent
// (`i32`) is bound once (`let t3 = 2 - 1;`) and cannot have both types:
//   error[E0308]: mismatched types: expected `i32`, found `usize`
//
// #[differentiable]
// fn shared_int_literal(x: [f64; 3], y: f64) -> f64 {
//     x[2 - 1] * y.powi(2 - 1)
// }

// BUG: `const` items declared in the body are all hoisted to the top of the
// generated function, so two blocks each declaring their own `C` collide
//   error[E0428]: the name `C` is defined multiple times
// (and the two `C`s are also one node in the graph, merged by their text).
//
// #[differentiable]
// fn consts_in_two_blocks(x: f64) -> f64 {
//     let a = {
//         const C: f64 = 2.0;
//         x * C
//     };
//     let b = {
//         const C: f64 = 3.0;
//         x * C
//     };
//     a + b
// }

// LIMITATION: a local that names a constant array (here `v = xs`, with `xs`
// not differentiated) cannot be used in an opaque constant expression:
//   error: `as` casts are supported on constants only; ...
// although `xs.len() as f64` written on the parameter itself works.
//
// #[differentiable(wrt(y))]
// fn alias_of_constant_array(xs: [f64; 3], y: f64) -> f64 {
//     let v = xs;
//     let n = v.len() as f64;
//     y * n
// }

/// Method calls on constants are kept as written, even where a float
/// primitive has the same name (`max` on integers).
#[differentiable(wrt(x))]
fn integer_methods(x: [f64; 4], n: usize) -> f64 {
    let k = n.clamp(1, 3).max(1);
    x[k] * x[0].max(x[1]) + (n as f64).sqrt()
}

#[test]
fn methods_of_constants() {
    let x = [0.5, -1.0, 2.0, 0.25];
    let (v, d) = integer_methods_grad(x, 7);
    assert_eq!(v, integer_methods(x, 7));
    assert_eq!(d, [0.25, 0.0, 0.0, 0.5]);
}

/// Squares whose 2 is factored out, next to shares that are not squares:
/// a parameter carried by a loop, read by a branch, and squared twice.
#[differentiable]
fn squares_and_more(x: f64, y: f64) -> f64 {
    let mut a = x;
    for _ in 0..2 {
        a *= 1.5;
    }
    let s = x * x + (1.0 - x).powi(2) + (y - x).powi(2);
    let t = if y > 0.0 {
        y * y + (2.0 - y).powi(2)
    } else {
        y
    };
    a + s + t
}

#[test]
fn squares_factored_out() {
    for (x, y) in [(0.3, 0.7), (-1.2, -0.4), (2.0, 1.5)] {
        let (v, dx, dy) = squares_and_more_grad(x, y);
        assert_eq!(v, squares_and_more(x, y));
        let h = 1e-6;
        let fx = (squares_and_more(x + h, y) - squares_and_more(x - h, y)) / (2.0 * h);
        let fy = (squares_and_more(x, y + h) - squares_and_more(x, y - h)) / (2.0 * h);
        approx::assert_relative_eq!(dx, fx, max_relative = 1e-7);
        approx::assert_relative_eq!(dy, fy, max_relative = 1e-7);
        // The exact values: 2.25 + 2x - 2(1 - x) - 2(y - x), and 2(y - x) + branch.
        approx::assert_relative_eq!(
            dx,
            2.25 + 2.0 * x - 2.0 * (1.0 - x) - 2.0 * (y - x),
            max_relative = 1e-14
        );
        let dt = if y > 0.0 {
            2.0 * y - 2.0 * (2.0 - y)
        } else {
            1.0
        };
        approx::assert_relative_eq!(dy, 2.0 * (y - x) + dt, max_relative = 1e-14);
    }
}
