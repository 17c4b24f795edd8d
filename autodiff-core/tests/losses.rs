//! Loss pullbacks checked against dual numbers and central finite
//! differences (see `support` in `tests/linalg.rs`), at random points and at
//! the extremes: logits of ±1000, labels of exactly 0 and 1, saturated
//! softmax probabilities.

/// The tests of `linalg.rs` run in their own binary; including it here is
/// only for its `support` module.
macro_rules! suite {
    ($($item:item)*) => {};
}

#[macro_use]
#[path = "linalg.rs"]
mod linalg;

use approx::assert_relative_eq;
use autodiff_core::__private as ad;
use autodiff_core::{bce_with_logits, huber, mse, sigmoid, softmax_cross_entropy, Matrix, Vector};
use linalg::support::{check, rnd};

type V4 = Vector<f64, 4>;
type M23 = Matrix<f64, 2, 3>;

/// Checks an elementwise loss `$loss(p, t, extra...)` with pullbacks
/// `[$vjp...]` on a scalar, a vector and a matrix.
macro_rules! check_shapes {
    ($seed:expr, |$p:ident, $t:ident| $f:expr, $vjps:tt) => {
        check!(rnd::<(f64, f64)>($seed), |($p, $t)| $f, $vjps);
        check!(rnd::<(V4, V4)>($seed + 1), |($p, $t)| $f, $vjps);
        check!(rnd::<(M23, M23)>($seed + 2), |($p, $t)| $f, $vjps);
    };
}

#[test]
fn mse_pulls_back() {
    check_shapes!(1, |p, t| ad::mse(p, t), [ad::mse_vjp0, ad::mse_vjp1]);
    assert_eq!(mse(Vector::new([1.0, 2.0]), Vector::new([0.0, 0.0])), 2.5);
}

#[test]
fn bce_with_logits_pulls_back() {
    check_shapes!(
        10,
        |z, y| ad::bce_with_logits(z, y),
        [ad::bce_with_logits_vjp0, ad::bce_with_logits_vjp1]
    );
    // The textbook formula, where it is accurate.
    for (z, y) in [(0.3f64, 1.0), (-1.2, 0.0), (2.0, 0.25)] {
        let p = 1.0 / (1.0 + (-z).exp());
        let textbook = -(y * p.ln() + (1.0 - y) * (1.0 - p).ln());
        assert_relative_eq!(bce_with_logits(z, y), textbook, max_relative = 1e-14);
    }
}

/// `check!` for `bce_with_logits` at `(z, y)`; returns `(z̄, ȳ)` for `ḡ`
/// drawn by the checker.
macro_rules! check_bce {
    ($x:expr) => {
        check!(
            $x,
            |(z, y)| ad::bce_with_logits(z, y),
            [ad::bce_with_logits_vjp0, ad::bce_with_logits_vjp1]
        )
    };
}

#[test]
fn bce_with_logits_is_finite_and_exact_at_extreme_logits() {
    for z in [-1000.0, -40.0, 0.0, 40.0, 1000.0] {
        for y in [0.0, 1.0, 0.5] {
            check_bce!((z, y));
            assert_eq!(ad::bce_with_logits_vjp0(z, y, 0.0, 1.0), sigmoid(z) - y);
        }
    }
    // -ln(1 - σ(1000)) = 1000 and -ln σ(1000) = 0, without taking ln 0.
    assert_eq!(bce_with_logits(1000.0, 0.0), 1000.0);
    assert_eq!(bce_with_logits(1000.0, 1.0), 0.0);
    assert_eq!(bce_with_logits(-1000.0, 0.0), 0.0);
    assert_eq!(bce_with_logits(-1000.0, 1.0), 1000.0);
    let z = Vector::new([1000.0, -1000.0, 0.0, 1000.0]);
    let (dz, _) = check_bce!((z, Vector::new([0.0, 1.0, 1.0, 1.0])));
    assert!(dz.to_array().iter().all(|v| v.is_finite()));
}

/// `check!` for `softmax_cross_entropy` of the logits `$z` at every label;
/// returns the gradients.
macro_rules! check_sce {
    ($z:expr) => {
        core::array::from_fn::<_, 4, _>(|label| {
            let (dz,) = check!(($z,), |(z,)| ad::softmax_cross_entropy(z, label), |y, g| (
                ad::softmax_cross_entropy_vjp0(z, label, y, g),
            ));
            dz
        })
    };
}

#[test]
fn softmax_cross_entropy_pulls_back() {
    let (z,): (V4,) = rnd(20);
    check_sce!(z);
    for label in 0..4 {
        assert_relative_eq!(softmax_cross_entropy(z, label), -z.log_softmax()[label]);
    }
}

#[test]
fn softmax_cross_entropy_is_finite_and_exact_at_extreme_logits() {
    let z = Vector::new([1000.0, -1000.0, 0.0, 1000.0]);
    let dz = check_sce!(z);
    // softmax(z) = (½, 0, 0, ½) to rounding; the pullback is softmax - onehot.
    let one_g = |label: usize| ad::softmax_cross_entropy_vjp0(z, label, 0.0, 1.0).to_array();
    assert_eq!(one_g(0), [-0.5, 0.0, 0.0, 0.5]);
    assert_eq!(one_g(1), [0.5, -1.0, 0.0, 0.5]);
    assert!(dz
        .iter()
        .all(|d| d.to_array().iter().all(|v| v.is_finite())));
    let ln2 = core::f64::consts::LN_2;
    let losses: [f64; 4] = core::array::from_fn(|label| softmax_cross_entropy(z, label));
    assert_eq!(losses, [ln2, 2000.0 + ln2, 1000.0 + ln2, ln2]);
    check_sce!(-z);
}

/// `check!` for `huber` with `δ` differentiable too.
macro_rules! check_huber {
    ($x:expr) => {
        check!(
            $x,
            |(p, t, d)| ad::huber(p, t, d),
            [ad::huber_vjp0, ad::huber_vjp1, ad::huber_vjp2]
        )
    };
}

#[test]
fn huber_pulls_back_in_both_regimes() {
    // Residuals inside and beyond δ = 0.7, away from the kink at |r| = δ.
    let p = Vector::new([0.1, -2.0, 3.0, 0.5]);
    let t = Vector::new([0.3, 1.0, -0.5, 1.1]);
    check_huber!((p, t, 0.7));
    check_huber!((0.2, 0.5, 1.0));
    check_huber!((3.0, 0.5, 1.0));
    check_huber!((-3.0, 0.5, 1.0));
    let m = Matrix::new([[0.0, 5.0, -0.2], [1e6, -1e6, 0.3]]);
    check_huber!((m, m * 0.5, 1.0));
    assert_eq!(huber(3.0, 1.0, 1.0), 1.5);
    assert_eq!(huber(1.5, 1.0, 1.0), 0.125);
}

#[test]
fn huber_is_smooth_at_the_kink() {
    // At |r| = δ both branches agree on the value and on the slope δ.
    assert_eq!(huber(1.0, 0.0, 1.0), 0.5);
    assert_eq!(ad::huber_vjp0(1.0, 0.0, 1.0, 0.5, 1.0), 1.0);
    assert_eq!(ad::huber_vjp0(-1.0, 0.0, 1.0, 0.5, 1.0), -1.0);
    assert_eq!(ad::huber_vjp2(1.0, 0.0, 1.0, 0.5, 1.0), 0.0);
}

/// The documented reduction: an elementwise loss of a shape is the mean of
/// the scalar losses of its elements.
#[test]
fn losses_of_shapes_are_means_of_scalar_losses() {
    let (p, t): (V4, V4) = rnd(30);
    let mean_of = |f: &dyn Fn(f64, f64) -> f64| (0..4).map(|i| f(p[i], t[i])).sum::<f64>() / 4.0;
    assert_relative_eq!(mse(p, t), mean_of(&|p, t| mse(p, t)));
    assert_relative_eq!(
        bce_with_logits(p, t),
        mean_of(&|p, t| bce_with_logits(p, t))
    );
    assert_relative_eq!(huber(p, t, 0.5), mean_of(&|p, t| huber(p, t, 0.5)));
}
