//! Stage 2: the signature. Decides which parameters are differentiated, what
//! shape each has, and what the gradient function returns.

use crate::attr::Attr;
use crate::ctx::Ctxt;
use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::{FnArg, Generics, Ident, Pat, ReturnType, Signature, Type};

const SUPPORTED_TYPES: &str = "f32, f64, a generic float `T`, arrays `[T; N]` and `[[T; N]; M]`, \
     autodiff's `Vector<T, N>`, `RowVector<T, N>` and `Matrix<T, R, C>`, and shared references to them";

/// The shape of a parameter, read from its type.
#[derive(Clone)]
pub enum Shape {
    /// A float: `f64`, `f32`, a generic `T`, or (with `wrt`) a named float type.
    Scalar,
    /// autodiff's `Vector`, `RowVector` or `Matrix`: one value in the graph.
    Tensor,
    /// A fixed-size array of floats; `dims` levels of `[_; N]` around `elem`.
    Array { dims: usize },
    /// Anything else (integers, bools, references to data): always a constant.
    Other,
}

#[derive(Clone)]
pub struct Param {
    pub ident: Ident,
    /// The type as written, for the generated signature.
    pub ty: Type,
    /// The type without its leading `&`: the type of the gradient.
    pub owned: Type,
    /// `x: &f64`: uses must read through the reference.
    pub scalar_ref: bool,
    pub shape: Shape,
    pub diff: bool,
    /// Meant to be differentiated (a float-like type, or named in `wrt`) but
    /// of a type that cannot be: an error is reported, and the stubs keep a
    /// gradient slot for it so the user's call sites still type-check.
    pub refused: bool,
}

#[derive(Clone)]
pub struct Sig {
    pub receiver: Option<syn::Receiver>,
    pub params: Vec<Param>,
    pub ret: Type,
    pub generics: Generics,
    /// The return type was refused: errors in the body (a `bool` function's
    /// comparison) would only repeat that mistake, so they are not reported.
    pub ret_refused: bool,
}

/// Whether a path names one of autodiff's shapes (`Vector<T, N>`, ...).
pub fn is_tensor_path(path: &syn::Path) -> bool {
    path.segments
        .last()
        .is_some_and(|s| s.ident == "Vector" || s.ident == "RowVector" || s.ident == "Matrix")
}

impl Sig {
    /// A vector or matrix result has a pullback but no gradient.
    pub fn returns_tensor(&self) -> bool {
        matches!(&self.ret, Type::Path(p) if is_tensor_path(&p.path))
    }

    /// A one-dimensional array result, `[T; M]`.
    pub fn returns_array(&self) -> bool {
        matches!(&self.ret, Type::Array(_))
    }

    /// A result that is not a single number: a vector, matrix or array,
    /// which has a pullback and a Jacobian but no gradient.
    pub fn returns_many(&self) -> bool {
        self.returns_tensor() || self.returns_array()
    }

    /// How many indices an element of tensor parameter `p` takes: one for
    /// a `Vector` or `RowVector` (`v[i]`), two for a `Matrix` (`m[i][j]`).
    pub fn tensor_dims(&self, p: usize) -> usize {
        match &self.params[p].owned {
            Type::Path(t) if t.path.segments.last().is_some_and(|s| s.ident == "Matrix") => 2,
            _ => 1,
        }
    }

    /// The parameter called `name`; `r#x` and `x` are one name.
    pub fn param(&self, name: &Ident) -> Option<usize> {
        self.params.iter().position(|p| same_name(&p.ident, name))
    }
}

/// Whether two identifiers name the same thing: `r#x` is `x`.
pub fn same_name(a: &Ident, b: &Ident) -> bool {
    a.unraw() == b.unraw()
}

/// A type without the invisible groups `macro_rules!` wraps `$t:ty` in.
fn ungroup(ty: &Type) -> Type {
    match ty {
        Type::Group(g) => ungroup(&g.elem),
        Type::Reference(r) => {
            let mut r = r.clone();
            *r.elem = ungroup(&r.elem);
            Type::Reference(r)
        }
        Type::Array(a) => {
            let mut a = a.clone();
            *a.elem = ungroup(&a.elem);
            Type::Array(a)
        }
        other => other.clone(),
    }
}

pub fn analyze(cx: &Ctxt, attr: &Attr, sig: &Signature) -> Sig {
    let type_params: Vec<Ident> = sig
        .generics
        .type_params()
        .map(|t| t.ident.clone())
        .collect();
    if let Some(a) = &sig.asyncness {
        cx.error_spanned(a, "`async fn` cannot be differentiated");
    }
    if let Some(u) = &sig.unsafety {
        cx.error_spanned(
            u,
            "`unsafe fn` cannot be differentiated; the body must be plain float arithmetic",
        );
    }
    if let Some(v) = &sig.variadic {
        cx.error_spanned(v, "variadic functions cannot be differentiated");
    }
    let mut receiver = None;
    let mut params = Vec::new();
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(r) => {
                if r.reference.is_some() && r.mutability.is_some() {
                    cx.error_spanned(
                        r.mutability,
                        "`&mut self` cannot be used: a differentiated method reads `self` as a constant; take `&self`",
                    );
                }
                receiver = Some(r.clone());
            }
            FnArg::Typed(pt) => {
                let ident = match &*pt.pat {
                    Pat::Ident(pi) if pi.subpat.is_none() && pi.by_ref.is_none() => {
                        pi.ident.clone()
                    }
                    other => {
                        cx.error_spanned(other, "parameters of a differentiated function must be plain names, as in `x: f64`");
                        continue;
                    }
                };
                params.push(classify(cx, ident, &ungroup(&pt.ty), &type_params));
            }
        }
    }
    mark_differentiated(cx, attr, &mut params);
    let (ret, ret_refused) = match &sig.output {
        ReturnType::Type(_, ty) => {
            let ty = ungroup(ty);
            let ok = check_return(cx, &ty, &type_params);
            (ty, !ok)
        }
        ReturnType::Default => {
            cx.error_spanned(
                &sig.ident,
                "a differentiated function must return a float, as in `-> f64`",
            );
            // The stubs' signatures need a result type; the error is reported.
            (syn::parse_quote!(f64), true)
        }
    };
    Sig {
        receiver,
        params,
        ret,
        generics: sig.generics.clone(),
        ret_refused,
    }
}

fn classify(cx: &Ctxt, ident: Ident, ty: &Type, type_params: &[Ident]) -> Param {
    let (owned, is_ref) = match ty {
        Type::Reference(r) => {
            if let Some(m) = &r.mutability {
                // The whole `&mut`, not only `mut`: the fix replaces both.
                let and = &r.and_token;
                cx.error_spanned(quote!(#and #m), "`&mut` parameters cannot be differentiated; pass the value or a shared reference `&`");
            }
            ((*r.elem).clone(), true)
        }
        other => (other.clone(), false),
    };
    let shape = shape_of(&owned, type_params);
    Param {
        ident,
        ty: ty.clone(),
        scalar_ref: is_ref && matches!(shape, Shape::Scalar | Shape::Tensor),
        owned,
        shape,
        diff: false,
        refused: false,
    }
}

/// Reads the shape off the tokens; the type checker confirms it later.
fn shape_of(ty: &Type, type_params: &[Ident]) -> Shape {
    match ty {
        Type::Paren(p) => shape_of(&p.elem, type_params),
        Type::Group(g) => shape_of(&g.elem, type_params),
        Type::Array(a) => match shape_of(&a.elem, type_params) {
            Shape::Scalar => Shape::Array { dims: 1 },
            Shape::Tensor => Shape::Other,
            Shape::Array { dims } => Shape::Array { dims: dims + 1 },
            Shape::Other => Shape::Other,
        },
        Type::Path(p) if p.qself.is_none() => match p.path.get_ident() {
            Some(id) if id == "f32" || id == "f64" || type_params.contains(id) => Shape::Scalar,
            _ if is_tensor_path(&p.path) => Shape::Tensor,
            _ => Shape::Other,
        },
        _ => Shape::Other,
    }
}

fn is_named_scalar(ty: &Type) -> bool {
    match ty {
        Type::Path(p) => {
            p.qself.is_none()
                && p.path
                    .get_ident()
                    .is_some_and(|id| !is_int_or_bool(id) && id != "str")
        }
        _ => false,
    }
}

fn is_int_or_bool(id: &Ident) -> bool {
    const NAMES: &[&str] = &[
        "bool", "char", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64",
        "i128", "isize",
    ];
    NAMES.iter().any(|n| id == n)
}

fn mark_differentiated(cx: &Ctxt, attr: &Attr, params: &mut [Param]) {
    match &attr.wrt {
        Some(names) => {
            for name in names {
                match params.iter_mut().find(|p| same_name(&p.ident, name)) {
                    Some(p) if p.diff => {
                        cx.error_spanned(name, format!("`{name}` is listed twice in `wrt`"))
                    }
                    Some(p) => {
                        if matches!(p.shape, Shape::Other) && is_named_scalar(&p.owned) {
                            // A type alias such as `Real`: the user vouches for it.
                            p.shape = Shape::Scalar;
                            p.scalar_ref = !matches!(p.ty, Type::Path(_));
                        }
                        if matches!(p.shape, Shape::Other) {
                            p.refused = true;
                            cx.error_spanned(
                                &p.ty,
                                format!("cannot differentiate with respect to `{name}` of this type; supported: {SUPPORTED_TYPES}"),
                            );
                        } else {
                            p.diff = true;
                        }
                    }
                    None => cx.error_spanned(
                        name,
                        format!("`{name}` is not a parameter of this function"),
                    ),
                }
            }
        }
        None => {
            for p in params.iter_mut() {
                p.diff = !matches!(p.shape, Shape::Other);
                let constant = plain_ident(&p.owned).is_some_and(is_int_or_bool);
                if !p.diff && !constant {
                    p.refused = true;
                    cx.error_spanned(
                        &p.ty,
                        format!(
                            "cannot differentiate with respect to this type; supported: {SUPPORTED_TYPES}. \
                             Integer and bool parameters are constants; to keep other parameters constant, \
                             list the differentiated ones with `#[differentiable(wrt(...))]`"
                        ),
                    );
                }
            }
        }
    }
    if !params.iter().any(|p| p.diff) && !cx.has_errors() {
        // Nothing to differentiate is almost certainly a mistake, and a
        // gradient function that returns only the value would hide it.
        let span = params
            .first()
            .map_or_else(proc_macro2::Span::call_site, |p| p.ident.span());
        cx.error_at(
            span,
            format!("no parameter to differentiate; supported types: {SUPPORTED_TYPES}"),
        );
    }
}

fn plain_ident(ty: &Type) -> Option<&Ident> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.get_ident(),
        _ => None,
    }
}

/// Whether `ty` can be a differentiated function's result; reports it if not.
fn check_return(cx: &Ctxt, ty: &Type, type_params: &[Ident]) -> bool {
    let ok = match ty {
        Type::Path(p) if p.qself.is_none() => match p.path.get_ident() {
            Some(id) => !is_int_or_bool(id) || type_params.contains(id),
            None => is_tensor_path(&p.path),
        },
        Type::Array(a) => matches!(
            shape_of(&a.elem, type_params),
            Shape::Scalar | Shape::Array { dims: 1 }
        ),
        _ => false,
    };
    if !ok {
        cx.error_spanned(
            ty,
            "a differentiated function must return a float (`f64`, `f32`, a generic `T`), an array of them `[T; M]` or `[[T; N]; M]`, or an autodiff `Vector` or `Matrix`",
        );
    }
    ok
}

impl Param {
    /// The type of this parameter's gradient: its type without the leading
    /// `&`, or for a refused unsized one (`&[f64]`) the reference itself,
    /// `'static`, so a stub can return it and the caller's `let (v, g) =
    /// f_grad(..)` still type-checks.
    pub fn grad_ty(&self) -> Type {
        match &self.owned {
            Type::Slice(_) | Type::TraitObject(_) => {
                let owned = &self.owned;
                syn::parse_quote!(&'static #owned)
            }
            Type::Path(p) if p.path.is_ident("str") => syn::parse_quote!(&'static str),
            other => other.clone(),
        }
    }
}

/// `<elem as Zero>::zero()` repeated to the shape of `ty`: the gradient of a
/// parameter the value does not depend on, or the start of an array gradient.
pub fn zeros(ty: &Type, ad: &TokenStream) -> TokenStream {
    match ty {
        Type::Array(a) => {
            let inner = zeros(&a.elem, ad);
            let len = &a.len;
            quote!([#inner; #len])
        }
        Type::Paren(p) => zeros(&p.elem, ad),
        other => quote!(<#other as #ad::Zero>::zero()),
    }
}
