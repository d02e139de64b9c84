//! Digit-based entities: phone numbers, payment cards, US SSNs, IPv4
//! addresses, Aadhaar and NHS numbers, and US passport numbers.
//!
//! One pass finds *chunks*: runs of digit groups joined by short
//! separators (space, dash, dot, slash, parentheses), optionally led by `+`
//! and followed by an extension (`x123`, `ext. 45`). Each chunk is then
//! classified from its group structure, most specific reading first: an
//! IPv4 address, a date (consumed silently, so `2024-01-05` is never a
//! phone), an SSN, a card number, the national numbers, and last a phone
//! number, which takes the longest run of groups that reads as one. A
//! chunk that is none of them is retried from its next space-separated
//! group, so `order 12 202-555-0173` still finds the phone.

use std::net::Ipv4Addr;

use super::context::{self, NUMERIC_ANTI};
use super::text::{next_digit, prev_char, word_after};
use super::validate::{in_aadhaar_valid, luhn_valid, uk_nhs_valid, us_ssn_valid};
use super::{Entity, Sink};

/// Groups a chunk may hold; longer runs are split into several chunks.
const MAX_GROUPS: usize = 12;

const SPACE: u8 = 1;
const DASH: u8 = 2;
const DOT: u8 = 4;
const SLASH: u8 = 8;

pub(crate) const PHONE_CONTEXT: &[&str] = &[
    "phone",
    "telephone",
    "tel",
    "cell",
    "cellphone",
    "mobile",
    "mob",
    "call",
    "calling",
    "text",
    "sms",
    "fax",
    "whatsapp",
    "contact",
    "reach",
    "dial",
    "landline",
    "number",
    "ph",
    "ring",
];
const PHONE_ANTI: &[&str] = &[
    "order",
    "invoice",
    "tracking",
    "reference",
    "ref",
    "confirmation",
    "receipt",
    "serial",
    "sku",
    "isbn",
    "ticket",
    "case",
    "transaction",
    "eur",
    "usd",
    "gbp",
    "dollars",
    "euros",
    "pounds",
];
const CARD_CONTEXT: &[&str] = &[
    "card",
    "credit",
    "debit",
    "visa",
    "mastercard",
    "amex",
    "american express",
    "discover",
    "jcb",
    "diners",
    "maestro",
    "unionpay",
    "cc",
    "ccn",
    "cvv",
    "expiry",
    "expires",
    "pan",
];
const SSN_CONTEXT: &[&str] = &[
    "ssn",
    "ssns",
    "social security",
    "social",
    "ss",
    "ssa",
    "security number",
    "taxpayer",
    "tin",
];
const IP_CONTEXT: &[&str] = &[
    "ip", "ipv4", "address", "server", "host", "gateway", "dns", "subnet", "router",
];
const AADHAAR_CONTEXT: &[&str] = &["aadhaar", "aadhar", "uidai", "uid"];
const NHS_CONTEXT: &[&str] = &["nhs", "national health", "health service", "health"];
const PASSPORT_CONTEXT: &[&str] = &["passport", "passport number", "passport no"];

/// One run of digits, with what separates it from the previous group.
#[derive(Debug, Clone, Copy, Default)]
struct Group {
    /// First digit.
    start: usize,
    /// After the last digit.
    end: usize,
    /// `SPACE | DASH | DOT | SLASH` flags of the separator before it.
    sep: u8,
    /// Written in parentheses, `(202)`.
    paren: bool,
}

impl Group {
    fn len(&self) -> usize {
        self.end - self.start
    }

    /// Where the group's text starts, its `(` included.
    fn outer_start(&self) -> usize {
        self.start - usize::from(self.paren)
    }

    /// Where the group's text ends, its `)` included.
    fn outer_end(&self) -> usize {
        self.end + usize::from(self.paren)
    }
}

/// Digit groups read from one start position.
#[derive(Debug, Clone)]
struct Chunk<'t> {
    b: &'t [u8],
    start: usize,
    plus: bool,
    groups: [Group; MAX_GROUPS],
    n: usize,
    /// End of an extension (`x1234`) right after the last group.
    ext_end: Option<usize>,
}

impl Chunk<'_> {
    fn g(&self) -> &[Group] {
        &self.groups[..self.n]
    }

    fn digits(&self, k: usize) -> usize {
        self.g()[..k].iter().map(Group::len).sum()
    }

    fn lens(&self, k: usize, want: &[usize]) -> bool {
        k == want.len()
            && self
                .g()
                .get(..k)
                .is_some_and(|g| g.iter().zip(want).all(|(g, &w)| g.len() == w))
    }

    /// The separator shared by groups `1..k`, when they share one flag
    /// from `allowed` and none is in parentheses.
    fn uniform_sep(&self, k: usize, allowed: u8) -> Option<u8> {
        let g = self.g().get(..k)?;
        let sep = g.get(1)?.sep;
        let one_flag = sep.count_ones() == 1 && sep & allowed != 0;
        (one_flag && g.iter().all(|x| !x.paren) && g[1..].iter().all(|x| x.sep == sep))
            .then_some(sep)
    }

    /// End of the text of the first `k` groups, with the extension when
    /// they are all of them.
    fn end(&self, k: usize) -> usize {
        match self.ext_end {
            Some(e) if k == self.n => e,
            _ => self.g()[k - 1].outer_end(),
        }
    }

    /// Whether the first `k` groups end where a token may end: before a
    /// space or parenthesis of the chunk, or before a non-word character.
    fn ends_clean(&self, text: &str, k: usize) -> bool {
        if k < self.n {
            let next = self.g()[k];
            return next.sep & SPACE != 0 || (next.paren && next.sep == 0 && self.g()[k - 1].paren);
        }
        if self.ext_end.is_some() {
            return true;
        }
        let end = self.g()[k - 1].outer_end();
        !word_after(text, end) && !text[end..].starts_with('%')
    }

    /// The text of groups `0..k` without `+`, parentheses or extension.
    fn inner<'s>(&self, text: &'s str, k: usize) -> &'s str {
        &text[self.g()[0].start..self.g()[k - 1].end]
    }

    /// Digit `at` of group `i`, as an ASCII byte.
    fn digit(&self, i: usize, at: usize) -> Option<u8> {
        let g = self.g().get(i)?;
        (at < g.len()).then(|| self.b[g.start + at])
    }
}

/// Finds every digit-based entity in `text`.
pub(crate) fn scan(text: &str, sink: &mut Sink<'_>) {
    use Entity::{CreditCard, InAadhaar, Ip, Phone, UkNhs, UsPassport, UsSsn};
    if !sink.wants_any(&[Phone, CreditCard, UsSsn, Ip, InAadhaar, UkNhs, UsPassport]) {
        return;
    }
    let b = text.as_bytes();
    let mut i = 0;
    loop {
        // Jump to the next digit; a '+' or '(' right before it starts there.
        let d = next_digit(b, i);
        if d >= b.len() {
            break;
        }
        i = if d > i && matches!(b[d - 1], b'+' | b'(') {
            d - 1
        } else {
            d
        };
        if !is_start(text, i) {
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            continue;
        }
        let chunk = parse(b, i);
        let next = classify(text, &chunk, sink);
        i = next.max(i + 1);
    }
}

/// Whether a number may start at `i`: not inside a word or a number
/// (`1,234`, `v1.2`, `10:30`), not after a currency sign or `#`.
fn is_start(text: &str, i: usize) -> bool {
    let Some(p) = prev_char(text, i) else {
        return true;
    };
    if p.is_alphanumeric() || p == '_' || p == '#' || is_currency(p) {
        return false;
    }
    if matches!(p, '.' | ',' | '-' | '/' | ':') {
        let before = prev_char(text, i - 1);
        return !before.is_some_and(|c| c.is_alphanumeric());
    }
    true
}

fn is_currency(c: char) -> bool {
    matches!(
        c,
        '$' | '€' | '£' | '¥' | '₹' | '₩' | '₽' | '¢' | '₺' | '₪' | '฿' | '₫' | '₱' | '₦'
    )
}

/// Reads digit groups from `s` (a digit, or `+`/`(` before one).
fn parse(b: &[u8], s: usize) -> Chunk<'_> {
    let mut ch = Chunk {
        b,
        start: s,
        plus: b[s] == b'+',
        groups: [Group::default(); MAX_GROUPS],
        n: 0,
        ext_end: None,
    };
    let mut i = s + usize::from(ch.plus);
    let mut sep = 0u8;
    while ch.n < MAX_GROUPS {
        let paren = b.get(i) == Some(&b'(') && b.get(i + 1).is_some_and(u8::is_ascii_digit);
        i += usize::from(paren);
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            break;
        }
        let closed = paren && b.get(i) == Some(&b')');
        if paren && !closed {
            // "(123" without its ")": not part of this chunk.
            break;
        }
        ch.groups[ch.n] = Group {
            start,
            end: i,
            sep,
            paren: closed,
        };
        ch.n += 1;
        i += usize::from(closed);
        let sep_start = i;
        sep = 0;
        while let Some(flag) = b.get(i).and_then(|&c| sep_flag(c)) {
            if sep & flag != 0 || i - sep_start == 3 {
                break;
            }
            sep |= flag;
            i += 1;
        }
        let digit_next = b.get(i).is_some_and(u8::is_ascii_digit) && (sep != 0 || closed);
        let paren_next = b.get(i) == Some(&b'(') && b.get(i + 1).is_some_and(u8::is_ascii_digit);
        if !(digit_next || paren_next) {
            break;
        }
    }
    if ch.n > 0 {
        ch.ext_end = extension(b, ch.g()[ch.n - 1].outer_end());
    }
    ch
}

fn sep_flag(c: u8) -> Option<u8> {
    match c {
        b' ' => Some(SPACE),
        b'-' => Some(DASH),
        b'.' => Some(DOT),
        b'/' => Some(SLASH),
        _ => None,
    }
}

/// The end of a phone extension starting at `i`: `x123`, ` ext. 45`,
/// ` extension 6`, `#12`.
fn extension(b: &[u8], mut i: usize) -> Option<usize> {
    if b.get(i) == Some(&b' ') {
        i += 1;
    }
    let rest = b.get(i..)?;
    let word = [&b"extension"[..], b"ext.", b"ext", b"x", b"#"]
        .into_iter()
        .find(|w| rest.len() >= w.len() && rest[..w.len()].eq_ignore_ascii_case(w))?;
    i += word.len();
    if matches!(b.get(i), Some(b' ' | b'.' | b':')) {
        i += 1;
    }
    let start = i;
    while i < b.len() && b[i].is_ascii_digit() && i - start < 7 {
        i += 1;
    }
    let n = i - start;
    let glued = b
        .get(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c >= 0x80);
    ((1..=6).contains(&n) && !glued).then_some(i)
}

/// Reports what `ch` is and returns where scanning resumes.
fn classify(text: &str, ch: &Chunk<'_>, sink: &mut Sink<'_>) -> usize {
    if ch.n == 0 {
        return ch.start + 1;
    }
    if !ch.plus {
        if let Some(end) = ipv4(text, ch, sink).or_else(|| date(text, ch)) {
            return end;
        }
        let found = ssn(text, ch, sink)
            .or_else(|| card(text, ch, sink))
            .or_else(|| aadhaar(text, ch, sink))
            .or_else(|| nine_digits(text, ch, sink));
        if let Some(end) = found.or_else(|| nhs(text, ch, sink)) {
            return end;
        }
    }
    if let Some(end) = phone(text, ch, sink) {
        return end;
    }
    // Retry from the next group that a space or parenthesis sets apart.
    ch.g()[1..]
        .iter()
        .find(|g| g.sep & SPACE != 0 || g.paren)
        .map_or(ch.g()[ch.n - 1].outer_end(), Group::outer_start)
}

/// `192.168.0.1`: four dot-separated octets, not the start of a longer
/// dotted version string.
fn ipv4(text: &str, ch: &Chunk<'_>, sink: &mut Sink<'_>) -> Option<usize> {
    let g = ch.g();
    if g.len() < 4 || ch.uniform_sep(4, DOT) != Some(DOT) || !g[..4].iter().all(|x| x.len() <= 3) {
        return None;
    }
    let end = g[3].end;
    if g.len() > 4 && g[4].sep & DOT != 0 {
        // 1.2.3.4.5 is a version, not an address: skip all of it.
        return Some(g[g.len() - 1].end);
    }
    if word_after(text, end) {
        return Some(end);
    }
    let s = ch.inner(text, 4);
    if s.parse::<Ipv4Addr>().is_ok() {
        let span = ch.start..end;
        let hit = context::around(text, span.clone(), IP_CONTEXT, NUMERIC_ANTI);
        let score = hit.apply(0.6);
        sink.push(Entity::Ip, span, score, || {
            format!("IPv4 address, four octets 0-255{}", hit.describe())
        });
    }
    Some(end)
}

/// Dates (`2024-01-05`, `05/01/2024`, `5.1.24`) are consumed without a
/// finding: dates of birth are found from their context words elsewhere.
fn date(text: &str, ch: &Chunk<'_>) -> Option<usize> {
    let g = ch.g();
    if g.len() < 3 || ch.uniform_sep(3, DASH | SLASH | DOT).is_none() || !ch.ends_clean(text, 3) {
        return None;
    }
    let [a, b, c] = [0, 1, 2].map(|i| text[g[i].start..g[i].end].parse::<u32>().unwrap_or(0));
    let ymd = g[0].len() == 4
        && g[1].len() <= 2
        && g[2].len() <= 2
        && super::validate::date_valid(a, b, c);
    let dmy = g[0].len() <= 2
        && g[1].len() <= 2
        && matches!(g[2].len(), 2 | 4)
        && (super::validate::date_valid(c, b, a) || super::validate::date_valid(c, a, b));
    (ymd || dmy).then(|| g[2].end)
}

/// `078-05-1120` (dashes, spaces or dots) with the SSA's structural rules.
fn ssn(text: &str, ch: &Chunk<'_>, sink: &mut Sink<'_>) -> Option<usize> {
    if !ch.lens(3, &[3, 2, 4]) {
        return None;
    }
    let sep = ch.uniform_sep(3, DASH | SPACE | DOT)?;
    if !ch.ends_clean(text, 3) {
        return None;
    }
    let end = ch.g()[2].end;
    if !us_ssn_valid(ch.inner(text, 3)) {
        // A dashed 3-2-4 that breaks the rules is a near miss, nothing else.
        return (sep == DASH).then_some(end);
    }
    let span = ch.start..end;
    // A 3-2-4 grouping with spaces is as distinctive as with dashes in
    // practice (no common phone format groups that way); dots less so.
    let base = if sep == DOT { 0.45 } else { 0.6 };
    let hit = context::around(text, span.clone(), SSN_CONTEXT, NUMERIC_ANTI);
    sink.push(Entity::UsSsn, span, hit.apply(base), || {
        format!(
            "SSN pattern AAA-GG-SSSS, valid area/group/serial{}",
            hit.describe()
        )
    });
    Some(end)
}

/// Payment card numbers: 13 to 19 digits, bare or grouped as cards print
/// them (4-4-4-4, 4-6-5, ...), passing Luhn. A card-shaped number failing
/// Luhn is consumed so that its tail is not taken for a phone.
fn card(text: &str, ch: &Chunk<'_>, sink: &mut Sink<'_>) -> Option<usize> {
    let k = (1..=ch.n.min(5))
        .rev()
        .find(|&k| card_shape(ch, k) && ch.ends_clean(text, k))?;
    let end = ch.g()[k - 1].end;
    let s = ch.inner(text, k);
    let bytes = s.as_bytes();
    let same = bytes
        .iter()
        .filter(|c| c.is_ascii_digit())
        .all(|&c| c == bytes[0]);
    if !luhn_valid(s) || same {
        return Some(end);
    }
    let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_digit).collect();
    let brand = card_brand(&digits);
    let mut base = if brand.is_some() { 0.8 } else { 0.5 };
    if k > 1 {
        base += 0.1;
    }
    let span = ch.start..end;
    let hit = context::around(text, span.clone(), CARD_CONTEXT, NUMERIC_ANTI);
    sink.push(Entity::CreditCard, span, hit.apply(base), || {
        let brand = brand.map_or_else(|| "unknown issuer".to_owned(), |b| format!("{b} prefix"));
        format!(
            "card number: {} digits, Luhn valid, {brand}{}",
            digits.len(),
            hit.describe()
        )
    });
    Some(end)
}

fn card_shape(ch: &Chunk<'_>, k: usize) -> bool {
    let n = ch.digits(k);
    // Maestro cards may have 12 digits; other networks 13 to 19.
    if !((13..=19).contains(&n) || (n == 12 && maestro_prefix(ch))) {
        return false;
    }
    if k == 1 {
        return !ch.g()[0].paren;
    }
    if ch.uniform_sep(k, SPACE | DASH).is_none() {
        return false;
    }
    let g = &ch.g()[..k];
    let fours = g[..k - 1].iter().all(|x| x.len() == 4) && (1..=4).contains(&g[k - 1].len());
    fours || ch.lens(k, &[4, 6, 5]) || ch.lens(k, &[4, 6, 4])
}

/// Whether the chunk starts with a Maestro issuer prefix.
fn maestro_prefix(ch: &Chunk<'_>) -> bool {
    let d: Vec<u8> = (0..4).filter_map(|at| ch.digit(0, at)).collect();
    d.len() == 4 && card_brand_prefix(&d) == Some("Maestro")
}

fn card_brand_prefix(d: &[u8]) -> Option<&'static str> {
    let num = |n: usize| {
        d[..n]
            .iter()
            .fold(0u32, |acc, &c| acc * 10 + u32::from(c - b'0'))
    };
    let (p2, p4) = (num(2), num(4));
    (matches!(p2, 50 | 56 | 57 | 58) || matches!(p4, 6304 | 6759 | 6761 | 6762 | 6763 | 6390 | 604))
        .then_some("Maestro")
}

/// The card network an issuer prefix belongs to, when length agrees.
fn card_brand(d: &[u8]) -> Option<&'static str> {
    let num = |n: usize| {
        d[..n]
            .iter()
            .fold(0u32, |acc, &c| acc * 10 + u32::from(c - b'0'))
    };
    let (p1, p2, p3, p4, len) = (num(1), num(2), num(3), num(4), d.len());
    let brand = match () {
        () if p1 == 4 && matches!(len, 13 | 16 | 19) => "Visa",
        () if ((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && len == 16 => "Mastercard",
        () if matches!(p2, 34 | 37) && len == 15 => "American Express",
        () if (p4 == 6011 || (644..=649).contains(&p3) || p2 == 65) && len >= 16 => "Discover",
        () if (3528..=3589).contains(&p4) && len >= 16 => "JCB",
        () if matches!(p4, 2131 | 1800) && len == 15 => "JCB",
        () if ((300..=305).contains(&p3) || matches!(p2, 36 | 38 | 39)) && len >= 14 => {
            "Diners Club"
        }
        () if p2 == 62 && len >= 16 => "UnionPay",
        () if (2200..=2204).contains(&p4) && len >= 16 => "Mir",
        () if (matches!(p2, 50 | 56 | 57 | 58)
            || matches!(p4, 6304 | 6759 | 6761 | 6762 | 6763 | 6390 | 604))
            && len >= 12 =>
        {
            "Maestro"
        }
        () => return None,
    };
    Some(brand)
}

/// Aadhaar: 12 digits, grouped 4-4-4 or bare, Verhoeff valid. Bare ones
/// need a context word.
fn aadhaar(text: &str, ch: &Chunk<'_>, sink: &mut Sink<'_>) -> Option<usize> {
    let grouped = ch.n >= 3 && ch.lens(3, &[4, 4, 4]) && ch.uniform_sep(3, SPACE | DASH).is_some();
    let k = if grouped { 3 } else { 1 };
    if !(grouped || ch.g()[0].len() == 12)
        || !ch.ends_clean(text, k)
        || !in_aadhaar_valid(ch.inner(text, k))
    {
        return None;
    }
    let span = ch.start..ch.g()[k - 1].end;
    let hit = context::around(text, span.clone(), AADHAAR_CONTEXT, NUMERIC_ANTI);
    let score = hit.apply(if grouped { 0.5 } else { 0.2 });
    sink.push(Entity::InAadhaar, span.clone(), score, || {
        format!(
            "Aadhaar number: 12 digits, Verhoeff valid{}",
            hit.describe()
        )
    });
    (hit.pos.is_some() || grouped).then_some(span.end)
}

/// A bare nine-digit number: an SSN or a US passport number, but only with
/// a context word saying which.
fn nine_digits(text: &str, ch: &Chunk<'_>, sink: &mut Sink<'_>) -> Option<usize> {
    if ch.g()[0].len() != 9 || ch.g()[0].paren || !ch.ends_clean(text, 1) {
        return None;
    }
    let span = ch.start..ch.g()[0].end;
    let s = ch.inner(text, 1);
    let mut found = false;
    if us_ssn_valid(s) {
        let hit = context::around(text, span.clone(), SSN_CONTEXT, NUMERIC_ANTI);
        found |= hit.pos.is_some();
        sink.push(Entity::UsSsn, span.clone(), hit.apply(0.2), || {
            format!(
                "nine bare digits with valid SSN area/group/serial{}",
                hit.describe()
            )
        });
    }
    if let Some(word) = context::before(text, span.start, PASSPORT_CONTEXT) {
        found = true;
        sink.push(Entity::UsPassport, span.clone(), 0.8, || {
            format!("nine digits after the context word '{word}' (US passport book number)")
        });
    }
    found.then_some(span.end)
}

/// NHS numbers (3-3-4 or ten bare digits, mod-11 valid) are reported only
/// next to a health context word; otherwise the number is left to the
/// phone reading.
fn nhs(text: &str, ch: &Chunk<'_>, sink: &mut Sink<'_>) -> Option<usize> {
    let grouped = ch.n >= 3 && ch.lens(3, &[3, 3, 4]) && ch.uniform_sep(3, SPACE | DASH).is_some();
    let k = if grouped { 3 } else { 1 };
    if !(grouped || ch.g()[0].len() == 10)
        || !ch.ends_clean(text, k)
        || !uk_nhs_valid(ch.inner(text, k))
    {
        return None;
    }
    let span = ch.start..ch.g()[k - 1].end;
    let hit = context::around(text, span.clone(), NHS_CONTEXT, NUMERIC_ANTI);
    hit.pos?;
    sink.push(Entity::UkNhs, span.clone(), hit.apply(0.5), || {
        format!(
            "NHS number: 10 digits, mod-11 check digit valid{}",
            hit.describe()
        )
    });
    Some(span.end)
}

/// Phone numbers: the longest run of groups from the chunk's start that
/// reads as an international (`+44 20 7946 0958`, `001-202-555-0173`) or
/// national (`(202) 555-0173`, `030 1234567`) number.
fn phone(text: &str, ch: &Chunk<'_>, sink: &mut Sink<'_>) -> Option<usize> {
    let (k, base, what) = (1..=ch.n.min(8)).rev().find_map(|k| {
        phone_shape(ch, k)
            .filter(|_| ch.ends_clean(text, k))
            .map(|(s, w)| (k, s, w))
    })?;
    let end = ch.end(k);
    let ext = ch.ext_end.is_some() && k == ch.n;
    let base = if ext { base + 0.05 } else { base };
    let span = ch.start..end;
    let hit = context::around(text, span.clone(), PHONE_CONTEXT, PHONE_ANTI);
    sink.push(Entity::Phone, span, hit.apply(base), || {
        let ext = if ext { ", with extension" } else { "" };
        format!(
            "phone number ({what}, {} digits{ext}){}",
            ch.digits(k),
            hit.describe()
        )
    });
    Some(end)
}

/// Whether the first `k` groups read as a phone number: its base score and
/// a description of the format.
fn phone_shape(ch: &Chunk<'_>, k: usize) -> Option<(f32, &'static str)> {
    if k > 7 {
        return None;
    }
    let g = &ch.g()[..k];
    let digit = |i: usize, at: usize| ch.digit(i, at);
    // A "(0)" after the country code is the national trunk prefix.
    let trunk = (1..k)
        .filter(|&i| g[i].paren && g[i].len() == 1 && digit(i, 0) == Some(b'0'))
        .count();
    let singles = g.iter().filter(|x| x.len() == 1).count() - trunk;
    if singles > 1 || g.iter().any(|x| x.len() > 12) {
        return None;
    }
    let n = ch.digits(k) - trunk;
    if ch.plus {
        let ok = (8..=15).contains(&n) && digit(0, 0) != Some(b'0');
        return ok.then_some((
            if k > 1 { 0.7 } else { 0.6 },
            "international, +country code",
        ));
    }
    let first = &g[0];
    if first.len() >= 3
        && digit(0, 0) == Some(b'0')
        && digit(0, 1) == Some(b'0')
        && digit(0, 2) != Some(b'0')
    {
        let ok = (8..=15).contains(&(n - 2));
        let base = if k > 1 { 0.6 } else { 0.45 };
        return ok.then_some((base, "international, 00 country code"));
    }
    if k == 1 {
        return match (first.len(), digit(0, 0)) {
            (8, _) => Some((0.15, "eight bare digits")),
            (9, _) => Some((0.2, "nine bare digits")),
            (10, Some(d)) if d != b'1' => Some((0.4, "ten bare digits")),
            (10, _) => Some((0.3, "ten bare digits")),
            (11, Some(b'0' | b'1')) => Some((0.4, "eleven bare digits with trunk prefix")),
            (11, _) => Some((0.35, "eleven bare digits")),
            _ => None,
        };
    }
    if k >= 3 && g.iter().all(|x| x.len() == 4) {
        // 2018 2019 2020, 1234 5678: years and codes, not phones.
        return None;
    }
    match n {
        7..=8 => Some((0.2, "local number")),
        9..=11 => Some(national_score(ch, k)),
        12 if digit(0, 0) == Some(b'0') => Some(national_score(ch, k)),
        _ => None,
    }
}

fn national_score(ch: &Chunk<'_>, k: usize) -> (f32, &'static str) {
    let g = &ch.g()[..k];
    let nanp =
        ch.lens(k, &[3, 3, 4]) || (ch.lens(k, &[1, 3, 3, 4]) && ch.digit(0, 0) == Some(b'1'));
    if g[0].paren || (nanp && g[k - 3].paren) {
        (0.7, "national, area code in parentheses")
    } else if nanp {
        (0.65, "national, 3-3-4 grouping")
    } else if ch.digit(0, 0) == Some(b'0') {
        (0.55, "national, trunk prefix 0")
    } else {
        (0.5, "national, grouped digits")
    }
}

#[cfg(test)]
mod tests {
    use crate::pii::tests::scan;

    fn has(text: &str, entity: &str, value: &str) {
        let got = scan(text);
        assert!(
            got.contains(&(entity.to_owned(), value.to_owned())),
            "{text:?}: {got:?}"
        );
    }

    fn none_of(text: &str, entity: &str) {
        let got = scan(text);
        assert!(got.iter().all(|(e, _)| e != entity), "{text:?}: {got:?}");
    }

    #[test]
    fn phone_formats() {
        for p in [
            "+1-202-555-0173",
            "(202) 555-0173",
            "202.555.0173x1234",
            "+44 20 7946 0958",
            "001-202-555-0173",
            "(591)341-7776",
            "+1-537-640-6812x41586",
            "106-690-7439 x150",
            "1 (786) 834-4978",
            "+44(0)115 4960914",
            "+44115 496 0777",
            "(0161) 4960066",
            "+49 (0) 9141 777631",
            "03662 585178",
            "+33 (0)1 41 63 60 83",
            "04 15 39 15 00",
            "+34842 91 41 77",
            "+39 0925141776",
            "(0406)-812415",
            "+55 61 9141-7776",
            "080-9141-7776",
            "+61.437.406.812",
            "08-170 669 07",
            "+917783533740",
            "609 141 777",
        ] {
            has(&format!("Call me at {p}."), "PHONE_NUMBER", p);
        }
    }

    #[test]
    fn bare_digits_need_context_to_score_high() {
        has("my mobile 3420837783", "PHONE_NUMBER", "3420837783");
        none_of("order 3420837783", "PHONE_NUMBER");
        has("call 555-0173", "PHONE_NUMBER", "555-0173");
        none_of("room 555-0173", "PHONE_NUMBER");
    }

    #[test]
    fn cards_with_luhn_and_grouping() {
        has(
            "card 4111 1111 1111 1111 exp 12/27",
            "CREDIT_CARD",
            "4111 1111 1111 1111",
        );
        has("4111-1111-1111-1111", "CREDIT_CARD", "4111-1111-1111-1111");
        has("amex 3782 822463 10005", "CREDIT_CARD", "3782 822463 10005");
        has(
            "pay with 5555555555554444",
            "CREDIT_CARD",
            "5555555555554444",
        );
        let jcb = with_check_digit("21311234567890");
        has(&format!("jcb {jcb}"), "CREDIT_CARD", &jcb);
    }

    /// `payload` with its Luhn check digit, computed the textbook way (not
    /// with the validator under test).
    fn with_check_digit(payload: &str) -> String {
        let sum: u32 = payload
            .bytes()
            .rev()
            .enumerate()
            .map(|(i, c)| {
                let d = u32::from(c - b'0');
                if i % 2 == 0 {
                    [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][d as usize]
                } else {
                    d
                }
            })
            .sum();
        format!("{payload}{}", (10 - sum % 10) % 10)
    }

    #[test]
    fn card_near_misses_report_nothing() {
        for t in [
            "card 4111 1111 1111 1112",
            "4111111111111112",
            "0000 0000 0000 0000",
        ] {
            assert_eq!(scan(t), vec![], "{t}");
        }
    }

    #[test]
    fn ssns_follow_the_ssa_rules() {
        has("SSN 078-05-1120", "US_SSN", "078-05-1120");
        has(
            "social security number 536 22 8726",
            "US_SSN",
            "536 22 8726",
        );
        has("ssn: 536228726", "US_SSN", "536228726");
        for bad in [
            "000-12-3456",
            "666-12-3456",
            "912-12-3456",
            "123-00-4567",
            "123-45-0000",
        ] {
            assert_eq!(scan(&format!("SSN {bad}")), vec![], "{bad}");
        }
        none_of("id 536228726", "US_SSN");
    }

    #[test]
    fn ipv4_is_strict() {
        has("server 192.168.0.1:8080", "IP_ADDRESS", "192.168.0.1");
        has("10.0.0.255", "IP_ADDRESS", "10.0.0.255");
        for t in ["256.1.1.1", "1.2.3.4.5", "v1.2.3.4", "01.2.3.4", "1.2.3"] {
            none_of(t, "IP_ADDRESS");
        }
    }

    #[test]
    fn national_numbers() {
        has("Aadhaar 2345 6789 0124", "IN_AADHAAR", "2345 6789 0124");
        none_of("Aadhaar 2345 6789 0123", "IN_AADHAAR");
        has("my NHS number is 943 476 5919", "UK_NHS", "943 476 5919");
        none_of("943 476 5919", "UK_NHS");
        has("passport number 123456789", "US_PASSPORT", "123456789");
    }

    #[test]
    fn look_alikes_are_not_pii() {
        for t in [
            "order #4839201938",
            "It cost $1,234.56",
            "released v1.2.3",
            "at 2024-01-05 10:00",
            "on 12/05/2024",
            "in 2018 2019 2020",
            "we have 1 000 000 users",
            "pi is 3.14159265358979",
            "call before 5pm, 10am-12pm",
            "50% of 1234567",
        ] {
            assert_eq!(scan(t), vec![], "{t}");
        }
    }

    #[test]
    fn a_phone_after_a_stray_number_is_still_found() {
        has("item 12 202-555-0173", "PHONE_NUMBER", "202-555-0173");
    }
}
