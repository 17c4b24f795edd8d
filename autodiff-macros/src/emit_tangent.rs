//! Stage 4i: forward mode. The same walk as the forward pass, in the same
//! order, with each differentiated value followed by its tangent: `let t5 =
//! a * b; let dt5 = ta * b + a * tb;`. Branches hand tangents out of their
//! arms beside the values; loops carry each variable's tangent beside it,
//! so nothing is kept per iteration and no second pass runs. Tangents of
//! primitives come from the table (`prim::Tangent`): most are the adjoint
//! rules applied to the tangent, a few have rules of their own.

use crate::emit::{hygienic, Emitter};
use crate::emit_loop::simultaneous;
use crate::graph::{Id, LoopId, Op};
use crate::names::tangent_name;
use crate::prim::Tangent;
use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};

impl Emitter<'_> {
    /// How the tangent of `id` is written where it is used; `None` where
    /// it is zero by construction (constants, values that depend on no
    /// differentiated parameter).
    pub(crate) fn tangent_of(&self, id: Id) -> Option<TokenStream> {
        let node = &self.g[id];
        if !node.active {
            return None;
        }
        if let Some(var) = node.array {
            return Some(self.tangent_array_ident(var).into_token_stream());
        }
        match &node.op {
            Op::Param(p) | Op::Elem(p) if self.lanes.is_some() => {
                self.lane_param_tangent(id, *p).flatten()
            }
            Op::Param(p) => Some(tangent_name(self.sig, *p).into_token_stream()),
            Op::Elem(p) => {
                let t = tangent_name(self.sig, *p);
                let idx = node.args.iter().map(|a| self.operand(*a));
                Some(quote!(#t #([#idx])*))
            }
            Op::LoopOut(l) => {
                let c = self.g[*l].carried.iter().find(|c| c.out == id)?;
                self.tangent_of(c.phi)
            }
            _ if self.zero_in_lane(id) => None,
            _ => match self.number[id.index()] {
                Some(n) => Some(self.tangent_ident(n).into_token_stream()),
                None => Some(self.internal_error("a tangent was used before it was computed")),
            },
        }
    }

    /// The tangent of `id`, or an explicit zero of its value's type.
    pub(crate) fn tangent_or_zero(&self, id: Id) -> TokenStream {
        self.tangent_of(id).unwrap_or_else(|| {
            let (ad, v) = (&self.names.ad, self.operand(id));
            if self.g[id].array.is_some() {
                quote!(#ad::zeros_like_array(&#v))
            } else {
                quote!(#ad::zero_like(#v))
            }
        })
    }

    /// `let dtN = ...;` after node `id` was bound, if it has a tangent.
    pub(crate) fn tangent_node(&mut self, id: Id, code: &mut Vec<TokenStream>) {
        if !self.g[id].active || matches!(self.g[id].op, Op::LoopOut(_)) {
            return;
        }
        self.share_partials(id, code);
        for l in 0..self.lane_count() {
            self.set_lane(l);
            match (self.tangent_expr(id), self.number[id.index()]) {
                (Some(expr), Some(n)) => {
                    let dt = self.tangent_ident(n);
                    code.push(quote!(let #dt = #expr;));
                }
                (Some(_), None) => {}
                (None, _) => self.mark_zero(id),
            }
        }
    }

    fn tangent_expr(&self, id: Id) -> Option<TokenStream> {
        let node = &self.g[id];
        let ad = &self.names.ad;
        let arg = |k: usize| self.operand(node.args[k]);
        let tan = |k: usize| self.tangent_of(node.args[k]);
        let y = self.operand(id);
        Some(match &node.op {
            Op::Add => match (tan(0), tan(1)) {
                (Some(a), Some(b)) => quote!(#a + #b),
                (Some(a), None) => a,
                (None, Some(b)) => b,
                (None, None) => return None,
            },
            Op::Sub => match (tan(0), tan(1)) {
                (Some(a), Some(b)) => quote!(#a - #b),
                (Some(a), None) => a,
                (None, Some(b)) => quote!(-#b),
                (None, None) => return None,
            },
            Op::Neg => {
                let a = tan(0)?;
                quote!(-#a)
            }
            // Half of a square's tangent, `ȧ · a`, where its readers take halves.
            Op::Mul if self.tangent_halves[id.index()] && node.args[0] == node.args[1] => {
                let (ta, a) = (tan(0)?, arg(0));
                quote!(#ta * #a)
            }
            // d(ab) = da·b + a·db, for every pair of shapes `*` accepts:
            // each term has the types of the product itself.
            Op::Mul => {
                let (a, b) = (arg(0), arg(1));
                match (tan(0), tan(1)) {
                    (Some(ta), Some(tb)) => quote!(#ta * #b + #a * #tb),
                    (Some(ta), None) => quote!(#ta * #b),
                    (None, Some(tb)) => quote!(#a * #tb),
                    (None, None) => return None,
                }
            }
            // d(a/b) = (da − y·db)/b.
            Op::Div => {
                let b = arg(1);
                match (tan(0), tan(1)) {
                    (Some(ta), Some(tb)) => quote!((#ta - #y * #tb) / #b),
                    (Some(ta), None) => quote!(#ta / #b),
                    (None, Some(tb)) => quote!(-(#y * #tb) / #b),
                    (None, None) => return None,
                }
            }
            Op::Select(_) if tan(1).is_none() && tan(2).is_none() => return None,
            Op::Select(_) => {
                let c = arg(0);
                let (a, b) = (
                    self.tangent_or_zero(node.args[1]),
                    self.tangent_or_zero(node.args[2]),
                );
                quote!(if #c { #a } else { #b })
            }
            Op::ArrLoad(_) => {
                let ta = self.tangent_of(node.args[0])?;
                let i = arg(1);
                quote!(#ta[#i])
            }
            Op::Prim(p) => {
                let args: Vec<TokenStream> = (0..node.args.len()).map(arg).collect();
                let name = p.name;
                match p.tangent {
                    // Bilinear in their arguments (plus `c` for `tmul_add`):
                    // the tangent is the same product with one tangent at a
                    // time, and a constant argument's term is left out rather
                    // than computed with a zero.
                    Tangent::Rule if matches!(name, "tmul" | "tmul_add" | "outer") => {
                        let f = if name == "outer" {
                            format_ident!("outer")
                        } else {
                            format_ident!("tmul")
                        };
                        let (a, b) = (&args[0], &args[1]);
                        let mut products = Vec::new();
                        if let Some(ta) = tan(0) {
                            products.push((ta, b.clone()));
                        }
                        if let Some(tb) = tan(1) {
                            products.push((a.clone(), tb));
                        }
                        let bias = if name == "tmul_add" { tan(2) } else { None };
                        // With a bias, the first product's sums start at it
                        // (`tmul_add`), as the value's do: one pass.
                        let mut terms = Vec::new();
                        let mut rest = products.into_iter();
                        match (bias, rest.next()) {
                            (Some(tc), Some((l, r))) => {
                                terms.push(quote!(#ad::tmul_add(#l, #r, #tc)))
                            }
                            (Some(tc), None) => terms.push(tc),
                            (None, Some((l, r))) => terms.push(quote!(#ad::#f(#l, #r))),
                            (None, None) => return None,
                        }
                        terms.extend(rest.map(|(l, r)| quote!(#ad::#f(#l, #r))));
                        quote!(#(#terms)+*)
                    }
                    Tangent::Rule if (0..node.args.len()).all(|k| tan(k).is_none()) => return None,
                    Tangent::Rule => {
                        let f = format_ident!("{}_jvp", name);
                        let tans = (0..node.args.len()).map(|k| self.tangent_or_zero(node.args[k]));
                        quote!(#ad::#f(#(#args,)* #y, #(#tans),*))
                    }
                    Tangent::Pushforward | Tangent::Inner => {
                        let mut terms = Vec::new();
                        for (k, _) in p.diff.iter().enumerate().filter(|(_, d)| **d) {
                            let Some(t) = tan(k) else { continue };
                            if let Some(pk) = self.shared_partial(id, k) {
                                terms.push(quote!(#t * #pk));
                                continue;
                            }
                            let f = self.pushforward_rule(id, p, k);
                            terms.push(if p.tangent == Tangent::Pushforward {
                                quote!(#ad::#f(#(#args,)* #y, #t))
                            } else {
                                quote!(#ad::inner(#ad::#f(#(#args,)* #y, #ad::one_like(#y)), #t))
                            });
                        }
                        if terms.is_empty() {
                            return None;
                        }
                        quote!(#(#terms)+*)
                    }
                }
            }
            Op::Call { .. } => return None,
            _ => return None,
        })
    }

    /// The rule giving primitive `id`'s local derivative in argument `k`
    /// (times a tangent): its own `_vjpk`, the cone's at a sum of squares,
    /// and their halves where the tangents are carried at half their size.
    pub(crate) fn pushforward_rule(&self, id: Id, p: &crate::prim::Prim, k: usize) -> syn::Ident {
        let node = &self.g[id];
        let half = |a: Id| self.tangent_halves[a.index()];
        // Only a cone's sqrt is given a half (`plan_tangent_halves`).
        if p.name == "sqrt" && half(node.args[0]) {
            return format_ident!("sqrt_cone_half_vjp0");
        }
        if p.name == "sqrt" && crate::cone::is_cone(self.g, id) {
            return format_ident!("sqrt_cone_vjp0");
        }
        if p.name == "powi" && half(id) {
            return format_ident!("powi_vjp0_half");
        }
        format_ident!("{}_vjp{}", p.name, k)
    }

    /// `let (t5, dt5) = f_pushforward(args, tangents);`: a call to another
    /// differentiated function (or a custom rule) gives value and tangent.
    pub(crate) fn tangent_call(&mut self, id: Id, code: &mut Vec<TokenStream>) {
        let node = &self.g[id];
        let Op::Call {
            func, pushforward, ..
        } = &node.op
        else {
            return;
        };
        let (func, pushforward) = (func.clone(), pushforward.clone());
        let ad = self.names.ad.clone();
        let args: Vec<TokenStream> = node.args.iter().map(|a| self.operand(*a)).collect();
        let t = self.bind(id);
        let Some(n) = self.number[id.index()] else {
            return;
        };
        // One call per lane with a tangent; the first binds the value.
        let mut value = Some(t.clone());
        for l in 0..self.lane_count() {
            self.set_lane(l);
            let tans: Vec<Option<TokenStream>> = self.g[id]
                .args
                .iter()
                .map(|a| self.tangent_of(*a))
                .collect();
            if self.lanes.is_some() && tans.iter().all(Option::is_none) {
                self.mark_zero(id);
                continue;
            }
            let tans = tans
                .into_iter()
                .map(|t| t.unwrap_or_else(|| quote!(#ad::NoTangent)));
            let dt = self.tangent_ident(n);
            let lhs = match value.take() {
                Some(t) => t.into_token_stream(),
                None => quote!(_),
            };
            code.push(quote!(let (#lhs, #dt) = #pushforward(#(#args,)* #(#tans),*);));
        }
        if let Some(t) = value {
            code.push(quote!(let #t = #func(#(#args),*);));
        }
    }

    /// A loop in forward mode: each carried variable's tangent is carried
    /// beside it, so the loop runs once and keeps nothing.
    pub(crate) fn tangent_loop(&mut self, l: LoopId, code: &mut Vec<TokenStream>) {
        let lp = &self.g[l];
        let live: Vec<_> = lp
            .carried
            .iter()
            .filter(|c| self.reach[c.out.index()] && self.g[c.phi].array.is_none())
            .collect();
        for c in &live {
            let init = self.operand(c.init);
            let t = self.bind(c.phi);
            code.push(quote!(let mut #t = #init;));
            if self.g[c.phi].active {
                for l in 0..self.lane_count() {
                    self.set_lane(l);
                    let start = self.tangent_or_zero(c.init);
                    if let Some(dt) = self.tangent_of(c.phi) {
                        code.push(quote!(let mut #dt = #start;));
                    }
                }
            }
        }
        let body = self.forward(lp.body, false);
        let mut pairs = Vec::new();
        for c in live.iter().filter(|c| c.next != c.phi) {
            pairs.push((self.operand(c.phi), self.operand(c.next)));
            for l in 0..self.lane_count() {
                self.set_lane(l);
                if let (true, Some(dt)) = (self.g[c.phi].active, self.tangent_of(c.phi)) {
                    pairs.push((dt, self.tangent_or_zero(c.next)));
                }
            }
        }
        let updates = simultaneous(pairs);
        let (var, range) = (self.loop_var(l), self.range(l, false));
        code.push(quote!(for #var in #range { #(#body)* #updates }));
    }

    /// The tangent array of a local array, beside it: created with it and
    /// written where it is written.
    pub(crate) fn tangent_array(&mut self, id: Id, code: &mut Vec<TokenStream>) {
        let Some(var) = self.g[id].array else { return };
        if !self.array_active[var.index()] {
            return;
        }
        for l in 0..self.lane_count() {
            self.set_lane(l);
            self.tangent_array_lane(id, var, code);
        }
    }

    fn tangent_array_lane(&self, id: Id, var: impl std::fmt::Display, code: &mut Vec<TokenStream>) {
        let node = &self.g[id];
        let (a, ta) = (hygienic(format!("a{var}")), self.tangent_array_ident(var));
        let ad = &self.names.ad;
        match &node.op {
            Op::ArrNew { repeat, .. } => match (repeat, node.args.as_slice()) {
                (Some(len), [x]) => match self.tangent_of(*x) {
                    Some(tx) => code.push(quote!(let mut #ta = [#tx; #len];)),
                    None => code.push(quote!(let mut #ta = #ad::zeros_like_array(&#a);)),
                },
                _ => {
                    let elems = node.args.iter().map(|e| self.tangent_or_zero(*e));
                    code.push(quote!(let mut #ta = [#(#elems),*];));
                }
            },
            Op::ArrStore(_) => {
                let i = self.operand(node.args[1]);
                let tv = self.tangent_or_zero(node.args[2]);
                code.push(quote!(#ta[#i] = #tv;));
            }
            _ => {}
        }
    }
}
