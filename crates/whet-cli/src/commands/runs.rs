//! `whet runs list|show|export`, `whet compare` and `whet coverage`: reading
//! stored runs back, comparing two of them, and the coverage KPI.

use std::path::{Path, PathBuf};

use serde_json::json;
use tokio::runtime::Runtime;
use whet_eval::record::RunMeta;
use whet_registry::Project;
use whet_store::{RunRow, Store};

use crate::ExitStatus;
use crate::args::{CompareArgs, CoverageArgs, GlobalArgs, RunsCommand};
use crate::error::CliError;
use crate::printer::Printer;
use crate::report::{self, Finished};

pub fn run(
    cmd: RunsCommand,
    global: &GlobalArgs,
    printer: Printer,
) -> Result<ExitStatus, CliError> {
    let project = super::project(global)?;
    let rt = report::runtime()?;
    match cmd {
        RunsCommand::List { limit, db, json } => {
            let store = open(&rt, &project, db.database_url.as_deref())?;
            let runs = rt.block_on(store.list_runs(Some(limit)))?;
            list(&runs, json.json, printer);
            Ok(ExitStatus::Success)
        }
        RunsCommand::Show { run, db, json } => {
            let store = open(&rt, &project, db.database_url.as_deref())?;
            let (row, meta) = load(&rt, &store, &run)?;
            let finished = finished(&rt, &store, &project, &meta, printer)?;
            if !json.json {
                printer.note(&format!(
                    "run {} · {} · {} · {} result(s)",
                    row.id, row.status, row.created_at, row.results
                ));
            }
            report::print(&meta, &finished, json.json, printer);
            Ok(finished.exit_status(&meta))
        }
        RunsCommand::Export { run, outputs, db } => {
            let store = open(&rt, &project, db.database_url.as_deref())?;
            let (_, meta) = load(&rt, &store, &run)?;
            let finished = finished(&rt, &store, &project, &meta, printer)?;
            report::write_outputs(&rt, &store, &meta, &finished, &outputs, printer)?;
            Ok(ExitStatus::Success)
        }
    }
}

/// `whet compare BASELINE CANDIDATE`.
pub fn compare(
    args: &CompareArgs,
    global: &GlobalArgs,
    printer: Printer,
) -> Result<ExitStatus, CliError> {
    let project = super::project(global)?;
    let rt = report::runtime()?;
    let store = open(&rt, &project, args.db.database_url.as_deref())?;
    let (_, base) = load(&rt, &store, &args.baseline)?;
    let (_, mut meta) = load(&rt, &store, &args.candidate)?;
    if base.id == meta.id {
        return Err(CliError::Usage("compare two different runs".into()));
    }
    // Compare against the named run, whatever the candidate was compared
    // with when it ran.
    meta.options.baseline_run = Some(base.id.clone());
    let suite = suite_of(&project, &meta, printer);
    let mut finished = report::finalize(&rt, &store, &meta, suite.as_ref().map(|l| &l.suite))?;
    // Only the comparison with the named baseline run counts here.
    let own = whet_eval::compare::pair_variants(&meta).len();
    finished.comparisons.drain(..own);
    if finished.comparisons.is_empty() {
        return Err(CliError::Usage(format!(
            "runs {} and {} share no prompt and model to compare",
            base.id, meta.id
        )));
    }
    report::write_outputs(&rt, &store, &meta, &finished, &args.outputs, printer)?;
    report::print(&meta, &finished, args.json.json, printer);
    Ok(finished.exit_status(&meta))
}

/// `whet coverage [SUITE...]`.
pub fn coverage(
    args: &CoverageArgs,
    global: &GlobalArgs,
    printer: Printer,
) -> Result<ExitStatus, CliError> {
    let project = super::project(global)?;
    let suites = if args.suites.is_empty() {
        evals_of(&project)?
    } else {
        args.suites.clone()
    };
    let discovered = args.suites.is_empty();
    let mut reports = Vec::new();
    for path in &suites {
        let loaded = report::load_suite(path, false, printer)?;
        match whet_eval::coverage::coverage(&loaded.suite) {
            Ok(r) => reports.push((path.clone(), r)),
            // Not every suite is about intents (a reply suite): when the
            // project's suites were found, not named, skip those.
            Err(whet_eval::coverage::CoverageError::NoIntents) if discovered => {
                printer.note(&format!("{}: no intents declared, skipped", path.display()));
            }
            Err(e) => return Err(CliError::Usage(format!("{}: {e}", path.display()))),
        }
    }
    if args.json.json {
        printer.json(
            &reports
                .iter()
                .map(|(p, r)| json!({"suite": p.display().to_string(), "coverage": r}))
                .collect::<Vec<_>>(),
        );
        return Ok(ExitStatus::Success);
    }
    for (path, r) in &reports {
        printer.line(coverage_text(&path.display().to_string(), r));
    }
    Ok(ExitStatus::Success)
}

fn evals_of(project: &Project) -> Result<Vec<PathBuf>, CliError> {
    let dir = project.root.join("evals");
    let mut out: Vec<PathBuf> = match fs_err::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    if out.is_empty() {
        return Err(CliError::Usage(format!(
            "no suites in {}: pass suite files",
            dir.display()
        )));
    }
    Ok(out)
}

fn open(rt: &Runtime, project: &Project, url: Option<&str>) -> Result<Store, CliError> {
    Ok(rt.block_on(Store::open(&report::database_url(project, url)))?)
}

/// A run by id, unique prefix or `latest`.
fn load(rt: &Runtime, store: &Store, id: &str) -> Result<(RunRow, RunMeta), CliError> {
    let row = if id == "latest" {
        rt.block_on(store.latest_run(None))?
            .ok_or_else(|| CliError::Usage("no runs yet: run `whet eval` first".into()))?
    } else {
        rt.block_on(store.find_run(id))?
    };
    let meta = serde_json::from_str(&row.meta)
        .map_err(|e| CliError::Usage(format!("run {} has unreadable metadata: {e}", row.id)))?;
    Ok((row, meta))
}

/// A stored run's suite, when it still parses (for its gate); a changed
/// suite is reported, not fatal.
fn suite_of(project: &Project, meta: &RunMeta, printer: Printer) -> Option<report::LoadedSuite> {
    let path = project.root.join(&meta.suite.path);
    match report::load_suite(&path, meta.suite.format == "promptfoo", Printer::new(true)) {
        Ok(s) => Some(s),
        Err(_) => {
            printer.warn(&format!(
                "{} no longer parses: its gate is not applied",
                Path::new(&meta.suite.path).display()
            ));
            None
        }
    }
}

fn finished(
    rt: &Runtime,
    store: &Store,
    project: &Project,
    meta: &RunMeta,
    printer: Printer,
) -> Result<Finished, CliError> {
    let suite = suite_of(project, meta, printer);
    report::finalize(rt, store, meta, suite.as_ref().map(|l| &l.suite))
}

fn list(runs: &[RunRow], json: bool, printer: Printer) {
    let rows: Vec<serde_json::Value> = runs
        .iter()
        .map(|r| {
            let meta: Option<RunMeta> = serde_json::from_str(&r.meta).ok();
            let summary: Option<serde_json::Value> =
                r.summary.as_deref().and_then(|s| serde_json::from_str(s).ok());
            let pass_rate = summary
                .as_ref()
                .and_then(|s| s.pointer("/summary/variants/0/overall/pass_rate"))
                .and_then(serde_json::Value::as_f64);
            json!({
                "id": r.id,
                "created_at": r.created_at,
                "suite": r.suite,
                "status": r.status.as_str(),
                "results": r.results,
                "expected": meta.as_ref().map(RunMeta::expected_results),
                "variants": meta.as_ref().map(|m| m.variants.iter().map(|v| v.name.clone()).collect::<Vec<_>>()),
                "pass_rate": pass_rate,
            })
        })
        .collect();
    if json {
        printer.json(&rows);
        return;
    }
    if rows.is_empty() {
        printer.line("no runs yet: run `whet eval evals/NAME.yaml`");
        return;
    }
    for r in &rows {
        let rate = r["pass_rate"]
            .as_f64()
            .map_or_else(|| "-".to_owned(), |p| format!("{:.1}%", p * 100.0));
        let variants = r["variants"]
            .as_array()
            .map(|v| {
                v.iter()
                    .filter_map(|x| x.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        printer.line(format!(
            "{}  {}  {:<11} {:>6}/{:<6} pass {:>6}  {}  [{}]",
            r["id"].as_str().unwrap_or_default(),
            r["created_at"].as_str().unwrap_or_default(),
            r["status"].as_str().unwrap_or_default(),
            r["results"],
            r["expected"],
            rate,
            r["suite"].as_str().unwrap_or_default(),
            variants
        ));
    }
}

/// The coverage KPI as a table: one row per intent, a count per split,
/// and the cells that have no case.
fn coverage_text(suite: &str, r: &whet_eval::coverage::CoverageReport) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{suite} · {} · coverage {:.0}% ({}/{} intent×split cells)",
        r.prompts.join(", "),
        r.ratio * 100.0,
        r.covered_cells,
        r.total_cells
    );
    let width = r
        .intents
        .iter()
        .map(|i| i.intent.len())
        .max()
        .unwrap_or(6)
        .max(6);
    let _ = write!(out, "  {:<width$}", "intent");
    for s in &r.splits {
        let _ = write!(out, " {s:>11}");
    }
    out.push('\n');
    for i in &r.intents {
        let _ = write!(out, "  {:<width$}", i.intent);
        for s in &r.splits {
            let n = i
                .splits
                .iter()
                .find(|c| &c.split == s)
                .map_or(0, |c| c.cases);
            let cell = if n == 0 {
                "-".to_owned()
            } else {
                n.to_string()
            };
            let _ = write!(out, " {cell:>11}");
        }
        out.push('\n');
    }
    if !r.missing.is_empty() {
        let missing: Vec<String> = r
            .missing
            .iter()
            .map(|c| format!("{}/{}", c.intent, c.split))
            .collect();
        let _ = writeln!(out, "  missing: {}", missing.join(", "));
    }
    out
}
