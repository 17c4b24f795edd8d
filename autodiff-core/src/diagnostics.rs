//! Traits that exist only for their error messages: no type implements
//! them, so naming one in a bound makes rustc report our explanation, at the
//! user's call, instead of a bare "cannot find function".

/// Bound on the `f_grad` that `#[differentiable]` emits for a function with
/// a vector or matrix result. Such a function has no gradient (its
/// derivative is a Jacobian), only a pullback, so any call of `f_grad` fails
/// with this message instead of "cannot find function `f_grad`" and a
/// suggestion of the unrelated `f_graph`.
#[diagnostic::on_unimplemented(
    message = "`_grad` needs a scalar result (`f64`, `f32` or a float `T`); this function returns a vector or matrix",
    label = "no `_grad` for a function with a vector or matrix result",
    note = "call its `_vjp` instead, with a seed of the result's type: `f_vjp(args..., seed)` returns `(value, d_x, ...)`, each `d_x` the vector-Jacobian product of `seed` with ∂f/∂x"
)]
pub trait GradNeedsScalarResult {}

/// Bound on the `pushforward` that `#[custom_vjp]` emits when its cotangent
/// rule cannot give tangents (inputs no differentiated caller can pass, an
/// array result), so forward mode (`_jvp`) through such a call fails with
/// this message instead of a wrong or missing derivative.
#[diagnostic::on_unimplemented(
    message = "forward mode (`_jvp`) cannot go through this `#[custom_vjp]` function: its result is not a number, `Vector` or `Matrix`, or its inputs are not all numbers, `Vector`s and `Matrix`es",
    label = "this call has a cotangent rule but no tangent rule",
    note = "a `#[custom_vjp]` rule serves forward mode when its inputs are numbers, `Vector`s or `Matrix`es and its result is a number, `Vector` or `Matrix` (one rule call per output entry); otherwise write the function with `#[differentiable]`"
)]
pub trait JvpNeedsScalarCustomRule {}

/// Bound on the `f_jacobian` that `#[differentiable]` emits for a function
/// with a scalar result, whose derivative is its gradient: `f_grad`.
#[diagnostic::on_unimplemented(
    message = "`_jacobian` needs a vector result (`[T; M]` or `Vector<T, M>`); this function returns a number",
    label = "no `_jacobian` for a function with a scalar result",
    note = "its derivative is a gradient: call `f_grad(args...)`, which returns `(value, d_x, ...)`"
)]
pub trait JacobianNeedsVectorResult {}

/// Bound on the `f_jacobian` that `#[differentiable]` emits when its shapes
/// are not covered: a `Matrix` or two-dimensional result, or a `Matrix` or
/// nested-array parameter.
#[diagnostic::on_unimplemented(
    message = "`_jacobian` covers results `[T; M]` or `Vector<T, M>` and differentiated parameters that are scalars, `[T; N]` or `Vector<T, N>`",
    label = "no `_jacobian` for these shapes",
    note = "use `_jvp` (one direction per call) or `_vjp` (one seed per call) to build the derivative you need"
)]
pub trait JacobianShapes {}

/// Bound on the `f_hvp` and `f_hessian` that `#[differentiable]` emits for
/// a function with a vector or matrix result: second order is for scalar
/// functions (a loss, an objective).
#[diagnostic::on_unimplemented(
    message = "`_hvp` and `_hessian` need a scalar result (`f64`, `f32` or a float `T`); this function returns a vector or matrix",
    label = "no second derivative for a function with a vector or matrix result",
    note = "differentiate a scalar of it (a sum of squares, one component) in a `#[differentiable]` function of its own, and take that function's `_hvp` or `_hessian`"
)]
pub trait SecondOrderNeedsScalarResult {}

/// Bound on the `f_hessian` that `#[differentiable]` emits when the
/// differentiated parameters are not one of the covered combinations.
#[diagnostic::on_unimplemented(
    message = "`_hessian` covers differentiated parameters that are all scalars, or one `[T; N]`, or one `Vector<T, N>` (and constants passed by reference or `Copy`)",
    label = "no `_hessian` for these parameters",
    note = "`_hvp(params..., v...)` works for every combination: it returns the gradient and the Hessian times `v`, one column per call with `v` a unit vector"
)]
pub trait HessianShapes {}

/// Bound on the `f_hvp` and `f_hessian` that `#[differentiable]` emits when
/// its differentiated parameters and result do not share one float type
/// (`f64`, `f32` or one generic `T`), which the dual numbers of second order
/// are built on.
#[diagnostic::on_unimplemented(
    message = "`_hvp` and `_hessian` need the differentiated parameters and the result to share one float type: `f64`, `f32` or one generic `T`",
    label = "no second derivative for these types",
    note = "write the types as `f64` (or `f32`, or one `T: Float`) rather than through an alias"
)]
pub trait SecondOrderNeedsOneFloat {}

/// Bound on the `pullback` that `#[custom_jvp]` emits when its tangent rule
/// cannot give cotangents (a `Matrix` input, a result that is not a number), so
/// reverse mode (`_grad`, `_vjp`) through such a call fails with this
/// message instead of a wrong or missing derivative.
#[diagnostic::on_unimplemented(
    message = "reverse mode (`_grad`, `_vjp`) cannot go through this `#[custom_jvp]` function: its inputs are not all numbers or `Vector`s, or its result is not a number",
    label = "this call has a tangent rule but no cotangent rule",
    note = "a `#[custom_jvp]` rule serves reverse mode when its inputs are numbers or `Vector`s and its result a number (one rule call per input number, per vector element); otherwise give the function a `#[custom_vjp]` rule, or write it with `#[differentiable]`"
)]
pub trait VjpNeedsScalarCustomJvp {}
