//! Stage 3: the body, statement by statement, into the expression graph.
//!
//! Variables are resolved here, so the graph is pure data flow: shadowing,
//! `let mut` and `x += ...` just point a name at a newer node. Anything that
//! does not depend on a differentiated parameter is kept as a constant, even
//! code the macro does not understand (`T::from(2.0).unwrap()`); anything
//! that does, and that the macro cannot differentiate, is an error on the
//! smallest token that shows why.

use crate::ctx::Ctxt;
use crate::graph::{Carried, Graph, Id, Loop, Op};
use crate::prim::{self, Prim};
use crate::sig::{Shape, Sig};
use proc_macro2::Span;
use proc_macro2::TokenStream;
use quote::quote;
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{BinOp, Block, Expr, Ident, Lit, Pat, RangeLimits, Stmt, UnOp};

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

struct Local {
    name: Ident,
    value: Value,
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
        locals: Vec::new(),
        items: Vec::new(),
    };
    // Parameters are the outermost variables: assigning a `mut` parameter
    // anywhere, even in a nested block, rebinds it for the rest of the body.
    for p in &sig.params {
        let ident = &p.ident;
        let value = lw.name(ident, &syn::parse_quote!(#ident));
        lw.locals.push(Local {
            name: p.ident.clone(),
            value,
        });
    }
    let out = match lw.block(body) {
        Value::Node(id) => Some(id),
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
    locals: Vec<Local>,
    items: Vec<syn::Item>,
}

impl Lower<'_> {
    fn block(&mut self, block: &Block) -> Value {
        let scope = self.locals.len();
        let mut value = None;
        for (i, stmt) in block.stmts.iter().enumerate() {
            let last = i + 1 == block.stmts.len();
            match stmt {
                Stmt::Local(local) => self.local(local),
                Stmt::Item(item) => self.items.push(item.clone()),
                Stmt::Expr(Expr::Return(ret), _) if last => {
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
                self.locals.push(Local {
                    name: p.ident.clone(),
                    value,
                });
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
                let value = self.arith(
                    op,
                    (current, b.left.span()),
                    (rhs, b.right.span()),
                    b.op.span(),
                );
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
        if let Some(local) = self.locals.iter_mut().rev().find(|l| l.name == *name) {
            local.value = value;
        } else {
            // A `mut` parameter: from here on, the name means the new value.
            self.locals.push(Local {
                name: name.clone(),
                value,
            });
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
                self.arith(op, (l, b.left.span()), (r, b.right.span()), b.op.span())
            }
            Expr::Unary(u) => match u.op {
                UnOp::Neg(_) => {
                    let v = self.expr(&u.expr);
                    match self.scalar(v, u.expr.span()) {
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
        if let Some(local) = self.locals.iter().rev().find(|l| l.name == *ident) {
            return local.value.clone();
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
            Value::Node(id) if self.graph.node(id).array.is_some() => {
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

    /// `for i in a..b { ... }` with constant bounds. Variables the body
    /// assigns become loop-carried: a phi node stands for their value when
    /// an iteration starts. Whether a phi is differentiated can depend on
    /// what the body does with it (`s` in `s += x[i]` starts as the
    /// constant 0), so the body is lowered again until that is settled.
    fn for_loop(&mut self, f: &syn::ExprForLoop) -> Value {
        if let Some(label) = &f.label {
            return self.error(
                label,
                "loop labels are not supported: `break` and `continue` cannot be differentiated",
            );
        }
        let var = match &*f.pat {
            Pat::Ident(p) if p.subpat.is_none() && p.by_ref.is_none() => p.ident.clone(),
            Pat::Wild(w) => Ident::new("_", w.underscore_token.span),
            other => {
                return self.error(
                    other,
                    "the loop variable must be a plain name, as in `for i in 0..N`",
                )
            }
        };
        let inner = match &*f.expr {
            Expr::Paren(p) => &*p.expr,
            other => other,
        };
        let range = match inner {
            Expr::Range(r) => r,
            other => {
                return self.error(other, "loops must run over a range with constant bounds, as in `for i in 0..N`; iterators and run-time lengths have no compile-time trip count");
            }
        };
        let (Some(start_expr), Some(end_expr)) = (&range.start, &range.end) else {
            return self.error(range, "the range needs both bounds, as in `0..N`");
        };
        let inclusive = matches!(range.limits, RangeLimits::Closed(_));
        let bounds = [&**start_expr, &**end_expr].map(|e| {
            let v = self.expr(e);
            let id = self.scalar(v, e.span())?;
            if self.graph.node(id).active {
                self.error(e, "loop bounds must be constants");
                return None;
            }
            Some(id)
        });
        let [Some(start), Some(end)] = bounds else {
            return Value::Poison;
        };
        let capacity = capacity(start_expr, end_expr, inclusive, &self.sig.generics);

        // The variables this loop carries: assigned in the body, declared outside.
        let mut assigned = Assigned { names: Vec::new() };
        assigned.visit_block(&f.body);
        let mut carried: Vec<usize> = Vec::new();
        for name in assigned.names {
            let found = self.locals.iter().rposition(|l| l.name == name);
            let index = match found {
                Some(i) => i,
                None if self.sig.param(&name).is_some() => {
                    let value = self.name(&name, &syn::parse_quote!(#name));
                    self.locals.push(Local {
                        name: name.clone(),
                        value,
                    });
                    self.locals.len() - 1
                }
                None => continue,
            };
            if !carried.contains(&index) {
                carried.push(index);
            }
        }
        let mut inits = Vec::new();
        for &li in &carried {
            match self.locals[li].value {
                Value::Node(id) => inits.push(id),
                Value::Poison => return Value::Poison,
                _ => {
                    let name = self.locals[li].name.clone();
                    return self.error(&name, "only float variables can be assigned in a loop");
                }
            }
        }
        let mut phi_active: Vec<bool> = inits.iter().map(|i| self.graph.node(*i).active).collect();
        let entry: Vec<Value> = self.locals.iter().map(|l| l.value.clone()).collect();
        loop {
            let snapshot = self.graph.snapshot();
            let mark = self.cx.mark();
            let l = self.graph.loops.len();
            let body = self.graph.child_ctx();
            self.graph.loops.push(Loop {
                var: var.clone(),
                start,
                end,
                inclusive,
                capacity: capacity.clone(),
                parent: self.graph.current,
                body,
                start_pos: self.graph.nodes.len() as u32,
                carried: Vec::new(),
                span: f.for_token.span,
            });
            self.graph.enter(body);
            let index = self.graph.add(Op::LoopIndex(l), vec![], false, var.span());
            let phis: Vec<Id> = (0..carried.len())
                .map(|k| {
                    let array = self.graph.node(inits[k]).array;
                    self.graph.phi(l, phi_active[k], array, var.span())
                })
                .collect();
            for (&li, &phi) in carried.iter().zip(&phis) {
                self.locals[li].value = Value::Node(phi);
            }
            let scope = self.locals.len();
            self.locals.push(Local {
                name: var.clone(),
                value: Value::Node(index),
            });
            self.block(&f.body);
            self.locals.truncate(scope);
            self.graph.leave();
            let mut nexts = Vec::new();
            for &li in &carried {
                match self.locals[li].value {
                    Value::Node(id) => nexts.push(id),
                    _ => nexts.push(phis[nexts.len()]),
                }
            }
            let grew: Vec<usize> = (0..carried.len())
                .filter(|&k| self.graph.node(nexts[k]).active && !phi_active[k])
                .collect();
            if !grew.is_empty() {
                for k in grew {
                    phi_active[k] = true;
                }
                self.graph.restore(snapshot);
                self.cx.forget_since(mark);
                for (local, v) in self.locals.iter_mut().zip(&entry) {
                    local.value = v.clone();
                }
                continue;
            }
            for (k, &li) in carried.iter().enumerate() {
                let args = vec![inits[k], nexts[k], start, end];
                let out = self
                    .graph
                    .add(Op::LoopOut(l), args, false, f.for_token.span);
                self.graph.loops[l].carried.push(Carried {
                    phi: phis[k],
                    init: inits[k],
                    next: nexts[k],
                    out,
                });
                self.locals[li].value = Value::Node(out);
            }
            return Value::Unit;
        }
    }

    /// `if c { a } else { b }`: both arms are lowered in their own context;
    /// every variable they leave different, and the value, become `Select`
    /// nodes. The backward pass mirrors the branch with the same condition,
    /// so the arm not taken is never evaluated in either pass.
    fn if_expr(&mut self, i: &syn::ExprIf) -> Value {
        let Some(cond) = self.condition(&i.cond) else {
            return Value::Poison;
        };
        let b = self.graph.branch(cond);
        let arms = self.graph.branches[b].arms;
        let before: Vec<Value> = self.locals.iter().map(|l| l.value.clone()).collect();
        let mut results = Vec::with_capacity(2);
        for (k, arm) in arms.into_iter().enumerate() {
            for (local, v) in self.locals.iter_mut().zip(&before) {
                local.value = v.clone();
            }
            self.graph.enter(arm);
            let value = match (k, &i.else_branch) {
                (0, _) => self.block(&i.then_branch),
                (_, Some((_, e))) => self.expr(e),
                (_, None) => Value::Unit,
            };
            self.graph.leave();
            let after: Vec<Value> = self.locals.iter().map(|l| l.value.clone()).collect();
            results.push((value, after));
        }
        let (else_value, else_locals) = results.pop().unwrap_or((Value::Poison, Vec::new()));
        let (then_value, then_locals) = results.pop().unwrap_or((Value::Poison, Vec::new()));
        for (idx, (t, e)) in then_locals.into_iter().zip(else_locals).enumerate() {
            let merged = self.merge(b, cond, t, e, i.if_token.span);
            self.locals[idx].value = merged;
        }
        match (&then_value, &else_value) {
            (Value::Unit, Value::Unit) => Value::Unit,
            (Value::Unit, _) | (_, Value::Unit) if i.else_branch.is_none() => self.error(
                i.if_token,
                "an `if` without `else` has no value; add an `else` arm",
            ),
            _ => self.merge(b, cond, then_value, else_value, i.if_token.span),
        }
    }

    fn merge(&mut self, b: usize, cond: Id, t: Value, e: Value, span: Span) -> Value {
        match (t, e) {
            (Value::Node(x), Value::Node(y)) if x == y => Value::Node(x),
            (Value::Node(x), Value::Node(y)) => {
                Value::Node(self.graph.add(Op::Select(b), vec![cond, x, y], false, span))
            }
            (Value::Poison, _) | (_, Value::Poison) => Value::Poison,
            (Value::Tuple(xs), Value::Tuple(ys)) if xs.len() == ys.len() => Value::Tuple(
                xs.into_iter()
                    .zip(ys)
                    .map(|(x, y)| self.merge(b, cond, x, y, span))
                    .collect(),
            ),
            (Value::Unit, Value::Unit) => Value::Unit,
            (t @ Value::Array { .. }, _) => t,
            _ => {
                self.cx
                    .error_at(span, "the arms of this `if` give values of different kinds");
                Value::Poison
            }
        }
    }

    /// A boolean condition: comparisons of any values, `&&`, `||`, `!`.
    /// It has no derivative; it only decides which arm runs.
    fn condition(&mut self, e: &Expr) -> Option<Id> {
        let span = e.span();
        match e {
            Expr::Paren(p) => self.condition(&p.expr),
            Expr::Group(g) => self.condition(&g.expr),
            Expr::Unary(u) if matches!(u.op, UnOp::Not(_)) => {
                let x = self.condition(&u.expr)?;
                Some(self.graph.add(Op::Not, vec![x], false, span))
            }
            Expr::Binary(b) if matches!(b.op, BinOp::And(_) | BinOp::Or(_)) => {
                let l = self.condition(&b.left);
                let r = self.condition(&b.right);
                let op = if matches!(b.op, BinOp::And(_)) {
                    Op::And
                } else {
                    Op::Or
                };
                Some(self.graph.add(op, vec![l?, r?], false, span))
            }
            Expr::Binary(b) => {
                let op = match b.op {
                    BinOp::Lt(_) => "<",
                    BinOp::Le(_) => "<=",
                    BinOp::Gt(_) => ">",
                    BinOp::Ge(_) => ">=",
                    BinOp::Eq(_) => "==",
                    BinOp::Ne(_) => "!=",
                    _ => {
                        self.error(b.op, "conditions must be comparisons (`< <= > >= == !=`) joined by `&&`, `||` or `!`");
                        return None;
                    }
                };
                let l = self.expr(&b.left);
                let r = self.expr(&b.right);
                let (l, r) = (
                    self.scalar(l, b.left.span()),
                    self.scalar(r, b.right.span()),
                );
                Some(self.graph.add(Op::Cmp(op), vec![l?, r?], false, span))
            }
            Expr::Lit(syn::ExprLit {
                lit: Lit::Bool(_), ..
            }) => Some(
                self.graph
                    .add(Op::Lit(e.to_token_stream()), vec![], false, span),
            ),
            Expr::Let(l) => {
                self.error(
                    l.let_token,
                    "`if let` cannot be differentiated; compare values instead",
                );
                None
            }
            other => match self.constant_or(
                other,
                other,
                "conditions must be comparisons or constant booleans",
            ) {
                Value::Node(id) => Some(id),
                _ => None,
            },
        }
    }

    /// `a[i] = v` on a local array: a new version of `a`, written in place.
    fn store(&mut self, ix: &syn::ExprIndex, value: Value) {
        let array = single_ident(&ix.expr)
            .and_then(|name| self.locals.iter().rposition(|l| l.name == *name))
            .and_then(|k| match self.locals[k].value {
                Value::Node(id) if self.graph.node(id).array.is_some() => Some((k, id)),
                _ => None,
            });
        let Some((k, version)) = array else {
            if !matches!(value, Value::Poison) {
                self.error(
                    &ix.expr,
                    "only local arrays (`let mut a = [0.0; N];`) can be written element by element",
                );
            }
            return;
        };
        let idx = self.expr(&ix.index);
        let Some(idx) = self.scalar(idx, ix.index.span()) else {
            return;
        };
        if self.graph.node(idx).active {
            self.error(
                &ix.index,
                "an index cannot depend on a differentiated parameter",
            );
            return;
        }
        let Some(v) = self.scalar(value, ix.span()) else {
            return;
        };
        let var = self.graph.node(version).array.unwrap_or_default();
        let new = self
            .graph
            .add(Op::ArrStore(var), vec![version, idx, v], false, ix.span());
        self.locals[k].value = Value::Node(new);
    }

    /// `[x; LEN]` or `[a, b, c]`: a local array, one dimension of floats.
    fn new_array(&mut self, e: &Expr) -> Value {
        let current = self.graph.current;
        if self
            .graph
            .branches
            .iter()
            .any(|b| b.arms.iter().any(|a| self.graph.within(current, *a)))
        {
            return self.error(
                e,
                "declare local arrays outside `if` arms (assign their elements inside)",
            );
        }
        let (repeat, elems): (Option<TokenStream>, Vec<&Expr>) = match e {
            Expr::Repeat(r) => (Some(r.len.to_token_stream()), vec![&*r.expr]),
            Expr::Array(a) => (None, a.elems.iter().collect()),
            _ => return Value::Poison,
        };
        let mut args = Vec::new();
        for elem in elems {
            if matches!(elem, Expr::Repeat(_) | Expr::Array(_)) {
                return self.error(
                    elem,
                    "local arrays have one dimension; use several arrays or a `Matrix`",
                );
            }
            let v = self.expr(elem);
            let Some(id) = self.scalar(v, elem.span()) else {
                return Value::Poison;
            };
            args.push(id);
        }
        let var = self.graph.arrays;
        self.graph.arrays += 1;
        Value::Node(
            self.graph
                .add(Op::ArrNew { var, repeat }, args, false, e.span()),
        )
    }

    /// `l op r`; a misuse is reported on the operand, not the operator.
    fn arith(&mut self, op: Op, l: (Value, Span), r: (Value, Span), span: Span) -> Value {
        let (a, b) = (self.scalar(l.0, l.1), self.scalar(r.0, r.1));
        let (Some(a), Some(b)) = (a, b) else {
            return Value::Poison;
        };
        // `w.t() * x` reads `w` in place rather than copying its transpose
        // in both passes.
        if let (Op::Mul, Op::Prim(t)) = (&op, &self.graph.node(a).op) {
            if t.name == "t" {
                let w = self.graph.node(a).args[0];
                return Value::Node(
                    self.graph
                        .add(Op::Prim(&prim::TMUL), vec![w, b], false, span),
                );
            }
        }
        Value::Node(self.graph.add(op, vec![a, b], false, span))
    }

    fn method_call(&mut self, m: &syn::ExprMethodCall, e: &Expr) -> Value {
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
                let args: Vec<&Expr> = m.args.iter().collect();
                self.user_call(quote!(self.#method), quote!(self.#pullback), &args, method.span())
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

    fn call(&mut self, c: &syn::ExprCall, e: &Expr) -> Value {
        let Expr::Path(f) = &*c.func else {
            return self.constant_or(
                e,
                &c.func,
                "only calls of named functions can be differentiated",
            );
        };
        let Some(last) = f.path.segments.last() else {
            return self.error(&c.func, "empty path");
        };
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
                let mut pullback = f.path.clone();
                if let Some(seg) = pullback.segments.last_mut() {
                    seg.ident =
                        quote::format_ident!("{}_pullback", seg.ident, span = seg.ident.span());
                }
                let args: Vec<&Expr> = c.args.iter().collect();
                self.user_call(
                    f.path.to_token_stream(),
                    pullback.to_token_stream(),
                    &args,
                    last.ident.span(),
                )
            }
        }
    }

    /// A call to a function differentiated elsewhere (by `#[differentiable]`
    /// or `#[custom_vjp]`): its pullback `<name>_pullback` supplies the
    /// derivative. A function without one is a compile error at the call.
    fn user_call(
        &mut self,
        func: TokenStream,
        pullback: TokenStream,
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
        Value::Node(
            self.graph
                .add(Op::Call { func, pullback }, ids, false, span),
        )
    }

    /// Whether a call path names a float method: `f64::sin`, `T::sin`,
    /// `Float::sin`, `num_traits::Float::sin`, `<T as Float>::sin`.
    fn float_qualified(&self, f: &syn::ExprPath) -> bool {
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
    fn named_as_written(&self, id: Id, ident: &Ident) -> bool {
        match self.graph.node(id).op {
            Op::Param(i) => self.sig.params[i].ident == *ident && !self.sig.params[i].scalar_ref,
            Op::LoopIndex(l) => self.graph.loops[l].var == *ident,
            _ => false,
        }
    }

    /// Whether `e` reads a differentiated parameter or a local that depends on one.
    fn depends_on_diff(&self, e: &Expr) -> bool {
        let mut free = FreeNames { names: Vec::new() };
        free.visit_expr(e);
        free.names.iter().any(
            |ident| match self.locals.iter().rev().find(|l| l.name == *ident) {
                Some(local) => match &local.value {
                    Value::Node(id) => self.graph.node(*id).active,
                    Value::Array { param, .. } => self.sig.params[*param].diff,
                    Value::Tuple(_) => true,
                    Value::Unit | Value::Poison => false,
                },
                None => self
                    .sig
                    .param(ident)
                    .is_some_and(|i| self.sig.params[i].diff),
            },
        )
    }

    fn prim(&mut self, p: &'static Prim, args: &[&Expr], span: Span) -> Value {
        let mut ids = Vec::with_capacity(args.len());
        for (arg, &diff) in args.iter().zip(p.diff) {
            let v = self.expr(arg);
            let Some(id) = self.scalar(v, arg.span()) else {
                return Value::Poison;
            };
            if !diff && self.graph.node(id).active {
                return self.error(arg, format!("this argument of `{}` must be a constant: it cannot depend on a differentiated parameter", p.name));
            }
            ids.push(id);
        }
        Value::Node(self.graph.add(Op::Prim(p), ids, false, span))
    }

    fn index(&mut self, ix: &syn::ExprIndex, e: &Expr) -> Value {
        let base = self.expr(&ix.expr);
        let index = self.expr(&ix.index);
        let Some(index) = self.scalar(index, ix.index.span()) else {
            return Value::Poison;
        };
        if self.graph.node(index).active {
            return self.error(
                &ix.index,
                "an index cannot depend on a differentiated parameter",
            );
        }
        match base {
            Value::Array {
                param,
                mut prefix,
                dims,
            } => {
                prefix.push(index);
                if dims > 1 {
                    Value::Array {
                        param,
                        prefix,
                        dims: dims - 1,
                    }
                } else {
                    let active = self.sig.params[param].diff;
                    Value::Node(self.graph.add(Op::Elem(param), prefix, active, e.span()))
                }
            }
            Value::Node(version) if self.graph.node(version).array.is_some() => {
                let var = self.graph.node(version).array.unwrap_or_default();
                Value::Node(
                    self.graph
                        .add(Op::ArrLoad(var), vec![version, index], false, e.span()),
                )
            }
            Value::Node(_) => self.constant_or(e, &ix.expr, "only arrays can be indexed"),
            Value::Tuple(_) | Value::Unit => {
                self.error(&ix.expr, "only array parameters can be indexed")
            }
            Value::Poison => Value::Poison,
        }
    }

    /// Keeps `e` as an opaque constant if nothing differentiated flows into
    /// it, else reports `msg` at `culprit`.
    fn constant_or(
        &mut self,
        e: &Expr,
        culprit: impl ToTokens,
        msg: impl std::fmt::Display,
    ) -> Value {
        let mut free = FreeNames { names: Vec::new() };
        free.visit_expr(e);
        let mut locals = Vec::new();
        let mut args = Vec::new();
        for ident in free.names {
            if let Some(local) = self.locals.iter().rev().find(|l| l.name == ident) {
                match &local.value {
                    // Parameters and loop variables keep their names in the
                    // generated code, so the expression reads them directly.
                    Value::Node(id) if self.named_as_written(*id, &ident) => {
                        if self.graph.node(*id).active {
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
                    Value::Node(id) if !self.graph.node(*id).active => {
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

/// The variables a loop body assigns (`x = ...`, `x += ...`), in order.
struct Assigned {
    names: Vec<Ident>,
}

impl<'ast> Visit<'ast> for Assigned {
    fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
        if let Some(name) = assigned_name(&a.left) {
            self.names.push(name.clone());
        }
        syn::visit::visit_expr_assign(self, a);
    }

    fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
        if compound(&b.op).is_some() {
            if let Some(name) = assigned_name(&b.left) {
                self.names.push(name.clone());
            }
        }
        syn::visit::visit_expr_binary(self, b);
    }
}

/// A length for stack arrays holding one value per iteration, if stable
/// Rust can name one: the exact trip count when the bounds are literals or
/// constants, else an upper bound such as `N` for `0..N / 2`. Arithmetic
/// on a const generic (`[T; N / 2]`) is not allowed on stable Rust.
fn capacity(
    start: &Expr,
    end: &Expr,
    inclusive: bool,
    generics: &syn::Generics,
) -> Option<TokenStream> {
    let const_params: Vec<&Ident> = generics.const_params().map(|c| &c.ident).collect();
    let generic = |e: &Expr| {
        let mut free = FreeNames { names: Vec::new() };
        free.visit_expr(e);
        free.names.iter().any(|n| const_params.contains(&n))
    };
    let one = usize::from(inclusive);
    if let (Some(s), Some(e)) = (int_literal(start), int_literal(end)) {
        let n = (e + one).saturating_sub(s);
        return Some(quote!(#n));
    }
    if !generic(start) && !generic(end) {
        let one = if inclusive { quote!(+ 1) } else { quote!() };
        return Some(quote!({ (#end) - (#start) #one }));
    }
    // A bound involving a const generic: use an upper bound that is a bare
    // generic parameter. `start >= 0`, so `end` bounds `end - start`.
    let starts_at_one = int_literal(start).is_some_and(|s| s >= 1);
    if inclusive && !starts_at_one {
        return None;
    }
    upper_bound(end, &const_params)
}

fn upper_bound(e: &Expr, const_params: &[&Ident]) -> Option<TokenStream> {
    match e {
        Expr::Paren(p) => upper_bound(&p.expr, const_params),
        Expr::Path(p)
            if p.path
                .get_ident()
                .is_some_and(|i| const_params.contains(&i)) =>
        {
            Some(p.to_token_stream())
        }
        Expr::Binary(b)
            if matches!(b.op, BinOp::Sub(_) | BinOp::Div(_))
                && int_literal(&b.right).is_some_and(|k| k >= 1) =>
        {
            upper_bound(&b.left, const_params)
        }
        _ => None,
    }
}

fn int_literal(e: &Expr) -> Option<usize> {
    match e {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Int(i), ..
        }) => i.base10_parse().ok(),
        Expr::Paren(p) => int_literal(&p.expr),
        _ => None,
    }
}
