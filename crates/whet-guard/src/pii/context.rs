//! Context words: the few words around a candidate that make it more (or
//! less) likely to be what its pattern says, as Presidio's context
//! enhancer does.
//!
//! A pattern gives a base score; a context word for the entity within
//! [`WORDS_BEFORE`] words before the match (or [`WORDS_AFTER`] after it)
//! adds [`BOOST`], and an anti-context word ("order", "invoice", ...) takes
//! off [`PENALTY`]. Only the words next to a candidate are read, so the
//! cost is per candidate, never per text.

/// How many words before a match are read.
pub(crate) const WORDS_BEFORE: usize = 5;
/// How many words after a match are read.
pub(crate) const WORDS_AFTER: usize = 4;
/// How many words after a match are read for anti-context words.
pub(crate) const ANTI_WORDS_AFTER: usize = 2;
/// What a context word adds to a score (capped at 1.0).
pub(crate) const BOOST: f32 = 0.35;
/// What an anti-context word takes off a score.
pub(crate) const PENALTY: f32 = 0.4;
/// How far (bytes) the window reaches on either side at most.
const REACH: usize = 80;

/// Words that make a run of digits something else than personal data: an
/// order, invoice or tracking reference, a version or a model number.
pub(crate) const NUMERIC_ANTI: &[&str] = &[
    "order",
    "invoice",
    "tracking",
    "reference",
    "ref",
    "confirmation",
    "receipt",
    "serial",
    "sku",
    "model",
    "version",
    "build",
    "release",
    "isbn",
    "ticket",
    "case",
    "item",
    "shipment",
    "parcel",
    "transaction",
    "booking",
];

/// The context words that were found around a candidate.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Hit {
    /// A word (or phrase) that supports the entity.
    pub(crate) pos: Option<&'static str>,
    /// A word that argues against it.
    pub(crate) neg: Option<&'static str>,
}

impl Hit {
    /// `base` raised or lowered by what was found, within `0..=1`.
    pub(crate) fn apply(self, base: f32) -> f32 {
        let mut s = base;
        if self.pos.is_some() {
            s += BOOST;
        }
        if self.neg.is_some() {
            s -= PENALTY;
        }
        s.clamp(0.0, 1.0)
    }

    /// A reason suffix naming the words, empty when there are none.
    pub(crate) fn describe(self) -> String {
        match (self.pos, self.neg) {
            (Some(p), Some(n)) => {
                format!("; context word '{p}' (+{BOOST}), anti-context '{n}' (-{PENALTY})")
            }
            (Some(p), None) => format!("; context word '{p}' (+{BOOST})"),
            (None, Some(n)) => format!("; anti-context word '{n}' (-{PENALTY})"),
            (None, None) => String::new(),
        }
    }
}

/// Looks around `span` in `text` for any of `pos` and `neg` (lowercase
/// words or space-separated phrases, matched case-insensitively on whole
/// words).
pub(crate) fn around(
    text: &str,
    span: std::ops::Range<usize>,
    pos: &[&'static str],
    neg: &[&'static str],
) -> Hit {
    let before = words_before(text, span.start);
    let after = words_after(text, span.end);
    // Anti-context reads fewer words after the match: "... 10.0.0.1. There
    // is a transaction ..." is about the next sentence, not the address.
    let near_after = Words {
        spans: after.spans,
        n: after.n.min(ANTI_WORDS_AFTER),
    };
    let find = |list: &[&'static str], after: &Words| {
        list.iter()
            .copied()
            .find(|w| contains_phrase(text, &before, w) || contains_phrase(text, after, w))
    };
    Hit {
        pos: find(pos, &after),
        neg: find(neg, &near_after),
    }
}

/// Whether one of `pos` occurs among the words before `start`.
pub(crate) fn before(text: &str, start: usize, pos: &[&'static str]) -> Option<&'static str> {
    let words = words_before(text, start);
    pos.iter()
        .copied()
        .find(|w| contains_phrase(text, &words, w))
}

/// Up to `N` word spans, in text order.
#[derive(Default)]
pub(crate) struct Words {
    spans: [(usize, usize); 8],
    n: usize,
}

impl Words {
    pub(crate) fn as_slice(&self) -> &[(usize, usize)] {
        &self.spans[..self.n]
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// The [`WORDS_BEFORE`] words that end before `start`, in text order.
/// Non-ASCII bytes count as word bytes, so every cut is at an ASCII byte.
pub(crate) fn words_before(text: &str, start: usize) -> Words {
    let b = text.as_bytes();
    let floor = start.saturating_sub(REACH);
    let mut rev = [(0usize, 0usize); 8];
    let mut n = 0;
    let mut i = start.min(b.len());
    while n < WORDS_BEFORE && i > floor {
        while i > floor && !is_word_byte(b[i - 1]) {
            i -= 1;
        }
        let end = i;
        while i > floor && is_word_byte(b[i - 1]) {
            i -= 1;
        }
        // A word cut by the reach (maybe inside a multi-byte char) is left out.
        if i == end || (i > 0 && is_word_byte(b[i - 1])) {
            break;
        }
        rev[n] = (i, end);
        n += 1;
    }
    let mut w = Words {
        n,
        ..Words::default()
    };
    for k in 0..n {
        w.spans[k] = rev[n - 1 - k];
    }
    w
}

/// The [`WORDS_AFTER`] words that start at or after `end`, in text order.
pub(crate) fn words_after(text: &str, end: usize) -> Words {
    let b = text.as_bytes();
    let ceil = (end + REACH).min(b.len());
    let mut w = Words::default();
    let mut i = end.min(b.len());
    while w.n < WORDS_AFTER && i < ceil {
        while i < ceil && !is_word_byte(b[i]) {
            i += 1;
        }
        let start = i;
        while i < ceil && is_word_byte(b[i]) {
            i += 1;
        }
        if i == start || (i < b.len() && is_word_byte(b[i])) {
            break;
        }
        w.spans[w.n] = (start, i);
        w.n += 1;
    }
    w
}

/// Whether the space-separated `phrase` appears as consecutive words.
fn contains_phrase(text: &str, words: &Words, phrase: &str) -> bool {
    let parts = phrase.split(' ');
    let k = parts.clone().count();
    let ws = words.as_slice();
    if k == 0 || k > ws.len() {
        return false;
    }
    ws.windows(k).any(|win| {
        win.iter()
            .zip(parts.clone())
            .all(|(&(s, e), p)| text.get(s..e).is_some_and(|w| w.eq_ignore_ascii_case(p)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_words_and_phrases_before_and_after() {
        let t = "My Social Security number: 078-05-1120 (SSN)";
        let start = t.find("078").unwrap();
        let span = start..start + 11;
        let hit = around(t, span.clone(), &["social security"], &["order"]);
        assert_eq!(
            hit,
            Hit {
                pos: Some("social security"),
                neg: None
            }
        );
        let hit = around(t, span, &["ssn"], &[]);
        assert_eq!(hit.pos, Some("ssn"), "a word after the match counts too");
    }

    #[test]
    fn only_nearby_words_count() {
        let t = "phone one two three four five six 2025550173";
        let start = t.find("2025").unwrap();
        assert_eq!(before(t, start, &["phone"]), None, "six words away");
        assert_eq!(before(t, start, &["two"]), Some("two"));
    }

    #[test]
    fn scores_move_by_boost_and_penalty_within_bounds() {
        let up = Hit {
            pos: Some("card"),
            neg: None,
        };
        let down = Hit {
            pos: None,
            neg: Some("order"),
        };
        assert!((up.apply(0.5) - (0.5 + BOOST)).abs() < 1e-6);
        assert!((up.apply(0.9) - 1.0).abs() < 1e-6);
        assert!((down.apply(0.3)).abs() < 1e-6);
        assert!(up.describe().contains("'card'"));
    }

    #[test]
    fn multibyte_neighbours_never_split() {
        let t = "ünïcødé 日本 téléphone: 0612345678";
        let start = t.find("0612").unwrap();
        assert_eq!(before(t, start, &["téléphone"]), Some("téléphone"));
        let w = words_before(t, start);
        for &(s, e) in w.as_slice() {
            assert!(t.is_char_boundary(s) && t.is_char_boundary(e));
        }
    }
}
