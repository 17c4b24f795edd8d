//! The measuring loops of `benches/loops.rs` and `benches/models.rs`: the
//! method of `benches/mgh.rs`, for kernels whose inputs and outputs are
//! arrays of tens to thousands of floats.
//!
//! * Every method is its own `#[inline(never)] fn(&P, &S) -> R`: `P` the
//!   parameters (the same for every call, as within a training batch), `S`
//!   one point or sample, `R` the value and the whole gradient.
//! * One benchmark iteration calls the method once for each of a fixed batch
//!   of samples; divan reports the time of the iteration, so **ns per call =
//!   time / batch** (the `item/s` line is that number inverted).
//! * **throughput**: the calls are independent. The addresses of the
//!   parameters and the sample go through `black_box`, and so does the
//!   address of the result (`black_box(&r)`: the result must be in memory
//!   in full, but it is not copied or re-read, so no store-forwarding stall
//!   is charged to the kernel that writes it in smaller pieces).
//! * **latency**: the index of the next sample depends on every float of
//!   the result (`i + (0 · Σ r) as usize`, always `i`, opaque to the
//!   compiler), so each call starts only after the previous one has produced
//!   its whole result. The sum runs over 8 independent partial sums (depth
//!   `len/8`), and the `overhead` kernel pays it too.
//! * `overhead`: a kernel with the same signature that only copies its
//!   input into a result of the same shape: the call, `black_box`, writing
//!   the result (and, in latency, summing it).

#![allow(dead_code)]

use divan::black_box;

/// Types made only of `f64`s (scalars, arrays of them and tuples of those),
/// which therefore have no padding and can be read as a `[f64]`.
///
/// # Safety
///
/// Implement only for types whose every byte belongs to an `f64` field.
pub unsafe trait AllF64: Sized {}

unsafe impl AllF64 for f64 {}
unsafe impl<T: AllF64, const N: usize> AllF64 for [T; N] {}
unsafe impl<A: AllF64, B: AllF64> AllF64 for (A, B) {}
unsafe impl<A: AllF64, B: AllF64, C: AllF64> AllF64 for (A, B, C) {}
unsafe impl<A: AllF64, B: AllF64, C: AllF64, D: AllF64, E: AllF64> AllF64 for (A, B, C, D, E) {}
// `Matrix` and `Vector` are single-field newtypes over `[[f64; C]; R]` and
// `[f64; N]` (checked below: same size as the array, so no padding).
unsafe impl<const R: usize, const C: usize> AllF64 for autodiff::Matrix<f64, R, C> {}
unsafe impl<const N: usize> AllF64 for autodiff::Vector<f64, N> {}
const _: () = assert!(core::mem::size_of::<autodiff::Matrix<f64, 3, 5>>() == 3 * 5 * 8);
const _: () = assert!(core::mem::size_of::<autodiff::Vector<f64, 7>>() == 7 * 8);

/// The floats of `r`, in memory order.
#[inline(always)]
pub fn floats<R: AllF64>(r: &R) -> &[f64] {
    assert!(core::mem::size_of::<R>() % 8 == 0 && core::mem::align_of::<R>() == 8);
    // SAFETY: `R: AllF64` is made only of `f64`s, so it has no padding, is
    // 8-aligned and `size_of::<R>() / 8` consecutive initialised `f64`s.
    unsafe {
        core::slice::from_raw_parts((r as *const R).cast::<f64>(), core::mem::size_of::<R>() / 8)
    }
}

/// `Σ v` with 8 independent partial sums (a dependency chain of `len/8`
/// additions instead of `len`).
#[inline(always)]
pub fn checksum(v: &[f64]) -> f64 {
    let mut acc = [0.0; 8];
    let chunks = v.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for (a, &x) in acc.iter_mut().zip(c) {
            *a += x;
        }
    }
    for (a, &x) in acc.iter_mut().zip(rest) {
        *a += x;
    }
    ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
}

/// A kernel as benchmarked.
pub type Kernel<P, S, R> = fn(&P, &S) -> R;

/// One call per sample, the calls independent.
#[inline(always)]
pub fn throughput<P, S, R>(bencher: divan::Bencher, params: &P, samples: &[S], f: Kernel<P, S, R>) {
    bencher
        .counter(divan::counter::ItemsCount::new(samples.len()))
        .bench_local(|| {
            for s in samples {
                let r = f(black_box(params), black_box(s));
                black_box(&r);
            }
        });
}

/// One call per sample, each waiting for every output of the previous one.
#[inline(always)]
pub fn latency<P, S, R: AllF64>(
    bencher: divan::Bencher,
    params: &P,
    samples: &[S],
    f: Kernel<P, S, R>,
) {
    assert!(samples.len().is_power_of_two());
    let mask = samples.len() - 1;
    bencher
        .counter(divan::counter::ItemsCount::new(samples.len()))
        .bench_local(|| {
            let mut skip = 0usize;
            for i in 0..samples.len() {
                let r = f(black_box(params), black_box(&samples[(i + skip) & mask]));
                let s = checksum(floats(black_box(&r)));
                skip = (0.0 * s) as usize;
            }
            black_box(skip);
        });
}

/// The `throughput` and `latency` groups of one problem. The enclosing
/// module must define `params()`, `samples()` and one kernel per method
/// name; `name(divan options)` passes options to `#[divan::bench]`.
///
/// `clippy::incompatible_msrv` is allowed on the two modules because
/// `#[divan::bench(options)]` expands to items stable since Rust 1.80; the
/// benchmarks need 1.80 anyway (divan's own `rust-version`), only the library
/// keeps the 1.75 MSRV.
macro_rules! bench_groups {
    ($($method:ident $(($($opt:tt)*))?),* $(,)?) => {
        #[allow(clippy::incompatible_msrv)]
        mod throughput {
            $(
                #[divan::bench$(($($opt)*))?]
                fn $method(b: divan::Bencher) {
                    let (p, s) = (super::params(), super::samples());
                    $crate::harness::throughput(b, &p, &s, super::$method)
                }
            )*
        }
        #[allow(clippy::incompatible_msrv)]
        mod latency {
            $(
                #[divan::bench$(($($opt)*))?]
                fn $method(b: divan::Bencher) {
                    let (p, s) = (super::params(), super::samples());
                    $crate::harness::latency(b, &p, &s, super::$method)
                }
            )*
        }
    };
}
pub(crate) use bench_groups;
