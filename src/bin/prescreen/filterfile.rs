//! Loading a filter file for query, inspect and check: read, validate, pin a key, note expiry.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use prescreen::{Error, Filter};

use crate::keyfile;
use crate::output::CliError;

/// The filter file a command reads, and the key it must be signed by.
#[derive(clap::Args)]
pub struct FilterArgs {
    /// Require the filter to be signed by this Ed25519 public key (64 hex digits, or a file holding them).
    #[arg(long, value_name = "KEY")]
    pub public_key: Option<String>,
    /// The filter file (.psf).
    pub filter: PathBuf,
}

impl FilterArgs {
    /// Reads and validates the filter ([`load`]).
    pub fn load(&self) -> Result<Filter, CliError> {
        load(&self.filter, self.public_key.as_deref())
    }
}

/// Reads and validates the filter at `path`, pinning `public_key` (hex or a file) if given.
/// An expired filter loads, with a warning carrying the `filter-expired` code on stderr.
pub fn load(path: &Path, public_key: Option<&str>) -> Result<Filter, CliError> {
    let pinned = public_key.map(keyfile::read_public).transpose()?;
    let bytes = std::fs::read(path).map_err(|e| CliError(format!("{}: {e}", path.display())))?;
    let filter = Filter::from_bytes(bytes, pinned.as_ref())
        .map_err(|e| CliError(format!("{}: {e} ({})", path.display(), e.code())))?;
    if filter.is_expired(now()) {
        let err = Error::FilterExpired;
        eprintln!("prescreen: warning: {}: {err} ({})", path.display(), err.code());
    }
    Ok(filter)
}

/// The current time in Unix seconds.
pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Formats Unix seconds as an ISO 8601 UTC timestamp.
pub fn iso8601(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    // Civil date from days since 1970-01-01 (proleptic Gregorian, 400-year eras).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs / 60 % 60, secs % 60)
}
