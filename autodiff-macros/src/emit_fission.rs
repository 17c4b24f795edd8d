//! Stage 4h: loop fission. A loop that runs backwards and holds inner
//! loops runs forward as two loops: first all the inner loops, then the
//! rest of the body, so the inner sums are not interleaved with the calls
//! of the rest (`exp`), which costs spills around every call.

use crate::emit::{Emitter, Item};
use crate::emit_loop::simultaneous;
use crate::graph::{Id, LoopId, Op};
use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;

impl Emitter<'_> {
    /// Where the body of loop `l` can be cut in two forward loops: after its
    /// inner loops, when they read nothing the loop carries, no local array
    /// is involved, and what the rest reads from them is kept per iteration
    /// anyway. All inner sums then run in one loop, without the calls of
    /// the rest (`exp`) in between (measured: the commits of the seed network with loops, BENCHMARKS.md "History").
    pub(crate) fn fission_point(&self, l: LoopId) -> Option<usize> {
        let g = self.g;
        let lp = &g[l];
        let items = self.items(lp.body);
        let inner_out = |it: &Item| match it {
            Item::Loop(_) => true,
            Item::Node(id) => {
                matches!(g[*id].op, Op::LoopOut(k) if g[k].parent == lp.body)
            }
            Item::Branch(_) => false,
        };
        let split = items.iter().rposition(inner_out)? + 1;
        if split >= items.len()
            || items[..split]
                .iter()
                .any(|it| matches!(it, Item::Branch(_)))
        {
            return None;
        }
        let in_body = |i: usize| g.within(g.nodes[i].scope, lp.body);
        if (0..g.nodes.len()).any(|i| in_body(i) && g.nodes[i].array.is_some()) {
            return None;
        }
        // Which nodes depend on this loop's carried values.
        let mut carried = vec![false; g.nodes.len()];
        for i in 0..g.nodes.len() {
            carried[i] = match g.nodes[i].op {
                Op::LoopPhi(k) if k == l => true,
                Op::LoopPhi(k) => g[k]
                    .carried
                    .iter()
                    .any(|c| c.phi.index() == i && carried[c.init.index()]),
                _ => g.nodes[i].args.iter().any(|a| carried[a.index()]),
            };
        }
        // The first loop: the nodes before the cut and everything inside the
        // inner loops there (not the arms of an `if` after the cut).
        let inner: Vec<LoopId> = items[..split]
            .iter()
            .filter_map(|it| match it {
                Item::Loop(k) => Some(*k),
                _ => None,
            })
            .collect();
        let mut before_cut = vec![false; g.nodes.len()];
        for it in &items[..split] {
            if let Item::Node(x) = it {
                before_cut[x.index()] = true;
            }
        }
        let first: Vec<Id> = (0..g.nodes.len())
            .map(|i| Id(i as u32))
            .filter(|id| {
                let n = &g[*id];
                before_cut[id.index()] || inner.iter().any(|k| g.within(n.scope, g[*k].body))
            })
            .collect();
        if first.iter().any(|id| carried[id.index()]) {
            return None;
        }
        let mut in_first = vec![false; g.nodes.len()];
        first.iter().for_each(|id| in_first[id.index()] = true);
        // The rest may read from the first part only values that are kept.
        let rest_reads_unkept = (0..g.nodes.len())
            .filter(|&i| in_body(i) && self.reach[i] && !in_first[i])
            .flat_map(|i| g.nodes[i].args.iter())
            .any(|a| in_first[a.index()] && !self.restored[a.index()]);
        (!rest_reads_unkept).then_some(split)
    }

    /// Loop `l` as two forward loops (see [`Emitter::fission_point`]).
    pub(crate) fn forward_fissioned(
        &mut self,
        l: LoopId,
        split: usize,
        stored: &[(Id, Ident)],
        live: &[&crate::graph::Carried],
        code: &mut Vec<TokenStream>,
    ) {
        let lp = &self.g[l];
        let items = self.items(lp.body);
        let slot = self.slot(l);
        let (var, range) = (self.loop_var(l), self.range(l, false));
        let first_items = items[..split].to_vec();
        let interchanged = self.interchanged(l, &first_items, stored);
        let first = match &interchanged {
            Some(_) => Vec::new(),
            None => self.forward_items(first_items.clone(), false),
        };
        let mut first_nodes = vec![false; self.g.nodes.len()];
        for it in &first_items {
            if let Item::Node(x) = it {
                first_nodes[x.index()] = true;
            }
        }
        let in_first = |id: &Id| first_nodes[id.index()];
        let rest = self.forward_items(items[split..].to_vec(), false);
        // Operands are named once their nodes are emitted: after both parts.
        let mut first_stores = Vec::new();
        let mut restores = Vec::new();
        let mut rest_stores = Vec::new();
        let mut phi_stores = Vec::new();
        for (id, s) in stored {
            let t = self.operand(*id);
            if matches!(self.g[*id].op, Op::LoopPhi(_)) {
                phi_stores.push(quote!(#s[#slot] = #t;));
            } else if in_first(id) {
                first_stores.push(quote!(#s[#slot] = #t;));
                restores.push(quote!(let #t = #s[#slot];));
            } else {
                rest_stores.push(quote!(#s[#slot] = #t;));
            }
        }
        let updates = simultaneous(
            live.iter()
                .filter(|c| c.next != c.phi)
                .map(|c| (self.operand(c.phi), self.operand(c.next)))
                .collect(),
        );
        match interchanged {
            Some(first_loops) => code.extend(first_loops),
            None => code.push(quote!(for #var in #range { #(#first)* #(#first_stores)* })),
        }
        code.push(quote!(for #var in #range { #(#phi_stores)* #(#restores)* #(#rest)* #(#rest_stores)* #updates }));
    }

    /// The first loop of a split, with its loops interchanged when it only
    /// sums: `for j { z = b[j]; for i { z += w[i][j] * x[i] } }` becomes
    /// `for j { z[j] = b[j] }` then `for i { for j { z[j] += w[i][j] * x[i] } }`.
    /// Each sum still adds its terms in the same order, so every result is
    /// the same to the bit; the inner loop now walks `w` row by row.
    fn interchanged(
        &mut self,
        l: LoopId,
        first: &[Item],
        stored: &[(Id, Ident)],
    ) -> Option<Vec<TokenStream>> {
        let g = self.g;
        let lp = &g[l];
        let k = match first
            .iter()
            .filter(|it| matches!(it, Item::Loop(_)))
            .collect::<Vec<_>>()[..]
        {
            [Item::Loop(k)] => *k,
            _ => return None,
        };
        let inner = &g[k];
        let [c] = &inner.carried[..] else { return None };
        let (_, store) = stored.iter().find(|(id, _)| *id == c.out)?;
        // The sum: the only use of the running value is `z + term`, the next value.
        let next = &g[c.next];
        let one_use = (0..g.nodes.len())
            .filter(|&i| self.reach[i] && g.nodes[i].args.contains(&c.phi))
            .count()
            == 1;
        if !(matches!(next.op, Op::Add)
            && next.args.contains(&c.phi)
            && next.args[0] != next.args[1]
            && one_use)
        {
            return None;
        }
        // The inner loop: plain nodes, nothing kept, bounds not set by `j`.
        let body = self.items(inner.body);
        let plain = body
            .iter()
            .all(|it| matches!(it, Item::Node(id) if g[*id].array.is_none()));
        let outside = |id: Id| !g.within(g[id].scope, lp.body);
        let kept =
            (0..g.nodes.len()).any(|i| self.restored[i] && g.within(g.nodes[i].scope, inner.body));
        if !plain
            || kept
            || !self.stored_values(k).is_empty()
            || !outside(inner.start)
            || !outside(inner.end)
        {
            return None;
        }
        // The terms may read the loop variables and what is fixed for the
        // whole loop, not values computed before the inner loop (those
        // would be gone after the interchange).
        let reads_ok = (0..g.nodes.len())
            .filter(|&i| g.within(g.nodes[i].scope, inner.body))
            .flat_map(|i| g.nodes[i].args.iter())
            .all(|a| {
                let n = &g[*a];
                g.within(n.scope, inner.body)
                    || outside(*a)
                    || matches!(n.op, Op::LoopIndex(v) if v == l)
            });
        if !reads_ok {
            return None;
        }
        // Before the inner loop: only what its start value needs.
        let mut ancestors = vec![false; g.nodes.len()];
        ancestors[c.init.index()] = true;
        for i in (0..g.nodes.len()).rev() {
            if ancestors[i] {
                g.nodes[i]
                    .args
                    .iter()
                    .for_each(|a| ancestors[a.index()] = true);
            }
        }
        let before: Vec<Item> = first
            .iter()
            .take_while(|it| !matches!(it, Item::Loop(_)))
            .copied()
            .collect();
        if !before
            .iter()
            .all(|it| matches!(it, Item::Node(id) if ancestors[id.index()]))
        {
            return None;
        }
        let after_ok = first
            .iter()
            .skip_while(|it| !matches!(it, Item::Loop(_)))
            .skip(1)
            .all(|it| matches!(it, Item::Node(id) if *id == c.out));
        if !after_ok {
            return None;
        }
        let slot = self.slot(l);
        let (var, range) = (self.loop_var(l), self.range(l, false));
        let (ivar, irange) = (self.loop_var(k), self.range(k, false));
        let starts = self.forward_items(before.clone(), false);
        // Values before the inner loop that are kept (`exp(x)` in
        // `z = x.exp(); for j { z += a[j] }`) are stored where computed.
        let kept_starts: Vec<TokenStream> = stored
            .iter()
            .filter(|(id, _)| {
                before
                    .iter()
                    .any(|it| matches!(it, Item::Node(x) if x == id))
            })
            .map(|(id, s)| {
                let t = self.operand(*id);
                quote!(#s[#slot] = #t;)
            })
            .collect();
        let init = self.operand(c.init);
        let phi = self.bind(c.phi);
        let terms = self.forward_items(body, false);
        let next = self.operand(c.next);
        self.bind(c.out);
        Some(vec![
            quote!(for #var in #range { #(#starts)* #(#kept_starts)* #store[#slot] = #init; }),
            quote!(for #ivar in #irange { for #var in #range { let #phi = #store[#slot]; #(#terms)* #store[#slot] = #next; } }),
        ])
    }
}
