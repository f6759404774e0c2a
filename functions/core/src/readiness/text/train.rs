//! Fitting the readiness model (offline: `cargo run -p handoff-core --example
//! train_readiness`; a test checks the shipped `model.tsv` is exactly what the repo's
//! training sets give). An L2-regularised logistic regression over the features of
//! [`super::model`], fitted with AdaGrad in a fixed order, so the same sets give the
//! same file.

use std::collections::{BTreeMap, HashMap};

use crate::model::Business;

/// One labelled message.
#[derive(Debug, Clone)]
pub struct Example {
    pub hot: bool,
    pub business: Business,
    pub lang: String,
    pub message: String,
    /// Its line in the file it came from.
    pub line: usize,
}

/// Parses a labelled set: tab-separated `label business lang message`, `#` comments,
/// the first other line the header.
pub fn parse(text: &str, name: &str) -> Result<Vec<Example>, String> {
    let mut out = Vec::new();
    let mut header = false;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if !header {
            if !line.starts_with("label\t") {
                return Err(format!("{name}:{}: expected the header", i + 1));
            }
            header = true;
            continue;
        }
        let cols: Vec<&str> = line.splitn(4, '\t').collect();
        let [label, business, lang, message] = cols.as_slice() else {
            return Err(format!(
                "{name}:{}: expected 4 tab-separated columns",
                i + 1
            ));
        };
        out.push(Example {
            hot: match *label {
                "hot" => true,
                "nurture" => false,
                l => return Err(format!("{name}:{}: unknown label {l:?}", i + 1)),
            },
            business: business
                .parse()
                .map_err(|e| format!("{name}:{}: {e}", i + 1))?,
            lang: lang.to_string(),
            message: message.to_string(),
            line: i + 1,
        });
    }
    Ok(out)
}

/// The fitting's settings.
#[derive(Debug, Clone, Copy)]
pub struct Hyper {
    pub epochs: usize,
    pub rate: f64,
    pub l2: f64,
    /// Weights smaller than this are left out of the file.
    pub prune: f64,
    /// The fixed weight of the phrase rules' finding (`r:hot.*` +prior; `r:decline`,
    /// `r:support`, `r:not_buyer` −prior): the words learn to correct the rules where
    /// the examples show them wrong, and cannot explain them away where they do not.
    pub prior: f64,
}

impl Default for Hyper {
    fn default() -> Self {
        Hyper {
            epochs: 60,
            rate: 0.3,
            l2: 5e-5,
            prune: 0.01,
            prior: 1.5,
        }
    }
}

/// A fitted model: the file's text and the weights by feature name.
pub struct Fitted {
    pub text: String,
    pub weights: HashMap<String, f64>,
    pub summary: String,
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Fits the model on `sets` (`(name, examples)`, in this order).
pub fn fit(sets: &[(String, Vec<Example>)], h: Hyper) -> Fitted {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    let mut rows: Vec<(Vec<usize>, bool)> = Vec::new();
    for (_, examples) in sets {
        for e in examples {
            // a feature that occurs twice counts twice, as it does when scoring
            let fs: Vec<usize> = super::feature_names(&e.message, e.business)
                .into_iter()
                .map(|n| {
                    *index.entry(n.clone()).or_insert_with(|| {
                        names.push(n);
                        names.len() - 1
                    })
                })
                .collect();
            rows.push((fs, e.hot));
        }
    }
    let n = names.len();
    let fixed: Vec<Option<f64>> = names
        .iter()
        .map(|name| match name.strip_prefix("r:") {
            Some(r) if r.starts_with("hot.") => Some(h.prior),
            Some(_) => Some(-h.prior),
            None => None,
        })
        .collect();
    let mut w: Vec<f64> = fixed.iter().map(|f| f.unwrap_or(0.0)).collect();
    let mut g2 = vec![1e-8f64; n];
    let pos = rows.iter().filter(|r| r.1).count() as f64;
    let neg = rows.len() as f64 - pos;
    // the classes weigh the same in all
    let (wp, wn) = (
        rows.len() as f64 / (2.0 * pos.max(1.0)),
        rows.len() as f64 / (2.0 * neg.max(1.0)),
    );
    let mut state: u64 = 0x5eed;
    let mut below = |k: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % k
    };
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let l2 = h.l2 * rows.len() as f64 / 100.0;
    for _ in 0..h.epochs {
        for i in (1..order.len()).rev() {
            let j = below(i + 1);
            order.swap(i, j);
        }
        for &r in &order {
            let (fs, hot) = &rows[r];
            let z: f64 = fs.iter().map(|&k| w[k]).sum();
            let (y, cw) = if *hot { (1.0, wp) } else { (0.0, wn) };
            let err = (sigmoid(z) - y) * cw;
            for &k in fs {
                if fixed[k].is_some() {
                    continue;
                }
                let g = err + l2 * w[k];
                g2[k] += g * g;
                w[k] -= h.rate * g / g2[k].sqrt();
            }
        }
    }
    let kept: BTreeMap<&str, f64> = names
        .iter()
        .zip(&w)
        .filter(|(name, x)| x.abs() >= h.prune || name.as_str() == "bias")
        .map(|(name, x)| (name.as_str(), *x))
        .collect();
    let mut text = String::from(
        "# handoff readiness model: feature TAB weight (log-odds of hot). Generated by\n\
         # `cargo run -p handoff-core --example train_readiness`; do not edit by hand\n\
         # (a test checks this file is what the training sets give).\n",
    );
    text.push_str(&format!(
        "# logistic regression, AdaGrad, {} epochs, rate {}, L2 {}, |w| >= {}, rule prior {}; {} of {} features kept\n",
        h.epochs,
        h.rate,
        h.l2,
        h.prune,
        h.prior,
        kept.len(),
        n
    ));
    for (name, examples) in sets {
        text.push_str(&format!(
            "# trained on {name} ({} messages)\n",
            examples.len()
        ));
    }
    for (name, x) in &kept {
        text.push_str(&format!("{name}\t{x:.4}\n"));
    }
    let summary = format!(
        "trained on {} messages ({} hot), {} features, {} kept",
        rows.len(),
        pos,
        n,
        kept.len()
    );
    let weights = kept
        .into_iter()
        .map(|(k, x)| (k.to_string(), (x * 1e4).round() / 1e4))
        .collect();
    Fitted {
        text,
        weights,
        summary,
    }
}
