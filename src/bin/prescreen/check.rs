//! `prescreen check`: screens files exactly as the browser does, natively.
//!
//! Each file's digests are tested against the filter's digest sections; if the
//! filter has a PDQ section, the file is decoded and its eight turned variants
//! are tested too, and (by default; `--extra-variants`) the image with uniform
//! borders trimmed and a small image resampled (docs/EVALUATION.md weighs them). One result per file, in order: by default a line
//! `VERDICT PATH reasons`, with `--json` one object per line. Exit 0 when
//! nothing matched, 1 when any file was blocked or flagged, 2 when a file could
//! not be read at all (after all files were processed).

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use prescreen::{DecodeMode, ExtraVariants, Limits, PdqAction, PdqQuery, Policy, Reason, Screener, Screening};
use rayon::prelude::*;
use serde::Serialize;

use crate::budget::{decode_estimate, Budget};
use crate::filterfile;
use crate::hash::{read_within, Contents};
use crate::output::{write_json_line, CliError, JsonError, Outcome};

/// Screen files against a filter, as the browser does.
#[derive(clap::Args)]
pub struct Args {
    /// One JSON object per line (path, verdict, reasons, pdq, quality, md5,
    /// sha1, sha256 (null for a kind the filter has no section for: it is not
    /// computed), width, height, error) instead of `VERDICT PATH reasons`.
    #[arg(long)]
    json: bool,
    /// Require the filter to be signed by this Ed25519 public key (64 hex digits, or a file holding them).
    #[arg(long, value_name = "KEY")]
    public_key: Option<String>,
    /// What a PDQ near-match does: `flag` (default) or `block`.
    #[arg(long, value_enum, default_value_t = PdqActionArg::Flag)]
    pdq_action: PdqActionArg,
    /// Extra PDQ queries, comma-separated: `trim` (uniform borders and
    /// letterbox bars cut off), `resample` (images under 512x512 stretched to
    /// it), `turned` (query those in all eight turns, not just as they are),
    /// or `none`. By default, `trim,resample` (docs/EVALUATION.md).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "LIST")]
    extra_variants: Vec<ExtraArg>,
    /// With `--json`, also list every PDQ query made (`queries`: preparation,
    /// turn, hash, quality, whether it matched).
    #[arg(long, requires = "json")]
    queries: bool,
    /// Decode large baseline JPEGs at 1/4 or 1/8 scale for the perceptual
    /// check, as the browser does by default: faster, PDQ a few bits from
    /// the exact hash. Exact (every pixel) by default.
    #[arg(long)]
    fast: bool,
    /// Memory the files being decoded at once may take together (K, M, G
    /// suffixes); a file waits until its share is free. By default, half
    /// the machine's memory.
    #[arg(long, value_parser = crate::budget::parse_bytes)]
    memory_budget: Option<u64>,
    /// The filter file (.psf).
    filter: PathBuf,
    /// The files to screen.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// The `--pdq-action` values.
#[derive(Clone, Copy, clap::ValueEnum)]
enum PdqActionArg {
    Flag,
    Block,
}

/// The `--extra-variants` values.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ExtraArg {
    Trim,
    Resample,
    Turned,
    None,
}

/// The extra variants a list of `--extra-variants` values asks for.
fn extra_variants(list: &[ExtraArg]) -> ExtraVariants {
    if list.is_empty() {
        return Policy::default().extra_variants;
    }
    ExtraVariants {
        trim: list.contains(&ExtraArg::Trim),
        resample: list.contains(&ExtraArg::Resample),
        turned: list.contains(&ExtraArg::Turned),
    }
}

/// How many files are screened between two writes to stdout.
const BATCH: usize = 256;

/// Screens every file and prints one result per file, in order.
pub fn run(args: Args) -> Result<Outcome, CliError> {
    let filter = filterfile::load(&args.filter, args.public_key.as_deref())?;
    let pdq_action = match args.pdq_action {
        PdqActionArg::Flag => PdqAction::Flag,
        PdqActionArg::Block => PdqAction::Block,
    };
    let limits = Limits::default();
    let decode = if args.fast { DecodeMode::Fast } else { DecodeMode::Exact };
    let policy =
        Policy { pdq_action, decode, extra_variants: extra_variants(&args.extra_variants), ..Policy::default() };
    let screener = Screener::new(filter, policy, limits);
    let budget = Budget::new(args.memory_budget.unwrap_or_else(crate::budget::default_memory_budget));
    let mut out = io::BufWriter::new(io::stdout().lock());
    let (mut matched, mut unreadable) = (false, false);
    for batch in args.files.chunks(BATCH) {
        let results: Vec<FileResult> =
            batch.par_iter().map(|path| check_file(&screener, &budget, path, &limits, args.queries)).collect();
        for result in &results {
            matched |= matches!(result.verdict, Some("block" | "flag"));
            unreadable |= result.verdict.is_none();
            if args.json {
                write_json_line(&mut out, result)?;
            } else {
                write_text_line(&mut out, result)?;
            }
        }
        out.flush()?;
    }
    Ok(if matched {
        Outcome::Matched
    } else if unreadable {
        Outcome::InputErrors
    } else {
        Outcome::Clean
    })
}

/// One file's result; serialised as its `--json` line.
#[derive(Serialize)]
struct FileResult {
    path: String,
    /// `None` only when the file could not be read at all.
    verdict: Option<&'static str>,
    reasons: Vec<JsonReason>,
    pdq: Option<String>,
    quality: Option<u8>,
    md5: Option<String>,
    sha1: Option<String>,
    sha256: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<JsonError>,
    #[serde(skip_serializing_if = "Option::is_none")]
    queries: Option<Vec<JsonQuery>>,
}

/// A PDQ query as JSON (`--queries`): `{"preparation": "trimmed", "turn":
/// "flipY", "pdq": HEX, "quality": 93, "matched": false}`.
#[derive(Serialize)]
struct JsonQuery {
    preparation: &'static str,
    turn: &'static str,
    pdq: String,
    quality: u8,
    matched: bool,
}

impl From<&PdqQuery> for JsonQuery {
    fn from(q: &PdqQuery) -> Self {
        JsonQuery {
            preparation: q.preparation.name(),
            turn: q.turn.name(),
            pdq: q.pdq.hash.to_hex(),
            quality: q.pdq.quality,
            matched: q.matched,
        }
    }
}

/// A reason as JSON: `{"kind": "md5"}`, `{"kind": "pdq", "variant": "flipY"}`,
/// `{"kind": "low-quality", "quality": 12}`, `{"kind": "not-decoded", "error": {...}}`.
#[derive(Serialize)]
struct JsonReason {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    variant: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    quality: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<JsonError>,
}

impl From<&Reason> for JsonReason {
    fn from(reason: &Reason) -> Self {
        let mut json = JsonReason { kind: "", variant: None, quality: None, error: None };
        match reason {
            Reason::Digest(kind) => json.kind = kind.name(),
            Reason::Pdq(variant) => {
                json.kind = "pdq";
                json.variant = Some(variant.name());
            }
            Reason::LowQuality(quality) => {
                json.kind = "low-quality";
                json.quality = Some(*quality);
            }
            Reason::NotDecoded(err) => {
                json.kind = "not-decoded";
                json.error = Some(JsonError::from(err));
            }
        }
        json
    }
}

impl FileResult {
    fn unreadable(path: &Path, err: &io::Error) -> Self {
        FileResult {
            path: path.to_string_lossy().into_owned(),
            verdict: None,
            reasons: Vec::new(),
            pdq: None,
            quality: None,
            md5: None,
            sha1: None,
            sha256: None,
            width: None,
            height: None,
            error: Some(JsonError::io(err)),
            queries: None,
        }
    }

    fn screened(path: &Path, screening: &Screening, queries: bool) -> Self {
        let hex = |bytes: &[u8]| prescreen::hex::encode(bytes);
        let digests = screening.digests.as_ref();
        FileResult {
            path: path.to_string_lossy().into_owned(),
            verdict: Some(screening.verdict.name()),
            reasons: screening.reasons.iter().map(JsonReason::from).collect(),
            pdq: screening.pdq.map(|p| p.hash.to_hex()),
            quality: screening.pdq.map(|p| p.quality),
            md5: digests.and_then(|d| d.md5.map(|x| hex(&x))),
            sha1: digests.and_then(|d| d.sha1.map(|x| hex(&x))),
            sha256: digests.and_then(|d| d.sha256.map(|x| hex(&x))),
            width: screening.size.map(|s| s.0),
            height: screening.size.map(|s| s.1),
            error: screening.reasons.iter().find_map(|r| match r {
                Reason::NotDecoded(err) => Some(JsonError::from(err)),
                _ => None,
            }),
            queries: queries.then(|| screening.queries.iter().map(JsonQuery::from).collect()),
        }
    }
}

/// Reads and screens one file; a file too large to decode is still digest-checked.
/// Its bytes and decode are reserved from `budget` first, waiting as long as it takes.
fn check_file(screener: &Screener, budget: &Budget, path: &Path, limits: &Limits, queries: bool) -> FileResult {
    let screening = match read_within(path, limits) {
        Ok(Contents::Bytes(bytes)) => {
            let decode = if screener.wants_pixels() { decode_estimate(&bytes, limits).bytes } else { 0 };
            match budget.reserve(decode.saturating_add(bytes.len() as u64), Duration::MAX) {
                Ok(_held) => screener.screen_bytes(&bytes),
                Err(refusal) => {
                    let mut digester = screener.digester();
                    digester.update(&bytes);
                    screener.screen_parts(Some(&digester.finish()), Some(Err(&refusal.to_decode_error())))
                }
            }
        }
        Ok(Contents::TooLarge(digests, too_large)) => {
            screener.screen_parts(Some(&digests), Some(Err(&too_large)))
        }
        Err(err) => return FileResult::unreadable(path, &err),
    };
    FileResult::screened(path, &screening, queries)
}

/// `VERDICT PATH reasons`, or `error PATH message (code)` for an unreadable file.
fn write_text_line(out: &mut impl Write, result: &FileResult) -> io::Result<()> {
    let Some(verdict) = result.verdict else {
        let err = result.error.as_ref().map_or(String::new(), |e| format!("{} ({})", e.message, e.code));
        return writeln!(out, "error {} {err}", result.path);
    };
    let reasons: Vec<String> = result
        .reasons
        .iter()
        .map(|r| match (r.variant, r.quality, &r.error) {
            (Some(variant), _, _) => format!("pdq:{variant}"),
            (_, Some(quality), _) => format!("low-quality:{quality}"),
            (_, _, Some(err)) => format!("not-decoded:{}", err.code),
            _ => r.kind.to_string(),
        })
        .collect();
    writeln!(out, "{verdict} {} {}", result.path, reasons.join(","))
}

