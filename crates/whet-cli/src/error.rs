//! The CLI's error: whatever a command can fail with, printed once by `main`.

use thiserror::Error;

/// A command failed.
#[derive(Debug, Error)]
pub enum CliError {
    /// A registry problem; `Invalid` carries diagnostics to render.
    #[error(transparent)]
    Registry(#[from] whet_registry::RegistryError),
    /// A model call failed.
    #[error(transparent)]
    Provider(#[from] whet_providers::ProviderError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] whet_store::StoreError),
    /// A local model could not be found, fetched or verified.
    #[error(transparent)]
    Models(#[from] whet_models::Error),
    /// A suite or config with errors: the diagnostics to render.
    #[error("invalid input")]
    Invalid(Vec<whet_registry::Diagnostic>),
    /// A bad request, already phrased for the user.
    #[error("{0}")]
    Usage(String),
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Registry(e.into())
    }
}
