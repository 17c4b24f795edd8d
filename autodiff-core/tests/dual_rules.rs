//! The core's rules instantiated with `T = Dual<f64>`, as the code that
//! `#[differentiable]` generates calls them in forward-over-reverse: every
//! pullback evaluated at `x + ε` must give the derivative of that pullback,
//! i.e. a second derivative, in its `eps` part. Checked against central
//! differences of the same rule in `f64`; the shapes' rules (vectors,
//! matrices, losses, forward-mode rules) against closed-form Hessians.

use autodiff_core::__private as r;
use autodiff_core::{Dual, Elementwise, Matrix, Vector};

mod dual_support;
use dual_support::{close, close_fd, fd, finish};

type D = Dual<f64>;

fn one() -> D {
    Dual::constant(1.0)
}

/// `(f, f_vjp0)` pairs of one argument, with points inside the domain.
macro_rules! unary_rules {
    ($($f:ident $vjp:ident [$($x:expr),*]);* $(;)?) => {
        #[test]
        fn unary_pullbacks_differentiate_on_duals() {
            $(
                for x in [$($x),*] {
                    let what = concat!(stringify!($vjp), " at ");
                    let xd: D = Dual::var(x);
                    let g = r::$vjp(xd, r::$f(xd), one());
                    let plain = r::$vjp(x, r::$f(x), 1.0f64);
                    close(&format!("{what}{x}: value"), g.re, plain, 1e-15);
                    let (d2, err) = fd(|t| r::$vjp(t, r::$f(t), 1.0), x);
                    close_fd(&format!("{what}{x}: f''"), g.eps, d2, 1e-7, err);
                }
            )*
            finish();
        }
    };
}

unary_rules! {
    sqrt sqrt_vjp0 [0.01, 0.5, 4.0];
    cbrt cbrt_vjp0 [-2.0, 0.3, 8.0];
    exp exp_vjp0 [-3.0, 0.0, 2.0];
    exp2 exp2_vjp0 [-3.0, 0.5];
    exp_m1 exp_m1_vjp0 [-1.0, 1e-3, 2.0];
    ln ln_vjp0 [0.1, 1.0, 30.0];
    ln_1p ln_1p_vjp0 [-0.5, 0.0, 3.0];
    log2 log2_vjp0 [0.1, 3.0];
    log10 log10_vjp0 [0.1, 3.0];
    sin sin_vjp0 [-2.0, 0.0, 1.0];
    cos cos_vjp0 [-2.0, 0.0, 1.0];
    tan tan_vjp0 [-1.0, 0.0, 0.7];
    asin asin_vjp0 [-0.8, 0.0, 0.5];
    acos acos_vjp0 [-0.8, 0.0, 0.5];
    atan atan_vjp0 [-3.0, 0.0, 0.5];
    sinh sinh_vjp0 [-2.0, 0.0, 1.0];
    cosh cosh_vjp0 [-2.0, 0.0, 1.0];
    tanh tanh_vjp0 [-2.0, 0.0, 0.5];
    abs abs_vjp0 [-2.0, 3.0];
    recip recip_vjp0 [-2.0, 0.5];
    sigmoid sigmoid_vjp0 [-4.0, 0.0, 1.5];
    relu relu_vjp0 [-1.0, 2.0];
    softplus softplus_vjp0 [-4.0, 0.0, 1.5];
}

/// `(f, f_vjp0, f_vjp1)` of two arguments: each pullback differentiated
/// along each argument.
macro_rules! binary_rules {
    ($($name:literal |$a:ident, $b:ident| $f:expr, $v0:path, $v1:path [$($p:expr),*]);* $(;)?) => {
        #[test]
        fn binary_pullbacks_differentiate_on_duals() {
            $(
                for (a0, b0) in [$($p),*] {
                    let f = |$a, $b| $f;
                    for (k, seed) in [(1.0, 0.0), (0.0, 1.0)].into_iter().enumerate() {
                        let (ad, bd): (D, D) = (Dual::new(a0, seed.0), Dual::new(b0, seed.1));
                        let y = f(ad, bd);
                        let g = [$v0(ad, bd, y, one()), $v1(ad, bd, y, one())];
                        for (j, gj) in g.into_iter().enumerate() {
                            let plain = |a: f64, b: f64| {
                                let y = f(Dual::constant(a), Dual::constant(b));
                                [$v0(Dual::constant(a), Dual::constant(b), y, one()),
                                 $v1(Dual::constant(a), Dual::constant(b), y, one())][j].re
                            };
                            let (d2, err) = if k == 0 {
                                fd(|t| plain(t, b0), a0)
                            } else {
                                fd(|t| plain(a0, t), b0)
                            };
                            let what = format!("{} ({a0}, {b0}): ∂{k} of pullback {j}", $name);
                            close_fd(&what, gj.eps, d2, 1e-7, err);
                        }
                    }
                }
            )*
            finish();
        }
    };
}

binary_rules! {
    "mul" |a, b| a * b, r::mul_vjp0, r::mul_vjp1 [(1.5, -2.0)];
    "div" |a, b| a / b, r::div_vjp0, r::div_vjp1 [(1.5, -2.0), (0.3, 4.0)];
    "powf" |a, b| r::powf(a, b), r::powf_vjp0, r::powf_vjp1 [(2.0, 0.5), (0.7, -1.5)];
    "log" |a, b| r::log(a, b), r::log_vjp0, r::log_vjp1 [(2.0, 3.0), (0.5, 10.0)];
    "atan2" |a, b| r::atan2(a, b), r::atan2_vjp0, r::atan2_vjp1 [(1.0, 2.0), (-0.5, -3.0)];
    "hypot" |a, b| r::hypot(a, b), r::hypot_vjp0, r::hypot_vjp1 [(3.0, 4.0), (-1.0, 0.5)];
    "max" |a, b| r::max(a, b), r::max_vjp0, r::max_vjp1 [(1.0, 2.0), (3.0, -1.0)];
    "min" |a, b| r::min(a, b), r::min_vjp0, r::min_vjp1 [(1.0, 2.0), (3.0, -1.0)];
}

#[test]
fn powi_and_ternary_pullbacks_on_duals() {
    for n in [-2, 0, 1, 3] {
        let x: D = Dual::var(1.5);
        let g = r::powi_vjp0(x, n, r::powi(x, n), one());
        let nf = f64::from(n);
        close(
            &format!("powi {n}"),
            g.eps,
            nf * (nf - 1.0) * 1.5f64.powi(n - 2),
            1e-15,
        );
        let h = r::powi_vjp0_half(x, n, r::powi(x, n), one());
        close(&format!("powi_half {n}"), h.eps, 0.5 * g.eps, 1e-15);
    }
    let (a, b, c): (D, D, D) = (Dual::var(2.0), Dual::constant(3.0), Dual::constant(1.0));
    let y = r::mul_add(a, b, c);
    assert_eq!(y.re, 7.0);
    assert_eq!(
        r::mul_add_vjp1(a, b, c, y, one()).eps,
        1.0,
        "∂²(ab + c)/∂a∂b"
    );
    let (x, lo, hi): (D, D, D) = (Dual::var(0.5), Dual::constant(0.0), Dual::constant(1.0));
    let g = r::clamp_vjp0(x, lo, hi, r::clamp(x, lo, hi), one());
    assert_eq!((g.re, g.eps), (1.0, 0.0));
    // An exponent `0 + ε`: the pullback to the base keeps `∂²xᵉ/∂x∂e = 1/x`.
    let (b, e): (D, D) = (Dual::constant(2.0), Dual::var(0.0));
    let g = r::powf_vjp0(b, e, r::powf(b, e), one());
    assert_eq!((g.re, g.eps), (0.0, 0.5), "powf_vjp0 at e = 0 + ε");
    let s = r::sqrt_cone_vjp0(x, r::sqrt(x), one());
    close("sqrt_cone", s.eps, -0.25 * 0.5f64.powf(-1.5), 1e-15);
    finish();
}

fn vec3(x: [f64; 3], v: [f64; 3]) -> Vector<D, 3> {
    Vector::from(core::array::from_fn(|i| Dual::new(x[i], v[i])))
}

#[test]
fn shape_rules_give_hessian_vector_products() {
    let (z, v) = ([0.3, -1.2, 2.0], [1.0, 0.5, -2.0]);
    let zd = vec3(z, v);
    // logsumexp and softmax cross-entropy: H = diag(s) - s sᵀ, s = softmax(z).
    let m = 2.0f64;
    let e = z.map(|t| (t - m).exp());
    let s = e.map(|t| t / e.iter().sum::<f64>());
    let sv: f64 = (0..3).map(|i| s[i] * v[i]).sum();
    let hv: [f64; 3] = core::array::from_fn(|i| s[i] * v[i] - s[i] * sv);
    let g = r::logsumexp_vjp0(zd, r::logsumexp(zd), one());
    let ce = r::softmax_cross_entropy(zd, 1);
    let gce = r::softmax_cross_entropy_vjp0(zd, 1, ce, one());
    // softmax's pullback of a constant cotangent c: H v of c·softmax(z).
    let sm = r::softmax(zd);
    let cot = Vector::from([one(), Dual::constant(0.0), Dual::constant(0.0)]);
    let gs = r::softmax_vjp0(zd, sm, cot);
    // mse(p, t) = |p - t|²/N: H = 2/N I.
    let t = Vector::from([0.0, 1.0, 2.0].map(Dual::constant));
    let gm = r::mse_vjp0(zd, t, r::mse(zd, t), one());
    // ‖z‖: H = (I - u uᵀ)/‖z‖, u = z/‖z‖.
    let nz = z.iter().map(|t| t * t).sum::<f64>().sqrt();
    let uv: f64 = (0..3).map(|i| z[i] * v[i]).sum::<f64>() / nz;
    let gn = r::norm_vjp0(zd, r::norm(zd), one());
    for i in 0..3 {
        let w = |k: &str| format!("{k}[{i}]");
        close(&w("logsumexp Hv"), g[i].eps, hv[i], 1e-14);
        close(&w("logsumexp g"), g[i].re, s[i], 1e-15);
        close(&w("cross-entropy Hv"), gce[i].eps, hv[i], 1e-14);
        let hs0 = s[0] * (f64::from(u8::from(i == 0)) - s[i]);
        let dhs = (0..3)
            .map(|j| {
                let d = |a: usize, b: usize| f64::from(u8::from(a == b));
                // ∂/∂z_j of s_0 (δ_0i - s_i)
                let ds0 = s[0] * (d(0, j) - s[j]);
                let dsi = s[i] * (d(i, j) - s[j]);
                (ds0 * (d(0, i) - s[i]) - s[0] * dsi) * v[j]
            })
            .sum::<f64>();
        close(&w("softmax J^T c"), gs[i].re, hs0, 1e-15);
        close(&w("softmax d(J^T c)"), gs[i].eps, dhs, 1e-14);
        close(&w("mse Hv"), gm[i].eps, 2.0 / 3.0 * v[i], 1e-15);
        close(
            &w("norm Hv"),
            gn[i].eps,
            (v[i] - z[i] / nz * uv) / nz,
            1e-14,
        );
    }
    finish();
}

#[test]
fn matrix_and_forward_rules_accept_duals() {
    // y = A x: the pullbacks are bilinear, so their tangents are the
    // pullbacks of the tangents.
    let a: Matrix<D, 2, 3> = Matrix::from_fn(|i, j| Dual::new((i + 2 * j) as f64, (i * j) as f64));
    let x = vec3([1.0, -1.0, 0.5], [0.0, 1.0, 2.0]);
    let y = a * x;
    let g = Vector::from([one(), Dual::new(-2.0, 0.0)]);
    let (ga, gx) = (r::mul_vjp0(a, x, y, g), r::mul_vjp1(a, x, y, g));
    for i in 0..2 {
        for j in 0..3 {
            assert_eq!(ga[(i, j)].eps, g[i].re * x[j].eps, "∂(g xᵀ)");
        }
    }
    for j in 0..3 {
        let want: f64 = (0..2).map(|i| a[(i, j)].eps * g[i].re).sum();
        assert_eq!(gx[j].eps, want, "∂(Aᵀ g)");
    }
    // Forward-mode rules: a tangent of a tangent.
    let ta = a.map(|d| Dual::new(d.eps, 0.0));
    let tx = x.map(|d| Dual::new(d.eps, 0.0));
    let t = r::mul_jvp(a, x, y, ta, tx);
    for i in 0..2 {
        let want: f64 = (0..3).map(|j| 2.0 * a[(i, j)].eps * x[j].eps).sum();
        assert_eq!(t[i].eps, want, "∂(Ȧ x + A ẋ) along (Ȧ, ẋ)");
    }
    let tm = r::tmul(a, g);
    let o = r::outer(x, x);
    let sj = r::softmax_jvp(x, r::softmax(x), x);
    assert_eq!(tm[0].re, gx[0].re);
    assert_eq!(o[(1, 2)].re, -0.5);
    assert!(sj[0].re.is_finite() && sj[0].eps.is_finite());
}
