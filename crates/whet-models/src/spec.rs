//! Parsing what a user writes to name a model: an alias, a path or a URL.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The magic bytes every GGUF file starts with.
pub const GGUF_MAGIC: &[u8; 4] = b"GGUF";

/// A model as a user names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelSpec {
    /// A catalogue alias, e.g. `smollm2-135m-instruct`.
    Alias(String),
    /// A local file: anything with a path separator, starting with `.` or
    /// `~`, or ending in `.gguf`.
    Path(PathBuf),
    /// An HTTP(S) URL with its pinned sha256, written `URL#sha256=HEX`.
    Url {
        /// The URL without the fragment.
        url: String,
        /// The lowercase hex sha256 of the file.
        sha256: String,
    },
}

impl ModelSpec {
    /// Parses an alias, a path, or `http(s)://...#sha256=HEX`.
    pub fn parse(spec: &str) -> Result<ModelSpec> {
        let trimmed = spec.trim();
        let invalid = |reason: String| Error::InvalidSpec {
            spec: spec.to_owned(),
            reason,
        };
        if trimmed.is_empty() {
            return Err(invalid(
                "it is empty; give a catalogue alias (see `whet models list`), a path to a .gguf file, or an http(s) URL".to_owned(),
            ));
        }
        if let Some((scheme, _)) = trimmed.split_once("://") {
            let scheme_lower = scheme.to_ascii_lowercase();
            if scheme_lower != "http" && scheme_lower != "https" {
                return Err(invalid(format!(
                    "unsupported URL scheme `{scheme}`; use an http(s) URL, a local path, or a catalogue alias"
                )));
            }
            let Some((url, fragment)) = trimmed.split_once('#') else {
                return Err(invalid(
                    "a model URL needs its sha256 so the download can be verified; append `#sha256=<64 hex digits>`".to_owned(),
                ));
            };
            let Some(hex) = fragment.strip_prefix("sha256=") else {
                return Err(invalid(format!(
                    "the URL fragment `#{fragment}` is not `#sha256=<64 hex digits>`"
                )));
            };
            let sha256 = parse_sha256(hex).map_err(invalid)?;
            if url.len() <= scheme.len() + 3 {
                return Err(invalid("the URL has no host".to_owned()));
            }
            return Ok(ModelSpec::Url {
                url: url.to_owned(),
                sha256,
            });
        }
        let looks_like_path = trimmed.contains('/')
            || trimmed.contains(std::path::MAIN_SEPARATOR)
            || trimmed.starts_with('.')
            || trimmed.starts_with('~')
            || trimmed.to_ascii_lowercase().ends_with(".gguf");
        if looks_like_path {
            return Ok(ModelSpec::Path(expand_home(trimmed)));
        }
        Ok(ModelSpec::Alias(trimmed.to_owned()))
    }
}

impl fmt::Display for ModelSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelSpec::Alias(alias) => f.write_str(alias),
            ModelSpec::Path(path) => write!(f, "{}", path.display()),
            ModelSpec::Url { url, sha256 } => write!(f, "{url}#sha256={sha256}"),
        }
    }
}

/// Checks a sha256 written as 64 hex digits and returns it in lowercase.
pub fn parse_sha256(hex: &str) -> std::result::Result<String, String> {
    let hex = hex.trim();
    if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!(
            "`{hex}` is not a sha256: expected 64 hex digits (as printed by `sha256sum`)"
        ));
    }
    Ok(hex.to_ascii_lowercase())
}

/// `~/x` with the home directory expanded (left as is without HOME).
fn expand_home(path: &str) -> PathBuf {
    if let Some(rest) = path.strip_prefix("~/")
        && let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty())
    {
        return PathBuf::from(home).join(rest);
    }
    PathBuf::from(path)
}

/// Checks that `path` is an existing file starting with the GGUF magic, and
/// returns it made absolute.
pub fn check_gguf(path: &Path) -> Result<PathBuf> {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let meta = match fs_err::metadata(&absolute) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::FileNotFound { path: absolute });
        }
        Err(e) => return Err(e.into()),
    };
    if !meta.is_file() {
        return Err(Error::NotGguf { path: absolute });
    }
    let mut magic = [0u8; 4];
    let mut file = fs_err::File::open(&absolute)?;
    let mut filled = 0;
    while filled < magic.len() {
        match file.read(&mut magic[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    if filled < magic.len() || &magic != GGUF_MAGIC {
        return Err(Error::NotGguf { path: absolute });
    }
    Ok(absolute)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53";

    #[test]
    fn parses_aliases_paths_and_urls() {
        assert_eq!(
            ModelSpec::parse("smollm2-135m-instruct").unwrap(),
            ModelSpec::Alias("smollm2-135m-instruct".into())
        );
        assert_eq!(
            ModelSpec::parse("  qwen2.5-coder-0.5b-instruct ").unwrap(),
            ModelSpec::Alias("qwen2.5-coder-0.5b-instruct".into())
        );
        for p in ["./m.gguf", "models/m.gguf", "/abs/m.bin", "m.GGUF", "../m"] {
            assert_eq!(
                ModelSpec::parse(p).unwrap(),
                ModelSpec::Path(PathBuf::from(p)),
                "{p}"
            );
        }
        let url = format!(
            "https://example.invalid/x.gguf#sha256={}",
            SHA.to_uppercase()
        );
        assert_eq!(
            ModelSpec::parse(&url).unwrap(),
            ModelSpec::Url {
                url: "https://example.invalid/x.gguf".into(),
                sha256: SHA.into()
            }
        );
        assert_eq!(
            ModelSpec::parse(&url).unwrap().to_string(),
            format!("https://example.invalid/x.gguf#sha256={SHA}")
        );
    }

    #[test]
    fn expands_home() {
        if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
            assert_eq!(
                ModelSpec::parse("~/m.gguf").unwrap(),
                ModelSpec::Path(PathBuf::from(home).join("m.gguf"))
            );
        }
    }

    #[test]
    fn explains_bad_specs() {
        let err = |s: &str| ModelSpec::parse(s).unwrap_err().to_string();
        assert!(err("").contains("it is empty"));
        assert!(err("https://h/x.gguf").contains("append `#sha256=<64 hex digits>`"));
        assert!(err("https://h/x.gguf#md5=abc").contains("is not `#sha256="));
        assert!(err("https://h/x.gguf#sha256=abc").contains("expected 64 hex digits"));
        assert!(err(&format!("ftp://h/x#sha256={SHA}")).contains("unsupported URL scheme `ftp`"));
        assert!(err(&format!("https://#sha256={SHA}")).contains("no host"));
    }

    #[test]
    fn gguf_magic_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.gguf");
        fs_err::write(&good, b"GGUF\x03\x00\x00\x00rest").unwrap();
        assert_eq!(check_gguf(&good).unwrap(), good);
        let bad = dir.path().join("bad.gguf");
        fs_err::write(&bad, b"PK\x03\x04").unwrap();
        let msg = check_gguf(&bad).unwrap_err().to_string();
        assert!(msg.contains("is not a GGUF model file"), "{msg}");
        let short = dir.path().join("short.gguf");
        fs_err::write(&short, b"GG").unwrap();
        assert!(matches!(check_gguf(&short), Err(Error::NotGguf { .. })));
        assert!(matches!(check_gguf(dir.path()), Err(Error::NotGguf { .. })));
        let msg = check_gguf(&dir.path().join("none.gguf"))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("does not exist"), "{msg}");
    }
}
