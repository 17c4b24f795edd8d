//! Compile-time reverse-mode automatic differentiation.
//!
//! Put [`differentiable`] on a function of floats, arrays of floats, or
//! [`Vector`]s and [`Matrix`]es; beside it you get `<name>_grad` (value and
//! gradient), `<name>_vjp` (pullback of an output cotangent) and
//! `<name>_graph` (the expression graph in Graphviz DOT), generated as plain
//! Rust: no tape, no heap, no `dyn`. See the README for the supported syntax.
#![no_std]

pub use autodiff_core::{
    bce_with_logits, huber, log_softmax, logsumexp, mse, num_traits, outer, relu, sigmoid, softmax,
    softmax_cross_entropy, softplus, Elementwise, Float, Matrix, RowVector, Shape, Transpose,
    Vector,
};
pub use autodiff_macros::{custom_vjp, differentiable};

#[doc(hidden)]
pub use autodiff_core::__private;
