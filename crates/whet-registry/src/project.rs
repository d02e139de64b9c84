//! A whet project: the directory holding `whet.toml`, its `prompts/` folder
//! and the settings in `whet.toml`.

use crate::diag::{Diagnostic, SourceFile, has_errors};
use crate::error::RegistryError;
use crate::load::Sources;
use crate::toml_read::{TomlReader, item_span, key_span, to_json};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The project file's name.
pub const CONFIG_FILE: &str = "whet.toml";

const TOP_KEYS: &[&str] = &[
    "project",
    "defaults",
    "models",
    "providers",
    "registry",
    "cache",
    "store",
    "guard",
];
const PROJECT_KEYS: &[&str] = &["name", "prompts_dir"];
const DEFAULTS_KEYS: &[&str] = &["model"];
const MODEL_KEYS: &[&str] = &[
    "provider",
    "model",
    "description",
    "price_input_per_mtok",
    "price_output_per_mtok",
    "price_cached_input_per_mtok",
];
const PROVIDER_KEYS: &[&str] = &[
    "kind",
    "base_url",
    "api_key_env",
    "api_key_header",
    "headers",
    "extra_body",
    "timeout_s",
    "ttft_timeout_s",
    "max_retries",
    "max_concurrency",
    "threads",
    "context_size",
    "parallel",
];
const CACHE_KEYS: &[&str] = &["mode"];
const STORE_KEYS: &[&str] = &["url"];
/// Response-cache modes.
pub const CACHE_MODES: &[&str] = &["read-write", "read-only", "write-only", "off"];
const REGISTRY_KEYS: &[&str] = &["protected_labels"];
/// Provider kinds whet knows how to talk to.
pub const PROVIDER_KINDS: &[&str] = &["local", "mock", "openai", "anthropic"];

/// A model alias from `[models.ALIAS]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelAlias {
    /// Provider name: a `[providers.NAME]` entry or a built-in kind.
    pub provider: String,
    /// The model the provider knows it by.
    pub model: String,
    /// What it is for.
    pub description: Option<String>,
    /// US dollars per million input tokens.
    pub price_input_per_mtok: f64,
    /// US dollars per million output tokens.
    pub price_output_per_mtok: f64,
    /// US dollars per million input tokens served from the provider's prompt cache
    /// (defaults to the input price).
    pub price_cached_input_per_mtok: Option<f64>,
}

/// A provider from `[providers.NAME]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProviderConfig {
    /// One of [`PROVIDER_KINDS`].
    pub kind: String,
    /// Endpoint for remote kinds.
    pub base_url: Option<String>,
    /// Name of the environment variable holding the API key (never the key).
    pub api_key_env: Option<String>,
    /// Header carrying the key instead of `Authorization: Bearer` (Azure: `api-key`).
    pub api_key_header: Option<String>,
    /// Extra HTTP headers.
    pub headers: BTreeMap<String, String>,
    /// Extra JSON fields merged into every request body.
    pub extra_body: serde_json::Map<String, serde_json::Value>,
    /// Whole-call timeout, seconds.
    pub timeout_s: Option<f64>,
    /// Time-to-first-token timeout, seconds.
    pub ttft_timeout_s: Option<f64>,
    /// Retries on 429, 5xx, connect errors and timeouts.
    pub max_retries: Option<u32>,
    /// Most calls in flight.
    pub max_concurrency: Option<u32>,
    /// Local models: CPU threads.
    pub threads: Option<u32>,
    /// Local models: context size in tokens.
    pub context_size: Option<u32>,
    /// Local models: requests decoded in parallel (one context each).
    pub parallel: Option<u32>,
}

/// Settings from `whet.toml`, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectConfig {
    /// Project name.
    pub name: Option<String>,
    /// Folder of prompt files, relative to the project root.
    pub prompts_dir: PathBuf,
    /// Model alias used by prompts that name none.
    pub default_model: Option<String>,
    /// Model aliases.
    pub models: BTreeMap<String, ModelAlias>,
    /// Providers.
    pub providers: BTreeMap<String, ProviderConfig>,
    /// Labels that need `--yes` to move.
    pub protected_labels: Vec<String>,
    /// Response-cache mode, one of [`CACHE_MODES`].
    pub cache_mode: Option<String>,
    /// Database URL (`sqlite://…` or `postgres://…`); default `.whet/whet.db`.
    pub store_url: Option<String>,
    /// Named guard policies from `[guard.policies.NAME]`.
    pub guard_policies: BTreeMap<String, crate::guard::PolicySource>,
}

impl Default for ProjectConfig {
    fn default() -> Self {
        Self {
            name: None,
            prompts_dir: PathBuf::from("prompts"),
            default_model: None,
            models: BTreeMap::new(),
            providers: BTreeMap::new(),
            protected_labels: vec!["production".to_owned()],
            cache_mode: None,
            store_url: None,
            guard_policies: BTreeMap::new(),
        }
    }
}

/// A project on disk.
#[derive(Debug, Clone)]
pub struct Project {
    /// Directory holding `whet.toml`.
    pub root: PathBuf,
    /// Its settings.
    pub config: ProjectConfig,
    /// Warnings found in `whet.toml`.
    pub warnings: Vec<Diagnostic>,
}

impl Project {
    /// Finds `whet.toml` in `start` or a parent directory and loads it.
    pub fn discover(start: &Path) -> Result<Project, RegistryError> {
        let start = fs_err::canonicalize(start).map_err(RegistryError::io)?;
        let root = start
            .ancestors()
            .find(|d| d.join(CONFIG_FILE).is_file())
            .ok_or_else(|| RegistryError::NoProject {
                start: start.clone(),
            })?;
        Self::open(root)
    }

    /// Loads the project rooted at `root`.
    pub fn open(root: &Path) -> Result<Project, RegistryError> {
        let path = root.join(CONFIG_FILE);
        let text = fs_err::read_to_string(&path).map_err(RegistryError::io)?;
        let file = SourceFile::new(CONFIG_FILE, text);
        let (config, diags) = parse_config(&file);
        if has_errors(&diags) {
            return Err(RegistryError::Invalid(diags));
        }
        Ok(Project {
            root: root.to_path_buf(),
            config,
            warnings: diags,
        })
    }

    /// The prompts folder.
    pub fn prompts_dir(&self) -> PathBuf {
        self.root.join(&self.config.prompts_dir)
    }

    /// The working copy of a prompt.
    pub fn prompt_path(&self, name: &str) -> PathBuf {
        self.prompts_dir().join(format!("{name}.toml"))
    }

    /// Folder of a prompt's releases, label history and changelog.
    pub fn releases_dir(&self, name: &str) -> PathBuf {
        self.prompts_dir().join(".releases").join(name)
    }

    /// Folder for local state that is not committed (locks, the database).
    pub fn state_dir(&self) -> PathBuf {
        self.root.join(".whet")
    }

    /// Names of every prompt file, sorted.
    pub fn prompt_names(&self) -> Result<Vec<String>, RegistryError> {
        prompt_files(&self.prompts_dir()).map(|files| {
            files
                .iter()
                .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).map(str::to_owned))
                .collect()
        })
    }

    /// A path relative to the project root, for display.
    pub fn relative(&self, path: &Path) -> PathBuf {
        crate::diag::display_path(path, &self.root)
    }

    /// Whether `label` is protected.
    pub fn is_protected(&self, label: &str) -> bool {
        self.config.protected_labels.iter().any(|l| l == label)
    }
}

/// `*.toml` files directly in `dir`, sorted.
pub fn prompt_files(dir: &Path) -> Result<Vec<PathBuf>, RegistryError> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut out: Vec<PathBuf> = fs_err::read_dir(dir)
        .map_err(RegistryError::io)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml"))
        .collect();
    out.sort();
    Ok(out)
}

/// Parses `whet.toml`.
pub fn parse_config(file: &SourceFile) -> (ProjectConfig, Vec<Diagnostic>) {
    let mut r = TomlReader::new(file);
    let mut config = ProjectConfig::default();
    let Some(doc) = r.parse() else {
        return (config, r.diags);
    };
    let top = doc.as_table();
    r.check_keys(top, TOP_KEYS, "whet.toml");
    if let Some(t) = r.table(top, "project") {
        r.check_keys(t, PROJECT_KEYS, "[project]");
        config.name = r.string(t, "name").map(|s| s.value);
        if let Some(d) = r.string(t, "prompts_dir") {
            config.prompts_dir = PathBuf::from(d.value);
        }
    }
    let mut default_span = None;
    if let Some(t) = r.table(top, "defaults") {
        r.check_keys(t, DEFAULTS_KEYS, "[defaults]");
        if let Some(m) = r.string(t, "model") {
            default_span = m.span;
            config.default_model = Some(m.value);
        }
    }
    if let Some(t) = r.table(top, "providers") {
        for (name, _) in t.iter() {
            let Some(p) = r.table(t, name) else { continue };
            let ctx = format!("[providers.{name}]");
            r.check_keys(p, PROVIDER_KEYS, &ctx);
            let Some(kind) = r.required_string(
                p,
                key_span(t, name),
                "kind",
                &ctx,
                "add `kind = \"openai\"` (or anthropic, local, mock)",
            ) else {
                continue;
            };
            if !PROVIDER_KINDS.contains(&kind.value.as_str()) {
                r.error(
                    "unknown-provider-kind",
                    kind.span.clone(),
                    format!("unknown provider kind `{}`", kind.value),
                )
                .help = Some(format!("kinds: {}", PROVIDER_KINDS.join(", ")));
            }
            let mut headers = BTreeMap::new();
            if let Some(h) = r.table(p, "headers") {
                for (k, _) in h.iter() {
                    if let Some(v) = r.string(h, k) {
                        headers.insert(k.to_owned(), v.value);
                    }
                }
            }
            let extra_body = match p.get("extra_body") {
                Some(item) => match to_json(item) {
                    serde_json::Value::Object(m) if item.is_table_like() => m,
                    _ => {
                        r.error(
                            "wrong-type",
                            item_span(item),
                            "`extra_body` must be a table",
                        )
                        .help = Some("e.g. `extra_body = { top_k = 20 }`".into());
                        serde_json::Map::new()
                    }
                },
                None => serde_json::Map::new(),
            };
            let seconds = |r: &mut TomlReader<'_>, key: &str| {
                r.float(p, key).and_then(|v| {
                    if v.value > 0.0 {
                        Some(v.value)
                    } else {
                        r.error(
                            "out-of-range",
                            v.span,
                            format!("`{key}` must be more than 0 seconds"),
                        );
                        None
                    }
                })
            };
            let timeout_s = seconds(&mut r, "timeout_s");
            let ttft_timeout_s = seconds(&mut r, "ttft_timeout_s");
            let mut small = |key: &str, min: u64| {
                r.unsigned(p, key)
                    .and_then(|v| match u32::try_from(v.value) {
                        Ok(n) if u64::from(n) >= min => Some(n),
                        _ => {
                            r.error(
                                "out-of-range",
                                v.span,
                                format!("`{key}` must be between {min} and 4294967295"),
                            );
                            None
                        }
                    })
            };
            let max_retries = small("max_retries", 0);
            let max_concurrency = small("max_concurrency", 1);
            let threads = small("threads", 1);
            let context_size = small("context_size", 64);
            let parallel = small("parallel", 1);
            config.providers.insert(
                name.to_owned(),
                ProviderConfig {
                    kind: kind.value,
                    base_url: r.string(p, "base_url").map(|s| s.value),
                    api_key_env: r.string(p, "api_key_env").map(|s| s.value),
                    api_key_header: r.string(p, "api_key_header").map(|s| s.value),
                    headers,
                    extra_body,
                    timeout_s,
                    ttft_timeout_s,
                    max_retries,
                    max_concurrency,
                    threads,
                    context_size,
                    parallel,
                },
            );
        }
    }
    let mut provider_spans: Vec<(String, Option<Range<usize>>)> = Vec::new();
    if let Some(t) = r.table(top, "models") {
        for (alias, _) in t.iter() {
            let Some(m) = r.table(t, alias) else { continue };
            let ctx = format!("[models.{alias}]");
            r.check_keys(m, MODEL_KEYS, &ctx);
            let provider = r.required_string(
                m,
                key_span(t, alias),
                "provider",
                &ctx,
                "add `provider = \"local\"` or the name of a `[providers.NAME]` table",
            );
            let model = r.required_string(
                m,
                key_span(t, alias),
                "model",
                &ctx,
                "add `model = \"...\"`, the name the provider knows the model by",
            );
            let description = r.string(m, "description").map(|s| s.value);
            let mut price = |key: &str| {
                r.float(m, key).and_then(|v| {
                    if v.value >= 0.0 {
                        Some(v.value)
                    } else {
                        r.error(
                            "out-of-range",
                            v.span,
                            format!("`{key}` must not be negative"),
                        );
                        None
                    }
                })
            };
            let price_input_per_mtok = price("price_input_per_mtok").unwrap_or(0.0);
            let price_output_per_mtok = price("price_output_per_mtok").unwrap_or(0.0);
            let price_cached_input_per_mtok = price("price_cached_input_per_mtok");
            if let (Some(provider), Some(model)) = (provider, model) {
                provider_spans.push((provider.value.clone(), provider.span));
                config.models.insert(
                    alias.to_owned(),
                    ModelAlias {
                        provider: provider.value,
                        model: model.value,
                        description,
                        price_input_per_mtok,
                        price_output_per_mtok,
                        price_cached_input_per_mtok,
                    },
                );
            }
        }
    }
    for (provider, span) in provider_spans {
        let known = config.providers.contains_key(&provider)
            || matches!(provider.as_str(), "local" | "mock");
        if !known {
            let names: Vec<&str> = config
                .providers
                .keys()
                .map(String::as_str)
                .chain(["local", "mock"])
                .collect();
            r.error(
                "unknown-provider",
                span,
                format!("no provider named `{provider}`"),
            )
            .help = Some(
                match crate::diag::did_you_mean(&provider, names.iter().copied()) {
                    Some(s) => {
                        format!("did you mean `{s}`? Define others under `[providers.NAME]`")
                    }
                    None => format!(
                        "known providers: {}; define others under `[providers.NAME]`",
                        names.join(", ")
                    ),
                },
            );
        }
    }
    if let Some(d) = &config.default_model
        && !config.models.contains_key(d)
    {
        r.error(
            "unknown-model",
            default_span,
            format!("default model `{d}` is not defined"),
        )
        .help = Some(format!("define it under `[models.{d}]`"));
    }
    if let Some(t) = r.table(top, "cache") {
        r.check_keys(t, CACHE_KEYS, "[cache]");
        if let Some(m) = r.string(t, "mode") {
            if CACHE_MODES.contains(&m.value.as_str()) {
                config.cache_mode = Some(m.value);
            } else {
                r.error(
                    "unknown-cache-mode",
                    m.span,
                    format!("unknown cache mode `{}`", m.value),
                )
                .help = Some(format!("modes: {}", CACHE_MODES.join(", ")));
            }
        }
    }
    if let Some(t) = r.table(top, "guard") {
        r.check_keys(t, &["policies"], "[guard]");
        if let Some(policies) = r.table(t, "policies") {
            for (name, _) in policies.iter() {
                let Some(p) = r.table(policies, name) else {
                    continue;
                };
                let ctx = format!("guard.policies.{name}");
                r.check_keys(p, &["input", "output"], &format!("[{ctx}]"));
                let policy = crate::guard::read_policy(&mut r, p, &ctx);
                config.guard_policies.insert(name.to_owned(), policy);
            }
        }
    }
    if let Some(t) = r.table(top, "store") {
        r.check_keys(t, STORE_KEYS, "[store]");
        config.store_url = r.string(t, "url").map(|s| s.value);
    }
    if let Some(t) = r.table(top, "registry") {
        r.check_keys(t, REGISTRY_KEYS, "[registry]");
        if let Some(labels) = r.string_list(t, "protected_labels") {
            config.protected_labels = labels.into_iter().map(|l| l.value).collect();
        }
    }
    (config, r.diags)
}

/// Partials and files read from the working tree.
pub struct WorkingTree {
    /// `prompts/_partials`.
    pub partials_dir: PathBuf,
    /// The prompt file's folder, base of relative `schema_file` paths.
    pub prompt_dir: PathBuf,
    /// Base for paths shown to the user.
    pub display_base: PathBuf,
}

impl WorkingTree {
    /// Sources for a prompt file at `prompt_path`.
    pub fn for_prompt(prompt_path: &Path, display_base: &Path) -> Self {
        let prompt_dir = prompt_path
            .parent()
            .map_or_else(PathBuf::new, Path::to_path_buf);
        Self {
            partials_dir: prompt_dir.join("_partials"),
            prompt_dir,
            display_base: display_base.to_path_buf(),
        }
    }
}

impl Sources for WorkingTree {
    fn partial(&self, name: &str) -> Option<String> {
        fs_err::read_to_string(self.partials_dir.join(name)).ok()
    }

    fn partial_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        collect_files(&self.partials_dir, &self.partials_dir, &mut names);
        names.sort();
        names
    }

    fn partial_path(&self, name: &str) -> PathBuf {
        crate::diag::display_path(&self.partials_dir.join(name), &self.display_base)
    }

    fn file(&self, rel: &str) -> Result<String, String> {
        if Path::new(rel).is_absolute() || rel.split('/').any(|p| p == "..") {
            return Err("the path must stay inside the prompts folder".into());
        }
        fs_err::read_to_string(self.prompt_dir.join(rel)).map_err(|e| e.to_string())
    }
}

fn collect_files(base: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = fs_err::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_files(base, &p, out);
        } else if let Ok(rel) = p.strip_prefix(base) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}
