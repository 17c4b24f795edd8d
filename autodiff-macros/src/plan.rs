//! Stage 4a: decisions taken before any code is written: which loops run
//! their backward steps inside their forward iterations, which array
//! gradients can be assigned rather than accumulated, and where the 2 of a
//! square is factored out of a sum (of its adjoint in reverse mode, of its
//! tangent in forward mode).

use crate::emit::Emitter;
use crate::graph::{Id, LoopId, Op, Scope};
use proc_macro2::TokenStream;
use quote::ToTokens;

impl Emitter<'_> {
    /// Where factoring out a square's 2 pays: a parameter or element whose
    /// every share comes from a square, directly or through nodes with one
    /// share and one reader (`-2 (x d₁ + (1 - x) d₂)` for Rosenbrock's `x`).
    /// There the 2 is applied once, by the multiplication that finishes the
    /// gradient; anywhere else a whole share lets the 2 fold into constants.
    pub(crate) fn plan_halves(&self) -> std::collections::HashSet<Id> {
        let g = self.g;
        let n = g.nodes.len();
        let live = |i: usize| self.reach[i] && g.nodes[i].active && g.nodes[i].array.is_none();
        // The shares each node receives, and how many it sends.
        let mut incoming: Vec<Vec<Id>> = vec![Vec::new(); n];
        let mut sends = vec![0usize; n];
        for c in (0..n).filter(|&c| live(c)) {
            let node = &g.nodes[c];
            let targets: Vec<Id> = match &node.op {
                Op::Mul if node.args[0] == node.args[1] => vec![node.args[0]],
                Op::Add | Op::Sub | Op::Neg | Op::Mul | Op::Div | Op::Call { .. } => {
                    node.args.clone()
                }
                Op::Prim(p) => node
                    .args
                    .iter()
                    .zip(p.diff)
                    .filter(|(_, d)| **d)
                    .map(|(a, _)| *a)
                    .collect(),
                Op::Select(_) => node.args[1..].to_vec(),
                _ => Vec::new(),
            };
            for t in targets.into_iter().filter(|t| live(t.index())) {
                incoming[t.index()].push(Id(c as u32));
                sends[c] += 1;
            }
        }
        let square = |c: usize| is_square(g, Id(c as u32));
        let sink = |i: usize| matches!(g.nodes[i].op, Op::Param(_) | Op::Elem(_));
        // Follow each square's share while it is the only share of a node
        // that passes it on to one other node unchanged.
        let mut ends: Vec<Vec<Id>> = vec![Vec::new(); n];
        for c in (0..n).filter(|&c| live(c) && square(c)) {
            let mut at = g.nodes[c].args[0].index();
            loop {
                let passes = matches!(g.nodes[at].op, Op::Add | Op::Sub | Op::Neg);
                if sink(at) || !(passes && incoming[at].len() == 1 && sends[at] == 1) {
                    break;
                }
                match g.nodes[at].args.iter().find(|a| live(a.index())) {
                    Some(next) => at = next.index(),
                    None => break,
                }
            }
            ends[at].push(Id(c as u32));
        }
        let mut halves = std::collections::HashSet::new();
        for s in
            (0..n).filter(|&s| sink(s) && ends[s].len() >= 2 && ends[s].len() == incoming[s].len())
        {
            halves.extend(ends[s].iter().copied());
        }
        halves
    }

    /// Forward mode's squares whose tangent is written at half its size
    /// (`x ẋ` for `x²`), with the sums (and constant multiples) that carry
    /// the halves to a `sqrt`
    /// (a cone: `sqrt_cone_half_vjp0`, whose `1/y` absorbs the 2). So
    /// `√(x² + y²)` costs `(x ẋ + y ẏ) / r` per tangent, as written by hand,
    /// not `(2x ẋ + 2y ẏ) / (2r)`, and rounds the same (scaling by 2 is
    /// exact). Per `sqrt`, the tree of sums and squares under it is taken
    /// whole or not at all: every node in it must be read only inside it,
    /// not be the result or a loop's carried value, and be a number (`m * m`
    /// of a `Matrix` is a matrix product). A node met by two trees sinks
    /// both, so each node is visited once.
    pub(crate) fn plan_tangent_halves(&self) -> Vec<bool> {
        let g = self.g;
        let n = g.nodes.len();
        let number = crate::emit_lanes::numbers(g, self.sig);
        let square = |i: usize| is_square(g, Id(i as u32));
        let sum = |i: usize| matches!(g.nodes[i].op, Op::Add | Op::Sub);
        // `k · s` and `s / k` with a constant `k`: their tangent is `k ṡ`
        // or `ṡ / k`, a half if `ṡ` is.
        let scaled = |i: usize| {
            let node = &g.nodes[i];
            let active = |k: usize| g[node.args[k]].active;
            match node.op {
                Op::Mul => node.args[0] != node.args[1] && active(0) != active(1),
                Op::Div => active(0) && !active(1),
                _ => false,
            }
        };
        let mut users: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (i, node) in g.nodes.iter().enumerate() {
            for a in &node.args {
                users[a.index()].push(i as u32);
            }
        }
        let mut pinned = vec![false; n];
        pinned[self.out.index()] = true;
        for c in g.loops.iter().flat_map(|l| &l.carried) {
            for id in [c.phi, c.init, c.next, c.out] {
                pinned[id.index()] = true;
            }
        }
        const FREE: u32 = u32::MAX;
        let mut owner = vec![FREE; n];
        let mut half = vec![false; n];
        let roots = (0..n).filter(|&s| {
            matches!(&g.nodes[s].op, Op::Prim(p) if p.name == "sqrt")
                && crate::cone::is_cone(g, Id(s as u32))
        });
        for s in roots {
            let tree = s as u32;
            let (mut todo, mut members, mut ok) = (vec![g.nodes[s].args[0]], Vec::new(), true);
            while let Some(v) = todo.pop() {
                let i = v.index();
                if owner[i] == tree {
                    continue;
                }
                let node = &g.nodes[i];
                if owner[i] != FREE
                    || pinned[i]
                    || !number[i]
                    || !(square(i) || sum(i) || scaled(i))
                {
                    ok = false;
                    break;
                }
                owner[i] = tree;
                members.push(i);
                if sum(i) || scaled(i) {
                    todo.extend(node.args.iter().filter(|a| g[**a].active));
                }
            }
            ok = ok
                && members.iter().all(|&i| {
                    users[i]
                        .iter()
                        .all(|&u| u == tree || owner[u as usize] == tree)
                });
            if ok {
                for i in members {
                    half[i] = true;
                }
            }
        }
        half
    }

    /// Whether the loops visit each element these reads address at most
    /// once, so its gradient can be assigned (`d_x[i] = g`) rather than
    /// accumulated (`d_x[i] = d_x[i] + g`, which the optimiser must keep:
    /// `0.0 + g` is not `g` for `g = -0.0`). Two provable cases: one read
    /// indexed by the variables of all the loops around it (`w[i][j]`), or
    /// reads `x[a·i + b]` in one loop with distinct `b` below `a`
    /// (`x[2 * i]`, `x[2 * i + 1]`).
    pub(crate) fn each_element_once(&self, elems: &[Id]) -> bool {
        let g = self.g;
        let around = |scope: Scope| -> Vec<LoopId> {
            g.loop_ids()
                .filter(|&l| g.within(scope, g[l].body))
                .collect()
        };
        let in_a_body = |id: &Id| self.ix.body_of[g[*id].scope.0 as usize].is_some();
        if elems.is_empty() || !elems.iter().all(in_a_body) {
            return false;
        }
        if let [only] = elems {
            let mut vars: Vec<LoopId> = Vec::new();
            for a in &g[*only].args {
                match g[*a].op {
                    Op::LoopIndex(l) if !vars.contains(&l) => vars.push(l),
                    _ => return self.strided(elems, &around),
                }
            }
            let mut loops = around(g[*only].scope);
            vars.sort_unstable();
            loops.sort_unstable();
            if vars == loops {
                return true;
            }
        }
        self.strided(elems, &around)
    }

    /// `x[a·i + b]` reads in one loop `i` (and no loop around it), all with
    /// the same `a` and distinct `b < a`.
    pub(crate) fn strided(&self, elems: &[Id], around: &dyn Fn(Scope) -> Vec<LoopId>) -> bool {
        let g = self.g;
        let scope = g[elems[0]].scope;
        let [l] = around(scope)[..] else { return false };
        let mut offsets = Vec::new();
        let mut stride = None;
        for e in elems {
            let node = &g[*e];
            let ([index], true) = (&node.args[..], node.scope == scope) else {
                return false;
            };
            let Some((a, b)) = self.affine(*index, l) else {
                return false;
            };
            if *stride.get_or_insert(a) != a || b >= a || offsets.contains(&b) {
                return false;
            }
            offsets.push(b);
        }
        true
    }

    /// `(a, b)` if node `id` computes `a·i + b` from loop `l`'s variable.
    pub(crate) fn affine(&self, id: Id, l: LoopId) -> Option<(u128, u128)> {
        let g = self.g;
        let lit = |id: Id| match &g[id].op {
            Op::Lit(t) => syn::parse2::<syn::LitInt>(t.clone())
                .ok()?
                .base10_parse::<u128>()
                .ok(),
            _ => None,
        };
        let node = &g[id];
        match node.op {
            Op::LoopIndex(k) if k == l => Some((1, 0)),
            Op::Mul => {
                let (x, y) = (node.args[0], node.args[1]);
                let (a, inner) = match (lit(x), lit(y)) {
                    (Some(a), None) => (a, y),
                    (None, Some(a)) => (a, x),
                    _ => return None,
                };
                let (a2, b2) = self.affine(inner, l)?;
                (b2 == 0 && a >= 1).then_some((a * a2, 0))
            }
            Op::Add => {
                let (x, y) = (node.args[0], node.args[1]);
                let (b, inner) = match (lit(x), lit(y)) {
                    (Some(b), None) => (b, y),
                    (None, Some(b)) => (b, x),
                    _ => return None,
                };
                let (a, b0) = self.affine(inner, l)?;
                Some((a, b0 + b))
            }
            _ => None,
        }
    }

    /// The literal index of each element, if every element is addressed by
    /// integer literals and no two addresses coincide, so each can be
    /// assigned rather than accumulated.
    pub(crate) fn distinct_literal_indices(&self, elems: &[Id]) -> Option<Vec<Vec<u128>>> {
        let mut seen = std::collections::HashSet::new();
        elems
            .iter()
            .map(|id| {
                let index: Vec<u128> = self
                    .g
                    .node(*id)
                    .args
                    .iter()
                    .map(|a| match &self.g[*a].op {
                        Op::Lit(t) => syn::parse2::<syn::LitInt>(t.clone())
                            .ok()?
                            .base10_parse()
                            .ok(),
                        _ => None,
                    })
                    .collect::<Option<_>>()?;
                seen.insert(index.clone()).then_some(index)
            })
            .collect()
    }

    /// The adjoint of each carried variable, if the loop sits at the top,
    /// each differentiated carried variable only accumulates (`f = f + e`,
    /// `f = f - e`, the old value used nowhere else), and its value after
    /// the loop reaches the output through sums alone.
    pub(crate) fn fusable(&self, l: LoopId) -> Option<Vec<TokenStream>> {
        let g = self.g;
        let lp = &g[l];
        if lp.parent != Scope::TOP {
            return None;
        }
        if g.loops.iter().any(|inner| g.within(inner.parent, lp.body)) {
            // With an inner loop, interleaving its backward pass with the
            // forward iterations costs more than keeping the inner results
            // and running backwards afterwards (measured: BENCHMARKS.md).
            return None;
        }
        if lp
            .carried
            .iter()
            .any(|c| g[c.phi].array.is_some() && g[c.phi].active)
        {
            return None;
        }
        let mut early = Vec::new();
        for c in &lp.carried {
            if !g[c.phi].active || !self.reach[c.out.index()] {
                early.push(TokenStream::new());
                continue;
            }
            // Walk the chain from the phi to the value at the end of the body.
            let mut at = c.phi;
            while at != c.next {
                let users: Vec<usize> = self.users(at);
                let [u] = users[..] else { return None };
                let user = &g.nodes[u];
                let chain_ok = user.scope == lp.body
                    && match user.op {
                        Op::Add => user.args[0] != user.args[1],
                        Op::Sub => user.args[0] == at && user.args[1] != at,
                        _ => false,
                    };
                if !chain_ok {
                    return None;
                }
                at = Id(u as u32);
            }
            if !self.users(c.next).is_empty() {
                return None;
            }
            early.push(self.early_adjoint(c.out)?);
        }
        Some(early)
    }

    /// Reachable nodes that use `id` as an argument (once per use), other
    /// than the loop bookkeeping that refers to carried values.
    pub(crate) fn users(&self, id: Id) -> Vec<usize> {
        self.ix.users[id.index()]
            .iter()
            .map(|&u| u as usize)
            .collect()
    }

    /// The adjoint of a top-level node as an expression of the seed, when
    /// only sums lie between it and the output.
    pub(crate) fn early_adjoint(&self, id: Id) -> Option<TokenStream> {
        if id == self.out {
            return Some(self.names.seed.to_token_stream());
        }
        let users = self.users(id);
        let [u] = users[..] else {
            // Also the value before a later accumulating loop.
            return self.feeds_fused_loop(id);
        };
        let user = &self.g.nodes[u];
        if user.scope != Scope::TOP || self.feeds_fused_loop(id).is_some() {
            return None;
        }
        match user.op {
            Op::Add if user.args[0] != user.args[1] => self.early_adjoint(Id(u as u32)),
            Op::Sub if user.args[0] == id && user.args[1] != id => self.early_adjoint(Id(u as u32)),
            _ => None,
        }
    }

    pub(crate) fn feeds_fused_loop(&self, id: Id) -> Option<TokenStream> {
        for (l, lp) in self.g.loops.iter().enumerate() {
            for (k, c) in lp.carried.iter().enumerate() {
                if c.init == id && self.users(id).is_empty() {
                    return self.fused[l].as_ref().map(|e| e[k].clone());
                }
            }
        }
        None
    }
}

/// `x * x` (the same node twice) or `x.powi(2)`: a square, whose
/// derivative's 2 both modes can carry along.
fn is_square(g: &crate::graph::Graph, id: Id) -> bool {
    let node = &g[id];
    match &node.op {
        Op::Mul => node.args[0] == node.args[1],
        Op::Prim(p) => {
            p.name == "powi" && matches!(&g[node.args[1]].op, Op::Lit(t) if t.to_string() == "2")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::emit::{Emitter, Mode};
    use crate::graph::Op;

    /// The nodes of `f`'s forward pass whose tangents are halves, by kind.
    #[allow(dead_code)] // the macro bench compiles this module without running tests
    fn halves(f: &str) -> Vec<&'static str> {
        let item: syn::ItemFn = syn::parse_str(f).expect("a function");
        let cx = crate::ctx::Ctxt::default();
        let attr = crate::attr::parse(&cx, proc_macro2::TokenStream::new());
        let sig = crate::sig::analyze(&cx, &attr, &item.sig);
        let lowered = crate::lower::lower(&cx, &sig, &item.sig.ident, &item.block);
        let names = crate::names::Names::new(&item, &sig, &attr);
        let out = lowered.out.expect("a result");
        let em = Emitter::new(&cx, &lowered.graph, &sig, &names, out, Mode::Forward);
        let kinds = lowered
            .graph
            .nodes
            .iter()
            .zip(&em.tangent_halves)
            .filter(|(_, h)| **h)
            .map(|(node, _)| match &node.op {
                Op::Mul if node.args[0] == node.args[1] => "square",
                Op::Mul | Op::Div => "scaled",
                Op::Prim(_) => "powi",
                _ => "sum",
            })
            .collect();
        drop(em);
        cx.finish().expect("lowers");
        kinds
    }

    #[test]
    fn norms_carry_halves() {
        let planar = "fn f(x: f64, y: f64) -> f64 { (x * x + y * y).sqrt() * x }";
        assert_eq!(halves(planar), ["square", "square", "sum"]);
        let powers =
            "fn f(x: [f64; 3]) -> f64 { (x[0].powi(2) + x[1].powi(2) + x[2] * x[2]).sqrt() }";
        assert_eq!(halves(powers), ["powi", "powi", "sum", "square", "sum"]);
        let generic = "fn f<T: Float>(x: T, y: T) -> T { (x * x + y * y).sqrt() }";
        assert_eq!(halves(generic).len(), 3);
        // Ackley's: a constant multiple and a quotient carry halves on.
        let scaled = "fn f(x: f64, y: f64) -> f64 { (0.5 * (x * x + y * y) / 3.0 + 1.0).sqrt() }";
        assert_eq!(
            halves(scaled),
            ["square", "square", "sum", "scaled", "scaled", "sum"]
        );
    }

    #[test]
    fn other_readers_keep_whole_tangents() {
        for f in [
            // The square is read outside the norm too: nothing is halved.
            "fn f(x: f64, y: f64) -> f64 { (x * x + y * y).sqrt() + x * x }",
            "fn f(x: f64, y: f64) -> f64 { let r2 = x * x + y * y; r2.sqrt() + r2 }",
            // No sqrt, or not a cone.
            "fn f(x: f64, y: f64) -> f64 { x * x + y * y }",
            "fn f(x: f64, y: f64) -> f64 { (x * x - y * y).sqrt() }",
            // A product with a variable is not a constant multiple.
            "fn f(x: f64, y: f64, k: f64) -> f64 { (k * (x * x + y * y)).sqrt() }",
            // A loop's carried sum.
            "fn f(x: [f64; 3]) -> f64 { let mut s = 0.0; for i in 0..3 { s += x[i] * x[i]; } s.sqrt() }",
            // Matrix squares are matrix products.
            "fn f(m: Matrix<f64, 2, 2>) -> f64 { (m * m).sum().sqrt() }",
        ] {
            assert!(halves(f).is_empty(), "{f}: {:?}", halves(f));
        }
    }

    #[test]
    fn a_sum_shared_by_two_norms_stays_whole() {
        let f =
            "fn f(x: f64, y: f64) -> f64 { let s = x * x + y * y; s.sqrt() + (s + x * y).sqrt() }";
        assert!(halves(f).is_empty());
        let f = "fn f(x: f64, y: f64) -> f64 { (x * x + y * y).sqrt() + (x * x).sqrt() }";
        // `x * x` is one node read by both: only `y * y` could be halved,
        // and its sum is read with a whole `x * x`, so neither tree is.
        assert!(halves(f).is_empty(), "{:?}", halves(f));
    }
}
