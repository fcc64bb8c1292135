//! `prescreen serve`: the reference server. It serves the demo page, the
//! browser package and the filter, and re-screens every upload natively with
//! the same code the browser runs: a blocked file gets HTTP 451 and nothing
//! of its request is stored.

use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use prescreen::{hex, Filter, Limits, PdqAction, Policy, Screener, Verdict};
use serde_json::{json, Value};
use tiny_http::{Header, Method, Request, Response, Server};

use crate::output::{CliError, Outcome};

mod demo_filter;
mod multipart;

/// Serve the demo page, the browser package and the filter; screen uploads.
#[derive(clap::Args)]
pub struct Args {
    /// The filter to serve and screen uploads with. By default, a demo filter
    /// built at start from the bundled demo images.
    #[arg(long)]
    filter: Option<PathBuf>,
    /// The address to listen on (port 0 picks a free port; the URL is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,
    /// The folder holding `demo/` and the built package `pkg/`.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/www"))]
    www: PathBuf,
    /// Block PDQ near-matches on upload instead of accepting them as flagged.
    #[arg(long)]
    pdq_block: bool,
    /// What an upload that could not be screened perceptually leads to:
    /// `allow` (stored), `flag` (default: stored, marked flagged) or `block`
    /// (451, nothing stored).
    #[arg(long, value_enum, default_value_t = crate::check::UnscreenableArg::Flag)]
    unscreenable: crate::check::UnscreenableArg,
    /// The largest upload request accepted, in bytes.
    #[arg(long, default_value_t = 256 << 20)]
    max_upload_bytes: u64,
}

/// A file the server accepted and stored.
struct Stored {
    name: String,
    size: usize,
    sha256: String,
    verdict: Verdict,
    action: Verdict,
}

struct State {
    screener: Screener,
    filter_bytes: Vec<u8>,
    etag: String,
    www: PathBuf,
    uploads_dir: PathBuf,
    uploads: Mutex<Vec<Stored>>,
    max_upload_bytes: u64,
}

/// Runs the server until the process is stopped.
pub fn run(args: Args) -> Result<Outcome, CliError> {
    let filter_bytes = match &args.filter {
        Some(path) => std::fs::read(path).map_err(|e| CliError(format!("{}: {e}", path.display())))?,
        None => demo_filter::build()?,
    };
    let filter = Filter::from_bytes(filter_bytes.clone(), None)?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    if filter.is_expired(now) {
        return Err(prescreen::Error::FilterExpired.into());
    }
    let action = if args.pdq_block { PdqAction::Block } else { PdqAction::Flag };
    let policy = Policy { pdq_action: action, unscreenable: args.unscreenable.into(), ..Policy::default() };
    let screener = Screener::new(filter, policy, Limits::default());
    let etag = format!("\"{}\"", &hex::encode(&prescreen::digest(&filter_bytes).sha256.unwrap_or_default())[..32]);

    let uploads_dir = std::env::temp_dir().join(format!("prescreen-uploads-{}", std::process::id()));
    std::fs::create_dir_all(&uploads_dir)?;

    let server = Server::http(&args.addr).map_err(|e| CliError(format!("cannot listen on {}: {e}", args.addr)))?;
    let addr = server.server_addr().to_ip().map(|a| a.to_string()).unwrap_or(args.addr.clone());
    println!("prescreen serve: http://{addr}/ (uploads stored in {})", uploads_dir.display());
    std::io::stdout().flush()?;

    let state = Arc::new(State {
        screener,
        filter_bytes,
        etag,
        www: args.www,
        uploads_dir,
        uploads: Mutex::new(Vec::new()),
        max_upload_bytes: args.max_upload_bytes,
    });
    let server = Arc::new(server);
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let (server, state) = (Arc::clone(&server), Arc::clone(&state));
            std::thread::spawn(move || {
                while let Ok(request) = server.recv() {
                    handle(&state, request);
                }
            })
        })
        .collect();
    for worker in workers {
        let _ = worker.join();
    }
    Ok(Outcome::Clean)
}

fn header(name: &str, value: &str) -> Header {
    // Names are ours and values are ASCII we produced; from_bytes only rejects non-ASCII.
    Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|()| {
        Header::from_bytes(&b"X-Invalid-Header"[..], &b"1"[..]).expect("static ASCII header")
    })
}

type Reply = Response<std::io::Cursor<Vec<u8>>>;

fn json_reply(status: u16, value: &Value) -> Reply {
    Response::from_data(value.to_string().into_bytes())
        .with_status_code(status)
        .with_header(header("Content-Type", "application/json"))
}

fn text_reply(status: u16, text: &str) -> Reply {
    Response::from_data(text.as_bytes().to_vec())
        .with_status_code(status)
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
}

fn request_header<'r>(request: &'r Request, name: &'static str) -> Option<&'r str> {
    request.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.as_str())
}

/// Answers one request; a panic while screening becomes a 500, not a dead thread.
fn handle(state: &State, mut request: Request) {
    let reply = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| route(state, &mut request)))
        .unwrap_or_else(|_| text_reply(500, "internal error while screening"));
    let _ = request.respond(reply.with_header(header("X-Content-Type-Options", "nosniff")));
}

fn route(state: &State, request: &mut Request) -> Reply {
    let path = request.url().split(['?', '#']).next().unwrap_or("/").to_string();
    match (request.method(), path.as_str()) {
        (Method::Get | Method::Head, "/") => static_file(&state.www.join("demo"), "index.html"),
        (Method::Get | Method::Head, "/filter.psf") => filter_reply(state, request),
        (Method::Get, "/api/uploads") => uploads_reply(state),
        (Method::Post, "/upload") => upload(state, request),
        (Method::Get | Method::Head, p) if p.starts_with("/pkg/") => static_file(&state.www.join("pkg"), &p[5..]),
        (Method::Get | Method::Head, p) if p.starts_with("/demo/") => static_file(&state.www.join("demo"), &p[6..]),
        _ => text_reply(404, "not found"),
    }
}

fn filter_reply(state: &State, request: &Request) -> Reply {
    let cache = header("Cache-Control", "no-cache");
    let etag = header("ETag", &state.etag);
    if request_header(request, "If-None-Match").is_some_and(|v| v.split(',').any(|t| t.trim() == state.etag)) {
        return Response::from_data(Vec::new()).with_status_code(304).with_header(etag).with_header(cache);
    }
    Response::from_data(state.filter_bytes.clone())
        .with_header(header("Content-Type", "application/octet-stream"))
        .with_header(etag)
        .with_header(cache)
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
    let safe = relative.components().all(|c| matches!(c, Component::Normal(s) if !s.to_string_lossy().starts_with('.')));
    if !safe || relative.as_os_str().is_empty() {
        return text_reply(404, "not found");
    }
    let path = root.join(relative);
    match std::fs::read(&path) {
        Ok(bytes) => {
            let mut reply = Response::from_data(bytes)
                .with_header(header("Content-Type", content_type(&path)))
                .with_header(header("Cache-Control", "no-cache"));
            if content_type(&path).starts_with("text/html") {
                // The page may talk to its own origin only: nothing else can leave it.
                reply = reply.with_header(header(
                    "Content-Security-Policy",
                    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' blob: data:; \
                     style-src 'self'; worker-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'",
                ));
            }
            reply
        }
        Err(_) => text_reply(404, "not found"),
    }
}

fn uploads_reply(state: &State) -> Reply {
    let uploads = state.uploads.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let list: Vec<Value> = uploads
        .iter()
        .map(|s| {
            let flagged = s.action == Verdict::Flag;
            json!({ "name": s.name, "size": s.size, "sha256": s.sha256, "verdict": s.verdict.name(), "action": s.action.name(), "flagged": flagged })
        })
        .collect();
    json_reply(200, &Value::Array(list))
}

fn upload(state: &State, request: &mut Request) -> Reply {
    let Some(boundary) = request_header(request, "Content-Type").map(multipart::boundary) else {
        return text_reply(400, "expected multipart/form-data");
    };
    let boundary = match boundary {
        Ok(b) => b,
        Err(e) => return text_reply(400, &e.to_string()),
    };
    if request.body_length().is_some_and(|n| n as u64 > state.max_upload_bytes) {
        return text_reply(413, "upload too large");
    }
    let mut body = Vec::new();
    if request.as_reader().take(state.max_upload_bytes + 1).read_to_end(&mut body).is_err() {
        return text_reply(400, "could not read the request body");
    }
    if body.len() as u64 > state.max_upload_bytes {
        return text_reply(413, "upload too large");
    }
    let parts = match multipart::parse(&body, &boundary) {
        Ok(parts) => parts,
        Err(e) => return text_reply(400, &e.to_string()),
    };
    let files: Vec<_> = parts.into_iter().filter(|p| p.name == "file").collect();
    if files.is_empty() {
        return text_reply(400, "no field named \"file\"");
    }
    let screened: Vec<_> = files.iter().map(|p| (p, state.screener.screen_bytes(p.data))).collect();
    let report: Vec<Value> = screened
        .iter()
        .map(|(part, s)| {
            json!({
                "name": part.filename.clone().unwrap_or_default(),
                "size": part.data.len(),
                "verdict": s.verdict.name(),
                "action": s.action.name(),
                "flagged": s.action == Verdict::Flag,
                "damaged": s.damaged.map(|d| d.name()),
                "reasons": s.reasons.iter().map(reason_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    if screened.iter().any(|(_, s)| s.action == Verdict::Block) {
        return json_reply(451, &json!({ "error": "blocked", "stored": false, "files": report }));
    }
    let mut uploads = state.uploads.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    for (part, screening) in &screened {
        let name = part.filename.clone().unwrap_or_default();
        let stored_as = state.uploads_dir.join(format!("{:05}-{}", uploads.len(), safe_name(&name)));
        if let Err(e) = std::fs::write(&stored_as, part.data) {
            return text_reply(500, &format!("could not store the upload: {e}"));
        }
        // Screening computes only the digests the filter has; the list of uploads always shows SHA-256.
        let sha256 = screening.digests.and_then(|d| d.sha256).unwrap_or_else(|| {
            let mut digester = prescreen::Digester::of_kinds([prescreen::DigestKind::Sha256]);
            digester.update(part.data);
            digester.finish().sha256.unwrap_or_default()
        });
        let sha256 = hex::encode(&sha256);
        uploads.push(Stored { name, size: part.data.len(), sha256, verdict: screening.verdict, action: screening.action });
    }
    json_reply(200, &json!({ "stored": true, "files": report }))
}

fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .take(100)
        .collect();
    cleaned.trim_start_matches('.').to_string()
}

fn reason_json(reason: &prescreen::Reason) -> Value {
    use prescreen::Reason;
    match reason {
        Reason::Digest(kind) => json!({ "kind": "digest", "digest": format!("{kind:?}").to_lowercase() }),
        Reason::Pdq(variant) => json!({ "kind": "pdq", "variant": format!("{variant:?}") }),
        Reason::LowQuality(q) => json!({ "kind": "low-quality", "quality": q }),
        Reason::NotDecoded(err) => json!({ "kind": "not-decoded", "code": err.code(), "message": err.to_string() }),
        Reason::Incomplete(damage) => json!({ "kind": "incomplete", "damage": damage.name() }),
    }
}
