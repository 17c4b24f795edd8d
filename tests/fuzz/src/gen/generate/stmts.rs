//! Statements, loops, local arrays, functions and whole programs for the generator (`generate.rs` has the expressions).

use super::program::{refs_wrt, Pipe};
use super::*;

pub(super) fn top_call(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Un(..) | Expr::Free(..) | Expr::Bi(..) | Expr::Powi(..) | Expr::Call(..)
    )
}

impl<'a> Gen<'a> {
    /// The innermost binding of every visible name.
    pub(super) fn visible(&self) -> Vec<Var> {
        let mut out: Vec<Var> = Vec::new();
        for v in self.vars().collect::<Vec<_>>().into_iter().rev() {
            if !out.iter().any(|w| w.name == v.name) {
                out.push(v.clone());
            }
        }
        out
    }

    /// `x[i]` for an array parameter `x`: a name bound to it is that element.
    /// Unless `param_value_in_cond` is on, so is anything that reads one.
    pub(super) fn is_param_elem(&self, e: &Expr) -> bool {
        let vis = self.visible();
        let parr = |a: &str| {
            vis.iter()
                .any(|v| v.name == a && matches!(v.kind, Kind::ParamArr { .. }))
        };
        if self.f.on("param_value_in_cond") {
            return matches!(e, Expr::Index(a, _) if parr(a));
        }
        let mut t = false;
        super::super::shrink::visit(e, &mut |x| match x {
            Expr::Index(a, _) => t |= parr(a) || vis.iter().any(|v| v.name == *a && v.elem),
            Expr::Var(n) => t |= vis.iter().any(|v| v.name == *n && v.elem),
            _ => {}
        });
        t
    }

    pub(super) fn mutable_scalars(&self) -> Vec<Var> {
        self.visible()
            .into_iter()
            .filter(|v| {
                matches!(v.kind, Kind::Local { mutable: true })
                    && !self.no_read.contains(&v.name)
                    && !self.no_write.contains(&v.name)
            })
            .collect()
    }

    /// A leaf reading a differentiated parameter.
    pub(super) fn wrt_leaf(&mut self) -> Option<Expr> {
        let ps: Vec<Var> = self
            .visible()
            .into_iter()
            .filter(|v| {
                matches!(
                    v.kind,
                    Kind::Param { wrt: true } | Kind::ParamArr { wrt: true, .. }
                )
            })
            .collect();
        if ps.is_empty() {
            return None;
        }
        let p = self.rng.pick(&ps).clone();
        Some(match p.kind {
            Kind::ParamArr { n, .. } => {
                let i = self.index_for(n);
                Expr::Index(p.name, i)
            }
            _ => Expr::Var(p.name),
        })
    }

    pub(super) fn stmt(&mut self) -> Vec<Stmt> {
        if self.budget == 0 {
            return Vec::new();
        }
        self.budget -= 1;
        if self.acc_only {
            return self.acc_stmt();
        }
        let top = self.arms == 0 && self.loops.is_empty();
        let has_arr = self
            .visible()
            .iter()
            .any(|v| matches!(v.kind, Kind::LocalArr { .. }));
        let nested = !self.loops.is_empty() || self.arms > 0;
        // An accumulating loop in an arm or a loop must not meet a local
        // array (see `touch_arrays`, and `leaf`).
        let arrays_block = nested
            && has_arr
            && !self.f.on("keeping_nested")
            && !self.f.on("local_array_across_loop");
        let can_loop = self.f.on("loops")
            && !arrays_block
            && self.loops.len() < 2
            && (self.loops.is_empty() || self.f.on("nested_loops"))
            && (self.arms == 0 || self.f.on("loop_in_arm"));
        match self.rng.below(100) {
            0..=24 => self.let_stmt(),
            25..=31 if self.f.on("shadowing") => self.shadow(),
            32..=51 => self.assign(),
            52..=58
                if top
                    && self.f.on("local_arrays")
                    && (!self.had_loop || self.f.on("local_array_across_loop"))
                    && (!has_arr || self.f.on("two_local_arrays")) =>
            {
                self.arr_let()
            }
            59..=68 if has_arr => self.arr_set(),
            69..=80 if self.f.on("branches") => self.if_stmt(),
            81..=99 if can_loop => self.for_stmt(),
            _ => self.let_stmt(),
        }
    }

    pub(super) fn let_stmt(&mut self) -> Vec<Stmt> {
        let name = self.name("v");
        let (e, bd) = self.expr(3);
        let mutable =
            self.rng.chance(0.5) && (self.loops.is_empty() || self.f.on("unused_mut_in_loop"));
        let elem = self.is_param_elem(&e);
        self.declare(Var {
            name: name.clone(),
            kind: Kind::Local { mutable },
            bound: bd.max(1.0),
            depth: self.loops.len(),
            from_call: top_call(&e),
            elem,
        });
        vec![Stmt::Let { name, mutable, e }]
    }

    pub(super) fn shadow(&mut self) -> Vec<Stmt> {
        let locals: Vec<Var> = self
            .visible()
            .into_iter()
            .filter(|v| matches!(v.kind, Kind::Local { .. }) && !self.no_read.contains(&v.name))
            .collect();
        if locals.is_empty() {
            return self.let_stmt();
        }
        let v = self.rng.pick(&locals).clone();
        let (y, by) = self.expr(2);
        let op = *self.rng.pick(&[BinOp::Add, BinOp::Sub, BinOp::Mul]);
        let (y, by) = if op == BinOp::Mul && v.bound * by > LIMIT {
            self.squash(y)
        } else {
            (y, by)
        };
        let bd = if op == BinOp::Mul {
            v.bound * by
        } else {
            v.bound + by
        };
        let e = Expr::Bin(op, b(Expr::Var(v.name.clone())), b(y));
        let (e, bd) = self.tame(e, bd);
        let mutable =
            self.rng.chance(0.4) && (self.loops.is_empty() || self.f.on("unused_mut_in_loop"));
        self.declare(Var {
            name: v.name.clone(),
            kind: Kind::Local { mutable },
            bound: bd.max(1.0),
            depth: self.loops.len(),
            from_call: top_call(&e),
            elem: self.is_param_elem(&e),
        });
        vec![Stmt::Let {
            name: v.name,
            mutable,
            e,
        }]
    }

    /// The value of a compound update `op= e` of something with bound
    /// `old`, after `m` repetitions: (e, new bound).
    pub(super) fn update(
        &mut self,
        op: Option<BinOp>,
        old: f64,
        m: f64,
        reads_self: bool,
    ) -> (Expr, f64) {
        match op {
            Some(BinOp::Add | BinOp::Sub) => {
                let (e, be) = self.expr(2);
                let (e, be) = if m * be > LIMIT {
                    self.squash(e)
                } else {
                    (e, be)
                };
                (e, old + m * be)
            }
            Some(BinOp::Mul) => self.squashed(2).0.pipe(|e| (e, old)),
            Some(BinOp::Div) => {
                let (e, _, _) = self.positive(1);
                (Expr::Bin(BinOp::Add, b(e), b(Expr::Lit(1.0))), old)
            }
            None => {
                let (e, be) = if self.arms > 0 {
                    self.arm_value(2)
                } else if self.f.on("select_arms") && self.rng.chance(0.2) {
                    self.leaf()
                } else {
                    self.expr(2)
                };
                if m > 1.0 && reads_self && be > old {
                    let (e, _) = self.squash(e);
                    (e, old)
                } else if m > 1.0 && be > old {
                    // Carried, so the bound must not grow.
                    let (e, _) = self.squash(e);
                    (e, old)
                } else {
                    (e, old.max(be))
                }
            }
        }
    }

    pub(super) fn assign(&mut self) -> Vec<Stmt> {
        let ms = self.mutable_scalars();
        if ms.is_empty() {
            return self.let_stmt();
        }
        let v = self.rng.pick(&ms).clone();
        self.no_write.push(v.name.clone());
        let st = self.assign_to(&v);
        self.no_write.pop();
        st
    }

    pub(super) fn assign_to(&mut self, v: &Var) -> Vec<Stmt> {
        let v = v.clone();
        // A conditional overwrite of a carried variable (in an arm of a
        // loop body) reads the variable unless `if_assign_in_loop` is on.
        let loop_arm = !self.loops.is_empty() && self.loop_arms.last() != Some(&self.arms);
        let plain_ok = !loop_arm || self.f.on("if_assign_in_loop");
        let op = if self.f.on("compound") && self.rng.chance(0.7) {
            Some(
                *self
                    .rng
                    .pick(&[BinOp::Add, BinOp::Add, BinOp::Sub, BinOp::Mul, BinOp::Div]),
            )
        } else if plain_ok && self.rng.chance(0.5) {
            None
        } else {
            // `v = v + e`, written out.
            let was = self.no_if;
            self.no_if |= !self.loops.is_empty() && !self.f.on("if_assign_in_loop");
            let (e, bd) = self.update(Some(BinOp::Add), v.bound, self.trips(v.depth), true);
            self.no_if = was;
            let elem = self.is_param_elem(&e);
            if let Some(w) = self.lookup(&v.name) {
                w.bound = bd;
                w.elem |= elem;
            }
            let e = Expr::Bin(BinOp::Add, b(Expr::Var(v.name.clone())), b(e));
            return vec![Stmt::Assign {
                name: v.name,
                op: None,
                e,
            }];
        };
        let was = self.no_if;
        self.no_if |= op.is_none() && !self.loops.is_empty() && !self.f.on("if_assign_in_loop");
        let (e, bd) = self.update(op, v.bound, self.trips(v.depth), false);
        self.no_if = was;
        let elem = self.is_param_elem(&e);
        if let Some(w) = self.lookup(&v.name) {
            w.bound = bd;
            w.elem |= elem;
        }
        vec![Stmt::Assign {
            name: v.name,
            op,
            e,
        }]
    }

    pub(super) fn arr_let(&mut self) -> Vec<Stmt> {
        let name = self.name("a");
        let n = 2 + self.rng.below(3);
        let (init, bd) = if self.rng.chance(0.5) {
            let c = *self.rng.pick(&[0.0, 0.0, 1.0, 0.5]);
            (ArrInit::Fill(c, n), 1.0)
        } else {
            let mut bd: f64 = 1.0;
            let es = (0..n)
                .map(|_| {
                    let (e, be) = self.expr(2);
                    bd = bd.max(be);
                    e
                })
                .collect();
            (ArrInit::List(es), bd)
        };
        self.declare(Var {
            name: name.clone(),
            kind: Kind::LocalArr { n, written: false },
            bound: bd,
            depth: 0,
            from_call: false,
            elem: matches!(&init, ArrInit::List(es) if es.iter().any(|e| self.is_param_elem(e))),
        });
        let mut out = vec![Stmt::ArrLet {
            name: name.clone(),
            mutable: false,
            init,
        }];
        if !self.f.on("unwritten_local_array_in_loop") && self.rng.chance(0.7) {
            // Written at once, so loops may read it.
            let k = self.rng.below(n);
            let (e, be) = self.expr(2);
            let elem_w = self.is_param_elem(&e);
            if let Some(w) = self.lookup(&name) {
                w.bound = w.bound.max(be);
                w.kind = Kind::LocalArr { n, written: true };
                w.elem |= elem_w;
            }
            out.push(Stmt::ArrSet {
                name,
                idx: Idx::Const(k),
                op: None,
                e,
            });
        }
        out
    }

    pub(super) fn arr_set(&mut self) -> Vec<Stmt> {
        let arrs: Vec<Var> = self
            .visible()
            .into_iter()
            .filter(|v| matches!(v.kind, Kind::LocalArr { .. }) && !self.no_write.contains(&v.name))
            .collect();
        if arrs.is_empty() {
            return self.let_stmt();
        }
        let a = self.rng.pick(&arrs).clone();
        self.no_write.push(a.name.clone());
        let st = self.arr_set_to(&a);
        self.no_write.pop();
        st
    }

    pub(super) fn arr_set_to(&mut self, a: &Var) -> Vec<Stmt> {
        let a = a.clone();
        let Kind::LocalArr { n, .. } = a.kind else {
            return Vec::new();
        };
        let idx = self.index_for(n);
        // The documented limit: in an `if` or inner loop of a loop, no
        // reads of local arrays, so no compound writes either.
        let limit = !self.loops.is_empty()
            && (self.loops.len() > 1 || self.loop_arms.last() != Some(&self.arms))
            || self.nested_loop();
        let op = if self.f.on("compound") && !limit && self.rng.chance(0.5) {
            Some(*self.rng.pick(&[BinOp::Add, BinOp::Sub, BinOp::Mul]))
        } else {
            None
        };
        if !self.loops.is_empty() {
            self.loop_written.push(a.name.clone());
        }
        let (mut e, bd) = self.update(op, a.bound, self.trips(0), false);
        if self.arms > 0 && !self.f.on("const_store_in_arm") && !refs_wrt(&e, &self.wrt_names()) {
            if let Some(w) = self.wrt_leaf() {
                e = Expr::Bin(BinOp::Mul, b(e), b(Expr::Un(Un::Tanh, b(w))));
            }
        }
        let elem_w = self.is_param_elem(&e);
        if let Some(w) = self.lookup(&a.name) {
            w.bound = bd;
            w.kind = Kind::LocalArr { n, written: true };
            w.elem |= elem_w;
        }
        vec![Stmt::ArrSet {
            name: a.name,
            idx,
            op,
            e,
        }]
    }

    pub(super) fn wrt_names(&self) -> Vec<String> {
        self.vars()
            .filter(|v| {
                matches!(
                    v.kind,
                    Kind::Param { wrt: true } | Kind::ParamArr { wrt: true, .. }
                )
            })
            .map(|v| v.name.clone())
            .collect()
    }

    pub(super) fn arm_stmts(&mut self, max: usize) -> Vec<Stmt> {
        self.scopes.push(Vec::new());
        self.arms += 1;
        let n = 1 + self.rng.below(max);
        let mut out = Vec::new();
        for _ in 0..n {
            out.extend(self.stmt());
        }
        self.arms -= 1;
        self.scopes.pop();
        out
    }

    pub(super) fn if_stmt(&mut self) -> Vec<Stmt> {
        // The running maximum: `if e > m { m = e; }`.
        if self.f.on("select_arms") && self.rng.chance(0.3) {
            let ms = self.mutable_scalars();
            if !ms.is_empty() {
                let m = self.rng.pick(&ms).clone();
                let (e, be) = self.leaf();
                if !matches!(&e, Expr::Var(v) if *v == m.name) && be <= m.bound {
                    let op = if self.rng.chance(0.5) {
                        CmpOp::Gt
                    } else {
                        CmpOp::Lt
                    };
                    return vec![Stmt::If {
                        cond: Cond::Cmp(op, e.clone(), Expr::Var(m.name.clone())),
                        then: vec![Stmt::Assign {
                            name: m.name,
                            op: None,
                            e,
                        }],
                        els: Else::None,
                    }];
                }
            }
        }
        let cond = self.cond(1);
        let then = self.arm_stmts(2);
        let els = match self.rng.below(3) {
            0 => Else::None,
            1 if self.f.on("else_if") => {
                let was = self.else_if;
                self.else_if = true;
                let c2 = self.cond(1);
                self.else_if = was;
                let t2 = self.arm_stmts(2);
                let e2 = if self.rng.chance(0.5) {
                    Else::Block(self.arm_stmts(2))
                } else {
                    Else::None
                };
                Else::If(Box::new(Stmt::If {
                    cond: c2,
                    then: t2,
                    els: e2,
                }))
            }
            _ => Else::Block(self.arm_stmts(2)),
        };
        vec![Stmt::If { cond, then, els }]
    }

    /// The body of a function over its parameters (already in scope).
    pub(super) fn body(&mut self, budget: usize) -> Block {
        self.budget = budget;
        self.had_loop = false;
        self.no_cond.clear();
        self.loop_written.clear();
        let mut stmts = Vec::new();
        while self.budget > 0 {
            stmts.extend(self.stmt());
        }
        let (mut tail, _) = self.expr(2);
        // Use what was computed: add a few locals of the outer scope.
        let locals: Vec<Var> = self.scopes.last().cloned().unwrap_or_default();
        let mut picks: Vec<Expr> = Vec::new();
        for v in locals.iter().rev().take(4) {
            match v.kind {
                Kind::Local { .. } => picks.push(Expr::Var(v.name.clone())),
                Kind::LocalArr { n, .. } => {
                    picks.push(Expr::Index(v.name.clone(), Idx::Const(self.rng.below(n))))
                }
                _ => {}
            }
        }
        for (e, v) in picks.into_iter().zip(locals.iter().rev()) {
            let (e, _) = self.tame(e, v.bound);
            let op = if self.rng.chance(0.7) {
                BinOp::Add
            } else {
                BinOp::Sub
            };
            tail = Expr::Bin(op, b(tail), b(e));
        }
        Block { stmts, tail }
    }
}
