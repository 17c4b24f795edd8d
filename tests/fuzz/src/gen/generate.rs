//! Draws a random program from the supported syntax, keeping every value finite: domains are made safe by construction and magnitudes are tracked by a rough bound.
//!
//! Each expression comes with a bound on its absolute value (assuming
//! parameters in [-2, 2]); arguments of `ln`, `sqrt`, `recip`, divisors,
//! bases of `powf` and `log` are made positive (`e * e + c`, `e.exp()`,
//! ...), arguments of `exp`, `sinh`, `asin`, ... are squashed into a small
//! interval first, and anything whose bound grows too large is squashed.

use super::*;

/// Largest bound an expression may have before it is squashed.
const LIMIT: f64 = 30.0;

#[derive(Clone, Debug)]
enum Kind {
    /// A float parameter; `wrt` tells whether it is differentiated.
    Param {
        wrt: bool,
    },
    ParamArr {
        n: usize,
        wrt: bool,
    },
    Flag,
    Local {
        mutable: bool,
    },
    LocalArr {
        n: usize,
        written: bool,
    },
}

#[derive(Clone, Debug)]
struct Var {
    name: String,
    kind: Kind,
    bound: f64,
    /// Loop depth at the declaration.
    depth: usize,
    /// Started from a method or function call.
    from_call: bool,
    /// Bound to a bare element of an array parameter (`let v = x[0];`), or
    /// (unless `param_value_in_cond` is on) to anything computed from one.
    elem: bool,
}

struct Helper {
    name: String,
    arity: usize,
}

struct Gen<'a> {
    rng: Rng,
    f: &'a Features,
    scopes: Vec<Vec<Var>>,
    /// Enclosing loops: (var, lo, hi exclusive).
    loops: Vec<(String, usize, usize)>,
    /// Number of enclosing `if` arms.
    arms: usize,
    /// Names that must not be read (the accumulators of an accumulating loop).
    no_read: Vec<String>,
    /// Inside an accumulate-only loop: only `let` and `acc += e`.
    acc_only: bool,
    /// Generating a condition (no `if` expressions, no calls).
    in_cond: bool,
    /// Only arithmetic and loads (the body of an accumulating loop nested
    /// in an arm or a loop, unless `keeping_nested` is on).
    cheap: bool,
    /// Names being assigned by the statement under construction: arms of
    /// `if` expressions in its right-hand side must not write them.
    no_write: Vec<String>,
    /// Names conditions must not read (results of loops nested in arms or
    /// loops, unless `loop_result_in_arm_cond` is on).
    no_cond: Vec<String>,
    /// A loop has been generated in this function.
    had_loop: bool,
    /// `arms` when the innermost loop was entered.
    loop_arms: Vec<usize>,
    /// Local arrays written in a loop so far.
    loop_written: Vec<String>,
    /// No `if` expressions (the right-hand side of `v = ..` in a loop,
    /// unless `if_assign_in_loop` is on).
    no_if: bool,
    /// Generating an `else if` condition.
    else_if: bool,
    helpers: Vec<Helper>,
    fresh: usize,
    /// Statements left in this function.
    budget: usize,
}

fn b(e: Expr) -> Box<Expr> {
    Box::new(e)
}

fn is_select(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Var(_) | Expr::Index(..) | Expr::Lit(_) | Expr::LoopF(_)
    )
}

impl<'a> Gen<'a> {
    fn name(&mut self, p: &str) -> String {
        self.fresh += 1;
        format!("{p}{}", self.fresh)
    }

    fn vars(&self) -> impl Iterator<Item = &Var> {
        self.scopes.iter().flatten()
    }

    /// The innermost binding of `n`.
    fn lookup(&mut self, n: &str) -> Option<&mut Var> {
        self.scopes.iter_mut().flatten().rev().find(|v| v.name == n)
    }

    fn declare(&mut self, v: Var) {
        if let Some(s) = self.scopes.last_mut() {
            s.push(v);
        }
    }

    fn trips(&self, from_depth: usize) -> f64 {
        self.loops[from_depth.min(self.loops.len())..]
            .iter()
            .map(|(_, lo, hi)| (hi - lo) as f64)
            .product()
    }

    // -- leaves ------------------------------------------------------------

    fn index_for(&mut self, n: usize) -> Idx {
        let mut opts: Vec<Idx> = vec![Idx::Const(self.rng.below(n))];
        let loops = self.loops.clone();
        for (v, lo, hi) in &loops {
            let (lo, last) = (*lo, hi - 1);
            if last < n {
                for a in 0..n - last {
                    opts.push(Idx::Lin(1, v.clone(), a));
                }
                opts.push(Idx::Rev(n - 1, v.clone()));
            }
            if 2 * last < n {
                opts.push(Idx::Lin(2, v.clone(), self.rng.below(n - 2 * last)));
            }
            opts.push(Idx::Mod(v.clone(), self.rng.below(n), n));
            let _ = lo;
        }
        if loops.len() >= 2 {
            let (a, b2) = (&loops[loops.len() - 2], &loops[loops.len() - 1]);
            if a.2 - 1 + b2.2 - 1 < n {
                opts.push(Idx::Sum(a.0.clone(), b2.0.clone()));
            }
        }
        // Prefer loop arithmetic inside loops.
        if opts.len() > 1 && self.rng.chance(0.8) {
            let k = 1 + self.rng.below(opts.len() - 1);
            return opts.swap_remove(k);
        }
        opts.swap_remove(0)
    }

    fn literal(&mut self) -> f64 {
        let c = *self
            .rng
            .pick(&[0.5, 1.5, 2.0, 0.25, 3.0, -1.0, -0.5, 0.75, 1.25, -2.0]);
        if self.rng.chance(0.3) {
            (self.rng.range(-2.0, 2.0) * 100.0).round() / 100.0
        } else {
            c
        }
    }

    /// Inside a loop that is itself in an `if` arm or another loop: such a
    /// loop reads no local array (the macro refuses a read of an array that
    /// changes afterwards there, since its backward pass could not read it
    /// again).
    pub(super) fn nested_loop(&self) -> bool {
        !self.loops.is_empty()
            && (self.loops.len() > 1 || self.loop_arms.first().is_some_and(|&a| a > 0))
    }

    fn leaf(&mut self) -> (Expr, f64) {
        let mut opts: Vec<(Expr, f64)> = Vec::new();
        let cond_no_parr = self.in_cond && !self.f.on("param_elem_in_cond");
        let in_loop = !self.loops.is_empty();
        // A documented limit: in a loop, local arrays are read directly in
        // its body, not in an `if` or an inner loop of it.
        let arr_limit = in_loop
            && (self.in_cond || self.loops.len() > 1 || self.loop_arms.last() != Some(&self.arms))
            || self.nested_loop();
        let mut arr_reads = Vec::new();
        for v in self.vars() {
            if self.no_read.contains(&v.name) || (self.in_cond && self.no_cond.contains(&v.name)) {
                continue;
            }
            let outer_let = matches!(v.kind, Kind::Local { .. })
                && v.depth >= 1
                && v.depth < self.loops.len()
                && !self.f.on("inner_loop_reads_outer_let");
            if (v.elem && cond_no_parr)
                || (self.acc_only && self.loops.len() > 1 && outer_let)
                || (self.acc_only
                    && self.loops.len() > 1
                    && matches!(v.kind, Kind::Local { mutable: true })
                    && !self.f.on("inner_loop_reads_carried"))
            {
                continue;
            }
            match &v.kind {
                Kind::Param { .. } | Kind::Local { .. } => {
                    opts.push((Expr::Var(v.name.clone()), v.bound));
                    // Parameters twice as likely.
                    if matches!(v.kind, Kind::Param { .. }) {
                        opts.push((Expr::Var(v.name.clone()), v.bound));
                    }
                }
                Kind::ParamArr { n, .. } if !cond_no_parr => {
                    arr_reads.push((v.name.clone(), *n, v.bound, false))
                }
                Kind::LocalArr { n, written }
                    if (!in_loop || *written || self.f.on("unwritten_local_array_in_loop"))
                        && (!self.acc_only || self.f.on("keeping_nested"))
                        && !arr_limit =>
                {
                    let const_only = in_loop
                        && !self.loop_written.contains(&v.name)
                        && !self.f.on("straight_array_in_loop");
                    arr_reads.push((v.name.clone(), *n, v.bound, const_only))
                }
                _ => {}
            }
        }
        // Unless `straight_array_in_loop` is on, a loop reads no local array
        // that no loop has written yet (even at a constant index: that fails
        // in a loop that runs backwards).
        for (a, n, bd, _) in arr_reads.into_iter().filter(|r| !r.3) {
            for _ in 0..2 {
                let i = self.index_for(n);
                opts.push((Expr::Index(a.clone(), i), bd));
            }
        }
        if let Some((v, _, hi)) = self.loops.last().cloned() {
            if self.rng.chance(0.3) {
                opts.push((Expr::LoopF(v), hi as f64));
            }
        }
        if opts.is_empty() || self.rng.chance(0.12) {
            let c = self.literal();
            return (Expr::Lit(c), c.abs());
        }
        let k = self.rng.below(opts.len());
        opts.swap_remove(k)
    }

    // -- shaping -----------------------------------------------------------

    /// Into [-1, 1] (or [0, 1]).
    fn squash(&mut self, e: Expr) -> (Expr, f64) {
        if self.cheap {
            return (Expr::Bin(BinOp::Mul, b(e), b(Expr::Lit(0.05))), 1.0);
        }
        let e = match self.rng.below(5) {
            0 => Expr::Un(Un::Sin, b(e)),
            1 => Expr::Un(Un::Cos, b(e)),
            2 => Expr::Un(Un::Tanh, b(e)),
            3 => Expr::Free(Free::Sigmoid, b(e)),
            _ => Expr::Bin(BinOp::Mul, b(Expr::Un(Un::Atan, b(e))), b(Expr::Lit(0.6))),
        };
        (e, 1.0)
    }

    fn squashed(&mut self, d: usize) -> (Expr, f64) {
        let (e, _) = self.expr(d);
        self.squash(e)
    }

    fn tame(&mut self, e: Expr, bd: f64) -> (Expr, f64) {
        if bd > LIMIT {
            self.squash(e)
        } else {
            (e, bd)
        }
    }

    /// A positive expression: (expression, lower bound, upper bound).
    fn positive(&mut self, d: usize) -> (Expr, f64, f64) {
        let c = *self.rng.pick(&[0.5, 1.0, 1.5, 2.0]);
        if self.cheap {
            let (e, bd) = self.leaf();
            let sq = Expr::Bin(BinOp::Mul, b(e.clone()), b(e));
            return (
                Expr::Bin(BinOp::Add, b(sq), b(Expr::Lit(c))),
                c,
                bd * bd + c,
            );
        }
        match self.rng.below(5) {
            0 | 1 => {
                let (e, bd) = self.expr(d);
                let (e, bd) = if bd > 5.0 { self.squash(e) } else { (e, bd) };
                let sq = if is_select(&e) {
                    Expr::Bin(BinOp::Mul, b(e.clone()), b(e))
                } else {
                    Expr::Powi(b(e), 2)
                };
                (
                    Expr::Bin(BinOp::Add, b(sq), b(Expr::Lit(c))),
                    c,
                    bd * bd + c,
                )
            }
            2 => {
                let (e, _) = self.squashed(d);
                (Expr::Un(Un::Exp, b(e)), (-1.0f64).exp(), 1.0f64.exp())
            }
            3 => {
                let (e, bd) = self.expr(d);
                let (e, bd) = self.tame(e, bd);
                (
                    Expr::Bin(
                        BinOp::Add,
                        b(Expr::Free(Free::Softplus, b(e))),
                        b(Expr::Lit(c)),
                    ),
                    c,
                    bd + 1.0 + c,
                )
            }
            _ => {
                let (e, bd) = self.expr(d);
                let (e, bd) = self.tame(e, bd);
                (Expr::Bi(Bi::Hypot, b(e), b(Expr::Lit(c))), c, bd + c)
            }
        }
    }

    // -- expressions -------------------------------------------------------

    fn expr(&mut self, d: usize) -> (Expr, f64) {
        if d == 0 || self.rng.chance(0.25) {
            return self.leaf();
        }
        let d1 = d - 1;
        if self.cheap {
            return self.cheap_expr(d1);
        }
        let r = self.rng.below(100);
        let (e, bd) = match r {
            0..=29 => {
                let (x, bx) = self.expr(d1);
                match self.rng.below(4) {
                    0 => {
                        let (y, by) = self.expr(d1);
                        (Expr::Bin(BinOp::Add, b(x), b(y)), bx + by)
                    }
                    1 => {
                        let (y, by) = self.expr(d1);
                        (Expr::Bin(BinOp::Sub, b(x), b(y)), bx + by)
                    }
                    2 => {
                        let (y, by) = self.expr(d1);
                        let (y, by) = if bx * by > LIMIT {
                            self.squash(y)
                        } else {
                            (y, by)
                        };
                        (Expr::Bin(BinOp::Mul, b(x), b(y)), bx * by)
                    }
                    _ => {
                        let (y, lo, _) = self.positive(d1);
                        (Expr::Bin(BinOp::Div, b(x), b(y)), bx / lo)
                    }
                }
            }
            30..=33 => {
                let (x, bx) = self.expr(d1);
                (Expr::Neg(b(x)), bx)
            }
            34..=58 => self.unary(d1),
            59..=68 => self.binary(d1),
            69..=72 => {
                let n = *self.rng.pick(&[2, 3, -1, -2, 0, 1]);
                if n < 0 {
                    let (x, lo, _) = self.positive(d1);
                    (Expr::Powi(b(x), n), lo.powi(n))
                } else {
                    let (x, bx) = self.expr(d1);
                    let (x, bx) = if bx > 4.0 { self.squash(x) } else { (x, bx) };
                    (Expr::Powi(b(x), n), bx.powi(n).max(1.0))
                }
            }
            73..=78 => {
                let (x, bx) = self.expr(d1);
                let f = *self.rng.pick(&[Free::Sigmoid, Free::Relu, Free::Softplus]);
                let bd = if f == Free::Sigmoid { 1.0 } else { bx + 1.0 };
                (Expr::Free(f, b(x)), bd)
            }
            79..=81 => {
                let (x, bx) = self.expr(d1);
                let (lo, hi) = (self.rng.range(-1.5, 0.0), self.rng.range(0.1, 1.5));
                let (lo, hi) = ((lo * 100.0).round() / 100.0, (hi * 100.0).round() / 100.0);
                (Expr::Clamp(b(x), lo, hi), bx.min(2.0))
            }
            82..=84 => {
                let (x, bx) = self.expr(d1);
                let (y, by) = self.expr(d1);
                let (z, bz) = self.expr(d1);
                let (y, by) = if bx * by > LIMIT {
                    self.squash(y)
                } else {
                    (y, by)
                };
                (Expr::MulAdd(b(x), b(y), b(z)), bx * by + bz)
            }
            85..=90 if !self.in_cond && !self.helpers.is_empty() && self.f.on("calls") => {
                let k = self.rng.below(self.helpers.len());
                let (name, arity) = (self.helpers[k].name.clone(), self.helpers[k].arity);
                let args = (0..arity).map(|_| self.squashed(d1).0).collect();
                // Helpers are called on values in [-1, 1]; their results are
                // tamed by the caller's bound.
                (Expr::Call(name, args), LIMIT)
            }
            93..=99 if !self.in_cond && !self.no_if && self.arms < 2 && self.f.on("branches") => {
                self.if_expr(d1)
            }
            _ => self.leaf(),
        };
        self.tame(e, bd)
    }

    fn cond(&mut self, d: usize) -> Cond {
        let was = self.in_cond;
        self.in_cond = true;
        let flags: Vec<String> = self
            .vars()
            .filter(|v| matches!(v.kind, Kind::Flag))
            .map(|v| v.name.clone())
            .collect();
        let flag_ok = !flags.is_empty()
            && (self.f.on("bool_in_nested_cond")
                || (self.arms == 0 && self.loops.is_empty() && !self.else_if));
        let c = match self.rng.below(10) {
            0 if flag_ok => {
                let f = self.rng.pick(&flags).clone();
                if self.rng.chance(0.5) {
                    Cond::Flag(f)
                } else {
                    Cond::Not(b2(Cond::Flag(f)))
                }
            }
            1 if d > 0 => Cond::And(b2(self.cond(d - 1)), b2(self.cond(d - 1))),
            2 if d > 0 => Cond::Or(b2(self.cond(d - 1)), b2(self.cond(d - 1))),
            3 if d > 0 => Cond::Not(b2(self.cond(d - 1))),
            _ => {
                let op = *self.rng.pick(&[CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge]);
                let (x, _) = self.expr(1);
                let (y, _) = if self.rng.chance(0.3) {
                    let c = self.literal();
                    (Expr::Lit(c), 0.0)
                } else {
                    self.expr(1)
                };
                Cond::Cmp(op, x, y)
            }
        };
        self.in_cond = was;
        c
    }

    /// An arm's value: something computed, unless `select_arms` is on.
    fn arm_value(&mut self, d: usize) -> (Expr, f64) {
        loop {
            let (e, bd) = if self.f.on("select_arms") && self.rng.chance(0.4) {
                self.leaf()
            } else {
                self.expr(d.max(1))
            };
            if self.f.on("select_arms") || !is_select(&e) {
                return (e, bd);
            }
        }
    }

    fn arm_block(&mut self, d: usize) -> (Block, f64) {
        self.scopes.push(Vec::new());
        self.arms += 1;
        let mut stmts = Vec::new();
        let n = if self.budget > 0 {
            self.rng.below(3)
        } else {
            0
        };
        for _ in 0..n {
            stmts.extend(self.stmt());
        }
        let (tail, bd) = self.arm_value(d);
        self.arms -= 1;
        self.scopes.pop();
        (Block { stmts, tail }, bd)
    }

    fn if_expr(&mut self, d: usize) -> (Expr, f64) {
        let c = self.cond(1);
        let (a, ba) = self.arm_block(d);
        let (els, be) = if self.f.on("else_if") && self.rng.chance(0.25) {
            let was = self.else_if;
            self.else_if = true;
            let (e, bd) = self.if_expr(d);
            self.else_if = was;
            (
                Block {
                    stmts: vec![],
                    tail: e,
                },
                bd,
            )
        } else {
            self.arm_block(d)
        };
        (Expr::If(b2(c), Box::new(a), Box::new(els)), ba.max(be))
    }
}

fn b2(c: Cond) -> Box<Cond> {
    Box::new(c)
}

mod loops;
mod ops;
mod program;
mod stmts;
pub use program::{fix_mut, program};
