//! Confusion matrix and per-label precision, recall and F1.
//!
//! Conventions are scikit-learn's (`precision_recall_fscore_support` with
//! `zero_division=0`): a ratio whose denominator is zero is 0; F1 is
//! `2 tp / (2 tp + fp + fn)`; macro-F1 is the unweighted mean of the per-label
//! F1 over every label (including labels only ever predicted, never
//! expected); micro-F1 pools the counts of all labels, which for single-label
//! classification equals accuracy.

use std::collections::BTreeMap;

use serde::Serialize;

/// Counts of (expected, predicted) label pairs over a fixed, sorted label
/// set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfusionMatrix {
    labels: Vec<String>,
    /// Row-major, `labels.len()` squared: row = expected, column = predicted.
    counts: Vec<u64>,
}

/// Precision, recall and F1 of one label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelMetrics {
    /// The label.
    pub label: String,
    /// tp / (tp + fp): of the cases predicted as this label, the share that
    /// were.
    pub precision: f64,
    /// tp / (tp + fn): of the cases that were this label, the share found.
    pub recall: f64,
    /// Harmonic mean of precision and recall, 2 tp / (2 tp + fp + fn).
    pub f1: f64,
    /// Cases whose expected label is this one.
    pub support: u64,
}

impl ConfusionMatrix {
    /// The matrix of `pairs` of (expected, predicted) labels. The label set
    /// is every label seen on either side, sorted.
    ///
    /// ```
    /// use whet_stats::ConfusionMatrix;
    /// let m = ConfusionMatrix::from_pairs([("refund", "refund"), ("refund", "card"), ("card", "card")]);
    /// assert_eq!(m.labels(), ["card", "refund"]);
    /// assert_eq!(m.count("refund", "card"), 1);
    /// assert_eq!(m.accuracy(), Some(2.0 / 3.0));
    /// ```
    pub fn from_pairs<I, E, P>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (E, P)>,
        E: AsRef<str>,
        P: AsRef<str>,
    {
        Self::with_labels(std::iter::empty::<&str>(), pairs)
    }

    /// As [`Self::from_pairs`], with `labels` declared up front (for example
    /// the choices of a routing prompt), so labels that never occur still get
    /// a row, a column and a (zero) F1 that counts in macro-F1.
    pub fn with_labels<L, S, I, E, P>(labels: L, pairs: I) -> Self
    where
        L: IntoIterator<Item = S>,
        S: AsRef<str>,
        I: IntoIterator<Item = (E, P)>,
        E: AsRef<str>,
        P: AsRef<str>,
    {
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        let mut observed: Vec<(usize, usize)> = Vec::new();
        for label in labels {
            let next = index.len();
            index.entry(label.as_ref().to_owned()).or_insert(next);
        }
        fn id(label: &str, index: &mut BTreeMap<String, usize>) -> usize {
            if let Some(&i) = index.get(label) {
                return i;
            }
            let next = index.len();
            index.insert(label.to_owned(), next);
            next
        }
        for (e, p) in pairs {
            let ei = id(e.as_ref(), &mut index);
            let pi = id(p.as_ref(), &mut index);
            observed.push((ei, pi));
        }
        // Insertion ids to sorted positions.
        let k = index.len();
        let mut position = vec![0_usize; k];
        let mut labels = Vec::with_capacity(k);
        for (sorted, (label, insertion)) in index.into_iter().enumerate() {
            position[insertion] = sorted;
            labels.push(label);
        }
        let mut counts = vec![0_u64; k * k];
        for (e, p) in observed {
            counts[position[e] * k + position[p]] += 1;
        }
        Self { labels, counts }
    }

    /// The labels, sorted; rows and columns follow this order.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Cases with expected label `expected` predicted as `predicted` (0 for an
    /// unknown label).
    pub fn count(&self, expected: &str, predicted: &str) -> u64 {
        match (self.position(expected), self.position(predicted)) {
            (Some(e), Some(p)) => self.counts[e * self.labels.len() + p],
            _ => 0,
        }
    }

    /// The matrix as rows (expected) of columns (predicted), like
    /// scikit-learn's `confusion_matrix`.
    pub fn rows(&self) -> Vec<Vec<u64>> {
        let k = self.labels.len();
        if k == 0 {
            return Vec::new();
        }
        self.counts.chunks(k).map(<[u64]>::to_vec).collect()
    }

    /// Number of pairs counted.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Pairs whose prediction matched.
    pub fn correct(&self) -> u64 {
        let k = self.labels.len();
        (0..k).map(|i| self.counts[i * k + i]).sum()
    }

    /// Share of pairs predicted correctly; `None` with no pairs.
    pub fn accuracy(&self) -> Option<f64> {
        let total = self.total();
        (total > 0).then(|| self.correct() as f64 / total as f64)
    }

    /// Precision, recall, F1 and support of every label, in label order.
    pub fn per_label(&self) -> Vec<LabelMetrics> {
        let k = self.labels.len();
        (0..k)
            .map(|i| {
                let tp = self.counts[i * k + i];
                let support: u64 = self.counts[i * k..(i + 1) * k].iter().sum();
                let predicted: u64 = (0..k).map(|r| self.counts[r * k + i]).sum();
                let (fp, fn_) = (predicted - tp, support - tp);
                LabelMetrics {
                    label: self.labels[i].clone(),
                    precision: ratio(tp, predicted),
                    recall: ratio(tp, support),
                    f1: ratio(2 * tp, 2 * tp + fp + fn_),
                    support,
                }
            })
            .collect()
    }

    /// Unweighted mean of the per-label F1; `None` with no pairs.
    pub fn macro_f1(&self) -> Option<f64> {
        if self.total() == 0 {
            return None;
        }
        let per = self.per_label();
        Some(per.iter().map(|m| m.f1).sum::<f64>() / per.len() as f64)
    }

    /// Mean of the per-label F1 weighted by support; `None` with no pairs.
    pub fn weighted_f1(&self) -> Option<f64> {
        let total = self.total();
        if total == 0 {
            return None;
        }
        let per = self.per_label();
        Some(per.iter().map(|m| m.f1 * m.support as f64).sum::<f64>() / total as f64)
    }

    /// F1 of the pooled counts, `2 Σtp / (2 Σtp + Σfp + Σfn)`; equal to
    /// accuracy for single-label classification. `None` with no pairs.
    pub fn micro_f1(&self) -> Option<f64> {
        let total = self.total();
        if total == 0 {
            return None;
        }
        let tp = self.correct();
        // Every wrong pair is one false positive and one false negative.
        let wrong = total - tp;
        Some(ratio(2 * tp, 2 * tp + 2 * wrong))
    }

    fn position(&self, label: &str) -> Option<usize> {
        self.labels.binary_search_by(|l| l.as_str().cmp(label)).ok()
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_matrix_has_no_aggregates() {
        let m = ConfusionMatrix::from_pairs(std::iter::empty::<(&str, &str)>());
        assert_eq!(m.total(), 0);
        assert_eq!(
            (m.accuracy(), m.macro_f1(), m.micro_f1()),
            (None, None, None)
        );
        assert!(m.rows().is_empty());
    }

    #[test]
    fn declared_labels_count_in_macro_f1() {
        let pairs = [("a", "a"), ("b", "b")];
        let m = ConfusionMatrix::with_labels(["c"], pairs);
        assert_eq!(m.labels(), ["a", "b", "c"]);
        assert_eq!(m.macro_f1(), Some(2.0 / 3.0));
        assert_eq!(m.micro_f1(), Some(1.0));
        assert_eq!(m.count("zzz", "a"), 0);
    }
}
