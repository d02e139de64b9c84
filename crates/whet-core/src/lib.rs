//! This crate provides the domain types every other whet crate speaks: a
//! [`PromptRef`] naming a prompt version, the [`Message`]s a rendered prompt
//! becomes, the [`ModelParams`] sent with it, and the [`ContentHash`] that
//! identifies released content.
//!
//! Architecture invariant: this crate does no I/O. It parses strings and
//! computes hashes; reading files, calling models and storing results belong
//! to the crates above it.
//!
//! ```
//! use whet_core::{PromptRef, Selector};
//! let r: PromptRef = "support-reply:production".parse()?;
//! assert_eq!(r.name, "support-reply");
//! assert_eq!(r.selector, Selector::Label("production".into()));
//! # Ok::<(), whet_core::RefError>(())
//! ```

mod hash;
mod message;
mod prompt_ref;

pub use hash::ContentHash;
pub use message::{Message, ModelParams, Role};
pub use prompt_ref::{PromptRef, RefError, Selector, validate_label, validate_name};
