//! Spellings at the edge of the supported syntax, each once refused or
//! mistranslated.
//!
//! Raw identifiers as parameter, function and rule names: every name the
//! macros derive from one (`d_in`, `match_grad`, `fn_pullback`) drops the
//! `r#`, which is not part of the name. `fn g(r#in: f64)` once made the
//! macro panic with "`d_r#in` is not a valid identifier".
//!
//! `x.len()` of an array parameter: a compile-time constant, not a read of
//! the differentiated `x`. It was refused, in `T::from(x.len())` at the
//! `unwrap` and in `x.len() as f64` as a "differentiated cast".

use autodiff::{custom_vjp, differentiable, Float};

#[differentiable]
fn g(r#in: f64, r#type: [f64; 2]) -> f64 {
    r#in * r#type[0] + r#in.sin() * r#type[1]
}

/// A raw function name (`match_grad`, `match_vjp` come out), and a raw
/// non-keyword parameter, read as `r#x` and as `x`: one name.
#[differentiable]
fn r#match(r#x: f64, r#ref: &f64) -> f64 {
    r#x * x * *r#ref
}

/// A custom rule whose function, rule and parameter are all raw.
#[custom_vjp(r#loop)]
fn r#fn(r#in: f64) -> f64 {
    r#in.exp()
}

fn r#loop(_in: f64, value: f64, g: f64) -> f64 {
    g * value
}

/// `wrt` naming a raw parameter, with and without the `r#`.
#[differentiable(wrt(r#in, r#self_))]
fn with_wrt(r#in: f64, self_: f64, k: f64) -> f64 {
    r#in * k + self_
}

#[differentiable]
fn r#const(r#in: f64, r#as: f64) -> f64 {
    r#in * r#as
}

/// Raw names for a local, a loop variable and an array parameter.
#[differentiable]
fn raw_locals(r#in: f64, r#mod: [f64; 3]) -> f64 {
    let mut r#let = r#in;
    for r#for in 0..3 {
        r#let = r#let * r#mod[r#for] + r#in;
    }
    r#let
}

/// Calls through the pullbacks of the raw-named functions above.
#[differentiable]
fn calls_raw(r#box: f64) -> f64 {
    r#const(r#box, 2.0 * r#box) + r#fn(r#box)
}

#[test]
fn raw_identifiers() {
    let (v, di, dt) = g_grad(0.5, [2.0, 3.0]);
    assert_eq!(v, g(0.5, [2.0, 3.0]));
    assert_eq!(di, 2.0 + 0.5f64.cos() * 3.0);
    assert_eq!(dt, [0.5, 0.5f64.sin()]);

    assert_eq!(match_grad(3.0, &2.0), (18.0, 12.0, 9.0));
    assert_eq!(match_vjp(3.0, &2.0, 0.5), (18.0, 6.0, 4.5));

    let (v, (d,)) = fn_derivatives::pullback(0.0, 2.0);
    assert_eq!((v, d), (1.0, 2.0));

    assert_eq!(with_wrt_grad(2.0, 1.0, 5.0), (11.0, 5.0, 1.0));

    // ((x a0 + x) a1 + x) a2 + x = x (a0 a1 a2 + a1 a2 + a2 + 1)
    let (v, dx, da) = raw_locals_grad(2.0, [1.0, 2.0, 3.0]);
    assert_eq!(v, raw_locals(2.0, [1.0, 2.0, 3.0]));
    assert_eq!(dx, 6.0 + 6.0 + 3.0 + 1.0);
    assert_eq!(
        da,
        [2.0 * 2.0 * 3.0, (2.0 + 2.0) * 3.0, (2.0 + 2.0) * 2.0 + 2.0]
    );

    let x = 0.25;
    let (v, d) = calls_raw_grad(x);
    assert_eq!(v, calls_raw(x));
    let expected = 4.0 * x + x.exp();
    assert!((d - expected).abs() < 1e-12, "{d} vs {expected}");
}

/// The mean, its length read both ways the issue reported.
#[differentiable]
fn mean_of<T: Float>(x: [T; 4]) -> T {
    let mut s = T::zero();
    for i in 0..4 {
        s = s + x[i];
    }
    s / T::from(x.len()).unwrap()
}

#[differentiable]
fn mean_cast(x: [f64; 3], y: f64) -> f64 {
    let n = x.len() as f64;
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * y;
    }
    s / n + y * (x.len() as f64)
}

#[test]
fn length_of_an_array_parameter_is_a_constant() {
    let (v, d) = mean_of_grad([1.0, 2.0, 3.0, 6.0]);
    assert_eq!((v, d), (3.0, [0.25; 4]));
    let (v, dx, dy) = mean_cast_grad([1.0, 2.0, 3.0], 2.0);
    assert_eq!(v, mean_cast([1.0, 2.0, 3.0], 2.0));
    assert_eq!(dx, [2.0 / 3.0; 3]);
    assert_eq!(dy, 2.0 + 3.0);
}
