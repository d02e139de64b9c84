//! Why a [`PolicySpec`](super::PolicySpec) was rejected.

use std::fmt;

use crate::output::{BannedError, SchemaError};
use crate::redact::OperatorError;

use super::Side;

/// A rule's place in a policy, `input[2]`, so that a caller can point at
/// the rule in the file it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RuleRef {
    /// Which list the rule is in.
    pub side: Side,
    /// Its index in that list, from 0.
    pub index: usize,
}

impl fmt::Display for RuleRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.side, self.index)
    }
}

/// A policy [`Guard::new`](super::Guard::new) rejected; each names the
/// offending rule.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// Redact on a check whose findings describe the whole text.
    #[error(
        "{rule}: {check} findings describe the whole text, there is no span to redact; use block or warn"
    )]
    CannotRedact {
        /// The rule.
        rule: RuleRef,
        /// Its check's name.
        check: &'static str,
    },
    /// Re-ask on an input rule.
    #[error(
        "{rule}: re-ask asks the model again and only applies to output rules; use block or warn"
    )]
    ReaskOnInput {
        /// The rule.
        rule: RuleRef,
    },
    /// Re-ask on a check that asking again can't fix.
    #[error(
        "{rule}: re-ask works with the schema and refusal checks only, asking again can't undo what {check} finds; use block, redact or warn"
    )]
    ReaskUnsupported {
        /// The rule.
        rule: RuleRef,
        /// Its check's name.
        check: &'static str,
    },
    /// `Reask { max: 0 }`.
    #[error("{rule}: re-ask with max 0 never asks again; use block, or a max of at least 1")]
    ReaskNever {
        /// The rule.
        rule: RuleRef,
    },
    /// An output-only check in the input rules.
    #[error("{rule}: the {check} check reads a model's answer; move it to the output rules")]
    OutputOnly {
        /// The rule.
        rule: RuleRef,
        /// Its check's name.
        check: &'static str,
    },
    /// A PII entity name the scanner doesn't know.
    #[error("{rule}: unknown PII entity `{name}` (known: {known})")]
    UnknownEntity {
        /// The rule.
        rule: RuleRef,
        /// The name as written.
        name: String,
        /// The names the scanner knows, comma-separated.
        known: String,
    },
    /// A threshold outside `0..=1` (or NaN).
    #[error("{rule}: threshold {value} is outside 0..=1")]
    BadThreshold {
        /// The rule.
        rule: RuleRef,
        /// The threshold as given.
        value: f32,
    },
    /// A banned check with no terms.
    #[error("{rule}: the banned check needs at least one term")]
    EmptyBanned {
        /// The rule.
        rule: RuleRef,
    },
    /// The banned terms could not be compiled.
    #[error("{rule}: {source}")]
    Banned {
        /// The rule.
        rule: RuleRef,
        /// Why.
        source: BannedError,
    },
    /// The JSON Schema could not be compiled.
    #[error("{rule}: {source}")]
    Schema {
        /// The rule.
        rule: RuleRef,
        /// Why.
        source: SchemaError,
    },
    /// The redaction operator is misconfigured.
    #[error("{rule}: {source}")]
    Operator {
        /// The rule.
        rule: RuleRef,
        /// Why.
        source: OperatorError,
    },
}

impl PolicyError {
    /// The rule the error is about.
    pub fn rule(&self) -> RuleRef {
        match self {
            PolicyError::CannotRedact { rule, .. }
            | PolicyError::ReaskOnInput { rule }
            | PolicyError::ReaskUnsupported { rule, .. }
            | PolicyError::ReaskNever { rule }
            | PolicyError::OutputOnly { rule, .. }
            | PolicyError::UnknownEntity { rule, .. }
            | PolicyError::BadThreshold { rule, .. }
            | PolicyError::EmptyBanned { rule }
            | PolicyError::Banned { rule, .. }
            | PolicyError::Schema { rule, .. }
            | PolicyError::Operator { rule, .. } => *rule,
        }
    }
}
