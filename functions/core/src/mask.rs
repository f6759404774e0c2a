//! Masking of personal data, and neutralising of control characters, for logs and
//! console output.

use std::borrow::Cow;

/// `ana.lopez@example.com` → `a***@example.com`. Masked from the **last** `@`, so
/// `x@ana.lopez@gmail.com` shows nothing of what stands before the real domain.
pub fn email(e: &str) -> String {
    match e.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{}", printable(domain))
        }
        None => "***".into(),
    }
}

/// `+49 151 1234 5678` → `***678`
pub fn phone(p: &str) -> String {
    let digits: Vec<char> = p.chars().filter(|c| c.is_ascii_digit()).collect();
    let tail: String = digits[digits.len().saturating_sub(3)..].iter().collect();
    format!("***{tail}")
}

/// The text with every control character written as an escape (`\n`, `\r`, `\t`,
/// `\u{1b}` …), so text a sender controls cannot start a fake log line or drive the
/// terminal. Borrowed when there is nothing to escape.
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Keys whose values are contact details, in a JSON body of any provider.
const CONTACT_KEYS: &[&str] = &[
    "email",
    "e-mail",
    "mail",
    "phone",
    "phone_number",
    "telephone",
    "tel",
    "mobile",
    "name",
    "first_name",
    "last_name",
    "firstname",
    "lastname",
    "full_name",
    "company",
    "address",
    "address1",
    "address2",
    "street",
    "zip",
    "postcode",
];

/// A rejected delivery's excerpt, safe to keep: the body as sent (so it still shows what
/// was wrong), with every string under a contact-like key of a JSON body, every
/// e-mail-like word and every phone-like run (7–15 digits among spaces and `+ - ( ) .`)
/// masked. At most `max` characters are kept.
pub fn excerpt(body: &[u8], max: usize) -> String {
    let mut text = String::from_utf8_lossy(body).into_owned();
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
        let mut found = Vec::new();
        contact_values(&v, false, &mut found);
        found.sort_by_key(|s| std::cmp::Reverse(s.len()));
        for s in found {
            if s.is_empty() {
                continue;
            }
            // as it stands in the body: a JSON string (quoted, escaped), as a value
            if let Ok(quoted) = serde_json::to_string(&s) {
                text = replace_values(&text, &quoted);
            }
        }
    }
    let text = mask_phones(&mask_emails(&text));
    text.chars().take(max).collect()
}

/// `text` with every occurrence of the JSON string `quoted` that stands as a value
/// (after `:`, `[` or `,`, and not followed by `:`) replaced by `"***"`.
fn replace_values(text: &str, quoted: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(quoted) {
        let before = text.len() - rest.len() + at; // in `text`, not in `out`
        out.push_str(&rest[..at]);
        let after = &rest[at + quoted.len()..];
        let prev = text[..before].trim_end().chars().last();
        let next = after.trim_start().chars().next();
        if matches!(prev, Some(':' | '[' | ',')) && next != Some(':') {
            out.push_str("\"***\"");
        } else {
            out.push_str(quoted);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

fn is_contact_key(k: &str) -> bool {
    let k = k.to_ascii_lowercase();
    CONTACT_KEYS
        .iter()
        .any(|c| k == *c || k.ends_with(&format!("_{c}")) || (c.len() >= 5 && k.ends_with(c)))
}

/// Every string value under a contact-like key (at any depth below it).
fn contact_values(v: &serde_json::Value, under: bool, out: &mut Vec<String>) {
    use serde_json::Value;
    match v {
        Value::String(s) if under => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|i| contact_values(i, under, out)),
        Value::Object(map) => {
            // a form answer about a contact field (Typeform: `{"field": {"ref": "name"},
            // "text": "…"}`, or `"type": "email" | "phone_number"`): its values are contact
            let answer = map.get("field").is_some_and(|f| {
                f.get("ref")
                    .and_then(Value::as_str)
                    .is_some_and(is_contact_key)
                    || map
                        .get("type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| matches!(t, "email" | "phone_number"))
            });
            for (k, val) in map {
                let contact = under || is_contact_key(k) || (answer && k != "field" && k != "type");
                contact_values(val, contact, out);
            }
        }
        _ => {}
    }
}

/// Masks e-mail-like words (split on whitespace and JSON / form punctuation).
fn mask_emails(s: &str) -> String {
    let is_sep = |c: char| c.is_whitespace() || "\",:{}[]=&<>;'()".contains(c);
    let mut out = String::with_capacity(s.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.contains('@') && word.len() > 2 {
            out.push_str(&email(word));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in s.chars() {
        if is_sep(c) {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Masks phone-like runs: phone characters (`0-9`, space, `+ - ( ) .`) holding 7–15
/// digits that start with `+` or hold a separator, but are not a `YYYY-MM-DD` date. Bare
/// digit strings (ids, Unix times) are kept.
fn mask_phones(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let phone_char = |c: char| c.is_ascii_digit() || " +-().".contains(c);
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() || c == '+' || c == '(' {
            let mut j = i;
            while j < chars.len() && phone_char(chars[j]) {
                j += 1;
            }
            // keep trailing separators out of the run
            let mut end = j;
            while end > i && !chars[end - 1].is_ascii_digit() {
                end -= 1;
            }
            let run: String = chars[i..end].iter().collect();
            let digits = run.chars().filter(char::is_ascii_digit).count();
            let boundary_ok = i == 0 || !chars[i - 1].is_alphanumeric();
            let separated = run.starts_with('+') || run.chars().any(|c| " -().".contains(c));
            let date = run.len() >= 10
                && run.as_bytes()[4] == b'-'
                && run.as_bytes()[7] == b'-'
                && run[..4].bytes().all(|b| b.is_ascii_digit());
            if boundary_ok && separated && !date && (7..=15).contains(&digits) {
                out.push_str(&phone(&run));
            } else {
                out.push_str(&run);
            }
            out.extend(&chars[end..j]);
            i = j.max(i + 1);
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn masks_hide_most_of_the_value() {
        assert_eq!(super::email("ana.lopez@example.com"), "a***@example.com");
        assert_eq!(super::email("broken"), "***");
        assert_eq!(super::phone("+49 151 1234 5678"), "***678");
        assert_eq!(super::phone("12"), "***12");
    }

    #[test]
    fn e_mails_are_masked_from_the_last_at() {
        let m = super::email("x@ana.lopez@gmail.com");
        assert_eq!(m, "x***@gmail.com");
        assert!(!m.contains("ana.lopez"));
    }

    #[test]
    fn excerpts_keep_the_shape_but_not_the_contact_details() {
        let body = br#"{"action":"buy","contact":{"email":"ana.lopez@example.com","phone":"+49 151 1234 5678","name":"Ana Lopez","company":"Acme"},"message":"call me on 030 1234567 or mail ana@x.org","submitted_at":"2026-12-03T19:32:45Z","order_id":"7110622707801","ts":1767261600}"#;
        let e = super::excerpt(body, 2048);
        for secret in [
            "ana.lopez",
            "1234 5678",
            "Ana Lopez",
            "Acme",
            "030 1234567",
            "ana@x.org",
        ] {
            assert!(!e.contains(secret), "{secret} in {e}");
        }
        for kept in [
            r#""action":"buy""#,
            "2026-12-03T19:32:45Z",
            "7110622707801",
            "1767261600",
            "mail a***@x.org",
        ] {
            assert!(e.contains(kept), "{kept} not in {e}");
        }
        // not JSON: e-mails and phone-like runs still masked
        let e = super::excerpt(
            b"email=bo@example.com&phone=(030) 123-4567&x=not json",
            2048,
        );
        assert!(!e.contains("bo@example") && !e.contains("123-4567"), "{e}");
        assert!(
            e.contains("not json") && e.contains("b***@example.com"),
            "{e}"
        );
        assert_eq!(super::excerpt("é".repeat(10).as_bytes(), 3), "ééé");
        // a form answer about a contact field; a value equal to a key name stays a key
        let body = br#"{"answers":[{"field":{"id":"f1","ref":"name"},"type":"text","text":"Nobody 7"},{"field":{"id":"f2","ref":"budget"},"type":"text","text":"name"}],"definition":{"fields":[{"ref":"name","type":"short_text"}]}}"#;
        let e = super::excerpt(body, 2048);
        assert!(!e.contains("Nobody"), "{e}");
        assert!(
            e.contains(r#""ref":"name""#) && e.contains(r#""text":"name""#),
            "{e}"
        );
        // several masked values: positions stay right after earlier replacements
        let body = br#"{"name":"A very long name here","x":"keep","email":"a@b.co","y":"a@b.co:"}"#;
        let e = super::excerpt(body, 2048);
        assert_eq!(
            e,
            r#"{"name":"***","x":"keep","email":"***","y":"a***@b.co:"}"#
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(super::printable("plain"), "plain");
        assert_eq!(
            super::printable("id\nERROR fake\u{1b}[2J"),
            "id\\nERROR fake\\u{1b}[2J"
        );
        assert!(!super::printable("a\r\u{7}b\u{85}")
            .chars()
            .any(char::is_control));
    }
}
