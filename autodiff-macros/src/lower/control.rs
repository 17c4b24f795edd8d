//! Stage 3b: control flow. `if` arms become scopes whose differing
//! variables merge in `Select` nodes; `for` loops over constant ranges
//! become loop scopes with phis for the variables they carry.

use super::{assigned_name, compound, FreeNames, Lower, Value};
use crate::graph::{BranchId, Carried, Id, Loop, LoopId, Op};
use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{BinOp, Expr, Ident, Lit, Pat, RangeLimits, UnOp};

impl Lower<'_> {
    /// `for i in a..b { ... }` with constant bounds. Variables the body
    /// assigns become loop-carried: a phi node stands for their value when
    /// an iteration starts. Whether a phi is differentiated can depend on
    /// what the body does with it (`s` in `s += x[i]` starts as the
    /// constant 0), so the body is lowered again until that is settled.
    pub(super) fn for_loop(&mut self, f: &syn::ExprForLoop) -> Value {
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
            let id = self.scalar_of(v, e)?;
            if self.graph[id].active {
                self.error(e, "loop bounds must be constants");
                return None;
            }
            Some(id)
        });
        let [Some(start), Some(end)] = bounds else {
            return Value::Poison;
        };
        let capacity = capacity(start_expr, end_expr, inclusive, &self.sig.generics, &|n| {
            self.locals.find(n).is_some()
        });

        // The variables this loop carries: assigned in the body, declared outside.
        let mut assigned = Assigned { names: Vec::new() };
        assigned.visit_block(&f.body);
        let mut carried: Vec<usize> = Vec::new();
        for name in assigned.names {
            let found = self.locals.find(&name);
            let index = match found {
                Some(i) => i,
                None if self.sig.param(&name).is_some() => {
                    let value = self.name(&name, &syn::parse_quote!(#name));
                    self.locals.push(name.clone(), value);
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
            match self.locals.get(li).value {
                Value::Node(id) => inits.push(id),
                Value::Poison => return Value::Poison,
                _ => {
                    let name = self.locals.get(li).name.clone();
                    return self.error(&name, "only float variables can be assigned in a loop");
                }
            }
        }
        let mut phi_active: Vec<bool> = inits.iter().map(|i| self.graph[*i].active).collect();
        let entry = self.locals.mark();
        loop {
            let snapshot = self.graph.snapshot();
            let mark = self.cx.mark();
            let l = LoopId(self.graph.loops.len() as u32);
            let body = self.graph.child_scope();
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
                range_span: end_expr.span(),
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
                self.locals.set(li, Value::Node(phi));
            }
            let scope = self.locals.len();
            self.locals.push(var.clone(), Value::Node(index));
            self.block(&f.body);
            self.locals.truncate(scope);
            self.graph.leave();
            let mut nexts = Vec::new();
            for &li in &carried {
                match self.locals.get(li).value {
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
                self.locals.undo(entry);
                continue;
            }
            for (k, &li) in carried.iter().enumerate() {
                let args = vec![inits[k], nexts[k], start, end];
                let out = self
                    .graph
                    .add(Op::LoopOut(l), args, false, f.for_token.span);
                self.graph[l].carried.push(Carried {
                    phi: phis[k],
                    init: inits[k],
                    next: nexts[k],
                    out,
                });
                self.locals.set(li, Value::Node(out));
            }
            return Value::Unit;
        }
    }

    /// `if c { a } else { b }`: both arms are lowered in their own scope;
    /// every variable they leave different, and the value, become `Select`
    /// nodes. The backward pass mirrors the branch with the same condition,
    /// so the arm not taken is never evaluated in either pass.
    pub(super) fn if_expr(&mut self, i: &syn::ExprIf) -> Value {
        let Some(cond) = self.condition(&i.cond) else {
            return Value::Poison;
        };
        let b = self.graph.branch(cond);
        let arms = self.graph[b].arms;
        // Each arm starts from the variables as they were before the `if`;
        // what it changed is undone after it and merged below.
        let mut results = Vec::with_capacity(2);
        for (k, arm) in arms.into_iter().enumerate() {
            let mark = self.locals.mark();
            self.graph.enter(arm);
            let value = match (k, &i.else_branch) {
                (0, _) => self.block(&i.then_branch),
                (_, Some((_, e))) => self.expr(e),
                (_, None) => Value::Unit,
            };
            self.graph.leave();
            let changed = self.locals.undo(mark);
            results.push((value, changed));
        }
        let (else_value, else_changed) = results.pop().unwrap_or((Value::Poison, Vec::new()));
        let (then_value, then_changed) = results.pop().unwrap_or((Value::Poison, Vec::new()));
        let mut changed: Vec<usize> = then_changed
            .iter()
            .chain(&else_changed)
            .map(|(idx, _)| *idx)
            .collect();
        changed.sort_unstable();
        changed.dedup();
        let arm_value = |arm: &[(usize, Value)], idx: usize, before: &Value| match arm
            .binary_search_by_key(&idx, |(k, _)| *k)
        {
            Ok(pos) => arm[pos].1.clone(),
            Err(_) => before.clone(),
        };
        for idx in changed {
            let before = self.locals.get(idx).value.clone();
            let t = arm_value(&then_changed, idx, &before);
            let e = arm_value(&else_changed, idx, &before);
            let merged = self.merge(b, cond, t, e, i.if_token.span);
            self.locals.set(idx, merged);
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

    pub(super) fn merge(&mut self, b: BranchId, cond: Id, t: Value, e: Value, span: Span) -> Value {
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
    pub(super) fn condition(&mut self, e: &Expr) -> Option<Id> {
        // One token's span: the whole expression's would walk all its tokens
        // at every level of a long `&&` chain.
        let span = match e {
            Expr::Binary(b) => b.op.span(),
            Expr::Unary(u) => u.op.span(),
            other => other.span(),
        };
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
                let (l, r) = (self.scalar_of(l, &b.left), self.scalar_of(r, &b.right));
                Some(self.graph.add(Op::Cmp(op), vec![l?, r?], false, span))
            }
            Expr::Lit(syn::ExprLit {
                lit: Lit::Bool(_), ..
            }) => {
                let id = self
                    .graph
                    .add(Op::Lit(e.to_token_stream()), vec![], false, span);
                self.graph.mark_boolean(id);
                Some(id)
            }
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
                Value::Node(id) => {
                    self.graph.mark_boolean(id);
                    Some(id)
                }
                _ => None,
            },
        }
    }
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
    runtime: &dyn Fn(&Ident) -> bool,
) -> Option<TokenStream> {
    // A bound read from a variable or a parameter is only known at run time.
    let reads_runtime = |e: &Expr| {
        let mut free = FreeNames { names: Vec::new() };
        free.visit_expr(e);
        free.names.iter().any(runtime)
    };
    if reads_runtime(start) || reads_runtime(end) {
        return None;
    }
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
