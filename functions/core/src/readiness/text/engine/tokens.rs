//! Normalisation and tokens: Unicode lowercase, Latin accents folded (`démonstration` →
//! `demonstration`, `Vorführung` → `vorfuhrung`, `ё` → `е`), words split on anything that is
//! not a letter or digit. Apostrophes inside words split them (`l'offre` → `l offre`,
//! `what's` → `what s`) and English `n't` becomes `not` (`don't` → `do not`). Sentence
//! punctuation (`, . ; : ! ?` …) starts a new *clause*; every token remembers its byte span
//! in the original text, so a match can be cut out of the text as written.

/// One normalised word with its byte span in the original text and its clause number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tok {
    pub(crate) text: String,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) clause: u32,
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

/// Adds one word; `attached` means it followed an apostrophe inside a word (`don|'t`).
fn push_word(
    out: &mut Vec<Tok>,
    word: String,
    start: usize,
    end: usize,
    clause: u32,
    attached: bool,
) {
    let tok = |text: String| Tok {
        text,
        start,
        end,
        clause,
    };
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
                out.push(tok("not".into()));
                return;
            }
        }
    }
    if !attached {
        if let Some(base) = glued_negation(&word) {
            out.push(tok(base.into()));
            out.push(tok("not".into()));
            return;
        }
    }
    out.push(tok(word));
}

pub(crate) fn tokenize(text: &str) -> Vec<Tok> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
