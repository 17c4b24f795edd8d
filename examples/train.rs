//! Trains the seed's single-layer network, `softmax(Wᵀx + b)` with
//! cross-entropy, on Fisher's Iris data, using the gradient that
//! `#[differentiable]` generates, and reports 5-fold stratified
//! cross-validated accuracy.
//!
//! Run: `cargo run --release --example train` (add `-- --quiet` for the
//! final lines only). It also writes the model's expression graph to
//! `target/seed_model.dot`, and renders `target/seed_model.svg` when
//! Graphviz's `dot` is installed.
//!
//! The data is `examples/data/iris.csv`; see `examples/data/README.md`.

mod common;

use autodiff::{differentiable, softmax_cross_entropy, Matrix, Vector};
use common::{
    cross_validate, fit_standardizer, parse_csv, standardize, stratified_folds, Adam, SplitMix64,
};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const FEATURES: usize = 4;
const CLASSES: usize = 3;
const FOLDS: usize = 5;
const SEED: u64 = 0;
const EPOCHS: usize = 1000;
const LEARNING_RATE: f64 = 0.05;
/// Weight of the L2 penalty `λ‖W‖²` on the mean loss.
const L2: f64 = 1e-4;
/// Print a progress line every this many epochs.
const REPORT_EVERY: usize = 200;

/// The loss of one example: cross-entropy of `softmax(Wᵀx + b)` against the
/// class `label`, plus `λ‖W‖²` (averaged over a batch this stays `λ‖W‖²`).
#[differentiable(wrt(w, b))]
fn loss(
    w: Matrix<f64, FEATURES, CLASSES>,
    b: Vector<f64, CLASSES>,
    x: Vector<f64, FEATURES>,
    label: usize,
    l2: f64,
) -> f64 {
    softmax_cross_entropy(w.t() * x + b, label) + l2 * w.norm_sq()
}

type Weights = Matrix<f64, FEATURES, CLASSES>;
type Bias = Vector<f64, CLASSES>;

/// Full-batch Adam on `(xs, ys)`; returns the trained `(W, b)`.
fn fit(xs: &[Vector<f64, FEATURES>], ys: &[usize], fold: usize, quiet: bool) -> (Weights, Bias) {
    // The loss is convex, so zeros are as good a start as any.
    let (mut w, mut b) = (Weights::zeros(), Bias::zeros());
    let (mut adam_w, mut adam_b) = (Adam::new(LEARNING_RATE), Adam::new(LEARNING_RATE));
    let n = xs.len() as f64;
    for epoch in 1..=EPOCHS {
        let (mut total, mut dw, mut db) = (0.0, Weights::zeros(), Bias::zeros());
        for (&x, &y) in xs.iter().zip(ys) {
            let (l, gw, gb) = loss_grad(w, b, x, y, L2);
            total += l;
            dw += gw;
            db += gb;
        }
        if !quiet && (epoch % REPORT_EVERY == 0 || epoch == 1) {
            println!("fold {fold} epoch {epoch:>4}  loss {:.4}", total / n);
        }
        adam_w.step(&mut w, dw / n);
        adam_b.step(&mut b, db / n);
    }
    (w, b)
}

fn predict(w: Weights, b: Bias, x: Vector<f64, FEATURES>) -> usize {
    common::argmax((w.t() * x + b).as_array())
}

/// Writes the expression graph of `loss` to `target/seed_model.dot` and, if
/// `dot` runs, renders it to `target/seed_model.svg`. Returns a description
/// of what was written.
fn write_graph() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    let dot = dir.join("seed_model.dot");
    let svg = dir.join("seed_model.svg");
    if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&dot, loss_graph()))
    {
        return format!("could not write {}: {e}", dot.display());
    }
    let rendered = Command::new("dot")
        .arg("-Tsvg")
        .arg(&dot)
        .arg("-o")
        .arg(&svg)
        .status()
        .is_ok_and(|s| s.success());
    if rendered {
        format!("model graph: {} and {}", dot.display(), svg.display())
    } else {
        format!(
            "model graph: {} (install Graphviz to render it: dot -Tsvg)",
            dot.display()
        )
    }
}

fn main() {
    let quiet = common::quiet_flag();
    let graph = write_graph();

    let start = Instant::now();
    let (raw, ys) = parse_csv::<FEATURES>(include_str!("data/iris.csv"), 1);
    let folds = stratified_folds(&ys, FOLDS, &mut SplitMix64::new(SEED));
    let mean = cross_validate(&folds, quiet, |fold, train, test| {
        // Scale with the statistics of the training part only.
        let (mean, std) = fit_standardizer(&raw, train);
        let scale = |i: &usize| Vector::from(standardize(&raw[*i], &mean, &std));
        let train_x: Vec<_> = train.iter().map(scale).collect();
        let train_y: Vec<_> = train.iter().map(|&i| ys[i]).collect();
        let (w, b) = fit(&train_x, &train_y, fold, quiet);
        test.iter()
            .filter(|&i| predict(w, b, scale(i)) == ys[*i])
            .count()
    });
    let elapsed = start.elapsed();

    println!("{graph}");
    // The line a user looks for comes last.
    println!(
        "time: {:.1} ms ({FOLDS} folds x {EPOCHS} full-batch epochs)",
        elapsed.as_secs_f64() * 1e3
    );
    println!("cross-validated accuracy: {mean:.3}");
}
