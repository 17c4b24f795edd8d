//! The generated cases: random `#[differentiable]` programs (written by `build.rs` from `AUTODIFF_FUZZ_SEED` and `AUTODIFF_FUZZ_COUNT`), each checked against dual numbers and finite differences.

#[path = "../../common/mod.rs"]
mod common;
mod harness;

include!(concat!(env!("OUT_DIR"), "/cases.rs"));
