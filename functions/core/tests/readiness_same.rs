//! The readiness decisions stay the same when the engine changes for speed: every
//! labelled message in the repo (training and held-out sets) is read, and its finding —
//! the phrase rule that decided, the words it matched, the model's score and the label —
//! is compared with `tests/data/readiness-decisions.tsv`, written by an earlier build.
//!
//! A change meant to alter decisions (new phrases, a retrained model) rewrites the file:
//! `HANDOFF_WRITE_DECISIONS=1 cargo test -p handoff-core --test readiness_same`, and the
//! diff of that file is the review of what changed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use handoff_core::readiness::text::train;
use handoff_core::readiness::text::{read, TextSignal};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn sets() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("readiness"))
        .expect("tests/data/readiness")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
        .collect();
    v.sort();
    v.push(root().join("readiness-examples.tsv"));
    v
}

fn decisions() -> String {
    let mut out = String::from("# file:line\thot\tscore\trule\tmatched\n");
    for path in sets() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        for ex in train::parse(&text, &name).unwrap() {
            let r = read(&ex.message, ex.business);
            let matched = match &r.signal {
                TextSignal::Hot { matched, .. }
                | TextSignal::Decline { matched }
                | TextSignal::Support { matched }
                | TextSignal::NotBuyer { matched } => matched.as_str(),
                TextSignal::Nothing => "",
            };
            writeln!(
                out,
                "{name}:{}\t{}\t{:.4}\t{}\t{}",
                ex.line,
                r.hot,
                r.score,
                r.signal.rule().unwrap_or_default(),
                matched.replace(['\t', '\n'], " ")
            )
            .unwrap();
        }
    }
    out
}

#[test]
fn decisions_are_those_on_file() {
    let path = root().join("readiness-decisions.tsv");
    let got = decisions();
    if std::env::var_os("HANDOFF_WRITE_DECISIONS").is_some() {
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).expect("tests/data/readiness-decisions.tsv");
    let mut differ = 0;
    for (g, w) in got.lines().zip(want.lines()) {
        if g != w {
            differ += 1;
            if differ <= 20 {
                eprintln!("now:     {g}\nbefore:  {w}");
            }
        }
    }
    assert_eq!(
        got.lines().count(),
        want.lines().count(),
        "messages changed"
    );
    assert_eq!(differ, 0, "{differ} decisions differ from the file");
}
