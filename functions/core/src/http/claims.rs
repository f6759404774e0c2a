//! Claiming a lead: the claim link's page (`GET /claim/{token}`, which never claims:
//! chat and mail scanners fetch links to preview them), its form (`POST
//! /claim/{token}`), and `POST /leads/{id}/claim` for tools.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::{ApiError, Caller, HandlerFuture, Params, Request, Response};
use crate::app::App;
use crate::claims::{ClaimRefused, ClaimToken, TokenError};
use crate::model::{ClaimState, Lead};
use crate::providers::html_escape as e;

/// Headers of every claim page: the token is in the URL, so no referrer carries it
/// away, nothing caches the page, and no other site frames it.
fn page(status: u16, title: &str, body: &str) -> Response {
    Response::html(
        status,
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{}</title><style>body{{font-family:system-ui,sans-serif;max-width:40rem;\
             margin:1rem auto;padding:0 1rem;line-height:1.4}}dt{{font-weight:600}}\
             button{{font-size:1.1rem;padding:.5rem 1.5rem}}</style></head>\
             <body><main>{body}</main></body></html>",
            e(title)
        ),
    )
    .with_header("cache-control", "no-store")
    .with_header("referrer-policy", "no-referrer")
    .with_header(
        "content-security-policy",
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    )
}

fn refused_page(err: &ApiError) -> Response {
    page(
        err.status,
        &format!("{} {}", err.status, err.code),
        &format!(
            "<h1>{}</h1><p>{}</p>",
            match err.status {
                403 => "This claim link does not work",
                404 => "No such lead",
                409 if err.code == "not_claimed" => "Not claimed yet",
                409 => "Already claimed",
                400 => "Please check the form",
                _ => "The claim was not recorded",
            },
            e(&err.detail)
        ),
    )
}

fn token_of(app: &App, raw: &str, now: DateTime<Utc>) -> Result<ClaimToken, ApiError> {
    let config = app.config();
    let Some(secret) = &config.routing.link_secret else {
        return Err(ApiError::new(
            403,
            "invalid_claim_link",
            "claim links are not configured here",
        ));
    };
    ClaimToken::verify(raw, secret, now).map_err(|err| match err {
        TokenError::Invalid => ApiError::new(403, "invalid_claim_link", err.to_string()),
        TokenError::Expired(_) => ApiError::new(403, "expired_claim_link", err.to_string()),
    })
}

/// A refused claim as the API answers it.
pub fn refusal(err: ClaimRefused) -> ApiError {
    match err {
        ClaimRefused::NotFound(id) => ApiError::not_found(format!("no lead {id}")),
        ClaimRefused::NotClaimable(d) => ApiError::new(409, "not_claimable", d),
        ClaimRefused::UnknownMember(d) => ApiError::new(400, "unknown_member", d),
        ClaimRefused::Taken { by, at } => ApiError::new(
            409,
            "already_claimed",
            format!(
                "{by} claimed this lead at {}",
                at.format("%Y-%m-%d %H:%M:%S UTC")
            ),
        ),
        ClaimRefused::Store(s) => s.into(),
    }
}

/// 409 for tools: who has the lead and since when, as fields and in the detail.
pub fn taken(by: &str, at: DateTime<Utc>) -> Response {
    let e = refusal(ClaimRefused::Taken {
        by: by.to_string(),
        at,
    });
    Response::json(
        409,
        json!({"error": e.code, "detail": e.detail, "by": by, "at": at}),
    )
}

fn lead_view(lead: &Lead, now: DateTime<Utc>) -> String {
    let c = &lead.contact;
    let mut rows = Vec::new();
    let mut row = |k: &str, v: &str| rows.push(format!("<dt>{}</dt><dd>{}</dd>", e(k), e(v)));
    for (k, v) in [
        ("Name", &c.name),
        ("Company", &c.company),
        ("E-mail", &c.email),
        ("Phone", &c.phone),
    ] {
        if let Some(v) = v {
            row(k, v);
        }
    }
    row("Action", &format!("{} ({})", lead.action, lead.channel));
    row(
        "Why hot",
        &lead
            .reasons
            .iter()
            .map(|r| r.detail.clone())
            .collect::<Vec<_>>()
            .join("; "),
    );
    if let Some(r) = &lead.route {
        row(
            "Route",
            &format!(
                "{} → {}: {}",
                r.team.as_deref().unwrap_or("unrouted"),
                r.member.as_deref().unwrap_or("unassigned"),
                r.why
            ),
        );
    }
    row(
        "Arrived",
        &format!(
            "{} ago ({})",
            crate::claims::human(now - lead.received_at),
            lead.received_at.format("%Y-%m-%d %H:%M UTC")
        ),
    );
    if let Some(m) = &lead.message {
        let short: String = m.chars().take(1000).collect();
        row("Message", &short);
    }
    format!("<dl>{}</dl>", rows.join(""))
}

/// `GET /claim/{token}`: the lead and a Claim button (never claims).
pub fn show<'a>(app: &'a App, _: Request<'a>, p: Params<'a>) -> HandlerFuture<'a> {
    Box::pin(async move {
        let now = app.clock.now();
        let token = match token_of(app, p.get("token"), now) {
            Ok(t) => t,
            Err(err) => return Ok(refused_page(&err)),
        };
        let lead = match app.store.get_lead(&token.lead_id).await {
            Ok(Some(l)) => l,
            Ok(None) => {
                return Ok(refused_page(&ApiError::not_found(format!(
                    "lead {} is not stored (it may have been erased)",
                    token.lead_id
                ))))
            }
            Err(err) => return Ok(ApiError::from(err).html()),
        };
        let config = app.config();
        let title = format!("Hot lead: {}", lead.action);
        let view = lead_view(&lead, now);
        let claimed = lead
            .claim
            .as_ref()
            .filter(|c| c.state == ClaimState::Claimed);
        if let Some(c) = claimed {
            return Ok(page(
                200,
                &title,
                &format!(
                    "<h1>{}</h1>{view}<p role=\"status\"><strong>Claimed by {}</strong> at {}.</p>{}",
                    e(&title),
                    e(c.by.as_deref().unwrap_or("?")),
                    c.at.map(|a| a.format("%Y-%m-%d %H:%M:%S UTC").to_string())
                        .unwrap_or_default(),
                    outcome_form(&config, &lead, p.get("token"))
                ),
            ));
        }
        let assigned = token.member.clone().or_else(|| {
            lead.route
                .as_ref()
                .filter(|r| r.team.as_deref() == Some(token.team.as_str()))
                .and_then(|r| r.member.clone())
        });
        let options: String = config
            .team(&token.team)
            .map(|t| t.members.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|m| {
                format!(
                    "<option value=\"{0}\"{1}>{0}</option>",
                    e(&m.name),
                    if assigned.as_deref() == Some(m.name.as_str()) {
                        " selected"
                    } else {
                        ""
                    }
                )
            })
            .collect();
        Ok(page(
            200,
            &title,
            &format!(
                "<h1>{}</h1>{view}<form method=\"post\"><p><label for=\"member\">I am</label> \
                 <select id=\"member\" name=\"member\" required>{options}</select> \
                 <button type=\"submit\">Claim</button></p></form>",
                e(&title)
            ),
        ))
    })
}

/// `POST /claim/{token}` (form field `member`): claims, answering with a page.
pub fn submit<'a>(app: &'a App, req: Request<'a>, p: Params<'a>) -> HandlerFuture<'a> {
    Box::pin(async move {
        let now = app.clock.now();
        let token = match token_of(app, p.get("token"), now) {
            Ok(t) => t,
            Err(err) => return Ok(refused_page(&err)),
        };
        let member = form_urlencoded::parse(req.body)
            .find(|(k, _)| k == "member")
            .map(|(_, v)| v.into_owned())
            .filter(|m| !m.is_empty());
        let Some(member) = member else {
            return Ok(refused_page(&ApiError::bad_request(
                "choose who you are (the form field member) and press Claim",
            )));
        };
        let config = app.config();
        match crate::claims::claim(
            &*app.store,
            &config,
            &token.lead_id,
            &token.team,
            &member,
            now,
            Vec::new(),
        )
        .await
        {
            Ok(lead) => Ok(page(
                200,
                "Claimed",
                &format!(
                    "<h1>It is yours, {}</h1><p role=\"status\">You claimed this lead {} after it arrived.</p>{}{}",
                    e(&member),
                    crate::claims::human(now - lead.received_at),
                    lead_view(&lead, now),
                    outcome_form(&config, &lead, p.get("token"))
                ),
            )),
            Err(err) => Ok(refused_page(&refusal(err))),
        }
    })
}

/// `POST /leads/{id}/claim` `{"member": "ana"}`: the admin token claims for any team
/// holding the lead, a team key for its own team only.
pub fn api<'a>(app: &'a App, req: Request<'a>, p: Params<'a>) -> HandlerFuture<'a> {
    Box::pin(async move {
        let id = p.get("id");
        let body: serde_json::Value = serde_json::from_slice(req.body).map_err(|err| {
            ApiError::bad_request(format!("the body must be JSON {{\"member\": …}}: {err}"))
        })?;
        let Some(member) = body.get("member").and_then(|m| m.as_str()) else {
            return Err(ApiError::bad_request(
                "member is required: the name of the team member who takes the lead",
            ));
        };
        let now = app.clock.now();
        let lead = app
            .store
            .get_lead(id)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("no lead {id}")))?;
        let owner = lead
            .route
            .as_ref()
            .and_then(|r| r.team.clone())
            .unwrap_or_default();
        let team = match super::caller(app, &req) {
            Some(Caller::Admin) => owner,
            Some(Caller::Team(t)) if t == owner => t,
            Some(Caller::Team(t)) => {
                return Err(ApiError::new(
                    403,
                    "forbidden",
                    format!("the key of team {t} cannot claim a lead {owner} owns"),
                ))
            }
            None => {
                return Err(ApiError::unauthorized(
                    "send Authorization: Bearer <api token or team key>",
                ))
            }
        };
        let config = app.config();
        let lead =
            match crate::claims::claim(&*app.store, &config, id, &team, member, now, Vec::new())
                .await
            {
                Ok(l) => l,
                Err(ClaimRefused::Taken { by, at }) => return Ok(taken(&by, at)),
                Err(err) => return Err(refusal(err)),
            };
        Ok(Response::json(
            200,
            json!({"id": lead.id, "claim": lead.claim, "route": lead.route}),
        ))
    })
}

/// The outcome form of a claimed lead's page: accepted, rejected + reason, won + amount
/// and currency, lost + reason (the reasons are `[outcomes]`'s), and the current outcome.
fn outcome_form(config: &crate::config::Config, lead: &Lead, token: &str) -> String {
    let current = match &lead.outcome {
        Some(o) => format!(
            "<p>Outcome so far: <strong>{}</strong> ({}).</p>",
            e(&crate::outcomes::describe(o)),
            o.at.format("%Y-%m-%d %H:%M UTC")
        ),
        None => String::new(),
    };
    let states: String = crate::model::OutcomeState::ALL
        .iter()
        .map(|o| format!("<option value=\"{0}\">{0}</option>", o.as_str()))
        .collect();
    let reasons = |label: &str, list: &[String]| {
        format!(
            "<optgroup label=\"{}\">{}</optgroup>",
            e(label),
            list.iter()
                .map(|r| format!("<option value=\"{0}\">{0}</option>", e(r)))
                .collect::<String>()
        )
    };
    format!(
        "<h2>What became of it?</h2>{current}<form method=\"post\" action=\"/claim/{}/outcome\">\
         <p><label for=\"outcome\">Outcome</label> <select id=\"outcome\" name=\"outcome\" required>{states}</select></p>\
         <p><label for=\"reason\">Reason (rejected or lost)</label> <select id=\"reason\" name=\"reason\">\
         <option value=\"\">none</option>{}{}</select></p>\
         <p><label for=\"amount\">Amount (won)</label> <input id=\"amount\" name=\"amount\" inputmode=\"decimal\" \
         pattern=\"[0-9]+([.][0-9]{{1,6}})?\" placeholder=\"1200.00\"> \
         <label for=\"currency\">Currency</label> <input id=\"currency\" name=\"currency\" size=\"4\" maxlength=\"3\" placeholder=\"EUR\"></p>\
         <p><label for=\"note\">Note</label> <input id=\"note\" name=\"note\" maxlength=\"2000\"></p>\
         <p><button type=\"submit\">Save outcome</button></p></form>",
        e(token),
        reasons("rejected", &config.outcomes.rejected_reasons),
        reasons("lost", &config.outcomes.lost_reasons),
    )
}

/// `POST /claim/{token}/outcome` (form fields `outcome`, `reason`, `amount`,
/// `currency`, `note`): the outcome of a lead claimed through the link's team, reported
/// as by the member who claimed it.
pub fn outcome<'a>(app: &'a App, req: Request<'a>, p: Params<'a>) -> HandlerFuture<'a> {
    Box::pin(async move {
        let now = app.clock.now();
        let token = match token_of(app, p.get("token"), now) {
            Ok(t) => t,
            Err(err) => return Ok(refused_page(&err)),
        };
        let lead = match app.store.get_lead(&token.lead_id).await {
            Ok(Some(l)) => l,
            Ok(None) => {
                return Ok(refused_page(&ApiError::not_found(format!(
                    "lead {} is not stored (it may have been erased)",
                    token.lead_id
                ))))
            }
            Err(err) => return Ok(ApiError::from(err).html()),
        };
        let Some(by) = lead
            .claim
            .as_ref()
            .filter(|c| c.state == ClaimState::Claimed)
            .and_then(|c| c.by.clone())
        else {
            return Ok(refused_page(&ApiError::new(
                409,
                "not_claimed",
                "claim the lead first: its outcome is reported by the rep who has it",
            )));
        };
        let field = |name: &str| {
            form_urlencoded::parse(req.body)
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
                .filter(|v| !v.trim().is_empty())
        };
        let input = crate::outcomes::OutcomeInput {
            outcome: field("outcome"),
            reason: field("reason"),
            amount: field("amount").map(serde_json::Value::String),
            currency: field("currency"),
            by: None,
            note: field("note"),
        };
        let config = app.config();
        let outcome = match input.check(&config.outcomes, "claim_page", Some(&by), now) {
            Ok(o) => o,
            Err(problems) => return Ok(refused_page(&super::outcomes::invalid(problems))),
        };
        match crate::outcomes::record(&*app.store, &config, &lead.id, outcome).await {
            Ok(lead) => {
                if let Some(w) = &app.waker {
                    w();
                }
                Ok(page(
                    200,
                    "Outcome saved",
                    &format!(
                        "<h1>Outcome saved</h1><p role=\"status\">{}</p>{}{}",
                        e(&lead
                            .outcome
                            .as_ref()
                            .map(crate::outcomes::describe)
                            .unwrap_or_default()),
                        lead_view(&lead, now),
                        outcome_form(&config, &lead, p.get("token"))
                    ),
                ))
            }
            Err(err) => Ok(refused_page(&super::outcomes::refusal(err))),
        }
    })
}
