//! Calls between differentiated functions, `#[custom_vjp]` rules, and a
//! call through a function with a `Vector` result.

use approx::assert_relative_eq;
use autodiff::differentiable;

mod nested {
    use autodiff::differentiable;
    #[differentiable]
    pub fn cube(x: f64) -> f64 {
        x * x * x
    }
}

#[differentiable]
fn scaled(x: f64, k: usize) -> f64 {
    x.sin() * k as f64
}

#[differentiable]
fn outer(x: f64, y: f64) -> f64 {
    nested::cube(x) + scaled(x * y, 3)
}

#[test]
fn composition() {
    let (x, y) = (0.7, -1.3);
    let (v, dx, dy) = outer_grad(x, y);
    assert_relative_eq!(v, outer(x, y));
    assert_relative_eq!(
        dx,
        3.0 * x * x + 3.0 * (x * y).cos() * y,
        max_relative = 1e-14
    );
    assert_relative_eq!(dy, 3.0 * (x * y).cos() * x, max_relative = 1e-14);
}

/// A function the macro cannot see into: a lookup table with interpolation.
#[autodiff::custom_vjp(softsign_vjp)]
fn softsign(x: f64) -> f64 {
    x / (1.0 + x.abs())
}

/// d/dx x/(1+|x|) = 1/(1+|x|)²
fn softsign_vjp(x: f64, _value: f64, g: f64) -> f64 {
    g / ((1.0 + x.abs()) * (1.0 + x.abs()))
}

#[differentiable]
fn uses_custom(x: f64, y: f64) -> f64 {
    softsign(x * y) * y
}

#[test]
fn custom_rule() {
    let (x, y) = (0.4, -2.0);
    let (v, dx, dy) = uses_custom_grad(x, y);
    assert_relative_eq!(v, uses_custom(x, y));
    let h = 1e-6;
    let fx = (uses_custom(x + h, y) - uses_custom(x - h, y)) / (2.0 * h);
    let fy = (uses_custom(x, y + h) - uses_custom(x, y - h)) / (2.0 * h);
    assert_relative_eq!(dx, fx, max_relative = 1e-7);
    assert_relative_eq!(dy, fy, max_relative = 1e-7);
}

mod layers {
    use autodiff::{differentiable, Matrix, Vector};

    /// A layer returning a vector, called by another differentiated function.
    #[differentiable(wrt(w, x))]
    pub fn dense(w: Matrix<f64, 3, 2>, x: Vector<f64, 3>) -> Vector<f64, 2> {
        (w.t() * x).tanh()
    }
}

#[differentiable(wrt(w, x))]
fn two_layers(w: autodiff::Matrix<f64, 3, 2>, x: autodiff::Vector<f64, 3>) -> f64 {
    let h = layers::dense(w, x);
    h.dot(h) + h.sum()
}

#[test]
fn composition_through_a_vector_valued_function() {
    use autodiff::{Matrix, Vector};
    let w = Matrix::from([[0.3, -0.2], [0.1, 0.5], [-0.4, 0.2]]);
    let x = Vector::from([0.7, -1.1, 0.4]);
    let (v, dw, dx) = two_layers_grad(w, x);
    assert_relative_eq!(v, two_layers(w, x));
    let h = 1e-6;
    for i in 0..3 {
        let (mut xp, mut xm) = (x, x);
        xp[i] += h;
        xm[i] -= h;
        let want = (two_layers(w, xp) - two_layers(w, xm)) / (2.0 * h);
        assert_relative_eq!(dx[i], want, max_relative = 1e-6);
        for j in 0..2 {
            let (mut wp, mut wm) = (w, w);
            wp[(i, j)] += h;
            wm[(i, j)] -= h;
            let want = (two_layers(wp, x) - two_layers(wm, x)) / (2.0 * h);
            assert_relative_eq!(dw[(i, j)], want, max_relative = 1e-6);
        }
    }
}
