//! `impl Float for Dual<T>`: every method's value from `T`'s own method and
//! its derivative by the chain rule, with the conventions documented on
//! [`Dual`].

use super::{ddiv, dmul, Dual};
use core::num::FpCategory;
use num_traits::{Float, One};

/// `v` converted to `T` (the constants here exist in every float type).
#[inline(always)]
fn lit<T: Float>(v: f64) -> T {
    T::from(v).unwrap_or_else(T::nan)
}

impl<T: Float> Dual<T> {
    /// `f(re)` with derivative `f'`: the tangent `eps · f'`.
    #[inline(always)]
    fn chain(self, value: T, deriv: T) -> Self {
        Dual::new(value, dmul(self.eps, deriv))
    }

    /// `f(re)` with derivative `1 / q`: the tangent `eps / q`.
    #[inline(always)]
    fn chain_div(self, value: T, q: T) -> Self {
        Dual::new(value, ddiv(self.eps, q))
    }

    /// A piecewise-constant function's value: tangent 0.
    #[inline(always)]
    fn flat(value: T) -> Self {
        Dual::constant(value)
    }
}

impl<T: Float> Float for Dual<T> {
    fn nan() -> Self {
        Self::flat(T::nan())
    }
    fn infinity() -> Self {
        Self::flat(T::infinity())
    }
    fn neg_infinity() -> Self {
        Self::flat(T::neg_infinity())
    }
    fn neg_zero() -> Self {
        Self::flat(T::neg_zero())
    }
    fn min_value() -> Self {
        Self::flat(T::min_value())
    }
    fn min_positive_value() -> Self {
        Self::flat(T::min_positive_value())
    }
    fn epsilon() -> Self {
        Self::flat(T::epsilon())
    }
    fn max_value() -> Self {
        Self::flat(T::max_value())
    }

    fn is_nan(self) -> bool {
        self.re.is_nan()
    }
    fn is_infinite(self) -> bool {
        self.re.is_infinite()
    }
    fn is_finite(self) -> bool {
        self.re.is_finite()
    }
    fn is_normal(self) -> bool {
        self.re.is_normal()
    }
    fn is_subnormal(self) -> bool {
        self.re.is_subnormal()
    }
    fn classify(self) -> FpCategory {
        self.re.classify()
    }
    fn is_sign_positive(self) -> bool {
        self.re.is_sign_positive()
    }
    fn is_sign_negative(self) -> bool {
        self.re.is_sign_negative()
    }
    fn integer_decode(self) -> (u64, i16, i8) {
        self.re.integer_decode()
    }

    /// Piecewise constant: tangent 0.
    fn floor(self) -> Self {
        Self::flat(self.re.floor())
    }
    /// Piecewise constant: tangent 0.
    fn ceil(self) -> Self {
        Self::flat(self.re.ceil())
    }
    /// Piecewise constant: tangent 0.
    fn round(self) -> Self {
        Self::flat(self.re.round())
    }
    /// Piecewise constant: tangent 0.
    fn trunc(self) -> Self {
        Self::flat(self.re.trunc())
    }
    /// `x - trunc x`: the tangent passes through.
    fn fract(self) -> Self {
        Dual::new(self.re.fract(), self.eps)
    }
    /// Piecewise constant: tangent 0.
    fn signum(self) -> Self {
        Self::flat(self.re.signum())
    }

    /// `|x|`, derivative `sign x`: 0 at `x = 0`, NaN at NaN.
    fn abs(self) -> Self {
        let s = if self.re > T::zero() {
            T::one()
        } else if self.re < T::zero() {
            -T::one()
        } else {
            self.re * T::zero()
        };
        self.chain(self.re.abs(), s)
    }

    /// `x` with the sign of `sign`: the tangent of `x`, negated if the sign
    /// flips; constant in `sign`.
    fn copysign(self, sign: Self) -> Self {
        let flip = self.re.is_sign_negative() != sign.re.is_sign_negative();
        Dual::new(
            self.re.copysign(sign.re),
            if flip { -self.eps } else { self.eps },
        )
    }

    /// `max`, ignoring a NaN operand like `T::max`; the tangent of the
    /// operand returned, the receiver's at a tie.
    fn max(self, other: Self) -> Self {
        let y = self.re.max(other.re);
        Dual::new(y, if y == self.re { self.eps } else { other.eps })
    }

    /// `min`, ignoring a NaN operand like `T::min`; the tangent of the
    /// operand returned, the receiver's at a tie.
    fn min(self, other: Self) -> Self {
        let y = self.re.min(other.re);
        Dual::new(y, if y == self.re { self.eps } else { other.eps })
    }

    /// `x` limited to `[lo, hi]` (`lo` wins when `lo > hi`, a NaN `x` stays
    /// NaN): the tangent of the value returned, `x`'s on the bounds.
    fn clamp(self, lo: Self, hi: Self) -> Self {
        if self.re < lo.re {
            lo
        } else if self.re > hi.re {
            hi
        } else {
            self
        }
    }

    /// `max(x - y, 0)`; tangent `x' - y'` where `x > y`, else 0.
    fn abs_sub(self, other: Self) -> Self {
        #[allow(deprecated)]
        let v = self.re.abs_sub(other.re);
        if self.re > other.re {
            Dual::new(v, self.eps - other.eps)
        } else {
            Self::flat(v)
        }
    }

    /// Fused `x a + b`; tangent `x' a + x a' + b'`.
    fn mul_add(self, a: Self, b: Self) -> Self {
        Dual::new(
            self.re.mul_add(a.re, b.re),
            dmul(self.eps, a.re) + dmul(a.eps, self.re) + b.eps,
        )
    }

    /// `1/x`, derivative `-1/x²`.
    fn recip(self) -> Self {
        let r = self.re.recip();
        self.chain(r, -(r * r))
    }

    /// `xⁿ`, derivative `n xⁿ⁻¹`; a constant for `n = 0`.
    fn powi(self, n: i32) -> Self {
        if n == 0 {
            return Self::one();
        }
        let y = self.re.powi(n);
        let lower = match n.checked_sub(1) {
            Some(m) => self.re.powi(m),
            None => y / self.re,
        };
        self.chain(y, lit::<T>(f64::from(n)) * lower)
    }

    /// `xᵉ`: tangent `e xᵉ⁻¹ x'` (0 for `e = 0`) plus `xᵉ ln x · e'` where
    /// `xᵉ ln x` is finite (0 elsewhere: see the type's conventions).
    fn powf(self, e: Self) -> Self {
        let y = self.re.powf(e.re);
        let dx = if e.re.is_zero() {
            T::zero()
        } else {
            dmul(self.eps, e.re * self.re.powf(e.re - T::one()))
        };
        let de = if e.eps.is_zero() {
            T::zero()
        } else {
            let l = y * self.re.ln();
            if l.is_finite() {
                e.eps * l
            } else {
                T::zero()
            }
        };
        Dual::new(y, dx + de)
    }

    /// `√x`, derivative `1/(2√x)`.
    fn sqrt(self) -> Self {
        let s = self.re.sqrt();
        self.chain_div(s, s + s)
    }

    /// `∛x`, derivative `1/(3∛x²)`.
    fn cbrt(self) -> Self {
        let c = self.re.cbrt();
        self.chain_div(c, lit::<T>(3.0) * c * c)
    }

    /// `eˣ`, derivative `eˣ`.
    fn exp(self) -> Self {
        let y = self.re.exp();
        self.chain(y, y)
    }

    /// `2ˣ`, derivative `2ˣ ln 2`.
    fn exp2(self) -> Self {
        let y = self.re.exp2();
        self.chain(y, y * lit::<T>(core::f64::consts::LN_2))
    }

    /// `eˣ - 1`, derivative `eˣ`.
    fn exp_m1(self) -> Self {
        self.chain(self.re.exp_m1(), self.re.exp())
    }

    /// `ln x`, derivative `1/x`.
    fn ln(self) -> Self {
        self.chain_div(self.re.ln(), self.re)
    }

    /// `ln(1 + x)`, derivative `1/(1 + x)`.
    fn ln_1p(self) -> Self {
        self.chain_div(self.re.ln_1p(), T::one() + self.re)
    }

    /// `log₂ x`, derivative `1/(x ln 2)`.
    fn log2(self) -> Self {
        let q = self.re * lit::<T>(core::f64::consts::LN_2);
        self.chain_div(self.re.log2(), q)
    }

    /// `log₁₀ x`, derivative `1/(x ln 10)`.
    fn log10(self) -> Self {
        let q = self.re * lit::<T>(core::f64::consts::LN_10);
        self.chain_div(self.re.log10(), q)
    }

    /// `log_b x`: `∂/∂x = 1/(x ln b)`, `∂/∂b = -log_b x / (b ln b)`.
    fn log(self, b: Self) -> Self {
        let y = self.re.log(b.re);
        let lb = b.re.ln();
        Dual::new(
            y,
            ddiv(self.eps, self.re * lb) - dmul(b.eps, y / (b.re * lb)),
        )
    }

    /// Scales both parts by `180/π`.
    fn to_degrees(self) -> Self {
        Dual::new(self.re.to_degrees(), self.eps.to_degrees())
    }

    /// Scales both parts by `π/180`.
    fn to_radians(self) -> Self {
        Dual::new(self.re.to_radians(), self.eps.to_radians())
    }

    /// `√(x² + y²)` without overflow; tangent `(x x' + y y') / h`, 0 at the
    /// origin (the library's subgradient).
    fn hypot(self, other: Self) -> Self {
        let h = self.re.hypot(other.re);
        if h == T::zero() {
            return Self::flat(h);
        }
        Dual::new(
            h,
            dmul(self.eps, self.re / h) + dmul(other.eps, other.re / h),
        )
    }

    /// `sin x`, derivative `cos x`.
    fn sin(self) -> Self {
        self.chain(self.re.sin(), self.re.cos())
    }

    /// `cos x`, derivative `-sin x`.
    fn cos(self) -> Self {
        self.chain(self.re.cos(), -self.re.sin())
    }

    /// `(sin x, cos x)`, from one `T::sin_cos`.
    fn sin_cos(self) -> (Self, Self) {
        let (s, c) = self.re.sin_cos();
        (self.chain(s, c), self.chain(c, -s))
    }

    /// `tan x`, derivative `1 + tan² x`.
    fn tan(self) -> Self {
        let t = self.re.tan();
        self.chain(t, T::one() + t * t)
    }

    /// `asin x`, derivative `1/√((1 - x)(1 + x))`.
    fn asin(self) -> Self {
        let q = ((T::one() - self.re) * (T::one() + self.re)).sqrt();
        self.chain_div(self.re.asin(), q)
    }

    /// `acos x`, derivative `-1/√((1 - x)(1 + x))`.
    fn acos(self) -> Self {
        let q = ((T::one() - self.re) * (T::one() + self.re)).sqrt();
        self.chain_div(self.re.acos(), -q)
    }

    /// `atan x`, derivative `1/(1 + x²)`.
    fn atan(self) -> Self {
        self.chain_div(self.re.atan(), T::one() + self.re * self.re)
    }

    /// `atan2(y, x)` (receiver `y`): tangent `(x y' - y x') / r²` with
    /// `r = hypot(x, y)`, computed as `((x/r) y' - (y/r) x') / r`; 0 at the
    /// origin.
    fn atan2(self, x: Self) -> Self {
        let v = self.re.atan2(x.re);
        let r = x.re.hypot(self.re);
        if r == T::zero() {
            return Self::flat(v);
        }
        let t = dmul(self.eps, x.re / r) - dmul(x.eps, self.re / r);
        Dual::new(v, ddiv(t, r))
    }

    /// `sinh x`, derivative `cosh x`.
    fn sinh(self) -> Self {
        self.chain(self.re.sinh(), self.re.cosh())
    }

    /// `cosh x`, derivative `sinh x`.
    fn cosh(self) -> Self {
        self.chain(self.re.cosh(), self.re.sinh())
    }

    /// `tanh x`, derivative `(1 - tanh x)(1 + tanh x)`.
    fn tanh(self) -> Self {
        let t = self.re.tanh();
        self.chain(t, (T::one() - t) * (T::one() + t))
    }

    /// `asinh x`, derivative `1/√(x² + 1)` (as `hypot(x, 1)`: no overflow).
    fn asinh(self) -> Self {
        self.chain_div(self.re.asinh(), self.re.hypot(T::one()))
    }

    /// `acosh x`, derivative `1/(√(x - 1) √(x + 1))`.
    fn acosh(self) -> Self {
        let q = (self.re - T::one()).sqrt() * (self.re + T::one()).sqrt();
        self.chain_div(self.re.acosh(), q)
    }

    /// `atanh x`, derivative `1/((1 - x)(1 + x))`.
    fn atanh(self) -> Self {
        let q = (T::one() - self.re) * (T::one() + self.re);
        self.chain_div(self.re.atanh(), q)
    }
}
