//! Stage 4: the generated code. The forward pass binds every reachable node
//! once, children first; the backward pass walks the nodes in reverse, each
//! adjoint the sum of what its users pass down, bound once and reused.

use crate::attr;
use crate::ctx::Ctxt;
use crate::emit::{Emitter, Mode};
use crate::fallback;
use crate::graph::{Id, Op, Scope};
use crate::lower::{self, Lowered};
use crate::names::{generic_args, internal_error, pullback_param, pushforward_tangent, Names};
use crate::sig::{self, Sig};
use proc_macro2::{Span, TokenStream};
use quote::quote;
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
    // Emission reports into the same channel; errors of any stage give the
    // stubs, with every error at once.
    let code = match (cx.has_errors(), lowered.out) {
        (false, Some(out)) => Some(emit(&cx, &item, &sig, &names, &lowered, out)),
        (false, None) => {
            cx.push(internal_error(
                &item,
                "the body gave no value and reported no error",
            ));
            None
        }
        (true, _) => None,
    };
    match (cx.finish(), code) {
        (Ok(()), Some(code)) => code,
        (Err(errors), _) => fallback::stub(&item, &sig, &names, errors),
        (Ok(()), None) => fallback::stub(
            &item,
            &sig,
            &names,
            internal_error(&item, "no code and no error"),
        ),
    }
}

fn emit(
    cx: &Ctxt,
    item: &ItemFn,
    sig: &Sig,
    names: &Names,
    lowered: &Lowered,
    out: Id,
) -> TokenStream {
    let rev = reverse(cx, sig, names, lowered, out, Pass::Once);
    let mut fwd = rev.prologue;
    fwd.extend(rev.forward);
    let (bwd, grads, value) = (rev.backward, rev.grads, rev.value);
    let nested = lowered.graph[out]
        .array
        .is_some_and(|v| lowered.graph.is_nested(v));
    // Forward mode: a second walk of the same graph, in tangent mode.
    let mut tm = Emitter::new(cx, &lowered.graph, sig, names, out, Mode::Forward);
    let tfwd = tm.forward(Scope::TOP, false);
    let in_array = lowered.graph[out].array.is_some();
    let (tvalue, tangent) = (
        as_result(sig, tm.operand(out), in_array, nested),
        as_result(sig, tm.tangent_or_zero(out), in_array, nested),
    );

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
    let (diff_names, all_grads) = crate::names::pullback_slots(sig, krate);
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
    let jvp_sig = names.jvp_sig(item, sig);
    let jvp = quote! {
        #[inline]
        #[allow(
            dead_code,
            unused_variables,
            unused_assignments,
            non_snake_case,
            clippy::assign_op_pattern,
            clippy::too_many_arguments,
            clippy::type_complexity
        )]
        #jvp_sig {
            use #krate::__private as #ad;
            #keep
            #(#items)*
            #(#tfwd)*
            (#tvalue, #tangent)
        }
    };
    let pushforward = pushforward_body(item, sig, names);
    let lifted = crate::second::lifted_rules(item, sig, names, lowered, out);
    let rules = names.rules(item, sig, quote!(#pullback #pushforward #lifted));
    let second = crate::hessian::second_order(item, sig, names, &lowered.graph, out);
    let own = crate::second::has_second_order(item, sig, &names.krate, &lowered.graph);
    // A Jacobian's reverse mode runs the forward pass once and the
    // backward pass once per output row (`jacobian`).
    // Its own error channel: where that plan cannot be had (a loop that
    // would have to keep values, with a bound known only at run time), the
    // rows come from `_vjp` calls instead.
    let rows = if sig.returns_many() {
        jacobian_rows(sig, names, lowered, out)
    } else {
        None
    };
    let plans = crate::jacobian::Plans {
        rows,
        graph: Some((lowered, out)),
    };
    let jacobian = crate::jacobian::jacobian(item, sig, names, plans);
    let grad = if sig.returns_many() {
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
            unused_assignments,
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

        #jvp

        #jacobian

        #second

        #rules

        #own

        #graph_fn
    }
}

/// `f_pushforward`: each tangent made the parameter's gradient type
/// (`NoTangent` becomes a zero), then `f_jvp`.
fn pushforward_body(item: &ItemFn, sig: &Sig, names: &Names) -> TokenStream {
    let pf_sig = names.pushforward_sig(item, sig);
    let ad = &names.ad;
    let krate = &names.krate;
    let jvp = quote::format_ident!(
        "{}_jvp",
        syn::ext::IdentExt::unraw(&item.sig.ident),
        span = item.sig.ident.span()
    );
    let mut converts = Vec::new();
    let mut tangents = Vec::new();
    for (k, p) in sig.params.iter().enumerate() {
        if !p.diff {
            continue;
        }
        let (x, q) = (pullback_param(k), pushforward_tangent(k));
        let like = match p.ty {
            syn::Type::Reference(_) => quote!(#x),
            _ => quote!(&#x),
        };
        converts.push(quote!(let #q = #ad::IntoTangent::into_tangent(#q, #like);));
        tangents.push(q);
    }
    let args = (0..sig.params.len()).map(pullback_param);
    let call = match &sig.receiver {
        Some(_) => quote!(self.#jvp(#(#args,)* #(#tangents),*)),
        None => quote!(#jvp(#(#args,)* #(#tangents),*)),
    };
    quote! {
        #pf_sig {
            use #krate::__private as #ad;
            #(#converts)*
            #call
        }
    }
}

/// The result as the function's type: a vector built in a local array is
/// converted (`Vector::from(a0)`), a nested array literal unflattened;
/// anything else is returned as it is.
pub(crate) fn as_result(
    sig: &Sig,
    value: TokenStream,
    in_array: bool,
    nested: bool,
) -> TokenStream {
    if nested {
        let ad = crate::names::ad_path();
        quote!(#ad::unflatten(#value))
    } else if in_array && sig.returns_tensor() {
        let ret = &sig.ret;
        quote!(<#ret as ::core::convert::From<_>>::from(#value))
    } else {
        value
    }
}

/// The reverse-mode code of one function, in parts: the accumulators the
/// backward pass starts from, the forward pass, the backward pass, the
/// gradient of each differentiated parameter and the value.
pub(crate) struct Reverse {
    pub prologue: Vec<TokenStream>,
    pub forward: Vec<TokenStream>,
    pub backward: Vec<TokenStream>,
    pub grads: Vec<TokenStream>,
    pub value: TokenStream,
    /// `da<k> = zeros`, one per adjoint array, to run the backward pass again.
    pub resets: Vec<TokenStream>,
}

/// Which reverse pass [`reverse`] emits.
pub(crate) enum Pass {
    /// `_vjp`'s: the forward pass, then the backward pass once.
    Once,
    /// A Jacobian's rows: one forward pass, then the backward pass per
    /// row, for row `r`'s unit seed (`Some(r)`) or a seed given at run time.
    Rows(Option<usize>),
    /// The lifted pass of second order (see `second`).
    Lifted(crate::second::Lifting),
}

pub(crate) fn reverse(
    cx: &Ctxt,
    sig: &Sig,
    names: &Names,
    lowered: &Lowered,
    out: Id,
    pass: Pass,
) -> Reverse {
    let g = &lowered.graph;
    let (mode, lifted, row) = match pass {
        Pass::Once => (Mode::Reverse, None, None),
        Pass::Rows(row) => (Mode::RepeatedReverse, None, row),
        Pass::Lifted(l) => (Mode::Reverse, Some(l), None),
    };
    let mut em = Emitter::new(cx, g, sig, names, out, mode);
    em.lifted = lifted;
    em.row = row;
    let prologue = em.prologue();
    let forward = em.forward(Scope::TOP, false);
    // A result built in a local array (`[T; M]`, `Vector::from([..])`):
    // its adjoint array starts as the seed.
    let mut backward = Vec::new();
    let ad = &names.ad;
    if let (Some(var), true, None) = (g[out].array, g[out].active, row) {
        let (da, seed) = (crate::names::hygienic(format!("da{var}")), &names.seed);
        if g.is_nested(var) {
            backward.push(quote!(#da = #ad::flatten(#seed);));
        } else {
            backward.push(quote!(#da = ::core::convert::Into::into(#seed);));
        }
    }
    backward.extend(em.backward(Scope::TOP));
    let grads: Vec<TokenStream> = (0..sig.params.len())
        .filter(|&i| sig.params[i].diff)
        .map(|i| em.param_grad(i, &mut backward))
        .collect();
    let nested = g[out].array.is_some_and(|v| g.is_nested(v));
    let value = as_result(sig, em.operand(out), g[out].array.is_some(), nested);
    // A seeded row never reads the result's adjoint array.
    let seeded = row.and(g[out].array).map(|v| v.index());
    let resets = (0..g.arrays)
        .filter(|&v| em.array_active[v] && seeded != Some(v))
        .map(|v| {
            let (a, da) = (
                crate::names::hygienic(format!("a{v}")),
                crate::names::hygienic(format!("da{v}")),
            );
            quote!(#da = #ad::zeros_like_array(&#a);)
        })
        .collect();
    Reverse {
        prologue,
        forward,
        backward,
        grads,
        value,
        resets,
    }
}

/// The backward passes of a Jacobian's rows, after one forward pass.
pub(crate) enum Rows {
    /// One pass per row with its unit seed known (see [`seeded_rows`]).
    Seeded(Vec<Reverse>),
    /// One pass, run once per row with the seed `eᵣ` given at run time.
    Repeated(Reverse),
}

/// The rows of `f_jacobian` in reverse mode, with their own error channel:
/// where that plan cannot be had (a loop that would have to keep values,
/// with a bound known only at run time), the rows come from `_vjp` calls.
fn jacobian_rows(sig: &Sig, names: &Names, lowered: &Lowered, out: Id) -> Option<Rows> {
    let scratch = Ctxt::default();
    let rows = match seeded_rows(&lowered.graph, out) {
        Some(m) => Rows::Seeded(
            (0..m)
                .map(|r| reverse(&scratch, sig, names, lowered, out, Pass::Rows(Some(r))))
                .collect(),
        ),
        None => Rows::Repeated(reverse(
            &scratch,
            sig,
            names,
            lowered,
            out,
            Pass::Rows(None),
        )),
    };
    scratch.finish().ok().map(|()| rows)
}

/// Rows emitted one by one, each with its unit seed known, are this many.
/// Each is a backward pass of its own in the expansion, so a long result
/// keeps the one pass run with a seed given at run time.
const SEEDED_ROWS: usize = 8;

/// The number of rows `M` when the result is an array literal `[y₀, …]`
/// (or `Vector::from([..])`) of at most [`SEEDED_ROWS`] numbers that
/// nothing else reads: then row `r`'s seed is known to be 1 on `yᵣ` and 0
/// on the others, and its backward pass can leave out every product with
/// a zero (`0 · x` cannot be folded away in IEEE arithmetic).
pub(crate) fn seeded_rows(g: &crate::graph::Graph, out: Id) -> Option<usize> {
    let node = &g[out];
    let var = node.array?;
    let Op::ArrNew { repeat: None, .. } = node.op else {
        return None;
    };
    if g.is_nested(var) || node.args.len() > SEEDED_ROWS {
        return None;
    }
    // A read of the result would add to its adjoint array, which the seeded
    // passes do not have.
    let read = g.nodes.iter().any(|n| {
        matches!(n.op, Op::ArrLoad(_)) && n.args.first().is_some_and(|a| g[*a].array == Some(var))
    });
    (!read).then_some(node.args.len())
}
