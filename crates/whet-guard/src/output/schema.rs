//! JSON Schema validation of an output, leniently extracted, and the
//! follow-up message of a repair re-ask.
//!
//! Models asked for JSON often wrap it in a ```` ```json ```` fence or a
//! sentence ("Here is the result: {...}"). A caller that feeds the output to
//! another program has to strip those anyway, so [`SchemaCheck`] does too,
//! and says in its result how it found the JSON ([`Extraction`]). What it
//! does not forgive is JSON that is invalid or does not match the schema:
//! those become findings, and [`reask_message`] turns the findings into a
//! user message asking the model to fix its answer. The caller sends it with
//! the bad output as the preceding assistant turn, a bounded number of times
//! ([`DEFAULT_MAX_REASKS`]), and gives up after that.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use jsonschema::{Draft, Validator};
use serde_json::Value;

use crate::{Category, Finding};

/// How many repair re-asks a caller makes by default before giving up.
pub const DEFAULT_MAX_REASKS: u32 = 2;

/// Most `SCHEMA_INVALID` findings reported for one output (a badly wrong
/// output would otherwise list one per field).
const MAX_ERRORS: usize = 10;

/// Most `{`/`[` positions tried when looking for JSON inside prose, so a
/// text full of braces costs a bounded number of parses.
const MAX_CANDIDATES: usize = 64;

/// Longest reason text kept from the JSON parser or the validator.
const MAX_REASON: usize = 240;

/// A JSON Schema did not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    /// The schema is not a valid JSON Schema (an unknown type name, a bad
    /// regex, a `$ref` to nowhere).
    #[error("the JSON Schema does not compile: {0}")]
    Invalid(String),
}

/// A compiled JSON Schema that checks outputs.
///
/// Draft 7 unless the schema's `$schema` says otherwise (the draft whet's
/// `is-json` assertion uses), with `format` enforced. References resolve
/// inside the schema only: nothing is fetched. Compile once, check many
/// outputs; it is `Send + Sync`.
///
/// ```
/// use whet_guard::output::SchemaCheck;
/// let check = SchemaCheck::new(&serde_json::json!({
///     "type": "object", "required": ["intent"],
///     "properties": {"intent": {"type": "string"}}
/// }))?;
/// let v = check.check("Sure:\n```json\n{\"intent\": \"refund\"}\n```").unwrap();
/// assert_eq!(v["intent"], "refund");
/// let findings = check.check("{\"intent\": 3}").unwrap_err();
/// assert_eq!(findings[0].entity, "SCHEMA_INVALID");
/// assert_eq!(findings[0].reason, "at /intent: value is not of type \"string\"");
/// # Ok::<(), whet_guard::output::SchemaError>(())
/// ```
pub struct SchemaCheck {
    validator: Validator,
}

impl fmt::Debug for SchemaCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SchemaCheck").finish_non_exhaustive()
    }
}

/// Where the JSON of an output was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extraction {
    /// The whole output (ignoring surrounding whitespace) is JSON.
    Whole,
    /// Inside a ```` ``` ```` code fence (with or without a `json` tag).
    Fenced,
    /// The first JSON object (or array) inside prose.
    Embedded,
}

impl Extraction {
    /// Whether the output held more than its JSON.
    pub fn is_lenient(self) -> bool {
        self != Extraction::Whole
    }
}

impl fmt::Display for Extraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Extraction::Whole => "the whole output",
            Extraction::Fenced => "a code fence",
            Extraction::Embedded => "JSON embedded in prose",
        })
    }
}

/// The JSON found in an output.
#[derive(Debug, Clone, PartialEq)]
pub struct Extracted {
    /// The parsed value.
    pub value: Value,
    /// The byte span of its text in the output.
    pub span: Range<usize>,
    /// How it was found.
    pub how: Extraction,
}

impl SchemaCheck {
    /// Compiles `schema`.
    pub fn new(schema: &Value) -> Result<SchemaCheck, SchemaError> {
        let mut options = jsonschema::options().should_validate_formats(true);
        if schema.get("$schema").is_none() {
            options = options.with_draft(Draft::Draft7);
        }
        options
            .build(schema)
            .map(|validator| SchemaCheck { validator })
            .map_err(|e| SchemaError::Invalid(e.to_string()))
    }

    /// The output's JSON when it is valid against the schema; otherwise a
    /// `NOT_JSON` finding (no JSON found; spans the whole output) or one
    /// `SCHEMA_INVALID` finding per validation error (at most 10; each
    /// spans the JSON's text and its reason starts with the JSON pointer of
    /// the offending value).
    pub fn check(&self, output: &str) -> Result<Value, Vec<Finding>> {
        self.check_extracted(output).map(|e| e.value)
    }

    /// [`check`](SchemaCheck::check), also saying where the JSON was found.
    /// When it had to be dug out of a fence or prose, each finding's reason
    /// says so too.
    pub fn check_extracted(&self, output: &str) -> Result<Extracted, Vec<Finding>> {
        let found = extract(output).map_err(|e| vec![not_json(output, &e)])?;
        let findings: Vec<Finding> = self
            .validator
            .iter_errors(&found.value)
            .take(MAX_ERRORS)
            .map(|e| {
                let at = pointer(e.instance_path().as_str());
                let mut reason = format!("at {at}: {}", e.masked());
                if found.how.is_lenient() {
                    reason.push_str(&format!(" (JSON taken from {})", found.how));
                }
                Finding::new(
                    Category::Output,
                    "SCHEMA_INVALID",
                    found.span.clone(),
                    1.0,
                    clip(reason),
                )
            })
            .collect();
        if findings.is_empty() {
            Ok(found)
        } else {
            Err(findings)
        }
    }
}

/// A JSON pointer for a reason: the root is `/` rather than the empty
/// string a reader would miss.
fn pointer(p: &str) -> &str {
    if p.is_empty() { "/" } else { p }
}

fn not_json(output: &str, parse_error: &str) -> Finding {
    let reason = if output.trim().is_empty() {
        "the output is empty, not JSON".to_owned()
    } else {
        format!("no JSON object or array found: {parse_error}")
    };
    Finding::new(
        Category::Output,
        "NOT_JSON",
        0..output.len(),
        1.0,
        clip(reason),
    )
}

/// Cuts a reason to [`MAX_REASON`] bytes, on a character boundary.
fn clip(mut s: String) -> Cow<'static, str> {
    if s.len() > MAX_REASON {
        let mut cut = MAX_REASON;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    Cow::Owned(s)
}

/// Finds the JSON in an output: the whole of it, else the first fenced
/// block that parses, else the first object (or, failing that, array) in
/// the prose. The error is what the parser said about the whole output.
pub fn extract(output: &str) -> Result<Extracted, String> {
    let trimmed = output.trim();
    let lead = output.len() - output.trim_start().len();
    let whole_error = match serde_json::from_str::<Value>(trimmed) {
        Ok(value) => {
            return Ok(Extracted {
                value,
                span: lead..lead + trimmed.len(),
                how: Extraction::Whole,
            });
        }
        Err(e) => e.to_string(),
    };
    if let Some(found) = fenced(output) {
        return Ok(found);
    }
    embedded(output, b'{')
        .or_else(|| embedded(output, b'['))
        .ok_or(whole_error)
}

/// The first ```` ``` ```` fence whose body parses as JSON.
fn fenced(output: &str) -> Option<Extracted> {
    let mut rest = 0;
    while let Some(open) = output.get(rest..)?.find("```") {
        let after = rest + open + 3;
        // The info string (`json`, `JSON5`, nothing) runs to the line end.
        let body_start = after + output.get(after..)?.find('\n')? + 1;
        let close = body_start + output.get(body_start..)?.find("```")?;
        let body = output.get(body_start..close)?;
        let t = body.trim();
        if let Ok(value) = serde_json::from_str::<Value>(t) {
            let s = body_start + (body.len() - body.trim_start().len());
            return Some(Extracted {
                value,
                span: s..s + t.len(),
                how: Extraction::Fenced,
            });
        }
        rest = close + 3;
    }
    None
}

/// The first complete JSON value starting at an `open` byte (`{` or `[`)
/// in prose; whatever follows it is ignored.
fn embedded(output: &str, open: u8) -> Option<Extracted> {
    let bytes = output.as_bytes();
    for start in memchr::memchr_iter(open, bytes).take(MAX_CANDIDATES) {
        // `open` is ASCII, so `start` is a char boundary.
        let rest = output.get(start..)?;
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
        if let Some(Ok(value)) = stream.next() {
            let end = start + stream.byte_offset();
            return Some(Extracted {
                value,
                span: start..end,
                how: Extraction::Embedded,
            });
        }
    }
    None
}

/// The user message of a repair re-ask: what was wrong with the previous
/// answer (one line per finding, at most 10) and what to send instead.
///
/// ```
/// use whet_guard::output::{SchemaCheck, reask_message};
/// let check = SchemaCheck::new(&serde_json::json!({"type": "object", "required": ["intent"]}))?;
/// let msg = reask_message(&check.check("{}").unwrap_err());
/// assert!(msg.contains("- at /: \"intent\" is a required property"));
/// # Ok::<(), whet_guard::output::SchemaError>(())
/// ```
pub fn reask_message(findings: &[Finding]) -> String {
    let not_json = findings.iter().any(|f| f.entity == "NOT_JSON");
    let mut msg = String::from(if not_json {
        "Your previous answer was not valid JSON:\n"
    } else {
        "Your previous answer did not match the required JSON schema:\n"
    });
    for f in findings.iter().take(MAX_ERRORS) {
        msg.push_str("- ");
        msg.push_str(&f.reason);
        msg.push('\n');
    }
    if findings.len() > MAX_ERRORS {
        msg.push_str(&format!("- and {} more\n", findings.len() - MAX_ERRORS));
    }
    msg.push_str(
        "Reply again with only the corrected JSON, matching the schema exactly: no code fences, no comments, no text before or after it.",
    );
    msg
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn intent() -> SchemaCheck {
        SchemaCheck::new(&json!({
            "type": "object",
            "required": ["intent", "confidence"],
            "additionalProperties": false,
            "properties": {
                "intent": {"type": "string", "enum": ["refund", "card_lost"]},
                "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                "contact": {"type": "string", "format": "email"}
            }
        }))
        .unwrap()
    }

    #[test]
    fn valid_outputs_pass_and_say_where_the_json_was() {
        let c = intent();
        let cases = [
            (
                "{\"intent\":\"refund\",\"confidence\":0.9}",
                Extraction::Whole,
            ),
            (
                "  {\"intent\":\"refund\",\"confidence\":1}\n",
                Extraction::Whole,
            ),
            (
                "```json\n{\"intent\":\"card_lost\",\"confidence\":0.5}\n```",
                Extraction::Fenced,
            ),
            (
                "Here you go:\n```\n{\"intent\":\"refund\",\"confidence\":0}\n```\nAnything else?",
                Extraction::Fenced,
            ),
            (
                "The answer is {\"intent\": \"refund\", \"confidence\": 0.7}. Hope it helps {:",
                Extraction::Embedded,
            ),
        ];
        for (out, how) in cases {
            let e = c
                .check_extracted(out)
                .unwrap_or_else(|f| panic!("{out}: {f:?}"));
            assert_eq!(e.how, how, "{out}");
            assert_eq!(
                serde_json::from_str::<Value>(&out[e.span.clone()]).unwrap(),
                e.value
            );
        }
    }

    #[test]
    fn schema_errors_name_their_json_pointer() {
        let c = intent();
        let out = "{\"intent\":\"hello\",\"confidence\":2,\"contact\":\"nope\",\"x\":1}";
        let f = c.check(out).unwrap_err();
        let reasons: Vec<&str> = f.iter().map(|f| f.reason.as_ref()).collect();
        assert!(
            reasons.iter().any(|r| r.starts_with("at /intent: ")),
            "{reasons:?}"
        );
        assert!(
            reasons.iter().any(|r| r.starts_with("at /confidence: ")),
            "{reasons:?}"
        );
        assert!(
            reasons.contains(&"at /contact: value is not a \"email\""),
            "{reasons:?}"
        );
        assert!(
            reasons
                .iter()
                .any(|r| r.starts_with("at /: Additional properties")),
            "{reasons:?}"
        );
        assert!(
            f.iter()
                .all(|f| f.entity == "SCHEMA_INVALID" && f.span() == (0..out.len()))
        );
        // Values are masked: the bad value itself is not echoed.
        assert!(reasons.iter().all(|r| !r.contains("hello")));
    }

    #[test]
    fn leniency_is_reported_on_failures() {
        let out = "Sure!\n```json\n{\"intent\":\"refund\"}\n```";
        let f = intent().check(out).unwrap_err();
        assert_eq!(
            f[0].reason,
            "at /: \"confidence\" is a required property (JSON taken from a code fence)"
        );
        assert_eq!(&out[f[0].span()], "{\"intent\":\"refund\"}");
    }

    #[test]
    fn non_json_is_not_json() {
        let c = intent();
        for out in [
            "",
            "  ",
            "refund",
            "{intent: refund}",
            "```json\n{\"a\":\n```",
            "[1, 2",
        ] {
            let f = c.check(out).unwrap_err();
            assert_eq!(f.len(), 1, "{out}");
            assert_eq!(f[0].entity, "NOT_JSON", "{out}");
            assert_eq!(f[0].span(), 0..out.len());
        }
        // A JSON scalar is JSON: the schema, not the extractor, rejects it.
        let f = c.check("\"refund\"").unwrap_err();
        assert_eq!(f[0].entity, "SCHEMA_INVALID");
    }

    #[test]
    fn the_draft_is_7_unless_the_schema_names_one() {
        // `prefixItems` is a 2020-12 keyword that draft 7 ignores.
        let tuple = json!({"prefixItems": [{"type": "string"}]});
        assert!(SchemaCheck::new(&tuple).unwrap().check("[1]").is_ok());
        let mut named = tuple;
        named["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
        assert!(SchemaCheck::new(&named).unwrap().check("[1]").is_err());
    }

    #[test]
    fn bad_schemas_are_errors() {
        let e = SchemaCheck::new(&json!({"type": "no-such-type"})).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("the JSON Schema does not compile")
        );
        assert!(SchemaCheck::new(&json!({"pattern": "("})).is_err());
    }

    #[test]
    fn reask_lists_the_problems_and_asks_for_json_only() {
        let f = intent().check("{\"intent\":\"refund\"}").unwrap_err();
        let msg = reask_message(&f);
        assert!(
            msg.starts_with(
                "Your previous answer did not match the required JSON schema:\n- at /: "
            )
        );
        assert!(msg.ends_with("no text before or after it."));
        let msg = reask_message(&intent().check("nope").unwrap_err());
        assert!(msg.starts_with(
            "Your previous answer was not valid JSON:\n- no JSON object or array found: "
        ));
    }

    #[test]
    fn long_reasons_are_clipped_on_char_boundaries() {
        let c =
            SchemaCheck::new(&json!({"type": "object", "required": ["é".repeat(300)]})).unwrap();
        let f = c.check("{}").unwrap_err();
        assert!(f[0].reason.len() <= MAX_REASON + '…'.len_utf8());
        assert!(f[0].reason.ends_with('…'));
    }
}
