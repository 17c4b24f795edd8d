//! The expression graph: a flat list of nodes where children always precede
//! their parents, so a forward pass is a walk up the list and the backward
//! pass a walk down it. Identical subexpressions are merged on insertion.

use crate::prim::Prim;
use proc_macro2::{Span, TokenStream};
use std::collections::HashMap;
use syn::Ident;

/// Index of a node in [`Graph::nodes`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Id(pub u32);

impl Id {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The index spaces of the graph besides nodes, each its own type so that
/// a loop's number can never index the branches.
macro_rules! index_space {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
        pub struct $name(pub u32);

        impl $name {
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        /// The number, as generated names spell it (`a3`, `i1`).
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

index_space! {
    /// An `if`, in [`Graph::branches`].
    BranchId;
    /// A `for` loop, in [`Graph::loops`].
    LoopId;
    /// A local array variable; every version of it is one Rust array.
    ArrayId;
}

impl std::ops::Index<BranchId> for Graph {
    type Output = Branch;
    fn index(&self, b: BranchId) -> &Branch {
        &self.branches[b.index()]
    }
}

impl std::ops::Index<LoopId> for Graph {
    type Output = Loop;
    fn index(&self, l: LoopId) -> &Loop {
        &self.loops[l.index()]
    }
}

impl std::ops::IndexMut<LoopId> for Graph {
    fn index_mut(&mut self, l: LoopId) -> &mut Loop {
        &mut self.loops[l.index()]
    }
}

pub enum Op {
    /// The scalar parameter with this position.
    Param(usize),
    /// An element of the array parameter with this position; the node's
    /// arguments are the (constant) indices, outermost first.
    Elem(usize),
    /// A literal or a path to a constant, written out where it is used.
    Lit(TokenStream),
    /// An expression the macro does not look into because nothing in it is
    /// differentiated (`T::from(2.0)` and its `unwrap`, `i as f64`); the locals it
    /// reads are rebound to the nodes holding them.
    Const {
        expr: TokenStream,
        locals: Vec<Ident>,
    },
    Add,
    Sub,
    Mul,
    Div,
    Neg,
    /// A primitive function from autodiff-core.
    Prim(&'static Prim),
    /// A call to a function with rules of its own: `func(args)` in the
    /// forward pass, `pullback(args, ḡ)` in the backward pass,
    /// `pushforward(args, tangents)` in forward mode, and `lifted(args, ḡ)`
    /// (the pullback run on dual numbers) in the lifted pass of second order.
    Call {
        func: TokenStream,
        pullback: TokenStream,
        pushforward: TokenStream,
        lifted: TokenStream,
        /// The callee's `f_derivatives` (a free function's), which has
        /// second order when it implements `HasSecondOrder`.
        rules: Option<TokenStream>,
    },
    /// A comparison (`<`, `==`, ...): a boolean with no derivative.
    Cmp(&'static str),
    /// `&&`, `||` and `!` on booleans.
    And,
    Or,
    Not,
    /// The value of a variable after an `if`: arguments are the condition,
    /// the value from the `then` arm and the value from the `else` arm.
    Select(BranchId),
    /// The index of a `for` loop, inside its body.
    LoopIndex(LoopId),
    /// The value a variable carried by a loop has when an iteration starts.
    LoopPhi(LoopId),
    /// The value of a carried variable after the loop. Arguments: its value
    /// before the loop, its value at the end of an iteration, and the
    /// loop's bounds (so that all of them are emitted).
    LoopOut(LoopId),
    /// A local array `[init; len]` (argument: `init`), or `[e0, e1, ...]`
    /// (arguments: the elements), starting array variable `var`.
    ArrNew {
        var: ArrayId,
        repeat: Option<TokenStream>,
    },
    /// `a[i] = v`: a new version of the array. Arguments: the previous
    /// version, the index, the value. Emitted in place.
    ArrStore(ArrayId),
    /// `a[i]`. Arguments: the version read, the index.
    ArrLoad(ArrayId),
}

/// Where a node is evaluated: at the top of the function, or inside an arm
/// of an `if` (only when that arm runs).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Scope(pub u32);

impl Scope {
    pub const TOP: Scope = Scope(0);
}

/// One `if`: its condition and the scopes of its two arms. Nodes created
/// while lowering an arm carry that arm's scope.
pub struct Branch {
    pub cond: Id,
    pub parent: Scope,
    pub arms: [Scope; 2],
    /// The first node id created inside the arms: the branch's place among
    /// its parent's nodes.
    pub start: u32,
}

pub struct Node {
    pub op: Op,
    pub args: Vec<Id>,
    /// Whether the node depends on a differentiated parameter.
    pub active: bool,
    /// Where it is evaluated. Leaves (parameters, literals) are always at the top.
    pub scope: Scope,
    /// Where the node came from, for messages.
    pub span: Span,
    /// For a version of a local array, the array variable: every version
    /// lives in the same Rust array, updated in place.
    pub array: Option<ArrayId>,
    /// Whether the value is a `bool` (a comparison, a condition written as
    /// a constant expression such as a `bool` parameter).
    pub boolean: bool,
}

/// One `for` loop over a range with constant bounds.
pub struct Loop {
    /// The loop variable as the user named it.
    pub var: Ident,
    pub start: Id,
    pub end: Id,
    pub inclusive: bool,
    /// The array length that bounds the trip count, when it can be named
    /// on stable Rust (see `lower::capacity`).
    pub capacity: Option<proc_macro2::TokenStream>,
    pub parent: Scope,
    pub body: Scope,
    /// The first node id created in the body: the loop's place among its
    /// parent's nodes.
    pub start_pos: u32,
    /// Variables assigned in the body: `(phi, value before, value at the
    /// end of an iteration, value after)`.
    pub carried: Vec<Carried>,
    /// The range's end, where an error about the trip count points.
    pub range_span: Span,
}

pub struct Carried {
    pub phi: Id,
    pub init: Id,
    pub next: Id,
    pub out: Id,
}

/// What to roll back to when a loop body must be lowered again.
pub struct Snapshot {
    nodes: usize,
    branches: usize,
    loops: usize,
    scopes: usize,
    memo: usize,
    arrays: usize,
    nested: usize,
}

pub struct Graph {
    pub nodes: Vec<Node>,
    /// Local arrays declared in the body: how many.
    pub arrays: usize,
    /// Local arrays written as a nested literal `[[a, b], [c, d]]` (the
    /// result of a function returning `[[T; N]; M]`), with their row length:
    /// stored row by row in one array.
    pub nested: Vec<(ArrayId, usize)>,
    pub branches: Vec<Branch>,
    pub loops: Vec<Loop>,
    /// Parent of each scope; the top scope is its own parent.
    pub scope_parent: Vec<Scope>,
    /// The scope nodes are created in right now.
    pub current: Scope,
    /// Hash-consing: for each operation and arguments, the nodes made so
    /// far and the scope of each, oldest first.
    memo: HashMap<Key, Vec<(Scope, Id)>>,
    /// The keys of `memo` in the order nodes were added, so that a
    /// snapshot is a length and a rollback removes what came after it.
    memo_log: Vec<Key>,
}

impl Default for Graph {
    fn default() -> Self {
        Graph {
            nodes: Vec::new(),
            arrays: 0,
            nested: Vec::new(),
            branches: Vec::new(),
            loops: Vec::new(),
            scope_parent: vec![Scope::TOP],
            current: Scope::TOP,
            memo: HashMap::new(),
            memo_log: Vec::new(),
        }
    }
}

/// What makes two nodes the same value: the operation and its arguments.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Key {
    op: OpKey,
    args: Vec<Id>,
}

/// An operation with the payload that distinguishes it (tokens by their
/// text: `2.0` and `2.0` written twice are one literal).
#[derive(Clone, PartialEq, Eq, Hash)]
enum OpKey {
    Param(usize),
    Elem(usize),
    Lit(String),
    Const(String),
    Add,
    Sub,
    Mul,
    Div,
    Neg,
    Prim(&'static str),
    Call(String),
    Cmp(&'static str),
    And,
    Or,
    Not,
    Select(BranchId),
    LoopIndex(LoopId),
    /// Never shared: each phi is its own variable (the position makes it unique).
    LoopPhi(LoopId, usize),
    LoopOut(LoopId),
    /// Each declaration is its own array, however alike.
    ArrNew(ArrayId),
    ArrStore(ArrayId),
    ArrLoad(ArrayId),
}

impl OpKey {
    fn of(op: &Op, position: usize) -> OpKey {
        match op {
            Op::Param(i) => OpKey::Param(*i),
            Op::Elem(i) => OpKey::Elem(*i),
            Op::Lit(t) => OpKey::Lit(t.to_string()),
            Op::Const { expr, .. } => OpKey::Const(expr.to_string()),
            Op::Add => OpKey::Add,
            Op::Sub => OpKey::Sub,
            Op::Mul => OpKey::Mul,
            Op::Div => OpKey::Div,
            Op::Neg => OpKey::Neg,
            Op::Prim(p) => OpKey::Prim(p.name),
            Op::Call { func, .. } => OpKey::Call(func.to_string()),
            Op::Cmp(c) => OpKey::Cmp(c),
            Op::And => OpKey::And,
            Op::Or => OpKey::Or,
            Op::Not => OpKey::Not,
            Op::Select(b) => OpKey::Select(*b),
            Op::LoopIndex(l) => OpKey::LoopIndex(*l),
            Op::LoopPhi(l) => OpKey::LoopPhi(*l, position),
            Op::LoopOut(l) => OpKey::LoopOut(*l),
            Op::ArrNew { var, .. } => OpKey::ArrNew(*var),
            Op::ArrStore(v) => OpKey::ArrStore(*v),
            Op::ArrLoad(v) => OpKey::ArrLoad(*v),
        }
    }
}

impl std::ops::Index<Id> for Graph {
    type Output = Node;
    fn index(&self, id: Id) -> &Node {
        &self.nodes[id.index()]
    }
}

impl Graph {
    pub fn node(&self, id: Id) -> &Node {
        &self.nodes[id.index()]
    }

    /// Adds a node, or returns the existing one with the same operation and
    /// arguments: the shared subexpression is then computed once and its
    /// adjoint collects every use (the fan-out rule).
    pub fn add(&mut self, op: Op, args: Vec<Id>, leaf_active: bool, span: Span) -> Id {
        let key = Key {
            op: OpKey::of(&op, self.nodes.len()),
            args: args.clone(),
        };
        let leaf = matches!(op, Op::Param(_) | Op::Lit(_));
        let scope = if leaf { Scope::TOP } else { self.current };
        // A value computed in an enclosing scope is available here too.
        if let Some(found) = self.memo.get(&key) {
            if let Some(&(_, id)) = found.iter().rev().find(|(s, _)| self.within(scope, *s)) {
                return id;
            }
        }
        let boolean = matches!(op, Op::Cmp(_) | Op::And | Op::Or | Op::Not);
        let active = !boolean && (leaf_active || args.iter().any(|a| self.node(*a).active));
        let array = match &op {
            Op::ArrNew { var, .. } => Some(*var),
            Op::ArrStore(v) => Some(*v),
            Op::Select(_) => args.get(1).and_then(|a| self.node(*a).array),
            Op::LoopOut(_) => args.first().and_then(|a| self.node(*a).array),
            _ => None,
        };
        let id = Id(self.nodes.len() as u32);
        self.nodes.push(Node {
            op,
            args,
            active,
            scope,
            span,
            array,
            boolean,
        });
        self.memo_log.push(key.clone());
        self.memo.entry(key).or_default().push((scope, id));
        id
    }

    /// Opens an `if` on `cond`; returns its index. Lower the arms between
    /// [`Graph::enter`] and [`Graph::leave`].
    pub fn branch(&mut self, cond: Id) -> BranchId {
        let parent = self.current;
        let mut arms = [Scope::TOP; 2];
        for arm in &mut arms {
            *arm = Scope(self.scope_parent.len() as u32);
            self.scope_parent.push(parent);
        }
        let start = self.nodes.len() as u32;
        self.branches.push(Branch {
            cond,
            parent,
            arms,
            start,
        });
        BranchId(self.branches.len() as u32 - 1)
    }

    /// Whether local array `var` was written as a nested literal.
    pub fn is_nested(&self, var: ArrayId) -> bool {
        self.nested.iter().any(|(v, _)| *v == var)
    }

    /// Every loop, in order.
    pub fn loop_ids(&self) -> impl DoubleEndedIterator<Item = LoopId> {
        (0..self.loops.len() as u32).map(LoopId)
    }

    /// Every branch, in order.
    pub fn branch_ids(&self) -> impl Iterator<Item = BranchId> {
        (0..self.branches.len() as u32).map(BranchId)
    }

    /// A new scope nested in the current one, for a loop body.
    pub fn child_scope(&mut self) -> Scope {
        let scope = Scope(self.scope_parent.len() as u32);
        self.scope_parent.push(self.current);
        scope
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            nodes: self.nodes.len(),
            branches: self.branches.len(),
            loops: self.loops.len(),
            scopes: self.scope_parent.len(),
            memo: self.memo_log.len(),
            arrays: self.arrays,
            nested: self.nested.len(),
        }
    }

    pub fn restore(&mut self, s: Snapshot) {
        self.nodes.truncate(s.nodes);
        self.branches.truncate(s.branches);
        self.loops.truncate(s.loops);
        self.scope_parent.truncate(s.scopes);
        // Newest first: each key's newest entry is the last of its list.
        while self.memo_log.len() > s.memo {
            if let Some(key) = self.memo_log.pop() {
                if let Some(list) = self.memo.get_mut(&key) {
                    list.pop();
                }
            }
        }
        self.arrays = s.arrays;
        self.nested.truncate(s.nested);
    }

    /// Adds a loop phi with a chosen activity (it may depend on values the
    /// body computes later, see `lower::for_loop`).
    pub fn phi(&mut self, l: LoopId, active: bool, array: Option<ArrayId>, span: Span) -> Id {
        let id = self.add(Op::LoopPhi(l), vec![], active, span);
        self.nodes[id.index()].active = active;
        self.nodes[id.index()].array = array;
        id
    }

    /// Records that a node used as a condition is a `bool`.
    pub fn mark_boolean(&mut self, id: Id) {
        self.nodes[id.index()].boolean = true;
    }

    pub fn enter(&mut self, scope: Scope) {
        self.current = scope;
    }

    pub fn leave(&mut self) {
        self.current = self.scope_parent[self.current.0 as usize];
    }

    /// Whether `inner` is `outer` or nested inside it.
    pub fn within(&self, mut inner: Scope, outer: Scope) -> bool {
        loop {
            if inner == outer {
                return true;
            }
            if inner == Scope::TOP {
                return false;
            }
            inner = self.scope_parent[inner.0 as usize];
        }
    }

    /// Marks the nodes the output depends on; the others are never emitted.
    /// A carried variable's phi depends on its value before the loop and
    /// at the end of each iteration, which come later in the list, so this
    /// repeats until nothing changes.
    pub fn reachable(&self, out: Id) -> Vec<bool> {
        let mut seen = vec![false; self.nodes.len()];
        seen[out.index()] = true;
        loop {
            for i in (0..self.nodes.len()).rev() {
                if seen[i] {
                    for a in &self.nodes[i].args {
                        seen[a.index()] = true;
                    }
                }
            }
            let mut changed = false;
            for c in self.loops.iter().flat_map(|l| &l.carried) {
                if seen[c.phi.index()] && !(seen[c.next.index()] && seen[c.out.index()]) {
                    // The phi's variable must be kept up to date in every iteration.
                    seen[c.next.index()] = true;
                    seen[c.out.index()] = true;
                    changed = true;
                }
            }
            if !changed {
                return seen;
            }
        }
    }
}
