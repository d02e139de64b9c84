//! This crate provides whet's deterministic assertions: given one model output
//! and one assertion (`contains`, `is-json`, `rouge-n`, `latency`, ...), it
//! says whether the output passes, with a score and a reason, the way
//! promptfoo does for the same assertion.
//!
//! # Brief overview
//!
//! An [`AssertionSpec`] is what a suite says: a type (any of them may be
//! negated with `not-`), a value, a threshold, a weight and a metric name.
//! [`Assertion::compile`] turns it into an [`Assertion`], doing once all the
//! work that does not depend on the output: parsing comma-separated values,
//! building Aho-Corasick automata and regexes, tokenizing references,
//! compiling JSON Schemas. [`Assertion::grade`] then reads a
//! [`GradeContext`] (the output text, and whatever else the response had:
//! tool calls, latency, cost, finish reason, token usage, logprobs, the
//! prompt's [`ToolSchema`]s) and returns a [`Grade`]. A response that lacks
//! what the assertion measures (a cached response has no latency) is a
//! [`GradeError`], not a failing grade; a malformed assertion is a
//! [`ParseError`] at compile time, never a panic and never ignored.
//!
//! ```
//! use whet_assert::{Assertion, GradeContext};
//!
//! let a = Assertion::from_json(&serde_json::json!({
//!     "type": "icontains-any",
//!     "value": "refund, \"money back\"",
//! }))?;
//! let g = a.grade(&GradeContext { output: "We will issue a Refund today.", ..Default::default() })?;
//! assert!(g.pass);
//! assert_eq!(g.score, 1.0);
//!
//! let not = Assertion::from_json(&serde_json::json!({"type": "not-contains", "value": "sorry"}))?;
//! let g = not.grade(&GradeContext { output: "sorry, I can't", ..Default::default() })?;
//! assert!(!g.pass);
//! assert_eq!(g.reason, "Expected output to not contain \"sorry\"");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Compatibility with promptfoo
//!
//! Verdicts and scores agree with promptfoo on its own test cases (the
//! conformance data in `tests/data`, checked by `tests/conformance.rs`), and
//! reasons use promptfoo's wording where it has one. Where whet differs on
//! purpose, the type's documentation says so and why; in short:
//!
//! - `not-X` is always the exact inverse of `X` in `pass`, and `1 - score`;
//! - a threshold of 0 is a threshold (promptfoo's `perplexity` treats it as
//!   none);
//! - `levenshtein` counts code points, not UTF-16 units;
//! - `bleu` scores an empty output 0 instead of throwing;
//! - a `threshold`, `value` or `normalizeUnicode` on a type that does not
//!   read it is an error, not silently ignored;
//! - JSON Schemas are checked by the `jsonschema` crate (draft 7 by default,
//!   formats enforced), not Ajv: unknown keywords are ignored rather than
//!   rejected, and error texts follow Ajv's for the common keywords only;
//! - `regex` uses Rust's `regex` syntax, falling back to `fancy-regex` for
//!   lookaround and backreferences; `\d`, `\w` and `\b` are Unicode-aware;
//! - the two `is-valid-openai-*` types read one list of tool schemas (the
//!   prompt's), where promptfoo reads `tools` for one and `functions` for the
//!   other; tool calls the provider parsed are validated first;
//! - `is-refusal` scores a blank output 1 like any other refusal (promptfoo
//!   passes it with score 0), and has no provider refusal flag to read.
//!
//! # Guard assertions
//!
//! Four types, whet's own, grade an output with the scanners and output
//! checks of `whet-guard` (compiled once per process and shared), and like
//! every type they may be negated with `not-`:
//!
//! - `pii-free`: the PII scanner finds nothing scoring at least `threshold`
//!   (default 0.5). `value`, optional, restricts the check to some entities
//!   (a list or a comma-separated string: `EMAIL_ADDRESS, PHONE_NUMBER`); an
//!   unknown entity name is a [`ParseError`]. The failure reason lists each
//!   finding's entity and its text masked (`EMAIL_ADDRESS j***@e***.com`).
//! - `no-injection`: the prompt-injection scanner finds no signal scoring
//!   at least `threshold` (default: the scanner's own attack threshold). No
//!   `value`. Useful on outputs that a later step reads as instructions,
//!   and on red-team datasets.
//! - `no-leak`: no secret (the secret scanner, at `threshold`, default
//!   0.5), none of the `value` strings (a canary token or secret phrase, or
//!   a list; a string is one value, not split at commas), found also
//!   re-cased, spaced out, reversed, rot13, base64 or hex encoded, and, when
//!   [`GradeContext::system_prompt`] is set, no long run of the system
//!   prompt (8 consecutive words, or half of its word 5-grams).
//! - `schema-valid`: the output's JSON matches the `value` JSON Schema (an
//!   object, a boolean, or YAML/JSON text, as for `is-json`). Unlike
//!   `is-json`, a code fence or prose around the JSON is forgiven, as a
//!   lenient caller would strip it; the failure reason gives the JSON
//!   pointer of the first error (`at /intent: value is not of type
//!   "string"`).
//!
//! Design choices, with what they cost: compiling does the work once per
//! assertion, so grading is a search over the output (about 0.2 µs for a
//! `contains` on a paragraph, a few µs for `rouge-n`, which tokenizes the
//! output). A passing grade's reason is a `&'static str` in a `Cow`, so the
//! common path of the string types allocates nothing (case-insensitive types
//! lowercase a copy of non-ASCII output; `normalizeUnicode` normalizes one);
//! a failing grade formats its reason. An assertion is `Send + Sync`, so one
//! compiled suite can be graded from many threads.

#![deny(missing_docs)]

mod assertion;
mod classify;
mod count;
mod grade;
mod guard;
mod js;
mod json;
mod metrics;
mod similarity;
mod text;
mod tools;

pub use assertion::{Assertion, AssertionSpec, AssertionType, ParseError};
pub use grade::{Grade, GradeContext, GradeError, TokenUsage, ToolCallRef};
pub use tools::ToolSchema;
pub use whet_guard::output::{REFUSAL_PHRASES, REFUSAL_PREFIXES};
