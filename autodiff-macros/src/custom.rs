//! `#[custom_vjp(rule)]`: a derivative written by hand, for a function the
//! macro cannot see into (a table lookup, an `extern` function, a formula
//! whose automatic derivative would be unstable). In the spirit of JAX's
//! `custom_vjp`: the rule receives the inputs, the value and the output
//! cotangent, and returns one cotangent per input.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::{FnArg, Ident, ItemFn, Pat, ReturnType, Type};

/// A name the generated pullback introduces. Mixed-site, as in the main
/// macro (`hygienic` in emit.rs): a parameter the user called `value`,
/// `seed` or `g0` can neither collide with it nor be shadowed by it.
fn hygienic(name: &str) -> Ident {
    Ident::new(name, Span::mixed_site())
}

pub fn custom_vjp(args: TokenStream, input: TokenStream) -> TokenStream {
    let item: ItemFn = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(err) => {
            let err = syn::Error::new(err.span(), "`#[custom_vjp(rule)]` goes on a function")
                .to_compile_error();
            return quote!(#err #input);
        }
    };
    let rule: syn::Path = match syn::parse2(args) {
        Ok(rule) => rule,
        Err(_) => {
            let err = syn::Error::new_spanned(
                &item.sig.ident,
                "name the derivative rule: `#[custom_vjp(my_rule)]`, where `my_rule(inputs..., value, cotangent)` returns one cotangent per input",
            )
            .to_compile_error();
            return quote!(#err #item);
        }
    };
    let mut errors = Vec::new();
    let mut idents = Vec::new();
    let mut params = Vec::new();
    let mut grads = Vec::new();
    for input in &item.sig.inputs {
        match input {
            FnArg::Typed(pt) => match &*pt.pat {
                Pat::Ident(pi) if pi.subpat.is_none() => {
                    // Positional, not the user's names: a parameter named
                    // like the function or the rule cannot shadow it.
                    let ident = hygienic(&format!("p{}", idents.len()));
                    let ty = &pt.ty;
                    idents.push(ident.clone());
                    params.push(quote!(#ident: #ty));
                    grads.push(match &**ty {
                        Type::Reference(r) => (*r.elem).clone(),
                        other => other.clone(),
                    });
                }
                other => errors.push(syn::Error::new_spanned(
                    other,
                    "parameters must be plain names",
                )),
            },
            FnArg::Receiver(r) => {
                errors.push(syn::Error::new_spanned(
                    r,
                    "`#[custom_vjp]` goes on free functions",
                ));
            }
        }
    }
    let ret = match &item.sig.output {
        ReturnType::Type(_, ty) => (**ty).clone(),
        ReturnType::Default => {
            errors.push(syn::Error::new_spanned(
                &item.sig.ident,
                "the function must return its value",
            ));
            syn::parse_quote!(f64)
        }
    };
    if let Some(mut first) = errors.pop() {
        for e in errors {
            first.combine(e);
        }
        let err = first.to_compile_error();
        return quote!(#err #item);
    }
    let name = &item.sig.ident;
    let vis = &item.vis;
    let generics = &item.sig.generics;
    let where_clause = &generics.where_clause;
    let pullback = format_ident!("{}_pullback", name, span = name.span());
    let turbofish = crate::names::generic_args(generics);
    let (value, seed) = (hygienic("value"), hygienic("seed"));
    let body = if idents.len() == 1 {
        quote!((#value, (#rule(#(#idents,)* #value, #seed),)))
    } else {
        let g: Vec<Ident> = (0..idents.len())
            .map(|k| hygienic(&format!("g{k}")))
            .collect();
        quote! {
            let (#(#g),*) = #rule(#(#idents,)* #value, #seed);
            (#value, (#(#g,)*))
        }
    };
    let doc = format!(
        " Pullback of `{}` through the rule `{}`, for `#[differentiable]` callers.",
        syn::ext::IdentExt::unraw(name),
        quote!(#rule).to_string().replace(' ', "")
    );
    quote! {
        #item

        #[doc = #doc]
        #[doc(hidden)]
        #[inline]
        #[allow(dead_code, clippy::too_many_arguments, clippy::type_complexity)]
        #vis fn #pullback #generics (#(#params,)* #seed: #ret) -> (#ret, (#(#grads,)*)) #where_clause {
            let #value = #name #turbofish(#(#idents),*);
            #body
        }
    }
}
