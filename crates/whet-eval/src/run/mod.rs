//! The runner: every selected case × variant × repeat, called through the
//! response cache with bounded concurrency per provider, graded, and handed
//! to a [`ResultSink`] as it finishes.
//!
//! Design: each job is a tokio task, so in-flight calls keep progressing
//! while the driver writes finished results. At most
//! `sum(per-provider limits)` jobs exist at once and cases are read lazily
//! from the suite, so memory does not grow with the suite. Results reach the
//! sink in completion order; they are keyed by (case, variant, repeat), and
//! everything that needs order (reports, exports) reads them back sorted
//! from the store. Cancelling stops new jobs, drops the in-flight ones and
//! flushes the sink: what finished is kept, and a resumed run skips the
//! keys it already has.

mod grade;
mod select;
mod variant;

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use whet_registry::Diagnostic;
use whet_store::{CacheStatus, ResponseCache};

pub use grade::{ExternalGrade, ExternalGrader, ExternalInput};
pub use select::{Filter, Selection};
pub use variant::{PromptSource, Target, Variant, base_request};

use crate::record::{CaseResult, ToolCallRecord};
use crate::suite::{Case, Suite, SuiteAssertion};
use grade::{ResponseView, grade_all};

/// What can stop a run.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A bad command-line value.
    #[error("{0}")]
    Usage(String),
    /// A dataset changed or broke since the suite was parsed.
    #[error("{}", .0.message)]
    Dataset(Box<Diagnostic>),
    /// Writing results failed.
    #[error("cannot store results: {0}")]
    Sink(String),
}

/// Where finished results go (the store, in the CLI).
pub trait ResultSink {
    /// Takes one finished result.
    fn push(&mut self, result: CaseResult) -> impl Future<Output = Result<(), EvalError>>;
    /// Makes everything pushed durable.
    fn flush(&mut self) -> impl Future<Output = Result<(), EvalError>>;
}

/// Watches results as they finish (the progress bar).
pub trait Progress {
    /// One result finished.
    fn on_result(&mut self, result: &CaseResult);
}

impl Progress for () {
    fn on_result(&mut self, _: &CaseResult) {}
}

/// What to run.
pub struct Plan<'a> {
    /// The suite.
    pub suite: &'a Suite,
    /// Its selected cases.
    pub selection: &'a Selection,
    /// Prompt × model combinations.
    pub variants: Vec<Arc<Variant>>,
    /// Samples per case and variant.
    pub repeat: u32,
    /// Jobs in flight per provider name; providers not listed get
    /// [`Plan::default_concurrency`].
    pub concurrency: HashMap<String, usize>,
    /// Jobs in flight for an unlisted provider.
    pub default_concurrency: usize,
    /// Results already stored (a resumed run): skipped.
    pub done: HashSet<(u64, u32, u32)>,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every job ran.
    Complete,
    /// Cancelled; finished results were kept.
    Interrupted,
}

/// Shared by every job of a run.
struct Shared {
    cache: ResponseCache,
    external: Option<Arc<dyn ExternalGrader>>,
    suite_dir: PathBuf,
    scenarios: Vec<String>,
    default_assert: Vec<SuiteAssertion>,
}

/// `cancel` at this level: start no new job, let the running ones finish.
pub const STOP: u32 = 1;
/// `cancel` at this level: drop the running jobs too.
pub const ABORT: u32 = 2;

/// Runs `plan`. Results go to `sink` and `progress` as they finish. When
/// `cancel` reaches [`STOP`] (a first Ctrl-C) no new job starts and the
/// running ones finish and are kept; at [`ABORT`] (a second) they are
/// dropped. Either way the sink is flushed and the run is
/// [`Outcome::Interrupted`].
pub async fn execute(
    plan: Plan<'_>,
    cache: ResponseCache,
    external: Option<Arc<dyn ExternalGrader>>,
    sink: &mut impl ResultSink,
    progress: &mut impl Progress,
    mut cancel: watch::Receiver<u32>,
) -> Result<Outcome, EvalError> {
    let shared = Arc::new(Shared {
        cache,
        external,
        suite_dir: plan
            .suite
            .path
            .parent()
            .map(PathBuf::from)
            .unwrap_or_default(),
        scenarios: plan
            .suite
            .scenarios
            .iter()
            .map(|s| s.name.clone())
            .collect(),
        default_assert: plan.suite.default_test.assert.clone(),
    });
    let mut limits: HashMap<String, Arc<Semaphore>> = HashMap::new();
    for v in &plan.variants {
        let name = &v.target.provider_name;
        let n = plan
            .concurrency
            .get(name)
            .copied()
            .unwrap_or(plan.default_concurrency)
            .max(1);
        limits
            .entry(name.clone())
            .or_insert_with(|| Arc::new(Semaphore::new(n)));
    }
    let cap: usize = limits
        .values()
        .map(|s| s.available_permits())
        .sum::<usize>()
        .clamp(1, 512);

    let mut jobs = plan.jobs();
    let mut running: JoinSet<CaseResult> = JoinSet::new();
    let stopping = |c: &watch::Receiver<u32>| *c.borrow() >= STOP;
    let (mut exhausted, mut aborted) = (false, false);
    loop {
        while running.len() < cap * 2 && !stopping(&cancel) && !exhausted {
            let Some(job) = jobs.next() else {
                exhausted = true;
                break;
            };
            let job = job?;
            let limit = limits
                .get(&job.variant.target.provider_name)
                .cloned()
                .unwrap_or_else(|| Arc::new(Semaphore::new(1)));
            let shared = Arc::clone(&shared);
            running.spawn(async move {
                // The permit bounds calls per provider; tasks beyond it wait here.
                let _permit = limit.acquire_owned().await;
                run_job(&shared, &job).await
            });
        }
        if running.is_empty() {
            break;
        }
        tokio::select! {
            biased;
            changed = cancel.changed() => {
                if changed.is_err() || *cancel.borrow() >= ABORT {
                    running.abort_all();
                    aborted = true;
                }
            }
            joined = running.join_next() => {
                match joined {
                    Some(Ok(result)) => {
                        progress.on_result(&result);
                        sink.push(result).await?;
                    }
                    Some(Err(e)) if e.is_cancelled() => {}
                    Some(Err(e)) => {
                        tracing::error!(error = %e, "an evaluation task failed");
                    }
                    None => {}
                }
            }
        }
    }
    let outcome = if exhausted && !aborted {
        Outcome::Complete
    } else {
        Outcome::Interrupted
    };
    sink.flush().await?;
    Ok(outcome)
}

/// One case × variant × repeat.
struct Job {
    case_index: u64,
    case: Arc<(Case, String)>,
    variant_index: u32,
    variant: Arc<Variant>,
    repeat: u32,
}

impl Plan<'_> {
    /// Jobs in (case, variant, repeat) order, skipping finished ones.
    fn jobs(&self) -> impl Iterator<Item = Result<Job, EvalError>> + '_ {
        let variants = &self.variants;
        let repeat = self.repeat.max(1);
        let done = &self.done;
        self.selection.cases(self.suite).flat_map(
            move |c| -> Box<dyn Iterator<Item = Result<Job, EvalError>>> {
                match c {
                    Err(e) => Box::new(std::iter::once(Err(e))),
                    Ok((index, case, key)) => {
                        let case = Arc::new((case, key));
                        Box::new(
                            variants
                                .iter()
                                .enumerate()
                                .flat_map(move |(vi, v)| {
                                    let case = Arc::clone(&case);
                                    (0..repeat).map(move |r| (vi, v, r, Arc::clone(&case)))
                                })
                                .filter(move |(vi, _, r, _)| {
                                    !done.contains(&(index, *vi as u32, *r))
                                })
                                .map(move |(vi, v, r, case)| {
                                    Ok(Job {
                                        case_index: index,
                                        case,
                                        variant_index: vi as u32,
                                        variant: Arc::clone(v),
                                        repeat: r,
                                    })
                                }),
                        )
                    }
                }
            },
        )
    }
}

async fn run_job(shared: &Shared, job: &Job) -> CaseResult {
    let (case, key) = &*job.case;
    let t = &case.test;
    let mut result = CaseResult {
        variant: job.variant_index,
        case: job.case_index,
        repeat: job.repeat,
        case_key: key.clone(),
        description: t.description.clone(),
        split: t.split.clone(),
        tags: t.tags.clone(),
        scenario: case.scenario.and_then(|i| shared.scenarios.get(i).cloned()),
        source: format!("{}:{}", t.source.file.display(), t.source.line),
        vars: t.vars.clone(),
        expected: t.expected.clone(),
        output: String::new(),
        tool_calls: Vec::new(),
        error: None,
        pass: false,
        score: 0.0,
        grades: Vec::new(),
        input_tokens: 0,
        output_tokens: 0,
        cost_usd: 0.0,
        latency_ms: None,
        cache: "bypass".into(),
        finish_reason: None,
        grading_cost_usd: 0.0,
    };
    let v = &job.variant;
    let (mut request, prompt_text) = match v.request(&t.vars) {
        Ok(r) => r,
        Err(e) => {
            result.error = Some(e);
            return result;
        }
    };
    // Ask for logprobs only when an assertion reads them: they cost
    // bandwidth, and some providers refuse them.
    request.logprobs = shared
        .default_assert
        .iter()
        .chain(&t.assert)
        .any(grade::needs_logprobs);
    let started = Instant::now();
    let outcome = match shared
        .cache
        .chat(v.target.provider.as_ref(), &request, job.repeat)
        .await
    {
        Ok(o) => o,
        Err(e) => {
            result.error = Some(e.to_string());
            result.latency_ms = Some(started.elapsed().as_secs_f64() * 1000.0);
            return result;
        }
    };
    let r = &outcome.response;
    let cost = v.target.pricing.cost(&r.usage);
    let hit = outcome.cache == CacheStatus::Hit;
    result.latency_ms = Some(r.timing.latency.as_secs_f64() * 1000.0);
    result.cost_usd = if hit { 0.0 } else { cost };
    result.cache = match outcome.cache {
        CacheStatus::Hit => "hit",
        CacheStatus::Miss => "miss",
        CacheStatus::Bypass => "bypass",
    }
    .into();
    result.input_tokens = r.usage.input_tokens;
    result.output_tokens = r.usage.output_tokens;
    result.finish_reason = Some(grade::finish_reason(r));
    result.tool_calls = r
        .tool_calls
        .iter()
        .map(|c| ToolCallRecord {
            name: c.name.clone(),
            arguments: c.arguments.clone(),
        })
        .collect();
    let system = system_prompt(&request);
    let view = ResponseView {
        system_prompt: (!system.is_empty()).then_some(system.as_str()),
        response: r,
        // A cached answer's latency is the original call's: budgets on
        // latency are graded on it, as the report shows it.
        latency_ms: result.latency_ms,
        cost_usd: Some(cost),
        tools: v.tools.as_deref(),
    };
    let input = ExternalInput {
        output: &r.content,
        vars: &t.vars,
        expected: t.expected.as_ref(),
        prompt: &prompt_text,
        suite_dir: &shared.suite_dir,
    };
    let graded = grade_all(
        shared.default_assert.iter().chain(&t.assert),
        &view,
        input,
        t.threshold,
        shared.external.as_deref(),
    )
    .await;
    result.output = r.content.clone();
    result.grades = graded.grades;
    result.pass = graded.pass;
    result.score = graded.score;
    result.error = graded.error;
    result.grading_cost_usd = graded.grading_cost_usd;
    result
}

/// The text of a request's system messages, joined.
fn system_prompt(request: &whet_providers::ChatRequest) -> String {
    request
        .messages
        .iter()
        .filter(|m| m.role == whet_providers::ChatRole::System)
        .map(|m| m.content.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}
