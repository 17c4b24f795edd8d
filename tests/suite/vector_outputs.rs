//! `_vjp` of functions returning a `Vector` or a `Matrix`: the pullback of a
//! cotangent `s` must equal the gradient of `⟨s, f(x)⟩`, checked against
//! central finite differences for several pseudo-random cotangents.

use approx::assert_relative_eq;
use autodiff::{differentiable, sigmoid, softmax, Matrix, Vector};

#[differentiable(wrt(w, b))]
fn layer(w: Matrix<f64, 4, 3>, b: Vector<f64, 3>, x: Vector<f64, 4>) -> Vector<f64, 3> {
    sigmoid(w.t() * x + b)
}

#[differentiable]
fn probabilities(z: Vector<f64, 4>) -> Vector<f64, 4> {
    softmax(z * 2.0).exp()
}

#[differentiable]
fn outer_square(u: Vector<f64, 2>, v: Vector<f64, 3>) -> Matrix<f64, 2, 3> {
    autodiff::outer(u.tanh(), v) * u.sum()
}

/// A deterministic stream in (-1, 1).
fn stream(seed: u64) -> impl FnMut() -> f64 {
    let mut s = seed;
    move || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
    }
}

fn dot3(a: Vector<f64, 3>, b: Vector<f64, 3>) -> f64 {
    (0..3).map(|i| a[i] * b[i]).sum()
}

#[test]
fn layer_pullback_contracts_with_seeds() {
    let mut r = stream(7);
    let w = Matrix::from_fn(|_, _| r());
    let b = Vector::from_fn(|_| r());
    let x = Vector::from_fn(|_| r());
    let h = 1e-6;
    for _ in 0..4 {
        let s = Vector::from_fn(|_| r());
        let (value, dw, db) = layer_vjp(w, b, x, s);
        assert_eq!(value, layer(w, b, x));
        for j in 0..3 {
            let (mut bp, mut bm) = (b, b);
            bp[j] += h;
            bm[j] -= h;
            let want = (dot3(s, layer(w, bp, x)) - dot3(s, layer(w, bm, x))) / (2.0 * h);
            assert_relative_eq!(db[j], want, max_relative = 1e-6, epsilon = 1e-10);
            for i in 0..4 {
                let (mut wp, mut wm) = (w, w);
                wp[(i, j)] += h;
                wm[(i, j)] -= h;
                let want = (dot3(s, layer(wp, b, x)) - dot3(s, layer(wm, b, x))) / (2.0 * h);
                assert_relative_eq!(dw[(i, j)], want, max_relative = 1e-6, epsilon = 1e-10);
            }
        }
    }
}

#[test]
fn softmax_pullback_contracts_with_seeds() {
    let mut r = stream(11);
    let z = Vector::from_fn(|_| 3.0 * r());
    let h = 1e-6;
    for _ in 0..4 {
        let s: Vector<f64, 4> = Vector::from_fn(|_| r());
        let f = |z: Vector<f64, 4>| {
            let p = probabilities(z);
            (0..4).map(|i| s[i] * p[i]).sum::<f64>()
        };
        let (_, dz) = probabilities_vjp(z, s);
        for i in 0..4 {
            let (mut zp, mut zm) = (z, z);
            zp[i] += h;
            zm[i] -= h;
            assert_relative_eq!(
                dz[i],
                (f(zp) - f(zm)) / (2.0 * h),
                max_relative = 1e-6,
                epsilon = 1e-10
            );
        }
    }
}

#[test]
fn matrix_output_pullback() {
    let mut r = stream(3);
    let u = Vector::from_fn(|_| r());
    let v = Vector::from_fn(|_| r());
    let h = 1e-6;
    for _ in 0..4 {
        let s: Matrix<f64, 2, 3> = Matrix::from_fn(|_, _| r());
        let f = |u: Vector<f64, 2>, v: Vector<f64, 3>| {
            let m = outer_square(u, v);
            (0..2)
                .flat_map(|i| (0..3).map(move |j| (i, j)))
                .map(|(i, j)| s[(i, j)] * m[(i, j)])
                .sum::<f64>()
        };
        let (_, du, dv) = outer_square_vjp(u, v, s);
        for i in 0..2 {
            let (mut up, mut um) = (u, u);
            up[i] += h;
            um[i] -= h;
            assert_relative_eq!(
                du[i],
                (f(up, v) - f(um, v)) / (2.0 * h),
                max_relative = 1e-6,
                epsilon = 1e-10
            );
        }
        for j in 0..3 {
            let (mut vp, mut vm) = (v, v);
            vp[j] += h;
            vm[j] -= h;
            assert_relative_eq!(
                dv[j],
                (f(u, vp) - f(u, vm)) / (2.0 * h),
                max_relative = 1e-6,
                epsilon = 1e-10
            );
        }
    }
}
