//! Compiling this crate is the test: `#[differentiable]` expands to code that
//! needs neither `std` nor an allocator (`alloc` is not linked here).
#![no_std]
