//! Key files: the secret key is a text file with one line of 64 hex digits
//! (the Ed25519 secret seed), optionally preceded by `#` comment lines;
//! a public key is given as 64 hex digits or as a file holding them.

use std::path::Path;

use crate::output::CliError;

/// The first line of `text` that is neither blank nor a `#` comment.
fn first_value(text: &str) -> Option<&str> {
    text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Reads a secret key file written by `prescreen keygen`.
pub fn read_secret(path: &Path) -> Result<[u8; 32], CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| CliError(format!("{}: {e}", path.display())))?;
    let value = first_value(&text).ok_or_else(|| CliError(format!("{}: no key in the file", path.display())))?;
    prescreen::hex::decode::<32>(value).map_err(|e| CliError(format!("{}: not a secret key: {e}", path.display())))
}

/// Parses a public key given as 64 hex digits, or reads it from the file of that name.
pub fn read_public(arg: &str) -> Result<[u8; 32], CliError> {
    if let Ok(key) = prescreen::hex::decode::<32>(arg.trim()) {
        return Ok(key);
    }
    let path = Path::new(arg);
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError(format!("--public-key {arg}: neither 64 hex digits nor a readable file ({e})")))?;
    let value = first_value(&text).unwrap_or("");
    prescreen::hex::decode::<32>(value).map_err(|e| CliError(format!("{arg}: not a public key: {e}")))
}
