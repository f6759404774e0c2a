//! Small helpers shared by the provider modules: MACs and their constant-time
//! comparison, string clean-up, query strings, HTML to text, and the final
//! normalisation every parsed [`LeadEvent`] goes through.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

use super::{MalformedError, SignatureError};
use crate::model::{Action, LeadEvent, Utm};

/// The shortest HMAC secret accepted for the schemes that take any string (Typeform,
/// Shopify, Intercom): a shorter one could be guessed offline from one captured
/// delivery. (The providers issue longer ones: Shopify 32 hex digits and more, Intercom
/// a 36-character client secret; Typeform's is the one you type in.)
pub const MIN_SECRET_CHARS: usize = 16;

/// `Ok` when `secret` has at least [`MIN_SECRET_CHARS`] characters.
pub(crate) fn min_secret_length(secret: &str, provider: &str) -> Result<(), String> {
    let n = secret.chars().count();
    if n < MIN_SECRET_CHARS {
        return Err(format!(
            "is {n} characters long; {provider} secrets must have at least {MIN_SECRET_CHARS}"
        ));
    }
    Ok(())
}

/// HMAC-SHA256 over the concatenation of `parts`.
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// HMAC-SHA1 of `body`.
pub(crate) fn hmac_sha1(key: &[u8], body: &[u8]) -> [u8; 20] {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// Constant-time equality of two MACs (the length is not secret).
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// `Ok` when the signature `sig` sent in `header` is the `expected` MAC (compared in
/// constant time).
pub(crate) fn mac_matches(sig: &[u8], expected: &[u8], header: &str) -> Result<(), SignatureError> {
    if ct_eq(sig, expected) {
        Ok(())
    } else {
        Err(SignatureError(format!("{header} does not match")))
    }
}

/// Providers whose secret is a plain shared string refuse an empty one: a MAC under
/// an empty key proves nothing.
pub(crate) fn require_secret(secret: &str) -> Result<(), SignatureError> {
    if secret.is_empty() {
        Err(SignatureError("the source has an empty secret".into()))
    } else {
        Ok(())
    }
}

/// A required header, trimmed.
pub(crate) fn header<'a>(
    headers: &'a crate::model::Headers,
    name: &str,
) -> Result<&'a str, SignatureError> {
    match headers.get(name).map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(SignatureError(format!("missing {name} header"))),
    }
}

/// Trimmed, `None` when empty.
pub(crate) fn clean(s: Option<&str>) -> Option<String> {
    let t = s?.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// A field clean-up for owned values.
pub(crate) fn clean_owned(s: Option<String>) -> Option<String> {
    clean(s.as_deref())
}

/// A provider-controlled identifier (topic, event type) made safe to quote in an
/// error or an ignore reason: short, printable.
pub(crate) fn quote_id(s: &str) -> String {
    let cut: String = s.chars().take(64).collect();
    format!("{cut:?}")
}

/// The body as a JSON object, or a short syntax error (serde_json's syntax errors name
/// a position, never the content).
pub(crate) fn json_object(body: &[u8]) -> Result<Map<String, Value>, MalformedError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(MalformedError("body is not a JSON object".into())),
        Err(e) => Err(MalformedError(format!("body is not valid JSON: {e}"))),
    }
}

/// A string at a path of object keys; `None` when absent, not a string, or blank.
pub(crate) fn str_at(v: &Value, path: &[&str]) -> Option<String> {
    let mut cur = v;
    for key in path {
        cur = cur.get(*key)?;
    }
    clean(cur.as_str())
}

/// An Action from a free-form value: `"Demo request"`, `"demo-request"` and
/// `"demo_request"` all name [`Action::DemoRequest`].
pub(crate) fn parse_action(s: &str) -> Option<Action> {
    let norm: String = s
        .trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    norm.parse().ok()
}

/// `first last`, either part optional.
pub(crate) fn join_name(first: Option<String>, last: Option<String>) -> Option<String> {
    match (first, last) {
        (Some(f), Some(l)) => Some(format!("{f} {l}")),
        (f, l) => f.or(l),
    }
}

/// Splits a full name at the first whitespace: `("Ada", Some("Lovelace"))`.
pub(crate) fn split_name(name: &str) -> (String, Option<String>) {
    let name = name.trim();
    match name.split_once(char::is_whitespace) {
        Some((f, l)) => (f.to_string(), clean(Some(l))),
        None => (name.to_string(), None),
    }
}

/// Decodes `%XX` escapes and `+` (form encoding) in a query component; invalid
/// escapes are kept as they are, invalid UTF-8 is replaced.
pub(crate) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex_val(b[i + 1]), hex_val(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub(crate) fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~') {
            out.push(c as char);
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

/// The field of `utm` a UTM parameter name (`utm_source`, any case) stands for.
pub(crate) fn utm_field<'a>(utm: &'a mut Utm, name: &str) -> Option<&'a mut Option<String>> {
    Some(match name.to_ascii_lowercase().as_str() {
        "utm_source" => &mut utm.source,
        "utm_medium" => &mut utm.medium,
        "utm_campaign" => &mut utm.campaign,
        "utm_term" => &mut utm.term,
        "utm_content" => &mut utm.content,
        _ => return None,
    })
}

/// The UTM parameters of `utm` by name, in field order (set or not).
pub(crate) fn utm_params(utm: &Utm) -> [(&'static str, &Option<String>); 5] {
    [
        ("utm_source", &utm.source),
        ("utm_medium", &utm.medium),
        ("utm_campaign", &utm.campaign),
        ("utm_term", &utm.term),
        ("utm_content", &utm.content),
    ]
}

/// The UTM parameters of a URL or path with a query string
/// (`/products/x?utm_source=google&utm_campaign=spring%20sale`). The first value of
/// each parameter wins.
pub(crate) fn utm_from_url(url: &str) -> Utm {
    let mut utm = Utm::default();
    let Some((_, query)) = url.split_once('?') else {
        return utm;
    };
    let query = query.split('#').next().unwrap_or("");
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let Some(slot) = utm_field(&mut utm, percent_decode(k).trim()) else {
            continue;
        };
        if slot.is_none() {
            *slot = clean(Some(&percent_decode(v)));
        }
    }
    utm
}

/// A query string carrying the UTM parameters that are set (`utm_source=x&…`), or
/// an empty string.
pub(crate) fn utm_query(utm: &Utm) -> String {
    utm_params(utm)
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", percent_encode(v))))
        .collect::<Vec<_>>()
        .join("&")
}

/// Text of an HTML fragment: tags dropped, the common entities decoded, whitespace
/// collapsed to single spaces.
pub(crate) fn html_to_text(html: &str) -> String {
    // 1. drop tags (a tag starts with `<` followed by a letter, `/`, `!` or `?`),
    //    leaving a space so that `<p>a</p><p>b</p>` reads "a b".
    //    Linear: the next `>` is found once and reused until the scan passes it (a
    //    search per `<` made `"<a" × 125,000` quadratic: 1.3 s).
    let mut text = String::with_capacity(html.len());
    let mut chars = html.char_indices().peekable();
    let mut next_gt: Option<usize> = html.find('>');
    while let Some((i, c)) = chars.next() {
        let starts_tag = c == '<'
            && html[i + 1..]
                .chars()
                .next()
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'));
        if starts_tag {
            if next_gt.is_some_and(|g| g < i) {
                next_gt = html[i..].find('>').map(|e| i + e);
            }
            match next_gt.map(|g| g - i) {
                Some(end) => {
                    text.push(' ');
                    while chars.peek().is_some_and(|&(j, _)| j <= i + end) {
                        chars.next();
                    }
                }
                // no closing `>`: not a tag, keep it as text
                None => text.push(c),
            }
        } else {
            text.push(c);
        }
    }
    // 2. decode entities, 3. collapse whitespace
    decode_entities(&text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // the `;` closing an entity name comes within a few bytes; it is ASCII, so
        // slicing at it is always on a character boundary
        let decoded = rest.as_bytes()[1..]
            .iter()
            .take(11)
            .position(|&b| b == b';')
            .map(|semi| &rest[1..1 + semi])
            .and_then(|name| entity(name).map(|c| (c, name.len() + 2)));
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)?
        }
    })
}

/// Escapes text for HTML element content and attribute values.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The last step of every parse: strings trimmed (empty → `None`; intake cuts
/// over-long ones and says so on the lead), then the model's own validation.
pub(crate) fn finish(mut event: LeadEvent) -> Result<LeadEvent, MalformedError> {
    let c = &mut event.contact;
    c.email = clean_owned(c.email.take());
    c.phone = clean_owned(c.phone.take());
    c.name = clean_owned(c.name.take());
    c.company = clean_owned(c.company.take());
    let u = &mut event.utm;
    u.source = clean_owned(u.source.take());
    u.medium = clean_owned(u.medium.take());
    u.campaign = clean_owned(u.campaign.take());
    u.term = clean_owned(u.term.take());
    u.content = clean_owned(u.content.take());
    // (over-long text is cut by intake, which notes it on the lead)
    event.message = clean_owned(event.message.take());
    event.validate().map_err(MalformedError)?;
    Ok(event)
}

/// `t` without its fraction of a second: the time a sample's whole-second timestamp
/// reads back as.
pub(crate) fn to_the_second(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

/// A deterministic, UUID-shaped identifier derived from `seed` (for sample payloads).
pub(crate) fn uuid_from(seed: &str) -> String {
    let h = hmac_sha256(b"handoff-sample", &[seed.as_bytes()]);
    let x = hex::encode(&h[..16]);
    format!(
        "{}-{}-{}-{}-{}",
        &x[..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..32]
    )
}

/// A deterministic decimal identifier derived from `seed` (for sample payloads).
pub(crate) fn number_from(seed: &str) -> u64 {
    let h = hmac_sha256(b"handoff-sample", &[seed.as_bytes()]);
    u64::from_be_bytes(h[..8].try_into().expect("8 bytes")) % 9_000_000_000_000 + 1_000_000_000_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("spring%20sale"), "spring sale");
        assert_eq!(percent_decode("a+b"), "a b");
        assert_eq!(percent_decode("%E2%82%AC"), "€");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%4"), "%4");
    }

    #[test]
    fn percent_encoding_round_trips() {
        for s in ["spring sale", "a&b=c", "€ 5%", "plain-text_.~"] {
            assert_eq!(percent_decode(&percent_encode(s)), s);
        }
    }

    #[test]
    fn utm_parameters_from_a_landing_path() {
        let u = utm_from_url(
            "/products/x?variant=1&utm_source=google&utm_medium=cpc&utm_campaign=spring%20sale&utm_source=other#top",
        );
        assert_eq!(u.source.as_deref(), Some("google"));
        assert_eq!(u.medium.as_deref(), Some("cpc"));
        assert_eq!(u.campaign.as_deref(), Some("spring sale"));
        assert_eq!(u.term, None);
        assert!(utm_from_url("/products/x").is_empty());
        assert!(utm_from_url("https://shop.example/?utm_source=").is_empty());
    }

    #[test]
    fn html_becomes_text() {
        assert_eq!(
            html_to_text("<p>How much  does it <b>cost</b>?</p><p>Tom &amp; Jerry&nbsp;&lt;3 &#39;x&#x27; &quot;q&quot;</p>"),
            "How much does it cost ? Tom & Jerry <3 'x' \"q\""
        );
        assert_eq!(html_to_text("a < b and c<d"), "a < b and c<d");
        assert_eq!(html_to_text("line<br>break<br/>x"), "line break x");
        assert_eq!(
            html_to_text("&lt;b&gt;not a tag&lt;/b&gt;"),
            "<b>not a tag</b>"
        );
        assert_eq!(html_to_text("broken <a href"), "broken <a href");
        // many unclosed tags (linear now; this took seconds when each `<` searched on)
        let unclosed = "<a".repeat(125_000);
        assert_eq!(html_to_text(&unclosed), unclosed);
        assert_eq!(html_to_text(&format!("{}>x", "<a".repeat(1000))), "x");
        assert_eq!(html_to_text("<b>x</b> <a y"), "x <a y");
        assert_eq!(html_to_text("&unknown; & &"), "&unknown; & &");
        assert_eq!(html_to_text("&#99999999999;"), "&#99999999999;");
        assert_eq!(html_to_text("&lt;&lt;Aa=ß"), "<<Aa=ß");
        assert_eq!(html_to_text("&amp;ßßßßßß;"), "&ßßßßßß;");
    }

    #[test]
    fn html_escape_and_back() {
        let s = "Tom & \"Jerry\" <3 it's";
        assert_eq!(html_to_text(&format!("<p>{}</p>", html_escape(s))), s);
    }

    #[test]
    fn actions_from_free_form_names() {
        assert_eq!(parse_action("Demo request"), Some(Action::DemoRequest));
        assert_eq!(parse_action(" quote-request "), Some(Action::QuoteRequest));
        assert_eq!(parse_action("buy"), None);
    }

    #[test]
    fn names_split_and_join() {
        assert_eq!(
            split_name("Ada Lovelace"),
            ("Ada".into(), Some("Lovelace".into()))
        );
        assert_eq!(split_name("Cher"), ("Cher".into(), None));
        assert_eq!(
            join_name(Some("Ada".into()), Some("King Lovelace".into())).unwrap(),
            "Ada King Lovelace"
        );
        assert_eq!(join_name(None, Some("L".into())).unwrap(), "L");
    }
}
