//! The unicycle robot of `examples/ekf.rs`: its motion model and its
//! range–bearing measurement, written once for `#[differentiable]`, with
//! the Jacobians worked out by hand beside them. Shared (via `#[path]`) by
//! the example, `tests/suite/examples_check.rs` and `benches/jacobians.rs`.

#![allow(dead_code)]

use autodiff::differentiable;

/// One step of the unicycle: state `s = (x, y, θ)`, control `u = (v, ω)`
/// (speed and turn rate), time step `dt`. Its `motion_jacobian` gives
/// `(s', ∂s'/∂s, ∂s'/∂u)`: the 3 × 3 matrix `F` of the EKF's predict step
/// and the 3 × 2 matrix `G` that maps the control noise into the state.
#[differentiable(wrt(s, u))]
pub fn motion(s: [f64; 3], u: [f64; 2], dt: f64) -> [f64; 3] {
    let (v, w) = (u[0], u[1]);
    [
        s[0] + dt * v * s[2].cos(),
        s[1] + dt * v * s[2].sin(),
        s[2] + dt * w,
    ]
}

/// Range and bearing (relative to the heading) from the robot at `s` to the
/// landmark at `(lx, ly)`. Its `measurement_jacobian` gives `(z, ∂z/∂s)`,
/// the 2 × 3 matrix `H` of the update step.
#[differentiable(wrt(s))]
pub fn measurement(s: [f64; 3], landmark: [f64; 2]) -> [f64; 2] {
    let dx = landmark[0] - s[0];
    let dy = landmark[1] - s[1];
    [(dx * dx + dy * dy).sqrt(), dy.atan2(dx) - s[2]]
}

/// The 3 × 2 block `∂s'/∂u`.
pub type ControlJacobian = [[f64; 2]; 3];

/// [`motion`] and its Jacobians by hand: of `F`, only the θ column is not
/// the identity's; `G = dt · [[cos θ, 0], [sin θ, 0], [0, 1]]`.
#[inline]
pub fn motion_jacobian_hand(
    s: [f64; 3],
    u: [f64; 2],
    dt: f64,
) -> ([f64; 3], [[f64; 3]; 3], ControlJacobian) {
    let dv = dt * u[0];
    let (sin, cos) = (s[2].sin(), s[2].cos());
    (
        [s[0] + dv * cos, s[1] + dv * sin, s[2] + dt * u[1]],
        [[1.0, 0.0, -dv * sin], [0.0, 1.0, dv * cos], [0.0, 0.0, 1.0]],
        [[dt * cos, 0.0], [dt * sin, 0.0], [0.0, dt]],
    )
}

/// [`measurement`] and its Jacobian by hand: with `q = dx² + dy²`,
/// `∂r/∂(x, y) = -(dx, dy)/√q`, `∂b/∂(x, y) = (dy, -dx)/q`, `∂b/∂θ = -1`.
#[inline]
pub fn measurement_jacobian_hand(s: [f64; 3], landmark: [f64; 2]) -> ([f64; 2], [[f64; 3]; 2]) {
    let dx = landmark[0] - s[0];
    let dy = landmark[1] - s[1];
    let q = dx * dx + dy * dy;
    let r = q.sqrt();
    let (ir, iq) = (1.0 / r, 1.0 / q);
    (
        [r, dy.atan2(dx) - s[2]],
        [[-dx * ir, -dy * ir, 0.0], [dy * iq, -dx * iq, -1.0]],
    )
}
