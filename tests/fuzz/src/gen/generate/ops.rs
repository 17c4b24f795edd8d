//! Expression kinds of the generator: the arithmetic-only subset, float methods with one and two arguments, each with its safe domain and bound.

use super::*;

impl Gen<'_> {
    /// `+ - * /` and unary minus only; divisors `leaf * leaf + c`.
    pub(super) fn cheap_expr(&mut self, d1: usize) -> (Expr, f64) {
        let (x, bx) = self.expr(d1);
        let (e, bd) = match self.rng.below(5) {
            0 => (Expr::Neg(b(x)), bx),
            1 => {
                let (y, by) = self.expr(d1);
                (Expr::Bin(BinOp::Add, b(x), b(y)), bx + by)
            }
            2 => {
                let (y, by) = self.expr(d1);
                (Expr::Bin(BinOp::Sub, b(x), b(y)), bx + by)
            }
            3 => {
                let (y, by) = self.leaf();
                (Expr::Bin(BinOp::Mul, b(x), b(y)), bx * by)
            }
            _ => {
                let (y, _) = self.leaf();
                let c = *self.rng.pick(&[0.5, 1.0, 2.0]);
                let den = Expr::Bin(
                    BinOp::Add,
                    b(Expr::Bin(BinOp::Mul, b(y.clone()), b(y))),
                    b(Expr::Lit(c)),
                );
                (Expr::Bin(BinOp::Div, b(x), b(den)), bx / c)
            }
        };
        if bd > LIMIT {
            // No squashing functions here: scale instead.
            (Expr::Bin(BinOp::Mul, b(e), b(Expr::Lit(0.125))), bd / 8.0)
        } else {
            (e, bd)
        }
    }

    pub(super) fn unary(&mut self, d: usize) -> (Expr, f64) {
        use Un::*;
        let u = *self.rng.pick(&[
            Sqrt, Cbrt, Exp, Exp2, ExpM1, Ln, Ln1p, Log2, Log10, Sin, Cos, Tan, Asin, Acos, Atan,
            Sinh, Cosh, Tanh, Abs, Recip,
        ]);
        match u {
            Sqrt | Cbrt | Ln | Log2 | Log10 | Ln1p | Recip => {
                let (x, lo, hi) = self.positive(d);
                let bd = match u {
                    Sqrt => hi.sqrt(),
                    Cbrt => hi.cbrt(),
                    Recip => 1.0 / lo,
                    Ln1p => (1.0 + hi).ln(),
                    _ => lo.ln().abs().max(hi.ln().abs()) * 3.4,
                };
                (Expr::Un(u, b(x)), bd)
            }
            Exp | Exp2 | ExpM1 | Sinh | Cosh => {
                let (x, _) = self.squashed(d);
                let k = *self.rng.pick(&[1.0, 1.5, 2.0]);
                (
                    Expr::Un(u, b(Expr::Bin(BinOp::Mul, b(x), b(Expr::Lit(k))))),
                    2f64.powf(k).max(k.exp()),
                )
            }
            Asin | Acos | Tan => {
                let (x, _) = self.squashed(d);
                let k = if u == Tan { 1.2 } else { 0.5 };
                (
                    Expr::Un(u, b(Expr::Bin(BinOp::Mul, b(x), b(Expr::Lit(k))))),
                    3.2,
                )
            }
            Sin | Cos | Tanh | Atan => {
                let (x, _) = self.expr(d);
                (Expr::Un(u, b(x)), 1.6)
            }
            Abs => {
                let (x, bx) = self.expr(d);
                (Expr::Un(u, b(x)), bx)
            }
        }
    }

    pub(super) fn binary(&mut self, d: usize) -> (Expr, f64) {
        match self.rng.below(6) {
            0 => {
                let (x, _, hi) = self.positive(d);
                let (y, _) = self.squashed(d);
                let y = Expr::Bin(BinOp::Mul, b(y), b(Expr::Lit(1.5)));
                (
                    Expr::Bi(Bi::Powf, b(x), b(y)),
                    hi.max(1.0).powf(1.5).max(2.0f64.powf(1.5)),
                )
            }
            1 => {
                let (x, lo, hi) = self.positive(d);
                let (y, _, _) = self.positive(d);
                let y = Expr::Bin(BinOp::Add, b(y), b(Expr::Lit(1.5)));
                (
                    Expr::Bi(Bi::Log, b(x), b(y)),
                    lo.ln().abs().max(hi.ln().abs()) * 2.5,
                )
            }
            2 => {
                let (x, _) = self.expr(d);
                let (y, _, _) = self.positive(d);
                (Expr::Bi(Bi::Atan2, b(x), b(y)), 1.6)
            }
            3 | 4 => {
                let (x, bx) = self.expr(d);
                let (y, by) = self.expr(d);
                let op = if self.rng.chance(0.5) {
                    Bi::Max
                } else {
                    Bi::Min
                };
                (Expr::Bi(op, b(x), b(y)), bx.max(by))
            }
            _ => {
                // Never hypot(0, 0), where the derivative is 0/0.
                let (x, bx) = self.expr(d);
                let (y, _, by) = self.positive(d);
                (Expr::Bi(Bi::Hypot, b(x), b(y)), bx + by)
            }
        }
    }
}
