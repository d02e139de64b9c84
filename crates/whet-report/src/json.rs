//! The whole run as one JSON document,
//! `{"meta", "summary", "comparison", "gate", "results": [...]}`, for tools
//! that read whet's output. Results are serialized one by one as the
//! iterator yields them (one per line), so a run of any size is written
//! without holding it. The field shapes are [`whet_eval::record`]'s.

use std::io::{BufWriter, Write};

use whet_eval::record::{CaseResult, Comparison, GateVerdict, RunMeta, Summary};

use crate::Error;

/// Writes the JSON document to `w`. `comparison` and `gate` are `null` when
/// absent.
pub fn write<W: Write>(
    meta: &RunMeta,
    summary: &Summary,
    comparison: Option<&Comparison>,
    gate: Option<&GateVerdict>,
    results: impl IntoIterator<Item = CaseResult>,
    w: W,
) -> Result<(), Error> {
    let mut w = BufWriter::new(w);
    w.write_all(b"{\"meta\":")?;
    serde_json::to_writer(&mut w, meta)?;
    w.write_all(b",\n\"summary\":")?;
    serde_json::to_writer(&mut w, summary)?;
    w.write_all(b",\n\"comparison\":")?;
    serde_json::to_writer(&mut w, &comparison)?;
    w.write_all(b",\n\"gate\":")?;
    serde_json::to_writer(&mut w, &gate)?;
    w.write_all(b",\n\"results\":[")?;
    for (i, r) in results.into_iter().enumerate() {
        w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut w, &r)?;
    }
    w.write_all(b"\n]}\n")?;
    w.flush()?;
    Ok(())
}
