//! Property tests of the output checks: no panic on any input, every span
//! on character boundaries inside the text, and the leaks they exist to
//! find are found wherever they are planted.

use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::{Finding, Scanner};

/// Text shaped to reach the checks' special cases: brackets, quotes,
/// fences, base64 and hex alphabets, multi-byte characters.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("(Source 2)".to_owned()),
        Just("[doc3]".to_owned()),
        Just("^1".to_owned()),
        Just("【1†a】".to_owned()),
        Just("\"".to_owned()),
        Just("“".to_owned()),
        Just("”".to_owned()),
        Just("```json\n".to_owned()),
        Just("```".to_owned()),
        Just("{\"a\": [1, {\"b\": null}]}".to_owned()),
        Just("{".to_owned()),
        Just("0x".to_owned()),
        Just("\\x4".to_owned()),
        Just("QUJD".to_owned()),
        Just("=".to_owned()),
        Just("İ".to_owned()),
        Just("ﬁ".to_owned()),
        Just("ｗ".to_owned()),
        Just("👨‍👩‍👧".to_owned()),
        Just(" ".to_owned()),
        Just("\n".to_owned()),
        "[a-z]{1,8}",
        "[0-9]{1,4}",
        "\\PC{1,6}",
    ];
    prop_oneof![
        prop::collection::vec(piece, 0..40).prop_map(|v| v.concat()),
        ".{0,200}",
        any::<String>(),
    ]
}

fn spans_ok(text: &str, found: &[Finding]) -> Result<(), TestCaseError> {
    for f in found {
        prop_assert!(
            f.start <= f.end && f.end <= text.len(),
            "{f:?} in {} bytes",
            text.len()
        );
        prop_assert!(
            text.is_char_boundary(f.start) && text.is_char_boundary(f.end),
            "{f:?} not on char boundaries"
        );
        prop_assert!((0.0..=1.0).contains(&f.score));
    }
    Ok(())
}

fn banned() -> BannedTerms {
    BannedTerms::new(&[
        "Chase".to_owned(),
        "İstanbul".to_owned(),
        "ﬁle".to_owned(),
        "C++".to_owned(),
    ])
    .unwrap()
}

fn all_findings(t: &str, other: &str) -> Vec<Finding> {
    let mut found = Vec::new();
    RefusalScanner::new().scan(t, &mut found);
    Canary::new(5).scan(t, &mut found);
    banned().scan(t, &mut found);
    LeakDetector::new(&[
        other.to_owned(),
        "ﬁｗ".to_owned(),
        "secret-phrase".to_owned(),
    ])
    .scan(t, &mut found);
    found.extend(system_prompt_leak(other, t));
    found.extend(check_citations(t, &[other, "x"]));
    found.extend(check_citations_with_ids(t, &[("a-1", other)]));
    let schema = SchemaCheck::new(&json!({"type": "object"})).unwrap();
    if let Err(f) = schema.check(t) {
        found.extend(f);
    }
    found
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn no_check_panics_and_spans_are_on_char_boundaries(t in text(), other in text()) {
        spans_ok(&t, &all_findings(&t, &other))?;
    }

    #[test]
    fn a_planted_canary_is_always_found(before in text(), after in text(), form in 0usize..4) {
        let c = Canary::new(11);
        let token = c.token();
        let planted = match form {
            0 => token.to_owned(),
            1 => token.to_lowercase(),
            2 => token.chars().rev().collect(),
            _ => token.chars().map(|ch| format!("{ch} ")).collect(),
        };
        let t = format!("{before} {planted} {after}");
        let f = c.leaked(&t);
        prop_assert!(f.is_some(), "missed {planted:?} in {t:?}");
        spans_ok(&t, &f.into_iter().collect::<Vec<_>>())?;
    }

    #[test]
    fn a_copied_system_prompt_is_always_found(
        words in prop::collection::vec("[A-Za-z]{1,10}", 8..40),
        before in text(),
        after in text(),
    ) {
        let system = words.join(" ");
        let t = format!("{before} {system} {after}");
        let f = system_prompt_leak(&system, &t);
        prop_assert!(f.is_some(), "missed the prompt in {t:?}");
        spans_ok(&t, &f.into_iter().collect::<Vec<_>>())?;
    }

    #[test]
    fn valid_json_always_passes_a_permissive_schema(v in prop::collection::btree_map("[a-z]{1,5}", any::<i64>(), 0..6), prose in "[a-z ]{0,20}") {
        let check = SchemaCheck::new(&json!({"type": "object"})).unwrap();
        let body = serde_json::to_string(&v).unwrap();
        for out in [body.clone(), format!("```json\n{body}\n```"), format!("{prose} {body} {prose}")] {
            let e = check.check_extracted(&out);
            prop_assert!(e.is_ok(), "{out}: {e:?}");
        }
    }
}

/// Large and adversarial inputs finish (the candidate caps and linear
/// scans keep each check near linear) and stay within the text.
#[test]
fn large_adversarial_inputs() {
    let inputs = [
        "{".repeat(100_000),
        "[1,".repeat(50_000),
        "{\"a\":".repeat(30_000),
        "\"".repeat(100_000),
        "```".repeat(50_000),
        "```\n".repeat(50_000),
        "QUJD".repeat(50_000),
        "0x41 ".repeat(40_000),
        "é [1] ".repeat(30_000),
        "word ".repeat(40_000),
        "^1 ".repeat(50_000),
    ];
    for t in &inputs {
        let found = all_findings(t, "word word word word word word word word word");
        for f in &found {
            assert!(f.end <= t.len() && t.is_char_boundary(f.start) && t.is_char_boundary(f.end));
        }
    }
}
