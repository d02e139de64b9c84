//! A YAML tree that remembers where every node came from.
//!
//! Built from `saphyr-parser`'s event stream with an explicit stack (no
//! recursion, so deep nesting cannot overflow the stack), with a depth limit
//! and a budget on alias expansion (no "billion laughs"). Spans are byte
//! ranges into the source text.

use std::collections::HashMap;
use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde_json::Value;

/// Deepest nesting accepted.
const MAX_DEPTH: usize = 128;
/// Most nodes a document may hold once aliases are expanded.
const MAX_NODES: usize = 2_000_000;

/// A YAML value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Yaml {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// A value and its byte span.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub value: Yaml,
    pub span: Range<usize>,
    /// Nodes in this subtree, for the alias budget.
    size: usize,
}

impl Node {
    /// What kind of value this is, for "expected X, found Y".
    pub fn kind(&self) -> &'static str {
        match self.value {
            Yaml::Null => "nothing",
            Yaml::Bool(_) => "a boolean",
            Yaml::Int(_) => "an integer",
            Yaml::Float(_) => "a number",
            Yaml::Str(_) => "a string",
            Yaml::Seq(_) => "a list",
            Yaml::Map(_) => "a mapping",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Yaml::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self.value {
            #[expect(clippy::cast_precision_loss, reason = "thresholds are small numbers")]
            Yaml::Int(i) => Some(i as f64),
            Yaml::Float(f) => Some(f),
            _ => None,
        }
    }

    /// A scalar as text, for mapping keys and CSV-like values.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Yaml::Null => Some(String::new()),
            Yaml::Bool(b) => Some(b.to_string()),
            Yaml::Int(i) => Some(i.to_string()),
            Yaml::Float(f) => Some(f.to_string()),
            Yaml::Str(s) => Some(s.clone()),
            Yaml::Seq(_) | Yaml::Map(_) => None,
        }
    }

    /// The value as JSON: mapping keys become strings, non-finite floats null.
    pub fn to_json(&self) -> Value {
        match &self.value {
            Yaml::Null => Value::Null,
            Yaml::Bool(b) => Value::Bool(*b),
            Yaml::Int(i) => Value::from(*i),
            Yaml::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Yaml::Str(s) => Value::String(s.clone()),
            Yaml::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Yaml::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.scalar_text().unwrap_or_default(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

/// A syntax error: message and where.
#[derive(Debug, Clone)]
pub(crate) struct SyntaxError {
    pub message: String,
    pub span: Range<usize>,
}

/// Maps the parser's character indices to byte offsets.
struct Offsets<'a> {
    text: &'a str,
    ascii: bool,
    /// Last (char index, byte offset) looked up: markers mostly move forward.
    last: (usize, usize),
}

impl Offsets<'_> {
    fn byte(&mut self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.text.len());
        }
        let (mut ci, mut bi) = if char_index >= self.last.0 {
            self.last
        } else {
            (0, 0)
        };
        let mut chars = self.text[bi..].chars();
        while ci < char_index {
            match chars.next() {
                Some(c) => {
                    ci += 1;
                    bi += c.len_utf8();
                }
                None => break,
            }
        }
        self.last = (ci, bi);
        bi
    }

    fn span(&mut self, span: Span) -> Range<usize> {
        let start = self.byte(span.start.index());
        let end = self.byte(span.end.index()).max(start);
        start..end
    }
}

enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<Node>,
        size: usize,
    },
    Map {
        start: usize,
        anchor: usize,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        size: usize,
    },
}

/// Resolves a plain scalar by the YAML 1.2 core schema.
fn resolve_plain(s: &str) -> Yaml {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Yaml::Null,
        "true" | "True" | "TRUE" => return Yaml::Bool(true),
        "false" | "False" | "FALSE" => return Yaml::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Yaml::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Yaml::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Yaml::Float(f64::NAN),
        _ => {}
    }
    if let Some(hex) = s.strip_prefix("0x") {
        if let Ok(i) = i64::from_str_radix(hex, 16) {
            return Yaml::Int(i);
        }
    } else if let Some(oct) = s.strip_prefix("0o")
        && let Ok(i) = i64::from_str_radix(oct, 8)
    {
        return Yaml::Int(i);
    }
    let numeric = s
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
        && s.bytes().any(|b| b.is_ascii_digit());
    if numeric {
        if let Ok(i) = s.parse::<i64>() {
            return Yaml::Int(i);
        }
        if let Ok(f) = s.parse::<f64>() {
            return Yaml::Float(f);
        }
    }
    Yaml::Str(s.to_owned())
}

/// Parses the first document of `text`. `Ok(None)` for an empty stream.
pub(crate) fn parse(text: &str) -> Result<Option<Node>, SyntaxError> {
    let mut offsets = Offsets {
        text,
        ascii: text.is_ascii(),
        last: (0, 0),
    };
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut total = 0usize;
    let mut root: Option<Node> = None;

    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(e) => e,
            Err(err) => {
                let at = offsets.byte(err.marker().index());
                let start = if at >= text.len() && at > 0 {
                    text[..at].char_indices().last().map_or(0, |(i, _)| i)
                } else {
                    at
                };
                return Err(SyntaxError {
                    message: err.info().to_owned(),
                    span: start..at.max(start),
                });
            }
        };
        let range = offsets.span(span);
        let node = match event {
            Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => continue,
            Event::DocumentEnd | Event::StreamEnd => {
                // Only the first document is read.
                if root.is_some() || matches!(event, Event::StreamEnd) {
                    break;
                }
                continue;
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some(n) => Node {
                    span: range,
                    ..n.clone()
                },
                None => {
                    return Err(SyntaxError {
                        message: "unknown alias".into(),
                        span: range,
                    });
                }
            },
            Event::Scalar(value, style, anchor, _tag) => {
                let value = if style == ScalarStyle::Plain {
                    resolve_plain(&value)
                } else {
                    Yaml::Str(value.into_owned())
                };
                let node = Node {
                    value,
                    span: range,
                    size: 1,
                };
                if anchor > 0 {
                    anchors.insert(anchor, node.clone());
                }
                node
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(SyntaxError {
                        message: format!("nesting deeper than {MAX_DEPTH} levels"),
                        span: range,
                    });
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        start: range.start,
                        anchor,
                        items: Vec::new(),
                        size: 1,
                    }
                } else {
                    Frame::Map {
                        start: range.start,
                        anchor,
                        entries: Vec::new(),
                        key: None,
                        size: 1,
                    }
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = stack.pop() else { continue };
                let (value, start, anchor, size, last_end) = match frame {
                    Frame::Seq {
                        start,
                        anchor,
                        items,
                        size,
                    } => {
                        let end = items.last().map_or(range.end, |n| n.span.end);
                        (Yaml::Seq(items), start, anchor, size, end)
                    }
                    Frame::Map {
                        start,
                        anchor,
                        entries,
                        size,
                        ..
                    } => {
                        let end = entries.last().map_or(range.end, |(_, v)| v.span.end);
                        (Yaml::Map(entries), start, anchor, size, end)
                    }
                };
                let node = Node {
                    value,
                    span: start..last_end.max(range.end).max(start),
                    size,
                };
                if anchor > 0 {
                    anchors.insert(anchor, node.clone());
                }
                node
            }
        };
        total = total.saturating_add(node.size);
        if total > MAX_NODES {
            return Err(SyntaxError {
                message: "the document expands to too many values (alias expansion?)".into(),
                span: node.span,
            });
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::Seq { items, size, .. }) => {
                *size = size.saturating_add(node.size);
                items.push(node);
            }
            Some(Frame::Map {
                entries, key, size, ..
            }) => {
                *size = size.saturating_add(node.size);
                match key.take() {
                    None => *key = Some(node),
                    Some(k) => entries.push((k, node)),
                }
            }
        }
    }
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_bytes() {
        let text = "é: [1, two]\nb: ~\n";
        let Ok(Some(root)) = parse(text) else {
            unreachable!()
        };
        let Yaml::Map(entries) = &root.value else {
            unreachable!()
        };
        assert_eq!(&text[entries[0].0.span.clone()], "é");
        let Yaml::Seq(items) = &entries[0].1.value else {
            unreachable!()
        };
        assert_eq!(items[0].value, Yaml::Int(1));
        assert_eq!(&text[items[1].span.clone()], "two");
        assert_eq!(&text[entries[1].0.span.clone()], "b");
        assert_eq!(entries[1].1.value, Yaml::Null);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        assert!(parse(&text).is_err());
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..9 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("a{}", i - 1)
            };
            text.push_str(&format!(
                "b{i}: &a{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        assert!(parse(&text).is_err());
    }
}
