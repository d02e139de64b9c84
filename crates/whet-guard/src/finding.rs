//! What every scanner reports: [`Finding`]s.

use std::borrow::Cow;
use std::ops::Range;

use serde::Serialize;

/// The family a finding belongs to; policies choose actions per family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Personal data: emails, phone numbers, card numbers, names, ...
    Pii,
    /// Credentials: API keys, private keys, tokens.
    Secret,
    /// Prompt injection and jailbreak attempts.
    Injection,
    /// Problems with a model's output: schema, refusal, leakage, banned terms,
    /// ungrounded citations.
    Output,
}

impl Category {
    /// The name used in policies, JSON and reports (`pii`, `secret`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Pii => "pii",
            Category::Secret => "secret",
            Category::Injection => "injection",
            Category::Output => "output",
        }
    }
}

/// One thing a scanner found in a text.
///
/// `start..end` is a byte range of the scanned text, always on `char`
/// boundaries, so `&text[f.span()]` is the matched piece. A finding about
/// the text as a whole (an output that is not valid JSON) spans all of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The family.
    pub category: Category,
    /// The entity type in SCREAMING_SNAKE_CASE, Presidio's names where it
    /// has one: `EMAIL_ADDRESS`, `PHONE_NUMBER`, `CREDIT_CARD`,
    /// `IBAN_CODE`, `US_SSN`, `IP_ADDRESS`, `OPENAI_API_KEY`,
    /// `INSTRUCTION_OVERRIDE`, `SCHEMA_INVALID`, ...
    pub entity: Cow<'static, str>,
    /// Start byte offset in the scanned text.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// Confidence in `0.0..=1.0`.
    pub score: f32,
    /// Why, for a person: which pattern, which check, which context word.
    pub reason: Cow<'static, str>,
}

impl Finding {
    /// A finding with a static entity name and reason.
    pub fn new(
        category: Category,
        entity: impl Into<Cow<'static, str>>,
        span: Range<usize>,
        score: f32,
        reason: impl Into<Cow<'static, str>>,
    ) -> Finding {
        Finding {
            category,
            entity: entity.into(),
            start: span.start,
            end: span.end,
            score: score.clamp(0.0, 1.0),
            reason: reason.into(),
        }
    }

    /// The byte range of the finding.
    pub fn span(&self) -> Range<usize> {
        self.start..self.end
    }

    /// Whether two findings share at least one byte.
    pub fn overlaps(&self, other: &Finding) -> bool {
        self.start < other.end && other.start < self.end
    }
}
