#![allow(clippy::print_stdout)]
//! Times whet-embed: model load, one short sentence per call, and batches of
//! 32 short sentences per call. Prints a table.
//!
//! ```text
//! cargo run -p whet-embed --example embed_bench            # test (dev) profile
//! cargo run -p whet-embed --example embed_bench --release
//! cargo run -p whet-embed --example embed_bench -- ROUNDS  # default 10
//! ```
//!
//! The model comes from whet's model store (`whet models pull
//! all-minilm-l6-v2`).

use std::time::{Duration, Instant};
use whet_embed::LocalEmbedder;
use whet_models::{DEFAULT_EMBEDDING_MODEL, ModelStore};

/// Short customer-support messages, 5 to 15 words (BANKING77's range).
const SENTENCES: [&str; 32] = [
    "I lost my card",
    "my card was stolen",
    "what is the exchange rate",
    "How do I top up my account with a bank transfer?",
    "Why was I charged a fee for withdrawing cash?",
    "My card payment was declined at the shop",
    "Can I change my PIN at an ATM?",
    "The app says my transfer is still pending",
    "How long does a card take to arrive?",
    "I want to close my account",
    "Is there a limit on how much I can top up?",
    "Which currencies can I hold in my account?",
    "Someone made a payment I don't recognise",
    "How do I verify my identity?",
    "My refund hasn't shown up yet",
    "Can I get a virtual card for online shopping?",
    "Why is the exchange rate different from yesterday?",
    "I was charged twice for the same purchase",
    "How do I add money with Apple Pay?",
    "The ATM kept my card",
    "Can I send money to a friend abroad?",
    "What fees apply to international transfers?",
    "My top up failed but the money left my bank",
    "How do I unblock my PIN?",
    "I need to change my home address",
    "Where can I use my card?",
    "Do you support contactless payments?",
    "The cash I got from the ATM was the wrong amount",
    "How do I cancel a transfer I just made?",
    "Can I have more than one card?",
    "Why did my balance not update after a deposit?",
    "Is my card accepted in the United States?",
];

fn per_second(count: usize, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64()
}

fn median_and_best(rates: &mut [f64]) -> (f64, f64) {
    rates.sort_by(f64::total_cmp);
    let median = rates.get(rates.len() / 2).copied().unwrap_or(0.0);
    let best = rates.last().copied().unwrap_or(0.0);
    (median, best)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(10);
    let dir = ModelStore::from_env()?.path(DEFAULT_EMBEDDING_MODEL)?;
    let profile = if cfg!(debug_assertions) {
        "dev (cargo test)"
    } else {
        "release"
    };

    let mut loads = Vec::new();
    let mut embedder = None;
    for _ in 0..3 {
        let started = Instant::now();
        embedder = Some(LocalEmbedder::load(&dir)?);
        loads.push(started.elapsed());
    }
    let embedder = embedder.ok_or("no load ran")?;
    let load = loads.iter().min().copied().unwrap_or_default();

    // Warm up (first call allocates and spins up the thread pool).
    embedder.embed(&SENTENCES)?;

    // Each round times 32 single calls and 4 batched calls; the machine may
    // be shared, so report the median and the best round.
    let mut single = Vec::new();
    let mut batched = Vec::new();
    for _ in 0..rounds {
        let started = Instant::now();
        for s in SENTENCES {
            embedder.embed_one(s)?;
        }
        single.push(per_second(SENTENCES.len(), started.elapsed()));
        let started = Instant::now();
        for _ in 0..4 {
            embedder.embed(&SENTENCES)?;
        }
        batched.push(per_second(4 * SENTENCES.len(), started.elapsed()));
    }
    let (single_median, single_best) = median_and_best(&mut single);
    let (batched_median, batched_best) = median_and_best(&mut batched);

    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let candle_threads = std::env::var("CANDLE_NUM_THREADS").unwrap_or_else(|_| "default".into());
    println!(
        "whet-embed, all-MiniLM-L6-v2, {profile} profile, {threads} CPU(s), \
         CANDLE_NUM_THREADS={candle_threads}, {rounds} rounds"
    );
    let rows = [
        (
            "model load (best of 3)",
            format!("{:.0} ms", load.as_secs_f64() * 1e3),
        ),
        (
            "one short sentence per call",
            format!("{single_median:.1}/s (best {single_best:.1}/s)"),
        ),
        (
            "batches of 32 short sentences",
            format!("{batched_median:.1}/s (best {batched_best:.1}/s)"),
        ),
        (
            "batch speed-up (medians)",
            format!("{:.2}x", batched_median / single_median),
        ),
    ];
    println!("| {:<30} | {:<28} |", "measure", "value");
    println!("|{:-<32}|{:-<30}|", "", "");
    for (name, value) in rows {
        println!("| {name:<30} | {value:<28} |");
    }
    Ok(())
}
