//! `whet eval` end to end with every assertion type: each one passes on one
//! case and fails on another, plainly and with `not-`, through the real
//! binary, the real store, real loopback HTTP (a scripted model that makes
//! tool calls, and a judge), the real MiniLM embedder and a real script.
//! A second test runs a small suite on the embedded local model.
//!
//! The suites are in `tests/data/eval_assertions/`; each case there carries
//! its expected verdict as a tag (`pass`, `fail` or `error`).

// Test helpers may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Mutex};

use assert_cmd::Command;
use serde_json::{Value, json};
use whet_eval::record::{CaseResult, GradeRecord};

fn whet(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut c = Command::cargo_bin("whet").unwrap();
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("WHET_PROJECT")
        .env_remove("WHET_DATABASE_URL");
    c.args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A `whet init` project with the fixture folder `data/eval_assertions/NAME`
/// copied over it, whet.toml changed by `configure`, then `extra` appended.
fn project(
    fixture: &str,
    configure: impl FnOnce(&mut toml_edit::DocumentMut),
    extra: &str,
) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let out = whet(tmp.path(), &["init", "--name", "t"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/eval_assertions")
        .join(fixture);
    copy_dir(&src, tmp.path());
    let cfg = tmp.path().join("whet.toml");
    let mut doc: toml_edit::DocumentMut = std::fs::read_to_string(&cfg).unwrap().parse().unwrap();
    configure(&mut doc);
    std::fs::write(&cfg, format!("{doc}\n{extra}\n")).unwrap();
    let lint = whet(tmp.path(), &["prompt", "lint", "--deny-warnings"]);
    assert!(
        lint.status.success(),
        "the fixture prompts must lint clean:\n{}{}",
        text(&lint.stdout),
        text(&lint.stderr)
    );
    tmp
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Runs `whet eval SUITE --cache off --json -o results.jsonl`; returns the
/// exit code, the `--json` summary and the result records.
fn eval(dir: &Path, suite: &str) -> (Option<i32>, Value, Vec<CaseResult>) {
    let out = whet(
        dir,
        &[
            "eval",
            suite,
            "-o",
            "results.jsonl",
            "--cache",
            "off",
            "--json",
        ],
    );
    let stderr = text(&out.stderr);
    let summary: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON summary ({e}):\n{}\n{stderr}", text(&out.stdout)));
    let results = std::fs::read_to_string(dir.join("results.jsonl"))
        .unwrap_or_else(|e| panic!("no results.jsonl ({e}):\n{stderr}"))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (out.status.code(), summary, results)
}

/// Model alias of each variant, by index.
fn aliases(summary: &Value) -> Vec<String> {
    summary["run"]["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["model_alias"].as_str().unwrap().to_owned())
        .collect()
}

fn description(r: &CaseResult) -> &str {
    r.description.as_deref().unwrap_or_default()
}

fn only_grade(r: &CaseResult) -> &GradeRecord {
    assert_eq!(r.grades.len(), 1, "{}: {:?}", description(r), r.grades);
    &r.grades[0]
}

// ---------------------------------------------------------------------------
// The loopback server

/// What the server received: every request body, in arrival order.
type Seen = Arc<Mutex<Vec<Value>>>;

/// A loopback OpenAI-compatible server with two models. `scripted` echoes
/// the last user message like the mock, except that `CALL NAME ARGS` becomes
/// a tool call of NAME with ARGS; `judge-model` answers whet's judge prompts
/// by the rules in [`judge`].
fn start_server() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let (tx, rx) = std::sync::mpsc::channel();
    let record = seen.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let app = axum::Router::new().route(
                "/v1/chat/completions",
                axum::routing::post(move |body: axum::Json<Value>| {
                    let record = record.clone();
                    async move {
                        record.lock().unwrap().push(body.0.clone());
                        axum::Json(answer(&body.0))
                    }
                }),
            );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    let addr = rx.recv().unwrap();
    (format!("http://{addr}/v1"), seen)
}

/// Whitespace-separated words: the mock's token count, copied so that
/// `tokens` and `cost` grade the same on both models.
fn words(s: &str) -> u64 {
    s.split_whitespace().count() as u64
}

fn answer(body: &Value) -> Value {
    let messages = body["messages"].as_array().unwrap();
    let prompt_words: u64 = messages
        .iter()
        .map(|m| words(m["content"].as_str().unwrap_or_default()))
        .sum();
    let (message, finish) = if body["model"] == "judge-model" {
        let verdict = judge(body);
        (
            json!({"role": "assistant", "content": verdict.to_string()}),
            "stop",
        )
    } else {
        let last = messages
            .iter()
            .rev()
            .find(|m| m["role"] == "user")
            .and_then(|m| m["content"].as_str())
            .unwrap_or_default();
        scripted(last)
    };
    let content = message["content"].as_str().unwrap_or_default();
    let mut choice = json!({"index": 0, "message": message, "finish_reason": finish});
    // As OpenAI does: log probabilities only when asked for.
    if body["logprobs"] == true {
        let tokens: Vec<Value> = content
            .split_whitespace()
            .map(|w| json!({"token": w, "logprob": -0.5}))
            .collect();
        choice["logprobs"] = json!({"content": tokens});
    }
    json!({
        "model": body["model"],
        "choices": [choice],
        "usage": {"prompt_tokens": prompt_words, "completion_tokens": words(content)}
    })
}

/// `CALL NAME ARGS` → a tool call; anything else is echoed.
fn scripted(last: &str) -> (Value, &'static str) {
    let Some(call) = last.strip_prefix("CALL ") else {
        return (json!({"role": "assistant", "content": last}), "stop");
    };
    let (name, args) = call.split_once(' ').unwrap_or((call, "{}"));
    let calls = [
        json!({"id": "call_1", "type": "function", "function": {"name": name, "arguments": args}}),
    ];
    (
        json!({"role": "assistant", "content": null, "tool_calls": calls}),
        "tool_calls",
    )
}

/// The text of `<tag>` in a judge prompt's user message.
fn section<'a>(user: &'a str, tag: &str) -> &'a str {
    let open = format!("<{tag}>\n");
    let start = user
        .find(&open)
        .unwrap_or_else(|| panic!("no <{tag}> in {user}"))
        + open.len();
    let end = start + user[start..].find(&format!("\n</{tag}>")).unwrap();
    &user[start..end]
}

/// A judge whose verdicts a test can predict. A rubric or criterion that
/// quotes a word is met when the output contains it (a rubric marked
/// `(wavering)` gets the opposite verdict from sample 2); factuality is C
/// when the submission equals the reference, else D; the questions an
/// answer `X is Y.` answers are `What is X?`; a claim is supported when the
/// context contains it.
fn judge(body: &Value) -> Value {
    let schema = body["response_format"]["json_schema"]["name"]
        .as_str()
        .unwrap();
    let user = body["messages"][1]["content"].as_str().unwrap();
    let mentions = |criterion: &str, output: &str| {
        let word = criterion.split('"').nth(1).unwrap();
        output.to_lowercase().contains(&word.to_lowercase())
    };
    match schema {
        "rubric_verdict" => {
            let rubric = section(user, "rubric");
            let mut pass = mentions(rubric, section(user, "output"));
            if rubric.contains("(wavering)") && body["seed"] == 2 {
                pass = !pass;
            }
            let score = if pass { 0.9 } else { 0.1 };
            json!({"reason": format!("pass is {pass}"), "score": score, "pass": pass})
        }
        "g_eval_score" => {
            let met = mentions(section(user, "criterion"), section(user, "reply"));
            json!({"steps": ["look for the word"], "reason": format!("met: {met}"), "score": if met { 9 } else { 2 }})
        }
        "factuality_category" => {
            let same = section(user, "reference") == section(user, "submission");
            json!({"reason": "compared", "category": if same { "C" } else { "D" }})
        }
        "generated_questions" => {
            let answer = section(user, "answer").trim_end_matches('.');
            let subject = answer
                .split_once(" is ")
                .or_else(|| answer.split_once(" are "))
                .map_or(answer, |(s, _)| s);
            let q = format!("What is {}?", subject.to_lowercase());
            json!({"questions": [q.clone(), q.clone(), q]})
        }
        "faithfulness_claims" => {
            let context = section(user, "context").to_lowercase();
            let claims: Vec<Value> = section(user, "answer")
                .split('.')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(|c| json!({"claim": c, "supported": context.contains(&c.to_lowercase())}))
                .collect();
            json!({"claims": claims, "reason": "checked"})
        }
        other => panic!("the judge got an unexpected prompt `{other}`"),
    }
}

// ---------------------------------------------------------------------------
// Every type on the mock and on loopback HTTP

/// Mock, loopback and judge prices: every call costs more than $0.
const MODELS: &str = r#"
[models.echo]
provider = "mock"
model = "echo"
price_input_per_mtok = 1.0
price_output_per_mtok = 2.0

[providers.loopback]
kind = "openai"
base_url = "URL"

[models.scripted]
provider = "loopback"
model = "scripted"
price_input_per_mtok = 1.0
price_output_per_mtok = 2.0

[models.judge]
provider = "loopback"
model = "judge-model"
price_input_per_mtok = 3.0
price_output_per_mtok = 4.0
"#;

/// What a case must come to on a model: its tag, except that the mock
/// makes no tool calls, so there a tool-call assertion grades a text output
/// as no call at all: it fails, and its `not-` form passes.
fn expected(r: &CaseResult, alias: &str) -> &'static str {
    let tag = |t: &str| r.tags.iter().any(|x| x == t);
    // The in-process mock returns no logprobs: perplexity cannot be graded.
    if tag("logprobs") && alias == "echo" {
        return "error";
    }
    if tag("tool-call") && alias == "echo" {
        return if only_grade(r).assertion.starts_with("not-") {
            "pass"
        } else {
            "fail"
        };
    }
    ["pass", "fail", "error"]
        .into_iter()
        .find(|t| tag(t))
        .unwrap_or_else(|| panic!("{}: tag the case pass, fail or error", description(r)))
}

fn outcome(r: &CaseResult) -> &'static str {
    match (&r.error, r.pass) {
        (Some(_), _) => "error",
        (None, true) => "pass",
        (None, false) => "fail",
    }
}

/// What an errored case's message must say, by description (perplexity
/// cases on the mock are checked apart).
const ERRORS: &[(&str, &str)] = &[
    (
        "llm-rubric on the default judge (the mock), which answers no verdict",
        "not a JSON object",
    ),
    (
        "context-faithfulness without a context",
        "set `vars.context`",
    ),
    ("a script that crashes", "exit status 3"),
];

#[test]
fn every_assertion_type_passes_and_fails_through_whet_eval() {
    let (url, seen) = start_server();
    let tmp = project(
        "mock",
        |doc| doc["defaults"]["model"] = toml_edit::value("echo"),
        &MODELS.replace("URL", &url),
    );
    let dir = tmp.path();
    let (code, summary, results) = eval(dir, "evals/all.yaml");
    assert_eq!(code, Some(1), "failed cases and no gate exit 1");
    let aliases = aliases(&summary);
    assert_eq!(aliases, ["echo", "scripted"]);
    let cases = summary["run"]["cases"].as_u64().unwrap();
    assert_eq!(
        results.len() as u64,
        cases * 2,
        "one result per case and model"
    );

    let mut wrong = Vec::new();
    for r in &results {
        let alias = &aliases[r.variant as usize];
        let want = expected(r, alias);
        let got = outcome(r);
        if want != got {
            wrong.push(format!(
                "{} on {alias}: expected {want}, got {got}: output {:?}, error {:?}, grades {:?}",
                description(r),
                r.output,
                r.error,
                r.grades
            ));
        }
        if got == "error" {
            let message = r.error.as_deref().unwrap_or_default();
            let says = if r.tags.iter().any(|t| t == "logprobs") {
                "do not return logProbs"
            } else {
                ERRORS
                    .iter()
                    .find(|(d, _)| *d == description(r))
                    .unwrap_or_else(|| panic!("{}: unexpected error {message}", description(r)))
                    .1
            };
            assert!(message.contains(says), "{}: {message}", description(r));
        }
        // A failing case fails on a graded assertion, never on an errored one.
        if got == "fail" {
            assert!(r.grades.iter().all(|g| g.error.is_none()), "{r:?}");
        }
        assert!(
            r.cost_usd > 0.0,
            "{}: priced calls cost something",
            description(r)
        );
        assert!(r.latency_ms.is_some_and(|l| l > 0.0), "{r:?}");
    }
    assert!(
        wrong.is_empty(),
        "{} wrong verdicts:\n{}",
        wrong.len(),
        wrong.join("\n")
    );

    every_type_has_a_passing_and_a_failing_grade(&results);
    keys_are_honoured(&results, &summary, &aliases);
    judges_were_asked_as_configured(&seen.lock().unwrap());
}

/// Each type, plain and `not-`, passed somewhere and failed somewhere (the
/// types no model here can feed errored instead, checked above). Checked
/// against the crates' own lists, so a new type without cases fails here.
fn every_type_has_a_passing_and_a_failing_grade(results: &[CaseResult]) {
    let mut seen: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for r in results {
        for g in &r.grades {
            let verdict = match (&g.error, g.pass) {
                (Some(_), _) => "error",
                (None, true) => "pass",
                (None, false) => "fail",
            };
            seen.entry(g.assertion.as_str())
                .or_default()
                .insert(verdict);
        }
    }
    let deterministic = whet_assert::AssertionType::ALL.iter().map(|t| t.as_str());
    let mut missing = Vec::new();
    for base in deterministic.chain(whet_judge::TYPES.iter().copied()) {
        for name in [base.to_owned(), format!("not-{base}")] {
            let got = seen.get(name.as_str()).cloned().unwrap_or_default();
            let want: BTreeSet<&str> = if base.starts_with("perplexity") {
                // Graded on the scripted server, errored on the mock.
                ["pass", "fail", "error"].into()
            } else {
                ["pass", "fail"].into()
            };
            if !want.is_subset(&got) {
                missing.push(format!("{name}: graded {got:?}, want {want:?}"));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

fn by_description<'a>(results: &'a [CaseResult], d: &str, variant: u32) -> &'a CaseResult {
    results
        .iter()
        .find(|r| description(r) == d && r.variant == variant)
        .unwrap_or_else(|| panic!("no result for {d}"))
}

/// `weight`, test `threshold`, `metric`, `judge_samples` and judge costs
/// reach the records and the summary.
fn keys_are_honoured(results: &[CaseResult], summary: &Value, aliases: &[String]) {
    for variant in 0..aliases.len() as u32 {
        let get = |d: &str| by_description(results, d, variant);
        let weighted = get("weighted score reaches the test threshold");
        assert!((weighted.score - 0.75).abs() < 1e-12, "3 of 4 weight units");
        assert_eq!(weighted.grades[0].weight, 3.0);
        assert_eq!(weighted.grades[0].metric.as_deref(), Some("mentions_card"));
        assert!((get("weighted score misses the test threshold").score - 0.75).abs() < 1e-12);
        assert_eq!(
            only_grade(get("rouge-n")).metric.as_deref(),
            Some("overlap")
        );
        assert_eq!(
            only_grade(get("similar")).metric.as_deref(),
            Some("closeness")
        );
        assert_eq!(
            only_grade(get("llm-rubric")).metric.as_deref(),
            Some("helpful")
        );

        // judge_samples: 3 on a wavering rubric: 2 of 3 samples agree.
        for d in [
            "llm-rubric judged three times",
            "llm-rubric judged three times fails",
        ] {
            let g = only_grade(get(d));
            assert_eq!(g.agreement, Some(2.0 / 3.0), "{d}: {g:?}");
            assert!(
                g.reason.contains("(2 of 3 judge samples"),
                "{d}: {}",
                g.reason
            );
        }
        assert_eq!(
            only_grade(get("g-eval")).agreement,
            Some(1.0),
            "unanimous samples"
        );
        assert_eq!(only_grade(get("llm-rubric")).agreement, None, "one sample");
        assert!(
            get("llm-rubric").grading_cost_usd > 0.0,
            "the judge is priced"
        );
        assert_eq!(get("contains").grading_cost_usd, 0.0);

        let call = get("is-valid-openai-tools-call");
        if aliases[variant as usize] == "scripted" {
            assert_eq!(call.tool_calls.len(), 1);
            assert_eq!(call.tool_calls[0].name, "lookup_order");
            assert_eq!(call.tool_calls[0].arguments, r#"{"order_id": "ORD-1"}"#);
            assert_eq!(call.finish_reason.as_deref(), Some("tool_calls"));
        } else {
            assert!(call.tool_calls.is_empty());
        }
    }
    for v in summary["result"]["summary"]["variants"].as_array().unwrap() {
        let variant = v["variant"].as_u64().unwrap();
        let alias = &aliases[usize::try_from(variant).unwrap()];
        let mine = results.iter().filter(|r| u64::from(r.variant) == variant);
        let want_errors = mine
            .clone()
            .filter(|r| expected(r, alias) == "error")
            .count();
        let want_passed = mine.filter(|r| expected(r, alias) == "pass").count();
        assert_eq!(
            v["overall"]["errors"], want_errors,
            "errors are counted apart"
        );
        assert_eq!(v["overall"]["passed"], want_passed);
        // The mean over repeated-sample grades: 2/3, 2/3 and 1.
        let agreements: Vec<f64> = results
            .iter()
            .filter(|r| u64::from(r.variant) == variant)
            .flat_map(|r| r.grades.iter().filter_map(|g| g.agreement))
            .collect();
        assert_eq!(agreements.len(), 3);
        let mean = agreements.iter().sum::<f64>() / 3.0;
        let agreement = v["judge_agreement"].as_f64().unwrap();
        assert!((agreement - mean).abs() < 1e-12, "{agreement} vs {mean}");
        let metrics: Vec<&str> = v["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"].as_str().unwrap())
            .collect();
        for m in ["overlap", "closeness", "helpful", "mentions_card"] {
            assert!(metrics.contains(&m), "{m} not in {metrics:?}");
        }
    }
}

/// One judge request per sample: a single sample at temperature 0 without a
/// seed, repeated samples at 0.7, each with its own seed.
fn judges_were_asked_as_configured(seen: &[Value]) {
    let judged: Vec<&Value> = seen
        .iter()
        .filter(|b| b["model"] == "judge-model")
        .collect();
    let wavering: Vec<&Value> = judged
        .iter()
        .copied()
        .filter(|b| {
            b["messages"][1]["content"]
                .as_str()
                .unwrap()
                .contains("(wavering)")
        })
        .collect();
    // Two cases on two models, three samples each.
    assert_eq!(wavering.len(), 12);
    let seeds: BTreeSet<u64> = wavering
        .iter()
        .map(|b| b["seed"].as_u64().unwrap())
        .collect();
    assert_eq!(seeds, [0, 1, 2].into());
    assert!(wavering.iter().all(|b| b["temperature"] == 0.7));
    let single = judged
        .iter()
        .find(|b| b["response_format"]["json_schema"]["name"] == "factuality_category")
        .unwrap();
    assert_eq!(single["temperature"], 0.0);
    assert!(single.get("seed").is_none());
    // The scripted model was offered the prompt's tool.
    let scripted = seen.iter().find(|b| b["model"] == "scripted").unwrap();
    assert_eq!(scripted["tools"][0]["function"]["name"], "lookup_order");
    // Logprobs are asked for exactly when a case reads them: the eight
    // perplexity cases, on the one model that goes over HTTP.
    let asked: Vec<&Value> = seen.iter().filter(|b| b["logprobs"] == true).collect();
    assert_eq!(asked.len(), 8);
    assert!(asked.iter().all(|b| b["model"] == "scripted"));
}

/// A suite whose only judged assertion names its judge with `provider`
/// needs no `[defaults] model` and loads no default judge.
#[test]
fn a_judge_named_by_provider_needs_no_default_model() {
    let (url, seen) = start_server();
    let tmp = project(
        "mock",
        |doc| {
            doc.remove("defaults");
        },
        &MODELS.replace("URL", &url),
    );
    let out = whet(
        tmp.path(),
        &["eval", "evals/provider_only.yaml", "--cache", "off"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        seen.lock()
            .unwrap()
            .iter()
            .filter(|b| b["model"] == "judge-model")
            .count(),
        1,
        "graded by the judge it names"
    );
    let runs: Value =
        serde_json::from_slice(&whet(tmp.path(), &["runs", "list", "--json"]).stdout).unwrap();
    assert_eq!(runs[0]["status"], "complete");
}

/// A run that cannot start (a judge alias that does not exist) is marked
/// failed, not left `running`.
#[test]
fn a_run_that_cannot_start_is_marked_failed() {
    let (url, _) = start_server();
    let tmp = project("mock", |_| {}, &MODELS.replace("URL", &url));
    let suite = std::fs::read_to_string(tmp.path().join("evals/provider_only.yaml")).unwrap();
    std::fs::write(
        tmp.path().join("evals/provider_only.yaml"),
        suite.replace("provider: judge", "provider: nobody"),
    )
    .unwrap();
    let out = whet(tmp.path(), &["eval", "evals/provider_only.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("`nobody`"),
        "{}",
        text(&out.stderr)
    );
    let runs: Value =
        serde_json::from_slice(&whet(tmp.path(), &["runs", "list", "--json"]).stdout).unwrap();
    assert_eq!(runs[0]["status"], "failed");
}

// ---------------------------------------------------------------------------
// The embedded local model

#[test]
fn assertions_grade_the_local_model() {
    // Priced, so that `cost` has something to compare.
    let tmp = project(
        "local",
        |doc| {
            doc["models"]["qwen"]["price_input_per_mtok"] = toml_edit::value(1.0);
            doc["models"]["qwen"]["price_output_per_mtok"] = toml_edit::value(2.0);
        },
        "",
    );
    let (code, summary, results) = eval(tmp.path(), "evals/local.yaml");
    assert_eq!(code, Some(1), "a case fails, and there is no gate");
    assert_eq!(aliases(&summary), ["qwen"]);
    assert_eq!(results.len(), 3);
    let get = |d: &str| results.iter().find(|r| description(r) == d).unwrap();

    let passes = get("every assertion passes");
    let label: Value = serde_json::from_str(&passes.output).expect("the grammar holds it to JSON");
    assert!(label.is_string(), "{label}");
    for g in &passes.grades {
        assert!(g.pass && g.error.is_none(), "{g:?} on {:?}", passes.output);
    }
    assert!(passes.pass && passes.error.is_none());
    assert_eq!(passes.grades.len(), 16);
    assert!(passes.cost_usd > 0.0);

    let fails = get("every assertion fails");
    for g in &fails.grades {
        assert!(!g.pass && g.error.is_none(), "{g:?} on {:?}", fails.output);
    }
    assert!(!fails.pass && fails.error.is_none());
    assert_eq!(fails.grades.len(), 14);

    // A 0.5B judge is not a reliable one: which verdicts it reaches is not
    // asserted, only that it reaches one for every type, through its
    // schema-constrained answers.
    let judged = get("qwen judges it");
    let kinds: Vec<&str> = judged.grades.iter().map(|g| g.assertion.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "llm-rubric",
            "g-eval",
            "factuality",
            "answer-relevance",
            "context-faithfulness"
        ]
    );
    for g in &judged.grades {
        assert!(g.error.is_none(), "qwen gave no verdict: {g:?}");
        assert!((0.0..=1.0).contains(&g.score), "{g:?}");
        assert!(!g.reason.is_empty(), "{g:?}");
    }
    assert!(judged.error.is_none(), "{:?}", judged.error);
}
