//! Generates the fuzz cases into `$OUT_DIR/cases.rs` from `AUTODIFF_FUZZ_SEED` (default 1), `AUTODIFF_FUZZ_COUNT` (default `DEFAULT_COUNT`) and `AUTODIFF_FUZZ_FEATURES` (default: every feature but the known bugs).

#[path = "src/gen/mod.rs"]
#[allow(dead_code, unused_imports)]
mod gen;

use std::env;

/// Cases in a default (CI) run.
const DEFAULT_COUNT: u64 = 100;

fn num(var: &str, default: u64) -> u64 {
    match env::var(var) {
        Ok(s) => s
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{var} must be a number, not {s:?}")),
        Err(_) => default,
    }
}

fn main() {
    for v in [
        "AUTODIFF_FUZZ_SEED",
        "AUTODIFF_FUZZ_COUNT",
        "AUTODIFF_FUZZ_FEATURES",
    ] {
        println!("cargo:rerun-if-env-changed={v}");
    }
    println!("cargo:rerun-if-changed=src/gen");
    println!("cargo:rerun-if-changed=build.rs");
    let seed = num("AUTODIFF_FUZZ_SEED", 1);
    let count = num("AUTODIFF_FUZZ_COUNT", DEFAULT_COUNT);
    let spec = env::var("AUTODIFF_FUZZ_FEATURES").unwrap_or_default();
    let features =
        gen::Features::parse(&spec).unwrap_or_else(|e| panic!("AUTODIFF_FUZZ_FEATURES: {e}"));
    let out = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let code = gen::emit::suite(seed, count, &features, &spec);
    std::fs::write(format!("{out}/cases.rs"), code).expect("write cases.rs");
}
