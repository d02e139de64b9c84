//! Banned terms: competitors, forbidden topics, words a brand never uses.

use std::borrow::Cow;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::{Category, Finding, Scanner};

/// A banned-terms list could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BannedError {
    /// The list has no terms.
    #[error("the banned-terms list is empty")]
    Empty,
    /// A term is blank.
    #[error("banned term {index} is blank")]
    Blank {
        /// Its position in the list (from 0).
        index: usize,
    },
    /// The automaton could not be built (a list far too large).
    #[error("the banned-terms list cannot be compiled: {0}")]
    Build(String),
}

/// Finds whole-word, case-insensitive occurrences of a list of terms
/// (`BANNED_TERM`, score 1, the reason naming the term as listed).
///
/// One Aho-Corasick automaton over all terms, so the cost does not grow
/// with the list. "Whole word" means the characters just outside a match
/// are not letters, digits or `_` (Unicode's definitions) where the term
/// itself starts or ends with one: `Chase` does not match `purchase`, while
/// `.NET` matches in `ASP.NET`, since its first character is not a word
/// character. Case is ignored for ASCII letters
/// directly, and for other letters by scanning a lowercased copy of texts
/// that are not ASCII. Overlapping terms are all tried, so `Chase` still
/// matches in `Chase Bankers` when `Chase Bank` is also banned.
///
/// ```
/// use whet_guard::{Scanner, output::BannedTerms};
/// let banned = BannedTerms::new(&["Chase".to_owned(), "Wells Fargo".to_owned()])?;
/// let mut found = Vec::new();
/// banned.scan("I purchased it at CHASE, not wells fargo.", &mut found);
/// let terms: Vec<_> = found.iter().map(|f| f.reason.as_ref()).collect();
/// assert_eq!(terms, ["banned term \"Chase\"", "banned term \"Wells Fargo\""]);
/// # Ok::<(), whet_guard::output::BannedError>(())
/// ```
#[derive(Debug, Clone)]
pub struct BannedTerms {
    terms: Vec<String>,
    /// Over the terms lowercased, ASCII case-insensitive.
    ac: AhoCorasick,
}

impl BannedTerms {
    /// Compiles a list. Terms are trimmed; a blank term or an empty list is
    /// an error, since a policy that bans nothing is a mistake.
    pub fn new(terms: &[String]) -> Result<BannedTerms, BannedError> {
        if terms.is_empty() {
            return Err(BannedError::Empty);
        }
        if let Some(index) = terms.iter().position(|t| t.trim().is_empty()) {
            return Err(BannedError::Blank { index });
        }
        let terms: Vec<String> = terms.iter().map(|t| t.trim().to_owned()).collect();
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(terms.iter().map(|t| t.to_lowercase()))
            .map_err(|e| BannedError::Build(e.to_string()))?;
        Ok(BannedTerms { terms, ac })
    }

    /// The terms, trimmed, in list order.
    pub fn terms(&self) -> &[String] {
        &self.terms
    }

    /// The raw matches in `text` as (term index, byte span), before the
    /// whole-word check: on the text itself when it is ASCII, else on a
    /// lowercased copy, mapped back.
    fn raw_matches(&self, text: &str) -> Vec<(usize, Range<usize>)> {
        if text.is_ascii() {
            let Ok(iter) = self.ac.try_find_overlapping_iter(text) else {
                return Vec::new();
            };
            return iter.map(|m| (m.pattern().as_usize(), m.range())).collect();
        }
        let lowered = Lowered::new(text);
        let Ok(iter) = self.ac.try_find_overlapping_iter(lowered.text.as_str()) else {
            return Vec::new();
        };
        iter.filter_map(|m| {
            Some((
                m.pattern().as_usize(),
                lowered.original(m.start(), m.end())?,
            ))
        })
        .collect()
    }

    fn finding(&self, term: usize, span: Range<usize>) -> Finding {
        let name = self.terms.get(term).map_or("", String::as_str);
        Finding::new(
            Category::Output,
            "BANNED_TERM",
            span,
            1.0,
            Cow::Owned(format!("banned term \"{name}\"")),
        )
    }
}

impl Scanner for BannedTerms {
    fn name(&self) -> &'static str {
        "banned"
    }

    /// Whole-word matches, left to right; where matches overlap, the
    /// longest (then the earliest listed term) is kept.
    fn scan(&self, text: &str, out: &mut Vec<Finding>) {
        let mut found = self.raw_matches(text);
        found.retain(|(_, span)| whole_word(text, span.start, span.end));
        found.sort_by(|a, b| {
            (a.1.start.cmp(&b.1.start))
                .then(b.1.end.cmp(&a.1.end))
                .then(a.0.cmp(&b.0))
        });
        let mut last_end = 0;
        for (term, span) in found {
            if span.start >= last_end {
                last_end = span.end;
                out.push(self.finding(term, span));
            }
        }
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `text[start..end]` is bounded by non-word characters wherever
/// its own edge is a word character.
fn whole_word(text: &str, start: usize, end: usize) -> bool {
    let (Some(before), Some(inner), Some(after)) =
        (text.get(..start), text.get(start..end), text.get(end..))
    else {
        return false;
    };
    let edge_ok = |inside: Option<char>, outside: Option<char>| {
        !(inside.is_some_and(is_word) && outside.is_some_and(is_word))
    };
    edge_ok(inner.chars().next(), before.chars().next_back())
        && edge_ok(inner.chars().next_back(), after.chars().next())
}

/// A lowercased copy of a text, with the original byte offset of every
/// byte of the copy (lowercasing can change a character's length).
struct Lowered {
    text: String,
    origin: Vec<usize>,
    original_len: usize,
}

impl Lowered {
    fn new(text: &str) -> Lowered {
        let mut l = Lowered {
            text: String::with_capacity(text.len()),
            origin: Vec::with_capacity(text.len()),
            original_len: text.len(),
        };
        for (i, c) in text.char_indices() {
            for lc in c.to_lowercase() {
                l.text.push(lc);
                l.origin.extend(std::iter::repeat_n(i, lc.len_utf8()));
            }
        }
        l
    }

    /// The original span of the copy's `start..end`: from the character
    /// that produced byte `start` to the end of the one that produced byte
    /// `end - 1`.
    fn original(&self, start: usize, end: usize) -> Option<Range<usize>> {
        let s = *self.origin.get(start)?;
        let last = *self.origin.get(end.checked_sub(1)?)?;
        // The end of the character at `last`: the next different origin.
        let e = self
            .origin
            .get(end..)?
            .iter()
            .find(|&&o| o != last)
            .copied()
            .unwrap_or(self.original_len);
        Some(s..e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn banned(terms: &[&str]) -> BannedTerms {
        BannedTerms::new(&terms.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>()).unwrap()
    }

    fn found<'t>(b: &BannedTerms, text: &'t str) -> Vec<&'t str> {
        let mut out = Vec::new();
        b.scan(text, &mut out);
        out.iter().map(|f| &text[f.span()]).collect()
    }

    #[test]
    fn whole_words_in_any_case() {
        let b = banned(&["Chase", "Wells Fargo", "crypto"]);
        assert_eq!(
            found(&b, "Try chase, WELLS FARGO or Crypto."),
            ["chase", "WELLS FARGO", "Crypto"]
        );
        assert_eq!(found(&b, "(Chase)\n"), ["Chase"]);
    }

    #[test]
    fn parts_of_words_are_not_matches() {
        let b = banned(&["Chase", "crypto"]);
        for text in [
            "I purchased a card",
            "chased",
            "cryptography",
            "Chase_bank",
            "crypto2",
        ] {
            assert!(found(&b, text).is_empty(), "{text}");
        }
    }

    #[test]
    fn punctuation_edged_terms_and_overlaps() {
        let b = banned(&[".NET", "C++", "Chase Bank", "Chase"]);
        assert_eq!(found(&b, "ASP.NET and C++ are fine"), [".NET", "C++"]);
        // The longer term wins where both match; the shorter still matches
        // where the longer is not a whole word.
        assert_eq!(found(&b, "Chase Bank"), ["Chase Bank"]);
        assert_eq!(found(&b, "Chase Bankers"), ["Chase"]);
    }

    #[test]
    fn non_ascii_text_and_terms() {
        let b = banned(&["Société Générale", "Chase"]);
        let text = "À la SOCIÉTÉ GÉNÉRALE et chez İChase ou chase.";
        assert_eq!(found(&b, text), ["SOCIÉTÉ GÉNÉRALE", "chase"]);
        // Unicode letters are word characters: no match inside "éChase".
        assert!(found(&b, "éChase").is_empty());
    }

    #[test]
    fn reasons_name_the_term_as_listed() {
        let b = banned(&["  Wells Fargo "]);
        let mut out = Vec::new();
        b.scan("wells fargo", &mut out);
        assert_eq!(out[0].reason, "banned term \"Wells Fargo\"");
        assert_eq!(out[0].entity, "BANNED_TERM");
    }

    #[test]
    fn bad_lists_are_errors() {
        assert_eq!(BannedTerms::new(&[]).unwrap_err(), BannedError::Empty);
        assert_eq!(
            BannedTerms::new(&["a".to_owned(), " ".to_owned()]).unwrap_err(),
            BannedError::Blank { index: 1 }
        );
    }
}
