//! [`Guard::new`]: a [`PolicySpec`] validated and its checks compiled.

use std::fmt;

use crate::injection::InjectionScanner;
use crate::output::{BannedTerms, SchemaCheck};
use crate::pii::PiiScanner;
use crate::redact::Operator;
use crate::secrets::SecretScanner;

use super::{Action, CheckSpec, PolicyError, PolicySpec, RuleRef, RuleSpec, Side};

/// A compiled policy: every scanner, automaton and schema built once, to
/// be shared by all requests.
pub struct Guard {
    pub(super) input: Vec<Rule>,
    pub(super) output: Vec<Rule>,
}

/// One compiled rule.
pub(super) struct Rule {
    pub(super) at: RuleRef,
    pub(super) name: &'static str,
    pub(super) check: Check,
    pub(super) action: Action,
    pub(super) threshold: f32,
    pub(super) operator: Operator,
}

/// A compiled check.
pub(super) enum Check {
    Pii(PiiScanner),
    Secrets(SecretScanner),
    Injection(InjectionScanner),
    Schema(Box<SchemaCheck>),
    Refusal,
    Leak,
    Banned(BannedTerms),
    Grounding,
}

impl Guard {
    /// Validates `spec` and compiles its checks.
    ///
    /// Rejects, naming the rule (`input[2]`): redact on a check whose
    /// findings describe the whole text (injection, schema, refusal,
    /// grounding); re-ask on an input rule, on a check other than schema
    /// or refusal, or with `max` 0; an output-only check (schema, refusal,
    /// leak, grounding) among the input rules; an unknown PII entity; a
    /// threshold outside `0..=1`; a banned check without terms; a schema
    /// that doesn't compile; a hash operator without salt.
    pub fn new(spec: &PolicySpec) -> Result<Guard, PolicyError> {
        Ok(Guard {
            input: compile_side(Side::Input, &spec.input)?,
            output: compile_side(Side::Output, &spec.output)?,
        })
    }

    /// Whether [`Guard::check_input`] has anything to check.
    pub fn has_input_rules(&self) -> bool {
        !self.input.is_empty()
    }

    /// Whether [`Guard::check_output`] has anything to check. Even without
    /// output rules, call it when the request's [`Vault`] holds
    /// placeholders: it restores them.
    ///
    /// [`Vault`]: crate::redact::Vault
    pub fn has_output_rules(&self) -> bool {
        !self.output.is_empty()
    }

    /// Whether an output rule looks for a leaked canary, so the caller
    /// should put a [`Canary`](crate::output::Canary) in the system prompt
    /// and pass it in the [`OutputContext`](super::OutputContext).
    pub fn uses_canary(&self) -> bool {
        self.output.iter().any(|r| matches!(r.check, Check::Leak))
    }
}

/// Lists the rules as `input[0] pii redact`, without their configuration
/// (banned terms and schemas may be confidential).
impl fmt::Debug for Guard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rules = self
            .input
            .iter()
            .chain(&self.output)
            .map(|r| format!("{} {} {}", r.at, r.name, r.action.name()));
        f.debug_list().entries(rules).finish()
    }
}

fn compile_side(side: Side, specs: &[RuleSpec]) -> Result<Vec<Rule>, PolicyError> {
    specs
        .iter()
        .enumerate()
        .map(|(index, spec)| compile_rule(RuleRef { side, index }, spec))
        .collect()
}

fn compile_rule(at: RuleRef, spec: &RuleSpec) -> Result<Rule, PolicyError> {
    validate(at, spec)?;
    let threshold = spec
        .threshold
        .unwrap_or_else(|| spec.check.default_threshold());
    Ok(Rule {
        at,
        name: spec.check.name(),
        check: compile_check(at, &spec.check, threshold)?,
        action: spec.action,
        threshold,
        operator: spec.operator.clone(),
    })
}

/// The checks that need no compiling: where the check may run, and
/// whether the action and threshold suit it.
fn validate(rule: RuleRef, spec: &RuleSpec) -> Result<(), PolicyError> {
    let check = spec.check.name();
    if let Some(value) = spec.threshold.filter(|t| !(0.0..=1.0).contains(t)) {
        return Err(PolicyError::BadThreshold { rule, value });
    }
    if rule.side == Side::Input && spec.check.output_only() {
        return Err(PolicyError::OutputOnly { rule, check });
    }
    match spec.action {
        Action::Redact if !spec.check.can_redact() => {
            Err(PolicyError::CannotRedact { rule, check })
        }
        Action::Redact => spec
            .operator
            .validate()
            .map_err(|source| PolicyError::Operator { rule, source }),
        Action::Reask { .. } if rule.side == Side::Input => Err(PolicyError::ReaskOnInput { rule }),
        Action::Reask { .. } if !spec.check.can_reask() => {
            Err(PolicyError::ReaskUnsupported { rule, check })
        }
        Action::Reask { max: 0 } => Err(PolicyError::ReaskNever { rule }),
        _ => Ok(()),
    }
}

fn compile_check(rule: RuleRef, spec: &CheckSpec, threshold: f32) -> Result<Check, PolicyError> {
    Ok(match spec {
        CheckSpec::Pii { entities } => {
            Check::Pii(pii_scanner(rule, entities)?.min_score(threshold))
        }
        CheckSpec::Secrets => Check::Secrets(SecretScanner::new().min_score(threshold)),
        CheckSpec::Injection => Check::Injection(InjectionScanner::new()),
        CheckSpec::Schema(schema) => Check::Schema(Box::new(
            SchemaCheck::new(schema).map_err(|source| PolicyError::Schema { rule, source })?,
        )),
        CheckSpec::Refusal => Check::Refusal,
        CheckSpec::Leak => Check::Leak,
        CheckSpec::Banned { terms } if terms.is_empty() => {
            return Err(PolicyError::EmptyBanned { rule });
        }
        CheckSpec::Banned { terms } => Check::Banned(
            BannedTerms::new(terms).map_err(|source| PolicyError::Banned { rule, source })?,
        ),
        CheckSpec::Grounding => Check::Grounding,
    })
}

/// The PII scanner limited to `entities` (all when empty).
fn pii_scanner(rule: RuleRef, entities: &[String]) -> Result<PiiScanner, PolicyError> {
    if entities.is_empty() {
        return Ok(PiiScanner::new());
    }
    PiiScanner::with_entities(entities).map_err(|e| PolicyError::UnknownEntity {
        rule,
        name: e.name().to_owned(),
        known: e.known().join(", "),
    })
}
