//! Stage 3: the body, statement by statement, into the expression graph.
//!
//! Variables are resolved here, so the graph is pure data flow: shadowing,
//! `let mut` and `x += ...` just point a name at a newer node. Anything that
//! does not depend on a differentiated parameter is kept as a constant, even
//! code the macro does not understand (`T::from(2.0)` and its `unwrap`); anything
//! that does, and that the macro cannot differentiate, is an error on the
//! smallest token that shows why.

mod array;
mod call;
mod control;
mod vars;

use crate::ctx::Ctxt;
use crate::graph::{Graph, Id, Op};
use crate::prim;
use crate::sig::{Shape, Sig};
use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{BinOp, Block, Expr, Ident, Lit, Pat, Stmt, UnOp};
use vars::Vars;

/// What a name or an expression stands for while lowering.
#[derive(Clone)]
pub enum Value {
    Node(Id),
    /// A (partly indexed) array parameter.
    Array {
        param: usize,
        prefix: Vec<Id>,
        dims: usize,
    },
    Tuple(Vec<Value>),
    /// What a statement-like `if` or block without a tail produces.
    Unit,
    /// The result of an expression that already produced an error; using it
    /// produces no further errors, so each mistake is reported once.
    Poison,
}

pub struct Lowered {
    pub graph: Graph,
    /// Paths of autodiff functions called by name, checked in the output.
    pub checks: Vec<TokenStream>,
    pub out: Option<Id>,
    /// Items declared in the body (`const K: f64 = ...;`), kept as written.
    pub items: Vec<syn::Item>,
}

pub fn lower(cx: &Ctxt, sig: &Sig, fn_name: &Ident, body: &Block) -> Lowered {
    let mut lw = Lower {
        cx,
        checks: Vec::new(),
        sig,
        fn_name: fn_name.clone(),
        graph: Graph::default(),
        locals: Vars::default(),
        items: Vec::new(),
        depth: 0,
    };
    // Parameters are the outermost variables: assigning a `mut` parameter
    // anywhere, even in a nested block, rebinds it for the rest of the body.
    for p in &sig.params {
        let ident = &p.ident;
        let value = lw.name(ident, &syn::parse_quote!(#ident));
        lw.locals.push(p.ident.clone(), value);
    }
    let out = match lw.block(body) {
        // A local array is the result of a function returning `[T; M]` or
        // a vector built from it (`Vector::from([a, b, c])`).
        Value::Node(id) if lw.graph[id].array.is_some() && !sig.returns_many() => {
            let span = body.stmts.last().map_or_else(|| body.span(), Spanned::span);
            cx.error_at(
                span,
                "this function returns a number, and this is a local array; index it, as in `a[0]`, or return `[T; M]`",
            );
            None
        }
        Value::Node(id) if lw.graph[id].array.is_none() && sig.returns_array() => {
            let span = body.stmts.last().map_or_else(|| body.span(), Spanned::span);
            cx.error_at(
                span,
                "this function returns an array: end it with an array, as in `[a, b, c]`, or a local array",
            );
            None
        }
        Value::Node(id) => {
            let nested = lw.graph[id].array.is_some_and(|v| lw.graph.is_nested(v));
            let two_d =
                matches!(&sig.ret, syn::Type::Array(a) if matches!(*a.elem, syn::Type::Array(_)));
            if nested != two_d {
                let span = body.stmts.last().map_or_else(|| body.span(), Spanned::span);
                let msg = if two_d {
                    "this function returns `[[T; N]; M]`: end it with a nested array, as in `[[a, b], [c, d]]`"
                } else {
                    "a nested array `[[..], [..]]` can only be the result of a function returning `[[T; N]; M]`"
                };
                cx.error_at(span, msg);
                None
            } else {
                Some(id)
            }
        }
        Value::Poison => None,
        Value::Array { .. } | Value::Tuple(_) | Value::Unit => {
            let span = body.stmts.last().map_or_else(|| body.span(), Spanned::span);
            cx.error_at(
                span,
                "a differentiated function must end with its float value",
            );
            None
        }
    };
    let mut checks: Vec<TokenStream> = Vec::new();
    for c in lw.checks {
        if !checks.iter().any(|k| k.to_string() == c.to_string()) {
            checks.push(c);
        }
    }
    Lowered {
        graph: lw.graph,
        checks,
        out,
        items: lw.items,
    }
}

struct Lower<'a> {
    cx: &'a Ctxt,
    checks: Vec<TokenStream>,
    sig: &'a Sig,
    fn_name: Ident,
    graph: Graph,
    locals: Vars,
    items: Vec<syn::Item>,
    /// How many blocks deep the lowering is.
    depth: usize,
}

impl Lower<'_> {
    fn block(&mut self, block: &Block) -> Value {
        let scope = self.locals.len();
        // Only the function's own block may end with `return`.
        let outermost = self.depth == 0;
        self.depth += 1;
        let mut value = None;
        for (i, stmt) in block.stmts.iter().enumerate() {
            let last = i + 1 == block.stmts.len();
            match stmt {
                Stmt::Local(local) => self.local(local),
                Stmt::Item(item) => self.items.push(item.clone()),
                Stmt::Expr(Expr::Return(ret), _) if last && outermost => {
                    value = Some(match &ret.expr {
                        Some(e) => self.expr(e),
                        None => {
                            self.error(ret, "`return` needs a value: the function returns a float")
                        }
                    });
                }
                Stmt::Expr(e, None) if last => value = Some(self.expr(e)),
                Stmt::Expr(Expr::If(i), _) => {
                    self.if_expr(i);
                }
                Stmt::Expr(e, _) => self.statement(e),
                Stmt::Macro(m) => {
                    self.error(
                        &m.mac.path,
                        "macros cannot be differentiated; write the arithmetic out",
                    );
                }
            }
        }
        self.locals.truncate(scope);
        self.depth -= 1;
        value.unwrap_or(Value::Unit)
    }

    fn local(&mut self, local: &syn::Local) {
        let Some(init) = &local.init else {
            self.error(
                &local.pat,
                "declare variables with a value, as in `let y = x * x;`",
            );
            return;
        };
        if let Some((else_token, _)) = &init.diverge {
            self.error(else_token, "`let ... else` cannot be differentiated");
        }
        let value = self.expr(&init.expr);
        self.bind(&local.pat, value);
    }

    fn bind(&mut self, pat: &Pat, value: Value) {
        match pat {
            Pat::Ident(p) if p.subpat.is_none() && p.by_ref.is_none() => {
                self.locals.push(p.ident.clone(), value);
            }
            Pat::Type(p) => self.bind(&p.pat, value),
            Pat::Wild(_) => {}
            Pat::Paren(p) => self.bind(&p.pat, value),
            Pat::Tuple(t) => match value {
                Value::Tuple(items) if items.len() == t.elems.len() => {
                    for (p, v) in t.elems.iter().zip(items) {
                        self.bind(p, v);
                    }
                }
                Value::Poison => {
                    for p in &t.elems {
                        self.bind(p, Value::Poison);
                    }
                }
                Value::Node(id) if self.calls_generated(id) => {
                    self.error(t, "a generated `_grad` or `_vjp` cannot be called inside a `#[differentiable]` function: derivatives do not nest. \
                                   Call the function itself (its derivative flows through its pullback), or take the gradient outside and pass it in as a constant parameter");
                }
                _ => {
                    self.error(t, "this tuple pattern needs a tuple of the same length, as in `let (a, b) = (x[0], x[1]);`");
                }
            },
            other => {
                self.error(other, "supported patterns: a name, `_`, and tuples of them");
            }
        }
    }

    /// A statement evaluated for its effect: assignments. Anything else has
    /// no effect on the result, but is still checked.
    fn statement(&mut self, e: &Expr) {
        match e {
            Expr::Assign(a) => {
                let value = self.expr(&a.right);
                self.assign(&a.left, value);
            }
            Expr::Binary(b) if compound(&b.op).is_some() => {
                let current = self.expr(&b.left);
                let rhs = self.expr(&b.right);
                let Some(op) = compound(&b.op) else { return };
                let value = self.arith(op, (current, &b.left), (rhs, &b.right), b.op.span());
                self.assign(&b.left, value);
            }
            other => {
                self.expr(other);
            }
        }
    }

    fn assign(&mut self, target: &Expr, value: Value) {
        if let Expr::Index(ix) = target {
            return self.store(ix, value);
        }
        let Some(name) = single_ident(target) else {
            self.error(
                target,
                "only plain variables can be assigned, as in `y = y * x;` or `y += x;`",
            );
            return;
        };
        match self.locals.find(name) {
            Some(i) => self.locals.set(i, value),
            // A `mut` parameter: from here on, the name means the new value.
            None => self.locals.push(name.clone(), value),
        }
    }

    fn expr(&mut self, e: &Expr) -> Value {
        match e {
            Expr::Lit(l) => match &l.lit {
                Lit::Float(_) | Lit::Int(_) => self.lit(e),
                other => self.error(other, "only numeric literals can appear in differentiated code"),
            },
            Expr::Path(p) => match p.path.get_ident() {
                Some(ident) if p.qself.is_none() => self.name(ident, e),
                _ => self.lit(e),
            },
            Expr::Paren(p) => self.expr(&p.expr),
            Expr::Group(g) => self.expr(&g.expr),
            Expr::Binary(b) => {
                let Some(op) = arith_op(&b.op) else {
                    return self.constant_or(
                        e,
                        b.op,
                        "this operator cannot be differentiated; supported: `+ - * /`, `+= -= *= /=` on variables, \
                         and comparisons joined by `&&`, `||`, `!` as `if` conditions",
                    );
                };
                let l = self.expr(&b.left);
                let r = self.expr(&b.right);
                self.arith(op, (l, &b.left), (r, &b.right), b.op.span())
            }
            Expr::Unary(u) => match u.op {
                UnOp::Neg(_) => {
                    let v = self.expr(&u.expr);
                    match self.scalar_of(v, &u.expr) {
                        Some(x) => Value::Node(self.graph.add(Op::Neg, vec![x], false, u.op.span())),
                        None => Value::Poison,
                    }
                }
                UnOp::Deref(_) => self.expr(&u.expr),
                _ => self.constant_or(e, u.op, "only unary `-` can be applied to a differentiated value"),
            },
            Expr::MethodCall(m) => self.method_call(m, e),
            Expr::Call(c) => self.call(c, e),
            Expr::Index(ix) => self.index(ix, e),
            Expr::Repeat(_) | Expr::Array(_) => self.new_array(e),
            Expr::Tuple(t) => Value::Tuple(t.elems.iter().map(|x| self.expr(x)).collect()),
            Expr::Block(b) if b.label.is_none() => self.block(&b.block),
            Expr::Unsafe(u) => self.error(u.unsafe_token, "`unsafe` blocks cannot be differentiated"),
            Expr::Cast(c) => self.constant_or(e, c.as_token, "`as` casts are supported on constants only; a differentiated value must stay a float of one type"),
            Expr::Field(f) => self.constant_or(e, &f.member, "fields of differentiated values cannot be read; fields of constants (`self.rate`) can"),
            Expr::If(i) => self.if_expr(i),
            Expr::ForLoop(f) => self.for_loop(f),
            Expr::While(w) => self.error(w.while_token, "`while` loops cannot be differentiated: their trip count is unknown at compile time"),
            Expr::Loop(l) => self.error(l.loop_token, "`loop` cannot be differentiated: its trip count is unknown at compile time"),
            Expr::Match(m) => self.error(m.match_token, "`match` cannot be differentiated"),
            Expr::Return(r) => self.error(r.return_token, "`return` is supported only as the last statement"),
            Expr::Macro(m) => self.error(&m.mac.path, "macros cannot be differentiated; write the arithmetic out"),
            Expr::Closure(c) => self.error(c.or1_token, "closures cannot be differentiated"),
            Expr::Reference(r) => self.error(r.and_token, "references cannot be taken in differentiated code"),
            Expr::Assign(a) => self.error(a.eq_token, "assignments are statements: end them with `;`"),
            other => self.constant_or(other, other, "this expression cannot be differentiated; supported: float arithmetic, `let`, float methods and autodiff's functions"),
        }
    }

    /// A name: a local, a parameter, or a constant item (`PI`, `N`).
    fn name(&mut self, ident: &Ident, e: &Expr) -> Value {
        if let Some(i) = self.locals.find(ident) {
            return self.locals.get(i).value.clone();
        }
        let Some(i) = self.sig.param(ident) else {
            return self.lit(e);
        };
        let p = &self.sig.params[i];
        match p.shape {
            Shape::Array { dims } => Value::Array {
                param: i,
                prefix: Vec::new(),
                dims,
            },
            Shape::Scalar | Shape::Tensor | Shape::Other => {
                Value::Node(self.graph.add(Op::Param(i), vec![], p.diff, ident.span()))
            }
        }
    }

    fn lit(&mut self, e: &Expr) -> Value {
        Value::Node(
            self.graph
                .add(Op::Lit(e.to_token_stream()), vec![], false, e.span()),
        )
    }

    fn scalar(&mut self, v: Value, span: Span) -> Option<Id> {
        match v {
            Value::Node(id) if self.graph[id].array.is_some() => {
                self.cx.error_at(
                    span,
                    "this local array must be indexed down to a float here, as in `a[0]`",
                );
                None
            }
            Value::Node(id) => Some(id),
            Value::Poison => None,
            Value::Array { .. } => {
                self.cx.error_at(
                    span,
                    "this array must be indexed down to a float here, as in `x[0]`",
                );
                None
            }
            Value::Tuple(_) => {
                self.cx.error_at(
                    span,
                    "a tuple cannot be used as a number; destructure it with `let (a, b) = ...;`",
                );
                None
            }
            Value::Unit => {
                self.cx.error_at(
                    span,
                    "this has no value: end the block with a float expression",
                );
                None
            }
        }
    }

    /// Like [`Lower::scalar`], but the span of `e` is computed only for an
    /// error: an expression's span walks all its tokens, and doing that at
    /// every level of a long sum would make lowering quadratic.
    fn scalar_of(&mut self, v: Value, e: &Expr) -> Option<Id> {
        match v {
            Value::Node(id) if self.graph[id].array.is_none() => Some(id),
            Value::Poison => None,
            other => self.scalar(other, e.span()),
        }
    }

    /// `l op r`; a misuse is reported on the operand, not the operator.
    fn arith(&mut self, op: Op, l: (Value, &Expr), r: (Value, &Expr), span: Span) -> Value {
        let (a, b) = (self.scalar_of(l.0, l.1), self.scalar_of(r.0, r.1));
        let (Some(a), Some(b)) = (a, b) else {
            return Value::Poison;
        };
        // `w.t() * x` reads `w` in place rather than copying its transpose
        // in both passes.
        if let (Op::Mul, Op::Prim(t)) = (&op, &self.graph[a].op) {
            if t.name == "t" {
                let w = self.graph[a].args[0];
                return Value::Node(
                    self.graph
                        .add(Op::Prim(&prim::TMUL), vec![w, b], false, span),
                );
            }
        }
        // `w.t() * x + b` starts the product's sums at `b`: one pass.
        if let Op::Add = op {
            for (p, c) in [(a, b), (b, a)] {
                if let Op::Prim(t) = &self.graph[p].op {
                    if t.name == "tmul" {
                        let (w, x) = (self.graph[p].args[0], self.graph[p].args[1]);
                        let args = vec![w, x, c];
                        return Value::Node(self.graph.add(
                            Op::Prim(&prim::TMUL_ADD),
                            args,
                            false,
                            span,
                        ));
                    }
                }
            }
        }
        Value::Node(self.graph.add(op, vec![a, b], false, span))
    }

    fn error(&self, tokens: impl ToTokens, msg: impl std::fmt::Display) -> Value {
        self.cx.error_spanned(tokens, msg);
        Value::Poison
    }
}

/// The single-identifier paths an expression reads.
struct FreeNames {
    names: Vec<Ident>,
}

impl<'ast> Visit<'ast> for FreeNames {
    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if let (None, Some(ident)) = (&p.qself, p.path.get_ident()) {
            self.names.push(ident.clone());
        }
        syn::visit::visit_expr_path(self, p);
    }
}

/// The variable an assignment changes: `x` in `x = ...` and in `x[i] = ...`.
fn assigned_name(e: &Expr) -> Option<&Ident> {
    match e {
        Expr::Index(ix) => single_ident(&ix.expr),
        other => single_ident(other),
    }
}

fn single_ident(e: &Expr) -> Option<&Ident> {
    match e {
        Expr::Path(p) if p.qself.is_none() => p.path.get_ident(),
        Expr::Paren(p) => single_ident(&p.expr),
        _ => None,
    }
}

fn arith_op(op: &BinOp) -> Option<Op> {
    Some(match op {
        BinOp::Add(_) => Op::Add,
        BinOp::Sub(_) => Op::Sub,
        BinOp::Mul(_) => Op::Mul,
        BinOp::Div(_) => Op::Div,
        _ => return None,
    })
}

fn compound(op: &BinOp) -> Option<Op> {
    Some(match op {
        BinOp::AddAssign(_) => Op::Add,
        BinOp::SubAssign(_) => Op::Sub,
        BinOp::MulAssign(_) => Op::Mul,
        BinOp::DivAssign(_) => Op::Div,
        _ => return None,
    })
}
