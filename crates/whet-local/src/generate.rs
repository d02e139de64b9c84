//! One request on one worker: evaluate the prompt, sample until an
//! end-of-generation token, a stop sequence or `max_tokens`, and stream the
//! text out.

use crate::error::LocalError;
use crate::sampler::Sampler;
use crate::text::{TextSink, logprob};
use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::LlamaModel;
use llama_cpp_2::token::LlamaToken;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;
use whet_providers::{Assembler, EventSender, FinishReason, StreamEvent, TokenLogprob, Usage};

/// A prepared request, waiting for a worker.
pub(crate) struct Job {
    /// The provider's name, for errors.
    pub(crate) provider: String,
    /// The prompt, tokenized.
    pub(crate) prompt: Vec<LlamaToken>,
    /// The sampler chain (grammar, temperature, top-p, seed).
    pub(crate) sampler: Sampler,
    /// Most tokens to generate.
    pub(crate) max_tokens: u32,
    /// Stop sequences.
    pub(crate) stop: Vec<String>,
    /// Whether to report log probabilities.
    pub(crate) logprobs: bool,
    /// Collects the response; started when the request came in.
    pub(crate) assembler: Assembler,
    /// Where events go.
    pub(crate) tx: EventSender,
}

/// Why generation ended early without an error to report.
enum Halt {
    /// The caller dropped the stream.
    Cancelled,
    /// A real failure.
    Failed(LocalError),
}

impl From<LocalError> for Halt {
    fn from(e: LocalError) -> Self {
        Halt::Failed(e)
    }
}

/// Runs `job` on `ctx`, sending its events; never panics (a panic inside
/// llama-cpp-2 becomes an error event).
pub(crate) fn run_job(model: &LlamaModel, ctx: &mut LlamaContext<'static>, job: Job) {
    if job.tx.is_closed() {
        tracing::debug!("skipping a local request whose caller has gone");
        return;
    }
    let tx = job.tx.clone();
    let provider = job.provider.clone();
    let result = catch_unwind(AssertUnwindSafe(|| generate(model, ctx, job)));
    let error = match result {
        Ok(Ok(())) | Ok(Err(Halt::Cancelled)) => return,
        Ok(Err(Halt::Failed(e))) => e,
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            tracing::error!(%message, "local worker panicked");
            LocalError::WorkerPanicked { message }
        }
    };
    // The caller may be gone already; nothing else to do then.
    let _ = tx.blocking_send(Err(error.into_provider_error(&provider)));
}

fn decode_error(e: impl std::fmt::Display) -> LocalError {
    LocalError::Decode {
        message: e.to_string(),
    }
}

fn generate(model: &LlamaModel, ctx: &mut LlamaContext<'static>, job: Job) -> Result<(), Halt> {
    let Job {
        provider: _,
        prompt,
        mut sampler,
        max_tokens,
        stop,
        logprobs,
        mut assembler,
        tx,
    } = job;
    let started = Instant::now();
    let vocab = model.vocab();
    let send = |event: StreamEvent| -> Result<(), Halt> {
        tx.blocking_send(Ok(event)).map_err(|_| Halt::Cancelled)
    };

    // A fresh sequence for every request: same prompt, same numbers.
    ctx.clear_kv_cache();
    let n_batch = usize::try_from(ctx.n_batch()).unwrap_or(1).max(1);
    let mut batch = LlamaBatch::new(n_batch, 1);
    let last = prompt.len().saturating_sub(1);
    for (chunk_index, chunk) in prompt.chunks(n_batch).enumerate() {
        batch.clear();
        for (offset, &token) in chunk.iter().enumerate() {
            let pos = chunk_index * n_batch + offset;
            batch
                .add(token, to_pos(pos)?, &[0], pos == last)
                .map_err(decode_error)?;
        }
        ctx.decode(&mut batch).map_err(decode_error)?;
    }

    let mut sink = TextSink::new(&stop);
    let mut lps: Vec<TokenLogprob> = Vec::new();
    let mut n_past = prompt.len();
    let mut generated: u32 = 0;
    let finish = loop {
        if generated >= max_tokens {
            break FinishReason::Length;
        }
        let token = sampler.sample(ctx)?;
        if vocab.is_eog(token) {
            break FinishReason::Stop;
        }
        generated += 1;
        let bytes = vocab.token_to_piece(token, false, None);
        if logprobs {
            let index = usize::try_from(token.0).unwrap_or(usize::MAX);
            lps.push(TokenLogprob {
                token: String::from_utf8_lossy(&bytes).into_owned(),
                logprob: logprob(ctx.get_logits_ith(-1), index),
            });
        }
        let piece = sink.push(&bytes);
        if !piece.is_empty() {
            send(assembler.text(&piece))?;
        }
        if sink.stopped() {
            break FinishReason::Stop;
        }
        if generated >= max_tokens {
            break FinishReason::Length;
        }
        batch.clear();
        batch
            .add(token, to_pos(n_past)?, &[0], true)
            .map_err(decode_error)?;
        ctx.decode(&mut batch).map_err(decode_error)?;
        n_past += 1;
    };
    let rest = sink.finish();
    if !rest.is_empty() {
        send(assembler.text(&rest))?;
    }

    let compute = started.elapsed();
    tracing::debug!(
        prompt_tokens = prompt.len(),
        generated,
        seconds = compute.as_secs_f64(),
        tokens_per_second = f64::from(generated) / compute.as_secs_f64().max(1e-9),
        "local generation done"
    );
    assembler.usage = Usage {
        input_tokens: u64::try_from(prompt.len()).unwrap_or(u64::MAX),
        output_tokens: u64::from(generated),
        cached_input_tokens: 0,
    };
    assembler.finish = Some(finish);
    assembler.compute = Some(compute);
    if logprobs {
        assembler.logprobs = Some(lps);
    }
    send(StreamEvent::Done(assembler.finish()))
}

fn to_pos(pos: usize) -> Result<i32, LocalError> {
    i32::try_from(pos).map_err(|_| LocalError::Decode {
        message: format!("token position {pos} is out of range"),
    })
}
