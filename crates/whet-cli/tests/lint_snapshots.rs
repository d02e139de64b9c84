//! Every bad prompt file under `data/lint/prompts/` produces diagnostics
//! with `file:line:col`, the offending span and a hint; snapshots record the
//! exact output users see.

// Test helpers may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use assert_cmd::Command;
use std::path::Path;

fn lint(file: &Path) -> (i32, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lint");
    let rel = file.strip_prefix(&root).unwrap();
    let out = Command::cargo_bin("whet")
        .unwrap()
        .current_dir(&root)
        .env("NO_COLOR", "1")
        .env_remove("WHET_PROJECT")
        .args(["prompt", "lint"])
        .arg(rel)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    (out.status.code().unwrap(), text)
}

#[test]
fn bad_prompt_files_get_located_diagnostics_with_hints() {
    insta::glob!("data/lint/prompts/*.toml", |path| {
        let name = path.file_stem().unwrap().to_str().unwrap();
        let (code, output) = lint(path);
        match name {
            "good" => assert_eq!(code, 0, "{output}"),
            // A warning alone does not fail lint.
            "unused-variable" => {
                assert_eq!(code, 0, "{output}");
                assert!(output.contains("⚠"), "{output}");
            }
            _ => {
                assert_eq!(code, 1, "{name} should fail lint:\n{output}");
                let located = format!("[prompts/{name}.toml:");
                assert!(
                    output.contains(&located),
                    "{name}: no file:line:col in\n{output}"
                );
            }
        }
        if name != "good" {
            assert!(
                output.contains("help:") || output.contains("╰──"),
                "{name}: no hint or label in\n{output}"
            );
        }
        insta::assert_snapshot!(format!("exit code: {code}\n{output}"));
    });
}

#[test]
fn lint_json_reports_line_and_column() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lint");
    let out = Command::cargo_bin("whet")
        .unwrap()
        .current_dir(&root)
        .args(["prompt", "lint", "--json", "prompts/unknown-role.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "unknown-role");
    assert_eq!(d["line"], 6);
    assert_eq!(d["column"], 8);
    assert_eq!(
        d["help"],
        "did you mean `system`? Roles: system, user, assistant"
    );
}

#[test]
fn linting_the_whole_fixture_project_reports_every_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lint");
    let out = Command::cargo_bin("whet")
        .unwrap()
        .current_dir(&root)
        .args(["prompt", "lint", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = v["files"].as_array().unwrap().len();
    let on_disk = std::fs::read_dir(root.join("prompts"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "toml")
        })
        .count();
    // whet.toml plus every prompt file.
    assert_eq!(files, on_disk + 1);
    assert!(v["errors"].as_u64().unwrap() >= 20, "{v}");
}
