//! [`Vector`], a column of `N` floats, and [`RowVector`], its transpose.

use crate::arith::MulVjp;
use crate::elementwise::Elementwise;
use crate::linalg::{dot, Shape, Transpose};
use core::ops::{Index, IndexMut, Mul};
use num_traits::Float;

/// A column vector of `N` elements: the `N × 1` matrix.
///
/// `v + w`, `v - w` and `-v` work element by element, `v * s` and `v / s`
/// scale by a scalar (`s * v` too for `f32` and `f64`), and `v * w` is the
/// elementwise (Hadamard) product. `w.t()` is a [`RowVector`], so
/// `w.t() * x` is the inner product (a scalar) and `a * b.t()` the outer
/// product (a [`Matrix`](crate::Matrix)).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Vector<T, const N: usize>(pub(super) [T; N]);

/// A row vector of `N` elements: the `1 × N` matrix, the transpose of a
/// [`Vector`].
///
/// It supports the same elementwise operations as [`Vector`]; besides,
/// `r * x` with `x` a [`Vector`] is the inner product (a scalar) and
/// `r * m` with `m` a [`Matrix`](crate::Matrix) the vector-matrix product.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RowVector<T, const N: usize>(pub(super) [T; N]);

/// Everything shared by the two one-dimensional shapes; `$tr` is the
/// transposed type.
macro_rules! one_dim {
    ($ty:ident, $tr:ident) => {
        impl<T, const N: usize> $ty<T, N> {
            /// Wraps an array.
            #[inline(always)]
            pub const fn new(data: [T; N]) -> Self {
                Self(data)
            }
            /// Element `i` is `f(i)`.
            #[inline(always)]
            pub fn from_fn(f: impl FnMut(usize) -> T) -> Self {
                Self(core::array::from_fn(f))
            }
            /// The elements.
            #[inline(always)]
            pub const fn as_array(&self) -> &[T; N] {
                &self.0
            }
            /// The elements, mutably.
            #[inline(always)]
            pub fn as_mut_array(&mut self) -> &mut [T; N] {
                &mut self.0
            }
        }

        impl<T: Copy, const N: usize> $ty<T, N> {
            /// The elements, by value.
            #[inline(always)]
            pub fn to_array(self) -> [T; N] {
                self.0
            }
        }

        impl<T: Float, const N: usize> $ty<T, N> {
            /// The transpose.
            #[inline(always)]
            pub fn t(self) -> $tr<T, N> {
                $tr(self.0)
            }
        }

        impl<T, const N: usize> From<[T; N]> for $ty<T, N> {
            #[inline(always)]
            fn from(data: [T; N]) -> Self {
                Self(data)
            }
        }

        impl<T, const N: usize> From<$ty<T, N>> for [T; N] {
            #[inline(always)]
            fn from(v: $ty<T, N>) -> Self {
                v.0
            }
        }

        impl<T, const N: usize> Index<usize> for $ty<T, N> {
            type Output = T;
            #[inline(always)]
            fn index(&self, i: usize) -> &T {
                &self.0[i]
            }
        }

        impl<T, const N: usize> IndexMut<usize> for $ty<T, N> {
            #[inline(always)]
            fn index_mut(&mut self, i: usize) -> &mut T {
                &mut self.0[i]
            }
        }

        impl<T: Float, const N: usize> Elementwise for $ty<T, N> {
            type Elem = T;
            #[inline(always)]
            fn map(self, f: impl Fn(T) -> T) -> Self {
                let mut out = self;
                for o in &mut out.0 {
                    *o = f(*o);
                }
                out
            }
            #[inline(always)]
            fn zip_map(self, b: Self, f: impl Fn(T, T) -> T) -> Self {
                let mut out = self;
                for (o, &b) in out.0.iter_mut().zip(&b.0) {
                    *o = f(*o, b);
                }
                out
            }
            #[inline(always)]
            fn zip3_map(self, b: Self, c: Self, f: impl Fn(T, T, T) -> T) -> Self {
                let mut out = self;
                for ((o, &b), &c) in out.0.iter_mut().zip(&b.0).zip(&c.0) {
                    *o = f(*o, b, c);
                }
                out
            }
        }

        impl<T: Float, const N: usize> Shape for $ty<T, N> {
            const LEN: usize = N;
            #[inline(always)]
            fn splat(v: T) -> Self {
                Self([v; N])
            }
            #[inline(always)]
            fn fold<B>(self, init: B, f: impl FnMut(B, T) -> B) -> B {
                self.0.into_iter().fold(init, f)
            }
        }

        impl<T: Float, const N: usize> Transpose for $ty<T, N> {
            type Output = $tr<T, N>;
            #[inline(always)]
            fn t(self) -> $tr<T, N> {
                $tr(self.0)
            }
        }

        /// The elementwise (Hadamard) product `a ⊙ b`.
        impl<T: Float, const N: usize> Mul for $ty<T, N> {
            type Output = Self;
            #[inline(always)]
            fn mul(self, b: Self) -> Self {
                self.zip_map(b, |a, b| a * b)
            }
        }

        /// `y = a ⊙ b`: `ā = ḡ ⊙ b`, `b̄ = ḡ ⊙ a`.
        impl<T: Float, const N: usize> MulVjp<Self> for $ty<T, N> {
            #[inline(always)]
            fn vjp_lhs(self, b: Self, g: Self) -> Self {
                g * b
            }
            #[inline(always)]
            fn vjp_rhs(self, _b: Self, g: Self) -> Self {
                g * self
            }
        }

        shape_ops!($ty<N>);
    };
}

one_dim!(Vector, RowVector);
one_dim!(RowVector, Vector);

impl<T: Float, const N: usize> Vector<T, N> {
    /// `eᶻ / Σ eᶻʲ`, without overflow; see [`softmax`](crate::linalg::softmax).
    #[inline(always)]
    pub fn softmax(self) -> Self {
        crate::linalg::softmax(self)
    }
    /// `z - logsumexp(z)`; see [`log_softmax`](crate::linalg::log_softmax).
    #[inline(always)]
    pub fn log_softmax(self) -> Self {
        crate::linalg::log_softmax(self)
    }
}

/// The inner product `wᵀx`, a scalar.
impl<T: Float, const N: usize> Mul<Vector<T, N>> for RowVector<T, N> {
    type Output = T;
    #[inline(always)]
    fn mul(self, x: Vector<T, N>) -> T {
        dot(self.t(), x)
    }
}

/// `y = wᵀx`: `w̄ = ḡ xᵀ`, `x̄ = ḡ w`.
impl<T: Float, const N: usize> MulVjp<Vector<T, N>> for RowVector<T, N> {
    #[inline(always)]
    fn vjp_lhs(self, x: Vector<T, N>, g: T) -> Self {
        x.t() * g
    }
    #[inline(always)]
    fn vjp_rhs(self, _x: Vector<T, N>, g: T) -> Vector<T, N> {
        self.t() * g
    }
}
