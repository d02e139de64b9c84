//! The release lifecycle: immutable release snapshots, the per-prompt
//! changelog, labels with an append-only history, and rollback.
//!
//! On-disk layout, all under `prompts/.releases/NAME/` and meant to be
//! committed:
//!
//! - `X.Y.Z.toml` — a release: metadata, the prompt file's text verbatim and
//!   every partial and schema file it used, so a release loads without git
//!   and without the working tree;
//! - `labels.jsonl` — one JSON object per label move, never rewritten;
//! - `CHANGELOG.md` — newest release first.

use crate::diag::{SourceFile, display_path, has_errors};
use crate::error::RegistryError;
use crate::git;
use crate::load::{Prompt, Sources, load_prompt};
use crate::lock::{PromptLock, append_line, atomic_write, write_new};
use crate::project::{Project, WorkingTree};
use crate::toml_read::TomlReader;
use semver::Version;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use whet_core::{ContentHash, PromptRef, Selector, validate_label};

const SNAPSHOT_KEYS: &[&str] = &[
    "version",
    "hash",
    "author",
    "released_at",
    "message",
    "evidence",
    "source_path",
    "source",
    "partials",
    "files",
];
const LOCK_TIMEOUT: Duration = Duration::from_secs(30);

/// What a release records about itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReleaseMeta {
    /// Its version.
    pub version: Version,
    /// Hash of the normalized content.
    pub hash: ContentHash,
    /// Who cut it.
    pub author: String,
    /// When, in UTC.
    #[serde(with = "time::serde::rfc3339")]
    pub released_at: OffsetDateTime,
    /// Why.
    pub message: String,
    /// A link to evidence (an eval run id, a PR).
    pub evidence: Option<String>,
}

/// Which part of the version a release bumps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bump {
    /// Backwards-compatible fix: wording, typo.
    Patch,
    /// New behaviour that callers need not adapt to.
    Minor,
    /// A change callers must adapt to: variables, schema, tools.
    Major,
}

impl Bump {
    fn apply(self, v: &Version) -> Version {
        // A pre-release is released by the bump that reaches it: 2.0.0-rc.1
        // bumped as a patch (or major, or minor at x.y.0) becomes 2.0.0.
        if !v.pre.is_empty() {
            let lands = match self {
                Bump::Patch => true,
                Bump::Minor => v.patch == 0,
                Bump::Major => v.minor == 0 && v.patch == 0,
            };
            if lands {
                return Version::new(v.major, v.minor, v.patch);
            }
        }
        match self {
            Bump::Patch => Version::new(v.major, v.minor, v.patch + 1),
            Bump::Minor => Version::new(v.major, v.minor + 1, 0),
            Bump::Major => Version::new(v.major + 1, 0, 0),
        }
    }
}

/// How to pick the new version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextVersion {
    /// Bump the latest release (from 0.0.0 when there is none).
    Bump(Bump),
    /// Exactly this version; must be above the latest.
    Exact(Version),
}

/// A release request.
#[derive(Debug, Clone)]
pub struct ReleaseRequest {
    /// How to pick the version.
    pub next: NextVersion,
    /// Why (goes into the changelog).
    pub message: String,
    /// Who.
    pub author: String,
    /// Optional evidence link.
    pub evidence: Option<String>,
    /// Inside a git work tree, commit the release's files and tag the commit.
    pub git: bool,
}

/// What a release wrote.
#[derive(Debug, Clone)]
pub struct ReleaseOutcome {
    /// The new release.
    pub meta: ReleaseMeta,
    /// The previous release, if any.
    pub previous: Option<Version>,
    /// Every file created or changed, for committing.
    pub written: Vec<PathBuf>,
    /// Partial and schema files the release depends on.
    pub inputs: Vec<PathBuf>,
    /// The git tag created, when the release was committed and tagged.
    pub tag: Option<String>,
    /// Why the release was not committed, when git was asked for but failed.
    /// The release itself is recorded on disk either way.
    pub git_error: Option<String>,
}

/// A label move, as stored in `labels.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelEvent {
    /// When, RFC 3339 UTC.
    pub at: String,
    /// Which label.
    pub label: String,
    /// `move` or `rollback`.
    pub action: LabelAction,
    /// Where it pointed before (`None` for a new label).
    pub from: Option<Version>,
    /// Where it points now.
    pub to: Version,
    /// Who moved it.
    pub by: String,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// Kinds of label moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LabelAction {
    /// An explicit `whet prompt label`.
    Move,
    /// `whet prompt rollback`: undoes the label's last move.
    Rollback,
}

/// A prompt resolved from a reference.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The prompt.
    pub prompt: Prompt,
    /// The release, unless this is the working copy.
    pub release: Option<ReleaseMeta>,
    /// The label used, if any.
    pub label: Option<String>,
}

/// A release read back from disk.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Its metadata.
    pub meta: ReleaseMeta,
    /// The prompt file's text at release.
    pub source: String,
    /// Path of the prompt file when it was released.
    pub source_path: String,
    /// Partials, by name.
    pub partials: BTreeMap<String, String>,
    /// Referenced files, by relative path.
    pub files: BTreeMap<String, String>,
    /// Where the snapshot lives.
    pub path: PathBuf,
}

impl Sources for Snapshot {
    fn partial(&self, name: &str) -> Option<String> {
        self.partials.get(name).cloned()
    }
    fn partial_names(&self) -> Vec<String> {
        self.partials.keys().cloned().collect()
    }
    fn partial_path(&self, name: &str) -> PathBuf {
        PathBuf::from(format!("{} [partials.\"{name}\"]", self.path.display()))
    }
    fn file(&self, rel: &str) -> Result<String, String> {
        self.files
            .get(rel)
            .cloned()
            .ok_or_else(|| "not recorded in the release".to_owned())
    }
}

/// The registry of one project.
#[derive(Debug, Clone, Copy)]
pub struct Registry<'p> {
    project: &'p Project,
}

impl<'p> Registry<'p> {
    /// The registry of `project`.
    pub fn new(project: &'p Project) -> Self {
        Self { project }
    }

    /// The project.
    pub fn project(&self) -> &'p Project {
        self.project
    }

    fn existing_prompt_path(&self, name: &str) -> Result<PathBuf, RegistryError> {
        whet_core::validate_name(name).map_err(|e| RegistryError::Usage(e.to_string()))?;
        let path = self.project.prompt_path(name);
        if path.is_file() {
            return Ok(path);
        }
        let names = self.project.prompt_names()?;
        let suggestion =
            crate::diag::did_you_mean(name, names.iter().map(String::as_str)).map(str::to_owned);
        Err(RegistryError::PromptNotFound {
            name: name.to_owned(),
            suggestion,
        })
    }

    /// Loads the working copy; errors in it are returned as [`RegistryError::Invalid`].
    pub fn working_copy(
        &self,
        name: &str,
    ) -> Result<(Prompt, Vec<crate::diag::Diagnostic>), RegistryError> {
        let path = self.existing_prompt_path(name)?;
        let text = fs_err::read_to_string(&path)?;
        let file = SourceFile::new(self.project.relative(&path), text);
        let sources = WorkingTree::for_prompt(&path, &self.project.root);
        match load_prompt(&file, &sources) {
            (Some(p), diags) => Ok((p, diags)),
            (None, diags) => Err(RegistryError::Invalid(diags)),
        }
    }

    fn load_text(&self, path: &Path, text: &str) -> Result<Prompt, RegistryError> {
        let file = SourceFile::new(self.project.relative(path), text);
        let sources = WorkingTree::for_prompt(path, &self.project.root);
        match load_prompt(&file, &sources) {
            (Some(p), _) => Ok(p),
            (None, diags) => Err(RegistryError::Invalid(diags)),
        }
    }

    /// Checks the prompt exists as a working copy or has releases, so label
    /// operations keep working after a prompt file is retired.
    fn known_prompt(&self, name: &str) -> Result<(), RegistryError> {
        if self.project.releases_dir(name).is_dir() {
            whet_core::validate_name(name).map_err(|e| RegistryError::Usage(e.to_string()))?;
            return Ok(());
        }
        self.existing_prompt_path(name).map(|_| ())
    }

    /// Every release of a prompt, oldest first.
    pub fn releases(&self, name: &str) -> Result<Vec<Version>, RegistryError> {
        let dir = self.project.releases_dir(name);
        if !dir.is_dir() {
            return Ok(Vec::new());
        }
        let mut versions: Vec<Version> = fs_err::read_dir(&dir)?
            .filter_map(Result::ok)
            .filter_map(|e| {
                let p = e.path();
                let stem = p.file_stem()?.to_str()?;
                (p.extension()? == "toml").then(|| Version::parse(stem).ok())?
            })
            .collect();
        versions.sort();
        Ok(versions)
    }

    fn snapshot_path(&self, name: &str, v: &Version) -> PathBuf {
        self.project.releases_dir(name).join(format!("{v}.toml"))
    }

    /// Reads a release file without loading the prompt in it.
    pub fn snapshot(&self, name: &str, v: &Version) -> Result<Snapshot, RegistryError> {
        let path = self.snapshot_path(name, v);
        if !path.is_file() {
            return Err(RegistryError::VersionNotFound {
                name: name.to_owned(),
                version: v.to_string(),
                released: self
                    .releases(name)?
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
            });
        }
        read_snapshot(&path, &self.project.root)
    }

    /// Loads a release and checks it against its recorded hash.
    pub fn release(&self, name: &str, v: &Version) -> Result<(Prompt, ReleaseMeta), RegistryError> {
        let snap = self.snapshot(name, v)?;
        let prompt = load_snapshot(&snap)?;
        let actual = prompt.content_hash();
        if actual != snap.meta.hash {
            return Err(RegistryError::Tampered {
                name: name.to_owned(),
                version: v.to_string(),
                stored: snap.meta.hash.to_string(),
                actual: actual.to_string(),
            });
        }
        Ok((prompt, snap.meta))
    }

    /// Every label move, oldest first; fails for an unknown prompt.
    pub fn history_checked(&self, name: &str) -> Result<Vec<LabelEvent>, RegistryError> {
        self.known_prompt(name)?;
        self.history(name)
    }

    /// Every label move, oldest first (empty when there is none).
    pub fn history(&self, name: &str) -> Result<Vec<LabelEvent>, RegistryError> {
        let path = self.project.releases_dir(name).join("labels.jsonl");
        if !path.is_file() {
            return Ok(Vec::new());
        }
        let text = fs_err::read_to_string(&path)?;
        let shown = display_path(&path, &self.project.root)
            .display()
            .to_string();
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                serde_json::from_str(l).map_err(|e| RegistryError::BadHistory {
                    path: shown.clone(),
                    line: i + 1,
                    message: format!("not a label event: {e}"),
                })
            })
            .collect()
    }

    /// Where each label points now.
    pub fn labels(&self, name: &str) -> Result<BTreeMap<String, Version>, RegistryError> {
        Ok(label_stacks(&self.history(name)?)
            .into_iter()
            .filter_map(|(l, stack)| stack.last().cloned().map(|v| (l, v)))
            .collect())
    }

    /// Resolves `NAME`, `NAME@VERSION` or `NAME:LABEL`.
    pub fn resolve(&self, r: &PromptRef) -> Result<Resolved, RegistryError> {
        match &r.selector {
            Selector::WorkingCopy => Ok(Resolved {
                prompt: self.working_copy(&r.name)?.0,
                release: None,
                label: None,
            }),
            Selector::Version(v) => {
                let (prompt, meta) = self.release(&r.name, v)?;
                Ok(Resolved {
                    prompt,
                    release: Some(meta),
                    label: None,
                })
            }
            Selector::Label(label) => {
                let labels = self.labels(&r.name)?;
                let v = labels
                    .get(label)
                    .ok_or_else(|| RegistryError::LabelNotFound {
                        name: r.name.clone(),
                        label: label.clone(),
                        labels: labels.keys().cloned().collect(),
                    })?;
                let (prompt, meta) = self.release(&r.name, v)?;
                Ok(Resolved {
                    prompt,
                    release: Some(meta),
                    label: Some(label.clone()),
                })
            }
        }
    }

    fn lock(&self, name: &str) -> Result<PromptLock, RegistryError> {
        let path = self
            .project
            .state_dir()
            .join("locks")
            .join(format!("{name}.lock"));
        PromptLock::acquire(&path, name, LOCK_TIMEOUT)
    }

    /// Cuts a release of the working copy. Refuses when the working copy has
    /// errors or equals the latest release.
    pub fn cut_release(
        &self,
        name: &str,
        req: &ReleaseRequest,
    ) -> Result<ReleaseOutcome, RegistryError> {
        let _lock = self.lock(name)?;
        let prompt_path = self.existing_prompt_path(name)?;
        // Every lint check applies (name vs file, model alias, earlier releases intact).
        let report = crate::lint::lint(Some(self.project), std::slice::from_ref(&prompt_path));
        if report.errors() > 0 {
            return Err(RegistryError::Invalid(report.diagnostics));
        }
        let text = fs_err::read_to_string(&prompt_path)?;
        let prompt = self.load_text(&prompt_path, &text)?;
        let hash = prompt.content_hash();
        let released = self.releases(name)?;
        let latest = released.last().cloned();
        if let Some(latest) = &latest {
            let (_, meta) = self.release(name, latest)?;
            if meta.hash == hash {
                return Err(RegistryError::Unchanged {
                    name: name.to_owned(),
                    version: latest.to_string(),
                    hash: hash.short().to_owned(),
                });
            }
        }
        let base = latest.clone().unwrap_or_else(|| Version::new(0, 0, 0));
        let version = match &req.next {
            NextVersion::Bump(b) => b.apply(&base),
            NextVersion::Exact(v) => {
                if latest.as_ref().is_some_and(|l| v <= l) || released.contains(v) {
                    return Err(RegistryError::VersionNotGreater {
                        requested: v.to_string(),
                        latest: base.to_string(),
                    });
                }
                v.clone()
            }
        };
        let meta = ReleaseMeta {
            version: version.clone(),
            hash,
            author: req.author.clone(),
            released_at: now(),
            message: req.message.clone(),
            evidence: req.evidence.clone(),
        };
        let source = with_version(&text, &version)?;
        let snapshot_path = self.snapshot_path(name, &version);
        let snapshot = snapshot_text(
            &meta,
            &source,
            &self.project.relative(&prompt_path),
            &prompt,
        );
        write_new(&snapshot_path, snapshot.as_bytes())?;
        atomic_write(&prompt_path, source.as_bytes())?;
        let changelog = self.project.releases_dir(name).join("CHANGELOG.md");
        let old = if changelog.is_file() {
            fs_err::read_to_string(&changelog)?
        } else {
            String::new()
        };
        atomic_write(
            &changelog,
            changelog_with(&old, name, &meta, latest.as_ref()).as_bytes(),
        )?;
        let inputs = prompt
            .partials
            .keys()
            .map(|p| self.project.prompts_dir().join("_partials").join(p))
            .chain(
                prompt
                    .files
                    .keys()
                    .map(|f| prompt_path.parent().unwrap_or(Path::new(".")).join(f)),
            )
            .collect();
        tracing::info!(prompt = name, version = %version, "released");
        let mut outcome = ReleaseOutcome {
            meta,
            previous: latest,
            written: vec![prompt_path, snapshot_path, changelog],
            inputs,
            tag: None,
            git_error: None,
        };
        if req.git {
            self.commit_release(name, &mut outcome)?;
        }
        Ok(outcome)
    }

    /// Commits and tags a release, still under the prompt's lock, and under a
    /// project-wide git lock so releases of different prompts do not race on
    /// git's index.
    fn commit_release(
        &self,
        name: &str,
        outcome: &mut ReleaseOutcome,
    ) -> Result<(), RegistryError> {
        let Some(top) = git::work_tree(&self.project.root) else {
            return Ok(());
        };
        let _git_lock = PromptLock::acquire(
            &self.project.state_dir().join("locks").join(".git.lock"),
            name,
            LOCK_TIMEOUT,
        )?;
        let version = &outcome.meta.version;
        let tag = git::release_tag(name, version);
        let paths: Vec<PathBuf> = outcome
            .written
            .iter()
            .chain(&outcome.inputs)
            .cloned()
            .collect();
        let message = format!(
            "release {name} {version}\n\n{}",
            outcome.meta.message.trim()
        );
        match git::commit_and_tag(&top, &paths, &message, &tag) {
            Ok(()) => outcome.tag = Some(tag),
            Err(e) => outcome.git_error = Some(e.to_string()),
        }
        Ok(())
    }

    /// Points `label` at `version`. Protected labels need `confirmed`.
    pub fn move_label(
        &self,
        name: &str,
        label: &str,
        version: &Version,
        by: &str,
        why: Option<String>,
        confirmed: bool,
    ) -> Result<LabelEvent, RegistryError> {
        validate_label(label).map_err(|e| RegistryError::Usage(e.to_string()))?;
        self.guard_protected(label, confirmed)?;
        let _lock = self.lock(name)?;
        self.known_prompt(name)?;
        self.release(name, version)?;
        let from = self.labels(name)?.get(label).cloned();
        if from.as_ref() == Some(version) {
            return Err(RegistryError::Usage(format!(
                "label `{label}` of `{name}` already points to {version}"
            )));
        }
        self.record(
            name,
            LabelEvent {
                at: now_string(),
                label: label.to_owned(),
                action: LabelAction::Move,
                from,
                to: version.clone(),
                by: by.to_owned(),
                why,
            },
        )
    }

    /// Moves `label` back to where it pointed before its last move.
    pub fn rollback(
        &self,
        name: &str,
        label: &str,
        by: &str,
        why: Option<String>,
        confirmed: bool,
    ) -> Result<LabelEvent, RegistryError> {
        self.guard_protected(label, confirmed)?;
        let _lock = self.lock(name)?;
        self.known_prompt(name)?;
        let stacks = label_stacks(&self.history(name)?);
        let stack = stacks
            .get(label)
            .ok_or_else(|| RegistryError::LabelNotFound {
                name: name.to_owned(),
                label: label.to_owned(),
                labels: stacks.keys().cloned().collect(),
            })?;
        let [.., previous, current] = stack.as_slice() else {
            return Err(RegistryError::NoRollback {
                name: name.to_owned(),
                label: label.to_owned(),
            });
        };
        self.release(name, previous)?;
        self.record(
            name,
            LabelEvent {
                at: now_string(),
                label: label.to_owned(),
                action: LabelAction::Rollback,
                from: Some(current.clone()),
                to: previous.clone(),
                by: by.to_owned(),
                why,
            },
        )
    }

    fn guard_protected(&self, label: &str, confirmed: bool) -> Result<(), RegistryError> {
        if self.project.is_protected(label) && !confirmed {
            return Err(RegistryError::Protected {
                label: label.to_owned(),
            });
        }
        Ok(())
    }

    fn record(&self, name: &str, event: LabelEvent) -> Result<LabelEvent, RegistryError> {
        let line =
            serde_json::to_string(&event).map_err(|e| RegistryError::Usage(e.to_string()))?;
        append_line(&self.project.releases_dir(name).join("labels.jsonl"), &line)?;
        tracing::info!(prompt = name, label = %event.label, to = %event.to, "label moved");
        Ok(event)
    }
}

/// Replays the history: a move pushes, a rollback pops. The top of each
/// stack is where the label points; the entry below is where rollback goes.
pub fn label_stacks(history: &[LabelEvent]) -> BTreeMap<String, Vec<Version>> {
    let mut stacks: BTreeMap<String, Vec<Version>> = BTreeMap::new();
    for e in history {
        let stack = stacks.entry(e.label.clone()).or_default();
        match e.action {
            LabelAction::Move => stack.push(e.to.clone()),
            LabelAction::Rollback => {
                stack.pop();
                if stack.last() != Some(&e.to) {
                    stack.push(e.to.clone());
                }
            }
        }
    }
    stacks
}

fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(0).unwrap_or(t)
}

fn now_string() -> String {
    now().format(&Rfc3339).unwrap_or_default()
}

/// The prompt file's text with `version` set, formatting and comments kept.
fn with_version(source: &str, v: &Version) -> Result<String, RegistryError> {
    let mut doc: toml_edit::DocumentMut = source
        .parse()
        .map_err(|e| RegistryError::Usage(format!("cannot update the version field: {e}")))?;
    doc["version"] = toml_edit::value(v.to_string());
    Ok(doc.to_string())
}

fn snapshot_text(meta: &ReleaseMeta, source: &str, source_path: &Path, prompt: &Prompt) -> String {
    use toml_edit::{DocumentMut, Item, Table, value};
    let mut doc = DocumentMut::new();
    doc.decor_mut().set_prefix(
        "# A whet release. Do not edit: `whet prompt lint` checks it against its hash.\n",
    );
    doc["version"] = value(meta.version.to_string());
    doc["hash"] = value(meta.hash.to_string());
    doc["author"] = value(meta.author.clone());
    doc["released_at"] = value(meta.released_at.format(&Rfc3339).unwrap_or_default());
    doc["message"] = value(meta.message.clone());
    if let Some(e) = &meta.evidence {
        doc["evidence"] = value(e.clone());
    }
    doc["source_path"] = value(source_path.to_string_lossy().replace('\\', "/"));
    doc["source"] = value(source);
    for (key, map) in [("partials", &prompt.partials), ("files", &prompt.files)] {
        if map.is_empty() {
            continue;
        }
        let mut t = Table::new();
        for (k, v) in map {
            t[k.as_str()] = value(v.as_str());
        }
        doc[key] = Item::Table(t);
    }
    doc.to_string()
}

/// Reads a snapshot strictly.
pub fn read_snapshot(path: &Path, root: &Path) -> Result<Snapshot, RegistryError> {
    let text = fs_err::read_to_string(path)?;
    let file = SourceFile::new(display_path(path, root), text);
    let mut r = TomlReader::new(&file);
    let parsed = r.parse().and_then(|doc| {
        let t = doc.as_table();
        r.check_keys(t, SNAPSHOT_KEYS, "a release file");
        let whole = Some(0..0);
        let mut req = |k: &str| {
            r.required_string(
                t,
                whole.clone(),
                k,
                "a release file",
                "release files are written by `whet prompt release`; restore it from git",
            )
        };
        let version = req("version");
        let hash = req("hash");
        let author = req("author");
        let released_at = req("released_at");
        let message = req("message");
        let source = req("source");
        let source_path = r
            .string(t, "source_path")
            .map(|s| s.value)
            .unwrap_or_default();
        let evidence = r.string(t, "evidence").map(|s| s.value);
        let mut maps = [BTreeMap::new(), BTreeMap::new()];
        for (key, map) in ["partials", "files"].iter().zip(maps.iter_mut()) {
            if let Some(sub) = r.table(t, key) {
                for (k, _) in sub.iter() {
                    if let Some(v) = r.string(sub, k) {
                        map.insert(k.to_owned(), v.value);
                    }
                }
            }
        }
        let version = version.and_then(|v| match Version::parse(&v.value) {
            Ok(p) => Some(p),
            Err(e) => {
                r.error(
                    "bad-semver",
                    v.span,
                    format!("`version` is not a semantic version: {e}"),
                );
                None
            }
        });
        let hash = hash.and_then(|h| {
            let parsed = ContentHash::parse(&h.value);
            if parsed.is_none() {
                r.error(
                    "bad-hash",
                    h.span,
                    "`hash` must be `sha256:` and 64 lowercase hex digits",
                );
            }
            parsed
        });
        let released_at =
            released_at.and_then(|t| match OffsetDateTime::parse(&t.value, &Rfc3339) {
                Ok(p) => Some(p),
                Err(e) => {
                    r.error(
                        "bad-time",
                        t.span,
                        format!("`released_at` is not an RFC 3339 time: {e}"),
                    );
                    None
                }
            });
        let [partials, files] = maps;
        Some(Snapshot {
            meta: ReleaseMeta {
                version: version?,
                hash: hash?,
                author: author?.value,
                released_at: released_at?,
                message: message?.value,
                evidence,
            },
            source: source?.value,
            source_path,
            partials,
            files,
            path: display_path(path, root),
        })
    });
    if has_errors(&r.diags) {
        return Err(RegistryError::Invalid(r.diags));
    }
    parsed.ok_or(RegistryError::Invalid(r.diags))
}

/// Loads the prompt inside a snapshot.
pub fn load_snapshot(snap: &Snapshot) -> Result<Prompt, RegistryError> {
    let file = SourceFile::new(
        format!("{} [source]", snap.path.display()),
        snap.source.as_str(),
    );
    match load_prompt(&file, snap) {
        (Some(p), _) => Ok(p),
        (None, diags) => Err(RegistryError::Invalid(diags)),
    }
}

fn changelog_with(old: &str, name: &str, meta: &ReleaseMeta, previous: Option<&Version>) -> String {
    let title = format!("# Changelog of `{name}`\n");
    let body = old
        .strip_prefix(title.as_str())
        .unwrap_or(old)
        .trim_start_matches('\n');
    let date = meta.released_at.date();
    let mut entry = format!(
        "\n## {} — {date}\n\n{}\n\n",
        meta.version,
        meta.message.trim()
    );
    entry.push_str(&format!(
        "- author: {}\n- content: `{}`\n",
        meta.author, meta.hash
    ));
    if let Some(p) = previous {
        entry.push_str(&format!("- previous: {p}\n"));
    }
    if let Some(e) = &meta.evidence {
        entry.push_str(&format!("- evidence: {e}\n"));
    }
    let mut out = title;
    out.push_str(&entry);
    if !body.is_empty() {
        out.push('\n');
        out.push_str(body);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(label: &str, action: LabelAction, to: &str) -> LabelEvent {
        LabelEvent {
            at: String::new(),
            label: label.into(),
            action,
            from: None,
            to: Version::parse(to).unwrap(),
            by: String::new(),
            why: None,
        }
    }

    #[test]
    fn rollback_pops_the_label_stack() {
        use LabelAction::{Move, Rollback};
        let h = [
            ev("production", Move, "1.0.0"),
            ev("production", Move, "1.1.0"),
            ev("staging", Move, "1.2.0"),
            ev("production", Move, "1.2.0"),
            ev("production", Rollback, "1.1.0"),
        ];
        let stacks = label_stacks(&h);
        let v = |s: &str| Version::parse(s).unwrap();
        assert_eq!(stacks["production"], vec![v("1.0.0"), v("1.1.0")]);
        assert_eq!(stacks["staging"], vec![v("1.2.0")]);
    }

    #[test]
    fn bumps_follow_semver() {
        let v = Version::new(1, 2, 3);
        assert_eq!(Bump::Patch.apply(&v), Version::new(1, 2, 4));
        assert_eq!(Bump::Minor.apply(&v), Version::new(1, 3, 0));
        assert_eq!(Bump::Major.apply(&v), Version::new(2, 0, 0));
        let rc = Version::parse("2.0.0-rc.1").unwrap();
        assert_eq!(Bump::Patch.apply(&rc), Version::new(2, 0, 0));
        assert_eq!(Bump::Major.apply(&rc), Version::new(2, 0, 0));
        let rc = Version::parse("2.1.3-beta").unwrap();
        assert_eq!(Bump::Minor.apply(&rc), Version::new(2, 2, 0));
    }

    #[test]
    fn changelog_puts_the_newest_first() {
        let meta = |v: &str| ReleaseMeta {
            version: Version::parse(v).unwrap(),
            hash: ContentHash::of(v.as_bytes()),
            author: "Ada".into(),
            released_at: OffsetDateTime::UNIX_EPOCH,
            message: format!("release {v}"),
            evidence: None,
        };
        let one = changelog_with("", "reply", &meta("1.0.0"), None);
        let two = changelog_with(&one, "reply", &meta("1.1.0"), Some(&Version::new(1, 0, 0)));
        assert!(
            two.starts_with("# Changelog of `reply`\n\n## 1.1.0"),
            "{two}"
        );
        assert!(two.find("## 1.1.0").unwrap() < two.find("## 1.0.0").unwrap());
        assert_eq!(two.matches("# Changelog").count(), 1);
    }
}
