//! Helpers shared by the `train` and `digits` examples: CSV loading, a
//! deterministic RNG, stratified folds, feature scaling and Adam. None of
//! this is differentiated; the gradients come from `#[differentiable]`.
//!
//! Cargo does not treat files in subdirectories of `examples/` as examples,
//! so each example pulls this in with `mod common;`.

// Each example uses a different subset of these helpers.
#![allow(dead_code)]

use autodiff::Shape;

/// Parses `text` as comma-separated rows of `D` float features followed by an
/// integer class label, skipping the first `skip` lines (headers).
///
/// # Panics
///
/// On a malformed row: these are the files shipped in `examples/data/`.
pub fn parse_csv<const D: usize>(text: &str, skip: usize) -> (Vec<[f64; D]>, Vec<usize>) {
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    for (n, line) in text.lines().enumerate().skip(skip) {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let mut fields = line.split(',');
        let mut x = [0.0; D];
        for v in x.iter_mut() {
            let field = fields
                .next()
                .unwrap_or_else(|| panic!("line {}: too few fields", n + 1));
            *v = field
                .trim()
                .parse()
                .unwrap_or_else(|e| panic!("line {}: {field:?}: {e}", n + 1));
        }
        let label = fields
            .next()
            .unwrap_or_else(|| panic!("line {}: no label", n + 1));
        let label: f64 = label
            .trim()
            .parse()
            .unwrap_or_else(|e| panic!("line {}: label {label:?}: {e}", n + 1));
        assert!(fields.next().is_none(), "line {}: too many fields", n + 1);
        xs.push(x);
        ys.push(label as usize);
    }
    (xs, ys)
}

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, fast, and the same stream on
/// every platform, so a run is reproducible from its seed.
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`, with 53 random bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is below 2⁻³²
    /// for the sizes used here).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    /// Uniform in `[-a, a)`.
    pub fn symmetric(&mut self, a: f64) -> f64 {
        a * (2.0 * self.next_f64() - 1.0)
    }

    /// Fisher-Yates shuffle.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

/// Splits the sample indices `0..labels.len()` into `k` folds of (nearly)
/// equal size and class mix: the indices are shuffled, grouped by class
/// (keeping the shuffled order within a class), and dealt to the folds in
/// turn, so each class is spread over the folds as evenly as possible.
/// Returns, for each fold, its `(train, test)` indices.
pub fn stratified_folds(
    labels: &[usize],
    k: usize,
    rng: &mut SplitMix64,
) -> Vec<(Vec<usize>, Vec<usize>)> {
    let mut order: Vec<usize> = (0..labels.len()).collect();
    rng.shuffle(&mut order);
    // Stable sort: within a class the shuffled order survives.
    order.sort_by_key(|&i| labels[i]);
    let mut fold_of = vec![0; labels.len()];
    for (pos, &i) in order.iter().enumerate() {
        fold_of[i] = pos % k;
    }
    (0..k)
        .map(|f| {
            let (test, train): (Vec<usize>, Vec<usize>) =
                (0..labels.len()).partition(|&i| fold_of[i] == f);
            (train, test)
        })
        .collect()
}

/// Per-feature mean and standard deviation of the rows `idx` of `xs`
/// (population std; 1 for a constant feature so it scales to 0, not NaN).
pub fn fit_standardizer<const D: usize>(xs: &[[f64; D]], idx: &[usize]) -> ([f64; D], [f64; D]) {
    let n = idx.len() as f64;
    let mut mean = [0.0; D];
    for &i in idx {
        for (m, &v) in mean.iter_mut().zip(&xs[i]) {
            *m += v / n;
        }
    }
    let mut std = [0.0; D];
    for &i in idx {
        for ((s, &v), &m) in std.iter_mut().zip(&xs[i]).zip(&mean) {
            *s += (v - m) * (v - m) / n;
        }
    }
    for s in &mut std {
        *s = if *s > 0.0 { s.sqrt() } else { 1.0 };
    }
    (mean, std)
}

/// `(x - mean) / std`, feature by feature.
pub fn standardize<const D: usize>(x: &[f64; D], mean: &[f64; D], std: &[f64; D]) -> [f64; D] {
    core::array::from_fn(|j| (x[j] - mean[j]) / std[j])
}

/// Adam (Kingma & Ba 2015) for one parameter of any shape: a scalar, a
/// `Vector` or a `Matrix`, using the shapes' elementwise maps.
pub struct Adam<P> {
    m: P,
    v: P,
    t: i32,
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
}

impl<P: Shape<Elem = f64>> Adam<P> {
    pub fn new(lr: f64) -> Self {
        Self {
            m: P::splat(0.0),
            v: P::splat(0.0),
            t: 0,
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
        }
    }

    /// One step of `p` against the gradient `g`.
    pub fn step(&mut self, p: &mut P, g: P) {
        let (b1, b2, eps) = (self.beta1, self.beta2, self.eps);
        self.t += 1;
        self.m = self.m.zip_map(g, |m, g| b1 * m + (1.0 - b1) * g);
        self.v = self.v.zip_map(g, |v, g| b2 * v + (1.0 - b2) * g * g);
        // Bias correction folded into the step size and epsilon.
        let c1 = 1.0 - b1.powi(self.t);
        let c2 = (1.0 - b2.powi(self.t)).sqrt();
        let lr = self.lr * c2 / c1;
        let eps = eps * c2;
        *p = p.zip3_map(self.m, self.v, |p, m, v| p - lr * m / (v.sqrt() + eps));
    }
}

/// Index of the largest element.
pub fn argmax(v: &[f64]) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best
}

/// `true` if `--quiet` (or `-q`) is among the command-line arguments.
pub fn quiet_flag() -> bool {
    std::env::args()
        .skip(1)
        .any(|a| a == "--quiet" || a == "-q")
}

/// Cross-validation over `folds` (from [`stratified_folds`]).
/// `fit_and_count(fold, train, test)` trains on the rows `train` and returns
/// how many rows of `test` it classifies correctly. Prints each fold's
/// accuracy unless `quiet`; returns the mean accuracy.
pub fn cross_validate(
    folds: &[(Vec<usize>, Vec<usize>)],
    quiet: bool,
    mut fit_and_count: impl FnMut(usize, &[usize], &[usize]) -> usize,
) -> f64 {
    let mut total = 0.0;
    for (fold, (train, test)) in folds.iter().enumerate() {
        let fold = fold + 1;
        let correct = fit_and_count(fold, train, test);
        let acc = correct as f64 / test.len() as f64;
        if !quiet {
            println!(
                "fold {fold}: test accuracy {acc:.3} ({correct}/{})",
                test.len()
            );
        }
        total += acc;
    }
    total / folds.len() as f64
}
