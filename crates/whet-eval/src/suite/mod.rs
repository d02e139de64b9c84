//! Evaluation suites: the `evals/NAME.yaml` format and its parser.
//!
//! # The format
//!
//! ```yaml
//! description: Routing of support messages     # optional string
//! prompts: [route, route@1.0.0, route:production]  # required: NAME, NAME@VERSION, NAME:LABEL
//! models: [qwen-local, gpt-small]             # optional: model aliases from whet.toml
//! defaultTest:                                # optional, shared by every case
//!   vars: {company: Acme}                     #   merged under each case's vars
//!   assert: [{type: is-json}]                 #   graded before each case's own assertions
//!   threshold: 0.5                            #   used where a case sets none
//! tests:                                      # inline cases and/or dataset files
//!   - description: refund request
//!     vars: {message: "I want my money back"}
//!     expected: refund                        # free-form: any YAML value
//!     assert:
//!       - {type: equals, value: refund, weight: 2, metric: routing}
//!     threshold: 0.8                          # pass if weighted score >= threshold
//!     tags: [billing]
//!     split: golden                           # golden, edge, adversarial, regression, any name
//!   - data/extra.jsonl                        # a string is a dataset file
//! datasets:                                   # dataset files, with defaults for their rows
//!   - data/golden.csv
//!   - {path: data/attacks.jsonl, split: adversarial, tags: [injection]}
//! scenarios:                                  # optional: every case runs once per scenario
//!   - {name: formal, vars: {tone: formal}}
//!   - {name: casual, vars: {tone: casual}}
//! ```
//!
//! `tests` may also be a single string (one dataset file), as in promptfoo.
//! Paths are relative to the suite file's folder; a `file://` prefix is
//! accepted. The format is picked by extension: `.jsonl`, `.csv`, `.yaml` /
//! `.yml` / `.json` (a list of test mappings, exactly like inline `tests`).
//!
//! Assertions are promptfoo-shaped (`type`, `value`, `threshold`, `weight`,
//! `metric`, `normalizeUnicode`) and compiled by `whet-assert` while parsing,
//! so a bad one is reported here with its span. The model-graded and external
//! types (`llm-rubric`, `g-eval`, `factuality`, `answer-relevance`,
//! `context-faithfulness`, `similar`, `script`) are kept as specs for the
//! runner ([`SuiteAssertion::compiled`] is `None`).
//!
//! # Datasets
//!
//! A JSONL row is either *structured*, `{"vars": {...}, "expected": ...,
//! "assert": [...], "tags": [...], "split": "...", "description": "...",
//! "threshold": 0.5}` (recognised by its `vars` key; any other key is an
//! error), or *flat*: every key is a variable, except the reserved `__`
//! keys `__expected`, `__assert`, `__tags`, `__split`, `__description` and
//! `__threshold`. A CSV file is always flat, with a header row; there
//! `__tags` is comma-separated, `__threshold` a number and `__assert` JSON
//! (one assertion object or a list). Unlike promptfoo, `__expected` is the
//! expected value, not an assertion: write assertions in `__assert`. An
//! unknown `__` column is an error. A row's split and tags default to the
//! dataset entry's.
//!
//! Parsing reads every dataset once, streaming, to report every bad row and
//! to hash the file (sha256 of its bytes, [`Dataset::sha256`]); it keeps no
//! rows. [`Suite::cases`] reads them again, one at a time.
//!
//! # Expansion
//!
//! [`Suite::cases`] yields inline tests first, then each dataset's rows in
//! file order; with `scenarios`, each row is yielded once per scenario
//! (scenario innermost). Variables merge with the most specific winning:
//! `defaultTest.vars`, then the scenario's, then the case's own.
//!
//! # Gate and coverage
//!
//! ```yaml
//! gate:                                   # optional; every limit is optional
//!   min_pass_rate: 0.80                   # candidate, over all graded results, in [0, 1]
//!   min_pass_rate_by_split: {golden: 0.90, adversarial: 1.0}
//!   min_pass_rate_by_tag: {injection: 1.0}
//!   max_regression:                       # vs the baseline: largest drop tolerated
//!     pass_rate: 0.0                      #   any significant drop fails
//!     routing: 0.05                       #   a named metric (or cost_usd, latency_ms)
//!   regression_rule: significant          # or non-inferiority (must show the drop is within)
//!   max_errors: 0                         # errored results allowed (a whole number)
//!   max_cost_usd: 1.00                    # the candidate's model spend in the run
//!   max_latency_p95_ms: 3000
//!   min_coverage: 0.8                     # share of covered intent x split cells
//! coverage:                               # optional
//!   intents: [refund, card_lost]          # default: the labels of `choice` assertions
//!   splits: [golden, edge, adversarial]   # the default
//! ```
//!
//! Rates are checked to lie in [0, 1] and limits to be >= 0 while parsing.
//! [`crate::gate`] documents how each check is decided, [`crate::coverage`]
//! when a case covers an intent.

pub(crate) mod dataset;
mod gating;
pub(crate) mod yaml;

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Mutex, OnceLock};

use serde_json::{Map, Value};
use whet_assert::{Assertion, AssertionSpec, ParseError};
use whet_core::PromptRef;
use whet_registry::{Diagnostic, SourceFile, Spanned, did_you_mean};

pub use dataset::{Cases, DatasetFormat};
use yaml::{Node, Yaml};

/// Types the runner grades with a model, embeddings or a command.
pub const EXTERNAL_TYPES: &[&str] = &[
    "llm-rubric",
    "g-eval",
    "factuality",
    "answer-relevance",
    "context-faithfulness",
    "similar",
    "script",
];

const SUITE_KEYS: &[&str] = &[
    "description",
    "prompts",
    "models",
    "tests",
    "datasets",
    "defaultTest",
    "scenarios",
    "gate",
    "coverage",
];
const TEST_KEYS: &[&str] = &[
    "description",
    "vars",
    "expected",
    "assert",
    "threshold",
    "tags",
    "split",
];
const DEFAULT_TEST_KEYS: &[&str] = &["vars", "assert", "threshold"];
const DATASET_KEYS: &[&str] = &["path", "split", "tags"];
const SCENARIO_KEYS: &[&str] = &["name", "vars"];
const ASSERT_KEYS: &[&str] = &[
    "type",
    "value",
    "threshold",
    "weight",
    "metric",
    "normalizeUnicode",
    "judge_samples",
    "provider",
];

/// A parsed suite.
#[derive(Debug, Clone)]
pub struct Suite {
    /// The suite file, as given to the parser.
    pub path: PathBuf,
    /// `description`.
    pub description: Option<String>,
    /// `prompts`, in order.
    pub prompts: Vec<Spanned<PromptRef>>,
    /// `models` (aliases); empty when the suite names none.
    pub models: Vec<Spanned<String>>,
    /// `defaultTest`.
    pub default_test: DefaultTest,
    /// Inline test cases, in order.
    pub tests: Vec<TestCase>,
    /// Dataset files, in order (from `tests` strings, then `datasets`).
    pub datasets: Vec<Dataset>,
    /// `scenarios`; empty when none.
    pub scenarios: Vec<Scenario>,
    /// Prompts given as template text rather than registry references (a
    /// promptfoo config's `prompts`); native suites have none.
    pub inline_prompts: Vec<InlinePrompt>,
    /// `gate`: the release gate of [`crate::gate::evaluate`].
    pub gate: Option<crate::gate::Gate>,
    /// `coverage`: intents and splits for [`crate::coverage::coverage`].
    pub coverage: Option<crate::coverage::CoverageSpec>,
}

/// A prompt written as a template in the suite itself (promptfoo's inline or
/// `file://` prompts). The text is a MiniJinja template over the case vars;
/// when it is a JSON array of `{role, content}` objects after rendering, it
/// is a chat, otherwise one user message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlinePrompt {
    /// A display name (promptfoo's `label`, or the file name, or `prompt-N`).
    pub name: String,
    /// The template text.
    pub template: String,
}

/// `defaultTest`: what every case shares.
#[derive(Debug, Clone, Default)]
pub struct DefaultTest {
    /// Variables every case starts from.
    pub vars: Map<String, Value>,
    /// Assertions graded on every case, before its own.
    pub assert: Vec<SuiteAssertion>,
    /// The pass threshold where a case sets none.
    pub threshold: Option<f64>,
}

/// One scenario: a set of variables every case is crossed with.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// `name`, or `scenario-N` (1-based) when absent.
    pub name: String,
    /// Its variables.
    pub vars: Map<String, Value>,
}

/// One assertion of a suite.
#[derive(Debug, Clone)]
pub struct SuiteAssertion {
    /// What the suite says.
    pub spec: AssertionSpec,
    /// The compiled deterministic assertion; `None` for [`EXTERNAL_TYPES`],
    /// which the runner grades.
    pub compiled: Option<Assertion>,
}

impl SuiteAssertion {
    /// The weight in the case's score (default 1).
    pub fn weight(&self) -> f64 {
        self.spec.weight.unwrap_or(1.0)
    }
}

/// Where a case came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSource {
    /// The suite file (inline tests) or the dataset file.
    pub file: PathBuf,
    /// 1-based line of the case (the CSV record's line, the JSONL line).
    pub line: usize,
    /// 0-based index of the case in its file.
    pub index: usize,
}

/// A test case as its file states it, before `defaultTest` and scenarios.
#[derive(Debug, Clone)]
pub struct TestCase {
    /// `description`.
    pub description: Option<String>,
    /// `vars`.
    pub vars: Map<String, Value>,
    /// `expected`: free-form.
    pub expected: Option<Value>,
    /// The case's own assertions.
    pub assert: Vec<SuiteAssertion>,
    /// Pass threshold on the weighted score.
    pub threshold: Option<f64>,
    /// `tags`.
    pub tags: Vec<String>,
    /// `split`.
    pub split: Option<String>,
    /// Where it came from.
    pub source: CaseSource,
}

impl TestCase {
    /// A case with nothing set yet, read from `source`.
    pub(crate) fn empty(source: CaseSource) -> Self {
        TestCase {
            description: None,
            vars: Map::new(),
            expected: None,
            assert: Vec::new(),
            threshold: None,
            tags: Vec::new(),
            split: None,
            source,
        }
    }
}

/// A case ready to run: `defaultTest` vars and threshold and the scenario
/// applied. Its assertions are the suite's `default_test.assert` followed by
/// [`TestCase::assert`] (not copied, so a compiled assertion exists once).
#[derive(Debug, Clone)]
pub struct Case {
    /// The case, with merged `vars` and the effective `threshold`.
    pub test: TestCase,
    /// Index into [`Suite::scenarios`], when the suite has scenarios.
    pub scenario: Option<usize>,
}

/// A dataset file referenced by a suite.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The file, resolved against the suite's folder.
    pub path: PathBuf,
    /// How it is read.
    pub format: DatasetFormat,
    /// sha256 of the file's bytes, lowercase hex, when parsed.
    pub sha256: String,
    /// Number of cases in it.
    pub rows: usize,
    /// Split for rows that set none.
    pub split: Option<String>,
    /// Tags added to every row.
    pub tags: Vec<String>,
    /// Where the suite names it.
    pub span: Option<Range<usize>>,
    /// One spec per distinct type and `provider` of the assertions its rows
    /// grade with a model, embeddings or a script (see [`EXTERNAL_TYPES`]),
    /// found while parsing: what the runner must set up, without reading
    /// the rows again.
    pub external: Vec<AssertionSpec>,
}

impl Suite {
    /// A suite with nothing in it yet, for importers that fill it in
    /// (`crate::promptfoo`): one place to update when `Suite` grows a field.
    pub(crate) fn empty(path: &Path) -> Suite {
        Suite {
            path: path.to_path_buf(),
            description: None,
            prompts: Vec::new(),
            models: Vec::new(),
            default_test: DefaultTest::default(),
            tests: Vec::new(),
            datasets: Vec::new(),
            scenarios: Vec::new(),
            inline_prompts: Vec::new(),
            gate: None,
            coverage: None,
        }
    }

    /// Number of cases [`Suite::cases`] yields.
    pub fn case_count(&self) -> usize {
        let rows = self.tests.len() + self.datasets.iter().map(|d| d.rows).sum::<usize>();
        rows * self.scenarios.len().max(1)
    }

    /// Streams every case, expanded (see the module docs for the order).
    /// Dataset files are read again, one row at a time; an error reading one
    /// (the file changed since parsing) is yielded as a diagnostic.
    pub fn cases(&self) -> Cases<'_> {
        Cases::new(self)
    }

    /// Applies `defaultTest` and a scenario to one case.
    pub(crate) fn expand(&self, test: &TestCase, scenario: Option<usize>) -> Case {
        let mut vars = self.default_test.vars.clone();
        if let Some(s) = scenario.and_then(|i| self.scenarios.get(i)) {
            vars.extend(s.vars.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        vars.extend(test.vars.iter().map(|(k, v)| (k.clone(), v.clone())));
        let mut test = test.clone();
        test.vars = vars;
        test.threshold = test.threshold.or(self.default_test.threshold);
        Case { test, scenario }
    }
}

/// Reads a suite file. Never panics; reports every problem it finds.
pub fn parse_suite_file(path: &Path) -> (Option<Suite>, Vec<Diagnostic>) {
    match read_source(path, "suite") {
        Ok(text) => parse_suite(path, &text),
        Err(d) => (None, vec![*d]),
    }
}

/// A YAML file's text, or the diagnostic saying why it cannot be read
/// (`what` names it: "suite", "config").
pub(crate) fn read_source(path: &Path, what: &str) -> Result<String, Box<Diagnostic>> {
    match fs_err::read(path) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let file = SourceFile::new(path, String::from_utf8_lossy(e.as_bytes()).into_owned());
            Box::new(
                Diagnostic::error(
                    "not-utf8",
                    &file,
                    Some(at..at + 1),
                    format!("the {what} is not valid UTF-8"),
                )
                .with_label("invalid byte")
                .with_help("save the file as UTF-8"),
            )
        }),
        Err(e) => {
            let file = SourceFile::new(path, "");
            Err(Box::new(
                Diagnostic::error(
                    "unreadable",
                    &file,
                    None,
                    format!("cannot read the {what}: {e}"),
                )
                .with_help("check the path and permissions"),
            ))
        }
    }
}

/// Parses a suite's text; `path` names it in diagnostics and anchors
/// relative dataset paths. Never panics; reports every problem it finds.
pub fn parse_suite(path: &Path, text: &str) -> (Option<Suite>, Vec<Diagnostic>) {
    let file = SourceFile::new(path, text);
    let mut r = Reader {
        file: file.clone(),
        diags: Vec::new(),
    };
    let root = match yaml::parse(text) {
        Ok(Some(root)) => root,
        Ok(None) => {
            r.err("empty-suite", None, "the suite is empty").help =
                Some("a suite needs at least `prompts` and `tests` or `datasets`".into());
            return (None, r.diags);
        }
        Err(e) => {
            r.err(
                "yaml-syntax",
                Some(e.span),
                format!("invalid YAML: {}", e.message),
            )
            .with(
                "here",
                "check indentation, quotes and `:` around this point",
            );
            return (None, r.diags);
        }
    };
    let suite = r.suite(&root, path);
    let ok = !whet_registry::has_errors(&r.diags);
    (suite.filter(|_| ok), r.diags)
}

/// Collects diagnostics while walking one YAML file.
pub(crate) struct Reader {
    pub file: SourceFile,
    pub diags: Vec<Diagnostic>,
}

trait With {
    fn with(&mut self, label: &str, help: &str);
}

impl With for Diagnostic {
    fn with(&mut self, label: &str, help: &str) {
        self.label = Some(label.into());
        self.help = Some(help.into());
    }
}

pub(crate) type Entries<'n> = &'n [(Node, Node)];

impl Reader {
    pub fn err(
        &mut self,
        code: &'static str,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diags
            .push(Diagnostic::error(code, &self.file, span, message));
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    pub(crate) fn wrong_type(&mut self, key: &str, node: &Node, expected: &str) {
        let found = node.kind();
        self.err(
            "wrong-type",
            Some(node.span.clone()),
            format!("`{key}` must be {expected}, found {found}"),
        )
        .with(
            &format!("expected {expected}"),
            &format!("write `{key}` as {expected}"),
        );
    }

    /// The entries of a mapping, or a diagnostic.
    pub(crate) fn map<'n>(&mut self, key: &str, node: &'n Node) -> Option<Entries<'n>> {
        match &node.value {
            Yaml::Map(e) => Some(e),
            _ => {
                self.wrong_type(key, node, "a mapping");
                None
            }
        }
    }

    /// Checks keys; returns the known entries by name.
    fn keys<'n>(
        &mut self,
        entries: Entries<'n>,
        allowed: &[&str],
        context: &str,
    ) -> Vec<(&'n str, &'n Node)> {
        let mut out: Vec<(&str, &Node)> = Vec::new();
        for (k, v) in entries {
            let Some(name) = k.as_str() else {
                self.err(
                    "wrong-type",
                    Some(k.span.clone()),
                    format!("keys in {context} must be strings, found {}", k.kind()),
                )
                .with(
                    "not a string key",
                    &format!("allowed keys in {context}: {}", allowed.join(", ")),
                );
                continue;
            };
            if !allowed.contains(&name) {
                let help = match did_you_mean(name, allowed.iter().copied()) {
                    Some(s) => format!(
                        "did you mean `{s}`? Allowed keys in {context}: {}",
                        allowed.join(", ")
                    ),
                    None => format!("allowed keys in {context}: {}", allowed.join(", ")),
                };
                self.err(
                    "unknown-key",
                    Some(k.span.clone()),
                    format!("unknown key `{name}` in {context}"),
                )
                .with("not a known key", &help);
                continue;
            }
            if out.iter().any(|(n, _)| *n == name) {
                self.err(
                    "duplicate-key",
                    Some(k.span.clone()),
                    format!("`{name}` appears twice in {context}"),
                )
                .with("second occurrence", "remove one of them");
                continue;
            }
            out.push((name, v));
        }
        out
    }

    pub(crate) fn string(&mut self, key: &str, node: &Node) -> Option<String> {
        match &node.value {
            Yaml::Str(s) => Some(s.clone()),
            _ => {
                self.wrong_type(key, node, "a string");
                None
            }
        }
    }

    pub(crate) fn number(&mut self, key: &str, node: &Node) -> Option<f64> {
        match node.as_f64() {
            Some(f) if f.is_finite() => Some(f),
            _ => {
                self.wrong_type(key, node, "a number");
                None
            }
        }
    }

    /// A list of items, or a single item accepted as a list of one.
    pub(crate) fn list(node: &Node) -> &[Node] {
        match &node.value {
            Yaml::Seq(items) => items,
            _ => std::slice::from_ref(node),
        }
    }

    fn strings(&mut self, key: &str, node: &Node) -> Vec<String> {
        Self::list(node)
            .iter()
            .filter_map(|n| match n.scalar_text() {
                Some(s) if !matches!(n.value, Yaml::Null) => Some(s),
                _ => {
                    self.wrong_type(key, n, "a string or a list of strings");
                    None
                }
            })
            .collect()
    }

    pub(crate) fn vars(&mut self, node: &Node) -> Map<String, Value> {
        let Some(entries) = self.map("vars", node) else {
            return Map::new();
        };
        let mut out = Map::new();
        for (k, v) in entries {
            match k.as_str() {
                Some(name) => {
                    out.insert(name.to_owned(), v.to_json());
                }
                None => {
                    self.err(
                        "wrong-type",
                        Some(k.span.clone()),
                        format!("variable names must be strings, found {}", k.kind()),
                    )
                    .with("not a string", "quote the variable name");
                }
            }
        }
        out
    }

    fn suite(&mut self, root: &Node, path: &Path) -> Option<Suite> {
        let entries = self.map("the suite", root)?;
        let fields = self.keys(entries, SUITE_KEYS, "a suite");
        let get = |k: &str| fields.iter().find(|(n, _)| *n == k).map(|(_, v)| *v);
        let base = path.parent().unwrap_or(Path::new("")).to_path_buf();

        let description = get("description").and_then(|n| self.string("description", n));
        let mut prompts = Vec::new();
        match get("prompts") {
            None => {
                self.err("missing-key", Some(root.span.start..root.span.start), "missing required key `prompts` in a suite")
                    .with("the suite starts here", "add `prompts: [NAME]` listing the prompts to evaluate (NAME, NAME@VERSION or NAME:LABEL)");
            }
            Some(node) => {
                for n in Self::list(node) {
                    let Some(s) = self.string("prompts", n) else {
                        continue;
                    };
                    match PromptRef::from_str(&s) {
                        Ok(p) => prompts.push(Spanned {
                            value: p,
                            span: Some(n.span.clone()),
                        }),
                        Err(e) => {
                            self.err("bad-prompt-ref", Some(n.span.clone()), format!("invalid prompt reference `{s}`: {e}"))
                                .with("not a prompt reference", "write NAME (the working copy), NAME@1.2.0 (a release) or NAME:production (a label)");
                        }
                    }
                }
            }
        }
        let mut models = Vec::new();
        if let Some(node) = get("models") {
            for n in Self::list(node) {
                match n.as_str() {
                    Some(s) if !s.trim().is_empty() => models.push(Spanned {
                        value: s.to_owned(),
                        span: Some(n.span.clone()),
                    }),
                    _ => self.wrong_type("models", n, "a model alias (a non-empty string)"),
                }
            }
        }
        let default_test = get("defaultTest")
            .map(|n| self.default_test(n))
            .unwrap_or_default();

        let mut tests = Vec::new();
        let mut datasets = Vec::new();
        if let Some(node) = get("tests") {
            for n in Self::list(node) {
                match &n.value {
                    Yaml::Str(_) => datasets.extend(self.dataset_ref(n, &base)),
                    _ => {
                        let index = tests.len();
                        if let Some(t) = self.test(n, path, index) {
                            tests.push(t);
                        }
                    }
                }
            }
        }
        if let Some(node) = get("datasets") {
            for n in Self::list(node) {
                datasets.extend(self.dataset_ref(n, &base));
            }
        }
        let mut scenarios = Vec::new();
        if let Some(node) = get("scenarios") {
            match &node.value {
                Yaml::Seq(items) => {
                    for (i, n) in items.iter().enumerate() {
                        scenarios.extend(self.scenario(n, i));
                    }
                }
                _ => self.wrong_type("scenarios", node, "a list of `{name, vars}` mappings"),
            }
        }
        if get("tests").is_none() && get("datasets").is_none() {
            self.diags.push(
                Diagnostic::warning(
                    "no-tests",
                    &self.file,
                    Some(root.span.start..root.span.start),
                    "the suite has no `tests` or `datasets`",
                )
                .with_label("the suite starts here")
                .with_help("add `tests:` with inline cases or dataset files"),
            );
        }
        let gate = get("gate").and_then(|n| self.gate(n));
        let coverage = get("coverage").and_then(|n| self.coverage(n));
        // Read every dataset now: bad rows are reported with the suite.
        for d in &mut datasets {
            let diags = dataset::validate(d);
            self.diags.extend(diags);
        }
        Some(Suite {
            path: path.to_path_buf(),
            description,
            prompts,
            models,
            default_test,
            tests,
            datasets,
            scenarios,
            inline_prompts: Vec::new(),
            gate,
            coverage,
        })
    }

    fn default_test(&mut self, node: &Node) -> DefaultTest {
        let mut d = DefaultTest::default();
        let Some(entries) = self.map("defaultTest", node) else {
            return d;
        };
        for (k, v) in self.keys(entries, DEFAULT_TEST_KEYS, "`defaultTest`") {
            match k {
                "vars" => d.vars = self.vars(v),
                "assert" => d.assert = self.assertions(v),
                _ => d.threshold = self.number("threshold", v),
            }
        }
        d
    }

    fn scenario(&mut self, node: &Node, i: usize) -> Option<Scenario> {
        let entries = self.map("a scenario", node)?;
        let mut s = Scenario {
            name: format!("scenario-{}", i + 1),
            vars: Map::new(),
        };
        for (k, v) in self.keys(entries, SCENARIO_KEYS, "a scenario") {
            match k {
                "name" => {
                    if let Some(n) = self.string("name", v) {
                        s.name = n;
                    }
                }
                _ => s.vars = self.vars(v),
            }
        }
        Some(s)
    }

    pub(crate) fn dataset_ref(&mut self, node: &Node, base: &Path) -> Option<Dataset> {
        let (path_node, split, tags) = match &node.value {
            Yaml::Str(_) => (node, None, Vec::new()),
            Yaml::Map(entries) => {
                let fields = self.keys(entries, DATASET_KEYS, "a dataset");
                let mut path = None;
                let mut split = None;
                let mut tags = Vec::new();
                for (k, v) in fields {
                    match k {
                        "path" => path = Some(v),
                        "split" => split = self.string("split", v),
                        _ => tags = self.strings("tags", v),
                    }
                }
                let Some(path) = path else {
                    self.err(
                        "missing-key",
                        Some(node.span.clone()),
                        "missing required key `path` in a dataset",
                    )
                    .with(
                        "this dataset",
                        "add `path: data/cases.jsonl` (relative to the suite file)",
                    );
                    return None;
                };
                (path, split, tags)
            }
            _ => {
                self.wrong_type(
                    "datasets",
                    node,
                    "a file path or a `{path, split, tags}` mapping",
                );
                return None;
            }
        };
        let rel = self.string("path", path_node)?;
        let rel = rel.strip_prefix("file://").unwrap_or(&rel);
        let span = Some(path_node.span.clone());
        let Some(format) = DatasetFormat::from_path(Path::new(rel)) else {
            self.err(
                "dataset-format",
                span,
                format!("unknown dataset format for `{rel}`"),
            )
            .with(
                "unknown extension",
                "datasets are .jsonl, .csv, .yaml, .yml or .json files",
            );
            return None;
        };
        let path = base.join(rel);
        if !path.is_file() {
            self.err(
                "missing-file",
                span,
                format!("dataset file `{}` not found", path.display()),
            )
            .with(
                "no such file",
                &format!(
                    "paths are relative to the suite file's folder (`{}`)",
                    base.display()
                ),
            );
            return None;
        }
        Some(Dataset {
            path,
            format,
            sha256: String::new(),
            rows: 0,
            split,
            tags,
            span,
            external: Vec::new(),
        })
    }

    /// One test mapping (inline, or a row of a YAML dataset).
    pub(crate) fn test(&mut self, node: &Node, file: &Path, index: usize) -> Option<TestCase> {
        let entries = self.map("a test", node)?;
        let line = self.file.line_col(node.span.start).0;
        let mut t = TestCase::empty(CaseSource {
            file: file.to_path_buf(),
            line,
            index,
        });
        for (k, v) in self.keys(entries, TEST_KEYS, "a test") {
            match k {
                "description" => t.description = self.string(k, v),
                "vars" => t.vars = self.vars(v),
                "expected" => t.expected = Some(v.to_json()),
                "assert" => t.assert = self.assertions(v),
                "threshold" => t.threshold = self.number(k, v),
                "tags" => t.tags = self.strings(k, v),
                _ => t.split = self.string(k, v),
            }
        }
        Some(t)
    }

    fn assertions(&mut self, node: &Node) -> Vec<SuiteAssertion> {
        let Yaml::Seq(items) = &node.value else {
            self.wrong_type("assert", node, "a list of assertions");
            return Vec::new();
        };
        items.iter().filter_map(|n| self.assertion(n)).collect()
    }

    fn assertion(&mut self, node: &Node) -> Option<SuiteAssertion> {
        let entries = self.map("an assertion", node)?;
        let fields = self.keys(entries, ASSERT_KEYS, "an assertion");
        if fields.len() != entries.len() {
            return None;
        }
        match compile(&node.to_json()) {
            Ok(a) => Some(a),
            Err(e) => {
                let span = e
                    .key()
                    .and_then(|k| entries.iter().find(|(n, _)| n.as_str() == Some(k)))
                    .map_or(node.span.clone(), |(_, v)| v.span.clone());
                let help = assertion_help(&e);
                self.err("bad-assertion", Some(span), e.message().to_owned())
                    .with(
                        &format!("invalid `{}`", e.key().unwrap_or("assertion")),
                        &help,
                    );
                None
            }
        }
    }
}

/// A hint for an assertion that did not compile.
pub(crate) fn assertion_help(e: &ParseError) -> String {
    match e.key() {
        Some("type") => format!(
            "use a whet-assert type (e.g. contains, equals, regex, is-json), optionally with `not-`, or one the runner grades: {}",
            EXTERNAL_TYPES.join(", ")
        ),
        Some("value") => "check the shape of `value` for this assertion type".into(),
        Some("threshold") => "only scoring types take a threshold; a pass threshold for the whole case goes on the test".into(),
        Some("weight") => "`weight` is a number >= 0 (default 1)".into(),
        Some("metric") => "`metric` is a non-empty name to report the score under".into(),
        _ => format!("an assertion is a mapping with keys: {}", ASSERT_KEYS.join(", ")),
    }
}

/// Compiles a promptfoo-shaped assertion object. Datasets repeat the same
/// assertions row after row (and are read several times: validation,
/// selection, the run), so compiled assertions are remembered by their JSON
/// text: a regex or an automaton is built once per process, not per row.
pub(crate) fn compile(v: &Value) -> Result<SuiteAssertion, ParseError> {
    /// Bound on remembered assertions; past it the memo starts over.
    const MEMO_LIMIT: usize = 4096;
    static MEMO: OnceLock<Mutex<HashMap<String, SuiteAssertion>>> = OnceLock::new();
    let key = v.to_string();
    let memo = MEMO.get_or_init(Mutex::default);
    if let Some(hit) = memo.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return Ok(hit);
    }
    let compiled = compile_uncached(v)?;
    if let Ok(mut m) = memo.lock() {
        if m.len() >= MEMO_LIMIT {
            m.clear();
        }
        m.insert(key, compiled.clone());
    }
    Ok(compiled)
}

fn compile_uncached(v: &Value) -> Result<SuiteAssertion, ParseError> {
    let spec = AssertionSpec::from_json(v)?;
    let base = spec.kind.strip_prefix("not-").unwrap_or(&spec.kind);
    if EXTERNAL_TYPES.contains(&base) {
        return Ok(SuiteAssertion {
            spec,
            compiled: None,
        });
    }
    let compiled = Assertion::compile(&spec)?;
    Ok(SuiteAssertion {
        spec,
        compiled: Some(compiled),
    })
}
