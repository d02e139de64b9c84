//! The normalized form of a prompt: what its content hash covers, what
//! `diff` compares, and how it renders into messages.
//!
//! Normalization drops formatting, comments, key order and the `version`
//! field, so only a change that reaches the model (or its contract: schema,
//! tools, variables) changes the hash.

use crate::error::RegistryError;
use crate::load::Prompt;
use crate::template::Renderer;
use serde_json::{Map, Value, json};
use std::fmt::Write as _;
use whet_core::{ContentHash, Message};

impl Prompt {
    /// Everything that defines the prompt's behaviour, as JSON with sorted keys.
    pub fn normalized(&self) -> Value {
        let s = &self.spec;
        let v = json!({
            "name": s.name.value,
            "description": s.description,
            "owner": s.owner,
            "tags": s.tags,
            "model": s.model,
            "variables": s.variables,
            "messages": s.messages,
            "partials": self.partials,
            "output_schema": self.output_schema,
            "tools": s.tools,
        });
        // Only when present, so prompts without a guard keep the hashes
        // their releases recorded.
        let v = match (v, &s.guard) {
            (Value::Object(mut m), Some(g)) => {
                m.insert("guard".into(), g.to_json());
                Value::Object(m)
            }
            (v, _) => v,
        };
        sort_keys(v)
    }

    /// SHA-256 of the normalized form.
    pub fn content_hash(&self) -> ContentHash {
        ContentHash::of(self.normalized().to_string().as_bytes())
    }

    /// A line-oriented text of the normalized prompt, for diffs and `show`.
    pub fn canonical_text(&self) -> String {
        let s = &self.spec;
        let mut out = String::new();
        let _ = writeln!(out, "name: {}", s.name.value);
        let _ = writeln!(out, "description: {}", s.description);
        let _ = writeln!(out, "owner: {}", s.owner);
        if !s.tags.is_empty() {
            let _ = writeln!(out, "tags: {}", s.tags.join(", "));
        }
        let model = serde_json::to_value(&s.model).unwrap_or(Value::Null);
        if let Value::Object(m) = sort_keys(model) {
            for (k, v) in m {
                let _ = writeln!(out, "model.{k}: {v}");
            }
        }
        for (name, var) in &s.variables {
            let mut line = format!("variable {name}: {}", var.kind.as_str());
            if !var.required {
                line.push_str(", optional");
            }
            if let Some(d) = &var.default {
                let _ = write!(line, ", default {d}");
            }
            if let Some(d) = &var.description {
                let _ = write!(line, " — {d}");
            }
            let _ = writeln!(out, "{line}");
        }
        for (i, m) in s.messages.iter().enumerate() {
            let _ = writeln!(out, "\n--- message {} ({}) ---", i + 1, m.role);
            push_block(&mut out, &m.content);
        }
        for (name, text) in &self.partials {
            let _ = writeln!(out, "\n--- partial {name} ---");
            push_block(&mut out, text);
        }
        if let Some(schema) = &self.output_schema {
            let _ = writeln!(out, "\n--- output schema ---");
            push_block(&mut out, &pretty(schema));
        }
        for t in &s.tools {
            let _ = writeln!(out, "\n--- tool {} ---", t.name);
            let _ = writeln!(out, "{}", t.description);
            push_block(&mut out, &pretty(&t.parameters));
        }
        if let Some(g) = &s.guard {
            let _ = writeln!(out, "\n--- guard ---");
            push_block(&mut out, &pretty(&g.to_json()));
        }
        out
    }

    /// Renders the messages with already-bound variables (see [`crate::vars::bind`]).
    pub fn render(&self, vars: &Map<String, Value>) -> Result<Vec<Message>, RegistryError> {
        self.render_with(&Renderer::new(&self.partials), vars)
    }

    /// [`Prompt::render`] with a renderer built once from this prompt's
    /// partials (`Renderer::new(&prompt.partials)`), for callers that render
    /// the same prompt many times.
    pub fn render_with(
        &self,
        renderer: &Renderer<'_>,
        vars: &Map<String, Value>,
    ) -> Result<Vec<Message>, RegistryError> {
        self.spec
            .messages
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let content =
                    renderer
                        .render(&m.content, vars)
                        .map_err(|e| RegistryError::Render {
                            what: format!("message {} ({})", i + 1, m.role),
                            message: e.message,
                        })?;
                Ok(Message {
                    role: m.role,
                    content,
                })
            })
            .collect()
    }
}

fn push_block(out: &mut String, text: &str) {
    out.push_str(text);
    if !text.ends_with('\n') {
        out.push('\n');
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(&sort_keys(v.clone())).unwrap_or_default()
}

/// Recursively sorts object keys so equal content serializes identically.
pub fn sort_keys(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sort_keys(v)))
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sort_keys).collect()),
        other => other,
    }
}

/// A unified diff between two prompts' canonical texts.
pub fn diff(a: &Prompt, a_label: &str, b: &Prompt, b_label: &str) -> String {
    let (ta, tb) = (a.canonical_text(), b.canonical_text());
    similar::TextDiff::from_lines(&ta, &tb)
        .unified_diff()
        .context_radius(3)
        .header(a_label, b_label)
        .to_string()
}
