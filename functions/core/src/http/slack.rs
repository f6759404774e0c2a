//! `POST /slack/actions`: the Claim button of a Slack app's message. Slack signs the
//! request (`X-Slack-Signature: v0=` hex HMAC-SHA256 of `v0:{timestamp}:{body}` with the
//! app's signing secret, timestamps within 5 minutes); the clicking user is mapped to a
//! team member by `[[team.member]] slack`, the button's value is the claim token, and
//! the message is updated through the payload's `response_url` (an outbox job, so a
//! Slack hiccup is retried like any notification).

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use super::{ApiError, HandlerFuture, Params, Request, Response};
use crate::app::App;
use crate::claims::{ClaimRefused, ClaimToken, TokenError};
use crate::model::Headers;
use crate::outbox::Job;

/// How far a request's timestamp may be from now (Slack's own advice: 5 minutes).
pub const TOLERANCE_SECS: i64 = 300;

/// Checks Slack's signature of `body`.
pub fn verify(
    secret: &str,
    headers: &Headers,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), String> {
    let ts = headers
        .get("x-slack-request-timestamp")
        .ok_or("X-Slack-Request-Timestamp is missing")?;
    let sig = headers
        .get("x-slack-signature")
        .ok_or("X-Slack-Signature is missing")?;
    let t: i64 = ts
        .trim()
        .parse()
        .map_err(|_| "X-Slack-Request-Timestamp is not a number")?;
    if (now.timestamp() - t).abs() > TOLERANCE_SECS {
        return Err(format!(
            "X-Slack-Request-Timestamp is more than {TOLERANCE_SECS} s from now (a replay?)"
        ));
    }
    let given = sig
        .strip_prefix("v0=")
        .and_then(|h| hex::decode(h.trim()).ok())
        .ok_or("X-Slack-Signature is not v0=<hex>")?;
    let mut m =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    m.update(b"v0:");
    m.update(ts.trim().as_bytes());
    m.update(b":");
    m.update(body);
    m.verify_slice(&given)
        .map_err(|_| "X-Slack-Signature does not match".to_string())
}

pub fn actions<'a>(app: &'a App, req: Request<'a>, _: Params<'a>) -> HandlerFuture<'a> {
    Box::pin(async move {
        let config = app.config();
        let Some(secret) = &config.slack_signing_secret else {
            return Err(ApiError::not_found(
                "Slack actions are not configured: set [slack] signing_secret_env",
            ));
        };
        let now = app.clock.now();
        verify(secret.expose(), req.headers, req.body, now)
            .map_err(|d| ApiError::new(401, "invalid_signature", d))?;
        let payload: Value = form_urlencoded::parse(req.body)
            .find(|(k, _)| k == "payload")
            .and_then(|(_, v)| serde_json::from_str(&v).ok())
            .ok_or_else(|| {
                ApiError::bad_request("the body must be payload=<JSON> (a Slack interaction)")
            })?;
        let Some(action) = payload["actions"]
            .as_array()
            .and_then(|a| a.iter().find(|a| a["action_id"] == "claim"))
        else {
            return Err(ApiError::bad_request("no claim action in the payload"));
        };
        let token = action["value"].as_str().unwrap_or("");
        let user = payload["user"]["id"].as_str().unwrap_or("");
        let response_url = payload["response_url"].as_str().map(str::to_string);
        let Some(link_secret) = &config.routing.link_secret else {
            return Err(ApiError::new(
                403,
                "invalid_claim_link",
                "claim links are not configured here",
            ));
        };
        let token = ClaimToken::verify(token, link_secret, now).map_err(|err| match err {
            TokenError::Invalid => ApiError::new(403, "invalid_claim_link", err.to_string()),
            TokenError::Expired(_) => ApiError::new(403, "expired_claim_link", err.to_string()),
        })?;
        let Some(member) = config.team(&token.team).and_then(|t| {
            t.members
                .iter()
                .find(|m| !user.is_empty() && m.slack.as_deref() == Some(user))
        }) else {
            return Err(ApiError::new(
                403,
                "unknown_member",
                format!(
                    "Slack user {} is not a member of {} (set [[team.member]] slack)",
                    crate::mask::printable(&user.chars().take(32).collect::<String>()),
                    token.team
                ),
            ));
        };
        // the message is updated to show who has the lead, after a claim and after a
        // click on a lead someone else already took
        let reply: Vec<Job> = response_url
            .filter(|u| crate::config::check_slack_reply_url(u).is_ok())
            .map(|url| Job::SlackReply {
                team: token.team.clone(),
                url,
            })
            .into_iter()
            .collect();
        match crate::claims::claim(
            &*app.store,
            &config,
            &token.lead_id,
            &token.team,
            &member.name,
            now,
            reply.clone(),
        )
        .await
        {
            Ok(lead) => {
                if !reply.is_empty() {
                    if let Some(w) = &app.waker {
                        w();
                    }
                }
                Ok(Response::json(
                    200,
                    json!({"claimed": true, "lead": lead.id, "by": member.name}),
                ))
            }
            Err(ClaimRefused::Taken { by, at }) => {
                if !reply.is_empty() {
                    crate::claims::add_jobs(&*app.store, &token.lead_id, reply, now).await?;
                    if let Some(w) = &app.waker {
                        w();
                    }
                }
                // 200 all the same: Slack shows an error to whoever clicked on any other
                // status, and the message (updated through response_url) says who has it
                Ok(Response::json(
                    200,
                    json!({"claimed": false, "detail": format!("{by} claimed this lead at {at}"), "by": by, "at": at}),
                ))
            }
            Err(err) => Err(super::claims::refusal(err)),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Slack's published example (api.slack.com, "Verifying requests from Slack").
    const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    const TS: &str = "1531420618";
    const BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const SIG: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    fn headers(ts: &str, sig: &str) -> Headers {
        let mut h = Headers::default();
        h.insert("X-Slack-Request-Timestamp", ts);
        h.insert("X-Slack-Signature", sig);
        h
    }

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).unwrap()
    }

    #[test]
    fn slacks_published_example_verifies() {
        let t: i64 = TS.parse().unwrap();
        assert_eq!(
            verify(SECRET, &headers(TS, SIG), BODY.as_bytes(), at(t + 3)),
            Ok(())
        );
    }

    #[test]
    fn tampered_stale_and_missing_are_refused() {
        let t: i64 = TS.parse().unwrap();
        let h = headers(TS, SIG);
        let tampered = format!("{BODY}x");
        assert!(verify(SECRET, &h, tampered.as_bytes(), at(t))
            .unwrap_err()
            .contains("does not match"));
        assert!(verify("wrong", &h, BODY.as_bytes(), at(t)).is_err());
        assert!(verify(SECRET, &h, BODY.as_bytes(), at(t + 301))
            .unwrap_err()
            .contains("replay"));
        assert!(verify(SECRET, &h, BODY.as_bytes(), at(t - 301)).is_err());
        assert!(verify(SECRET, &Headers::default(), BODY.as_bytes(), at(t)).is_err());
        assert!(verify(SECRET, &headers(TS, "v1=abc"), BODY.as_bytes(), at(t)).is_err());
        assert!(verify(SECRET, &headers("soon", SIG), BODY.as_bytes(), at(t)).is_err());
    }
}
