//! What a [`Guard`](super::Guard) decided about one text.

use std::fmt;

use serde::Serialize;

use crate::Finding;

use super::Side;

/// What to do with the text, the most severe decision of the rules that
/// fired. Ordered by severity: `Allow < Warn < Redact < Reask < Block`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// No rule fired.
    Allow,
    /// Only warn rules fired: go on with the text unchanged.
    Warn,
    /// Go on with [`Verdict::text`], the redacted text.
    Redact,
    /// Ask the model again with [`Verdict::reask`].
    Reask,
    /// Stop.
    Block,
}

impl Decision {
    /// A past-tense word for summaries: `allowed`, `warned`, ...
    fn verb(self) -> &'static str {
        match self {
            Decision::Allow => "allowed",
            Decision::Warn => "warned",
            Decision::Redact => "redacted",
            Decision::Reask => "re-ask",
            Decision::Block => "blocked",
        }
    }
}

/// One finding of one rule that fired.
///
/// Serializable for traces: it holds the span of what was found, never
/// the matched text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleFinding {
    /// The rule's index in its side's list.
    pub rule: usize,
    /// Which side's rule.
    pub side: Side,
    /// The rule's check (`pii`, `schema`, ...).
    pub check: &'static str,
    /// What the rule decided: its action, or `Block` for a re-ask rule
    /// with no re-ask left.
    pub action: Decision,
    /// The finding; its span is in the text the rule read (on the output
    /// side, the answer after placeholders were restored).
    pub finding: Finding,
}

/// A [`Guard`](super::Guard)'s answer for one text.
///
/// Serializing it (for traces) writes the decision and the findings only:
/// `text` and `reask` can hold personal data and are skipped. `Debug` shows
/// their lengths only, for the same reason.
#[derive(Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// The most severe decision of the rules that fired.
    pub decision: Decision,
    /// Every finding of every rule that fired, by rule, then by position.
    pub findings: Vec<RuleFinding>,
    /// The text to pass on when it differs from the one checked: redacted
    /// on either side, and on the output side also with the request's
    /// placeholders restored. Set whenever the text changed, even when a
    /// block makes it moot. An input's redacted copy is safe to log; an
    /// output's is not, since restoring put the originals back.
    #[serde(skip)]
    pub text: Option<String>,
    /// The follow-up message for the model, when the decision is
    /// [`Decision::Reask`].
    #[serde(skip)]
    pub reask: Option<String>,
}

impl Verdict {
    /// A verdict with no finding.
    pub(crate) fn allow() -> Verdict {
        Verdict {
            decision: Decision::Allow,
            findings: Vec::new(),
            text: None,
            reask: None,
        }
    }

    /// The text to pass on: [`Verdict::text`] when set, else `checked`
    /// (the text that was checked).
    pub fn text_or<'a>(&'a self, checked: &'a str) -> &'a str {
        self.text.as_deref().unwrap_or(checked)
    }

    /// One line for logs and traces, naming the decision and the finding
    /// behind it, without any of the text:
    /// `blocked: input[0] injection INSTRUCTION_OVERRIDE score 0.93`, with
    /// ` (+N more)` when other findings fired too.
    pub fn summary(&self) -> String {
        let verb = self.decision.verb();
        let Some(lead) = self.lead() else {
            return verb.to_owned();
        };
        let f = &lead.finding;
        let mut line = format!(
            "{verb}: {}[{}] {} {} score {:.2}",
            lead.side, lead.rule, lead.check, f.entity, f.score
        );
        if self.findings.len() > 1 {
            line.push_str(&format!(" (+{} more)", self.findings.len() - 1));
        }
        line
    }

    /// The best-scored finding among those that made the decision.
    fn lead(&self) -> Option<&RuleFinding> {
        self.findings
            .iter()
            .filter(|f| f.action == self.decision)
            .reduce(|best, f| {
                if f.finding.score > best.finding.score {
                    f
                } else {
                    best
                }
            })
    }
}

/// Shows the decision and findings; the texts by length only.
impl fmt::Debug for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let len = |t: &Option<String>| t.as_ref().map(|t| format!("<{} bytes>", t.len()));
        f.debug_struct("Verdict")
            .field("decision", &self.decision)
            .field("findings", &self.findings)
            .field("text", &len(&self.text))
            .field("reask", &len(&self.reask))
            .finish()
    }
}
