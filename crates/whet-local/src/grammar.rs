//! Response formats as GBNF grammars for constrained decoding.

use crate::error::LocalError;
use whet_providers::ResponseFormat;

/// The GBNF grammar (root rule `root`) that constrains output to `format`,
/// or `None` for free text.
pub(crate) fn grammar_for(format: &ResponseFormat) -> Result<Option<String>, LocalError> {
    match format {
        ResponseFormat::Text => Ok(None),
        ResponseFormat::JsonObject => {
            schema_grammar(&serde_json::json!({ "type": "object" }), "a JSON object").map(Some)
        }
        ResponseFormat::JsonSchema { name, schema } => {
            schema_grammar(schema, &format!("the JSON Schema `{name}`")).map(Some)
        }
        ResponseFormat::Choice { labels } => choice_grammar(labels).map(Some),
    }
}

fn schema_grammar(schema: &serde_json::Value, what: &str) -> Result<String, LocalError> {
    let text = serde_json::to_string(schema).map_err(|e| LocalError::Grammar {
        what: what.to_owned(),
        message: e.to_string(),
    })?;
    llama_cpp_2::json_schema_to_grammar(&text).map_err(|e| LocalError::Grammar {
        what: what.to_owned(),
        message: format!(
            "llama.cpp cannot convert this schema into a grammar ({e}); simplify it (plain types, properties, required, enum, arrays)"
        ),
    })
}

/// `root ::= "a" | "b" | ...`: exactly one of `labels`.
pub(crate) fn choice_grammar(labels: &[String]) -> Result<String, LocalError> {
    if labels.is_empty() {
        return Err(LocalError::InvalidRequest {
            message: "a Choice response format needs at least one label".to_owned(),
        });
    }
    if labels.iter().any(String::is_empty) {
        return Err(LocalError::InvalidRequest {
            message: "a Choice response format cannot have an empty label".to_owned(),
        });
    }
    let alternatives: Vec<String> = labels.iter().map(|l| gbnf_literal(l)).collect();
    Ok(format!("root ::= {}\n", alternatives.join(" | ")))
}

/// `s` as a GBNF string literal.
pub(crate) fn gbnf_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let code = u32::from(c);
                if code <= 0xFF {
                    out.push_str(&format!("\\x{code:02X}"));
                } else {
                    out.push_str(&format!("\\u{code:04X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped() {
        assert_eq!(gbnf_literal(r#"say "hi"\now"#), r#""say \"hi\"\\now""#);
        assert_eq!(gbnf_literal("a\nb\u{1}é"), r#""a\nb\x01é""#);
        let g = choice_grammar(&["yes".into(), "no \"way\"".into()]).unwrap();
        assert_eq!(g, "root ::= \"yes\" | \"no \\\"way\\\"\"\n");
    }

    #[test]
    fn empty_choices_are_rejected() {
        assert!(choice_grammar(&[]).is_err());
        assert!(choice_grammar(&[String::new()]).is_err());
    }

    #[test]
    fn text_needs_no_grammar() {
        assert_eq!(grammar_for(&ResponseFormat::Text).unwrap(), None);
    }
}
