//! Stage 4b: the forward and backward passes as statements.
//!
//! The forward pass binds every reachable node once, children first. The
//! backward pass walks the same nodes in reverse; each adjoint is the sum of
//! what the node's users pass down (the first share assigns, the rest add),
//! bound once and reused. An `if` is emitted as an `if` in both passes, on
//! the same condition: the arm that did not run is never evaluated, so
//! nothing it would have computed (a NaN, an infinity) reaches the gradient.

use crate::ctx::Ctxt;
use crate::graph::{BranchId, Graph, Id, LoopId, Op, Scope};
use crate::index::Index;
use crate::names::Names;
pub(crate) use crate::names::{grad_name, hygienic};
use crate::sig::Sig;
use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use syn::Ident;

/// What a scope holds, in evaluation order.
#[derive(Clone, Copy)]
pub(crate) enum Item {
    Node(Id),
    Branch(BranchId),
    Loop(LoopId),
}

/// What an emitter writes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `_vjp`: the forward pass, then the backward pass, once.
    Reverse,
    /// One forward pass, then the backward pass once per seed.
    RepeatedReverse,
    /// `_jvp`: the forward pass with tangents.
    Forward,
}

/// One user's share of a node's adjoint.
#[derive(Clone)]
pub(crate) struct Contrib {
    /// The scope in which `expr` can be evaluated.
    pub scope: Scope,
    pub negated: bool,
    /// The share is `expr · 2^double`: factors of two (`x * x`, `powi(x,
    /// 2)`) are carried along and applied once, as a person would factor
    /// them out of a sum. Doubling is exact, so this changes no result.
    pub double: u32,
    pub expr: TokenStream,
}

pub struct Emitter<'a> {
    pub(crate) g: &'a Graph,
    pub(crate) sig: &'a Sig,
    pub(crate) names: &'a Names,
    pub(crate) out: Id,
    pub(crate) reach: Vec<bool>,
    /// Number of each bound node: `t3` forward, `d3` for its adjoint.
    pub(crate) number: Vec<Option<usize>>,
    pub(crate) next_number: usize,
    pub(crate) next_export: usize,
    pub(crate) contribs: Vec<Vec<Contrib>>,
    /// Values the backward pass reads; inside a loop body they are
    /// recomputed (or, for phis, restored) when the loop runs backwards.
    pub(crate) needed: Vec<bool>,
    /// Per loop: the adjoint of each carried variable when it is known
    /// before the loop runs, so the loop's backward steps run inside its
    /// forward iterations (see `emit_loop`).
    pub(crate) fused: Vec<Option<Vec<TokenStream>>>,
    /// Array reads inside a loop that runs backwards which cannot be
    /// recomputed (the array changes later): kept per iteration instead.
    pub(crate) restored: Vec<bool>,
    /// Set while a loop runs again to refill the values it keeps.
    pub(crate) refill: bool,
    /// Per local array: whether any version of it is differentiated, so it
    /// needs an adjoint array.
    pub(crate) array_active: Vec<bool>,
    /// Per array parameter: each element's gradient is written once (see
    /// [`Emitter::each_element_once`]).
    pub(crate) write_once: Vec<bool>,
    /// Squares (`x * x`, `powi(x, 2)`) whose share is emitted as a half,
    /// with the 2 applied once where it comes out (see [`Emitter::plan_halves`]).
    pub(crate) halves: std::collections::HashSet<Id>,
    /// Forward mode: per node, its tangent is written at half its size (see
    /// [`Emitter::plan_tangent_halves`]).
    pub(crate) tangent_halves: Vec<bool>,
    /// Errors found while emitting (a loop that would need a stack array
    /// stable Rust cannot size).
    pub(crate) cx: &'a Ctxt,
    /// The finished adjoint of each node, once the walk has passed it.
    pub(crate) adjoint: Vec<Option<TokenStream>>,
    /// Array parameters whose gradient is accumulated in place (`d_x[i] =
    /// d_x[i] + ...`) because an element is read in a branch or by a
    /// computed index.
    pub(crate) in_place: Vec<bool>,
    /// Lookup tables over the graph (see `index`).
    pub(crate) ix: Index,
    /// Forward mode: the forward walk also writes every tangent (see
    /// `emit_tangent`), and loops carry tangents instead of keeping values.
    pub(crate) tangents: bool,
    /// The backward pass runs several times after one forward pass (a
    /// Jacobian's rows): no loop runs its backward steps inside its
    /// forward iterations, since the seed is not known yet.
    pub(crate) repeated: bool,
    /// One Jacobian row whose unit seed is known here (see
    /// [`seeded_rows`](crate::expand::seeded_rows)): only output element
    /// `row` gets a share, 1, so nothing flows from the others and the
    /// backward pass holds no products with a zero seed.
    pub(crate) row: Option<usize>,
    /// Vector mode: several tangents per forward pass (see `emit_lanes`).
    pub(crate) lanes: Option<crate::emit_lanes::Lanes>,
    /// The lifted pass of second order (see `second`): every float a
    /// dual number, the leaves lifted where they are read.
    pub(crate) lifted: Option<crate::second::Lifting>,
    /// Per scope: the nodes that received a share computed there, which
    /// the `if` or loop owning the scope passes out when it is done.
    pending: Vec<Vec<u32>>,
}

impl<'a> Emitter<'a> {
    /// An emitter for one mode: reverse, with the analyses the backward
    /// pass needs, or forward, which needs none.
    pub fn new(
        cx: &'a Ctxt,
        g: &'a Graph,
        sig: &'a Sig,
        names: &'a Names,
        out: Id,
        mode: Mode,
    ) -> Self {
        let tangents = mode == Mode::Forward;
        let n = g.nodes.len();
        let reach = g.reachable(out);
        let ix = Index::new(g, &reach, sig.params.len());
        let mut em = Emitter {
            g,
            sig,
            names,
            out,
            reach,
            ix,
            tangents,
            repeated: false,
            row: None,
            lanes: None,
            lifted: None,
            pending: vec![Vec::new(); g.scope_parent.len()],
            number: vec![None; n],
            next_number: 0,
            next_export: 0,
            contribs: (0..n).map(|_| Vec::new()).collect(),
            adjoint: vec![None; n],
            in_place: vec![false; sig.params.len()],
            needed: vec![false; n],
            restored: vec![false; n],
            halves: std::collections::HashSet::new(),
            tangent_halves: vec![false; n],
            refill: false,
            array_active: vec![false; g.arrays],
            write_once: vec![false; sig.params.len()],
            fused: vec![None; g.loops.len()],
            cx,
        };
        for (i, node) in g.nodes.iter().enumerate() {
            if let (Some(var), true, true) = (node.array, node.active, em.reach[i]) {
                em.array_active[var.index()] = true;
            }
        }
        if tangents {
            em.tangent_halves = em.plan_tangent_halves();
            return em;
        }
        em.repeated = mode == Mode::RepeatedReverse;
        em.analyze_loops();
        em.halves = em.plan_halves();
        for p in 0..sig.params.len() {
            let elems = em.elems(p);
            // The elements of a `Vector` or `Matrix` parameter are always
            // accumulated in place, beside the adjoint of the whole.
            let tensor = matches!(sig.params[p].shape, crate::sig::Shape::Tensor);
            em.in_place[p] = (tensor && !elems.is_empty())
                || elems.iter().any(|&id| g[id].scope != Scope::TOP)
                || em.distinct_literal_indices(&elems).is_none();
            em.write_once[p] = !tensor && em.in_place[p] && em.each_element_once(&elems);
        }
        em
    }

    /// The reachable, differentiated elements of array parameter `p`.
    pub(crate) fn elems(&self, p: usize) -> Vec<Id> {
        self.ix.param_nodes[p]
            .iter()
            .copied()
            .filter(|id| matches!(self.g[*id].op, Op::Elem(_)))
            .collect()
    }

    /// The nodes and branches of `scope` that the output depends on, in order.
    pub(crate) fn items(&self, scope: Scope) -> Vec<Item> {
        self.ix.items[scope.0 as usize].clone()
    }

    /// Records one share of `target`'s adjoint.
    pub(crate) fn share(&mut self, target: usize, c: Contrib) {
        self.pending[c.scope.0 as usize].push(target as u32);
        self.contribs[target].push(c);
    }

    /// The nodes that received a share computed in one of `scopes`, in id
    /// order, each once; the lists are emptied.
    pub(crate) fn take_pending(&mut self, scopes: &[Scope]) -> Vec<usize> {
        let mut targets: Vec<usize> = Vec::new();
        for c in scopes {
            let list = std::mem::take(&mut self.pending[c.0 as usize]);
            targets.extend(list.into_iter().map(|t| t as usize));
        }
        targets.sort_unstable();
        targets.dedup();
        targets
    }

    /// How a node's value is written where it is used.
    pub fn operand(&self, id: Id) -> TokenStream {
        let node = &self.g[id];
        if let Some(var) = node.array {
            return hygienic(format!("a{var}")).into_token_stream();
        }
        match (&node.op, self.number[id.index()]) {
            (Op::Param(i), _) => {
                let p = &self.sig.params[*i];
                let ident = &p.ident;
                let read = if p.scalar_ref {
                    quote!((*#ident))
                } else {
                    ident.to_token_stream()
                };
                match (&self.lifted, &p.shape) {
                    (Some(l), crate::sig::Shape::Scalar | crate::sig::Shape::Tensor)
                        if !p.diff && !l.is_int(id) =>
                    {
                        l.leaf(read)
                    }
                    _ => read,
                }
            }
            (Op::Lit(tokens), _) => match &self.lifted {
                Some(l) if !l.is_int(id) => l.literal(tokens),
                _ => tokens.clone(),
            },
            (Op::LoopIndex(l), _) => self.loop_var(*l).into_token_stream(),
            (_, Some(n)) => hygienic(format!("t{n}")).into_token_stream(),
            // An invariant of the emitter; a compile error rather than a panic
            // if it were ever broken.
            (_, None) => quote!(::core::compile_error!("autodiff internal error: a value was used before it was computed; please report this function")),
        }
    }

    /// The forward pass of `scope`. With `recompute`, only the values the
    /// backward pass needs, under the names they had the first time.
    pub fn forward(&mut self, scope: Scope, recompute: bool) -> Vec<TokenStream> {
        let items = self.items(scope);
        self.forward_items(items, recompute)
    }

    /// The forward pass of some items of one scope, in order.
    pub(crate) fn forward_items(&mut self, items: Vec<Item>, recompute: bool) -> Vec<TokenStream> {
        let mut code = Vec::new();
        for item in items {
            match item {
                Item::Node(id) if recompute && !self.recomputes(id) => {}
                Item::Node(id) if self.g[id].array.is_some() => {
                    self.forward_array(id, &mut code);
                    if self.tangents {
                        self.tangent_array(id, &mut code);
                    }
                }
                Item::Node(id)
                    if self.tangents
                        && self.g[id].active
                        && matches!(self.g[id].op, Op::Call { .. }) =>
                {
                    self.tangent_call(id, &mut code)
                }
                Item::Node(id) => {
                    let value = self.forward_value(id);
                    let t = self.bind(id);
                    code.push(quote!(let #t = #value;));
                    if self.tangents {
                        self.tangent_node(id, &mut code);
                    }
                }
                Item::Branch(b) => self.forward_branch(b, recompute, &mut code),
                Item::Loop(l) if recompute && !self.loop_needed(l) => {}
                Item::Loop(l) if self.tangents => self.tangent_loop(l, &mut code),
                Item::Loop(l) => self.forward_loop(l, recompute, &mut code),
            }
        }
        code
    }

    /// Whether a loop must run again to recompute a value the backward pass
    /// reads.
    fn loop_needed(&self, l: LoopId) -> bool {
        // A loop that keeps values for its own backward pass must run again
        // wherever that backward pass runs out of sight of the first run.
        !self.stored_values(l).is_empty()
            || self.g[l].carried.iter().any(|c| {
                let out_needed = self.needed[c.out.index()] && !self.restored[c.out.index()];
                self.g[c.phi].array.is_none() && (out_needed || self.needed[c.phi.index()])
            })
    }

    /// Whether a recomputing forward pass computes `id`: what the backward
    /// pass reads, except values a loop kept, which are read back, unless
    /// this pass refills the loop's store.
    fn recomputes(&self, id: Id) -> bool {
        let (needed, kept) = (self.needed[id.index()], self.restored[id.index()]);
        (needed && !kept) || (kept && self.refill)
    }

    /// The name of node `id`'s value, numbered the first time it is bound.
    pub(crate) fn bind(&mut self, id: Id) -> Ident {
        let n = *self.number[id.index()].get_or_insert_with(|| {
            self.next_number += 1;
            self.next_number - 1
        });
        hygienic(format!("t{n}"))
    }

    fn forward_value(&self, id: Id) -> TokenStream {
        let node = &self.g[id];
        let ad = &self.names.ad;
        let args: Vec<TokenStream> = node.args.iter().map(|a| self.operand(*a)).collect();
        match &node.op {
            Op::Param(_) | Op::Lit(_) | Op::LoopIndex(_) | Op::LoopPhi(_) => self.operand(id),
            Op::ArrLoad(_) => {
                let (a, i) = (&args[0], &args[1]);
                quote!(#a[#i])
            }
            Op::ArrNew { .. } | Op::ArrStore(_) => self.operand(id),
            Op::LoopOut(l) => match self.g[*l].carried.iter().find(|c| c.out == id) {
                Some(c) => self.operand(c.phi),
                None => self.internal_error("a loop's result is not one of its carried variables"),
            },
            Op::Elem(p) => {
                let param = &self.sig.params[*p];
                let ident = &param.ident;
                match &self.lifted {
                    Some(l) if !param.diff && !l.is_int(id) => l.leaf(quote!(#ident #([#args])*)),
                    _ => quote!(#ident #([#args])*),
                }
            }
            Op::Const { expr, locals } => match &self.lifted {
                Some(l) if !l.is_int(id) => l.constant(expr, locals, &args),
                Some(l) => l.unlifted(expr, locals, &args),
                None if locals.is_empty() => expr.clone(),
                None => quote!({ #(let #locals = #args;)* #expr }),
            },
            Op::Add => binary(&args, quote!(+)),
            Op::Sub => binary(&args, quote!(-)),
            Op::Mul => binary(&args, quote!(*)),
            Op::Div => binary(&args, quote!(/)),
            Op::And => binary(&args, quote!(&&)),
            Op::Or => binary(&args, quote!(||)),
            Op::Cmp(c) => binary(&args, comparison(c)),
            Op::Neg => {
                let a = &args[0];
                quote!(-#a)
            }
            Op::Not => {
                let a = &args[0];
                quote!(!#a)
            }
            Op::Select(_) => {
                let (c, a, b) = (&args[0], &args[1], &args[2]);
                quote!(if #c { #a } else { #b })
            }
            Op::Prim(p) => {
                let f = Ident::new(p.name, Span::call_site());
                quote!(#ad::#f(#(#args),*))
            }
            Op::Call { lifted, .. } if self.lifted.is_some() => {
                quote!(#lifted(#(#args,)* #ad::ZeroTangent::zero_tangent()).0)
            }
            Op::Call { func, .. } => quote!(#func(#(#args),*)),
        }
    }

    /// A broken invariant of the emitter: a compile error naming the
    /// function where the code would be, never a quietly different program.
    pub(crate) fn internal_error(&self, what: &str) -> TokenStream {
        let msg = format!(
            "autodiff internal error in `{}`: {what}; please report this function",
            self.names.grad.to_string().trim_end_matches("_grad")
        );
        quote!(::core::compile_error!(#msg))
    }

    pub(crate) fn param_type(&self, id: Id) -> syn::Type {
        match self.g[id].op {
            Op::Param(p) => self.sig.params[p].owned.clone(),
            _ => syn::parse_quote!(_),
        }
    }
}

/// The tokens of a comparison operator the lowering recorded.
fn comparison(c: &str) -> TokenStream {
    match c {
        "<" => quote!(<),
        "<=" => quote!(<=),
        ">" => quote!(>),
        ">=" => quote!(>=),
        "==" => quote!(==),
        _ => quote!(!=),
    }
}

fn binary(args: &[TokenStream], op: TokenStream) -> TokenStream {
    let (a, b) = (&args[0], &args[1]);
    quote!(#a #op #b)
}
