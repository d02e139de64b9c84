//! What a grader reads ([`GradeContext`]) and what it returns ([`Grade`]).

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::Value;

use crate::tools::ToolSchema;

/// The verdict of one assertion on one output.
#[derive(Debug, Clone, PartialEq)]
pub struct Grade {
    /// Whether the assertion holds (after `not-` negation).
    pub pass: bool,
    /// The score in promptfoo's sense: 1 or 0 for pass/fail types, the metric
    /// itself for metric types (`rouge-n`, `bleu`, `perplexity-score`), and
    /// `1 - score` under `not-`.
    pub score: f64,
    /// Why, in promptfoo's words where promptfoo has words for it.
    /// `"Assertion passed"` on success for most types. A `Cow` so that passing
    /// grades, the common case, allocate nothing.
    pub reason: Cow<'static, str>,
    /// The assertion's `metric` name, when it has one.
    pub metric: Option<Arc<str>>,
    /// For `choice`: the label the output was read as (in the spelling the
    /// assertion lists), or `None` when the output is none of the labels. The
    /// runner builds per-label precision, recall and the confusion matrix
    /// from it.
    pub label: Option<Arc<str>>,
}

pub(crate) const PASSED: &str = "Assertion passed";

impl Grade {
    pub(crate) fn new(pass: bool, score: f64, reason: impl Into<Cow<'static, str>>) -> Self {
        Grade {
            pass,
            score,
            reason: reason.into(),
            metric: None,
            label: None,
        }
    }

    /// A pass/fail grade: score 1 or 0, `"Assertion passed"` when it passes,
    /// `fail` (built only when needed) when it does not.
    pub(crate) fn binary(pass: bool, fail: impl FnOnce() -> String) -> Self {
        if pass {
            Grade::new(true, 1.0, PASSED)
        } else {
            Grade::new(false, 0.0, fail())
        }
    }
}

/// Token counts of one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TokenUsage {
    /// Prompt tokens.
    pub input: u64,
    /// Generated tokens.
    pub output: u64,
}

/// A tool call the model made, as the provider reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToolCallRef<'a> {
    /// Which tool.
    pub name: &'a str,
    /// The arguments as the model wrote them: JSON text, possibly invalid.
    pub arguments: &'a str,
}

/// Everything about one model response that an assertion may look at. The
/// runner fills it once per case; every field but `output` is optional, and an
/// assertion that needs a missing one returns a [`GradeError`].
///
/// ```
/// use whet_assert::GradeContext;
/// let ctx = GradeContext { output: "hello", latency_ms: Some(120.0), ..Default::default() };
/// assert_eq!(ctx.output, "hello");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct GradeContext<'a> {
    /// The output text. When the provider returned structured output (an
    /// object, tool calls without text), this is its compact JSON, as
    /// promptfoo's `JSON.stringify` would print it.
    pub output: &'a str,
    /// The provider's output when it was not plain text (an object or an
    /// array, e.g. OpenAI tool calls or a `{content, tool_calls}` message).
    /// Read by `equals` and the `is-valid-openai-*` types.
    pub output_json: Option<&'a Value>,
    /// Tool calls parsed by the provider. When not empty, the
    /// `is-valid-openai-*` types validate these.
    pub tool_calls: &'a [ToolCallRef<'a>],
    /// Wall time of the call in milliseconds; `None` for a cached response.
    pub latency_ms: Option<f64>,
    /// Cost of the call in USD; `None` when the provider gave no price.
    pub cost_usd: Option<f64>,
    /// Why generation stopped, as the provider said it (`stop`, `length`,
    /// `tool_calls`, ...).
    pub finish_reason: Option<&'a str>,
    /// Token counts.
    pub usage: Option<TokenUsage>,
    /// Natural-log probabilities of the generated tokens.
    pub logprobs: Option<&'a [f64]>,
    /// The tool (function) schemas the prompt offered the model; `None` when
    /// it offered no tools configuration at all. Read by both
    /// `is-valid-openai-*` types.
    pub tools: Option<&'a [ToolSchema]>,
    /// The system prompt the model was given, when the runner knows it.
    /// Read by `no-leak`, which then also fails an output that reproduces a
    /// long run of it.
    pub system_prompt: Option<&'a str>,
}

/// An assertion could not be graded on this response: the response lacks what
/// the assertion measures. promptfoo throws in these cases; the runner records
/// the case as an error, not as a failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GradeError {
    /// `latency` on a response with no latency (a cached one).
    #[error(
        "Latency assertion does not support cached results. Rerun the eval with --no-cache (the response has no latency)"
    )]
    MissingLatency,
    /// `cost` on a response with no cost.
    #[error(
        "Cost assertion does not support providers that do not return cost (the response has no cost)"
    )]
    MissingCost,
    /// `perplexity` or `perplexity-score` on a response without logprobs.
    #[error(
        "{0} assertion does not support providers that do not return logProbs: ask the provider for logprobs"
    )]
    MissingLogprobs(&'static str),
    /// `tokens` on a response without token usage.
    #[error("tokens assertion needs token usage, and the provider did not report it")]
    MissingUsage,
    /// `is-valid-openai-tools-call` for a prompt that offers no tools.
    #[error(
        "Tools are expected to be an array of objects with a function property: the prompt declares no tools"
    )]
    MissingTools,
    /// A `regex` with lookaround or backreferences gave up on this output
    /// (its backtracking limit was reached).
    #[error("regex {pattern:?} could not be evaluated on this output: {message}")]
    Regex {
        /// The pattern.
        pattern: String,
        /// What the regex engine said.
        message: String,
    },
}
