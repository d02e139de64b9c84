//! Checks on what a model said, as opposed to what a user sent.
//!
//! Each check is a small module with one job, and all of them report
//! [`Finding`](crate::Finding)s in [`Category::Output`](crate::Category::Output).
//! Like every scanner they are pure and never panic (property tested in
//! `props.rs`); all but [`system_prompt_leak`] and [`check_citations`] are
//! compiled once and reused:
//!
//! - [`schema`]: the output must be JSON valid against a JSON Schema
//!   ([`SchemaCheck`], draft 7 by default). It is lenient the way a model's
//!   caller has to be: a ```` ```json ```` fence or prose around the object is
//!   stripped, and the result says so. Failures are `NOT_JSON` or
//!   `SCHEMA_INVALID` (one per error, with its JSON pointer), and
//!   [`reask_message`] turns them into the follow-up message of a repair
//!   re-ask, which a caller repeats at most
//!   [`schema::DEFAULT_MAX_REASKS`] times by default.
//! - [`refusal`]: [`is_refusal`], the phrase heuristic the `is-refusal`
//!   assertion uses (blank, a refusal opening, or a refusal phrase
//!   anywhere), and [`RefusalScanner`] (`REFUSAL`, spanning the whole text).
//! - [`canary`]: system-prompt leakage. A [`Canary`] is a seeded token to put
//!   in a system prompt; [`Canary::leaked`] finds it in an output also when
//!   it is reversed, spaced out, re-cased, stripped of hyphens, or base64 or
//!   hex encoded (`CANARY_LEAK`; for an encoded token the span is the
//!   encoded run). [`system_prompt_leak`] flags an output that
//!   reproduces a long run of the system prompt itself
//!   (`SYSTEM_PROMPT_LEAK`).
//! - [`leak`]: the machinery behind [`Canary::leaked`], for any list of
//!   values: [`LeakDetector`] finds secret phrases in the same disguises
//!   (`SECRET_LEAK`).
//! - [`banned`]: [`BannedTerms`], whole-word case-insensitive matches of a
//!   list (competitors, forbidden topics) with one Aho-Corasick automaton
//!   (`BANNED_TERM`).
//! - [`grounding`]: [`check_citations`] and [`check_citations_with_ids`]:
//!   every citation in a RAG answer (`[1]`, `[doc3]`, `[source: id]`,
//!   `(Source 2)`, `^1`) must point to a supplied context
//!   (`UNGROUNDED_CITATION`), and every long quotation must appear in one
//!   (`UNGROUNDED_QUOTE`).
//!
//! PII and secrets in outputs are found by the input scanners
//! ([`crate::pii::PiiScanner`], [`crate::secrets::SecretScanner`]) run on
//! the output text.

pub mod banned;
pub mod canary;
pub mod grounding;
pub mod leak;
pub mod refusal;
pub mod schema;

#[cfg(test)]
mod props;

pub use banned::{BannedError, BannedTerms};
pub use canary::{Canary, system_prompt_leak};
pub use grounding::{check_citations, check_citations_with_ids};
pub use leak::LeakDetector;
pub use refusal::{REFUSAL_PHRASES, REFUSAL_PREFIXES, RefusalScanner, is_refusal};
pub use schema::{Extracted, Extraction, SchemaCheck, SchemaError, reask_message};
