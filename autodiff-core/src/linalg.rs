//! Fixed-size vectors and matrices, so a layer reads as its maths:
//! `sigmoid(w.t() * x + b)`.
//!
//! [`Vector`] is a column, [`RowVector`] its transpose and [`Matrix`] is
//! row-major. Sizes are const generics, so every shape error is a type error,
//! values are `Copy` arrays on the stack (no allocation, `no_std`), and the
//! loops run over constants the optimizer unrolls.
//!
//! Each shape is [`Elementwise`], so every scalar rule (`exp`, `tanh`,
//! [`sigmoid`](crate::sigmoid), ...) applies to it element by element, and
//! implements [`MulVjp`]/[`DivVjp`](crate::arith::DivVjp) for each product it takes part in, so the
//! generated `mul_vjp0`/`mul_vjp1` calls pick the right contraction.
//!
//! The methods the macro can differentiate (`x.t()`, `a.dot(b)`, `x.sum()`,
//! ...) are also free functions here, each with its pullbacks `name_vjpK`:
//! the macro emits `__ad::name(x, args)` and `__ad::name_vjpK(x, args, y, g)`.

use crate::arith::MulVjp;
use crate::elementwise::Elementwise;
use num_traits::{Float, NumCast, Zero};

/// Operators, `MulVjp`/`DivVjp` for scalar factors and the inherent methods
/// shared by every shape `$ty<T, $n...>` that is already [`Elementwise`] and
/// [`Shape`].
macro_rules! shape_ops {
    ($ty:ident < $($n:ident),+ >) => {
        impl<T: $crate::Float, $(const $n: usize),+> core::ops::Add for $ty<T, $($n),+> {
            type Output = Self;
            #[inline(always)]
            fn add(self, rhs: Self) -> Self {
                $crate::elementwise::Elementwise::zip_map(self, rhs, |a, b| a + b)
            }
        }
        impl<T: $crate::Float, $(const $n: usize),+> core::ops::Sub for $ty<T, $($n),+> {
            type Output = Self;
            #[inline(always)]
            fn sub(self, rhs: Self) -> Self {
                $crate::elementwise::Elementwise::zip_map(self, rhs, |a, b| a - b)
            }
        }
        /// The all-zero shape: the adjoint of a value nothing depends on.
        impl<T: $crate::Float, $(const $n: usize),+> num_traits::Zero for $ty<T, $($n),+> {
            #[inline(always)]
            fn zero() -> Self {
                <Self as Shape>::splat(T::zero())
            }
            #[inline(always)]
            fn is_zero(&self) -> bool {
                Shape::fold(*self, true, |all, a| all && a.is_zero())
            }
        }
        impl<T: $crate::Float, $(const $n: usize),+> core::ops::Neg for $ty<T, $($n),+> {
            type Output = Self;
            #[inline(always)]
            fn neg(self) -> Self {
                $crate::elementwise::Elementwise::map(self, |a| -a)
            }
        }
        impl<T: $crate::Float, $(const $n: usize),+> core::ops::AddAssign for $ty<T, $($n),+> {
            #[inline(always)]
            fn add_assign(&mut self, rhs: Self) {
                *self = *self + rhs;
            }
        }
        impl<T: $crate::Float, $(const $n: usize),+> core::ops::SubAssign for $ty<T, $($n),+> {
            #[inline(always)]
            fn sub_assign(&mut self, rhs: Self) {
                *self = *self - rhs;
            }
        }
        impl<T: $crate::Float, $(const $n: usize),+> core::ops::Mul<T> for $ty<T, $($n),+> {
            type Output = Self;
            #[inline(always)]
            fn mul(self, s: T) -> Self {
                $crate::elementwise::Elementwise::map(self, |a| a * s)
            }
        }
        impl<T: $crate::Float, $(const $n: usize),+> core::ops::Div<T> for $ty<T, $($n),+> {
            type Output = Self;
            #[inline(always)]
            fn div(self, s: T) -> Self {
                $crate::elementwise::Elementwise::map(self, |a| a / s)
            }
        }
        /// `y = v·s`: `v̄ = ḡ·s`, `s̄ = ⟨ḡ, v⟩`.
        impl<T: $crate::Float, $(const $n: usize),+> $crate::arith::MulVjp<T> for $ty<T, $($n),+> {
            #[inline(always)]
            fn vjp_lhs(self, s: T, g: Self) -> Self {
                g * s
            }
            #[inline(always)]
            fn vjp_rhs(self, _s: T, g: Self) -> T {
                $crate::linalg::dot(g, self)
            }
        }
        /// `y = v/s`: `v̄ = ḡ/s`, `s̄ = -⟨ḡ, y⟩/s`.
        impl<T: $crate::Float, $(const $n: usize),+> $crate::arith::DivVjp<T> for $ty<T, $($n),+> {
            #[inline(always)]
            fn vjp_lhs(self, s: T, _y: Self, g: Self) -> Self {
                g / s
            }
            #[inline(always)]
            fn vjp_rhs(self, s: T, y: Self, g: Self) -> T {
                -$crate::linalg::dot(g, y) / s
            }
        }
        scalar_lhs!(f32, $ty<$($n),+>);
        scalar_lhs!(f64, $ty<$($n),+>);

        impl<T: $crate::Float, $(const $n: usize),+> $ty<T, $($n),+> {
            /// The shape with every element 0.
            #[inline(always)]
            pub fn zeros() -> Self {
                <Self as $crate::linalg::Shape>::splat(T::zero())
            }
            /// Sum of the elements; see [`sum`](crate::linalg::sum).
            #[inline(always)]
            pub fn sum(self) -> T {
                $crate::linalg::sum(self)
            }
            /// Mean of the elements; see [`mean`](crate::linalg::mean).
            #[inline(always)]
            pub fn mean(self) -> T {
                $crate::linalg::mean(self)
            }
            /// Inner product `Σ aᵢbᵢ` (Frobenius for matrices); see [`dot`](crate::linalg::dot).
            #[inline(always)]
            pub fn dot(self, other: Self) -> T {
                $crate::linalg::dot(self, other)
            }
            /// `Σ xᵢ²`; see [`norm_sq`](crate::linalg::norm_sq).
            #[inline(always)]
            pub fn norm_sq(self) -> T {
                $crate::linalg::norm_sq(self)
            }
            /// Euclidean (Frobenius) norm; see [`norm`](crate::linalg::norm).
            #[inline(always)]
            pub fn norm(self) -> T {
                $crate::linalg::norm(self)
            }
            /// `ln Σ eˣⁱ`, without overflow; see [`logsumexp`](crate::linalg::logsumexp).
            #[inline(always)]
            pub fn logsumexp(self) -> T {
                $crate::linalg::logsumexp(self)
            }
            elementwise_methods!(
                sqrt cbrt exp exp2 exp_m1 ln ln_1p log2 log10 sin cos tan asin acos atan
                sinh cosh tanh abs recip; powf log atan2 hypot max min
            );
            /// Elementwise `xⁿ`; see [`powi`](crate::rules::powi).
            #[inline(always)]
            pub fn powi(self, n: i32) -> Self {
                $crate::rules::powi(self, n)
            }
            /// Elementwise clamp to `[lo, hi]`; see [`clamp`](crate::rules::clamp).
            #[inline(always)]
            pub fn clamp(self, lo: Self, hi: Self) -> Self {
                $crate::rules::clamp(self, lo, hi)
            }
            /// Elementwise `self · a + b`; see [`mul_add`](crate::rules::mul_add).
            #[inline(always)]
            pub fn mul_add(self, a: Self, b: Self) -> Self {
                $crate::rules::mul_add(self, a, b)
            }
        }
    };
}

/// `s * shape` for a concrete float `s` (a generic `T * shape` would break
/// the orphan rules).
macro_rules! scalar_lhs {
    ($f:ty, $ty:ident < $($n:ident),+ >) => {
        impl<$(const $n: usize),+> core::ops::Mul<$ty<$f, $($n),+>> for $f {
            type Output = $ty<$f, $($n),+>;
            #[inline(always)]
            fn mul(self, v: $ty<$f, $($n),+>) -> $ty<$f, $($n),+> {
                v * self
            }
        }
        /// `y = s·v`: `s̄ = ⟨ḡ, v⟩`, `v̄ = ḡ·s`.
        impl<$(const $n: usize),+> $crate::arith::MulVjp<$ty<$f, $($n),+>> for $f {
            #[inline(always)]
            fn vjp_lhs(self, v: $ty<$f, $($n),+>, g: $ty<$f, $($n),+>) -> $f {
                $crate::linalg::dot(g, v)
            }
            #[inline(always)]
            fn vjp_rhs(self, _v: $ty<$f, $($n),+>, g: $ty<$f, $($n),+>) -> $ty<$f, $($n),+> {
                g * self
            }
        }
    };
}

/// Inherent forwarders to the elementwise rules, so plain (non-differentiated)
/// code can call `v.exp()` like on a float.
macro_rules! elementwise_methods {
    ($($unary:ident)*; $($binary:ident)*) => {
        $(
            #[doc = concat!("Elementwise [`", stringify!($unary), "`](crate::rules::", stringify!($unary), ").")]
            #[inline(always)]
            pub fn $unary(self) -> Self {
                $crate::rules::$unary(self)
            }
        )*
        $(
            #[doc = concat!("Elementwise [`", stringify!($binary), "`](crate::rules::", stringify!($binary), ").")]
            #[inline(always)]
            pub fn $binary(self, other: Self) -> Self {
                $crate::rules::$binary(self, other)
            }
        )*
    };
}

mod fused;
mod matrix;
mod vector;

pub use fused::{
    tmul, tmul_add, tmul_add_vjp0, tmul_add_vjp1, tmul_add_vjp2, tmul_vjp0, tmul_vjp1, TransposeMul,
};

pub use matrix::Matrix;
pub use vector::{RowVector, Vector};

/// A fixed number of float elements that can be reduced: a scalar, a
/// [`Vector`], a [`RowVector`] or a [`Matrix`].
pub trait Shape: Elementwise {
    /// Number of elements.
    const LEN: usize;
    /// The shape with every element equal to `v`.
    fn splat(v: Self::Elem) -> Self;
    /// Folds the elements in storage order (row-major for matrices).
    fn fold<B>(self, init: B, f: impl FnMut(B, Self::Elem) -> B) -> B;
}

impl<T: Float> Shape for T {
    const LEN: usize = 1;
    #[inline(always)]
    fn splat(v: T) -> T {
        v
    }
    #[inline(always)]
    fn fold<B>(self, init: B, mut f: impl FnMut(B, T) -> B) -> B {
        f(init, self)
    }
}

/// Shapes with a transpose; transposing twice gives the original type back.
pub trait Transpose: Copy {
    /// The transposed shape.
    type Output: Transpose<Output = Self>;
    /// The transpose.
    fn t(self) -> Self::Output;
}

/// The number of elements of `A`, as a float.
#[inline(always)]
pub(crate) fn len<A: Shape>() -> A::Elem {
    <A::Elem as NumCast>::from(A::LEN).unwrap_or_else(A::Elem::nan)
}

/// `Σ aᵢ`.
#[inline(always)]
fn total<A: Shape>(x: A) -> A::Elem {
    x.fold(A::Elem::zero(), |s, v| s + v)
}

/// The transpose `xᵀ`.
#[inline(always)]
pub fn t<A: Transpose>(x: A) -> A::Output {
    x.t()
}

/// Pullback of [`t`]: `x̄ = ḡᵀ`.
#[inline(always)]
pub fn t_vjp0<A: Transpose>(_x: A, _y: A::Output, g: A::Output) -> A {
    g.t()
}

/// The inner product `⟨a, b⟩ = Σ aᵢbᵢ` (Frobenius for matrices).
#[inline(always)]
pub fn dot<A: Shape>(a: A, b: A) -> A::Elem {
    total(a.zip_map(b, |a, b| a * b))
}

/// Pullback of [`dot`] to `a`: `ā = ḡ·b`.
#[inline(always)]
pub fn dot_vjp0<A: Shape>(_a: A, b: A, _y: A::Elem, g: A::Elem) -> A {
    b.map(|b| g * b)
}

/// Pullback of [`dot`] to `b`: `b̄ = ḡ·a`.
#[inline(always)]
pub fn dot_vjp1<A: Shape>(a: A, _b: A, _y: A::Elem, g: A::Elem) -> A {
    a.map(|a| g * a)
}

/// The sum of the elements `Σ xᵢ`.
#[inline(always)]
pub fn sum<A: Shape>(x: A) -> A::Elem {
    total(x)
}

/// Pullback of [`sum`]: `x̄ᵢ = ḡ`.
#[inline(always)]
pub fn sum_vjp0<A: Shape>(_x: A, _y: A::Elem, g: A::Elem) -> A {
    A::splat(g)
}

/// The mean of the elements `Σ xᵢ / n`.
#[inline(always)]
pub fn mean<A: Shape>(x: A) -> A::Elem {
    total(x) / len::<A>()
}

/// Pullback of [`mean`]: `x̄ᵢ = ḡ/n`.
#[inline(always)]
pub fn mean_vjp0<A: Shape>(_x: A, _y: A::Elem, g: A::Elem) -> A {
    A::splat(g / len::<A>())
}

/// The squared Euclidean norm `‖x‖² = Σ xᵢ²`.
#[inline(always)]
pub fn norm_sq<A: Shape>(x: A) -> A::Elem {
    dot(x, x)
}

/// Pullback of [`norm_sq`]: `x̄ = 2ḡ·x`.
#[inline(always)]
pub fn norm_sq_vjp0<A: Shape>(x: A, _y: A::Elem, g: A::Elem) -> A {
    x.map(|x| (g + g) * x)
}

/// The Euclidean norm `‖x‖ = √Σ xᵢ²`, scaled by `max |xᵢ|` so it neither
/// overflows nor underflows.
#[inline(always)]
pub fn norm<A: Shape>(x: A) -> A::Elem {
    let m = x.fold(A::Elem::zero(), |m, v| m.max(v.abs()));
    if m == A::Elem::zero() || m.is_infinite() {
        return m;
    }
    m * norm_sq(x.map(|v| v / m)).sqrt()
}

/// Pullback of [`norm`]: `x̄ = ḡ·x/‖x‖`; 0 at `x = 0` (the subgradient of
/// least magnitude).
#[inline(always)]
pub fn norm_vjp0<A: Shape>(x: A, y: A::Elem, g: A::Elem) -> A {
    if y == A::Elem::zero() {
        x.map(|v| v * y)
    } else {
        x.map(|v| g * (v / y))
    }
}

/// `(m, ln Σ eˣⁱ⁻ᵐ)` with `m = max xᵢ`, so `logsumexp(x)` is their sum;
/// `(m, 0)` when `m` is infinite.
#[inline(always)]
pub(crate) fn max_and_log_sum_exp<A: Shape>(x: A) -> (A::Elem, A::Elem) {
    let m = x.fold(A::Elem::neg_infinity(), |m, v| m.max(v));
    if m.is_infinite() {
        return (m, A::Elem::zero());
    }
    (m, total(x.map(|v| (v - m).exp())).ln())
}

/// `ln Σ eˣⁱ`, computed as `m + ln Σ eˣⁱ⁻ᵐ` with `m = max xᵢ` so it never
/// overflows. `+∞` if any element is `+∞`, `-∞` if all are `-∞`.
#[inline(always)]
pub fn logsumexp<A: Shape>(x: A) -> A::Elem {
    let (m, lse) = max_and_log_sum_exp(x);
    m + lse
}

/// Pullback of [`logsumexp`]: `x̄ = ḡ·softmax(x) = ḡ·eˣ⁻ʸ`.
#[inline(always)]
pub fn logsumexp_vjp0<A: Shape>(x: A, y: A::Elem, g: A::Elem) -> A {
    x.map(|v| g * (v - y).exp())
}

/// `softmax(z)ᵢ = eᶻⁱ / Σⱼ eᶻʲ`, computed from `z - max z` so it neither
/// overflows nor divides 0 by 0 at extreme logits.
#[inline(always)]
pub fn softmax<T: Float, const N: usize>(z: Vector<T, N>) -> Vector<T, N> {
    let m = z.fold(T::neg_infinity(), |m, v| m.max(v));
    let e = z.map(|v| (v - m).exp());
    e / total(e)
}

/// Pullback of [`softmax`]: `z̄ = y ⊙ (ḡ - ⟨ḡ, y⟩)`.
#[inline(always)]
pub fn softmax_vjp0<T: Float, const N: usize>(
    _z: Vector<T, N>,
    y: Vector<T, N>,
    g: Vector<T, N>,
) -> Vector<T, N> {
    let gy = dot(g, y);
    y.zip_map(g, |y, g| y * (g - gy))
}

/// `log_softmax(z) = z - logsumexp(z)`, exact even where `softmax` rounds to 0.
#[inline(always)]
pub fn log_softmax<T: Float, const N: usize>(z: Vector<T, N>) -> Vector<T, N> {
    let lse = logsumexp(z);
    z.map(|v| v - lse)
}

/// Pullback of [`log_softmax`]: `z̄ = ḡ - eʸ·Σ ḡᵢ` (`eʸ = softmax(z)`).
#[inline(always)]
pub fn log_softmax_vjp0<T: Float, const N: usize>(
    _z: Vector<T, N>,
    y: Vector<T, N>,
    g: Vector<T, N>,
) -> Vector<T, N> {
    let sg = total(g);
    g.zip_map(y, |g, y| g - y.exp() * sg)
}

/// The outer product `a bᵀ`, the same as `a * b.t()`.
#[inline(always)]
pub fn outer<T: Float, const R: usize, const C: usize>(
    a: Vector<T, R>,
    b: Vector<T, C>,
) -> Matrix<T, R, C> {
    a * b.t()
}

/// Pullback of [`outer`] to `a`: `ā = Ḡ b`.
#[inline(always)]
pub fn outer_vjp0<T: Float, const R: usize, const C: usize>(
    a: Vector<T, R>,
    b: Vector<T, C>,
    _y: Matrix<T, R, C>,
    g: Matrix<T, R, C>,
) -> Vector<T, R> {
    <Vector<T, R> as MulVjp<RowVector<T, C>>>::vjp_lhs(a, b.t(), g)
}

/// Pullback of [`outer`] to `b`: `b̄ = Ḡᵀ a`.
#[inline(always)]
pub fn outer_vjp1<T: Float, const R: usize, const C: usize>(
    a: Vector<T, R>,
    b: Vector<T, C>,
    _y: Matrix<T, R, C>,
    g: Matrix<T, R, C>,
) -> Vector<T, C> {
    <Vector<T, R> as MulVjp<RowVector<T, C>>>::vjp_rhs(a, b.t(), g).t()
}
