//! Scanning throughput on real customer messages: the 3,080 BANKING77 test
//! messages in `bench/guard/data/banking77_test.csv` (about 60 bytes each).
//!
//! Two shapes of input, each scanned by the full input set (PII + secrets +
//! injection, what a guarded request runs) and by each scanner alone:
//!
//! - `banking77-messages`: every message scanned on its own, one call per
//!   message, as a gateway scans short user turns;
//! - `banking77-document`: the messages joined with newlines into one text
//!   (about 200 KB), as a long retrieved document or file.
//!
//! Criterion reports bytes per second of one thread (the bench never spawns
//! any). Run with `cargo bench -p whet-guard --bench scan`, or
//! `bash bench/guard/speed.sh`, which prints the table and compares with
//! Presidio on the same texts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{
    BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main, measurement::WallTime,
};
use whet_guard::injection::InjectionScanner;
use whet_guard::pii::PiiScanner;
use whet_guard::secrets::SecretScanner;
use whet_guard::{Finding, Scanner, ScannerSet};

/// The `text` column of the BANKING77 test split.
fn messages() -> Vec<String> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/guard/data/banking77_test.csv");
    let csv = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rows = parse_csv(&csv);
    assert_eq!(
        rows[0],
        ["text", "category"],
        "unexpected header in {}",
        path.display()
    );
    let texts: Vec<String> = rows
        .into_iter()
        .skip(1)
        .map(|mut r| r.swap_remove(0))
        .collect();
    assert_eq!(texts.len(), 3080, "BANKING77 test has 3,080 messages");
    texts
}

/// A small RFC 4180 reader: fields separated by commas, records by newlines,
/// quoted fields may hold commas, newlines and doubled quotes.
fn parse_csv(s: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = s.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (_, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

fn input_set() -> ScannerSet {
    ScannerSet::new()
        .with(PiiScanner::new())
        .with(SecretScanner::new())
        .with(InjectionScanner::new())
}

fn scanners() -> Vec<(&'static str, Box<dyn Scanner>)> {
    vec![
        ("pii", Box::new(PiiScanner::new())),
        ("secrets", Box::new(SecretScanner::new())),
        ("injection", Box::new(InjectionScanner::new())),
    ]
}

/// Short measurements: the whole bench runs in well under a minute, and
/// the spread criterion reports stays small on these steady loops.
fn configure(group: &mut BenchmarkGroup<'_, WallTime>, bytes: usize) {
    group.throughput(Throughput::Bytes(bytes as u64));
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    group.sample_size(20);
}

fn bench_messages(c: &mut Criterion) {
    let texts = messages();
    let bytes: usize = texts.iter().map(String::len).sum();
    let set = input_set();
    let mut group = c.benchmark_group("banking77-messages");
    configure(&mut group, bytes);
    group.bench_function("input-set", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for t in &texts {
                n += set.scan(t).len();
            }
            black_box(n)
        });
    });
    for (name, scanner) in scanners() {
        group.bench_function(name, |b| {
            let mut out: Vec<Finding> = Vec::new();
            b.iter(|| {
                let mut n = 0usize;
                for t in &texts {
                    scanner.scan(t, &mut out);
                    n += out.len();
                    out.clear();
                }
                black_box(n)
            });
        });
    }
    group.finish();
}

fn bench_document(c: &mut Criterion) {
    let doc = messages().join("\n");
    let set = input_set();
    let mut group = c.benchmark_group("banking77-document");
    configure(&mut group, doc.len());
    group.bench_function("input-set", |b| b.iter(|| black_box(set.scan(&doc).len())));
    for (name, scanner) in scanners() {
        group.bench_function(name, |b| {
            let mut out: Vec<Finding> = Vec::new();
            b.iter(|| {
                scanner.scan(&doc, &mut out);
                let n = out.len();
                out.clear();
                black_box(n)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench_messages, bench_document);
criterion_main!(benches);
