//! Forward mode (`f_jvp`) through every construct: calls between
//! differentiated functions (free, by path, generic, methods), custom
//! rules, loops carrying tangents, local arrays, branches, and vectors and
//! matrices. Scalar results are checked against the dual-number oracle and
//! against the gradient (`⟨∇f, v⟩`); vector results against the pullback
//! by the adjoint identity `⟨jvp(v), w⟩ = ⟨v, vjp(w)⟩`. The primitives and
//! the trust regressions check `_jvp` too (`primitives.rs`, `regressions.rs`).

use crate::common::{Cfg, On, D64};
use autodiff::{differentiable, Float, Matrix, Vector};

fn c<T: Float>(v: f64) -> T {
    T::from(v).unwrap()
}

mod callee {
    use super::*;
    /// Called by path, with a constant second argument in one caller.
    #[differentiable]
    pub fn bump<T: Float>(x: T, k: T) -> T {
        x * x * k + k.sin()
    }
}

#[differentiable]
fn calls<T: Float>(x: T, y: T) -> T {
    callee::bump(x * y, c(2.0)) + callee::bump(y, x)
}

#[autodiff::custom_vjp(softsign_rule)]
fn softsign(x: f64) -> f64 {
    x / (1.0 + x.abs())
}

/// d/dx x/(1+|x|) = 1/(1+|x|)²
fn softsign_rule(x: f64, _value: f64, g: f64) -> f64 {
    g / ((1.0 + x.abs()) * (1.0 + x.abs()))
}

#[differentiable]
fn uses_custom(x: f64, y: f64) -> f64 {
    softsign(x * y) * y
}

/// A loop whose carried variables depend on each other and on `x`.
#[differentiable]
fn carried<T: Float>(x: T, y: T) -> T {
    let mut a = x;
    let mut b = y;
    for i in 0..4 {
        let k: T = c(i as f64 * 0.25);
        let t = a * b.cos() + k;
        b = b - a * c(0.1);
        a = t;
    }
    a * b
}

/// A local array written in a loop and a branch, then read.
#[differentiable]
fn arrays<T: Float>(x: T, y: T) -> T {
    let mut v = [T::zero(); 3];
    for i in 0..3 {
        v[i] = x * c(i as f64 + 1.0) + y;
    }
    if x > y {
        v[1] = v[0] * y;
    }
    v[0] * v[1] + v[2].exp()
}

struct Model {
    scale: f64,
}

impl Model {
    #[differentiable(wrt(x))]
    fn energy(&self, x: f64) -> f64 {
        self.scale * x * x
    }

    #[differentiable(wrt(x))]
    fn total(&self, x: f64) -> f64 {
        self.energy(x.sin()) + x
    }
}

#[test]
fn calls_custom_rules_loops_and_arrays_match_the_oracle() {
    let pts = [[0.7, -1.3], [1.9, 0.4], [-0.35, 2.2]];
    macro_rules! both {
        ($f:ident, $g:ident, $j:ident) => {
            On::<f64>::check_jvp(
                stringify!($f),
                Cfg::new().ulps(64.0),
                &pts,
                |v| {
                    let (value, dx, dy) = $g(v[0], v[1]);
                    (value, [dx, dy])
                },
                |v, t| $j(v[0], v[1], t[0], t[1]),
                |v| $f(v[0], v[1]),
            );
            On::<f32>::check_jvp(
                stringify!($f),
                Cfg::new().ulps(64.0),
                &pts,
                |v| {
                    let (value, dx, dy) = $g(v[0], v[1]);
                    (value, [dx, dy])
                },
                |v, t| $j(v[0], v[1], t[0], t[1]),
                |v| $f(v[0], v[1]),
            );
        };
    }
    both!(calls, calls_grad, calls_jvp);
    both!(carried, carried_grad, carried_jvp);
    both!(arrays, arrays_grad, arrays_jvp);
}

#[test]
fn custom_rules_and_methods() {
    for (x, y) in [(0.4, -2.0), (-1.5, 0.3)] {
        let (_, dx, dy) = uses_custom_grad(x, y);
        for (tx, ty) in [(1.0, 0.0), (0.0, 1.0), (0.6, -0.8)] {
            let (v, t) = uses_custom_jvp(x, y, tx, ty);
            assert_eq!(v, uses_custom(x, y));
            crate::common::close("custom jvp", t, dx * tx + dy * ty, 1e-15, 1e-300);
        }
    }
    let m = Model { scale: 1.5 };
    for x in [0.3, -2.0] {
        let (v, t) = m.total_jvp(x, 0.5);
        let (gv, g) = m.total_grad(x);
        assert_eq!(v, gv);
        crate::common::close("method jvp", t, 0.5 * g, 1e-15, 1e-300);
        let d = <f64 as crate::common::Prec>::dir(x, 0.5);
        let want = c::<D64>(1.5) * d.sin() * d.sin() + d;
        crate::common::close("method jvp vs dual", t, want.eps(), 1e-15, 1e-300);
    }
}

#[differentiable(wrt(w, b))]
fn layer(w: Matrix<f64, 4, 3>, b: Vector<f64, 3>, x: Vector<f64, 4>) -> Vector<f64, 3> {
    autodiff::sigmoid(w.t() * x + b)
}

#[differentiable(wrt(w, b))]
fn layer_loss(w: Matrix<f64, 4, 3>, b: Vector<f64, 3>, x: Vector<f64, 4>, label: usize) -> f64 {
    let z = w.t() * x + b;
    autodiff::softmax_cross_entropy(z, label) + z.norm_sq() * 0.01 + z.softmax().dot(b)
}

fn arr<const N: usize>(seed: f64) -> [f64; N] {
    core::array::from_fn(|i| ((i as f64 + 1.0) * seed).sin())
}

#[test]
fn vectors_and_matrices_satisfy_the_adjoint_identity() {
    let w = Matrix::new([arr::<3>(0.3), arr(0.7), arr(1.1), arr(1.9)]);
    let b = Vector::new(arr::<3>(2.3));
    let x = Vector::new(arr::<4>(0.5));
    let tw = Matrix::new([arr::<3>(-0.4), arr(0.8), arr(-1.2), arr(0.6)]);
    let tb = Vector::new(arr::<3>(-0.9));
    let seed = Vector::new(arr::<3>(1.7));
    // ⟨jvp(tw, tb), seed⟩ = ⟨tw, d_w⟩ + ⟨tb, d_b⟩ with (d_w, d_b) = vjp(seed).
    let (v, t) = layer_jvp(w, b, x, tw, tb);
    let (vv, dw, db) = layer_vjp(w, b, x, seed);
    assert_eq!(v, vv);
    let lhs = t.dot(seed);
    let rhs = autodiff::__private::inner(tw, dw) + tb.dot(db);
    crate::common::close("layer: adjoint identity", lhs, rhs, 1e-14, 1e-300);
    // A scalar loss: the tangent is ⟨∇f, t⟩.
    let (v, t) = layer_loss_jvp(w, b, x, 2, tw, tb);
    let (vg, dw, db) = layer_loss_grad(w, b, x, 2);
    assert_eq!(v, vg);
    let want = autodiff::__private::inner(tw, dw) + tb.dot(db);
    crate::common::close("layer loss: tangent vs gradient", t, want, 1e-14, 1e-300);
}

/// A function of one constant and one differentiated parameter, generic:
/// the caller's constant argument reaches a differentiated callee
/// parameter as `NoTangent`, which must be the zero of a generic `T`.
#[differentiable(wrt(x))]
fn generic_caller<T: Float>(x: T, k: T) -> T {
    callee::bump(x, k)
}

#[test]
fn a_constant_argument_of_a_generic_callee() {
    let (v, t) = generic_caller_jvp(0.5f32, 3.0, 1.0);
    assert_eq!(v, generic_caller(0.5f32, 3.0));
    assert_eq!(t, 2.0 * 0.5 * 3.0);
}

/// A custom rule of a vector with a scalar result, and one with a vector
/// result: forward mode uses the cotangent rule (once, and once per output).
#[autodiff::custom_vjp(energy_rule)]
fn energy(v: Vector<f64, 2>) -> f64 {
    v.dot(v) * 0.5
}

fn energy_rule(v: Vector<f64, 2>, _value: f64, g: f64) -> Vector<f64, 2> {
    v * g
}

#[autodiff::custom_vjp(twist_rule)]
fn twist(v: Vector<f64, 2>) -> Vector<f64, 2> {
    Vector::new([v[0] * v[1], v[0] - v[1]])
}

/// J = [[v1, v0], [1, -1]]; the pullback is Jᵀ g.
fn twist_rule(v: Vector<f64, 2>, _value: Vector<f64, 2>, g: Vector<f64, 2>) -> Vector<f64, 2> {
    Vector::new([v[1] * g[0] + g[1], v[0] * g[0] - g[1]])
}

#[differentiable]
fn uses_vector_rules(v: Vector<f64, 2>) -> f64 {
    energy(twist(v)) + energy(v)
}

#[test]
fn vector_custom_rules_in_forward_mode() {
    let v = Vector::new([0.6, -1.4]);
    let (value, g) = uses_vector_rules_grad(v);
    for t in [Vector::new([1.0, 0.0]), Vector::new([0.3, 0.8])] {
        let (vj, tj) = uses_vector_rules_jvp(v, t);
        assert_eq!(vj, value);
        crate::common::close("vector custom rules", tj, g.dot(t), 1e-15, 1e-300);
    }
}

/// The README's forward-mode example.
#[differentiable]
fn height(v0: f64, angle: f64) -> f64 {
    let (mut y, mut vy) = (0.0, v0 * angle.sin());
    for _ in 0..200 {
        y += 0.01 * vy;
        vy -= 0.01 * (9.81 + 0.1 * vy * vy.abs());
    }
    y
}

#[test]
fn readme_projectile() {
    let (h, dv) = height_jvp(30.0, 0.6, 1.0, 0.0);
    let (_, da) = height_jvp(30.0, 0.6, 0.0, 1.0);
    let (hg, gv, ga) = height_grad(30.0, 0.6);
    assert_eq!(h, hg);
    crate::common::close("projectile d/dv0", dv, gv, 1e-13, 1e-300);
    crate::common::close("projectile d/dangle", da, ga, 1e-13, 1e-300);
    let e = 1e-6;
    let fd = (height(30.0 + e, 0.6) - height(30.0 - e, 0.6)) / (2.0 * e);
    crate::common::close("projectile vs fd", dv, fd, 1e-7, 1e-300);
}
