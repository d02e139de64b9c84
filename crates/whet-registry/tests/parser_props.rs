//! Property tests: the prompt parser and loader never panic, whatever bytes
//! they are fed, and every diagnostic they return points inside the file.

// Test helpers may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use std::path::PathBuf;
use whet_registry::{SourceFile, Sources, load_prompt, parse_config, parse_prompt};

const VALID: &str = r#"name = "p"
description = "d"
owner = "o"
version = "1.0.0"
[model]
temperature = 0.5
stop = ["x"]
[variables.message]
type = "string"
default = "hi"
[[messages]]
role = "system"
content = '''{% include "a.j2" %} {% for x in items %}{{ x }}{% endfor %}'''
[[messages]]
role = "user"
content = "{{ message }}"
[output.schema]
type = "object"
[[tools]]
name = "t"
description = "d"
parameters = { type = "object" }
"#;

struct NoFiles;

impl Sources for NoFiles {
    fn partial(&self, name: &str) -> Option<String> {
        (name == "a.j2").then(|| "{{ message }} {% include \"a.j2\" %}".to_owned())
    }
    fn partial_names(&self) -> Vec<String> {
        vec!["a.j2".into()]
    }
    fn partial_path(&self, name: &str) -> PathBuf {
        PathBuf::from(name)
    }
    fn file(&self, _rel: &str) -> Result<String, String> {
        Err("no files here".into())
    }
}

fn check_spans(file: &SourceFile, text: &str) {
    let (_, diags) = load_prompt(file, &NoFiles);
    for d in diags {
        if let Some(span) = &d.span
            && d.file.path == file.path
        {
            assert!(
                span.start <= text.len() && span.end <= text.len(),
                "span {span:?} outside a {}-byte file: {}",
                text.len(),
                d.message
            );
        }
        assert!(!d.message.is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let file = SourceFile::new("fuzz.toml", text.as_str());
        let _ = parse_prompt(&file);
        let _ = parse_config(&file);
        check_spans(&file, &text);
    }

    #[test]
    fn mutated_valid_files_never_panic(cuts in proptest::collection::vec((0usize..VALID.len(), 0usize..8, "[ -~\n]{0,6}"), 1..6)) {
        let mut text = VALID.to_owned();
        for (at, len, insert) in cuts {
            let mut at = at.min(text.len());
            while !text.is_char_boundary(at) { at -= 1; }
            let mut end = (at + len).min(text.len());
            while !text.is_char_boundary(end) { end -= 1; }
            text.replace_range(at..end, &insert);
        }
        let file = SourceFile::new("mutant.toml", text.as_str());
        check_spans(&file, &text);
    }
}

#[test]
fn the_valid_seed_file_loads_and_self_include_is_caught() {
    let file = SourceFile::new("p.toml", VALID);
    let (prompt, diags) = load_prompt(&file, &NoFiles);
    // The partial includes itself: lint must stop, not recurse forever.
    assert!(prompt.is_none());
    assert!(diags.iter().any(|d| d.code == "include-cycle"), "{diags:?}");
}
