//! Every primitive rule of `autodiff_core::__private`, checked two independent
//! ways, in f64 and in f32, with non-unit adjoints of both signs:
//!
//! 1. against num-dual's forward-mode derivative. It is evaluated in f64 at the
//!    exact input the rule saw, so an f32 rule is measured against the true
//!    derivative, not against another f32 computation;
//! 2. against central finite differences of the library's own forward value.
//!
//! Points include the awkward ones: near domain edges, tiny and huge
//! arguments, saturated activations. The conventions at non-differentiable
//! points are tested one by one at the end.

use approx::{assert_relative_eq, relative_eq, RelativeEq};
use autodiff_core::__private::*;
use core::fmt::Debug;
use num_dual::{Dual64, DualNum};

type D = Dual64;

/// Incoming adjoints: deliberately not 1, one of each sign.
const GS: [f64; 2] = [0.7, -2.5];

/// What differs between the precisions.
trait Prec: Float + Debug + RelativeEq<Epsilon = Self> {
    /// `max_relative` against the exact derivative.
    const EXACT: f64;
    /// Finite-difference step, relative to the rule's length scale.
    const STEP: f64;
    /// `max_relative` against finite differences; rounding noise is added as
    /// an absolute `epsilon` on top.
    const FD: f64;
}
impl Prec for f64 {
    const EXACT: f64 = 1e-12;
    const STEP: f64 = 1e-6;
    const FD: f64 = 1e-6;
}
impl Prec for f32 {
    const EXACT: f64 = 1e-5;
    const STEP: f64 = 5e-4;
    const FD: f64 = 1e-3;
}

fn t<T: Float>(v: f64) -> T {
    T::from(v).unwrap()
}

/// A test point: a bare number for a one-argument rule, an array otherwise.
trait Point<const N: usize> {
    fn point(self) -> [f64; N];
}
impl Point<1> for f64 {
    fn point(self) -> [f64; 1] {
        [self]
    }
}
impl<const N: usize> Point<N> for [f64; N] {
    fn point(self) -> [f64; N] {
        self
    }
}

/// Default length scale for the finite-difference step: `|x|`, or 1 at 0.
fn rel(x: f64) -> f64 {
    if x == 0.0 {
        1.0
    } else {
        x.abs()
    }
}

/// Length scale of a rule that is smooth through 0: `max(|x|, 1)`.
fn wide(x: f64) -> f64 {
    x.abs().max(1.0)
}

/// Checks the `N` pullbacks of `fwd` at every point against `oracle` and
/// against central differences with step `T::STEP · scale(x)`.
///
/// `abs_ulps` is an absolute tolerance, in ulps of 1 times `|g|`, allowed on
/// top of the relative one. It is 0 for every rule except those that take
/// their derivative from the rounded value (`sigmoid`, `tanh`), whose error
/// is absolute, not relative, in the saturated tails.
fn check<T: Prec, const N: usize>(
    name: &str,
    fwd: impl Fn([T; N]) -> T,
    vjps: [&dyn Fn([T; N], T, T) -> T; N],
    oracle: impl Fn([D; N]) -> D,
    scale: fn(f64) -> f64,
    abs_ulps: f64,
    points: &[[f64; N]],
) {
    let mut used = 0;
    for p in points {
        let args: [T; N] = p.map(t);
        let y = fwd(args);
        // A point outside T's range (e.g. 1e300, or 1e-300 flushing to 0 in
        // f32) is not that point any more: skip it, f32 only.
        let lost = p
            .iter()
            .zip(args)
            .any(|(&v, a)| !a.is_finite() || (a == T::zero()) != (v == 0.0));
        if lost || !y.is_finite() {
            assert!(
                T::epsilon() > t(f64::EPSILON),
                "{name}: f64 point {p:?} unusable"
            );
            continue;
        }
        used += 1;
        let exact = args.map(|a| a.to_f64().unwrap());
        for k in 0..N {
            let seeded = core::array::from_fn(|i| D::new(exact[i], if i == k { 1.0 } else { 0.0 }));
            let d = oracle(seeded).eps;

            let h =
                t::<T>(T::STEP * scale(exact[k])).max(t::<T>(4.0) * T::epsilon() * args[k].abs());
            let (mut hi, mut lo) = (args, args);
            hi[k] = args[k] + h;
            lo[k] = args[k] - h;
            let (fh, fl, width) = (fwd(hi), fwd(lo), hi[k] - lo[k]);
            assert!(
                fh.is_finite() && fl.is_finite() && width > T::zero(),
                "{name}: bad step at {p:?}"
            );
            let fd = (fh - fl) / width;
            let noise = t::<T>(8.0) * T::epsilon() * (fh.abs() + fl.abs()) / width;

            for g in GS {
                let got = vjps[k](args, y, t(g));
                let want: T = t(g * d);
                let ctx = format!("{name}_vjp{k} at {p:?}, g = {g}: got {got:?}");
                let abs = (t::<T>(abs_ulps * g.abs()) * T::epsilon()).max(T::min_positive_value());
                assert!(
                    relative_eq!(got, want, epsilon = abs, max_relative = t(T::EXACT)),
                    "{ctx}, exact {want:?} ± {abs:?}"
                );
                let want = t::<T>(g) * fd;
                let eps = (t::<T>(g.abs()) * noise).max(abs);
                assert!(
                    relative_eq!(got, want, epsilon = eps, max_relative = t(T::FD)),
                    "{ctx}, finite difference {want:?} ± {eps:?}"
                );
            }
        }
    }
    assert!(2 * used >= points.len(), "{name}: too few points usable");
}

/// A `#[test]` running `body` once with `T = f64` and once with `T = f32`.
macro_rules! both {
    ($($test:ident $body:block)*) => {$(
        #[test]
        fn $test() {
            fn run<T: Prec>() $body
            run::<f64>();
            run::<f32>();
        }
    )*};
}

/// One test module per rule, `rule::rule`: `|args| forward => [pullbacks],
/// oracle on duals, optional finite-difference length scale, optional
/// absolute tolerance (ulps of 1 times `|g|`, see [`check`]), points`.
macro_rules! rules {
    ($($test:ident: |$($a:ident),+| $fwd:expr => [$($vjp:expr),+], $orc:expr,
       $(scale $scale:expr,)? $(abs_tol $tol:expr,)? at [$($p:expr),+ $(,)?];)*) => {$(
        rules!(@one $test [$($a),+] $fwd; [$($vjp),+]; $orc;
               rules!(@scale $($scale)?); rules!(@tol $($tol)?); [$($p),+]);
    )*};
    (@one $test:ident $args:tt $fwd:expr; [$($vjp:expr),+]; $orc:expr;
     $scale:expr; $tol:expr; [$($p:expr),+]) => {
        mod $test {
            use super::*;
            both! { rule {
                check::<T, { rules!(@count $args) }>(
                    stringify!($test),
                    |$args| $fwd,
                    [$(&|$args, val, adj| rules!(@call $vjp, $args, val, adj)),+],
                    |$args| $orc,
                    $scale,
                    $tol,
                    &[$(Point::point($p)),+],
                );
            }}
        }
    };
    (@call $f:expr, [$($a:ident),+], $y:ident, $g:ident) => { ($f)($($a,)+ $y, $g) };
    (@count [$($a:ident),+]) => { [$(stringify!($a)),+].len() };
    (@scale) => { rel };
    (@scale $s:expr) => { $s };
    (@tol) => { 0.0 };
    (@tol $t:expr) => { $t };
}

/// `tanh` on duals without the `cosh² - sinh²` cancellation num-dual's
/// `sinh/cosh` has for large `|x|`: `(1 - e)/(1 + e)` with `e = e^(-2|x|)`.
fn tanh_d(x: D) -> D {
    let s = if x.re < 0.0 { -1.0 } else { 1.0 };
    let e = (x * (-2.0 * s)).exp();
    (-e + 1.0) / (e + 1.0) * s
}

/// `(x/s, y/s)` with `s = max(|x|, |y|)`: keeps squares in range on duals.
fn scaled(a: D, b: D) -> (D, D, f64) {
    let s = a.re.abs().max(b.re.abs());
    (a / s, b / s, s)
}

fn pick(c: bool, a: D, b: D) -> D {
    if c {
        a
    } else {
        b
    }
}

const PI: f64 = core::f64::consts::PI;
type Bin<T> = fn(T, T) -> T;
type Vjp<T> = fn(T, T, T, T) -> T;

rules! {
    sqrt: |x| sqrt(x) => [sqrt_vjp0], x.sqrt(), at [1e-300, 1e-8, 0.25, 2.0, 1e6, 1e300];
    sqrt_cone: |x| sqrt(x) => [sqrt_cone_vjp0], x.sqrt(),
        at [1e-300, 1e-8, 0.25, 2.0, 1e6, 1e300];
    cbrt: |x| cbrt(x) => [cbrt_vjp0], x.cbrt(), at [-8.0, -1e-6, 0.3, 27.0, 1e200];
    exp: |x| exp(x) => [exp_vjp0], x.exp(),
        scale wide, at [-700.0, -30.0, -1.0, 0.0, 1e-10, 2.5, 30.0, 700.0];
    exp2: |x| exp2(x) => [exp2_vjp0], x.exp2(),
        scale wide, at [-1000.0, -3.5, 0.0, 1e-10, 1.5, 100.0, 1000.0];
    exp_m1: |x| exp_m1(x) => [exp_m1_vjp0], x.exp_m1(),
        scale wide, at [-50.0, -30.0, -1.0, -1e-10, 0.0, 1e-10, 0.5, 30.0, 700.0];
    ln: |x| ln(x) => [ln_vjp0], x.ln(), at [1e-300, 1e-8, 0.5, 1.0, 3.0, 1e8, 1e300];
    ln_1p: |x| ln_1p(x) => [ln_1p_vjp0], x.ln_1p(), scale |x| 1.0 + x,
        at [-0.9999, -0.5, -1e-10, 0.0, 1e-10, 2.0, 1e10];
    log2: |x| log2(x) => [log2_vjp0], x.log2(), at [1e-300, 1e-8, 0.5, 1.0, 3.0, 1e300];
    log10: |x| log10(x) => [log10_vjp0], x.log10(), at [1e-300, 1e-8, 0.5, 1.0, 3.0, 1e300];
    sin: |x| sin(x) => [sin_vjp0], x.sin(),
        scale |_| 1.0, at [-100.0, -2.0, 0.0, 1e-3, PI / 2.0, 3.0, 1e3];
    cos: |x| cos(x) => [cos_vjp0], x.cos(),
        scale |_| 1.0, at [-100.0, -2.0, 0.0, 1e-3, PI / 2.0, PI, 1e3];
    tan: |x| tan(x) => [tan_vjp0], x.tan(), scale |x| x.cos().abs().min(1.0),
        at [-1.5, -0.5, 0.0, 1e-3, 1.5, 1.57, 100.0];
    asin: |x| asin(x) => [asin_vjp0], x.asin(), scale |x| 1.0 - x.abs(),
        at [-0.999, -0.5, 0.0, 1e-8, 0.7, 0.999];
    acos: |x| acos(x) => [acos_vjp0], x.acos(), scale |x| 1.0 - x.abs(),
        at [-0.999, -0.5, 0.0, 1e-8, 0.7, 0.999];
    atan: |x| atan(x) => [atan_vjp0], x.atan(),
        scale wide, at [-1e10, -2.0, 0.0, 1e-3, 1.0, 1e150];
    sinh: |x| sinh(x) => [sinh_vjp0], x.sinh(),
        scale wide, at [-700.0, -20.0, -1e-8, 0.0, 0.5, 3.0, 700.0];
    cosh: |x| cosh(x) => [cosh_vjp0], x.cosh(),
        scale wide, at [-700.0, -20.0, -1e-8, 0.0, 0.5, 3.0, 700.0];
    tanh: |x| tanh(x) => [tanh_vjp0], tanh_d(x),
        scale wide, abs_tol 2.0, at [-700.0, -20.0, -9.0, -0.5, 0.0, 1e-8, 0.5, 5.0, 9.0, 20.0, 700.0];
    abs: |x| abs(x) => [abs_vjp0], pick(x.re < 0.0, -x, x), at [-3.0, -1e-8, 1e-300, 2.5];
    recip: |x| recip(x) => [recip_vjp0], x.recip(), at [-1e150, -2.0, -1e-8, 0.3, 4.0, 1e150];
    sigmoid: |x| sigmoid(x) => [sigmoid_vjp0], (tanh_d(x * 0.5) + 1.0) * 0.5,
        scale wide, abs_tol 2.0, at [-700.0, -30.0, -5.0, -1e-8, 0.0, 1e-8, 2.0, 17.0, 30.0, 700.0];
    relu: |x| relu(x) => [relu_vjp0], pick(x.re > 0.0, x, x * 0.0),
        at [-3.0, -1e-8, 1e-8, 2.5];
    softplus: |x| softplus(x) => [softplus_vjp0], x.exp().ln_1p(),
        scale wide, at [-700.0, -30.0, -1.0, 0.0, 1e-8, 2.0, 30.0, 700.0];

    powf: |x, e| powf(x, e) => [powf_vjp0, powf_vjp1], x.powd(e),
        at [[0.5, 2.5], [3.0, -1.5], [1e-8, 0.5], [2.0, 0.0], [1.0, 3.0], [10.0, 1e-10],
            [1e100, 2.0]];
    log: |x, b| log(x, b) => [log_vjp0, log_vjp1], x.ln() / b.ln(),
        at [[8.0, 2.0], [0.3, 10.0], [1e-8, 0.5], [1e100, 3.0], [5.0, 1.5]];
    atan2: |y, x| atan2(y, x) => [atan2_vjp0, atan2_vjp1],
        { let (y, x, _) = scaled(y, x); y.atan2(x) },
        at [[1.0, 2.0], [-3.0, 0.5], [0.5, -4.0], [-1e-3, -1.0], [0.0, 1.0], [1.0, 1e200],
            [1e200, 1e200], [1e-170, -1e-170], [1e20, -1e20], [-1e-25, 1e-25]];
    hypot: |a, b| hypot(a, b) => [hypot_vjp0, hypot_vjp1],
        { let (a, b, s) = scaled(a, b); (a * a + b * b).sqrt() * s },
        at [[3.0, 4.0], [-1e-3, 2.0], [0.5, -0.5], [0.0, 2.0], [1e200, -3e200],
            [1e-170, 2e-170], [1e20, 1e20], [1e-25, -1e-25]];
    max: |a, b| max(a, b) => [max_vjp0, max_vjp1], pick(a.re >= b.re, a, b),
        at [[1.0, 2.0], [3.0, -1.0], [-0.5, -0.25], [1e300, -1e300]];
    min: |a, b| min(a, b) => [min_vjp0, min_vjp1], pick(a.re <= b.re, a, b),
        at [[1.0, 2.0], [3.0, -1.0], [-0.5, -0.25], [1e300, -1e300]];
    mul: |a, b| a * b => [mul_vjp0, mul_vjp1], a * b,
        scale wide, at [[2.0, 3.0], [-1e-8, 5.0], [1e150, -1e150]];
    div: |a, b| a / b => [div_vjp0, div_vjp1], a / b,
        at [[1.0, 3.0], [-2.0, 1e-8], [5.0, -1e100], [1e-300, 1e-10]];
    clamp: |x, lo, hi| clamp(x, lo, hi) => [clamp_vjp0, clamp_vjp1, clamp_vjp2],
        pick(x.re < lo.re, lo, pick(x.re > hi.re, hi, x)),
        at [[0.5, 0.0, 1.0], [-2.0, 0.0, 1.0], [3.0, 0.0, 1.0], [-1e-3, -1.0, 1e-2],
            [1e10, -1e10, 1e9]];
    mul_add: |a, b, c| mul_add(a, b, c) => [mul_add_vjp0, mul_add_vjp1, mul_add_vjp2],
        a * b + c,
        scale wide, at [[2.0, 3.0, 4.0], [-1.5, 1e-8, 7.0], [1e100, -1e-100, 1.0],
                        [0.0, 5.0, -2.0]];
}

both! {
    powi_for_each_exponent {
        // The exponent is a constant, not an argument: one table per n.
        for n in [-3, -1, 0, 1, 2, 3, 7] {
            check::<T, 1>(
                &format!("powi(x, {n})"),
                |[x]| powi(x, n),
                [&|[x], y, g| powi_vjp0(x, n, y, g)],
                |[x]| x.powi(n),
                rel,
                0.0,
                &[[-2.5], [-1e-3], [0.5], [1.0], [3.0], [1e20]],
            );
        }
    }

    abs_and_relu_are_flat_at_zero {
        let g = t::<T>(0.7);
        for z in [T::zero(), -T::zero()] {
            assert_eq!(abs_vjp0(z, abs(z), g), T::zero());
            assert_eq!(relu_vjp0(z, relu(z), g), T::zero());
        }
        assert!(abs_vjp0(T::nan(), T::nan(), g).is_nan());
    }

    zero_powers_have_zero_slope {
        let (g, z) = (t::<T>(0.7), T::zero());
        // 0 · 0⁻¹ would be NaN: x⁰ is constant, so its slope is exactly 0.
        assert_eq!(powi_vjp0(z, 0, powi(z, 0), g), z);
        assert_eq!(powi_vjp0(z, 1, powi(z, 1), g), g);
        assert_eq!(powi_vjp0(z, 2, powi(z, 2), g), z);
        for e in [0.5, 1.0, 2.0, 3.5].map(t::<T>) {
            assert_eq!(powf_vjp1(z, e, powf(z, e), g), z, "∂(0^e)/∂e at e = {e:?}");
        }
        assert_eq!(powf_vjp0(z, z, powf(z, z), g), z);
        assert_eq!(powf_vjp0(z, T::one(), z, g), g);
        // A negative base with an integral exponent agrees with `powi`.
        let (x, e) = (t::<T>(-1.5), t::<T>(3.0));
        let want = powi_vjp0(x, 3, powi(x, 3), g);
        let got = powf_vjp0(x, e, powf(x, e), g);
        assert_relative_eq!(got, want, epsilon = T::zero(), max_relative = t(T::EXACT));
    }

    max_min_ties_and_nans_route_to_the_selected_operand {
        let (g, a, nan) = (t::<T>(0.7), t::<T>(1.5), T::nan());
        for (f, v0, v1) in [
            (max::<T> as Bin<T>, max_vjp0::<T> as Vjp<T>, max_vjp1::<T> as Vjp<T>),
            (min::<T>, min_vjp0::<T>, min_vjp1::<T>),
        ] {
            // A tie: the whole adjoint to the first operand, none lost.
            assert_eq!((v0(a, a, f(a, a), g), v1(a, a, f(a, a), g)), (g, T::zero()));
            // A NaN operand is ignored, so the other one gets the adjoint.
            assert_eq!((v0(nan, a, f(nan, a), g), v1(nan, a, f(nan, a), g)), (T::zero(), g));
            assert_eq!((v0(a, nan, f(a, nan), g), v1(a, nan, f(a, nan), g)), (g, T::zero()));
        }
    }

    atan2_and_hypot_are_flat_at_the_origin {
        let g = t::<T>(0.7);
        for (a, b) in [(T::zero(), T::zero()), (-T::zero(), T::zero()), (T::zero(), -T::zero())] {
            let (v, h) = (atan2(a, b), hypot(a, b));
            assert_eq!([atan2_vjp0(a, b, v, g), atan2_vjp1(a, b, v, g)], [T::zero(); 2]);
            assert_eq!([hypot_vjp0(a, b, h, g), hypot_vjp1(a, b, h, g)], [T::zero(); 2]);
        }
    }

    clamp_routes_to_the_selected_value {
        let (g, z) = (t::<T>(0.7), T::zero());
        let (lo, hi) = (t::<T>(-1.0), t::<T>(2.0));
        let route = |x: T, lo: T, hi: T| {
            let y = clamp(x, lo, hi);
            [clamp_vjp0, clamp_vjp1, clamp_vjp2].map(|vjp| vjp(x, lo, hi, y, g))
        };
        assert_eq!(route(t(-3.0), lo, hi), [z, g, z]);
        assert_eq!(route(t(5.0), lo, hi), [z, z, g]);
        // Bounds are inclusive for x, and a NaN x (which passes through) keeps it.
        for x in [lo, t(0.5), hi, T::nan()] {
            assert_eq!(route(x, lo, hi), [g, z, z], "x = {x:?}");
        }
        // Crossed bounds (`lo > hi`): below `lo` and above `hi` at once, the
        // forward pass picks `lo`, so only `lo` may get the adjoint.
        assert_eq!(clamp(t(0.5), hi, lo), hi);
        assert_eq!(route(t(0.5), hi, lo), [z, g, z]);
    }

    sqrt_of_a_sum_of_squares_is_flat_at_the_tip {
        let (g, z) = (t::<T>(0.7), T::zero());
        for z in [z, -z] {
            // `s̄ = 0` at the tip, so the squares below pass on 0, not ∞ · 0.
            assert_eq!(sqrt_cone_vjp0(z, sqrt(z), g), T::zero());
        }
        // A poisoned adjoint stays poisoned, at the tip and elsewhere.
        for g in [T::nan(), T::infinity()] {
            assert!(sqrt_cone_vjp0(z, z, g).is_nan());
        }
        assert!(sqrt_cone_vjp0(T::nan(), T::nan(), g).is_nan());
        // Away from the tip, `sqrt`'s rule bit for bit.
        for s in [1e-30, 0.25, 2.0, 1e30].map(t::<T>) {
            assert_eq!(sqrt_cone_vjp0(s, sqrt(s), g), sqrt_vjp0(s, sqrt(s), g));
        }
        // Element by element for vectors; a matrix keeps `sqrt`'s rule
        // (`m * m` is a matrix product: its zeros say nothing about `m`).
        let s = Vector::from([z, t(4.0)]);
        let d = sqrt_cone_vjp0(s, s.sqrt(), Vector::from([g, g]));
        assert_eq!(d.to_array(), [z, g / t(4.0)]);
        let r = RowVector::from([t(4.0), z]);
        let d = sqrt_cone_vjp0(r, r.sqrt(), RowVector::from([g, g]));
        assert_eq!(d.to_array(), [g / t(4.0), z]);
        let m = Matrix::from([[z]]);
        let d = sqrt_cone_vjp0(m, m.sqrt(), Matrix::from([[g]]));
        assert_eq!(d, sqrt_vjp0(m, m.sqrt(), Matrix::from([[g]])));
        assert_eq!(d, Matrix::from([[T::infinity()]]));
    }

    edges_of_the_domain_are_infinite_not_nan {
        let g = t::<T>(0.7);
        let inf = T::infinity();
        let z = T::zero();
        assert_eq!(sqrt_vjp0(z, sqrt(z), g), inf);
        assert_eq!(cbrt_vjp0(z, cbrt(z), g), inf);
        assert_eq!(ln_vjp0(z, ln(z), g), inf);
        assert_eq!(asin_vjp0(T::one(), asin(T::one()), g), inf);
        assert_eq!(acos_vjp0(-T::one(), acos(-T::one()), g), -inf);
    }

    saturated_activations_stay_finite {
        let g = t::<T>(0.7);
        for x in [30.0, 700.0, 1e4, f64::INFINITY].into_iter().flat_map(|x| [x, -x]).map(t::<T>) {
            let (s, ds) = (sigmoid(x), sigmoid_vjp0(x, sigmoid(x), g));
            let ds_plus = softplus_vjp0(x, softplus(x), g);
            let dt = tanh_vjp0(x, tanh(x), g);
            assert!(s.is_finite() && ds.is_finite() && dt.is_finite(), "x = {x:?}");
            assert!(ds >= T::zero() && ds <= g, "x = {x:?}");
            assert!(dt >= T::zero() && dt <= g, "x = {x:?}");
            assert!(ds_plus.is_finite() && ds_plus >= T::zero() && ds_plus <= g, "x = {x:?}");
            if x.is_finite() {
                assert!(softplus(x).is_finite(), "x = {x:?}");
            }
        }
    }
}
