//! Runtime of `autodiff`: the local derivative of every primitive the
//! `#[differentiable]` macro knows, written once, generic over the float type.
//!
//! The macro sees tokens, not types. It therefore never writes a derivative
//! itself: for a node `y = op(a, b)` with incoming adjoint `g` it emits a call
//! to `op_vjp0(a, b, y, g)` (the pullback to argument 0), `op_vjp1(...)`, and
//! so on. Those functions live here, dispatch on the argument types through
//! traits, and are `#[inline(always)]`, so after inlining the generated
//! gradient is the arithmetic a careful person would write by hand.
//!
//! Forward mode (`f_jvp`) reuses the pullbacks of elementwise primitives as
//! their pushforwards and calls `op_jvp(args, y, tangents)` from [`jvp`] for
//! the rest; [`forward`] holds its call protocol ([`NoTangent`],
//! [`IntoTangent`], [`inner`](forward::inner)).
//!
//! [`Dual`] is a forward-mode dual number that implements
//! [`num_traits::Float`]: generic code, and the gradients generated for it,
//! evaluate on it unchanged (forward-over-reverse Hessian-vector products).
//!
//! Everything is `#![no_std]` and allocation-free. Float maths goes through
//! [`num_traits::Float`]: std's intrinsics with the `std` feature, `libm`
//! without it.
#![no_std]
#![warn(missing_docs)]

pub mod activations;
pub mod arith;
#[doc(hidden)]
pub mod diagnostics;
pub mod dual;
pub mod elementwise;
pub mod forward;
pub mod jvp;
pub mod linalg;
pub mod losses;
pub mod rules;
#[doc(hidden)]
pub mod second;

pub use activations::{relu, sigmoid, softplus};
pub use dual::Dual;
pub use elementwise::Elementwise;
pub use forward::{Inner, IntoTangent, NoTangent};
pub use linalg::{
    log_softmax, logsumexp, outer, softmax, Matrix, RowVector, Shape, Transpose, Vector,
};
pub use losses::{bce_with_logits, huber, mse, softmax_cross_entropy};
pub use num_traits;
pub use num_traits::Float;

/// Declares, beside each function `#[differentiable]` knows by name, a hidden
/// module of the same name holding `AUTODIFF_RULE`. The generated code reads
/// `<the path the user wrote>::AUTODIFF_RULE`, which resolves only when that
/// path is autodiff's function: a user's own `fn relu` is a compile error at
/// the call, never a derivative taken from the wrong formula.
macro_rules! rule_markers {
    ($($name:ident),*) => {$(
        #[doc(hidden)]
        pub mod $name {
            /// See `rule_markers!`.
            pub const AUTODIFF_RULE: () = ();
        }
    )*};
}

rule_markers!(
    sigmoid,
    relu,
    softplus,
    softmax,
    log_softmax,
    logsumexp,
    outer,
    mse,
    bce_with_logits,
    huber,
    softmax_cross_entropy
);

/// What the generated code names. Not a public API: it may change in any
/// release without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::activations::*;
    pub use crate::arith::*;
    pub use crate::diagnostics::*;
    pub use crate::dual::Dual;
    pub use crate::forward::*;
    pub use crate::jvp::*;
    pub use crate::linalg::*;
    pub use crate::losses::*;
    pub use crate::rules::*;
    pub use crate::second::*;
    pub use num_traits::{Float, One, Zero};
}
