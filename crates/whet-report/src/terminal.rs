//! The scorecard `whet eval` prints when a run ends: one aligned table per
//! concern (variants, metrics, splits, classification, comparison) and the
//! gate's verdict last, where the eye lands.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use whet_eval::record::{Change, Comparison, GateVerdict, Role, RunMeta, Summary, VariantSummary};

use crate::fmt as f;
use crate::table::{Align, Cell, Style, Table, paint};

/// Longest variant name shown before it is cut with `…`.
const NAME_WIDTH: usize = 44;

/// The scorecard as text, with ANSI colours when `color` is true.
///
/// Variants are numbered `#1`, `#2`, ... in the first table; the metric and
/// split tables use those numbers as column headers, so long variant names
/// appear once.
pub fn scorecard(
    meta: &RunMeta,
    summary: &Summary,
    comparison: Option<&Comparison>,
    gate: Option<&GateVerdict>,
    color: bool,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}",
        paint("whet eval", Style::Bold, color),
        f::run_line(meta)
    );
    out.push('\n');
    out.push_str(&variants_table(meta, summary, color));
    for section in [
        metrics_table(summary, color),
        splits_table(summary, color),
        classification(summary, color),
        comparison
            .map(|c| comparison_table(c, color))
            .unwrap_or_default(),
        gate.map(|g| gate_lines(g, color)).unwrap_or_default(),
    ] {
        if !section.is_empty() {
            out.push('\n');
            out.push_str(&section);
        }
    }
    out
}

fn variants_table(meta: &RunMeta, summary: &Summary, color: bool) -> String {
    let mut t = Table::new(&[
        ("#", Align::Right),
        ("variant", Align::Left),
        ("pass rate", Align::Right),
        ("95% CI", Align::Left),
        ("passed", Align::Right),
        ("errors", Align::Right),
        ("tokens in/out", Align::Right),
        ("cost", Align::Right),
        ("p50", Align::Right),
        ("p95", Align::Right),
        ("cache", Align::Right),
    ]);
    for (i, v) in summary.variants.iter().enumerate() {
        let role = meta
            .variants
            .get(i)
            .filter(|info| info.role == Role::Baseline)
            .map_or("", |_| " (baseline)");
        let errors = v.overall.errors;
        t.row(vec![
            Cell::new(format!("{}", i + 1), Style::Dim),
            format!("{}{role}", f::truncate(&v.name, NAME_WIDTH)).into(),
            Cell::new(f::pct(v.overall.pass_rate), Style::Bold),
            Cell::new(f::pct_ci(v.overall.ci_low, v.overall.ci_high), Style::Dim),
            f::fraction(&v.overall).into(),
            Cell::new(
                errors.to_string(),
                if errors > 0 {
                    Style::Warn
                } else {
                    Style::Plain
                },
            ),
            format!("{}/{}", f::count(v.input_tokens), f::count(v.output_tokens)).into(),
            f::usd(v.cost_usd + v.grading_cost_usd).into(),
            f::ms(v.latency_p50_ms).into(),
            f::ms(v.latency_p95_ms).into(),
            f::count(v.cache_hits).into(),
        ]);
    }
    t.render("", color)
}

/// Rows are metrics, columns variants: `mean [ci]`, blank where a variant
/// has no such metric.
fn metrics_table(summary: &Summary, color: bool) -> String {
    let names: BTreeSet<&str> = f::metric_names(summary);
    if names.is_empty() {
        return String::new();
    }
    let mut t = Table::with_header(variant_columns("metric", summary));
    for name in names {
        let mut row = vec![Cell::from(name)];
        for v in &summary.variants {
            let cell = v
                .metrics
                .iter()
                .find(|m| m.name == name)
                .map_or_else(String::new, |m| {
                    let ci = f::score_ci(m.ci_low, m.ci_high);
                    if ci.is_empty() {
                        f::score(m.mean)
                    } else {
                        format!("{} {ci}", f::score(m.mean))
                    }
                });
            row.push(cell.into());
        }
        t.row(row);
    }
    t.render("", color)
}

/// Rows are splits, columns variants: `rate (passed/graded)`.
fn splits_table(summary: &Summary, color: bool) -> String {
    let names: BTreeSet<&str> = f::split_names(summary);
    // One split that is everything says nothing the first table did not.
    if names.len() < 2 {
        return String::new();
    }
    let mut t = Table::with_header(variant_columns("split", summary));
    for name in names {
        let mut row = vec![Cell::from(name)];
        for v in &summary.variants {
            let cell = v
                .by_split
                .iter()
                .find(|s| s.name == name)
                .map_or_else(String::new, |s| {
                    format!("{} ({})", f::pct(s.pass_rate), f::fraction(s))
                });
            row.push(cell.into());
        }
        t.row(row);
    }
    t.render("", color)
}

fn variant_columns(first: &str, summary: &Summary) -> Vec<(String, Align)> {
    std::iter::once((first.to_owned(), Align::Left))
        .chain((1..=summary.variants.len()).map(|i| (format!("#{i}"), Align::Left)))
        .collect()
}

fn classification(summary: &Summary, color: bool) -> String {
    let mut out = String::new();
    for (i, v) in summary.variants.iter().enumerate() {
        if let Some(text) = classification_of(i, v, color) {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&text);
        }
    }
    out
}

fn classification_of(i: usize, v: &VariantSummary, color: bool) -> Option<String> {
    let c = v.classification.as_ref()?;
    let mut out = format!(
        "{} #{} {} · accuracy {} · macro-F1 {}\n",
        paint("classification", Style::Bold, color),
        i + 1,
        f::truncate(&v.name, NAME_WIDTH),
        f::pct(c.accuracy),
        c.macro_f1.map_or_else(|| "—".to_owned(), f::score),
    );
    let mut t = Table::new(&[
        ("label", Align::Left),
        ("precision", Align::Right),
        ("recall", Align::Right),
        ("f1", Align::Right),
        ("support", Align::Right),
    ]);
    let opt = |x: Option<f64>| x.map_or_else(|| "—".to_owned(), f::score);
    for row in &c.per_label {
        t.row(vec![
            row.label.as_str().into(),
            opt(row.precision).into(),
            opt(row.recall).into(),
            opt(row.f1).into(),
            f::count(row.support).into(),
        ]);
    }
    out.push_str(&t.render("  ", color));
    Some(out)
}

fn comparison_table(c: &Comparison, color: bool) -> String {
    let mut out = format!(
        "{} {} → {} ({} pairs{})\n",
        paint("comparison", Style::Bold, color),
        c.baseline,
        c.candidate,
        f::count(c.pairs),
        if c.unpaired > 0 {
            format!(", {} unpaired", f::count(c.unpaired))
        } else {
            String::new()
        },
    );
    let mut t = Table::new(&[
        ("metric", Align::Left),
        ("baseline", Align::Right),
        ("candidate", Align::Right),
        ("Δ", Align::Right),
        ("95% CI", Align::Left),
        ("p", Align::Right),
        ("test", Align::Left),
        ("verdict", Align::Left),
    ]);
    for d in &c.metrics {
        let [base, cand, delta, ci] = f::delta_cells(d);
        let style = match d.change {
            Change::Improved => Style::Good,
            Change::Regressed => Style::Bad,
            Change::NoChange => Style::Plain,
        };
        t.row(vec![
            d.metric.as_str().into(),
            base.into(),
            cand.into(),
            Cell::new(delta, style),
            Cell::new(ci, Style::Dim),
            f::p_value(d.p_value).into(),
            Cell::new(d.test.clone(), Style::Dim),
            Cell::new(f::change(d), style),
        ]);
    }
    out.push_str(&t.render("  ", color));
    out
}

fn gate_lines(g: &GateVerdict, color: bool) -> String {
    let (mark, style) = if g.passed {
        ("✔", Style::Good)
    } else {
        ("✘", Style::Bad)
    };
    let mut out = format!(
        "{} {}\n",
        paint(mark, style, color),
        paint(&g.reason, Style::Bold, color)
    );
    let mut t = Table::new(&[("", Align::Left), ("check", Align::Left), ("", Align::Left)]);
    for check in &g.checks {
        let (mark, style) = if check.passed {
            ("✔", Style::Good)
        } else {
            ("✘", Style::Bad)
        };
        t.row(vec![
            Cell::new(mark, style),
            check.name.as_str().into(),
            Cell::new(check.detail.clone(), Style::Dim),
        ]);
    }
    // The checks read as a list under the verdict, without a header row.
    let table = t.render("  ", color);
    out.extend(table.lines().skip(1).map(|l| format!("{l}\n")));
    out
}
