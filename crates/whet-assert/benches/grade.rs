//! Grading throughput: a mix of string assertions over a set of outputs of
//! realistic size (a sentence to a paragraph), one "case" being one output
//! graded by every assertion of a typical test (five assertions).
//!
//! Run with `cargo bench -p whet-assert --bench grade`; criterion reports
//! elements/s, where one element is one case.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::json;
use whet_assert::{Assertion, GradeContext};

fn outputs() -> Vec<String> {
    let base = [
        "Your card has been blocked for your safety. To unblock it, open the app, go to Cards and tap Unblock.",
        "I'm sorry, I can't help with that request.",
        "{\"intent\": \"card_arrival\", \"confidence\": 0.92}",
        "The refund of 42.50 EUR was issued on 2024-03-01 and should arrive within 5 business days.",
        "Sure! Here is what you asked for: call us at 555-0100, or write to support@example.com. We answer within a day, usually faster; thank you for your patience.",
        "card_arrival",
        "Ihre Karte ist unterwegs und sollte in drei bis fünf Werktagen ankommen.",
        "",
    ];
    (0..64)
        .map(|i| base[i % base.len()].repeat(1 + i % 3))
        .collect()
}

fn suite() -> Vec<Assertion> {
    [
        json!({"type": "icontains", "value": "card"}),
        json!({"type": "not-contains", "value": "as an AI"}),
        json!({"type": "contains-any", "value": ["refund", "unblock", "arrive", "intent"]}),
        json!({"type": "regex", "value": "\\d{3}-\\d{4}"}),
        json!({"type": "word-count", "value": {"max": 60}}),
    ]
    .iter()
    .map(|v| Assertion::from_json(v).unwrap())
    .collect()
}

fn wider_suite() -> Vec<Assertion> {
    [
        json!({"type": "equals", "value": "card_arrival"}),
        json!({"type": "icontains-all", "value": "\"card\", app"}),
        json!({"type": "starts-with", "value": "Your"}),
        json!({"type": "is-json"}),
        json!({"type": "levenshtein", "value": "card_arrival", "threshold": 3}),
        json!({"type": "rouge-n", "value": "Your card has been blocked for your safety."}),
        json!({"type": "choice", "value": ["card_arrival", "refund", "card_blocked"]}),
        json!({"type": "is-refusal"}),
    ]
    .iter()
    .map(|v| Assertion::from_json(v).unwrap())
    .collect()
}

fn bench(c: &mut Criterion) {
    let outputs = outputs();
    for (name, suite) in [("string-mix-5", suite()), ("wider-mix-8", wider_suite())] {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Elements(outputs.len() as u64));
        group.bench_function("cases", |b| {
            b.iter(|| {
                let mut passed = 0usize;
                for out in &outputs {
                    let ctx = GradeContext {
                        output: out,
                        ..Default::default()
                    };
                    for a in &suite {
                        passed += usize::from(a.grade(&ctx).unwrap().pass);
                    }
                }
                std::hint::black_box(passed)
            });
        });
        group.finish();
    }

    // One assertion at a time, to see which types cost what.
    let mut group = c.benchmark_group("per-type");
    group.throughput(Throughput::Elements(outputs.len() as u64));
    for a in suite().iter().chain(wider_suite().iter()) {
        group.bench_function(a.name(), |b| {
            b.iter(|| {
                let mut passed = 0usize;
                for out in &outputs {
                    let ctx = GradeContext {
                        output: out,
                        ..Default::default()
                    };
                    passed += usize::from(a.grade(&ctx).unwrap().pass);
                }
                std::hint::black_box(passed)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
