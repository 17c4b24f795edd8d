//! The primitive table: every operation the macro knows by name, with all
//! it needs to differentiate it in either mode. Values and derivatives live
//! in autodiff-core under the same name: `name` computes the value,
//! `name_vjpK` pulls an adjoint back to argument `K`, and where the table
//! says so, `name_jvp` pushes tangents forward. Adding a primitive is one
//! line here and its rules in the core; `rule_table` tests check both.

/// How forward mode gets a primitive's tangent. Most entries need no rule
/// of their own: the tangent is computed from the adjoint rules.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Tangent {
    /// Elementwise: `vjpK(args, y, tₖ)` is argument K's share of the
    /// tangent, because the pullback multiplies `ḡ` element by element.
    Pushforward,
    /// A scalar result: argument K's share is `⟨vjpK(args, y, 1), tₖ⟩`.
    Inner,
    /// Neither: `name_jvp(args, y, t₀, t₁, ...)` in the core.
    Rule,
}

pub struct Prim {
    /// Name in user code and in `autodiff_core::__private`.
    pub name: &'static str,
    /// Which arguments (receiver first) carry a derivative; the others must
    /// be constants, like the integer exponent of `powi`.
    pub diff: &'static [bool],
    pub tangent: Tangent,
    /// Whether a loop running backwards keeps the value per iteration
    /// rather than computing it again (transcendental functions: a load is
    /// cheaper than the call).
    pub kept: bool,
    /// The local derivative, as the graph picture shows it.
    pub label: &'static str,
}

impl Prim {
    pub fn arity(&self) -> usize {
        self.diff.len()
    }
}

/// `name: diff flags, tangent, kept, label;` — `kept` is `keep` or `-`.
macro_rules! table {
    ($($name:ident: [$($d:literal)*] $t:ident $k:tt $label:literal;)*) => {
        &[$(Prim {
            name: stringify!($name),
            diff: &[$($d != 0),*],
            tangent: Tangent::$t,
            kept: table!(@kept $k),
            label: $label,
        }),*]
    };
    (@kept keep) => { true };
    (@kept -) => { false };
}

/// Float methods, written `x.name(args)` or `f64::name(x, args)`.
pub static METHODS: &[Prim] = table! {
    sqrt: [1] Pushforward - "∂/∂x = 1/(2y)";
    cbrt: [1] Pushforward keep "∂/∂x = 1/(3y²)";
    exp: [1] Pushforward keep "∂/∂x = y";
    exp2: [1] Pushforward keep "∂/∂x = y ln 2";
    exp_m1: [1] Pushforward keep "∂/∂x = eˣ";
    ln: [1] Pushforward keep "∂/∂x = 1/x";
    ln_1p: [1] Pushforward keep "∂/∂x = 1/(1+x)";
    log2: [1] Pushforward keep "∂/∂x = 1/(x ln 2)";
    log10: [1] Pushforward keep "∂/∂x = 1/(x ln 10)";
    sin: [1] Pushforward keep "∂/∂x = cos x";
    cos: [1] Pushforward keep "∂/∂x = −sin x";
    tan: [1] Pushforward keep "∂/∂x = 1 + y²";
    asin: [1] Pushforward keep "∂/∂x = 1/√(1−x²)";
    acos: [1] Pushforward keep "∂/∂x = −1/√(1−x²)";
    atan: [1] Pushforward keep "∂/∂x = 1/(1+x²)";
    sinh: [1] Pushforward keep "∂/∂x = cosh x";
    cosh: [1] Pushforward keep "∂/∂x = sinh x";
    tanh: [1] Pushforward keep "∂/∂x = 1 − y²";
    abs: [1] Pushforward - "∂/∂x = sign x";
    recip: [1] Pushforward - "∂/∂x = −y²";
    powi: [1 0] Pushforward - "∂/∂x = n xⁿ⁻¹";
    powf: [1 1] Pushforward keep "∂/∂x = e xᵉ⁻¹, ∂/∂e = y ln x";
    log: [1 1] Pushforward keep "∂/∂x = 1/(x ln b)";
    atan2: [1 1] Pushforward keep "∂/∂y = x/r², ∂/∂x = −y/r²";
    hypot: [1 1] Pushforward keep "∂/∂a = a/y, ∂/∂b = b/y";
    max: [1 1] Pushforward - "∂ = 1 to the selected argument";
    min: [1 1] Pushforward - "∂ = 1 to the selected argument";
    clamp: [1 1 1] Pushforward - "∂/∂x = 1 inside [lo, hi]";
    mul_add: [1 1 1] Pushforward - "∂/∂a = b, ∂/∂b = a, ∂/∂c = 1";
    t: [1] Rule - "x̄ = ḡᵀ";
    dot: [1 1] Inner - "∂/∂a = b, ∂/∂b = a";
    sum: [1] Inner - "∂/∂xᵢ = 1";
    mean: [1] Inner - "∂/∂xᵢ = 1/n";
    norm: [1] Inner - "∂/∂x = x/y";
    norm_sq: [1] Inner - "∂/∂x = 2x";
    logsumexp: [1] Inner keep "∂/∂x = softmax(x)";
    softmax: [1] Rule keep "z̄ = y ⊙ (ḡ − ⟨ḡ, y⟩)";
    log_softmax: [1] Rule keep "z̄ = ḡ − softmax(z) Σḡ";
};

/// Free functions of autodiff, written `name(args)` or `autodiff::name(args)`.
pub static FUNCTIONS: &[Prim] = table! {
    sigmoid: [1] Pushforward keep "∂/∂z = y(1 − y)";
    relu: [1] Pushforward - "∂/∂x = [x > 0]";
    softplus: [1] Pushforward keep "∂/∂x = σ(x)";
    softmax: [1] Rule keep "z̄ = y ⊙ (ḡ − ⟨ḡ, y⟩)";
    log_softmax: [1] Rule keep "z̄ = ḡ − softmax(z) Σḡ";
    logsumexp: [1] Inner keep "∂/∂x = softmax(x)";
    outer: [1 1] Rule - "ā = ḡ b, b̄ = ḡᵀ a";
    mse: [1 1] Inner - "∂/∂p = 2(p − t)/n";
    bce_with_logits: [1 1] Inner - "∂/∂z = (σ(z) − y)/n";
    huber: [1 1 1] Inner - "∂/∂p = clamp(p − t, −δ, δ)/n";
    softmax_cross_entropy: [1 0] Inner - "∂/∂z = softmax(z) − onehot";
};

/// `a.t() * b`, which the lowering substitutes for `aᵀ b` so the
/// transpose is read in place rather than copied.
pub static TMUL: Prim = Prim {
    name: "tmul",
    diff: &[true, true],
    tangent: Tangent::Rule,
    kept: false,
    label: "aᵀb: ā = b ḡᵀ, b̄ = a ḡ",
};

/// `a.t() * b + c`: the product's sums start at `c`, one pass.
pub static TMUL_ADD: Prim = Prim {
    name: "tmul_add",
    diff: &[true, true, true],
    tangent: Tangent::Rule,
    kept: false,
    label: "aᵀb + c: ā = b ḡᵀ, b̄ = a ḡ, c̄ = ḡ",
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

#[cfg(test)]
mod tests {
    // The expansion benchmark compiles this file with `--test` but no test
    // harness, which drops the tests and leaves the import unused.
    #![allow(unused_imports)]
    use super::*;

    /// Every function autodiff-core exports at its root (what users call
    /// as `autodiff::name`) is a primitive the macro can differentiate:
    /// an export missing here would be a function users can call but not
    /// differentiate. Read from the core's `lib.rs` itself.
    #[test]
    fn every_exported_function_is_in_the_table() -> Result<(), String> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../autodiff-core/src/lib.rs");
        let src = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        let file = syn::parse_file(&src).map_err(|e| format!("{path}: {e}"))?;
        let mut exported = Vec::new();
        for item in &file.items {
            if let syn::Item::Use(u) = item {
                if matches!(u.vis, syn::Visibility::Public(_)) {
                    collect(&u.tree, &mut exported);
                }
            }
        }
        let lower: Vec<String> = exported
            .into_iter()
            .filter(|n| n.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .filter(|n| n != "num_traits")
            .collect();
        assert!(lower.len() >= 10, "found too few exports: {lower:?}");
        let missing: Vec<&String> = lower.iter().filter(|n| function(n).is_none()).collect();
        assert!(
            missing.is_empty(),
            "exported but not differentiable: {missing:?}"
        );
        Ok(())
    }

    fn collect(tree: &syn::UseTree, out: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(p) => collect(&p.tree, out),
            syn::UseTree::Name(n) => out.push(n.ident.to_string()),
            syn::UseTree::Rename(r) => out.push(r.rename.to_string()),
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| collect(t, out)),
            syn::UseTree::Glob(_) => {}
        }
    }

    /// The functions autodiff-core defines: `pub fn` items, and the names
    /// passed to its rule-defining macros (`unary!(sqrt, sqrt_vjp0, ..)`).
    fn core_functions() -> Result<Vec<String>, String> {
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) -> Result<(), String> {
            let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            for entry in entries.filter_map(Result::ok) {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out)?;
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let src = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
                    let file =
                        syn::parse_file(&src).map_err(|e| format!("{}: {e}", path.display()))?;
                    for item in file.items {
                        match item {
                            syn::Item::Fn(f) => out.push(f.sig.ident.to_string()),
                            syn::Item::Macro(m) => {
                                for t in m.mac.tokens {
                                    if let proc_macro2::TokenTree::Ident(i) = t {
                                        out.push(i.to_string());
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            Ok(())
        }
        let mut out = Vec::new();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../autodiff-core/src");
        walk(std::path::Path::new(dir), &mut out)?;
        Ok(out)
    }

    /// Every entry's rules exist in autodiff-core: the value, one pullback
    /// per differentiated argument, and the tangent rule where the table
    /// says there is one. A missing rule would otherwise surface only when
    /// a user's function reaches it.
    #[test]
    fn every_rule_of_the_table_is_in_the_core() -> Result<(), String> {
        let defined = core_functions()?;
        let has = |n: &str| defined.iter().any(|d| d == n);
        let mut missing = Vec::new();
        let fused = [&TMUL, &TMUL_ADD];
        for p in METHODS.iter().chain(FUNCTIONS).chain(fused) {
            let mut want = vec![p.name.to_string()];
            for (k, d) in p.diff.iter().enumerate() {
                if *d {
                    want.push(format!("{}_vjp{k}", p.name));
                }
            }
            if p.tangent == Tangent::Rule {
                want.push(format!("{}_jvp", p.name));
            }
            missing.extend(want.into_iter().filter(|n| !has(n)));
        }
        for extra in [
            "inner",
            "one_like",
            "zero_like",
            "zeros_like_array",
            "sqrt_cone_vjp0",
            "sqrt_cone_half_vjp0",
            "powi_vjp0_half",
        ] {
            if !has(extra) {
                missing.push(extra.to_string());
            }
        }
        assert!(
            missing.is_empty(),
            "rules missing from autodiff-core: {missing:?}"
        );
        Ok(())
    }

    #[test]
    fn names_are_unique_per_table() {
        let fused = [&TMUL, &TMUL_ADD].map(|p| Prim { ..*p });
        for table in [METHODS, FUNCTIONS, &fused[..]] {
            for (i, p) in table.iter().enumerate() {
                assert!(
                    table[i + 1..].iter().all(|q| q.name != p.name),
                    "{} twice",
                    p.name
                );
                assert!(p.diff.iter().any(|d| *d), "{} has no derivative", p.name);
                assert!(!p.label.is_empty(), "{} has no label", p.name);
            }
        }
    }
}
