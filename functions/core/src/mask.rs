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
