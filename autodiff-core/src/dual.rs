//! [`Dual<T>`]: a forward-mode dual number `re + eps·ε` (`ε² = 0`) that
//! implements [`num_traits::Float`], so generic code — including the
//! gradients `#[differentiable]` generates — runs on it unchanged.
//!
//! The arithmetic and the `num_traits` plumbing are here; the [`Float`]
//! methods, each with its derivative, are in `dual/float.rs`.

use core::cmp::Ordering;
use core::fmt;
use core::iter::{Product, Sum};
use core::ops::{
    Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, RemAssign, Sub, SubAssign,
};
use num_traits::{Float, FloatConst, Num, NumCast, One, Signed, ToPrimitive, Zero};

mod float;

/// A dual number `re + eps·ε` with `ε² = 0`: a value and its derivative
/// along one direction, carried together through every operation
/// (forward-mode differentiation).
///
/// `Dual<T>` implements [`num_traits::Float`] for every `T: Float`, so a
/// function written for a generic `T: Float` evaluates on it unchanged, and
/// so does the gradient that `#[differentiable]` generates for it:
/// `f_grad::<Dual<f64>>` at the point `x + ε v` returns the gradient in the
/// real parts and the **Hessian-vector product** `H v` in the `eps` parts
/// (forward-over-reverse). Duals nest: `Dual<Dual<f64>>` carries second
/// derivatives along two directions.
///
/// # Example: a Hessian-vector product by nesting
///
/// Any gradient written generically works; `#[differentiable]`'s `f_grad`
/// is one. Here, by hand, the gradient of
/// `f(x, y) = (1 - x)² + 100 (y - x²)²` (Rosenbrock):
///
/// ```
/// use autodiff_core::{Dual, Float};
///
/// fn grad<T: Float>(x: T, y: T) -> [T; 2] {
///     let c = |v: f64| T::from(v).unwrap();
///     let r = y - x * x;
///     [c(-2.0) * (T::one() - x) - c(400.0) * x * r, c(200.0) * r]
/// }
///
/// // H v at (x, y) = (1, 2) for v = (1, 0): seed each argument with its
/// // component of v.
/// let [gx, gy] = grad(Dual::new(1.0, 1.0), Dual::new(2.0, 0.0));
/// assert_eq!([gx.re, gy.re], [-400.0, 200.0]); // the gradient
/// // H = [[1200x² - 400y + 2, -400x], [-400x, 200]] = [[402, -400], [-400, 200]]
/// assert_eq!([gx.eps, gy.eps], [402.0, -400.0]); // H v, its first column
/// ```
///
/// With the macro, for `#[differentiable] fn f<T: Float>(x: T, y: T) -> T`,
/// the same is `let (_, gx, gy) = f_grad(Dual::new(x, vx), Dual::new(y, vy));`.
///
/// # Conventions
///
/// - **Comparisons look at the real parts only** (`==`, `<`, `partial_cmp`,
///   `max`, `min`, `clamp`): a branch in differentiated code must take the
///   arm the primal computation takes, whatever the derivative is, or the
///   derivative would be that of another function. So `Dual::new(1.0, 2.0)
///   == Dual::new(1.0, 3.0)`. [`Zero::is_zero`] and [`One::is_one`] are
///   structural (both parts), since they ask for the identity element.
/// - **A zero tangent stays exactly zero**: each term `dx · ∂f/∂x` is 0 when
///   `dx` is 0, even where `∂f/∂x` is infinite or NaN (`√0`, `ln 0`, `e^800`,
///   `x · ∞`), so constants stay constants. A nonzero tangent meets the
///   derivative as it is: `√x` at 0 along `dx = 1` has the tangent `+∞`.
/// - At kinks, the library's conventions: `|x|' = 0` at 0; `max`/`min` pass
///   the tangent of the operand they return, the receiver at a tie; `clamp`
///   passes `x`'s inside `[lo, hi]`, bounds included; `hypot` and `atan2`
///   have tangent 0 at the origin; `powi(0)` and `powf` with exponent 0 are
///   constants.
/// - `powf(x, e)`: the exponent's term `xᵉ ln x · de` is taken only where
///   `xᵉ ln x` is finite, and as 0 elsewhere (at `x = 0`, the limit for
///   `e > 0`; for `x < 0`, where `xᵉ` exists only at integers `e`).
/// - Piecewise-constant functions (`floor`, `ceil`, `round`, `trunc`,
///   `signum`) have tangent 0; `fract` passes the tangent through; the
///   queries (`is_nan`, `classify`, `integer_decode`, ...) and conversions
///   (`to_f64`, ...) look at the real part.
///
/// A plain `T` on the right of an operator (`d * 2.0`, `d += 1.0`) is a
/// constant, and so is `Dual::from(x)`. Besides [`Float`], `Dual<T>`
/// implements [`FloatConst`] (for `T: FloatConst`), [`Signed`], [`Sum`] and
/// [`Product`]. Everything goes through `T`'s own [`Float`] methods:
/// `no_std`, with `libm` or std's intrinsics as `T` has them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Dual<T> {
    /// The value.
    pub re: T,
    /// The derivative part: the tangent along the seeded direction.
    pub eps: T,
}

impl<T> Dual<T> {
    /// `re + eps·ε`.
    #[inline(always)]
    pub const fn new(re: T, eps: T) -> Self {
        Dual { re, eps }
    }
}

impl<T: Float> Dual<T> {
    /// The variable `x`: derivative part 1.
    #[inline(always)]
    pub fn var(x: T) -> Self {
        Dual::new(x, T::one())
    }

    /// The constant `x`: derivative part 0.
    #[inline(always)]
    pub fn constant(x: T) -> Self {
        Dual::new(x, T::zero())
    }
}

impl<T: Float> From<T> for Dual<T> {
    /// The constant `x`.
    #[inline(always)]
    fn from(x: T) -> Self {
        Dual::constant(x)
    }
}

/// `d · f`, exactly 0 when the tangent `d` is (structurally) zero, whatever
/// `f` is: a constant's tangent never becomes `0 · ∞ = NaN`.
#[inline(always)]
pub(crate) fn dmul<T: Float>(d: T, f: T) -> T {
    if d.is_zero() {
        T::zero()
    } else {
        d * f
    }
}

/// `d / q`, exactly 0 when `d` is zero (see [`dmul`]).
#[inline(always)]
pub(crate) fn ddiv<T: Float>(d: T, q: T) -> T {
    if d.is_zero() {
        T::zero()
    } else {
        d / q
    }
}

impl<T: PartialEq> PartialEq for Dual<T> {
    /// Compares the real parts only (see the type's conventions).
    #[inline(always)]
    fn eq(&self, other: &Self) -> bool {
        self.re == other.re
    }
}

impl<T: PartialOrd> PartialOrd for Dual<T> {
    /// Orders by the real parts only (see the type's conventions).
    #[inline(always)]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.re.partial_cmp(&other.re)
    }
}

impl<T: Float + fmt::Display> fmt::Display for Dual<T> {
    /// `re + epsε` (`re - |eps|ε` for a negative `eps`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.eps.is_sign_negative() {
            write!(f, "{} - {}ε", self.re, -self.eps)
        } else {
            write!(f, "{} + {}ε", self.re, self.eps)
        }
    }
}

impl<T: Float> Neg for Dual<T> {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        Dual::new(-self.re, -self.eps)
    }
}

impl<T: Float> Add for Dual<T> {
    type Output = Self;
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        Dual::new(self.re + o.re, self.eps + o.eps)
    }
}

impl<T: Float> Sub for Dual<T> {
    type Output = Self;
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        Dual::new(self.re - o.re, self.eps - o.eps)
    }
}

impl<T: Float> Mul for Dual<T> {
    type Output = Self;
    /// `(a b)' = a' b + a b'`.
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        Dual::new(self.re * o.re, dmul(self.eps, o.re) + dmul(o.eps, self.re))
    }
}

impl<T: Float> Div for Dual<T> {
    type Output = Self;
    /// `(a / b)' = (a' - (a/b) b') / b`.
    #[inline(always)]
    fn div(self, o: Self) -> Self {
        let q = self.re / o.re;
        Dual::new(q, ddiv(self.eps - dmul(o.eps, q), o.re))
    }
}

impl<T: Float> Rem for Dual<T> {
    type Output = Self;
    /// `a % b = a - b·trunc(a/b)`; the quotient is piecewise constant, so
    /// `(a % b)' = a' - b'·trunc(a/b)`.
    #[inline(always)]
    fn rem(self, o: Self) -> Self {
        let n = (self.re / o.re).trunc();
        Dual::new(self.re % o.re, self.eps - dmul(o.eps, n))
    }
}

/// `Dual<T> ∘ T`: the scalar is a constant.
macro_rules! scalar_ops {
    ($($Op:ident $op:ident),*) => {$(
        impl<T: Float> $Op<T> for Dual<T> {
            type Output = Self;
            #[inline(always)]
            fn $op(self, o: T) -> Self {
                $Op::$op(self, Dual::constant(o))
            }
        }
    )*};
}
scalar_ops!(Add add, Sub sub, Mul mul, Div div, Rem rem);

macro_rules! assign_ops {
    ($($Op:ident $op:ident $Bin:ident $bin:ident),*) => {$(
        impl<T: Float> $Op for Dual<T> {
            #[inline(always)]
            fn $op(&mut self, o: Self) {
                *self = $Bin::$bin(*self, o);
            }
        }
        impl<T: Float> $Op<T> for Dual<T> {
            #[inline(always)]
            fn $op(&mut self, o: T) {
                *self = $Bin::$bin(*self, o);
            }
        }
    )*};
}
assign_ops!(
    AddAssign add_assign Add add,
    SubAssign sub_assign Sub sub,
    MulAssign mul_assign Mul mul,
    DivAssign div_assign Div div,
    RemAssign rem_assign Rem rem
);

impl<T: Float> Sum for Dual<T> {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::zero(), |a, b| a + b)
    }
}

impl<'a, T: Float> Sum<&'a Dual<T>> for Dual<T> {
    fn sum<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.fold(Self::zero(), |a, b| a + *b)
    }
}

impl<T: Float> Product for Dual<T> {
    fn product<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::one(), |a, b| a * b)
    }
}

impl<'a, T: Float> Product<&'a Dual<T>> for Dual<T> {
    fn product<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.fold(Self::one(), |a, b| a * *b)
    }
}

impl<T: Float> Zero for Dual<T> {
    #[inline(always)]
    fn zero() -> Self {
        Dual::constant(T::zero())
    }
    /// Structural: both parts are zero (not `self == 0`, which compares the
    /// real parts).
    #[inline(always)]
    fn is_zero(&self) -> bool {
        self.re.is_zero() && self.eps.is_zero()
    }
}

impl<T: Float> One for Dual<T> {
    #[inline(always)]
    fn one() -> Self {
        Dual::constant(T::one())
    }
    /// Structural: real part 1 and derivative part 0.
    #[inline(always)]
    fn is_one(&self) -> bool {
        self.re.is_one() && self.eps.is_zero()
    }
}

impl<T: Float> Num for Dual<T> {
    type FromStrRadixErr = T::FromStrRadixErr;
    /// Parses the real part; the result is a constant.
    fn from_str_radix(s: &str, radix: u32) -> Result<Self, Self::FromStrRadixErr> {
        T::from_str_radix(s, radix).map(Dual::constant)
    }
}

impl<T: Float> ToPrimitive for Dual<T> {
    fn to_i64(&self) -> Option<i64> {
        self.re.to_i64()
    }
    fn to_u64(&self) -> Option<u64> {
        self.re.to_u64()
    }
    fn to_isize(&self) -> Option<isize> {
        self.re.to_isize()
    }
    fn to_i8(&self) -> Option<i8> {
        self.re.to_i8()
    }
    fn to_i16(&self) -> Option<i16> {
        self.re.to_i16()
    }
    fn to_i32(&self) -> Option<i32> {
        self.re.to_i32()
    }
    fn to_i128(&self) -> Option<i128> {
        self.re.to_i128()
    }
    fn to_usize(&self) -> Option<usize> {
        self.re.to_usize()
    }
    fn to_u8(&self) -> Option<u8> {
        self.re.to_u8()
    }
    fn to_u16(&self) -> Option<u16> {
        self.re.to_u16()
    }
    fn to_u32(&self) -> Option<u32> {
        self.re.to_u32()
    }
    fn to_u128(&self) -> Option<u128> {
        self.re.to_u128()
    }
    fn to_f32(&self) -> Option<f32> {
        self.re.to_f32()
    }
    fn to_f64(&self) -> Option<f64> {
        self.re.to_f64()
    }
}

impl<T: Float> NumCast for Dual<T> {
    /// A constant. Converting another dual takes its real part (through
    /// [`ToPrimitive`]); use [`Dual::new`] to keep a derivative.
    fn from<N: ToPrimitive>(n: N) -> Option<Self> {
        <T as NumCast>::from(n).map(Dual::constant)
    }
}

/// The constants, as constants (derivative part 0).
macro_rules! float_consts {
    ($($c:ident),*) => {
        impl<T: Float + FloatConst> FloatConst for Dual<T> {
            $(
                #[inline(always)]
                fn $c() -> Self {
                    Dual::constant(T::$c())
                }
            )*
        }
    };
}
float_consts!(
    E,
    FRAC_1_PI,
    FRAC_1_SQRT_2,
    FRAC_2_PI,
    FRAC_2_SQRT_PI,
    FRAC_PI_2,
    FRAC_PI_3,
    FRAC_PI_4,
    FRAC_PI_6,
    FRAC_PI_8,
    LN_10,
    LN_2,
    LOG10_E,
    LOG2_E,
    PI,
    SQRT_2,
    TAU,
    LOG10_2,
    LOG2_10
);

impl<T: Float> Signed for Dual<T> {
    /// [`Float::abs`]: derivative `sign x`, 0 at 0.
    #[inline(always)]
    fn abs(&self) -> Self {
        Float::abs(*self)
    }
    /// `max(x - y, 0)`, as [`Float::abs_sub`].
    #[inline(always)]
    fn abs_sub(&self, other: &Self) -> Self {
        #[allow(deprecated)]
        Float::abs_sub(*self, *other)
    }
    /// [`Float::signum`]: derivative 0.
    #[inline(always)]
    fn signum(&self) -> Self {
        Float::signum(*self)
    }
    #[inline(always)]
    fn is_positive(&self) -> bool {
        self.re > T::zero()
    }
    #[inline(always)]
    fn is_negative(&self) -> bool {
        self.re < T::zero()
    }
}
