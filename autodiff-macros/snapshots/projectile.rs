//! Snapshot input: the projectile of `benches/common/forward_problems.rs`.
// A 200-step simulation (benches/common/forward_problems.rs): explicit Euler
// with quadratic drag, the loop carrying the height and the velocity. Its
// `_jvp` carries one tangent per carried variable; its `_vjp` keeps each
// iteration's state for the backward loop.
#[differentiable]
fn projectile(speed: f64, angle: f64) -> f64 {
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

// The same flight's final state: 4 outputs of 2 inputs, so its `_jacobian`
// runs forward mode in vector mode, the loop carrying both columns' tangents
// beside each variable.
#[differentiable]
fn trajectory(speed: f64, angle: f64) -> [f64; 4] {
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
