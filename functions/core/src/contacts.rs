//! Contacts: the same person arriving through a form, a cart and a chat is one contact.
//! A contact is its normalised e-mail (trimmed, lower-cased) or, without one, its phone
//! in E.164 (parsed with the `phonenumber` crate, national numbers in the source's
//! `default_region`); an unparsable phone is kept as given and flagged. Its id is a
//! digest of that key, so every lead of one person carries one `contact_id`.

use sha2::{Digest, Sha256};

use crate::model::{Contact, Lead};

/// Who a lead is from, as far as its contact fields tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// `ct_` + 24 hex digits.
    pub id: String,
    pub email: Option<String>,
    /// E.164 (`+4930123456`), or as given when it did not parse.
    pub phone: Option<String>,
    /// The phone did not parse as a number (of `default_region`, when national).
    pub phone_unparsed: bool,
}

/// `  Ana@Example.COM ` → `ana@example.com`; none without an `@`.
pub fn normalise_email(e: &str) -> Option<String> {
    let t = e.trim().to_lowercase();
    (t.len() > 2 && t.contains('@')).then_some(t)
}

/// The phone in E.164, or `Err(as given, trimmed)` when it is no valid number.
pub fn normalise_phone(p: &str, region: Option<&str>) -> Result<String, String> {
    let country = region.and_then(|r| r.parse::<phonenumber::country::Id>().ok());
    match phonenumber::parse(country, p.trim()) {
        Ok(n) if phonenumber::is_valid(&n) => {
            Ok(n.format().mode(phonenumber::Mode::E164).to_string())
        }
        _ => Err(p.trim().to_string()),
    }
}

/// Whether `r` is a region `phonenumber` knows (`DE`, `GB`, `US`, …).
pub fn is_region(r: &str) -> bool {
    r.parse::<phonenumber::country::Id>().is_ok()
}

fn id_of(key: &str) -> String {
    let h = Sha256::digest(format!("handoff-contact-v1\n{key}"));
    format!("ct_{}", &hex::encode(h)[..24])
}

/// The contact of `c`, by e-mail first, else phone; none without either.
pub fn identify(c: &Contact, region: Option<&str>) -> Option<Identity> {
    let email = c.email.as_deref().and_then(normalise_email);
    let phone = c
        .phone
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(|p| normalise_phone(p, region));
    let phone_unparsed = matches!(phone, Some(Err(_)));
    let phone = phone.map(|p| p.unwrap_or_else(|raw| raw));
    let key = match (&email, &phone) {
        (Some(e), _) => format!("email:{e}"),
        (None, Some(p)) if !phone_unparsed => format!("phone:{p}"),
        // as given, without spaces and separators, so "030 1234" and "030-1234" meet
        (None, Some(p)) => format!(
            "phone?:{}",
            p.chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '+')
                .collect::<String>()
        ),
        (None, None) => return None,
    };
    Some(Identity {
        id: id_of(&key),
        email,
        phone,
        phone_unparsed,
    })
}

/// Sets `lead.contact_id` (and the unparsed-phone flag) from its contact fields.
pub fn assign(lead: &mut Lead, region: Option<&str>) {
    if let Some(who) = identify(&lead.contact, region) {
        lead.contact_id = Some(who.id);
        lead.phone_unparsed = who.phone_unparsed;
    }
}

/// The latest lead of the contact a CRM event names (its `email` or `phone`; a phone in
/// the outcomes source's `default_region`).
pub async fn latest_lead(
    app: &crate::app::App,
    source_id: &str,
    c: &crate::outcomes::EventContact,
) -> Result<Option<Lead>, crate::store::StoreError> {
    let config = app.config();
    let region = config
        .sources
        .get(source_id)
        .and_then(|s| s.default_region.clone());
    let contact = Contact {
        email: c.email.clone(),
        phone: c.phone.clone(),
        name: None,
        company: None,
    };
    let Some(who) = identify(&contact, region.as_deref()) else {
        return Ok(None);
    };
    let page = app
        .store
        .list_leads(&crate::store::LeadQuery {
            limit: 1,
            contact: Some(who.id),
            ..Default::default()
        })
        .await?;
    Ok(page.items.into_iter().next())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(email: Option<&str>, phone: Option<&str>) -> Contact {
        Contact {
            email: email.map(str::to_string),
            phone: phone.map(str::to_string),
            name: None,
            company: None,
        }
    }

    #[test]
    fn one_person_one_id_by_email_then_phone() {
        let a = identify(&contact(Some(" Ana@Example.COM "), None), None).unwrap();
        let b = identify(
            &contact(Some("ana@example.com"), Some("+49 30 1234567")),
            None,
        )
        .unwrap();
        assert_eq!(a.id, b.id, "the e-mail decides when there is one");
        assert_eq!(a.email.as_deref(), Some("ana@example.com"));
        assert!(a.id.starts_with("ct_") && a.id.len() == 27, "{}", a.id);

        // a national number in the source's region is the same as its E.164 form
        let national = identify(&contact(None, Some("030 1234567")), Some("DE")).unwrap();
        let e164 = identify(&contact(None, Some("+49 30 1234567")), None).unwrap();
        assert_eq!(national.phone.as_deref(), Some("+49301234567"));
        assert_eq!(national.id, e164.id);
        assert!(!national.phone_unparsed);

        // unparsable: kept as given and flagged; separators do not split a person
        let x = identify(&contact(None, Some("call me 12")), None).unwrap();
        assert!(x.phone_unparsed);
        assert_eq!(x.phone.as_deref(), Some("call me 12"));
        let y = identify(&contact(None, Some("call-me-12")), None).unwrap();
        assert_eq!(x.id, y.id);
        assert_ne!(x.id, e164.id);

        assert_eq!(identify(&contact(Some("not an email"), None), None), None);
        assert!(is_region("DE") && !is_region("XX"));
    }
}
