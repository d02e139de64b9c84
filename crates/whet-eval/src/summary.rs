//! Builds a run's [`Summary`] from its [`CaseResult`]s, one at a time.
//!
//! [`SummaryBuilder`] keeps counters per variant, split, tag, metric and
//! label, never the results themselves, so a run of any size is summarized in
//! one pass over the store or the runner's output. The only per-result memory
//! is one `f64` per latency and per graded metric value, which the
//! percentiles and the bootstrap need (about 8 bytes × results × metrics).
//!
//! The rules, so every number can be recomputed by hand:
//!
//! - an errored result counts in `total` and `errors` and nowhere else: not
//!   in pass rates, metric means or the confusion matrix. Tokens, cost and
//!   latency still count (the call was made and paid for);
//! - pass rates are `passed / (total - errors)` with the Wilson 95% interval;
//! - a grade's metric is its `metric`, else its assertion type; grades that
//!   could not be graded (`error`) are skipped. A metric whose scores are all
//!   0 or 1 gets the Wilson interval, any other the bootstrap percentile
//!   interval of the mean, seeded with the run's seed (above 20,000 values,
//!   the normal interval, which the bootstrap matches at that size);
//! - `choice` grades feed a confusion matrix: truth is the case's `expected`
//!   string (cases without one are skipped), prediction the grade's `label`,
//!   or `(none)` when the output was none of the labels. An `expected` that
//!   equals a predicted label ignoring case is spelled as that label, as the
//!   assertion itself compares. `(none)` is a row of the matrix but not a
//!   class: macro-F1 averages the real labels only, so off-format answers
//!   are penalized through the recall of the label they missed, not again
//!   as a class of their own.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use whet_stats::{BootstrapOptions, ConfusionMatrix};

use crate::record::{
    CaseResult, ClassificationSummary, LabelRow, MetricSummary, PassCounts, RunMeta, Summary,
    VariantSummary,
};

/// The pseudo-label of a `choice` output that is none of the labels, and the
/// split of cases that have none.
pub const NONE_LABEL: &str = "(none)";

/// Confidence level of every interval in a summary.
const LEVEL: f64 = 0.95;

/// Upper bound on bootstrap work per metric (resamples × values): 10,000
/// resamples up to 2,000 values, fewer beyond, never under 1,000.
const BOOTSTRAP_BUDGET: usize = 20_000_000;

/// Above this many values a metric's interval is the normal one (mean ±
/// z·sd/√n): at that size the bootstrap percentile interval agrees with it to
/// a few units in the fourth decimal, and would cost seconds per metric.
const NORMAL_ABOVE: usize = 20_000;

/// Accumulates [`CaseResult`]s into a [`Summary`] without keeping them.
#[derive(Debug)]
pub struct SummaryBuilder {
    seed: u64,
    variants: Vec<VariantAcc>,
}

impl SummaryBuilder {
    /// A builder for the variants of `meta`, in its order.
    pub fn new(meta: &RunMeta) -> Self {
        Self {
            seed: meta.options.seed,
            variants: meta
                .variants
                .iter()
                .map(|v| VariantAcc::new(v.name.clone()))
                .collect(),
        }
    }

    /// Counts one result. A result whose variant index is not in the run is
    /// logged and ignored (it cannot be attributed to anything).
    pub fn push(&mut self, r: &CaseResult) {
        let Some(acc) = usize::try_from(r.variant)
            .ok()
            .and_then(|i| self.variants.get_mut(i))
        else {
            tracing::warn!(
                variant = r.variant,
                case = r.case,
                "result names a variant the run does not have; left out of the summary"
            );
            return;
        };
        acc.push(r);
    }

    /// The summary of everything pushed.
    pub fn finish(self) -> Summary {
        let seed = self.seed;
        Summary {
            variants: self
                .variants
                .into_iter()
                .enumerate()
                .map(|(i, acc)| acc.finish(u32::try_from(i).unwrap_or(u32::MAX), seed))
                .collect(),
        }
    }
}

/// Summarizes `results` in one pass; [`SummaryBuilder`] spelled as a call.
pub fn summarize<'a>(meta: &RunMeta, results: impl IntoIterator<Item = &'a CaseResult>) -> Summary {
    let mut b = SummaryBuilder::new(meta);
    for r in results {
        b.push(r);
    }
    b.finish()
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    total: u64,
    passed: u64,
    errors: u64,
}

impl Counts {
    fn add(&mut self, r: &CaseResult) {
        self.total += 1;
        if r.is_error() {
            self.errors += 1;
        } else if r.pass {
            self.passed += 1;
        }
    }

    fn finish(self, name: String) -> PassCounts {
        let graded = self.total - self.errors;
        let ci = whet_stats::wilson(self.passed, graded, LEVEL).ok();
        PassCounts {
            name,
            total: self.total,
            passed: self.passed,
            errors: self.errors,
            pass_rate: ci.as_ref().map(|c| c.estimate),
            ci_low: ci.as_ref().map(|c| c.lower),
            ci_high: ci.as_ref().map(|c| c.upper),
        }
    }
}

#[derive(Debug)]
struct VariantAcc {
    name: String,
    overall: Counts,
    splits: BTreeMap<String, Counts>,
    tags: BTreeMap<String, Counts>,
    metrics: BTreeMap<String, Vec<f64>>,
    /// (expected, predicted) → count.
    confusion: HashMap<(String, String), u64>,
    input_tokens: u64,
    output_tokens: u64,
    cost_usd: f64,
    grading_cost_usd: f64,
    latencies: Vec<f64>,
    cache_hits: u64,
    agreement_sum: f64,
    agreement_n: u64,
}

impl VariantAcc {
    fn new(name: String) -> Self {
        Self {
            name,
            overall: Counts::default(),
            splits: BTreeMap::new(),
            tags: BTreeMap::new(),
            metrics: BTreeMap::new(),
            confusion: HashMap::new(),
            input_tokens: 0,
            output_tokens: 0,
            cost_usd: 0.0,
            grading_cost_usd: 0.0,
            latencies: Vec::new(),
            cache_hits: 0,
            agreement_sum: 0.0,
            agreement_n: 0,
        }
    }

    fn push(&mut self, r: &CaseResult) {
        self.overall.add(r);
        let split = r.split.as_deref().unwrap_or(NONE_LABEL);
        counts_for(&mut self.splits, split).add(r);
        let mut seen = BTreeSet::new();
        for tag in &r.tags {
            if seen.insert(tag.as_str()) {
                counts_for(&mut self.tags, tag).add(r);
            }
        }
        self.input_tokens += r.input_tokens;
        self.output_tokens += r.output_tokens;
        self.cost_usd += finite_or_zero(r.cost_usd);
        self.grading_cost_usd += finite_or_zero(r.grading_cost_usd);
        if let Some(ms) = r.latency_ms.filter(|ms| ms.is_finite()) {
            self.latencies.push(ms);
        }
        if r.cache == "hit" {
            self.cache_hits += 1;
        }
        if !r.is_error() {
            self.push_grades(r);
        }
    }

    fn push_grades(&mut self, r: &CaseResult) {
        let mut classified = false;
        for g in r.grades.iter().filter(|g| g.error.is_none()) {
            let name = g.metric.as_deref().unwrap_or(&g.assertion);
            if g.score.is_finite() {
                match self.metrics.get_mut(name) {
                    Some(v) => v.push(g.score),
                    None => {
                        self.metrics.insert(name.to_owned(), vec![g.score]);
                    }
                }
            }
            if let Some(a) = g.agreement.filter(|a| a.is_finite()) {
                self.agreement_sum += a;
                self.agreement_n += 1;
            }
            if g.assertion == "choice" && !classified {
                classified = true;
                if let Some(truth) = r.expected.as_ref().and_then(|e| e.as_str()) {
                    let predicted = g.label.as_deref().unwrap_or(NONE_LABEL);
                    *self
                        .confusion
                        .entry((truth.to_owned(), predicted.to_owned()))
                        .or_insert(0) += 1;
                }
            }
        }
    }

    fn finish(self, variant: u32, seed: u64) -> VariantSummary {
        let mut metrics: Vec<MetricSummary> = self
            .metrics
            .into_iter()
            .filter_map(|(name, values)| metric_summary(name, &values, seed))
            .collect();
        let classification = classification(self.confusion);
        if let Some(c) = &classification {
            let n = c.matrix.iter().flatten().sum();
            for (name, value) in [("accuracy", c.accuracy), ("macro_f1", c.macro_f1)] {
                if let Some(mean) = value
                    && !metrics.iter().any(|m| m.name == name)
                {
                    metrics.push(MetricSummary {
                        name: name.to_owned(),
                        count: n,
                        mean,
                        ci_low: None,
                        ci_high: None,
                    });
                }
            }
        }
        let pct = whet_stats::percentiles(&self.latencies, &[50.0, 95.0]).ok();
        VariantSummary {
            variant,
            overall: self.overall.finish(self.name.clone()),
            name: self.name,
            by_split: finish_groups(self.splits),
            by_tag: finish_groups(self.tags),
            metrics,
            classification,
            input_tokens: self.input_tokens,
            output_tokens: self.output_tokens,
            cost_usd: self.cost_usd,
            grading_cost_usd: self.grading_cost_usd,
            latency_p50_ms: pct.as_ref().and_then(|p| p.first().copied()),
            latency_p95_ms: pct.as_ref().and_then(|p| p.get(1).copied()),
            cache_hits: self.cache_hits,
            judge_agreement: (self.agreement_n > 0)
                .then(|| self.agreement_sum / self.agreement_n as f64),
        }
    }
}

fn counts_for<'a>(map: &'a mut BTreeMap<String, Counts>, key: &str) -> &'a mut Counts {
    map.entry(key.to_owned()).or_default()
}

fn finish_groups(groups: BTreeMap<String, Counts>) -> Vec<PassCounts> {
    groups.into_iter().map(|(name, c)| c.finish(name)).collect()
}

fn finite_or_zero(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

/// Mean and 95% interval of one metric's scores: Wilson when every score is
/// 0 or 1 (the mean is then a proportion), the seeded bootstrap otherwise.
fn metric_summary(name: String, values: &[f64], seed: u64) -> Option<MetricSummary> {
    let mean = whet_stats::mean(values).ok()?;
    let binary = values.iter().all(|&v| v == 0.0 || v == 1.0);
    let ci = if binary {
        let ones = values.iter().filter(|&&v| v == 1.0).count() as u64;
        whet_stats::wilson(ones, values.len() as u64, LEVEL).ok()
    } else if values.len() > NORMAL_ABOVE {
        normal_interval(mean, values)
    } else {
        let options = BootstrapOptions {
            resamples: (BOOTSTRAP_BUDGET / values.len()).clamp(1_000, 10_000),
            level: LEVEL,
            seed,
        };
        whet_stats::bootstrap_mean(values, &options).ok()
    };
    Some(MetricSummary {
        name,
        count: values.len() as u64,
        mean,
        ci_low: ci.as_ref().map(|c| c.lower),
        ci_high: ci.as_ref().map(|c| c.upper),
    })
}

/// The normal-approximation 95% interval of a mean.
fn normal_interval(mean: f64, values: &[f64]) -> Option<whet_stats::Interval> {
    let sd = whet_stats::std_dev(values).ok()?;
    let half =
        whet_stats::dist::normal_quantile(0.5 + LEVEL / 2.0) * sd / (values.len() as f64).sqrt();
    Some(whet_stats::Interval {
        estimate: mean,
        lower: mean - half,
        upper: mean + half,
        level: LEVEL,
    })
}

/// The classification summary of (expected, predicted) counts; `None` when
/// no case was classified.
fn classification(confusion: HashMap<(String, String), u64>) -> Option<ClassificationSummary> {
    if confusion.is_empty() {
        return None;
    }
    // Spell each expected label as the assertion did when it predicted it.
    let spelling: HashMap<String, String> = confusion
        .keys()
        .filter(|(_, p)| p != NONE_LABEL)
        .map(|(_, p)| (p.to_lowercase(), p.clone()))
        .collect();
    let mut counts: BTreeMap<(String, String), u64> = BTreeMap::new();
    for ((truth, predicted), n) in confusion {
        let truth = spelling
            .get(&truth.to_lowercase())
            .cloned()
            .unwrap_or(truth);
        *counts.entry((truth, predicted)).or_insert(0) += n;
    }
    let m = ConfusionMatrix::from_pairs(counts.iter().flat_map(|((e, p), &n)| {
        std::iter::repeat_n(
            (e.as_str(), p.as_str()),
            usize::try_from(n).unwrap_or(usize::MAX),
        )
    }));
    let per = m.per_label();
    let rows = m.rows();
    let per_label: Vec<LabelRow> = per
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let predicted: u64 = rows.iter().map(|r| r[i]).sum();
            LabelRow {
                label: l.label.clone(),
                precision: (predicted > 0).then_some(l.precision),
                recall: (l.support > 0).then_some(l.recall),
                f1: Some(l.f1),
                support: l.support,
            }
        })
        .collect();
    let classes: Vec<f64> = per
        .iter()
        .filter(|l| l.label != NONE_LABEL)
        .map(|l| l.f1)
        .collect();
    Some(ClassificationSummary {
        labels: m.labels().to_vec(),
        matrix: rows,
        per_label,
        accuracy: m.accuracy(),
        macro_f1: (!classes.is_empty()).then(|| classes.iter().sum::<f64>() / classes.len() as f64),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    use super::*;
    use crate::record::{
        DatasetInfo, GradeRecord, RECORD_VERSION, RunOptions, SuiteInfo, VariantInfo,
    };

    fn meta(variants: &[&str]) -> RunMeta {
        RunMeta {
            record_version: RECORD_VERSION,
            id: "run".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
            suite: SuiteInfo {
                path: "evals/x.yaml".into(),
                sha256: "0".repeat(64),
                description: None,
                format: "whet".into(),
            },
            datasets: vec![DatasetInfo {
                path: "d.jsonl".into(),
                sha256: "1".repeat(64),
                rows: 3,
            }],
            variants: variants
                .iter()
                .map(|n| VariantInfo {
                    name: (*n).into(),
                    role: crate::record::Role::Candidate,
                    prompt: "p".into(),
                    reference: "p".into(),
                    version: None,
                    label: None,
                    content_hash: "h".into(),
                    model_alias: "m".into(),
                    provider: "mock".into(),
                    model: "m".into(),
                    params: Value::Null,
                })
                .collect(),
            options: RunOptions {
                repeat: 1,
                filter: vec![],
                sample: None,
                seed: 7,
                cache: "off".into(),
                baseline_run: None,
            },
            cases: 3,
            whet_version: "0.1.0".into(),
            git_commit: None,
        }
    }

    fn result(variant: u32, case: u64, pass: bool) -> CaseResult {
        CaseResult {
            variant,
            case,
            repeat: 0,
            case_key: format!("k{case}"),
            description: None,
            split: None,
            tags: vec![],
            scenario: None,
            source: format!("d.jsonl:{}", case + 1),
            vars: Map::new(),
            expected: None,
            output: String::new(),
            tool_calls: vec![],
            error: None,
            pass,
            score: if pass { 1.0 } else { 0.0 },
            grades: vec![],
            input_tokens: 10,
            output_tokens: 2,
            cost_usd: 0.001,
            latency_ms: None,
            cache: "miss".into(),
            finish_reason: None,
            grading_cost_usd: 0.0,
        }
    }

    fn grade(assertion: &str, metric: Option<&str>, score: f64) -> GradeRecord {
        GradeRecord {
            assertion: assertion.into(),
            metric: metric.map(Into::into),
            pass: score >= 0.5,
            score,
            weight: 1.0,
            reason: String::new(),
            label: None,
            agreement: None,
            error: None,
        }
    }

    fn choice(expected: &str, predicted: Option<&str>) -> CaseResult {
        let mut r = result(0, 0, predicted == Some(expected));
        r.expected = Some(json!(expected));
        let mut g = grade("choice", None, f64::from(u8::from(r.pass)));
        g.label = predicted.map(Into::into);
        r.grades.push(g);
        r
    }

    #[test]
    fn pass_rate_excludes_errors_and_uses_wilson() {
        let m = meta(&["a"]);
        let mut rs: Vec<CaseResult> = (0..10).map(|i| result(0, i, i < 7)).collect();
        let mut e1 = result(0, 10, false);
        e1.error = Some("timeout".into());
        let mut e2 = result(0, 11, true);
        e2.error = Some("judge failed".into());
        rs.extend([e1, e2]);
        let s = summarize(&m, &rs);
        let o = &s.variants[0].overall;
        assert_eq!(
            (o.name.as_str(), o.total, o.passed, o.errors),
            ("a", 12, 7, 2)
        );
        assert_eq!(o.pass_rate, Some(0.7));
        let w = whet_stats::wilson(7, 10, 0.95).unwrap();
        assert_eq!((o.ci_low, o.ci_high), (Some(w.lower), Some(w.upper)));
        // Tokens and cost count every call, errored ones too.
        assert_eq!(s.variants[0].input_tokens, 120);
        assert!((s.variants[0].cost_usd - 0.012).abs() < 1e-12);
    }

    #[test]
    fn nothing_graded_has_no_rate() {
        let m = meta(&["a", "b"]);
        let mut r = result(0, 0, false);
        r.error = Some("boom".into());
        let s = summarize(&m, [&r]);
        assert_eq!(s.variants.len(), 2);
        let a = &s.variants[0].overall;
        assert_eq!(
            (a.total, a.errors, a.pass_rate, a.ci_low),
            (1, 1, None, None)
        );
        assert_eq!(s.variants[1].overall.total, 0);
        assert_eq!(s.variants[1].latency_p50_ms, None);
    }

    #[test]
    fn splits_and_tags_are_grouped_and_sorted() {
        let m = meta(&["a"]);
        let mk = |case, split: Option<&str>, tags: &[&str], pass| {
            let mut r = result(0, case, pass);
            r.split = split.map(Into::into);
            r.tags = tags.iter().map(|t| (*t).to_owned()).collect();
            r
        };
        let rs = [
            mk(0, Some("golden"), &["billing", "en"], true),
            mk(1, Some("golden"), &["billing", "billing"], false),
            mk(2, None, &["en"], true),
            mk(3, Some("edge"), &[], false),
        ];
        let s = summarize(&m, &rs);
        let v = &s.variants[0];
        let splits: Vec<(&str, u64, u64)> = v
            .by_split
            .iter()
            .map(|p| (p.name.as_str(), p.total, p.passed))
            .collect();
        assert_eq!(splits, [("(none)", 1, 1), ("edge", 1, 0), ("golden", 2, 1)]);
        let tags: Vec<(&str, u64, u64)> = v
            .by_tag
            .iter()
            .map(|p| (p.name.as_str(), p.total, p.passed))
            .collect();
        // A tag listed twice on one case counts that case once.
        assert_eq!(tags, [("billing", 2, 1), ("en", 2, 2)]);
    }

    #[test]
    fn latency_percentiles_follow_numpy_linear() {
        let m = meta(&["a"]);
        let rs: Vec<CaseResult> = [100.0, 200.0, 300.0, 400.0, f64::NAN]
            .iter()
            .enumerate()
            .map(|(i, &ms)| {
                let mut r = result(0, i as u64, true);
                r.latency_ms = Some(ms);
                r.cache = if i == 0 { "hit".into() } else { "miss".into() };
                r
            })
            .collect();
        let s = summarize(&m, &rs);
        let v = &s.variants[0];
        // n = 4: p50 at index 1.5 → 250; p95 at index 2.85 → 300 + 0.85 × 100.
        assert_eq!(v.latency_p50_ms, Some(250.0));
        assert!((v.latency_p95_ms.unwrap() - 385.0).abs() < 1e-9);
        assert_eq!(v.cache_hits, 1);
    }

    #[test]
    fn metrics_are_named_by_metric_or_type() {
        let m = meta(&["a"]);
        let mut r1 = result(0, 0, true);
        r1.grades = vec![
            grade("contains", None, 1.0),
            grade("rouge-n", Some("overlap"), 0.25),
        ];
        let mut r2 = result(0, 1, false);
        let mut broken = grade("llm-rubric", None, 0.0);
        broken.error = Some("judge timed out".into());
        r2.grades = vec![
            grade("contains", None, 0.0),
            grade("rouge-n", Some("overlap"), 0.75),
            broken,
        ];
        let s = summarize(&m, [&r1, &r2]);
        let names: Vec<(&str, u64, f64)> = s.variants[0]
            .metrics
            .iter()
            .map(|m| (m.name.as_str(), m.count, m.mean))
            .collect();
        assert_eq!(names, [("contains", 2, 0.5), ("overlap", 2, 0.5)]);
        // 0/1 scores: the Wilson interval of 1 out of 2.
        let w = whet_stats::wilson(1, 2, 0.95).unwrap();
        let contains = &s.variants[0].metrics[0];
        assert_eq!(
            (contains.ci_low, contains.ci_high),
            (Some(w.lower), Some(w.upper))
        );
        // Other scores: a bootstrap interval, inside the range of the values.
        let overlap = &s.variants[0].metrics[1];
        let (lo, hi) = (overlap.ci_low.unwrap(), overlap.ci_high.unwrap());
        assert!(
            (0.25..=0.5).contains(&lo) && (0.5..=0.75).contains(&hi),
            "{lo} {hi}"
        );
    }

    #[test]
    fn large_samples_use_the_normal_interval_and_agree_with_the_bootstrap() {
        // Scores 0.2, 0.4, 0.6, 0.8 repeated: mean 0.5.
        let values: Vec<f64> = (0..NORMAL_ABOVE + 4)
            .map(|i| 0.2 * (1 + i % 4) as f64)
            .collect();
        let normal = metric_summary("m".into(), &values, 1).unwrap();
        let n = values.len() as f64;
        let sd = whet_stats::std_dev(&values).unwrap();
        let half = 1.959_963_984_540_054 * sd / n.sqrt();
        assert!((normal.mean - 0.5).abs() < 1e-12);
        assert!((normal.ci_low.unwrap() - (0.5 - half)).abs() < 1e-9);
        assert!((normal.ci_high.unwrap() - (0.5 + half)).abs() < 1e-9);
        let boot = whet_stats::bootstrap_mean(
            &values,
            &BootstrapOptions {
                resamples: 2_000,
                level: LEVEL,
                seed: 1,
            },
        )
        .unwrap();
        assert!(
            (boot.lower - normal.ci_low.unwrap()).abs() < 5e-4,
            "{boot:?} {normal:?}"
        );
        assert!(
            (boot.upper - normal.ci_high.unwrap()).abs() < 5e-4,
            "{boot:?} {normal:?}"
        );
    }

    #[test]
    fn errored_results_do_not_feed_metrics() {
        let m = meta(&["a"]);
        let mut r = result(0, 0, false);
        r.error = Some("provider error".into());
        r.grades = vec![grade("contains", None, 0.0)];
        let s = summarize(&m, [&r]);
        assert!(s.variants[0].metrics.is_empty());
    }

    #[test]
    fn choice_builds_a_confusion_matrix() {
        let m = meta(&["a"]);
        let rs = [
            choice("refund", Some("refund")),
            choice("refund", Some("refund")),
            choice("refund", Some("card")),
            choice("card", Some("card")),
            choice("Card", None),
            choice("other", Some("refund")),
        ];
        let mut no_expected = choice("x", Some("card"));
        no_expected.expected = None;
        let s = summarize(&m, rs.iter().chain([&no_expected]));
        let c = s.variants[0].classification.as_ref().unwrap();
        // "Card" is spelled "card", as the assertion predicted it.
        assert_eq!(c.labels, ["(none)", "card", "other", "refund"]);
        assert_eq!(
            c.matrix,
            [[0, 0, 0, 0], [1, 1, 0, 0], [0, 0, 0, 1], [0, 1, 0, 2]]
        );
        assert_eq!(c.accuracy, Some(3.0 / 6.0));
        let row = |l: &str| c.per_label.iter().find(|r| r.label == l).unwrap();
        // card: tp 1, predicted 2, support 2.
        assert_eq!(
            (row("card").precision, row("card").recall),
            (Some(0.5), Some(0.5))
        );
        assert_eq!(row("card").f1, Some(0.5));
        // refund: tp 2, predicted 3 (one card, one other), support 3.
        assert_eq!(row("refund").precision, Some(2.0 / 3.0));
        assert_eq!(row("refund").recall, Some(2.0 / 3.0));
        // other: never predicted; precision undefined, recall 0.
        assert_eq!(
            (row("other").precision, row("other").recall),
            (None, Some(0.0))
        );
        // (none): predicted once, never expected.
        assert_eq!(
            (row("(none)").precision, row("(none)").recall),
            (Some(0.0), None)
        );
        assert_eq!(row("(none)").support, 0);
        // Macro-F1 over card, other, refund: (0.5 + 0 + 2/3) / 3.
        let macro_f1 = c.macro_f1.unwrap();
        assert!((macro_f1 - (0.5 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
        // Derived metrics are appended without an interval.
        let derived: Vec<(&str, u64, f64, Option<f64>)> = s.variants[0]
            .metrics
            .iter()
            .filter(|m| m.name != "choice")
            .map(|m| (m.name.as_str(), m.count, m.mean, m.ci_low))
            .collect();
        assert_eq!(
            derived,
            [("accuracy", 6, 0.5, None), ("macro_f1", 6, macro_f1, None)]
        );
    }

    #[test]
    fn variants_are_kept_apart_and_unknown_ones_ignored() {
        let m = meta(&["a", "b"]);
        let rs = [result(0, 0, true), result(1, 0, false), result(5, 0, true)];
        let s = summarize(&m, &rs);
        let got: Vec<(u32, &str, u64, u64)> = s
            .variants
            .iter()
            .map(|v| {
                (
                    v.variant,
                    v.name.as_str(),
                    v.overall.total,
                    v.overall.passed,
                )
            })
            .collect();
        assert_eq!(got, [(0, "a", 1, 1), (1, "b", 1, 0)]);
    }

    #[test]
    fn judge_agreement_is_the_mean_over_grades() {
        let m = meta(&["a"]);
        let mut r = result(0, 0, true);
        let mut g1 = grade("llm-rubric", None, 1.0);
        g1.agreement = Some(1.0);
        let mut g2 = grade("llm-rubric", None, 1.0);
        g2.agreement = Some(0.6);
        r.grades = vec![g1, g2, grade("contains", None, 1.0)];
        let s = summarize(&m, [&r]);
        assert!((s.variants[0].judge_agreement.unwrap() - 0.8).abs() < 1e-12);
    }
}
