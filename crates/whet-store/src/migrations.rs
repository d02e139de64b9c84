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

/// Every migration, oldest first.
pub const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "response cache",
    sqlite: RESPONSE_CACHE,
    postgres: RESPONSE_CACHE,
}];
