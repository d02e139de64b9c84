//! Evaluation coverage: which of a suite's intents have cases in each split
//! that matters (by default golden, edge and adversarial).
//!
//! An *intent* is a label the prompt must handle (`refund`, `card_lost`).
//! The suite declares them under `coverage: {intents: [...]}`; when it
//! declares none, they are the labels of its `choice` assertions (in the
//! order first seen). A case covers intent X when its `expected` is the
//! string X or it has the tag X (exact, case-sensitive). A cell is an intent
//! × split; it is covered when at least one case of that split covers the
//! intent. The KPI is covered cells / all cells.
//!
//! Cases are streamed from [`Suite::cases`]; with scenarios, each row is
//! counted once (scenarios repeat a row, they do not add coverage). With
//! the choice-label fallback the cases are streamed twice: once for the
//! labels, once to count, so nothing but counts is held.

use serde::Serialize;
use serde_json::Value;

use crate::suite::{Case, Suite, SuiteAssertion};

/// The splits counted when the suite names none.
pub const DEFAULT_SPLITS: &[&str] = &["golden", "edge", "adversarial"];

/// A suite's `coverage:` block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoverageSpec {
    /// Declared intents, in order; empty to use the `choice` labels.
    pub intents: Vec<String>,
    /// Splits that need cases for every intent.
    pub splits: Vec<String>,
}

impl Default for CoverageSpec {
    fn default() -> Self {
        Self {
            intents: Vec::new(),
            splits: DEFAULT_SPLITS.iter().map(|&s| s.to_owned()).collect(),
        }
    }
}

/// Where the intents came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IntentSource {
    /// `coverage: {intents: [...]}`.
    Declared,
    /// The labels of the suite's `choice` assertions.
    ChoiceLabels,
}

/// Cases of one split that cover an intent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SplitCount {
    /// The split.
    pub split: String,
    /// Cases (rows) covering the intent in it.
    pub cases: u64,
}

/// One intent's row of the coverage table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IntentCoverage {
    /// The intent.
    pub intent: String,
    /// One count per split, in [`CoverageReport::splits`] order.
    pub splits: Vec<SplitCount>,
}

/// An intent × split cell without cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// The intent.
    pub intent: String,
    /// The split.
    pub split: String,
}

/// The coverage of one suite, for `whet coverage`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageReport {
    /// The prompts the suite evaluates (registry names, then inline ones).
    pub prompts: Vec<String>,
    /// Where the intents came from.
    pub source: IntentSource,
    /// The splits counted.
    pub splits: Vec<String>,
    /// Per intent, in declaration order.
    pub intents: Vec<IntentCoverage>,
    /// Rows read (each row once, whatever the scenarios).
    pub cases: u64,
    /// Cells with at least one case.
    pub covered_cells: u64,
    /// Intents × splits.
    pub total_cells: u64,
    /// covered / total.
    pub ratio: f64,
    /// The empty cells, intent by intent.
    pub missing: Vec<Cell>,
}

/// Why coverage could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum CoverageError {
    /// Nothing to cover.
    #[error(
        "the suite declares no intents and has no `choice` assertions: add `coverage: {{intents: [...]}}`"
    )]
    NoIntents,
    /// A dataset could not be read again (it changed since parsing).
    #[error("{location}: {message}")]
    Case {
        /// `file:line:col`.
        location: String,
        /// What went wrong.
        message: String,
    },
}

/// Computes the coverage of `suite` (see the module docs).
pub fn coverage(suite: &Suite) -> Result<CoverageReport, CoverageError> {
    let spec = suite.coverage.clone().unwrap_or_default();
    let (intents, source) = if spec.intents.is_empty() {
        (choice_labels(suite)?, IntentSource::ChoiceLabels)
    } else {
        (spec.intents, IntentSource::Declared)
    };
    if intents.is_empty() {
        return Err(CoverageError::NoIntents);
    }
    let splits = spec.splits;
    let mut counts = vec![vec![0_u64; splits.len()]; intents.len()];
    let mut cases = 0_u64;
    for case in rows(suite) {
        let case = case?;
        cases += 1;
        let t = &case.test;
        let Some(s) = t
            .split
            .as_ref()
            .and_then(|s| splits.iter().position(|x| x == s))
        else {
            continue;
        };
        let expected = t.expected.as_ref().and_then(Value::as_str);
        for (i, intent) in intents.iter().enumerate() {
            if expected == Some(intent.as_str()) || t.tags.iter().any(|g| g == intent) {
                counts[i][s] += 1;
            }
        }
    }
    Ok(report(suite, source, intents, splits, &counts, cases))
}

fn report(
    suite: &Suite,
    source: IntentSource,
    intents: Vec<String>,
    splits: Vec<String>,
    counts: &[Vec<u64>],
    cases: u64,
) -> CoverageReport {
    let mut missing = Vec::new();
    let mut rows = Vec::with_capacity(intents.len());
    for (intent, row) in intents.into_iter().zip(counts) {
        for (split, &n) in splits.iter().zip(row) {
            if n == 0 {
                missing.push(Cell {
                    intent: intent.clone(),
                    split: split.clone(),
                });
            }
        }
        let per_split = splits
            .iter()
            .zip(row)
            .map(|(split, &cases)| SplitCount {
                split: split.clone(),
                cases,
            })
            .collect();
        rows.push(IntentCoverage {
            intent,
            splits: per_split,
        });
    }
    let total_cells = (rows.len() * splits.len()) as u64;
    let covered_cells = total_cells - missing.len() as u64;
    #[expect(clippy::cast_precision_loss, reason = "cell counts are small")]
    let ratio = if total_cells == 0 {
        0.0
    } else {
        covered_cells as f64 / total_cells as f64
    };
    let prompts = suite
        .prompts
        .iter()
        .map(|p| p.value.name.to_string())
        .chain(suite.inline_prompts.iter().map(|p| p.name.clone()))
        .collect();
    CoverageReport {
        prompts,
        source,
        splits,
        intents: rows,
        cases,
        covered_cells,
        total_cells,
        ratio,
        missing,
    }
}

/// Each row once: with scenarios, only its first expansion.
fn rows(suite: &Suite) -> impl Iterator<Item = Result<Case, CoverageError>> + '_ {
    suite
        .cases()
        .filter(|c| c.as_ref().map_or(true, |c| c.scenario.unwrap_or(0) == 0))
        .map(|c| {
            c.map_err(|d| CoverageError::Case {
                location: d.location(),
                message: d.message,
            })
        })
}

/// The labels of every `choice` assertion, `defaultTest` first, then the
/// cases', in the order first seen.
fn choice_labels(suite: &Suite) -> Result<Vec<String>, CoverageError> {
    let mut labels = Vec::new();
    add_labels(&mut labels, &suite.default_test.assert);
    for case in rows(suite) {
        add_labels(&mut labels, &case?.test.assert);
    }
    Ok(labels)
}

fn add_labels(labels: &mut Vec<String>, asserts: &[SuiteAssertion]) {
    for a in asserts {
        let kind = a.spec.kind.as_str();
        if kind != "choice" {
            continue;
        }
        for l in spec_labels(a.spec.value.as_ref()) {
            if !labels.contains(&l) {
                labels.push(l);
            }
        }
    }
}

/// The labels of a `choice` value: a list, `{labels, expected}`, or a
/// comma-separated string. whet-assert keeps its parsed labels private;
/// this reads the same shapes (quoted items with `\"` escapes included).
fn spec_labels(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Object(map)) => spec_labels(map.get("labels")),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Bool(b) => Some(b.to_string()),
                _ => None,
            })
            .collect(),
        Some(Value::String(s)) => comma_separated(s),
        _ => Vec::new(),
    }
}

/// Splits a comma-separated value as whet-assert does: fields end at
/// commas, whitespace around them is dropped, a double-quoted field may hold
/// commas, with `\"`, `""` and `\\` inside quotes.
fn comma_separated(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        while i < n && (chars[i] == ',' || chars[i].is_whitespace()) {
            i += 1;
        }
        if i >= n {
            break;
        }
        if chars[i] == '"' {
            let mut field = String::new();
            i += 1;
            while i < n {
                match (chars[i], chars.get(i + 1)) {
                    ('\\', Some(&c @ ('"' | '\\'))) | ('"', Some(&c @ '"')) => {
                        field.push(c);
                        i += 2;
                    }
                    ('"', _) => {
                        i += 1;
                        break;
                    }
                    (c, _) => {
                        field.push(c);
                        i += 1;
                    }
                }
            }
            out.push(field);
        } else {
            let start = i;
            while i < n && chars[i] != ',' {
                i += 1;
            }
            out.push(chars[start..i].iter().collect::<String>().trim().to_owned());
        }
        while i < n && chars[i] != ',' {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn choice_values_in_every_shape() {
        assert_eq!(spec_labels(Some(&json!(["a", "b"]))), ["a", "b"]);
        assert_eq!(
            spec_labels(Some(&json!({"labels": ["x"], "expected": "x"}))),
            ["x"]
        );
        assert_eq!(
            spec_labels(Some(&json!(r#"refund, card lost ,"a, \"b\"""#))),
            ["refund", "card lost", "a, \"b\""]
        );
        assert!(spec_labels(None).is_empty());
    }
}
