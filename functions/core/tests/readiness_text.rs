//! Scores free-text readiness (phrase rules + model, `readiness::text::read`) on
//! labelled messages, per language and business type, and fails under the floors below.
//!
//! The sets, by what they may tell:
//! - **training** (the model is fitted on them: a floor here only catches a broken
//!   model file): `tests/data/readiness-examples.tsv`, `tests/data/readiness/train-*.tsv`;
//! - **held out** (written apart from the training sets, never trained on):
//!   `tests/data/readiness/holdout-*.tsv`;
//! - **shared development sets** (tuning only, never trained on), when present:
//!   `<workspace>/../shared/data/readiness-dev.tsv` and `readiness-dev2.tsv` (or
//!   `HANDOFF_READINESS_DEV` / `HANDOFF_READINESS_DEV2`).
//!
//! File format: tab-separated `label business lang message`; `#` lines are comments and
//! the first other line is the header.
//!
//! The floors are what the detector reaches today, a little below, so a change that makes
//! it worse fails; the targets on unseen messages (English per business 0.90, the
//! other languages pooled 0.85 and each 0.75) are printed beside them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use handoff_core::readiness::text::read;
use handoff_core::readiness::text::train::{self, Example, Hyper};

fn parse(text: &str, name: &str) -> Vec<Example> {
    train::parse(text, name).unwrap_or_else(|e| panic!("{e}"))
}

#[derive(Default, Clone, Copy, Debug)]
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

/// Per language (`de`), per English business (`en/services`), English pooled (`en`),
/// and the non-English languages pooled (`other`).
fn score(name: &str, examples: &[Example]) -> BTreeMap<String, Score> {
    let mut by: BTreeMap<String, Score> = BTreeMap::new();
    for ex in examples {
        let got = read(&ex.message, ex.business).hot;
        by.entry(ex.lang.clone()).or_default().add(ex.hot, got);
        by.entry("all".into()).or_default().add(ex.hot, got);
        if ex.lang == "en" {
            by.entry(format!("en/{}", ex.business))
                .or_default()
                .add(ex.hot, got);
        } else {
            by.entry("other".into()).or_default().add(ex.hot, got);
        }
        if got != ex.hot {
            let want = if ex.hot { "hot" } else { "nurture" };
            println!(
                "MISS {name}:{} [{} {}] want {want}: {}",
                ex.line, ex.lang, ex.business, ex.message
            );
        }
    }
    for (k, s) in &by {
        println!(
            "{name}: {k:14} n={:3} precision={:.2} recall={:.2}",
            s.total(),
            s.precision(),
            s.recall()
        );
    }
    by
}

/// Fails when a group's precision or recall is under `floor` (groups with fewer than
/// `min_n` messages are only printed: too few to tell).
fn check(name: &str, by: &BTreeMap<String, Score>, floors: &[(&str, f64, f64)]) {
    let mut failed = Vec::new();
    for &(group, p_min, r_min) in floors {
        let s = by.get(group).copied().unwrap_or_default();
        assert!(s.total() > 0, "{name}: no messages in group {group}");
        if s.precision() < p_min || s.recall() < r_min {
            failed.push(format!(
                "{group}: precision {:.2} (floor {p_min}), recall {:.2} (floor {r_min})",
                s.precision(),
                s.recall()
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "{name} under its floors:\n{}",
        failed.join("\n")
    );
}

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

fn files(prefix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(data("readiness"))
        .expect("tests/data/readiness")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".tsv"))
        })
        .collect();
    v.sort();
    v
}

fn load(paths: &[PathBuf]) -> Vec<Example> {
    paths
        .iter()
        .flat_map(|p| {
            let text =
                std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            parse(&text, &p.display().to_string())
        })
        .collect()
}

#[test]
fn training_sets_fit() {
    let mut paths = files("train-");
    paths.push(data("readiness-examples.tsv"));
    let ex = load(&paths);
    assert!(ex.len() >= 500, "only {} training messages", ex.len());
    let by = score("train", &ex);
    check("training sets", &by, &[("all", 0.95, 0.95)]);
}

/// The shipped model is exactly what the repo's training sets give (nobody edited it,
/// nobody trained it on anything else): the order and names the trainer uses.
#[test]
fn the_shipped_model_is_what_the_training_sets_give() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = files("train-");
    paths.push(data("readiness-examples.tsv"));
    let sets: Vec<(String, Vec<Example>)> = paths
        .iter()
        .map(|p| {
            let name = p.strip_prefix(root).unwrap().display().to_string();
            let text = std::fs::read_to_string(p).unwrap();
            let ex = parse(&text, &name);
            (name, ex)
        })
        .collect();
    let fitted = train::fit(&sets, Hyper::default());
    let shipped = include_str!("../src/readiness/text/model.tsv");
    assert!(
        fitted.text == shipped,
        "src/readiness/text/model.tsv is not what the training sets give: run \
         cargo run -p handoff-core --example train_readiness"
    );
}

#[test]
fn held_out_set() {
    let paths = files("holdout-");
    assert!(!paths.is_empty(), "no held-out set in tests/data/readiness");
    let ex = load(&paths);
    for lang in ["en", "de", "es", "fr", "ru", "it", "pt", "pl"] {
        assert!(
            ex.iter().any(|e| e.lang == lang),
            "no {lang} in the held-out set"
        );
    }
    let by = score("holdout", &ex);
    check("held-out set", &by, HELD_OUT_FLOORS);
}

/// Today's held-out scores, a little below (see the module docs); per language 0.75 (24
/// messages each: one message is 0.04).
const HELD_OUT_FLOORS: &[(&str, f64, f64)] = &[
    ("all", 0.9, 0.94),
    ("en/b2b", 0.9, 0.93),
    ("en/ecommerce", 0.93, 0.96),
    ("en/services", 0.87, 0.93),
    ("other", 0.9, 0.94),
    ("de", 0.75, 0.75),
    ("es", 0.75, 0.75),
    ("fr", 0.75, 0.75),
    ("ru", 0.75, 0.75),
    ("it", 0.75, 0.75),
    ("pt", 0.75, 0.75),
    ("pl", 0.75, 0.75),
];

fn shared(var: &str, file: &str) -> Option<(PathBuf, Vec<Example>)> {
    let path = std::env::var_os(var).map(PathBuf::from).unwrap_or_else(|| {
        // functions/core → workspace root → its parent → shared/data.
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data")
            .join(file)
    });
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("shared set not found at {}; skipping", path.display());
        return None;
    };
    let ex = parse(&text, &path.display().to_string());
    Some((path, ex))
}

#[test]
fn shared_dev_sets() {
    if let Some((_, ex)) = shared("HANDOFF_READINESS_DEV", "readiness-dev.tsv") {
        let by = score("dev", &ex);
        check("readiness-dev.tsv", &by, DEV_FLOORS);
    }
    if let Some((_, ex)) = shared("HANDOFF_READINESS_DEV2", "readiness-dev2.tsv") {
        let by = score("dev2", &ex);
        check("readiness-dev2.tsv", &by, DEV2_FLOORS);
    }
}

/// Today's scores on the shared sets, a little below; dev2's languages have 18–29
/// messages each.
const DEV_FLOORS: &[(&str, f64, f64)] = &[("all", 0.94, 0.96), ("en", 0.94, 0.96)];
const DEV2_FLOORS: &[(&str, f64, f64)] = &[
    ("all", 0.9, 0.9),
    ("en/b2b", 0.84, 0.9),
    ("en/ecommerce", 0.92, 0.89),
    ("en/services", 0.89, 0.91),
    ("other", 0.93, 0.9),
    ("de", 0.75, 0.75),
    ("es", 0.75, 0.75),
    ("fr", 0.75, 0.75),
    ("ru", 0.75, 0.75),
    ("it", 0.75, 0.75),
    ("pt", 0.75, 0.75),
    ("pl", 0.75, 0.75),
];
