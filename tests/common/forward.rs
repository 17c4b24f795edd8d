//! Forward mode's checks: `_jvp` against the dual-number oracle along a
//! direction, and against the gradient (the adjoint identity between the
//! two modes).

use super::{close, Cfg, On, Prec};

/// Directions for forward mode: fixed, of mixed signs and sizes, none zero.
pub const DIRECTIONS: [f64; 8] = [0.7, -1.3, 0.45, 2.1, -0.6, 1.05, -0.25, 0.9];

impl<T: Prec> On<T> {
    /// Checks forward mode at every point, in one direction per point:
    ///
    /// * `jvp` returns the function's value, bit for bit the one `grad` returns;
    /// * its tangent agrees with the dual-number oracle run in that direction;
    /// * and with the gradient: `⟨∇f, v⟩`, the adjoint identity between the
    ///   two modes (a relative tolerance on the scale `Σ |∂ᵢf vᵢ|`, since the
    ///   two sums round differently).
    #[track_caller]
    pub fn check_jvp<const N: usize>(
        name: &str,
        cfg: Cfg,
        pts: &[[f64; N]],
        grad: impl Fn([T; N]) -> (T, [T; N]),
        jvp: impl Fn([T; N], [T; N]) -> (T, T),
        dual: impl Fn([T::D; N]) -> T::D,
    ) {
        let eps = T::epsilon().to64();
        for (k, p) in pts.iter().enumerate() {
            let x: [T; N] = p.map(T::of);
            let mut v = [T::zero(); N];
            for (i, vi) in v.iter_mut().enumerate() {
                *vi = T::of(DIRECTIONS[(i + k) % DIRECTIONS.len()]);
            }
            let at = format!("{name}::<{}> jvp at {x:?} along {v:?}", T::NAME);
            let (value, tangent) = jvp(x, v);
            let (gv, g) = grad(x);
            assert!(
                value == gv || (value.is_nan() && gv.is_nan()),
                "{at}: value {value:?} from _jvp, {gv:?} from _grad"
            );
            let (mut dot, mut scale) = (0.0f64, 0.0f64);
            for i in 0..N {
                dot += g[i].to64() * v[i].to64();
                scale += (g[i].to64() * v[i].to64()).abs();
            }
            let t = tangent.to64();
            if !(t.is_nan() && dot.is_nan()) {
                close(
                    &format!("{at}: tangent vs ⟨grad, v⟩"),
                    t,
                    dot,
                    64.0 * eps * (N as f64),
                    scale.max(cfg.floor).max(f64::MIN_POSITIVE),
                );
            }
            if cfg.oracle {
                let mut dx: [T::D; N] = x.map(T::cst);
                for i in 0..N {
                    dx[i] = T::dir(x[i], v[i]);
                }
                let out = dual(dx);
                close(
                    &format!("{at}: tangent vs dual-number oracle"),
                    t,
                    T::eps_part(out).to64(),
                    cfg.oracle_ulps * eps * (N as f64),
                    scale.max(cfg.floor).max(f64::MIN_POSITIVE),
                );
            }
        }
    }
}
