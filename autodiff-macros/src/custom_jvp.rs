//! `#[custom_jvp(rule)]`: a tangent rule written by hand, in the spirit of
//! JAX's `custom_jvp`. The rule receives the inputs, the value and one
//! tangent per input, and returns the tangent of the result. Forward mode
//! calls it once; reverse mode, for numbers and vectors in and a number
//! out, once per input number and vector element with a unit tangent (`∂f/∂xₖ` is the tangent along `eₖ`); second order runs
//! the function and its rule on dual numbers when both are generic.

use crate::custom::{is_scalar, lifted_pullback, parse, Custom};
use crate::names::hygienic;
use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;

pub fn custom_jvp(args: TokenStream, input: TokenStream) -> TokenStream {
    let help = "`my_rule(inputs..., value, tangents...)` returns the tangent of the result";
    let c = match parse("custom_jvp", help, args, input) {
        Ok(c) => c,
        Err(tokens) => return tokens,
    };
    let Custom {
        item,
        rule,
        krate,
        idents,
        params,
        grads,
        ret,
        ..
    } = &c;
    let name = &item.sig.ident;
    let vis = &item.vis;
    let generics = &item.sig.generics;
    let where_clause = &generics.where_clause;
    let turbofish = crate::names::generic_args(generics);
    let derivatives = crate::signatures::derivatives_name(name);
    let (value, seed) = (hygienic("value".into()), hygienic("seed".into()));
    let q: Vec<Ident> = (0..idents.len())
        .map(|k| hygienic(format!("q{k}")))
        .collect();
    let likes = idents.iter().zip(params).map(|(p, decl)| {
        if decl.to_string().contains('&') {
            quote!(#p)
        } else {
            quote!(&#p)
        }
    });
    let attrs = quote! {
        #[doc(hidden)]
        #[inline]
        #[allow(dead_code, clippy::too_many_arguments, clippy::type_complexity)]
    };
    let pf = Ident::new("pushforward", name.span());
    let pushforward = quote! {
        #attrs
        #vis fn #pf #generics (#(#params,)* #(#q: impl #krate::__private::IntoTangent<#grads>),*) -> (#ret, #ret) #where_clause {
            let #value = #name #turbofish(#(#idents),*);
            #(let #q = #krate::__private::IntoTangent::into_tangent(#q, #likes);)*
            let tangent = #rule(#(#idents,)* #value, #(#q),*);
            (#value, tangent)
        }
    };
    let pb = Ident::new("pullback", name.span());
    let lifted_name = Ident::new("lifted_pullback", name.span());
    // A `Vector` input takes one rule call per element (a unit tangent there).
    let vector = |t: &syn::Type| matches!(t, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Vector" || s.ident == "RowVector"));
    let numbers =
        grads.iter().all(|g| is_scalar(g, generics) || vector(g)) && is_scalar(ret, generics);
    let pullback = if numbers {
        // Gradient k: the tangent along the unit direction e_k, times the
        // seed; element by element for a vector.
        let g: Vec<Ident> = (0..idents.len())
            .map(|k| hygienic(format!("g{k}")))
            .collect();
        let (e, i) = (hygienic("e".into()), hygienic("i".into()));
        let rows = (0..idents.len()).map(|k| {
            let units = grads
                .iter()
                .enumerate()
                .map(|(m, t)| match (m == k, vector(t)) {
                    (true, false) => quote!(<#t as #krate::__private::One>::one()),
                    (true, true) => quote!(#e),
                    (false, _) => quote!(<#t as #krate::__private::ZeroTangent>::zero_tangent()),
                });
            let (gk, tk) = (&g[k], &grads[k]);
            if vector(tk) {
                quote! {
                    let #gk = <#tk>::from_fn(|#i| {
                        let mut #e = <#tk as #krate::__private::ZeroTangent>::zero_tangent();
                        #e[#i] = #krate::__private::One::one();
                        #seed * #rule(#(#idents,)* #value, #(#units),*)
                    });
                }
            } else {
                quote!(let #gk = #seed * #rule(#(#idents,)* #value, #(#units),*);)
            }
        });
        quote! {
            #attrs
            #vis fn #pb #generics (#(#params,)* #seed: #ret) -> (#ret, (#(#grads,)*)) #where_clause {
                let #value = #name #turbofish(#(#idents),*);
                #(#rows)*
                (#value, (#(#g,)*))
            }
        }
    } else {
        let out = hygienic("AutodiffVjpOut".into());
        let mut generics = generics.clone();
        generics.params.push(syn::parse_quote!(#out));
        generics
            .make_where_clause()
            .predicates
            .push(syn::parse_quote!(#out: #krate::__private::VjpNeedsScalarCustomJvp));
        let wc = &generics.where_clause;
        // The same for second order's protocol, so that a caller gets this
        // one message.
        let stub = |f: &Ident| {
            let lp = (0..idents.len()).map(|k| {
                let p = hygienic(format!("p{k}"));
                quote!(#p: impl ::core::marker::Sized)
            });
            quote! {
                #attrs
                #[allow(unused_variables)]
                #vis fn #f #generics (#(#lp,)* #seed: impl ::core::marker::Sized) -> #out #wc {
                    ::core::unreachable!("reverse mode needs a cotangent rule here")
                }
            }
        };
        let (a, b) = (stub(&pb), stub(&lifted_name));
        quote!(#a #b)
    };
    let lifted = if numbers {
        lifted_pullback(item, krate, idents, params, grads, ret)
    } else {
        TokenStream::new()
    };
    let second = crate::custom::second_order_marker(item, krate, &derivatives);
    let doc = format!(
        " The derivatives of `{}` through the tangent rule `{}`, for `#[differentiable]` callers.",
        syn::ext::IdentExt::unraw(name),
        quote!(#rule).to_string().replace(' ', "")
    );
    crate::custom::rules_struct(item, &doc, second, quote!(#pushforward #pullback #lifted))
}
