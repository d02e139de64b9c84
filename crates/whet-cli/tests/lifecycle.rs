//! End to end, on the real binary in a temporary git repository: init,
//! release, edit, release, label, roll back, render what a label serves,
//! and the files, tags and history that leaves behind.

// Test helpers may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use assert_cmd::Command;
use std::path::Path;
use std::process::Output;

fn whet(dir: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("whet")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("WHET_PROJECT")
        .env_remove("WHET_AUTHOR")
        .args(args)
        .output()
        .unwrap()
}

#[track_caller]
fn ok(dir: &Path, args: &[&str]) -> String {
    let out = whet(dir, args);
    assert!(
        out.status.success(),
        "whet {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[track_caller]
fn fails(dir: &Path, args: &[&str], code: i32) -> String {
    let out = whet(dir, args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "whet {args:?}: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr).unwrap()
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn git_project() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git(dir, &["init", "-q"]);
    git(dir, &["config", "user.name", "Ada Lovelace"]);
    git(dir, &["config", "user.email", "ada@example.com"]);
    ok(dir, &["init", "--name", "shop"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "scaffold"]);
    tmp
}

const PARTIAL: &str = "prompts/_partials/brand_voice.j2";

#[test]
fn release_label_rollback_and_render_by_label() {
    let tmp = git_project();
    let dir = tmp.path();
    ok(dir, &["prompt", "lint"]);

    let out = ok(
        dir,
        &[
            "prompt",
            "release",
            "support-reply",
            "--bump",
            "major",
            "-m",
            "First version",
        ],
    );
    assert!(out.contains("support-reply@1.0.0"), "{out}");

    // Edit a partial the prompt includes: that changes the prompt's content.
    let voice = std::fs::read_to_string(dir.join(PARTIAL)).unwrap();
    std::fs::write(
        dir.join(PARTIAL),
        voice.replace("calm, competent", "warm, upbeat"),
    )
    .unwrap();
    let lint = whet(dir, &["prompt", "lint"]);
    assert!(String::from_utf8_lossy(&lint.stderr).contains("content changed since release 1.0.0"));

    let diff = ok(
        dir,
        &["prompt", "diff", "support-reply@1.0.0", "support-reply"],
    );
    assert!(
        diff.contains("-Write like a calm, competent colleague"),
        "{diff}"
    );
    assert!(
        diff.contains("+Write like a warm, upbeat colleague"),
        "{diff}"
    );

    ok(
        dir,
        &[
            "prompt",
            "release",
            "support-reply",
            "--bump",
            "minor",
            "-m",
            "Warmer voice",
            "--evidence",
            "run-42",
        ],
    );
    // Releasing unchanged content is refused.
    let err = fails(
        dir,
        &[
            "prompt",
            "release",
            "support-reply",
            "--bump",
            "patch",
            "-m",
            "again",
        ],
        2,
    );
    assert!(err.contains("nothing to release"), "{err}");

    // Protected label without --yes is refused and records nothing.
    let err = fails(
        dir,
        &["prompt", "label", "support-reply", "production", "1.1.0"],
        2,
    );
    assert!(err.contains("protected"), "{err}");
    ok(
        dir,
        &[
            "prompt",
            "label",
            "support-reply",
            "production",
            "1.0.0",
            "--yes",
            "-m",
            "launch",
        ],
    );
    ok(
        dir,
        &[
            "prompt",
            "label",
            "support-reply",
            "production",
            "1.1.0",
            "--yes",
            "-m",
            "promote",
        ],
    );
    ok(
        dir,
        &["prompt", "label", "support-reply", "staging", "1.1.0"],
    );
    ok(
        dir,
        &[
            "prompt",
            "rollback",
            "support-reply",
            "production",
            "--yes",
            "-m",
            "tone complaints",
        ],
    );

    let rendered = ok(
        dir,
        &[
            "prompt",
            "render",
            "support-reply:production",
            "--var",
            "message=Where is my card?",
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&rendered).unwrap();
    assert_eq!(v["version"], "1.0.0");
    let system = v["messages"][0]["content"].as_str().unwrap();
    assert!(system.contains("calm, competent"), "{system}");
    assert!(!system.contains("warm, upbeat"));
    assert_eq!(
        v["messages"][3]["content"],
        "Customer: there\nMessage: Where is my card?"
    );
    let staging = ok(
        dir,
        &[
            "prompt",
            "render",
            "support-reply:staging",
            "--var",
            "message=x",
        ],
    );
    assert!(staging.contains("warm, upbeat"), "{staging}");

    // Released versions load without the working tree: delete the partial.
    std::fs::remove_file(dir.join(PARTIAL)).unwrap();
    let old = ok(
        dir,
        &[
            "prompt",
            "render",
            "support-reply@1.0.0",
            "--var",
            "message=x",
        ],
    );
    assert!(old.contains("calm, competent"));
    git(dir, &["checkout", "--", PARTIAL]);

    // Tags, one commit per release, changelog newest first.
    let tags = git(dir, &["tag", "--list"]);
    assert_eq!(
        tags.lines().collect::<Vec<_>>(),
        ["prompt/support-reply/v1.0.0", "prompt/support-reply/v1.1.0"]
    );
    let tagged = git(
        dir,
        &[
            "show",
            "--stat",
            "--format=%s",
            "prompt/support-reply/v1.1.0",
        ],
    );
    assert!(
        tagged.contains("prompts/.releases/support-reply/1.1.0.toml"),
        "{tagged}"
    );
    let changelog =
        std::fs::read_to_string(dir.join("prompts/.releases/support-reply/CHANGELOG.md")).unwrap();
    let (new, old) = (
        changelog.find("## 1.1.0").unwrap(),
        changelog.find("## 1.0.0").unwrap(),
    );
    assert!(new < old, "{changelog}");
    assert!(changelog.contains("Warmer voice") && changelog.contains("- evidence: run-42"));
    assert!(changelog.contains("Ada Lovelace <ada@example.com>"));

    // The label history is append-only and `log --json` shows it.
    let log: serde_json::Value =
        serde_json::from_str(&ok(dir, &["prompt", "log", "support-reply", "--json"])).unwrap();
    let history = log["label_history"].as_array().unwrap();
    let moves: Vec<(String, String, String, String)> = history
        .iter()
        .map(|e| {
            (
                e["label"].as_str().unwrap().to_owned(),
                e["action"].as_str().unwrap().to_owned(),
                e["from"].as_str().unwrap_or("-").to_owned(),
                e["to"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expect = |l: &str, a: &str, f: &str, t: &str| {
        (l.to_owned(), a.to_owned(), f.to_owned(), t.to_owned())
    };
    assert_eq!(
        moves,
        vec![
            expect("production", "move", "-", "1.0.0"),
            expect("production", "move", "1.0.0", "1.1.0"),
            expect("staging", "move", "-", "1.1.0"),
            expect("production", "rollback", "1.1.0", "1.0.0"),
        ]
    );
    assert_eq!(history[3]["why"], "tone complaints");
    assert_eq!(history[3]["by"], "Ada Lovelace <ada@example.com>");
    assert_eq!(log["labels"]["production"], "1.0.0");
    assert_eq!(log["releases"][0]["version"], "1.1.0");

    // Rolling back again has nowhere to go.
    let err = fails(
        dir,
        &["prompt", "rollback", "support-reply", "production", "--yes"],
        2,
    );
    assert!(err.contains("no earlier version"), "{err}");
    ok(dir, &["prompt", "lint"]);
}

#[test]
fn editing_a_release_file_is_caught() {
    let tmp = git_project();
    let dir = tmp.path();
    ok(
        dir,
        &[
            "prompt",
            "release",
            "classify-intent",
            "--set-version",
            "1.0.0",
            "-m",
            "v1",
            "--no-git",
        ],
    );
    assert_eq!(git(dir, &["tag", "--list"]), "", "--no-git must not tag");
    let snap = dir.join("prompts/.releases/classify-intent/1.0.0.toml");
    let text = std::fs::read_to_string(&snap).unwrap();
    std::fs::write(
        &snap,
        text.replace("You route messages", "You happily route messages"),
    )
    .unwrap();
    let err = fails(dir, &["prompt", "lint"], 1);
    assert!(
        err.contains("release 1.0.0 of `classify-intent` was modified after release"),
        "{err}"
    );
    let err = fails(
        dir,
        &[
            "prompt",
            "render",
            "classify-intent@1.0.0",
            "--var",
            "message=x",
        ],
        2,
    );
    assert!(err.contains("modified after release"), "{err}");
}

#[test]
fn render_reports_variable_problems_clearly() {
    let tmp = git_project();
    let dir = tmp.path();
    let err = fails(dir, &["prompt", "render", "support-reply"], 2);
    assert!(err.contains("missing required variable `message` (The customer's message, verbatim): pass --var message=..."), "{err}");
    let err = fails(
        dir,
        &[
            "prompt",
            "render",
            "support-reply",
            "--var",
            "mesage=hi",
            "--var",
            "message=x",
        ],
        2,
    );
    assert!(
        err.contains("unknown variable `mesage`; did you mean `message`?"),
        "{err}"
    );
    let err = fails(
        dir,
        &[
            "prompt",
            "render",
            "classify-intent",
            "--var",
            "message=x",
            "--var",
            "intents=card",
        ],
        2,
    );
    assert!(
        err.contains("variable `intents` is a list: give it as JSON"),
        "{err}"
    );
    std::fs::write(
        dir.join("vars.yaml"),
        "message: Lost my card\nintents: [lost_or_stolen_card, card_arrival]\n",
    )
    .unwrap();
    let out = ok(
        dir,
        &[
            "prompt",
            "render",
            "classify-intent",
            "--vars-file",
            "vars.yaml",
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["messages"][1]["content"], "Lost my card");
    assert!(
        v["messages"][0]["content"]
            .as_str()
            .unwrap()
            .contains("- lost_or_stolen_card\n- card_arrival")
    );
    let err = fails(
        dir,
        &["prompt", "render", "support-replly", "--var", "message=x"],
        2,
    );
    assert!(
        err.contains("no prompt named `support-replly`; did you mean `support-reply`?"),
        "{err}"
    );
    let err = fails(dir, &["prompt", "render", "support-reply:production"], 2);
    assert!(err.contains("has no label `production`"), "{err}");
}

#[test]
fn init_refuses_to_overwrite_and_completions_print() {
    let tmp = git_project();
    let err = fails(tmp.path(), &["init"], 2);
    assert!(err.contains("init never overwrites"), "{err}");
    let bash = ok(tmp.path(), &["completions", "bash"]);
    assert!(
        bash.contains("_whet") && bash.contains("rollback"),
        "completion script lacks commands"
    );
}
