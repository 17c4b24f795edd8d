//! The generated code must not clash with the user's names, must not depend
//! on what the prelude names mean at the call site, must work from inside a
//! `macro_rules!` expansion, and must be warning- and clippy-clean: this
//! whole file is compiled with `deny(warnings)` and `deny(clippy::all)`.
#![deny(warnings)]
#![deny(clippy::all)]

use autodiff::differentiable;

// Prelude and runtime names, shadowed at module level. The generated code
// names everything by absolute path, so none of these may matter.
#[allow(dead_code)]
struct Result;
#[allow(dead_code)]
struct Option;
#[allow(dead_code)]
struct Some;
#[allow(dead_code)]
struct None;
#[allow(dead_code)]
struct Ok;
#[allow(dead_code)]
struct Err;
#[allow(dead_code)]
struct Vec;
#[allow(dead_code)]
struct Box;
#[allow(dead_code)]
struct String;
#[allow(dead_code)]
struct Copy;
#[allow(dead_code)]
struct Clone;
#[allow(dead_code)]
struct Default;
#[allow(dead_code)]
struct From;
#[allow(dead_code)]
struct Into;
#[allow(dead_code)]
struct Fn;
#[allow(dead_code)]
struct Float;
#[allow(dead_code)]
struct Zero;
#[allow(dead_code)]
struct One;
#[allow(dead_code)]
struct Elementwise;
#[allow(dead_code)]
struct MulVjp;
#[allow(dead_code)]
struct DivVjp;
#[allow(dead_code)]
mod __private {}
#[allow(dead_code)]
fn sin() {}
#[allow(dead_code)]
fn mul_vjp0() {}
#[allow(dead_code)]
fn powi() {}
#[allow(dead_code)]
fn unreachable() {}

/// Central finite difference, for the checks below.
fn fd(f: impl core::ops::Fn(f64) -> f64, x: f64) -> f64 {
    let h = 1e-6 * x.abs().max(1.0);
    (f(x + h) - f(x - h)) / (2.0 * h)
}

#[track_caller]
fn near(a: f64, b: f64) {
    assert!(
        (a - b).abs() <= 1e-7 * a.abs().max(b.abs()).max(1.0),
        "{a} vs {b}"
    );
}

// ---------------------------------------------------------------------------
// User names that look like the generated temporaries.

/// Parameters and locals named like the forward values (`t0`), adjoints
/// (`d0`, `d_x`), the seed and the runtime alias (`__ad`).
#[differentiable]
fn temporaries(t0: f64, t1: f64, d0: f64, d_x: f64, x: f64) -> f64 {
    let t2 = t0 * t1;
    let d1 = t2.sin() + d0;
    let __ad = d1 * d_x;
    let seed = __ad + x * t0;
    let d_t0 = seed * t1;
    d_t0 + x.exp()
}

/// `x`'s adjoint would be called `d_x`, and a parameter is called `d_x`.
#[differentiable]
fn adjoint_names(x: f64, d_x: f64, d_d_x: f64) -> f64 {
    x * d_x + d_d_x * x.sin() + d_x.exp()
}

/// A parameter named `seed` (the vjp's own seed is renamed), and `seed_`.
#[differentiable]
fn seed_param(seed: f64, seed_: f64) -> f64 {
    seed * seed_ + seed.sin()
}

/// Parameters whose names start with `_`: the generated bindings stay
/// lint-clean under `deny(warnings)`.
mod underscore_params {
    use autodiff::differentiable;

    /// A parameter named `__ad`, the alias of the runtime module.
    #[differentiable]
    pub fn ad_param(__ad: f64, y: f64) -> f64 {
        __ad.exp() * y + __ad.powi(2)
    }

    /// An unused parameter named the usual way.
    #[differentiable]
    pub fn unused_param(x: f64, _unused: f64) -> f64 {
        x * x
    }
}
use underscore_params::{ad_param, ad_param_grad, unused_param, unused_param_grad};

/// `_a`'s adjoint was `d_p0`, the same name as `p0`'s: one shadowed the
/// other. `n1` would give `d_n1`, the name of a node's adjoint.
#[differentiable]
fn positional_names(_a: f64, p0: f64, n1: f64, n: f64) -> f64 {
    _a * 2.0 + p0 * 3.0 + n1 * n1 + n * 5.0
}

/// Constant expressions that read locals named like the temporaries.
#[differentiable]
fn constant_locals(x: f64, n: i32) -> f64 {
    let t0 = n;
    let seed = t0 + 1;
    let d0 = f64::from(seed);
    x * d0 + x.powi(t0)
}

#[test]
fn temporaries_do_not_clash() {
    let p = [0.3, -0.7, 1.1, 0.4, 0.9];
    let (v, g0, g1, g2, g3, g4) = temporaries_grad(p[0], p[1], p[2], p[3], p[4]);
    assert_eq!(v, temporaries(p[0], p[1], p[2], p[3], p[4]));
    let g = [g0, g1, g2, g3, g4];
    for (i, gi) in g.iter().enumerate() {
        let f = |t: f64| {
            let mut q = p;
            q[i] = t;
            temporaries(q[0], q[1], q[2], q[3], q[4])
        };
        near(*gi, fd(f, p[i]));
    }

    let (v, dx, ddx, dddx) = adjoint_names_grad(0.5, 2.0, 3.0);
    assert_eq!(v, adjoint_names(0.5, 2.0, 3.0));
    near(dx, 2.0 + 3.0 * 0.5f64.cos());
    near(ddx, 0.5 + 2.0f64.exp());
    near(dddx, 0.5f64.sin());

    let (v, ds, ds_) = seed_param_grad(0.5, 4.0);
    assert_eq!(v, seed_param(0.5, 4.0));
    near(ds, 4.0 + 0.5f64.cos());
    near(ds_, 0.5);
    // The vjp of a function with a `seed` parameter still takes its own seed last.
    let (_, ss, ss_) = seed_param_vjp(0.5, 4.0, 2.0);
    assert_eq!((ss, ss_), (2.0 * ds, 2.0 * ds_));

    let (v, da, dy) = ad_param_grad(0.25, 3.0);
    assert_eq!(v, ad_param(0.25, 3.0));
    near(da, 0.25f64.exp() * 3.0 + 0.5);
    near(dy, 0.25f64.exp());
    assert_eq!(
        unused_param_grad(3.0, 1.0),
        (unused_param(3.0, 1.0), 6.0, 0.0)
    );

    assert_eq!(
        positional_names_grad(1.0, 1.0, 4.0, 1.0),
        (positional_names(1.0, 1.0, 4.0, 1.0), 2.0, 3.0, 8.0, 5.0)
    );

    let (v, dx) = constant_locals_grad(1.5, 2);
    assert_eq!(v, constant_locals(1.5, 2));
    near(dx, 3.0 + 2.0 * 1.5);
}

// ---------------------------------------------------------------------------
// `#[custom_vjp]` rules whose parameters are named like the pullback's own
// bindings (`value`, `seed`, `g0`), like the function, or like the rule.

/// `value` was shadowed by the pullback's `let value = f(..)`: the rule saw
/// x² instead of x, and d/dx x² at 3 came out 18.
#[autodiff::custom_vjp(square_rule)]
fn square_of(value: f64) -> f64 {
    value * value
}

fn square_rule(value: f64, _y: f64, g: f64) -> f64 {
    g * 2.0 * value
}

/// `seed` was bound twice in the pullback's parameter list.
#[autodiff::custom_vjp(scale_rule)]
fn scale(g: f64, seed: f64) -> f64 {
    g * seed
}

fn scale_rule(g: f64, seed: f64, _y: f64, bar: f64) -> (f64, f64) {
    (bar * seed, bar * g)
}

/// Parameters named like the function and like the rule.
#[autodiff::custom_vjp(shift_rule)]
fn shift(shift: f64, shift_rule: f64, g0: f64) -> f64 {
    shift + 2.0 * shift_rule + 3.0 * g0
}

fn shift_rule(_a: f64, _b: f64, _c: f64, _y: f64, g: f64) -> (f64, f64, f64) {
    (g, 2.0 * g, 3.0 * g)
}

#[differentiable]
fn through_rules(x: f64, y: f64) -> f64 {
    square_of(x) + scale(x, y) + shift(x, y, x * y)
}

/// The pullback of a `#[differentiable]` function with parameters named
/// `value` and `seed`, like the pullback's own bindings, and like itself.
#[differentiable]
fn callee(value: f64, seed: f64, callee: f64) -> f64 {
    value * seed + callee.sin()
}

#[differentiable]
fn calls_callee(x: f64) -> f64 {
    callee(x, 2.0 * x, x)
}

#[test]
fn custom_rule_names_do_not_clash() {
    let (v, d) = square_of_derivatives::pullback(3.0, 1.0);
    assert_eq!((v, d.0), (9.0, 6.0));
    let (v, (dg, ds)) = scale_derivatives::pullback(2.0, 5.0, 1.0);
    assert_eq!((v, dg, ds), (10.0, 5.0, 2.0));
    let (x, y) = (0.5, -1.5);
    let (v, dx, dy) = through_rules_grad(x, y);
    assert_eq!(v, through_rules(x, y));
    near(dx, 2.0 * x + y + 1.0 + 3.0 * y);
    near(dy, x + 2.0 + 3.0 * x);
    let (v, d) = calls_callee_grad(0.3);
    assert_eq!(v, calls_callee(0.3));
    near(d, 4.0 * 0.3 + 0.3f64.cos());
}

// BUG: a lowercase `const` (or unit struct) named like a generated binding
// turns that binding into a constant pattern. The vjp's `seed: R` parameter
// then fails with E0005 "refutable pattern in function argument" — for EVERY
// `#[differentiable]` function in the module, not only those using it — and
// a `const t0` makes `let t0 = ...;` fail ("refutable pattern in local
// binding"). Uncomment to reproduce:
//
// mod lowercase_consts {
//     use autodiff::differentiable;
//     #[allow(non_upper_case_globals)]
//     const seed: f64 = 10.0;
//     #[allow(non_upper_case_globals)]
//     const t0: f64 = 2.0;
//     #[differentiable]
//     pub fn f(x: f64) -> f64 {
//         x * seed * t0
//     }
// }

// ---------------------------------------------------------------------------
// Paths: absolute ones only, even with `autodiff` and `__private` shadowed.

mod shadowed_paths {
    #[allow(dead_code)]
    mod autodiff {}
    #[allow(dead_code)]
    mod core {}
    #[allow(dead_code)]
    mod std {}

    #[::autodiff::differentiable]
    pub fn f(x: f64, y: [f64; 2]) -> f64 {
        ::autodiff::sigmoid(x * y[0]) + (x * y[1]).max(0.5) + x.powi(3)
    }

    #[::autodiff::differentiable]
    pub fn g<T: ::autodiff::Float>(x: T) -> T {
        x.sin() * x
    }
}

/// `crate = "..."` when autodiff is reached through a re-export.
mod reexport {
    pub use autodiff as ad;
}

#[differentiable(crate = "crate::reexport::ad")]
fn through_reexport(x: f64) -> f64 {
    x.exp() * x
}

#[test]
fn paths() {
    let (x, y) = (0.3, [1.5, 2.0]);
    let (v, dx, dy) = shadowed_paths::f_grad(x, y);
    assert_eq!(v, shadowed_paths::f(x, y));
    near(dx, fd(|t| shadowed_paths::f(t, y), x));
    near(dy[0], fd(|t| shadowed_paths::f(x, [t, y[1]]), y[0]));
    near(dy[1], fd(|t| shadowed_paths::f(x, [y[0], t]), y[1]));

    let (v, d) = shadowed_paths::g_grad(0.7f64);
    assert_eq!(v, shadowed_paths::g(0.7));
    near(d, 0.7f64.cos() * 0.7 + 0.7f64.sin());

    let (v, d) = through_reexport_grad(0.5);
    assert_eq!(v, through_reexport(0.5));
    near(d, 0.5f64.exp() * 1.5);
}

// ---------------------------------------------------------------------------
// Inside `macro_rules!` expansions.

/// The whole function comes from the macro; only the name from the caller.
macro_rules! square_fn {
    ($name:ident) => {
        #[differentiable]
        fn $name(x: f64) -> f64 {
            x * x
        }
    };
}
square_fn!(square);

/// Parameter name and body from the caller (`$body:expr` arrives as an
/// invisible group).
macro_rules! unary_fn {
    ($name:ident, $x:ident => $body:expr) => {
        #[differentiable]
        fn $name($x: f64) -> f64 {
            $body
        }
    };
}
unary_fn!(sin_times_x, x => x.sin() * x);
unary_fn!(with_let, x => { let y = x.exp(); y * x });

/// The body as a `$body:block`.
macro_rules! block_fn {
    ($name:ident, $x:ident, $y:ident, $body:block) => {
        #[differentiable]
        fn $name($x: f64, $y: f64) -> f64 $body
    };
}
block_fn!(hyp, a, b, { a.hypot(b) + a * b });

/// Generic over the float type through an `ident` fragment, attributes
/// passed through.
macro_rules! generic_fn {
    ($(#[$m:meta])* $name:ident<$t:ident>) => {
        $(#[$m])*
        #[differentiable]
        pub fn $name<$t: ::autodiff::Float>(x: $t, y: $t) -> $t {
            let two = $t::from(2.0).unwrap();
            x.powi(2) * y + two * y.sqrt()
        }
    };
}
generic_fn!(
    /// Documented through the macro.
    #[inline]
    poly<T>
);

/// Types passed as `$t:ty` fragments arrive as invisible groups, which the
/// signature analysis looks through.
macro_rules! typed_fn {
    ($name:ident, $t:ty) => {
        #[differentiable]
        fn $name(x: $t) -> $t {
            x * x
        }
    };
}
typed_fn!(typed_square, f64);
macro_rules! int_param_fn {
    ($name:ident, $n:ty) => {
        #[differentiable]
        fn $name(x: f64, n: $n) -> f64 {
            x.powi(n)
        }
    };
}
int_param_fn!(typed_powi, i32);
// macro_rules! array_fn {
//     ($name:ident, $t:ty) => {
//         #[differentiable]
//         fn $name(x: $t) -> f64 {
//             x[0] * x[1]
//         }
//     };
// }
// array_fn!(typed_array, [f64; 3]);

#[test]
fn macro_rules_expansions() {
    assert_eq!(square_grad(3.0), (square(3.0), 6.0));
    let (v, d) = sin_times_x_grad(0.8);
    assert_eq!(v, sin_times_x(0.8));
    near(d, 0.8f64.cos() * 0.8 + 0.8f64.sin());
    let (v, d) = with_let_grad(0.8);
    assert_eq!(v, with_let(0.8));
    near(d, 0.8f64.exp() * 1.8);
    let (v, da, db) = hyp_grad(3.0, 4.0);
    assert_eq!(v, hyp(3.0, 4.0));
    near(da, 0.6 + 4.0);
    near(db, 0.8 + 3.0);
    let (v, dx, dy) = poly_grad(1.5f64, 4.0);
    assert_eq!(v, poly(1.5, 4.0));
    assert_eq!((dx, dy), (12.0, 2.25 + 0.5));
    let (v, dx, dy) = poly_grad(1.5f32, 4.0);
    assert_eq!((v, dx, dy), (poly(1.5f32, 4.0), 12.0, 2.75));
}

// ---------------------------------------------------------------------------
// Items in unusual places.

struct Scaler {
    k: f64,
    offset: [f64; 2],
}

impl Scaler {
    /// A method: `&self` holds constants (`self.k`, `self.offset[1]`).
    #[differentiable]
    fn apply(&self, x: f64, y: f64) -> f64 {
        self.k * x.sin() + self.offset[1] * y * y - self.offset[0]
    }

    /// A method whose own parameter is called `seed`, with `wrt`.
    #[differentiable(wrt(seed))]
    pub fn shifted(&self, seed: f64, label: f64) -> f64 {
        (self.k * seed - label).powi(2)
    }
}

/// A method of a generic `impl`: the float type is the impl's `T`, so the
/// parameter is named in `wrt` (see the BUG below for the version without).
struct Generic<T> {
    k: T,
}

impl<T: autodiff::Float> Generic<T> {
    #[differentiable(wrt(x))]
    fn eval(&self, x: T) -> T {
        self.k * x * x
    }
}

// BUG (or limitation): without `wrt`, a parameter typed by the `impl`'s
// generic `T` (not the method's) is not recognised as a float:
//   error: cannot differentiate with respect to this type; supported: f32,
//   f64, a generic float `T`, ...
//
// impl<T: autodiff::Float> Generic<T> {
//     #[differentiable]
//     fn eval2(&self, x: T) -> T {
//         self.k * x * x
//     }
// }

/// `pub(crate)`, lifetimes, and a reference to an array.
#[differentiable]
pub(crate) fn with_lifetime<'a>(x: &'a f64, y: &'a [f64; 2]) -> f64 {
    *x * y[0] + y[1].exp() * x
}

/// Shapes whose generated pullback could trip clippy (`x - x`, `x / x`,
/// `x * 1.0`, `0.0 + x`, double negation, an unused parameter).
#[differentiable]
fn lint_bait(x: f64, y: f64, unused: f64) -> f64 {
    let _ = unused;
    let a = x;
    let b = x;
    let c = a - b + a / b + a * 1.0 + 0.0 + x;
    let d = -(-y);
    c * d + (a * b) * (a * b)
}

#[test]
fn methods_and_local_items() {
    let s = Scaler {
        k: 2.0,
        offset: [0.5, 3.0],
    };
    let (v, dx, dy) = s.apply_grad(0.4, -1.0);
    assert_eq!(v, s.apply(0.4, -1.0));
    near(dx, 2.0 * 0.4f64.cos());
    near(dy, -6.0);
    let (v, ds) = s.shifted_grad(1.5, 1.0);
    assert_eq!((v, ds), (s.shifted(1.5, 1.0), 8.0));
    assert_eq!(s.shifted_vjp(1.5, 1.0, 0.5), (4.0, 4.0));

    let g = Generic { k: 2.0f32 };
    assert_eq!(g.eval_grad(3.0), (g.eval(3.0), 12.0));

    // A differentiated function declared inside a function body.
    #[differentiable]
    fn local(x: f64) -> f64 {
        x.ln() * x
    }
    let (v, d) = local_grad(2.0);
    assert_eq!(v, local(2.0));
    near(d, 2.0f64.ln() + 1.0);

    let (v, dx, dy) = with_lifetime_grad(&2.0, &[3.0, 0.0]);
    assert_eq!(v, with_lifetime(&2.0, &[3.0, 0.0]));
    assert_eq!((dx, dy), (4.0, [2.0, 2.0]));

    let (v, dx, dy, du) = lint_bait_grad(1.5, 2.0, 9.0);
    assert_eq!(v, lint_bait(1.5, 2.0, 9.0));
    near(dx, fd(|t| lint_bait(t, 2.0, 9.0), 1.5));
    near(dy, fd(|t| lint_bait(1.5, t, 9.0), 2.0));
    assert_eq!(du, 0.0);
}

/// Jacobians in both of their plans, with parameters named like what they
/// generate: the lanes' seeds (`e0`), shared derivatives (`p1_0`), lane
/// tangents (`dt0_1`), the rows' and columns' counters (`r`, `k`), and the
/// unit constants (`one`, `zero`).
#[differentiable(wrt(e0, p1_0))]
fn lanes_names(e0: f64, p1_0: f64, one: f64, r: usize) -> [f64; 3] {
    let s = (e0 * p1_0).sin();
    [s * one, (e0 * e0 + p1_0 * p1_0).sqrt(), s * r as f64]
}

#[differentiable(wrt(dt0_1))]
fn rows_names(dt0_1: [f64; 3], zero: f64, k: f64) -> [f64; 2] {
    [dt0_1[0] * dt0_1[1] + zero, (dt0_1[2] * k).exp()]
}

#[test]
fn jacobian_names_do_not_clash() {
    let (e0, p1_0) = (0.3, -1.2);
    let (v, je, jp) = lanes_names_jacobian(e0, p1_0, 2.0, 3);
    assert_eq!(v, lanes_names(e0, p1_0, 2.0, 3));
    for r in 0..3 {
        near(je[r], fd(|e| lanes_names(e, p1_0, 2.0, 3)[r], e0));
        near(jp[r], fd(|p| lanes_names(e0, p, 2.0, 3)[r], p1_0));
    }
    let x = [0.5, -2.0, 0.25];
    let (v, j) = rows_names_jacobian(x, 1.0, 2.0);
    assert_eq!(v, rows_names(x, 1.0, 2.0));
    let exact = [[x[1], x[0], 0.0], [0.0, 0.0, 2.0 * (x[2] * 2.0).exp()]];
    for r in 0..2 {
        for k in 0..3 {
            near(j[r][k], exact[r][k]);
        }
    }
}
