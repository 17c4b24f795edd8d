//! `#[differentiable]`: compile-time differentiation, reverse and forward.
//!
//! The pipeline, one file per stage: `attr` reads the attribute, `sig`
//! checks the signature (one description per parameter and result),
//! `lower` turns the body into the expression `graph` (primitives from the
//! one table in `prim`), `index` and `plan` are analyses over it (`cone`
//! finds the norms written out), `emit` walks the scopes for the forward
//! pass, in tangent mode too (`emit_tangent`), with `emit_branch`,
//! `emit_loop`, `emit_fission` and `emit_array` for control flow and local
//! arrays; `emit_backward` writes the backward pass and `emit_params` the
//! results; `jacobian` builds `_jacobian` from both modes; `dot` draws the
//! graph. `names` and `signatures` hold every generated name and
//! signature; `expand` assembles the items and `fallback` emits stubs when
//! anything failed. Errors are gathered in a `ctx::Ctxt` and reported
//! together. `custom` implements `#[custom_vjp]`.

mod attr;
mod cone;
mod ctx;
mod custom;
mod custom_jvp;
mod dot;
mod emit;
mod emit_array;
mod emit_backward;
mod emit_branch;
mod emit_fission;
mod emit_lanes;
mod emit_loop;
mod emit_params;
mod emit_tangent;
mod expand;
mod fallback;
mod graph;
mod hessian;
mod index;
mod jacobian;
mod lower;
mod names;
mod plan;
mod prim;
mod second;
mod sig;
mod signatures;
#[cfg(test)]
mod snapshots;
mod sparsity;

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

/// Gives a function a derivative rule written by hand, so that
/// `#[differentiable]` functions can call it.
///
/// ```ignore
/// #[custom_vjp(erf_vjp)]
/// fn erf(x: f64) -> f64 { libm::erf(x) }
///
/// /// d/dx erf x = 2/√π · e^(−x²)
/// fn erf_vjp(x: f64, _value: f64, g: f64) -> f64 {
///     g * 2.0 / core::f64::consts::PI.sqrt() * (-x * x).exp()
/// }
/// ```
///
/// The rule takes the inputs, the value and the output cotangent `g`, and
/// returns `g · ∂f/∂input`: one value for a function of one input, a tuple
/// with one entry per input otherwise.
#[proc_macro_attribute]
pub fn custom_vjp(args: TokenStream, input: TokenStream) -> TokenStream {
    custom::custom_vjp(args.into(), input.into()).into()
}

/// Gives a function a tangent rule written by hand (forward mode), so that
/// `#[differentiable]` functions can call it.
///
/// ```ignore
/// #[custom_jvp(softsign_jvp)]
/// fn softsign(x: f64) -> f64 { x / (1.0 + x.abs()) }
///
/// /// d/dx x/(1+|x|) = 1/(1+|x|)²
/// fn softsign_jvp(x: f64, _value: f64, t: f64) -> f64 {
///     t / ((1.0 + x.abs()) * (1.0 + x.abs()))
/// }
/// ```
///
/// The rule takes the inputs, the value and one tangent per input, and
/// returns the tangent of the result. Callers' `_jvp` call it once; their
/// `_grad` and `_vjp`, when the inputs and the result are numbers, once per
/// input with a unit tangent; their `_hvp` and `_hessian` run it on dual
/// numbers when the function and its rule are generic over `T: Float`.
#[proc_macro_attribute]
pub fn custom_jvp(args: TokenStream, input: TokenStream) -> TokenStream {
    custom_jvp::custom_jvp(args.into(), input.into()).into()
}
