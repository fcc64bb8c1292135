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

use prescreen::{
    DecodeMode, ExtraVariants, Json, Limits, PdqAction, Policy, Reason, Screener, Screening, UnscreenableAction,
    Verdict,
};
use rayon::prelude::*;

use crate::budget::{decode_estimate, Budget};
use crate::filterfile::FilterArgs;
use crate::hash::{read_within, Contents};
use crate::output::{CliError, Outcome};

/// Screen files against a filter, as the browser does.
#[derive(clap::Args)]
pub struct Args {
    /// One JSON object per line instead of `VERDICT PATH reasons`: `path`
    /// and the result as the browser package and the server give it
    /// (verdict, action, reasons, hashes {md5, sha1, sha256, pdq, quality}
    /// (a digest kind the filter has no section for is not computed),
    /// width, height, damaged), or `path` and `error` for a file that could
    /// not be read.
    #[arg(long)]
    json: bool,
    /// What a PDQ near-match does: `flag` (default) or `block`.
    #[arg(long, value_enum, default_value_t = PdqActionArg::Flag)]
    pdq_action: PdqActionArg,
    /// What a file that could not be screened perceptually (`unscreenable`)
    /// leads to: `allow`, `flag` (default: exit code 1, as for a match) or `block`.
    #[arg(long, value_enum, default_value_t = UnscreenableArg::Flag)]
    unscreenable: UnscreenableArg,
    /// Extra PDQ queries, comma-separated: `trim` (uniform borders and
    /// letterbox bars cut off), `resample` (images under 512x512 stretched to
    /// it), `band` (a caption band or side panel cut off), `frame` (the
    /// picture inside a blurred-copy, noise or gradient frame), `deskew` (a
    /// picture turned a few degrees on a flat-filled canvas, turned back),
    /// `screenshot` (the photo inside a screenshot), `turned` (query those in
    /// all eight turns, not just as they are), or `none`. By default,
    /// `trim,resample,band,frame,deskew,screenshot` (docs/EVALUATION.md).
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
    #[command(flatten)]
    filter: FilterArgs,
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

/// The `--unscreenable` values.
#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum UnscreenableArg {
    Allow,
    Flag,
    Block,
}

impl From<UnscreenableArg> for UnscreenableAction {
    fn from(arg: UnscreenableArg) -> Self {
        match arg {
            UnscreenableArg::Allow => UnscreenableAction::Allow,
            UnscreenableArg::Flag => UnscreenableAction::Flag,
            UnscreenableArg::Block => UnscreenableAction::Block,
        }
    }
}

/// The `--extra-variants` values.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ExtraArg {
    Trim,
    Resample,
    Band,
    Frame,
    Deskew,
    Screenshot,
    Turned,
    None,
}

/// The extra variants a list of `--extra-variants` values asks for.
fn extra_variants(list: &[ExtraArg]) -> ExtraVariants {
    if list.is_empty() {
        return Policy::default().extra_variants;
    }
    let mut extra = ExtraVariants::none();
    extra.trim = list.contains(&ExtraArg::Trim);
    extra.resample = list.contains(&ExtraArg::Resample);
    extra.band = list.contains(&ExtraArg::Band);
    extra.frame = list.contains(&ExtraArg::Frame);
    extra.deskew = list.contains(&ExtraArg::Deskew);
    extra.screenshot = list.contains(&ExtraArg::Screenshot);
    extra.turned = list.contains(&ExtraArg::Turned);
    extra
}

/// How many files are screened between two writes to stdout.
const BATCH: usize = 256;

/// Screens every file and prints one result per file, in order.
pub fn run(args: Args) -> Result<Outcome, CliError> {
    let filter = args.filter.load()?;
    let pdq_action = match args.pdq_action {
        PdqActionArg::Flag => PdqAction::Flag,
        PdqActionArg::Block => PdqAction::Block,
    };
    let limits = Limits::default();
    let decode = if args.fast { DecodeMode::Fast } else { DecodeMode::Exact };
    let policy = Policy::default()
        .with_pdq_action(pdq_action)
        .with_decode(decode)
        .with_extra_variants(extra_variants(&args.extra_variants))
        .with_unscreenable(args.unscreenable.into());
    let screener = Screener::new(filter, policy, limits);
    let budget = Budget::new(args.memory_budget.unwrap_or_else(crate::budget::default_memory_budget));
    let mut out = io::BufWriter::new(io::stdout().lock());
    let (mut matched, mut unreadable) = (false, false);
    for batch in args.files.chunks(BATCH) {
        let results: Vec<io::Result<Screening>> =
            batch.par_iter().map(|path| check_file(&screener, &budget, path, &limits)).collect();
        for (path, result) in batch.iter().zip(&results) {
            match result {
                Ok(screening) => matched |= matches!(screening.action, Verdict::Block | Verdict::Flag),
                Err(_) => unreadable = true,
            }
            if args.json {
                writeln!(out, "{}", json_line(path, result, args.queries))?;
            } else {
                write_text_line(&mut out, path, result)?;
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

/// `{"path": ..., <the result, Screening::to_json>}`, or `{"path": ...,
/// "error": {"code": "io", "message": ...}}` for a file that could not be read.
fn json_line(path: &Path, result: &io::Result<Screening>, queries: bool) -> Json {
    let path = ("path", Json::from(path.to_string_lossy().into_owned()));
    match result {
        Ok(screening) => match screening.to_json(queries) {
            Json::Object(fields) => Json::Object([vec![path], fields].concat()),
            other => other,
        },
        Err(err) => Json::Object(vec![
            path,
            ("error", Json::Object(vec![("code", "io".into()), ("message", err.to_string().into())])),
        ]),
    }
}

/// `VERDICT PATH reasons`, or `error PATH message (io)` for an unreadable file.
fn write_text_line(out: &mut impl Write, path: &Path, result: &io::Result<Screening>) -> io::Result<()> {
    let path = path.display();
    let screening = match result {
        Ok(screening) => screening,
        Err(err) => return writeln!(out, "error {path} {err} (io)"),
    };
    let reasons: Vec<String> = screening
        .reasons
        .iter()
        .map(|r| match r {
            Reason::Digest(kind) => kind.name().to_string(),
            Reason::Pdq(turn) => format!("pdq:{}", turn.name()),
            Reason::LowQuality(quality) => format!("low-quality:{quality}"),
            Reason::NotDecoded(err) => format!("not-decoded:{}", err.code()),
            Reason::Incomplete(damage) => format!("incomplete:{}", damage.name()),
        })
        .collect();
    writeln!(out, "{} {path} {}", screening.verdict.name(), reasons.join(","))
}

/// Reads and screens one file; a file too large to decode is still digest-checked.
/// Its bytes and decode are reserved from `budget` first, waiting as long as it takes.
fn check_file(screener: &Screener, budget: &Budget, path: &Path, limits: &Limits) -> io::Result<Screening> {
    Ok(match read_within(path, limits)? {
        Contents::Bytes(bytes) => {
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
        Contents::TooLarge(digests, too_large) => screener.screen_parts(Some(&digests), Some(Err(&too_large))),
    })
}
