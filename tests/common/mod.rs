//! Shared helpers of the macro-level tests: finite differences, and an exact
//! oracle made of dual numbers.
//!
//! The oracle: [`D64`] and [`D32`] wrap num-dual's `Dual64` / `Dual32` and
//! implement `num_traits::Float` (num-dual does not), so the *same* generic
//! user function `f<T: autodiff::Float>` that `#[differentiable]` turned into
//! reverse-mode code is also evaluated in forward mode, where every
//! derivative comes from num-dual's own rules. Only the operations num-dual
//! does not provide for a dual argument (`max`, `min`, `abs`, `hypot`, a dual
//! base of `log`) are written here, each by its textbook rule; at a kink they
//! follow autodiff's documented conventions (ties go to the receiver,
//! `|x|' = 0` at 0) so compositions stay comparable.
#![allow(dead_code)]

use autodiff::num_traits::{Float, Num, NumCast, One, ToPrimitive, Zero};
use core::cmp::Ordering;
use core::fmt::Debug;
use core::marker::PhantomData;
use core::ops::{Add, Div, Mul, Neg, Rem, Sub};
use num_dual::{Dual32, Dual64, DualNum};

macro_rules! dual_float {
    ($D:ident, $dual:ty, $f:ty) => {
        /// A dual number that implements `num_traits::Float`.
        #[derive(Clone, Copy, Debug)]
        pub struct $D(pub $dual);

        impl $D {
            /// The variable: derivative part 1.
            pub fn var(x: $f) -> Self {
                $D(<$dual>::new(x, 1.0))
            }
            /// A constant: derivative part 0.
            pub fn cst(x: $f) -> Self {
                $D(<$dual>::new(x, 0.0))
            }
            pub fn re(self) -> $f {
                self.0.re
            }
            pub fn eps(self) -> $f {
                self.0.eps
            }
            fn with(re: $f, eps: $f) -> Self {
                $D(<$dual>::new(re, eps))
            }
        }

        impl PartialEq for $D {
            fn eq(&self, o: &Self) -> bool {
                self.0.re == o.0.re
            }
        }
        impl PartialOrd for $D {
            fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
                self.0.re.partial_cmp(&o.0.re)
            }
        }
        impl Add for $D {
            type Output = Self;
            fn add(self, o: Self) -> Self {
                $D(self.0 + o.0)
            }
        }
        impl Sub for $D {
            type Output = Self;
            fn sub(self, o: Self) -> Self {
                $D(self.0 - o.0)
            }
        }
        impl Mul for $D {
            type Output = Self;
            fn mul(self, o: Self) -> Self {
                $D(self.0 * o.0)
            }
        }
        impl Div for $D {
            type Output = Self;
            fn div(self, o: Self) -> Self {
                $D(self.0 / o.0)
            }
        }
        impl Rem for $D {
            type Output = Self;
            fn rem(self, o: Self) -> Self {
                $D(self.0 % o.0)
            }
        }
        impl Neg for $D {
            type Output = Self;
            fn neg(self) -> Self {
                $D(-self.0)
            }
        }
        impl Zero for $D {
            fn zero() -> Self {
                Self::cst(0.0)
            }
            /// Structural, both parts zero: `autodiff::Dual` nested over this
            /// type (the second-order oracle) skips a product whose tangent
            /// `is_zero`, which must not drop this type's own derivative.
            fn is_zero(&self) -> bool {
                self.0.re == 0.0 && self.0.eps == 0.0
            }
        }
        impl One for $D {
            fn one() -> Self {
                Self::cst(1.0)
            }
        }
        impl Num for $D {
            type FromStrRadixErr = <$f as Num>::FromStrRadixErr;
            fn from_str_radix(s: &str, radix: u32) -> Result<Self, Self::FromStrRadixErr> {
                <$f as Num>::from_str_radix(s, radix).map(Self::cst)
            }
        }
        impl ToPrimitive for $D {
            fn to_i64(&self) -> Option<i64> {
                self.0.re.to_i64()
            }
            fn to_u64(&self) -> Option<u64> {
                self.0.re.to_u64()
            }
            fn to_f64(&self) -> Option<f64> {
                self.0.re.to_f64()
            }
        }
        impl NumCast for $D {
            fn from<N: ToPrimitive>(n: N) -> Option<Self> {
                <$f as NumCast>::from(n).map(Self::cst)
            }
        }

        impl Float for $D {
            fn nan() -> Self {
                Self::cst(<$f>::NAN)
            }
            fn infinity() -> Self {
                Self::cst(<$f>::INFINITY)
            }
            fn neg_infinity() -> Self {
                Self::cst(<$f>::NEG_INFINITY)
            }
            fn neg_zero() -> Self {
                Self::cst(-0.0)
            }
            fn min_value() -> Self {
                Self::cst(<$f>::MIN)
            }
            fn min_positive_value() -> Self {
                Self::cst(<$f>::MIN_POSITIVE)
            }
            fn epsilon() -> Self {
                Self::cst(<$f>::EPSILON)
            }
            fn max_value() -> Self {
                Self::cst(<$f>::MAX)
            }
            fn is_nan(self) -> bool {
                self.0.re.is_nan()
            }
            fn is_infinite(self) -> bool {
                self.0.re.is_infinite()
            }
            fn is_finite(self) -> bool {
                self.0.re.is_finite()
            }
            fn is_normal(self) -> bool {
                self.0.re.is_normal()
            }
            fn classify(self) -> core::num::FpCategory {
                self.0.re.classify()
            }
            fn floor(self) -> Self {
                Self::cst(self.0.re.floor())
            }
            fn ceil(self) -> Self {
                Self::cst(self.0.re.ceil())
            }
            fn round(self) -> Self {
                Self::cst(self.0.re.round())
            }
            fn trunc(self) -> Self {
                Self::cst(self.0.re.trunc())
            }
            fn fract(self) -> Self {
                Self::with(self.0.re.fract(), self.0.eps)
            }
            /// `|x|`, with derivative `sign x`, 0 at 0 (autodiff's convention).
            fn abs(self) -> Self {
                match self.0.re.partial_cmp(&0.0) {
                    Some(Ordering::Greater) => self,
                    Some(Ordering::Less) => -self,
                    _ => Self::with(self.0.re.abs(), 0.0 * self.0.eps),
                }
            }
            fn signum(self) -> Self {
                Self::cst(self.0.re.signum())
            }
            fn is_sign_positive(self) -> bool {
                self.0.re.is_sign_positive()
            }
            fn is_sign_negative(self) -> bool {
                self.0.re.is_sign_negative()
            }
            /// Fused value, derivative `a dx + x da + db`.
            fn mul_add(self, a: Self, b: Self) -> Self {
                Self::with(self.0.re.mul_add(a.0.re, b.0.re), (self * a + b).0.eps)
            }
            fn recip(self) -> Self {
                $D(DualNum::recip(&self.0))
            }
            fn powi(self, n: i32) -> Self {
                $D(DualNum::powi(&self.0, n))
            }
            /// num-dual's `powf` for a constant exponent, `powd` (`e^(n ln x)`)
            /// for a dual one, with the value taken from `powf`.
            fn powf(self, n: Self) -> Self {
                if n.0.eps == 0.0 {
                    $D(DualNum::powf(&self.0, n.0.re))
                } else {
                    Self::with(self.0.re.powf(n.0.re), DualNum::powd(&self.0, n.0).eps)
                }
            }
            fn sqrt(self) -> Self {
                $D(DualNum::sqrt(&self.0))
            }
            fn exp(self) -> Self {
                $D(DualNum::exp(&self.0))
            }
            fn exp2(self) -> Self {
                $D(DualNum::exp2(&self.0))
            }
            fn ln(self) -> Self {
                $D(DualNum::ln(&self.0))
            }
            fn log(self, base: Self) -> Self {
                if base.0.eps == 0.0 {
                    $D(DualNum::log(&self.0, base.0.re))
                } else {
                    self.ln() / base.ln()
                }
            }
            fn log2(self) -> Self {
                $D(DualNum::log2(&self.0))
            }
            fn log10(self) -> Self {
                $D(DualNum::log10(&self.0))
            }
            fn to_degrees(self) -> Self {
                Self::with(self.0.re.to_degrees(), self.0.eps.to_degrees())
            }
            fn to_radians(self) -> Self {
                Self::with(self.0.re.to_radians(), self.0.eps.to_radians())
            }
            /// `max`, NaN ignored like `f64::max`; a tie selects the receiver.
            fn max(self, o: Self) -> Self {
                if o.is_nan() || (!self.is_nan() && self.0.re >= o.0.re) {
                    self
                } else {
                    o
                }
            }
            /// `min`, NaN ignored like `f64::min`; a tie selects the receiver.
            fn min(self, o: Self) -> Self {
                if o.is_nan() || (!self.is_nan() && self.0.re <= o.0.re) {
                    self
                } else {
                    o
                }
            }
            fn abs_sub(self, o: Self) -> Self {
                (self - o).max(Self::zero())
            }
            fn cbrt(self) -> Self {
                $D(DualNum::cbrt(&self.0))
            }
            /// `h = hypot(a, b)`, `dh = (a da + b db) / h`, computed without
            /// overflow as `(a/h) da + (b/h) db`.
            fn hypot(self, o: Self) -> Self {
                let h = self.0.re.hypot(o.0.re);
                Self::with(h, (self.0.re / h) * self.0.eps + (o.0.re / h) * o.0.eps)
            }
            fn sin(self) -> Self {
                $D(DualNum::sin(&self.0))
            }
            fn cos(self) -> Self {
                $D(DualNum::cos(&self.0))
            }
            fn tan(self) -> Self {
                $D(DualNum::tan(&self.0))
            }
            fn asin(self) -> Self {
                $D(DualNum::asin(&self.0))
            }
            fn acos(self) -> Self {
                $D(DualNum::acos(&self.0))
            }
            fn atan(self) -> Self {
                $D(DualNum::atan(&self.0))
            }
            fn atan2(self, o: Self) -> Self {
                $D(DualNum::atan2(&self.0, o.0))
            }
            fn sin_cos(self) -> (Self, Self) {
                (self.sin(), self.cos())
            }
            fn exp_m1(self) -> Self {
                $D(DualNum::exp_m1(&self.0))
            }
            fn ln_1p(self) -> Self {
                $D(DualNum::ln_1p(&self.0))
            }
            fn sinh(self) -> Self {
                $D(DualNum::sinh(&self.0))
            }
            fn cosh(self) -> Self {
                $D(DualNum::cosh(&self.0))
            }
            fn tanh(self) -> Self {
                $D(DualNum::tanh(&self.0))
            }
            fn asinh(self) -> Self {
                $D(DualNum::asinh(&self.0))
            }
            fn acosh(self) -> Self {
                $D(DualNum::acosh(&self.0))
            }
            fn atanh(self) -> Self {
                $D(DualNum::atanh(&self.0))
            }
            fn integer_decode(self) -> (u64, i16, i8) {
                self.0.re.integer_decode()
            }
        }
    };
}

dual_float!(D64, Dual64, f64);
dual_float!(D32, Dual32, f32);

/// A float type under test, with its dual-number twin and its tolerances.
pub trait Prec: Float + Debug + 'static {
    /// The dual number of the same precision.
    type D: Float + Debug;
    const NAME: &'static str;
    fn var(x: Self) -> Self::D;
    fn cst(x: Self) -> Self::D;
    fn re(d: Self::D) -> Self;
    fn eps_part(d: Self::D) -> Self;
    /// A dual number with value `x` and derivative part `v`: a point moving
    /// in direction `v`.
    fn dir(x: Self, v: Self) -> Self::D;
    /// Converts a point written in f64.
    fn of(x: f64) -> Self {
        <Self as NumCast>::from(x).expect("point representable")
    }
    fn to64(self) -> f64 {
        self.to_f64().unwrap()
    }
}

impl Prec for f64 {
    type D = D64;
    const NAME: &'static str = "f64";
    fn var(x: f64) -> D64 {
        D64::var(x)
    }
    fn cst(x: f64) -> D64 {
        D64::cst(x)
    }
    fn re(d: D64) -> f64 {
        d.re()
    }
    fn eps_part(d: D64) -> f64 {
        d.eps()
    }
    fn dir(x: f64, v: f64) -> D64 {
        D64(Dual64::new(x, v))
    }
}

impl Prec for f32 {
    type D = D32;
    const NAME: &'static str = "f32";
    fn var(x: f32) -> D32 {
        D32::var(x)
    }
    fn cst(x: f32) -> D32 {
        D32::cst(x)
    }
    fn re(d: D32) -> f32 {
        d.re()
    }
    fn eps_part(d: D32) -> f32 {
        d.eps()
    }
    fn dir(x: f32, v: f32) -> D32 {
        D32(Dual32::new(x, v))
    }
}

/// How a set of points is checked.
#[derive(Clone, Copy, Debug)]
pub struct Cfg {
    /// Compare with central finite differences.
    pub fd: bool,
    /// Compare with the dual-number oracle.
    pub oracle: bool,
    /// Finite-difference step: `None` for `b · max(1, |x_i|)` with
    /// `b = eps^(1/3)` (f64) or `1e-3` (f32), or an
    /// absolute step for f64 and for f32 (for oscillating functions at large
    /// arguments, and for points near the edge of a domain).
    pub step: Option<(f64, f64)>,
    /// Relative tolerance against the oracle, in units of the type's epsilon.
    pub oracle_ulps: f64,
    /// Scale below which derivatives are compared absolutely, against the
    /// oracle (`|g - o| <= tol · max(|g|, |o|, floor)`), finite differences
    /// and the seeded pullback: for rules documented as accurate to about
    /// one ulp of 1 rather than relatively (saturated `tanh`, `sigmoid`).
    pub floor: f64,
    /// Relative tolerance against finite differences (truncation part; the
    /// rounding part is estimated from the function values).
    pub fd_rtol64: f64,
    pub fd_rtol32: f64,
}

impl Default for Cfg {
    fn default() -> Self {
        Cfg {
            fd: true,
            oracle: true,
            step: None,
            oracle_ulps: 16.0,
            floor: 0.0,
            fd_rtol64: 1e-7,
            fd_rtol32: 1e-3,
        }
    }
}

impl Cfg {
    pub fn new() -> Self {
        Self::default()
    }
    /// Not differentiable here (a kink, a tie): no finite differences.
    pub fn no_fd(mut self) -> Self {
        self.fd = false;
        self
    }
    pub fn no_oracle(mut self) -> Self {
        self.oracle = false;
        self
    }
    /// Absolute finite-difference steps, for f64 and for f32.
    pub fn step(mut self, h64: f64, h32: f64) -> Self {
        self.step = Some((h64, h32));
        self
    }
    pub fn ulps(mut self, u: f64) -> Self {
        self.oracle_ulps = u;
        self
    }
    pub fn floor(mut self, f: f64) -> Self {
        self.floor = f;
        self
    }
    pub fn fd_rtol(mut self, r64: f64, r32: f64) -> Self {
        self.fd_rtol64 = r64;
        self.fd_rtol32 = r32;
        self
    }
}

fn is_f32<T: Prec>() -> bool {
    T::NAME == "f32"
}

/// Checks one function at every point.
///
/// * the value returned by `grad` equals `f` (bit for bit: the generated
///   forward pass calls the same float operations);
/// * every partial agrees with the dual-number oracle and with finite
///   differences (each as configured);
/// * `vjp(x, -2)` is exactly `-2 ×` the gradient (the pullback is linear in
///   the seed and scaling by a power of two is exact) and `vjp(x, 0.3)` is
///   `0.3 ×` the gradient up to rounding.
pub struct On<T>(PhantomData<T>);

impl<T: Prec> On<T> {
    #[track_caller]
    pub fn check<const N: usize>(
        name: &str,
        cfg: Cfg,
        pts: &[[f64; N]],
        f: impl Fn([T; N]) -> T,
        grad: impl Fn([T; N]) -> (T, [T; N]),
        vjp: impl Fn([T; N], T) -> (T, [T; N]),
        dual: impl Fn([T::D; N]) -> T::D,
    ) {
        let eps = T::epsilon().to64();
        for p in pts {
            let x: [T; N] = p.map(T::of);
            let at = format!("{name}::<{}> at {x:?}", T::NAME);
            let (v, g) = grad(x);
            let fx = f(x);
            assert!(
                v == fx || (v.is_nan() && fx.is_nan()),
                "{at}: value {v:?} from _grad, {fx:?} from the function"
            );
            let (vs, gs) = vjp(x, T::of(-2.0));
            assert!(
                vs == v || (vs.is_nan() && v.is_nan()),
                "{at}: vjp value {vs:?} vs {v:?}"
            );
            for i in 0..N {
                let want = T::of(-2.0) * g[i];
                assert!(
                    gs[i] == want || (gs[i].is_nan() && want.is_nan()),
                    "{at}: vjp(seed = -2)[{i}] = {:?}, -2 · grad = {want:?}",
                    gs[i]
                );
            }
            let (_, g3) = vjp(x, T::of(0.3));
            for i in 0..N {
                close(
                    &format!("{at}: vjp(seed = 0.3)[{i}] vs 0.3 · grad"),
                    g3[i].to64(),
                    0.3 * g[i].to64(),
                    256.0 * eps,
                    cfg.floor.max(f64::MIN_POSITIVE),
                );
            }
            for i in 0..N {
                let gi = g[i].to64();
                if cfg.oracle {
                    let mut dx: [T::D; N] = x.map(T::cst);
                    dx[i] = T::var(x[i]);
                    let out = dual(dx);
                    close(
                        &format!("{at}: oracle value"),
                        v.to64(),
                        T::re(out).to64(),
                        cfg.oracle_ulps * eps,
                        cfg.floor,
                    );
                    close(
                        &format!("{at}: d/dx{i} vs dual-number oracle"),
                        gi,
                        T::eps_part(out).to64(),
                        cfg.oracle_ulps * eps,
                        cfg.floor,
                    );
                }
                if cfg.fd {
                    // eps^(1/3) in f64; 1e-3 in f32 (eps^(1/3) = 5e-3 is too
                    // coarse for exp(80) and the like).
                    let base = if is_f32::<T>() { 1e-3 } else { eps.cbrt() };
                    let h = match cfg.step {
                        Some((h64, h32)) => {
                            if is_f32::<T>() {
                                h32
                            } else {
                                h64
                            }
                        }
                        None => base * x[i].to64().abs().max(1.0),
                    };
                    let (d, rounding) = fd_partial(&f, x, i, T::of(h));
                    let (d, rounding) = (d.to64(), rounding.to64());
                    let rtol = if is_f32::<T>() {
                        cfg.fd_rtol32
                    } else {
                        cfg.fd_rtol64
                    };
                    let tol = rtol * gi.abs().max(d.abs()).max(cfg.floor) + rounding;
                    assert!(
                    (gi - d).abs() <= tol,
                    "{at}: d/dx{i} = {gi:e}, finite differences {d:e} (|diff| = {:e}, allowed {tol:e})",
                    (gi - d).abs()
                );
                }
            }
        }
    }
}

mod fd;
mod forward;
mod second;
#[allow(unused_imports)]
pub use fd::{close, fd_grad, fd_partial};
