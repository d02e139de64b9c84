//! whet's guardrails: scanners that find personal data, secrets, prompt
//! injection and output problems in text, redaction that hides what they
//! found (reversibly within one request), policies that decide what to do
//! (block, redact, warn, re-ask), and the offline red-team attack library.
//!
//! # Brief overview
//!
//! A [`Scanner`] reads a `&str` and appends [`Finding`]s: a category, an
//! entity type, a byte span, a score in `0..=1` and a reason. The built-in
//! scanners are [`pii::PiiScanner`], [`secrets::SecretScanner`],
//! [`injection::InjectionScanner`] and the output checks in [`output`];
//! [`ScannerSet`] runs several and merges overlapping findings. [`redact`]
//! rewrites a text given findings; [`policy::Guard`] compiles a policy and
//! applies it to a request's input and a model's output, returning a
//! [`policy::Verdict`]. [`redteam`] builds attacks and grades the answers.
//!
//! **Invariant:** this crate is pure. No I/O, no clock, no randomness
//! outside explicit seeds, no global mutable state; every scanner is
//! `Send + Sync` and never panics on any input (property tested). Anything
//! that needs a model (embedding similarity, an LLM judge) comes in through
//! a trait implemented by the caller.

pub mod finding;
pub mod injection;
pub mod output;
pub mod pii;
pub mod policy;
pub mod redact;
pub mod redteam;
pub mod scan;
pub mod secrets;

pub use finding::{Category, Finding};
pub use scan::{Scanner, ScannerSet};
