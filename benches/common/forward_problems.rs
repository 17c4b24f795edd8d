//! Forward mode: the problems of `benches/forward.rs`, each as the function
//! a user writes under `#[differentiable]` (whose generated `_jvp` is
//! benchmarked) and a hand-written tangent: value and directional
//! derivative in one pass, as a careful person writes it (the chain rule on
//! each intermediate, shared subexpressions computed once). Shared by
//! `benches/forward.rs`, `tests/suite/bench_forward.rs` and
//! `tests/no_alloc.rs` (via `#[path]`), so what is benchmarked is what is
//! tested.
//!
//! * Rosenbrock and Wood (MGH 1 and 14) and extended Rosenbrock (MGH 21,
//!   n = 100, a `for` loop), written exactly as in `mgh_problems.rs` and
//!   `loops_problems.rs`;
//! * the seed layer `σ(Wᵀx + b)` with `Matrix`/`Vector` (16 × 4, as in
//!   `models_problems.rs`), tangent with respect to `W` and `b`;
//! * a projectile: 200 explicit Euler steps with quadratic drag from a
//!   launch speed and angle, returning the final height. Its full gradient
//!   five ways: two `_jvp` calls, the reverse `_grad`, num-dual (`Dual64`
//!   ×2 and `gradient`), a hand-written tangent ×2, and a hand-written
//!   tangent carrying both directions in one pass.

#![allow(dead_code)]

use autodiff::{differentiable, sigmoid, Matrix, Vector};
use num_dual::{Dual64, DualNum, DualSVec64};

// ---------------------------------------------------------------------------
// MGH 1: Rosenbrock, f = (1 - x)² + 100 (y - x²)².
// ---------------------------------------------------------------------------

/// As in `mgh_problems.rs`.
#[differentiable]
pub fn rosenbrock(x: f64, y: f64) -> f64 {
    (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
}

/// The generated tangent at `p` in direction `t`: `(f, ⟨∇f, t⟩)`.
#[inline]
pub fn rosenbrock_gen(p: &[f64; 2], t: &[f64; 2]) -> (f64, f64) {
    rosenbrock_jvp(p[0], p[1], t[0], t[1])
}

/// With `a = 1 - x`, `b = y - x²`: `ȧ = -ẋ`, `ḃ = ẏ - 2xẋ`,
/// `ḟ = 2aȧ + 200bḃ`.
#[inline]
pub fn rosenbrock_hand(p: &[f64; 2], t: &[f64; 2]) -> (f64, f64) {
    let ([x, y], [tx, ty]) = (*p, *t);
    let a = 1.0 - x;
    let b = y - x * x;
    let db = ty - 2.0 * x * tx;
    (a * a + 100.0 * (b * b), 200.0 * b * db - 2.0 * a * tx)
}

/// The reverse-mode gradient, for the checks.
pub fn rosenbrock_gradient(p: &[f64; 2]) -> (f64, [f64; 2]) {
    let (v, dx, dy) = rosenbrock_grad(p[0], p[1]);
    (v, [dx, dy])
}

// ---------------------------------------------------------------------------
// MGH 14: Wood, n = 4.
// ---------------------------------------------------------------------------

/// As in `mgh_problems.rs`.
#[differentiable]
pub fn wood(x: [f64; 4]) -> f64 {
    100.0 * (x[1] - x[0] * x[0]).powi(2)
        + (1.0 - x[0]).powi(2)
        + 90.0 * (x[3] - x[2] * x[2]).powi(2)
        + (1.0 - x[2]).powi(2)
        + 10.1 * ((x[1] - 1.0).powi(2) + (x[3] - 1.0).powi(2))
        + 19.8 * (x[1] - 1.0) * (x[3] - 1.0)
}

#[inline]
pub fn wood_gen(p: &[f64; 4], t: &[f64; 4]) -> (f64, f64) {
    wood_jvp(*p, *t)
}

/// With `r₁ = x₂ - x₁²`, `r₂ = x₄ - x₃²`, `u₁ = 1 - x₁`, `u₃ = 1 - x₃`,
/// `s₂ = x₂ - 1`, `s₄ = x₄ - 1`: `ṙ₁ = ẋ₂ - 2x₁ẋ₁`, `ṙ₂ = ẋ₄ - 2x₃ẋ₃`, and
/// `ḟ = 200r₁ṙ₁ - 2u₁ẋ₁ + 180r₂ṙ₂ - 2u₃ẋ₃ + 20.2(s₂ẋ₂ + s₄ẋ₄) + 19.8(ẋ₂s₄ + s₂ẋ₄)`.
#[inline]
pub fn wood_hand(p: &[f64; 4], t: &[f64; 4]) -> (f64, f64) {
    let ([x1, x2, x3, x4], [t1, t2, t3, t4]) = (*p, *t);
    let r1 = x2 - x1 * x1;
    let r2 = x4 - x3 * x3;
    let u1 = 1.0 - x1;
    let u3 = 1.0 - x3;
    let s2 = x2 - 1.0;
    let s4 = x4 - 1.0;
    let f = 100.0 * (r1 * r1)
        + u1 * u1
        + 90.0 * (r2 * r2)
        + u3 * u3
        + 10.1 * (s2 * s2 + s4 * s4)
        + 19.8 * s2 * s4;
    let dr1 = t2 - 2.0 * x1 * t1;
    let dr2 = t4 - 2.0 * x3 * t3;
    let df = 200.0 * r1 * dr1 - 2.0 * u1 * t1 + 180.0 * r2 * dr2 - 2.0 * u3 * t3
        + 20.2 * (s2 * t2 + s4 * t4)
        + 19.8 * (t2 * s4 + s2 * t4);
    (f, df)
}

pub fn wood_gradient(p: &[f64; 4]) -> (f64, [f64; 4]) {
    wood_grad(*p)
}

// ---------------------------------------------------------------------------
// MGH 21: extended Rosenbrock, n = 100, a `for` loop.
// ---------------------------------------------------------------------------

pub const EXT_N: usize = 100;

/// As in `loops_problems.rs`: indices written out, no local names.
#[differentiable]
pub fn ext_rosenbrock<const N: usize>(x: [f64; N]) -> f64 {
    let mut f = 0.0;
    for i in 0..N / 2 {
        f += 100.0 * (x[2 * i + 1] - x[2 * i] * x[2 * i]).powi(2) + (1.0 - x[2 * i]).powi(2);
    }
    f
}

#[inline]
pub fn ext_rosenbrock_gen<const N: usize>(x: &[f64; N], t: &[f64; N]) -> (f64, f64) {
    ext_rosenbrock_jvp(*x, *t)
}

/// One loop over the pairs `(a, b) = (x₂ᵢ, x₂ᵢ₊₁)`: with `r = b - a²`,
/// `u = 1 - a`, `ḟ += 200r(ḃ - 2aȧ) - 2uȧ`.
#[inline]
pub fn ext_rosenbrock_hand<const N: usize>(x: &[f64; N], t: &[f64; N]) -> (f64, f64) {
    assert!(N % 2 == 0);
    let (mut f, mut df) = (0.0, 0.0);
    for (xi, ti) in x.chunks_exact(2).zip(t.chunks_exact(2)) {
        let (a, b, ta, tb) = (xi[0], xi[1], ti[0], ti[1]);
        let r = b - a * a;
        let u = 1.0 - a;
        f += 100.0 * (r * r) + u * u;
        df += 200.0 * r * (tb - 2.0 * a * ta) - 2.0 * u * ta;
    }
    (f, df)
}

pub fn ext_rosenbrock_gradient<const N: usize>(x: &[f64; N]) -> (f64, [f64; N]) {
    ext_rosenbrock_grad(*x)
}

// ---------------------------------------------------------------------------
// The seed layer σ(Wᵀx + b), W: 16 × 4, tangent with respect to W and b.
// ---------------------------------------------------------------------------

pub const LAYER_IN: usize = 16;
pub const LAYER_OUT: usize = 4;

/// As in `tests/suite/forward.rs` (`layer`), at the seed article's size.
#[differentiable(wrt(w, b))]
pub fn layer(w: Matrix<f64, 16, 4>, b: Vector<f64, 4>, x: Vector<f64, 16>) -> Vector<f64, 4> {
    sigmoid(w.t() * x + b)
}

/// The parameters (`w[i][j]`: input `i`, output `j`) and the input.
#[derive(Clone, Copy, Debug)]
pub struct LayerPoint {
    pub w: [[f64; LAYER_OUT]; LAYER_IN],
    pub b: [f64; LAYER_OUT],
}

/// One input and one direction `(Ẇ, ḃ)`.
#[derive(Clone, Copy, Debug)]
pub struct LayerSample {
    pub x: [f64; LAYER_IN],
    pub tw: [[f64; LAYER_OUT]; LAYER_IN],
    pub tb: [f64; LAYER_OUT],
}

/// `(σ(Wᵀx + b), its tangent)` as `layer_jvp` returns it.
pub type LayerGenTangent = (Vector<f64, LAYER_OUT>, Vector<f64, LAYER_OUT>);
/// The same on plain arrays.
pub type LayerTangent = ([f64; LAYER_OUT], [f64; LAYER_OUT]);

#[inline]
pub fn layer_gen(p: &LayerPoint, s: &LayerSample) -> LayerGenTangent {
    layer_jvp(p.w.into(), p.b.into(), s.x.into(), s.tw.into(), s.tb.into())
}

/// Diagnostic, not a method: `layer_jvp`'s expansion edited by hand to drop
/// its one wasted term. The macro emits
/// `tmul_add_jvp(w, x, b, z, Ẇ, zero_like(x), ḃ) = Ẇᵀx + (Wᵀ·0 + ḃ)`, a
/// second pass over `W` with a zero vector that LLVM may not remove
/// (`w·0` is not 0 for an infinite or NaN `w`); this copy computes
/// `Ẇᵀx + ḃ` only, otherwise the same calls.
#[inline]
pub fn layer_gen_edited(p: &LayerPoint, s: &LayerSample) -> LayerGenTangent {
    use autodiff::__private as ad;
    let (w, b, x): (Matrix<f64, 16, 4>, Vector<f64, 4>, Vector<f64, 16>) =
        (p.w.into(), p.b.into(), s.x.into());
    let (t_w, t_b): (Matrix<f64, 16, 4>, Vector<f64, 4>) = (s.tw.into(), s.tb.into());
    let t0 = ad::tmul_add(w, x, b);
    let dt0 = ad::tmul_add(t_w, x, t_b);
    let t1 = ad::sigmoid(t0);
    let dt1 = ad::sigmoid_vjp0(t0, t1, dt0);
    (t1, dt1)
}

/// On plain arrays, row by row of `W`: `z = b + Wᵀx`, `ż = ḃ + Ẇᵀx` in the
/// same loop, `a = σ(z)`, `ȧ = a(1 - a)ż`.
#[inline]
pub fn layer_hand(p: &LayerPoint, s: &LayerSample) -> LayerTangent {
    let mut z = p.b;
    let mut dz = s.tb;
    for ((wi, twi), &xi) in p.w.iter().zip(&s.tw).zip(&s.x) {
        for j in 0..LAYER_OUT {
            z[j] += wi[j] * xi;
            dz[j] += twi[j] * xi;
        }
    }
    let a = z.map(sigmoid);
    let da = core::array::from_fn(|j| a[j] * (1.0 - a[j]) * dz[j]);
    (a, da)
}

/// `(σ(Wᵀx + b), ∂/∂W, ∂/∂b)` by the pullback with the seed `w̄`, for the
/// adjoint identity `⟨jvp(Ẇ, ḃ), w̄⟩ = ⟨Ẇ, W̄⟩ + ⟨ḃ, b̄⟩`.
pub fn layer_pullback(
    p: &LayerPoint,
    x: &[f64; LAYER_IN],
    seed: &[f64; LAYER_OUT],
) -> (Vector<f64, 4>, Matrix<f64, 16, 4>, Vector<f64, 4>) {
    layer_vjp(p.w.into(), p.b.into(), (*x).into(), (*seed).into())
}

// ---------------------------------------------------------------------------
// A projectile: 200 explicit Euler steps, quadratic drag, from the launch
// speed and angle; the result is the height after the last step.
//   v = |(vₓ, v_y)|,  a = (-k v vₓ, -g - k v v_y),
//   p ← p + Δt·v,  v ← v + Δt·a.
// ---------------------------------------------------------------------------

/// Time step (s): 200 steps are 2 s of flight.
pub const DT: f64 = 0.01;
/// Gravity (m/s²).
pub const GRAVITY: f64 = 9.81;
/// Drag coefficient per unit mass (1/m).
pub const DRAG: f64 = 0.02;
/// Euler steps.
pub const STEPS: usize = 200;

/// The height after `STEPS` steps, written as a user writes a simulation:
/// one `for` loop carrying the height and the velocity (the horizontal
/// position does not reach the result, so it is not carried).
#[differentiable]
pub fn projectile(speed: f64, angle: f64) -> f64 {
    let mut py = 0.0;
    let mut vx = speed * angle.cos();
    let mut vy = speed * angle.sin();
    for _step in 0..STEPS {
        let v = (vx * vx + vy * vy).sqrt();
        let ax = -DRAG * v * vx;
        let ay = -GRAVITY - DRAG * v * vy;
        py += DT * vy;
        vx += DT * ax;
        vy += DT * ay;
    }
    py
}

/// `(value, [∂/∂speed, ∂/∂angle])`, every method's result.
pub type Grad2 = (f64, [f64; 2]);

/// Full gradient from two generated `_jvp` calls, one per input direction.
#[inline]
pub fn projectile_jvp_x2(p: &[f64; 2]) -> Grad2 {
    let (v, ds) = projectile_jvp(p[0], p[1], 1.0, 0.0);
    let (_, da) = projectile_jvp(p[0], p[1], 0.0, 1.0);
    (v, [ds, da])
}

/// Full gradient from the generated reverse `_grad`.
#[inline]
pub fn projectile_reverse(p: &[f64; 2]) -> Grad2 {
    let (v, ds, da) = projectile_grad(p[0], p[1]);
    (v, [ds, da])
}

/// Hand-written value and tangent in direction `(ṡ, θ̇)`, one pass:
/// `v̇ = (vₓv̇ₓ + v_y v̇_y)/v`, `ȧₓ = -k(v̇vₓ + v v̇ₓ)`, `ȧ_y = -k(v̇v_y + v v̇_y)`.
#[inline]
pub fn projectile_tangent_hand(p: &[f64; 2], t: &[f64; 2]) -> (f64, f64) {
    let ([speed, angle], [ts, ta]) = (*p, *t);
    let (sin, cos) = (angle.sin(), angle.cos());
    let (mut py, mut dpy) = (0.0, 0.0);
    let (mut vx, mut vy) = (speed * cos, speed * sin);
    let (mut dvx, mut dvy) = (ts * cos - speed * sin * ta, ts * sin + speed * cos * ta);
    for _ in 0..STEPS {
        let v = (vx * vx + vy * vy).sqrt();
        let dv = (vx * dvx + vy * dvy) / v;
        let kv = DRAG * v;
        let ax = -kv * vx;
        let ay = -GRAVITY - kv * vy;
        let dax = -DRAG * (dv * vx) - kv * dvx;
        let day = -DRAG * (dv * vy) - kv * dvy;
        py += DT * vy;
        dpy += DT * dvy;
        vx += DT * ax;
        vy += DT * ay;
        dvx += DT * dax;
        dvy += DT * day;
    }
    (py, dpy)
}

/// Full gradient from two hand-written tangent passes.
#[inline]
pub fn projectile_hand_x2(p: &[f64; 2]) -> Grad2 {
    let (v, ds) = projectile_tangent_hand(p, &[1.0, 0.0]);
    let (_, da) = projectile_tangent_hand(p, &[0.0, 1.0]);
    (v, [ds, da])
}

/// Hand-written, both directions carried in the same pass (the primal once,
/// two tangents per variable).
#[inline]
pub fn projectile_hand_both(p: &[f64; 2]) -> Grad2 {
    let [speed, angle] = *p;
    let (sin, cos) = (angle.sin(), angle.cos());
    let mut py = 0.0;
    let mut dpy = [0.0; 2];
    let (mut vx, mut vy) = (speed * cos, speed * sin);
    let mut dvx = [cos, -speed * sin];
    let mut dvy = [sin, speed * cos];
    for _ in 0..STEPS {
        let v = (vx * vx + vy * vy).sqrt();
        let kv = DRAG * v;
        let inv = 1.0 / v;
        py += DT * vy;
        for k in 0..2 {
            let dv = (vx * dvx[k] + vy * dvy[k]) * inv;
            let dax = -DRAG * (dv * vx) - kv * dvx[k];
            let day = -DRAG * (dv * vy) - kv * dvy[k];
            dpy[k] += DT * dvy[k];
            dvx[k] += DT * dax;
            dvy[k] += DT * day;
        }
        vx += DT * (-kv * vx);
        vy += DT * (-GRAVITY - kv * vy);
    }
    (py, dpy)
}

/// The objective for num-dual (constants on the right: num-dual implements
/// `Dual op f64`, not `f64 op Dual`).
#[inline]
pub fn projectile_dual<D: DualNum<f64> + Copy>(speed: D, angle: D) -> D {
    let mut py = D::zero();
    let mut vx = speed * angle.cos();
    let mut vy = speed * angle.sin();
    for _ in 0..STEPS {
        let v = (vx * vx + vy * vy).sqrt();
        // The same roundings as `projectile`: `-DRAG * v = v * -DRAG`, and
        // `-g - x = -x - g`.
        let ax = v * -DRAG * vx;
        let ay = -(v * DRAG * vy) - GRAVITY;
        py += vy * DT;
        vx += ax * DT;
        vy += ay * DT;
    }
    py
}

/// num-dual, two `Dual64` passes (one per direction).
#[inline]
pub fn projectile_dual64(p: &[f64; 2]) -> Grad2 {
    let s = projectile_dual(Dual64::new(p[0], 1.0), Dual64::from_re(p[1]));
    let a = projectile_dual(Dual64::from_re(p[0]), Dual64::new(p[1], 1.0));
    (s.re, [s.eps, a.eps])
}

/// num-dual's `gradient` (`DualSVec64<2>`: one pass, two derivatives).
#[inline]
pub fn projectile_dualvec(p: &[f64; 2]) -> Grad2 {
    let (v, g) = num_dual::gradient(
        |x| -> DualSVec64<2> { projectile_dual(x[0], x[1]) },
        (*p).into(),
    );
    (v, [g[0], g[1]])
}

// ---------------------------------------------------------------------------
// The same flight's whole final state: a Jacobian in vector mode.
// ---------------------------------------------------------------------------

/// The final state `(px, py, vx, vy)` of [`projectile`]'s flight: four
/// outputs of two inputs, so `trajectory_jacobian` runs forward mode, and
/// in vector mode: one pass through the 200 steps carries both columns.
#[differentiable]
pub fn trajectory(speed: f64, angle: f64) -> [f64; 4] {
    let mut px = 0.0;
    let mut py = 0.0;
    let mut vx = speed * angle.cos();
    let mut vy = speed * angle.sin();
    for _step in 0..STEPS {
        let v = (vx * vx + vy * vy).sqrt();
        let ax = -DRAG * v * vx;
        let ay = -GRAVITY - DRAG * v * vy;
        px += DT * vx;
        py += DT * vy;
        vx += DT * ax;
        vy += DT * ay;
    }
    [px, py, vx, vy]
}

/// `(state, ∂state/∂speed, ∂state/∂angle)`, every method's result.
pub type Jac4 = ([f64; 4], [f64; 4], [f64; 4]);

/// The generated `_jacobian`: both columns in one pass (vector mode).
#[inline]
pub fn trajectory_gen(p: &[f64; 2]) -> Jac4 {
    trajectory_jacobian(p[0], p[1])
}

/// The generated tangent, one `_jvp` call per column: what `_jacobian`
/// runs where vector mode does not apply (and ran before it existed).
#[inline]
pub fn trajectory_columns(p: &[f64; 2]) -> Jac4 {
    let (v, ds) = trajectory_jvp(p[0], p[1], 1.0, 0.0);
    let (_, da) = trajectory_jvp(p[0], p[1], 0.0, 1.0);
    (v, ds, da)
}

/// Hand-written, both columns carried in one pass.
#[inline]
pub fn trajectory_hand(p: &[f64; 2]) -> Jac4 {
    let [speed, angle] = *p;
    let (sin, cos) = (angle.sin(), angle.cos());
    let (mut px, mut py) = (0.0, 0.0);
    let (mut dpx, mut dpy) = ([0.0; 2], [0.0; 2]);
    let (mut vx, mut vy) = (speed * cos, speed * sin);
    let mut dvx = [cos, -speed * sin];
    let mut dvy = [sin, speed * cos];
    for _ in 0..STEPS {
        let v = (vx * vx + vy * vy).sqrt();
        let kv = DRAG * v;
        let inv = 1.0 / v;
        px += DT * vx;
        py += DT * vy;
        for k in 0..2 {
            let dv = (vx * dvx[k] + vy * dvy[k]) * inv;
            let dax = -DRAG * (dv * vx) - kv * dvx[k];
            let day = -DRAG * (dv * vy) - kv * dvy[k];
            dpx[k] += DT * dvx[k];
            dpy[k] += DT * dvy[k];
            dvx[k] += DT * dax;
            dvy[k] += DT * day;
        }
        vx += DT * (-kv * vx);
        vy += DT * (-GRAVITY - kv * vy);
    }
    let col = |k: usize| [dpx[k], dpy[k], dvx[k], dvy[k]];
    ([px, py, vx, vy], col(0), col(1))
}

/// num-dual's `jacobian` (`DualSVec64<2>`: one pass, two derivatives).
#[inline]
pub fn trajectory_dualvec(p: &[f64; 2]) -> Jac4 {
    type D = DualSVec64<2>;
    let (v, j) = num_dual::jacobian(
        |x: nalgebra::SVector<D, 2>| -> nalgebra::SVector<D, 4> {
            let (speed, angle) = (x[0], x[1]);
            let (mut px, mut py) = (D::from_re(0.0), D::from_re(0.0));
            let mut vx = speed * angle.cos();
            let mut vy = speed * angle.sin();
            for _ in 0..STEPS {
                let v = (vx * vx + vy * vy).sqrt();
                let ax = v * -DRAG * vx;
                let ay = -(v * DRAG * vy) - GRAVITY;
                px += vx * DT;
                py += vy * DT;
                vx += ax * DT;
                vy += ay * DT;
            }
            nalgebra::SVector::from([px, py, vx, vy])
        },
        nalgebra::SVector::from(*p),
    );
    (
        [v[0], v[1], v[2], v[3]],
        [j[(0, 0)], j[(1, 0)], j[(2, 0)], j[(3, 0)]],
        [j[(0, 1)], j[(1, 1)], j[(2, 1)], j[(3, 1)]],
    )
}
