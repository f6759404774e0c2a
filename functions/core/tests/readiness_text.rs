//! Scores the free-text readiness detector on labelled messages.
//!
//! - `repo_examples`: the repo's own examples (`tests/data/readiness-examples.tsv`).
//! - `shared_dev_set`: the shared development set outside the repo, if present
//!   (`HANDOFF_READINESS_DEV`, else `<workspace>/../shared/data/readiness-dev.tsv`).
//!
//! File format: tab-separated `label business lang message`; `#` lines are comments and the
//! first other line is the header. `hot` must come out as `TextSignal::Hot`, `nurture` as
//! anything else.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use handoff_core::readiness::{detect, TextSignal};

const MIN: f64 = 0.9;

struct Example {
    line: usize,
    hot: bool,
    lang: String,
    message: String,
}

fn parse(text: &str) -> Vec<Example> {
    let mut header_seen = false;
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if !header_seen {
            header_seen = true;
            assert!(
                line.starts_with("label\t"),
                "line {}: expected the header",
                i + 1
            );
            continue;
        }
        let cols: Vec<&str> = line.splitn(4, '\t').collect();
        assert_eq!(
            cols.len(),
            4,
            "line {}: expected 4 tab-separated columns",
            i + 1
        );
        let hot = match cols[0] {
            "hot" => true,
            "nurture" => false,
            other => panic!("line {}: unknown label {other:?}", i + 1),
        };
        out.push(Example {
            line: i + 1,
            hot,
            lang: cols[2].to_string(),
            message: cols[3].to_string(),
        });
    }
    out
}

#[derive(Default, Clone, Copy)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
    tn: usize,
}

impl Score {
    fn add(&mut self, expected: bool, got: bool) {
        match (expected, got) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }
    fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    fn total(&self) -> usize {
        self.tp + self.fp + self.fn_ + self.tn
    }
}

/// An empty denominator counts as perfect (nothing to get wrong).
fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// Runs the detector on every example; prints misclassified lines and per-language scores.
fn score(name: &str, examples: &[Example]) -> (Score, BTreeMap<String, Score>) {
    let mut all = Score::default();
    let mut by_lang: BTreeMap<String, Score> = BTreeMap::new();
    for ex in examples {
        let signal = detect(&ex.message);
        let got = matches!(signal, TextSignal::Hot { .. });
        all.add(ex.hot, got);
        by_lang.entry(ex.lang.clone()).or_default().add(ex.hot, got);
        if got != ex.hot {
            let want = if ex.hot { "hot" } else { "nurture" };
            println!(
                "MISS {name}:{} [{}] want {want}, got {signal:?}: {}",
                ex.line, ex.lang, ex.message
            );
        }
    }
    println!(
        "{name}: all  n={:3} precision={:.3} recall={:.3}",
        all.total(),
        all.precision(),
        all.recall()
    );
    for (lang, s) in &by_lang {
        println!(
            "{name}: {lang:4} n={:3} precision={:.3} recall={:.3}",
            s.total(),
            s.precision(),
            s.recall()
        );
    }
    (all, by_lang)
}

#[test]
fn repo_examples() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/readiness-examples.tsv");
    let text = std::fs::read_to_string(&path).expect("read tests/data/readiness-examples.tsv");
    let examples = parse(&text);
    assert!(examples.len() >= 80, "only {} examples", examples.len());
    for lang in ["en", "de", "es", "fr", "ru"] {
        assert!(
            examples.iter().any(|e| e.lang == lang),
            "no {lang} examples"
        );
    }
    let (all, _) = score("repo", &examples);
    assert!(
        all.precision() >= MIN,
        "precision {:.3} < {MIN}",
        all.precision()
    );
    assert!(all.recall() >= MIN, "recall {:.3} < {MIN}", all.recall());
}

fn dev_set_path() -> PathBuf {
    if let Some(p) = std::env::var_os("HANDOFF_READINESS_DEV") {
        return PathBuf::from(p);
    }
    // functions/core → workspace root → its parent → shared/data.
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/readiness-dev.tsv")
}

#[test]
fn shared_dev_set() {
    let path = dev_set_path();
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("shared dev set not found at {}; skipping", path.display());
        return;
    };
    let examples = parse(&text);
    assert!(!examples.is_empty(), "{} has no examples", path.display());
    let (_, by_lang) = score("dev", &examples);
    let en = by_lang.get("en").copied().unwrap_or_default();
    assert!(en.total() > 0, "no English lines in {}", path.display());
    assert!(
        en.precision() >= MIN,
        "en precision {:.3} < {MIN}",
        en.precision()
    );
    assert!(en.recall() >= MIN, "en recall {:.3} < {MIN}", en.recall());
}
