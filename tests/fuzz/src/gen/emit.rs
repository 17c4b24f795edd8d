//! Writes the test of one generated program: the functions, their tracing twins, two vector-valued twins, the evaluation points and a `run()` that checks `_grad`, `_vjp`, `_jvp`, `_hvp` and the twins' `_jacobian` (vector mode, and rows with their seeds built in, which must equal `_vjp` at unit seeds exactly) against the dual-number oracle, and the gradients against finite differences, in f64 and f32.
//!
//! The emitted module expects `super::harness` (tests/fuzz/tests/harness)
//! to be in scope; the suite and the shrinker's scratch crate both provide it.

use super::print::{self, Mode};
use super::*;
use std::fmt::Write;

/// Where a parameter's values come from in the checking closures.
enum Src {
    /// Offset into the differentiated inputs `v`.
    Wrt(usize),
    /// Offset into the constant inputs `c`.
    Const(usize),
    /// Index into the flags `fl`.
    Flag(usize),
}

fn layout(f: &Func) -> (Vec<Src>, usize, usize, usize) {
    let (mut nw, mut nc, mut nb) = (0, 0, 0);
    let mut out = Vec::new();
    for p in &f.params {
        let n = match p.ty {
            PTy::Arr(n) => n,
            _ => 1,
        };
        match (p.ty, p.wrt) {
            (PTy::Bool, _) => {
                out.push(Src::Flag(nb));
                nb += 1;
            }
            (_, true) => {
                out.push(Src::Wrt(nw));
                nw += n;
            }
            (_, false) => {
                out.push(Src::Const(nc));
                nc += n;
            }
        }
    }
    (out, nw, nc, nb)
}

/// `let` bindings of every parameter; `dual` wraps constants as dual constants.
fn bindings(f: &Func, dual: bool) -> String {
    bindings_with(
        f,
        if dual {
            "T::cst(T::of(c[{k}]))"
        } else {
            "T::of(c[{k}])"
        },
    )
}

/// `let` bindings with constant `k` written by `constant` (`{k}` replaced).
fn bindings_with(f: &Func, constant: &str) -> String {
    let (srcs, ..) = layout(f);
    let mut s = String::new();
    for (p, src) in f.params.iter().zip(srcs) {
        let one = |k: usize, from_v: bool| {
            if from_v {
                format!("v[{k}]")
            } else {
                constant.replace("{k}", &k.to_string())
            }
        };
        let val = match (p.ty, src) {
            (_, Src::Flag(k)) => format!("fl[{k}]"),
            (PTy::Arr(n), Src::Wrt(k)) => {
                let es: Vec<String> = (0..n).map(|j| one(k + j, true)).collect();
                format!("[{}]", es.join(", "))
            }
            (PTy::Arr(n), Src::Const(k)) => {
                let es: Vec<String> = (0..n).map(|j| one(k + j, false)).collect();
                format!("[{}]", es.join(", "))
            }
            (_, Src::Wrt(k)) => one(k, true),
            (_, Src::Const(k)) => one(k, false),
        };
        let _ = write!(s, "let {} = {val}; ", p.name);
    }
    s
}

fn args(f: &Func) -> String {
    let names: Vec<&str> = f.params.iter().map(|p| p.name.as_str()).collect();
    names.join(", ")
}

/// The tangent arguments of `f_jvp`, one per differentiated parameter,
/// taken from the flat direction `t`.
fn tangents(f: &Func) -> String {
    let mut out = Vec::new();
    let mut k = 0;
    for p in f.params.iter().filter(|p| p.wrt) {
        match p.ty {
            PTy::Arr(n) => {
                let es: Vec<String> = (k..k + n).map(|j| format!("t[{j}]")).collect();
                out.push(format!("[{}]", es.join(", ")));
                k += n;
            }
            _ => {
                out.push(format!("t[{k}]"));
                k += 1;
            }
        }
    }
    out.join(", ")
}

/// Copies each differentiated parameter's part into its slots of flat
/// arrays: for each `(dst, src, suffix)`, `dst[k..k + n]` from
/// `{src}{i}{suffix}` (an array parameter) or `dst[k]` (a number), where
/// `i` counts the differentiated parameters.
fn flatten(f: &Func, copies: &[(&str, &str, &str)]) -> String {
    let mut s = String::new();
    let mut k = 0;
    for (gi, p) in f.params.iter().filter(|p| p.wrt).enumerate() {
        let n = match p.ty {
            PTy::Arr(n) => Some(n),
            _ => None,
        };
        for (dst, src, suffix) in copies {
            let _ = match n {
                Some(n) => write!(
                    s,
                    "{dst}[{k}..{}].copy_from_slice(&{src}{gi}{suffix}); ",
                    k + n
                ),
                None => write!(s, "{dst}[{k}] = {src}{gi}{suffix}; "),
            };
        }
        k += n.unwrap_or(1);
    }
    s
}

/// Collects the returned gradients into one flat array.
fn gather(f: &Func) -> String {
    "let mut g = [T::zero(); NW]; ".to_string() + &flatten(f, &[("g", "d", "")])
}

/// The gradient and `H·v` of `f_hvp`, flattened like [`gather`].
fn gather_hvp(f: &Func) -> String {
    "let mut g = [T::zero(); NW]; let mut h = [T::zero(); NW]; ".to_string()
        + &flatten(f, &[("g", "d", ""), ("h", "h", "")])
}

fn hvp_pat(f: &Func) -> String {
    let n = f.params.iter().filter(|p| p.wrt).count();
    let ds: Vec<String> = (0..n).map(|k| format!("d{k}")).collect();
    let hs: Vec<String> = (0..n).map(|k| format!("h{k}")).collect();
    format!("(val, {}, {})", ds.join(", "), hs.join(", "))
}

fn grads_pat(f: &Func) -> String {
    let n = f.params.iter().filter(|p| p.wrt).count();
    let ds: Vec<String> = (0..n).map(|k| format!("d{k}")).collect();
    format!("(val, {})", ds.join(", "))
}

/// `(val, j0, j1, ..)`: the value and one Jacobian block per
/// differentiated parameter.
fn jac_pat(f: &Func) -> String {
    let n = f.params.iter().filter(|p| p.wrt).count();
    let js: Vec<String> = (0..n).map(|k| format!("j{k}")).collect();
    format!("(val, {})", js.join(", "))
}

/// The Jacobian blocks as one `[[T; NW]; m]`, columns in input order.
fn gather_jacobian(f: &Func, m: usize) -> String {
    let rows = flatten(f, &[("j[r]", "j", "[r]")]);
    format!("let mut j = [[T::zero(); NW]; {m}]; for r in 0..{m} {{ {rows}}} ")
}

fn table(rows: &[Vec<String>], ty: &str, width: usize) -> String {
    let rs: Vec<String> = rows.iter().map(|r| format!("[{}]", r.join(", "))).collect();
    format!("[[{ty}; {width}]; {}] = [{}]", rows.len(), rs.join(", "))
}

/// The plain source of the program, as a reproduction shows it.
pub fn source(p: &Program) -> String {
    print::program(p, Mode::Plain, 0)
}

/// The evaluation points, as a reproduction shows them.
pub fn points(p: &Program) -> String {
    let mut s = String::new();
    for k in 0..p.points() {
        let vals: Vec<String> = p
            .main
            .params
            .iter()
            .map(|q| match q.ty {
                PTy::Bool => format!("{} = {}", q.name, q.vals[k][0] != 0.0),
                PTy::Scalar => format!("{} = {:?}", q.name, q.vals[k][0]),
                PTy::Arr(_) => format!("{} = {:?}", q.name, q.vals[k]),
            })
            .collect();
        let _ = writeln!(s, "point {k}: {}", vals.join(", "));
    }
    s
}

/// The module `modname` checking program `p`; `name` labels its failures.
pub fn case(p: &Program, modname: &str, name: &str) -> String {
    let f = &p.main;
    let (_, nw, nc, nb) = layout(f);
    let np = p.points();
    let (mut w, mut c, mut fl) = (Vec::new(), Vec::new(), Vec::new());
    for k in 0..np {
        let (mut wr, mut cr, mut br) = (Vec::new(), Vec::new(), Vec::new());
        for q in &f.params {
            for v in &q.vals[k] {
                match (q.ty, q.wrt) {
                    (PTy::Bool, _) => br.push((*v != 0.0).to_string()),
                    (_, true) => wr.push(format!("{v:?}")),
                    (_, false) => cr.push(format!("{v:?}")),
                }
            }
        }
        w.push(wr);
        c.push(cr);
        fl.push(br);
    }
    let src = format!("{}{}", source(p), points(p));
    let mut s = String::new();
    let _ = writeln!(s, "#[allow(unused, clippy::all, clippy::pedantic)]");
    let _ = writeln!(s, "pub mod {modname} {{");
    let _ = writeln!(s, "    use super::harness::*;");
    s.push_str(&print::program(p, Mode::Plain, 1));
    s.push_str(&print::program(p, Mode::Trace, 1));
    s.push_str(&print::program(p, Mode::Concrete, 1));
    let (twin_a, ma) = print::jacobian_twin(f, "f_va", true, 1);
    let (twin_b, mb) = print::jacobian_twin(f, "f_vb", false, 1);
    s.push_str(&twin_a);
    s.push_str(&twin_b);
    let _ = writeln!(s, "    const NAME: &str = {name:?};");
    let _ = writeln!(s, "    const SRC: &str = {src:?};");
    let _ = writeln!(s, "    const NW: usize = {nw};");
    let _ = writeln!(s, "    const W: {};", table(&w, "f64", nw));
    let _ = writeln!(s, "    const C: {};", table(&c, "f64", nc));
    let _ = writeln!(s, "    const B: {};", table(&fl, "bool", nb));
    let bound = "T: Prec + AddAssign + SubAssign + MulAssign + DivAssign";
    let dbound = "T::D: AddAssign + SubAssign + MulAssign + DivAssign";
    let _ = writeln!(
        s,
        "    fn check<{bound}>(pt: usize) -> bool where {dbound} {{"
    );
    let _ = writeln!(s, "        let (c, fl) = (C[pt], B[pt]);");
    let (bt, bd, a) = (bindings(f, false), bindings(f, true), args(f));
    let _ = writeln!(s, "        let fv = |v: [T; NW]| {{ {bt}f({a}) }};");
    let _ = writeln!(
        s,
        "        let gr = |v: [T; NW]| {{ {bt}let {} = f_grad({a}); {}(val, g) }};",
        grads_pat(f),
        gather(f)
    );
    let _ = writeln!(
        s,
        "        let vj = |v: [T; NW], seed: T| {{ {bt}let {} = f_vjp({a}, seed); {}(val, g) }};",
        grads_pat(f),
        gather(f)
    );
    let _ = writeln!(
        s,
        "        let jv = |v: [T; NW], t: [T; NW]| {{ {bt}f_jvp({a}, {}) }};",
        tangents(f)
    );
    let _ = writeln!(s, "        let du = |v: [T::D; NW]| {{ {bd}f({a}) }};");
    let _ = writeln!(
        s,
        "        let tr = |v: [T; NW], s: &Sig| {{ {bt}f_trace(s, {a}) }};"
    );
    let _ = writeln!(
        s,
        "        let hv = |v: [T; NW], t: [T; NW]| {{ {bt}let {} = f_hvp({a}, {}); {}(val, g, h) }};",
        hvp_pat(f),
        tangents(f),
        gather_hvp(f)
    );
    let bn = bindings_with(
        f,
        "autodiff::Dual::new(T::cst(T::of(c[{k}])), T::cst(T::zero()))",
    );
    let _ = writeln!(
        s,
        "        let nd = |v: [autodiff::Dual<T::D>; NW]| {{ {bn}f({a}) }};"
    );
    let _ = writeln!(
        s,
        "        let ok = point::<T, NW>(NAME, SRC, W[pt], fv, gr, vj, jv, du, tr) && second::<T, NW>(NAME, SRC, W[pt], gr, hv, nd);"
    );
    // The vector-valued twins' Jacobians: vector mode (as many results as
    // inputs) and, with more inputs than two, rows with their seeds built in.
    for (twin, m) in [("f_va", ma), ("f_vb", mb)] {
        let _ = writeln!(
            s,
            "        let jc = |v: [T; NW]| {{ {bt}let {} = {twin}_jacobian({a}); {}(val, j) }};",
            jac_pat(f),
            gather_jacobian(f, m)
        );
        let _ = writeln!(s, "        let fm = |v: [T; NW]| {{ {bt}{twin}({a}) }};");
        let _ = writeln!(s, "        let dm = |v: [T::D; NW]| {{ {bd}{twin}({a}) }};");
        let _ = writeln!(
            s,
            "        if ok {{ jacobian::<T, NW, {m}>(NAME, SRC, W[pt], jc, fm, dm); }}"
        );
    }
    // With more inputs than its two results, `f_vb_jacobian` runs reverse
    // mode with each row's seed built in: exactly `_vjp` at a unit seed.
    if nw > mb {
        let _ = writeln!(
            s,
            "        let vb = |v: [T; NW], seed: [T; {mb}]| {{ {bt}let {} = f_vb_vjp({a}, seed); {}(val, g) }};",
            grads_pat(f),
            gather(f)
        );
        let _ = writeln!(
            s,
            "        if ok {{ rows_equal_vjp::<T, NW, {mb}>(NAME, SRC, W[pt], jc, vb); }}"
        );
    }
    let _ = writeln!(s, "        ok");
    let _ = writeln!(s, "    }}");
    // The `f64` program's lifted pass against the generic one on `Dual<f64>`.
    let _ = writeln!(s, "    fn concrete(pt: usize) {{");
    let _ = writeln!(s, "        type T = f64;");
    let _ = writeln!(s, "        use autodiff::num_traits::Zero;");
    let _ = writeln!(s, "        let (c, fl) = (C[pt], B[pt]);");
    let ac = args(f);
    let _ = writeln!(
        s,
        "        let hc = |v: [T; NW], t: [T; NW]| {{ {bt}let {} = f_c_hvp({ac}, {}); {}(val, g, h) }};",
        hvp_pat(f),
        tangents(f),
        gather_hvp(f)
    );
    let _ = writeln!(
        s,
        "        let hg = |v: [T; NW], t: [T; NW]| {{ {bt}let {} = f_hvp({a}, {}); {}(val, g, h) }};",
        hvp_pat(f),
        tangents(f),
        gather_hvp(f)
    );
    let _ = writeln!(s, "        same_second_order(NAME, SRC, W[pt], hc, hg);");
    let _ = writeln!(s, "    }}");
    let _ = writeln!(s, "    pub fn run() {{");
    let _ = writeln!(s, "        let mut checked = 0;");
    let _ = writeln!(s, "        for pt in 0..{np} {{");
    let _ = writeln!(s, "            if check::<f64>(pt) {{ checked += 1; }}");
    let _ = writeln!(s, "            check::<f32>(pt);");
    let _ = writeln!(s, "            concrete(pt);");
    let _ = writeln!(s, "        }}");
    let _ = writeln!(s, "        no_points(NAME, SRC, checked);");
    let _ = writeln!(s, "    }}");
    let _ = writeln!(s, "}}");
    s
}

/// The whole suite: `count` cases of `seed`, one `#[test]` each.
pub fn suite(seed: u64, count: u64, f: &Features, spec: &str) -> String {
    let feats = if spec.is_empty() {
        String::new()
    } else {
        format!(" {spec:?}")
    };
    let mut s = String::new();
    for k in 0..count {
        let p = generate::program(seed, k, f);
        let m = format!("case_{k}");
        let name = format!("fuzz seed {seed} case {k} (shrink: cargo run -p autodiff-fuzz --bin shrink -- {seed} {k}{feats})");
        s.push_str(&case(&p, &m, &name));
        let _ = writeln!(s, "#[test]\nfn fuzz_{k}() {{\n    {m}::run();\n}}");
    }
    s
}
