//! The learned half of free-text readiness: a logistic regression over the words of a
//! message, trained offline (`cargo run -p handoff-core --example train_readiness`) from
//! the labelled examples kept in the repo, and shipped as data (`model.tsv`, one
//! `feature TAB weight` per line). Nothing is downloaded or trained at run time.
//!
//! Features, all from the engine's normalised tokens (lowercase, accents folded):
//! - `w:{word}` — each word; `p:{stem}` — its first five letters when it is longer (a
//!   language-blind stem: `angebot`/`angebote`, `zamówić`/`zamówienie`, `cotización`/
//!   `cotizar` meet);
//! - `b:{stem}_{stem}` — two neighbouring stems in one clause (`free_on`, `how_much`);
//! - `q:{stem}` — the first stem of a clause that ends in a question mark (`could`,
//!   `is`, `do`), and `q` for any question;
//! - `e:{stem}` — a stem in an e-commerce message (a shop's customers ask before buying
//!   what a service's customers ask after: "does it come in XXL?");
//! - `r:{signal}` — what the phrase rules found (`r:hot.price`, `r:decline`,
//!   `r:support`, `r:not_buyer`), so the model learns when to trust them.
//!
//! Each feature is looked up by a 64-bit key made of the hashes the tokenizer already
//! computed for its words ([`key`]); the model file names features in words, and their
//! keys are computed from the names when it is parsed ([`key_of_name`]). The weights sit
//! in one flat open-addressed table; the names are kept for explanations.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::engine::atoms::{flag, fnv};
use super::engine::tokens::{Doc, STEM};
use super::engine::FastMap;

/// The shipped weights.
const MODEL: &str = include_str!("model.tsv");

/// The kinds of feature, as [`key`] tells them apart.
#[derive(Clone, Copy)]
#[repr(u64)]
enum Kind {
    Bias = 1,
    Rule,
    Question,
    Negator,
    Negated,
    Number,
    Word,
    Stem,
    Shop,
    Pair,
    Asks,
}

/// The key of a feature of `kind` over the word hashes `a` and `b` (0 when unused).
#[inline]
fn key(kind: Kind, a: u64, b: u64) -> u64 {
    let mut h =
        (a ^ (kind as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)).wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 32;
    h = (h ^ b.rotate_left(17)).wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 29;
    h.max(1)
}

/// The key of a feature named as in `model.tsv` (`w:free`, `b:free_on`, `q`, …); none
/// for a name no text can give.
pub fn key_of_name(name: &str) -> Option<u64> {
    Some(match name {
        "bias" => key(Kind::Bias, 0, 0),
        "q" => key(Kind::Question, 0, 0),
        "neg" => key(Kind::Negator, 0, 0),
        "w:#" => key(Kind::Number, 0, 0),
        _ => {
            let (kind, rest) = name.split_once(':')?;
            match kind {
                "r" => key(Kind::Rule, fnv(rest), 0),
                "n" => key(Kind::Negated, fnv(rest), 0),
                "w" => key(Kind::Word, fnv(rest), 0),
                "p" => key(Kind::Stem, fnv(rest), 0),
                "e" => key(Kind::Shop, fnv(rest), 0),
                "q" => key(Kind::Asks, fnv(rest), 0),
                "b" => {
                    let (x, y) = rest.split_once('_')?;
                    key(Kind::Pair, fnv(x), fnv(y))
                }
                _ => return None,
            }
        }
    })
}

/// The first [`STEM`] characters of `w` (all of it when shorter).
fn stem(w: &str) -> &str {
    match w.char_indices().nth(STEM) {
        Some((i, _)) => &w[..i],
        None => w,
    }
}

/// Calls `f(key, name, span)` for every feature of a message: `name` builds the
/// feature's readable name only when the caller asks (explanations, training), `span` is
/// the byte span of the words it stands for (`(0, 0)` for none).
pub(crate) fn for_each_feature<F>(doc: &Doc, ecommerce: bool, rule: Option<&str>, f: &mut F)
where
    F: FnMut(u64, &dyn Fn() -> String, (usize, usize)),
{
    f(key(Kind::Bias, 0, 0), &|| "bias".into(), (0, 0));
    if let Some(r) = rule {
        f(key(Kind::Rule, fnv(r), 0), &|| format!("r:{r}"), (0, 0));
    }
    if doc.any_question {
        f(key(Kind::Question, 0, 0), &|| "q".into(), (0, 0));
    }
    let toks = &doc.toks;
    // the previous word's stem hash, its index and clause
    let mut prev: Option<(u64, usize, u32)> = None;
    let mut clause_start = true;
    // words a negator reaches ("do not need a quote"): counted down, reset per clause
    let mut negated = 0u8;
    for (i, t) in toks.iter().enumerate() {
        let span = (t.start, t.end);
        let w = || doc.word(i);
        if i > 0 && toks[i - 1].clause != t.clause {
            negated = 0;
        }
        if t.flags & flag::NEGATES != 0 {
            // the negator itself says nothing until we know what it negates: `n:` does
            negated = 4;
            f(key(Kind::Negator, 0, 0), &|| "neg".into(), span);
            prev = None;
            continue;
        } else if negated > 0 {
            negated -= 1;
            f(
                key(Kind::Negated, t.stem_hash, 0),
                &|| format!("n:{}", stem(w())),
                span,
            );
        }
        if t.number {
            f(key(Kind::Number, 0, 0), &|| "w:#".into(), span);
            prev = None;
            continue;
        }
        f(
            key(Kind::Word, t.word_hash, 0),
            &|| format!("w:{}", w()),
            span,
        );
        if t.stemmed {
            f(
                key(Kind::Stem, t.stem_hash, 0),
                &|| format!("p:{}", stem(w())),
                span,
            );
        }
        if ecommerce {
            f(
                key(Kind::Shop, t.stem_hash, 0),
                &|| format!("e:{}", stem(w())),
                span,
            );
        }
        if let Some((ph, pi, pc)) = prev {
            if pc == t.clause {
                f(
                    key(Kind::Pair, ph, t.stem_hash),
                    &|| format!("b:{}_{}", stem(doc.word(pi)), stem(w())),
                    (toks[i - 1].start, t.end),
                );
            }
        }
        if i > 0 && toks[i - 1].clause != t.clause {
            clause_start = true;
        }
        if clause_start {
            if t.question {
                f(
                    key(Kind::Asks, t.stem_hash, 0),
                    &|| format!("q:{}", stem(w())),
                    span,
                );
            }
            clause_start = false;
        }
        prev = Some((t.stem_hash, i, t.clause));
    }
}

/// A feature's name as words: `w:free` → `"free"`, `b:free_on` → `"free on"`,
/// `q:could` → `"a question: could…"`, `p:angeb` → `"angeb…"`.
pub fn describe(name: &str) -> String {
    let (kind, rest) = name.split_once(':').unwrap_or(("", name));
    match kind {
        "w" if rest == "#" => "a number".into(),
        "w" => format!("\"{rest}\""),
        "p" | "e" => format!("\"{rest}…\""),
        "n" => format!("not … \"{rest}…\""),
        "b" => format!("\"{}\"", rest.replace('_', " ")),
        "q" => format!("a question: \"{rest}…\""),
        _ if name == "q" => "a question".into(),
        _ => name.into(),
    }
}

/// The weights in a flat open-addressed table (linear probing, at most half full), and
/// the names behind them.
pub(crate) struct Model {
    keys: Vec<u64>,
    weights: Vec<f32>,
    mask: usize,
    names: FastMap<u64, String>,
}

impl Model {
    /// Parses `feature TAB weight` lines (`#` comments).
    pub(crate) fn parse(text: &str) -> Result<Model, String> {
        let mut entries = Vec::new();
        let mut names = FastMap::default();
        for (i, line) in text.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (name, w) = line
                .rsplit_once('\t')
                .ok_or_else(|| format!("model line {}: no tab", i + 1))?;
            let w: f32 = w
                .parse()
                .map_err(|_| format!("model line {}: weight {w:?}", i + 1))?;
            let k = key_of_name(name)
                .ok_or_else(|| format!("model line {}: no such feature {name:?}", i + 1))?;
            if let Some(other) = names.insert(k, name.to_string()) {
                return Err(format!(
                    "model line {}: {name:?} has the key of {other:?}",
                    i + 1
                ));
            }
            entries.push((k, w));
        }
        let size = (entries.len() * 2).next_power_of_two().max(16);
        let mut m = Model {
            keys: vec![0; size],
            weights: vec![0.0; size],
            mask: size - 1,
            names,
        };
        for (k, w) in entries {
            let mut at = m.slot(k);
            while m.keys[at] != 0 {
                at = (at + 1) & m.mask;
            }
            m.keys[at] = k;
            m.weights[at] = w;
        }
        Ok(m)
    }

    #[inline]
    fn slot(&self, k: u64) -> usize {
        (k >> 20) as usize & self.mask
    }

    #[inline]
    pub(crate) fn weight(&self, k: u64) -> f32 {
        let mut at = self.slot(k);
        loop {
            let x = self.keys[at];
            if x == k {
                return self.weights[at];
            }
            if x == 0 {
                return 0.0;
            }
            at = (at + 1) & self.mask;
        }
    }

    pub(crate) fn name(&self, k: u64) -> Option<&str> {
        self.names.get(&k).map(String::as_str)
    }

    /// The log-odds that the message is hot.
    pub(crate) fn score(&self, doc: &Doc, ecommerce: bool, rule: Option<&str>) -> f32 {
        let mut z = 0.0;
        for_each_feature(doc, ecommerce, rule, &mut |k, _: &dyn Fn() -> String, _| {
            z += self.weight(k)
        });
        z
    }

    /// The features that moved the score most, strongest first: `(name, weight, the
    /// words as written where the feature has them)`.
    pub(crate) fn top(
        &self,
        text: &str,
        doc: &Doc,
        ecommerce: bool,
        rule: Option<&str>,
    ) -> Vec<(String, f32, Option<String>)> {
        let mut seen: HashMap<u64, (f32, (usize, usize))> = HashMap::new();
        for_each_feature(
            doc,
            ecommerce,
            rule,
            &mut |k, _: &dyn Fn() -> String, span| {
                seen.entry(k).or_insert((0.0, span)).0 += self.weight(k)
            },
        );
        let mut v: Vec<(String, f32, Option<String>)> = seen
            .into_iter()
            .filter(|(_, (w, _))| *w != 0.0)
            .filter_map(|(k, (w, (a, b)))| {
                let written = (b > a).then(|| text[a..b].to_string());
                self.name(k).map(|n| (n.to_string(), w, written))
            })
            .filter(|(n, _, _)| n != "bias")
            .collect();
        v.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
        v
    }
}

/// The shipped model, parsed once.
pub(crate) fn model() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| Model::parse(MODEL).expect("the shipped readiness model parses"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str, ecommerce: bool) -> Vec<String> {
        let doc = super::super::lexicon().doc(text);
        let mut v = Vec::new();
        for_each_feature(
            &doc,
            ecommerce,
            Some("hot.price"),
            &mut |k, name: &dyn Fn() -> String, _| {
                let n = name();
                assert_eq!(Some(k), key_of_name(&n), "the key is the name's: {n}");
                v.push(n);
            },
        );
        v
    }

    #[test]
    fn features_name_words_stems_pairs_and_questions() {
        let f = names("Is anyone free on Friday? We'd like 25 covers.", false);
        for want in [
            "bias",
            "r:hot.price",
            "q",
            "w:anyone",
            "p:anyon",
            "b:anyon_free",
            "b:free_on",
            "q:is",
            "w:#",
            "w:covers",
        ] {
            assert!(f.contains(&want.to_string()), "{want} in {f:?}");
        }
        // the second clause is no question; no pair across clauses; no shop stems
        assert!(!f.contains(&"q:we".to_string()), "{f:?}");
        assert!(!f.contains(&"b:frida_we".to_string()), "{f:?}");
        assert!(!f.iter().any(|n| n.starts_with("e:")), "{f:?}");
        assert!(names("does it come in XXL?", true).contains(&"e:xxl".to_string()));
        // negators and what they reach; the name of each key is checked in `names`
        let f = names("We do not need a quote, thanks", false);
        assert!(
            f.contains(&"neg".to_string()) && f.contains(&"n:need".to_string()),
            "{f:?}"
        );
    }

    #[test]
    fn the_shipped_model_parses_and_scores() {
        let m = model();
        assert!(m.names.len() > 100, "{} weights", m.names.len());
        let doc = super::super::lexicon().doc("hello");
        assert!(m.score(&doc, false, None).is_finite());
        // every shipped weight is found under its name's key
        for (k, name) in &m.names {
            assert_eq!(key_of_name(name), Some(*k));
            assert_ne!(m.weight(*k), 0.0, "{name}");
        }
        assert!(Model::parse("w:a\t1\nnonsense\t2\n").is_err());
    }
}
