//! Running a [`Guard`] on a request's input and on a model's output.

use std::borrow::Cow;

use crate::Finding;
use crate::Scanner;
use crate::output::{self, Canary, RefusalScanner};
use crate::redact::{self, Operator, Vault};
use crate::scan::normalize;

use super::compile::{Check, Guard, Rule};
use super::{Action, Decision, RuleFinding, Verdict};

/// The follow-up message of a re-ask after a refusal. It leaves the
/// judgment to the model (a harmful request should be refused again) and
/// only gives an over-cautious refusal a second chance.
pub const REFUSAL_REASK: &str = "Your previous reply declined the request. If answering is \
     within your instructions, answer it now; if it is not, decline again in one sentence.";

/// What [`Guard::check_output`] needs besides the answer.
#[derive(Clone, Copy, Default)]
pub struct OutputContext<'a> {
    /// The canary put in this request's system prompt, for leak rules.
    pub canary: Option<&'a Canary>,
    /// The system prompt, for leak rules to find long runs of it copied
    /// into the answer.
    pub system_prompt: Option<&'a str>,
    /// The documents the answer may cite, for grounding rules (`[1]` is
    /// the first).
    pub contexts: &'a [&'a str],
    /// How many times this request was already re-asked; a re-ask rule
    /// blocks once it reaches the rule's `max`.
    pub reasks_done: u32,
}

impl Guard {
    /// Checks a request's text before the model sees it.
    ///
    /// Redact rules record placeholders in `vault`, which must then be
    /// passed to [`Guard::check_output`] for the same request. When no
    /// rule fires, the guard adds no allocation to its scanners' own.
    pub fn check_input(&self, text: &str, vault: &mut Vault) -> Verdict {
        let found = run_rules(&self.input, text, &OutputContext::default());
        finish(&self.input, text, found, vault)
    }

    /// Checks a model's answer before the user sees it, in this order:
    ///
    /// 1. the request's placeholders are restored from `vault`, so that
    ///    rules judge (and the user gets) the answer as it will be read;
    ///    a schema check, for one, validates the JSON the user receives;
    /// 2. every output rule reads the restored text;
    /// 3. redact rules rewrite what they found in it with their own
    ///    operator (an output PII rule re-redacts restored values too).
    ///
    /// [`Verdict::text`] is the restored and redacted answer whenever it
    /// differs from `text`.
    pub fn check_output(&self, text: &str, ctx: &OutputContext<'_>, vault: &mut Vault) -> Verdict {
        let restored = if vault.is_empty() {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(vault.restore(text))
        };
        let found = run_rules(&self.output, &restored, ctx);
        let mut verdict = finish(&self.output, &restored, found, vault);
        if verdict.text.is_none() && restored != text {
            verdict.text = Some(restored.into_owned());
        }
        verdict
    }
}

/// Every rule's findings that count, tagged with what the rule decided.
fn run_rules(rules: &[Rule], text: &str, ctx: &OutputContext<'_>) -> Vec<RuleFinding> {
    let mut found = Vec::new();
    let mut buf = Vec::new();
    for rule in rules {
        rule.check.run(text, ctx, &mut buf);
        buf.retain(|f| f.score >= rule.threshold);
        if buf.is_empty() {
            continue;
        }
        normalize(&mut buf);
        let action = rule.decision(ctx.reasks_done);
        found.extend(buf.drain(..).map(|finding| RuleFinding {
            rule: rule.at.index,
            side: rule.at.side,
            check: rule.name,
            action,
            finding,
        }));
    }
    found
}

/// The verdict from the rules' findings: the most severe decision, the
/// redacted text, and the re-ask message when re-asking.
fn finish(rules: &[Rule], text: &str, findings: Vec<RuleFinding>, vault: &mut Vault) -> Verdict {
    let Some(decision) = findings.iter().map(|f| f.action).max() else {
        return Verdict::allow();
    };
    let text = redacted(rules, text, &findings, vault).filter(|t| t != text);
    let reask = (decision == Decision::Reask).then(|| reask_message(rules, &findings));
    Verdict {
        decision,
        findings,
        text,
        reask,
    }
}

/// `text` with the findings of redact rules rewritten, each with its
/// rule's operator; `None` when no redact rule fired.
fn redacted(
    rules: &[Rule],
    text: &str,
    findings: &[RuleFinding],
    vault: &mut Vault,
) -> Option<String> {
    let items: Vec<(&Finding, &Operator)> = findings
        .iter()
        .filter(|f| f.action == Decision::Redact)
        .filter_map(|f| Some((&f.finding, &rules.get(f.rule)?.operator)))
        .collect();
    (!items.is_empty()).then(|| redact::redact_each(text, &items, vault))
}

/// The follow-up message: each re-asking rule's, in rule order.
fn reask_message(rules: &[Rule], findings: &[RuleFinding]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for rule in rules
        .iter()
        .filter(|r| matches!(r.action, Action::Reask { .. }))
    {
        let own: Vec<Finding> = findings
            .iter()
            .filter(|f| f.rule == rule.at.index && f.action == Decision::Reask)
            .map(|f| f.finding.clone())
            .collect();
        if own.is_empty() {
            continue;
        }
        parts.push(match rule.check {
            Check::Schema(_) => output::schema::reask_message(&own),
            _ => REFUSAL_REASK.to_owned(),
        });
    }
    parts.join("\n\n")
}

impl Rule {
    /// What this rule decides when it fires: its action, with a re-ask
    /// turned into a block once `reasks_done` reached its `max`.
    fn decision(&self, reasks_done: u32) -> Decision {
        match self.action {
            Action::Block => Decision::Block,
            Action::Redact => Decision::Redact,
            Action::Warn => Decision::Warn,
            Action::Reask { max } if reasks_done < max => Decision::Reask,
            Action::Reask { .. } => Decision::Block,
        }
    }
}

impl Check {
    /// Appends the check's findings in `text` to `out`.
    fn run(&self, text: &str, ctx: &OutputContext<'_>, out: &mut Vec<Finding>) {
        match self {
            Check::Pii(s) => s.scan(text, out),
            Check::Secrets(s) => s.scan(text, out),
            Check::Injection(s) => s.scan(text, out),
            Check::Banned(s) => s.scan(text, out),
            Check::Refusal => RefusalScanner.scan(text, out),
            Check::Schema(s) => {
                if let Err(found) = s.check(text) {
                    out.extend(found);
                }
            }
            Check::Leak => {
                out.extend(ctx.canary.and_then(|c| c.leaked(text)));
                out.extend(
                    ctx.system_prompt
                        .and_then(|s| output::system_prompt_leak(s, text)),
                );
            }
            Check::Grounding => out.extend(output::check_citations(text, ctx.contexts)),
        }
    }
}
