//! The random-program generator of the fuzz crate, as a library for the `shrink` binary (the build script includes the same modules by path).
pub mod gen;
