//! Whole programs for the generator: helpers, the parameters and evaluation points of the function under test, and the `mut` fix-up.

use super::*;

/// Parameter values are drawn from this interval.
const SPAN: f64 = 1.5;

pub(super) fn refs_wrt(e: &Expr, wrt: &[String]) -> bool {
    let mut found = false;
    super::super::shrink::visit(e, &mut |x| {
        if let Expr::Var(n) | Expr::Index(n, _) = x {
            found |= wrt.contains(n);
        }
    });
    found
}

pub(super) trait Pipe: Sized {
    fn pipe<R>(self, f: impl FnOnce(Self) -> R) -> R {
        f(self)
    }
}
impl<T> Pipe for T {}

fn mark_arrays(ss: &mut [Stmt], written: &mut Vec<String>) {
    for s in ss.iter() {
        super::super::shrink::visit_stmt(s, &mut |st| {
            if let Stmt::ArrSet { name, .. } = st {
                written.push(name.clone());
            }
        });
    }
}

/// Sets `mut` on exactly the local arrays that are written.
pub fn fix_mut(b: &mut Block) {
    let mut written = Vec::new();
    mark_arrays(&mut b.stmts, &mut written);
    for s in b.stmts.iter_mut() {
        if let Stmt::ArrLet { name, mutable, .. } = s {
            *mutable = written.contains(name);
        }
    }
}

/// The program of case `index` of the run with `seed`.
pub fn program(seed: u64, index: u64, f: &Features) -> Program {
    let mut g = Gen {
        rng: Rng::new(seed.wrapping_mul(0x2545_f491_4f6c_dd1d) ^ index.wrapping_mul(0x9e37_79b9)),
        f,
        scopes: Vec::new(),
        loops: Vec::new(),
        arms: 0,
        no_read: Vec::new(),
        acc_only: false,
        in_cond: false,
        cheap: false,
        no_write: Vec::new(),
        no_cond: Vec::new(),
        loop_arms: Vec::new(),
        loop_written: Vec::new(),
        no_if: false,
        had_loop: false,
        else_if: false,
        helpers: Vec::new(),
        fresh: 0,
        budget: 0,
    };
    let mut helpers = Vec::new();
    let nh = if f.on("calls") { g.rng.below(3) } else { 0 };
    for k in 0..nh {
        let arity = 1 + g.rng.below(2);
        let params: Vec<Param> = (0..arity)
            .map(|j| Param {
                name: format!("q{j}"),
                ty: PTy::Scalar,
                wrt: true,
                vals: Vec::new(),
            })
            .collect();
        g.scopes = vec![params
            .iter()
            .map(|p| Var {
                name: p.name.clone(),
                kind: Kind::Param { wrt: true },
                bound: 1.0,
                depth: 0,
                from_call: false,
                elem: false,
            })
            .collect()];
        let budget = 1 + g.rng.below(3);
        let mut body = g.body(budget);
        fix_mut(&mut body);
        let name = format!("h{k}");
        helpers.push(Func {
            name: name.clone(),
            params,
            use_wrt: false,
            body,
        });
        g.helpers.push(Helper { name, arity });
    }
    // The parameters of the function under test.
    let npts = 4;
    let nf = 1 + g.rng.below(4);
    let mut params = Vec::new();
    for j in 0..nf {
        let ty = if f.on("param_arrays") && g.rng.chance(0.4) {
            PTy::Arr(2 + g.rng.below(4))
        } else {
            PTy::Scalar
        };
        params.push(Param {
            name: if matches!(ty, PTy::Arr(_)) {
                format!("x{j}")
            } else {
                format!("p{j}")
            },
            ty,
            wrt: true,
            vals: Vec::new(),
        });
    }
    let use_wrt = f.on("wrt") && nf > 1 && g.rng.chance(0.4);
    if use_wrt {
        for p in params.iter_mut() {
            p.wrt = g.rng.chance(0.5);
        }
        if !params.iter().any(|p| p.wrt) {
            params[0].wrt = true;
        }
    }
    if f.on("bool_params") && g.rng.chance(0.3) {
        params.push(Param {
            name: format!("b{nf}"),
            ty: PTy::Bool,
            wrt: false,
            vals: Vec::new(),
        });
    }
    for p in params.iter_mut() {
        let n = match p.ty {
            PTy::Arr(n) => n,
            _ => 1,
        };
        p.vals = (0..npts)
            .map(|_| {
                (0..n)
                    .map(|_| match p.ty {
                        PTy::Bool => f64::from(u8::from(g.rng.chance(0.5))),
                        _ => {
                            let v = g.rng.range(-SPAN, SPAN);
                            (v * 1e4).round() / 1e4
                        }
                    })
                    .collect()
            })
            .collect();
    }
    g.scopes = vec![params
        .iter()
        .map(|p| Var {
            name: p.name.clone(),
            kind: match p.ty {
                PTy::Scalar => Kind::Param { wrt: p.wrt },
                PTy::Arr(n) => Kind::ParamArr { n, wrt: p.wrt },
                PTy::Bool => Kind::Flag,
            },
            bound: SPAN,
            depth: 0,
            from_call: false,
            elem: false,
        })
        .collect()];
    g.loops.clear();
    let budget = 3 + g.rng.below(6);
    let mut body = g.body(budget);
    fix_mut(&mut body);
    Program {
        helpers,
        main: Func {
            name: "f".into(),
            params,
            use_wrt,
            body,
        },
    }
}
