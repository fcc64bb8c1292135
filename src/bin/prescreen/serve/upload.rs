//! `POST /upload`: a multipart body read within the limits, each file
//! screened on a bounded pool within the memory budget, and the accepted
//! files stored with their records. A request with a blocked file gets 451
//! and nothing of it is stored.

use std::sync::Arc;

use crate::output::to_value;
use hyper::body::Incoming;
use hyper::Request;
use prescreen::{hex, Screening, Verdict};
use serde_json::{json, Value};

use super::body::{self, BodyError, BodyLimits};
use super::multipart::{self, Part};
use super::reply::{self, Reply};
use super::State;
use crate::budget::{decode_estimate, Refusal};
use crate::store::Record;

/// Reads, screens and (if nothing is blocked) stores one upload request.
pub async fn handle(state: Arc<State>, request: Request<Incoming>) -> Reply {
    let config = &state.config;
    let boundary = match request.headers().get("content-type").map(|v| v.to_str().map(multipart::boundary)) {
        Some(Ok(Ok(boundary))) => boundary,
        Some(Ok(Err(e))) => return reply::error(400, "bad-request", &e.to_string(), true),
        _ => return reply::error(400, "bad-request", "expected multipart/form-data", true),
    };
    let length = request.headers().get("content-length").and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let Some(length) = length else {
        return reply::error(411, "length-required", "an upload must declare its Content-Length", true);
    };
    if length > config.max_upload_bytes {
        let message = format!("{length} bytes is more than the {} an upload may have", config.max_upload_bytes);
        return reply::error(413, "too-large", &message, true);
    }
    if length > state.memory.total() {
        return refused(Refusal::TooLarge { asked: length, total: state.memory.total() });
    }
    // The body is held in memory while it is screened: it counts against the budget.
    let limits = BodyLimits {
        max_bytes: length,
        timeout: config.body_timeout,
        min_rate: config.min_body_rate,
        budget_wait: config.budget_wait,
    };
    let (data, held) = match body::read(request.into_body(), limits, &state.memory).await {
        Ok(read) => read,
        Err(BodyError::TooLarge) => return reply::error(413, "too-large", "the body is longer than declared", true),
        Err(BodyError::TooSlow) => return reply::error(408, "too-slow", "the body arrived too slowly", true),
        Err(BodyError::Busy) => return refused(Refusal::Busy),
        Err(BodyError::Broken(why)) => return reply::error(400, "bad-request", &why, true),
    };
    // Requests waiting for a screening slot or decode memory wait here, not
    // on the blocking pool, which static files and the store share.
    let admitted = tokio::time::timeout(config.budget_wait, Arc::clone(&state.screening).acquire_owned()).await;
    let Ok(Ok(admitted)) = admitted else { return refused(Refusal::Busy) };
    let worker_state = Arc::clone(&state);
    let response = tokio::task::spawn_blocking(move || {
        let _admitted = admitted;
        screen_request(&worker_state, &data, &boundary)
    })
    .await;
    drop(held);
    response.unwrap_or_else(|_| reply::error(500, "internal", "internal error while screening", false))
}

/// The reply to a request refused by the budget.
fn refused(refusal: Refusal) -> Reply {
    match refusal {
        Refusal::TooLarge { .. } => reply::error(413, refusal.code(), &refusal.to_string(), true),
        Refusal::Busy => reply::error(503, refusal.code(), &refusal.to_string(), true),
    }
}

/// One file's screening and its digests in hex.
struct Screened {
    screening: Screening,
    md5: String,
    sha1: String,
    sha256: String,
}

fn screen_request(state: &State, body: &[u8], boundary: &str) -> Reply {
    let config = &state.config;
    let parts = match multipart::parse(body, boundary) {
        Ok(parts) => parts,
        Err(e) => return reply::error(400, "bad-request", &e.to_string(), false),
    };
    // An empty file input posts a nameless, empty part: no file was picked.
    let picked = |p: &Part<'_>| !(p.data.is_empty() && p.filename.as_deref().is_none_or(str::is_empty));
    let files: Vec<Part<'_>> = parts.into_iter().filter(|p| p.name == "file" && picked(p)).collect();
    if files.is_empty() {
        return reply::error(400, "bad-request", "no field named \"file\"", false);
    }
    if files.len() > config.max_files {
        let message = format!("{} files; one request may carry {}", files.len(), config.max_files);
        return reply::error(413, "too-many-files", &message, false);
    }
    let wants_pixels = state.screener.wants_pixels();
    let estimates: Vec<_> =
        files.iter().map(|p| wants_pixels.then(|| decode_estimate(p.data, &state.limits))).collect();
    let pixels: u64 = estimates.iter().flatten().map(|e| e.pixels).fold(0, u64::saturating_add);
    if pixels > config.max_request_pixels {
        let message = format!("the images declare {pixels} pixels; one request may have {}", config.max_request_pixels);
        return reply::error(413, "too-much-work", &message, false);
    }
    let mut screened = Vec::with_capacity(files.len());
    for (part, estimate) in files.iter().zip(&estimates) {
        match screen_file(state, part.data, estimate.map(|e| e.bytes)) {
            Ok(s) => screened.push(s),
            Err(refusal) => return refused(refusal),
        }
    }
    let report: Vec<Value> = files
        .iter()
        .zip(&screened)
        .map(|(part, s)| {
            // The file's name and size, then the result as every surface writes it.
            let mut file = json!({ "name": part.filename.clone().unwrap_or_default(), "size": part.data.len() });
            if let (Some(file), Value::Object(result)) = (file.as_object_mut(), to_value(&s.screening.to_json(false))) {
                file.extend(result);
                file.insert("flagged".into(), Value::Bool(s.screening.action == Verdict::Flag));
            }
            file
        })
        .collect();
    if screened.iter().any(|s| s.screening.action == Verdict::Block) {
        return reply::json(451, &json!({ "error": "blocked", "stored": false, "files": report }));
    }
    match store(state, &files, &screened, &report) {
        Ok(ids) => reply::json(200, &json!({ "stored": true, "ids": ids, "files": report })),
        Err(e) => reply::error(500, "store", &e.to_string(), false),
    }
}

/// Screens one file: memory for its decode reserved first, then a
/// screening slot. A decode that could never fit the budget is reported as
/// `too-large` (unscreenable); one that does not fit in time is `busy`.
fn screen_file(state: &State, data: &[u8], decode_bytes: Option<u64>) -> Result<Screened, Refusal> {
    let wait = state.config.budget_wait;
    let memory = decode_bytes.map(|bytes| state.memory.reserve(bytes, wait));
    if let Some(Err(Refusal::Busy)) = memory {
        return Err(Refusal::Busy);
    }
    let _slot = state.cpu.reserve(1, wait)?;
    let digests = prescreen::digest(data);
    let image = match &memory {
        None => None,
        Some(Ok(_)) => Some(state.screener.decode(data)),
        Some(Err(refusal)) => Some(Err(refusal.to_decode_error())),
    };
    let screening = state.screener.screen_decoded(Some(&digests), image.as_ref().map(|r| r.as_ref()));
    drop(image);
    drop(memory);
    let hex_of = |d: Option<&[u8]>| d.map(hex::encode).unwrap_or_default();
    Ok(Screened {
        md5: hex_of(digests.md5.as_ref().map(|d| &d[..])),
        sha1: hex_of(digests.sha1.as_ref().map(|d| &d[..])),
        sha256: hex_of(digests.sha256.as_ref().map(|d| &d[..])),
        screening,
    })
}

/// Stores the files (each content once) and their records; returns the record ids.
fn store(
    state: &State,
    files: &[Part<'_>],
    screened: &[Screened],
    report: &[Value],
) -> Result<Vec<i64>, crate::output::CliError> {
    let now = crate::filterfile::now();
    let mut records = Vec::with_capacity(files.len());
    for ((part, s), reported) in files.iter().zip(screened).zip(report) {
        state.store.put_file(&s.sha256, part.data)?;
        records.push(Record {
            id: 0,
            name: part.filename.clone().unwrap_or_default(),
            size: part.data.len() as u64,
            time: now,
            md5: s.md5.clone(),
            sha1: s.sha1.clone(),
            sha256: s.sha256.clone(),
            pdq: s.screening.pdq.map(|p| p.hash.to_hex()),
            quality: s.screening.pdq.map(|p| p.quality),
            queries: s.screening.queries.iter().map(|q| (q.turn, q.pdq.hash)).collect(),
            perceptual: !s.screening.queries.is_empty(),
            verdict: s.screening.verdict.name().to_string(),
            reasons: reported["reasons"].clone(),
            rescreened: None,
        });
    }
    state.store.db.insert(&records)
}
