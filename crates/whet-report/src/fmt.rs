//! Number and name formatting shared by every renderer, so the terminal,
//! markdown and HTML reports print the same value the same way.

use std::collections::BTreeSet;

use whet_eval::record::{
    Better, CaseResult, Change, MetricDelta, PassCounts, RunMeta, Summary, VariantInfo,
    VariantSummary,
};

/// Characters of a hash shown in reports: enough to tell versions apart.
pub(crate) const SHORT_HASH: usize = 12;

/// `87.5%`; `—` when there is no rate.
pub(crate) fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_owned(), |x| format!("{:.1}%", x * 100.0))
}

/// `[80.4–92.3]` (percent); empty when either bound is missing.
pub(crate) fn pct_ci(lo: Option<f64>, hi: Option<f64>) -> String {
    match (lo, hi) {
        (Some(lo), Some(hi)) => format!("[{:.1}–{:.1}]", lo * 100.0, hi * 100.0),
        _ => String::new(),
    }
}

/// A score in [0, 1] with three decimals.
pub(crate) fn score(x: f64) -> String {
    format!("{x:.3}")
}

/// `[0.812–0.901]`; empty without an interval.
pub(crate) fn score_ci(lo: Option<f64>, hi: Option<f64>) -> String {
    match (lo, hi) {
        (Some(lo), Some(hi)) => format!("[{lo:.3}–{hi:.3}]"),
        _ => String::new(),
    }
}

/// `passed/graded` for a group, the denominator the rate uses.
pub(crate) fn fraction(p: &PassCounts) -> String {
    format!("{}/{}", p.passed, p.total - p.errors)
}

/// `12,345`.
pub(crate) fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// USD with enough digits for sub-cent local runs: `$0.0123`, `$12.34`.
pub(crate) fn usd(x: f64) -> String {
    if x == 0.0 {
        "$0".to_owned()
    } else if x.abs() < 0.01 {
        format!("${x:.4}")
    } else {
        format!("${x:.2}")
    }
}

/// `340 ms`, `1.25 s`; `—` when unknown.
pub(crate) fn ms(x: Option<f64>) -> String {
    match x {
        None => "—".to_owned(),
        Some(x) if x < 1000.0 => format!("{x:.0} ms"),
        Some(x) => format!("{:.2} s", x / 1000.0),
    }
}

/// A p-value: `<0.001` below that, else three decimals.
pub(crate) fn p_value(p: f64) -> String {
    if p < 0.001 {
        "<0.001".to_owned()
    } else {
        format!("{p:.3}")
    }
}

/// The first [`SHORT_HASH`] characters of a hash, without a `sha256:`
/// style prefix.
pub(crate) fn short_hash(h: &str) -> &str {
    let h = h.rsplit(':').next().unwrap_or(h);
    match h.char_indices().nth(SHORT_HASH) {
        Some((i, _)) => &h[..i],
        None => h,
    }
}

/// A git commit shortened, keeping the `-dirty` mark.
pub(crate) fn commit(c: &str) -> String {
    match c.strip_suffix("-dirty") {
        Some(sha) => format!("{}-dirty", short_hash(sha)),
        None => short_hash(c).to_owned(),
    }
}

/// How a metric's values read: pass rates in percent, cost in USD, latency
/// in ms, scores as decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Rate,
    Usd,
    Ms,
    Score,
}

impl Unit {
    pub(crate) fn of(metric: &str) -> Self {
        match metric {
            "pass_rate" => Self::Rate,
            "cost_usd" => Self::Usd,
            "latency_ms" => Self::Ms,
            _ => Self::Score,
        }
    }

    /// A value of the metric.
    pub(crate) fn value(self, x: f64) -> String {
        match self {
            Self::Rate => pct(Some(x)),
            Self::Usd => usd(x),
            Self::Ms => ms(Some(x)),
            Self::Score => score(x),
        }
    }

    /// A difference of two values, signed: `+7.5 pp`, `-$0.0012`, `+12 ms`.
    pub(crate) fn delta(self, d: f64) -> String {
        let sign = if d < 0.0 { "-" } else { "+" };
        let a = d.abs();
        match self {
            Self::Rate => format!("{sign}{:.1} pp", a * 100.0),
            Self::Usd => format!("{sign}{}", usd(a)),
            Self::Ms => format!("{sign}{a:.0} ms"),
            Self::Score => format!("{sign}{a:.3}"),
        }
    }

    /// `[+2.1, +12.9]` in the delta's unit, without the unit suffix.
    pub(crate) fn delta_ci(self, lo: f64, hi: f64) -> String {
        let f = |x: f64| match self {
            Self::Rate => format!("{x:+.1}"),
            Self::Usd => format!("{x:+.4}"),
            Self::Ms => format!("{x:+.0}"),
            Self::Score => format!("{x:+.3}"),
        };
        format!("[{}, {}]", f(lo), f(hi))
    }
}

/// The delta row's numbers as text: baseline, candidate, Δ, CI.
pub(crate) fn delta_cells(d: &MetricDelta) -> [String; 4] {
    let unit = Unit::of(&d.metric);
    let scale = if unit == Unit::Rate { 100.0 } else { 1.0 };
    [
        unit.value(d.baseline),
        unit.value(d.candidate),
        unit.delta(d.delta),
        unit.delta_ci(d.ci_low * scale, d.ci_high * scale),
    ]
}

/// The verdict of a delta in words.
pub(crate) fn change(d: &MetricDelta) -> &'static str {
    match d.change {
        Change::Improved => "improved",
        Change::Regressed => "regressed",
        Change::NoChange => "no change",
    }
}

/// `higher` or `lower`: which direction of the metric is better.
pub(crate) fn better(d: &MetricDelta) -> &'static str {
    match d.better {
        Better::Higher => "higher is better",
        Better::Lower => "lower is better",
    }
}

/// `NAME@VERSION`, `NAME:LABEL → VERSION`, or the reference for a working
/// copy.
pub(crate) fn prompt_ref(v: &VariantInfo) -> String {
    match (&v.version, &v.label) {
        (Some(ver), Some(label)) => format!("{}:{label} ({ver})", v.prompt),
        (Some(ver), None) => format!("{}@{ver}", v.prompt),
        (None, _) => format!("{} (working copy)", v.reference),
    }
}

/// `model-alias (provider/model)`.
pub(crate) fn model(v: &VariantInfo) -> String {
    if v.model_alias == v.model {
        format!("{} ({})", v.model_alias, v.provider)
    } else {
        format!("{} ({}/{})", v.model_alias, v.provider, v.model)
    }
}

/// The run in one line: suite, run id, cases and variants.
pub(crate) fn run_line(meta: &RunMeta) -> String {
    let repeat = meta.options.repeat.max(1);
    let mut s = format!(
        "{} · run {} · {} case{} × {} variant{}",
        meta.suite.path,
        meta.id,
        count(meta.cases),
        plural(meta.cases),
        meta.variants.len(),
        plural(meta.variants.len() as u64),
    );
    if repeat > 1 {
        s.push_str(&format!(" × {repeat} repeats"));
    }
    s
}

/// `s` unless there is exactly one.
pub(crate) fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The display name of a case: its description, else where it was read
/// from, with the scenario and (when repeated) the repeat.
pub(crate) fn case_name(r: &CaseResult, repeats: u32) -> String {
    let mut name = r.description.clone().unwrap_or_else(|| r.source.clone());
    if let Some(s) = &r.scenario {
        name.push_str(&format!(" [{s}]"));
    }
    if repeats > 1 {
        name.push_str(&format!(" #{}", r.repeat + 1));
    }
    name
}

/// Cuts `s` to at most `max` characters, marking the cut with `…`.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max.saturating_sub(1)) {
        Some((i, _)) if s[i..].chars().nth(1).is_some() => format!("{}…", &s[..i]),
        _ => s.to_owned(),
    }
}

/// Every metric name of any variant, sorted: the rows of a metrics table.
pub(crate) fn metric_names(summary: &Summary) -> BTreeSet<&str> {
    summary
        .variants
        .iter()
        .flat_map(|v| v.metrics.iter().map(|m| m.name.as_str()))
        .collect()
}

/// Every group name (split or tag) of any variant, sorted.
pub(crate) fn group_names<'s>(
    summary: &'s Summary,
    groups: impl Fn(&'s VariantSummary) -> &'s [PassCounts],
) -> BTreeSet<&'s str> {
    summary
        .variants
        .iter()
        .flat_map(|v| groups(v).iter().map(|s| s.name.as_str()))
        .collect()
}

/// Every split name of any variant, sorted.
pub(crate) fn split_names(summary: &Summary) -> BTreeSet<&str> {
    group_names(summary, |v| &v.by_split)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_get_thousands_separators() {
        let got: Vec<String> = [0, 12, 999, 1_000, 12_345, 1_234_567]
            .into_iter()
            .map(count)
            .collect();
        assert_eq!(got, ["0", "12", "999", "1,000", "12,345", "1,234,567"]);
    }

    #[test]
    fn deltas_are_signed_in_their_unit() {
        assert_eq!(Unit::Rate.delta(0.075), "+7.5 pp");
        assert_eq!(Unit::Rate.delta(-0.1), "-10.0 pp");
        assert_eq!(Unit::Usd.delta(-0.0012), "-$0.0012");
        assert_eq!(Unit::Ms.delta(12.4), "+12 ms");
        assert_eq!(Unit::Score.delta_ci(-0.01, 0.2), "[-0.010, +0.200]");
    }

    #[test]
    fn hashes_and_names_are_shortened() {
        assert_eq!(short_hash("sha256:0123456789abcdef"), "0123456789ab");
        assert_eq!(short_hash("abc"), "abc");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abcd", 4), "abcd");
        assert_eq!(truncate("ééééé", 3), "éé…");
    }

    #[test]
    fn latencies_and_costs_read_naturally() {
        assert_eq!(ms(Some(340.2)), "340 ms");
        assert_eq!(ms(Some(1250.0)), "1.25 s");
        assert_eq!(usd(0.0), "$0");
        assert_eq!(usd(0.01234), "$0.01");
        assert_eq!(usd(0.001234), "$0.0012");
        assert_eq!(p_value(0.0004), "<0.001");
    }
}
