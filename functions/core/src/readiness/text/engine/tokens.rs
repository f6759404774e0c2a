//! Normalisation and tokens: Unicode lowercase, Latin accents folded (`démonstration` →
//! `demonstration`, `Vorführung` → `vorfuhrung`, `ё` → `е`), words split on anything that is
//! not a letter or digit. Apostrophes inside words split them (`l'offre` → `l offre`,
//! `what's` → `what s`) and English `n't` becomes `not` (`don't` → `do not`). Sentence
//! punctuation (`, . ; : ! ?` …) starts a new *clause*; every token remembers its byte span
//! in the original text, so a match can be cut out of the text as written.
//!
//! The normalised words of one text live in one buffer ([`Doc`]), each token a range of
//! it: no allocation per token. [`Doc::new`] also looks every token up once in the
//! compiled tables (its [`atoms`](super::atoms), its negation word classes, its hashes for
//! the model), so the matching and the model only read numbers.

use super::atoms::{fnv_bytes, Atoms, FNV_OFFSET};

/// One normalised word: its range in [`Doc::buf`], its byte span in the original text,
/// its clause number, and what the tables know of it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tok {
    a: u32,
    b: u32,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) clause: u32,
    /// Its atoms: `Doc::atoms[atoms.0..atoms.1]`.
    atoms: (u32, u32),
    /// Word classes of the negation lists ([`super::atoms::flag`]), and whether it
    /// negates here ([`super::atoms::flag::NEGATES`], set by [`Doc::new`]).
    pub(crate) flags: u16,
    /// FNV-1a of the whole word and of its first five characters.
    pub(crate) word_hash: u64,
    pub(crate) stem_hash: u64,
    /// Longer than its stem.
    pub(crate) stemmed: bool,
    /// All ASCII digits.
    pub(crate) number: bool,
    /// Its clause ends in a question mark.
    pub(crate) question: bool,
}

/// One text, tokenised and looked up.
#[derive(Debug, Default)]
pub(crate) struct Doc {
    pub(crate) toks: Vec<Tok>,
    buf: String,
    atoms: Vec<u32>,
    /// The text holds a question mark.
    pub(crate) any_question: bool,
}

/// How many characters a stem keeps.
pub(crate) const STEM: usize = 5;

impl Doc {
    /// Tokenises `text` and looks each token up in `atoms`.
    pub(crate) fn new(text: &str, atoms: &Atoms) -> Doc {
        let mut d = Doc {
            toks: Vec::with_capacity(text.len() / 5 + 1),
            buf: String::with_capacity(text.len() + 8),
            atoms: Vec::with_capacity(text.len() / 3 + 1),
            any_question: false,
        };
        d.tokenize(text);
        d.look_up(atoms);
        d
    }

    /// The normalised word of token `i`.
    pub(crate) fn word(&self, i: usize) -> &str {
        let t = &self.toks[i];
        &self.buf[t.a as usize..t.b as usize]
    }

    /// The atoms token `i` hits.
    pub(crate) fn atoms_of(&self, i: usize) -> &[u32] {
        let (a, b) = self.toks[i].atoms;
        &self.atoms[a as usize..b as usize]
    }

    pub(crate) fn len(&self) -> usize {
        self.toks.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.toks.is_empty()
    }

    /// Adds the word at `buf[a..]` (just written); `attached` means it followed an
    /// apostrophe inside a word (`don|'t`).
    fn push_word(&mut self, a: usize, start: usize, end: usize, clause: u32, attached: bool) {
        let tok = |a: usize, b: usize| Tok {
            a: a as u32,
            b: b as u32,
            start,
            end,
            clause,
            ..Tok::default()
        };
        if attached && &self.buf[a..] == "t" {
            if let Some(last) = self.toks.last() {
                let lw = &self.buf[last.a as usize..last.b as usize];
                if lw.ends_with('n') && last.clause == clause {
                    // n't → not: don't → do not, can't → can not, won't → will not.
                    let base = match lw {
                        "can" => "can",
                        "won" => "will",
                        "ain" => "is",
                        t => &t[..t.len() - 1],
                    }
                    .to_string();
                    let la = last.a as usize;
                    self.buf.truncate(la);
                    self.buf.push_str(&base);
                    let last = self.toks.last_mut().expect("a last token");
                    last.b = self.buf.len() as u32;
                    let na = self.buf.len();
                    self.buf.push_str("not");
                    self.toks.push(tok(na, self.buf.len()));
                    return;
                }
            }
        }
        if !attached {
            if let Some(base) = glued_negation(&self.buf[a..]) {
                self.buf.truncate(a);
                self.buf.push_str(base);
                let m = self.buf.len();
                self.buf.push_str("not");
                self.toks.push(tok(a, m));
                self.toks.push(tok(m, self.buf.len()));
                return;
            }
        }
        self.toks.push(tok(a, self.buf.len()));
    }

    fn tokenize(&mut self, text: &str) {
        let mut clause = 0u32;
        // the word being read: its start in buf (None: between words), its text span
        let mut cur: Option<usize> = None;
        let (mut cur_start, mut cur_end) = (0, 0);
        let (mut attached, mut next_attached) = (false, false);
        // the previous character was a letter or digit / an ASCII digit
        let (mut prev_word, mut prev_digit) = (false, false);
        // a '?' since the last word
        let mut q_since = false;
        let bytes = text.as_bytes();
        // the character at byte `i` and its length
        let char_at = |i: usize| -> Option<char> {
            match bytes.get(i) {
                Some(&b) if b < 0x80 => Some(b as char),
                Some(_) => text[i..].chars().next(),
                None => None,
            }
        };
        let mut i = 0;
        while i < bytes.len() {
            // a run of ASCII letters and digits: copied lowercased in one go
            if bytes[i].is_ascii_alphanumeric() {
                if cur.is_none() {
                    if q_since {
                        self.mark_question();
                        q_since = false;
                    }
                    cur = Some(self.buf.len());
                    cur_start = i;
                    attached = next_attached;
                }
                let mut j = i;
                while j < bytes.len() && bytes[j].is_ascii_alphanumeric() {
                    self.buf.push(bytes[j].to_ascii_lowercase() as char);
                    j += 1;
                }
                cur_end = j;
                prev_digit = bytes[j - 1].is_ascii_digit();
                prev_word = true;
                i = j;
                continue;
            }
            let b = i;
            let c = char_at(i).expect("a character at a boundary");
            i += c.len_utf8();
            let word_char = !c.is_ascii() && is_letter(c);
            if word_char || (is_combining(c) && cur.is_some()) {
                if cur.is_none() {
                    if q_since {
                        self.mark_question();
                        q_since = false;
                    }
                    cur = Some(self.buf.len());
                    cur_start = b;
                    attached = next_attached;
                }
                push_folded(c, &mut self.buf);
                cur_end = i;
                prev_digit = false;
                prev_word = word_char;
                continue;
            }
            if let Some(a) = cur.take() {
                self.push_word(a, cur_start, cur_end, clause, attached);
            }
            if c.is_ascii_whitespace() {
                // the commonest separator: no apostrophe, no clause break but a newline
                next_attached = false;
                if c == '\n' || c == '\r' {
                    clause += 1;
                }
                prev_word = false;
                prev_digit = false;
                continue;
            }
            let next = char_at(i);
            let next_word = next.is_some_and(char::is_alphanumeric);
            next_attached = is_apostrophe(c) && prev_word && next_word;
            // "10,000" and "3.5" keep their clause.
            let in_number =
                (c == '.' || c == ',') && prev_digit && next.is_some_and(|n| n.is_ascii_digit());
            if is_clause_break(c) && !in_number {
                clause += 1;
            }
            if c == '?' {
                self.any_question = true;
                q_since = true;
            }
            prev_word = false;
            prev_digit = false;
        }
        if let Some(a) = cur.take() {
            self.push_word(a, cur_start, cur_end, clause, attached);
        }
        if q_since {
            self.mark_question();
        }
    }

    /// A '?' came after the last token so far: its clause is a question.
    fn mark_question(&mut self) {
        let Some(last) = self.toks.last() else {
            return;
        };
        let clause = last.clause;
        for t in self.toks.iter_mut().rev() {
            if t.clause != clause || t.question {
                break;
            }
            t.question = true;
        }
    }

    /// Looks every token up: atoms, hashes, negation word classes, then which negators
    /// negate where they stand.
    fn look_up(&mut self, atoms: &Atoms) {
        for i in 0..self.toks.len() {
            let (a, b) = (self.toks[i].a as usize, self.toks[i].b as usize);
            let w = &self.buf[a..b];
            let from = self.atoms.len() as u32;
            let mut h = FNV_OFFSET;
            let mut stem = 0;
            let mut n = 0;
            let mut number = !w.is_empty();
            if w.is_ascii() {
                for (j, &c) in w.as_bytes().iter().enumerate() {
                    h = fnv_bytes(h, &[c]);
                    n += 1;
                    if n == STEM {
                        stem = h;
                    }
                    number &= c.is_ascii_digit();
                    atoms.prefixes_at(h, w, j + 1, &mut self.atoms);
                }
            } else {
                for (j, c) in w.char_indices() {
                    let end = j + c.len_utf8();
                    h = fnv_bytes(h, &w.as_bytes()[j..end]);
                    n += 1;
                    if n == STEM {
                        stem = h;
                    }
                    number &= c.is_ascii_digit();
                    atoms.prefixes_at(h, w, end, &mut self.atoms);
                }
            }
            if n <= STEM {
                stem = h;
            }
            atoms.exact(h, w, &mut self.atoms);
            atoms.suffixes(w, &mut self.atoms);
            if number {
                atoms.numbers(w.len(), &mut self.atoms);
            }
            let to = self.atoms.len() as u32;
            let flags = atoms.flags_of(&self.atoms[from as usize..]);
            let t = &mut self.toks[i];
            t.atoms = (from, to);
            t.word_hash = h;
            t.stem_hash = stem;
            t.stemmed = n > STEM;
            t.number = number;
            t.flags = flags;
        }
        for j in 0..self.toks.len() {
            if super::negation::is_negator(&self.toks, j) {
                self.toks[j].flags |= super::atoms::flag::NEGATES;
            }
        }
    }
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

/// `c.is_alphanumeric()` for a non-ASCII `c`, without the Unicode tables for the
/// Cyrillic and Latin letters the tables' languages write.
#[inline]
fn is_letter(c: char) -> bool {
    match c {
        '\u{0410}'..='\u{044F}' | '\u{0100}'..='\u{024F}' => true,
        '\u{00C0}'..='\u{00FF}' => c != '\u{00D7}' && c != '\u{00F7}',
        _ => c.is_alphanumeric(),
    }
}

/// Lowercases `c` and folds Latin accents (and Russian `ё`) so spelling variants meet.
fn push_folded(c: char, out: &mut String) {
    // Russian without the Unicode tables: а..я as they are, А..Я lowercased
    match c {
        'а'..='я' => return out.push(c),
        'А'..='Я' => {
            return out.push(char::from_u32(c as u32 + 0x20).expect("a Cyrillic letter"));
        }
        _ => {}
    }
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

pub(crate) fn fold(s: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn words(d: &Doc) -> Vec<&str> {
        (0..d.len()).map(|i| d.word(i)).collect()
    }

    #[test]
    fn tokens_are_normalised_and_keep_their_spans() {
        let atoms = Atoms::default();
        let text = "Don’t SEND a Démonstration, l'offre: 10,000 units!";
        let d = Doc::new(text, &atoms);
        assert_eq!(
            words(&d),
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
        let toks = &d.toks;
        assert_eq!(&text[toks[4].start..toks[4].end], "Démonstration");
        // The comma after the demo and the colon start new clauses; the number keeps one.
        assert_eq!(toks[3].clause, toks[4].clause);
        assert!(toks[5].clause > toks[4].clause);
        assert_eq!(toks[7].clause, toks[8].clause);
        assert!(toks[7].number && !toks[9].number);
        assert!(toks[4].stemmed && !toks[3].stemmed);
        let d = Doc::new("I cant and we dont", &atoms);
        assert_eq!(words(&d), ["i", "can", "not", "and", "we", "do", "not"]);
        let d = Doc::new("won't, ain't; l’eau", &atoms);
        assert_eq!(words(&d), ["will", "not", "is", "not", "l", "eau"]);
    }

    #[test]
    fn questions_are_the_clauses_before_a_question_mark() {
        let d = Doc::new(
            "Hi there. Is anyone free on Friday? We'd like 25 covers",
            &Atoms::default(),
        );
        let q: Vec<bool> = d.toks.iter().map(|t| t.question).collect();
        assert_eq!(
            q,
            [false, false, true, true, true, true, true, false, false, false, false, false]
        );
        assert!(d.any_question);
        let d = Doc::new("¿Cuánto cuesta?", &Atoms::default());
        assert!(d.toks.iter().all(|t| t.question));
        assert!(!Doc::new("No question here", &Atoms::default()).any_question);
    }
}
