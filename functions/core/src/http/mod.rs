//! The HTTP layer, framework-free: one route table where every route declares its
//! method, its handler and its [`Access`] policy; one typed [`ApiError`]; and one
//! [`Response`] type that carries JSON, HTML, CSV, plain text or a redirect with headers.
//! Edges (axum in `handoff serve`, `lambda_http` in the functions, both in
//! `infra/edge`) convert their request into a [`Request`] and this [`Response`] back, in
//! one place.
//!
//! A new resource is one file here with its handlers, plus its lines in [`ROUTES`].

use std::future::Future;
use std::pin::Pin;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::app::App;
use crate::model::Headers;
use crate::store::StoreError;

mod claims;
mod contacts;
mod deliveries;
mod hooks;
mod leads;
mod outcomes;
mod query;
mod readiness;
pub mod slack;

pub use hooks::lead_answer;

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

/// An HTTP response: status, headers (the content type among them) and body bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    fn with_type(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        Response {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body,
        }
    }
    /// `application/json`.
    pub fn json(status: u16, body: Value) -> Self {
        Self::with_type(status, "application/json", body.to_string().into_bytes())
    }
    /// A whole HTML page (`text/html; charset=utf-8`).
    pub fn html(status: u16, page: impl Into<String>) -> Self {
        Self::with_type(status, "text/html; charset=utf-8", page.into().into_bytes())
    }
    /// A CSV download named `filename`.
    pub fn csv(status: u16, filename: &str, body: impl Into<String>) -> Self {
        let safe: String = filename
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
            .collect();
        Self::with_type(status, "text/csv; charset=utf-8", body.into().into_bytes()).with_header(
            "content-disposition",
            format!("attachment; filename=\"{safe}\""),
        )
    }
    /// `text/plain; charset=utf-8`.
    pub fn text(status: u16, body: impl Into<String>) -> Self {
        Self::with_type(
            status,
            "text/plain; charset=utf-8",
            body.into().into_bytes(),
        )
    }
    /// `303 See Other` to `location` (after a form POST).
    pub fn redirect(location: &str) -> Self {
        Response {
            status: 303,
            headers: vec![("location".into(), location.into())],
            body: Vec::new(),
        }
    }
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_ascii_lowercase(), value.into()));
        self
    }
    /// First value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// The body parsed as JSON (`Null` if it is not JSON).
    pub fn json_body(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    /// `{"error": code, "detail": detail}`
    pub fn error(status: u16, code: &str, detail: impl Into<String>) -> Self {
        ApiError::new(status, code, detail).into()
    }
    pub fn payload_too_large() -> Self {
        ApiError::payload_too_large().into()
    }
}

/// Every refusal the API gives: a status, a stable machine code and a sentence for
/// people. Rendered as `{"error": code, "detail": detail}` ([`ApiError::html`] for pages).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {detail}")]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub detail: String,
}

impl ApiError {
    pub fn new(status: u16, code: &str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.into(),
            detail: detail.into(),
        }
    }
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(400, "bad_request", detail)
    }
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(404, "not_found", detail)
    }
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(401, "unauthorized", detail)
    }
    pub fn payload_too_large() -> Self {
        Self::new(
            413,
            "payload_too_large",
            format!(
                "the body is larger than {} bytes",
                crate::intake::MAX_BODY_BYTES
            ),
        )
    }
    /// 503: the provider (or caller) should retry.
    pub fn store_unavailable() -> Self {
        Self::new(
            503,
            "store_unavailable",
            "the lead store is unavailable; retry later",
        )
    }
    /// The same refusal as a small HTML page, for routes people open in a browser.
    pub fn html(&self) -> Response {
        let e = crate::providers::html_escape;
        Response::html(
            self.status,
            format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
                 <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
                 <title>{status} {code}</title></head><body><main><h1>{status} {code}</h1>\
                 <p>{detail}</p></main></body></html>",
                status = self.status,
                code = e(&self.code),
                detail = e(&self.detail)
            ),
        )
    }
}

impl From<ApiError> for Response {
    fn from(e: ApiError) -> Response {
        Response::json(e.status, json!({"error": e.code, "detail": e.detail}))
    }
}

impl From<StoreError> for ApiError {
    /// A cursor the store did not hand out is the caller's mistake (400); anything else
    /// is a 503 so the caller retries. Logged here, once.
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::InvalidCursor => {
                ApiError::bad_request("invalid cursor: use the `next` of a previous page")
            }
            e => {
                tracing::error!(error = %e, "store unavailable");
                ApiError::store_unavailable()
            }
        }
    }
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (`/healthz`).
    Public,
    /// Anyone who can sign for the source: the provider's signature is checked on the
    /// raw body by the handler (in [`crate::intake`]), so a bad one is a 401 there.
    ProviderSignature,
    /// `Authorization: Bearer <[server] api_token>`. Without a configured token the
    /// route is open only where [`App::open_without_token`] says so (the local server on
    /// loopback); on Lambda it fails closed.
    Admin,
    /// The admin token, or a team's own key (`[[team]] api_key_env`); the handler sees
    /// which through [`caller`].
    AdminOrTeam,
    /// Anyone holding a signed claim link: the token in the path is checked by the handler.
    ClaimLink,
    /// Slack's request signature, checked by the handler on the raw body.
    SlackSignature,
}

/// Who a request's bearer token names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    Admin,
    Team(String),
}

/// The caller by `Authorization: Bearer …`: the admin token (or, with none configured,
/// anyone where [`App::open_without_token`] allows), else a team key.
pub fn caller(app: &App, req: &Request<'_>) -> Option<Caller> {
    let config = app.config();
    let given = req
        .headers
        .get("authorization")
        .and_then(|h| h.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim_start())
        .filter(|t| !t.is_empty());
    match (&config.server.api_token, given) {
        (None, _) if app.open_without_token => return Some(Caller::Admin),
        (Some(t), Some(g)) if constant_time_eq(g.as_bytes(), t.expose().as_bytes()) => {
            return Some(Caller::Admin)
        }
        _ => {}
    }
    let g = given?;
    config
        .teams
        .iter()
        .find(|t| {
            t.api_key
                .as_ref()
                .is_some_and(|k| constant_time_eq(g.as_bytes(), k.expose().as_bytes()))
        })
        .map(|t| Caller::Team(t.name.clone()))
}

pub type HandlerFuture<'a> = Pin<Box<dyn Future<Output = Result<Response, ApiError>> + Send + 'a>>;
/// A route's handler: the app, the request and the path parameters (`{name}` segments,
/// in order).
pub type Handler = for<'a> fn(&'a App, Request<'a>, Params<'a>) -> HandlerFuture<'a>;

/// Path parameters captured by `{name}` segments.
#[derive(Debug, Clone, Default)]
pub struct Params<'a>(Vec<(&'static str, &'a str)>);

impl<'a> Params<'a> {
    pub fn get(&self, name: &str) -> &'a str {
        self.0
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| *v)
            .unwrap_or("")
    }
}

/// One entry of the route table.
pub struct Route {
    pub method: &'static str,
    /// Segments; `{name}` captures one non-empty segment.
    pub path: &'static str,
    pub access: Access,
    pub handler: Handler,
}

/// Every route, once. The 405 answers and their `Allow` header come from here too.
pub static ROUTES: &[Route] = &[
    Route {
        method: "GET",
        path: "/healthz",
        access: Access::Public,
        handler: |_, _, _| Box::pin(async { Ok(Response::json(200, json!({"status": "ok"}))) }),
    },
    Route {
        method: "POST",
        path: "/hooks/{source_id}",
        access: Access::ProviderSignature,
        handler: hooks::post,
    },
    Route {
        method: "GET",
        path: "/leads",
        access: Access::Admin,
        handler: leads::list,
    },
    Route {
        method: "GET",
        path: "/leads/{id}",
        access: Access::Admin,
        handler: leads::get,
    },
    Route {
        method: "POST",
        path: "/leads/{id}/claim",
        access: Access::AdminOrTeam,
        handler: claims::api,
    },
    Route {
        method: "GET",
        path: "/contacts/{id}",
        access: Access::Admin,
        handler: contacts::get,
    },
    Route {
        method: "POST",
        path: "/leads/{id}/outcome",
        access: Access::AdminOrTeam,
        handler: outcomes::post,
    },
    Route {
        method: "POST",
        path: "/claim/{token}/outcome",
        access: Access::ClaimLink,
        handler: claims::outcome,
    },
    Route {
        method: "GET",
        path: "/claim/{token}",
        access: Access::ClaimLink,
        handler: claims::show,
    },
    Route {
        method: "POST",
        path: "/claim/{token}",
        access: Access::ClaimLink,
        handler: claims::submit,
    },
    Route {
        method: "POST",
        path: "/slack/actions",
        access: Access::SlackSignature,
        handler: slack::actions,
    },
    Route {
        method: "POST",
        path: "/readiness/explain",
        access: Access::Admin,
        handler: readiness::explain,
    },
    Route {
        method: "GET",
        path: "/deliveries",
        access: Access::Admin,
        handler: deliveries::list,
    },
    Route {
        method: "GET",
        path: "/deliveries/rejected",
        access: Access::Admin,
        handler: deliveries::rejected,
    },
    Route {
        method: "POST",
        path: "/deliveries/{id}/redrive",
        access: Access::Admin,
        handler: deliveries::redrive,
    },
];

/// Matches `path` against a route pattern; literal segments win over captures because
/// the table lists them in an order where that holds (`/deliveries/rejected` has no
/// capturing sibling).
fn matches<'a>(pattern: &'static str, path: &'a str) -> Option<Params<'a>> {
    let mut want = pattern.trim_start_matches('/').split('/');
    let mut have = path.strip_prefix('/')?.split('/');
    let mut params = Params::default();
    loop {
        match (want.next(), have.next()) {
            (None, None) => return Some(params),
            (Some(w), Some(h)) => {
                if let Some(name) = w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                    if h.is_empty() {
                        return None;
                    }
                    params.0.push((name, h));
                } else if w != h {
                    return None;
                }
            }
            _ => return None,
        }
    }
}

/// The route for `method` + `path`, or the refusal: 404 for an unknown path, 405 (with
/// `Allow`) for a known path and another method.
pub fn find<'a>(method: &str, path: &'a str) -> Result<(&'static Route, Params<'a>), Response> {
    let mut allowed: Vec<&str> = Vec::new();
    for route in ROUTES {
        if let Some(params) = matches(route.path, path) {
            if route.method == method {
                return Ok((route, params));
            }
            allowed.push(route.method);
        }
    }
    if allowed.is_empty() {
        let shown: String = path.chars().take(200).collect();
        return Err(ApiError::not_found(format!("no route for {shown}")).into());
    }
    Err(Response::from(ApiError::new(
        405,
        "method_not_allowed",
        format!(
            "{} is not allowed here",
            method.chars().take(16).collect::<String>()
        ),
    ))
    .with_header("allow", allowed.join(", ")))
}

/// Routes one request: find the route, check its access policy, run its handler.
/// Longest request header value accepted (8 KiB): a longer one is 400, naming it.
pub const MAX_HEADER_VALUE_BYTES: usize = 8 * 1024;

pub async fn handle(app: &App, req: Request<'_>) -> Response {
    let (route, params) = match find(req.method, req.path) {
        Ok(found) => found,
        Err(r) => return r,
    };
    if let Some((name, value)) = req
        .headers
        .iter()
        .find(|(_, v)| v.len() > MAX_HEADER_VALUE_BYTES)
    {
        return ApiError::bad_request(format!(
            "header {} is {} bytes long; at most {MAX_HEADER_VALUE_BYTES} are accepted",
            crate::mask::printable(&name.chars().take(64).collect::<String>()),
            value.len()
        ))
        .into();
    }
    if let Err(e) = authorise(app, route.access, &req) {
        return e.into();
    }
    match (route.handler)(app, req, params).await {
        Ok(r) => r,
        Err(e) => e.into(),
    }
}

fn authorise(app: &App, access: Access, req: &Request<'_>) -> Result<(), ApiError> {
    match access {
        Access::Public | Access::ProviderSignature | Access::ClaimLink | Access::SlackSignature => {
            Ok(())
        }
        Access::AdminOrTeam => match caller(app, req) {
            Some(_) => Ok(()),
            None => Err(ApiError::unauthorized(
                "send Authorization: Bearer <api token or the team's key>",
            )),
        },
        Access::Admin => {
            let config = app.config();
            let Some(token) = &config.server.api_token else {
                return if app.open_without_token {
                    Ok(())
                } else {
                    Err(ApiError::unauthorized(
                        "no API token is configured: push one as api_token_env with handoff config push",
                    ))
                };
            };
            // the scheme is case-insensitive (RFC 7235): Bearer, bearer, BEARER
            let given = req
                .headers
                .get("authorization")
                .and_then(|h| h.split_once(' '))
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                .map_or("", |(_, token)| token.trim_start());
            if constant_time_eq(given.as_bytes(), token.expose().as_bytes()) {
                Ok(())
            } else {
                Err(ApiError::unauthorized(
                    "send Authorization: Bearer <api token>",
                ))
            }
        }
    }
}

/// Equal without leaking where they differ or their lengths (compares digests).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    Sha256::digest(a).ct_eq(&Sha256::digest(b)).into()
}

/// Checks that can be made before the body is read, in the documented order: unknown
/// source (404), then a declared length over the limit (413). Edges call this first,
/// then read at most [`crate::intake::MAX_BODY_BYTES`] (+1) and answer
/// [`Response::payload_too_large`] if the body turns out larger.
pub fn precheck(
    app: &App,
    method: &str,
    path: &str,
    content_length: Option<u64>,
) -> Option<Response> {
    let (route, params) = find(method, path).ok()?;
    if route.access != Access::ProviderSignature {
        return None;
    }
    let source_id = params.get("source_id");
    if !app.config().sources.contains_key(source_id) {
        return Some(hooks::unknown_source(source_id));
    }
    match content_length {
        Some(n) if n > crate::intake::MAX_BODY_BYTES as u64 => Some(Response::payload_too_large()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_match_literals_and_captures() {
        let (r, p) = find("GET", "/leads/ld_1").unwrap();
        assert_eq!(r.path, "/leads/{id}");
        assert_eq!(p.get("id"), "ld_1");
        assert_eq!(
            find("GET", "/deliveries/rejected").unwrap().0.path,
            "/deliveries/rejected"
        );
        assert_eq!(
            find("POST", "/hooks/web").unwrap().1.get("source_id"),
            "web"
        );
        for missing in ["/leads/", "/hooks/", "/hooks/a/b", "/nope", "", "leads"] {
            let r = find("GET", missing).err().expect(missing);
            assert_eq!(r.status, 404, "{missing}");
        }
    }

    #[test]
    fn a_known_path_with_another_method_is_405_with_allow() {
        let r = find("DELETE", "/leads").err().unwrap();
        assert_eq!(r.status, 405);
        assert_eq!(r.header("allow"), Some("GET"));
        assert_eq!(r.json_body()["error"], "method_not_allowed");
        let r = find("GET", "/hooks/web").err().unwrap();
        assert_eq!((r.status, r.header("allow")), (405, Some("POST")));
    }

    #[test]
    fn responses_carry_their_content_type() {
        assert_eq!(
            Response::json(200, json!({})).header("Content-Type"),
            Some("application/json")
        );
        assert!(Response::html(200, "<p>")
            .header("content-type")
            .unwrap()
            .starts_with("text/html"));
        let csv = Response::csv(200, "fun\"nel.csv", "a,b\n");
        assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
        assert_eq!(
            csv.header("content-disposition"),
            Some("attachment; filename=\"funnel.csv\"")
        );
        let r = Response::redirect("/leads");
        assert_eq!((r.status, r.header("location")), (303, Some("/leads")));
        assert!(Response::text(200, "x")
            .header("content-type")
            .unwrap()
            .starts_with("text/plain"));
    }

    #[test]
    fn errors_render_as_json_and_as_escaped_html() {
        let e = ApiError::not_found("no lead <b>x</b>");
        let r: Response = e.clone().into();
        assert_eq!(r.status, 404);
        assert_eq!(
            r.json_body(),
            json!({"error": "not_found", "detail": "no lead <b>x</b>"})
        );
        let page = e.html();
        let text = String::from_utf8(page.body).unwrap();
        assert_eq!(page.status, 404);
        assert!(text.contains("no lead &lt;b&gt;x&lt;/b&gt;"), "{text}");
        assert!(!text.contains("<b>"));
    }

    #[test]
    fn store_errors_map_to_400_for_cursors_and_503_otherwise() {
        assert_eq!(ApiError::from(StoreError::InvalidCursor).status, 400);
        let e = ApiError::from(StoreError::Unavailable("down".into()));
        assert_eq!((e.status, e.code.as_str()), (503, "store_unavailable"));
        assert_eq!(ApiError::from(StoreError::Corrupt("x".into())).status, 503);
    }
}
