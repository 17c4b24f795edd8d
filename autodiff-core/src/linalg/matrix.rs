//! [`Matrix`] and every product that involves one.

use crate::arith::MulVjp;
use crate::elementwise::Elementwise;
use crate::linalg::{RowVector, Shape, Transpose, Vector};
use core::array::from_fn;
use core::ops::{Index, IndexMut, Mul};
use num_traits::Float;

/// An `R × C` matrix, stored row-major as `[[T; C]; R]`.
///
/// `m + n`, `m - n`, `-m`, `m * s` and `m / s` work element by element
/// (`s * m` too for `f32` and `f64`); `m * x` is the matrix-vector product
/// with a [`Vector`], `m * n` the matrix product, and `m.t()` the transpose.
/// `m[i]` is row `i` and `m[(i, j)]` the element in row `i`, column `j`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Matrix<T, const R: usize, const C: usize>([[T; C]; R]);

impl<T, const R: usize, const C: usize> Matrix<T, R, C> {
    /// Wraps an array of rows.
    #[inline(always)]
    pub const fn new(rows: [[T; C]; R]) -> Self {
        Self(rows)
    }
    /// The element in row `i`, column `j` is `f(i, j)`.
    #[inline(always)]
    pub fn from_fn(mut f: impl FnMut(usize, usize) -> T) -> Self {
        Self(from_fn(|i| from_fn(|j| f(i, j))))
    }
    /// The rows.
    #[inline(always)]
    pub const fn as_array(&self) -> &[[T; C]; R] {
        &self.0
    }
    /// The rows, mutably.
    #[inline(always)]
    pub fn as_mut_array(&mut self) -> &mut [[T; C]; R] {
        &mut self.0
    }
}

impl<T: Copy, const R: usize, const C: usize> Matrix<T, R, C> {
    /// The rows, by value.
    #[inline(always)]
    pub fn to_array(self) -> [[T; C]; R] {
        self.0
    }
}

impl<T: Float, const R: usize, const C: usize> Matrix<T, R, C> {
    /// The transpose, `C × R`.
    #[inline(always)]
    pub fn t(self) -> Matrix<T, C, R> {
        Matrix(from_fn(|j| from_fn(|i| self.0[i][j])))
    }
}

impl<T: Float, const N: usize> Matrix<T, N, N> {
    /// The `N × N` identity.
    #[inline(always)]
    pub fn identity() -> Self {
        Self::from_fn(|i, j| if i == j { T::one() } else { T::zero() })
    }
}

impl<T, const R: usize, const C: usize> From<[[T; C]; R]> for Matrix<T, R, C> {
    #[inline(always)]
    fn from(rows: [[T; C]; R]) -> Self {
        Self(rows)
    }
}

impl<T, const R: usize, const C: usize> From<Matrix<T, R, C>> for [[T; C]; R] {
    #[inline(always)]
    fn from(m: Matrix<T, R, C>) -> Self {
        m.0
    }
}

/// `m[i]` is row `i`.
impl<T, const R: usize, const C: usize> Index<usize> for Matrix<T, R, C> {
    type Output = [T; C];
    #[inline(always)]
    fn index(&self, i: usize) -> &[T; C] {
        &self.0[i]
    }
}

impl<T, const R: usize, const C: usize> IndexMut<usize> for Matrix<T, R, C> {
    #[inline(always)]
    fn index_mut(&mut self, i: usize) -> &mut [T; C] {
        &mut self.0[i]
    }
}

/// `m[(i, j)]` is the element in row `i`, column `j`.
impl<T, const R: usize, const C: usize> Index<(usize, usize)> for Matrix<T, R, C> {
    type Output = T;
    #[inline(always)]
    fn index(&self, (i, j): (usize, usize)) -> &T {
        &self.0[i][j]
    }
}

impl<T, const R: usize, const C: usize> IndexMut<(usize, usize)> for Matrix<T, R, C> {
    #[inline(always)]
    fn index_mut(&mut self, (i, j): (usize, usize)) -> &mut T {
        &mut self.0[i][j]
    }
}

impl<T: Float, const R: usize, const C: usize> Elementwise for Matrix<T, R, C> {
    type Elem = T;
    #[inline(always)]
    fn map(self, f: impl Fn(T) -> T) -> Self {
        let mut out = self;
        for o in out.0.iter_mut().flatten() {
            *o = f(*o);
        }
        out
    }
    #[inline(always)]
    fn zip_map(self, b: Self, f: impl Fn(T, T) -> T) -> Self {
        let mut out = self;
        for (o, &b) in out.0.iter_mut().flatten().zip(b.0.iter().flatten()) {
            *o = f(*o, b);
        }
        out
    }
    #[inline(always)]
    fn zip3_map(self, b: Self, c: Self, f: impl Fn(T, T, T) -> T) -> Self {
        let mut out = self;
        let bc = b.0.iter().flatten().zip(c.0.iter().flatten());
        for (o, (&b, &c)) in out.0.iter_mut().flatten().zip(bc) {
            *o = f(*o, b, c);
        }
        out
    }
}

impl<T: Float, const R: usize, const C: usize> Shape for Matrix<T, R, C> {
    const LEN: usize = R * C;
    #[inline(always)]
    fn splat(v: T) -> Self {
        Self([[v; C]; R])
    }
    #[inline(always)]
    fn fold<B>(self, init: B, f: impl FnMut(B, T) -> B) -> B {
        self.0.into_iter().flatten().fold(init, f)
    }
}

impl<T: Float, const R: usize, const C: usize> Transpose for Matrix<T, R, C> {
    type Output = Matrix<T, C, R>;
    #[inline(always)]
    fn t(self) -> Matrix<T, C, R> {
        Matrix::t(self)
    }
}

shape_ops!(Matrix<R, C>);

/// `Σ aᵢbᵢ`.
#[inline(always)]
fn dot<T: Float, const N: usize>(a: &[T; N], b: &[T; N]) -> T {
    a.iter().zip(b).fold(T::zero(), |s, (&a, &b)| s + a * b)
}

/// `M x` for `M` of shape `R × C`.
#[inline(always)]
fn mv<T: Float, const R: usize, const C: usize>(m: &[[T; C]; R], x: &[T; C]) -> [T; R] {
    from_fn(|i| dot(&m[i], x))
}

/// `Mᵀ y` for `M` of shape `R × C`, without forming `Mᵀ`.
#[inline(always)]
fn mtv<T: Float, const R: usize, const C: usize>(m: &[[T; C]; R], y: &[T; R]) -> [T; C] {
    let mut out = [T::zero(); C];
    for (row, &y) in m.iter().zip(y) {
        for (o, &m) in out.iter_mut().zip(row) {
            *o = *o + m * y;
        }
    }
    out
}

/// `a bᵀ`.
#[inline(always)]
fn outer<T: Float, const R: usize, const C: usize>(a: &[T; R], b: &[T; C]) -> [[T; C]; R] {
    from_fn(|i| from_fn(|j| a[i] * b[j]))
}

/// The matrix-vector product `W x`.
impl<T: Float, const R: usize, const C: usize> Mul<Vector<T, C>> for Matrix<T, R, C> {
    type Output = Vector<T, R>;
    #[inline(always)]
    fn mul(self, x: Vector<T, C>) -> Vector<T, R> {
        Vector(mv(&self.0, &x.0))
    }
}

/// `y = W x`: `W̄ = ḡ xᵀ`, `x̄ = Wᵀ ḡ`.
impl<T: Float, const R: usize, const C: usize> MulVjp<Vector<T, C>> for Matrix<T, R, C> {
    #[inline(always)]
    fn vjp_lhs(self, x: Vector<T, C>, g: Vector<T, R>) -> Self {
        Matrix(outer(&g.0, &x.0))
    }
    #[inline(always)]
    fn vjp_rhs(self, _x: Vector<T, C>, g: Vector<T, R>) -> Vector<T, C> {
        Vector(mtv(&self.0, &g.0))
    }
}

/// The matrix product `A B`.
impl<T: Float, const R: usize, const C: usize, const K: usize> Mul<Matrix<T, C, K>>
    for Matrix<T, R, C>
{
    type Output = Matrix<T, R, K>;
    #[inline(always)]
    fn mul(self, b: Matrix<T, C, K>) -> Matrix<T, R, K> {
        // Row i of A B is Bᵀ (row i of A).
        Matrix(from_fn(|i| mtv(&b.0, &self.0[i])))
    }
}

/// `Y = A B`: `Ā = Ḡ Bᵀ`, `B̄ = Aᵀ Ḡ`.
impl<T: Float, const R: usize, const C: usize, const K: usize> MulVjp<Matrix<T, C, K>>
    for Matrix<T, R, C>
{
    #[inline(always)]
    fn vjp_lhs(self, b: Matrix<T, C, K>, g: Matrix<T, R, K>) -> Self {
        // Row i of Ḡ Bᵀ is B (row i of Ḡ).
        Matrix(from_fn(|i| mv(&b.0, &g.0[i])))
    }
    #[inline(always)]
    fn vjp_rhs(self, _b: Matrix<T, C, K>, g: Matrix<T, R, K>) -> Matrix<T, C, K> {
        // Aᵀ Ḡ = Σᵢ (row i of A)ᵀ (row i of Ḡ).
        let mut out = [[T::zero(); K]; C];
        for (a, g) in self.0.iter().zip(&g.0) {
            for (o, &a) in out.iter_mut().zip(a) {
                for (o, &g) in o.iter_mut().zip(g) {
                    *o = *o + a * g;
                }
            }
        }
        Matrix(out)
    }
}

/// The vector-matrix product `aᵀ M`.
impl<T: Float, const R: usize, const C: usize> Mul<Matrix<T, R, C>> for RowVector<T, R> {
    type Output = RowVector<T, C>;
    #[inline(always)]
    fn mul(self, m: Matrix<T, R, C>) -> RowVector<T, C> {
        RowVector(mtv(&m.0, &self.0))
    }
}

/// `yᵀ = aᵀ M`: `āᵀ = ḡᵀ Mᵀ`, `M̄ = a ḡᵀ`.
impl<T: Float, const R: usize, const C: usize> MulVjp<Matrix<T, R, C>> for RowVector<T, R> {
    #[inline(always)]
    fn vjp_lhs(self, m: Matrix<T, R, C>, g: RowVector<T, C>) -> Self {
        RowVector(mv(&m.0, &g.0))
    }
    #[inline(always)]
    fn vjp_rhs(self, _m: Matrix<T, R, C>, g: RowVector<T, C>) -> Matrix<T, R, C> {
        Matrix(outer(&self.0, &g.0))
    }
}

/// The outer product `a bᵀ`.
impl<T: Float, const R: usize, const C: usize> Mul<RowVector<T, C>> for Vector<T, R> {
    type Output = Matrix<T, R, C>;
    #[inline(always)]
    fn mul(self, b: RowVector<T, C>) -> Matrix<T, R, C> {
        Matrix(outer(&self.0, &b.0))
    }
}

/// `Y = a bᵀ`: `ā = Ḡ b`, `b̄ᵀ = aᵀ Ḡ`.
impl<T: Float, const R: usize, const C: usize> MulVjp<RowVector<T, C>> for Vector<T, R> {
    #[inline(always)]
    fn vjp_lhs(self, b: RowVector<T, C>, g: Matrix<T, R, C>) -> Self {
        Vector(mv(&g.0, &b.0))
    }
    #[inline(always)]
    fn vjp_rhs(self, _b: RowVector<T, C>, g: Matrix<T, R, C>) -> RowVector<T, C> {
        RowVector(mtv(&g.0, &self.0))
    }
}
