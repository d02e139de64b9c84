#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The HTML report in a real browser: Debian's headless Chromium loads the
//! file from disk, runs its script, and dumps the DOM, its console and a
//! screenshot. The page must report itself ready with no errors, render
//! every case, keep hostile outputs as text, and compute the same word diff
//! as the `similar` crate.
//!
//! Chromium is a test dependency (`make deps` installs it); without it these
//! tests fail rather than skip.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use similar::{ChangeTag, TextDiff};
use whet_report::html;

use common::{IMG_INJECTION, SCRIPT_BREAKOUT, run};

const CHROMIUM: &str = "/usr/bin/chromium";
const SCREENSHOT_COPY: &str = "/tmp/whet-report-screenshot.png";

fn chromium() -> &'static str {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is not installed: run `make deps` (it installs the `chromium` package the HTML report test needs)"
    );
    CHROMIUM
}

/// What one headless run produced.
struct Browsed {
    dom: String,
    console_errors: Vec<String>,
}

/// Runs headless Chromium on `url` with `extra` flags, in its own profile
/// directory (tests run in parallel), killing it after a minute.
fn browse(dir: &Path, url: &str, extra: &[String]) -> Browsed {
    let profile = tempfile::tempdir_in(dir).unwrap();
    let mut cmd = Command::new(chromium());
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--virtual-time-budget=5000",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .args(extra)
    .arg(url)
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("start chromium");
    let deadline = Instant::now() + Duration::from_secs(60);
    // Drain both pipes on threads so a chatty browser cannot block.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).unwrap();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut s).unwrap();
        s
    });
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium exited with {status}");
            break;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("chromium did not finish within a minute on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let dom = out.join().unwrap();
    let log = err.join().unwrap();
    let console_errors = log
        .lines()
        .filter(|l| l.contains("CONSOLE") && (l.contains("ERROR") || l.contains("Uncaught")))
        .map(str::to_owned)
        .collect();
    Browsed {
        dom,
        console_errors,
    }
}

fn dump(dir: &Path, url: &str) -> Browsed {
    browse(dir, url, &["--dump-dom".to_owned()])
}

fn write_report(dir: &Path) -> PathBuf {
    let r = run();
    let path = dir.join("report.html");
    let file = fs_err::File::create(&path).unwrap();
    html::write(
        &r.meta,
        &r.summary,
        Some(&r.comparison),
        Some(&r.gate),
        r.results.clone(),
        file,
    )
    .unwrap();
    path
}

fn url(path: &Path, hash: &str) -> String {
    format!("file://{}{hash}", path.display())
}

/// The `<html>` start tag of a dumped DOM.
fn html_tag(dom: &str) -> &str {
    let start = dom.find("<html").expect("no <html> in the dump");
    &dom[start..start + dom[start..].find('>').unwrap()]
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    Some(&tag[start..start + tag[start..].find('"')?])
}

fn assert_ready(b: &Browsed) {
    let tag = html_tag(&b.dom);
    assert_eq!(
        attr(tag, "data-status"),
        Some("ready"),
        "page not ready: {tag}"
    );
    assert_eq!(
        attr(tag, "data-errors"),
        None,
        "page recorded errors: {tag}"
    );
    assert!(
        b.console_errors.is_empty(),
        "console errors: {:#?}",
        b.console_errors
    );
    assert!(
        attr(tag, "data-pwned").is_none(),
        "injected script ran: {tag}"
    );
}

/// Tokens deleted and inserted by a minimal word diff (words and runs of
/// whitespace are tokens, as in the page's script).
fn similar_counts(a: &str, b: &str) -> (usize, usize) {
    let diff = TextDiff::from_words(a, b);
    let mut counts = (0, 0);
    for c in diff.iter_all_changes() {
        match c.tag() {
            ChangeTag::Delete => counts.0 += 1,
            ChangeTag::Insert => counts.1 += 1,
            ChangeTag::Equal => {}
        }
    }
    counts
}

fn diff_counts(dom: &str) -> (usize, usize) {
    let start = dom
        .find("<pre class=\"diff\"")
        .expect("no diff in the dump");
    let tag = &dom[start..start + dom[start..].find('>').unwrap()];
    let n = |name| attr(tag, name).unwrap().parse::<usize>().unwrap();
    (n("data-del-tokens"), n("data-ins-tokens"))
}

#[test]
fn report_renders_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_report(dir.path());
    let r = run();

    let b = dump(dir.path(), &url(&path, ""));
    assert_ready(&b);
    assert_eq!(
        b.dom.matches("<tr data-case=\"").count(),
        12,
        "one matrix row per case"
    );
    assert!(b.dom.contains("12 of 12 cases"));
    assert!(
        !b.dom.contains("id=\"detail\" class=\"detail\">"),
        "no case open without a link"
    );

    // Open the case whose candidate output is an <img onerror> injection.
    let b = dump(dir.path(), &url(&path, "#case=4"));
    assert_ready(&b);
    assert!(
        !b.dom.to_lowercase().contains("<img"),
        "an output became an element"
    );
    assert!(
        b.dom.contains("&lt;img src=x onerror="),
        "the output is shown as text"
    );
    let out = |case: u64, v: u32| {
        r.results
            .iter()
            .find(|x| x.case == case && x.variant == v)
            .unwrap()
            .output
            .clone()
    };
    assert_eq!(out(4, 1), IMG_INJECTION);
    assert_eq!(diff_counts(&b.dom), similar_counts(&out(4, 0), &out(4, 1)));

    // The case whose output closes the script element.
    let b = dump(dir.path(), &url(&path, "#case=3"));
    assert_ready(&b);
    assert_eq!(out(3, 1), SCRIPT_BREAKOUT);
    assert!(
        b.dom
            .contains("&lt;/script&gt;&lt;script&gt;document.documentElement")
    );
    assert_eq!(diff_counts(&b.dom), similar_counts(&out(3, 0), &out(3, 1)));

    // Unicode, and a long text with a small change at the end.
    for case in [5, 6] {
        let b = dump(dir.path(), &url(&path, &format!("#case={case}")));
        assert_ready(&b);
        assert_eq!(
            diff_counts(&b.dom),
            similar_counts(&out(case, 0), &out(case, 1)),
            "case {case}"
        );
    }
    let b = dump(dir.path(), &url(&path, "#case=5"));
    assert!(b.dom.contains("日本語") && b.dom.contains("🚀"));
}

#[test]
fn screenshot_is_not_blank() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_report(dir.path());
    let shot = dir.path().join("report.png");
    let b = browse(
        dir.path(),
        &url(&path, ""),
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1400,1000".to_owned(),
            "--hide-scrollbars".to_owned(),
        ],
    );
    assert!(
        b.console_errors.is_empty(),
        "console errors: {:#?}",
        b.console_errors
    );
    let png = fs_err::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(
        png.len() > 10_000,
        "screenshot is {} bytes: blank?",
        png.len()
    );
    fs_err::copy(&shot, SCREENSHOT_COPY).unwrap();
}

/// The self-check can fail: a page whose data is broken says so.
#[test]
fn broken_page_reports_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_report(dir.path());
    let page = fs_err::read_to_string(&path).unwrap();
    let broken = page.replacen("{\"cases\":[", "{\"cases\":[{", 1);
    assert_ne!(broken, page);
    fs_err::write(&path, broken).unwrap();
    let b = dump(dir.path(), &url(&path, ""));
    let tag = html_tag(&b.dom);
    assert_eq!(attr(tag, "data-status"), Some("error"), "{tag}");
    assert!(
        attr(tag, "data-errors")
            .unwrap()
            .contains("initialization failed"),
        "{tag}"
    );
}

/// The console check can fail: a page that logs an error is caught.
#[test]
fn console_errors_are_caught() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("console.html");
    fs_err::write(
        &path,
        "<!DOCTYPE html><html><body><script>console.error('whet test error'); undefinedFunction();</script></body></html>",
    )
    .unwrap();
    let b = dump(dir.path(), &url(&path, ""));
    assert!(
        b.console_errors.iter().any(|l| l.contains("Uncaught")),
        "{:#?}",
        b.console_errors
    );
}
