//! Evaluation runs and their results.
//!
//! An evaluation writes one result per case × variant × repeat while it
//! runs, in batches, so a run of 100,000 cases never sits in memory and a
//! killed run loses nothing it committed. This module stores what the
//! runner hands it without knowing its shape: the run's metadata and
//! summary, and each result's body, are opaque JSON text; only the key,
//! pass, error and score are columns, for counting and resuming.
//!
//! Resuming rests on two properties. Each [`Store::insert_results`] call is
//! one transaction, so after a crash a batch is either all there or not at
//! all. And a result's key is its primary key, inserted with
//! `ON CONFLICT DO NOTHING`, so inserting a batch again stores only the
//! results that were missing and never overwrites one already stored.

use crate::error::StoreError;
use crate::store::{Store, now};
use futures::{Stream, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::fmt;

/// Results per `INSERT` statement. Each row binds seven values and shares
/// the run id, so 16 rows bind 113. Kept small because SQLite treats `$N`
/// placeholders as named and looks each one up in a linear list: binding
/// costs grow with the square of the statement's size (at 128 rows this was
/// 12% of a mock-provider eval's profile).
const ROWS_PER_STATEMENT: usize = 16;

/// How many ids an ambiguous prefix error lists.
const MAX_CANDIDATES: usize = 10;

/// The columns of a [`RunRow`], counting its results on the fly (an index
/// range scan on the results' primary key).
macro_rules! select_runs {
    ($rest:literal) => {
        concat!(
            "SELECT id, created_at, suite, status, meta, summary, finished_at, ",
            "(SELECT COUNT(*) FROM eval_results r WHERE r.run_id = eval_runs.id) AS results ",
            "FROM eval_runs ",
            $rest
        )
    };
}

/// Newest first; the id breaks ties between runs created in the same instant.
const NEWEST_FIRST: &str = "ORDER BY created_at DESC, id DESC";

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Being written (or its process died without saying otherwise).
    Running,
    /// Stopped early (Ctrl-C); it can be resumed.
    Interrupted,
    /// Every case ran.
    Complete,
    /// Stopped by an error.
    Failed,
}

impl RunStatus {
    /// The stored form: `running`, `interrupted`, `complete`, `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Interrupted => "interrupted",
            Self::Complete => "complete",
            Self::Failed => "failed",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<RunStatus> {
        Some(match s {
            "running" => Self::Running,
            "interrupted" => Self::Interrupted,
            "complete" => Self::Complete,
            "failed" => Self::Failed,
            _ => return None,
        })
    }

    /// Whether the run has stopped: every status but `running`. Setting one
    /// records when it stopped.
    pub fn is_terminal(self) -> bool {
        self != Self::Running
    }
}

impl fmt::Display for RunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A run to create (its status starts as `running`).
#[derive(Debug, Clone, Copy)]
pub struct NewRun<'a> {
    /// A unique id, chosen by the caller.
    pub id: &'a str,
    /// When it started, RFC 3339 UTC. Runs are listed by this text, so use
    /// one fixed-width format for every run.
    pub created_at: &'a str,
    /// The suite's name (or path).
    pub suite: &'a str,
    /// Whatever the runner needs to resume it, as JSON.
    pub meta_json: &'a str,
}

/// One stored result: a case × variant × repeat.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultRow {
    /// The case's index in the suite.
    pub case_idx: u64,
    /// The variant's index (prompt × model).
    pub variant: u32,
    /// The repeat index.
    pub repeat: u32,
    /// Whether it passed.
    pub pass: bool,
    /// Whether it errored (rather than failed an assertion).
    pub error: bool,
    /// Its score. Not NaN (SQLite stores NaN as NULL); infinities are kept.
    pub score: f64,
    /// The full result, as JSON; stored and returned verbatim.
    pub body: String,
}

impl ResultRow {
    /// `(case_idx, variant, repeat)`, the key [`Store::result_keys`] returns.
    pub fn key(&self) -> (u64, u32, u32) {
        (self.case_idx, self.variant, self.repeat)
    }
}

/// A stored run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRow {
    /// Its id.
    pub id: String,
    /// When it was created, as given.
    pub created_at: String,
    /// The suite.
    pub suite: String,
    /// Where it stands.
    pub status: RunStatus,
    /// Its metadata, JSON.
    pub meta: String,
    /// Its summary, JSON, once one was set.
    pub summary: Option<String>,
    /// When it last stopped (RFC 3339 UTC); `None` while running.
    pub finished_at: Option<String>,
    /// How many results it holds.
    pub results: u64,
}

impl Store {
    /// Creates a run with status `running`. Fails with
    /// [`StoreError::RunExists`] if the id is taken.
    pub async fn create_run(&self, run: &NewRun<'_>) -> Result<(), StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO eval_runs (id, created_at, suite, status, meta) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(run.id)
        .bind(run.created_at)
        .bind(run.suite)
        .bind(RunStatus::Running.as_str())
        .bind(run.meta_json)
        .execute(self.pool())
        .await?
        .rows_affected();
        if inserted == 0 {
            return Err(StoreError::RunExists(run.id.to_owned()));
        }
        Ok(())
    }

    /// Sets a run's status. A terminal status records now as `finished_at`;
    /// `running` (a resume) clears it. A summary replaces the stored one;
    /// `None` keeps it.
    pub async fn set_run_status(
        &self,
        id: &str,
        status: RunStatus,
        summary_json: Option<&str>,
    ) -> Result<(), StoreError> {
        let finished_at = status.is_terminal().then(now);
        let query = match summary_json {
            Some(summary) => sqlx::query(
                "UPDATE eval_runs SET status = $2, finished_at = $3, summary = $4 WHERE id = $1",
            )
            .bind(id)
            .bind(status.as_str())
            .bind(finished_at)
            .bind(summary),
            None => sqlx::query("UPDATE eval_runs SET status = $2, finished_at = $3 WHERE id = $1")
                .bind(id)
                .bind(status.as_str())
                .bind(finished_at),
        };
        found(id, query.execute(self.pool()).await?.rows_affected())
    }

    /// Replaces a run's metadata.
    pub async fn update_run_meta(&self, id: &str, meta_json: &str) -> Result<(), StoreError> {
        let updated = sqlx::query("UPDATE eval_runs SET meta = $2 WHERE id = $1")
            .bind(id)
            .bind(meta_json)
            .execute(self.pool())
            .await?
            .rows_affected();
        found(id, updated)
    }

    /// Stores a batch of results in one transaction and returns how many
    /// were new. A result whose key is already stored is skipped, never
    /// overwritten, so a resumed run may send a batch again. Either the
    /// whole batch commits or nothing does (a bad row, a missing run, a
    /// crash).
    ///
    /// Rows go in multi-row `INSERT`s of up to 16, each a prepared
    /// statement the connection caches: on SQLite two to three times
    /// faster than one statement per row, about 3 s for 100,000 results in
    /// batches of 256 under the dev profile on two cores (see
    /// `examples/results_bench.rs`).
    pub async fn insert_results(
        &self,
        run_id: &str,
        rows: &[ResultRow],
    ) -> Result<u64, StoreError> {
        if rows.is_empty() {
            return Ok(0);
        }
        let case_indices = rows
            .iter()
            .map(|row| checked_case_idx(run_id, row))
            .collect::<Result<Vec<i64>, StoreError>>()?;
        let mut tx = self.pool().begin().await?;
        // Writing to the run's row first checks that the run exists and
        // takes the write lock before anything is read: SQLite then waits
        // for a concurrent writer (busy timeout) instead of failing on a
        // stale snapshot, and on PostgreSQL it serializes writers of one
        // run against each other and against `delete_run`.
        let locked = sqlx::query("UPDATE eval_runs SET status = status WHERE id = $1")
            .bind(run_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if locked == 0 {
            return Err(StoreError::RunNotFound(run_id.to_owned()));
        }
        let mut new = 0;
        for (chunk, case_indices) in rows
            .chunks(ROWS_PER_STATEMENT)
            .zip(case_indices.chunks(ROWS_PER_STATEMENT))
        {
            let sql = insert_sql(chunk.len());
            let mut query = sqlx::query(&sql).bind(run_id);
            for (row, case_idx) in chunk.iter().zip(case_indices) {
                query = query
                    .bind(*case_idx)
                    .bind(i64::from(row.variant))
                    .bind(i64::from(row.repeat))
                    .bind(i64::from(row.pass))
                    .bind(i64::from(row.error))
                    .bind(row.score)
                    .bind(row.body.as_str());
            }
            new += query.execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        tracing::debug!(run_id, rows = rows.len(), new, "stored results");
        Ok(new)
    }

    /// The keys `(case_idx, variant, repeat)` of every stored result of a
    /// run, in order: what a resumed run skips. Empty for an unknown run.
    pub async fn result_keys(&self, run_id: &str) -> Result<Vec<(u64, u32, u32)>, StoreError> {
        sqlx::query(
            "SELECT case_idx, variant, repeat_idx FROM eval_results WHERE run_id = $1
             ORDER BY case_idx, variant, repeat_idx",
        )
        .bind(run_id)
        .fetch(self.pool())
        .map(|row| decode_key(&row?))
        .try_collect()
        .await
    }

    /// How many results a run holds.
    pub async fn result_count(&self, run_id: &str) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM eval_results WHERE run_id = $1")
            .bind(run_id)
            .fetch_one(self.pool())
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// A run's results ordered by case, variant and repeat, read as the
    /// stream is polled: memory stays flat however many there are. The
    /// stream holds one pooled connection until it is dropped. Empty for
    /// an unknown run.
    pub fn results<'s>(
        &'s self,
        run_id: &str,
    ) -> impl Stream<Item = Result<ResultRow, StoreError>> + Send + use<'s> {
        sqlx::query(
            "SELECT case_idx, variant, repeat_idx, pass, error, score, body FROM eval_results
             WHERE run_id = $1 ORDER BY case_idx, variant, repeat_idx",
        )
        .bind(run_id.to_owned())
        .fetch(self.pool())
        .map(|row| decode_result(&row?))
    }

    /// Stored runs, newest first, at most `limit` of them.
    pub async fn list_runs(&self, limit: Option<u64>) -> Result<Vec<RunRow>, StoreError> {
        let limit = limit.map_or(i64::MAX, |n| i64::try_from(n).unwrap_or(i64::MAX));
        let sql = format!("{} {NEWEST_FIRST} LIMIT $1", select_runs!(""));
        sqlx::query(&sql)
            .bind(limit)
            .fetch(self.pool())
            .map(|row| decode_run(&row?))
            .try_collect()
            .await
    }

    /// The run with this exact id.
    pub async fn run(&self, id: &str) -> Result<Option<RunRow>, StoreError> {
        sqlx::query(select_runs!("WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .map(|row| decode_run(&row))
            .transpose()
    }

    /// The run whose id is `prefix` or, failing that, the only run whose id
    /// starts with `prefix`. Fails with [`StoreError::RunNotFound`] when
    /// none does and [`StoreError::AmbiguousRun`] when several do.
    pub async fn find_run(&self, prefix: &str) -> Result<RunRow, StoreError> {
        if prefix.is_empty() {
            return Err(StoreError::RunNotFound(String::new()));
        }
        if let Some(run) = self.run(prefix).await? {
            return Ok(run);
        }
        // `substr`, not `LIKE`: SQLite's LIKE ignores ASCII case and would
        // need `%` and `_` escaped. Both backends count characters.
        let chars = i64::try_from(prefix.chars().count()).unwrap_or(i64::MAX);
        let ids: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT id FROM eval_runs WHERE substr(id, 1, CAST($2 AS INTEGER)) = $1 {NEWEST_FIRST}"
        ))
        .bind(prefix)
        .bind(chars)
        .fetch_all(self.pool())
        .await?;
        match ids.as_slice() {
            [] => Err(StoreError::RunNotFound(prefix.to_owned())),
            [id] => self
                .run(id)
                .await?
                // Deleted between the two queries.
                .ok_or_else(|| StoreError::RunNotFound(prefix.to_owned())),
            _ => Err(StoreError::AmbiguousRun {
                prefix: prefix.to_owned(),
                matches: ids.len() as u64,
                candidates: ids.into_iter().take(MAX_CANDIDATES).collect(),
            }),
        }
    }

    /// The newest run, of `suite` if given.
    pub async fn latest_run(&self, suite: Option<&str>) -> Result<Option<RunRow>, StoreError> {
        let row = match suite {
            Some(suite) => {
                let sql = format!(
                    "{} {NEWEST_FIRST} LIMIT 1",
                    select_runs!("WHERE suite = $1")
                );
                sqlx::query(&sql)
                    .bind(suite)
                    .fetch_optional(self.pool())
                    .await?
            }
            None => {
                let sql = format!("{} {NEWEST_FIRST} LIMIT 1", select_runs!(""));
                sqlx::query(&sql).fetch_optional(self.pool()).await?
            }
        };
        row.map(|row| decode_run(&row)).transpose()
    }

    /// Deletes a run and its results in one transaction; returns how many
    /// results went with it.
    pub async fn delete_run(&self, id: &str) -> Result<u64, StoreError> {
        let mut tx = self.pool().begin().await?;
        let results = sqlx::query("DELETE FROM eval_results WHERE run_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let runs = sqlx::query("DELETE FROM eval_runs WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        found(id, runs)?;
        tx.commit().await?;
        tracing::info!(run_id = id, results, "deleted evaluation run");
        Ok(results)
    }
}

/// `Ok` when a statement touched the run, [`StoreError::RunNotFound`] when not.
fn found(id: &str, rows_affected: u64) -> Result<(), StoreError> {
    if rows_affected == 0 {
        return Err(StoreError::RunNotFound(id.to_owned()));
    }
    Ok(())
}

/// The case index as the signed 64-bit integer both backends store,
/// refusing what cannot be stored (before the batch starts).
fn checked_case_idx(run_id: &str, row: &ResultRow) -> Result<i64, StoreError> {
    let bad = |reason| StoreError::BadResult {
        run_id: run_id.to_owned(),
        case_idx: row.case_idx,
        variant: row.variant,
        repeat: row.repeat,
        reason,
    };
    if row.score.is_nan() {
        return Err(bad("its score is NaN"));
    }
    i64::try_from(row.case_idx).map_err(|_| bad("its case index is above 2^63 - 1"))
}

/// `INSERT` of `rows` results sharing the run id `$1`.
fn insert_sql(rows: usize) -> String {
    let mut sql = String::with_capacity(160 + rows * 48);
    sql.push_str(
        "INSERT INTO eval_results (run_id, case_idx, variant, repeat_idx, pass, error, score, body) VALUES ",
    );
    for i in 0..rows {
        let p = 2 + i * 7;
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!(
            "($1, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
            p,
            p + 1,
            p + 2,
            p + 3,
            p + 4,
            p + 5,
            p + 6
        ));
    }
    sql.push_str(" ON CONFLICT (run_id, case_idx, variant, repeat_idx) DO NOTHING");
    sql
}

fn corrupt(message: String) -> StoreError {
    StoreError::Corrupt {
        table: "eval_results",
        message,
    }
}

fn decode_key(row: &AnyRow) -> Result<(u64, u32, u32), StoreError> {
    let case_idx: i64 = row.try_get("case_idx")?;
    let variant: i64 = row.try_get("variant")?;
    let repeat: i64 = row.try_get("repeat_idx")?;
    let key = (
        u64::try_from(case_idx),
        u32::try_from(variant),
        u32::try_from(repeat),
    );
    match key {
        (Ok(c), Ok(v), Ok(r)) => Ok((c, v, r)),
        _ => Err(corrupt(format!(
            "key ({case_idx}, {variant}, {repeat}) is out of range"
        ))),
    }
}

fn decode_flag(row: &AnyRow, column: &str) -> Result<bool, StoreError> {
    match row.try_get::<i64, _>(column)? {
        0 => Ok(false),
        1 => Ok(true),
        n => Err(corrupt(format!("{column} is {n}, not 0 or 1"))),
    }
}

fn decode_result(row: &AnyRow) -> Result<ResultRow, StoreError> {
    let (case_idx, variant, repeat) = decode_key(row)?;
    Ok(ResultRow {
        case_idx,
        variant,
        repeat,
        pass: decode_flag(row, "pass")?,
        error: decode_flag(row, "error")?,
        score: row.try_get("score")?,
        body: row.try_get("body")?,
    })
}

fn decode_run(row: &AnyRow) -> Result<RunRow, StoreError> {
    let id: String = row.try_get("id")?;
    let status: String = row.try_get("status")?;
    let status = RunStatus::parse(&status).ok_or_else(|| StoreError::Corrupt {
        table: "eval_runs",
        message: format!("run {id} has unknown status `{status}`"),
    })?;
    let results: i64 = row.try_get("results")?;
    Ok(RunRow {
        created_at: row.try_get("created_at")?,
        suite: row.try_get("suite")?,
        status,
        meta: row.try_get("meta")?,
        summary: row.try_get("summary")?,
        finished_at: row.try_get("finished_at")?,
        results: u64::try_from(results).unwrap_or(0),
        id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_stored_form() {
        for status in [
            RunStatus::Running,
            RunStatus::Interrupted,
            RunStatus::Complete,
            RunStatus::Failed,
        ] {
            assert_eq!(RunStatus::parse(status.as_str()), Some(status));
            assert_eq!(
                serde_json::to_string(&status).unwrap(),
                format!("\"{status}\"")
            );
        }
        assert_eq!(RunStatus::parse("Running"), None);
    }

    #[test]
    fn insert_sql_numbers_each_rows_parameters_after_the_shared_run_id() {
        let sql = insert_sql(2);
        assert!(
            sql.contains("VALUES ($1, $2, $3, $4, $5, $6, $7, $8), ($1, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT"),
            "{sql}"
        );
        // The largest statement stays within SQLite's historical limit.
        let last = 1 + ROWS_PER_STATEMENT * 7;
        assert!(last <= 999);
        assert!(insert_sql(ROWS_PER_STATEMENT).contains(&format!("${last})")));
        assert!(!insert_sql(ROWS_PER_STATEMENT).contains(&format!("${}", last + 1)));
    }
}
