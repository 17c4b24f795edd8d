//! The float primitives and their local derivatives, one place each.
//!
//! Every primitive `f` comes as a pair: `f(args)` computes the value and
//! `f_vjpK(args, y, g)` returns `g · ∂f/∂argK`, given the value `y` already
//! computed by the forward pass (so `exp`, `sqrt`, `tanh`, ... reuse it).
//! Derivatives are written in the form that stays accurate near the edges of
//! the domain; conventions at points of non-differentiability are documented
//! on each rule.
//!
//! Every rule here is elementwise and linear in `g`, so `f_vjpK(args, y, t)`
//! is also argument `K`'s share of the tangent of `y` along `t`: forward mode
//! calls these same functions (see [`forward`](crate::forward)).

use crate::elementwise::Elementwise;
use num_traits::{Float, One, Zero};

/// `v` converted to `T`. Every float type holds the small constants used
/// here; the NaN fallback can only be reached by a broken `Float` impl, and
/// then it poisons the result instead of hiding the problem.
#[inline(always)]
pub(crate) fn lit<T: Float>(v: f64) -> T {
    T::from(v).unwrap_or_else(T::nan)
}

/// Defines a one-argument primitive `$name(x)` and its pullback `$vjp(x, y, g)`.
macro_rules! unary {
    ($(#[$doc:meta])* $name:ident, $vjp:ident, |$x:ident, $y:ident| $value:expr, $deriv:expr) => {
        $(#[$doc])*
        #[inline(always)]
        pub fn $name<A: Elementwise>(x: A) -> A {
            x.map(|$x| $value)
        }

        #[doc = concat!("Pullback of [`", stringify!($name), "`]: `g · ", stringify!($deriv), "`, with `y` its value.")]
        #[inline(always)]
        #[allow(unused_variables)]
        pub fn $vjp<A: Elementwise>(x: A, y: A, g: A) -> A {
            x.zip3_map(y, g, |$x, $y, g| g * $deriv)
        }
    };
}
pub(crate) use unary;

unary!(
    /// `√x`; `d/dx √x = 1 / (2√x)` (infinite at 0, as it is). Where `x` is
    /// written as a sum of squares, the macro uses [`sqrt_cone_vjp0`] instead.
    sqrt, sqrt_vjp0, |x, y| x.sqrt(), (y + y).recip()
);

/// Pullback of `y = √s` where the macro has seen that `s` is a nonnegative
/// sum of squares (`x * x + y * y`, `0.5 * (a.powi(2) + b.powi(2))`,
/// `v.norm_sq()`, ...), so that `y` is a weighted Euclidean norm: a cone,
/// whose tip is where `s = 0`.
///
/// `s̄ = ḡ / (2y)` as for [`sqrt_vjp0`], except at the tip (`y = 0`), where
/// `s̄ = ḡ · 0`. At the tip the norm has no derivative; 0 is its subgradient
/// of least norm, the convention of PyTorch's `norm` and of [`hypot_vjp0`]
/// and [`norm_vjp0`](crate::linalg::norm_vjp0). What must be 0 is `s̄`, the share passed down to the sum:
/// each square then passes on `0 · 2a = 0`, where `ḡ / (2·0) = ∞` would have
/// become `∞ · 0 = NaN`. A NaN or infinite `ḡ` still gives NaN.
///
/// `√|u|` (Bukin N.6, Eggholder) is not a sum of squares and keeps
/// [`sqrt_vjp0`]: its slope is infinite on every side of `u = 0`, a cusp
/// rather than a cone, and ∞ or NaN is the honest answer there.
///
/// A point where every square underflows to 0 (all |aᵢ| below about 1e-162
/// in f64, 1e-23 in f32) is taken for the tip; `hypot` and `.norm()` scale
/// their argument and have no such range.
///
/// For `Vector` and `RowVector` this holds element by element (`v * v` is
/// element-wise there). For a `Matrix`, `m * m` is a matrix product whose
/// zeros say nothing about `m`'s, so the rule is [`sqrt_vjp0`]'s.
#[inline(always)]
pub fn sqrt_cone_vjp0<A: SqrtConeVjp>(s: A, y: A, g: A) -> A {
    s.sqrt_cone_vjp(y, g)
}

/// [`sqrt_cone_vjp0`] of a tangent carried at half its size: forward mode
/// writes the tangent of a sum of squares `Σ aᵢ²` as `Σ aᵢ ȧᵢ`, and the 2 it
/// leaves out cancels the 2 of `1/(2y)`: `ṡ/2 · 1/y`, and `ṡ/2 · 0` at the
/// tip (`y = 0`). Scaling by 2 is exact, so this rounds as the whole
/// tangent through [`sqrt_cone_vjp0`] does.
#[inline(always)]
pub fn sqrt_cone_half_vjp0<T: Float>(_s: T, y: T, g: T) -> T {
    if y == T::zero() {
        g * y
    } else {
        g * y.recip()
    }
}

/// The shapes [`sqrt_cone_vjp0`] works on; see there.
pub trait SqrtConeVjp: Elementwise {
    /// `ḡ / (2y)`, and `ḡ · 0` where `y = 0`.
    fn sqrt_cone_vjp(self, y: Self, g: Self) -> Self;
}

/// One element of [`sqrt_cone_vjp0`].
#[inline(always)]
fn cone<T: Float>(y: T, g: T) -> T {
    if y == T::zero() {
        g * y
    } else {
        g * (y + y).recip()
    }
}

impl<T: Float> SqrtConeVjp for T {
    #[inline(always)]
    fn sqrt_cone_vjp(self, y: T, g: T) -> T {
        cone(y, g)
    }
}

impl<T: Float, const N: usize> SqrtConeVjp for crate::linalg::Vector<T, N> {
    #[inline(always)]
    fn sqrt_cone_vjp(self, y: Self, g: Self) -> Self {
        y.zip_map(g, cone)
    }
}

impl<T: Float, const N: usize> SqrtConeVjp for crate::linalg::RowVector<T, N> {
    #[inline(always)]
    fn sqrt_cone_vjp(self, y: Self, g: Self) -> Self {
        y.zip_map(g, cone)
    }
}

impl<T: Float, const R: usize, const C: usize> SqrtConeVjp for crate::linalg::Matrix<T, R, C> {
    #[inline(always)]
    fn sqrt_cone_vjp(self, y: Self, g: Self) -> Self {
        sqrt_vjp0(self, y, g)
    }
}
unary!(
    /// `∛x`; `d/dx ∛x = 1 / (3 ∛x²)`.
    cbrt, cbrt_vjp0, |x, y| x.cbrt(), (lit::<A::Elem>(3.0) * y * y).recip()
);
unary!(
    /// `eˣ`; `d/dx eˣ = eˣ`, taken from the value.
    exp, exp_vjp0, |x, y| x.exp(), y
);
unary!(
    /// `2ˣ`; `d/dx 2ˣ = 2ˣ ln 2`.
    exp2, exp2_vjp0, |x, y| x.exp2(), y * lit::<A::Elem>(core::f64::consts::LN_2)
);
unary!(
    /// `eˣ - 1`; `d/dx = eˣ`, recomputed from `x`: `y + 1` cancels once
    /// `eˣ` drops below the rounding error of 1 (0 for x ≲ -37 in f64).
    exp_m1, exp_m1_vjp0, |x, y| x.exp_m1(), x.exp()
);
unary!(
    /// `ln x`; `d/dx ln x = 1/x`.
    ln, ln_vjp0, |x, y| x.ln(), x.recip()
);
unary!(
    /// `ln(1 + x)`; `d/dx = 1/(1 + x)`.
    ln_1p, ln_1p_vjp0, |x, y| x.ln_1p(), (A::Elem::one() + x).recip()
);
unary!(
    /// `log₂ x`; `d/dx = 1/(x ln 2)`.
    log2, log2_vjp0, |x, y| x.log2(), (x * lit::<A::Elem>(core::f64::consts::LN_2)).recip()
);
unary!(
    /// `log₁₀ x`; `d/dx = 1/(x ln 10)`.
    log10, log10_vjp0, |x, y| x.log10(), (x * lit::<A::Elem>(core::f64::consts::LN_10)).recip()
);
unary!(
    /// `sin x`; `d/dx sin x = cos x`.
    sin, sin_vjp0, |x, y| x.sin(), x.cos()
);
unary!(
    /// `cos x`; `d/dx cos x = -sin x`.
    cos, cos_vjp0, |x, y| x.cos(), -x.sin()
);
unary!(
    /// `tan x`; `d/dx tan x = 1 + tan² x`.
    tan, tan_vjp0, |x, y| x.tan(), A::Elem::one() + y * y
);
unary!(
    /// `asin x`; `d/dx = 1/√((1 - x)(1 + x))`, factored to stay accurate near ±1.
    asin, asin_vjp0, |x, y| x.asin(), ((A::Elem::one() - x) * (A::Elem::one() + x)).sqrt().recip()
);
unary!(
    /// `acos x`; `d/dx = -1/√((1 - x)(1 + x))`.
    acos, acos_vjp0, |x, y| x.acos(), -((A::Elem::one() - x) * (A::Elem::one() + x)).sqrt().recip()
);
unary!(
    /// `atan x`; `d/dx = 1/(1 + x²)`.
    atan, atan_vjp0, |x, y| x.atan(), (A::Elem::one() + x * x).recip()
);
unary!(
    /// `sinh x`; `d/dx sinh x = cosh x`.
    sinh, sinh_vjp0, |x, y| x.sinh(), x.cosh()
);
unary!(
    /// `cosh x`; `d/dx cosh x = sinh x`.
    cosh, cosh_vjp0, |x, y| x.cosh(), x.sinh()
);
unary!(
    /// `tanh x`; `d/dx tanh x = 1 - tanh² x`, taken from the value as
    /// `(1 - y)(1 + y)`: no second exponential, and the factored form avoids
    /// the cancellation of `1 - y²`. The absolute error is at most about one
    /// ulp of 1 (times `g`); in the saturated tails, where the derivative
    /// falls towards that ulp, the relative error grows, and the result is
    /// exactly 0 once `y` rounds to ±1 (|x| ≳ 19 in f64, ≳ 9 in f32).
    tanh, tanh_vjp0, |x, y| x.tanh(), (A::Elem::one() - y) * (A::Elem::one() + y)
);
unary!(
    /// `|x|`; `d/dx |x| = sign x`, taken as 0 at x = 0 (the subgradient of
    /// least magnitude) and NaN at NaN.
    abs, abs_vjp0, |x, y| x.abs(), sign0(x)
);
unary!(
    /// `1/x`; `d/dx (1/x) = -1/x² = -y²`.
    recip, recip_vjp0, |x, y| x.recip(), -(y * y)
);

/// `sign x` with `sign 0 = 0` and `sign NaN = NaN` (`Float::signum` gives 1 at +0).
#[inline(always)]
fn sign0<T: Float>(x: T) -> T {
    if x > T::zero() {
        T::one()
    } else if x < T::zero() {
        -T::one()
    } else {
        x * T::zero()
    }
}

/// `xⁿ` for a constant integer `n`.
#[inline(always)]
pub fn powi<A: Elementwise>(x: A, n: i32) -> A {
    x.map(|x| x.powi(n))
}

/// Pullback of [`powi`]: `g · n xⁿ⁻¹`, exactly 0 for `n = 0` (even at `x = 0`
/// or `±∞`, where `0 · xⁿ⁻¹` would be NaN).
#[inline(always)]
pub fn powi_vjp0<A: Elementwise>(x: A, n: i32, _y: A, g: A) -> A {
    x.zip_map(g, |x, g| {
        if n == 0 {
            A::Elem::zero()
        } else {
            g * lit::<A::Elem>(f64::from(n)) * x.powi(n - 1)
        }
    })
}

/// Half of [`powi_vjp0`]: `g · (n/2) xⁿ⁻¹`, exact (`n/2` is exact in
/// floating point); the macro applies the 2 once, after a sum.
#[inline(always)]
pub fn powi_vjp0_half<A: Elementwise>(x: A, n: i32, _y: A, g: A) -> A {
    x.zip_map(g, |x, g| {
        if n == 0 {
            A::Elem::zero()
        } else {
            g * lit::<A::Elem>(f64::from(n) * 0.5) * x.powi(n - 1)
        }
    })
}

/// `xᵉ`.
#[inline(always)]
pub fn powf<A: Elementwise>(x: A, e: A) -> A {
    x.zip_map(e, |x, e| x.powf(e))
}

/// Pullback of [`powf`] to the base: `g · e xᵉ⁻¹`, exactly 0 for `e = 0`.
/// The test is [`Zero::is_zero`], not `==`: on a [`Dual`](crate::Dual)
/// exponent `0 + ε` (which compares equal to 0) the result keeps its
/// derivative `g ε / x`, the mixed second derivative of `xᵉ`.
#[inline(always)]
pub fn powf_vjp0<A: Elementwise>(x: A, e: A, _y: A, g: A) -> A {
    x.zip3_map(e, g, |x, e, g| {
        if e.is_zero() {
            A::Elem::zero()
        } else {
            g * e * x.powf(e - A::Elem::one())
        }
    })
}

/// Pullback of [`powf`] to the exponent: `g · xᵉ ln x`, taken as 0 where
/// `xᵉ = 0` (the limit from `x → 0⁺` for `e > 0`).
#[inline(always)]
pub fn powf_vjp1<A: Elementwise>(x: A, _e: A, y: A, g: A) -> A {
    x.zip3_map(y, g, |x, y, g| {
        if y == A::Elem::zero() {
            y
        } else {
            g * y * x.ln()
        }
    })
}

/// `log_b x = ln x / ln b`.
#[inline(always)]
pub fn log<A: Elementwise>(x: A, b: A) -> A {
    x.zip_map(b, |x, b| x.log(b))
}

/// Pullback of [`log`] to `x`: `g / (x ln b)`.
#[inline(always)]
pub fn log_vjp0<A: Elementwise>(x: A, b: A, _y: A, g: A) -> A {
    x.zip3_map(b, g, |x, b, g| g / (x * b.ln()))
}

/// Pullback of [`log`] to the base: `-g · log_b x / (b ln b)`.
#[inline(always)]
pub fn log_vjp1<A: Elementwise>(_x: A, b: A, y: A, g: A) -> A {
    b.zip3_map(y, g, |b, y, g| -(g * y) / (b * b.ln()))
}

/// `atan2(y, x)`, the angle of the point `(x, y)`.
#[inline(always)]
pub fn atan2<A: Elementwise>(y: A, x: A) -> A {
    y.zip_map(x, |y, x| y.atan2(x))
}

/// `x² + y²` where it is a normal float, the common case: plain arithmetic,
/// which the compiler shares between the two pullbacks and between the
/// rows of a Jacobian; `None` where it overflowed, underflowed or is 0.
#[inline(always)]
fn normal_sum_of_squares<T: num_traits::Float>(x: T, y: T) -> Option<T> {
    let q = x * x + y * y;
    q.is_normal().then_some(q)
}

/// Pullback of [`atan2`] to `y`: `g · x / (x² + y²)`; where `x² + y²`
/// would overflow or underflow, `g · (x/r) / r` with `r = hypot(x, y)`; 0 at
/// the origin, where the angle has no derivative.
#[inline(always)]
pub fn atan2_vjp0<A: Elementwise>(y: A, x: A, _v: A, g: A) -> A {
    y.zip3_map(x, g, |y, x, g| match normal_sum_of_squares(x, y) {
        Some(q) => g * x / q,
        None => {
            let r = x.hypot(y);
            if r == A::Elem::zero() {
                r
            } else {
                g * (x / r) / r
            }
        }
    })
}

/// Pullback of [`atan2`] to `x`: `-g · y / (x² + y²)` (through
/// `r = hypot(x, y)` where that would overflow or underflow); 0 at the origin.
#[inline(always)]
pub fn atan2_vjp1<A: Elementwise>(y: A, x: A, _v: A, g: A) -> A {
    y.zip3_map(x, g, |y, x, g| match normal_sum_of_squares(x, y) {
        Some(q) => -(g * y) / q,
        None => {
            let r = x.hypot(y);
            if r == A::Elem::zero() {
                r
            } else {
                -(g * (y / r)) / r
            }
        }
    })
}

/// `√(a² + b²)` without overflow.
#[inline(always)]
pub fn hypot<A: Elementwise>(a: A, b: A) -> A {
    a.zip_map(b, |a, b| a.hypot(b))
}

/// Pullback of [`hypot`] to `a`: `g · a / h`; 0 at the origin (subgradient).
#[inline(always)]
pub fn hypot_vjp0<A: Elementwise>(a: A, _b: A, h: A, g: A) -> A {
    a.zip3_map(
        h,
        g,
        |a, h, g| if h == A::Elem::zero() { h } else { g * (a / h) },
    )
}

/// Pullback of [`hypot`] to `b`: `g · b / h`; 0 at the origin.
#[inline(always)]
pub fn hypot_vjp1<A: Elementwise>(_a: A, b: A, h: A, g: A) -> A {
    b.zip3_map(
        h,
        g,
        |b, h, g| if h == A::Elem::zero() { h } else { g * (b / h) },
    )
}

/// `max(a, b)`, ignoring a NaN operand like [`Float::max`].
#[inline(always)]
pub fn max<A: Elementwise>(a: A, b: A) -> A {
    a.zip_map(b, |a, b| a.max(b))
}

/// Pullback of [`max`] to `a`: the whole adjoint goes to the operand that was
/// selected; at a tie (`a == b`) it goes to `a`, the receiver.
#[inline(always)]
pub fn max_vjp0<A: Elementwise>(a: A, _b: A, y: A, g: A) -> A {
    a.zip3_map(y, g, |a, y, g| if y == a { g } else { g * A::Elem::zero() })
}

/// Pullback of [`max`] to `b`: the adjoint when `b` was selected and `a` was not.
#[inline(always)]
pub fn max_vjp1<A: Elementwise>(a: A, _b: A, y: A, g: A) -> A {
    a.zip3_map(y, g, |a, y, g| if y == a { g * A::Elem::zero() } else { g })
}

/// `min(a, b)`, ignoring a NaN operand like [`Float::min`].
#[inline(always)]
pub fn min<A: Elementwise>(a: A, b: A) -> A {
    a.zip_map(b, |a, b| a.min(b))
}

/// Pullback of [`min`] to `a`; ties go to `a`, as for [`max_vjp0`].
#[inline(always)]
pub fn min_vjp0<A: Elementwise>(a: A, b: A, y: A, g: A) -> A {
    max_vjp0(a, b, y, g)
}

/// Pullback of [`min`] to `b`.
#[inline(always)]
pub fn min_vjp1<A: Elementwise>(a: A, b: A, y: A, g: A) -> A {
    max_vjp1(a, b, y, g)
}

/// `x` limited to `[lo, hi]`; a NaN `x` stays NaN.
#[inline(always)]
pub fn clamp<A: Elementwise>(x: A, lo: A, hi: A) -> A {
    x.zip3_map(lo, hi, |x, lo, hi| {
        if x < lo {
            lo
        } else if x > hi {
            hi
        } else {
            x
        }
    })
}

/// Pullback of [`clamp`] to `x`: `g` inside `[lo, hi]` (bounds included), else 0.
#[inline(always)]
pub fn clamp_vjp0<A: Elementwise>(x: A, lo: A, hi: A, _y: A, g: A) -> A {
    let inside = x.zip3_map(lo, hi, |x, lo, hi| {
        if x < lo || x > hi {
            A::Elem::zero()
        } else {
            A::Elem::one()
        }
    });
    inside.zip_map(g, |m, g| m * g)
}

/// Pullback of [`clamp`] to `lo`: `g` where `x < lo`, else 0.
#[inline(always)]
pub fn clamp_vjp1<A: Elementwise>(x: A, lo: A, _hi: A, _y: A, g: A) -> A {
    x.zip3_map(
        lo,
        g,
        |x, lo, g| if x < lo { g } else { g * A::Elem::zero() },
    )
}

/// Pullback of [`clamp`] to `hi`: `g` where the value is `hi` (`x > hi` and
/// not `x < lo`, which wins when `lo > hi`), else 0.
#[inline(always)]
pub fn clamp_vjp2<A: Elementwise>(x: A, lo: A, hi: A, _y: A, g: A) -> A {
    let picked = x.zip3_map(lo, hi, |x, lo, hi| {
        if x < lo {
            A::Elem::zero()
        } else if x > hi {
            A::Elem::one()
        } else {
            A::Elem::zero()
        }
    });
    picked.zip_map(g, |m, g| m * g)
}

/// `a · b + c` (fused where the target has it).
#[inline(always)]
pub fn mul_add<A: Elementwise>(a: A, b: A, c: A) -> A {
    a.zip3_map(b, c, |a, b, c| a.mul_add(b, c))
}

/// Pullback of [`mul_add`] to `a`: `g · b`.
#[inline(always)]
pub fn mul_add_vjp0<A: Elementwise>(_a: A, b: A, _c: A, _y: A, g: A) -> A {
    b.zip_map(g, |b, g| g * b)
}

/// Pullback of [`mul_add`] to `b`: `g · a`.
#[inline(always)]
pub fn mul_add_vjp1<A: Elementwise>(a: A, _b: A, _c: A, _y: A, g: A) -> A {
    a.zip_map(g, |a, g| g * a)
}

/// Pullback of [`mul_add`] to `c`: `g`.
#[inline(always)]
pub fn mul_add_vjp2<A: Elementwise>(_a: A, _b: A, _c: A, _y: A, g: A) -> A {
    g
}
