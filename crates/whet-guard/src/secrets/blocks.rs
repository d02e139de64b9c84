//! Multi-part secrets: PEM private key blocks (spanning the whole block,
//! also inside JSON where newlines are written `\n`, as in GCP
//! service-account files) and JWTs (three base64url parts whose header
//! decodes to JSON with an `alg`).

use std::ops::Range;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use memchr::memmem;

use super::providers::{is_token_byte, run};
use super::{Kind, Sink};

/// How far a PEM block may run before its END line is given up on.
const MAX_BLOCK: usize = 32 * 1024;

/// A `-----BEGIN ... PRIVATE KEY-----` block at `at`; returns its end.
pub(crate) fn private_key(text: &str, at: Range<usize>, sink: &mut Sink<'_>) -> Option<usize> {
    if &text[at.clone()] != "-----BEGIN " {
        return None;
    }
    let b = text.as_bytes();
    let label_end = at.end + memmem::find(&b[at.end..(at.end + 48).min(b.len())], b"-----")?;
    let label = &text[at.end..label_end];
    if !(label.ends_with("PRIVATE KEY") || label == "PGP PRIVATE KEY BLOCK") {
        return None;
    }
    let body_start = label_end + 5;
    let limit = (body_start + MAX_BLOCK).min(b.len());
    let end_marker = format!("-----END {label}-----");
    let (end, closed) = match memmem::find(&b[body_start..limit], end_marker.as_bytes()) {
        Some(k) => (body_start + k + end_marker.len(), true),
        None => (body_end(b, body_start, limit), false),
    };
    if !closed && end - body_start < 64 {
        return None;
    }
    let gcp = gcp_field(text, at.start);
    let entity = if gcp {
        Kind::GcpServiceAccount
    } else {
        Kind::PrivateKey
    };
    let score = if closed { 0.99 } else { 0.9 };
    sink.push(entity, at.start..end, score, || {
        let whole = if closed {
            "BEGIN to END"
        } else {
            "BEGIN line and key body, no END line"
        };
        if gcp {
            format!("{label} in a GCP service-account JSON private_key field ({whole})")
        } else {
            format!("{label} block ({whole})")
        }
    });
    Some(end)
}

/// The end of a base64 key body with headers (`Proc-Type: ...`), real or
/// JSON-escaped newlines.
fn body_end(b: &[u8], start: usize, limit: usize) -> usize {
    let mut i = start;
    while i < limit {
        if b[i] == b'\\' && b.get(i + 1) == Some(&b'n') {
            i += 2;
        } else if b[i].is_ascii_alphanumeric()
            || matches!(
                b[i],
                b'+' | b'/' | b'=' | b'\n' | b'\r' | b' ' | b':' | b',' | b'-'
            )
        {
            i += 1;
        } else {
            break;
        }
    }
    while i > start && matches!(b[i - 1], b'\n' | b'\r' | b' ') {
        i -= 1;
    }
    i
}

/// Whether the block at `start` is the value of a `"private_key"` JSON
/// field in a service-account file.
fn gcp_field(text: &str, start: usize) -> bool {
    let from = crate::pii::text::ceil_boundary(text, start.saturating_sub(24));
    let before = &text[from..start];
    before.contains("\"private_key\"") && text.contains("service_account")
}

/// A JWT starting with `eyJ` at `at`; returns its end when it is one.
pub(crate) fn jwt(text: &str, at: Range<usize>, sink: &mut Sink<'_>) -> Option<usize> {
    let b = text.as_bytes();
    if &text[at.clone()] != "eyJ"
        || (at.start > 0 && (is_token_byte(b[at.start - 1]) || b[at.start - 1] == b'-'))
    {
        return None;
    }
    let is_b64 = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-');
    let header_end = run(b, at.start, is_b64);
    if b.get(header_end) != Some(&b'.') {
        return None;
    }
    let payload_end = run(b, header_end + 1, is_b64);
    if payload_end == header_end + 1 || b.get(payload_end) != Some(&b'.') {
        return None;
    }
    let end = run(b, payload_end + 1, is_b64);
    if b.get(end).is_some_and(|&c| is_token_byte(c) || c == b'.') {
        return None;
    }
    let alg = header_alg(&text[at.start..header_end])?;
    let payload = URL_SAFE_NO_PAD
        .decode(&b[header_end + 1..payload_end])
        .ok()?;
    let payload_json =
        serde_json::from_slice::<serde_json::Value>(&payload).is_ok_and(|v| v.is_object());
    let signed = end > payload_end + 1 && !alg.eq_ignore_ascii_case("none");
    let score = match (signed, payload_json) {
        (true, true) => 0.95,
        (true, false) | (false, true) => 0.85,
        (false, false) => 0.7,
    };
    sink.push(Kind::Jwt, at.start..end, score, || {
        let sig = if signed { "signed" } else { "unsigned" };
        let body = if payload_json {
            "JSON claims"
        } else {
            "opaque payload"
        };
        format!("JWT: header decodes to JSON with alg {alg:?}, {body}, {sig}")
    });
    Some(end)
}

/// The `alg` of a base64url JWT header, when it decodes to a JSON object
/// that has one.
pub(crate) fn header_alg(header: &str) -> Option<String> {
    let raw = URL_SAFE_NO_PAD.decode(header.trim_end_matches('=')).ok()?;
    let v: serde_json::Value = serde_json::from_slice(&raw).ok()?;
    Some(v.get("alg")?.as_str()?.to_owned())
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use crate::secrets::tests::{has, scan};

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    #[test]
    fn jwts_need_a_json_header_with_alg() {
        let jwt = format!(
            "{}.{}.{}",
            b64(r#"{"alg":"HS256","typ":"JWT"}"#),
            b64(r#"{"sub":"42"}"#),
            "c2lnbmF0dXJlX2J5dGVz"
        );
        has(&format!("Authorization: Bearer {jwt}"), "JWT", &jwt);
        let got = scan(&format!("Authorization: Bearer {jwt}"));
        assert_eq!(
            got.len(),
            1,
            "the bearer value is the JWT, not also generic: {got:?}"
        );
        let no_alg = format!("{}.{}.sig", b64(r#"{"typ":"JWT"}"#), b64(r#"{"sub":"42"}"#));
        assert_eq!(scan(&no_alg), vec![]);
        let not_json = format!("eyJ{}.{}.sig", b64("not json at all"), b64(r#"{"a":1}"#));
        assert_eq!(scan(&not_json), vec![]);
    }

    #[test]
    fn private_key_blocks_span_begin_to_end() {
        let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\nMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\n";
        let block = format!("-----BEGIN PRIVATE KEY-----\n{body}-----END PRIVATE KEY-----");
        has(&format!("key:\n{block}\nthanks"), "PRIVATE_KEY", &block);
        let rsa = format!("-----BEGIN RSA PRIVATE KEY-----\n{body}");
        has(&format!("{rsa}\n"), "PRIVATE_KEY", rsa.trim_end());
        assert_eq!(
            scan("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----"),
            vec![]
        );
        assert_eq!(scan("-----BEGIN CERTIFICATE-----"), vec![]);
    }

    #[test]
    fn gcp_service_account_private_key() {
        let key = "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\\n-----END PRIVATE KEY-----\\n";
        let json = format!(
            r#"{{"type": "service_account", "project_id": "p", "private_key": "{key}", "client_email": "a@p.iam.gserviceaccount.com"}}"#
        );
        has(
            &json,
            "GCP_SERVICE_ACCOUNT_KEY",
            "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\\n-----END PRIVATE KEY-----",
        );
    }
}
