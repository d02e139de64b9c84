#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Importing promptfoo configs: each example config yields the same cases
//! and prompt templates as its native whet suite; unsupported keys are
//! warnings and unsupported features errors (snapshots); arbitrary input
//! never panics.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::{Value, json};
use whet_assert::AssertionSpec;
use whet_eval::promptfoo::{PromptfooImport, import_promptfoo, import_promptfoo_file};
use whet_eval::suite::{DatasetFormat, Suite, parse_suite_file};
use whet_registry::{Diagnostic, SourceFile, parse_config, parse_prompt};

const DATA: &str = "tests/data/promptfoo";

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

fn dir(name: &str) -> PathBuf {
    Path::new(DATA).join(name)
}

/// Imports `DIR/promptfooconfig.yaml`, which must have no diagnostics.
fn import(name: &str) -> PromptfooImport {
    let (import, diags) = import_promptfoo_file(&dir(name).join("promptfooconfig.yaml"));
    assert!(diags.is_empty(), "{}", render(&diags));
    import.unwrap()
}

/// Parses the native twin `DIR/native/evals/EVAL.yaml` and checks its
/// project files, so the twin is a suite whet really runs.
fn native(name: &str, eval: &str) -> Suite {
    let root = dir(name).join("native");
    let toml = std::fs::read_to_string(root.join("whet.toml")).unwrap();
    let (_, diags) = parse_config(&SourceFile::new(root.join("whet.toml"), toml));
    assert!(diags.is_empty(), "{}", render(&diags));
    let (suite, diags) = parse_suite_file(&root.join("evals").join(format!("{eval}.yaml")));
    assert!(diags.is_empty(), "{}", render(&diags));
    suite.unwrap()
}

/// What a case means to a run, without where it was written.
#[derive(Debug, PartialEq)]
struct Meaning {
    description: Option<String>,
    vars: Value,
    assert: Vec<AssertionSpec>,
    threshold: Option<f64>,
    tags: Vec<String>,
    split: Option<String>,
    scenario: Option<String>,
}

fn meanings(suite: &Suite) -> Vec<Meaning> {
    suite
        .cases()
        .map(|c| {
            let c = c.unwrap_or_else(|d| panic!("{}", render(&[d])));
            Meaning {
                description: c.test.description.clone(),
                vars: Value::Object(c.test.vars.clone()),
                assert: c.test.assert.iter().map(|a| a.spec.clone()).collect(),
                threshold: c.test.threshold,
                tags: c.test.tags.clone(),
                split: c.test.split.clone(),
                scenario: c.scenario.map(|i| suite.scenarios[i].name.clone()),
            }
        })
        .collect()
}

/// The messages of a registry prompt, as (role, template).
fn registry_messages(name: &str, prompt: &str) -> Vec<(String, String)> {
    let path = dir(name)
        .join("native/prompts")
        .join(format!("{prompt}.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let (spec, diags) = parse_prompt(&SourceFile::new(path, text));
    assert!(diags.is_empty(), "{}", render(&diags));
    spec.unwrap()
        .messages
        .iter()
        .map(|m| (m.role.to_string(), m.content.clone()))
        .collect()
}

/// The messages an inline prompt stands for: a JSON chat, or one user
/// message.
fn inline_messages(template: &str) -> Vec<(String, String)> {
    match serde_json::from_str::<Value>(template) {
        Ok(Value::Array(items)) => items
            .iter()
            .map(|m| {
                (
                    m["role"].as_str().unwrap().to_owned(),
                    m["content"].as_str().unwrap().to_owned(),
                )
            })
            .collect(),
        _ => vec![("user".to_owned(), template.to_owned())],
    }
}

/// The imported config and its native twin mean the same suite.
fn assert_equivalent(name: &str, eval: &str, prompts: &[(&str, &str)]) -> (PromptfooImport, Suite) {
    let imported = import(name);
    let native = native(name, eval);
    let got = &imported.suite;
    assert_eq!(got.description, native.description);
    assert_eq!(got.default_test.vars, native.default_test.vars);
    let specs = |s: &Suite| -> Vec<AssertionSpec> {
        s.default_test
            .assert
            .iter()
            .map(|a| a.spec.clone())
            .collect()
    };
    assert_eq!(specs(got), specs(&native));
    assert_eq!(got.default_test.threshold, native.default_test.threshold);
    let scenarios = |s: &Suite| -> Vec<(String, Value)> {
        s.scenarios
            .iter()
            .map(|x| (x.name.clone(), Value::Object(x.vars.clone())))
            .collect()
    };
    assert_eq!(scenarios(got), scenarios(&native));
    assert_eq!(got.case_count(), native.case_count());
    assert_eq!(meanings(got), meanings(&native));

    let names: Vec<&str> = got.inline_prompts.iter().map(|p| p.name.as_str()).collect();
    let expected_names: Vec<&str> = prompts.iter().map(|(inline, _)| *inline).collect();
    assert_eq!(names, expected_names);
    let native_names: Vec<String> = native
        .prompts
        .iter()
        .map(|p| p.value.name.to_string())
        .collect();
    assert_eq!(
        native_names,
        prompts
            .iter()
            .map(|(_, n)| (*n).to_owned())
            .collect::<Vec<_>>()
    );
    for (p, (_, registry)) in got.inline_prompts.iter().zip(prompts) {
        assert_eq!(
            inline_messages(&p.template),
            registry_messages(name, registry),
            "prompt {}",
            p.name
        );
    }
    (imported, native)
}

#[test]
fn getting_started_matches_its_native_suite() {
    let (imported, native) = assert_equivalent(
        "getting-started",
        "getting-started",
        &[("prompt-1", "convert"), ("prompt-2", "translate")],
    );
    let suite = &imported.suite;
    assert_eq!(suite.tests.len(), 2);
    assert_eq!(suite.datasets.len(), 1);
    assert_eq!(suite.datasets[0].format, DatasetFormat::PromptfooCsv);
    assert_eq!(suite.datasets[0].rows, 3);
    // The same bytes under both names? No: the data differ in convention
    // only, so the hashes differ while the cases agree.
    assert_ne!(suite.datasets[0].sha256, native.datasets[0].sha256);

    let models: Vec<&str> = suite.models.iter().map(|m| m.value.as_str()).collect();
    assert_eq!(models, ["openai:gpt-4o-mini", "haiku"]);
    let p = &imported.providers;
    assert_eq!(p[0].id, "openai:gpt-4o-mini");
    assert_eq!(p[0].label, None);
    assert!(p[0].config.is_empty());
    assert_eq!(p[1].id, "anthropic:messages:claude-3-5-haiku-latest");
    assert_eq!(p[1].name(), "haiku");
    assert_eq!(
        Value::Object(p[1].config.clone()),
        json!({"temperature": 0.0, "max_tokens": 128})
    );
}

#[test]
fn a_single_scenario_maps_onto_whet_scenarios() {
    let (imported, _) = assert_equivalent(
        "translations",
        "translations",
        &[
            ("prompts.txt#1", "translator"),
            ("prompts.txt#2", "speaker"),
        ],
    );
    let suite = &imported.suite;
    assert_eq!(suite.scenarios.len(), 3);
    assert_eq!(suite.tests.len(), 2);
    assert_eq!(suite.case_count(), 6);
}

#[test]
fn support_routing_matches_its_native_suite() {
    let (imported, _) = assert_equivalent(
        "support",
        "support",
        &[
            ("route-chat", "route-chat"),
            ("route_plain.txt", "route-plain"),
        ],
    );
    let p = &imported.providers;
    assert_eq!(p[0].id, "openai:chat:gpt-4o-mini");
    assert_eq!(
        Value::Object(p[0].config.clone()),
        json!({"temperature": 0.0, "seed": 7, "stop": ["\n"]})
    );
    assert_eq!(p[1].name(), "local");
    let models: Vec<&str> = imported
        .suite
        .models
        .iter()
        .map(|m| m.value.as_str())
        .collect();
    assert_eq!(models, ["openai:chat:gpt-4o-mini", "local"]);
    // The list of two messages became two tests.
    assert_eq!(imported.suite.tests.len(), 2);
}

#[test]
fn unsupported_keys_are_warnings_with_a_place_and_a_hint() {
    let path = dir("unsupported").join("promptfooconfig.yaml");
    let (import, diags) = import_promptfoo_file(&path);
    assert!(import.is_some(), "{}", render(&diags));
    assert!(!diags.is_empty());
    for d in &diags {
        assert!(!d.is_error(), "{}", render(std::slice::from_ref(d)));
        assert!(
            d.span.is_some(),
            "no span: {}",
            render(std::slice::from_ref(d))
        );
        assert!(
            d.help.is_some(),
            "no hint: {}",
            render(std::slice::from_ref(d))
        );
    }
    // No key of the config is lost without a word.
    let text = std::fs::read_to_string(&path).unwrap();
    for key in [
        "evaluateOptions",
        "maxConcurrency",
        "repeat",
        "cache",
        "showProgressBar",
        "commandLineOptions",
        "outputPath",
        "sharing",
        "env",
        "nunjucksFilters",
        "derivedMetrics",
        "extensions",
        "metadata",
        "tags",
        "tracing",
        "writeLatestResults",
        "transform",
        "delay",
        "apiKey",
        "frequency_penalty",
        "rubricPrompt",
        "prefix",
        "storeOutputAs",
        "runSerially",
        "providerOutput",
        "metadta",
    ] {
        let at = text.find(&format!("{key}:")).unwrap();
        assert!(
            diags
                .iter()
                .any(|d| d.file.path == path && d.span.as_ref().is_some_and(|s| s.start == at)),
            "no warning at `{key}`"
        );
    }
    insta::assert_snapshot!(render(&diags));
}

#[test]
fn unsupported_features_are_errors_that_name_an_alternative() {
    let (import, diags) = import_promptfoo_file(&dir("errors").join("promptfooconfig.yaml"));
    assert!(import.is_none());
    let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
    for d in &errors {
        assert!(
            d.help.is_some() && d.span.is_some(),
            "{}",
            render(&[(*d).clone()])
        );
    }
    let help_for = |needle: &str| -> String {
        let d = errors
            .iter()
            .find(|d| d.message.contains(needle))
            .unwrap_or_else(|| panic!("no error mentions {needle}:\n{}", render(&diags)));
        d.help.clone().unwrap()
    };
    assert!(help_for("`javascript`").contains("`script`"));
    assert!(help_for("`not-python`").contains("`script`"));
    assert!(help_for("`webhook`").contains("`script`"));
    assert!(help_for("`moderation`").contains("`llm-rubric`"));
    assert!(help_for("`classifier`").contains("`choice`"));
    assert!(help_for("`model-graded-closedqa`").contains("`llm-rubric`"));
    assert!(help_for("`is-xml`").contains("`regex`"));
    assert!(help_for("`assert-set`").contains("`weight`"));
    assert!(help_for("contans").contains("contains"));
    assert!(help_for("`dump`").contains("string variable"));
    assert!(help_for("prompt functions").contains("template"));
    assert!(help_for("provider.js").contains("inline"));
    assert!(help_for("remote test source").contains("CSV"));
    assert!(help_for("test generator").contains("file"));
    // A CSV row's javascript `__expected`, at its row.
    let csv = errors
        .iter()
        .find(|d| d.file.path.ends_with("rows.csv"))
        .unwrap();
    assert!(csv.message.contains("javascript"), "{}", csv.message);
    assert!(csv.location().ends_with(":2:1"), "{}", csv.location());
    // A template error inside a prompt file points into that file.
    let t = errors
        .iter()
        .find(|d| d.file.path.ends_with("broken.txt"))
        .unwrap();
    assert!(t.location().contains(":3:"), "{}", t.location());
    insta::assert_snapshot!(render(&diags));
}

/// Writes files into a temporary folder and imports its config.
fn import_text(
    config: &str,
    files: &[(&str, &str)],
) -> (Option<PromptfooImport>, Vec<Diagnostic>, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(tmp.path().join(name), text).unwrap();
    }
    let path = tmp.path().join("promptfooconfig.yaml");
    let (i, d) = import_promptfoo(&path, config);
    (i, d, tmp)
}

#[test]
fn scenarios_whet_cannot_cross_are_expanded_into_tests() {
    let config = r"
prompts: ['{{greeting}}, {{name}} ({{tone}})']
providers: [openai:gpt-4o-mini]
tests:
  - vars: {greeting: Hi, name: Ann, tone: plain}
scenarios:
  - config:
      - vars: {tone: formal}
        assert: [{type: contains, value: Dear}]
      - vars: {tone: casual}
        description: casual
    tests:
      - vars: {greeting: Hello, name: Bo}
        assert: [{type: icontains, value: bo}]
      - vars: {greeting: Hey, name: [Cy, Di]}
";
    let (import, diags, _tmp) = import_text(config, &[]);
    let suite = import.unwrap().suite;
    assert!(suite.scenarios.is_empty());
    let warning = diags
        .iter()
        .find(|d| d.code == "scenarios-expanded")
        .unwrap();
    assert!(
        warning.message.contains("6 inline tests"),
        "{}",
        warning.message
    );
    let cases = meanings(&suite);
    let seen: Vec<(Value, usize, Option<&str>)> = cases
        .iter()
        .map(|m| (m.vars.clone(), m.assert.len(), m.description.as_deref()))
        .collect();
    assert_eq!(
        seen,
        [
            (
                json!({"greeting": "Hi", "name": "Ann", "tone": "plain"}),
                0,
                None
            ),
            (
                json!({"tone": "formal", "greeting": "Hello", "name": "Bo"}),
                2,
                None
            ),
            (
                json!({"tone": "formal", "greeting": "Hey", "name": "Cy"}),
                1,
                None
            ),
            (
                json!({"tone": "formal", "greeting": "Hey", "name": "Di"}),
                1,
                None
            ),
            (
                json!({"tone": "casual", "greeting": "Hello", "name": "Bo"}),
                1,
                Some("casual")
            ),
            (
                json!({"tone": "casual", "greeting": "Hey", "name": "Cy"}),
                0,
                Some("casual")
            ),
            (
                json!({"tone": "casual", "greeting": "Hey", "name": "Di"}),
                0,
                Some("casual")
            ),
        ]
    );
    // The scenario entry's assertion comes before the test's own.
    assert_eq!(cases[1].assert[0].kind, "contains");
    assert_eq!(cases[1].assert[1].kind, "icontains");
}

#[test]
fn list_vars_expand_unless_disabled() {
    let config = r"
prompts: ['{{a}} {{b}}']
providers: [m]
tests:
  - vars: {a: [x, y], b: [1, 2], c: [p, q]}
    options: {disableVarExpansion: true}
  - vars: {a: [x, y], b: [1, 2], c: [p, q]}
";
    let (import, diags, _tmp) = import_text(config, &[]);
    assert!(diags.is_empty(), "{}", render(&diags));
    let cases = meanings(&import.unwrap().suite);
    let vars: Vec<Value> = cases.into_iter().map(|m| m.vars).collect();
    // Only lists of strings expand (promptfoo keeps other lists whole); the
    // first variable varies slowest.
    assert_eq!(
        vars,
        [
            json!({"a": ["x", "y"], "b": [1, 2], "c": ["p", "q"]}),
            json!({"a": "x", "b": [1, 2], "c": "p"}),
            json!({"a": "x", "b": [1, 2], "c": "q"}),
            json!({"a": "y", "b": [1, 2], "c": "p"}),
            json!({"a": "y", "b": [1, 2], "c": "q"}),
        ]
    );
}

#[test]
fn a_config_without_tests_runs_each_prompt_once() {
    let (import, diags, _tmp) = import_text("prompts: [Hello]\nproviders: [m]\n", &[]);
    assert!(diags.is_empty(), "{}", render(&diags));
    let suite = import.unwrap().suite;
    assert_eq!(suite.case_count(), 1);
    assert_eq!(suite.inline_prompts[0].template, "Hello");
}

#[test]
fn yaml_test_files_are_read_as_promptfoo_tests() {
    let tests = "- vars: {q: one}\n  metadata: {level: easy}\n  options: {prefix: 'x'}\n  assert:\n    - type: model-graded-factuality\n      value: one\n- vars: {q: [a, b]}\n";
    let (import, diags, _tmp) = import_text(
        "prompts: ['{{q}}']\nproviders: [m]\ntests: file://tests.yaml\n",
        &[("tests.yaml", tests)],
    );
    let suite = import.unwrap().suite;
    // The warning about `prefix` points into the test file.
    assert_eq!(diags.len(), 1, "{}", render(&diags));
    assert!(diags[0].file.path.ends_with("tests.yaml"));
    assert_eq!(suite.datasets[0].format, DatasetFormat::PromptfooYaml);
    let cases = meanings(&suite);
    assert_eq!(cases.len(), 3);
    assert_eq!(cases[0].tags, ["level=easy"]);
    assert_eq!(cases[0].assert[0].kind, "factuality");
    assert_eq!(cases[2].vars, json!({"q": "b"}));
}

#[test]
fn provider_config_is_checked() {
    let config = "prompts: [x]\nproviders:\n  - id: openai:gpt-4o\n    config: {temperature: hot, max_tokens: 0, stop: [1]}\n  - openai:gpt-4o\n";
    let (import, diags, _tmp) = import_text(config, &[]);
    assert!(import.is_none());
    let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        [
            "wrong-type",
            "wrong-type",
            "wrong-type",
            "duplicate-provider"
        ],
        "{}",
        render(&diags)
    );
}

fn fixture_texts() -> Vec<(PathBuf, String)> {
    [
        "getting-started",
        "translations",
        "support",
        "unsupported",
        "errors",
    ]
    .iter()
    .map(|n| {
        let p = dir(n).join("promptfooconfig.yaml");
        let t = std::fs::read_to_string(&p).unwrap();
        (p, t)
    })
    .collect()
}

/// Drains every case, so dataset reading is exercised too.
fn drain(import: Option<PromptfooImport>) {
    if let Some(i) = import {
        for c in i.suite.cases() {
            let _ = c;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let (i, _) = import_promptfoo(&dir("support").join("promptfooconfig.yaml"), &text);
        drain(i);
    }

    #[test]
    fn mutated_configs_never_panic(
        which in 0usize..5,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, "[ -~\n]{0,6}"), 1..6),
    ) {
        let (path, text) = fixture_texts().swap_remove(which);
        let mut chars: Vec<char> = text.chars().collect();
        for (at, op, s) in edits {
            let i = at.index(chars.len() + 1);
            match op {
                0 => { chars.insert(i.min(chars.len()), s.chars().next().unwrap_or('x')); }
                1 => if i < chars.len() { chars.remove(i); },
                _ => { let tail = chars.split_off(i.min(chars.len())); chars.extend(s.chars()); chars.extend(tail); }
            }
        }
        let text: String = chars.into_iter().collect();
        let (i, diags) = import_promptfoo(&path, &text);
        for d in &diags {
            let _ = d.location();
        }
        drain(i);
    }

    #[test]
    fn mutated_csv_rows_never_panic(row in "[ -~]{0,80}", header in "[a-z_:0-9]{1,30}") {
        let csv = format!("message,__expected,{header}\n{row}\n");
        let (i, _, _tmp) = import_text(
            "prompts: ['{{message}}']\nproviders: [m]\ntests: file://rows.csv\n",
            &[("rows.csv", &csv)],
        );
        drain(i);
    }
}
