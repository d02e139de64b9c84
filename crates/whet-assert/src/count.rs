//! Counting assertions: `word-count`, `character-count` and `tokens`.

use serde_json::Value;

use crate::assertion::ParseError;
use crate::grade::{Grade, GradeContext, GradeError};
use crate::js;

/// What is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// Whitespace-separated words (JavaScript's `\s`).
    Words,
    /// Unicode code points: not UTF-16 units, not graphemes.
    Characters,
    /// Generated tokens, from the provider's usage.
    Tokens,
}

impl Unit {
    fn type_name(self) -> &'static str {
        match self {
            Unit::Words => "word-count",
            Unit::Characters => "character-count",
            Unit::Tokens => "tokens",
        }
    }

    /// "Word count", "Character count", "Token count".
    fn noun(self) -> &'static str {
        match self {
            Unit::Words => "Word count",
            Unit::Characters => "Character count",
            Unit::Tokens => "Token count",
        }
    }

    fn lower_noun(self) -> &'static str {
        match self {
            Unit::Words => "word count",
            Unit::Characters => "character count",
            Unit::Tokens => "token count",
        }
    }

    /// `character-count` and `tokens` reject negative counts; promptfoo's
    /// `word-count` does not check, and neither does whet (a negative bound
    /// only makes the check trivial).
    fn non_negative(self) -> bool {
        !matches!(self, Unit::Words)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Bounds {
    Exact(f64),
    Min(f64),
    Max(f64),
    Range(f64, f64),
}

#[derive(Debug, Clone)]
pub(crate) struct Count {
    unit: Unit,
    bounds: Bounds,
}

impl Count {
    pub(crate) fn parse(unit: Unit, value: Option<&Value>) -> Result<Self, ParseError> {
        let name = unit.type_name();
        let Some(value) = value else {
            return Err(ParseError::invalid(format!(
                "\"{name}\" assertion must have a value"
            )));
        };
        let bounds = match value {
            Value::Object(map) => {
                for key in map.keys() {
                    if key != "min" && key != "max" {
                        return Err(ParseError::invalid(format!(
                            "\"{name}\" assertion object has an unknown key \"{key}\": only \"min\" and \"max\" are allowed"
                        )));
                    }
                }
                let bound = |key: &str| -> Result<Option<f64>, ParseError> {
                    match map.get(key) {
                        None | Some(Value::Null) => Ok(None),
                        Some(v) => match v.as_f64() {
                            Some(x) if x.is_finite() && (x >= 0.0 || !unit.non_negative()) => {
                                Ok(Some(x))
                            }
                            _ if unit.non_negative() => Err(ParseError::invalid(format!(
                                "\"{name}\" assertion min/max must be non-negative finite numbers"
                            ))),
                            _ => Err(ParseError::invalid(format!(
                                "\"{name}\" assertion min/max must be numbers"
                            ))),
                        },
                    }
                };
                match (bound("min")?, bound("max")?) {
                    (None, None) => {
                        return Err(ParseError::invalid(format!(
                            "\"{name}\" assertion object must have \"min\" and/or \"max\" properties"
                        )));
                    }
                    (Some(min), Some(max)) if min > max => {
                        return Err(ParseError::invalid(format!(
                            "\"{name}\" assertion: min ({}) must be less than or equal to max ({})",
                            js::number(min),
                            js::number(max)
                        )));
                    }
                    (Some(min), Some(max)) => Bounds::Range(min, max),
                    (Some(min), None) => Bounds::Min(min),
                    (None, Some(max)) => Bounds::Max(max),
                }
            }
            _ => {
                let n = match value {
                    Value::Number(n) => n.as_f64(),
                    Value::String(s) if !js::js_trim(s).is_empty() => {
                        js::js_trim(s).parse::<f64>().ok().filter(|x| x.is_finite())
                    }
                    _ => None,
                };
                match n {
                    Some(x) if x >= 0.0 || !unit.non_negative() => Bounds::Exact(x),
                    _ if unit.non_negative() => {
                        return Err(ParseError::invalid(format!(
                            "\"{name}\" assertion count must be a non-negative finite number"
                        )));
                    }
                    _ => {
                        return Err(ParseError::invalid(format!(
                            "\"{name}\" assertion value must be a number or an object with min/max properties"
                        )));
                    }
                }
            }
        };
        Ok(Count { unit, bounds })
    }

    pub(crate) fn grade(&self, ctx: &GradeContext<'_>, neg: bool) -> Result<Grade, GradeError> {
        let n = match self.unit {
            Unit::Words => js::count_words(ctx.output) as f64,
            Unit::Characters => ctx.output.chars().count() as f64,
            Unit::Tokens => ctx.usage.ok_or(GradeError::MissingUsage)?.output as f64,
        };
        let matched = match self.bounds {
            Bounds::Exact(x) => n == x,
            Bounds::Min(min) => n >= min,
            Bounds::Max(max) => n <= max,
            Bounds::Range(min, max) => n >= min && n <= max,
        };
        Ok(Grade::binary(matched != neg, || {
            let (noun, lower, n) = (self.unit.noun(), self.unit.lower_noun(), js::number(n));
            match (self.bounds, neg) {
                (Bounds::Exact(x), false) => {
                    format!("{noun} {n} does not equal expected {}", js::number(x))
                }
                (Bounds::Exact(x), true) => format!(
                    "Expected {lower} to not equal {}, but got {n}",
                    js::number(x)
                ),
                (Bounds::Min(min), false) => {
                    format!("{noun} {n} is less than minimum {}", js::number(min))
                }
                (Bounds::Min(min), true) => format!(
                    "Expected {lower} to be less than {}, but got {n}",
                    js::number(min)
                ),
                (Bounds::Max(max), false) => {
                    format!("{noun} {n} is greater than maximum {}", js::number(max))
                }
                (Bounds::Max(max), true) => format!(
                    "Expected {lower} to be greater than {}, but got {n}",
                    js::number(max)
                ),
                (Bounds::Range(min, max), false) => format!(
                    "{noun} {n} is not between {} and {}",
                    js::number(min),
                    js::number(max)
                ),
                (Bounds::Range(min, max), true) => format!(
                    "Expected {lower} to not be between {} and {}, but got {n}",
                    js::number(min),
                    js::number(max)
                ),
            }
        }))
    }
}
