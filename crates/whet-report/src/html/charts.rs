//! Inline SVG charts drawn from the summary: pass rate per variant with its
//! 95% interval, pass rate per split, latency (p50 bar, p95 whisker) and
//! cost. Plain horizontal bars with the value written beside each, so a
//! chart reads without hovering, prints, and needs no script.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use whet_eval::record::Summary;

use super::esc;
use crate::fmt as f;

/// Tableau 10: distinct, colour-blind-aware, readable on white.
const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// The colour of variant `i`, the same in every chart and table.
pub(crate) fn color(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

const WIDTH: f64 = 660.0;
const LABEL_RIGHT: f64 = 234.0;
const X0: f64 = 242.0;
const X1: f64 = 500.0;
const VALUE_X: f64 = 508.0;
const ROW: f64 = 28.0;
const BAR: f64 = 14.0;
const TOP: f64 = 8.0;
const AXIS: f64 = 24.0;
/// Characters of a row label before it is cut (the full name is its
/// tooltip).
const LABEL_CHARS: usize = 34;
/// Splits drawn; the tables list every one.
const MAX_SPLITS: usize = 12;

/// Pass rate per variant, 0–100%, with the Wilson interval as a whisker.
pub(crate) fn pass_rates(summary: &Summary) -> String {
    let n = summary.variants.len();
    let height = TOP + ROW * n as f64 + AXIS;
    let mut svg = open(height, "Pass rate per variant with 95% interval");
    grid(&mut svg, height, 1.0, &[0.0, 0.25, 0.5, 0.75, 1.0], |x| {
        format!("{:.0}%", x * 100.0)
    });
    for (i, v) in summary.variants.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        label(
            &mut svg,
            y + ROW / 2.0,
            &format!("#{} {}", i + 1, v.name),
            false,
        );
        let o = &v.overall;
        if let Some(rate) = o.pass_rate {
            bar(
                &mut svg,
                y + (ROW - BAR) / 2.0,
                BAR,
                0.0,
                rate,
                1.0,
                color(i),
                &format!("{} {}", v.name, f::pct(Some(rate))),
            );
        }
        if let (Some(lo), Some(hi)) = (o.ci_low, o.ci_high) {
            whisker(&mut svg, y + ROW / 2.0, lo, hi, 1.0, BAR);
        }
        value(&mut svg, y + ROW / 2.0, &f::pct(o.pass_rate));
    }
    svg.push_str("</svg>");
    svg
}

/// Pass rate per split: one group per split, one bar per variant.
pub(crate) fn splits(summary: &Summary) -> String {
    let names: BTreeSet<&str> = f::split_names(summary);
    let names: Vec<&str> = names.into_iter().take(MAX_SPLITS).collect();
    let n = summary.variants.len().max(1);
    let bar_h = 11.0_f64;
    let gap = 3.0;
    let group_h = n as f64 * (bar_h + gap) + 12.0;
    let height = TOP + group_h * names.len() as f64 + AXIS;
    let mut svg = open(height, "Pass rate per split and variant");
    grid(&mut svg, height, 1.0, &[0.0, 0.25, 0.5, 0.75, 1.0], |x| {
        format!("{:.0}%", x * 100.0)
    });
    for (g, name) in names.iter().enumerate() {
        let y0 = TOP + group_h * g as f64 + 6.0;
        let mid = y0 + (n as f64 * (bar_h + gap) - gap) / 2.0;
        label(&mut svg, mid, name, true);
        for (i, v) in summary.variants.iter().enumerate() {
            let y = y0 + i as f64 * (bar_h + gap);
            let Some(s) = v.by_split.iter().find(|s| s.name == *name) else {
                continue;
            };
            if let Some(rate) = s.pass_rate {
                let tip = format!(
                    "{} · {} · {} ({})",
                    name,
                    v.name,
                    f::pct(Some(rate)),
                    f::fraction(s)
                );
                bar(&mut svg, y, bar_h, 0.0, rate, 1.0, color(i), &tip);
            }
            let _ = write!(
                svg,
                r#"<text class="v small" x="{VALUE_X}" y="{:.1}" dominant-baseline="middle">{}</text>"#,
                y + bar_h / 2.0,
                esc(&format!("{} ({})", f::pct(s.pass_rate), f::fraction(s)))
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Latency per variant: a bar to the median, a whisker on to p95.
pub(crate) fn latency(summary: &Summary) -> String {
    let max = summary
        .variants
        .iter()
        .filter_map(|v| v.latency_p95_ms.or(v.latency_p50_ms))
        .fold(0.0_f64, f64::max);
    let n = summary.variants.len();
    let height = TOP + ROW * n as f64 + AXIS;
    let mut svg = open(height, "Latency per variant: median bar, p95 whisker");
    let top = nice_ceiling(max);
    let marks = ticks(top);
    grid(&mut svg, height, top, &marks, |x| f::ms(Some(x)));
    for (i, v) in summary.variants.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        label(
            &mut svg,
            y + ROW / 2.0,
            &format!("#{} {}", i + 1, v.name),
            false,
        );
        if let Some(p50) = v.latency_p50_ms {
            bar(
                &mut svg,
                y + (ROW - BAR) / 2.0,
                BAR,
                0.0,
                p50,
                top,
                color(i),
                &format!("{} p50 {}", v.name, f::ms(Some(p50))),
            );
        }
        if let (Some(p50), Some(p95)) = (v.latency_p50_ms, v.latency_p95_ms) {
            whisker(&mut svg, y + ROW / 2.0, p50, p95, top, BAR);
        }
        let text = match (v.latency_p50_ms, v.latency_p95_ms) {
            (Some(a), Some(b)) => format!("{} · p95 {}", f::ms(Some(a)), f::ms(Some(b))),
            _ => "no latency recorded".to_owned(),
        };
        value(&mut svg, y + ROW / 2.0, &text);
    }
    svg.push_str("</svg>");
    svg
}

/// Cost per variant (model calls plus judges); when nothing was spent (a
/// local model, or every answer cached), tokens in and out instead.
pub(crate) fn cost(summary: &Summary) -> (String, String) {
    let costs: Vec<f64> = summary
        .variants
        .iter()
        .map(|v| v.cost_usd + v.grading_cost_usd)
        .collect();
    let max = costs.iter().copied().fold(0.0_f64, f64::max);
    let n = summary.variants.len();
    let height = TOP + ROW * n as f64 + AXIS;
    if max > 0.0 {
        let mut svg = open(height, "Cost per variant in USD");
        let top = nice_ceiling(max);
        let marks = ticks(top);
        grid(&mut svg, height, top, &marks, f::usd);
        for (i, (v, c)) in summary.variants.iter().zip(&costs).enumerate() {
            let y = TOP + ROW * i as f64;
            label(
                &mut svg,
                y + ROW / 2.0,
                &format!("#{} {}", i + 1, v.name),
                false,
            );
            bar(
                &mut svg,
                y + (ROW - BAR) / 2.0,
                BAR,
                0.0,
                *c,
                top,
                color(i),
                &format!("{} {}", v.name, f::usd(*c)),
            );
            value(&mut svg, y + ROW / 2.0, &f::usd(*c));
        }
        svg.push_str("</svg>");
        return ("Cost".to_owned(), svg);
    }
    let max = summary
        .variants
        .iter()
        .map(|v| (v.input_tokens + v.output_tokens) as f64)
        .fold(0.0_f64, f64::max);
    let mut svg = open(height, "Tokens per variant, prompt and generated");
    let top = nice_ceiling(max);
    let marks = ticks(top);
    grid(
        &mut svg,
        height,
        top,
        &marks,
        |x| f::count(x.round() as u64),
    );
    for (i, v) in summary.variants.iter().enumerate() {
        let y = TOP + ROW * i as f64 + (ROW - BAR) / 2.0;
        label(
            &mut svg,
            y + BAR / 2.0,
            &format!("#{} {}", i + 1, v.name),
            false,
        );
        let tin = v.input_tokens as f64;
        let tout = v.output_tokens as f64;
        bar(
            &mut svg,
            y,
            BAR,
            0.0,
            tin,
            top,
            color(i),
            &format!("{} prompt tokens", f::count(v.input_tokens)),
        );
        let _ = write!(svg, r#"<g opacity="0.45">"#);
        bar(
            &mut svg,
            y,
            BAR,
            tin,
            tin + tout,
            top,
            color(i),
            &format!("{} generated tokens", f::count(v.output_tokens)),
        );
        svg.push_str("</g>");
        value(
            &mut svg,
            y + BAR / 2.0,
            &format!(
                "{} in / {} out",
                f::count(v.input_tokens),
                f::count(v.output_tokens)
            ),
        );
    }
    svg.push_str("</svg>");
    ("Tokens (no cost recorded)".to_owned(), svg)
}

fn open(height: f64, title: &str) -> String {
    format!(
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height:.0}" width="100%" role="img" aria-label="{t}" preserveAspectRatio="xMinYMin meet"><title>{t}</title>"#,
        t = esc(title)
    )
}

fn x_of(v: f64, max: f64) -> f64 {
    if max <= 0.0 {
        return X0;
    }
    X0 + (X1 - X0) * (v / max).clamp(0.0, 1.0)
}

fn grid(svg: &mut String, height: f64, max: f64, ticks: &[f64], fmt: impl Fn(f64) -> String) {
    let bottom = height - AXIS + 2.0;
    for &t in ticks {
        let x = x_of(t, max);
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{bottom:.1}"/><text class="tick" x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            bottom + 13.0,
            esc(&fmt(t))
        );
    }
}

fn label(svg: &mut String, y: f64, text: &str, strong: bool) {
    let _ = write!(
        svg,
        r#"<text class="{}" x="{LABEL_RIGHT}" y="{y:.1}" text-anchor="end" dominant-baseline="middle"><title>{}</title>{}</text>"#,
        if strong { "lbl strong" } else { "lbl" },
        esc(text),
        esc(&f::truncate(text, LABEL_CHARS))
    );
}

#[expect(
    clippy::too_many_arguments,
    reason = "one drawing primitive, named at each call"
)]
fn bar(svg: &mut String, y: f64, h: f64, from: f64, to: f64, max: f64, fill: &str, tip: &str) {
    let (a, b) = (x_of(from, max), x_of(to, max));
    let _ = write!(
        svg,
        r#"<rect x="{a:.1}" y="{y:.1}" width="{:.1}" height="{h:.1}" rx="2" fill="{fill}"><title>{}</title></rect>"#,
        (b - a).max(0.0),
        esc(tip)
    );
}

fn whisker(svg: &mut String, y: f64, lo: f64, hi: f64, max: f64, h: f64) {
    let (a, b) = (x_of(lo, max), x_of(hi, max));
    let (t, u) = (y - h / 2.0 + 2.0, y + h / 2.0 - 2.0);
    let _ = write!(
        svg,
        r#"<path class="whisker" d="M{a:.1} {y:.1}H{b:.1}M{a:.1} {t:.1}V{u:.1}M{b:.1} {t:.1}V{u:.1}"/>"#
    );
}

fn value(svg: &mut String, y: f64, text: &str) {
    let _ = write!(
        svg,
        r#"<text class="v" x="{VALUE_X}" y="{y:.1}" dominant-baseline="middle">{}</text>"#,
        esc(text)
    );
}

/// Round ticks from 0 to `top` (a [`nice_ceiling`]): fifths, or quarters
/// when `top` is 2 × 10^k, so every step is 1, 2 or 5 × 10^j.
fn ticks(top: f64) -> Vec<f64> {
    let mantissa = top / 10_f64.powf(top.log10().floor());
    let n = if (mantissa - 2.0).abs() < 1e-9 { 4 } else { 5 };
    (0..=n).map(|k| top * f64::from(k) / f64::from(n)).collect()
}

/// The smallest 1, 2 or 5 × 10^k at or above `x` (1 for nothing), so axis
/// ticks land on round numbers.
fn nice_ceiling(x: f64) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return 1.0;
    }
    let magnitude = 10_f64.powf(x.log10().floor());
    for step in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if step * magnitude >= x {
            return step * magnitude;
        }
    }
    10.0 * magnitude
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_end_on_round_numbers() {
        let got: Vec<f64> = [0.0, 0.003, 1.0, 7.0, 120.0, 2400.0]
            .into_iter()
            .map(nice_ceiling)
            .collect();
        assert_eq!(got, [1.0, 0.005, 1.0, 10.0, 200.0, 2500.0]);
    }

    #[test]
    fn ticks_step_by_one_two_or_five() {
        let steps = |top: f64| {
            let t = ticks(top);
            (t.len() - 1, t[1])
        };
        assert_eq!(steps(1.0), (5, 0.2));
        assert_eq!(steps(200.0), (4, 50.0));
        assert_eq!(steps(2500.0), (5, 500.0));
        assert_eq!(steps(5.0), (5, 1.0));
    }
}
