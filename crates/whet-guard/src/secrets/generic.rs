//! Secrets without a provider prefix: a value assigned to a key-like name
//! (`password = ...`, `"api_key": "..."`, `Authorization: Bearer ...`),
//! kept only when it looks random, and AWS secret access keys next to
//! their access key ID or the word `aws`.

use std::ops::Range;

use super::providers::run;
use super::{Kind, Sink};

/// Values at least this long may be generic secrets...
const MIN_LEN: usize = 20;
/// ...when their Shannon entropy is at least this many bits per byte.
const MIN_ENTROPY: f32 = 3.0;
/// Passwords are shorter; they need this length and mixed classes.
const MIN_PASSWORD_LEN: usize = 8;

/// The Shannon entropy of `s` in bits per byte: about 4 for random
/// base64 of a few dozen characters, 3 or less for words and digests of
/// one case.
pub fn shannon_entropy(s: &str) -> f32 {
    let mut counts = [0u32; 256];
    for b in s.bytes() {
        counts[usize::from(b)] += 1;
    }
    let n = s.len() as f32;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f32 / n;
            -p * p.log2()
        })
        .sum()
}

/// Checks the value after the key-like word at `at`.
pub(crate) fn keyword(
    text: &str,
    at: Range<usize>,
    word: &str,
    password: bool,
    sink: &mut Sink<'_>,
) {
    let b = text.as_bytes();
    // "monkey", "keyboard": a lowercase word inside a longer word is not a
    // key name; "apiKey", "client_secret" and "AUTH_TOKEN" are.
    let glued_before = at.start > 0 && b[at.start - 1].is_ascii_alphabetic();
    if glued_before && !(b[at.start].is_ascii_uppercase() || b[at.start - 1].is_ascii_uppercase()) {
        return;
    }
    let Some(value) = value_after(text, at.end, word) else {
        return;
    };
    let v = &text[value.clone()];
    let name = &text[name_start(b, at.start)..at.end];
    if looks_placeholder(v) {
        return;
    }
    let entropy = shannon_entropy(v);
    let classes = classes(v);
    let aws = v.len() == 40
        && v.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'/' | b'+'))
        && (name.to_ascii_lowercase().contains("aws") || mentions_aws(text, at.start));
    if aws && classes >= 3 {
        sink.push(
            Kind::AwsSecret,
            value,
            0.85,
            || "40 base64 characters assigned to an AWS secret name",
        );
        return;
    }
    if v.len() >= MIN_LEN && entropy >= MIN_ENTROPY && classes >= 2 {
        sink.push(Kind::Generic, value, 0.75, || {
            format!(
                "value after '{word}': {} characters, entropy {entropy:.1} bits/char",
                v.len()
            )
        });
    } else if password && v.len() >= MIN_PASSWORD_LEN && password_like(v) {
        sink.push(Kind::Generic, value, 0.6, || {
            format!("password value after '{word}': {} characters mixing letters with digits or symbols", v.len())
        });
    }
}

/// The span of the value assigned after a key name ending at `i`:
/// `name = value`, `"name": "value"`, `name is value`, `Bearer value`.
fn value_after(text: &str, i: usize, word: &str) -> Option<Range<usize>> {
    let b = text.as_bytes();
    // The rest of the identifier: "_key", "Token", "s".
    let mut i = run(b, i, |c| {
        c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.')
    });
    if i > b.len() || !text.is_char_boundary(i) {
        return None;
    }
    i = run(b, i, |c| matches!(c, b'"' | b'\'' | b']'));
    i = run(b, i, |c| *c == b' ' || *c == b'\t');
    let rest = &text[i..];
    let bare = word.eq_ignore_ascii_case("bearer") || word.eq_ignore_ascii_case("token");
    let assign = [":=", "=>", "->", ":", "="]
        .into_iter()
        .find(|a| rest.starts_with(a))
        .or_else(|| {
            ["is ", "was ", "to ", "as "]
                .into_iter()
                .find(|w| starts_with_ci(rest, w))
        })
        .map(str::len);
    match assign {
        Some(n) => i += n,
        None if bare => {}
        None => return None,
    }
    i = run(b, i, |c| *c == b' ' || *c == b'\t');
    // "Authorization: Bearer xyz", "Authorization: Basic xyz".
    let rest = &text[i..];
    for scheme in ["bearer ", "basic ", "token "] {
        if starts_with_ci(rest, scheme) {
            i = run(b, i + scheme.len(), |c| *c == b' ');
            break;
        }
    }
    let quoted = matches!(b.get(i), Some(b'"' | b'\'' | b'`'));
    i += usize::from(quoted);
    let start = i;
    let mut end = run(b, i, |&c| {
        c > b' '
            && c < 0x7f
            && !matches!(
                c,
                b'"' | b'\'' | b'`' | b',' | b';' | b')' | b'}' | b']' | b'<' | b'>'
            )
    });
    if !quoted {
        while end > start && matches!(b[end - 1], b'.' | b'?' | b':') {
            end -= 1;
        }
    }
    (end > start && b.get(end).is_none_or(|&c| c < 0x80)).then_some(start..end)
}

/// Whether `s` starts with the ASCII `prefix`, ignoring ASCII case.
fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Where the identifier that contains the keyword starts (`AWS_SECRET`).
fn name_start(b: &[u8], mut i: usize) -> usize {
    while i > 0 && (b[i - 1].is_ascii_alphanumeric() || matches!(b[i - 1], b'_' | b'-' | b'.')) {
        i -= 1;
    }
    i
}

fn mentions_aws(text: &str, at: usize) -> bool {
    let from = crate::pii::text::ceil_boundary(text, at.saturating_sub(60));
    text[from..at].to_ascii_lowercase().contains("aws")
}

/// Lowercase, uppercase, digits, other: how many kinds `s` mixes.
fn classes(s: &str) -> u32 {
    let b = s.as_bytes();
    u32::from(b.iter().any(u8::is_ascii_lowercase))
        + u32::from(b.iter().any(u8::is_ascii_uppercase))
        + u32::from(b.iter().any(u8::is_ascii_digit))
        + u32::from(b.iter().any(|c| !c.is_ascii_alphanumeric()))
}

/// A password: letters and (digits or symbols other than the `.` and `_`
/// of identifiers), so `process.env.PASSWORD` or `incorrect` are not.
fn password_like(s: &str) -> bool {
    let b = s.as_bytes();
    let letters = b.iter().any(u8::is_ascii_alphabetic);
    let digits = b.iter().any(u8::is_ascii_digit);
    let symbols = b
        .iter()
        .any(|c| !c.is_ascii_alphanumeric() && !matches!(c, b'.' | b'_' | b'-'));
    letters && (digits || symbols) && s.len() <= 128
}

/// Masks, template variables, references to where the value lives
/// (`process.env.TOKEN`) and words that stand for a value.
fn looks_placeholder(s: &str) -> bool {
    let reference = s.contains('.')
        && s.split('.')
            .all(|p| p.starts_with(|c: char| c.is_ascii_alphabetic()))
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.'));
    if reference {
        return true;
    }
    let lower = s.to_ascii_lowercase();
    lower.contains("***")
        || lower.contains("xxx")
        || lower.contains("...")
        || s.starts_with(['<', '$', '{', '%', '['])
        || s.contains("{{")
        || [
            "null",
            "none",
            "undefined",
            "true",
            "false",
            "redacted",
            "hidden",
            "changeme",
            "example",
            "your",
        ]
        .iter()
        .any(|w| lower.starts_with(w))
}

/// After an AWS access key ID ending at `end`, a 40-character base64
/// token within the next few lines is its secret access key.
pub(crate) fn aws_secret_near(text: &str, end: usize, sink: &mut Sink<'_>) {
    let b = text.as_bytes();
    let limit = (end + 200).min(b.len());
    let is_b64 = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'/' | b'+');
    let mut i = end;
    while i < limit {
        if !is_b64(&b[i]) || (i > 0 && is_b64(&b[i - 1])) {
            i += 1;
            continue;
        }
        let e = run(b, i, is_b64);
        let tok = &text[i..e];
        if tok.len() == 40
            && classes(tok) >= 3
            && !b.get(e).is_some_and(|&c| c == b'=' || c >= 0x80)
        {
            sink.push(
                Kind::AwsSecret,
                i..e,
                0.8,
                || "40 base64 characters right after an AWS access key ID",
            );
            return;
        }
        i = e.max(i + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::shannon_entropy;
    use crate::secrets::tests::{has, scan};

    #[test]
    fn entropy_orders_random_above_words() {
        // Independent values: one symbol has 0 bits, two equally likely 1.
        assert!(shannon_entropy("aaaa").abs() < 1e-6);
        assert!((shannon_entropy("abab") - 1.0).abs() < 1e-6);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-6);
        assert!(shannon_entropy("Xk9#mQ2$vL8pZ4wR7nT1") > shannon_entropy("passwordpassword1234"));
    }

    #[test]
    fn values_after_key_like_names() {
        has(
            "api_key = \"Zx8Qp2Lm9Vb4Nc7Rt1Ws6Yk3\"",
            "GENERIC_SECRET",
            "Zx8Qp2Lm9Vb4Nc7Rt1Ws6Yk3",
        );
        has(
            "{\"client_secret\": \"q8W2e9R4t7Y1u5I3o6P0aS\"}",
            "GENERIC_SECRET",
            "q8W2e9R4t7Y1u5I3o6P0aS",
        );
        has(
            "Authorization: Bearer abcDEF123ghiJKL456mnoPQR789",
            "GENERIC_SECRET",
            "abcDEF123ghiJKL456mnoPQR789",
        );
        has("password: Summer2024!", "GENERIC_SECRET", "Summer2024!");
        has(
            "my password is Tr0ub4dor&3 ok",
            "GENERIC_SECRET",
            "Tr0ub4dor&3",
        );
        has(
            "const apiKey = 'f3A9kL2mQ8vX1zR7tB4nC6hJ';",
            "GENERIC_SECRET",
            "f3A9kL2mQ8vX1zR7tB4nC6hJ",
        );
        has(
            "token=550e8400-e29b-41d4-a716-446655440000",
            "GENERIC_SECRET",
            "550e8400-e29b-41d4-a716-446655440000",
        );
    }

    #[test]
    fn placeholders_words_and_low_entropy_values_are_not_secrets() {
        for t in [
            "password: ********",
            "password = <your password>",
            "api_key: ${API_KEY}",
            "password is incorrect",
            "password = process.env.PASSWORD",
            "secret: aaaaaaaaaaaaaaaaaaaaaaaa",
            "token: abcabcabcabcabcabcabcabc",
            "key: value",
        ] {
            assert_eq!(scan(t), vec![], "{t}");
        }
    }

    #[test]
    fn aws_secret_access_keys() {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        has(
            &format!("aws_secret_access_key = {secret}"),
            "AWS_SECRET_ACCESS_KEY",
            secret,
        );
        has(
            &format!("AKIAIOSFODNN7EXAMPLE / {secret}"),
            "AWS_SECRET_ACCESS_KEY",
            secret,
        );
        let got = scan(&format!("aws_secret_access_key = {secret}"));
        assert_eq!(got.len(), 1, "not also generic: {got:?}");
    }
}
