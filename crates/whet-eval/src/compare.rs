//! Paired comparison of a candidate with a baseline over the same cases.
//!
//! # Pairing
//!
//! A baseline result and a candidate result form a pair when they share
//! [`CaseResult::case_key`] (the case's content) and
//! [`CaseResult::repeat`]; a key that occurs k times on both sides (two
//! identical rows) gives k pairs. Only a compact record of each baseline
//! result (pass, per-metric scores, cost, latency) is held, in a hash map;
//! candidate results stream past it. A pair where either side errored is
//! dropped ([`Compared::errored`]): an error is neither a pass nor a fail.
//! Results only one side has are counted in [`Comparison::unpaired`] (the
//! dataset changed between runs) and otherwise ignored. The pairs are put in
//! key order before any statistic, so the numbers do not depend on the order
//! the results arrive in (the store, a resumed run, shards).
//!
//! # Metrics and tests
//!
//! - `pass_rate`: McNemar's exact test and the paired bootstrap interval of
//!   the change, through [`whet_stats::compare_pass_fail`].
//! - every metric named by an assertion's `metric` (grades without one are
//!   part of the pass rate only), sorted by name: per case, the mean of
//!   that metric's grade scores in the case; compared over the pairs whose
//!   both sides graded it.
//! - `cost_usd` and `latency_ms`, where lower is better. Latency is left out
//!   (with a note) when any pair lacks it on either side: a mean over the
//!   pairs that have one would compare different cases. A cache hit costs 0,
//!   so cost is compared as spent; a note says how many pairs hit the cache.
//!
//! A numeric metric's p-value comes from the sign-flip permutation test
//! ([`whet_stats::sign_flip_test`]) when at most
//! [`SIGN_FLIP_MAX_NONZERO`] pairs differ: then every sign assignment is
//! counted, so the p-value is exact and tests the mean difference itself,
//! the same quantity as the bootstrap interval. With more, it comes from the
//! Wilcoxon signed-rank test ([`whet_stats::wilcoxon`], scipy's conventions),
//! which is deterministic (exact or normal, not Monte Carlo) and robust to
//! the outliers latency and cost have.
//!
//! Every interval is a paired bootstrap percentile interval at
//! [`CompareOptions::level`], seeded with [`CompareOptions::seed`] (the same
//! seed for every metric): the same inputs and seed give the same numbers.
//!
//! # Verdict
//!
//! A change is significant when p < 1 − level *and* the interval excludes 0;
//! a significant change in the better direction is [`Change::Improved`], in
//! the worse [`Change::Regressed`], anything else [`Change::NoChange`].
//!
//! # Power
//!
//! An unchanged pass rate on few cases is weak evidence. When McNemar's test
//! at this level would detect a change of [`CompareOptions::min_effect`] (or
//! the observed change, if larger) with less than 80% probability, a note
//! says what the cases can detect, e.g. `pass_rate: n=40 pairs can only
//! detect differences >= 23 points`.

use std::collections::{BTreeMap, HashMap};

use whet_stats::{
    BootstrapOptions, PermutationOptions, StatsError, WilcoxonOptions, compare_pass_fail,
    independent_discordant_rate, mcnemar_min_detectable_difference, mcnemar_underpowered,
    paired_bootstrap, sign_flip_test, wilcoxon,
};

use crate::record::{Better, CaseResult, Change, Comparison, MetricDelta, Role, RunMeta};

/// Most differing pairs for which a numeric metric is tested with the exact
/// sign-flip test rather than Wilcoxon's.
pub const SIGN_FLIP_MAX_NONZERO: usize = 20;

/// Power required before a comparison is called adequately powered.
const POWER: f64 = 0.8;

/// How to compare.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompareOptions {
    /// Seed of the bootstrap (default 0; record the run's seed).
    pub seed: u64,
    /// Confidence level of the intervals; significance is p < 1 − level
    /// (default 0.95).
    pub level: f64,
    /// Bootstrap resamples (default 10,000).
    pub resamples: usize,
    /// Smallest change in pass rate worth detecting; fewer pairs than that
    /// needs get a note (default 0.05, five points).
    pub min_effect: f64,
}

impl Default for CompareOptions {
    fn default() -> Self {
        Self {
            seed: 0,
            level: 0.95,
            resamples: 10_000,
            min_effect: 0.05,
        }
    }
}

/// A comparison and what a reader should know about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Compared {
    /// The numbers.
    pub comparison: Comparison,
    /// Pairs dropped because a side errored.
    pub errored: u64,
    /// Warnings, one line each: too few pairs to detect a meaningful
    /// change, latency left out, cache hits in the cost.
    pub notes: Vec<String>,
}

/// Why a comparison could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    /// A statistic refused its input (a non-finite score, bad options).
    #[error("cannot compare `{metric}`: {source}")]
    Stats {
        /// The metric.
        metric: String,
        /// What whet-stats said.
        #[source]
        source: StatsError,
    },
}

/// Compares `candidate` results with `baseline` results, pairing them by
/// case content and repeat (see the module docs). `names` are the baseline's
/// and the candidate's display names.
pub fn compare(
    baseline: impl Iterator<Item = CaseResult>,
    candidate: impl Iterator<Item = CaseResult>,
    names: (String, String),
    options: &CompareOptions,
) -> Result<Compared, CompareError> {
    let mut metrics = MetricNames::default();
    let base = index(baseline.map(|r| keyed(&r, &mut metrics)));
    let paired = pair_up(base, candidate.map(|r| keyed(&r, &mut metrics)));
    finish(paired, &metrics, names, options)
}

/// The (baseline, candidate) variant indices to compare inside one run:
/// each candidate variant with the baseline variant of the same model alias.
/// A candidate without one is not compared; a run without baseline variants
/// gives nothing.
pub fn pair_variants(meta: &RunMeta) -> Vec<(u32, u32)> {
    let with_role = |role: Role| {
        meta.variants
            .iter()
            .zip(0_u32..)
            .filter(move |(v, _)| v.role == role)
    };
    with_role(Role::Candidate)
        .filter_map(|(c, ci)| {
            with_role(Role::Baseline)
                .find(|(b, _)| b.model_alias == c.model_alias)
                .map(|(_, bi)| (bi, ci))
        })
        .collect()
}

/// Compares every pair of [`pair_variants`] over one run's results, in that
/// order. Both sides arrive interleaved, so both are held compactly.
pub fn compare_run(
    meta: &RunMeta,
    results: impl Iterator<Item = CaseResult>,
    options: &CompareOptions,
) -> Result<Vec<Compared>, CompareError> {
    let pairs = pair_variants(meta);
    let mut metrics = MetricNames::default();
    let mut by_variant: BTreeMap<u32, Vec<Keyed>> = pairs
        .iter()
        .flat_map(|&(b, c)| [(b, Vec::new()), (c, Vec::new())])
        .collect();
    for r in results {
        if let Some(list) = by_variant.get_mut(&r.variant) {
            list.push(keyed(&r, &mut metrics));
        }
    }
    let name = |i: u32| {
        meta.variants
            .get(i as usize)
            .map_or_else(|| format!("variant {i}"), |v| v.name.clone())
    };
    let mut out = Vec::with_capacity(pairs.len());
    for (b, c) in pairs {
        let base = index(by_variant.get(&b).into_iter().flatten().cloned());
        let cand = by_variant.get(&c).into_iter().flatten().cloned();
        let paired = pair_up(base, cand);
        out.push(finish(paired, &metrics, (name(b), name(c)), options)?);
    }
    Ok(out)
}

/// Metric names, interned: a compact result stores ids.
#[derive(Debug, Default)]
struct MetricNames {
    names: Vec<String>,
    ids: HashMap<String, u32>,
}

impl MetricNames {
    fn id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(name.to_owned());
        self.ids.insert(name.to_owned(), id);
        id
    }
}

/// What a comparison needs of one result.
#[derive(Debug, Clone)]
struct Outcome {
    pass: bool,
    error: bool,
    /// (metric id, mean score of its grades in the case), by id.
    scores: Vec<(u32, f64)>,
    cost: f64,
    latency: Option<f64>,
    cache_hit: bool,
}

type Key = (String, u32);
/// Baseline and candidate values of one metric, pair by pair.
type Columns = (Vec<f64>, Vec<f64>);
type Keyed = (Key, Outcome);

fn keyed(r: &CaseResult, metrics: &mut MetricNames) -> Keyed {
    let mut sums: Vec<(u32, f64, u32)> = Vec::new();
    for g in r.grades.iter().filter(|g| g.error.is_none()) {
        let Some(name) = g.metric.as_deref() else {
            continue;
        };
        let id = metrics.id(name);
        match sums.iter_mut().find(|(i, _, _)| *i == id) {
            Some(s) => {
                s.1 += g.score;
                s.2 += 1;
            }
            None => sums.push((id, g.score, 1)),
        }
    }
    sums.sort_unstable_by_key(|s| s.0);
    let outcome = Outcome {
        pass: r.pass,
        error: r.is_error(),
        scores: sums
            .into_iter()
            .map(|(id, sum, n)| (id, sum / f64::from(n)))
            .collect(),
        cost: r.cost_usd,
        latency: r.latency_ms,
        cache_hit: r.cache == "hit",
    };
    ((r.case_key.clone(), r.repeat), outcome)
}

/// The baseline side, by key; repeated keys keep their order.
fn index(results: impl Iterator<Item = Keyed>) -> HashMap<Key, Vec<Outcome>> {
    let mut map: HashMap<Key, Vec<Outcome>> = HashMap::new();
    for (k, o) in results {
        map.entry(k).or_default().push(o);
    }
    for list in map.values_mut() {
        list.reverse(); // popped from the back: first in, first paired
    }
    map
}

/// Paired values, in pairing order.
#[derive(Debug, Default)]
struct Paired {
    pass: (Vec<bool>, Vec<bool>),
    scores: HashMap<u32, Columns>,
    cost: Columns,
    latency: Columns,
    latency_missing: u64,
    cache_hits: u64,
    errored: u64,
    unpaired: u64,
}

/// Pairs the candidate results with the baseline's. The pairs are sorted
/// by key, so the numbers do not depend on the order results arrive in.
fn pair_up(mut base: HashMap<Key, Vec<Outcome>>, candidate: impl Iterator<Item = Keyed>) -> Paired {
    let mut p = Paired::default();
    let mut pairs = Vec::new();
    for (key, c) in candidate {
        let Some(b) = base.get_mut(&key).and_then(Vec::pop) else {
            p.unpaired += 1;
            continue;
        };
        if b.error || c.error {
            p.errored += 1;
            continue;
        }
        pairs.push((key, b, c));
    }
    p.unpaired += base.values().map(|v| v.len() as u64).sum::<u64>();
    drop(base);
    pairs.sort_unstable_by(|x, y| {
        x.0.cmp(&y.0)
            .then_with(|| x.1.order(&y.1))
            .then_with(|| x.2.order(&y.2))
    });
    for (_, b, c) in &pairs {
        p.add(b, c);
    }
    p
}

impl Outcome {
    /// A total order, to sort the pairs of identical cases.
    fn order(&self, other: &Self) -> std::cmp::Ordering {
        let latency = |o: &Self| o.latency.unwrap_or(f64::NEG_INFINITY);
        self.pass
            .cmp(&other.pass)
            .then(self.cost.total_cmp(&other.cost))
            .then(latency(self).total_cmp(&latency(other)))
            .then_with(|| {
                let ids = |o: &Self| o.scores.iter().map(|s| s.0).collect::<Vec<_>>();
                ids(self).cmp(&ids(other))
            })
            .then_with(|| {
                let mut scores = self.scores.iter().zip(&other.scores);
                scores
                    .find_map(|(a, b)| Some(a.1.total_cmp(&b.1)).filter(|o| o.is_ne()))
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
    }
}

impl Paired {
    fn add(&mut self, b: &Outcome, c: &Outcome) {
        push(&mut self.pass, b.pass, c.pass);
        push(&mut self.cost, b.cost, c.cost);
        match (b.latency, c.latency) {
            (Some(x), Some(y)) => push(&mut self.latency, x, y),
            _ => self.latency_missing += 1,
        }
        self.cache_hits += u64::from(b.cache_hit || c.cache_hit);
        for &(id, bs) in &b.scores {
            if let Ok(i) = c.scores.binary_search_by_key(&id, |s| s.0) {
                let cs = c.scores[i].1;
                push(self.scores.entry(id).or_default(), bs, cs);
            }
        }
    }
}

fn push<T>(v: &mut (Vec<T>, Vec<T>), b: T, c: T) {
    v.0.push(b);
    v.1.push(c);
}

fn finish(
    p: Paired,
    names: &MetricNames,
    (baseline, candidate): (String, String),
    options: &CompareOptions,
) -> Result<Compared, CompareError> {
    let n = p.pass.0.len();
    let mut notes = Vec::new();
    let mut metrics = Vec::new();
    if n == 0 {
        notes.push(format!(
            "no cases paired: {} unpaired, {} errored; nothing was compared",
            p.unpaired, p.errored
        ));
    } else {
        let (delta, note) = pass_rate(&p.pass.0, &p.pass.1, options)?;
        metrics.push(delta);
        notes.extend(note);
        let mut named: Vec<(&str, &Columns)> = p
            .scores
            .iter()
            .filter_map(|(id, v)| names.names.get(*id as usize).map(|s| (s.as_str(), v)))
            .collect();
        named.sort_unstable_by_key(|(name, _)| *name);
        for (name, (b, c)) in named {
            metrics.push(numeric(name, Better::Higher, b, c, options)?);
        }
        metrics.push(numeric(
            "cost_usd",
            Better::Lower,
            &p.cost.0,
            &p.cost.1,
            options,
        )?);
        if p.cache_hits > 0 {
            notes.push(format!(
                "cost_usd: {} of {n} pairs were served from the cache on a side (cost 0 there)",
                p.cache_hits
            ));
        }
        if p.latency_missing == 0 {
            let (b, c) = (&p.latency.0, &p.latency.1);
            metrics.push(numeric("latency_ms", Better::Lower, b, c, options)?);
        } else {
            notes.push(format!(
                "latency_ms: not compared, {} of {n} pairs lack a latency on a side",
                p.latency_missing
            ));
        }
    }
    Ok(Compared {
        comparison: Comparison {
            baseline,
            candidate,
            pairs: n as u64,
            unpaired: p.unpaired,
            metrics,
        },
        errored: p.errored,
        notes,
    })
}

fn bootstrap(options: &CompareOptions) -> BootstrapOptions {
    BootstrapOptions {
        resamples: options.resamples,
        level: options.level,
        seed: options.seed,
    }
}

fn stats_err(metric: &str) -> impl FnOnce(StatsError) -> CompareError + '_ {
    move |source| CompareError::Stats {
        metric: metric.to_owned(),
        source,
    }
}

/// `pass_rate` and, when the pairs are too few, a note saying so.
fn pass_rate(
    b: &[bool],
    c: &[bool],
    options: &CompareOptions,
) -> Result<(MetricDelta, Option<String>), CompareError> {
    let cmp = compare_pass_fail(b, c, &bootstrap(options)).map_err(stats_err("pass_rate"))?;
    let t = cmp.mcnemar;
    let d = cmp.difference;
    let delta = MetricDelta {
        metric: "pass_rate".into(),
        better: Better::Higher,
        baseline: t.baseline_rate(),
        candidate: t.candidate_rate(),
        delta: d.estimate,
        ci_low: d.lower,
        ci_high: d.upper,
        p_value: t.exact_p_value,
        test: "mcnemar-exact".into(),
        n: t.pairs(),
        change: change(
            Better::Higher,
            d.estimate,
            d.lower,
            d.upper,
            t.exact_p_value,
            options,
        ),
    };
    #[expect(clippy::cast_precision_loss, reason = "case counts are far below 2^52")]
    let observed_discordant = t.discordant() as f64 / t.pairs() as f64;
    let note = power_note(&delta, observed_discordant, options);
    Ok((delta, note))
}

/// "n=40 pairs can only detect differences >= 23 points", when McNemar's
/// test on these pairs has less than 80% power for `min_effect` (or the
/// observed change, if larger). Without discordant pairs the discordant rate
/// is guessed as if the runs were independent (pessimistic).
fn power_note(d: &MetricDelta, discordant: f64, options: &CompareOptions) -> Option<String> {
    if d.change != Change::NoChange {
        return None;
    }
    let psi = if discordant > 0.0 {
        discordant
    } else {
        independent_discordant_rate(d.baseline, d.candidate).ok()?
    };
    if psi <= 0.0 {
        return None;
    }
    let alpha = 1.0 - options.level;
    let claimed = d.delta.abs().max(options.min_effect);
    if !mcnemar_underpowered(d.n, claimed, psi, alpha, POWER).ok()? {
        return None;
    }
    let n = d.n;
    Some(
        match mcnemar_min_detectable_difference(n, psi, alpha, POWER).ok()? {
            Some(mdd) => format!(
                "pass_rate: n={n} pairs can only detect differences >= {:.0} points ({:.0}% power, {:.0}% of pairs discordant)",
                (mdd * 100.0).ceil(),
                POWER * 100.0,
                psi * 100.0
            ),
            None => format!(
                "pass_rate: n={n} pairs are too few to detect any difference in pass rate reliably"
            ),
        },
    )
}

/// A numeric metric: bootstrap interval, and the sign-flip or Wilcoxon test.
fn numeric(
    metric: &str,
    better: Better,
    b: &[f64],
    c: &[f64],
    options: &CompareOptions,
) -> Result<MetricDelta, CompareError> {
    let err = || stats_err(metric);
    let d = paired_bootstrap(b, c, &bootstrap(options)).map_err(err())?;
    let nonzero = b.iter().zip(c).filter(|(x, y)| x != y).count();
    let (p_value, test) = if nonzero <= SIGN_FLIP_MAX_NONZERO {
        let o = PermutationOptions {
            exact_max_pairs: SIGN_FLIP_MAX_NONZERO,
            seed: options.seed,
            ..PermutationOptions::default()
        };
        (
            sign_flip_test(b, c, &o).map_err(err())?.p_value,
            "sign-flip",
        )
    } else {
        let w = wilcoxon(b, c, &WilcoxonOptions::default()).map_err(err())?;
        (w.p_value, "wilcoxon")
    };
    Ok(MetricDelta {
        metric: metric.to_owned(),
        better,
        baseline: whet_stats::mean(b).map_err(err())?,
        candidate: whet_stats::mean(c).map_err(err())?,
        delta: d.estimate,
        ci_low: d.lower,
        ci_high: d.upper,
        p_value,
        test: test.into(),
        n: b.len() as u64,
        change: change(better, d.estimate, d.lower, d.upper, p_value, options),
    })
}

fn change(
    better: Better,
    delta: f64,
    lo: f64,
    hi: f64,
    p: f64,
    options: &CompareOptions,
) -> Change {
    let significant = p < 1.0 - options.level && (lo > 0.0 || hi < 0.0);
    let up = delta > 0.0;
    match (significant, better, up) {
        (false, _, _) => Change::NoChange,
        (true, Better::Higher, true) | (true, Better::Lower, false) => Change::Improved,
        (true, _, _) => Change::Regressed,
    }
}
