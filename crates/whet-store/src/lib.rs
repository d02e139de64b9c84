//! This crate provides whet's persistence: one [`Store`] over SQLite (the
//! default, a file in the project) or PostgreSQL (for teams), with
//! versioned migrations, and the [`ResponseCache`] built on it.
//!
//! # Brief overview
//!
//! - [`Store::open`] takes `sqlite://PATH` or `postgres://…`, connects and
//!   applies pending [`migrations`]. Queries are written once, with `$N`
//!   placeholders, which both backends accept.
//! - [`ResponseCache`] wraps a [`whet_providers::Provider`] call: a
//!   content-addressed key (see [`cache_key`]) over provider, model,
//!   parameters, messages, tools, schema, seed and a repeat index, so
//!   `--repeat 5` stores five samples, not one. [`CacheMode`] picks
//!   read-write, read-only, write-only or off.
//!
//! Architecture invariant: only this crate runs SQL, and no secret is ever
//! stored: cache keys and rows hold requests and responses, never headers
//! or API keys.

mod cache;
mod error;
mod migrations;
mod store;

pub use cache::{CacheMode, CacheStatus, CallOutcome, ResponseCache, cache_key};
pub use error::StoreError;
pub use migrations::MIGRATIONS;
pub use store::{Backend, Store};
