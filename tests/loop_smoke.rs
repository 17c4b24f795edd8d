use approx::assert_relative_eq;
use autodiff::differentiable;

#[differentiable]
fn ext_rosenbrock<const N: usize>(x: [f64; N]) -> f64 {
    let mut f = 0.0;
    for i in 0..N / 2 {
        let a = x[2 * i];
        let b = x[2 * i + 1];
        f += 100.0 * (b - a * a).powi(2) + (1.0 - a).powi(2);
    }
    f
}

#[differentiable]
fn product(x: [f64; 4]) -> f64 {
    let mut p = 1.0;
    for i in 0..4 {
        p *= x[i].sin() + 2.0;
    }
    p * 0.5
}

#[differentiable(wrt(w, b))]
fn seed_net(w: [[f64; 4]; 16], b: [f64; 4], x: &[f64; 16], y: &[f64; 4]) -> f64 {
    let mut loss = 0.0;
    for j in 0..4 {
        let mut z = b[j];
        for i in 0..16 {
            z += w[i][j] * x[i];
        }
        let a = autodiff::sigmoid(z);
        loss += (a - y[j]).powi(2);
    }
    loss
}

fn fd<const N: usize>(f: impl Fn([f64; N]) -> f64, x: [f64; N]) -> [f64; N] {
    core::array::from_fn(|k| {
        let h = 1e-6 * x[k].abs().max(1.0);
        let (mut a, mut b) = (x, x);
        a[k] += h;
        b[k] -= h;
        (f(a) - f(b)) / (2.0 * h)
    })
}

#[test]
fn rosenbrock_loop() {
    let x = [-1.2, 1.0, 0.5, 0.3, 2.0, -1.0];
    let (v, g) = ext_rosenbrock_grad(x);
    assert_relative_eq!(v, ext_rosenbrock(x));
    let want = fd(ext_rosenbrock, x);
    for k in 0..6 {
        assert_relative_eq!(g[k], want[k], max_relative = 1e-6);
    }
}

#[test]
fn product_loop() {
    let x = [0.3, -1.0, 2.0, 0.7];
    let (v, g) = product_grad(x);
    assert_relative_eq!(v, product(x));
    let want = fd(product, x);
    for k in 0..4 {
        assert_relative_eq!(g[k], want[k], max_relative = 1e-6);
    }
}

#[test]
fn seed_network_loops() {
    let w: [[f64; 4]; 16] =
        core::array::from_fn(|i| core::array::from_fn(|j| ((i * 4 + j) as f64 * 0.37).sin() * 0.3));
    let b = [0.1, -0.2, 0.05, 0.3];
    let x: [f64; 16] = core::array::from_fn(|i| (i as f64 * 0.7).cos());
    let y = [1.0, 0.0, 0.0, 1.0];
    let (v, dw, db) = seed_net_grad(w, b, &x, &y);
    assert_relative_eq!(v, seed_net(w, b, &x, &y));
    let want_b = fd(|b| seed_net(w, b, &x, &y), b);
    for j in 0..4 {
        assert_relative_eq!(db[j], want_b[j], max_relative = 1e-6);
        for i in 0..16 {
            let h = 1e-6;
            let (mut wp, mut wm) = (w, w);
            wp[i][j] += h;
            wm[i][j] -= h;
            let want = (seed_net(wp, b, &x, &y) - seed_net(wm, b, &x, &y)) / (2.0 * h);
            assert_relative_eq!(dw[i][j], want, max_relative = 1e-5, epsilon = 1e-9);
        }
    }
}
