//! argmin's trust-region method (Steihaug's truncated conjugate gradient
//! for the subproblem) on Rosenbrock's banana function from the classic
//! start (-1.2, 1), with the gradient and Hessian that `#[differentiable]`
//! generates, through [`autodiff_argmin::Objective`]. Prints one row per
//! iteration (x, y, f, |grad|, trust radius) and, last, where it stopped.
//!
//! Run: `cargo run --release --manifest-path examples/argmin/Cargo.toml`
//! (`-- --quiet` prints only the last line).

use argmin::core::observers::{Observe, ObserverMode};
use argmin::core::{Error, Executor, IterState, State, TerminationStatus, KV};
use argmin::solver::trustregion::{Steihaug, TrustRegion};
use autodiff::differentiable;
use autodiff_argmin::Objective;

#[differentiable]
fn rosenbrock(p: [f64; 2]) -> f64 {
    let (x, y) = (p[0], p[1]);
    (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
}

/// The solver's state over argmin's `Vec` backend.
type Iter = IterState<Vec<f64>, Vec<f64>, (), Vec<Vec<f64>>, (), f64>;

/// Prints the start, then after each iteration the point it moved to, its
/// cost and gradient norm, and the trust radius the step was taken in. A row
/// that repeats the one before is a rejected step: the radius shrinks.
struct Table;

fn row(iter: &str, state: &Iter, radius: Option<f64>) {
    let p = state.get_param().expect("the state has a point");
    let g = state.get_gradient().expect("the state has a gradient");
    println!(
        "{iter:>5} {:>10.6} {:>10.6} {:>12.4e} {:>10.3e} {:>10}",
        p[0],
        p[1],
        state.get_cost(),
        g[0].hypot(g[1]),
        radius.map_or(String::new(), |r| format!("{r:.3e}")),
    );
}

impl Observe<Iter> for Table {
    fn observe_init(&mut self, _solver: &str, state: &Iter, _kv: &KV) -> Result<(), Error> {
        row("start", state, None);
        Ok(())
    }

    fn observe_iter(&mut self, state: &Iter, kv: &KV) -> Result<(), Error> {
        let radius = kv.get("radius").and_then(|r| r.get_float());
        row(&state.get_iter().to_string(), state, radius);
        Ok(())
    }
}

/// Where the trust-region method stopped.
#[derive(Debug)]
pub struct Solution {
    pub x: [f64; 2],
    pub f: f64,
    pub grad_norm: f64,
    pub iterations: u64,
    pub status: TerminationStatus,
    /// How many times argmin asked for a cost, gradient and Hessian.
    pub counts: (u64, u64, u64),
}

/// Runs `TrustRegion<Steihaug>` from `x0` until `f <= target_cost` or 100
/// iterations; prints the iterations when `trace`. (argmin's trust-region
/// method has no gradient test of its own, hence the target cost: near
/// Rosenbrock's minimum `f <= 1e-24` means `|grad| <= sqrt(2 * 1002 * f)`,
/// about 5e-11.)
pub fn solve(x0: [f64; 2], target_cost: f64, trace: bool) -> Result<Solution, Error> {
    let problem = Objective::new(rosenbrock, rosenbrock_grad, rosenbrock_hessian);
    let solver = TrustRegion::new(Steihaug::new().with_max_iters(20))
        .with_radius(1.0)?
        .with_max_radius(100.0)?;
    let mut run = Executor::new(problem, solver).configure(|state| {
        state
            .param(x0.to_vec())
            .max_iters(100)
            .target_cost(target_cost)
            .counting(true)
    });
    if trace {
        run = run.add_observer(Table, ObserverMode::Always);
    }
    let result = run.run()?;
    let state = result.state();
    let p = state.get_best_param().expect("a best point");
    let (f, g) = rosenbrock_grad([p[0], p[1]]);
    let count = |k: &str| state.get_func_counts().get(k).copied().unwrap_or(0);
    Ok(Solution {
        x: [p[0], p[1]],
        f,
        grad_norm: g[0].hypot(g[1]),
        iterations: state.get_iter(),
        status: state.get_termination_status().clone(),
        counts: (
            count("cost_count"),
            count("gradient_count"),
            count("hessian_count"),
        ),
    })
}

fn main() -> Result<(), Error> {
    let quiet = std::env::args()
        .skip(1)
        .any(|a| a == "--quiet" || a == "-q");
    if !quiet {
        println!(
            "{:>5} {:>10} {:>10} {:>12} {:>10} {:>10}",
            "iter", "x", "y", "f", "|grad|", "radius"
        );
    }
    let s = solve([-1.2, 1.0], 1e-24, !quiet)?;
    if !quiet {
        println!(
            "stopped: {}; {} costs, {} gradients, {} Hessians",
            s.status, s.counts.0, s.counts.1, s.counts.2
        );
    }
    println!(
        "minimum at ({:.6}, {:.6}) after {} iterations, f = {:.3e}, |grad| = {:.1e}",
        s.x[0], s.x[1], s.iterations, s.f, s.grad_norm
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn trust_region_reaches_the_minimum() {
        let s = super::solve([-1.2, 1.0], 1e-24, false).unwrap();
        assert!(s.grad_norm < 1e-10, "{s:?}");
        assert!((s.x[0] - 1.0).abs() < 1e-9 && (s.x[1] - 1.0).abs() < 1e-9);
    }
}
