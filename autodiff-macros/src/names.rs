//! The names generated code introduces, in one place: the items beside the
//! function (`f_grad`, `f_vjp`, ...), the runtime's alias, and the
//! mixed-site locals no user name can collide with.

use crate::attr::Attr;
use crate::sig::Sig;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, ToTokens};
use syn::ext::IdentExt;
use syn::{Ident, ItemFn};

/// An invariant of the macro itself failed: said loudly, at the function,
/// never papered over with a default that would compute something else.
pub(crate) fn internal_error(item: &ItemFn, what: &str) -> syn::Error {
    let name = item.sig.ident.unraw();
    syn::Error::new_spanned(
        &item.sig.ident,
        format!("autodiff internal error in `{name}`: {what}; please report this function"),
    )
}

/// The alias of the runtime in generated code: the body starts with
/// `use <crate>::__private as __ad;`.
pub(crate) fn ad_path() -> TokenStream {
    quote!(__ad)
}

/// The names the generated code introduces.
pub struct Names {
    pub grad: Ident,
    pub vjp: Ident,
    pub seed: Ident,
    /// `use <crate>::__private as __ad;` makes `__ad` the runtime's path.
    pub ad: TokenStream,
    pub krate: TokenStream,
}

impl Names {
    pub fn new(item: &ItemFn, sig: &Sig, attr: &Attr) -> Names {
        let name = &item.sig.ident;
        // Mixed-site, so it can never clash with a parameter; renamed anyway
        // past the parameters' names so the documented signature reads well.
        // `r#seed` is `seed`: compare without the `r#`.
        let mut seed = String::from("seed");
        while sig.params.iter().any(|p| p.ident.unraw() == seed) {
            seed.push('_');
        }
        let krate = match &attr.krate {
            Some(path) => path.to_token_stream(),
            None => quote!(::autodiff),
        };
        Names {
            grad: format_ident!("{}_grad", name, span = name.span()),
            vjp: format_ident!("{}_vjp", name, span = name.span()),
            seed: Ident::new(&seed, Span::mixed_site()),
            ad: ad_path(),
            krate,
        }
    }
}

/// A local of generated code. Mixed-site: a user's own `t0` or `d_x` can
/// never collide with these.
pub(crate) fn hygienic(name: String) -> Ident {
    Ident::new(&name, Span::mixed_site())
}

/// `d_x` for parameter `x` (and for `r#x`: the `r#` is not part of a name
/// built from it). `d_1` where `d_{name}` could not be a snake-case name
/// (`_x`) or could be another generated one (`n3` would give `d_n3`, the
/// adjoint of an unnumbered node): a name never starts with a digit, so
/// `d_1` cannot be any parameter's `d_{name}`.
pub(crate) fn grad_name(sig: &Sig, p: usize) -> Ident {
    let name = sig.params[p].ident.unraw().to_string();
    let node_like = name
        .strip_prefix('n')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    if name.starts_with('_') || node_like {
        hygienic(format!("d_{p}"))
    } else {
        hygienic(format!("d_{name}"))
    }
}

/// `t_x`, the tangent of parameter `x` in `f_jvp` (see [`grad_name`]).
pub(crate) fn tangent_name(sig: &Sig, p: usize) -> Ident {
    let name = sig.params[p].ident.unraw().to_string();
    if name.starts_with('_') {
        hygienic(format!("t_{p}"))
    } else {
        hygienic(format!("t_{name}"))
    }
}

/// "[`f`]", a link to the function; a raw `r#match` is named as `match`,
/// unlinked, since the `r#` is not part of the name.
pub(crate) fn doc_link(ident: &Ident) -> String {
    let name = ident.unraw();
    if ident.to_string().starts_with("r#") {
        format!("`{name}`")
    } else {
        format!("[`{name}`]")
    }
}

/// The `k`th parameter of a pullback. Positional and mixed-site: no user
/// name (one spelled like the function's `_vjp`, or `seed`) can shadow what
/// the pullback calls.
pub(crate) fn pullback_param(k: usize) -> Ident {
    Ident::new(&format!("p{k}"), Span::mixed_site())
}

/// What a rule's `pullback` does with a `_vjp`'s result: the names the
/// differentiated parameters' gradients are bound to, and the tuple of
/// every parameter's slot (`NoGrad` for a constant).
pub(crate) fn pullback_slots(sig: &Sig, krate: &TokenStream) -> (Vec<Ident>, Vec<TokenStream>) {
    let position = |k: usize| hygienic(format!("d{k}"));
    let diff = (0..sig.params.len())
        .filter(|&k| sig.params[k].diff)
        .map(position)
        .collect();
    let all = sig
        .params
        .iter()
        .enumerate()
        .map(|(k, p)| {
            if p.diff {
                position(k).to_token_stream()
            } else {
                quote!(#krate::__private::NoGrad)
            }
        })
        .collect();
    (diff, all)
}

/// The `k`th tangent of a pushforward (see [`pullback_param`]).
pub(crate) fn pushforward_tangent(k: usize) -> Ident {
    Ident::new(&format!("q{k}"), Span::mixed_site())
}

/// `::<T, N>` naming the function's type and const parameters, or nothing.
pub(crate) fn generic_args(generics: &syn::Generics) -> TokenStream {
    let args: Vec<&Ident> = generics
        .params
        .iter()
        .filter_map(|p| match p {
            syn::GenericParam::Type(t) => Some(&t.ident),
            syn::GenericParam::Const(c) => Some(&c.ident),
            syn::GenericParam::Lifetime(_) => None,
        })
        .collect();
    if args.is_empty() {
        TokenStream::new()
    } else {
        quote!(::<#(#args),*>)
    }
}
