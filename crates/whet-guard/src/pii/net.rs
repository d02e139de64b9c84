//! Network identifiers: email addresses, URLs (and URLs carrying a
//! password), and IPv6 addresses.
//!
//! Each is found from a cheap anchor and grown outwards by hand: `@` for
//! emails, `://` or `www.` or a known top-level domain for URLs, `:` for
//! IPv6 (then checked with the standard library's parser).

use std::net::Ipv6Addr;

use std::sync::LazyLock;

use memchr::memchr_iter;
use memchr::memmem::Finder;

use super::context;
use super::text::{prev_char, word_after, word_before};
use super::{Entity, Sink};

const EMAIL_CONTEXT: &[&str] = &["email", "e-mail", "mail", "contact", "write", "address"];
const URL_CONTEXT: &[&str] = &["url", "link", "website", "site", "visit", "page", "href"];
const IP_CONTEXT: &[&str] = &[
    "ip", "ipv6", "address", "server", "host", "gateway", "dns", "subnet", "router",
];

/// Top-level domains a bare domain (no scheme, no `www.`) must end with;
/// short and common, so `file.txt` or `e.g.` never read as domains.
const TLDS: &[&str] = &[
    "com", "org", "net", "edu", "gov", "mil", "int", "io", "co", "info", "biz", "app", "dev", "ai",
    "me", "us", "uk", "de", "fr", "es", "it", "nl", "be", "ch", "at", "se", "no", "dk", "fi", "pl",
    "pt", "ie", "ca", "au", "nz", "in", "jp", "cn", "br", "mx", "ru", "eu", "tv", "xyz", "online",
    "site", "shop", "store", "tech", "cloud", "email", "biz",
];

static SCHEME_SEP: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("://"));
static WWW: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("www."));

/// Finds emails, URLs and IPv6 addresses.
pub(crate) fn scan(text: &str, digits: usize, sink: &mut Sink<'_>) {
    let b = text.as_bytes();
    let want_urls = sink.wants(Entity::Url) || sink.wants(Entity::UrlCredentials);
    // Spans already claimed by a URL or email, so bare-domain search and
    // email search do not report them again.
    let mut claimed: Vec<(usize, usize)> = Vec::new();
    if want_urls {
        for at in SCHEME_SEP.find_iter(b) {
            if claimed.last().is_some_and(|&(_, e)| at < e) {
                continue;
            }
            if let Some(span) = scheme_url(text, at, sink) {
                claimed.push(span);
            }
        }
    }
    if sink.wants(Entity::Email) && memchr::memchr(b'@', b).is_some() {
        emails(text, &claimed, sink);
    }
    if want_urls {
        for at in WWW.find_iter(b) {
            if inside(&claimed, at)
                || word_before(text, at)
                || (at > 0 && matches!(b[at - 1], b'/' | b'.' | b'@'))
            {
                continue;
            }
            let end = url_end(text, at);
            if host_ok(&text[at + 4..end]) {
                claimed.push((at, end));
                url(text, at..end, 0.5, "www. address", sink);
            }
        }
        bare_domains(text, &claimed, sink);
    }
    if digits > 0 && sink.wants(Entity::Ip) {
        ipv6(text, sink);
    }
}

fn inside(claimed: &[(usize, usize)], at: usize) -> bool {
    claimed.iter().any(|&(s, e)| s <= at && at < e)
}

/// A URL with a scheme, `at` being the offset of its `://`; reported as
/// URL_CREDENTIALS when its authority holds `user:password@`.
fn scheme_url(text: &str, at: usize, sink: &mut Sink<'_>) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let mut start = at;
    while start > 0
        && (b[start - 1].is_ascii_alphanumeric() || matches!(b[start - 1], b'+' | b'.' | b'-'))
    {
        start -= 1;
    }
    while start < at && !b[start].is_ascii_alphabetic() {
        start += 1;
    }
    if at - start < 2 || at - start > 20 || word_before(text, start) {
        return None;
    }
    let end = url_end(text, at + 3);
    if end <= at + 3 {
        return None;
    }
    let rest = &text[at + 3..end];
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if let Some((userinfo, host)) = authority.rsplit_once('@')
        && let Some((user, pass)) = userinfo.split_once(':')
        && !pass.is_empty()
        && !host.is_empty()
    {
        let scheme = &text[start..at];
        sink.push(Entity::UrlCredentials, start..end, 0.95, || {
            let user = if user.is_empty() { "no user" } else { "a user" };
            format!("{scheme} URL with {user} and a password in its authority (user:password@host)")
        });
        return Some((start, end));
    }
    let host = authority.rsplit('@').next().unwrap_or("");
    if host_ok(host) || host.starts_with('[') || host.starts_with("localhost") {
        url(text, start..end, 0.6, "URL with scheme", sink);
    }
    Some((start, end))
}

fn url(
    text: &str,
    span: std::ops::Range<usize>,
    base: f32,
    what: &'static str,
    sink: &mut Sink<'_>,
) {
    let hit = context::around(text, span.clone(), URL_CONTEXT, &[]);
    sink.push(Entity::Url, span, hit.apply(base), || {
        format!("{what}{}", hit.describe())
    });
}

/// Where a URL starting at `i` ends: at whitespace, quotes or angle
/// brackets, without trailing punctuation or an unbalanced `)`.
fn url_end(text: &str, i: usize) -> usize {
    let b = text.as_bytes();
    let mut end = i;
    while end < b.len()
        && !b[end].is_ascii_whitespace()
        && !matches!(
            b[end],
            b'"' | b'<' | b'>' | b'`' | b'\'' | b'{' | b'}' | b'|' | b'\\' | b'^'
        )
        && b[end] >= 0x20
    {
        if b[end] >= 0x80 {
            break;
        }
        end += 1;
    }
    loop {
        match b.get(end.wrapping_sub(1)) {
            Some(b'.' | b',' | b';' | b':' | b'!' | b'?' | b'*') if end > i => end -= 1,
            Some(b')' | b']') if end > i => {
                let s = &text[i..end];
                let (open, close) = if b[end - 1] == b')' {
                    ('(', ')')
                } else {
                    ('[', ']')
                };
                if s.matches(close).count() > s.matches(open).count() {
                    end -= 1;
                } else {
                    break;
                }
            }
            _ => break,
        }
    }
    end
}

/// A host name with at least one dot and an alphabetic final label, or
/// an IPv4 literal; an optional `:port` is ignored.
fn host_ok(host: &str) -> bool {
    let host = host.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.bytes().all(|c| c.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    let Some((name, tld)) = host.rsplit_once('.') else {
        return false;
    };
    let labels_ok = name
        .split('.')
        .all(|l| !l.is_empty() && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-'));
    let tld_ok = tld.len() >= 2 && tld.bytes().all(|c| c.is_ascii_alphabetic());
    labels_ok && (tld_ok || host.parse::<std::net::Ipv4Addr>().is_ok())
}

/// `local@domain.tld`: a local part of the usual characters, a domain of
/// at least two labels and an alphabetic top-level domain.
fn emails(text: &str, claimed: &[(usize, usize)], sink: &mut Sink<'_>) {
    let b = text.as_bytes();
    let mut after = 0;
    for at in memchr_iter(b'@', b) {
        if at < after || inside(claimed, at) {
            continue;
        }
        let mut start = at;
        while start > 0 && at - start < 64 && is_local(b[start - 1]) {
            start -= 1;
        }
        while start < at && matches!(b[start], b'.' | b'-' | b'+') {
            start += 1;
        }
        if start == at || b[at - 1] == b'.' || word_before(text, start) {
            continue;
        }
        let Some(end) = domain_end(b, at + 1) else {
            continue;
        };
        if word_after(text, end) {
            continue;
        }
        after = end;
        let hit = context::around(text, start..end, EMAIL_CONTEXT, &[]);
        sink.push(Entity::Email, start..end, hit.apply(0.9), || {
            format!(
                "email address: local part, @, domain with top-level domain{}",
                hit.describe()
            )
        });
    }
}

fn is_local(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-' | b'\'')
}

/// The end of a domain starting at `i`: labels of letters, digits and
/// inner dashes joined by dots, at least two, the last alphabetic.
fn domain_end(b: &[u8], i: usize) -> Option<usize> {
    let mut end = i;
    let mut labels = 0;
    let mut last = (i, i);
    loop {
        let s = end;
        while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'-') && end - s < 63 {
            end += 1;
        }
        if end == s || b[s] == b'-' || b[end - 1] == b'-' {
            end = if labels > 0 { last.1 } else { return None };
            break;
        }
        labels += 1;
        last = (s, end);
        if b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(u8::is_ascii_alphanumeric) {
            end += 1;
        } else {
            break;
        }
    }
    let tld = &b[last.0..last.1];
    (labels >= 2 && tld.len() >= 2 && tld.iter().all(u8::is_ascii_alphabetic)).then_some(end)
}

/// Domains without a scheme, `example.com/path`, found from their dot and
/// a known top-level domain.
fn bare_domains(text: &str, claimed: &[(usize, usize)], sink: &mut Sink<'_>) {
    let b = text.as_bytes();
    let mut after = 0;
    for dot in memchr_iter(b'.', b) {
        if dot < after || dot == 0 || !b[dot - 1].is_ascii_alphanumeric() {
            continue;
        }
        let mut t = dot + 1;
        while t < b.len() && b[t].is_ascii_lowercase() {
            t += 1;
        }
        let tld = &text[dot + 1..t];
        if !TLDS.contains(&tld)
            || b.get(t)
                .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'-' || c == b'@')
        {
            continue;
        }
        // Grow left over labels; an '@' means this is an email's domain.
        let mut start = dot;
        while start > 0
            && (b[start - 1].is_ascii_alphanumeric() || matches!(b[start - 1], b'-' | b'.'))
        {
            start -= 1;
        }
        while start < dot && !b[start].is_ascii_alphanumeric() {
            start += 1;
        }
        let before = prev_char(text, start);
        if before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '@' | '_' | '/' | ':'))
            || inside(claimed, start)
        {
            continue;
        }
        let label = &text[start..dot];
        if !label.bytes().any(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        let end = if b.get(t) == Some(&b'/') {
            url_end(text, t)
        } else {
            t
        };
        after = end;
        url(
            text,
            start..end,
            0.45,
            "domain name with a known top-level domain",
            sink,
        );
    }
}

/// IPv6 addresses, full or compressed, checked with `Ipv6Addr`'s parser.
fn ipv6(text: &str, sink: &mut Sink<'_>) {
    let b = text.as_bytes();
    let mut after = 0;
    for colon in memchr_iter(b':', b) {
        if colon < after {
            continue;
        }
        let mut start = colon;
        while start > 0 && is_v6(b[start - 1]) {
            start -= 1;
        }
        let mut end = colon;
        while end < b.len() && is_v6(b[end]) {
            end += 1;
        }
        after = end;
        while end > start && b[end - 1] == b'.' {
            end -= 1;
        }
        if end > start + 1 && b[end - 1] == b':' && b[end - 2] != b':' {
            end -= 1;
        }
        let s = &text[start..end];
        let colons = s.bytes().filter(|&c| c == b':').count();
        if colons < 2
            || !s.bytes().any(|c| c.is_ascii_digit())
            || word_before(text, start)
            || word_after(text, end)
            || s.parse::<Ipv6Addr>().is_err()
        {
            continue;
        }
        let compressed = s.contains("::");
        let base = if compressed && colons < 3 { 0.45 } else { 0.6 };
        let hit = context::around(text, start..end, IP_CONTEXT, &[]);
        sink.push(Entity::Ip, start..end, hit.apply(base), || {
            let form = if compressed { "compressed" } else { "full" };
            format!("IPv6 address ({form}), parsed{}", hit.describe())
        });
    }
}

fn is_v6(c: u8) -> bool {
    c.is_ascii_hexdigit() || c == b':' || c == b'.'
}

#[cfg(test)]
mod tests {
    use crate::pii::tests::scan;

    fn found(text: &str) -> Vec<(String, String)> {
        scan(text)
    }

    #[test]
    fn emails() {
        assert_eq!(
            found("Write to jane.doe+bank@mail.example.co.uk."),
            vec![(
                "EMAIL_ADDRESS".into(),
                "jane.doe+bank@mail.example.co.uk".into()
            )]
        );
        assert_eq!(found("me@localhost"), vec![]);
        assert_eq!(found("@handle and a@b"), vec![]);
        assert_eq!(found("x@y.c1"), vec![]);
    }

    #[test]
    fn urls_with_and_without_scheme() {
        assert_eq!(
            found("see https://www.example.com/path?q=1."),
            vec![("URL".into(), "https://www.example.com/path?q=1".into())]
        );
        assert_eq!(
            found("(see www.smith.org)"),
            vec![("URL".into(), "www.smith.org".into())]
        );
        assert_eq!(
            found("go to jones-brown.net/about now"),
            vec![("URL".into(), "jones-brown.net/about".into())]
        );
        assert_eq!(found("open report.pdf, e.g. the file.txt"), vec![]);
    }

    #[test]
    fn url_credentials_cover_the_whole_url() {
        let got = found("db: postgres://admin:s3cr3t@db.internal:5432/app ok");
        assert_eq!(
            got,
            vec![(
                "URL_CREDENTIALS".into(),
                "postgres://admin:s3cr3t@db.internal:5432/app".into()
            )]
        );
        let got = found("https://user@example.com/x");
        assert_eq!(
            got,
            vec![("URL".into(), "https://user@example.com/x".into())],
            "no password"
        );
    }

    #[test]
    fn email_domains_are_not_also_urls() {
        let got = found("mail smith@jones.com");
        assert_eq!(
            got,
            vec![("EMAIL_ADDRESS".into(), "smith@jones.com".into())]
        );
    }

    #[test]
    fn ipv6_full_and_compressed() {
        assert_eq!(
            found("host 2001:0db8:85a3:0000:0000:8a2e:0370:7334 up"),
            vec![(
                "IP_ADDRESS".into(),
                "2001:0db8:85a3:0000:0000:8a2e:0370:7334".into()
            )]
        );
        assert_eq!(
            found("ip fe80::1ff:fe23:4567:890a."),
            vec![("IP_ADDRESS".into(), "fe80::1ff:fe23:4567:890a".into())]
        );
        assert_eq!(
            found("[2001:db8::1]:8080"),
            vec![("IP_ADDRESS".into(), "2001:db8::1".into())]
        );
        assert_eq!(found("at 10:30:00 or 12:45"), vec![]);
        assert_eq!(found("std::vec::Vec"), vec![]);
    }
}
