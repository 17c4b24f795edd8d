//! Stage 5b: `f_hvp` and `f_hessian`, from the lifted pass (see `second`).
//!
//! `f_hvp(p..., v...)` runs the lifted pass once at `x + ε v`; `f_hessian`
//! runs it once per column with a unit direction, writes each column into
//! the returned Hessian in place, and copies the lower triangle onto the
//! upper one so that the result is exactly symmetric.

use crate::graph::{Graph, Id};
use crate::names::{hygienic, Names};
use crate::second::{float_of, reusable, Float};
use crate::sig::{Shape, Sig};
use crate::signatures::{direction_name, hessian_sig, hessian_types, hvp_sig, stub, stubs};
use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::{Ident, ItemFn, Type};

/// The float second order runs on, and how to call the pass that does.
struct Plan {
    /// `f64`, `f32`, or the function's `T`.
    float: TokenStream,
    /// `<f_derivatives>::lifted_vjp`, or `f_vjp` itself for a generic function.
    callee: TokenStream,
    /// `Dual<T>: <T's bounds>` for a generic function, so that its own
    /// reverse pass may run on `Dual<T>`.
    bounds: Vec<syn::WherePredicate>,
    /// A generic function's `T`: its constants of type `T` are passed as
    /// dual numbers too (the lifted pass of an `f64` function lifts them itself).
    generic: Option<Ident>,
}

fn plan(item: &ItemFn, sig: &Sig, names: &Names) -> Option<Plan> {
    let krate = &names.krate;
    match float_of(sig) {
        Float::Concrete(f) => {
            let rule = crate::signatures::rule_name(item, sig, "lifted_vjp");
            let callee = match sig.receiver {
                Some(_) => quote!(self.#rule),
                None => {
                    let d = crate::signatures::derivatives_name(&item.sig.ident);
                    quote!(#d::#rule)
                }
            };
            Some(Plan {
                float: f.into_token_stream(),
                callee,
                bounds: Vec::new(),
                generic: None,
            })
        }
        Float::Generic(t) => {
            let vjp = &names.vjp;
            let callee = match sig.receiver {
                Some(_) => quote!(self.#vjp),
                None => quote!(#vjp),
            };
            let mut bounds = Vec::new();
            for param in sig.generics.type_params().filter(|p| p.ident == t) {
                let b = &param.bounds;
                if !b.is_empty() {
                    bounds.push(syn::parse_quote!(#krate::Dual<#t>: #b));
                }
            }
            if let Some(w) = &sig.generics.where_clause {
                for pred in &w.predicates {
                    if let syn::WherePredicate::Type(pt) = pred {
                        if matches!(&pt.bounded_ty, Type::Path(p) if p.path.is_ident(&t)) {
                            let b = &pt.bounds;
                            bounds.push(syn::parse_quote!(#krate::Dual<#t>: #b));
                        }
                    }
                }
            }
            let generic = Some(t.clone());
            Some(Plan {
                float: t.into_token_stream(),
                callee,
                bounds,
                generic,
            })
        }
        Float::Unknown => None,
    }
}

/// Constant parameter `p` as the pass takes it: as it is, or, when it is
/// made of a generic function's `T`, as dual numbers with no derivative
/// part. `None` when it holds `T` in a shape that cannot be converted.
fn constant_arg(sig: &Sig, p: usize, plan: &Plan, ad: &TokenStream) -> Option<TokenStream> {
    let param = &sig.params[p];
    let x = &param.ident;
    let Some(t) = &plan.generic else {
        return Some(x.to_token_stream());
    };
    if !mentions_in_groups(&param.ty.to_token_stream(), t) {
        return Some(x.to_token_stream());
    }
    let by_ref = matches!(param.ty, Type::Reference(_));
    let read = if by_ref { quote!((*#x)) } else { quote!(#x) };
    let owned = &param.owned;
    let value = match param.shape {
        Shape::Scalar => quote!(#ad::Dual::constant(#read)),
        Shape::Array { dims: 1 } => quote!(#ad::lift_array(#read)),
        Shape::Array { dims: 2 } => quote!(#ad::lift_array2(#read)),
        Shape::Tensor => quote!(#ad::PerturbTensor::perturb(#read, <#owned>::zeros())),
        _ => return None,
    };
    Some(if by_ref { quote!(&#value) } else { value })
}

fn mentions_in_groups(tokens: &TokenStream, t: &Ident) -> bool {
    tokens.clone().into_iter().any(|tt| match tt {
        proc_macro2::TokenTree::Ident(i) => &i == t,
        proc_macro2::TokenTree::Group(g) => mentions_in_groups(&g.stream(), t),
        _ => false,
    })
}

/// `x + ε v` for parameter `p`, as the lifted pass takes it.
fn perturbed(sig: &Sig, p: usize, x: TokenStream, v: TokenStream, ad: &TokenStream) -> TokenStream {
    let param = &sig.params[p];
    let by_ref = matches!(param.ty, Type::Reference(_));
    let x = if by_ref { quote!((*#x)) } else { x };
    let value = match param.shape {
        Shape::Array { dims: 1 } => quote!(#ad::perturb_array(#x, #v)),
        Shape::Array { .. } => quote!(#ad::perturb_array2(#x, #v)),
        Shape::Tensor => quote!(#ad::PerturbTensor::perturb(#x, #v)),
        _ => quote!(#ad::Dual::new(#x, #v)),
    };
    if by_ref {
        quote!(&#value)
    } else {
        value
    }
}

/// `(gradient, H·v)` from a lifted gradient.
fn split(sig: &Sig, p: usize, d: &Ident, ad: &TokenStream) -> TokenStream {
    let param = &sig.params[p];
    match param.shape {
        Shape::Array { dims: 1 } => quote!(#ad::split_array(#d)),
        Shape::Array { .. } => quote!(#ad::split_array2(#d)),
        Shape::Tensor => {
            let owned = &param.owned;
            quote!(<#owned as #ad::PerturbTensor>::split(#d))
        }
        _ => quote!((#d.re, #d.eps)),
    }
}

/// The result of `f_hessian`, or why it has none.
pub(crate) enum Hess {
    /// `k` scalar parameters: `([T; k], [[T; k]; k])`.
    Scalars(Vec<usize>),
    /// One `[T; N]`: `([T; N], [[T; N]; N])`.
    Array(usize, syn::Expr),
    /// One `Vector<T, N>`: `(Vector<T, N>, Matrix<T, N, N>)`.
    Vector(usize, TokenStream),
    /// One `[T; N]` whose Hessian's pattern the graph shows (see
    /// `sparsity`): one pass per colour of columns.
    Band(usize, syn::Expr, crate::sparsity::Pattern),
}

fn hessian_shape(sig: &Sig) -> Option<Hess> {
    let diff: Vec<usize> = (0..sig.params.len())
        .filter(|&k| sig.params[k].diff)
        .collect();
    if diff.is_empty() || !(0..sig.params.len()).all(|k| sig.params[k].diff || reusable(sig, k)) {
        return None;
    }
    if diff
        .iter()
        .all(|&k| matches!(sig.params[k].shape, Shape::Scalar))
    {
        return Some(Hess::Scalars(diff));
    }
    let [k] = diff[..] else { return None };
    match (&sig.params[k].shape, &sig.params[k].owned) {
        (Shape::Array { dims: 1 }, Type::Array(a)) => Some(Hess::Array(k, a.len.clone())),
        (Shape::Tensor, Type::Path(p)) if p.path.segments.last()?.ident == "Vector" => {
            let n = crate::jacobian::dim(&sig.params[k].owned)?.len;
            Some(Hess::Vector(k, n))
        }
        _ => None,
    }
}

/// `f_hvp` and `f_hessian` of a differentiated function.
pub(crate) fn second_order(
    item: &ItemFn,
    sig: &Sig,
    names: &Names,
    graph: &Graph,
    out: Id,
) -> TokenStream {
    let (krate, ad) = (&names.krate, &names.ad);
    if sig.returns_many() {
        return stubs(
            item,
            sig,
            names,
            quote!(#krate::__private::SecondOrderNeedsScalarResult),
        );
    }
    let Some(mut plan) = plan(item, sig, names) else {
        return stubs(
            item,
            sig,
            names,
            quote!(#krate::__private::SecondOrderNeedsOneFloat),
        );
    };
    // Every callee must have second order: checked at the call of `_hvp`
    // or `_hessian` (see autodiff-core's `HasSecondOrder`).
    let callees = crate::second::callees(graph);
    let mut with_lifetime;
    let sig = if callees.is_empty() {
        sig
    } else {
        with_lifetime = sig.clone();
        with_lifetime
            .generics
            .params
            .insert(0, syn::parse_quote!('autodiff));
        for c in &callees {
            plan.bounds
                .push(syn::parse_quote!(#c: #krate::__private::HasSecondOrder<'autodiff>));
        }
        &with_lifetime
    };
    let Plan {
        float: t,
        callee,
        bounds,
        ..
    } = &plan;
    let dual = quote!(#krate::Dual<#t>);
    let constants: Option<Vec<TokenStream>> = (0..sig.params.len())
        .map(|k| match sig.params[k].diff {
            true => Some(TokenStream::new()),
            false => constant_arg(sig, k, &plan, ad),
        })
        .collect();
    let Some(constants) = constants else {
        return stubs(item, sig, names, quote!(#krate::__private::HessianShapes));
    };
    let diff: Vec<usize> = (0..sig.params.len())
        .filter(|&k| sig.params[k].diff)
        .collect();
    let d: Vec<Ident> = diff.iter().map(|k| hygienic(format!("d{k}"))).collect();
    let g: Vec<Ident> = diff.iter().map(|k| hygienic(format!("g{k}"))).collect();
    let hv: Vec<Ident> = diff.iter().map(|k| hygienic(format!("h{k}"))).collect();
    let value = hygienic("value".into());
    let args = (0..sig.params.len()).map(|k| {
        let x = sig.params[k].ident.to_token_stream();
        if sig.params[k].diff {
            perturbed(sig, k, x, direction_name(sig, k).into_token_stream(), ad)
        } else {
            constants[k].clone()
        }
    });
    let splits = diff.iter().zip(&d).map(|(&k, dk)| split(sig, k, dk, ad));
    let hvp_sig = hvp_sig(item, sig, bounds);
    let allow = quote!(#[allow(dead_code, clippy::too_many_arguments, clippy::type_complexity)]);
    let hvp = quote! {
        #[inline]
        #allow
        #hvp_sig {
            use #krate::__private as #ad;
            let (#value, #(#d),*) = #callee(#(#args,)* <#dual as #ad::One>::one());
            #(let (#g, #hv) = #splits;)*
            (#value.re, #(#g,)* #(#hv),*)
        }
    };
    let shape = match hessian_shape(sig) {
        // A pattern pays when it needs fewer passes than there are
        // columns; a length written as a literal tells at once.
        Some(Hess::Array(k, n)) => match crate::sparsity::pattern(graph, out, k) {
            Some(p) if !literal_at_most(&n, p.colors()) => Some(Hess::Band(k, n, p)),
            _ => Some(Hess::Array(k, n)),
        },
        other => other,
    };
    let hessian = match shape {
        Some(h) => hessian(item, sig, names, &plan, &h, &constants),
        None => stub(
            item,
            sig,
            names,
            "hessian",
            quote!(#krate::__private::HessianShapes),
        ),
    };
    quote!(#hvp #hessian)
}

fn hessian(
    item: &ItemFn,
    sig: &Sig,
    names: &Names,
    plan: &Plan,
    h: &Hess,
    constants: &[TokenStream],
) -> TokenStream {
    let (krate, ad) = (&names.krate, &names.ad);
    let Plan {
        float: t,
        callee,
        bounds,
        ..
    } = plan;
    let dual = quote!(#krate::Dual<#t>);
    let hsig = hessian_sig(item, sig, h, t, krate, bounds);
    let (i, e) = (hygienic("i".into()), hygienic("k".into()));
    let len = match h {
        Hess::Scalars(d) => proc_macro2::Literal::usize_unsuffixed(d.len()).into_token_stream(),
        Hess::Array(_, n) | Hess::Band(_, n, _) => n.to_token_stream(),
        Hess::Vector(_, n) => n.clone(),
    };
    let (out, value, j) = (
        hygienic("out".into()),
        hygienic("value".into()),
        hygienic("j".into()),
    );
    let zero = quote!(<#t as #ad::Zero>::zero());
    let one = quote!(<#dual as #ad::One>::one());
    let (body, n) = match h {
        Hess::Scalars(diff) => {
            let k = proc_macro2::Literal::usize_unsuffixed(diff.len());
            let d: Vec<Ident> = diff.iter().map(|k| hygienic(format!("d{k}"))).collect();
            let args = (0..sig.params.len()).map(|p| {
                let x = &sig.params[p].ident;
                match diff.iter().position(|&q| q == p) {
                    Some(i) => {
                        let value = if sig.params[p].scalar_ref {
                            quote!(*#x)
                        } else {
                            quote!(#x)
                        };
                        let i = proc_macro2::Literal::usize_unsuffixed(i);
                        let dual = quote!(#ad::Dual::new(#value, #ad::unit::<#t>(#j, #i)));
                        if sig.params[p].scalar_ref {
                            quote!(&#dual)
                        } else {
                            dual
                        }
                    }
                    None => constants[p].clone(),
                }
            });
            let body = quote! {
                let (#value, #(#d),*) = #callee(#(#args,)* #one);
                #out.0 = #value.re;
                #out.1 = [#(#d.re),*];
                #out.2[#j] = [#(#d.eps),*];
            };
            (body, quote!(#k))
        }
        Hess::Array(k, n) => {
            let args = seeded_args(sig, *k, constants, |x| quote!(#ad::unit_perturb(#x, #j)));
            let d = hygienic("d".into());
            let body = quote! {
                let (#value, #d) = #callee(#(#args,)* #one);
                #out.0 = #value.re;
                for #e in 0usize..#n {
                    #out.1[#e] = #d[#e].re;
                    #out.2[#j][#e] = #d[#e].eps;
                }
            };
            (body, n.to_token_stream())
        }
        Hess::Band(k, n, p) => {
            let m = proc_macro2::Literal::usize_unsuffixed(p.colors());
            let args = seeded_args(
                sig,
                *k,
                constants,
                |x| quote!(#ad::color_perturb(#x, #j, #m)),
            );
            let d = hygienic("d".into());
            let (s0, c, delta) = (
                hygienic("s".into()),
                hygienic("c".into()),
                hygienic("delta".into()),
            );
            // Row `e`'s one column of colour `j` among those it can have.
            let column = match p.blocks {
                // One colour: the Hessian is diagonal.
                _ if p.colors() == 1 => quote!(let #c = #e;),
                Some((a, lo)) => {
                    let (a, lo) = (lit(a), lit(lo));
                    quote! {
                        if #e < #lo {
                            continue;
                        }
                        let #s0 = #e - (#e - #lo) % #a;
                        let #c = #s0 + (#j + #a - #s0 % #a) % #a;
                    }
                }
                None => {
                    let w = lit(p.w);
                    quote! {
                        let #delta = (#j + #m - #e % #m) % #m;
                        if #delta > #w && #e + #delta < #m {
                            continue;
                        }
                        let #c = if #delta > #w { #e + #delta - #m } else { #e + #delta };
                    }
                }
            };
            let body = quote! {
                let (#value, #d) = #callee(#(#args,)* #one);
                #out.0 = #value.re;
                for #e in 0usize..#n {
                    #out.1[#e] = #d[#e].re;
                    #column
                    if #c < #n {
                        #out.2[#e][#c] = #d[#e].eps;
                    }
                }
            };
            // Fewer columns than colours: one pass per column.
            (body, quote!(::core::cmp::min(#m, #n)))
        }
        Hess::Vector(k, n) => {
            let args = seeded_args(
                sig,
                *k,
                constants,
                |x| quote!(::core::convert::From::from(#ad::unit_perturb(#x.to_array(), #j))),
            );
            let d = hygienic("d".into());
            let body = quote! {
                let (#value, #d) = #callee(#(#args,)* #one);
                #out.0 = #value.re;
                for #e in 0usize..#n {
                    #out.1.as_mut_array()[#e] = #d.as_array()[#e].re;
                    #out.2.as_mut_array()[#j][#e] = #d.as_array()[#e].eps;
                }
            };
            (body, n.clone())
        }
    };
    let (gt, ht) = hessian_types(sig, h, t, krate);
    let ret = &sig.ret;
    let init = match h {
        Hess::Vector(..) => quote!((#zero, <#gt>::zeros(), <#ht>::zeros())),
        Hess::Array(_, n) | Hess::Band(_, n, _) => quote!((#zero, [#zero; #n], [[#zero; #n]; #n])),
        Hess::Scalars(_) => quote!((#zero, [#zero; #n], [[#zero; #n]; #n])),
    };
    // The lower triangle copied onto the upper one, indexing `out` in place:
    // a borrow of it (a helper taking `&mut out.2`) would keep the compiler
    // from building it in the return slot, and cost a copy of it (80 KB at
    // N = 100) on the way out.
    let sym = match h {
        Hess::Vector(..) => quote!(#ad::symmetrize(#out.2.as_mut_array());),
        Hess::Band(_, _, p) => {
            let w = lit(p.w);
            quote! {
                for #i in 0usize..#len {
                    for #e in #i.saturating_sub(#w)..#i {
                        #out.2[#e][#i] = #out.2[#i][#e];
                    }
                }
            }
        }
        Hess::Array(..) | Hess::Scalars(_) => quote! {
            for #i in 0usize..#len {
                for #e in 0..#i {
                    #out.2[#e][#i] = #out.2[#i][#e];
                }
            }
        },
    };
    quote! {
        #[inline]
        #[allow(dead_code, clippy::too_many_arguments, clippy::type_complexity, clippy::needless_range_loop)]
        #hsig {
            use #krate::__private as #ad;
            let mut #out: (#ret, #gt, #ht) = #init;
            for #j in 0..#n {
                #body
            }
            #sym
            #out
        }
    }
}

/// The arguments of one pass of a Hessian over array or vector parameter
/// `k`: `seed(x)` for it (read through its reference, if it has one), the
/// constants as the pass takes them.
fn seeded_args(
    sig: &Sig,
    k: usize,
    constants: &[TokenStream],
    seed: impl Fn(TokenStream) -> TokenStream,
) -> Vec<TokenStream> {
    (0..sig.params.len())
        .map(|p| {
            if p != k {
                return constants[p].clone();
            }
            let x = &sig.params[p].ident;
            match sig.params[p].ty {
                Type::Reference(_) => {
                    let value = seed(quote!((*#x)));
                    quote!(&#value)
                }
                _ => seed(quote!(#x)),
            }
        })
        .collect()
}

/// The `f_hvp` and `f_hessian` of a refused function: the same signatures,
/// so that call sites do not cascade.
pub(crate) fn fallback(item: &ItemFn, sig: &Sig, names: &Names) -> TokenStream {
    let krate = &names.krate;
    if sig.returns_many() {
        return stubs(
            item,
            sig,
            names,
            quote!(#krate::__private::SecondOrderNeedsScalarResult),
        );
    }
    let Some(plan) = plan(item, sig, names) else {
        return stubs(
            item,
            sig,
            names,
            quote!(#krate::__private::SecondOrderNeedsOneFloat),
        );
    };
    let body = quote!({
        ::core::unreachable!("`#[differentiable]` reported a compile error for this function")
    });
    let allow = quote!(#[allow(dead_code, unused_variables, clippy::too_many_arguments, clippy::type_complexity)]);
    let hvp = hvp_sig(item, sig, &plan.bounds);
    let hessian = match hessian_shape(sig) {
        Some(h) => {
            let s = hessian_sig(item, sig, &h, &plan.float, krate, &plan.bounds);
            quote!(#allow #s #body)
        }
        None => stub(
            item,
            sig,
            names,
            "hessian",
            quote!(#krate::__private::HessianShapes),
        ),
    };
    quote!(#allow #hvp #body #hessian)
}

fn lit(n: usize) -> proc_macro2::Literal {
    proc_macro2::Literal::usize_unsuffixed(n)
}

/// Whether `n` is an integer literal no larger than `max`.
fn literal_at_most(n: &syn::Expr, max: usize) -> bool {
    match n {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse::<usize>().is_ok_and(|v| v <= max),
        _ => false,
    }
}
