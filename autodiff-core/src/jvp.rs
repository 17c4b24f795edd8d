//! Tangent rules (pushforwards) of the primitives whose output is not
//! elementwise in their inputs. For `y = op(a, b)` with tangents `ta`, `tb`
//! the forward mode emits `op_jvp(a, b, y, ta, tb)`: the primal arguments,
//! the primal value, then one tangent per argument, each of its argument's
//! type (a constant argument gets `zero_like(arg)`), returning `y`'s
//! tangent. Elementwise primitives need no rule here: their pullbacks are
//! their pushforwards (see [`forward`](crate::forward)).
//!
//! Dispatch mirrors the pullbacks: the same traits, the same shape pairs.

use crate::arith::{DivVjp, MulVjp};
use crate::elementwise::Elementwise;
use crate::linalg::{dot, softmax, Matrix, Transpose, TransposeMul, Vector};
use core::ops::{Add, Mul, Sub};
use num_traits::Float;

/// Tangent of [`t`](crate::linalg::t): `ṫ = ẋᵀ`.
#[inline(always)]
pub fn t_jvp<A: Transpose>(_x: A, _y: A::Output, tx: A) -> A::Output {
    tx.t()
}

/// Tangent of [`softmax`]: `ẏ = y ⊙ (ż − ⟨y, ż⟩)`.
///
/// The Jacobian `diag(y) − y yᵀ` is symmetric, so this is also
/// [`softmax_vjp0`](crate::linalg::softmax_vjp0) with `ḡ = ż`; it is
/// spelled out so the forward mode does not rest on that coincidence.
/// `y` is the stable value, so large logits cost nothing.
#[inline(always)]
pub fn softmax_jvp<T: Float, const N: usize>(
    _z: Vector<T, N>,
    y: Vector<T, N>,
    tz: Vector<T, N>,
) -> Vector<T, N> {
    let yt = dot(y, tz);
    y.zip_map(tz, |y, t| y * (t - yt))
}

/// Tangent of [`log_softmax`](crate::linalg::log_softmax):
/// `ẏ = ż − ⟨softmax(z), ż⟩`, the same shift for every element.
///
/// The Jacobian `I − 1 softmax(z)ᵀ` is not symmetric, so the pullback with
/// `ḡ = ż` would be wrong. `softmax(z)` is recomputed from `z` (shifted by
/// its maximum) rather than taken as `eʸ`: `y = z − logsumexp(z)` carries
/// the rounding error of `logsumexp`, an absolute `ε·|z|`, which `eʸ` turns
/// into a relative error of `ε·|z|` (about 6e-5 at logits of 1000 in f32).
#[inline(always)]
pub fn log_softmax_jvp<T: Float, const N: usize>(
    z: Vector<T, N>,
    _y: Vector<T, N>,
    tz: Vector<T, N>,
) -> Vector<T, N> {
    let pt = dot(softmax(z), tz);
    tz.map(|t| t - pt)
}

/// Tangent of [`outer`](crate::linalg::outer): `Ẏ = ȧ bᵀ + a ḃᵀ`, in one
/// pass over the matrix.
#[inline(always)]
pub fn outer_jvp<T: Float, const R: usize, const C: usize>(
    a: Vector<T, R>,
    b: Vector<T, C>,
    _y: Matrix<T, R, C>,
    ta: Vector<T, R>,
    tb: Vector<T, C>,
) -> Matrix<T, R, C> {
    Matrix::from_fn(|i, j| ta[i] * b[j] + a[i] * tb[j])
}

/// Tangent of [`tmul`](crate::linalg::tmul): `ẏ = ȧᵀ b + aᵀ ḃ`, for every
/// pair [`TransposeMul`] supports. The second product starts the sums of the
/// first (`tmul_add`), so `W` is read in place and nothing is transposed.
#[inline(always)]
pub fn tmul_jvp<A: TransposeMul<B>, B>(a: A, b: B, _y: A::Output, ta: A, tb: B) -> A::Output
where
    A::Output: Add<Output = A::Output>,
{
    ta.tmul_add(b, a.tmul(tb))
}

/// Tangent of [`tmul_add`](crate::linalg::tmul_add):
/// `ẏ = ȧᵀ b + aᵀ ḃ + ċ`, both products accumulated onto `ċ`.
#[inline(always)]
pub fn tmul_add_jvp<A: TransposeMul<B>, B>(
    a: A,
    b: B,
    _c: A::Output,
    _y: A::Output,
    ta: A,
    tb: B,
    tc: A::Output,
) -> A::Output
where
    A::Output: Add<Output = A::Output>,
{
    ta.tmul_add(b, a.tmul_add(tb, tc))
}

/// Tangent of `a * b` for one pair of operand types.
///
/// Every product here is bilinear, so `d(a·b) = ȧ·b + a·ḃ` for all of them
/// (scalar, scaling, Hadamard, inner, outer, matrix-vector, matrix-matrix),
/// with the same `*` the primal uses. The blanket impl covers exactly the
/// pairs that have a [`MulVjp`], so forward and reverse mode accept the same
/// programs.
pub trait MulJvp<Rhs>: MulVjp<Rhs> {
    /// `ȧ·b + a·ḃ`.
    fn mul_jvp(self, rhs: Rhs, ta: Self, tb: Rhs) -> Self::Output;
}

impl<A, B> MulJvp<B> for A
where
    A: MulVjp<B>,
    B: Copy,
    A::Output: Add<Output = A::Output>,
{
    #[inline(always)]
    fn mul_jvp(self, b: B, ta: A, tb: B) -> A::Output {
        ta * b + self * tb
    }
}

/// Tangent of `a * b`: `ẏ = ȧ·b + a·ḃ`.
#[inline(always)]
pub fn mul_jvp<A: MulJvp<B>, B>(a: A, b: B, _y: A::Output, ta: A, tb: B) -> A::Output {
    a.mul_jvp(b, ta, tb)
}

/// Tangent of `a / b` for one pair of operand types.
///
/// `d(a/b) = (ȧ − y·ḃ)/b`, from the value `y = a/b`: one division, and no
/// `a/b²` to overflow. The pairs are those of [`DivVjp`]: a scalar or a shape
/// divided by a scalar (`ḃ` a scalar, `y` the shape). The formula holds
/// element by element too, should a shape ever be divided by a shape.
pub trait DivJvp<Rhs>: DivVjp<Rhs> {
    /// `(ȧ − y·ḃ)/b`.
    fn div_jvp(self, rhs: Rhs, y: Self::Output, ta: Self, tb: Rhs) -> Self::Output;
}

impl<A, B> DivJvp<B> for A
where
    A: DivVjp<B, Output = A> + Sub<Output = A> + Mul<B, Output = A>,
    B: Copy,
{
    #[inline(always)]
    fn div_jvp(self, b: B, y: A, ta: A, tb: B) -> A {
        (ta - y * tb) / b
    }
}

/// Tangent of `a / b`: `ẏ = (ȧ − y·ḃ)/b`.
#[inline(always)]
pub fn div_jvp<A: DivJvp<B>, B>(a: A, b: B, y: A::Output, ta: A, tb: B) -> A::Output {
    a.div_jvp(b, y, ta, tb)
}
