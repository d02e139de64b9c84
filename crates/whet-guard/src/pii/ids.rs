//! Identifiers that mix letters and digits: IBANs, UK National Insurance
//! numbers, Italian fiscal codes, Spanish NIF/NIE, the letter form of US
//! passport numbers, crypto wallet addresses and MAC addresses.
//!
//! One multi-pattern regex (ASCII only, so it runs on the lazy DFA) finds
//! every candidate in one pass over the parts of the text near digits; each is then checked
//! by its validator.

use std::ops::Range;
use std::sync::LazyLock;

use regex_automata::Input;
use regex_automata::meta::Regex;
use regex_automata::util::syntax;

use super::context::{self, NUMERIC_ANTI};
use super::text::word_after;
use super::validate::{
    bitcoin_address_valid, es_nif_valid, ethereum_address_valid, iban_checksum_valid, iban_length,
    iban_valid, it_fiscal_code_valid, uk_nino_valid,
};
use super::{Entity, Sink};

/// The candidate patterns, in priority order (the first that matches at a
/// position wins); the index is what [`check`] dispatches on.
const PATTERNS: [&str; 12] = [
    r"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b",
    r"\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]\b",
    r"\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b",
    r"\b[0-9]{8}-?[A-Z]\b",
    r"\b[XYZ]-?[0-9]{7}-?[A-Z]\b",
    r"\b[A-Z][0-9]{8}\b",
    r"\b[13][1-9A-HJ-NP-Za-km-z]{25,34}\b",
    r"\b(?:bc1|BC1)[02-9ac-hj-np-zAC-HJ-NP-Z]{11,71}\b",
    r"\b0x[0-9a-fA-F]{40}\b",
    r"\b[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}\b",
    r"\b[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}\b",
    r"\b[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\b",
];

static IDS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::builder()
        .syntax(syntax::Config::new().unicode(false))
        .build_many(&PATTERNS)
        .ok()
});

const IBAN_CONTEXT: &[&str] = &[
    "iban",
    "bank",
    "account",
    "transfer",
    "wire",
    "sepa",
    "payee",
    "beneficiary",
];
const NINO_CONTEXT: &[&str] = &[
    "national insurance",
    "nino",
    "ni number",
    "ni",
    "insurance number",
];
const IT_CONTEXT: &[&str] = &["codice fiscale", "fiscal", "fiscale", "cf", "tax code"];
const ES_CONTEXT: &[&str] = &["nif", "dni", "nie", "documento", "identidad", "tax id"];
const CRYPTO_CONTEXT: &[&str] = &[
    "bitcoin", "btc", "wallet", "ethereum", "eth", "crypto", "address", "send", "usdt", "token",
];
const MAC_CONTEXT: &[&str] = &[
    "mac", "hardware", "ethernet", "wifi", "wi-fi", "device", "adapter", "bssid",
];
const PASSPORT_CONTEXT: &[&str] = &["passport", "passport number", "passport no"];

/// Finds the mixed letter-and-digit identifiers in `windows` (the parts
/// of the text near digits: every pattern needs one).
pub(crate) fn scan(text: &str, windows: &[Range<usize>], sink: &mut Sink<'_>) {
    use Entity::{Crypto, EsNif, Iban, ItFiscalCode, Mac, UkNino, UsPassport};
    if windows.is_empty()
        || !sink.wants_any(&[Iban, UkNino, ItFiscalCode, EsNif, UsPassport, Crypto, Mac])
    {
        return;
    }
    let Some(re) = IDS.as_ref() else {
        return;
    };
    for w in windows {
        for m in re.find_iter(Input::new(text).range(w.clone())) {
            check(text, m.pattern().as_usize(), m.start(), m.end(), sink);
        }
    }
}

fn check(text: &str, pattern: usize, start: usize, end: usize, sink: &mut Sink<'_>) {
    let s = &text[start..end];
    match pattern {
        0 => iban(text, start, end, sink),
        1 if uk_nino_valid(s) => {
            let hit = context::around(text, start..end, NINO_CONTEXT, NUMERIC_ANTI);
            sink.push(Entity::UkNino, start..end, hit.apply(0.6), || {
                format!(
                    "UK National Insurance number: valid prefix and suffix letters{}",
                    hit.describe()
                )
            });
        }
        2 if it_fiscal_code_valid(s) => {
            let hit = context::around(text, start..end, IT_CONTEXT, NUMERIC_ANTI);
            sink.push(Entity::ItFiscalCode, start..end, hit.apply(0.9), || {
                format!(
                    "Italian fiscal code: check character valid{}",
                    hit.describe()
                )
            });
        }
        3 | 4 if es_nif_valid(s) => {
            let hit = context::around(text, start..end, ES_CONTEXT, NUMERIC_ANTI);
            let (base, what) = if pattern == 3 {
                (0.75, "NIF")
            } else {
                (0.8, "NIE")
            };
            sink.push(Entity::EsNif, start..end, hit.apply(base), || {
                format!(
                    "Spanish {what}: control letter valid (mod 23){}",
                    hit.describe()
                )
            });
        }
        5 => {
            if let Some(word) = context::before(text, start, PASSPORT_CONTEXT) {
                sink.push(Entity::UsPassport, start..end, 0.8, || {
                    format!("letter and eight digits after the context word '{word}' (US passport)")
                });
            }
        }
        6 | 7 if bitcoin_address_valid(s) => {
            let hit = context::around(text, start..end, CRYPTO_CONTEXT, &[]);
            let what = if pattern == 6 {
                "base58check checksum"
            } else {
                "bech32 checksum"
            };
            sink.push(Entity::Crypto, start..end, hit.apply(0.95), || {
                format!("Bitcoin address: {what} valid{}", hit.describe())
            });
        }
        8 if ethereum_address_valid(s) => {
            let hit = context::around(text, start..end, CRYPTO_CONTEXT, &[]);
            sink.push(Entity::Crypto, start..end, hit.apply(0.7), || {
                format!("Ethereum address: 0x and 40 hex digits{}", hit.describe())
            });
        }
        9..=11 => mac(text, start, end, sink),
        _ => {}
    }
}

/// IBANs: the greedy pattern may run past the end (into a following
/// word), so the candidate is cut to its country's length first. A
/// candidate of another length is still an IBAN when its check digits
/// hold, at a lower score.
fn iban(text: &str, start: usize, end: usize, sink: &mut Sink<'_>) {
    let s = &text[start..end];
    let Some(want) = iban_length(&s[..2]) else {
        return;
    };
    let mut seen = 0;
    let mut cut = None;
    for (i, c) in s.char_indices() {
        if c != ' ' {
            seen += 1;
            if seen == want {
                cut = Some(start + i + 1);
                break;
            }
        }
    }
    let strict = cut.filter(|&c| !word_after(text, c) && iban_valid(&text[start..c]));
    let (end, score, what) = match strict {
        Some(cut) => (cut, 0.9, format!("country length {want}")),
        None if iban_checksum_valid(s) => (
            end,
            0.6,
            format!("length differs from the country's {want}"),
        ),
        None => return,
    };
    let spaced = text[start..end].contains(' ');
    let hit = context::around(text, start..end, IBAN_CONTEXT, &[]);
    sink.push(Entity::Iban, start..end, hit.apply(score), || {
        let form = if spaced { "grouped" } else { "compact" };
        format!(
            "IBAN ({form}): {what}, mod-97 check valid{}",
            hit.describe()
        )
    });
}

/// MAC addresses, unless they are the first six groups of a longer run.
fn mac(text: &str, start: usize, end: usize, sink: &mut Sink<'_>) {
    let b = text.as_bytes();
    let longer = matches!(b.get(end), Some(b':' | b'-' | b'.'))
        && b.get(end + 1).is_some_and(u8::is_ascii_hexdigit);
    if longer || (start > 0 && matches!(b[start - 1], b':' | b'-' | b'.')) {
        return;
    }
    let s = &text[start..end];
    if s.bytes().filter(u8::is_ascii_hexdigit).all(|c| c == b'0') {
        return;
    }
    let hit = context::around(text, start..end, MAC_CONTEXT, &[]);
    sink.push(Entity::Mac, start..end, hit.apply(0.7), || {
        format!("MAC address: six hex octets{}", hit.describe())
    });
}

#[cfg(test)]
mod tests {
    use crate::pii::tests::scan;

    fn one(text: &str, entity: &str, value: &str) {
        let got = scan(text);
        assert!(
            got.contains(&(entity.to_owned(), value.to_owned())),
            "{text}: {got:?}"
        );
    }

    fn none_of(text: &str, entity: &str) {
        let got = scan(text);
        assert!(got.iter().all(|(e, _)| e != entity), "{text}: {got:?}");
    }

    #[test]
    fn the_pattern_set_compiles() {
        assert!(super::IDS.is_some());
    }

    #[test]
    fn ibans_with_and_without_spaces() {
        one(
            "IBAN: GB82 WEST 1234 5698 7654 32.",
            "IBAN_CODE",
            "GB82 WEST 1234 5698 7654 32",
        );
        one(
            "send it to GB82WEST12345698765432 today",
            "IBAN_CODE",
            "GB82WEST12345698765432",
        );
        one(
            "DE89 3704 0044 0532 0130 00 BANK",
            "IBAN_CODE",
            "DE89 3704 0044 0532 0130 00",
        );
        one(
            "FR1420041010050500013M02606",
            "IBAN_CODE",
            "FR1420041010050500013M02606",
        );
    }

    #[test]
    fn iban_near_misses() {
        none_of("GB83 WEST 1234 5698 7654 32", "IBAN_CODE");
        none_of("GB82 WEST 1234 5698 7654", "IBAN_CODE");
        none_of("XX82WEST12345698765432", "IBAN_CODE");
    }

    #[test]
    fn national_ids() {
        one("NI number AB 12 34 56 C", "UK_NINO", "AB 12 34 56 C");
        none_of("code GB123456A", "UK_NINO");
        one(
            "codice fiscale RSSMRA85T10A562S",
            "IT_FISCAL_CODE",
            "RSSMRA85T10A562S",
        );
        none_of("RSSMRA85T10A562T", "IT_FISCAL_CODE");
        one("DNI 12345678Z", "ES_NIF", "12345678Z");
        none_of("DNI 12345678A", "ES_NIF");
        one("NIE X1234567L", "ES_NIF", "X1234567L");
        one("passport no. C03005988", "US_PASSPORT", "C03005988");
        none_of("part C03005988", "US_PASSPORT");
    }

    #[test]
    fn crypto_wallets_with_checksums() {
        one(
            "BTC: 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
            "CRYPTO",
            "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
        );
        one(
            "pay 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy now",
            "CRYPTO",
            "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
        );
        one(
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "CRYPTO",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        );
        one(
            "eth 0x52908400098527886E0F7030069857D2E4169EE7",
            "CRYPTO",
            "0x52908400098527886E0F7030069857D2E4169EE7",
        );
        none_of("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", "CRYPTO");
        none_of("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp", "CRYPTO");
    }

    #[test]
    fn mac_addresses() {
        one("MAC 00:1A:2B:3C:4D:5E", "MAC_ADDRESS", "00:1A:2B:3C:4D:5E");
        one(
            "adapter 00-1a-2b-3c-4d-5e",
            "MAC_ADDRESS",
            "00-1a-2b-3c-4d-5e",
        );
        one("0011.2233.4455 on port 3", "MAC_ADDRESS", "0011.2233.4455");
        none_of("00:1A:2B:3C:4D:5E:6F:70", "MAC_ADDRESS");
        none_of("00:00:00:00:00:00", "MAC_ADDRESS");
    }
}
