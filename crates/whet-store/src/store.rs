//! Connecting and migrating.

use crate::error::StoreError;
use crate::migrations::MIGRATIONS;
use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;
use std::path::Path;

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A local file.
    Sqlite,
    /// A server shared by a team.
    Postgres,
}

/// A connection pool to the project's database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Opens `sqlite://PATH` (creating the file and its folder) or
    /// `postgres://…`, then applies pending migrations.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let (backend, url) = if let Some(path) = url.strip_prefix("sqlite://") {
            let path = path.split('?').next().unwrap_or(path);
            if let Some(dir) = Path::new(path)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
                    path: dir.display().to_string(),
                    source,
                })?;
            }
            (Backend::Sqlite, format!("sqlite://{path}?mode=rwc"))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_owned())
        } else {
            return Err(StoreError::BadUrl(url.to_owned()));
        };
        let max = if backend == Backend::Sqlite { 4 } else { 16 };
        let sqlite = backend == Backend::Sqlite;
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if sqlite {
                        // WAL lets readers proceed while a writer commits; the busy
                        // timeout makes concurrent whet processes wait instead of fail.
                        sqlx::query("PRAGMA journal_mode=WAL")
                            .execute(&mut *conn)
                            .await?;
                        sqlx::query("PRAGMA busy_timeout=5000")
                            .execute(&mut *conn)
                            .await?;
                        // Under WAL, NORMAL keeps every committed transaction
                        // across a crash or kill of the process (only a power
                        // loss may drop the last ones) and saves an fsync per
                        // commit.
                        sqlx::query("PRAGMA synchronous=NORMAL")
                            .execute(&mut *conn)
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        let store = Store { pool, backend };
        store.migrate().await?;
        Ok(store)
    }

    /// The SQLite URL of a project's default database file.
    pub fn sqlite_url(path: &Path) -> String {
        format!("sqlite://{}", path.display())
    }

    /// The pool, for this crate's modules.
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The highest applied migration version.
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        let v: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM whet_migrations")
            .fetch_one(&self.pool)
            .await?;
        Ok(v.unwrap_or(0))
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        sqlx::query("CREATE TABLE IF NOT EXISTS whet_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
            .execute(&self.pool)
            .await?;
        let current = self.schema_version().await?;
        for m in MIGRATIONS.iter().filter(|m| m.version > current) {
            match self.apply(m).await {
                Ok(()) => tracing::info!(version = m.version, name = m.name, "applied migration"),
                // Another process may have applied it at the same time: its
                // transaction won, ours rolled back, and the schema is current.
                Err(e) if self.schema_version().await? >= m.version => {
                    tracing::debug!(version = m.version, error = %e, "migration applied concurrently");
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    async fn apply(&self, m: &crate::migrations::Migration) -> Result<(), StoreError> {
        let fail = |source| StoreError::Migration {
            version: m.version,
            name: m.name,
            source,
        };
        let mut tx = self.pool.begin().await?;
        let statements = match self.backend {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        for sql in statements {
            sqlx::query(sql).execute(&mut *tx).await.map_err(fail)?;
        }
        sqlx::query("INSERT INTO whet_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(m.version)
            .bind(m.name)
            .bind(now())
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
        tx.commit().await.map_err(fail)?;
        Ok(())
    }
}

/// Now, RFC 3339 UTC.
pub(crate) fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
