//! Grading one response: the compiled assertions in-process, the external
//! ones (judges, embeddings, scripts) through an [`ExternalGrader`].

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use futures::future::BoxFuture;
use serde_json::{Map, Value, json};
use whet_assert::{
    AssertionSpec, AssertionType, Grade, GradeContext, TokenUsage, ToolCallRef, ToolSchema,
};
use whet_providers::ChatResponse;
use whet_registry::template::Renderer;

use crate::record::GradeRecord;
use crate::suite::SuiteAssertion;

/// What an external grader sees of a case.
#[derive(Debug, Clone, Copy)]
pub struct ExternalInput<'a> {
    /// The model's output.
    pub output: &'a str,
    /// The case's vars.
    pub vars: &'a Map<String, Value>,
    /// The case's `expected`.
    pub expected: Option<&'a Value>,
    /// The rendered prompt as text.
    pub prompt: &'a str,
    /// The suite's folder (scripts run there).
    pub suite_dir: &'a Path,
}

/// An external grade.
#[derive(Debug, Clone)]
pub struct ExternalGrade {
    /// The verdict.
    pub grade: Grade,
    /// Agreement of repeated judge samples.
    pub agreement: Option<f64>,
    /// USD the grading cost.
    pub cost_usd: f64,
}

/// Grades the assertion types whet-assert does not compile
/// ([`crate::suite::EXTERNAL_TYPES`]).
pub trait ExternalGrader: Send + Sync {
    /// Grades one assertion; an `Err` is recorded as an errored grade.
    fn grade<'a>(
        &'a self,
        spec: &'a AssertionSpec,
        input: ExternalInput<'a>,
    ) -> BoxFuture<'a, Result<ExternalGrade, String>>;
}

/// The outcome of grading one response.
#[derive(Debug, Clone, Default)]
pub(crate) struct Graded {
    pub grades: Vec<GradeRecord>,
    pub pass: bool,
    pub score: f64,
    pub error: Option<String>,
    pub grading_cost_usd: f64,
}

/// Everything about a response the in-process assertions read.
pub(crate) struct ResponseView<'a> {
    pub response: &'a ChatResponse,
    pub latency_ms: Option<f64>,
    pub cost_usd: Option<f64>,
    pub tools: Option<&'a [ToolSchema]>,
    /// The request's system prompt, for `no-leak`.
    pub system_prompt: Option<&'a str>,
}

/// Grades `assertions` in order and combines them into the case verdict:
/// with a `threshold`, the weighted score must reach it; without, every
/// assertion must pass. Any grade that could not be computed makes the case
/// an error.
pub(crate) async fn grade_all<'a>(
    assertions: impl Iterator<Item = &'a SuiteAssertion>,
    view: &ResponseView<'_>,
    input: ExternalInput<'_>,
    threshold: Option<f64>,
    external: Option<&dyn ExternalGrader>,
) -> Graded {
    let r = view.response;
    let calls: Vec<ToolCallRef<'_>> = r
        .tool_calls
        .iter()
        .map(|c| ToolCallRef {
            name: &c.name,
            arguments: &c.arguments,
        })
        .collect();
    let calls_json = (!r.tool_calls.is_empty()).then(|| {
        Value::Array(
            r.tool_calls
                .iter()
                .map(|c| json!({"type": "function", "function": {"name": c.name, "arguments": c.arguments}}))
                .collect(),
        )
    });
    let finish = finish_reason(r);
    let logprobs: Option<Vec<f64>> = r
        .logprobs
        .as_ref()
        .map(|v| v.iter().map(|t| t.logprob).collect());
    let ctx = GradeContext {
        output: &r.content,
        output_json: calls_json.as_ref(),
        tool_calls: &calls,
        latency_ms: view.latency_ms,
        cost_usd: view.cost_usd,
        finish_reason: Some(finish.as_str()),
        usage: Some(TokenUsage {
            input: r.usage.input_tokens,
            output: r.usage.output_tokens,
        }),
        logprobs: logprobs.as_deref(),
        tools: view.tools,
        system_prompt: view.system_prompt,
    };
    let mut out = Graded::default();
    for a in assertions {
        let weight = a.weight();
        let record = match &a.compiled {
            Some(compiled) => match compiled.grade(&ctx) {
                Ok(g) => record(&a.spec, weight, &g, None),
                Err(e) => errored(&a.spec, weight, e.to_string()),
            },
            None => match (external, with_vars(&a.spec, input.vars)) {
                (_, Err(e)) => errored(&a.spec, weight, e),
                (Some(ext), Ok(spec)) => match ext.grade(&spec, input).await {
                    Ok(g) => {
                        out.grading_cost_usd += g.cost_usd;
                        record(&a.spec, weight, &g.grade, g.agreement)
                    }
                    Err(e) => errored(&a.spec, weight, e),
                },
                (None, Ok(_)) => errored(
                    &a.spec,
                    weight,
                    format!("no grader for `{}` is configured", a.spec.kind),
                ),
            },
        };
        out.grades.push(record);
    }
    combine(&mut out, threshold);
    out
}

/// The spec with `{{ var }}` in a string value rendered from the case's
/// vars, as promptfoo does for rubrics ("Mentions {{ product }}").
/// Deterministic assertions were compiled at parse time and take values as
/// written.
fn with_vars<'s>(
    spec: &'s AssertionSpec,
    vars: &Map<String, Value>,
) -> Result<Cow<'s, AssertionSpec>, String> {
    let Some(Value::String(text)) = &spec.value else {
        return Ok(Cow::Borrowed(spec));
    };
    if !text.contains("{{") && !text.contains("{%") {
        return Ok(Cow::Borrowed(spec));
    }
    let rendered = Renderer::new(&BTreeMap::new())
        .render(text, vars)
        .map_err(|e| format!("cannot render the `{}` value: {}", spec.kind, e.message))?;
    let mut spec = spec.clone();
    spec.value = Some(Value::String(rendered));
    Ok(Cow::Owned(spec))
}

fn combine(out: &mut Graded, threshold: Option<f64>) {
    if let Some(e) = out.grades.iter().find_map(|g| g.error.as_ref()) {
        out.error = Some(e.clone());
        out.pass = false;
        out.score = 0.0;
        return;
    }
    let total_weight: f64 = out.grades.iter().map(|g| g.weight).sum();
    out.score = if total_weight > 0.0 {
        out.grades.iter().map(|g| g.score * g.weight).sum::<f64>() / total_weight
    } else {
        1.0
    };
    out.pass = match threshold {
        Some(t) => out.score >= t,
        None => out.grades.iter().all(|g| g.pass),
    };
}

fn record(spec: &AssertionSpec, weight: f64, g: &Grade, agreement: Option<f64>) -> GradeRecord {
    GradeRecord {
        assertion: spec.kind.clone(),
        metric: spec.metric.clone(),
        pass: g.pass,
        score: g.score,
        weight,
        reason: g.reason.to_string(),
        label: g.label.as_deref().map(str::to_owned),
        agreement,
        error: None,
    }
}

fn errored(spec: &AssertionSpec, weight: f64, message: String) -> GradeRecord {
    GradeRecord {
        assertion: spec.kind.clone(),
        metric: spec.metric.clone(),
        pass: false,
        score: 0.0,
        weight,
        reason: message.clone(),
        label: None,
        agreement: None,
        error: Some(message),
    }
}

/// Whether an assertion reads the output's token logprobs.
pub(crate) fn needs_logprobs(a: &SuiteAssertion) -> bool {
    a.compiled.as_ref().is_some_and(|c| {
        matches!(
            c.ty(),
            AssertionType::Perplexity | AssertionType::PerplexityScore
        )
    })
}

/// The finish reason in OpenAI's words.
pub(crate) fn finish_reason(r: &ChatResponse) -> String {
    use whet_providers::FinishReason as F;
    match &r.finish_reason {
        F::Stop => "stop".into(),
        F::Length => "length".into(),
        F::ToolCalls => "tool_calls".into(),
        F::ContentFilter => "content_filter".into(),
        F::Other(s) => s.clone(),
    }
}
