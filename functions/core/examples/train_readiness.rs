//! Trains the readiness model offline and writes `src/readiness/text/model.tsv`.
//!
//!   cargo run -p handoff-core --example train_readiness -- [--eval FILE]... [--out FILE]
//!       [--epochs N] [--rate R] [--l2 L] [--prune P] [--prior W] [TRAIN.tsv...]
//!
//! Without TRAIN files it reads the repo's training sets, in this order:
//! `tests/data/readiness/train-*.tsv`, then `tests/data/readiness-examples.tsv` (never the
//! held-out `holdout-*.tsv`). `--eval` files are scored after training (precision / recall
//! of `hot` per language and business; `TRAIN_MISSES=1` lists the misses) and never
//! trained on. Deterministic: the same files give the same model
//! (`handoff_core::readiness::text::train`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use handoff_core::readiness::text::feature_names;
use handoff_core::readiness::text::train::{fit, parse, Example, Fitted, Hyper};

/// The repo's training sets, in the order the shipped model is fitted on them.
fn default_training(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root.join("tests/data/readiness"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.retain(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("train-") && n.ends_with(".tsv"))
    });
    v.sort();
    v.push(root.join("tests/data/readiness-examples.tsv"));
    v
}

fn load(path: &Path, root: &Path) -> (String, Vec<Example>) {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let name = path
        .strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string();
    let ex = parse(&text, &name).unwrap_or_else(|e| panic!("{e}"));
    (name, ex)
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = root.join("src/readiness/text/model.tsv");
    let mut train_files = Vec::new();
    let mut eval_files = Vec::new();
    let mut h = Hyper::default();
    let mut args = std::env::args().skip(1);
    let num = |v: Option<String>, what: &str| -> f64 {
        v.and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{what} takes a number"))
    };
    while let Some(a) = args.next() {
        match a.as_str() {
            "--epochs" => h.epochs = num(args.next(), "--epochs") as usize,
            "--rate" => h.rate = num(args.next(), "--rate"),
            "--l2" => h.l2 = num(args.next(), "--l2"),
            "--prune" => h.prune = num(args.next(), "--prune"),
            "--prior" => h.prior = num(args.next(), "--prior"),
            "--out" => out = PathBuf::from(args.next().expect("--out FILE")),
            "--eval" => eval_files.push(PathBuf::from(args.next().expect("--eval FILE"))),
            _ => train_files.push(PathBuf::from(a)),
        }
    }
    if train_files.is_empty() {
        train_files = default_training(root);
    }
    let sets: Vec<(String, Vec<Example>)> = train_files.iter().map(|f| load(f, root)).collect();
    let fitted = fit(&sets, h);
    std::fs::write(&out, &fitted.text).unwrap_or_else(|e| panic!("write {}: {e}", out.display()));
    println!("{}; wrote {}", fitted.summary, out.display());
    for f in &eval_files {
        evaluate(&load(f, root), &fitted);
    }
    // the plainest requests and brush-offs, as a sanity line
    let plain = [
        ("How much does it cost?", true),
        ("When can you start?", true),
        ("How much does it cost to paint a room?", true),
        ("Can I get a quote?", true),
        ("Do you have this in size 10?", true),
        ("Thanks for the tips", false),
        ("Hello there", false),
        ("Where is my order?", false),
        ("How much is the premium plan? We don't need a demo.", true),
        ("Not interested, thanks.", false),
    ];
    let wrong: Vec<&str> = plain
        .iter()
        .filter(|(m, hot)| {
            let z: f64 = feature_names(m, handoff_core::model::Business::Services)
                .iter()
                .map(|n| fitted.weights.get(n).copied().unwrap_or(0.0))
                .sum();
            (z > 0.0) != *hot
        })
        .map(|(m, _)| *m)
        .collect();
    println!("plain messages wrong: {wrong:?}");
}

/// Precision / recall of `hot` on a set, scored with the weights as written.
fn evaluate((name, examples): &(String, Vec<Example>), m: &Fitted) {
    let mut by: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    for e in examples {
        let z: f64 = feature_names(&e.message, e.business)
            .iter()
            .map(|n| m.weights.get(n).copied().unwrap_or(0.0))
            .sum();
        let got = z > 0.0;
        if got != e.hot && std::env::var_os("TRAIN_MISSES").is_some() {
            let want = if e.hot { "hot" } else { "nurture" };
            println!(
                "  MISS {name}:{} want {want} ({z:+.2}) [{} {}] {}",
                e.line, e.lang, e.business, e.message
            );
        }
        let cell = match (e.hot, got) {
            (true, true) => 0,
            (false, true) => 1,
            (true, false) => 2,
            (false, false) => 3,
        };
        let mut keys = vec!["all".to_string(), format!("lang {}", e.lang)];
        if e.lang == "en" {
            keys.push(format!("en {}", e.business));
        } else {
            keys.push("other (pooled)".into());
        }
        for key in keys {
            by.entry(key).or_default()[cell] += 1;
        }
    }
    println!("eval {name}:");
    for (k, [tp, fp, fn_, tn]) in by {
        let p = tp as f64 / (tp + fp).max(1) as f64;
        let r = tp as f64 / (tp + fn_).max(1) as f64;
        println!(
            "  {k:16} n={:3} precision={p:.2} recall={r:.2}",
            tp + fp + fn_ + tn
        );
    }
}
