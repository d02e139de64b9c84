//! The prompt file format: `prompts/NAME.toml` parsed into a [`PromptSpec`].
//!
//! Parsing here is structural only (keys, types, ranges). Checks that need
//! other files (partials, schema files, the project's model aliases) live in
//! [`crate::load`] and [`crate::lint`].

use crate::diag::{Diagnostic, SourceFile};
use crate::toml_read::{Spanned, TomlReader, item_span, key_span, pointer_span, to_json};
use semver::Version;
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::Range;
use toml_edit::{Item, TableLike};
use whet_core::{ModelParams, Role, validate_name};

/// Top-level keys of a prompt file.
pub const TOP_KEYS: &[&str] = &[
    "name",
    "description",
    "owner",
    "tags",
    "version",
    "model",
    "variables",
    "messages",
    "output",
    "tools",
    "guard",
];
const MODEL_KEYS: &[&str] = &[
    "alias",
    "temperature",
    "top_p",
    "max_tokens",
    "stop",
    "seed",
];
const VAR_KEYS: &[&str] = &["type", "required", "default", "description"];
const MESSAGE_KEYS: &[&str] = &["role", "content"];
const OUTPUT_KEYS: &[&str] = &["schema", "schema_file"];
const TOOL_KEYS: &[&str] = &["name", "description", "parameters"];

/// The type of a template variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VarType {
    /// Any text.
    String,
    /// An integer or a float.
    Number,
    /// `true` or `false`.
    Bool,
    /// A JSON array.
    List,
    /// A JSON object.
    Object,
}

impl VarType {
    /// Every type, for help texts.
    pub const NAMES: &'static [&'static str] = &["string", "number", "bool", "list", "object"];

    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "string" => Self::String,
            "number" => Self::Number,
            "bool" => Self::Bool,
            "list" => Self::List,
            "object" => Self::Object,
            _ => return None,
        })
    }

    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Number => "number",
            Self::Bool => "bool",
            Self::List => "list",
            Self::Object => "object",
        }
    }

    /// Whether a JSON value has this type.
    pub fn accepts(self, v: &serde_json::Value) -> bool {
        use serde_json::Value as J;
        matches!(
            (self, v),
            (Self::String, J::String(_))
                | (Self::Number, J::Number(_))
                | (Self::Bool, J::Bool(_))
                | (Self::List, J::Array(_))
                | (Self::Object, J::Object(_))
        )
    }
}

/// A declared input variable.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VarSpec {
    /// Its type.
    #[serde(rename = "type")]
    pub kind: VarType,
    /// Whether rendering fails without it (ignored when there is a default).
    pub required: bool,
    /// Value used when the caller gives none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    /// What it is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where the variable's key is declared.
    #[serde(skip)]
    pub span: Option<Range<usize>>,
}

/// Where a message template sits in its file, so template errors can point
/// into the TOML string that holds it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TemplateOrigin {
    /// The whole string value, quotes included.
    pub value_span: Option<Range<usize>>,
    /// File offset of the template's first byte, when the string has no
    /// escapes, so template offsets map one to one onto file offsets.
    pub exact_start: Option<usize>,
}

impl TemplateOrigin {
    /// Maps a byte range inside the template onto the file.
    pub fn map(&self, range: Range<usize>) -> Option<Range<usize>> {
        match self.exact_start {
            Some(start) => Some(start + range.start..start + range.end.max(range.start + 1)),
            None => self.value_span.clone(),
        }
    }
}

/// One message of the prompt, as a MiniJinja template.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MessageTemplate {
    /// Who speaks.
    pub role: Role,
    /// The template text.
    pub content: String,
    /// Where it is in the file.
    #[serde(skip)]
    pub origin: TemplateOrigin,
}

/// Where the output schema comes from.
#[derive(Debug, Clone)]
pub enum SchemaSource {
    /// Written in the prompt file; the item keeps spans for error locations.
    Inline(Item),
    /// A JSON file, relative to the prompt file.
    File(Spanned<String>),
}

/// A tool the model may call.
#[derive(Debug, Clone, Serialize)]
pub struct ToolSpec {
    /// Function name.
    pub name: String,
    /// What it does, for the model.
    pub description: String,
    /// JSON Schema of its arguments.
    pub parameters: serde_json::Value,
    /// The `parameters` item, for error locations.
    #[serde(skip)]
    pub parameters_item: Option<Item>,
}

/// A parsed prompt file.
#[derive(Debug, Clone)]
pub struct PromptSpec {
    /// The prompt's name; equals the file stem.
    pub name: Spanned<String>,
    /// What the prompt is for (its intent).
    pub description: String,
    /// Who answers for it.
    pub owner: String,
    /// Free-form tags.
    pub tags: Vec<String>,
    /// The last released version, written by `whet prompt release`.
    pub version: Option<Spanned<Version>>,
    /// Model alias and sampling parameters.
    pub model: ModelParams,
    /// Span of the model alias, for "unknown alias" errors.
    pub model_alias_span: Option<Range<usize>>,
    /// Declared variables, by name.
    pub variables: BTreeMap<String, VarSpec>,
    /// The messages, in order.
    pub messages: Vec<MessageTemplate>,
    /// Output JSON Schema, if any.
    pub output: Option<SchemaSource>,
    /// Tools, if any.
    pub tools: Vec<ToolSpec>,
    /// Guard policy: `[guard]`.
    pub guard: Option<crate::guard::PromptGuard>,
}

/// Parses a prompt file. Returns the spec when the file is structurally
/// sound, and every problem found either way.
pub fn parse_prompt(file: &SourceFile) -> (Option<PromptSpec>, Vec<Diagnostic>) {
    let mut r = TomlReader::new(file);
    let spec = r.parse().and_then(|doc| read_spec(&mut r, doc.as_table()));
    let spec = if crate::diag::has_errors(&r.diags) {
        None
    } else {
        spec
    };
    (spec, r.diags)
}

fn read_spec(r: &mut TomlReader<'_>, top: &toml_edit::Table) -> Option<PromptSpec> {
    r.check_keys(top, TOP_KEYS, "a prompt file");
    let whole = Some(0..0);
    let name = r.required_string(
        top,
        whole.clone(),
        "name",
        "a prompt file",
        "add `name = \"my-prompt\"`, matching the file name",
    );
    if let Some(n) = &name
        && let Err(e) = validate_name(&n.value)
    {
        r.error("invalid-name", n.span.clone(), e.to_string()).help = Some(
            "names become file names and git tags: use lowercase letters, digits, `-` and `_`"
                .into(),
        );
    }
    let description = r.required_string(
        top,
        whole.clone(),
        "description",
        "a prompt file",
        "say what the prompt is for, e.g. `description = \"Classify a banking customer's message into an intent\"`",
    );
    let owner = r.required_string(
        top,
        whole.clone(),
        "owner",
        "a prompt file",
        "name the person or team who answers for it, e.g. `owner = \"support-team\"`",
    );
    for (field, value) in [("description", &description), ("owner", &owner)] {
        if let Some(v) = value.as_ref().filter(|v| v.value.trim().is_empty()) {
            r.error("empty-value", v.span.clone(), format!("`{field}` is empty"))
                .help = Some(format!("every prompt needs a non-empty `{field}`"));
        }
    }
    let tags = r.string_list(top, "tags").unwrap_or_default();
    let version = r.string(top, "version").and_then(|v| match Version::parse(&v.value) {
        Ok(parsed) => Some(Spanned { value: parsed, span: v.span }),
        Err(e) => {
            r.error("bad-semver", v.span, format!("`version` is not a semantic version: {e}"))
                .help = Some("use MAJOR.MINOR.PATCH such as \"1.2.0\"; `whet prompt release` maintains this field".into());
            None
        }
    });
    let (model, model_alias_span) = read_model(r, top);
    let variables = read_variables(r, top);
    let messages = read_messages(r, top);
    let output = read_output(r, top);
    let tools = read_tools(r, top);
    let guard = r
        .table(top, "guard")
        .map(|t| crate::guard::read_prompt_guard(r, t));
    Some(PromptSpec {
        name: name?,
        description: description?.value,
        owner: owner?.value,
        tags: tags.into_iter().map(|t| t.value).collect(),
        version,
        model,
        model_alias_span,
        variables,
        messages,
        output,
        tools,
        guard,
    })
}

fn read_model(
    r: &mut TomlReader<'_>,
    top: &toml_edit::Table,
) -> (ModelParams, Option<Range<usize>>) {
    let mut params = ModelParams::default();
    let Some(t) = r.table(top, "model") else {
        return (params, None);
    };
    r.check_keys(t, MODEL_KEYS, "[model]");
    let alias = r.string(t, "alias");
    let span = alias.as_ref().and_then(|a| a.span.clone());
    params.alias = alias.map(|a| a.value);
    params.temperature = r
        .float(t, "temperature")
        .and_then(|v| in_range(r, "temperature", v, 0.0, 2.0));
    params.top_p = r
        .float(t, "top_p")
        .and_then(|v| in_range(r, "top_p", v, 0.0, 1.0));
    params.max_tokens = r
        .unsigned(t, "max_tokens")
        .and_then(|v| match u32::try_from(v.value) {
            Ok(n) if n > 0 => Some(n),
            _ => {
                r.error(
                    "out-of-range",
                    v.span,
                    "`max_tokens` must be between 1 and 4294967295",
                );
                None
            }
        });
    params.stop = r
        .string_list(t, "stop")
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.value)
        .collect();
    params.seed = r.unsigned(t, "seed").map(|s| s.value);
    (params, span)
}

fn in_range(r: &mut TomlReader<'_>, key: &str, v: Spanned<f64>, lo: f64, hi: f64) -> Option<f64> {
    if (lo..=hi).contains(&v.value) {
        Some(v.value)
    } else {
        r.error(
            "out-of-range",
            v.span,
            format!("`{key}` is {}, outside {lo} to {hi}", v.value),
        )
        .label = Some(format!("must be between {lo} and {hi}"));
        None
    }
}

fn read_variables(r: &mut TomlReader<'_>, top: &toml_edit::Table) -> BTreeMap<String, VarSpec> {
    let mut out = BTreeMap::new();
    let Some(vars) = r.table(top, "variables") else {
        return out;
    };
    for (name, item) in vars.iter() {
        let span = key_span(vars, name);
        let Some(t) = item.as_table_like() else {
            r.error(
                "wrong-type",
                item_span(item).or(span),
                format!("variable `{name}` must be a table"),
            )
            .help = Some(format!(
                "declare it as `[variables.{name}]` with `type = \"string\"` and friends"
            ));
            continue;
        };
        if !is_identifier(name) {
            r.error(
                "invalid-name",
                span.clone(),
                format!("`{name}` cannot be used as a template variable"),
            )
            .help = Some("use letters, digits and `_`, not starting with a digit".into());
        }
        r.check_keys(t, VAR_KEYS, &format!("[variables.{name}]"));
        let kind = match r.required_string(
            t,
            span.clone(),
            "type",
            &format!("[variables.{name}]"),
            "add `type = \"string\"` (or number, bool, list, object)",
        ) {
            Some(k) => match VarType::parse(&k.value) {
                Some(kind) => kind,
                None => {
                    let d = r.error(
                        "unknown-type",
                        k.span,
                        format!("unknown variable type `{}`", k.value),
                    );
                    d.help = Some(
                        match crate::diag::did_you_mean(&k.value, VarType::NAMES.iter().copied()) {
                            Some(s) => {
                                format!("did you mean `{s}`? Types: {}", VarType::NAMES.join(", "))
                            }
                            None => format!("types: {}", VarType::NAMES.join(", ")),
                        },
                    );
                    continue;
                }
            },
            None => continue,
        };
        let required = r.boolean(t, "required").is_none_or(|b| b.value);
        let default = t
            .get("default")
            .map(|item| (to_json(item), item_span(item)));
        if let Some((value, vspan)) = &default
            && !kind.accepts(value)
        {
            r.error(
                "wrong-type",
                vspan.clone(),
                format!("default of `{name}` is not a {}", kind.as_str()),
            )
            .label = Some(format!("expected a {} value", kind.as_str()));
        }
        let description = r.string(t, "description").map(|d| d.value);
        out.insert(
            name.to_owned(),
            VarSpec {
                kind,
                required,
                default: default.map(|d| d.0),
                description,
                span,
            },
        );
    }
    out
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn read_messages(r: &mut TomlReader<'_>, top: &toml_edit::Table) -> Vec<MessageTemplate> {
    let mut out = Vec::new();
    let Some(item) = top.get("messages") else {
        r.error(
            "missing-key",
            Some(0..0),
            "a prompt needs at least one message",
        )
        .help = Some(
            "add a `[[messages]]` table with `role = \"user\"` and `content = \"...\"`".into(),
        );
        return out;
    };
    let tables: Vec<&dyn TableLike> = match item {
        Item::ArrayOfTables(a) => a.iter().map(|t| t as &dyn TableLike).collect(),
        Item::Value(toml_edit::Value::Array(a)) => {
            let mut v = Vec::new();
            for m in a {
                match m.as_inline_table() {
                    Some(t) => v.push(t as &dyn TableLike),
                    None => {
                        r.error(
                            "wrong-type",
                            m.span(),
                            "each message must be a table with `role` and `content`",
                        );
                    }
                }
            }
            v
        }
        other => {
            r.error(
                "wrong-type",
                item_span(other).or(key_span(top, "messages")),
                "`messages` must be an array of tables",
            )
            .help = Some(
                "write each message as `[[messages]]` followed by `role = ...` and `content = ...`"
                    .into(),
            );
            return out;
        }
    };
    if tables.is_empty() {
        r.error(
            "missing-key",
            key_span(top, "messages"),
            "`messages` is empty",
        );
    }
    for t in tables {
        let header = t.iter().next().and_then(|(k, _)| key_span(t, k));
        r.check_keys(t, MESSAGE_KEYS, "[[messages]]");
        let role = r
            .required_string(
                t,
                header.clone(),
                "role",
                "[[messages]]",
                "add `role = \"system\"`, `\"user\"` or `\"assistant\"`",
            )
            .and_then(|role| match Role::parse(&role.value) {
                Some(parsed) => Some(parsed),
                None => {
                    let names = Role::ALL.map(Role::as_str);
                    let d = r.error(
                        "unknown-role",
                        role.span,
                        format!("unknown role `{}`", role.value),
                    );
                    d.help = Some(match crate::diag::did_you_mean(&role.value, names) {
                        Some(s) => format!("did you mean `{s}`? Roles: system, user, assistant"),
                        None => "roles: system, user, assistant".into(),
                    });
                    None
                }
            });
        let content = r.required_string(
            t,
            header,
            "content",
            "[[messages]]",
            "add `content = \"...\"`, a MiniJinja template",
        );
        let (Some(role), Some(content)) = (role, content) else {
            continue;
        };
        let origin = template_origin(
            &r.file.text,
            t.get("content").and_then(item_span),
            &content.value,
        );
        out.push(MessageTemplate {
            role,
            content: content.value,
            origin,
        });
    }
    out
}

/// Works out where the decoded string starts in the file, if it maps exactly.
fn template_origin(text: &str, span: Option<Range<usize>>, decoded: &str) -> TemplateOrigin {
    let exact_start = span.as_ref().and_then(|s| {
        let raw = text.get(s.clone())?;
        let (open, close) = if raw.starts_with("'''") || raw.starts_with("\"\"\"") {
            (3, 3)
        } else {
            (1, 1)
        };
        let mut body_start = s.start + open;
        let mut body = raw.get(open..raw.len().checked_sub(close)?)?;
        if open == 3 {
            // TOML trims a newline right after the opening delimiter.
            if let Some(rest) = body.strip_prefix("\r\n") {
                body = rest;
                body_start += 2;
            } else if let Some(rest) = body.strip_prefix('\n') {
                body = rest;
                body_start += 1;
            }
        }
        (body == decoded).then_some(body_start)
    });
    TemplateOrigin {
        value_span: span,
        exact_start,
    }
}

fn read_output(r: &mut TomlReader<'_>, top: &toml_edit::Table) -> Option<SchemaSource> {
    let t = r.table(top, "output")?;
    r.check_keys(t, OUTPUT_KEYS, "[output]");
    let inline = t.get("schema");
    let file = r.string(t, "schema_file");
    match (inline, file) {
        (Some(_), Some(f)) => {
            r.error(
                "conflicting-keys",
                f.span,
                "`[output]` has both `schema` and `schema_file`",
            )
            .help = Some("keep one: an inline schema or a path to a JSON file".into());
            None
        }
        (Some(item), None) => {
            if item.as_table_like().is_none() {
                r.error("wrong-type", item_span(item), "`schema` must be a table holding a JSON Schema")
                    .help = Some("e.g. `schema = { type = \"object\", properties = { intent = { type = \"string\" } } }`".into());
                return None;
            }
            Some(SchemaSource::Inline(item.clone()))
        }
        (None, Some(f)) => Some(SchemaSource::File(f)),
        (None, None) => {
            r.error(
                "missing-key",
                key_span(top, "output"),
                "`[output]` needs `schema` or `schema_file`",
            );
            None
        }
    }
}

fn read_tools(r: &mut TomlReader<'_>, top: &toml_edit::Table) -> Vec<ToolSpec> {
    let mut out = Vec::new();
    let Some(item) = top.get("tools") else {
        return out;
    };
    let Some(aot) = item.as_array_of_tables() else {
        r.error(
            "wrong-type",
            item_span(item).or(key_span(top, "tools")),
            "`tools` must be an array of tables",
        )
        .help = Some(
            "write each tool as `[[tools]]` with `name`, `description` and `parameters`".into(),
        );
        return out;
    };
    for t in aot {
        let header = t.span();
        r.check_keys(t, TOOL_KEYS, "[[tools]]");
        let name = r.required_string(
            t,
            header.clone(),
            "name",
            "[[tools]]",
            "add `name = \"lookup_order\"`",
        );
        let description = r.required_string(
            t,
            header.clone(),
            "description",
            "[[tools]]",
            "say what the tool does; the model reads it",
        );
        if let Some(n) = &name {
            let ok = !n.value.is_empty()
                && n.value.len() <= 64
                && n.value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !ok {
                r.error(
                    "invalid-name",
                    n.span.clone(),
                    format!("tool name `{}` is not allowed by chat APIs", n.value),
                )
                .help = Some("use 1 to 64 letters, digits, `_` or `-`".into());
            }
        }
        let parameters_item = t.get("parameters").cloned();
        let parameters = match &parameters_item {
            Some(p) if p.is_table_like() => to_json(p),
            Some(p) => {
                r.error(
                    "wrong-type",
                    item_span(p),
                    "`parameters` must be a table holding a JSON Schema",
                );
                continue;
            }
            None => serde_json::json!({"type": "object", "properties": {}}),
        };
        if let (Some(name), Some(description)) = (name, description) {
            out.push(ToolSpec {
                name: name.value,
                description: description.value,
                parameters,
                parameters_item,
            });
        }
    }
    out
}

/// The span a JSON-Schema error at `pointer` refers to, inside `item`.
pub fn schema_error_span(item: &Item, pointer: &str) -> Option<Range<usize>> {
    pointer_span(item, pointer)
}
