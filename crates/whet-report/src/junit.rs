//! JUnit XML, for CI systems that show test results: one `<testsuite>` per
//! variant, one `<testcase>` per result, `<failure>` with the reasons of the
//! failed assertions, `<error>` for results that could not be graded.
//!
//! # Streaming
//!
//! A `<testsuite>` must hold its testcases and carries their counts in its
//! attributes, while a run's results come ordered by case, then variant:
//! variant 1's results are interleaved with variant 2's. Rather than buffer
//! a whole run, [`write`] takes the counts from the run's [`Summary`] (which
//! was built streaming) and a closure that yields the results again for one
//! variant at a time; it calls it once per variant, in order. A store
//! answers that with one query per variant (`WHERE variant = ?`); a caller
//! holding results in memory passes `|_| results.iter().cloned()`: results
//! of other variants are skipped, so a closure may always yield everything.
//! Memory stays at one result; the source is read once per variant.

use std::io::{BufWriter, Write};

use whet_eval::record::{CaseResult, Role, RunMeta, Summary, VariantInfo};

use crate::Error;
use crate::fmt as f;

/// Longest `message` attribute; the element's text has the whole reason.
const MESSAGE_CHARS: usize = 240;

/// Writes the JUnit XML of a run to `w`.
///
/// `results_of(variant)` must yield that variant's results (it may yield
/// others too; they are skipped). Suite counts come from `summary`, so they
/// describe every result even when the closure yields a subset.
pub fn write<W, F, I>(
    meta: &RunMeta,
    summary: &Summary,
    mut results_of: F,
    w: W,
) -> Result<(), Error>
where
    W: Write,
    F: FnMut(u32) -> I,
    I: IntoIterator<Item = CaseResult>,
{
    let mut w = BufWriter::new(w);
    let (tests, failures, errors) = summary.variants.iter().fold((0, 0, 0), |acc, v| {
        let o = &v.overall;
        (
            acc.0 + o.total,
            acc.1 + o.total - o.passed - o.errors,
            acc.2 + o.errors,
        )
    });
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<testsuites name="{}" tests="{tests}" failures="{failures}" errors="{errors}">"#,
        attr(&format!("whet eval {}", meta.suite.path)),
    )?;
    let repeats = meta.options.repeat.max(1);
    for (i, v) in summary.variants.iter().enumerate() {
        let Ok(index) = u32::try_from(i) else { break };
        let o = &v.overall;
        writeln!(
            w,
            r#"  <testsuite name="{}" id="{i}" tests="{}" failures="{}" errors="{}" skipped="0" timestamp="{}">"#,
            attr(&v.name),
            o.total,
            o.total - o.passed - o.errors,
            o.errors,
            attr(&meta.created_at),
        )?;
        if let Some(info) = meta.variants.get(i) {
            properties(&mut w, meta, info)?;
        }
        for r in results_of(index).into_iter().filter(|r| r.variant == index) {
            testcase(&mut w, meta, &r, repeats)?;
        }
        writeln!(w, "  </testsuite>")?;
    }
    writeln!(w, "</testsuites>")?;
    w.flush()?;
    Ok(())
}

fn properties(w: &mut impl Write, meta: &RunMeta, v: &VariantInfo) -> std::io::Result<()> {
    writeln!(w, "    <properties>")?;
    let role = match v.role {
        Role::Baseline => "baseline",
        Role::Candidate => "candidate",
    };
    let git = meta.git_commit.clone().unwrap_or_default();
    for (name, value) in [
        ("whet.run_id", meta.id.as_str()),
        ("whet.version", meta.whet_version.as_str()),
        ("whet.git_commit", git.as_str()),
        ("whet.prompt", &f::prompt_ref(v)),
        ("whet.content_hash", v.content_hash.as_str()),
        ("whet.model", &f::model(v)),
        ("whet.role", role),
    ] {
        writeln!(
            w,
            r#"      <property name="{name}" value="{}"/>"#,
            attr(value)
        )?;
    }
    writeln!(w, "    </properties>")
}

fn testcase(
    w: &mut impl Write,
    meta: &RunMeta,
    r: &CaseResult,
    repeats: u32,
) -> std::io::Result<()> {
    let time = r
        .latency_ms
        .filter(|ms| ms.is_finite() && *ms >= 0.0)
        .map_or(0.0, |ms| ms / 1000.0);
    let classname = r.split.as_deref().unwrap_or(&meta.suite.path);
    write!(
        w,
        r#"    <testcase name="{}" classname="{}" time="{time:.3}""#,
        attr(&f::case_name(r, repeats)),
        attr(classname),
    )?;
    if let Some(err) = &r.error {
        writeln!(w, ">")?;
        writeln!(
            w,
            r#"      <error message="{}" type="error">{}</error>"#,
            attr(&f::truncate(err, MESSAGE_CHARS)),
            text(err)
        )?;
        system_out(w, r)?;
    } else if !r.pass {
        writeln!(w, ">")?;
        let (message, body) = failure(r);
        writeln!(
            w,
            r#"      <failure message="{}" type="assertion">{}</failure>"#,
            attr(&f::truncate(&message, MESSAGE_CHARS)),
            text(&body)
        )?;
        system_out(w, r)?;
    } else {
        return writeln!(w, "/>");
    }
    writeln!(w, "    </testcase>")
}

/// The output of a failed or errored case, so CI shows what the model said.
fn system_out(w: &mut impl Write, r: &CaseResult) -> std::io::Result<()> {
    writeln!(w, "      <system-out>{}</system-out>", text(&r.output))
}

/// The failure's one-line message and its full text: every failed
/// assertion's reason, one per line.
fn failure(r: &CaseResult) -> (String, String) {
    let failed: Vec<String> = r
        .grades
        .iter()
        .filter(|g| !g.pass)
        .map(|g| {
            let name = g
                .metric
                .as_deref()
                .map_or_else(|| g.assertion.clone(), |m| format!("{} ({m})", g.assertion));
            format!("{name}: {}", g.reason)
        })
        .collect();
    if failed.is_empty() {
        let msg = format!("score {:.3} is below the case's threshold", r.score);
        return (msg.clone(), msg);
    }
    (failed[0].clone(), failed.join("\n"))
}

/// Escapes element text: markup characters become entities and characters
/// XML 1.0 forbids (C0 controls other than tab, newline and carriage
/// return, and U+FFFE/U+FFFF) become U+FFFD.
pub fn text(s: &str) -> String {
    escape(s, false)
}

/// Escapes an attribute value: as [`text`], plus quotes, and tab, newline
/// and carriage return as character references, which attribute-value
/// normalization would otherwise turn into spaces.
pub fn attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_forbidden_characters() {
        assert_eq!(text("a < b & c > d"), "a &lt; b &amp; c &gt; d");
        assert_eq!(text("bell\u{7}nul\u{0}"), "bell\u{FFFD}nul\u{FFFD}");
        assert_eq!(text("tab\tline\n"), "tab\tline\n");
        assert_eq!(text("cr\r"), "cr&#13;");
        assert_eq!(
            attr("say \"hi\"\n'x'"),
            "say &quot;hi&quot;&#10;&apos;x&apos;"
        );
        assert_eq!(text("\u{FFFF}é"), "\u{FFFD}é");
    }
}
