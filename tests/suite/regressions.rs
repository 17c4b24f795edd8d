//! Regressions of the trust issue: each function here was given a wrong
//! gradient (or a wrong value, or code that did not compile) by an earlier
//! version of the macro. Each is generic, so the same definition runs in f64
//! and f32 and, on dual numbers, is its own exact oracle; `On::check` also
//! compares with central finite differences.

use crate::common;

use autodiff::{differentiable, Float};
use common::{Cfg, On};

fn c<T: Float>(v: f64) -> T {
    T::from(v).unwrap()
}

/// Checks `$m::f(x: [T; N])`, in f64 and f32.
macro_rules! check_array {
    ($m:ident $cfg:expr; $pts:expr) => {
        check_array!(@as f64, $m $cfg; $pts);
        check_array!(@as f32, $m $cfg; $pts);
    };
    (@as $T:ty, $m:ident $cfg:expr; $pts:expr) => {
        On::<$T>::check(
            stringify!($m),
            $cfg,
            $pts,
            |v| $m::f(v),
            |v| $m::f_grad(v),
            |v, seed| $m::f_vjp(v, seed),
            |v| $m::f(v),
        );
        On::<$T>::check_jvp(
            stringify!($m),
            $cfg,
            $pts,
            |v| $m::f_grad(v),
            |v, t| $m::f_jvp(v, t),
            |v| $m::f(v),
        )
    };
}

// ---------------------------------------------------------------------------
// Branch arms that only select values computed before the `if`.

mod pick {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T, y: T) -> T {
        if x > y {
            x
        } else {
            y
        }
    }
}

#[test]
fn arms_selecting_parameters_route_the_adjoint_to_the_taken_arm() {
    assert_eq!(pick::f_grad(0.5, 0.3), (0.5, 1.0, 0.0));
    assert_eq!(pick::f_grad(0.3, 0.5), (0.5, 0.0, 1.0));
    check!(pick [x, y] Cfg::new(); &[[0.5, 0.3], [0.3, 0.5], [-2.0, 1.0]]);
}

mod running_max {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: [T; 3]) -> T {
        let mut m = x[0];
        for i in 1..3 {
            if x[i] > m {
                m = x[i];
            }
        }
        m
    }
}

#[test]
fn running_maximum_gets_the_gradient_of_the_maximum() {
    assert_eq!(running_max::f_grad([0.5, 2.0, 1.0]), (2.0, [0.0, 1.0, 0.0]));
    assert_eq!(running_max::f_grad([3.0, 2.0, 1.0]), (3.0, [1.0, 0.0, 0.0]));
    check_array!(running_max Cfg::new(); &[[0.5, 2.0, 1.0], [0.1, 0.2, 0.3], [3.0, -1.0, 2.5]]);
}

mod earlier_value {
    use super::*;
    /// Both arms read values bound before the `if`.
    #[differentiable]
    pub fn f<T: Float>(x: T, y: T) -> T {
        let a = x * y;
        let b = x.sin();
        let m = if a > b { a } else { b };
        m * x
    }
}

#[test]
fn arms_selecting_earlier_values() {
    check!(earlier_value [x, y] Cfg::new(); &[[0.7, 2.0], [0.7, 0.1], [-1.5, 0.3], [2.0, -0.5]]);
}

mod nested_select {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T, y: T) -> T {
        if y > x {
            (if x > T::zero() { x } else { y }) * c::<T>(2.0)
        } else {
            x
        }
    }
}

#[test]
fn nested_selecting_branch() {
    check!(nested_select [x, y] Cfg::new(); &[[0.5, 1.0], [-0.5, 1.0], [2.0, 1.0]]);
}

mod select_statement {
    use super::*;
    /// A statement `if` whose arms rebind a variable to existing values.
    #[differentiable]
    pub fn f<T: Float>(x: T, y: T, z: T) -> T {
        let mut m = z;
        if x > y {
            m = x;
        } else if y > z {
            m = y;
        }
        m * m + x
    }
}

#[test]
fn statement_if_selecting_parameters() {
    check!(select_statement [x, y, z] Cfg::new(); &[[2.0, 1.0, 0.5], [0.0, 1.0, 0.5], [0.0, 0.2, 0.5]]);
}

// ---------------------------------------------------------------------------
// Local arrays written in branches.

mod const_store_in_arm {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        let mut a = [c::<T>(0.5); 3];
        if x > T::zero() {
            a[1] = c(7.0);
        }
        a[1] * x
    }
}

mod literal_store_in_arm {
    /// The same with a literal, which is no node of the arm: the arm then
    /// exports nothing but must still write the array.
    #[autodiff::differentiable]
    pub fn f(x: f64) -> f64 {
        let mut a = [0.5; 3];
        if x > 0.0 {
            a[1] = 7.0;
        } else {
            a[2] = 1.0;
        }
        a[1] * x + a[2]
    }
}

#[test]
fn constant_written_to_a_local_array_in_an_arm() {
    assert_eq!(literal_store_in_arm::f_grad(2.0), (14.5, 7.0));
    assert_eq!(literal_store_in_arm::f_grad(-2.0), (0.0, 0.5));
    assert_eq!(const_store_in_arm::f_grad(2.0), (14.0, 7.0));
    assert_eq!(const_store_in_arm::f_grad(-2.0), (-1.0, 0.5));
    check!(const_store_in_arm [x] Cfg::new(); &[[2.0], [-2.0]]);
}

// ---------------------------------------------------------------------------
// Loops.

mod inner_sum_of_exp {
    use super::*;
    #[differentiable(wrt(x))]
    pub fn f<T: Float>(x: T, a: [T; 2]) -> T {
        let mut s = T::zero();
        for _ in 0..1 {
            let mut z = x.exp();
            for j in 0..2 {
                z = z + a[j];
            }
            s = s + z * z;
        }
        s
    }
}

macro_rules! inner_sum_of {
    ($name:ident, $f:ident) => {
        mod $name {
            use super::*;
            #[differentiable(wrt(x))]
            pub fn f<T: Float>(x: T, a: [T; 2]) -> T {
                let mut s = T::zero();
                for _ in 0..2 {
                    let mut z = x.$f();
                    for j in 0..2 {
                        z = z + a[j];
                    }
                    s = s + z * z;
                }
                s
            }
        }
    };
}
inner_sum_of!(inner_sum_of_tanh, tanh);
inner_sum_of!(inner_sum_of_cos, cos);
inner_sum_of!(inner_sum_of_sin, sin);

mod inner_sum_of_sigmoid {
    use super::*;
    #[differentiable(wrt(x))]
    pub fn f<T: Float>(x: T, a: [T; 2]) -> T {
        let mut s = T::zero();
        for _ in 0..2 {
            let mut z = autodiff::sigmoid(x);
            for j in 0..2 {
                z = z + a[j];
            }
            s = s + z * z;
        }
        s
    }
}

#[test]
fn transcendental_start_summed_by_an_inner_loop() {
    let a = [0.3, -0.5];
    let (_, d) = self::inner_sum_of_exp::f_grad(0.4, a);
    let e = 0.4f64.exp();
    approx::assert_relative_eq!(d, 2.0 * (e - 0.2) * e, max_relative = 1e-14);
    macro_rules! each {
        ($($m:ident),*) => {$(
            check!($m [x] Cfg::new(); &[[0.4], [-1.3], [2.0]]);
        )*};
    }
    // `a` is a constant: close over it.
    mod wrap {
        macro_rules! wrap {
            ($($m:ident),*) => {$(
                pub mod $m {
                    use super::super::*;
                    pub fn f<T: Float>(x: T) -> T {
                        super::super::$m::f(x, [c(0.3), c(-0.5)])
                    }
                    pub fn f_grad<T: Float>(x: T) -> (T, T) {
                        super::super::$m::f_grad(x, [c(0.3), c(-0.5)])
                    }
                    pub fn f_vjp<T: Float>(x: T, s: T) -> (T, T) {
                        super::super::$m::f_vjp(x, [c(0.3), c(-0.5)], s)
                    }
                    pub fn f_jvp<T: Float>(x: T, t: T) -> (T, T) {
                        super::super::$m::f_jvp(x, [c(0.3), c(-0.5)], t)
                    }
                    pub fn f_hessian<T: Float>(x: T) -> (T, [T; 1], [[T; 1]; 1]) {
                        super::super::$m::f_hessian(x, [c(0.3), c(-0.5)])
                    }
                    pub fn f_hvp<T: Float>(x: T, v: T) -> (T, T, T) {
                        super::super::$m::f_hvp(x, [c(0.3), c(-0.5)], v)
                    }
                }
            )*};
        }
        wrap!(
            inner_sum_of_exp,
            inner_sum_of_tanh,
            inner_sum_of_cos,
            inner_sum_of_sin,
            inner_sum_of_sigmoid
        );
    }
    use wrap::*;
    each!(
        inner_sum_of_exp,
        inner_sum_of_tanh,
        inner_sum_of_cos,
        inner_sum_of_sin,
        inner_sum_of_sigmoid
    );
}

mod kept_loop_in_arm {
    use super::*;
    /// A loop that keeps a value per iteration, inside an `if` arm.
    #[differentiable(wrt(x))]
    pub fn f<T: Float>(x: T, a: [T; 3]) -> T {
        let mut s = x;
        if x > T::zero() {
            for i in 0..3 {
                s = s * a[i] + c(1.0);
            }
        }
        s * x
    }
}

mod kept_loop_in_loop {
    use super::*;
    /// A loop that keeps a value per iteration, inside another loop.
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        let mut s = T::zero();
        for _ in 0..2 {
            let mut z = x;
            for _ in 0..2 {
                z = z + z * z;
            }
            s = s + z;
        }
        s
    }
}

mod kept_loop_read_by_condition {
    use super::*;
    /// A loop in an arm whose result only a later condition reads.
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        let mut s = x;
        let mut t = x;
        if x > T::zero() {
            for _ in 0..3 {
                t = t * x + c(0.5);
            }
        }
        if t > c(1.0) {
            s = s * c(3.0);
        }
        s
    }
}

#[test]
fn loops_that_keep_values_inside_arms_and_loops() {
    let a = [0.5, -1.5, 2.0];
    let (v, d) = kept_loop_in_arm::f_grad(0.7, a);
    let s = |x: f64| ((x * a[0] + 1.0) * a[1] + 1.0) * a[2] + 1.0;
    approx::assert_relative_eq!(v, s(0.7) * 0.7);
    approx::assert_relative_eq!(d, a[0] * a[1] * a[2] * 0.7 + s(0.7), max_relative = 1e-14);
    assert_eq!(kept_loop_in_arm::f_grad(-0.7, a), (-0.7 * -0.7, -1.4));
    check!(kept_loop_in_loop [x] Cfg::new(); &[[0.3], [-0.4], [1.1]]);
    check!(kept_loop_read_by_condition [x] Cfg::new(); &[[0.3], [2.0], [-0.4]]);
}

// ---------------------------------------------------------------------------
// Code that must compile.

mod elem_only_in_condition {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T, a: [T; 2]) -> T {
        if a[0] > c(0.5) {
            x * c(2.0)
        } else {
            x * x
        }
    }
}

mod elem_in_condition_and_value {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T, a: [T; 2]) -> T {
        let b = a[0] * x;
        if a[0] > c(0.5) {
            b * c(2.0)
        } else {
            x * a[1]
        }
    }
}

#[test]
fn array_element_read_only_in_a_condition() {
    assert_eq!(
        elem_only_in_condition::f_grad(3.0, [1.0, 0.0]),
        (6.0, 2.0, [0.0, 0.0])
    );
    assert_eq!(
        elem_only_in_condition::f_grad(3.0, [0.0, 0.0]),
        (9.0, 6.0, [0.0, 0.0])
    );
    assert_eq!(
        elem_in_condition_and_value::f_grad(3.0, [1.0, 5.0]),
        (6.0, 2.0, [6.0, 0.0])
    );
    assert_eq!(
        elem_in_condition_and_value::f_grad(3.0, [0.25, 5.0]),
        (15.0, 5.0, [0.0, 3.0])
    );
}

mod deref_constant {
    #[autodiff::differentiable(wrt(x))]
    pub fn f(x: f64, r: &f64) -> f64 {
        x * (*r).sin()
    }
}

#[test]
fn dereferenced_constant_reference() {
    assert_eq!(
        deref_constant::f_grad(2.0, &0.5),
        (2.0 * 0.5f64.sin(), 0.5f64.sin())
    );
}

mod list_array_in_loop {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        let a = [x, x * x];
        let mut s = T::zero();
        for i in 0..2 {
            s = s + a[i] * x;
        }
        s
    }
}

mod unwritten_array_in_loop {
    use super::*;
    #[differentiable]
    pub fn f<T: Float>(x: T) -> T {
        let la = [c::<T>(2.0); 3];
        let mut s = x;
        for i in 0..3 {
            s = la[i] / (x * x + c(1.0)) + s;
        }
        s
    }
}

#[test]
fn local_arrays_read_in_loops() {
    check!(list_array_in_loop [x] Cfg::new(); &[[0.5], [-1.5], [2.0]]);
    // The oracle differentiates `2 / (x² + 1)` in another order: a few ulps.
    check!(unwritten_array_in_loop [x] Cfg::new().ulps(64.0); &[[0.5], [-1.5], [2.0]]);
}

mod bool_in_nested_condition {
    #[autodiff::differentiable]
    pub fn f(x: f64, b: bool) -> f64 {
        if x > 0.0 {
            x * 3.0
        } else if b {
            x * 2.0
        } else {
            x * x
        }
    }
}

mod bool_in_arm {
    #[autodiff::differentiable]
    pub fn f(x: f64, b: bool) -> f64 {
        if x > 0.0 {
            if b {
                x * 3.0
            } else {
                x
            }
        } else {
            x * x
        }
    }
}

#[test]
fn bool_parameter_in_a_nested_condition() {
    assert_eq!(bool_in_nested_condition::f_grad(1.0, true), (3.0, 3.0));
    assert_eq!(bool_in_nested_condition::f_grad(-1.0, true), (-2.0, 2.0));
    assert_eq!(bool_in_nested_condition::f_grad(-1.0, false), (1.0, -2.0));
    assert_eq!(bool_in_arm::f_grad(1.0, true), (3.0, 3.0));
    assert_eq!(bool_in_arm::f_grad(1.0, false), (1.0, 1.0));
    assert_eq!(bool_in_arm::f_grad(-1.0, false), (1.0, -2.0));
}

// ---------------------------------------------------------------------------
// Exported functions are differentiable.

mod logsumexp_fn {
    use autodiff::{differentiable, Vector};
    /// `autodiff::logsumexp` was exported but unknown to the macro.
    #[differentiable]
    pub fn f(z: Vector<f64, 3>) -> f64 {
        autodiff::logsumexp(z) * 2.0
    }
}

#[test]
fn logsumexp_as_a_function() {
    let z = autodiff::Vector::from([0.5, -1.0, 2.0]);
    let (v, g) = logsumexp_fn::f_grad(z);
    let e: Vec<f64> = [0.5f64, -1.0, 2.0].iter().map(|x| x.exp()).collect();
    let s: f64 = e.iter().sum();
    approx::assert_relative_eq!(v, 2.0 * s.ln(), max_relative = 1e-15);
    let g: [f64; 3] = g.into();
    for k in 0..3 {
        approx::assert_relative_eq!(g[k], 2.0 * e[k] / s, max_relative = 1e-14);
    }
}
