//! Turning a parsed [`PromptSpec`] into a usable [`Prompt`]: templates
//! compiled, partials resolved, variables checked, schemas validated.

use crate::diag::{Diagnostic, SourceFile, did_you_mean, has_errors};
use crate::spec::{MessageTemplate, PromptSpec, SchemaSource, parse_prompt, schema_error_span};
use crate::template::{self, Include};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Where a prompt's partials and referenced files come from: the working
/// tree for the working copy, the snapshot for a release.
pub trait Sources {
    /// Text of `prompts/_partials/NAME`, `None` if there is no such partial.
    fn partial(&self, name: &str) -> Option<String>;
    /// Every partial name that exists, for "did you mean".
    fn partial_names(&self) -> Vec<String>;
    /// Path shown in diagnostics for a partial.
    fn partial_path(&self, name: &str) -> PathBuf;
    /// Text of a file referenced by the prompt (`schema_file`), relative to
    /// the prompt file; `Err` says why it cannot be read.
    fn file(&self, rel: &str) -> Result<String, String>;
}

/// A prompt ready to render: the spec plus everything it depends on.
#[derive(Debug, Clone)]
pub struct Prompt {
    /// The parsed file.
    pub spec: PromptSpec,
    /// The file it came from.
    pub source: SourceFile,
    /// Every partial it uses, directly or through another partial.
    pub partials: BTreeMap<String, String>,
    /// Files it references (`schema_file`), by the path written in the prompt.
    pub files: BTreeMap<String, String>,
    /// The output JSON Schema, resolved.
    pub output_schema: Option<serde_json::Value>,
}

/// Parses and checks a prompt file. The prompt is returned only when there is
/// no error; warnings come with it.
pub fn load_prompt(file: &SourceFile, sources: &dyn Sources) -> (Option<Prompt>, Vec<Diagnostic>) {
    let (spec, mut diags) = parse_prompt(file);
    let Some(spec) = spec else {
        return (None, diags);
    };
    let mut partials = BTreeMap::new();
    let mut used = BTreeSet::new();
    for (i, m) in spec.messages.iter().enumerate() {
        check_message(file, i, m, sources, &mut partials, &mut used, &mut diags);
    }
    check_variables(file, &spec, &used, &mut diags);
    let mut files = BTreeMap::new();
    let output_schema = spec
        .output
        .as_ref()
        .and_then(|o| resolve_schema(file, o, sources, &mut files, &mut diags));
    for tool in &spec.tools {
        if let Some(item) = &tool.parameters_item {
            check_schema(
                &tool.parameters,
                &format!("parameters of tool `{}`", tool.name),
                |p| (file.clone(), schema_error_span(item, p)),
                &mut diags,
            );
        }
    }
    if has_errors(&diags) {
        return (None, diags);
    }
    let prompt = Prompt {
        spec,
        source: file.clone(),
        partials,
        files,
        output_schema,
    };
    (Some(prompt), diags)
}

/// Compiles one message template and every partial it includes, collecting
/// the variables they use.
fn check_message(
    file: &SourceFile,
    index: usize,
    m: &MessageTemplate,
    sources: &dyn Sources,
    partials: &mut BTreeMap<String, String>,
    used: &mut BTreeSet<(String, TemplateAt)>,
    diags: &mut Vec<Diagnostic>,
) {
    match template::undeclared_variables(&m.content) {
        Ok(vars) => used.extend(vars.into_iter().map(|v| (v, TemplateAt::Message(index)))),
        Err(e) => {
            let span = e
                .range
                .and_then(|r| m.origin.map(r))
                .or(m.origin.value_span.clone());
            diags.push(
                Diagnostic::error("template-syntax", file, span, format!("template error in {} message: {}", m.role, e.message))
                    .with_label("here")
                    .with_help("templates use MiniJinja (Jinja2) syntax: `{{ var }}`, `{% if %}…{% endif %}`, `{% include \"partial.j2\" %}`"),
            );
            return;
        }
    }
    for (tag, range) in template::unsupported_tags(&m.content) {
        diags.push(
            Diagnostic::error(
                "unsupported-tag",
                file,
                m.origin.map(range),
                format!("`{{% {tag} %}}` is not supported in prompt templates"),
            )
            .with_label("not supported")
            .with_help("share text through partials: `{% include \"name.j2\" %}`"),
        );
    }
    let mut walk = IncludeWalk {
        sources,
        partials,
        used,
        diags,
        stack: Vec::new(),
        message: index,
    };
    for inc in template::includes(&m.content) {
        walk.visit(file, m.origin.map(inc.range.clone()), &inc);
    }
}

/// Where a variable is used: a message (by index) or a partial (by name).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum TemplateAt {
    Message(usize),
    Partial(String),
}

/// State of the walk over a prompt's includes.
struct IncludeWalk<'a> {
    sources: &'a dyn Sources,
    partials: &'a mut BTreeMap<String, String>,
    used: &'a mut BTreeSet<(String, TemplateAt)>,
    diags: &'a mut Vec<Diagnostic>,
    /// Partials being expanded, outermost first: a repeat is a cycle.
    stack: Vec<String>,
    /// Index of the message being walked.
    message: usize,
}

impl IncludeWalk<'_> {
    fn visit(&mut self, file: &SourceFile, span: Option<std::ops::Range<usize>>, inc: &Include) {
        let Some(name) = &inc.name else {
            // The expression reads variables: count them as used, so the
            // only complaint is the one below.
            let at = self
                .stack
                .last()
                .map_or(TemplateAt::Message(self.message), |p| {
                    TemplateAt::Partial(p.clone())
                });
            for v in inc.expr.iter().flat_map(|e| template::identifiers(e)) {
                self.used.insert((v, at.clone()));
            }
            // Only partials named literally are loaded, so a computed name
            // would fail at render time: refuse it now.
            self.diags.push(
                Diagnostic::error(
                    "dynamic-include",
                    file,
                    span,
                    "this include's name is computed at render time; whet only loads partials named literally",
                )
                .with_label("computed name")
                .with_help(
                    "include partials by a literal name, e.g. `{% include \"brand_voice.j2\" %}`; choose between partials with `{% if %}`",
                ),
            );
            return;
        };
        if let Err(why) = template::check_partial_name(name) {
            self.diags.push(Diagnostic::error(
                "bad-partial-name",
                file,
                span,
                format!("partial name `{name}` {why}"),
            ));
            return;
        }
        if self.stack.contains(name) {
            let chain = self.stack.join(" -> ");
            self.diags.push(
                Diagnostic::error(
                    "include-cycle",
                    file,
                    span,
                    format!("partial `{name}` includes itself ({chain} -> {name})"),
                )
                .with_label("cycle closes here")
                .with_help("rendering would never end: remove one of the includes"),
            );
            return;
        }
        if self.partials.contains_key(name) {
            return;
        }
        let Some(text) = self.sources.partial(name) else {
            if inc.ignore_missing {
                return;
            }
            let names = self.sources.partial_names();
            let help = match did_you_mean(name, names.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`?"),
                None if names.is_empty() => "create it under prompts/_partials/".to_owned(),
                None => format!("existing partials: {}", names.join(", ")),
            };
            self.diags.push(
                Diagnostic::error(
                    "missing-partial",
                    file,
                    span,
                    format!("partial `{name}` does not exist"),
                )
                .with_label("included here")
                .with_help(help),
            );
            return;
        };
        self.partials.insert(name.clone(), text.clone());
        let pfile = SourceFile::new(self.sources.partial_path(name), text.as_str());
        match template::undeclared_variables(&text) {
            Ok(vars) => self.used.extend(
                vars.into_iter()
                    .map(|v| (v, TemplateAt::Partial(name.clone()))),
            ),
            Err(e) => {
                self.diags.push(
                    Diagnostic::error(
                        "template-syntax",
                        &pfile,
                        e.range.clone(),
                        format!("template error in partial `{name}`: {}", e.message),
                    )
                    .with_label("here"),
                );
                return;
            }
        }
        for (tag, range) in template::unsupported_tags(&text) {
            self.diags.push(
                Diagnostic::error(
                    "unsupported-tag",
                    &pfile,
                    Some(range),
                    format!("`{{% {tag} %}}` is not supported in prompt templates"),
                )
                .with_help("share text through partials: `{% include \"name.j2\" %}`"),
            );
        }
        self.stack.push(name.clone());
        for nested in template::includes(&text) {
            self.visit(&pfile, Some(nested.range.clone()), &nested);
        }
        self.stack.pop();
    }
}

fn check_variables(
    file: &SourceFile,
    spec: &PromptSpec,
    used: &BTreeSet<(String, TemplateAt)>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut reported = BTreeSet::new();
    for (var, at) in used {
        if spec.variables.contains_key(var) || !reported.insert(var.clone()) {
            continue;
        }
        let declared = spec.variables.keys().map(String::as_str);
        let help = match did_you_mean(var, declared) {
            Some(s) => format!(
                "did you mean `{s}`? Otherwise declare it: `[variables.{var}]` with `type = \"string\"`"
            ),
            None => format!(
                "declare it: add `[variables.{var}]` with `type = \"string\"` (or number, bool, list, object)"
            ),
        };
        let d = match at {
            TemplateAt::Message(i) => {
                let m = &spec.messages[*i];
                let span = template::find_variable(&m.content, var).and_then(|r| m.origin.map(r));
                Diagnostic::error(
                    "undeclared-variable",
                    file,
                    span,
                    format!("variable `{var}` is used but not declared"),
                )
                .with_label("used here")
            }
            TemplateAt::Partial(p) => {
                let span = spec
                    .messages
                    .first()
                    .and_then(|m| m.origin.value_span.clone());
                Diagnostic::error(
                    "undeclared-variable",
                    file,
                    span,
                    format!("variable `{var}` is used by partial `{p}` but not declared"),
                )
                .with_label("through an include in this prompt")
            }
        };
        diags.push(d.with_help(help));
    }
    for (name, var) in &spec.variables {
        if !used.iter().any(|(v, _)| v == name) {
            diags.push(
                Diagnostic::warning(
                    "unused-variable",
                    file,
                    var.span.clone(),
                    format!("variable `{name}` is declared but never used"),
                )
                .with_label("declared here")
                .with_help(format!(
                    "use it in a message as `{{{{ {name} }}}}` or remove `[variables.{name}]`"
                )),
            );
        }
    }
}

fn resolve_schema(
    file: &SourceFile,
    output: &SchemaSource,
    sources: &dyn Sources,
    files: &mut BTreeMap<String, String>,
    diags: &mut Vec<Diagnostic>,
) -> Option<serde_json::Value> {
    match output {
        SchemaSource::Inline(item) => {
            let schema = crate::toml_read::to_json(item);
            let ok = check_schema(
                &schema,
                "the output schema",
                |p| (file.clone(), schema_error_span(item, p)),
                diags,
            );
            ok.then_some(schema)
        }
        SchemaSource::File(path) => {
            let text = match sources.file(&path.value) {
                Ok(t) => t,
                Err(why) => {
                    diags.push(
                        Diagnostic::error(
                            "missing-file",
                            file,
                            path.span.clone(),
                            format!("cannot read schema file `{}`: {why}", path.value),
                        )
                        .with_help("`schema_file` is relative to the prompt file's directory"),
                    );
                    return None;
                }
            };
            let sfile = SourceFile::new(PathBuf::from(&path.value), text.as_str());
            let schema: serde_json::Value = match serde_json::from_str(&text) {
                Ok(s) => s,
                Err(e) => {
                    let offset = offset_of(&text, e.line(), e.column());
                    diags.push(
                        Diagnostic::error(
                            "json-syntax",
                            &sfile,
                            Some(offset..offset + 1),
                            format!("invalid JSON in schema file: {e}"),
                        )
                        .with_label("here"),
                    );
                    return None;
                }
            };
            files.insert(path.value.clone(), text.clone());
            let span = path.span.clone();
            let ok = check_schema(
                &schema,
                &format!("schema file `{}`", path.value),
                |_| (file.clone(), span.clone()),
                diags,
            );
            ok.then_some(schema)
        }
    }
}

/// Byte offset of a 1-based line and column.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (line_start + column.saturating_sub(1)).min(text.len().saturating_sub(1))
}

/// Validates a JSON Schema against its meta-schema; `locate` maps a JSON
/// pointer inside the schema to a file span.
fn check_schema(
    schema: &serde_json::Value,
    what: &str,
    locate: impl Fn(&str) -> (SourceFile, Option<std::ops::Range<usize>>),
    diags: &mut Vec<Diagnostic>,
) -> bool {
    match jsonschema::meta::validate(schema) {
        Ok(()) => true,
        Err(e) => {
            let pointer = e.instance_path().to_string();
            let (file, span) = locate(&pointer);
            let at = if pointer.is_empty() {
                String::new()
            } else {
                format!(" at `{pointer}`")
            };
            diags.push(
                Diagnostic::error("invalid-schema", &file, span, format!("{what} is not a valid JSON Schema{at}: {e}"))
                    .with_label("invalid here")
                    .with_help("see json-schema.org for the keywords; `type` is one of string, number, integer, boolean, object, array, null"),
            );
            false
        }
    }
}
