//! The random-program generator: a tiny RNG, the feature switches (with the list of known macro bugs kept off by default) and the AST of a generated program.
//!
//! `generate` builds programs, `print` writes them as Rust, `emit` writes the
//! test that checks one, `shrink` proposes smaller variants of a failing one.

pub mod emit;
pub mod generate;
pub mod print;
pub mod shrink;

/// splitmix64: small, fast, and good enough to draw programs from.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// Every switchable construct the generator can produce.
pub const FEATURES: &[&str] = &[
    // base syntax
    "branches",     // `if` statements and `if` expressions
    "else_if",      // `else if` chains
    "loops",        // `for` loops with constant bounds
    "nested_loops", // a loop in a loop body
    "loop_in_arm",  // a loop in an `if` arm
    "param_arrays", // `[T; N]` parameters
    "local_arrays", // `let mut a = [..; N]` / `let a = [x, y]`, read and written
    "calls",        // calls to other `#[differentiable]` helpers
    "wrt",          // `#[differentiable(wrt(..))]` with constant parameters
    "bool_params",  // `bool` parameters read in conditions
    "compound",     // `+= -= *= /=` on scalars and array elements
    "shadowing",    // `let v = .. v ..;` re-binding a local
    // constructs that hit known macro bugs (see KNOWN_BUGS)
    "select_arms", // arms that only select existing values: `if x > y { x } else { y }`
    "const_store_in_arm", // a constant stored to a local array in an `if` arm
    "inner_loop_on_call", // a loop-body variable started from a call (exp, tanh, ..) summed by an inner loop
    "keeping_nested",     // a loop that keeps values per iteration inside an arm or another loop
    "param_elem_in_cond", // array-parameter elements read in conditions
    "unwritten_local_array_in_loop", // a local array never written, read in a loop
    "bool_in_nested_cond", // a `bool` parameter in a condition inside an arm, a loop or an `else if`
    // constructs that hit macro bugs found by this fuzzer (FUZZ_FINDINGS.md)
    "local_array_across_loop", // a local array live across a loop that does not use it
    "loop_result_in_arm_cond", // a loop in an arm or a loop body whose result a later condition reads
    "inner_loop_reads_carried", // an inner loop reading a mutable variable of the enclosing code
    "two_local_arrays", // two local arrays in one function (a loop reading one, writing the other)
    "if_assign_in_loop", // `v = if .. { .. } else { .. };` in a loop body (after `v += ..`)
    "param_value_in_cond", // a value computed from array-parameter elements read in a condition
    "straight_array_in_loop", // a local array written in straight code only, read in a loop at a loop index
    "unused_mut_in_loop",     // a `let mut` in a loop body that is never assigned
    "inner_loop_reads_outer_let", // an inner loop reading a `let` of the enclosing loop body
];

/// Features that hit macro bugs known on main, off by default so that CI
/// passes; re-enable one line at a time once the macro is fixed.
pub const KNOWN_BUGS: &[&str] = &[
    // Empty: every bug listed in FUZZ_FINDINGS.md is fixed, and each has a
    // regression in tests/suite/fuzz_findings.rs or regressions.rs. A bug
    // found later goes here, one line with its symptom, until it is fixed.
];

/// The set of enabled features.
#[derive(Clone, Debug, PartialEq)]
pub struct Features(pub Vec<String>);

impl Default for Features {
    fn default() -> Self {
        Features(
            FEATURES
                .iter()
                .filter(|f| !KNOWN_BUGS.contains(f))
                .map(|f| f.to_string())
                .collect(),
        )
    }
}

impl Features {
    pub fn on(&self, f: &str) -> bool {
        self.0.iter().any(|g| g == f)
    }
    /// The default set edited by a spec such as `+select_arms,-calls`, or
    /// `all` / `none` followed by edits. Unknown names are an error.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut fs = Features::default();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part {
                "all" => fs = Features(FEATURES.iter().map(|f| f.to_string()).collect()),
                "none" => fs = Features(Vec::new()),
                "default" => fs = Features::default(),
                _ => {
                    let (add, name) = match part.as_bytes()[0] {
                        b'+' => (true, &part[1..]),
                        b'-' => (false, &part[1..]),
                        _ => (true, part),
                    };
                    if !FEATURES.contains(&name) {
                        return Err(format!(
                            "unknown fuzz feature `{name}`; known: {FEATURES:?}"
                        ));
                    }
                    fs.0.retain(|f| f != name);
                    if add {
                        fs.0.push(name.to_string());
                    }
                }
            }
        }
        Ok(fs)
    }
}

// ---------------------------------------------------------------------------
// The AST.

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
}

/// Methods without arguments.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Un {
    Sqrt,
    Cbrt,
    Exp,
    Exp2,
    ExpM1,
    Ln,
    Ln1p,
    Log2,
    Log10,
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Tanh,
    Abs,
    Recip,
}

/// Methods with one argument: `a.m(b)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bi {
    Powf,
    Log,
    Atan2,
    Max,
    Min,
    Hypot,
}

/// autodiff's free functions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Free {
    Sigmoid,
    Relu,
    Softplus,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
}

/// A `usize` index: a constant or loop arithmetic.
#[derive(Clone, Debug, PartialEq)]
pub enum Idx {
    Const(usize),
    /// `mul * var + add`
    Lin(usize, String, usize),
    /// `n1 - var`
    Rev(usize, String),
    /// `(var + add) % n`
    Mod(String, usize, usize),
    /// `a + b`
    Sum(String, String),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Var(String),
    Lit(f64),
    /// `T::from(i).unwrap()` for a loop index `i`.
    LoopF(String),
    Index(String, Idx),
    Neg(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    Un(Un, Box<Expr>),
    Powi(Box<Expr>, i32),
    Bi(Bi, Box<Expr>, Box<Expr>),
    Clamp(Box<Expr>, f64, f64),
    MulAdd(Box<Expr>, Box<Expr>, Box<Expr>),
    Free(Free, Box<Expr>),
    Call(String, Vec<Expr>),
    If(Box<Cond>, Box<Block>, Box<Block>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    Cmp(CmpOp, Expr, Expr),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    Not(Box<Cond>),
    Flag(String),
}

#[derive(Clone, Debug, PartialEq)]
pub enum ArrInit {
    /// `[c; n]`
    Fill(f64, usize),
    /// `[e0, e1, ..]`
    List(Vec<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Else {
    None,
    Block(Vec<Stmt>),
    If(Box<Stmt>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    Let {
        name: String,
        mutable: bool,
        e: Expr,
    },
    /// `name = e` (op `None`) or `name op= e`.
    Assign {
        name: String,
        op: Option<BinOp>,
        e: Expr,
    },
    ArrLet {
        name: String,
        mutable: bool,
        init: ArrInit,
    },
    ArrSet {
        name: String,
        idx: Idx,
        op: Option<BinOp>,
        e: Expr,
    },
    If {
        cond: Cond,
        then: Vec<Stmt>,
        els: Else,
    },
    For {
        var: String,
        lo: usize,
        hi: usize,
        inclusive: bool,
        body: Vec<Stmt>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub tail: Expr,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PTy {
    Scalar,
    Arr(usize),
    Bool,
}

/// One parameter and its value at every evaluation point.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: String,
    pub ty: PTy,
    /// Differentiated (always false for `bool`).
    pub wrt: bool,
    /// Per point: the element values (one for a scalar, `n` for an array,
    /// 0.0 / 1.0 for a `bool`).
    pub vals: Vec<Vec<f64>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Func {
    pub name: String,
    pub params: Vec<Param>,
    /// Print `wrt(..)` (with the parameters whose `wrt` is set).
    pub use_wrt: bool,
    pub body: Block,
}

/// A generated case: helpers (callable by later ones and by `main`) and the
/// function under test, whose parameters carry the evaluation points.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    pub helpers: Vec<Func>,
    pub main: Func,
}

impl Program {
    pub fn points(&self) -> usize {
        self.main.params.first().map_or(0, |p| p.vals.len())
    }
}
