//! Building responses: every one carries `X-Content-Type-Options: nosniff`.

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Response, StatusCode};
use serde_json::{json, Value};

/// The response type of every route.
pub type Reply = Response<Full<Bytes>>;

/// A response with `status`, `content_type` and `body`.
pub fn bytes(status: u16, content_type: &str, body: impl Into<Bytes>) -> Reply {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    set(&mut response, "content-type", content_type);
    set(&mut response, "x-content-type-options", "nosniff");
    response
}

/// Sets header `name` (lower case, ours) to `value`; a value that is not
/// a valid header value (never one of ours) is left out.
pub fn set(response: &mut Reply, name: &'static str, value: &str) {
    if let Ok(value) = hyper::header::HeaderValue::from_str(value) {
        response.headers_mut().insert(name, value);
    }
}

/// A JSON response.
pub fn json(status: u16, value: &Value) -> Reply {
    bytes(status, "application/json", value.to_string())
}

/// A plain-text response.
pub fn text(status: u16, message: &str) -> Reply {
    bytes(status, "text/plain; charset=utf-8", message.to_string())
}

/// A JSON error `{"error": code, "message": ...}`; the connection is closed
/// after it when `close` (the rest of the request may be unread).
pub fn error(status: u16, code: &str, message: &str, close: bool) -> Reply {
    let mut response = json(status, &json!({ "error": code, "message": message }));
    if close {
        set(&mut response, "connection", "close");
    }
    if status == 503 {
        set(&mut response, "retry-after", "1");
    }
    response
}
