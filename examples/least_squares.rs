//! Levenberg–Marquardt on Moré–Garbow–Hillstrom least-squares problems,
//! each written as a residual vector `r(x)` with `#[differentiable]`; the
//! solver reads `r` and `∂r/∂x` from the generated `_jacobian`. Prints one
//! row per problem (iterations, `f = ‖r‖²`, `x`) and whether it reached the
//! published minimum.
//!
//! Run: `cargo run --release --example least_squares` (`-- --quiet` prints
//! only the last line).

mod common;
#[path = "common/mgh_residuals.rs"]
mod mgh_residuals;

use mgh_residuals::*;

/// Step limit for every problem.
const MAX_ITER: usize = 200;

/// Solves one problem from its standard start, prints its row, and says
/// whether it reached the published minimum.
fn run<const N: usize, const M: usize>(
    p: &Published<N>,
    jac: impl Fn([f64; N]) -> ([f64; M], [[f64; N]; M]),
    quiet: bool,
) -> bool {
    assert_eq!(p.m, M);
    let s = levenberg_marquardt(jac, p.x0, MAX_ITER);
    let ok = matches(&s, p);
    if !quiet {
        let x: Vec<String> = s.x.iter().map(|v| format!("{v:.6}")).collect();
        println!(
            "{:<18} {:>2}x{:<2} {:>5} {:>6}  {:<17.10e} {:<15} {:<6} {:<8} {}",
            p.name,
            M,
            N,
            s.iterations,
            s.evaluations,
            s.f,
            p.f,
            if ok { "ok" } else { "MISSED" },
            p.kind,
            x.join(", "),
        );
    }
    ok
}

fn main() {
    let quiet = common::quiet_flag();
    if !quiet {
        println!(
            "{:<18} {:>5} {:>5} {:>6}  {:<17} {:<15} {:<6} {:<8} x",
            "problem", "m x n", "iters", "evals", "f = |r|^2", "published", "match", "minimum"
        );
    }
    let results = [
        run(&ROSENBROCK, rosenbrock_jacobian, quiet),
        run(&FREUDENSTEIN_ROTH, freudenstein_roth_jacobian, quiet),
        run(&BEALE, beale_jacobian, quiet),
        run(&JENNRICH_SAMPSON, jennrich_sampson_jacobian, quiet),
        run(&BOX_3D, box_3d_jacobian, quiet),
    ];
    if !quiet {
        println!(
            "Freudenstein-Roth: from the standard start (0.5, -2) LM finds the local \
             minimum f = 48.9842 at (11.41, -0.8968), not the global f = 0 at (5, 4)."
        );
    }
    let n = results.iter().filter(|&&ok| ok).count();
    println!("converged: {n}/{}", results.len());
}
