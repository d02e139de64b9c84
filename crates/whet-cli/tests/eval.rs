//! `whet eval` end to end on the real binary: interrupted runs (SIGINT and
//! SIGKILL) resume without losing or repeating a case, baselines and gates
//! decide the exit code, stored runs can be listed, shown, exported and
//! compared. Providers are a real OpenAI-compatible HTTP server on loopback.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command as StdCommand, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::{Value, json};

fn whet(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut c = Command::cargo_bin("whet").unwrap();
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("WHET_TEST_KEY", "k")
        .env_remove("WHET_PROJECT")
        .env_remove("WHET_DATABASE_URL");
    c.args(args).output().unwrap()
}

fn spawn_whet(dir: &Path, args: &[&str]) -> Child {
    StdCommand::new(assert_cmd::cargo::cargo_bin("whet"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("WHET_TEST_KEY", "k")
        .env_remove("WHET_PROJECT")
        .env_remove("WHET_DATABASE_URL")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Requests per user message, as the server saw them.
type Seen = Arc<Mutex<HashMap<String, u32>>>;

/// A loopback OpenAI-compatible server that echoes the last user message
/// after `delay`, counting requests per message.
fn start_server(delay: Duration) -> (String, Seen) {
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
                        let user = body.0["messages"]
                            .as_array()
                            .and_then(|m| m.iter().rev().find(|m| m["role"] == "user"))
                            .and_then(|m| m["content"].as_str())
                            .unwrap_or_default()
                            .to_owned();
                        *record.lock().unwrap().entry(user.clone()).or_insert(0) += 1;
                        tokio::time::sleep(delay).await;
                        axum::Json(json!({
                            "model": "served-model",
                            "choices": [{"index": 0, "message": {"role": "assistant", "content": user}, "finish_reason": "stop"}],
                            "usage": {"prompt_tokens": 10, "completion_tokens": 5}
                        }))
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

/// A project whose `remote` model is the loopback server, an `echo` prompt
/// whose output is its `message` var, and a suite of `cases` rows.
fn project(url: &str, cases: usize) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    assert!(whet(dir, &["init", "--name", "t"]).status.success());
    let cfg = dir.join("whet.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(
        &cfg,
        format!(
            "{text}\n[providers.loop]\nkind = \"openai\"\nbase_url = \"{url}\"\napi_key_env = \"WHET_TEST_KEY\"\nmax_concurrency = 2\n\n[models.remote]\nprovider = \"loop\"\nmodel = \"m\"\nprice_input_per_mtok = 1.0\nprice_output_per_mtok = 2.0\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("prompts/echo.toml"),
        r#"name = "echo"
description = "Says the message back"
owner = "tests"

[model]
alias = "remote"
temperature = 0.0

[variables.message]
type = "string"
description = "What to say"

[[messages]]
role = "user"
content = "{{ message }}"
"#,
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("evals/data")).unwrap();
    let rows: String = (0..cases)
        .map(|i| {
            let split = if i % 4 == 0 { "edge" } else { "golden" };
            format!("{{\"vars\": {{\"message\": \"case number {i}\"}}, \"split\": \"{split}\"}}\n")
        })
        .collect();
    std::fs::write(dir.join("evals/data/rows.jsonl"), rows).unwrap();
    std::fs::write(
        dir.join("evals/echo.yaml"),
        "prompts: [echo]\ndefaultTest:\n  assert:\n    - {type: icontains, value: \"case number\"}\ndatasets:\n  - data/rows.jsonl\n",
    )
    .unwrap();
    tmp
}

fn runs(dir: &Path) -> Vec<Value> {
    let out = whet(dir, &["runs", "list", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice::<Vec<Value>>(&out.stdout).unwrap()
}

/// Waits until the only run has at least `n` stored results.
fn wait_for_results(dir: &Path, n: u64) -> String {
    let start = Instant::now();
    loop {
        assert!(start.elapsed() < Duration::from_secs(60), "no progress");
        if let Some(r) = runs(dir).first()
            && r["results"].as_u64().unwrap_or(0) >= n
        {
            return r["id"].as_str().unwrap().to_owned();
        }
        std::thread::sleep(Duration::from_millis(30));
    }
}

fn kill(child: &Child, signal: &str) {
    let ok = StdCommand::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

/// Interrupts a 40-case run midway with `signal`, resumes it, and checks
/// that every case is stored exactly once and passed.
fn interrupt_and_resume(signal: &str) -> (Seen, Value) {
    let (url, seen) = start_server(Duration::from_millis(60));
    let tmp = project(&url, 40);
    let dir = tmp.path();
    let mut child = spawn_whet(dir, &["eval", "evals/echo.yaml", "-j", "2"]);
    let id = wait_for_results(dir, 6);
    kill(&child, signal);
    let status = child.wait().unwrap();
    let run = runs(dir).remove(0);
    let stored = run["results"].as_u64().unwrap();
    assert!((6..40).contains(&stored), "stopped midway: {stored} stored");
    if signal == "-INT" {
        assert_eq!(status.code(), Some(1), "an interrupted run exits 1");
        assert_eq!(run["status"], "interrupted");
    } else {
        assert_eq!(
            run["status"], "running",
            "a killed run could not say anything"
        );
    }

    let out = whet(dir, &["eval", "--resume", &id, "-o", "all.jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let run = runs(dir).remove(0);
    assert_eq!(run["status"], "complete");
    assert_eq!(run["results"], 40);
    let lines = std::fs::read_to_string(dir.join("all.jsonl")).unwrap();
    let results: Vec<Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results.len(), 40);
    let mut cases: Vec<u64> = results
        .iter()
        .map(|r| r["case"].as_u64().unwrap())
        .collect();
    cases.dedup();
    assert_eq!(
        cases,
        (0..40).collect::<Vec<_>>(),
        "each case once, in order"
    );
    assert!(results.iter().all(|r| r["pass"] == true));
    (seen, run)
}

#[test]
fn sigint_keeps_finished_results_and_resume_runs_each_case_once() {
    let (seen, _) = interrupt_and_resume("-INT");
    let seen = seen.lock().unwrap();
    // The first Ctrl-C lets calls in flight finish and keeps them, so the
    // server saw every case exactly once over both processes.
    assert_eq!(seen.len(), 40);
    assert!(seen.values().all(|&n| n == 1), "{seen:?}");
}

#[test]
fn sigkill_loses_nothing_committed_and_resume_completes() {
    let (seen, _) = interrupt_and_resume("-KILL");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 40);
    // Only calls in flight at the kill (at most the concurrency, 2) and
    // results not yet flushed can be asked again; answers the cache stored
    // before the kill are not.
    let total: u32 = seen.values().sum();
    assert!(total <= 40 + 2, "{total} requests for 40 cases");
}

/// Releases `echo` 1.0.0 (saying the message as is), labels it production,
/// then edits the working copy to shout it.
fn release_then_shout(dir: &Path) {
    let out = whet(
        dir,
        &[
            "prompt",
            "release",
            "echo",
            "--set-version",
            "1.0.0",
            "-m",
            "first",
            "--no-git",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = whet(
        dir,
        &["prompt", "label", "echo", "production", "1.0.0", "--yes"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let path = dir.join("prompts/echo.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("{{ message }}", "{{ message | upper }}"),
    )
    .unwrap();
}

fn gated_suite(dir: &Path, name: &str, needle: &str) {
    std::fs::write(
        dir.join(format!("evals/{name}.yaml")),
        format!(
            "prompts: [echo]\ndefaultTest:\n  assert:\n    - {{type: contains, value: \"{needle}\", metric: shouting}}\ndatasets:\n  - data/rows.jsonl\ngate:\n  min_pass_rate_by_split: {{golden: 0.9}}\n  max_regression: {{pass_rate: 0.0}}\n  max_errors: 0\n"
        ),
    )
    .unwrap();
}

#[test]
fn baseline_label_gate_compare_and_exports() {
    let (url, _) = start_server(Duration::ZERO);
    let tmp = project(&url, 24);
    let dir = tmp.path();
    release_then_shout(dir);

    // The candidate shouts, the suite wants shouting: it beats production.
    gated_suite(dir, "shout", "CASE NUMBER");
    let out = whet(
        dir,
        &[
            "eval",
            "evals/shout.yaml",
            "--baseline",
            "echo:production",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["passed"], true, "{v}");
    assert!(
        v["reason"].as_str().unwrap().starts_with("gate passed"),
        "{v}"
    );
    let variants = v["run"]["variants"].as_array().unwrap();
    assert_eq!(variants.len(), 2);
    assert_eq!(variants[1]["role"], "baseline");
    assert_eq!(variants[1]["version"], "1.0.0");
    assert_eq!(variants[1]["label"], "production");
    let cmp = &v["result"]["comparisons"][0];
    assert_eq!(cmp["pairs"], 24);
    let rate = &cmp["metrics"][0];
    assert_eq!(rate["metric"], "pass_rate");
    assert_eq!(rate["baseline"], 0.0);
    assert_eq!(rate["candidate"], 1.0);
    assert_eq!(rate["change"], "improved");
    assert_eq!(rate["test"], "mcnemar-exact");
    // 24 discordant pairs all one way: p = 2 * 0.5^24.
    assert!((rate["p_value"].as_f64().unwrap() - 2.0 * 0.5_f64.powi(24)).abs() < 1e-12);
    let shout_run = v["run"]["id"].as_str().unwrap().to_owned();

    // The same change judged by a suite that wants the message as is: the
    // candidate regresses significantly and the gate fails with exit 1.
    gated_suite(dir, "quiet", "case number");
    let out = whet(
        dir,
        &["eval", "evals/quiet.yaml", "--baseline", "echo:production"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("gate failed"), "{text}");

    // Stored runs: list, show, export, compare.
    let listed = runs(dir);
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|r| r["status"] == "complete"));
    let out = whet(dir, &["runs", "show", &shout_run]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = whet(
        dir,
        &[
            "runs",
            "export",
            "latest",
            "-o",
            "out/r.json",
            "-o",
            "out/r.md",
            "-o",
            "out/r.xml",
            "-o",
            "out/r.html",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("out/r.json")).unwrap()).unwrap();
    assert_eq!(doc["results"].as_array().unwrap().len(), 48);
    let md = std::fs::read_to_string(dir.join("out/r.md")).unwrap();
    assert!(md.contains("gate failed") || md.contains("Gate"), "{md}");
    let xml = std::fs::read_to_string(dir.join("out/r.xml")).unwrap();
    assert_eq!(xml.matches("<testcase").count(), 48);
    let bad = whet(dir, &["runs", "export", "latest", "-o", "r.pdf"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("cannot tell the report format"));

    // A baseline given as a stored run: the production-only run.
    std::fs::write(
        dir.join("evals/prod.yaml"),
        "prompts: [\"echo:production\"]\ndefaultTest:\n  assert:\n    - {type: contains, value: \"CASE NUMBER\", metric: shouting}\ndatasets:\n  - data/rows.jsonl\n",
    )
    .unwrap();
    let out = whet(dir, &["eval", "evals/prod.yaml"]);
    assert_eq!(out.status.code(), Some(1), "production fails every case");
    let prod_run = runs(dir)[0]["id"].as_str().unwrap().to_owned();
    let out = whet(dir, &["compare", &prod_run, &shout_run, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let cmp = &v["result"]["comparisons"][0];
    assert_eq!(cmp["pairs"], 24, "{v}");
    assert_eq!(cmp["metrics"][0]["delta"], 1.0);
    let shouting = cmp["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"] == "shouting")
        .unwrap();
    assert_eq!(shouting["change"], "improved");

    let out = whet(
        dir,
        &[
            "eval",
            "evals/shout.yaml",
            "--baseline",
            &prod_run,
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["result"]["comparisons"][0]["metrics"][0]["change"],
        "improved"
    );
}

#[test]
fn bad_input_is_a_clear_error_with_exit_2() {
    let (url, _) = start_server(Duration::ZERO);
    let tmp = project(&url, 4);
    let dir = tmp.path();
    std::fs::write(
        dir.join("evals/bad.yaml"),
        "prompts: [echo]\ntests:\n  - vars: {message: hi}\n    asert: []\n",
    )
    .unwrap();
    let out = whet(dir, &["eval", "evals/bad.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("bad.yaml:4:5"), "{err}");
    assert!(err.contains("did you mean `assert`"), "{err}");

    let out = whet(
        dir,
        &["eval", "evals/echo.yaml", "--filter", "split:nothing"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no case matches"));
    let out = whet(
        dir,
        &["eval", "evals/echo.yaml", "--baseline", "echo:staging"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = whet(dir, &["eval", "--resume", "nope"]);
    assert_eq!(out.status.code(), Some(2));

    // Sampling and filtering pick the same cases for the same seed.
    let pick = |seed: &str| {
        let out = whet(
            dir,
            &[
                "eval",
                "evals/echo.yaml",
                "--sample",
                "2",
                "--seed",
                seed,
                "-o",
                "s.jsonl",
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        std::fs::read_to_string(dir.join("s.jsonl"))
            .unwrap()
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                v["vars"]["message"].as_str().unwrap().to_owned()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(pick("3"), pick("3"));
    assert_eq!(pick("3").len(), 2);
}

/// A loopback server speaking both OpenAI's and Anthropic's chat APIs: the
/// OpenAI side translates the few phrases of the fixture, the Anthropic side
/// echoes the last user message.
fn start_two_api_server() -> String {
    fn translate(prompt: &str) -> String {
        let known = [
            ("Hello world", "Bonjour le monde"),
            ("Where is the library?", "¿Dónde está la biblioteca?"),
            ("Good morning", "Guten Morgen"),
            ("Thank you very much", "Grazie mille"),
            ("Good night", "Boa noite"),
        ];
        known
            .iter()
            .find(|(en, _)| prompt.ends_with(en))
            .map_or_else(|| prompt.to_owned(), |(_, t)| (*t).to_owned())
    }
    fn last_user(body: &Value) -> String {
        let m = body["messages"]
            .as_array()
            .and_then(|m| m.iter().rev().find(|m| m["role"] == "user"));
        match m.map(|m| &m["content"]) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(parts)) => parts.iter().filter_map(|p| p["text"].as_str()).collect(),
            _ => String::new(),
        }
    }
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let app = axum::Router::new()
                .route(
                    "/v1/chat/completions",
                    axum::routing::post(|body: axum::Json<Value>| async move {
                        axum::Json(json!({
                            "model": body.0["model"],
                            "choices": [{"index": 0, "message": {"role": "assistant", "content": translate(&last_user(&body.0))}, "finish_reason": "stop"}],
                            "usage": {"prompt_tokens": 10, "completion_tokens": 5}
                        }))
                    }),
                )
                .route(
                    "/v1/messages",
                    axum::routing::post(|body: axum::Json<Value>| async move {
                        axum::Json(json!({
                            "id": "msg_1", "type": "message", "role": "assistant", "model": body.0["model"],
                            "content": [{"type": "text", "text": last_user(&body.0)}],
                            "stop_reason": "end_turn",
                            "usage": {"input_tokens": 10, "output_tokens": 5}
                        }))
                    }),
                );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{}", rx.recv().unwrap())
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// promptfoo's getting-started config and the native suite it is
/// equivalent to (fixtures of whet-eval's importer tests) give the same
/// verdict on every case when run against the same OpenAI- and
/// Anthropic-compatible servers.
#[test]
fn a_promptfoo_config_runs_like_its_native_suite() {
    let url = start_two_api_server();
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../whet-eval/tests/data/promptfoo/getting-started");
    copy_dir(&fixture, root);
    let native = root.join("native");
    let cfg = native.join("whet.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    let text = text
        .replace(
            "kind = \"openai\"\n",
            &format!("kind = \"openai\"\nbase_url = \"{url}/v1\"\n"),
        )
        .replace(
            "kind = \"anthropic\"\n",
            &format!("kind = \"anthropic\"\nbase_url = \"{url}\"\n"),
        );
    std::fs::write(&cfg, text).unwrap();

    let run = |args: &[&str]| -> Vec<Value> {
        let out = Command::cargo_bin("whet")
            .unwrap()
            .current_dir(&native)
            .env("NO_COLOR", "1")
            .env("OPENAI_API_KEY", "k")
            .env("ANTHROPIC_API_KEY", "k")
            .env("OPENAI_BASE_URL", format!("{url}/v1"))
            .env("ANTHROPIC_BASE_URL", &url)
            .env_remove("WHET_PROJECT")
            .env_remove("WHET_DATABASE_URL")
            .args(args)
            .output()
            .unwrap();
        // Some cases fail on an echo: exit 1, never 2.
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let id = v["run"]["id"].as_str().unwrap().to_owned();
        let out = whet(&native, &["runs", "export", &id, "-o", "r.jsonl"]);
        assert!(out.status.success(), "{}", stderr(&out));
        std::fs::read_to_string(native.join("r.jsonl"))
            .unwrap()
            .lines()
            .map(|l| {
                let r: Value = serde_json::from_str(l).unwrap();
                json!([
                    r["variant"],
                    r["case_key"],
                    r["output"],
                    r["pass"],
                    r["score"],
                    r["grades"].as_array().unwrap().len()
                ])
            })
            .collect()
    };
    let imported = run(&[
        "eval",
        "-c",
        "../promptfooconfig.yaml",
        "--json",
        "--cache",
        "off",
    ]);
    let own = run(&[
        "eval",
        "evals/getting-started.yaml",
        "--json",
        "--cache",
        "off",
    ]);
    assert!(imported.len() >= 8, "{imported:?}");
    assert_eq!(imported, own);
    assert!(own.iter().any(|r| r[3] == true) && own.iter().any(|r| r[3] == false));
}

#[test]
fn coverage_reports_the_intent_split_cells_that_have_cases() {
    let (url, _) = start_server(Duration::ZERO);
    let tmp = project(&url, 0);
    let dir = tmp.path();
    std::fs::write(
        dir.join("evals/routing.yaml"),
        r#"prompts: [echo]
coverage: {intents: [refund, card_lost]}
tests:
  - {vars: {message: a}, expected: refund, split: golden}
  - {vars: {message: b}, expected: refund, split: edge}
  - {vars: {message: c}, expected: refund, split: adversarial}
  - {vars: {message: d}, split: golden, tags: [card_lost]}
"#,
    )
    .unwrap();
    // echo.yaml declares no intents: skipped when suites are found, not named.
    let out = whet(dir, &["coverage", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("echo.yaml: no intents declared, skipped"));
    let named = whet(dir, &["coverage", "evals/echo.yaml"]);
    assert_eq!(named.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &v[0]["coverage"];
    assert_eq!(c["covered_cells"], 4);
    assert_eq!(c["total_cells"], 6);
    let missing: Vec<String> = c["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            format!(
                "{}/{}",
                m["intent"].as_str().unwrap(),
                m["split"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(missing, ["card_lost/edge", "card_lost/adversarial"]);
    let out = whet(dir, &["coverage", "evals/routing.yaml"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("coverage 67%"), "{text}");
    assert!(
        text.contains("missing: card_lost/edge, card_lost/adversarial"),
        "{text}"
    );
}
