//! Routing, the static files, the filter (with ETag and 304) and the list
//! of stored uploads.

use std::convert::Infallible;
use std::path::{Component, Path};
use std::sync::Arc;

use hyper::body::Incoming;
use hyper::{Method, Request};
use serde_json::{json, Value};

use super::reply::{self, Reply};
use super::{upload, State};

/// Answers one request. Never fails: errors are responses.
pub async fn route(state: Arc<State>, request: Request<Incoming>) -> Result<Reply, Infallible> {
    let path = request.uri().path().to_string();
    let method = request.method().clone();
    let get = method == Method::GET || method == Method::HEAD;
    let response = match path.as_str() {
        "/" if get => blocking(move || static_file(&state.www.join("demo"), "index.html")).await,
        "/filter.psf" if get => filter_reply(&state, &request),
        "/api/uploads" if method == Method::GET => blocking(move || uploads_reply(&state, false)).await,
        "/api/matches" if method == Method::GET => blocking(move || uploads_reply(&state, true)).await,
        "/api/status" if method == Method::GET => status_reply(&state),
        "/upload" if method == Method::POST => upload::handle(state, request).await,
        p if get && p.starts_with("/pkg/") => {
            let relative = p[5..].to_string();
            blocking(move || static_file(&state.www.join("pkg"), &relative)).await
        }
        p if get && p.starts_with("/demo/") => {
            let relative = p[6..].to_string();
            blocking(move || static_file(&state.www.join("demo"), &relative)).await
        }
        _ => reply::text(404, "not found"),
    };
    Ok(response)
}

/// Runs file or database work off the connection threads.
async fn blocking(work: impl FnOnce() -> Reply + Send + 'static) -> Reply {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|_| reply::error(500, "internal", "the request failed inside the server", false))
}

fn filter_reply(state: &State, request: &Request<Incoming>) -> Reply {
    let matches = request
        .headers()
        .get_all("if-none-match")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|t| t.trim() == state.etag));
    let mut response = if matches {
        reply::bytes(304, "application/octet-stream", Vec::new())
    } else {
        reply::bytes(200, "application/octet-stream", state.filter_bytes.clone())
    };
    reply::set(&mut response, "etag", &state.etag);
    reply::set(&mut response, "cache-control", "no-cache");
    response
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "ts" => "text/plain; charset=utf-8",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// A file under `root`; `..`, absolute paths and hidden files are refused.
fn static_file(root: &Path, relative: &str) -> Reply {
    let relative = Path::new(relative);
    let safe =
        relative.components().all(|c| matches!(c, Component::Normal(s) if !s.to_string_lossy().starts_with('.')));
    if !safe || relative.as_os_str().is_empty() {
        return reply::text(404, "not found");
    }
    let path = root.join(relative);
    let Ok(bytes) = std::fs::read(&path) else {
        return reply::text(404, "not found");
    };
    let mut response = reply::bytes(200, content_type(&path), bytes);
    reply::set(&mut response, "cache-control", "no-cache");
    if content_type(&path).starts_with("text/html") {
        // The page may talk to its own origin only: nothing else can leave it.
        reply::set(
            &mut response,
            "content-security-policy",
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' blob: data:; \
             style-src 'self'; worker-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'",
        );
    }
    response
}

/// The `filter` served (its ETag) and whether the stored records are
/// re-screened with it yet: `rescreen` is `running`, then `done` with the
/// records `tested` and how many are `matching`, or `failed` with the `error`.
fn status_reply(state: &State) -> Reply {
    let mut status = match &*state.rescreened.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) {
        None => json!({ "rescreen": "running" }),
        Some(Ok(summary)) => json!({ "rescreen": "done", "tested": summary.tested, "matching": summary.matching }),
        Some(Err(error)) => json!({ "rescreen": "failed", "error": error }),
    };
    status["filter"] = json!(state.etag.trim_matches('"'));
    reply::json(200, &status)
}

/// Every stored upload (or only those matching now), oldest first.
fn uploads_reply(state: &State, matching_only: bool) -> Reply {
    match state.store.db.list(matching_only) {
        Ok(records) => {
            reply::json(200, &Value::Array(records.iter().map(|r| r.to_json(state.screener.policy())).collect()))
        }
        Err(e) => reply::error(500, "store", &e.to_string(), false),
    }
}
