//! `providers` (or `targets`): the models a promptfoo config runs on.

use std::ops::Range;

use serde_json::{Map, Value};
use whet_registry::Spanned;

use super::{Hint, error, fields, warn};
use crate::suite::Reader;
use crate::suite::yaml::{Node, Yaml};

/// A provider a promptfoo config names, for the CLI to turn into a model: an
/// exact whet model alias wins; `openai:*` and `anthropic:*` ids become
/// ad-hoc providers.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderRef {
    /// promptfoo's provider id, e.g. `openai:gpt-4o-mini`,
    /// `openai:chat:gpt-4o-mini`, `anthropic:messages:claude-3-5-haiku-latest`,
    /// or a whet model alias.
    pub id: String,
    /// `label`: the name reports use instead of the id.
    pub label: Option<String>,
    /// The `config` keys whet uses, type-checked: `temperature`, `top_p`
    /// (numbers), `max_tokens`, `seed` (whole numbers), `stop` (always a list
    /// of strings), `apiBaseUrl` and `apiKeyEnvar` (strings).
    pub config: Map<String, Value>,
    /// Where the config names it.
    pub span: Option<Range<usize>>,
}

impl ProviderRef {
    /// The name the suite knows it by: its `label`, or its `id`.
    pub fn name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.id)
    }

    pub(super) fn spanned_name(&self) -> Spanned<String> {
        Spanned {
            value: self.name().to_owned(),
            span: self.span.clone(),
        }
    }
}

const OPTION_KEYS: &[&str] = &["id", "label", "config"];
const OPTION_IGNORED: &[Hint] = &[
    (
        "prompts",
        "whet runs every prompt with every provider; split the config to pair some prompts with some providers",
    ),
    (
        "transform",
        "whet grades the raw output; move the transformation into the prompt or a `script` assertion",
    ),
    (
        "delay",
        "whet paces requests per provider itself, backing off when rate-limited",
    ),
    (
        "env",
        "set these variables in the environment before `whet eval`",
    ),
];

const NUMBERS: &[&str] = &["temperature", "top_p"];
const WHOLE_NUMBERS: &[&str] = &["max_tokens", "seed"];
const STRINGS: &[&str] = &["apiBaseUrl", "apiKeyEnvar"];
const CONFIG_KEYS: &str = "temperature, max_tokens, top_p, seed and stop (and apiBaseUrl / apiKeyEnvar to reach the model)";

/// Reads `providers`: one id, a list, or a single options mapping.
pub(super) fn read(r: &mut Reader, node: &Node) -> Vec<ProviderRef> {
    let items = match &node.value {
        Yaml::Seq(items) => items.as_slice(),
        _ => std::slice::from_ref(node),
    };
    let mut out: Vec<ProviderRef> = Vec::new();
    for n in items {
        let Some(p) = provider(r, n) else { continue };
        if out.iter().any(|q| q.name() == p.name()) {
            let msg = format!("two providers are named `{}`", p.name());
            error(
                r,
                "duplicate-provider",
                n.span.clone(),
                msg,
                "second provider with this name",
                "give one of them a distinct `label`",
            );
            continue;
        }
        out.push(p);
    }
    if out.is_empty() && matches!(&node.value, Yaml::Seq(items) if items.is_empty()) {
        error(
            r,
            "missing-key",
            node.span.clone(),
            "`providers` is empty",
            "no providers",
            "list at least one provider id or whet model alias",
        );
    }
    out
}

/// One provider: an id string, `{id, label, config}` or `{ID: {label, config}}`.
fn provider(r: &mut Reader, n: &Node) -> Option<ProviderRef> {
    match &n.value {
        Yaml::Str(s) => id_only(r, n, s),
        Yaml::Map(entries) if entries.iter().any(|(k, _)| k.as_str() == Some("id")) => {
            options(r, n, entries, None)
        }
        Yaml::Map(entries)
            if entries.len() == 1 && !matches!(entries[0].0.as_str(), Some("label" | "config")) =>
        {
            let (k, v) = &entries[0];
            let id = r.string("a provider id", k)?;
            match &v.value {
                Yaml::Map(inner) => options(r, n, inner, Some(id)),
                Yaml::Null => Some(ProviderRef {
                    id,
                    label: None,
                    config: Map::new(),
                    span: Some(k.span.clone()),
                }),
                _ => {
                    r.wrong_type(&id, v, "a mapping of provider options (`label`, `config`)");
                    None
                }
            }
        }
        Yaml::Map(_) => {
            error(
                r,
                "missing-key",
                n.span.clone(),
                "missing `id` in a provider",
                "this provider",
                "write `- id: openai:gpt-4o-mini` (with optional `label` and `config`)",
            );
            None
        }
        _ => {
            r.wrong_type("providers", n, "a provider id or a mapping with `id`");
            None
        }
    }
}

fn id_only(r: &mut Reader, n: &Node, s: &str) -> Option<ProviderRef> {
    check_id(r, n, s)?;
    Some(ProviderRef {
        id: s.to_owned(),
        label: None,
        config: Map::new(),
        span: Some(n.span.clone()),
    })
}

/// Refuses ids whet cannot turn into a model.
fn check_id(r: &mut Reader, n: &Node, id: &str) -> Option<()> {
    if id.trim().is_empty() {
        error(
            r,
            "bad-provider",
            n.span.clone(),
            "a provider id is empty",
            "empty id",
            "write a provider id such as `openai:gpt-4o-mini`, or a whet model alias",
        );
        return None;
    }
    if id.starts_with("file://") {
        let msg = format!("provider `{id}` is a file: whet cannot load provider files or scripts");
        error(
            r,
            "unsupported-provider",
            n.span.clone(),
            msg,
            "provider file",
            "list the providers inline: `openai:MODEL`, `anthropic:messages:MODEL`, or a model alias from whet.toml",
        );
        return None;
    }
    Some(())
}

/// `{id, label, config}`; `id` is given for the `{ID: {...}}` form.
fn options(
    r: &mut Reader,
    n: &Node,
    entries: &[(Node, Node)],
    id: Option<String>,
) -> Option<ProviderRef> {
    let mut p = ProviderRef {
        id: id.unwrap_or_default(),
        label: None,
        config: Map::new(),
        span: Some(n.span.clone()),
    };
    for f in fields(r, entries, OPTION_KEYS, OPTION_IGNORED, "a provider") {
        match f.name {
            "id" => {
                let id = r.string("id", f.value)?;
                check_id(r, f.value, &id)?;
                p.id = id;
                p.span = Some(f.value.span.clone());
            }
            "label" => p.label = r.string("label", f.value).filter(|l| !l.trim().is_empty()),
            _ => p.config = config(r, f.value),
        }
    }
    check_id(r, n, &p.id)?;
    Some(p)
}

/// The `config` keys whet uses; warns about the others.
fn config(r: &mut Reader, node: &Node) -> Map<String, Value> {
    let mut out = Map::new();
    let Some(entries) = r.map("config", node) else {
        return out;
    };
    for (k, v) in entries {
        let Some(name) = k.as_str() else {
            r.wrong_type("a config key", k, "a string");
            continue;
        };
        if let Some(value) = config_value(r, name, k, v) {
            out.insert(name.to_owned(), value);
        }
    }
    out
}

/// One checked `config` value, or `None` (with a diagnostic) when whet does
/// not use it or it has the wrong type.
fn config_value(r: &mut Reader, name: &str, k: &Node, v: &Node) -> Option<Value> {
    if NUMBERS.contains(&name) {
        return match v.as_f64() {
            Some(f) if f.is_finite() && f >= 0.0 => Some(Value::from(f)),
            _ => {
                r.wrong_type(name, v, "a number >= 0");
                None
            }
        };
    }
    if WHOLE_NUMBERS.contains(&name) {
        return match &v.value {
            Yaml::Int(i) if *i >= 0 && (name == "seed" || *i >= 1) => Some(Value::from(*i)),
            _ => {
                r.wrong_type(name, v, "a whole number (at least 1 for max_tokens)");
                None
            }
        };
    }
    if STRINGS.contains(&name) {
        return r.string(name, v).map(Value::String);
    }
    match name {
        "stop" => stop(r, v),
        "apiKey" => {
            warn(
                r,
                "ignored-key",
                k.span.clone(),
                "`apiKey` in a provider config is ignored",
                "not read",
                "whet never reads API keys from files: export OPENAI_API_KEY or ANTHROPIC_API_KEY, or name another variable with `apiKeyEnvar`",
            );
            None
        }
        _ => {
            let msg =
                format!("provider config key `{name}` is not supported by whet and is ignored");
            warn(
                r,
                "ignored-key",
                k.span.clone(),
                msg,
                "ignored",
                format!("whet sends {CONFIG_KEYS}"),
            );
            None
        }
    }
}

/// `stop`: a string or a list of strings, kept as a list.
fn stop(r: &mut Reader, v: &Node) -> Option<Value> {
    let items = Reader::list(v);
    let mut out = Vec::with_capacity(items.len());
    for n in items {
        match n.as_str() {
            Some(s) => out.push(Value::String(s.to_owned())),
            None => {
                r.wrong_type("stop", n, "a string or a list of strings");
                return None;
            }
        }
    }
    Some(Value::Array(out))
}
