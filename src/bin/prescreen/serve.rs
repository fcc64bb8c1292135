//! `prescreen serve`: the reference server. It serves the demo page, the
//! browser package and the filter, and re-screens every upload natively with
//! the same code the browser runs: a blocked file gets HTTP 451 and nothing
//! of its request is stored. Accepted uploads are kept in a private store
//! (`--data`) that survives restarts and is re-screened with the filter at
//! every start, in the background: the server answers from the moment it
//! listens, and `GET /api/status` says when the stored records are done.

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use prescreen::{Filter, Limits, PdqAction, Policy, Screener};

use crate::budget::{self, Budget};
use crate::output::{CliError, Outcome};
use crate::rescreen;
use crate::store::Store;

mod body;
mod demo_filter;
mod http;
mod multipart;
mod reply;
mod routes;
mod upload;

fn seconds(text: &str) -> Result<Duration, String> {
    let value: f64 = text.parse().map_err(|_| format!("{text:?} is not a number of seconds"))?;
    Duration::try_from_secs_f64(value).map_err(|e| format!("{text:?}: {e}"))
}

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
    /// Where accepted uploads and their records are kept (created 0700).
    /// By default, $XDG_DATA_HOME/prescreen, else ~/.local/share/prescreen.
    #[arg(long, default_value_os_t = crate::store::default_dir())]
    data: PathBuf,
    /// Block PDQ near-matches on upload instead of accepting them as flagged.
    #[arg(long)]
    pdq_block: bool,
    /// What an upload that could not be screened perceptually leads to:
    /// `allow` (stored), `flag` (default: stored, marked flagged) or `block`
    /// (451, nothing stored).
    #[arg(long, value_enum, default_value_t = crate::check::UnscreenableArg::Flag)]
    unscreenable: crate::check::UnscreenableArg,
    /// The largest upload request accepted, in bytes (K, M, G suffixes).
    #[arg(long, default_value = "256M", value_parser = budget::parse_bytes)]
    max_upload_bytes: u64,
    /// The most files one upload request may carry.
    #[arg(long, default_value_t = 64)]
    max_files: usize,
    /// The most pixels the images of one request may declare together.
    #[arg(long, default_value_t = 1 << 28)]
    max_request_pixels: u64,
    /// The most bytes of request line and headers (more gets 431).
    #[arg(long, default_value = "16K", value_parser = budget::parse_bytes)]
    max_header_bytes: u64,
    /// Seconds a client has to send a request's headers.
    #[arg(long, default_value = "10", value_parser = seconds)]
    header_timeout: Duration,
    /// Seconds a request body may pause, and the grace before
    /// `--min-body-rate` applies (a slower body gets 408).
    #[arg(long, default_value = "20", value_parser = seconds)]
    body_timeout: Duration,
    /// The slowest average body rate accepted after the grace, in bytes/s.
    #[arg(long, default_value = "16K", value_parser = budget::parse_bytes)]
    min_body_rate: u64,
    /// The most connections served at once (more wait to be accepted).
    #[arg(long, default_value_t = 1024)]
    max_connections: usize,
    /// Files screened at once. By default, the number of cores.
    #[arg(long)]
    workers: Option<usize>,
    /// Memory decoding and request bodies may take together (K, M, G
    /// suffixes). By default, half the machine's memory, at most 2 GiB.
    #[arg(long, value_parser = budget::parse_bytes)]
    memory_budget: Option<u64>,
    /// Seconds a request waits for room in the budget before it gets 503 busy.
    #[arg(long, default_value = "10", value_parser = seconds)]
    budget_wait: Duration,
    /// Seconds requests in flight get to finish after SIGTERM or SIGINT.
    #[arg(long, default_value = "30", value_parser = seconds)]
    shutdown_timeout: Duration,
}

/// Upload requests on the blocking pool at once (screening, or waiting for
/// a slot or decode memory there).
const SCREENING_REQUESTS: usize = 64;
/// The blocking pool: the screening requests plus room for static files
/// and the store, which never wait on a budget.
const BLOCKING_THREADS: usize = SCREENING_REQUESTS + 64;

/// The limits applied to every connection and request.
pub struct Config {
    max_upload_bytes: u64,
    max_files: usize,
    max_request_pixels: u64,
    max_header_bytes: usize,
    header_timeout: Duration,
    body_timeout: Duration,
    min_body_rate: u64,
    max_connections: usize,
    budget_wait: Duration,
    shutdown_timeout: Duration,
}

/// Everything a request handler needs.
pub struct State {
    screener: Screener,
    limits: Limits,
    filter_bytes: Vec<u8>,
    etag: String,
    www: PathBuf,
    store: Store,
    /// Bytes of request bodies and decoding in progress.
    memory: Budget,
    /// Screening slots: one per worker.
    cpu: Budget,
    /// Requests admitted to the blocking pool for screening; the rest wait asynchronously.
    screening: Arc<tokio::sync::Semaphore>,
    /// What re-screening the stored records with this filter came to:
    /// `None` while it runs.
    rescreened: Mutex<Option<Result<rescreen::Summary, String>>>,
    config: Config,
}

/// Re-screens the stored records not yet screened under `tag` (new uploads
/// are screened under it as they arrive) and keeps the outcome in `state`.
fn rescreen_stored(state: &State, tag: &str) {
    let started = std::time::Instant::now();
    let outcome = rescreen::rescreen_store(&state.store, state.screener.filter(), tag, state.screener.policy());
    match &outcome {
        Ok(summary) => eprintln!(
            "prescreen serve: {} stored uploads re-screened in {:.2} s, {} match this filter",
            summary.tested,
            started.elapsed().as_secs_f64(),
            summary.matching
        ),
        Err(e) => eprintln!("prescreen serve: re-screening the stored uploads failed: {e}"),
    }
    let outcome = outcome.map_err(|e| e.to_string());
    *state.rescreened.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(outcome);
}

/// Runs the server until SIGTERM or SIGINT, then lets requests in flight finish.
pub fn run(args: Args) -> Result<Outcome, CliError> {
    // Everything the server creates is private to its user.
    // SAFETY: umask has no preconditions and cannot fail.
    unsafe { libc::umask(0o077) };
    let filter_bytes = match &args.filter {
        Some(path) => std::fs::read(path).map_err(|e| CliError(format!("{}: {e}", path.display())))?,
        None => demo_filter::build()?,
    };
    let filter = Filter::from_bytes(filter_bytes.clone(), None)?;
    if filter.is_expired(crate::filterfile::now()) {
        return Err(prescreen::Error::FilterExpired.into());
    }
    let action = if args.pdq_block { PdqAction::Block } else { PdqAction::Flag };
    let policy = Policy::default().with_pdq_action(action).with_unscreenable(args.unscreenable.into());

    let store = Store::open(&args.data)?;
    let tag = rescreen::screening_tag(&filter_bytes, &policy);
    let limits = Limits::default();
    let workers = args.workers.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())).max(1);
    let memory = Budget::new(args.memory_budget.unwrap_or_else(budget::default_memory_budget));
    let state = Arc::new(State {
        screener: Screener::new(filter, policy, limits),
        limits,
        etag: format!("\"{}\"", rescreen::filter_tag(&filter_bytes)),
        filter_bytes,
        www: args.www,
        store,
        memory,
        cpu: Budget::new(workers as u64),
        screening: Arc::new(tokio::sync::Semaphore::new(SCREENING_REQUESTS)),
        rescreened: Mutex::new(None),
        config: Config {
            max_upload_bytes: args.max_upload_bytes,
            max_files: args.max_files,
            max_request_pixels: args.max_request_pixels,
            max_header_bytes: usize::try_from(args.max_header_bytes).unwrap_or(usize::MAX),
            header_timeout: args.header_timeout,
            body_timeout: args.body_timeout,
            min_body_rate: args.min_body_rate.max(1),
            max_connections: args.max_connections.max(1),
            budget_wait: args.budget_wait,
            shutdown_timeout: args.shutdown_timeout,
        },
    });

    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().max_blocking_threads(BLOCKING_THREADS).build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.addr)
            .await
            .map_err(|e| CliError(format!("cannot listen on {}: {e}", args.addr)))?;
        let addr = listener.local_addr()?;
        println!("prescreen serve: http://{addr}/ (uploads stored in {})", state.store.files_dir().display());
        std::io::stdout().flush()?;
        let rescreening = Arc::clone(&state);
        tokio::task::spawn_blocking(move || rescreen_stored(&rescreening, &tag));
        http::serve(listener, state).await
    })?;
    Ok(Outcome::Clean)
}
