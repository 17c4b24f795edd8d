//! `Matrix` and `Vector` parameters: a softmax cross-entropy layer and the
//! fused transposed products (`a.t() * u`), against finite differences.

use approx::assert_relative_eq;
use autodiff::{differentiable, sigmoid, softmax_cross_entropy, Matrix, Vector};

#[differentiable(wrt(w, b))]
fn layer_loss(w: Matrix<f64, 4, 3>, b: Vector<f64, 3>, x: Vector<f64, 4>, label: usize) -> f64 {
    softmax_cross_entropy(w.t() * x + b, label)
}

#[differentiable(wrt(w, b))]
fn seed_layer(w: Matrix<f64, 4, 3>, b: Vector<f64, 3>, x: Vector<f64, 4>) -> Vector<f64, 3> {
    sigmoid(w.t() * x + b)
}

#[test]
fn layer() {
    let w = Matrix::from([
        [0.1, -0.2, 0.3],
        [0.0, 0.5, -0.1],
        [0.2, 0.2, 0.2],
        [-0.3, 0.1, 0.0],
    ]);
    let b = Vector::from([0.1, 0.0, -0.1]);
    let x = Vector::from([1.0, 2.0, -1.0, 0.5]);
    let (v, dw, db) = layer_loss_grad(w, b, x, 2);
    assert_relative_eq!(v, layer_loss(w, b, x, 2));
    let h = 1e-6;
    for j in 0..3 {
        let (mut bp, mut bm) = (b, b);
        bp[j] += h;
        bm[j] -= h;
        let want = (layer_loss(w, bp, x, 2) - layer_loss(w, bm, x, 2)) / (2.0 * h);
        assert_relative_eq!(db[j], want, max_relative = 1e-6);
        for i in 0..4 {
            let (mut wp, mut wm) = (w, w);
            wp[(i, j)] += h;
            wm[(i, j)] -= h;
            let want = (layer_loss(wp, b, x, 2) - layer_loss(wm, b, x, 2)) / (2.0 * h);
            assert_relative_eq!(dw[(i, j)], want, max_relative = 1e-6);
        }
    }
    let seed = Vector::from([0.3, -1.0, 0.2]);
    let (a, _dw, db) = seed_layer_vjp(w, b, x, seed);
    assert_relative_eq!(a[0], seed_layer(w, b, x)[0]);
    let _ = db;
    assert!(seed_layer_graph().starts_with("digraph seed_layer"));
}

/// `a.t() * b` is emitted as one fused product for every pair of shapes.
#[differentiable]
fn transposed_products(
    a: Matrix<f64, 3, 2>,
    m: Matrix<f64, 3, 2>,
    u: Vector<f64, 3>,
    v: Vector<f64, 3>,
) -> f64 {
    let p = a.t() * m; // 2 × 2
    let q = a.t() * u; // 2
    (p * q).sum() + u.t() * v
}

#[test]
fn fused_transpose_products() {
    let a = Matrix::from([[0.3, -0.2], [0.1, 0.5], [-0.4, 0.2]]);
    let m = Matrix::from([[1.0, 0.5], [-0.3, 0.2], [0.7, -1.1]]);
    let u = Vector::from([0.2, -0.6, 1.3]);
    let v = Vector::from([1.5, 0.4, -0.9]);
    let (val, da, dm, du, dv) = transposed_products_grad(a, m, u, v);
    assert_relative_eq!(val, transposed_products(a, m, u, v));
    let h = 1e-6;
    let f = transposed_products;
    for i in 0..3 {
        for j in 0..2 {
            let (mut ap, mut am) = (a, a);
            ap[(i, j)] += h;
            am[(i, j)] -= h;
            assert_relative_eq!(
                da[(i, j)],
                (f(ap, m, u, v) - f(am, m, u, v)) / (2.0 * h),
                max_relative = 1e-6
            );
            let (mut mp, mut mm) = (m, m);
            mp[(i, j)] += h;
            mm[(i, j)] -= h;
            assert_relative_eq!(
                dm[(i, j)],
                (f(a, mp, u, v) - f(a, mm, u, v)) / (2.0 * h),
                max_relative = 1e-6
            );
        }
        let (mut up, mut um) = (u, u);
        up[i] += h;
        um[i] -= h;
        assert_relative_eq!(
            du[i],
            (f(a, m, up, v) - f(a, m, um, v)) / (2.0 * h),
            max_relative = 1e-6
        );
        let (mut vp, mut vm) = (v, v);
        vp[i] += h;
        vm[i] -= h;
        assert_relative_eq!(
            dv[i],
            (f(a, m, u, vp) - f(a, m, u, vm)) / (2.0 * h),
            max_relative = 1e-6
        );
    }
}
