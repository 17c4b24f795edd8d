//! Every linalg pullback checked twice: against forward-mode dual numbers
//! (exact) and against central finite differences, contracted with a random
//! output seed so vector- and matrix-valued rules are fully exercised.
//!
//! `support` is shared with `tests/losses.rs`, which includes this file as a
//! module; the tests of this file are wrapped in `suite!`, which that file
//! defines to expand to nothing, so they run once, here.

/// The oracle and the checker, shared with `tests/losses.rs`.
#[macro_use]
#[allow(dead_code)] // each test file uses a different subset
pub mod support {
    use approx::relative_eq;
    use autodiff_core::{Float, Matrix, RowVector, Shape, Vector};
    use core::num::FpCategory;
    use core::ops::{Add, Div, Mul, Neg, Rem, Sub};
    use num_dual::{Dual64, DualNum};
    use num_traits::{Num, NumCast, One, ToPrimitive, Zero};

    /// `num_dual::Dual64` as a [`num_traits::Float`], which it does not
    /// implement itself, so the library's generic code runs on dual numbers.
    #[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
    pub struct D(pub Dual64);

    impl D {
        /// A constant (zero derivative).
        pub fn cst(v: f64) -> Self {
            D(Dual64::from_re(v))
        }
    }

    macro_rules! binops {
        ($($tr:ident $m:ident),*) => {$(
            impl $tr for D {
                type Output = D;
                fn $m(self, r: D) -> D {
                    D($tr::$m(self.0, r.0))
                }
            }
        )*};
    }
    binops!(Add add, Sub sub, Mul mul, Div div, Rem rem);

    impl Neg for D {
        type Output = D;
        fn neg(self) -> D {
            D(-self.0)
        }
    }
    impl Zero for D {
        fn zero() -> D {
            D::cst(0.0)
        }
        fn is_zero(&self) -> bool {
            self.0.re == 0.0
        }
    }
    impl One for D {
        fn one() -> D {
            D::cst(1.0)
        }
    }
    impl Num for D {
        type FromStrRadixErr = <f64 as Num>::FromStrRadixErr;
        fn from_str_radix(s: &str, radix: u32) -> Result<D, Self::FromStrRadixErr> {
            f64::from_str_radix(s, radix).map(D::cst)
        }
    }
    impl ToPrimitive for D {
        fn to_i64(&self) -> Option<i64> {
            self.0.re.to_i64()
        }
        fn to_u64(&self) -> Option<u64> {
            self.0.re.to_u64()
        }
        fn to_f64(&self) -> Option<f64> {
            Some(self.0.re)
        }
    }
    impl NumCast for D {
        fn from<N: ToPrimitive>(n: N) -> Option<D> {
            n.to_f64().map(D::cst)
        }
    }

    /// Float methods: constants, predicates on the real part, and maths
    /// through `DualNum`.
    macro_rules! float_impl {
        (consts: $($c:ident = $v:expr),*; preds: $($p:ident -> $t:ty),*; dual: $($f:ident),*) => {
            $(fn $c() -> D { D::cst($v) })*
            $(fn $p(self) -> $t { self.0.re.$p() })*
            $(fn $f(self) -> D { D(DualNum::$f(&self.0)) })*
        };
    }

    impl Float for D {
        float_impl!(
            consts: nan = f64::NAN, infinity = f64::INFINITY, neg_infinity = f64::NEG_INFINITY,
                neg_zero = -0.0, min_value = f64::MIN, min_positive_value = f64::MIN_POSITIVE,
                max_value = f64::MAX, epsilon = f64::EPSILON;
            preds: is_nan -> bool, is_infinite -> bool, is_finite -> bool, is_normal -> bool,
                classify -> FpCategory, is_sign_positive -> bool, is_sign_negative -> bool;
            dual: recip, sqrt, exp, exp2, ln, log2, log10, cbrt, sin, cos, tan, asin, acos,
                atan, exp_m1, ln_1p, sinh, cosh, tanh, asinh, acosh, atanh
        );
        fn floor(self) -> D {
            D::cst(self.0.re.floor())
        }
        fn ceil(self) -> D {
            D::cst(self.0.re.ceil())
        }
        fn round(self) -> D {
            D::cst(self.0.re.round())
        }
        fn trunc(self) -> D {
            D::cst(self.0.re.trunc())
        }
        fn fract(self) -> D {
            self - self.trunc()
        }
        fn abs(self) -> D {
            if self.0.re < 0.0 {
                -self
            } else {
                self
            }
        }
        fn signum(self) -> D {
            D::cst(self.0.re.signum())
        }
        fn mul_add(self, a: D, b: D) -> D {
            self * a + b
        }
        fn powi(self, n: i32) -> D {
            D(self.0.powi(n))
        }
        fn powf(self, n: D) -> D {
            D(self.0.powd(n.0))
        }
        fn log(self, base: D) -> D {
            self.ln() / base.ln()
        }
        fn max(self, o: D) -> D {
            if o.is_nan() || self >= o {
                self
            } else {
                o
            }
        }
        fn min(self, o: D) -> D {
            if o.is_nan() || self <= o {
                self
            } else {
                o
            }
        }
        fn abs_sub(self, o: D) -> D {
            (self - o).max(D::zero())
        }
        fn hypot(self, o: D) -> D {
            (self * self + o * o).sqrt()
        }
        fn atan2(self, o: D) -> D {
            D(self.0.atan2(o.0))
        }
        fn sin_cos(self) -> (D, D) {
            (self.sin(), self.cos())
        }
        fn integer_decode(self) -> (u64, i16, i8) {
            Float::integer_decode(self.0.re)
        }
    }

    /// A value the checker can flatten, rebuild and lift to dual numbers.
    pub trait Val: Copy + core::fmt::Debug {
        /// The same shape over [`D`].
        type Dual: Copy;
        /// Number of elements.
        const LEN: usize;
        /// Rebuilds from `LEN` elements.
        fn unflat(v: &[f64]) -> Self;
        /// The elements, in storage order.
        fn flat(self) -> Vec<f64>;
        /// Dual numbers with real parts `self` and derivative parts `t`.
        fn lift(self, t: &[f64]) -> Self::Dual;
        /// Real and derivative parts of a dual value.
        fn split(d: Self::Dual) -> (Vec<f64>, Vec<f64>);
    }

    macro_rules! val {
        ($ty:ty, $dual:ty, [$($g:tt)*], |$v:ident| $build:expr) => {
            impl<$($g)*> Val for $ty {
                type Dual = $dual;
                const LEN: usize = <$ty as Shape>::LEN;
                fn unflat(v: &[f64]) -> Self {
                    let $v = |i: usize| v[i];
                    $build
                }
                fn flat(self) -> Vec<f64> {
                    self.fold(Vec::new(), |mut o, x| {
                        o.push(x);
                        o
                    })
                }
                fn lift(self, t: &[f64]) -> $dual {
                    let x = self.flat();
                    let $v = |i: usize| D(Dual64::new(x[i], t[i]));
                    $build
                }
                fn split(d: $dual) -> (Vec<f64>, Vec<f64>) {
                    d.fold((Vec::new(), Vec::new()), |(mut r, mut e), x| {
                        r.push(x.0.re);
                        e.push(x.0.eps);
                        (r, e)
                    })
                }
            }
        };
    }
    val!(f64, D, [], |v| v(0));
    val!(Vector<f64, N>, Vector<D, N>, [const N: usize], |v| Vector::from_fn(v));
    val!(RowVector<f64, N>, RowVector<D, N>, [const N: usize], |v| RowVector::from_fn(v));
    val!(Matrix<f64, R, C>, Matrix<D, R, C>, [const R: usize, const C: usize], |v| {
        Matrix::from_fn(|i, j| v(i * C + j))
    });

    /// A tuple of [`Val`]s: the differentiable arguments of a rule.
    pub trait Args: Copy {
        /// The same tuple over [`D`].
        type Dual;
        /// Number of elements of all arguments.
        const LEN: usize;
        /// All elements, argument after argument.
        fn flat(self) -> Vec<f64>;
        /// Rebuilds from [`Args::flat`]'s layout.
        fn unflat(v: &[f64]) -> Self;
        /// Dual numbers with real parts `self` and derivative parts `t`.
        fn lift(self, t: &[f64]) -> Self::Dual;
    }

    macro_rules! args {
        ($($a:ident),+) => {
            #[allow(non_snake_case, unused_assignments)]
            impl<$($a: Val),+> Args for ($($a,)+) {
                type Dual = ($($a::Dual,)+);
                const LEN: usize = 0 $(+ $a::LEN)+;
                fn flat(self) -> Vec<f64> {
                    let ($($a,)+) = self;
                    [$($a.flat()),+].concat()
                }
                fn unflat(v: &[f64]) -> Self {
                    let mut at = 0;
                    ($({
                        at += $a::LEN;
                        $a::unflat(&v[at - $a::LEN..at])
                    },)+)
                }
                fn lift(self, t: &[f64]) -> Self::Dual {
                    let ($($a,)+) = self;
                    let mut at = 0;
                    ($({
                        at += $a::LEN;
                        $a.lift(&t[at - $a::LEN..at])
                    },)+)
                }
            }
        };
    }
    args!(A);
    args!(A, B);
    args!(A, B, C);

    /// A fixed-seed linear congruential generator (Knuth's MMIX constants).
    pub struct Lcg(u64);

    impl Lcg {
        /// A generator started from `seed`.
        pub fn new(seed: u64) -> Self {
            Lcg(seed)
        }
        /// Uniform in `[-2, 2)`.
        pub fn uniform(&mut self) -> f64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 11) as f64 / (1u64 << 53) as f64 * 4.0 - 2.0
        }
        /// `n` draws of [`Lcg::uniform`].
        pub fn draw(&mut self, n: usize) -> Vec<f64> {
            (0..n).map(|_| self.uniform()).collect()
        }
    }

    /// A value of type `V` (a [`Val`] or a tuple of them) drawn from `seed`.
    pub fn rnd<V: Args>(seed: u64) -> V {
        V::unflat(&Lcg::new(seed).draw(V::LEN))
    }

    fn inner(a: &[f64], b: &[f64]) -> f64 {
        a.iter().zip(b).map(|(a, b)| a * b).sum()
    }

    /// Checks the pullback `vjp(x, f(x), g)` of `f` at `x` for a random seed
    /// `g`: element `i` must equal `⟨g, ∂f/∂xᵢ⟩` from the dual numbers `fd`
    /// (the same maths as `f`, on [`D`]) to rounding, and the central finite
    /// difference of `⟨g, f⟩` to `1e-6` (plus its own rounding error, which
    /// matters for inputs of size 1e6). Values and gradients must be
    /// finite. Returns the gradient for further assertions.
    pub fn check<X: Args, Y: Val>(
        x: X,
        f: impl Fn(X) -> Y,
        fd: impl Fn(X::Dual) -> Y::Dual,
        vjp: impl Fn(X, Y, Y) -> X,
    ) -> X {
        let y = f(x);
        let g = Y::unflat(&Lcg::new(0x5eed).draw(Y::LEN));
        let (gs, ys, xs) = (g.flat(), y.flat(), x.flat());
        let grad = vjp(x, y, g);
        let gr = grad.flat();
        assert!(
            ys.iter().chain(&gr).all(|v| v.is_finite()),
            "not finite: y = {y:?}, grad = {gr:?}"
        );
        for i in 0..xs.len() {
            let mut t = vec![0.0; xs.len()];
            t[i] = 1.0;
            let (re, eps) = Y::split(fd(x.lift(&t)));
            assert!(relative_eq!(
                &re[..],
                &ys[..],
                epsilon = 1e-12,
                max_relative = 1e-12
            ));
            let exact = inner(&gs, &eps);
            assert!(
                relative_eq!(gr[i], exact, epsilon = 1e-11, max_relative = 1e-11),
                "element {i}: pullback {} vs dual {exact}",
                gr[i]
            );
            let h = 1e-6 * xs[i].abs().max(1.0);
            // ⟨g, f⟩ at xᵢ + s, and the size of its terms (for the rounding).
            let phi = |s: f64| {
                let mut xp = xs.clone();
                xp[i] += s;
                let terms: Vec<f64> = f(X::unflat(&xp))
                    .flat()
                    .iter()
                    .zip(&gs)
                    .map(|(f, g)| f * g)
                    .collect();
                (
                    terms.iter().sum::<f64>(),
                    terms.iter().map(|t| t.abs()).sum::<f64>(),
                )
            };
            let ((up, up_size), (down, down_size)) = (phi(h), phi(-h));
            let diff = (up - down) / (h + h);
            let rounding = 16.0 * f64::EPSILON * up_size.max(down_size) / h;
            assert!(
                relative_eq!(gr[i], diff, epsilon = 1e-6 + rounding, max_relative = 1e-6),
                "element {i}: pullback {} vs finite difference {diff}",
                gr[i]
            );
        }
        grad
    }

    /// `check!(x, |(a, b)| f, [vjp0, vjp1])` checks pullbacks called as
    /// `vjpK(a, b, y, g)`; `check!(x, |(a, b)| f, |y, g| (ā, b̄))` takes
    /// them written out. `f` is instantiated on `f64` and on [`D`].
    macro_rules! check {
        ($x:expr, |$args:tt| $f:expr, [$($vjp:path),+ $(,)?]) => {
            check!($x, |$args| $f, |y, g| ($(call_vjp!($vjp, $args, y, g),)+))
        };
        ($x:expr, |$args:tt| $f:expr, |$y:ident, $g:ident| $vjp:expr) => {
            check($x, |$args| $f, |$args| $f, |$args, $y, $g| $vjp)
        };
    }

    macro_rules! call_vjp {
        ($vjp:path, ($($a:ident),+ $(,)?), $y:ident, $g:ident) => {
            $vjp($($a,)+ $y, $g)
        };
    }
}

suite! {
    use autodiff_core::__private as ad;
    use autodiff_core::{outer, Matrix, RowVector, Vector};
    use support::{check, rnd};

    type V3 = Vector<f64, 3>;
    type V4 = Vector<f64, 4>;
    type R3 = RowVector<f64, 3>;
    type M34 = Matrix<f64, 3, 4>;

    #[test]
    fn construction_conversion_and_indexing() {
        let v = Vector::new([1.0, 2.0, 3.0]);
        assert_eq!(v, Vector::from([1.0, 2.0, 3.0]));
        assert_eq!(v, Vector::from_fn(|i| i as f64 + 1.0));
        assert_eq!(<[f64; 3]>::from(v), [1.0, 2.0, 3.0]);
        assert_eq!((v.as_array(), v.to_array(), v[2]), (&[1.0, 2.0, 3.0], [1.0, 2.0, 3.0], 3.0));
        let mut w = V3::zeros();
        w[1] = 5.0;
        w.as_mut_array()[2] = 6.0;
        assert_eq!(w.to_array(), [0.0, 5.0, 6.0]);
        let mut m = Matrix::new([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
        assert_eq!(m, Matrix::from_fn(|i, j| (3 * i + j) as f64 + 1.0));
        assert_eq!((m[1], m[(1, 2)]), ([4.0, 5.0, 6.0], 6.0));
        m[(0, 0)] = 7.0;
        m[1][0] = 8.0;
        assert_eq!(<[[f64; 3]; 2]>::from(m), [[7.0, 2.0, 3.0], [8.0, 5.0, 6.0]]);
        assert_eq!(m.t().t(), m);
        assert_eq!(m.t().to_array(), [[7.0, 8.0], [2.0, 5.0], [3.0, 6.0]]);
        assert_eq!(Matrix::<f64, 2, 2>::identity().to_array(), [[1.0, 0.0], [0.0, 1.0]]);
        assert_eq!(Matrix::<f64, 2, 2>::zeros().to_array(), [[0.0; 2]; 2]);
        assert_eq!(v.t().t(), v);
        assert_eq!(RowVector::new([1.0f32, 2.0]).to_array(), [1.0, 2.0]);
    }

    #[test]
    fn operators_compute_the_textbook_products() {
        let (a, b): (V3, V3) = (Vector::new([1.0, 2.0, 3.0]), Vector::new([4.0, 5.0, 6.0]));
        let m = Matrix::new([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
        assert_eq!((a + b).to_array(), [5.0, 7.0, 9.0]);
        assert_eq!((a - b).to_array(), [-3.0, -3.0, -3.0]);
        assert_eq!((-a).to_array(), [-1.0, -2.0, -3.0]);
        assert_eq!((a * b).to_array(), [4.0, 10.0, 18.0]);
        assert_eq!((a * 2.0).to_array(), (2.0 * a).to_array());
        assert_eq!((a / 2.0).to_array(), [0.5, 1.0, 1.5]);
        assert_eq!(a.t() * b, 32.0);
        assert_eq!((m * a).to_array(), [14.0, 32.0]);
        assert_eq!((m.t() * Vector::new([1.0, 1.0])).to_array(), [5.0, 7.0, 9.0]);
        assert_eq!((Vector::new([1.0, 1.0]).t() * m).to_array(), [5.0, 7.0, 9.0]);
        assert_eq!((m * m.t()).to_array(), [[14.0, 32.0], [32.0, 77.0]]);
        assert_eq!((a * b.t()).to_array()[2], [12.0, 15.0, 18.0]);
        assert_eq!(outer(a, b), a * b.t());
        assert_eq!((2.0 * m).to_array(), (m * 2.0).to_array());
        assert_eq!((m / 2.0 - m * 0.5).to_array(), [[0.0; 3]; 2]);
        let mut acc = a;
        acc += b;
        acc -= a;
        assert_eq!(acc, b);
        assert_eq!((a.sum(), a.mean(), a.dot(b), a.norm_sq(), m.sum()), (6.0, 2.0, 32.0, 14.0, 21.0));
        assert_eq!(Vector::new([3.0, 4.0]).norm(), 5.0);
        approx::assert_relative_eq!(&a.exp().ln().to_array()[..], &a.to_array()[..]);
        assert_eq!(a.max(b), b);
        assert_eq!(a.powi(2).to_array(), [1.0, 4.0, 9.0]);
    }

    #[test]
    fn products_pull_back() {
        check!(rnd::<(M34, V4)>(1), |(w, x)| w * x, [ad::mul_vjp0, ad::mul_vjp1]);
        check!(rnd::<(M34, Matrix<f64, 4, 2>)>(2), |(a, b)| a * b, [ad::mul_vjp0, ad::mul_vjp1]);
        check!(rnd::<(R3, V3)>(3), |(w, x)| w * x, [ad::mul_vjp0, ad::mul_vjp1]);
        check!(rnd::<(V3, RowVector<f64, 4>)>(4), |(a, b)| a * b, [ad::mul_vjp0, ad::mul_vjp1]);
        check!(rnd::<(R3, M34)>(5), |(a, m)| a * m, [ad::mul_vjp0, ad::mul_vjp1]);
        check!(rnd::<(V3, V3)>(6), |(a, b)| a * b, [ad::mul_vjp0, ad::mul_vjp1]);
        check!(rnd::<(R3, R3)>(7), |(a, b)| a * b, [ad::mul_vjp0, ad::mul_vjp1]);
        check!(rnd::<(V3, f64)>(8), |(v, s)| v * s, [ad::mul_vjp0, ad::mul_vjp1]);
        check!(rnd::<(M34, f64)>(9), |(m, s)| m * s, [ad::mul_vjp0, ad::mul_vjp1]);
        check!(rnd::<(R3, f64)>(10), |(v, s)| v * s, [ad::mul_vjp0, ad::mul_vjp1]);
        check!(rnd::<(V3, f64)>(11), |(v, s)| v / s, [ad::div_vjp0, ad::div_vjp1]);
        check!(rnd::<(M34, f64)>(12), |(m, s)| m / s, [ad::div_vjp0, ad::div_vjp1]);
    }

    #[test]
    fn scalar_on_the_left_pulls_back() {
        // `D * Vector<D, N>` does not exist (orphan rules), so the dual side
        // computes the same product as `v * s`.
        let vjp = |(s, v), y, g| (ad::mul_vjp0(s, v, y, g), ad::mul_vjp1(s, v, y, g));
        check(rnd::<(f64, V4)>(13), |(s, v)| s * v, |(s, v)| v * s, vjp);
        let vjp = |(s, m), y, g| (ad::mul_vjp0(s, m, y, g), ad::mul_vjp1(s, m, y, g));
        check(rnd::<(f64, M34)>(14), |(s, m)| s * m, |(s, m)| m * s, vjp);
    }

    #[test]
    fn shape_functions_pull_back() {
        check!(rnd::<(V3,)>(20), |(v,)| ad::t(v), [ad::t_vjp0]);
        check!(rnd::<(R3,)>(21), |(v,)| ad::t(v), [ad::t_vjp0]);
        check!(rnd::<(M34,)>(22), |(m,)| ad::t(m), [ad::t_vjp0]);
        check!(rnd::<(V4, V4)>(23), |(a, b)| ad::dot(a, b), [ad::dot_vjp0, ad::dot_vjp1]);
        check!(rnd::<(M34, M34)>(24), |(a, b)| ad::dot(a, b), [ad::dot_vjp0, ad::dot_vjp1]);
        check!(rnd::<(V4, V3)>(25), |(a, b)| ad::outer(a, b), [ad::outer_vjp0, ad::outer_vjp1]);
        for seed in 26..28 {
            check!(rnd::<(M34,)>(seed), |(m,)| ad::sum(m), [ad::sum_vjp0]);
            check!(rnd::<(V4,)>(seed), |(v,)| ad::mean(v), [ad::mean_vjp0]);
            check!(rnd::<(M34,)>(seed), |(m,)| ad::mean(m), [ad::mean_vjp0]);
            check!(rnd::<(R3,)>(seed), |(v,)| ad::norm_sq(v), [ad::norm_sq_vjp0]);
            check!(rnd::<(M34,)>(seed), |(m,)| ad::norm(m), [ad::norm_vjp0]);
            check!(rnd::<(V4,)>(seed), |(v,)| ad::logsumexp(v), [ad::logsumexp_vjp0]);
            check!(rnd::<(M34,)>(seed), |(m,)| ad::logsumexp(m), [ad::logsumexp_vjp0]);
            check!(rnd::<(V4,)>(seed), |(v,)| ad::softmax(v), [ad::softmax_vjp0]);
            check!(rnd::<(V4,)>(seed), |(v,)| ad::log_softmax(v), [ad::log_softmax_vjp0]);
        }
    }

    #[test]
    fn scalar_rules_apply_elementwise() {
        check!(rnd::<(V4,)>(30), |(v,)| ad::sigmoid(v), [ad::sigmoid_vjp0]);
        check!(rnd::<(M34,)>(31), |(m,)| ad::tanh(m), [ad::tanh_vjp0]);
        check!(rnd::<(R3,)>(32), |(v,)| ad::exp(v), [ad::exp_vjp0]);
        check!(rnd::<(V4,)>(33), |(v,)| ad::softplus(v), [ad::softplus_vjp0]);
        let (m,): (M34,) = rnd(34);
        let positive = M34::from_fn(|i, j| m[(i, j)].abs() + 0.1);
        check!((positive,), |(m,)| ad::ln(m), [ad::ln_vjp0]);
        check!(rnd::<(V3, V3)>(35), |(a, b)| ad::atan2(a, b), [ad::atan2_vjp0, ad::atan2_vjp1]);
        check!(rnd::<(M34, M34)>(36), |(a, b)| ad::hypot(a, b), [ad::hypot_vjp0, ad::hypot_vjp1]);
        check!(rnd::<(V4,)>(37), |(v,)| ad::powi(v, 3), |y, g| (ad::powi_vjp0(v, 3, y, g),));
        check!(
            rnd::<(V3, V3, V3)>(38),
            |(a, b, s)| ad::mul_add(a, b, s),
            [ad::mul_add_vjp0, ad::mul_add_vjp1, ad::mul_add_vjp2]
        );
    }

    /// The layer, `sigmoid(w.t() * x + b)`, pulled back exactly as
    /// the macro chains it: one rule per node, `+` passing the adjoint on.
    macro_rules! dense_layer_check {
        ($seed:expr, $ty:ty) => {
            check!(rnd::<$ty>($seed), |(w, x, b)| ad::sigmoid(ad::t(w) * x + b), |y, g| {
                let wt = ad::t(w);
                let z = wt * x;
                let s = z + b;
                let gs = ad::sigmoid_vjp0(s, y, g);
                let gwt = ad::mul_vjp0(wt, x, z, gs);
                (ad::t_vjp0(w, wt, gwt), ad::mul_vjp1(wt, x, z, gs), gs)
            })
        };
    }

    #[test]
    fn the_seed_network_layer_pulls_back() {
        // One neuron: `w.t() * x` is an inner product, the output a scalar.
        dense_layer_check!(40, (V3, V3, f64));
        // A layer: `w` maps 4 inputs to 3 outputs as `wᵀ x`.
        dense_layer_check!(41, (Matrix<f64, 4, 3>, V4, V3));
    }

    #[test]
    fn softmax_family_is_finite_and_exact_at_extreme_logits() {
        let z: V4 = Vector::new([1000.0, -1000.0, 0.0, 999.0]);
        let p = z.softmax();
        assert!(p.to_array().iter().all(|v| v.is_finite()));
        approx::assert_relative_eq!(p.sum(), 1.0, epsilon = 1e-15);
        approx::assert_relative_eq!(z.log_softmax()[1], -1000.0 - z.logsumexp());
        approx::assert_relative_eq!(z.logsumexp(), 1000.0 + (1.0 + (-1.0f64).exp()).ln());
        for sign in [1.0, -1.0] {
            let z = Vector::new([1000.0, -1000.0, 0.0, 999.0]) * sign;
            check!((z,), |(v,)| ad::softmax(v), [ad::softmax_vjp0]);
            check!((z,), |(v,)| ad::log_softmax(v), [ad::log_softmax_vjp0]);
            check!((z,), |(v,)| ad::logsumexp(v), [ad::logsumexp_vjp0]);
        }
        let inf = Vector::new([f64::INFINITY, 0.0]);
        assert_eq!((inf.logsumexp(), (-inf).logsumexp()), (f64::INFINITY, 0.0));
        assert_eq!(Vector::new([f64::NEG_INFINITY; 2]).logsumexp(), f64::NEG_INFINITY);
    }

    #[test]
    fn norm_is_overflow_free_and_its_pullback_is_zero_at_zero() {
        assert_eq!(Vector::new([3e300, 4e300]).norm(), 5e300);
        assert_eq!(Vector::new([3e-300, 4e-300]).norm(), 5e-300);
        let zero = V3::zeros();
        assert_eq!(ad::norm_vjp0(zero, zero.norm(), 1.0), zero);
    }
}

/// Expands to the tests of this file. Defined last and exported, so the
/// invocation above resolves to it by path; `tests/losses.rs` shadows it
/// with an empty macro before including this file.
#[macro_export]
macro_rules! suite {
    ($($item:item)*) => { $($item)* };
}
