//! `whet eval`: parse a suite (or a promptfoo config), build the prompt ×
//! model variants, run them through the cache into the store with a progress
//! bar, then summarize, compare with the baseline, apply the gate and write
//! the reports. `--resume RUN` continues a stopped run.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sha2::{Digest, Sha256};
use tokio::runtime::Runtime;
use tokio::sync::watch;
use whet_core::PromptRef;
use whet_eval::record::{
    CaseResult, DatasetInfo, RECORD_VERSION, Role, RunMeta, RunOptions, SuiteInfo,
};
use whet_eval::run::{
    EvalError, Filter, Outcome, Plan, Progress, ResultSink, Selection, Target, Variant, execute,
};
use whet_registry::{Project, Registry};
use whet_store::{CacheMode, NewRun, ResponseCache, ResultRow, RunStatus, Store};

use crate::ExitStatus;
use crate::args::{EvalArgs, GlobalArgs};
use crate::error::CliError;
use crate::models::{ModelTarget, Models};
use crate::printer::Printer;
use crate::report::{self, LoadedSuite};

pub fn run(args: &EvalArgs, global: &GlobalArgs, printer: Printer) -> Result<ExitStatus, CliError> {
    let project = super::project(global)?;
    let rt = report::runtime()?;
    let store = rt.block_on(Store::open(&report::database_url(
        &project,
        args.database_url.as_deref(),
    )))?;
    let mut models = Models::new(&project, printer);
    let prepared = match &args.resume {
        Some(id) => resume(&rt, &store, &project, &mut models, id, printer)?,
        None => fresh(&rt, &store, &project, &mut models, args, printer)?,
    };
    let Prepared {
        meta,
        loaded,
        selection,
        variants,
        done,
        concurrency,
    } = prepared;

    let mode = cache_mode(args.cache.as_deref(), &project, &meta)?;
    let cache = ResponseCache::new(store.clone(), mode);
    let external = match crate::judges::graders(&mut models, &loaded.suite, &cache, printer) {
        Ok(e) => e,
        Err(e) => {
            // The run exists in the store: say it never got going.
            let _ = rt.block_on(store.set_run_status(&meta.id, RunStatus::Failed, None));
            return Err(e);
        }
    };
    let total = meta.expected_results();
    printer.note(&format!(
        "run {} · {} case(s) × {} variant(s) × {} repeat(s) = {total} result(s){}",
        meta.id,
        meta.cases,
        meta.variants.len(),
        meta.options.repeat,
        if done.is_empty() {
            String::new()
        } else {
            format!(" · {} already done", done.len())
        }
    ));
    let plan = Plan {
        suite: &loaded.suite,
        selection: &selection,
        variants,
        repeat: meta.options.repeat,
        concurrency,
        default_concurrency: 8,
        done: done.clone(),
    };
    let mut bar = Bar::new(total, done.len() as u64, printer, args.json);
    let mut sink = StoreSink::new(&store, &meta.id);
    let started = Instant::now();
    let outcome = rt.block_on(async {
        let (tx, rx) = watch::channel(0_u32);
        tokio::spawn(async move {
            // First Ctrl-C: finish the calls in flight, start no more.
            // Second: drop them too.
            while tokio::signal::ctrl_c().await.is_ok() {
                tx.send_modify(|level| *level += 1);
                if *tx.borrow() == whet_eval::run::STOP {
                    eprintln_note(
                        "stopping: finishing the calls in flight (Ctrl-C again to drop them)",
                    );
                }
            }
        });
        execute(plan, cache, external, &mut sink, &mut bar, rx).await
    });
    bar.pb.finish_and_clear();
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) => {
            let _ = rt.block_on(store.set_run_status(&meta.id, RunStatus::Failed, None));
            return Err(CliError::Usage(format!("the run failed: {e}")));
        }
    };
    if outcome == Outcome::Interrupted {
        rt.block_on(store.set_run_status(&meta.id, RunStatus::Interrupted, None))?;
        printer.warn(&format!(
            "interrupted after {:.1}s: {} result(s) kept; continue with `whet eval --resume {}`",
            started.elapsed().as_secs_f64(),
            bar.done,
            meta.id
        ));
        return Ok(ExitStatus::Failure);
    }
    let finished = report::finalize(&rt, &store, &meta, Some(&loaded.suite))?;
    rt.block_on(store.set_run_status(&meta.id, RunStatus::Complete, Some(&finished.to_json())))?;
    report::write_outputs(&rt, &store, &meta, &finished, &args.outputs, printer)?;
    report::print(&meta, &finished, args.json, printer);
    Ok(finished.exit_status(&meta))
}

/// A note on stderr from the signal task (no printer there).
fn eprintln_note(text: &str) {
    use std::io::Write;
    let _ = writeln!(anstream::stderr(), "{text}");
}

/// Everything a run needs before it starts.
struct Prepared {
    meta: RunMeta,
    loaded: LoadedSuite,
    selection: Selection,
    variants: Vec<Arc<Variant>>,
    done: HashSet<(u64, u32, u32)>,
    concurrency: HashMap<String, usize>,
}

fn fresh(
    rt: &Runtime,
    store: &Store,
    project: &Project,
    models: &mut Models<'_>,
    args: &EvalArgs,
    printer: Printer,
) -> Result<Prepared, CliError> {
    let (path, promptfoo) = match (&args.suite, &args.config) {
        (_, Some(c)) => (c.clone(), true),
        (Some(s), None) => (s.clone(), false),
        (None, None) => {
            return Err(CliError::Usage(
                "name a suite: `whet eval evals/NAME.yaml` (or -c promptfooconfig.yaml)".into(),
            ));
        }
    };
    let loaded = report::load_suite(&path, promptfoo, printer)?;
    let filters = args
        .filters
        .iter()
        .map(|f| Filter::parse(f))
        .collect::<Result<Vec<_>, _>>()
        .map_err(eval_err)?;
    let selection =
        Selection::new(&loaded.suite, &filters, args.sample, args.seed).map_err(eval_err)?;
    if selection.is_empty() {
        return Err(CliError::Usage(
            "no case matches: check --filter and the suite's tests".into(),
        ));
    }
    let registry = Registry::new(project);
    let baseline = Baseline::parse(args.baseline.as_deref(), rt, store)?;
    let mut variants = build_variants(&loaded, &registry, models, &args.models, &baseline)?;
    name_variants(&mut variants);
    let concurrency = concurrency(models, &variants, args.concurrency);
    let mode_name = crate::report::cache_mode_name(project, args.cache.as_deref());
    let meta = RunMeta {
        record_version: RECORD_VERSION,
        id: new_run_id(),
        created_at: report::now(),
        suite: SuiteInfo {
            path: report::relative(project, &path),
            sha256: sha256_file(&path)?,
            description: loaded.suite.description.clone(),
            format: if promptfoo { "promptfoo" } else { "whet" }.into(),
        },
        datasets: loaded
            .suite
            .datasets
            .iter()
            .map(|d| DatasetInfo {
                path: report::relative(project, &d.path),
                sha256: d.sha256.clone(),
                rows: d.rows as u64,
            })
            .collect(),
        variants: variants.iter().map(|v| v.info.clone()).collect(),
        options: RunOptions {
            repeat: args.repeat,
            filter: args.filters.clone(),
            sample: args.sample,
            seed: args.seed,
            cache: mode_name,
            baseline_run: match &baseline {
                Baseline::Run(id) => Some(id.clone()),
                _ => None,
            },
        },
        cases: selection.len(),
        whet_version: env!("CARGO_PKG_VERSION").into(),
        git_commit: git_commit(&project.root),
    };
    let meta_json = serde_json::to_string(&meta).map_err(|e| CliError::Usage(e.to_string()))?;
    rt.block_on(store.create_run(&NewRun {
        id: &meta.id,
        created_at: &meta.created_at,
        suite: &meta.suite.path,
        meta_json: &meta_json,
    }))?;
    Ok(Prepared {
        meta,
        loaded,
        selection,
        variants: variants.into_iter().map(Arc::new).collect(),
        done: HashSet::new(),
        concurrency,
    })
}

fn resume(
    rt: &Runtime,
    store: &Store,
    project: &Project,
    models: &mut Models<'_>,
    id: &str,
    printer: Printer,
) -> Result<Prepared, CliError> {
    let row = if id == "latest" {
        rt.block_on(store.latest_run(None))?
            .ok_or_else(|| CliError::Usage("no runs yet: nothing to resume".into()))?
    } else {
        rt.block_on(store.find_run(id))?
    };
    if row.status == RunStatus::Complete {
        return Err(CliError::Usage(format!(
            "run {} is complete: nothing to resume (see `whet runs show {}`)",
            row.id, row.id
        )));
    }
    let meta: RunMeta = serde_json::from_str(&row.meta)
        .map_err(|e| CliError::Usage(format!("run {} has unreadable metadata: {e}", row.id)))?;
    let path = project.root.join(&meta.suite.path);
    let now = sha256_file(&path)?;
    if now != meta.suite.sha256 {
        return Err(CliError::Usage(format!(
            "{} changed since run {} started: a resumed run must evaluate the same suite; start a new run instead",
            meta.suite.path, meta.id
        )));
    }
    let loaded = report::load_suite(&path, meta.suite.format == "promptfoo", printer)?;
    for (d, info) in loaded.suite.datasets.iter().zip(&meta.datasets) {
        if d.sha256 != info.sha256 {
            return Err(CliError::Usage(format!(
                "dataset {} changed since run {} started; start a new run instead",
                info.path, meta.id
            )));
        }
    }
    let filters = meta
        .options
        .filter
        .iter()
        .map(|f| Filter::parse(f))
        .collect::<Result<Vec<_>, _>>()
        .map_err(eval_err)?;
    let selection = Selection::new(
        &loaded.suite,
        &filters,
        meta.options.sample,
        meta.options.seed,
    )
    .map_err(eval_err)?;
    let registry = Registry::new(project);
    let mut variants = Vec::new();
    for info in &meta.variants {
        let target = target_for(&loaded, models, &info.model_alias)?;
        let v = if loaded.suite.inline_prompts.is_empty() {
            let reference: PromptRef = info
                .reference
                .parse()
                .map_err(|e: whet_core::RefError| CliError::Usage(e.to_string()))?;
            Variant::registry(
                registry.resolve(&reference)?,
                &info.reference,
                target,
                info.role,
            )
        } else {
            let p = loaded
                .suite
                .inline_prompts
                .iter()
                .find(|p| p.name == info.prompt)
                .ok_or_else(|| {
                    CliError::Usage(format!("prompt {} is gone from the config", info.prompt))
                })?;
            Variant::inline(p.clone(), target)
        };
        if v.info.content_hash != info.content_hash {
            return Err(CliError::Usage(format!(
                "{} resolves to different content than when run {} started (a label moved or the working copy changed); start a new run instead",
                info.reference, meta.id
            )));
        }
        let mut v = v;
        v.info.name.clone_from(&info.name);
        variants.push(v);
    }
    let done: HashSet<_> = rt
        .block_on(store.result_keys(&row.id))?
        .into_iter()
        .collect();
    rt.block_on(store.set_run_status(&row.id, RunStatus::Running, None))?;
    let concurrency = concurrency(models, &variants, None);
    Ok(Prepared {
        meta,
        loaded,
        selection,
        variants: variants.into_iter().map(Arc::new).collect(),
        done,
        concurrency,
    })
}

/// What `--baseline` names.
enum Baseline {
    None,
    /// A prompt reference, evaluated now on the same cases.
    Prompt(PromptRef),
    /// A stored run.
    Run(String),
}

impl Baseline {
    fn parse(value: Option<&str>, rt: &Runtime, store: &Store) -> Result<Baseline, CliError> {
        let Some(v) = value else {
            return Ok(Baseline::None);
        };
        if v.contains(':') || v.contains('@') {
            return v
                .parse()
                .map(Baseline::Prompt)
                .map_err(|e: whet_core::RefError| {
                    CliError::Usage(format!(
                        "--baseline {v}: {e}; write NAME:LABEL, NAME@VERSION or a run id"
                    ))
                });
        }
        match rt.block_on(store.find_run(v)) {
            Ok(row) => Ok(Baseline::Run(row.id)),
            Err(e) => Err(CliError::Usage(format!(
                "--baseline {v}: {e}; write NAME:LABEL, NAME@VERSION or a run id (`whet runs list`)"
            ))),
        }
    }
}

fn build_variants(
    loaded: &LoadedSuite,
    registry: &Registry<'_>,
    models: &mut Models<'_>,
    explicit: &[String],
    baseline: &Baseline,
) -> Result<Vec<Variant>, CliError> {
    let suite = &loaded.suite;
    let suite_models: Vec<String> = if explicit.is_empty() {
        suite.models.iter().map(|m| m.value.clone()).collect()
    } else {
        explicit.to_vec()
    };
    let mut out = Vec::new();
    for p in &suite.prompts {
        let reference = p.value.to_string();
        let resolved = registry.resolve(&p.value)?;
        let aliases = if suite_models.is_empty() {
            vec![models.pick(None, resolved.prompt.spec.model.alias.as_deref())?]
        } else {
            suite_models.clone()
        };
        for alias in &aliases {
            let target = target_for(loaded, models, alias)?;
            out.push(Variant::registry(
                registry.resolve(&p.value)?,
                &reference,
                target.clone(),
                Role::Candidate,
            ));
            if let Baseline::Prompt(b) = baseline
                && b.name == p.value.name
            {
                out.push(Variant::registry(
                    registry.resolve(b)?,
                    &b.to_string(),
                    target,
                    Role::Baseline,
                ));
            }
        }
    }
    for p in &suite.inline_prompts {
        let aliases = if suite_models.is_empty() {
            vec![models.pick(None, None)?]
        } else {
            suite_models.clone()
        };
        for alias in &aliases {
            out.push(Variant::inline(
                p.clone(),
                target_for(loaded, models, alias)?,
            ));
        }
    }
    if let Baseline::Prompt(b) = baseline
        && !out.iter().any(|v| v.info.role == Role::Baseline)
    {
        return Err(CliError::Usage(format!(
            "--baseline {b}: the suite evaluates no prompt named `{}`",
            b.name
        )));
    }
    if out.is_empty() {
        return Err(CliError::Usage("the suite names no prompts".into()));
    }
    Ok(out)
}

/// Display names: `REF · ALIAS`, unique in the run.
fn name_variants(variants: &mut [Variant]) {
    let mut seen: HashMap<String, u32> = HashMap::new();
    for v in variants.iter_mut() {
        let mut name = format!("{} · {}", v.info.reference, v.info.model_alias);
        let n = seen.entry(name.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            name = format!("{name} #{n}");
        }
        v.info.name = name;
    }
}

/// A model target from a whet alias, or (promptfoo configs) a provider id.
fn target_for(
    loaded: &LoadedSuite,
    models: &mut Models<'_>,
    name: &str,
) -> Result<Target, CliError> {
    let (t, overrides) = match loaded.providers.iter().find(|p| p.name() == name) {
        Some(p) => (models.target_or_adhoc(&p.id)?, p.config.clone()),
        None => (models.target(name)?, serde_json::Map::new()),
    };
    Ok(into_target(t, name, overrides))
}

fn into_target(
    t: ModelTarget,
    alias: &str,
    overrides: serde_json::Map<String, serde_json::Value>,
) -> Target {
    Target {
        alias: alias.to_owned(),
        provider_name: t.provider_name,
        provider: t.provider,
        model: t.model,
        pricing: t.pricing,
        overrides,
    }
}

fn concurrency(
    models: &Models<'_>,
    variants: &[Variant],
    explicit: Option<u32>,
) -> HashMap<String, usize> {
    variants
        .iter()
        .map(|v| {
            let name = v.target.provider_name.clone();
            let n = explicit.map_or_else(|| models.concurrency(&name), |n| n as usize);
            (name, n)
        })
        .collect()
}

fn cache_mode(
    explicit: Option<&str>,
    project: &Project,
    meta: &RunMeta,
) -> Result<CacheMode, CliError> {
    let name = explicit.map_or_else(
        || meta.options.cache.clone(),
        |_| crate::report::cache_mode_name(project, explicit),
    );
    crate::report::parse_cache_mode(&name)
}

fn eval_err(e: EvalError) -> CliError {
    CliError::Usage(e.to_string())
}

fn sha256_file(path: &Path) -> Result<String, CliError> {
    let bytes = fs_err::read(path)?;
    Ok(Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// `YYYYMMDD-HHMMSS-xxxx`: sortable, and unique enough for one project.
fn new_run_id() -> String {
    let now = time::OffsetDateTime::now_utc();
    let nanos = now.unix_timestamp_nanos();
    let salt = Sha256::digest(format!("{nanos}-{}", std::process::id()).as_bytes());
    format!(
        "{:04}{:02}{:02}-{:02}{:02}{:02}-{:02x}{:02x}",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        salt[0],
        salt[1]
    )
}

/// HEAD of the project's git work tree, `-dirty` with uncommitted changes.
fn git_commit(root: &Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let head = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let dirty = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["status", "--porcelain", "--untracked-files=no"])
        .output()
        .ok()
        .is_some_and(|o| !o.stdout.is_empty());
    Some(if dirty { format!("{head}-dirty") } else { head })
}

/// Writes finished results to the store in batches: every 256 results or
/// every 200 ms, whichever comes first, so a crash loses at most the last
/// moment of work (which a resume redoes).
struct StoreSink<'s> {
    store: &'s Store,
    run_id: String,
    buffer: Vec<ResultRow>,
    last_flush: Instant,
}

impl<'s> StoreSink<'s> {
    fn new(store: &'s Store, run_id: &str) -> Self {
        Self {
            store,
            run_id: run_id.to_owned(),
            buffer: Vec::with_capacity(256),
            last_flush: Instant::now(),
        }
    }
}

impl ResultSink for StoreSink<'_> {
    async fn push(&mut self, r: CaseResult) -> Result<(), EvalError> {
        let body = serde_json::to_string(&r).map_err(|e| EvalError::Sink(e.to_string()))?;
        self.buffer.push(ResultRow {
            case_idx: r.case,
            variant: r.variant,
            repeat: r.repeat,
            pass: r.pass,
            error: r.error.is_some(),
            score: if r.score.is_nan() { 0.0 } else { r.score },
            body,
        });
        if self.buffer.len() >= 256 || self.last_flush.elapsed().as_millis() >= 200 {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), EvalError> {
        if !self.buffer.is_empty() {
            self.store
                .insert_results(&self.run_id, &self.buffer)
                .await
                .map_err(|e| EvalError::Sink(e.to_string()))?;
            self.buffer.clear();
        }
        self.last_flush = Instant::now();
        Ok(())
    }
}

/// The progress bar: done/total, cases/s, pass rate, tokens, cost, ETA.
struct Bar {
    pb: ProgressBar,
    done: u64,
    passed: u64,
    graded: u64,
    tokens: u64,
    cost: f64,
}

impl Bar {
    fn new(total: u64, already: u64, printer: Printer, json: bool) -> Bar {
        let pb = ProgressBar::with_draw_target(
            Some(total),
            if printer.is_quiet() || json {
                ProgressDrawTarget::hidden()
            } else {
                ProgressDrawTarget::stderr()
            },
        );
        pb.set_style(
            ProgressStyle::with_template(
                "{bar:28.cyan/blue} {pos}/{len} · {per_sec} · {msg} · ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        pb.set_position(already);
        pb.reset_eta();
        Bar {
            pb,
            done: 0,
            passed: 0,
            graded: 0,
            tokens: 0,
            cost: 0.0,
        }
    }
}

impl Progress for Bar {
    fn on_result(&mut self, r: &CaseResult) {
        self.done += 1;
        if r.error.is_none() {
            self.graded += 1;
            self.passed += u64::from(r.pass);
        }
        self.tokens += r.input_tokens + r.output_tokens;
        self.cost += r.cost_usd + r.grading_cost_usd;
        let rate = if self.graded == 0 {
            "-".to_owned()
        } else {
            format!("{:.1}%", 100.0 * self.passed as f64 / self.graded as f64)
        };
        self.pb.set_message(format!(
            "pass {rate} · {} tok · ${:.4}",
            self.tokens, self.cost
        ));
        self.pb.inc(1);
    }
}
