//! Check digits and structural rules that turn "looks like" into "is".
//!
//! Every detector that has a checksum uses one of these before it reports,
//! so a finding of a validated entity always passes its validator (property
//! tested). They are public because the red team uses them to build valid
//! and deliberately invalid values.

use std::net::{Ipv4Addr, Ipv6Addr};

use sha2::{Digest, Sha256};

/// Whether `s` (digits, optionally separated by spaces or dashes) passes the
/// Luhn check used by payment cards. Needs at least two digits.
pub fn luhn_valid(s: &str) -> bool {
    let mut sum = 0u32;
    let mut n = 0usize;
    for b in s.bytes().rev() {
        match b {
            b'0'..=b'9' => {
                let mut d = u32::from(b - b'0');
                if n % 2 == 1 {
                    d *= 2;
                    if d > 9 {
                        d -= 9;
                    }
                }
                sum += d;
                n += 1;
            }
            b' ' | b'-' => {}
            _ => return false,
        }
    }
    n >= 2 && sum.is_multiple_of(10)
}

/// The IBAN length of a country, from the SWIFT IBAN registry.
pub fn iban_length(country: &str) -> Option<usize> {
    let n = match country {
        "NO" => 15,
        "BE" => 16,
        "DK" | "FI" | "FK" | "FO" | "GL" | "NL" | "SD" => 18,
        "MK" | "SI" => 19,
        "AT" | "BA" | "EE" | "KZ" | "LT" | "LU" | "MN" | "XK" => 20,
        "CH" | "HR" | "LI" | "LV" => 21,
        "BG" | "BH" | "CR" | "DE" | "GB" | "GE" | "IE" | "ME" | "RS" | "VA" => 22,
        "AE" | "GI" | "IL" | "IQ" | "OM" | "SO" | "TL" => 23,
        "AD" | "CZ" | "ES" | "MD" | "PK" | "RO" | "SA" | "SE" | "SK" | "TN" | "VG" => 24,
        "LY" | "PT" | "ST" => 25,
        "IS" | "TR" => 26,
        "BI" | "DJ" | "FR" | "GR" | "IT" | "MC" | "MR" | "SM" => 27,
        "AL" | "AZ" | "BY" | "CY" | "DO" | "GT" | "HN" | "HU" | "LB" | "NI" | "PL" | "SV" => 28,
        "BR" | "EG" | "PS" | "QA" | "UA" => 29,
        "JO" | "KW" | "MU" | "YE" => 30,
        "MT" | "SC" => 31,
        "LC" => 32,
        "RU" => 33,
        _ => return None,
    };
    Some(n)
}

/// Whether `s` is an IBAN: a known country, that country's length, and the
/// ISO 13616 mod-97 check. Spaces are ignored and letters may be lowercase.
pub fn iban_valid(s: &str) -> bool {
    let mut buf = [0u8; 34];
    let mut n = 0;
    for b in s.bytes() {
        if b == b' ' {
            continue;
        }
        if !b.is_ascii_alphanumeric() || n == buf.len() {
            return false;
        }
        buf[n] = b.to_ascii_uppercase();
        n += 1;
    }
    let iban = &buf[..n];
    if n < 5
        || !iban[..2].iter().all(u8::is_ascii_uppercase)
        || !iban[2..4].iter().all(u8::is_ascii_digit)
    {
        return false;
    }
    let country = std::str::from_utf8(&iban[..2]).unwrap_or("");
    iban_length(country) == Some(n) && mod97_is_one(iban)
}

/// Whether `s` has an IBAN's shape (country letters, check digits, 11 to
/// 30 letters or digits; spaces ignored) and passes mod-97, whatever its
/// length: some generators (and some old account formats) get the
/// national length wrong while computing the check digits right.
pub fn iban_checksum_valid(s: &str) -> bool {
    let compact: Vec<u8> = s
        .bytes()
        .filter(|&c| c != b' ')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let n = compact.len();
    (15..=34).contains(&n)
        && compact.iter().all(u8::is_ascii_alphanumeric)
        && compact[..2].iter().all(u8::is_ascii_uppercase)
        && compact[2..4].iter().all(u8::is_ascii_digit)
        && iban_length(std::str::from_utf8(&compact[..2]).unwrap_or("")).is_some()
        && mod97_is_one(&compact)
}

/// ISO 7064 mod 97-10 over an uppercase IBAN: move the first four
/// characters to the end, read letters as 10..=35, and take the remainder
/// digit by digit.
fn mod97_is_one(iban: &[u8]) -> bool {
    mod97(iban[4..].iter().chain(&iban[..4]).copied()) == 1
}

/// The number a run of digits and letters spells (letters A=10 .. Z=35, in
/// either case), mod 97; other bytes are skipped. Shared with the red
/// team's IBAN generator.
pub(crate) fn mod97(chars: impl IntoIterator<Item = u8>) -> u32 {
    chars
        .into_iter()
        .fold(0, |acc, b| match char::from(b).to_digit(36) {
            Some(v) if v >= 10 => (acc * 100 + v) % 97,
            Some(v) => (acc * 10 + v) % 97,
            None => acc,
        })
}

/// Whether `s` is a plausible US Social Security number: nine digits, bare
/// or as `AAA-GG-SSSS` (dashes, spaces or dots), with an area that is not
/// 000, 666 or 9xx, a group that is not 00, a serial that is not 0000, and
/// not one digit repeated.
pub fn us_ssn_valid(s: &str) -> bool {
    let b = s.as_bytes();
    let shaped =
        b.len() == 9 || (b.len() == 11 && matches!(b[3], b'-' | b'.' | b' ') && b[6] == b[3]);
    let Some(d) = digits::<9>(s, b"-. ").filter(|_| shaped) else {
        return false;
    };
    let area = u32::from(d[0]) * 100 + u32::from(d[1]) * 10 + u32::from(d[2]);
    let group = d[3] * 10 + d[4];
    let serial = &d[5..];
    area != 0
        && area != 666
        && area < 900
        && group != 0
        && serial.iter().any(|&x| x != 0)
        && d.iter().any(|&x| x != d[0])
}

/// Whether the digits of `s` pass the Verhoeff check (India's Aadhaar).
pub fn verhoeff_valid(s: &str) -> bool {
    const D: [[u8; 10]; 10] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
        [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
        [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
        [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
        [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
        [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ];
    const P: [[u8; 10]; 8] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
        [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
        [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
        [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
        [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
        [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ];
    let mut c = 0u8;
    let mut n = 0usize;
    for b in s.bytes().rev() {
        match b {
            b'0'..=b'9' => {
                c = D[usize::from(c)][usize::from(P[n % 8][usize::from(b - b'0')])];
                n += 1;
            }
            b' ' | b'-' => {}
            _ => return false,
        }
    }
    n >= 2 && c == 0
}

/// Whether `s` is an Indian Aadhaar number: twelve digits, the first not 0
/// or 1, passing the Verhoeff check.
pub fn in_aadhaar_valid(s: &str) -> bool {
    digits::<12>(s, b" -").is_some_and(|d| d[0] >= 2) && verhoeff_valid(s)
}

/// Whether `s` is a UK NHS number: ten digits whose last is the mod-11
/// check digit of the first nine (weights 10 down to 2).
pub fn uk_nhs_valid(s: &str) -> bool {
    let Some(d) = digits::<10>(s, b" -") else {
        return false;
    };
    let sum: u32 = d[..9]
        .iter()
        .zip((2..=10).rev())
        .map(|(&x, w)| u32::from(x) * w)
        .sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return false,
        c => c,
    };
    u32::from(d[9]) == check && d.iter().any(|&x| x != d[0])
}

/// Whether `s` is a Spanish NIF (`12345678Z`) or NIE (`X1234567L`): the
/// letter is `TRWAGMYFPDXBNJZSQVHLCKE`'s entry for the number mod 23. One
/// dash before the letter (and after an NIE's first letter) is allowed.
pub fn es_nif_valid(s: &str) -> bool {
    const LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";
    let b: Vec<u8> = s
        .bytes()
        .filter(|&c| c != b'-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if b.len() != 9 {
        return false;
    }
    let first = match b[0] {
        b'X' => 0,
        b'Y' => 1,
        b'Z' => 2,
        c if c.is_ascii_digit() => u32::from(c - b'0'),
        _ => return false,
    };
    let mut n = first;
    for &c in &b[1..8] {
        if !c.is_ascii_digit() {
            return false;
        }
        n = n * 10 + u32::from(c - b'0');
    }
    LETTERS.get((n % 23) as usize) == Some(&b[8])
}

/// Whether `s` is an Italian codice fiscale: sixteen characters in the
/// pattern `LLLLLLDDLDDLDDDL` (digits may be replaced by the omocodia
/// letters `LMNPQRSTUV`), whose last letter is the check character.
pub fn it_fiscal_code_valid(s: &str) -> bool {
    // Values of characters in odd (1st, 3rd, ...) positions; digits take the
    // value of the letter at the same index (0 = A, 1 = B, ...).
    const ODD: [u8; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    const DIGIT_POS: [usize; 7] = [6, 7, 9, 10, 12, 13, 14];
    let b = s.as_bytes();
    if b.len() != 16 || !b.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let up = |i: usize| b[i].to_ascii_uppercase();
    for i in 0..16 {
        let c = up(i);
        let ok = if DIGIT_POS.contains(&i) {
            c.is_ascii_digit() || b"LMNPQRSTUV".contains(&c)
        } else {
            c.is_ascii_uppercase()
        };
        if !ok || (i == 8 && !b"ABCDEHLMPRST".contains(&c)) {
            return false;
        }
    }
    let mut sum = 0u32;
    for i in 0..15 {
        let c = up(i);
        let idx = if c.is_ascii_digit() {
            c - b'0'
        } else {
            c - b'A'
        };
        sum += u32::from(if i % 2 == 0 {
            ODD[usize::from(idx)]
        } else {
            idx
        });
    }
    u32::from(up(15) - b'A') == sum % 26
}

/// Whether `s` is a UK National Insurance number: two prefix letters
/// (neither D, F, I, Q, U, V; the second not O; not BG, GB, KN, NK, NT, TN or
/// ZZ), six digits and a suffix A to D; spaces between pairs are allowed.
pub fn uk_nino_valid(s: &str) -> bool {
    let b: Vec<u8> = s
        .bytes()
        .filter(|&c| c != b' ')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if b.len() != 9 {
        return false;
    }
    const BAD_PREFIXES: [&[u8]; 7] = [b"BG", b"GB", b"KN", b"NK", b"NT", b"TN", b"ZZ"];
    b[0].is_ascii_uppercase()
        && b[1].is_ascii_uppercase()
        && !b"DFIQUV".contains(&b[0])
        && !b"DFIOQUV".contains(&b[1])
        && !BAD_PREFIXES.contains(&&b[..2])
        && b[2..8].iter().all(u8::is_ascii_digit)
        && (b'A'..=b'D').contains(&b[8])
}

/// Whether `s` is a Bitcoin address: base58check P2PKH (`1...`) or P2SH
/// (`3...`) with a valid double-SHA-256 checksum, or a segwit `bc1` address
/// with a valid bech32 (v0) or bech32m (v1+) checksum.
pub fn bitcoin_address_valid(s: &str) -> bool {
    match s.as_bytes().first() {
        Some(b'1' | b'3') => base58check_valid(s),
        Some(b'b' | b'B') => bech32_address_valid(s),
        _ => false,
    }
}

/// Whether `s` is shaped like an Ethereum address: `0x` and 40 hex digits.
/// (The optional mixed-case EIP-55 checksum needs Keccak, which this crate
/// does not carry, so it is not checked.)
pub fn ethereum_address_valid(s: &str) -> bool {
    s.len() == 42 && s.starts_with("0x") && s.as_bytes()[2..].iter().all(u8::is_ascii_hexdigit)
}

/// Whether `s` is a strictly written IPv4 address (four decimal octets, no
/// leading zeros) or any IPv6 address Rust's parser accepts.
pub fn ip_valid(s: &str) -> bool {
    s.parse::<Ipv4Addr>().is_ok() || s.parse::<Ipv6Addr>().is_ok()
}

/// Whether `d`, `m`, `y` (a four-digit year, or two digits read as 19xx or
/// 20xx) form a real calendar date between 1900 and 2099.
pub fn date_valid(y: u32, m: u32, d: u32) -> bool {
    let y = match y {
        0..=99 => y + if y <= 30 { 2000 } else { 1900 },
        1900..=2099 => y,
        _ => return false,
    };
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// The `N` digits of `s`, which may hold separators from `seps`; `None`
/// when there are more or fewer digits or any other character.
fn digits<const N: usize>(s: &str, seps: &[u8]) -> Option<[u8; N]> {
    let mut d = [0u8; N];
    let mut n = 0;
    for b in s.bytes() {
        if b.is_ascii_digit() {
            *d.get_mut(n)? = b - b'0';
            n += 1;
        } else if !seps.contains(&b) {
            return None;
        }
    }
    (n == N).then_some(d)
}

fn base58check_valid(s: &str) -> bool {
    const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    if !(26..=35).contains(&s.len()) {
        return false;
    }
    let mut raw = [0u8; 25];
    for c in s.bytes() {
        let Some(v) = ALPHABET.iter().position(|&a| a == c) else {
            return false;
        };
        let mut carry = v as u32;
        for byte in raw.iter_mut().rev() {
            carry += u32::from(*byte) * 58;
            *byte = (carry & 0xff) as u8;
            carry >>= 8;
        }
        if carry != 0 {
            return false;
        }
    }
    // Each leading '1' stands for one leading zero byte, exactly.
    let ones = s.bytes().take_while(|&c| c == b'1').count();
    let zeros = raw.iter().take_while(|&&b| b == 0).count();
    if ones != zeros || !matches!(raw[0], 0x00 | 0x05) {
        return false;
    }
    let hash = Sha256::digest(Sha256::digest(&raw[..21]));
    hash[..4] == raw[21..]
}

fn bech32_address_valid(s: &str) -> bool {
    const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    let lower = s.bytes().any(|c| c.is_ascii_lowercase());
    let upper = s.bytes().any(|c| c.is_ascii_uppercase());
    if (lower && upper) || !(14..=90).contains(&s.len()) {
        return false;
    }
    let s = s.to_ascii_lowercase();
    let Some((hrp, data)) = s.rsplit_once('1') else {
        return false;
    };
    if hrp != "bc" || data.len() < 7 {
        return false;
    }
    let mut values = Vec::with_capacity(hrp.len() * 2 + 1 + data.len());
    values.extend(hrp.bytes().map(|c| c >> 5));
    values.push(0);
    values.extend(hrp.bytes().map(|c| c & 31));
    for c in data.bytes() {
        let Some(v) = CHARSET.iter().position(|&a| a == c) else {
            return false;
        };
        values.push(v as u8);
    }
    let version = values[hrp.len() * 2 + 1];
    // Program length in bytes: the 5-bit groups between version and checksum.
    let program_bits = (data.len() - 7) * 5;
    let program_len = program_bits / 8;
    // BIP 350: version 0 uses bech32's constant 1, later versions bech32m's.
    let checksum_ok = match polymod(&values) {
        1 => version == 0,
        0x2bc8_30a3 => (1..=16).contains(&version),
        _ => false,
    };
    checksum_ok
        && (2..=40).contains(&program_len)
        && (version != 0 || program_len == 20 || program_len == 32)
}

/// The bech32 checksum polynomial over GF(32) (BIP 173).
fn polymod(values: &[u8]) -> u32 {
    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let mut chk = 1u32;
    for &v in values {
        let top = chk >> 25;
        chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_on_published_test_numbers() {
        assert!(luhn_valid("4111 1111 1111 1111"));
        assert!(luhn_valid("378282246310005"));
        assert!(luhn_valid("5555-5555-5555-4444"));
        assert!(!luhn_valid("4111 1111 1111 1112"));
        assert!(!luhn_valid("4111x1111"));
        assert!(!luhn_valid("0"));
    }

    #[test]
    fn luhn_accepts_exactly_one_check_digit_per_payload() {
        // Of the ten possible last digits exactly one completes a payload.
        for payload in ["7992739871", "453201511283036", "30569309025904"] {
            let valid = (0..10)
                .filter(|d| luhn_valid(&format!("{payload}{d}")))
                .count();
            assert_eq!(valid, 1, "{payload}");
        }
        assert!(luhn_valid("79927398713"), "Wikipedia's example");
    }

    #[test]
    fn iban_country_length_and_mod97() {
        assert!(iban_valid("GB82 WEST 1234 5698 7654 32"));
        assert!(iban_valid("de89370400440532013000"));
        assert!(
            !iban_valid("GB82 WEST 1234 5698 7654 33"),
            "bad check digits"
        );
        assert!(!iban_valid("GB82 WEST 1234 5698 7654"), "short for GB");
        assert!(
            !iban_valid("QQ82 WEST 1234 5698 7654 32"),
            "unknown country"
        );
        assert!(iban_checksum_valid("GB82 WEST 1234 5698 7654 32"));
        assert!(!iban_checksum_valid("GB83 WEST 1234 5698 7654 32"));
    }

    #[test]
    fn ssn_structural_rules() {
        assert!(us_ssn_valid("078-05-1120"));
        assert!(us_ssn_valid("536228726"));
        for bad in [
            "000-12-3456",
            "666-12-3456",
            "900-12-3456",
            "123-00-4567",
            "123-45-0000",
            "111-11-1111",
            "12-345-6789",
        ] {
            assert!(!us_ssn_valid(bad), "{bad}");
        }
    }

    #[test]
    fn verhoeff_and_aadhaar() {
        assert!(
            verhoeff_valid("2363"),
            "Wikipedia's example: 236 has check digit 3"
        );
        assert!(!verhoeff_valid("2364"));
        // Exactly one check digit completes a payload.
        for payload in ["23456789012", "98765432101"] {
            let valid = (0..10)
                .filter(|d| verhoeff_valid(&format!("{payload}{d}")))
                .count();
            assert_eq!(valid, 1, "{payload}");
        }
        let aadhaar = (0..10)
            .map(|d| format!("23456789012{d}"))
            .find(|s| verhoeff_valid(s))
            .unwrap();
        assert!(in_aadhaar_valid(&aadhaar));
        assert!(
            !in_aadhaar_valid(&format!("1{}", &aadhaar[1..])),
            "first digit 1"
        );
    }

    #[test]
    fn national_ids() {
        assert!(uk_nhs_valid("943 476 5919"));
        assert!(!uk_nhs_valid("943 476 5918"));
        assert!(es_nif_valid("12345678Z"));
        assert!(es_nif_valid("X1234567L"));
        assert!(!es_nif_valid("12345678A"));
        assert!(it_fiscal_code_valid("RSSMRA85T10A562S"));
        assert!(!it_fiscal_code_valid("RSSMRA85T10A562T"));
        assert!(uk_nino_valid("AB 12 34 56 C"));
        assert!(!uk_nino_valid("GB123456A"));
        assert!(!uk_nino_valid("AB123456E"));
    }

    #[test]
    fn crypto_addresses() {
        assert!(bitcoin_address_valid("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"));
        assert!(bitcoin_address_valid("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"));
        assert!(bitcoin_address_valid(
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
        ));
        assert!(!bitcoin_address_valid("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3"));
        assert!(
            !bitcoin_address_valid("11BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"),
            "extra leading 1"
        );
        assert!(!bitcoin_address_valid(
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp"
        ));
        assert!(ethereum_address_valid(
            "0x52908400098527886E0F7030069857D2E4169EE7"
        ));
        assert!(!ethereum_address_valid(
            "0x52908400098527886E0F7030069857D2E4169EE"
        ));
    }

    #[test]
    fn dates_and_ips() {
        assert!(date_valid(2024, 2, 29));
        assert!(!date_valid(2023, 2, 29));
        assert!(!date_valid(1900, 2, 29), "1900 is not a leap year");
        assert!(date_valid(85, 3, 5));
        assert!(!date_valid(1985, 13, 1));
        assert!(ip_valid("192.168.0.1"));
        assert!(ip_valid("::1"));
        assert!(!ip_valid("256.1.1.1"));
        assert!(!ip_valid("01.2.3.4"));
    }
}
