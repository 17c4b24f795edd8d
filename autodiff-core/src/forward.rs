//! The call protocol of forward mode (`f_jvp`): the inner product and the
//! seed `1` it contracts with, and the tangent a caller passes for an
//! argument it does not perturb.
//!
//! # Which rules are their own pushforward
//!
//! For an elementwise primitive the Jacobian is diagonal, and every
//! `name_vjpK(args, y, g)` in [`rules`](crate::rules) and
//! [`activations`](crate::activations) is `g ⊙ ∂y/∂argK`, linear in `g`
//! element by element. So `name_vjpK(args, y, t)` with `t` the tangent of
//! argument `K` is exactly that argument's share of the output tangent, and
//! forward mode reuses it: the unary rules (`exp`, `sin`, `sqrt`, ...,
//! `sigmoid`, `relu`, `softplus`), `powi_vjp0`, `powf`, `log`, `atan2`,
//! `hypot`, `max`, `min`, `clamp`, `mul_add` and `sqrt_cone_vjp0`, on every
//! [`Elementwise`](crate::Elementwise) shape. Conventions at kinks carry
//! over: at a tie of `max`/`min` the whole tangent of the first argument
//! passes, and at `|x| = 0` or at a cone's tip the tangent is 0 (the
//! directional derivative there is not linear in the direction).
//!
//! These are **not** pushforwards and have explicit `_jvp` rules in
//! [`jvp`](crate::jvp): transpose, softmax, log-softmax (its Jacobian is not
//! symmetric), outer and transposed products, and `*`/`/` between shapes
//! that are not the same elementwise shape. Also not: `mul_vjp_same` for a
//! square `Matrix`, whose `Ḡ Aᵀ + Aᵀ Ḡ` is not the tangent `T A + A T` of
//! `A A` (use `mul_jvp(a, a, y, t, t)`).
//!
//! # Halves
//!
//! Under a norm `√(Σ aᵢ²)` the macro carries the tangent at half its size:
//! a square's is `aᵢ ȧᵢ` (`powi_vjp0_half`, or the product written out), sums
//! and constant multiples pass it on, and [`sqrt_cone_half_vjp0`](crate::rules::sqrt_cone_half_vjp0)
//! takes `1/y` instead of `1/(2y)`. Scaling by 2 is exact, so the tangent
//! rounds as the whole one does, at one operation less per square.

use crate::linalg::{dot, Matrix, RowVector, Vector};
use num_traits::{Float, One};

/// The Euclidean inner product of two values of one type: `a b` for
/// scalars, `Σ aᵢbᵢ` for vectors, the Frobenius product for matrices.
///
/// Forward mode needs it where reverse mode has a pullback to a scalar
/// output: the tangent of `y = f(x)` is `⟨f_vjp(x, y, 1), t⟩`.
pub trait Inner: Copy {
    /// The scalar type of the product.
    type Scalar: Float;
    /// `⟨self, other⟩`.
    fn inner(self, other: Self) -> Self::Scalar;
}

impl<T: Float> Inner for T {
    type Scalar = T;
    /// A plain product, not `0 + a b`: exact, sign of zero included.
    #[inline(always)]
    fn inner(self, other: T) -> T {
        self * other
    }
}

impl<T: Float, const N: usize> Inner for Vector<T, N> {
    type Scalar = T;
    #[inline(always)]
    fn inner(self, other: Self) -> T {
        dot(self, other)
    }
}

impl<T: Float, const N: usize> Inner for RowVector<T, N> {
    type Scalar = T;
    #[inline(always)]
    fn inner(self, other: Self) -> T {
        dot(self, other)
    }
}

impl<T: Float, const R: usize, const C: usize> Inner for Matrix<T, R, C> {
    type Scalar = T;
    #[inline(always)]
    fn inner(self, other: Self) -> T {
        dot(self, other)
    }
}

/// `⟨a, b⟩`; see [`Inner`].
#[inline(always)]
pub fn inner<A: Inner>(a: A, b: A) -> A::Scalar {
    a.inner(b)
}

/// A one of the same type as `like`: the seed `ȳ = 1` of a scalar output,
/// whose pullbacks forward mode contracts with the tangents. `One` already
/// is this for every float; only the type has to come from a value, as for
/// [`zero_like`](crate::arith::zero_like).
#[inline(always)]
pub fn one_like<A: One>(_like: A) -> A {
    A::one()
}

/// The tangent of an argument a caller does not perturb: `f_jvp(x, NoTangent)`
/// differentiates along `x` only. It becomes the zero of the argument's type
/// through [`IntoTangent`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoTangent;

/// What a caller may pass as the tangent of an argument of type `X`: an `X`
/// (the direction itself) or [`NoTangent`] (the zero of `X`).
pub trait IntoTangent<X> {
    /// The tangent as an `X`; `like` is the argument, for its type only.
    fn into_tangent(self, like: &X) -> X;
}

impl<X> IntoTangent<X> for X {
    #[inline(always)]
    fn into_tangent(self, _like: &X) -> X {
        self
    }
}

impl<X: ZeroTangent> IntoTangent<X> for NoTangent {
    #[inline(always)]
    fn into_tangent(self, _like: &X) -> X {
        X::zero_tangent()
    }
}

/// The types whose zero [`NoTangent`] stands for: every argument type a
/// call between differentiated functions can pass, which are floats
/// (generic `T` included, which is what generic callers need), vectors and
/// matrices. Arrays are not among them: a call's arguments are numbers,
/// never whole arrays, and a blanket impl for every [`Float`] cannot sit
/// beside one for arrays (num-traits could implement `Float` for arrays).
pub trait ZeroTangent: Copy {
    /// The zero tangent.
    fn zero_tangent() -> Self;
}

impl<T: Float> ZeroTangent for T {
    #[inline(always)]
    fn zero_tangent() -> Self {
        T::zero()
    }
}

impl<T: Float, const N: usize> ZeroTangent for Vector<T, N> {
    #[inline(always)]
    fn zero_tangent() -> Self {
        Vector::zeros()
    }
}

impl<T: Float, const N: usize> ZeroTangent for RowVector<T, N> {
    #[inline(always)]
    fn zero_tangent() -> Self {
        RowVector::zeros()
    }
}

impl<T: Float, const R: usize, const C: usize> ZeroTangent for Matrix<T, R, C> {
    #[inline(always)]
    fn zero_tangent() -> Self {
        Matrix::zeros()
    }
}
