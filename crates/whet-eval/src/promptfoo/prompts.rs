//! `prompts`: inline templates and `file://` prompt files, checked against
//! what MiniJinja renders.

use std::ops::Range;
use std::path::Path;

use whet_registry::{Diagnostic, SourceFile, has_errors, template};

use super::{Hint, error, fields, warn};
use crate::suite::yaml::{self, Node, Yaml};
use crate::suite::{InlinePrompt, Reader};

/// Where a prompt's text is, for diagnostics inside it.
enum At {
    /// In the config, at this node.
    Config(Range<usize>),
    /// In a prompt file; the template starts at byte `start` and, when
    /// `exact`, is a verbatim slice of the file.
    File {
        file: SourceFile,
        start: usize,
        exact: bool,
    },
}

struct Found {
    prompt: InlinePrompt,
    at: At,
}

const OBJECT_KEYS: &[&str] = &["id", "raw", "label"];
const OBJECT_IGNORED: &[Hint] = &[
    (
        "config",
        "per-prompt model settings are not imported; set them in the provider's `config`",
    ),
    (
        "display",
        "`display` is promptfoo's old name for `label`: rename it",
    ),
    (
        "function",
        "whet cannot call prompt functions; write the prompt as a template",
    ),
];

/// Extensions of prompt files that are programs, not templates.
const SCRIPT_EXTS: &[&str] = &[
    "py", "js", "cjs", "mjs", "ts", "cts", "mts", "jsx", "tsx", "rb", "sh", "go",
];
/// Extensions read as one whole-file prompt.
const WHOLE_EXTS: &[&str] = &["md", "j2", "jinja", "jinja2", "njk", "json"];

/// Nunjucks filters MiniJinja has under the same name (with whet's feature
/// set), plus MiniJinja's own.
const MINIJINJA_FILTERS: &[&str] = &[
    "abs",
    "attr",
    "batch",
    "bool",
    "capitalize",
    "chain",
    "count",
    "d",
    "default",
    "dictsort",
    "e",
    "escape",
    "first",
    "float",
    "format",
    "groupby",
    "indent",
    "int",
    "items",
    "join",
    "last",
    "length",
    "lines",
    "list",
    "lower",
    "map",
    "max",
    "min",
    "pprint",
    "reject",
    "rejectattr",
    "replace",
    "reverse",
    "round",
    "safe",
    "select",
    "selectattr",
    "slice",
    "sort",
    "split",
    "string",
    "sum",
    "title",
    "trim",
    "unique",
    "upper",
    "zip",
];

/// Nunjucks built-in filters MiniJinja lacks, with a rewrite.
const NUNJUCKS_ONLY: &[Hint] = &[
    (
        "dump",
        "pass the JSON text as a string variable instead of serialising in the template",
    ),
    ("truncate", "slice the string instead: `{{ text[:100] }}`"),
    (
        "wordcount",
        "count words with `{{ text | split | length }}`",
    ),
    (
        "striptags",
        "strip the markup from the variable before the run",
    ),
    ("nl2br", "use `{{ text | replace(\"\\n\", \"<br>\") }}`"),
    (
        "center",
        "pad the text before the run; MiniJinja has no `center`",
    ),
    (
        "random",
        "pick the value in the test data; whet renders prompts deterministically",
    ),
    ("urlize", "write the links into the variable before the run"),
    ("urlencode", "encode the value before the run"),
    (
        "forceescape",
        "escape the value before the run; whet does not escape prompts",
    ),
];

/// Reads `prompts`: a string, a list, or a mapping of prompt to label.
pub(super) fn read(r: &mut Reader, node: &Node, base: &Path) -> Vec<InlinePrompt> {
    let before = r.diags.len();
    let mut found = Vec::new();
    match &node.value {
        Yaml::Seq(items) => {
            for n in items {
                item(r, n, base, &mut found);
            }
        }
        Yaml::Map(entries) => {
            for (k, v) in entries {
                let Some(text) = r.string("a prompt", k) else {
                    continue;
                };
                let label = r.string("a prompt label", v);
                from_string(r, k, &text, label, base, &mut found);
            }
        }
        _ => item(r, node, base, &mut found),
    }
    if found.is_empty() && !has_errors(&r.diags[before..]) {
        error(
            r,
            "missing-key",
            node.span.clone(),
            "`prompts` holds no prompt",
            "no prompts",
            "add at least one prompt template",
        );
    }
    unique_names(r, &mut found, node);
    for f in &found {
        check_template(r, f);
    }
    found.into_iter().map(|f| f.prompt).collect()
}

/// One entry of a `prompts` list.
fn item(r: &mut Reader, n: &Node, base: &Path, out: &mut Vec<Found>) {
    match &n.value {
        Yaml::Str(s) => from_string(r, n, s, None, base, out),
        Yaml::Map(entries) => object(r, n, entries, base, out),
        _ => r.wrong_type(
            "prompts",
            n,
            "a template, a `file://` path or a `{raw, label}` mapping",
        ),
    }
}

/// `{raw, label}` or `{id, label}`.
fn object(r: &mut Reader, n: &Node, entries: &[(Node, Node)], base: &Path, out: &mut Vec<Found>) {
    let fields = fields(r, entries, OBJECT_KEYS, OBJECT_IGNORED, "a prompt");
    let get = |k: &str| fields.iter().find(|f| f.name == k).map(|f| f.value);
    let label = get("label").and_then(|v| r.string("label", v));
    if let Some(raw) = get("raw") {
        let Some(text) = r.string("raw", raw) else {
            return;
        };
        let id = get("id").and_then(|v| v.as_str().map(str::to_owned));
        let name = label.or(id).unwrap_or_else(|| default_name(out));
        out.push(Found {
            prompt: InlinePrompt {
                name,
                template: text,
            },
            at: At::Config(raw.span.clone()),
        });
        return;
    }
    match get("id") {
        Some(id) => {
            if let Some(text) = r.string("id", id) {
                from_string(r, id, &text, label, base, out);
            }
        }
        None => error(
            r,
            "missing-key",
            n.span.clone(),
            "a prompt mapping needs `raw` or `id`",
            "this prompt",
            "write `raw:` with the template (or `id: file://prompt.txt`), and optionally `label:`",
        ),
    }
}

fn default_name(out: &[Found]) -> String {
    format!("prompt-{}", out.len() + 1)
}

/// A prompt string: a template, or a file when it says `file://` (or reads
/// like a path to a prompt file, as promptfoo also accepts).
fn from_string(
    r: &mut Reader,
    n: &Node,
    s: &str,
    label: Option<String>,
    base: &Path,
    out: &mut Vec<Found>,
) {
    let path = s
        .strip_prefix("file://")
        .or_else(|| looks_like_file(s).then_some(s));
    match path {
        Some(p) => from_file(r, n, p, label, base, out),
        None => {
            let name = label.unwrap_or_else(|| default_name(out));
            out.push(Found {
                prompt: InlinePrompt {
                    name,
                    template: s.to_owned(),
                },
                at: At::Config(n.span.clone()),
            });
        }
    }
}

/// Whether a string without `file://` is a prompt file's path: one line, no
/// template syntax or spaces, and a prompt file extension.
fn looks_like_file(s: &str) -> bool {
    if s.contains(['\n', ' ', '{', '}']) {
        return false;
    }
    let path = s.rsplit_once(':').map_or(s, |(p, _)| p);
    let ext = extension(path);
    ["txt", "jsonl", "yaml", "yml"]
        .iter()
        .chain(WHOLE_EXTS)
        .chain(SCRIPT_EXTS)
        .any(|e| *e == ext)
}

fn extension(path: &str) -> String {
    Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Reads the prompts of one file.
fn from_file(
    r: &mut Reader,
    n: &Node,
    rel: &str,
    label: Option<String>,
    base: &Path,
    out: &mut Vec<Found>,
) {
    let span = n.span.clone();
    if rel.contains(['*', '?', '[', '{']) {
        error(
            r,
            "unsupported-prompt",
            span,
            format!("`{rel}` is a glob: whet reads prompt files one by one"),
            "glob",
            "list each prompt file under `prompts`",
        );
        return;
    }
    let (file_part, function) = match rel.rsplit_once(':') {
        Some((p, f))
            if !p.is_empty()
                && !f.contains(['/', '\\'])
                && SCRIPT_EXTS.contains(&extension(p).as_str()) =>
        {
            (p, Some(f))
        }
        _ => (rel, None),
    };
    let ext = extension(file_part);
    if function.is_some() || SCRIPT_EXTS.contains(&ext.as_str()) {
        let msg = format!("prompt `{rel}` is a program: whet cannot run prompt functions");
        error(
            r,
            "unsupported-prompt",
            span,
            msg,
            "prompt function",
            "render the prompt as a template file (`.txt`, or `.json` for a chat) that whet fills with the test's vars",
        );
        return;
    }
    let path = base.join(file_part);
    let text = match fs_err::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            let msg = format!("cannot read prompt file `{}`: {e}", path.display());
            let help = format!(
                "paths are relative to the config's folder (`{}`)",
                base.display()
            );
            error(r, "missing-file", span, msg, "no such prompt file", help);
            return;
        }
    };
    let file_name = Path::new(file_part)
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or(file_part)
        .to_owned();
    let stem = label.unwrap_or(file_name);
    let file = SourceFile::new(path, text.as_str());
    let pieces = match ext.as_str() {
        "txt" | "" => split_blocks(&text),
        "jsonl" => lines(&text),
        "yaml" | "yml" => match yaml_chat(r, &file, span.clone()) {
            Some(template) => {
                out.push(Found {
                    prompt: InlinePrompt {
                        name: stem,
                        template,
                    },
                    at: At::Config(span),
                });
                return;
            }
            None => return,
        },
        e if WHOLE_EXTS.contains(&e) => vec![(0, text.clone())],
        _ => {
            let msg = format!("prompt file `{rel}` has an extension whet does not read");
            error(
                r,
                "unsupported-prompt",
                span,
                msg,
                "unknown prompt file type",
                "use a `.txt` file (prompts separated by lines of `---`), `.md`, `.j2`, or `.json` / `.jsonl` / `.yaml` for chats",
            );
            return;
        }
    };
    if pieces.is_empty() {
        warn(
            r,
            "empty-prompt-file",
            span,
            format!("prompt file `{rel}` holds no prompt"),
            "empty",
            "write the prompt template into the file",
        );
    }
    let several = pieces.len() > 1;
    let exact = !text.contains('\r');
    for (k, (start, template)) in pieces.into_iter().enumerate() {
        let name = if several {
            format!("{stem}#{}", k + 1)
        } else {
            stem.clone()
        };
        out.push(Found {
            prompt: InlinePrompt { name, template },
            at: At::File {
                file: file.clone(),
                start,
                exact,
            },
        });
    }
}

/// A `.txt` file's prompts: blocks between lines that are `---`, trimmed,
/// with where each starts.
fn split_blocks(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut block: Vec<&str> = Vec::new();
    let mut block_start = 0;
    let mut offset = 0;
    for line in text.split('\n') {
        let content = line.strip_suffix('\r').unwrap_or(line);
        if content.trim() == "---" {
            flush(&mut out, &mut block, block_start);
            block_start = offset + line.len() + 1;
        } else {
            block.push(content);
        }
        offset += line.len() + 1;
    }
    flush(&mut out, &mut block, block_start);
    out
}

fn flush(out: &mut Vec<(usize, String)>, block: &mut Vec<&str>, start: usize) {
    let joined = block.join("\n");
    block.clear();
    let trimmed = joined.trim();
    if !trimmed.is_empty() {
        let lead = joined.len() - joined.trim_start().len();
        out.push((start + lead, trimmed.to_owned()));
    }
}

/// A `.jsonl` file's prompts: one per non-blank line.
fn lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split('\n') {
        let trimmed = line.trim();
        if !trimmed.is_empty() {
            out.push((
                offset + (line.len() - line.trim_start().len()),
                trimmed.to_owned(),
            ));
        }
        offset += line.len() + 1;
    }
    out
}

/// A YAML chat file as the JSON text whet renders.
fn yaml_chat(r: &mut Reader, file: &SourceFile, span: Range<usize>) -> Option<String> {
    match yaml::parse(&file.text) {
        Ok(Some(root)) => serde_json::to_string_pretty(&root.to_json()).ok(),
        Ok(None) => {
            warn(
                r,
                "empty-prompt-file",
                span,
                format!("prompt file `{}` is empty", file.path.display()),
                "empty",
                "write the chat messages into the file",
            );
            None
        }
        Err(e) => {
            let d = Diagnostic::error(
                "yaml-syntax",
                file,
                Some(e.span),
                format!("invalid YAML: {}", e.message),
            )
            .with_label("here")
            .with_help("check indentation, quotes and `:` around this point");
            r.diags.push(d);
            None
        }
    }
}

/// Renames prompts whose names repeat, so every variant has its own name.
fn unique_names(r: &mut Reader, found: &mut [Found], node: &Node) {
    for i in 1..found.len() {
        let name = found[i].prompt.name.clone();
        if !found[..i].iter().any(|f| f.prompt.name == name) {
            continue;
        }
        let mut k = 2;
        while found
            .iter()
            .any(|f| f.prompt.name == format!("{name} ({k})"))
        {
            k += 1;
        }
        let renamed = format!("{name} ({k})");
        let span = match &found[i].at {
            At::Config(s) => s.clone(),
            At::File { .. } => node.span.clone(),
        };
        let msg = format!("two prompts are named `{name}`; the second is renamed `{renamed}`");
        warn(
            r,
            "duplicate-prompt",
            span,
            msg,
            "repeated name",
            "give the prompts distinct `label`s",
        );
        found[i].prompt.name = renamed;
    }
}

/// Reports what MiniJinja cannot render the way Nunjucks would.
fn check_template(r: &mut Reader, f: &Found) {
    let t = &f.prompt.template;
    let name = &f.prompt.name;
    if let Err(e) = template::undeclared_variables(t) {
        let msg = format!(
            "prompt `{name}` is not a template whet can render: {}",
            e.message
        );
        push_at(
            r,
            f,
            e.range,
            msg,
            "MiniJinja rejects this",
            "promptfoo renders prompts with Nunjucks, whet with MiniJinja; variables, `if` and `for` work in both: rewrite the part MiniJinja rejects",
        );
        return;
    }
    for inc in template::includes(t) {
        let msg = format!("prompt `{name}` includes another template");
        push_at(
            r,
            f,
            Some(inc.range),
            msg,
            "include",
            "paste the included text into the prompt; an imported prompt has no partials",
        );
    }
    for (tag, range) in template::unsupported_tags(t) {
        let msg = format!("prompt `{name}` uses `{{% {tag} %}}`, which whet does not resolve");
        push_at(
            r,
            f,
            Some(range),
            msg,
            "unsupported tag",
            "inline what it loads into the prompt",
        );
    }
    for (filter, range) in filters(t) {
        if MINIJINJA_FILTERS.contains(&filter.as_str()) {
            continue;
        }
        let msg = format!(
            "prompt `{name}` uses the filter `{filter}`, which whet's MiniJinja does not have"
        );
        let help = NUNJUCKS_ONLY.iter().find(|(n, _)| *n == filter).map_or(
            "a custom Nunjucks filter (`nunjucksFilters`) cannot run in whet: compute the value before the run and pass it as a variable",
            |(_, h)| *h,
        );
        push_at(r, f, Some(range), msg, "unknown filter", help);
    }
}

/// An error at `range` inside prompt `f`'s template.
fn push_at(
    r: &mut Reader,
    f: &Found,
    range: Option<Range<usize>>,
    msg: String,
    label: &str,
    help: &str,
) {
    let d = match &f.at {
        At::File {
            file,
            start,
            exact: true,
        } => {
            let span = range.map_or(*start..*start, |x| start + x.start..start + x.end);
            Diagnostic::error("template", file, Some(span), msg)
        }
        At::File {
            file,
            start,
            exact: false,
        } => Diagnostic::error("template", file, Some(*start..*start), msg),
        At::Config(span) => {
            let exact = r.file.text.get(span.clone()) == Some(f.prompt.template.as_str());
            let span = match range {
                Some(x) if exact => span.start + x.start..span.start + x.end,
                _ => span.clone(),
            };
            Diagnostic::error("template", &r.file, Some(span), msg)
        }
    };
    r.diags.push(d.with_label(label).with_help(help));
}

/// Every filter a template applies (`| name`), with its byte range, found
/// inside `{{ }}` and `{% %}` outside string literals.
fn filters(t: &str) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    let bytes = t.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        let close: &[u8] = match (bytes[i], bytes[i + 1]) {
            (b'{', b'{') => b"}}",
            (b'{', b'%') => b"%}",
            _ => {
                i += 1;
                continue;
            }
        };
        let end = find(bytes, i + 2, close).unwrap_or(bytes.len());
        scan_block(t, i + 2, end, &mut out);
        i = end + 2;
    }
    out
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Filters in `t[start..end]`, skipping quoted strings.
fn scan_block(t: &str, start: usize, end: usize, out: &mut Vec<(String, Range<usize>)>) {
    let bytes = t.as_bytes();
    let mut i = start;
    let mut quote: Option<u8> = None;
    while i < end {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'|'
                && bytes.get(i + 1) != Some(&b'|')
                && (i == 0 || bytes[i - 1] != b'|') =>
            {
                let mut j = i + 1;
                while j < end && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                let name_start = j;
                while j < end && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                    j += 1;
                }
                if j > name_start {
                    out.push((t[name_start..j].to_owned(), name_start..j));
                }
            }
            None => {}
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn txt_files_split_on_dash_lines_with_offsets() {
        let text = "First {{a}}\n---\n\n  Second\nline\n---\n---\n";
        let blocks = split_blocks(text);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0], (0, "First {{a}}".to_owned()));
        assert_eq!(blocks[1].1, "Second\nline");
        assert_eq!(&text[blocks[1].0..blocks[1].0 + 6], "Second");
    }

    #[test]
    fn finds_filters_outside_strings() {
        let t = "{{ a | upper }} {{ 'x|y' }} {% if b|length %}{{ c | dump(2) | trim }}{% endif %} | not";
        let names: Vec<_> = filters(t)
            .into_iter()
            .map(|(n, r)| (n.clone(), t[r].to_owned()))
            .collect();
        assert_eq!(
            names,
            [
                ("upper", "upper"),
                ("length", "length"),
                ("dump", "dump"),
                ("trim", "trim")
            ]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
        );
    }

    #[test]
    fn file_paths_are_recognised_without_the_scheme() {
        assert!(looks_like_file("prompts/a.txt"));
        assert!(looks_like_file("gen.py:make"));
        assert!(!looks_like_file("Translate {{x}} to French."));
        assert!(!looks_like_file("Say hi"));
    }
}
