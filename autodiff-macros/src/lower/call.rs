//! Stage 3c: calls. Float methods and autodiff's functions become
//! primitives; calls to other differentiated functions go through their
//! pullbacks; anything that reads no differentiated value stays a constant.

use super::{FreeNames, Lower, Value};
use crate::graph::{Id, Op};
use crate::prim::{self, Prim};
use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{Expr, Ident};

impl Lower<'_> {
    pub(super) fn method_call(&mut self, m: &syn::ExprMethodCall, e: &Expr) -> Value {
        if !self.depends_on_diff(e) {
            // Kept exactly as written: `n.max(1)` on integers stays theirs.
            return self.constant_or(e, &m.method, "");
        }
        let name = m.method.to_string();
        match prim::method(&name) {
            Some(p) if p.arity() == m.args.len() + 1 => {
                let args: Vec<&Expr> = std::iter::once(&*m.receiver).chain(m.args.iter()).collect();
                self.prim(p, &args, m.method.span())
            }
            Some(p) => self.error(
                &m.method,
                format!("`{name}` takes {} argument(s)", p.arity() - 1),
            ),
            None if matches!(&*m.receiver, Expr::Path(p) if p.path.is_ident("self")) && self.depends_on_diff(e) => {
                let method = &m.method;
                let pullback = quote::format_ident!("{}_pullback", method, span = method.span());
                let pushforward =
                    quote::format_ident!("{}_pushforward", method, span = method.span());
                let lifted =
                    quote::format_ident!("{}_lifted_pullback", method, span = method.span());
                let args: Vec<&Expr> = m.args.iter().collect();
                let rules = [
                    quote!(self.#pullback),
                    quote!(self.#pushforward),
                    quote!(self.#lifted),
                ];
                self.user_call(quote!(self.#method), rules, None, &args, method.span())
            }
            None => self.constant_or(
                e,
                &m.method,
                format!(
                    "cannot differentiate the method `{name}`; supported methods: {}. \
                     Give a function of your own a derivative with `#[differentiable]` or `#[custom_vjp]`",
                    prim::method_list()
                ),
            ),
        }
    }

    pub(super) fn call(&mut self, c: &syn::ExprCall, e: &Expr) -> Value {
        let Expr::Path(f) = &*c.func else {
            return self.constant_or(
                e,
                &c.func,
                "only calls of named functions can be differentiated",
            );
        };
        let Some(last) = f.path.segments.last() else {
            // syn never parses a path without a segment.
            let msg = format!(
                "autodiff internal error in `{}`: a call path with no segment; please report this function",
                syn::ext::IdentExt::unraw(&self.fn_name)
            );
            return self.error(&c.func, msg);
        };
        if !self.depends_on_diff(e) {
            return self.constant_or(e, &last.ident, "");
        }
        // `Vector::from([a, b, c])`, `Vector::new(..)`: the vector is the
        // local array itself; a function returning a `Vector` ends with it.
        let n = f.path.segments.len();
        if n >= 2 && c.args.len() == 1 && (last.ident == "from" || last.ident == "new") {
            let ty = &f.path.segments[n - 2].ident;
            if ty == "Vector" || ty == "RowVector" {
                let v = self.expr(&c.args[0]);
                if let Value::Node(id) = v {
                    if self.graph[id].array.is_some() {
                        return v;
                    }
                }
                return self.error(
                    &c.args[0],
                    "build a vector from an array of numbers, as in `Vector::from([x, y, z])`",
                );
            }
        }
        let name = last.ident.to_string();
        let found = match prim::function(&name) {
            Some(p) => {
                // Checked at compile time to be autodiff's function (see
                // `rule_markers!` in autodiff-core).
                self.checks.push(f.path.to_token_stream());
                Some(p)
            }
            None if self.float_qualified(f) => prim::method(&name),
            None => None,
        };
        match found {
            Some(p) if p.arity() == c.args.len() => {
                let args: Vec<&Expr> = c.args.iter().collect();
                self.prim(p, &args, last.ident.span())
            }
            Some(p) => self.error(
                &last.ident,
                format!("`{name}` takes {} argument(s)", p.arity()),
            ),
            None => {
                if !self.depends_on_diff(e) {
                    return self.constant_or(e, &last.ident, "");
                }
                if f.path.segments.len() == 1 && last.ident == self.fn_name {
                    return self.error(&last.ident, "recursion cannot be differentiated: the call graph must be known at compile time");
                }
                // `a::f::<T>` has its rules at `<a::f_derivatives>::pullback::<T>`:
                // one path for both modes, so a function without rules is
                // one error at the call ("cannot find type `f_derivatives`").
                let mut owner = f.path.clone();
                let mut generic_args = syn::PathArguments::None;
                if let Some(seg) = owner.segments.last_mut() {
                    generic_args = std::mem::take(&mut seg.arguments);
                    seg.ident = crate::signatures::derivatives_name(&seg.ident);
                }
                let rule = |rule: &str| {
                    let method = Ident::new(rule, last.ident.span());
                    quote!(<#owner>::#method #generic_args)
                };
                let args: Vec<&Expr> = c.args.iter().collect();
                let rules = [
                    rule("pullback"),
                    rule("pushforward"),
                    rule("lifted_pullback"),
                ];
                let owner = Some(owner.to_token_stream());
                self.user_call(
                    f.path.to_token_stream(),
                    rules,
                    owner,
                    &args,
                    last.ident.span(),
                )
            }
        }
    }

    /// A call to a function differentiated elsewhere (by `#[differentiable]`
    /// or `#[custom_vjp]`): `<name>_derivatives::pullback` supplies the
    /// derivative in reverse mode, `<name>_derivatives::pushforward` in
    /// forward mode. A function without them is one compile error at the call.
    pub(super) fn user_call(
        &mut self,
        func: TokenStream,
        [pullback, pushforward, lifted]: [TokenStream; 3],
        rules: Option<TokenStream>,
        args: &[&Expr],
        span: Span,
    ) -> Value {
        let mut ids = Vec::with_capacity(args.len());
        for arg in args {
            let v = self.expr(arg);
            let Some(id) = self.scalar(v, arg.span()) else {
                return Value::Poison;
            };
            ids.push(id);
        }
        Value::Node(self.graph.add(
            Op::Call {
                func,
                pullback,
                pushforward,
                lifted,
                rules,
            },
            ids,
            false,
            span,
        ))
    }

    /// Whether a call path names a float method: `f64::sin`, `T::sin`,
    /// `Float::sin`, `num_traits::Float::sin`, `<T as Float>::sin`.
    pub(super) fn float_qualified(&self, f: &syn::ExprPath) -> bool {
        if let Some(q) = &f.qself {
            return f.path.segments.iter().any(|s| s.ident == "Float")
                || matches!(&*q.ty, syn::Type::Path(_));
        }
        let segments: Vec<&syn::PathSegment> = f.path.segments.iter().collect();
        let Some((_, qualifier)) = segments.split_last() else {
            return false;
        };
        let known = ["f32", "f64", "Float", "num_traits", "autodiff"];
        match qualifier {
            [] => false,
            [only] => {
                known.iter().any(|k| only.ident == k)
                    || self
                        .sig
                        .generics
                        .type_params()
                        .any(|t| t.ident == only.ident)
            }
            [first, ..] => {
                qualifier.iter().any(|s| s.ident == "Float")
                    && (first.ident == "num_traits" || first.ident == "autodiff")
            }
        }
    }

    /// Whether node `id` is emitted under the name `ident` the user wrote:
    /// a parameter, or a loop variable.
    pub(super) fn named_as_written(&self, id: Id, ident: &Ident) -> bool {
        match self.graph[id].op {
            // A `&f64` constant too: the expression is the user's own, written
            // for the reference.
            Op::Param(i) => self.sig.params[i].ident == *ident,
            Op::LoopIndex(l) => self.graph[l].var == *ident,
            _ => false,
        }
    }

    /// The names `e` reads. `x.len()` of an array parameter is no read of
    /// `x`: it is the array's length, a compile-time constant, so
    /// `x.len() as f64` and `T::from(x.len()).unwrap()` stay constants.
    fn reads(&self, e: &Expr) -> Vec<Ident> {
        let mut reads = Reads {
            lw: self,
            free: FreeNames { names: Vec::new() },
        };
        reads.visit_expr(e);
        reads.free.names
    }

    /// Whether `name` is, at this point, an array parameter read by its own
    /// name in the generated code (not shadowed by a local).
    fn is_array_param(&self, name: &Ident) -> bool {
        match self.locals.find(name).map(|i| self.locals.get(i)) {
            Some(local) => matches!(&local.value, Value::Array { param, prefix, .. }
                if prefix.is_empty() && self.sig.params[*param].ident == *name),
            None => false,
        }
    }

    /// Whether node `id` is a call of a function generated by
    /// `#[differentiable]` (`f_grad`, `f_vjp`), for the message that says
    /// derivatives do not nest (see `bind`).
    pub(super) fn calls_generated(&self, id: Id) -> bool {
        let Op::Call { func, .. } = &self.graph[id].op else {
            return false;
        };
        let last = func.clone().into_iter().last().map(|t| t.to_string());
        last.is_some_and(|name| name.ends_with("_grad") || name.ends_with("_vjp"))
    }

    /// Whether `e` reads a differentiated parameter or a local that depends on one.
    pub(super) fn depends_on_diff(&self, e: &Expr) -> bool {
        self.reads(e).iter().any(|ident| {
            match self.locals.find(ident).map(|i| self.locals.get(i)) {
                Some(local) => match &local.value {
                    Value::Node(id) => self.graph[*id].active,
                    Value::Array { param, .. } => self.sig.params[*param].diff,
                    Value::Tuple(_) => true,
                    Value::Unit | Value::Poison => false,
                },
                None => self
                    .sig
                    .param(ident)
                    .is_some_and(|i| self.sig.params[i].diff),
            }
        })
    }

    pub(super) fn prim(&mut self, p: &'static Prim, args: &[&Expr], span: Span) -> Value {
        let mut ids = Vec::with_capacity(args.len());
        for (arg, &diff) in args.iter().zip(p.diff) {
            let v = self.expr(arg);
            let Some(id) = self.scalar(v, arg.span()) else {
                return Value::Poison;
            };
            if !diff && self.graph[id].active {
                return self.error(arg, format!("this argument of `{}` must be a constant: it cannot depend on a differentiated parameter", p.name));
            }
            ids.push(id);
        }
        Value::Node(self.graph.add(Op::Prim(p), ids, false, span))
    }

    /// Keeps `e` as an opaque constant if nothing differentiated flows into
    /// it, else reports `msg` at `culprit`.
    pub(super) fn constant_or(
        &mut self,
        e: &Expr,
        culprit: impl ToTokens,
        msg: impl std::fmt::Display,
    ) -> Value {
        let mut locals = Vec::new();
        let mut args = Vec::new();
        for ident in self.reads(e) {
            if let Some(local) = self.locals.find(&ident).map(|i| self.locals.get(i)) {
                match &local.value {
                    // Parameters and loop variables keep their names in the
                    // generated code, so the expression reads them directly.
                    Value::Node(id) if self.named_as_written(*id, &ident) => {
                        if self.graph[*id].active {
                            return self.error(culprit, msg);
                        }
                    }
                    Value::Array { param, prefix, .. }
                        if prefix.is_empty() && self.sig.params[*param].ident == ident =>
                    {
                        if self.sig.params[*param].diff {
                            return self.error(culprit, msg);
                        }
                    }
                    Value::Node(id) if !self.graph[*id].active => {
                        if !locals.contains(&ident) {
                            args.push(*id);
                            locals.push(ident);
                        }
                    }
                    Value::Poison => return Value::Poison,
                    _ => return self.error(culprit, msg),
                }
            } else if let Some(i) = self.sig.param(&ident) {
                if self.sig.params[i].diff {
                    return self.error(culprit, msg);
                }
            }
        }
        let op = Op::Const {
            expr: e.to_token_stream(),
            locals,
        };
        Value::Node(self.graph.add(op, args, false, e.span()))
    }
}

/// The names an expression reads, except array parameters whose only use
/// is their length (see [`Lower::reads`]).
struct Reads<'l, 'a> {
    lw: &'l Lower<'a>,
    free: FreeNames,
}

impl<'ast> Visit<'ast> for Reads<'_, '_> {
    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        self.free.visit_expr_path(p);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let length_of_array_param = m.method == "len"
            && m.args.is_empty()
            && matches!(&*m.receiver, Expr::Path(p) if p.qself.is_none()
                && p.path.get_ident().is_some_and(|i| self.lw.is_array_param(i)));
        if !length_of_array_param {
            syn::visit::visit_expr_method_call(self, m);
        }
    }
}
