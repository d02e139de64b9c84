//! The little of git the release lifecycle needs: who the author is, and
//! committing and tagging a release. Everything goes through the `git`
//! command, so the user's own configuration (signing, hooks) applies.

use std::path::{Path, PathBuf};
use std::process::Command;
use thiserror::Error;

/// A git command that failed, with what it printed.
#[derive(Debug, Error)]
#[error("`git {args}` failed: {stderr}")]
pub struct GitError {
    /// The arguments.
    pub args: String,
    /// Its stderr, trimmed.
    pub stderr: String,
}

fn git(dir: &Path, args: &[&str]) -> Result<String, GitError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| GitError {
            args: args.join(" "),
            stderr: format!("cannot run git: {e}"),
        })?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    } else {
        Err(GitError {
            args: args.join(" "),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        })
    }
}

/// The top of the git work tree holding `dir`, if any.
pub fn work_tree(dir: &Path) -> Option<PathBuf> {
    git(dir, &["rev-parse", "--show-toplevel"])
        .ok()
        .map(PathBuf::from)
}

/// `Name <email>` from git config, else `$USER`, else "unknown".
pub fn author(dir: &Path) -> String {
    let name = git(dir, &["config", "user.name"])
        .ok()
        .filter(|s| !s.is_empty());
    let email = git(dir, &["config", "user.email"])
        .ok()
        .filter(|s| !s.is_empty());
    match (name, email) {
        (Some(n), Some(e)) => format!("{n} <{e}>"),
        (Some(n), None) => n,
        (None, Some(e)) => e,
        (None, None) => std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned()),
    }
}

/// The tag name of a release.
pub fn release_tag(name: &str, version: &semver::Version) -> String {
    format!("prompt/{name}/v{version}")
}

/// Commits exactly `paths` (leaving anything else staged alone) and puts an
/// annotated `tag` on that commit.
pub fn commit_and_tag(
    dir: &Path,
    paths: &[PathBuf],
    message: &str,
    tag: &str,
) -> Result<(), GitError> {
    let paths: Vec<String> = paths
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let mut add = vec!["add", "--"];
    add.extend(paths.iter().map(String::as_str));
    git(dir, &add)?;
    let mut commit = vec!["commit", "--quiet", "-m", message, "--only", "--"];
    commit.extend(paths.iter().map(String::as_str));
    git(dir, &commit)?;
    git(dir, &["tag", "-a", tag, "-m", message]).map_err(|e| GitError {
        stderr: format!("committed the release, but could not tag it: {}", e.stderr),
        ..e
    })?;
    Ok(())
}

/// Tags names matching `prompt/NAME/v*`.
pub fn release_tags(dir: &Path, name: &str) -> Vec<String> {
    git(dir, &["tag", "--list", &format!("prompt/{name}/v*")])
        .map(|s| s.lines().map(str::to_owned).collect())
        .unwrap_or_default()
}
