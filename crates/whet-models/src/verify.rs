//! sha256 checks of installed models, made cheap by a sidecar.
//!
//! After a verified pull, `NAME.verified` (JSON) records each file's sha256,
//! size and modification time. A later check trusts a file whose sha256 in
//! the sidecar equals the pinned one and whose size and mtime are unchanged;
//! any other file is hashed again, and the sidecar refreshed if it matches.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::progress::{Phase, PhaseReporter, Progress};

const SIDECAR_FORMAT: u32 = 1;
const BUF_SIZE: usize = 1 << 20;

/// A file an installation must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Expected {
    /// Path relative to the sidecar's directory, with `/` separators.
    pub rel: String,
    /// Lowercase hex sha256.
    pub sha256: String,
    /// Exact size, when known.
    pub size: Option<u64>,
}

/// An installed model: a file or a directory, plus its sidecar.
#[derive(Debug, Clone)]
pub(crate) struct Install {
    /// The alias or URL, for messages.
    pub name: String,
    /// What to pass to `whet models pull` to (re)install it.
    pub pull: String,
    /// The installed file or directory.
    pub path: PathBuf,
    /// The sidecar, `NAME.verified`, next to `path`.
    pub sidecar: PathBuf,
    /// The files that make up the model.
    pub files: Vec<Expected>,
    /// Where temporary files go (same filesystem as `sidecar`).
    pub tmp_dir: PathBuf,
    /// Prefix of temporary files, which the next pull removes if left behind.
    pub tmp_prefix: String,
}

impl Install {
    fn base(&self) -> &Path {
        self.sidecar.parent().unwrap_or_else(|| Path::new("."))
    }

    pub(crate) fn file_path(&self, expected: &Expected) -> PathBuf {
        let mut path = self.base().to_path_buf();
        for part in expected.rel.split('/') {
            path.push(part);
        }
        path
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Sidecar {
    pub format: u32,
    pub source: String,
    pub files: Vec<SidecarFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SidecarFile {
    pub name: String,
    pub sha256: String,
    pub size: u64,
    pub mtime_ns: u64,
}

/// What a check found.
#[derive(Debug)]
pub(crate) enum Check {
    /// Nothing is installed at the path.
    Missing,
    /// Every file matches its sha256.
    Valid {
        /// Whether any file had to be hashed again.
        rehashed: bool,
    },
    /// Something is installed, but does not match.
    Corrupt { path: PathBuf, problem: String },
}

/// How an installation looks without hashing anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quick {
    Missing,
    Verified,
    Unverified,
}

/// The size and mtime (nanoseconds since the epoch) of a file.
pub(crate) fn stat(path: &Path) -> io::Result<(u64, u64)> {
    let meta = fs_err::metadata(path)?;
    let mtime_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    Ok((meta.len(), mtime_ns))
}

pub(crate) fn read_sidecar(path: &Path) -> Option<Sidecar> {
    let text = match fs_err::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
        Err(e) => {
            tracing::warn!("ignoring unreadable sidecar: {e}");
            return None;
        }
    };
    match serde_json::from_str::<Sidecar>(&text) {
        Ok(s) if s.format == SIDECAR_FORMAT => Some(s),
        Ok(s) => {
            tracing::warn!(
                "ignoring sidecar {} of unknown format {}",
                path.display(),
                s.format
            );
            None
        }
        Err(e) => {
            tracing::warn!("ignoring malformed sidecar {}: {e}", path.display());
            None
        }
    }
}

/// Whether the sidecar vouches for `expected` as it is on disk now.
fn vouches(sidecar: Option<&Sidecar>, expected: &Expected, size: u64, mtime_ns: u64) -> bool {
    sidecar.is_some_and(|s| {
        s.files.iter().any(|f| {
            f.name == expected.rel
                && f.sha256 == expected.sha256
                && f.size == size
                && f.mtime_ns == mtime_ns
        })
    })
}

/// Writes the sidecar for `install` from the files as they are on disk now,
/// through a temporary file renamed into place.
pub(crate) fn write_sidecar(install: &Install) -> Result<()> {
    let mut files = Vec::with_capacity(install.files.len());
    for expected in &install.files {
        let (size, mtime_ns) = stat(&install.file_path(expected))?;
        files.push(SidecarFile {
            name: expected.rel.clone(),
            sha256: expected.sha256.clone(),
            size,
            mtime_ns,
        });
    }
    let sidecar = Sidecar {
        format: SIDECAR_FORMAT,
        source: install.name.clone(),
        files,
    };
    let json = serde_json::to_string_pretty(&sidecar)
        .map_err(|e| Error::Io(io::Error::other(format!("cannot encode sidecar: {e}"))))?;
    let dir = &install.tmp_dir;
    fs_err::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!("{}sidecar-", install.tmp_prefix))
        .tempfile_in(dir)
        .map_err(|e| {
            Error::Io(io::Error::new(
                e.kind(),
                format!("cannot create a temporary file in {}: {e}", dir.display()),
            ))
        })?;
    tmp.write_all(json.as_bytes())?;
    tmp.write_all(b"\n")?;
    tmp.as_file().sync_all()?;
    tmp.persist(&install.sidecar).map_err(|e| {
        Error::Io(io::Error::new(
            e.error.kind(),
            format!("cannot write {}: {}", install.sidecar.display(), e.error),
        ))
    })?;
    Ok(())
}

/// Removes the sidecar, if any.
pub(crate) fn remove_sidecar(install: &Install) -> Result<()> {
    match fs_err::remove_file(&install.sidecar) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

/// Classifies the installation without hashing.
pub(crate) fn quick_check(install: &Install) -> Quick {
    if !install.path.exists() {
        return Quick::Missing;
    }
    let sidecar = read_sidecar(&install.sidecar);
    let all_vouched = install.files.iter().all(|expected| {
        stat(&install.file_path(expected))
            .is_ok_and(|(size, mtime)| vouches(sidecar.as_ref(), expected, size, mtime))
    });
    if all_vouched {
        Quick::Verified
    } else {
        Quick::Unverified
    }
}

/// Checks every file of the installation, hashing those the sidecar does not
/// vouch for, and refreshes the sidecar when a re-hash found them valid.
pub(crate) fn check(install: &Install, progress: &mut dyn Progress) -> Result<Check> {
    if !install.path.exists() {
        return Ok(Check::Missing);
    }
    let sidecar = read_sidecar(&install.sidecar);
    let mut to_hash = Vec::new();
    for expected in &install.files {
        let path = install.file_path(expected);
        let (size, mtime) = match stat(&path) {
            Ok(s) => s,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Ok(Check::Corrupt {
                    path,
                    problem: "file missing".to_owned(),
                });
            }
            Err(e) => return Err(e.into()),
        };
        if let Some(want) = expected.size
            && want != size
        {
            return Ok(Check::Corrupt {
                path,
                problem: format!("size {size} bytes, expected {want}"),
            });
        }
        if !vouches(sidecar.as_ref(), expected, size, mtime) {
            to_hash.push((expected, path, size));
        }
    }
    if to_hash.is_empty() {
        return Ok(Check::Valid { rehashed: false });
    }
    let total = to_hash.iter().map(|(_, _, size)| size).sum();
    tracing::info!(
        "verifying sha256 of {} ({} bytes): changed since last verified",
        install.name,
        total
    );
    let mut reporter = PhaseReporter::new(progress, Phase::Verify, Some(total));
    for (expected, path, _) in to_hash {
        let actual = hash_file(&path, &mut reporter)?;
        if actual != expected.sha256 {
            return Ok(Check::Corrupt {
                path,
                problem: format!("sha256 {actual}, expected {}", expected.sha256),
            });
        }
    }
    reporter.finish();
    if let Err(e) = write_sidecar(install) {
        tracing::warn!("verified {}, but could not record it: {e}", install.name);
    }
    Ok(Check::Valid { rehashed: true })
}

/// The lowercase hex sha256 of a file, read in a streaming way.
pub(crate) fn hash_file(path: &Path, reporter: &mut PhaseReporter<'_>) -> Result<String> {
    let mut file = fs_err::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; BUF_SIZE];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        hasher.update(&buf[..n]);
        reporter.advance(n as u64);
    }
    Ok(hex(hasher))
}

/// Lowercase hex of a finished hash.
pub(crate) fn hex(hasher: Sha256) -> String {
    format!("{:x}", hasher.finalize())
}

/// Copies `reader` into `writer`, feeding the hasher and the reporter, and
/// returns the number of bytes copied. Memory use is one fixed buffer.
pub(crate) fn copy_hashing(
    reader: &mut dyn Read,
    writer: &mut dyn Write,
    hasher: &mut Sha256,
    reporter: &mut PhaseReporter<'_>,
) -> io::Result<u64> {
    let mut buf = vec![0u8; BUF_SIZE];
    let mut copied = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        writer.write_all(&buf[..n])?;
        copied += n as u64;
        reporter.advance(n as u64);
    }
    Ok(copied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;

    const HELLO_SHA: &str = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    fn install_in(dir: &Path, content: &[u8]) -> Install {
        fs_err::write(dir.join("m.gguf"), content).unwrap();
        Install {
            name: "m".into(),
            pull: "m".into(),
            path: dir.join("m.gguf"),
            sidecar: dir.join("m.verified"),
            files: vec![Expected {
                rel: "m.gguf".into(),
                sha256: HELLO_SHA.into(),
                size: Some(5),
            }],
            tmp_dir: dir.join(".tmp"),
            tmp_prefix: "m.pull-".into(),
        }
    }

    #[test]
    fn missing_install() {
        let dir = tempfile::tempdir().unwrap();
        let install = install_in(dir.path(), b"hello");
        fs_err::remove_file(&install.path).unwrap();
        assert!(matches!(
            check(&install, &mut NoProgress).unwrap(),
            Check::Missing
        ));
        assert_eq!(quick_check(&install), Quick::Missing);
    }

    #[test]
    fn first_check_hashes_and_writes_sidecar_then_trusts_it() {
        let dir = tempfile::tempdir().unwrap();
        let install = install_in(dir.path(), b"hello");
        assert_eq!(quick_check(&install), Quick::Unverified);
        assert!(matches!(
            check(&install, &mut NoProgress).unwrap(),
            Check::Valid { rehashed: true }
        ));
        let sidecar = read_sidecar(&install.sidecar).unwrap();
        assert_eq!(sidecar.files.len(), 1);
        assert_eq!(sidecar.files[0].sha256, HELLO_SHA);
        assert_eq!(sidecar.files[0].size, 5);
        assert_eq!(quick_check(&install), Quick::Verified);
        assert!(matches!(
            check(&install, &mut NoProgress).unwrap(),
            Check::Valid { rehashed: false }
        ));
    }

    #[test]
    fn same_size_edit_is_caught_through_mtime() {
        let dir = tempfile::tempdir().unwrap();
        let install = install_in(dir.path(), b"hello");
        check(&install, &mut NoProgress).unwrap();
        // Same size, different content; force a different mtime.
        fs_err::write(&install.path, b"jello").unwrap();
        let file = fs_err::OpenOptions::new()
            .write(true)
            .open(&install.path)
            .unwrap();
        file.file()
            .set_modified(UNIX_EPOCH + std::time::Duration::from_secs(1_000_000))
            .unwrap();
        drop(file);
        assert_eq!(quick_check(&install), Quick::Unverified);
        match check(&install, &mut NoProgress).unwrap() {
            Check::Corrupt { problem, .. } => assert!(problem.contains("sha256"), "{problem}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn size_change_is_corrupt_without_hashing() {
        let dir = tempfile::tempdir().unwrap();
        let install = install_in(dir.path(), b"hello!");
        match check(&install, &mut NoProgress).unwrap() {
            Check::Corrupt { problem, .. } => {
                assert_eq!(problem, "size 6 bytes, expected 5");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn sidecar_for_other_checksum_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let mut install = install_in(dir.path(), b"hello");
        check(&install, &mut NoProgress).unwrap();
        // The pinned checksum changes (a new catalogue): the old sidecar must
        // not vouch for the file.
        install.files[0].sha256 = "0".repeat(64);
        assert_eq!(quick_check(&install), Quick::Unverified);
        assert!(matches!(
            check(&install, &mut NoProgress).unwrap(),
            Check::Corrupt { .. }
        ));
    }

    #[test]
    fn malformed_sidecar_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let install = install_in(dir.path(), b"hello");
        fs_err::write(&install.sidecar, "{not json").unwrap();
        assert_eq!(quick_check(&install), Quick::Unverified);
        assert!(matches!(
            check(&install, &mut NoProgress).unwrap(),
            Check::Valid { rehashed: true }
        ));
        assert!(read_sidecar(&install.sidecar).is_some());
    }

    #[test]
    fn directory_install_missing_file_is_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        fs_err::create_dir(dir.path().join("emb")).unwrap();
        fs_err::write(dir.path().join("emb/a.txt"), b"hello").unwrap();
        let install = Install {
            name: "emb".into(),
            pull: "emb".into(),
            path: dir.path().join("emb"),
            sidecar: dir.path().join("emb.verified"),
            files: vec![
                Expected {
                    rel: "emb/a.txt".into(),
                    sha256: HELLO_SHA.into(),
                    size: Some(5),
                },
                Expected {
                    rel: "emb/b.txt".into(),
                    sha256: HELLO_SHA.into(),
                    size: Some(5),
                },
            ],
            tmp_dir: dir.path().join(".tmp"),
            tmp_prefix: "emb.pull-".into(),
        };
        match check(&install, &mut NoProgress).unwrap() {
            Check::Corrupt { path, problem } => {
                assert_eq!(problem, "file missing");
                assert!(path.ends_with("emb/b.txt"));
            }
            other => panic!("{other:?}"),
        }
        fs_err::write(dir.path().join("emb/b.txt"), b"hello").unwrap();
        assert!(matches!(
            check(&install, &mut NoProgress).unwrap(),
            Check::Valid { rehashed: true }
        ));
        assert_eq!(quick_check(&install), Quick::Verified);
    }
}
