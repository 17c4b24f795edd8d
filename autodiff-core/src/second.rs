//! Second order: the conversions between a function's own floats and the
//! [`Dual`] numbers its lifted reverse pass runs on.
//!
//! `#[differentiable]` emits, beside `f_vjp`, the same reverse pass with every
//! float a `Dual<F>` (`F` being the function's `f64` or `f32`). Seeded with
//! `x + ε v`, its gradient's derivative parts are the Hessian times `v`
//! (forward over reverse): `f_hvp`, and column by column `f_hessian`.

#![allow(missing_docs)]

use crate::dual::Dual;
use crate::linalg::{Matrix, RowVector, Vector};
use core::fmt::{Debug, Display};
use core::iter::{Product, Sum};
use core::marker::PhantomData;
use core::ops::{AddAssign, DivAssign, MulAssign, RemAssign, SubAssign};
use num_traits::{Float, FloatConst};

/// The scalar the lifted reverse pass of a function written in `F` runs on:
/// a [`Dual<F>`]. The supertraits are what a generic callee may ask of its
/// float, so that a lifted caller can call it.
pub trait Lifted<F>:
    Float
    + FloatConst
    + Debug
    + Display
    + Default
    + Send
    + Sync
    + 'static
    + Sum
    + Product
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + RemAssign
{
    /// `x` as a constant.
    fn lift_from(x: F) -> Self;
    /// The value part.
    fn unlift_to(self) -> F;
}

impl<F> Lifted<F> for Dual<F>
where
    F: Float + FloatConst + Debug + Display + Default + Send + Sync + 'static + Sum + Product,
{
    #[inline(always)]
    fn lift_from(x: F) -> Self {
        Dual::constant(x)
    }
    #[inline(always)]
    fn unlift_to(self) -> F {
        self.re
    }
}

/// Implemented by the rules (`f_derivatives`) of a function whose second
/// order exists: a `#[differentiable]` function whose callees all have it,
/// or a `#[custom_vjp]`/`#[custom_jvp]` rule generic over its float. `_hvp`
/// and `_hessian` require it of every function they call, so a rule
/// written for `f64` only is an error at their call. The lifetime keeps
/// the bound from being checked where it is written (a bound with no
/// parameter would be an error of the definition) until the call.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no second-order rule, so `_hvp` and `_hessian` cannot go through a call of that function",
    label = "this call's second derivative would go through it",
    note = "a `#[custom_vjp]` or `#[custom_jvp]` rule written for `f64` or `f32` has no second order: write the function and its rule generic over `T: Float` (they then run on dual numbers), or write the function with `#[differentiable]`"
)]
pub trait HasSecondOrder<'a> {}

/// How a value of type `Self` reads in a lifted pass over `S`: a float is
/// lifted to `S`; indices, counts and flags stay what they are.
pub trait LiftInto<S> {
    type Out;
    fn lift_into(self) -> Self::Out;
}

macro_rules! lift_float {
    ($($t:ty)*) => {$(
        impl<S: Lifted<$t>> LiftInto<S> for $t {
            type Out = S;
            #[inline(always)]
            fn lift_into(self) -> S {
                S::lift_from(self)
            }
        }
    )*};
}
lift_float!(f32 f64);

macro_rules! lift_same {
    ($($t:ty)*) => {$(
        impl<S> LiftInto<S> for $t {
            type Out = $t;
            #[inline(always)]
            fn lift_into(self) -> $t {
                self
            }
        }
    )*};
}
lift_same!(bool usize isize u8 u16 u32 u64 u128 i8 i16 i32 i64 i128);

impl<S, X: LiftInto<S>, const N: usize> LiftInto<S> for [X; N] {
    type Out = [X::Out; N];
    #[inline(always)]
    fn lift_into(self) -> Self::Out {
        self.map(LiftInto::lift_into)
    }
}

impl<S, X: LiftInto<S> + Copy> LiftInto<S> for &X {
    type Out = X::Out;
    #[inline(always)]
    fn lift_into(self) -> X::Out {
        (*self).lift_into()
    }
}

macro_rules! lift_vector {
    ($($ty:ident)*) => {$(
        impl<S, T: LiftInto<S> + Copy, const N: usize> LiftInto<S> for $ty<T, N> {
            type Out = $ty<T::Out, N>;
            #[inline(always)]
            fn lift_into(self) -> Self::Out {
                $ty::from(self.to_array().lift_into())
            }
        }
    )*};
}
lift_vector!(Vector RowVector);

impl<S, T: LiftInto<S> + Copy, const R: usize, const C: usize> LiftInto<S> for Matrix<T, R, C> {
    type Out = Matrix<T::Out, R, C>;
    #[inline(always)]
    fn lift_into(self) -> Self::Out {
        Matrix::from(self.to_array().lift_into())
    }
}

/// A leaf of the lifted pass (a literal, a constant expression, a
/// parameter that is not differentiated), lifted by [`LiftInto`] where its
/// type has that, and left as it is otherwise (a reference to user data
/// that only a constant expression reads): method resolution tries
/// `Leaf<X, S>` by value before `&Leaf<X, S>`.
pub struct Leaf<X, S>(pub X, pub PhantomData<S>);

#[inline(always)]
pub fn leaf<S, X>(x: X) -> Leaf<X, S> {
    Leaf(x, PhantomData)
}

pub trait ViaLift {
    type Out;
    fn lifted(self) -> Self::Out;
}

impl<S, X: LiftInto<S>> ViaLift for Leaf<X, S> {
    type Out = X::Out;
    #[inline(always)]
    fn lifted(self) -> X::Out {
        self.0.lift_into()
    }
}

pub trait ViaSame {
    type Out;
    fn lifted(self) -> Self::Out;
}

impl<S, X: Copy> ViaSame for &Leaf<X, S> {
    type Out = X;
    #[inline(always)]
    fn lifted(self) -> X {
        self.0
    }
}

/// A lifted value handed back to the user's constant expression that reads
/// it (`n as f64`, `a[1].hypot(0.5)` of a constant local array): the value
/// part of a lifted float or of a (local, one-dimensional) array of them,
/// and anything else as it is. Method resolution tries `&&&Unleaf` (a
/// float), `&&Unleaf` (an array), then `Unleaf` (anything).
pub struct Unleaf<X, F>(pub X, pub PhantomData<F>);

// `Copy` whatever `F` is: the fallback takes the wrapper by value through
// the references the call site adds.
impl<X: Copy, F> Clone for Unleaf<X, F> {
    #[inline(always)]
    fn clone(&self) -> Self {
        *self
    }
}

impl<X: Copy, F> Copy for Unleaf<X, F> {}

#[inline(always)]
pub fn unleaf<F, X>(x: X) -> Unleaf<X, F> {
    Unleaf(x, PhantomData)
}

pub trait ViaUnlift {
    type Out;
    fn unlifted(self) -> Self::Out;
}

impl<F, X: Lifted<F>> ViaUnlift for &&&Unleaf<X, F> {
    type Out = F;
    #[inline(always)]
    fn unlifted(self) -> F {
        self.0.unlift_to()
    }
}

pub trait ViaUnliftArray {
    type Out;
    fn unlifted(self) -> Self::Out;
}

impl<F, X: Lifted<F>, const N: usize> ViaUnliftArray for &&Unleaf<[X; N], F> {
    type Out = [F; N];
    #[inline(always)]
    fn unlifted(self) -> [F; N] {
        self.0.map(Lifted::unlift_to)
    }
}

pub trait ViaKeep {
    type Out;
    fn unlifted(self) -> Self::Out;
}

impl<F, X: Copy> ViaKeep for Unleaf<X, F> {
    type Out = X;
    #[inline(always)]
    fn unlifted(self) -> X {
        self.0
    }
}

/// `x + ε v` element by element: a differentiated array parameter and its
/// direction, as the lifted pass takes them.
#[inline(always)]
pub fn perturb_array<T: Float, const N: usize>(x: [T; N], v: [T; N]) -> [Dual<T>; N] {
    core::array::from_fn(|i| Dual::new(x[i], v[i]))
}

/// [`perturb_array`] for `[[T; N]; M]`.
#[inline(always)]
pub fn perturb_array2<T: Float, const N: usize, const M: usize>(
    x: [[T; N]; M],
    v: [[T; N]; M],
) -> [[Dual<T>; N]; M] {
    core::array::from_fn(|i| perturb_array(x[i], v[i]))
}

/// A lifted gradient split back: `(value parts, derivative parts)`, that
/// is the gradient and the Hessian times the direction.
#[inline(always)]
pub fn split_array<T: Copy, const N: usize>(d: [Dual<T>; N]) -> ([T; N], [T; N]) {
    (d.map(|x| x.re), d.map(|x| x.eps))
}

/// [`split_array`] for `[[T; N]; M]`.
#[inline(always)]
pub fn split_array2<T: Copy, const N: usize, const M: usize>(
    d: [[Dual<T>; N]; M],
) -> ([[T; N]; M], [[T; N]; M]) {
    (d.map(|r| r.map(|x| x.re)), d.map(|r| r.map(|x| x.eps)))
}

/// [`perturb_array`] and [`split_array`] for autodiff's vectors and matrices.
pub trait PerturbTensor: Sized {
    type Dual;
    fn perturb(self, v: Self) -> Self::Dual;
    fn split(d: Self::Dual) -> (Self, Self);
}

macro_rules! perturb_vector {
    ($($ty:ident)*) => {$(
        impl<T: Float, const N: usize> PerturbTensor for $ty<T, N> {
            type Dual = $ty<Dual<T>, N>;
            #[inline(always)]
            fn perturb(self, v: Self) -> Self::Dual {
                $ty::from(perturb_array(self.to_array(), v.to_array()))
            }
            #[inline(always)]
            fn split(d: Self::Dual) -> (Self, Self) {
                let (re, eps) = split_array(d.to_array());
                ($ty::from(re), $ty::from(eps))
            }
        }
    )*};
}
perturb_vector!(Vector RowVector);

impl<T: Float, const R: usize, const C: usize> PerturbTensor for Matrix<T, R, C> {
    type Dual = Matrix<Dual<T>, R, C>;
    #[inline(always)]
    fn perturb(self, v: Self) -> Self::Dual {
        Matrix::from(perturb_array2(self.to_array(), v.to_array()))
    }
    #[inline(always)]
    fn split(d: Self::Dual) -> (Self, Self) {
        let (re, eps) = split_array2(d.to_array());
        (Matrix::from(re), Matrix::from(eps))
    }
}

/// A generic function's constant array as dual numbers with no derivative part.
#[inline(always)]
pub fn lift_array<T: Float, const N: usize>(x: [T; N]) -> [Dual<T>; N] {
    x.map(Dual::constant)
}

/// [`lift_array`] for `[[T; N]; M]`.
#[inline(always)]
pub fn lift_array2<T: Float, const N: usize, const M: usize>(x: [[T; N]; M]) -> [[Dual<T>; N]; M] {
    x.map(lift_array)
}

/// `x + ε v` with `v` the sum of the columns `c`, `c + m`, `c + 2m`, ...:
/// the seed of one colour of a banded Hessian.
#[inline(always)]
pub fn color_perturb<T: Float, const N: usize>(x: [T; N], c: usize, m: usize) -> [Dual<T>; N] {
    core::array::from_fn(|k| Dual::new(x[k], unit(c, k % m)))
}

/// Component `i` of unit direction `j`: 1 where they are one, else 0.
#[inline(always)]
pub fn unit<T: Float>(j: usize, i: usize) -> T {
    if i == j {
        T::one()
    } else {
        T::zero()
    }
}

/// Element `i` of a flat parameter as `x + ε` (the others `+ 0ε`): the
/// seed of column `i` of a Hessian.
#[inline(always)]
pub fn unit_perturb<T: Float, const N: usize>(x: [T; N], i: usize) -> [Dual<T>; N] {
    core::array::from_fn(|k| Dual::new(x[k], unit(i, k)))
}

/// Makes the Hessian exactly symmetric: the upper triangle is copied from
/// the lower one, so `H[i][j] == H[j][i]` bit for bit.
#[inline(always)]
#[allow(clippy::needless_range_loop)] // h[j][i] = h[i][j]: both indices.
pub fn symmetrize<T: Copy, const N: usize>(h: &mut [[T; N]; N]) {
    for i in 0..N {
        for j in 0..i {
            h[j][i] = h[i][j];
        }
    }
}
