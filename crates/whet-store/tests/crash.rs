//! A writer SIGKILLed in the middle of storing results loses no committed
//! batch, leaves no partial batch and no damaged database, and a resumed
//! writer fills in the rest without duplicating a result.
//!
//! The writer is this test binary itself: the test runs it again with
//! `WHET_STORE_CRASH_DB` set, and in that process the same test function
//! stores batches forever, printing `committed N` after each commit,
//! until the parent kills it.

#![cfg(unix)]
// Test helpers may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use futures::TryStreamExt;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;
use whet_store::{NewRun, ResultRow, RunStatus, Store};

const CHILD_ENV: &str = "WHET_STORE_CRASH_DB";
const RUN: &str = "crash-run";
/// Results per batch: 64 cases × 2 variants × 2 repeats.
const BATCH: u64 = 256;

/// The `i`th result of batch-ordered key space, with a body large enough
/// that a commit takes a while (so the kill often lands inside one).
fn row(i: u64, body_tag: &str) -> ResultRow {
    let case_idx = i / 4;
    let variant = u32::try_from(i / 2 % 2).unwrap();
    let repeat = u32::try_from(i % 2).unwrap();
    ResultRow {
        case_idx,
        variant,
        repeat,
        pass: i.is_multiple_of(3),
        error: i.is_multiple_of(11),
        score: i as f64 * 0.25,
        body: format!(
            r#"{{"tag":"{body_tag}","i":{i},"output":"{}"}}"#,
            "x".repeat(200 + usize::try_from(i % 50).unwrap())
        ),
    }
}

fn batch(k: u64, body_tag: &str) -> Vec<ResultRow> {
    (k * BATCH..(k + 1) * BATCH)
        .map(|i| row(i, body_tag))
        .collect()
}

fn url(db: &Path) -> String {
    Store::sqlite_url(db)
}

/// The child's part: resume the run as a runner would (skip what is
/// stored), then store batches forever.
async fn write_forever(db: &Path) -> ! {
    let store = Store::open(&url(db)).await.unwrap();
    if store.run(RUN).await.unwrap().is_none() {
        store
            .create_run(&NewRun {
                id: RUN,
                created_at: "2026-01-01T00:00:00.000Z",
                suite: "crash",
                meta_json: "{}",
            })
            .await
            .unwrap();
    }
    let done = store.result_count(RUN).await.unwrap();
    assert_eq!(done % BATCH, 0, "a partial batch was stored");
    let mut stdout = std::io::stdout();
    let mut k = done / BATCH;
    loop {
        let new = store.insert_results(RUN, &batch(k, "first")).await.unwrap();
        assert_eq!(new, BATCH);
        writeln!(stdout, "committed {k}").unwrap();
        stdout.flush().unwrap();
        k += 1;
    }
}

/// Runs a writer, waits until it has reported `commits` more batches,
/// SIGKILLs it and returns the last batch it reported committed.
fn run_and_kill(db: &Path, commits: usize, round: u64) -> u64 {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_killed_writer_loses_no_committed_batch",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, db)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    // Kept open until the child is dead: a closed pipe would make its next
    // write fail, and it would stop by itself instead of being killed.
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let child = Arc::new(Mutex::new(child));
    // A writer that stalls is killed after a minute, so the test fails
    // instead of hanging.
    let (done, stalled) = mpsc::channel::<()>();
    let watchdog = {
        let child = Arc::clone(&child);
        std::thread::spawn(move || {
            if stalled.recv_timeout(Duration::from_secs(60)).is_err() {
                child.lock().unwrap().kill().unwrap();
            }
        })
    };
    let mut last = None;
    let mut seen = 0;
    for line in stdout.by_ref().lines() {
        let line = line.unwrap();
        // libtest's `test NAME ... ` has no newline: it prefixes our first line.
        if let Some((_, k)) = line.rsplit_once("committed ") {
            last = Some(k.parse::<u64>().unwrap());
            seen += 1;
            if seen == commits {
                break;
            }
        }
    }
    assert_eq!(seen, commits, "the writer stopped after batch {last:?}");
    // Vary where in the next batch the kill lands.
    std::thread::sleep(Duration::from_millis(round * 3));
    let status = {
        let mut child = child.lock().unwrap();
        child.kill().unwrap();
        child.wait().unwrap()
    };
    done.send(()).unwrap();
    watchdog.join().unwrap();
    assert_eq!(
        status.signal(),
        Some(9),
        "the writer was not SIGKILLed but stopped by itself ({status}) after batch {last:?}"
    );
    drop(stdout);
    last.unwrap()
}

/// Checks the file after a kill: intact, every reported batch complete
/// and as written, batches all-or-nothing and contiguous from 0. Returns
/// how many batches are stored.
async fn check_after_kill(db: &Path, last_reported: u64) -> u64 {
    let store = Store::open(&url(db)).await.unwrap();
    let integrity: String = {
        use sqlx::Connection;
        let mut conn = sqlx::AnyConnection::connect(&url(db)).await.unwrap();
        let ok = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        ok
    };
    assert_eq!(integrity, "ok");
    let run = store.run(RUN).await.unwrap().unwrap();
    assert_eq!(run.status, RunStatus::Running, "the kill left it running");
    let stored = run.results;
    assert_eq!(
        stored % BATCH,
        0,
        "a partial batch survived: {stored} results"
    );
    let batches = stored / BATCH;
    assert!(
        batches > last_reported,
        "batch {last_reported} was reported committed but only {batches} batches are stored"
    );
    // At most the batch in flight committed without being reported.
    assert!(
        batches <= last_reported + 2,
        "{batches} batches after {last_reported}"
    );
    let rows: Vec<ResultRow> = store.results(RUN).try_collect().await.unwrap();
    let expected: Vec<ResultRow> = (0..batches).flat_map(|k| batch(k, "first")).collect();
    assert!(rows == expected, "stored results differ from those written");
    batches
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_writer_loses_no_committed_batch() {
    if let Some(db) = std::env::var_os(CHILD_ENV) {
        write_forever(Path::new(&db)).await;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("whet.db");
    let mut stored = 0;
    for round in 0..3 {
        let child_db = db.clone();
        let last = tokio::task::spawn_blocking(move || run_and_kill(&child_db, 12, round))
            .await
            .unwrap();
        // Each writer resumed right after the last stored batch.
        assert_eq!(last, stored + 11, "round {round}");
        stored = check_after_kill(&db, last).await;
    }

    // Resume once more, re-sending every batch (with different contents)
    // plus three new ones: only the missing results are stored, and none
    // of the stored ones changes.
    let store = Store::open(&url(&db)).await.unwrap();
    let before = store.result_keys(RUN).await.unwrap();
    assert_eq!(before.len() as u64, stored * BATCH);
    let mut new = 0;
    for k in 0..stored + 3 {
        new += store
            .insert_results(RUN, &batch(k, "resumed"))
            .await
            .unwrap();
    }
    assert_eq!(new, 3 * BATCH);
    store
        .set_run_status(RUN, RunStatus::Complete, Some("{}"))
        .await
        .unwrap();
    let rows: Vec<ResultRow> = store.results(RUN).try_collect().await.unwrap();
    let expected: Vec<ResultRow> = (0..stored)
        .flat_map(|k| batch(k, "first"))
        .chain((stored..stored + 3).flat_map(|k| batch(k, "resumed")))
        .collect();
    assert_eq!(rows.len(), expected.len());
    assert!(
        rows == expected,
        "the resume duplicated or overwrote results"
    );
}
