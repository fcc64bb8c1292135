//! `prescreen build`: hash lists in, a filter file out, with a summary of what was built.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use indicatif::ProgressBar;
use prescreen::pdq::PdqHash;
use prescreen::{DigestKind, Filter, FilterBuilder, FilterInfo, SignatureStatus};

use crate::filterfile::{iso8601, now};
use crate::hashlist::{self, HashList};
use crate::keyfile;
use crate::output::{CliError, Outcome};

/// Arguments of `prescreen build`.
#[derive(clap::Args)]
pub struct Args {
    /// Where to write the filter.
    #[arg(short, long, value_name = "FILTER")]
    output: PathBuf,
    /// PDQ hashes, one per line (`HEX` or `HEX,QUALITY,...`).
    #[arg(long, value_name = "FILE")]
    pdq: Option<PathBuf>,
    /// MD5 digests, one hex per line.
    #[arg(long, value_name = "FILE")]
    md5: Option<PathBuf>,
    /// SHA-1 digests, one hex per line.
    #[arg(long, value_name = "FILE")]
    sha1: Option<PathBuf>,
    /// SHA-256 digests, one hex per line.
    #[arg(long, value_name = "FILE")]
    sha256: Option<PathBuf>,
    /// PDQ near-match radius: every hash within this many bits of a listed hash matches.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u8).range(0..=i64::from(prescreen::MAX_RADIUS)))]
    radius: u8,
    /// Target false-match rate per screened file.
    #[arg(long, default_value_t = 1e-6)]
    false_positive_rate: f64,
    /// Size for plain PDQ queries only (no rotations or mirrors).
    #[arg(long)]
    no_dihedral: bool,
    /// Expire the filter this many days from now.
    #[arg(long, value_name = "DAYS")]
    expires: Option<u64>,
    /// Free-text source label stored in the filter.
    #[arg(long, value_name = "TEXT", default_value = "")]
    label: String,
    /// Sign the filter with this secret key file (from `prescreen keygen`).
    #[arg(long, value_name = "KEYFILE")]
    sign_key: Option<PathBuf>,
    /// Skip malformed lines (with a warning) instead of failing.
    #[arg(long)]
    skip_invalid: bool,
    /// Use this salt (32 hex digits) instead of a random one, for reproducible builds.
    #[arg(long, value_name = "HEX")]
    salt: Option<String>,
    /// Creation time in Unix seconds instead of now, for reproducible builds.
    #[arg(long, value_name = "UNIX")]
    created: Option<u64>,
    /// Print the summary as one JSON object.
    #[arg(long)]
    json: bool,
}

/// Input counts per kind, for the summary: (kind name, valid lines).
type Inputs = Vec<(&'static str, usize)>;

/// Builds the filter and prints the summary.
pub fn run(args: Args) -> Result<Outcome, CliError> {
    if args.pdq.is_none() && args.md5.is_none() && args.sha1.is_none() && args.sha256.is_none() {
        return Err(CliError("nothing to build: give at least one of --pdq, --md5, --sha1, --sha256".into()));
    }
    let signing_key = args.sign_key.as_deref().map(keyfile::read_secret).transpose()?;
    let created = args.created.unwrap_or_else(now);
    let mut builder = FilterBuilder::new();
    builder
        .radius(args.radius)
        .false_positive_rate(args.false_positive_rate)
        .dihedral(!args.no_dihedral)
        .label(args.label.clone())
        .created(created)
        .expires(args.expires.map(|days| created.saturating_add(days.saturating_mul(86_400))));
    if let Some(salt) = &args.salt {
        builder.salt(prescreen::hex::decode::<16>(salt).map_err(|e| CliError(format!("--salt: {e}")))?);
    }

    let mut malformed = Vec::new();
    let mut inputs: Inputs = Vec::new();
    if let Some(path) = &args.pdq {
        let list = read::<32>(path, &mut malformed)?;
        inputs.push(("pdq", list.len()));
        list.into_iter().for_each(|h| builder.add_pdq(PdqHash(h)));
    }
    add_digests::<16>(&mut builder, DigestKind::Md5, args.md5.as_deref(), &mut malformed, &mut inputs)?;
    add_digests::<20>(&mut builder, DigestKind::Sha1, args.sha1.as_deref(), &mut malformed, &mut inputs)?;
    add_digests::<32>(&mut builder, DigestKind::Sha256, args.sha256.as_deref(), &mut malformed, &mut inputs)?;
    if let Some(first) = malformed.first() {
        let more = malformed.len() - 1;
        let more = if more > 0 { format!(" (and {more} more malformed lines)") } else { String::new() };
        if !args.skip_invalid {
            return Err(CliError(format!("{first}{more}; --skip-invalid skips them")));
        }
        eprintln!("prescreen: warning: skipped {first}{more}");
    }

    let spinner = std::io::stderr().is_terminal().then(|| {
        let s = ProgressBar::new_spinner();
        s.set_message("building the filter");
        s.enable_steady_tick(std::time::Duration::from_millis(200));
        s
    });
    let bytes = builder.build(signing_key.as_ref())?;
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    std::fs::write(&args.output, &bytes).map_err(|e| CliError(format!("{}: {e}", args.output.display())))?;
    let info = Filter::from_bytes(bytes, None)?.info();
    print_summary(&args.output, &info, &inputs, args.json);
    Ok(Outcome::Clean)
}

fn read<const N: usize>(path: &Path, malformed: &mut Vec<String>) -> Result<Vec<[u8; N]>, CliError> {
    let HashList { hashes, malformed: bad } = hashlist::read::<N>(path)?;
    malformed.extend(bad);
    Ok(hashes)
}

fn add_digests<const N: usize>(
    builder: &mut FilterBuilder,
    kind: DigestKind,
    path: Option<&Path>,
    malformed: &mut Vec<String>,
    inputs: &mut Inputs,
) -> Result<(), CliError> {
    let Some(path) = path else { return Ok(()) };
    let list = read::<N>(path, malformed)?;
    inputs.push((kind.name(), list.len()));
    for digest in list {
        builder.add_digest(kind, &digest)?;
    }
    Ok(())
}

fn print_summary(path: &Path, info: &FilterInfo, inputs: &Inputs, json: bool) {
    let input_count = |name: &str| inputs.iter().find(|(n, _)| *n == name).map_or(0, |(_, c)| *c);
    if json {
        let sections: Vec<serde_json::Value> = info
            .sections
            .iter()
            .map(|s| {
                let mut v = crate::inspect::section_json(s);
                v["input_lines"] = input_count(s.kind.name()).into();
                v
            })
            .collect();
        let mut out = crate::inspect::info_json(path, info);
        out["sections"] = sections.into();
        println!("{out}");
        return;
    }
    println!("built {}: {} bytes", path.display(), info.size_bytes);
    for s in &info.sections {
        let name = s.kind.name();
        let inputs = input_count(name);
        let duplicates = inputs as u64 - s.listed.min(inputs as u64);
        print!(
            "  {name}: {} listed ({duplicates} duplicates), {:.1} bits per listed hash",
            s.listed, s.bits_per_listed
        );
        if let Some(p) = s.pdq {
            print!(
                ", radius {}, {} chunks (widths {:?}, per-chunk radii {:?}), {}, {} probes per query, {}-bit fingerprints",
                p.radius,
                p.chunks,
                p.widths(),
                p.chunk_radii(),
                if p.dihedral { "dihedral" } else { "no dihedral" },
                p.probes_per_query,
                s.fingerprint_bits
            );
        } else {
            print!(", {}-bit fingerprints", s.fingerprint_bits);
        }
        println!(", expected false-match rate {:.2e}", s.expected_false_match_rate);
        if let Some(chance) = s.chance_collision_rate {
            if chance > info.target_false_match_rate / 10.0 {
                println!("  warning: chance chunk collisions (random hashes) add about {chance:.2e} per screened file");
            }
        }
    }
    println!(
        "  expected false-match rate per screened file: {:.2e} (target {:.2e})",
        info.expected_false_match_rate, info.target_false_match_rate
    );
    match info.signature {
        SignatureStatus::Unsigned => println!("  unsigned"),
        SignatureStatus::Signed { public_key, .. } => println!("  signed by {}", prescreen::hex::encode(&public_key)),
    }
    if let Some(expires) = info.expires {
        println!("  expires {}", iso8601(expires));
    }
}
