//! `whet init [DIR]`: scaffold a project that lints clean and renders.

use crate::ExitStatus;
use crate::args::InitArgs;
use crate::printer::Printer;
use owo_colors::OwoColorize;
use std::path::{Path, PathBuf};
use whet_registry::RegistryError;

/// (path in the project, contents). `{{project_name}}` is replaced.
const FILES: &[(&str, &str)] = &[
    ("whet.toml", include_str!("../../scaffold/whet.toml")),
    (
        "prompts/support-reply.toml",
        include_str!("../../scaffold/prompts/support-reply.toml"),
    ),
    (
        "prompts/classify-intent.toml",
        include_str!("../../scaffold/prompts/classify-intent.toml"),
    ),
    (
        "prompts/_partials/brand_voice.j2",
        include_str!("../../scaffold/prompts/_partials/brand_voice.j2"),
    ),
    (
        "prompts/_partials/refusal_policy.j2",
        include_str!("../../scaffold/prompts/_partials/refusal_policy.j2"),
    ),
    (
        "datasets/banking-sample.jsonl",
        include_str!("../../scaffold/datasets/banking-sample.jsonl"),
    ),
    ("README.md", include_str!("../../scaffold/README.md")),
    (".gitignore", include_str!("../../scaffold/gitignore")),
];

pub fn run(args: &InitArgs, printer: Printer) -> Result<ExitStatus, RegistryError> {
    let dir = match &args.dir {
        Some(d) => d.clone(),
        None => std::env::current_dir()?,
    };
    let name = args.name.clone().unwrap_or_else(|| default_name(&dir));
    // Check everything before writing anything: init never overwrites.
    let existing: Vec<String> = FILES
        .iter()
        .filter(|(p, _)| dir.join(p).exists() && *p != ".gitignore")
        .map(|(p, _)| (*p).to_owned())
        .collect();
    if !existing.is_empty() {
        return Err(RegistryError::Usage(format!(
            "{} already has {}; init never overwrites files (pick an empty directory)",
            dir.display(),
            existing.join(", ")
        )));
    }
    for (rel, text) in FILES {
        let path = dir.join(rel);
        if *rel == ".gitignore" && path.exists() {
            append_gitignore(&path)?;
            continue;
        }
        if let Some(parent) = path.parent() {
            fs_err::create_dir_all(parent)?;
        }
        fs_err::write(&path, text.replace("{{project_name}}", &name))?;
        printer.line(format!("  {} {rel}", "create".green()));
    }
    printer.line(format!(
        "{} project `{name}` in {}",
        "initialized".green().bold(),
        dir.display()
    ));
    printer.line(format!(
        "next: cd {} && whet prompt lint && whet prompt render support-reply --var message=\"Where is my card?\"",
        dir.display()
    ));
    Ok(ExitStatus::Success)
}

fn append_gitignore(path: &Path) -> Result<(), RegistryError> {
    let old = fs_err::read_to_string(path)?;
    if !old.lines().any(|l| l.trim() == ".whet/") {
        let sep = if old.ends_with('\n') || old.is_empty() {
            ""
        } else {
            "\n"
        };
        fs_err::write(path, format!("{old}{sep}.whet/\n"))?;
    }
    Ok(())
}

fn default_name(dir: &Path) -> String {
    let abs = fs_err::canonicalize(dir).unwrap_or_else(|_| PathBuf::from(dir));
    let raw = abs
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("whet-project");
    let cleaned: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = cleaned.trim_matches('-');
    if trimmed.is_empty() {
        "whet-project".to_owned()
    } else {
        trimmed.to_owned()
    }
}
