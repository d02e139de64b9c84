//! Dates of birth: a date is personal data when a birth word is next to
//! it ("born on", "DOB:", "date of birth", "birthday"), so this detector
//! looks for those words first and reads a date only right after them.

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex_automata::Input;
use regex_automata::meta::Regex;

use super::text::{ceil_boundary, word_after, word_before};
use super::validate::date_valid;
use super::{Entity, Sink};

/// Birth words; the ones marked `true` may run on into a longer word
/// (`birthdate`, `birthday`).
const WORDS: &[(&str, bool)] = &[
    ("born", false),
    ("birth", true),
    ("dob", false),
    ("d.o.b", false),
    ("bday", false),
    ("b-day", false),
    ("geboren", false),
    ("geburtsdatum", false),
    ("née", false),
    ("né le", false),
    ("nacido", false),
    ("nacida", false),
    ("nacimiento", false),
    ("nascita", false),
    ("naissance", false),
];

/// How far after a birth word the date may start (bytes).
const REACH: usize = 40;

const MONTHS: &str = "January|February|March|April|May|June|July|August|September|October|November|December|\
Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec";

static TRIGGERS: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(WORDS.iter().map(|w| w.0))
        .ok()
});

static DATES: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let numeric = r"(?-u:\b)(?:[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}|[0-9]{1,2}[-/.][0-9]{1,2}[-/.](?:[0-9]{4}|[0-9]{2}))(?-u:\b)";
    let month_first =
        format!(r"(?-u:\b)(?i:{MONTHS})\.?[ ][0-9]{{1,2}}(?:st|nd|rd|th)?,?[ ][0-9]{{4}}(?-u:\b)");
    let day_first = format!(
        r"(?-u:\b)[0-9]{{1,2}}(?:st|nd|rd|th)?[ ](?:of[ ])?(?i:{MONTHS})\.?,?[ ][0-9]{{4}}(?-u:\b)"
    );
    Regex::new_many(&[numeric.to_owned(), month_first, day_first]).ok()
});

/// Finds dates of birth.
pub(crate) fn scan(text: &str, windows: &[Range<usize>], sink: &mut Sink<'_>) {
    if !sink.wants(Entity::DateOfBirth) {
        return;
    }
    let (Some(triggers), Some(dates)) = (TRIGGERS.as_ref(), DATES.as_ref()) else {
        return;
    };
    let mut after = 0;
    let found = windows
        .iter()
        .flat_map(|w| triggers.find_iter(aho_corasick::Input::new(text).range(w.clone())));
    for t in found {
        let (word, prefix_ok) = WORDS[t.pattern().as_usize()];
        if t.start() < after
            || word_before(text, t.start())
            || (!prefix_ok && word_after(text, t.end()))
        {
            continue;
        }
        let window = t.end()..ceil_boundary(text, t.end() + REACH);
        let Some(m) = dates.search(&Input::new(text).range(window)) else {
            continue;
        };
        if !valid(&text[m.range()], m.pattern().as_usize()) {
            continue;
        }
        after = m.end();
        sink.push(Entity::DateOfBirth, m.range(), 0.85, || {
            format!("date right after the birth word '{word}'")
        });
    }
}

/// Whether a matched date is a real calendar date (either day/month order
/// for numeric ones).
fn valid(s: &str, pattern: usize) -> bool {
    let nums: Vec<u32> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().unwrap_or(0))
        .collect();
    match (pattern, nums.as_slice()) {
        (0, &[a, b, c]) if a > 999 => date_valid(a, b, c),
        (0, &[a, b, c]) => date_valid(c, b, a) || date_valid(c, a, b),
        (1 | 2, &[d, y]) => (1..=31).contains(&d) && (1900..=2099).contains(&y),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::pii::tests::scan;

    fn dob(text: &str) -> Vec<String> {
        scan(text)
            .into_iter()
            .filter(|(e, _)| e == "DATE_OF_BIRTH")
            .map(|(_, v)| v)
            .collect()
    }

    #[test]
    fn dates_after_birth_words() {
        assert_eq!(dob("I was born on 1985-03-05 in Leeds"), vec!["1985-03-05"]);
        assert_eq!(dob("DOB: 03/05/1985"), vec!["03/05/1985"]);
        assert_eq!(dob("Date of birth: March 5, 1985."), vec!["March 5, 1985"]);
        assert_eq!(
            dob("my birthday is the 5th of March 1985"),
            vec!["5th of March 1985"]
        );
        assert_eq!(dob("birthdate 12.11.1990"), vec!["12.11.1990"]);
    }

    #[test]
    fn dates_without_birth_words_or_invalid_are_not_dobs() {
        assert!(dob("the payment on 2024-01-05 10:00 failed").is_empty());
        assert!(dob("born on 1985-13-45").is_empty());
        assert!(dob("stubborn 1985-03-05").is_empty());
        assert!(dob("born a long long long time ago, long before 1985-03-05").is_empty());
    }
}
