//! Free-text readiness detection. (Placeholder interface; the detector is being written.)

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
    Hot { topic: Topic, matched: String },
    /// The text declines ("not interested", "we went with someone else").
    Decline { matched: String },
    /// The text is about an existing order/account (support, not sales).
    Support { matched: String },
    Nothing,
}

pub fn detect(_text: &str) -> TextSignal {
    TextSignal::Nothing
}
