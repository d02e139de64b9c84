//! This crate provides whet's evaluation suites: the `evals/NAME.yaml` file
//! format, its dataset files (JSONL, CSV, YAML) and a parser that reports
//! every problem as a [`whet_registry::Diagnostic`] at file:line:col.
//!
//! # Brief overview
//!
//! [`suite::parse_suite_file`] reads a suite and returns the [`suite::Suite`]
//! (when it has no errors) with every diagnostic found in one pass: unknown
//! keys with "did you mean", wrong types, bad prompt references, assertions
//! that whet-assert refuses (pointing at the offending key), missing dataset
//! files, and bad dataset rows at their line. Parsing never panics on any
//! input (property tested). Datasets are read streaming: parsing counts,
//! checks and hashes their rows without keeping them, and
//! [`suite::Suite::cases`] streams the expanded cases (`defaultTest` and
//! scenarios applied) for the runner, which is not part of this crate yet.
//!
//! The format itself is documented in the [`suite`] module.
//! [`promptfoo::import_promptfoo_file`] reads a promptfoo config into the
//! same [`suite::Suite`], warning about every key it does not use.

pub mod compare;
pub mod coverage;
pub mod gate;
pub mod promptfoo;
pub mod record;
pub mod run;
pub mod suite;
pub mod summary;

pub use suite::{Suite, parse_suite, parse_suite_file};
