//! `prescreen rescreen`: tests every stored upload's hashes against a new
//! filter, without decoding anything again, and records the new verdicts.
//! The server does the same with its filter when it starts.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use prescreen::{hex, DigestKind, Filter, PdqAction, Policy, Reason, Verdict};
use rayon::prelude::*;
use serde_json::Value;

use crate::filterfile;
use crate::output::{to_value, CliError, Outcome};
use crate::store::{Record, Rescreened, Store};

/// Re-screen the server's stored uploads against a (new) filter.
#[derive(clap::Args)]
pub struct Args {
    /// The server's data folder (`prescreen serve --data`).
    #[arg(long, default_value_os_t = crate::store::default_dir())]
    data: PathBuf,
    /// The filter to test the stored hashes against.
    #[arg(long)]
    filter: PathBuf,
    /// Require the filter to be signed by this Ed25519 public key (hex, or a file holding it).
    #[arg(long)]
    public_key: Option<String>,
    /// Treat PDQ near-matches as blocks instead of flags.
    #[arg(long)]
    pdq_block: bool,
    /// Print the uploads that match as JSON Lines instead of text.
    #[arg(long)]
    json: bool,
}

/// What one pass over the store did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Records tested (those not already screened with this filter).
    pub tested: u64,
    /// Of those, how many now match (verdict `block` or `flag`).
    pub matching: u64,
}

/// A short tag naming a filter: the first 32 hex digits of its SHA-256.
pub fn filter_tag(filter_bytes: &[u8]) -> String {
    let sha256 = prescreen::digest(filter_bytes).sha256.unwrap_or_default();
    hex::encode(&sha256)[..32].to_string()
}

/// What names one screening rule: the filter's tag and the PDQ action, so a
/// change of either re-screens every record.
pub fn screening_tag(filter_bytes: &[u8], policy: &Policy) -> String {
    let action = match policy.pdq_action {
        PdqAction::Flag => "flag",
        PdqAction::Block => "block",
    };
    format!("{}-pdq-{action}", filter_tag(filter_bytes))
}

/// Re-screens every record of `store` not yet screened under `tag` ([`screening_tag`]).
pub fn rescreen_store<B: AsRef<[u8]> + Sync>(
    store: &Store,
    filter: &Filter<B>,
    tag: &str,
    policy: &Policy,
) -> Result<Summary, CliError> {
    const PAGE: usize = 20_000;
    let now = filterfile::now();
    let mut summary = Summary::default();
    let mut after = 0;
    loop {
        let page = store.db.page_not_screened_with(tag, after, PAGE)?;
        let Some(last) = page.last() else { break };
        after = last.id;
        // Each record's PDQ queries are ball searches in the filter: the CPU work, spread over the cores.
        let results: Vec<(i64, Rescreened)> = page
            .par_iter()
            .map(|record| {
                let (verdict, reasons) = rescreen(record, filter, policy);
                let result =
                    Rescreened { filter: tag.to_string(), time: now, verdict: verdict.name().to_string(), reasons };
                (record.id, result)
            })
            .collect();
        summary.tested += results.len() as u64;
        summary.matching += results.iter().filter(|(_, r)| r.verdict == "block" || r.verdict == "flag").count() as u64;
        store.db.set_rescreened(&results)?;
    }
    Ok(summary)
}

/// The verdict and reasons of one record under `filter`, from its stored
/// digests and PDQ queries, by the rules [`prescreen::Screener`] applies.
pub fn rescreen<B: AsRef<[u8]>>(record: &Record, filter: &Filter<B>, policy: &Policy) -> (Verdict, Value) {
    let mut reasons = Vec::new();
    for (kind, hex_digest) in
        [(DigestKind::Md5, &record.md5), (DigestKind::Sha1, &record.sha1), (DigestKind::Sha256, &record.sha256)]
    {
        let listed =
            filter.has_digests(kind) && from_hex(hex_digest).is_some_and(|bytes| filter.contains_digest(kind, &bytes));
        if listed {
            reasons.push(to_value(&Reason::Digest(kind).to_json()));
        }
    }
    let wants_pixels = filter.pdq_params().is_some();
    let mut perceptual_match = false;
    if wants_pixels && record.perceptual {
        let mut turns = Vec::new();
        for (turn, hash) in &record.queries {
            if !turns.contains(turn) && filter.match_pdq(hash) {
                turns.push(*turn);
                reasons.push(to_value(&Reason::Pdq(*turn).to_json()));
            }
        }
        perceptual_match = !turns.is_empty();
    }
    let digest_match = reasons.iter().any(|r| r["kind"] == "digest");
    let verdict = if digest_match {
        Verdict::Block
    } else if perceptual_match {
        match policy.pdq_action {
            PdqAction::Flag => Verdict::Flag,
            PdqAction::Block => Verdict::Block,
        }
    } else if !wants_pixels || record.perceptual {
        Verdict::Allow
    } else {
        // Why the perceptual check could not run at upload still holds.
        let upload_reasons = record.reasons.as_array().into_iter().flatten();
        reasons.extend(upload_reasons.filter(|r| r["kind"] == "low-quality" || r["kind"] == "not-decoded").cloned());
        Verdict::Unscreenable
    };
    (verdict, Value::Array(reasons))
}

/// Runs `prescreen rescreen`: exit 1 when any stored upload now matches.
pub fn run(args: Args) -> Result<Outcome, CliError> {
    let filter = filterfile::load(&args.filter, args.public_key.as_deref())?;
    let action = if args.pdq_block { PdqAction::Block } else { PdqAction::Flag };
    let policy = Policy::default().with_pdq_action(action);
    if !args.data.exists() {
        return Err(CliError(format!("{}: no such data folder", args.data.display())));
    }
    let store = Store::open(&args.data)?;
    let started = Instant::now();
    let summary = rescreen_store(&store, &filter, &screening_tag(filter.as_bytes(), &policy), &policy)?;
    let elapsed = started.elapsed();
    let matching = store.db.list(true)?;
    let mut out = std::io::stdout().lock();
    for record in &matching {
        if args.json {
            crate::output::write_json_line(&mut out, &record.to_json(&policy))?;
        } else {
            writeln!(out, "{}\t{}\t{}\t{}", record.current_verdict(), record.sha256, record.id, record.name)?;
        }
    }
    eprintln!(
        "prescreen rescreen: {} of {} records tested in {:.2} s; {} match now",
        summary.tested,
        store.db.count()?,
        elapsed.as_secs_f64(),
        matching.len()
    );
    Ok(if matching.is_empty() { Outcome::Clean } else { Outcome::Matched })
}

/// Bytes from lower-case hex, as the store writes digests.
fn from_hex(text: &str) -> Option<Vec<u8>> {
    let digits = text.as_bytes();
    if digits.len() % 2 != 0 {
        return None;
    }
    digits.chunks_exact(2).map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()).collect()
}
