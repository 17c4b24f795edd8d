//! Stage 4c: `for` loops without a tape.
//!
//! A loop is emitted as a loop in both passes. Its backward pass needs, in
//! each iteration, the values the body's derivatives read. Those that do
//! not depend on a carried variable are recomputed from the loop index;
//! carried variables whose values are read (`p` in `p *= x[i]`) are kept
//! in one stack array each, sized by the trip count. Nothing is allocated.
//!
//! When every carried variable is a plain accumulator (`f += ...`) whose
//! adjoint is known before the loop runs (the loop's result flows to the
//! output through sums only, as a loss usually does), the backward steps
//! run inside the forward iterations instead: one pass, no storage and no
//! recomputation, as a person would write it.

use crate::emit::{hygienic, Contrib, Emitter};
use crate::emit_backward::sum;
use crate::graph::{ArrayId, Id, LoopId, Op, Scope};
use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::Ident;

impl Emitter<'_> {
    /// Decides which values the backward pass reads and which loops run
    /// their backward steps during the forward pass.
    pub(crate) fn analyze_loops(&mut self) {
        let g = self.g;
        for l in g.loop_ids().rev() {
            if !self.repeated {
                self.fused[l.index()] = self.fusable(l);
            }
        }
        self.mark_needed();
        for (i, node) in g.nodes.iter().enumerate() {
            if self.restored[i] && self.ix.body_of[node.scope.0 as usize].is_none() {
                self.cx.push(syn::Error::new(
                    node.span,
                    "this read of a local array sits in an `if` or an inner loop of a loop that runs backwards, \
                     and the array changes later, so its value cannot be recomputed; read it into a variable \
                     directly in the loop body",
                ));
            }
        }
        for l in g.loop_ids() {
            // A loop inside an `if` arm or another loop keeps its values in
            // a store that the backward pass refills by running the loop
            // again; a read of a local array that has changed since cannot
            // be refilled, so it would give a wrong gradient: refused.
            let refilled_read = g[l].parent != Scope::TOP
                && self
                    .stored(l)
                    .iter()
                    .any(|(id, _)| matches!(g[*id].op, Op::ArrLoad(_)));
            if refilled_read {
                self.cx.push(syn::Error::new(
                    g[l].range_span,
                    "this loop sits in an `if` arm or in another loop and reads a local array that changes afterwards, \
                     so the values its backward pass needs cannot be read again; move the loop to the top level \
                     of the function, or write its results to a second array",
                ));
            }
            if !self.stored(l).is_empty() && g[l].capacity.is_none() {
                self.cx.push(syn::Error::new(
                    g[l].range_span,
                    "this loop must keep a value for every iteration, in a stack array sized by its trip count, \
                     but that count is not a length stable Rust can name (it is known only at run time, or it is \
                     arithmetic on a const generic beyond `N - k` and `N / k`); use bounds that are literals, \
                     constants, or `0..N` with a const generic `N`",
                ));
            }
        }
    }

    fn mark_needed(&mut self) {
        let g = self.g;
        for i in (0..g.nodes.len()).rev() {
            let node = &g.nodes[i];
            if !self.reach[i] {
                continue;
            }
            if node.active {
                match &node.op {
                    Op::Mul | Op::Div | Op::Prim(_) | Op::Call { .. } => {
                        self.needed[i] = true;
                        for a in &node.args {
                            self.needed[a.index()] = true;
                        }
                    }
                    Op::Elem(_) => node.args.iter().for_each(|a| self.needed[a.index()] = true),
                    Op::Select(_) => self.needed[node.args[0].index()] = true,
                    // `da[i]` needs `i`; the adjoint array is made like the array.
                    Op::ArrLoad(_) | Op::ArrStore(_) => self.needed[node.args[1].index()] = true,
                    Op::ArrNew { .. } => self.needed[i] = true,
                    _ => {}
                }
                // A value read inside a loop body but computed outside it
                // collects that body's shares in an accumulator declared
                // before the loop, made like the value: it must be there.
                for a in &node.args {
                    let plain = g[*a].active && g[*a].array.is_none();
                    if plain && self.crosses_loop(node.scope, g[*a].scope) {
                        self.needed[a.index()] = true;
                    }
                }
            }
        }
        for b in &g.branches {
            if self.reach[b.cond.index()] {
                self.needed[b.cond.index()] = true;
            }
        }
        // A differentiated value that only comparisons read gets an
        // explicit zero adjoint, made like the value: it must be there
        // (an inner loop's result that only a later condition reads). A
        // loop's carried values are read by the loop itself.
        let mut carries = vec![false; g.nodes.len()];
        for c in g.loops.iter().flat_map(|l| &l.carried) {
            carries[c.init.index()] = true;
            carries[c.next.index()] = true;
        }
        for (i, node) in g.nodes.iter().enumerate() {
            let id = Id(i as u32);
            if self.reach[i] && node.active && id != self.out && node.array.is_none() && !carries[i]
            {
                let read = self.ix.users[i].iter().any(|&u| g.nodes[u as usize].active);
                if !read && !matches!(node.op, Op::Param(_) | Op::Elem(_)) {
                    self.needed[i] = true;
                }
            }
        }
        // Inside a loop that runs backwards separately, what is needed is
        // recomputed, so its inputs are needed too; a value an inner loop
        // computes needs that loop rerun. A worklist, because a loop's
        // carried values are needed before (in id order) what they need.
        let mut work: Vec<usize> = (0..g.nodes.len()).filter(|&i| self.needed[i]).collect();
        let need = |needed: &mut Vec<bool>, work: &mut Vec<usize>, a: Id| {
            if !needed[a.index()] {
                needed[a.index()] = true;
                work.push(a.index());
            }
        };
        while let Some(i) = work.pop() {
            if !self.recomputed(g.nodes[i].scope) {
                continue;
            }
            if let Op::LoopPhi(l) = g.nodes[i].op {
                // A nested loop runs forward again wherever its values are
                // needed: its carried variable needs its start and its update.
                if g[l].parent != Scope::TOP {
                    for c in g[l].carried.iter().filter(|c| c.phi.index() == i) {
                        need(&mut self.needed, &mut work, c.init);
                        need(&mut self.needed, &mut work, c.next);
                    }
                }
            }
            if let Op::ArrLoad(var) = g.nodes[i].op {
                if self.array_changes_after(i, var) {
                    // Recomputing the read would see a later value: keep it.
                    self.restored[i] = true;
                    continue;
                }
            }
            let sized = g
                .loops
                .iter()
                .any(|l| l.body == g.nodes[i].scope && l.capacity.is_some());
            let costly = match &g.nodes[i].op {
                // An inner loop's result costs a whole inner loop to
                // recompute and one float to keep.
                Op::LoopOut(_) => true,
                // So does a transcendental function, next to a load.
                Op::Prim(p) => p.kept,
                _ => false,
            };
            if sized && costly {
                self.restored[i] = true;
                if matches!(g.nodes[i].op, Op::LoopOut(_)) {
                    continue;
                }
                // Its inputs are needed where the loop runs again to
                // refill the store.
            }
            for &a in &g.nodes[i].args {
                need(&mut self.needed, &mut work, a);
            }
            if let Op::LoopOut(l) = g.nodes[i].op {
                for c in &g[l].carried {
                    need(&mut self.needed, &mut work, c.next);
                }
            }
        }
    }

    /// Whether array `var` may hold something else, when the backward pass
    /// recomputes the read `i`, than it held when `i` first ran: it is
    /// written after `i`, or written in a loop around `i`.
    fn array_changes_after(&self, i: usize, var: ArrayId) -> bool {
        let g = self.g;
        let writes = |n: &crate::graph::Node| matches!(n.op, Op::ArrStore(v) if v == var);
        if g.nodes[i + 1..].iter().any(writes) {
            return true;
        }
        g.loops.iter().any(|l| {
            g.within(g.nodes[i].scope, l.body)
                && l.carried.iter().any(|c| g[c.phi].array == Some(var))
        })
    }

    /// Whether a loop body lies between `inner` and the enclosing `outer`.
    fn crosses_loop(&self, mut inner: Scope, outer: Scope) -> bool {
        if !self.g.within(inner, outer) {
            return false;
        }
        while inner != outer {
            if self.ix.body_of[inner.0 as usize].is_some() {
                return true;
            }
            inner = self.g.scope_parent[inner.0 as usize];
        }
        false
    }

    /// Whether values of `scope` must be recomputed in the backward pass: it
    /// lies in the body of a loop that is not fused.
    fn recomputed(&self, mut scope: Scope) -> bool {
        while scope != Scope::TOP {
            if let Some(l) = self.ix.body_of[scope.0 as usize] {
                if self.fused[l.index()].is_none() {
                    return true;
                }
            }
            scope = self.g.scope_parent[scope.0 as usize];
        }
        false
    }

    /// The loop variable, as the user wrote it, so that the user's own
    /// expressions that read it (`i as f64`) can be kept as they are.
    pub(crate) fn loop_var(&self, l: LoopId) -> Ident {
        let var = &self.g[l].var;
        if var == "_" {
            hygienic(format!("i{l}"))
        } else {
            var.clone()
        }
    }

    pub(crate) fn range(&self, l: LoopId, reverse: bool) -> TokenStream {
        let lp = &self.g[l];
        let (a, b) = (self.operand(lp.start), self.operand(lp.end));
        let range = if lp.inclusive {
            quote!(#a..=#b)
        } else {
            quote!(#a..#b)
        };
        if reverse {
            quote!((#range).rev())
        } else {
            range
        }
    }

    /// The phis the backward pass reads back, with their store names.
    /// The values loop `l` keeps per iteration (see [`Emitter::stored`]).
    pub(crate) fn stored_values(&self, l: LoopId) -> Vec<Id> {
        self.stored(l).into_iter().map(|(id, _)| id).collect()
    }

    fn stored(&self, l: LoopId) -> Vec<(Id, Ident)> {
        if self.fused[l.index()].is_some() {
            return Vec::new();
        }
        let body = self.g[l].body;
        let phis = self.g[l]
            .carried
            .iter()
            .filter(|c| self.reach[c.out.index()] && self.needed[c.phi.index()])
            .filter(|c| self.g[c.phi].array.is_none())
            .map(|c| c.phi);
        let loads = self.ix.nodes[body.0 as usize]
            .iter()
            .copied()
            .filter(|id| self.restored[id.index()]);
        phis.chain(loads)
            .map(|id| (id, hygienic(format!("s{}", id.0))))
            .collect()
    }

    pub(crate) fn slot(&self, l: LoopId) -> TokenStream {
        let lp = &self.g[l];
        let var = self.loop_var(l);
        let start = self.operand(lp.start);
        if start.to_string() == "0" {
            var.into_token_stream()
        } else {
            quote!(#var - #start)
        }
    }

    pub(crate) fn forward_loop(&mut self, l: LoopId, recompute: bool, code: &mut Vec<TokenStream>) {
        let lp = &self.g[l];
        let live: Vec<_> = lp
            .carried
            .iter()
            .filter(|c| self.reach[c.out.index()] && self.g[c.phi].array.is_none())
            // Run again, a loop carries only what is read again: its
            // result too where the code around it is itself recomputed
            // (elsewhere, as in an `if` arm, the first run's result is
            // still there).
            .filter(|c| {
                !recompute
                    || self.needed[c.phi.index()]
                    || (self.needed[c.out.index()]
                        && !self.restored[c.out.index()]
                        && self.recomputed(lp.parent))
            })
            .collect();
        for c in &live {
            let init = self.operand(c.init);
            let t = self.bind(c.phi);
            code.push(quote!(let mut #t = #init;));
        }
        let stored = self.stored(l);
        if let (false, Some(cap)) = (stored.is_empty(), lp.capacity.clone()) {
            for (id, s) in &stored {
                let ad = &self.names.ad;
                let first = match self.g[*id].op {
                    Op::ArrLoad(_) => {
                        let a = self.operand(self.g[*id].args[0]);
                        quote!(#ad::elem_zero(&#a))
                    }
                    Op::LoopPhi(_) => self.operand(*id),
                    // The element type comes from the values stored later.
                    _ => quote!(#ad::Zero::zero()),
                };
                code.push(quote!(let mut #s = [#first; #cap];));
            }
        }
        let slot = self.slot(l);
        if !recompute && self.fused[l.index()].is_none() {
            if let Some(split) = self.fission_point(l) {
                return self.forward_fissioned(l, split, &stored, &live, code);
            }
        }
        let mut body = Vec::new();
        let (phis, loads): (Vec<_>, Vec<_>) = stored
            .iter()
            .partition(|(id, _)| matches!(self.g[*id].op, Op::LoopPhi(_)));
        for (phi, s) in &phis {
            let t = self.operand(*phi);
            body.push(quote!(#s[#slot] = #t;));
        }
        let refill = std::mem::replace(&mut self.refill, recompute);
        body.extend(self.forward(lp.body, recompute));
        self.refill = refill;
        for (load, s) in &loads {
            let t = self.operand(*load);
            body.push(quote!(#s[#slot] = #t;));
        }
        let updates = simultaneous(
            live.iter()
                .filter(|c| c.next != c.phi)
                .map(|c| (self.operand(c.phi), self.operand(c.next)))
                .collect(),
        );
        let (var, range) = (self.loop_var(l), self.range(l, false));
        match self.fused[l.index()].clone() {
            Some(early) if !recompute => {
                let (backward, accumulators, updates_acc) =
                    self.loop_backward_body(l, &early_seeds(self, l, &early));
                code.extend(accumulators);
                code.push(quote!(for #var in #range { #(#body)* #updates #(#backward)* #(#updates_acc)* }));
                for (k, c) in self.g[l].carried.iter().enumerate() {
                    if self.g[c.init].active && !early[k].is_empty() {
                        let e = early[k].clone();
                        self.share(
                            c.init.index(),
                            Contrib {
                                double: 0,
                                scope: lp.parent,
                                negated: false,
                                expr: e,
                            },
                        );
                    }
                }
            }
            _ => code.push(quote!(for #var in #range { #(#body)* #updates })),
        }
    }

    /// The backward steps of one iteration of loop `l`, given the adjoint
    /// of each carried variable at the end of the iteration. Returns the
    /// steps, the accumulators to declare before the loop, and the
    /// statements that add this iteration's shares to them; afterwards each
    /// node outside the body has one share: its accumulator.
    fn loop_backward_body(
        &mut self,
        l: LoopId,
        seeds: &[(Id, TokenStream)],
    ) -> (Vec<TokenStream>, Vec<TokenStream>, Vec<TokenStream>) {
        let lp = &self.g[l];
        let body = lp.body;
        for (next, seed) in seeds {
            if self.g[*next].active {
                self.share(
                    next.index(),
                    Contrib {
                        double: 0,
                        scope: body,
                        negated: false,
                        expr: seed.clone(),
                    },
                );
            }
        }
        let steps = self.backward(body);
        let mut decls = Vec::new();
        let mut adds = Vec::new();
        for target in self.take_pending(&[body]) {
            let tctx = self.g.node(Id(target as u32)).scope;
            let is_phi = lp.carried.iter().any(|c| c.phi.index() == target);
            if is_phi
                || self.g.within(tctx, body) && !matches!(self.g.nodes[target].op, Op::Param(_))
            {
                continue;
            }
            if !self.contribs[target].iter().any(|c| c.scope == body) {
                continue;
            }
            let all = std::mem::take(&mut self.contribs[target]);
            let (owed, kept): (Vec<Contrib>, Vec<Contrib>) =
                all.into_iter().partition(|c| c.scope == body);
            self.contribs[target] = kept;
            let a = hygienic(format!("acc{}", self.next_export));
            self.next_export += 1;
            let value = self.operand(Id(target as u32));
            let ad = &self.names.ad;
            decls.push(quote!(let mut #a = #ad::zero_like(#value);));
            let share = sum(owed);
            adds.push(quote!(#a = #a + #share;));
            self.share(
                target,
                Contrib {
                    double: 0,
                    scope: lp.parent,
                    negated: false,
                    expr: a.into_token_stream(),
                },
            );
        }
        (steps, decls, adds)
    }

    /// The backward pass of a loop that was not fused: the iterations in
    /// reverse, each restoring its stored phis and recomputing what its
    /// derivatives read.
    pub(crate) fn backward_loop(&mut self, l: LoopId, scope: Scope, code: &mut Vec<TokenStream>) {
        if self.fused[l.index()].is_some() {
            return;
        }
        let lp = &self.g[l];
        let ad = self.names.ad.clone();
        let live: Vec<(Id, Id, Id, Id)> = lp
            .carried
            .iter()
            .filter(|c| self.reach[c.out.index()] && self.g[c.phi].active)
            .filter(|c| self.g[c.phi].array.is_none())
            .map(|c| (c.phi, c.init, c.next, c.out))
            .collect();
        // The adjoint of each carried variable, walking back through iterations.
        let mut seeds = Vec::new();
        let mut starts = Vec::new();
        for &(phi, _, next, out) in &live {
            let d = match self.number[phi.index()] {
                Some(n) => hygienic(format!("d{n}")),
                None => hygienic(format!("dphi{}", phi.0)),
            };
            let start = match &self.adjoint[out.index()] {
                Some(a) => a.clone(),
                None => self.internal_error("a loop's result has no adjoint"),
            };
            starts.push((d.clone(), start));
            seeds.push((next, d.into_token_stream()));
        }
        let slot = self.slot(l);
        let mut restore = Vec::new();
        for (phi, s) in self.stored(l) {
            let t = self.operand(phi);
            restore.push(quote!(let #t = #s[#slot];));
        }
        let recompute = self.forward(lp.body, true);
        let (steps, decls, adds) = self.loop_backward_body(l, &seeds);
        let mut carry: Vec<(TokenStream, TokenStream)> = Vec::new();
        for (&(phi, init, _, _), (_, d)) in live.iter().zip(&seeds) {
            let parts = std::mem::take(&mut self.contribs[phi.index()]);
            let value = if parts.is_empty() {
                quote!(#ad::zero_like(#d))
            } else {
                sum(parts)
            };
            if value.to_string() != d.to_string() {
                carry.push((d.clone(), value));
            }
            if self.g[init].active {
                self.share(
                    init.index(),
                    Contrib {
                        double: 0,
                        scope,
                        negated: false,
                        expr: d.clone(),
                    },
                );
            }
        }
        for (d, start) in starts {
            // `mut` only for adjoints that change from one iteration to the next.
            if carry.iter().any(|(name, _)| d == name.to_string()) {
                code.push(quote!(let mut #d = #start;));
            } else {
                code.push(quote!(let #d = #start;));
            }
        }
        let carry = simultaneous(carry);
        let (var, range) = (self.loop_var(l), self.range(l, true));
        code.extend(decls);
        code.push(quote! {
            for #var in #range { #(#restore)* #(#recompute)* #(#steps)* #(#adds)* #carry }
        });
    }
}

/// Seeds for a fused loop: each carried variable's final value receives its
/// adjoint known in advance.
fn early_seeds(em: &Emitter, l: LoopId, early: &[TokenStream]) -> Vec<(Id, TokenStream)> {
    em.g[l]
        .carried
        .iter()
        .zip(early)
        .filter(|(_, e)| !e.is_empty())
        .map(|(c, e)| (c.next, e.clone()))
        .collect()
}

/// `a = x;` for one variable; `(a, b) = (x, y);` for several, so that a
/// value assigned first is not read by a later right-hand side (a swap
/// `(a, b) = (b, a)` must see both old values).
pub(crate) fn simultaneous(pairs: Vec<(TokenStream, TokenStream)>) -> TokenStream {
    match pairs.len() {
        0 => TokenStream::new(),
        1 => {
            let (a, v) = &pairs[0];
            quote!(#a = #v;)
        }
        _ => {
            let (names, values): (Vec<_>, Vec<_>) = pairs.into_iter().unzip();
            quote!((#(#names),*) = (#(#values),*);)
        }
    }
}
