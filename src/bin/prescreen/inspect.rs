//! `prescreen inspect`: what a filter holds, how big it is, who signed it.

use std::path::Path;

use prescreen::{FilterInfo, SectionInfo, SignatureStatus};
use serde_json::{json, Value};

use crate::filterfile::{iso8601, now, FilterArgs};
use crate::output::{CliError, Outcome};

/// Arguments of `prescreen inspect`.
#[derive(clap::Args)]
pub struct Args {
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    filter: FilterArgs,
}

/// Prints the filter's header, sections and signature status.
pub fn run(args: Args) -> Result<Outcome, CliError> {
    let filter = args.filter.load()?;
    let info = filter.info();
    if args.json {
        println!("{}", info_json(&args.filter.filter, &info));
    } else {
        print_text(&args.filter.filter, &info);
    }
    Ok(Outcome::Clean)
}

/// Bits per listed hash over the whole file.
fn bits_per_listed(info: &FilterInfo) -> f64 {
    let listed: u64 = info.sections.iter().map(|s| s.listed).sum();
    info.size_bytes as f64 * 8.0 / listed.max(1) as f64
}

fn signature_json(info: &FilterInfo) -> Value {
    match info.signature {
        SignatureStatus::Unsigned => json!({"status": "unsigned"}),
        SignatureStatus::Signed { public_key, pinned } => json!({
            "status": if pinned { "verified-pinned" } else { "verified-unpinned" },
            "public_key": prescreen::hex::encode(&public_key),
        }),
    }
}

/// One section as JSON.
pub fn section_json(s: &SectionInfo) -> Value {
    let mut v = json!({
        "kind": s.kind.name(),
        "listed": s.listed,
        "keys": s.keys,
        "fingerprint_bits": s.fingerprint_bits,
        "size_bytes": s.size_bytes,
        "bits_per_listed": s.bits_per_listed,
        "expected_false_match_rate": s.expected_false_match_rate,
    });
    if let Some(p) = s.pdq {
        v["radius"] = p.radius.into();
        v["chunks"] = p.chunks.into();
        v["chunk_widths"] = p.widths().into();
        v["chunk_radii"] = p.chunk_radii().into();
        v["dihedral"] = p.dihedral.into();
        v["probes_per_query"] = p.probes_per_query.into();
        v["chance_collision_rate"] = s.chance_collision_rate.unwrap_or(0.0).into();
    }
    v
}

/// The whole filter as JSON (the `inspect --json` object).
pub fn info_json(path: &Path, info: &FilterInfo) -> Value {
    json!({
        "path": path.display().to_string(),
        "version": info.version,
        "label": info.label,
        "created": info.created,
        "expires": info.expires,
        "expired": info.expires.is_some_and(|e| e <= now()),
        "salt": prescreen::hex::encode(&info.salt),
        "size_bytes": info.size_bytes,
        "bits_per_listed_hash": bits_per_listed(info),
        "target_false_match_rate": info.target_false_match_rate,
        "expected_false_match_rate": info.expected_false_match_rate,
        "signature": signature_json(info),
        "sections": info.sections.iter().map(section_json).collect::<Vec<_>>(),
    })
}

fn print_text(path: &Path, info: &FilterInfo) {
    println!("filter:     {}", path.display());
    println!("version:    {}", info.version);
    println!("label:      {}", info.label);
    println!("created:    {}", iso8601(info.created));
    match info.expires {
        Some(e) if e <= now() => println!("expires:    {} (EXPIRED)", iso8601(e)),
        Some(e) => println!("expires:    {}", iso8601(e)),
        None => println!("expires:    never"),
    }
    println!("size:       {} bytes, {:.1} bits per listed hash", info.size_bytes, bits_per_listed(info));
    println!(
        "false-match rate per screened file: expected {:.2e}, target {:.2e}",
        info.expected_false_match_rate, info.target_false_match_rate
    );
    match info.signature {
        SignatureStatus::Unsigned => println!("signature:  none"),
        SignatureStatus::Signed { public_key, pinned } => println!(
            "signature:  valid, by {}{}",
            prescreen::hex::encode(&public_key),
            if pinned { " (pinned)" } else { " (not pinned)" }
        ),
    }
    for s in &info.sections {
        print!(
            "section {}: {} listed, {} keys, {}-bit fingerprints, {} bytes, {:.1} bits per listed, expected rate {:.2e}",
            s.kind.name(),
            s.listed,
            s.keys,
            s.fingerprint_bits,
            s.size_bytes,
            s.bits_per_listed,
            s.expected_false_match_rate
        );
        if let Some(p) = s.pdq {
            print!(
                "; radius {}, {} chunks, widths {:?}, per-chunk radii {:?}, {}, {} probes per query",
                p.radius,
                p.chunks,
                p.widths(),
                p.chunk_radii(),
                if p.dihedral { "dihedral" } else { "no dihedral" },
                p.probes_per_query
            );
        }
        println!();
    }
}
