//! Negation: a negator (`not`, `no`, `never`, `kein`, `nicht`, `pas`, `не` …) up to five
//! tokens before a hot phrase, in the same clause and not behind `but`/`and`, cancels it
//! ("I don't need a quote"); so does "not needed"/"nicht" just after it. The words come from
//! the language tables; this is only how they are used.

use super::pattern::{any_hit, parse_alts, Alt, Pattern};
use super::tokens::Tok;
use crate::readiness::text::tables::Language;

/// The negation words of every language, each list joined across the languages.
pub(crate) struct Negation {
    /// Words that negate what follows them.
    pub(crate) negators: Vec<Alt>,
    /// Negators that cancel a hot phrase they follow even with no need-word near.
    final_negators: Vec<Alt>,
    not_negating_next: Vec<Alt>,
    not_negating_prev: Vec<Alt>,
    interjection: Vec<Alt>,
    pronoun: Vec<Alt>,
    conjunctions: Vec<Alt>,
    need_words: Vec<Alt>,
}

impl Negation {
    /// Joins one word list (see [`Language`]) of every language.
    pub(crate) fn new(langs: &[Language]) -> Negation {
        let join = |list: fn(&Language) -> &'static str| -> Vec<Alt> {
            langs
                .iter()
                .map(list)
                .filter(|words| !words.is_empty())
                .flat_map(parse_alts)
                .collect()
        };
        Negation {
            negators: join(|l| l.negators),
            final_negators: join(|l| l.final_negators),
            not_negating_next: join(|l| l.not_negating_next),
            not_negating_prev: join(|l| l.not_negating_prev),
            interjection: join(|l| l.interjection),
            pronoun: join(|l| l.pronoun),
            conjunctions: join(|l| l.conjunctions),
            need_words: join(|l| l.need_words),
        }
    }

    pub(crate) fn is_negator(&self, toks: &[Tok], j: usize) -> bool {
        let t = &toks[j].text;
        if !any_hit(&self.negators, t) {
            return false;
        }
        let next = toks.get(j + 1).filter(|n| n.clause == toks[j].clause);
        let prev = j
            .checked_sub(1)
            .map(|p| &toks[p])
            .filter(|p| p.clause == toks[j].clause);
        if next.is_some_and(|n| any_hit(&self.not_negating_next, &n.text)) {
            return false;
        }
        if prev.is_some_and(|p| any_hit(&self.not_negating_prev, &p.text)) {
            return false;
        }
        if any_hit(&self.interjection, t) && next.is_some_and(|n| any_hit(&self.pronoun, &n.text)) {
            return false;
        }
        true
    }

    /// Is the match `s..e` of `p` negated by its context?
    pub(crate) fn negated(&self, toks: &[Tok], p: &Pattern, s: usize, e: usize) -> bool {
        if p.negator_first {
            // "not interested" carries its own negator; "not sure …" is no negation at all.
            return !self.is_negator(toks, s);
        }
        let clause = toks[s].clause;
        // Inside a gap: "please do not call".
        if !p.negator_inside && (s + 1..e).any(|j| self.is_negator(toks, j)) {
            return true;
        }
        // Before: up to five tokens, same clause, not past a conjunction.
        for j in (s.saturating_sub(5)..s).rev() {
            if toks[j].clause != clause || any_hit(&self.conjunctions, &toks[j].text) {
                break;
            }
            if self.is_negator(toks, j) {
                return true;
            }
        }
        // After: "a demo is not needed", "das Angebot brauchen wir nicht".
        let end = (e + 4).min(toks.len());
        for j in e..end {
            if toks[j].clause != clause || any_hit(&self.conjunctions, &toks[j].text) {
                break;
            }
            if self.is_negator(toks, j) {
                let need_near = (e..(j + 3).min(toks.len()))
                    .any(|k| toks[k].clause == clause && any_hit(&self.need_words, &toks[k].text));
                if any_hit(&self.final_negators, &toks[j].text) || need_near {
                    return true;
                }
            }
        }
        false
    }
}
