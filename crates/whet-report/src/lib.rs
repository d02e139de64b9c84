//! This crate provides the reports of a `whet eval` run: the scorecard
//! printed in the terminal, a markdown summary for a pull-request comment,
//! JUnit XML for CI, the whole run as JSON, and a self-contained HTML page to
//! explore the results in.
//!
//! # Brief overview
//!
//! Every renderer reads the same inputs, defined in [`whet_eval::record`]:
//! the run's [`RunMeta`](whet_eval::record::RunMeta) (what ran: prompt
//! versions, models, datasets, whet build), its
//! [`Summary`](whet_eval::record::Summary) (built streaming by
//! [`whet_eval::summary::SummaryBuilder`]), and when there is one the
//! [`Comparison`](whet_eval::record::Comparison) with a baseline and the
//! gate's [`GateVerdict`](whet_eval::record::GateVerdict).
//!
//! - [`terminal::scorecard`] and [`markdown::summary`] need only those and
//!   return a `String`;
//! - [`json::write`] and [`html::write`] also take the results, as an
//!   iterator they read once, one result at a time, writing as they go: a
//!   run of any size is reported without holding it in memory (the HTML
//!   page embeds a capped number of results, and says so);
//! - [`junit::write`] needs each variant's results together, and takes a
//!   closure that yields the results again per variant (see its module for
//!   why).
//!
//! Writers take any [`std::io::Write`] and buffer internally.
//!
//! ```
//! use whet_eval::record::*;
//! use whet_eval::summary::SummaryBuilder;
//!
//! let meta = RunMeta {
//!     record_version: RECORD_VERSION,
//!     id: "20260101-000000-abcd".into(),
//!     created_at: "2026-01-01T00:00:00Z".into(),
//!     suite: SuiteInfo { path: "evals/route.yaml".into(), sha256: "ab".repeat(32), description: None, format: "whet".into() },
//!     datasets: vec![],
//!     variants: vec![VariantInfo {
//!         name: "route@1.0.0 · mock".into(), role: Role::Candidate, prompt: "route".into(),
//!         reference: "route@1.0.0".into(), version: Some("1.0.0".into()), label: None,
//!         content_hash: "cd".repeat(32), model_alias: "mock".into(), provider: "mock".into(),
//!         model: "mock".into(), params: serde_json::Value::Null,
//!     }],
//!     options: RunOptions { repeat: 1, filter: vec![], sample: None, seed: 0, cache: "off".into(), baseline_run: None },
//!     cases: 0,
//!     whet_version: "0.1.0".into(),
//!     git_commit: None,
//! };
//! let summary = SummaryBuilder::new(&meta).finish();
//! let text = whet_report::terminal::scorecard(&meta, &summary, None, None, false);
//! assert!(text.contains("route@1.0.0 · mock"));
//!
//! let mut json = Vec::new();
//! whet_report::json::write(&meta, &summary, None, None, std::iter::empty(), &mut json)?;
//! let back: serde_json::Value = serde_json::from_slice(&json)?;
//! assert_eq!(back["results"], serde_json::json!([]));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

mod fmt;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
mod table;
pub mod terminal;

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The writer failed (disk full, closed pipe, ...).
    #[error("could not write the report: {0}")]
    Io(#[from] std::io::Error),
    /// A record could not be serialized.
    #[error("could not serialize the report: {0}")]
    Json(#[from] serde_json::Error),
}
