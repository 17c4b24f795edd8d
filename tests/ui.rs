//! Compile-fail tests for `#[differentiable]`: each file in `tests/ui/` makes
//! one mistake, and its `.stderr` pins the diagnostic (message and span).
//!
//! Every case also calls the generated `_grad` (or `_vjp`), which proves the
//! macro still emits stubs on error, so the user sees only the real mistake
//! and not a cascade of "cannot find function `f_grad`".
//!
//! Regenerate the expected output with `TRYBUILD=overwrite cargo test --test ui`
//! and read every changed `.stderr` before committing it.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}

/// What must build and run: second order through a `#[custom_vjp]` rule
/// written generic over its float.
#[test]
fn ui_pass() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui-build/pass/*.rs");
}
