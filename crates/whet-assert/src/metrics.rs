//! Assertions on the response rather than its text: `latency`, `cost`,
//! `finish-reason`, `perplexity`, `perplexity-score`.

use serde_json::Value;

use crate::assertion::ParseError;
use crate::grade::{Grade, GradeContext, GradeError, PASSED};
use crate::js;

/// `latency` (milliseconds) or `cost` (USD).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Budget {
    Latency,
    Cost,
}

/// A budget check: passes when the value is at most the threshold (equality
/// passes; `not-` fails at equality). Without a threshold, the assertion must
/// name a `metric`, and then it records the raw value as its score and
/// passes, as promptfoo does.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BudgetCheck {
    budget: Budget,
    threshold: Option<f64>,
}

impl BudgetCheck {
    pub(crate) fn parse(
        budget: Budget,
        threshold: Option<f64>,
        has_metric: bool,
        neg: bool,
    ) -> Result<Self, ParseError> {
        if threshold.is_none() && (neg || !has_metric) {
            let what = match budget {
                Budget::Latency => "Latency assertion must have a threshold in milliseconds",
                Budget::Cost => "Cost assertion must have a threshold",
            };
            let why = if neg {
                " (a not- assertion needs one)"
            } else {
                " (or a `metric` name, to record the value as a named metric)"
            };
            return Err(ParseError::invalid(format!("{what}{why}")));
        }
        Ok(BudgetCheck { budget, threshold })
    }

    pub(crate) fn grade(&self, ctx: &GradeContext<'_>, neg: bool) -> Result<Grade, GradeError> {
        let value = match self.budget {
            Budget::Latency => ctx.latency_ms.ok_or(GradeError::MissingLatency)?,
            Budget::Cost => ctx.cost_usd.ok_or(GradeError::MissingCost)?,
        };
        let Some(threshold) = self.threshold else {
            return Ok(Grade::new(true, value, PASSED));
        };
        let within = value <= threshold;
        Ok(Grade::binary(within != neg, || {
            let cmp = if neg {
                "less than or equal to"
            } else {
                "greater than"
            };
            match self.budget {
                Budget::Latency => format!(
                    "Latency {}ms is {cmp} threshold {}ms",
                    js::number(value),
                    js::number(threshold)
                ),
                Budget::Cost => format!(
                    "Cost {} is {cmp} threshold {}",
                    js::to_precision(value, 2),
                    js::number(threshold)
                ),
            }
        }))
    }
}

/// `finish-reason`: the provider's finish reason equals the value, compared
/// case-insensitively. A response without a finish reason fails.
#[derive(Debug, Clone)]
pub(crate) struct FinishReason {
    shown: String,
    lower: String,
}

impl FinishReason {
    pub(crate) fn parse(value: Option<&Value>) -> Result<Self, ParseError> {
        let Some(Value::String(s)) = value else {
            return Err(ParseError::invalid(
                "\"finish-reason\" assertion type must have a string value",
            ));
        };
        Ok(FinishReason {
            shown: s.clone(),
            lower: s.to_lowercase(),
        })
    }

    pub(crate) fn grade(&self, ctx: &GradeContext<'_>, neg: bool) -> Grade {
        let Some(actual) = ctx.finish_reason.filter(|r| !r.is_empty()) else {
            return if neg {
                Grade::new(true, 1.0, PASSED)
            } else {
                Grade::new(false, 0.0, "Provider did not supply stop/finish reason")
            };
        };
        let same = actual.to_lowercase() == self.lower;
        Grade::binary(same != neg, || {
            if neg {
                format!("Expected finish reason to not be \"{}\"", self.shown)
            } else {
                format!(
                    "Expected finish reason \"{}\" but got \"{actual}\"",
                    self.shown
                )
            }
        })
    }
}

/// `perplexity` = exp(−mean logprob), passing when at most the threshold;
/// `perplexity-score` = 1 / (1 + perplexity), passing when at least the
/// threshold and scoring itself. Without a threshold both pass.
///
/// A threshold of 0 is a threshold here. promptfoo tests `if (threshold)`,
/// so 0 there means "no threshold" and always passes: a JavaScript
/// truthiness accident that whet does not copy (newer promptfoo already
/// treats 0 as a threshold for `levenshtein` and `rouge-n`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Perplexity {
    score: bool,
    threshold: Option<f64>,
}

impl Perplexity {
    pub(crate) fn new(score: bool, threshold: Option<f64>) -> Self {
        Perplexity { score, threshold }
    }

    pub(crate) fn grade(&self, ctx: &GradeContext<'_>, neg: bool) -> Result<Grade, GradeError> {
        let name = if self.score {
            "perplexity-score"
        } else {
            "Perplexity"
        };
        let logprobs = ctx
            .logprobs
            .filter(|l| !l.is_empty())
            .ok_or(GradeError::MissingLogprobs(name))?;
        let mean = logprobs.iter().sum::<f64>() / logprobs.len() as f64;
        let perplexity = (-mean).exp();
        if self.score {
            let norm = 1.0 / (1.0 + perplexity);
            let ok = self.threshold.is_none_or(|t| norm >= t);
            let pass = ok != neg;
            let score = if neg { 1.0 - norm } else { norm };
            Ok(if pass {
                Grade::new(true, score, PASSED)
            } else {
                let t = js::number(self.threshold.unwrap_or(0.0));
                let cmp = if neg {
                    "greater than or equal to"
                } else {
                    "less than"
                };
                Grade::new(
                    false,
                    score,
                    format!(
                        "Perplexity score {} is {cmp} threshold {t}",
                        js::to_fixed(norm, 2)
                    ),
                )
            })
        } else {
            let ok = self.threshold.is_none_or(|t| perplexity <= t);
            Ok(Grade::binary(ok != neg, || {
                let t = self
                    .threshold
                    .map_or_else(|| "(none)".to_owned(), js::number);
                let cmp = if neg {
                    "less than or equal to"
                } else {
                    "greater than"
                };
                format!(
                    "Perplexity {} is {cmp} threshold {t}",
                    js::to_fixed(perplexity, 2)
                )
            }))
        }
    }
}
