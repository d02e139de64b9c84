#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Suite parsing: diagnostics for bad suites (snapshots), the expansion of a
//! good one, and robustness on arbitrary input.

use std::fmt::Write;
use std::path::Path;

use proptest::prelude::*;
use serde_json::json;
use whet_assert::GradeContext;
use whet_core::Selector;
use whet_eval::suite::{DatasetFormat, parse_suite, parse_suite_file};
use whet_registry::Diagnostic;

fn render(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let sev = if d.is_error() { "error" } else { "warning" };
        let _ = writeln!(out, "{sev}[{}] {}: {}", d.code, d.location(), d.message);
        if let Some(l) = &d.label {
            let _ = writeln!(out, "  label: {l}");
        }
        if let Some(h) = &d.help {
            let _ = writeln!(out, "  help: {h}");
        }
    }
    out
}

#[test]
fn bad_suites() {
    insta::glob!("data/bad/*.yaml", |path| {
        let rel = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap()
            .to_path_buf();
        let (suite, diags) = parse_suite_file(&rel);
        assert!(suite.is_none(), "{} parsed", rel.display());
        let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
        assert!(!errors.is_empty(), "{}: no errors", rel.display());
        for d in &errors {
            assert!(d.help.is_some(), "{}: no help in {d:?}", rel.display());
            assert!(d.span.is_some(), "{}: no span in {d:?}", rel.display());
        }
        insta::assert_snapshot!(render(&diags));
    });
}

#[test]
fn good_suite_parses_and_expands() {
    let path = Path::new("tests/data/good/support.yaml");
    let (suite, diags) = parse_suite_file(path);
    assert!(diags.is_empty(), "{}", render(&diags));
    let suite = suite.unwrap();

    assert_eq!(
        suite.description.as_deref(),
        Some("Routing of support messages")
    );
    let selectors: Vec<_> = suite.prompts.iter().map(|p| &p.value.selector).collect();
    assert_eq!(selectors[0], &Selector::WorkingCopy);
    assert!(matches!(selectors[1], Selector::Version(v) if v.to_string() == "1.0.0"));
    assert_eq!(selectors[2], &Selector::Label("production".into()));
    let models: Vec<_> = suite.models.iter().map(|m| m.value.as_str()).collect();
    assert_eq!(models, ["qwen-local", "mock"]);

    assert_eq!(suite.default_test.assert.len(), 1);
    assert_eq!(suite.default_test.threshold, Some(0.5));
    assert_eq!(suite.tests.len(), 2);
    let first = &suite.tests[0];
    assert_eq!(first.assert.len(), 2);
    assert_eq!(first.assert[0].weight(), 2.0);
    assert_eq!(first.assert[0].spec.metric.as_deref(), Some("routing"));
    let equals = first.assert[0].compiled.as_ref().unwrap();
    let g = equals
        .grade(&GradeContext {
            output: "refund",
            ..Default::default()
        })
        .unwrap();
    assert!(g.pass);
    assert!(
        first.assert[1].compiled.is_none(),
        "llm-rubric is for the runner"
    );
    assert_eq!(first.source.line, 15);

    // Datasets: tests' string first, then `datasets`, in order.
    let formats: Vec<_> = suite.datasets.iter().map(|d| (d.format, d.rows)).collect();
    assert_eq!(
        formats,
        [
            (DatasetFormat::Jsonl, 2),
            (DatasetFormat::Csv, 2),
            (DatasetFormat::Yaml, 2)
        ]
    );
    for d in &suite.datasets {
        let bytes = std::fs::read(&d.path).unwrap();
        use sha2::Digest;
        let expect: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(d.sha256, expect, "{}", d.path.display());
    }

    assert_eq!(suite.scenarios.len(), 2);
    assert_eq!(suite.scenarios[1].name, "scenario-2");
    assert_eq!(suite.case_count(), 8 * 2);
    let cases: Vec<_> = suite.cases().collect::<Result<_, _>>().unwrap();
    assert_eq!(cases.len(), 16);

    // Scenario innermost; defaultTest vars < scenario vars < case vars.
    assert_eq!(cases[0].scenario, Some(0));
    assert_eq!(cases[1].scenario, Some(1));
    let c = &cases[0].test;
    assert_eq!(c.vars["company"], json!("Acme"));
    assert_eq!(c.vars["tone"], json!("formal"));
    assert_eq!(c.vars["message"], json!("I want my money back"));
    assert_eq!(c.threshold, Some(0.8));
    assert_eq!(cases[1].test.vars["tone"], json!("casual"));
    let second = &cases[2].test;
    assert_eq!(second.vars["company"], json!("Globex"));
    assert_eq!(second.threshold, Some(0.5), "defaultTest threshold applies");
    assert_eq!(second.split.as_deref(), Some("edge"));

    let splits: Vec<_> = cases
        .iter()
        .step_by(2)
        .map(|c| c.test.split.as_deref().unwrap_or("-"))
        .collect();
    assert_eq!(
        splits,
        [
            "golden",
            "edge",
            "regression",
            "golden",
            "golden",
            "-",
            "adversarial",
            "edge"
        ]
    );

    // JSONL: structured row, then a flat row (blank line skipped).
    let jsonl = &cases[4].test;
    assert_eq!(jsonl.expected, Some(json!("card_declined")));
    assert_eq!(jsonl.tags, ["cards"]);
    assert_eq!(jsonl.assert.len(), 1);
    assert_eq!(jsonl.source.line, 1);
    let flat = &cases[6].test;
    assert_eq!(flat.vars["message"], json!("exchange rate?"));
    assert!(!flat.vars.contains_key("__expected"));
    assert_eq!(flat.expected, Some(json!("exchange_rate")));
    assert_eq!(flat.tags, ["fx"]);
    assert_eq!(flat.source.line, 3);

    // CSV: reserved columns, quoted commas, comma-separated tags.
    let csv = &cases[8].test;
    assert_eq!(csv.vars["message"], json!("Hi, my PIN is blocked"));
    assert_eq!(
        csv.vars.len(),
        3,
        "message, company (defaultTest), tone (scenario)"
    );
    assert_eq!(csv.expected, Some(json!("pin_blocked")));
    assert_eq!(csv.tags, ["pin", "security"]);
    assert_eq!(csv.threshold, Some(1.0));
    assert_eq!(csv.assert.len(), 1);
    assert_eq!(csv.source.line, 2);
    let csv2 = &cases[10].test;
    assert_eq!(csv2.vars["message"], json!("top up failed"));
    assert!(csv2.assert.is_empty() && csv2.tags.is_empty() && csv2.split.is_none());

    // YAML dataset: entry defaults (split, tags) apply to rows lacking them.
    let y = &cases[12].test;
    assert_eq!(y.description.as_deref(), Some("prompt injection"));
    assert_eq!(y.tags, ["injection"]);
    assert!(y.assert[0].compiled.is_some());
    assert_eq!(cases[14].test.tags, ["injection"]);
}

#[test]
fn a_changed_dataset_is_reported_while_streaming() {
    let dir = tempfile::tempdir().unwrap();
    let suite_path = dir.path().join("s.yaml");
    std::fs::write(&suite_path, "prompts: [p]\ntests: d.jsonl\n").unwrap();
    std::fs::write(dir.path().join("d.jsonl"), "{\"a\": 1}\n").unwrap();
    let (suite, diags) = parse_suite_file(&suite_path);
    assert!(diags.is_empty(), "{}", render(&diags));
    let suite = suite.unwrap();
    std::fs::write(dir.path().join("d.jsonl"), "{\"a\": 2}\n").unwrap();
    let items: Vec<_> = suite.cases().collect();
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    assert_eq!(items[1].as_ref().unwrap_err().code, "dataset-changed");
}

#[test]
fn a_large_jsonl_dataset_streams() {
    let dir = tempfile::tempdir().unwrap();
    let suite_path = dir.path().join("s.yaml");
    std::fs::write(&suite_path, "prompts: [p]\ndatasets: [d.jsonl]\n").unwrap();
    let mut data = String::new();
    for i in 0..20_000 {
        let _ = writeln!(data, "{{\"vars\": {{\"i\": {i}}}, \"split\": \"golden\"}}");
    }
    std::fs::write(dir.path().join("d.jsonl"), data).unwrap();
    let (suite, diags) = parse_suite_file(&suite_path);
    assert!(diags.is_empty(), "{}", render(&diags));
    let suite = suite.unwrap();
    assert_eq!(suite.case_count(), 20_000);
    let mut n = 0;
    for (i, c) in suite.cases().enumerate() {
        let c = c.unwrap();
        assert_eq!(c.test.vars["i"], json!(i));
        assert_eq!(c.test.source.line, i + 1);
        n += 1;
    }
    assert_eq!(n, 20_000);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC*") {
        let _ = parse_suite(Path::new("/nonexistent/s.yaml"), &text);
    }

    #[test]
    fn yaml_like_text_never_panics(
        text in "[a-zA-Z:{}\\[\\],\\-\\n \"'&*!#|>@0-9.~]{0,200}"
    ) {
        let _ = parse_suite(Path::new("/nonexistent/s.yaml"), &text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.yaml");
        std::fs::write(&p, &bytes).unwrap();
        let _ = parse_suite_file(&p);
        // The same bytes as each kind of dataset.
        std::fs::write(
            &p,
            "prompts: [p]\ndatasets: [d.jsonl, d.csv, d.yaml]\n",
        ).unwrap();
        for name in ["d.jsonl", "d.csv", "d.yaml"] {
            std::fs::write(dir.path().join(name), &bytes).unwrap();
        }
        let (suite, _) = parse_suite_file(&p);
        if let Some(suite) = suite {
            for c in suite.cases().take(1000) {
                let _ = c;
            }
        }
    }
}
