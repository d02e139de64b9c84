//! What a run records: its identity ([`RunMeta`], enough to trace every
//! number back to a prompt version, model, dataset and whet build) and one
//! [`CaseResult`] per case × variant × repeat. Both are serialized as JSON
//! into the store, the JSON/JSONL outputs and the reports; this module is the
//! single definition of that shape.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Version of the record shape; bumped when a field changes meaning.
pub const RECORD_VERSION: u32 = 1;

/// Everything that identifies a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunMeta {
    /// [`RECORD_VERSION`] when written.
    pub record_version: u32,
    /// The run id, e.g. `20261125-121500-3fa2`.
    pub id: String,
    /// RFC 3339 UTC start time.
    pub created_at: String,
    /// The suite.
    pub suite: SuiteInfo,
    /// Every dataset the suite reads, with its hash.
    pub datasets: Vec<DatasetInfo>,
    /// The prompt × model combinations, in report order. Result records
    /// refer to them by index.
    pub variants: Vec<VariantInfo>,
    /// How the run was asked for.
    pub options: RunOptions,
    /// Number of cases selected (after filter and sample); each runs once
    /// per variant and repeat.
    pub cases: u64,
    /// `whet --version` of the build that ran it.
    pub whet_version: String,
    /// `git rev-parse HEAD` of the project, with `-dirty` when the tree had
    /// changes; `None` outside git.
    pub git_commit: Option<String>,
}

impl RunMeta {
    /// Number of results a complete run has.
    pub fn expected_results(&self) -> u64 {
        self.cases * self.variants.len() as u64 * u64::from(self.options.repeat.max(1))
    }
}

/// The suite file of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuiteInfo {
    /// As given on the command line.
    pub path: String,
    /// sha256 of its bytes.
    pub sha256: String,
    /// `description`.
    pub description: Option<String>,
    /// `promptfoo` when the suite was imported from a promptfoo config,
    /// `whet` otherwise.
    pub format: String,
}

/// A dataset file of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetInfo {
    /// Path relative to the project (or as the suite names it).
    pub path: String,
    /// sha256 of its bytes.
    pub sha256: String,
    /// Rows in it.
    pub rows: u64,
}

/// Which side of a comparison a variant is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// What is being evaluated (every variant of a plain run).
    #[default]
    Candidate,
    /// The reference it is compared with (`--baseline prompt:LABEL`).
    Baseline,
}

/// One prompt version × model combination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantInfo {
    /// A short display name, unique in the run, e.g.
    /// `support-reply@1.1.0 · qwen-local`.
    pub name: String,
    /// Candidate or baseline.
    #[serde(default)]
    pub role: Role,
    /// The prompt's name.
    pub prompt: String,
    /// The reference as the suite or command line wrote it (`NAME`,
    /// `NAME@1.1.0`, `NAME:production`).
    pub reference: String,
    /// Released version, `None` for the working copy or an inline prompt.
    pub version: Option<String>,
    /// Label it was resolved through, if any.
    pub label: Option<String>,
    /// Content hash of the normalized prompt.
    pub content_hash: String,
    /// Model alias from whet.toml (or the promptfoo provider id).
    pub model_alias: String,
    /// Configured provider name.
    pub provider: String,
    /// The model as the provider knows it.
    pub model: String,
    /// Sampling parameters sent (temperature, top_p, max_tokens, seed, ...).
    pub params: Value,
}

/// Options of a run, recorded so `--resume` continues the same run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunOptions {
    /// Samples per case and variant.
    pub repeat: u32,
    /// `--filter` expressions, as given.
    pub filter: Vec<String>,
    /// `--sample N`.
    pub sample: Option<u64>,
    /// Seed of the sample and of randomized statistics.
    pub seed: u64,
    /// Cache mode used.
    pub cache: String,
    /// `--baseline RUN`: the stored run this one is compared with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_run: Option<String>,
}

/// The grade of one assertion on one output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeRecord {
    /// The assertion's type as written, with `not-` (e.g. `not-contains`).
    pub assertion: String,
    /// Its `metric`, if named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    /// Passed?
    pub pass: bool,
    /// Score in [0, 1] (metric types give the metric).
    pub score: f64,
    /// Weight in the case score.
    pub weight: f64,
    /// Why.
    pub reason: String,
    /// For `choice`: the label the output was read as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// For judged assertions with `judge_samples > 1`: the share of judge
    /// samples that agreed with the majority verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<f64>,
    /// The assertion could not be graded (e.g. a judge call failed); the
    /// case counts as an error, not a failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A tool call in an output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolCallRecord {
    /// Tool name.
    pub name: String,
    /// Arguments as the model wrote them.
    pub arguments: String,
}

/// One case × variant × repeat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseResult {
    /// Index into [`RunMeta::variants`].
    pub variant: u32,
    /// 0-based index of the case among the selected cases, in suite order.
    pub case: u64,
    /// 0-based sample index.
    pub repeat: u32,
    /// A stable identity of the case's content (vars, expected, scenario),
    /// used to pair cases across runs.
    pub case_key: String,
    /// `description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `split`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<String>,
    /// `tags`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Scenario name, when the suite has scenarios.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// `file:line` the case was read from.
    pub source: String,
    /// Variables after `defaultTest` and the scenario.
    pub vars: Map<String, Value>,
    /// `expected`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<Value>,
    /// The model's text output.
    pub output: String,
    /// Tool calls the model made.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCallRecord>,
    /// Why the case could not be graded (render error, provider error,
    /// an assertion that could not be evaluated). An errored case is
    /// neither a pass nor a failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The case passed: no error, every assertion graded, and the weighted
    /// score reached the threshold (or, without one, every assertion passed).
    pub pass: bool,
    /// Weighted mean of assertion scores (1 when there are none).
    pub score: f64,
    /// Assertion grades, `defaultTest` ones first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grades: Vec<GradeRecord>,
    /// Prompt tokens.
    pub input_tokens: u64,
    /// Generated tokens.
    pub output_tokens: u64,
    /// Cost of the call in USD (0 for a cache hit: nothing was spent now).
    pub cost_usd: f64,
    /// Wall time of the model call in ms; for a cache hit, the original
    /// call's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<f64>,
    /// `hit`, `miss` or `bypass`.
    pub cache: String,
    /// Why generation stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finish_reason: Option<String>,
    /// Tokens and cost spent by judges grading this case.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub grading_cost_usd: f64,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

impl CaseResult {
    /// The key a result is stored under: (case, variant, repeat).
    pub fn key(&self) -> (u64, u32, u32) {
        (self.case, self.variant, self.repeat)
    }

    /// Whether the case errored (neither pass nor fail).
    pub fn is_error(&self) -> bool {
        self.error.is_some()
    }
}

/// Aggregates of one run, per variant: what the terminal scorecard, the
/// reports and the gate read. Built streaming from [`CaseResult`]s by
/// [`crate::summary`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Summary {
    /// One per variant, in [`RunMeta::variants`] order.
    pub variants: Vec<VariantSummary>,
}

/// Pass counts of a group of results (a variant, a split, a tag).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PassCounts {
    /// Group name (split or tag; the variant name for the whole variant).
    pub name: String,
    /// Results in the group.
    pub total: u64,
    /// Passed.
    pub passed: u64,
    /// Errored (neither passed nor failed; excluded from the rate).
    pub errors: u64,
    /// passed / (total - errors); `None` when nothing was graded.
    pub pass_rate: Option<f64>,
    /// Wilson 95% interval of the pass rate.
    pub ci_low: Option<f64>,
    /// Wilson 95% interval of the pass rate.
    pub ci_high: Option<f64>,
}

/// A named score (an assertion's `metric`, or its type when unnamed, or a
/// derived metric such as `macro_f1`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricSummary {
    /// The name.
    pub name: String,
    /// Graded values.
    pub count: u64,
    /// Mean score.
    pub mean: f64,
    /// 95% interval of the mean (bootstrap or Wilson for 0/1 scores);
    /// `None` for derived metrics.
    pub ci_low: Option<f64>,
    /// 95% interval of the mean.
    pub ci_high: Option<f64>,
}

/// Per-label metrics of a `choice` assertion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelRow {
    /// The label.
    pub label: String,
    /// Precision.
    pub precision: Option<f64>,
    /// Recall.
    pub recall: Option<f64>,
    /// F1.
    pub f1: Option<f64>,
    /// Cases whose expected label this is.
    pub support: u64,
}

/// Classification results of `choice` assertions, against each case's
/// `expected` label. An output that is none of the labels is the
/// pseudo-label `(none)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassificationSummary {
    /// Row and column labels of the matrix.
    pub labels: Vec<String>,
    /// `matrix[expected][predicted]` counts.
    pub matrix: Vec<Vec<u64>>,
    /// Per label.
    pub per_label: Vec<LabelRow>,
    /// Accuracy.
    pub accuracy: Option<f64>,
    /// Macro-averaged F1.
    pub macro_f1: Option<f64>,
}

/// Aggregates of one variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct VariantSummary {
    /// Index into [`RunMeta::variants`].
    pub variant: u32,
    /// Its display name.
    pub name: String,
    /// All results of the variant.
    pub overall: PassCounts,
    /// Per split, sorted by name; cases without a split are `(none)`.
    pub by_split: Vec<PassCounts>,
    /// Per tag, sorted by name.
    pub by_tag: Vec<PassCounts>,
    /// Per metric, sorted by name.
    pub metrics: Vec<MetricSummary>,
    /// Classification, when the suite uses `choice`.
    pub classification: Option<ClassificationSummary>,
    /// Prompt tokens.
    pub input_tokens: u64,
    /// Generated tokens.
    pub output_tokens: u64,
    /// USD spent on the model calls.
    pub cost_usd: f64,
    /// USD spent by judges.
    pub grading_cost_usd: f64,
    /// Median latency of the model calls in ms.
    pub latency_p50_ms: Option<f64>,
    /// 95th percentile latency in ms.
    pub latency_p95_ms: Option<f64>,
    /// Results served from the response cache.
    pub cache_hits: u64,
    /// Mean agreement of repeated judge samples, when any assertion used
    /// `judge_samples > 1`.
    pub judge_agreement: Option<f64>,
}

/// A candidate compared with a baseline over the same cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// What the baseline is: a variant name or `run RUN_ID · variant`.
    pub baseline: String,
    /// What the candidate is.
    pub candidate: String,
    /// Cases present on both sides (paired by [`CaseResult::case_key`] and
    /// repeat); errored pairs are left out.
    pub pairs: u64,
    /// Cases only one side has (a changed dataset); reported, not compared.
    pub unpaired: u64,
    /// Per metric: `pass_rate` first, then each named metric, then
    /// `cost_usd` and `latency_ms`.
    pub metrics: Vec<MetricDelta>,
}

/// Whether higher or lower values of a metric are better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// Scores and pass rates.
    Higher,
    /// Cost and latency.
    Lower,
}

/// The verdict on one metric's change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Significantly better.
    Improved,
    /// Significantly worse.
    Regressed,
    /// No significant difference.
    NoChange,
}

/// One metric, baseline vs candidate, paired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricDelta {
    /// `pass_rate`, a metric name, `cost_usd` or `latency_ms`.
    pub metric: String,
    /// Which direction is better.
    pub better: Better,
    /// Baseline mean over the pairs.
    pub baseline: f64,
    /// Candidate mean over the pairs.
    pub candidate: f64,
    /// candidate − baseline.
    pub delta: f64,
    /// Paired bootstrap 95% interval of the delta.
    pub ci_low: f64,
    /// Paired bootstrap 95% interval of the delta.
    pub ci_high: f64,
    /// Two-sided p-value of the paired test.
    pub p_value: f64,
    /// The test: `mcnemar-exact`, `wilcoxon`, `sign-flip`.
    pub test: String,
    /// Pairs used.
    pub n: u64,
    /// The verdict at the 5% level.
    pub change: Change,
}

/// A gate's decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateVerdict {
    /// Every check passed.
    pub passed: bool,
    /// One line: `gate passed: …` or the first failing check.
    pub reason: String,
    /// Every check, in the order the gate lists them.
    pub checks: Vec<GateCheck>,
}

/// One check of a gate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateCheck {
    /// What was checked, e.g. `min_pass_rate[golden] >= 0.90`.
    pub name: String,
    /// Passed?
    pub passed: bool,
    /// The measured value and the limit, in words.
    pub detail: String,
}
