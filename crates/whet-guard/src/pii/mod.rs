//! (stub: being written; the constructor and trait impl are the fixed API)

use crate::{Finding, Scanner};

/// Placeholder until the real scanner lands.
#[derive(Debug, Default)]
pub struct PiiScanner;

impl PiiScanner {
    /// The scanner with its default configuration.
    pub fn new() -> PiiScanner {
        PiiScanner
    }
}

impl Scanner for PiiScanner {
    fn name(&self) -> &'static str {
        "pii"
    }

    fn scan(&self, _text: &str, _out: &mut Vec<Finding>) {}
}
