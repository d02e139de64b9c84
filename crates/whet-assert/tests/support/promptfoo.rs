//! Runs one promptfoo conformance case (a line of
//! `tests/data/promptfoo_assertions.jsonl`) through whet-assert. Shared by
//! `tests/conformance.rs` and `examples/promptfoo_verdicts.rs`.

// Each user reads a different part of it.
#![allow(dead_code)]

use serde_json::{Map, Value, json};
use whet_assert::{Assertion, GradeContext, ToolSchema};

/// The conformance data, embedded: nothing is read at run time.
pub const DATA: &str = include_str!("../data/promptfoo_assertions.jsonl");

/// whet's answer to one case.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub pass: bool,
    pub score: Option<f64>,
    pub reason: Option<String>,
    pub error: Option<String>,
}

impl Verdict {
    /// The line `check_promptfoo_assertions.py` reads.
    pub fn to_json(&self, id: &str) -> Value {
        let mut v = json!({"id": id, "pass": self.pass, "score": self.score});
        if let Some(e) = &self.error {
            v["error"] = Value::from(e.as_str());
        }
        v
    }
}

/// Every case, parsed.
pub fn cases() -> Result<Vec<Value>, String> {
    DATA.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| format!("bad case line {l}: {e}")))
        .collect()
}

/// The case's assertion as a promptfoo-shaped object (nulls dropped).
fn assertion_json(case: &Value) -> Value {
    let mut out = Map::new();
    if let Some(Value::Object(a)) = case.get("assertion") {
        for (k, v) in a {
            if !v.is_null() {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(out)
}

/// Grades one case: parse errors and grade errors become `error`.
pub fn run(case: &Value) -> Verdict {
    let failed = |e: String| Verdict {
        pass: false,
        score: None,
        reason: None,
        error: Some(e),
    };
    let assertion = match Assertion::from_json(&assertion_json(case)) {
        Ok(a) => a,
        Err(e) => return failed(e.to_string()),
    };
    let extra = case.get("extra").cloned().unwrap_or(Value::Null);
    let output_value = case.get("output").cloned().unwrap_or(Value::Null);
    let (output, output_json) = match &output_value {
        Value::String(s) => (s.clone(), None),
        other => (
            serde_json::to_string(other).unwrap_or_default(),
            Some(other),
        ),
    };
    let logprobs: Option<Vec<f64>> = extra
        .get("logProbs")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_f64).collect());
    // promptfoo reads `provider.config.tools` for the tools-call type and
    // `provider.config.functions` for the function-call type; whet has one
    // list of tool schemas per prompt.
    let config = extra.get("provider_config");
    let tools_value = match assertion.name().trim_start_matches("not-") {
        "is-valid-openai-function-call" => config.and_then(|c| c.get("functions")),
        _ => config.and_then(|c| c.get("tools")),
    };
    let tools = match tools_value {
        None => None,
        Some(t) => {
            let parsed = if assertion.name().ends_with("function-call") {
                ToolSchema::from_openai_functions(t)
            } else {
                ToolSchema::from_openai_tools(t)
            };
            match parsed {
                Ok(t) => Some(t),
                Err(e) => return failed(e.to_string()),
            }
        }
    };
    let ctx = GradeContext {
        output: &output,
        output_json,
        latency_ms: extra.get("latencyMs").and_then(Value::as_f64),
        cost_usd: extra.get("cost").and_then(Value::as_f64),
        finish_reason: extra.get("finishReason").and_then(Value::as_str),
        logprobs: logprobs.as_deref(),
        tools: tools.as_deref(),
        ..Default::default()
    };
    match assertion.grade(&ctx) {
        Ok(g) => Verdict {
            pass: g.pass,
            score: Some(g.score),
            reason: Some(g.reason.into_owned()),
            error: None,
        },
        Err(e) => failed(e.to_string()),
    }
}
