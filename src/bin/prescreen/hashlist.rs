//! Reading hash lists: one hex hash per line; blank lines and `#` comments
//! skipped; anything after the first `,` or whitespace is ignored (PDQ lines
//! carry `,quality,...`, md5sum-style lines carry a file name).

use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};

use crate::output::CliError;

/// Files at least this large get a progress bar (on a terminal).
const PROGRESS_BYTES: u64 = 16 << 20;

/// The hashes of one list, and its malformed lines as `FILE:LINE: why`.
pub struct HashList<const N: usize> {
    /// Valid hashes in file order (duplicates kept; the builder counts them once).
    pub hashes: Vec<[u8; N]>,
    /// One entry per malformed line.
    pub malformed: Vec<String>,
}

/// Reads a list of `N`-byte hashes from `path`.
pub fn read<const N: usize>(path: &Path) -> Result<HashList<N>, CliError> {
    let file = File::open(path).map_err(|e| CliError(format!("{}: {e}", path.display())))?;
    let size = file.metadata().map_or(0, |m| m.len());
    let progress = (size >= PROGRESS_BYTES && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new(size);
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message(format!("reading {}", path.display()));
        bar
    });
    let reader: Box<dyn Read> = match &progress {
        Some(bar) => Box::new(bar.wrap_read(file)),
        None => Box::new(file),
    };
    let list = parse(BufReader::with_capacity(1 << 20, reader), &path.display().to_string())?;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    Ok(list)
}

/// Parses lines from `reader`; `name` labels malformed lines.
pub fn parse<const N: usize>(reader: impl BufRead, name: &str) -> Result<HashList<N>, CliError> {
    let mut list = HashList { hashes: Vec::new(), malformed: Vec::new() };
    for (number, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| CliError(format!("{name}:{}: {e}", number + 1)))?;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let field = line.split(|c: char| c == ',' || c.is_whitespace()).next().unwrap_or("");
        match prescreen::hex::decode::<N>(field) {
            Ok(hash) => list.hashes.push(hash),
            Err(e) => list.malformed.push(format!("{name}:{}: {e}", number + 1)),
        }
    }
    Ok(list)
}
