//! `is-json` and `contains-json`, optionally against a JSON Schema, and the
//! schema compilation the tool-call types share.

use std::sync::Arc;

use jsonschema::error::ValidationErrorKind;
use jsonschema::{Draft, ValidationError, Validator};
use serde_json::Value;

use crate::assertion::ParseError;
use crate::grade::{Grade, GradeContext, PASSED};

/// A compiled JSON Schema.
///
/// Schemas default to draft 7, the draft promptfoo's Ajv uses, and `format`
/// is enforced (`date`, `email`, ...), as ajv-formats does. References are
/// resolved only inside the schema: nothing is fetched. Unlike Ajv's strict
/// mode, unknown keywords are ignored rather than rejected.
#[derive(Clone)]
pub(crate) struct Schema(Arc<Validator>);

impl std::fmt::Debug for Schema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Schema")
    }
}

impl Schema {
    pub(crate) fn compile(schema: &Value) -> Result<Schema, String> {
        jsonschema::options()
            .with_draft(Draft::Draft7)
            .should_validate_formats(true)
            .build(schema)
            .map(|v| Schema(Arc::new(v)))
            .map_err(|e| e.to_string())
    }

    /// `None` when `instance` is valid, else the first error in Ajv's words
    /// (`data/latitude must be number`).
    pub(crate) fn first_error(&self, instance: &Value) -> Option<String> {
        self.0.validate(instance).err().map(|e| ajv_error_text(&e))
    }
}

/// One validation error as Ajv's `errorsText` prints it.
pub(crate) fn ajv_error_text(e: &ValidationError<'_>) -> String {
    let message = match e.kind() {
        ValidationErrorKind::Type { kind } => {
            let types = match kind {
                jsonschema::error::TypeKind::Single(t) => t.to_string(),
                jsonschema::error::TypeKind::Multiple(ts) => ts
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            };
            format!("must be {types}")
        }
        ValidationErrorKind::Required { property } => {
            let p = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_owned);
            format!("must have required property '{p}'")
        }
        ValidationErrorKind::Format { format } => format!("must match format \"{format}\""),
        ValidationErrorKind::Enum { .. } => "must be equal to one of the allowed values".to_owned(),
        ValidationErrorKind::Constant { .. } => "must be equal to constant".to_owned(),
        ValidationErrorKind::Minimum { limit } => format!("must be >= {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("must be <= {limit}"),
        ValidationErrorKind::ExclusiveMinimum { limit } => format!("must be > {limit}"),
        ValidationErrorKind::ExclusiveMaximum { limit } => format!("must be < {limit}"),
        ValidationErrorKind::MinLength { limit } => {
            format!("must NOT have fewer than {limit} characters")
        }
        ValidationErrorKind::MaxLength { limit } => {
            format!("must NOT have more than {limit} characters")
        }
        ValidationErrorKind::MinItems { limit } => {
            format!("must NOT have fewer than {limit} items")
        }
        ValidationErrorKind::MaxItems { limit } => format!("must NOT have more than {limit} items"),
        ValidationErrorKind::MinProperties { limit } => {
            format!("must NOT have fewer than {limit} properties")
        }
        ValidationErrorKind::MaxProperties { limit } => {
            format!("must NOT have more than {limit} properties")
        }
        ValidationErrorKind::AdditionalProperties { .. } => {
            "must NOT have additional properties".to_owned()
        }
        ValidationErrorKind::Pattern { pattern } => format!("must match pattern \"{pattern}\""),
        ValidationErrorKind::UniqueItems => "must NOT have duplicate items".to_owned(),
        ValidationErrorKind::AnyOf { .. } => "must match a schema in anyOf".to_owned(),
        ValidationErrorKind::OneOfNotValid { .. }
        | ValidationErrorKind::OneOfMultipleValid { .. } => {
            "must match exactly one schema in oneOf".to_owned()
        }
        ValidationErrorKind::Not { .. } => "must NOT be valid".to_owned(),
        ValidationErrorKind::FalseSchema => "boolean schema is false".to_owned(),
        ValidationErrorKind::Contains => "must contain at least 1 valid item(s)".to_owned(),
        _ => e.to_string(),
    };
    format!("data{} {message}", e.instance_path().as_str())
}

/// The schema a value names: none for an absent value, a boolean schema, an
/// object, or a string holding YAML (or JSON). Numbers, arrays and `file://`
/// references are errors (the suite loader resolves files; this crate reads
/// none).
fn parse_schema(name: &str, value: Option<&Value>) -> Result<Option<Schema>, ParseError> {
    let schema = match value {
        None => return Ok(None),
        Some(v @ (Value::Bool(_) | Value::Object(_))) => v.clone(),
        Some(Value::String(s)) if s.starts_with("file://") => {
            return Err(ParseError::invalid(format!(
                "{name} assertion value {s:?} is a file reference: the suite loader must read the schema file and pass its contents"
            )));
        }
        Some(Value::String(s)) => {
            let v: Value = serde_yaml_ng::from_str(s).map_err(|e| {
                ParseError::invalid(format!(
                    "{name} assertion value is not a YAML or JSON schema: {e}"
                ))
            })?;
            if !matches!(v, Value::Bool(_) | Value::Object(_)) {
                return Err(ParseError::invalid(format!(
                    "{name} assertion schema must be an object or a boolean, not {v}"
                )));
            }
            v
        }
        Some(_) => {
            return Err(ParseError::invalid(format!(
                "{name} assertion must have a string, object, or boolean value"
            )));
        }
    };
    Schema::compile(&schema)
        .map(Some)
        .map_err(|e| ParseError::invalid(format!("{name} assertion schema does not compile: {e}")))
}

fn schema_failure(error: &str) -> String {
    format!("JSON does not conform to the provided schema. Errors: {error}")
}

/// `is-json`: the whole output parses as JSON (any JSON value), and matches
/// the schema when there is one.
#[derive(Debug, Clone)]
pub(crate) struct IsJson(Option<Schema>);

impl IsJson {
    pub(crate) fn parse(value: Option<&Value>) -> Result<Self, ParseError> {
        parse_schema("is-json", value).map(IsJson)
    }

    pub(crate) fn grade(&self, ctx: &GradeContext<'_>, neg: bool) -> Grade {
        let parsed;
        let value = match ctx.output_json {
            Some(v) => Some(v),
            None => {
                parsed = serde_json::from_str::<Value>(ctx.output).ok();
                parsed.as_ref()
            }
        };
        let failure = match (value, &self.0) {
            (None, _) => Some(if neg {
                // Not reached when negated: invalid JSON passes below.
                String::new()
            } else {
                "Expected output to be valid JSON".to_owned()
            }),
            (Some(v), Some(schema)) => schema.first_error(v).map(|e| schema_failure(&e)),
            (Some(_), None) => None,
        };
        match (failure, neg) {
            (None, false) => Grade::new(true, 1.0, PASSED),
            (Some(reason), false) => Grade::new(false, 0.0, reason),
            (Some(_), true) => Grade::new(true, 1.0, PASSED),
            (None, true) => Grade::new(
                false,
                0.0,
                if self.0.is_some() {
                    "Expected output to not be valid JSON matching the schema"
                } else {
                    "Expected output to not be valid JSON"
                },
            ),
        }
    }
}

/// `contains-json`: some JSON object inside the output (in prose, in a code
/// fence) parses, and matches the schema when there is one.
#[derive(Debug, Clone)]
pub(crate) struct ContainsJson(Option<Schema>);

impl ContainsJson {
    pub(crate) fn parse(value: Option<&Value>) -> Result<Self, ParseError> {
        parse_schema("contains-json", value).map(ContainsJson)
    }

    pub(crate) fn grade(&self, ctx: &GradeContext<'_>, neg: bool) -> Grade {
        let mut failure = Some("Expected output to contain valid JSON".to_owned());
        for object in JsonObjects::new(ctx.output) {
            match &self.0 {
                None => {
                    failure = None;
                    break;
                }
                Some(schema) => match schema.first_error(&object) {
                    None => {
                        failure = None;
                        break;
                    }
                    Some(e) => failure = Some(schema_failure(&e)),
                },
            }
        }
        match (failure, neg) {
            (None, false) | (Some(_), true) => Grade::new(true, 1.0, PASSED),
            (Some(reason), false) => Grade::new(false, 0.0, reason),
            (None, true) => Grade::new(
                false,
                0.0,
                if self.0.is_some() {
                    "Expected output to not contain JSON matching the schema"
                } else {
                    "Expected output to not contain valid JSON"
                },
            ),
        }
    }
}

/// The JSON objects inside a text, left to right: from each `{`, the object
/// that starts there if one does; scanning resumes after it. This is what
/// promptfoo's `extractJsonObjects` finds (it tries every prefix from each
/// `{`), in one streaming parse per `{` instead of one parse per prefix.
pub(crate) struct JsonObjects<'a> {
    text: &'a str,
    pos: usize,
}

/// promptfoo gives up on an object longer than this.
const MAX_JSON_LEN: usize = 100_000;

impl<'a> JsonObjects<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        JsonObjects { text, pos: 0 }
    }
}

impl Iterator for JsonObjects<'_> {
    type Item = Value;

    fn next(&mut self) -> Option<Value> {
        while let Some(off) = memchr::memchr(b'{', &self.text.as_bytes()[self.pos..]) {
            let start = self.pos + off;
            let rest = &self.text[start..];
            let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
            if let Some(Ok(v)) = stream.next() {
                let end = stream.byte_offset();
                if end <= MAX_JSON_LEN {
                    self.pos = start + end;
                    return Some(v);
                }
            }
            self.pos = start + 1;
        }
        self.pos = self.text.len();
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_objects_in_prose_and_fences() {
        let text = "see {\"a\": 1} and ```{\"b\": {\"c\": [1]}}``` but not {oops} {\"d\": 2";
        let found: Vec<Value> = JsonObjects::new(text).collect();
        assert_eq!(
            found,
            vec![
                serde_json::json!({"a": 1}),
                serde_json::json!({"b": {"c": [1]}})
            ]
        );
    }

    #[test]
    fn errors_read_like_ajv() {
        let schema = Schema::compile(&serde_json::json!({
            "type": "object",
            "required": ["unit"],
            "properties": {"latitude": {"type": "number"}}
        }))
        .unwrap();
        assert_eq!(
            schema.first_error(&serde_json::json!({"unit": 1, "latitude": "x"})),
            Some("data/latitude must be number".to_owned())
        );
        assert_eq!(
            schema.first_error(&serde_json::json!({})),
            Some("data must have required property 'unit'".to_owned())
        );
    }
}
