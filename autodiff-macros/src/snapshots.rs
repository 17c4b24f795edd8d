//! Expansion snapshots: each `snapshots/NAME.rs` is expanded and compared
//! with `snapshots/NAME.expanded.rs`, so reviewers read the generated code
//! and notice any change to it. `AUTODIFF_BLESS=1 cargo test -p
//! autodiff-macros` rewrites the expected files.

use std::path::{Path, PathBuf};

fn expand_file(src: &str) -> Result<String, String> {
    let file: syn::File = syn::parse_str(src).map_err(|e| format!("input does not parse: {e}"))?;
    let mut out = Vec::new();
    for item in file.items {
        let syn::Item::Fn(mut f) = item else {
            return Err("snapshot inputs hold only functions".into());
        };
        let pos = f
            .attrs
            .iter()
            .position(|a| a.path().is_ident("differentiable"))
            .ok_or("each function needs #[differentiable]")?;
        let attr = f.attrs.remove(pos);
        let args = match attr.meta {
            syn::Meta::List(list) => list.tokens,
            _ => proc_macro2::TokenStream::new(),
        };
        out.push(crate::expand::differentiable(
            args,
            quote::ToTokens::to_token_stream(&f),
        ));
    }
    let all = quote::quote!(#(#out)*);
    let file: syn::File =
        syn::parse2(all.clone()).map_err(|e| format!("expansion does not parse: {e}\n{all}"))?;
    Ok(prettyplease::unparse(&file))
}

fn inputs(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut inputs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "rs")
                && !p.to_string_lossy().ends_with(".expanded.rs")
        })
        .collect();
    inputs.sort();
    Ok(inputs)
}

#[test]
fn expansions_match_snapshots() -> Result<(), String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots");
    let bless = std::env::var_os("AUTODIFF_BLESS").is_some();
    let inputs = inputs(&dir)?;
    assert!(!inputs.is_empty(), "no snapshot inputs found");
    let mut mismatched = Vec::new();
    for input in inputs {
        let src =
            std::fs::read_to_string(&input).map_err(|e| format!("{}: {e}", input.display()))?;
        let got = expand_file(&src).map_err(|e| format!("{}: {e}", input.display()))?;
        let expected_path = input.with_extension("expanded.rs");
        if bless {
            std::fs::write(&expected_path, &got)
                .map_err(|e| format!("{}: {e}", expected_path.display()))?;
        } else if std::fs::read_to_string(&expected_path).ok().as_deref() != Some(got.as_str()) {
            mismatched.push(expected_path.display().to_string());
        }
    }
    assert!(
        mismatched.is_empty(),
        "expansions changed (rerun with AUTODIFF_BLESS=1 and review the diff): {mismatched:?}"
    );
    Ok(())
}

/// Prints the expansion of any file of `#[differentiable]` functions, for
/// reading what the macro makes of your code without `cargo expand`:
/// `AUTODIFF_EXPAND=path/to/file.rs cargo test -p autodiff-macros expand_one -- --ignored --nocapture`.
#[test]
#[ignore]
fn expand_one() -> Result<(), String> {
    let path = std::env::var("AUTODIFF_EXPAND").map_err(|e| format!("AUTODIFF_EXPAND: {e}"))?;
    let src = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    println!("{}", expand_file(&src)?);
    Ok(())
}
