//! `script`: a command grades the case. It gets the case as JSON on stdin
//! and prints its verdict on stdout; it runs in its own process group, which
//! is killed whole when the timeout fires.

use std::path::Path;
use std::process::{ExitStatus, Stdio};

use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

use crate::error::{JudgeError, clip};
use crate::parse;
use crate::spec::{Command, Script};

/// What a script said.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Verdict {
    /// `pass`, when the script gave one (a boolean or a JSON `pass`).
    pub(crate) pass: Option<bool>,
    /// `score`, when the script gave one (a number or a JSON `score`).
    pub(crate) score: Option<f64>,
    /// A JSON `reason`, when given.
    pub(crate) reason: Option<String>,
}

/// Runs `script` in `dir` with `input` on stdin and reads its verdict.
pub(crate) async fn run(script: &Script, dir: &Path, input: &Value) -> Result<Verdict, JudgeError> {
    let shown = script.command.display();
    let mut cmd = match &script.command {
        Command::Shell(text) => {
            let mut c = tokio::process::Command::new("sh");
            c.arg("-c").arg(text);
            c
        }
        Command::Argv(argv) => {
            let (program, args) = argv.split_first().map_or(("", &[][..]), |(p, a)| (p, a));
            let mut c = tokio::process::Command::new(program);
            c.args(args);
            c
        }
    };
    cmd.current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    #[cfg(unix)]
    cmd.process_group(0);
    let mut child = cmd.spawn().map_err(|source| JudgeError::ScriptSpawn {
        command: shown.clone(),
        source,
    })?;
    let pid = child.id();
    let stdin = child.stdin.take();
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let body = input.to_string();
    let io = async {
        let feed = async {
            if let Some(mut stdin) = stdin {
                // A script that does not read its input closes the pipe
                // early: that is its right, not an error.
                let _ = stdin.write_all(body.as_bytes()).await;
            }
        };
        let ((), out, err, status) =
            tokio::join!(feed, read_all(stdout), read_all(stderr), child.wait());
        (out, err, status)
    };
    let finished = tokio::time::timeout(script.timeout, io).await;
    let Ok((out, err, status)) = finished else {
        kill_group(pid);
        let _ = child.start_kill();
        let _ = child.wait().await;
        return Err(JudgeError::ScriptTimeout {
            command: shown,
            seconds: script.timeout.as_secs_f64(),
        });
    };
    let status = status.map_err(|source| JudgeError::ScriptSpawn {
        command: shown.clone(),
        source,
    })?;
    if !status.success() {
        return Err(JudgeError::ScriptFailed {
            command: shown,
            status: describe(status),
            stderr: tail(&err, 10),
        });
    }
    verdict(&out).map_err(|message| JudgeError::ScriptOutput {
        command: shown,
        message,
        stdout: clip(&out, 400),
    })
}

async fn read_all(pipe: Option<impl AsyncRead + Unpin>) -> String {
    let mut bytes = Vec::new();
    if let Some(mut pipe) = pipe {
        let _ = pipe.read_to_end(&mut bytes).await;
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Kills the script's whole process group, so that what a shell started
/// (a `sleep`, a Python child) dies with it instead of running on.
#[cfg(unix)]
fn kill_group(pid: Option<u32>) {
    use nix::sys::signal::{Signal, killpg};
    use nix::unistd::Pid;
    if let Some(pid) = pid.and_then(|p| i32::try_from(p).ok())
        && let Err(e) = killpg(Pid::from_raw(pid), Signal::SIGKILL)
    {
        tracing::debug!(pid, error = %e, "killing the script's process group");
    }
}

#[cfg(not(unix))]
fn kill_group(_pid: Option<u32>) {}

fn describe(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit status {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("killed by signal {signal}");
        }
    }
    status.to_string()
}

/// The last `n` non-empty lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let start = lines.len().saturating_sub(n);
    if lines.is_empty() {
        return "(nothing)".to_owned();
    }
    lines[start..].join("\n")
}

/// Reads stdout: the whole of it, else its last non-empty line (so a script
/// may log before it prints its verdict).
pub(crate) fn verdict(stdout: &str) -> Result<Verdict, String> {
    let whole = stdout.trim();
    if whole.is_empty() {
        return Err("it printed nothing".to_owned());
    }
    if let Some(v) = read(whole) {
        return v;
    }
    match whole.lines().rev().map(str::trim).find(|l| !l.is_empty()) {
        Some(last) if last != whole => {
            read(last).unwrap_or_else(|| Err("the output is not a verdict".to_owned()))
        }
        _ => Err("the output is not a verdict".to_owned()),
    }
}

/// `Some(Ok)` for a verdict, `Some(Err)` for a verdict-shaped text with a
/// bad value, `None` for text that is no verdict at all.
fn read(text: &str) -> Option<Result<Verdict, String>> {
    match text {
        "true" | "True" | "TRUE" => return Some(Ok(boolean(true))),
        "false" | "False" | "FALSE" => return Some(Ok(boolean(false))),
        _ => {}
    }
    if let Ok(x) = text.parse::<f64>() {
        return Some(score(x).map(|s| Verdict {
            pass: None,
            score: Some(s),
            reason: None,
        }));
    }
    if !text.starts_with('{') {
        return None;
    }
    let map = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => map,
        _ => return None,
    };
    let pass = parse::boolean(&map, "pass");
    let raw_score = parse::number(&map, "score");
    if pass.is_none() && raw_score.is_none() {
        return Some(Err(
            "the JSON object has neither a boolean `pass` nor a numeric `score`".to_owned(),
        ));
    }
    let reason = Some(parse::text(&map, "reason")).filter(|r| !r.is_empty());
    Some(raw_score.map(score).transpose().map(|score| Verdict {
        pass,
        score,
        reason,
    }))
}

fn boolean(pass: bool) -> Verdict {
    Verdict {
        pass: Some(pass),
        score: None,
        reason: None,
    }
}

fn score(x: f64) -> Result<f64, String> {
    if x.is_finite() && (0.0..=1.0).contains(&x) {
        Ok(x)
    } else {
        Err(format!("the score {x} is not in [0, 1]"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Verdict {
        verdict(s).unwrap()
    }

    #[test]
    fn verdicts_in_every_shape() {
        assert_eq!(ok("0.25\n").score, Some(0.25));
        assert_eq!(ok("True").pass, Some(true));
        assert_eq!(ok("false").pass, Some(false));
        let v = ok(r#"{"pass": false, "score": 0.5, "reason": "too long"}"#);
        assert_eq!(
            v,
            Verdict {
                pass: Some(false),
                score: Some(0.5),
                reason: Some("too long".into())
            }
        );
        assert_eq!(ok("loading model...\nchecking\n1").score, Some(1.0));
    }

    #[test]
    fn non_verdicts_are_errors() {
        assert!(verdict("").unwrap_err().contains("nothing"));
        assert!(verdict("7").unwrap_err().contains("not in [0, 1]"));
        assert!(verdict("ok").unwrap_err().contains("not a verdict"));
        assert!(
            verdict(r#"{"reason": "x"}"#)
                .unwrap_err()
                .contains("neither")
        );
        assert!(verdict("NaN").is_err());
    }

    #[test]
    fn tail_keeps_the_last_lines() {
        assert_eq!(tail("a\n\nb\nc\n", 2), "b\nc");
        assert_eq!(tail("", 2), "(nothing)");
    }
}
