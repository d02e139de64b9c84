//! A GitHub-flavoured markdown summary, sized for a pull-request comment:
//! the verdict in the heading, the numbers in tables, and the provenance
//! (which prompt versions, models, datasets and build) folded away at the
//! end. Every name that comes from a user file is escaped, so a split called
//! `a|b` or a variant with `<b>` in it cannot break a table or the page.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use whet_eval::record::{Comparison, GateVerdict, Role, RunMeta, Summary};

use crate::fmt as f;

/// The markdown summary of a run.
pub fn summary(
    meta: &RunMeta,
    summary: &Summary,
    comparison: Option<&Comparison>,
    gate: Option<&GateVerdict>,
) -> String {
    let mut out = headline(meta, summary, gate);
    out.push_str(&variants_table(meta, summary));
    if let Some(c) = comparison {
        out.push_str(&comparison_table(c));
    }
    if let Some(g) = gate {
        out.push_str(&gate_checks(g));
    }
    out.push_str(&metrics_table(summary));
    out.push_str(&splits_table(summary));
    out.push_str(&classification(summary));
    out.push_str(&provenance(meta));
    out
}

/// Escapes text for a table cell or a line of markdown: backslash-escapes
/// the punctuation that makes emphasis, links, code and table cells, turns
/// `<` and `&` into entities (no raw HTML or entity gets through) and
/// newlines into spaces. Callers never put escaped text at the start of a
/// line, where `#`, `>` or `-` would matter.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '|' | '*' | '_' | '[' | ']' | '`' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Inline code that survives backticks in the text: fenced with one more
/// backtick than the longest run inside.
fn code(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| {
            if c == '\n' || c == '|' || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect();
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

fn headline(meta: &RunMeta, summary: &Summary, gate: Option<&GateVerdict>) -> String {
    let mut out = String::new();
    match gate {
        Some(g) if g.passed => {
            let _ = writeln!(out, "## ✅ whet eval: gate passed\n");
            let _ = writeln!(out, "> {}\n", escape(&g.reason));
        }
        Some(g) => {
            let _ = writeln!(out, "## ❌ whet eval: gate failed\n");
            let _ = writeln!(out, "> {}\n", escape(&g.reason));
        }
        None => {
            let rates: Vec<String> = summary
                .variants
                .iter()
                .map(|v| f::pct(v.overall.pass_rate))
                .collect();
            let _ = writeln!(out, "## whet eval: {}\n", rates.join(" · "));
        }
    }
    let _ = writeln!(
        out,
        "{} · run {} · {} case{} × {} variant{}\n",
        code(&meta.suite.path),
        code(&meta.id),
        f::count(meta.cases),
        f::plural(meta.cases),
        meta.variants.len(),
        f::plural(meta.variants.len() as u64),
    );
    if let Some(d) = &meta.suite.description {
        let _ = writeln!(out, "{}\n", escape(d));
    }
    out
}

fn variants_table(meta: &RunMeta, summary: &Summary) -> String {
    let mut out = String::from(
        "| # | variant | pass rate | 95% CI | passed | errors | tokens in / out | cost | p50 | p95 | cache hits |\n\
         |---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for (i, v) in summary.variants.iter().enumerate() {
        let baseline = meta
            .variants
            .get(i)
            .is_some_and(|info| info.role == Role::Baseline);
        let _ = writeln!(
            out,
            "| {} | {}{} | **{}** | {} | {} | {} | {} / {} | {} | {} | {} | {} |",
            i + 1,
            escape(&v.name),
            if baseline { " *(baseline)*" } else { "" },
            f::pct(v.overall.pass_rate),
            f::pct_ci(v.overall.ci_low, v.overall.ci_high),
            f::fraction(&v.overall),
            v.overall.errors,
            f::count(v.input_tokens),
            f::count(v.output_tokens),
            f::usd(v.cost_usd + v.grading_cost_usd),
            f::ms(v.latency_p50_ms),
            f::ms(v.latency_p95_ms),
            f::count(v.cache_hits),
        );
    }
    out.push('\n');
    out
}

fn comparison_table(c: &Comparison) -> String {
    let mut out = format!(
        "### {} → {}\n\n{} paired case{}{}.\n\n",
        escape(&c.baseline),
        escape(&c.candidate),
        f::count(c.pairs),
        f::plural(c.pairs),
        if c.unpaired > 0 {
            format!(", {} unpaired (not compared)", f::count(c.unpaired))
        } else {
            String::new()
        },
    );
    out.push_str(
        "| metric | baseline | candidate | Δ | 95% CI | p | test | verdict |\n\
         |---|---:|---:|---:|---|---:|---|---|\n",
    );
    for d in &c.metrics {
        let [base, cand, delta, ci] = f::delta_cells(d);
        let verdict = match d.change {
            whet_eval::record::Change::Improved => "🟢 improved",
            whet_eval::record::Change::Regressed => "🔴 regressed",
            whet_eval::record::Change::NoChange => "⚪ no change",
        };
        let _ = writeln!(
            out,
            "| {} | {base} | {cand} | **{delta}** | {ci} | {} | {} | {verdict} |",
            escape(&d.metric),
            f::p_value(d.p_value),
            escape(&d.test),
        );
    }
    out.push('\n');
    out
}

fn gate_checks(g: &GateVerdict) -> String {
    let mut out = String::from("### Gate\n\n");
    for c in &g.checks {
        let _ = writeln!(
            out,
            "- {} {}: {}",
            if c.passed { "✅" } else { "❌" },
            code(&c.name),
            escape(&c.detail)
        );
    }
    out.push('\n');
    out
}

/// Header cells `#1 … #n` that refer back to the variants table.
fn variant_header(first: &str, n: usize) -> String {
    let mut head = format!("| {first} |");
    let mut rule = String::from("|---|");
    for i in 0..n {
        let _ = write!(head, " #{} |", i + 1);
        rule.push_str("---:|");
    }
    format!("{head}\n{rule}\n")
}

fn metrics_table(summary: &Summary) -> String {
    let names: BTreeSet<&str> = f::metric_names(summary);
    if names.is_empty() {
        return String::new();
    }
    let mut out = String::from("### Metrics\n\n");
    out.push_str(&variant_header("metric", summary.variants.len()));
    for name in names {
        let _ = write!(out, "| {} |", escape(name));
        for v in &summary.variants {
            match v.metrics.iter().find(|m| m.name == name) {
                Some(m) => {
                    let ci = f::score_ci(m.ci_low, m.ci_high);
                    let sep = if ci.is_empty() { "" } else { " " };
                    let _ = write!(out, " {}{sep}{ci} |", f::score(m.mean));
                }
                None => out.push_str(" |"),
            }
        }
        out.push('\n');
    }
    out.push('\n');
    out
}

fn splits_table(summary: &Summary) -> String {
    let names: BTreeSet<&str> = f::split_names(summary);
    if names.len() < 2 {
        return String::new();
    }
    let mut out = String::from("### Splits\n\n");
    out.push_str(&variant_header("split", summary.variants.len()));
    for name in names {
        let _ = write!(out, "| {} |", escape(name));
        for v in &summary.variants {
            match v.by_split.iter().find(|s| s.name == name) {
                Some(s) => {
                    let _ = write!(out, " {} ({}) |", f::pct(s.pass_rate), f::fraction(s));
                }
                None => out.push_str(" |"),
            }
        }
        out.push('\n');
    }
    out.push('\n');
    out
}

fn classification(summary: &Summary) -> String {
    let mut out = String::new();
    for (i, v) in summary.variants.iter().enumerate() {
        let Some(c) = &v.classification else { continue };
        let _ = writeln!(
            out,
            "<details><summary>Classification #{}: accuracy {} · macro-F1 {}</summary>\n",
            i + 1,
            f::pct(c.accuracy),
            c.macro_f1.map_or_else(|| "—".to_owned(), f::score),
        );
        out.push_str("| label | precision | recall | F1 | support |\n|---|---:|---:|---:|---:|\n");
        let opt = |x: Option<f64>| x.map_or_else(|| "—".to_owned(), f::score);
        for row in &c.per_label {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                escape(&row.label),
                opt(row.precision),
                opt(row.recall),
                opt(row.f1),
                row.support
            );
        }
        out.push_str("\n</details>\n\n");
    }
    out
}

fn provenance(meta: &RunMeta) -> String {
    let mut out = String::from("<details><summary>Provenance</summary>\n\n");
    out.push_str("| # | prompt | content hash | model | role |\n|---:|---|---|---|---|\n");
    for (i, v) in meta.variants.iter().enumerate() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            i + 1,
            escape(&f::prompt_ref(v)),
            code(f::short_hash(&v.content_hash)),
            escape(&f::model(v)),
            match v.role {
                Role::Baseline => "baseline",
                Role::Candidate => "candidate",
            }
        );
    }
    if !meta.datasets.is_empty() {
        out.push_str("\n| dataset | sha256 | rows |\n|---|---|---:|\n");
        for d in &meta.datasets {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                code(&d.path),
                code(f::short_hash(&d.sha256)),
                f::count(d.rows)
            );
        }
    }
    let _ = writeln!(
        out,
        "\n- run {} at {}\n- suite {} ({})\n- whet {} · commit {}\n- repeat {} · seed {} · cache {}",
        code(&meta.id),
        escape(&meta.created_at),
        code(&meta.suite.path),
        code(f::short_hash(&meta.suite.sha256)),
        escape(&meta.whet_version),
        meta.git_commit.as_deref().map_or_else(
            || "none (not a git repository)".to_owned(),
            |c| code(&f::commit(c))
        ),
        meta.options.repeat.max(1),
        meta.options.seed,
        escape(&meta.options.cache),
    );
    out.push_str("\n</details>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_keeps_tables_and_html_intact() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("<b>x</b> & 1 > 0"), "&lt;b>x&lt;/b> &amp; 1 > 0");
        assert_eq!(escape("line\nbreak"), "line break");
        assert_eq!(
            escape("**bold** [link](x)"),
            "\\*\\*bold\\*\\* \\[link\\](x)"
        );
    }

    #[test]
    fn code_spans_outfence_backticks() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x`"), "`` `x` ``");
    }
}
