//! Stage 4i': vector mode. One forward pass carries several tangents, one
//! per lane, each seeded with a unit vector of one differentiated
//! parameter: a forward-mode Jacobian computes its value, and runs each
//! loop, once instead of once per column.
//!
//! A lane's seed is known here, so its zeros are structural: an element
//! read at a literal index has tangent 1 in its own lane and none in the
//! others, and a node whose arguments have no tangent in a lane has none
//! there either. No product with a zero seed is emitted (`0 · x` cannot be
//! folded away in IEEE arithmetic). Loop-carried variables and local
//! arrays keep a tangent in every lane: what a loop body makes of them is
//! not known before it is walked.
//!
//! A primitive of numbers whose arguments have tangents in several lanes
//! gets its local derivative once (`p = sqrt_vjp0(x, y, 1)`, one division)
//! and each lane the product `ṫ · p`, as a hand-written Jacobian shares
//! `1/√x` between its columns.

use crate::emit::{hygienic, Emitter, Mode};
use crate::graph::{Graph, Id, Op, Scope};
use crate::prim::Tangent;
use crate::sig::{Shape, Sig};
use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::Ident;

/// At most this many lanes: each is a tangent sweep of its own in the
/// expansion, so a wider Jacobian keeps one `_jvp` call per column.
pub(crate) const MAX_LANES: usize = 8;

/// The seed of one lane: a differentiated parameter, and for an array or
/// vector the coordinate that is 1.
#[derive(Clone, Copy)]
pub(crate) struct Seed {
    pub param: usize,
    pub coord: Option<usize>,
}

/// The lanes of one vector-mode pass.
pub(crate) struct Lanes {
    pub seeds: Vec<Seed>,
    /// Per lane, per node: no tangent in that lane, by construction.
    zero: Vec<Vec<bool>>,
    /// The lane being written.
    current: usize,
    /// Per lane: whether its seed is read (by an index computed at run
    /// time, or as a whole); a seed never read is not declared.
    read: Vec<std::cell::Cell<bool>>,
    /// Per node: a number, not a `Vector` or `Matrix` (see [`numbers`]).
    scalar: Vec<bool>,
    /// Per node: its local derivatives are bound once for all lanes.
    shared: Vec<bool>,
}

/// The name the seed of lane `l` is bound to: a unit array or vector, or 1.
pub(crate) fn lane_seed(l: usize) -> Ident {
    hygienic(format!("e{l}"))
}

/// The tangent pass of a forward-mode Jacobian in vector mode: the code,
/// and per lane the tangent of the result (before any conversion to the
/// result's type).
pub(crate) struct LanePass {
    pub code: Vec<TokenStream>,
    pub value: TokenStream,
    pub tangents: Vec<TokenStream>,
    /// Per lane: whether the code reads its seed ([`lane_seed`]).
    pub seed_read: Vec<bool>,
}

/// Emits the forward pass of `out` with one tangent per seed.
pub(crate) fn forward_lanes(
    cx: &crate::ctx::Ctxt,
    g: &Graph,
    sig: &Sig,
    names: &crate::names::Names,
    out: Id,
    seeds: Vec<Seed>,
) -> LanePass {
    let count = seeds.len();
    let mut em = Emitter::new(cx, g, sig, names, out, Mode::Forward);
    em.lanes = Some(Lanes {
        zero: vec![vec![false; g.nodes.len()]; seeds.len()],
        read: (0..seeds.len()).map(|_| Default::default()).collect(),
        scalar: numbers(g, sig),
        shared: vec![false; g.nodes.len()],
        seeds,
        current: 0,
    });
    let code = em.forward(Scope::TOP, false);
    let value = em.operand(out);
    let tangents = (0..em.lane_count())
        .map(|l| {
            em.set_lane(l);
            em.tangent_or_zero(out)
        })
        .collect();
    let Some(lanes) = em.lanes.as_ref() else {
        return LanePass {
            code: vec![em.internal_error("vector mode's lanes were lost while emitting")],
            value,
            tangents,
            seed_read: vec![true; count],
        };
    };
    let seed_read = lanes.read.iter().map(std::cell::Cell::get).collect();
    LanePass {
        code,
        value,
        tangents,
        seed_read,
    }
}

/// Which nodes are numbers rather than `Vector`s or `Matrix`es, from what
/// is known without types: literals, scalar parameters, fully indexed
/// elements, and arithmetic, selects and elementwise primitives of
/// numbers, carried through loops. Anything else (a call, a constant
/// expression, a local array's element) is taken not to be one, which only
/// forgoes sharing a derivative.
pub(crate) fn numbers(g: &Graph, sig: &Sig) -> Vec<bool> {
    let mut init_of = std::collections::HashMap::new();
    let mut phi_of = std::collections::HashMap::new();
    for lp in &g.loops {
        for c in &lp.carried {
            init_of.insert(c.phi, c.init);
            phi_of.insert(c.out, c.phi);
        }
    }
    let mut number = vec![false; g.nodes.len()];
    for (i, node) in g.nodes.iter().enumerate() {
        let id = Id(i as u32);
        let of = |a: &Id| number[a.index()];
        number[i] = node.array.is_none()
            && match &node.op {
                Op::Lit(_) => true,
                Op::Param(p) => matches!(sig.params[*p].shape, Shape::Scalar),
                Op::Elem(p) => match sig.params[*p].shape {
                    Shape::Array { dims } => node.args.len() == dims,
                    Shape::Tensor => node.args.len() == sig.tensor_dims(*p),
                    _ => false,
                },
                Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Neg => node.args.iter().all(of),
                Op::Select(_) => node.args[1..].iter().all(of),
                Op::Prim(p) => p.tangent == Tangent::Pushforward && node.args.iter().all(of),
                Op::LoopPhi(_) => init_of.get(&id).is_some_and(of),
                Op::LoopOut(_) => phi_of.get(&id).is_some_and(of),
                _ => false,
            };
    }
    number
}

/// `p5_0`: node 5's local derivative in its argument 0.
fn partial_name(n: usize, k: usize) -> Ident {
    hygienic(format!("p{n}_{k}"))
}

/// The value of an integer literal index.
pub(crate) fn literal_index(g: &Graph, id: Id) -> Option<u128> {
    match &g[id].op {
        Op::Lit(t) => syn::parse2::<syn::LitInt>(t.clone())
            .ok()?
            .base10_parse()
            .ok(),
        _ => None,
    }
}

impl Emitter<'_> {
    /// Lanes written per tangent: 1 outside vector mode.
    pub(crate) fn lane_count(&self) -> usize {
        self.lanes.as_ref().map_or(1, |l| l.seeds.len())
    }

    pub(crate) fn set_lane(&mut self, l: usize) {
        if let Some(lanes) = &mut self.lanes {
            lanes.current = l;
        }
    }

    /// `dtN`, or `dtN_l` in lane `l`.
    pub(crate) fn tangent_ident(&self, n: usize) -> Ident {
        match &self.lanes {
            None => hygienic(format!("dt{n}")),
            Some(l) => hygienic(format!("dt{n}_{}", l.current)),
        }
    }

    /// The tangent array of local array `var`, per lane.
    pub(crate) fn tangent_array_ident(&self, var: impl std::fmt::Display) -> Ident {
        match &self.lanes {
            None => hygienic(format!("ta{var}")),
            Some(l) => hygienic(format!("ta{var}_{}", l.current)),
        }
    }

    /// Records that `id` has no tangent in the current lane.
    pub(crate) fn mark_zero(&mut self, id: Id) {
        if let Some(l) = &mut self.lanes {
            l.zero[l.current][id.index()] = true;
        }
    }

    /// Whether `id` has no tangent in the current lane.
    pub(crate) fn zero_in_lane(&self, id: Id) -> bool {
        self.lanes
            .as_ref()
            .is_some_and(|l| l.zero[l.current][id.index()])
    }

    /// `let p5_0 = sqrt_vjp0(t4, t5, 1);` before the lanes of a primitive
    /// of numbers whose arguments have tangents in two lanes or more: its
    /// local derivatives, bound once (see the module doc).
    pub(crate) fn share_partials(&mut self, id: Id, code: &mut Vec<TokenStream>) {
        let node = &self.g[id];
        let (Some(lanes), Op::Prim(p), Some(n)) = (&self.lanes, &node.op, self.number[id.index()])
        else {
            return;
        };
        if p.tangent != Tangent::Pushforward || !lanes.scalar[id.index()] {
            return;
        }
        let diff: Vec<usize> = (0..node.args.len()).filter(|&k| p.diff[k]).collect();
        // Which arguments have a tangent in some lane, and in how many lanes any has.
        let (mut used, mut lanes_with) = (vec![false; node.args.len()], 0);
        for l in 0..self.lane_count() {
            self.set_lane(l);
            let mut any = false;
            for &k in &diff {
                if self.tangent_of(self.g[id].args[k]).is_some() {
                    (used[k], any) = (true, true);
                }
            }
            lanes_with += usize::from(any);
        }
        if lanes_with < 2 {
            return;
        }
        let ad = &self.names.ad;
        let args: Vec<TokenStream> = self.g[id].args.iter().map(|a| self.operand(*a)).collect();
        let y = self.operand(id);
        for k in diff.into_iter().filter(|&k| used[k]) {
            let (f, pk) = (self.pushforward_rule(id, p, k), partial_name(n, k));
            code.push(quote!(let #pk = #ad::#f(#(#args,)* #y, #ad::one_like(#y));));
        }
        if let Some(lanes) = &mut self.lanes {
            lanes.shared[id.index()] = true;
        }
    }

    /// The local derivative of node `id` in its argument `k`, when it was
    /// bound once for all lanes.
    pub(crate) fn shared_partial(&self, id: Id, k: usize) -> Option<Ident> {
        let lanes = self.lanes.as_ref()?;
        let n = self.number[id.index()]?;
        lanes.shared[id.index()].then(|| partial_name(n, k))
    }

    /// In vector mode, the tangent of parameter `p` (`Op::Param`) or of its
    /// element `id` (`Op::Elem`) in the current lane: the lane's seed, one
    /// of its entries, or none; `None` outside vector mode.
    pub(crate) fn lane_param_tangent(&self, id: Id, p: usize) -> Option<Option<TokenStream>> {
        let lanes = self.lanes.as_ref()?;
        let seed = lanes.seeds[lanes.current];
        if seed.param != p {
            return Some(None);
        }
        let e = lane_seed(lanes.current);
        let node = &self.g[id];
        if !matches!(node.op, Op::Elem(_)) {
            lanes.read[lanes.current].set(true);
            return Some(Some(e.into_token_stream()));
        }
        // A literal index: the seed's entry is known to be 1 or 0.
        if let (Some(k), [i]) = (seed.coord, node.args.as_slice()) {
            if let Some(i) = literal_index(self.g, *i) {
                let (ad, x) = (&self.names.ad, self.operand(id));
                return Some((i == k as u128).then(|| quote!(#ad::one_like(#x))));
            }
        }
        lanes.read[lanes.current].set(true);
        let idx = node.args.iter().map(|a| self.operand(*a));
        Some(Some(quote!(#e #([#idx])*)))
    }
}
