//! (stub: being written; the constructor and trait impl are the fixed API)

use crate::{Finding, Scanner};

/// Placeholder until the real scanner lands.
#[derive(Debug, Default)]
pub struct InjectionScanner;

impl InjectionScanner {
    /// The scanner with its default configuration.
    pub fn new() -> InjectionScanner {
        InjectionScanner
    }
}

impl Scanner for InjectionScanner {
    fn name(&self) -> &'static str {
        "injection"
    }

    fn scan(&self, _text: &str, _out: &mut Vec<Finding>) {}
}
