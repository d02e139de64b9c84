//! Policies: which checks run on a request's input and a model's output,
//! and what happens when they find something.
//!
//! A [`PolicySpec`] is plain data, as parsed from a prompt file or
//! `whet.toml` (the parsing, with file:line:col diagnostics, lives in
//! whet-registry). [`Guard::new`] validates it and compiles every check
//! once; a [`Guard`] is then shared by all requests (`Send + Sync`) and
//! returns a [`Verdict`] per text:
//!
//! ```text
//!   user text ──check_input──▶ Verdict { decision, text: redacted }  ──▶ model
//!                    │ placeholders
//!                  Vault (one per request)
//!                    │ originals
//!   model text ─check_output─▶ Verdict { decision, text: restored, reask } ──▶ user
//! ```
//!
//! Every rule runs on every text; each rule whose check finds something at
//! or above its threshold *fires*, and the verdict's [`Decision`] is the
//! most severe that fired: block > re-ask > redact > warn > allow.
//!
//! ```
//! use whet_guard::policy::{Action, CheckSpec, Decision, Guard, PolicySpec, RuleSpec};
//! use whet_guard::redact::Vault;
//!
//! let spec = PolicySpec {
//!     input: vec![RuleSpec::new(CheckSpec::Banned { terms: vec!["acme".into()] }, Action::Block)],
//!     output: vec![],
//! };
//! let guard = Guard::new(&spec)?;
//! let verdict = guard.check_input("is acme cheaper?", &mut Vault::new());
//! assert_eq!(verdict.decision, Decision::Block);
//! assert!(verdict.summary().starts_with("blocked: input[0] banned BANNED_TERM"));
//! # Ok::<(), whet_guard::policy::PolicyError>(())
//! ```

mod compile;
mod error;
mod run;
mod verdict;

pub use compile::Guard;
pub use error::{PolicyError, RuleRef};
pub use run::{OutputContext, REFUSAL_REASK};
pub use verdict::{Decision, RuleFinding, Verdict};

use std::fmt;

use serde::Serialize;

use crate::redact::Operator;

/// What to check on each side of a model call.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PolicySpec {
    /// Rules run on the request's text before the model sees it, in order;
    /// errors name them `input[i]`.
    pub input: Vec<RuleSpec>,
    /// Rules run on the model's answer before the user sees it, in order;
    /// errors name them `output[i]`.
    pub output: Vec<RuleSpec>,
}

/// One check and what to do when it finds something.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSpec {
    /// What to look for.
    pub check: CheckSpec,
    /// What to do when the check finds something that counts.
    pub action: Action,
    /// The lowest finding score (`0..=1`) that counts; `None` uses the
    /// check's default ([`CheckSpec::default_threshold`]).
    pub threshold: Option<f32>,
    /// How [`Action::Redact`] rewrites what was found; ignored by the other
    /// actions. Defaults to reversible placeholders.
    pub operator: Operator,
}

impl RuleSpec {
    /// A rule with the check's default threshold and the default operator.
    pub fn new(check: CheckSpec, action: Action) -> RuleSpec {
        RuleSpec {
            check,
            action,
            threshold: None,
            operator: Operator::default(),
        }
    }
}

/// What a rule looks for.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckSpec {
    /// Personal data ([`crate::pii::PiiScanner`]), on either side.
    Pii {
        /// Entity names to report (`EMAIL_ADDRESS`, `PHONE_NUMBER`, ...);
        /// empty means all of them.
        entities: Vec<String>,
    },
    /// Credentials ([`crate::secrets::SecretScanner`]), on either side.
    Secrets,
    /// Prompt injection ([`crate::injection::InjectionScanner`]), on either
    /// side (an output can carry an injection into the next step of an
    /// agent). Its findings describe the whole text: block or warn only.
    Injection,
    /// Output only: the answer must be JSON valid against this JSON Schema
    /// ([`crate::output::SchemaCheck`]). Can re-ask.
    Schema(serde_json::Value),
    /// Output only: the model refused ([`crate::output::is_refusal`]). Can
    /// re-ask, with [`REFUSAL_REASK`].
    Refusal,
    /// Output only: the system prompt leaked, through the request's
    /// [`crate::output::Canary`] or a long run of the system prompt's own
    /// text ([`crate::output::system_prompt_leak`]).
    Leak,
    /// Whole-word, case-insensitive terms (competitors, forbidden topics),
    /// on either side ([`crate::output::BannedTerms`]).
    Banned {
        /// The terms; at least one.
        terms: Vec<String>,
    },
    /// Output only: every citation in the answer must point to one of the
    /// request's contexts ([`crate::output::check_citations`]).
    Grounding,
}

impl CheckSpec {
    /// The check's name in policies, errors and summaries: `pii`,
    /// `secrets`, `injection`, `schema`, `refusal`, `leak`, `banned`,
    /// `grounding`.
    pub fn name(&self) -> &'static str {
        match self {
            CheckSpec::Pii { .. } => "pii",
            CheckSpec::Secrets => "secrets",
            CheckSpec::Injection => "injection",
            CheckSpec::Schema(_) => "schema",
            CheckSpec::Refusal => "refusal",
            CheckSpec::Leak => "leak",
            CheckSpec::Banned { .. } => "banned",
            CheckSpec::Grounding => "grounding",
        }
    }

    /// The threshold when a rule sets none: the scanner's own default for
    /// the scored scanners ([`crate::pii::DEFAULT_MIN_SCORE`] for PII and
    /// secrets, so a bare ten-digit phone number counts and a bare
    /// nine-digit number doesn't; [`crate::injection::DEFAULT_THRESHOLD`]
    /// for injection); 0 for the output checks, whose findings are facts
    /// (the JSON is invalid, the canary is there).
    pub fn default_threshold(&self) -> f32 {
        match self {
            CheckSpec::Pii { .. } | CheckSpec::Secrets => crate::pii::DEFAULT_MIN_SCORE,
            CheckSpec::Injection => crate::injection::DEFAULT_THRESHOLD,
            _ => 0.0,
        }
    }

    /// Whether the check only makes sense on a model's output.
    pub fn output_only(&self) -> bool {
        matches!(
            self,
            CheckSpec::Schema(_) | CheckSpec::Refusal | CheckSpec::Leak | CheckSpec::Grounding
        )
    }

    /// Whether its findings are spans worth redacting, as opposed to
    /// verdicts on the whole text.
    pub fn can_redact(&self) -> bool {
        !matches!(
            self,
            CheckSpec::Injection | CheckSpec::Schema(_) | CheckSpec::Refusal | CheckSpec::Grounding
        )
    }

    /// Whether asking the model again can fix what it finds: a broken
    /// format or an over-cautious refusal can be, a leak can't be unsaid.
    pub fn can_reask(&self) -> bool {
        matches!(self, CheckSpec::Schema(_) | CheckSpec::Refusal)
    }
}

/// What a rule does when its check finds something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Stop: the request is refused, or the answer withheld.
    Block,
    /// Rewrite the spans found with the rule's [`Operator`] and go on.
    Redact,
    /// Go on unchanged; the findings are reported.
    Warn,
    /// Output only: ask the model again with a follow-up message, at most
    /// `max` times per request, then block.
    Reask {
        /// Re-asks allowed per request; at least 1.
        max: u32,
    },
}

impl Action {
    /// The action's name in policies: `block`, `redact`, `warn`, `reask`.
    pub fn name(self) -> &'static str {
        match self {
            Action::Block => "block",
            Action::Redact => "redact",
            Action::Warn => "warn",
            Action::Reask { .. } => "reask",
        }
    }
}

/// Which text a rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The request, before the model.
    Input,
    /// The model's answer, before the user.
    Output,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Input => "input",
            Side::Output => "output",
        })
    }
}

#[cfg(test)]
mod tests;
