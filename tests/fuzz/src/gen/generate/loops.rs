//! Loops for the generator: ordinary loops, accumulate-only loops (nested in arms and loops) and the statements of their bodies.

use super::stmts::top_call;
use super::*;

impl Gen<'_> {
    pub(super) fn for_stmt(&mut self) -> Vec<Stmt> {
        let var = self.name("i");
        let lo = *self.rng.pick(&[0, 0, 1]);
        let hi = lo + 1 + self.rng.below(4);
        let inclusive = self.rng.chance(0.2);
        let acc_only = !self.f.on("keeping_nested") && (!self.loops.is_empty() || self.arms > 0);
        let mut out = Vec::new();
        let mut accs: Vec<Var> = self
            .mutable_scalars()
            .into_iter()
            .filter(|v| {
                self.f.on("inner_loop_on_call")
                    || self.loops.is_empty()
                    || !(v.from_call && v.depth > 0)
            })
            .collect();
        let new_acc_ok = self.loops.is_empty() || self.f.on("unused_mut_in_loop");
        if !new_acc_ok && accs.is_empty() {
            return self.let_stmt();
        }
        if new_acc_ok && (accs.is_empty() || self.rng.chance(0.5)) {
            let name = self.name("s");
            let (e, bd) = if self.rng.chance(0.5) {
                (Expr::Lit(*self.rng.pick(&[0.0, 1.0])), 1.0)
            } else {
                self.expr(2)
            };
            let v = Var {
                name: name.clone(),
                kind: Kind::Local { mutable: true },
                bound: bd.max(1.0),
                depth: self.loops.len(),
                from_call: top_call(&e),
                elem: self.is_param_elem(&e),
            };
            self.declare(v.clone());
            accs.insert(0, v);
            out.push(Stmt::Let {
                name,
                mutable: true,
                e,
            });
        }
        self.had_loop = true;
        self.loops.push((var.clone(), lo, hi));
        self.loop_arms.push(self.arms);
        self.scopes.push(Vec::new());
        let mut body = Vec::new();
        let was_cheap = self.cheap;
        if acc_only {
            self.cheap = true;
            let k = 1 + self.rng.below(accs.len().min(2));
            let chosen: Vec<String> = accs[..k].iter().map(|v| v.name.clone()).collect();
            let (was_no_read, was_acc) = (self.no_read.clone(), self.acc_only);
            self.no_read.extend(chosen.iter().cloned());
            self.acc_only = true;
            let n = self.rng.below(2);
            for _ in 0..n {
                body.extend(self.acc_let());
            }
            for a in &chosen {
                body.push(self.acc_update(a));
            }

            self.no_read = was_no_read;
            self.acc_only = was_acc;
            if !self.f.on("loop_result_in_arm_cond") {
                self.no_cond.extend(chosen);
            }
        } else {
            let n = 1 + self.rng.below(3);
            for _ in 0..n {
                body.extend(self.stmt());
            }
            if body.is_empty() {
                body.extend(self.acc_let());
            }
            self.touch_arrays(&mut body);
        }
        self.cheap = was_cheap;
        self.scopes.pop();
        self.loops.pop();
        self.loop_arms.pop();
        out.push(Stmt::For {
            var,
            lo,
            hi,
            inclusive,
            body,
        });
        out
    }

    /// Unless `local_array_across_loop` is on, a loop uses every local array
    /// in scope: it adds to an element.
    pub(super) fn touch_arrays(&mut self, body: &mut Vec<Stmt>) {
        if self.f.on("local_array_across_loop") {
            return;
        }
        let mut used = Vec::new();
        for s in body.iter() {
            super::super::shrink::visit_stmt(s, &mut |st| {
                if let Stmt::ArrSet { name, .. } = st {
                    used.push(name.clone());
                }
            });
            super::super::shrink::visit_stmt_exprs(s, &mut |e| {
                if let Expr::Index(name, _) = e {
                    used.push(name.clone());
                }
            });
        }
        let arrs: Vec<Var> = self
            .visible()
            .into_iter()
            .filter(|v| matches!(v.kind, Kind::LocalArr { .. }) && !used.contains(&v.name))
            .collect();
        for a in arrs {
            let Kind::LocalArr { n, .. } = a.kind else {
                continue;
            };
            let idx = self.index_for(n);
            let (e, be) = self.squashed(1);
            let elem_w = self.is_param_elem(&e);
            let m = self.trips(0);
            self.loop_written.push(a.name.clone());
            if let Some(w) = self.lookup(&a.name) {
                w.bound += m * be;
                w.kind = Kind::LocalArr { n, written: true };
                w.elem |= elem_w;
            }
            body.push(Stmt::ArrSet {
                name: a.name,
                idx,
                op: Some(BinOp::Add),
                e,
            });
        }
    }

    /// A statement of an accumulate-only loop body.
    pub(super) fn acc_stmt(&mut self) -> Vec<Stmt> {
        let accs = self.no_read.clone();
        if !accs.is_empty() && self.rng.chance(0.5) {
            let a = self.rng.pick(&accs).clone();
            vec![self.acc_update(&a)]
        } else {
            self.acc_let()
        }
    }

    pub(super) fn acc_let(&mut self) -> Vec<Stmt> {
        let name = self.name("v");
        let (e, bd) = self.expr(2);
        let elem = self.is_param_elem(&e);
        self.declare(Var {
            name: name.clone(),
            kind: Kind::Local { mutable: false },
            bound: bd.max(1.0),
            depth: self.loops.len(),
            from_call: top_call(&e),
            elem,
        });
        vec![Stmt::Let {
            name,
            mutable: false,
            e,
        }]
    }

    /// `acc += e` or `acc -= e` (or `acc = acc + e`), `e` not reading any accumulator.
    pub(super) fn acc_update(&mut self, acc: &str) -> Stmt {
        let (depth, old) = self
            .visible()
            .into_iter()
            .find(|v| v.name == acc)
            .map_or((0, 1.0), |v| (v.depth, v.bound));
        let (e, bd) = self.update(Some(BinOp::Add), old, self.trips(depth), false);
        let elem = self.is_param_elem(&e);
        if let Some(w) = self.lookup(acc) {
            w.bound = bd;
            w.elem |= elem;
        }
        let sub = self.rng.chance(0.3);
        if self.f.on("compound") && self.rng.chance(0.7) {
            let op = if sub { BinOp::Sub } else { BinOp::Add };
            Stmt::Assign {
                name: acc.to_string(),
                op: Some(op),
                e,
            }
        } else {
            let op = if sub { BinOp::Sub } else { BinOp::Add };
            Stmt::Assign {
                name: acc.to_string(),
                op: None,
                e: Expr::Bin(op, b(Expr::Var(acc.to_string())), b(e)),
            }
        }
    }
}
