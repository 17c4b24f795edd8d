//! The bugs the random-program fuzzer (`tests/fuzz`) found on the macro as
//! it was, shrunk to these functions: one wrong gradient and compile
//! failures of supported code (`tests/fuzz/FUZZ_FINDINGS.md`). Each is
//! checked against central finite differences and, in forward mode, the
//! tangent along every axis against the gradient.

use crate::common::{close, fd_grad};
use autodiff::differentiable;

fn check<const N: usize>(
    name: &str,
    pts: &[[f64; N]],
    f: impl Fn([f64; N]) -> f64,
    grad: impl Fn([f64; N]) -> (f64, [f64; N]),
    jvp: impl Fn([f64; N], [f64; N]) -> (f64, f64),
) {
    for &p in pts {
        let (v, g) = grad(p);
        assert_eq!(v, f(p), "{name}: value");
        let fd = fd_grad(&f, p);
        for k in 0..N {
            close(
                &format!("{name} at {p:?}: d/dx{k} vs finite differences"),
                g[k],
                fd[k],
                1e-6,
                1e-5,
            );
            let mut t = [0.0; N];
            t[k] = 1.0;
            let (vj, tk) = jvp(p, t);
            assert_eq!(vj, v, "{name}: jvp value");
            close(
                &format!("{name} at {p:?}: tangent {k} vs gradient"),
                tk,
                g[k],
                1e-14,
                1e-300,
            );
        }
    }
}

/// 1. Arms that recompute values bound before the `if` (merged with them).
#[differentiable]
fn recomputing_arms(q0: f64) -> f64 {
    let v3 = q0.sin() * q0.cos();
    if v3 < q0 {
        q0.cos()
    } else {
        q0.sin()
    }
}

/// 2. A local array live across a loop that does not use it.
#[differentiable]
fn array_across_loop(p0: f64) -> f64 {
    let mut a2 = [0.0; 2];
    a2[1] = p0;
    let mut s4 = p0;
    for _i in 1..4 {
        s4 += p0;
    }
    s4 + a2[0] + a2[1]
}

/// 3. A loop reading one local array and writing another.
#[differentiable]
fn two_arrays(p0: f64, p1: f64) -> f64 {
    let mut a9 = [0.0; 2];
    a9[1] = p0;
    let mut a11 = [0.0; 3];
    for i in 1..2 {
        a11[i] = a9[i] / p1;
    }
    a11[1]
}

/// 4. A local array written in straight code, read in a loop.
#[differentiable]
fn straight_array_in_loop(p0: f64) -> f64 {
    let mut a1 = [0.5; 4];
    a1[2] = p0;
    let mut s = p0;
    for i in 0..3 {
        s += p0 / a1[i + 1];
    }
    s
}

/// 5. A loop in an arm whose result a later condition reads.
#[differentiable]
fn loop_result_in_condition(p0: f64) -> f64 {
    if p0 > 0.0 {
        p0 * 2.0
    } else {
        let mut s = p0;
        for _i in 0..4 {
            s -= 1.0;
        }
        if s > p0 {
            p0 * 3.0
        } else {
            p0 * 4.0
        }
    }
}

/// 6. An inner loop reading a variable the outer loop changes.
#[differentiable]
fn inner_reads_carried(p0: f64, p2: f64) -> f64 {
    let mut v1 = p0;
    let mut v2 = p2;
    for _i in 0..2 {
        v1 += p0 * p2;
        for _j in 0..2 {
            v2 += v1;
        }
    }
    v2
}

/// 7. An inner loop reading a `let` of the outer body.
#[differentiable]
fn inner_reads_outer_let(x0: [f64; 4]) -> f64 {
    let mut s = x0[3];
    for _i in 1..5 {
        let v = x0[0];
        for _j in 1..2 {
            s -= v * v;
        }
    }
    s
}

/// 8. An unused `let mut` in an outer loop body with an inner loop.
#[differentiable]
#[allow(unused_variables, unused_assignments)]
fn unused_mut_in_loop(x0: [f64; 3]) -> f64 {
    let mut v3 = x0[2];
    for i4 in 1..2 {
        let mut _s6 = x0[(i4 + 1) % 3];
        for _i5 in 0..3 {
            v3 += x0[(i4 + 1) % 3] * v3;
        }
    }
    v3
}

/// 9. `s += ..` then a conditional overwrite of `s`, in a loop.
#[differentiable]
fn conditional_overwrite(p0: f64) -> f64 {
    let mut s = p0;
    for _i in 0..3 {
        s += p0;
        s = if p0 > 0.0 { p0 * p0 + s * 0.5 } else { -s };
    }
    s
}

/// 10. A value computed from an element, read only by a condition.
#[differentiable]
fn element_value_in_condition(p0: f64, x2: [f64; 2]) -> f64 {
    let v4 = autodiff::sigmoid(x2[1]);
    if p0 <= v4 {
        p0.cos()
    } else {
        p0 * 2.0
    }
}

/// 11. Arms selecting parameters in an accumulating loop.
#[differentiable]
fn selecting_in_a_loop(q0: f64, q1: f64) -> f64 {
    let mut s = q0;
    for _i in 0..3 {
        s += (if q0 > q1 { q0 } else { q1 }).hypot(q0);
    }
    s
}

#[test]
fn wrong_gradient_of_recomputing_arms() {
    let (_, d) = recomputing_arms_grad(1.2437);
    close("then arm taken", d, -1.2437f64.sin(), 1e-15, 1e-300);
    check(
        "recomputing_arms",
        &[[1.2437], [-0.8], [0.3]],
        |p| recomputing_arms(p[0]),
        |p| {
            let (v, d) = recomputing_arms_grad(p[0]);
            (v, [d])
        },
        |p, t| recomputing_arms_jvp(p[0], t[0]),
    );
}

#[test]
fn local_arrays_across_and_in_loops() {
    check(
        "array_across_loop",
        &[[0.7], [-1.1]],
        |p| array_across_loop(p[0]),
        |p| {
            let (v, d) = array_across_loop_grad(p[0]);
            (v, [d])
        },
        |p, t| array_across_loop_jvp(p[0], t[0]),
    );
    check(
        "two_arrays",
        &[[0.7, 1.3], [-1.1, 0.4]],
        |p| two_arrays(p[0], p[1]),
        |p| {
            let (v, a, b) = two_arrays_grad(p[0], p[1]);
            (v, [a, b])
        },
        |p, t| two_arrays_jvp(p[0], p[1], t[0], t[1]),
    );
    check(
        "straight_array_in_loop",
        &[[0.7], [-1.1]],
        |p| straight_array_in_loop(p[0]),
        |p| {
            let (v, d) = straight_array_in_loop_grad(p[0]);
            (v, [d])
        },
        |p, t| straight_array_in_loop_jvp(p[0], t[0]),
    );
}

#[test]
fn loops_in_arms_and_nested_loops() {
    check(
        "loop_result_in_condition",
        &[[0.7], [-1.1], [-5.0]],
        |p| loop_result_in_condition(p[0]),
        |p| {
            let (v, d) = loop_result_in_condition_grad(p[0]);
            (v, [d])
        },
        |p, t| loop_result_in_condition_jvp(p[0], t[0]),
    );
    check(
        "inner_reads_carried",
        &[[0.7, 1.3], [-1.1, 0.4]],
        |p| inner_reads_carried(p[0], p[1]),
        |p| {
            let (v, a, b) = inner_reads_carried_grad(p[0], p[1]);
            (v, [a, b])
        },
        |p, t| inner_reads_carried_jvp(p[0], p[1], t[0], t[1]),
    );
    check(
        "inner_reads_outer_let",
        &[[0.7, 1.3, -0.2, 0.9]],
        inner_reads_outer_let,
        inner_reads_outer_let_grad,
        inner_reads_outer_let_jvp,
    );
    check(
        "unused_mut_in_loop",
        &[[0.3, -0.4, 0.6]],
        unused_mut_in_loop,
        unused_mut_in_loop_grad,
        unused_mut_in_loop_jvp,
    );
    check(
        "conditional_overwrite",
        &[[0.7], [-1.1]],
        |p| conditional_overwrite(p[0]),
        |p| {
            let (v, d) = conditional_overwrite_grad(p[0]);
            (v, [d])
        },
        |p, t| conditional_overwrite_jvp(p[0], t[0]),
    );
}

#[test]
fn conditions_and_selections() {
    let x2 = [0.1, 0.4];
    check(
        "element_value_in_condition",
        &[[0.3], [0.9]],
        |p| element_value_in_condition(p[0], x2),
        |p| {
            let (v, d, _) = element_value_in_condition_grad(p[0], x2);
            (v, [d])
        },
        |p, t| element_value_in_condition_jvp(p[0], x2, t[0], [0.0; 2]),
    );
    let (v, a, b) = selecting_in_a_loop_grad(0.3, 0.5);
    close("value", v, 0.3 + 3.0 * 0.5f64.hypot(0.3), 1e-15, 1e-300);
    let h = 0.5f64.hypot(0.3);
    close("d/dq0", a, 1.0 + 3.0 * 0.3 / h, 1e-15, 1e-300);
    close("d/dq1", b, 3.0 * 0.5 / h, 1e-15, 1e-300);
    check(
        "selecting_in_a_loop",
        &[[0.3, 0.5], [0.9, -0.2]],
        |p| selecting_in_a_loop(p[0], p[1]),
        |p| {
            let (v, a, b) = selecting_in_a_loop_grad(p[0], p[1]);
            (v, [a, b])
        },
        |p, t| selecting_in_a_loop_jvp(p[0], p[1], t[0], t[1]),
    );
}

/// 12. An inner loop's carried value that only a condition reads, inside a
/// loop that runs backwards (seed 4, case 138, after every feature was
/// switched on): its zero adjoint was made like a value not recomputed.
#[differentiable]
fn compared_inner_carry(p0: f64) -> f64 {
    let mut s6 = p0;
    for _i5 in 0..1 {
        let mut s8 = s6;
        for _i7 in 0..4 {
            s6 /= if s8 > p0 {
                s8 = p0;
                p0
            } else {
                1.5
            };
        }
    }
    s6
}

#[test]
fn carried_value_read_only_by_a_condition() {
    check(
        "compared_inner_carry",
        &[[0.68], [-0.4], [2.0]],
        |p| compared_inner_carry(p[0]),
        |p| {
            let (v, d) = compared_inner_carry_grad(p[0]);
            (v, [d])
        },
        |p, t| compared_inner_carry_jvp(p[0], t[0]),
    );
}

/// 13. An `if` in an inner loop whose arm sets an outer loop's variable,
/// the other arm selecting the inner loop's carried value (seed 21, case
/// 124): the zero handed out by the arm that owes nothing was made like a
/// value the backward pass did not recompute.
#[differentiable(wrt(p0, p1))]
#[allow(unused_assignments, unused_variables)]
fn arm_sets_outer_variable(p0: f64, p1: f64, b2: bool) -> f64 {
    let mut v1 = p0;
    for _i2 in 0..2 {
        let mut s5 = p0 * p1;
        for _i4 in 0..3 {
            let v6 = if b2 {
                v1 *= p1;
                s5
            } else {
                p0
            };
            s5 += v6;
        }
        v1 += s5;
    }
    v1
}

#[test]
fn arm_setting_an_outer_variable() {
    for b in [true, false] {
        check(
            "arm_sets_outer_variable",
            &[[0.7, 0.4], [-0.3, 1.2]],
            |p| arm_sets_outer_variable(p[0], p[1], b),
            |p| {
                let (v, a, c) = arm_sets_outer_variable_grad(p[0], p[1], b);
                (v, [a, c])
            },
            |p, t| arm_sets_outer_variable_jvp(p[0], p[1], b, t[0], t[1]),
        );
    }
}

/// 14. A loop in an `if` arm that keeps a value per iteration, its result
/// read after it (seed 36, case 224): the backward arm ran the loop again
/// carrying a result it had no update for.
#[differentiable]
fn kept_loop_result_in_arm(p0: f64) -> f64 {
    let v3 = if p0 >= 0.0 {
        let mut v6 = p0;
        for _i7 in 0..4 {
            v6 += p0.cos();
        }
        v6.tanh()
    } else {
        p0
    };
    v3 * p0
}

#[test]
fn kept_loop_result_read_in_its_arm() {
    check(
        "kept_loop_result_in_arm",
        &[[0.4], [-1.2], [2.5]],
        |p| kept_loop_result_in_arm(p[0]),
        |p| {
            let (v, d) = kept_loop_result_in_arm_grad(p[0]);
            (v, [d])
        },
        |p, t| kept_loop_result_in_arm_jvp(p[0], t[0]),
    );
}
