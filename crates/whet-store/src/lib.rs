//! This crate provides whet's persistence: one [`Store`] over SQLite (the
//! default, a file in the project) or PostgreSQL (for teams), with
//! versioned migrations, the [`ResponseCache`] built on it, and the
//! evaluation runs whose results the eval runner streams into it.
//!
//! # Brief overview
//!
//! - [`Store::open`] takes `sqlite://PATH` or `postgres://…`, connects and
//!   applies pending [`MIGRATIONS`]. Queries are written once, with `$N`
//!   placeholders, which both backends accept.
//! - [`ResponseCache`] wraps a [`whet_providers::Provider`] call: a
//!   content-addressed key (see [`cache_key`]) over provider, model,
//!   parameters, messages, tools, schema, seed and a repeat index, so
//!   `--repeat 5` stores five samples, not one. [`CacheMode`] picks
//!   read-write, read-only, write-only or off.
//! - Evaluation runs: [`Store::create_run`] records a run ([`NewRun`]),
//!   [`Store::insert_results`] stores a batch of [`ResultRow`]s in one
//!   transaction and skips keys already stored, so a run killed at any
//!   point resumes from [`Store::result_keys`] without losing or
//!   duplicating a result. [`Store::results`] streams them back in key
//!   order without loading them; [`Store::list_runs`], [`Store::find_run`]
//!   (unique id prefixes) and [`Store::latest_run`] return [`RunRow`]s.
//!   Metadata, summaries and result bodies are JSON text this crate never
//!   parses: whet-eval owns their shape.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use futures::TryStreamExt;
//! use whet_store::{NewRun, ResultRow, RunStatus, Store};
//!
//! let dir = tempfile::tempdir()?;
//! let store = Store::open(&Store::sqlite_url(&dir.path().join("whet.db"))).await?;
//! let run = NewRun {
//!     id: "r1",
//!     created_at: "2026-01-01T00:00:00.000Z",
//!     suite: "smoke",
//!     meta_json: "{}",
//! };
//! store.create_run(&run).await?;
//! let result = ResultRow {
//!     case_idx: 0,
//!     variant: 0,
//!     repeat: 0,
//!     pass: true,
//!     error: false,
//!     score: 1.0,
//!     body: r#"{"output":"hi"}"#.into(),
//! };
//! assert_eq!(store.insert_results("r1", &[result.clone()]).await?, 1);
//! // A resumed run that sends the batch again stores nothing twice.
//! assert_eq!(store.insert_results("r1", &[result.clone()]).await?, 0);
//! assert_eq!(store.result_keys("r1").await?, [(0, 0, 0)]);
//! store
//!     .set_run_status("r1", RunStatus::Complete, Some(r#"{"passed":1}"#))
//!     .await?;
//! let stored: Vec<ResultRow> = store.results("r1").try_collect().await?;
//! assert_eq!(stored, [result]);
//! # Ok(())
//! # }
//! ```
//!
//! Architecture invariant: only this crate runs SQL, and no secret is ever
//! stored: cache keys and rows hold requests and responses, never headers
//! or API keys.

mod cache;
mod error;
mod migrations;
mod runs;
mod store;

pub use cache::{CacheMode, CacheStatus, CallOutcome, ResponseCache, cache_key};
pub use error::StoreError;
pub use migrations::MIGRATIONS;
pub use runs::{NewRun, ResultRow, RunRow, RunStatus};
pub use store::{Backend, Store};
