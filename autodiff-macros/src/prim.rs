//! The primitives the macro recognises, by the name users write. Their
//! values and derivatives live in autodiff-core under the same name.

pub struct Prim {
    /// Name in user code and in `autodiff_core::__private`.
    pub name: &'static str,
    /// Which arguments (receiver first) carry a derivative; the others must
    /// be constants, like the integer exponent of `powi`.
    pub diff: &'static [bool],
}

impl Prim {
    pub fn arity(&self) -> usize {
        self.diff.len()
    }
}

macro_rules! table {
    ($($name:ident: $($d:literal)*;)*) => {
        &[$(Prim { name: stringify!($name), diff: &[$($d != 0),*] }),*]
    };
}

/// Float methods, written `x.name(args)` or `f64::name(x, args)`.
pub static METHODS: &[Prim] = table! {
    sqrt: 1; cbrt: 1; exp: 1; exp2: 1; exp_m1: 1; ln: 1; ln_1p: 1; log2: 1; log10: 1;
    sin: 1; cos: 1; tan: 1; asin: 1; acos: 1; atan: 1; sinh: 1; cosh: 1; tanh: 1;
    abs: 1; recip: 1; powi: 1 0; powf: 1 1; log: 1 1; atan2: 1 1; hypot: 1 1;
    max: 1 1; min: 1 1; clamp: 1 1 1; mul_add: 1 1 1;
    t: 1; dot: 1 1; sum: 1; mean: 1; norm: 1; norm_sq: 1; logsumexp: 1;
    softmax: 1; log_softmax: 1;
};

/// Free functions of autodiff, written `name(args)` or `autodiff::name(args)`.
pub static FUNCTIONS: &[Prim] = table! {
    sigmoid: 1; relu: 1; softplus: 1; softmax: 1; log_softmax: 1; outer: 1 1;
    mse: 1 1; bce_with_logits: 1 1; huber: 1 1 1; softmax_cross_entropy: 1 0;
};

pub fn method(name: &str) -> Option<&'static Prim> {
    METHODS.iter().find(|p| p.name == name)
}

pub fn function(name: &str) -> Option<&'static Prim> {
    FUNCTIONS.iter().find(|p| p.name == name)
}

/// The method names, for error messages.
pub fn method_list() -> String {
    METHODS
        .iter()
        .map(|p| p.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `aᵀ b`, which the lowering substitutes for `a.t() * b`.
pub static TMUL: Prim = Prim {
    name: "tmul",
    diff: &[true, true],
};

/// `aᵀ b + c`, which the lowering substitutes for `a.t() * b + c`.
pub static TMUL_ADD: Prim = Prim {
    name: "tmul_add",
    diff: &[true, true, true],
};
