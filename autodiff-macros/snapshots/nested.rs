// MGH trigonometric: an inner loop inside a loop that runs backwards; the
// inner results and the cosines are kept per iteration, the inner loop
// runs again inside the backward loop to refill what it keeps.
#[differentiable]
fn trigonometric<T: Float, const N: usize>(x: [T; N]) -> T {
    let n = T::from(N).unwrap();
    let mut f = T::zero();
    for i in 0..N {
        let mut s = T::zero();
        for j in 0..N {
            s = s + x[j].cos();
        }
        let r = n - s + T::from(i + 1).unwrap() * (T::one() - x[i].cos()) - x[i].sin();
        f = f + r * r;
    }
    f
}
