//! Whether a shrunk program still stays clear of the constructs whose features are off (the known bugs above all), so that shrinking one failure cannot drift into another, already known one.
//!
//! The checks mirror what the generator avoids when a feature is off; they
//! are syntactic and slightly stricter than the generator where exactness
//! would cost more than it saves.

use super::*;

struct Check<'a> {
    f: &'a Features,
    /// Enclosing loops.
    loops: usize,
    /// Enclosing arms.
    arms: usize,
    /// Local arrays declared so far, and whether each has been written.
    arrays: Vec<(String, bool)>,
    /// Array parameters.
    param_arrays: Vec<String>,
    had_loop: bool,
    /// Locals bound to a bare element of an array parameter.
    elem_aliases: Vec<String>,
    /// Mutable locals.
    mutables: Vec<String>,
    /// Local arrays written in a loop so far.
    loop_written: Vec<String>,
    /// Names bound by `let` in a loop body.
    loop_lets: Vec<String>,
    /// Names assigned in loops nested in arms or loops.
    nested_results: Vec<String>,
    ok: bool,
}

fn is_leaf(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Var(_) | Expr::Index(..) | Expr::Lit(_) | Expr::LoopF(_)
    )
}

fn cheap(e: &Expr) -> bool {
    let mut ok = true;
    visit(e, &mut |x| {
        ok &= matches!(
            x,
            Expr::Var(_)
                | Expr::Lit(_)
                | Expr::LoopF(_)
                | Expr::Index(..)
                | Expr::Neg(_)
                | Expr::Bin(..)
        )
    });
    ok
}

impl Check<'_> {
    fn off(&self, feature: &str) -> bool {
        !self.f.on(feature)
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::Index(a, _) => {
                let unwritten = self.arrays.iter().any(|(n, w)| n == a && !w);
                if self.loops > 0 && unwritten && self.off("unwritten_local_array_in_loop") {
                    self.ok = false;
                }
                let local = self.arrays.iter().any(|(n, _)| n == a);
                if self.loops > 0
                    && local
                    && !self.loop_written.contains(a)
                    && self.off("straight_array_in_loop")
                {
                    self.ok = false;
                }
            }
            Expr::If(c, a, b) => {
                self.cond(c, false);
                for blk in [a, b] {
                    if is_leaf(&blk.tail) && self.off("select_arms") {
                        self.ok = false;
                    }
                    self.arm(&blk.stmts);
                    self.arms += 1;
                    self.expr(&blk.tail);
                    self.arms -= 1;
                }
            }
            _ => {}
        }
        // Children (the arms of an `if` were done above).
        if !matches!(e, Expr::If(..)) {
            let mut kids = Vec::new();
            match e {
                Expr::Neg(a)
                | Expr::Un(_, a)
                | Expr::Powi(a, _)
                | Expr::Clamp(a, ..)
                | Expr::Free(_, a) => kids.push(a.as_ref()),
                Expr::Bin(_, a, b) | Expr::Bi(_, a, b) => kids.extend([a.as_ref(), b.as_ref()]),
                Expr::MulAdd(a, b, c) => kids.extend([a.as_ref(), b.as_ref(), c.as_ref()]),
                Expr::Call(_, args) => kids.extend(args.iter()),
                _ => {}
            }
            for k in kids {
                self.expr(k);
            }
        }
    }

    fn cond(&mut self, c: &Cond, else_if: bool) {
        let mut reads = Vec::new();
        let mut flags = Vec::new();
        collect(c, &mut reads, &mut flags);
        if !flags.is_empty()
            && self.off("bool_in_nested_cond")
            && (self.arms > 0 || self.loops > 0 || else_if)
        {
            self.ok = false;
        }
        for e in &reads {
            visit(e, &mut |x| match x {
                Expr::Index(a, _)
                    if self.param_arrays.contains(a) && !self.f.on("param_elem_in_cond") =>
                {
                    self.ok = false
                }
                Expr::Var(n)
                    if self.nested_results.contains(n) && !self.f.on("loop_result_in_arm_cond") =>
                {
                    self.ok = false
                }
                Expr::Var(n)
                    if self.elem_aliases.contains(n) && !self.f.on("param_elem_in_cond") =>
                {
                    self.ok = false
                }
                _ => {}
            });
        }
        for e in &reads {
            self.expr(e);
        }
    }

    fn arm(&mut self, ss: &[Stmt]) {
        self.arms += 1;
        self.scoped(ss);
        self.arms -= 1;
    }

    /// A block: the names it declares mean what they meant before once it ends.
    fn scoped(&mut self, ss: &[Stmt]) {
        let (aliases, mutables) = (self.elem_aliases.clone(), self.mutables.clone());
        self.stmts(ss);
        for s in ss {
            if let Stmt::Let { name, .. } = s {
                self.elem_aliases.retain(|n| n != name);
                self.mutables.retain(|n| n != name);
                if aliases.contains(name) {
                    self.elem_aliases.push(name.clone());
                }
                if mutables.contains(name) {
                    self.mutables.push(name.clone());
                }
            }
        }
    }

    fn stmts(&mut self, ss: &[Stmt]) {
        for (k, s) in ss.iter().enumerate() {
            if let Stmt::Let {
                name,
                mutable: true,
                ..
            } = s
            {
                let mut assigned = false;
                for later in &ss[k + 1..] {
                    visit_stmt(later, &mut |st| {
                        assigned |= matches!(st, Stmt::Assign { name: n, .. } if n == name);
                    });
                }
                if self.loops > 0 && self.off("unused_mut_in_loop") {
                    self.ok = false;
                }
            }
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::Let { name, mutable, e } => {
                self.expr(e);
                // A new binding: what the name meant before no longer counts.
                self.elem_aliases.retain(|n| n != name);
                self.mutables.retain(|n| n != name);
                self.note_binding(name, e);
                if *mutable {
                    self.mutables.push(name.clone());
                }
                if self.loops > 0 {
                    self.loop_lets.push(name.clone());
                }
            }
            Stmt::Assign { name, op, e } => {
                self.note_binding(name, e);
                let mut has_if = false;
                visit(e, &mut |x| has_if |= matches!(x, Expr::If(..)));
                if op.is_none() && self.loops > 0 && has_if && self.off("if_assign_in_loop") {
                    self.ok = false;
                }
                let mut reads_self = false;
                visit(e, &mut |x| {
                    reads_self |= matches!(x, Expr::Var(n) if n == name)
                });
                if op.is_none()
                    && self.loops > 0
                    && self.arms > 0
                    && !reads_self
                    && self.off("if_assign_in_loop")
                {
                    self.ok = false;
                }
                if op.is_none() && self.arms > 0 && is_leaf(e) && self.off("select_arms") {
                    self.ok = false;
                }
                self.expr(e);
            }
            Stmt::ArrLet { name, init, .. } => {
                if self.had_loop && self.off("local_array_across_loop") {
                    self.ok = false;
                }
                if let ArrInit::List(es) = init {
                    es.iter().for_each(|e| self.expr(e));
                    es.iter().for_each(|e| self.note_binding(name, e));
                }
                if !self.arrays.is_empty() && self.off("two_local_arrays") {
                    self.ok = false;
                }
                self.arrays.push((name.clone(), false));
            }
            Stmt::ArrSet { name, op, e, .. } => {
                if op.is_none() && self.arms > 0 && is_leaf(e) && self.off("select_arms") {
                    self.ok = false;
                }
                if self.loops > 0 {
                    self.loop_written.push(name.clone());
                }
                self.expr(e);
                self.note_binding(name, e);
                if let Some(a) = self.arrays.iter_mut().find(|(n, _)| n == name) {
                    a.1 = true;
                }
            }
            Stmt::If { cond, then, els } => {
                self.if_stmt(cond, then, els, false);
            }
            Stmt::For { body, .. } => self.for_stmt(body),
        }
    }

    /// Marks `name` as standing for array-parameter elements when `e` is
    /// one, or (unless `param_value_in_cond` is on) reads one.
    fn note_binding(&mut self, name: &str, e: &Expr) {
        let tainted = if self.f.on("param_value_in_cond") {
            matches!(e, Expr::Index(a, _) if self.param_arrays.contains(a))
        } else {
            let mut t = false;
            visit(e, &mut |x| match x {
                Expr::Index(a, _) => {
                    t |= self.param_arrays.contains(a) || self.elem_aliases.contains(a)
                }
                Expr::Var(n) => t |= self.elem_aliases.contains(n),
                _ => {}
            });
            t
        };
        if tainted {
            self.elem_aliases.push(name.to_string());
        }
    }

    fn if_stmt(&mut self, cond: &Cond, then: &[Stmt], els: &Else, else_if: bool) {
        self.cond(cond, else_if);
        self.arm(then);
        match els {
            Else::None => {}
            Else::Block(b) => self.arm(b),
            Else::If(s) => {
                if let Stmt::If { cond, then, els } = &**s {
                    self.arms += 1;
                    self.if_stmt(cond, then, els, true);
                    self.arms -= 1;
                }
            }
        }
    }

    fn for_stmt(&mut self, body: &[Stmt]) {
        self.had_loop = true;
        let nested = self.loops > 0 || self.arms > 0;
        let mut used = Vec::new();
        for s in body {
            visit_stmt_exprs(s, &mut |e| {
                if let Expr::Index(n, _) = e {
                    used.push(n.clone());
                }
            });
            visit_stmt(s, &mut |st| {
                if let Stmt::ArrSet { name, .. } = st {
                    used.push(name.clone());
                }
            });
        }
        if self.off("local_array_across_loop") && self.arrays.iter().any(|(n, _)| !used.contains(n))
        {
            self.ok = false;
        }
        if self.loops > 0 && self.off("inner_loop_reads_carried") {
            let assigned: Vec<String> = body
                .iter()
                .filter_map(|s| match s {
                    Stmt::Assign { name, .. } => Some(name.clone()),
                    _ => None,
                })
                .collect();
            for s in body {
                visit_stmt_exprs(s, &mut |e| {
                    if let Expr::Var(n) = e {
                        if self.mutables.contains(n) && !assigned.contains(n) {
                            self.ok = false;
                        }
                    }
                });
            }
        }
        if self.loops > 0 && self.off("inner_loop_reads_outer_let") {
            let own: Vec<String> = body
                .iter()
                .filter_map(|s| match s {
                    Stmt::Let { name, .. } => Some(name.clone()),
                    _ => None,
                })
                .collect();
            for s in body {
                visit_stmt_exprs(s, &mut |e| {
                    if let Expr::Var(n) = e {
                        if self.loop_lets.contains(n) && !own.contains(n) {
                            self.ok = false;
                        }
                    }
                });
            }
        }
        if nested && self.off("keeping_nested") {
            for s in body {
                match s {
                    Stmt::Let { e, .. }
                    | Stmt::Assign {
                        op: None | Some(BinOp::Add | BinOp::Sub),
                        e,
                        ..
                    } if cheap(e) => {}
                    _ => self.ok = false,
                }
                if let Stmt::Assign { name, .. } = s {
                    self.nested_results.push(name.clone());
                }
            }
        }
        self.loops += 1;
        self.scoped(body);
        self.loops -= 1;
    }
}

fn collect(c: &Cond, reads: &mut Vec<Expr>, flags: &mut Vec<String>) {
    match c {
        Cond::Cmp(_, a, b) => reads.extend([a.clone(), b.clone()]),
        Cond::And(a, b) | Cond::Or(a, b) => {
            collect(a, reads, flags);
            collect(b, reads, flags);
        }
        Cond::Not(a) => collect(a, reads, flags),
        Cond::Flag(f) => flags.push(f.clone()),
    }
}

/// Whether every function of `p` stays clear of the constructs of the
/// features that are off.
pub fn respects(p: &Program, f: &Features) -> bool {
    p.helpers.iter().chain([&p.main]).all(|func| {
        let mut c = Check {
            f,
            loops: 0,
            arms: 0,
            arrays: Vec::new(),
            param_arrays: func
                .params
                .iter()
                .filter(|q| matches!(q.ty, PTy::Arr(_)))
                .map(|q| q.name.clone())
                .collect(),
            had_loop: false,
            elem_aliases: Vec::new(),
            mutables: Vec::new(),
            loop_written: Vec::new(),
            loop_lets: Vec::new(),
            nested_results: Vec::new(),
            ok: true,
        };
        c.stmts(&func.body.stmts);
        c.expr(&func.body.tail);
        c.ok
    })
}
