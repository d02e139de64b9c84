//! promptfoo assertions as whet's: types mapped one to one where whet has
//! them, an error naming the closest alternative where it has not.

use serde_json::{Map, Value};
use whet_assert::{AssertionType, ParseError};

use super::{Hint, error, fields, warn};
use crate::suite::yaml::{Node, Yaml};
use crate::suite::{EXTERNAL_TYPES, Reader, SuiteAssertion, assertion_help, compile};

const KEYS: &[&str] = &[
    "type",
    "value",
    "threshold",
    "weight",
    "metric",
    "normalizeUnicode",
    "provider",
];
const IGNORED: &[Hint] = &[
    (
        "config",
        "assertion `config` is only read by JavaScript and Python graders, which whet does not run",
    ),
    (
        "rubricPrompt",
        "write the grading instructions into the `llm-rubric` value",
    ),
    (
        "transform",
        "whet grades the raw output; move the transformation into the prompt or a `script` assertion",
    ),
    (
        "contextTransform",
        "pass the context as a test variable instead",
    ),
];

/// promptfoo types whet does not have, with the closest whet alternative.
const UNSUPPORTED: &[Hint] = &[
    (
        "javascript",
        "whet does not run JavaScript: write the check as a `script` assertion (a command that grades the output), or use a built-in type such as `regex` or `contains-all`",
    ),
    (
        "python",
        "whet does not run Python graders in-process: make the grader a `script` assertion (a command that grades the output)",
    ),
    (
        "ruby",
        "whet does not run Ruby: write the check as a `script` assertion (a command that grades the output)",
    ),
    (
        "webhook",
        "whet makes no calls to grade: wrap the webhook in a `script` assertion",
    ),
    (
        "moderation",
        "use `llm-rubric` with a rubric that names what must not appear",
    ),
    (
        "guardrails",
        "use `llm-rubric` with a rubric that names what must not appear",
    ),
    (
        "classifier",
        "use `llm-rubric` (a judge model) or `choice` when the output is one of a few labels",
    ),
    (
        "context-recall",
        "use `context-faithfulness` or an `llm-rubric`",
    ),
    (
        "context-relevance",
        "use `context-faithfulness` or an `llm-rubric`",
    ),
    (
        "conversation-relevance",
        "use `answer-relevance` or an `llm-rubric`",
    ),
    (
        "model-graded-closedqa",
        "use `llm-rubric` with the question's criterion",
    ),
    (
        "select-best",
        "whet grades each output on its own: compare prompts or models with the run's report and gate",
    ),
    (
        "max-score",
        "whet grades each output on its own: compare prompts or models with the run's report and gate",
    ),
    (
        "human",
        "whet has no manual grading: use an `llm-rubric` or review the run's report",
    ),
    (
        "is-xml",
        "use `regex` for a structural check, or a `script` assertion with a real parser",
    ),
    (
        "contains-xml",
        "use `regex` for a structural check, or a `script` assertion with a real parser",
    ),
    (
        "is-html",
        "use `regex` for a structural check, or a `script` assertion with a real parser",
    ),
    (
        "contains-html",
        "use `regex` for a structural check, or a `script` assertion with a real parser",
    ),
    (
        "is-sql",
        "use `regex` for a structural check, or a `script` assertion with a real parser",
    ),
    (
        "contains-sql",
        "use `regex` for a structural check, or a `script` assertion with a real parser",
    ),
    ("meteor", "use `rouge-n` or `bleu`"),
    ("gleu", "use `bleu` or `rouge-n`"),
    ("rouge-l", "use `rouge-n`"),
    ("rouge-s", "use `rouge-n`"),
    ("is-valid-function-call", "use `is-valid-openai-tools-call`"),
    ("similar:dot", "use `similar` (cosine similarity)"),
    ("similar:euclidean", "use `similar` (cosine similarity)"),
    ("pi", "use an `llm-rubric`"),
    ("search-rubric", "use an `llm-rubric`"),
    ("agent-rubric", "use an `llm-rubric`"),
    (
        "tool-call-f1",
        "use `is-valid-openai-tools-call`, or a `script` assertion that compares the calls",
    ),
    (
        "skill-used",
        "use `is-valid-openai-tools-call`, or a `script` assertion",
    ),
    (
        "trace-error-spans",
        "whet does not grade traces: use a `script` assertion",
    ),
    (
        "trace-span-count",
        "whet does not grade traces: use a `script` assertion",
    ),
    (
        "trace-span-duration",
        "whet does not grade traces: use `latency`",
    ),
    (
        "assert-set",
        "flatten the set into the test's `assert` list, with `weight`s and a test `threshold`",
    ),
];

/// Why an assertion cannot be imported.
pub(super) struct Refusal {
    pub message: String,
    /// The key at fault (`type`, `value`, ...), when one is.
    pub key: Option<&'static str>,
    pub help: String,
}

/// The whet type for a promptfoo type (`not-` kept), or why there is none.
fn map_type(kind: &str) -> Result<String, Refusal> {
    let (neg, base) = kind
        .strip_prefix("not-")
        .map_or(("", kind), |b| ("not-", b));
    let mapped = match base {
        "model-graded-factuality" => "factuality",
        "similar:cosine" => "similar",
        b => b,
    };
    let hint = UNSUPPORTED
        .iter()
        .find(|(n, _)| *n == mapped)
        .map(|(_, h)| *h)
        .or_else(|| {
            mapped.starts_with("trajectory:").then_some(
                "use `is-valid-openai-tools-call`, or a `script` assertion that checks the calls",
            )
        });
    match hint {
        Some(h) => Err(Refusal {
            message: format!("promptfoo's `{kind}` assertion is not supported by whet"),
            key: Some("type"),
            help: h.to_owned(),
        }),
        None => Ok(format!("{neg}{mapped}")),
    }
}

/// Whether whet grades the (mapped) type with a judge model or embeddings,
/// which is what `provider` chooses.
fn judged(kind: &str) -> bool {
    let base = kind.strip_prefix("not-").unwrap_or(kind);
    base != "script" && EXTERNAL_TYPES.contains(&base)
}

/// Whether the (mapped) type reads a threshold in whet.
fn takes_threshold(kind: &str) -> bool {
    let base = kind.strip_prefix("not-").unwrap_or(kind);
    AssertionType::from_name(base).is_none_or(AssertionType::takes_threshold)
}

/// Converts a promptfoo assertion object (from a CSV row): maps its type,
/// drops a threshold whet's type would refuse (promptfoo ignores it there),
/// and compiles it.
pub(super) fn convert(mut obj: Map<String, Value>) -> Result<SuiteAssertion, Refusal> {
    let kind = obj
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let mapped = map_type(&kind)?;
    if !takes_threshold(&mapped) {
        obj.remove("threshold");
    }
    obj.insert("type".into(), Value::String(mapped));
    compile(&Value::Object(obj)).map_err(|e| refusal(&e))
}

fn refusal(e: &ParseError) -> Refusal {
    Refusal {
        message: e.message().to_owned(),
        key: e.key(),
        help: assertion_help(e),
    }
}

/// Reads an `assert` list.
pub(super) fn assertions(r: &mut Reader, node: &Node) -> Vec<SuiteAssertion> {
    let Yaml::Seq(items) = &node.value else {
        r.wrong_type("assert", node, "a list of assertions");
        return Vec::new();
    };
    items.iter().filter_map(|n| assertion(r, n)).collect()
}

fn assertion(r: &mut Reader, node: &Node) -> Option<SuiteAssertion> {
    let entries = r.map("an assertion", node)?;
    // The type first: an unsupported one is the only thing worth saying.
    let Some((_, ty)) = entries.iter().find(|(k, _)| k.as_str() == Some("type")) else {
        error(
            r,
            "missing-key",
            node.span.clone(),
            "missing `type` in an assertion",
            "this assertion",
            "add `type:` (e.g. contains, equals, regex, is-json, llm-rubric)",
        );
        return None;
    };
    let kind = r.string("type", ty)?;
    let mapped = match map_type(&kind) {
        Ok(m) => m,
        Err(e) => {
            error(
                r,
                "unsupported-assertion",
                ty.span.clone(),
                e.message,
                "unsupported assertion type",
                e.help,
            );
            return None;
        }
    };
    let fields = fields(r, entries, KEYS, IGNORED, "an assertion");
    let get = |k: &str| fields.iter().find(|f| f.name == k);
    let mut obj = Map::new();
    obj.insert("type".into(), Value::String(mapped.clone()));
    for f in &fields {
        match f.name {
            "type" => {}
            "provider" => provider(r, f.key, f.value, &mapped, &mut obj),
            name => {
                obj.insert(name.to_owned(), f.value.to_json());
            }
        }
    }
    match compile(&Value::Object(obj)) {
        Ok(a) => {
            warn_templated_value(r, &a, get("value").map(|f| f.value));
            Some(a)
        }
        Err(e) => {
            let span = e
                .key()
                .and_then(get)
                .map_or(node.span.clone(), |f| f.value.span.clone());
            let label = format!("invalid `{}`", e.key().unwrap_or("assertion"));
            error(
                r,
                "bad-assertion",
                span,
                e.message().to_owned(),
                &label,
                assertion_help(&e),
            );
            None
        }
    }
}

/// An assertion's `provider`: kept (as the judge's model) on model-graded
/// types when it is a name; otherwise a warning.
fn provider(r: &mut Reader, key: &Node, value: &Node, kind: &str, obj: &mut Map<String, Value>) {
    match value.as_str() {
        Some(id) if judged(kind) => {
            obj.insert("provider".into(), Value::String(id.to_owned()));
        }
        Some(_) => {
            let msg = format!("`provider` on a `{kind}` assertion is ignored");
            warn(
                r,
                "ignored-key",
                key.span.clone(),
                msg,
                "ignored",
                "only model-graded assertions call a model; promptfoo ignores it here too",
            );
        }
        None => {
            let msg = "an inline provider definition on an assertion is not imported";
            warn(
                r,
                "ignored-key",
                key.span.clone(),
                msg,
                "ignored",
                "name the judge's model with a whet model alias: `provider: ALIAS`",
            );
        }
    }
}

/// promptfoo fills `{{ var }}` in assertion values; a compiled (deterministic)
/// whet assertion checks the text as written.
fn warn_templated_value(r: &mut Reader, a: &SuiteAssertion, value: Option<&Node>) {
    let Some(value) = value else { return };
    if a.compiled.is_none() || !value.to_json().to_string().contains("{{") {
        return;
    }
    let msg = "this assertion's value has a `{{ variable }}`: promptfoo fills it in per test, whet checks the text as written";
    warn(
        r,
        "assertion-template",
        value.span.clone(),
        msg,
        "not rendered",
        "write the literal value in each test (or in a CSV `__expected` column)",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_map_or_are_refused_with_a_hint() {
        assert_eq!(
            map_type("not-model-graded-factuality").ok().as_deref(),
            Some("not-factuality")
        );
        assert_eq!(map_type("similar:cosine").ok().as_deref(), Some("similar"));
        assert_eq!(
            map_type("icontains-any").ok().as_deref(),
            Some("icontains-any")
        );
        let e = map_type("not-javascript")
            .err()
            .map(|e| e.help)
            .unwrap_or_default();
        assert!(e.contains("`script`"), "{e}");
        let e = map_type("trajectory:tool-used")
            .err()
            .map(|e| e.help)
            .unwrap_or_default();
        assert!(e.contains("script"), "{e}");
    }

    #[test]
    fn thresholds_are_dropped_only_where_whet_refuses_them() {
        assert!(!takes_threshold("starts-with"));
        assert!(takes_threshold("not-levenshtein"));
        assert!(takes_threshold("similar"));
    }
}
