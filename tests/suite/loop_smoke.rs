//! `for` loops: accumulators, products, carried variables, loops in branches
//! and runtime bounds, split and interchanged loops, against finite
//! differences and gradients written by hand.

use approx::assert_relative_eq;
use autodiff::differentiable;

#[differentiable]
fn ext_rosenbrock<const N: usize>(x: [f64; N]) -> f64 {
    let mut f = 0.0;
    for i in 0..N / 2 {
        let a = x[2 * i];
        let b = x[2 * i + 1];
        f += 100.0 * (b - a * a).powi(2) + (1.0 - a).powi(2);
    }
    f
}

#[differentiable]
fn product(x: [f64; 4]) -> f64 {
    let mut p = 1.0;
    for i in 0..4 {
        p *= x[i].sin() + 2.0;
    }
    p * 0.5
}

#[differentiable(wrt(w, b))]
fn seed_net(w: [[f64; 4]; 16], b: [f64; 4], x: &[f64; 16], y: &[f64; 4]) -> f64 {
    let mut loss = 0.0;
    for j in 0..4 {
        let mut z = b[j];
        for i in 0..16 {
            z += w[i][j] * x[i];
        }
        let a = autodiff::sigmoid(z);
        loss += (a - y[j]).powi(2);
    }
    loss
}

fn fd<const N: usize>(f: impl Fn([f64; N]) -> f64, x: [f64; N]) -> [f64; N] {
    core::array::from_fn(|k| {
        let h = 1e-6 * x[k].abs().max(1.0);
        let (mut a, mut b) = (x, x);
        a[k] += h;
        b[k] -= h;
        (f(a) - f(b)) / (2.0 * h)
    })
}

#[test]
fn rosenbrock_loop() {
    let x = [-1.2, 1.0, 0.5, 0.3, 2.0, -1.0];
    let (v, g) = ext_rosenbrock_grad(x);
    assert_relative_eq!(v, ext_rosenbrock(x));
    let want = fd(ext_rosenbrock, x);
    for k in 0..6 {
        assert_relative_eq!(g[k], want[k], max_relative = 1e-6);
    }
}

#[test]
fn product_loop() {
    let x = [0.3, -1.0, 2.0, 0.7];
    let (v, g) = product_grad(x);
    assert_relative_eq!(v, product(x));
    let want = fd(product, x);
    for k in 0..4 {
        assert_relative_eq!(g[k], want[k], max_relative = 1e-6);
    }
}

#[test]
fn seed_network_loops() {
    let w: [[f64; 4]; 16] =
        core::array::from_fn(|i| core::array::from_fn(|j| ((i * 4 + j) as f64 * 0.37).sin() * 0.3));
    let b = [0.1, -0.2, 0.05, 0.3];
    let x: [f64; 16] = core::array::from_fn(|i| (i as f64 * 0.7).cos());
    let y = [1.0, 0.0, 0.0, 1.0];
    let (v, dw, db) = seed_net_grad(w, b, &x, &y);
    // The interchanged sums add their terms in the same order: the same bits.
    assert_eq!(v, seed_net(w, b, &x, &y));
    let want_b = fd(|b| seed_net(w, b, &x, &y), b);
    for j in 0..4 {
        assert_relative_eq!(db[j], want_b[j], max_relative = 1e-6);
        for i in 0..16 {
            let h = 1e-6;
            let (mut wp, mut wm) = (w, w);
            wp[i][j] += h;
            wm[i][j] -= h;
            let want = (seed_net(wp, b, &x, &y) - seed_net(wm, b, &x, &y)) / (2.0 * h);
            assert_relative_eq!(dw[i][j], want, max_relative = 1e-5, epsilon = 1e-9);
        }
    }
}

/// Two carried variables updated from each other: adjoints and values move
/// together, not one after the other.
#[differentiable]
fn two_carried(x: f64, y: f64) -> f64 {
    let mut a = x;
    let mut b = y;
    for _ in 0..3 {
        b *= a;
        a *= 2.0;
    }
    b + a
}

#[differentiable]
fn swap(x: f64, y: f64) -> f64 {
    let mut a = x;
    let mut b = y;
    for _ in 0..3 {
        let t = a;
        a = b * 1.5;
        b = t;
    }
    a * b.sin()
}

/// A loop that keeps values, inside an `if`.
#[differentiable]
fn product_in_branch(x: [f64; 2]) -> f64 {
    let mut f = 1.0;
    if x[0] > 0.0 {
        for i in 0..2 {
            f *= x[i];
        }
    }
    f
}

/// An element read only by a comparison.
#[differentiable]
fn element_in_condition(x: [f64; 2]) -> f64 {
    if x[0] > 0.0 {
        x[1]
    } else {
        2.0 * x[1]
    }
}

/// A bound known only at run time is fine when the loop keeps nothing.
#[differentiable(wrt(x))]
fn runtime_bound(x: [f64; 4], n: usize) -> f64 {
    let mut f = 0.0;
    for i in 0..n {
        f += x[i] * x[i];
    }
    f
}

/// Nested loops where the inner one keeps values.
#[differentiable]
fn nested_products(x: [f64; 3]) -> f64 {
    let mut s = 0.0;
    for j in 0..3 {
        let mut p = 1.0;
        for i in 0..3 {
            p *= x[i] + j as f64;
        }
        s += p.sqrt();
    }
    s
}

#[test]
fn carried_together() {
    let f = |v: [f64; 2]| two_carried(v[0], v[1]);
    let (_, dx, dy) = two_carried_grad(0.3, 0.4);
    let want = fd(f, [0.3, 0.4]);
    assert_relative_eq!(dx, want[0], max_relative = 1e-6);
    assert_relative_eq!(dy, want[1], max_relative = 1e-6);
    let f = |v: [f64; 2]| swap(v[0], v[1]);
    let (_, dx, dy) = swap_grad(0.3, 0.4);
    let want = fd(f, [0.3, 0.4]);
    assert_relative_eq!(dx, want[0], max_relative = 1e-6);
    assert_relative_eq!(dy, want[1], max_relative = 1e-6);
}

#[test]
fn loops_in_branches_and_conditions() {
    for x in [[0.5, 3.0], [-0.5, 3.0]] {
        let (_, g) = product_in_branch_grad(x);
        let want = fd(product_in_branch, x);
        assert_relative_eq!(g[0], want[0], max_relative = 1e-6, epsilon = 1e-9);
        assert_relative_eq!(g[1], want[1], max_relative = 1e-6, epsilon = 1e-9);
        let (_, g) = element_in_condition_grad(x);
        assert_eq!(g[0], 0.0);
        assert_eq!(g[1], if x[0] > 0.0 { 1.0 } else { 2.0 });
    }
}

#[test]
fn runtime_bounds_and_nested_stores() {
    let x = [0.5, -1.0, 2.0, 3.0];
    let (v, g) = runtime_bound_grad(x, 3);
    assert_relative_eq!(v, 5.25);
    assert_eq!(g, [1.0, -2.0, 4.0, 0.0]);
    let x = [0.5, 1.5, 2.0];
    let (_, g) = nested_products_grad(x);
    let want = fd(nested_products, x);
    for k in 0..3 {
        assert_relative_eq!(g[k], want[k], max_relative = 1e-6);
    }
}

/// Reads that repeat across iterations keep accumulating their gradients.
#[differentiable]
fn repeated_reads(x: [f64; 6]) -> f64 {
    let mut f = 0.0;
    for i in 0..2 {
        for k in 0..3 {
            f += x[i] * x[2 + k] + x[2 * i] * x[2 * i + 2];
        }
    }
    f
}

#[test]
fn repeated_reads_accumulate() {
    let x = [0.5, -1.0, 2.0, 0.25, 1.5, -0.75];
    let (_, g) = repeated_reads_grad(x);
    let want = fd(repeated_reads, x);
    for k in 0..6 {
        assert_relative_eq!(g[k], want[k], max_relative = 1e-6, epsilon = 1e-9);
    }
}

/// A loop with an inner loop and an `if` after it that reads a value
/// computed before the inner loop: the forward pass must not be split where
/// that value would be lost.
#[differentiable]
fn inner_then_branch(x: [f64; 3]) -> f64 {
    let mut f = 0.0;
    for j in 0..3 {
        let c = x[j] * 0.5;
        let mut s = c;
        for i in 0..3 {
            s += x[i] * x[j];
        }
        let e = s.exp();
        f += if e > 1.0 { c * e } else { e - c };
    }
    f
}

#[test]
fn inner_loop_then_branch() {
    for x in [[0.1, -0.4, 0.3], [0.7, 0.2, -0.5]] {
        let (_, g) = inner_then_branch_grad(x);
        let want = fd(inner_then_branch, x);
        for k in 0..3 {
            assert_relative_eq!(g[k], want[k], max_relative = 1e-6, epsilon = 1e-9);
        }
    }
}

/// Two inner loops (one keeping its running product) before the rest: the
/// forward pass is split in two loops.
#[differentiable]
fn two_inner(x: [f64; 4]) -> f64 {
    let mut f = 0.0;
    for j in 0..4 {
        let mut s = 0.0;
        for i in 0..4 {
            s += x[i] * (j as f64 + 1.0);
        }
        let mut p = 1.0;
        for i in 0..2 {
            p *= x[i + j % 2].cos() + 2.0;
        }
        f += (s.sin() * p).tanh();
    }
    f
}

#[test]
fn split_forward_loops() {
    for x in [[0.1, -0.4, 0.3, 0.8], [0.7, 0.2, -0.5, 1.1]] {
        let (v, g) = two_inner_grad(x);
        assert_eq!(v, two_inner(x));
        let want = fd(two_inner, x);
        for k in 0..4 {
            assert_relative_eq!(g[k], want[k], max_relative = 1e-6, epsilon = 1e-9);
        }
    }
}

/// Sums whose loops get interchanged, with an offset range: the value is the
/// same to the bit, the gradient matches finite differences.
#[differentiable]
fn offset_sums(x: [f64; 4]) -> f64 {
    let mut f = 0.0;
    for j in 1..=3 {
        let mut z = x[j] * 2.0;
        for i in 0..4 {
            z += x[i] * x[(i + j) % 4] * (j as f64 + 0.5);
        }
        f += z.exp();
    }
    f
}

/// The same, but the terms read a value computed before the inner loop:
/// the loops must not be interchanged.
#[differentiable]
fn offset_sums_reading_start(x: [f64; 4]) -> f64 {
    let mut f = 0.0;
    for j in 1..=3 {
        let a = x[j] * 2.0;
        let mut z = a;
        for i in 0..4 {
            z += x[i] * a;
        }
        f += z.exp();
    }
    f
}

#[test]
fn interchanged_sums() {
    for x in [[0.1, -0.4, 0.3, 0.8], [0.7, 0.2, -0.5, 1.1]] {
        let (v, g) = offset_sums_grad(x);
        assert_eq!(v, offset_sums(x));
        let want = fd(offset_sums, x);
        for k in 0..4 {
            assert_relative_eq!(g[k], want[k], max_relative = 1e-6, epsilon = 1e-9);
        }
        let (v, g) = offset_sums_reading_start_grad(x);
        assert_eq!(v, offset_sums_reading_start(x));
        let want = fd(offset_sums_reading_start, x);
        for k in 0..4 {
            assert_relative_eq!(g[k], want[k], max_relative = 1e-6, epsilon = 1e-9);
        }
    }
}
