//! Stage 3d: local arrays, versioned in the graph (each write a new
//! version) and indexed reads of arrays and array parameters.

use super::{single_ident, Lower, Value};
use crate::graph::{ArrayId, Op};
use crate::sig::Shape;
use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::Expr;

impl Lower<'_> {
    /// `a[i] = v` on a local array: a new version of `a`, written in place.
    pub(super) fn store(&mut self, ix: &syn::ExprIndex, value: Value) {
        let array = single_ident(&ix.expr)
            .and_then(|name| self.locals.find(name))
            .and_then(|k| match self.locals.get(k).value {
                Value::Node(id) => self.graph[id].array.map(|var| (k, id, var)),
                _ => None,
            });
        if let Some((_, _, var)) = array {
            if self.graph.is_nested(var) {
                self.error(
                    &ix.expr,
                    "a nested array `[[..], [..]]` can only be the function's result; use one-dimensional local arrays or a `Matrix`",
                );
                return;
            }
        }
        let Some((k, version, var)) = array else {
            if !matches!(value, Value::Poison) {
                self.error(
                    &ix.expr,
                    "only local arrays (`let mut a = [0.0; N];`) can be written element by element",
                );
            }
            return;
        };
        let idx = self.expr(&ix.index);
        let Some(idx) = self.scalar(idx, ix.index.span()) else {
            return;
        };
        if self.graph[idx].active {
            self.error(
                &ix.index,
                "an index cannot depend on a differentiated parameter",
            );
            return;
        }
        let Some(v) = self.scalar(value, ix.span()) else {
            return;
        };
        let new = self
            .graph
            .add(Op::ArrStore(var), vec![version, idx, v], false, ix.span());
        self.locals.set(k, Value::Node(new));
    }

    /// `[x; LEN]` or `[a, b, c]`: a local array, one dimension of floats.
    pub(super) fn new_array(&mut self, e: &Expr) -> Value {
        let current = self.graph.current;
        if self
            .graph
            .branches
            .iter()
            .any(|b| b.arms.iter().any(|a| self.graph.within(current, *a)))
        {
            return self.error(
                e,
                "declare local arrays outside `if` arms (assign their elements inside)",
            );
        }
        let (repeat, mut elems): (Option<TokenStream>, Vec<&Expr>) = match e {
            Expr::Repeat(r) => (Some(r.len.to_token_stream()), vec![&*r.expr]),
            Expr::Array(a) => (None, a.elems.iter().collect()),
            _ => return Value::Poison,
        };
        // `[[a, b], [c, d]]`, a result `[[T; N]; M]`: one array of the
        // elements row by row, which only the function's result may be.
        let rows: Vec<&syn::ExprArray> = elems
            .iter()
            .filter_map(|x| match x {
                Expr::Array(r) => Some(r),
                _ => None,
            })
            .collect();
        let mut nested = None;
        if repeat.is_none() && !rows.is_empty() && rows.len() == elems.len() {
            nested = Some(rows[0].elems.len());
            elems = rows.iter().flat_map(|r| r.elems.iter()).collect();
        }
        let mut args = Vec::new();
        for elem in elems {
            if matches!(elem, Expr::Repeat(_) | Expr::Array(_)) {
                return self.error(
                    elem,
                    "local arrays have one dimension; use several arrays or a `Matrix`",
                );
            }
            let v = self.expr(elem);
            let Some(id) = self.scalar(v, elem.span()) else {
                return Value::Poison;
            };
            args.push(id);
        }
        let var = ArrayId(self.graph.arrays as u32);
        self.graph.arrays += 1;
        if let Some(cols) = nested {
            self.graph.nested.push((var, cols));
        }
        Value::Node(
            self.graph
                .add(Op::ArrNew { var, repeat }, args, false, e.span()),
        )
    }

    pub(super) fn index(&mut self, ix: &syn::ExprIndex, e: &Expr) -> Value {
        let base = self.expr(&ix.expr);
        if let Expr::Tuple(pair) = strip_parens(&ix.index) {
            return self.pair_index(base, ix, pair, e);
        }
        let Some(index) = self.index_value(&ix.index) else {
            return Value::Poison;
        };
        match base {
            Value::Array {
                param,
                mut prefix,
                dims,
            } => {
                prefix.push(index);
                if dims > 1 {
                    Value::Array {
                        param,
                        prefix,
                        dims: dims - 1,
                    }
                } else {
                    let active = self.sig.params[param].diff;
                    Value::Node(self.graph.add(Op::Elem(param), prefix, active, e.span()))
                }
            }
            Value::Node(version) => match (self.graph[version].array, &self.graph[version].op) {
                (Some(var), _) if self.graph.is_nested(var) => self.error(
                    &ix.expr,
                    "a nested array `[[..], [..]]` can only be the function's result; use one-dimensional local arrays or a `Matrix`",
                ),
                (Some(var), _) => Value::Node(self.graph.add(
                    Op::ArrLoad(var),
                    vec![version, index],
                    false,
                    e.span(),
                )),
                // `v[i]` of a `Vector` parameter, `m[i][j]` of a `Matrix`: an
                // element, like one of an array parameter.
                (None, Op::Param(p)) if matches!(self.sig.params[*p].shape, Shape::Tensor) => {
                    let param = *p;
                    let dims = self.sig.tensor_dims(param);
                    let active = self.sig.params[param].diff;
                    if dims > 1 {
                        Value::Array {
                            param,
                            prefix: vec![index],
                            dims: dims - 1,
                        }
                    } else {
                        Value::Node(
                            self.graph
                                .add(Op::Elem(param), vec![index], active, e.span()),
                        )
                    }
                }
                (None, _) => self.constant_or(e, &ix.expr, "only arrays can be indexed"),
            },
            Value::Tuple(_) | Value::Unit => {
                self.error(&ix.expr, "only array parameters can be indexed")
            }
            Value::Poison => Value::Poison,
        }
    }

    /// An index: an integer that no differentiated parameter reaches.
    fn index_value(&mut self, index: &Expr) -> Option<crate::graph::Id> {
        let v = self.expr(index);
        let id = self.scalar(v, index.span())?;
        if self.graph[id].active {
            self.error(
                index,
                "an index cannot depend on a differentiated parameter",
            );
            return None;
        }
        Some(id)
    }

    /// `m[(i, j)]`, the other indexing `Matrix` offers: the element `m[i][j]`.
    fn pair_index(
        &mut self,
        base: Value,
        ix: &syn::ExprIndex,
        pair: &syn::ExprTuple,
        e: &Expr,
    ) -> Value {
        let param = match base {
            Value::Node(id) => match self.graph[id].op {
                Op::Param(p)
                    if matches!(self.sig.params[p].shape, Shape::Tensor)
                        && self.sig.tensor_dims(p) == 2 =>
                {
                    Some(p)
                }
                _ => None,
            },
            Value::Poison => return Value::Poison,
            _ => None,
        };
        let Some(param) = param else {
            return self.error(
                &ix.index,
                "a pair index `m[(i, j)]` reads an element of a `Matrix` parameter; index arrays and vectors with one integer",
            );
        };
        if pair.elems.len() != 2 {
            return self.error(
                &ix.index,
                "a `Matrix` element is `m[(row, column)]`: two indices",
            );
        }
        let (Some(i), Some(j)) = (
            self.index_value(&pair.elems[0]),
            self.index_value(&pair.elems[1]),
        ) else {
            return Value::Poison;
        };
        let active = self.sig.params[param].diff;
        Value::Node(
            self.graph
                .add(Op::Elem(param), vec![i, j], active, e.span()),
        )
    }
}

fn strip_parens(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => strip_parens(&p.expr),
        other => other,
    }
}
