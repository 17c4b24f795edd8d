//! `#[differentiable]`: compile-time reverse-mode differentiation.
//!
//! The pipeline, one file per stage: [`attr`] reads the attribute, [`sig`]
//! checks the signature, [`lower`] turns the body into the expression
//! [`graph`] (primitives from [`prim`]), [`expand`] emits the forward and
//! backward passes, and [`fallback`] emits a stub when anything failed.
//! Errors are gathered in a [`ctx::Ctxt`] and reported together.

mod attr;
mod ctx;
mod dot;
mod emit;
mod emit_loop;
mod expand;
mod fallback;
mod graph;
mod lower;
mod prim;
mod sig;
#[cfg(test)]
mod snapshots;

use proc_macro::TokenStream;

/// Differentiates a function of floats at compile time.
///
/// Beside `fn f(p1, p2, ...) -> R` it emits
/// `f_grad(p1, p2, ...) -> (R, d_p1, d_p2, ...)` and
/// `f_vjp(p1, p2, ..., seed: R) -> (R, d_p1, d_p2, ...)`.
///
/// Arguments: `wrt(a, b)` differentiates only the named parameters;
/// `crate = "path"` names the `autodiff` crate when it is re-exported.
/// See the `autodiff` crate documentation for the supported syntax.
#[proc_macro_attribute]
pub fn differentiable(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::differentiable(args.into(), input.into()).into()
}
