//! Unit and property tests of redaction and the vault.

use proptest::prelude::*;

use super::*;
use crate::Category;

fn pii(entity: &'static str, text: &str, value: &str) -> Finding {
    let start = text.find(value).unwrap();
    Finding::new(
        Category::Pii,
        entity,
        start..start + value.len(),
        0.9,
        "test",
    )
}

fn run(text: &str, findings: &[Finding], op: &Operator) -> String {
    redact(text, findings, op, &mut Vault::new())
}

#[test]
fn placeholders_number_per_entity_and_reuse_values() {
    let text = "mail a@x.io or b@y.io, call 555-0100, again a@x.io";
    let f = vec![
        pii("EMAIL_ADDRESS", text, "a@x.io"),
        pii("EMAIL_ADDRESS", text, "b@y.io"),
        pii("PHONE_NUMBER", text, "555-0100"),
        Finding::new(Category::Pii, "EMAIL_ADDRESS", 44..50, 0.9, "test"),
    ];
    let mut vault = Vault::new();
    let out = redact(text, &f, &Operator::Placeholder, &mut vault);
    assert_eq!(
        out,
        "mail <EMAIL_ADDRESS_1> or <EMAIL_ADDRESS_2>, call <PHONE_NUMBER_1>, again <EMAIL_ADDRESS_1>"
    );
    assert_eq!(vault.len(), 3);
    assert_eq!(vault.restore(&out), text);
}

#[test]
fn the_vault_spans_calls_of_one_request() {
    let mut vault = Vault::new();
    let a = "to a@x.io";
    let b = "cc c@z.io and a@x.io";
    let out_a = redact(
        a,
        &[pii("EMAIL_ADDRESS", a, "a@x.io")],
        &Operator::Placeholder,
        &mut vault,
    );
    let fb = [
        pii("EMAIL_ADDRESS", b, "c@z.io"),
        pii("EMAIL_ADDRESS", b, "a@x.io"),
    ];
    let out_b = redact(b, &fb, &Operator::Placeholder, &mut vault);
    assert_eq!(out_a, "to <EMAIL_ADDRESS_1>");
    assert_eq!(out_b, "cc <EMAIL_ADDRESS_2> and <EMAIL_ADDRESS_1>");
}

#[test]
fn restore_accepts_any_case_in_brackets_and_bare_upper_case() {
    let text = "x a@x.io";
    let mut vault = Vault::new();
    redact(
        text,
        &[pii("EMAIL_ADDRESS", text, "a@x.io")],
        &Operator::Placeholder,
        &mut vault,
    );
    let restored = vault.restore(
        "<email_address_1>, EMAIL_ADDRESS_1. <Email_Address_1> email_address_1 \
         EMAIL_ADDRESS_2 MY_EMAIL_ADDRESS_1 <EMAIL_ADDRESS_12>",
    );
    assert_eq!(
        restored,
        "a@x.io, a@x.io. a@x.io email_address_1 EMAIL_ADDRESS_2 MY_EMAIL_ADDRESS_1 <EMAIL_ADDRESS_12>"
    );
}

#[test]
fn restore_without_placeholders_copies_the_text() {
    let vault = Vault::new();
    assert_eq!(vault.restore("<EMAIL_ADDRESS_1> é"), "<EMAIL_ADDRESS_1> é");
}

#[test]
fn vault_debug_never_shows_values() {
    let text = "secret@example.com";
    let mut vault = Vault::new();
    redact(
        text,
        &[pii("EMAIL_ADDRESS", text, text)],
        &Operator::Placeholder,
        &mut vault,
    );
    let shown = format!("{vault:?}");
    assert!(!shown.contains("secret"), "{shown}");
    assert!(shown.contains("placeholders: 1"), "{shown}");
}

#[test]
fn mask_keeps_the_last_chars_and_the_length_in_chars() {
    let text = "card 4111 1111 1111 1234 ok";
    let f = [pii("CREDIT_CARD", text, "4111 1111 1111 1234")];
    assert_eq!(
        run(text, &f, &Operator::mask()),
        "card ***************1234 ok"
    );
    let text = "name Zoë Ångström!";
    let f = [pii("PERSON", text, "Zoë Ångström")];
    let op = Operator::Mask {
        char: '#',
        keep_last: 0,
    };
    assert_eq!(run(text, &f, &op), "name ############!");
}

#[test]
fn mask_never_keeps_more_than_half_of_a_value() {
    let text = "pin 1234 and 12345";
    let f = [pii("PIN", text, "1234"), pii("PIN", text, "12345")];
    assert_eq!(run(text, &f, &Operator::mask()), "pin **34 and ***45");
}

#[test]
fn hash_is_salted_stable_and_tagged_with_the_entity() {
    let text = "to a@x.io";
    let f = [pii("EMAIL_ADDRESS", text, "a@x.io")];
    let op = Operator::Hash {
        salt: "pepper".into(),
    };
    let digest = Sha256::digest(b"peppera@x.io");
    let hex: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    assert_eq!(run(text, &f, &op), format!("to <EMAIL_ADDRESS:{hex}>"));
    assert_eq!(run(text, &f, &op), run(text, &f, &op));
    let other = Operator::Hash {
        salt: "salt".into(),
    };
    assert_ne!(run(text, &f, &op), run(text, &f, &other));
}

#[test]
fn hash_with_an_empty_salt_writes_no_hash_and_fails_validation() {
    let text = "to a@x.io";
    let op = Operator::Hash {
        salt: String::new(),
    };
    assert_eq!(
        run(text, &[pii("EMAIL_ADDRESS", text, "a@x.io")], &op),
        "to <EMAIL_ADDRESS>"
    );
    assert_eq!(op.validate(), Err(OperatorError::EmptySalt));
    assert_eq!(Operator::Hash { salt: "s".into() }.validate(), Ok(()));
}

#[test]
fn operator_debug_hides_the_salt() {
    let shown = format!(
        "{:?}",
        Operator::Hash {
            salt: "hunter2".into()
        }
    );
    assert_eq!(shown, "Hash { salt: <7 bytes> }");
}

#[test]
fn drop_collapses_the_space_left_behind() {
    let cases = [
        ("mail x@y.io now", "mail now"),
        ("x@y.io is mine", "is mine"),
        ("write to x@y.io", "write to"),
        ("write to x@y.io.", "write to."),
        ("mail(x@y.io) now", "mail() now"),
    ];
    for (text, want) in cases {
        let f = [pii("EMAIL_ADDRESS", text, "x@y.io")];
        assert_eq!(run(text, &f, &Operator::Drop), want, "{text}");
    }
}

#[test]
fn overlapping_findings_merge_and_the_longest_names_them() {
    let text = "see http://bob:pw@host/555-0100 now";
    let url = pii("URL", text, "http://bob:pw@host/555-0100");
    let phone = pii("PHONE_NUMBER", text, "555-0100");
    let cred = Finding::new(Category::Secret, "URL_CREDENTIALS", 4..20, 1.0, "test");
    assert_eq!(
        run(text, &[phone, cred, url], &Operator::Placeholder),
        "see <URL_1> now"
    );
}

#[test]
fn a_tie_in_length_goes_to_the_better_score() {
    let text = "id 123-45-6789 end";
    let a = Finding::new(Category::Pii, "US_SSN", 3..14, 0.6, "test");
    let b = Finding::new(Category::Pii, "PHONE_NUMBER", 3..14, 0.4, "test");
    assert_eq!(
        run(text, &[b.clone(), a.clone()], &Operator::Placeholder),
        "id <US_SSN_1> end"
    );
    assert_eq!(
        run(text, &[a, b], &Operator::Placeholder),
        "id <US_SSN_1> end"
    );
}

#[test]
fn redact_each_uses_the_operator_of_each_finding() {
    let text = "a@x.io key sk-abcdef123456";
    let email = pii("EMAIL_ADDRESS", text, "a@x.io");
    let key = pii("OPENAI_API_KEY", text, "sk-abcdef123456");
    let (ph, mask) = (Operator::Placeholder, Operator::mask());
    let out = redact_each(text, &[(&key, &mask), (&email, &ph)], &mut Vault::new());
    assert_eq!(out, "<EMAIL_ADDRESS_1> key ***********3456");
}

#[test]
fn invalid_spans_are_skipped() {
    let text = "héllo a@x.io";
    let mut reversed = Finding::new(Category::Pii, "X", 3..5, 0.9, "reversed");
    (reversed.start, reversed.end) = (5, 3);
    let bad = [
        Finding::new(Category::Pii, "X", 2..4, 0.9, "inside é"),
        reversed,
        Finding::new(Category::Pii, "X", 4..4, 0.9, "empty"),
        Finding::new(Category::Pii, "X", 10..99, 0.9, "past the end"),
    ];
    assert_eq!(run(text, &bad, &Operator::Placeholder), text);
}

#[test]
fn odd_entity_names_become_words_restore_can_find() {
    let text = "call 555-0100";
    let f = Finding::new(Category::Pii, "phone-number (us)", 5..13, 0.9, "test");
    let g = Finding::new(Category::Pii, "", 5..13, 0.9, "test");
    let mut vault = Vault::new();
    let out = redact(text, &[f], &Operator::Placeholder, &mut vault);
    assert_eq!(out, "call <PHONE_NUMBER__US__1>");
    assert_eq!(vault.restore(&out), text);
    assert_eq!(run(text, &[g], &Operator::Placeholder), "call <REDACTED_1>");
}

// ---- property tests ----

/// A generated PII value and its entity.
fn pii_value() -> impl Strategy<Value = (&'static str, String)> {
    let email = ("[a-z][a-z0-9._]{0,10}", "[a-z]{2,8}", "(com|org|io|de)")
        .prop_map(|(u, d, t)| ("EMAIL_ADDRESS", format!("{u}@{d}.{t}")));
    let card = (proptest::collection::vec(0u8..10, 16), "[ -]?").prop_map(|(d, sep)| {
        let groups: Vec<String> = d
            .chunks(4)
            .map(|c| c.iter().map(|x| char::from(b'0' + x)).collect())
            .collect();
        ("CREDIT_CARD", groups.join(&sep))
    });
    let phone =
        (100u32..1000, 100u32..1000, 0u32..10000, 0usize..4).prop_map(|(a, b, c, style)| {
            let value = match style {
                0 => format!("+1-{a}-{b}-{c:04}"),
                1 => format!("({a}) {b}-{c:04}"),
                2 => format!("{a}.{b}.{c:04}x{a}"),
                _ => format!("+44 20 {b}{} {c:04}", a % 10),
            };
            ("PHONE_NUMBER", value)
        });
    prop_oneof![email, card, phone]
}

/// Filler without digits, `@`, `<` or upper case, so a PII value can't
/// appear in it by chance and restore can't mistake it for a placeholder.
fn filler() -> impl Strategy<Value = String> {
    "[a-z éüß日本語\u{1F600}.,!?\n]{0,24}"
}

/// A text with PII values inserted between fillers, the findings at the
/// insertion spans (plus, sometimes, an overlapping sub-span finding), and
/// the values.
fn text_with_pii() -> impl Strategy<Value = (String, Vec<Finding>, Vec<String>)> {
    (
        filler(),
        proptest::collection::vec((pii_value(), filler(), any::<bool>()), 0..6),
    )
        .prop_map(|(head, parts)| {
            let mut text = head;
            let (mut findings, mut values) = (Vec::new(), Vec::new());
            for ((entity, value), tail, overlap) in parts {
                let start = text.len();
                text.push_str(&value);
                findings.push(Finding::new(
                    Category::Pii,
                    entity,
                    start..text.len(),
                    0.9,
                    "gen",
                ));
                if overlap {
                    let end = start + value.len() / 2;
                    findings.push(Finding::new(
                        Category::Secret,
                        "PART",
                        start + 1..end,
                        0.5,
                        "gen",
                    ));
                }
                text.push_str(&tail);
                values.push(value);
            }
            (text, findings, values)
        })
}

fn operator() -> impl Strategy<Value = Operator> {
    prop_oneof![
        Just(Operator::Placeholder),
        (prop_oneof![Just('*'), Just('#'), Just('•')], 0usize..8)
            .prop_map(|(char, keep_last)| Operator::Mask { char, keep_last }),
        "[a-z]{1,8}".prop_map(|salt| Operator::Hash { salt }),
        Just(Operator::Drop),
    ]
}

proptest! {
    #[test]
    fn no_original_value_survives_any_operator((text, findings, values) in text_with_pii(), op in operator()) {
        let out = redact(&text, &findings, &op, &mut Vault::new());
        for v in &values {
            prop_assert!(!out.contains(v.as_str()), "{v:?} left in {out:?} by {op:?}");
        }
    }

    #[test]
    fn placeholders_restore_to_the_original_text((text, findings, _) in text_with_pii()) {
        let mut vault = Vault::new();
        let out = redact(&text, &findings, &Operator::Placeholder, &mut vault);
        prop_assert_eq!(vault.restore(&out), text);
    }

    #[test]
    fn arbitrary_findings_never_panic(
        text in "\\PC{0,40}",
        spans in proptest::collection::vec((0usize..200, 0usize..200, "\\PC{0,6}", 0f32..1.0), 0..8),
        op in operator(),
    ) {
        let findings: Vec<Finding> = spans
            .into_iter()
            .map(|(a, b, e, s)| Finding::new(Category::Pii, e, a..b, s, "random"))
            .collect();
        let mut vault = Vault::new();
        let out = redact(&text, &findings, &op, &mut vault);
        let _ = vault.restore(&out);
        if findings.iter().all(|f| !valid_span(&text, f)) {
            prop_assert_eq!(out, text);
        }
    }
}
