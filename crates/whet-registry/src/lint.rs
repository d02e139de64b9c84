//! `whet prompt lint`: every check on prompt files, the project file and
//! release files, as diagnostics. Lint never fails; it reports.

use crate::diag::{Diagnostic, SourceFile, did_you_mean, display_path};
use crate::error::RegistryError;
use crate::guard::{PolicyPart, compile, prompt_parts};
use crate::load::load_prompt;
use crate::project::{CONFIG_FILE, Project, WorkingTree, parse_config, prompt_files};
use crate::release::Registry;
use std::path::{Path, PathBuf};

/// What a lint run found.
#[derive(Debug, Default)]
pub struct LintReport {
    /// Files checked.
    pub files: Vec<PathBuf>,
    /// Everything found, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl LintReport {
    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }

    fn add(&mut self, file: PathBuf, diags: Vec<Diagnostic>) {
        self.files.push(file);
        self.diagnostics.extend(diags);
    }
}

/// Lints `paths` (files or folders); with no paths, the whole project.
/// `project` is `None` outside a project: then prompt files are checked on
/// their own, without model aliases or releases.
pub fn lint(project: Option<&Project>, paths: &[PathBuf]) -> LintReport {
    let mut report = LintReport::default();
    let base = project.map_or_else(|| PathBuf::from("."), |p| p.root.clone());
    let mut targets = Vec::new();
    if paths.is_empty()
        && let Some(p) = project
    {
        targets.push(p.root.join(CONFIG_FILE));
        targets.extend(prompt_files(&p.prompts_dir()).unwrap_or_default());
    }
    for path in paths {
        if path.is_dir() {
            if path.join(CONFIG_FILE).is_file() && !targets.contains(&path.join(CONFIG_FILE)) {
                targets.push(path.join(CONFIG_FILE));
            }
            let dir = match project {
                Some(p) if same_dir(path, &p.root) => p.prompts_dir(),
                _ if path.join("prompts").is_dir() => path.join("prompts"),
                _ => path.clone(),
            };
            targets.extend(prompt_files(&dir).unwrap_or_default());
        } else {
            targets.push(path.clone());
        }
    }
    for path in targets {
        let shown = display_path(&path, &base);
        let text = match fs_err::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                let file = SourceFile::new(shown.clone(), "");
                report.add(
                    shown,
                    vec![Diagnostic::error("unreadable", &file, None, e.to_string())],
                );
                continue;
            }
        };
        let file = SourceFile::new(shown.clone(), text);
        let diags = if path.file_name().is_some_and(|n| n == CONFIG_FILE) {
            lint_config(&file)
        } else {
            lint_prompt(project, &path, &file, &base)
        };
        report.add(shown, diags);
    }
    report
}

/// The salt lint compiles policies with: the real one comes from the
/// environment at run time, and lint checks the rules, not the environment.
const LINT_SALT: &str = "lint";

/// whet.toml's own diagnostics, and each named guard policy compiled.
fn lint_config(file: &SourceFile) -> Vec<Diagnostic> {
    let (config, mut diags) = parse_config(file);
    for source in config.guard_policies.values() {
        let part = PolicyPart {
            file: file.clone(),
            source,
        };
        if let Err(d) = compile(&[part], LINT_SALT) {
            diags.extend(d);
        }
    }
    diags
}

/// Compiles the prompt's guard with the project's named policy. Problems in
/// the named policy itself are whet.toml's and reported there.
fn check_guard(
    project: &Project,
    spec: &crate::spec::PromptSpec,
    file: &SourceFile,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(guard) = &spec.guard else { return };
    let config_path = project.root.join(CONFIG_FILE);
    let config_file = SourceFile::new(
        project.relative(&config_path),
        fs_err::read_to_string(&config_path).unwrap_or_default(),
    );
    match prompt_parts(Some((&project.config, config_file)), file, guard) {
        Ok(parts) => {
            if let Err(d) = compile(&parts, LINT_SALT) {
                diags.extend(d.into_iter().filter(|d| d.file.path == file.path));
            }
        }
        // An unknown policy name; the prompt's own rules are still checked.
        Err(d) => {
            diags.extend(d);
            check_guard_alone(spec, file, diags);
        }
    }
}

/// Outside a project: the prompt's own rules only.
fn check_guard_alone(
    spec: &crate::spec::PromptSpec,
    file: &SourceFile,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(guard) = &spec.guard else { return };
    let found =
        prompt_parts(None, file, guard).and_then(|parts| compile(&parts, LINT_SALT).map(|_| ()));
    if let Err(d) = found {
        diags.extend(d);
    }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (fs_err::canonicalize(a), fs_err::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn lint_prompt(
    project: Option<&Project>,
    path: &Path,
    file: &SourceFile,
    base: &Path,
) -> Vec<Diagnostic> {
    let sources = WorkingTree::for_prompt(path, base);
    let (prompt, mut diags) = load_prompt(file, &sources);
    let Some(prompt) = prompt else {
        return diags;
    };
    let spec = &prompt.spec;
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if spec.name.value != stem {
        diags.push(
            Diagnostic::error(
                "name-mismatch",
                file,
                spec.name.span.clone(),
                format!(
                    "prompt `{}` is in a file named `{stem}.toml`",
                    spec.name.value
                ),
            )
            .with_label("must match the file name")
            .with_help(format!(
                "rename the file to `{}.toml` or set `name = \"{stem}\"`",
                spec.name.value
            )),
        );
    }
    let Some(project) = project else {
        check_guard_alone(&prompt.spec, file, &mut diags);
        return diags;
    };
    check_model_alias(project, &prompt.spec, file, &mut diags);
    check_guard(project, &prompt.spec, file, &mut diags);
    if spec.name.value == stem {
        check_releases(project, &prompt, file, &mut diags);
    }
    diags
}

fn check_model_alias(
    project: &Project,
    spec: &crate::spec::PromptSpec,
    file: &SourceFile,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(alias) = &spec.model.alias else {
        return;
    };
    let models = &project.config.models;
    if models.contains_key(alias) {
        return;
    }
    let help = match did_you_mean(alias, models.keys().map(String::as_str)) {
        Some(s) => format!("did you mean `{s}`?"),
        None if models.is_empty() => format!("define it in whet.toml under `[models.{alias}]`"),
        None => format!(
            "aliases in whet.toml: {}",
            models.keys().cloned().collect::<Vec<_>>().join(", ")
        ),
    };
    diags.push(
        Diagnostic::error(
            "unknown-model",
            file,
            spec.model_alias_span.clone(),
            format!("model alias `{alias}` is not defined in whet.toml"),
        )
        .with_label("unknown alias")
        .with_help(help),
    );
}

/// Checks each release file against its hash, the label history, and
/// whether the working copy's `version` matches released content.
fn check_releases(
    project: &Project,
    prompt: &crate::load::Prompt,
    file: &SourceFile,
    diags: &mut Vec<Diagnostic>,
) {
    let registry = Registry::new(project);
    let name = &prompt.spec.name.value;
    let versions = match registry.releases(name) {
        Ok(v) => v,
        Err(e) => {
            diags.push(Diagnostic::error(
                "release-unreadable",
                file,
                None,
                e.to_string(),
            ));
            return;
        }
    };
    let mut release_hashes = Vec::new();
    for v in &versions {
        match registry.release(name, v) {
            Ok((_, meta)) => release_hashes.push((v.clone(), meta.hash)),
            Err(RegistryError::Invalid(mut d)) => diags.append(&mut d),
            Err(e) => {
                let path = display_path(
                    &project.releases_dir(name).join(format!("{v}.toml")),
                    &project.root,
                );
                let rfile = SourceFile::new(path, "");
                diags.push(
                    Diagnostic::error("release-modified", &rfile, None, e.to_string())
                        .with_help("release files are immutable: restore it from git and cut a new release for the change"),
                );
            }
        }
    }
    if let Err(e) = registry.history(name) {
        let path = display_path(
            &project.releases_dir(name).join("labels.jsonl"),
            &project.root,
        );
        diags.push(Diagnostic::error(
            "bad-history",
            &SourceFile::new(path, ""),
            None,
            e.to_string(),
        ));
    }
    let hash = prompt.content_hash();
    match &prompt.spec.version {
        Some(v) => match release_hashes.iter().find(|(rv, _)| rv == &v.value) {
            None => diags.push(
                Diagnostic::error("unknown-release", file, v.span.clone(), format!("version {} was never released", v.value))
                    .with_label("no such release")
                    .with_help(match versions.last() {
                        Some(l) => format!("`whet prompt release` maintains this field; the latest release is {l}"),
                        None => "`whet prompt release` maintains this field; remove it until the first release".into(),
                    }),
            ),
            Some((_, released)) if *released != hash => diags.push(
                Diagnostic::warning("unreleased-changes", file, v.span.clone(), format!("content changed since release {} without a new release", v.value))
                    .with_label(format!("says {}, but the content differs", v.value))
                    .with_help(format!("run `whet prompt release {name} --bump patch|minor|major -m \"why\"`, or `whet prompt diff {name}@{} {name}` to see the change", v.value)),
            ),
            Some(_) => {}
        },
        None if !versions.is_empty() => diags.push(
            Diagnostic::warning("missing-version", file, Some(0..0), format!("`{name}` has releases but the file has no `version`"))
                .with_help("`whet prompt release` writes `version`; restore it from git"),
        ),
        None => {}
    }
}
