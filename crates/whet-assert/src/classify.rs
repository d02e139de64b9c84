//! Classification assertions: `choice` (the output is one of a set of
//! labels) and `is-refusal` (the output declines to answer, by whet-guard's
//! heuristic).

use std::sync::Arc;

use serde_json::Value;
use whet_guard::output::is_refusal;

use crate::assertion::ParseError;
use crate::grade::{Grade, GradeContext};
use crate::js;
use crate::text::parse_comma_separated;

/// `choice`: the output, read as a label, is one of the listed labels (and,
/// with `expected`, that one).
///
/// How an output is read as a label: surrounding whitespace is dropped, and
/// one pair of surrounding quotes (`"`, `'` or backticks) and a trailing `.`
/// outside or inside them; the rest must equal a label ignoring case (Unicode
/// lowercase on both sides).
/// Nothing else is forgiven: "The answer is refund" is not the label
/// `refund`, because a classifier that adds words is not following its
/// format. The matched label, in the spelling of the list, goes to
/// [`Grade::label`](crate::Grade::label) for the confusion matrix.
///
/// Value: a list of labels (an array or a comma-separated string, as for
/// `contains-any`), or `{labels: [...], expected: "label"}`, where `expected`
/// must be one of the labels.
#[derive(Debug, Clone)]
pub(crate) struct Choice {
    labels: Vec<Arc<str>>,
    lower: Vec<String>,
    expected: Option<usize>,
}

impl Choice {
    pub(crate) fn parse(value: Option<&Value>) -> Result<Self, ParseError> {
        let (list, expected) = match value {
            Some(Value::Object(map)) => {
                for key in map.keys() {
                    if key != "labels" && key != "expected" {
                        return Err(ParseError::invalid(format!(
                            "\"choice\" assertion object has an unknown key \"{key}\": only \"labels\" and \"expected\" are allowed"
                        )));
                    }
                }
                let expected = match map.get("expected") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(s)) => Some(s.as_str()),
                    Some(_) => {
                        return Err(ParseError::invalid(
                            "\"choice\" assertion \"expected\" must be a string label",
                        ));
                    }
                };
                (labels(map.get("labels"))?, expected)
            }
            other => (labels(other)?, None),
        };
        let lower: Vec<String> = list.iter().map(|l| l.to_lowercase()).collect();
        let expected = match expected {
            None => None,
            Some(e) => Some(lower.iter().position(|l| *l == e.to_lowercase()).ok_or_else(|| {
                ParseError::invalid(format!(
                    "\"choice\" assertion expected label {e:?} is not one of the labels [{}]",
                    list.join(", ")
                ))
            })?),
        };
        Ok(Choice {
            labels: list.into_iter().map(Arc::from).collect(),
            lower,
            expected,
        })
    }

    pub(crate) fn grade(&self, ctx: &GradeContext<'_>, neg: bool) -> Grade {
        let read = read_label(ctx.output).to_lowercase();
        let found = self.lower.iter().position(|l| *l == read);
        let ok = match self.expected {
            Some(e) => found == Some(e),
            None => found.is_some(),
        };
        let mut g = Grade::binary(ok != neg, || {
            let got = found.map_or_else(
                || {
                    format!(
                        "\"{}\", which is none of the labels",
                        js_trim_show(ctx.output)
                    )
                },
                |i| format!("\"{}\"", self.labels[i]),
            );
            match (self.expected, neg) {
                (Some(e), false) => format!("Expected label \"{}\" but got {got}", self.labels[e]),
                (Some(e), true) => format!("Expected a label other than \"{}\"", self.labels[e]),
                (None, false) => format!(
                    "Expected output to be one of [{}], but got {got}",
                    self.labels.join(", ")
                ),
                (None, true) => format!(
                    "Expected output to not be one of [{}], but got {got}",
                    self.labels.join(", ")
                ),
            }
        });
        g.label = found.map(|i| Arc::clone(&self.labels[i]));
        g
    }
}

fn labels(value: Option<&Value>) -> Result<Vec<String>, ParseError> {
    let list = match value {
        Some(Value::String(s)) => parse_comma_separated(s)?,
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                js::scalar_string(v).ok_or_else(|| {
                    ParseError::invalid(format!("\"choice\" labels must be strings, not {v}"))
                })
            })
            .collect::<Result<_, _>>()?,
        _ => {
            return Err(ParseError::invalid(
                "\"choice\" assertion must have a list of labels (an array, a comma-separated string, or {labels, expected})",
            ));
        }
    };
    if list.is_empty() || list.iter().any(|l| js::js_trim(l).is_empty()) {
        return Err(ParseError::invalid(
            "\"choice\" assertion labels must be a non-empty list of non-blank labels",
        ));
    }
    Ok(list)
}

/// The label an output spells, before case folding.
fn read_label(output: &str) -> &str {
    fn strip_period(s: &str) -> &str {
        s.strip_suffix('.').map_or(s, str::trim_end)
    }
    let mut s = strip_period(output.trim());
    for q in ['"', '\'', '`'] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            s = strip_period(s[1..s.len() - 1].trim());
            break;
        }
    }
    s
}

fn js_trim_show(s: &str) -> String {
    const MAX: usize = 80;
    let t = s.trim();
    if t.chars().count() > MAX {
        let cut: String = t.chars().take(MAX).collect();
        format!("{cut}…")
    } else {
        t.to_owned()
    }
}

/// `is-refusal`: the output declines to answer, by whet-guard's phrase
/// heuristic ([`whet_guard::output::is_refusal`]).
///
/// The output is lowercased and its curly apostrophes straightened; it is a
/// refusal when it is blank, when it starts with one of
/// [`REFUSAL_PREFIXES`](crate::REFUSAL_PREFIXES), or when it contains one of
/// [`REFUSAL_PHRASES`](crate::REFUSAL_PHRASES) anywhere. The lists follow the
/// ones promptfoo's red-team grader uses. A heuristic: it misses novel
/// wordings and can flag an answer that quotes a refusal; use a judge
/// assertion where that matters.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IsRefusal;

impl IsRefusal {
    pub(crate) fn grade(self, ctx: &GradeContext<'_>, neg: bool) -> Grade {
        let refusal = is_refusal(ctx.output);
        Grade::binary(refusal != neg, || {
            format!(
                "Expected output to {}be a refusal",
                if neg { "not " } else { "" }
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_graded_by_the_guard_heuristic() {
        let grade = |output: &str, neg: bool| {
            IsRefusal.grade(
                &GradeContext {
                    output,
                    ..Default::default()
                },
                neg,
            )
        };
        assert!(grade("I’m unable to share that.", false).pass);
        assert!(grade("  ", false).pass);
        let g = grade("Sure! Your refund was issued yesterday.", false);
        assert_eq!(g.reason, "Expected output to be a refusal");
        let g = grade("I'm sorry, but I can't help with that.", true);
        assert_eq!(g.reason, "Expected output to not be a refusal");
    }

    #[test]
    fn labels_are_read_leniently_but_not_loosely() {
        assert_eq!(read_label("  \"Refund\".\n"), "Refund");
        assert_eq!(read_label("`card_lost`"), "card_lost");
        assert_eq!(read_label("The answer is refund"), "The answer is refund");
    }
}
