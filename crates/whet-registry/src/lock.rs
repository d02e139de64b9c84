//! Crash- and race-safe file writes.
//!
//! Every registry write goes to a temporary file in the same directory and is
//! renamed into place, so a reader never sees half a file and a killed
//! process leaves the old content. Changes to one prompt's release state are
//! serialized by an exclusive lock on `.whet/locks/NAME.lock`.

use crate::error::RegistryError;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Holds a prompt's lock until dropped.
#[derive(Debug)]
pub struct PromptLock {
    _file: std::fs::File,
}

impl PromptLock {
    /// Takes the lock, waiting up to `timeout` for another process to finish.
    pub fn acquire(
        path: &Path,
        name: &str,
        timeout: Duration,
    ) -> Result<PromptLock, RegistryError> {
        if let Some(dir) = path.parent() {
            fs_err::create_dir_all(dir)?;
        }
        let file = fs_err::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)?
            .into_parts()
            .0;
        let start = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(PromptLock { _file: file }),
                Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < timeout => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(RegistryError::Locked {
                        name: name.to_owned(),
                        path: path.to_path_buf(),
                    });
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(RegistryError::Io(e)),
            }
        }
    }
}

fn temp_in(dir: &Path) -> Result<tempfile::NamedTempFile, RegistryError> {
    fs_err::create_dir_all(dir)?;
    tempfile::Builder::new()
        .prefix(".whet-tmp-")
        .tempfile_in(dir)
        .map_err(|e| {
            RegistryError::Io(std::io::Error::new(
                e.kind(),
                format!("cannot create a temporary file in {}: {e}", dir.display()),
            ))
        })
}

fn parent(path: &Path) -> PathBuf {
    path.parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Gives a temporary file the mode the final file should have: the old
/// file's, or a plain 0644 (temporary files start private, 0600).
fn set_mode(tmp: &tempfile::NamedTempFile, path: &Path) -> Result<(), RegistryError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode());
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = (tmp, path);
    Ok(())
}

/// Replaces `path` with `bytes` atomically.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), RegistryError> {
    let mut tmp = temp_in(&parent(path))?;
    set_mode(&tmp, path)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| {
        RegistryError::Io(std::io::Error::new(
            e.error.kind(),
            format!("cannot write {}: {}", path.display(), e.error),
        ))
    })?;
    Ok(())
}

/// Creates `path` with `bytes`, failing if it already exists (releases are immutable).
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), RegistryError> {
    let mut tmp = temp_in(&parent(path))?;
    set_mode(&tmp, path)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist_noclobber(path).map_err(|e| {
        RegistryError::Io(std::io::Error::new(
            e.error.kind(),
            format!("cannot create {}: {}", path.display(), e.error),
        ))
    })?;
    Ok(())
}

/// Appends one line to a file, creating it if needed. The line is written in
/// a single `write` call on an `O_APPEND` handle, under the prompt lock.
pub fn append_line(path: &Path, line: &str) -> Result<(), RegistryError> {
    if let Some(dir) = path.parent() {
        fs_err::create_dir_all(dir)?;
    }
    let mut f = fs_err::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    let mut buf = line.trim_end_matches('\n').to_owned();
    buf.push('\n');
    f.write_all(buf.as_bytes())?;
    f.sync_all()?;
    Ok(())
}
