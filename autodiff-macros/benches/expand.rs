//! Benchmark of the expansion itself: `#[differentiable]` on functions of
//! growing size, through the macro's own entry point (the same
//! `expand::differentiable` the proc macro calls, on `proc_macro2`'s
//! fallback tokens), so the graph work is timed without rustc around it.
//!
//! Run: `cargo bench -p autodiff-macros --bench expand` (table and the
//! whole-build comparison: BENCHMARKS.md, "Compile time").
//!
//! Five shapes, each at 350, 700, 1,400 and 2,800 operations:
//! * `sum`: unrolled extended Rosenbrock written as one expression over an
//!   array parameter, 7 operations a term;
//! * `lets`: the same terms as `let` statements accumulated with `+=`;
//! * `branches`: one `if` per term (a branch, a comparison and a select
//!   besides the arithmetic), so the per-branch work is timed too;
//! * `loops`: a loop per term that runs backwards and keeps values;
//! * `vector`: the terms spread over eight results `[f64; 8]` of eight
//!   inputs, so `_jacobian` emits its eight seeded rows and eight lanes.

// The macro's modules, compiled into the benchmark: a proc-macro crate
// exports nothing else (the same trick as serde_derive's internals).
#[allow(dead_code)]
#[path = "../src/attr.rs"]
mod attr;
#[allow(dead_code)]
#[path = "../src/cone.rs"]
mod cone;
#[allow(dead_code)]
#[path = "../src/ctx.rs"]
mod ctx;
#[allow(dead_code)]
#[path = "../src/custom.rs"]
mod custom;
#[allow(dead_code)]
#[path = "../src/dot.rs"]
mod dot;
#[allow(dead_code)]
#[path = "../src/emit.rs"]
mod emit;
#[allow(dead_code)]
#[path = "../src/emit_array.rs"]
mod emit_array;
#[allow(dead_code)]
#[path = "../src/emit_backward.rs"]
mod emit_backward;
#[allow(dead_code)]
#[path = "../src/emit_branch.rs"]
mod emit_branch;
#[allow(dead_code)]
#[path = "../src/emit_fission.rs"]
mod emit_fission;
#[allow(dead_code)]
#[path = "../src/emit_lanes.rs"]
mod emit_lanes;
#[allow(dead_code)]
#[path = "../src/emit_loop.rs"]
mod emit_loop;
#[allow(dead_code)]
#[path = "../src/emit_params.rs"]
mod emit_params;
#[allow(dead_code)]
#[path = "../src/emit_tangent.rs"]
mod emit_tangent;
#[allow(dead_code)]
#[path = "../src/expand.rs"]
mod expand;
#[allow(dead_code)]
#[path = "../src/fallback.rs"]
mod fallback;

#[path = "../src/hessian.rs"]
mod hessian;

#[allow(dead_code)]
#[path = "../src/graph.rs"]
mod graph;
#[allow(dead_code)]
#[path = "../src/index.rs"]
mod index;
#[allow(dead_code)]
#[path = "../src/jacobian.rs"]
mod jacobian;
#[allow(dead_code)]
#[path = "../src/lower/mod.rs"]
mod lower;
#[allow(dead_code)]
#[path = "../src/names.rs"]
mod names;
#[allow(dead_code)]
#[path = "../src/plan.rs"]
mod plan;
#[allow(dead_code)]
#[path = "../src/prim.rs"]
mod prim;
#[path = "../src/second.rs"]
mod second;

#[allow(dead_code)]
#[path = "../src/sig.rs"]
mod sig;
#[allow(dead_code)]
#[path = "../src/signatures.rs"]
mod signatures;
#[path = "../src/sparsity.rs"]
mod sparsity;

use proc_macro2::TokenStream;

const OPS: &[usize] = &[350, 700, 1400, 2800];

/// One term of extended Rosenbrock over `x[2k]`, `x[2k + 1]`: 7 operations.
fn term(k: usize) -> String {
    let (a, b) = (2 * k, 2 * k + 1);
    format!("100.0 * (x[{b}] - x[{a}] * x[{a}]) * (x[{b}] - x[{a}] * x[{a}]) + (1.0 - x[{a}]) * (1.0 - x[{a}])")
}

pub fn source(shape: &str, ops: usize) -> String {
    let terms = ops / 7;
    let n = 2 * terms;
    let body: String = match shape {
        "sum" => (0..terms).map(term).collect::<Vec<_>>().join("\n + "),
        "lets" => {
            let mut s = String::from("let mut s = 0.0;\n");
            for k in 0..terms {
                s += &format!("let t = {};\ns += t;\n", term(k));
            }
            s + "s"
        }
        "branches" => {
            let mut s = String::from("let mut s = 0.0;\n");
            for k in 0..terms {
                let (a, b) = (2 * k, 2 * k + 1);
                s += &format!(
                    "s += if x[{a}] > x[{b}] {{ (x[{a}] - x[{b}]) * x[{a}] }} else {{ x[{b}] * x[{b}] + 1.0 }};\n"
                );
            }
            s + "s"
        }
        "vector" => {
            // Eight results: the Jacobian's seeded rows and its lanes each
            // walk the whole function once more.
            let mut s = String::new();
            for r in 0..8 {
                s += &format!("let mut s{r} = 0.0;\n");
            }
            for k in 0..terms {
                let (a, b, r) = (k % 8, (k + 3) % 8, k % 8);
                s += &format!(
                    "s{r} += (x[{a}] - {k}.5) * (x[{b}] + {k}.25) * x[{a}] - x[{b}] * {k}.75;\n"
                );
            }
            let outs: Vec<String> = (0..8).map(|r| format!("s{r}")).collect();
            return format!(
                "fn f(x: [f64; 8]) -> [f64; 8] {{\n{s}[{}]\n}}",
                outs.join(", ")
            );
        }
        _ => {
            let mut s = String::from("let mut s = 0.0;\n");
            for k in 0..terms {
                s += &format!(
                    "let mut p = x[{k}];\nfor i in 0..3 {{ p = p * x[i] + 1.0; }}\ns += p;\n"
                );
            }
            s + "s"
        }
    };
    format!("fn f(x: [f64; {n}]) -> f64 {{\n{body}\n}}")
}

/// Times the expansion alone: lexing the input is not part of it, and
/// tokens are not `Sync`, so each run lexes its own copy beforehand.
fn expand(shape: &str, ops: usize, bencher: divan::Bencher) {
    let src = source(shape, ops);
    bencher
        .with_inputs(|| match src.parse::<TokenStream>() {
            Ok(tokens) => tokens,
            Err(e) => panic!("benchmark input does not lex: {e}"),
        })
        .bench_values(|tokens| expand::differentiable(TokenStream::new(), tokens));
}

#[divan::bench(args = OPS)]
fn sum(bencher: divan::Bencher, ops: usize) {
    expand("sum", ops, bencher);
}

#[divan::bench(args = OPS)]
fn lets(bencher: divan::Bencher, ops: usize) {
    expand("lets", ops, bencher);
}

#[divan::bench(args = OPS)]
fn branches(bencher: divan::Bencher, ops: usize) {
    expand("branches", ops, bencher);
}

#[divan::bench(args = OPS)]
fn vector(bencher: divan::Bencher, ops: usize) {
    expand("vector", ops, bencher);
}

#[divan::bench(args = OPS)]
fn loops(bencher: divan::Bencher, ops: usize) {
    expand("loops", ops, bencher);
}

fn main() {
    divan::main();
}
