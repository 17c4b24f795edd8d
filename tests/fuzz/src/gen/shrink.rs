//! Walks programs and proposes smaller variants of one (a statement dropped, a branch or loop unwrapped, a loop shortened, a subexpression replaced by a child, a parameter or a literal, a point dropped), keeping only variants that still compile by construction.

use super::*;

fn walk_expr(e: &Expr, fe: &mut dyn FnMut(&Expr), fs: &mut dyn FnMut(&Stmt)) {
    fe(e);
    match e {
        Expr::Var(_) | Expr::Lit(_) | Expr::LoopF(_) | Expr::Index(..) => {}
        Expr::Neg(a)
        | Expr::Un(_, a)
        | Expr::Powi(a, _)
        | Expr::Clamp(a, ..)
        | Expr::Free(_, a) => walk_expr(a, fe, fs),
        Expr::Bin(_, a, b) | Expr::Bi(_, a, b) => {
            walk_expr(a, fe, fs);
            walk_expr(b, fe, fs);
        }
        Expr::MulAdd(a, b, c) => {
            walk_expr(a, fe, fs);
            walk_expr(b, fe, fs);
            walk_expr(c, fe, fs);
        }
        Expr::Call(_, args) => args.iter().for_each(|a| walk_expr(a, fe, fs)),
        Expr::If(c, a, b) => {
            walk_cond(c, fe, fs);
            for blk in [a, b] {
                blk.stmts.iter().for_each(|s| walk_stmt(s, fe, fs));
                walk_expr(&blk.tail, fe, fs);
            }
        }
    }
}

fn walk_cond(c: &Cond, fe: &mut dyn FnMut(&Expr), fs: &mut dyn FnMut(&Stmt)) {
    match c {
        Cond::Cmp(_, a, b) => {
            walk_expr(a, fe, fs);
            walk_expr(b, fe, fs);
        }
        Cond::And(a, b) | Cond::Or(a, b) => {
            walk_cond(a, fe, fs);
            walk_cond(b, fe, fs);
        }
        Cond::Not(a) => walk_cond(a, fe, fs),
        Cond::Flag(_) => {}
    }
}

fn walk_stmt(s: &Stmt, fe: &mut dyn FnMut(&Expr), fs: &mut dyn FnMut(&Stmt)) {
    fs(s);
    match s {
        Stmt::Let { e, .. } | Stmt::Assign { e, .. } | Stmt::ArrSet { e, .. } => {
            walk_expr(e, fe, fs)
        }
        Stmt::ArrLet { init, .. } => {
            if let ArrInit::List(es) = init {
                es.iter().for_each(|e| walk_expr(e, fe, fs));
            }
        }
        Stmt::If { cond, then, els } => {
            walk_cond(cond, fe, fs);
            then.iter().for_each(|s| walk_stmt(s, fe, fs));
            match els {
                Else::None => {}
                Else::Block(b) => b.iter().for_each(|s| walk_stmt(s, fe, fs)),
                Else::If(s) => walk_stmt(s, fe, fs),
            }
        }
        Stmt::For { body, .. } => body.iter().for_each(|s| walk_stmt(s, fe, fs)),
    }
}

/// Every expression inside `e` (itself included, blocks of `if` included).
pub fn visit(e: &Expr, f: &mut impl FnMut(&Expr)) {
    walk_expr(e, f, &mut |_| {});
}

/// Every statement inside `s` (itself included, arms of `if` expressions included).
pub fn visit_stmt(s: &Stmt, f: &mut impl FnMut(&Stmt)) {
    walk_stmt(s, &mut |_| {}, f);
}

/// Every expression inside `s` (arms and loop bodies included).
pub fn visit_stmt_exprs(s: &Stmt, f: &mut impl FnMut(&Expr)) {
    walk_stmt(s, f, &mut |_| {});
}

/// Every name a function reads or writes (variables, arrays, helpers, flags).
fn names_used(b: &Block) -> Vec<String> {
    let mut out = Vec::new();
    let mut fe = |e: &Expr| match e {
        Expr::Var(n) | Expr::Index(n, _) | Expr::Call(n, _) => out.push(n.clone()),
        Expr::If(c, ..) => flags(c, &mut out),
        _ => {}
    };
    let mut stmt_names = Vec::new();
    let mut fs = |s: &Stmt| match s {
        Stmt::Assign { name, .. } | Stmt::ArrSet { name, .. } => stmt_names.push(name.clone()),
        Stmt::If { cond, .. } => flags(cond, &mut stmt_names),
        _ => {}
    };
    for s in &b.stmts {
        walk_stmt(s, &mut fe, &mut fs);
    }
    walk_expr(&b.tail, &mut fe, &mut fs);
    out.extend(stmt_names);
    out
}

fn flags(c: &Cond, out: &mut Vec<String>) {
    match c {
        Cond::Flag(f) => out.push(f.clone()),
        Cond::And(a, b) | Cond::Or(a, b) => {
            flags(a, out);
            flags(b, out);
        }
        Cond::Not(a) => flags(a, out),
        Cond::Cmp(..) => {}
    }
}

// ---------------------------------------------------------------------------
// Substituting a loop index by its first value.

fn subst_idx(i: &Idx, v: &str, k: usize) -> Idx {
    match i {
        Idx::Lin(m, w, a) if w == v => Idx::Const(m * k + a),
        Idx::Rev(n1, w) if w == v => Idx::Const(n1.saturating_sub(k)),
        Idx::Mod(w, a, n) if w == v => Idx::Const((k + a) % n),
        Idx::Sum(a, b) if a == v && b == v => Idx::Const(2 * k),
        Idx::Sum(a, b) if a == v => Idx::Lin(1, b.clone(), k),
        Idx::Sum(a, b) if b == v => Idx::Lin(1, a.clone(), k),
        _ => i.clone(),
    }
}

fn subst_expr(e: &Expr, v: &str, k: usize) -> Expr {
    let s = |x: &Expr| Box::new(subst_expr(x, v, k));
    match e {
        Expr::LoopF(w) if w == v => Expr::Lit(k as f64),
        Expr::Index(a, i) => Expr::Index(a.clone(), subst_idx(i, v, k)),
        Expr::Var(_) | Expr::Lit(_) | Expr::LoopF(_) => e.clone(),
        Expr::Neg(a) => Expr::Neg(s(a)),
        Expr::Bin(o, a, b) => Expr::Bin(*o, s(a), s(b)),
        Expr::Un(u, a) => Expr::Un(*u, s(a)),
        Expr::Powi(a, n) => Expr::Powi(s(a), *n),
        Expr::Bi(o, a, b) => Expr::Bi(*o, s(a), s(b)),
        Expr::Clamp(a, lo, hi) => Expr::Clamp(s(a), *lo, *hi),
        Expr::MulAdd(a, b, c) => Expr::MulAdd(s(a), s(b), s(c)),
        Expr::Free(f, a) => Expr::Free(*f, s(a)),
        Expr::Call(h, args) => Expr::Call(
            h.clone(),
            args.iter().map(|a| subst_expr(a, v, k)).collect(),
        ),
        Expr::If(c, a, b) => Expr::If(
            Box::new(subst_cond(c, v, k)),
            Box::new(subst_block(a, v, k)),
            Box::new(subst_block(b, v, k)),
        ),
    }
}

fn subst_cond(c: &Cond, v: &str, k: usize) -> Cond {
    match c {
        Cond::Cmp(o, a, b) => Cond::Cmp(*o, subst_expr(a, v, k), subst_expr(b, v, k)),
        Cond::And(a, b) => Cond::And(Box::new(subst_cond(a, v, k)), Box::new(subst_cond(b, v, k))),
        Cond::Or(a, b) => Cond::Or(Box::new(subst_cond(a, v, k)), Box::new(subst_cond(b, v, k))),
        Cond::Not(a) => Cond::Not(Box::new(subst_cond(a, v, k))),
        Cond::Flag(_) => c.clone(),
    }
}

fn subst_block(b: &Block, v: &str, k: usize) -> Block {
    Block {
        stmts: subst_stmts(&b.stmts, v, k),
        tail: subst_expr(&b.tail, v, k),
    }
}

fn subst_stmts(ss: &[Stmt], v: &str, k: usize) -> Vec<Stmt> {
    ss.iter().map(|s| subst_stmt(s, v, k)).collect()
}

fn subst_stmt(s: &Stmt, v: &str, k: usize) -> Stmt {
    match s {
        Stmt::Let { name, mutable, e } => Stmt::Let {
            name: name.clone(),
            mutable: *mutable,
            e: subst_expr(e, v, k),
        },
        Stmt::Assign { name, op, e } => Stmt::Assign {
            name: name.clone(),
            op: *op,
            e: subst_expr(e, v, k),
        },
        Stmt::ArrLet {
            name,
            mutable,
            init,
        } => Stmt::ArrLet {
            name: name.clone(),
            mutable: *mutable,
            init: match init {
                ArrInit::List(es) => {
                    ArrInit::List(es.iter().map(|e| subst_expr(e, v, k)).collect())
                }
                i => i.clone(),
            },
        },
        Stmt::ArrSet { name, idx, op, e } => Stmt::ArrSet {
            name: name.clone(),
            idx: subst_idx(idx, v, k),
            op: *op,
            e: subst_expr(e, v, k),
        },
        Stmt::If { cond, then, els } => Stmt::If {
            cond: subst_cond(cond, v, k),
            then: subst_stmts(then, v, k),
            els: match els {
                Else::None => Else::None,
                Else::Block(b) => Else::Block(subst_stmts(b, v, k)),
                Else::If(s) => Else::If(Box::new(subst_stmt(s, v, k))),
            },
        },
        Stmt::For {
            var,
            lo,
            hi,
            inclusive,
            body,
        } => Stmt::For {
            var: var.clone(),
            lo: *lo,
            hi: *hi,
            inclusive: *inclusive,
            body: subst_stmts(body, v, k),
        },
    }
}

mod cands;
mod respect;
pub use cands::{candidates, valid};
pub use respect::respects;
