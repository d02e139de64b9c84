#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]
//! Times storing and reading evaluation results on SQLite in a temporary
//! directory, and prints a table:
//!
//! - `insert_results`: ROWS small results in batches of BATCH (one
//!   transaction per batch, multi-row statements), as the eval runner
//!   writes them;
//! - the peer: the same rows and transactions, one `INSERT … ON CONFLICT
//!   DO NOTHING` per row (what a straightforward implementation does);
//! - a resume that sends every batch again (all keys already stored);
//! - `result_keys` and streaming every result back with `results`;
//! - streaming 1 KiB results back, with the process's peak resident
//!   memory before and after (Linux), to show reading does not grow with
//!   the run.
//!
//! ```text
//! cargo run -p whet-store --example results_bench                 # dev profile
//! cargo run -p whet-store --example results_bench --release
//! cargo run -p whet-store --example results_bench -- ROWS BATCH   # default 100000 256
//! ```

use futures::TryStreamExt;
use std::time::{Duration, Instant};
use whet_store::{NewRun, ResultRow, Store};

fn row(i: u64, body_len: usize) -> ResultRow {
    ResultRow {
        case_idx: i / 2,
        variant: u32::try_from(i % 2).unwrap(),
        repeat: 0,
        pass: !i.is_multiple_of(3),
        error: false,
        score: (i % 10) as f64 / 10.0,
        body: format!(
            r#"{{"case":{},"output":"{}","grades":[{{"type":"contains","pass":true}}]}}"#,
            i / 2,
            "y".repeat(body_len)
        ),
    }
}

fn batches(rows: u64, batch: u64, body_len: usize) -> impl Iterator<Item = Vec<ResultRow>> {
    (0..rows.div_ceil(batch)).map(move |k| {
        (k * batch..((k + 1) * batch).min(rows))
            .map(|i| row(i, body_len))
            .collect()
    })
}

async fn new_store(dir: &tempfile::TempDir, name: &str) -> Store {
    let store = Store::open(&Store::sqlite_url(&dir.path().join(name)))
        .await
        .unwrap();
    store
        .create_run(&NewRun {
            id: "bench",
            created_at: "2026-01-01T00:00:00.000Z",
            suite: "bench",
            meta_json: "{}",
        })
        .await
        .unwrap();
    store
}

/// The peer: one statement per row, one transaction per batch.
async fn insert_row_by_row(url: &str, rows: u64, batch: u64) -> Duration {
    use sqlx::Connection;
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    sqlx::query("PRAGMA journal_mode=WAL")
        .execute(&mut conn)
        .await
        .unwrap();
    let start = Instant::now();
    for b in batches(rows, batch, 60) {
        let mut tx = conn.begin().await.unwrap();
        for r in &b {
            sqlx::query(
                "INSERT INTO eval_results (run_id, case_idx, variant, repeat_idx, pass, error, score, body)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (run_id, case_idx, variant, repeat_idx) DO NOTHING",
            )
            .bind("bench")
            .bind(i64::try_from(r.case_idx).unwrap())
            .bind(i64::from(r.variant))
            .bind(i64::from(r.repeat))
            .bind(i64::from(r.pass))
            .bind(i64::from(r.error))
            .bind(r.score)
            .bind(r.body.as_str())
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
    }
    start.elapsed()
}

async fn insert_batched(store: &Store, rows: u64, batch: u64, body_len: usize) -> (Duration, u64) {
    let start = Instant::now();
    let mut new = 0;
    for b in batches(rows, batch, body_len) {
        new += store.insert_results("bench", &b).await.unwrap();
    }
    (start.elapsed(), new)
}

async fn stream_all(store: &Store) -> (Duration, u64, u64) {
    let start = Instant::now();
    let (n, bytes) = store
        .results("bench")
        .try_fold((0u64, 0u64), |(n, bytes), r| async move {
            Ok((n + 1, bytes + r.body.len() as u64))
        })
        .await
        .unwrap();
    (start.elapsed(), n, bytes)
}

/// Peak resident set size so far, in MiB (Linux), from /proc/self/status.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn line(what: &str, rows: u64, took: Duration, note: &str) {
    let secs = took.as_secs_f64();
    println!(
        "{what:<44} {rows:>8} {secs:>9.3} {:>11.0}  {note}",
        rows as f64 / secs
    );
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let rows: u64 = args.next().map_or(100_000, |a| a.parse().unwrap());
    let batch: u64 = args.next().map_or(256, |a| a.parse().unwrap());
    let dir = tempfile::tempdir().unwrap();

    println!(
        "{:<44} {:>8} {:>9} {:>11}",
        "operation (SQLite, WAL)", "rows", "seconds", "rows/s"
    );
    let store = new_store(&dir, "batched.db").await;
    let (took, new) = insert_batched(&store, rows, batch, 60).await;
    assert_eq!(new, rows);
    line(
        &format!("insert_results, batches of {batch}"),
        rows,
        took,
        "",
    );

    let peer = new_store(&dir, "peer.db").await;
    let peer_url = Store::sqlite_url(&dir.path().join("peer.db"));
    let peer_took = insert_row_by_row(&peer_url, rows, batch).await;
    assert_eq!(peer.result_count("bench").await.unwrap(), rows);
    line(
        "peer: one INSERT per row, same transactions",
        rows,
        peer_took,
        &format!(
            "{:.1}x slower",
            peer_took.as_secs_f64() / took.as_secs_f64()
        ),
    );

    let (took, new) = insert_batched(&store, rows, batch, 60).await;
    assert_eq!(new, 0);
    line("resume: every batch again (all stored)", rows, took, "");

    let start = Instant::now();
    let keys = store.result_keys("bench").await.unwrap();
    assert_eq!(keys.len() as u64, rows);
    line("result_keys", rows, start.elapsed(), "");

    let (took, n, _) = stream_all(&store).await;
    assert_eq!(n, rows);
    line("results (stream)", rows, took, "");

    // Large bodies: does reading them back grow memory?
    let big = new_store(&dir, "big.db").await;
    insert_batched(&big, rows, batch, 1024).await;
    let before = peak_rss_mib();
    let (took, n, bytes) = stream_all(&big).await;
    assert_eq!(n, rows);
    let note = match (before, peak_rss_mib()) {
        (Some(b), Some(a)) => format!(
            "{:.0} MiB of bodies read; peak RSS {b:.0} -> {a:.0} MiB",
            bytes as f64 / 1048576.0
        ),
        _ => format!("{:.0} MiB of bodies read", bytes as f64 / 1048576.0),
    };
    line("results (stream), 1 KiB bodies", rows, took, &note);
}
