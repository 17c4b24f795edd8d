//! What every generated case uses: the compound-assignment operators for the oracle's dual numbers, the branch tracer `Sig`, and `point`, which checks one evaluation point with `common::On`.
//!
//! Finite differences are only compared at points where every stencil point
//! takes the same branches and the same side of every kink (`Sig` hashes
//! them); the dual-number oracle, which follows the same branches as the
//! code under test, is compared everywhere.

pub use crate::common::{fd_partial, Cfg, On, Prec, D32, D64};
pub use autodiff::{differentiable, Float};
pub use core::ops::{AddAssign, DivAssign, MulAssign, SubAssign};
use std::cell::Cell;

macro_rules! assign_ops {
    ($($D:ty),*) => {$(
        impl AddAssign for $D {
            fn add_assign(&mut self, o: Self) {
                *self = *self + o;
            }
        }
        impl SubAssign for $D {
            fn sub_assign(&mut self, o: Self) {
                *self = *self - o;
            }
        }
        impl MulAssign for $D {
            fn mul_assign(&mut self, o: Self) {
                *self = *self * o;
            }
        }
        impl DivAssign for $D {
            fn div_assign(&mut self, o: Self) {
                *self = *self / o;
            }
        }
    )*};
}
assign_ops!(D64, D32);

/// The branches taken and the sides of the kinks passed, hashed.
pub struct Sig(Cell<u64>);

impl Default for Sig {
    fn default() -> Self {
        Sig(Cell::new(0xcbf2_9ce4_8422_2325))
    }
}

impl Sig {
    fn push(&self, side: bool) {
        let side = if side { 2 } else { 1 };
        self.0
            .set(self.0.get().wrapping_mul(0x100_0000_01b3) ^ side);
    }
    pub fn value(&self) -> u64 {
        self.0.get()
    }
    pub fn lt<T: Float>(&self, a: T, b: T) -> bool {
        let r = a < b;
        self.push(r);
        r
    }
    pub fn le<T: Float>(&self, a: T, b: T) -> bool {
        let r = a <= b;
        self.push(r);
        r
    }
    pub fn gt<T: Float>(&self, a: T, b: T) -> bool {
        let r = a > b;
        self.push(r);
        r
    }
    pub fn ge<T: Float>(&self, a: T, b: T) -> bool {
        let r = a >= b;
        self.push(r);
        r
    }
    pub fn abs<T: Float>(&self, x: T) -> T {
        self.push(x >= T::zero());
        x.abs()
    }
    pub fn max<T: Float>(&self, a: T, b: T) -> T {
        self.push(a >= b);
        a.max(b)
    }
    pub fn min<T: Float>(&self, a: T, b: T) -> T {
        self.push(a <= b);
        a.min(b)
    }
    pub fn clamp<T: Float>(&self, x: T, lo: T, hi: T) -> T {
        self.push(x < lo);
        self.push(x > hi);
        x.max(lo).min(hi)
    }
    pub fn relu<T: Float>(&self, x: T) -> T {
        self.push(x > T::zero());
        x.max(T::zero())
    }
}

/// Whether central differences around `x` stay on one smooth piece: every
/// stencil point of every direction (as `On::check` places them, and one
/// step further) has the signature of `x` and a finite value.
fn smooth<T: Prec, const N: usize>(trace: &impl Fn([T; N], &Sig) -> T, x: [T; N]) -> bool {
    let s0 = Sig::default();
    let _ = trace(x, &s0);
    let base = if T::NAME == "f32" {
        1e-3
    } else {
        f64::EPSILON.cbrt()
    };
    for i in 0..N {
        let h = T::of(base * x[i].to64().abs().max(1.0));
        for k in [-3.0, -2.0, -1.0, 1.0, 2.0, 3.0] {
            let mut y = x;
            y[i] = x[i] + T::of(k) * h;
            let s = Sig::default();
            let v = trace(y, &s);
            if s.value() != s0.value() || !v.is_finite() {
                return false;
            }
        }
    }
    true
}

/// Whether five-point differences resolve the derivative at `x` at the step
/// `On::check` takes: halving the step moves them by at most half the
/// tolerance, so their own truncation error is within it. (In f32 the step
/// is 1e-3, coarse for a steep function.)
fn resolved<T: Prec, const N: usize>(f: &impl Fn([T; N]) -> T, x: [T; N], cfg: &Cfg) -> bool {
    let (base, rtol) = if T::NAME == "f32" {
        (1e-3, cfg.fd_rtol32)
    } else {
        (f64::EPSILON.cbrt(), cfg.fd_rtol64)
    };
    (0..N).all(|i| {
        let h = base * x[i].to64().abs().max(1.0);
        let (d1, r1) = fd_partial(f, x, i, T::of(h));
        let (d2, r2) = fd_partial(f, x, i, T::of(h / 2.0));
        let (d1, d2) = (d1.to64(), d2.to64());
        let scale = d1.abs().max(d2.abs()).max(cfg.floor);
        (d1 - d2).abs() + r1.to64() + r2.to64() <= 0.5 * rtol * scale
    })
}

/// Values and derivatives beyond this are skipped: the generator's bounds
/// are rough, and such points say more about conditioning than about the macro.
const HUGE: f64 = 1e6;

/// Checks one point in precision `T`; false when it was skipped (a value or
/// an oracle derivative that is not finite or is huge).
#[allow(clippy::too_many_arguments)]
pub fn point<T: Prec, const N: usize>(
    name: &str,
    src: &str,
    at: [f64; N],
    f: impl Fn([T; N]) -> T,
    grad: impl Fn([T; N]) -> (T, [T; N]),
    vjp: impl Fn([T; N], T) -> (T, [T; N]),
    jvp: impl Fn([T; N], [T; N]) -> (T, T),
    dual: impl Fn([T::D; N]) -> T::D,
    trace: impl Fn([T; N], &Sig) -> T,
) -> bool {
    let x = at.map(T::of);
    let ok = |v: T| v.is_finite() && v.to64().abs() < HUGE;
    if !ok(f(x)) {
        return false;
    }
    for i in 0..N {
        let mut dx = x.map(T::cst);
        dx[i] = T::var(x[i]);
        if !ok(T::eps_part(dual(dx))) {
            return false;
        }
    }
    let mut cfg = Cfg::new().ulps(ULPS).floor(1.0);
    if !smooth(&trace, x) || !resolved(&f, x, &cfg) {
        cfg = cfg.no_fd();
    }
    let label = format!("{name}\n{src}");
    On::<T>::check(&label, cfg, &[at], &f, &grad, vjp, &dual);
    // Forward mode: the value, and the tangent against the dual numbers
    // and against the gradient (the adjoint identity between the modes).
    On::<T>::check_jvp(&label, cfg, &[at], &grad, jvp, &dual);
    true
}

/// Tolerance against the oracle, in units of epsilon, relative to
/// `max(|g|, |oracle|, 1)`: reverse and forward mode round differently.
pub const ULPS: f64 = 256.0;

/// Fails a case none of whose points could be checked in f64.
pub fn no_points(name: &str, src: &str, checked: usize) {
    assert!(
        checked > 0,
        "{name}: no evaluation point gave finite, moderate values (a generator problem)\n{src}"
    );
}

/// Second order at one point, along one direction: `_hvp`'s value and
/// gradient are `_grad`'s, and its `H·t` is the nested dual-number oracle's
/// (`autodiff::Dual` moving along `t` over num-dual moving along `e_i`).
/// False when the oracle is not finite and moderate there.
pub fn second<T: Prec, const N: usize>(
    name: &str,
    src: &str,
    at: [f64; N],
    grad: impl Fn([T; N]) -> (T, [T; N]),
    hvp: impl Fn([T; N], [T; N]) -> (T, [T; N], [T; N]),
    nested: impl Fn([autodiff::Dual<T::D>; N]) -> autodiff::Dual<T::D>,
) -> bool
where
    T::D: Float,
{
    use crate::common::close;
    let x = at.map(T::of);
    let t: [T; N] = core::array::from_fn(|i| T::of([0.7, -1.3, 0.45, 2.1, -0.6, 1.05][i % 6]));
    let want: [f64; N] = core::array::from_fn(|i| {
        let d: [autodiff::Dual<T::D>; N] = core::array::from_fn(|m| {
            let inner = if m == i { T::var(x[m]) } else { T::cst(x[m]) };
            autodiff::Dual::new(inner, T::cst(t[m]))
        });
        T::eps_part(nested(d).eps).to64()
    });
    if want.iter().any(|w| !w.is_finite() || w.abs() > HUGE) {
        return false;
    }
    let label = format!("{name}\n{src}");
    let eps = T::epsilon().to64();
    let (v, g) = grad(x);
    let (hv_value, hg, hv) = hvp(x, t);
    close(
        &format!("{label}\n_hvp value"),
        hv_value.to64(),
        v.to64(),
        4.0 * eps,
        1.0,
    );
    for i in 0..N {
        close(
            &format!("{label}\n_hvp gradient {i}"),
            hg[i].to64(),
            g[i].to64(),
            ULPS * eps,
            1.0,
        );
        close(
            &format!("{label}\n(H·t)[{i}] vs the nested dual-number oracle at {at:?} along {t:?}"),
            hv[i].to64(),
            want[i],
            16.0 * ULPS * eps,
            1.0,
        );
    }
    true
}

/// The `f64` program's `_hvp` (its lifted pass) against the generic
/// program's on `Dual<f64>`: the same arithmetic, so the same numbers up
/// to rounding, wherever the latter is finite.
pub fn same_second_order<const N: usize>(
    name: &str,
    src: &str,
    at: [f64; N],
    concrete: impl Fn([f64; N], [f64; N]) -> (f64, [f64; N], [f64; N]),
    generic: impl Fn([f64; N], [f64; N]) -> (f64, [f64; N], [f64; N]),
) {
    use crate::common::close;
    let t: [f64; N] = core::array::from_fn(|i| [0.7, -1.3, 0.45, 2.1, -0.6, 1.05][i % 6]);
    let (gv, gg, gh) = generic(at, t);
    if !gv.is_finite()
        || gg
            .iter()
            .chain(&gh)
            .any(|e| !e.is_finite() || e.abs() > HUGE)
    {
        return;
    }
    let (cv, cg, ch) = concrete(at, t);
    let label = format!("{name} (the f64 program, `f_c`)\n{src}");
    close(&format!("{label}\nvalue"), cv, gv, 1e-13, 1.0);
    for i in 0..N {
        close(&format!("{label}\ngradient {i}"), cg[i], gg[i], 1e-12, 1.0);
        close(&format!("{label}\n(H·t)[{i}]"), ch[i], gh[i], 1e-11, 1.0);
    }
}

/// `_jacobian` of a vector-valued twin at one point: its value is the
/// twin's, and each column is the dual-number oracle's along `eᵢ`. Skipped
/// (no check) where the oracle is not finite and moderate.
///
/// The twins' results are the function's result `y` and expressions of it
/// (`sin y`, `y · xₖ`), so a column's entries inherit the rounding of
/// `∂y/∂xᵢ` (row 0) scaled by `|xₖ|`, and of `y` (the oracle's value is
/// rounded its own way) scaled by `|∂y/∂xᵢ|`: `cos y · ∂y/∂xᵢ` is off by
/// `sin y · δy · ∂y/∂xᵢ`, relatively large where `cos y` is small. So an
/// entry is compared relative to `|∂y/∂xᵢ| · max(1, |x|, |y|)`, not only
/// to its own size. (Seed 8 case 73 showed this: in its reduction vector
/// mode's columns equal `_jvp`'s bit for bit and the oracle's `cos y`
/// differs in the 15th digit.)
pub fn jacobian<T: Prec, const N: usize, const M: usize>(
    name: &str,
    src: &str,
    at: [f64; N],
    jac: impl Fn([T; N]) -> ([T; M], [[T; N]; M]),
    f: impl Fn([T; N]) -> [T; M],
    dual: impl Fn([T::D; N]) -> [T::D; M],
) {
    use crate::common::close;
    let x = at.map(T::of);
    let ok = |v: f64| v.is_finite() && v.abs() < HUGE;
    let mut want = [[0.0; N]; M];
    for i in 0..N {
        let mut dx = x.map(T::cst);
        dx[i] = T::var(x[i]);
        let out = dual(dx);
        for r in 0..M {
            want[r][i] = T::eps_part(out[r]).to64();
        }
    }
    let value = f(x);
    if want.iter().flatten().any(|w| !ok(*w)) || value.iter().any(|v| !ok(v.to64())) {
        return;
    }
    let label = format!("{name}\n{src}");
    let eps = T::epsilon().to64();
    let (v, j) = jac(x);
    let size = at
        .iter()
        .fold(value[0].to64().abs().max(1.0), |m, a| m.max(a.abs()));
    for r in 0..M {
        let what = format!("{label}\n_jacobian value [{r}] in {}", T::NAME);
        close(&what, v[r].to64(), value[r].to64(), ULPS * eps, 1.0);
        for i in 0..N {
            let column = (want[0][i].abs() * size).max(1.0);
            let what = format!(
                "{label}\n_jacobian [{r}][{i}] in {} at {at:?} (∂y/∂x{i} = {:e})",
                T::NAME,
                want[0][i]
            );
            close(&what, j[r][i].to64(), want[r][i], ULPS * eps, column);
        }
    }
}

/// Reverse-mode `_jacobian` rows with their seeds built in against `_vjp`
/// at the unit seed `eᵣ`: the same arithmetic without the products with a
/// zero seed, which only add zeros, so every finite entry is equal exactly
/// (up to the sign of a zero).
pub fn rows_equal_vjp<T: Prec, const N: usize, const M: usize>(
    name: &str,
    src: &str,
    at: [f64; N],
    jac: impl Fn([T; N]) -> ([T; M], [[T; N]; M]),
    vjp: impl Fn([T; N], [T; M]) -> ([T; M], [T; N]),
) {
    let x = at.map(T::of);
    let (v, j) = jac(x);
    for r in 0..M {
        let mut seed = [T::zero(); M];
        seed[r] = T::one();
        let (vv, g) = vjp(x, seed);
        for i in 0..N {
            let ok = !g[i].is_finite() || j[r][i] == g[i];
            assert!(
                ok,
                "{name}\n{src}\n_jacobian row {r}, column {i} in {} at {at:?}: {:e}, but _vjp at e{r} gives {:e}",
                T::NAME,
                j[r][i].to64(),
                g[i].to64()
            );
        }
        assert!(
            vv.iter().zip(&v).all(|(a, b)| a == b || !a.is_finite()),
            "{name}\n{src}\n_jacobian's value differs from _vjp's in {}",
            T::NAME
        );
    }
}
