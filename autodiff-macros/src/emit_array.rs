//! Stage 4e: local arrays (`let mut a = [0.0; N]; a[i] = ...;`).
//!
//! In the graph every write makes a new version of the array, so data flow
//! stays explicit. In the generated code all versions are one Rust array
//! written in place, and its adjoint is one array beside it: a read `a[i]`
//! adds its adjoint into `da[i]`; a write `a[i] = v` hands `da[i]` to `v`
//! and clears it, because the value it overwrote no longer matters. That is
//! the code a person writes; it needs no copy of the array per write.

use crate::emit::{hygienic, Contrib, Emitter};
use crate::graph::{Id, Op};
use proc_macro2::TokenStream;
use quote::quote;

impl Emitter<'_> {
    pub(crate) fn forward_array(&mut self, id: Id, code: &mut Vec<TokenStream>) {
        let node = &self.g[id];
        let Some(var) = node.array else { return };
        let (a, da) = (hygienic(format!("a{var}")), hygienic(format!("da{var}")));
        let args: Vec<TokenStream> = node.args.iter().map(|x| self.operand(*x)).collect();
        match &node.op {
            Op::ArrNew { repeat, .. } => {
                let init = match repeat {
                    Some(len) => {
                        let x = &args[0];
                        quote!([#x; #len])
                    }
                    None => quote!([#(#args),*]),
                };
                code.push(quote!(let mut #a = #init;));
                // Forward mode has a tangent array instead (`emit_tangent`).
                if self.array_active[var.index()] && !self.tangents {
                    let ad = &self.names.ad;
                    code.push(quote!(let mut #da = #ad::zeros_like_array(&#a);));
                }
            }
            Op::ArrStore(_) => {
                let (i, v) = (&args[1], &args[2]);
                code.push(quote!(#a[#i] = #v;));
            }
            // Merges and loop bookkeeping of an array are the same array.
            _ => {}
        }
    }

    pub(crate) fn backward_array(&mut self, id: Id, code: &mut Vec<TokenStream>) {
        let node = &self.g[id];
        let Some(var) = node.array else { return };
        let da = hygienic(format!("da{var}"));
        let ad = self.names.ad.clone();
        let scope = node.scope;
        let args: Vec<TokenStream> = node.args.iter().map(|x| self.operand(*x)).collect();
        let mut shares: Vec<(Id, TokenStream)> = Vec::new();
        match &node.op {
            Op::ArrStore(_) => {
                let (i, value) = (&args[1], node.args[2]);
                if self.g[value].active {
                    let d = hygienic(format!("w{}", id.0));
                    code.push(quote!(let #d = #da[#i];));
                    shares.push((value, quote!(#d)));
                }
                code.push(quote!(#da[#i] = #ad::zero_like(#da[#i]);));
            }
            Op::ArrNew {
                repeat: Some(_), ..
            } if self.g[node.args[0]].active => {
                shares.push((node.args[0], quote!(#ad::sum_elems(#da))));
            }
            Op::ArrNew { repeat: None, .. } => {
                let row = self.row.filter(|_| id == self.out);
                for (k, e) in node.args.iter().enumerate() {
                    match row {
                        _ if !self.g[*e].active => {}
                        None => shares.push((*e, quote!(#da[#k]))),
                        Some(r) if r == k => {
                            let x = &args[k];
                            shares.push((*e, quote!(#ad::one_like(#x))));
                        }
                        // Seed 0: a zero adjoint, by construction.
                        Some(_) => {}
                    }
                }
            }
            _ => {}
        }
        for (target, expr) in shares {
            self.share(
                target.index(),
                Contrib {
                    double: 0,
                    scope,
                    negated: false,
                    expr,
                },
            );
        }
    }

    /// A read `a[i]`: its adjoint goes into `da[i]`.
    pub(crate) fn backward_load(&mut self, id: Id, gbar: TokenStream, code: &mut Vec<TokenStream>) {
        let node = &self.g[id];
        let Some(var) = self.g[node.args[0]].array else {
            return;
        };
        let da = hygienic(format!("da{var}"));
        let i = self.operand(node.args[1]);
        code.push(quote!(#da[#i] = #da[#i] + #gbar;));
    }
}
