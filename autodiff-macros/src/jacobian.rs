//! Stage 5: `f_jacobian` for functions with a one-dimensional result of
//! length `M` (`[T; M]` or `Vector<T, M>`), from the two modes: forward
//! mode needs a tangent per input coordinate (the `N`s summed), reverse
//! mode a backward pass per output (`M`); the cheaper is chosen from the
//! shapes, which are constants, so the other branch is compiled away.
//! Forward mode carries all its tangents through one pass where it can
//! (vector mode, `emit_lanes`), else calls `_jvp` per column; reverse mode
//! runs the forward pass once and the backward pass per row, each row's
//! unit seed built in where the result is a short array literal
//! (`expand::seeded_rows`), else calls `_vjp` per row. The blocks are
//! written in place in the values returned.
//!
//! | parameter      | block (result `[T; M]` or `Vector<T, M>`)        |
//! |----------------|--------------------------------------------------|
//! | `[T; N]`       | `[[T; N]; M]`, row `r` the gradient of output `r` |
//! | `Vector<T, N>` | `Matrix<T, M, N>`                                |
//! | scalar         | the result's type, `[T; M]` or `Vector<T, M>`    |

use crate::emit_lanes::{forward_lanes, lane_seed, Seed, MAX_LANES};
use crate::expand::{Reverse, Rows};
use crate::graph::Id;
use crate::lower::Lowered;
use crate::names::{hygienic, Names};
use crate::sig::{Shape, Sig};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, ToTokens};
use syn::ext::IdentExt;
use syn::{Ident, ItemFn, Type};

/// The length and element type of a one-dimensional shape.
pub(crate) struct Dim {
    pub(crate) elem: Type,
    pub(crate) len: TokenStream,
}

/// `[T; M]` or `Vector<T, M>` (or `RowVector`): its element and length.
pub(crate) fn dim(ty: &Type) -> Option<Dim> {
    match ty {
        Type::Array(a) if !matches!(*a.elem, Type::Array(_)) => Some(Dim {
            elem: (*a.elem).clone(),
            len: a.len.to_token_stream(),
        }),
        Type::Paren(p) => dim(&p.elem),
        Type::Group(g) => dim(&g.elem),
        Type::Path(p) => {
            let seg = p.path.segments.last()?;
            if seg.ident != "Vector" && seg.ident != "RowVector" {
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
            let len = it.next()?.to_token_stream();
            Some(Dim { elem, len })
        }
        _ => None,
    }
}

/// How one differentiated parameter enters the Jacobian.
enum Input {
    Array(Dim),
    Vector(Dim),
    Scalar,
}

fn input(sig: &Sig, p: usize) -> Option<Input> {
    let param = &sig.params[p];
    match param.shape {
        Shape::Scalar => Some(Input::Scalar),
        Shape::Array { dims: 1 } => dim(&param.owned).map(Input::Array),
        Shape::Tensor if sig.tensor_dims(p) == 1 => dim(&param.owned).map(Input::Vector),
        _ => None,
    }
}

/// `f_jacobian`, or for shapes it does not cover, a stub whose every call
/// is a compile error saying what is supported.
/// What `_jacobian` can build on besides `_jvp` and `_vjp` calls: the
/// reverse rows after one forward pass, and the graph, for vector mode.
pub(crate) struct Plans<'a> {
    pub rows: Option<Rows>,
    pub graph: Option<(&'a Lowered, Id)>,
}

pub fn jacobian(item: &ItemFn, sig: &Sig, names: &Names, plans: Plans) -> TokenStream {
    let diff: Vec<usize> = (0..sig.params.len())
        .filter(|&p| sig.params[p].diff)
        .collect();
    let out = if sig.returns_array() || sig.returns_tensor() {
        dim(&sig.ret)
    } else {
        None
    };
    let inputs: Option<Vec<Input>> = diff.iter().map(|&p| input(sig, p)).collect();
    match (out, inputs) {
        (Some(out), Some(inputs)) if !diff.is_empty() => {
            generate(item, sig, names, &out, &diff, &inputs, plans)
        }
        _ => stub(item, sig, names),
    }
}

fn generate(
    item: &ItemFn,
    sig: &Sig,
    names: &Names,
    out: &Dim,
    diff: &[usize],
    inputs: &[Input],
    Plans { rows, graph }: Plans,
) -> TokenStream {
    let (krate, ad) = (&names.krate, &names.ad);
    let name = item.sig.ident.unraw();
    let (vis, unsafety) = (&item.vis, &item.sig.unsafety);
    let fn_name = format_ident!("{}_jacobian", name, span = item.sig.ident.span());
    let (jvp, vjp) = (
        format_ident!("{}_jvp", name, span = item.sig.ident.span()),
        format_ident!("{}_vjp", name, span = item.sig.ident.span()),
    );
    let (t, m, ret) = (&out.elem, &out.len, &sig.ret);
    let (generics, where_clause) = (&sig.generics, &sig.generics.where_clause);
    let receiver = sig.receiver.iter().map(|r| quote!(#r));
    let params: Vec<TokenStream> = receiver
        .chain(sig.params.iter().map(|p| {
            let (ident, ty) = (&p.ident, &p.ty);
            quote!(#ident: #ty)
        }))
        .collect();
    let args: Vec<&Ident> = sig.params.iter().map(|p| &p.ident).collect();
    let call = |f: &Ident, extra: Vec<TokenStream>| match &sig.receiver {
        Some(_) => quote!(self.#f(#(#args,)* #(#extra),*)),
        None => quote!(#f(#(#args,)* #(#extra),*)),
    };
    let (zero, one) = (hygienic("zero".into()), hygienic("one".into()));
    let (value, r, k) = (
        hygienic("value".into()),
        hygienic("r".into()),
        hygienic("k".into()),
    );
    let blocks: Vec<Ident> = (0..inputs.len())
        .map(|i| hygienic(format!("j{i}")))
        .collect();
    let block_ty = |input: &Input| match input {
        Input::Array(d) => {
            let n = &d.len;
            quote!([[#t; #n]; #m])
        }
        Input::Vector(d) => {
            let n = &d.len;
            quote!(#krate::Matrix<#t, #m, #n>)
        }
        Input::Scalar => quote!(#ret),
    };
    let types: Vec<TokenStream> = inputs.iter().map(block_ty).collect();
    let zeros_of = |ty: &Type| crate::sig::zeros(ty, ad);
    let block_zero = |input: &Input| match input {
        Input::Array(d) => {
            let n = &d.len;
            quote!([[#zero; #n]; #m])
        }
        Input::Vector(_) => quote!(#ad::Zero::zero()),
        Input::Scalar => match &sig.ret {
            Type::Array(_) => quote!([#zero; #m]),
            _ => quote!(#ad::Zero::zero()),
        },
    };
    let inits = blocks
        .iter()
        .zip(inputs)
        .zip(&types)
        .map(|((j, input), ty)| {
            let z = block_zero(input);
            quote!(let mut #j: #ty = #z;)
        });
    // Forward: one pass per input coordinate, tangent eₖ in that input and
    // zero in the others; the tangent of the result is column k.
    let (tv, v, t_out) = (
        hygienic("tv".into()),
        hygienic("v".into()),
        hygienic("t".into()),
    );
    let tangent_zeros: Vec<TokenStream> = diff
        .iter()
        .map(|&p| zeros_of(&sig.params[p].owned))
        .collect();
    let mut forward = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let j = &blocks[i];
        let basis = hygienic(format!("e{i}"));
        let mut tangents = tangent_zeros.clone();
        tangents[i] = basis.to_token_stream();
        let pass = call(&jvp, tangents);
        let owned = &sig.params[diff[i]].owned;
        let store = match input {
            Input::Array(_) => quote!(#j[#r][#k] = #tv[#r];),
            Input::Vector(_) => quote!(#j[(#r, #k)] = #tv[#r];),
            Input::Scalar => quote!(#j[#r] = #tv[#r];),
        };
        let body = quote! {
            let (#v, #t_out) = #pass;
            let #tv: [#t; #m] = ::core::convert::Into::into(#t_out);
            for #r in 0..#m {
                #store
            }
            #value = ::core::option::Option::Some(#v);
        };
        forward.push(match input {
            Input::Array(d) | Input::Vector(d) => {
                let n = &d.len;
                let z = zeros_of(owned);
                quote! {
                    for #k in 0..#n {
                        let mut #basis: #owned = #z;
                        #basis[#k] = #one;
                        #body
                    }
                }
            }
            Input::Scalar => quote! {
                {
                    let #basis: #owned = #one;
                    #body
                }
            },
        });
    }
    // Vector mode: where every input's length is a literal and there are
    // few enough columns, one pass carries every column's tangent.
    let lens: Option<Vec<Option<usize>>> = inputs
        .iter()
        .map(|input| match input {
            Input::Array(d) | Input::Vector(d) => literal_len(&d.len).map(Some),
            Input::Scalar => Some(None),
        })
        .collect();
    // Each lane's seed, with the block (the input's position) it fills.
    let lanes: Option<Vec<(usize, Seed)>> = lens.map(|lens| {
        lens.iter()
            .zip(diff)
            .enumerate()
            .flat_map(|(i, (len, &param))| match len {
                Some(n) => (0..*n)
                    .map(|k| {
                        let coord = Some(k);
                        (i, Seed { param, coord })
                    })
                    .collect::<Vec<_>>(),
                None => vec![(i, Seed { param, coord: None })],
            })
            .collect()
    });
    let columns = lanes.as_ref().map(Vec::len);
    let vector_mode = columns.is_some_and(|c| c <= MAX_LANES) && graph.is_some();
    if let (Some(lanes), Some((lowered, out_id)), true) = (lanes, graph, vector_mode) {
        let seeds: Vec<Seed> = lanes.iter().map(|(_, s)| *s).collect();
        let scratch = crate::ctx::Ctxt::default();
        let pass = forward_lanes(&scratch, &lowered.graph, sig, names, out_id, seeds.clone());
        // The same graph as `_jvp`'s, which reported any error in it: one
        // here is a broken invariant of the emitter, reported, never skipped.
        if let Err(errors) = scratch.finish() {
            return errors.to_compile_error();
        }
        let g = &lowered.graph;
        let in_array = g[out_id].array.is_some();
        let result = crate::expand::as_result(sig, pass.value, in_array, false);
        let read = &pass.seed_read;
        let decls = seeds
            .iter()
            .enumerate()
            .filter(|(l, _)| read[*l])
            .map(|(l, seed)| {
                let (e, owned) = (lane_seed(l), &sig.params[seed.param].owned);
                match seed.coord {
                    Some(k) => {
                        let z = zeros_of(owned);
                        quote!(let mut #e: #owned = #z; #e[#k] = #one;)
                    }
                    None => quote!(let #e: #owned = #one;),
                }
            });
        let stores = lanes.iter().zip(pass.tangents).map(|(&(i, seed), tan)| {
            let j = &blocks[i];
            let tan = crate::expand::as_result(sig, tan, in_array, false);
            let store = match (&inputs[i], seed.coord) {
                (Input::Array(_), Some(k)) => quote!(#j[#r][#k] = #tv[#r];),
                (Input::Vector(_), Some(k)) => quote!(#j[(#r, #k)] = #tv[#r];),
                _ => quote!(#j[#r] = #tv[#r];),
            };
            quote! {
                let #tv: [#t; #m] = ::core::convert::Into::into(#tan);
                for #r in 0..#m {
                    #store
                }
            }
        });
        let (code, items) = (&pass.code, &lowered.items);
        forward = vec![quote! {
            #(#items)*
            #(#decls)*
            #(#code)*
            #(#stores)*
            #value = ::core::option::Option::Some(#result);
        }];
    }
    // Reverse: one pass per output, seed eᵣ; the gradients are row r.
    let grads: Vec<Ident> = (0..inputs.len())
        .map(|i| hygienic(format!("g{i}")))
        .collect();
    let seed = hygienic("seed".into());
    let pass = call(&vjp, vec![quote!(::core::convert::Into::into(#seed))]);
    let row_pass = |rev: &Reverse, seed_known: bool| {
        let (pro, resets, bwd, rgrads) = (&rev.prologue, &rev.resets, &rev.backward, &rev.grads);
        let name = &names.seed;
        let seed_bind =
            (!seed_known).then(|| quote!(let #name: #ret = ::core::convert::Into::into(#seed);));
        quote! {
            #seed_bind
            #(#pro)*
            #(#resets)*
            #(#bwd)*
            let (#(#grads,)*) = (#(#rgrads,)*);
        }
    };
    let forward_once = |rev: &Reverse| {
        let (fwd, val) = (&rev.forward, &rev.value);
        quote!(#(#fwd)* let #v = #val;)
    };
    let row_stores: Vec<TokenStream> = inputs
        .iter()
        .enumerate()
        .map(|(i, input)| {
            let (j, g) = (&blocks[i], &grads[i]);
            match input {
                Input::Array(_) | Input::Scalar => quote!(#j[#r] = #g;),
                Input::Vector(d) => {
                    let n = &d.len;
                    quote!(for #k in 0..#n { #j[(#r, #k)] = #g[#k]; })
                }
            }
        })
        .collect();
    let unit_seed = quote! {
        let mut #seed = [#zero; #m];
        #seed[#r] = #one;
    };
    let reverse = match &rows {
        // Row by row, each with its unit seed built in (`seeded_rows`).
        Some(Rows::Seeded(revs)) => {
            let fwd = revs.first().map(forward_once);
            let each = revs.iter().enumerate().map(|(row, rev)| {
                let pass = row_pass(rev, true);
                quote! {{
                    let #r: usize = #row;
                    #pass
                    #(#row_stores)*
                }}
            });
            quote! {
                #fwd
                #(#each)*
                #value = ::core::option::Option::Some(#v);
            }
        }
        Some(Rows::Repeated(rev)) => {
            let (fwd, pass) = (forward_once(rev), row_pass(rev, false));
            quote! {
                #fwd
                for #r in 0..#m {
                    #unit_seed
                    #pass
                    #(#row_stores)*
                }
                #value = ::core::option::Option::Some(#v);
            }
        }
        None => quote! {
            for #r in 0..#m {
                #unit_seed
                let (#v, #(#grads),*) = #pass;
                #(#row_stores)*
                #value = ::core::option::Option::Some(#v);
            }
        },
    };
    let sizes = inputs.iter().map(|input| match input {
        Input::Array(d) | Input::Vector(d) => d.len.clone(),
        Input::Scalar => quote!(1),
    });
    let primal = call(&item.sig.ident, Vec::new());
    let route = match (columns, literal_len(m)) {
        (Some(n), Some(m)) if n <= m && vector_mode => format!(
            " This one: forward mode, {n} column{} in one pass (vector mode).",
            if n == 1 { "" } else { "s" }
        ),
        (Some(n), Some(m)) if n <= m => {
            format!(" This one: forward mode, one `_jvp` pass per column ({n}).")
        }
        (Some(_), Some(m)) => match &rows {
            Some(Rows::Seeded(_)) => format!(
                " This one: reverse mode, one forward pass and {m} backward pass{}, each with its row's seed built in.",
                if m == 1 { "" } else { "es" }
            ),
            Some(Rows::Repeated(_)) => {
                format!(" This one: reverse mode, one forward pass and a backward pass per row ({m}).")
            }
            None => format!(" This one: reverse mode, one `_vjp` pass per row ({m})."),
        },
        _ => String::new(),
    };
    let doc = format!(
        " The value of [`{name}`] and its Jacobian, one block per differentiated parameter, in order: `let (value, {}) = {name}_jacobian(...)`. Block `J` of an array parameter `[T; N]` is `[[T; N]; M]` (row r is the gradient of output r), of a `Vector<T, N>` a `Matrix<T, M, N>`, of a scalar the result's type.\n\n Computed with whichever mode needs fewer passes: forward (a tangent per input coordinate, all in one pass where the lengths are literals and at most 8) or reverse (one forward pass, then a backward pass per output).{route}\n\n Generated by `#[differentiable]`.",
        (0..inputs.len()).map(|i| format!("j{i}")).collect::<Vec<_>>().join(", ")
    );
    quote! {
        #[doc = #doc]
        #[inline]
        #[allow(
            dead_code,
            unused_variables,
            unused_assignments,
            unused_mut,
            non_snake_case,
            clippy::assign_op_pattern,
            clippy::too_many_arguments,
            clippy::type_complexity,
            clippy::needless_range_loop,
            clippy::int_plus_one,
            clippy::absurd_extreme_comparisons
        )]
        #vis #unsafety fn #fn_name #generics (#(#params),*) -> (#ret, #(#types),*) #where_clause {
            use #krate::__private as #ad;
            let #zero = <#t as #ad::Zero>::zero();
            let #one = <#t as #ad::One>::one();
            #(#inits)*
            let mut #value = ::core::option::Option::None;
            if #(#sizes)+* <= #m {
                #(#forward)*
            } else {
                #reverse
            }
            let #value = match #value {
                ::core::option::Option::Some(#v) => #v,
                ::core::option::Option::None => #primal,
            };
            (#value, #(#blocks),*)
        }
    }
}

/// A length written as an integer literal.
fn literal_len(len: &TokenStream) -> Option<usize> {
    syn::parse2::<syn::LitInt>(len.clone())
        .ok()?
        .base10_parse()
        .ok()
}

/// `f_jacobian` for a function whose shapes it does not cover: generic in
/// its result and bounded by a trait nothing implements, so a call says
/// what is supported, and nothing else is affected.
fn stub(item: &ItemFn, sig: &Sig, names: &Names) -> TokenStream {
    let krate = &names.krate;
    let (vis, unsafety) = (&item.vis, &item.sig.unsafety);
    let fn_name = format_ident!(
        "{}_jacobian",
        item.sig.ident.unraw(),
        span = item.sig.ident.span()
    );
    let out = Ident::new("AutodiffJacobianOut", Span::mixed_site());
    let mut generics = sig.generics.clone();
    generics.params.push(syn::parse_quote!(#out));
    let bound = if sig.returns_many() {
        quote!(JacobianShapes)
    } else {
        quote!(JacobianNeedsVectorResult)
    };
    generics
        .make_where_clause()
        .predicates
        .push(syn::parse_quote!(#out: #krate::__private::#bound));
    let where_clause = &generics.where_clause;
    let receiver = sig.receiver.iter().map(|r| quote!(#r));
    let params: Vec<TokenStream> = receiver
        .chain(sig.params.iter().map(|p| {
            let (ident, ty) = (&p.ident, &p.ty);
            quote!(#ident: #ty)
        }))
        .collect();
    quote! {
        #[doc(hidden)]
        #[allow(dead_code, unused_variables, clippy::too_many_arguments)]
        #vis #unsafety fn #fn_name #generics (#(#params),*) -> #out #where_clause {
            ::core::unreachable!("no `_jacobian` for these shapes")
        }
    }
}
