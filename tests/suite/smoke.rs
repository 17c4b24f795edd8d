//! First checks of scalar gradients: Rosenbrock and Beale against their
//! hand-written gradients (f32 and f64), and a one-neuron loss with `wrt`.

use approx::assert_relative_eq;
use autodiff::differentiable;

#[differentiable]
fn rosenbrock(x: f64, y: f64) -> f64 {
    (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
}

#[differentiable]
fn beale<T: autodiff::Float>(x: T, y: T) -> T {
    let c1 = T::from(1.5).unwrap();
    let c2 = T::from(2.25).unwrap();
    let c3 = T::from(2.625).unwrap();
    let a = c1 - x + x * y;
    let b = c2 - x + x * y * y;
    let c = c3 - x + x * y * y * y;
    a * a + b * b + c * c
}

#[differentiable(wrt(w, b))]
fn neuron_loss(w: [f64; 2], b: f64, x: &[f64; 2], label: f64) -> f64 {
    let z = w[0] * x[0] + w[1] * x[1] + b;
    let a = autodiff::sigmoid(z);
    (a - label).powi(2)
}

#[test]
fn rosenbrock_matches_hand_gradient() {
    let (x, y) = (-1.2, 1.0);
    let (v, dx, dy) = rosenbrock_grad(x, y);
    assert_relative_eq!(v, rosenbrock(x, y));
    assert_relative_eq!(
        dx,
        -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
        max_relative = 1e-14
    );
    assert_relative_eq!(dy, 200.0 * (y - x * x), max_relative = 1e-14);
}

#[test]
fn beale_generic_f32_f64() {
    let (v, dx, dy) = beale_grad(1.0f64, 1.5);
    assert_relative_eq!(v, beale(1.0f64, 1.5));
    let (v32, dx32, dy32) = beale_grad(1.0f32, 1.5);
    assert_relative_eq!(v32, v as f32, max_relative = 1e-6);
    assert_relative_eq!(dx32, dx as f32, max_relative = 1e-5);
    assert_relative_eq!(dy32, dy as f32, max_relative = 1e-5);
}

#[test]
fn neuron() {
    let (v, dw, db) = neuron_loss_grad([0.3, -0.2], 0.1, &[1.0, 2.0], 1.0);
    assert_relative_eq!(v, neuron_loss([0.3, -0.2], 0.1, &[1.0, 2.0], 1.0));
    let z: f64 = 0.3 - 0.4 + 0.1;
    let a = 1.0 / (1.0 + (-z).exp());
    let dz = 2.0 * (a - 1.0) * a * (1.0 - a);
    assert_relative_eq!(db, dz, max_relative = 1e-14);
    assert_relative_eq!(dw[0], dz * 1.0, max_relative = 1e-14);
    assert_relative_eq!(dw[1], dz * 2.0, max_relative = 1e-14);
}
