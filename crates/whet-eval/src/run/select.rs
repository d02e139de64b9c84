//! Which cases a run evaluates: `--filter` expressions, `--sample N --seed S`,
//! and the stable key that pairs a case across runs.

use std::collections::HashMap;

use regex::Regex;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use whet_registry::sort_keys;
use whet_stats::rng::Xoshiro256StarStar;

use super::EvalError;
use crate::suite::{Case, Suite};

/// One `--filter` expression. A case must match every filter given; the
/// comma-separated values of one filter are alternatives.
#[derive(Debug, Clone)]
pub enum Filter {
    /// `split:golden,edge`.
    Split(Vec<String>),
    /// `tag:billing,refund`.
    Tag(Vec<String>),
    /// `re:PATTERN` (or a bare pattern): matches the description, the
    /// scenario name or the JSON text of the vars.
    Text(Regex),
}

impl Filter {
    /// Parses `split:A,B`, `tag:A,B`, `re:PATTERN` or a bare pattern.
    pub fn parse(s: &str) -> Result<Filter, EvalError> {
        let list = |v: &str| -> Result<Vec<String>, EvalError> {
            let items: Vec<String> = v
                .split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
                .collect();
            if items.is_empty() {
                return Err(EvalError::Usage(format!(
                    "filter `{s}` names nothing: write e.g. `split:golden` or `tag:billing,refund`"
                )));
            }
            Ok(items)
        };
        if let Some(v) = s.strip_prefix("split:") {
            return Ok(Filter::Split(list(v)?));
        }
        if let Some(v) = s.strip_prefix("tag:") {
            return Ok(Filter::Tag(list(v)?));
        }
        let pattern = s.strip_prefix("re:").unwrap_or(s);
        Regex::new(pattern).map(Filter::Text).map_err(|e| {
            EvalError::Usage(format!(
                "filter `{s}` is not a valid regex: {e}; use split:NAME, tag:NAME or re:PATTERN"
            ))
        })
    }

    /// Whether `case` passes this filter.
    pub fn matches(&self, case: &Case, scenario: Option<&str>) -> bool {
        let t = &case.test;
        match self {
            Filter::Split(names) => t.split.as_ref().is_some_and(|s| names.contains(s)),
            Filter::Tag(names) => t.tags.iter().any(|tag| names.contains(tag)),
            Filter::Text(re) => {
                t.description.as_deref().is_some_and(|d| re.is_match(d))
                    || scenario.is_some_and(|s| re.is_match(s))
                    || re.is_match(&Value::Object(t.vars.clone()).to_string())
            }
        }
    }
}

/// The selected cases, by their position in [`Suite::cases`].
#[derive(Debug, Clone)]
pub struct Selection {
    /// Positions (in suite order) of the selected cases, ascending.
    positions: Vec<u64>,
}

impl Selection {
    /// Applies `filters` then, with `sample`, draws that many cases without
    /// replacement using `seed`. Reads the suite's cases once.
    pub fn new(
        suite: &Suite,
        filters: &[Filter],
        sample: Option<u64>,
        seed: u64,
    ) -> Result<Selection, EvalError> {
        if filters.is_empty() && sample.is_none() {
            // Everything: the counts from parsing suffice, no need to read
            // the datasets again.
            return Ok(Selection {
                positions: (0..suite.case_count() as u64).collect(),
            });
        }
        let mut positions = Vec::new();
        for (pos, case) in suite.cases().enumerate() {
            let case = case.map_err(|d| EvalError::Dataset(Box::new(d)))?;
            let scenario = scenario_name(suite, &case);
            if filters.iter().all(|f| f.matches(&case, scenario)) {
                positions.push(pos as u64);
            }
        }
        if let Some(n) = sample.filter(|&n| n < positions.len() as u64) {
            // Partial Fisher-Yates: the first n slots become a uniform sample.
            let mut rng = Xoshiro256StarStar::seed_from_u64(seed);
            let len = positions.len() as u64;
            for i in 0..n {
                let j = i + rng.below(len - i);
                positions.swap(i as usize, j as usize);
            }
            positions.truncate(n as usize);
            positions.sort_unstable();
        }
        Ok(Selection { positions })
    }

    /// Number of selected cases.
    pub fn len(&self) -> u64 {
        self.positions.len() as u64
    }

    /// Whether nothing was selected.
    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }

    /// Streams `(index among the selected, case, key)` in suite order,
    /// reading datasets again one row at a time.
    pub fn cases<'s>(
        &'s self,
        suite: &'s Suite,
    ) -> impl Iterator<Item = Result<(u64, Case, String), EvalError>> + 's {
        let mut keys = CaseKeys::default();
        let mut next = 0usize;
        suite
            .cases()
            .enumerate()
            .map_while(move |(pos, case)| {
                let wanted = self.positions.get(next).copied()?;
                if pos as u64 != wanted {
                    return Some(None);
                }
                let index = next as u64;
                next += 1;
                Some(Some(case.map_err(|d| EvalError::Dataset(Box::new(d))).map(
                    |case| {
                        let key = keys.key(&case, scenario_name(suite, &case));
                        (index, case, key)
                    },
                )))
            })
            .flatten()
    }
}

/// A case's scenario name.
pub(crate) fn scenario_name<'s>(suite: &'s Suite, case: &Case) -> Option<&'s str> {
    case.scenario
        .and_then(|i| suite.scenarios.get(i))
        .map(|s| s.name.as_str())
}

/// Content keys of cases: sha256 over the merged vars, the expected value
/// and the scenario, so the same case pairs up across runs whatever was
/// filtered or sampled; a repeated identical case gets `#2`, `#3`, ...
#[derive(Debug, Default)]
struct CaseKeys {
    seen: HashMap<String, u32>,
}

impl CaseKeys {
    fn key(&mut self, case: &Case, scenario: Option<&str>) -> String {
        let canonical = json!({
            "vars": sort_keys(Value::Object(case.test.vars.clone())),
            "expected": case.test.expected.clone().map(sort_keys),
            "scenario": scenario,
        });
        let digest = Sha256::digest(canonical.to_string().as_bytes());
        let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        let n = self.seen.entry(hex.clone()).or_insert(0);
        *n += 1;
        if *n == 1 { hex } else { format!("{hex}#{n}") }
    }
}
