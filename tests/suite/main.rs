//! Every run-pass test of the macro in one test binary, one module per file.
//!
//! One binary rather than one per file: on two cores, each extra binary cost
//! a link, and each that used `tests/common/mod.rs` compiled it again. Only
//! what cannot share a crate stays apart: `tests/ui.rs` (trybuild),
//! `tests/no_alloc.rs` (its own `#[global_allocator]`) and `tests/hygiene.rs`
//! (crate-level `deny` lints and prelude names shadowed at the crate root).
//!
//! A new run-pass test file goes here as `tests/suite/<name>.rs`, with a
//! `mod <name>;` line below; it reaches the shared helpers as `crate::common`.
//! Run one module with `cargo test --test suite <name>::`.

#![deny(warnings)]

#[path = "../common/mod.rs"]
mod common;

#[macro_use]
mod checks;

mod bench_forward;
mod bench_models;
mod branch_smoke;
mod compose_smoke;
mod cones;
mod custom_jvp;
mod dual_nesting;
mod edge_cases;
mod examples_check;
mod forward;
mod fuzz_findings;
mod jacobians;
mod local_arrays;
mod loop_smoke;
mod mgh;
mod mgh_loops;
mod primitives;
mod regressions;
mod second_order;
mod smoke;
mod syntax;
mod vector_mode;
mod vector_outputs;
mod vector_smoke;
