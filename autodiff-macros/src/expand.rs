//! Stage 4: the generated code. The forward pass binds every reachable node
//! once, children first; the backward pass walks the nodes in reverse, each
//! adjoint the sum of what its users pass down, bound once and reused.

use crate::attr::{self, Attr};
use crate::ctx::Ctxt;
use crate::emit::Emitter;
use crate::fallback;
use crate::graph::{Id, Scope};
use crate::lower::{self, Lowered};
use crate::sig::{self, Param, Sig};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, ToTokens};
use syn::ext::IdentExt;
use syn::{Ident, ItemFn};

pub fn differentiable(args: TokenStream, input: TokenStream) -> TokenStream {
    let item: ItemFn = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(err) => {
            let err = syn::Error::new(
                err.span(),
                "`#[differentiable]` goes on a function: `fn f(x: f64) -> f64 { ... }`",
            );
            let err = err.to_compile_error();
            return quote!(#err #input);
        }
    };
    let cx = Ctxt::default();
    let attr = attr::parse(&cx, args);
    let sig = sig::analyze(&cx, &attr, &item.sig);
    let lowered = if sig.ret_refused {
        // A function refused for its result (`-> bool`) has a body that
        // computes that result (`x > 0.0`): its errors would only repeat the
        // first one. The user fixes the type, and the next build checks it.
        let quiet = Ctxt::default();
        let lowered = lower::lower(&quiet, &sig, &item.sig.ident, &item.block);
        let _ = quiet.finish();
        lowered
    } else {
        lower::lower(&cx, &sig, &item.sig.ident, &item.block)
    };
    let names = Names::new(&item, &sig, &attr);
    match (cx.finish(), lowered.out) {
        (Ok(()), Some(out)) => emit(&item, &sig, &names, &lowered, out),
        (Err(errors), _) => fallback::stub(&item, &sig, &names, errors),
        (Ok(()), None) => {
            let err = internal_error(&item, "the body gave no value and reported no error");
            fallback::stub(&item, &sig, &names, err)
        }
    }
}

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
    fn new(item: &ItemFn, sig: &Sig, attr: &Attr) -> Names {
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

    /// `fn f_pullback(params, seed) -> (R, (G0, G1, ...))`: one entry per
    /// parameter (`NoGrad` for constants), the protocol a calling
    /// `#[differentiable]` function relies on.
    pub fn pullback_sig(&self, item: &ItemFn, sig: &Sig) -> TokenStream {
        let vis = &item.vis;
        let unsafety = &item.sig.unsafety;
        let name = format_ident!("{}_pullback", item.sig.ident, span = item.sig.ident.span());
        let (generics, where_clause, seed, krate) = (
            &sig.generics,
            &sig.generics.where_clause,
            &self.seed,
            &self.krate,
        );
        let receiver = sig.receiver.iter().map(|r| quote!(#r));
        let params = sig.params.iter().enumerate().map(|(k, p)| {
            let (ident, ty) = (pullback_param(k), &p.ty);
            quote!(#ident: #ty)
        });
        let params: Vec<TokenStream> = receiver.chain(params).collect();
        let ret = &sig.ret;
        let grads = sig.params.iter().map(|p| {
            if p.diff || p.refused {
                p.grad_ty().to_token_stream()
            } else {
                quote!(#krate::__private::NoGrad)
            }
        });
        quote! {
            #[doc(hidden)]
            #[inline]
            #[allow(dead_code, clippy::too_many_arguments, clippy::type_complexity)]
            #vis #unsafety fn #name #generics (#(#params,)* #seed: #ret) -> (#ret, (#(#grads,)*)) #where_clause
        }
    }

    /// `fn f_grad` of a function with a vector or matrix result, which has
    /// no gradient: generic in its result, bounded by a trait nothing
    /// implements, so a call reports `GradNeedsScalarResult`'s message
    /// (use `_vjp` with a seed) at the call, and nothing else does.
    pub fn tensor_grad_stub(&self, item: &ItemFn, sig: &Sig) -> TokenStream {
        let (vis, unsafety, grad, krate) = (&item.vis, &item.sig.unsafety, &self.grad, &self.krate);
        let out = Ident::new("AutodiffGradOut", Span::mixed_site());
        let mut generics = sig.generics.clone();
        generics.params.push(syn::parse_quote!(#out));
        generics
            .make_where_clause()
            .predicates
            .push(syn::parse_quote!(#out: #krate::__private::GradNeedsScalarResult));
        let where_clause = &generics.where_clause;
        let receiver = sig.receiver.iter().map(|r| quote!(#r));
        let params = sig.params.iter().map(|p| {
            let (ident, ty) = (&p.ident, &p.ty);
            quote!(#ident: #ty)
        });
        let params: Vec<TokenStream> = receiver.chain(params).collect();
        quote! {
            #[doc(hidden)]
            #[allow(dead_code, unused_variables, clippy::too_many_arguments)]
            #vis #unsafety fn #grad #generics (#(#params),*) -> #out #where_clause {
                ::core::unreachable!("`_grad` needs a scalar result")
            }
        }
    }

    /// `fn f_graph() -> &'static str`: the expression graph in Graphviz DOT.
    pub fn graph_fn(&self, item: &ItemFn, dot: &str) -> TokenStream {
        let vis = &item.vis;
        let name = format_ident!("{}_graph", item.sig.ident, span = item.sig.ident.span());
        let doc = format!(
            " The expression graph of {} in Graphviz DOT: one node per operation, labelled with its local derivative; edges follow the data.\n\n Generated by `#[differentiable]`.",
            doc_link(&item.sig.ident)
        );
        quote! {
            #[doc = #doc]
            #[allow(dead_code)]
            #vis fn #name() -> &'static str {
                #dot
            }
        }
    }

    /// `fn f_vjp(params, seed: R) -> (R, grads)` and `fn f_grad(params) -> (R, grads)`.
    pub fn signatures(&self, item: &ItemFn, sig: &Sig) -> (TokenStream, TokenStream) {
        let vis = &item.vis;
        let unsafety = &item.sig.unsafety;
        let (vjp, grad, seed) = (&self.vjp, &self.grad, &self.seed);
        let generics = &sig.generics;
        let where_clause = &sig.generics.where_clause;
        let receiver = sig.receiver.iter();
        let params = sig.params.iter().map(|p| {
            let (ident, ty) = (&p.ident, &p.ty);
            quote!(#ident: #ty)
        });
        let params: Vec<TokenStream> = receiver.map(|r| quote!(#r)).chain(params).collect();
        let ret = &sig.ret;
        // A refused parameter keeps its slot: the stubs then still match
        // the user's `let (v, g) = f_grad(..)`.
        let grads = sig
            .params
            .iter()
            .filter(|p| p.diff || p.refused)
            .map(Param::grad_ty);
        let out = quote!((#ret, #(#grads),*));
        let (vjp_doc, grad_doc) = docs(item, sig, &seed.to_string());
        (
            quote! {
                #[doc = #vjp_doc]
                #vis #unsafety fn #vjp #generics (#(#params,)* #seed: #ret) -> #out #where_clause
            },
            quote! {
                #[doc = #grad_doc]
                #vis #unsafety fn #grad #generics (#(#params),*) -> #out #where_clause
            },
        )
    }
}

fn emit(item: &ItemFn, sig: &Sig, names: &Names, lowered: &Lowered, out: Id) -> TokenStream {
    let mut em = Emitter::new(&lowered.graph, sig, names, out);
    let mut fwd = em.prologue();
    fwd.extend(em.forward(Scope::TOP, false));
    let mut bwd = em.backward(Scope::TOP);
    let grads: Vec<TokenStream> = (0..sig.params.len())
        .filter(|&i| sig.params[i].diff)
        .map(|i| em.param_grad(i, &mut bwd))
        .collect();
    let value = em.operand(out);
    if let Some(mut first) = em.errors.pop() {
        for err in em.errors.drain(..) {
            first.combine(err);
        }
        return fallback::stub(item, sig, names, first);
    }

    let (vjp_sig, grad_sig) = names.signatures(item, sig);
    let ad = &names.ad;
    let krate = &names.krate;
    let items = &lowered.items;
    let checks = &lowered.checks;
    let ret = &sig.ret;
    let vjp = &names.vjp;
    let args = sig.params.iter().map(|p| &p.ident);
    // Refer to the original so that a caller using only the gradient does
    // not get a dead-code warning for it.
    let fn_name = &item.sig.ident;
    let turbofish = generic_args(&sig.generics);
    let keep = match &sig.receiver {
        Some(_) => quote!(let _ = Self::#fn_name #turbofish;),
        None => quote!(let _ = #fn_name #turbofish;),
    };
    let call = match &sig.receiver {
        Some(_) => quote!(self.#vjp(#(#args,)* <#ret as #krate::__private::One>::one())),
        None => quote!(#vjp(#(#args,)* <#ret as #krate::__private::One>::one())),
    };
    let graph = crate::dot::render(&lowered.graph, sig, out, &item.sig.ident);
    let graph_fn = names.graph_fn(item, &graph);
    let pullback_sig = names.pullback_sig(item, sig);
    let seed = &names.seed;
    let position = |k: usize| Ident::new(&format!("d{k}"), Span::mixed_site());
    let diff_names: Vec<Ident> = (0..sig.params.len())
        .filter(|&k| sig.params[k].diff)
        .map(position)
        .collect();
    let all_grads = sig.params.iter().enumerate().map(|(k, p)| {
        if p.diff {
            position(k).to_token_stream()
        } else {
            quote!(#krate::__private::NoGrad)
        }
    });
    let vjp_args = (0..sig.params.len()).map(pullback_param);
    let vjp_call = match &sig.receiver {
        Some(_) => quote!(self.#vjp(#(#vjp_args,)* #seed)),
        None => quote!(#vjp(#(#vjp_args,)* #seed)),
    };
    let v = Ident::new("value", Span::mixed_site());
    let pullback = quote! {
        #pullback_sig {
            let (#v, #(#diff_names),*) = #vjp_call;
            (#v, (#(#all_grads,)*))
        }
    };
    let grad = if sig.returns_tensor() {
        names.tensor_grad_stub(item, sig)
    } else {
        quote! {
            #[inline]
            #[allow(dead_code, clippy::too_many_arguments, clippy::type_complexity)]
            #grad_sig {
                #call
            }
        }
    };
    quote! {
        // Loops must index (iterators have no compile-time trip count), so
        // clippy's advice to iterate instead does not apply here.
        #[allow(clippy::needless_range_loop)]
        #item

        #[inline]
        #[allow(
            dead_code,
            unused_variables,
            non_snake_case,
            clippy::assign_op_pattern,
            clippy::too_many_arguments,
            clippy::type_complexity
        )]
        #vjp_sig {
            use #krate::__private as #ad;
            #keep
            #(const _: () = #checks::AUTODIFF_RULE;)*
            #(#items)*
            #(#fwd)*
            #(#bwd)*
            (#value, #(#grads),*)
        }

        #grad

        #pullback

        #graph_fn
    }
}

/// "[`f`]", a link to the function; a raw `r#match` is named as `match`,
/// unlinked, since the `r#` is not part of the name.
fn doc_link(ident: &Ident) -> String {
    let name = ident.unraw();
    if ident.to_string().starts_with("r#") {
        format!("`{name}`")
    } else {
        format!("[`{name}`]")
    }
}

/// The rustdoc of `f_vjp` and `f_grad`: every component of the tuple they
/// return, by name, so a caller who destructures it wrongly (forgetting
/// `wrt`, say) reads what each position holds.
fn docs(item: &ItemFn, sig: &Sig, seed: &str) -> (String, String) {
    let name = item.sig.ident.unraw().to_string();
    let link = doc_link(&item.sig.ident);
    let args: Vec<String> = sig
        .params
        .iter()
        .map(|p| p.ident.unraw().to_string())
        .collect();
    let recv = if sig.receiver.is_some() { "self." } else { "" };
    let call = format!("{recv}{name}({})", args.join(", "));
    let slots: Vec<(String, &Param)> = sig
        .params
        .iter()
        .zip(&args)
        .filter(|(p, _)| p.diff || p.refused)
        .map(|(p, a)| (format!("d_{a}"), p))
        .collect();
    let tuple = std::iter::once("value".to_string())
        .chain(slots.iter().map(|(d, _)| d.clone()))
        .collect::<Vec<_>>()
        .join(", ");
    let constants: Vec<String> = sig
        .params
        .iter()
        .zip(&args)
        .filter(|(p, _)| !p.diff && !p.refused)
        .map(|(_, a)| format!("`{a}`"))
        .collect();
    let no_entry = if constants.is_empty() {
        String::new()
    } else {
        format!(
            "\n\n Not differentiated, so without an entry: {} (integers and `bool`s are constants, and so are parameters left out of `wrt`).",
            constants.join(", ")
        )
    };
    let ty = |p: &Param| p.grad_ty().to_token_stream().to_string().replace(' ', "");
    let entries = |seeded: bool| -> String {
        let mut out = format!("\n - `value`: `{call}`");
        for (d, p) in &slots {
            let x = p.ident.unraw();
            let what = if seeded {
                format!("`{seed}` times ∂{name}/∂{x}")
            } else {
                format!("∂{name}/∂{x}")
            };
            out.push_str(&format!("\n - `{d}`: {what}, a `{}` like `{x}`", ty(p)));
        }
        out
    };
    let grad = format!(
        " Value and gradient of {link}: `let ({tuple}) = {recv}{name}_grad({});`, one entry per differentiated parameter, in order:{}{no_entry}\n\n Generated by `#[differentiable]`.",
        args.join(", "),
        entries(false)
    );
    let seed_note = if sig.returns_tensor() {
        format!("`{seed}` has the result's type: `{seed}` times ∂{name}/∂x is the vector-Jacobian product Σᵢ {seed}ᵢ ∂{name}ᵢ/∂x")
    } else {
        format!("`{seed}` has the result's type; with `{seed}` = 1 this is `{name}_grad`")
    };
    let vjp = format!(
        " Pullback of {link}: `let ({tuple}) = {recv}{name}_vjp({}{seed});`, one entry per differentiated parameter, in order:{}\n\n {seed_note}.{no_entry}\n\n Generated by `#[differentiable]`.",
        args.iter().map(|a| format!("{a}, ")).collect::<String>(),
        entries(true)
    );
    (vjp, grad)
}

/// The `k`th parameter of a pullback. Positional and mixed-site: no user
/// name (one spelled like the function's `_vjp`, or `seed`) can shadow what
/// the pullback calls.
fn pullback_param(k: usize) -> Ident {
    Ident::new(&format!("p{k}"), Span::mixed_site())
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
