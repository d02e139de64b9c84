//! Property tests: the PII scanner never panics, every span is a char
//! range of the text, and every finding of a validated entity passes its
//! validator.

use proptest::prelude::*;

use super::PiiScanner;
use super::validate::{
    bitcoin_address_valid, es_nif_valid, ethereum_address_valid, iban_checksum_valid,
    in_aadhaar_valid, ip_valid, it_fiscal_code_valid, luhn_valid, uk_nhs_valid, us_ssn_valid,
};
use crate::Scanner;

/// Pieces that look like personal data, near misses of it, and noise,
/// including multi-byte text, to be glued together.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9]{1,20}",
        "[0-9]{4}[ -][0-9]{4}[ -][0-9]{4}[ -][0-9]{1,4}",
        "\\+?[0-9]{1,3}[ .(-]{0,2}[0-9]{2,4}[ ).-]{0,2}[0-9]{3,4}[ .-]?[0-9]{2,4}(x[0-9]{1,5})?",
        "[0-9]{3}[-. ][0-9]{2}[-. ][0-9]{4}",
        "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}",
        "[A-Z]{2}[0-9]{2}( ?[A-Z0-9]{4}){2,7}",
        "[a-z.+]{1,10}@[a-z-]{1,8}\\.[a-z]{2,3}",
        "(https?|ftp)://([a-z]{1,5}:[a-z0-9]{1,5}@)?[a-z.]{1,12}(/[a-z]{0,5})?",
        "[0-9a-fA-F:]{2,40}",
        "[13bc][1-9A-HJ-NP-Za-km-z]{20,40}",
        "[A-Z][a-z]{1,8}( [A-Z][a-z]{1,8}){0,3}",
        "(Mr\\.|Dr\\.|my name is|born on|DOB:|ssn|card|phone|order #) ?",
        "[0-9]{1,5} [A-Z][a-z]{2,8} (Street|Ave|Road|Rd)",
        "[é日本😀ß€£$\u{200b}\u{0301}]{1,6}",
        "[ ,.;:!?()\\n\\t-]{1,3}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..24).prop_map(|v| v.concat())
}

fn check(text: &str) -> Result<(), TestCaseError> {
    let mut out = Vec::new();
    PiiScanner::new().min_score(0.0).scan(text, &mut out);
    for f in &out {
        prop_assert!(
            f.start < f.end && f.end <= text.len(),
            "span {:?} of {}",
            f.span(),
            text.len()
        );
        prop_assert!(
            text.is_char_boundary(f.start) && text.is_char_boundary(f.end),
            "{f:?}"
        );
        prop_assert!((0.0..=1.0).contains(&f.score), "{f:?}");
        let s = &text[f.span()];
        let ok = match f.entity.as_ref() {
            "CREDIT_CARD" => luhn_valid(s),
            "IBAN_CODE" => iban_checksum_valid(s),
            "US_SSN" => us_ssn_valid(s),
            "IP_ADDRESS" => ip_valid(s),
            "IN_AADHAAR" => in_aadhaar_valid(s),
            "UK_NHS" => uk_nhs_valid(s),
            "ES_NIF" => es_nif_valid(s),
            "IT_FISCAL_CODE" => it_fiscal_code_valid(s),
            "CRYPTO" => bitcoin_address_valid(s) || ethereum_address_valid(s),
            "EMAIL_ADDRESS" => s.contains('@'),
            "URL_CREDENTIALS" => s.contains("://") && s.contains('@'),
            _ => true,
        };
        prop_assert!(ok, "{} {s:?} does not validate", f.entity);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_and_spans_are_char_ranges(t in text()) {
        check(&t)?;
    }

    #[test]
    fn arbitrary_unicode_never_panics(t in any::<String>()) {
        check(&t)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn long_inputs_never_panic(v in prop::collection::vec(fragment(), 200..600)) {
        check(&v.concat())?;
    }
}
