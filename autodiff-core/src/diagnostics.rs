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

/// Bound on the `f_pushforward` that `#[custom_vjp]` emits when the function
/// takes or returns anything but scalars: a cotangent rule of vectors or
/// arrays gives no tangents, so forward mode (`_jvp`) through such a call
/// fails with this message instead of a wrong or missing derivative.
#[diagnostic::on_unimplemented(
    message = "forward mode (`_jvp`) cannot go through a `#[custom_vjp]` function of vectors or arrays",
    label = "this call has a cotangent rule but no tangent rule",
    note = "a `#[custom_vjp]` rule serves forward mode only when every input and the result are scalars (`f64`, `f32` or a float `T`); use reverse mode (`_grad`, `_vjp`) through this function, or write it with `#[differentiable]`"
)]
pub trait JvpNeedsScalarCustomRule {}
