//! One module per command. Each takes its arguments and a [`Printer`](crate::printer::Printer)
//! and returns an [`ExitStatus`](crate::ExitStatus).

pub mod chat;
pub mod eval;
pub mod guard;
pub mod init;
pub mod models;
pub mod prompt;
pub mod redteam;
pub mod run;
pub mod runs;

use crate::args::GlobalArgs;
use whet_registry::{Project, RegistryError};

/// The project named by `--project`, or the nearest one above the current directory.
pub fn project(global: &GlobalArgs) -> Result<Project, RegistryError> {
    let start = match &global.project {
        Some(p) => p.clone(),
        None => std::env::current_dir()?,
    };
    Project::discover(&start)
}
