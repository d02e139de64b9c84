//! This crate provides whet's prompt registry: prompt files on disk, their
//! templates and diagnostics, and the release lifecycle around them.
//!
//! # Brief overview
//!
//! - [`Project`] finds `whet.toml` and knows where prompts live.
//! - [`parse_prompt`] reads `prompts/NAME.toml` into a [`PromptSpec`], keeping
//!   spans; [`load_prompt`] resolves partials and schemas into a [`Prompt`].
//! - [`lint()`] runs every check and returns [`Diagnostic`]s with spans and
//!   hints; it never fails and never prints.
//! - [`Registry`] cuts immutable releases, moves labels, rolls back, and
//!   resolves `NAME`, `NAME@VERSION` and `NAME:LABEL` to a [`Prompt`].
//! - [`vars::bind`] checks variable values; [`Prompt::render`] produces messages.
//!
//! ```
//! use whet_registry::{SourceFile, parse_prompt};
//! let file = SourceFile::new("hello.toml", r#"
//! name = "hello"
//! description = "Greets someone"
//! owner = "docs"
//! [variables.who]
//! type = "string"
//! [[messages]]
//! role = "user"
//! content = "Say hello to {{ who }}"
//! "#);
//! let (spec, diagnostics) = parse_prompt(&file);
//! assert!(diagnostics.is_empty());
//! assert_eq!(spec.unwrap().name.value, "hello");
//! ```
//!
//! Design choice: lint returns values instead of `Result`, so one run can
//! report every problem in every file. Operations that change files
//! ([`Registry::cut_release`], label moves) take a per-prompt lock and write
//! through temporary files renamed into place, so concurrent whet processes
//! and crashes never leave a half-written registry.

mod canonical;
mod diag;
mod error;
pub mod git;
pub mod guard;
mod lint;
mod load;
mod lock;
mod project;
mod release;
mod spec;
pub mod template;
mod toml_read;
pub mod vars;

pub use canonical::{diff, sort_keys};
pub use diag::{Diagnostic, DiagnosticRecord, Severity, SourceFile, did_you_mean, has_errors};
pub use error::RegistryError;
pub use lint::{LintReport, lint};
pub use load::{Prompt, Sources, load_prompt};
pub use project::{
    CONFIG_FILE, ModelAlias, Project, ProjectConfig, ProviderConfig, WorkingTree, parse_config,
};
pub use release::{
    Bump, LabelAction, LabelEvent, NextVersion, Registry, ReleaseMeta, ReleaseOutcome,
    ReleaseRequest, Resolved, Snapshot, label_stacks,
};
pub use spec::{
    MessageTemplate, PromptSpec, SchemaSource, TemplateOrigin, ToolSpec, VarSpec, VarType,
    parse_prompt,
};
pub use toml_read::Spanned;
