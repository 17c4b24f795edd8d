//! Stage 1: the attribute's arguments, `wrt(a, b)` and `crate = "path"`.
//! Every argument is checked, so all mistakes in it are reported at once.

use crate::ctx::Ctxt;
use proc_macro2::TokenStream;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, Meta, Path, Token};

/// What the user asked for in `#[differentiable(...)]`.
#[derive(Default)]
pub struct Attr {
    /// Parameters to differentiate; `None` means every float parameter.
    pub wrt: Option<Vec<Ident>>,
    /// Path of the `autodiff` crate, `::autodiff` unless overridden.
    pub krate: Option<Path>,
}

const USAGE: &str = "`#[differentiable]` takes `wrt(a, b, ...)` and `crate = \"path\"`";

pub fn parse(cx: &Ctxt, args: TokenStream) -> Attr {
    let mut attr = Attr::default();
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args) {
        Ok(metas) => metas,
        Err(err) => {
            cx.error_at(err.span(), format!("{err}; {USAGE}"));
            return attr;
        }
    };
    for meta in metas {
        match &meta {
            Meta::List(list) if list.path.is_ident("wrt") => {
                let names = attr.wrt.get_or_insert_with(Vec::new);
                match Punctuated::<Expr, Token![,]>::parse_terminated.parse2(list.tokens.clone()) {
                    Ok(items) if items.is_empty() => {
                        cx.error_spanned(list, "`wrt()` is empty: name the parameters to differentiate, as in `wrt(x, y)`");
                    }
                    Ok(items) => {
                        for item in items {
                            match &item {
                                Expr::Path(p) if p.path.get_ident().is_some() => {
                                    names.extend(p.path.get_ident().cloned());
                                }
                                other => cx.error_spanned(
                                    other,
                                    "expected a parameter name, as in `wrt(x, y)`",
                                ),
                            }
                        }
                    }
                    Err(err) => {
                        cx.error_at(err.span(), "expected parameter names, as in `wrt(x, y)`")
                    }
                }
            }
            Meta::NameValue(nv) if nv.path.is_ident("crate") => match &nv.value {
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => match s.parse::<Path>() {
                    Ok(path) => attr.krate = Some(path),
                    Err(_) => cx.error_spanned(
                        s,
                        "expected a path to the autodiff crate, as in `crate = \"autodiff\"`",
                    ),
                },
                other => cx.error_spanned(other, "expected a string, as in `crate = \"autodiff\"`"),
            },
            other => cx.error_spanned(other.path(), format!("unknown argument; {USAGE}")),
        }
    }
    attr
}
