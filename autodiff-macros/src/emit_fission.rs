//! Stage 4h: loop fission. A loop that runs backwards and holds inner
//! loops runs forward as two loops: first all the inner loops, then the
//! rest of the body, so the inner sums are not interleaved with the calls
//! of the rest (`exp`), which costs spills around every call.

use crate::emit::{Emitter, Item};
use crate::emit_loop::simultaneous;
use crate::graph::{Id, Op};
use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;

impl Emitter<'_> {
    /// Where the body of loop `l` can be cut in two forward loops: after its
    /// inner loops, when they read nothing the loop carries, no local array
    /// is involved, and what the rest reads from them is kept per iteration
    /// anyway. All inner sums then run in one loop, without the calls of
    /// the rest (`exp`) in between (measured: BENCHMARKS.md, section 4.3).
    pub(crate) fn fission_point(&self, l: usize) -> Option<usize> {
        let g = self.g;
        let lp = &g.loops[l];
        let items = self.items(lp.body);
        let inner_out = |it: &Item| match it {
            Item::Loop(_) => true,
            Item::Node(id) => {
                matches!(g.node(*id).op, Op::LoopOut(k) if g.loops[k].parent == lp.body)
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
        let in_body = |i: usize| g.within(g.nodes[i].ctx, lp.body);
        if (0..g.nodes.len()).any(|i| in_body(i) && g.nodes[i].array.is_some()) {
            return None;
        }
        // Which nodes depend on this loop's carried values.
        let mut carried = vec![false; g.nodes.len()];
        for i in 0..g.nodes.len() {
            carried[i] = match g.nodes[i].op {
                Op::LoopPhi(k) if k == l => true,
                Op::LoopPhi(k) => g.loops[k]
                    .carried
                    .iter()
                    .any(|c| c.phi.index() == i && carried[c.init.index()]),
                _ => g.nodes[i].args.iter().any(|a| carried[a.index()]),
            };
        }
        // The first loop: the nodes before the cut and everything inside the
        // inner loops there (not the arms of an `if` after the cut).
        let inner: Vec<usize> = items[..split]
            .iter()
            .filter_map(|it| match it {
                Item::Loop(k) => Some(*k),
                _ => None,
            })
            .collect();
        let first: Vec<Id> = (0..g.nodes.len())
            .map(|i| Id(i as u32))
            .filter(|id| {
                let n = g.node(*id);
                inner.iter().any(|k| g.within(n.ctx, g.loops[*k].body))
                    || items[..split]
                        .iter()
                        .any(|it| matches!(it, Item::Node(x) if x == id))
            })
            .collect();
        if first.iter().any(|id| carried[id.index()]) {
            return None;
        }
        // The rest may read from the first part only values that are kept.
        let rest_reads_unkept = (0..g.nodes.len())
            .filter(|&i| in_body(i) && self.reach[i] && !first.contains(&Id(i as u32)))
            .flat_map(|i| g.nodes[i].args.iter())
            .any(|a| first.contains(a) && !self.restored[a.index()]);
        (!rest_reads_unkept).then_some(split)
    }

    /// Loop `l` as two forward loops (see [`Emitter::fission_point`]).
    pub(crate) fn forward_fissioned(
        &mut self,
        l: usize,
        split: usize,
        stored: &[(Id, Ident)],
        live: &[&crate::graph::Carried],
        code: &mut Vec<TokenStream>,
    ) {
        let lp = &self.g.loops[l];
        let items = self.items(lp.body);
        let slot = self.slot(l);
        let (var, range) = (self.loop_var(l), self.range(l, false));
        let first_items = items[..split].to_vec();
        let first = self.forward_items(first_items.clone(), false);
        let in_first = |id: &Id| {
            first_items
                .iter()
                .any(|it| matches!(it, Item::Node(x) if x == id))
        };
        let rest = self.forward_items(items[split..].to_vec(), false);
        // Operands are named once their nodes are emitted: after both parts.
        let mut first_stores = Vec::new();
        let mut restores = Vec::new();
        let mut rest_stores = Vec::new();
        let mut phi_stores = Vec::new();
        for (id, s) in stored {
            let t = self.operand(*id);
            if matches!(self.g.node(*id).op, Op::LoopPhi(_)) {
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
        code.push(quote!(for #var in #range { #(#first)* #(#first_stores)* }));
        code.push(quote!(for #var in #range { #(#phi_stores)* #(#restores)* #(#rest)* #(#rest_stores)* #updates }));
    }
}
