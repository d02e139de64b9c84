//! The `whet` binary: parses arguments, runs one command, prints, exits.
//!
//! Exit codes: 0 success, 1 checks failed (lint errors, later: a gate), 2 error.

mod args;
mod commands;
mod diagnostics;
mod error;
mod guarded;
mod judges;
mod models;
mod policies;
mod printer;
mod report;

use args::{Cli, ColorChoice, Command};
use clap::Parser;
use error::CliError;
use printer::Printer;
use std::process::ExitCode;
use whet_registry::RegistryError;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything worked.
    Success,
    /// The command ran, and what it checked failed.
    Failure,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.global.color {
        ColorChoice::Auto => {}
        ColorChoice::Always => anstream::ColorChoice::Always.write_global(),
        ColorChoice::Never => anstream::ColorChoice::Never.write_global(),
    }
    init_tracing(cli.global.verbose);
    let printer = Printer::new(cli.global.quiet);
    match run(cli, printer) {
        Ok(ExitStatus::Success) => ExitCode::SUCCESS,
        Ok(ExitStatus::Failure) => ExitCode::from(1),
        Err(CliError::Registry(RegistryError::Invalid(diags))) => {
            printer.stderr(&diagnostics::render(&diags));
            let errors = diags.iter().filter(|d| d.is_error()).count();
            printer.error(&format!(
                "{errors} error(s); fix them and run the command again"
            ));
            ExitCode::from(1)
        }
        Err(CliError::Invalid(diags)) => {
            printer.stderr(&diagnostics::render(&diags));
            let errors = diags.iter().filter(|d| d.is_error()).count();
            printer.error(&format!(
                "{errors} error(s); fix them and run the command again"
            ));
            ExitCode::from(2)
        }
        Err(e) => {
            printer.error(&e.to_string());
            ExitCode::from(2)
        }
    }
}

fn init_tracing(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    // llama.cpp's own chatter (loader notes, model quirks) stays out of the
    // way unless asked for with -vv or WHET_LOG.
    let default = match verbose {
        0 => "warn,llama-cpp-2=error",
        1 => "info,llama-cpp-2=warn",
        _ => "debug",
    };
    let filter = EnvFilter::try_from_env("WHET_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

fn run(cli: Cli, printer: Printer) -> Result<ExitStatus, CliError> {
    let global = cli.global;
    match cli.command {
        Command::Init(args) => Ok(commands::init::run(&args, printer)?),
        Command::Prompt(cmd) => Ok(commands::prompt::run(cmd, &global, printer)?),
        Command::Run(args) => commands::run::run(&args, &global, printer),
        Command::Models(cmd) => commands::models::run(cmd, printer),
        Command::Chat(args) => commands::chat::run(&args, &global, printer),
        Command::Eval(args) => commands::eval::run(&args, &global, printer),
        Command::Runs(cmd) => commands::runs::run(cmd, &global, printer),
        Command::Compare(args) => commands::runs::compare(&args, &global, printer),
        Command::Coverage(args) => commands::runs::coverage(&args, &global, printer),
        Command::Redteam(args) => commands::redteam::run(&args, &global, printer),
        Command::Guard(cmd) => commands::guard::run(cmd, &global, printer),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "whet", &mut out);
            printer.raw(&String::from_utf8_lossy(&out));
            Ok(ExitStatus::Success)
        }
    }
}
