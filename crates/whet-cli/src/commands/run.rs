//! `whet run`: render a prompt, call its model (through the response
//! cache), print the answer and a footer with usage, cost and timing.

use crate::ExitStatus;
use crate::args::{GlobalArgs, RunArgs};
use crate::error::CliError;
use crate::models::{ModelTarget, Models};
use crate::printer::Printer;
use owo_colors::OwoColorize;
use serde_json::json;
use std::io::Write;
use whet_core::PromptRef;
use whet_providers::{ChatMessage, ChatRequest, StreamEvent};
use whet_registry::{Registry, Resolved, vars};
use whet_store::{CacheStatus, ResponseCache, Store};

pub fn run(args: &RunArgs, global: &GlobalArgs, printer: Printer) -> Result<ExitStatus, CliError> {
    let project = super::project(global)?;
    let registry = Registry::new(&project);
    let reference: PromptRef = args
        .prompt
        .parse()
        .map_err(|e: whet_core::RefError| CliError::Usage(e.to_string()))?;
    let resolved = registry.resolve(&reference)?;
    let declared = &resolved.prompt.spec.variables;
    let mut given = match &args.vars_file {
        Some(f) => vars::read_vars_file(f).map_err(whet_registry::RegistryError::from)?,
        None => serde_json::Map::new(),
    };
    for v in &args.vars {
        let (k, val) =
            vars::parse_cli_var(declared, v).map_err(whet_registry::RegistryError::from)?;
        given.insert(k, val);
    }
    let guard = crate::policies::for_prompt(&project, &resolved.prompt)?;
    let bound = vars::bind(declared, given.clone()).map_err(whet_registry::RegistryError::from)?;
    let messages = resolved.prompt.render(&bound)?;

    let mut models = Models::new(&project, printer);
    let alias = models.pick(
        args.model.as_deref(),
        resolved.prompt.spec.model.alias.as_deref(),
    )?;
    let target = models.target(&alias)?;
    let request = chat_request(&resolved, &target, &messages);

    let mode = crate::report::parse_cache_mode(&crate::report::cache_mode_name(
        &project,
        args.cache.as_deref(),
    ))?;
    let url = crate::report::database_url(&project, args.database_url.as_deref());
    let runtime = crate::report::runtime()?;
    runtime.block_on(async {
        let cache = ResponseCache::new(Store::open(&url).await?, mode);
        let mut status = ExitStatus::Success;
        for repeat in 0..args.repeat {
            match &guard {
                Some(g) => {
                    let blocked = guarded_sample(
                        args, &resolved, &target, &cache, g, &given, repeat, printer,
                    )
                    .await?;
                    if blocked {
                        status = ExitStatus::Failure;
                    }
                }
                None => sample(args, &resolved, &target, &request, &cache, repeat, printer).await?,
            }
        }
        Ok::<_, CliError>(status)
    })
}

/// A run through the prompt's `[guard]`: input rules on the variables,
/// output rules on the answer (never streamed: the output rules need the
/// whole answer before the user sees any of it). Returns whether a rule
/// blocked it.
#[allow(clippy::too_many_arguments)]
async fn guarded_sample(
    args: &RunArgs,
    resolved: &Resolved,
    target: &ModelTarget,
    cache: &ResponseCache,
    guard: &whet_guard::policy::Guard,
    given: &serde_json::Map<String, serde_json::Value>,
    repeat: u32,
    printer: Printer,
) -> Result<bool, CliError> {
    let protection = crate::guarded::Protection {
        guard: Some(guard),
        canary: None,
    };
    let ex = crate::guarded::converse(
        &resolved.prompt,
        target,
        cache,
        protection,
        given.clone(),
        &[],
        repeat,
    )
    .await?;
    let verdicts: Vec<String> = ex.verdicts.iter().map(|v| v.summary()).collect();
    if args.json {
        printer.json_line(&json!({
            "prompt": resolved.prompt.spec.name.value,
            "version": resolved.release.as_ref().map(|m| m.version.to_string()),
            "model_alias": target.alias,
            "repeat": repeat,
            "output": ex.output,
            "blocked": ex.blocked,
            "guard": ex.verdicts,
            "calls": ex.calls,
        }));
    } else {
        for v in &verdicts {
            printer.note(&format!("guard {v}").dimmed().to_string());
        }
        match ex.blocked {
            Some(side) => printer.error(&format!("the {side} guard blocked this request")),
            None => printer.line(&ex.output),
        }
    }
    Ok(ex.blocked.is_some())
}

/// The provider request for a rendered prompt: the same request `whet eval`
/// sends for it.
fn chat_request(
    resolved: &Resolved,
    target: &ModelTarget,
    messages: &[whet_core::Message],
) -> ChatRequest {
    let mut request = whet_eval::run::base_request(&resolved.prompt, &target.model);
    request.messages = messages.iter().map(ChatMessage::from).collect();
    request
}

async fn sample(
    args: &RunArgs,
    resolved: &Resolved,
    target: &ModelTarget,
    request: &ChatRequest,
    cache: &ResponseCache,
    repeat: u32,
    printer: Printer,
) -> Result<(), CliError> {
    let stream_out = args.stream && !args.json;
    let mut on_event = |e: &StreamEvent| {
        if let (true, StreamEvent::Text(t)) = (stream_out, e) {
            let mut out = anstream::stdout();
            let _ = write!(out, "{t}");
            let _ = out.flush();
        }
    };
    let outcome = if stream_out {
        cache
            .chat_streaming(target.provider.as_ref(), request, repeat, &mut on_event)
            .await?
    } else {
        cache
            .chat(target.provider.as_ref(), request, repeat)
            .await?
    };
    let r = &outcome.response;
    let cost = target.pricing.cost(&r.usage);
    let (cost_now, cost_saved) = if outcome.cache == CacheStatus::Hit {
        (0.0, cost)
    } else {
        (cost, 0.0)
    };
    let version = resolved.release.as_ref().map(|m| m.version.to_string());
    if args.json {
        printer.json_line(&json!({
            "prompt": resolved.prompt.spec.name.value,
            "version": version,
            "label": resolved.label,
            "content_hash": resolved.prompt.content_hash(),
            "model_alias": target.alias,
            "provider": target.provider_name,
            "model": r.model,
            "repeat": repeat,
            "output": r.content,
            "tool_calls": r.tool_calls,
            "finish_reason": r.finish_reason,
            "usage": r.usage,
            "cost_usd": cost_now,
            "cost_saved_usd": cost_saved,
            "latency_s": r.timing.latency.as_secs_f64(),
            "ttft_s": r.timing.ttft.map(|t| t.as_secs_f64()),
            "compute_s": r.timing.compute.map(|t| t.as_secs_f64()),
            "cache": outcome.cache,
        }));
        return Ok(());
    }
    if stream_out {
        printer.raw("\n");
    } else {
        printer.line(&r.content);
    }
    for call in &r.tool_calls {
        printer.line(format!("tool call {}({})", call.name, call.arguments));
    }
    let prompt = match (&version, &resolved.label) {
        (Some(v), Some(l)) => format!("{}:{l}={v}", resolved.prompt.spec.name.value),
        (Some(v), None) => format!("{}@{v}", resolved.prompt.spec.name.value),
        _ => format!("{} (working copy)", resolved.prompt.spec.name.value),
    };
    let ttft = r
        .timing
        .ttft
        .map_or_else(|| "-".to_owned(), |t| format!("{:.2}s", t.as_secs_f64()));
    let compute = r.timing.compute.map_or_else(String::new, |c| {
        format!(" · compute {:.2}s", c.as_secs_f64())
    });
    let cache_note = match outcome.cache {
        CacheStatus::Hit => format!("cache hit (saved ${cost_saved:.6})"),
        CacheStatus::Miss => "cache miss".to_owned(),
        CacheStatus::Bypass => "cache off".to_owned(),
    };
    let sample = if args.repeat > 1 {
        format!("sample {}/{} · ", repeat + 1, args.repeat)
    } else {
        String::new()
    };
    let footer = format!(
        "── {sample}{prompt} · {} ({}) · {} in / {} out tokens · ${cost_now:.6} · {:.2}s (ttft {ttft}){compute} · {cache_note}",
        target.alias,
        r.model,
        r.usage.input_tokens,
        r.usage.output_tokens,
        r.timing.latency.as_secs_f64(),
    );
    printer.note(&footer.dimmed().to_string());
    Ok(())
}
