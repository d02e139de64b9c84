//! Reading an [`AssertionSpec`] of one of this crate's types into a checked
//! [`Parsed`] form: the value in its typed shape, the threshold in range, the
//! judge keys only where they apply.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use whet_assert::AssertionSpec;

use crate::error::SpecError;

/// The assertion types this crate grades, by their promptfoo names (each may
/// be written with `not-`).
pub const TYPES: &[&str] = &[
    "llm-rubric",
    "g-eval",
    "factuality",
    "answer-relevance",
    "context-faithfulness",
    "similar",
    "script",
];

/// The default threshold of `g-eval`, `answer-relevance` and
/// `context-faithfulness`.
pub const DEFAULT_SCORE_THRESHOLD: f64 = 0.7;

/// The default cosine threshold of `similar`.
pub const DEFAULT_SIMILAR_THRESHOLD: f64 = 0.75;

/// How long a `script` may run unless it sets `timeout_s`.
pub const DEFAULT_SCRIPT_TIMEOUT: Duration = Duration::from_secs(30);

/// Whether `kind` (with or without `not-`) is one of [`TYPES`].
pub fn is_judged(kind: &str) -> bool {
    TYPES.contains(&kind.strip_prefix("not-").unwrap_or(kind))
}

/// What an assertion checks, with its value parsed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Check {
    /// A judge model grades it.
    Judged(Judged),
    /// `similar`: the texts to compare with (the closest one counts).
    Similar(Vec<String>),
    /// `script`.
    Script(Script),
}

/// The types a judge model grades.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Judged {
    /// `llm-rubric`: the rubric text.
    Rubric(String),
    /// `g-eval`: the criteria.
    GEval(Vec<String>),
    /// `factuality`: the reference answer.
    Factuality(String),
    /// `answer-relevance`.
    AnswerRelevance,
    /// `context-faithfulness`.
    ContextFaithfulness,
}

impl Check {
    /// The type name, without `not-`.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Check::Judged(Judged::Rubric(_)) => "llm-rubric",
            Check::Judged(Judged::GEval(_)) => "g-eval",
            Check::Judged(Judged::Factuality(_)) => "factuality",
            Check::Judged(Judged::AnswerRelevance) => "answer-relevance",
            Check::Judged(Judged::ContextFaithfulness) => "context-faithfulness",
            Check::Similar(_) => "similar",
            Check::Script(_) => "script",
        }
    }

    /// Whether a judge model (a chat model) grades it.
    pub(crate) fn needs_judge(&self) -> bool {
        matches!(self, Check::Judged(_))
    }
}

/// How a `script` is run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Script {
    /// `sh -c TEXT` for a string, the argv itself for a list.
    pub(crate) command: Command,
    /// The limit, after which the process group is killed.
    pub(crate) timeout: Duration,
}

/// A script command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Command {
    /// Run with `sh -c`.
    Shell(String),
    /// Run directly (no shell).
    Argv(Vec<String>),
}

impl Command {
    /// The command as the user wrote it, for messages.
    pub(crate) fn display(&self) -> String {
        match self {
            Command::Shell(s) => s.clone(),
            Command::Argv(v) => v.join(" "),
        }
    }
}

/// A checked assertion.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Parsed {
    pub(crate) check: Check,
    pub(crate) negated: bool,
    pub(crate) threshold: Option<f64>,
    pub(crate) samples: u32,
    pub(crate) provider: Option<String>,
    pub(crate) metric: Option<Arc<str>>,
}

/// Checks an assertion of one of [`TYPES`] as far as it can be checked
/// without models: the type, the value's shape, the threshold's range, and
/// that `weight`, `metric`, `normalizeUnicode`, `judge_samples` and
/// `provider` are used where they apply. [`crate::Graders::validate`] adds
/// the checks that need the configured models.
///
/// ```
/// use whet_assert::AssertionSpec;
/// let spec = AssertionSpec::from_json(&serde_json::json!({"type": "similar", "value": "hi", "judge_samples": 3}))?;
/// let err = whet_judge::validate_spec(&spec).unwrap_err();
/// assert_eq!(err.key(), Some("judge_samples"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn validate_spec(spec: &AssertionSpec) -> Result<(), SpecError> {
    parse(spec).map(|_| ())
}

pub(crate) fn parse(spec: &AssertionSpec) -> Result<Parsed, SpecError> {
    let (negated, base) = match spec.kind.strip_prefix("not-") {
        Some(rest) => (true, rest),
        None => (false, spec.kind.as_str()),
    };
    let check = check(base, spec.value.as_ref())?;
    let name = check.name();
    if spec.normalize_unicode.is_some() {
        return Err(SpecError::at(
            "normalizeUnicode",
            format!(
                "\"{name}\" does not take normalizeUnicode (equals, contains* and starts-with do)"
            ),
        ));
    }
    if let Some(w) = spec.weight
        && !(w.is_finite() && w >= 0.0)
    {
        return Err(SpecError::at(
            "weight",
            format!("weight must be a finite number >= 0, not {w}"),
        ));
    }
    let metric = match &spec.metric {
        None => None,
        Some(m) if m.trim().is_empty() => {
            return Err(SpecError::at("metric", "metric must be a non-empty name"));
        }
        Some(m) => Some(Arc::from(m.as_str())),
    };
    let threshold = spec.threshold.map(|t| threshold(&check, t)).transpose()?;
    let samples = match spec.judge_samples {
        None => 1,
        Some(0) => {
            return Err(SpecError::at("judge_samples", "judge_samples must be >= 1"));
        }
        Some(_) if !check.needs_judge() => {
            return Err(SpecError::at(
                "judge_samples",
                format!(
                    "\"{name}\" does not take `judge_samples`: it only applies to model-graded types (llm-rubric, g-eval, factuality, answer-relevance, context-faithfulness)"
                ),
            ));
        }
        Some(n) => n,
    };
    let provider = match &spec.provider {
        Some(_) if matches!(check, Check::Script(_)) => {
            return Err(SpecError::at(
                "provider",
                "\"script\" does not take `provider`: it runs a command, not a model",
            ));
        }
        Some(p) if p.trim().is_empty() => {
            return Err(SpecError::at("provider", "provider must be a model alias"));
        }
        p => p.clone(),
    };
    Ok(Parsed {
        check,
        negated,
        threshold,
        samples,
        provider,
        metric,
    })
}

fn check(base: &str, value: Option<&Value>) -> Result<Check, SpecError> {
    let check = match base {
        "llm-rubric" => Check::Judged(Judged::Rubric(text(base, value, "the rubric")?)),
        "g-eval" => Check::Judged(Judged::GEval(texts(base, value, "the criteria")?)),
        "factuality" => Check::Judged(Judged::Factuality(reference(value)?)),
        "answer-relevance" => no_value(base, value, Judged::AnswerRelevance)?,
        "context-faithfulness" => no_value(base, value, Judged::ContextFaithfulness)?,
        "similar" => Check::Similar(texts(base, value, "the expected text")?),
        "script" => Check::Script(script(value)?),
        other => {
            return Err(SpecError::at(
                "type",
                format!(
                    "\"{other}\" is not graded by a judge, an embedder or a script (those types are: {})",
                    TYPES.join(", ")
                ),
            ));
        }
    };
    Ok(check)
}

/// Scores are in [0, 1] (cosine similarity in [-1, 1]), so a threshold
/// outside can never or always pass: certainly a mistake.
fn threshold(check: &Check, t: f64) -> Result<f64, SpecError> {
    let lowest = if matches!(check, Check::Similar(_)) {
        -1.0
    } else {
        0.0
    };
    if t.is_finite() && (lowest..=1.0).contains(&t) {
        return Ok(t);
    }
    Err(SpecError::at(
        "threshold",
        format!(
            "a \"{}\" threshold is a score between {lowest} and 1, not {t}",
            check.name()
        ),
    ))
}

fn text(name: &str, value: Option<&Value>, what: &str) -> Result<String, SpecError> {
    match value {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        _ => Err(SpecError::at(
            "value",
            format!("\"{name}\" needs a value: {what}, as a non-empty string"),
        )),
    }
}

fn texts(name: &str, value: Option<&Value>, what: &str) -> Result<Vec<String>, SpecError> {
    let bad = || {
        SpecError::at(
            "value",
            format!("\"{name}\" needs a value: {what}, as a non-empty string or a list of them"),
        )
    };
    match value {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(vec![s.clone()]),
        Some(Value::Array(items)) if !items.is_empty() => items
            .iter()
            .map(|v| match v {
                Value::String(s) if !s.trim().is_empty() => Ok(s.clone()),
                _ => Err(bad()),
            })
            .collect(),
        _ => Err(bad()),
    }
}

fn reference(value: Option<&Value>) -> Result<String, SpecError> {
    match value {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err(SpecError::at(
            "value",
            "\"factuality\" needs a value: the reference answer, as a non-empty string",
        )),
    }
}

fn no_value(name: &str, value: Option<&Value>, judged: Judged) -> Result<Check, SpecError> {
    if value.is_none() {
        return Ok(Check::Judged(judged));
    }
    let reads = if name == "answer-relevance" {
        "the query from `vars.query` (else the rendered prompt)"
    } else {
        "the context from `vars.context`"
    };
    Err(SpecError::at(
        "value",
        format!("\"{name}\" does not take a value: it reads {reads}"),
    ))
}

fn script(value: Option<&Value>) -> Result<Script, SpecError> {
    let bad = |msg: &str| {
        SpecError::at(
            "value",
            format!(
                "\"script\" needs a value: a shell command string, or {{command: [program, args...], timeout_s: seconds}}; {msg}"
            ),
        )
    };
    let (command, timeout) = match value {
        Some(Value::String(s)) if !s.trim().is_empty() => {
            (Command::Shell(s.clone()), DEFAULT_SCRIPT_TIMEOUT)
        }
        Some(Value::Object(map)) => {
            if let Some(k) = map
                .keys()
                .find(|k| !matches!(k.as_str(), "command" | "timeout_s"))
            {
                return Err(bad(&format!("unknown key \"{k}\"")));
            }
            let command = match map.get("command") {
                Some(Value::String(s)) if !s.trim().is_empty() => Command::Shell(s.clone()),
                Some(Value::Array(items)) if !items.is_empty() => Command::Argv(
                    items
                        .iter()
                        .map(|v| v.as_str().map(str::to_owned))
                        .collect::<Option<Vec<_>>>()
                        .filter(|argv| argv.first().is_some_and(|p| !p.is_empty()))
                        .ok_or_else(|| bad("`command` must be a list of strings"))?,
                ),
                _ => return Err(bad("`command` is missing or empty")),
            };
            let timeout = match map.get("timeout_s") {
                None | Some(Value::Null) => DEFAULT_SCRIPT_TIMEOUT,
                Some(v) => v
                    .as_f64()
                    .filter(|s| s.is_finite() && *s > 0.0)
                    .and_then(|s| Duration::try_from_secs_f64(s).ok())
                    .ok_or_else(|| bad(&format!("`timeout_s` must be a number > 0, not {v}")))?,
            };
            (command, timeout)
        }
        _ => return Err(bad("it has none")),
    };
    Ok(Script { command, timeout })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(v: Value) -> AssertionSpec {
        AssertionSpec::from_json(&v).unwrap()
    }

    fn err(v: Value) -> SpecError {
        parse(&spec(v)).unwrap_err()
    }

    #[test]
    fn values_are_read_in_their_shapes() {
        let p = parse(&spec(json!({"type": "not-g-eval", "value": ["a", "b"], "threshold": 0.8, "judge_samples": 3, "metric": "tone"}))).unwrap();
        assert_eq!(
            p.check,
            Check::Judged(Judged::GEval(vec!["a".into(), "b".into()]))
        );
        assert!(p.negated);
        assert_eq!(p.threshold, Some(0.8));
        assert_eq!(p.samples, 3);
        assert_eq!(p.metric.as_deref(), Some("tone"));
        let p = parse(&spec(
            json!({"type": "script", "value": {"command": ["python3", "x.py"], "timeout_s": 2.5}}),
        ))
        .unwrap();
        assert_eq!(
            p.check,
            Check::Script(Script {
                command: Command::Argv(vec!["python3".into(), "x.py".into()]),
                timeout: Duration::from_millis(2500),
            })
        );
        let p = parse(&spec(json!({"type": "factuality", "value": 42}))).unwrap();
        assert_eq!(p.check, Check::Judged(Judged::Factuality("42".into())));
    }

    #[test]
    fn mistakes_name_their_key() {
        assert_eq!(err(json!({"type": "llm-rubric"})).key(), Some("value"));
        assert_eq!(
            err(json!({"type": "answer-relevance", "value": "x"})).key(),
            Some("value")
        );
        assert_eq!(
            err(json!({"type": "g-eval", "value": "x", "threshold": 7})).key(),
            Some("threshold")
        );
        assert_eq!(
            err(json!({"type": "similar", "value": "x", "judge_samples": 2})).key(),
            Some("judge_samples")
        );
        assert_eq!(
            err(json!({"type": "script", "value": "true", "provider": "m"})).key(),
            Some("provider")
        );
        assert_eq!(
            err(json!({"type": "llm-rubric", "value": "x", "normalizeUnicode": true})).key(),
            Some("normalizeUnicode")
        );
        assert_eq!(
            err(json!({"type": "script", "value": {"command": "x", "timeout": 3}})).key(),
            Some("value")
        );
        assert_eq!(
            err(json!({"type": "contains", "value": "x"})).key(),
            Some("type")
        );
        assert!(
            parse(&spec(
                json!({"type": "similar", "value": "x", "threshold": -0.2})
            ))
            .is_ok()
        );
        assert!(is_judged("not-script"));
        assert!(!is_judged("contains"));
    }
}
