//! Reading judge answers leniently: a JSON object, possibly fenced or
//! wrapped in prose (a remote judge without schema support), with booleans
//! and numbers possibly written as strings. Anything else is an error that
//! quotes the answer, never a guess.

use serde_json::{Map, Value};

/// The JSON object in `text`: the whole text, else inside a code fence, else
/// from the first `{` to the last `}`.
pub(crate) fn object(text: &str) -> Option<Map<String, Value>> {
    let text = text.trim();
    let candidates = [
        Some(text),
        fenced(text),
        text.find('{')
            .zip(text.rfind('}'))
            .filter(|(a, b)| a < b)
            .map(|(a, b)| &text[a..=b]),
    ];
    candidates
        .into_iter()
        .flatten()
        .find_map(|c| match serde_json::from_str::<Value>(c) {
            Ok(Value::Object(map)) => Some(map),
            _ => None,
        })
}

fn fenced(text: &str) -> Option<&str> {
    let start = text.find("```")?;
    let rest = &text[start + 3..];
    let body = &rest[rest.find('\n')? + 1..];
    Some(body[..body.find("```")?].trim())
}

/// A boolean field: `true`, `"true"`, `"yes"`, `"pass"`, `1` and their
/// opposites. `None` when absent or anything else.
pub(crate) fn boolean(map: &Map<String, Value>, key: &str) -> Option<bool> {
    match map.get(key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "pass" | "passed" => Some(true),
            "false" | "no" | "fail" | "failed" => Some(false),
            _ => None,
        },
        Value::Number(n) => match n.as_f64() {
            Some(1.0) => Some(true),
            Some(0.0) => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A finite number field, possibly written as a string.
pub(crate) fn number(map: &Map<String, Value>, key: &str) -> Option<f64> {
    let x = match map.get(key)? {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    x.is_finite().then_some(x)
}

/// A string field, trimmed; `""` when absent.
pub(crate) fn text(map: &Map<String, Value>, key: &str) -> String {
    match map.get(key) {
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(v @ (Value::Array(_) | Value::Object(_))) => v.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_found_in_prose_and_fences() {
        let m = object(r#"{"pass": true}"#).unwrap();
        assert_eq!(boolean(&m, "pass"), Some(true));
        let m = object("Here you go:\n```json\n{\"score\": \"0.4\"}\n```\nDone.").unwrap();
        assert_eq!(number(&m, "score"), Some(0.4));
        let m = object("Verdict: {\"pass\": \"no\", \"reason\": \"rude\"} (final)").unwrap();
        assert_eq!(boolean(&m, "pass"), Some(false));
        assert_eq!(text(&m, "reason"), "rude");
        assert!(object("I think it passes.").is_none());
        assert!(object("[1, 2]").is_none());
        assert!(object("} {").is_none());
    }

    #[test]
    fn odd_fields_are_not_guessed() {
        let m = object(r#"{"pass": "maybe", "score": "high", "n": 2}"#).unwrap();
        assert_eq!(boolean(&m, "pass"), None);
        assert_eq!(number(&m, "score"), None);
        assert_eq!(boolean(&m, "n"), None);
        assert_eq!(text(&m, "missing"), "");
    }
}
