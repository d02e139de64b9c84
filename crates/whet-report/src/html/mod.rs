//! One self-contained HTML file per run, to open from disk or attach to a
//! CI job: no network access at all (inline CSS and JS, no fonts, no CDN,
//! and a Content-Security-Policy that forbids any fetch), so it works from
//! `file://` and in an air-gapped review.
//!
//! # What is on the page
//!
//! Rust renders everything that comes from the [`Summary`]: the header with
//! provenance, the scorecard, the charts (inline SVG), the comparison's
//! delta table and gate checks, and the classification tables. The results
//! themselves are embedded as JSON and rendered by the page's script: a
//! filterable case × variant matrix, and for a chosen case the variants'
//! outputs side by side with their grades and a word-level diff between two
//! of them (a small Myers diff in the script, no library).
//!
//! # Untrusted text
//!
//! Model outputs, variables and reasons are untrusted: a model can be made
//! to write `</script>` or `<img onerror=...>`. Static HTML is escaped here;
//! the embedded JSON lives in `<script type="application/json">` with every
//! `<`, `>` and `&` written as `\u003c`, `\u003e`, `\u0026` (JSON escapes
//! that parse back to the same text), so nothing can end the script
//! element; and the script puts text into the page with `textContent` only.
//!
//! # Size
//!
//! The results stream in one by one; at most [`HtmlOptions::max_results`]
//! are embedded (the page says when it is capped; the summary still covers
//! every result), and long texts are cut to
//! [`HtmlOptions::max_text_chars`].
//!
//! # Self-check
//!
//! The script records its own errors (`window.onerror`,
//! `onunhandledrejection`, and a try/catch around initialization) and sets
//! `data-status` on `<html>` to `ready` when it has rendered, or to `error`
//! with the messages in `data-errors`. A headless browser test reads those.

mod charts;
mod sections;

use std::borrow::Cow;
use std::io::{self, BufWriter, Write};

use serde::Serialize;
use serde_json::Value;
use whet_eval::record::{
    CaseResult, Comparison, GateVerdict, GradeRecord, Role, RunMeta, Summary, ToolCallRecord,
};

use crate::Error;

const CSS: &str = include_str!("report.css");
const JS: &str = include_str!("report.js");

/// Installed first, in `<head>`, so errors anywhere on the page are kept.
const ERROR_HOOK: &str = r#"(function(){var errs=window.__whetErrors=[];function mark(){var h=document.documentElement;if(h.dataset.status!=="loading"){h.dataset.status="error";h.dataset.errors=errs.join("\n");}}window.__whetMark=mark;window.onerror=function(msg,src,line,col,err){errs.push(String(err&&err.stack||msg)+" ("+(src||"")+":"+(line||0)+")");mark();return false;};window.onunhandledrejection=function(e){errs.push("unhandled rejection: "+String(e&&e.reason));mark();};})();"#;

/// Limits of what a page embeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HtmlOptions {
    /// Results embedded for the case matrix (whole cases; the case that
    /// crosses the limit is kept whole). Default 20,000.
    pub max_results: usize,
    /// Characters kept of each output, variable and expected value; longer
    /// ones are cut and marked. Default 20,000.
    pub max_text_chars: usize,
}

impl Default for HtmlOptions {
    fn default() -> Self {
        Self {
            max_results: 20_000,
            max_text_chars: 20_000,
        }
    }
}

/// Writes the HTML report with the default [`HtmlOptions`].
pub fn write<W: Write>(
    meta: &RunMeta,
    summary: &Summary,
    comparison: Option<&Comparison>,
    gate: Option<&GateVerdict>,
    results: impl IntoIterator<Item = CaseResult>,
    w: W,
) -> Result<(), Error> {
    write_with(
        &HtmlOptions::default(),
        meta,
        summary,
        comparison,
        gate,
        results,
        w,
    )
}

/// Writes the HTML report. `results` are read once, in order, and at most
/// `options.max_results` of them (rounded up to a whole case) are consumed.
pub fn write_with<W: Write>(
    options: &HtmlOptions,
    meta: &RunMeta,
    summary: &Summary,
    comparison: Option<&Comparison>,
    gate: Option<&GateVerdict>,
    results: impl IntoIterator<Item = CaseResult>,
    w: W,
) -> Result<(), Error> {
    let mut w = BufWriter::new(w);
    w.write_all(sections::head(meta, gate, CSS, ERROR_HOOK).as_bytes())?;
    w.write_all(sections::body(meta, summary, comparison, gate).as_bytes())?;
    w.write_all(b"<script type=\"application/json\" id=\"whet-meta\">")?;
    serde_json::to_writer(ScriptSafe(&mut w), &page_meta(meta, summary))?;
    w.write_all(b"</script>\n<script type=\"application/json\" id=\"whet-cases\">")?;
    write_cases(options, results, &mut w)?;
    w.write_all(b"</script>\n<script>\n")?;
    w.write_all(JS.as_bytes())?;
    w.write_all(b"</script>\n</body>\n</html>\n")?;
    w.flush()?;
    Ok(())
}

/// What the script needs to know beyond the cases.
#[derive(Serialize)]
struct PageMeta<'a> {
    variants: Vec<PageVariant<'a>>,
    total_results: u64,
    repeats: u32,
}

#[derive(Serialize)]
struct PageVariant<'a> {
    name: &'a str,
    role: &'static str,
    color: &'static str,
}

fn page_meta<'a>(meta: &'a RunMeta, summary: &Summary) -> PageMeta<'a> {
    PageMeta {
        variants: meta
            .variants
            .iter()
            .enumerate()
            .map(|(i, v)| PageVariant {
                name: &v.name,
                role: match v.role {
                    Role::Baseline => "baseline",
                    Role::Candidate => "candidate",
                },
                color: charts::color(i),
            })
            .collect(),
        total_results: summary.variants.iter().map(|v| v.overall.total).sum(),
        repeats: meta.options.repeat.max(1),
    }
}

/// Streams `{"cases": [...], "embedded": N, "capped": bool}`, one case (all
/// its consecutive results) at a time.
fn write_cases(
    options: &HtmlOptions,
    results: impl IntoIterator<Item = CaseResult>,
    w: &mut impl Write,
) -> Result<(), Error> {
    let mut w = ScriptSafe(w);
    w.write_all(b"{\"cases\":[")?;
    let mut results = results.into_iter().peekable();
    let mut embedded = 0_usize;
    let mut first = true;
    let mut group: Vec<CaseResult> = Vec::new();
    while embedded < options.max_results {
        let Some(r) = results.next() else { break };
        let ends_case = results.peek().is_none_or(|next| next.case != r.case);
        group.push(r);
        if ends_case {
            embedded += group.len();
            if !first {
                w.write_all(b",")?;
            }
            first = false;
            w.write_all(b"\n")?;
            if let Some(head) = group.first() {
                serde_json::to_writer(&mut w, &case_out(head, &group, options.max_text_chars))?;
            }
            group.clear();
        }
    }
    let capped = results.peek().is_some();
    write!(w, "\n],\"embedded\":{embedded},\"capped\":{capped}}}")?;
    Ok(())
}

#[derive(Serialize)]
struct CaseOut<'a> {
    case: u64,
    description: Option<&'a str>,
    source: &'a str,
    split: Option<&'a str>,
    tags: &'a [String],
    scenario: Option<&'a str>,
    vars: Value,
    expected: Option<Value>,
    results: Vec<ResultOut<'a>>,
}

#[derive(Serialize)]
struct ResultOut<'a> {
    variant: u32,
    repeat: u32,
    status: &'static str,
    score: f64,
    output: Cow<'a, str>,
    /// The output's length in characters when it was cut.
    #[serde(skip_serializing_if = "Option::is_none")]
    output_chars: Option<usize>,
    error: Option<&'a str>,
    tool_calls: &'a [ToolCallRecord],
    grades: &'a [GradeRecord],
    latency_ms: Option<f64>,
    cost_usd: f64,
    input_tokens: u64,
    output_tokens: u64,
    cache: &'a str,
    finish_reason: Option<&'a str>,
}

/// One case's JSON from its results; the case fields are read from `head`,
/// the first of them.
fn case_out<'a>(head: &'a CaseResult, group: &'a [CaseResult], max_chars: usize) -> CaseOut<'a> {
    CaseOut {
        case: head.case,
        description: head.description.as_deref(),
        source: &head.source,
        split: head.split.as_deref(),
        tags: &head.tags,
        scenario: head.scenario.as_deref(),
        vars: clip_value(&Value::Object(head.vars.clone()), max_chars),
        expected: head.expected.as_ref().map(|e| clip_value(e, max_chars)),
        results: group
            .iter()
            .map(|r| {
                let (output, output_chars) = clip(&r.output, max_chars);
                ResultOut {
                    variant: r.variant,
                    repeat: r.repeat,
                    status: if r.is_error() {
                        "error"
                    } else if r.pass {
                        "pass"
                    } else {
                        "fail"
                    },
                    score: r.score,
                    output,
                    output_chars,
                    error: r.error.as_deref(),
                    tool_calls: &r.tool_calls,
                    grades: &r.grades,
                    latency_ms: r.latency_ms,
                    cost_usd: r.cost_usd,
                    input_tokens: r.input_tokens,
                    output_tokens: r.output_tokens,
                    cache: &r.cache,
                    finish_reason: r.finish_reason.as_deref(),
                }
            })
            .collect(),
    }
}

/// `s` cut to `max` characters, with its full length when cut.
fn clip(s: &str, max: usize) -> (Cow<'_, str>, Option<usize>) {
    match s.char_indices().nth(max) {
        Some((i, _)) => (Cow::Borrowed(&s[..i]), Some(s.chars().count())),
        None => (Cow::Borrowed(s), None),
    }
}

/// A copy of `v` with every string cut to `max` characters (marked with
/// `…`).
fn clip_value(v: &Value, max: usize) -> Value {
    match v {
        Value::String(s) => match clip(s, max) {
            (cut, Some(n)) => Value::String(format!("{cut}… [{n} characters]")),
            (_, None) => v.clone(),
        },
        Value::Array(a) => Value::Array(a.iter().map(|x| clip_value(x, max)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), clip_value(x, max)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Escapes text for HTML element content and quoted attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Writes JSON so that it can sit inside a `<script>` element: `<`, `>` and
/// `&` (which JSON only has inside strings) become `\u003c`, `\u003e` and
/// `\u0026`. They are ASCII, so replacing bytes never splits a character.
struct ScriptSafe<W>(W);

impl<W: Write> Write for ScriptSafe<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut start = 0;
        for (i, &b) in buf.iter().enumerate() {
            let escaped: &[u8] = match b {
                b'<' => b"\\u003c",
                b'>' => b"\\u003e",
                b'&' => b"\\u0026",
                _ => continue,
            };
            self.0.write_all(&buf[start..i])?;
            self.0.write_all(escaped)?;
            start = i + 1;
        }
        self.0.write_all(&buf[start..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_json_cannot_close_the_script() {
        let mut out = Vec::new();
        serde_json::to_writer(ScriptSafe(&mut out), &"</script><img src=x>&amp;").unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        let back: String = serde_json::from_str(&text).unwrap();
        assert_eq!(back, "</script><img src=x>&amp;");
    }

    #[test]
    fn clipping_counts_characters() {
        assert_eq!(clip("héllo", 2), (Cow::Borrowed("hé"), Some(5)));
        assert_eq!(clip("hé", 2), (Cow::Borrowed("hé"), None));
        let v = clip_value(&serde_json::json!({"a": ["xxxx", 1]}), 2);
        assert_eq!(v, serde_json::json!({"a": ["xx… [4 characters]", 1]}));
    }
}
