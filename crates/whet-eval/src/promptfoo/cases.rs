//! promptfoo test cases: `tests`, `defaultTest`, `scenarios`, and the rows
//! of a YAML test file.

use std::ops::Range;
use std::path::Path;

use serde_json::{Map, Value};
use whet_registry::SourceFile;

use super::assertions::assertions;
use super::{Field, Hint, error, fields, promptfoo_format, warn};
use crate::suite::yaml::{self, Node, Yaml};
use crate::suite::{CaseSource, Dataset, DefaultTest, Reader, Scenario, Suite, TestCase};

const TEST_KEYS: &[&str] = &[
    "description",
    "vars",
    "assert",
    "threshold",
    "options",
    "metadata",
];
const DEFAULT_KEYS: &[&str] = &["vars", "assert", "threshold", "options", "metadata"];
const SCENARIO_KEYS: &[&str] = &["description", "config", "tests"];

/// Test keys whet does not use, and what to do instead.
const TEST_IGNORED: &[Hint] = &[
    (
        "provider",
        "whet runs every test on every provider under `providers`; split the config to run some tests on another model",
    ),
    (
        "providers",
        "whet runs every test on every provider; split the config to run some tests on some providers",
    ),
    (
        "prompts",
        "whet runs every test with every prompt; split the config to run some tests with some prompts",
    ),
    (
        "providerOutput",
        "whet always calls the model: drop `providerOutput`",
    ),
    (
        "assertScoringFunction",
        "whet scores a test as the weighted mean of its assertions: set `weight`s and a `threshold` instead",
    ),
    (
        "description",
        "a description in `defaultTest` is not used: describe each test",
    ),
];

/// Test `options` whet does not use, and what to do instead.
const OPTION_IGNORED: &[Hint] = &[
    ("prefix", "put the text at the start of the prompt template"),
    ("suffix", "put the text at the end of the prompt template"),
    (
        "transform",
        "whet grades the raw model output; do the transformation in the prompt or a `script` assertion",
    ),
    (
        "postprocess",
        "whet grades the raw model output; do the transformation in the prompt or a `script` assertion",
    ),
    (
        "provider",
        "set `provider:` (a whet model alias) on each model-graded assertion to choose its judge",
    ),
    (
        "rubricPrompt",
        "write the grading instructions into the `llm-rubric` value",
    ),
    (
        "disableDefaultAsserts",
        "whet grades `defaultTest.assert` on every test: move those assertions into the tests that need them",
    ),
    (
        "disableConversationVar",
        "whet runs each test as one independent call; there is no `_conversation`",
    ),
    (
        "storeOutputAs",
        "whet runs each test as one independent call; outputs are not passed between tests",
    ),
    (
        "runSerially",
        "lower the run's concurrency (`whet eval --concurrency 1`)",
    ),
];

/// Most cases one test may expand into.
const MAX_EXPANSION: usize = 10_000;

/// A test as read, before its list-valued vars are expanded.
#[derive(Clone)]
struct Read {
    test: TestCase,
    /// Expand lists of strings in `vars` (promptfoo's default).
    expand: bool,
    span: Range<usize>,
}

/// Reads `tests`: inline test mappings and test files, in any mix.
pub(super) fn tests(r: &mut Reader, node: &Node, base: &Path, no_expand: bool, suite: &mut Suite) {
    let items = match &node.value {
        Yaml::Seq(items) => items.as_slice(),
        Yaml::Map(entries) if is_generator(entries) => std::slice::from_ref(node),
        Yaml::Str(_) => std::slice::from_ref(node),
        _ => {
            r.wrong_type("tests", node, "a list of tests or a test file path");
            return;
        }
    };
    for n in items {
        match &n.value {
            Yaml::Str(_) => suite.datasets.extend(dataset(r, n, base)),
            Yaml::Map(entries) if is_generator(entries) => {
                error(
                    r,
                    "unsupported-tests",
                    n.span.clone(),
                    "test generators (code that returns tests) cannot run in whet",
                    "generator",
                    "generate the tests once into a CSV, JSONL or YAML file and list that file under `tests`",
                );
            }
            _ => {
                if let Some(mut read) = test(r, n, "a test") {
                    read.expand &= !no_expand;
                    let mut index = suite.tests.len();
                    suite.tests.extend(expand(r, read, &mut index));
                }
            }
        }
    }
}

/// promptfoo's `{path: file://gen.py:fn, config}` test generator.
fn is_generator(entries: &[(Node, Node)]) -> bool {
    entries.iter().any(|(k, _)| k.as_str() == Some("path"))
        && !entries.iter().any(|(k, _)| k.as_str() == Some("vars"))
}

/// A test file named in `tests`.
fn dataset(r: &mut Reader, n: &Node, base: &Path) -> Option<Dataset> {
    let s = n.as_str().unwrap_or_default();
    let rel = s.strip_prefix("file://").unwrap_or(s);
    let span = n.span.clone();
    let refuse = |r: &mut Reader, msg: String, label: &str, help: &str| {
        error(r, "unsupported-tests", span.clone(), msg, label, help);
        None
    };
    if rel.contains("://") {
        return refuse(
            r,
            format!("`{s}` is a remote test source"),
            "remote tests",
            "download the rows into a CSV or JSONL file next to the config and list that file",
        );
    }
    if rel.contains(['*', '?', '[', '{']) {
        return refuse(
            r,
            format!("`{s}` is a glob: whet reads test files one by one"),
            "glob",
            "list each test file under `tests`",
        );
    }
    let file_part = rel.rsplit_once(':').map_or(rel, |(p, _)| p);
    let ext = Path::new(file_part)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if matches!(
        ext.as_str(),
        "py" | "js" | "ts" | "mjs" | "cjs" | "mts" | "cts"
    ) {
        return refuse(
            r,
            format!("`{s}` is a test generator: whet cannot run it"),
            "generator",
            "generate the tests once into a CSV, JSONL or YAML file and list that file",
        );
    }
    if matches!(ext.as_str(), "xlsx" | "xls" | "ods") {
        return refuse(
            r,
            format!("`{s}` is a spreadsheet"),
            "spreadsheet",
            "export the sheet as CSV and list the CSV file",
        );
    }
    if rel.ends_with('/') || base.join(rel).is_dir() {
        return refuse(
            r,
            format!("`{s}` is a folder"),
            "folder",
            "list each test file under `tests`",
        );
    }
    let mut d = r.dataset_ref(n, base)?;
    d.format = promptfoo_format(d.format);
    Some(d)
}

/// Reads one test mapping; `context` names it in messages.
fn test(r: &mut Reader, node: &Node, context: &str) -> Option<Read> {
    let entries = r.map(context, node)?;
    let line = r.file.line_col(node.span.start).0;
    let source = CaseSource {
        file: r.file.path.clone(),
        line,
        index: 0,
    };
    let mut t = TestCase::empty(source);
    let mut expand = true;
    for f in fields(r, entries, TEST_KEYS, TEST_IGNORED, context) {
        match f.name {
            "description" => t.description = r.string("description", f.value),
            "vars" => t.vars = vars(r, f.value),
            "assert" => t.assert = assertions(r, f.value),
            "threshold" => t.threshold = r.number("threshold", f.value),
            "options" => expand = !options(r, f.value),
            _ => t.tags = metadata_tags(r, f.value),
        }
    }
    Some(Read {
        test: t,
        expand,
        span: node.span.clone(),
    })
}

/// `vars`, warning about `file://` values whet passes as text.
fn vars(r: &mut Reader, node: &Node) -> Map<String, Value> {
    let vars = r.vars(node);
    if let Yaml::Map(entries) = &node.value {
        for (k, v) in entries {
            if v.as_str().is_some_and(|s| s.starts_with("file://")) {
                let name = k.as_str().unwrap_or("?");
                let msg = format!(
                    "variable `{name}` is a `file://` path: promptfoo loads the file, whet passes the path as text"
                );
                warn(
                    r,
                    "file-var",
                    v.span.clone(),
                    msg,
                    "passed as text",
                    "put the file's content into the variable (or into a test file column)",
                );
            }
        }
    }
    vars
}

/// Test `options`; returns `disableVarExpansion`.
fn options(r: &mut Reader, node: &Node) -> bool {
    let Some(entries) = r.map("options", node) else {
        return false;
    };
    let mut disable = false;
    for f in fields(
        r,
        entries,
        &["disableVarExpansion"],
        OPTION_IGNORED,
        "test `options`",
    ) {
        match &f.value.value {
            Yaml::Bool(b) => disable = *b,
            _ => r.wrong_type(f.name, f.value, "true or false"),
        }
    }
    disable
}

/// `metadata` as tags: `key=value`, one per item for lists.
fn metadata_tags(r: &mut Reader, node: &Node) -> Vec<String> {
    let Some(entries) = r.map("metadata", node) else {
        return Vec::new();
    };
    let mut tags = Vec::new();
    for (k, v) in entries {
        let Some(key) = k.scalar_text() else {
            r.wrong_type("a metadata key", k, "a string");
            continue;
        };
        let values = match &v.value {
            Yaml::Seq(items) => items.iter().collect(),
            Yaml::Null => Vec::new(),
            _ => vec![v],
        };
        for item in values {
            match item.scalar_text() {
                Some(text) if !matches!(item.value, Yaml::Null) => {
                    tags.push(format!("{key}={text}"))
                }
                _ => {
                    let msg = format!("metadata `{key}` is not a plain value and is not kept");
                    warn(
                        r,
                        "ignored-key",
                        item.span.clone(),
                        msg,
                        "not a tag",
                        "whet turns metadata into `key=value` tags: use strings, numbers or lists of them",
                    );
                }
            }
        }
    }
    tags
}

/// Expands lists of strings in a test's vars into one case per combination
/// (the first variable varying slowest), as promptfoo does; numbers `index`.
fn expand(r: &mut Reader, read: Read, index: &mut usize) -> Vec<TestCase> {
    let lists: Vec<(String, Vec<Value>)> = if read.expand {
        read.test
            .vars
            .iter()
            .filter_map(|(k, v)| match v {
                Value::Array(items) if matches!(items.first(), Some(Value::String(_))) => {
                    Some((k.clone(), items.clone()))
                }
                _ => None,
            })
            .collect()
    } else {
        Vec::new()
    };
    let total = lists
        .iter()
        .try_fold(1usize, |n, (_, items)| n.checked_mul(items.len()));
    if total.is_none_or(|n| n > MAX_EXPANSION) {
        let msg =
            format!("the lists in this test's vars expand into more than {MAX_EXPANSION} cases");
        error(
            r,
            "too-many-cases",
            read.span.clone(),
            msg,
            "list-valued vars",
            "split the lists over several tests, or set `options: {disableVarExpansion: true}`",
        );
        return Vec::new();
    }
    let mut cases = vec![read.test];
    for (key, items) in lists {
        let mut next = Vec::with_capacity(cases.len() * items.len());
        for c in &cases {
            for v in &items {
                let mut c = c.clone();
                c.vars.insert(key.clone(), v.clone());
                next.push(c);
            }
        }
        cases = next;
    }
    for c in &mut cases {
        c.source.index = *index;
        *index += 1;
    }
    cases
}

/// Reads `defaultTest`, inline or from a `file://` YAML file; the flag is
/// its `options.disableVarExpansion`.
pub(super) fn default_test(r: &mut Reader, node: &Node, base: &Path) -> (DefaultTest, bool) {
    let Yaml::Str(s) = &node.value else {
        return read_default(r, node);
    };
    let Some(rel) = s.strip_prefix("file://") else {
        r.wrong_type("defaultTest", node, "a mapping or a `file://` path");
        return (DefaultTest::default(), false);
    };
    let path = base.join(rel);
    let text = match fs_err::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            let help = format!(
                "paths are relative to the config's folder (`{}`)",
                base.display()
            );
            error(
                r,
                "missing-file",
                node.span.clone(),
                format!("cannot read `defaultTest` file: {e}"),
                "no such file",
                help,
            );
            return (DefaultTest::default(), false);
        }
    };
    let mut sub = Reader {
        file: SourceFile::new(path, text.as_str()),
        diags: Vec::new(),
    };
    let out = match yaml::parse(&text) {
        Ok(Some(root)) => read_default(&mut sub, &root),
        Ok(None) => (DefaultTest::default(), false),
        Err(e) => {
            error(
                &mut sub,
                "yaml-syntax",
                e.span,
                format!("invalid YAML: {}", e.message),
                "here",
                "check indentation, quotes and `:` around this point",
            );
            (DefaultTest::default(), false)
        }
    };
    r.diags.extend(sub.diags);
    out
}

fn read_default(r: &mut Reader, node: &Node) -> (DefaultTest, bool) {
    let mut d = DefaultTest::default();
    let mut no_expand = false;
    let Some(entries) = r.map("defaultTest", node) else {
        return (d, no_expand);
    };
    for f in fields(r, entries, DEFAULT_KEYS, TEST_IGNORED, "`defaultTest`") {
        match f.name {
            "vars" => {
                d.vars = vars(r, f.value);
                warn_default_lists(r, f.value);
            }
            "assert" => d.assert = assertions(r, f.value),
            "threshold" => d.threshold = r.number("threshold", f.value),
            "options" => no_expand = options(r, f.value),
            _ => default_metadata(r, &f),
        }
    }
    (d, no_expand)
}

fn default_metadata(r: &mut Reader, f: &Field<'_>) {
    let msg = "`metadata` in `defaultTest` is not imported";
    warn(
        r,
        "ignored-key",
        f.key.span.clone(),
        msg,
        "ignored",
        "whet's defaultTest has no tags: put the metadata on each test (whet turns it into tags)",
    );
}

/// promptfoo would run every test once per value of a list in
/// `defaultTest.vars`; whet passes the list as one value.
fn warn_default_lists(r: &mut Reader, node: &Node) {
    let Yaml::Map(entries) = &node.value else {
        return;
    };
    for (k, v) in entries {
        if let Yaml::Seq(items) = &v.value
            && items
                .first()
                .is_some_and(|i| matches!(i.value, Yaml::Str(_)))
        {
            let name = k.as_str().unwrap_or("?");
            let msg = format!(
                "`defaultTest.vars.{name}` is a list: promptfoo runs every test once per value, whet passes the whole list"
            );
            warn(
                r,
                "var-expansion",
                v.span.clone(),
                msg,
                "not expanded",
                "move the list into each test's `vars` (whet expands lists there), or write one test per value",
            );
        }
    }
}

/// The cases of a YAML test file (a list of promptfoo test mappings).
pub(crate) fn test_file_cases(r: &mut Reader, items: &[Node]) -> Vec<TestCase> {
    let mut out = Vec::new();
    let mut index = 0;
    for n in items {
        if let Some(read) = test(r, n, "a test") {
            out.extend(expand(r, read, &mut index));
        }
    }
    out
}

/// One scenario as read.
struct ReadScenario {
    description: Option<String>,
    config: Vec<Read>,
    /// Every `config` entry holds only `vars`, none of them a list.
    vars_only: bool,
    tests: Vec<Read>,
}

/// Reads `scenarios` and maps them onto whet's scenarios or inline tests.
pub(super) fn scenarios(
    r: &mut Reader,
    key: &Node,
    node: &Node,
    no_expand: bool,
    suite: &mut Suite,
) {
    let Yaml::Seq(items) = &node.value else {
        r.wrong_type("scenarios", node, "a list of `{config, tests}` mappings");
        return;
    };
    let mut read = Vec::new();
    for n in items {
        read.extend(scenario(r, n, no_expand));
    }
    let native = read.len() == 1
        && suite.tests.is_empty()
        && suite.datasets.is_empty()
        && read.iter().all(|s| s.vars_only && !s.config.is_empty());
    if native {
        native_scenarios(r, read, suite);
        return;
    }
    let before = suite.tests.len();
    for s in read {
        for c in &s.config {
            for t in &s.tests {
                let mut index = suite.tests.len();
                suite.tests.extend(expand(r, merge(c, t), &mut index));
            }
        }
    }
    if !items.is_empty() {
        let n = suite.tests.len() - before;
        let msg = format!("`scenarios` were expanded into {n} inline tests");
        warn(
            r,
            "scenarios-expanded",
            key.span.clone(),
            msg,
            "expanded",
            "whet's scenarios cross every test with every scenario; this config runs each scenario's tests only with its own `config` (or has other tests), so its cases are listed one by one",
        );
    }
}

/// One scenario and its config entries.
fn native_scenarios(r: &mut Reader, read: Vec<ReadScenario>, suite: &mut Suite) {
    for s in read {
        for (i, c) in s.config.into_iter().enumerate() {
            let name = match &s.description {
                Some(d) => format!("{d} #{}", i + 1),
                None => format!("scenario-{}", i + 1),
            };
            suite.scenarios.push(Scenario {
                name,
                vars: c.test.vars,
            });
        }
        for t in s.tests {
            let mut index = suite.tests.len();
            suite.tests.extend(expand(r, t, &mut index));
        }
    }
}

fn scenario(r: &mut Reader, n: &Node, no_expand: bool) -> Option<ReadScenario> {
    if let Yaml::Str(s) = &n.value {
        let msg = format!("scenario file `{s}` is not imported");
        error(
            r,
            "unsupported-scenario",
            n.span.clone(),
            msg,
            "scenario file",
            "paste the scenario into the config's `scenarios` list",
        );
        return None;
    }
    let entries = r.map("a scenario", n)?;
    let mut s = ReadScenario {
        description: None,
        config: Vec::new(),
        vars_only: true,
        tests: Vec::new(),
    };
    let mut has_config = false;
    let mut has_tests = false;
    for f in fields(r, entries, SCENARIO_KEYS, &[], "a scenario") {
        match f.name {
            "description" => s.description = r.string("description", f.value),
            "config" => {
                has_config = true;
                for c in list(r, f.value, "config") {
                    s.vars_only &= vars_only(c);
                    s.config.extend(test(r, c, "a scenario `config` entry"));
                }
            }
            _ => {
                has_tests = true;
                for t in list(r, f.value, "tests") {
                    if let Some(mut t) = test(r, t, "a scenario test") {
                        t.expand &= !no_expand;
                        s.tests.push(t);
                    }
                }
            }
        }
    }
    if !has_config {
        error(
            r,
            "missing-key",
            n.span.clone(),
            "missing `config` in a scenario",
            "this scenario",
            "add `config:` with a list of `vars:` mappings the scenario's tests run with",
        );
    }
    if !has_tests {
        // promptfoo runs each config entry once with no test of its own.
        let line = r.file.line_col(n.span.start).0;
        let source = CaseSource {
            file: r.file.path.clone(),
            line,
            index: 0,
        };
        s.tests.push(Read {
            test: TestCase::empty(source),
            expand: !no_expand,
            span: n.span.clone(),
        });
    }
    Some(s)
}

fn list<'n>(r: &mut Reader, node: &'n Node, key: &str) -> &'n [Node] {
    match &node.value {
        Yaml::Seq(items) => items,
        _ => {
            r.wrong_type(key, node, "a list of test mappings");
            &[]
        }
    }
}

/// Whether a `config` entry holds only `vars` without lists to expand.
fn vars_only(n: &Node) -> bool {
    let Yaml::Map(entries) = &n.value else {
        return false;
    };
    entries.iter().all(|(k, v)| {
        k.as_str() == Some("vars")
            && match &v.value {
                Yaml::Map(vars) => vars.iter().all(|(_, x)| !matches!(&x.value, Yaml::Seq(i) if i.first().is_some_and(|f| matches!(f.value, Yaml::Str(_))))),
                _ => false,
            }
    })
}

/// A scenario test under one `config` entry, as promptfoo merges them.
fn merge(c: &Read, t: &Read) -> Read {
    let mut out = t.clone();
    let mut vars = c.test.vars.clone();
    vars.extend(t.test.vars.iter().map(|(k, v)| (k.clone(), v.clone())));
    out.test.vars = vars;
    out.test.description = t
        .test
        .description
        .clone()
        .or_else(|| c.test.description.clone());
    out.test.assert = c
        .test
        .assert
        .iter()
        .chain(&t.test.assert)
        .cloned()
        .collect();
    out.test.threshold = t.test.threshold.or(c.test.threshold);
    let mut tags = c.test.tags.clone();
    tags.extend(
        t.test
            .tags
            .iter()
            .filter(|x| !c.test.tags.contains(x))
            .cloned(),
    );
    out.test.tags = tags;
    out
}
