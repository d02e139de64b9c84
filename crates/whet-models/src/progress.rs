//! Progress reporting for long operations, so a caller can draw a bar.

/// The stage a pull is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Downloading: pip fetching wheels, or an HTTP(S) body arriving.
    Download,
    /// Extracting members from the wheels, assembling and hashing them.
    Extract,
    /// Re-hashing files already on disk.
    Verify,
}

impl Phase {
    /// A short lowercase label: `download`, `extract` or `verify`.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Download => "download",
            Phase::Extract => "extract",
            Phase::Verify => "verify",
        }
    }
}

/// One progress report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgressUpdate {
    /// The current stage.
    pub phase: Phase,
    /// Bytes done so far in this stage.
    pub done: u64,
    /// Bytes this stage will handle, when known. For pip downloads this is an
    /// estimate; `done` never exceeds it.
    pub total: Option<u64>,
}

/// Receives progress reports. Implemented for every `FnMut(ProgressUpdate)`.
pub trait Progress {
    /// Called repeatedly as work advances; `done` never decreases within a phase.
    fn update(&mut self, update: ProgressUpdate);
}

impl<F: FnMut(ProgressUpdate)> Progress for F {
    fn update(&mut self, update: ProgressUpdate) {
        self(update);
    }
}

/// A [`Progress`] that ignores every report.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn update(&mut self, _update: ProgressUpdate) {}
}

/// Wraps a [`Progress`] for one phase, keeping reports monotonic and
/// reporting at most once per `STEP` bytes (plus the final one).
pub(crate) struct PhaseReporter<'a> {
    inner: &'a mut dyn Progress,
    phase: Phase,
    total: Option<u64>,
    done: u64,
    last_reported: Option<u64>,
}

const STEP: u64 = 1 << 20;

impl<'a> PhaseReporter<'a> {
    pub(crate) fn new(inner: &'a mut dyn Progress, phase: Phase, total: Option<u64>) -> Self {
        let mut reporter = PhaseReporter {
            inner,
            phase,
            total,
            done: 0,
            last_reported: None,
        };
        reporter.report();
        reporter
    }

    /// Adds `n` bytes to the count.
    pub(crate) fn advance(&mut self, n: u64) {
        self.set(self.done.saturating_add(n));
    }

    /// Sets the count to `done` (ignored if it would go backwards).
    pub(crate) fn set(&mut self, done: u64) {
        let done = match self.total {
            Some(total) => done.min(total),
            None => done,
        };
        if done <= self.done && self.last_reported.is_some() {
            return;
        }
        self.done = done;
        let due = match self.last_reported {
            None => true,
            Some(last) => done - last >= STEP || Some(done) == self.total,
        };
        if due {
            self.report();
        }
    }

    /// Reports the final count, also when the total was an estimate.
    pub(crate) fn finish(mut self) {
        if let Some(total) = self.total {
            self.done = total;
        }
        if self.last_reported != Some(self.done) {
            self.report();
        }
    }

    fn report(&mut self) {
        self.last_reported = Some(self.done);
        self.inner.update(ProgressUpdate {
            phase: self.phase,
            done: self.done,
            total: self.total,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reporter_is_monotonic_and_throttled() {
        let mut seen = Vec::new();
        let mut sink = |u: ProgressUpdate| seen.push((u.phase, u.done, u.total));
        let mut r = PhaseReporter::new(&mut sink, Phase::Extract, Some(3 * STEP));
        r.advance(10);
        r.advance(STEP);
        r.set(5); // backwards: ignored
        r.advance(10 * STEP); // clamped to total
        r.finish();
        assert_eq!(
            seen,
            vec![
                (Phase::Extract, 0, Some(3 * STEP)),
                (Phase::Extract, STEP + 10, Some(3 * STEP)),
                (Phase::Extract, 3 * STEP, Some(3 * STEP)),
            ]
        );
    }

    #[test]
    fn finish_with_estimate_reports_total() {
        let mut seen = Vec::new();
        let mut sink = |u: ProgressUpdate| seen.push(u.done);
        let mut r = PhaseReporter::new(&mut sink, Phase::Download, Some(100));
        r.set(40);
        r.finish();
        assert_eq!(seen, vec![0, 100]);
    }
}
