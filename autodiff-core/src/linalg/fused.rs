//! `aᵀ b` without forming `aᵀ`: the macro rewrites `w.t() * x` into
//! `tmul(w, x)`, so a layer's forward and backward passes read `W` in place
//! instead of copying its transpose twice.

use crate::linalg::{Matrix, Vector};
use core::ops::Add;
use num_traits::Float;

/// Products `selfᵀ · rhs`, with their pullbacks.
pub trait TransposeMul<Rhs>: Copy {
    /// The type of `selfᵀ · rhs`.
    type Output;
    /// `selfᵀ · rhs`.
    fn tmul(self, rhs: Rhs) -> Self::Output;
    /// `ḡ · ∂(aᵀb)/∂a`.
    fn tmul_vjp_lhs(self, rhs: Rhs, g: Self::Output) -> Self;
    /// `ḡ · ∂(aᵀb)/∂b`.
    fn tmul_vjp_rhs(self, rhs: Rhs, g: Self::Output) -> Rhs;
    /// `selfᵀ · rhs + c`, which a layer computes as `w.t() * x + b`.
    #[inline(always)]
    fn tmul_add(self, rhs: Rhs, c: Self::Output) -> Self::Output
    where
        Self::Output: Add<Output = Self::Output>,
    {
        self.tmul(rhs) + c
    }
}

/// `y = Wᵀx` for `W` of shape `R × C`: `W̄ = x ḡᵀ`, `x̄ = W ḡ`.
impl<T: Float, const R: usize, const C: usize> TransposeMul<Vector<T, R>> for Matrix<T, R, C> {
    type Output = Vector<T, C>;
    #[inline(always)]
    fn tmul(self, x: Vector<T, R>) -> Vector<T, C> {
        // `-0 + a = a` exactly, so the first addition folds away.
        self.tmul_add(x, Vector::new([-T::zero(); C]))
    }
    #[inline(always)]
    fn tmul_add(self, x: Vector<T, R>, c: Vector<T, C>) -> Vector<T, C> {
        let (w, x) = (self.as_array(), x.as_array());
        let mut y = *c.as_array();
        for (row, &xi) in w.iter().zip(x) {
            for (yj, &wij) in y.iter_mut().zip(row) {
                *yj = *yj + wij * xi;
            }
        }
        Vector::new(y)
    }
    #[inline(always)]
    fn tmul_vjp_lhs(self, x: Vector<T, R>, g: Vector<T, C>) -> Self {
        let (x, g) = (x.as_array(), g.as_array());
        Matrix::from_fn(|i, j| x[i] * g[j])
    }
    #[inline(always)]
    fn tmul_vjp_rhs(self, _x: Vector<T, R>, g: Vector<T, C>) -> Vector<T, R> {
        let (w, g) = (self.as_array(), g.as_array());
        Vector::from_fn(|i| w[i].iter().zip(g).fold(T::zero(), |s, (&a, &b)| s + a * b))
    }
}

/// `y = aᵀb = ⟨a, b⟩`: `ā = ḡ b`, `b̄ = ḡ a`.
impl<T: Float, const N: usize> TransposeMul<Vector<T, N>> for Vector<T, N> {
    type Output = T;
    #[inline(always)]
    fn tmul(self, b: Vector<T, N>) -> T {
        self.as_array()
            .iter()
            .zip(b.as_array())
            .fold(T::zero(), |s, (&a, &b)| s + a * b)
    }
    #[inline(always)]
    fn tmul_vjp_lhs(self, b: Vector<T, N>, g: T) -> Self {
        b * g
    }
    #[inline(always)]
    fn tmul_vjp_rhs(self, _b: Vector<T, N>, g: T) -> Vector<T, N> {
        self * g
    }
}

/// `Y = AᵀB` for `A` of shape `R × C` and `B` of shape `R × K`:
/// `Ā = B Ḡᵀ`, `B̄ = A Ḡ`.
impl<T: Float, const R: usize, const C: usize, const K: usize> TransposeMul<Matrix<T, R, K>>
    for Matrix<T, R, C>
{
    type Output = Matrix<T, C, K>;
    #[inline(always)]
    fn tmul(self, b: Matrix<T, R, K>) -> Matrix<T, C, K> {
        let (a, b) = (self.as_array(), b.as_array());
        let mut y = [[-T::zero(); K]; C];
        for (ar, br) in a.iter().zip(b) {
            for (yr, &aij) in y.iter_mut().zip(ar) {
                for (y, &bk) in yr.iter_mut().zip(br) {
                    *y = *y + aij * bk;
                }
            }
        }
        Matrix::new(y)
    }
    #[inline(always)]
    fn tmul_vjp_lhs(self, b: Matrix<T, R, K>, g: Matrix<T, C, K>) -> Self {
        let (b, g) = (b.as_array(), g.as_array());
        Matrix::from_fn(|i, j| {
            b[i].iter()
                .zip(&g[j])
                .fold(T::zero(), |s, (&x, &y)| s + x * y)
        })
    }
    #[inline(always)]
    fn tmul_vjp_rhs(self, _b: Matrix<T, R, K>, g: Matrix<T, C, K>) -> Matrix<T, R, K> {
        let (a, g) = (self.as_array(), g.as_array());
        Matrix::from_fn(|i, k| {
            a[i].iter()
                .zip(g)
                .fold(T::zero(), |s, (&x, gr)| s + x * gr[k])
        })
    }
}

/// `aᵀ b`: what the macro emits for `a.t() * b`.
#[inline(always)]
pub fn tmul<A: TransposeMul<B>, B>(a: A, b: B) -> A::Output {
    a.tmul(b)
}

/// `aᵀ b + c`: what the macro emits for `a.t() * b + c`, one pass that
/// starts the sums at `c`.
#[inline(always)]
pub fn tmul_add<A: TransposeMul<B>, B>(a: A, b: B, c: A::Output) -> A::Output
where
    A::Output: Add<Output = A::Output>,
{
    a.tmul_add(b, c)
}

/// Pullback of [`tmul_add`] to `a`: as for [`tmul`].
#[inline(always)]
pub fn tmul_add_vjp0<A: TransposeMul<B>, B>(
    a: A,
    b: B,
    _c: A::Output,
    _y: A::Output,
    g: A::Output,
) -> A {
    a.tmul_vjp_lhs(b, g)
}

/// Pullback of [`tmul_add`] to `b`: as for [`tmul`].
#[inline(always)]
pub fn tmul_add_vjp1<A: TransposeMul<B>, B>(
    a: A,
    b: B,
    _c: A::Output,
    _y: A::Output,
    g: A::Output,
) -> B {
    a.tmul_vjp_rhs(b, g)
}

/// Pullback of [`tmul_add`] to `c`: `ḡ`.
#[inline(always)]
pub fn tmul_add_vjp2<A: TransposeMul<B>, B>(
    _a: A,
    _b: B,
    _c: A::Output,
    _y: A::Output,
    g: A::Output,
) -> A::Output {
    g
}

/// Pullback of [`tmul`] to `a`.
#[inline(always)]
pub fn tmul_vjp0<A: TransposeMul<B>, B>(a: A, b: B, _y: A::Output, g: A::Output) -> A {
    a.tmul_vjp_lhs(b, g)
}

/// Pullback of [`tmul`] to `b`.
#[inline(always)]
pub fn tmul_vjp1<A: TransposeMul<B>, B>(a: A, b: B, _y: A::Output, g: A::Output) -> B {
    a.tmul_vjp_rhs(b, g)
}

/// `v ⊙ v` for a column or a row: `v̄ = 2 ḡ ⊙ v`.
macro_rules! elementwise_square {
    ($($ty:ident),*) => {$(
        impl<T: Float, const N: usize> crate::arith::MulSelfVjp for crate::linalg::$ty<T, N> {
            #[inline(always)]
            fn vjp_self(self, g: Self) -> Self {
                let t = g * self;
                t + t
            }
            #[inline(always)]
            fn vjp_self_half(self, g: Self) -> Self {
                g * self
            }
        }
    )*};
}

elementwise_square!(Vector, RowVector);

/// `A A` for a square matrix: `Ā = Ḡ Aᵀ + Aᵀ Ḡ` (the two shares differ).
impl<T: Float, const N: usize> crate::arith::MulSelfVjp for Matrix<T, N, N> {
    #[inline(always)]
    fn vjp_self(self, g: Self) -> Self {
        use crate::arith::MulVjp;
        self.vjp_lhs(self, g) + self.vjp_rhs(self, g)
    }
    /// `(Ḡ Aᵀ + Aᵀ Ḡ) / 2`: exact, a division by two.
    #[inline(always)]
    fn vjp_self_half(self, g: Self) -> Self {
        self.vjp_self(g) * (T::one() / (T::one() + T::one()))
    }
}
