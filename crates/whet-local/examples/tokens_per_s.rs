//! Generation speed of the local provider, for `bench/local_tokens_per_s.sh`.
//!
//! Run with:
//! `cargo run --release -p whet-local --example tokens_per_s -- MODEL.gguf THREADS TOKENS REPS`
//!
//! Prints `MEAN STDDEV` tokens per second of the decode phase (tokens after
//! the first, over the time after the first), the quantity llama-bench's
//! `tg` test reports. Diagnostics go to stderr.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a measurement tool prints its result"
)]

use std::process::ExitCode;
use whet_local::{LocalProvider, LocalSettings};
use whet_providers::{ChatMessage, ChatRequest, ChatRole, Provider};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path, threads, tokens, reps] = args.as_slice() else {
        eprintln!("usage: tokens_per_s MODEL.gguf THREADS TOKENS REPS");
        return ExitCode::from(2);
    };
    let (Ok(threads), Ok(tokens), Ok(reps)) = (
        threads.parse::<usize>(),
        tokens.parse::<u32>(),
        reps.parse::<usize>(),
    ) else {
        eprintln!("THREADS, TOKENS and REPS must be numbers");
        return ExitCode::from(2);
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start tokio: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(measure(path, threads, tokens, reps)) {
        Ok((mean, sd)) => {
            println!("{mean:.2} {sd:.2}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

async fn measure(
    path: &str,
    threads: usize,
    tokens: u32,
    reps: usize,
) -> Result<(f64, f64), whet_providers::ProviderError> {
    let local = LocalProvider::load(LocalSettings::new(path).with_threads(threads)).await?;
    // A request that keeps the model talking, decoded greedily so every
    // repetition does the same work.
    let req = ChatRequest {
        messages: vec![ChatMessage::new(
            ChatRole::User,
            "Count from 1 to 1000, one number per line.",
        )],
        max_tokens: Some(tokens),
        temperature: Some(0.0),
        ..ChatRequest::default()
    };
    local.chat(&req).await?; // warm-up
    let mut rates = Vec::with_capacity(reps);
    for _ in 0..reps {
        let r = local.chat(&req).await?;
        let ttft = r.timing.ttft.unwrap_or_default();
        let decode = (r.timing.latency - ttft).as_secs_f64();
        if r.usage.output_tokens < u64::from(tokens) {
            eprintln!(
                "note: the model stopped after {} of {tokens} tokens",
                r.usage.output_tokens
            );
        }
        #[expect(clippy::cast_precision_loss, reason = "token counts are small")]
        let rate = (r.usage.output_tokens.saturating_sub(1)) as f64 / decode;
        rates.push(rate);
    }
    #[expect(clippy::cast_precision_loss, reason = "a handful of repetitions")]
    let n = rates.len() as f64;
    let mean = rates.iter().sum::<f64>() / n;
    let sd = if rates.len() > 1 {
        (rates.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        0.0
    };
    Ok((mean, sd))
}
