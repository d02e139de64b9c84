//! Personal data: [`PiiScanner`] finds emails, phone numbers, payment
//! cards, IBANs, SSNs, IP and MAC addresses, URLs (with and without
//! credentials), crypto wallets, dates of birth, a few national IDs, person
//! names and street addresses.
//!
//! # How it decides
//!
//! Each entity has a pattern, most have a validator ([`luhn_valid`],
//! [`iban_valid`], the other functions in [`validate`]), and every finding
//! starts from a base score that says how specific the pattern is: a
//! Luhn-valid card number grouped in fours scores high, a bare ten-digit
//! number that might be a phone scores low. Context words near the match
//! ("phone", "card", "ssn", ...) raise the score, anti-context words
//! ("order", "invoice", "tracking", ...) lower it, as Presidio does. The
//! reason of every finding says what matched and why the score is what it
//! is. Findings below the scanner's minimum score ([`DEFAULT_MIN_SCORE`]
//! unless set with [`PiiScanner::min_score`]) are not reported.
//!
//! # Cost
//!
//! Every detector is gated on something cheap: digit-based detectors run
//! only when the text has digits, and the regex-based ones (identifiers,
//! addresses, dates of birth) only on the parts of the text near digits;
//! emails only where there is an `@`, URLs only after `://`, `www.` or a
//! known top-level domain, names only at capitalized words (found eight
//! bytes at a time) with one hash lookup per word. A typical short message
//! without personal data costs a couple of passes over its bytes, and the
//! no-finding path allocates nothing. On the 3,080 BANKING77 test messages
//! the scanner runs at about 300 MB/s per message and per document on one
//! core (`cargo test -p whet-guard --release --lib pii::throughput --
//! --ignored --nocapture`).

mod address;
pub(crate) mod context;
mod dob;
mod ids;
mod names;
mod net;
mod numeric;
pub(crate) mod text;
pub mod validate;

#[cfg(test)]
mod props;
#[cfg(test)]
mod throughput;

use std::borrow::Cow;
use std::ops::Range;

pub use validate::{iban_valid, luhn_valid};

use crate::{Category, Finding, Scanner};

/// Findings scoring below this are not reported by default: low enough to
/// keep a bare but well-formed number (a ten-digit phone without any
/// context scores 0.4), high enough to drop a bare nine-digit number that
/// would only be an SSN with the word "ssn" next to it (0.2).
pub const DEFAULT_MIN_SCORE: f32 = 0.3;

/// How far around a digit the regex detectors look: longer than any
/// identifier, address or birth-word-plus-date they match, so searching
/// only near digits finds the same matches (see [`text::digit_windows`]).
const WINDOW_REACH: usize = 240;

/// Every entity the scanner knows, by the name its findings carry.
pub const ENTITIES: &[&str] = &[
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "IBAN_CODE",
    "US_SSN",
    "IP_ADDRESS",
    "MAC_ADDRESS",
    "URL_CREDENTIALS",
    "URL",
    "CRYPTO",
    "DATE_OF_BIRTH",
    "UK_NINO",
    "UK_NHS",
    "US_PASSPORT",
    "ES_NIF",
    "IT_FISCAL_CODE",
    "IN_AADHAAR",
    "PERSON",
    "STREET_ADDRESS",
    "LOCATION",
];

/// An entity name that [`PiiScanner::with_entities`] does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown entity `{name}` (known: {})", known.join(", "))]
pub struct UnknownEntity {
    name: String,
    known: &'static [&'static str],
}

impl UnknownEntity {
    pub(crate) fn new(name: &str, known: &'static [&'static str]) -> UnknownEntity {
        UnknownEntity {
            name: name.to_owned(),
            known,
        }
    }

    /// The name as it was given.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The names the scanner knows.
    pub fn known(&self) -> &'static [&'static str] {
        self.known
    }
}

/// The entities, in [`ENTITIES`] order; the discriminant is the bit in an
/// entity set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Entity {
    Email,
    Phone,
    CreditCard,
    Iban,
    UsSsn,
    Ip,
    Mac,
    UrlCredentials,
    Url,
    Crypto,
    DateOfBirth,
    UkNino,
    UkNhs,
    UsPassport,
    EsNif,
    ItFiscalCode,
    InAadhaar,
    Person,
    StreetAddress,
    Location,
}

impl Entity {
    fn name(self) -> &'static str {
        ENTITIES[self as usize]
    }
}

/// Where detectors put what they find: drops entities that were not asked
/// for and scores below the minimum before any reason is formatted.
pub(crate) struct Sink<'a> {
    out: &'a mut Vec<Finding>,
    selection: Selection,
}

impl Sink<'_> {
    /// Whether `e` is wanted at all; detectors skip work for unwanted ones.
    pub(crate) fn wants(&self, e: Entity) -> bool {
        self.selection.wants(e as usize)
    }

    /// Whether any of `es` is wanted.
    pub(crate) fn wants_any(&self, es: &[Entity]) -> bool {
        es.iter().any(|&e| self.wants(e))
    }

    /// Reports `e` at `span` when wanted and `score` is high enough; the
    /// reason is built only then.
    pub(crate) fn push<R>(
        &mut self,
        e: Entity,
        span: Range<usize>,
        score: f32,
        reason: impl FnOnce() -> R,
    ) where
        R: Into<Cow<'static, str>>,
    {
        if self.selection.keeps(e as usize, score) && span.start < span.end {
            self.out
                .push(Finding::new(Category::Pii, e.name(), span, score, reason()));
        }
    }
}

/// Which entities of a scanner's list (bit `i` for the list's `i`th name)
/// it reports, and from which score. Shared by the PII and secret scanners.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Selection {
    wanted: u32,
    min_score: f32,
}

impl Selection {
    /// The first `n` entities, from [`DEFAULT_MIN_SCORE`].
    pub(crate) fn all(n: usize) -> Selection {
        Selection {
            wanted: (1 << n) - 1,
            min_score: DEFAULT_MIN_SCORE,
        }
    }

    /// The named entities of `all`, or the first name that is not in it.
    pub(crate) fn named<S: AsRef<str>>(
        names: &[S],
        all: &'static [&'static str],
    ) -> Result<Selection, UnknownEntity> {
        let mut wanted = 0;
        for name in names {
            let name = name.as_ref();
            let i = all
                .iter()
                .position(|e| *e == name)
                .ok_or_else(|| UnknownEntity::new(name, all))?;
            wanted |= 1 << i;
        }
        Ok(Selection {
            wanted,
            min_score: DEFAULT_MIN_SCORE,
        })
    }

    /// The same entities from `score` (clamped to `0..=1`).
    pub(crate) fn min_score(self, score: f32) -> Selection {
        Selection {
            min_score: score.clamp(0.0, 1.0),
            ..self
        }
    }

    /// Whether entity `i` is reported at all.
    pub(crate) fn wants(self, i: usize) -> bool {
        self.wanted & (1 << i) != 0
    }

    /// Whether a finding of entity `i` scoring `score` is reported.
    pub(crate) fn keeps(self, i: usize, score: f32) -> bool {
        self.wants(i) && score >= self.min_score
    }
}

/// Finds personal data; see the [module docs](self) for how it scores.
#[derive(Debug, Clone)]
pub struct PiiScanner {
    selection: Selection,
}

impl Default for PiiScanner {
    fn default() -> PiiScanner {
        PiiScanner::new()
    }
}

impl PiiScanner {
    /// Every entity in [`ENTITIES`], reported from [`DEFAULT_MIN_SCORE`].
    pub fn new() -> PiiScanner {
        PiiScanner {
            selection: Selection::all(ENTITIES.len()),
        }
    }

    /// Only the named entities (names as in [`ENTITIES`]).
    pub fn with_entities<S: AsRef<str>>(names: &[S]) -> Result<PiiScanner, UnknownEntity> {
        Ok(PiiScanner {
            selection: Selection::named(names, ENTITIES)?,
        })
    }

    /// Reports only findings scoring at least `score` (clamped to `0..=1`).
    #[must_use]
    pub fn min_score(self, score: f32) -> PiiScanner {
        PiiScanner {
            selection: self.selection.min_score(score),
        }
    }

    /// The names of the entities this scanner reports.
    pub fn entities(&self) -> Vec<&'static str> {
        ENTITIES
            .iter()
            .enumerate()
            .filter(|(i, _)| self.selection.wants(*i))
            .map(|(_, e)| *e)
            .collect()
    }
}

impl Scanner for PiiScanner {
    fn name(&self) -> &'static str {
        "pii"
    }

    fn scan(&self, text: &str, out: &mut Vec<Finding>) {
        let first = out.len();
        let mut sink = Sink {
            out,
            selection: self.selection,
        };
        let digits = text::count_digits(text.as_bytes());
        if digits > 0 {
            numeric::scan(text, &mut sink);
            let windows = text::digit_windows(text, WINDOW_REACH);
            ids::scan(text, &windows, &mut sink);
            address::scan(text, &windows, &mut sink);
            dob::scan(text, &windows, &mut sink);
        }
        net::scan(text, digits, &mut sink);
        names::scan(text, &mut sink);
        if out.len() > first + 1 {
            drop_contained(out, first);
        }
    }
}

/// Entities whose text is one token: whatever lies strictly inside one is
/// part of it (the digits of an IBAN, the host of a URL), whatever it
/// scores on its own.
const CONTAINERS: &[&str] = &[
    "IBAN_CODE",
    "URL",
    "URL_CREDENTIALS",
    "EMAIL_ADDRESS",
    "CRYPTO",
    "STREET_ADDRESS",
];

/// Among `out[first..]`, drops a finding that lies inside a finding of
/// another entity scoring at least as high, or inside one of the
/// [`CONTAINERS`] (digits inside an IBAN are not also a phone number), and
/// sorts what is left by position.
fn drop_contained(out: &mut Vec<Finding>, first: usize) {
    let mut tail = out.split_off(first);
    tail.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then(b.score.total_cmp(&a.score))
    });
    // The kept finding reaching furthest right contains every later one
    // that ends before it (its start is not after theirs).
    let mut reach: Option<usize> = None;
    for f in tail {
        let inside = reach.map(|k| &out[k]).is_some_and(|c: &Finding| {
            let structural =
                CONTAINERS.contains(&c.entity.as_ref()) && c.end - c.start > f.end - f.start;
            f.end <= c.end && c.entity != f.entity && (structural || c.score + 0.01 >= f.score)
        });
        if inside {
            continue;
        }
        if reach.is_none_or(|k| f.end > out[k].end) {
            reach = Some(out.len());
        }
        out.push(f);
    }
    // A name is the weakest reading: words that are part of an address
    // found by its own pattern are the address.
    let places: Vec<Range<usize>> = out[first..]
        .iter()
        .filter(|f| f.entity == "STREET_ADDRESS" || f.entity == "LOCATION")
        .map(Finding::span)
        .collect();
    if !places.is_empty() {
        let mut k = first;
        out.retain(|f| {
            k += 1;
            k <= first
                || f.entity != "PERSON"
                || !places.iter().any(|p| p.start < f.end && f.start < p.end)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(entity, matched text)` of every finding, in order.
    pub(crate) fn scan(text: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        PiiScanner::new().scan(text, &mut out);
        out.sort_by_key(|f| f.start);
        out.iter()
            .map(|f| (f.entity.to_string(), text[f.span()].to_owned()))
            .collect()
    }

    #[test]
    fn entity_names_match_the_enum() {
        let all = [
            Entity::Email,
            Entity::Phone,
            Entity::CreditCard,
            Entity::Iban,
            Entity::UsSsn,
            Entity::Ip,
            Entity::Mac,
            Entity::UrlCredentials,
            Entity::Url,
            Entity::Crypto,
            Entity::DateOfBirth,
            Entity::UkNino,
            Entity::UkNhs,
            Entity::UsPassport,
            Entity::EsNif,
            Entity::ItFiscalCode,
            Entity::InAadhaar,
            Entity::Person,
            Entity::StreetAddress,
            Entity::Location,
        ];
        assert_eq!(all.len(), ENTITIES.len());
        for (i, e) in all.iter().enumerate() {
            assert_eq!(*e as usize, i);
            assert_eq!(e.name(), ENTITIES[i]);
        }
    }

    #[test]
    fn with_entities_limits_what_is_reported() {
        let text = "mail jane@example.com or call (202) 555-0173";
        let only_email = PiiScanner::with_entities(&["EMAIL_ADDRESS"]).unwrap();
        let mut out = Vec::new();
        only_email.scan(text, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].entity, "EMAIL_ADDRESS");
        assert_eq!(only_email.entities(), vec!["EMAIL_ADDRESS"]);
        let names = vec!["PHONE_NUMBER".to_owned()];
        let only_phone = PiiScanner::with_entities(&names).unwrap();
        out.clear();
        only_phone.scan(text, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].entity, "PHONE_NUMBER");
    }

    #[test]
    fn unknown_entity_names_itself_and_the_known_ones() {
        let err = PiiScanner::with_entities(&["EMAIL_ADDRESS", "SHOE_SIZE"]).unwrap_err();
        assert_eq!(err.name(), "SHOE_SIZE");
        let msg = err.to_string();
        assert!(
            msg.contains("`SHOE_SIZE`") && msg.contains("CREDIT_CARD"),
            "{msg}"
        );
    }

    #[test]
    fn min_score_filters_low_findings() {
        let text = "ref 2025550173";
        let mut out = Vec::new();
        PiiScanner::new().min_score(0.0).scan(text, &mut out);
        assert!(!out.is_empty(), "scored low, but reported at min 0");
        out.clear();
        PiiScanner::new().min_score(0.9).scan(text, &mut out);
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn digits_inside_an_iban_are_not_also_a_phone_or_card() {
        let got = scan("Pay to DE89 3704 0044 0532 0130 00 please");
        assert_eq!(
            got,
            vec![("IBAN_CODE".into(), "DE89 3704 0044 0532 0130 00".into())]
        );
    }

    #[test]
    fn benign_customer_messages_have_no_findings() {
        for t in [
            "I still have not received my new card, I ordered over a week ago.",
            "Why did I only get $20 when I tried to get $100",
            "Can you explain what this random $1 charge is?",
            "My order #4839201938 has not arrived",
            "I was charged $1,234.56 twice on 2024-01-05 10:00",
            "Please update the app to v1.2.3 first",
            "What is the €1 fee in my statement?",
            "I am only 17. Can I make an account?",
            "Transferring money in 2018 to another country shouldn't take this long.",
        ] {
            assert_eq!(scan(t), vec![], "{t}");
        }
    }
}
