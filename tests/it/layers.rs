//! The library's modules depend on each other one way only:
//!
//! ```text
//! {error, ticket, period, stats, io, embeddings} ← ingest ← text ← model
//!   ← {kpi, themes, churn} ← report ← pipeline   (← the CLI, in the binary)
//! ```
//!
//! Every `crate::<module>` path in a module's source (tests included, `use
//! crate::{a, b}` groups too) must name a module of its own layer or one
//! below. The fixture generator lives in its own crate (`synth/`,
//! `ticketlens-synth`), which depends on this one. A new top-level module must be added to `LAYERS` to pass.

use std::path::Path;

const LAYERS: &[&[&str]] = &[
    &["error", "ticket", "period", "stats", "io", "embeddings"],
    &["ingest"],
    &["text"],
    &["model"],
    &["kpi", "themes", "churn", "taxonomy"],
    &["report"],
    &["pipeline"],
];

/// Re-exports at the crate root (`crate::Error`, `crate::Ticket` …) live in
/// the bottom layer.
const ROOT_ITEMS: &[&str] = &[
    "Error",
    "Result",
    "Dimension",
    "EnrichedTicket",
    "Prediction",
    "Sentiment",
    "ThemeRef",
    "Ticket",
];

fn layer(module: &str) -> Option<usize> {
    if ROOT_ITEMS.contains(&module) {
        return Some(0);
    }
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The top-level modules a source file names through `crate::`.
fn crate_refs(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    for (i, _) in src.match_indices("crate::") {
        let rest = &src[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a::b, c, d::{e, f}}`: the first segment of each
            // top-level item.
            let mut depth = 0;
            let mut item_start = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && !c.is_whitespace() => {
                        item_start = false;
                        let name = ident(&group[j..]);
                        if !name.is_empty() {
                            out.push(name);
                        }
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

fn walk(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, files);
        } else if p.extension().is_some_and(|x| x == "rs") {
            files.push(p);
        }
    }
}

#[test]
fn no_module_imports_from_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut violations = Vec::new();
    let mut unknown = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if ["lib", "main", "cli"].contains(&top.as_str()) {
            continue;
        }
        let Some(own) = layer(&top) else {
            unknown.push(top);
            continue;
        };
        let text = std::fs::read_to_string(f).unwrap();
        for dep in crate_refs(&text) {
            match layer(&dep) {
                Some(l) if l > own => violations.push(format!(
                    "{}: {top} (layer {own}) uses crate::{dep} (layer {l})",
                    rel.display()
                )),
                None if dep != top => {
                    violations.push(format!("{}: crate::{dep} is in no layer", rel.display()))
                }
                _ => {}
            }
        }
    }
    unknown.sort();
    unknown.dedup();
    assert!(
        unknown.is_empty(),
        "modules in no layer (add them to LAYERS): {unknown:?}"
    );
    assert!(
        violations.is_empty(),
        "imports against the layering:\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_checker_sees_grouped_and_nested_paths() {
    let refs = crate_refs(
        "use crate::{ingest::Field, report::{html, summary}, Error};\nlet x = crate::kpi::compute();",
    );
    assert_eq!(refs, ["ingest", "report", "Error", "kpi"]);
}

/// Inside `churn` the submodules depend one way too: the saved model embeds
/// its evaluation and the risk bands it chose, scoring and training use the
/// model, and nothing below names anything above it (`super::<module>`).
#[test]
fn churn_submodules_depend_one_way() {
    const ORDER: &[&[&str]] = &[
        &["spec"],
        &["features", "metrics"],
        &["eval"],
        &["model"],
        &["score", "train"],
    ];
    let level = |m: &str| ORDER.iter().position(|l| l.contains(&m));
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/churn");
    let mut violations = Vec::new();
    for l in ORDER.iter().copied().flatten() {
        let own = level(l).unwrap();
        let text = std::fs::read_to_string(dir.join(format!("{l}.rs"))).unwrap();
        for (i, _) in text.match_indices("super::") {
            let name: String = text[i + "super::".len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if let Some(dep) = level(&name).filter(|&d| d > own) {
                violations.push(format!(
                    "churn/{l}.rs (level {own}) uses super::{name} (level {dep})"
                ));
            }
        }
    }
    assert!(violations.is_empty(), "{violations:#?}");
}

/// Library code names settings with `ticketlens::error::Setting`, which the
/// front-end spells (the CLI as `--map`, Python as `mapping=`): no string
/// literal outside the CLI names a flag. Comments and in-file test modules
/// (after `#[cfg(test)]`) are skipped, as are test-only files.
#[test]
fn library_messages_name_settings_not_flags() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut found = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap().to_string_lossy().into_owned();
        let name = f.file_name().unwrap().to_string_lossy();
        if rel.starts_with("cli/")
            || rel == "main.rs"
            || rel.contains("/tests/")
            || name.starts_with("tests")
        {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        // In-file test modules hold fixtures (a run.json note as written).
        let code = text.split("#[cfg(test)]\nmod ").next().unwrap();
        found.extend(
            flags_in_strings(code)
                .into_iter()
                .map(|(line, s)| format!("src/{rel}:{line}: {s}")),
        );
    }
    assert!(
        found.is_empty(),
        "library strings naming CLI flags (use error::Setting):\n{}",
        found.join("\n")
    );
}

/// `--flag`s inside string literals of Rust source, with their 1-based
/// line: literals may span lines; `//` comments and char literals are
/// skipped.
fn flags_in_strings(code: &str) -> Vec<(usize, String)> {
    let b = code.as_bytes();
    let (mut out, mut line, mut in_str, mut i) = (Vec::new(), 1, false, 0);
    while i < b.len() {
        match b[i] {
            b'\n' => line += 1,
            b'\\' if in_str => i += 1,
            b'"' => in_str = !in_str,
            b'\'' if !in_str && b.get(i + 2) == Some(&b'\'') => i += 2,
            b'/' if !in_str && b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'-' if in_str
                && b.get(i + 1) == Some(&b'-')
                && b.get(i + 2).is_some_and(|c| c.is_ascii_lowercase())
                && !b[i - 1].is_ascii_alphanumeric() =>
            {
                let end = (i + 2..b.len())
                    .find(|&k| !(b[k].is_ascii_lowercase() || b[k] == b'-'))
                    .unwrap_or(b.len());
                out.push((line, code[i..end].to_string()));
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[test]
fn the_flag_finder_sees_multi_line_literals_and_skips_comments() {
    let code = "let a = \"one\\n\n  two --map x\"; // not --this\nlet c = '\"'; let d = \"--by\";";
    assert_eq!(
        flags_in_strings(code),
        [(2, "--map".to_string()), (3, "--by".to_string())]
    );
}
