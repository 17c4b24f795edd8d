//! Expansion snapshots: each `snapshots/NAME.rs` is expanded and compared
//! with `snapshots/NAME.expanded.rs`, so reviewers read the generated code
//! and notice any change to it. `AUTODIFF_BLESS=1 cargo test -p
//! autodiff-macros` rewrites the expected files.

use std::path::Path;

fn expand_file(src: &str) -> String {
    let file: syn::File = syn::parse_str(src).expect("snapshot input parses");
    let mut out = Vec::new();
    for item in file.items {
        let syn::Item::Fn(mut f) = item else {
            panic!("snapshot inputs hold only functions")
        };
        let pos = f
            .attrs
            .iter()
            .position(|a| a.path().is_ident("differentiable"))
            .expect("each function has #[differentiable]");
        let attr = f.attrs.remove(pos);
        let args = match attr.meta {
            syn::Meta::List(list) => list.tokens,
            _ => proc_macro2::TokenStream::new(),
        };
        let tokens = crate::expand::differentiable(args, quote::ToTokens::to_token_stream(&f));
        out.push(tokens);
    }
    let all = quote::quote!(#(#out)*);
    let file: syn::File =
        syn::parse2(all.clone()).unwrap_or_else(|e| panic!("expansion parses: {e}\n{all}"));
    prettyplease::unparse(&file)
}

#[test]
fn expansions_match_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots");
    let bless = std::env::var_os("AUTODIFF_BLESS").is_some();
    let mut mismatched = Vec::new();
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .expect("snapshots directory")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "rs")
                && !p.to_string_lossy().ends_with(".expanded.rs")
        })
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no snapshot inputs found");
    for input in inputs {
        let src = std::fs::read_to_string(&input).expect("read input");
        let got = expand_file(&src);
        let expected_path = input.with_extension("expanded.rs");
        if bless {
            std::fs::write(&expected_path, &got).expect("write snapshot");
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == got => {}
            _ => mismatched.push(expected_path.display().to_string()),
        }
    }
    assert!(
        mismatched.is_empty(),
        "expansions changed (rerun with AUTODIFF_BLESS=1 and review the diff): {mismatched:?}"
    );
}
