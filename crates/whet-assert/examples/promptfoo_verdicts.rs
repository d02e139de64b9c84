//! Grades every promptfoo conformance case with whet-assert and writes one
//! verdict a line, in the format `check_promptfoo_assertions.py` reads.
//!
//! Run with:
//!
//! ```text
//! cargo run -q -p whet-assert --example promptfoo_verdicts > verdicts.jsonl
//! python3 check_promptfoo_assertions.py verdicts.jsonl --strict-errors
//! ```

#[path = "../tests/support/promptfoo.rs"]
mod promptfoo;

use std::io::Write as _;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for case in promptfoo::cases()? {
        let id = case["id"].as_str().ok_or("a case without an id")?;
        let verdict = promptfoo::run(&case);
        writeln!(out, "{}", serde_json::to_string(&verdict.to_json(id))?)?;
    }
    Ok(())
}
