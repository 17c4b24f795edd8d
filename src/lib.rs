//! Compile-time reverse-mode automatic differentiation.
//!
//! Put [`differentiable`] on a function of floats and arrays of floats; beside
//! it you get `<name>_grad` (value and gradient) and `<name>_vjp` (pullback
//! of an output cotangent), generated as plain Rust: no tape, no heap, no
//! `dyn`. See the README for the supported syntax.
#![no_std]

pub use autodiff_core::{num_traits, relu, sigmoid, softplus, Elementwise, Float};
pub use autodiff_macros::differentiable;

#[doc(hidden)]
pub use autodiff_core::__private;
