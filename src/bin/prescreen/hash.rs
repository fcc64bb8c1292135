//! `prescreen hash`: digests and PDQ hashes of files, in the reference tool's
//! format (`PDQHEX,QUALITY,PATH`) or as JSON Lines.
//!
//! By default every file is decoded at full resolution, so the PDQ hashes are
//! the reference tool's (bit for bit on lossless files). `--fast` decodes a
//! baseline JPEG of 2048 pixels or more a side at 1/4 or 1/8 scale instead
//! ([`DecodeMode::Fast`]): up to 1.9x faster natively, PDQ hashes 0-6 bits from
//! the exact ones on the photos measured (docs/DESIGN-decoding.md).
//!
//! Files are hashed in parallel and printed in the order given. A file that
//! cannot be hashed (unreadable, not an image, truncated, too large) gets, by
//! default, one line `prescreen: PATH: MESSAGE (CODE)` on stderr and nothing on
//! stdout (the reference tool prints nothing for it either); with `--json` it
//! gets its usual object with an `error` and, when it could be read, its
//! digests. The exit code is 2 when any file failed, after all were processed.

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use prescreen::pdq::{self, Pdq, PdqHash};
use prescreen::{decode_for_pdq, digest, sniff, DecodeMode, Decoded, Digester, Digests, Error, Format, Limits};
use rayon::prelude::*;
use serde::Serialize;

use crate::output::{write_json_line, CliError, JsonError, Outcome};

/// Hash files: MD5, SHA-1, SHA-256 of the bytes and PDQ of the pixels.
#[derive(clap::Args)]
pub struct Args {
    /// One JSON object per line (path, pdq, quality, md5, sha1, sha256, width,
    /// height, reduction, orientation, format, damaged, error) instead of `PDQHEX,QUALITY,PATH`.
    #[arg(long)]
    json: bool,
    /// Also compute the eight dihedral variants (JSON field `pdq_dihedral`, or
    /// eight lines per file in the reference's order by default).
    #[arg(long)]
    dihedral: bool,
    /// Decode baseline JPEGs of 2048 pixels or more a side at 1/4 or 1/8 scale (keeping
    /// both sides >= 512 pixels): faster, PDQ a few bits from the exact hash.
    /// By default, every file is decoded at full resolution, as the
    /// reference tool does.
    #[arg(long)]
    fast: bool,
    /// The files to hash.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// How many files are hashed between two writes to stdout.
const BATCH: usize = 256;

/// From this many files on, a progress bar is drawn (when stderr is a terminal).
const PROGRESS_FROM: usize = 32;

/// Hashes every file and prints one result per file, in order.
pub fn run(args: Args) -> Result<Outcome, CliError> {
    let progress = progress_bar(args.files.len());
    let limits = Limits::default();
    let mode = if args.fast { DecodeMode::Fast } else { DecodeMode::Exact };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut failed = false;
    for batch in args.files.chunks(BATCH) {
        let reports: Vec<Report> = batch
            .par_iter()
            .map(|path| {
                let report = hash_file(path, &limits, mode, args.dihedral);
                progress.inc(1);
                report
            })
            .collect();
        for report in &reports {
            failed |= report.error.is_some();
            if args.json {
                write_json_line(&mut out, report)?;
            } else {
                write_reference_lines(&mut out, report, &progress)?;
            }
        }
        out.flush()?;
    }
    progress.finish_and_clear();
    Ok(if failed { Outcome::InputErrors } else { Outcome::Clean })
}

/// Everything known about one file; serialised as its `--json` line.
#[derive(Serialize)]
struct Report {
    path: String,
    pdq: Option<String>,
    quality: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pdq_dihedral: Option<Vec<String>>,
    md5: Option<String>,
    sha1: Option<String>,
    sha256: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
    /// 1, or 2, 4, 8 when `--fast` decoded the JPEG at 1/reduction scale.
    reduction: Option<u8>,
    orientation: Option<u8>,
    format: Option<&'static str>,
    /// How the file was damaged when its pixels were recovered as a browser
    /// shows them (`truncated`, `missing-end`, `bad-checksum`); null when intact.
    damaged: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<JsonError>,
}

impl Report {
    fn new(path: &Path) -> Self {
        Report {
            path: path.to_string_lossy().into_owned(),
            pdq: None,
            quality: None,
            pdq_dihedral: None,
            md5: None,
            sha1: None,
            sha256: None,
            width: None,
            height: None,
            reduction: None,
            orientation: None,
            format: None,
            damaged: None,
            error: None,
        }
    }

    fn set_digests(&mut self, digests: &Digests) {
        self.md5 = digests.md5.map(|d| prescreen::hex::encode(&d));
        self.sha1 = digests.sha1.map(|d| prescreen::hex::encode(&d));
        self.sha256 = digests.sha256.map(|d| prescreen::hex::encode(&d));
    }

    fn set_image(&mut self, decoded: &Decoded, pdq: Pdq, dihedral: Option<[PdqHash; 8]>) {
        self.width = Some(decoded.size.0);
        self.height = Some(decoded.size.1);
        self.reduction = Some(decoded.reduction);
        self.orientation = Some(decoded.orientation);
        self.damaged = decoded.damaged.map(|d| d.name());
        self.pdq = Some(pdq.hash.to_hex());
        self.quality = Some(pdq.quality);
        self.pdq_dihedral = dihedral.map(|all| all.iter().map(PdqHash::to_hex).collect());
    }
}

/// Reads, digests, decodes and hashes one file; never fails, the report says how it went.
fn hash_file(path: &Path, limits: &Limits, mode: DecodeMode, dihedral: bool) -> Report {
    let mut report = Report::new(path);
    let bytes = match read_within(path, limits) {
        Ok(Contents::Bytes(bytes)) => bytes,
        Ok(Contents::TooLarge(digests, too_large)) => {
            report.set_digests(&digests);
            report.error = Some(JsonError::from(&too_large));
            return report;
        }
        Err(err) => {
            report.error = Some(JsonError::io(&err));
            return report;
        }
    };
    report.set_digests(&digest(&bytes));
    report.format = sniff(&bytes).map(Format::name); // also for a file that then fails to decode
    match decode_for_pdq(&bytes, limits, mode) {
        Ok(decoded) => {
            let view = decoded.pixels.view();
            let (pdq, variants) = if dihedral {
                let (pdq, variants) = pdq::hash_dihedral(view);
                (pdq, Some(variants))
            } else {
                (pdq::hash(view), None)
            };
            report.set_image(&decoded, pdq, variants);
        }
        Err(err) => report.error = Some(JsonError::from(&err)),
    }
    report
}

/// What was read of a file.
pub enum Contents {
    /// The whole file.
    Bytes(Vec<u8>),
    /// The file exceeds `max_input_bytes`: its digests (streamed) and the error.
    TooLarge(Digests, Error),
}

/// Reads a file whole, or only streams it through the digests when it is too large to decode.
pub fn read_within(path: &Path, limits: &Limits) -> io::Result<Contents> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    if len <= limits.max_input_bytes {
        let mut bytes = Vec::with_capacity(len as usize);
        file.read_to_end(&mut bytes)?;
        return Ok(Contents::Bytes(bytes));
    }
    let mut digester = Digester::new();
    let mut chunk = vec![0; 1 << 20];
    loop {
        let n = file.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        digester.update(&chunk[..n]);
    }
    let too_large = Error::TooLarge { what: "input bytes", value: len, limit: limits.max_input_bytes };
    Ok(Contents::TooLarge(digester.finish(), too_large))
}

/// The reference tool's lines (`PDQHEX,QUALITY,PATH`; eight with `--dihedral`),
/// or the error on stderr.
fn write_reference_lines(out: &mut impl Write, report: &Report, progress: &ProgressBar) -> io::Result<()> {
    if let Some(err) = &report.error {
        progress.suspend(|| eprintln!("prescreen: {}: {} ({})", report.path, err.message, err.code));
        return Ok(());
    }
    let (Some(pdq), Some(quality)) = (&report.pdq, report.quality) else {
        return Ok(());
    };
    match &report.pdq_dihedral {
        None => writeln!(out, "{pdq},{quality},{}", report.path),
        Some(variants) => {
            for hex in variants {
                writeln!(out, "{hex},{quality},{}", report.path)?;
            }
            Ok(())
        }
    }
}

/// A progress bar on stderr for many files on a terminal, else a hidden one.
fn progress_bar(files: usize) -> ProgressBar {
    if files < PROGRESS_FROM || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(files as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} files, {per_sec}, ETA {eta}") {
        bar.set_style(style);
    }
    bar
}
