//! Several whet processes changing the same prompt at once: one release
//! wins, the others get a clear error, and every file stays valid.

// Test helpers may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Child, Command, Stdio};

fn whet_cmd(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("whet"));
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("WHET_AUTHOR", "racer")
        .env_remove("WHET_PROJECT")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

fn project() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        assert!(
            Command::new("git")
                .current_dir(tmp.path())
                .args(args)
                .status()
                .unwrap()
                .success()
        )
    };
    git(&["init", "-q"]);
    git(&["config", "user.name", "Racer"]);
    git(&["config", "user.email", "racer@example.com"]);
    assert!(whet_cmd(tmp.path(), &["init"]).status().unwrap().success());
    git(&["add", "-A"]);
    git(&["commit", "-qm", "scaffold"]);
    tmp
}

#[test]
fn concurrent_releases_of_one_prompt_let_exactly_one_win() {
    for round in 0..3 {
        let tmp = project();
        let dir = tmp.path();
        let children: Vec<Child> = (0..4)
            .map(|i| {
                whet_cmd(
                    dir,
                    &[
                        "prompt",
                        "release",
                        "support-reply",
                        "--bump",
                        "major",
                        "-m",
                        &format!("racer {i}"),
                    ],
                )
                .spawn()
                .unwrap()
            })
            .collect();
        let outputs: Vec<_> = children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect();
        let winners = outputs.iter().filter(|o| o.status.success()).count();
        assert_eq!(winners, 1, "round {round}: exactly one release must win");
        for o in outputs.iter().filter(|o| !o.status.success()) {
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{err}");
            assert!(
                err.contains("nothing to release") || err.contains("another whet process"),
                "unclear loser error: {err}"
            );
        }
        let releases = dir.join("prompts/.releases/support-reply");
        let snapshots: Vec<_> = std::fs::read_dir(&releases)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        assert_eq!(snapshots, ["1.0.0.toml"]);
        let changelog = std::fs::read_to_string(releases.join("CHANGELOG.md")).unwrap();
        assert_eq!(changelog.matches("## 1.0.0").count(), 1, "{changelog}");
        // No temporary files left behind, and everything still lints clean.
        assert!(std::fs::read_dir(&releases).unwrap().all(|e| {
            !e.unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".whet-tmp")
        }));
        let lint = whet_cmd(dir, &["prompt", "lint"]).output().unwrap();
        assert!(
            lint.status.success(),
            "{}",
            String::from_utf8_lossy(&lint.stderr)
        );
    }
}

#[test]
fn concurrent_label_moves_all_land_in_the_history() {
    let tmp = project();
    let dir = tmp.path();
    for (bump, msg) in [("major", "one"), ("minor", "two")] {
        if msg == "two" {
            let p = dir.join("prompts/_partials/brand_voice.j2");
            let text = std::fs::read_to_string(&p).unwrap();
            std::fs::write(&p, format!("{text}Smile.\n")).unwrap();
        }
        let out = whet_cmd(
            dir,
            &[
                "prompt",
                "release",
                "support-reply",
                "--bump",
                bump,
                "-m",
                msg,
            ],
        )
        .output()
        .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let children: Vec<Child> = (0..8)
        .map(|i| {
            let version = if i % 2 == 0 { "1.0.0" } else { "1.1.0" };
            whet_cmd(
                dir,
                &[
                    "prompt",
                    "label",
                    "support-reply",
                    &format!("canary-{i}"),
                    version,
                ],
            )
            .spawn()
            .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let history =
        std::fs::read_to_string(dir.join("prompts/.releases/support-reply/labels.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = history
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 8);
    let mut labels: Vec<_> = lines
        .iter()
        .map(|l| l["label"].as_str().unwrap().to_owned())
        .collect();
    labels.sort();
    assert_eq!(
        labels,
        (0..8).map(|i| format!("canary-{i}")).collect::<Vec<_>>()
    );
}
