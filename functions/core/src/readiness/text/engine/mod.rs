//! The language-independent machinery, in the order a text goes through it:
//! [`tokens`] (normalise, tokenise, look each token up once), [`atoms`] (what a token can
//! match), [`pattern`] (pattern syntax and matching) and [`negation`]. A [`Lexicon`] is
//! every language table compiled for them, once.

pub(crate) mod atoms;
pub(crate) mod negation;
pub(crate) mod pattern;
pub(crate) mod tokens;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::tables::Language;
use super::Topic;
use atoms::Atoms;
use pattern::Pattern;
use tokens::Doc;

/// FNV-1a: the maps of the text path are keyed by short words and by ids that are
/// hashes already, where the standard library's DoS-resistant SipHash costs more than the
/// lookup (the keys are the tables' own words and features, never a sender's choice of
/// bucket: a text only looks words up).
#[derive(Default, Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
    fn write_u64(&mut self, n: u64) {
        // already a hash (a feature id) or a small id: one multiply spreads it
        self.0 = (self.0 ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(n as u64)
    }
}

/// A `HashMap` with [`Fnv`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// The topics in the order their hot phrases are compiled.
const TOPICS: [Topic; 8] = [
    Topic::Price,
    Topic::Quote,
    Topic::Demo,
    Topic::Visit,
    Topic::Availability,
    Topic::Start,
    Topic::Purchase,
    Topic::Callback,
];

/// The pattern lists, in the order they are weighed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Class {
    Decline,
    Support,
    NotBuyer,
    Mask,
    Hot,
}

/// The language tables compiled: the patterns of each class, the atoms their words and
/// the negation lists are made of, and which patterns may start on each atom.
pub(crate) struct Lexicon {
    pub(crate) decline: Vec<Pattern>,
    pub(crate) support: Vec<Pattern>,
    pub(crate) not_buyer: Vec<Pattern>,
    pub(crate) mask: Vec<Pattern>,
    pub(crate) hot: Vec<(Topic, Pattern)>,
    pub(crate) atoms: Atoms,
    /// By atom: the patterns whose first word it is (`starts[offsets[a]..offsets[a + 1]]`).
    offsets: Vec<u32>,
    starts: Vec<(Class, u32)>,
}

/// Every match of one text, per class, in pattern order and then by start: `(pattern,
/// first token, one past the last)`.
#[derive(Debug, Default)]
pub(crate) struct Matches {
    pub(crate) decline: Vec<(usize, usize, usize)>,
    pub(crate) support: Vec<(usize, usize, usize)>,
    pub(crate) not_buyer: Vec<(usize, usize, usize)>,
    pub(crate) mask: Vec<(usize, usize, usize)>,
    pub(crate) hot: Vec<(usize, usize, usize)>,
}

impl Lexicon {
    /// Compiles the lists of `langs`, each class language by language in the order given
    /// (hot phrases topic by topic, then language by language), and `shared_mask` after the
    /// languages' own masks.
    pub(crate) fn new(langs: &[Language], shared_mask: &'static [&'static str]) -> Lexicon {
        let mut atoms = Atoms::default();
        let negators = negation::compile(langs, &mut atoms);
        let all = |list: fn(&Language) -> &'static [&'static str], atoms: &mut Atoms| {
            langs
                .iter()
                .flat_map(list)
                .map(|src| Pattern::compile(src, &negators, atoms))
                .collect::<Vec<_>>()
        };
        let decline = all(|l| l.decline, &mut atoms);
        let support = all(|l| l.support, &mut atoms);
        let not_buyer = all(|l| l.not_buyer, &mut atoms);
        let mut mask = all(|l| l.mask, &mut atoms);
        mask.extend(
            shared_mask
                .iter()
                .map(|src| Pattern::compile(src, &negators, &mut atoms)),
        );
        let hot: Vec<(Topic, Pattern)> = TOPICS
            .iter()
            .flat_map(|&topic| langs.iter().map(move |l| (topic, l.hot(topic))))
            .flat_map(|(topic, t)| t.iter().map(move |src| (topic, src)))
            .map(|(topic, src)| (topic, Pattern::compile(src, &negators, &mut atoms)))
            .collect();
        let mut r = Lexicon {
            decline,
            support,
            not_buyer,
            mask,
            hot,
            atoms,
            offsets: Vec::new(),
            starts: Vec::new(),
        };
        let mut by_atom: Vec<Vec<(Class, u32)>> = vec![Vec::new(); r.atoms.len()];
        for class in [
            Class::Decline,
            Class::Support,
            Class::NotBuyer,
            Class::Mask,
            Class::Hot,
        ] {
            for k in 0..r.count(class) {
                for &a in r.pattern(class, k).first_atoms() {
                    by_atom[a as usize].push((class, k as u32));
                }
            }
        }
        r.offsets.push(0);
        for v in by_atom {
            r.starts.extend(v);
            r.offsets.push(r.starts.len() as u32);
        }
        r
    }

    pub(crate) fn pattern(&self, class: Class, k: usize) -> &Pattern {
        match class {
            Class::Decline => &self.decline[k],
            Class::Support => &self.support[k],
            Class::NotBuyer => &self.not_buyer[k],
            Class::Mask => &self.mask[k],
            Class::Hot => &self.hot[k].1,
        }
    }

    fn count(&self, class: Class) -> usize {
        match class {
            Class::Decline => self.decline.len(),
            Class::Support => self.support.len(),
            Class::NotBuyer => self.not_buyer.len(),
            Class::Mask => self.mask.len(),
            Class::Hot => self.hot.len(),
        }
    }

    /// Tokenises and looks up `text`.
    pub(crate) fn doc(&self, text: &str) -> Doc {
        Doc::new(text, &self.atoms)
    }

    /// Every pattern match in `doc`: each token's atoms name the patterns that may start
    /// on it; a pattern one of whose words has no atom in the text is not tried.
    pub(crate) fn matches(&self, doc: &Doc) -> Matches {
        let mut present = vec![0u64; self.atoms.len().div_ceil(64)];
        for i in 0..doc.len() {
            for &a in doc.atoms_of(i) {
                present[a as usize / 64] |= 1 << (a % 64);
            }
        }
        let mut m = Matches::default();
        for s in 0..doc.len() {
            for &a in doc.atoms_of(s) {
                let (lo, hi) = (self.offsets[a as usize], self.offsets[a as usize + 1]);
                for &(class, k) in &self.starts[lo as usize..hi as usize] {
                    let p = self.pattern(class, k as usize);
                    if !p.possible(&present) {
                        continue;
                    }
                    if let Some(e) = p.match_at(doc, s) {
                        let out = match class {
                            Class::Decline => &mut m.decline,
                            Class::Support => &mut m.support,
                            Class::NotBuyer => &mut m.not_buyer,
                            Class::Mask => &mut m.mask,
                            Class::Hot => &mut m.hot,
                        };
                        out.push((k as usize, s, e));
                    }
                }
            }
        }
        // in pattern order, then by start; once each (two atoms of one token may both
        // start a pattern)
        for v in [
            &mut m.decline,
            &mut m.support,
            &mut m.not_buyer,
            &mut m.mask,
            &mut m.hot,
        ] {
            v.sort_unstable();
            v.dedup();
        }
        m
    }
}
