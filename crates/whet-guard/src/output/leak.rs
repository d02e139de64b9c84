//! Finding known strings (canary tokens, secret phrases) in an output, also
//! when a model disguised them.
//!
//! A model asked to leak a token rarely prints it verbatim once it has been
//! told not to: attacks ask for it reversed, spelled out letter by letter,
//! base64 encoded. So each value is searched for in four forms:
//!
//! 1. as written, ignoring ASCII case (one Aho-Corasick pass for all values);
//! 2. in the text's *letter stream*: its ASCII letters and digits,
//!    uppercased, with everything else dropped (fullwidth and other
//!    compatibility forms folded first), where the value's own letter stream
//!    is searched forwards, reversed and rot13-shifted. This catches
//!    `w h e t - c a n a r y`, `WHETCANARY…`, `…YRANAC-TEHW`;
//! 3. inside every base64 run (standard or URL-safe, padding optional),
//!    decoded leniently, with forms 1 and 2;
//! 4. inside every hex run (`5748…`, `57 48 …`, `\x57\x48`, `0x57 0x48`),
//!    decoded, with forms 1 and 2.
//!
//! Form 2 drops separators, so it is only used for values with at least
//! [`MIN_STREAM_LEN`] letters and digits: a short value would match inside
//! unrelated words. Shorter values are matched by forms 1, 3 and 4 only.

use std::borrow::Cow;
use std::ops::Range;

use aho_corasick::AhoCorasick;
use memchr::memmem;
use unicode_normalization::char::decompose_compatible;

use crate::{Category, Finding, Scanner};

/// A value needs this many ASCII letters and digits to be searched for with
/// separators dropped (form 2 in the module docs).
pub const MIN_STREAM_LEN: usize = 6;

/// How a leaked value was disguised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Disguise {
    Verbatim,
    CaseChanged,
    Respaced,
    Reversed,
    Rot13,
    Base64,
    Hex,
}

impl Disguise {
    fn describe(self) -> &'static str {
        match self {
            Disguise::Verbatim => "verbatim",
            Disguise::CaseChanged => "with its case changed",
            Disguise::Respaced => "with separators or case changed",
            Disguise::Reversed => "reversed",
            Disguise::Rot13 => "rot13-encoded",
            Disguise::Base64 => "base64-encoded",
            Disguise::Hex => "hex-encoded",
        }
    }

    fn score(self) -> f32 {
        match self {
            Disguise::Verbatim | Disguise::CaseChanged => 1.0,
            Disguise::Respaced => 0.95,
            Disguise::Reversed | Disguise::Rot13 | Disguise::Base64 | Disguise::Hex => 0.9,
        }
    }
}

/// One value to watch for.
#[derive(Debug, Clone)]
struct Needle {
    value: String,
    /// How reasons name the value (a canary's token, or a masked secret).
    label: String,
    /// Uppercased ASCII letters and digits; empty when too short to use.
    stream: Vec<u8>,
    reversed: Vec<u8>,
    rot13: Vec<u8>,
}

/// A set of values whose appearance in an output is a leak.
///
/// Built once (it compiles an Aho-Corasick automaton over the values) and
/// used on many outputs. See the module docs for the forms it recognizes.
#[derive(Debug, Clone)]
pub struct LeakDetector {
    needles: Vec<Needle>,
    exact: Option<AhoCorasick>,
    entity: &'static str,
}

impl LeakDetector {
    /// Watches for `values` (secret phrases, tokens). Empty values are
    /// ignored. Reasons show each value masked (its first characters).
    pub fn new(values: &[String]) -> LeakDetector {
        let labelled = values
            .iter()
            .filter(|v| !v.is_empty())
            .map(|v| (v.clone(), mask(v)));
        LeakDetector::build(labelled, "SECRET_LEAK")
    }

    /// Watches for one value, named in full in reasons, with the entity
    /// name `entity`.
    pub(crate) fn single(value: &str, stream_of: &str, entity: &'static str) -> LeakDetector {
        let mut d = LeakDetector::build(
            std::iter::once((value.to_owned(), value.to_owned())),
            entity,
        );
        if let Some(n) = d.needles.first_mut() {
            n.set_stream(stream_of);
        }
        d
    }

    fn build(values: impl Iterator<Item = (String, String)>, entity: &'static str) -> LeakDetector {
        let needles: Vec<Needle> = values
            .map(|(value, label)| {
                let mut n = Needle {
                    stream: Vec::new(),
                    reversed: Vec::new(),
                    rot13: Vec::new(),
                    label,
                    value,
                };
                let v = n.value.clone();
                n.set_stream(&v);
                n
            })
            .collect();
        let exact = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(needles.iter().map(|n| n.value.as_str()))
            .ok();
        LeakDetector {
            needles,
            exact,
            entity,
        }
    }

    /// Whether the detector watches no value at all.
    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }

    /// One finding per value that appears in `text` (in any form), at its
    /// first appearance.
    pub fn find_all(&self, text: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        self.scan(text, &mut out);
        out
    }

    /// The first leak found, if any (checking values in order).
    pub fn find_first(&self, text: &str) -> Option<Finding> {
        let hits = self.locate(text, true);
        hits.into_iter().flatten().next().map(|h| self.finding(h))
    }

    fn finding(&self, (i, span, disguise): (usize, Range<usize>, Disguise)) -> Finding {
        let label = self.needles.get(i).map_or("", |n| n.label.as_str());
        Finding::new(
            Category::Output,
            self.entity,
            span,
            disguise.score(),
            Cow::Owned(format!("{label:?} appears {}", disguise.describe())),
        )
    }

    /// For each needle, where it was found first. With `first_only`, stops
    /// after the first needle found.
    fn locate(&self, text: &str, first_only: bool) -> Vec<Option<Hit>> {
        let mut hits: Vec<Option<Hit>> = vec![None; self.needles.len()];
        let done = |hits: &[Option<Hit>]| {
            if first_only {
                hits.iter().any(Option::is_some)
            } else {
                hits.iter().all(Option::is_some)
            }
        };
        self.locate_plain(text, &mut hits, |span, d| (span, d));
        if done(&hits) || self.needles.is_empty() {
            return hits;
        }
        for (run, kind) in encoded_runs(text) {
            let encoded = text.get(run.clone()).unwrap_or("");
            let decoded = match kind {
                Disguise::Base64 => decode_base64(encoded),
                _ => decode_hex(encoded),
            };
            let decoded = String::from_utf8_lossy(&decoded);
            self.locate_plain(&decoded, &mut hits, |_, _| (run.clone(), kind));
            if done(&hits) {
                break;
            }
        }
        hits
    }

    /// Forms 1 and 2 on `text`, filling the needles not found yet;
    /// `place` maps a span of `text` and its disguise to what to record.
    fn locate_plain(
        &self,
        text: &str,
        hits: &mut [Option<Hit>],
        place: impl Fn(Range<usize>, Disguise) -> (Range<usize>, Disguise),
    ) {
        let matches = self
            .exact
            .as_ref()
            .and_then(|ac| ac.try_find_overlapping_iter(text).ok());
        if let Some(matches) = matches {
            for m in matches {
                let i = m.pattern().as_usize();
                let Some(slot) = hits.get_mut(i) else {
                    continue;
                };
                if slot.is_some() {
                    continue;
                }
                let same = self
                    .needles
                    .get(i)
                    .is_some_and(|n| text.get(m.range()) == Some(n.value.as_str()));
                let d = if same {
                    Disguise::Verbatim
                } else {
                    Disguise::CaseChanged
                };
                let (span, d) = place(m.range(), d);
                *slot = Some((i, span, d));
            }
        }
        if hits.iter().all(Option::is_some) || self.needles.iter().all(|n| n.stream.is_empty()) {
            return;
        }
        let stream = LetterStream::new(text);
        for (i, n) in self.needles.iter().enumerate() {
            if n.stream.is_empty() || hits.get(i).is_none_or(Option::is_some) {
                continue;
            }
            let found = [
                (&n.stream, Disguise::Respaced),
                (&n.reversed, Disguise::Reversed),
                (&n.rot13, Disguise::Rot13),
            ]
            .into_iter()
            .find_map(|(needle, d)| stream.find(needle).map(|span| (span, d)));
            if let (Some((span, d)), Some(slot)) = (found, hits.get_mut(i)) {
                let (span, d) = place(span, d);
                *slot = Some((i, span, d));
            }
        }
    }
}

type Hit = (usize, Range<usize>, Disguise);

impl Needle {
    /// Sets the letter-stream forms from `of`, or clears them when `of` is
    /// too short for them.
    fn set_stream(&mut self, of: &str) {
        self.stream.clear();
        self.reversed.clear();
        self.rot13.clear();
        let stream: Vec<u8> = of
            .bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|b| b.to_ascii_uppercase())
            .collect();
        if stream.len() < MIN_STREAM_LEN {
            return;
        }
        self.reversed = stream.iter().rev().copied().collect();
        self.rot13 = stream.iter().map(|&b| rot13(b)).collect();
        self.stream = stream;
    }
}

impl Scanner for LeakDetector {
    fn name(&self) -> &'static str {
        "leak"
    }

    fn scan(&self, text: &str, out: &mut Vec<Finding>) {
        for hit in self.locate(text, false).into_iter().flatten() {
            out.push(self.finding(hit));
        }
    }
}

/// The first characters of a value and `…`, so that a reason shows which
/// value leaked without repeating it.
fn mask(value: &str) -> String {
    let n = value.chars().count();
    let keep = if n >= 8 { 3 } else { 1 };
    let head: String = value.chars().take(keep).collect();
    format!("{head}…")
}

fn rot13(b: u8) -> u8 {
    match b {
        b'A'..=b'Z' => (b - b'A' + 13) % 26 + b'A',
        _ => b,
    }
}

/// The uppercased ASCII letters and digits of a text, each with the byte
/// span of the character it came from.
struct LetterStream {
    letters: Vec<u8>,
    spans: Vec<(usize, usize)>,
}

impl LetterStream {
    fn new(text: &str) -> LetterStream {
        let mut s = LetterStream {
            letters: Vec::with_capacity(text.len()),
            spans: Vec::with_capacity(text.len()),
        };
        for (i, c) in text.char_indices() {
            let end = i + c.len_utf8();
            if c.is_ascii() {
                if c.is_ascii_alphanumeric() {
                    s.push(c, i, end);
                }
            } else {
                decompose_compatible(c, |d| {
                    if d.is_ascii_alphanumeric() {
                        s.push(d, i, end);
                    }
                });
            }
        }
        s
    }

    fn push(&mut self, c: char, start: usize, end: usize) {
        self.letters
            .push(u8::try_from(c.to_ascii_uppercase()).unwrap_or(b'?'));
        self.spans.push((start, end));
    }

    /// The byte span of the text that `needle` came from, if it occurs.
    fn find(&self, needle: &[u8]) -> Option<Range<usize>> {
        let at = memmem::find(&self.letters, needle)?;
        let first = self.spans.get(at)?;
        let last = self.spans.get(at + needle.len().checked_sub(1)?)?;
        Some(first.0..last.1)
    }
}

/// Shortest base64 run worth decoding (6 bytes).
const MIN_BASE64_RUN: usize = 8;
/// Fewest hex digits worth decoding (6 bytes).
const MIN_HEX_DIGITS: usize = 12;

/// Maximal runs that may be base64 or hex text, with which. Runs that
/// read as ordinary words are skipped: a base64 run of 8 characters or
/// more is almost never all lowercase or a capitalized word, and hex
/// holds digits, where prose like "a bad cafe" does not.
fn encoded_runs(text: &str) -> Vec<(Range<usize>, Disguise)> {
    let mut runs = Vec::new();
    runs.extend(
        byte_runs(text, |b| {
            b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_' | b'=')
        })
        .filter(|r| r.len() >= MIN_BASE64_RUN && !looks_like_a_word(&text.as_bytes()[r.clone()]))
        .map(|r| (r, Disguise::Base64)),
    );
    runs.extend(
        byte_runs(text, |b| {
            b.is_ascii_hexdigit() || matches!(b, b' ' | b':' | b',' | b'-' | b'\\' | b'x' | b'X')
        })
        .filter(|r| {
            let run = &text.as_bytes()[r.clone()];
            run.iter().filter(|b| b.is_ascii_hexdigit()).count() >= MIN_HEX_DIGITS
                && run.iter().any(u8::is_ascii_digit)
        })
        .map(|r| (r, Disguise::Hex)),
    );
    runs
}

/// A lowercase or capitalized word (`received`, `Transfers`).
fn looks_like_a_word(run: &[u8]) -> bool {
    run.iter().skip(1).all(u8::is_ascii_lowercase)
        && run.first().is_some_and(u8::is_ascii_alphabetic)
}

/// Maximal runs of ASCII bytes accepted by `keep` (so always on char
/// boundaries).
fn byte_runs(text: &str, keep: impl Fn(u8) -> bool) -> impl Iterator<Item = Range<usize>> {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && !keep(bytes[i]) {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        while i < bytes.len() && keep(bytes[i]) {
            i += 1;
        }
        Some(start..i)
    })
}

/// Base64 decoding that never fails: both alphabets, padding and any other
/// byte skipped, trailing bits dropped.
fn decode_base64(run: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(run.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in run.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => continue,
        };
        acc = ((acc << 6) | u32::from(v)) & 0xFFFF;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xFF).unwrap_or(0));
        }
    }
    out
}

/// Hex decoding that never fails: the run is split at separators and at
/// `\x`, `0x` prefixes are dropped, and only pieces of an even number of
/// hex digits are decoded (so a word like `hex` before the digits cannot
/// shift every byte by a nibble).
fn decode_hex(run: &str) -> Vec<u8> {
    let mut digits = Vec::with_capacity(run.len());
    for group in run.split([' ', ':', ',', '-']) {
        for piece in group.split("\\x").flat_map(|p| p.split("\\X")) {
            let p = piece
                .strip_prefix("0x")
                .or_else(|| piece.strip_prefix("0X"))
                .unwrap_or(piece);
            if p.is_empty() || p.len() % 2 == 1 || !p.bytes().all(|b| b.is_ascii_hexdigit()) {
                continue;
            }
            digits.extend(
                p.chars()
                    .filter_map(|c| c.to_digit(16))
                    .filter_map(|d| u8::try_from(d).ok()),
            );
        }
    }
    digits.chunks_exact(2).map(|p| (p[0] << 4) | p[1]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> String {
        s.bytes().map(|b| format!("{b:02x}")).collect()
    }

    fn b64(s: &str) -> String {
        // A small encoder for the tests, independent of the decoder.
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in s.as_bytes().chunks(3) {
            let n =
                chunk.iter().fold(0u32, |a, &b| a << 8 | u32::from(b)) << (8 * (3 - chunk.len()));
            for k in 0..=chunk.len() {
                out.push(A[(n >> (18 - 6 * k) & 63) as usize] as char);
            }
        }
        out
    }

    #[test]
    fn lenient_decoders_invert_encoders() {
        for s in ["", "a", "ab", "abc", "WHET-CANARY-ABCDEF234567", "naïve ☃"] {
            assert_eq!(decode_base64(&b64(s)), s.as_bytes());
            assert_eq!(decode_hex(&hex(s)), s.as_bytes());
        }
        assert_eq!(decode_hex("\\x57\\x48 0x45, 0x54"), b"WHET");
        assert_eq!(decode_hex("57:48:45:54"), b"WHET");
        assert_eq!(decode_base64("V0hFVA=="), b"WHET");
        assert_eq!(decode_base64("_-8"), [0xff, 0xef]);
    }

    #[test]
    fn every_value_is_reported_once() {
        let d = LeakDetector::new(&["swordfish42".to_owned(), "opal".to_owned()]);
        let text = "The password is swordfish42, again SWORDFISH42, and opal.";
        let found = d.find_all(text);
        assert_eq!(found.len(), 2);
        assert_eq!(&text[found[0].span()], "swordfish42");
        assert_eq!(found[0].entity, "SECRET_LEAK");
        assert_eq!(found[0].reason, "\"swo…\" appears verbatim");
        assert_eq!(&text[found[1].span()], "opal");
    }

    #[test]
    fn short_values_are_not_matched_across_separators() {
        let d = LeakDetector::new(&["opal".to_owned()]);
        assert!(d.find_first("o-p-a-l").is_none());
        assert!(d.find_first("OPAL").is_some());
    }

    #[test]
    fn letter_stream_folds_compatibility_forms() {
        let d = LeakDetector::new(&["secret99".to_owned()]);
        let text = "ｓｅｃｒｅｔ９９";
        let f = d.find_first(text).unwrap();
        assert_eq!(f.span(), 0..text.len());
        assert_eq!(f.reason, "\"sec…\" appears with separators or case changed");
    }
}
