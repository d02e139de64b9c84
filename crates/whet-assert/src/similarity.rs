//! Reference-similarity assertions: `levenshtein`, `bleu`, `rouge-n`.
//! References are tokenized once, when the assertion is parsed.

use std::collections::HashMap;

use serde_json::Value;

use crate::assertion::ParseError;
use crate::grade::{Grade, GradeContext, PASSED};
use crate::js;

// ---------------------------------------------------------------- levenshtein

/// `levenshtein`: the edit distance between output and value is at most the
/// threshold (default 5). Scores 1 or 0.
///
/// Distance counts Unicode code points. promptfoo's `fastest-levenshtein`
/// counts UTF-16 units, so an emoji outside the Basic Multilingual Plane costs
/// 2 edits there and 1 here: a deliberate difference (whet's strings are not
/// UTF-16, and a character is one edit to a reader).
#[derive(Debug, Clone)]
pub(crate) struct Levenshtein {
    expected: String,
    threshold: f64,
}

impl Levenshtein {
    pub(crate) fn parse(value: Option<&Value>, threshold: Option<f64>) -> Result<Self, ParseError> {
        let Some(Value::String(expected)) = value else {
            return Err(ParseError::invalid(
                "\"levenshtein\" assertion type must have a string value",
            ));
        };
        Ok(Levenshtein {
            expected: expected.clone(),
            threshold: threshold.unwrap_or(5.0),
        })
    }

    pub(crate) fn grade(&self, ctx: &GradeContext<'_>, neg: bool) -> Grade {
        let distance = strsim::levenshtein(ctx.output, &self.expected) as f64;
        let within = distance <= self.threshold;
        let (d, t) = (js::number(distance), js::number(self.threshold));
        Grade::binary(within != neg, || {
            if neg {
                format!("Levenshtein distance {d} is less than or equal to threshold {t}")
            } else {
                format!("Levenshtein distance {d} is greater than threshold {t}")
            }
        })
    }
}

// ---------------------------------------------------------------- bleu

/// `bleu`: BLEU-4 against one or more references, as promptfoo computes it:
/// lowercased whitespace tokens, clipped n-gram precision with the best
/// reference per order, brevity penalty exp(1 − r/c) from the reference r
/// closest in length, a zero precision smoothed to 1e-7. Passes when score ≥ threshold (default
/// 0.5).
///
/// An empty output scores 0 here; promptfoo throws "Invalid inputs" for it.
/// whet grades it (an empty answer is a bad answer, not a bad assertion).
#[derive(Debug, Clone)]
pub(crate) struct Bleu {
    references: Vec<Vec<String>>,
    threshold: f64,
}

impl Bleu {
    pub(crate) fn parse(value: Option<&Value>, threshold: Option<f64>) -> Result<Self, ParseError> {
        let refs: Vec<&str> = match value {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(items)) if !items.is_empty() => items
                .iter()
                .map(Value::as_str)
                .collect::<Option<_>>()
                .ok_or_else(bad_bleu)?,
            _ => return Err(bad_bleu()),
        };
        Ok(Bleu {
            references: refs.iter().map(|r| lower_words(r)).collect(),
            threshold: threshold.unwrap_or(0.5),
        })
    }

    pub(crate) fn grade(&self, ctx: &GradeContext<'_>, neg: bool) -> Grade {
        let score = if ctx.output.is_empty() {
            0.0
        } else {
            bleu(&lower_words(ctx.output), &self.references)
        };
        let above = score >= self.threshold;
        let pass = above != neg;
        let shown = if neg { 1.0 - score } else { score };
        if pass {
            Grade::new(true, shown, PASSED)
        } else {
            Grade::new(
                false,
                shown,
                format!(
                    "BLEU score {} is {} than threshold {}",
                    js::to_fixed(score, 2),
                    if neg { "greater" } else { "less" },
                    js::number(self.threshold)
                ),
            )
        }
    }
}

fn bad_bleu() -> ParseError {
    ParseError::invalid("\"bleu\" assertion type must have a string or array of strings value")
}

fn lower_words(s: &str) -> Vec<String> {
    let lower = s.to_lowercase();
    js::js_split_words(&lower).map(str::to_owned).collect()
}

fn ngram_counts(words: &[String], n: usize) -> HashMap<&[String], usize> {
    let mut counts = HashMap::new();
    if n == 0 || n > words.len() {
        return counts;
    }
    for gram in words.windows(n) {
        *counts.entry(gram).or_insert(0) += 1;
    }
    counts
}

fn bleu(candidate: &[String], references: &[Vec<String>]) -> f64 {
    const MAX_N: usize = 4;
    let c = candidate.len();
    // The first reference wins ties in closeness of length.
    let closest = references
        .iter()
        .map(Vec::len)
        .reduce(|prev, cur| {
            if cur.abs_diff(c) < prev.abs_diff(c) {
                cur
            } else {
                prev
            }
        })
        .unwrap_or(0);
    let mut log_sum = 0.0;
    for n in 1..=MAX_N {
        let total = if n <= c { c - n + 1 } else { 0 };
        let cand = ngram_counts(candidate, n);
        let best = references
            .iter()
            .map(|r| {
                let refc = ngram_counts(r, n);
                cand.iter()
                    .map(|(g, k)| (*k).min(refc.get(g).copied().unwrap_or(0)))
                    .sum::<usize>()
            })
            .max()
            .unwrap_or(0);
        let p = if total > 0 {
            best as f64 / total as f64
        } else {
            0.0
        };
        log_sum += 0.25 * if p == 0.0 { 1e-7f64.ln() } else { p.ln() };
    }
    // The standard brevity penalty, exp(1 - r/c) for a candidate no longer
    // than the reference (c > 0: the caller scores an empty output 0). Some
    // promptfoo sources wrote exp(1 - c/r), a penalty above 1; the published
    // 0.121.20 computes exp(1 - r/c), and so does whet.
    let bp = if c > closest {
        1.0
    } else {
        (1.0 - closest as f64 / c as f64).exp()
    };
    bp * log_sum.exp()
}

// ---------------------------------------------------------------- rouge-n

/// `rouge-n`: ROUGE-1 F1 between output and reference, as newer promptfoo
/// (js-rouge ≥ 3.2.1) scores it: Penn Treebank tokens, case-folded, with
/// clipped counts, so a repeated token matches as often as it occurs in both.
/// Blank output or blank reference scores 0. Passes when score ≥ threshold
/// (default 0.75; a threshold of 0 is a real threshold).
#[derive(Debug, Clone)]
pub(crate) struct RougeN {
    reference: HashMap<String, usize>,
    reference_len: usize,
    threshold: f64,
}

impl RougeN {
    pub(crate) fn parse(value: Option<&Value>, threshold: Option<f64>) -> Result<Self, ParseError> {
        let Some(Value::String(reference)) = value else {
            return Err(ParseError::invalid(
                "\"rouge\" assertion type must be a string value",
            ));
        };
        let spaced = treebank_spaced(reference);
        let tokens = treebank_tokens(&spaced);
        let reference_len = tokens.len();
        let mut counts = HashMap::new();
        for t in tokens {
            *counts.entry(t.to_owned()).or_insert(0) += 1;
        }
        Ok(RougeN {
            reference: counts,
            reference_len,
            threshold: threshold.unwrap_or(0.75),
        })
    }

    pub(crate) fn grade(&self, ctx: &GradeContext<'_>, neg: bool) -> Grade {
        let score = self.score(ctx.output);
        let above = score >= self.threshold;
        let reason = format!(
            "ROUGE-N score {} is {} threshold {}",
            js::to_fixed(score, 2),
            if above {
                "greater than or equal to"
            } else {
                "less than"
            },
            js::number(self.threshold)
        );
        Grade::new(above != neg, if neg { 1.0 - score } else { score }, reason)
    }

    fn score(&self, output: &str) -> f64 {
        if self.reference_len == 0 {
            return 0.0;
        }
        let spaced = treebank_spaced(output);
        let tokens = treebank_tokens(&spaced);
        if tokens.is_empty() {
            return 0.0;
        }
        let mut counts: HashMap<&str, usize> = HashMap::with_capacity(tokens.len());
        for t in &tokens {
            *counts.entry(t).or_insert(0) += 1;
        }
        let overlap: usize = counts
            .iter()
            .map(|(t, k)| (*k).min(self.reference.get(*t).copied().unwrap_or(0)))
            .sum();
        // F1 of precision overlap/|output| and recall overlap/|reference|.
        2.0 * overlap as f64 / (tokens.len() + self.reference_len) as f64
    }
}

/// Lowercased Penn Treebank tokens, as js-rouge's `treeBankTokenize` splits
/// a text: punctuation `;@#$%&,?!` and brackets become tokens, `...` and
/// `--` too, only a final period splits off, quotes become ``` `` ``` and
/// `''`, and contractions split (`n't`, `'ll`, `'s`, `cannot` → `can not`).
/// Blank text has no tokens.
///
/// This is the first half: the lowercased text with spaces around what
/// becomes a token; [`treebank_tokens`] splits it.
fn treebank_spaced(text: &str) -> String {
    if text
        .chars()
        .all(|c| c.is_whitespace() || js::is_js_space(c))
    {
        return String::new();
    }
    let lower = text.to_lowercase();
    let chars: Vec<char> = lower.chars().collect();
    let mut s = String::with_capacity(lower.len() + 16);

    // A final period (with closing brackets or quotes after it), unless it
    // follows another period, becomes its own token.
    let mut end = chars.len();
    while end > 0 && js::is_js_space(chars[end - 1]) {
        end -= 1;
    }
    let mut close = end;
    while close > 0 && matches!(chars[close - 1], ']' | ')' | '}' | '>' | '"' | '\'') {
        close -= 1;
    }
    let final_period = if close >= 2 && chars[close - 1] == '.' && chars[close - 2] != '.' {
        Some(close - 1)
    } else {
        None
    };

    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if Some(i) == final_period {
            s.push_str(" . ");
            i += 1;
            continue;
        }
        match c {
            '"' if i == 0 => s.push_str(" `` "),
            '"' if i > 0 && matches!(chars[i - 1], ' ' | '(' | '[' | '{' | '<') => {
                s.push_str(" `` ");
            }
            '"' => s.push_str(" '' "),
            '.' if chars.get(i + 1) == Some(&'.') && chars.get(i + 2) == Some(&'.') => {
                while i < chars.len() && chars[i] == '.' {
                    i += 1;
                }
                s.push_str(" ... ");
                continue;
            }
            '-' if chars.get(i + 1) == Some(&'-') => {
                while i < chars.len() && chars[i] == '-' {
                    i += 1;
                }
                s.push_str(" -- ");
                continue;
            }
            ';' | '@' | '#' | '$' | '%' | '&' | ',' | '?' | '!' | '[' | ']' | '(' | ')' | '{'
            | '}' | '<' | '>' => {
                s.push(' ');
                s.push(c);
                s.push(' ');
            }
            _ => s.push(c),
        }
        i += 1;
    }

    s
}

/// The tokens of a [`treebank_spaced`] text, borrowed from it.
fn treebank_tokens(spaced: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    for word in spaced.split(|c: char| c == ' ' || js::is_js_space(c)) {
        if !word.is_empty() {
            split_contractions(word, &mut tokens);
        }
    }
    tokens
}

/// Splits the clitics the Treebank tokenizer separates.
fn split_contractions<'a>(word: &'a str, out: &mut Vec<&'a str>) {
    // Whole words, split after the first part.
    const WHOLE: &[(&str, usize)] = &[
        ("cannot", 3),
        ("d'ye", 1),
        ("gimme", 3),
        ("gonna", 3),
        ("gotta", 3),
        ("lemme", 3),
        ("more'n", 4),
        ("wanna", 3),
        ("'tis", 2),
        ("'twas", 2),
    ];
    if let Some((_, at)) = WHOLE.iter().find(|(w, _)| *w == word) {
        out.push(&word[..*at]);
        out.push(&word[*at..]);
        return;
    }
    const SUFFIXES: &[&str] = &["n't", "'ll", "'re", "'ve", "'s", "'m", "'d"];
    for suffix in SUFFIXES {
        if word.len() > suffix.len() && word.ends_with(suffix) {
            let at = word.len() - suffix.len();
            out.push(&word[..at]);
            out.push(&word[at..]);
            return;
        }
    }
    if word.len() > 1 && word.ends_with('\'') && !word[..word.len() - 1].ends_with('\'') {
        let at = word.len() - 1;
        out.push(&word[..at]);
        out.push(&word[at..]);
        return;
    }
    out.push(word);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        treebank_tokens(&treebank_spaced(s))
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn tokens_follow_the_treebank() {
        assert_eq!(
            toks("This is the expected output."),
            ["this", "is", "the", "expected", "output", "."]
        );
        assert_eq!(toks("hello world. next"), ["hello", "world.", "next"]);
        assert_eq!(
            toks("I can't, you know?"),
            ["i", "ca", "n't", ",", "you", "know", "?"]
        );
        assert_eq!(
            toks("He said \"hi\"."),
            ["he", "said", "``", "hi", "''", "."]
        );
        assert!(toks(" \u{85}\n").is_empty());
    }

    #[test]
    fn bleu_of_identical_text_is_one() {
        let words = lower_words("The cat sat on the mat.");
        assert!((bleu(&words, std::slice::from_ref(&words)) - 1.0).abs() < 1e-12);
    }
}
