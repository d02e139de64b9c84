//! Provider keys with a fixed prefix: each anchor is checked for exact
//! case, the provider's alphabet and length, and word boundaries.

use std::ops::Range;

use super::{Anchor, Kind, Sink};
use crate::pii::text::word_before;

/// Checks one provider anchor at `at`.
pub(crate) fn check(text: &str, at: Range<usize>, anchor: Anchor, sink: &mut Sink<'_>) {
    let b = text.as_bytes();
    let prefix = &text[at.clone()];
    // Keys are tokens of their own: not the tail of a longer word.
    if at.start > 0 && is_token_byte(b[at.start - 1]) && anchor != Anchor::SlackWebhook {
        return;
    }
    match anchor {
        Anchor::SkDash if prefix == "sk-" => sk_dash(text, at, sink),
        Anchor::Stripe if prefix.bytes().all(|c| !c.is_ascii_uppercase()) => {
            let end = run(b, at.end, u8::is_ascii_alphanumeric);
            let body = end - at.end;
            if body >= 16 && clean_end(text, end) {
                let (score, what) = match prefix {
                    "sk_live_" | "rk_live_" => (0.95, "live"),
                    "whsec_" => (0.9, "webhook signing"),
                    _ => (0.85, "test"),
                };
                sink.push(Kind::Stripe, at.start..end, score, || {
                    format!("Stripe {what} key: {prefix} and {body} characters")
                });
            }
        }
        Anchor::AwsKeyId if prefix.bytes().all(|c| c.is_ascii_uppercase()) => {
            let end = run(b, at.end, |c| {
                c.is_ascii_uppercase() || (b'2'..=b'7').contains(c)
            });
            if end - at.end == 16 && clean_end(text, end) {
                let kind = if prefix == "ASIA" {
                    "temporary"
                } else {
                    "long-term"
                };
                sink.push(Kind::AwsKeyId, at.start..end, 0.95, || {
                    format!("AWS {kind} access key ID: {prefix} and 16 base32 characters")
                });
                super::generic::aws_secret_near(text, end, sink);
            }
        }
        Anchor::GitHub if prefix.bytes().all(|c| !c.is_ascii_uppercase()) => {
            let fine_grained = prefix == "github_pat_";
            let end = run(b, at.end, |c| {
                c.is_ascii_alphanumeric() || (fine_grained && *c == b'_')
            });
            let body = end - at.end;
            let ok = if fine_grained { body >= 59 } else { body == 36 };
            if ok && clean_end(text, end) {
                sink.push(Kind::GitHub, at.start..end, 0.95, || {
                    format!("GitHub token: {prefix} and {body} characters")
                });
            }
        }
        Anchor::GitLab if prefix == "glpat-" => {
            let end = run(b, at.end, |c| {
                c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-')
            });
            if end - at.end >= 20 && clean_end(text, end) {
                sink.push(
                    Kind::GitLab,
                    at.start..end,
                    0.95,
                    || "GitLab personal access token: glpat- and 20+ characters",
                );
            }
        }
        Anchor::Slack if prefix.bytes().all(|c| !c.is_ascii_uppercase()) => {
            let end = run(b, at.end, |c| c.is_ascii_alphanumeric() || *c == b'-');
            let body = &text[at.end..end];
            let parts = body.split('-').filter(|p| !p.is_empty()).count();
            if body.len() >= 20
                && parts >= 2
                && body.bytes().any(|c| c.is_ascii_digit())
                && clean_end(text, end)
            {
                sink.push(Kind::Slack, at.start..end, 0.95, || {
                    format!("Slack token: {prefix} and {} characters", body.len())
                });
            }
        }
        Anchor::SlackWebhook => slack_webhook(text, at, sink),
        Anchor::Google if prefix == "AIza" => {
            let end = run(b, at.end, |c| {
                c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-')
            });
            if end - at.end == 35 && clean_end(text, end) {
                sink.push(
                    Kind::Google,
                    at.start..end,
                    0.95,
                    || "Google API key: AIza and 35 characters",
                );
            }
        }
        Anchor::HuggingFace if prefix == "hf_" => {
            let end = run(b, at.end, u8::is_ascii_alphanumeric);
            let body = &text[at.end..end];
            if (30..=40).contains(&body.len()) && mixed_case(body) && clean_end(text, end) {
                sink.push(
                    Kind::HuggingFace,
                    at.start..end,
                    0.9,
                    || "Hugging Face token: hf_ and 30-40 mixed-case characters",
                );
            }
        }
        Anchor::Npm if prefix == "npm_" => {
            let end = run(b, at.end, u8::is_ascii_alphanumeric);
            if end - at.end == 36 && mixed_case(&text[at.end..end]) && clean_end(text, end) {
                sink.push(
                    Kind::Npm,
                    at.start..end,
                    0.9,
                    || "npm access token: npm_ and 36 characters",
                );
            }
        }
        Anchor::SendGrid if prefix == "SG." => {
            let is_b64 = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-');
            let mid = run(b, at.end, is_b64);
            if mid - at.end != 22 || b.get(mid) != Some(&b'.') {
                return;
            }
            let end = run(b, mid + 1, is_b64);
            if end - mid - 1 == 43 && clean_end(text, end) {
                sink.push(
                    Kind::SendGrid,
                    at.start..end,
                    0.95,
                    || "SendGrid API key: SG., 22 and 43 characters",
                );
            }
        }
        Anchor::Twilio if prefix == "SK" => {
            let end = run(b, at.end, |c| {
                c.is_ascii_digit() || (b'a'..=b'f').contains(c)
            });
            if end - at.end == 32 && clean_end(text, end) {
                sink.push(
                    Kind::Twilio,
                    at.start..end,
                    0.8,
                    || "Twilio API key SID: SK and 32 lowercase hex digits",
                );
            }
        }
        _ => {}
    }
}

/// `sk-...`: Anthropic (`sk-ant-`), OpenAI project/service/admin keys, the
/// legacy OpenAI format with its `T3BlbkFJ` marker, or another long key.
fn sk_dash(text: &str, at: Range<usize>, sink: &mut Sink<'_>) {
    let b = text.as_bytes();
    let end = run(b, at.end, |c| {
        c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-')
    });
    if !clean_end(text, end) {
        return;
    }
    let body = &text[at.end..end];
    let span = at.start..end;
    let len = body.len();
    if let Some(rest) = body.strip_prefix("ant-") {
        if rest.len() >= 32 {
            sink.push(Kind::Anthropic, span, 0.97, || {
                format!("Anthropic API key: sk-ant- and {} characters", rest.len())
            });
        }
        return;
    }
    let project = ["proj-", "svcacct-", "admin-"]
        .into_iter()
        .find(|p| body.starts_with(p));
    if let Some(p) = project
        && len - p.len() >= 32
    {
        sink.push(Kind::OpenAi, span, 0.97, || {
            format!("OpenAI API key: sk-{p} and {} characters", len - p.len())
        });
    } else if body.contains("T3BlbkFJ") && len >= 40 {
        sink.push(
            Kind::OpenAi,
            span,
            0.97,
            || "OpenAI API key: sk- with the T3BlbkFJ marker",
        );
    } else if len >= 32 && body.bytes().all(|c| c.is_ascii_alphanumeric()) && mixed_case(body) {
        sink.push(Kind::OpenAi, span, 0.8, || {
            format!("sk- and {len} mixed-case alphanumeric characters (OpenAI key format, used by other providers too)")
        });
    }
}

/// `https://hooks.slack.com/services/T.../B.../...`.
fn slack_webhook(text: &str, at: Range<usize>, sink: &mut Sink<'_>) {
    let b = text.as_bytes();
    let rest = &text[at.end..];
    let Some(path) = rest
        .strip_prefix("services/")
        .or_else(|| rest.strip_prefix("workflows/"))
    else {
        return;
    };
    let path_start = text.len() - path.len();
    let end = run(b, path_start, |c| c.is_ascii_alphanumeric() || *c == b'/');
    let parts: Vec<&str> = text[path_start..end].split('/').collect();
    if parts.len() < 3 || parts.iter().any(|p| p.len() < 8) {
        return;
    }
    let start = ["https://", "http://"]
        .into_iter()
        .find(|s| text[..at.start].ends_with(s))
        .map_or(at.start, |s| at.start - s.len());
    if word_before(text, start) && start == at.start {
        return;
    }
    sink.push(
        Kind::SlackWebhook,
        start..end,
        0.95,
        || "Slack incoming webhook URL (hooks.slack.com/services/T/B/secret)",
    );
}

/// The end of the run of bytes matching `ok` from `i`.
pub(crate) fn run(b: &[u8], mut i: usize, ok: impl Fn(&u8) -> bool) -> usize {
    while i < b.len() && ok(&b[i]) {
        i += 1;
    }
    i
}

/// Bytes that continue a token: a key glued to them is part of something
/// longer.
pub(crate) fn is_token_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// Whether a token ending at `end` ends there (not glued to more token).
pub(crate) fn clean_end(text: &str, end: usize) -> bool {
    text.as_bytes()
        .get(end)
        .is_none_or(|&c| !is_token_byte(c) && c != b'-')
}

pub(crate) fn mixed_case(s: &str) -> bool {
    s.bytes().any(|c| c.is_ascii_lowercase()) && s.bytes().any(|c| c.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use crate::secrets::tests::{has, scan};

    #[test]
    fn provider_keys() {
        let openai = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEFGH";
        has(
            &format!("OPENAI_API_KEY={openai}"),
            "OPENAI_API_KEY",
            openai,
        );
        let legacy = "sk-Ab3dEf6hIj9lMn0pQrT3BlbkFJaB1cD2eF3gH4iJ5kL6";
        has(&format!("key: {legacy}"), "OPENAI_API_KEY", legacy);
        let ant =
            "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfGhIjKlMnOpQrStUv-AbCdEfAA";
        has(
            &format!("export ANTHROPIC_API_KEY=\"{ant}\""),
            "ANTHROPIC_API_KEY",
            ant,
        );
        has(
            "id AKIAIOSFODNN7EXAMPLE.",
            "AWS_ACCESS_KEY_ID",
            "AKIAIOSFODNN7EXAMPLE",
        );
        let gh = "ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
        has(&format!("token {gh}"), "GITHUB_TOKEN", gh);
        let pat = format!("github_pat_11ABCDEFG0123456789abc_{}", "aB3".repeat(20));
        has(&pat, "GITHUB_TOKEN", &pat);
        has(
            "glpat-AbCdEfGhIj0123456789",
            "GITLAB_TOKEN",
            "glpat-AbCdEfGhIj0123456789",
        );
        let slack = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx";
        has(slack, "SLACK_TOKEN", slack);
        let hook = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX";
        has(&format!("post to {hook}"), "SLACK_WEBHOOK", hook);
        has(
            "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
            "STRIPE_KEY",
            "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
        );
        has(
            "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
            "GOOGLE_API_KEY",
            "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
        );
        has(
            "hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh",
            "HUGGINGFACE_TOKEN",
            "hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh",
        );
        has(
            "npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
            "NPM_TOKEN",
            "npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
        );
        let sg = format!("SG.{}.{}", "aB1_-".repeat(4) + "xy", "Ab9".repeat(14) + "Z");
        has(&sg, "SENDGRID_API_KEY", &sg);
        has(
            "SK0123456789abcdef0123456789abcdef",
            "TWILIO_API_KEY",
            "SK0123456789abcdef0123456789abcdef",
        );
    }

    #[test]
    fn near_misses_of_provider_formats() {
        for t in [
            "AKIAIOSFODNN7EXAMPL",
            "akiaiosfodnn7example",
            "xAKIAIOSFODNN7EXAMPLE",
            "ghp_short",
            "sk-notakey",
            "AIzaSyShort",
            "SK0123456789ABCDEF0123456789ABCDEF",
            "task-1234567890abcdefghijklmnopqrstuvwxyzABC",
        ] {
            assert_eq!(scan(t), vec![], "{t}");
        }
    }
}
