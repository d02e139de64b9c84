//! Strict, span-keeping reading of TOML documents.
//!
//! `serde` would tell us *that* a file is wrong; users need to know *where*.
//! This module walks a `toml_edit` document by hand, collecting a diagnostic
//! (with the offending span and a hint) for every unknown key and every value
//! of the wrong type, and keeps going so one run reports every problem.

use crate::diag::{Diagnostic, SourceFile, did_you_mean};
use std::ops::Range;
use toml_edit::{ImDocument, Item, TableLike, Value};

/// A value read from a file together with where it was.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Its byte range in the file.
    pub span: Option<Range<usize>>,
}

/// Reads one TOML file, collecting diagnostics.
pub(crate) struct TomlReader<'f> {
    pub file: &'f SourceFile,
    pub diags: Vec<Diagnostic>,
}

/// The JSON-ish name of a TOML item's type, for "expected X, found Y".
fn kind_of(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
        Item::Value(v) => match v {
            Value::String(_) => "a string",
            Value::Integer(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Boolean(_) => "a boolean",
            Value::Datetime(_) => "a date-time",
            Value::Array(_) => "an array",
            Value::InlineTable(_) => "an inline table",
        },
    }
}

impl<'f> TomlReader<'f> {
    pub fn new(file: &'f SourceFile) -> Self {
        Self {
            file,
            diags: Vec::new(),
        }
    }

    /// Parses the file; on a syntax error records it and returns `None`.
    pub fn parse(&mut self) -> Option<ImDocument<String>> {
        match ImDocument::parse(self.file.text.to_string()) {
            Ok(doc) => Some(doc),
            Err(err) => {
                let message = err.message().trim().to_owned();
                let span = err.span().map(|s| {
                    // A zero-width span at the end of the file renders poorly; widen it.
                    if s.is_empty() && s.start > 0 {
                        s.start - 1..s.start
                    } else {
                        s
                    }
                });
                self.diags.push(
                    Diagnostic::error("toml-syntax", self.file, span, format!("invalid TOML: {message}"))
                        .with_label("here")
                        .with_help("check quotes, brackets and `=` around this point; see the TOML spec at toml.io"),
                );
                None
            }
        }
    }

    pub fn error(
        &mut self,
        code: &'static str,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diags
            .push(Diagnostic::error(code, self.file, span, message));
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    /// Reports every key of `table` not in `allowed`, suggesting the nearest allowed key.
    pub fn check_keys(&mut self, table: &dyn TableLike, allowed: &[&str], context: &str) {
        for (key, _) in table.iter() {
            if allowed.contains(&key) {
                continue;
            }
            let span = key_span(table, key);
            let help = match did_you_mean(key, allowed.iter().copied()) {
                Some(s) => format!(
                    "did you mean `{s}`? Allowed keys in {context}: {}",
                    allowed.join(", ")
                ),
                None => format!("allowed keys in {context}: {}", allowed.join(", ")),
            };
            let d = self.error(
                "unknown-key",
                span,
                format!("unknown key `{key}` in {context}"),
            );
            d.label = Some("not a known key".into());
            d.help = Some(help);
        }
    }

    fn type_error(&mut self, table: &dyn TableLike, key: &str, item: &Item, expected: &str) {
        let span = item_span(item).or_else(|| key_span(table, key));
        let found = kind_of(item);
        self.error(
            "wrong-type",
            span,
            format!("`{key}` must be {expected}, found {found}"),
        )
        .label = Some(format!("expected {expected}"));
    }

    fn missing(&mut self, table_span: Option<Range<usize>>, key: &str, context: &str, hint: &str) {
        self.error(
            "missing-key",
            table_span,
            format!("missing required key `{key}` in {context}"),
        )
        .help = Some(hint.to_owned());
    }

    /// A string value; records a diagnostic when present with another type.
    pub fn string(&mut self, table: &dyn TableLike, key: &str) -> Option<Spanned<String>> {
        let item = table.get(key)?;
        match item.as_str() {
            Some(s) => Some(Spanned {
                value: s.to_owned(),
                span: item_span(item),
            }),
            None => {
                self.type_error(table, key, item, "a string");
                None
            }
        }
    }

    /// A required string; `hint` says what to write when it is missing.
    pub fn required_string(
        &mut self,
        table: &dyn TableLike,
        table_span: Option<Range<usize>>,
        key: &str,
        context: &str,
        hint: &str,
    ) -> Option<Spanned<String>> {
        if table.get(key).is_none() {
            self.missing(table_span, key, context, hint);
            return None;
        }
        self.string(table, key)
    }

    pub fn float(&mut self, table: &dyn TableLike, key: &str) -> Option<Spanned<f64>> {
        let item = table.get(key)?;
        let value = match item.as_value() {
            Some(Value::Float(f)) => Some(*f.value()),
            #[expect(clippy::cast_precision_loss, reason = "parameters are small numbers")]
            Some(Value::Integer(i)) => Some(*i.value() as f64),
            _ => None,
        };
        match value {
            Some(value) => Some(Spanned {
                value,
                span: item_span(item),
            }),
            None => {
                self.type_error(table, key, item, "a number");
                None
            }
        }
    }

    pub fn unsigned(&mut self, table: &dyn TableLike, key: &str) -> Option<Spanned<u64>> {
        let item = table.get(key)?;
        match item.as_integer().map(u64::try_from) {
            Some(Ok(value)) => Some(Spanned {
                value,
                span: item_span(item),
            }),
            Some(Err(_)) => {
                self.error(
                    "out-of-range",
                    item_span(item),
                    format!("`{key}` must not be negative"),
                );
                None
            }
            None => {
                self.type_error(table, key, item, "a non-negative integer");
                None
            }
        }
    }

    pub fn boolean(&mut self, table: &dyn TableLike, key: &str) -> Option<Spanned<bool>> {
        let item = table.get(key)?;
        match item.as_bool() {
            Some(value) => Some(Spanned {
                value,
                span: item_span(item),
            }),
            None => {
                self.type_error(table, key, item, "true or false");
                None
            }
        }
    }

    /// An array of strings; wrong elements are reported one by one and skipped.
    pub fn string_list(
        &mut self,
        table: &dyn TableLike,
        key: &str,
    ) -> Option<Vec<Spanned<String>>> {
        let item = table.get(key)?;
        let Some(array) = item.as_array() else {
            self.type_error(table, key, item, "an array of strings");
            return None;
        };
        let mut out = Vec::new();
        for v in array {
            match v.as_str() {
                Some(s) => out.push(Spanned {
                    value: s.to_owned(),
                    span: v.span(),
                }),
                None => {
                    self.error(
                        "wrong-type",
                        v.span(),
                        format!("every element of `{key}` must be a string"),
                    )
                    .label = Some("not a string".into());
                }
            }
        }
        Some(out)
    }

    /// A table (`[x]` or `x = { ... }`).
    pub fn table<'d>(&mut self, parent: &'d dyn TableLike, key: &str) -> Option<&'d dyn TableLike> {
        let item = parent.get(key)?;
        match item.as_table_like() {
            Some(t) => Some(t),
            None => {
                self.type_error(parent, key, item, "a table");
                None
            }
        }
    }
}

/// The span of a key inside a table.
pub fn key_span(table: &dyn TableLike, key: &str) -> Option<Range<usize>> {
    table.get_key_value(key).and_then(|(k, _)| k.span())
}

/// The span of an item's value, or of a table's header.
pub fn item_span(item: &Item) -> Option<Range<usize>> {
    match item {
        Item::None => None,
        Item::Value(v) => v.span(),
        Item::Table(t) => t.span(),
        Item::ArrayOfTables(a) => a.span(),
    }
}

/// Converts a TOML item to JSON (date-times become strings).
pub fn to_json(item: &Item) -> serde_json::Value {
    match item {
        Item::None => serde_json::Value::Null,
        Item::Value(v) => value_to_json(v),
        Item::Table(t) => table_to_json(t),
        Item::ArrayOfTables(a) => {
            serde_json::Value::Array(a.iter().map(|t| table_to_json(t)).collect())
        }
    }
}

fn table_to_json(t: &dyn TableLike) -> serde_json::Value {
    serde_json::Value::Object(t.iter().map(|(k, v)| (k.to_owned(), to_json(v))).collect())
}

fn value_to_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Value::String(s) => J::String(s.value().clone()),
        Value::Integer(i) => J::from(*i.value()),
        Value::Float(f) => serde_json::Number::from_f64(*f.value()).map_or(J::Null, J::Number),
        Value::Boolean(b) => J::Bool(*b.value()),
        Value::Datetime(d) => J::String(d.value().to_string()),
        Value::Array(a) => J::Array(a.iter().map(value_to_json).collect()),
        Value::InlineTable(t) => table_to_json(t),
    }
}

/// Finds the span of the TOML item that a JSON pointer (as produced by JSON
/// Schema validation) refers to, walking down from `item`. Falls back to the
/// deepest item found.
pub fn pointer_span(item: &Item, pointer: &str) -> Option<Range<usize>> {
    let mut current = item.clone();
    let mut best = item_span(item);
    for raw in pointer.split('/').skip(1) {
        let seg = raw.replace("~1", "/").replace("~0", "~");
        let next = if let Some(t) = current.as_table_like() {
            let span = key_span(t, &seg);
            let next = t.get(&seg).cloned();
            if let Some(s) = span {
                best = Some(s);
            }
            next
        } else if let Some(a) = current.as_array() {
            seg.parse::<usize>()
                .ok()
                .and_then(|i| a.get(i))
                .map(|v| Item::Value(v.clone()))
        } else {
            None
        };
        match next {
            Some(n) => {
                if let Some(s) = item_span(&n) {
                    best = Some(s);
                }
                current = n;
            }
            None => break,
        }
    }
    best
}
