//! Evaluation runs on a real SQLite file: lifecycle, idempotent batches,
//! streaming order, id prefixes, deletion and two writers at once.

// Test helpers may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use futures::TryStreamExt;
use std::collections::BTreeSet;
use whet_store::{NewRun, ResultRow, RunStatus, Store, StoreError};

async fn store(dir: &tempfile::TempDir) -> Store {
    Store::open(&Store::sqlite_url(&dir.path().join(".whet/whet.db")))
        .await
        .unwrap()
}

fn new_run<'a>(id: &'a str, created_at: &'a str, suite: &'a str) -> NewRun<'a> {
    NewRun {
        id,
        created_at,
        suite,
        meta_json: r#"{"variants":2}"#,
    }
}

/// A result whose fields all derive from its key, so a test can recompute
/// what must have been stored.
fn row(case_idx: u64, variant: u32, repeat: u32) -> ResultRow {
    ResultRow {
        case_idx,
        variant,
        repeat,
        pass: !(case_idx + u64::from(variant)).is_multiple_of(3),
        error: case_idx.is_multiple_of(7),
        score: case_idx as f64 / 8.0 - f64::from(repeat),
        body: format!(r#"{{"case":{case_idx},"variant":{variant},"repeat":{repeat}}}"#),
    }
}

async fn all_results(store: &Store, run_id: &str) -> Vec<ResultRow> {
    store.results(run_id).try_collect().await.unwrap()
}

#[tokio::test]
async fn a_run_goes_from_running_to_complete_with_its_summary() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    store
        .create_run(&new_run("r1", "2026-01-02T03:04:05.000Z", "smoke"))
        .await
        .unwrap();
    let run = store.run("r1").await.unwrap().unwrap();
    assert_eq!(run.status, RunStatus::Running);
    assert_eq!(
        (run.suite.as_str(), run.meta.as_str()),
        ("smoke", r#"{"variants":2}"#)
    );
    assert_eq!((run.summary, run.finished_at, run.results), (None, None, 0));

    let rows: Vec<_> = (0..5).map(|c| row(c, 0, 0)).collect();
    assert_eq!(store.insert_results("r1", &rows).await.unwrap(), 5);
    store
        .update_run_meta("r1", r#"{"variants":3}"#)
        .await
        .unwrap();
    store
        .set_run_status("r1", RunStatus::Interrupted, Some(r#"{"partial":true}"#))
        .await
        .unwrap();
    let interrupted = store.run("r1").await.unwrap().unwrap();
    assert_eq!(interrupted.status, RunStatus::Interrupted);
    assert_eq!(interrupted.meta, r#"{"variants":3}"#);
    assert_eq!(interrupted.results, 5);
    assert!(interrupted.finished_at.is_some());

    // Resuming clears the finish time; no summary keeps the old one.
    store
        .set_run_status("r1", RunStatus::Running, None)
        .await
        .unwrap();
    let resumed = store.run("r1").await.unwrap().unwrap();
    assert_eq!(resumed.finished_at, None);
    assert_eq!(resumed.summary.as_deref(), Some(r#"{"partial":true}"#));

    store
        .set_run_status("r1", RunStatus::Complete, Some(r#"{"pass_rate":0.6}"#))
        .await
        .unwrap();
    let done = store.run("r1").await.unwrap().unwrap();
    assert_eq!(done.status, RunStatus::Complete);
    assert_eq!(done.summary.as_deref(), Some(r#"{"pass_rate":0.6}"#));
    let finished = done.finished_at.clone().unwrap();
    assert!(
        time::OffsetDateTime::parse(&finished, &time::format_description::well_known::Rfc3339)
            .is_ok(),
        "{finished}"
    );

    // The run and its results survive reopening the file.
    let reopened = self::store(&dir).await;
    assert_eq!(reopened.run("r1").await.unwrap().unwrap(), done);
    assert_eq!(all_results(&reopened, "r1").await, rows);
}

#[tokio::test]
async fn a_taken_id_or_an_unknown_run_is_an_error_that_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    store
        .create_run(&new_run("r1", "2026-01-01T00:00:00.000Z", "a"))
        .await
        .unwrap();
    let again = store
        .create_run(&new_run("r1", "2026-01-02T00:00:00.000Z", "b"))
        .await;
    assert!(matches!(again, Err(StoreError::RunExists(ref id)) if id == "r1"));
    assert_eq!(store.run("r1").await.unwrap().unwrap().suite, "a");

    let missing = |r: Result<(), StoreError>| matches!(r, Err(StoreError::RunNotFound(ref id)) if id == "nope");
    assert!(missing(
        store
            .set_run_status("nope", RunStatus::Complete, None)
            .await
    ));
    assert!(missing(store.update_run_meta("nope", "{}").await));
    assert!(missing(
        store
            .insert_results("nope", &[row(0, 0, 0)])
            .await
            .map(drop)
    ));
    assert!(missing(store.delete_run("nope").await.map(drop)));
    assert_eq!(store.result_count("nope").await.unwrap(), 0);
    assert_eq!(store.run("nope").await.unwrap(), None);
}

#[tokio::test]
async fn inserting_a_batch_again_stores_only_what_was_missing_and_overwrites_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    store
        .create_run(&new_run("r", "2026-01-01T00:00:00.000Z", "s"))
        .await
        .unwrap();
    // 300 rows: more than one multi-row statement in the batch.
    let first: Vec<_> = (0..150)
        .flat_map(|c| [row(c, 0, 0), row(c, 1, 0)])
        .collect();
    assert_eq!(store.insert_results("r", &first).await.unwrap(), 300);
    assert_eq!(store.insert_results("r", &first).await.unwrap(), 0);

    // A resumed batch: half already stored (with different contents now),
    // half new, and one key twice.
    let mut second: Vec<_> = (100..200)
        .flat_map(|c| [row(c, 0, 0), row(c, 1, 0)])
        .map(|mut r| {
            r.body = "changed".into();
            r.pass = !r.pass;
            r
        })
        .collect();
    second.push(second[0].clone());
    assert_eq!(store.insert_results("r", &second).await.unwrap(), 100);
    assert_eq!(store.result_count("r").await.unwrap(), 400);

    let stored = all_results(&store, "r").await;
    for r in &stored {
        let expected = if r.case_idx < 150 {
            row(r.case_idx, r.variant, r.repeat)
        } else {
            let mut changed = row(r.case_idx, r.variant, r.repeat);
            changed.body = "changed".into();
            changed.pass = !changed.pass;
            changed
        };
        assert_eq!(r, &expected);
    }
    let keys = store.result_keys("r").await.unwrap();
    let expected: Vec<_> = (0..200).flat_map(|c| [(c, 0, 0), (c, 1, 0)]).collect();
    assert_eq!(keys, expected);
    assert_eq!(store.insert_results("r", &[]).await.unwrap(), 0);
}

#[tokio::test]
async fn a_bad_row_rejects_its_whole_batch() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    store
        .create_run(&new_run("r", "2026-01-01T00:00:00.000Z", "s"))
        .await
        .unwrap();
    let mut nan = row(3, 0, 0);
    nan.score = f64::NAN;
    let err = store
        .insert_results("r", &[row(1, 0, 0), row(2, 0, 0), nan])
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::BadResult { case_idx: 3, .. }),
        "{err}"
    );
    let too_big = row(u64::MAX, 0, 0);
    assert!(matches!(
        store.insert_results("r", &[row(1, 0, 0), too_big]).await,
        Err(StoreError::BadResult { .. })
    ));
    assert_eq!(store.result_count("r").await.unwrap(), 0);

    // Extremes that can be stored come back as they went in.
    let mut edge = row(u64::try_from(i64::MAX).unwrap(), u32::MAX, u32::MAX);
    edge.score = f64::NEG_INFINITY;
    let mut tiny = row(0, 0, 0);
    tiny.score = f64::MIN_POSITIVE;
    store
        .insert_results("r", &[edge.clone(), tiny.clone()])
        .await
        .unwrap();
    assert_eq!(all_results(&store, "r").await, vec![tiny, edge]);
}

#[tokio::test]
async fn results_stream_in_key_order_whatever_order_they_were_inserted_in() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    store
        .create_run(&new_run("r", "2026-01-01T00:00:00.000Z", "s"))
        .await
        .unwrap();
    store
        .create_run(&new_run("other", "2026-01-01T00:00:00.000Z", "s"))
        .await
        .unwrap();
    let mut keys: Vec<(u64, u32, u32)> = (0..40)
        .flat_map(|c| (0..3).flat_map(move |v| (0..2).map(move |r| (c * 1000, v, r))))
        .collect();
    // A fixed shuffle (multiplicative hash), inserted in uneven batches.
    keys.sort_by_key(|&(c, v, r)| {
        (c / 1000 * 31 + u64::from(v) * 7 + u64::from(r)) * 2_654_435_761 % 1_000_003
    });
    let rows: Vec<_> = keys.iter().map(|&(c, v, r)| row(c, v, r)).collect();
    for batch in rows.chunks(37) {
        store.insert_results("r", batch).await.unwrap();
    }
    store
        .insert_results("other", &[row(5, 0, 0)])
        .await
        .unwrap();

    let streamed = all_results(&store, "r").await;
    let mut expected = rows.clone();
    expected.sort_by_key(ResultRow::key);
    assert_ne!(rows, expected, "the insert order was not already sorted");
    assert_eq!(streamed, expected);
    assert_eq!(
        store.result_keys("r").await.unwrap(),
        expected.iter().map(ResultRow::key).collect::<Vec<_>>()
    );
    assert_eq!(all_results(&store, "missing").await, vec![]);
}

#[tokio::test]
async fn runs_are_listed_newest_first_and_found_by_unique_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let runs = [
        ("abc123", "2026-01-01T00:00:00.000Z", "smoke"),
        ("abd456", "2026-01-03T00:00:00.000Z", "smoke"),
        ("x%_9", "2026-01-02T00:00:00.000Z", "full"),
        ("ABC999", "2026-01-04T00:00:00.000Z", "full"),
    ];
    for (id, at, suite) in runs {
        store.create_run(&new_run(id, at, suite)).await.unwrap();
    }
    let ids = |rows: Vec<whet_store::RunRow>| rows.into_iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.list_runs(None).await.unwrap()),
        ["ABC999", "abd456", "x%_9", "abc123"]
    );
    assert_eq!(
        ids(store.list_runs(Some(2)).await.unwrap()),
        ["ABC999", "abd456"]
    );
    assert_eq!(store.latest_run(None).await.unwrap().unwrap().id, "ABC999");
    assert_eq!(
        store.latest_run(Some("smoke")).await.unwrap().unwrap().id,
        "abd456"
    );
    assert_eq!(store.latest_run(Some("none")).await.unwrap(), None);

    // Unique prefixes, exact ids, case-sensitive, `%` and `_` are literal.
    assert_eq!(store.find_run("abc").await.unwrap().id, "abc123");
    assert_eq!(store.find_run("AB").await.unwrap().id, "ABC999");
    assert_eq!(store.find_run("x%").await.unwrap().id, "x%_9");
    assert_eq!(store.find_run("abd456").await.unwrap().id, "abd456");
    for missing in ["abc1234", "a_c", "x%%", "zzz", ""] {
        let res = store.find_run(missing).await;
        assert!(
            matches!(res, Err(StoreError::RunNotFound(_))),
            "{missing}: {res:?}"
        );
    }
    let err = store.find_run("ab").await.unwrap_err();
    match &err {
        StoreError::AmbiguousRun {
            matches,
            candidates,
            ..
        } => {
            assert_eq!(*matches, 2);
            assert_eq!(candidates, &["abd456", "abc123"]);
        }
        other => panic!("{other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains("abd456, abc123"), "{message}");

    // An exact id wins even when it prefixes another one.
    store
        .create_run(&new_run("abc", "2026-01-05T00:00:00.000Z", "smoke"))
        .await
        .unwrap();
    assert_eq!(store.find_run("abc").await.unwrap().id, "abc");
}

#[tokio::test]
async fn an_ambiguous_prefix_lists_ten_candidates_and_says_there_are_more() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    for i in 0..12 {
        let id = format!("run-{i:02}");
        let at = format!("2026-01-01T00:00:{i:02}.000Z");
        store.create_run(&new_run(&id, &at, "s")).await.unwrap();
    }
    let err = store.find_run("run-").await.unwrap_err();
    let StoreError::AmbiguousRun {
        matches,
        candidates,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*matches, 12);
    let expected: Vec<_> = (2..12).rev().map(|i| format!("run-{i:02}")).collect();
    assert_eq!(candidates, &expected);
    assert!(
        err.to_string()
            .ends_with("run-02, …): give more characters of the id"),
        "{err}"
    );
}

#[tokio::test]
async fn deleting_a_run_deletes_its_results_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    for id in ["keep", "drop"] {
        store
            .create_run(&new_run(id, "2026-01-01T00:00:00.000Z", "s"))
            .await
            .unwrap();
    }
    let rows: Vec<_> = (0..10).map(|c| row(c, 0, 0)).collect();
    store.insert_results("keep", &rows).await.unwrap();
    store.insert_results("drop", &rows[..7]).await.unwrap();
    assert_eq!(store.delete_run("drop").await.unwrap(), 7);
    assert_eq!(store.run("drop").await.unwrap(), None);
    assert_eq!(store.result_count("drop").await.unwrap(), 0);
    assert_eq!(all_results(&store, "keep").await, rows);
    assert_eq!(
        store
            .list_runs(None)
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.id, r.results))
            .collect::<Vec<_>>(),
        [("keep".to_owned(), 10)]
    );
    // The id can be used again, starting empty.
    store
        .create_run(&new_run("drop", "2026-01-02T00:00:00.000Z", "s"))
        .await
        .unwrap();
    assert_eq!(store.result_count("drop").await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_store_handles_write_one_run_at_once_without_losing_or_doubling_a_result() {
    let dir = tempfile::tempdir().unwrap();
    let a = store(&dir).await;
    let b = store(&dir).await;
    a.create_run(&new_run("r", "2026-01-01T00:00:00.000Z", "s"))
        .await
        .unwrap();
    // Writer A stores cases 0..3000, writer B cases 2000..5000, in batches
    // of 100, at the same time: cases 2000..3000 are sent by both.
    let write = |store: Store, cases: std::ops::Range<u64>| {
        tokio::spawn(async move {
            let rows: Vec<_> = cases.map(|c| row(c, 0, 0)).collect();
            let mut new = 0;
            for batch in rows.chunks(100) {
                new += store.insert_results("r", batch).await.unwrap();
            }
            new
        })
    };
    let (new_a, new_b) = tokio::join!(write(a.clone(), 0..3000), write(b.clone(), 2000..5000));
    let (new_a, new_b) = (new_a.unwrap(), new_b.unwrap());
    assert_eq!(new_a + new_b, 5000, "a: {new_a}, b: {new_b}");
    assert_eq!(b.result_count("r").await.unwrap(), 5000);
    let keys: BTreeSet<_> = a.result_keys("r").await.unwrap().into_iter().collect();
    assert_eq!(keys, (0..5000).map(|c| (c, 0, 0)).collect());
    assert_eq!(
        all_results(&b, "r").await,
        (0..5000).map(|c| row(c, 0, 0)).collect::<Vec<_>>()
    );
}
