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

/// What a contact's earlier leads mean for a new hot lead of theirs.
#[derive(Debug, Default)]
pub struct Prior {
    /// The first lead of a hot lead this recent (`[routing] merge_window`): the new one
    /// is a touch of it.
    pub touch_of: Option<Lead>,
    /// The member who claimed the contact's latest claimed lead within `[routing]
    /// sticky`.
    pub sticky: Option<crate::routing::Sticky>,
}

/// How many of a contact's latest leads are read to decide [`Prior`].
const PRIOR_LEADS: usize = 50;

/// Reads the contact's latest leads for [`Prior`] (none for a nurture lead or one
/// without a contact).
pub async fn prior(
    store: &dyn crate::store::LeadStore,
    config: &crate::config::Config,
    lead: &Lead,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Prior, crate::store::StoreError> {
    let mut out = Prior::default();
    let (merge, sticky) = (config.routing.merge_window, config.routing.sticky);
    let Some(contact) = lead.contact_id.as_ref() else {
        return Ok(out);
    };
    if lead.stage != crate::model::Stage::Hot || (merge.is_zero() && sticky.is_zero()) {
        return Ok(out);
    }
    let page = store
        .list_leads(&crate::store::LeadQuery {
            limit: PRIOR_LEADS,
            contact: Some(contact.clone()),
            ..Default::default()
        })
        .await?;
    let horizon = merge.max(sticky);
    let mut touch_checked = merge.is_zero();
    for l in page.items.iter().filter(|l| l.id != lead.id) {
        if now - l.received_at > horizon {
            break;
        }
        if !touch_checked && l.stage == crate::model::Stage::Hot {
            // the newest hot lead decides: within the window, the new one is a touch of
            // its first lead (a touch of a touch belongs to the first)
            touch_checked = true;
            if now - l.received_at <= merge {
                let first = match &l.touch_of {
                    None => Some(l.clone()),
                    Some(f) if f != &lead.id => store.get_lead(f).await?,
                    Some(_) => None,
                };
                out.touch_of = first.filter(|f| f.id != lead.id);
            }
        }
        if out.sticky.is_none() && !sticky.is_zero() {
            let claimed = l
                .claim
                .as_ref()
                .filter(|c| c.state == crate::model::ClaimState::Claimed);
            if let (Some(c), Some(team)) = (claimed, l.route.as_ref().and_then(|r| r.team.clone()))
            {
                if let (Some(by), Some(at)) = (&c.by, c.at) {
                    if now - at <= sticky {
                        out.sticky = Some(crate::routing::Sticky {
                            team,
                            member: by.clone(),
                            lead_id: l.id.clone(),
                            claimed_at: at,
                        });
                    }
                }
            }
        }
        if touch_checked && (out.sticky.is_some() || sticky.is_zero()) {
            break;
        }
    }
    Ok(out)
}

/// Makes `lead` a touch of `first`: its owner, no claim of its own, no notification.
pub fn make_touch(lead: &mut Lead, first: &Lead, merge_window: chrono::Duration) {
    let ago = crate::claims::human(lead.received_at - first.received_at);
    let why = format!(
        "a touch of {}: the same contact's hot lead {ago} earlier (within merge_window {}); its owner, no new notification",
        first.id,
        crate::claims::human(merge_window)
    );
    lead.touch_of = Some(first.id.clone());
    lead.claim = None;
    lead.route = Some(crate::routing::Route {
        team: first.route.as_ref().and_then(|r| r.team.clone()),
        member: first.route.as_ref().and_then(|r| r.member.clone()),
        why: why.clone(),
        skipped: Vec::new(),
        fallback_from: None,
    });
    lead.timeline = vec![
        crate::model::TimelineEntry::new(
            lead.received_at,
            "received",
            format!("{} via {}", lead.action, lead.source_id),
        ),
        crate::model::TimelineEntry::new(lead.received_at, "touch", why),
    ];
}

/// One change of a contact's stage: `nurture` (its first lead), `mql` (marketing-
/// qualified), `hot` (sales-qualified: a hot lead), with the lead that made it and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StageChange {
    pub stage: &'static str,
    pub at: chrono::DateTime<chrono::Utc>,
    pub lead_id: String,
    pub why: String,
}

/// A contact's stages over its `leads` (any order), oldest first: `nurture` at the
/// first lead; `mql` when, per the lead's business's `[qualification]`, its score and
/// those of the contact's leads within `mql_window` before it reach `mql_score`, or its
/// action is one of `mql_actions`; `hot` at the first hot lead (straight from nurture
/// when no MQL came first). Stages only go up.
pub fn stages(config: &crate::config::Config, leads: &[Lead]) -> Vec<StageChange> {
    let mut sorted: Vec<&Lead> = leads.iter().collect();
    sorted.sort_by(|a, b| (a.received_at, &a.id).cmp(&(b.received_at, &b.id)));
    let mut out: Vec<StageChange> = Vec::new();
    for (i, l) in sorted.iter().enumerate() {
        let change = |stage, why: String| StageChange {
            stage,
            at: l.received_at,
            lead_id: l.id.clone(),
            why,
        };
        if out.is_empty() && l.stage != crate::model::Stage::Hot {
            out.push(change(
                "nurture",
                format!("{} via {}", l.action, l.source_id),
            ));
        }
        let now = out.last().map(|c| c.stage);
        if l.stage == crate::model::Stage::Hot {
            out.push(change(
                "hot",
                format!(
                    "{} via {}: a hot lead (sales-qualified)",
                    l.action, l.source_id
                ),
            ));
            break;
        }
        if now == Some("mql") {
            continue;
        }
        let Some(q) = config.qualification.get(&l.business) else {
            continue;
        };
        if q.mql_actions.contains(&l.action) {
            out.push(change(
                "mql",
                format!("{} is an MQL action for {}", l.action, l.business),
            ));
            continue;
        }
        let from = l.received_at - q.mql_window;
        let points: u32 = sorted[..=i]
            .iter()
            .filter(|x| x.received_at >= from)
            .map(|x| u32::from(x.score))
            .sum();
        if points >= q.mql_score {
            out.push(change(
                "mql",
                format!(
                    "{points} points within {} (the bar for {}: {})",
                    crate::claims::human(q.mql_window),
                    l.business,
                    q.mql_score
                ),
            ));
        }
    }
    out
}

/// Whether `new` (a nurture lead) makes its contact, with `earlier` leads, an MQL now:
/// the reason when it does.
pub fn turns_mql(config: &crate::config::Config, earlier: &[Lead], new: &Lead) -> Option<String> {
    let before = stages(config, earlier);
    if before.iter().any(|c| c.stage != "nurture") {
        return None;
    }
    let mut all: Vec<Lead> = earlier.to_vec();
    all.push(new.clone());
    stages(config, &all)
        .into_iter()
        .find(|c| c.stage == "mql" && c.lead_id == new.id)
        .map(|c| c.why)
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

    #[test]
    fn a_contact_becomes_mql_by_points_in_the_window_or_by_action_then_hot() {
        use crate::model::{Action, Stage};
        let text = "[[source]]\nid = \"s\"\nprovider = \"standard\"\nbusiness = \"b2b\"\nchannel = \"web_form\"\nsecret = \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"\n\
                    [qualification.b2b]\nmql_score = 50\nmql_window = \"7d\"\nmql_actions = [\"form_submission\"]\n";
        let config = crate::config::Config::from_toml_str(text, "t.toml", &|_| None).unwrap();
        let t0 = crate::store::contract::t0();
        let lead = |n: &str, days: i64, action: Action, stage: Stage, score: u8| {
            let mut l = crate::store::contract::sample_new_lead(
                "s",
                n,
                stage,
                t0 + chrono::Duration::days(days),
            )
            .lead;
            l.action = action;
            l.score = score;
            l
        };
        let a = lead("a", 0, Action::ContentDownload, Stage::Nurture, 30);
        let b = lead("b", 10, Action::ContentDownload, Stage::Nurture, 30);
        // 30 + 30 but ten days apart: not within the 7-day window
        assert_eq!(turns_mql(&config, std::slice::from_ref(&a), &b), None);
        let c = lead("c", 12, Action::NewsletterSignup, Stage::Nurture, 20);
        let why = turns_mql(&config, &[a.clone(), b.clone()], &c).expect("mql");
        assert!(why.starts_with("50 points within 7d"), "{why}");
        // once MQL, not again
        let d = lead("d", 13, Action::PageView, Stage::Nurture, 10);
        assert_eq!(
            turns_mql(&config, &[a.clone(), b.clone(), c.clone()], &d),
            None
        );
        // an MQL action does it at once
        let f = lead("f", 0, Action::FormSubmission, Stage::Nurture, 30);
        assert!(turns_mql(&config, &[], &f)
            .unwrap()
            .contains("is an MQL action for b2b"));
        // the stages, and hot on top
        let h = lead("h", 14, Action::DemoRequest, Stage::Hot, 80);
        let s: Vec<&str> = stages(&config, &[h, c, a, b, d])
            .iter()
            .map(|c| c.stage)
            .collect();
        assert_eq!(s, ["nurture", "mql", "hot"]);
    }
}
