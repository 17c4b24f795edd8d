// A norm written out (Ackley's first term): the `sqrt` of a sum of squares
// takes `sqrt_cone_vjp0`, 0 at the tip; the `sqrt` of an `abs` keeps `sqrt_vjp0`.
#[differentiable]
fn ackley_term(x: f64, y: f64) -> f64 {
    -20.0 * (-0.2 * (0.5 * (x * x + y * y)).sqrt()).exp() + (x - y).abs().sqrt()
}
