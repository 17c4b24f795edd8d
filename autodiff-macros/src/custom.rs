//! `#[custom_vjp(rule)]`: a derivative written by hand, for a function the
//! macro cannot see into (a table lookup, an `extern` function, a formula
//! whose automatic derivative would be unstable). In the spirit of JAX's
//! `custom_vjp`: the rule receives the inputs, the value and the output
//! cotangent, and returns one cotangent per input.

use crate::names::hygienic;
use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use syn::{FnArg, Ident, ItemFn, Pat, ReturnType, Type};

/// A function with a rule written by hand, as both attributes read it.
pub(crate) struct Custom {
    pub item: ItemFn,
    pub rule: syn::Path,
    pub krate: TokenStream,
    /// Positional parameter names and their declarations.
    pub idents: Vec<Ident>,
    pub params: Vec<TokenStream>,
    /// Each parameter's type without its `&`.
    pub grads: Vec<Type>,
    pub ret: Type,
    /// Every input a number, `Vector` or `Matrix` (a caller can pass it).
    pub scalar: bool,
}

/// Reads `#[attr(rule)]` on a function; `Err` holds the errors and the
/// function, to be emitted as they are.
pub(crate) fn parse(
    attr: &str,
    rule_help: &str,
    args: TokenStream,
    input: TokenStream,
) -> Result<Custom, TokenStream> {
    let item: ItemFn = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(err) => {
            let err = syn::Error::new(err.span(), format!("`#[{attr}(rule)]` goes on a function"))
                .to_compile_error();
            return Err(quote!(#err #input));
        }
    };
    let parsed = syn::parse::Parser::parse2(
        |input: syn::parse::ParseStream| {
            let rule: syn::Path = input.parse()?;
            let mut krate: Option<syn::Path> = None;
            if input.parse::<Option<syn::Token![,]>>()?.is_some() && !input.is_empty() {
                input.parse::<syn::Token![crate]>()?;
                input.parse::<syn::Token![=]>()?;
                let lit: syn::LitStr = input.parse()?;
                krate = Some(lit.parse()?);
            }
            Ok((rule, krate))
        },
        args,
    );
    let (rule, krate): (syn::Path, TokenStream) = match parsed {
        Ok((rule, krate)) => (
            rule,
            match krate {
                Some(path) => quote!(#path),
                None => quote!(::autodiff),
            },
        ),
        Err(_) => {
            let err = syn::Error::new_spanned(
                &item.sig.ident,
                format!("name the derivative rule: `#[{attr}(my_rule)]`, where {rule_help}"),
            )
            .to_compile_error();
            return Err(quote!(#err #item));
        }
    };
    let mut errors = Vec::new();
    let mut idents = Vec::new();
    let mut params = Vec::new();
    let mut grads = Vec::new();
    let mut scalar = true;
    for input in &item.sig.inputs {
        match input {
            FnArg::Typed(pt) => match &*pt.pat {
                Pat::Ident(pi) if pi.subpat.is_none() => {
                    // Positional, not the user's names: a parameter named
                    // like the function or the rule cannot shadow it.
                    let ident = hygienic(format!("p{}", idents.len()));
                    let ty = &pt.ty;
                    idents.push(ident.clone());
                    params.push(quote!(#ident: #ty));
                    scalar &= is_scalar(ty, &item.sig.generics) || is_tensor(ty);
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
                    format!("`#[{attr}]` goes on free functions"),
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
        return Err(quote!(#err #item));
    }
    Ok(Custom {
        item,
        rule,
        krate,
        idents,
        params,
        grads,
        ret,
        scalar,
    })
}

pub fn custom_vjp(args: TokenStream, input: TokenStream) -> TokenStream {
    let help = "`my_rule(inputs..., value, cotangent)` returns one cotangent per input";
    let Custom {
        item,
        rule,
        krate,
        idents,
        params,
        grads,
        ret,
        scalar,
    } = match parse("custom_vjp", help, args, input) {
        Ok(c) => c,
        Err(tokens) => return tokens,
    };
    let name = &item.sig.ident;
    let vis = &item.vis;
    let generics = &item.sig.generics;
    let where_clause = &generics.where_clause;
    let pullback = Ident::new("pullback", name.span());
    let derivatives = crate::signatures::derivatives_name(name);
    let turbofish = crate::names::generic_args(generics);
    let (value, seed) = (hygienic("value".into()), hygienic("seed".into()));
    let body = if idents.len() == 1 {
        quote!((#value, (#rule(#(#idents,)* #value, #seed),)))
    } else {
        let g: Vec<Ident> = (0..idents.len())
            .map(|k| hygienic(format!("g{k}")))
            .collect();
        quote! {
            let (#(#g),*) = #rule(#(#idents,)* #value, #seed);
            (#value, (#(#g,)*))
        }
    };
    let doc = format!(
        " The derivatives of `{}` through the rule `{}`, for `#[differentiable]` callers.",
        syn::ext::IdentExt::unraw(name),
        quote!(#rule).to_string().replace(' ', "")
    );
    let pushforward = pushforward(&item, &rule, &krate, &idents, &params, &grads, &ret, scalar);
    let lifted = lifted_pullback(&item, &krate, &idents, &params, &grads, &ret);
    let second = second_order_marker(&item, &krate, &derivatives);
    let pullback = quote! {
        #[doc(hidden)]
        #[inline]
        #[allow(dead_code, clippy::too_many_arguments, clippy::type_complexity)]
        #vis fn #pullback #generics (#(#params,)* #seed: #ret) -> (#ret, (#(#grads,)*)) #where_clause {
            let #value = #name #turbofish(#(#idents),*);
            #body
        }
    };
    rules_struct(&item, &doc, second, quote!(#pushforward #lifted #pullback))
}

/// The function as written, and its rules as associated functions of
/// `f_derivatives`, which callers name (see `signatures::rules`).
pub(crate) fn rules_struct(
    item: &ItemFn,
    doc: &str,
    second: TokenStream,
    fns: TokenStream,
) -> TokenStream {
    let vis = &item.vis;
    let derivatives = crate::signatures::derivatives_name(&item.sig.ident);
    quote! {
        #item

        #[doc = #doc]
        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code)]
        #vis struct #derivatives {}

        impl #derivatives {
            #fns
        }

        #second
    }
}

/// `impl HasSecondOrder` for a rule generic over its float (it runs on
/// dual numbers); a rule for `f64` only has none, and `_hvp` through it is
/// an error at that call.
pub(crate) fn second_order_marker(
    item: &ItemFn,
    krate: &TokenStream,
    derivatives: &Ident,
) -> TokenStream {
    if item.sig.generics.type_params().next().is_none() {
        return TokenStream::new();
    }
    quote! {
        impl<'a> #krate::__private::HasSecondOrder<'a> for #derivatives {}
    }
}

/// `lifted_pullback`, second order's protocol (see `second`). A rule
/// generic over its float runs on the callers' dual numbers as it is. A
/// rule written for `f64` or `f32` has no second order: the lifted pullback
/// exists, so that callers compile, but instantiating it (a call of `_hvp`
/// or `_hessian` that reaches it) is a compile error naming the function.
pub(crate) fn lifted_pullback(
    item: &ItemFn,
    krate: &TokenStream,
    idents: &[Ident],
    params: &[TokenStream],
    grads: &[Type],
    ret: &Type,
) -> TokenStream {
    let name = &item.sig.ident;
    let vis = &item.vis;
    let lifted = Ident::new("lifted_pullback", name.span());
    let pullback = Ident::new("pullback", name.span());
    let seed = hygienic("seed".into());
    let generics = &item.sig.generics;
    let where_clause = &generics.where_clause;
    let attrs = quote! {
        #[doc(hidden)]
        #[inline]
        #[allow(dead_code, unused_variables, clippy::too_many_arguments, clippy::type_complexity)]
    };
    if generics.type_params().next().is_some() {
        let turbofish = crate::names::generic_args(generics);
        return quote! {
            #attrs
            #vis fn #lifted #generics (#(#params,)* #seed: #ret) -> (#ret, (#(#grads,)*)) #where_clause {
                Self::#pullback #turbofish(#(#idents,)* #seed)
            }
        };
    }
    let types = item.sig.inputs.iter().filter_map(|input| match input {
        FnArg::Typed(pt) => Some(&*pt.ty),
        FnArg::Receiver(_) => None,
    });
    let float = types
        .chain(std::iter::once(ret))
        .find_map(|ty| crate::second::scalar_of(ty, generics))
        .map_or_else(|| "f64".to_string(), |f| f.to_string());
    let float = Ident::new(&float, name.span());
    let s = Ident::new("AutodiffScalar", Span::mixed_site());
    let to: Type = syn::parse_quote!(#s);
    let lift = |ty: &Type| crate::second::substitute(ty, &float, &to);
    let lparams = idents
        .iter()
        .zip(item.sig.inputs.iter())
        .map(|(p, input)| match input {
            FnArg::Typed(pt) => {
                let ty = lift(&pt.ty);
                quote!(#p: #ty)
            }
            FnArg::Receiver(_) => quote!(#p: ()),
        });
    let lgrads = grads.iter().map(lift);
    let lret = lift(ret);
    let msg = format!(
        "`{}` has a rule written by hand for `{float}` only, and no second-order rule: `_hvp` and `_hessian` cannot go through a call of it. Write `{}` and its rule generic over `T: Float`, so that they run on dual numbers, or write the function with `#[differentiable]`",
        syn::ext::IdentExt::unraw(name),
        syn::ext::IdentExt::unraw(name),
    );
    let body = crate::second::no_second_order(&msg, &s);
    quote! {
        #attrs
        #vis fn #lifted <#s: #krate::__private::Lifted<#float>> (#(#lparams,)* #seed: #lret) -> (#lret, (#(#lgrads,)*)) {
            #body
        }
    }
}

/// A `Vector`, `RowVector` or `Matrix`, or a reference to one: an argument
/// a differentiated caller can pass.
fn is_tensor(ty: &Type) -> bool {
    match ty {
        Type::Reference(r) => is_tensor(&r.elem),
        Type::Path(p) => crate::sig::is_tensor_path(&p.path),
        _ => false,
    }
}

/// `f32`, `f64`, a type parameter of the function, or a reference to one:
/// the types whose tangents a cotangent rule also gives.
pub(crate) fn is_scalar(ty: &Type, generics: &syn::Generics) -> bool {
    match ty {
        Type::Reference(r) => is_scalar(&r.elem, generics),
        Type::Paren(p) => is_scalar(&p.elem, generics),
        Type::Group(g) => is_scalar(&g.elem, generics),
        Type::Path(p) if p.qself.is_none() => p.path.get_ident().is_some_and(|i| {
            i == "f32" || i == "f64" || generics.type_params().any(|t| t.ident == *i)
        }),
        _ => false,
    }
}

/// `pushforward`, forward mode's protocol, from the cotangent rule: for a
/// scalar result, `ḡ = 1` gives every gradient and the tangent is
/// `Σₖ ⟨gₖ, tₖ⟩`; for a `Vector<T, M>` result, `ḡ = eᵣ` gives the gradients
/// of output `r` (M calls of the rule), and for a `Matrix<T, R, C>` result
/// `ḡ = e_rc` (R·C calls). Anything else has no tangent rule, and calling
/// it is a compile error that says so.
#[allow(clippy::too_many_arguments)]
fn pushforward(
    item: &ItemFn,
    rule: &syn::Path,
    krate: &TokenStream,
    idents: &[Ident],
    params: &[TokenStream],
    grads: &[Type],
    ret: &Type,
    callable: bool,
) -> TokenStream {
    let name = &item.sig.ident;
    let vis = &item.vis;
    let pf = Ident::new("pushforward", name.span());
    let turbofish = crate::names::generic_args(&item.sig.generics);
    let q: Vec<Ident> = (0..idents.len())
        .map(|k| hygienic(format!("q{k}")))
        .collect();
    let (value, seed, tangent, r) = (
        hygienic("value".into()),
        hygienic("seed".into()),
        hygienic("tangent".into()),
        hygienic("r".into()),
    );
    let g: Vec<Ident> = (0..idents.len())
        .map(|k| hygienic(format!("g{k}")))
        .collect();
    let attrs = quote! {
        #[doc(hidden)]
        #[inline]
        #[allow(dead_code, clippy::too_many_arguments, clippy::type_complexity)]
    };
    let scalar_out = is_scalar(ret, &item.sig.generics);
    let vector_out = crate::jacobian::dim(ret).filter(|_| !matches!(ret, Type::Array(_)));
    let matrix_out = matrix_dims(ret);
    if !callable || !(scalar_out || vector_out.is_some() || matrix_out.is_some()) {
        let out = hygienic("AutodiffJvpOut".into());
        let mut generics = item.sig.generics.clone();
        generics.params.push(syn::parse_quote!(#out));
        generics
            .make_where_clause()
            .predicates
            .push(syn::parse_quote!(#out: #krate::__private::JvpNeedsScalarCustomRule));
        let where_clause = &generics.where_clause;
        return quote! {
            #attrs
            #[allow(unused_variables)]
            #vis fn #pf #generics (#(#params,)* #(#q: impl ::core::marker::Sized),*) -> #out #where_clause {
                ::core::unreachable!("forward mode needs a tangent rule here")
            }
        };
    }
    let generics = &item.sig.generics;
    let where_clause = &generics.where_clause;
    let partials = if idents.len() == 1 {
        quote!(let #(#g)* = #rule(#(#idents,)* #value, #seed);)
    } else {
        quote!(let (#(#g),*) = #rule(#(#idents,)* #value, #seed);)
    };
    let likes = idents.iter().zip(params).map(|(p, decl)| {
        if decl.to_string().contains('&') {
            quote!(#p)
        } else {
            quote!(&#p)
        }
    });
    let converts = quote!(#(let #q = #krate::__private::IntoTangent::into_tangent(#q, #likes);)*);
    let sum = quote!(#(#krate::__private::inner(#g, #q))+*);
    let body = match (vector_out, matrix_out) {
        // A `Matrix<T, R, C>` result: `ḡ = e_rc` gives the gradients of
        // entry (r, c), one rule call per entry.
        (None, Some((elem, rows, cols))) => {
            let c = hygienic("c".into());
            quote! {
                let mut #tangent = <#ret as #krate::__private::Zero>::zero();
                for #r in 0..#rows {
                    for #c in 0..#cols {
                        let mut #seed = <#ret as #krate::__private::Zero>::zero();
                        #seed[#r][#c] = <#elem as #krate::__private::One>::one();
                        #partials
                        #tangent[#r][#c] = #sum;
                    }
                }
                (#value, #tangent)
            }
        }
        (None, None) => quote! {
            let #seed = <#ret as #krate::__private::One>::one();
            #partials
            (#value, #sum)
        },
        (Some(out), _) => {
            let (elem, m) = (&out.elem, &out.len);
            quote! {
                let mut #tangent = <#ret as #krate::__private::Zero>::zero();
                for #r in 0..#m {
                    let mut #seed = <#ret as #krate::__private::Zero>::zero();
                    #seed[#r] = <#elem as #krate::__private::One>::one();
                    #partials
                    #tangent[#r] = #sum;
                }
                (#value, #tangent)
            }
        }
    };
    quote! {
        #attrs
        #vis fn #pf #generics (#(#params,)* #(#q: impl #krate::__private::IntoTangent<#grads>),*) -> (#ret, #ret) #where_clause {
            let #value = #name #turbofish(#(#idents),*);
            #converts
            #body
        }
    }
}

/// `(T, R, C)` of a `Matrix<T, R, C>` result.
fn matrix_dims(ty: &Type) -> Option<(Type, TokenStream, TokenStream)> {
    let Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    if seg.ident != "Matrix" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    let mut it = args.args.iter();
    let elem = match it.next()? {
        syn::GenericArgument::Type(t) => t.clone(),
        _ => return None,
    };
    let rows = it.next()?.to_token_stream();
    let cols = it.next()?.to_token_stream();
    Some((elem, rows, cols))
}
