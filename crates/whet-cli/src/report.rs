//! What `whet eval`, `whet runs` and `whet compare` share: loading a suite,
//! reading a run's results back from the store (streaming, in case order),
//! summarizing, comparing, gating, and writing the reports.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::pin::Pin;

use futures::{Stream, StreamExt};
use serde_json::json;
use tokio::runtime::Runtime;
use whet_eval::compare::{CompareOptions, Compared, compare, compare_run};
use whet_eval::gate::{Gate, evaluate};
use whet_eval::parse_suite_file;
use whet_eval::promptfoo::{ProviderRef, import_promptfoo_file};
use whet_eval::record::{CaseResult, GateVerdict, Role, RunMeta, Summary};
use whet_eval::suite::Suite;
use whet_eval::summary::SummaryBuilder;
use whet_registry::{Diagnostic, Project, has_errors};
use whet_store::{ResultRow, Store, StoreError};

use crate::ExitStatus;
use crate::error::CliError;
use crate::printer::Printer;

/// A parsed suite, with the provider list of a promptfoo config.
pub struct LoadedSuite {
    pub suite: Suite,
    pub providers: Vec<ProviderRef>,
}

/// Parses a suite or a promptfoo config; prints warnings, fails on errors.
pub fn load_suite(path: &Path, promptfoo: bool, printer: Printer) -> Result<LoadedSuite, CliError> {
    let (loaded, diags) = if promptfoo {
        let (i, d) = import_promptfoo_file(path);
        (
            i.map(|i| LoadedSuite {
                suite: i.suite,
                providers: i.providers,
            }),
            d,
        )
    } else {
        let (s, d) = parse_suite_file(path);
        (
            s.map(|suite| LoadedSuite {
                suite,
                providers: Vec::new(),
            }),
            d,
        )
    };
    report_diagnostics(&diags, printer)?;
    loaded.ok_or_else(|| CliError::Invalid(diags))
}

fn report_diagnostics(diags: &[Diagnostic], printer: Printer) -> Result<(), CliError> {
    if has_errors(diags) {
        return Err(CliError::Invalid(diags.to_vec()));
    }
    if !diags.is_empty() {
        printer.stderr(&crate::diagnostics::render(diags));
    }
    Ok(())
}

pub fn runtime() -> Result<Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Usage(format!("cannot start the async runtime: {e}")))
}

/// `--cache`, else whet.toml's `[cache] mode`, else read-write.
pub fn cache_mode_name(project: &Project, explicit: Option<&str>) -> String {
    explicit
        .map(str::to_owned)
        .or_else(|| project.config.cache_mode.clone())
        .unwrap_or_else(|| "read-write".into())
}

/// A cache mode by name, with the modes listed when it is unknown.
pub fn parse_cache_mode(name: &str) -> Result<whet_store::CacheMode, CliError> {
    whet_store::CacheMode::parse(name).ok_or_else(|| {
        CliError::Usage(format!(
            "unknown cache mode `{name}`: use read-write, read-only, write-only or off"
        ))
    })
}

pub fn database_url(project: &Project, explicit: Option<&str>) -> String {
    explicit
        .map(str::to_owned)
        .or_else(|| project.config.store_url.clone())
        .unwrap_or_else(|| Store::sqlite_url(&project.state_dir().join("whet.db")))
}

/// Now, RFC 3339 UTC with milliseconds and a fixed width: runs are listed
/// by this text, so runs started within the same second still sort.
pub fn now() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        now.millisecond()
    )
}

/// `path` relative to the project root when inside it.
pub fn relative(project: &Project, path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    abs.strip_prefix(&project.root)
        .map_or_else(|_| abs.display().to_string(), |p| p.display().to_string())
}

/// A run's results from the store, in (case, variant, repeat) order, one at
/// a time. A read error ends the iteration and is kept in `error`.
pub struct Results<'a> {
    rt: &'a Runtime,
    stream: Pin<Box<dyn Stream<Item = Result<ResultRow, StoreError>> + Send + 'a>>,
    error: &'a RefCell<Option<String>>,
}

impl<'a> Results<'a> {
    pub fn new(
        rt: &'a Runtime,
        store: &'a Store,
        run_id: &str,
        error: &'a RefCell<Option<String>>,
    ) -> Self {
        Self {
            rt,
            stream: Box::pin(store.results(run_id)),
            error,
        }
    }
}

impl Iterator for Results<'_> {
    type Item = CaseResult;

    fn next(&mut self) -> Option<CaseResult> {
        let row = match self.rt.block_on(self.stream.next())? {
            Ok(row) => row,
            Err(e) => {
                *self.error.borrow_mut() = Some(e.to_string());
                return None;
            }
        };
        match serde_json::from_str(&row.body) {
            Ok(r) => Some(r),
            Err(e) => {
                *self.error.borrow_mut() = Some(format!("a stored result is unreadable: {e}"));
                None
            }
        }
    }
}

/// Reads all of a run's results through `f`, failing if the store did.
pub fn with_results<T>(
    rt: &Runtime,
    store: &Store,
    run_id: &str,
    f: impl FnOnce(&mut dyn Iterator<Item = CaseResult>) -> T,
) -> Result<T, CliError> {
    let error = RefCell::new(None);
    let mut it = Results::new(rt, store, run_id, &error);
    let out = f(&mut it);
    drop(it);
    match error.into_inner() {
        Some(e) => Err(CliError::Usage(format!("cannot read run {run_id}: {e}"))),
        None => Ok(out),
    }
}

/// A finished run's summary, comparisons and gate verdicts.
pub struct Finished {
    pub summary: Summary,
    pub comparisons: Vec<Compared>,
    /// One per candidate variant when the suite has a gate: (variant, verdict).
    pub verdicts: Vec<(u32, GateVerdict)>,
    /// Coverage ratio, when the gate asks for it.
    pub coverage: Option<f64>,
    /// Whether the suite has a gate.
    pub gated: bool,
}

impl Finished {
    pub fn to_json(&self) -> String {
        json!({
            "summary": self.summary,
            "comparisons": self.comparisons.iter().map(|c| &c.comparison).collect::<Vec<_>>(),
            "notes": self.comparisons.iter().flat_map(|c| c.notes.clone()).collect::<Vec<_>>(),
            "gate": self.verdicts.iter().map(|(v, g)| json!({"variant": v, "verdict": g})).collect::<Vec<_>>(),
            "coverage": self.coverage,
        })
        .to_string()
    }

    /// The first gate verdict that failed, else the first one.
    pub fn verdict(&self) -> Option<&GateVerdict> {
        self.verdicts
            .iter()
            .map(|(_, g)| g)
            .find(|g| !g.passed)
            .or_else(|| self.verdicts.first().map(|(_, g)| g))
    }

    /// The comparison of the first compared candidate.
    pub fn comparison(&self) -> Option<&whet_eval::record::Comparison> {
        self.comparisons.first().map(|c| &c.comparison)
    }

    /// Passed: the gate's verdicts; without a gate, every graded candidate
    /// case passed and none errored.
    pub fn passed(&self, meta: &RunMeta) -> bool {
        if self.gated {
            return self.verdicts.iter().all(|(_, g)| g.passed);
        }
        self.summary
            .variants
            .iter()
            .filter(|v| is_candidate(meta, v.variant))
            .all(|v| v.overall.errors == 0 && v.overall.passed == v.overall.total)
    }

    /// The one-line reason for the exit status.
    pub fn reason(&self, meta: &RunMeta) -> String {
        if let Some(g) = self.verdict() {
            return g.reason.clone();
        }
        let (mut failed, mut errors, mut total) = (0, 0, 0);
        for v in self
            .summary
            .variants
            .iter()
            .filter(|v| is_candidate(meta, v.variant))
        {
            failed += v.overall.total - v.overall.passed - v.overall.errors;
            errors += v.overall.errors;
            total += v.overall.total;
        }
        if failed == 0 && errors == 0 {
            format!("all {total} result(s) passed (no gate: every case must pass)")
        } else {
            format!(
                "{failed} failed and {errors} errored of {total} result(s) (no gate: every case must pass; add a `gate:` block to set thresholds)"
            )
        }
    }

    pub fn exit_status(&self, meta: &RunMeta) -> ExitStatus {
        if self.passed(meta) {
            ExitStatus::Success
        } else {
            ExitStatus::Failure
        }
    }
}

fn is_candidate(meta: &RunMeta, variant: u32) -> bool {
    meta.variants
        .get(variant as usize)
        .is_some_and(|v| v.role == Role::Candidate)
}

/// Summarizes a stored run, compares it (with its in-run baseline or a
/// baseline run) and applies the suite's gate.
pub fn finalize(
    rt: &Runtime,
    store: &Store,
    meta: &RunMeta,
    suite: Option<&Suite>,
) -> Result<Finished, CliError> {
    let summary = with_results(rt, store, &meta.id, |it| {
        let mut b = SummaryBuilder::new(meta);
        for r in it {
            b.push(&r);
        }
        b.finish()
    })?;
    let options = CompareOptions {
        seed: meta.options.seed,
        ..CompareOptions::default()
    };
    let mut comparisons = with_results(rt, store, &meta.id, |it| compare_run(meta, it, &options))?
        .map_err(|e| CliError::Usage(e.to_string()))?;
    if let Some(base_id) = &meta.options.baseline_run {
        comparisons.extend(compare_with_run(rt, store, base_id, meta, &options)?);
    }
    let gate = suite.and_then(|s| s.gate.as_ref());
    let coverage = match (gate, suite) {
        (Some(g), Some(s)) if g.min_coverage.is_some() => {
            whet_eval::coverage::coverage(s).ok().map(|c| c.ratio)
        }
        _ => None,
    };
    let verdicts = gate.map_or_else(Vec::new, |g| {
        gate_all(g, meta, &summary, &comparisons, coverage)
    });
    Ok(Finished {
        summary,
        comparisons,
        verdicts,
        coverage,
        gated: gate.is_some(),
    })
}

fn gate_all(
    gate: &Gate,
    meta: &RunMeta,
    summary: &Summary,
    comparisons: &[Compared],
    coverage: Option<f64>,
) -> Vec<(u32, GateVerdict)> {
    summary
        .variants
        .iter()
        .filter(|v| is_candidate(meta, v.variant))
        .map(|v| {
            let cmp = comparisons
                .iter()
                .map(|c| &c.comparison)
                .find(|c| c.candidate == v.name);
            (v.variant, evaluate(gate, v, cmp, coverage))
        })
        .collect()
}

/// Compares each candidate variant of `meta` with the variant of a stored
/// baseline run on the same model (or its only variant).
pub fn compare_with_run(
    rt: &Runtime,
    store: &Store,
    base_id: &str,
    meta: &RunMeta,
    options: &CompareOptions,
) -> Result<Vec<Compared>, CliError> {
    let base_row = rt.block_on(store.find_run(base_id))?;
    let base: RunMeta = serde_json::from_str(&base_row.meta)
        .map_err(|e| CliError::Usage(format!("run {base_id} has unreadable metadata: {e}")))?;
    let mut out = Vec::new();
    for (ci, c) in meta.variants.iter().enumerate() {
        if c.role != Role::Candidate {
            continue;
        }
        let bi = base
            .variants
            .iter()
            .position(|b| b.model_alias == c.model_alias && b.prompt == c.prompt)
            .or_else(|| (base.variants.len() == 1).then_some(0));
        let Some(bi) = bi else { continue };
        let names = (
            format!("run {} · {}", base.id, base.variants[bi].name),
            c.name.clone(),
        );
        // Both sides stream from the store; compare() indexes the baseline
        // compactly and pairs the candidate as it comes.
        let (base_error, cand_error) = (RefCell::new(None), RefCell::new(None));
        let bv = bi as u32;
        let cv = ci as u32;
        let base_results =
            Results::new(rt, store, &base.id, &base_error).filter(move |r| r.variant == bv);
        let cand_results =
            Results::new(rt, store, &meta.id, &cand_error).filter(move |r| r.variant == cv);
        let compared = compare(base_results, cand_results, names, options);
        for (id, error) in [(&base.id, base_error), (&meta.id, cand_error)] {
            if let Some(e) = error.into_inner() {
                return Err(CliError::Usage(format!("cannot read run {id}: {e}")));
            }
        }
        out.push(compared.map_err(|e| CliError::Usage(e.to_string()))?);
    }
    Ok(out)
}

/// Writes each requested report, by extension.
pub fn write_outputs(
    rt: &Runtime,
    store: &Store,
    meta: &RunMeta,
    finished: &Finished,
    outputs: &[PathBuf],
    printer: Printer,
) -> Result<(), CliError> {
    for path in outputs {
        write_output(rt, store, meta, finished, path)?;
        printer.note(&format!("wrote {}", path.display()));
    }
    Ok(())
}

fn write_output(
    rt: &Runtime,
    store: &Store,
    meta: &RunMeta,
    finished: &Finished,
    path: &Path,
) -> Result<(), CliError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !matches!(
        ext.as_str(),
        "html" | "htm" | "json" | "jsonl" | "xml" | "md"
    ) {
        return Err(CliError::Usage(format!(
            "cannot tell the report format of {}: use .html, .json, .jsonl, .xml (JUnit) or .md",
            path.display()
        )));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs_err::create_dir_all(dir)?;
    }
    // Written next to the target and renamed: a failed export never leaves
    // half a report where the last good one was.
    let tmp = path.with_extension(format!("{ext}.tmp"));
    let file = fs_err::File::create(&tmp)?;
    let (summary, cmp, gate) = (&finished.summary, finished.comparison(), finished.verdict());
    let report_err =
        |e: whet_report::Error| CliError::Usage(format!("cannot write {}: {e}", path.display()));
    match ext.as_str() {
        "html" | "htm" => with_results(rt, store, &meta.id, |it| {
            whet_report::html::write(meta, summary, cmp, gate, it, file)
        })?
        .map_err(report_err)?,
        "json" => with_results(rt, store, &meta.id, |it| {
            whet_report::json::write(meta, summary, cmp, gate, it, file)
        })?
        .map_err(report_err)?,
        "jsonl" => with_results(
            rt,
            store,
            &meta.id,
            |it| -> Result<(), whet_report::Error> {
                use std::io::Write;
                let mut w = std::io::BufWriter::new(file);
                for r in it {
                    serde_json::to_writer(&mut w, &r)?;
                    w.write_all(b"\n")?;
                }
                w.flush()?;
                Ok(())
            },
        )?
        .map_err(report_err)?,
        "xml" => {
            let error = RefCell::new(None);
            let r = whet_report::junit::write(
                meta,
                summary,
                |v| Results::new(rt, store, &meta.id, &error).filter(move |r| r.variant == v),
                file,
            );
            if let Some(e) = error.into_inner() {
                return Err(CliError::Usage(format!("cannot read run {}: {e}", meta.id)));
            }
            r.map_err(report_err)?;
        }
        _ => {
            let md = whet_report::markdown::summary(meta, summary, cmp, gate);
            fs_err::write(&tmp, md)?;
        }
    }
    fs_err::rename(&tmp, path)?;
    Ok(())
}

/// Prints the scorecard (or the JSON summary) and the verdict line.
pub fn print(meta: &RunMeta, finished: &Finished, json: bool, printer: Printer) {
    if json {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&finished.to_json()) {
            printer.json(&json!({"run": meta, "result": v, "passed": finished.passed(meta), "reason": finished.reason(meta)}));
        }
        return;
    }
    let color = !matches!(
        anstream::AutoStream::choice(&std::io::stdout()),
        anstream::ColorChoice::Never
    );
    printer.raw(&whet_report::terminal::scorecard(
        meta,
        &finished.summary,
        finished.comparison(),
        finished.verdict(),
        color,
    ));
    for c in &finished.comparisons {
        for n in &c.notes {
            printer.warn(n);
        }
    }
    if !finished.gated {
        let mark = if finished.passed(meta) { "✔" } else { "✘" };
        printer.line(format!("{mark} {}", finished.reason(meta)));
    }
}
