//! Versioned schema migrations. Each is applied once, in order, inside a
//! transaction, and recorded in `whet_migrations`. Statements are written
//! in the SQL both SQLite and PostgreSQL accept; where they differ, a
//! migration gives both forms.

/// One migration.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// Strictly increasing version.
    pub version: i64,
    /// A short name.
    pub name: &'static str,
    /// Statements for SQLite.
    pub sqlite: &'static [&'static str],
    /// Statements for PostgreSQL.
    pub postgres: &'static [&'static str],
}

const RESPONSE_CACHE: &[&str] = &[
    "CREATE TABLE response_cache (
        key TEXT PRIMARY KEY,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        response TEXT NOT NULL,
        created_at TEXT NOT NULL,
        hits BIGINT NOT NULL DEFAULT 0
    )",
    "CREATE INDEX response_cache_model ON response_cache (provider, model)",
];

/// Evaluation runs and their results (see `runs.rs`). `pass` and `error`
/// are 0/1 integers rather than booleans so one set of queries binds them
/// on both backends; `DOUBLE PRECISION` is an 8-byte float on PostgreSQL
/// and has REAL affinity on SQLite, so both decode as `f64`. Results are
/// keyed by the run and (case, variant, repeat), which is what makes
/// re-inserting after a resume a no-op, and is also the streaming order.
const EVAL_RUNS: &[&str] = &[
    "CREATE TABLE eval_runs (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        suite TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'interrupted', 'complete', 'failed')),
        meta TEXT NOT NULL,
        summary TEXT NULL,
        finished_at TEXT NULL
    )",
    "CREATE INDEX eval_runs_created ON eval_runs (created_at)",
    "CREATE INDEX eval_runs_suite_created ON eval_runs (suite, created_at)",
    "CREATE TABLE eval_results (
        run_id TEXT NOT NULL REFERENCES eval_runs (id),
        case_idx BIGINT NOT NULL,
        variant BIGINT NOT NULL,
        repeat_idx BIGINT NOT NULL,
        pass BIGINT NOT NULL CHECK (pass IN (0, 1)),
        error BIGINT NOT NULL CHECK (error IN (0, 1)),
        score DOUBLE PRECISION NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (run_id, case_idx, variant, repeat_idx)
    )",
];

/// Every migration, oldest first.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "response cache",
        sqlite: RESPONSE_CACHE,
        postgres: RESPONSE_CACHE,
    },
    Migration {
        version: 2,
        name: "evaluation runs",
        sqlite: EVAL_RUNS,
        postgres: EVAL_RUNS,
    },
];
