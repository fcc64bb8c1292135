//! `prescreen query`: test hashes against a filter directly, without files.

use std::io::BufRead;

use prescreen::pdq::PdqHash;
use prescreen::{DigestKind, Filter};
use serde_json::json;

use crate::filterfile::FilterArgs;
use crate::output::{CliError, Outcome};

/// Arguments of `prescreen query`.
#[derive(clap::Args)]
pub struct Args {
    /// Print one JSON object per queried hash.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    filter: FilterArgs,
    /// A PDQ hash (64 hex digits), queried as is (no dihedral variants).
    #[arg(long, value_name = "HEX")]
    pdq: Vec<String>,
    /// An MD5 digest.
    #[arg(long, value_name = "HEX")]
    md5: Vec<String>,
    /// A SHA-1 digest.
    #[arg(long, value_name = "HEX")]
    sha1: Vec<String>,
    /// A SHA-256 digest.
    #[arg(long, value_name = "HEX")]
    sha256: Vec<String>,
}

/// Queries the hashes given as options, or lines `KIND HEX` from stdin; exit 1 if any matched.
pub fn run(args: Args) -> Result<Outcome, CliError> {
    let filter = args.filter.load()?;
    let mut queries: Vec<(String, String)> = Vec::new();
    for (kind, hashes) in [("pdq", &args.pdq), ("md5", &args.md5), ("sha1", &args.sha1), ("sha256", &args.sha256)] {
        queries.extend(hashes.iter().map(|h| (kind.to_owned(), h.clone())));
    }
    let from_stdin = queries.is_empty();
    if from_stdin {
        for (number, line) in std::io::stdin().lock().lines().enumerate() {
            let line = line?;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut fields = line.split_whitespace();
            match (fields.next(), fields.next(), fields.next()) {
                (Some(kind), Some(hash), None) => queries.push((kind.to_ascii_lowercase(), hash.to_owned())),
                _ => return Err(CliError(format!("stdin:{}: expected `KIND HEX`", number + 1))),
            }
        }
    }
    let mut matched = false;
    for (i, (kind, hash)) in queries.iter().enumerate() {
        let hit = query(&filter, kind, hash).map_err(|e| {
            if from_stdin {
                CliError(format!("stdin query {}: {}", i + 1, e.0))
            } else {
                e
            }
        })?;
        matched |= hit;
        if args.json {
            println!("{}", json!({"kind": kind, "hash": hash.to_ascii_lowercase(), "match": hit}));
        } else {
            println!("{kind} {} {}", hash.to_ascii_lowercase(), if hit { "match" } else { "no-match" });
        }
    }
    Ok(if matched { Outcome::Matched } else { Outcome::Clean })
}

fn query(filter: &Filter, kind: &str, hash: &str) -> Result<bool, CliError> {
    let bad = |e: prescreen::Error| CliError(format!("{kind} {hash}: {e} ({})", e.code()));
    Ok(match kind {
        "pdq" => filter.match_pdq(&PdqHash(prescreen::hex::decode::<32>(hash).map_err(bad)?)),
        "md5" => filter.contains_digest(DigestKind::Md5, &prescreen::hex::decode::<16>(hash).map_err(bad)?),
        "sha1" => filter.contains_digest(DigestKind::Sha1, &prescreen::hex::decode::<20>(hash).map_err(bad)?),
        "sha256" => filter.contains_digest(DigestKind::Sha256, &prescreen::hex::decode::<32>(hash).map_err(bad)?),
        other => return Err(CliError(format!("unknown hash kind {other:?} (pdq, md5, sha1, sha256)"))),
    })
}
