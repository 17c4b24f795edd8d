//! `Dual<T>`: every `Float` method's value and derivative, in f64 and f32,
//! against num-dual (where it has the method) and five-point central
//! differences (in f64), and the documented conventions at the kinks.

use autodiff_core::{Dual, Float};
use num_dual::DualNum;
use num_traits::Signed;

mod dual_support;
use dual_support::{close, close_fd, fd, finish, fits, same, Prec};

type Nd<P> = num_dual::Dual<P, P>;
type U<P> = fn(Dual<P>) -> Dual<P>;
type B<P> = fn(Dual<P>, Dual<P>) -> Dual<P>;
type NdB<P> = fn(Nd<P>, Nd<P>) -> Nd<P>;
/// A point `(a, b)` and the partial derivatives there.
type Expect2 = ((f64, f64), (f64, f64));

fn p<P: Prec>(x: f64) -> P {
    <P as num_traits::NumCast>::from(x).unwrap()
}

/// A one-argument method: ours, `T`'s own (the value must match it bit for
/// bit), num-dual's, the smooth points (oracle and finite differences),
/// points for the oracle only, and points with the derivative the
/// convention gives.
struct Unary<P: Prec> {
    name: &'static str,
    ours: U<P>,
    prim: fn(P) -> P,
    oracle: Option<fn(Nd<P>) -> Nd<P>>,
    smooth: &'static [f64],
    far: &'static [f64],
    expect: &'static [(f64, f64)],
}

macro_rules! unary {
    ($name:ident, |$x:ident| $e:expr, $oracle:expr; $smooth:expr; $far:expr; $expect:expr) => {
        Unary {
            name: stringify!($name),
            ours: |$x: Dual<P>| $e,
            prim: |$x: P| $e,
            oracle: $oracle,
            smooth: &$smooth,
            far: &$far,
            expect: &$expect,
        }
    };
}

const NONE: [f64; 0] = [];
const NO_EXPECT: [(f64, f64); 0] = [];
const NAN: f64 = f64::NAN;
const FRAC_PI_2: f64 = core::f64::consts::FRAC_PI_2;
const INF: f64 = f64::INFINITY;
/// `1 - 2⁻¹⁰`: `1 - x²` is exact, so num-dual's `1/√(1 - x²)` is accurate.
const NEAR1: f64 = 1.0 - 1.0 / 1024.0;

fn unary_cases<P: Prec>() -> Vec<Unary<P>> {
    vec![
        unary!(sqrt, |x| x.sqrt(), Some(|d| DualNum::sqrt(&d));
            [1e-10, 0.25, 2.0, 1e10]; [-1.0, 1e300]; [(0.0, INF)]),
        unary!(cbrt, |x| x.cbrt(), Some(|d| DualNum::cbrt(&d));
            [-8.0, -0.3, 1e-9, 0.5, 27.0, 1e12]; NONE; [(0.0, INF)]),
        unary!(exp, |x| x.exp(), Some(|d| DualNum::exp(&d));
            [-30.0, -1.0, 0.0, 0.5, 30.0]; [80.0, -100.0, 800.0]; NO_EXPECT),
        unary!(exp2, |x| x.exp2(), Some(|d| DualNum::exp2(&d));
            [-20.0, 0.0, 0.5, 10.0]; NONE; NO_EXPECT),
        unary!(exp_m1, |x| x.exp_m1(), Some(|d| DualNum::exp_m1(&d));
            [-40.0, -1e-8, 0.0, 1e-8, 1.0, 20.0]; NONE; NO_EXPECT),
        unary!(ln, |x| x.ln(), Some(|d| DualNum::ln(&d));
            [1e-30, 1e-5, 0.5, 1.0, 3.0, 1e30]; [0.0, -1.0]; NO_EXPECT),
        unary!(ln_1p, |x| x.ln_1p(), Some(|d| DualNum::ln_1p(&d));
            [-0.9, -1e-9, 0.0, 1e-9, 5.0, 1e10]; [-1.0]; NO_EXPECT),
        unary!(log2, |x| x.log2(), Some(|d| DualNum::log2(&d));
            [1e-5, 0.5, 1.0, 8.0, 1e10]; [0.0]; NO_EXPECT),
        unary!(log10, |x| x.log10(), Some(|d| DualNum::log10(&d));
            [1e-5, 0.5, 1.0, 8.0, 1e10]; [0.0]; NO_EXPECT),
        unary!(sin, |x| x.sin(), Some(|d| DualNum::sin(&d));
            [-3.0, 0.0, 1e-8, 0.5, FRAC_PI_2, 100.0]; [1e6]; NO_EXPECT),
        unary!(cos, |x| x.cos(), Some(|d| DualNum::cos(&d));
            [-3.0, 0.5, 1.0, 100.0]; [0.0, 1e6]; NO_EXPECT),
        unary!(tan, |x| x.tan(), Some(|d| DualNum::tan(&d));
            [-1.2, 0.0, 0.5, 1.5]; [FRAC_PI_2]; NO_EXPECT),
        unary!(asin, |x| x.asin(), Some(|d| DualNum::asin(&d));
            [-0.9, 0.0, 0.3, 0.9]; [NEAR1, -NEAR1, 2.0]; [(1.0, INF), (-1.0, INF)]),
        unary!(acos, |x| x.acos(), Some(|d| DualNum::acos(&d));
            [-0.9, 0.0, 0.3, 0.9]; [NEAR1, -NEAR1]; [(1.0, -INF), (-1.0, -INF)]),
        unary!(atan, |x| x.atan(), Some(|d| DualNum::atan(&d));
            [-1e3, -1.0, 0.0, 0.5, 1e3]; [1e200]; NO_EXPECT),
        unary!(sinh, |x| x.sinh(), Some(|d| DualNum::sinh(&d));
            [-5.0, 0.0, 1e-6, 2.0, 20.0]; NONE; NO_EXPECT),
        unary!(cosh, |x| x.cosh(), Some(|d| DualNum::cosh(&d));
            [-5.0, 0.0, 1e-6, 2.0, 20.0]; NONE; NO_EXPECT),
        unary!(tanh, |x| x.tanh(), Some(|d| DualNum::tanh(&d));
            [-2.0, 0.0, 0.5, 2.0]; NONE; NO_EXPECT),
        unary!(asinh, |x| x.asinh(), Some(|d| DualNum::asinh(&d));
            [-1e3, -1.0, 0.0, 0.5, 1e10]; NONE; [(1e200, 1e-200)]),
        unary!(acosh, |x| x.acosh(), Some(|d| DualNum::acosh(&d));
            [1.5, 10.0, 1e10]; [1.0 + 1.0 / 1024.0, 0.5]; [(1.0, INF), (1e200, 1e-200)]),
        unary!(atanh, |x| x.atanh(), Some(|d| DualNum::atanh(&d));
            [-0.9, 0.0, 0.5, 0.9]; [NEAR1, -NEAR1]; [(1.0, INF), (-1.0, INF)]),
        unary!(recip, |x| x.recip(), Some(|d| DualNum::recip(&d));
            [-3.0, 1e-5, 0.5, 7.0, 1e10]; [0.0, 1e-200]; NO_EXPECT),
        unary!(abs, |x| x.abs(), Some(|d| Signed::abs(&d));
            [-2.0, -1e-8, 3.0]; NONE; [(0.0, 0.0), (-0.0, 0.0), (NAN, NAN)]),
        unary!(signum, |x| x.signum(), None;
            [-2.0, 3.0]; NONE; [(0.0, 0.0), (-0.0, 0.0)]),
        unary!(floor, |x| x.floor(), None; [-2.5, -0.3, 0.7, 3.2]; NONE; [(2.0, 0.0)]),
        unary!(ceil, |x| x.ceil(), None; [-2.5, -0.3, 0.7, 3.2]; NONE; [(2.0, 0.0)]),
        unary!(round, |x| x.round(), None; [-2.7, -0.3, 0.7, 3.2]; NONE; [(0.5, 0.0)]),
        unary!(trunc, |x| x.trunc(), None; [-2.5, -0.3, 0.7, 3.2]; NONE; [(2.0, 0.0)]),
        unary!(fract, |x| x.fract(), None; [-2.5, -0.3, 0.7, 3.2]; NONE; NO_EXPECT),
        unary!(to_degrees, |x| x.to_degrees(), None; [-2.0, 0.5, 1e3]; NONE; NO_EXPECT),
        unary!(to_radians, |x| x.to_radians(), None; [-2.0, 0.5, 1e3]; NONE; NO_EXPECT),
        unary!(sin_cos_0, |x| x.sin_cos().0, Some(|d| DualNum::sin(&d));
            [-3.0, 0.5, 2.0]; NONE; NO_EXPECT),
        unary!(sin_cos_1, |x| x.sin_cos().1, Some(|d| DualNum::cos(&d));
            [-3.0, 0.5, 2.0]; NONE; NO_EXPECT),
        unary!(neg, |x| -x, Some(|d| -d); [-2.0, 0.0, 3.0]; NONE; NO_EXPECT),
    ]
}

fn check_unary<P: Prec>() {
    let cases = unary_cases::<P>();
    let cases64 = unary_cases::<f64>();
    for (c, c64) in cases.iter().zip(&cases64) {
        let what = |x: f64| format!("{}::{}({x:e})", P::NAME, c.name);
        let all = c
            .smooth
            .iter()
            .chain(c.far)
            .chain(c.expect.iter().map(|e| &e.0));
        for &x in all.filter(|&&x| fits::<P>(x)) {
            let xp = p::<P>(x);
            let d = (c.ours)(Dual::var(xp));
            assert!(same(d.re, (c.prim)(xp)), "{}: value {:?}", what(x), d.re);
            let k = (c.ours)(Dual::constant(xp));
            assert!(
                k.eps == P::zero(),
                "{}: a constant's tangent {:?}",
                what(x),
                k.eps
            );
            let s = (c.ours)(Dual::new(xp, p(-2.5)));
            close(&what(x), s.eps, p::<P>(-2.5) * d.eps, P::TOL);
        }
        for &x in c.smooth.iter().chain(c.far).filter(|&&x| fits::<P>(x)) {
            if let Some(o) = c.oracle {
                let xp = p::<P>(x);
                let (d, n) = ((c.ours)(Dual::var(xp)), o(Nd::new(xp, P::one())));
                close(&format!("{} vs num-dual", what(x)), d.eps, n.eps, P::TOL);
            }
        }
        for &x in c.smooth.iter().filter(|&&x| fits::<P>(x)) {
            let xp = p::<P>(x);
            let d = (c.ours)(Dual::var(xp));
            let (g, err) = fd(|t| (c64.prim)(t), xp.to_f64().unwrap());
            close_fd(
                &format!("{} vs fd", what(x)),
                d.eps.to_f64().unwrap(),
                g,
                P::FD_TOL,
                err,
            );
        }
        for &(x, e) in c
            .expect
            .iter()
            .filter(|&&(x, e)| fits::<P>(x) && fits::<P>(e))
        {
            let d = (c.ours)(Dual::var(p::<P>(x)));
            close(&format!("{} convention", what(x)), d.eps, p(e), P::TOL);
        }
    }
    finish();
}

#[test]
fn unary_methods_f64() {
    check_unary::<f64>();
}

#[test]
fn unary_methods_f32() {
    check_unary::<f32>();
}

/// A two-argument method, checked as `unary` is, partial by partial.
struct Binary<P: Prec> {
    name: &'static str,
    ours: B<P>,
    prim: fn(P, P) -> P,
    oracle: Option<NdB<P>>,
    smooth: &'static [(f64, f64)],
    expect: &'static [Expect2],
}

macro_rules! binary {
    ($name:ident, |$a:ident, $b:ident| $e:expr, $oracle:expr; $smooth:expr; $expect:expr) => {
        Binary {
            name: stringify!($name),
            ours: |$a: Dual<P>, $b: Dual<P>| $e,
            prim: |$a: P, $b: P| $e,
            oracle: $oracle,
            smooth: &$smooth,
            expect: &$expect,
        }
    };
}

const NO_EXPECT2: [Expect2; 0] = [];

fn binary_cases<P: Prec>() -> Vec<Binary<P>> {
    vec![
        binary!(add, |a, b| a + b, Some(|a, b| a + b); [(1.5, -2.0), (-0.3, 4.0)]; NO_EXPECT2),
        binary!(sub, |a, b| a - b, Some(|a, b| a - b); [(1.5, -2.0), (-0.3, 4.0)]; NO_EXPECT2),
        binary!(mul, |a, b| a * b, Some(|a, b| a * b);
            [(1.5, -2.0), (-0.3, 4.0), (1e10, 1e-10)]; [((INF, 2.0), (2.0, INF))]),
        binary!(div, |a, b| a / b, Some(|a, b| a / b);
            [(1.5, -2.0), (-0.3, 4.0), (1e10, 1e-10), (1e-10, 1e10)];
            [((1.0, 0.0), (INF, -INF))]),
        binary!(rem, |a, b| a % b, None;
            [(5.3, 2.0), (-5.3, 2.0), (7.5, -2.25), (0.5, 3.0)]; NO_EXPECT2),
        binary!(powf, |a, b| a.powf(b), Some(|a, b| DualNum::powd(&a, b));
            [(2.0, 0.5), (0.5, -1.5), (3.0, 2.5), (1.5, 0.0), (2.0, -1.0)];
            [((0.0, 2.0), (0.0, 0.0)), ((0.0, 0.5), (INF, 0.0)), ((-2.0, 3.0), (12.0, 0.0)),
             ((0.0, 0.0), (0.0, 0.0)), ((0.0, 1.0), (1.0, 0.0))]),
        binary!(log, |a, b| a.log(b), Some(|a, b| DualNum::ln(&a) / DualNum::ln(&b));
            [(2.0, 3.0), (0.5, 10.0), (100.0, 0.5)]; NO_EXPECT2),
        binary!(atan2, |a, b| a.atan2(b), Some(|a, b| DualNum::atan2(&a, b));
            [(1.0, 2.0), (-1.0, 0.5), (0.5, -3.0), (-2.0, -2.0), (1e-3, 1e3)];
            [((0.0, 0.0), (0.0, 0.0)), ((0.0, -1.0), (-1.0, 0.0))]),
        binary!(hypot, |a, b| a.hypot(b), Some(|a, b| DualNum::sqrt(&(a * a + b * b)));
            [(3.0, 4.0), (-1.0, 0.5), (1e-3, -2e-3)];
            [((0.0, 0.0), (0.0, 0.0)), ((-0.0, 0.0), (0.0, 0.0)),
             ((3e30, 4e30), (0.6, 0.8)), ((3e-30, -4e-30), (0.6, -0.8))]),
        binary!(max, |a, b| a.max(b), None;
            [(1.0, 2.0), (3.0, -1.0)];
            [((1.0, 1.0), (1.0, 0.0)), ((NAN, 2.0), (0.0, 1.0)), ((2.0, NAN), (1.0, 0.0)),
             ((0.0, -0.0), (1.0, 0.0))]),
        binary!(min, |a, b| a.min(b), None;
            [(1.0, 2.0), (3.0, -1.0)];
            [((1.0, 1.0), (1.0, 0.0)), ((NAN, 2.0), (0.0, 1.0)), ((2.0, NAN), (1.0, 0.0))]),
        binary!(copysign, |a, b| a.copysign(b), None;
            [(2.0, -1.0), (-2.0, -1.0), (2.0, 3.0), (-2.0, 3.0)]; NO_EXPECT2),
        binary!(abs_sub, |a, b| { #[allow(deprecated)] a.abs_sub(b) }, None;
            [(3.0, 1.0), (1.0, 3.0)]; [((2.0, 2.0), (0.0, 0.0))]),
    ]
}

fn check_binary<P: Prec>() {
    let cases = binary_cases::<P>();
    let cases64 = binary_cases::<f64>();
    let seeds = [(P::one(), P::zero()), (P::zero(), P::one())];
    for (c, c64) in cases.iter().zip(&cases64) {
        let what = |a: f64, b: f64, i: usize| format!("{}::{}({a:e}, {b:e}) ∂{i}", P::NAME, c.name);
        let all = c.smooth.iter().chain(c.expect.iter().map(|e| &e.0));
        for &(a, b) in all.filter(|&&(a, b)| fits::<P>(a) && fits::<P>(b)) {
            let (ap, bp) = (p::<P>(a), p::<P>(b));
            let k = (c.ours)(Dual::constant(ap), Dual::constant(bp));
            assert!(same(k.re, (c.prim)(ap, bp)), "{}: value", what(a, b, 0));
            assert!(
                k.eps == P::zero(),
                "{}: a constant's tangent {:?}",
                what(a, b, 0),
                k.eps
            );
        }
        for &(a, b) in c
            .smooth
            .iter()
            .filter(|&&(a, b)| fits::<P>(a) && fits::<P>(b))
        {
            let (ap, bp) = (p::<P>(a), p::<P>(b));
            let (a64, b64) = (ap.to_f64().unwrap(), bp.to_f64().unwrap());
            for (i, &(sa, sb)) in seeds.iter().enumerate() {
                let d = (c.ours)(Dual::new(ap, sa), Dual::new(bp, sb));
                if let Some(o) = c.oracle {
                    let n = o(Nd::new(ap, sa), Nd::new(bp, sb));
                    close(
                        &format!("{} vs num-dual", what(a, b, i)),
                        d.eps,
                        n.eps,
                        P::TOL,
                    );
                }
                let (g, err) = if i == 0 {
                    fd(|t| (c64.prim)(t, b64), a64)
                } else {
                    fd(|t| (c64.prim)(a64, t), b64)
                };
                let w = format!("{} vs fd", what(a, b, i));
                close_fd(&w, d.eps.to_f64().unwrap(), g, P::FD_TOL, err);
            }
        }
        for &((a, b), (ea, eb)) in c.expect.iter().filter(|e| {
            [e.0 .0, e.0 .1, e.1 .0, e.1 .1]
                .iter()
                .all(|&v| fits::<P>(v))
        }) {
            let (ap, bp) = (p::<P>(a), p::<P>(b));
            for (i, (&(sa, sb), e)) in seeds.iter().zip([ea, eb]).enumerate() {
                let d = (c.ours)(Dual::new(ap, sa), Dual::new(bp, sb));
                close(
                    &format!("{} convention", what(a, b, i)),
                    d.eps,
                    p(e),
                    P::TOL,
                );
            }
        }
    }
    finish();
}

#[test]
fn binary_methods_f64() {
    check_binary::<f64>();
}

#[test]
fn binary_methods_f32() {
    check_binary::<f32>();
}

fn check_powi<P: Prec>() {
    for n in [-3, -2, -1, 0, 1, 2, 3, 7] {
        for x in [-1.5, -0.5, 0.3, 2.0] {
            let what = format!("{}: ({x})^{n}", P::NAME);
            let d = Dual::var(p::<P>(x)).powi(n);
            assert!(same(d.re, p::<P>(x).powi(n)), "{what}: value");
            let o = DualNum::powi(&Nd::new(p::<P>(x), P::one()), n);
            close(&format!("{what} vs num-dual"), d.eps, o.eps, P::TOL);
            let (g, err) = fd(|t| t.powi(n), x);
            close_fd(
                &format!("{what} vs fd"),
                d.eps.to_f64().unwrap(),
                g,
                P::FD_TOL,
                err,
            );
            assert!(Dual::constant(p::<P>(x)).powi(n).eps == P::zero());
        }
    }
    let at = |x: f64, n: i32| Dual::var(p::<P>(x)).powi(n).eps;
    assert_eq!(at(0.0, 0), P::zero(), "x^0 is a constant, even at 0");
    assert_eq!(at(0.0, 1), P::one());
    assert_eq!(at(0.0, 2), P::zero());
    assert_eq!(at(0.0, -1), P::neg_infinity());
    assert_eq!(at(1.0, i32::MIN), p(-2147483648.0), "no overflow in n - 1");
    assert_eq!(at(2.0, i32::MIN), P::zero());
    finish();
}

#[test]
fn powi_f64_f32() {
    check_powi::<f64>();
    check_powi::<f32>();
}

fn check_ternary<P: Prec>() {
    let v = |x: f64, e: f64| Dual::new(p::<P>(x), p::<P>(e));
    // mul_add: against num-dual and the product rule, each argument seeded.
    let (a, b, c) = (1.5, -2.25, 0.75);
    let d = v(a, 1.0).mul_add(v(b, 2.0), v(c, 3.0));
    let o = DualNum::mul_add(
        &Nd::new(p::<P>(a), p(1.0)),
        Nd::new(p(b), p(2.0)),
        Nd::new(p(c), p(3.0)),
    );
    assert!(same(d.re, p::<P>(a).mul_add(p(b), p(c))));
    close("mul_add vs num-dual", d.eps, o.eps, P::TOL);
    close("mul_add", d.eps, p(b + 2.0 * a + 3.0), P::TOL);
    // clamp: the tangent of the value returned; `x`'s on the bounds; `lo`
    // wins over `hi` when they cross; a NaN `x` stays NaN.
    let clamp = |x: f64, lo: f64, hi: f64| v(x, 1.0).clamp(v(lo, 2.0), v(hi, 3.0));
    for (x, lo, hi, value, tangent) in [
        (0.5, 0.0, 1.0, 0.5, 1.0),
        (-1.0, 0.0, 1.0, 0.0, 2.0),
        (2.0, 0.0, 1.0, 1.0, 3.0),
        (0.0, 0.0, 1.0, 0.0, 1.0),
        (1.0, 0.0, 1.0, 1.0, 1.0),
        (0.5, 1.0, 0.0, 1.0, 2.0),
    ] {
        let d = clamp(x, lo, hi);
        assert_eq!(
            (d.re, d.eps),
            (p(value), p(tangent)),
            "clamp({x}, {lo}, {hi})"
        );
    }
    assert!(clamp(NAN, 0.0, 1.0).re.is_nan());
    finish();
}

#[test]
fn mul_add_and_clamp_f64_f32() {
    check_ternary::<f64>();
    check_ternary::<f32>();
}

/// `Dual<Dual<f64>>`: second derivatives, at points where the first
/// derivative is 0 — a tangent `0 + 2ε` must not be mistaken for zero.
#[test]
fn nested_duals_give_second_derivatives() {
    type D2 = Dual<Dual<f64>>;
    let x2 = |x: f64| D2::new(Dual::var(x), Dual::constant(1.0));
    // (name, f, x, f', f'')
    type Case = (&'static str, fn(D2) -> D2, f64, f64, f64);
    let cases: [Case; 6] = [
        ("x²", |x| x * x, 0.0, 0.0, 2.0),
        ("cos", |x| x.cos(), 0.0, 0.0, -1.0),
        ("cosh", |x| x.cosh(), 0.0, 0.0, 1.0),
        ("exp∘sin", |x| x.sin().exp(), 0.0, 1.0, 1.0),
        (
            "√(x² + 1)",
            |x| (x * x + <D2 as num_traits::One>::one()).sqrt(),
            0.0,
            0.0,
            1.0,
        ),
        ("x ln x", |x| x * x.ln(), 1.0, 1.0, 1.0),
    ];
    // x^e at e = 0, x along the outer direction and e along the inner one:
    // the mixed derivative ∂²(xᵉ)/∂x∂e = x^(e-1)(1 + e ln x) = 1/x.
    let m = D2::new(Dual::constant(2.0), Dual::constant(1.0))
        .powf(D2::new(Dual::var(0.0), Dual::constant(0.0)));
    assert_eq!(
        (m.re.re, m.re.eps, m.eps.re, m.eps.eps),
        (1.0, 2f64.ln(), 0.0, 0.5)
    );
    for (name, f, x, d1, d2) in cases {
        let y = f(x2(x));
        assert_eq!(y.re.eps, d1, "{name}: f' (inner)");
        assert_eq!(y.eps.re, d1, "{name}: f' (outer)");
        assert!(
            (y.eps.eps - d2).abs() < 1e-15,
            "{name}: f'' = {:?}",
            y.eps.eps
        );
    }
}

#[test]
fn comparisons_look_at_real_parts() {
    let (a, b) = (Dual::new(1.0, 2.0), Dual::new(1.0, -3.0));
    assert_eq!(a, b);
    assert!(a <= b && b <= a);
    assert_eq!(a.partial_cmp(&b), Some(core::cmp::Ordering::Equal));
    assert!(Dual::new(0.5, 9.0) < Dual::new(1.0, 0.0));
    assert_eq!(a.partial_cmp(&Dual::new(f64::NAN, 0.0)), None);
    assert_eq!(a.max(b).eps, 2.0, "a tie goes to the receiver");
    assert_eq!(b.max(a).eps, -3.0);
}

#[test]
fn identities_are_structural() {
    use num_traits::{One, Zero};
    assert!(Dual::<f64>::zero().is_zero() && !Dual::new(0.0, 1.0).is_zero());
    assert!(Dual::<f64>::one().is_one() && !Dual::new(1.0, 1.0).is_one());
    assert_eq!(Dual::<f32>::default(), Dual::new(0.0, 0.0));
    assert_eq!((Dual::var(3.0).re, Dual::var(3.0).eps), (3.0, 1.0));
    assert_eq!(Dual::constant(3.0f32).eps, 0.0);
    assert_eq!(Dual::from(2.0).eps, 0.0);
}

#[test]
fn num_traits_plumbing() {
    use core::num::FpCategory;
    use num_traits::{Num, NumCast, ToPrimitive};
    type D = Dual<f64>;
    let x = Dual::new(2.75, 1.0);
    assert_eq!(
        <D as Num>::from_str_radix("2.5", 10)
            .ok()
            .map(|d| (d.re, d.eps)),
        Some((2.5, 0.0))
    );
    assert!(<D as Num>::from_str_radix("x", 10).is_err());
    let c = <D as NumCast>::from(7u8).unwrap();
    assert_eq!((c.re, c.eps), (7.0, 0.0));
    assert_eq!(<Dual<f32> as NumCast>::from(x).map(|d| d.re), Some(2.75));
    assert_eq!(
        (x.to_f64(), x.to_f32(), x.to_i32(), x.to_u8()),
        (Some(2.75), Some(2.75), Some(2), Some(2))
    );
    assert_eq!(Dual::new(-1.0, 0.0).to_u32(), None);
    assert_eq!(x.integer_decode(), 2.75f64.integer_decode());
    assert_eq!(x.classify(), FpCategory::Normal);
    assert_eq!(D::min_positive_value().re / 2.0, f64::MIN_POSITIVE / 2.0);
    assert!(Dual::new(f64::MIN_POSITIVE / 2.0, 1.0).is_subnormal());
    assert!(D::nan().is_nan() && D::infinity().is_infinite() && !D::neg_infinity().is_finite());
    assert!(D::neg_zero().is_sign_negative() && x.is_sign_positive() && x.is_normal());
    let consts = [
        D::epsilon(),
        D::max_value(),
        D::min_value(),
        D::nan(),
        D::infinity(),
    ];
    assert!(consts.iter().all(|d| d.eps == 0.0));
    assert_eq!(D::epsilon().re, f64::EPSILON);
    assert_eq!((D::max_value().re, D::min_value().re), (f64::MAX, f64::MIN));
    assert_eq!(format!("{}", Dual::new(1.5, -2.0)), "1.5 - 2ε");
    assert_eq!(format!("{}", Dual::new(1.5, 0.25)), "1.5 + 0.25ε");
}

#[test]
fn float_const_and_signed() {
    use num_traits::FloatConst;
    type D = Dual<f64>;
    assert_eq!((D::PI().re, D::PI().eps), (core::f64::consts::PI, 0.0));
    assert_eq!(
        (D::TAU().re, D::LN_2().re, D::E().eps),
        (core::f64::consts::TAU, core::f64::consts::LN_2, 0.0)
    );
    let x = Dual::new(-2.0, 1.0);
    assert_eq!((Signed::abs(&x).re, Signed::abs(&x).eps), (2.0, -1.0));
    assert_eq!(Signed::signum(&x).eps, 0.0);
    assert!(x.is_negative() && !x.is_positive() && !Dual::new(0.0, 1.0).is_positive());
    let d = Signed::abs_sub(&Dual::new(3.0, 1.0), &Dual::new(1.0, 0.5));
    assert_eq!((d.re, d.eps), (2.0, 0.5));
}

#[test]
fn assign_and_scalar_ops() {
    let x = Dual::new(3.0, 1.0);
    let mut y = x;
    y += x;
    y -= Dual::new(1.0, 0.5);
    y *= x;
    y /= Dual::new(2.0, 0.0);
    y %= Dual::constant(100.0);
    // ((2x - (1 + 0.5ε)) x) / 2 at x = 3 + ε: value 7.5, tangent (1.5·3 + 5)/2.
    assert_eq!((y.re, y.eps), (7.5, 4.75));
    let z = ((x + 1.0) * 2.0 - 3.0) / 4.0 % 10.0;
    assert_eq!((z.re, z.eps), (1.25, 0.5));
    let mut w = x;
    w += 1.0;
    w -= 2.0;
    w *= 3.0;
    w /= 2.0;
    w %= 2.0;
    assert_eq!((w.re, w.eps), (1.0, 1.5));
    let v = [x, x, Dual::constant(2.0)];
    let (s, p): (Dual<f64>, Dual<f64>) = (v.iter().sum(), v.iter().product());
    assert_eq!((s.re, s.eps, p.re, p.eps), (8.0, 2.0, 18.0, 12.0));
    let s2: Dual<f64> = v.into_iter().sum();
    let p2: Dual<f64> = v.into_iter().product();
    assert_eq!((s2.re, p2.eps), (8.0, 12.0));
}
