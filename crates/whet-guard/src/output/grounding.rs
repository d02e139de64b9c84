//! Grounding of a RAG answer: its citations must point to supplied
//! contexts, and its quotations must come from them.
//!
//! Citations recognized (case-insensitive labels):
//!
//! - numbered: `[1]`, `[1, 3]`, `[2-4]`, footnote references `[^1]` and
//!   `text^1`, and `【3】`/`【3†source】`;
//! - labelled: `[doc3]`, `[Document 2]`, `[source: kb-12]`, `(Source 2)`,
//!   `[ref: faq]`, `(context 1)`, `[passage 4]`, `[chunk: a7]`; a label
//!   followed by a plain word counts only with a `:` or `#` between them
//!   (`(source code)` is prose, `(source: code)` a citation).
//!
//! Numbers count from 1. A number is grounded when it is in range or is
//! itself the id of a context; a labelled id when it matches a context id
//! (ignoring case and punctuation, so `[source: KB 12]` matches `kb-12`,
//! and `[doc3]` matches `doc-3`) or is a number in range. Not taken as
//! citations: `arr[0]` (indexing), `[1](https://…)` (a markdown link),
//! `x^2` and `10^6` (powers), four-digit numbers like `[2023]`.
//!
//! A quotation in double quotes (`"…"`, `“…”`, `«…»`) of at least
//! [`MIN_QUOTE_WORDS`] words must appear in some context, word for word
//! ignoring case and punctuation; an ellipsis inside it (`...`, `…`) may
//! skip text, so each piece of three words or more is looked for on its
//! own.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::{Category, Finding};

/// Quotations with fewer words than this are not checked: short quotes are
/// names, titles and scare quotes.
pub const MIN_QUOTE_WORDS: usize = 6;

/// Ranges like `[1-300]` are expanded up to this many numbers.
const MAX_RANGE: u32 = 100;

/// Longest quotation checked, in bytes (a stray quote mark must not turn a
/// whole answer into one).
const MAX_QUOTE: usize = 2000;

static CITATION: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        // [1], [1, 3], [2-4], [^1]
        r"(?P<num>\[\^?\s*(?P<nums>\d{1,3}(?:\s*[,;\-–]\s*\d{1,3})*)\s*\])",
        // [doc3], [source: kb-12], (Source 2)
        r"|(?P<lab>[\[(]\s*(?P<label>(?i:doc(?:ument)?|source|src|ref(?:erence)?|context|passage|chunk)s?)",
        r"\s*(?P<sep>[:#]?)\s*(?P<ids>[A-Za-z0-9_.:/#\-]+(?:\s*,\s*[A-Za-z0-9_.:/#\-]+)*)\s*[\])])",
        // text^1
        r"|(?P<caret>\^(?P<cnum>\d{1,3}))",
        // 【3】 and 【3†source】
        r"|(?P<oai>【(?P<onum>\d{1,3})(?:[:†][^】]{0,80})?】)",
    ))
    .ok()
});

static QUOTE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#""(?P<a>[^"]{1,2000})"|“(?P<b>[^”]{1,2000})”|«(?P<c>[^»]{1,2000})»"#).ok()
});

/// Checks an answer against contexts given in order, numbered from 1.
///
/// ```
/// use whet_guard::output::check_citations;
/// let contexts = ["Cards arrive in 3 days.", "Transfers take 1 day."];
/// assert!(check_citations("Cards take 3 days [1]; transfers a day [2].", &contexts).is_empty());
/// let f = check_citations("Refunds take a week [3].", &contexts);
/// assert_eq!(f[0].entity, "UNGROUNDED_CITATION");
/// assert_eq!(f[0].reason, "cites 3, but only 2 contexts were supplied");
/// ```
pub fn check_citations(answer: &str, contexts: &[&str]) -> Vec<Finding> {
    let texts: Vec<&str> = contexts.to_vec();
    check(answer, &texts, None)
}

/// Checks an answer against contexts given as `(id, text)`: a citation may
/// name an id (`[source: kb-12]`) or a position (`[2]`).
///
/// ```
/// use whet_guard::output::check_citations_with_ids;
/// let contexts = [("kb-12", "Cards arrive in 3 days."), ("kb-40", "Fees are waived.")];
/// assert!(check_citations_with_ids("3 days [source: KB-12].", &contexts).is_empty());
/// let f = check_citations_with_ids("No fees [source: kb-41].", &contexts);
/// assert_eq!(f[0].reason, "cites \"kb-41\", which is not the id of any supplied context");
/// ```
pub fn check_citations_with_ids(answer: &str, contexts: &[(&str, &str)]) -> Vec<Finding> {
    let texts: Vec<&str> = contexts.iter().map(|(_, t)| *t).collect();
    let ids: Vec<String> = contexts.iter().map(|(id, _)| normalize_id(id)).collect();
    check(answer, &texts, Some(&ids))
}

fn check(answer: &str, texts: &[&str], ids: Option<&[String]>) -> Vec<Finding> {
    let mut out = Vec::new();
    let grounds = Grounds { texts, ids };
    citations(answer, &grounds, &mut out);
    quotes(answer, texts, &mut out);
    out.sort_by_key(|f| f.start);
    out
}

/// What citations may point to.
struct Grounds<'a> {
    texts: &'a [&'a str],
    /// Normalized ids, when the contexts have ids.
    ids: Option<&'a [String]>,
}

impl Grounds<'_> {
    fn has_number(&self, n: u32) -> bool {
        let in_range = usize::try_from(n).is_ok_and(|n| n >= 1 && n <= self.texts.len());
        in_range || self.has_id(&n.to_string())
    }

    fn has_id(&self, normalized: &str) -> bool {
        self.ids
            .is_some_and(|ids| ids.iter().any(|id| !id.is_empty() && id == normalized))
    }

    fn too_few(&self) -> String {
        match self.texts.len() {
            0 => "no contexts were supplied".to_owned(),
            1 => "only 1 context was supplied".to_owned(),
            n => format!("only {n} contexts were supplied"),
        }
    }
}

fn citations(answer: &str, grounds: &Grounds<'_>, out: &mut Vec<Finding>) {
    let Some(re) = CITATION.as_ref() else { return };
    for caps in re.captures_iter(answer) {
        let Some(whole) = caps.get(0) else { continue };
        let span = whole.range();
        let reason = if let Some(nums) = caps.name("nums") {
            if is_index_or_link(answer, &span) {
                continue;
            }
            numbers_reason(nums.as_str(), grounds)
        } else if let (Some(label), Some(ids)) = (caps.name("label"), caps.name("ids")) {
            let sep = caps.name("sep").is_some_and(|s| !s.as_str().is_empty());
            labelled_reason(label.as_str(), ids.as_str(), sep, grounds)
        } else if let Some(n) = caps.name("cnum") {
            if !is_footnote_mark(answer, span.start) {
                continue;
            }
            numbers_reason(n.as_str(), grounds)
        } else if let Some(n) = caps.name("onum") {
            numbers_reason(n.as_str(), grounds)
        } else {
            None
        };
        if let Some(reason) = reason {
            out.push(Finding::new(
                Category::Output,
                "UNGROUNDED_CITATION",
                span,
                0.9,
                Cow::Owned(reason),
            ));
        }
    }
}

/// `arr[0]`, `f()[1]`, `[1](url)` and the reference-style link `[text][1]`
/// are code and links, not citations; `[1][2]` is two citations.
fn is_index_or_link(answer: &str, span: &Range<usize>) -> bool {
    let head = answer.get(..span.start).unwrap_or("");
    let after = answer.get(span.end..).and_then(|s| s.chars().next());
    if after == Some('(') {
        return true;
    }
    if let Some(before) = head.strip_suffix(']') {
        return !ends_with_numbered_citation(before);
    }
    match head.chars().next_back() {
        Some(c) => c.is_alphanumeric() || c == '_' || c == ')',
        None => false,
    }
}

/// Whether `head` (a text whose next character was `]`) ends with the
/// opening of a numbered citation: `[` then digits, separators, `^`.
fn ends_with_numbered_citation(head: &str) -> bool {
    let inner = head.trim_end_matches(|c: char| {
        c.is_ascii_digit() || matches!(c, ',' | ';' | '-' | '–' | ' ' | '^')
    });
    inner.len() < head.len() && inner.ends_with('[')
}

/// `^1` is a footnote mark after a word of two letters or more, or after
/// closing punctuation; after a digit or a lone letter it is a power.
fn is_footnote_mark(answer: &str, caret: usize) -> bool {
    let mut before = answer.get(..caret).unwrap_or("").chars().rev();
    match before.next() {
        Some(c) if c.is_alphabetic() => before.next().is_some_and(char::is_alphabetic),
        Some(c) => matches!(
            c,
            '.' | ',' | ';' | ':' | ')' | ']' | '"' | '\'' | '”' | '’'
        ),
        None => false,
    }
}

/// Why a list of numbers (`1, 3`, `2-4`) is ungrounded, or `None`.
fn numbers_reason(list: &str, grounds: &Grounds<'_>) -> Option<String> {
    let cited = expand(list);
    let bad: Vec<u32> = cited
        .iter()
        .copied()
        .filter(|&n| !grounds.has_number(n))
        .collect();
    if bad.is_empty() {
        return None;
    }
    let bad_list = bad
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    Some(format!("cites {bad_list}, but {}", grounds.too_few()))
}

/// The numbers of `1, 3` or `2-4`.
fn expand(list: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for part in list.split([',', ';']) {
        let mut ends = part
            .split(['-', '–'])
            .filter_map(|s| s.trim().parse::<u32>().ok());
        match (ends.next(), ends.next()) {
            (Some(a), Some(b)) => {
                let (lo, hi) = (a.min(b), a.max(b));
                out.extend(lo..=hi.min(lo.saturating_add(MAX_RANGE - 1)));
            }
            (Some(a), None) => out.push(a),
            _ => {}
        }
    }
    out
}

/// Why a labelled citation (`source: kb-12, kb-13`) is ungrounded, or
/// `None`; also `None` when it is prose rather than a citation.
fn labelled_reason(label: &str, ids: &str, sep: bool, grounds: &Grounds<'_>) -> Option<String> {
    let parts: Vec<&str> = ids.split(',').map(str::trim).collect();
    if !sep && !parts.iter().all(|p| p.bytes().any(|b| b.is_ascii_digit())) {
        return None;
    }
    let label = normalize_id(label);
    let bad: Vec<&str> = parts
        .iter()
        .copied()
        .filter(|p| !labelled_grounded(&label, p, grounds))
        .collect();
    if bad.is_empty() {
        return None;
    }
    let all_numbers = bad.iter().all(|p| p.parse::<u32>().is_ok());
    let quoted = bad
        .iter()
        .map(|p| format!("\"{p}\""))
        .collect::<Vec<_>>()
        .join(", ");
    Some(if all_numbers && grounds.ids.is_none() {
        format!("cites {}, but {}", bad.join(", "), grounds.too_few())
    } else if bad.len() == 1 {
        format!("cites {quoted}, which is not the id of any supplied context")
    } else {
        format!("cites {quoted}, which are not ids of supplied contexts")
    })
}

fn labelled_grounded(label: &str, id: &str, grounds: &Grounds<'_>) -> bool {
    if id.parse::<u32>().is_ok_and(|n| grounds.has_number(n)) {
        return true;
    }
    let norm = normalize_id(id);
    grounds.has_id(&norm) || grounds.has_id(&format!("{label}{norm}"))
}

/// An id compared ignoring case and everything but letters and digits.
fn normalize_id(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Flags quotations of [`MIN_QUOTE_WORDS`] words or more found in no
/// context.
fn quotes(answer: &str, texts: &[&str], out: &mut Vec<Finding>) {
    let Some(re) = QUOTE.as_ref() else { return };
    let mut normalized: Option<Vec<String>> = None;
    for caps in re.captures_iter(answer) {
        let Some(inner) = caps
            .name("a")
            .or_else(|| caps.name("b"))
            .or_else(|| caps.name("c"))
        else {
            continue;
        };
        if inner.len() > MAX_QUOTE || word_count(inner.as_str()) < MIN_QUOTE_WORDS {
            continue;
        }
        let contexts =
            normalized.get_or_insert_with(|| texts.iter().map(|t| normal_words(t)).collect());
        let pieces: Vec<String> = inner
            .as_str()
            .split('…')
            .flat_map(|s| s.split("..."))
            .map(normal_words)
            .filter(|p| p.split(' ').filter(|w| !w.is_empty()).count() >= 3)
            .collect();
        let grounded = !pieces.is_empty()
            && pieces
                .iter()
                .all(|p| contexts.iter().any(|c| c.contains(p.as_str())));
        if !grounded {
            let n = word_count(inner.as_str());
            out.push(Finding::new(
                Category::Output,
                "UNGROUNDED_QUOTE",
                inner.range(),
                0.7,
                Cow::Owned(format!(
                    "quotes {n} words that appear in no supplied context"
                )),
            ));
        }
    }
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

fn word_count(text: &str) -> usize {
    words(text).count()
}

/// The words of a text, lowercased, each followed and the first preceded by
/// a space, so that `contains` on two such strings matches whole words.
fn normal_words(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 2);
    s.push(' ');
    for w in words(text) {
        s.extend(w.chars().flat_map(char::to_lowercase));
        s.push(' ');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTEXTS: [&str; 3] = [
        "Lost cards can be frozen in the app under Card settings, then reported by phone.",
        "International transfers arrive within two working days; a fee of 1% applies.",
        "Refunds for card payments are handled by the merchant, usually within 14 days.",
    ];

    fn cited<'a>(answer: &'a str, f: &[Finding]) -> Vec<&'a str> {
        f.iter().map(|f| &answer[f.span()]).collect()
    }

    #[test]
    fn patterns_compile() {
        assert!(CITATION.is_some());
        assert!(QUOTE.is_some());
    }

    #[test]
    fn grounded_citations_pass() {
        for answer in [
            "Freeze it in the app [1]. Transfers take two days [2], refunds up to 14 days [3].",
            "See [1, 2] and [1-3], or [1][3].",
            "As the docs say [doc2], (Source 3), [Document 1], [source: 2], [^1].",
            "Transfers cost 1%^2, says the FAQ.^3 Also【1†policy】.",
        ] {
            let f = check_citations(answer, &CONTEXTS);
            assert!(f.is_empty(), "{answer}: {f:?}");
        }
    }

    #[test]
    fn out_of_range_citations_are_flagged() {
        let answer = "Fees are 2% [4]. See [2, 5] and [doc7], (Source 0) and [^9] and【6】[1][8].";
        let f = check_citations(answer, &CONTEXTS);
        assert_eq!(
            cited(answer, &f),
            [
                "[4]",
                "[2, 5]",
                "[doc7]",
                "(Source 0)",
                "[^9]",
                "【6】",
                "[8]"
            ]
        );
        assert!(f.iter().all(|f| f.entity == "UNGROUNDED_CITATION"));
        assert_eq!(f[1].reason, "cites 5, but only 3 contexts were supplied");
        let none = check_citations("It is free [1].", &[]);
        assert_eq!(none[0].reason, "cites 1, but no contexts were supplied");
        assert_eq!(
            check_citations("x [1-2]", &CONTEXTS[..1])[0].reason,
            "cites 2, but only 1 context was supplied"
        );
    }

    #[test]
    fn ids_are_matched_ignoring_case_and_punctuation() {
        let ctx = [
            ("kb-12", CONTEXTS[0]),
            ("doc-3", CONTEXTS[1]),
            ("faq", CONTEXTS[2]),
        ];
        let ok = "A [source: KB 12], B [doc3], C [ref: faq], D [2], E (source: kb-12, faq).";
        assert!(
            check_citations_with_ids(ok, &ctx).is_empty(),
            "{:?}",
            check_citations_with_ids(ok, &ctx)
        );
        let bad = "A [source: kb-13], B [doc9], C (sources: faq, policy-7), D [4].";
        let f = check_citations_with_ids(bad, &ctx);
        assert_eq!(
            cited(bad, &f),
            [
                "[source: kb-13]",
                "[doc9]",
                "(sources: faq, policy-7)",
                "[4]"
            ]
        );
        assert_eq!(
            f[2].reason,
            "cites \"policy-7\", which is not the id of any supplied context"
        );
    }

    #[test]
    fn look_alikes_are_not_citations() {
        let answer = "Use arr[0] or x[12] or f()[7]; see [1](https://example.com/1) and [the docs][5]; \
                      10^6 and x^2; in [2023] the (source code) and (context matters) and [x] boxes; \
                      (see page 4).";
        let f = check_citations(answer, &CONTEXTS[..1]);
        assert!(f.is_empty(), "{:?}", cited(answer, &f));
    }

    #[test]
    fn quotes_must_come_from_a_context() {
        let ok = "The policy says \"International transfers arrive within two working days\" and “Refunds for card payments are handled by the merchant…within 14 days”.";
        assert!(
            check_citations(ok, &CONTEXTS).is_empty(),
            "{:?}",
            check_citations(ok, &CONTEXTS)
        );
        let bad = "It says \"transfers arrive instantly and are always free of charge\", and a \"short quote\" is fine.";
        let f = check_citations(bad, &CONTEXTS);
        assert_eq!(
            cited(bad, &f),
            ["transfers arrive instantly and are always free of charge"]
        );
        assert_eq!(f[0].entity, "UNGROUNDED_QUOTE");
        assert_eq!(
            f[0].reason,
            "quotes 9 words that appear in no supplied context"
        );
        // Words must match whole: "card" inside "cards" is not a match.
        let partial = "\"lost card can be frozen in the app\"";
        assert_eq!(check_citations(partial, &CONTEXTS).len(), 1);
    }

    #[test]
    fn ranges_are_bounded() {
        assert_eq!(expand("1-3, 7"), [1, 2, 3, 7]);
        assert_eq!(expand("5-2"), [2, 3, 4, 5]);
        assert_eq!(expand("1-999").len(), MAX_RANGE as usize);
    }
}
