//! `whet models list|pull|path|rm`.

use crate::ExitStatus;
use crate::args::ModelsCommand;
use crate::error::CliError;
use crate::printer::Printer;
use indicatif::{ProgressBar, ProgressStyle};
use owo_colors::OwoColorize;
use serde_json::json;
use whet_models::{InstallState, ModelStore, Phase, ProgressUpdate};

pub fn run(cmd: ModelsCommand, printer: Printer) -> Result<ExitStatus, CliError> {
    let store = ModelStore::from_env()?;
    match cmd {
        ModelsCommand::List(args) => list(&store, args.json, printer),
        ModelsCommand::Pull { model, json } => pull(&store, &model, json.json, printer),
        ModelsCommand::Path { model } => {
            printer.line(store.resolve(&model)?.path.display().to_string());
            Ok(ExitStatus::Success)
        }
        ModelsCommand::Rm { model } => {
            if store.rm(&model)? {
                printer.line(format!("{} {model}", "removed".green().bold()));
            } else {
                printer.line(format!("{model} was not installed"));
            }
            Ok(ExitStatus::Success)
        }
    }
}

fn list(store: &ModelStore, as_json: bool, printer: Printer) -> Result<ExitStatus, CliError> {
    let rows = store.list()?;
    if as_json {
        let out: Vec<_> = rows
            .iter()
            .map(|r| {
                json!({
                    "alias": r.entry.alias,
                    "kind": r.entry.kind.as_str(),
                    "description": r.entry.description,
                    "installed": r.state != InstallState::NotInstalled,
                    "verified": r.state == InstallState::Installed,
                    "path": r.path,
                    "size_bytes": r.entry.size(),
                    "size_on_disk": r.size_on_disk,
                })
            })
            .collect();
        printer.json(&json!({ "models_dir": store.root(), "models": out }));
        return Ok(ExitStatus::Success);
    }
    printer.line(
        format!("models in {}", store.root().display())
            .dimmed()
            .to_string(),
    );
    for r in rows {
        let state = match r.state {
            InstallState::Installed => "installed".green().to_string(),
            InstallState::Unverified => "changed".yellow().to_string(),
            InstallState::NotInstalled => "-".to_owned(),
        };
        printer.line(format!(
            "{:<30} {:<10} {:>7} MB  {:<10} {}",
            r.entry.alias.bold(),
            r.entry.kind.as_str(),
            r.entry.size() / 1_000_000,
            state,
            r.entry.description
        ));
    }
    Ok(ExitStatus::Success)
}

fn pull(
    store: &ModelStore,
    model: &str,
    as_json: bool,
    printer: Printer,
) -> Result<ExitStatus, CliError> {
    let pulled = pull_with_bar(store, model)?;
    if as_json {
        printer.json(&json!({ "model": model, "path": pulled.path, "already_installed": pulled.already_installed }));
    } else if pulled.already_installed {
        printer.line(format!(
            "{model} is already installed and verified: {}",
            pulled.path.display()
        ));
    } else {
        printer.line(format!(
            "{} {model} (sha256 verified) -> {}",
            "pulled".green().bold(),
            pulled.path.display()
        ));
    }
    Ok(ExitStatus::Success)
}

/// Pulls a model with a progress bar on stderr (drawn only on a terminal).
pub fn pull_with_bar(store: &ModelStore, model: &str) -> Result<whet_models::Pulled, CliError> {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{msg:>9} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let mut phase = None;
    let mut on_progress = |u: ProgressUpdate| {
        if phase != Some(u.phase) {
            phase = Some(u.phase);
            bar.set_message(match u.phase {
                Phase::Download => "download",
                Phase::Extract => "assemble",
                Phase::Verify => "verify",
            });
            bar.reset();
        }
        if let Some(t) = u.total {
            bar.set_length(t);
        }
        bar.set_position(u.done);
    };
    let pulled = store.pull_spec(model, &mut on_progress);
    bar.finish_and_clear();
    Ok(pulled?)
}
