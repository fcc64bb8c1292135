//! A folder private to this user (0700, files 0600) that is never entered or
//! written through a symlink.

use std::fs::{DirBuilder, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::output::CliError;

/// A folder checked to be ours, a real folder, and mode 0700.
pub struct PrivateDir {
    path: PathBuf,
}

fn fail(path: &Path, why: impl std::fmt::Display) -> CliError {
    CliError(format!("{}: {why}", path.display()))
}

impl PrivateDir {
    /// Creates `path` (mode 0700) if it does not exist, then checks it: not a
    /// symlink, a folder, owned by the effective user. A folder of ours that
    /// others may read is made private (0700).
    pub fn open_or_create(path: &Path) -> Result<PrivateDir, CliError> {
        match DirBuilder::new().recursive(false).mode(0o700).create(path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // The parents are not ours to protect; only the last component is.
                DirBuilder::new().recursive(true).mode(0o700).create(path).map_err(|e| fail(path, e))?;
            }
            Err(e) => return Err(fail(path, e)),
        }
        let meta = std::fs::symlink_metadata(path).map_err(|e| fail(path, e))?;
        if meta.file_type().is_symlink() {
            return Err(fail(path, "is a symlink; refusing to store through it"));
        }
        if !meta.is_dir() {
            return Err(fail(path, "is not a folder"));
        }
        // SAFETY: geteuid has no preconditions and cannot fail.
        let euid = unsafe { libc::geteuid() };
        if meta.uid() != euid {
            return Err(fail(path, format!("belongs to uid {}, not to this user ({euid})", meta.uid())));
        }
        if meta.mode() & 0o777 != 0o700 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700)).map_err(|e| fail(path, e))?;
        }
        Ok(PrivateDir { path: path.to_path_buf() })
    }

    /// The folder's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The private subfolder `name`, created if needed, checked like its parent.
    pub fn subdir(&self, name: &str) -> Result<PrivateDir, CliError> {
        PrivateDir::open_or_create(&self.path.join(name))
    }

    /// The path of the regular file `name`, created empty (0600) if missing;
    /// an existing symlink or non-file there is refused.
    pub fn create_private_file(&self, name: &str) -> Result<PathBuf, CliError> {
        let path = self.path.join(name);
        let opened = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&path)
            .map_err(|e| fail(&path, format!("{e} (a symlink is refused)")))?;
        let meta = opened.metadata().map_err(|e| fail(&path, e))?;
        if !meta.is_file() {
            return Err(fail(&path, "is not a regular file"));
        }
        if meta.mode() & 0o777 != 0o600 {
            opened.set_permissions(std::fs::Permissions::from_mode(0o600)).map_err(|e| fail(&path, e))?;
        }
        Ok(path)
    }

    /// Writes `bytes` as `name` unless a regular file of that name exists:
    /// a new 0600 file in `staging` (same file system), synced, then renamed
    /// into place. A rename replaces a symlink planted at `name`; it never
    /// writes through it.
    pub fn put_once(&self, name: &str, bytes: &[u8], staging: &Path) -> Result<(), CliError> {
        let target = self.path.join(name);
        if std::fs::symlink_metadata(&target).is_ok_and(|m| m.is_file()) {
            return Ok(());
        }
        let staged = staging.join(format!("{name}.{}.{}", std::process::id(), unique()));
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&staged)
            .map_err(|e| fail(&staged, e))?;
        let written = file.write_all(bytes).and_then(|()| file.sync_all());
        let renamed = written.and_then(|()| std::fs::rename(&staged, &target));
        if let Err(e) = renamed {
            let _ = std::fs::remove_file(&staged);
            return Err(fail(&target, e));
        }
        Ok(())
    }
}

/// A number no other staging file of this process has.
fn unique() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}
