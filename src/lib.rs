//! Compile-time reverse-mode automatic differentiation.
//!
//! Put [`differentiable`] on a function of floats, arrays of floats, or
//! [`Vector`]s and [`Matrix`]es; beside it you get `<name>_grad` (value and
//! gradient), `<name>_vjp` (pullback of an output cotangent), `<name>_jvp`
//! (forward mode), `<name>_jacobian` (for a vector result), `<name>_hvp` and
//! `<name>_hessian` (second order, for a scalar result) and `<name>_graph`
//! (the expression graph in Graphviz DOT), generated as plain Rust: no tape,
//! no heap, no `dyn`. Rules written by hand go through [`custom_vjp`] and
//! [`custom_jvp`]. See the README for the supported syntax.
//!
//! ```
//! use autodiff::differentiable;
//!
//! #[differentiable]
//! fn rosenbrock(x: f64, y: f64) -> f64 {
//!     (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
//! }
//!
//! let (value, dx, dy) = rosenbrock_grad(-1.2, 1.0);
//! assert_eq!(value, rosenbrock(-1.2, 1.0));
//! assert!((dx - (-215.6)).abs() < 1e-12 && (dy - (-88.0)).abs() < 1e-12);
//! ```
//!
//! Branches, loops, vectors and a loss:
//!
//! ```
//! use autodiff::{differentiable, softmax_cross_entropy, Matrix, Vector};
//!
//! #[differentiable(wrt(w, b))]
//! fn loss(w: Matrix<f64, 4, 3>, b: Vector<f64, 3>, x: Vector<f64, 4>, label: usize) -> f64 {
//!     softmax_cross_entropy(w.t() * x + b, label)
//! }
//!
//! #[differentiable]
//! fn clipped_sum<const N: usize>(x: [f64; N]) -> f64 {
//!     let mut s = 0.0;
//!     for i in 0..N {
//!         s += if x[i] > 1.0 { x[i].ln() + 1.0 } else { x[i] };
//!     }
//!     s
//! }
//!
//! let (_, dw, db) = loss_grad(Matrix::zeros(), Vector::zeros(), Vector::from([1.0, 2.0, 3.0, 4.0]), 1);
//! assert!(db[1] < 0.0 && dw[(3, 1)] < 0.0); // the label's logit goes up
//! let (_, g) = clipped_sum_grad([0.5, 2.0, 4.0]);
//! assert_eq!(g, [1.0, 0.5, 0.25]);
//! ```
//!
//! Second order, for `f64`, `f32` and generic functions alike: the Hessian
//! times a direction in one pass, and the Hessian (its pattern read off the
//! graph: two passes for a block-diagonal one, whatever its size):
//!
//! ```
//! use autodiff::differentiable;
//!
//! #[differentiable]
//! fn rosenbrock(x: f64, y: f64) -> f64 {
//!     (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
//! }
//!
//! let (_, _, _, hx, hy) = rosenbrock_hvp(-1.2, 1.0, 1.0, 0.0);
//! let (_, g, h) = rosenbrock_hessian(-1.2, 1.0);
//! assert_eq!([hx, hy], [h[0][0], h[1][0]]);
//! assert!((h[0][0] - 1330.0).abs() < 1e-9 && (h[0][1] - 480.0).abs() < 1e-9);
//! assert_eq!(h[0][1], h[1][0]);
//! assert!((g[0] - (-215.6)).abs() < 1e-12);
//! ```
//!
//! Or by nesting yourself: the gradient of a function written for a generic
//! `T: Float` also runs on [`Dual`] numbers, and seeded at `x + ε v` it returns
//! the Hessian times `v` in the derivative parts (forward-over-reverse):
//!
//! ```
//! use autodiff::{differentiable, Dual, Float};
//!
//! #[differentiable]
//! fn rosenbrock<T: Float>(x: T, y: T) -> T {
//!     let hundred = T::from(100.0).unwrap();
//!     (T::one() - x).powi(2) + hundred * (y - x * x).powi(2)
//! }
//!
//! // At (1, 2) along v = (1, 0): each argument seeded with its component of v.
//! let (_, gx, gy) = rosenbrock_grad(Dual::new(1.0, 1.0), Dual::new(2.0, 0.0));
//! assert_eq!([gx.re, gy.re], [-400.0, 200.0]); // the gradient
//! assert_eq!([gx.eps, gy.eps], [402.0, -400.0]); // H v: H's first column
//! ```
#![no_std]

pub use autodiff_core::{
    bce_with_logits, huber, log_softmax, logsumexp, mse, num_traits, outer, relu, sigmoid, softmax,
    softmax_cross_entropy, softplus, Dual, Elementwise, Float, Matrix, RowVector, Shape, Transpose,
    Vector,
};
pub use autodiff_macros::{custom_jvp, custom_vjp, differentiable};

#[doc(hidden)]
pub use autodiff_core::__private;
