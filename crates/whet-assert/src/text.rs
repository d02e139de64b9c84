//! String assertions: `equals`, the `contains` family, `starts-with`, `regex`.
//!
//! Values are compiled once: needles into Aho-Corasick automata (one pass over
//! the output however many needles there are), patterns into regexes.

use std::borrow::Cow;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

use crate::assertion::ParseError;
use crate::grade::{Grade, GradeContext, GradeError};
use crate::js;

/// A Unicode normalization form, from promptfoo's `normalizeUnicode` option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    Nfc,
    Nfd,
    Nfkc,
    Nfkd,
}

impl Form {
    /// `normalizeUnicode`: `true` means NFC (canonical forms only, so that
    /// "x²" never equals "x2"); the compatibility forms must be named.
    pub(crate) fn parse(v: &Value) -> Result<Option<Form>, ParseError> {
        match v {
            Value::Null | Value::Bool(false) => Ok(None),
            Value::Bool(true) => Ok(Some(Form::Nfc)),
            Value::String(s) => match s.as_str() {
                "NFC" => Ok(Some(Form::Nfc)),
                "NFD" => Ok(Some(Form::Nfd)),
                "NFKC" => Ok(Some(Form::Nfkc)),
                "NFKD" => Ok(Some(Form::Nfkd)),
                _ => Err(ParseError::invalid(format!(
                    "normalizeUnicode must be true, false, \"NFC\", \"NFD\", \"NFKC\" or \"NFKD\", not {s:?}"
                ))),
            },
            _ => Err(ParseError::invalid(
                "normalizeUnicode must be true, false, \"NFC\", \"NFD\", \"NFKC\" or \"NFKD\"",
            )),
        }
    }

    pub(crate) fn apply(self, s: &str) -> String {
        match self {
            Form::Nfc => s.nfc().collect(),
            Form::Nfd => s.nfd().collect(),
            Form::Nfkc => s.nfkc().collect(),
            Form::Nfkd => s.nfkd().collect(),
        }
    }
}

fn normalized(form: Option<Form>, s: &str) -> Cow<'_, str> {
    match form {
        Some(f) => Cow::Owned(f.apply(s)),
        None => Cow::Borrowed(s),
    }
}

// ---------------------------------------------------------------- equals

#[derive(Debug, Clone)]
pub(crate) enum Equals {
    /// A string (or number, boolean) value: compared with the output text.
    Text {
        expected: String,
        form: Option<Form>,
    },
    /// An object or array value: compared deeply with the output parsed as JSON.
    Json { expected: Value, shown: String },
}

impl Equals {
    pub(crate) fn parse(value: Option<&Value>, form: Option<Form>) -> Result<Self, ParseError> {
        match value {
            None => Err(ParseError::invalid(
                "\"equals\" assertion type must have a value",
            )),
            Some(v @ (Value::Object(_) | Value::Array(_))) => Ok(Equals::Json {
                expected: v.clone(),
                shown: js::stringify(v),
            }),
            Some(v) => {
                let s = js::scalar_string(v).unwrap_or_default();
                Ok(Equals::Text {
                    expected: form.map_or(s.clone(), |f| f.apply(&s)),
                    form,
                })
            }
        }
    }

    pub(crate) fn grade(&self, ctx: &GradeContext<'_>, neg: bool) -> Grade {
        let (pass, shown) = match self {
            Equals::Text { expected, form } => {
                let out = normalized(*form, ctx.output);
                ((*out == **expected) != neg, expected.as_str())
            }
            Equals::Json { expected, shown } => {
                let parsed;
                let actual = match ctx.output_json {
                    Some(v) => Some(v),
                    None => {
                        parsed = serde_json::from_str::<Value>(ctx.output).ok();
                        parsed.as_ref()
                    }
                };
                // Output that is not JSON cannot equal an object: `equals`
                // fails and `not-equals` passes.
                let pass = actual.map_or(neg, |a| js::deep_equal(expected, a) != neg);
                (pass, shown.as_str())
            }
        };
        Grade::binary(pass, || {
            format!(
                "Expected output \"{}\" to {}equal \"{shown}\"",
                ctx.output,
                not(neg)
            )
        })
    }
}

fn not(neg: bool) -> &'static str {
    if neg { "not " } else { "" }
}

// ---------------------------------------------------------------- contains

/// How a list of needles must occur.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quantifier {
    /// `contains`, `icontains`: the single needle.
    One,
    /// `contains-any`: at least one needle (an empty list never passes).
    Any,
    /// `contains-all`: every needle (an empty list never passes).
    All,
}

#[derive(Debug, Clone)]
pub(crate) struct Contains {
    quantifier: Quantifier,
    ignore_case: bool,
    form: Option<Form>,
    /// The needles as written, for reasons.
    shown: Vec<String>,
    /// The needles to search for: normalized, lowercased for `i*` types.
    needles: Vec<String>,
    /// The indices of the non-empty needles, in automaton pattern order.
    ids: Vec<usize>,
    /// Exact search over `needles`.
    exact: Option<AhoCorasick>,
    /// For `i*` types: ASCII case-insensitive search over `needles`, used when
    /// the output is ASCII (lowercasing ASCII text is exactly ASCII folding).
    ascii_fold: Option<AhoCorasick>,
}

impl Contains {
    pub(crate) fn parse(
        name: &'static str,
        quantifier: Quantifier,
        ignore_case: bool,
        value: Option<&Value>,
        form: Option<Form>,
    ) -> Result<Self, ParseError> {
        let shown = match quantifier {
            Quantifier::One => match value {
                Some(Value::String(s)) if !s.is_empty() => vec![s.clone()],
                Some(v @ Value::Number(_)) => vec![js::scalar_string(v).unwrap_or_default()],
                _ => {
                    return Err(ParseError::invalid(format!(
                        "\"{name}\" assertion type must have a string or number value"
                    )));
                }
            },
            Quantifier::Any | Quantifier::All => match value {
                None => {
                    return Err(ParseError::invalid(format!(
                        "\"{name}\" assertion type must have a value"
                    )));
                }
                Some(Value::String(s)) if s.is_empty() => {
                    return Err(ParseError::invalid(format!(
                        "\"{name}\" assertion type must have a value"
                    )));
                }
                Some(Value::String(s)) => parse_comma_separated(s)?,
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|v| {
                        js::scalar_string(v).ok_or_else(|| {
                            ParseError::invalid(format!(
                                "\"{name}\" assertion values must be strings, numbers or booleans, not {v}"
                            ))
                        })
                    })
                    .collect::<Result<_, _>>()?,
                Some(_) => {
                    return Err(ParseError::invalid(format!(
                        "\"{name}\" assertion type must have an array value (or a comma-separated string)"
                    )));
                }
            },
        };
        let needles: Vec<String> = shown
            .iter()
            .map(|s| {
                let s = normalized(form, s);
                if ignore_case {
                    s.to_lowercase()
                } else {
                    s.into_owned()
                }
            })
            .collect();
        // Empty needles (a quoted `""`) are in every output; the automata
        // hold the others, and `ids` maps an automaton pattern to its needle.
        let ids: Vec<usize> = (0..needles.len())
            .filter(|&i| !needles[i].is_empty())
            .collect();
        let build = |fold: bool| -> Result<Option<AhoCorasick>, ParseError> {
            if ids.is_empty() {
                return Ok(None);
            }
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .ascii_case_insensitive(fold)
                .build(ids.iter().map(|&i| &needles[i]))
                .map(Some)
                .map_err(|e| ParseError::invalid(format!("\"{name}\" values: {e}")))
        };
        let exact = build(false)?;
        let ascii_fold = if ignore_case { build(true)? } else { None };
        Ok(Contains {
            quantifier,
            ignore_case,
            form,
            shown,
            needles,
            ids,
            exact,
            ascii_fold,
        })
    }

    /// For each needle, whether the output holds it.
    fn found(&self, output: &str) -> Vec<bool> {
        let mut found: Vec<bool> = self.needles.iter().map(String::is_empty).collect();
        let text = normalized(self.form, output);
        let (haystack, automaton): (Cow<'_, str>, _) = if !self.ignore_case {
            (text, self.exact.as_ref())
        } else if text.is_ascii() {
            (text, self.ascii_fold.as_ref())
        } else {
            (Cow::Owned(text.to_lowercase()), self.exact.as_ref())
        };
        if let Some(ac) = automaton {
            for m in ac.find_overlapping_iter(haystack.as_ref()) {
                found[self.ids[m.pattern().as_usize()]] = true;
            }
        }
        found
    }

    fn any(&self, output: &str) -> bool {
        if self.ids.len() < self.needles.len() {
            // An empty needle is in every output.
            return true;
        }
        let text = normalized(self.form, output);
        match (self.ignore_case, text.is_ascii()) {
            (false, _) => self
                .exact
                .as_ref()
                .is_some_and(|ac| ac.is_match(text.as_ref())),
            (true, true) => self
                .ascii_fold
                .as_ref()
                .is_some_and(|ac| ac.is_match(text.as_ref())),
            (true, false) => self
                .exact
                .as_ref()
                .is_some_and(|ac| ac.is_match(text.to_lowercase().as_str())),
        }
    }

    pub(crate) fn grade(&self, ctx: &GradeContext<'_>, neg: bool) -> Grade {
        match self.quantifier {
            Quantifier::One => {
                let hit = self.any(ctx.output);
                Grade::binary(hit != neg, || {
                    format!(
                        "Expected output to {}contain \"{}\"",
                        not(neg),
                        self.shown.first().map_or("", String::as_str)
                    )
                })
            }
            Quantifier::Any => {
                let hit = !self.needles.is_empty() && self.any(ctx.output);
                Grade::binary(hit != neg, || {
                    format!(
                        "Expected output to {}contain one of \"{}\"",
                        not(neg),
                        self.shown.join(", ")
                    )
                })
            }
            Quantifier::All => {
                let found = self.found(ctx.output);
                let all = !found.is_empty() && found.iter().all(|f| *f);
                Grade::binary(all != neg, || {
                    let missing: Vec<&str> = self
                        .shown
                        .iter()
                        .zip(&found)
                        .filter(|(_, f)| !**f)
                        .map(|(s, _)| s.as_str())
                        .collect();
                    format!(
                        "Expected output to {}contain all of [{}]. Missing: [{}]",
                        not(neg),
                        self.shown.join(", "),
                        missing.join(", ")
                    )
                })
            }
        }
    }
}

/// Splits a `contains-any` / `contains-all` string value as promptfoo does: a
/// CSV line where quoted fields may hold commas, `""` or `\"` inside quotes is
/// a quote and `\\` a backslash, whitespace around fields is dropped, empty
/// unquoted fields are skipped (a quoted `""` is kept), and an unterminated
/// quote or text after a closing quote is an error.
pub(crate) fn parse_comma_separated(value: &str) -> Result<Vec<String>, ParseError> {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    let mut out = Vec::new();
    let mut i = 0;
    let skip_ws = |mut i: usize| {
        while i < n && js::is_js_space(chars[i]) {
            i += 1;
        }
        i
    };
    while i < n {
        // Separators: whitespace and commas.
        loop {
            i = skip_ws(i);
            if i < n && chars[i] == ',' {
                i += 1;
            } else {
                break;
            }
        }
        if i >= n {
            break;
        }
        if chars[i] == '"' {
            let mut field = String::new();
            let mut j = i + 1;
            let mut terminated = false;
            while j < n {
                let c = chars[j];
                if c == '\\' && j + 1 < n && matches!(chars[j + 1], '"' | '\\') {
                    field.push(chars[j + 1]);
                    j += 2;
                } else if c == '"' && j + 1 < n && chars[j + 1] == '"' {
                    field.push('"');
                    j += 2;
                } else if c == '"' {
                    j += 1;
                    terminated = true;
                    break;
                } else {
                    field.push(c);
                    j += 1;
                }
            }
            if !terminated {
                return Err(ParseError::invalid(
                    "Unterminated quoted field in contains assertion value",
                ));
            }
            out.push(field);
            i = skip_ws(j);
            if i < n && chars[i] != ',' {
                return Err(ParseError::invalid(
                    "Expected comma after quoted field in contains assertion value",
                ));
            }
        } else {
            let start = i;
            while i < n && chars[i] != ',' {
                i += 1;
            }
            let field: String = chars[start..i].iter().collect();
            out.push(js::js_trim(&field).to_owned());
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- starts-with

#[derive(Debug, Clone)]
pub(crate) struct StartsWith {
    shown: String,
    prefix: String,
    form: Option<Form>,
}

impl StartsWith {
    pub(crate) fn parse(value: Option<&Value>, form: Option<Form>) -> Result<Self, ParseError> {
        match value {
            Some(Value::String(s)) => Ok(StartsWith {
                shown: s.clone(),
                prefix: normalized(form, s).into_owned(),
                form,
            }),
            _ => Err(ParseError::invalid(
                "\"starts-with\" assertion type must have a string value",
            )),
        }
    }

    pub(crate) fn grade(&self, ctx: &GradeContext<'_>, neg: bool) -> Grade {
        let hit = normalized(self.form, ctx.output).starts_with(self.prefix.as_str());
        Grade::binary(hit != neg, || {
            format!(
                "Expected output to {}start with \"{}\"",
                not(neg),
                self.shown
            )
        })
    }
}

// ---------------------------------------------------------------- regex

/// A compiled `regex` pattern. Patterns the linear-time `regex` engine
/// accepts use it; patterns with JavaScript features it lacks (lookaround,
/// backreferences) fall back to `fancy-regex`, whose backtracking is bounded.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    source: String,
    engine: Engine,
}

#[derive(Debug, Clone)]
enum Engine {
    Linear(regex::Regex),
    Backtracking(Box<fancy_regex::Regex>),
}

impl Pattern {
    pub(crate) fn parse(value: Option<&Value>) -> Result<Self, ParseError> {
        let Some(Value::String(source)) = value else {
            return Err(ParseError::invalid(
                "\"regex\" assertion type must have a string value",
            ));
        };
        let engine = match regex::Regex::new(source) {
            Ok(r) => Engine::Linear(r),
            Err(linear_err) => match fancy_regex::Regex::new(source) {
                Ok(r) => Engine::Backtracking(Box::new(r)),
                Err(_) => {
                    return Err(ParseError::invalid(format!(
                        "\"regex\" assertion value {source:?} is not a valid regular expression: {linear_err}"
                    )));
                }
            },
        };
        Ok(Pattern {
            source: source.clone(),
            engine,
        })
    }

    pub(crate) fn grade(&self, ctx: &GradeContext<'_>, neg: bool) -> Result<Grade, GradeError> {
        let hit = match &self.engine {
            Engine::Linear(r) => r.is_match(ctx.output),
            Engine::Backtracking(r) => r.is_match(ctx.output).map_err(|e| GradeError::Regex {
                pattern: self.source.clone(),
                message: e.to_string(),
            })?,
        };
        Ok(Grade::binary(hit != neg, || {
            format!(
                "Expected output to {}match regex \"{}\"",
                not(neg),
                self.source
            )
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(s: &str) -> Vec<String> {
        parse_comma_separated(s).unwrap()
    }

    #[test]
    fn comma_separated_values() {
        assert_eq!(csv("a, b ,,c"), ["a", "b", "c"]);
        assert_eq!(
            csv(r#""hello, world",universe"#),
            ["hello, world", "universe"]
        );
        assert_eq!(csv(r#""a""b",c"#), ["a\"b", "c"]);
        assert_eq!(csv(r#""say \"hi\"""#), ["say \"hi\""]);
        assert_eq!(csv(r#""a\\b""#), ["a\\b"]);
        assert_eq!(csv(r#""a\tb""#), ["a\\tb"]);
        assert_eq!(csv(r#""","#), [""]);
        assert!(csv("  ,  ,  ").is_empty());
        assert!(parse_comma_separated(r#""open"#).is_err());
        assert!(parse_comma_separated(r#""a" b"#).is_err());
    }
}
