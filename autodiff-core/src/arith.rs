//! Pullbacks of the arithmetic operators whose shape rules differ by operand
//! type (`*` and `/`). `+`, `-` and unary `-` pass the adjoint through
//! unchanged or negated, so the macro writes those inline.

use core::ops::{Div, Mul};
use num_traits::Float;

/// Pullbacks of `a * b` for one pair of operand types.
///
/// For scalars: `∂(ab)/∂a = b`, `∂(ab)/∂b = a`. Shapes (scalar times
/// vector, matrix times vector, ...) implement the same trait with their
/// own contraction, so the generated code never changes.
pub trait MulVjp<Rhs>: Mul<Rhs> + Copy {
    /// `ḡ · ∂(a·b)/∂a`
    fn vjp_lhs(self, rhs: Rhs, g: Self::Output) -> Self;
    /// `ḡ · ∂(a·b)/∂b`
    fn vjp_rhs(self, rhs: Rhs, g: Self::Output) -> Rhs;
}

impl<T: Float> MulVjp<T> for T {
    #[inline(always)]
    fn vjp_lhs(self, rhs: T, g: T) -> T {
        g * rhs
    }
    #[inline(always)]
    fn vjp_rhs(self, _rhs: T, g: T) -> T {
        g * self
    }
}

/// Pullbacks of `a / b` for one pair of operand types.
///
/// For scalars: `∂(a/b)/∂a = 1/b`, `∂(a/b)/∂b = -a/b² = -y/b`.
pub trait DivVjp<Rhs>: Div<Rhs> + Copy {
    /// `ḡ · ∂(a/b)/∂a`
    fn vjp_lhs(self, rhs: Rhs, y: Self::Output, g: Self::Output) -> Self;
    /// `ḡ · ∂(a/b)/∂b`
    fn vjp_rhs(self, rhs: Rhs, y: Self::Output, g: Self::Output) -> Rhs;
}

impl<T: Float> DivVjp<T> for T {
    #[inline(always)]
    fn vjp_lhs(self, rhs: T, _y: T, g: T) -> T {
        g / rhs
    }
    #[inline(always)]
    fn vjp_rhs(self, rhs: T, y: T, g: T) -> T {
        -(g * y) / rhs
    }
}

/// Pullback of `a * b` to `a`.
#[inline(always)]
pub fn mul_vjp0<A: MulVjp<B>, B>(a: A, b: B, _y: A::Output, g: A::Output) -> A {
    a.vjp_lhs(b, g)
}

/// Pullback of `a * b` to `b`.
#[inline(always)]
pub fn mul_vjp1<A: MulVjp<B>, B>(a: A, b: B, _y: A::Output, g: A::Output) -> B {
    a.vjp_rhs(b, g)
}

/// Pullbacks of `a * a`, both factors the same value.
///
/// For scalars (and element-wise products) the two shares are equal, so the
/// sum is `2 (ḡ a)`, computed as `t + t`: exact in floating point, and one
/// multiplication instead of two.
pub trait MulSelfVjp: MulVjp<Self> {
    /// `ḡ · ∂(a·a)/∂a`.
    fn vjp_self(self, g: Self::Output) -> Self;
    /// Half of [`MulSelfVjp::vjp_self`]: `ḡ a` for scalars. The macro carries
    /// the factor 2 along and applies it once, after a sum.
    fn vjp_self_half(self, g: Self::Output) -> Self;
}

impl<T: Float> MulSelfVjp for T {
    #[inline(always)]
    fn vjp_self(self, g: T) -> T {
        let t = g * self;
        t + t
    }
    #[inline(always)]
    fn vjp_self_half(self, g: T) -> T {
        g * self
    }
}

/// Pullback of `a * a` (the same node twice) to `a`.
#[inline(always)]
pub fn mul_vjp_same<A: MulSelfVjp>(a: A, _b: A, _y: A::Output, g: A::Output) -> A {
    a.vjp_self(g)
}

/// Half the pullback of `a * a` to `a` (see [`MulSelfVjp::vjp_self_half`]).
#[inline(always)]
pub fn mul_vjp_same_half<A: MulSelfVjp>(a: A, _b: A, _y: A::Output, g: A::Output) -> A {
    a.vjp_self_half(g)
}

/// `x · k` for a small integer `k` (a factor of two the macro carried
/// along, with its sign): one multiplication by a constant.
#[inline(always)]
pub fn times<A: crate::Elementwise>(x: A, k: i32) -> A {
    let k = crate::rules::lit::<A::Elem>(f64::from(k));
    x.map(|v| v * k)
}

/// Pullback of `a / b` to `a`.
#[inline(always)]
pub fn div_vjp0<A: DivVjp<B>, B>(a: A, b: B, y: A::Output, g: A::Output) -> A {
    a.vjp_lhs(b, y, g)
}

/// Pullback of `a / b` to `b`.
#[inline(always)]
pub fn div_vjp1<A: DivVjp<B>, B>(a: A, b: B, y: A::Output, g: A::Output) -> B {
    a.vjp_rhs(b, y, g)
}

/// A zero of the same type as `like`: what an arm of an `if` owes to a
/// value it did not use.
#[inline(always)]
pub fn zero_like<A: num_traits::Zero>(_like: A) -> A {
    A::zero()
}

/// The "gradient" of a parameter a function does not differentiate, in the
/// tuple a `<name>_derivatives::pullback` returns. Using it as a number is a type error,
/// which is what a caller differentiating through such a parameter gets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoGrad;

/// The adjoint of a local array: zeros of its type.
#[inline(always)]
pub fn zeros_like_array<T: num_traits::Zero + Copy, const N: usize>(_like: &[T; N]) -> [T; N] {
    [T::zero(); N]
}

/// A zero of a local array's element type, to start a per-iteration store.
#[inline(always)]
pub fn elem_zero<T: num_traits::Zero, const N: usize>(_like: &[T; N]) -> T {
    T::zero()
}

/// `Σ aᵢ`: the adjoint of `x` in `[x; N]`, which every element copies.
#[inline(always)]
pub fn sum_elems<T: num_traits::Zero + Copy, const N: usize>(a: [T; N]) -> T {
    a.iter().fold(T::zero(), |s, &x| s + x)
}

/// `[[a, b], [c, d]]` row by row, `[a, b, c, d]`: how a result `[[T; N]; M]`
/// is kept in one local array (its seed is flattened the same way).
#[inline(always)]
pub fn flatten<T: num_traits::Zero + Copy, const N: usize, const M: usize, const MN: usize>(
    a: [[T; N]; M],
) -> [T; MN] {
    let mut out = [T::zero(); MN];
    for (r, row) in a.iter().enumerate() {
        for (c, x) in row.iter().enumerate() {
            out[r * N + c] = *x;
        }
    }
    out
}

/// The inverse of [`flatten`]: a result `[[T; N]; M]` from its one array.
#[inline(always)]
pub fn unflatten<T: num_traits::Zero + Copy, const N: usize, const M: usize, const MN: usize>(
    a: [T; MN],
) -> [[T; N]; M] {
    let mut out = [[T::zero(); N]; M];
    for (r, row) in out.iter_mut().enumerate() {
        for (c, x) in row.iter_mut().enumerate() {
            *x = a[r * N + c];
        }
    }
    out
}
