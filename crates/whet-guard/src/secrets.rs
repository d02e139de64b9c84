//! (stub: being written; the constructor and trait impl are the fixed API)

use crate::{Finding, Scanner};

/// Placeholder until the real scanner lands.
#[derive(Debug, Default)]
pub struct SecretScanner;

impl SecretScanner {
    /// The scanner with its default configuration.
    pub fn new() -> SecretScanner {
        SecretScanner
    }
}

impl Scanner for SecretScanner {
    fn name(&self) -> &'static str {
        "secrets"
    }

    fn scan(&self, _text: &str, _out: &mut Vec<Finding>) {}
}
