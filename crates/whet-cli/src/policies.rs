//! Guard policies from where users write them, compiled into a [`Guard`]:
//! a prompt's `[guard]` (a named policy from whet.toml and/or inline
//! rules), `--policy NAME` or `--policy FILE.toml`. whet-registry parses
//! and compiles them, reporting a rejected rule at its place in its file;
//! this module finds the files and the salt.

use crate::error::CliError;
use std::path::Path;
use whet_guard::policy::{Action, CheckSpec, Guard, PolicySpec, RuleSpec};
use whet_registry::guard::{PolicyPart, SALT_ENV, compile, parse_policy_file, prompt_parts};
use whet_registry::{Project, Prompt, SourceFile};

/// The salt of hash redaction, from the environment (empty when unset:
/// compiling a hash rule then fails with a hint to set it).
fn salt() -> String {
    std::env::var(SALT_ENV).unwrap_or_default()
}

/// The prompt's guard, or `None` when its file has no `[guard]`.
pub fn for_prompt(project: &Project, prompt: &Prompt) -> Result<Option<Guard>, CliError> {
    let Some(guard) = &prompt.spec.guard else {
        return Ok(None);
    };
    let parts = prompt_parts(
        Some((&project.config, config_file(project))),
        &prompt.source,
        guard,
    )
    .map_err(CliError::Invalid)?;
    compile(&parts, &salt())
        .map(Some)
        .map_err(CliError::Invalid)
}

/// `--policy`: a policy named in whet.toml, or a path to a policy file.
pub fn from_arg(project: Option<&Project>, arg: &str) -> Result<Guard, CliError> {
    if let Some(p) = project
        && let Some(source) = p.config.guard_policies.get(arg)
    {
        return compile(
            &[PolicyPart {
                file: config_file(p),
                source,
            }],
            &salt(),
        )
        .map_err(CliError::Invalid);
    }
    let path = Path::new(arg);
    if !path.is_file() {
        let known: Vec<&str> = project
            .map(|p| p.config.guard_policies.keys().map(String::as_str).collect())
            .unwrap_or_default();
        return Err(CliError::Usage(format!(
            "--policy {arg}: no policy of that name in whet.toml ({}) and no such file",
            if known.is_empty() {
                "it defines none".to_owned()
            } else {
                format!("it has {}", known.join(", "))
            }
        )));
    }
    let file = SourceFile::new(path, fs_err::read_to_string(path)?);
    let (source, diags) = parse_policy_file(&file);
    match source {
        Some(source) => compile(
            &[PolicyPart {
                file,
                source: &source,
            }],
            &salt(),
        )
        .map_err(CliError::Invalid),
        None => Err(CliError::Invalid(diags)),
    }
}

/// The policy `whet redteam --guard on` uses for a prompt without `[guard]`:
/// block injections and secrets on the way in, hide personal data from
/// the model (placeholders, restored in the answer), and block answers
/// that leak the instructions.
pub fn default_policy() -> PolicySpec {
    PolicySpec {
        input: vec![
            RuleSpec::new(CheckSpec::Injection, Action::Block),
            RuleSpec::new(CheckSpec::Secrets, Action::Block),
            RuleSpec::new(
                CheckSpec::Pii {
                    entities: Vec::new(),
                },
                Action::Redact,
            ),
        ],
        output: vec![
            RuleSpec::new(CheckSpec::Leak, Action::Block),
            RuleSpec::new(CheckSpec::Secrets, Action::Block),
            RuleSpec::new(
                CheckSpec::Pii {
                    entities: Vec::new(),
                },
                Action::Redact,
            ),
        ],
    }
}

fn config_file(project: &Project) -> SourceFile {
    let path = project.root.join(whet_registry::CONFIG_FILE);
    let text = fs_err::read_to_string(&path).unwrap_or_default();
    SourceFile::new(project.relative(&path), text)
}
