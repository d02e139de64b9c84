//! Property tests: the secret scanner never panics, spans are char ranges
//! of the text, and JWT findings really decode.

use proptest::prelude::*;

use super::SecretScanner;
use crate::Scanner;

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "(sk-|sk-ant-|sk-proj-|AKIA|ghp_|xoxb-|AIza|hf_|npm_|SG\\.|SK|eyJ|glpat-|sk_live_)[A-Za-z0-9_-]{0,60}",
        "(password|secret|token|api_key|Bearer|key|Authorization)[ :=\"']{0,3}[!-~]{0,40}",
        "-----BEGIN [A-Z ]{0,12}PRIVATE KEY-----[A-Za-z0-9+/=\\n]{0,80}(-----END [A-Z ]{0,12}PRIVATE KEY-----)?",
        "eyJ[A-Za-z0-9_-]{0,30}\\.[A-Za-z0-9_-]{0,30}\\.[A-Za-z0-9_-]{0,20}",
        "[A-Za-z0-9/+]{38,42}",
        "[é日本😀\u{200b}]{1,4}",
        "[ ,.;:!?\"'()\\n]{1,3}",
    ]
}

fn check(text: &str) -> Result<(), TestCaseError> {
    let mut out = Vec::new();
    SecretScanner::new().min_score(0.0).scan(text, &mut out);
    for f in &out {
        prop_assert!(f.start < f.end && f.end <= text.len(), "{f:?}");
        prop_assert!(
            text.is_char_boundary(f.start) && text.is_char_boundary(f.end),
            "{f:?}"
        );
        if f.entity == "JWT" {
            let header = text[f.span()].split('.').next().unwrap_or("");
            prop_assert!(super::blocks_header_alg(header).is_some(), "{f:?}");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_and_spans_are_char_ranges(v in prop::collection::vec(fragment(), 0..16)) {
        check(&v.concat())?;
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
