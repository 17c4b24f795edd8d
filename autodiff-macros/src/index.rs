//! Stage 4a: lookup tables over the graph, built once before emission, so
//! that no pass scans every node for each scope, loop, branch or
//! parameter: the expansion stays linear in the size of the function.

use crate::emit::Item;
use crate::graph::{Graph, Id, LoopId, Op, Scope};

pub struct Index {
    /// Per scope: its reachable nodes, branches and loops, in order.
    pub items: Vec<Vec<Item>>,
    /// Per scope: every reachable node evaluated in it, in id order.
    pub nodes: Vec<Vec<Id>>,
    /// Per scope: the scopes directly inside it.
    pub children: Vec<Vec<Scope>>,
    /// Per scope: the loop whose body it is.
    pub body_of: Vec<Option<LoopId>>,
    /// Per node: the reachable nodes that use it, once per use, other
    /// than the loop bookkeeping (`LoopOut`) that refers to carried values.
    pub users: Vec<Vec<u32>>,
    /// Per parameter: its reachable, differentiated elements (arrays) or
    /// its node (scalars), in id order.
    pub param_nodes: Vec<Vec<Id>>,
}

impl Index {
    pub fn new(g: &Graph, reach: &[bool], params: usize) -> Index {
        let scopes = g.scope_parent.len();
        let mut items: Vec<Vec<(u32, Item)>> = vec![Vec::new(); scopes];
        let mut nodes = vec![Vec::new(); scopes];
        let mut users = vec![Vec::new(); g.nodes.len()];
        let mut param_nodes = vec![Vec::new(); params];
        for (i, n) in g.nodes.iter().enumerate() {
            if !reach[i] {
                continue;
            }
            let id = Id(i as u32);
            let c = n.scope.0 as usize;
            nodes[c].push(id);
            if !matches!(
                n.op,
                Op::Param(_) | Op::Lit(_) | Op::LoopPhi(_) | Op::LoopIndex(_)
            ) {
                items[c].push((id.0, Item::Node(id)));
            }
            if !matches!(n.op, Op::LoopOut(_)) {
                for a in &n.args {
                    users[a.index()].push(id.0);
                }
            }
            match n.op {
                Op::Param(p) => param_nodes[p].push(id),
                Op::Elem(p) if n.active => param_nodes[p].push(id),
                _ => {}
            }
        }
        for (b, branch) in g.branch_ids().zip(&g.branches) {
            if reach[branch.cond.index()] {
                items[branch.parent.0 as usize].push((branch.start, Item::Branch(b)));
            }
        }
        let mut body_of = vec![None; scopes];
        for (l, lp) in g.loop_ids().zip(&g.loops) {
            body_of[lp.body.0 as usize] = Some(l);
            if lp.carried.iter().any(|c| reach[c.out.index()]) {
                items[lp.parent.0 as usize].push((lp.start_pos, Item::Loop(l)));
            }
        }
        let mut children = vec![Vec::new(); scopes];
        for (c, parent) in g.scope_parent.iter().enumerate().skip(1) {
            children[parent.0 as usize].push(Scope(c as u32));
        }
        let items = items
            .into_iter()
            .map(|mut v| {
                // A branch or loop opens before the nodes that share its
                // position: a `Select` of values computed before an `if`
                // gets the id the arms' first node would have had, and its
                // shares must leave the arms through the mirrored `if`.
                v.sort_by_key(|(pos, item)| (*pos, matches!(item, Item::Node(_))));
                v.into_iter().map(|(_, item)| item).collect()
            })
            .collect();
        Index {
            items,
            nodes,
            children,
            body_of,
            users,
            param_nodes,
        }
    }

    /// The reachable nodes of `scope` and of the scopes inside it, except
    /// those inside loop bodies (their values live only in the loop).
    pub fn nodes_within_outside_loops(&self, scope: Scope) -> Vec<Id> {
        let mut out = Vec::new();
        let mut stack = vec![scope];
        while let Some(c) = stack.pop() {
            out.extend_from_slice(&self.nodes[c.0 as usize]);
            for &child in &self.children[c.0 as usize] {
                if self.body_of[child.0 as usize].is_none() {
                    stack.push(child);
                }
            }
        }
        out.sort_unstable();
        out
    }
}
