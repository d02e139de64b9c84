//! One conversation with a prompt through its guard: input rules on the
//! caller's variables and follow-up turns, the model call (through the
//! response cache), output rules on every answer, re-asks when a rule asks
//! for them. `whet run` and `whet redteam` both go through here, so a
//! red-team score measures exactly what a user of the prompt gets.

use crate::error::CliError;
use crate::models::ModelTarget;
use serde_json::{Map, Value};
use whet_guard::output::canary::Canary;
use whet_guard::policy::{Decision, Guard, OutputContext, Verdict};
use whet_guard::redact::Vault;
use whet_providers::{ChatMessage, ChatRequest, ChatRole};
use whet_registry::{Prompt, RegistryError, vars};
use whet_store::ResponseCache;

/// What a guarded conversation came to.
#[derive(Debug, Default)]
pub struct Exchange {
    /// The last answer as the user sees it (placeholders restored, output
    /// redactions applied); empty when a rule blocked the conversation.
    pub output: String,
    /// Which side's rule blocked it, if one did.
    pub blocked: Option<&'static str>,
    /// Every verdict that was not a plain allow, in order.
    pub verdicts: Vec<Verdict>,
    /// Model calls made (re-asks included; cache hits count too).
    pub calls: u32,
    /// The rendered system prompt (without the canary), for graders.
    pub system_prompt: String,
}

/// The guard and canary of a conversation; both optional.
#[derive(Clone, Copy, Default)]
pub struct Protection<'a> {
    pub guard: Option<&'a Guard>,
    /// Added to the system prompt so that leak rules and graders can tell
    /// whether the instructions leaked.
    pub canary: Option<&'a Canary>,
}

/// Runs `prompt` with the caller's `given` variables, then each of
/// `follow_ups` as a further user turn after the previous answer.
pub async fn converse(
    prompt: &Prompt,
    target: &ModelTarget,
    cache: &ResponseCache,
    protection: Protection<'_>,
    given: Map<String, Value>,
    follow_ups: &[String],
    repeat: u32,
) -> Result<Exchange, CliError> {
    let mut vault = Vault::new();
    let mut ex = Exchange::default();
    let Some(given) = guard_vars(protection.guard, given, &mut vault, &mut ex) else {
        return Ok(ex);
    };
    let bound = vars::bind(&prompt.spec.variables, given).map_err(RegistryError::from)?;
    let messages = prompt.render(&bound)?;
    let mut request = whet_eval::run::base_request(prompt, &target.model);
    request.messages = messages.iter().map(ChatMessage::from).collect();
    ex.system_prompt = system_text(&request);
    if let Some(c) = protection.canary {
        add_to_system(&mut request, &c.instruction());
    }
    for turn in 0..=follow_ups.len() {
        if let Some(text) = turn.checked_sub(1).and_then(|i| follow_ups.get(i)) {
            let Some(text) = guard_input(protection.guard, text, &mut vault, &mut ex) else {
                return Ok(ex);
            };
            request
                .messages
                .push(ChatMessage::new(ChatRole::Assistant, ex.output.clone()));
            request
                .messages
                .push(ChatMessage::new(ChatRole::User, text));
        }
        if !answer(
            target,
            cache,
            protection,
            &mut request,
            &mut vault,
            &mut ex,
            repeat,
        )
        .await?
        {
            return Ok(ex);
        }
    }
    Ok(ex)
}

/// Calls the model and applies the output rules, re-asking while a rule
/// says so. Returns false when a rule blocked the answer.
async fn answer(
    target: &ModelTarget,
    cache: &ResponseCache,
    protection: Protection<'_>,
    request: &mut ChatRequest,
    vault: &mut Vault,
    ex: &mut Exchange,
    repeat: u32,
) -> Result<bool, CliError> {
    let mut reasks_done = 0;
    loop {
        let outcome = cache
            .chat(target.provider.as_ref(), request, repeat)
            .await?;
        ex.calls += 1;
        let raw = outcome.response.content;
        let Some(guard) = protection.guard else {
            ex.output = raw;
            return Ok(true);
        };
        let ctx = OutputContext {
            canary: protection.canary,
            system_prompt: Some(&ex.system_prompt),
            contexts: &[],
            reasks_done,
        };
        let verdict = guard.check_output(&raw, &ctx, vault);
        let shown = verdict.text_or(&raw).to_owned();
        let decision = verdict.decision;
        let reask = verdict.reask.clone();
        if decision != Decision::Allow {
            tracing::info!(side = "output", "guard {}", verdict.summary());
            ex.verdicts.push(verdict);
        }
        match (decision, reask) {
            (Decision::Block, _) => {
                ex.blocked = Some("output");
                ex.output.clear();
                return Ok(false);
            }
            (Decision::Reask, Some(message)) => {
                reasks_done += 1;
                request
                    .messages
                    .push(ChatMessage::new(ChatRole::Assistant, raw));
                request
                    .messages
                    .push(ChatMessage::new(ChatRole::User, message));
            }
            _ => {
                ex.output = shown;
                return Ok(true);
            }
        }
    }
}

/// Applies the input rules to every string among the caller's variables
/// (nested ones too): the variables are the untrusted part of a prompt.
/// `None` when a rule blocked one.
fn guard_vars(
    guard: Option<&Guard>,
    mut given: Map<String, Value>,
    vault: &mut Vault,
    ex: &mut Exchange,
) -> Option<Map<String, Value>> {
    if guard.is_none() {
        return Some(given);
    }
    for value in given.values_mut() {
        if !guard_value(guard, value, vault, ex) {
            return None;
        }
    }
    Some(given)
}

fn guard_value(
    guard: Option<&Guard>,
    value: &mut Value,
    vault: &mut Vault,
    ex: &mut Exchange,
) -> bool {
    match value {
        Value::String(s) => match guard_input(guard, s, vault, ex) {
            Some(checked) => {
                *s = checked;
                true
            }
            None => false,
        },
        Value::Array(items) => items.iter_mut().all(|v| guard_value(guard, v, vault, ex)),
        Value::Object(map) => map.values_mut().all(|v| guard_value(guard, v, vault, ex)),
        _ => true,
    }
}

/// One input text through the input rules: the text to send on, or
/// `None` when blocked.
fn guard_input(
    guard: Option<&Guard>,
    text: &str,
    vault: &mut Vault,
    ex: &mut Exchange,
) -> Option<String> {
    let Some(guard) = guard else {
        return Some(text.to_owned());
    };
    let verdict = guard.check_input(text, vault);
    let checked = verdict.text_or(text).to_owned();
    let blocked = verdict.decision == Decision::Block;
    if verdict.decision != Decision::Allow {
        tracing::info!(side = "input", "guard {}", verdict.summary());
        ex.verdicts.push(verdict);
    }
    if blocked {
        ex.blocked = Some("input");
        return None;
    }
    Some(checked)
}

/// The text of the request's system messages.
fn system_text(request: &ChatRequest) -> String {
    request
        .messages
        .iter()
        .filter(|m| m.role == ChatRole::System)
        .map(|m| m.content.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Appends a sentence to the first system message, or adds one.
fn add_to_system(request: &mut ChatRequest, sentence: &str) {
    match request
        .messages
        .iter_mut()
        .find(|m| m.role == ChatRole::System)
    {
        Some(m) => {
            m.content.push_str("\n\n");
            m.content.push_str(sentence);
        }
        None => request
            .messages
            .insert(0, ChatMessage::new(ChatRole::System, sentence.to_owned())),
    }
}
