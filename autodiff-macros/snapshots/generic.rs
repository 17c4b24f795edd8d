// Generic over the float type, num-traits style: constants stay constants.
#[differentiable]
fn beale<T: num_traits::Float>(x: T, y: T) -> T {
    let c1 = T::from(1.5).unwrap();
    let c2 = T::from(2.25).unwrap();
    let c3 = T::from(2.625).unwrap();
    let a = c1 - x + x * y;
    let b = c2 - x + x * y * y;
    let c = c3 - x + x * y * y * y;
    a * a + b * b + c * c
}
