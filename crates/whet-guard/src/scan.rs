//! The [`Scanner`] trait and [`ScannerSet`], which runs several.

use crate::finding::Finding;

/// Something that looks at a text and reports findings.
///
/// Scanners are pure: no I/O, no global state, `Send + Sync`, and they
/// never panic on any input (property tested). They append to `out` rather
/// than return a vector so that a set of scanners shares one allocation.
pub trait Scanner: Send + Sync {
    /// A short stable name (`pii`, `secrets`, `injection`, ...).
    fn name(&self) -> &'static str;
    /// Appends every finding in `text` to `out`, in any order.
    fn scan(&self, text: &str, out: &mut Vec<Finding>);
}

/// Several scanners run one after the other over the same text.
#[derive(Default)]
pub struct ScannerSet {
    scanners: Vec<Box<dyn Scanner>>,
}

impl ScannerSet {
    /// An empty set.
    pub fn new() -> ScannerSet {
        ScannerSet::default()
    }

    /// Adds a scanner.
    pub fn with(mut self, scanner: impl Scanner + 'static) -> ScannerSet {
        self.scanners.push(Box::new(scanner));
        self
    }

    /// Adds a boxed scanner.
    pub fn push(&mut self, scanner: Box<dyn Scanner>) {
        self.scanners.push(scanner);
    }

    /// Whether the set has no scanner.
    pub fn is_empty(&self) -> bool {
        self.scanners.is_empty()
    }

    /// Every finding of every scanner, sorted by start, longest first, and
    /// with overlapping findings of the same entity merged into the best one.
    pub fn scan(&self, text: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        for s in &self.scanners {
            s.scan(text, &mut out);
        }
        normalize(&mut out);
        out
    }
}

/// Sorts findings by start (longest first on ties) and drops a finding that
/// overlaps a better-scored finding of the same entity, so each piece of
/// text is reported once per entity.
pub fn normalize(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then(b.score.total_cmp(&a.score))
    });
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    // Kept findings of one entity never overlap each other, so only the last
    // one kept per entity can overlap the next: remember its index.
    let mut last: Vec<(std::borrow::Cow<'static, str>, usize)> = Vec::new();
    for f in findings.drain(..) {
        let slot = last.iter().position(|(e, _)| *e == f.entity);
        match slot.map(|i| (i, last[i].1)) {
            Some((_, k)) if kept[k].overlaps(&f) => {
                if f.score > kept[k].score {
                    kept[k] = f;
                }
            }
            Some((i, _)) => {
                last[i].1 = kept.len();
                kept.push(f);
            }
            None => {
                last.push((f.entity.clone(), kept.len()));
                kept.push(f);
            }
        }
    }
    *findings = kept;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Category;

    fn f(entity: &'static str, start: usize, end: usize, score: f32) -> Finding {
        Finding::new(Category::Pii, entity, start..end, score, "test")
    }

    #[test]
    fn normalize_merges_overlaps_of_one_entity_only() {
        let mut v = vec![
            f("PHONE_NUMBER", 5, 15, 0.4),
            f("EMAIL_ADDRESS", 0, 10, 0.9),
            f("PHONE_NUMBER", 4, 12, 0.7),
            f("PHONE_NUMBER", 20, 30, 0.5),
        ];
        normalize(&mut v);
        let got: Vec<_> = v
            .iter()
            .map(|f| (f.entity.as_ref(), f.start, f.end))
            .collect();
        assert_eq!(
            got,
            vec![
                ("EMAIL_ADDRESS", 0, 10),
                ("PHONE_NUMBER", 4, 12),
                ("PHONE_NUMBER", 20, 30)
            ]
        );
    }
}
