//! `whet guard scan` and `whet guard redact`: the guard scanners and
//! policies on a file, standard input, or JSON Lines of texts.

use crate::ExitStatus;
use crate::args::{
    GlobalArgs, GuardCommand, GuardInput, GuardRedactArgs, GuardScanArgs, RedactOperator,
    ScannerName,
};
use crate::error::CliError;
use crate::printer::Printer;
use owo_colors::OwoColorize;
use serde_json::{Value, json};
use std::io::Read;
use std::path::{Path, PathBuf};
use whet_guard::injection::{self, AttackSimilarity, InjectionScanner};
use whet_guard::pii::PiiScanner;
use whet_guard::policy::{Decision, OutputContext, Verdict};
use whet_guard::redact::{Operator, Vault};
use whet_guard::secrets::SecretScanner;
use whet_guard::{Category, Finding, ScannerSet};
use whet_registry::guard::SALT_ENV;
use whet_registry::{Diagnostic, SourceFile};

/// Findings scoring below this are not reported unless `--min-score` says so.
const DEFAULT_MIN_SCORE: f32 = 0.5;

pub fn run(
    cmd: GuardCommand,
    global: &GlobalArgs,
    printer: Printer,
) -> Result<ExitStatus, CliError> {
    match cmd {
        GuardCommand::Scan(args) => scan(&args, global, printer),
        GuardCommand::Redact(args) => redact(&args, printer),
    }
}

/// What the command reads: one whole text, or many from JSON Lines.
pub(crate) enum Input {
    /// The whole file (or standard input) as one text.
    Whole(SourceFile),
    /// `(id, text)` per JSON line.
    Lines(Vec<(Value, String)>),
}

/// Reads the input named on the command line, with a diagnostic for text
/// that is not UTF-8 and for JSON lines that are malformed.
pub(crate) fn read_input(source: &GuardInput) -> Result<Input, CliError> {
    let (path, bytes) = match source.input.as_deref() {
        None => (PathBuf::from("<stdin>"), read_stdin()?),
        Some(p) if p == Path::new("-") => (PathBuf::from("<stdin>"), read_stdin()?),
        Some(p) => (p.to_path_buf(), fs_err::read(p)?),
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let file = SourceFile::new(&path, String::from_utf8_lossy(e.as_bytes()).into_owned());
            return Err(CliError::Invalid(vec![
                Diagnostic::error(
                    "not-utf8",
                    &file,
                    Some(at..at + 1),
                    "the input is not valid UTF-8",
                )
                .with_label("invalid byte")
                .with_help("convert the file to UTF-8 first (e.g. with iconv)"),
            ]));
        }
    };
    let file = SourceFile::new(&path, text);
    if source.jsonl {
        parse_jsonl(&file).map(Input::Lines)
    } else {
        Ok(Input::Whole(file))
    }
}

fn read_stdin() -> Result<Vec<u8>, CliError> {
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Parses JSON lines: `{"id": ..., "text": "..."}`, or eval dataset rows,
/// whose string `vars` are scanned (joined by newlines). Blank lines are
/// skipped; a row without an id is named by its `description`, else its
/// line number. At most [`MAX_LINE_ERRORS`] bad lines are reported.
fn parse_jsonl(file: &SourceFile) -> Result<Vec<(Value, String)>, CliError> {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    let mut offset = 0;
    for (n, line) in file.text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        let line = line.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() || diags.len() >= MAX_LINE_ERRORS {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(mut o)) => match row_text(&mut o) {
                Some(text) => {
                    let id = o.remove("id").or_else(|| o.remove("description")).unwrap_or_else(|| json!(n + 1));
                    out.push((id, text));
                }
                None => diags.push(
                    Diagnostic::error("missing-text", file, Some(start..start + 1), "this line has no string `text` and no string `vars`")
                        .with_help("write one object per line: {\"id\": 1, \"text\": \"...\"} (or an eval dataset row with `vars`)"),
                ),
            },
            Ok(_) => diags.push(
                Diagnostic::error("wrong-type", file, Some(start..start + 1), "this line is not a JSON object")
                    .with_help("write one object per line: {\"id\": 1, \"text\": \"...\"}"),
            ),
            Err(e) => {
                let col = line.char_indices().nth(e.column().saturating_sub(1)).map_or(line.len(), |(i, _)| i);
                diags.push(
                    Diagnostic::error("bad-json", file, Some(start + col..start + col + 1), format!("invalid JSON: {e}"))
                        .with_help("each line must be one complete JSON object"),
                );
            }
        }
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(CliError::Invalid(diags))
    }
}

/// Bad JSON lines reported before the rest are skipped.
const MAX_LINE_ERRORS: usize = 5;

/// A row's `text`, or its string `vars` joined by newlines.
fn row_text(row: &mut serde_json::Map<String, Value>) -> Option<String> {
    if let Some(Value::String(text)) = row.remove("text") {
        return Some(text);
    }
    let vars = row.get("vars")?.as_object()?;
    let strings: Vec<&str> = vars.values().filter_map(Value::as_str).collect();
    (!strings.is_empty()).then(|| strings.join("\n"))
}

/// Cosine similarity to the nearest of whet's known attacks, by MiniLM.
struct KnownAttacks {
    embedder: whet_embed::LocalEmbedder,
    vectors: Vec<Vec<f32>>,
}

impl KnownAttacks {
    fn load(printer: Printer) -> Result<KnownAttacks, CliError> {
        let embedder = crate::judges::local_embedder(printer)?;
        let vectors = embedder
            .embed(injection::known_attacks())
            .map_err(|e| CliError::Usage(format!("cannot embed the known attacks: {e}")))?
            .vectors;
        Ok(KnownAttacks { embedder, vectors })
    }
}

impl AttackSimilarity for KnownAttacks {
    fn max_similarity(&self, text: &str) -> Option<(f32, usize)> {
        // An embedding failure (never expected for text) leaves the
        // pattern score as it is rather than failing the scan.
        let v = self.embedder.embed_one(text).ok()?;
        self.vectors
            .iter()
            .map(|a| whet_embed::cosine(a, &v))
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, c)| {
                tracing::debug!(cosine = c, attack = i, "nearest known attack");
                (c, i)
            })
    }
}

/// The scanners `--only` names (all of them by default), the injection
/// scanner with the similarity check when asked for.
fn scanners(args: &GuardScanArgs, printer: Printer) -> Result<ScannerSet, CliError> {
    let only = &args.only;
    let all = only.is_empty();
    let mut set = ScannerSet::new();
    if all || only.contains(&ScannerName::Pii) {
        set = set.with(PiiScanner::new());
    }
    if all || only.contains(&ScannerName::Secrets) {
        set = set.with(SecretScanner::new());
    }
    if all || only.contains(&ScannerName::Injection) {
        set = set.with(if args.similarity {
            let known = KnownAttacks::load(printer)?;
            InjectionScanner::with_similarity(Box::new(known), args.similarity_threshold)
        } else {
            InjectionScanner::new()
        });
    }
    Ok(set)
}

/// Checks a `--min-score` value.
pub(crate) fn min_score(given: Option<f32>) -> Result<f32, CliError> {
    match given {
        None => Ok(DEFAULT_MIN_SCORE),
        Some(s) if (0.0..=1.0).contains(&s) => Ok(s),
        Some(s) => Err(CliError::Usage(format!(
            "--min-score {s} is outside 0 to 1"
        ))),
    }
}

fn scan(
    args: &GuardScanArgs,
    global: &GlobalArgs,
    printer: Printer,
) -> Result<ExitStatus, CliError> {
    if let Some(policy) = &args.policy {
        return scan_with_policy(args, policy, global, printer);
    }
    let min = min_score(args.min_score)?;
    let set = scanners(args, printer)?;
    let mut flagged = false;
    match read_input(&args.source)? {
        Input::Lines(lines) => {
            for (id, text) in lines {
                let report = Report::new(&set, &text, min);
                flagged |= !report.findings.is_empty();
                printer.json_line(&report.to_json(&text, Some(id), false, args.reveal));
            }
        }
        Input::Whole(file) => {
            let text = &file.text;
            let report = Report::new(&set, text, min);
            flagged = !report.findings.is_empty();
            if args.json.json {
                printer.json(&report.to_json(text, None, true, args.reveal));
            } else {
                print_findings(&report.findings, &file, args.reveal, printer);
            }
        }
    }
    Ok(if flagged {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// The findings on one text at or above the minimum score, and the text's
/// injection score (the best injection finding's, whatever the minimum).
pub(crate) struct Report {
    pub findings: Vec<Finding>,
    pub injection_score: f32,
}

impl Report {
    pub fn new(set: &ScannerSet, text: &str, min: f32) -> Report {
        let mut findings = set.scan(text);
        let injection_score = findings
            .iter()
            .filter(|f| f.category == Category::Injection)
            .map(|f| f.score)
            .fold(0.0, f32::max);
        findings.retain(|f| f.score >= min);
        Report {
            findings,
            injection_score,
        }
    }

    pub fn to_json(&self, text: &str, id: Option<Value>, whole_file: bool, reveal: bool) -> Value {
        let lines = whole_file.then(|| LineIndex::new(text));
        let findings: Vec<Value> = self
            .findings
            .iter()
            .map(|f| finding_json(f, text, lines.as_ref(), reveal))
            .collect();
        let mut out = json!({
            "flagged": !self.findings.is_empty(),
            "injection_score": self.injection_score,
            "findings": findings,
        });
        if let (Some(id), Some(o)) = (id, out.as_object_mut()) {
            o.insert("id".into(), id);
        }
        out
    }
}

/// One finding as JSON: byte offsets, and line/column when the text is a file.
pub(crate) fn finding_json(
    f: &Finding,
    text: &str,
    lines: Option<&LineIndex>,
    reveal: bool,
) -> Value {
    let mut v = json!({
        "category": f.category,
        "entity": f.entity,
        "start": f.start,
        "end": f.end,
        "score": f.score,
        "reason": f.reason,
        "text": shown(f, text, reveal),
    });
    if let (Some(lines), Some(o)) = (lines, v.as_object_mut()) {
        let (line, col) = lines.line_col(text, f.start);
        o.insert("line".into(), json!(line));
        o.insert("column".into(), json!(col));
    }
    v
}

/// The matched text as shown to a person: PII and secrets masked unless
/// `--reveal`, so a scan log in CI does not itself leak what it found.
pub(crate) fn shown(f: &Finding, text: &str, reveal: bool) -> String {
    let piece = text.get(f.span()).unwrap_or("");
    let sensitive = matches!(f.category, Category::Pii | Category::Secret);
    let piece: String = if sensitive && !reveal {
        mask(piece)
    } else {
        piece.to_string()
    };
    const MAX: usize = 80;
    if piece.chars().count() > MAX {
        let cut: String = piece.chars().take(MAX).collect();
        format!("{cut}…")
    } else {
        piece
    }
}

/// Keeps the first and last two characters of a value of 8 or more, masks the rest.
fn mask(s: &str) -> String {
    let n = s.chars().count();
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            let keep = n >= 8 && (i < 2 || i + 2 >= n);
            if keep || c.is_whitespace() { c } else { '*' }
        })
        .collect()
}

fn print_findings(findings: &[Finding], file: &SourceFile, reveal: bool, printer: Printer) {
    let text = &file.text;
    let lines = LineIndex::new(text);
    for f in findings {
        let (line, col) = lines.line_col(text, f.start);
        printer.line(format!(
            "{}:{line}:{col}  {} {}  {:.2}  {}  {}",
            file.path.display(),
            f.category.as_str().dimmed(),
            f.entity.bold(),
            f.score,
            shown(f, text, reveal).yellow(),
            f.reason.dimmed(),
        ));
    }
    if findings.is_empty() {
        printer.line(format!("{} nothing found", "✔".green()));
    } else {
        let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
        for f in findings {
            *counts.entry(f.category.as_str()).or_default() += 1;
        }
        let parts: Vec<String> = counts.iter().map(|(c, n)| format!("{n} {c}")).collect();
        printer.line(format!(
            "{} {} finding{}: {}",
            "✘".red(),
            findings.len(),
            if findings.len() == 1 { "" } else { "s" },
            parts.join(", ")
        ));
    }
}

/// Line starts of a text, so many findings get line and column without
/// rescanning the text for each.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0).chain(memchr_newlines(text)).collect();
        LineIndex { starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let col = text.get(start..offset).map_or(0, |s| s.chars().count());
        (line, col + 1)
    }
}

fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes()
        .enumerate()
        .filter(|&(_, b)| b == b'\n')
        .map(|(i, _)| i + 1)
}

/// The operator `--operator` names; the hash salt comes from the environment.
fn operator(op: RedactOperator) -> Result<Operator, CliError> {
    Ok(match op {
        RedactOperator::Placeholder => Operator::Placeholder,
        RedactOperator::Mask => Operator::mask(),
        RedactOperator::Drop => Operator::Drop,
        RedactOperator::Hash => Operator::Hash {
            salt: std::env::var(SALT_ENV).ok().filter(|s| !s.is_empty()).ok_or_else(|| {
                CliError::Usage(format!(
                    "hash redaction needs a secret salt: set {SALT_ENV} (e.g. to the output of `openssl rand -hex 16`)"
                ))
            })?,
        },
    })
}

fn redact(args: &GuardRedactArgs, printer: Printer) -> Result<ExitStatus, CliError> {
    let min = min_score(args.min_score)?;
    let op = operator(args.operator)?;
    let pii = if args.entities.is_empty() {
        PiiScanner::new()
    } else {
        PiiScanner::with_entities(&args.entities.iter().map(String::as_str).collect::<Vec<_>>())
            .map_err(|e| CliError::Usage(e.to_string()))?
    };
    let set = ScannerSet::new().with(pii).with(SecretScanner::new());
    let one = |text: &str| {
        let mut findings = set.scan(text);
        findings.retain(|f| f.score >= min);
        // A fresh vault per text: placeholders number from 1 in each.
        let redacted = whet_guard::redact::redact(text, &findings, &op, &mut Vault::new());
        (redacted, findings)
    };
    match read_input(&args.source)? {
        Input::Lines(lines) => {
            for (id, text) in lines {
                let (redacted, findings) = one(&text);
                printer.json_line(
                    &json!({"id": id, "text": redacted, "redacted": entity_counts(&findings)}),
                );
            }
        }
        Input::Whole(file) => {
            let (redacted, findings) = one(&file.text);
            if args.json.json {
                printer.json(&json!({"text": redacted, "redacted": entity_counts(&findings)}));
            } else {
                printer.raw(&redacted);
                if !findings.is_empty() {
                    printer.note(&format!("redacted {}", summary_counts(&findings)));
                }
            }
        }
    }
    Ok(ExitStatus::Success)
}

/// How many findings of each entity, for `--json` (never the values).
fn entity_counts(findings: &[Finding]) -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for f in findings {
        *counts.entry(f.entity.to_string()).or_default() += 1;
    }
    counts
}

fn summary_counts(findings: &[Finding]) -> String {
    entity_counts(findings)
        .iter()
        .map(|(e, n)| format!("{n} {e}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `--policy`: the policy's input (or, with `--output`, output) rules on
/// each text; exit 1 when a rule blocks one.
fn scan_with_policy(
    args: &GuardScanArgs,
    policy: &str,
    global: &GlobalArgs,
    printer: Printer,
) -> Result<ExitStatus, CliError> {
    let project = super::project(global).ok();
    let guard = crate::policies::from_arg(project.as_ref(), policy)?;
    let check = |text: &str| {
        let mut vault = Vault::new();
        if args.output {
            guard.check_output(text, &OutputContext::default(), &mut vault)
        } else {
            guard.check_input(text, &mut vault)
        }
    };
    let mut blocked = false;
    let verdict_json = |v: &Verdict, text: &str, whole: bool| {
        let lines = whole.then(|| LineIndex::new(text));
        json!({
            "decision": v.decision,
            "summary": v.summary(),
            "findings": v.findings.iter().map(|rf| {
                let mut f = finding_json(&rf.finding, text, lines.as_ref(), args.reveal);
                if let Some(o) = f.as_object_mut() {
                    o.insert("rule".into(), json!(format!("{}[{}]", rf.side, rf.rule)));
                    o.insert("action".into(), json!(rf.action));
                }
                f
            }).collect::<Vec<_>>(),
            "text": v.text,
        })
    };
    match read_input(&args.source)? {
        Input::Lines(lines) => {
            for (id, text) in lines {
                let v = check(&text);
                blocked |= v.decision == Decision::Block;
                let mut out = verdict_json(&v, &text, false);
                if let Some(o) = out.as_object_mut() {
                    o.insert("id".into(), id);
                }
                printer.json_line(&out);
            }
        }
        Input::Whole(file) => {
            let v = check(&file.text);
            blocked = v.decision == Decision::Block;
            if args.json.json {
                printer.json(&verdict_json(&v, &file.text, true));
            } else {
                let findings: Vec<Finding> =
                    v.findings.iter().map(|rf| rf.finding.clone()).collect();
                print_findings(&findings, &file, args.reveal, printer);
                printer.line(v.summary());
            }
        }
    }
    Ok(if blocked {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
