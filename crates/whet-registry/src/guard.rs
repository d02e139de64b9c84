//! Guard policies in TOML: a prompt file's `[guard]` table and the named
//! policies under `[guard.policies.NAME]` in `whet.toml`, parsed with a
//! diagnostic at the exact spot of every mistake.
//!
//! ```toml
//! [guard]
//! policy = "strict"   # a named policy from whet.toml, or inline rules:
//! input = [
//!   { check = "injection", action = "block" },
//!   { check = "pii", action = "redact", operator = "placeholder" },
//! ]
//! output = [{ check = "leak", action = "block" }]
//! ```

use crate::diag::{Diagnostic, SourceFile};
use crate::project::ProjectConfig;
use crate::toml_read::{Spanned, TomlReader, item_span, key_span, to_json};
use std::ops::Range;
use toml_edit::{Item, TableLike};
use whet_guard::policy::{Action, CheckSpec, Guard, PolicyError, PolicySpec, RuleSpec, Side};
use whet_guard::redact::Operator;

/// Keys of one rule.
const RULE_KEYS: &[&str] = &[
    "check",
    "action",
    "threshold",
    "entities",
    "operator",
    "terms",
    "max_reasks",
    "schema",
];
const CHECKS: &[&str] = &[
    "pii",
    "secrets",
    "injection",
    "schema",
    "refusal",
    "leak",
    "banned",
    "grounding",
];
const ACTIONS: &[&str] = &["block", "redact", "warn", "reask"];
const OPERATORS: &[&str] = &["placeholder", "mask", "hash", "drop"];

/// A policy as written in a file, with where each rule is so that errors
/// found when the policy is compiled can point at the rule.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicySource {
    /// The rules.
    pub spec: PolicySpec,
    /// The span of each input rule, in order.
    pub input_spans: Vec<Option<Range<usize>>>,
    /// The span of each output rule, in order.
    pub output_spans: Vec<Option<Range<usize>>>,
}

impl PolicySource {
    /// The span of `input[i]` or `output[i]`, for a compile error that names it.
    pub fn rule_span(&self, output: bool, index: usize) -> Option<Range<usize>> {
        let spans = if output {
            &self.output_spans
        } else {
            &self.input_spans
        };
        spans.get(index).cloned().flatten()
    }
}

/// A prompt's `[guard]`: a named policy, inline rules, or both (the named
/// policy's rules run first).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PromptGuard {
    /// `policy = "NAME"`: a policy under `[guard.policies]` in whet.toml.
    pub policy: Option<Spanned<String>>,
    /// Rules written in the prompt file itself.
    pub inline: PolicySource,
}

impl PromptGuard {
    /// The guard as JSON, for the prompt's normalized form and content hash.
    pub fn to_json(&self) -> serde_json::Value {
        let rules = |rules: &[RuleSpec]| rules.iter().map(rule_json).collect::<Vec<_>>();
        serde_json::json!({
            "policy": self.policy.as_ref().map(|p| p.value.as_str()),
            "input": rules(&self.inline.spec.input),
            "output": rules(&self.inline.spec.output),
        })
    }
}

fn rule_json(rule: &RuleSpec) -> serde_json::Value {
    let mut v = serde_json::json!({
        "check": rule.check.name(),
        "action": rule.action.name(),
        "operator": rule.operator.name(),
    });
    if let Some(o) = v.as_object_mut() {
        if let Some(t) = rule.threshold {
            o.insert("threshold".into(), serde_json::json!(t));
        }
        if let Action::Reask { max } = rule.action {
            o.insert("max_reasks".into(), serde_json::json!(max));
        }
        match &rule.check {
            CheckSpec::Pii { entities } => {
                o.insert("entities".into(), serde_json::json!(entities));
            }
            CheckSpec::Banned { terms } => {
                o.insert("terms".into(), serde_json::json!(terms));
            }
            CheckSpec::Schema(schema) => {
                o.insert("schema".into(), schema.clone());
            }
            _ => {}
        }
    }
    v
}

/// Reads a prompt file's `[guard]` table.
pub(crate) fn read_prompt_guard(r: &mut TomlReader<'_>, t: &dyn TableLike) -> PromptGuard {
    r.check_keys(t, &["policy", "input", "output"], "[guard]");
    PromptGuard {
        policy: r.string(t, "policy"),
        inline: read_policy(r, t, "guard"),
    }
}

/// Reads `input` and `output` rule lists from a table.
pub(crate) fn read_policy(
    r: &mut TomlReader<'_>,
    t: &dyn TableLike,
    context: &str,
) -> PolicySource {
    let (input, input_spans) = read_rules(r, t, "input", context).into_iter().unzip();
    let (output, output_spans) = read_rules(r, t, "output", context).into_iter().unzip();
    PolicySource {
        spec: PolicySpec { input, output },
        input_spans,
        output_spans,
    }
}

/// `key = [{...}, ...]` or `[[context.key]]`, each element a rule.
fn read_rules(
    r: &mut TomlReader<'_>,
    t: &dyn TableLike,
    key: &str,
    context: &str,
) -> Vec<(RuleSpec, Option<Range<usize>>)> {
    let Some(item) = t.get(key) else {
        return Vec::new();
    };
    let tables: Vec<(&dyn TableLike, Option<Range<usize>>)> = match item {
        Item::ArrayOfTables(a) => a.iter().map(|t| (t as &dyn TableLike, t.span())).collect(),
        Item::Value(toml_edit::Value::Array(a)) => {
            let mut v = Vec::new();
            for el in a {
                match el.as_inline_table() {
                    Some(t) => v.push((t as &dyn TableLike, el.span())),
                    None => {
                        r.error(
                            "wrong-type",
                            el.span(),
                            format!("every `{key}` rule must be a table"),
                        )
                        .help = Some(format!(
                            "write rules as `{{ check = \"pii\", action = \"redact\" }}`; allowed checks: {}",
                            CHECKS.join(", ")
                        ));
                    }
                }
            }
            v
        }
        other => {
            r.error(
                "wrong-type",
                item_span(other).or(key_span(t, key)),
                format!("`{key}` must be an array of rules"),
            )
            .help = Some(format!(
                "e.g. `{key} = [{{ check = \"injection\", action = \"block\" }}]`"
            ));
            return Vec::new();
        }
    };
    tables
        .into_iter()
        .enumerate()
        .filter_map(|(i, (rule, span))| {
            let ctx = format!("{context}.{key}[{i}]");
            read_rule(r, rule, span.clone(), &ctx).map(|rule| (rule, span))
        })
        .collect()
}

fn read_rule(
    r: &mut TomlReader<'_>,
    t: &dyn TableLike,
    span: Option<Range<usize>>,
    context: &str,
) -> Option<RuleSpec> {
    r.check_keys(t, RULE_KEYS, context);
    let check = r.required_string(
        t,
        span.clone(),
        "check",
        context,
        &format!("add `check`, one of: {}", CHECKS.join(", ")),
    );
    let action = r.required_string(
        t,
        span,
        "action",
        context,
        &format!("add `action`, one of: {}", ACTIONS.join(", ")),
    );
    let threshold = r.float(t, "threshold").and_then(|s| {
        if (0.0..=1.0).contains(&s.value) {
            Some(s.value as f32)
        } else {
            r.error(
                "out-of-range",
                s.span,
                "`threshold` must be between 0 and 1",
            )
            .help =
                Some("findings score from 0 (unsure) to 1 (certain); 0.5 is the default".into());
            None
        }
    });
    let operator = read_operator(r, t);
    let max_reasks = r.unsigned(t, "max_reasks");
    let check = read_check(r, t, check?)?;
    let action = match action?.value.as_str() {
        "block" => Action::Block,
        "redact" => Action::Redact,
        "warn" => Action::Warn,
        "reask" => Action::Reask {
            max: max_reasks.map_or(1, |m| u32::try_from(m.value).unwrap_or(u32::MAX)),
        },
        other => {
            let span = t.get("action").and_then(item_span);
            unknown(r, span, "action", other, ACTIONS);
            return None;
        }
    };
    Some(RuleSpec {
        check,
        action,
        threshold,
        operator: operator.unwrap_or_default(),
    })
}

fn read_check(
    r: &mut TomlReader<'_>,
    t: &dyn TableLike,
    check: Spanned<String>,
) -> Option<CheckSpec> {
    let strings = |r: &mut TomlReader<'_>, key: &str| {
        r.string_list(t, key)
            .unwrap_or_default()
            .into_iter()
            .map(|s| s.value)
            .collect::<Vec<_>>()
    };
    Some(match check.value.as_str() {
        "pii" => CheckSpec::Pii {
            entities: strings(r, "entities"),
        },
        "secrets" => CheckSpec::Secrets,
        "injection" => CheckSpec::Injection,
        "schema" => match t.get("schema") {
            Some(item) if item.is_table_like() => CheckSpec::Schema(to_json(item)),
            Some(item) => {
                r.error(
                    "wrong-type",
                    item_span(item),
                    "`schema` must be a table holding a JSON Schema",
                );
                return None;
            }
            None => {
                r.error("missing-key", check.span, "a `schema` check needs `schema = { ... }`")
                    .help = Some("give the JSON Schema the output must satisfy, e.g. `schema = { type = \"object\", required = [\"intent\"] }`".into());
                return None;
            }
        },
        "refusal" => CheckSpec::Refusal,
        "leak" => CheckSpec::Leak,
        "banned" => CheckSpec::Banned {
            terms: strings(r, "terms"),
        },
        "grounding" => CheckSpec::Grounding,
        other => {
            unknown(r, check.span, "check", other, CHECKS);
            return None;
        }
    })
}

fn read_operator(r: &mut TomlReader<'_>, t: &dyn TableLike) -> Option<Operator> {
    let op = r.string(t, "operator")?;
    Some(match op.value.as_str() {
        "placeholder" => Operator::Placeholder,
        "mask" => Operator::mask(),
        // The salt comes from the environment when the policy is compiled
        // (WHET_REDACT_SALT), never from a file that gets committed.
        "hash" => Operator::Hash {
            salt: String::new(),
        },
        "drop" => Operator::Drop,
        other => {
            unknown(r, op.span, "operator", other, OPERATORS);
            return None;
        }
    })
}

fn unknown(
    r: &mut TomlReader<'_>,
    span: Option<Range<usize>>,
    what: &str,
    value: &str,
    allowed: &[&str],
) {
    let code = match what {
        "check" => "unknown-check",
        "action" => "unknown-action",
        _ => "unknown-operator",
    };
    let d: &mut Diagnostic = r.error(code, span, format!("unknown {what} `{value}`"));
    d.help = Some(
        match crate::diag::did_you_mean(value, allowed.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? Allowed: {}", allowed.join(", ")),
            None => format!("allowed: {}", allowed.join(", ")),
        },
    );
}

/// Parses a policy file: top-level `input` and `output` rule lists, as in
/// `[guard.policies.NAME]`. Returns the policy when there is no error.
pub fn parse_policy_file(
    file: &crate::diag::SourceFile,
) -> (Option<PolicySource>, Vec<Diagnostic>) {
    let mut r = TomlReader::new(file);
    let policy = r.parse().map(|doc| {
        let top = doc.as_table();
        r.check_keys(top, &["input", "output"], "a policy file");
        read_policy(&mut r, top, "policy")
    });
    let policy = if crate::diag::has_errors(&r.diags) {
        None
    } else {
        policy
    };
    (policy, r.diags)
}

/// A policy and the file it was written in, for diagnostics.
pub struct PolicyPart<'a> {
    /// The file the rules are in.
    pub file: SourceFile,
    /// The rules with their spans.
    pub source: &'a PolicySource,
}

/// Compiles policy parts (rules of the earlier parts run first) into a
/// [`Guard`], with `salt` for hash redaction. A rule the guard rejects is
/// reported at its place in its file.
pub fn compile(parts: &[PolicyPart<'_>], salt: &str) -> Result<Guard, Vec<Diagnostic>> {
    let mut spec = PolicySpec::default();
    for p in parts {
        spec.input.extend(p.source.spec.input.iter().cloned());
        spec.output.extend(p.source.spec.output.iter().cloned());
    }
    for rule in spec.input.iter_mut().chain(spec.output.iter_mut()) {
        if let Operator::Hash { salt: s } = &mut rule.operator {
            salt.clone_into(s);
        }
    }
    Guard::new(&spec).map_err(|e| vec![rule_error(parts, &e)])
}

/// The parts of a prompt's guard: the named policy from the project (when
/// it names one), then its own rules. An unknown policy name is a
/// diagnostic at the name.
pub fn prompt_parts<'a>(
    config: Option<(&'a ProjectConfig, SourceFile)>,
    prompt_file: &SourceFile,
    guard: &'a PromptGuard,
) -> Result<Vec<PolicyPart<'a>>, Vec<Diagnostic>> {
    let mut parts = Vec::new();
    // Outside a project (no config) the name cannot be checked; the
    // inline rules still are.
    if let (Some(name), Some((c, file))) = (&guard.policy, config) {
        match c.guard_policies.get(&name.value) {
            Some(source) => parts.push(PolicyPart { file, source }),
            None => {
                let span = name.span.clone();
                return Err(vec![unknown_policy(c, &name.value, prompt_file, span)]);
            }
        }
    }
    parts.push(PolicyPart {
        file: prompt_file.clone(),
        source: &guard.inline,
    });
    Ok(parts)
}

fn rule_error(parts: &[PolicyPart<'_>], e: &PolicyError) -> Diagnostic {
    let rule = e.rule();
    let output = rule.side == Side::Output;
    let mut index = rule.index;
    for p in parts {
        let n = if output {
            p.source.spec.output.len()
        } else {
            p.source.spec.input.len()
        };
        if index < n {
            let d = Diagnostic::error(
                "bad-guard-rule",
                &p.file,
                p.source.rule_span(output, index),
                e.to_string(),
            )
            .with_label("this rule");
            return match e {
                PolicyError::Operator { .. } => d.with_help(format!(
                    "hash redaction reads its salt from the {SALT_ENV} environment variable; set it to a secret value"
                )),
                _ => d,
            };
        }
        index -= n;
    }
    Diagnostic::error(
        "bad-guard-rule",
        &parts
            .last()
            .map_or_else(|| SourceFile::new("", ""), |p| p.file.clone()),
        None,
        e.to_string(),
    )
}

fn unknown_policy(
    config: &ProjectConfig,
    name: &str,
    file: &SourceFile,
    span: Option<Range<usize>>,
) -> Diagnostic {
    let known: Vec<&str> = config.guard_policies.keys().map(String::as_str).collect();
    let help = match crate::diag::did_you_mean(name, known.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None if known.is_empty() => {
            "define it in whet.toml as [guard.policies.NAME] with `input` and `output` rules".into()
        }
        None => format!("policies in whet.toml: {}", known.join(", ")),
    };
    Diagnostic::error(
        "unknown-policy",
        file,
        span,
        format!("no guard policy `{name}` in whet.toml"),
    )
    .with_label("unknown policy")
    .with_help(help)
}

/// The environment variable that holds the salt of hash redaction; it is
/// never written in a file.
pub const SALT_ENV: &str = "WHET_REDACT_SALT";
