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
//! Each feature is looked up by a 64-bit FNV-1a hash of its name, computed without
//! building the string; the names are kept for explanations.

use std::collections::HashMap;

use super::engine::FastMap;
use std::sync::OnceLock;

use super::engine::tokens::Tok;

/// The shipped weights.
const MODEL: &str = include_str!("model.tsv");

/// How many letters a stem keeps.
const STEM: usize = 5;

/// FNV-1a, 64 bits, over the parts of a feature name.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    const fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn bytes(mut self, b: &[u8]) -> Self {
        for &x in b {
            self.0 ^= x as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        self
    }
    fn str(self, s: &str) -> Self {
        self.bytes(s.as_bytes())
    }
}

/// The hash of a feature name as written in `model.tsv`.
pub fn hash_name(name: &str) -> u64 {
    Fnv::new().str(name).0
}

/// The first [`STEM`] characters of `w` (all of it when shorter).
fn stem(w: &str) -> &str {
    match w.char_indices().nth(STEM) {
        Some((i, _)) => &w[..i],
        None => w,
    }
}

/// What [`for_each_feature`] calls per feature: its hash, its name (built only when
/// called), and the byte span of the words it stands for (`(0, 0)` for none).
pub(crate) type Visit<'a> = dyn FnMut(u64, &dyn Fn() -> String, (usize, usize)) + 'a;

/// Calls `f(hash, name-parts)` for every feature of a message; `name` builds the
/// feature's readable name only when the caller asks (explanations, training).
pub(crate) fn for_each_feature(
    text: &str,
    toks: &[Tok],
    ecommerce: bool,
    rule: Option<&str>,
    f: &mut Visit<'_>,
) {
    let h = Fnv::new();
    f(h.str("bias").0, &|| "bias".into(), (0, 0));
    if let Some(r) = rule {
        f(h.str("r:").str(r).0, &|| format!("r:{r}"), (0, 0));
    }
    // the clauses that end in '?': the byte offset of each '?'
    let questions: Vec<usize> = text.match_indices('?').map(|(i, _)| i).collect();
    if !questions.is_empty() {
        f(h.str("q").0, &|| "q".into(), (0, 0));
    }
    let negation = &super::lexicon().negation;
    let mut prev: Option<(&str, u32)> = None;
    let mut clause_start = true;
    // words a negator reaches ("do not need a quote"): counted down, reset per clause
    let mut negated = 0u8;
    for (i, t) in toks.iter().enumerate() {
        let w = t.text.as_str();
        let span = (t.start, t.end);
        if i > 0 && toks[i - 1].clause != t.clause {
            negated = 0;
        }
        if negation.is_negator(toks, i) {
            // the negator itself says nothing until we know what it negates: `n:` does
            negated = 4;
            f(h.str("neg").0, &|| "neg".into(), span);
            prev = None;
            continue;
        } else if negated > 0 {
            negated -= 1;
            let s = stem(w);
            f(h.str("n:").str(s).0, &|| format!("n:{s}"), span);
        }
        if w.chars().all(|c| c.is_ascii_digit()) {
            f(h.str("w:#").0, &|| "w:#".into(), span);
            prev = None;
            continue;
        }
        let s = stem(w);
        f(h.str("w:").str(w).0, &|| format!("w:{w}"), span);
        if s.len() < w.len() {
            f(h.str("p:").str(s).0, &|| format!("p:{s}"), span);
        }
        if ecommerce {
            f(h.str("e:").str(s).0, &|| format!("e:{s}"), span);
        }
        if let Some((ps, pc)) = prev {
            if pc == t.clause {
                f(
                    h.str("b:").str(ps).str("_").str(s).0,
                    &|| format!("b:{ps}_{s}"),
                    (toks[i - 1].start, t.end),
                );
            }
        }
        if i > 0 && toks[i - 1].clause != t.clause {
            clause_start = true;
        }
        if clause_start {
            // a question: the clause's text runs to a '?' before the next clause's words
            let end = toks
                .iter()
                .skip(i)
                .take_while(|x| x.clause == t.clause)
                .last()
                .map_or(t.end, |x| x.end);
            let next_start = toks
                .iter()
                .skip(i)
                .find(|x| x.clause != t.clause)
                .map_or(text.len(), |x| x.start);
            if questions.iter().any(|&q| q >= end && q < next_start) {
                f(h.str("q:").str(s).0, &|| format!("q:{s}"), span);
            }
            clause_start = false;
        }
        prev = Some((s, t.clause));
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

/// The weights, by feature hash, and the names behind them.
pub(crate) struct Model {
    weights: FastMap<u64, f32>,
    names: FastMap<u64, String>,
}

impl Model {
    /// Parses `feature TAB weight` lines (`#` comments).
    pub(crate) fn parse(text: &str) -> Result<Model, String> {
        let mut weights = FastMap::default();
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
            let k = hash_name(name);
            weights.insert(k, w);
            names.insert(k, name.to_string());
        }
        Ok(Model { weights, names })
    }

    pub(crate) fn weight(&self, hash: u64) -> f32 {
        self.weights.get(&hash).copied().unwrap_or(0.0)
    }

    pub(crate) fn name(&self, hash: u64) -> Option<&str> {
        self.names.get(&hash).map(String::as_str)
    }

    /// The log-odds that the message is hot.
    pub(crate) fn score(
        &self,
        text: &str,
        toks: &[Tok],
        ecommerce: bool,
        rule: Option<&str>,
    ) -> f32 {
        let mut z = 0.0;
        for_each_feature(text, toks, ecommerce, rule, &mut |k, _, _| {
            z += self.weight(k)
        });
        z
    }

    /// The features that moved the score most, strongest first: `(name, weight, the
    /// words as written where the feature has them)`.
    pub(crate) fn top(
        &self,
        text: &str,
        toks: &[Tok],
        ecommerce: bool,
        rule: Option<&str>,
    ) -> Vec<(String, f32, Option<String>)> {
        let mut seen: HashMap<u64, (f32, (usize, usize))> = HashMap::new();
        for_each_feature(text, toks, ecommerce, rule, &mut |k, _, span| {
            seen.entry(k).or_insert((0.0, span)).0 += self.weight(k)
        });
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
    use super::super::engine::tokens::tokenize;
    use super::*;

    fn names(text: &str, ecommerce: bool) -> Vec<String> {
        let toks = tokenize(text);
        let mut v = Vec::new();
        for_each_feature(
            text,
            &toks,
            ecommerce,
            Some("hot.price"),
            &mut |k, name, _| {
                let n = name();
                assert_eq!(k, hash_name(&n), "the hash is the name's: {n}");
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
    }

    #[test]
    fn the_shipped_model_parses_and_scores() {
        let m = model();
        assert!(m.weights.len() > 100, "{} weights", m.weights.len());
        let toks = tokenize("hello");
        assert!(m.score("hello", &toks, false, None).is_finite());
    }
}
