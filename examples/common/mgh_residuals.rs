//! Least-squares problems from Moré, Garbow & Hillstrom, "Testing
//! Unconstrained Optimization Software", ACM TOMS 7(1), 1981, written as
//! residual vectors `r(x)` (the objective is `f = ‖r‖²`, MGH's convention)
//! for `#[differentiable]`, whose `_jacobian` gives `(r, ∂r/∂x)`; their
//! standard starting points and published minima; and a Levenberg–Marquardt
//! solver. Shared (via `#[path]`) by `examples/least_squares.rs`,
//! `tests/suite/examples_check.rs` and `benches/jacobians.rs`.

#![allow(dead_code)]
// Matrix algebra on small arrays reads best with indices.
#![allow(clippy::needless_range_loop)]

use autodiff::differentiable;

/// MGH 1, Rosenbrock (m = n = 2): `f* = 0` at `(1, 1)`.
#[differentiable]
pub fn rosenbrock(x: [f64; 2]) -> [f64; 2] {
    [10.0 * (x[1] - x[0] * x[0]), 1.0 - x[0]]
}

/// MGH 2, Freudenstein and Roth (m = n = 2): `f* = 0` at `(5, 4)`, and a
/// local minimum `f = 48.9842…` at `(11.41…, −0.8968…)`.
#[differentiable]
pub fn freudenstein_roth(x: [f64; 2]) -> [f64; 2] {
    let (x1, x2) = (x[0], x[1]);
    [
        -13.0 + x1 + ((5.0 - x2) * x2 - 2.0) * x2,
        -29.0 + x1 + ((x2 + 1.0) * x2 - 14.0) * x2,
    ]
}

/// MGH 5, Beale (m = 3, n = 2): `f* = 0` at `(3, 0.5)`.
#[differentiable]
pub fn beale(x: [f64; 2]) -> [f64; 3] {
    let (x1, x2) = (x[0], x[1]);
    [
        1.5 - x1 * (1.0 - x2),
        2.25 - x1 * (1.0 - x2 * x2),
        2.625 - x1 * (1.0 - x2 * x2 * x2),
    ]
}

/// MGH 6, Jennrich and Sampson with m = 10 (n = 2):
/// `r_i = 2 + 2i − (e^{i x1} + e^{i x2})`; `f* = 124.362…` at
/// `x1 = x2 = 0.2578…`. Written with a loop into a local array.
#[differentiable]
pub fn jennrich_sampson(x: [f64; 2]) -> [f64; 10] {
    let mut r = [0.0; 10];
    for i in 0..10 {
        let k = (i + 1) as f64;
        r[i] = 2.0 + 2.0 * k - ((k * x[0]).exp() + (k * x[1]).exp());
    }
    r
}

/// MGH 12, Box three-dimensional with m = 10 (n = 3):
/// `r_i = e^{−t x1} − e^{−t x2} − x3 (e^{−t} − e^{−10t})`, `t = 0.1 i`;
/// `f* = 0` at `(1, 10, 1)` (also at `(10, 1, −1)` and on `x1 = x2, x3 = 0`).
#[differentiable]
pub fn box_3d(x: [f64; 3]) -> [f64; 10] {
    let mut r = [0.0; 10];
    for i in 0..10 {
        let t = 0.1 * (i + 1) as f64;
        r[i] = (-t * x[0]).exp() - (-t * x[1]).exp() - x[2] * ((-t).exp() - (-10.0 * t).exp());
    }
    r
}

/// [`jennrich_sampson`] and its Jacobian by hand: row i is
/// `(−i e^{i x1}, −i e^{i x2})`.
#[inline]
pub fn jennrich_sampson_jacobian_hand(x: [f64; 2]) -> ([f64; 10], [[f64; 2]; 10]) {
    let mut r = [0.0; 10];
    let mut j = [[0.0; 2]; 10];
    for i in 0..10 {
        let k = (i + 1) as f64;
        let (e1, e2) = ((k * x[0]).exp(), (k * x[1]).exp());
        r[i] = 2.0 + 2.0 * k - (e1 + e2);
        j[i] = [-k * e1, -k * e2];
    }
    (r, j)
}

/// [`box_3d`] and its Jacobian by hand: row i is
/// `(−t e^{−t x1}, t e^{−t x2}, −(e^{−t} − e^{−10t}))`.
#[inline]
pub fn box_3d_jacobian_hand(x: [f64; 3]) -> ([f64; 10], [[f64; 3]; 10]) {
    let mut r = [0.0; 10];
    let mut j = [[0.0; 3]; 10];
    for i in 0..10 {
        let t = 0.1 * (i + 1) as f64;
        let (e1, e2) = ((-t * x[0]).exp(), (-t * x[1]).exp());
        let c = (-t).exp() - (-10.0 * t).exp();
        r[i] = e1 - e2 - x[2] * c;
        j[i] = [-t * e1, t * e2, -c];
    }
    (r, j)
}

/// What a run of [`levenberg_marquardt`] ended with.
#[derive(Clone, Copy, Debug)]
pub struct Solution<const N: usize> {
    pub x: [f64; N],
    /// `‖r(x)‖²`, MGH's `f`.
    pub f: f64,
    /// Accepted steps.
    pub iterations: usize,
    /// Residual and Jacobian evaluations.
    pub evaluations: usize,
    /// A stopping test was met before the iteration limit.
    pub stopped: bool,
}

fn norm_sq(v: &[f64]) -> f64 {
    v.iter().map(|a| a * a).sum()
}

/// Solves the `N × N` system `a δ = b` by Gaussian elimination with partial
/// pivoting; `None` if `a` is singular.
pub fn solve<const N: usize>(mut a: [[f64; N]; N], mut b: [f64; N]) -> Option<[f64; N]> {
    for c in 0..N {
        let p = (c..N).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))?;
        if a[p][c] == 0.0 || !a[p][c].is_finite() {
            return None;
        }
        a.swap(c, p);
        b.swap(c, p);
        for i in c + 1..N {
            let m = a[i][c] / a[c][c];
            for k in c..N {
                a[i][k] -= m * a[c][k];
            }
            b[i] -= m * b[c];
        }
    }
    let mut x = [0.0; N];
    for i in (0..N).rev() {
        let s: f64 = (i + 1..N).map(|k| a[i][k] * x[k]).sum();
        x[i] = (b[i] - s) / a[i][i];
    }
    Some(x)
}

/// Levenberg–Marquardt with Marquardt's scaling (the damping is `λ` times
/// the diagonal of `JᵀJ`) and Nielsen's update of `λ`, on
/// `jac(x) = (r(x), ∂r/∂x)`, such as a `#[differentiable]` function's
/// `_jacobian`. Stops when the gradient `Jᵀr` is small against `1 + f`, when
/// a step no longer changes `x`, or after `max_iter` steps.
pub fn levenberg_marquardt<const N: usize, const M: usize>(
    jac: impl Fn([f64; N]) -> ([f64; M], [[f64; N]; M]),
    x0: [f64; N],
    max_iter: usize,
) -> Solution<N> {
    let mut x = x0;
    let (mut r, mut j) = jac(x);
    let mut f = norm_sq(&r);
    let mut evaluations = 1;
    let mut lambda = 1e-3;
    let mut nu = 2.0;
    let mut iterations = 0;
    let mut stopped = false;
    while iterations < max_iter && evaluations < 50 * max_iter {
        // Normal equations: (JᵀJ + λ diag(JᵀJ)) δ = −Jᵀr.
        let mut jtj = [[0.0; N]; N];
        let mut g = [0.0; N];
        for m in 0..M {
            for a in 0..N {
                g[a] += j[m][a] * r[m];
                for b in 0..N {
                    jtj[a][b] += j[m][a] * j[m][b];
                }
            }
        }
        let gmax = g.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        if gmax <= 1e-12 * (1.0 + f) {
            stopped = true;
            break;
        }
        let mut a = jtj;
        for (k, row) in a.iter_mut().enumerate() {
            row[k] += lambda * jtj[k][k].max(1e-12);
        }
        let Some(step) = solve(a, g.map(|v| -v)) else {
            lambda *= nu;
            nu *= 2.0;
            continue;
        };
        let trial: [f64; N] = core::array::from_fn(|k| x[k] + step[k]);
        let (rt, jt) = jac(trial);
        evaluations += 1;
        let ft = norm_sq(&rt);
        // Gain ratio: actual reduction over the reduction the linear model
        // predicts, δᵀ(λ D δ − g) (for f = ‖r‖², twice that of ½‖r‖²).
        let predicted: f64 = (0..N)
            .map(|k| step[k] * (lambda * jtj[k][k].max(1e-12) * step[k] - g[k]))
            .sum();
        let rho = (f - ft) / predicted;
        if ft.is_finite() && ft < f && rho > 0.0 {
            let small = (0..N).all(|k| step[k].abs() <= 1e-14 * (1.0 + x[k].abs()));
            x = trial;
            (r, j, f) = (rt, jt, ft);
            iterations += 1;
            lambda *= (1.0f64 / 3.0).max(1.0 - (2.0 * rho - 1.0).powi(3));
            nu = 2.0;
            if small {
                stopped = true;
                break;
            }
        } else {
            let small = (0..N).all(|k| step[k].abs() <= 1e-15 * (1.0 + x[k].abs()));
            if small {
                stopped = true;
                break;
            }
            lambda *= nu;
            nu *= 2.0;
        }
    }
    Solution {
        x,
        f,
        iterations,
        evaluations,
        stopped,
    }
}

/// A problem's published minimum (MGH 1981, and for Freudenstein–Roth's
/// local minimum the digits of later reproductions).
#[derive(Clone, Copy, Debug)]
pub struct Published<const N: usize> {
    pub name: &'static str,
    pub m: usize,
    pub x0: [f64; N],
    /// `f = ‖r‖²` at the minimum.
    pub f: f64,
    pub x: [f64; N],
    /// Which minimum this is.
    pub kind: &'static str,
}

pub const ROSENBROCK: Published<2> = Published {
    name: "Rosenbrock",
    m: 2,
    x0: [-1.2, 1.0],
    f: 0.0,
    x: [1.0, 1.0],
    kind: "global",
};

pub const FREUDENSTEIN_ROTH: Published<2> = Published {
    name: "Freudenstein-Roth",
    m: 2,
    x0: [0.5, -2.0],
    f: 48.984_253_679_24,
    x: [11.412_779_0, -0.896_805_253],
    kind: "local",
};

pub const BEALE: Published<2> = Published {
    name: "Beale",
    m: 3,
    x0: [1.0, 1.0],
    f: 0.0,
    x: [3.0, 0.5],
    kind: "global",
};

pub const JENNRICH_SAMPSON: Published<2> = Published {
    name: "Jennrich-Sampson",
    m: 10,
    x0: [0.3, 0.4],
    f: 124.362_182_355_6,
    x: [0.257_824_5, 0.257_824_5],
    kind: "global",
};

pub const BOX_3D: Published<3> = Published {
    name: "Box 3-D",
    m: 10,
    x0: [0.0, 10.0, 20.0],
    f: 0.0,
    x: [1.0, 10.0, 1.0],
    kind: "global",
};

/// The solution matches the published minimum: `f` to 1e-8 relative (1e-16
/// absolute for `f* = 0`) and `x` to 1e-5 relative.
pub fn matches<const N: usize>(s: &Solution<N>, p: &Published<N>) -> bool {
    let f_ok = (s.f - p.f).abs() <= 1e-8 * p.f.abs() + 1e-16;
    let x_ok = (0..N).all(|k| (s.x[k] - p.x[k]).abs() <= 1e-5 * (1.0 + p.x[k].abs()));
    f_ok && x_ok
}
