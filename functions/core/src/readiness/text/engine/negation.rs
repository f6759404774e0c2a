//! Negation: a negator (`not`, `no`, `never`, `kein`, `nicht`, `pas`, `не` …) up to five
//! tokens before a hot phrase, in the same clause and not behind `but`/`and`, cancels it
//! ("I don't need a quote"); so does "not needed"/"nicht" just after it. The words come from
//! the language tables (compiled into word classes of atoms, [`super::atoms::flag`]); this
//! is only how they are used.

use super::atoms::{flag, Atoms};
use super::pattern::{parse_alts, Alt, Pattern};
use super::tokens::Tok;
use crate::readiness::text::tables::Language;

/// One word list of a [`Language`].
type WordList = fn(&Language) -> &'static str;

/// Gives the atoms of every language's negation lists their word classes, and returns
/// the negators (to tell patterns that start with one).
pub(crate) fn compile(langs: &[Language], atoms: &mut Atoms) -> Vec<Alt> {
    let join = |list: fn(&Language) -> &'static str| -> Vec<Alt> {
        langs
            .iter()
            .map(list)
            .filter(|words| !words.is_empty())
            .flat_map(parse_alts)
            .collect()
    };
    let lists: [(WordList, u16); 8] = [
        (|l| l.negators, flag::NEGATOR),
        (|l| l.final_negators, flag::FINAL_NEGATOR),
        (|l| l.not_negating_next, flag::NOT_NEGATING_NEXT),
        (|l| l.not_negating_prev, flag::NOT_NEGATING_PREV),
        (|l| l.interjection, flag::INTERJECTION),
        (|l| l.pronoun, flag::PRONOUN),
        (|l| l.conjunctions, flag::CONJUNCTION),
        (|l| l.need_words, flag::NEED_WORD),
    ];
    for (list, bit) in lists {
        atoms.mark(&join(list), bit);
    }
    join(|l| l.negators)
}

/// Whether token `j` negates where it stands: a negator not followed by "sure"/"obligation"
/// …, not preceded by "know" …, and not an answer ("no, I'd like…").
pub(crate) fn is_negator(toks: &[Tok], j: usize) -> bool {
    let f = toks[j].flags;
    if f & flag::NEGATOR == 0 {
        return false;
    }
    let next = toks.get(j + 1).filter(|n| n.clause == toks[j].clause);
    let prev = j
        .checked_sub(1)
        .map(|p| &toks[p])
        .filter(|p| p.clause == toks[j].clause);
    if next.is_some_and(|n| n.flags & flag::NOT_NEGATING_NEXT != 0) {
        return false;
    }
    if prev.is_some_and(|p| p.flags & flag::NOT_NEGATING_PREV != 0) {
        return false;
    }
    if f & flag::INTERJECTION != 0 && next.is_some_and(|n| n.flags & flag::PRONOUN != 0) {
        return false;
    }
    true
}

fn negates(t: &Tok) -> bool {
    t.flags & flag::NEGATES != 0
}

fn has(t: &Tok, bit: u16) -> bool {
    t.flags & bit != 0
}

/// Is the match `s..e` of `p` negated by its context?
pub(crate) fn negated(toks: &[Tok], p: &Pattern, s: usize, e: usize) -> bool {
    if p.negator_first {
        // "not interested" carries its own negator; "not sure …" is no negation at all.
        return !negates(&toks[s]);
    }
    let clause = toks[s].clause;
    // Inside a gap: "please do not call".
    if !p.negator_inside && toks[s + 1..e].iter().any(negates) {
        return true;
    }
    // Before: up to five tokens, same clause, not past a conjunction.
    for t in toks[s.saturating_sub(5)..s].iter().rev() {
        if t.clause != clause || has(t, flag::CONJUNCTION) {
            break;
        }
        if negates(t) {
            return true;
        }
    }
    // After: "a demo is not needed", "das Angebot brauchen wir nicht".
    let end = (e + 4).min(toks.len());
    for j in e..end {
        let t = &toks[j];
        if t.clause != clause || has(t, flag::CONJUNCTION) {
            break;
        }
        if negates(t) {
            let need_near = toks[e..(j + 3).min(toks.len())]
                .iter()
                .any(|k| k.clause == clause && has(k, flag::NEED_WORD));
            if has(t, flag::FINAL_NEGATOR) || need_near {
                return true;
            }
        }
    }
    false
}
