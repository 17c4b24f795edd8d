//! The generated gradients and tangents never touch the heap.
//!
//! A counting `#[global_allocator]` wraps `std::alloc::System`. The test
//! harness allocates (names, threads, output capture), so only allocations
//! made *by the current thread* while a region is open are counted: the
//! "counting" flag is a thread-local `Cell<bool>` (const-initialised and
//! without a destructor, so reading it never allocates), which keeps the
//! count exact even if the harness runs other tests on other threads. The
//! region is entered twice, so a one-time lazy initialisation would not
//! hide behind a warm-up either way: both must be zero.
//!
//! Inside the region there are only calls to generated `_grad` / `_vjp` /
//! `_jvp` functions and stores of their results; every check that could
//! format a message (and so allocate) runs after the region is closed. The
//! forward-mode region also runs the tangents `benches/forward.rs`
//! measures (its problems file, included with `#[path]`): a 200-step
//! simulation loop and the seed layer with `Matrix`/`Vector`.

use autodiff::{custom_vjp, differentiable, mse, sigmoid, Float, Matrix, Vector};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

#[path = "../benches/common/forward_problems.rs"]
mod forward_problems;

// ---------------------------------------------------------------------------
// The counting allocator.

struct Counting;

/// Allocations (`alloc`, `alloc_zeroed`, `realloc`) made inside a region.
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
/// Bytes requested inside a region.
static BYTES: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn note(size: usize) {
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        BYTES.fetch_add(size, Ordering::SeqCst);
    }
}

// SAFETY: every call is forwarded unchanged to `System`; the bookkeeping
// touches only atomics and a const-initialised thread-local `Cell`.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        System.realloc(ptr, layout, new_size)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` with counting on for this thread; returns its result and the
/// number of allocations and bytes it made.
fn counted<R>(f: impl FnOnce() -> R) -> (R, usize, usize) {
    let (a0, b0) = (
        ALLOCATIONS.load(Ordering::SeqCst),
        BYTES.load(Ordering::SeqCst),
    );
    COUNTING.with(|c| c.set(true));
    let r = f();
    COUNTING.with(|c| c.set(false));
    let (a1, b1) = (
        ALLOCATIONS.load(Ordering::SeqCst),
        BYTES.load(Ordering::SeqCst),
    );
    (r, a1 - a0, b1 - b0)
}

// ---------------------------------------------------------------------------
// The functions.

/// Scalar.
#[differentiable]
fn rosenbrock(x: f64, y: f64) -> f64 {
    (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
}

/// An accumulating loop over a const-generic array (N = 100 below).
#[differentiable]
fn ext_rosenbrock<const N: usize>(x: [f64; N]) -> f64 {
    let mut f = 0.0;
    for i in 0..N / 2 {
        let (a, b) = (x[2 * i], x[2 * i + 1]);
        f += 100.0 * (b - a * a).powi(2) + (1.0 - a).powi(2);
    }
    f
}

/// A loop whose carried product the backward pass reads: kept in a stack
/// array, one element per iteration.
#[differentiable]
fn product<const N: usize>(x: [f64; N]) -> f64 {
    let mut p = 1.0;
    for i in 0..N {
        p *= x[i].sin() + 2.0;
    }
    p
}

/// Branches, nested, as expression and statement, with a guarded `ln`.
#[differentiable]
fn branchy(x: f64, y: f64) -> f64 {
    let s = x * y;
    let mut out = if x > 0.0 {
        if y > 0.0 {
            s.sqrt()
        } else {
            s * s
        }
    } else if y > x {
        y.exp() * x
    } else {
        x.abs().max(y)
    };
    if s > 1.0 {
        out += s.ln();
    }
    out + s
}

/// A branch inside a loop, generic over the float type (used with f32).
#[differentiable]
fn soft_abs_sum<T: Float>(x: [T; 8]) -> T {
    let mut f = T::zero();
    for i in 0..8 {
        let v = if x[i] > T::zero() {
            x[i]
        } else {
            -x[i] * T::from(0.5).unwrap()
        };
        f = f + v * v;
    }
    f
}

/// The seed layer and its loss.
#[differentiable(wrt(w, b))]
fn seed_loss(
    w: Matrix<f64, 16, 4>,
    b: Vector<f64, 4>,
    x: Vector<f64, 16>,
    label: Vector<f64, 4>,
) -> f64 {
    let z = w.t() * x + b;
    mse(sigmoid(z), label)
}

/// The seed layer itself: a vector-valued `_vjp`.
#[differentiable(wrt(w, b))]
fn seed_layer(w: Matrix<f64, 16, 4>, b: Vector<f64, 4>, x: Vector<f64, 16>) -> Vector<f64, 4> {
    sigmoid(w.t() * x + b)
}

/// A rule of our own.
#[custom_vjp(softsign_vjp)]
fn softsign(x: f64) -> f64 {
    x / (1.0 + x.abs())
}

fn softsign_vjp(x: f64, _value: f64, g: f64) -> f64 {
    g / ((1.0 + x.abs()) * (1.0 + x.abs()))
}

/// Composition: calls into other differentiated functions and a custom rule.
#[differentiable]
fn composed(x: f64, y: f64) -> f64 {
    rosenbrock(x, y) * 0.01 + branchy(y, x) + softsign(x * y)
}

// ---------------------------------------------------------------------------
// The test.

/// Everything the region computes, checked after it closes.
struct Results {
    rosen: (f64, f64, f64),
    ext: (f64, [f64; 100]),
    prod: (f64, [f64; 12]),
    branch: [(f64, f64, f64); 4],
    soft: (f32, [f32; 8]),
    loss: (f64, Matrix<f64, 16, 4>, Vector<f64, 4>),
    layer: (Vector<f64, 4>, Matrix<f64, 16, 4>, Vector<f64, 4>),
    comp: (f64, f64, f64),
}

struct Inputs {
    ext: [f64; 100],
    prod: [f64; 12],
    soft: [f32; 8],
    w: Matrix<f64, 16, 4>,
    b: Vector<f64, 4>,
    x: Vector<f64, 16>,
    label: Vector<f64, 4>,
    seed: Vector<f64, 4>,
}

fn inputs() -> Inputs {
    let w: [[f64; 4]; 16] =
        core::array::from_fn(|i| core::array::from_fn(|j| ((i * 4 + j) as f64 * 0.37).sin() * 0.3));
    Inputs {
        ext: core::array::from_fn(|k| if k % 2 == 0 { -1.2 } else { 1.0 }),
        prod: core::array::from_fn(|k| 0.3 * k as f64 - 1.0),
        soft: core::array::from_fn(|k| k as f32 * 0.25 - 1.0),
        w: Matrix::from(w),
        b: Vector::from([0.1, -0.2, 0.05, 0.3]),
        x: Vector::from(core::array::from_fn(|i| (i as f64 * 0.7).cos())),
        label: Vector::from([1.0, 0.0, 0.0, 1.0]),
        seed: Vector::from([0.3, -1.0, 0.2, 0.5]),
    }
}

/// The region: generated gradients only.
fn run(p: &Inputs) -> Results {
    let p = black_box(p);
    Results {
        rosen: rosenbrock_grad(black_box(-1.2), black_box(1.0)),
        ext: ext_rosenbrock_grad(p.ext),
        prod: product_grad(p.prod),
        branch: [(2.0, 3.0), (2.0, -3.0), (-1.0, 0.5), (-1.0, -2.0)]
            .map(|(x, y)| branchy_grad(black_box(x), black_box(y))),
        soft: soft_abs_sum_grad(p.soft),
        loss: seed_loss_grad(p.w, p.b, p.x, p.label),
        layer: seed_layer_vjp(p.w, p.b, p.x, p.seed),
        comp: composed_grad(black_box(0.7), black_box(-1.3)),
    }
}

fn check(p: &Inputs, r: &Results) {
    assert_eq!(r.rosen.0, rosenbrock(-1.2, 1.0));
    assert!((r.rosen.1 - -215.6).abs() < 1e-12 && (r.rosen.2 - -88.0).abs() < 1e-12);
    assert_eq!(r.ext.0, ext_rosenbrock(p.ext));
    assert!((r.ext.1[0] - -215.6).abs() < 1e-12 && (r.ext.1[99] - -88.0).abs() < 1e-12);
    assert_eq!(r.prod.0, product(p.prod));
    assert_eq!(r.soft.0, soft_abs_sum(p.soft));
    assert_eq!(r.loss.0, seed_loss(p.w, p.b, p.x, p.label));
    assert_eq!(r.layer.0, seed_layer(p.w, p.b, p.x));
    assert_eq!(r.comp.0, composed(0.7, -1.3));
    // Spot-check a few partials against central differences.
    let h = 1e-6;
    let fd = |f: &dyn Fn(f64) -> f64| (f(h) - f(-h)) / (2.0 * h);
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()));
    for (k, &(x, y)) in [(2.0, 3.0), (2.0, -3.0), (-1.0, 0.5), (-1.0, -2.0)]
        .iter()
        .enumerate()
    {
        assert_eq!(r.branch[k].0, branchy(x, y));
        assert!(
            close(r.branch[k].1, fd(&|d| branchy(x + d, y))),
            "branchy dx at {k}"
        );
        assert!(
            close(r.branch[k].2, fd(&|d| branchy(x, y + d))),
            "branchy dy at {k}"
        );
    }
    let dprod = fd(&|d| {
        let mut q = p.prod;
        q[5] += d;
        product(q)
    });
    assert!(close(r.prod.1[5], dprod), "product d5");
    let db2 = fd(&|d| {
        let mut b = p.b;
        b[2] += d;
        seed_loss(p.w, b, p.x, p.label)
    });
    assert!(close(r.loss.2[2], db2), "seed_loss db2");
    let dw = fd(&|d| {
        let mut w = p.w;
        w[(7, 1)] += d;
        seed_loss(w, p.b, p.x, p.label)
    });
    assert!(close(r.loss.1[(7, 1)], dw), "seed_loss dw71");
    let dcx = fd(&|d| composed(0.7 + d, -1.3));
    assert!(close(r.comp.1, dcx), "composed dx");
}

// ---------------------------------------------------------------------------
// Forward mode.

/// Every `_jvp` the forward region computes.
struct Tangents {
    rosen: (f64, f64),
    ext: (f64, f64),
    prod: (f64, f64),
    branch: [(f64, f64); 4],
    soft: (f32, f32),
    loss: (f64, f64),
    layer: (Vector<f64, 4>, Vector<f64, 4>),
    comp: (f64, f64),
    projectile: [(f64, f64); 2],
    bench_layer: forward_problems::LayerGenTangent,
}

/// Directions: `(0.6, -0.8)` for the scalar pairs, and per array entry.
struct Directions {
    ext: [f64; 100],
    prod: [f64; 12],
    soft: [f32; 8],
    w: Matrix<f64, 16, 4>,
    b: Vector<f64, 4>,
    layer: forward_problems::LayerPoint,
    layer_sample: forward_problems::LayerSample,
}

const T2: (f64, f64) = (0.6, -0.8);
const BRANCH_POINTS: [(f64, f64); 4] = [(2.0, 3.0), (2.0, -3.0), (-1.0, 0.5), (-1.0, -2.0)];

fn directions() -> Directions {
    let w: [[f64; 4]; 16] =
        core::array::from_fn(|i| core::array::from_fn(|j| ((i * 4 + j) as f64 * 0.91).cos()));
    Directions {
        ext: core::array::from_fn(|k| (k as f64 * 0.3).sin()),
        prod: core::array::from_fn(|k| 1.0 - 0.1 * k as f64),
        soft: core::array::from_fn(|k| (k as f32 * 0.7).cos()),
        w: Matrix::from(w),
        b: Vector::from([0.5, 0.25, -1.0, 0.75]),
        layer: forward_problems::LayerPoint {
            w: core::array::from_fn(|i| core::array::from_fn(|j| (i as f64 - j as f64) * 0.05)),
            b: [0.1, -0.3, 0.2, 0.0],
        },
        layer_sample: forward_problems::LayerSample {
            x: core::array::from_fn(|i| i as f64 / 16.0),
            tw: w,
            tb: [1.0, -1.0, 0.5, 0.0],
        },
    }
}

/// The forward region: generated tangents only.
fn run_jvp(p: &Inputs, d: &Directions) -> Tangents {
    let (p, d) = (black_box(p), black_box(d));
    let (tx, ty) = (black_box(T2.0), black_box(T2.1));
    Tangents {
        rosen: rosenbrock_jvp(black_box(-1.2), black_box(1.0), tx, ty),
        ext: ext_rosenbrock_jvp(p.ext, d.ext),
        prod: product_jvp(p.prod, d.prod),
        branch: BRANCH_POINTS.map(|(x, y)| branchy_jvp(black_box(x), black_box(y), tx, ty)),
        soft: soft_abs_sum_jvp(p.soft, d.soft),
        loss: seed_loss_jvp(p.w, p.b, p.x, p.label, d.w, d.b),
        layer: seed_layer_jvp(p.w, p.b, p.x, d.w, d.b),
        comp: composed_jvp(black_box(0.7), black_box(-1.3), tx, ty),
        projectile: [(1.0, 0.0), (0.0, 1.0)]
            .map(|(a, b)| forward_problems::projectile_jvp(black_box(20.0), black_box(0.8), a, b)),
        bench_layer: forward_problems::layer_gen(&d.layer, &d.layer_sample),
    }
}

/// `⟨G, T⟩` of two matrices.
fn inner(a: Matrix<f64, 16, 4>, b: Matrix<f64, 16, 4>) -> f64 {
    let mut s = 0.0;
    for i in 0..16 {
        for j in 0..4 {
            s += a[(i, j)] * b[(i, j)];
        }
    }
    s
}

/// Each tangent against the gradient the other region computed:
/// `⟨∇f, t⟩`, or the adjoint identity for the vector-valued layer.
fn check_jvp(p: &Inputs, d: &Directions, g: &Results, t: &Tangents) {
    let close = |what: &str, a: f64, b: f64| {
        assert!(
            (a - b).abs() <= 1e-12 * (1.0 + a.abs().max(b.abs())),
            "{what}: {a} vs {b}"
        )
    };
    let dot = |g: &[f64], t: &[f64]| g.iter().zip(t).map(|(g, t)| g * t).sum::<f64>();
    assert_eq!(t.rosen.0, g.rosen.0);
    close("rosenbrock", t.rosen.1, g.rosen.1 * T2.0 + g.rosen.2 * T2.1);
    assert_eq!(t.ext.0, g.ext.0);
    close("ext_rosenbrock", t.ext.1, dot(&g.ext.1, &d.ext));
    assert_eq!(t.prod.0, g.prod.0);
    close("product", t.prod.1, dot(&g.prod.1, &d.prod));
    for k in 0..4 {
        assert_eq!(t.branch[k].0, g.branch[k].0);
        let want = g.branch[k].1 * T2.0 + g.branch[k].2 * T2.1;
        close(&format!("branchy {k}"), t.branch[k].1, want);
    }
    assert_eq!(t.soft.0, g.soft.0);
    let soft: f32 = g.soft.1.iter().zip(&d.soft).map(|(g, t)| g * t).sum();
    assert!(
        (t.soft.1 - soft).abs() <= 1e-5 * (1.0 + soft.abs()),
        "soft_abs_sum"
    );
    assert_eq!(t.loss.0, g.loss.0);
    close(
        "seed_loss",
        t.loss.1,
        inner(g.loss.1, d.w) + g.loss.2.dot(d.b),
    );
    assert_eq!(t.layer.0, g.layer.0);
    let lhs = t.layer.1.dot(p.seed);
    close(
        "seed_layer",
        lhs,
        inner(g.layer.1, d.w) + g.layer.2.dot(d.b),
    );
    assert_eq!(t.comp.0, g.comp.0);
    close("composed", t.comp.1, g.comp.1 * T2.0 + g.comp.2 * T2.1);
    let (v, gs, ga) = forward_problems::projectile_grad(20.0, 0.8);
    assert_eq!(t.projectile[0].0, v);
    close("projectile speed", t.projectile[0].1, gs);
    close("projectile angle", t.projectile[1].1, ga);
    let (a, da) = forward_problems::layer_hand(&d.layer, &d.layer_sample);
    for j in 0..4 {
        close("bench layer", t.bench_layer.0[j], a[j]);
        close("bench layer tangent", t.bench_layer.1[j], da[j]);
    }
}

#[test]
fn generated_tangents_do_not_allocate() {
    let (p, d) = (inputs(), directions());
    let g = run(&p);
    for round in 0..2 {
        let (t, n, bytes) = counted(|| run_jvp(&p, &d));
        assert_eq!(
            (n, bytes),
            (0, 0),
            "round {round}: generated tangents allocated {n} times ({bytes} bytes)"
        );
        check_jvp(&p, &d, &g, &t);
    }
}

#[test]
fn generated_gradients_do_not_allocate() {
    // The counter works: a box in a region is one allocation.
    let (_, n, bytes) = counted(|| black_box(Box::new(black_box(7u64))));
    assert_eq!((n, bytes), (1, 8), "the counting allocator itself");
    let (_, n, _) = counted(|| ());
    assert_eq!(n, 0, "an empty region");

    let p = inputs();
    for round in 0..2 {
        let (r, n, bytes) = counted(|| run(&p));
        assert_eq!(
            (n, bytes),
            (0, 0),
            "round {round}: generated gradients allocated {n} times ({bytes} bytes)"
        );
        check(&p, &r);
    }
}

/// Second order: `_hvp` and `_hessian` (through a branch, a loop, a kept
/// product), and the 100 × 100 Hessian of extended Rosenbrock,
/// written in place: no heap either.
#[test]
fn generated_second_order_does_not_allocate() {
    let p = inputs();
    let (x, y) = (-1.2, 1.0);
    for round in 0..2 {
        let (r, n, bytes) = counted(|| {
            (
                rosenbrock_hessian(black_box(x), black_box(y)),
                rosenbrock_hvp(black_box(x), black_box(y), 1.0, 0.5),
                branchy_hessian(black_box(x), black_box(y)),
                product_hessian(black_box(p.prod)),
                ext_rosenbrock_hessian(black_box(p.ext)),
            )
        });
        assert_eq!(
            (n, bytes),
            (0, 0),
            "round {round}: generated second order allocated {n} times ({bytes} bytes)"
        );
        let (hr, hv, _, hp, he) = r;
        let close = |what: &str, a: f64, b: f64| {
            assert!(
                (a - b).abs() <= 1e-12 * (1.0 + a.abs().max(b.abs())),
                "{what}: {a} vs {b}"
            );
        };
        close(
            "rosenbrock H00",
            hr.2[0][0],
            1200.0 * x * x - 400.0 * y + 2.0,
        );
        close("rosenbrock H01", hr.2[0][1], -400.0 * x);
        close("rosenbrock (Hv)0", hv.3, hr.2[0][0] + 0.5 * hr.2[0][1]);
        assert_eq!(hp.2[3][5], hp.2[5][3]);
        for i in 0..100 {
            for j in 0..100 {
                if i / 2 != j / 2 {
                    assert_eq!(
                        he.2[i][j], 0.0,
                        "ext_rosenbrock H[{i}][{j}] outside its blocks"
                    );
                }
            }
        }
    }
}
