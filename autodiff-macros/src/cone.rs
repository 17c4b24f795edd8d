//! Finds the `sqrt`s of a sum of squares: Euclidean norms, cones at 0.
//!
//! `√(x² + y²)` has no derivative at the origin, but it is the tip of a
//! cone, the function's minimum, and its subgradient of least norm is 0:
//! the answer an optimiser converging there needs. `sqrt`'s own rule gives
//! `ḡ / (2·0) = ∞` there, and the squares below turn it into `∞ · 0 = NaN`.
//! The sqrt nodes found here get `sqrt_cone_vjp0` instead, which passes 0
//! down when the root is 0 (see autodiff-core's rule for the convention).
//!
//! The test is structural, on the graph, so it is exact: the argument must
//! be built only from squares (`a * a` with the same node twice, `a.powi(k)`
//! for an even literal `k > 0`, `v.norm_sq()`, `v.dot(v)`), sums of them,
//! multiples by a nonnegative constant, quotients by a positive one, and
//! sums accumulated by a loop from a nonnegative start. `sqrt(|u|)` is not
//! a sum of squares and keeps the honest infinite slope of a cusp.

use crate::graph::{Graph, Id, Op};
use std::collections::HashSet;

/// Whether node `id` is `sqrt(s)` with `s` a nonnegative sum of squares.
///
/// Reads only the sum under this one node and stops at each square, so it
/// costs the size of that sum, not of the graph.
pub fn is_cone(g: &Graph, id: Id) -> bool {
    let node = &g[id];
    match (&node.op, node.args.as_slice()) {
        (Op::Prim(p), [s]) if p.name == "sqrt" => sum_of_squares(g, *s),
        _ => false,
    }
}

/// Whether `s` is nonnegative by construction (see the module doc).
///
/// A loop-carried variable is nonnegative if its start is and each
/// iteration's value is, given that it was when the iteration began: a node
/// met again is taken as nonnegative, which is that induction.
fn sum_of_squares(g: &Graph, s: Id) -> bool {
    let mut todo = vec![s];
    let mut seen = HashSet::new();
    while let Some(id) = todo.pop() {
        if !seen.insert(id) {
            continue;
        }
        let node = &g[id];
        match (&node.op, node.args.as_slice()) {
            (Op::Mul, [a, b]) if a == b => {}
            (Op::Prim(p), [_, k]) if p.name == "powi" && even_power(g, *k) => {}
            (Op::Prim(p), [_]) if p.name == "norm_sq" => {}
            (Op::Prim(p), [a, b]) if p.name == "dot" && a == b => {}
            (Op::Add, [a, b]) => todo.extend([*a, *b]),
            (Op::Mul, [k, a]) if constant(g, *k).is_some_and(|k| k >= 0.0) => todo.push(*a),
            (Op::Mul, [a, k]) if constant(g, *k).is_some_and(|k| k >= 0.0) => todo.push(*a),
            (Op::Div, [a, k]) if constant(g, *k).is_some_and(|k| k > 0.0) => todo.push(*a),
            (Op::Lit(_) | Op::Const { .. }, _) if constant(g, id).is_some_and(|k| k >= 0.0) => {}
            (Op::LoopPhi(l) | Op::LoopOut(l), _) => {
                let carried = g
                    .loops
                    .get(l.index())
                    .and_then(|lp| lp.carried.iter().find(|c| c.phi == id || c.out == id));
                match carried {
                    Some(c) => todo.extend([c.init, c.next]),
                    None => return false,
                }
            }
            _ => return false,
        }
    }
    true
}

/// `a.powi(k)` with `k` an even literal above 0: a square.
fn even_power(g: &Graph, k: Id) -> bool {
    match &g[k].op {
        Op::Lit(t) => syn::parse2::<syn::LitInt>(t.clone())
            .ok()
            .and_then(|k| k.base10_parse::<i64>().ok())
            .is_some_and(|k| k > 0 && k % 2 == 0),
        _ => false,
    }
}

/// The value of a constant whose sign is plain from its tokens: a number
/// literal, or the num-traits spellings `T::from(0.5).unwrap()`,
/// `T::one()` and `T::zero()`. Anything else (a `const` of the user's, a
/// path like `PI`) is unknown, which only means no special case.
fn constant(g: &Graph, id: Id) -> Option<f64> {
    match &g[id].op {
        Op::Lit(t) => number(&syn::parse2::<syn::Expr>(t.clone()).ok()?),
        Op::Const { expr, locals } if locals.is_empty() => {
            generic_constant(&syn::parse2::<syn::Expr>(expr.clone()).ok()?)
        }
        _ => None,
    }
}

fn number(e: &syn::Expr) -> Option<f64> {
    match e {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Float(f),
            ..
        }) => f.base10_parse().ok(),
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse().ok(),
        syn::Expr::Paren(p) => number(&p.expr),
        syn::Expr::Group(g) => number(&g.expr),
        _ => None,
    }
}

fn generic_constant(e: &syn::Expr) -> Option<f64> {
    let last = |f: &syn::Expr| match f {
        syn::Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    };
    match e {
        syn::Expr::MethodCall(m) if m.method == "unwrap" && m.args.is_empty() => {
            match &*m.receiver {
                syn::Expr::Call(c) if last(&c.func).as_deref() == Some("from") => {
                    match c.args.iter().collect::<Vec<_>>().as_slice() {
                        [v] => number(v),
                        _ => None,
                    }
                }
                _ => None,
            }
        }
        syn::Expr::Call(c) if c.args.is_empty() => match last(&c.func).as_deref() {
            Some("one") => Some(1.0),
            Some("zero") => Some(0.0),
            _ => None,
        },
        syn::Expr::Paren(p) => generic_constant(&p.expr),
        syn::Expr::Group(g) => generic_constant(&g.expr),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::is_cone;
    use crate::graph::{Graph, Id, Op};
    use crate::{attr, ctx::Ctxt, lower, sig};

    /// The graph of `f`, and for each `sqrt` in it (in order) whether it is a cone.
    fn cones(f: &str) -> Vec<bool> {
        let item: syn::ItemFn = syn::parse_str(f).expect("a function");
        let cx = Ctxt::default();
        let attr = attr::parse(&cx, proc_macro2::TokenStream::new());
        let sig = sig::analyze(&cx, &attr, &item.sig);
        let g: Graph = lower::lower(&cx, &sig, &item.sig.ident, &item.block).graph;
        assert!(cx.finish().is_ok(), "{f} lowers");
        (0..g.nodes.len())
            .filter(|&i| matches!(&g.nodes[i].op, Op::Prim(p) if p.name == "sqrt"))
            .map(|i| is_cone(&g, Id(i as u32)))
            .collect()
    }

    #[test]
    fn norms_as_users_write_them() {
        let ackley = "fn f(x: f64, y: f64) -> f64 { (0.5 * (x * x + y * y)).sqrt() }";
        assert_eq!(cones(ackley), [true]);
        let holder = "fn f(x: f64, y: f64) -> f64 { (x.powi(2) + y.powi(2)).sqrt() }";
        assert_eq!(cones(holder), [true]);
        let quarter = "fn f(x: f64, y: f64) -> f64 { ((x - 1.0) * (x - 1.0) / 4.0 + 2.0 * y.powi(4)).sqrt() }";
        assert_eq!(cones(quarter), [true]);
        let generic =
            "fn f<T: Float>(x: T, y: T) -> T { (T::from(0.5).unwrap() * (x * x + y * y)).sqrt() }";
        assert_eq!(cones(generic), [true]);
        let shared = "fn f(x: f64, y: f64) -> f64 { let r2 = x * x + y * y; r2.sqrt() + r2 }";
        assert_eq!(cones(shared), [true]);
    }

    #[test]
    fn norms_of_vectors_and_loops() {
        let v = "fn f(v: Vector<f64, 3>) -> f64 { v.norm_sq().sqrt() + v.dot(v).sqrt() }";
        assert_eq!(cones(v), [true, true]);
        let looped = "fn f(x: [f64; 3]) -> f64 { let mut s = 0.0; for i in 0..3 { s += x[i] * x[i]; } s.sqrt() }";
        assert_eq!(cones(looped), [true]);
        let negative_start = "fn f(x: [f64; 3]) -> f64 { let mut s = -1.0; for i in 0..3 { s += x[i] * x[i]; } s.sqrt() }";
        assert_eq!(cones(negative_start), [false]);
    }

    #[test]
    fn everything_else_keeps_sqrt() {
        for f in [
            // Bukin N.6 and Eggholder: a cusp, whose slope is infinite.
            "fn f(x: f64, y: f64) -> f64 { (y - 0.01 * x * x).abs().sqrt() }",
            "fn f(x: f64, y: f64) -> f64 { (x / 2.0 + y + 47.0).abs().sqrt() }",
            "fn f(x: f64) -> f64 { x.sqrt() }",
            "fn f(x: f64, y: f64) -> f64 { (x * y).sqrt() }",
            "fn f(x: f64, y: f64) -> f64 { (x * x - y * y).sqrt() }",
            "fn f(x: f64, y: f64) -> f64 { (-0.5 * (x * x + y * y)).sqrt() }",
            "fn f(x: f64, y: f64) -> f64 { ((x * x + y * y) / 0.0).sqrt() }",
            "fn f(x: f64) -> f64 { x.powi(3).sqrt() + x.powi(0).sqrt() }",
            "fn f(x: f64) -> f64 { (PI * (x * x)).sqrt() }",
            "fn f(x: f64, k: f64) -> f64 { (k * (x * x)).sqrt() }",
        ] {
            assert!(cones(f).iter().all(|c| !c), "{f}");
        }
    }
}
