// Jacobians (examples/common/ekf_model.rs, examples/common/mgh_residuals.rs):
// the EKF motion model (3 outputs of s and u, so 3 × 5: reverse mode), the
// range–bearing measurement (2 × 3, reverse mode: one backward pass per row,
// each with its unit seed built in) and Box 3-D's residuals (10 × 3, a loop
// into a local array, forward mode in vector mode: one pass, three tangents).
#[differentiable(wrt(s, u))]
pub fn motion(s: [f64; 3], u: [f64; 2], dt: f64) -> [f64; 3] {
    let (v, w) = (u[0], u[1]);
    [
        s[0] + dt * v * s[2].cos(),
        s[1] + dt * v * s[2].sin(),
        s[2] + dt * w,
    ]
}

#[differentiable(wrt(s))]
pub fn measurement(s: [f64; 3], landmark: [f64; 2]) -> [f64; 2] {
    let dx = landmark[0] - s[0];
    let dy = landmark[1] - s[1];
    [(dx * dx + dy * dy).sqrt(), dy.atan2(dx) - s[2]]
}

#[differentiable]
pub fn box_3d(x: [f64; 3]) -> [f64; 10] {
    let mut r = [0.0; 10];
    for i in 0..10 {
        let t = 0.1 * (i + 1) as f64;
        r[i] = (-t * x[0]).exp() - (-t * x[1]).exp() - x[2] * ((-t).exp() - (-10.0 * t).exp());
    }
    r
}
