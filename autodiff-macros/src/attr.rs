//! Stage 1: the attribute's arguments, `wrt(a, b)` and `crate = "path"`.

use crate::ctx::Ctxt;
use proc_macro2::TokenStream;
use syn::meta::ParseNestedMeta;
use syn::{Ident, LitStr, Path};

/// What the user asked for in `#[differentiable(...)]`.
#[derive(Default)]
pub struct Attr {
    /// Parameters to differentiate; `None` means every float parameter.
    pub wrt: Option<Vec<Ident>>,
    /// Path of the `autodiff` crate, `::autodiff` unless overridden.
    pub krate: Option<Path>,
}

pub fn parse(cx: &Ctxt, args: TokenStream) -> Attr {
    let mut attr = Attr::default();
    let parser = syn::meta::parser(|meta| parse_one(&mut attr, meta));
    if let Err(err) = syn::parse::Parser::parse2(parser, args) {
        cx.push(err);
    }
    attr
}

fn parse_one(attr: &mut Attr, meta: ParseNestedMeta) -> syn::Result<()> {
    if meta.path.is_ident("wrt") {
        let names = attr.wrt.get_or_insert_with(Vec::new);
        meta.parse_nested_meta(|inner| match inner.path.get_ident() {
            Some(ident) if inner.input.is_empty() || inner.input.peek(syn::Token![,]) => {
                names.push(ident.clone());
                Ok(())
            }
            _ => Err(inner.error("expected a parameter name, as in `wrt(x, y)`")),
        })
    } else if meta.path.is_ident("crate") {
        let lit: LitStr = meta.value()?.parse()?;
        attr.krate = Some(lit.parse()?);
        Ok(())
    } else {
        Err(meta.error(
            "unknown argument; `#[differentiable]` takes `wrt(a, b, ...)` and `crate = \"path\"`",
        ))
    }
}
