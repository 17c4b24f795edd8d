//! The expression graph: a flat list of nodes where children always precede
//! their parents, so a forward pass is a walk up the list and the backward
//! pass a walk down it. Identical subexpressions are merged on insertion.

use crate::prim::Prim;
use proc_macro2::{Span, TokenStream};
use std::collections::HashMap;
use std::fmt::Write;
use syn::Ident;

/// Index of a node in [`Graph::nodes`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Id(pub u32);

impl Id {
    pub fn index(self) -> usize {
        self.0 as usize
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
    /// differentiated (`T::from(2.0).unwrap()`, `i as f64`); the locals it
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
}

pub struct Node {
    pub op: Op,
    pub args: Vec<Id>,
    /// Whether the node depends on a differentiated parameter.
    pub active: bool,
    /// Where the node came from, for messages and for the graph picture.
    #[allow(dead_code)]
    pub span: Span,
}

#[derive(Default)]
pub struct Graph {
    pub nodes: Vec<Node>,
    memo: HashMap<String, Id>,
}

impl Graph {
    pub fn node(&self, id: Id) -> &Node {
        &self.nodes[id.index()]
    }

    /// Adds a node, or returns the existing one with the same operation and
    /// arguments: the shared subexpression is then computed once and its
    /// adjoint collects every use (the fan-out rule).
    pub fn add(&mut self, op: Op, args: Vec<Id>, leaf_active: bool, span: Span) -> Id {
        let mut key = match &op {
            Op::Param(i) => format!("param {i}"),
            Op::Elem(i) => format!("elem {i}"),
            Op::Lit(t) => format!("lit {t}"),
            Op::Const { expr, .. } => format!("const {expr}"),
            Op::Add => "+".into(),
            Op::Sub => "-".into(),
            Op::Mul => "*".into(),
            Op::Div => "/".into(),
            Op::Neg => "neg".into(),
            Op::Prim(p) => p.name.into(),
        };
        for a in &args {
            let _ = write!(key, " {}", a.0);
        }
        if let Some(&id) = self.memo.get(&key) {
            return id;
        }
        let active = leaf_active || args.iter().any(|a| self.node(*a).active);
        let id = Id(self.nodes.len() as u32);
        self.nodes.push(Node {
            op,
            args,
            active,
            span,
        });
        self.memo.insert(key, id);
        id
    }

    /// Marks the nodes the output depends on; the others are never emitted.
    pub fn reachable(&self, out: Id) -> Vec<bool> {
        let mut seen = vec![false; self.nodes.len()];
        seen[out.index()] = true;
        for i in (0..self.nodes.len()).rev() {
            if seen[i] {
                for a in &self.nodes[i].args {
                    seen[a.index()] = true;
                }
            }
        }
        seen
    }
}
