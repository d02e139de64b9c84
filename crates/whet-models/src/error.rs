//! Errors, each saying what went wrong and what to do about it.

use std::path::PathBuf;

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong finding, fetching or checking a model.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The alias is not in the catalogue.
    #[error(
        "unknown model `{alias}`{}; run `whet models list` to see the catalogue, or give a path to a .gguf file",
        fmt_suggestion(.suggestion)
    )]
    UnknownModel {
        /// What was asked for.
        alias: String,
        /// The closest catalogue alias, if any is close.
        suggestion: Option<&'static str>,
    },

    /// The catalogue model has not been pulled.
    #[error("model `{alias}` is not installed; run `whet models pull {alias}`")]
    NotInstalled {
        /// The catalogue alias.
        alias: String,
    },

    /// The model URL has not been downloaded.
    #[error("model {url} is not downloaded yet; run `whet models pull '{url}#sha256={sha256}'`")]
    UrlNotDownloaded {
        /// The URL, without its `#sha256=` fragment.
        url: String,
        /// The expected sha256.
        sha256: String,
    },

    /// An installed model no longer matches its sha256.
    #[error("model `{name}` is corrupted ({problem} in {}); run `whet models pull {pull}` again", path.display())]
    Corrupted {
        /// The alias or URL of the model.
        name: String,
        /// What to pass to `whet models pull` to repair it.
        pull: String,
        /// The file that does not match.
        path: PathBuf,
        /// What does not match.
        problem: String,
    },

    /// Downloaded or assembled data does not match the pinned sha256.
    #[error(
        "sha256 mismatch for {what}: expected {expected}, got {actual}; nothing was installed. {hint}"
    )]
    ChecksumMismatch {
        /// What was being checked.
        what: String,
        /// The pinned sha256.
        expected: String,
        /// The sha256 of what arrived.
        actual: String,
        /// What to do next.
        hint: &'static str,
    },

    /// Neither `PYTHON -m pip` nor `pip` can be run.
    #[error(
        "cannot run pip: neither `{python} -m pip` nor `{pip}` works; install Python 3 and pip (for example `apt install python3-pip`), or set WHET_PYTHON to a Python interpreter that has pip"
    )]
    PipNotFound {
        /// The Python interpreter that was tried.
        python: String,
        /// The pip command that was tried.
        pip: String,
    },

    /// `pip download` exited with an error.
    #[error(
        "`{command}` failed ({status}); you may be offline or the package index may be unreachable: check your network connection and pip's configuration. Last lines from pip:\n{stderr_tail}"
    )]
    PipFailed {
        /// The command line that was run.
        command: String,
        /// How it exited.
        status: String,
        /// The last lines pip wrote to stderr.
        stderr_tail: String,
    },

    /// pip succeeded but the expected wheel is not in its output directory.
    #[error(
        "pip did not download a wheel for {requirement} into {}; check pip's configuration (a wheel for this exact version is required)",
        dir.display()
    )]
    WheelNotFound {
        /// The requirement, `NAME==VERSION`.
        requirement: String,
        /// Where pip was told to download.
        dir: PathBuf,
    },

    /// A wheel or archive lacks the member the catalogue names.
    #[error(
        "{} has no member `{member}`; the package may have changed, so this version of whet cannot install it",
        archive.display()
    )]
    MemberNotFound {
        /// The wheel or zip archive.
        archive: PathBuf,
        /// The missing member.
        member: String,
    },

    /// A wheel or archive cannot be read as a zip file.
    #[error("cannot read zip archive {}: {message}; delete it and pull again", path.display())]
    Zip {
        /// The archive.
        path: PathBuf,
        /// What the zip reader said.
        message: String,
    },

    /// An HTTP(S) download failed before a response arrived, or mid-body.
    #[error("cannot download {url}: {message}; check the URL and your network connection")]
    Download {
        /// The URL.
        url: String,
        /// What went wrong.
        message: String,
    },

    /// The server answered with an error status.
    #[error("cannot download {url}: the server answered HTTP {status}; check the URL")]
    HttpStatus {
        /// The URL.
        url: String,
        /// The HTTP status code.
        status: u16,
    },

    /// A model spec (alias, path or URL) cannot be understood.
    #[error("invalid model `{spec}`: {reason}")]
    InvalidSpec {
        /// What was given.
        spec: String,
        /// Why it is invalid and what would be valid.
        reason: String,
    },

    /// A local model path does not exist.
    #[error(
        "model file {} does not exist; check the path (relative paths are relative to the current directory)",
        path.display()
    )]
    FileNotFound {
        /// The path as resolved.
        path: PathBuf,
    },

    /// A local model path is not a GGUF file.
    #[error(
        "{} is not a GGUF model file (it does not start with the `GGUF` magic bytes); give a .gguf file",
        path.display()
    )]
    NotGguf {
        /// The path as resolved.
        path: PathBuf,
    },

    /// No models directory could be determined.
    #[error("cannot find a directory for models: set WHET_MODELS_DIR (or HOME)")]
    NoModelsDir,

    /// A file operation failed; the message names the file.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

fn fmt_suggestion(suggestion: &Option<&'static str>) -> String {
    match suggestion {
        Some(s) => format!(" (did you mean `{s}`?)"),
        None => String::new(),
    }
}
