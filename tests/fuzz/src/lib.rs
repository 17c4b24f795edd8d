//! The random-program generator of the fuzz crate, as a library for the `shrink` binary (the build script includes the same modules by path).
pub mod gen;

#[cfg(test)]
mod tests {
    use super::gen::{generate, shrink, Features};

    /// The generator and the shrinker's checks agree: every generated program
    /// names only what is in scope and avoids the features that are off.
    #[test]
    fn generated_programs_are_valid_and_respect_their_features() {
        let f = Features::default();
        for k in 0..300 {
            let p = generate::program(11, k, &f);
            assert!(shrink::valid(&p), "case 11/{k} fails the scope check");
            assert!(
                shrink::respects(&p, &f),
                "case 11/{k} uses a feature that is off:\n{}",
                super::gen::emit::source(&p)
            );
        }
    }

    /// Every candidate is smaller in at least one way and still valid.
    #[test]
    fn candidates_are_valid() {
        let f = Features::default();
        let p = generate::program(11, 3, &f);
        let cs = shrink::candidates(&p, &f);
        assert!(!cs.is_empty());
        assert!(cs.iter().all(shrink::valid));
    }
}
