//! Credentials: [`SecretScanner`] finds provider API keys (OpenAI,
//! Anthropic, AWS, GitHub, GitLab, Slack, Stripe, Google, Hugging Face,
//! npm, SendGrid, Twilio), private key blocks, GCP service-account keys,
//! JWTs, and high-entropy values assigned to key-like names.
//!
//! # How it decides
//!
//! One Aho-Corasick automaton (ASCII case-insensitive, leftmost-longest,
//! so `api_key` wins over the `key` inside it) finds every anchor in one
//! pass: provider prefixes (`sk-ant-`, `AKIA`, `ghp_`, `xoxb-`,
//! `-----BEGIN`, `eyJ`, ...) and key-like words (`password`, `secret`,
//! `token`, `api_key`, `bearer`, `authorization`, `key`). Each anchor is
//! checked by hand: exact case, the provider's alphabet and length, word
//! boundaries, and for JWTs a header that decodes to JSON with `alg`.
//! Fixed-prefix formats score 0.8 to 0.99; a value after a key-like word
//! counts only when it is long, mixed and high in Shannon entropy (or, for
//! passwords, mixed letters and digits or symbols), and scores lower.
//! Ordinary words, UUIDs and hex digests are never reported on their own:
//! only a key-like word in front of them makes them secrets.
//!
//! Text with none of the anchors costs one automaton pass and allocates
//! nothing.

mod blocks;
mod generic;
mod providers;

#[cfg(test)]
mod props;

#[cfg(test)]
fn blocks_header_alg(header: &str) -> Option<String> {
    blocks::header_alg(header)
}

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

pub use generic::shannon_entropy;

use crate::pii::{Selection, UnknownEntity};
use crate::{Category, Finding, Scanner};

/// Every entity the scanner knows, by the name its findings carry.
pub const ENTITIES: &[&str] = &[
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "GITHUB_TOKEN",
    "GITLAB_TOKEN",
    "SLACK_TOKEN",
    "SLACK_WEBHOOK",
    "STRIPE_KEY",
    "GOOGLE_API_KEY",
    "GCP_SERVICE_ACCOUNT_KEY",
    "PRIVATE_KEY",
    "JWT",
    "HUGGINGFACE_TOKEN",
    "NPM_TOKEN",
    "SENDGRID_API_KEY",
    "TWILIO_API_KEY",
    "GENERIC_SECRET",
];

/// The entities, in [`ENTITIES`] order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    OpenAi,
    Anthropic,
    AwsKeyId,
    AwsSecret,
    GitHub,
    GitLab,
    Slack,
    SlackWebhook,
    Stripe,
    Google,
    GcpServiceAccount,
    PrivateKey,
    Jwt,
    HuggingFace,
    Npm,
    SendGrid,
    Twilio,
    Generic,
}

impl Kind {
    fn name(self) -> &'static str {
        ENTITIES[self as usize]
    }
}

/// What an anchor asks the scanner to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    SkDash,
    Stripe,
    AwsKeyId,
    GitHub,
    GitLab,
    Slack,
    SlackWebhook,
    Google,
    Pem,
    Jwt,
    HuggingFace,
    Npm,
    SendGrid,
    Twilio,
    /// A key-like word; passwords get their own, shorter, rule.
    Keyword {
        password: bool,
    },
}

const ANCHORS: &[(&str, Anchor)] = &[
    ("sk-", Anchor::SkDash),
    ("sk_live_", Anchor::Stripe),
    ("sk_test_", Anchor::Stripe),
    ("rk_live_", Anchor::Stripe),
    ("rk_test_", Anchor::Stripe),
    ("whsec_", Anchor::Stripe),
    ("akia", Anchor::AwsKeyId),
    ("asia", Anchor::AwsKeyId),
    ("abia", Anchor::AwsKeyId),
    ("acca", Anchor::AwsKeyId),
    ("ghp_", Anchor::GitHub),
    ("gho_", Anchor::GitHub),
    ("ghu_", Anchor::GitHub),
    ("ghs_", Anchor::GitHub),
    ("ghr_", Anchor::GitHub),
    ("github_pat_", Anchor::GitHub),
    ("glpat-", Anchor::GitLab),
    ("xoxb-", Anchor::Slack),
    ("xoxp-", Anchor::Slack),
    ("xoxa-", Anchor::Slack),
    ("xoxr-", Anchor::Slack),
    ("xoxs-", Anchor::Slack),
    ("xoxe-", Anchor::Slack),
    ("xapp-", Anchor::Slack),
    ("hooks.slack.com/", Anchor::SlackWebhook),
    ("aiza", Anchor::Google),
    ("-----begin ", Anchor::Pem),
    ("eyj", Anchor::Jwt),
    ("hf_", Anchor::HuggingFace),
    ("npm_", Anchor::Npm),
    ("sg.", Anchor::SendGrid),
    ("sk", Anchor::Twilio),
    ("password", Anchor::Keyword { password: true }),
    ("passwd", Anchor::Keyword { password: true }),
    ("passphrase", Anchor::Keyword { password: true }),
    ("pwd", Anchor::Keyword { password: true }),
    ("secret", Anchor::Keyword { password: false }),
    ("token", Anchor::Keyword { password: false }),
    ("apikey", Anchor::Keyword { password: false }),
    ("api_key", Anchor::Keyword { password: false }),
    ("api-key", Anchor::Keyword { password: false }),
    ("access_key", Anchor::Keyword { password: false }),
    ("bearer", Anchor::Keyword { password: false }),
    ("authorization", Anchor::Keyword { password: false }),
    ("credential", Anchor::Keyword { password: false }),
    ("key", Anchor::Keyword { password: false }),
];

static AUTOMATON: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(AhoCorasickKind::DFA))
        .prefilter(false)
        .build(ANCHORS.iter().map(|a| a.0))
        .ok()
});

/// Where checks put what they find, dropping unwanted entities and low
/// scores before any reason is formatted.
pub(crate) struct Sink<'a> {
    out: &'a mut Vec<Finding>,
    selection: Selection,
}

impl Sink<'_> {
    pub(crate) fn push<R>(
        &mut self,
        e: Kind,
        span: Range<usize>,
        score: f32,
        reason: impl FnOnce() -> R,
    ) where
        R: Into<Cow<'static, str>>,
    {
        if self.selection.keeps(e as usize, score) && span.start < span.end {
            self.out.push(Finding::new(
                Category::Secret,
                e.name(),
                span,
                score,
                reason(),
            ));
        }
    }
}

/// Finds credentials; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct SecretScanner {
    selection: Selection,
}

impl Default for SecretScanner {
    fn default() -> SecretScanner {
        SecretScanner::new()
    }
}

impl SecretScanner {
    /// Every entity in [`ENTITIES`], reported from the same minimum score
    /// as the PII scanner ([`crate::pii::DEFAULT_MIN_SCORE`]).
    pub fn new() -> SecretScanner {
        SecretScanner {
            selection: Selection::all(ENTITIES.len()),
        }
    }

    /// Only the named entities (names as in [`ENTITIES`]).
    pub fn with_entities<S: AsRef<str>>(names: &[S]) -> Result<SecretScanner, UnknownEntity> {
        Ok(SecretScanner {
            selection: Selection::named(names, ENTITIES)?,
        })
    }

    /// Reports only findings scoring at least `score` (clamped to `0..=1`).
    #[must_use]
    pub fn min_score(self, score: f32) -> SecretScanner {
        SecretScanner {
            selection: self.selection.min_score(score),
        }
    }
}

impl Scanner for SecretScanner {
    fn name(&self) -> &'static str {
        "secrets"
    }

    fn scan(&self, text: &str, out: &mut Vec<Finding>) {
        let Some(ac) = AUTOMATON.as_ref() else {
            return;
        };
        let first = out.len();
        let mut sink = Sink {
            out,
            selection: self.selection,
        };
        // Anchors inside a block already reported (a PEM body, a JWT) are
        // not checked again.
        let mut skip_to = 0;
        for m in ac.find_iter(text) {
            if m.start() < skip_to {
                continue;
            }
            let (word, anchor) = ANCHORS[m.pattern().as_usize()];
            let at = m.start()..m.end();
            match anchor {
                Anchor::Pem | Anchor::Jwt => {
                    let end = if anchor == Anchor::Pem {
                        blocks::private_key(text, at, &mut sink)
                    } else {
                        blocks::jwt(text, at, &mut sink)
                    };
                    skip_to = skip_to.max(end.unwrap_or(0));
                }
                Anchor::Keyword { password } => {
                    generic::keyword(text, at, word, password, &mut sink)
                }
                _ => providers::check(text, at, anchor, &mut sink),
            }
        }
        if sink.out.len() > first + 1 {
            drop_generic_overlaps(sink.out, first);
        }
    }
}

/// A generic finding that overlaps a provider-specific one is the same
/// secret seen twice; keep the specific one. Same-entity duplicates (one
/// value after `api_key`, seen from both `api` and `key`) go too.
fn drop_generic_overlaps(out: &mut Vec<Finding>, first: usize) {
    let mut tail = out.split_off(first);
    tail.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then(b.score.total_cmp(&a.score))
    });
    let specific: Vec<Range<usize>> = tail
        .iter()
        .filter(|f| f.entity != "GENERIC_SECRET")
        .map(Finding::span)
        .collect();
    for f in tail {
        let generic = f.entity == "GENERIC_SECRET";
        if generic && specific.iter().any(|s| s.start < f.end && f.start < s.end) {
            continue;
        }
        if out[first..]
            .iter()
            .any(|k| k.entity == f.entity && k.overlaps(&f))
        {
            continue;
        }
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(entity, matched text)` of every finding, in order.
    pub(crate) fn scan(text: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        SecretScanner::new().scan(text, &mut out);
        out.sort_by_key(|f| f.start);
        out.iter()
            .map(|f| (f.entity.to_string(), text[f.span()].to_owned()))
            .collect()
    }

    pub(crate) fn has(text: &str, entity: &str, value: &str) {
        let got = scan(text);
        assert!(
            got.contains(&(entity.to_owned(), value.to_owned())),
            "{text:?}: {got:?}"
        );
    }

    #[test]
    fn entity_names_match_the_enum() {
        assert_eq!(Kind::Generic as usize + 1, ENTITIES.len());
        assert_eq!(Kind::Jwt.name(), "JWT");
        assert_eq!(Kind::OpenAi.name(), "OPENAI_API_KEY");
        assert_eq!(Kind::Twilio.name(), "TWILIO_API_KEY");
    }

    #[test]
    fn with_entities_and_unknown_names() {
        let s = SecretScanner::with_entities(&["JWT"]).unwrap();
        let mut out = Vec::new();
        s.scan("key AKIAIOSFODNN7EXAMPLE", &mut out);
        assert!(out.is_empty(), "{out:?}");
        let err = SecretScanner::with_entities(&["AWS_KEY"]).unwrap_err();
        assert_eq!(err.name(), "AWS_KEY");
        assert!(err.to_string().contains("AWS_ACCESS_KEY_ID"), "{err}");
    }

    #[test]
    fn ordinary_text_has_no_secrets() {
        for t in [
            "I forgot my password, can you reset it?",
            "My password is not working",
            "What is the token for the top-up? Ask the desk.",
            "The key to my account was lost; skip it",
            "request 550e8400-e29b-41d4-a716-446655440000 failed",
            "commit 9fceb02d0ae598e95dc970b74767f19372d61af8 fixed it",
            "Task-force memo: sk-ip this",
        ] {
            assert_eq!(scan(t), vec![], "{t}");
        }
    }
}
