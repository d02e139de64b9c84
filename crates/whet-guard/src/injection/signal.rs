//! A [`Signal`] is one piece of evidence with a weight; [`score`] turns the
//! signals of a text into its probability-like score.

use std::borrow::Cow;
use std::ops::Range;

/// Log-odds of a text with no signal: `sigmoid(-3)` is about 0.05.
pub(crate) const BIAS: f32 = -3.0;
/// Each further signal group counts this much less than the one before,
/// so many weak signals saturate instead of adding up without bound.
const DECAY: f32 = 0.75;
/// Extra weight for each repeat of a group, at most [`MAX_REPEAT_BONUS`].
const REPEAT_BONUS: f32 = 0.25;
const MAX_REPEAT_BONUS: f32 = 0.5;

/// One piece of evidence found in a text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Signal {
    pub(crate) entity: &'static str,
    /// Log-odds contribution (see `patterns.rs` for the scale).
    pub(crate) weight: f32,
    /// Byte span in the scanned text.
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// Signals with the same group count once (plus a small repeat bonus).
    pub(crate) group: &'static str,
    /// For a person: what matched and why it counts.
    pub(crate) reason: Cow<'static, str>,
}

impl Signal {
    /// A signal whose reason is also its group.
    pub(crate) fn new(
        entity: &'static str,
        weight: f32,
        span: Range<usize>,
        reason: &'static str,
    ) -> Signal {
        Signal {
            entity,
            weight,
            start: span.start,
            end: span.end,
            group: reason,
            reason: Cow::Borrowed(reason),
        }
    }
}

/// The probability-like score of a text with these signals: a logistic
/// model over the strongest weight of each group, in decreasing order,
/// each counted [`DECAY`] times less than the one before.
pub(crate) fn score(signals: &[Signal]) -> f32 {
    if signals.is_empty() {
        return sigmoid(BIAS);
    }
    sigmoid(BIAS + combined_weight(signals))
}

/// The decayed sum of group weights, the part of the log-odds that
/// evidence contributes.
pub(crate) fn combined_weight(signals: &[Signal]) -> f32 {
    let mut groups: Vec<(&'static str, f32, usize)> = Vec::new();
    for s in signals {
        match groups.iter_mut().find(|g| g.0 == s.group) {
            Some(g) => {
                g.1 = g.1.max(s.weight);
                g.2 += 1;
            }
            None => groups.push((s.group, s.weight, 1)),
        }
    }
    let mut weights: Vec<f32> = groups
        .iter()
        .map(|&(_, w, n)| w + (REPEAT_BONUS * (n - 1) as f32).min(MAX_REPEAT_BONUS))
        .collect();
    weights.sort_by(|a, b| b.total_cmp(a));
    let mut factor = 1.0;
    let mut z = 0.0;
    for w in weights {
        z += w * factor;
        factor *= DECAY;
    }
    z
}

/// The logistic function.
pub(crate) fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(group: &'static str, weight: f32) -> Signal {
        Signal::new("X", weight, 0..1, group)
    }

    #[test]
    fn scale_matches_the_documented_anchors() {
        // sigmoid(-3 + w): the scale the weights in patterns.rs are set on.
        assert!((score(&[sig("a", 3.0)]) - 0.5).abs() < 1e-6);
        assert!(score(&[sig("a", 1.5)]) < 0.2);
        assert!(score(&[sig("a", 5.5)]) > 0.9);
        assert!(score(&[]) < 0.05);
    }

    #[test]
    fn repeats_of_a_group_add_little_and_groups_decay() {
        let once = score(&[sig("a", 2.0)]);
        let many = score(&[sig("a", 2.0), sig("a", 2.0), sig("a", 2.0), sig("a", 2.0)]);
        // 2.0 plus the capped bonus 0.5, by hand: sigmoid(-0.5).
        assert!((many - sigmoid(-0.5)).abs() < 1e-6);
        assert!(many > once);
        let two = score(&[sig("a", 2.0), sig("b", 2.0)]);
        // 2.0 + 0.75 * 2.0 = 3.5, by hand: sigmoid(0.5).
        assert!((two - sigmoid(0.5)).abs() < 1e-6);
    }
}
