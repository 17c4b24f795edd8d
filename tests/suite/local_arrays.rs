//! Local arrays written element by element, in straight code and in loops,
//! checked against central finite differences.

use approx::assert_relative_eq;
use autodiff::differentiable;

fn fd<const N: usize>(f: impl Fn([f64; N]) -> f64, x: [f64; N]) -> [f64; N] {
    core::array::from_fn(|k| {
        let h = 1e-6 * x[k].abs().max(1.0);
        let (mut a, mut b) = (x, x);
        a[k] += h;
        b[k] -= h;
        (f(a) - f(b)) / (2.0 * h)
    })
}

fn check<const N: usize>(
    f: impl Fn([f64; N]) -> f64,
    grad: impl Fn([f64; N]) -> (f64, [f64; N]),
    x: [f64; N],
) {
    let (v, g) = grad(x);
    assert_relative_eq!(v, f(x), max_relative = 1e-14);
    let want = fd(&f, x);
    for k in 0..N {
        assert_relative_eq!(g[k], want[k], max_relative = 1e-6, epsilon = 1e-9);
    }
}

/// The seed's layer with a local array for z, filled by a loop nest and
/// read by the loss loop.
#[differentiable]
fn layer(x: [f64; 6]) -> f64 {
    let mut z = [0.0; 3];
    for j in 0..3 {
        for i in 0..2 {
            z[j] += x[2 * j + i] * x[(2 * j + i + 1) % 6];
        }
    }
    let mut loss = 0.0;
    for j in 0..3 {
        loss += autodiff::sigmoid(z[j]).powi(2);
    }
    loss
}

/// A prefix product: each element reads the one before it, so the backward
/// loop keeps the values it read.
#[differentiable]
fn prefix(x: [f64; 5]) -> f64 {
    let mut p = [1.0; 5];
    p[0] = x[0];
    for i in 1..5 {
        p[i] = p[i - 1] * x[i].sin();
    }
    p[4] + p[2] * p[1]
}

/// Overwrites: the value that was overwritten no longer matters.
#[differentiable]
fn overwrite(x: [f64; 3]) -> f64 {
    let mut a = [x[0], x[1] * x[2], 0.0];
    a[0] *= a[1];
    a[2] = a[0].exp();
    a[1] = 2.0;
    a[0] + a[1] * a[2]
}

/// A write in a branch.
#[differentiable]
fn branchy(x: [f64; 3]) -> f64 {
    let mut a = [0.0; 3];
    for i in 0..3 {
        if x[i] > 0.0 {
            a[i] = x[i].ln();
        } else {
            a[i] = x[i] * x[i];
        }
    }
    a[0] * a[1] + a[2]
}

#[test]
fn layer_with_local_array() {
    check(layer, layer_grad, [0.3, -0.7, 1.1, 0.4, -0.2, 0.9]);
}

#[test]
fn prefix_product() {
    check(prefix, prefix_grad, [0.5, 1.2, -0.4, 2.0, 0.8]);
}

#[test]
fn overwritten_elements() {
    check(overwrite, overwrite_grad, [0.5, 1.2, -0.4]);
}

#[test]
fn writes_in_branches() {
    check(branchy, branchy_grad, [0.5, -1.2, 2.4]);
    check(branchy, branchy_grad, [-0.5, 1.2, -2.4]);
}
