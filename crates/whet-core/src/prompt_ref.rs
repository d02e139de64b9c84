//! `NAME`, `NAME@VERSION` and `NAME:LABEL`: how users point at a prompt.

use semver::Version;
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

/// Which version of a prompt a reference selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// The working copy in `prompts/NAME.toml`, released or not.
    WorkingCopy,
    /// An exact released version.
    Version(Version),
    /// Whatever version a label points to now.
    Label(String),
}

/// A parsed prompt reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptRef {
    /// The prompt's name.
    pub name: String,
    /// Which version.
    pub selector: Selector,
}

/// Why a prompt reference or name was rejected.
#[derive(Debug, Error)]
pub enum RefError {
    /// The name part is empty or uses characters outside `[a-z0-9_-]`.
    #[error("invalid prompt name `{name}`: {why}")]
    Name {
        /// The rejected name.
        name: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// The text after `@` is not a semantic version.
    #[error("invalid version `{version}` in `{reference}`: {source}")]
    Version {
        /// The whole reference.
        reference: String,
        /// The version text.
        version: String,
        /// The semver parser's complaint.
        source: semver::Error,
    },
    /// The text after `:` is not a valid label.
    #[error("invalid label `{label}`: use letters, digits, `-` and `_`")]
    Label {
        /// The rejected label.
        label: String,
    },
}

/// Checks a prompt name: lowercase ASCII letters, digits, `-` and `_`, starting
/// with a letter, at most 64 characters. Names become file names and git tags,
/// so anything else is refused.
pub fn validate_name(name: &str) -> Result<(), RefError> {
    let fail = |why| {
        Err(RefError::Name {
            name: name.to_owned(),
            why,
        })
    };
    if name.is_empty() {
        return fail("it is empty");
    }
    if name.len() > 64 {
        return fail("it is longer than 64 characters");
    }
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return fail("it must start with a lowercase letter");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return fail("use lowercase letters, digits, `-` and `_` only");
    }
    Ok(())
}

/// Checks a label name (`production`, `staging`, `canary-eu`, ...).
pub fn validate_label(label: &str) -> Result<(), RefError> {
    let ok = !label.is_empty()
        && label.len() <= 64
        && label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(RefError::Label {
            label: label.to_owned(),
        })
    }
}

impl FromStr for PromptRef {
    type Err = RefError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some((name, version)) = s.split_once('@') {
            validate_name(name)?;
            let parsed =
                Version::parse(version.strip_prefix('v').unwrap_or(version)).map_err(|source| {
                    RefError::Version {
                        reference: s.to_owned(),
                        version: version.to_owned(),
                        source,
                    }
                })?;
            return Ok(PromptRef {
                name: name.to_owned(),
                selector: Selector::Version(parsed),
            });
        }
        if let Some((name, label)) = s.split_once(':') {
            validate_name(name)?;
            validate_label(label)?;
            return Ok(PromptRef {
                name: name.to_owned(),
                selector: Selector::Label(label.to_owned()),
            });
        }
        validate_name(s)?;
        Ok(PromptRef {
            name: s.to_owned(),
            selector: Selector::WorkingCopy,
        })
    }
}

impl fmt::Display for PromptRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.selector {
            Selector::WorkingCopy => write!(f, "{}", self.name),
            Selector::Version(v) => write!(f, "{}@{v}", self.name),
            Selector::Label(l) => write!(f, "{}:{l}", self.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_the_three_forms() {
        let r: PromptRef = "reply".parse().unwrap();
        assert_eq!(r.selector, Selector::WorkingCopy);
        let r: PromptRef = "reply@1.2.0".parse().unwrap();
        assert_eq!(r.selector, Selector::Version(Version::new(1, 2, 0)));
        let r: PromptRef = "reply@v1.2.0".parse().unwrap();
        assert_eq!(r.selector, Selector::Version(Version::new(1, 2, 0)));
        let r: PromptRef = "reply:production".parse().unwrap();
        assert_eq!(r.selector, Selector::Label("production".into()));
        assert_eq!(r.to_string(), "reply:production");
    }

    #[test]
    fn rejects_bad_parts_with_reasons() {
        let e = "reply@1.2".parse::<PromptRef>().unwrap_err();
        assert!(e.to_string().contains("invalid version `1.2`"), "{e}");
        let e = "Reply".parse::<PromptRef>().unwrap_err();
        assert!(e.to_string().contains("lowercase letter"), "{e}");
        let e = "reply:prod uction".parse::<PromptRef>().unwrap_err();
        assert!(matches!(e, RefError::Label { .. }));
        assert!("../etc".parse::<PromptRef>().is_err());
    }

    proptest! {
        #[test]
        fn parsing_never_panics_and_round_trips(s in "\\PC*") {
            if let Ok(r) = s.parse::<PromptRef>() {
                let again: PromptRef = r.to_string().parse().unwrap();
                prop_assert_eq!(again, r);
            }
        }
    }
}
