//! Token patterns: their syntax (see [`Pattern`]), compilation to atoms, and matching
//! against the tokens of one text.

use super::atoms::Atoms;
use super::tokens::{fold, Doc};

/// One way a pattern word may match a token.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Alt {
    Exact(String),
    Prefix(String),
    Suffix(String),
    /// `#`: any number.
    Number,
    /// `##`: a number of five or more digits (order and ticket numbers).
    LongNumber,
}

impl Alt {
    /// Whether the normalised word `t` matches (the tables' own checks; texts are
    /// matched through atoms).
    pub(crate) fn hit(&self, t: &str) -> bool {
        match self {
            Alt::Exact(w) => t == w,
            Alt::Prefix(p) => t.starts_with(p.as_str()),
            Alt::Suffix(s) => t.ends_with(s.as_str()),
            Alt::Number => !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()),
            Alt::LongNumber => t.len() >= 5 && t.chars().all(|c| c.is_ascii_digit()),
        }
    }
}

/// Parses `a|b*|*c|#` into alternatives, normalised like the text.
pub(crate) fn parse_alts(s: &str) -> Vec<Alt> {
    s.split('|')
        .map(|a| {
            if a == "#" {
                Alt::Number
            } else if a == "##" {
                Alt::LongNumber
            } else if let Some(p) = a.strip_suffix('*') {
                Alt::Prefix(fold(p))
            } else if let Some(p) = a.strip_prefix('*') {
                Alt::Suffix(fold(p))
            } else {
                Alt::Exact(fold(a))
            }
        })
        .collect()
}

/// One pattern word: its alternatives as written and as atoms (sorted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    pub(crate) alts: Vec<Alt>,
    atoms: Box<[u32]>,
}

impl Word {
    /// Whether token `i` of `doc` is one of the alternatives.
    #[inline]
    pub(crate) fn hit(&self, doc: &Doc, i: usize) -> bool {
        doc.atoms_of(i)
            .iter()
            .any(|a| self.atoms.binary_search(a).is_ok())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Elem {
    /// One token matching any alternative.
    Word(Word),
    /// Skip up to n tokens of the same clause.
    Gap(usize),
    /// The next token (same clause) must not match; consumes nothing.
    NotNext(Word),
    /// The previous token (same clause) must not match; consumes nothing.
    NotPrev(Word),
    /// The next word may be in the following clause ("no, thanks").
    Break,
}

/// A token pattern. Syntax, words separated by spaces:
/// - `price` exact word; `pric*` prefix; `*kosten` suffix (German compounds); `#` a number,
///   `##` a number of 5+ digits;
/// - `a|b|c*` alternatives for one token;
/// - `..` skips up to 3 tokens, `...` up to 6 (never across a clause break);
/// - `!a|b` the next token must not be one of these; `<!a|b` the previous one must not;
/// - `,` lets the next word sit after a comma/full stop ("no , thanks").
///
/// Words are normalised like the text (lowercase, accents folded), so tables may be
/// written with accents. Consecutive words must otherwise be in the same clause.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    /// The table entry, for test messages and `Debug` output.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) src: &'static str,
    pub(crate) elems: Vec<Elem>,
    /// The pattern itself starts with a negator ("not interested"): no negation check.
    pub(crate) negator_first: bool,
    /// Some word of the pattern is a negator ("payment did not go through"): a negator
    /// inside the match is part of the phrase, not a negation of it.
    pub(crate) negator_inside: bool,
    /// The index of the first `Word` (what a match starts on).
    first: usize,
}

impl Pattern {
    pub(crate) fn compile(src: &'static str, negators: &[Alt], atoms: &mut Atoms) -> Pattern {
        let mut word = |s: &str| {
            let alts = parse_alts(s);
            let mut ids: Vec<u32> = alts.iter().map(|a| atoms.intern(a)).collect();
            ids.sort_unstable();
            ids.dedup();
            Word {
                alts,
                atoms: ids.into(),
            }
        };
        let elems: Vec<Elem> = src
            .split_whitespace()
            .map(|w| match w {
                ".." => Elem::Gap(3),
                "..." => Elem::Gap(6),
                "," => Elem::Break,
                _ if w.starts_with("<!") => Elem::NotPrev(word(&w[2..])),
                _ if w.starts_with('!') => Elem::NotNext(word(&w[1..])),
                _ => Elem::Word(word(w)),
            })
            .collect();
        let negating = |e: &Elem| match e {
            Elem::Word(a) => Some(
                a.alts
                    .iter()
                    .any(|a| matches!(a, Alt::Exact(w) if negators.iter().any(|n| n.hit(w)))),
            ),
            _ => None,
        };
        let negator_first = elems.iter().find_map(negating) == Some(true);
        let negator_inside = elems.iter().any(|e| negating(e) == Some(true));
        let first = elems
            .iter()
            .position(|e| matches!(e, Elem::Word(_)))
            .unwrap_or(0);
        Pattern {
            src,
            elems,
            negator_first,
            negator_inside,
            first,
        }
    }

    /// The atoms a match can start on (those of the first word).
    pub(crate) fn first_atoms(&self) -> &[u32] {
        match &self.elems.get(self.first) {
            Some(Elem::Word(w)) => &w.atoms,
            _ => &[],
        }
    }

    /// Whether every word of the pattern has an atom among those of the text.
    pub(crate) fn possible(&self, present: &[u64]) -> bool {
        self.elems.iter().all(|e| match e {
            Elem::Word(w) => w
                .atoms
                .iter()
                .any(|&a| present[a as usize / 64] & (1 << (a % 64)) != 0),
            _ => true,
        })
    }

    /// The match starting at token `s` (the token its first word is on), as one past its
    /// last token.
    #[inline]
    pub(crate) fn match_at(&self, doc: &Doc, s: usize) -> Option<usize> {
        match_from(&self.elems, doc, s, None, false).filter(|&e| e > s)
    }
}

/// Tries `elems` at `pos`; `prev` is the last consumed token, `cross` allows a clause change.
fn match_from(
    elems: &[Elem],
    doc: &Doc,
    pos: usize,
    prev: Option<usize>,
    cross: bool,
) -> Option<usize> {
    let Some((first, rest)) = elems.split_first() else {
        return Some(pos);
    };
    let toks = &doc.toks;
    let same_clause = |a: usize, b: usize| toks[a].clause == toks[b].clause;
    match first {
        Elem::Word(w) => {
            if pos >= toks.len() {
                return None;
            }
            let joined = prev.is_none_or(|p| cross || same_clause(p, pos));
            if joined && w.hit(doc, pos) {
                match_from(rest, doc, pos + 1, Some(pos), false)
            } else {
                None
            }
        }
        Elem::Gap(n) => {
            let p = prev?;
            for k in 0..=*n {
                let next = pos + k;
                if next > toks.len() || (k > 0 && !same_clause(p, next - 1)) {
                    break;
                }
                let last = if k > 0 { Some(next - 1) } else { prev };
                if let Some(e) = match_from(rest, doc, next, last, false) {
                    return Some(e);
                }
            }
            None
        }
        Elem::NotNext(w) => {
            let blocked =
                pos < toks.len() && w.hit(doc, pos) && prev.is_none_or(|p| same_clause(p, pos));
            if blocked {
                None
            } else {
                match_from(rest, doc, pos, prev, cross)
            }
        }
        Elem::NotPrev(w) => {
            let blocked =
                pos > 0 && pos < toks.len() && same_clause(pos - 1, pos) && w.hit(doc, pos - 1);
            if blocked {
                None
            } else {
                match_from(rest, doc, pos, prev, cross)
            }
        }
        Elem::Break => match_from(rest, doc, pos, prev, true),
    }
}
