//! The server's store: a private folder holding each accepted file once,
//! named by its SHA-256, and an SQLite database of upload records. Shared by
//! `prescreen serve` (which writes it) and `prescreen rescreen`.

mod db;
mod dir;
mod record;

pub use db::Database;
pub use dir::PrivateDir;
pub use record::{Record, Rescreened};

use std::path::{Path, PathBuf};

use crate::output::CliError;

/// The folder `--data` defaults to: `$XDG_DATA_HOME/prescreen`, else
/// `$HOME/.local/share/prescreen`, else `./prescreen-data`.
pub fn default_dir() -> PathBuf {
    let non_empty = |name| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(xdg) = non_empty("XDG_DATA_HOME") {
        return xdg.join("prescreen");
    }
    match non_empty("HOME") {
        Some(home) => home.join(".local/share/prescreen"),
        None => PathBuf::from("prescreen-data"),
    }
}

/// An open store: the private folder, its `files/` and the database.
pub struct Store {
    dir: PrivateDir,
    files: PrivateDir,
    /// The upload records.
    pub db: Database,
}

impl Store {
    /// Opens (creating if needed) the store at `path`; refuses a path that is
    /// a symlink, is not a folder or belongs to another user.
    pub fn open(path: &Path) -> Result<Store, CliError> {
        let dir = PrivateDir::open_or_create(path)?;
        let files = dir.subdir("files")?;
        dir.subdir("tmp")?;
        let db = Database::open(&dir.create_private_file("uploads.sqlite")?)?;
        Ok(Store { dir, files, db })
    }

    /// Stores `bytes` as `files/<sha256>` unless that file is already there.
    pub fn put_file(&self, sha256_hex: &str, bytes: &[u8]) -> Result<(), CliError> {
        self.files.put_once(sha256_hex, bytes, &self.dir.path().join("tmp"))
    }

    /// The folder the stored files are in.
    pub fn files_dir(&self) -> &Path {
        self.files.path()
    }
}
