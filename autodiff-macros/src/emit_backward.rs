//! Stage 4b': the backward pass, node by node in reverse: each adjoint the
//! sum of what the node's users passed down (the first share assigns, the
//! rest add), bound once and reused, then split into shares for the
//! node's arguments by the rules of autodiff-core.

use crate::emit::{grad_name, hygienic, Contrib, Emitter, Item};
use crate::graph::{Id, Op, Scope};
use crate::sig;
use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};
use syn::Ident;

impl Emitter<'_> {
    /// The backward pass of `scope`; the top scope also gets the parameter
    /// gradients, returned as the expressions to put in the result tuple.
    pub fn backward(&mut self, scope: Scope) -> Vec<TokenStream> {
        let mut code = Vec::new();
        for item in self.items(scope).into_iter().rev() {
            match item {
                Item::Node(id) if self.g[id].active => self.backward_node(id, &mut code),
                Item::Node(_) => {}
                Item::Branch(b) => self.backward_branch(b, scope, &mut code),
                Item::Loop(l) => self.backward_loop(l, scope, &mut code),
            }
        }
        code
    }

    fn backward_node(&mut self, id: Id, code: &mut Vec<TokenStream>) {
        if self.g[id].array.is_some() {
            return self.backward_array(id, code);
        }
        if id != self.out && self.contribs[id.index()].is_empty() {
            // Read only by comparisons: nothing flows back through it.
            let (ad, y) = (&self.names.ad, self.operand(id));
            self.adjoint[id.index()] = Some(quote!(#ad::zero_like(#y)));
            return;
        }
        // `gbar` may stand for `-gbar` (`gneg`) times `2^gdouble`: every
        // built-in pullback is linear in the adjoint, so the factor moves
        // onto the shares instead of costing an operation of its own.
        let (gbar, gneg, gdouble) = self.finish_signed(id, code);
        let whole = materialize(&gbar, gneg, gdouble);
        let node = &self.g[id];
        let scope = node.scope;
        let ad = &self.names.ad;
        let y = self.operand(id);
        let args: Vec<TokenStream> = node.args.iter().map(|a| self.operand(*a)).collect();
        // (argument, scope, negated, extra factors of two, expression)
        let mut shares: Vec<(usize, Scope, bool, u32, TokenStream)> = Vec::new();
        match &node.op {
            Op::Elem(p) => {
                if self.in_place[*p] {
                    let name = self.elem_grad_name(*p);
                    if self.write_once[*p] {
                        code.push(quote!(#name #([#args])* = #whole;));
                    } else if gdouble == 0 && gneg {
                        code.push(quote!(#name #([#args])* = #name #([#args])* - #gbar;));
                    } else {
                        code.push(quote!(#name #([#args])* = #name #([#args])* + #whole;));
                    }
                }
            }
            Op::Add => shares.extend([
                (0, scope, false, 0, gbar.clone()),
                (1, scope, false, 0, gbar),
            ]),
            Op::Sub => shares.extend([
                (0, scope, false, 0, gbar.clone()),
                (1, scope, true, 0, gbar),
            ]),
            Op::Neg => shares.push((0, scope, true, 0, gbar)),
            Op::Select(b) => {
                let arms = self.g[*b].arms;
                shares.extend([
                    (1, arms[0], false, 0, gbar.clone()),
                    (2, arms[1], false, 0, gbar),
                ]);
            }
            // `x * x`: one share, `2 (ḡ x)` for scalars; where the plan says
            // so, half of it with the 2 carried along (see `Contrib::double`).
            Op::Mul if node.args[0] == node.args[1] => {
                let (a, b) = (&args[0], &args[1]);
                if self.halves.contains(&id) {
                    shares.push((
                        0,
                        scope,
                        false,
                        1,
                        quote!(#ad::mul_vjp_same_half(#a, #b, #y, #gbar)),
                    ));
                } else {
                    shares.push((
                        0,
                        scope,
                        false,
                        0,
                        quote!(#ad::mul_vjp_same(#a, #b, #y, #gbar)),
                    ));
                }
            }
            Op::Mul | Op::Div | Op::Prim(_) => {
                let (name, diff): (&str, &[bool]) = match &node.op {
                    Op::Mul => ("mul", &[true, true]),
                    Op::Div => ("div", &[true, true]),
                    // `√(x² + y²)`: 0 at the tip of the cone, not 0·∞ (see `cone`).
                    Op::Prim(p) if crate::cone::is_cone(self.g, id) => ("sqrt_cone", p.diff),
                    Op::Prim(p) => (p.name, p.diff),
                    _ => ("div", &[true, true]),
                };
                for (k, _) in diff.iter().enumerate().filter(|(_, d)| **d) {
                    if name == "tmul_add" && k == 2 {
                        // The bias of `w.t() * x + b` gets the adjoint as it is.
                        shares.push((k, scope, false, 0, gbar.clone()));
                        continue;
                    }
                    if name == "powi" && self.halves.contains(&id) {
                        // `n xⁿ⁻¹ = 2 · (n/2) xⁿ⁻¹`: the 2 of a square is carried along.
                        shares.push((
                            k,
                            scope,
                            false,
                            1,
                            quote!(#ad::powi_vjp0_half(#(#args,)* #y, #gbar)),
                        ));
                        continue;
                    }
                    let f = format_ident!("{}_vjp{}", name, k);
                    shares.push((k, scope, false, 0, quote!(#ad::#f(#(#args,)* #y, #gbar))));
                }
            }
            Op::ArrLoad(_) => self.backward_load(id, whole, code),
            Op::ArrNew { .. } | Op::ArrStore(_) => {}
            Op::Call {
                pullback, lifted, ..
            } => {
                let pullback = if self.lifted.is_some() {
                    lifted
                } else {
                    pullback
                };
                // One call of the callee's pullback gives every argument's share.
                let names: Vec<TokenStream> = node
                    .args
                    .iter()
                    .enumerate()
                    .map(|(k, a)| {
                        if self.g[*a].active {
                            hygienic(format!("c{}_{k}", id.0)).into_token_stream()
                        } else {
                            quote!(_)
                        }
                    })
                    .collect();
                // A user's rule need not be linear: hand it the adjoint itself.
                code.push(quote!(let (_, (#(#names,)*)) = #pullback(#(#args,)* #whole);));
                for (k, name) in names.into_iter().enumerate() {
                    if self.g.node(node.args[k]).active {
                        shares.push((k, scope, false, 0, name));
                    }
                }
            }
            // Loops pass adjoints through their carried variables themselves.
            Op::LoopIndex(_) | Op::LoopPhi(_) | Op::LoopOut(_) => {}
            Op::Param(_)
            | Op::Lit(_)
            | Op::Const { .. }
            | Op::Cmp(_)
            | Op::And
            | Op::Or
            | Op::Not => {}
        }
        let is_call = matches!(node.op, Op::Call { .. });
        for (k, scope, negated, double, expr) in shares {
            let target = node.args[k];
            if self.g[target].active && self.g[target].array.is_none() {
                let (negated, double) = if is_call {
                    (negated, double)
                } else {
                    (negated ^ gneg, double + gdouble)
                };
                self.share(
                    target.index(),
                    Contrib {
                        scope,
                        negated,
                        double,
                        expr,
                    },
                );
            }
        }
    }

    /// Binds the adjoint of `id` from its shares and returns how to refer to it.
    pub(crate) fn finish_adjoint(&mut self, id: Id, code: &mut Vec<TokenStream>) -> TokenStream {
        let (gbar, negated, double) = self.finish_signed(id, code);
        materialize(&gbar, negated, double)
    }

    /// Like [`Emitter::finish_adjoint`], but when every share is negated, and
    /// the power of two all shares carry, are factored out of the sum and
    /// returned: the adjoint is `±2^double` times the name bound.
    fn finish_signed(&mut self, id: Id, code: &mut Vec<TokenStream>) -> (TokenStream, bool, u32) {
        let i = id.index();
        let mut parts = std::mem::take(&mut self.contribs[i]);
        // Every share must be computable where the adjoint is summed: a
        // share from inside an `if` arm or a loop body must have left it
        // through the mirrored `if` or loop. Summing it here anyway would
        // be a wrong gradient, so this is an error, never a fallback.
        let here = self.g[id].scope;
        if parts.iter().any(|c| !self.g.within(here, c.scope)) {
            let msg = format!(
                "autodiff internal error in `{}`: a share of this value's adjoint escaped its branch or loop; please report this function",
                self.names.grad.to_string().trim_end_matches("_grad")
            );
            self.cx.push(syn::Error::new(self.g[id].span, msg));
        }
        let (gbar, negated, double) = if id == self.out {
            (self.names.seed.to_token_stream(), false, 0)
        } else if parts.len() == 1 && syn::parse2::<Ident>(parts[0].expr.clone()).is_ok() {
            (parts[0].expr.clone(), parts[0].negated, parts[0].double)
        } else if parts.is_empty() {
            return (sig::zeros(&self.param_type(id), &self.names.ad), false, 0);
        } else {
            let name = match (&self.g[id].op, self.number[i]) {
                (Op::Param(p), _) => grad_name(self.sig, *p),
                (_, Some(n)) => hygienic(format!("d{n}")),
                (_, None) => hygienic(format!("dn{i}")),
            };
            let all_negated = parts.iter().all(|c| c.negated);
            if all_negated {
                parts.iter_mut().for_each(|c| c.negated = false);
            }
            // Factor the common power of two out of the sum (`parts` is not empty).
            let double = parts.iter().fold(u32::MAX, |m, c| m.min(c.double));
            parts.iter_mut().for_each(|c| c.double -= double);
            let total = sum(parts);
            code.push(quote!(let #name = #total;));
            (name.into_token_stream(), all_negated, double)
        };
        self.adjoint[i] = Some(materialize(&gbar, negated, double));
        (gbar, negated, double)
    }
}

/// The shares in the order they are computed, positive ones first, then
/// the negative ones subtracted as one group: `a + b - (c + d)`. The share
/// computed last is then one operation from the result, which keeps the
/// backward pass's dependency chains as short as a hand-written sum.
pub(crate) fn sum(parts: Vec<Contrib>) -> TokenStream {
    let term = |c: &Contrib| scaled(&c.expr, c.double);
    let (neg, pos): (Vec<Contrib>, Vec<Contrib>) = parts.into_iter().partition(|c| c.negated);
    let pos: Vec<TokenStream> = pos.iter().map(term).collect();
    let neg: Vec<TokenStream> = neg.iter().map(term).collect();
    match (pos.is_empty(), neg.len()) {
        (_, 0) => quote!(#(#pos)+*),
        (true, 1) => quote!(-#(#neg)*),
        (true, _) => quote!(-(#(#neg)+*)),
        (false, 1) => quote!(#(#pos)+* - #(#neg)*),
        (false, _) => quote!(#(#pos)+* - (#(#neg)+*)),
    }
}

/// `e · 2^double`, written as one multiplication by a constant.
fn scaled(e: &TokenStream, double: u32) -> TokenStream {
    if double == 0 {
        return e.clone();
    }
    let k = 1i32 << double.min(30);
    let ad = crate::names::ad_path();
    quote!(#ad::times(#e, #k))
}

/// The value `±2^double · g`, as one expression.
pub(crate) fn materialize(g: &TokenStream, negated: bool, double: u32) -> TokenStream {
    match (negated, double) {
        (false, 0) => g.clone(),
        (true, 0) => quote!(-#g),
        (n, d) => {
            let k = (1i32 << d.min(30)) * if n { -1 } else { 1 };
            let ad = crate::names::ad_path();
            quote!(#ad::times(#g, #k))
        }
    }
}
