//! Stage 4f: `if` in both passes. The forward pass runs the arm the
//! condition picks and hands its values out in a tuple (placeholders from
//! the other arm are never read); the backward pass repeats the `if` on the
//! same condition, so the arm that did not run is never evaluated and no
//! NaN it would have made can reach the gradient.

use crate::emit::{hygienic, Contrib, Emitter};
use crate::emit_backward::sum;
use crate::graph::{BranchId, Id, LoopId, Op, Scope};
use proc_macro2::TokenStream;
use quote::{quote, ToTokens};

impl Emitter<'_> {
    /// `let (t5, t6) = if c { ...; (t5, 0) } else { ...; (0, t6) };`: the
    /// values computed in the arms leave them for the backward pass; the
    /// placeholders of the arm not taken are never read.
    pub(crate) fn forward_branch(
        &mut self,
        b: BranchId,
        recompute: bool,
        code: &mut Vec<TokenStream>,
    ) {
        let branch = &self.g[b];
        let arms = branch.arms;
        let cond = self.operand(branch.cond);
        let then_code = self.forward(arms[0], recompute);
        let else_code = self.forward(arms[1], recompute);
        let exports: Vec<Id> = arms
            .iter()
            .flat_map(|arm| self.ix.nodes_within_outside_loops(*arm))
            .filter(|id| self.number[id.index()].is_some())
            .filter(|id| !recompute || self.needed[id.index()])
            .filter(|id| !matches!(self.g[*id].op, Op::LoopPhi(_)) && self.g[*id].array.is_none())
            .collect();
        if exports.is_empty() {
            // Nothing leaves the arms, but they may still write a local
            // array in place (`a[1] = 7.0;`).
            code.extend(if_statement(&cond, &then_code, &else_code));
            return;
        }
        let ad = &self.names.ad;
        let tuple = |arm: Scope| -> Vec<TokenStream> {
            exports
                .iter()
                .map(|id| {
                    if self.g.within(self.g[*id].scope, arm) {
                        self.operand(*id)
                    } else if self.g[*id].boolean {
                        quote!(false)
                    } else {
                        quote!(#ad::Zero::zero())
                    }
                })
                .collect()
        };
        let mut names: Vec<TokenStream> = exports.iter().map(|id| self.operand(*id)).collect();
        let (mut then_vals, mut else_vals) = (tuple(arms[0]), tuple(arms[1]));
        if self.tangents {
            // Forward mode: each differentiated value leaves with its tangent.
            // Elements of parameters have no tangent of their own to hand
            // out: theirs is `t_x[i]`, visible everywhere.
            for l in 0..self.lane_count() {
                self.set_lane(l);
                for id in exports.iter().filter(|id| self.g[**id].active) {
                    let Some(dt) = self.tangent_of(*id) else {
                        continue;
                    };
                    if syn::parse2::<syn::Ident>(dt.clone()).is_err() {
                        continue;
                    }
                    let zero = quote!(#ad::Zero::zero());
                    let inside = self.g.within(self.g[*id].scope, arms[0]);
                    then_vals.push(if inside { dt.clone() } else { zero.clone() });
                    else_vals.push(if inside { zero } else { dt.clone() });
                    names.push(dt);
                }
            }
        }
        code.push(quote! {
            let (#(#names),*,) = if #cond { #(#then_code)* (#(#then_vals),*,) } else { #(#else_code)* (#(#else_vals),*,) };
        });
    }

    /// Mirrors an `if` in the backward pass. Each arm runs its own nodes'
    /// backward steps; what the arm owes to nodes outside it leaves the arm
    /// as one value per node (0 from the arm that owes nothing).
    pub(crate) fn backward_branch(
        &mut self,
        b: BranchId,
        scope: Scope,
        code: &mut Vec<TokenStream>,
    ) {
        let branch = &self.g[b];
        let arms = branch.arms;
        let cond = self.operand(branch.cond);
        // Loops in an arm keep their stored values inside the forward arm's
        // block; run them again here, where their backward pass reads them.
        let mut arm_code = [Vec::new(), Vec::new()];
        for (k, arm) in arms.iter().enumerate() {
            let loops = self.ix.children[arm.0 as usize]
                .iter()
                .filter_map(|c| self.ix.body_of[c.0 as usize])
                .collect::<Vec<LoopId>>();
            for l in loops {
                if !self.stored_values(l).is_empty() {
                    self.forward_loop(l, true, &mut arm_code[k]);
                }
            }
            let steps = self.backward(*arm);
            arm_code[k].extend(steps);
        }
        let ad = self.names.ad.clone();
        let mut names = Vec::new();
        let mut sums: [Vec<TokenStream>; 2] = [Vec::new(), Vec::new()];
        for target in self.take_pending(&arms) {
            if !self.contribs[target]
                .iter()
                .any(|c| arms.contains(&c.scope))
            {
                continue;
            }
            let all = std::mem::take(&mut self.contribs[target]);
            let (owed, kept): (Vec<Contrib>, Vec<Contrib>) =
                all.into_iter().partition(|c| arms.contains(&c.scope));
            self.contribs[target] = kept;
            for (k, arm) in arms.iter().enumerate() {
                let parts: Vec<Contrib> =
                    owed.iter().filter(|c| c.scope == *arm).cloned().collect();
                // The arm that owes nothing hands out a zero whose type is
                // that of the other arm's share: no value of the target,
                // which need not be computed where the backward `if` runs.
                sums[k].push(if parts.is_empty() {
                    quote!(#ad::Zero::zero())
                } else {
                    sum(parts)
                });
            }
            let e = hygienic(format!("e{}", self.next_export));
            self.next_export += 1;
            self.share(
                target,
                Contrib {
                    double: 0,
                    scope,
                    negated: false,
                    expr: e.to_token_stream(),
                },
            );
            names.push(e);
        }
        let [then_code, else_code] = arm_code;
        let [then_sums, else_sums] = sums;
        if names.is_empty() {
            code.extend(if_statement(&cond, &then_code, &else_code));
            return;
        }
        code.push(quote! {
            let (#(#names),*,) = if #cond { #(#then_code)* (#(#then_sums),*,) } else { #(#else_code)* (#(#else_sums),*,) };
        });
    }
}

/// `if c { ... } else { ... }` as a statement, without empty parts.
fn if_statement(
    cond: &TokenStream,
    then_code: &[TokenStream],
    else_code: &[TokenStream],
) -> Option<TokenStream> {
    match (then_code.is_empty(), else_code.is_empty()) {
        (true, true) => None,
        (false, true) => Some(quote!(if #cond { #(#then_code)* })),
        (true, false) => Some(quote!(if !(#cond) { #(#else_code)* })),
        (false, false) => Some(quote!(if #cond { #(#then_code)* } else { #(#else_code)* })),
    }
}
