//! Stage 4g: the gradients returned for the parameters: scalars from their
//! adjoints, arrays assembled from their elements' adjoints (or accumulated
//! in place while the backward pass runs).

use crate::emit::{grad_name, Emitter};
use crate::graph::Op;
use crate::sig::{self, Shape};
use proc_macro2::TokenStream;
use quote::{quote, ToTokens};

impl Emitter<'_> {
    /// Statements that start the backward pass: zeroed accumulators for the
    /// array gradients built in place.
    pub fn prologue(&self) -> Vec<TokenStream> {
        (0..self.sig.params.len())
            .filter(|&p| self.sig.params[p].diff && self.in_place[p] && !self.elems(p).is_empty())
            .map(|p| {
                let param = &self.sig.params[p];
                let name = self.elem_grad_name(p);
                let zeros = sig::zeros(&param.owned, &self.names.ad);
                quote!(let mut #name = #zeros;)
            })
            .collect()
    }

    /// The gradient returned for parameter `p`, after the backward pass.
    pub fn param_grad(&mut self, p: usize, code: &mut Vec<TokenStream>) -> TokenStream {
        let param = &self.sig.params[p];
        let zeros = sig::zeros(&param.owned, &self.names.ad);
        let name = grad_name(self.sig, p);
        match param.shape {
            Shape::Array { .. } => {
                let elems = self.elems(p);
                if elems.is_empty() {
                    return zeros;
                }
                if self.in_place[p] {
                    return name.into_token_stream();
                }
                let Some(indices) = self.distinct_literal_indices(&elems) else {
                    return self
                        .internal_error("array gradient neither in place nor by literal index");
                };
                let grads: Vec<TokenStream> = elems
                    .iter()
                    .map(|id| match &self.adjoint[id.index()] {
                        Some(g) => g.clone(),
                        None => self.internal_error("an element's adjoint was never finished"),
                    })
                    .collect();
                if let Some(all) = whole_vector(&param.owned, &indices, &grads) {
                    code.push(quote!(let #name = [#(#all),*];));
                } else {
                    code.push(quote!(let mut #name = #zeros;));
                    for (id, gbar) in elems.iter().zip(grads) {
                        let idx = self.g[*id].args.iter().map(|a| self.operand(*a));
                        code.push(quote!(#name #([#idx])* = #gbar;));
                    }
                }
                name.into_token_stream()
            }
            _ => {
                let whole = self.ix.param_nodes[p]
                    .iter()
                    .copied()
                    .find(|n| matches!(self.g[*n].op, Op::Param(_)) && self.g[*n].active);
                let whole = whole.map(|n| self.finish_adjoint(n, code));
                let elems = (!self.elems(p).is_empty()).then(|| self.elem_grad_name(p));
                match (whole, elems) {
                    (Some(w), Some(e)) => quote!(#e + #w),
                    (Some(w), None) => w,
                    (None, Some(e)) => e.into_token_stream(),
                    (None, None) => zeros,
                }
            }
        }
    }

    /// Where the adjoints of parameter `p`'s elements accumulate: its
    /// gradient for an array, beside the adjoint of the whole for a
    /// `Vector` or `Matrix` (read both ways, as `v[i]` and as `v`).
    pub(crate) fn elem_grad_name(&self, p: usize) -> syn::Ident {
        match self.sig.params[p].shape {
            Shape::Tensor => crate::names::hygienic(format!("de{p}")),
            _ => grad_name(self.sig, p),
        }
    }
}

/// `[d0, d1, ..., dn]` when a one-dimensional array of literal length has
/// every element's adjoint, so no zero-filled array is needed.
fn whole_vector(
    ty: &syn::Type,
    indices: &[Vec<u128>],
    grads: &[TokenStream],
) -> Option<Vec<TokenStream>> {
    let syn::Type::Array(a) = ty else { return None };
    let syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Int(len),
        ..
    }) = &a.len
    else {
        return None;
    };
    let len: usize = len.base10_parse().ok()?;
    if matches!(*a.elem, syn::Type::Array(_)) || len != grads.len() || indices.len() != len {
        return None;
    }
    let mut slots: Vec<Option<TokenStream>> = vec![None; len];
    for (ix, gbar) in indices.iter().zip(grads) {
        *slots.get_mut(usize::try_from(*ix.first()?).ok()?)? = Some(gbar.clone());
    }
    slots.into_iter().collect()
}
