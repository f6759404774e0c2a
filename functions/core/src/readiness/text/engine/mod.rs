//! The language-independent machinery, in the order a text goes through it:
//! [`tokens`] (normalise and tokenise), [`pattern`] (pattern syntax and matching) and
//! [`negation`]. A [`Lexicon`] is every language table compiled for them, once.

pub(crate) mod negation;
pub(crate) mod pattern;
pub(crate) mod tokens;

use std::collections::HashMap;

use super::tables::Language;
use super::Topic;
use negation::Negation;
use pattern::{index_patterns, Alt, Pattern};

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
    pub(crate) vocab: HashMap<String, u32>,
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
        };
        let mut vocab = HashMap::new();
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
        r
    }
}

fn compile<'a>(srcs: impl Iterator<Item = &'a &'static str>, negators: &[Alt]) -> Vec<Pattern> {
    srcs.map(|src| Pattern::compile(src, negators)).collect()
}
