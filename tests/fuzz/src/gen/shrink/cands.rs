//! The one-edit variants of a program the shrinker tries, biggest cuts first, and the scope check that keeps only those that still name what they use.

use super::super::generate::fix_mut;
use super::*;

fn bx(e: Expr) -> Box<Expr> {
    Box::new(e)
}

/// Replacements of `e` as a whole: its children, then simple leaves.
fn replacements(e: &Expr, leaves: &[Expr]) -> Vec<Expr> {
    let mut out: Vec<Expr> = match e {
        Expr::Var(_) | Expr::Lit(_) | Expr::LoopF(_) | Expr::Index(..) => Vec::new(),
        Expr::Neg(a)
        | Expr::Un(_, a)
        | Expr::Powi(a, _)
        | Expr::Clamp(a, ..)
        | Expr::Free(_, a) => {
            vec![(**a).clone()]
        }
        Expr::Bin(_, a, b) | Expr::Bi(_, a, b) => vec![(**a).clone(), (**b).clone()],
        Expr::MulAdd(a, b, c) => vec![(**a).clone(), (**b).clone(), (**c).clone()],
        Expr::Call(_, args) => args.clone(),
        Expr::If(_, a, b) => {
            let mut v = Vec::new();
            for blk in [a, b] {
                if blk.stmts.is_empty() {
                    v.push(blk.tail.clone());
                }
            }
            v
        }
    };
    for l in leaves {
        if l != e {
            out.push(l.clone());
        }
    }
    out
}

/// Every one-edit variant of `e`.
fn cand_expr(e: &Expr, leaves: &[Expr]) -> Vec<Expr> {
    let mut out = replacements(e, leaves);
    let sub = |x: &Expr| cand_expr(x, leaves);
    match e {
        Expr::Var(_) | Expr::Lit(_) | Expr::LoopF(_) | Expr::Index(..) => {}
        Expr::Neg(a) => out.extend(sub(a).into_iter().map(|x| Expr::Neg(bx(x)))),
        Expr::Un(u, a) => out.extend(sub(a).into_iter().map(|x| Expr::Un(*u, bx(x)))),
        Expr::Powi(a, n) => out.extend(sub(a).into_iter().map(|x| Expr::Powi(bx(x), *n))),
        Expr::Clamp(a, lo, hi) => {
            out.extend(sub(a).into_iter().map(|x| Expr::Clamp(bx(x), *lo, *hi)))
        }
        Expr::Free(f, a) => out.extend(sub(a).into_iter().map(|x| Expr::Free(*f, bx(x)))),
        Expr::Bin(o, a, b) => {
            out.extend(sub(a).into_iter().map(|x| Expr::Bin(*o, bx(x), b.clone())));
            out.extend(sub(b).into_iter().map(|x| Expr::Bin(*o, a.clone(), bx(x))));
        }
        Expr::Bi(o, a, b) => {
            out.extend(sub(a).into_iter().map(|x| Expr::Bi(*o, bx(x), b.clone())));
            out.extend(sub(b).into_iter().map(|x| Expr::Bi(*o, a.clone(), bx(x))));
        }
        Expr::MulAdd(a, b, c) => {
            out.extend(
                sub(a)
                    .into_iter()
                    .map(|x| Expr::MulAdd(bx(x), b.clone(), c.clone())),
            );
            out.extend(
                sub(b)
                    .into_iter()
                    .map(|x| Expr::MulAdd(a.clone(), bx(x), c.clone())),
            );
            out.extend(
                sub(c)
                    .into_iter()
                    .map(|x| Expr::MulAdd(a.clone(), b.clone(), bx(x))),
            );
        }
        Expr::Call(h, args) => {
            for (k, a) in args.iter().enumerate() {
                for x in sub(a) {
                    let mut v = args.clone();
                    v[k] = x;
                    out.push(Expr::Call(h.clone(), v));
                }
            }
        }
        Expr::If(c, a, b) => {
            out.extend(
                cand_cond(c, leaves)
                    .into_iter()
                    .map(|x| Expr::If(Box::new(x), a.clone(), b.clone())),
            );
            out.extend(
                cand_block(a, leaves)
                    .into_iter()
                    .map(|x| Expr::If(c.clone(), Box::new(x), b.clone())),
            );
            out.extend(
                cand_block(b, leaves)
                    .into_iter()
                    .map(|x| Expr::If(c.clone(), a.clone(), Box::new(x))),
            );
        }
    }
    out
}

fn cand_cond(c: &Cond, leaves: &[Expr]) -> Vec<Cond> {
    let mut out = Vec::new();
    match c {
        Cond::And(a, b) | Cond::Or(a, b) => {
            out.push((**a).clone());
            out.push((**b).clone());
            let re = |x: Box<Cond>, y: Box<Cond>| match c {
                Cond::And(..) => Cond::And(x, y),
                _ => Cond::Or(x, y),
            };
            out.extend(
                cand_cond(a, leaves)
                    .into_iter()
                    .map(|x| re(Box::new(x), b.clone())),
            );
            out.extend(
                cand_cond(b, leaves)
                    .into_iter()
                    .map(|y| re(a.clone(), Box::new(y))),
            );
        }
        Cond::Not(a) => {
            out.push((**a).clone());
            out.extend(
                cand_cond(a, leaves)
                    .into_iter()
                    .map(|x| Cond::Not(Box::new(x))),
            );
        }
        Cond::Cmp(o, a, b) => {
            out.extend(
                cand_expr(a, leaves)
                    .into_iter()
                    .map(|x| Cond::Cmp(*o, x, b.clone())),
            );
            out.extend(
                cand_expr(b, leaves)
                    .into_iter()
                    .map(|y| Cond::Cmp(*o, a.clone(), y)),
            );
        }
        Cond::Flag(_) => {}
    }
    out
}

fn cand_block(b: &Block, leaves: &[Expr]) -> Vec<Block> {
    let mut out: Vec<Block> = cand_stmts(&b.stmts, leaves)
        .into_iter()
        .map(|stmts| Block {
            stmts,
            tail: b.tail.clone(),
        })
        .collect();
    out.extend(cand_expr(&b.tail, leaves).into_iter().map(|tail| Block {
        stmts: b.stmts.clone(),
        tail,
    }));
    out
}

/// Variants of one statement: the statements that replace it.
fn cand_stmt(s: &Stmt, leaves: &[Expr]) -> Vec<Vec<Stmt>> {
    let mut out: Vec<Vec<Stmt>> = Vec::new();
    match s {
        Stmt::If { cond, then, els } => {
            out.push(then.clone());
            match els {
                Else::None => {}
                Else::Block(b) => {
                    out.push(b.clone());
                    out.push(vec![Stmt::If {
                        cond: cond.clone(),
                        then: then.clone(),
                        els: Else::None,
                    }]);
                }
                Else::If(s2) => {
                    out.push(vec![(**s2).clone()]);
                    out.push(vec![Stmt::If {
                        cond: cond.clone(),
                        then: then.clone(),
                        els: Else::None,
                    }]);
                }
            }
            let mk = |cond: Cond, then: Vec<Stmt>, els: Else| vec![Stmt::If { cond, then, els }];
            for c in cand_cond(cond, leaves) {
                out.push(mk(c, then.clone(), els.clone()));
            }
            for t in cand_stmts(then, leaves) {
                out.push(mk(cond.clone(), t, els.clone()));
            }
            match els {
                Else::None => {}
                Else::Block(b) => {
                    for e in cand_stmts(b, leaves) {
                        out.push(mk(cond.clone(), then.clone(), Else::Block(e)));
                    }
                }
                Else::If(s2) => {
                    for e in cand_stmt(s2, leaves) {
                        if let [one @ Stmt::If { .. }] = &e[..] {
                            out.push(mk(
                                cond.clone(),
                                then.clone(),
                                Else::If(Box::new(one.clone())),
                            ));
                        }
                    }
                }
            }
        }
        Stmt::For {
            var,
            lo,
            hi,
            inclusive,
            body,
        } => {
            out.push(subst_stmts(body, var, *lo));
            let mk = |lo: usize, hi: usize, inclusive: bool, body: Vec<Stmt>| {
                vec![Stmt::For {
                    var: var.clone(),
                    lo,
                    hi,
                    inclusive,
                    body,
                }]
            };
            if hi - lo > 1 {
                out.push(mk(*lo, hi - 1, *inclusive, body.clone()));
            }
            if *lo > 0 {
                out.push(mk(lo - 1, hi - 1, *inclusive, body.clone()));
            }
            if *inclusive {
                out.push(mk(*lo, *hi, false, body.clone()));
            }
            for b in cand_stmts(body, leaves) {
                out.push(mk(*lo, *hi, *inclusive, b));
            }
        }
        Stmt::Let { name, mutable, e } => {
            for x in cand_expr(e, leaves) {
                out.push(vec![Stmt::Let {
                    name: name.clone(),
                    mutable: *mutable,
                    e: x,
                }]);
            }
        }
        Stmt::Assign { name, op, e } => {
            for x in cand_expr(e, leaves) {
                out.push(vec![Stmt::Assign {
                    name: name.clone(),
                    op: *op,
                    e: x,
                }]);
            }
        }
        Stmt::ArrSet { name, idx, op, e } => {
            for x in cand_expr(e, leaves) {
                out.push(vec![Stmt::ArrSet {
                    name: name.clone(),
                    idx: idx.clone(),
                    op: *op,
                    e: x,
                }]);
            }
        }
        Stmt::ArrLet {
            name,
            mutable,
            init,
        } => {
            if let ArrInit::List(es) = init {
                out.push(vec![Stmt::ArrLet {
                    name: name.clone(),
                    mutable: *mutable,
                    init: ArrInit::Fill(0.0, es.len()),
                }]);
                for (k, e) in es.iter().enumerate() {
                    for x in cand_expr(e, leaves) {
                        let mut v = es.clone();
                        v[k] = x;
                        out.push(vec![Stmt::ArrLet {
                            name: name.clone(),
                            mutable: *mutable,
                            init: ArrInit::List(v),
                        }]);
                    }
                }
            }
        }
    }
    out
}

fn cand_stmts(ss: &[Stmt], leaves: &[Expr]) -> Vec<Vec<Stmt>> {
    let mut out = Vec::new();
    // Drops first, the whole statement.
    for k in 0..ss.len() {
        let mut v = ss.to_vec();
        v.remove(k);
        out.push(v);
    }
    for (k, s) in ss.iter().enumerate() {
        for rep in cand_stmt(s, leaves) {
            let mut v = ss[..k].to_vec();
            v.extend(rep);
            v.extend_from_slice(&ss[k + 1..]);
            out.push(v);
        }
    }
    out
}

fn leaves_of(f: &Func) -> Vec<Expr> {
    let mut out = vec![Expr::Lit(1.0), Expr::Lit(0.5)];
    if let Some(p) = f.params.iter().find(|p| p.wrt) {
        out.push(match p.ty {
            PTy::Arr(_) => Expr::Index(p.name.clone(), Idx::Const(0)),
            _ => Expr::Var(p.name.clone()),
        });
    }
    out
}

fn cand_func(f: &Func) -> Vec<Func> {
    let leaves = leaves_of(f);
    let mut out = Vec::new();
    let used = names_used(&f.body);
    // Unused parameters go, then `wrt` goes.
    for k in 0..f.params.len() {
        if !used.contains(&f.params[k].name)
            && f.params.iter().filter(|p| p.wrt).count() > usize::from(f.params[k].wrt)
        {
            let mut g = f.clone();
            g.params.remove(k);
            out.push(g);
        }
    }
    if f.use_wrt {
        let mut g = f.clone();
        g.use_wrt = false;
        for p in g.params.iter_mut() {
            p.wrt = p.ty != PTy::Bool;
        }
        out.push(g);
    }
    for b in cand_block(&f.body, &leaves) {
        let mut g = f.clone();
        g.body = b;
        fix_mut(&mut g.body);
        out.push(g);
    }
    out
}

/// Every one-edit variant of `p` that passes [`valid`] and stays clear of
/// the features that are off ([`super::respects`]), biggest cuts first.
pub fn candidates(p: &Program, f: &Features) -> Vec<Program> {
    let mut out = Vec::new();
    // A single evaluation point.
    if p.points() > 1 {
        for k in 0..p.points() {
            let mut q = p.clone();
            for par in q.main.params.iter_mut() {
                par.vals = vec![par.vals[k].clone()];
            }
            out.push(q);
        }
    }
    // Helpers nobody calls.
    for k in 0..p.helpers.len() {
        let mut q = p.clone();
        q.helpers.remove(k);
        out.push(q);
    }
    for f in cand_func(&p.main) {
        out.push(Program {
            helpers: p.helpers.clone(),
            main: f,
        });
    }
    for k in 0..p.helpers.len() {
        for h in cand_func(&p.helpers[k]) {
            let mut q = p.clone();
            q.helpers[k] = h;
            out.push(q);
        }
    }
    out.retain(|q| valid(q) && super::respects(q, f));
    out
}

// ---------------------------------------------------------------------------
// The scope check.

#[derive(Clone)]
enum Bind {
    Scalar {
        mutable: bool,
    },
    Arr(usize),
    Flag,
    /// A loop index over `lo..hi`.
    Loop(usize, usize),
}

struct Env<'a> {
    scopes: Vec<Vec<(String, Bind)>>,
    helpers: &'a [(String, usize)],
}

impl Env<'_> {
    fn get(&self, n: &str) -> Option<&Bind> {
        self.scopes
            .iter()
            .flatten()
            .rev()
            .find(|(m, _)| m == n)
            .map(|(_, b)| b)
    }
    fn loop_max(&self, v: &str) -> Option<(usize, usize)> {
        match self.get(v) {
            Some(Bind::Loop(lo, hi)) => Some((*lo, hi - 1)),
            _ => None,
        }
    }
    fn idx_ok(&self, i: &Idx, n: usize) -> bool {
        let max = match i {
            Idx::Const(k) => Some(*k),
            Idx::Lin(m, v, a) => self.loop_max(v).map(|(_, hi)| m * hi + a),
            Idx::Rev(n1, v) => {
                self.loop_max(v)
                    .and_then(|(lo, hi)| if hi <= *n1 { Some(n1 - lo) } else { None })
            }
            Idx::Mod(v, _, m) => self.loop_max(v).map(|_| m - 1),
            Idx::Sum(a, b) => self
                .loop_max(a)
                .zip(self.loop_max(b))
                .map(|((_, x), (_, y))| x + y),
        };
        max.is_some_and(|m| m < n)
    }
    fn expr(&self, e: &Expr) -> bool {
        match e {
            Expr::Var(n) => matches!(self.get(n), Some(Bind::Scalar { .. })),
            Expr::Lit(_) => true,
            Expr::LoopF(v) => self.loop_max(v).is_some(),
            Expr::Index(a, i) => matches!(self.get(a), Some(Bind::Arr(n)) if self.idx_ok(i, *n)),
            Expr::Neg(a)
            | Expr::Un(_, a)
            | Expr::Powi(a, _)
            | Expr::Clamp(a, ..)
            | Expr::Free(_, a) => self.expr(a),
            Expr::Bin(_, a, b) | Expr::Bi(_, a, b) => self.expr(a) && self.expr(b),
            Expr::MulAdd(a, b, c) => self.expr(a) && self.expr(b) && self.expr(c),
            Expr::Call(h, args) => {
                self.helpers.iter().any(|(n, k)| n == h && *k == args.len())
                    && args.iter().all(|a| self.expr(a))
            }
            Expr::If(c, a, b) => self.cond(c) && self.sub_block(a) && self.sub_block(b),
        }
    }
    fn cond(&self, c: &Cond) -> bool {
        match c {
            Cond::Cmp(_, a, b) => self.expr(a) && self.expr(b),
            Cond::And(a, b) | Cond::Or(a, b) => self.cond(a) && self.cond(b),
            Cond::Not(a) => self.cond(a),
            Cond::Flag(f) => matches!(self.get(f), Some(Bind::Flag)),
        }
    }
    fn sub_block(&self, b: &Block) -> bool {
        let mut env = Env {
            scopes: self.scopes.clone(),
            helpers: self.helpers,
        };
        env.scopes.push(Vec::new());
        env.stmts(&b.stmts) && env.expr(&b.tail)
    }
    fn scoped(&mut self, ss: &[Stmt], bind: Option<(String, Bind)>) -> bool {
        self.scopes.push(bind.into_iter().collect());
        let ok = self.stmts(ss);
        self.scopes.pop();
        ok
    }
    fn stmts(&mut self, ss: &[Stmt]) -> bool {
        ss.iter().all(|s| self.stmt(s))
    }
    fn stmt(&mut self, s: &Stmt) -> bool {
        let ok = match s {
            Stmt::Let { e, .. } => self.expr(e),
            Stmt::Assign { name, e, .. } => {
                matches!(self.get(name), Some(Bind::Scalar { mutable: true })) && self.expr(e)
            }
            Stmt::ArrLet { init, .. } => match init {
                ArrInit::Fill(..) => true,
                ArrInit::List(es) => es.iter().all(|e| self.expr(e)),
            },
            Stmt::ArrSet { name, idx, e, .. } => {
                matches!(self.get(name), Some(Bind::Arr(n)) if self.idx_ok(idx, *n)) && self.expr(e)
            }
            Stmt::If { cond, then, els } => {
                self.cond(cond)
                    && self.scoped(then, None)
                    && match els {
                        Else::None => true,
                        Else::Block(b) => self.scoped(b, None),
                        Else::If(s2) => self.scoped(std::slice::from_ref(s2), None),
                    }
            }
            Stmt::For {
                var, lo, hi, body, ..
            } => hi > lo && self.scoped(body, Some((var.clone(), Bind::Loop(*lo, *hi)))),
        };
        if let (true, Some(scope)) = (ok, self.scopes.last_mut()) {
            match s {
                Stmt::Let { name, mutable, .. } => {
                    scope.push((name.clone(), Bind::Scalar { mutable: *mutable }))
                }
                Stmt::ArrLet { name, init, .. } => {
                    let n = match init {
                        ArrInit::Fill(_, n) => *n,
                        ArrInit::List(es) => es.len(),
                    };
                    scope.push((name.clone(), Bind::Arr(n)));
                }
                _ => {}
            }
        }
        ok
    }
}

fn func_ok(f: &Func, helpers: &[(String, usize)]) -> bool {
    let params = f
        .params
        .iter()
        .map(|p| {
            let b = match p.ty {
                PTy::Scalar => Bind::Scalar { mutable: false },
                PTy::Arr(n) => Bind::Arr(n),
                PTy::Bool => Bind::Flag,
            };
            (p.name.clone(), b)
        })
        .collect();
    let mut env = Env {
        scopes: vec![params],
        helpers,
    };
    f.params.iter().any(|p| p.wrt) && env.stmts(&f.body.stmts) && env.expr(&f.body.tail)
}

/// Every name resolves, every index is in bounds, every helper is defined
/// before its use with its arity, and something is differentiated.
pub fn valid(p: &Program) -> bool {
    let mut hs: Vec<(String, usize)> = Vec::new();
    for h in &p.helpers {
        if !func_ok(h, &hs) {
            return false;
        }
        hs.push((h.name.clone(), h.params.len()));
    }
    func_ok(&p.main, &hs)
}
