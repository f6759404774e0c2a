//! The one request handler shared by the local server and the Lambda functions.
//!
//! Edges (axum in `handoff serve`, `lambda_http` in the functions) turn their request
//! into a [`Request`] and send back the [`Response`]; routing, verification, readiness,
//! persistence and the API all live here, once.

use std::sync::{Arc, RwLock};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::clock::Clock;
use crate::config::Config;
use crate::model::{Headers, Lead, Stage};
use crate::providers::{ParseOptions, Parsed};
use crate::readiness;
use crate::store::{
    DeliveryState, Inserted, LeadQuery, LeadStore, NewLead, Notification, RejectedDelivery,
    StoreError,
};

/// Largest webhook body accepted (256 KiB).
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// Default and largest page sizes of the listing routes.
pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 500;

/// A framework-free HTTP request.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a Headers,
    pub body: &'a [u8],
}

/// A JSON response.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    pub body: Value,
}

impl Response {
    pub fn json(status: u16, body: Value) -> Self {
        Response { status, body }
    }
    /// `{"error": code, "detail": detail}`
    pub fn error(status: u16, code: &str, detail: impl Into<String>) -> Self {
        Response {
            status,
            body: json!({"error": code, "detail": detail.into()}),
        }
    }
    pub fn payload_too_large() -> Self {
        Response::error(
            413,
            "payload_too_large",
            format!("the body is larger than {MAX_BODY_BYTES} bytes"),
        )
    }
}

/// Called after a lead with notifications was stored (wakes the local delivery loop).
pub type Waker = Arc<dyn Fn() + Send + Sync>;

pub struct App {
    config: RwLock<Arc<Config>>,
    pub store: Arc<dyn LeadStore>,
    pub clock: Arc<dyn Clock>,
    pub waker: Option<Waker>,
}

impl App {
    pub fn new(config: Config, store: Arc<dyn LeadStore>, clock: Arc<dyn Clock>) -> Self {
        App {
            config: RwLock::new(Arc::new(config)),
            store,
            clock,
            waker: None,
        }
    }

    pub fn with_waker(mut self, waker: Waker) -> Self {
        self.waker = Some(waker);
        self
    }

    pub fn config(&self) -> Arc<Config> {
        self.config.read().unwrap().clone()
    }

    /// Swaps in a new configuration (e.g. after a reload); requests in flight keep the old.
    pub fn set_config(&self, config: Config) {
        self.set_config_arc(Arc::new(config));
    }

    pub fn set_config_arc(&self, config: Arc<Config>) {
        let mut c = self.config.write().unwrap();
        if !Arc::ptr_eq(&c, &config) {
            *c = config;
        }
    }

    /// Checks that can be made before the body is read, in the documented order: unknown
    /// source (404), then a declared length over the limit (413). Edges call this first,
    /// then read at most [`MAX_BODY_BYTES`] (+1) and answer
    /// [`Response::payload_too_large`] if the body turns out larger.
    pub fn precheck(
        &self,
        method: &str,
        path: &str,
        content_length: Option<u64>,
    ) -> Option<Response> {
        let source_id = hook_source(method, path)?;
        if !self.config().sources.contains_key(source_id) {
            return Some(unknown_source(source_id));
        }
        match content_length {
            Some(n) if n > MAX_BODY_BYTES as u64 => Some(Response::payload_too_large()),
            _ => None,
        }
    }

    /// Routes one request.
    pub async fn handle(&self, req: Request<'_>) -> Response {
        if let Some(source_id) = hook_source(req.method, req.path) {
            return self.ingest(source_id, req.headers, req.body).await;
        }
        let segments: Vec<&str> = req.path.trim_matches('/').split('/').collect();
        match (req.method, segments.as_slice()) {
            ("GET", ["healthz"]) => Response::json(200, json!({"status": "ok"})),
            ("GET", ["leads"]) => self.authorised(&req, |_| self.list_leads(req.query)).await,
            ("GET", ["leads", id]) => self.authorised(&req, |_| self.get_lead(id)).await,
            ("GET", ["deliveries"]) => {
                self.authorised(&req, |_| self.list_deliveries(req.query))
                    .await
            }
            ("GET", ["deliveries", "rejected"]) => {
                self.authorised(&req, |_| self.list_rejected(req.query))
                    .await
            }
            (_, ["hooks", _])
            | (_, ["leads"])
            | (_, ["leads", _])
            | (_, ["deliveries"])
            | (_, ["deliveries", "rejected"])
            | (_, ["healthz"]) => Response::error(
                405,
                "method_not_allowed",
                format!("{} is not allowed here", req.method),
            ),
            _ => Response::error(404, "not_found", format!("no route for {}", req.path)),
        }
    }

    async fn authorised<'a, F, Fut>(&'a self, req: &Request<'_>, f: F) -> Response
    where
        F: FnOnce(()) -> Fut,
        Fut: std::future::Future<Output = Response> + 'a,
    {
        if let Some(token) = &self.config().server.api_token {
            let given = req
                .headers
                .get("authorization")
                .and_then(|h| {
                    h.strip_prefix("Bearer ")
                        .or_else(|| h.strip_prefix("bearer "))
                })
                .unwrap_or("");
            use subtle::ConstantTimeEq;
            let ok: bool = Sha256::digest(given.as_bytes())
                .ct_eq(&Sha256::digest(token.expose().as_bytes()))
                .into();
            if !ok {
                return Response::error(
                    401,
                    "unauthorized",
                    "send Authorization: Bearer <api token>",
                );
            }
        }
        f(()).await
    }

    /// `POST /hooks/{source_id}`: verify, parse, classify, persist with the outbox.
    /// Every log line of one delivery carries its source id, and once known its
    /// delivery id and lead id (the `ingest` span's fields).
    pub async fn ingest(&self, source_id: &str, headers: &Headers, body: &[u8]) -> Response {
        use tracing::Instrument;
        let span = tracing::info_span!(
            "ingest",
            source_id,
            delivery_id = tracing::field::Empty,
            lead_id = tracing::field::Empty
        );
        self.ingest_in_span(source_id, headers, body)
            .instrument(span)
            .await
    }

    async fn ingest_in_span(&self, source_id: &str, headers: &Headers, body: &[u8]) -> Response {
        let config = self.config();
        let Some(source) = config.sources.get(source_id) else {
            return unknown_source(source_id);
        };
        if body.len() > MAX_BODY_BYTES {
            return Response::payload_too_large();
        }
        let now = self.clock.now();
        if let Err(e) = source
            .provider
            .verify(source.secret.expose(), headers, body, now)
        {
            tracing::warn!(source_id, error = %e, "invalid signature");
            return Response::error(401, "invalid_signature", e.to_string());
        }
        let opts = ParseOptions {
            default_action: source.default_action,
        };
        let (delivery_id, event) = match source.provider.parse(headers, body, &opts) {
            Ok(Parsed::Lead { delivery_id, event }) => (delivery_id, event),
            Ok(Parsed::Ignored { reason }) => {
                tracing::info!(source_id, %reason, "delivery ignored");
                return Response::json(200, json!({"ignored": true, "reason": reason}));
            }
            Err(e) => {
                tracing::warn!(source_id, error = %e, "malformed payload");
                let rejected = RejectedDelivery {
                    id: format!(
                        "rj_{}",
                        &hex::encode(Sha256::digest([body, now.to_rfc3339().as_bytes()].concat()))
                            [..20]
                    ),
                    source_id: source_id.to_string(),
                    received_at: now,
                    error: "malformed_payload".into(),
                    detail: e.to_string(),
                    excerpt: String::from_utf8_lossy(&body[..body.len().min(2048)]).into_owned(),
                };
                if let Err(se) = self.store.record_rejected(rejected).await {
                    tracing::error!(source_id, error = %se, "could not record a rejected delivery");
                }
                return Response::error(400, "malformed_payload", e.to_string());
            }
        };

        let lead_id = Lead::id_for(source_id, &delivery_id);
        let span = tracing::Span::current();
        span.record("delivery_id", delivery_id.as_str());
        span.record("lead_id", lead_id.as_str());
        let channel = event.channel.unwrap_or(source.channel);
        let texts: Vec<(&str, &str)> = event
            .message
            .as_deref()
            .map(|m| ("message", m))
            .into_iter()
            .collect();
        let r = readiness::classify(&config.rules, source.business, event.action, &texts);
        let lead = Lead {
            id: lead_id,
            source_id: source_id.to_string(),
            delivery_id: delivery_id.clone(),
            provider: source.provider,
            business: source.business,
            channel,
            action: event.action,
            contact: event.contact,
            message: event.message,
            utm: event.utm,
            occurred_at: event.occurred_at,
            received_at: now,
            stage: r.stage,
            score: r.score,
            reasons: r.reasons,
        };
        let outbox: Vec<Notification> = if lead.stage == Stage::Hot {
            crate::routing::route(&config, &lead)
                .into_iter()
                .map(|(team, i)| Notification::new(&lead.id, team, i, now))
                .collect()
        } else {
            Vec::new()
        };
        let notify = !outbox.is_empty();
        let new = NewLead {
            lead,
            outbox,
            raw: body.to_vec(),
            raw_expires_at: now + config.server.raw_payload_ttl,
        };
        match self.store.insert_lead(new).await {
            Ok(Inserted::Created(lead)) => {
                tracing::info!(source_id, delivery_id = %delivery_id, lead_id = %lead.id, stage = %lead.stage, score = lead.score, contact = %lead.contact.masked(), "lead stored");
                if notify {
                    if let Some(w) = &self.waker {
                        w();
                    }
                }
                Response::json(202, lead_answer(&lead, false))
            }
            Ok(Inserted::Duplicate(lead)) => {
                tracing::info!(source_id, delivery_id = %delivery_id, lead_id = %lead.id, "duplicate delivery");
                Response::json(200, lead_answer(&lead, true))
            }
            Err(e) => store_unavailable(source_id, &delivery_id, e),
        }
    }

    async fn get_lead(&self, id: &str) -> Response {
        match self.store.get_lead(id).await {
            Ok(Some(lead)) => {
                let notifications = self.store.lead_notifications(id).await.unwrap_or_default();
                let mut v = serde_json::to_value(&lead).unwrap_or(Value::Null);
                v["notifications"] = serde_json::to_value(notifications).unwrap_or(Value::Null);
                Response::json(200, v)
            }
            Ok(None) => Response::error(404, "not_found", format!("no lead {id}")),
            Err(e) => store_unavailable("-", "-", e),
        }
    }

    async fn list_leads(&self, query: Option<&str>) -> Response {
        let q = match parse_query(query, &["stage", "limit", "cursor"]) {
            Ok(q) => q,
            Err(r) => return r,
        };
        let stage = match parse_opt::<Stage>(q.get("stage")) {
            Ok(v) => v,
            Err(r) => return r,
        };
        let limit = match parse_limit(q.get("limit")) {
            Ok(l) => l,
            Err(r) => return r,
        };
        let query = LeadQuery {
            stage,
            limit,
            cursor: q.get("cursor").cloned(),
        };
        match self.store.list_leads(&query).await {
            Ok(page) => Response::json(200, json!({"leads": page.items, "next": page.next})),
            Err(StoreError::InvalidCursor) => Response::error(
                400,
                "bad_request",
                "invalid cursor: use the `next` of a previous page",
            ),
            Err(e) => store_unavailable("-", "-", e),
        }
    }

    async fn list_deliveries(&self, query: Option<&str>) -> Response {
        let q = match parse_query(query, &["state", "limit"]) {
            Ok(q) => q,
            Err(r) => return r,
        };
        let state = match parse_opt::<DeliveryState>(q.get("state")) {
            Ok(v) => v,
            Err(r) => return r,
        };
        let limit = match parse_limit(q.get("limit")) {
            Ok(l) => l,
            Err(r) => return r,
        };
        match self.store.list_notifications(state, limit).await {
            Ok(items) => Response::json(200, json!({"deliveries": items})),
            Err(e) => store_unavailable("-", "-", e),
        }
    }

    async fn list_rejected(&self, query: Option<&str>) -> Response {
        let q = match parse_query(query, &["limit"]) {
            Ok(q) => q,
            Err(r) => return r,
        };
        let limit = match parse_limit(q.get("limit")) {
            Ok(l) => l,
            Err(r) => return r,
        };
        match self.store.list_rejected(limit).await {
            Ok(items) => Response::json(200, json!({"rejected": items})),
            Err(e) => store_unavailable("-", "-", e),
        }
    }
}

/// `POST /hooks/{id}` → `Some(id)`.
fn hook_source<'a>(method: &str, path: &'a str) -> Option<&'a str> {
    let id = path.strip_prefix("/hooks/")?;
    (method == "POST" && !id.is_empty() && !id.contains('/')).then_some(id)
}

fn unknown_source(id: &str) -> Response {
    let shown: String = id.chars().take(64).collect();
    Response::error(
        404,
        "unknown_source",
        format!("no source {shown:?} is configured"),
    )
}

fn store_unavailable(source_id: &str, delivery_id: &str, e: StoreError) -> Response {
    tracing::error!(source_id, delivery_id, error = %e, "store unavailable");
    Response::error(
        503,
        "store_unavailable",
        "the lead store is unavailable; retry later",
    )
}

/// The body of `202`/`200` answers to a webhook.
pub fn lead_answer(lead: &Lead, duplicate: bool) -> Value {
    json!({
        "lead_id": lead.id,
        "stage": lead.stage,
        "score": lead.score,
        "reasons": lead.reasons,
        "duplicate": duplicate,
    })
}

fn parse_query(
    query: Option<&str>,
    allowed: &[&str],
) -> Result<std::collections::BTreeMap<String, String>, Response> {
    let mut out = std::collections::BTreeMap::new();
    for (k, v) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        if !allowed.contains(&k.as_ref()) {
            return Err(Response::error(
                400,
                "bad_request",
                format!("unknown parameter {k:?}; allowed: {}", allowed.join(", ")),
            ));
        }
        out.insert(k.into_owned(), v.into_owned());
    }
    Ok(out)
}

/// An optional query parameter of an enum type; a bad value is a 400.
fn parse_opt<T: std::str::FromStr<Err = String>>(
    v: Option<&String>,
) -> Result<Option<T>, Response> {
    v.map(|s| s.parse::<T>())
        .transpose()
        .map_err(|e| Response::error(400, "bad_request", e))
}

fn parse_limit(v: Option<&String>) -> Result<usize, Response> {
    match v {
        None => Ok(DEFAULT_LIMIT),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            _ => Err(Response::error(
                400,
                "bad_request",
                format!("limit must be a number from 1 to {MAX_LIMIT}"),
            )),
        },
    }
}
