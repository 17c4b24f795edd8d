//! Second order of functions written with `f64` and `f32` (the lifted pass):
//! `_hessian` and `_hvp` of the MGH problems against their closed forms,
//! num-dual's `hessian` and central differences of `_grad`; and of each
//! construct (branches, loops, local arrays, calls, custom rules, constants,
//! vectors, methods) against the dual-number oracle run on a generic twin.

// One body serves a generic twin (no `*=` on `T: Float`) and `f64` code.
#![allow(clippy::assign_op_pattern, clippy::type_complexity)]

use crate::common::{Cfg, On};
use autodiff::{differentiable, Float};
use nalgebra::SVector;
use num_dual::DualNum;

fn c<T: Float>(v: f64) -> T {
    T::from(v).unwrap()
}

/// The MGH problems with literals, as a user writes them, in `$F`.
macro_rules! mgh {
    ($m:ident, $F:ident) => {
        mod $m {
            use super::*;

            #[differentiable]
            pub fn rosenbrock(x: $F, y: $F) -> $F {
                (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
            }

            #[differentiable]
            pub fn beale(x: $F, y: $F) -> $F {
                (1.5 - x + x * y).powi(2)
                    + (2.25 - x + x * y * y).powi(2)
                    + (2.625 - x + x * y * y * y).powi(2)
            }

            #[differentiable]
            pub fn wood(x1: $F, x2: $F, x3: $F, x4: $F) -> $F {
                100.0 * (x2 - x1 * x1).powi(2)
                    + (1.0 - x1).powi(2)
                    + 90.0 * (x4 - x3 * x3).powi(2)
                    + (1.0 - x3).powi(2)
                    + 10.1 * ((x2 - 1.0).powi(2) + (x4 - 1.0).powi(2))
                    + 19.8 * (x2 - 1.0) * (x4 - 1.0)
            }

            #[differentiable]
            pub fn powell(x1: $F, x2: $F, x3: $F, x4: $F) -> $F {
                (x1 + 10.0 * x2).powi(2)
                    + 5.0 * (x3 - x4).powi(2)
                    + (x2 - 2.0 * x3).powi(4)
                    + 10.0 * (x1 - x4).powi(4)
            }

            #[differentiable]
            pub fn ext_rosenbrock<const N: usize>(x: [$F; N]) -> $F {
                let mut f = 0.0;
                for i in 0..N / 2 {
                    let a = x[2 * i];
                    let b = x[2 * i + 1];
                    f += 100.0 * (b - a * a).powi(2) + (1.0 - a).powi(2);
                }
                f
            }
        }
    };
}
mgh!(m64, f64);
mgh!(m32, f32);

// ---------------------------------------------------------------------------
// Closed forms, in f64 whatever the precision under test.

fn rosenbrock_h(x: f64, y: f64) -> [[f64; 2]; 2] {
    [
        [1200.0 * x * x - 400.0 * y + 2.0, -400.0 * x],
        [-400.0 * x, 200.0],
    ]
}

fn beale_h(x: f64, y: f64) -> [[f64; 2]; 2] {
    // f = Σ r_k², r_k = c_k - x + x y^k: H = 2 Σ (∇r ∇rᵀ + r ∇²r).
    let cs = [1.5, 2.25, 2.625];
    let mut h = [[0.0; 2]; 2];
    for (k, ck) in cs.iter().enumerate() {
        let k = (k + 1) as i32;
        let kf = f64::from(k);
        let r = ck - x + x * y.powi(k);
        let g = [y.powi(k) - 1.0, kf * x * y.powi(k - 1)];
        let rxy = kf * y.powi(k - 1);
        let ryy = if k >= 2 {
            kf * (kf - 1.0) * x * y.powi(k - 2)
        } else {
            0.0
        };
        let hr = [[0.0, rxy], [rxy, ryy]];
        for i in 0..2 {
            for j in 0..2 {
                h[i][j] += 2.0 * (g[i] * g[j] + r * hr[i][j]);
            }
        }
    }
    h
}

fn wood_h(x: [f64; 4]) -> [[f64; 4]; 4] {
    let [x1, x2, x3, x4] = x;
    [
        [1200.0 * x1 * x1 - 400.0 * x2 + 2.0, -400.0 * x1, 0.0, 0.0],
        [-400.0 * x1, 220.2, 0.0, 19.8],
        [0.0, 0.0, 1080.0 * x3 * x3 - 360.0 * x4 + 2.0, -360.0 * x3],
        [0.0, 19.8, -360.0 * x3, 200.2],
    ]
}

fn powell_h(x: [f64; 4]) -> [[f64; 4]; 4] {
    // a = x1 + 10 x2, b = x3 - x4, c = x2 - 2 x3, d = x1 - x4:
    // H = 2 ∇a∇aᵀ + 10 ∇b∇bᵀ + 12 c² ∇c∇cᵀ + 120 d² ∇d∇dᵀ.
    let [x1, x2, x3, x4] = x;
    let (c, d) = (x2 - 2.0 * x3, x1 - x4);
    let terms = [
        (2.0, [1.0, 10.0, 0.0, 0.0]),
        (10.0, [0.0, 0.0, 1.0, -1.0]),
        (12.0 * c * c, [0.0, 1.0, -2.0, 0.0]),
        (120.0 * d * d, [1.0, 0.0, 0.0, -1.0]),
    ];
    let mut h = [[0.0; 4]; 4];
    for (w, g) in terms {
        for i in 0..4 {
            for j in 0..4 {
                h[i][j] += w * g[i] * g[j];
            }
        }
    }
    h
}

fn ext_rosenbrock_h<const N: usize>(x: [f64; N]) -> [[f64; N]; N] {
    let mut h = [[0.0; N]; N];
    for i in 0..N / 2 {
        let block = rosenbrock_h(x[2 * i], x[2 * i + 1]);
        for r in 0..2 {
            for s in 0..2 {
                h[2 * i + r][2 * i + s] = block[r][s];
            }
        }
    }
    h
}

/// num-dual's `hessian` of `f`, as arrays.
fn num_dual_h<const N: usize>(
    f: impl Fn(
        [num_dual::Dual2Vec64<nalgebra::Const<N>>; N],
    ) -> num_dual::Dual2Vec64<nalgebra::Const<N>>,
    x: [f64; N],
) -> [[f64; N]; N] {
    let (_, _, h) = num_dual::hessian(
        |v: SVector<_, N>| f(core::array::from_fn(|i| v[i])),
        SVector::from(x),
    );
    core::array::from_fn(|i| core::array::from_fn(|j| h[(i, j)]))
}

fn points<const N: usize>(special: &[[f64; N]]) -> Vec<[f64; N]> {
    let mut pts = special.to_vec();
    let mut s = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..6 {
        pts.push(core::array::from_fn(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64 * 4.0 - 2.0
        }));
    }
    pts
}

type Grad2<T> = fn(T, T) -> (T, T, T);
type Hess2<T> = fn(T, T) -> (T, [T; 2], [[T; 2]; 2]);
type Hvp2<T> = fn(T, T, T, T) -> (T, T, T, T, T);
type Grad4<T> = fn(T, T, T, T) -> (T, T, T, T, T);
type Hess4<T> = fn(T, T, T, T) -> (T, [T; 4], [[T; 4]; 4]);
type Hvp4<T> = fn(T, T, T, T, T, T, T, T) -> (T, T, T, T, T, T, T, T, T);

fn two<T: Prec>(
    name: &str,
    cfg: Cfg,
    pts: &[[f64; 2]],
    f: (Grad2<T>, Hess2<T>, Hvp2<T>),
    closed: fn([f64; 2]) -> [[f64; 2]; 2],
) where
    T::D: Float,
{
    let (grad, hessian, hvp) = f;
    On::<T>::check_hessian(
        name,
        cfg,
        pts,
        |[x, y]| {
            let (v, gx, gy) = grad(x, y);
            (v, [gx, gy])
        },
        |[x, y]| hessian(x, y),
        |[x, y], [a, b]| {
            let (v, gx, gy, hx, hy) = hvp(x, y, a, b);
            (v, [gx, gy], [hx, hy])
        },
        |x| closed(x.map(|e| e.to64())),
    );
}

fn four<T: Prec>(
    name: &str,
    cfg: Cfg,
    pts: &[[f64; 4]],
    f: (Grad4<T>, Hess4<T>, Hvp4<T>),
    closed: fn([f64; 4]) -> [[f64; 4]; 4],
) where
    T::D: Float,
{
    let (grad, hessian, hvp) = f;
    On::<T>::check_hessian(
        name,
        cfg,
        pts,
        |[a, b, c, d]| {
            let (v, g0, g1, g2, g3) = grad(a, b, c, d);
            (v, [g0, g1, g2, g3])
        },
        |[a, b, c, d]| hessian(a, b, c, d),
        |[a, b, c, d], [p, q, r, s]| {
            let (v, g0, g1, g2, g3, h0, h1, h2, h3) = hvp(a, b, c, d, p, q, r, s);
            (v, [g0, g1, g2, g3], [h0, h1, h2, h3])
        },
        |x| closed(x.map(|e| e.to64())),
    );
}

use crate::common::Prec;

#[test]
fn mgh_scalar_problems_against_closed_forms_num_dual_and_differences() {
    let pts2 = points(&[[-1.2, 1.0], [1.0, 1.0], [0.0, 0.0], [3.0, 0.5]]);
    let cfg = Cfg::new();
    two::<f64>(
        "rosenbrock",
        cfg,
        &pts2,
        (
            m64::rosenbrock_grad,
            m64::rosenbrock_hessian,
            m64::rosenbrock_hvp,
        ),
        |[x, y]| rosenbrock_h(x, y),
    );
    two::<f32>(
        "rosenbrock",
        cfg,
        &pts2,
        (
            m32::rosenbrock_grad,
            m32::rosenbrock_hessian,
            m32::rosenbrock_hvp,
        ),
        |[x, y]| rosenbrock_h(x, y),
    );
    two::<f64>(
        "beale",
        cfg,
        &pts2,
        (m64::beale_grad, m64::beale_hessian, m64::beale_hvp),
        |[x, y]| beale_h(x, y),
    );
    two::<f32>(
        "beale",
        cfg,
        &pts2,
        (m32::beale_grad, m32::beale_hessian, m32::beale_hvp),
        |[x, y]| beale_h(x, y),
    );
    let pts4 = points(&[
        [-3.0, -1.0, -3.0, -1.0],
        [1.0, 1.0, 1.0, 1.0],
        [3.0, -1.0, 0.0, 1.0],
        [0.5, 0.25, -0.5, 2.0],
    ]);
    four::<f64>(
        "wood",
        cfg,
        &pts4,
        (m64::wood_grad, m64::wood_hessian, m64::wood_hvp),
        wood_h,
    );
    four::<f32>(
        "wood",
        cfg,
        &pts4,
        (m32::wood_grad, m32::wood_hessian, m32::wood_hvp),
        wood_h,
    );
    four::<f64>(
        "powell",
        cfg,
        &pts4,
        (m64::powell_grad, m64::powell_hessian, m64::powell_hvp),
        powell_h,
    );
    four::<f32>(
        "powell",
        cfg,
        &pts4,
        (m32::powell_grad, m32::powell_hessian, m32::powell_hvp),
        powell_h,
    );

    // num-dual's own `hessian` agrees at every point, in f64.
    for p in &pts2 {
        let nd = num_dual_h(
            |[x, y]| (-x + 1.0).powi(2) + (y - x * x).powi(2) * 100.0,
            *p,
        );
        assert_close_matrix(
            "rosenbrock vs num-dual",
            m64::rosenbrock_hessian(p[0], p[1]).2,
            nd,
        );
        let nd = num_dual_h(
            |[x, y]| {
                let (a, b, c) = (
                    -x + 1.5 + x * y,
                    -x + 2.25 + x * y * y,
                    -x + 2.625 + x * y * y * y,
                );
                a * a + b * b + c * c
            },
            *p,
        );
        assert_close_matrix("beale vs num-dual", m64::beale_hessian(p[0], p[1]).2, nd);
    }
    for p in &pts4 {
        let nd = num_dual_h(
            |x| {
                (x[1] - x[0] * x[0]).powi(2) * 100.0
                    + (-x[0] + 1.0).powi(2)
                    + (x[3] - x[2] * x[2]).powi(2) * 90.0
                    + (-x[2] + 1.0).powi(2)
                    + ((x[1] - 1.0).powi(2) + (x[3] - 1.0).powi(2)) * 10.1
                    + (x[1] - 1.0) * 19.8 * (x[3] - 1.0)
            },
            *p,
        );
        assert_close_matrix(
            "wood vs num-dual",
            m64::wood_hessian(p[0], p[1], p[2], p[3]).2,
            nd,
        );
        let nd = num_dual_h(
            |x| {
                (x[0] + x[1] * 10.0).powi(2)
                    + (x[2] - x[3]).powi(2) * 5.0
                    + (x[1] - x[2] * 2.0).powi(4)
                    + (x[0] - x[3]).powi(4) * 10.0
            },
            *p,
        );
        assert_close_matrix(
            "powell vs num-dual",
            m64::powell_hessian(p[0], p[1], p[2], p[3]).2,
            nd,
        );
    }
}

#[track_caller]
fn assert_close_matrix<const N: usize>(what: &str, got: [[f64; N]; N], want: [[f64; N]; N]) {
    let norm = want.iter().flatten().fold(1e-300f64, |m, e| m.max(e.abs()));
    for i in 0..N {
        for j in 0..N {
            assert!(
                (got[i][j] - want[i][j]).abs() <= 1e-13 * norm,
                "{what}: H[{i}][{j}] = {} vs {}",
                got[i][j],
                want[i][j]
            );
        }
    }
}

fn ext<T: Prec, const N: usize>(
    pts: &[[f64; N]],
    grad: fn([T; N]) -> (T, [T; N]),
    hessian: fn([T; N]) -> (T, [T; N], [[T; N]; N]),
    hvp: fn([T; N], [T; N]) -> (T, [T; N], [T; N]),
) where
    T::D: Float,
{
    On::<T>::check_hessian("ext_rosenbrock", Cfg::new(), pts, grad, hessian, hvp, |x| {
        ext_rosenbrock_h(x.map(|e| e.to64()))
    });
}

#[test]
fn extended_rosenbrock_at_10_and_100() {
    let start10: [f64; 10] = core::array::from_fn(|i| if i % 2 == 0 { -1.2 } else { 1.0 });
    let pts10 = points(&[start10, [1.0; 10]]);
    ext::<f64, 10>(
        &pts10,
        m64::ext_rosenbrock_grad,
        m64::ext_rosenbrock_hessian,
        m64::ext_rosenbrock_hvp,
    );
    ext::<f32, 10>(
        &pts10,
        m32::ext_rosenbrock_grad,
        m32::ext_rosenbrock_hessian,
        m32::ext_rosenbrock_hvp,
    );
    for p in &pts10 {
        let nd = num_dual_h(
            |x: [_; 10]| {
                let mut f = x[0] * 0.0;
                for i in 0..5 {
                    f += (x[2 * i + 1] - x[2 * i] * x[2 * i]).powi(2) * 100.0
                        + (-x[2 * i] + 1.0).powi(2);
                }
                f
            },
            *p,
        );
        assert_close_matrix(
            "ext_rosenbrock(10) vs num-dual",
            m64::ext_rosenbrock_hessian(*p).2,
            nd,
        );
    }
    // N = 100 (in a thread with room on its stack: num-dual's dual number
    // for it carries a 100 × 100 Hessian, 80 KB, per value).
    std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(extended_rosenbrock_100)
        .unwrap()
        .join()
        .unwrap();
}

/// The closed form, num-dual, `_hvp` against `H·v`, and finite differences
/// of the gradient for a few columns (all N columns would be N² passes).
fn extended_rosenbrock_100() {
    let x: [f64; 100] = core::array::from_fn(|i| {
        if i % 2 == 0 {
            -1.2 + 0.01 * i as f64
        } else {
            1.0 - 0.003 * i as f64
        }
    });
    let (value, g, h) = m64::ext_rosenbrock_hessian(x);
    assert_eq!(value, m64::ext_rosenbrock(x));
    assert_eq!(g, m64::ext_rosenbrock_grad(x).1);
    assert_close_matrix(
        "ext_rosenbrock(100) vs the closed form",
        h,
        ext_rosenbrock_h(x),
    );
    let nd = num_dual_h(
        |x: [_; 100]| {
            let mut f = x[0] * 0.0;
            for i in 0..50 {
                f += (x[2 * i + 1] - x[2 * i] * x[2 * i]).powi(2) * 100.0
                    + (-x[2 * i] + 1.0).powi(2);
            }
            f
        },
        x,
    );
    assert_close_matrix("ext_rosenbrock(100) vs num-dual", h, nd);
    let v: [f64; 100] = core::array::from_fn(|i| ((i * 7919) % 13) as f64 / 6.0 - 1.0);
    let (_, g2, hv) = m64::ext_rosenbrock_hvp(x, v);
    assert_eq!(g2, g);
    for i in 0..100 {
        let want: f64 = (0..100).map(|j| h[i][j] * v[j]).sum();
        assert!(
            (hv[i] - want).abs() <= 1e-12 * (1.0 + want.abs()),
            "(Hv)[{i}] = {} vs {want}",
            hv[i]
        );
    }
    for j in [0, 1, 50, 99] {
        let step = 1e-5;
        let at = |t: f64| {
            let mut y = x;
            y[j] += t;
            m64::ext_rosenbrock_grad(y).1
        };
        let (up, down) = (at(step), at(-step));
        for i in 0..100 {
            let d = (up[i] - down[i]) / (2.0 * step);
            assert!(
                (h[i][j] - d).abs() <= 1e-5 * (1.0 + d.abs()),
                "H[{i}][{j}] = {} vs differences {d}",
                h[i][j]
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Constructs: one body, written once, as a generic function (the oracle's
// twin, and the generic path) and as `f64` and `f32` functions (the lifted
// path). Constants go through `c(..)`, which is generic.

macro_rules! twin {
    ($name:ident ($($a:ident),+) $body:block) => {
        mod $name {
            use super::*;
            #[differentiable]
            pub fn g<R: Float>($($a: R),+) -> R $body
            pub use d64::d;
            pub use d64::{d_grad, d_hessian, d_hvp};
            pub use s32::{s, s_grad, s_hessian, s_hvp};
            mod d64 {
                use super::*;
                type R = f64;
                #[differentiable]
                pub fn d($($a: f64),+) -> f64 $body
            }
            mod s32 {
                use super::*;
                type R = f32;
                #[differentiable]
                pub fn s($($a: f32),+) -> f32 $body
            }
        }
    };
}

twin!(branch(x, y) {
    if x > y {
        x.sin() * y + c::<R>(0.5)
    } else {
        x * x * y.exp()
    }
});

twin!(selects(x, y) {
    let a = x * y;
    let b = x.exp();
    let mut r = a;
    if a > c::<R>(0.2) {
        r = b;
    }
    r * y
});

twin!(kept_product(x, y) {
    let mut p = c::<R>(1.0);
    for i in 0..3 {
        p = p * (x.sin() + y * c::<R>(i as f64) + c::<R>(2.0));
    }
    p
});

twin!(fused_sum(x, y) {
    let mut s = c::<R>(0.0);
    for i in 0..4 {
        s = s + (x * c::<R>(i as f64 * 0.5) + y).tanh();
    }
    s * s
});

twin!(local_array(x, y) {
    let mut a = [c::<R>(0.0); 3];
    a[0] = x;
    a[1] = x * y;
    a[2] = a[0] + a[1].exp();
    a[2] * a[1] + a[0].powi(3)
});

twin!(kinks(x, y) {
    x.max(y) * x.abs() + x.min(y).clamp(c::<R>(-1.0), c::<R>(1.0)) * y
});

twin!(three(x, y, z) {
    (x * y + z).cos() * (x - z).powi(2) + (y * z).atan2(x + c::<R>(3.0))
});

/// The lifted pass of `$m::d` (f64) and `$m::s` (f32) against the nested
/// oracle on `$m::g`, finite differences, and `_hvp`.
macro_rules! check_twin {
    ($m:ident [$($a:ident),+] $cfg:expr; $pts:expr) => {
        check_twin!(@as f64, $m::d, $m::d_grad, $m::d_hessian, $m::d_hvp, $m [$($a),+] $cfg; $pts);
        check_twin!(@as f32, $m::s, $m::s_grad, $m::s_hessian, $m::s_hvp, $m [$($a),+] $cfg; $pts);
    };
    (@as $T:ty, $f:path, $grad:path, $hessian:path, $hvp:path, $m:ident [$($a:ident),+] $cfg:expr; $pts:expr) => {
        On::<$T>::check_hessian(
            concat!(stringify!($m), "::", stringify!($T)),
            $cfg,
            $pts,
            |v| {
                let [$($a),+] = v;
                let (value, $($a),+) = $grad($($a),+);
                (value, [$($a),+])
            },
            |v| {
                let [$($a),+] = v;
                $hessian($($a),+)
            },
            |v, t| {
                let [$($a),+] = v;
                let mut k = 0usize;
                let out = $hvp($($a,)+ $({ let _ = &$a; k += 1; t[k - 1] }),+);
                second_order_split!(out; $($a),+)
            },
            On::<$T>::nested(|v| {
                let [$($a),+] = v;
                $m::g($($a),+)
            }),
        );
        // The lifted pass computes what the generic pass computes on `Dual`.
        for p in $pts {
            let x: [$T; _] = p.map(|e| e as $T);
            let [$($a),+] = x;
            let (lifted, generic) = ($hessian($($a),+), $m::g_hessian($($a),+));
            assert_eq!(lifted.0, generic.0, "{}: values", stringify!($m));
            let _ = $f;
        }
    };
}

#[test]
fn constructs_in_f64_and_f32() {
    let cfg = Cfg::new();
    check_twin!(branch[x, y] cfg; &[[0.7, 0.2], [0.2, 0.7], [-1.0, 0.5], [2.0, -1.5]]);
    check_twin!(selects[x, y] cfg; &[[0.7, 0.9], [0.1, 0.5], [-1.0, 0.5]]);
    check_twin!(kept_product[x, y] cfg; &[[0.7, 0.2], [-1.3, 0.5], [2.0, -0.4]]);
    check_twin!(fused_sum[x, y] cfg; &[[0.7, 0.2], [-1.3, 0.5], [0.1, -0.4]]);
    check_twin!(local_array[x, y] cfg; &[[0.7, 0.2], [-1.3, 0.5], [0.4, -0.9]]);
    check_twin!(kinks[x, y] cfg; &[[0.7, 0.2], [-0.3, 0.5], [-2.0, -0.5], [0.4, 1.9]]);
    check_twin!(three[x, y, z] cfg; &[[0.7, 0.2, -0.4], [-1.3, 0.5, 0.9], [0.4, -0.9, 2.0]]);
}

// ---------------------------------------------------------------------------
// Calls, custom rules, vectors, methods, constants and data.

#[differentiable]
fn inner(x: f64, y: f64) -> f64 {
    (x * y).sin() + 0.5 * x * x
}

#[differentiable]
fn inner_generic<T: Float>(x: T, y: T) -> T {
    x.exp() * y
}

/// `x / (1 + |x|)` with a rule generic over its float: it runs on dual
/// numbers as it is, so second order goes through it.
#[autodiff::custom_vjp(softsign_rule)]
fn softsign<T: Float>(x: T) -> T {
    x / (T::one() + x.abs())
}

fn softsign_rule<T: Float>(x: T, _value: T, g: T) -> T {
    g / ((T::one() + x.abs()) * (T::one() + x.abs()))
}

#[differentiable]
fn caller(x: f64, y: f64) -> f64 {
    inner(x, y).exp() + inner(y, 2.0 * x) + inner_generic(x, y) * softsign(x - y)
}

fn caller_oracle<T: Float>(x: T, y: T) -> T {
    let inner = |x: T, y: T| (x * y).sin() + c::<T>(0.5) * x * x;
    inner(x, y).exp()
        + inner(y, c::<T>(2.0) * x)
        + x.exp() * y * ((x - y) / (T::one() + (x - y).abs()))
}

const K: f64 = 1.5;

/// Constants of every kind: literals of every form, paths, `const` items,
/// casts, and a constant local read by a constant expression.
#[differentiable]
fn constants(x: f64, y: f64, n: i32, m: usize) -> f64 {
    const C: f64 = 0.25;
    let nf = n as f64;
    let k = m as f64 * 0.5;
    let pi = std::f64::consts::PI;
    K * x.powi(n) * nf
        + C * (pi * y).sin()
        + 2. * x * y
        + 1e-1 * k * x * x * y
        + 5f64.sqrt() * y * y
}

fn constants_oracle<T: Float>(x: T, y: T) -> T {
    let (n, m) = (3, 4usize);
    let k = c::<T>(m as f64 * 0.5);
    c::<T>(K) * x.powi(n) * c(n as f64)
        + c::<T>(0.25) * (c::<T>(std::f64::consts::PI) * y).sin()
        + c::<T>(2.0) * x * y
        + c::<T>(0.1) * k * x * x * y
        + c::<T>(5f64.sqrt()) * y * y
}

/// A fit to data: the data (`&[f64; 3]`, `f64`) are constants, read in a loop.
#[differentiable(wrt(w))]
fn fit(w: [f64; 3], xs: &[f64; 3], target: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..3 {
        s += w[i] * xs[i];
    }
    (s.tanh() - target).powi(2) + 0.01 * (w[0] * w[0] + w[1] * w[1] + w[2] * w[2])
}

fn fit_oracle<T: Float>(w: [T; 3]) -> T {
    let xs = [0.5, -1.0, 2.0];
    let mut s = T::zero();
    for i in 0..3 {
        s = s + w[i] * c(xs[i]);
    }
    (s.tanh() - c(0.3)).powi(2) + c::<T>(0.01) * (w[0] * w[0] + w[1] * w[1] + w[2] * w[2])
}

/// A `Vector` parameter: the Hessian is a `Matrix`.
#[differentiable]
fn soft(v: autodiff::Vector<f64, 3>) -> f64 {
    autodiff::logsumexp(v) + v[0] * v[1]
}

struct Model {
    scale: f64,
}

impl Model {
    #[differentiable]
    fn loss(&self, x: f64, y: &f64) -> f64 {
        self.scale * (x * *y).sin() + x * x
    }
}

/// A nested array parameter: `_hvp` only (its `_hessian` is a compile error).
#[differentiable]
fn quad(a: [[f64; 2]; 2]) -> f64 {
    a[0][0] * a[1][1] - a[0][1] * a[1][0] + (a[0][0] * a[0][1]).exp()
}

#[test]
fn calls_custom_rules_constants_data_vectors_and_methods() {
    let pts = [[0.7, 0.2], [-1.3, 0.5], [0.4, -0.9], [1.0, 0.8]];
    fn with_oracle<const N: usize>(
        name: &str,
        pts: &[[f64; N]],
        grad: impl Fn([f64; N]) -> (f64, [f64; N]),
        hessian: impl Fn([f64; N]) -> (f64, [f64; N], [[f64; N]; N]),
        hvp: impl Fn([f64; N], [f64; N]) -> (f64, [f64; N], [f64; N]),
        oracle: impl Fn([autodiff::Dual<crate::common::D64>; N]) -> autodiff::Dual<crate::common::D64>,
    ) {
        On::<f64>::check_hessian(
            name,
            Cfg::new(),
            pts,
            grad,
            hessian,
            hvp,
            On::<f64>::nested(oracle),
        );
    }
    with_oracle(
        "caller",
        &pts,
        |[x, y]| {
            let (v, a, b) = caller_grad(x, y);
            (v, [a, b])
        },
        |[x, y]| caller_hessian(x, y),
        |[x, y], [a, b]| {
            let (v, g0, g1, h0, h1) = caller_hvp(x, y, a, b);
            (v, [g0, g1], [h0, h1])
        },
        |[x, y]| caller_oracle(x, y),
    );
    with_oracle(
        "constants",
        &pts,
        |[x, y]| {
            let (v, a, b) = constants_grad(x, y, 3, 4);
            (v, [a, b])
        },
        |[x, y]| constants_hessian(x, y, 3, 4),
        |[x, y], [a, b]| {
            let (v, g0, g1, h0, h1) = constants_hvp(x, y, 3, 4, a, b);
            (v, [g0, g1], [h0, h1])
        },
        |[x, y]| constants_oracle(x, y),
    );
    let xs = [0.5, -1.0, 2.0];
    with_oracle(
        "fit",
        &[[0.1, 0.2, -0.3], [1.0, -2.0, 0.5], [0.0, 0.0, 0.0]],
        |w| fit_grad(w, &xs, 0.3),
        |w| fit_hessian(w, &xs, 0.3),
        |w, v| fit_hvp(w, &xs, 0.3, v),
        fit_oracle,
    );
    with_oracle(
        "soft",
        &[[0.1, 0.2, -0.3], [1.0, -2.0, 0.5], [3.0, 3.0, 3.0]],
        |v| {
            let (value, g) = soft_grad(autodiff::Vector::new(v));
            (value, g.to_array())
        },
        |v| {
            let (value, g, h) = soft_hessian(autodiff::Vector::new(v));
            (value, g.to_array(), h.to_array())
        },
        |x, v| {
            let (value, g, hv) = soft_hvp(autodiff::Vector::new(x), autodiff::Vector::new(v));
            (value, g.to_array(), hv.to_array())
        },
        |v| (v[0].exp() + v[1].exp() + v[2].exp()).ln() + v[0] * v[1],
    );
    let model = Model { scale: 1.5 };
    with_oracle(
        "method",
        &pts,
        |[x, y]| {
            let (v, a, b) = model.loss_grad(x, &y);
            (v, [a, b])
        },
        |[x, y]| model.loss_hessian(x, &y),
        |[x, y], [a, b]| {
            let (v, g0, g1, h0, h1) = model.loss_hvp(x, &y, a, b);
            (v, [g0, g1], [h0, h1])
        },
        |[x, y]| c::<autodiff::Dual<crate::common::D64>>(1.5) * (x * y).sin() + x * x,
    );
    // `_hvp` of a nested array parameter against differences of the gradient.
    let a = [[0.3, -0.7], [1.1, 0.4]];
    let v = [[0.5, 1.0], [-0.25, 2.0]];
    let (value, g, hv) = quad_hvp(a, v);
    assert_eq!((value, g), quad_grad(a));
    let h = 1e-6;
    let step = |t: f64| {
        quad_grad(core::array::from_fn(|i| {
            core::array::from_fn(|j| a[i][j] + t * v[i][j])
        }))
        .1
    };
    let (up, down) = (step(h), step(-h));
    for i in 0..2 {
        for j in 0..2 {
            let d = (up[i][j] - down[i][j]) / (2.0 * h);
            assert!(
                (hv[i][j] - d).abs() < 1e-7 * (1.0 + d.abs()),
                "quad: (Hv)[{i}][{j}] = {} vs {d}",
                hv[i][j]
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Banded Hessians: the graph shows the band, `_hessian` takes 2w + 1 passes.

/// Chained Rosenbrock: a tridiagonal Hessian (w = 1), plus a coupling of
/// `x[0]` and `x[1]` outside the loop, within the band.
#[differentiable]
fn chained<const N: usize>(x: [f64; N]) -> f64 {
    let mut f = 0.0;
    for i in 0..N - 1 {
        f += 100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2);
    }
    0.5 * f + x[0] * x[1]
}

fn chained_oracle<T: Float, const N: usize>(x: [T; N]) -> T {
    let mut f = T::zero();
    for i in 0..N - 1 {
        f = f + c::<T>(100.0) * (x[i + 1] - x[i] * x[i]).powi(2) + (T::one() - x[i]).powi(2);
    }
    c::<T>(0.5) * f + x[0] * x[1]
}

/// A wider band (w = 3: `x[2i]` with `x[2i + 3]`) and a diagonal one.
#[differentiable]
fn wide<const N: usize>(x: [f64; N]) -> f64 {
    let mut f = 0.0;
    for i in 0..(N - 3) / 2 {
        f += (x[2 * i] * x[2 * i + 3]).sin() + x[2 * i + 1].exp();
    }
    f
}

fn wide_oracle<T: Float, const N: usize>(x: [T; N]) -> T {
    let mut f = T::zero();
    for i in 0..(N - 3) / 2 {
        f = f + (x[2 * i] * x[2 * i + 3]).sin() + x[2 * i + 1].exp();
    }
    f
}

/// Blocks that start at element 1 (`x[2i + 1]`, `x[2i + 2]`): two passes.
#[differentiable]
fn shifted<const N: usize>(x: [f64; N]) -> f64 {
    let mut f = 0.0;
    for i in 0..(N - 1) / 2 {
        f += (x[2 * i + 1] * x[2 * i + 2]).sin() + x[2 * i + 1].powi(3);
    }
    f
}

fn shifted_oracle<T: Float, const N: usize>(x: [T; N]) -> T {
    let mut f = T::zero();
    for i in 0..(N - 1) / 2 {
        f = f + (x[2 * i + 1] * x[2 * i + 2]).sin() + x[2 * i + 1].powi(3);
    }
    f
}

/// A diagonal Hessian: one pass.
#[differentiable]
fn diagonal<const N: usize>(x: [f64; N]) -> f64 {
    let mut f = 0.0;
    for i in 0..N {
        f += 0.5 * x[i].exp() + x[i].powi(3);
    }
    f
}

fn diagonal_oracle<T: Float, const N: usize>(x: [T; N]) -> T {
    let mut f = T::zero();
    for xi in x {
        f = f + c::<T>(0.5) * xi.exp() + xi.powi(3);
    }
    f
}

/// A product: no band, one pass per column.
#[differentiable]
fn product<const N: usize>(x: [f64; N]) -> f64 {
    let mut p = 1.0;
    for i in 0..N {
        p *= x[i] + 2.0;
    }
    p
}

fn product_oracle<T: Float, const N: usize>(x: [T; N]) -> T {
    let mut p = T::one();
    for xi in x {
        p = p * (xi + c::<T>(2.0));
    }
    p
}

fn banded<const N: usize>(
    name: &str,
    grad: fn([f64; N]) -> (f64, [f64; N]),
    hessian: fn([f64; N]) -> (f64, [f64; N], [[f64; N]; N]),
    hvp: fn([f64; N], [f64; N]) -> (f64, [f64; N], [f64; N]),
    oracle: fn([autodiff::Dual<crate::common::D64>; N]) -> autodiff::Dual<crate::common::D64>,
) {
    let pts: Vec<[f64; N]> = (0..3)
        .map(|k| core::array::from_fn(|i| ((i * 7 + k * 3) % 11) as f64 / 5.0 - 1.0))
        .collect();
    On::<f64>::check_hessian(
        name,
        Cfg::new(),
        &pts,
        grad,
        hessian,
        hvp,
        On::<f64>::nested(oracle),
    );
}

#[test]
fn banded_hessians_from_the_graph() {
    banded::<7>(
        "diagonal",
        diagonal_grad,
        diagonal_hessian,
        diagonal_hvp,
        diagonal_oracle,
    );
    banded::<8>(
        "shifted",
        shifted_grad,
        shifted_hessian,
        shifted_hvp,
        shifted_oracle,
    );
    banded::<9>(
        "shifted",
        shifted_grad,
        shifted_hessian,
        shifted_hvp,
        shifted_oracle,
    );
    banded::<3>(
        "shifted",
        shifted_grad,
        shifted_hessian,
        shifted_hvp,
        shifted_oracle,
    );
    banded::<9>(
        "chained",
        chained_grad,
        chained_hessian,
        chained_hvp,
        chained_oracle,
    );
    banded::<2>(
        "chained",
        chained_grad,
        chained_hessian,
        chained_hvp,
        chained_oracle,
    );
    banded::<11>("wide", wide_grad, wide_hessian, wide_hvp, wide_oracle);
    banded::<5>("wide", wide_grad, wide_hessian, wide_hvp, wide_oracle);
    banded::<6>(
        "product",
        product_grad,
        product_hessian,
        product_hvp,
        product_oracle,
    );
    // Odd N leaves the last element of extended Rosenbrock out of every term.
    let x: [f64; 7] = core::array::from_fn(|i| i as f64 * 0.3 - 1.0);
    let h = m64::ext_rosenbrock_hessian(x).2;
    let want = ext_rosenbrock_h(x);
    assert_close_matrix("ext_rosenbrock(7)", h, want);
}

// ---------------------------------------------------------------------------
// A callee with no second order of its own (its float is an alias) still
// composes in first order; `_hvp` through it is a compile error at the call
// (tests/ui/second_order_through_an_alias.rs).

type Real = f64;

#[differentiable(wrt(x))]
fn aliased(x: Real, k: f64) -> Real {
    x * x * k
}

#[differentiable]
fn calls_aliased(x: f64) -> f64 {
    aliased(x, 3.0).sin()
}

#[test]
fn a_callee_without_one_float_still_composes() {
    let x = 0.7;
    let (v, d) = calls_aliased_grad(x);
    assert_eq!(v, (3.0 * x * x).sin());
    assert!((d - (3.0 * x * x).cos() * 6.0 * x).abs() < 1e-15);
}

// A method of a generic `impl`: the macro cannot see that `T` is a float
// (README, Limitations), so `wrt` names it; first order works, and a
// caller's lifted pass still compiles.

struct Scaled<T> {
    k: T,
}

impl<T: Float> Scaled<T> {
    #[differentiable(wrt(x))]
    fn apply(&self, x: T) -> T {
        self.k * x * x
    }

    #[differentiable(wrt(x))]
    fn twice(&self, x: T) -> T {
        self.apply(x) + self.apply(x * self.k)
    }
}

#[test]
fn methods_of_a_generic_impl_still_compose() {
    let s = Scaled { k: 2.0f64 };
    let (v, d) = s.twice_grad(0.5);
    assert_eq!(v, 2.0 * 0.25 + 2.0 * 1.0);
    assert!((d - (4.0 * 0.5 + 2.0 * 2.0 * 2.0 * 0.5 * 2.0)).abs() < 1e-15);
}

/// An array passed by reference, and a vector: the Hessian's shapes.
#[differentiable]
fn by_ref(x: &[f64; 3]) -> f64 {
    x[0] * x[1] * x[2] + x[0].sin()
}

#[differentiable]
fn by_ref_sum<const N: usize>(x: &[f64; N]) -> f64 {
    let mut f = 0.0;
    for i in 0..N {
        f += x[i].powi(3);
    }
    f
}

#[test]
fn hessians_of_arrays_by_reference() {
    let x = [0.5, -1.5, 2.0];
    let (v, g, h) = by_ref_hessian(&x);
    assert_eq!(v, by_ref(&x));
    assert_eq!(g, by_ref_grad(&x).1);
    let want = [
        [-(0.5f64).sin(), 2.0, -1.5],
        [2.0, 0.0, 0.5],
        [-1.5, 0.5, 0.0],
    ];
    for i in 0..3 {
        for j in 0..3 {
            assert!(
                (h[i][j] - want[i][j]).abs() < 1e-15,
                "H[{i}][{j}] = {} vs {}",
                h[i][j],
                want[i][j]
            );
        }
    }
    let (_, _, h) = by_ref_sum_hessian(&x);
    assert_eq!(h, [[3.0, 0.0, 0.0], [0.0, -9.0, 0.0], [0.0, 0.0, 12.0]]);
}
