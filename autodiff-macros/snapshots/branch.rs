// A branch in both passes: the backward pass mirrors the `if` on the same
// condition, so the logarithm of a negative number is never taken.
#[differentiable(wrt(r))]
fn huber(r: f64, delta: f64) -> f64 {
    if r.abs() <= delta {
        0.5 * r * r
    } else {
        delta * (r.abs() - 0.5 * delta)
    }
}
