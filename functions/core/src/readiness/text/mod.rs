//! Free-text readiness detection.
//!
//! [`detect`] reads one chat line, form message or answer (English, German, Spanish, French,
//! Russian, Italian, Portuguese, Polish, or a mix) and says whether the buyer asks to buy / talk
//! to sales ([`TextSignal::Hot`]), declines, writes about something they already have
//! (support), or none of these.
//!
//! How it works — no regex, `std` only:
//! 1. **Normalise and tokenise** (`engine/tokens.rs`): Unicode lowercase, Latin accents folded
//!    (`démonstration` → `demonstration`, `Vorführung` → `vorfuhrung`, `ё` → `е`), words split
//!    on anything that is not a letter or digit. Apostrophes inside words split them
//!    (`l'offre` → `l offre`, `what's` → `what s`) and English `n't` becomes `not` (`don't` →
//!    `do not`). Sentence punctuation (`, . ; : ! ?` …) starts a new *clause*; every token
//!    remembers its byte span in the original text, so `matched` is always a real substring.
//! 2. **Patterns** (`engine/pattern.rs`): small tables of token patterns per topic and language
//!    (see `Pattern` there for the syntax: exact words, `stem*` prefixes, `*suffix` for German
//!    compounds, `a|b` alternatives, `..` short gaps, `!x` / `<!x` look-ahead/behind
//!    exclusions).
//! 3. **Negation** (`engine/negation.rs`): a negator (`not`, `no`, `never`, `kein`, `nicht`,
//!    `pas`, `не` …) up to five tokens before a hot phrase, in the same clause and not behind
//!    `but`/`and`, cancels it ("I don't need a quote"); so does "not needed"/"nicht" just after
//!    it.
//! 4. **Precedence** (here, in [`detect`]): decline → support → not-a-buyer (job seekers,
//!    vendors pitching, press) → hot. "Masks" hide hot words in fixed phrases that are not
//!    requests ("thanks for the quote", "opening hours", "in order to").
//!
//! The machinery in `engine/` knows no language beyond tokenising (accent folding, English
//! `n't` and `dont`/`cannot`); every word it looks for (phrases, negators, conjunctions,
//! need-words) is in `tables/`, one file per language.

mod engine;
pub mod model;
mod tables;
#[doc(hidden)]
pub mod train;

use std::sync::OnceLock;

use engine::negation;
use engine::pattern::Pattern;
use engine::tokens::Doc;
use engine::{Lexicon, Matches};

/// What a buyer's question is about, when it signals readiness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Price,
    Quote,
    Demo,
    Visit,
    Availability,
    Start,
    Purchase,
    Callback,
}

impl Topic {
    /// Stable name used in reason rules: `text.price`, `text.quote`, …
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Price => "price",
            Topic::Quote => "quote",
            Topic::Demo => "demo",
            Topic::Visit => "visit",
            Topic::Availability => "availability",
            Topic::Start => "start",
            Topic::Purchase => "purchase",
            Topic::Callback => "callback",
        }
    }
    /// Words for a sales manager: "asks about {describe}".
    pub fn describe(self) -> &'static str {
        match self {
            Topic::Price => "price",
            Topic::Quote => "a quote or proposal",
            Topic::Demo => "a demo",
            Topic::Visit => "a visit or appointment",
            Topic::Availability => "availability",
            Topic::Start => "a start date",
            Topic::Purchase => "buying",
            Topic::Callback => "a call back",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextSignal {
    /// The text asks to buy / talk to sales. `matched` is the short phrase that fired.
    Hot {
        topic: Topic,
        matched: String,
    },
    /// The text declines ("not interested", "we went with someone else").
    Decline {
        matched: String,
    },
    /// The text is about an existing order/account (support, not sales).
    Support {
        matched: String,
    },
    /// The sender is not a buyer: sells to us, applies for a job, writes for the press.
    NotBuyer {
        matched: String,
    },
    Nothing,
}

impl TextSignal {
    /// The rule's name as the model and the reasons know it: `hot.price`, `decline`,
    /// `support`, `not_buyer`; none for nothing.
    pub fn rule(&self) -> Option<String> {
        match self {
            TextSignal::Hot { topic, .. } => Some(format!("hot.{}", topic.as_str())),
            TextSignal::Decline { .. } => Some("decline".into()),
            TextSignal::Support { .. } => Some("support".into()),
            TextSignal::NotBuyer { .. } => Some("not_buyer".into()),
            TextSignal::Nothing => None,
        }
    }
}

/// What the phrase rules and the model make of one text.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// What the phrase rules found.
    pub signal: TextSignal,
    /// The model's log-odds that the text is hot (the rules' finding included).
    pub score: f32,
    /// Whether the text is hot: `score` above zero.
    pub hot: bool,
}

/// Reads one free-text field of a message to a `business`: the phrase rules, then the
/// model over the words and the rules' finding. See [`model`].
pub fn read(text: &str, business: crate::model::Business) -> Reading {
    let doc = lexicon().doc(text);
    let signal = detect_doc(text, &doc);
    let score = model::model().score(
        &doc,
        business == crate::model::Business::Ecommerce,
        signal.rule().as_deref(),
    );
    Reading {
        hot: score > 0.0,
        signal,
        score,
    }
}

/// The features of `text` that moved its score most, strongest first, as
/// `(feature, weight)` (see [`model`] for the names).
pub fn strongest_features(
    text: &str,
    business: crate::model::Business,
) -> Vec<(String, f32, Option<String>)> {
    let doc = lexicon().doc(text);
    let signal = detect_doc(text, &doc);
    model::model().top(
        text,
        &doc,
        business == crate::model::Business::Ecommerce,
        signal.rule().as_deref(),
    )
}

/// Every feature name of `text` (for the offline trainer).
#[doc(hidden)]
pub fn feature_names(text: &str, business: crate::model::Business) -> Vec<String> {
    let doc = lexicon().doc(text);
    let signal = detect_doc(text, &doc);
    let mut out = Vec::new();
    model::for_each_feature(
        &doc,
        business == crate::model::Business::Ecommerce,
        signal.rule().as_deref(),
        &mut |_, name: &dyn Fn() -> String, _| out.push(name()),
    );
    out
}

/// Reads one free-text field and classifies it. See the module docs for the approach.
pub fn detect(text: &str) -> TextSignal {
    detect_doc(text, &lexicon().doc(text))
}

/// The words of the match `s..e` as written.
fn phrase(text: &str, doc: &Doc, s: usize, e: usize) -> String {
    text[doc.toks[s].start..doc.toks[e - 1].end].to_string()
}

fn masked(m: &Matches, s: usize, e: usize) -> bool {
    m.mask.iter().any(|&(_, ms, me)| s < me && ms < e)
}

fn detect_doc(text: &str, doc: &Doc) -> TextSignal {
    if doc.is_empty() {
        return TextSignal::Nothing;
    }
    let r = lexicon();
    let m = r.matches(doc);
    if let Some((s, e)) = earliest(doc, &r.decline, &m.decline, true) {
        return TextSignal::Decline {
            matched: phrase(text, doc, s, e),
        };
    }
    if let Some((s, e)) = earliest(doc, &r.support, &m.support, false) {
        return TextSignal::Support {
            matched: phrase(text, doc, s, e),
        };
    }
    if let Some((s, e)) = earliest(doc, &r.not_buyer, &m.not_buyer, true) {
        return TextSignal::NotBuyer {
            matched: phrase(text, doc, s, e),
        };
    }
    let mut best: Option<(usize, usize, Topic)> = None;
    for &(k, s, e) in &m.hot {
        let (topic, p) = &r.hot[k];
        if masked(&m, s, e) || negation::negated(&doc.toks, p, s, e) {
            continue;
        }
        // The most specific topic wins ("book a demo" is about the demo), then the
        // earliest phrase, then the longer one.
        let key = (specificity(*topic), s, usize::MAX - e);
        if best.is_none_or(|(bs, be, bt)| key < (specificity(bt), bs, usize::MAX - be)) {
            best = Some((s, e, *topic));
        }
    }
    match best {
        Some((s, e, topic)) => TextSignal::Hot {
            topic,
            matched: phrase(text, doc, s, e),
        },
        None => TextSignal::Nothing,
    }
}

/// One phrase rule that matched a text, for explanations.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PhraseMatch {
    /// `decline`, `support`, `not_buyer`, `hot.price` …
    pub rule: String,
    /// The words it matched, as written.
    pub matched: String,
    /// `decides` (the phrase rules' finding), `negated` ("I don't need a quote"),
    /// `masked` (a fixed phrase that is no request: "thanks for the quote"), or
    /// `outranked` (another phrase decided: a decline beats support beats not-a-buyer
    /// beats hot; among hot phrases the most specific topic, then the earliest).
    pub outcome: &'static str,
}

/// Every phrase rule that matched `text`, in the order they are weighed.
pub fn phrase_matches(text: &str) -> Vec<PhraseMatch> {
    let r = lexicon();
    let doc = r.doc(text);
    let mut out = Vec::new();
    if doc.is_empty() {
        return out;
    }
    let decided = detect_doc(text, &doc);
    let decided = (decided.rule(), matched_of(&decided));
    let m = r.matches(&doc);
    let toks = &doc.toks;
    let classes = [
        ("decline", &r.decline, &m.decline, true),
        ("support", &r.support, &m.support, false),
        ("not_buyer", &r.not_buyer, &m.not_buyer, true),
    ];
    let mut push = |rule: String, (s, e): (usize, usize), outcome: &'static str| {
        let matched = phrase(text, &doc, s, e);
        let outcome = if outcome == "fired" {
            if decided.0.as_deref() == Some(rule.as_str()) && decided.1 == Some(matched.as_str()) {
                "decides"
            } else {
                "outranked"
            }
        } else {
            outcome
        };
        if !out
            .iter()
            .any(|x: &PhraseMatch| x.rule == rule && x.matched == matched)
        {
            out.push(PhraseMatch {
                rule,
                matched,
                outcome,
            });
        }
    };
    for (name, pats, found, context_negation) in classes {
        for &(k, s, e) in found {
            let p = &pats[k];
            let negated = (context_negation || p.negator_first) && negation::negated(toks, p, s, e);
            push(
                name.into(),
                (s, e),
                if negated { "negated" } else { "fired" },
            );
        }
    }
    for &(k, s, e) in &m.hot {
        let (topic, p) = &r.hot[k];
        let outcome = if masked(&m, s, e) {
            "masked"
        } else if negation::negated(toks, p, s, e) {
            "negated"
        } else {
            "fired"
        };
        push(format!("hot.{}", topic.as_str()), (s, e), outcome);
    }
    out
}

fn matched_of(s: &TextSignal) -> Option<&str> {
    match s {
        TextSignal::Hot { matched, .. }
        | TextSignal::Decline { matched }
        | TextSignal::Support { matched }
        | TextSignal::NotBuyer { matched } => Some(matched),
        TextSignal::Nothing => None,
    }
}

/// Rank of a topic when several fire: the thing asked about beats the verb around it
/// ("schedule a demo" → demo, "set up a call" → call back).
fn specificity(topic: Topic) -> u8 {
    match topic {
        Topic::Demo => 0,
        Topic::Quote => 1,
        Topic::Price => 2,
        Topic::Callback => 3,
        Topic::Visit => 4,
        Topic::Availability => 5,
        Topic::Start => 6,
        Topic::Purchase => 7,
    }
}

/// The earliest of `found` (matches of `pats`), the longer one at the same start. With
/// `context_negation`, a negator around the match cancels it ("not too expensive");
/// support phrases ignore it ("the code doesn't work on my order" is still about the
/// order).
fn earliest(
    doc: &Doc,
    pats: &[Pattern],
    found: &[(usize, usize, usize)],
    context_negation: bool,
) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for &(k, s, e) in found {
        let p = &pats[k];
        if (context_negation || p.negator_first) && negation::negated(&doc.toks, p, s, e) {
            continue;
        }
        if best.is_none_or(|(bs, be)| s < bs || (s == bs && e > be)) {
            best = Some((s, e));
        }
    }
    best
}

/// Every language table, compiled once.
fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| Lexicon::new(tables::LANGUAGES, tables::SHARED_MASK))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hot(text: &str) -> Option<(Topic, String)> {
        match detect(text) {
            TextSignal::Hot { topic, matched } => Some((topic, matched)),
            _ => None,
        }
    }

    fn topic(text: &str) -> Option<Topic> {
        hot(text).map(|(t, _)| t)
    }

    fn is_decline(text: &str) -> bool {
        matches!(detect(text), TextSignal::Decline { .. })
    }

    fn is_support(text: &str) -> bool {
        matches!(detect(text), TextSignal::Support { .. })
    }

    #[test]
    fn word_forms_of_each_topic() {
        for t in [
            "What are your prices?",
            "Is the pricing per user?",
            "What would it cost to repaint the hall?",
            "How much are you charging for a day?",
            "Was kostet die Reinigung?",
            "Welche Preise haben Sie für Firmen?",
            "¿Cuánto cuesta el envío a Chile?",
            "Combien pour une terrasse de 20 m² ?",
            "Сколько стоит доставка?",
            "Пришлите прайс, пожалуйста",
            "Quanto costa la spedizione in Svizzera?",
            "Qual è il prezzo del divano?",
            "Quanto custa a entrega no Porto?",
            "Qual o preço do pacote anual?",
            "Ile kosztuje montaż drzwi?",
            "Proszę o cennik usług.",
        ] {
            assert_eq!(topic(t), Some(Topic::Price), "{t}");
        }
        for t in [
            "Can you quote me for a new boiler?",
            "We'd need a formal quotation.",
            "Could you send us an estimate?",
            "Bitte senden Sie uns ein Angebot.",
            "¿Me pasan un presupuesto?",
            "Pouvez-vous me faire un devis ?",
            "Пришлите коммерческое предложение.",
            "Potete farmi un preventivo per il bagno?",
            "Gostaria de um orçamento para pintar a casa.",
            "Poproszę o wycenę remontu łazienki.",
        ] {
            assert_eq!(topic(t), Some(Topic::Quote), "{t}");
        }
        for t in [
            "Can we book a demo for Thursday?",
            "We'd love a demonstration of the reporting module.",
            "Gibt es eine Produktvorführung?",
            "Quisiera una demostración del sistema.",
            "Хотим демонстрацию системы.",
            "Vorremmo una dimostrazione del gestionale.",
            "Podemos agendar uma demonstração?",
            "Chcielibyśmy zobaczyć demo systemu.",
        ] {
            assert_eq!(topic(t), Some(Topic::Demo), "{t}");
        }
        assert_eq!(topic("I'd like to book an appointment"), Some(Topic::Visit));
        assert_eq!(
            topic("Können wir einen Termin vereinbaren?"),
            Some(Topic::Visit)
        );
        assert_eq!(
            topic("Quiero pedir cita para el martes"),
            Some(Topic::Visit)
        );
        assert_eq!(
            topic("Je voudrais prendre rendez-vous."),
            Some(Topic::Visit)
        );
        assert_eq!(topic("Хочу записаться на приём"), Some(Topic::Visit));
        assert_eq!(
            topic("Are you available next Tuesday?"),
            Some(Topic::Availability)
        );
        assert_eq!(
            topic("Do you have any slots left this month?"),
            Some(Topic::Availability)
        );
        assert_eq!(topic("When could your team start?"), Some(Topic::Start));
        assert_eq!(topic("We want to order 40 chairs"), Some(Topic::Purchase));
        assert_eq!(
            topic("Can someone call me back this afternoon?"),
            Some(Topic::Callback)
        );
        for (t, want) in [
            ("Vorrei fissare un appuntamento per giovedì", Topic::Visit),
            ("Queria marcar uma visita técnica", Topic::Visit),
            ("Chciałbym umówić wizytę na wtorek", Topic::Visit),
            ("Siete disponibili sabato prossimo?", Topic::Availability),
            ("Avete questa giacca in taglia M?", Topic::Availability),
            ("Vocês têm disponibilidade na sexta?", Topic::Availability),
            ("Tem esse tênis no tamanho 42?", Topic::Availability),
            (
                "Czy ten model jest dostępny w kolorze czarnym?",
                Topic::Availability,
            ),
            ("Quando potreste iniziare i lavori?", Topic::Start),
            ("Quando vocês podem começar a obra?", Topic::Start),
            ("Jak szybko moglibyście zacząć?", Topic::Start),
            ("Vorrei ordinare 20 sedie", Topic::Purchase),
            ("Quero comprar duas cadeiras", Topic::Purchase),
            ("Chcemy zamówić 40 krzeseł", Topic::Purchase),
            ("Czy wysyłacie do Niemiec?", Topic::Purchase),
            ("Potete richiamarmi domani mattina?", Topic::Callback),
            ("Podem me ligar amanhã?", Topic::Callback),
            ("Proszę o oddzwonienie.", Topic::Callback),
        ] {
            assert_eq!(topic(t), Some(want), "{t}");
        }
    }

    #[test]
    fn negation_cancels_a_hot_phrase() {
        assert_eq!(hot("I don't need a quote."), None);
        assert_eq!(hot("We do not want a demo at this stage"), None);
        assert_eq!(hot("No demo needed, thanks for asking"), None);
        assert_eq!(hot("A site visit isn't necessary."), None);
        assert_eq!(hot("Wir brauchen kein Angebot."), None);
        assert_eq!(hot("No necesito presupuesto."), None);
        assert_eq!(hot("Je n'ai pas besoin de devis."), None);
        assert_eq!(hot("Демо не нужно."), None);
        // …but not across a clause, nor when the negator is about something else.
        assert!(hot("No, I'd like a quote please").is_some());
        assert!(hot("Not sure how much it would cost — can you tell me?").is_some());
        assert!(hot("I don't need a website, but how much is a logo?").is_some());
        assert!(hot("Can I get a no-obligation quote?").is_some());
        assert!(hot("Не могли бы вы прислать прайс?").is_some());
        assert!(hot("Je ne sais pas combien ça coûte, pouvez-vous m'aider ?").is_some());
        assert_eq!(hot("Non ci serve un preventivo."), None);
        assert_eq!(hot("Não preciso de orçamento."), None);
        assert_eq!(hot("Nie potrzebuję wyceny."), None);
        assert!(hot("Non sappiamo quanto costerebbe il tetto.").is_some());
        assert!(hot("Não sei quanto custa, podem me ajudar?").is_some());
        assert!(hot("Nie wiem ile kosztuje taka usługa.").is_some());
        assert!(hot("Czy nie moglibyście przysłać cennika?").is_some());
        // Portuguese "no" is "in the"; Polish "no" is a filler.
        assert!(hot("No sábado vocês estão disponíveis?").is_some());
        assert!(hot("No to ile kosztuje montaż?").is_some());
    }

    #[test]
    fn declines_win_over_hot_words() {
        assert!(is_decline("Not interested in a demo."));
        assert!(is_decline(
            "Thanks but your quote was too expensive, we went with another company."
        ));
        assert!(is_decline("No thanks, we found someone else for the job"));
        assert!(is_decline("Please stop emailing me about pricing."));
        assert!(is_decline("Unsubscribe"));
        assert!(is_decline("Kein Interesse, danke."));
        assert!(is_decline("No nos interesa el presupuesto."));
        assert!(is_decline("Pas intéressé par la démo."));
        assert!(is_decline("Нам не интересно, спасибо."));
        assert!(is_decline("Non siamo interessati al preventivo, grazie."));
        assert!(is_decline("Troppo caro per noi."));
        assert!(is_decline("Não temos interesse, obrigado."));
        assert!(is_decline("Já fechamos com outra empresa."));
        assert!(is_decline("Nie jesteśmy zainteresowani ofertą."));
        assert!(is_decline("Za drogo, dziękujemy."));
        assert!(!is_decline("Not too expensive I hope — what's the price?"));
    }

    #[test]
    fn existing_orders_and_accounts_are_support() {
        assert!(is_support("Where is my order? I paid on Monday."));
        assert!(is_support("The package never arrived, can you call me?"));
        assert!(is_support("I want to return the lamp, it arrived broken"));
        assert!(is_support("Please cancel my subscription"));
        assert!(is_support("How can I reset my password?"));
        assert!(is_support("Meine Bestellung ist noch nicht angekommen."));
        assert!(is_support("Mi pedido no ha llegado todavía."));
        assert!(is_support("Je n'ai toujours pas reçu ma commande."));
        assert!(is_support("Где мой заказ?"));
        assert!(is_support("Il mio ordine non è ancora arrivato."));
        assert!(is_support("Perché l'ordine 5120 è costato di più?"));
        assert!(is_support("Meu pedido ainda não chegou."));
        assert!(is_support("Quero cancelar minha assinatura."));
        assert!(is_support("Moja paczka jeszcze nie dotarła."));
        assert!(is_support("Gdzie jest moje zamówienie?"));
        // A failed payment is someone still trying to buy.
        assert_eq!(
            topic("My card was declined but I still want to buy it"),
            Some(Topic::Purchase)
        );
    }

    #[test]
    fn not_a_buyer() {
        assert!(matches!(
            detect("We offer cheap SEO, can we schedule a call?"),
            TextSignal::NotBuyer { .. }
        ));
        assert!(matches!(
            detect("Are you hiring? I'm sending my CV."),
            TextSignal::NotBuyer { .. }
        ));
        assert_eq!(
            detect("Thanks for the quote yesterday!"),
            TextSignal::Nothing
        );
        assert_eq!(detect("What are your opening hours?"), TextSignal::Nothing);
        assert_eq!(detect("Hello there"), TextSignal::Nothing);
        assert_eq!(detect(""), TextSignal::Nothing);
    }

    #[test]
    fn idioms_and_traps() {
        // Scheduling and price idioms.
        assert_eq!(
            topic("Would next Monday work for you?"),
            Some(Topic::Availability)
        );
        assert_eq!(topic("What would that run us?"), Some(Topic::Price));
        assert_eq!(topic("Can I bring my dog in tomorrow?"), Some(Topic::Visit));
        assert_eq!(
            topic("We're ready to sign, what's the next step?"),
            Some(Topic::Purchase)
        );
        // Not requests.
        assert_eq!(hot("Please don't call me again."), None);
        assert_eq!(hot("How did you get started in the business?"), None);
        assert_eq!(hot("Our last visit was great, thanks."), None);
        assert_eq!(
            hot("I'd love to work for you, I'm a qualified plasterer."),
            None
        );
        // A negator elsewhere in the sentence does not cancel support.
        assert!(is_support("The discount code doesn't work on my order."));
        assert!(!is_support(
            "Looking for an emergency locksmith, locked out of my house!"
        ));
    }

    #[test]
    fn matched_is_a_short_substring_of_the_text() {
        for text in [
            "Hi! How much would you charge to paint a fence?",
            "Please send me the PRICE LIST asap",
            "Können Sie uns ein Angebot für 30 Lizenzen machen?",
            "¿Podemos agendar una demostración?",
            "When are you able to begin? We want it finished by spring.",
        ] {
            let (_, m) = hot(text).unwrap_or_else(|| panic!("not hot: {text}"));
            assert!(text.contains(&m), "{m:?} not in {text:?}");
            assert!(m.split_whitespace().count() <= 8, "{m:?} too long");
        }
        assert_eq!(hot("How much would you charge?").unwrap().1, "How much");
        assert_eq!(hot("Please send me the PRICE LIST").unwrap().1, "PRICE");
        match detect("Not interested, thanks.") {
            TextSignal::Decline { matched } => assert_eq!(matched, "Not interested"),
            other => panic!("{other:?}"),
        }
    }
}
