//! The checker shared by `tests/jvp.rs` and `tests/pushforward.rs`: a
//! tangent rule run in f64 and in f32, against num-dual's forward mode and
//! central finite differences, plus the adjoint identity with its pullbacks.

use approx::relative_eq;
use autodiff_core::{Float, Matrix, RowVector, Shape, Vector};
use num_dual::Dual64;
use num_traits::ToPrimitive;
use std::cell::Cell;

pub use crate::linalg::support::{Lcg, D};

/// What differs between the precisions.
pub trait Prec: Float + ToPrimitive {
    /// Relative tolerance against the exact (dual) tangent.
    const EXACT: f64;
    /// Relative tolerance against finite differences.
    const FD: f64;
}
impl Prec for f64 {
    const EXACT: f64 = 1e-12;
    const FD: f64 = 1e-6;
}
impl Prec for f32 {
    const EXACT: f64 = 2e-5;
    const FD: f64 = 2e-5;
}

/// `v` in `F`.
pub fn cast<F: Float>(v: f64) -> F {
    F::from(v).unwrap()
}

/// A shape, built in any float type from its elements in storage order.
pub trait Build {
    /// Number of elements.
    const LEN: usize;
    /// The shape over `F`.
    type Of<F: Float>: Shape<Elem = F>;
    /// Element `i` is `f(i)`.
    fn make<F: Float>(f: impl Fn(usize) -> F) -> Self::Of<F>;
}

/// A scalar.
pub struct S;
/// A `Vector` of `N`.
pub struct V<const N: usize>;
/// A `RowVector` of `N`.
pub struct R<const N: usize>;
/// An `R × C` `Matrix`.
pub struct M<const R: usize, const C: usize>;

impl Build for S {
    const LEN: usize = 1;
    type Of<F: Float> = F;
    fn make<F: Float>(f: impl Fn(usize) -> F) -> F {
        f(0)
    }
}
impl<const N: usize> Build for V<N> {
    const LEN: usize = N;
    type Of<F: Float> = Vector<F, N>;
    fn make<F: Float>(f: impl Fn(usize) -> F) -> Vector<F, N> {
        Vector::from_fn(f)
    }
}
impl<const N: usize> Build for R<N> {
    const LEN: usize = N;
    type Of<F: Float> = RowVector<F, N>;
    fn make<F: Float>(f: impl Fn(usize) -> F) -> RowVector<F, N> {
        RowVector::from_fn(f)
    }
}
impl<const RR: usize, const C: usize> Build for M<RR, C> {
    const LEN: usize = RR * C;
    type Of<F: Float> = Matrix<F, RR, C>;
    fn make<F: Float>(f: impl Fn(usize) -> F) -> Matrix<F, RR, C> {
        Matrix::from_fn(|i, j| f(i * C + j))
    }
}

/// The elements as f64, in storage order.
pub fn flat<A: Shape>(a: A) -> Vec<f64>
where
    A::Elem: ToPrimitive,
{
    a.fold(Vec::new(), |mut v, x| {
        v.push(x.to_f64().unwrap());
        v
    })
}

/// The derivative parts of a dual shape.
pub fn eps<A: Shape<Elem = D>>(a: A) -> Vec<f64> {
    a.fold(Vec::new(), |mut v, x| {
        v.push(x.0.eps);
        v
    })
}

/// A dual number with real part `re` and derivative part `eps`.
pub fn dual(re: f64, eps: f64) -> D {
    D(Dual64::new(re, eps))
}

/// A random draw in `[-2, 2)` from a generator behind a `Cell`, so an `Fn`
/// closure (what `Elementwise::map` takes) can draw.
pub fn draw(state: &Cell<u64>) -> f64 {
    let mut g = Lcg::new(state.get());
    let v = g.uniform();
    state.set(state.get().wrapping_add(0x9e37_79b9_7f4a_7c15));
    v
}

/// `n` draws in `[-2, 2)` from `seed`.
pub fn rnd(seed: u64, n: usize) -> Vec<f64> {
    Lcg::new(seed).draw(n)
}

/// `n` draws in `[0.1, 2.1)`: for rules defined on positive numbers.
pub fn pos(seed: u64, n: usize) -> Vec<f64> {
    rnd(seed, n).iter().map(|v| v.abs() + 0.1).collect()
}

/// `n` draws in `(-0.9, 0.9)`: for rules defined on `(-1, 1)`.
pub fn unit(seed: u64, n: usize) -> Vec<f64> {
    rnd(seed, n).iter().map(|v| 0.45 * v).collect()
}

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

/// What one point of one rule produced, all in f64.
pub struct Run<'a> {
    /// Rule and precision, for messages.
    pub name: &'a str,
    /// The point, as the rule saw it (rounded to its precision).
    pub x: &'a [f64],
    /// The tangent, likewise.
    pub t: &'a [f64],
    /// The rule's tangent.
    pub got: &'a [f64],
    /// The dual numbers' tangent at `x` along `t`.
    pub exact: &'a [f64],
    /// `⟨jvp(t), w⟩` and `⟨t, vjp(w)⟩`, each with the sum of its terms'
    /// magnitudes (for the rounding).
    pub adjoint: [(f64, f64); 2],
}

/// Compares a run against the exact tangent, against central differences of
/// `primal` (the f64 forward value at a given point) and checks the adjoint
/// identity, each to the precision's tolerance.
///
/// The difference is taken coordinate by coordinate, `Σₖ tₖ ∂f/∂xₖ`, each
/// with its own step `1e-6·|xₖ|`: one step along `t` would be too large for
/// the small elements of a point like `[1e-3, 1e3]`. A zero coordinate
/// steps like the smallest nonzero one.
pub fn verify<T: Prec>(run: Run, primal: impl Fn(&[f64]) -> Vec<f64>) {
    let Run {
        name,
        x,
        t,
        got,
        exact,
        adjoint,
    } = run;
    let ctx = format!("{name} at x = {x:?}, t = {t:?}:\n got   {got:?}\n exact {exact:?}");
    assert_eq!(got.len(), exact.len(), "{ctx}");
    assert!(got.iter().all(|v| v.is_finite()), "{ctx}");
    // Tangents that cancel element by element are measured against the
    // size of the whole tangent, not against their own tiny value.
    let scale = max_abs(exact).max(max_abs(t));
    for (g, e) in got.iter().zip(exact) {
        assert!(
            relative_eq!(*g, *e, epsilon = T::EXACT * scale, max_relative = T::EXACT),
            "{ctx}\n differs from the dual tangent"
        );
    }
    let smallest = x
        .iter()
        .map(|v| v.abs())
        .filter(|v| *v > 0.0)
        .fold(1.0, f64::min);
    let mut fd = vec![0.0; got.len()];
    let mut noise = vec![0.0; got.len()];
    for k in 0..x.len() {
        let h = 1e-6 * if x[k] == 0.0 { smallest } else { x[k].abs() };
        let at = |s: f64| {
            let mut xp = x.to_vec();
            xp[k] += s;
            (primal(&xp), xp[k])
        };
        let ((up, hi), (down, lo)) = (at(h), at(-h));
        for i in 0..fd.len() {
            fd[i] += t[k] * (up[i] - down[i]) / (hi - lo);
            noise[i] += t[k].abs() * 16.0 * f64::EPSILON * up[i].abs().max(down[i].abs()) / h;
        }
    }
    for i in 0..got.len() {
        let tol = T::FD * scale + noise[i];
        assert!(
            (got[i] - fd[i]).abs() <= tol,
            "{ctx}\n element {i} differs from the finite difference {} by more than {tol}",
            fd[i]
        );
    }
    let [(lhs, lsize), (rhs, rsize)] = adjoint;
    let tol = 4.0 * T::EXACT * lsize.max(rsize);
    assert!(
        (lhs - rhs).abs() <= tol,
        "{name} at x = {x:?}: <jvp(t), w> = {lhs} but <t, vjp(w)> = {rhs}"
    );
}

/// `<a, b>` and `Σ |aᵢbᵢ|`.
pub fn inner_and_size(a: &[f64], b: &[f64]) -> (f64, f64) {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .fold((0.0, 0.0), |(s, m), (a, b)| (s + a * b, m + (a * b).abs()))
}

/// One `#[test]` per rule:
///
/// ```text
/// name: (arg: Shape => tangent, ...) |y, w|
///     f = primal; [oracle = primal on duals;] jvp = rule(args, y, tangents);
///     vjp = (pullback per argument, seeded with w);
///     at = [points, each the flat f64 elements of all arguments];
/// ```
///
/// Each point runs in f64 and f32 with a random tangent and seed `w`; the
/// rule must also map a zero tangent to exactly zero.
macro_rules! jvp_tests {
    ($($name:ident: ($($a:ident: $m:ty => $ta:ident),+ $(,)?) |$y:ident, $w:ident|
        f = $f:expr; $(oracle = $orc:expr;)? jvp = $jvp:expr; vjp = $vjp:expr;
        at = [$($p:expr),+ $(,)?];)*) => {$(
        #[test]
        #[allow(unused_assignments, clippy::identity_op)]
        fn $name() {
            let points: Vec<Vec<f64>> = vec![$($p),+];
            jvp_tests!(@run f64, $name, points, ($($a: $m => $ta),+), $y, $w, $f,
                jvp_tests!(@pick [$($orc)?] $f), $jvp, $vjp);
            jvp_tests!(@run f32, $name, points, ($($a: $m => $ta),+), $y, $w, $f,
                jvp_tests!(@pick [$($orc)?] $f), $jvp, $vjp);
        }
    )*};
    (@pick [] $f:expr) => { $f };
    (@pick [$o:expr] $f:expr) => { $o };
    (@run $T:ty, $name:ident, $points:ident, ($($a:ident: $m:ty => $ta:ident),+), $y:ident,
     $w:ident, $f:expr, $orc:expr, $jvp:expr, $vjp:expr) => {{
        #[allow(unused_imports)]
        use crate::jvp_check::*;
        #[allow(unused_imports)]
        use autodiff_core::Elementwise as _;
        type T = $T;
        let name = format!("{} in {}", stringify!($name), stringify!($T));
        for (n, xs) in $points.iter().enumerate() {
            assert_eq!(xs.len(), 0 $(+ <$m as Build>::LEN)+, "{name}: point {n}'s length");
            let ts = rnd(0x7a9 + n as u64, xs.len());
            #[allow(unused_assignments)]
            let mut at = 0;
            $(let $a = <$m as Build>::make::<T>(|i| cast::<T>(xs[at + i])); at += <$m as Build>::LEN;)+
            at = 0;
            $(let $ta = <$m as Build>::make::<T>(|i| cast::<T>(ts[at + i])); at += <$m as Build>::LEN;)+
            let x = [$(flat($a)),+].concat();
            let t = [$(flat($ta)),+].concat();
            let $y = $f;
            let got = flat($jvp);
            {
                $(let $ta = <$m as Build>::make::<T>(|_| 0.0);)+
                let zero = flat($jvp);
                assert!(zero.iter().all(|v| *v == 0.0), "{name}: zero tangent gives {zero:?}");
            }
            let state = std::cell::Cell::new(0x5eed + n as u64);
            let $w = autodiff_core::Elementwise::map($y, |_| cast::<T>(draw(&state)));
            let lhs = inner_and_size(&got, &flat($w));
            // The pullbacks, under the tangents' names (only their order matters).
            let ($($ta,)+) = $vjp;
            let rhs = inner_and_size(&t, &[$(flat($ta)),+].concat());
            at = 0;
            $(let $a = <$m as Build>::make::<D>(|i| dual(x[at + i], t[at + i])); at += <$m as Build>::LEN;)+
            let exact = eps($orc);
            let primal = |xp: &[f64]| {
                #[allow(unused_assignments)]
                let mut at = 0;
                $(let $a = <$m as Build>::make::<f64>(|i| xp[at + i]); at += <$m as Build>::LEN;)+
                flat($f)
            };
            let run = Run { name: &name, x: &x, t: &t, got: &got, exact: &exact, adjoint: [lhs, rhs] };
            verify::<T>(run, primal);
        }
    }};
}
