//! Minimises Rosenbrock's banana function from the classic start (-1.2, 1)
//! by gradient descent with a backtracking line search, using the gradient
//! `#[differentiable]` generates.
//!
//! Run: `cargo run --release --example rosenbrock`

use autodiff::differentiable;

#[differentiable]
fn rosenbrock(x: f64, y: f64) -> f64 {
    (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
}

fn main() {
    let (mut x, mut y) = (-1.2, 1.0);
    let mut step = 1e-3;
    for iter in 0..=20_000 {
        let (f, dx, dy) = rosenbrock_grad(x, y);
        let g2 = dx * dx + dy * dy;
        if iter % 2_000 == 0 || g2 < 1e-20 {
            println!(
                "iter {iter:>6}  f = {f:.3e}  |grad| = {:.3e}  (x, y) = ({x:.6}, {y:.6})",
                g2.sqrt()
            );
        }
        if g2 < 1e-20 {
            break;
        }
        // Armijo backtracking: shrink until the step decreases f enough.
        step *= 2.0;
        while rosenbrock(x - step * dx, y - step * dy) > f - 0.5 * step * g2 {
            step *= 0.5;
        }
        x -= step * dx;
        y -= step * dy;
    }
    println!("minimum near ({x:.6}, {y:.6}); the true minimum is (1, 1)");
}
