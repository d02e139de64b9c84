//! A release-mode throughput check on real customer messages, ignored by
//! default: `cargo test -p whet-guard --release --lib throughput -- --ignored
//! --nocapture`. It prints MB/s of PII, secrets and both, per message (one
//! call per BANKING77 test message) and on the messages joined into one
//! document, best of five runs of wall time on one thread.

use std::time::Instant;

use super::PiiScanner;
use crate::secrets::SecretScanner;
use crate::{Finding, Scanner};

/// The `text` column of `bench/guard/data/banking77_test.csv`.
fn messages() -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../bench/guard/data/banking77_test.csv"
    );
    let csv = std::fs::read_to_string(path).expect("the BANKING77 test split");
    let mut rows = Vec::new();
    let (mut field, mut quoted, mut first) = (String::new(), false, true);
    let mut chars = csv.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (false, '"') => quoted = true,
            (false, ',') if first => {
                rows.push(std::mem::take(&mut field));
                first = false;
            }
            (false, '\n') => {
                field.clear();
                first = true;
            }
            (_, c) if first => field.push(c),
            _ => {}
        }
    }
    rows.remove(0);
    rows
}

/// Best-of-five MB/s of `f` over `bytes` bytes.
fn mb_per_s(bytes: usize, mut f: impl FnMut()) -> f64 {
    (0..5)
        .map(|_| {
            let t = Instant::now();
            f();
            bytes as f64 / t.elapsed().as_secs_f64() / 1e6
        })
        .fold(0.0, f64::max)
}

#[test]
#[ignore = "a throughput measurement; run in release with --ignored --nocapture"]
fn banking77_throughput() {
    let texts = messages();
    assert_eq!(texts.len(), 3080);
    let bytes: usize = texts.iter().map(String::len).sum();
    let doc = texts.join("\n");
    let sets: [(&str, Vec<Box<dyn Scanner>>); 3] = [
        ("pii", vec![Box::new(PiiScanner::new())]),
        ("secrets", vec![Box::new(SecretScanner::new())]),
        (
            "pii+secrets",
            vec![Box::new(PiiScanner::new()), Box::new(SecretScanner::new())],
        ),
    ];
    let reps = 10;
    for (name, set) in &sets {
        let mut out: Vec<Finding> = Vec::new();
        let per_message = mb_per_s(bytes * reps, || {
            for _ in 0..reps {
                for t in &texts {
                    for s in set {
                        s.scan(t, &mut out);
                    }
                    out.clear();
                }
            }
        });
        let document = mb_per_s(doc.len() * reps, || {
            for _ in 0..reps {
                for s in set {
                    s.scan(&doc, &mut out);
                }
                out.clear();
            }
        });
        println!("{name:12} per message {per_message:7.1} MB/s   document {document:7.1} MB/s");
    }
    // The messages hold no personal data or secrets: nothing to report.
    let mut out = Vec::new();
    for t in &texts {
        PiiScanner::new().scan(t, &mut out);
        SecretScanner::new().scan(t, &mut out);
    }
    assert!(out.is_empty(), "{out:?}");
}
