//! [argmin](https://argmin-rs.org)'s problem traits from the functions
//! `#[differentiable]` generates.
//!
//! argmin's second-order solvers (`Newton`, `NewtonCG`, `TrustRegion` with
//! `Steihaug`, `CauchyPoint` or `Dogleg`) ask the problem for its cost,
//! gradient and Hessian through the traits [`CostFunction`], [`Gradient`]
//! and [`Hessian`]. [`Objective`] implements all three from a function of
//! one array parameter `[f64; N]` and the two functions the macro writes
//! beside it:
//!
//! ```
//! use autodiff::differentiable;
//! use autodiff_argmin::Objective;
//!
//! #[differentiable]
//! fn rosenbrock(p: [f64; 2]) -> f64 {
//!     let (x, y) = (p[0], p[1]);
//!     (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
//! }
//!
//! // rosenbrock_grad:    [f64; 2] -> (f64, [f64; 2])
//! // rosenbrock_hessian: [f64; 2] -> (f64, [f64; 2], [[f64; 2]; 2])
//! let problem = Objective::new(rosenbrock, rosenbrock_grad, rosenbrock_hessian);
//! ```
//!
//! A function of scalars, `f(x: f64, y: f64)`, goes through closures that
//! pack its arguments and results:
//!
//! ```
//! # use autodiff::differentiable;
//! # use autodiff_argmin::Objective;
//! #[differentiable]
//! fn booth(x: f64, y: f64) -> f64 {
//!     (x + 2.0 * y - 7.0).powi(2) + (2.0 * x + y - 5.0).powi(2)
//! }
//!
//! let problem = Objective::new(
//!     |[x, y]: [f64; 2]| booth(x, y),
//!     |[x, y]: [f64; 2]| {
//!         let (f, dx, dy) = booth_grad(x, y);
//!         (f, [dx, dy])
//!     },
//!     |[x, y]: [f64; 2]| booth_hessian(x, y), // already (f, [f64; 2], [[f64; 2]; 2])
//! );
//! ```
//!
//! The parameter is argmin's `Vec<f64>` (the `vec` backend of
//! `argmin-math`), the gradient a `Vec<f64>` and the Hessian a
//! `Vec<Vec<f64>>` of rows; a parameter of another length than `N` is an
//! [`Error`], not a panic. argmin asks for the cost, the gradient and the
//! Hessian at a point in three calls, and `_hessian` computes the value and
//! gradient again beside the Hessian (`N` lifted reverse passes): cheap for
//! small `N`, and nothing is cached.

use argmin::core::{ArgminError, CostFunction, Error, Gradient, Hessian};

/// argmin's [`CostFunction`], [`Gradient`] and [`Hessian`] over `Vec<f64>`,
/// from a function `cost` of `[f64; N]`, its generated `cost_grad` and its
/// generated `cost_hessian` (or closures of the same shapes). See the
/// [crate documentation](crate).
#[derive(Clone, Copy, Debug)]
pub struct Objective<const N: usize, C, G, H> {
    cost: C,
    grad: G,
    hessian: H,
}

impl<const N: usize, C, G, H> Objective<N, C, G, H>
where
    C: Fn([f64; N]) -> f64,
    G: Fn([f64; N]) -> (f64, [f64; N]),
    H: Fn([f64; N]) -> (f64, [f64; N], [[f64; N]; N]),
{
    /// The problem of minimising `cost`; `grad` and `hessian` return the
    /// value with the gradient, and the value, gradient and Hessian, as
    /// `f_grad` and `f_hessian` do.
    pub fn new(cost: C, grad: G, hessian: H) -> Self {
        Self {
            cost,
            grad,
            hessian,
        }
    }
}

/// `param` as an array, or an error naming both lengths.
fn point<const N: usize>(param: &[f64]) -> Result<[f64; N], Error> {
    param.try_into().map_err(|_| {
        ArgminError::InvalidParameter {
            text: format!("a parameter of length {}, expected {N}", param.len()),
        }
        .into()
    })
}

impl<const N: usize, C, G, H> CostFunction for Objective<N, C, G, H>
where
    C: Fn([f64; N]) -> f64,
{
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, param: &Vec<f64>) -> Result<f64, Error> {
        Ok((self.cost)(point(param)?))
    }
}

impl<const N: usize, C, G, H> Gradient for Objective<N, C, G, H>
where
    G: Fn([f64; N]) -> (f64, [f64; N]),
{
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;

    fn gradient(&self, param: &Vec<f64>) -> Result<Vec<f64>, Error> {
        Ok((self.grad)(point(param)?).1.to_vec())
    }
}

impl<const N: usize, C, G, H> Hessian for Objective<N, C, G, H>
where
    H: Fn([f64; N]) -> (f64, [f64; N], [[f64; N]; N]),
{
    type Param = Vec<f64>;
    type Hessian = Vec<Vec<f64>>;

    fn hessian(&self, param: &Vec<f64>) -> Result<Vec<Vec<f64>>, Error> {
        let (_, _, h) = (self.hessian)(point(param)?);
        Ok(h.iter().map(|row| row.to_vec()).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use autodiff::differentiable;

    #[differentiable]
    fn quadratic(p: [f64; 3]) -> f64 {
        p[0] * p[0] + 3.0 * p[0] * p[1] + 2.0 * p[1] * p[1] + p[2].exp()
    }

    #[test]
    fn traits_agree_with_the_generated_functions() {
        let o = Objective::new(quadratic, quadratic_grad, quadratic_hessian);
        let p = vec![1.0, -2.0, 0.5];
        let e = 0.5f64.exp();
        assert_eq!(o.cost(&p).unwrap(), quadratic([1.0, -2.0, 0.5]));
        assert_eq!(o.gradient(&p).unwrap(), vec![2.0 - 6.0, 3.0 - 8.0, e]);
        assert_eq!(
            o.hessian(&p).unwrap(),
            vec![vec![2.0, 3.0, 0.0], vec![3.0, 4.0, 0.0], vec![0.0, 0.0, e]]
        );
    }

    #[test]
    fn a_parameter_of_the_wrong_length_is_an_error() {
        let o = Objective::new(quadratic, quadratic_grad, quadratic_hessian);
        let err = o.hessian(&vec![1.0, 2.0]).unwrap_err();
        assert!(err.to_string().contains("length 2, expected 3"), "{err}");
    }
}
