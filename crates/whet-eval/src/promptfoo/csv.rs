//! CSV test files of a promptfoo config, read the way promptfoo reads them:
//! `__expected` columns hold assertions written as strings.

use serde_json::{Map, Value};
use whet_registry::{Diagnostic, SourceFile};

use super::assertions::convert;
use crate::suite::dataset::{RowError, row_error};
use crate::suite::{CaseSource, TestCase};

/// promptfoo's assertion type names, as its `__expected` strings may start
/// with them (its `BaseAssertionTypes`).
const TYPES: &[&str] = &[
    "answer-relevance",
    "bleu",
    "classifier",
    "contains",
    "contains-all",
    "contains-any",
    "contains-html",
    "contains-json",
    "contains-sql",
    "contains-xml",
    "context-faithfulness",
    "context-recall",
    "context-relevance",
    "conversation-relevance",
    "cost",
    "equals",
    "factuality",
    "finish-reason",
    "g-eval",
    "gleu",
    "guardrails",
    "icontains",
    "icontains-all",
    "icontains-any",
    "is-html",
    "is-json",
    "is-refusal",
    "is-sql",
    "is-valid-function-call",
    "is-valid-openai-function-call",
    "is-valid-openai-tools-call",
    "is-xml",
    "javascript",
    "latency",
    "levenshtein",
    "llm-rubric",
    "pi",
    "meteor",
    "model-graded-closedqa",
    "model-graded-factuality",
    "moderation",
    "perplexity",
    "perplexity-score",
    "python",
    "regex",
    "rouge-l",
    "rouge-n",
    "rouge-s",
    "ruby",
    "select-best",
    "similar",
    "similar:cosine",
    "similar:dot",
    "similar:euclidean",
    "starts-with",
    "tool-call-f1",
    "skill-used",
    "trajectory:goal-success",
    "trajectory:tool-args-match",
    "trajectory:step-count",
    "trajectory:tool-sequence",
    "trajectory:tool-used",
    "trace-error-spans",
    "trace-span-count",
    "trace-span-duration",
    "search-rubric",
    "webhook",
    "word-count",
];

/// Types whose value is kept exactly as written (a JSON Schema).
const RAW_TYPES: &[&str] = &["contains-json", "is-json"];
/// Types promptfoo gives a threshold of 0.75 (0.8 for `similar`) when the
/// string names none.
const DEFAULT_THRESHOLD: &[&str] = &[
    "answer-relevance",
    "classifier",
    "context-faithfulness",
    "context-recall",
    "context-relevance",
    "cost",
    "latency",
    "levenshtein",
    "perplexity-score",
    "perplexity",
    "rouge-l",
    "rouge-n",
    "rouge-s",
    "similar",
    "starts-with",
];
const JS_EXTS: &[&str] = &[".js", ".cjs", ".mjs", ".ts", ".cts", ".mts", ".jsx", ".tsx"];

/// promptfoo's `assertionFromString`: `type:value`, `type(threshold):value`,
/// `not-type:value`, the legacy `javascript:` / `fn:` / `eval:` / `grade:` /
/// `python:` prefixes and `file://` graders; anything else is `equals`.
pub(super) fn assertion_from_string(expected: &str) -> Map<String, Value> {
    let (kind, value, threshold) = legacy(expected)
        .or_else(|| typed(expected))
        .unwrap_or_else(|| ("equals".to_owned(), Some(expected.to_owned()), None));
    let mut obj = Map::new();
    obj.insert("type".into(), Value::String(kind));
    if let Some(v) = value {
        obj.insert("value".into(), Value::String(v));
    }
    if let Some(t) = threshold {
        obj.insert("threshold".into(), Value::from(t));
    }
    obj
}

type Parsed = (String, Option<String>, Option<f64>);

fn legacy(s: &str) -> Option<Parsed> {
    let some = |kind: &str, value: &str| Some((kind.to_owned(), Some(value.to_owned()), None));
    for prefix in ["javascript:", "fn:", "eval:"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            return some("javascript", rest.trim());
        }
    }
    for prefix in ["grade:", "llm-rubric:"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            return some("llm-rubric", rest);
        }
    }
    if let Some(rest) = s.strip_prefix("python:") {
        return some("python", rest.trim());
    }
    let file = s.strip_prefix("file://")?;
    let lower = file.to_ascii_lowercase();
    let path = match lower.rsplit_once(':') {
        Some((p, f)) if !f.is_empty() && !f.contains(['/', '\\', ':']) => p.to_owned(),
        _ => lower,
    };
    if path.ends_with(".py") {
        return some("python", s);
    }
    if JS_EXTS.iter().any(|e| path.ends_with(e)) {
        return some("javascript", file.trim());
    }
    None
}

/// `[not-]TYPE[(N)][:VALUE]`, the longest matching type winning.
fn typed(s: &str) -> Option<Parsed> {
    let (neg, rest) = s.strip_prefix("not-").map_or(("", s), |r| ("not-", r));
    let (ty, threshold, value) = TYPES
        .iter()
        .filter_map(|t| tail(rest.strip_prefix(t)?).map(|(th, v)| (*t, th, v)))
        .max_by_key(|(t, _, _)| t.len())?;
    let value = value.map(|v| {
        if RAW_TYPES.contains(&ty) {
            v.to_owned()
        } else {
            v.trim().to_owned()
        }
    });
    let threshold = threshold.or_else(|| {
        DEFAULT_THRESHOLD
            .contains(&ty)
            .then_some(if ty == "similar" { 0.8 } else { 0.75 })
    });
    // List values (`contains-any:a,b`) stay strings: whet-assert splits them
    // the way promptfoo does (quoted fields may hold commas).
    Some((format!("{neg}{ty}"), value, threshold))
}

/// What follows a type name: an optional `(N)`, then nothing or `:VALUE`.
fn tail(after: &str) -> Option<(Option<f64>, Option<&str>)> {
    let (threshold, after) = match after.strip_prefix('(') {
        Some(inner) => {
            let close = inner.find(')')?;
            let num = &inner[..close];
            let well_formed = !num.is_empty()
                && num
                    .split_once('.')
                    .map_or(num.bytes().all(|b| b.is_ascii_digit()), |(a, b)| {
                        !a.is_empty()
                            && !b.is_empty()
                            && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
                    });
            if !well_formed {
                return None;
            }
            (Some(num.parse::<f64>().ok()?), &inner[close + 1..])
        }
        None => (None, after),
    };
    if after.is_empty() {
        return Some((threshold, None));
    }
    after.strip_prefix(':').map(|v| (threshold, Some(v)))
}

/// One row of a promptfoo CSV file as a case.
pub(crate) fn csv_row_case(
    obj: Map<String, Value>,
    source: CaseSource,
) -> Result<TestCase, RowError> {
    let mut t = TestCase::empty(source);
    let mut expected: Vec<Map<String, Value>> = Vec::new();
    let mut metric: Option<String> = None;
    let mut configs: Vec<(usize, f64)> = Vec::new();
    for (key, value) in obj {
        let key = key.trim();
        let value = match value {
            Value::String(s) => s,
            other => other.to_string(),
        };
        if key.starts_with("__expected") {
            if !value.trim().is_empty() {
                expected.push(assertion_from_string(value.trim()));
            }
            continue;
        }
        match key {
            // Warned about once, at the header.
            "__prefix" | "__suffix" | "__providerOutput" | "__provider_output" | "__metadata" => {}
            "__description" => t.description = (!value.is_empty()).then_some(value),
            "__metric" => metric = (!value.is_empty()).then_some(value),
            "__threshold" => t.threshold = threshold(&value)?,
            k if k.starts_with("__metadata:") => t
                .tags
                .extend(metadata_tags(&k["__metadata:".len()..], &value)),
            k if k.starts_with("__config:") => configs.extend(config_column(k, &value)?),
            _ => {
                t.vars.insert(key.to_owned(), Value::String(value));
            }
        }
    }
    for (i, mut a) in expected.into_iter().enumerate() {
        if let Some(m) = &metric {
            a.insert("metric".into(), Value::String(m.clone()));
        }
        if let Some((_, th)) = configs.iter().rev().find(|(j, _)| *j == i) {
            a.insert("threshold".into(), Value::from(*th));
        }
        let a = convert(a).map_err(|e| {
            let at = e.key.map_or(String::new(), |k| format!(" (`{k}`)"));
            row_error(
                format!("bad assertion in an `__expected` column{at}: {}", e.message),
                "bad assertion",
                e.help,
            )
        })?;
        t.assert.push(a);
    }
    Ok(t)
}

/// `__threshold`: a number, or empty for none.
fn threshold(value: &str) -> Result<Option<f64>, RowError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    match v.parse::<f64>() {
        Ok(f) if f.is_finite() => Ok(Some(f)),
        _ => Err(row_error(
            format!("`__threshold` must be a number, found `{value}`"),
            "not a number",
            "write a number such as 0.8, or leave the cell empty",
        )),
    }
}

/// `__config:__expectedN:threshold`: (index of the assertion, threshold).
fn config_column(key: &str, value: &str) -> Result<Option<(usize, f64)>, RowError> {
    let bad = |msg: String| {
        row_error(
            msg,
            "bad `__config` column",
            "write `__config:__expected:threshold` or `__config:__expectedN:threshold` (N from 1) with a number",
        )
    };
    let parts: Vec<&str> = key["__config:".len()..].split(':').collect();
    let [expected, setting] = parts.as_slice() else {
        return Err(bad(format!(
            "`{key}` is not a `__config` column promptfoo knows"
        )));
    };
    let index = match expected.strip_prefix("__expected") {
        Some("") => 0,
        Some(digits) => match digits.parse::<usize>() {
            Ok(n) if n >= 1 && n.to_string() == digits => n - 1,
            _ => {
                return Err(bad(format!(
                    "`{expected}` in `{key}` is not `__expected` or `__expectedN`"
                )));
            }
        },
        None => {
            return Err(bad(format!(
                "`{expected}` in `{key}` is not `__expected` or `__expectedN`"
            )));
        }
    };
    if *setting != "threshold" {
        return Err(bad(format!(
            "`{key}` sets `{setting}`: only `threshold` can be set this way"
        )));
    }
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    match v.parse::<f64>() {
        Ok(f) if f.is_finite() => Ok(Some((index, f))),
        _ => Err(bad(format!("`{key}` must be a number, found `{value}`"))),
    }
}

/// `__metadata:KEY` (one tag) or `__metadata:KEY[]` (comma-separated, `\,`
/// for a literal comma) as `KEY=value` tags.
fn metadata_tags(key: &str, value: &str) -> Vec<String> {
    if value.trim().is_empty() {
        return Vec::new();
    }
    let Some(key) = key.strip_suffix("[]") else {
        return vec![format!("{key}={value}")];
    };
    let mut items = Vec::new();
    let mut current = String::new();
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&',') => {
                current.push(',');
                chars.next();
            }
            ',' => items.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    items.push(current);
    items
        .iter()
        .map(|i| i.trim())
        .filter(|i| !i.is_empty())
        .map(|i| format!("{key}={i}"))
        .collect()
}

/// Columns promptfoo reads that whet ignores, and single-underscore
/// look-alikes of the special columns (which both read as variables).
/// `file` is called only when there is something to report, so a clean file
/// is never loaded whole.
pub(crate) fn csv_header_warnings(
    headers: &[String],
    file: impl FnOnce() -> SourceFile,
) -> Vec<Diagnostic> {
    let found: Vec<ColumnWarning<'_>> = headers
        .iter()
        .filter_map(|h| header_warning(h.trim()))
        .collect();
    if found.is_empty() {
        return Vec::new();
    }
    let file = file();
    let first_line = file.text.split('\n').next().unwrap_or("");
    found
        .into_iter()
        .map(|w| {
            let span = first_line
                .find(w.name)
                .map_or(0..0, |i| i..i + w.name.len());
            Diagnostic::warning("ignored-column", &file, Some(span), w.message)
                .with_label(w.label)
                .with_help(w.help)
        })
        .collect()
}

struct ColumnWarning<'h> {
    name: &'h str,
    message: String,
    label: &'static str,
    help: &'static str,
}

/// Columns whose name starts like a special one but with one underscore.
const SPECIAL: &[&str] = &[
    "expected",
    "prefix",
    "suffix",
    "description",
    "providerOutput",
    "metric",
    "threshold",
    "metadata",
    "config",
];

fn header_warning(h: &str) -> Option<ColumnWarning<'_>> {
    let ignored = |help| ColumnWarning {
        name: h,
        message: format!("column `{h}` is not supported by whet and is ignored"),
        label: "ignored",
        help,
    };
    match h {
        "__prefix" => return Some(ignored("put the text at the start of the prompt template")),
        "__suffix" => return Some(ignored("put the text at the end of the prompt template")),
        "__providerOutput" | "__provider_output" => {
            return Some(ignored("whet always calls the model: drop the column"));
        }
        "__metadata" => {
            return Some(ignored(
                "a metadata column names its key: `__metadata:category`",
            ));
        }
        _ => {}
    }
    let rest = h.strip_prefix('_').filter(|r| !r.starts_with('_'))?;
    SPECIAL
        .iter()
        .any(|s| rest.starts_with(s))
        .then(|| ColumnWarning {
            name: h,
            message: format!("column `{h}` is read as a variable; did you mean `_{h}`?"),
            label: "a variable",
            help: "special columns start with two underscores",
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(s: &str) -> Value {
        Value::Object(assertion_from_string(s))
    }

    // Expected values transcribed from promptfoo's own tests of
    // `assertionFromString` (test/csv.test.ts).
    #[test]
    fn assertion_strings_read_like_promptfoo() {
        assert_eq!(
            parse("Expected output"),
            json!({"type": "equals", "value": "Expected output"})
        );
        assert_eq!(parse("is-json"), json!({"type": "is-json"}));
        assert_eq!(
            parse("contains:substring"),
            json!({"type": "contains", "value": "substring"})
        );
        assert_eq!(
            parse("not-icontains:substring"),
            json!({"type": "not-icontains", "value": "substring"})
        );
        assert_eq!(
            parse("similar(0.9):Expected output"),
            json!({"type": "similar", "value": "Expected output", "threshold": 0.9})
        );
        assert_eq!(
            parse("similar:Expected output"),
            json!({"type": "similar", "value": "Expected output", "threshold": 0.8})
        );
        assert_eq!(
            parse("rouge-n:Expected output"),
            json!({"type": "rouge-n", "value": "Expected output", "threshold": 0.75})
        );
        assert_eq!(
            parse("levenshtein(0):x"),
            json!({"type": "levenshtein", "value": "x", "threshold": 0.0})
        );
        assert_eq!(
            parse("latency(1000)"),
            json!({"type": "latency", "threshold": 1000.0})
        );
        assert_eq!(
            parse("bleu:Expected output"),
            json!({"type": "bleu", "value": "Expected output"})
        );
        assert_eq!(
            parse("regex:\\d+"),
            json!({"type": "regex", "value": "\\d+"})
        );
        assert_eq!(
            parse("fn:output === \"x\""),
            json!({"type": "javascript", "value": "output === \"x\""})
        );
        assert_eq!(
            parse("grade:Is polite"),
            json!({"type": "llm-rubric", "value": "Is polite"})
        );
        assert_eq!(
            parse("python: file://file.py "),
            json!({"type": "python", "value": "file://file.py"})
        );
        assert_eq!(
            parse("file://script.PY:check"),
            json!({"type": "python", "value": "file://script.PY:check"})
        );
        assert_eq!(
            parse("file://note.txt"),
            json!({"type": "equals", "value": "file://note.txt"})
        );
        assert_eq!(
            parse("similar:cosine:The text"),
            json!({"type": "similar:cosine", "value": "The text"})
        );
        assert_eq!(
            parse("similar:cosine similarity text"),
            json!({"type": "similar", "value": "cosine similarity text", "threshold": 0.8})
        );
        assert_eq!(
            parse("contains-any:a, \"b, c\""),
            json!({"type": "contains-any", "value": "a, \"b, c\""})
        );
        assert_eq!(
            parse("containsx:y"),
            json!({"type": "equals", "value": "containsx:y"})
        );
    }

    #[test]
    fn a_row_reads_like_promptfoo_reads_it() {
        let row = json!({
            " topic ": "weather",
            "__expected1": "starts-with: Sunny",
            "__expected2": "",
            "__expected3": "similar: clear skies",
            "__config:__expected2:threshold": "0.6",
            "__metric": "forecast",
            "__threshold": "0",
            "__description": "Weather",
            "__custom": "kept",
            "__prefix": "ignored",
        });
        let Value::Object(obj) = row else {
            unreachable!()
        };
        let source = CaseSource {
            file: "t.csv".into(),
            line: 2,
            index: 0,
        };
        let t = csv_row_case(obj, source).ok().unwrap();
        assert_eq!(
            Value::Object(t.vars),
            json!({"topic": "weather", "__custom": "kept"})
        );
        assert_eq!(t.description.as_deref(), Some("Weather"));
        assert_eq!(t.threshold, Some(0.0));
        let specs: Vec<_> = t
            .assert
            .iter()
            .map(|a| {
                (
                    a.spec.kind.as_str(),
                    a.spec.threshold,
                    a.spec.metric.as_deref(),
                )
            })
            .collect();
        // The empty `__expected2` adds nothing, so `__config:__expected2`
        // names the second assertion written (promptfoo counts the same
        // way); `starts-with` loses the default threshold whet refuses.
        assert_eq!(
            specs,
            [
                ("starts-with", None, Some("forecast")),
                ("similar", Some(0.6), Some("forecast"))
            ]
        );
    }

    #[test]
    fn metadata_lists_split_on_unescaped_commas() {
        assert_eq!(
            metadata_tags("tags[]", "a\\,b\\,c,d\\,e"),
            ["tags=a,b,c", "tags=d,e"]
        );
        assert_eq!(metadata_tags("category", "math"), ["category=math"]);
        assert!(metadata_tags("category", "  ").is_empty());
    }

    #[test]
    fn config_columns_name_an_assertion_and_a_threshold() {
        assert_eq!(
            config_column("__config:__expected:threshold", "0.9")
                .ok()
                .flatten(),
            Some((0, 0.9))
        );
        assert_eq!(
            config_column("__config:__expected2:threshold", "0.6")
                .ok()
                .flatten(),
            Some((1, 0.6))
        );
        assert!(config_column("__config:__expected0:threshold", "0.5").is_err());
        assert!(config_column("__config:__expectedX:threshold", "0.5").is_err());
        assert!(config_column("__config:__expected1:bogus", "1").is_err());
        assert!(config_column("__config:__expected1:threshold", "0abc").is_err());
    }
}
