//! The language-independent machinery, in the order a text goes through it:
//! [`tokens`] (normalise and tokenise), [`pattern`] (pattern syntax and matching) and
//! [`negation`]. A [`Lexicon`] is every language table compiled for them, once.

pub(crate) mod negation;
pub(crate) mod pattern;
pub(crate) mod tokens;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::tables::Language;
use super::Topic;
use negation::Negation;
use pattern::{index_patterns, Alt, Index, Pattern};

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

/// The language tables compiled: the patterns of each class, the negation words, and the
/// vocabulary of exact pattern words (so a pattern whose words are not all in a text is
/// skipped without matching).
pub(crate) struct Lexicon {
    pub(crate) decline: Vec<Pattern>,
    pub(crate) support: Vec<Pattern>,
    pub(crate) not_buyer: Vec<Pattern>,
    pub(crate) mask: Vec<Pattern>,
    pub(crate) hot: Vec<(Topic, Pattern)>,
    pub(crate) negation: Negation,
    pub(crate) vocab: FastMap<String, u32>,
    /// Which patterns of each list a text's words allow (see [`Index`]).
    pub(crate) decline_ix: Index,
    pub(crate) support_ix: Index,
    pub(crate) not_buyer_ix: Index,
    pub(crate) mask_ix: Index,
    pub(crate) hot_ix: Index,
}

impl Lexicon {
    /// Compiles the lists of `langs`, each class language by language in the order given
    /// (hot phrases topic by topic, then language by language), and `shared_mask` after the
    /// languages' own masks.
    pub(crate) fn new(langs: &[Language], shared_mask: &'static [&'static str]) -> Lexicon {
        let negation = Negation::new(langs);
        let negators = &negation.negators;
        let all = |list: fn(&Language) -> &'static [&'static str]| -> Vec<Pattern> {
            compile(langs.iter().flat_map(list), negators)
        };
        let mut mask = all(|l| l.mask);
        mask.extend(compile(shared_mask.iter(), negators));
        let mut r = Lexicon {
            vocab: Default::default(),
            decline: all(|l| l.decline),
            support: all(|l| l.support),
            not_buyer: all(|l| l.not_buyer),
            mask,
            hot: TOPICS
                .iter()
                .flat_map(|&topic| langs.iter().map(move |l| (topic, l.hot(topic))))
                .flat_map(|(topic, t)| t.iter().map(move |src| (topic, src)))
                .map(|(topic, src)| (topic, Pattern::compile(src, negators)))
                .collect(),
            negation,
            decline_ix: Index::default(),
            support_ix: Index::default(),
            not_buyer_ix: Index::default(),
            mask_ix: Index::default(),
            hot_ix: Index::default(),
        };
        let mut vocab = FastMap::default();
        index_patterns(
            r.decline
                .iter_mut()
                .chain(r.support.iter_mut())
                .chain(r.not_buyer.iter_mut())
                .chain(r.mask.iter_mut())
                .chain(r.hot.iter_mut().map(|(_, p)| p)),
            &mut vocab,
        );
        r.vocab = vocab;
        r.decline_ix = Index::new(r.decline.iter());
        r.support_ix = Index::new(r.support.iter());
        r.not_buyer_ix = Index::new(r.not_buyer.iter());
        r.mask_ix = Index::new(r.mask.iter());
        r.hot_ix = Index::new(r.hot.iter().map(|(_, p)| p));
        r
    }
}

fn compile<'a>(srcs: impl Iterator<Item = &'a &'static str>, negators: &[Alt]) -> Vec<Pattern> {
    srcs.map(|src| Pattern::compile(src, negators)).collect()
}
