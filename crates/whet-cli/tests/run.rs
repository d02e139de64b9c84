//! `whet run` end to end on the real binary: the response cache across
//! processes, repeats, JSON records, and a real OpenAI-compatible HTTP
//! server on loopback configured through whet.toml.

// Test helpers may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use assert_cmd::Command;
use serde_json::{Value, json};
use std::path::Path;
use std::sync::{Arc, Mutex};

fn whet(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut c = Command::cargo_bin("whet").unwrap();
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("WHET_PROJECT")
        .env_remove("WHET_DATABASE_URL");
    for (k, v) in env {
        c.env(k, v);
    }
    c.args(args).output().unwrap()
}

fn records(out: &std::process::Output) -> Vec<Value> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn project(extra_config: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let out = whet(tmp.path(), &["init", "--name", "t"], &[]);
    assert!(out.status.success());
    let cfg = tmp.path().join("whet.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(&cfg, format!("{text}\n{extra_config}\n")).unwrap();
    tmp
}

const ECHO: &str = r#"
[models.echo]
provider = "mock"
model = "echo"
price_input_per_mtok = 1.0
price_output_per_mtok = 2.0
"#;

#[test]
fn the_cache_answers_a_second_process_and_repeats_are_separate_samples() {
    let tmp = project(ECHO);
    let dir = tmp.path();
    let args = [
        "run",
        "support-reply",
        "--model",
        "echo",
        "--var",
        "message=Where is my card?",
        "--json",
    ];
    let first = records(&whet(dir, &args, &[]));
    assert_eq!(first.len(), 1);
    assert_eq!(first[0]["cache"], "miss");
    assert_eq!(
        first[0]["output"],
        "Customer: there\nMessage: Where is my card?"
    );
    assert!(first[0]["cost_usd"].as_f64().unwrap() > 0.0);
    let second = records(&whet(dir, &args, &[]));
    assert_eq!(second[0]["cache"], "hit");
    assert_eq!(second[0]["cost_usd"], 0.0);
    assert_eq!(second[0]["cost_saved_usd"], first[0]["cost_usd"]);
    assert_eq!(
        second[0]["usage"], first[0]["usage"],
        "a hit reports the original usage"
    );

    let mut repeat = args.to_vec();
    repeat.extend(["--repeat", "3"]);
    let samples = records(&whet(dir, &repeat, &[]));
    let caches: Vec<&str> = samples
        .iter()
        .map(|r| r["cache"].as_str().unwrap())
        .collect();
    assert_eq!(
        caches,
        ["hit", "miss", "miss"],
        "repeat 0 is the cached sample; 1 and 2 are new"
    );
    assert_eq!(
        samples
            .iter()
            .map(|r| r["repeat"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [0, 1, 2]
    );

    let mut off = args.to_vec();
    off.extend(["--cache", "off"]);
    assert_eq!(records(&whet(dir, &off, &[]))[0]["cache"], "bypass");

    // Human output: the answer on stdout, the footer on stderr.
    let out = whet(
        dir,
        &[
            "run",
            "support-reply",
            "--model",
            "echo",
            "--var",
            "message=hi",
        ],
        &[],
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Customer: there\nMessage: hi\n"
    );
    let footer = String::from_utf8_lossy(&out.stderr);
    assert!(
        footer.contains("support-reply (working copy) · echo (echo) ·")
            && footer.contains("tokens"),
        "{footer}"
    );
}

#[test]
fn unknown_alias_and_bad_cache_mode_are_clear_errors() {
    let tmp = project(ECHO);
    let out = whet(
        tmp.path(),
        &[
            "run",
            "support-reply",
            "--model",
            "ecko",
            "--var",
            "message=x",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `echo`?"));
    let out = whet(
        tmp.path(),
        &[
            "run",
            "support-reply",
            "--model",
            "echo",
            "--var",
            "message=x",
            "--cache",
            "sometimes",
        ],
        &[],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown cache mode `sometimes`"));
}

type Seen = Arc<Mutex<Vec<(String, Value)>>>;

/// A loopback OpenAI-compatible server answering every chat completion
/// with a fixed intent and recording what it received.
fn start_server() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let (tx, rx) = std::sync::mpsc::channel();
    let record = seen.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let app = axum::Router::new().route(
                "/v1/chat/completions",
                axum::routing::post(move |headers: axum::http::HeaderMap, body: axum::Json<Value>| {
                    let record = record.clone();
                    async move {
                        let auth = headers.get("authorization").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
                        record.lock().unwrap().push((auth, body.0));
                        axum::Json(json!({
                            "model": "served-model",
                            "choices": [{"index": 0, "message": {"role": "assistant", "content": "{\"intent\": \"card_arrival\"}"}, "finish_reason": "stop"}],
                            "usage": {"prompt_tokens": 100, "completion_tokens": 10}
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

#[test]
fn a_whet_toml_provider_reaches_an_openai_compatible_server() {
    let (url, seen) = start_server();
    let tmp = project(&format!(
        r#"
[providers.gateway]
kind = "openai"
base_url = "{url}"
api_key_env = "WHET_TEST_GATEWAY_KEY"
headers = {{ x-team = "support" }}

[models.remote]
provider = "gateway"
model = "gpt-test"
price_input_per_mtok = 0.5
price_output_per_mtok = 1.5
"#
    ));
    let dir = tmp.path();
    let args = [
        "run",
        "classify-intent",
        "--model",
        "remote",
        "--var",
        "message=my card has not arrived",
        "--json",
        "--cache",
        "off",
    ];
    let out = whet(dir, &args, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("set the environment variable WHET_TEST_GATEWAY_KEY"),
        "{err}"
    );
    assert!(
        seen.lock().unwrap().is_empty(),
        "nothing is sent without a key"
    );

    let rec = records(&whet(
        dir,
        &args,
        &[("WHET_TEST_GATEWAY_KEY", "sk-loopback-123456789")],
    ));
    assert_eq!(rec[0]["output"], "{\"intent\": \"card_arrival\"}");
    assert_eq!(rec[0]["model"], "served-model");
    // 100 in at $0.5/M + 10 out at $1.5/M
    assert!(
        (rec[0]["cost_usd"].as_f64().unwrap() - 0.000065).abs() < 1e-12,
        "{}",
        rec[0]["cost_usd"]
    );
    let got = seen.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    let (auth, body) = &got[0];
    assert_eq!(auth, "Bearer sk-loopback-123456789");
    assert_eq!(body["model"], "gpt-test");
    assert_eq!(body["temperature"], 0.0);
    assert_eq!(body["max_tokens"], 40);
    assert_eq!(
        body["messages"][1],
        json!({"role": "user", "content": "my card has not arrived"})
    );
    assert!(
        body["messages"][0]["content"]
            .as_str()
            .unwrap()
            .contains("- lost_or_stolen_card")
    );
    assert_eq!(body["response_format"]["type"], "json_schema");
    assert_eq!(
        body["response_format"]["json_schema"]["schema"]["required"],
        json!(["intent"])
    );
    // The key never reaches the store or the output.
    let db = std::fs::read(dir.join(".whet/whet.db")).unwrap_or_default();
    assert!(!String::from_utf8_lossy(&db).contains("sk-loopback"));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("sk-loopback"));
}

#[test]
fn the_embedded_local_model_answers_the_example_prompts() {
    let tmp = project("");
    let dir = tmp.path();
    // The scaffold's classify-intent prompt: JSON-Schema output on qwen2.5-coder-0.5b-instruct.
    let rec = records(&whet(
        dir,
        &[
            "run",
            "classify-intent",
            "--var",
            "message=I lost my card and I think someone is using it",
            "--json",
            "--cache",
            "off",
        ],
        &[],
    ));
    assert_eq!(rec[0]["model"], "qwen2.5-coder-0.5b-instruct");
    assert_eq!(rec[0]["provider"], "local");
    let answer: Value = serde_json::from_str(rec[0]["output"].as_str().unwrap())
        .expect("grammar-constrained output is JSON");
    assert_eq!(answer["intent"], "lost_or_stolen_card", "{answer}");
    assert_eq!(rec[0]["cost_usd"], 0.0);
    assert!(rec[0]["compute_s"].as_f64().unwrap() > 0.0);
    assert!(rec[0]["usage"]["input_tokens"].as_u64().unwrap() > 20);

    // Streaming on the tiny model: text arrives on stdout, the footer on stderr.
    let out = whet(
        dir,
        &[
            "run",
            "support-reply",
            "--model",
            "smol",
            "--var",
            "message=Where is my card?",
            "--stream",
        ],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).trim().len() > 5);
    assert!(String::from_utf8_lossy(&out.stderr).contains("smol (smollm2-135m-instruct)"));
}

#[test]
fn chat_keeps_the_conversation_across_turns() {
    let tmp = project("");
    let mut c = Command::cargo_bin("whet").unwrap();
    c.current_dir(tmp.path())
        .env("NO_COLOR", "1")
        .env_remove("WHET_PROJECT");
    c.args([
        "chat",
        "--temperature",
        "0",
        "--max-tokens",
        "30",
        "--system",
        "Answer in one short sentence.",
    ]);
    c.write_stdin("My name is Ana and I live in Lisbon.\n/reset\nHello\n/exit\nnever read\n");
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    // Two answers (one per user turn), the reset acknowledged, nothing after /exit.
    assert_eq!(err.matches(" out tokens").count(), 2, "{err}");
    assert!(err.contains("(conversation cleared)"));
    let turns: Vec<u64> = err
        .lines()
        .filter_map(|l| l.strip_prefix("── ")?.split(' ').next()?.parse().ok())
        .collect();
    // After /reset the second request starts again from the system message alone.
    assert!(
        turns[1] < turns[0] + 10,
        "history was not cleared: {turns:?}"
    );

    let mut c = Command::cargo_bin("whet").unwrap();
    c.current_dir(tmp.path())
        .env("NO_COLOR", "1")
        .env_remove("WHET_PROJECT");
    c.args(["chat", "--temperature", "0", "--max-tokens", "20"]);
    c.write_stdin("My name is Ana.\nWhat is my name? Answer with the name only.\n");
    let out = c.output().unwrap();
    let answers = String::from_utf8_lossy(&out.stdout);
    let second = answers
        .lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or_default();
    assert!(
        second.contains("Ana"),
        "the model did not see the first turn: {answers}"
    );
}
