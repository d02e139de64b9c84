//! Redaction: rewriting a text so that the spans scanners found no longer
//! show what they held.
//!
//! [`redact`] takes the text, the [`Finding`]s and an [`Operator`] and
//! returns the rewritten text. Findings may overlap (a phone number inside
//! a URL, two scanners on one card number): overlapping spans are merged
//! into their union, and the longest finding (then the best scored) names
//! the merged span. Spans that are empty, reversed, past the end or not on
//! `char` boundaries are skipped, never trusted.
//!
//! Only [`Operator::Placeholder`] is reversible: it records every original
//! value in a [`Vault`] that lives for one request, so that the model sees
//! `<EMAIL_ADDRESS_1>` and the user, after [`Vault::restore`], sees the
//! address again.

mod vault;

use std::borrow::Cow;
use std::cmp::Reverse;
use std::fmt;
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::Finding;

pub use vault::Vault;

/// How many trailing characters [`Operator::mask`] keeps: four, as card
/// receipts and bank statements print the last four digits of a card or an
/// account, which is what people use to tell theirs apart.
pub const DEFAULT_MASK_KEEP_LAST: usize = 4;

/// The character [`Operator::mask`] writes over a value.
pub const DEFAULT_MASK_CHAR: char = '*';

/// How a redacted span is rewritten.
#[derive(Clone, PartialEq, Eq, Default)]
pub enum Operator {
    /// `<ENTITY_N>`: each distinct value of an entity gets the next number
    /// (`<EMAIL_ADDRESS_1>`, `<EMAIL_ADDRESS_2>`, ...) in order of first
    /// appearance, and the same value gets the same placeholder for the
    /// whole request. Reversible through the [`Vault`]. The default: the
    /// model still sees that there was an email, and which mentions are the
    /// same one.
    #[default]
    Placeholder,
    /// Every character replaced by `char` except the last `keep_last`,
    /// keeping the length in characters (`************1111`). At least half
    /// of a value is always masked, so a short value is never kept whole.
    Mask {
        /// The character written over the value.
        char: char,
        /// How many trailing characters stay visible (capped at half).
        keep_last: usize,
    },
    /// `<ENTITY:hex8>`: the first 8 hex digits of
    /// `sha256(salt || value)`. Not reversible, but stable for one salt, so
    /// analysts can count and join on values they can't read. The salt
    /// must be non-empty and kept secret: without it a phone number's hash
    /// is found by trying every number. An empty salt writes `<ENTITY>`
    /// (no hash) rather than an unsalted one; [`Operator::validate`]
    /// rejects it.
    Hash {
        /// Secret bytes hashed before each value.
        salt: String,
    },
    /// The span is removed, with one of the two spaces around it, so
    /// `"mail x@y.com now"` becomes `"mail now"`.
    Drop,
}

impl Operator {
    /// [`Operator::Mask`] with `*`, keeping the last
    /// [`DEFAULT_MASK_KEEP_LAST`] characters.
    pub fn mask() -> Operator {
        Operator::Mask {
            char: DEFAULT_MASK_CHAR,
            keep_last: DEFAULT_MASK_KEEP_LAST,
        }
    }

    /// The operator's name in policies and reports: `placeholder`, `mask`,
    /// `hash` or `drop`.
    pub fn name(&self) -> &'static str {
        match self {
            Operator::Placeholder => "placeholder",
            Operator::Mask { .. } => "mask",
            Operator::Hash { .. } => "hash",
            Operator::Drop => "drop",
        }
    }

    /// Checks what the type can't: a hash needs a non-empty salt.
    pub fn validate(&self) -> Result<(), OperatorError> {
        match self {
            Operator::Hash { salt } if salt.is_empty() => Err(OperatorError::EmptySalt),
            _ => Ok(()),
        }
    }
}

/// The salt is a secret: `Debug` shows its length only.
impl fmt::Debug for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operator::Placeholder => f.write_str("Placeholder"),
            Operator::Mask { char, keep_last } => f
                .debug_struct("Mask")
                .field("char", char)
                .field("keep_last", keep_last)
                .finish(),
            Operator::Hash { salt } => write!(f, "Hash {{ salt: <{} bytes> }}", salt.len()),
            Operator::Drop => f.write_str("Drop"),
        }
    }
}

/// A misconfigured [`Operator`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OperatorError {
    /// [`Operator::Hash`] with an empty salt.
    #[error(
        "the hash operator needs a non-empty salt (an unsalted hash of a phone number is found by trying every number)"
    )]
    EmptySalt,
}

/// Rewrites every span of `findings` in `text` with `op`.
///
/// Overlapping findings are merged (see the module docs); invalid spans are
/// skipped. Placeholders are recorded in `vault`, which should live for one
/// request: the input's redaction and the output's restoration.
pub fn redact(text: &str, findings: &[Finding], op: &Operator, vault: &mut Vault) -> String {
    let items: Vec<(&Finding, &Operator)> = findings.iter().map(|f| (f, op)).collect();
    redact_each(text, &items, vault)
}

/// Like [`redact`], with an operator per finding: several policy rules
/// redact one text in one pass, each with its own operator. A merged span
/// uses the operator of the finding that names it.
pub fn redact_each(text: &str, items: &[(&Finding, &Operator)], vault: &mut Vault) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for g in merge(text, items) {
        out.push_str(text.get(pos..g.start).unwrap_or_default());
        let value = text.get(g.start..g.end).unwrap_or_default();
        pos = g.end;
        match g.op {
            Operator::Placeholder => {
                out.push_str(&vault.placeholder(&label(&g.lead.entity), value))
            }
            Operator::Mask { char, keep_last } => mask(&mut out, value, *char, *keep_last),
            Operator::Hash { salt } => hash(&mut out, &label(&g.lead.entity), salt, value),
            Operator::Drop => pos += drop_gap(&mut out, text.get(pos..).unwrap_or_default()),
        }
    }
    out.push_str(text.get(pos..).unwrap_or_default());
    out
}

/// A run of overlapping findings, rewritten as one.
struct Group<'a> {
    start: usize,
    end: usize,
    /// The finding that names the group: the longest, then the best scored.
    lead: &'a Finding,
    op: &'a Operator,
}

/// The valid findings sorted by start and merged where they share a byte.
fn merge<'a>(text: &str, items: &[(&'a Finding, &'a Operator)]) -> Vec<Group<'a>> {
    let mut valid: Vec<(&Finding, &Operator)> = items
        .iter()
        .copied()
        .filter(|(f, _)| valid_span(text, f))
        .collect();
    valid.sort_by_key(|(f, _)| (f.start, Reverse(f.end)));
    let mut groups: Vec<Group<'a>> = Vec::with_capacity(valid.len());
    for (f, op) in valid {
        match groups.last_mut() {
            Some(g) if f.start < g.end => {
                g.end = g.end.max(f.end);
                if names_better(f, g.lead) {
                    g.lead = f;
                    g.op = op;
                }
            }
            _ => groups.push(Group {
                start: f.start,
                end: f.end,
                lead: f,
                op,
            }),
        }
    }
    groups
}

/// Whether `f` covers at least one char of `text` and starts and ends on
/// char boundaries.
fn valid_span(text: &str, f: &Finding) -> bool {
    f.start < f.end && text.is_char_boundary(f.start) && text.is_char_boundary(f.end)
}

/// Whether `a` should name a merged span rather than `b`.
fn names_better(a: &Finding, b: &Finding) -> bool {
    let (la, lb) = (a.end - a.start, b.end - b.start);
    la > lb || (la == lb && a.score > b.score)
}

/// The entity name as it appears in placeholders and hashes: ASCII
/// letters upper-cased, digits and `_` kept, anything else `_`, so that
/// [`Vault::restore`] can find it as one word. An empty name is `REDACTED`.
fn label(entity: &str) -> Cow<'_, str> {
    let clean = |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_';
    if entity.is_empty() {
        return Cow::Borrowed("REDACTED");
    }
    if entity.bytes().all(clean) {
        return Cow::Borrowed(entity);
    }
    let fixed = entity
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    Cow::Owned(fixed)
}

/// Writes `value` masked with `with`, keeping at most `keep_last`
/// characters and at most half of them.
fn mask(out: &mut String, value: &str, with: char, keep_last: usize) {
    let n = value.chars().count();
    let keep = keep_last.min(n / 2);
    out.extend(std::iter::repeat_n(with, n - keep));
    out.extend(value.chars().skip(n - keep));
}

/// Writes `<LABEL:hex8>` of `sha256(salt || value)`, or `<LABEL>` when the
/// salt is empty.
fn hash(out: &mut String, label: &str, salt: &str, value: &str) {
    out.push('<');
    out.push_str(label);
    if !salt.is_empty() {
        let digest = Sha256::new()
            .chain_update(salt.as_bytes())
            .chain_update(value.as_bytes())
            .finalize();
        out.push(':');
        for b in digest.iter().take(4) {
            let _ = write!(out, "{b:02x}");
        }
    }
    out.push('>');
}

/// After a dropped span, avoids a doubled space: skips one space at the
/// start of `rest` when the output already ends with one (or is empty), or
/// pops the output's trailing space when `rest` starts with punctuation or
/// is empty. Returns how many bytes of `rest` to skip.
fn drop_gap(out: &mut String, rest: &str) -> usize {
    let space_before = out.is_empty() || out.ends_with(' ');
    if space_before && rest.starts_with(' ') {
        return 1;
    }
    let closes = rest.is_empty() || rest.starts_with(['.', ',', ';', ':', '!', '?', ')', '\n']);
    if out.ends_with(' ') && closes {
        out.pop();
    }
    0
}

#[cfg(test)]
mod tests;
