//! `#[custom_jvp]`: a tangent rule written by hand serves forward mode (one
//! rule call), reverse mode (one call per input, with a unit tangent), and,
//! written generically, second order; checked through `#[differentiable]`
//! callers against the dual-number oracle and finite differences.

use crate::common::{Cfg, On};
use autodiff::{custom_jvp, differentiable, Float};

/// `x / (1 + |x|)`, generic: it also runs on dual numbers.
#[custom_jvp(softsign_jvp)]
fn softsign<T: Float>(x: T) -> T {
    x / (T::one() + x.abs())
}

/// d/dx x/(1+|x|) = 1/(1+|x|)²
fn softsign_jvp<T: Float>(x: T, _value: T, t: T) -> T {
    t / ((T::one() + x.abs()) * (T::one() + x.abs()))
}

/// Two inputs, written for `f64`: `sin(xy) + x`.
#[custom_jvp(bump_jvp)]
fn bump(x: f64, y: f64) -> f64 {
    (x * y).sin() + x
}

fn bump_jvp(x: f64, y: f64, _value: f64, tx: f64, ty: f64) -> f64 {
    (x * y).cos() * (y * tx + x * ty) + tx
}

#[differentiable]
fn uses(x: f64, y: f64) -> f64 {
    softsign(x * y) * y + bump(x, y).exp()
}

fn uses_oracle<T: Float>(x: T, y: T) -> T {
    let s = x * y / (T::one() + (x * y).abs());
    s * y + ((x * y).sin() + x).exp()
}

#[differentiable]
fn uses_generic(x: f64, y: f64) -> f64 {
    softsign(x * y) * y + softsign(x - 2.0 * y)
}

fn uses_generic_oracle<T: Float>(x: T, y: T) -> T {
    let s = |u: T| u / (T::one() + u.abs());
    s(x * y) * y + s(x - T::from(2.0).unwrap() * y)
}

#[test]
fn custom_jvp_rules_in_every_mode() {
    let pts = [[0.7, 0.2], [-1.3, 0.5], [0.4, -0.9], [1.5, 1.1]];
    On::<f64>::check(
        "uses",
        Cfg::new(),
        &pts,
        |[x, y]| uses(x, y),
        |[x, y]| {
            let (v, a, b) = uses_grad(x, y);
            (v, [a, b])
        },
        |[x, y], s| {
            let (v, a, b) = uses_vjp(x, y, s);
            (v, [a, b])
        },
        |[x, y]| uses_oracle(x, y),
    );
    On::<f64>::check_jvp(
        "uses",
        Cfg::new(),
        &pts,
        |[x, y]| {
            let (v, a, b) = uses_grad(x, y);
            (v, [a, b])
        },
        |[x, y], [a, b]| uses_jvp(x, y, a, b),
        |[x, y]| uses_oracle(x, y),
    );
    On::<f64>::check_hessian(
        "uses_generic",
        Cfg::new(),
        &pts,
        |[x, y]| {
            let (v, a, b) = uses_generic_grad(x, y);
            (v, [a, b])
        },
        |[x, y]| uses_generic_hessian(x, y),
        |[x, y], [a, b]| {
            let (v, g0, g1, h0, h1) = uses_generic_hvp(x, y, a, b);
            (v, [g0, g1], [h0, h1])
        },
        On::<f64>::nested(|[x, y]| uses_generic_oracle(x, y)),
    );
}

/// A `Vector` input: reverse mode calls the tangent rule once per element.
#[custom_jvp(energy_jvp)]
fn energy(v: autodiff::Vector<f64, 3>) -> f64 {
    v.dot(v) * 0.5 + v[0] * v[2]
}

fn energy_jvp(v: autodiff::Vector<f64, 3>, _value: f64, t: autodiff::Vector<f64, 3>) -> f64 {
    v.dot(t) + t[0] * v[2] + v[0] * t[2]
}

#[differentiable]
fn uses_energy(v: autodiff::Vector<f64, 3>, s: f64) -> f64 {
    energy(v * s).sin()
}

#[test]
fn custom_jvp_of_a_vector_in_reverse_mode() {
    let v = autodiff::Vector::new([0.3, -0.7, 1.1]);
    let s = 1.3;
    let (value, dv, ds) = uses_energy_grad(v, s);
    let e = |w: [f64; 3], s: f64| {
        let u = [w[0] * s, w[1] * s, w[2] * s];
        (0.5 * (u[0] * u[0] + u[1] * u[1] + u[2] * u[2]) + u[0] * u[2]).sin()
    };
    assert!((value - e(v.to_array(), s)).abs() < 1e-15);
    let h = 1e-6;
    for i in 0..3 {
        let (mut up, mut down) = (v.to_array(), v.to_array());
        up[i] += h;
        down[i] -= h;
        let fd = (e(up, s) - e(down, s)) / (2.0 * h);
        assert!((dv[i] - fd).abs() < 1e-8, "d/dv{i}: {} vs {fd}", dv[i]);
    }
    let fd = (e(v.to_array(), s + h) - e(v.to_array(), s - h)) / (2.0 * h);
    assert!((ds - fd).abs() < 1e-8, "d/ds: {ds} vs {fd}");
    // Forward mode agrees with the gradient.
    let t = autodiff::Vector::new([0.5, 1.0, -2.0]);
    let (_, tangent) = uses_energy_jvp(v, s, t, 0.25);
    let want = dv.dot(t) + ds * 0.25;
    assert!((tangent - want).abs() < 1e-12, "{tangent} vs {want}");
}

/// A `#[custom_vjp]` rule with a `Matrix` result serves callers' forward
/// mode too: one rule call per entry.
#[autodiff::custom_vjp(gram_rule)]
fn gram(v: autodiff::Vector<f64, 2>) -> autodiff::Matrix<f64, 2, 2> {
    autodiff::Matrix::new([[v[0] * v[0], v[0] * v[1]], [v[1] * v[0], v[1] * v[1]]])
}

/// ∂(v vᵀ)ᵣ꜀/∂v = eᵣ v꜀ + v_r e꜀: the pullback is (G + Gᵀ) v.
fn gram_rule(
    v: autodiff::Vector<f64, 2>,
    _value: autodiff::Matrix<f64, 2, 2>,
    g: autodiff::Matrix<f64, 2, 2>,
) -> autodiff::Vector<f64, 2> {
    autodiff::Vector::new([
        2.0 * g[0][0] * v[0] + (g[0][1] + g[1][0]) * v[1],
        (g[0][1] + g[1][0]) * v[0] + 2.0 * g[1][1] * v[1],
    ])
}

#[differentiable]
fn uses_gram(v: autodiff::Vector<f64, 2>) -> f64 {
    let m = gram(v);
    (m * 0.5).sum().sin()
}

#[test]
fn custom_vjp_with_a_matrix_result_in_forward_mode() {
    let v = autodiff::Vector::new([0.4, -1.1]);
    let (value, g) = uses_gram_grad(v);
    let f = |a: f64, b: f64| (0.5 * (a * a + 2.0 * a * b + b * b)).sin();
    assert!((value - f(0.4, -1.1)).abs() < 1e-15);
    let t = autodiff::Vector::new([0.3, 2.0]);
    let (jv, tangent) = uses_gram_jvp(v, t);
    assert_eq!(jv, value);
    let want = g.dot(t);
    assert!((tangent - want).abs() < 1e-12, "{tangent} vs {want}");
    let h = 1e-6;
    let fd = (f(0.4 + h * 0.3, -1.1 + h * 2.0) - f(0.4 - h * 0.3, -1.1 - h * 2.0)) / (2.0 * h);
    assert!((tangent - fd).abs() < 1e-8, "{tangent} vs {fd}");
}
