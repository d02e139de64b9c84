//! Imports a promptfoo config (`promptfooconfig.yaml`) as a whet [`Suite`],
//! so a team that has promptfoo configs can run them with
//! `whet eval -c promptfooconfig.yaml`.
//!
//! [`import_promptfoo_file`] reads the config with the span-keeping YAML
//! parser of native suites and returns the suite, the providers it names
//! ([`ProviderRef`], for the CLI to turn into models) and every diagnostic at
//! file:line:col. Nothing is dropped silently: a key whet does not use is a
//! warning that says what to do instead, and something whose meaning whet
//! cannot keep (a JavaScript assertion, a prompt function, a remote dataset)
//! is an error. Warnings do not stop the import; errors do.
//!
//! # Mapping
//!
//! | promptfoo | whet |
//! |---|---|
//! | `description` | [`Suite::description`] |
//! | `prompts: ['Translate {{text}}']` | [`Suite::inline_prompts`], named `prompt-N` (1-based position) |
//! | `file://p.txt` | one prompt per block between lines of `---`, named `p.txt` (`p.txt#N` when the file holds several) |
//! | `file://p.md`, `.j2`, `.njk` | the whole file, one prompt |
//! | `file://chat.json` | one chat prompt (a JSON array of `{role, content}`), the file's text as the template |
//! | `file://chats.jsonl` | one chat prompt per line |
//! | `file://chat.yaml` | one chat prompt: the YAML turned into JSON |
//! | `{raw, label}`, `{id, label}` | the text of `raw` (or the prompt `id` names), named by `label` |
//! | `{"file://p.txt": label}` (a mapping) | the prompt named by its key, labelled by its value |
//! | `providers` (or `targets`): `openai:gpt-4o-mini`, `{id, label, config}`, `{ID: {label, config}}` | [`ProviderRef`]s; each one's `label` (or `id`) goes into [`Suite::models`] |
//! | provider `config`: `temperature`, `max_tokens`, `top_p`, `seed`, `stop`, `apiBaseUrl`, `apiKeyEnvar` | [`ProviderRef::config`], type-checked |
//! | `tests`: inline test mappings | [`Suite::tests`] |
//! | `tests: file://t.csv` | a dataset read with promptfoo's CSV conventions ([`DatasetFormat::PromptfooCsv`]) |
//! | `tests: file://t.yaml` / `.yml` / `.json` | a dataset of promptfoo test mappings ([`DatasetFormat::PromptfooYaml`]) |
//! | `tests: file://t.jsonl` | a JSONL dataset, read by whet's own rules (see [`crate::suite`]) |
//! | test `description`, `vars`, `assert`, `threshold` | the same fields of [`TestCase`] |
//! | test `metadata: {k: v}` | tags `k=v` (one per list item for lists), so promptfoo's `--filter-metadata k=v` becomes `--filter tag:k=v` |
//! | test `options.disableVarExpansion` | honoured |
//! | `defaultTest` (inline or `file://default.yaml`): `vars`, `assert`, `threshold` | [`Suite::default_test`] |
//! | `scenarios` | see below |
//! | assertion `type`, `value`, `threshold`, `weight`, `metric` | the same keys of whet's assertions |
//! | assertion `provider` (a string, on a model-graded type) | the judge's model, as `provider` |
//! | `model-graded-factuality`, `similar:cosine` | `factuality`, `similar` |
//!
//! Assertion types whet has (whet-assert's deterministic types and the
//! model-graded ones its runner grades: `llm-rubric`, `g-eval`,
//! `factuality`, `answer-relevance`, `context-faithfulness`, `similar`) map
//! one to one. The others (`javascript`, `python`, `webhook`, `moderation`,
//! `classifier`, `is-xml`, `select-best`, `assert-set`, ...) are errors that
//! name the closest whet alternative, usually `script`, `llm-rubric` or
//! `regex`.
//!
//! ## CSV test files
//!
//! A CSV file named by a promptfoo config is read the way promptfoo reads it,
//! which differs from whet's native CSV: `__expected`, `__expected1` ...
//! `__expectedN` hold *assertions* written as strings (`contains: Paris`,
//! `not-icontains:sorry`, `similar(0.9):text`, `llm-rubric: is polite`, and
//! plain text for `equals`), `__metric` names every assertion of the row,
//! `__config:__expectedN:threshold` sets one assertion's threshold,
//! `__threshold` the row's, `__description` its description and
//! `__metadata:KEY` (or `__metadata:KEY[]`, comma-separated) becomes tags
//! `KEY=value`. Every other column is a variable, `__`-prefixed or not. The
//! types promptfoo gives a default threshold in CSV (`similar` 0.8;
//! `levenshtein`, `rouge-n`, `answer-relevance`, `context-faithfulness`,
//! `cost`, `latency`, `perplexity`, `perplexity-score` 0.75) get it here too.
//! `__prefix`, `__suffix` and `__providerOutput` columns are warned about and
//! ignored. Where promptfoo silently skips a `__threshold` that is not a
//! number, whet reports the row.
//!
//! ## Scenarios
//!
//! A promptfoo scenario runs its own `tests` once per entry of its `config`;
//! top-level tests run once, outside every scenario. whet's scenarios cross
//! *every* test with every scenario, so the importer maps a config to whet
//! scenarios only when that means the same: one scenario, no other tests,
//! and `config` entries that hold only `vars` (no lists to expand). Any other
//! config is expanded into inline tests (the entry's vars under the test's,
//! the entry's assertions before the test's, the test's description and
//! threshold winning), with a warning. Either way, the cases are the ones
//! promptfoo runs, though in a different order (whet runs each test under
//! every scenario in turn; promptfoo each scenario entry over all its tests).
//!
//! ## Templates: Nunjucks and MiniJinja
//!
//! promptfoo renders prompts with Nunjucks, whet with MiniJinja. Variables
//! (`{{ name }}`, `{{ user.name }}`), `if`, `for`, `set`, whitespace control
//! and the common filters (`upper`, `lower`, `trim`, `join`, `default`,
//! `length`, `replace`, `first`, `last`, ...) behave the same. The
//! differences the importer knows about:
//!
//! - a variable no test sets renders as an empty string in Nunjucks and is an
//!   error in whet (strict undefined), so the case errors instead of sending
//!   a half-empty prompt;
//! - Nunjucks filters MiniJinja lacks (`dump`, `truncate`, `wordcount`,
//!   `striptags`, `nl2br`, `center`, `random`, `urlize`, `urlencode`,
//!   `forceescape`) and custom `nunjucksFilters` are import errors, each with
//!   a rewrite hint; so are `{% include %}`, `{% import %}` and
//!   `{% extends %}` (an inline prompt has no partials);
//! - promptfoo loads `file://` variable values from files and expands a list
//!   of strings in `vars` into one test per value. whet expands such lists in
//!   inline tests too (unless `options.disableVarExpansion`), but passes
//!   `file://` values as text (with a warning), and cannot expand a list in
//!   `defaultTest.vars` (a warning);
//! - promptfoo renders `{{ var }}` inside assertion values; whet compiles a
//!   deterministic assertion once, as written (a warning). Model-graded
//!   assertions get the case's vars from the runner.
//!
//! Template syntax MiniJinja rejects is reported at its line in the prompt.
//!
//! ## Case order and missing tests
//!
//! whet yields inline tests before dataset rows, whatever order `tests`
//! lists them in. A config with neither `tests` nor `scenarios` gets one
//! empty test, as in promptfoo (each prompt runs once with no variables).
//!
//! The CLI records the run's [`crate::record::SuiteInfo::format`] as
//! [`FORMAT`] for an imported config.

mod assertions;
mod cases;
mod csv;
mod prompts;
mod providers;

use std::ops::Range;
use std::path::Path;

use whet_registry::{Diagnostic, SourceFile, did_you_mean, has_errors};

use crate::suite::yaml::{self, Node, Yaml};
use crate::suite::{CaseSource, DatasetFormat, Reader, Suite, TestCase};

pub(crate) use cases::test_file_cases;
pub(crate) use csv::{csv_header_warnings, csv_row_case};
pub use providers::ProviderRef;

/// What [`crate::record::SuiteInfo::format`] says for an imported config.
pub const FORMAT: &str = "promptfoo";

/// A promptfoo config as whet runs it.
#[derive(Debug, Clone)]
pub struct PromptfooImport {
    /// The suite: inline prompts, `models` from the providers, tests,
    /// datasets, `defaultTest` and scenarios.
    pub suite: Suite,
    /// The providers, in order; `suite.models[i]` is `providers[i].name()`.
    pub providers: Vec<ProviderRef>,
}

/// Reads a promptfoo config file. Never panics; reports every problem it
/// finds, and returns the import only when none is an error.
pub fn import_promptfoo_file(path: &Path) -> (Option<PromptfooImport>, Vec<Diagnostic>) {
    match crate::suite::read_source(path, "config") {
        Ok(text) => import_promptfoo(path, &text),
        Err(d) => (None, vec![*d]),
    }
}

/// Imports a promptfoo config's text; `path` names it in diagnostics and
/// anchors relative `file://` paths. Never panics.
pub fn import_promptfoo(path: &Path, text: &str) -> (Option<PromptfooImport>, Vec<Diagnostic>) {
    let mut r = Reader {
        file: SourceFile::new(path, text),
        diags: Vec::new(),
    };
    let root = match yaml::parse(text) {
        Ok(Some(root)) => root,
        Ok(None) => {
            error(
                &mut r,
                "empty-suite",
                0..0,
                "the config is empty",
                "empty file",
                "a promptfoo config needs at least `prompts` and `providers`",
            );
            return (None, r.diags);
        }
        Err(e) => {
            let msg = format!("invalid YAML: {}", e.message);
            error(
                &mut r,
                "yaml-syntax",
                e.span,
                msg,
                "here",
                "check indentation, quotes and `:` around this point",
            );
            return (None, r.diags);
        }
    };
    let import = config(&mut r, &root, path);
    let ok = !has_errors(&r.diags);
    sort_by_place(&mut r.diags);
    (import.filter(|_| ok), r.diags)
}

/// Orders diagnostics by file (in the order files were first reported, the
/// config first) and position, so they read top to bottom.
fn sort_by_place(diags: &mut [Diagnostic]) {
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for d in diags.iter() {
        if !files.contains(&d.file.path) {
            files.push(d.file.path.clone());
        }
    }
    let rank = |d: &Diagnostic| files.iter().position(|p| *p == d.file.path);
    diags.sort_by_key(|d| (rank(d), d.span.as_ref().map_or(0, |s| s.start)));
}

const TOP_KEYS: &[&str] = &[
    "description",
    "prompts",
    "providers",
    "targets",
    "tests",
    "defaultTest",
    "scenarios",
];

/// Top-level promptfoo keys whet does not use, and what to do instead.
const TOP_IGNORED: &[Hint] = &[
    ("outputPath", "write results with `whet eval -o FILE`"),
    (
        "tags",
        "suite tags are not imported; tag tests with `metadata` (whet turns it into tags)",
    ),
    (
        "sharing",
        "whet does not upload results; every run is kept in the project's store",
    ),
    (
        "env",
        "set these variables in the environment before `whet eval`; whet reads API keys from the environment when it calls",
    ),
    (
        "nunjucksFilters",
        "whet renders prompts with MiniJinja and cannot load JavaScript filters; rewrite the templates without them",
    ),
    (
        "derivedMetrics",
        "compute derived metrics from the run's JSON output (`whet eval -o run.json`)",
    ),
    (
        "extensions",
        "whet runs no hooks; run setup and teardown around `whet eval`",
    ),
    (
        "metadata",
        "config metadata is not imported; put notes in `description`",
    ),
    (
        "redteam",
        "red-team generation is not imported; `whet eval` runs the tests the config lists",
    ),
    ("writeLatestResults", "whet records every run in its store"),
    (
        "tracing",
        "tracing is not imported; whet traces calls through its gateway",
    ),
    (
        "providerPromptMap",
        "whet runs every prompt with every provider; split the config to run some pairs only",
    ),
    (
        "commandLineOptions",
        "pass these as `whet eval` options on the command line",
    ),
    (
        "evaluateOptions",
        "pass run options to `whet eval` on the command line (the warning for each option says how)",
    ),
];

/// `evaluateOptions` keys and their `whet eval` equivalents.
const EVALUATE_OPTIONS: &[Hint] = &[
    (
        "maxConcurrency",
        "set the concurrency on the command line (`whet eval --concurrency N`)",
    ),
    (
        "repeat",
        "run each case several times with `whet eval --repeat N`",
    ),
    (
        "cache",
        "choose the response cache with `whet eval --cache MODE` (`off` to disable)",
    ),
    (
        "delay",
        "whet paces requests per provider itself, backing off when rate-limited",
    ),
    (
        "timeoutMs",
        "provider timeouts are set on the provider in whet.toml",
    ),
    (
        "maxEvalTimeMs",
        "stop a long run with Ctrl-C and continue it with `whet eval --resume`",
    ),
    (
        "showProgressBar",
        "whet shows progress on a terminal by default",
    ),
];

/// A key whet ignores and what to do instead.
pub(crate) type Hint = (&'static str, &'static str);

/// A known key of a mapping, with its nodes.
pub(crate) struct Field<'n> {
    pub name: &'n str,
    pub key: &'n Node,
    pub value: &'n Node,
}

/// Walks a mapping's keys: returns the `known` ones, warns about every
/// other one at its span (with the hint from `ignored`, or "did you mean"),
/// and reports non-string and duplicate keys as errors.
pub(crate) fn fields<'n>(
    r: &mut Reader,
    entries: &'n [(Node, Node)],
    known: &[&str],
    ignored: &[Hint],
    context: &str,
) -> Vec<Field<'n>> {
    let mut out: Vec<Field<'n>> = Vec::new();
    for (k, v) in entries {
        let Some(name) = k.as_str() else {
            let msg = format!("keys in {context} must be strings, found {}", k.kind());
            error(
                r,
                "wrong-type",
                k.span.clone(),
                msg,
                "not a string key",
                "quote the key",
            );
            continue;
        };
        if known.contains(&name) {
            if out.iter().any(|f| f.name == name) {
                let msg = format!("`{name}` appears twice in {context}");
                error(
                    r,
                    "duplicate-key",
                    k.span.clone(),
                    msg,
                    "second occurrence",
                    "remove one of them",
                );
            } else {
                out.push(Field {
                    name,
                    key: k,
                    value: v,
                });
            }
            continue;
        }
        ignored_key(r, k, name, ignored, known, context);
    }
    out
}

/// Warns that `name` is ignored, with its hint.
fn ignored_key(
    r: &mut Reader,
    k: &Node,
    name: &str,
    ignored: &[Hint],
    known: &[&str],
    context: &str,
) {
    if let Some((_, hint)) = ignored.iter().find(|(n, _)| *n == name) {
        let msg = format!("`{name}` in {context} is not supported by whet and is ignored");
        warn(r, "ignored-key", k.span.clone(), msg, "ignored", *hint);
        return;
    }
    let names = known.iter().copied().chain(ignored.iter().map(|(n, _)| *n));
    let help = match did_you_mean(name, names) {
        Some(s) => format!(
            "did you mean `{s}`? whet reads these keys in {context}: {}",
            known.join(", ")
        ),
        None => format!("whet reads these keys in {context}: {}", known.join(", ")),
    };
    let msg = format!("unknown key `{name}` in {context} is ignored");
    warn(
        r,
        "ignored-key",
        k.span.clone(),
        msg,
        "not a promptfoo key whet knows",
        help,
    );
}

/// Records a warning.
pub(crate) fn warn(
    r: &mut Reader,
    code: &'static str,
    span: Range<usize>,
    message: impl Into<String>,
    label: &str,
    help: impl Into<String>,
) {
    let d = Diagnostic::warning(code, &r.file, Some(span), message)
        .with_label(label)
        .with_help(help);
    r.diags.push(d);
}

/// Records an error.
pub(crate) fn error(
    r: &mut Reader,
    code: &'static str,
    span: Range<usize>,
    message: impl Into<String>,
    label: &str,
    help: impl Into<String>,
) {
    let d = Diagnostic::error(code, &r.file, Some(span), message)
        .with_label(label)
        .with_help(help);
    r.diags.push(d);
}

/// Walks the config's top level.
fn config(r: &mut Reader, root: &Node, path: &Path) -> Option<PromptfooImport> {
    let entries = r.map("the promptfoo config", root)?;
    let fields = fields(r, entries, TOP_KEYS, TOP_IGNORED, "a promptfoo config");
    evaluate_options(r, entries);
    let get = |k: &str| fields.iter().find(|f| f.name == k);
    let base = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let start = root.span.start..root.span.start;

    let mut suite = Suite::empty(path);
    suite.description = get("description").and_then(|f| r.string("description", f.value));
    match get("prompts") {
        Some(f) => suite.inline_prompts = prompts::read(r, f.value, &base),
        None => error(
            r,
            "missing-key",
            start.clone(),
            "missing required key `prompts` in a promptfoo config",
            "the config starts here",
            "add `prompts:` with the prompt templates to evaluate",
        ),
    }
    let providers = read_providers(r, get("providers"), get("targets"), start);
    suite.models = providers.iter().map(ProviderRef::spanned_name).collect();
    read_cases(r, &fields, &base, root, &mut suite);
    Some(PromptfooImport { suite, providers })
}

/// `defaultTest`, `tests` and `scenarios`; then reads every dataset once,
/// so bad rows are reported with the config.
fn read_cases(r: &mut Reader, fields: &[Field<'_>], base: &Path, root: &Node, suite: &mut Suite) {
    let get = |k: &str| fields.iter().find(|f| f.name == k);
    let no_expand = match get("defaultTest") {
        Some(f) => {
            let (d, no_expand) = cases::default_test(r, f.value, base);
            suite.default_test = d;
            no_expand
        }
        None => false,
    };
    if let Some(f) = get("tests") {
        cases::tests(r, f.value, base, no_expand, suite);
    }
    if let Some(f) = get("scenarios") {
        cases::scenarios(r, f.key, f.value, no_expand, suite);
    }
    if get("tests").is_none() && get("scenarios").is_none() {
        // promptfoo runs each prompt once with no variables.
        let line = r.file.line_col(root.span.start).0;
        let file = suite.path.clone();
        suite.tests.push(TestCase::empty(CaseSource {
            file,
            line,
            index: 0,
        }));
    }
    for d in &mut suite.datasets {
        let diags = crate::suite::dataset::validate(d);
        r.diags.extend(diags);
    }
}

/// `providers`, or its newer name `targets`.
fn read_providers(
    r: &mut Reader,
    providers: Option<&Field<'_>>,
    targets: Option<&Field<'_>>,
    start: Range<usize>,
) -> Vec<ProviderRef> {
    match (providers, targets) {
        (Some(p), Some(t)) => {
            error(
                r,
                "duplicate-key",
                t.key.span.clone(),
                "`providers` and `targets` both given",
                "second list of providers",
                "`targets` is promptfoo's newer name for `providers`: keep one",
            );
            providers::read(r, p.value)
        }
        (Some(f), None) | (None, Some(f)) => providers::read(r, f.value),
        (None, None) => {
            error(
                r,
                "missing-key",
                start,
                "missing required key `providers` in a promptfoo config",
                "the config starts here",
                "add `providers: [openai:gpt-4o-mini]` (a provider id or a whet model alias)",
            );
            Vec::new()
        }
    }
}

/// Warns about each `evaluateOptions` key, with its `whet eval` equivalent.
fn evaluate_options(r: &mut Reader, entries: &[(Node, Node)]) {
    let Some((_, value)) = entries
        .iter()
        .find(|(k, _)| k.as_str() == Some("evaluateOptions"))
    else {
        return;
    };
    let Yaml::Map(options) = &value.value else {
        return;
    };
    for (k, _) in options {
        let name = k.as_str().unwrap_or("?");
        let hint = EVALUATE_OPTIONS.iter().find(|(n, _)| *n == name).map_or(
            "pass run options to `whet eval` on the command line",
            |(_, h)| *h,
        );
        let msg = format!("`evaluateOptions.{name}` is not supported by whet and is ignored");
        warn(r, "ignored-key", k.span.clone(), msg, "ignored", hint);
    }
}

/// The dataset format promptfoo's conventions call for, given whet's.
fn promptfoo_format(format: DatasetFormat) -> DatasetFormat {
    match format {
        DatasetFormat::Csv => DatasetFormat::PromptfooCsv,
        DatasetFormat::Yaml => DatasetFormat::PromptfooYaml,
        f => f,
    }
}
