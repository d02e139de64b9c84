//! Assertions: parsed from what a suite says ([`AssertionSpec`]) into a
//! compiled form ([`Assertion`]) that grades outputs.

use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use crate::classify::{Choice, IsRefusal};
use crate::count::{Count, Unit};
use crate::grade::{Grade, GradeContext, GradeError};
use crate::guard::{NoInjection, NoLeak, PiiFree, SchemaValid};
use crate::json::{ContainsJson, IsJson};
use crate::metrics::{Budget, BudgetCheck, FinishReason, Perplexity};
use crate::similarity::{Bleu, Levenshtein, RougeN};
use crate::text::{Contains, Equals, Form, Pattern, Quantifier, StartsWith};
use crate::tools::CallKind;

/// An assertion could not be built: an unknown type, a missing or malformed
/// value, a threshold where none applies. The message says what to change;
/// [`ParseError::key`] names the assertion key at fault, so a suite parser can
/// point at its span.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    key: Option<&'static str>,
    message: String,
}

impl ParseError {
    /// An error in the assertion's `value`.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        ParseError {
            key: Some("value"),
            message: message.into(),
        }
    }

    pub(crate) fn at(key: &'static str, message: impl Into<String>) -> Self {
        ParseError {
            key: Some(key),
            message: message.into(),
        }
    }

    /// The key at fault (`type`, `value`, `threshold`, `weight`, `metric`,
    /// `normalizeUnicode`, `judge_samples`, `provider`), or `None` when the
    /// assertion as a whole is wrong (not an object, an unknown key).
    pub fn key(&self) -> Option<&'static str> {
        self.key
    }

    /// The message, without the key.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// The deterministic assertion types, by their promptfoo names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AssertionType {
    /// `equals`: the output is the value (a string), or parses as JSON equal
    /// to the value (an object or array).
    Equals,
    /// `contains`: the output contains the value.
    Contains,
    /// `icontains`: `contains`, ignoring case.
    Icontains,
    /// `contains-any`: the output contains at least one of the values.
    ContainsAny,
    /// `icontains-any`: `contains-any`, ignoring case.
    IcontainsAny,
    /// `contains-all`: the output contains every value.
    ContainsAll,
    /// `icontains-all`: `contains-all`, ignoring case.
    IcontainsAll,
    /// `starts-with`: the output starts with the value.
    StartsWith,
    /// `regex`: the pattern matches somewhere in the output.
    Regex,
    /// `word-count`: the number of words is the value, or within `{min, max}`.
    WordCount,
    /// `character-count`: the number of code points is the value, or within
    /// `{min, max}`.
    CharacterCount,
    /// `tokens`: the number of generated tokens is the value, or within
    /// `{min, max}` (whet's own type).
    Tokens,
    /// `is-json`: the output is JSON, matching the schema value if any.
    IsJson,
    /// `contains-json`: the output holds a JSON object, matching the schema
    /// value if any.
    ContainsJson,
    /// `is-valid-openai-tools-call`: the tool calls match the prompt's tools.
    IsValidOpenaiToolsCall,
    /// `is-valid-openai-function-call`: the function call matches the
    /// prompt's functions.
    IsValidOpenaiFunctionCall,
    /// `levenshtein`: edit distance to the value is at most the threshold.
    Levenshtein,
    /// `rouge-n`: ROUGE-1 F1 against the value is at least the threshold.
    RougeN,
    /// `bleu`: BLEU-4 against the value(s) is at least the threshold.
    Bleu,
    /// `latency`: the call took at most the threshold in milliseconds.
    Latency,
    /// `cost`: the call cost at most the threshold in USD.
    Cost,
    /// `finish-reason`: generation stopped for the value's reason.
    FinishReason,
    /// `perplexity`: the output's perplexity is at most the threshold.
    Perplexity,
    /// `perplexity-score`: 1 / (1 + perplexity) is at least the threshold.
    PerplexityScore,
    /// `choice`: the output is one of the labels (whet's own type).
    Choice,
    /// `is-refusal`: the output declines to answer.
    IsRefusal,
    /// `pii-free`: whet-guard's PII scanner finds nothing at or above the
    /// threshold (default 0.5), among the entities the value lists (default
    /// all) (whet's own type).
    PiiFree,
    /// `no-injection`: whet-guard's injection scanner finds no signal at or
    /// above the threshold (default: the scanner's attack threshold)
    /// (whet's own type).
    NoInjection,
    /// `no-leak`: no secret, none of the value's strings (canary tokens,
    /// secret phrases; also encoded, reversed or spaced out), and no long
    /// run of the system prompt when the runner supplies it (whet's own
    /// type).
    NoLeak,
    /// `schema-valid`: the output's JSON, in a code fence or prose or not,
    /// matches the value's JSON Schema (whet's own type).
    SchemaValid,
}

impl AssertionType {
    /// Every type, in documentation order.
    pub const ALL: &'static [AssertionType] = &[
        AssertionType::Equals,
        AssertionType::Contains,
        AssertionType::Icontains,
        AssertionType::ContainsAny,
        AssertionType::IcontainsAny,
        AssertionType::ContainsAll,
        AssertionType::IcontainsAll,
        AssertionType::StartsWith,
        AssertionType::Regex,
        AssertionType::WordCount,
        AssertionType::CharacterCount,
        AssertionType::Tokens,
        AssertionType::IsJson,
        AssertionType::ContainsJson,
        AssertionType::IsValidOpenaiToolsCall,
        AssertionType::IsValidOpenaiFunctionCall,
        AssertionType::Levenshtein,
        AssertionType::RougeN,
        AssertionType::Bleu,
        AssertionType::Latency,
        AssertionType::Cost,
        AssertionType::FinishReason,
        AssertionType::Perplexity,
        AssertionType::PerplexityScore,
        AssertionType::Choice,
        AssertionType::IsRefusal,
        AssertionType::PiiFree,
        AssertionType::NoInjection,
        AssertionType::NoLeak,
        AssertionType::SchemaValid,
    ];

    /// The type's name, as a suite writes it (without `not-`).
    pub fn as_str(self) -> &'static str {
        match self {
            AssertionType::Equals => "equals",
            AssertionType::Contains => "contains",
            AssertionType::Icontains => "icontains",
            AssertionType::ContainsAny => "contains-any",
            AssertionType::IcontainsAny => "icontains-any",
            AssertionType::ContainsAll => "contains-all",
            AssertionType::IcontainsAll => "icontains-all",
            AssertionType::StartsWith => "starts-with",
            AssertionType::Regex => "regex",
            AssertionType::WordCount => "word-count",
            AssertionType::CharacterCount => "character-count",
            AssertionType::Tokens => "tokens",
            AssertionType::IsJson => "is-json",
            AssertionType::ContainsJson => "contains-json",
            AssertionType::IsValidOpenaiToolsCall => "is-valid-openai-tools-call",
            AssertionType::IsValidOpenaiFunctionCall => "is-valid-openai-function-call",
            AssertionType::Levenshtein => "levenshtein",
            AssertionType::RougeN => "rouge-n",
            AssertionType::Bleu => "bleu",
            AssertionType::Latency => "latency",
            AssertionType::Cost => "cost",
            AssertionType::FinishReason => "finish-reason",
            AssertionType::Perplexity => "perplexity",
            AssertionType::PerplexityScore => "perplexity-score",
            AssertionType::Choice => "choice",
            AssertionType::IsRefusal => "is-refusal",
            AssertionType::PiiFree => "pii-free",
            AssertionType::NoInjection => "no-injection",
            AssertionType::NoLeak => "no-leak",
            AssertionType::SchemaValid => "schema-valid",
        }
    }

    /// Looks a type up by name (without `not-`). `is-valid-tool-call` is
    /// accepted as whet's name for `is-valid-openai-tools-call`.
    pub fn from_name(name: &str) -> Option<AssertionType> {
        if name == "is-valid-tool-call" {
            return Some(AssertionType::IsValidOpenaiToolsCall);
        }
        AssertionType::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == name)
    }

    /// Whether the type reads `threshold`.
    pub fn takes_threshold(self) -> bool {
        matches!(
            self,
            AssertionType::Levenshtein
                | AssertionType::RougeN
                | AssertionType::Bleu
                | AssertionType::Latency
                | AssertionType::Cost
                | AssertionType::Perplexity
                | AssertionType::PerplexityScore
                | AssertionType::PiiFree
                | AssertionType::NoInjection
                | AssertionType::NoLeak
        )
    }

    /// Whether the type reads `value` (for `is-json`, `contains-json`,
    /// `pii-free` and `no-leak` it is optional).
    pub fn takes_value(self) -> bool {
        !matches!(
            self,
            AssertionType::IsValidOpenaiToolsCall
                | AssertionType::IsValidOpenaiFunctionCall
                | AssertionType::Latency
                | AssertionType::Cost
                | AssertionType::Perplexity
                | AssertionType::PerplexityScore
                | AssertionType::IsRefusal
                | AssertionType::NoInjection
        )
    }

    fn takes_normalize(self) -> bool {
        matches!(
            self,
            AssertionType::Equals
                | AssertionType::Contains
                | AssertionType::Icontains
                | AssertionType::ContainsAny
                | AssertionType::IcontainsAny
                | AssertionType::ContainsAll
                | AssertionType::IcontainsAll
                | AssertionType::StartsWith
        )
    }
}

impl fmt::Display for AssertionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// promptfoo types that exist but are not deterministic, with where whet
/// handles them.
const ELSEWHERE: &[(&str, &str)] = &[
    ("llm-rubric", "a judge model"),
    ("g-eval", "a judge model"),
    ("factuality", "a judge model"),
    ("answer-relevance", "a judge model"),
    ("context-faithfulness", "a judge model"),
    ("context-recall", "a judge model"),
    ("context-relevance", "a judge model"),
    ("model-graded-closedqa", "a judge model"),
    ("model-graded-factuality", "a judge model"),
    ("select-best", "a judge model"),
    ("classifier", "a classifier model"),
    ("moderation", "a moderation model"),
    ("similar", "embeddings"),
    ("script", "a script"),
    (
        "javascript",
        "a script (whet runs `script`, not JavaScript)",
    ),
    ("python", "a script (whet runs `script`, not Python)"),
    ("webhook", "a network call"),
];

/// An assertion as a suite states it, before compilation. A suite parser that
/// keeps spans builds this itself; [`AssertionSpec::from_json`] reads the
/// promptfoo-shaped object.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AssertionSpec {
    /// The type, possibly with `not-` (e.g. `not-contains`).
    pub kind: String,
    /// The value; `None` when absent (a JSON `null` counts as absent).
    pub value: Option<Value>,
    /// The threshold, for types that have one.
    pub threshold: Option<f64>,
    /// The weight in the test's score (default 1).
    pub weight: Option<f64>,
    /// A named metric to record the score under.
    pub metric: Option<String>,
    /// promptfoo's `normalizeUnicode`: `true` (NFC), or a form name.
    pub normalize_unicode: Option<Value>,
    /// `judge_samples`: how many times a model-graded assertion asks its
    /// judge (the verdict is the majority). Model-graded types only.
    pub judge_samples: Option<u32>,
    /// `provider`: the model alias that judges this assertion instead of the
    /// default judge (promptfoo's per-assertion grader override). Model-graded
    /// and embedding types only.
    pub provider: Option<String>,
}

const KEYS: &str =
    "type, value, threshold, weight, metric, normalizeUnicode, judge_samples, provider";

impl AssertionSpec {
    /// Reads `{type, value, threshold, weight, metric, normalizeUnicode,
    /// judge_samples, provider}`. Any other key is an error: nothing is
    /// silently ignored.
    pub fn from_json(v: &Value) -> Result<AssertionSpec, ParseError> {
        let Value::Object(map) = v else {
            return Err(ParseError {
                key: None,
                message: format!("an assertion must be an object with a \"type\" key, not {v}"),
            });
        };
        let mut spec = AssertionSpec::default();
        for (key, val) in map {
            match key.as_str() {
                "type" => {
                    spec.kind = val
                        .as_str()
                        .ok_or_else(|| {
                            ParseError::at("type", "an assertion's \"type\" must be a string")
                        })?
                        .to_owned();
                }
                "value" => spec.value = (!val.is_null()).then(|| val.clone()),
                "threshold" => {
                    spec.threshold = match val {
                        Value::Null => None,
                        v => Some(v.as_f64().ok_or_else(|| {
                            ParseError::at(
                                "threshold",
                                format!("threshold must be a number, not {v}"),
                            )
                        })?),
                    };
                }
                "weight" => {
                    spec.weight = match val {
                        Value::Null => None,
                        v => Some(v.as_f64().ok_or_else(|| {
                            ParseError::at("weight", format!("weight must be a number, not {v}"))
                        })?),
                    };
                }
                "metric" => {
                    spec.metric = match val {
                        Value::Null => None,
                        Value::String(s) => Some(s.clone()),
                        v => {
                            return Err(ParseError::at(
                                "metric",
                                format!("metric must be a string, not {v}"),
                            ));
                        }
                    };
                }
                "normalizeUnicode" => {
                    spec.normalize_unicode = (!val.is_null()).then(|| val.clone());
                }
                "judge_samples" => {
                    spec.judge_samples = match val {
                        Value::Null => None,
                        v => Some(
                            v.as_u64()
                                .filter(|n| *n >= 1)
                                .and_then(|n| u32::try_from(n).ok())
                                .ok_or_else(|| {
                                    ParseError::at(
                                        "judge_samples",
                                        format!(
                                            "judge_samples must be a whole number >= 1, not {v}"
                                        ),
                                    )
                                })?,
                        ),
                    };
                }
                "provider" => {
                    spec.provider = match val {
                        Value::Null => None,
                        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
                        v => {
                            return Err(ParseError::at(
                                "provider",
                                format!(
                                    "provider must be a model alias from whet.toml (a non-empty string), not {v}"
                                ),
                            ));
                        }
                    };
                }
                other => {
                    return Err(ParseError {
                        key: None,
                        message: format!(
                            "unknown assertion key \"{other}\" (the keys are: {KEYS})"
                        ),
                    });
                }
            }
        }
        if spec.kind.is_empty() {
            return Err(ParseError::at("type", "an assertion needs a \"type\""));
        }
        Ok(spec)
    }
}

/// A compiled assertion: values parsed, patterns compiled, references
/// tokenized, schemas built. Build it once per suite and grade many outputs
/// with it; it is `Send + Sync`, so the runner may share it across threads.
#[derive(Clone)]
pub struct Assertion {
    ty: AssertionType,
    negated: bool,
    weight: f64,
    threshold: Option<f64>,
    metric: Option<Arc<str>>,
    check: Check,
}

#[derive(Debug, Clone)]
enum Check {
    Equals(Equals),
    Contains(Contains),
    StartsWith(StartsWith),
    Regex(Pattern),
    Count(Count),
    IsJson(IsJson),
    ContainsJson(ContainsJson),
    ToolCall(CallKind),
    Levenshtein(Levenshtein),
    RougeN(RougeN),
    Bleu(Bleu),
    Budget(BudgetCheck),
    FinishReason(FinishReason),
    Perplexity(Perplexity),
    Choice(Choice),
    IsRefusal(IsRefusal),
    PiiFree(PiiFree),
    NoInjection(NoInjection),
    NoLeak(NoLeak),
    SchemaValid(SchemaValid),
}

impl fmt::Debug for Assertion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Assertion")
            .field("type", &self.name())
            .field("weight", &self.weight)
            .field("threshold", &self.threshold)
            .field("metric", &self.metric)
            .finish_non_exhaustive()
    }
}

impl Assertion {
    /// Parses and compiles a promptfoo-shaped assertion object.
    ///
    /// ```
    /// use whet_assert::Assertion;
    /// let a = Assertion::from_json(&serde_json::json!({"type": "not-icontains", "value": "sorry"}))?;
    /// assert_eq!(a.name(), "not-icontains");
    /// let err = Assertion::from_json(&serde_json::json!({"type": "contians", "value": "x"})).unwrap_err();
    /// assert!(err.to_string().contains("did you mean \"contains\""));
    /// # Ok::<(), whet_assert::ParseError>(())
    /// ```
    pub fn from_json(v: &Value) -> Result<Assertion, ParseError> {
        Assertion::compile(&AssertionSpec::from_json(v)?)
    }

    /// Compiles a spec.
    pub fn compile(spec: &AssertionSpec) -> Result<Assertion, ParseError> {
        let (negated, base) = match spec.kind.strip_prefix("not-") {
            Some(rest) => (true, rest),
            None => (false, spec.kind.as_str()),
        };
        let ty = AssertionType::from_name(base).ok_or_else(|| unknown_type(&spec.kind, base))?;
        let name = ty.as_str();
        judge_keys_absent(spec, name)?;

        let weight = match spec.weight {
            None => 1.0,
            Some(w) if w.is_finite() && w >= 0.0 => w,
            Some(w) => {
                return Err(ParseError::at(
                    "weight",
                    format!("weight must be a finite number >= 0, not {w}"),
                ));
            }
        };
        let metric = match &spec.metric {
            None => None,
            Some(m) if m.trim().is_empty() => {
                return Err(ParseError::at("metric", "metric must be a non-empty name"));
            }
            Some(m) => Some(Arc::from(m.as_str())),
        };
        let threshold = match spec.threshold {
            None => None,
            Some(_) if !ty.takes_threshold() => {
                return Err(ParseError::at(
                    "threshold",
                    format!(
                        "\"{name}\" does not take a threshold (threshold applies to levenshtein, rouge-n, bleu, latency, cost, perplexity, perplexity-score, pii-free, no-injection and no-leak; a test-level threshold belongs on the test)"
                    ),
                ));
            }
            Some(t) if !t.is_finite() => {
                return Err(ParseError::at(
                    "threshold",
                    "threshold must be a finite number",
                ));
            }
            Some(t) if t < 0.0 && ty == AssertionType::Levenshtein => {
                return Err(ParseError::at(
                    "threshold",
                    "a levenshtein threshold is a maximum distance and must be >= 0",
                ));
            }
            Some(t) => Some(t),
        };
        if spec.value.is_some() && !ty.takes_value() {
            return Err(ParseError::invalid(format!(
                "\"{name}\" does not take a value{}",
                if ty.takes_threshold() {
                    "; did you mean `threshold`?"
                } else {
                    ""
                }
            )));
        }
        let form = match &spec.normalize_unicode {
            None => None,
            Some(_) if !ty.takes_normalize() => {
                return Err(ParseError::at(
                    "normalizeUnicode",
                    format!(
                        "\"{name}\" does not take normalizeUnicode (equals, contains* and starts-with do)"
                    ),
                ));
            }
            Some(v) => Form::parse(v).map_err(|e| ParseError::at("normalizeUnicode", e.message))?,
        };

        let value = spec.value.as_ref();
        let check = match ty {
            AssertionType::Equals => Check::Equals(Equals::parse(value, form)?),
            AssertionType::Contains => {
                Check::Contains(Contains::parse(name, Quantifier::One, false, value, form)?)
            }
            AssertionType::Icontains => {
                Check::Contains(Contains::parse(name, Quantifier::One, true, value, form)?)
            }
            AssertionType::ContainsAny => {
                Check::Contains(Contains::parse(name, Quantifier::Any, false, value, form)?)
            }
            AssertionType::IcontainsAny => {
                Check::Contains(Contains::parse(name, Quantifier::Any, true, value, form)?)
            }
            AssertionType::ContainsAll => {
                Check::Contains(Contains::parse(name, Quantifier::All, false, value, form)?)
            }
            AssertionType::IcontainsAll => {
                Check::Contains(Contains::parse(name, Quantifier::All, true, value, form)?)
            }
            AssertionType::StartsWith => Check::StartsWith(StartsWith::parse(value, form)?),
            AssertionType::Regex => Check::Regex(Pattern::parse(value)?),
            AssertionType::WordCount => Check::Count(Count::parse(Unit::Words, value)?),
            AssertionType::CharacterCount => Check::Count(Count::parse(Unit::Characters, value)?),
            AssertionType::Tokens => Check::Count(Count::parse(Unit::Tokens, value)?),
            AssertionType::IsJson => Check::IsJson(IsJson::parse(value)?),
            AssertionType::ContainsJson => Check::ContainsJson(ContainsJson::parse(value)?),
            AssertionType::IsValidOpenaiToolsCall => Check::ToolCall(CallKind::Tools),
            AssertionType::IsValidOpenaiFunctionCall => Check::ToolCall(CallKind::Function),
            AssertionType::Levenshtein => Check::Levenshtein(Levenshtein::parse(value, threshold)?),
            AssertionType::RougeN => Check::RougeN(RougeN::parse(value, threshold)?),
            AssertionType::Bleu => Check::Bleu(Bleu::parse(value, threshold)?),
            AssertionType::Latency => Check::Budget(
                BudgetCheck::parse(Budget::Latency, threshold, metric.is_some(), negated)
                    .map_err(|e| ParseError::at("threshold", e.message))?,
            ),
            AssertionType::Cost => Check::Budget(
                BudgetCheck::parse(Budget::Cost, threshold, metric.is_some(), negated)
                    .map_err(|e| ParseError::at("threshold", e.message))?,
            ),
            AssertionType::FinishReason => Check::FinishReason(FinishReason::parse(value)?),
            AssertionType::Perplexity => Check::Perplexity(Perplexity::new(false, threshold)),
            AssertionType::PerplexityScore => Check::Perplexity(Perplexity::new(true, threshold)),
            AssertionType::Choice => Check::Choice(Choice::parse(value)?),
            AssertionType::IsRefusal => Check::IsRefusal(IsRefusal),
            AssertionType::PiiFree => Check::PiiFree(PiiFree::parse(value, threshold)?),
            AssertionType::NoInjection => Check::NoInjection(NoInjection::parse(threshold)?),
            AssertionType::NoLeak => Check::NoLeak(NoLeak::parse(value, threshold)?),
            AssertionType::SchemaValid => Check::SchemaValid(SchemaValid::parse(value)?),
        };
        Ok(Assertion {
            ty,
            negated,
            weight,
            threshold,
            metric,
            check,
        })
    }

    /// Grades one output.
    ///
    /// An `Err` means this response cannot be graded by this assertion (no
    /// latency for `latency`, no logprobs for `perplexity`, ...); a failing
    /// output is an `Ok` grade with `pass: false`.
    pub fn grade(&self, ctx: &GradeContext<'_>) -> Result<Grade, GradeError> {
        let neg = self.negated;
        let mut grade = match &self.check {
            Check::Equals(c) => c.grade(ctx, neg),
            Check::Contains(c) => c.grade(ctx, neg),
            Check::StartsWith(c) => c.grade(ctx, neg),
            Check::Regex(c) => c.grade(ctx, neg)?,
            Check::Count(c) => c.grade(ctx, neg)?,
            Check::IsJson(c) => c.grade(ctx, neg),
            Check::ContainsJson(c) => c.grade(ctx, neg),
            Check::ToolCall(c) => c.grade(ctx, neg)?,
            Check::Levenshtein(c) => c.grade(ctx, neg),
            Check::RougeN(c) => c.grade(ctx, neg),
            Check::Bleu(c) => c.grade(ctx, neg),
            Check::Budget(c) => c.grade(ctx, neg)?,
            Check::FinishReason(c) => c.grade(ctx, neg),
            Check::Perplexity(c) => c.grade(ctx, neg)?,
            Check::Choice(c) => c.grade(ctx, neg),
            Check::IsRefusal(c) => c.grade(ctx, neg),
            Check::PiiFree(c) => c.grade(ctx, neg),
            Check::NoInjection(c) => c.grade(ctx, neg),
            Check::NoLeak(c) => c.grade(ctx, neg),
            Check::SchemaValid(c) => c.grade(ctx, neg),
        };
        grade.metric.clone_from(&self.metric);
        Ok(grade)
    }

    /// The base type.
    pub fn ty(&self) -> AssertionType {
        self.ty
    }

    /// Whether the type was written with `not-`.
    pub fn is_negated(&self) -> bool {
        self.negated
    }

    /// The type as written, with `not-` when negated.
    pub fn name(&self) -> String {
        if self.negated {
            format!("not-{}", self.ty)
        } else {
            self.ty.as_str().to_owned()
        }
    }

    /// The weight of this assertion in its test's score (default 1).
    pub fn weight(&self) -> f64 {
        self.weight
    }

    /// The threshold as written; `None` when absent (the type's default, if
    /// it has one, applies).
    pub fn threshold(&self) -> Option<f64> {
        self.threshold
    }

    /// The named metric, if any.
    pub fn metric(&self) -> Option<&str> {
        self.metric.as_deref()
    }
}

/// `judge_samples` and `provider` configure a judge model or an embedder;
/// a deterministic type has neither, so either key is a mistake to report.
fn judge_keys_absent(spec: &AssertionSpec, name: &str) -> Result<(), ParseError> {
    let key = if spec.judge_samples.is_some() {
        "judge_samples"
    } else if spec.provider.is_some() {
        "provider"
    } else {
        return Ok(());
    };
    Err(ParseError::at(
        key,
        format!(
            "\"{name}\" does not take `{key}`: it only applies to model-graded types (llm-rubric, g-eval, factuality, answer-relevance, context-faithfulness{})",
            if key == "provider" {
                "; and similar, for its embedder"
            } else {
                ""
            }
        ),
    ))
}

fn unknown_type(written: &str, base: &str) -> ParseError {
    if let Some((_, how)) = ELSEWHERE.iter().find(|(n, _)| *n == base) {
        return ParseError::at(
            "type",
            format!(
                "\"{written}\" is not a deterministic assertion: it needs {how}, which whet-eval grades, not whet-assert"
            ),
        );
    }
    let closest = AssertionType::ALL
        .iter()
        .map(|t| (strsim::levenshtein(t.as_str(), base), t.as_str()))
        .min()
        .filter(|(d, _)| *d <= 3);
    let hint = match closest {
        Some((_, name)) => format!("; did you mean \"{name}\"?"),
        None => String::new(),
    };
    ParseError::at(
        "type",
        format!("unknown assertion type \"{written}\"{hint}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(v: Value) -> String {
        Assertion::from_json(&v).unwrap_err().to_string()
    }

    #[test]
    fn parse_errors_say_what_to_change() {
        assert!(err(json!({"type": "contains"})).contains("must have a string or number value"));
        assert!(
            err(json!({"type": "contains", "value": "x", "threshold": 1}))
                .contains("does not take a threshold")
        );
        assert!(err(json!({"type": "latency", "value": 100})).contains("did you mean `threshold`"));
        assert!(err(json!({"type": "llm-rubric", "value": "x"})).contains("judge model"));
        assert!(
            err(json!({"type": "equals", "value": "x", "transform": "y"}))
                .contains("unknown assertion key")
        );
        assert!(err(json!({"type": "cost"})).contains("must have a threshold"));
        assert!(
            err(json!({"type": "regex", "value": "("})).contains("not a valid regular expression")
        );
        assert!(err(json!({"value": "x"})).contains("needs a \"type\""));
        assert!(err(json!("contains")).contains("must be an object"));
        assert!(
            err(json!({"type": "contains", "value": "x", "judge_samples": 3}))
                .contains("only applies to model-graded types")
        );
        assert!(
            err(json!({"type": "not-equals", "value": "x", "provider": "judge"}))
                .contains("does not take `provider`")
        );
        assert!(
            err(json!({"type": "llm-rubric", "value": "x", "judge_samples": 0}))
                .contains("whole number >= 1")
        );
        assert!(
            err(json!({"type": "llm-rubric", "value": "x", "provider": 3})).contains("model alias")
        );
    }

    #[test]
    fn judge_keys_are_read_for_model_graded_types() {
        let spec = AssertionSpec::from_json(&json!({
            "type": "not-llm-rubric", "value": "polite", "judge_samples": 3, "provider": "big"
        }))
        .unwrap();
        assert_eq!(spec.judge_samples, Some(3));
        assert_eq!(spec.provider.as_deref(), Some("big"));
        let e = Assertion::compile(&AssertionSpec {
            kind: "regex".into(),
            value: Some(json!("a")),
            judge_samples: Some(2),
            ..AssertionSpec::default()
        })
        .unwrap_err();
        assert_eq!(e.key(), Some("judge_samples"));
    }

    #[test]
    fn keys_and_metrics_are_kept() {
        let a = Assertion::from_json(&json!({
            "type": "not-rouge-n", "value": "a b", "threshold": 0.5, "weight": 2, "metric": "overlap"
        }))
        .unwrap();
        assert_eq!(a.name(), "not-rouge-n");
        assert_eq!(a.weight(), 2.0);
        assert_eq!(a.threshold(), Some(0.5));
        let g = a
            .grade(&GradeContext {
                output: "c d",
                ..Default::default()
            })
            .unwrap();
        assert_eq!(g.metric.as_deref(), Some("overlap"));
        assert!(g.pass);
    }

    #[test]
    fn assertions_are_shareable_across_threads() {
        fn check<T: Send + Sync>() {}
        check::<Assertion>();
    }
}
