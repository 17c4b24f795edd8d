//! Stage 4d: the expression graph as Graphviz DOT, for `<name>_graph()`.
//! Like the figures of the seed article: data flows along the edges, and
//! every operation shows its local derivative beside it.

use crate::emit::Item;
use crate::graph::{Graph, Id, Op, Scope};
use crate::index::Index;
use crate::sig::Sig;
use std::fmt::Write;
use syn::Ident;

pub fn render(g: &Graph, sig: &Sig, out: Id, name: &Ident) -> String {
    let reach = g.reachable(out);
    let ix = Index::new(g, &reach, sig.params.len());
    let mut dot = String::new();
    let _ = writeln!(dot, "digraph {name} {{");
    dot.push_str("  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
    let cx = Drawing {
        g,
        sig,
        ix: &ix,
        out,
    };
    write_ctx(&mut dot, &cx, Scope::TOP, 1);
    for (i, n) in g.nodes.iter().enumerate() {
        if !reach[i] {
            continue;
        }
        for a in &n.args {
            let style = if g[*a].active && n.active {
                ""
            } else {
                " [style=dashed]"
            };
            let _ = writeln!(dot, "  n{} -> n{i}{style};", a.0);
        }
    }
    dot.push_str("}\n");
    dot
}

/// What every scope of the drawing reads.
struct Drawing<'a> {
    g: &'a Graph,
    sig: &'a Sig,
    ix: &'a Index,
    out: Id,
}

fn write_ctx(dot: &mut String, cx: &Drawing, scope: Scope, depth: usize) {
    let Drawing { g, sig, out, .. } = *cx;
    let pad = "  ".repeat(depth);
    for &id in &cx.ix.nodes[scope.0 as usize] {
        let (i, n) = (id.index(), &g[id]);
        let label = escape(&label(g, sig, id));
        let mut attrs = format!("label=\"{label}\"");
        match n.op {
            Op::Param(p) if sig.params[p].diff => {
                attrs.push_str(", shape=ellipse, style=filled, fillcolor=\"#cfe3ff\"")
            }
            Op::Elem(p) if sig.params[p].diff => {
                attrs.push_str(", shape=ellipse, style=filled, fillcolor=\"#cfe3ff\"")
            }
            Op::Param(_) | Op::Elem(_) | Op::Lit(_) | Op::Const { .. } => {
                attrs.push_str(", shape=ellipse, color=gray")
            }
            _ if !n.active => attrs.push_str(", color=gray"),
            _ => {}
        }
        if id == out {
            attrs.push_str(", peripheries=2");
        }
        let _ = writeln!(dot, "{pad}n{i} [{attrs}];");
    }
    for item in &cx.ix.items[scope.0 as usize] {
        let b = match item {
            Item::Branch(b) => *b,
            _ => continue,
        };
        let branch = &g[b];
        {
            for (k, arm) in branch.arms.iter().enumerate() {
                let which = if k == 0 { "then" } else { "else" };
                let _ = writeln!(dot, "{pad}subgraph cluster_if{b}_{which} {{\n{pad}  label=\"if n{}: {which}\"; style=dashed;", branch.cond.0);
                write_ctx(dot, cx, *arm, depth + 1);
                let _ = writeln!(dot, "{pad}}}");
            }
        }
    }
    for item in &cx.ix.items[scope.0 as usize] {
        let l = match item {
            Item::Loop(l) => *l,
            _ => continue,
        };
        let lp = &g[l];
        {
            let _ = writeln!(dot, "{pad}subgraph cluster_for{l} {{\n{pad}  label=\"for {} (once per iteration)\"; style=dashed;", lp.var);
            write_ctx(dot, cx, lp.body, depth + 1);
            let _ = writeln!(dot, "{pad}}}");
        }
    }
}

fn label(g: &Graph, sig: &Sig, id: Id) -> String {
    let n = &g[id];
    let arg = |k: usize| short(g, sig, n.args[k]);
    match &n.op {
        Op::Param(p) => sig.params[*p].ident.to_string(),
        Op::Elem(p) => {
            let idx: String = (0..n.args.len()).map(|k| format!("[{}]", arg(k))).collect();
            format!("{}{idx}", sig.params[*p].ident)
        }
        Op::Lit(t) => t.to_string(),
        Op::Const { expr, .. } => format!("const {expr}"),
        Op::Add => "+\n∂/∂a = 1, ∂/∂b = 1".into(),
        Op::Sub => "−\n∂/∂a = 1, ∂/∂b = −1".into(),
        Op::Mul => "×\n∂/∂a = b, ∂/∂b = a".into(),
        Op::Div => "÷\n∂/∂a = 1/b, ∂/∂b = −y/b".into(),
        Op::Neg => "−x\n∂/∂x = −1".into(),
        Op::Prim(p) if crate::cone::is_cone(g, id) => {
            format!("{}\n∂/∂x = 1/(2y), 0 at y = 0 (a norm)", p.name)
        }
        Op::Prim(p) => format!("{}\n{}", p.name, p.label),
        Op::Call { func, .. } => format!("{func}(…)\nits own pullback"),
        Op::Cmp(c) => format!("{c} (no derivative)"),
        Op::And => "&&".into(),
        Op::Or => "||".into(),
        Op::Not => "!".into(),
        Op::Select(_) => format!("if n{} then a else b\n∂/∂(taken arm) = 1", n.args[0].0),
        Op::LoopIndex(l) => g[*l].var.to_string(),
        Op::LoopPhi(_) => "carried value\n(start of iteration)".into(),
        Op::LoopOut(_) => "carried value\n(after the loop)".into(),
        Op::ArrNew { .. } => "local array".into(),
        Op::ArrStore(_) => format!("a[{}] = {}\nā[i] → v̄, then 0", arg(1), arg(2)),
        Op::ArrLoad(_) => format!("a[{}]\nā[i] += ḡ", arg(1)),
    }
}

fn short(g: &Graph, sig: &Sig, id: Id) -> String {
    match &g[id].op {
        Op::Lit(t) => t.to_string(),
        Op::Param(p) => sig.params[*p].ident.to_string(),
        Op::LoopIndex(l) => g[*l].var.to_string(),
        _ => format!("n{}", id.0),
    }
}

/// The local derivative of each primitive, as the article writes it beside
/// the node (`y` is the node's value).
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
