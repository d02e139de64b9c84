//! The `gate:` and `coverage:` blocks of a suite (see the module docs of
//! [`crate::suite`] for their format).

use whet_registry::{Diagnostic, did_you_mean};
use whet_stats::RegressionRule;

use super::yaml::{Node, Yaml};
use super::{Reader, With};
use crate::coverage::CoverageSpec;
use crate::gate::Gate;

const GATE_KEYS: &[&str] = &[
    "min_pass_rate",
    "min_pass_rate_by_split",
    "min_pass_rate_by_tag",
    "max_regression",
    "regression_rule",
    "max_errors",
    "max_cost_usd",
    "max_latency_p95_ms",
    "min_coverage",
];
const COVERAGE_KEYS: &[&str] = &["intents", "splits"];
const RULES: &[&str] = &["significant", "non-inferiority"];

/// What a limit may be.
#[derive(Clone, Copy)]
enum Limit {
    /// A rate in [0, 1].
    Rate,
    /// Any number >= 0.
    NonNegative,
}

impl Reader {
    /// `gate:`; `None` when it is not a mapping.
    pub(super) fn gate(&mut self, node: &Node) -> Option<Gate> {
        let entries = self.map("gate", node)?;
        if entries.is_empty() {
            self.diags.push(
                Diagnostic::warning(
                    "empty-gate",
                    &self.file,
                    Some(node.span.clone()),
                    "the gate has no checks, so it always passes",
                )
                .with_label("empty gate")
                .with_help(format!(
                    "add a limit ({}) or remove `gate`",
                    GATE_KEYS.join(", ")
                )),
            );
        }
        let mut g = Gate::default();
        for (k, v) in self.keys(entries, GATE_KEYS, "`gate`") {
            match k {
                "min_pass_rate" => g.min_pass_rate = self.limit(k, v, Limit::Rate),
                "min_pass_rate_by_split" => {
                    g.min_pass_rate_by_split = self.limits(k, v, |_| Limit::Rate)
                }
                "min_pass_rate_by_tag" => {
                    g.min_pass_rate_by_tag = self.limits(k, v, |_| Limit::Rate)
                }
                "max_regression" => {
                    g.max_regression = self.limits(k, v, |metric| {
                        if metric == "pass_rate" {
                            Limit::Rate
                        } else {
                            Limit::NonNegative
                        }
                    });
                }
                "regression_rule" => g.regression_rule = self.rule(v).unwrap_or_default(),
                "max_errors" => g.max_errors = self.count(k, v),
                "max_cost_usd" | "max_latency_p95_ms" => {
                    let x = self.limit(k, v, Limit::NonNegative);
                    if k == "max_cost_usd" {
                        g.max_cost_usd = x;
                    } else {
                        g.max_latency_p95_ms = x;
                    }
                }
                _ => g.min_coverage = self.limit(k, v, Limit::Rate),
            }
        }
        Some(g)
    }

    /// `coverage:`; `None` when it is not a mapping.
    pub(super) fn coverage(&mut self, node: &Node) -> Option<CoverageSpec> {
        let entries = self.map("coverage", node)?;
        let mut spec = CoverageSpec::default();
        for (k, v) in self.keys(entries, COVERAGE_KEYS, "`coverage`") {
            let names = self.names(k, v);
            if names.is_empty() {
                let help = if k == "intents" {
                    "list the intents, or remove `intents` to use the labels of the suite's `choice` assertions"
                } else {
                    "list the splits every intent needs cases in, or remove `splits` for golden, edge, adversarial"
                };
                self.err(
                    "empty-list",
                    Some(v.span.clone()),
                    format!("`coverage.{k}` is empty"),
                )
                .with("nothing listed", help);
            } else if k == "intents" {
                spec.intents = names;
            } else {
                spec.splits = names;
            }
        }
        Some(spec)
    }

    /// A number within `limit`'s range.
    fn limit(&mut self, key: &str, node: &Node, limit: Limit) -> Option<f64> {
        let x = self.number(key, node)?;
        let (ok, range, label, help) = match limit {
            Limit::Rate => (
                (0.0..=1.0).contains(&x),
                "between 0 and 1",
                "not in [0, 1]",
                "write a rate as a fraction: 0.8 for 80%",
            ),
            Limit::NonNegative => (
                x >= 0.0,
                "at least 0",
                "negative",
                "a limit is a number >= 0",
            ),
        };
        if ok {
            return Some(x);
        }
        self.err(
            "out-of-range",
            Some(node.span.clone()),
            format!("`{key}` must be {range}, found {x}"),
        )
        .with(label, help);
        None
    }

    /// A mapping of names to limits, in file order.
    fn limits(
        &mut self,
        key: &str,
        node: &Node,
        limit: impl Fn(&str) -> Limit,
    ) -> Vec<(String, f64)> {
        let Some(entries) = self.map(key, node) else {
            return Vec::new();
        };
        let mut out: Vec<(String, f64)> = Vec::new();
        for (k, v) in entries {
            let Some(name) = k.as_str().filter(|s| !s.trim().is_empty()) else {
                self.err(
                    "wrong-type",
                    Some(k.span.clone()),
                    format!(
                        "keys of `{key}` must be non-empty names, found {}",
                        k.kind()
                    ),
                )
                .with(
                    "not a name",
                    "write the split, tag or metric name as the key",
                );
                continue;
            };
            if out.iter().any(|(n, _)| n == name) {
                self.err(
                    "duplicate-key",
                    Some(k.span.clone()),
                    format!("`{name}` appears twice in `{key}`"),
                )
                .with("second occurrence", "remove one of them");
                continue;
            }
            if let Some(x) = self.limit(&format!("{key}.{name}"), v, limit(name)) {
                out.push((name.to_owned(), x));
            }
        }
        out
    }

    /// A whole number >= 0.
    fn count(&mut self, key: &str, node: &Node) -> Option<u64> {
        match node.value {
            Yaml::Int(i) => match u64::try_from(i) {
                Ok(n) => Some(n),
                Err(_) => {
                    self.err(
                        "out-of-range",
                        Some(node.span.clone()),
                        format!("`{key}` must be at least 0, found {i}"),
                    )
                    .with("negative", "write 0 to allow no errors at all");
                    None
                }
            },
            _ => {
                self.wrong_type(key, node, "a whole number");
                None
            }
        }
    }

    fn rule(&mut self, node: &Node) -> Option<RegressionRule> {
        let s = self.string("regression_rule", node)?;
        match s.as_str() {
            "significant" => Some(RegressionRule::Significant),
            "non-inferiority" => Some(RegressionRule::NonInferiority),
            _ => {
                let help = match did_you_mean(&s, RULES.iter().copied()) {
                    Some(r) => format!("did you mean `{r}`? The rules are: {}", RULES.join(", ")),
                    None => format!("the rules are: {}", RULES.join(", ")),
                };
                self.err(
                    "unknown-value",
                    Some(node.span.clone()),
                    format!("unknown regression rule `{s}`"),
                )
                .with("not a rule", &help);
                None
            }
        }
    }

    /// A list of distinct non-empty names (a single name is a list of one).
    fn names(&mut self, key: &str, node: &Node) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for n in Self::list(node) {
            let name = match (&n.value, n.scalar_text()) {
                (Yaml::Null, _) | (_, None) => None,
                (_, Some(s)) => Some(s).filter(|s| !s.trim().is_empty()),
            };
            let Some(name) = name else {
                self.wrong_type(key, n, "a list of non-empty names");
                continue;
            };
            if out.contains(&name) {
                self.err(
                    "duplicate-value",
                    Some(n.span.clone()),
                    format!("`{name}` appears twice in `{key}`"),
                )
                .with("second occurrence", "remove one of them");
                continue;
            }
            out.push(name);
        }
        out
    }
}
