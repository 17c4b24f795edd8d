//! Shrinks a failing fuzz case to a small reproduction: `cargo run -p autodiff-fuzz --bin shrink -- SEED INDEX [FEATURES]`.
//!
//! The case is regenerated from its seed and index (and the feature spec of
//! `AUTODIFF_FUZZ_FEATURES`, if the run used one), then every one-edit
//! variant (`gen::shrink::candidates`) is built and run in a scratch crate
//! under `target/fuzz-shrink/`, and the first that still fails the same way
//! (the same compile error, or the same kind of check) replaces it, until no
//! variant does. The minimal program and its failure are printed.

use autodiff_fuzz::gen::{self, emit, Features, Program};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

struct Scratch {
    dir: PathBuf,
    ws: PathBuf,
}

/// How a candidate fails: `None` when it passes.
#[derive(Clone, Debug, PartialEq)]
struct Failure {
    /// What must stay the same while shrinking.
    class: String,
    /// The full message, for the report.
    message: String,
}

/// `error[E0425]: cannot find value `t24`` → `error[E0425]: cannot find value `_``.
fn normalize(line: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for ch in line.chars() {
        if ch == '`' {
            if inside {
                out.push('_');
            }
            inside = !inside;
            out.push(ch);
        } else if !inside {
            out.push(ch);
        }
    }
    out
}

fn classify_panic(msg: &str) -> String {
    for (needle, class) in [
        (
            "vs dual-number oracle",
            "gradient differs from the dual-number oracle",
        ),
        ("oracle value", "value differs from the dual-number oracle"),
        ("from _grad", "_grad value differs from the function"),
        (
            "finite differences",
            "gradient differs from finite differences",
        ),
        ("vjp", "_vjp inconsistent with _grad"),
        ("no evaluation point", "no point checked"),
    ] {
        if msg.contains(needle) {
            return class.to_string();
        }
    }
    "panic".to_string()
}

impl Scratch {
    fn new(ws: &Path) -> std::io::Result<Self> {
        let dir = ws.join("target/fuzz-shrink");
        std::fs::create_dir_all(dir.join("src"))?;
        let manifest = format!(
            "[package]\nname = \"fuzz-shrink-case\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nautodiff = {{ path = {:?} }}\nnum-dual = {{ version = \"0.11\", default-features = false }}\n\n\
             [workspace]\n",
            ws.display().to_string()
        );
        std::fs::write(dir.join("Cargo.toml"), manifest)?;
        if !dir.join("Cargo.lock").exists() {
            std::fs::copy(ws.join("Cargo.lock"), dir.join("Cargo.lock"))?;
        }
        Ok(Scratch {
            dir,
            ws: ws.to_path_buf(),
        })
    }

    /// Builds and runs `p`.
    fn run(&self, p: &Program) -> std::io::Result<Option<Failure>> {
        let common = self.ws.join("tests/common/mod.rs");
        let harness = self.ws.join("tests/fuzz/tests/harness/mod.rs");
        let main = format!(
            "#[path = {:?}]\nmod common;\n#[path = {:?}]\nmod harness;\n{}\nfn main() {{\n    case::run();\n}}\n",
            common.display().to_string(),
            harness.display().to_string(),
            emit::case(p, "case", "shrink candidate")
        );
        std::fs::write(self.dir.join("src/main.rs"), main)?;
        let target = self.dir.join("target");
        let build = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--message-format=short"])
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &target)
            .output()?;
        if !build.status.success() {
            let err = String::from_utf8_lossy(&build.stderr).to_string();
            let first = err
                .lines()
                .find(|l| l.contains("error"))
                .unwrap_or("error: (no message)");
            // `path:line:col: error[..]: msg` with --message-format=short.
            let msg = first
                .split_once(": error")
                .map_or(first.to_string(), |(_, m)| format!("error{m}"));
            return Ok(Some(Failure {
                class: format!("compile: {}", normalize(&msg)),
                message: err,
            }));
        }
        let out = Command::new(target.join("debug/fuzz-shrink-case")).output()?;
        if out.status.success() {
            return Ok(None);
        }
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        Ok(Some(Failure {
            class: classify_panic(&err),
            message: err,
        }))
    }
}

/// What shrinking decreases: the source, then the points.
fn size(p: &Program) -> usize {
    emit::source(p).len() * 8 + p.points()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: shrink SEED INDEX [FEATURES]   (FEATURES as in AUTODIFF_FUZZ_FEATURES)");
        return ExitCode::from(2);
    }
    let (Ok(seed), Ok(index)) = (args[0].parse::<u64>(), args[1].parse::<u64>()) else {
        eprintln!("SEED and INDEX must be numbers");
        return ExitCode::from(2);
    };
    let spec = args
        .get(2)
        .cloned()
        .or_else(|| std::env::var("AUTODIFF_FUZZ_FEATURES").ok())
        .unwrap_or_default();
    let features = match Features::parse(&spec) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let ws = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let ws = ws.canonicalize().unwrap_or(ws);
    let scratch = match Scratch::new(&ws) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot write the scratch crate: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut p = gen::generate::program(seed, index, &features);
    if !gen::shrink::respects(&p, &features) {
        eprintln!("note: the generated case already uses a construct whose feature is off (a generator slip)");
    }
    eprintln!("case {seed}/{index}: building the original (the first build compiles autodiff)");
    let orig = match scratch.run(&p) {
        Ok(Some(f)) => f,
        Ok(None) => {
            println!(
                "case {seed}/{index} passes: nothing to shrink\n{}",
                emit::source(&p)
            );
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("cannot run cargo: {e}");
            return ExitCode::FAILURE;
        }
    };
    if orig.class == "no point checked" {
        println!(
            "case {seed}/{index}: no point could be checked (a generator problem, not shrunk)"
        );
        println!("{}", emit::source(&p));
        return ExitCode::FAILURE;
    }
    eprintln!("fails: {}", orig.class);
    let mut last = orig.clone();
    let mut tried = 0usize;
    'outer: loop {
        let here = size(&p);
        for c in gen::shrink::candidates(&p, &features)
            .into_iter()
            .filter(|c| size(c) < here)
        {
            tried += 1;
            match scratch.run(&c) {
                Ok(Some(f)) if f.class == orig.class => {
                    let size = emit::source(&c).len();
                    eprintln!("  smaller ({size} bytes of source) after {tried} candidates");
                    p = c;
                    last = f;
                    continue 'outer;
                }
                Ok(_) => {}
                Err(e) => {
                    eprintln!("cannot run cargo: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        break;
    }
    println!(
        "== minimal reproduction of case {seed}/{index} ({}), {tried} candidates tried",
        orig.class
    );
    println!("{}", emit::source(&p));
    print!("{}", emit::points(&p));
    println!("== failure");
    let msg: Vec<&str> = last.message.lines().take(40).collect();
    println!("{}", msg.join("\n"));
    ExitCode::FAILURE
}
