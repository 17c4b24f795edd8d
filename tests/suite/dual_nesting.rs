//! Forward-over-reverse through the macro: generic `#[differentiable]`
//! functions whose `f_grad` runs on `autodiff::Dual<f64>` at `x + ε v`,
//! giving the gradient in the real parts and the Hessian-vector product
//! `H v` in the derivative parts. Checked against the closed-form Hessians
//! times `v` and against central differences of the `f64` gradient; also
//! `f_vjp` and `f_jvp` on duals, and `Dual<f32>`.

use crate::common;

use autodiff::num_traits::{One, Zero};
use autodiff::{differentiable, softplus, Dual, Float, Vector};
use core::ops::AddAssign;

#[differentiable]
fn rosenbrock<T: Float>(x: T, y: T) -> T {
    let hundred = T::from(100.0).unwrap();
    (T::one() - x).powi(2) + hundred * (y - x * x).powi(2)
}

fn rosenbrock_hessian_closed(x: f64, y: f64) -> [[f64; 2]; 2] {
    [
        [1200.0 * x * x - 400.0 * y + 2.0, -400.0 * x],
        [-400.0 * x, 200.0],
    ]
}

/// Two arms with different Hessians; the branch is on the primal values.
#[differentiable]
fn branchy<T: Float>(x: T, y: T) -> T {
    if x * y > T::one() {
        x.powi(3) + x * y.ln()
    } else {
        (x - y).exp() + x * y
    }
}

fn branchy_hessian_closed(x: f64, y: f64) -> [[f64; 2]; 2] {
    if x * y > 1.0 {
        [[6.0 * x, 1.0 / y], [1.0 / y, -x / (y * y)]]
    } else {
        let e = (x - y).exp();
        [[e, 1.0 - e], [1.0 - e, e]]
    }
}

/// Chained Rosenbrock, an accumulating loop: a tridiagonal Hessian.
#[differentiable]
fn chained<T, const N: usize>(x: [T; N]) -> T
where
    T: Float + AddAssign,
{
    let hundred = T::from(100.0).unwrap();
    let mut f = T::zero();
    for i in 0..N - 1 {
        let r = x[i + 1] - x[i] * x[i];
        let s = T::one() - x[i];
        f += hundred * r * r + s * s;
    }
    f
}

fn chained_hessian_closed<const N: usize>(x: [f64; N]) -> [[f64; N]; N] {
    let mut h = [[0.0; N]; N];
    for i in 0..N - 1 {
        h[i][i] += 1200.0 * x[i] * x[i] - 400.0 * x[i + 1] + 2.0;
        h[i + 1][i + 1] += 200.0;
        h[i][i + 1] -= 400.0 * x[i];
        h[i + 1][i] -= 400.0 * x[i];
    }
    h
}

/// Many primitives at once, checked against differences of the gradient.
#[differentiable]
fn mixed<T: Float>(x: T, y: T) -> T {
    let a = (x * x + y * y).sqrt() + x.atan2(y) + x.hypot(y).ln();
    let b = (x.sin() * y.cos()).exp() + x.max(y).tanh() + (x / y).abs();
    a + b + x.powf(y) + x.mul_add(y, y.cbrt())
}

/// A `Vector` parameter: `softplus(w·x) + |w|²/2`, whose Hessian is
/// `σ(z)(1 - σ(z)) x xᵀ + I` at `z = w·x`.
#[differentiable(wrt(w))]
fn logistic<T: Float>(w: Vector<T, 3>, x: Vector<T, 3>) -> T {
    let half = T::from(0.5).unwrap();
    softplus(w.dot(x)) + half * w.norm_sq()
}

fn mat_vec<const N: usize>(h: [[f64; N]; N], v: [f64; N]) -> [f64; N] {
    core::array::from_fn(|i| (0..N).map(|j| h[i][j] * v[j]).sum())
}

fn seeded<const N: usize>(x: [f64; N], v: [f64; N]) -> [Dual<f64>; N] {
    core::array::from_fn(|i| Dual::new(x[i], v[i]))
}

#[track_caller]
fn check_hvp<const N: usize>(what: &str, g: [Dual<f64>; N], grad: [f64; N], hv: [f64; N]) {
    for i in 0..N {
        common::close(&format!("{what}: g[{i}]"), g[i].re, grad[i], 1e-14, 1e-12);
        common::close(&format!("{what}: (Hv)[{i}]"), g[i].eps, hv[i], 1e-12, 1e-10);
    }
}

const DIRECTIONS: [[f64; 2]; 3] = [[1.0, 0.0], [0.0, 1.0], [0.3, -1.7]];

#[test]
fn rosenbrock_hvp_by_dual() {
    for [x, y] in [[-1.2, 1.0], [1.0, 1.0], [0.5, -0.25], [0.0, 0.0]] {
        let (_, gx, gy) = rosenbrock_grad(x, y);
        for v in DIRECTIONS {
            let [dx, dy] = seeded([x, y], v);
            let (f, hx, hy) = rosenbrock_grad(dx, dy);
            assert_eq!(f.re, rosenbrock(x, y), "the value, bit for bit");
            let what = format!("rosenbrock at ({x}, {y}) along {v:?}");
            check_hvp(
                &what,
                [hx, hy],
                [gx, gy],
                mat_vec(rosenbrock_hessian_closed(x, y), v),
            );
            // The value's own tangent is the directional derivative g·v.
            common::close(&what, f.eps, gx * v[0] + gy * v[1], 1e-14, 1e-12);
        }
    }
}

#[test]
fn branch_hvp_follows_the_primal_arm() {
    // Both arms, and points whose tangent would cross the branch's boundary.
    for [x, y] in [[2.0, 1.5], [0.5, 0.5], [1.0, 1.0], [-2.0, 0.25], [3.0, 0.5]] {
        let (_, gx, gy) = branchy_grad(x, y);
        for v in DIRECTIONS {
            let [dx, dy] = seeded([x, y], v);
            let (_, hx, hy) = branchy_grad(dx, dy);
            let what = format!("branchy at ({x}, {y}) along {v:?}");
            check_hvp(
                &what,
                [hx, hy],
                [gx, gy],
                mat_vec(branchy_hessian_closed(x, y), v),
            );
        }
    }
}

#[test]
fn loop_hvp_is_tridiagonal() {
    let x = [-1.2, 1.0, 0.3, -0.5, 2.0];
    let (_, g) = chained_grad(x);
    let h = chained_hessian_closed(x);
    let mut dirs: Vec<[f64; 5]> = (0..5)
        .map(|i| core::array::from_fn(|j| f64::from(u8::from(i == j))))
        .collect();
    dirs.push([0.5, -1.0, 2.0, 0.25, -3.0]);
    for v in dirs {
        let (_, hv) = chained_grad(seeded(x, v));
        check_hvp(&format!("chained along {v:?}"), hv, g, mat_vec(h, v));
    }
}

/// Every row of the Hessian by `f_grad::<Dual<f64>>` along a unit vector,
/// against central differences of the `f64` gradient, and symmetric.
#[test]
fn mixed_primitives_hessian_against_differences() {
    for [x, y] in [[0.7, 1.3], [1.9, 0.4], [2.5, 2.0]] {
        let mut h = [[0.0; 2]; 2];
        for (i, row) in h.iter_mut().enumerate() {
            let v = [f64::from(u8::from(i == 0)), f64::from(u8::from(i == 1))];
            let [dx, dy] = seeded([x, y], v);
            let (_, hx, hy) = mixed_grad(dx, dy);
            *row = [hx.eps, hy.eps];
        }
        for (j, hj) in h.iter().enumerate() {
            let fd = common::fd_grad(
                |p| {
                    let (_, gx, gy) = mixed_grad(p[0], p[1]);
                    [gx, gy][j]
                },
                [x, y],
            );
            for i in 0..2 {
                let what = format!("mixed at ({x}, {y}): H[{j}][{i}]");
                common::close(&what, hj[i], fd[i], 1e-6, 1e-6);
            }
        }
        common::close("mixed: symmetric", h[0][1], h[1][0], 1e-12, 1e-12);
    }
}

#[test]
fn vector_parameter_hvp() {
    let (w, x) = ([0.3, -0.8, 1.1], [1.0, 2.0, -0.5]);
    let v = [0.4, 1.0, -2.0];
    let z: f64 = (0..3).map(|i| w[i] * x[i]).sum();
    let s = 1.0 / (1.0 + (-z).exp());
    let xv: f64 = (0..3).map(|i| x[i] * v[i]).sum();
    let (_, g) = logistic_grad(
        Vector::from(seeded(w, v)),
        Vector::from(x.map(Dual::constant)),
    );
    for i in 0..3 {
        let hv = s * (1.0 - s) * xv * x[i] + v[i];
        common::close(
            &format!("logistic: g[{i}]"),
            g[i].re,
            s * x[i] + w[i],
            1e-14,
            1e-14,
        );
        common::close(&format!("logistic: (Hv)[{i}]"), g[i].eps, hv, 1e-14, 1e-14);
    }
}

/// `f_vjp` with a dual seed and `f_jvp` on duals (forward over forward).
#[test]
fn vjp_and_jvp_on_duals() {
    let (x, y) = (-1.2, 1.0);
    let h = rosenbrock_hessian_closed(x, y);
    let (_, gx, gy) = rosenbrock_grad(x, y);
    let seed = Dual::constant(2.0);
    let (_, vx, vy) = rosenbrock_vjp(Dual::new(x, 1.0), Dual::constant(y), seed);
    check_hvp(
        "vjp",
        [vx, vy],
        [2.0 * gx, 2.0 * gy],
        [2.0 * h[0][0], 2.0 * h[1][0]],
    );
    // jvp along u = (1, 0), itself differentiated along w = (0, 1): the
    // tangent part of the tangent is uᵀ H w.
    let (f, t) = rosenbrock_jvp(
        Dual::new(x, 0.0),
        Dual::new(y, 1.0),
        Dual::one(),
        Dual::zero(),
    );
    assert_eq!(f.re, rosenbrock(x, y));
    common::close("jvp: g·u", t.re, gx, 1e-14, 1e-12);
    common::close("jvp: uᵀHw", t.eps, h[0][1], 1e-14, 1e-12);
}

#[test]
fn f32_hvp() {
    let (x, y) = (-1.2f32, 1.0f32);
    let h = rosenbrock_hessian_closed(f64::from(x), f64::from(y));
    let (_, hx, hy) = rosenbrock_grad(Dual::new(x, 0.3), Dual::new(y, -1.7));
    let hv = mat_vec(h, [0.3, -1.7]);
    common::close(
        "f32 rosenbrock (Hv)[0]",
        f64::from(hx.eps),
        hv[0],
        1e-5,
        1e-3,
    );
    common::close(
        "f32 rosenbrock (Hv)[1]",
        f64::from(hy.eps),
        hv[1],
        1e-5,
        1e-3,
    );
}
