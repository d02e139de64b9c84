//! `whet prompt ...`: lint, render, list, show, log, diff, release, label, rollback.

use crate::ExitStatus;
use crate::args::{
    BumpArg, DiffArgs, GlobalArgs, LabelArgs, LintArgs, LogArgs, PromptCommand, ReleaseArgs,
    RenderArgs, RollbackArgs, ShowArgs,
};
use crate::diagnostics;
use crate::printer::Printer;
use owo_colors::OwoColorize;
use serde_json::{Map, Value, json};
use whet_core::PromptRef;
use whet_registry::{
    Bump, LabelEvent, NextVersion, Project, Registry, RegistryError, ReleaseRequest, Resolved, git,
    vars,
};

pub fn run(
    cmd: PromptCommand,
    global: &GlobalArgs,
    printer: Printer,
) -> Result<ExitStatus, RegistryError> {
    match cmd {
        PromptCommand::Lint(args) => lint(&args, global, printer),
        PromptCommand::Render(args) => render(&args, global, printer),
        PromptCommand::List(args) => list(args.json, global, printer),
        PromptCommand::Show(args) => show(&args, global, printer),
        PromptCommand::Log(args) => log(&args, global, printer),
        PromptCommand::Diff(args) => diff(&args, global, printer),
        PromptCommand::Release(args) => release(&args, global, printer),
        PromptCommand::Label(args) => label(&args, global, printer),
        PromptCommand::Rollback(args) => rollback(&args, global, printer),
    }
}

fn parse_ref(s: &str) -> Result<PromptRef, RegistryError> {
    s.parse()
        .map_err(|e: whet_core::RefError| RegistryError::Usage(e.to_string()))
}

fn lint(
    args: &LintArgs,
    global: &GlobalArgs,
    printer: Printer,
) -> Result<ExitStatus, RegistryError> {
    // Outside a project, files are still linted on their own.
    let project = match super::project(global) {
        Ok(p) => Some(p),
        Err(RegistryError::NoProject { .. }) if !args.paths.is_empty() => None,
        Err(e) => return Err(e),
    };
    let report = whet_registry::lint(project.as_ref(), &args.paths);
    let failed = report.errors() > 0 || (args.deny_warnings && report.warnings() > 0);
    if args.json.json {
        let records: Vec<_> = report
            .diagnostics
            .iter()
            .map(whet_registry::Diagnostic::to_record)
            .collect();
        printer.json(&json!({
            "files": report.files,
            "errors": report.errors(),
            "warnings": report.warnings(),
            "ok": !failed,
            "diagnostics": records,
        }));
    } else {
        printer.stderr(&diagnostics::render(&report.diagnostics));
        let summary = format!(
            "checked {} file(s): {} error(s), {} warning(s)",
            report.files.len(),
            report.errors(),
            report.warnings()
        );
        if failed {
            printer.error(&summary);
        } else {
            printer.line(format!("{} {summary}", "ok".green().bold()));
        }
    }
    Ok(if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

fn render(
    args: &RenderArgs,
    global: &GlobalArgs,
    printer: Printer,
) -> Result<ExitStatus, RegistryError> {
    let project = super::project(global)?;
    let registry = Registry::new(&project);
    let resolved = registry.resolve(&parse_ref(&args.prompt)?)?;
    let declared = &resolved.prompt.spec.variables;
    let mut given = match &args.vars_file {
        Some(f) => vars::read_vars_file(f)?,
        None => Map::new(),
    };
    for v in &args.vars {
        let (k, val) = vars::parse_cli_var(declared, v)?;
        given.insert(k, val);
    }
    let bound = vars::bind(declared, given)?;
    let messages = resolved.prompt.render(&bound)?;
    if args.json.json {
        printer.json(&json!({
            "prompt": resolved.prompt.spec.name.value,
            "version": resolved.release.as_ref().map(|r| r.version.to_string()),
            "label": resolved.label,
            "content_hash": resolved.prompt.content_hash(),
            "model": resolved.prompt.spec.model,
            "messages": messages,
            "variables": bound,
            "output_schema": resolved.prompt.output_schema,
            "tools": resolved.prompt.spec.tools,
        }));
        return Ok(ExitStatus::Success);
    }
    printer.line(format!("{}", describe(&resolved).dimmed()));
    for m in &messages {
        printer.line(format!("{}", format!("[{}]", m.role).cyan().bold()));
        printer.line(&m.content);
        printer.line("");
    }
    Ok(ExitStatus::Success)
}

fn describe(r: &Resolved) -> String {
    let name = &r.prompt.spec.name.value;
    let hash = r.prompt.content_hash();
    match (&r.release, &r.label) {
        (Some(m), Some(l)) => format!("# {name}:{l} = {} ({})", m.version, hash.short()),
        (Some(m), None) => format!("# {name}@{} ({})", m.version, hash.short()),
        _ => format!("# {name} (working copy, {})", hash.short()),
    }
}

fn list(as_json: bool, global: &GlobalArgs, printer: Printer) -> Result<ExitStatus, RegistryError> {
    let project = super::project(global)?;
    let registry = Registry::new(&project);
    let mut rows = Vec::new();
    for name in project.prompt_names()? {
        let versions = registry.releases(&name)?;
        let labels = registry.labels(&name)?;
        let latest = versions.last();
        // A working copy with errors is still listed; lint explains it.
        let state = match (registry.working_copy(&name), latest) {
            (Err(_), _) => "invalid",
            (Ok(_), None) => "unreleased",
            (Ok((p, _)), Some(v)) => match registry.release(&name, v) {
                Ok((_, meta)) if meta.hash == p.content_hash() => "released",
                Ok(_) => "changed",
                Err(_) => "release-invalid",
            },
        };
        rows.push(json!({
            "name": name,
            "latest": latest.map(ToString::to_string),
            "releases": versions.len(),
            "labels": labels.iter().map(|(l, v)| (l.clone(), Value::String(v.to_string()))).collect::<Map<_, _>>(),
            "state": state,
        }));
    }
    if as_json {
        printer.json(&rows);
        return Ok(ExitStatus::Success);
    }
    if rows.is_empty() {
        printer.line(format!(
            "no prompts in {}",
            project.relative(&project.prompts_dir()).display()
        ));
    }
    for r in &rows {
        let labels: Vec<String> = r["labels"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(l, v)| format!("{l}={}", v.as_str().unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default();
        printer.line(format!(
            "{:<28} {:<10} {:<12} {}",
            r["name"].as_str().unwrap_or_default().bold(),
            r["latest"].as_str().unwrap_or("-"),
            r["state"].as_str().unwrap_or_default(),
            labels.join(" ")
        ));
    }
    Ok(ExitStatus::Success)
}

fn show(
    args: &ShowArgs,
    global: &GlobalArgs,
    printer: Printer,
) -> Result<ExitStatus, RegistryError> {
    let project = super::project(global)?;
    let registry = Registry::new(&project);
    let resolved = registry.resolve(&parse_ref(&args.prompt)?)?;
    let p = &resolved.prompt;
    if args.json.json {
        printer.json(&json!({
            "prompt": p.spec.name.value,
            "version": resolved.release.as_ref().map(|r| r.version.to_string()),
            "label": resolved.label,
            "release": resolved.release,
            "content_hash": p.content_hash(),
            "normalized": p.normalized(),
        }));
        return Ok(ExitStatus::Success);
    }
    printer.line(describe(&resolved).dimmed().to_string());
    if let Some(m) = &resolved.release {
        printer.line(format!(
            "released {} by {}: {}",
            m.released_at.date(),
            m.author,
            m.message
        ));
    }
    printer.raw(&p.canonical_text());
    Ok(ExitStatus::Success)
}

fn log(args: &LogArgs, global: &GlobalArgs, printer: Printer) -> Result<ExitStatus, RegistryError> {
    let project = super::project(global)?;
    let registry = Registry::new(&project);
    let history = registry.history_checked(&args.name)?;
    let mut releases = Vec::new();
    for v in registry.releases(&args.name)?.iter().rev() {
        releases.push(registry.snapshot(&args.name, v)?.meta);
    }
    let labels = registry.labels(&args.name)?;
    if args.json.json {
        printer.json(&json!({ "prompt": args.name, "releases": releases, "labels": labels, "label_history": history }));
        return Ok(ExitStatus::Success);
    }
    if releases.is_empty() {
        printer.line(format!("`{}` has no releases yet; cut one with `whet prompt release {} --bump minor -m \"why\"`", args.name, args.name));
    }
    for m in &releases {
        let here: Vec<&str> = labels
            .iter()
            .filter(|(_, v)| **v == m.version)
            .map(|(l, _)| l.as_str())
            .collect();
        let tags = if here.is_empty() {
            String::new()
        } else {
            format!(" ({})", here.join(", "))
        };
        printer.line(format!(
            "{}{}",
            format!("release {}", m.version).yellow().bold(),
            tags.green()
        ));
        printer.line(format!(
            "  {}  {}  {}",
            m.released_at.date(),
            m.author,
            m.hash.short().dimmed()
        ));
        if let Some(e) = &m.evidence {
            printer.line(format!("  evidence: {e}"));
        }
        printer.line(format!("  {}", m.message.trim()));
        printer.line("");
    }
    if !history.is_empty() {
        printer.line("label history:".bold().to_string());
        for e in &history {
            printer.line(format!("  {}", event_line(e)));
        }
    }
    Ok(ExitStatus::Success)
}

fn event_line(e: &LabelEvent) -> String {
    let from = e
        .from
        .as_ref()
        .map_or_else(|| "(new)".to_owned(), ToString::to_string);
    let action = match e.action {
        whet_registry::LabelAction::Move => "move",
        whet_registry::LabelAction::Rollback => "rollback",
    };
    let why = e
        .why
        .as_ref()
        .map_or_else(String::new, |w| format!(" — {w}"));
    format!(
        "{}  {action:<8} {} {from} -> {}  by {}{why}",
        e.at, e.label, e.to, e.by
    )
}

fn diff(
    args: &DiffArgs,
    global: &GlobalArgs,
    printer: Printer,
) -> Result<ExitStatus, RegistryError> {
    let project = super::project(global)?;
    let registry = Registry::new(&project);
    let from = parse_ref(&args.from)?;
    let to = match &args.to {
        Some(t) => parse_ref(t)?,
        None => PromptRef {
            name: from.name.clone(),
            selector: whet_core::Selector::WorkingCopy,
        },
    };
    let a = registry.resolve(&from)?;
    let b = registry.resolve(&to)?;
    let label = |r: &PromptRef, res: &Resolved| match &res.release {
        Some(m) => format!("{r} ({})", m.version),
        None => format!("{r} (working copy)"),
    };
    let text = whet_registry::diff(&a.prompt, &label(&from, &a), &b.prompt, &label(&to, &b));
    if text.is_empty() {
        printer.line(format!(
            "no difference: both hash to {}",
            a.prompt.content_hash().short()
        ));
        return Ok(ExitStatus::Success);
    }
    for line in text.lines() {
        let styled = if line.starts_with("+++") || line.starts_with("---") {
            line.bold().to_string()
        } else if line.starts_with('+') {
            line.green().to_string()
        } else if line.starts_with('-') {
            line.red().to_string()
        } else if line.starts_with("@@") {
            line.cyan().to_string()
        } else {
            line.to_owned()
        };
        printer.raw(&format!("{styled}\n"));
    }
    Ok(ExitStatus::Success)
}

fn author(explicit: Option<&String>, project: &Project) -> String {
    explicit
        .cloned()
        .unwrap_or_else(|| git::author(&project.root))
}

fn release(
    args: &ReleaseArgs,
    global: &GlobalArgs,
    printer: Printer,
) -> Result<ExitStatus, RegistryError> {
    let project = super::project(global)?;
    let registry = Registry::new(&project);
    let next = match (&args.set_version, args.bump) {
        (Some(v), _) => NextVersion::Exact(v.clone()),
        (None, Some(b)) => NextVersion::Bump(match b {
            BumpArg::Patch => Bump::Patch,
            BumpArg::Minor => Bump::Minor,
            BumpArg::Major => Bump::Major,
        }),
        (None, None) => {
            return Err(RegistryError::Usage(
                "pass --bump patch|minor|major or --set-version X.Y.Z".into(),
            ));
        }
    };
    if args.message.trim().is_empty() {
        return Err(RegistryError::Usage(
            "the release message (-m) is empty; say why this release exists".into(),
        ));
    }
    let req = ReleaseRequest {
        next,
        message: args.message.clone(),
        author: author(args.author.as_ref(), &project),
        evidence: args.evidence.clone(),
        git: !args.no_git,
    };
    let outcome = registry.cut_release(&args.name, &req)?;
    let version = &outcome.meta.version;
    if let Some(e) = &outcome.git_error {
        // The release is recorded on disk either way; nothing is lost.
        printer.warn(&format!("released, but git did not finish: {e}"));
    }
    if args.json.json {
        printer.json(&json!({
            "prompt": args.name,
            "version": version.to_string(),
            "previous": outcome.previous.map(|v| v.to_string()),
            "release": outcome.meta,
            "tag": outcome.tag,
            "files": outcome.written.iter().map(|p| project.relative(p)).collect::<Vec<_>>(),
        }));
        return Ok(ExitStatus::Success);
    }
    let from = outcome
        .previous
        .map_or_else(|| "first release".to_owned(), |p| format!("was {p}"));
    printer.line(format!(
        "{} {}@{version} ({from}), content {}",
        "released".green().bold(),
        args.name,
        outcome.meta.hash.short()
    ));
    for p in &outcome.written {
        printer.line(format!("  wrote {}", project.relative(p).display()));
    }
    if let Some(t) = &outcome.tag {
        printer.line(format!("  committed and tagged {t}"));
    }
    Ok(ExitStatus::Success)
}

fn print_event(e: &LabelEvent, name: &str, as_json: bool, printer: Printer) {
    if as_json {
        printer.json(&json!({ "prompt": name, "event": e }));
    } else {
        let from = e
            .from
            .as_ref()
            .map_or_else(|| "(new)".to_owned(), ToString::to_string);
        printer.line(format!(
            "{} {name}:{} {from} -> {}",
            "moved".green().bold(),
            e.label,
            e.to
        ));
    }
}

fn label(
    args: &LabelArgs,
    global: &GlobalArgs,
    printer: Printer,
) -> Result<ExitStatus, RegistryError> {
    let project = super::project(global)?;
    let by = author(args.author.as_ref(), &project);
    let e = Registry::new(&project).move_label(
        &args.name,
        &args.label,
        &args.target,
        &by,
        args.message.clone(),
        args.yes,
    )?;
    print_event(&e, &args.name, args.json.json, printer);
    Ok(ExitStatus::Success)
}

fn rollback(
    args: &RollbackArgs,
    global: &GlobalArgs,
    printer: Printer,
) -> Result<ExitStatus, RegistryError> {
    let project = super::project(global)?;
    let by = author(args.author.as_ref(), &project);
    let e = Registry::new(&project).rollback(
        &args.name,
        &args.label,
        &by,
        args.message.clone(),
        args.yes,
    )?;
    print_event(&e, &args.name, args.json.json, printer);
    Ok(ExitStatus::Success)
}
