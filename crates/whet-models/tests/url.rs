//! `pull_url` and URL specs against a real HTTP server on loopback.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use sha2::{Digest, Sha256};
use whet_models::{Error, ModelOrigin, ModelStore, NoProgress, Phase, ProgressUpdate};

/// A model-ish body: GGUF magic and some bytes, larger than one read buffer.
fn body() -> Vec<u8> {
    let mut data = b"GGUF\x03\0\0\0".to_vec();
    data.extend((0..3_000_000u32).map(|i| (i % 251) as u8));
    data
}

fn sha256(data: &[u8]) -> String {
    format!("{:x}", Sha256::digest(data))
}

/// A tiny HTTP/1.1 server: `/model.gguf` serves `body`, `/truncated.gguf`
/// promises more than it sends, everything else is 404. Counts requests.
struct Server {
    base: String,
    hits: Arc<AtomicUsize>,
}

fn serve(body: Vec<u8>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    let body = Arc::new(body);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            counter.fetch_add(1, Ordering::SeqCst);
            let body = Arc::clone(&body);
            std::thread::spawn(move || respond(stream, &body));
        }
    });
    Server { base, hits }
}

fn respond(mut stream: TcpStream, body: &[u8]) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    reader.read_line(&mut request_line).unwrap();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
            break;
        }
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let (status, payload, length): (&str, &[u8], usize) = match path {
        "/model.gguf" => ("200 OK", body, body.len()),
        "/truncated.gguf" => ("200 OK", &body[..1000], body.len()),
        _ => ("404 Not Found", b"not found", 9),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {length}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n"
    );
    // The client may hang up early (e.g. on 404); that is fine.
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(payload);
    let _ = stream.flush();
}

/// Nothing but empty bookkeeping directories may be left in the store.
fn assert_nothing_installed(root: &Path, sha: &str) {
    assert!(!root.join("by-sha256").join(sha).exists());
    assert!(
        !root
            .join("by-sha256")
            .join(format!("{sha}.verified"))
            .exists()
    );
    let tmp = root.join(".tmp");
    if tmp.exists() {
        let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().collect();
        assert!(left.is_empty(), "left behind: {left:?}");
    }
}

#[test]
fn good_checksum_installs_by_sha256() {
    let data = body();
    let sha = sha256(&data);
    let server = serve(data.clone());
    let dir = tempfile::tempdir().unwrap();
    let store = ModelStore::new(dir.path());
    let url = format!("{}/model.gguf", server.base);

    let mut updates: Vec<ProgressUpdate> = Vec::new();
    let pulled = store
        .pull_url(&url, &sha.to_uppercase(), &mut |u: ProgressUpdate| {
            updates.push(u)
        })
        .unwrap();
    assert!(!pulled.already_installed);
    assert_eq!(pulled.path, dir.path().join("by-sha256").join(&sha));
    assert_eq!(std::fs::read(&pulled.path).unwrap(), data);
    assert!(updates.iter().all(|u| u.phase == Phase::Download));
    let last = updates.last().unwrap();
    assert_eq!(
        (last.done, last.total),
        (data.len() as u64, Some(data.len() as u64))
    );
    assert!(updates.len() >= 3, "{updates:?}");
    assert_eq!(server.hits.load(Ordering::SeqCst), 1);

    // resolve() finds it without downloading; so does a second pull.
    let spec = format!("{url}#sha256={sha}");
    let resolved = store.resolve(&spec).unwrap();
    assert_eq!(resolved.path, pulled.path);
    assert_eq!(
        resolved.origin,
        ModelOrigin::Url {
            url: url.clone(),
            sha256: sha.clone()
        }
    );
    let again = store.pull_spec(&spec, &mut NoProgress).unwrap();
    assert!(again.already_installed);
    assert_eq!(server.hits.load(Ordering::SeqCst), 1);

    // A tampered file is refused, and pulling repairs it.
    std::fs::write(&pulled.path, b"GGUF tampered").unwrap();
    let msg = store.resolve(&spec).unwrap_err().to_string();
    assert!(msg.contains("is corrupted"), "{msg}");
    assert!(
        msg.contains(&format!("run `whet models pull '{spec}'` again")),
        "{msg}"
    );
    assert!(
        !store
            .pull_spec(&spec, &mut NoProgress)
            .unwrap()
            .already_installed
    );
    assert_eq!(std::fs::read(&pulled.path).unwrap(), data);

    assert!(store.rm(&spec).unwrap());
    assert_nothing_installed(dir.path(), &sha);
    let msg = store.resolve(&spec).unwrap_err().to_string();
    assert!(msg.contains("is not downloaded yet"), "{msg}");
}

#[test]
fn bad_checksum_leaves_nothing() {
    let data = body();
    let server = serve(data.clone());
    let dir = tempfile::tempdir().unwrap();
    let store = ModelStore::new(dir.path());
    let wrong = sha256(b"something else");
    let err = store
        .pull_url(
            &format!("{}/model.gguf", server.base),
            &wrong,
            &mut NoProgress,
        )
        .unwrap_err();
    assert!(matches!(err, Error::ChecksumMismatch { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains(&format!("expected {wrong}, got {}", sha256(&data))),
        "{msg}"
    );
    assert!(msg.contains("nothing was installed"), "{msg}");
    assert_nothing_installed(dir.path(), &wrong);
}

#[test]
fn http_errors_leave_nothing() {
    let data = body();
    let sha = sha256(&data);
    let server = serve(data);
    let dir = tempfile::tempdir().unwrap();
    let store = ModelStore::new(dir.path());

    let url = format!("{}/missing.gguf", server.base);
    let err = store.pull_url(&url, &sha, &mut NoProgress).unwrap_err();
    assert!(
        matches!(err, Error::HttpStatus { status: 404, .. }),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        format!("cannot download {url}: the server answered HTTP 404; check the URL")
    );
    assert_nothing_installed(dir.path(), &sha);

    // The connection closes before Content-Length bytes arrived.
    let url = format!("{}/truncated.gguf", server.base);
    let err = store.pull_url(&url, &sha, &mut NoProgress).unwrap_err();
    assert!(matches!(err, Error::Download { .. }), "{err}");
    assert_nothing_installed(dir.path(), &sha);

    // Nothing listens on this port.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let url = format!("http://127.0.0.1:{port}/model.gguf");
    let msg = store
        .pull_url(&url, &sha, &mut NoProgress)
        .unwrap_err()
        .to_string();
    assert!(
        msg.starts_with(&format!("cannot download {url}: ")),
        "{msg}"
    );
    assert!(
        msg.contains("check the URL and your network connection"),
        "{msg}"
    );
    assert_nothing_installed(dir.path(), &sha);
}

#[test]
fn url_specs_need_a_checksum() {
    let dir = tempfile::tempdir().unwrap();
    let store = ModelStore::new(dir.path());
    let msg = store
        .resolve("https://example.invalid/model.gguf")
        .unwrap_err()
        .to_string();
    assert!(msg.contains("needs its sha256"), "{msg}");
    assert!(msg.contains("#sha256=<64 hex digits>"), "{msg}");
    let msg = store
        .pull_url("https://example.invalid/model.gguf", "abc", &mut NoProgress)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("expected 64 hex digits"), "{msg}");
    let msg = store
        .pull_url(
            "ftp://example.invalid/model.gguf",
            &"a".repeat(64),
            &mut NoProgress,
        )
        .unwrap_err()
        .to_string();
    assert!(msg.contains("only http:// and https://"), "{msg}");
}
