//! Vector-valued functions and their Jacobians: results `[T; M]`, local
//! arrays returned as they are, `Vector::from([..])` built from scalars,
//! indexed `Vector` and `Matrix` parameters; `_vjp` with a seed of the
//! result's type, `_jvp`, and `_jacobian` in both of its modes (forward
//! when there are fewer inputs than outputs, reverse otherwise).
//!
//! Every Jacobian is checked column by column against num-dual's dual
//! numbers (the same generic function evaluated on `D64`/`D32` along each
//! input direction), against central finite differences, and, where one
//! exists, against the closed form.
#![allow(clippy::needless_range_loop)]

use crate::common::{close, Prec, D32, D64};
use autodiff::{differentiable, Float, Matrix, Vector};

fn c<T: Float>(v: f64) -> T {
    T::from(v).unwrap()
}

/// The unicycle motion model of an EKF: state (x, y, θ), control (v, ω).
#[differentiable(wrt(s))]
fn motion<T: Float>(s: [T; 3], u: [T; 2], dt: T) -> [T; 3] {
    let (v, w) = (u[0], u[1]);
    [
        s[0] + dt * v * s[2].cos(),
        s[1] + dt * v * s[2].sin(),
        s[2] + dt * w,
    ]
}

/// The same model on `Vector`s: indexed parameter, result built with
/// `Vector::from`.
#[differentiable(wrt(s))]
fn motion_vec(s: Vector<f64, 3>, u: Vector<f64, 2>, dt: f64) -> Vector<f64, 3> {
    Vector::from([
        s[0] + dt * u[0] * s[2].cos(),
        s[1] + dt * u[0] * s[2].sin(),
        s[2] + dt * u[1],
    ])
}

/// A range–bearing measurement of a landmark at (lx, ly): 2 outputs of 3
/// inputs, so the Jacobian runs in reverse mode.
#[differentiable(wrt(s))]
fn range_bearing<T: Float>(s: [T; 3], landmark: [T; 2]) -> [T; 2] {
    let dx = landmark[0] - s[0];
    let dy = landmark[1] - s[1];
    [(dx * dx + dy * dy).sqrt(), dy.atan2(dx) - s[2]]
}

/// Rosenbrock as a residual vector, written into a local array.
#[differentiable]
fn rosenbrock_residual<T: Float>(x: [T; 2]) -> [T; 2] {
    let mut r = [T::zero(); 2];
    r[0] = c::<T>(10.0) * (x[1] - x[0] * x[0]);
    r[1] = T::one() - x[0];
    r
}

/// Scalar parameters: each block has the result's type.
#[differentiable]
fn curve<T: Float>(t: T, a: T) -> [T; 3] {
    [t.cos() * a, t.sin() * a, t * a * a]
}

/// The seed network's layer with plain arrays and loops.
#[differentiable(wrt(x))]
fn layer_arrays<T: Float>(w: [[T; 3]; 4], b: [T; 3], x: [T; 4]) -> [T; 3] {
    let mut out = [T::zero(); 3];
    for j in 0..3 {
        let mut z = b[j];
        for i in 0..4 {
            z = z + w[i][j] * x[i];
        }
        out[j] = autodiff::sigmoid(z);
    }
    out
}

/// The seed network's layer with `Matrix`/`Vector`, as a vector output.
#[differentiable(wrt(x, b))]
fn layer_vec(w: Matrix<f64, 4, 3>, b: Vector<f64, 3>, x: Vector<f64, 4>) -> Vector<f64, 3> {
    autodiff::sigmoid(w.t() * x + b)
}

/// Reads a `Matrix` parameter by element.
#[differentiable(wrt(m))]
fn trace_and_corner(m: Matrix<f64, 2, 2>, k: f64) -> f64 {
    m[0][0] + m[1][1] * k + m[0][1] * m[1][0]
}

/// Reads a `Matrix` parameter as `m[(i, j)]`, the other indexing it
/// offers: `xᵀ M y`.
#[differentiable]
fn bilinear<T: Float>(m: Matrix<T, 2, 3>, x: [T; 2], y: [T; 3]) -> T {
    let mut s = T::zero();
    for i in 0..2 {
        for j in 0..3 {
            s = s + x[i] * m[(i, j)] * y[j];
        }
    }
    s
}

/// `M x` with `M` read by pairs, as a vector result: its Jacobian is `M`.
#[differentiable(wrt(x))]
fn apply<T: Float>(m: Matrix<T, 2, 2>, x: [T; 2]) -> [T; 2] {
    [
        m[(0, 0)] * x[0] + m[(0, 1)] * x[1],
        m[(1, 0)] * x[0] + m[(1, 1)] * x[1],
    ]
}

fn pair_indexing_at<T: Prec>(rows: [[f64; 3]; 2], x: [f64; 2], y: [f64; 3], tol: f64) {
    let m = Matrix::new(rows.map(|r| r.map(T::of)));
    let (xs, ys) = (x.map(T::of), y.map(T::of));
    let (v, dm, dx, dy) = bilinear_grad(m, xs, ys);
    let want: f64 = (0..2)
        .map(|i| (0..3).map(|j| x[i] * rows[i][j] * y[j]).sum::<f64>())
        .sum();
    close("xᵀ M y", v.to64(), want, tol, 1.0);
    let dm = <[[T; 3]; 2]>::from(dm);
    for i in 0..2 {
        let my: f64 = (0..3).map(|j| rows[i][j] * y[j]).sum();
        close("∂/∂x = M y", dx[i].to64(), my, tol, 1.0);
        for j in 0..3 {
            close("∂/∂M = x yᵀ", dm[i][j].to64(), x[i] * y[j], tol, 1.0);
        }
    }
    for j in 0..3 {
        let mx: f64 = (0..2).map(|i| rows[i][j] * x[i]).sum();
        close("∂/∂y = Mᵀ x", dy[j].to64(), mx, tol, 1.0);
    }
    // Forward mode along every parameter at once: ⟨grad, t⟩.
    let tm = [[0.5, -1.0, 2.0], [0.25, 1.5, -0.75]];
    let (tx, ty) = ([1.0, -2.0], [0.3, 0.0, -1.1]);
    let (_, tv) = bilinear_jvp(
        m,
        xs,
        ys,
        Matrix::new(tm.map(|r| r.map(T::of))),
        tx.map(T::of),
        ty.map(T::of),
    );
    let mut want = 0.0;
    for i in 0..2 {
        for j in 0..3 {
            want += x[i] * y[j] * tm[i][j] + tx[i] * rows[i][j] * y[j] + x[i] * rows[i][j] * ty[j];
        }
    }
    close("_jvp = ⟨grad, t⟩", tv.to64(), want, tol, 1.0);
    let sq = Matrix::new([rows[0], rows[1]].map(|r| [T::of(r[0]), T::of(r[2])]));
    let (v, j) = apply_jacobian(sq, xs);
    for r in 0..2 {
        let mx = rows[r][0] * x[0] + rows[r][2] * x[1];
        close("M x", v[r].to64(), mx, tol, 1.0);
        close("J = M", j[r][0].to64(), rows[r][0], 0.0, 1.0);
        close("J = M", j[r][1].to64(), rows[r][2], 0.0, 1.0);
    }
}

#[test]
fn matrix_read_by_pairs() {
    let rows = [[1.0, -2.0, 0.5], [3.0, 0.25, -4.0]];
    for (x, y) in [
        ([0.5, -1.5], [2.0, 1.0, -0.25]),
        ([0.0, 0.0], [0.0, 3.0, 1e-3]),
        ([-7.0, 1e3], [1e-4, -2.5, 6.0]),
    ] {
        pair_indexing_at::<f64>(rows, x, y, 1e-14);
        pair_indexing_at::<f32>(rows, x, y, 1e-5);
    }
}

/// Column k of the Jacobian of `f` by dual numbers along eₖ.
pub(crate) fn dual_columns<T: Prec, const N: usize, const M: usize>(
    x: [T; N],
    f: impl Fn([T::D; N]) -> [T::D; M],
) -> [[T; N]; M] {
    let mut j = [[T::zero(); N]; M];
    for k in 0..N {
        let mut d = x.map(T::cst);
        d[k] = T::var(x[k]);
        let out = f(d);
        for r in 0..M {
            j[r][k] = T::eps_part(out[r]);
        }
    }
    j
}

/// Central differences of `f` (f64).
pub(crate) fn fd_columns<const N: usize, const M: usize>(
    x: [f64; N],
    f: impl Fn([f64; N]) -> [f64; M],
) -> [[f64; N]; M] {
    let mut j = [[0.0; N]; M];
    for k in 0..N {
        let h = 1e-6 * x[k].abs().max(1.0);
        let (mut p, mut m) = (x, x);
        p[k] += h;
        m[k] -= h;
        let (fp, fm) = (f(p), f(m));
        for r in 0..M {
            j[r][k] = (fp[r] - fm[r]) / (2.0 * h);
        }
    }
    j
}

pub(crate) fn same<const N: usize, const M: usize>(
    what: &str,
    a: [[f64; N]; M],
    b: [[f64; N]; M],
    rtol: f64,
) {
    same_above(what, a, b, rtol, 1e-12);
}

/// Against central differences: relative, and absolute near 0.
pub(crate) fn near_fd<const N: usize, const M: usize>(
    what: &str,
    j: [[f64; N]; M],
    fd: [[f64; N]; M],
    tol: f64,
) {
    same_above(what, j, fd, tol, 1.0);
}

/// Entry by entry, relative to `max(|a|, |b|, floor)`.
fn same_above<const N: usize, const M: usize>(
    what: &str,
    a: [[f64; N]; M],
    b: [[f64; N]; M],
    rtol: f64,
    floor: f64,
) {
    for r in 0..M {
        for k in 0..N {
            close(&format!("{what} [{r}][{k}]"), a[r][k], b[r][k], rtol, floor);
        }
    }
}

#[test]
fn ekf_motion_model_jacobian() {
    let u = [1.5, 0.3];
    let dt = 0.1;
    for s in [[0.0, 0.0, 0.4], [2.0, -1.0, -2.7], [1.0, 3.0, 0.0]] {
        let (v, j) = motion_jacobian(s, u, dt);
        assert_eq!(v, motion(s, u, dt));
        // Closed form: ∂/∂θ of (x + dt v cos θ, y + dt v sin θ, θ + dt ω).
        let exact = [
            [1.0, 0.0, -dt * u[0] * s[2].sin()],
            [0.0, 1.0, dt * u[0] * s[2].cos()],
            [0.0, 0.0, 1.0],
        ];
        same("motion vs closed form", j, exact, 1e-15);
        let dual = dual_columns::<f64, 3, 3>(s, |d| motion(d, u.map(D64::cst), D64::cst(dt)));
        same("motion vs dual numbers", j, dual, 1e-15);
        same(
            "motion vs finite differences",
            j,
            fd_columns(s, |s| motion(s, u, dt)),
            1e-8,
        );
        // The Vector version: the same numbers, as a Matrix.
        let (vv, jm) = motion_vec_jacobian(Vector::from(s), Vector::from(u), dt);
        assert_eq!(<[f64; 3]>::from(vv), v);
        let jm: [[f64; 3]; 3] = jm.into();
        same("motion_vec vs motion", jm, j, 1e-15);
    }
    // f32, generic.
    let s = [0.5f32, -0.25, 1.2];
    let (_, j) = motion_jacobian(s, [1.5, 0.3], 0.1);
    let dual = dual_columns::<f32, 3, 3>(s, |d| {
        motion(d, [D32::cst(1.5), D32::cst(0.3)], D32::cst(0.1))
    });
    for r in 0..3 {
        for k in 0..3 {
            close("motion f32", j[r][k] as f64, dual[r][k] as f64, 1e-6, 1e-6);
        }
    }
}

#[test]
fn range_bearing_runs_in_reverse_mode() {
    let landmark = [4.0, 3.0];
    for s in [[0.0, 0.0, 0.1], [1.0, -2.0, 2.5]] {
        let (v, j) = range_bearing_jacobian(s, landmark);
        assert_eq!(v, range_bearing(s, landmark));
        let (dx, dy) = (landmark[0] - s[0], landmark[1] - s[1]);
        let q = dx * dx + dy * dy;
        let exact = [
            [-dx / q.sqrt(), -dy / q.sqrt(), 0.0],
            [dy / q, -dx / q, -1.0],
        ];
        same("range-bearing vs closed form", j, exact, 1e-14);
        let dual = dual_columns::<f64, 3, 2>(s, |d| range_bearing(d, landmark.map(D64::cst)));
        same("range-bearing vs dual numbers", j, dual, 1e-15);
        same(
            "range-bearing vs finite differences",
            j,
            fd_columns(s, |s| range_bearing(s, landmark)),
            1e-8,
        );
    }
}

#[test]
fn residuals_scalars_and_layers() {
    let x = [-1.2, 1.0];
    let (r, j) = rosenbrock_residual_jacobian(x);
    assert_eq!(r, [10.0 * (1.0 - 1.44), 2.2]);
    same(
        "rosenbrock residual",
        j,
        [[-20.0 * x[0], 10.0], [-1.0, 0.0]],
        1e-15,
    );

    let (t, a) = (0.7, 1.3);
    let (v, jt, ja) = curve_jacobian(t, a);
    assert_eq!(v, curve(t, a));
    let want_t = [-t.sin() * a, t.cos() * a, a * a];
    let want_a = [t.cos(), t.sin(), 2.0 * t * a];
    for r in 0..3 {
        close("curve d/dt", jt[r], want_t[r], 1e-15, 1e-300);
        close("curve d/da", ja[r], want_a[r], 1e-15, 1e-300);
    }

    let w = [
        [0.3, -0.2, 0.5],
        [0.1, 0.4, -0.6],
        [-0.7, 0.2, 0.9],
        [0.05, -0.3, 0.2],
    ];
    let b = [0.1, -0.2, 0.3];
    let x = [0.5, -1.0, 2.0, 0.25];
    let (v, j) = layer_arrays_jacobian(w, b, x);
    let dual = dual_columns::<f64, 4, 3>(x, |d| {
        layer_arrays(w.map(|row| row.map(D64::cst)), b.map(D64::cst), d)
    });
    same("layer with arrays vs dual numbers", j, dual, 1e-14);
    same(
        "layer with arrays vs fd",
        j,
        fd_columns(x, |x| layer_arrays(w, b, x)),
        1e-8,
    );
    // The same layer with Matrix/Vector: d/dx is a Matrix, d/db too.
    let (vv, jb, jx) = layer_vec_jacobian(Matrix::from(w), Vector::from(b), Vector::from(x));
    let vv: [f64; 3] = vv.into();
    for r in 0..3 {
        close("layer value", vv[r], v[r], 1e-15, 1e-300);
    }
    let jx: [[f64; 4]; 3] = jx.into();
    same("layer_vec d/dx vs layer_arrays", jx, j, 1e-14);
    let jb: [[f64; 3]; 3] = jb.into();
    for r in 0..3 {
        for k in 0..3 {
            let want = if r == k { v[r] * (1.0 - v[r]) } else { 0.0 };
            close("layer_vec d/db", jb[r][k], want, 1e-14, 1e-300);
        }
    }
}

#[test]
fn vector_results_pull_back_and_push_forward() {
    let (s, u) = ([1.0, 2.0, 0.5], [1.5, 0.3]);
    let seed = [0.3, -1.1, 2.0];
    let (v, g) = motion_vjp(s, u, 0.1, seed);
    let (_, j) = motion_jacobian(s, u, 0.1);
    assert_eq!(v, motion(s, u, 0.1));
    for k in 0..3 {
        let want: f64 = (0..3).map(|r| seed[r] * j[r][k]).sum();
        close("vjp = seedᵀ J", g[k], want, 1e-15, 1e-300);
    }
    let t = [0.4, -0.2, 0.9];
    let (_, tv) = motion_jvp(s, u, 0.1, t);
    for r in 0..3 {
        let want: f64 = (0..3).map(|k| j[r][k] * t[k]).sum();
        close("jvp = J t", tv[r], want, 1e-15, 1e-300);
    }
    // A matrix parameter read by element.
    let m = Matrix::new([[1.0, 2.0], [3.0, 4.0]]);
    let (v, dm) = trace_and_corner_grad(m, 0.5);
    assert_eq!(v, 1.0 + 2.0 + 6.0);
    assert_eq!(<[[f64; 2]; 2]>::from(dm), [[1.0, 3.0], [2.0, 0.5]]);
}

/// A result `[[T; N]; M]` written as a nested array literal.
#[differentiable]
fn rotation<T: Float>(theta: T, s: T) -> [[T; 2]; 2] {
    let (c, n) = (theta.cos() * s, theta.sin() * s);
    [[c, -n], [n, c]]
}

#[test]
fn two_dimensional_results() {
    let (theta, s) = (0.7, 1.5);
    let seed = [[0.3, -1.0], [2.0, 0.5]];
    let (v, dt, ds) = rotation_vjp(theta, s, seed);
    assert_eq!(v, rotation(theta, s));
    // ∂R/∂θ = s [[-sin, -cos], [cos, -sin]], ∂R/∂s = R / s.
    let (sn, cs) = (theta.sin(), theta.cos());
    let d_theta = [[-sn * s, -cs * s], [cs * s, -sn * s]];
    let d_s = [[cs, -sn], [sn, cs]];
    let dot = |a: [[f64; 2]; 2], b: [[f64; 2]; 2]| -> f64 {
        (0..2)
            .map(|r| (0..2).map(|k| a[r][k] * b[r][k]).sum::<f64>())
            .sum()
    };
    close("vjp d/dθ", dt, dot(seed, d_theta), 1e-15, 1e-300);
    close("vjp d/ds", ds, dot(seed, d_s), 1e-15, 1e-300);
    let (vj, t) = rotation_jvp(theta, s, 1.0, 0.0);
    assert_eq!(vj, v);
    for r in 0..2 {
        for k in 0..2 {
            close("jvp d/dθ", t[r][k], d_theta[r][k], 1e-15, 1e-300);
        }
    }
}

/// Reverse-mode rows with their unit seeds built in (`seeded_rows`): an
/// output repeated, a constant output, outputs sharing a subexpression,
/// and one output that is a parameter's element as it is.
#[differentiable(wrt(x))]
fn seeded_shapes<T: Float>(x: [T; 4], c: T) -> [T; 3] {
    let y = x[0] * x[1] + x[3].exp();
    [y, c, (x[2] - y).sin()]
}

#[differentiable(wrt(x))]
fn seeded_repeats<T: Float>(x: [T; 3]) -> [T; 3] {
    let y = x[0] * x[2];
    [y, x[1], y]
}

/// The result read before it is returned: its adjoint array is needed, so
/// the rows keep one backward pass with the seed given at run time.
#[differentiable(wrt(x))]
fn result_read<T: Float>(x: [T; 3]) -> [T; 2] {
    let a = [x[0] * x[1], x[2].sin()];
    let s = a[0] + a[1];
    [s * x[0], s - x[2]]
}

/// Nine outputs of ten inputs: more rows than are emitted one by one.
#[differentiable(wrt(x))]
fn nine_rows<T: Float>(x: [T; 10]) -> [T; 9] {
    [
        x[0] * x[1],
        x[1].sin() + x[9],
        x[2] - x[3] * x[4],
        x[3].exp(),
        x[4] * x[4] + x[5],
        x[5] / (x[6] + c::<T>(3.0)),
        x[6].cos() * x[7],
        x[7] + x[8] * x[9],
        x[8] * x[0] - x[2],
    ]
}

pub(crate) fn check_rows<T: Prec, const N: usize, const M: usize>(
    name: &str,
    x: [T; N],
    jac: impl Fn([T; N]) -> ([T; M], [[T; N]; M]),
    f: impl Fn([T; N]) -> [T; M],
    fd: impl Fn([T::D; N]) -> [T::D; M],
) {
    let (v, j) = jac(x);
    assert_eq!(v.map(T::to64), f(x).map(T::to64), "{name} value");
    let dual = dual_columns::<T, N, M>(x, fd);
    let tol = if T::NAME == "f64" { 1e-14 } else { 1e-5 };
    for r in 0..M {
        for k in 0..N {
            let what = format!("{name} {} [{r}][{k}] vs dual numbers", T::NAME);
            close(&what, j[r][k].to64(), dual[r][k].to64(), tol, tol);
        }
    }
}

/// The seeded-rows functions at one point, in precision `T`.
fn seeded_rows_at<T: Prec>(p: [f64; 4]) {
    let x = p.map(T::of);
    let c = T::of(0.7);
    check_rows(
        "shapes",
        x,
        |x| seeded_shapes_jacobian(x, c),
        |x| seeded_shapes(x, c),
        |d| seeded_shapes(d, T::cst(c)),
    );
    let y = [x[0], x[1], x[2]];
    check_rows(
        "repeats",
        y,
        seeded_repeats_jacobian,
        seeded_repeats,
        seeded_repeats,
    );
    check_rows(
        "result read",
        y,
        result_read_jacobian,
        result_read,
        result_read,
    );
}

#[test]
fn seeded_rows_match_dual_numbers() {
    for p in [
        [0.5, -1.5, 2.0, 0.25],
        [0.0, 0.0, 0.0, 0.0],
        [-3.0, 1e-3, 1e3, -2.0],
    ] {
        seeded_rows_at::<f64>(p);
        seeded_rows_at::<f32>(p);
    }
    let x: [f64; 10] = core::array::from_fn(|i| 0.3 * i as f64 - 1.1);
    check_rows("nine rows", x, nine_rows_jacobian, nine_rows, nine_rows);
    let j = nine_rows_jacobian(x).1;
    same(
        "nine rows vs finite differences",
        j,
        fd_columns(x, nine_rows),
        1e-8,
    );
    let x = x.map(f32::of);
    check_rows("nine rows", x, nine_rows_jacobian, nine_rows, nine_rows);
}

/// At the landmark the range is the tip of a cone: its row is 0 by the
/// subgradient convention, with the bearing's 0/0 beside it.
#[test]
fn range_row_at_the_landmark_is_its_own() {
    let (_, j) = range_bearing_jacobian([4.0, 3.0, 0.5], [4.0, 3.0]);
    assert_eq!(j[0], [0.0, 0.0, 0.0], "range row at the cone's tip");
    assert_eq!(j[1][2], -1.0, "bearing's heading entry");
}
