//! Compile-time reverse-mode automatic differentiation.
//!
//! Put [`differentiable`] on a function of floats, arrays of floats, or
//! [`Vector`]s and [`Matrix`]es; beside it you get `<name>_grad` (value and
//! gradient), `<name>_vjp` (pullback of an output cotangent) and
//! `<name>_graph` (the expression graph in Graphviz DOT), generated as plain
//! Rust: no tape, no heap, no `dyn`. See the README for the supported syntax.
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
#![no_std]

pub use autodiff_core::{
    bce_with_logits, huber, log_softmax, logsumexp, mse, num_traits, outer, relu, sigmoid, softmax,
    softmax_cross_entropy, softplus, Dual, Elementwise, Float, Matrix, RowVector, Shape, Transpose,
    Vector,
};
pub use autodiff_macros::{custom_vjp, differentiable};

#[doc(hidden)]
pub use autodiff_core::__private;
