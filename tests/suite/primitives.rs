//! Every primitive `#[differentiable]` knows, used inside a differentiated
//! function, in f64 and in f32.
//!
//! Each function is generic (`T: autodiff::Float`), so one definition serves
//! three purposes: `T = f64` and `T = f32` are the code under test, and
//! `T = D64` / `D32` (dual numbers, see `common`) evaluate the very same
//! function in forward mode: the exact oracle. `common::On::check` also
//! compares with five-point central finite differences, checks that `_grad`
//! returns the function's value bit for bit, and that `_vjp` scales with its
//! seed. Points include the awkward ones: near the edge of a domain, large
//! and tiny magnitudes, and the kinks (ties of `max`/`min`, 0 for
//! `abs`/`relu`, the bounds of `clamp`), where the documented convention is
//! asserted instead of finite differences.

use crate::common;

use autodiff::{differentiable, Float};
use common::{Cfg, On};

fn c<T: Float>(v: f64) -> T {
    T::from(v).unwrap()
}

// ---------------------------------------------------------------------------
// The primitives, one generic function each.

mod powi3 {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.powi(3)
    }
}
mod powi2 {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.powi(2)
    }
}
mod powi1 {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.powi(1)
    }
}
mod powi0 {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.powi(0)
    }
}
mod powi_m2 {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.powi(-2)
    }
}
mod powf {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T, e: T) -> T {
        x.powf(e)
    }
}
mod powf_const {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.powf(T::from(2.5).unwrap())
    }
}
mod sqrt {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.sqrt()
    }
}
mod cbrt {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.cbrt()
    }
}
mod exp {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.exp()
    }
}
mod exp2 {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.exp2()
    }
}
mod exp_m1 {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.exp_m1()
    }
}
mod ln {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.ln()
    }
}
mod ln_1p {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.ln_1p()
    }
}
mod log {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T, b: T) -> T {
        x.log(b)
    }
}
mod log_const {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.log(T::from(3.0).unwrap())
    }
}
mod log2 {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.log2()
    }
}
mod log10 {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.log10()
    }
}
mod sin {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.sin()
    }
}
mod cos {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.cos()
    }
}
mod tan {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.tan()
    }
}
mod asin {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.asin()
    }
}
mod acos {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.acos()
    }
}
mod atan {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.atan()
    }
}
mod atan2 {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(y: T, x: T) -> T {
        y.atan2(x)
    }
}
mod sinh {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.sinh()
    }
}
mod cosh {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.cosh()
    }
}
mod tanh {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.tanh()
    }
}
mod abs {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.abs()
    }
}
mod max {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(a: T, b: T) -> T {
        a.max(b)
    }
}
mod min {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(a: T, b: T) -> T {
        a.min(b)
    }
}
mod hypot {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(a: T, b: T) -> T {
        a.hypot(b)
    }
}
mod recip {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.recip()
    }
}
mod mul_add {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(a: T, b: T, c: T) -> T {
        a.mul_add(b, c)
    }
}
mod clamp {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T, lo: T, hi: T) -> T {
        x.clamp(lo, hi)
    }
}
mod sigmoid {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        autodiff::sigmoid(x)
    }
}
mod relu {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        autodiff::relu(x)
    }
}
mod softplus {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        autodiff::softplus(x)
    }
}
/// The activations imported by name rather than by path.
mod activations_imported {
    use super::*;
    use autodiff::{relu, sigmoid, softplus};
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        sigmoid(x) * softplus(x) + relu(x)
    }
}

// ---------------------------------------------------------------------------
// One test per primitive: regular points in both precisions, then the
// awkward ones.

#[test]
fn powi() {
    let pts = &[[-1.5], [0.3], [2.0], [-7.25], [1e3]];
    check!(powi3[x] Cfg::new(); pts);
    check!(powi2[x] Cfg::new(); pts);
    check!(powi1[x] Cfg::new(); pts);
    check!(powi0[x] Cfg::new(); pts);
    check!(powi_m2[x] Cfg::new(); pts);
    // Large and tiny magnitudes.
    check_as!(f64, powi3[x] Cfg::new(); &[[1e50], [-1e-50]]);
    check_as!(f32, powi3[x] Cfg::new(); &[[1e10], [-1e-10]]);
    // num-dual forms x^(n-3) first, which underflows here: no oracle.
    check_as!(f64, powi_m2[x] Cfg::new().no_oracle(); &[[1e100]]);
    assert_eq!(powi_m2::f_grad(1e100f64), (1e-200, -2e-300));
    check_as!(f64, powi_m2[x] Cfg::new().step(1e-54, 0.0); &[[1e-50]]);
    check_as!(f32, powi_m2[x] Cfg::new().no_oracle(); &[[1e12]]);
    check_as!(f32, powi_m2[x] Cfg::new().step(0.0, 1e-14); &[[1e-10]]);
    // At 0: n x^(n-1) is 0 for n >= 2, 1 for n = 1, and exactly 0 (not NaN)
    // for n = 0.
    check!(powi3[x] Cfg::new(); &[[0.0]]);
    check!(powi2[x] Cfg::new(); &[[0.0]]);
    check!(powi1[x] Cfg::new(); &[[0.0]]);
    assert_eq!(powi0::f_grad(0.0f64), (1.0, 0.0));
    assert_eq!(powi0::f_grad(0.0f32), (1.0, 0.0));
}

#[test]
fn powf() {
    let pts = &[
        [2.0, 3.5],
        [0.5, -1.3],
        [7.0, 0.0],
        [3.0, 1.0],
        [3.0, 2.0],
        [1.0, 4.0],
    ];
    check!(powf[x, e] Cfg::new(); pts);
    check!(powf[x, e] Cfg::new().step(1e-6, 1e-5); &[[1e-3, 0.5]]);
    check_as!(f64, powf[x, e] Cfg::new().ulps(1024.0); &[[1e100, 2.5]]);
    // The oracle's d/de goes through exp(e ln x), good to |e ln x| ulps only.
    check_as!(f64, powf[x, e] Cfg::new().ulps(1024.0); &[[10.0, -200.0]]);
    check_as!(f64, powf[x, e] Cfg::new().step(1e-104, 0.0).ulps(1024.0); &[[1e-100, 1.5]]);
    check_as!(f32, powf[x, e] Cfg::new().ulps(1024.0); &[[1e10, 2.5], [10.0, -5.0]]);
    check_as!(f32, powf[x, e] Cfg::new().step(0.0, 1e-14); &[[1e-10, 1.5]]);
    check!(powf_const[x] Cfg::new(); &[[0.01], [1.0], [4.0], [1e6]]);
    // Base 0 (edge of the domain): d/dx = e·0^(e-1) = 0 for e > 1, and
    // d/de is taken as 0 there (the limit from x → 0+).
    assert_eq!(powf::f_grad(0.0f64, 2.5), (0.0, 0.0, 0.0));
    assert_eq!(powf::f_grad(0.0f32, 2.5), (0.0, 0.0, 0.0));
    assert_eq!(powf_const::f_grad(0.0f64), (0.0, 0.0));
    // Exponent 0: x^0 = 1, d/dx exactly 0 even at x = 0.
    let (v, dx, _) = powf::f_grad(0.0f64, 0.0);
    assert_eq!((v, dx), (1.0, 0.0));
    // A negative base with an integral exponent: d/dx = e x^(e-1) is fine,
    // d/de = x^e ln x is NaN (no real derivative), as finite differences say.
    let (v, dx, de) = powf::f_grad(-2.0f64, 3.0);
    assert_eq!((v, dx), (-8.0, 12.0));
    assert!(de.is_nan());
}

#[test]
fn sqrt() {
    check!(sqrt[x] Cfg::new(); &[[0.25], [2.0], [7.5], [1e4]]);
    check!(sqrt[x] Cfg::new().step(1e-8, 1e-8); &[[1e-6]]);
    check_as!(f64, sqrt[x] Cfg::new(); &[[1e300]]);
    check_as!(f64, sqrt[x] Cfg::new().step(1e-303, 0.0); &[[1e-300]]);
    check_as!(f32, sqrt[x] Cfg::new(); &[[1e30]]);
    check_as!(f32, sqrt[x] Cfg::new().step(0.0, 1e-32); &[[1e-30]]);
    // The derivative is infinite at 0, as it is.
    assert_eq!(sqrt::f_grad(0.0f64), (0.0, f64::INFINITY));
    assert_eq!(sqrt::f_grad(0.0f32), (0.0, f32::INFINITY));
}

#[test]
fn cbrt() {
    check!(cbrt[x] Cfg::new(); &[[-8.0], [-0.3], [0.5], [27.0], [1e5]]);
    check!(cbrt[x] Cfg::new().step(1e-11, 1e-11); &[[1e-9], [-1e-9]]);
    check_as!(f64, cbrt[x] Cfg::new(); &[[1e300]]);
    check_as!(f64, cbrt[x] Cfg::new().step(1e-304, 0.0); &[[-1e-300]]);
    check_as!(f32, cbrt[x] Cfg::new(); &[[1e30], [-1e30]]);
    assert_eq!(cbrt::f_grad(0.0f64), (0.0, f64::INFINITY));
}

#[test]
fn exp() {
    check!(exp[x] Cfg::new(); &[[-30.0], [-1.0], [0.0], [2.5], [10.0]]);
    check_as!(f64, exp[x] Cfg::new(); &[[700.0], [-700.0]]);
    // A subnormal result: the oracle only.
    check_as!(f64, exp[x] Cfg::new().no_fd(); &[[-740.0]]);
    check_as!(f32, exp[x] Cfg::new(); &[[80.0], [-80.0]]);
}

#[test]
fn exp2() {
    check!(exp2[x] Cfg::new(); &[[-3.0], [0.0], [0.5], [10.0]]);
    check_as!(f64, exp2[x] Cfg::new(); &[[1000.0], [-1000.0]]);
    check_as!(f32, exp2[x] Cfg::new(); &[[120.0], [-120.0]]);
}

#[test]
fn exp_m1() {
    check!(exp_m1[x] Cfg::new(); &[[-20.0], [-1e-10], [0.0], [1e-8], [0.7], [30.0]]);
    // Far left the derivative e^x is tiny but must keep its relative accuracy.
    check_as!(f64, exp_m1[x] Cfg::new(); &[[-40.0], [-700.0], [700.0]]);
    check_as!(f32, exp_m1[x] Cfg::new(); &[[-40.0], [80.0]]);
}

#[test]
fn ln() {
    check!(ln[x] Cfg::new(); &[[0.5], [1.0], [3.0], [1e10]]);
    check!(ln[x] Cfg::new().step(1e-8, 1e-8); &[[1e-6]]);
    check_as!(f64, ln[x] Cfg::new(); &[[1e300]]);
    check_as!(f64, ln[x] Cfg::new().step(1e-302, 0.0); &[[1e-300]]);
    check_as!(f32, ln[x] Cfg::new(); &[[1e30]]);
}

#[test]
fn ln_1p() {
    check!(ln_1p[x] Cfg::new(); &[[-0.5], [-1e-12], [0.0], [0.5], [1e10]]);
    // Near the edge x = -1.
    check_as!(f64, ln_1p[x] Cfg::new().step(1e-9, 0.0); &[[-0.999999]]);
    check_as!(f32, ln_1p[x] Cfg::new().step(0.0, 1e-5); &[[-0.999]]);
}

#[test]
fn log() {
    let pts = &[[8.0, 2.0], [0.5, 10.0], [100.0, 0.5], [1e10, 1.5]];
    check!(log[x, b] Cfg::new(); pts);
    check!(log[x, b] Cfg::new().step(1e-6, 1e-5); &[[1e-3, 3.0]]);
    check!(log_const[x] Cfg::new(); &[[0.1], [1.0], [9.0], [1e8]]);
    check_as!(f64, log[x, b] Cfg::new(); &[[1e300, 7.0]]);
}

#[test]
fn log2_log10() {
    let pts = &[[0.125], [1.0], [3.0], [1e5]];
    check!(log2[x] Cfg::new(); pts);
    check!(log10[x] Cfg::new(); pts);
    check!(log2[x] Cfg::new().step(1e-12, 1e-12); &[[1e-10]]);
    check!(log10[x] Cfg::new().step(1e-12, 1e-12); &[[1e-10]]);
    check_as!(f64, log2[x] Cfg::new(); &[[1e200]]);
    check_as!(f64, log10[x] Cfg::new(); &[[1e200]]);
    check_as!(f32, log2[x] Cfg::new(); &[[1e30]]);
    check_as!(f32, log10[x] Cfg::new(); &[[1e30]]);
}

#[test]
fn sin_cos() {
    let pts = &[[0.0], [0.5], [-2.0], [3.1], [1.57]];
    check!(sin[x] Cfg::new(); pts);
    check!(cos[x] Cfg::new(); pts);
    // Large arguments: an absolute step, or the stencil spans periods.
    let big = Cfg::new().step(1e-3, 1e-2);
    check!(sin[x] big; &[[1e4], [-3e4]]);
    check!(cos[x] big; &[[1e4], [-3e4]]);
    // Huge: the spacing of the floats is larger than any useful step, so
    // the oracle alone.
    check_as!(f64, sin[x] Cfg::new().no_fd(); &[[1e15], [1e300]]);
    check_as!(f64, cos[x] Cfg::new().no_fd(); &[[1e15], [1e300]]);
    check_as!(f32, sin[x] Cfg::new().no_fd(); &[[1e7], [1e30]]);
    check_as!(f32, cos[x] Cfg::new().no_fd(); &[[1e7], [1e30]]);
}

#[test]
fn tan() {
    check!(tan[x] Cfg::new(); &[[0.0], [0.5], [-1.2], [1.5], [-3.0]]);
    // Near the pole at π/2.
    check!(tan[x] Cfg::new().step(1e-8, 1e-6); &[[1.57], [-1.57]]);
    check_as!(f64, tan[x] Cfg::new().step(1e-12, 0.0); &[[std::f64::consts::FRAC_PI_2 - 1e-7]]);
}

#[test]
fn asin_acos() {
    let pts = &[[-0.9], [0.0], [0.5], [0.3]];
    check!(asin[x] Cfg::new(); pts);
    check!(acos[x] Cfg::new(); pts);
    // Near ±1. num-dual's `1 - x²` loses digits there (autodiff factors it
    // as (1 - x)(1 + x)), so the oracle is only good to ~1e-10.
    let edge64 = Cfg::new().step(1e-9, 0.0).ulps(1e6);
    check_as!(f64, asin[x] edge64; &[[0.999999], [-0.999999]]);
    check_as!(f64, acos[x] edge64; &[[0.999999], [-0.999999]]);
    let edge32 = Cfg::new().step(0.0, 1e-5).ulps(64.0);
    check_as!(f32, asin[x] edge32; &[[0.999], [-0.999]]);
    check_as!(f32, acos[x] edge32; &[[0.999], [-0.999]]);
    // At ±1 the derivative is infinite.
    assert_eq!(asin::f_grad(1.0f64).1, f64::INFINITY);
    assert_eq!(acos::f_grad(-1.0f64).1, f64::NEG_INFINITY);
}

#[test]
fn atan() {
    check!(atan[x] Cfg::new(); &[[-1e3], [-1.0], [0.0], [0.3], [1e8]]);
    check_as!(f64, atan[x] Cfg::new(); &[[1e150], [-1e-200]]);
}

#[test]
fn atan2() {
    let pts = &[
        [1.0, 1.0],
        [1.0, -1.0],
        [-1.0, -1.0],
        [-0.5, 2.0],
        [-2.0, 0.3],
        [3.0, -1e-3],
    ];
    check!(atan2[y, x] Cfg::new(); pts);
    // Just above the branch cut (y → 0, x < 0): a step that does not cross it.
    check!(atan2[y, x] Cfg::new().step(1e-5, 1e-4); &[[1e-3, -1.0]]);
    // Large and tiny magnitudes: x² + y² would overflow / underflow.
    check_as!(f64, atan2[y, x] Cfg::new(); &[[1e200, 1e200], [-3e250, 1e250]]);
    check_as!(f64, atan2[y, x] Cfg::new().step(1e-204, 0.0); &[[1e-200, 3e-200]]);
    check_as!(f32, atan2[y, x] Cfg::new(); &[[1e30, 1e30]]);
    check_as!(f32, atan2[y, x] Cfg::new().step(0.0, 1e-34); &[[1e-30, 3e-30]]);
    // On the y axis num-dual divides by x = 0, so finite differences alone,
    // plus the exact values: d/dy = x/r² = 0, d/dx = -y/r² = -1/y.
    check!(atan2[y, x] Cfg::new().no_oracle(); &[[0.5, 0.0], [-4.0, 0.0]]);
    let (_, dy, dx) = atan2::f_grad(0.5f64, 0.0);
    assert_eq!((dy, dx), (0.0, -2.0));
    // The origin: no derivative; taken as 0.
    assert_eq!(atan2::f_grad(0.0f64, 0.0), (0.0, 0.0, 0.0));
    assert_eq!(atan2::f_grad(0.0f32, 0.0), (0.0, 0.0, 0.0));
}

#[test]
fn sinh_cosh() {
    let pts = &[[-3.0], [0.0], [0.5], [10.0]];
    check!(sinh[x] Cfg::new(); pts);
    check!(cosh[x] Cfg::new(); pts);
    check_as!(f64, sinh[x] Cfg::new(); &[[700.0], [-700.0]]);
    check_as!(f64, cosh[x] Cfg::new(); &[[700.0], [-700.0]]);
    check_as!(f32, sinh[x] Cfg::new(); &[[80.0], [-80.0]]);
    check_as!(f32, cosh[x] Cfg::new(); &[[80.0], [-80.0]]);
}

#[test]
fn tanh() {
    check!(tanh[x] Cfg::new(); &[[0.0], [0.5], [-0.3]]);
    // tanh' = (1 - y)(1 + y) from the value: documented as accurate to about
    // one ulp of 1 (absolutely), exactly 0 once y rounds to ±1. num-dual's
    // sinh/cosh quotient cancels too (cosh² - sinh²). So: absolutely.
    check!(tanh[x] Cfg::new().floor(1.0); &[[-2.0], [1.0], [6.0], [10.0], [20.0], [-40.0]]);
    assert!(tanh::f_grad(20.0f64).1.abs() <= f64::EPSILON);
    assert_eq!(tanh::f_grad(400.0f64), (1.0, 0.0));
    assert_eq!(tanh::f_grad(-400.0f32), (-1.0, 0.0));
}

#[test]
fn abs() {
    check!(abs[x] Cfg::new(); &[[-2.0], [3.0], [7.5e5]]);
    check!(abs[x] Cfg::new().step(1e-6, 1e-5); &[[-1e-3]]);
    check_as!(f64, abs[x] Cfg::new(); &[[-1e300]]);
    check_as!(f64, abs[x] Cfg::new().step(1e-303, 0.0); &[[1e-300]]);
    // The kink: 0 (the subgradient of least magnitude), for +0 and -0.
    check!(abs[x] Cfg::new().no_fd(); &[[0.0], [-0.0]]);
    assert_eq!(abs::f_grad(0.0f64), (0.0, 0.0));
    assert_eq!(abs::f_grad(-0.0f64).1, 0.0);
    assert_eq!(abs::f_grad(0.0f32), (0.0, 0.0));
}

#[test]
fn max_min() {
    let pts = &[[1.0, 2.0], [3.0, -1.0], [-1e3, 1e3], [0.25, 0.26]];
    check!(max[a, b] Cfg::new(); pts);
    check!(min[a, b] Cfg::new(); pts);
    check_as!(f64, max[a, b] Cfg::new(); &[[-1e300, 1e300]]);
    check_as!(f64, min[a, b] Cfg::new(); &[[-1e300, 1e300]]);
    check_as!(f64, max[a, b] Cfg::new().step(1e-303, 0.0); &[[1e-300, -1e-300]]);
    check_as!(f64, min[a, b] Cfg::new().step(1e-303, 0.0); &[[1e-300, -1e-300]]);
    // Ties: the whole adjoint goes to the receiver.
    check!(max[a, b] Cfg::new().no_fd(); &[[2.0, 2.0], [0.0, 0.0]]);
    check!(min[a, b] Cfg::new().no_fd(); &[[2.0, 2.0], [0.0, 0.0]]);
    assert_eq!(max::f_grad(2.0f64, 2.0), (2.0, 1.0, 0.0));
    assert_eq!(min::f_grad(2.0f64, 2.0), (2.0, 1.0, 0.0));
    assert_eq!(max::f_grad(-1.5f32, -1.5), (-1.5, 1.0, 0.0));
    // A NaN operand is ignored, like f64::max: the gradient goes to the other.
    assert_eq!(max::f_grad(f64::NAN, 1.0), (1.0, 0.0, 1.0));
    assert_eq!(max::f_grad(1.0, f64::NAN), (1.0, 1.0, 0.0));
    assert_eq!(min::f_grad(f64::NAN, 1.0), (1.0, 0.0, 1.0));
    assert_eq!(min::f_grad(1.0, f64::NAN), (1.0, 1.0, 0.0));
}

#[test]
fn hypot() {
    let pts = &[
        [3.0, 4.0],
        [-3.0, 4.0],
        [0.5, -12.0],
        [1e-3, 2.0],
        [5.0, 0.0],
    ];
    check!(hypot[a, b] Cfg::new(); pts);
    // No overflow nor underflow in the value or the derivative.
    check_as!(f64, hypot[a, b] Cfg::new(); &[[1e200, 1e200], [-1e300, 3e299]]);
    check_as!(f64, hypot[a, b] Cfg::new().step(1e-204, 0.0); &[[1e-200, 3e-200]]);
    check_as!(f32, hypot[a, b] Cfg::new(); &[[1e30, 1e30]]);
    // The origin: taken as 0.
    assert_eq!(hypot::f_grad(0.0f64, 0.0), (0.0, 0.0, 0.0));
    assert_eq!(hypot::f_grad(0.0f32, 0.0), (0.0, 0.0, 0.0));
}

#[test]
fn recip() {
    check!(recip[x] Cfg::new(); &[[-4.0], [0.5], [3.0], [1e5]]);
    check_as!(f64, recip[x] Cfg::new(); &[[1e100], [-1e150]]);
    check_as!(f64, recip[x] Cfg::new().step(1e-103, 0.0); &[[1e-100]]);
    check_as!(f32, recip[x] Cfg::new(); &[[1e15]]);
    check_as!(f32, recip[x] Cfg::new().step(0.0, 1e-18); &[[1e-15]]);
    assert_eq!(recip::f_grad(0.0f64).1, f64::NEG_INFINITY);
}

#[test]
fn mul_add() {
    let pts = &[
        [2.0, 3.0, 4.0],
        [-1.5, 0.3, 1e5],
        [1e-3, 1e3, -1.0],
        [0.0, 0.0, 0.0],
    ];
    check!(mul_add[a, b, c] Cfg::new(); pts);
    check_as!(f64, mul_add[a, b, c] Cfg::new(); &[[1e100, -1e100, 1e200]]);
}

#[test]
fn clamp() {
    // Inside, below and above the interval: smooth there.
    let pts = &[
        [0.5, 0.0, 1.0],
        [-3.0, -5.0, 2.0],
        [-1.0, 0.0, 1.0],
        [2.0, 0.0, 1.0],
    ];
    check!(clamp[x, lo, hi] Cfg::new(); pts);
    assert_eq!(clamp::f_grad(0.5f64, 0.0, 1.0), (0.5, 1.0, 0.0, 0.0));
    assert_eq!(clamp::f_grad(-1.0f64, 0.0, 1.0), (0.0, 0.0, 1.0, 0.0));
    assert_eq!(clamp::f_grad(2.0f64, 0.0, 1.0), (1.0, 0.0, 0.0, 1.0));
    // On a bound: the bounds are part of the interval, x gets the adjoint.
    check!(clamp[x, lo, hi] Cfg::new().no_fd(); &[[0.0, 0.0, 1.0], [1.0, 0.0, 1.0]]);
    assert_eq!(clamp::f_grad(0.0f64, 0.0, 1.0), (0.0, 1.0, 0.0, 0.0));
    assert_eq!(clamp::f_grad(1.0f32, 0.0, 1.0), (1.0, 1.0, 0.0, 0.0));
    // A degenerate interval lo == hi: x inside, so x gets it.
    assert_eq!(clamp::f_grad(2.0f64, 2.0, 2.0), (2.0, 1.0, 0.0, 0.0));
}

#[test]
fn sigmoid() {
    check!(sigmoid[x] Cfg::new(); &[[-5.0], [0.0], [-0.3], [-30.0]]);
    // σ' = y(1 - y) from the value: documented as accurate to about one ulp
    // of 1 (absolutely) in the upper tail, where 1 - y cancels.
    check!(sigmoid[x] Cfg::new().floor(1.0); &[[0.3], [5.0], [30.0]]);
    // Far out: no overflow; the lower tail keeps its relative accuracy.
    check_as!(f64, sigmoid[x] Cfg::new(); &[[-40.0], [-700.0]]);
    check_as!(f64, sigmoid[x] Cfg::new().floor(1.0); &[[40.0], [700.0]]);
    check_as!(f32, sigmoid[x] Cfg::new(); &[[-40.0], [-80.0]]);
    check_as!(f32, sigmoid[x] Cfg::new().floor(1.0); &[[40.0], [80.0]]);
    assert_eq!(sigmoid::f_grad(-800.0f64), (0.0, 0.0));
    assert_eq!(sigmoid::f_grad(800.0f64), (1.0, 0.0));
    assert_eq!(sigmoid::f_grad(0.0f64), (0.5, 0.25));
    assert_eq!(sigmoid::f_grad(0.0f32), (0.5, 0.25));
}

#[test]
fn relu() {
    check!(relu[x] Cfg::new(); &[[-1.0], [2.0], [-1e5]]);
    check!(relu[x] Cfg::new().step(1e-6, 1e-5); &[[1e-3], [-1e-3]]);
    check_as!(f64, relu[x] Cfg::new(); &[[1e300], [-1e300]]);
    // The kink: 0.
    check!(relu[x] Cfg::new().no_fd(); &[[0.0]]);
    assert_eq!(relu::f_grad(0.0f64), (0.0, 0.0));
    assert_eq!(relu::f_grad(-0.0f32).1, 0.0);
}

#[test]
fn softplus() {
    check!(softplus[x] Cfg::new(); &[[-30.0], [-1.0], [0.5], [1.0], [30.0]]);
    check_as!(f64, softplus[x] Cfg::new(); &[[700.0], [-700.0], [40.0]]);
    check_as!(f32, softplus[x] Cfg::new(); &[[80.0], [-80.0]]);
    // At 0 the oracle would differentiate autodiff's branchy formula for the
    // value (max(x, 0) + ln(1 + e^-|x|)) at its kinks; the true derivative
    // is σ(0) = 1/2, which finite differences confirm.
    check!(softplus[x] Cfg::new().no_oracle(); &[[0.0]]);
    assert_eq!(softplus::f_grad(0.0f64).1, 0.5);
    assert_eq!(softplus::f_grad(-800.0f64), (0.0, 0.0));
    assert_eq!(softplus::f_grad(800.0f64), (800.0, 1.0));
}

#[test]
fn activations_imported() {
    check!(activations_imported[x] Cfg::new(); &[[-2.0], [0.7], [3.0]]);
}

// ---------------------------------------------------------------------------
// Every method primitive through UFCS: `T::name(x)`, `Float::name(x)`.

mod ufcs {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T, y: T) -> T {
        let a = T::sqrt(x) + T::cbrt(y) + T::exp(x) + T::exp2(y) + T::exp_m1(x);
        let b = T::ln(x) + T::ln_1p(y) + T::log2(x) + T::log10(y) + T::log(x, y);
        let c = T::sin(x) + T::cos(y) + T::tan(x) + T::asin(x) + T::acos(y) + T::atan(x);
        let d = T::sinh(x) + T::cosh(y) + T::tanh(x) + T::abs(y) + T::recip(x);
        let e = T::powi(x, 3) + T::powf(x, y) + T::atan2(x, y) + T::hypot(x, y);
        let f = T::max(x, y) + T::min(x, y) + T::mul_add(x, y, x) + T::clamp(x, y, c);
        a + b + c + d + e + f
    }
}

mod ufcs_trait {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T, y: T) -> T {
        Float::sin(x) * <T as Float>::exp(y) + autodiff::num_traits::Float::hypot(x, y)
    }
}

#[test]
fn ufcs() {
    let pts = &[[0.3, 0.6], [0.7, 0.2], [0.45, 0.55]];
    check!(ufcs[x, y] Cfg::new().ulps(64.0); pts);
    check!(ufcs_trait[x, y] Cfg::new(); pts);
}

/// The same in concrete f64 and f32: `f64::sin(x)`.
#[differentiable]
fn ufcs_f64(x: f64, y: f64) -> f64 {
    f64::sin(x) * f64::exp(y) + f64::powi(x, 2) + f64::max(x, y) + f64::atan2(y, x)
}

#[differentiable]
fn ufcs_f32(x: f32, y: f32) -> f32 {
    f32::sin(x) * f32::exp(y) + f32::powi(x, 2) + f32::max(x, y) + f32::atan2(y, x)
}

#[test]
fn ufcs_concrete() {
    for &(x, y) in &[(0.3, 0.6), (-1.0, 2.0), (2.0, -0.5)] {
        let (v, dx, dy) = ufcs_f64_grad(x, y);
        assert_eq!(v, ufcs_f64(x, y));
        let r2 = x * x + y * y;
        let want_dx = x.cos() * y.exp() + 2.0 * x + f64::from(u8::from(x >= y)) - y / r2;
        let want_dy = x.sin() * y.exp() + f64::from(u8::from(x < y)) + x / r2;
        common::close("ufcs_f64 dx", dx, want_dx, 1e-14, 1.0);
        common::close("ufcs_f64 dy", dy, want_dy, 1e-14, 1.0);
        let (v32, dx32, dy32) = ufcs_f32_grad(x as f32, y as f32);
        common::close("ufcs_f32 v", f64::from(v32), v, 1e-6, 1.0);
        common::close("ufcs_f32 dx", f64::from(dx32), dx, 1e-5, 1.0);
        common::close("ufcs_f32 dy", f64::from(dy32), dy, 1e-5, 1.0);
    }
}

// ---------------------------------------------------------------------------
// Multi-parameter functions and compositions.

/// Every unary method in one function: a long fan-out of one variable.
mod all_unary {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        let s = x.sqrt() + x.cbrt() + x.exp() + x.exp2() + x.exp_m1();
        let l = x.ln() + x.ln_1p() + x.log2() + x.log10() + x.recip();
        let t = x.sin() + x.cos() + x.tan() + x.asin() + x.acos() + x.atan();
        let h = x.sinh() + x.cosh() + x.tanh() + x.abs() + x.powi(4);
        let a = autodiff::sigmoid(x) + autodiff::softplus(x) + autodiff::relu(x);
        s * l - t / h + a
    }
}

/// Deep chain: each primitive feeds the next.
mod chain {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        x.sin()
            .exp()
            .sqrt()
            .ln_1p()
            .tanh()
            .atan()
            .cosh()
            .cbrt()
            .sinh()
            .exp2()
            .log2()
    }
}

/// Shared subexpressions: every use of `s` and `p` adds to their adjoints.
mod fan_out {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T, y: T) -> T {
        let s = (x * y).sin();
        let p = s * s + s.exp() * s - s / (s * s + T::one());
        let q = (x * y).sin() * p;
        p * q + q.powi(2) - (p - q).abs().sqrt()
    }
}

/// Binary primitives mixed together, three parameters.
mod binary_mix {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T, y: T, z: T) -> T {
        let r = x.hypot(y).powf(z) + y.atan2(x) * z.log(x + y);
        let m = x.max(y * z).min(z.mul_add(x, y));
        let k = (x - y).clamp(-z, z);
        r * m + k.powi(2) / (T::one() + z.powi(2))
    }
}

/// log-sum-exp, stabilised by the max.
mod lse {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(a: T, b: T, c: T) -> T {
        let m = a.max(b).max(c);
        m + ((a - m).exp() + (b - m).exp() + (c - m).exp()).ln()
    }
}

/// A small two-layer network with activations, constants from `T::from`.
mod network {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(w1: T, w2: T, b: T, v: T) -> T {
        let x1 = T::from(0.5).unwrap();
        let x2 = T::from(-1.5).unwrap();
        let h1 = autodiff::sigmoid(w1 * x1 + w2 * x2 + b);
        let h2 = autodiff::softplus(w2 * x1 - w1 * x2);
        let h3 = (w1 - w2).tanh();
        let out = v * (h1 + h2 + h3);
        let target = T::one();
        (out - target).powi(2) + T::from(1e-3).unwrap() * (w1 * w1 + w2 * w2)
    }
}

#[test]
fn compositions() {
    check!(all_unary[x] Cfg::new().ulps(256.0); &[[0.2], [0.5], [0.77]]);
    check!(chain[x] Cfg::new().ulps(256.0); &[[0.3], [1.0], [2.5], [-0.4]]);
    check!(fan_out[x, y] Cfg::new().ulps(256.0); &[[0.3, 0.7], [1.2, -0.8], [2.0, 2.0]]);
    check!(binary_mix[x, y, z] Cfg::new().ulps(256.0); &[[0.7, 1.3, 0.9], [2.0, 0.5, 1.7]]);
    let pts = &[[0.1, -0.3, 2.0], [-1.0, 3.0, 0.5], [5.0, 4.0, -2.0]];
    check!(lse[a, b, c] Cfg::new().ulps(64.0); pts);
    check_as!(f64, lse[a, b, c] Cfg::new(); &[[700.0, 699.0, -700.0]]);
    let pts = &[[0.3, -0.2, 0.1, 1.5], [-2.0, 1.0, 0.5, -0.7]];
    check!(network[w1, w2, b, v] Cfg::new().ulps(64.0); pts);
}

// ---------------------------------------------------------------------------
// Array parameters, generic over the element type.

/// Gaussian negative log-likelihood; the data are a constant `&` array.
mod gauss_nll {
    use super::*;
    #[differentiable(wrt(mu, log_s))]
    pub fn f<T: Float>(mu: [T; 3], log_s: T, x: &[T; 3]) -> T {
        let s = log_s.exp();
        let r0 = (x[0] - mu[0]) / s;
        let r1 = (x[1] - mu[1]) / s;
        let r2 = (x[2] - mu[2]) / s;
        let half = T::from(0.5).unwrap();
        half * (r0 * r0 + r1 * r1 + r2 * r2) + T::from(3.0).unwrap() * log_s
    }
}

/// `vᵀ M v + sigmoid(M₀₁)`, a 2-D array parameter.
mod quad {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(m: [[T; 2]; 2], v: [T; 2]) -> T {
        let mv0 = m[0][0] * v[0] + m[0][1] * v[1];
        let mv1 = m[1][0] * v[0] + m[1][1] * v[1];
        v[0] * mv0 + v[1] * mv1 + autodiff::sigmoid(m[0][1])
    }
}

/// Rosenbrock in four dimensions over a const-generic-free array, with the
/// same element read many times.
mod rosen4 {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: [T; 4]) -> T {
        let h = T::from(100.0).unwrap();
        let a = h * (x[1] - x[0] * x[0]).powi(2) + (T::one() - x[0]).powi(2);
        let b = h * (x[2] - x[1] * x[1]).powi(2) + (T::one() - x[1]).powi(2);
        let c = h * (x[3] - x[2] * x[2]).powi(2) + (T::one() - x[2]).powi(2);
        a + b + c
    }
}

fn arrays_in<T: common::Prec>() {
    let xs = [c::<T>(0.5), c(-1.0), c(2.0)];
    let xd = xs.map(T::cst);
    On::<T>::check(
        "gauss_nll",
        Cfg::new().ulps(64.0),
        &[
            [0.1, 0.2, 0.3, 0.0],
            [1.0, -2.0, 0.5, -0.7],
            [0.0, 0.0, 0.0, 1.2],
        ],
        |v| gauss_nll::f([v[0], v[1], v[2]], v[3], &xs),
        |v| {
            let (val, dmu, ds) = gauss_nll::f_grad([v[0], v[1], v[2]], v[3], &xs);
            (val, [dmu[0], dmu[1], dmu[2], ds])
        },
        |v, seed| {
            let (val, dmu, ds) = gauss_nll::f_vjp([v[0], v[1], v[2]], v[3], &xs, seed);
            (val, [dmu[0], dmu[1], dmu[2], ds])
        },
        |v| gauss_nll::f([v[0], v[1], v[2]], v[3], &xd),
    );
    On::<T>::check(
        "quad",
        Cfg::new().ulps(64.0),
        &[
            [1.0, 2.0, -0.5, 3.0, 0.7, -1.1],
            [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        ],
        |v| quad::f([[v[0], v[1]], [v[2], v[3]]], [v[4], v[5]]),
        |v| {
            let (val, dm, dv) = quad::f_grad([[v[0], v[1]], [v[2], v[3]]], [v[4], v[5]]);
            (val, [dm[0][0], dm[0][1], dm[1][0], dm[1][1], dv[0], dv[1]])
        },
        |v, seed| {
            let (val, dm, dv) = quad::f_vjp([[v[0], v[1]], [v[2], v[3]]], [v[4], v[5]], seed);
            (val, [dm[0][0], dm[0][1], dm[1][0], dm[1][1], dv[0], dv[1]])
        },
        |v| quad::f([[v[0], v[1]], [v[2], v[3]]], [v[4], v[5]]),
    );
    On::<T>::check(
        "rosen4",
        // The minimum (1, 1, 1, 1), where the gradient is 0: absolutely.
        Cfg::new().ulps(64.0).floor(1.0),
        &[
            [-1.2, 1.0, -1.2, 1.0],
            [1.0, 1.0, 1.0, 1.0],
            [0.3, 0.1, -0.4, 2.0],
        ],
        rosen4::f,
        |v| rosen4::f_grad(v),
        |v, seed| rosen4::f_vjp(v, seed),
        rosen4::f,
    );
}

#[test]
fn arrays() {
    arrays_in::<f64>();
    arrays_in::<f32>();
}

#[test]
fn rosen4_at_minimum_is_exactly_zero() {
    assert_eq!(rosen4::f_grad([1.0f64; 4]), (0.0, [0.0; 4]));
    assert_eq!(rosen4::f_grad([1.0f32; 4]), (0.0, [0.0; 4]));
}

// ---------------------------------------------------------------------------
// The harness itself: a derivative off by one part in 10⁹ must be caught by
// the oracle, and one off by 10⁻⁵ by finite differences alone.

fn sin_with_wrong_derivative(x: f64, k: f64, seed: f64) -> (f64, [f64; 1]) {
    (x.sin(), [seed * (x.cos() * k)])
}

#[test]
#[should_panic(expected = "dual-number oracle")]
fn harness_oracle_catches_a_wrong_derivative() {
    On::<f64>::check(
        "wrong",
        Cfg::new().no_fd(),
        &[[0.5]],
        |v| v[0].sin(),
        |v| sin_with_wrong_derivative(v[0], 1.0 + 1e-9, 1.0),
        |v, s| sin_with_wrong_derivative(v[0], 1.0 + 1e-9, s),
        |v| v[0].sin(),
    );
}

#[test]
#[should_panic(expected = "finite differences")]
fn harness_finite_differences_catch_a_wrong_derivative() {
    On::<f32>::check(
        "wrong",
        Cfg::new().no_oracle(),
        &[[0.5]],
        |v| v[0].sin(),
        |v| (v[0].sin(), [v[0].cos() * 1.01]),
        |v, s| (v[0].sin(), [s * (v[0].cos() * 1.01)]),
        |v| v[0].sin(),
    );
}
