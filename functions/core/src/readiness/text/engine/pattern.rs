//! Token patterns: their syntax (see [`Pattern`]), compilation, and matching against the
//! tokens of one text.

use super::FastMap;

use super::tokens::{fold, Tok};

/// One way a pattern word may match a token.
#[derive(Debug, Clone, PartialEq, Eq)]
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

pub(crate) fn any_hit(alts: &[Alt], t: &str) -> bool {
    alts.iter().any(|a| a.hit(t))
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Elem {
    /// One token matching any alternative.
    Word(Vec<Alt>),
    /// Skip up to n tokens of the same clause.
    Gap(usize),
    /// The next token (same clause) must not match; consumes nothing.
    NotNext(Vec<Alt>),
    /// The previous token (same clause) must not match; consumes nothing.
    NotPrev(Vec<Alt>),
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
    required_ids: Vec<Vec<u32>>,
    first_ids: Option<Vec<u32>>,
    /// The keys ([`key`]: a word's first two characters) the first word can have, when
    /// every alternative is an exact word or a prefix of two characters or more: only
    /// the tokens with one of these keys are tried as a start.
    first_keys: Option<Vec<u64>>,
}

/// The distinct first members of a sorted list of pairs.
fn distinct<T: Copy + PartialEq>(v: &[(T, usize)]) -> impl Iterator<Item = T> + '_ {
    v.iter()
        .enumerate()
        .filter(move |&(i, &(x, _))| i == 0 || v[i - 1].0 != x)
        .map(|(_, &(x, _))| x)
}

/// A word's first two characters (or its only one) as one number.
pub(crate) fn key(w: &str) -> u64 {
    let mut cs = w.chars();
    let a = cs.next().map_or(0, |c| c as u64);
    let b = cs.next().map_or(0, |c| c as u64);
    (a << 32) | b
}

/// The vocabulary ids of the words in one text, and where they are.
pub(crate) struct Present {
    bits: Vec<u64>,
    pos: Vec<(u32, usize)>,
    /// Each token's [`key`] with its position, ascending.
    keys: Vec<(u64, usize)>,
}

impl Present {
    pub(crate) fn new(vocab: &FastMap<String, u32>, toks: &[Tok]) -> Present {
        let mut bits = vec![0u64; vocab.len().div_ceil(64)];
        let mut pos = Vec::new();
        for (i, t) in toks.iter().enumerate() {
            if let Some(&id) = vocab.get(t.text.as_str()) {
                bits[id as usize / 64] |= 1 << (id % 64);
                pos.push((id, i));
            }
        }
        pos.sort_unstable();
        let mut keys: Vec<(u64, usize)> = toks
            .iter()
            .enumerate()
            .map(|(i, t)| (key(&t.text), i))
            .collect();
        keys.sort_unstable();
        Present { bits, pos, keys }
    }

    /// The distinct vocabulary ids in the text, ascending.
    pub(crate) fn ids(&self) -> impl Iterator<Item = u32> + '_ {
        distinct(&self.pos)
    }
    /// The distinct token keys of the text, ascending.
    fn distinct_keys(&self) -> impl Iterator<Item = u64> + '_ {
        distinct(&self.keys)
    }
    fn positions_of_key(&self, k: u64) -> impl Iterator<Item = usize> + '_ {
        let lo = self.keys.partition_point(|&(x, _)| x < k);
        self.keys[lo..]
            .iter()
            .take_while(move |&&(x, _)| x == k)
            .map(|&(_, i)| i)
    }
    fn has(&self, id: u32) -> bool {
        self.bits[id as usize / 64] & (1 << (id % 64)) != 0
    }
    fn positions(&self, id: u32) -> impl Iterator<Item = usize> + '_ {
        let lo = self.pos.partition_point(|&(x, _)| x < id);
        self.pos[lo..]
            .iter()
            .take_while(move |&&(x, _)| x == id)
            .map(|&(_, i)| i)
    }
}

fn exact_words(e: &Elem) -> Option<Vec<&str>> {
    match e {
        Elem::Word(alts) => alts
            .iter()
            .map(|a| match a {
                Alt::Exact(w) => Some(w.as_str()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

pub(crate) fn index_patterns<'a>(
    pats: impl Iterator<Item = &'a mut Pattern>,
    vocab: &mut FastMap<String, u32>,
) {
    for p in pats {
        let mut id = |w: &str| {
            let n = vocab.len() as u32;
            *vocab.entry(w.to_string()).or_insert(n)
        };
        p.required_ids = p
            .elems
            .iter()
            .filter_map(exact_words)
            .map(|ws| ws.into_iter().map(&mut id).collect())
            .collect();
        p.first_ids = p
            .elems
            .iter()
            .find(|e| !matches!(e, Elem::NotNext(_) | Elem::NotPrev(_)))
            .and_then(exact_words)
            .map(|ws| ws.into_iter().map(&mut id).collect());
    }
}

/// Which patterns of one list can match a text: those whose first word (all exact
/// alternatives) is in it, and those that must be tried everywhere (a first word with a
/// prefix, suffix or number alternative). Built once; asked once per text and list, so a
/// text is matched against the few patterns its words allow, not against all of them.
#[derive(Debug, Default)]
pub(crate) struct Index {
    by_first: FastMap<u32, Vec<u32>>,
    /// Patterns whose first word has prefixes, by the [`key`]s it can have.
    by_key: FastMap<u64, Vec<u32>>,
    /// Patterns that must be tried everywhere (a suffix or number first).
    scan: Vec<u32>,
}

impl Index {
    pub(crate) fn new<'a>(pats: impl Iterator<Item = &'a Pattern>) -> Index {
        let mut ix = Index::default();
        for (k, p) in pats.enumerate() {
            match &p.first_ids {
                Some(ids) => {
                    for &id in ids {
                        ix.by_first.entry(id).or_default().push(k as u32);
                    }
                }
                None => match &p.first_keys {
                    Some(keys) => {
                        for &c in keys {
                            ix.by_key.entry(c).or_default().push(k as u32);
                        }
                    }
                    None => ix.scan.push(k as u32),
                },
            }
        }
        ix
    }

    /// The indices of the patterns that may match the text of `words`, ascending.
    pub(crate) fn candidates(&self, words: &Present) -> Vec<usize> {
        let mut v: Vec<usize> = self.scan.iter().map(|&k| k as usize).collect();
        for id in words.ids() {
            if let Some(ks) = self.by_first.get(&id) {
                v.extend(ks.iter().map(|&k| k as usize));
            }
        }
        for c in words.distinct_keys() {
            if let Some(ks) = self.by_key.get(&c) {
                v.extend(ks.iter().map(|&k| k as usize));
            }
        }
        v.sort_unstable();
        v.dedup();
        v
    }
}

impl Pattern {
    pub(crate) fn compile(src: &'static str, negators: &[Alt]) -> Pattern {
        let elems: Vec<Elem> = src
            .split_whitespace()
            .map(|w| match w {
                ".." => Elem::Gap(3),
                "..." => Elem::Gap(6),
                "," => Elem::Break,
                _ if w.starts_with("<!") => Elem::NotPrev(parse_alts(&w[2..])),
                _ if w.starts_with('!') => Elem::NotNext(parse_alts(&w[1..])),
                _ => Elem::Word(parse_alts(w)),
            })
            .collect();
        let negating = |e: &Elem| match e {
            Elem::Word(a) => Some(
                a.iter()
                    .any(|a| matches!(a, Alt::Exact(w) if negators.iter().any(|n| n.hit(w)))),
            ),
            _ => None,
        };
        let negator_first = elems.iter().find_map(negating) == Some(true);
        let negator_inside = elems.iter().any(|e| negating(e) == Some(true));
        let first_keys = elems
            .iter()
            .find(|e| !matches!(e, Elem::NotNext(_) | Elem::NotPrev(_)))
            .and_then(|e| match e {
                Elem::Word(alts) => alts
                    .iter()
                    .map(|a| match a {
                        Alt::Exact(w) => Some(key(w)),
                        Alt::Prefix(w) if w.chars().count() >= 2 => Some(key(w)),
                        _ => None,
                    })
                    .collect::<Option<Vec<u64>>>(),
                _ => None,
            })
            .map(|mut v| {
                v.sort_unstable();
                v.dedup();
                v
            });
        Pattern {
            required_ids: Vec::new(),
            first_ids: None,
            first_keys,
            src,
            elems,
            negator_first,
            negator_inside,
        }
    }

    /// Every match as (first token, one past the last token); one per start position.
    pub(crate) fn find_all(&self, toks: &[Tok], words: &Present) -> Vec<(usize, usize)> {
        // every all-exact word of the pattern must occur in the text
        if !self
            .required_ids
            .iter()
            .all(|ids| ids.iter().any(|&id| words.has(id)))
        {
            return Vec::new();
        }
        if let Some(first) = &self.first_ids {
            let mut starts: Vec<usize> = first.iter().flat_map(|&id| words.positions(id)).collect();
            starts.sort_unstable();
            starts.dedup();
            return starts
                .into_iter()
                .filter_map(|s| match_from(&self.elems, toks, s, None, false).map(|e| (s, e)))
                .filter(|&(s, e)| e > s)
                .collect();
        }
        if let Some(keys) = &self.first_keys {
            let mut starts: Vec<usize> = keys
                .iter()
                .flat_map(|&k| words.positions_of_key(k))
                .collect();
            starts.sort_unstable();
            starts.dedup();
            return starts
                .into_iter()
                .filter_map(|s| match_from(&self.elems, toks, s, None, false).map(|e| (s, e)))
                .filter(|&(s, e)| e > s)
                .collect();
        }
        (0..toks.len())
            .filter_map(|s| match_from(&self.elems, toks, s, None, false).map(|e| (s, e)))
            .filter(|&(s, e)| e > s)
            .collect()
    }
}

/// Tries `elems` at `pos`; `prev` is the last consumed token, `cross` allows a clause change.
fn match_from(
    elems: &[Elem],
    toks: &[Tok],
    pos: usize,
    prev: Option<usize>,
    cross: bool,
) -> Option<usize> {
    let Some((first, rest)) = elems.split_first() else {
        return Some(pos);
    };
    let same_clause = |a: usize, b: usize| toks[a].clause == toks[b].clause;
    match first {
        Elem::Word(alts) => {
            let t = toks.get(pos)?;
            let joined = prev.is_none_or(|p| cross || same_clause(p, pos));
            if joined && any_hit(alts, &t.text) {
                match_from(rest, toks, pos + 1, Some(pos), false)
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
                if let Some(e) = match_from(rest, toks, next, last, false) {
                    return Some(e);
                }
            }
            None
        }
        Elem::NotNext(alts) => {
            let blocked = toks.get(pos).is_some_and(|t| {
                any_hit(alts, &t.text) && prev.is_none_or(|p| same_clause(p, pos))
            });
            if blocked {
                None
            } else {
                match_from(rest, toks, pos, prev, cross)
            }
        }
        Elem::NotPrev(alts) => {
            let blocked = pos > 0
                && pos < toks.len()
                && same_clause(pos - 1, pos)
                && any_hit(alts, &toks[pos - 1].text);
            if blocked {
                None
            } else {
                match_from(rest, toks, pos, prev, cross)
            }
        }
        Elem::Break => match_from(rest, toks, pos, prev, true),
    }
}
