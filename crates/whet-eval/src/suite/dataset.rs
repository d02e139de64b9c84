//! Dataset files: streaming JSONL and CSV rows, YAML lists, hashing.

// A `Diagnostic` is whet's error currency; rows come at I/O speed, so its
// size in a `Result` costs nothing worth boxing for.
#![allow(clippy::result_large_err)]

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use whet_registry::{Diagnostic, SourceFile, did_you_mean};

use super::yaml::{self, Yaml};
use super::{
    Case, CaseSource, Dataset, Reader, Suite, SuiteAssertion, TestCase, assertion_help, compile,
};

/// How a dataset file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatasetFormat {
    /// One JSON object per line; blank lines are skipped.
    Jsonl,
    /// A header row, then one case per record.
    Csv,
    /// A YAML (or JSON) list of test mappings, like inline `tests`.
    Yaml,
    /// A CSV file of a promptfoo config: `__expected` columns hold
    /// assertions, as promptfoo reads them (see [`crate::promptfoo`]).
    PromptfooCsv,
    /// A YAML (or JSON) list of promptfoo test cases (see [`crate::promptfoo`]).
    PromptfooYaml,
}

impl DatasetFormat {
    /// The format for a file name, by extension.
    pub fn from_path(path: &Path) -> Option<DatasetFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "jsonl" => Some(DatasetFormat::Jsonl),
            "csv" => Some(DatasetFormat::Csv),
            "yaml" | "yml" | "json" => Some(DatasetFormat::Yaml),
            _ => None,
        }
    }
}

const STRUCTURED_KEYS: &[&str] = &[
    "vars",
    "expected",
    "assert",
    "tags",
    "split",
    "description",
    "threshold",
];
const RESERVED_COLUMNS: &[&str] = &[
    "__expected",
    "__assert",
    "__tags",
    "__split",
    "__description",
    "__threshold",
];

/// Hashes everything read through it.
struct HashRead<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for HashRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n.min(buf.len())]);
        Ok(n)
    }
}

fn hex(digest: &[u8]) -> String {
    use std::fmt::Write;
    digest.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// A dataset's text, loaded only when a diagnostic needs it.
struct LazyFile {
    path: PathBuf,
    file: Option<SourceFile>,
}

impl LazyFile {
    fn get(&mut self) -> &SourceFile {
        let path = &self.path;
        self.file.get_or_insert_with(|| {
            let text = fs_err::read(path)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            SourceFile::new(path.clone(), text)
        })
    }

    fn error(&mut self, code: &'static str, span: Option<Range<usize>>, e: RowError) -> Diagnostic {
        Diagnostic::error(code, self.get(), span, e.message)
            .with_label(e.label)
            .with_help(e.help)
    }
}

/// What is wrong with one row.
pub(crate) struct RowError {
    message: String,
    label: String,
    help: String,
}

pub(crate) fn row_error(
    message: impl Into<String>,
    label: &str,
    help: impl Into<String>,
) -> RowError {
    RowError {
        message: message.into(),
        label: label.into(),
        help: help.into(),
    }
}

fn blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

fn text_of(key: &str, v: &Value) -> Result<String, RowError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(row_error(
            format!("`{key}` must be a string, found {v}"),
            "wrong type",
            format!("write `{key}` as a string"),
        )),
    }
}

fn tags_of(key: &str, v: &Value) -> Result<Vec<String>, RowError> {
    match v {
        Value::String(s) => Ok(s
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect()),
        Value::Array(items) => items.iter().map(|t| text_of(key, t)).collect(),
        _ => Err(row_error(
            format!("`{key}` must be a list of strings, found {v}"),
            "wrong type",
            "write tags as a list of strings (in CSV: comma-separated)",
        )),
    }
}

fn threshold_of(key: &str, v: &Value) -> Result<f64, RowError> {
    let f = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    f.filter(|f| f.is_finite()).ok_or_else(|| {
        row_error(
            format!("`{key}` must be a number, found {v}"),
            "wrong type",
            "a threshold is a number such as 0.8",
        )
    })
}

fn asserts_of(key: &str, v: &Value) -> Result<Vec<SuiteAssertion>, RowError> {
    let parsed;
    let v = match v {
        Value::String(s) => {
            parsed = serde_json::from_str::<Value>(s).map_err(|e| {
                row_error(format!("`{key}` is not valid JSON: {e}"), "bad JSON", "write assertions as JSON: {\"type\": \"contains\", \"value\": \"x\"} or a list of them")
            })?;
            &parsed
        }
        v => v,
    };
    let items = match v {
        Value::Array(items) => items.as_slice(),
        other => std::slice::from_ref(other),
    };
    items
        .iter()
        .map(|a| {
            compile(a).map_err(|e| {
                let at = e.key().map_or(String::new(), |k| format!(" (`{k}`)"));
                row_error(
                    format!("bad assertion{at}: {}", e.message()),
                    "bad assertion",
                    assertion_help(&e),
                )
            })
        })
        .collect()
}

/// Turns one JSON object (a JSONL row, or a CSV record as strings) into a case.
fn row_case(obj: Map<String, Value>, source: CaseSource) -> Result<TestCase, RowError> {
    let mut t = TestCase::empty(source);
    if obj.contains_key("vars") {
        for (k, v) in obj {
            match k.as_str() {
                "vars" => match v {
                    Value::Object(m) => t.vars = m,
                    v => {
                        return Err(row_error(
                            format!("`vars` must be an object, found {v}"),
                            "wrong type",
                            "write vars as {\"name\": value}",
                        ));
                    }
                },
                "expected" => t.expected = (!v.is_null()).then_some(v),
                "assert" => t.assert = asserts_of("assert", &v)?,
                "tags" => t.tags = tags_of("tags", &v)?,
                "split" => t.split = Some(text_of("split", &v)?),
                "description" => t.description = Some(text_of("description", &v)?),
                "threshold" => t.threshold = Some(threshold_of("threshold", &v)?),
                other => {
                    let hint = did_you_mean(other, STRUCTURED_KEYS.iter().copied())
                        .map_or(String::new(), |s| format!("did you mean `{s}`? "));
                    return Err(row_error(
                        format!("unknown key `{other}` in a row with `vars`"),
                        "unknown key",
                        format!(
                            "{hint}a row with `vars` may have: {}; or drop `vars` and write every variable at the top level",
                            STRUCTURED_KEYS.join(", ")
                        ),
                    ));
                }
            }
        }
        return Ok(t);
    }
    for (k, v) in obj {
        if !k.starts_with("__") {
            t.vars.insert(k, v);
            continue;
        }
        if blank(&v) {
            continue;
        }
        match k.as_str() {
            "__expected" => t.expected = Some(v),
            "__assert" => t.assert = asserts_of(&k, &v)?,
            "__tags" => t.tags = tags_of(&k, &v)?,
            "__split" => t.split = Some(text_of(&k, &v)?),
            "__description" => t.description = Some(text_of(&k, &v)?),
            "__threshold" => t.threshold = Some(threshold_of(&k, &v)?),
            other => {
                let hint = did_you_mean(other, RESERVED_COLUMNS.iter().copied())
                    .map_or(String::new(), |s| format!("did you mean `{s}`? "));
                return Err(row_error(
                    format!("unknown reserved column `{other}`"),
                    "unknown column",
                    format!(
                        "{hint}reserved columns are: {}",
                        RESERVED_COLUMNS.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(t)
}

struct JsonlRows {
    reader: BufReader<HashRead<File>>,
    buf: Vec<u8>,
    line: usize,
    offset: usize,
    index: usize,
    file: LazyFile,
}

struct CsvRows {
    reader: csv::Reader<HashRead<File>>,
    headers: Vec<String>,
    index: usize,
    file: LazyFile,
    /// Rows follow promptfoo's column conventions.
    promptfoo: bool,
}

/// The rows of one dataset, read one at a time.
enum Rows {
    Jsonl(Box<JsonlRows>),
    Csv(Box<CsvRows>),
    Yaml(std::vec::IntoIter<TestCase>, Option<String>),
}

type Row = Result<TestCase, Diagnostic>;

fn open(path: &Path) -> Result<HashRead<File>, Diagnostic> {
    match File::open(path) {
        Ok(f) => Ok(HashRead {
            inner: f,
            hasher: Sha256::new(),
        }),
        Err(e) => {
            let file = SourceFile::new(path, "");
            Err(Diagnostic::error(
                "unreadable",
                &file,
                None,
                format!("cannot read the dataset: {e}"),
            )
            .with_help("check that the file exists and is readable"))
        }
    }
}

impl Rows {
    /// Opens a dataset; the second value holds diagnostics found on opening
    /// (a bad CSV header, a whole YAML file's problems).
    fn open(path: &Path, format: DatasetFormat) -> Result<(Rows, Vec<Diagnostic>), Diagnostic> {
        let lazy = || LazyFile {
            path: path.to_path_buf(),
            file: None,
        };
        match format {
            DatasetFormat::Jsonl => Ok((
                Rows::Jsonl(Box::new(JsonlRows {
                    reader: BufReader::new(open(path)?),
                    buf: Vec::new(),
                    line: 0,
                    offset: 0,
                    index: 0,
                    file: lazy(),
                })),
                Vec::new(),
            )),
            DatasetFormat::Csv | DatasetFormat::PromptfooCsv => {
                let promptfoo = format == DatasetFormat::PromptfooCsv;
                let mut reader = csv::ReaderBuilder::new()
                    .flexible(false)
                    .from_reader(open(path)?);
                let mut diags = Vec::new();
                let mut file = lazy();
                let headers = match reader.headers() {
                    Ok(h) => h
                        .iter()
                        .enumerate()
                        .map(|(i, s)| {
                            if i == 0 {
                                s.trim_start_matches('\u{feff}')
                            } else {
                                s
                            }
                        })
                        .map(str::to_owned)
                        .collect(),
                    Err(e) => {
                        diags.push(csv_error(&mut file, &e));
                        Vec::new()
                    }
                };
                if promptfoo {
                    diags.extend(crate::promptfoo::csv_header_warnings(&headers, || {
                        file.get().clone()
                    }));
                }
                Ok((
                    Rows::Csv(Box::new(CsvRows {
                        reader,
                        headers,
                        index: 0,
                        file,
                        promptfoo,
                    })),
                    diags,
                ))
            }
            DatasetFormat::Yaml | DatasetFormat::PromptfooYaml => {
                let bytes = fs_err::read(path).map_err(|e| {
                    let file = SourceFile::new(path, "");
                    Diagnostic::error(
                        "unreadable",
                        &file,
                        None,
                        format!("cannot read the dataset: {e}"),
                    )
                    .with_help("check that the file exists and is readable")
                })?;
                let sha = hex(&Sha256::digest(&bytes));
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let mut r = Reader {
                    file: SourceFile::new(path, text.as_str()),
                    diags: Vec::new(),
                };
                let mut cases = Vec::new();
                match yaml::parse(&text) {
                    Ok(None) => {}
                    Ok(Some(root)) => match &root.value {
                        Yaml::Seq(items) if format == DatasetFormat::PromptfooYaml => {
                            cases = crate::promptfoo::test_file_cases(&mut r, items);
                        }
                        Yaml::Seq(items) => {
                            for (i, n) in items.iter().enumerate() {
                                cases.extend(r.test(n, path, i));
                            }
                        }
                        _ => {
                            r.err(
                                "wrong-type",
                                Some(root.span.clone()),
                                format!(
                                    "a YAML dataset must be a list of tests, found {}",
                                    root.kind()
                                ),
                            )
                            .help = Some(
                                "write `- vars: {...}` items, as under `tests:` in a suite".into(),
                            );
                        }
                    },
                    Err(e) => {
                        let d = r.err(
                            "yaml-syntax",
                            Some(e.span),
                            format!("invalid YAML: {}", e.message),
                        );
                        d.label = Some("here".into());
                        d.help = Some("check indentation, quotes and `:` around this point".into());
                    }
                }
                Ok((Rows::Yaml(cases.into_iter(), Some(sha)), r.diags))
            }
        }
    }

    fn next_row(&mut self) -> Option<Row> {
        match self {
            Rows::Yaml(cases, _) => cases.next().map(Ok),
            Rows::Jsonl(j) => j.next_row(),
            Rows::Csv(c) => c.next_row(),
        }
    }

    /// sha256 of the bytes read so far (all of them, once rows are exhausted).
    fn sha256(self) -> String {
        match self {
            Rows::Yaml(_, sha) => sha.unwrap_or_default(),
            Rows::Jsonl(j) => hex(&j.reader.into_inner().hasher.finalize()),
            Rows::Csv(c) => {
                let mut inner = c.reader.into_inner();
                // The CSV reader may stop before EOF on an error; hash the rest.
                let _ = std::io::copy(&mut inner, &mut std::io::sink());
                hex(&inner.hasher.finalize())
            }
        }
    }
}

fn csv_error(file: &mut LazyFile, e: &csv::Error) -> Diagnostic {
    let (span, at) = match e.position() {
        Some(p) => {
            let b = usize::try_from(p.byte()).unwrap_or(0);
            (Some(b..b + 1), format!(" (record {})", p.record() + 1))
        }
        None => (None, String::new()),
    };
    let msg = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("this row has {len} fields but the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "this row is not valid UTF-8".to_owned(),
        _ => format!("invalid CSV{at}: {e}"),
    };
    file.error(
        "bad-row",
        span,
        row_error(msg, "bad row", "every row needs as many fields as the header; quote fields that hold commas or newlines"),
    )
}

impl JsonlRows {
    fn next_row(&mut self) -> Option<Row> {
        loop {
            self.buf.clear();
            let start = self.offset;
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(n) => {
                    self.offset += n;
                    self.line += 1;
                }
                Err(e) => {
                    let span = Some(start..start + 1);
                    return Some(Err(self.file.error(
                        "unreadable",
                        span,
                        row_error(
                            format!("cannot read the dataset: {e}"),
                            "here",
                            "check that the file is readable",
                        ),
                    )));
                }
            }
            let trimmed = self.buf.trim_ascii();
            if trimmed.is_empty() {
                continue;
            }
            let index = self.index;
            self.index += 1;
            let obj = match serde_json::from_slice::<Value>(trimmed) {
                Ok(Value::Object(m)) => m,
                Ok(other) => {
                    let e = row_error(
                        format!("a JSONL row must be an object, found {other}"),
                        "not an object",
                        "write each line as {\"vars\": {...}} or {\"var\": value, ...}",
                    );
                    return Some(Err(self.file.error("bad-row", Some(start..start + 1), e)));
                }
                Err(err) => {
                    let lead = self.buf.len() - self.buf.trim_ascii_start().len();
                    let col = start + lead + err.column().saturating_sub(1);
                    let e = row_error(
                        format!("invalid JSON: {err}"),
                        "here",
                        "each line of a JSONL file is one complete JSON object",
                    );
                    return Some(Err(self.file.error("bad-row", Some(col..col + 1), e)));
                }
            };
            let source = CaseSource {
                file: self.file.path.clone(),
                line: self.line,
                index,
            };
            return Some(
                row_case(obj, source)
                    .map_err(|e| self.file.error("bad-row", Some(start..start + 1), e)),
            );
        }
    }
}

impl CsvRows {
    fn next_row(&mut self) -> Option<Row> {
        let mut record = csv::StringRecord::new();
        match self.reader.read_record(&mut record) {
            Ok(false) => None,
            Err(e) => {
                // Skip past the bad record; the reader resumes at the next one.
                self.index += 1;
                Some(Err(csv_error(&mut self.file, &e)))
            }
            Ok(true) => {
                let index = self.index;
                self.index += 1;
                let pos = record.position();
                let line = pos.map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
                let byte = pos.map_or(0, |p| usize::try_from(p.byte()).unwrap_or(0));
                let obj = self
                    .headers
                    .iter()
                    .zip(record.iter())
                    .map(|(h, f)| (h.clone(), Value::String(f.to_owned())))
                    .collect();
                let source = CaseSource {
                    file: self.file.path.clone(),
                    line,
                    index,
                };
                let case = if self.promptfoo {
                    crate::promptfoo::csv_row_case(obj, source)
                } else {
                    row_case(obj, source)
                };
                Some(case.map_err(|e| self.file.error("bad-row", Some(byte..byte + 1), e)))
            }
        }
    }
}

/// Applies a dataset entry's defaults to a row.
fn with_defaults(mut t: TestCase, d: &Dataset) -> TestCase {
    if t.split.is_none() {
        t.split.clone_from(&d.split);
    }
    for tag in &d.tags {
        if !t.tags.contains(tag) {
            t.tags.push(tag.clone());
        }
    }
    t
}

/// Reads a whole dataset once: counts rows, hashes the file, reports every bad row.
pub(crate) fn validate(d: &mut Dataset) -> Vec<Diagnostic> {
    let (mut rows, mut diags) = match Rows::open(&d.path, d.format) {
        Ok(r) => r,
        Err(e) => return vec![e],
    };
    let mut count = 0;
    while let Some(row) = rows.next_row() {
        match row {
            Ok(t) => {
                count += 1;
                for a in t.assert.iter().filter(|a| a.compiled.is_none()) {
                    let seen = d
                        .external
                        .iter()
                        .any(|e| e.kind == a.spec.kind && e.provider == a.spec.provider);
                    if !seen {
                        d.external.push(a.spec.clone());
                    }
                }
            }
            Err(e) => {
                diags.push(e);
                // A reader that fails without moving on would loop forever.
                if diags.len() > 10_000 {
                    break;
                }
            }
        }
    }
    d.rows = count;
    d.sha256 = rows.sha256();
    diags
}

/// The cases of a suite, streamed: see [`Suite::cases`].
pub struct Cases<'s> {
    suite: &'s Suite,
    inline: usize,
    dataset: usize,
    rows: Option<Rows>,
    pending: Vec<Diagnostic>,
    current: Option<(TestCase, usize)>,
}

impl<'s> Cases<'s> {
    pub(super) fn new(suite: &'s Suite) -> Self {
        Cases {
            suite,
            inline: 0,
            dataset: 0,
            rows: None,
            pending: Vec::new(),
            current: None,
        }
    }

    fn next_test(&mut self) -> Option<Row> {
        if let Some(t) = self.suite.tests.get(self.inline) {
            self.inline += 1;
            return Some(Ok(t.clone()));
        }
        loop {
            if let Some(d) = self.pending.pop() {
                return Some(Err(d));
            }
            let d = self.suite.datasets.get(self.dataset)?;
            if self.rows.is_none() {
                match Rows::open(&d.path, d.format) {
                    Ok((rows, diags)) => {
                        self.rows = Some(rows);
                        // Warnings were reported when the suite was parsed.
                        self.pending = diags.into_iter().filter(Diagnostic::is_error).collect();
                        self.pending.reverse();
                        continue;
                    }
                    Err(e) => {
                        self.dataset += 1;
                        return Some(Err(e));
                    }
                }
            }
            match self.rows.as_mut().and_then(Rows::next_row) {
                Some(row) => return Some(row.map(|t| with_defaults(t, d))),
                None => {
                    if let Some(rows) = self.rows.take() {
                        let sha = rows.sha256();
                        if sha != d.sha256 {
                            let file = SourceFile::new(d.path.clone(), "");
                            self.pending.push(
                                Diagnostic::error("dataset-changed", &file, None, "the dataset changed since the suite was parsed")
                                    .with_help("parse the suite again so the recorded hash matches the cases run"),
                            );
                        }
                    }
                    self.dataset += 1;
                }
            }
        }
    }
}

impl Iterator for Cases<'_> {
    type Item = Result<Case, Diagnostic>;

    fn next(&mut self) -> Option<Self::Item> {
        let scenarios = self.suite.scenarios.len();
        if scenarios == 0 {
            return self
                .next_test()
                .map(|r| r.map(|t| self.suite.expand(&t, None)));
        }
        if self.current.is_none() {
            match self.next_test()? {
                Ok(t) => self.current = Some((t, 0)),
                Err(e) => return Some(Err(e)),
            }
        }
        let (t, i) = self.current.take()?;
        let case = self.suite.expand(&t, Some(i));
        if i + 1 < scenarios {
            self.current = Some((t, i + 1));
        }
        Some(Ok(case))
    }
}
