//! The word lists: one file per language, each holding one [`Language`].
//!
//! Each list holds the patterns of one class (or one hot topic) in one language; the comment
//! on each line says what it catches. Keep patterns general (word forms, question shapes),
//! never whole example sentences. The syntax is the engine's (`Pattern` in
//! `engine/pattern.rs`): exact words, `stem*` prefixes, `*suffix` for German compounds,
//! `a|b` alternatives, `..` / `...` short gaps, `!x` / `<!x` exclusions, `#` / `##`
//! numbers, `,` across a comma. Words are normalised like the text (lowercase, accents
//! folded), so they may be written with accents.
//!
//! - A new phrase: add it to the right list of one language file.
//! - A new language: a new file with one `Language` constant, plus its line in [`LANGUAGES`].
//!
//! The engine joins every list across the languages: a text in any language (or a mix) is
//! read with all of them at once, so a phrase filed under one language also fires in a text
//! written in another, and a word shared by two languages (`no` in English and Spanish) may
//! stand in both files.

use super::Topic;

mod de;
mod en;
mod es;
mod fr;
mod it;
mod pl;
mod pt;
mod ru;

/// Every language the detector reads. The engine compiles the lists in this order.
pub(crate) const LANGUAGES: &[Language] = &[
    en::EN,
    de::DE,
    es::ES,
    fr::FR,
    ru::RU,
    it::IT,
    pt::PT,
    pl::PL,
];

/// Masks whose one pattern mixes languages ("webinar" / "вебинар" / "webinaire" /
/// "seminario" before a Russian "демо" / "приём"): kept whole here rather than split
/// across language files. Compiled after every language's own masks.
pub(crate) const SHARED_MASK: &[&str] =
    &["webinar|вебинар|вебинара|вебинаре|webinaire|seminario .. демо|прием"];

/// One language's word lists.
///
/// Pattern lists (`&[..]`) hold token patterns; word lists (`"a|b|c*"`, `""` for none)
/// hold alternatives for one token, written like one pattern word.
pub(crate) struct Language {
    // ── hot phrases, one list per topic ──
    /// Asks about the price, rates, discounts, payment terms.
    pub price: &'static [&'static str],
    /// Asks for a quote, estimate or proposal.
    pub quote: &'static [&'static str],
    /// Asks for a demo, trial or walkthrough.
    pub demo: &'static [&'static str],
    /// Asks for a visit, appointment, booking or meeting.
    pub visit: &'static [&'static str],
    /// Asks whether someone or something is free, in stock, has a slot.
    pub availability: &'static [&'static str],
    /// Asks when work can start, or how soon.
    pub start: &'static [&'static str],
    /// Wants to buy, order, pay or sign.
    pub purchase: &'static [&'static str],
    /// Asks to be called back or to talk to sales.
    pub callback: &'static [&'static str],

    // ── negation: what cancels a hot phrase (or a decline: "not too expensive") ──
    /// Words that negate what follows them.
    pub negators: &'static str,
    /// Negators that cancel a hot phrase they follow (within four tokens) even with no
    /// need-word next to them: German `nicht` ends the clause it negates ("das Angebot
    /// brauchen wir nicht").
    pub final_negators: &'static str,
    /// A negator followed by one of these is not negating a request ("not sure how much",
    /// "no obligation quote", "не могли бы вы…" = "could you…", "не против" = "don't mind").
    pub not_negating_next: &'static str,
    /// A negator preceded by one of these does not negate the request ("je ne sais pas
    /// combien", "ich weiß nicht, was es kostet", "whether or not").
    pub not_negating_prev: &'static str,
    /// "No I'd like a quote": one of these followed by one of [`Language::pronoun`] is an
    /// answer, not a negation.
    pub interjection: &'static str,
    /// See [`Language::interjection`].
    pub pronoun: &'static str,
    /// Words that start a new thought: a negator before them does not reach past them.
    pub conjunctions: &'static str,
    /// "quote not needed", "демо не нужно": a negator after a hot phrase next to one of
    /// these cancels it.
    pub need_words: &'static str,

    // ── what wins over hot phrases: decline → support → not-a-buyer, then masks ──
    /// Declines ("not interested", "we went with someone else"); checked first.
    pub decline: &'static [&'static str],
    /// Something the writer already has: an order, an account, a payment made; checked
    /// after declines.
    pub support: &'static [&'static str],
    /// Not a buyer: job seekers, vendors pitching, press, students, sponsorship.
    pub not_buyer: &'static [&'static str],
    /// Masks: hot words inside these phrases do not count ("thanks for the quote",
    /// "opening hours").
    pub mask: &'static [&'static str],
}

impl Language {
    /// The hot phrases of one topic.
    pub(crate) fn hot(&self, topic: Topic) -> &'static [&'static str] {
        match topic {
            Topic::Price => self.price,
            Topic::Quote => self.quote,
            Topic::Demo => self.demo,
            Topic::Visit => self.visit,
            Topic::Availability => self.availability,
            Topic::Start => self.start,
            Topic::Purchase => self.purchase,
            Topic::Callback => self.callback,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::engine::pattern::{Alt, Elem};
    use super::super::lexicon;

    #[test]
    fn every_pattern_word_is_one_normalised_token() {
        let r = lexicon();
        let pats = r
            .decline
            .iter()
            .chain(&r.support)
            .chain(&r.not_buyer)
            .chain(&r.mask);
        let pats = pats.chain(r.hot.iter().map(|(_, p)| p));
        for p in pats {
            assert!(
                matches!(p.elems.first(), Some(Elem::Word(_) | Elem::NotPrev(_))),
                "{}",
                p.src
            );
            assert!(
                p.elems.iter().any(|e| matches!(e, Elem::Word(_))),
                "{}",
                p.src
            );
            for e in &p.elems {
                let alts = match e {
                    Elem::Word(a) | Elem::NotNext(a) | Elem::NotPrev(a) => &a.alts,
                    _ => continue,
                };
                for a in alts {
                    if let Alt::Exact(w) | Alt::Prefix(w) | Alt::Suffix(w) = a {
                        assert!(
                            !w.is_empty() && w.chars().all(char::is_alphanumeric),
                            "pattern {:?}: {:?} is not a single token",
                            p.src,
                            w
                        );
                    }
                }
            }
        }
    }
}
