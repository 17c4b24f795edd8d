//! Second order: the `f_hessian` and `f_hvp` that `#[differentiable]`
//! generates (forward over reverse: the reverse pass run on
//! `autodiff::Dual<f64>`), against a hand-written Hessian, num-dual's
//! `hessian` (`Dual2Vec`), and, for the Hessian-vector product, the
//! generated gradient `f_grad` and a hand-written value + gradient + H·v.
//!
//! Run: `cargo bench --bench hessian` (results and discussion:
//! BENCHMARKS.md, section "Second order").
//!
//! Problems: Rosenbrock (MGH 1, n = 2), Beale (MGH 5, n = 2), Wood (MGH 14,
//! n = 4), the same functions as `benches/mgh.rs` (`common/mgh_problems.rs`),
//! and extended Rosenbrock (MGH 21) as a loop over pairs of an array
//! parameter `[f64; N]` (as in `autodiff-macros/snapshots/loops.rs`) at
//! N = 10 and N = 100.
//!
//! The method is that of `benches/loops.rs` (`common/harness.rs`): every
//! method is its own `#[inline(never)]` kernel, the inputs and the result's
//! address go through `black_box`, a `throughput` group (independent calls)
//! and a `latency` group (each call waits for every float of the previous
//! result), and an `overhead` kernel that writes a result of the same shape.
//! **ns per call = divan's time / batch size** (the batch is in each
//! problem's module).
//!
//! Before anything is timed, `sanity_check` asserts, at the first points of
//! every batch, that the generated Hessian equals the hand-written one and
//! num-dual's to 1e-9 relative, entry by entry, that the generated
//! H·v equals the hand-written one and the hand-written Hessian times v, and
//! that the gradient part of `f_hvp` is `f_grad`'s; and `heap_check` counts
//! the heap allocations of one call of every kernel (a counting
//! `#[global_allocator]`, as in `tests/no_alloc.rs`), asserts 0 for the
//! generated and hand-written ones, and prints the counts.

// Hessians read best with indices.
#![allow(clippy::needless_range_loop)]

#[path = "common/drivers.rs"]
mod drivers;
#[path = "common/harness.rs"]
mod harness;
#[path = "common/mgh_problems.rs"]
mod mgh_problems;

use autodiff::differentiable;
use drivers::Rng;
use harness::{floats, AllF64};
use num_dual::{Dual2DVec64, Dual2SVec64, DualNum};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

fn main() {
    sanity_check();
    heap_check();
    // Sample counts are set per benchmark (`methods!` below); a command-line
    // `--sample-count` overrides them.
    divan::Divan::from_args().main();
}

// ---------------------------------------------------------------------------
// The counting allocator (as in `tests/no_alloc.rs`): allocations made by
// this thread while `COUNTING` is set. Outside `heap_check` the flag is
// off, and the allocator only forwards to `System` (one thread-local read
// per allocation; only num-dual's N = 100 kernel allocates).

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn note() {
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
    }
}

// SAFETY: every call is forwarded unchanged to `System`; the bookkeeping
// touches only an atomic and a const-initialised thread-local `Cell`.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        System.realloc(ptr, layout, new_size)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by one call of `f`.
fn allocations<R>(f: impl FnOnce() -> R) -> usize {
    let a0 = ALLOCATIONS.load(Ordering::SeqCst);
    COUNTING.with(|c| c.set(true));
    let r = f();
    COUNTING.with(|c| c.set(false));
    let a1 = ALLOCATIONS.load(Ordering::SeqCst);
    drop(std::hint::black_box(r));
    a1 - a0
}

// ---------------------------------------------------------------------------
// Shapes. Every kernel returns one of these, so the methods of a problem
// are compared on the same output.

/// Value, gradient, Hessian.
type Hess<const N: usize> = (f64, [f64; N], [[f64; N]; N]);
/// Value, gradient, H·v.
type Hvp<const N: usize> = (f64, [f64; N], [f64; N]);
/// Value, gradient.
type Grad<const N: usize> = (f64, [f64; N]);

/// `H v`.
fn mat_vec<const N: usize>(h: &[[f64; N]; N], v: &[f64; N]) -> [f64; N] {
    core::array::from_fn(|i| (0..N).map(|j| h[i][j] * v[j]).sum())
}

// ---------------------------------------------------------------------------
// The generated functions in array form.

use mgh_problems::{beale, rosenbrock, wood};
use mgh_problems::{beale_dual, rosenbrock_dual, wood_dual};
use mgh_problems::{beale_grad, beale_hessian, beale_hvp};
use mgh_problems::{rosenbrock_grad, rosenbrock_hessian, rosenbrock_hvp};
use mgh_problems::{wood_grad, wood_hessian, wood_hvp};

#[inline(always)]
fn rosenbrock_hessian_gen(x: &[f64; 2]) -> Hess<2> {
    rosenbrock_hessian(x[0], x[1])
}
#[inline(always)]
fn rosenbrock_hvp_gen((x, v): &([f64; 2], [f64; 2])) -> Hvp<2> {
    let (f, dx, dy, hx, hy) = rosenbrock_hvp(x[0], x[1], v[0], v[1]);
    (f, [dx, dy], [hx, hy])
}
#[inline(always)]
fn rosenbrock_grad_gen(x: &[f64; 2]) -> Grad<2> {
    let (f, dx, dy) = rosenbrock_grad(x[0], x[1]);
    (f, [dx, dy])
}

#[inline(always)]
fn beale_hessian_gen(x: &[f64; 2]) -> Hess<2> {
    beale_hessian(x[0], x[1])
}
#[inline(always)]
fn beale_hvp_gen((x, v): &([f64; 2], [f64; 2])) -> Hvp<2> {
    let (f, dx, dy, hx, hy) = beale_hvp(x[0], x[1], v[0], v[1]);
    (f, [dx, dy], [hx, hy])
}
#[inline(always)]
fn beale_grad_gen(x: &[f64; 2]) -> Grad<2> {
    let (f, dx, dy) = beale_grad(x[0], x[1]);
    (f, [dx, dy])
}

#[inline(always)]
fn wood_hessian_gen(x: &[f64; 4]) -> Hess<4> {
    wood_hessian(*x)
}
#[inline(always)]
fn wood_hvp_gen((x, v): &([f64; 4], [f64; 4])) -> Hvp<4> {
    wood_hvp(*x, *v)
}
#[inline(always)]
fn wood_grad_gen(x: &[f64; 4]) -> Grad<4> {
    wood_grad(*x)
}

/// Extended Rosenbrock (MGH 21), a loop over the pairs of an array
/// parameter, written as in `autodiff-macros/snapshots/loops.rs`.
#[differentiable]
pub fn ext_rosenbrock<const N: usize>(x: [f64; N]) -> f64 {
    let mut f = 0.0;
    for i in 0..N / 2 {
        let a = x[2 * i];
        let b = x[2 * i + 1];
        f += 100.0 * (b - a * a).powi(2) + (1.0 - a).powi(2);
    }
    f
}

#[inline(always)]
fn ext_rosenbrock_hessian_gen<const N: usize>(x: &[f64; N]) -> Hess<N> {
    ext_rosenbrock_hessian(*x)
}
#[inline(always)]
fn ext_rosenbrock_hvp_gen<const N: usize>((x, v): &([f64; N], [f64; N])) -> Hvp<N> {
    ext_rosenbrock_hvp(*x, *v)
}
#[inline(always)]
fn ext_rosenbrock_grad_gen<const N: usize>(x: &[f64; N]) -> Grad<N> {
    ext_rosenbrock_grad(*x)
}

// ---------------------------------------------------------------------------
// Hand-written value, gradient and Hessian (closed form), and value,
// gradient and H·v (the same entries, times v, without forming H).

/// `f = (1 - x)² + 100 (y - x²)²`, with `r = y - x²`:
/// `∇f = (-2(1 - x) - 400 x r, 200 r)`,
/// `H = [[2 - 400 r + 800 x², -400 x], [-400 x, 200]]`.
#[inline(always)]
fn rosenbrock_hessian_hand(p: &[f64; 2]) -> Hess<2> {
    let [x, y] = *p;
    let u = 1.0 - x;
    let r = y - x * x;
    let gr = 200.0 * r;
    let f = u * u + 100.0 * (r * r);
    let hxy = -400.0 * x;
    let hxx = 2.0 - 400.0 * r + 800.0 * (x * x);
    (f, [-2.0 * (u + x * gr), gr], [[hxx, hxy], [hxy, 200.0]])
}

#[inline(always)]
fn rosenbrock_hvp_hand((p, v): &([f64; 2], [f64; 2])) -> Hvp<2> {
    let [x, y] = *p;
    let u = 1.0 - x;
    let r = y - x * x;
    let gr = 200.0 * r;
    let f = u * u + 100.0 * (r * r);
    let hxy = -400.0 * x;
    let hxx = 2.0 - 400.0 * r + 800.0 * (x * x);
    (
        f,
        [-2.0 * (u + x * gr), gr],
        [hxx * v[0] + hxy * v[1], hxy * v[0] + 200.0 * v[1]],
    )
}

/// Beale's residuals `a = 1.5 - x + xy`, `b = 2.25 - x + xy²`,
/// `c = 2.625 - x + xy³`, `f = a² + b² + c²`, so
/// `H = 2 Σ (∇r ∇rᵀ + r ∇²r)` with `∇a = (y - 1, x)`, `∇b = (y² - 1, 2xy)`,
/// `∇c = (y³ - 1, 3xy²)`, `∇²a = [[0, 1], [1, 0]]`,
/// `∇²b = [[0, 2y], [2y, 2x]]`, `∇²c = [[0, 3y²], [3y², 6xy]]`.
#[inline(always)]
fn beale_parts(p: &[f64; 2]) -> (f64, [f64; 2], [f64; 3]) {
    let [x, y] = *p;
    let y2 = y * y;
    let y3 = y2 * y;
    let xy = x * y;
    let xy2 = xy * y;
    let a = 1.5 - x + xy;
    let b = 2.25 - x + xy2;
    let c = 2.625 - x + xy2 * y;
    let f = a * a + b * b + c * c;
    let (ax, ay) = (y - 1.0, x);
    let (bx, by) = (y2 - 1.0, 2.0 * xy);
    let (cx, cy) = (y3 - 1.0, 3.0 * xy2);
    let g = [
        2.0 * (a * ax + b * bx + c * cx),
        2.0 * (a * ay + b * by + c * cy),
    ];
    let hxx = 2.0 * (ax * ax + bx * bx + cx * cx);
    let hxy = 2.0 * (ax * ay + bx * by + cx * cy + a + 2.0 * (b * y) + 3.0 * (c * y2));
    let hyy = 2.0 * (ay * ay + by * by + cy * cy + 2.0 * (b * x) + 6.0 * (c * xy));
    (f, g, [hxx, hxy, hyy])
}

#[inline(always)]
fn beale_hessian_hand(p: &[f64; 2]) -> Hess<2> {
    let (f, g, [hxx, hxy, hyy]) = beale_parts(p);
    (f, g, [[hxx, hxy], [hxy, hyy]])
}

#[inline(always)]
fn beale_hvp_hand((p, v): &([f64; 2], [f64; 2])) -> Hvp<2> {
    let (f, g, [hxx, hxy, hyy]) = beale_parts(p);
    (f, g, [hxx * v[0] + hxy * v[1], hxy * v[0] + hyy * v[1]])
}

/// Wood, with `r1 = x2 - x1²`, `r2 = x4 - x3²`: the nonzero entries are
/// `H11 = 2 - 400 r1 + 800 x1²`, `H12 = -400 x1`, `H22 = 220.2`,
/// `H24 = 19.8`, `H33 = 2 - 360 r2 + 720 x3²`, `H34 = -360 x3`,
/// `H44 = 200.2`.
#[inline(always)]
fn wood_parts(p: &[f64; 4]) -> (f64, [f64; 4], [f64; 4]) {
    let [x1, _, x3, _] = *p;
    let (f, g) = mgh_problems::wood_hand(*p);
    let r1 = p[1] - x1 * x1;
    let r2 = p[3] - x3 * x3;
    let h11 = 2.0 - 400.0 * r1 + 800.0 * (x1 * x1);
    let h12 = -400.0 * x1;
    let h33 = 2.0 - 360.0 * r2 + 720.0 * (x3 * x3);
    let h34 = -360.0 * x3;
    (f, g, [h11, h12, h33, h34])
}

#[inline(always)]
fn wood_hessian_hand(p: &[f64; 4]) -> Hess<4> {
    let (f, g, [h11, h12, h33, h34]) = wood_parts(p);
    (
        f,
        g,
        [
            [h11, h12, 0.0, 0.0],
            [h12, 220.2, 0.0, 19.8],
            [0.0, 0.0, h33, h34],
            [0.0, 19.8, h34, 200.2],
        ],
    )
}

#[inline(always)]
fn wood_hvp_hand((p, v): &([f64; 4], [f64; 4])) -> Hvp<4> {
    let (f, g, [h11, h12, h33, h34]) = wood_parts(p);
    (
        f,
        g,
        [
            h11 * v[0] + h12 * v[1],
            h12 * v[0] + 220.2 * v[1] + 19.8 * v[3],
            h33 * v[2] + h34 * v[3],
            19.8 * v[1] + h34 * v[2] + 200.2 * v[3],
        ],
    )
}

/// Extended Rosenbrock: the Hessian is block diagonal, one 2×2 block per
/// pair `(a, b)` = `(x_{2i}, x_{2i+1})`, the Rosenbrock Hessian of the pair.
/// The blocks are written into a zeroed `[[f64; N]; N]`, returned by value
/// (written in place in the result, as the generated function does).
#[inline(always)]
fn ext_rosenbrock_hessian_hand<const N: usize>(x: &[f64; N]) -> Hess<N> {
    assert!(N % 2 == 0);
    let mut out: Hess<N> = (0.0, [0.0; N], [[0.0; N]; N]);
    let mut f = 0.0;
    for i in 0..N / 2 {
        let (k, l) = (2 * i, 2 * i + 1);
        let (a, b) = (x[k], x[l]);
        let r = b - a * a;
        let u = 1.0 - a;
        f += 100.0 * (r * r) + u * u;
        let gr = 200.0 * r;
        out.1[k] = -2.0 * (a * gr + u);
        out.1[l] = gr;
        let hab = -400.0 * a;
        out.2[k][k] = 2.0 - 400.0 * r + 800.0 * (a * a);
        out.2[k][l] = hab;
        out.2[l][k] = hab;
        out.2[l][l] = 200.0;
    }
    out.0 = f;
    out
}

#[inline(always)]
fn ext_rosenbrock_hvp_hand<const N: usize>((x, v): &([f64; N], [f64; N])) -> Hvp<N> {
    assert!(N % 2 == 0);
    let mut out: Hvp<N> = (0.0, [0.0; N], [0.0; N]);
    let mut f = 0.0;
    for i in 0..N / 2 {
        let (k, l) = (2 * i, 2 * i + 1);
        let (a, b) = (x[k], x[l]);
        let r = b - a * a;
        let u = 1.0 - a;
        f += 100.0 * (r * r) + u * u;
        let gr = 200.0 * r;
        out.1[k] = -2.0 * (a * gr + u);
        out.1[l] = gr;
        let hab = -400.0 * a;
        let haa = 2.0 - 400.0 * r + 800.0 * (a * a);
        out.2[k] = haa * v[k] + hab * v[l];
        out.2[l] = hab * v[k] + 200.0 * v[l];
    }
    out.0 = f;
    out
}

/// Extended Rosenbrock's Hessian from two generated `_hvp` calls, one per
/// colour of the block-diagonal pattern: with `e = (1, 0, 1, 0, …)`,
/// `(H e)[k] = H[k][2i]` and `(H o)[k] = H[k][2i + 1]` for `k` in block `i`.
/// Not what the macro does: a diagnostic of what sparsity would give.
#[inline(always)]
fn ext_rosenbrock_hessian_colored<const N: usize>(x: &[f64; N]) -> Hess<N> {
    assert!(N % 2 == 0);
    let e: [f64; N] = core::array::from_fn(|i| ((i + 1) % 2) as f64);
    let o: [f64; N] = core::array::from_fn(|i| (i % 2) as f64);
    let mut out: Hess<N> = (0.0, [0.0; N], [[0.0; N]; N]);
    let (f, g, he) = ext_rosenbrock_hvp(*x, e);
    let (_, _, ho) = ext_rosenbrock_hvp(*x, o);
    out.0 = f;
    out.1 = g;
    for i in 0..N / 2 {
        let (k, l) = (2 * i, 2 * i + 1);
        out.2[k][k] = he[k];
        out.2[l][k] = he[l];
        out.2[k][l] = he[l];
        out.2[l][l] = ho[l];
    }
    out
}

// ---------------------------------------------------------------------------
// num-dual: `num_dual::hessian`, one pass with `Dual2Vec` numbers (each
// carries the value, the gradient and the Hessian in the N inputs).

/// `num_dual::hessian` with statically sized `Dual2SVec64<N>` (no heap).
#[inline(always)]
fn num_dual_hessian_static<const N: usize>(
    f: impl FnOnce(&[Dual2SVec64<N>]) -> Dual2SVec64<N>,
    p: &[f64; N],
) -> Hess<N> {
    let (v, g, h) = num_dual::hessian(|x| -> Dual2SVec64<N> { f(x.as_slice()) }, (*p).into());
    (
        v,
        core::array::from_fn(|i| g[i]),
        core::array::from_fn(|i| core::array::from_fn(|j| h[(i, j)])),
    )
}

/// `num_dual::hessian` with dynamically sized `Dual2DVec64` (heap): each
/// `Dual2SVec64<100>` would hold a 100 × 100 Hessian inline (80 KB), and
/// the input vector of 100 of them 8 MB, more than a thread's stack.
#[inline(always)]
fn num_dual_hessian_dyn<const N: usize>(
    f: impl FnOnce(&[Dual2DVec64]) -> Dual2DVec64,
    p: &[f64; N],
) -> Hess<N> {
    let (v, g, h) = num_dual::hessian(|x| -> Dual2DVec64 { f(x.as_slice()) }, p.to_vec().into());
    (
        v,
        core::array::from_fn(|i| g[i]),
        core::array::from_fn(|i| core::array::from_fn(|j| h[(i, j)])),
    )
}

/// Extended Rosenbrock over num-dual numbers (which need not be `Copy`).
#[inline(always)]
fn ext_rosenbrock_dual<D: DualNum<f64>>(x: &[D]) -> D {
    let mut f = D::zero();
    for i in 0..x.len() / 2 {
        let (a, b) = (x[2 * i].clone(), x[2 * i + 1].clone());
        f += (b - a.clone() * &a).powi(2) * 100.0 + (-a + 1.0).powi(2);
    }
    f
}

// ---------------------------------------------------------------------------
// The problems.

/// Points `x` and directions `v`.
fn points<const N: usize>(n: usize, lo: f64, hi: f64, seed: u64) -> Vec<[f64; N]> {
    let mut rng = Rng::new(seed);
    (0..n).map(|_| rng.array(lo, hi)).collect()
}

fn points_and_directions<const N: usize>(
    n: usize,
    lo: f64,
    hi: f64,
    seed: u64,
) -> Vec<([f64; N], [f64; N])> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| (rng.array(lo, hi), rng.array(-1.0, 1.0)))
        .collect()
}

/// One problem: a `hessian` module (generated, hand-written, num-dual,
/// overhead) and an `hvp` module (generated `_hvp`, generated `_grad`,
/// hand-written H·v, overhead), each with `throughput` and `latency`
/// groups.
macro_rules! problem {
    (
        $name:ident, $n:expr, batch = $batch:expr, range = ($lo:expr, $hi:expr), seed = $seed:expr,
        samples = ($fast:expr, $slow:expr),
        hessian = $hess:expr, hessian_hand = $hess_hand:expr, hessian_num_dual = $hess_dual:expr,
        hvp = $hvp:expr, grad = $grad:expr, hvp_hand = $hvp_hand:expr
        $(, colored = $colored:expr)? $(,)?
    ) => {
        mod $name {
            use super::*;

            pub const N: usize = $n;
            type X = [f64; N];

            pub mod hessian {
                use super::*;

                pub fn params() {}

                pub fn samples() -> Vec<X> {
                    points::<N>($batch, $lo, $hi, $seed)
                }

                #[inline(never)]
                pub fn generated(_: &(), x: &X) -> Hess<N> {
                    ($hess)(x)
                }

                #[inline(never)]
                pub fn hand_written(_: &(), x: &X) -> Hess<N> {
                    ($hess_hand)(x)
                }

                #[inline(never)]
                pub fn num_dual(_: &(), x: &X) -> Hess<N> {
                    ($hess_dual)(x)
                }

                /// The harness alone: reads the point, writes a result of
                /// the same shape.
                #[inline(never)]
                pub fn overhead(_: &(), x: &X) -> Hess<N> {
                    (x[0], *x, [*x; N])
                }

                harness::bench_groups!(
                    generated(sample_count = $fast),
                    hand_written(sample_count = $fast),
                    num_dual(sample_count = $slow),
                    overhead(sample_count = $fast),
                );
            }

            $(
            /// Not a method: the Hessian from two generated `_hvp` calls
            /// with the seeds `(1, 0, 1, 0, …)` and `(0, 1, 0, 1, …)`,
            /// knowing the 2 × 2 block structure (a two-colouring of the
            /// sparsity pattern). What exploiting the sparsity would give.
            pub mod colored {
                use super::*;

                pub fn params() {}

                pub fn samples() -> Vec<X> {
                    points::<N>($batch, $lo, $hi, $seed)
                }

                #[inline(never)]
                pub fn two_hvps(_: &(), x: &X) -> Hess<N> {
                    ($colored)(x)
                }

                harness::bench_groups!(two_hvps(sample_count = $fast));
            }
            )?

            pub mod hvp {
                use super::*;

                pub fn params() {}

                pub fn samples() -> Vec<(X, X)> {
                    points_and_directions::<N>($batch, $lo, $hi, $seed)
                }

                /// `f_hvp`: value, gradient and H·v in one lifted pass.
                #[inline(never)]
                pub fn generated(_: &(), s: &(X, X)) -> Hvp<N> {
                    ($hvp)(s)
                }

                /// `f_grad` at the same point (the direction unused): the
                /// cost HVP is compared with.
                #[inline(never)]
                pub fn gradient(_: &(), s: &(X, X)) -> Grad<N> {
                    ($grad)(&s.0)
                }

                #[inline(never)]
                pub fn hand_written(_: &(), s: &(X, X)) -> Hvp<N> {
                    ($hvp_hand)(s)
                }

                #[inline(never)]
                pub fn overhead(_: &(), s: &(X, X)) -> Hvp<N> {
                    (s.0[0], s.0, s.1)
                }

                harness::bench_groups!(
                    generated(sample_count = $fast),
                    gradient(sample_count = $fast),
                    hand_written(sample_count = $fast),
                    overhead(sample_count = $fast),
                );
            }
        }
    };
}

problem!(
    rosenbrock,
    2,
    batch = 256,
    range = (-3.0, 3.0),
    seed = 1,
    samples = (5000, 5000),
    hessian = rosenbrock_hessian_gen,
    hessian_hand = rosenbrock_hessian_hand,
    hessian_num_dual = |x| num_dual_hessian_static(|x| rosenbrock_dual(x[0], x[1]), x),
    hvp = rosenbrock_hvp_gen,
    grad = rosenbrock_grad_gen,
    hvp_hand = rosenbrock_hvp_hand,
);

problem!(
    beale,
    2,
    batch = 256,
    range = (-4.5, 4.5),
    seed = 5,
    samples = (5000, 5000),
    hessian = beale_hessian_gen,
    hessian_hand = beale_hessian_hand,
    hessian_num_dual = |x| num_dual_hessian_static(|x| beale_dual(x[0], x[1]), x),
    hvp = beale_hvp_gen,
    grad = beale_grad_gen,
    hvp_hand = beale_hvp_hand,
);

problem!(
    wood,
    4,
    batch = 256,
    range = (-3.0, 3.0),
    seed = 14,
    samples = (5000, 5000),
    hessian = wood_hessian_gen,
    hessian_hand = wood_hessian_hand,
    hessian_num_dual = |x| num_dual_hessian_static(|x| wood_dual([x[0], x[1], x[2], x[3]]), x),
    hvp = wood_hvp_gen,
    grad = wood_grad_gen,
    hvp_hand = wood_hvp_hand,
);

problem!(
    ext_rosenbrock_10,
    10,
    batch = 64,
    range = (-2.0, 2.0),
    seed = 21,
    samples = (2000, 500),
    hessian = ext_rosenbrock_hessian_gen::<10>,
    hessian_hand = ext_rosenbrock_hessian_hand::<10>,
    hessian_num_dual = |x| num_dual_hessian_static(ext_rosenbrock_dual, x),
    hvp = ext_rosenbrock_hvp_gen::<10>,
    grad = ext_rosenbrock_grad_gen::<10>,
    hvp_hand = ext_rosenbrock_hvp_hand::<10>,
    colored = ext_rosenbrock_hessian_colored::<10>,
);

problem!(
    ext_rosenbrock_100,
    100,
    batch = 16,
    range = (-2.0, 2.0),
    seed = 22,
    samples = (300, 10),
    hessian = ext_rosenbrock_hessian_gen::<100>,
    hessian_hand = ext_rosenbrock_hessian_hand::<100>,
    hessian_num_dual = |x| num_dual_hessian_dyn(ext_rosenbrock_dual, x),
    hvp = ext_rosenbrock_hvp_gen::<100>,
    grad = ext_rosenbrock_grad_gen::<100>,
    hvp_hand = ext_rosenbrock_hvp_hand::<100>,
    colored = ext_rosenbrock_hessian_colored::<100>,
);

// ---------------------------------------------------------------------------
// Checks before timing.

/// Entry by entry, `|a - b| ≤ rel · max(|a|, |b|) + 1e-12 · scale`, the
/// scale being the largest magnitude in `want` (the small absolute term
/// only admits the rounding of entries that cancel to about 0). Returns the
/// first entry that differs.
fn close(got: &[f64], want: &[f64], rel: f64) -> Result<(), usize> {
    assert_eq!(got.len(), want.len());
    let scale = want.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    for (i, (&a, &b)) in got.iter().zip(want).enumerate() {
        // Written so that a NaN on either side fails.
        let within = (a - b).abs() <= rel * a.abs().max(b.abs()) + 1e-12 * scale;
        if !within {
            return Err(i);
        }
    }
    Ok(())
}

#[track_caller]
fn agree<R: AllF64>(what: &str, got: &R, want: &R, rel: f64) {
    let (got, want) = (floats(got), floats(want));
    if let Err(i) = close(got, want, rel) {
        panic!(
            "{what}: entry {i} differs: {} vs {} (rel {rel:e})",
            got[i], want[i]
        );
    }
}

/// Refuses to time Hessians or HVPs that disagree: at the first points of
/// each batch, generated = hand-written = num-dual (Hessian, 1e-9 relative,
/// entry by entry: [`close`]), generated H·v = hand-written = (hand-written H)·v,
/// the gradient of `_hvp` = `_grad`, and every value = the function's own.
fn sanity_check() {
    macro_rules! check {
        ($p:ident, $f:expr) => {{
            use $p::{hessian as h, hvp as v};
            for x in h::samples().iter().take(8) {
                let g = h::generated(&(), x);
                agree(
                    concat!(stringify!($p), " hessian hand"),
                    &g,
                    &h::hand_written(&(), x),
                    1e-9,
                );
                agree(
                    concat!(stringify!($p), " hessian num-dual"),
                    &g,
                    &h::num_dual(&(), x),
                    1e-9,
                );
                assert_eq!(g.0, ($f)(x), concat!(stringify!($p), " value"));
                // Exactly symmetric, as documented.
                for i in 0..$p::N {
                    for j in 0..$p::N {
                        assert_eq!(g.2[i][j].to_bits(), g.2[j][i].to_bits());
                    }
                }
            }
            for s in v::samples().iter().take(8) {
                let g = v::generated(&(), s);
                agree(
                    concat!(stringify!($p), " hvp hand"),
                    &g,
                    &v::hand_written(&(), s),
                    1e-9,
                );
                let hand = h::hand_written(&(), &s.0);
                let hv = (hand.0, hand.1, mat_vec(&hand.2, &s.1));
                agree(concat!(stringify!($p), " hvp = H v"), &g, &hv, 1e-9);
                let grad = v::gradient(&(), s);
                agree(
                    concat!(stringify!($p), " hvp gradient"),
                    &(g.0, g.1),
                    &grad,
                    1e-12,
                );
            }
        }};
    }
    check!(rosenbrock, |x: &[f64; 2]| rosenbrock(x[0], x[1]));
    check!(beale, |x: &[f64; 2]| beale(x[0], x[1]));
    check!(wood, |x: &[f64; 4]| wood(*x));
    check!(ext_rosenbrock_10, |x: &[f64; 10]| ext_rosenbrock(*x));
    check!(ext_rosenbrock_100, |x: &[f64; 100]| ext_rosenbrock(*x));
    for x in ext_rosenbrock_10::colored::samples().iter().take(8) {
        let h = ext_rosenbrock_10::hessian::generated(&(), x);
        agree(
            "colored 10",
            &ext_rosenbrock_10::colored::two_hvps(&(), x),
            &h,
            1e-9,
        );
    }
    for x in ext_rosenbrock_100::colored::samples().iter().take(8) {
        let h = ext_rosenbrock_100::hessian::generated(&(), x);
        agree(
            "colored 100",
            &ext_rosenbrock_100::colored::two_hvps(&(), x),
            &h,
            1e-9,
        );
    }
    // The comparison can fail: one Hessian entry off by 1e-8 relative.
    let x = ext_rosenbrock_10::hessian::samples()[0];
    let mut bad = ext_rosenbrock_10::hessian::hand_written(&(), &x);
    bad.2[3][3] *= 1.0 + 1e-8;
    let good = ext_rosenbrock_10::hessian::generated(&(), &x);
    assert!(close(floats(&good), floats(&bad), 1e-9).is_err());
}

/// Heap allocations of one call of each kernel (after a warm-up call):
/// 0 for everything generated or hand-written; printed for all.
fn heap_check() {
    let mut report = Vec::new();
    macro_rules! count {
        ($p:ident) => {{
            use $p::{hessian as h, hvp as v};
            let x = h::samples()[0];
            let s = v::samples()[0];
            let counts = [
                (
                    "hessian generated",
                    allocations(|| h::generated(&(), &x)),
                    true,
                ),
                (
                    "hessian hand_written",
                    allocations(|| h::hand_written(&(), &x)),
                    true,
                ),
                (
                    "hessian num_dual",
                    allocations(|| h::num_dual(&(), &x)),
                    false,
                ),
                ("hvp generated", allocations(|| v::generated(&(), &s)), true),
                ("hvp gradient", allocations(|| v::gradient(&(), &s)), true),
                (
                    "hvp hand_written",
                    allocations(|| v::hand_written(&(), &s)),
                    true,
                ),
            ];
            for (what, n, must_be_zero) in counts {
                assert!(
                    !must_be_zero || n == 0,
                    "{}: {what} allocated {n} times",
                    stringify!($p)
                );
                report.push(format!("{}::{what}: {n}", stringify!($p)));
            }
        }};
    }
    // Twice, so that a lazy one-time allocation cannot hide behind the
    // first round.
    for _ in 0..2 {
        report.clear();
        count!(rosenbrock);
        count!(beale);
        count!(wood);
        count!(ext_rosenbrock_10);
        count!(ext_rosenbrock_100);
    }
    println!("heap allocations per call (counting allocator):");
    for line in report {
        println!("  {line}");
    }
}
