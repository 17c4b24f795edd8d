//! Newton's method on Rosenbrock's banana function from the classic start
//! (-1.2, 1), with the Hessian `#[differentiable]` generates
//! (`rosenbrock_hessian`: value, gradient and Hessian in one call). Each step
//! solves the 2x2 Newton system `H p = -g` by hand and backtracks along `p`
//! until the Armijo condition holds; where `H` is not positive definite, or
//! `p` is not a descent direction, it steps along `-g` instead. Before that,
//! `rosenbrock_hvp` (gradient and Hessian times a vector, without forming
//! the Hessian) is checked once against `H v`.
//!
//! Run: `cargo run --release --example newton` (`-- --quiet` prints only
//! the last line).

mod common;

use autodiff::differentiable;

#[differentiable]
pub fn rosenbrock(x: f64, y: f64) -> f64 {
    (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
}

/// Stop when the gradient's norm is below this.
const GRAD_TOL: f64 = 1e-10;
/// Armijo's sufficient-decrease constant.
const ARMIJO: f64 = 1e-4;
/// Iteration limit.
const MAX_ITER: usize = 100;

/// The result of [`newton`].
#[derive(Debug, Clone, Copy)]
pub struct Solution {
    pub x: f64,
    pub y: f64,
    pub f: f64,
    pub grad_norm: f64,
    pub iterations: usize,
    /// Steps taken along `-g` because the Newton step was unusable.
    pub gradient_steps: usize,
}

/// The Newton direction `p` with `H p = -g`, by Cramer's rule, if `H` is
/// positive definite (`h00 > 0` and `det > 0`, Sylvester's criterion) and
/// `p` is a descent direction (`g·p < 0`).
fn newton_direction(g: [f64; 2], h: [[f64; 2]; 2]) -> Option<[f64; 2]> {
    let det = h[0][0] * h[1][1] - h[0][1] * h[1][0];
    if h[0][0] <= 0.0 || det <= 0.0 {
        return None;
    }
    let p = [
        -(h[1][1] * g[0] - h[0][1] * g[1]) / det,
        -(h[0][0] * g[1] - h[1][0] * g[0]) / det,
    ];
    (g[0] * p[0] + g[1] * p[1] < 0.0).then_some(p)
}

/// Damped Newton from `(x, y)`; `trace` is called once per iteration with
/// `(iteration, x, y, f, |grad|, step length, newton?)`, the step being the
/// one taken from that point (0 at the last).
pub fn newton(
    (mut x, mut y): (f64, f64),
    mut trace: impl FnMut(usize, f64, f64, f64, f64, f64, bool),
) -> Solution {
    let mut gradient_steps = 0;
    for iter in 0..=MAX_ITER {
        let (f, g, h) = rosenbrock_hessian(x, y);
        let grad_norm = g[0].hypot(g[1]);
        if grad_norm < GRAD_TOL || iter == MAX_ITER {
            trace(iter, x, y, f, grad_norm, 0.0, true);
            return Solution {
                x,
                y,
                f,
                grad_norm,
                iterations: iter,
                gradient_steps,
            };
        }
        let (p, is_newton) = match newton_direction(g, h) {
            Some(p) => (p, true),
            None => {
                gradient_steps += 1;
                ([-g[0], -g[1]], false)
            }
        };
        // Backtracking: the full Newton step first, halved until
        // f(x + t p) <= f(x) + c t g·p.
        let slope = g[0] * p[0] + g[1] * p[1];
        let mut t = 1.0;
        while rosenbrock(x + t * p[0], y + t * p[1]) > f + ARMIJO * t * slope {
            t *= 0.5;
        }
        trace(iter, x, y, f, grad_norm, t * p[0].hypot(p[1]), is_newton);
        x += t * p[0];
        y += t * p[1];
    }
    unreachable!("the loop returns at MAX_ITER")
}

/// `rosenbrock_hvp(x, y, v)` against the Hessian from `rosenbrock_hessian`
/// times `v`: returns `(H, H v by hvp, H v by the Hessian)`, after checking
/// that they agree to rounding and that both give the same gradient.
pub fn check_hvp(x: f64, y: f64, v: [f64; 2]) -> ([[f64; 2]; 2], [f64; 2], [f64; 2]) {
    let (f1, gx, gy, hvx, hvy) = rosenbrock_hvp(x, y, v[0], v[1]);
    let (f2, g, h) = rosenbrock_hessian(x, y);
    let hv = [
        h[0][0] * v[0] + h[0][1] * v[1],
        h[1][0] * v[0] + h[1][1] * v[1],
    ];
    assert_eq!((f1, [gx, gy]), (f2, g), "the same value and gradient");
    let scale = h.iter().flatten().fold(1.0f64, |m, e| m.max(e.abs()));
    for (a, b) in [hvx, hvy].iter().zip(&hv) {
        assert!((a - b).abs() <= 1e-14 * scale, "hvp {a} vs H v {b}");
    }
    (h, [hvx, hvy], hv)
}

fn main() {
    let quiet = common::quiet_flag();
    let start = (-1.2, 1.0);

    // One Hessian-vector product (H v without forming H) at the start,
    // against the full Hessian times v.
    let v = [0.6, -0.8];
    let (h, hvp, hv) = check_hvp(start.0, start.1, v);
    if !quiet {
        println!("at {start:?}: H = {h:?}");
        println!("rosenbrock_hvp along {v:?}: {hvp:?}; H times v: {hv:?}");
        println!(
            "{:>4} {:>10} {:>10} {:>12} {:>10} {:>10}",
            "iter", "x", "y", "f", "|grad|", "step"
        );
    }

    let s = newton(start, |iter, x, y, f, gn, step, is_newton| {
        if !quiet {
            let kind = if is_newton { "" } else { "  (gradient step)" };
            println!("{iter:>4} {x:>10.6} {y:>10.6} {f:>12.4e} {gn:>10.3e} {step:>10.3e}{kind}");
        }
    });
    assert!(s.grad_norm < GRAD_TOL, "did not converge: {s:?}");
    println!(
        "minimum at ({:.6}, {:.6}) after {} iterations, f = {:.3e}, |grad| = {:.1e}",
        s.x, s.y, s.iterations, s.f, s.grad_norm
    );
}
