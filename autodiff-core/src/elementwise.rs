//! Shape dispatch: one rule, written for a scalar, serves every shape that
//! can be mapped element by element.

use num_traits::Float;

/// A value whose elements are floats and can be mapped one by one.
///
/// Implemented for every [`Float`] (a scalar is a one-element shape). The
/// vector and matrix types implement it too, which is how `sigmoid(z)` and
/// its derivative work on a whole layer with the same generated code.
pub trait Elementwise: Copy {
    /// The scalar type of the elements.
    type Elem: Float;
    /// Applies `f` to every element.
    fn map(self, f: impl Fn(Self::Elem) -> Self::Elem) -> Self;
    /// Combines two values of the same shape element by element.
    fn zip_map(self, b: Self, f: impl Fn(Self::Elem, Self::Elem) -> Self::Elem) -> Self;
    /// Combines three values of the same shape element by element.
    fn zip3_map(
        self,
        b: Self,
        c: Self,
        f: impl Fn(Self::Elem, Self::Elem, Self::Elem) -> Self::Elem,
    ) -> Self;
}

impl<T: Float> Elementwise for T {
    type Elem = T;
    #[inline(always)]
    fn map(self, f: impl Fn(T) -> T) -> T {
        f(self)
    }
    #[inline(always)]
    fn zip_map(self, b: T, f: impl Fn(T, T) -> T) -> T {
        f(self, b)
    }
    #[inline(always)]
    fn zip3_map(self, b: T, c: T, f: impl Fn(T, T, T) -> T) -> T {
        f(self, b, c)
    }
}
