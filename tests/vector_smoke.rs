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
