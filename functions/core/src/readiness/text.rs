//! Free-text readiness detection.
//!
//! [`detect`] reads one chat line, form message or answer (English, German, Spanish, French,
//! Russian, or a mix) and says whether the buyer asks to buy / talk to sales ([`TextSignal::Hot`]),
//! declines, writes about something they already have (support), or none of these.
//!
//! How it works — no regex, `std` only:
//! 1. **Normalise and tokenise**: Unicode lowercase, Latin accents folded (`démonstration` →
//!    `demonstration`, `Vorführung` → `vorfuhrung`, `ё` → `е`), words split on anything that is
//!    not a letter or digit. Apostrophes inside words split them (`l'offre` → `l offre`,
//!    `what's` → `what s`) and English `n't` becomes `not` (`don't` → `do not`). Sentence
//!    punctuation (`, . ; : ! ?` …) starts a new *clause*; every token remembers its byte span
//!    in the original text, so `matched` is always a real substring.
//! 2. **Patterns**: small tables of token patterns per topic and language (see [`Pattern`] for
//!    the syntax: exact words, `stem*` prefixes, `*suffix` for German compounds, `a|b`
//!    alternatives, `..` short gaps, `!x` / `<!x` look-ahead/behind exclusions).
//! 3. **Negation**: a negator (`not`, `no`, `never`, `kein`, `nicht`, `pas`, `не` …) up to five
//!    tokens before a hot phrase, in the same clause and not behind `but`/`and`, cancels it
//!    ("I don't need a quote"); so does "not needed"/"nicht" just after it.
//! 4. **Precedence**: decline → support → not-a-buyer (job seekers, vendors pitching, press) →
//!    hot. "Masks" hide hot words in fixed phrases that are not requests ("thanks for the
//!    quote", "opening hours", "in order to").

use std::sync::OnceLock;

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
    Nothing,
}

/// Reads one free-text field and classifies it. See the module docs for the approach.
pub fn detect(text: &str) -> TextSignal {
    let toks = tokenize(text);
    if toks.is_empty() {
        return TextSignal::Nothing;
    }
    let r = rules();
    let words = &Present::new(r, &toks);
    let phrase = |(s, e): (usize, usize)| text[toks[s].start..toks[e - 1].end].to_string();

    if let Some(m) = earliest(r, &toks, words, r.decline.iter(), true) {
        return TextSignal::Decline { matched: phrase(m) };
    }
    if let Some(m) = earliest(r, &toks, words, r.support.iter(), false) {
        return TextSignal::Support { matched: phrase(m) };
    }
    if earliest(r, &toks, words, r.not_buyer.iter(), true).is_some() {
        return TextSignal::Nothing;
    }
    let masks: Vec<(usize, usize)> = r
        .mask
        .iter()
        .flat_map(|p| p.find_all(&toks, words))
        .collect();
    let mut best: Option<(usize, usize, Topic)> = None;
    for (topic, p) in &r.hot {
        for (s, e) in p.find_all(&toks, words) {
            if masks.iter().any(|&(ms, me)| s < me && ms < e) || r.negated(&toks, p, s, e) {
                continue;
            }
            // The most specific topic wins ("book a demo" is about the demo), then the
            // earliest phrase, then the longer one.
            let key = (specificity(*topic), s, usize::MAX - e);
            if best.is_none_or(|(bs, be, bt)| key < (specificity(bt), bs, usize::MAX - be)) {
                best = Some((s, e, *topic));
            }
        }
    }
    match best {
        Some((s, e, topic)) => TextSignal::Hot {
            topic,
            matched: phrase((s, e)),
        },
        None => TextSignal::Nothing,
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

/// The earliest match of any of `pats`. With `context_negation`, a negator around the match
/// cancels it ("not too expensive"); support phrases ignore it ("the code doesn't work on
/// my order" is still about the order).
fn earliest<'a>(
    r: &Rules,
    toks: &[Tok],
    words: &Present,
    pats: impl Iterator<Item = &'a Pattern>,
    context_negation: bool,
) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for p in pats {
        for (s, e) in p.find_all(toks, words) {
            if (context_negation || p.negator_first) && r.negated(toks, p, s, e) {
                continue;
            }
            if best.is_none_or(|(bs, be)| s < bs || (s == bs && e > be)) {
                best = Some((s, e));
            }
        }
    }
    best
}

// ───────────────────────────── normalisation and tokens ─────────────────────────────

/// One normalised word with its byte span in the original text and its clause number.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Tok {
    text: String,
    start: usize,
    end: usize,
    clause: u32,
}

fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' | '\u{00B4}'
    )
}

/// Punctuation that ends a clause (negation and gaps do not reach across it).
fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        ',' | '.'
            | ';'
            | ':'
            | '!'
            | '?'
            | '¿'
            | '¡'
            | '…'
            | '\n'
            | '\r'
            | '('
            | ')'
            | '['
            | ']'
            | '—'
            | '–'
            | '•'
            | '|'
    )
}

fn is_combining(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

/// Lowercases `c` and folds Latin accents (and Russian `ё`) so spelling variants meet.
fn push_folded(c: char, out: &mut String) {
    for l in c.to_lowercase() {
        match l {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => out.push('a'),
            'ç' | 'ć' | 'č' => out.push('c'),
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' | 'ī' => out.push('i'),
            'ñ' | 'ń' | 'ň' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => out.push('o'),
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'ś' | 'š' => out.push('s'),
            'ź' | 'ż' | 'ž' => out.push('z'),
            'ł' => out.push('l'),
            'ß' => out.push_str("ss"),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            'ё' => out.push('е'),
            c if is_combining(c) => {}
            c => out.push(c),
        }
    }
}

fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_folded(c, &mut out);
    }
    out
}

/// English negations written without an apostrophe ("dont", "cannot") → (base, "not").
fn glued_negation(w: &str) -> Option<&'static str> {
    Some(match w {
        "cannot" | "cant" => "can",
        "wont" => "will",
        "dont" => "do",
        "doesnt" => "does",
        "didnt" => "did",
        "isnt" => "is",
        "arent" => "are",
        "wasnt" => "was",
        "werent" => "were",
        "havent" => "have",
        "hasnt" => "has",
        "hadnt" => "had",
        "wouldnt" => "would",
        "couldnt" => "could",
        "shouldnt" => "should",
        _ => return None,
    })
}

/// Adds one word; `attached` means it followed an apostrophe inside a word (`don|'t`).
fn push_word(
    out: &mut Vec<Tok>,
    word: String,
    start: usize,
    end: usize,
    clause: u32,
    attached: bool,
) {
    if attached && word == "t" {
        if let Some(last) = out.last_mut() {
            if last.text.ends_with('n') && last.clause == clause {
                // n't → not: don't → do not, can't → can not, won't → will not.
                last.text = match last.text.as_str() {
                    "can" => "can".to_string(),
                    "won" => "will".to_string(),
                    "ain" => "is".to_string(),
                    t => t[..t.len() - 1].to_string(),
                };
                out.push(Tok {
                    text: "not".into(),
                    start,
                    end,
                    clause,
                });
                return;
            }
        }
    }
    if !attached {
        if let Some(base) = glued_negation(&word) {
            out.push(Tok {
                text: base.into(),
                start,
                end,
                clause,
            });
            out.push(Tok {
                text: "not".into(),
                start,
                end,
                clause,
            });
            return;
        }
    }
    out.push(Tok {
        text: word,
        start,
        end,
        clause,
    });
}

fn tokenize(text: &str) -> Vec<Tok> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let is_word = |j: usize| chars.get(j).is_some_and(|&(_, c)| c.is_alphanumeric());
    let is_digit = |j: usize| chars.get(j).is_some_and(|&(_, c)| c.is_ascii_digit());
    let mut out = Vec::new();
    let mut clause = 0u32;
    let mut cur = String::new();
    let (mut cur_start, mut cur_end) = (0, 0);
    let (mut attached, mut next_attached) = (false, false);
    for (i, &(b, c)) in chars.iter().enumerate() {
        if c.is_alphanumeric() || (is_combining(c) && !cur.is_empty()) {
            if cur.is_empty() {
                cur_start = b;
                attached = next_attached;
            }
            push_folded(c, &mut cur);
            cur_end = b + c.len_utf8();
            continue;
        }
        if !cur.is_empty() {
            push_word(
                &mut out,
                std::mem::take(&mut cur),
                cur_start,
                cur_end,
                clause,
                attached,
            );
        }
        next_attached = is_apostrophe(c) && i > 0 && is_word(i - 1) && is_word(i + 1);
        // "10,000" and "3.5" keep their clause.
        let in_number = matches!(c, '.' | ',') && i > 0 && is_digit(i - 1) && is_digit(i + 1);
        if is_clause_break(c) && !in_number {
            clause += 1;
        }
    }
    if !cur.is_empty() {
        push_word(&mut out, cur, cur_start, cur_end, clause, attached);
    }
    out
}

// ───────────────────────────── patterns ─────────────────────────────

/// One way a pattern word may match a token.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Alt {
    Exact(String),
    Prefix(String),
    Suffix(String),
    /// `#`: any number.
    Number,
    /// `##`: a number of five or more digits (order and ticket numbers).
    LongNumber,
}

impl Alt {
    fn hit(&self, t: &str) -> bool {
        match self {
            Alt::Exact(w) => t == w,
            Alt::Prefix(p) => t.starts_with(p.as_str()),
            Alt::Suffix(s) => t.ends_with(s.as_str()),
            Alt::Number => !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()),
            Alt::LongNumber => t.len() >= 5 && t.chars().all(|c| c.is_ascii_digit()),
        }
    }
}

fn any_hit(alts: &[Alt], t: &str) -> bool {
    alts.iter().any(|a| a.hit(t))
}

/// Parses `a|b*|*c|#` into alternatives, normalised like the text.
fn parse_alts(s: &str) -> Vec<Alt> {
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
enum Elem {
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
struct Pattern {
    /// The table entry, for test messages and `Debug` output.
    #[cfg_attr(not(test), allow(dead_code))]
    src: &'static str,
    elems: Vec<Elem>,
    /// The pattern itself starts with a negator ("not interested"): no negation check.
    negator_first: bool,
    /// Some word of the pattern is a negator ("payment did not go through"): a negator
    /// inside the match is part of the phrase, not a negation of it.
    negator_inside: bool,
    required_ids: Vec<Vec<u32>>,
    first_ids: Option<Vec<u32>>,
}

/// The vocabulary ids of the words in one text, and where they are.
struct Present {
    bits: Vec<u64>,
    pos: Vec<(u32, usize)>,
}

impl Present {
    fn new(r: &Rules, toks: &[Tok]) -> Present {
        let mut bits = vec![0u64; r.vocab.len().div_ceil(64)];
        let mut pos = Vec::new();
        for (i, t) in toks.iter().enumerate() {
            if let Some(&id) = r.vocab.get(t.text.as_str()) {
                bits[id as usize / 64] |= 1 << (id % 64);
                pos.push((id, i));
            }
        }
        pos.sort_unstable();
        Present { bits, pos }
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

fn index_patterns<'a>(
    pats: impl Iterator<Item = &'a mut Pattern>,
    vocab: &mut std::collections::HashMap<String, u32>,
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

impl Pattern {
    fn compile(src: &'static str, negators: &[Alt]) -> Pattern {
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
        Pattern {
            required_ids: Vec::new(),
            first_ids: None,
            src,
            elems,
            negator_first,
            negator_inside,
        }
    }

    /// Every match as (first token, one past the last token); one per start position.
    fn find_all(&self, toks: &[Tok], words: &Present) -> Vec<(usize, usize)> {
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

// ───────────────────────────── negation ─────────────────────────────

/// Words that negate what follows them.
const NEGATORS: &str = "not|no|nope|never|neither|nor|\
    nicht|kein|keine|keinen|keinem|keiner|keines|nie|niemals|\
    nunca|jamas|tampoco|ni|\
    pas|jamais|aucun|aucune|\
    не|нет|ни|никогда";

/// A negator followed by one of these is not negating a request ("not sure how much",
/// "no obligation quote", "не могли бы вы…" = "could you…", "не против" = "don't mind").
const NOT_NEGATING_NEXT: &str = "sure|idea|obligation|obligations|problem|problems|matter|doubt|\
    worries|worry|rush|hurry|wait|hesitate|know|knowing|certain|just|only|later|\
    sicher|nur|sofort|\
    se|sabemos|seguro|segura|solo|\
    sur|seulement|\
    знаю|знаем|уверен|уверена|уверены|мог*|смож*|подскаж*|против|только|сложно";

/// A negator preceded by one of these does not negate the request
/// ("je ne sais pas combien", "ich weiß nicht, was es kostet", "whether or not").
const NOT_NEGATING_PREV: &str = "sais|sait|savons|savez|weiss|wissen|or|ob";

/// "No I'd like a quote" — an answer, not a negation.
const INTERJECTION: &str = "no|nein|non|нет";
const PRONOUN: &str = "i|we|im|ich|wir|je|nous|я|мы";

/// Words that start a new thought: a negator before them does not reach past them.
const CONJUNCTIONS: &str = "but|however|though|although|except|and|\
    aber|sondern|jedoch|und|pero|sino|aunque|y|mais|cependant|et|но|однако|а|и";

/// "quote not needed", "демо не нужно": a negator after a hot phrase next to one of these.
const NEED_WORDS: &str = "need|needed|necessary|required|require|wanted|want|interested|anymore|\
    brauch*|notig|notwendig|erforderlich|gewunscht|\
    necesit*|necesari*|falta|besoin|necessaire|utile|\
    нужн*|надо|требуется|интерес*";

impl Rules {
    fn is_negator(&self, toks: &[Tok], j: usize) -> bool {
        let t = &toks[j].text;
        if !any_hit(&self.negators, t) {
            return false;
        }
        let next = toks.get(j + 1).filter(|n| n.clause == toks[j].clause);
        let prev = j
            .checked_sub(1)
            .map(|p| &toks[p])
            .filter(|p| p.clause == toks[j].clause);
        if next.is_some_and(|n| any_hit(&self.not_negating_next, &n.text)) {
            return false;
        }
        if prev.is_some_and(|p| any_hit(&self.not_negating_prev, &p.text)) {
            return false;
        }
        if any_hit(&self.interjection, t) && next.is_some_and(|n| any_hit(&self.pronoun, &n.text)) {
            return false;
        }
        true
    }

    /// Is the match `s..e` of `p` negated by its context?
    fn negated(&self, toks: &[Tok], p: &Pattern, s: usize, e: usize) -> bool {
        if p.negator_first {
            // "not interested" carries its own negator; "not sure …" is no negation at all.
            return !self.is_negator(toks, s);
        }
        let clause = toks[s].clause;
        // Inside a gap: "please do not call".
        if !p.negator_inside && (s + 1..e).any(|j| self.is_negator(toks, j)) {
            return true;
        }
        // Before: up to five tokens, same clause, not past a conjunction.
        for j in (s.saturating_sub(5)..s).rev() {
            if toks[j].clause != clause || any_hit(&self.conjunctions, &toks[j].text) {
                break;
            }
            if self.is_negator(toks, j) {
                return true;
            }
        }
        // After: "a demo is not needed", "das Angebot brauchen wir nicht".
        let end = (e + 4).min(toks.len());
        for j in e..end {
            if toks[j].clause != clause || any_hit(&self.conjunctions, &toks[j].text) {
                break;
            }
            if self.is_negator(toks, j) {
                let need_near = (e..(j + 3).min(toks.len()))
                    .any(|k| toks[k].clause == clause && any_hit(&self.need_words, &toks[k].text));
                if toks[j].text == "nicht" || need_near {
                    return true;
                }
            }
        }
        false
    }
}

// ───────────────────────────── rule set ─────────────────────────────

struct Rules {
    decline: Vec<Pattern>,
    support: Vec<Pattern>,
    not_buyer: Vec<Pattern>,
    mask: Vec<Pattern>,
    hot: Vec<(Topic, Pattern)>,
    negators: Vec<Alt>,
    not_negating_next: Vec<Alt>,
    not_negating_prev: Vec<Alt>,
    interjection: Vec<Alt>,
    pronoun: Vec<Alt>,
    conjunctions: Vec<Alt>,
    need_words: Vec<Alt>,
    vocab: std::collections::HashMap<String, u32>,
}

fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| {
        let negators = parse_alts(NEGATORS);
        let all = |tables: &[&[&'static str]]| -> Vec<Pattern> {
            tables
                .iter()
                .flat_map(|t| t.iter())
                .map(|src| Pattern::compile(src, &negators))
                .collect()
        };
        let mut r = Rules {
            vocab: Default::default(),
            decline: all(DECLINE),
            support: all(SUPPORT),
            not_buyer: all(NOT_A_BUYER),
            mask: all(MASK),
            hot: HOT
                .iter()
                .flat_map(|(topic, t)| t.iter().map(move |src| (*topic, src)))
                .map(|(topic, src)| (topic, Pattern::compile(src, &negators)))
                .collect(),
            not_negating_next: parse_alts(NOT_NEGATING_NEXT),
            not_negating_prev: parse_alts(NOT_NEGATING_PREV),
            interjection: parse_alts(INTERJECTION),
            pronoun: parse_alts(PRONOUN),
            conjunctions: parse_alts(CONJUNCTIONS),
            need_words: parse_alts(NEED_WORDS),
            negators,
        };
        let mut vocab = std::collections::HashMap::new();
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
    })
}

// ───────────────────────────── tables ─────────────────────────────
//
// Each table holds the patterns of one class (or one hot topic) in one language; the comment
// on each line says what it catches. Keep patterns general (word forms, question shapes),
// never whole example sentences.

/// Time words that make "free/available …" a scheduling question.
macro_rules! en_when {
    () => {
        "on|this|next|tomorrow|today|tonight|at|monday|tuesday|wednesday|thursday|friday|\
         saturday|sunday|mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays|\
         weekend|weekends|morning|afternoon|evening|week|asap|soon|early|later|any|from|before"
    };
}

/// Hot phrases per topic and language.
const HOT: &[(Topic, &[&str])] = &[
    (Topic::Price, PRICE_EN),
    (Topic::Price, PRICE_DE),
    (Topic::Price, PRICE_ES),
    (Topic::Price, PRICE_FR),
    (Topic::Price, PRICE_RU),
    (Topic::Quote, QUOTE_EN),
    (Topic::Quote, QUOTE_DE),
    (Topic::Quote, QUOTE_ES),
    (Topic::Quote, QUOTE_FR),
    (Topic::Quote, QUOTE_RU),
    (Topic::Demo, DEMO_EN),
    (Topic::Demo, DEMO_DE),
    (Topic::Demo, DEMO_ES),
    (Topic::Demo, DEMO_FR),
    (Topic::Demo, DEMO_RU),
    (Topic::Visit, VISIT_EN),
    (Topic::Visit, VISIT_DE),
    (Topic::Visit, VISIT_ES),
    (Topic::Visit, VISIT_FR),
    (Topic::Visit, VISIT_RU),
    (Topic::Availability, AVAILABILITY_EN),
    (Topic::Availability, AVAILABILITY_DE),
    (Topic::Availability, AVAILABILITY_ES),
    (Topic::Availability, AVAILABILITY_FR),
    (Topic::Availability, AVAILABILITY_RU),
    (Topic::Start, START_EN),
    (Topic::Start, START_DE),
    (Topic::Start, START_ES),
    (Topic::Start, START_FR),
    (Topic::Start, START_RU),
    (Topic::Purchase, PURCHASE_EN),
    (Topic::Purchase, PURCHASE_DE),
    (Topic::Purchase, PURCHASE_ES),
    (Topic::Purchase, PURCHASE_FR),
    (Topic::Purchase, PURCHASE_RU),
    (Topic::Callback, CALLBACK_EN),
    (Topic::Callback, CALLBACK_DE),
    (Topic::Callback, CALLBACK_ES),
    (Topic::Callback, CALLBACK_FR),
    (Topic::Callback, CALLBACK_RU),
];

// ── price ──

const PRICE_EN: &[&str] = &[
    // "how much is it / would you charge" — not "how much time/longer/I loved it"
    "how much !time|longer|experience|space|storage|memory|weight|fun|i|traffic|effort|work|data",
    "what .. money", // what sort of money are we talking
    "annual|monthly|yearly billing",
    "price|prices|pricing|priced|pricelist|pricelists", // price sheet, pricing tiers
    "cost|costs|costing|costings|costed !effective|efficient|efficiency", // what would it cost
    "charge|charges|charging", // what do you charge
    // hourly/day rate, your rates — not success/interest/conversion rate or "rate us"
    "<!success|conversion|interest|exchange|heart|response|failure|open|click|error|birth|crime|you|to|please|we|would rate|rates",
    "fee|fees", // call-out fee
    "tariff|tariffs",
    "ballpark", // a ballpark figure
    "rough|approximate|indicative figure|number", // a rough figure
    "how expensive",
    "cheaper|cheapest", // anything cheaper?
    "discount|discounts|discounted", // student discount?
    "any|best|better|good|special|bundle|package|the|this|that deal|deals",
    "special offer|offers",
    "budget is|of|around|about|range|for", // our budget is 5k
    "# off", // 50% off
    "offer|sale|discount|deal|promotion|promo|price|prices .. still on|valid|available|running|good",
    "what budget",
    "what .. pay", // what would we pay
    "what would|will|d you want|ask|take for", // what would you want for…
    "what .. asking for",
    "what .. total", // what's the total for 40 users
    "total for|price|amount|cost",
    "what .. run|set me|us|you", // what would that run us
    "what .. come|comes to", // what does it come to
    "set me|us back",
    "free shipping|delivery|postage|installation",
    "payment plan|plans|options|terms",
    "finance|financing|instalment|instalments|installment|installments",
    "pay monthly",
];

const PRICE_DE: &[&str] = &[
    "preis|preise|preisen|preises|preisliste|preislich|preisanfrage|*preis|*preise|*preisen", // Festpreis
    "kostet|kosten|koste|kostete|kosteten|kostenpunkt|*kosten", // was kostet…, Umzugskosten
    "wie viel !zeit|jahre|erfahrung|platz|tage|wochen|monate|stunden|mitarbeiter|leute",
    "wieviel !zeit|jahre|erfahrung|platz|tage|wochen|monate|stunden",
    "wie teuer",
    "was verlangen|nehmen|berechnen sie|ihr|du", // was nehmen Sie für…
    "verlangen|verlangt|berechnen|berechnet",    // was würden Sie … verlangen
    "stundensatz|stundensatze|tagessatz|stundenlohn|pauschale|pauschal", // hourly/day rate
    "tarif|tarife",
    "gebuhr|gebuhren|*gebuhr|*gebuhren",
    "rabatt|rabatte|*rabatt", // Mengenrabatt
    "ratenzahlung|finanzierung",
];

const PRICE_ES: &[&str] = &[
    "precio|precios|preciario",
    // "¿cuánto cuesta/cobran?" — not "cuánto tiempo", "en cuanto", "cuanto antes"
    "<!en cuanto|cuanta !tiempo|antes|dura|duran|tarda|tardan|demora|demoran|dias|horas|semanas|meses",
    "cuesta|cuestan|costo|costos|coste|costes|costaria|costarian|costara|costaran",
    "cobran|cobra|cobras|cobrais|cobrarian|cobraria|cobrara|cobraran|cobrar",
    "tarifa|tarifas|honorarios",
    "descuento|descuentos",
    "financiacion|financiamiento|cuotas",
    "a plazos", // pagar a plazos
    "envio gratis|gratuito",
];

const PRICE_FR: &[&str] = &[
    "prix",
    "tarif|tarifs|tarification|tarifaire|tarifaires",
    "combien !de|d", // not "combien de temps"
    "cout|couts|coute|coutent|couterait|couteraient|coutera|couteront",
    "montant|honoraires",
    "remise|remises|reduction|reductions|promo|promotion",
    "frais de|d",                 // frais de livraison
    "plusieurs fois|mensualites", // payer en plusieurs fois
    "livraison gratuite|offerte",
];

const PRICE_RU: &[&str] = &[
    "цена|цену|цены|цене|ценой|ценам|ценах|ценами|ценник|ценники|ценовое|ценовой|расценки|расценка|расценок",
    "прайс*", // прайс, прайс-лист
    "стоимость|стоимости|стоимостью",
    // "сколько стоит" — not "сколько времени/дней"
    "сколько !времени|по|дней|лет|человек|раз|займет|занимает|ждать|минут|часов|недель|месяцев",
    "почем",
    "обойдется|обойдутся|обойдет", // во сколько обойдётся
    "стоит|стоят|стоить|стоило|стоила|стоили !ли", // not "стоит ли" = is it worth
    "тариф|тарифы|тарифа|тарифов|тарифе|тарифах",
    "скидк*|скидочн*",
    "рассрочк*",
    "оплата частями",
];

// ── quote / proposal ──

const QUOTE_EN: &[&str] = &[
    "quote|quotes|quotation|quotations|quoted|quoting|requote", // a quote, can you quote me
    "estimate|estimates", // not "estimated delivery"
    "proposal|proposals", // commercial proposal
    "rfq|rfp|rfi|tender",
    "an|your|best|formal|written|firm|binding|final|better|competitive|commercial|price|the offer|offers",
    "bid on|for",
    "a|your bid",
    "statement of work",
    "commercial|licensing|licence|license|contract|payment terms",
];

const QUOTE_DE: &[&str] = &[
    "angebot|angebote|angebots|angebotes|angebotsanfrage|*angebot|*angebote", // ein Angebot machen
    "kostenvoranschlag|kostenvoranschlage|kva|kostenschatzung|kostenaufstellung",
    "offerte|offerten|kalkulation|ausschreibung|schatzung",
];

const QUOTE_ES: &[&str] = &[
    "presupuesto|presupuestos|presupuestar|presupuesteme",
    "cotizacion|cotizaciones|cotizar|cotizarme|cotice|coticen|cotizame",
    "propuesta|propuestas|licitacion",
    "una|su|mejor|nueva oferta",
    "oferta comercial|economica",
];

const QUOTE_FR: &[&str] = &[
    "devis",
    "proposition commerciale|tarifaire",
    "proposition de prix",
    "une|votre|meilleure|nouvelle offre",
    "offre commerciale",
    "offre de prix",
    "estimation|estimations|chiffrage|chiffrer",
    "appel d offres|offre",
];

const QUOTE_RU: &[&str] = &[
    "коммерческое|коммерческого|коммерческие|коммерческим предложение|предложения|предложением",
    "кп",
    "смета|смету|сметы|смете|сметой|сметный",
    "рассчитать|рассчитайте|просчитать|просчитайте|посчитать|посчитайте|расчет|расчета",
    "ваше|ваши предложение|предложения",
    "тендер|тендера|тендере",
];

// ── demo ──

const DEMO_EN: &[&str] = &[
    "demo|demos|demonstration|demonstrations|demonstrate|demonstrating", // live demo
    "walkthrough",
    "walk|run|take|talk me|us|our|my .. through", // run us through the product
    "show me|us how|around|the|it|your",          // show us how it works
    "in action",                                  // see it in action
    "see|show|shows .. how .. works|work|working", // see how the reporting works
    "product|platform tour",
    "trial|trials", // free trial
    "pilot|poc",
    "proof of concept",
    "test drive",
    "sandbox",
];

const DEMO_DE: &[&str] = &[
    "demo|demos|demoversion|demotermin|demozugang",
    "vorfuhrung|vorfuhrungen|*vorfuhrung|vorfuhren", // Produktvorführung
    "prasentation|produktprasentation",
    "testversion|testzugang|testphase|testaccount|testen",
    "probefahrt",
    "zeigen sie uns|mir",
];

const DEMO_ES: &[&str] = &[
    "demo|demos|demostracion|demostraciones|demostrar",
    "prueba gratuita|gratis",
    "periodo|version de prueba",
    "probarlo|probarla",
    "probar el|la producto|software|sistema|plataforma|herramienta",
];

const DEMO_FR: &[&str] = &[
    "demo|demos|demonstration|demonstrations",
    "essai gratuit",
    "version|periode d essai",
    "un essai",
    "presentation de|du votre|produit|la|l",
];

const DEMO_RU: &[&str] = &[
    "демо|демку|демки|демоверсию|демоверсия|демоверсии|демонстрац*",
    "презентац*",
    "тестов* доступ|период",
    "пробн* период|версия|версию|доступ",
    "протестировать|потестировать",
];

// ── visit / appointment / booking ──

const VISIT_EN: &[&str] = &[
    "appointment|appointments",
    // book a visit, how do we book — not "your book", "address book"
    "<!your|the|a|this|my|new|good|great|guest|phone|address|note|text|cook|recipe|comic|story|audio|e|face book",
    "booking|bookings",
    "book|booked|booking me|us|you|them|him|her|it in", // get you booked in
    "get|getting .. booked",
    "schedule|scheduling",
    "visit|visits", // site visit, visit your store
    "inspection|inspections|inspect",
    "site|home|house|property|building|roof|structural|damp survey",
    "consultation|consultations|consult",
    "viewing|viewings",
    "a fitting",
    "measure up|measurements",
    "come|pop|drop|stop|swing by|over|round|out|in", // can you come round
    "come and look|see|measure|quote|check|inspect|assess|fix|have",
    "send|get someone|somebody|a|an|your .. out|over|round|here|down", // get someone out
    "need|needs|want|get someone|somebody in|out|over|round", // we'd want someone in next week
    "someone|somebody|anyone|anybody .. take|have a look", // could somebody take a look
    "can|could|may i|we bring|drop|pop .. in|over|round|by|off", // can I bring him in
    // send an engineer, need a plumber
    "send|get|need|needs|want|book a|an|someone|somebody|your .. engineer|technician|plumber|electrician|fitter|surveyor|mechanic|locksmith|gardener|cleaner|decorator|painter|builder|roofer|handyman|tradesman|carpenter|joiner|glazier|tiler",
    "reserve|reservation|reservations",
    "tienen|tiene|hay|pedir|dar|darme|reservar hora", // ¿tienen hora para mañana?
    "a|book tour",
    "tour of the",
    "can|could|shall|should we meet",
    "meet in person",
    "meet up",
    "arrange|set|schedule|book|organise|organize|have|plan .. meeting",
    "see|view .. property|house|flat|apartment|car|venue|unit|premises|vehicle",
    "house call",
    "home visit",
    "call out",
    "callout",
];

const VISIT_DE: &[&str] = &[
    "termin|termine|terminen|*termin|*termine|terminvereinbarung|terminanfrage", // Besichtigungstermin
    "besichtigung|besichtigen",
    "vor ort",
    "vorbeikommen|vorbeischauen|rauskommen|herkommen|vorbeikommt",
    "vorbei kommen",
    "kommen sie|ihr .. vorbei",
    "buchen|buchung|buche",
    "reservieren|reservierung",
    "beratung|beratungsgesprach|*beratung|beraten",
    "aufmass|aufmessen|ausmessen",
    "besuch|besuchen !sie", // not "Besuchen Sie unsere Website"
    "uns treffen",
    "treffen vereinbaren",
];

const VISIT_ES: &[&str] = &[
    "cita|citas",
    "visita|visitas|visitar|visitarnos|visitarlos|visitarles",
    "agendar|agendemos|agende|agendamos",
    "reservar|reserva|reservacion|reservas",
    "inspeccion|inspeccionar",
    "medicion|medir",
    "tomar medidas",
    "pasar a ver",
    "venir a ver",
    "pueden|podrian|puede|podria|puedes|podrias venir|pasar|acercarse|acercaros",
    "reunion|reunirnos",
    "asesoria",
];

const VISIT_FR: &[&str] = &[
    "rendez vous",
    "rendezvous|rdv",
    "visite|visiter|visites",
    "reserver|reservation",
    "passer voir|chez",
    "pouvez|pourriez|pourrez vous passer|venir",
    "passer vous voir",
    "venir voir|chez",
    "sur place",
    "se deplacer",
    "deplacement",
    "consultation",
    "rencontrer|rencontre",
    "reunion",
    "prise de mesures",
];

const VISIT_RU: &[&str] = &[
    "записаться|записать|запишите|запишусь",
    "запись на",
    "на прием",
    "прием|приема|приеме",
    "выезд|выезда|выездом|выехать|приехать|приедете|приедет|подъехать|подъедете",
    "замер|замера|замерщик*|замеры",
    "вызвать|вызов мастера",
    "мастера на дом",
    "встреч*", // назначить встречу
    "консультац*",
    "визит|визита",
    "осмотр|осмотра",
    "забронировать|бронь|бронирован*",
];

// ── availability ──

const AVAILABILITY_EN: &[&str] = &[
    // "are you free on Saturday", "is anyone available next week"
    "you|u|someone|somebody|anyone|anybody .. free|available !of", // are you guys free on Sunday
    "you|u have|got space|room|capacity|availability|time", // do u have space
    "would|does|will|could|do|is|if .. work|works for you|u", // would Monday work for you
    "would|does|will|could|do|is|if .. suit|suits you|u",
    "availability|availabilities",
    concat!("available|free ", en_when!()),                             // free this Friday
    "still available|free", // is it still available
    "still in stock",
    "in stock",
    "back in|into stock",
    "out of stock",
    // "do you have an opening / any slots" — not "opening hours"
    "have|got|any an|any|a|some|free|open .. opening|openings|slot|slots|spot|spots|gap|gaps !hours|times|time",
    "have|got any|some|the space|spaces|room|capacity", // got any space next week
    "next|earliest|first|soonest available",
    "slot|slots",
    "fit|squeeze me|us|it|this|them|one|him|her in",
    "have|got|come|comes|available|stock|do .. in size|sizes|colour|colours|color|colors|black|white|red|blue|green|grey|gray|pink|navy|brown|beige|xl|xs",
    "can|could|would you|u do|cater|handle|take it|this|that|them", // can you cater it
    "any left",
    "have|got|stock|stocked|come|comes|available|do ... size|sizes", // do you have it in a size 9
    "take|taking|accept|accepting on|new .. job|jobs|work|clients|customers|patients|projects|project|bookings|orders",
    "waiting list|waitlist",
    "you have|got time",
    "you have|got some|any time",
    "booked up",
    "fully booked",
];

const AVAILABILITY_DE: &[&str] = &[
    "haben|hatten|hast|habt|hattet|hattest sie|du|ihr ... zeit|frei|kapazitat|kapazitaten|luft", // hätten Sie Zeit, haben Sie … frei
    "sind|waren|bist|seid sie|du|ihr .. frei|verfugbar",
    "noch frei|verfugbar",
    "frei am|diese|dieses|nachste|nachsten|morgen|heute",
    "verfugbar|verfugbarkeit|lieferbar|vorratig",
    "auf lager",
    "in grosse|grossen|farbe|farben", // gibt es den Mantel in Größe M
    "freie|freien termine|kapazitat|kapazitaten|platze",
    "zeitfenster",
    "passt|passen|passe ihnen|dir|euch", // passt Ihnen Montag?
    "ihnen|dir|euch .. passen|passt|recht",
];

const AVAILABILITY_ES: &[&str] = &[
    "disponible|disponibles|disponibilidad",
    "estan|esta|estas|estais .. libre|libres",
    "libre|libres el|este|esta|manana|hoy|lunes|martes|miercoles|jueves|viernes|sabado|domingo|fin",
    "hueco|huecos",
    "en stock",
    "en talla|color",
    "hay|tienen stock",
    "quedan plazas|unidades",
    "tienen|tiene|tienes|tendrian|tendria tiempo",
    "vendria|viene|va|irian bien", // ¿les vendría bien el lunes?
];

const AVAILABILITY_FR: &[&str] = &[
    "disponible|disponibles|disponibilite|disponibilites|dispo|dispos",
    "vous .. libre|libres",
    "libre|libres samedi|dimanche|lundi|mardi|mercredi|jeudi|vendredi|ce|cette|demain|la|le",
    "creneau|creneaux",
    "en stock",
    "en taille|couleur",
    "de la place",
    "une place",
    "vous .. du temps",
    "vous .. convient|conviendrait|arrange|arrangerait", // lundi vous conviendrait ?
];

const AVAILABILITY_RU: &[&str] = &[
    "свободн*", // вы свободны в субботу
    "в наличии",
    "наличие|наличии",
    "окошк*",
    "есть|будет|найдется|найдете .. время",
    "есть ли место|места",
    "есть места",
    "свободные места",
    "вам|тебе .. удобно|удобен|удобна|удобнее", // вам удобно в понедельник?
    "устроит|устроило",
];

// ── start date / urgency ──

const START_EN: &[&str] = &[
    // "when can you start", "when are you able to begin", "when could you come"
    "when can|could|would|will|are|do|might|shall|d|ll .. start|begin|commence|started|starting|beginning|kick|come|visit|fit",
    "when can|could|would|will you|we|u .. do it|this|the",
    "how soon|quickly|fast !is|was|did|are|were|does", // how fast can you get someone out
    "how much notice", // how much notice do you need
    "earliest|soonest",
    "start|starting date|dates|time",
    "can|could|would|will you|u|someone|somebody|they .. start|begin|commence",
    "able to start|begin|commence|come|fit|squeeze",
    "start|begin|commence asap|immediately|tomorrow|next|straight|monday|tuesday|wednesday|thursday|friday|saturday|sunday",
    "asap|urgent|urgently|emergency|emergencies",
    "as soon as possible",
    "right|straight away",
    "lead time|times",
    "turnaround|timeframe|timeline|timescale|timescales",
    "time frame|scale",
    "let|lets|like|want|keen|wish|love to|s get started", // let's get started (not "how did you get started")
    "lets get started",
];

const START_DE: &[&str] = &[
    "ab wann",
    "wann .. anfangen|beginnen|starten|loslegen|kommen|vorbeikommen|durchfuhren|umsetzen|einsetzen",
    "wie schnell|bald",
    "fruhestens|fruhester|fruheste|fruhestmoglich|schnellstmoglich|baldmoglichst|dringend|notfall|eilig|eilt",
    "so schnell|bald wie moglich",
    "starttermin|projektstart|lieferzeit|lieferzeiten|vorlaufzeit",
];

const START_ES: &[&str] = &[
    "cuando .. empezar|comenzar|iniciar|empiezan|comienzan|empezarian|comenzarian|venir|vendrian|vienen|arrancar|empezamos|comenzamos",
    "lo antes posible",
    "cuanto antes",
    "lo mas pronto",
    "urgente|urgencia|inmediato|inmediatamente",
    "que tan pronto|rapido",
    "con que rapidez",
    "fecha de inicio",
    "plazo|plazos de entrega|ejecucion",
];

const START_FR: &[&str] = &[
    "quand .. commencer|demarrer|debuter|intervenir|venir|passer|commencez|demarrez",
    "a partir de quand",
    "des quand",
    "quel delai",
    "delai|delais d intervention",
    "au plus vite",
    "des que possible",
    "le plus rapidement",
    "urgent|urgente|urgence",
    "date de debut|demarrage",
];

const START_RU: &[&str] = &[
    "когда .. начать|приступить|начнете|приступите|приехать|приедете|сможете|можете|начинаете|начнем|стартовать|подъехать",
    "как скоро|быстро",
    "в какие сроки",
    "какие сроки",
    "сроки|срок выполнения|исполнения",
    "срочно|срочный|срочная|срочное",
    "как можно скорее",
    "побыстрее",
    "в ближайшее время",
];

// ── purchase ──

const PURCHASE_EN: &[&str] = &[
    "buy|buying|purchase|purchasing", // ready to buy
    "to|i|we|can|could|may|you order|ordering", // can I order, like to order
    "order in|online|by|now|more|again|#|bulk", // order 50, order in bulk
    "place|put|make|placing .. order", // place a bulk order
    "an order for",
    "bulk|large|minimum|wholesale|trade|big order|orders",
    "in bulk",
    "wholesale",
    "ready|happy|keen|decided|like|want|wish to proceed|commit",
    "ready|happy|keen|decided|like|want|wish to sign !up",
    "ready to start|go|move|roll|begin|get|order|book",
    "next step|steps", // what's the next step
    "before signing|committing|buying|purchasing|ordering", // before signing
    "before we|i sign|commit|buy|order|purchase",
    "nachste|nachsten schritt|schritte",
    "siguiente|siguientes|proximo|proximos paso|pasos",
    "prochaine|prochaines etape|etapes",
    "следующий|дальнейшие шаг|шаги",
    "go|going|proceed|proceeding ahead", // we'd like to go ahead
    "go|going with you|your", // decided to go with you
    "choose|chose|choosing|hire|hiring you",
    "still want|interested|keen|like", // I still want the jacket
    "checkout",
    "at|during check out",
    "add|added|adding .. cart|basket",
    "in my cart|basket",
    "do you accept|take .. card|cards|credit|debit|paypal|cash|apple|klarna|amex|visa|mastercard|crypto|cheque|cheques|bitcoin|invoice",
    "can|could i|we pay", // can I pay by card
    "payment .. not|never go|going|gone|went through", // payment didn't go through
    "payment|card .. failed|declined|bounced|rejected|failing",
    "tried|trying to pay|order|buy|purchase|checkout|book",
    "hire a|an|someone|you|your|one",
    "to|for hire",
    "upgrade|upgrading to",
    "i|we ll|will take it|them|one|two|three|both|#", // I'll take two
    "hold|keep|save|reserve .. for me|us", // can you hold it for me
    "# seats|licences|licenses|licence|license", // 75 seats
    "sign|send|sending .. contract|agreement",
    "do you ship|deliver", // do you ship to France
    "how do|can|should i|we proceed", // how do we proceed
    "how do|can|should i|we get started",
    "how do|can|should i|we go ahead",
    "switch|switching|move|moving|migrate|migrating|transfer to you|your", // switching to you
    "interested in buying|purchasing|ordering|getting|booking|hiring|using",
];

const PURCHASE_DE: &[&str] = &[
    "kaufen|kaufe|erwerben|bestellen|bestelle|anschaffen|zulegen", // wo kann ich … kaufen
    "kauf auf",
    "bestellung aufgeben|machen",
    "sammelbestellung|grossbestellung|vorbestellung|vorbestellen|grosshandel|mengenrabatt",
    "auftrag erteilen|vergeben",
    "beauftragen", // wir möchten Sie beauftragen
    "bezahlen",
    "zahlen mit|per",
    "warenkorb",
    "liefern|versenden sie nach|ins|in",
];

const PURCHASE_ES: &[&str] = &[
    "comprar|compraria|comprariamos|comprarlo|comprarla|comprarlos|comprarlas|adquirir",
    "contratar|contratarlos|contratarles|contratarte|contratarle", // contratar sus servicios
    "encargar|encargo",
    "al|por mayor",
    "mayoreo",
    "hacer|realizar un pedido",
    "quiero|quisiera|queremos|quisieramos|podemos|puedo pedir",
    "me|nos lo|la|los|las llevo|llevamos",
    "carrito",
    "pagar con|por|en",
    "formas|metodos de pago",
    "hacen envios",
    "envian a",
];

const PURCHASE_FR: &[&str] = &[
    "acheter|achete|acheterais|acheterions|achat|achats",
    "commander|commandez",
    "passer commande",
    "passer une commande",
    "une|grosse|grande commande",
    "commande groupee",
    "en gros",
    "grossiste",
    "panier",
    "payer par|en|avec",
    "moyens de paiement",
    "livrez|expediez vous",
    "je prends",
    "je le|la prends",
];

const PURCHASE_RU: &[&str] = &[
    "купить|куплю|купим|приобрести|приобретение|заказать|закажу|закажем",
    "оформить|сделать заказ|покупку",
    "оптом|оптовый|оптовая|оптовые|опт",
    "оплатить",
    "оплата картой",
    "способы оплаты",
    "выставить|выставите|выставьте счет",
    "счет на оплату",
    "корзин*",
    "доставляете|доставите",
];

// ── call back / talk to sales ──

const CALLBACK_EN: &[&str] = &[
    "call|ring|phone|text|whatsapp|contact|reach me", // call me, ring me
    "call|ring|phone us back|today|tomorrow|asap|on|at|please",
    "call|ring|phone back",
    "callback|callbacks",
    "return my|the call",
    "give me|us a call|ring|bell|buzz|shout",
    "can|could|please|pls|plz|kindly .. call|ring|phone", // could someone call
    "talk|speak|chat to|with someone|somebody|anyone|sales|salesperson",
    "talk|speak|chat to|with a|an|your|one|the .. sales|salesperson|person|human|advisor|adviser|consultant|rep|representative|expert|specialist|agent|engineer|team|manager",
    "who .. talk|speak|contact", // who do I talk to
    "can|could|shall we talk|chat|speak",
    "get in touch",
    "my phone|mobile|cell|contact number",
    "my number|mobile|cell is",
    "reach me at|on",
    "set|arrange|schedule|book|have|organise|organize|hop|jump|get .. call|chat|zoom|teams",
    "quick|phone|video|discovery|intro|sales|consultation call",
    "sales team|department|rep|representative|person|contact|manager",
    "salesperson|salesman|saleswoman",
    "someone from sales",
    "account manager|executive",
];

const CALLBACK_DE: &[&str] = &[
    "ruckruf|ruckrufe|ruckrufbitte|zuruckrufen|zuruckruf",
    "rufen sie mich|uns",
    "ruft|ruf mich|uns",
    "anrufen|telefonat|telefonisch|telefontermin",
    "melden sie sich bei mir|uns",
    "kontaktieren sie mich|uns",
    "kontaktiert mich|uns",
    "vertrieb|vertriebsmitarbeiter|ansprechpartner|aussendienst",
];

const CALLBACK_ES: &[&str] = &[
    "llamenme|llameme|llamame|llamarme|llamarnos",
    "me|nos llamen|llame|llamas|llaman",
    "devolver|devuelvan|devolverme la llamada",
    "contactarme|contactenme|contactame|contacteme",
    "me|nos contacten|contacte",
    "ponerse|pongase|ponganse en contacto",
    "hablar con .. ventas|comercial|asesor|alguien|vendedor|departamento",
    "departamento|asesor comercial",
    "una llamada",
];

const CALLBACK_FR: &[&str] = &[
    "rappeler|rappelez|rappelle",
    "appelez moi|nous",
    "m|nous appeler",
    "me|nous contacter|joindre",
    "contactez moi|nous",
    "un appel",
    "appel telephonique",
    "service commercial",
    "un commercial|conseiller|conseillere",
    "par telephone",
];

const CALLBACK_RU: &[&str] = &[
    "перезвон*", // перезвоните мне
    "позвоните|позвонить|позвони|наберите",
    "звонок|звонка",
    "свяжитесь|связаться",
    "менеджер|менеджера|менеджеру|продажник",
    "отдел|отдела продаж",
    "мой телефон|номер",
    "номер телефона",
];

// ── declines (checked first) ──

const DECLINE: &[&[&str]] = &[DECLINE_EN, DECLINE_DE, DECLINE_ES, DECLINE_FR, DECLINE_RU];

const DECLINE_EN: &[&str] = &[
    "not|no|never .. interested|interesting", // not interested (in a demo)
    "no|nope , thanks|thank|thx|ty", // no thanks / no, thank you
    "not for me|us|now",
    "not right now",
    "not at this|the moment|time|stage",
    "not a priority|fit",
    "not the right time|fit",
    "maybe later",
    "maybe another time",
    // we went with / found / hired someone else, another supplier, a competitor
    "went|gone|going|go|decided|chose|chosen|choose|picked|selected|hired|found|booked|signed|switched|switching .. someone|somebody|anyone else",
    "went|gone|going|go|decided|chose|chosen|choose|picked|selected|hired|found|booked|signed|switched|switching|stay|staying|stick|sticking .. another|different|other|cheaper|local|current|existing .. company|supplier|vendor|provider|contractor|agency|firm|builder|plumber|electrician|option|solution|quote|offer|partner|one|team|service|tool|platform|product|person|guy",
    "went|gone|going|go|decided|chose|chosen|picked|selected|hired|found|booked|signed|switched .. competitor|competitors|elsewhere",
    "already have|use|using|work|working|found|got|chose .. supplier|provider|vendor|agency|contractor|someone|company|solution|partner|builder|plumber|developer|team|one|tool|system",
    "too expensive|pricey|costly|dear|high|steep", // too expensive, price too high
    "out of our|my|the budget|price|range",
    "over|beyond|above our|my budget",
    "not afford", // can't afford
    "stop|quit .. sending|emailing|calling|contacting|messaging|texting|spamming|emails|calls|messages|texts|spam",
    "unsubscribe|unsubscribed|unsub|optout",
    "opt me out",
    "opt out",
    "remove|take me|us|my .. from|off .. list|lists|mailing|database|newsletter|contacts",
    "remove|take me|us off",
    "not|never contact|email|message|text|spam me|us", // don't contact me
    "not .. call|ring|phone|contact|email|message|text me|us again|anymore",
    "leave me|us alone",
    "this is spam",
    "pass on this",
    "pass for now",
    "ll|will pass !it|this|that|on|along|your|the|my",
    "decided not|against",
    "not .. proceed|proceeding",
    "not .. go|going ahead",
    "not .. move|moving forward",
    "no longer need|needed|require|required|want|looking",
];

const DECLINE_DE: &[&str] = &[
    "kein|keinen|keine interesse|bedarf", // kein Interesse
    "nicht .. interessiert|interessant",
    "nein , danke",
    "zu teuer",
    "abmelden|abbestellen|austragen|abmeldung", // vom Newsletter abmelden
    "keine .. werbung|mails|emails|newsletter|anrufe",
    "nicht mehr .. kontaktieren|anrufen|schreiben|anschreiben|zusenden|senden",
    "anderen|andere|anderes|anderer anbieter|firma|unternehmen|dienstleister",
    "jemand|jemanden|jemandem anderen|anderes|anders",
    "schon|bereits versorgt",
    "haben schon|bereits einen|eine .. anbieter|dienstleister|partner|handwerker|firma|agentur|lieferanten",
];

const DECLINE_ES: &[&str] = &[
    "no me|nos interesa|interesan", // no me interesa
    "no .. interesado|interesada|interesados|interesadas",
    "no , gracias",
    "demasiado|muy caro|cara|caros|caras",
    "fuera de|del presupuesto",
    "otra empresa",
    "otro proveedor|profesional",
    "ya .. contratamos|encontramos|elegimos|escogimos",
    "ya tenemos .. proveedor|empresa|quien|alguien",
    "dar|darme|darnos de baja",
    "desuscribir|desuscribirme|desuscribanme|desuscribirse",
    "dejen de .. enviar|escribir|llamar|mandar",
    "no me|nos .. envien|escriban|llamen|manden|contacten",
];

const DECLINE_FR: &[&str] = &[
    "pas .. interesse|interessee|interesses|interessees|interessant|interessants", // pas intéressé
    "ne .. plus interesse|interessee|interesses|interessees",
    "non , merci",
    "trop cher|chere|chers|cheres|onereux",
    "desabonner|desabonnement|desinscrire|desinscription|desabonnez|desinscrivez",
    "ne plus recevoir",
    "arretez de",
    "autre prestataire|fournisseur|entreprise|societe|artisan",
    "quelqu un d autre",
    "<!d ailleurs",
    "deja .. prestataire|fournisseur|quelqu",
];

const DECLINE_RU: &[&str] = &[
    "не интересно|интересует|интересна|интересен|актуально", // не интересно
    "неинтересно|неактуально",
    "нет , спасибо",
    "слишком|очень дорого",
    "дороговато|дорого",
    "отписаться|отпишите|отписать|отписка",
    "не пишите|звоните|беспокойте|присылайте",
    "перестаньте|прекратите",
    "уберите меня|нас",
    "выбрали|нашли|наняли .. другого|другую|других|другой|другое",
    "у нас уже есть .. поставщик|подрядчик|партнер|исполнитель|агентство|решение|система|специалист",
];

// ── support: something the writer already has (checked after declines) ──

const SUPPORT: &[&[&str]] = &[SUPPORT_EN, SUPPORT_DE, SUPPORT_ES, SUPPORT_FR, SUPPORT_RU];

const SUPPORT_EN: &[&str] = &[
    // my order / our parcel / my account — not "place my order", "my account manager"
    "<!place|submit|finalise|finalize|complete|make my|our order|orders|parcel|parcels|package|packages|delivery|deliveries|shipment|item|items|goods|refund|purchase|purchases|subscription|account|invoice|invoices|receipt|booking|bookings|reservation|appointment|appointments|consultation|session|tracking|return|returns|password|login|membership|warranty|bill|statement|profile !manager|managers|executive|rep",
    "order|tracking|reference|invoice|account|customer|case|ticket number|id|ref",
    "order|invoice|ticket|case|ref|reference ##", // order 123456
    "tracking .. order|parcel|package|delivery|shipment|link|code|info|information|details",
    "track .. order|parcel|package|delivery|shipment",
    "where is|s|are my|our",
    "wheres my|our",
    // hasn't arrived / not received it
    "not|never .. arrived|delivered|dispatched|shipped",
    "not|never .. turned|shown|showed up",
    "not|never .. come|came",
    "not|never .. received|receive|got|get|gotten .. it|them|order|parcel|package|item|items|goods|delivery|refund|money|confirmation|tracking|invoice|receipt|shipment",
    "still waiting|waiting .. order|parcel|package|delivery|refund|item|items|goods|shipment|money|replacement",
    // returns, refunds, faults
    "send|sending|sent .. back",
    "return|returning|exchange|exchanging|swap .. it|this|item|items|order|product|products|them|these|those|parcel|goods",
    "returns|refund|refunds|refunded|reimburse|reimbursement|chargeback",
    "money back",
    "faulty|defective|damaged|broken|wrong|missing|scratched|cracked|dented|torn .. item|items|product|products|goods|unit|order|size|colour|color|parcel|package|delivery",
    "arrived|came|delivered .. damaged|broken|faulty|late|wrong|open|opened|missing|scratched|cracked|dented|torn|incomplete|empty|defective",
    // cancellations and changes to something that exists
    "cancel|cancelling|canceling|cancellation|cancelled|canceled .. order|orders|subscription|booking|appointment|account|membership|plan|contract|renewal|payment|debit|reservation|it|my|our|demo|meeting|call|visit|delivery|trial",
    "reschedule|rescheduling|rebook|rebooking|postpone|postponed",
    "change|move|update|amend|modify|edit .. appointment|booking|reservation|delivery|order|address|email|password|card|billing|details|plan|subscription",
    // payments already made, billing
    "i|we|ve|have|has|already|just|had paid|transferred", // I paid last week
    "received|get|got|see|confirm|confirming .. my|our|the payment|payments|transfer|deposit",
    "payment confirmation|received",
    "proof of payment",
    "charged .. twice|double|wrong|incorrectly|again",
    "overcharged|overcharge",
    "double charged|charge",
    "receipt|receipts",
    "typo|typos|mistake|error|errors|wrong|incorrect .. invoice|receipt|bill|name|address|statement|charge",
    "billing|bill .. question|issue|problem|error|query|dispute",
    "outstanding|overdue|unpaid|latest|last|previous .. invoice|invoices|bill|balance",
    "pay|paying .. invoice|bill|balance|statement",
    // accounts and data
    "delete|close|remove|deactivate|reactivate|unlock|suspend|erase|terminate .. account|profile|data|subscription|membership|details|information",
    "account|profile .. locked|hacked|suspended|blocked|disabled|deleted|closed",
    "password|passwords|login|logon|signin|2fa",
    "log|sign in|into",
    "locked out .. account|app|portal|dashboard|system|login|profile",
    "verification code",
    "export|download|import|migrate .. data|invoices|history|reports|contacts",
    "personal data",
    "gdpr|dsar",
    "right to be forgotten",
    "how do|can|could|should i|we .. export|delete|reset|change|update|cancel|return|track|unsubscribe|download|access|use|install|configure|add|remove|edit|upload|invite",
    // already done
    "already renewed|paid|ordered|purchased|bought|booked|returned|cancelled|canceled",
    "existing|current order|booking|subscription|account",
    // complaints and warranty
    "complaint|complaints|complain|complaining",
    "warranty claim|repair",
    "under warranty|guarantee",
    "auto renewal|renew",
    "autorenewal|autorenew",
];

const SUPPORT_DE: &[&str] = &[
    "mein|meine|meinen|meinem|meiner|unser|unsere|unseren|unserem|unserer bestellung|paket|lieferung|sendung|rechnung|konto|account|kundenkonto|vertrag|abo|abonnement|buchung|termin|passwort|ruckerstattung|erstattung|daten|zahlung",
    "nicht|nie|kein|keine|keinen .. angekommen|geliefert|erhalten|zugestellt|eingetroffen|bekommen",
    "wo bleibt",
    "sendungsnummer|sendungsverfolgung|trackingnummer|bestellnummer|auftragsnummer|rechnungsnummer|kundennummer",
    "rucksendung|rucksenden|zurucksenden|zuruckschicken|zuruckgeben|retoure|retournieren|umtausch|umtauschen|reklamation|reklamieren|erstattung|ruckerstattung|gutschrift",
    "geld zuruck",
    "storno|stornieren|stornierung|storniert|kundigen|kundigung|gekundigt",
    "defekt|beschadigt|kaputt|falsch .. geliefert|angekommen|erhalten|bekommen",
    "geliefert|angekommen .. defekt|beschadigt|kaputt|falsch",
    "bereits|schon|habe|haben .. bezahlt|uberwiesen|gezahlt|bestellt|gekundigt|verlangert",
    "zahlung .. erhalten|eingegangen|bestatigen",
    "quittung|quittungen|kassenbon",
    "rechnung .. fehler|falsch|falsche|korrigieren|korrektur|tippfehler|doppelt|kopie",
    "einloggen|login|passwort",
    "daten .. exportieren|loschen|herunterladen",
    "beschwerde|beschweren|garantiefall",
];

const SUPPORT_ES: &[&str] = &[
    "mi|mis|nuestro|nuestra|nuestros|nuestras pedido|pedidos|paquete|paquetes|envio|envios|compra|compras|cuenta|factura|facturas|recibo|reserva|cita|suscripcion|contrasena|reembolso|devolucion|entrega|orden|datos",
    "no .. llegado|llega|llego|recibido|recibi|entregado|entregaron",
    "numero de seguimiento|pedido|orden",
    "seguimiento|rastrear|rastreo",
    "devolver|devolverlo|devolverla|devolverlos|devolverlas|devuelvo !la|me",
    "devolver la !llamada",
    "devolucion|devoluciones|reembolso|reembolsar",
    "cambiar .. talla|producto|articulo",
    "cancelar|anular .. pedido|compra|reserva|cita|suscripcion|cuenta|orden|mi",
    "borrar|eliminar|cerrar .. cuenta|datos|perfil",
    "ya .. pague|pagamos|pagado|pagada|transferi|renovamos|renove|renovado|pedi|compre",
    "pago .. confirmado|recibido|realizado",
    "confirmar|recibieron .. pago",
    "llego|llegaron|recibi .. roto|rota|danado|danada|defectuoso|defectuosa|mal|equivocado|incompleto",
    "defectuoso|defectuosa|defectuosos",
    "factura|recibo .. error|errores|mal|incorrecta|incorrecto|equivocada|equivocado",
    "contrasena",
    "iniciar sesion",
    "queja|reclamacion|reclamo|garantia",
    "exportar|descargar .. datos",
];

const SUPPORT_FR: &[&str] = &[
    "mon|ma|mes|notre|nos commande|commandes|colis|livraison|compte|facture|factures|recu|achat|abonnement|reservation|rendez|remboursement|paiement",
    "pas|jamais .. recu|recue|recus|arrive|arrivee|livre|livree",
    "numero de suivi|commande",
    "suivi de commande|colis|livraison",
    "retourner|remboursement|rembourser|rembourse",
    "echanger .. article|produit|taille",
    "annuler|annulation .. commande|abonnement|reservation|rendez|compte|achat|ma|mon",
    "supprimer|fermer|clore|desactiver .. compte|donnees|profil",
    "deja|ai|avons paye|payee|regle|reglee|vire|renouvele|commande",
    "ai|avons passe|effectue une|ma|la commande",
    "recu .. paiement",
    "arrive|arrivee|livre|livree|recu|recue .. abime|abimee|casse|cassee|defectueux|defectueuse|endommage|endommagee",
    "defectueux|defectueuse",
    "facture|recu .. erreur|faute|incorrect|incorrecte|fausse",
    "mot de passe",
    "me connecter",
    "reclamation|plainte|garantie|sav",
    "service apres vente",
    "exporter|telecharger .. donnees",
];

const SUPPORT_RU: &[&str] = &[
    "мой|моя|мое|моего|моей|мою|моему|мои|моих|наш|наша|наше|нашего|нашей|нашу|наши|наших заказ|заказа|заказу|заказом|заказе|заказы|посылк*|доставк*|аккаунт*|кабинет*|подписк*|покупк*|возврат*|счет|счета|чек|пароль|бронь|запись|записи|данные|данных",
    "не .. пришел|пришла|пришло|пришли|доставили|доставлен|доставлена|получил|получила|получили|дошел|дошла|дошло|дошли|поступил|поступила|поступили",
    "где .. заказ|посылка|посылку|доставка",
    "трек|трекномер|отслеживани*|отследить",
    "номер заказа",
    "вернуть|возврат|возврата|обменять",
    "отменить|отмените|отмена|отменили|аннулировать",
    "удалить|удалите|закрыть|закройте|заблокируйте .. аккаунт|профиль|данные|учетную|кабинет",
    "уже .. оплатил|оплатила|оплатили|оплачен|оплачено|заплатил|заплатили|перевел|перевели|продлил|продлили|заказал|заказали|купил|купили",
    "оплатил|оплатила|оплатили|заплатил|заплатила|заплатили|оплачено",
    "получили .. оплату|платеж|перевод",
    "пришел|пришла|пришло|пришли .. сломан*|брак*|поврежден*|разбит*",
    "бракованн*|поврежденн*",
    "ошибк* .. чеке|чек|счете|накладной|заказе",
    "чек|счет|счете .. ошибк*",
    "пароль|логин|авторизац*",
    "войти в",
    "жалоб*|претензи*",
    "выгрузить|экспорт*|скачать .. данные|отчет|историю",
];

// ── not a buyer: job seekers, vendors pitching, press, students, sponsorship ──

const NOT_A_BUYER: &[&[&str]] = &[
    NOT_A_BUYER_EN,
    NOT_A_BUYER_DE,
    NOT_A_BUYER_ES,
    NOT_A_BUYER_FR,
    NOT_A_BUYER_RU,
];

const NOT_A_BUYER_EN: &[&str] = &[
    // job seekers
    "vacancy|vacancies",
    "job|jobs opening|openings|application|applications|vacancy|vacancies|offer|opportunity|opportunities",
    "any jobs",
    "you|currently|still|now hiring",
    "hiring now",
    "apply .. job|position|role|vacancy|internship|apprenticeship",
    "looking for work|employment",
    "looking for a|an job|internship|apprenticeship|placement",
    "my cv|resume",
    "cv|internship|internships|apprenticeship|apprenticeships|careers",
    "work experience|placement",
    "join your team",
    "i|me|to work for you|your", // I'd love to work for you
    // vendors pitching their own services
    "we|i can|could build|design|create|develop|redesign|boost|increase|improve|grow|generate|rank|optimise|optimize|supply|offer|provide|get|help|double|triple .. you|your",
    "we offer|provide|specialise|specialize|supply",
    "we also|now|currently|proudly offer|provide|specialise|specialize|supply",
    "we help|helped|work .. companies|businesses|brands|agencies|firms|startups|founders|shops|stores|clinics",
    "writing|write|wrote|publish|publishing an|a .. article|piece|story|feature|blog|report",
    "i offer|provide|specialise|specialize",
    "our agency|company|team|firm|studio offers|provides|specialises|specializes|can|helps|builds|develops",
    "reaching out from",
    "i|we have a .. proposal|offer for you",
    "business|partnership|collaboration proposal|opportunity",
    "partnership|partnerships|collaborate|collaboration|affiliate",
    "partner with you",
    "guest post|posts|posting",
    "backlink|backlinks",
    "link building",
    "offshore|outsourcing|nearshore",
    "white label",
    "check out our",
    // press, students, sponsorship
    "journalist|reporter|thesis|dissertation|questionnaire|sponsor|sponsorship|sponsors|sponsoring|donation|donate|raffle",
    "for|on our|my|the|a .. newspaper|magazine|podcast",
    "article about|on you|your",
    "interview you|your",
    "research project",
    "school|university|college|student project",
];

const NOT_A_BUYER_DE: &[&str] = &[
    "offene|freie stellen|stelle|position|positionen",
    "stellenangebot|stellenangebote|stellenausschreibung|bewerbung|bewerben|ausbildungsplatz|praktikum|praktikumsplatz|jobs|minijob|nebenjob",
    "wir bieten|erstellen|entwickeln|helfen",
    "wir ... bieten|erstellen|entwickeln|programmieren|optimieren", // wir sind eine Agentur und bieten …
    "unsere agentur",
    "kooperationsanfrage|sponsoring|spende|spenden|presseanfrage|journalist|bachelorarbeit|masterarbeit|abschlussarbeit|umfrage",
];

const NOT_A_BUYER_ES: &[&str] = &[
    "vacante|vacantes|empleo|empleos|curriculum|practicas",
    "puesto|puestos de trabajo",
    "busco|buscando trabajo",
    "oferta|ofertas de trabajo|empleo",
    "trabajar con ustedes|vosotros",
    "ofrecemos",
    "le|les ofrecemos",
    "nuestra agencia",
    "podemos crear|ofrecerle|ofrecerles|ayudarle|ayudarles",
    "tengo|tenemos una propuesta",
    "patrocinio|patrocinar|tesis|entrevista|periodista",
];

const NOT_A_BUYER_FR: &[&str] = &[
    "offre|offres d emploi",
    "emploi|candidature|candidat|alternance|recrutez|recrutement",
    "recherche|cherche .. stage|alternance|emploi",
    "nous proposons|offrons",
    "notre agence",
    "nous pouvons creer|developper|concevoir",
    "partenariat|sponsoring|sponsor|journaliste|interview",
    "mon|ma memoire|these",
];

const NOT_A_BUYER_RU: &[&str] = &[
    "ваканси*|резюме|трудоустройств*|стажировк*",
    "ищу работу",
    "работу у вас",
    "мы предлагаем",
    "предлагаем вам|услуги",
    "наша компания|студия предлагает|занимается",
    "сотрудничеств*|спонсор*|дипломн*|курсовая|курсовую|курсовой|интервью|журналист*",
    "направляем|высылаем вам",
];

// ── masks: hot words inside these phrases do not count ──

const MASK: &[&[&str]] = &[MASK_ALL];

const MASK_ALL: &[&str] = &[
    // thanks for the quote/demo/call: already happened
    "thank|thanks|thx|ty .. for .. quote|demo|call|visit|proposal|offer|estimate|presentation|meeting|time|consultation|tour",
    "danke|dank fur .. angebot|demo|termin|anruf|besuch|beratung|prasentation",
    "gracias por .. presupuesto|demo|oferta|llamada|visita|cotizacion|propuesta",
    "merci pour .. devis|demo|offre|appel|visite|proposition|rendez",
    "спасибо за .. предложение|демо|звонок|встречу|консультацию|кп",
    "до встречи", // see you (at the webinar)
    "opening hours|times", // opening hours ≠ an opening
    "last|previous|recent|yesterday visit|appointment|booking|session|service|delivery", // a past visit is not a request
    "in order to|for",
    "i|we quote you|your", // a journalist citing you
    "visit|check our|my website|site|web|page|blog|shop|profile|channel|linkedin|instagram|facebook",
    "all rights reserved",
    // events start on their own schedule
    "webinar|webinars|event|conference|workshop|livestream|stream|sale|course|class|session .. start|begin|starts|begins|starting",
    "webinar|вебинар|вебинара|вебинаре|webinaire|seminario .. демо|прием",
];

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
    fn every_pattern_word_is_one_normalised_token() {
        let r = rules();
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
                    Elem::Word(a) | Elem::NotNext(a) | Elem::NotPrev(a) => a,
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

    #[test]
    fn tokens_are_normalised_and_keep_their_spans() {
        let text = "Don’t SEND a Démonstration, l'offre: 10,000 units!";
        let toks = tokenize(text);
        let words: Vec<&str> = toks.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(
            words,
            [
                "do",
                "not",
                "send",
                "a",
                "demonstration",
                "l",
                "offre",
                "10",
                "000",
                "units"
            ]
        );
        assert_eq!(&text[toks[4].start..toks[4].end], "Démonstration");
        // The comma after the demo and the colon start new clauses; the number keeps one.
        assert_eq!(toks[3].clause, toks[4].clause);
        assert!(toks[5].clause > toks[4].clause);
        assert_eq!(toks[7].clause, toks[8].clause);
        let glued: Vec<String> = tokenize("I cant and we dont")
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(glued, ["i", "can", "not", "and", "we", "do", "not"]);
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
        ] {
            assert_eq!(topic(t), Some(Topic::Quote), "{t}");
        }
        for t in [
            "Can we book a demo for Thursday?",
            "We'd love a demonstration of the reporting module.",
            "Gibt es eine Produktvorführung?",
            "Quisiera una demostración del sistema.",
            "Хотим демонстрацию системы.",
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
        // A failed payment is someone still trying to buy.
        assert_eq!(
            topic("My card was declined but I still want to buy it"),
            Some(Topic::Purchase)
        );
    }

    #[test]
    fn not_a_buyer() {
        assert_eq!(
            detect("We offer cheap SEO, can we schedule a call?"),
            TextSignal::Nothing
        );
        assert_eq!(
            detect("Are you hiring? I'm sending my CV."),
            TextSignal::Nothing
        );
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
