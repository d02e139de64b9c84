#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `script` with real `sh` and `python3` processes: every verdict shape,
//! the case on stdin, the working folder, negation, thresholds, a timeout
//! that kills the whole process group, and failing scripts.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};
use whet_assert::AssertionSpec;
use whet_judge::{CaseInput, Graders, JudgeError, JudgedGrade};

async fn run(dir: &Path, a: Value, output: &str) -> Result<JudgedGrade, JudgeError> {
    let vars: Map<String, Value> =
        serde_json::from_value(json!({"city": "Paris", "n": 3})).unwrap();
    let expected = json!("Paris");
    let case = CaseInput {
        output,
        vars: &vars,
        expected: Some(&expected),
        prompt: "Capital of France?",
    };
    let graders = Graders::new().with_script_dir(dir);
    graders
        .grade(&AssertionSpec::from_json(&a).unwrap(), &case)
        .await
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[tokio::test]
async fn numbers_booleans_and_json_from_sh() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let g = run(d, json!({"type": "script", "value": "echo 0.25"}), "x")
        .await
        .unwrap();
    assert!(g.grade.pass, "a number above 0 passes without a threshold");
    assert_eq!(g.grade.score, 0.25);
    assert_eq!(g.grade.reason, "Script returned score 0.25");
    assert_eq!((g.samples, g.calls, g.agreement), (1, 0, None));
    let g = run(d, json!({"type": "script", "value": "echo 0"}), "x")
        .await
        .unwrap();
    assert!(!g.grade.pass);
    let g = run(
        d,
        json!({"type": "script", "value": "echo 0.25", "threshold": 0.5}),
        "x",
    )
    .await
    .unwrap();
    assert!(!g.grade.pass);
    let g = run(d, json!({"type": "script", "value": "echo false"}), "x")
        .await
        .unwrap();
    assert_eq!((g.grade.pass, g.grade.score), (false, 0.0));
    let json_verdict =
        r#"echo "starting"; echo '{"pass": true, "score": 0.4, "reason": "close enough"}'"#;
    let g = run(
        d,
        json!({"type": "script", "value": json_verdict, "metric": "m"}),
        "x",
    )
    .await
    .unwrap();
    assert_eq!((g.grade.pass, g.grade.score), (true, 0.4));
    assert_eq!(g.grade.reason, "close enough");
    assert_eq!(g.grade.metric.as_deref(), Some("m"));
}

#[tokio::test]
async fn python_reads_the_case_on_stdin_in_the_suite_folder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "grade.py",
        r#"import json, sys
case = json.load(sys.stdin)
ok = case["vars"]["city"] in case["output"] and case["expected"] == "Paris"
print(json.dumps({"pass": ok, "score": 1.0 if ok else 0.0,
                  "reason": "prompt was " + case["prompt"]}))
"#,
    );
    let argv = json!({"type": "script", "value": {"command": ["python3", "grade.py"]}});
    let g = run(d, argv.clone(), "It is Paris.").await.unwrap();
    assert!(g.grade.pass);
    assert_eq!(g.grade.reason, "prompt was Capital of France?");
    let g = run(d, argv, "It is Lyon.").await.unwrap();
    assert!(!g.grade.pass);

    write(d, "bool.py", "print(len(input()) > 0)\n");
    let g = run(
        d,
        json!({"type": "script", "value": "python3 bool.py"}),
        "x",
    )
    .await
    .unwrap();
    assert_eq!((g.grade.pass, g.grade.score), (true, 1.0));
}

#[tokio::test]
async fn not_inverts_the_verdict_and_the_score() {
    let dir = tempfile::tempdir().unwrap();
    let g = run(
        dir.path(),
        json!({"type": "not-script", "value": "echo 0.8"}),
        "x",
    )
    .await
    .unwrap();
    assert!(!g.grade.pass);
    assert!((g.grade.score - 0.2).abs() < 1e-12);
    let g = run(
        dir.path(),
        json!({"type": "not-script", "value": "echo false"}),
        "x",
    )
    .await
    .unwrap();
    assert_eq!((g.grade.pass, g.grade.score), (true, 1.0));
}

#[tokio::test]
async fn a_timeout_kills_the_whole_process_group() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The shell starts a background sleeper, records its pid, then waits.
    let a = json!({"type": "script", "value": {
        "command": "sleep 30 & echo $! > sleeper.pid; wait",
        "timeout_s": 0.5,
    }});
    let started = Instant::now();
    let err = run(d, a, "x").await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(matches!(err, JudgeError::ScriptTimeout { .. }), "{err:?}");
    assert!(err.to_string().contains("0.5 s"), "{err}");
    let pid = std::fs::read_to_string(d.join("sleeper.pid")).unwrap();
    let proc_dir = Path::new("/proc").join(pid.trim());
    // The kill is asynchronous: give the kernel a moment to reap.
    let deadline = Instant::now() + Duration::from_secs(5);
    while alive(&proc_dir) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        !alive(&proc_dir),
        "the background sleep {} survived",
        pid.trim()
    );
}

/// Whether a process exists and is not a zombie waiting to be reaped.
fn alive(proc_dir: &Path) -> bool {
    std::fs::read_to_string(proc_dir.join("stat"))
        .map(|stat| {
            let state = stat.rsplit(')').next().unwrap_or("").trim_start();
            !state.starts_with('Z')
        })
        .unwrap_or(false)
}

#[tokio::test]
async fn failures_are_errors_with_the_end_of_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let failing = r#"for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo "line $i" >&2; done; exit 3"#;
    let err = run(d, json!({"type": "script", "value": failing}), "x")
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, JudgeError::ScriptFailed { .. }), "{err:?}");
    assert!(text.contains("exit status 3"), "{text}");
    assert!(
        text.contains("line 12") && text.contains("line 3"),
        "{text}"
    );
    assert!(
        !text.contains("line 2\n"),
        "only the last ten lines: {text}"
    );

    write(d, "crash.py", "raise ValueError('bad grader')\n");
    let err = run(
        d,
        json!({"type": "script", "value": "python3 crash.py"}),
        "x",
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("ValueError: bad grader"), "{err}");

    let err = run(d, json!({"type": "script", "value": "echo 7"}), "x")
        .await
        .unwrap_err();
    assert!(matches!(err, JudgeError::ScriptOutput { .. }), "{err:?}");
    assert!(err.to_string().contains("not in [0, 1]"), "{err}");
    let err = run(
        d,
        json!({"type": "script", "value": "echo looks good"}),
        "x",
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("looks good"), "{err}");

    let missing = json!({"type": "script", "value": {"command": ["./no-such-grader"]}});
    let err = run(d, missing, "x").await.unwrap_err();
    assert!(matches!(err, JudgeError::ScriptSpawn { .. }), "{err:?}");
}

#[tokio::test]
async fn a_script_that_ignores_its_input_still_grades() {
    let dir = tempfile::tempdir().unwrap();
    let big = "word ".repeat(200_000);
    let g = run(
        dir.path(),
        json!({"type": "script", "value": "echo 1"}),
        &big,
    )
    .await
    .unwrap();
    assert!(g.grade.pass);
}

#[tokio::test]
async fn an_empty_script_dir_means_the_working_directory() {
    let vars = Map::new();
    let case = CaseInput {
        output: "x",
        vars: &vars,
        expected: None,
        prompt: "",
    };
    // What `Path::new("suite.yaml").parent()` gives.
    let graders = Graders::new().with_script_dir("");
    let spec = AssertionSpec::from_json(&json!({"type": "script", "value": "echo true"})).unwrap();
    assert!(graders.grade(&spec, &case).await.unwrap().grade.pass);
}
