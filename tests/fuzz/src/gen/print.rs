//! Writes a generated program as Rust: the `#[differentiable]` function as the macro sees it, or its `_trace` twin that records every branch taken and every kink passed.
//!
//! The trace twin is plain generic code (not differentiated): each
//! comparison, `abs`, `max`, `min`, `clamp` and `relu` goes through a
//! `Sig` (see the harness) that hashes the side taken and keeps the smallest
//! distance to a boundary, so the test can tell whether finite differences
//! around a point stay on one smooth piece.

use super::*;
use std::fmt::Write;

/// What to print.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mode {
    /// The code under test.
    Plain,
    /// The tracing twin, `name_trace(s: &Sig, ..)`.
    Trace,
    /// The code under test written for `f64` (`name_c`), with literals as
    /// a user writes them: the lifted pass of second order reads those.
    Concrete,
}

/// The trait bounds of every generated function.
pub const BOUNDS: &str = "T: Float + AddAssign + SubAssign + MulAssign + DivAssign";

/// A literal of the `f64` program: bare where the other operand gives its
/// type (`x * 0.5`), suffixed where nothing would (`0.5f64.sin()`).
fn clit(c: f64, bare: bool) -> String {
    if bare {
        format!("{c:?}")
    } else {
        format!("{c:?}f64")
    }
}

/// An operand: a bare literal when `bare` and it is one.
fn operand(e: &Expr, bare: bool, m: Mode, ind: usize) -> String {
    match e {
        Expr::Lit(c) if m == Mode::Concrete => clit(*c, bare),
        _ => expr(e, m, ind),
    }
}

fn mlit(c: f64, m: Mode) -> String {
    if m == Mode::Concrete {
        clit(c, true)
    } else {
        lit(c)
    }
}

pub fn lit(c: f64) -> String {
    if c == 0.0 {
        "T::zero()".to_string()
    } else if c == 1.0 {
        "T::one()".to_string()
    } else {
        format!("T::from({c:?}).unwrap()")
    }
}

fn bin(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
    }
}

fn un(u: Un) -> &'static str {
    match u {
        Un::Sqrt => "sqrt",
        Un::Cbrt => "cbrt",
        Un::Exp => "exp",
        Un::Exp2 => "exp2",
        Un::ExpM1 => "exp_m1",
        Un::Ln => "ln",
        Un::Ln1p => "ln_1p",
        Un::Log2 => "log2",
        Un::Log10 => "log10",
        Un::Sin => "sin",
        Un::Cos => "cos",
        Un::Tan => "tan",
        Un::Asin => "asin",
        Un::Acos => "acos",
        Un::Atan => "atan",
        Un::Sinh => "sinh",
        Un::Cosh => "cosh",
        Un::Tanh => "tanh",
        Un::Abs => "abs",
        Un::Recip => "recip",
    }
}

fn bi(b: Bi) -> &'static str {
    match b {
        Bi::Powf => "powf",
        Bi::Log => "log",
        Bi::Atan2 => "atan2",
        Bi::Max => "max",
        Bi::Min => "min",
        Bi::Hypot => "hypot",
    }
}

fn free(f: Free) -> &'static str {
    match f {
        Free::Sigmoid => "sigmoid",
        Free::Relu => "relu",
        Free::Softplus => "softplus",
    }
}

fn cmp(c: CmpOp) -> (&'static str, &'static str) {
    match c {
        CmpOp::Lt => ("<", "lt"),
        CmpOp::Le => ("<=", "le"),
        CmpOp::Gt => (">", "gt"),
        CmpOp::Ge => (">=", "ge"),
    }
}

pub fn idx(i: &Idx) -> String {
    match i {
        Idx::Const(k) => k.to_string(),
        Idx::Lin(1, v, 0) => v.clone(),
        Idx::Lin(1, v, a) => format!("{v} + {a}"),
        Idx::Lin(m, v, 0) => format!("{m} * {v}"),
        Idx::Lin(m, v, a) => format!("{m} * {v} + {a}"),
        Idx::Rev(n1, v) => format!("{n1} - {v}"),
        Idx::Mod(v, a, n) => format!("({v} + {a}) % {n}"),
        Idx::Sum(a, b) => format!("{a} + {b}"),
    }
}

/// A receiver: bare when it is a name, parenthesized otherwise.
fn recv(e: &Expr, m: Mode, ind: usize) -> String {
    let s = expr(e, m, ind);
    match e {
        Expr::Var(_) | Expr::Index(..) => s,
        _ => format!("({s})"),
    }
}

pub fn expr(e: &Expr, m: Mode, ind: usize) -> String {
    let tr = m == Mode::Trace;
    match e {
        Expr::Var(v) => v.clone(),
        Expr::Lit(c) if m == Mode::Concrete => clit(*c, false),
        Expr::Lit(c) => lit(*c),
        Expr::LoopF(v) if m == Mode::Concrete => format!("({v} as f64)"),
        Expr::LoopF(v) => format!("T::from({v}).unwrap()"),
        Expr::Index(a, i) => format!("{a}[{}]", idx(i)),
        Expr::Neg(a) => format!("-{}", recv(a, m, ind)),
        Expr::Bin(op, a, b) => {
            let (la, lb) = (matches!(**a, Expr::Lit(_)), matches!(**b, Expr::Lit(_)));
            format!(
                "({} {} {})",
                operand(a, !lb, m, ind),
                bin(*op),
                operand(b, !la, m, ind)
            )
        }
        Expr::Un(Un::Abs, a) if tr => format!("s.abs({})", expr(a, m, ind)),
        Expr::Un(u, a) => format!("{}.{}()", recv(a, m, ind), un(*u)),
        Expr::Powi(a, n) => format!("{}.powi({n})", recv(a, m, ind)),
        Expr::Bi(b @ (Bi::Max | Bi::Min), x, y) if tr => {
            format!("s.{}({}, {})", bi(*b), expr(x, m, ind), expr(y, m, ind))
        }
        Expr::Bi(b, x, y) => format!(
            "{}.{}({})",
            recv(x, m, ind),
            bi(*b),
            operand(y, true, m, ind)
        ),
        Expr::Clamp(x, lo, hi) if tr => {
            format!("s.clamp({}, {}, {})", expr(x, m, ind), lit(*lo), lit(*hi))
        }
        Expr::Clamp(x, lo, hi) => format!(
            "{}.clamp({}, {})",
            recv(x, m, ind),
            mlit(*lo, m),
            mlit(*hi, m)
        ),
        Expr::MulAdd(x, a, b) => format!(
            "{}.mul_add({}, {})",
            recv(x, m, ind),
            operand(a, true, m, ind),
            operand(b, true, m, ind)
        ),
        Expr::Free(Free::Relu, a) if tr => format!("s.relu({})", expr(a, m, ind)),
        Expr::Free(f, a) => format!("autodiff::{}({})", free(*f), expr(a, m, ind)),
        Expr::Call(h, args) => {
            let mut s = String::new();
            if tr {
                let _ = write!(s, "{h}_trace(s");
                for a in args {
                    let _ = write!(s, ", {}", expr(a, m, ind));
                }
            } else {
                let suffix = if m == Mode::Concrete { "_c" } else { "" };
                let _ = write!(s, "{h}{suffix}(");
                for (k, a) in args.iter().enumerate() {
                    if k > 0 {
                        s.push_str(", ");
                    }
                    s.push_str(&expr(a, m, ind));
                }
            }
            s.push(')');
            s
        }
        Expr::If(c, a, b) => {
            let mut s = format!("if {} ", cond(c, m, ind));
            s.push_str(&block(a, m, ind));
            s.push_str(" else ");
            // `else if` when the else block is just another `if`.
            match (&b.stmts[..], &b.tail) {
                ([], Expr::If(..)) => s.push_str(&expr(&b.tail, m, ind)),
                _ => s.push_str(&block(b, m, ind)),
            }
            s
        }
    }
}

pub fn cond(c: &Cond, m: Mode, ind: usize) -> String {
    match c {
        Cond::Cmp(op, a, b) => {
            let (sym, name) = cmp(*op);
            if m == Mode::Trace {
                format!("s.{name}({}, {})", expr(a, m, ind), expr(b, m, ind))
            } else {
                format!("{} {sym} {}", expr(a, m, ind), expr(b, m, ind))
            }
        }
        Cond::And(a, b) => format!("({} && {})", cond(a, m, ind), cond(b, m, ind)),
        Cond::Or(a, b) => format!("({} || {})", cond(a, m, ind), cond(b, m, ind)),
        Cond::Not(a) => format!("!({})", cond(a, m, ind)),
        Cond::Flag(f) => f.clone(),
    }
}

fn pad(ind: usize) -> String {
    "    ".repeat(ind)
}

/// `{ stmts; tail }` opened on the current line, closed at `ind`.
pub fn block(b: &Block, m: Mode, ind: usize) -> String {
    let mut s = String::from("{\n");
    for st in &b.stmts {
        stmt(&mut s, st, m, ind + 1);
    }
    let _ = writeln!(s, "{}{}", pad(ind + 1), expr(&b.tail, m, ind + 1));
    let _ = write!(s, "{}}}", pad(ind));
    s
}

fn stmts_block(out: &mut String, ss: &[Stmt], m: Mode, ind: usize) {
    out.push_str("{\n");
    for st in ss {
        stmt(out, st, m, ind + 1);
    }
    let _ = write!(out, "{}}}", pad(ind));
}

fn if_stmt(out: &mut String, cond_: &Cond, then: &[Stmt], els: &Else, m: Mode, ind: usize) {
    let _ = write!(out, "if {} ", cond(cond_, m, ind));
    stmts_block(out, then, m, ind);
    match els {
        Else::None => {}
        Else::Block(b) => {
            out.push_str(" else ");
            stmts_block(out, b, m, ind);
        }
        Else::If(st) => {
            out.push_str(" else ");
            if let Stmt::If { cond, then, els } = &**st {
                if_stmt(out, cond, then, els, m, ind);
            }
        }
    }
}

pub fn stmt(out: &mut String, st: &Stmt, m: Mode, ind: usize) {
    let p = pad(ind);
    match st {
        Stmt::Let { name, mutable, e } => {
            let mu = if *mutable { "mut " } else { "" };
            let _ = writeln!(out, "{p}let {mu}{name} = {};", expr(e, m, ind));
        }
        Stmt::Assign { name, op, e } => {
            let o = op.map_or("", bin);
            let _ = writeln!(out, "{p}{name} {o}= {};", expr(e, m, ind));
        }
        Stmt::ArrLet {
            name,
            mutable,
            init,
        } => {
            let mu = if *mutable { "mut " } else { "" };
            let v = match init {
                ArrInit::Fill(c, n) if m == Mode::Concrete => format!("[{}; {n}]", clit(*c, false)),
                ArrInit::Fill(c, n) => format!("[{}; {n}]", lit(*c)),
                ArrInit::List(es) => {
                    let es: Vec<String> = es.iter().map(|e| expr(e, m, ind)).collect();
                    format!("[{}]", es.join(", "))
                }
            };
            let _ = writeln!(out, "{p}let {mu}{name} = {v};");
        }
        Stmt::ArrSet {
            name,
            idx: i,
            op,
            e,
        } => {
            let o = op.map_or("", bin);
            let _ = writeln!(out, "{p}{name}[{}] {o}= {};", idx(i), expr(e, m, ind));
        }
        Stmt::If { cond, then, els } => {
            out.push_str(&p);
            if_stmt(out, cond, then, els, m, ind);
            out.push('\n');
        }
        Stmt::For {
            var,
            lo,
            hi,
            inclusive,
            body,
        } => {
            let range = if *inclusive {
                format!("{lo}..={}", hi - 1)
            } else {
                format!("{lo}..{hi}")
            };
            let _ = write!(out, "{p}for {var} in {range} ");
            stmts_block(out, body, m, ind);
            out.push('\n');
        }
    }
}

fn param_ty(t: PTy, m: Mode) -> String {
    let f = if m == Mode::Concrete { "f64" } else { "T" };
    match t {
        PTy::Scalar => f.into(),
        PTy::Arr(n) => format!("[{f}; {n}]"),
        PTy::Bool => "bool".into(),
    }
}

/// The whole function, attribute included in `Plain` mode.
pub fn func(f: &Func, m: Mode, ind: usize) -> String {
    let p = pad(ind);
    let mut s = String::new();
    let name = match m {
        Mode::Plain | Mode::Concrete => {
            if f.use_wrt {
                let w: Vec<&str> = f
                    .params
                    .iter()
                    .filter(|q| q.wrt)
                    .map(|q| q.name.as_str())
                    .collect();
                let _ = writeln!(s, "{p}#[differentiable(wrt({}))]", w.join(", "));
            } else {
                let _ = writeln!(s, "{p}#[differentiable]");
            }
            if m == Mode::Concrete {
                format!("{}_c", f.name)
            } else {
                f.name.clone()
            }
        }
        Mode::Trace => format!("{}_trace", f.name),
    };
    let mut ps: Vec<String> = f
        .params
        .iter()
        .map(|q| format!("{}: {}", q.name, param_ty(q.ty, m)))
        .collect();
    if m == Mode::Trace {
        ps.insert(0, "s: &Sig".into());
    }
    if m == Mode::Concrete {
        let _ = write!(s, "{p}pub fn {name}({}) -> f64 ", ps.join(", "));
    } else {
        let _ = write!(s, "{p}pub fn {name}<{BOUNDS}>({}) -> T ", ps.join(", "));
    }
    s.push_str(&block(&f.body, m, ind));
    s.push('\n');
    s
}

/// Every function of the program in one mode, helpers first.
pub fn program(p: &Program, m: Mode, ind: usize) -> String {
    let mut s = String::new();
    for h in &p.helpers {
        s.push_str(&func(h, m, ind));
    }
    s.push_str(&func(&p.main, m, ind));
    s
}

/// The first differentiated number of `f`, as it is read: a scalar
/// parameter's name or an array parameter's first element.
fn first_wrt(f: &Func) -> Option<String> {
    f.params.iter().find(|q| q.wrt).map(|q| match q.ty {
        PTy::Arr(_) => format!("{}[0]", q.name),
        _ => q.name.clone(),
    })
}

/// The differentiated numbers of `f`, in order, as they are read.
pub fn wrt_numbers(f: &Func) -> Vec<String> {
    let mut out = Vec::new();
    for q in f.params.iter().filter(|q| q.wrt) {
        match q.ty {
            PTy::Arr(n) => out.extend((0..n).map(|j| format!("{}[{j}]", q.name))),
            _ => out.push(q.name.clone()),
        }
    }
    out
}

/// A vector-valued twin of `f` (`Plain` mode) for its `_jacobian`:
/// `f`'s body, its result bound to `fz_y`, then `outs` results built from
/// `fz_y` and the differentiated numbers. `wide` gives as many results as
/// differentiated numbers (forward mode, vector mode); otherwise two
/// (reverse mode when there are more inputs, rows with their seeds built
/// in).
pub fn jacobian_twin(f: &Func, name: &str, wide: bool, ind: usize) -> (String, usize) {
    let p = pad(ind);
    let ws = wrt_numbers(f);
    let w0 = first_wrt(f).unwrap_or_else(|| "T::one()".into());
    let mut outs = vec!["fz_y".to_string(), format!("fz_y * {w0}")];
    if wide {
        outs[1] = "fz_y.sin()".into();
        for w in ws.iter().skip(1) {
            outs.push(format!("fz_y * {w}"));
        }
    }
    let mut s = String::new();
    let attr = func(f, Mode::Plain, ind);
    // The attribute line `func` wrote, then the twin's own signature.
    if let Some(line) = attr.lines().next() {
        let _ = writeln!(s, "{line}");
    }
    let ps: Vec<String> = f
        .params
        .iter()
        .map(|q| format!("{}: {}", q.name, param_ty(q.ty, Mode::Plain)))
        .collect();
    let m = outs.len();
    let _ = writeln!(
        s,
        "{p}pub fn {name}<{BOUNDS}>({}) -> [T; {m}] {{",
        ps.join(", ")
    );
    for st in &f.body.stmts {
        stmt(&mut s, st, Mode::Plain, ind + 1);
    }
    let tail = expr(&f.body.tail, Mode::Plain, ind + 1);
    let _ = writeln!(s, "{}let fz_y: T = {tail};", pad(ind + 1));
    let _ = writeln!(s, "{}[{}]", pad(ind + 1), outs.join(", "));
    let _ = writeln!(s, "{p}}}");
    (s, m)
}
