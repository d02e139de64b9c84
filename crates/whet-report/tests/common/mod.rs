//! A small but complete run to render: three variants (a baseline and two
//! candidates), three splits, tags, a `choice` classifier, an errored result,
//! repeats of nothing, and outputs that try to break out of every format
//! (`</script>`, `<img onerror>`, `]]>`, control characters, a long text).

#![allow(dead_code)]

use serde_json::{Map, Value, json};
use whet_eval::record::{
    Better, CaseResult, Change, Comparison, DatasetInfo, GateCheck, GateVerdict, GradeRecord,
    MetricDelta, RECORD_VERSION, Role, RunMeta, RunOptions, SuiteInfo, Summary, VariantInfo,
};
use whet_eval::summary::SummaryBuilder;

pub const SCRIPT_BREAKOUT: &str =
    "card </script><script>document.documentElement.dataset.pwned='script'</script>";
pub const IMG_INJECTION: &str =
    "other <img src=x onerror=\"document.documentElement.dataset.pwned='img'\">";
pub const UNICODE: &str = "refund — naïve café, 日本語, emoji 🚀, RTL مرحبا, zero\u{200b}width";
pub const CONTROL: &str = "card \u{7}bell\u{0}nul ]]> & \"quotes\"";

pub struct Run {
    pub meta: RunMeta,
    pub results: Vec<CaseResult>,
    pub summary: Summary,
    pub comparison: Comparison,
    pub gate: GateVerdict,
}

fn variant(name: &str, role: Role, version: &str, model: &str) -> VariantInfo {
    VariantInfo {
        name: name.into(),
        role,
        prompt: "support-reply".into(),
        reference: format!("support-reply@{version}"),
        version: Some(version.into()),
        label: None,
        content_hash: format!(
            "sha256:{}",
            if role == Role::Baseline {
                "a1b2c3d4e5f6a7b8c9d0"
            } else {
                "0f1e2d3c4b5a69788796"
            }
        ),
        model_alias: model.into(),
        provider: "local".into(),
        model: format!("{model}.gguf"),
        params: json!({"temperature": 0, "max_tokens": 128, "seed": 7}),
    }
}

pub fn meta() -> RunMeta {
    RunMeta {
        record_version: RECORD_VERSION,
        id: "20260115-093000-7f3a".into(),
        created_at: "2026-01-15T09:30:00Z".into(),
        suite: SuiteInfo {
            path: "evals/support.yaml".into(),
            sha256: "5d41402abc4b2a76b9719d911017c592aa5b2e2b4c4f8e3c8f1a9e7d6c5b4a39".into(),
            description: Some("Routing of support messages".into()),
            format: "whet".into(),
        },
        datasets: vec![DatasetInfo {
            path: "evals/data/support.jsonl".into(),
            sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
            rows: 12,
        }],
        variants: vec![
            variant(
                "support-reply@1.0.0 · qwen-local",
                Role::Baseline,
                "1.0.0",
                "qwen-local",
            ),
            variant(
                "support-reply@1.1.0 · qwen-local",
                Role::Candidate,
                "1.1.0",
                "qwen-local",
            ),
            variant(
                "support-reply@1.1.0 · smollm2",
                Role::Candidate,
                "1.1.0",
                "smollm2",
            ),
        ],
        options: RunOptions {
            repeat: 1,
            filter: vec![],
            sample: None,
            seed: 42,
            cache: "read-write".into(),
            baseline_run: None,
        },
        cases: 12,
        whet_version: "0.1.0".into(),
        git_commit: Some("3e1f0c9a7b2d4e6f8a0b1c2d3e4f5a6b7c8d9e0f-dirty".into()),
    }
}

/// (description, split, tags, expected, outputs of variants 0, 1, 2).
/// The first word of an output is the label it was read as.
type Row = (
    &'static str,
    &'static str,
    Vec<&'static str>,
    &'static str,
    [String; 3],
);

fn table() -> Vec<Row> {
    let s = |x: &str| x.to_owned();
    let long: String = (0..1500)
        .map(|i| ["the", "customer", "asks", "about", "an", "invoice"][i % 6])
        .collect::<Vec<_>>()
        .join(" ");
    vec![
        (
            "refund request",
            "golden",
            vec!["billing"],
            "refund",
            [
                s("refund because the customer wants the money back"),
                s("refund because the customer asks for their money back"),
                s("refund the money"),
            ],
        ),
        (
            "card declined",
            "golden",
            vec!["billing", "cards"],
            "card",
            [
                s("card declined at checkout"),
                s("card declined at the checkout page"),
                s("refund maybe"),
            ],
        ),
        (
            "lost card",
            "golden",
            vec!["cards"],
            "card",
            [
                s("other lost item"),
                s("card reported lost"),
                s("card lost"),
            ],
        ),
        (
            "script breakout",
            "adversarial",
            vec!["injection"],
            "refund",
            [s("refund please"), s(SCRIPT_BREAKOUT), s("refund")],
        ),
        (
            "img injection",
            "adversarial",
            vec!["injection"],
            "card",
            [s("card"), s(IMG_INJECTION), s("other")],
        ),
        (
            "unicode",
            "edge",
            vec!["i18n"],
            "refund",
            [s("refund"), s(UNICODE), s("refund café")],
        ),
        (
            "long invoice question",
            "edge",
            vec![],
            "other",
            [
                format!("other {long}"),
                format!("other {long} and a late fee"),
                s("other"),
            ],
        ),
        (
            "provider timeout",
            "golden",
            vec!["billing"],
            "refund",
            [s("refund"), s("refund now"), s("")],
        ),
        (
            "control characters",
            "edge",
            vec![],
            "other",
            [s("other"), s(CONTROL), s("card")],
        ),
        (
            "chargeback",
            "golden",
            vec!["billing"],
            "refund",
            [
                s("card chargeback"),
                s("refund via chargeback"),
                s("refund"),
            ],
        ),
        (
            "pin reset",
            "golden",
            vec!["cards"],
            "card",
            [s("card pin"), s("card pin reset"), s("card")],
        ),
        (
            "weather",
            "edge",
            vec![],
            "other",
            [s("other"), s("other topic"), s("nonsense")],
        ),
    ]
}

pub fn results() -> Vec<CaseResult> {
    let mut out = Vec::new();
    for (case, (description, split, tags, expected, outputs)) in table().into_iter().enumerate() {
        for (v, output) in outputs.iter().enumerate() {
            out.push(result(
                case as u64,
                v as u32,
                description,
                split,
                &tags,
                expected,
                output,
            ));
        }
    }
    out
}

fn result(
    case: u64,
    variant: u32,
    description: &str,
    split: &str,
    tags: &[&str],
    expected: &str,
    output: &str,
) -> CaseResult {
    let first = output.split_whitespace().next().unwrap_or("");
    let label = ["refund", "card", "other"]
        .contains(&first)
        .then(|| first.to_owned());
    let errored = description == "provider timeout" && variant == 2;
    let hit = label.as_deref() == Some(expected);
    let words = output.split_whitespace().count() as f64;
    let tone = (1.0 - (words - 6.0).abs() / 20.0).clamp(0.0, 1.0);
    let grades = if errored {
        vec![]
    } else {
        vec![
            GradeRecord {
                assertion: "choice".into(),
                metric: None,
                pass: hit,
                score: if hit { 1.0 } else { 0.0 },
                weight: 1.0,
                reason: if hit {
                    "Output is the expected label".into()
                } else {
                    format!(
                        "Expected label \"{expected}\" but got \"{}\"",
                        label.as_deref().unwrap_or(output)
                    )
                },
                label: label.clone(),
                agreement: None,
                error: None,
            },
            GradeRecord {
                assertion: "rouge-n".into(),
                metric: Some("tone".into()),
                pass: tone >= 0.5,
                score: tone,
                weight: 0.5,
                reason: format!("ROUGE-N {tone:.2} against the reference reply"),
                label: None,
                agreement: None,
                error: None,
            },
        ]
    };
    let pass = !errored && hit && tone >= 0.5;
    let mut vars = Map::new();
    vars.insert(
        "message".into(),
        Value::String(format!("{description}: please help")),
    );
    vars.insert(
        "customer".into(),
        json!({"tier": if case.is_multiple_of(2) { "gold" } else { "free" }}),
    );
    CaseResult {
        variant,
        case,
        repeat: 0,
        case_key: format!("key-{case}"),
        description: Some(description.into()),
        split: Some(split.into()),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        scenario: None,
        source: format!("evals/data/support.jsonl:{}", case + 1),
        vars,
        expected: Some(Value::String(expected.into())),
        output: output.into(),
        tool_calls: vec![],
        error: errored.then(|| "provider timed out after 30 s (no first token)".to_owned()),
        pass,
        score: if errored {
            0.0
        } else {
            (if hit { 1.0 } else { 0.0 } + 0.5 * tone) / 1.5
        },
        grades,
        input_tokens: 180 + case * 3,
        output_tokens: words as u64 + 2,
        cost_usd: if variant == 2 {
            0.0
        } else {
            0.000_02 * (183 + case * 3) as f64
        },
        latency_ms: (!errored).then(|| 120.0 + 35.0 * case as f64 + 90.0 * f64::from(variant)),
        cache: if case.is_multiple_of(5) {
            "hit"
        } else {
            "miss"
        }
        .into(),
        finish_reason: (!errored).then(|| "stop".to_owned()),
        grading_cost_usd: 0.0,
    }
}

pub fn comparison() -> Comparison {
    let d = |metric: &str, better, baseline: f64, candidate: f64, lo, hi, p, test: &str, change| {
        MetricDelta {
            metric: metric.into(),
            better,
            baseline,
            candidate,
            delta: candidate - baseline,
            ci_low: lo,
            ci_high: hi,
            p_value: p,
            test: test.into(),
            n: 11,
            change,
        }
    };
    Comparison {
        baseline: "support-reply@1.0.0 · qwen-local".into(),
        candidate: "support-reply@1.1.0 · qwen-local".into(),
        pairs: 11,
        unpaired: 1,
        metrics: vec![
            d(
                "pass_rate",
                Better::Higher,
                0.4545,
                0.6364,
                -0.0909,
                0.4545,
                0.375,
                "mcnemar-exact",
                Change::NoChange,
            ),
            d(
                "tone",
                Better::Higher,
                0.61,
                0.74,
                0.04,
                0.22,
                0.012,
                "wilcoxon",
                Change::Improved,
            ),
            d(
                "cost_usd",
                Better::Lower,
                0.0039,
                0.0041,
                0.0001,
                0.0003,
                0.001,
                "sign-flip",
                Change::Regressed,
            ),
            d(
                "latency_ms",
                Better::Lower,
                312.0,
                402.0,
                85.0,
                95.0,
                0.0005,
                "wilcoxon",
                Change::Regressed,
            ),
        ],
    }
}

pub fn gate() -> GateVerdict {
    GateVerdict {
        passed: false,
        reason: "gate failed: latency_ms regressed by +90 ms (limit +50 ms)".into(),
        checks: vec![
            GateCheck {
                name: "min_pass_rate[golden] >= 0.60".into(),
                passed: true,
                detail: "0.71 >= 0.60".into(),
            },
            GateCheck {
                name: "no_regression[pass_rate]".into(),
                passed: true,
                detail: "Δ +18.2 pp, not significant".into(),
            },
            GateCheck {
                name: "max_regression[latency_ms] <= 50".into(),
                passed: false,
                detail: "+90 ms > +50 ms".into(),
            },
        ],
    }
}

pub fn run() -> Run {
    let meta = meta();
    let results = results();
    let mut b = SummaryBuilder::new(&meta);
    for r in &results {
        b.push(r);
    }
    Run {
        summary: b.finish(),
        meta,
        results,
        comparison: comparison(),
        gate: gate(),
    }
}
