//! Stage 5c: the Hessian's band, read off the graph. A pass over the nodes
//! (children first) that returns plain data: the half-width `w` such that
//! `∂²f/∂xₚ∂x_q = 0` whenever `|p − q| > w`, for the one array parameter of
//! `f_hessian`, or `None` when the graph does not show one.
//!
//! The graph shows a band when the result is a sum of terms (scaled by
//! constants) each of which is either
//! - an expression reading elements at constant indices in `[lo, hi]`, or
//! - a loop accumulating `f += body` where `body` reads no carried value and
//!   only elements `x[a·i + b]` with `b` in `[lo, hi]` (one stride `a`):
//!
//! each term's Hessian then lies within `|p − q| ≤ hi − lo`. Extended
//! Rosenbrock (`x[2i]`, `x[2i + 1]`) has `w = 1`. With a band, columns `c`,
//! `c + m`, `c + 2m`, ... (`m = 2w + 1`) share no row, so one pass seeded
//! with all of them gives each of their nonzeros: `m` passes instead of `N`.

use crate::graph::{Graph, Id, LoopId, Op};

/// An index as the graph computes it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Index {
    Const(i64),
    /// `a·i + b` for the index `i` of loop `l`.
    Lin {
        l: LoopId,
        a: i64,
        b: i64,
    },
}

fn index_of(g: &Graph, id: Id, depth: u32) -> Option<Index> {
    if depth > 16 {
        return None;
    }
    let node = &g[id];
    let arg = |k: usize| index_of(g, node.args[k], depth + 1);
    match &node.op {
        Op::Lit(t) => syn::parse2::<syn::LitInt>(t.clone())
            .ok()?
            .base10_parse::<i64>()
            .ok()
            .map(Index::Const),
        Op::LoopIndex(l) => Some(Index::Lin { l: *l, a: 1, b: 0 }),
        Op::Add | Op::Sub => {
            let sign = if matches!(node.op, Op::Sub) { -1 } else { 1 };
            match (arg(0)?, arg(1)?) {
                (Index::Const(x), Index::Const(y)) => Some(Index::Const(x + sign * y)),
                (Index::Lin { l, a, b }, Index::Const(y)) => Some(Index::Lin {
                    l,
                    a,
                    b: b + sign * y,
                }),
                (Index::Const(x), Index::Lin { l, a, b }) => Some(Index::Lin {
                    l,
                    a: sign * a,
                    b: x + sign * b,
                }),
                (Index::Lin { l, a, b }, Index::Lin { l: m, a: c, b: d }) if l == m => {
                    Some(Index::Lin {
                        l,
                        a: a + sign * c,
                        b: b + sign * d,
                    })
                }
                _ => None,
            }
        }
        Op::Mul => match (arg(0)?, arg(1)?) {
            (Index::Const(x), Index::Const(y)) => Some(Index::Const(x * y)),
            (Index::Const(k), Index::Lin { l, a, b })
            | (Index::Lin { l, a, b }, Index::Const(k)) => Some(Index::Lin {
                l,
                a: k * a,
                b: k * b,
            }),
            _ => None,
        },
        _ => None,
    }
}

/// Which elements of the parameter a node's value reads.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Reads {
    None,
    Const { lo: i64, hi: i64 },
    Affine { l: LoopId, a: i64, lo: i64, hi: i64 },
    Dense,
}

impl Reads {
    fn join(self, other: Reads) -> Reads {
        match (self, other) {
            (Reads::None, x) | (x, Reads::None) => x,
            (Reads::Const { lo, hi }, Reads::Const { lo: l2, hi: h2 }) => Reads::Const {
                lo: lo.min(l2),
                hi: hi.max(h2),
            },
            (
                Reads::Affine { l, a, lo, hi },
                Reads::Affine {
                    l: l2,
                    a: a2,
                    lo: lo2,
                    hi: hi2,
                },
            ) if l == l2 && a == a2 => Reads::Affine {
                l,
                a,
                lo: lo.min(lo2),
                hi: hi.max(hi2),
            },
            _ => Reads::Dense,
        }
    }

    fn width(self) -> Option<i64> {
        match self {
            Reads::None => Some(0),
            Reads::Const { lo, hi } | Reads::Affine { lo, hi, .. } => Some(hi - lo),
            Reads::Dense => None,
        }
    }
}

/// Per node: the elements read, and whether a carried value of a loop
/// (a phi) flows into it.
fn summaries(g: &Graph, param: usize) -> Vec<(Reads, bool)> {
    let mut out: Vec<(Reads, bool)> = Vec::with_capacity(g.nodes.len());
    for node in &g.nodes {
        let joined = node.args.iter().fold((Reads::None, false), |(r, p), a| {
            let (ra, pa) = out[a.index()];
            (r.join(ra), p || pa)
        });
        let entry = match &node.op {
            Op::Elem(p) if *p == param => {
                let reads = match node.args[..] {
                    [i] => match index_of(g, i, 0) {
                        Some(Index::Const(c)) => Reads::Const { lo: c, hi: c },
                        Some(Index::Lin { l, a, b }) => Reads::Affine { l, a, lo: b, hi: b },
                        None => Reads::Dense,
                    },
                    _ => Reads::Dense,
                };
                (reads, false)
            }
            Op::Elem(_) | Op::Lit(_) | Op::LoopIndex(_) => (Reads::None, false),
            Op::Param(p) if *p == param => (Reads::Dense, false),
            Op::LoopPhi(_) => (
                if node.active {
                    Reads::Dense
                } else {
                    Reads::None
                },
                true,
            ),
            Op::LoopOut(_) | Op::ArrLoad(_) | Op::ArrStore(_) | Op::ArrNew { .. }
                if node.active =>
            {
                (Reads::Dense, joined.1)
            }
            _ => joined,
        };
        out.push(entry);
    }
    out
}

/// What the graph shows of a Hessian.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Pattern {
    /// `∂²f/∂xₚ∂x_q = 0` wherever `|p − q| > w`.
    pub w: usize,
    /// Blocks `[s, s + a)` with `s ≡ lo (mod a)` and nothing between
    /// blocks (every term a loop reading `x[a·i + b]`, `b` in `[lo, lo + a)`):
    /// `(a, lo)`, with `0 ≤ lo < a`. Extended Rosenbrock has `(2, 0)`.
    pub blocks: Option<(usize, usize)>,
}

impl Pattern {
    /// Columns sharing no row: one pass each.
    pub fn colors(&self) -> usize {
        match self.blocks {
            Some((a, _)) => a,
            None => 2 * self.w + 1,
        }
    }
}

/// The Hessian's pattern with respect to array parameter `param` (the only
/// differentiated one), or `None` (see the module's text).
pub(crate) fn pattern(g: &Graph, out: Id, param: usize) -> Option<Pattern> {
    let sums = summaries(g, param);
    let terms = terms(g, out)?;
    let w = usize::try_from(band(&terms, &sums)?).ok()?;
    Some(Pattern {
        w,
        blocks: blocks(&terms, &sums),
    })
}

/// One term of the result's sum.
enum Term {
    /// `f += body` accumulated by loop `l`.
    Loop(LoopId, Id),
    /// An expression outside loops.
    Expr(Id),
}

/// The result as a sum of terms (scaled by constants), or `None` when it
/// is not one: a loop's carried value combined otherwise than `f += body`.
fn terms(g: &Graph, out: Id) -> Option<Vec<Term>> {
    let mut found = Vec::new();
    let mut stack = vec![out];
    while let Some(t) = stack.pop() {
        let node = &g[t];
        if !node.active {
            continue;
        }
        let inactive = |k: usize| !g[node.args[k]].active;
        match &node.op {
            Op::Add | Op::Sub => stack.extend([node.args[0], node.args[1]]),
            Op::Neg => stack.push(node.args[0]),
            Op::Mul if inactive(0) => stack.push(node.args[1]),
            Op::Mul | Op::Div if inactive(1) => stack.push(node.args[0]),
            Op::LoopOut(l) => {
                let carried = g[*l].carried.iter().find(|c| c.out == t)?;
                let next = &g[carried.next];
                let body = match (&next.op, next.args.as_slice()) {
                    (Op::Add, [a, b]) if *a == carried.phi => *b,
                    (Op::Add, [a, b]) if *b == carried.phi => *a,
                    (Op::Sub, [a, b]) if *a == carried.phi => *b,
                    _ => return None,
                };
                found.push(Term::Loop(*l, body));
                stack.push(node.args[0]);
            }
            _ => found.push(Term::Expr(t)),
        }
    }
    Some(found)
}

/// The blocks of [`Pattern::blocks`]: only loop terms, one stride `a` and
/// one window `[lo, hi]` with `hi − lo < a`.
fn blocks(terms: &[Term], sums: &[(Reads, bool)]) -> Option<(usize, usize)> {
    let mut window: Option<(i64, i64, i64)> = None;
    for t in terms {
        let Term::Loop(_, body) = t else { return None };
        match sums[body.index()].0 {
            Reads::None => {}
            Reads::Affine { a, lo, hi, .. } => match window {
                None => window = Some((a, lo, hi)),
                Some(w) if w == (a, lo, hi) => {}
                Some(_) => return None,
            },
            _ => return None,
        }
    }
    let (a, lo, hi) = window?;
    if a < 1 || hi - lo >= a {
        return None;
    }
    Some((
        usize::try_from(a).ok()?,
        usize::try_from(lo.rem_euclid(a)).ok()?,
    ))
}

/// The half-width of the Hessian's band (see the module's text).
fn band(terms: &[Term], sums: &[(Reads, bool)]) -> Option<i64> {
    let mut width = 0i64;
    for t in terms {
        match *t {
            Term::Loop(l, body) => match sums[body.index()] {
                (_, true) => return None,
                (Reads::Affine { l: m, .. }, _) if m != l => return None,
                (reads, _) => width = width.max(reads.width()?),
            },
            Term::Expr(id) => match sums[id.index()].0 {
                Reads::Affine { .. } => return None,
                reads => width = width.max(reads.width()?),
            },
        }
    }
    Some(width)
}

#[cfg(test)]
mod tests {
    use super::{pattern, Pattern};
    use crate::ctx::Ctxt;

    /// The band of the first (array) parameter of `src`'s function.
    #[allow(dead_code)] // the macro bench compiles this module without running tests
    fn of(src: &str) -> Option<usize> {
        full(src).map(|p| p.w)
    }

    #[allow(dead_code)]
    fn full(src: &str) -> Option<Pattern> {
        let item: syn::ItemFn = syn::parse_str(src).unwrap();
        let cx = Ctxt::default();
        let attr = crate::attr::parse(&cx, proc_macro2::TokenStream::new());
        let sig = crate::sig::analyze(&cx, &attr, &item.sig);
        let lowered = crate::lower::lower(&cx, &sig, &item.sig.ident, &item.block);
        cx.finish().unwrap();
        pattern(&lowered.graph, lowered.out.unwrap(), 0)
    }

    #[test]
    fn separable_sums_have_a_band() {
        let ext = "fn f<const N: usize>(x: [f64; N]) -> f64 {
            let mut f = 0.0;
            for i in 0..N / 2 {
                let a = x[2 * i];
                let b = x[2 * i + 1];
                f += 100.0 * (b - a * a).powi(2) + (1.0 - a).powi(2);
            }
            f
        }";
        assert_eq!(
            full(ext),
            Some(Pattern {
                w: 1,
                blocks: Some((2, 0))
            })
        );
        let chained = "fn f(x: [f64; 8]) -> f64 {
            let mut f = 0.0;
            for i in 0..7 {
                f += (x[i + 1] - x[i] * x[i]).powi(2);
            }
            0.5 * f + x[0] * x[1]
        }";
        assert_eq!(full(chained), Some(Pattern { w: 1, blocks: None }));
        let diagonal = "fn f(x: [f64; 4]) -> f64 {
            let mut f = 0.0;
            for i in 0..4 {
                f += x[i].exp();
            }
            f
        }";
        assert_eq!(
            full(diagonal),
            Some(Pattern {
                w: 0,
                blocks: Some((1, 0))
            })
        );
        let shifted = "fn f(x: [f64; 9]) -> f64 {
            let mut f = 0.0;
            for i in 0..4 {
                f += (x[2 * i + 1] * x[2 * i + 2]).sin();
            }
            f
        }";
        assert_eq!(
            full(shifted),
            Some(Pattern {
                w: 1,
                blocks: Some((2, 1))
            })
        );
        let constants = "fn f(x: [f64; 4]) -> f64 { x[0] * x[1] + x[2].sin() - x[3] * x[0] }";
        assert_eq!(of(constants), Some(3));
    }

    #[test]
    fn couplings_across_iterations_are_dense() {
        // A product couples every element with every other.
        let product = "fn f(x: [f64; 4]) -> f64 {
            let mut p = 1.0;
            for i in 0..4 {
                p *= x[i];
            }
            p
        }";
        assert_eq!(of(product), None);
        // The body reads the carried value.
        let carried = "fn f(x: [f64; 4]) -> f64 {
            let mut s = 0.0;
            for i in 0..4 {
                s += s * x[i];
            }
            s
        }";
        assert_eq!(of(carried), None);
        // A fixed element read in every iteration.
        let fixed = "fn f(x: [f64; 4]) -> f64 {
            let mut s = 0.0;
            for i in 1..4 {
                s += x[0] * x[i];
            }
            s
        }";
        assert_eq!(of(fixed), None);
        // A sum squared after the loop.
        let squared = "fn f(x: [f64; 4]) -> f64 {
            let mut s = 0.0;
            for i in 0..4 {
                s += x[i];
            }
            s * s
        }";
        assert_eq!(of(squared), None);
        // Two strides.
        let strides = "fn f(x: [f64; 8]) -> f64 {
            let mut s = 0.0;
            for i in 0..4 {
                s += x[i] * x[2 * i];
            }
            s
        }";
        assert_eq!(of(strides), None);
    }
}
