//! A one-hidden-layer network on the 8x8 handwritten digits:
//! `softmax(W₂ᵀ tanh(W₁ᵀx + b₁) + b₂)` with cross-entropy, 64 → 32 → 10,
//! trained by mini-batch Adam on the gradient `#[differentiable]` generates
//! for the whole two-layer loss, and scored by 5-fold stratified
//! cross-validation.
//!
//! Run: `cargo run --release --example digits` (add `-- --quiet` for the
//! final lines only).
//!
//! The data is `examples/data/digits.csv`; see `examples/data/README.md`.

mod common;

use autodiff::{differentiable, softmax_cross_entropy, Matrix, Vector};
use common::{cross_validate, parse_csv, stratified_folds, Adam, SplitMix64};
use std::time::Instant;

const PIXELS: usize = 64;
const HIDDEN: usize = 32;
const CLASSES: usize = 10;
const FOLDS: usize = 5;
const SEED: u64 = 0;
const EPOCHS: usize = 10;
const BATCH: usize = 32;
const LEARNING_RATE: f64 = 0.01;
/// Print a progress line every this many epochs.
const REPORT_EVERY: usize = 2;

type W1 = Matrix<f64, PIXELS, HIDDEN>;
type B1 = Vector<f64, HIDDEN>;
type W2 = Matrix<f64, HIDDEN, CLASSES>;
type B2 = Vector<f64, CLASSES>;
type Image = Vector<f64, PIXELS>;

/// The loss of one image: both layers, written as plain maths.
#[differentiable(wrt(w1, b1, w2, b2))]
fn loss(w1: W1, b1: B1, w2: W2, b2: B2, x: Image, label: usize) -> f64 {
    let h = (w1.t() * x + b1).tanh();
    softmax_cross_entropy(w2.t() * h + b2, label)
}

struct Net {
    w1: W1,
    b1: B1,
    w2: W2,
    b2: B2,
}

impl Net {
    /// Glorot-uniform weights, zero biases.
    fn new(rng: &mut SplitMix64) -> Self {
        let a1 = (6.0 / (PIXELS + HIDDEN) as f64).sqrt();
        let a2 = (6.0 / (HIDDEN + CLASSES) as f64).sqrt();
        Net {
            w1: W1::from_fn(|_, _| rng.symmetric(a1)),
            b1: B1::zeros(),
            w2: W2::from_fn(|_, _| rng.symmetric(a2)),
            b2: B2::zeros(),
        }
    }

    fn predict(&self, x: Image) -> usize {
        let h = (self.w1.t() * x + self.b1).tanh();
        common::argmax((self.w2.t() * h + self.b2).as_array())
    }
}

/// Mini-batch Adam on `(xs, ys)`, reshuffling every epoch.
fn fit(xs: &[Image], ys: &[usize], rng: &mut SplitMix64, fold: usize, quiet: bool) -> Net {
    let mut net = Net::new(rng);
    let mut adam_w1 = Adam::new(LEARNING_RATE);
    let mut adam_b1 = Adam::new(LEARNING_RATE);
    let mut adam_w2 = Adam::new(LEARNING_RATE);
    let mut adam_b2 = Adam::new(LEARNING_RATE);
    let mut order: Vec<usize> = (0..xs.len()).collect();
    for epoch in 1..=EPOCHS {
        rng.shuffle(&mut order);
        let mut total = 0.0;
        for batch in order.chunks(BATCH) {
            let (mut dw1, mut db1, mut dw2, mut db2) =
                (W1::zeros(), B1::zeros(), W2::zeros(), B2::zeros());
            for &i in batch {
                let (l, gw1, gb1, gw2, gb2) =
                    loss_grad(net.w1, net.b1, net.w2, net.b2, xs[i], ys[i]);
                total += l;
                dw1 += gw1;
                db1 += gb1;
                dw2 += gw2;
                db2 += gb2;
            }
            let k = 1.0 / batch.len() as f64;
            adam_w1.step(&mut net.w1, dw1 * k);
            adam_b1.step(&mut net.b1, db1 * k);
            adam_w2.step(&mut net.w2, dw2 * k);
            adam_b2.step(&mut net.b2, db2 * k);
        }
        if !quiet && (epoch % REPORT_EVERY == 0 || epoch == 1) {
            println!(
                "fold {fold} epoch {epoch:>3}  loss {:.4}",
                total / xs.len() as f64
            );
        }
    }
    net
}

fn main() {
    let quiet = common::quiet_flag();
    let start = Instant::now();
    let (raw, ys) = parse_csv::<PIXELS>(include_str!("data/digits.csv"), 0);
    // Pixel intensities are 0..16: scale them to 0..1.
    let xs: Vec<Image> = raw
        .iter()
        .map(|x| Vector::from(x.map(|v| v / 16.0)))
        .collect();
    let mut rng = SplitMix64::new(SEED);
    let folds = stratified_folds(&ys, FOLDS, &mut rng);
    let mean = cross_validate(&folds, quiet, |fold, train, test| {
        let train_x: Vec<Image> = train.iter().map(|&i| xs[i]).collect();
        let train_y: Vec<usize> = train.iter().map(|&i| ys[i]).collect();
        let net = fit(&train_x, &train_y, &mut rng, fold, quiet);
        test.iter()
            .filter(|&&i| net.predict(xs[i]) == ys[i])
            .count()
    });
    let elapsed = start.elapsed();

    // The line a user looks for comes last.
    println!(
        "time: {:.2} s ({FOLDS} folds x {EPOCHS} epochs, mini-batches of {BATCH})",
        elapsed.as_secs_f64()
    );
    println!("cross-validated accuracy: {mean:.3}");
}
