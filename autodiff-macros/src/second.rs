//! Stage 5: second order. The reverse pass emitted once more with every
//! float a dual number (the lifted pass, generic over that number), and from
//! it `f_hvp` and `f_hessian`: forward over reverse. Seeded at `x + ε v`, the
//! gradient's value parts are ∇f(x) and its derivative parts H(x)·v.
//!
//! The lifted pass is generic over its scalar `S: Lifted<F>` so that it is
//! only instantiated (at `Dual<F>`) by a call of `f_hvp` or `f_hessian`; a
//! callee without a second-order rule (a `#[custom_vjp]` written for `f64`)
//! is an error of that call (`HasSecondOrder`), never of the caller's
//! definition.

use crate::expand::{reverse, Pass, Reverse};
use crate::graph::{Graph, Id, Op};
use crate::lower::Lowered;
use crate::names::{generic_args, hygienic, pullback_param, Names};
use crate::sig::{Shape, Sig};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::ext::IdentExt;
use syn::{Ident, ItemFn, Type};

/// How the lifted pass reads its leaves: literals, constant expressions
/// and parameters that are not differentiated are lifted to `scalar` where
/// they are read (`ViaLift`), and handed back as `float` to the user's own
/// constant expressions (`ViaUnlift`).
pub(crate) struct Lifting {
    pub scalar: Ident,
    pub float: Ident,
    pub ad: TokenStream,
    /// Per node: an integer the pass reads as it is (an index, a loop
    /// bound, `powi`'s exponent), never lifted: lifting it would also hide
    /// the type the user's indexing gives it.
    pub int: Vec<bool>,
}

/// The nodes in integer positions, and the arithmetic that computes them
/// (`x[2 * i + 1]`): users come after their arguments, so one backward
/// sweep reaches every argument after its users.
pub(crate) fn int_positions(g: &Graph) -> Vec<bool> {
    let mut int = vec![false; g.nodes.len()];
    for l in &g.loops {
        int[l.start.index()] = true;
        int[l.end.index()] = true;
    }
    for id in (0..g.nodes.len()).rev() {
        let node = &g.nodes[id];
        let positions: Vec<usize> = match &node.op {
            Op::Elem(_) => (0..node.args.len()).collect(),
            Op::ArrLoad(_) | Op::ArrStore(_) => vec![1],
            Op::Prim(p) => (0..node.args.len())
                .filter(|&k| !p.diff.get(k).copied().unwrap_or(true))
                .collect(),
            Op::LoopOut(_) => (2..node.args.len()).collect(),
            Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Neg if int[id] => {
                (0..node.args.len()).collect()
            }
            _ => Vec::new(),
        };
        for k in positions {
            int[node.args[k].index()] = true;
        }
    }
    int
}

impl Lifting {
    pub fn is_int(&self, id: Id) -> bool {
        self.int.get(id.index()).copied().unwrap_or(false)
    }

    pub fn leaf(&self, x: TokenStream) -> TokenStream {
        let (ad, s) = (&self.ad, &self.scalar);
        quote!(#ad::leaf::<#s, _>(#x).lifted())
    }

    /// An integer or `bool` literal is not a float and stays; a float
    /// literal gets the function's float type (`2.0` is an `f64` in an `f64`
    /// function), then is lifted.
    pub fn literal(&self, tokens: &TokenStream) -> TokenStream {
        match syn::parse2::<syn::Lit>(tokens.clone()) {
            Ok(syn::Lit::Int(_) | syn::Lit::Bool(_)) => tokens.clone(),
            Ok(syn::Lit::Float(f)) if f.suffix().is_empty() => {
                let (ad, s, float) = (&self.ad, &self.scalar, &self.float);
                quote!(#ad::leaf::<#s, #float>(#f).lifted())
            }
            _ => self.leaf(tokens.clone()),
        }
    }

    /// A constant expression of the user's, computed on the function's own
    /// floats: the locals it reads are unlifted first.
    pub fn constant(
        &self,
        expr: &TokenStream,
        locals: &[Ident],
        args: &[TokenStream],
    ) -> TokenStream {
        self.leaf(self.unlifted(expr, locals, args))
    }

    /// The user's constant expression on its own floats, not lifted (an
    /// index): the locals it reads are unlifted.
    pub fn unlifted(
        &self,
        expr: &TokenStream,
        locals: &[Ident],
        args: &[TokenStream],
    ) -> TokenStream {
        if locals.is_empty() {
            return expr.clone();
        }
        let (ad, f) = (&self.ad, &self.float);
        quote!({ #(let #locals = (&&&#ad::unleaf::<#f, _>(#args)).unlifted();)* #expr })
    }
}

/// The one float type second order is built on.
pub(crate) enum Float {
    /// `f64` or `f32`: the lifted pass is emitted.
    Concrete(Ident),
    /// A type parameter `T`: the function's own reverse pass runs on
    /// `Dual<T>`, no lifted pass is needed.
    Generic(Ident),
    /// Several, or one hidden behind an alias.
    Unknown,
}

/// The float inside a type: `f64`, `[[T; 3]; 2]` → `T`, `&Vector<f32, 3>`
/// → `f32` (`T` when it is one of `generics`).
pub(crate) fn scalar_of(ty: &Type, generics: &syn::Generics) -> Option<Ident> {
    match ty {
        Type::Reference(r) => scalar_of(&r.elem, generics),
        Type::Array(a) => scalar_of(&a.elem, generics),
        Type::Paren(p) => scalar_of(&p.elem, generics),
        Type::Group(g) => scalar_of(&g.elem, generics),
        Type::Path(p) if p.qself.is_none() => {
            if let Some(id) = p.path.get_ident() {
                let generic = generics.type_params().any(|t| &t.ident == id);
                return (id == "f64" || id == "f32" || generic).then(|| id.clone());
            }
            if crate::sig::is_tensor_path(&p.path) {
                let last = p.path.segments.last()?;
                if let syn::PathArguments::AngleBracketed(a) = &last.arguments {
                    if let Some(syn::GenericArgument::Type(t)) = a.args.first() {
                        return scalar_of(t, generics);
                    }
                }
            }
            None
        }
        _ => None,
    }
}

pub(crate) fn float_of(sig: &Sig) -> Float {
    let mut found: Option<Ident> = None;
    let types = sig
        .params
        .iter()
        .filter(|p| p.diff)
        .map(|p| &p.ty)
        .chain(std::iter::once(&sig.ret));
    for ty in types {
        match (scalar_of(ty, &sig.generics), &found) {
            (None, _) => return Float::Unknown,
            (Some(s), Some(f)) if &s != f => return Float::Unknown,
            (Some(s), _) => found = Some(s),
        }
    }
    match found {
        Some(f) if f == "f64" || f == "f32" => Float::Concrete(f),
        Some(t) => Float::Generic(t),
        None => Float::Unknown,
    }
}

/// Replaces the float `from` by `to` in a type: in arrays, references,
/// tuples and the type arguments of paths (`Vector<f64, 3>`).
pub(crate) fn substitute(ty: &Type, from: &Ident, to: &Type) -> Type {
    let mut ty = ty.clone();
    substitute_in(&mut ty, from, to);
    ty
}

fn substitute_in(ty: &mut Type, from: &Ident, to: &Type) {
    match ty {
        Type::Path(p) if p.qself.is_none() && p.path.get_ident() == Some(from) => *ty = to.clone(),
        Type::Path(p) => {
            for seg in p.path.segments.iter_mut() {
                if let syn::PathArguments::AngleBracketed(a) = &mut seg.arguments {
                    for arg in a.args.iter_mut() {
                        if let syn::GenericArgument::Type(t) = arg {
                            substitute_in(t, from, to);
                        }
                    }
                }
            }
        }
        Type::Array(a) => substitute_in(&mut a.elem, from, to),
        Type::Reference(r) => substitute_in(&mut r.elem, from, to),
        Type::Paren(p) => substitute_in(&mut p.elem, from, to),
        Type::Group(g) => substitute_in(&mut g.elem, from, to),
        Type::Tuple(t) => t.elems.iter_mut().for_each(|e| substitute_in(e, from, to)),
        _ => {}
    }
}

/// The name of the lifted scalar parameter, past the user's own.
fn scalar_name(sig: &Sig) -> Ident {
    let mut name = String::from("AutodiffScalar");
    while sig.generics.type_params().any(|t| t.ident == name) {
        name.push('_');
    }
    Ident::new(&name, Span::call_site())
}

/// The signature of the lifted pass: differentiated parameters and the
/// result on `S`, constants as they are.
fn lifted_sig(sig: &Sig, float: &Ident, s: &Ident) -> Sig {
    let to: Type = syn::parse_quote!(#s);
    let mut lifted = sig.clone();
    for p in lifted.params.iter_mut().filter(|p| p.diff) {
        p.ty = substitute(&p.ty, float, &to);
        p.owned = substitute(&p.owned, float, &to);
    }
    lifted.ret = substitute(&sig.ret, float, &to);
    lifted
}

/// `lifted_vjp` and `lifted_pullback` (`f_lifted_vjp`, `f_lifted_pullback`
/// for a method): the rules the lifted passes of callers call, and that
/// `f_hvp` runs on `Dual<F>`.
pub(crate) fn lifted_rules(
    item: &ItemFn,
    sig: &Sig,
    names: &Names,
    lowered: &Lowered,
    out: Id,
) -> TokenStream {
    let recv = sig.receiver.iter().map(|r| quote!(#r));
    let recv: Vec<TokenStream> = recv.collect();
    let (vjp, pullback) = rule_names(item, sig);
    let vis = &item.vis;
    let krate = &names.krate;
    let float = match float_of(sig) {
        Float::Concrete(f) => f,
        // The function's own pullback is generic: callers' lifted passes
        // call it at their scalar.
        Float::Generic(_) => {
            let own = crate::signatures::rule_name(item, sig, "pullback");
            let (generics, where_clause) = (&sig.generics, &sig.generics.where_clause);
            let params = positional(sig);
            let args = (0..sig.params.len()).map(pullback_param);
            let (seed, ret) = (&names.seed, &sig.ret);
            let grads = crate::signatures::slot_types(sig, krate);
            let call = self_call(sig, &own, &generic_args(&sig.generics));
            return quote! {
                #[doc(hidden)]
                #[inline]
                #[allow(dead_code, clippy::too_many_arguments, clippy::type_complexity)]
                #vis fn #pullback #generics (#(#recv,)* #(#params,)* #seed: #ret) -> (#ret, (#(#grads,)*)) #where_clause {
                    #call(#(#args,)* #seed)
                }
            };
        }
        // No one float (an alias, mixed types): no lifted pass. The rule
        // still exists, typed by what callers pass, so that their lifted
        // passes compile; their `_hvp` is an error at its call (no
        // `HasSecondOrder`), and this body, were it ever instantiated, an
        // error of that instantiation.
        Float::Unknown => {
            let n = sig.params.len();
            let tys: Vec<Ident> = (0..n)
                .map(|k| Ident::new(&format!("AutodiffArg{k}"), Span::call_site()))
                .collect();
            let seed_ty = Ident::new("AutodiffSeed", Span::call_site());
            let params = (0..n).map(|k| {
                let (x, t) = (pullback_param(k), &tys[k]);
                quote!(#x: #t)
            });
            let seed = &names.seed;
            let msg = format!(
                "`{}` has no second order: its differentiated parameters and result do not share one float type spelled `f64`, `f32` or a generic `T`",
                item.sig.ident.unraw()
            );
            let body = no_second_order(&msg, &seed_ty);
            return quote! {
                #[doc(hidden)]
                #[allow(dead_code, unused_variables, clippy::too_many_arguments, clippy::type_complexity)]
                #vis fn #pullback <#(#tys,)* #seed_ty> (#(#recv,)* #(#params,)* #seed: #seed_ty) -> (#seed_ty, (#(#tys,)*)) {
                    #body
                }
            };
        }
    };
    let s = scalar_name(sig);
    let lsig = lifted_sig(sig, &float, &s);
    let lifting = crate::second::Lifting {
        scalar: s.clone(),
        float: float.clone(),
        ad: names.ad.clone(),
        int: int_positions(&lowered.graph),
    };
    let scratch = crate::ctx::Ctxt::default();
    let rev = reverse(&scratch, &lsig, names, lowered, out, Pass::Lifted(lifting));
    // The same graph emitted without errors in reverse mode: an error here
    // is a broken invariant of the emitter, reported, never skipped.
    if let Err(errors) = scratch.finish() {
        return errors.to_compile_error();
    }
    let Reverse {
        prologue,
        forward,
        backward,
        grads,
        value,
        ..
    } = rev;
    let mut generics = sig.generics.clone();
    generics
        .params
        .insert(0, syn::parse_quote!(#s: #krate::__private::Lifted<#float>));
    let where_clause = &generics.where_clause;
    let params: Vec<TokenStream> = lsig
        .params
        .iter()
        .map(|p| {
            let (x, ty) = (&p.ident, &p.ty);
            quote!(#x: #ty)
        })
        .collect();
    let (seed, ret, ad) = (&names.seed, &lsig.ret, &names.ad);
    let grad_tys = lsig.params.iter().filter(|p| p.diff).map(|p| p.grad_ty());
    let items = &lowered.items;
    let positional = positional(&lsig);
    let (diff_names, all_grads) = crate::names::pullback_slots(sig, krate);
    let lgrads = crate::signatures::slot_types(&lsig, krate);
    let args = (0..sig.params.len()).map(pullback_param);
    let v = hygienic("value".into());
    let turbofish = {
        let mut g = sig.generics.clone();
        g.params.insert(0, syn::parse_quote!(#s));
        generic_args(&g)
    };
    let call = self_call(sig, &vjp, &turbofish);
    let g = &generics;
    quote! {
        #[doc(hidden)]
        #[inline]
        #[allow(
            dead_code,
            unused_variables,
            unused_assignments,
            unused_parens,
            non_snake_case,
            clippy::assign_op_pattern,
            clippy::too_many_arguments,
            clippy::type_complexity,
            clippy::needless_range_loop
        )]
        #vis fn #vjp #g (#(#recv,)* #(#params,)* #seed: #ret) -> (#ret, #(#grad_tys),*) #where_clause {
            use #krate::__private as #ad;
            use #ad::{ViaKeep as _, ViaLift as _, ViaSame as _, ViaUnlift as _, ViaUnliftArray as _};
            #(#items)*
            #(#prologue)*
            #(#forward)*
            #(#backward)*
            (#value, #(#grads),*)
        }

        #[doc(hidden)]
        #[inline]
        #[allow(dead_code, clippy::too_many_arguments, clippy::type_complexity)]
        #vis fn #pullback #g (#(#recv,)* #(#positional,)* #seed: #ret) -> (#ret, (#(#lgrads,)*)) #where_clause {
            let (#v, #(#diff_names),*) = #call(#(#args,)* #seed);
            (#v, (#(#all_grads,)*))
        }
    }
}

/// `p0: T0, p1: T1, ...`: a rule's positional parameters.
fn positional(sig: &Sig) -> Vec<TokenStream> {
    sig.params
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let (x, ty) = (pullback_param(k), &p.ty);
            quote!(#x: #ty)
        })
        .collect()
}

/// `lifted_vjp`/`lifted_pullback`, or `f_lifted_vjp`/`f_lifted_pullback` for a method.
fn rule_names(item: &ItemFn, sig: &Sig) -> (Ident, Ident) {
    (
        crate::signatures::rule_name(item, sig, "lifted_vjp"),
        crate::signatures::rule_name(item, sig, "lifted_pullback"),
    )
}

/// `self.rule` for a method, `Self::rule::<..>` for a rule of `f_derivatives`.
fn self_call(sig: &Sig, rule: &Ident, turbofish: &TokenStream) -> TokenStream {
    match sig.receiver {
        Some(_) => quote!(self.#rule #turbofish),
        None => quote!(Self::#rule #turbofish),
    }
}

/// Whether parameter `p` may be passed to several passes (a Hessian's
/// columns): a reference, or a float-shaped value (`Copy`).
pub(crate) fn reusable(sig: &Sig, p: usize) -> bool {
    let param = &sig.params[p];
    matches!(param.ty, Type::Reference(_))
        || !matches!(param.shape, Shape::Other)
        || matches!(&param.ty, Type::Path(t) if t.path.get_ident().is_some_and(|i| {
            ["usize", "isize", "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "bool"]
                .iter()
                .any(|n| i == n)
        }))
}

/// The rules (`f_derivatives`) of every free function the body calls,
/// once each, in order of first call.
pub(crate) fn callees(g: &Graph) -> Vec<TokenStream> {
    let mut seen = std::collections::HashSet::new();
    g.nodes
        .iter()
        .filter_map(|n| match &n.op {
            Op::Call { rules: Some(r), .. } => Some(r.clone()),
            _ => None,
        })
        .filter(|r| seen.insert(r.to_string()))
        .collect()
}

/// `impl HasSecondOrder for f_derivatives` when every callee has it (see
/// autodiff-core's `HasSecondOrder`): a method has no such struct.
pub(crate) fn has_second_order(
    item: &ItemFn,
    sig: &Sig,
    krate: &TokenStream,
    g: &Graph,
) -> TokenStream {
    if sig.receiver.is_some() || matches!(float_of(sig), Float::Unknown) {
        return TokenStream::new();
    }
    let name = crate::signatures::derivatives_name(&item.sig.ident);
    let callees = callees(g);
    quote! {
        impl<'a> #krate::__private::HasSecondOrder<'a> for #name
        where
            #(#callees: #krate::__private::HasSecondOrder<'a>,)*
        {
        }
    }
}

/// The body of a rule that has no second order: `_hvp` through it is an
/// error at the call already (no `HasSecondOrder`); were the rule ever
/// instantiated anyway, this constant makes that instantiation an error
/// saying `msg`, never a value.
pub(crate) fn no_second_order(msg: &str, scalar: &Ident) -> TokenStream {
    let marker = hygienic("NoSecondOrder".into());
    quote! {
        struct #marker<S>(S);
        impl<S> #marker<S> {
            const ERROR: () = ::core::panic!(#msg);
        }
        #[allow(clippy::let_unit_value)]
        let () = #marker::<#scalar>::ERROR;
        ::core::unreachable!()
    }
}
