//! The HTTP edge, once for both runtimes: the local server (axum) and the Lambda
//! functions (lambda_http) both hand an [`http::Request`] to [`handle`] and send back
//! the [`http::Response`] it returns. In order: the prechecks that need no body (unknown
//! source 404, declared length over the limit 413), a body read capped at the limit
//! (413 past it), the request headers as [`Headers`], the route table, and the
//! [`Response`]'s status, headers and bytes.

use bytes::Bytes;
use handoff_core::app::{App, Request, Response, MAX_BODY_BYTES};
use handoff_core::model::Headers;
use http_body_util::BodyExt;

/// Serves one request. `path` is the request's path as the client sent it (on Lambda
/// the raw HTTP path, before any stage mapping).
pub async fn handle<B>(app: &App, path: &str, req: http::Request<B>) -> http::Response<Bytes>
where
    B: http_body::Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    handle_within(app, path, req, None).await
}

/// [`handle`], with the body read bounded by `body_timeout`: a client that has not sent
/// its whole body by then gets 408 `request_timeout` and the connection is closed.
pub async fn handle_within<B>(
    app: &App,
    path: &str,
    req: http::Request<B>,
    body_timeout: Option<std::time::Duration>,
) -> http::Response<Bytes>
where
    B: http_body::Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let (parts, body) = req.into_parts();
    let method = parts.method.as_str();
    let content_length = parts
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(r) = app.precheck(method, path, content_length) {
        return into_http(r);
    }
    let read = http_body_util::Limited::new(body, MAX_BODY_BYTES).collect();
    let read = match body_timeout {
        None => read.await,
        Some(limit) => match tokio::time::timeout(limit, read).await {
            Ok(r) => r,
            Err(_) => {
                let mut r = Response::error(
                    408,
                    "request_timeout",
                    format!(
                        "the request body did not arrive within {} s",
                        limit.as_secs()
                    ),
                );
                r.headers.push(("connection".into(), "close".into()));
                return into_http(r);
            }
        },
    };
    let bytes = match read {
        Ok(c) => c.to_bytes(),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            return into_http(Response::payload_too_large())
        }
        Err(_) => {
            return into_http(Response::error(
                400,
                "bad_request",
                "the request body could not be read",
            ))
        }
    };
    let headers = headers(&parts.headers);
    let r = app
        .handle(Request {
            method,
            path,
            query: parts.uri.query(),
            headers: &headers,
            body: &bytes,
        })
        .await;
    into_http(r)
}

/// Request headers whose values are text (others cannot carry a signature or token).
pub fn headers(map: &http::HeaderMap) -> Headers {
    map.iter()
        .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?.to_string())))
        .collect()
}

/// The core's response as an `http::Response`; a header the `http` crate refuses is
/// dropped (core only sets fixed names and sanitised values).
pub fn into_http(r: Response) -> http::Response<Bytes> {
    let mut builder = http::Response::builder().status(
        http::StatusCode::from_u16(r.status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
    );
    for (name, value) in &r.headers {
        if let (Ok(n), Ok(v)) = (
            http::HeaderName::try_from(name.as_str()),
            http::HeaderValue::try_from(value.as_str()),
        ) {
            builder = builder.header(n, v);
        }
    }
    builder
        .body(Bytes::from(r.body))
        .unwrap_or_else(|_| http::Response::new(Bytes::new()))
}

/// Whether a response of this content type is text (Lambda sends it as a string, not
/// base64).
pub fn is_text(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|t| {
        t.starts_with("text/") || t.starts_with("application/json") || t.contains("+json")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_responses_keep_status_headers_and_bytes() {
        let r = into_http(Response::csv(200, "f.csv", "a,b\n").with_header("x-one", "1"));
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
        assert_eq!(r.headers()["x-one"], "1");
        assert_eq!(r.body().as_ref(), b"a,b\n");
        let bad = into_http(Response::text(200, "x").with_header("bad\nname", "v"));
        assert_eq!(
            bad.status(),
            200,
            "an unusable header is dropped, not a panic"
        );
    }

    #[test]
    fn text_types_are_recognised() {
        assert!(is_text(Some("application/json")));
        assert!(is_text(Some("text/html; charset=utf-8")));
        assert!(!is_text(Some("application/octet-stream")));
        assert!(!is_text(None));
    }
}
