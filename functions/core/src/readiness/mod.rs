//! Readiness: has the buyer just done something that hands them from marketing to sales?
//!
//! Two kinds of rule decide, and every decision lists the ones that fired:
//! - **actions** — per business type, a set of hot actions (configurable, see
//!   [`Rules`]); e.g. B2B `demo_request`.
//! - **free text** — [`text::detect`] reads the message (chat line, form answer) for a
//!   question about price, a quote, a demo, a visit, availability or a start date;
//!   declines ("not interested") and questions about an existing order are not hot.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::model::{Action, Business, Readiness, Reason, Stage};

pub mod text;

pub use text::{detect, TextSignal, Topic};

/// Readiness rules for one business type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessRules {
    /// Actions that make a lead hot on their own.
    pub hot_actions: BTreeSet<Action>,
    /// Whether free text may make a lead hot (default true).
    #[serde(default = "yes")]
    pub text: bool,
}

fn yes() -> bool {
    true
}

/// The rules for every business type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    by_business: BTreeMap<Business, BusinessRules>,
}

impl Default for Rules {
    fn default() -> Self {
        use Action::*;
        let set = |a: &[Action]| BusinessRules {
            hot_actions: a.iter().copied().collect(),
            text: true,
        };
        let mut by_business = BTreeMap::new();
        by_business.insert(
            Business::Ecommerce,
            set(&[AddToCart, CheckoutStarted, PaymentRequested]),
        );
        by_business.insert(
            Business::B2b,
            set(&[
                DemoRequest,
                PriceListDownload,
                ProposalRequest,
                CallRequest,
                QuoteRequest,
            ]),
        );
        by_business.insert(
            Business::Services,
            set(&[CallRequest, QuoteRequest, DemoRequest]),
        );
        Rules { by_business }
    }
}

impl Rules {
    /// Replaces the rules of one business type.
    pub fn replace(&mut self, business: Business, rules: BusinessRules) {
        self.by_business.insert(business, rules);
    }

    pub fn for_business(&self, business: Business) -> &BusinessRules {
        &self.by_business[&business]
    }
}

/// The score a nurture action carries on its own, so marketing can still rank them.
fn nurture_score(action: Action) -> u8 {
    match action {
        Action::ContentDownload | Action::FormSubmission => 30,
        Action::ChatMessage => 25,
        Action::NewsletterSignup => 20,
        Action::PageView => 10,
        _ => 40, // an action that is hot elsewhere but not for this business
    }
}

/// Classifies one lead event. `texts` are the free-text fields with their names
/// (e.g. `("message", "how much is it?")`).
pub fn classify(
    rules: &Rules,
    business: Business,
    action: Action,
    texts: &[(&str, &str)],
) -> Readiness {
    let r = rules.for_business(business);
    let mut reasons = Vec::new();
    let hot_action = r.hot_actions.contains(&action);
    if hot_action {
        reasons.push(Reason {
            rule: format!("hot_action.{business}"),
            field: "action".into(),
            detail: format!("{action} is a readiness action for {business}"),
        });
    }

    let mut hot_text = false;
    let mut cooled = false;
    if r.text {
        for (field, t) in texts {
            let reading = text::read(t, business);
            let field = (*field).to_string();
            if reading.hot {
                hot_text = true;
                reasons.push(hot_reason(field, &reading, t, business));
                break;
            }
            match reading.signal {
                TextSignal::Decline { matched } => {
                    cooled = true;
                    reasons.push(Reason {
                        rule: "text.decline".into(),
                        field,
                        detail: format!("declines: \"{matched}\""),
                    });
                }
                TextSignal::Support { matched } => {
                    cooled = true;
                    reasons.push(Reason {
                        rule: "text.support".into(),
                        field,
                        detail: format!("about an existing order or account: \"{matched}\""),
                    });
                }
                TextSignal::NotBuyer { matched } => {
                    cooled = true;
                    reasons.push(Reason {
                        rule: "text.not_buyer".into(),
                        field,
                        detail: format!(
                            "reads as someone selling to us, applying or writing about us: \"{matched}\""
                        ),
                    });
                }
                TextSignal::Hot { topic, matched } => reasons.push(Reason {
                    rule: "text.overruled".into(),
                    field,
                    detail: format!(
                        "mentions {} (\"{matched}\") but does not read as a request to buy{}",
                        topic.describe(),
                        against(t, business)
                    ),
                }),
                TextSignal::Nothing => {}
            }
        }
    }

    let (stage, score) = match (hot_action, hot_text) {
        (true, true) => (Stage::Hot, 95),
        (true, false) => (Stage::Hot, if cooled { 60 } else { 80 }),
        (false, true) => (Stage::Hot, 70),
        (false, false) => (
            Stage::Nurture,
            if cooled { 5 } else { nurture_score(action) },
        ),
    };
    if stage == Stage::Nurture && reasons.is_empty() {
        reasons.push(Reason {
            rule: format!("nurture.{business}"),
            field: "action".into(),
            detail: format!(
                "{action} is not a readiness action for {business} and no text asked to buy"
            ),
        });
    }
    Readiness {
        stage,
        score,
        reasons,
    }
}

/// Why one text to one business gets its stage, rule by rule: the decision with its
/// reasons, every phrase rule that matched (and what became of it), and the model's
/// score with the features that moved it most.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub business: Business,
    pub action: Action,
    pub stage: Stage,
    pub score: u8,
    pub reasons: Vec<Reason>,
    pub phrases: Vec<text::PhraseMatch>,
    pub model: ModelView,
}

/// The model's part of an [`Explanation`].
#[derive(Debug, Clone, Serialize)]
pub struct ModelView {
    /// Log-odds that the text is hot; above zero is hot.
    pub log_odds: f32,
    pub hot: bool,
    /// The strongest features, strongest first (at most 12).
    pub features: Vec<FeatureView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeatureView {
    pub feature: String,
    pub words: String,
    pub weight: f32,
}

/// Explains the decision on `text` (the `message` field) of an `action` to `business`.
pub fn explain(rules: &Rules, business: Business, action: Action, text: &str) -> Explanation {
    let r = classify(rules, business, action, &[("message", text)]);
    let reading = text::read(text, business);
    Explanation {
        business,
        action,
        stage: r.stage,
        score: r.score,
        reasons: r.reasons,
        phrases: text::phrase_matches(text),
        model: ModelView {
            log_odds: reading.score,
            hot: reading.hot,
            features: text::strongest_features(text, business)
                .into_iter()
                .take(12)
                .map(|(feature, weight, written)| FeatureView {
                    words: words_of(&feature, written.as_deref()),
                    feature,
                    weight,
                })
                .collect(),
        },
    }
}

impl Explanation {
    /// The explanation for a terminal.
    pub fn render(&self) -> String {
        let mut s = format!(
            "{} (score {}) for {} ({})\n",
            self.stage, self.score, self.business, self.action
        );
        s.push_str("reasons:\n");
        for r in &self.reasons {
            s.push_str(&format!("  {} [{}]: {}\n", r.rule, r.field, r.detail));
        }
        s.push_str("phrase rules:\n");
        if self.phrases.is_empty() {
            s.push_str("  none matched\n");
        }
        for p in &self.phrases {
            s.push_str(&format!(
                "  {:18} {:10} \"{}\"\n",
                p.rule, p.outcome, p.matched
            ));
        }
        s.push_str(&format!(
            "model: log-odds {:+.2} → {}\n",
            self.model.log_odds,
            if self.model.hot { "hot" } else { "not hot" }
        ));
        for f in &self.model.features {
            s.push_str(&format!(
                "  {:+.2}  {}  ({})\n",
                f.weight, f.words, f.feature
            ));
        }
        s
    }
}

/// The reason a text is hot: the phrase rule that fired, or the words that read as a
/// request when no phrase rule did.
fn hot_reason(field: String, reading: &text::Reading, t: &str, business: Business) -> Reason {
    match &reading.signal {
        TextSignal::Hot { topic, matched } => Reason {
            rule: format!("text.{}", topic.as_str()),
            field,
            detail: format!("asks about {}: \"{}\"", topic.describe(), matched),
        },
        _ => Reason {
            rule: "text.request".into(),
            field,
            detail: format!(
                "reads as a request to buy: {}",
                phrases(&text::strongest_features(t, business), true)
            ),
        },
    }
}

/// ", what weighs against it: …" for an overruled phrase.
fn against(t: &str, business: Business) -> String {
    let p = phrases(&text::strongest_features(t, business), false);
    if p.is_empty() {
        String::new()
    } else {
        format!("; against it: {p}")
    }
}

/// A feature as a person reads it: the words as written (`"free on"`), or what the
/// feature stands for (`a question`).
fn words_of(feature: &str, written: Option<&str>) -> String {
    match (feature.split_once(':').map(|(k, _)| k), written) {
        (Some("q"), Some(w)) => format!("a question: \"{w}…\""),
        (Some("n"), Some(w)) => format!("negated: \"{w}\""),
        (_, Some(w)) => format!("\"{w}\""),
        (_, None) => text::model::describe(feature),
    }
}

/// The three strongest features for (`hot`) or against, as words a person reads, each
/// phrase once: `"free on", a question: "is…"`.
fn phrases(features: &[(String, f32, Option<String>)], hot: bool) -> String {
    let mut out: Vec<String> = Vec::new();
    for (n, w, written) in features {
        if (*w > 0.0) != hot || n.starts_with("r:") {
            continue;
        }
        let p = words_of(n, written.as_deref());
        if !out.contains(&p) {
            out.push(p);
        }
        if out.len() == 3 {
            break;
        }
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_hot_actions_follow_the_business_type() {
        let rules = Rules::default();
        let hot = |b, a| classify(&rules, b, a, &[]).stage == Stage::Hot;
        assert!(hot(Business::Ecommerce, Action::AddToCart));
        assert!(hot(Business::Ecommerce, Action::PaymentRequested));
        assert!(!hot(Business::Ecommerce, Action::DemoRequest));
        assert!(hot(Business::B2b, Action::PriceListDownload));
        assert!(!hot(Business::B2b, Action::NewsletterSignup));
        assert!(hot(Business::Services, Action::CallRequest));
        assert!(!hot(Business::Services, Action::ProposalRequest));
        assert!(!hot(Business::Services, Action::PageView));
    }

    #[test]
    fn every_decision_names_its_rule_and_field() {
        let rules = Rules::default();
        let r = classify(&rules, Business::B2b, Action::DemoRequest, &[]);
        assert_eq!(r.reasons[0].rule, "hot_action.b2b");
        assert_eq!(r.reasons[0].field, "action");
        assert!(r.score >= 60);
        let r = classify(&rules, Business::B2b, Action::NewsletterSignup, &[]);
        assert_eq!(r.stage, Stage::Nurture);
        assert_eq!(r.reasons[0].rule, "nurture.b2b");
        assert!(r.score < 60);
    }

    #[test]
    fn replaced_rules_take_effect() {
        let mut rules = Rules::default();
        rules.replace(
            Business::Ecommerce,
            BusinessRules {
                hot_actions: [Action::PaymentRequested].into_iter().collect(),
                text: false,
            },
        );
        let r = classify(&rules, Business::Ecommerce, Action::AddToCart, &[]);
        assert_eq!(r.stage, Stage::Nurture);
        let r = classify(
            &rules,
            Business::Ecommerce,
            Action::ChatMessage,
            &[("message", "how much does shipping cost?")],
        );
        assert_eq!(r.stage, Stage::Nurture, "text rules switched off");
    }
}
