//! Second order's checks: `_hessian` and `_hvp` against an exact oracle (a
//! closed form, or [`On::nested`] dual numbers), against central differences
//! of `_grad`, and against each other (`_hvp` is `H·v`), with the Hessian
//! exactly symmetric.

use super::forward::DIRECTIONS;
use super::{close, fd_partial, Cfg, On, Prec};
use autodiff::Dual;

impl<T: Prec> On<T>
where
    T::D: autodiff::Float,
{
    /// The exact Hessian from `f` on `autodiff::Dual` over num-dual: the
    /// outer dual number moves along `e_j`, num-dual's along `e_i`, and the
    /// mixed part is `∂²f/∂xᵢ∂xⱼ`.
    pub fn nested<const N: usize>(
        f: impl Fn([Dual<T::D>; N]) -> Dual<T::D>,
    ) -> impl Fn([T; N]) -> [[f64; N]; N] {
        move |x| {
            core::array::from_fn(|i| {
                core::array::from_fn(|j| {
                    let d: [Dual<T::D>; N] = core::array::from_fn(|m| {
                        let inner = if m == i { T::var(x[m]) } else { T::cst(x[m]) };
                        let outer = if m == j {
                            T::cst(T::one())
                        } else {
                            T::cst(T::zero())
                        };
                        Dual::new(inner, outer)
                    });
                    T::eps_part(f(d).eps).to64()
                })
            })
        }
    }

    /// Checks `hessian` and `hvp` at every point (see the module's text).
    #[track_caller]
    #[allow(clippy::too_many_arguments, clippy::needless_range_loop)]
    pub fn check_hessian<const N: usize>(
        name: &str,
        cfg: Cfg,
        pts: &[[f64; N]],
        grad: impl Fn([T; N]) -> (T, [T; N]),
        hessian: impl Fn([T; N]) -> (T, [T; N], [[T; N]; N]),
        hvp: impl Fn([T; N], [T; N]) -> (T, [T; N], [T; N]),
        oracle: impl Fn([T; N]) -> [[f64; N]; N],
    ) {
        let eps = T::epsilon().to64();
        let tol = cfg.oracle_ulps * eps;
        // Second derivatives round more than first ones (sigmoid's
        // y(1 - y)(1 - 2y) near saturation): 64 times the first-order budget.
        let tol2 = 64.0 * tol;
        let tiny = T::min_positive_value().to64();
        for (k, p) in pts.iter().enumerate() {
            let x: [T; N] = p.map(T::of);
            let at = format!("{name}::<{}> hessian at {x:?}", T::NAME);
            let (v, g) = grad(x);
            let (hv_value, hg, h) = hessian(x);
            close(
                &format!("{at}: value"),
                hv_value.to64(),
                v.to64(),
                4.0 * eps,
                0.0,
            );
            for i in 0..N {
                close(
                    &format!("{at}: gradient {i}"),
                    hg[i].to64(),
                    g[i].to64(),
                    4.0 * tol,
                    cfg.floor,
                );
                for j in 0..N {
                    assert!(
                        h[i][j] == h[j][i] || (h[i][j].is_nan() && h[j][i].is_nan()),
                        "{at}: H[{i}][{j}] = {:?} but H[{j}][{i}] = {:?}",
                        h[i][j],
                        h[j][i]
                    );
                }
            }
            // Entries are compared relative to the largest one (normwise):
            // a mixed partial that is exactly 0 comes out as rounding noise
            // of the size of the others.
            let norm = h
                .iter()
                .flatten()
                .map(|e| e.to64().abs())
                .filter(|e| e.is_finite())
                .fold(cfg.floor, f64::max);
            if cfg.oracle {
                let want = oracle(x);
                for i in 0..N {
                    for j in 0..N {
                        let got = h[i][j].to64();
                        // Past the type's range, the oracle's `0 · ∞` can be
                        // NaN where the Hessian is rightly infinite.
                        if want[i][j].is_nan() && got.is_infinite() {
                            continue;
                        }
                        close(
                            &format!("{at}: ∂²/∂x{i}∂x{j} vs the oracle"),
                            got,
                            want[i][j],
                            tol2,
                            norm.max(tiny),
                        );
                    }
                }
            }
            if cfg.fd {
                let base = if T::NAME == "f32" { 1e-3 } else { eps.cbrt() };
                for j in 0..N {
                    let step = match cfg.step {
                        Some((h64, h32)) => {
                            if T::NAME == "f32" {
                                h32
                            } else {
                                h64
                            }
                        }
                        None => base * x[j].to64().abs().max(1.0),
                    };
                    for i in 0..N {
                        let gi = |y: [T; N]| grad(y).1[i];
                        let (d, rounding) = fd_partial(&gi, x, j, T::of(step));
                        let (d, rounding) = (d.to64(), rounding.to64());
                        let hij = h[i][j].to64();
                        let rtol = if T::NAME == "f32" {
                            cfg.fd_rtol32
                        } else {
                            cfg.fd_rtol64
                        };
                        let allowed = rtol * hij.abs().max(d.abs()).max(norm) + rounding + tiny;
                        assert!(
                            hij == d || (hij - d).abs() <= allowed,
                            "{at}: ∂²/∂x{i}∂x{j} = {hij:e}, finite differences of the gradient {d:e} (|diff| = {:e}, allowed {allowed:e})",
                            (hij - d).abs()
                        );
                    }
                }
            }
            // H·v from `_hvp`, along a direction of mixed signs.
            let dir: [T; N] =
                core::array::from_fn(|i| T::of(DIRECTIONS[(i + k) % DIRECTIONS.len()]));
            let (value, g2, hv) = hvp(x, dir);
            close(
                &format!("{at}: hvp value"),
                value.to64(),
                v.to64(),
                4.0 * eps,
                0.0,
            );
            for i in 0..N {
                close(
                    &format!("{at}: hvp gradient {i}"),
                    g2[i].to64(),
                    hg[i].to64(),
                    tol,
                    cfg.floor,
                );
                let (mut want, mut scale) = (0.0f64, 0.0f64);
                for j in 0..N {
                    want += h[i][j].to64() * dir[j].to64();
                    scale += (h[i][j].to64() * dir[j].to64()).abs();
                }
                // A row with an infinite entry has no meaningful `H·v` to compare.
                let finite_row = h[i].iter().all(|e| e.to64().is_finite());
                if finite_row && !(want.is_nan() && hv[i].is_nan()) {
                    close(
                        &format!("{at}: (H·v)[{i}] from _hvp vs the Hessian times v"),
                        hv[i].to64(),
                        want,
                        256.0 * eps * (N as f64),
                        scale.max(cfg.floor).max(tiny),
                    );
                }
            }
        }
    }
}
