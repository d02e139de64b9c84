//! Turning generated token bytes into text: UTF-8 split across tokens, and
//! stop sequences that must never reach the caller.

/// Collects the bytes of generated tokens and hands out text that is safe to
/// show: complete UTF-8 characters that cannot be the start of a stop
/// sequence. Once a stop sequence appears the text is cut before it.
#[derive(Debug, Default)]
pub(crate) struct TextSink {
    /// Bytes of an incomplete UTF-8 character.
    pending: Vec<u8>,
    /// All decoded text (cut at a stop sequence once one is found).
    text: String,
    /// How much of `text` has been handed out.
    emitted: usize,
    stops: Vec<String>,
    stopped: bool,
}

impl TextSink {
    /// A sink watching for `stops` (empty strings are ignored).
    pub(crate) fn new(stops: &[String]) -> Self {
        TextSink {
            stops: stops.iter().filter(|s| !s.is_empty()).cloned().collect(),
            ..TextSink::default()
        }
    }

    /// Whether a stop sequence has been seen.
    pub(crate) fn stopped(&self) -> bool {
        self.stopped
    }

    /// Adds a token's bytes; returns the text that became safe to show
    /// (possibly empty).
    pub(crate) fn push(&mut self, bytes: &[u8]) -> String {
        if self.stopped {
            return String::new();
        }
        self.pending.extend_from_slice(bytes);
        self.decode_pending();
        self.release(false)
    }

    /// Ends the text: flushes incomplete bytes (as U+FFFD) and held-back
    /// text; returns what had not been handed out yet.
    pub(crate) fn finish(&mut self) -> String {
        if !self.stopped && !self.pending.is_empty() {
            let rest = String::from_utf8_lossy(&self.pending).into_owned();
            self.text.push_str(&rest);
        }
        self.pending.clear();
        if self.stopped {
            return String::new();
        }
        self.release(true)
    }

    /// Everything handed out so far.
    #[cfg(test)]
    pub(crate) fn text(&self) -> &str {
        &self.text[..self.emitted]
    }

    fn decode_pending(&mut self) {
        loop {
            match std::str::from_utf8(&self.pending) {
                Ok(s) => {
                    self.text.push_str(s);
                    self.pending.clear();
                    return;
                }
                Err(e) => {
                    let valid = e.valid_up_to();
                    // `valid` bytes are UTF-8 by the error's contract.
                    self.text
                        .push_str(&String::from_utf8_lossy(&self.pending[..valid]));
                    match e.error_len() {
                        // An incomplete character at the end: wait for more.
                        None => {
                            self.pending.drain(..valid);
                            return;
                        }
                        Some(bad) => {
                            self.text.push(char::REPLACEMENT_CHARACTER);
                            self.pending.drain(..valid + bad);
                        }
                    }
                }
            }
        }
    }

    fn release(&mut self, all: bool) -> String {
        let fresh = &self.text[self.emitted..];
        let first_stop = self
            .stops
            .iter()
            .filter_map(|stop| fresh.find(stop.as_str()))
            .min();
        if let Some(at) = first_stop {
            self.text.truncate(self.emitted + at);
            self.stopped = true;
        }
        let end = if self.stopped || all {
            self.text.len()
        } else {
            self.text.len() - held_back(&self.text[self.emitted..], &self.stops)
        };
        let out = self.text[self.emitted..end].to_owned();
        self.emitted = end;
        out
    }
}

/// The length of the longest suffix of `text` that is a proper prefix of
/// one of `stops` (text that may still become a stop sequence).
fn held_back(text: &str, stops: &[String]) -> usize {
    let bytes = text.as_bytes();
    let mut longest = 0;
    for stop in stops {
        let stop = stop.as_bytes();
        let max = (stop.len() - 1).min(bytes.len());
        for len in (longest + 1..=max).rev() {
            let start = bytes.len() - len;
            if text.is_char_boundary(start) && bytes[start..] == stop[..len] {
                longest = len;
                break;
            }
        }
    }
    longest
}

/// The natural-log probability of `token` under `logits` (a softmax over
/// the raw logits, before temperature or constraints).
pub(crate) fn logprob(logits: &[f32], token: usize) -> f64 {
    let Some(&chosen) = logits.get(token) else {
        return f64::NEG_INFINITY;
    };
    let max = logits
        .iter()
        .copied()
        .fold(f32::NEG_INFINITY, f32::max)
        .max(chosen);
    let max = f64::from(max);
    let sum: f64 = logits.iter().map(|&l| (f64::from(l) - max).exp()).sum();
    f64::from(chosen) - max - sum.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(stops: &[&str], pieces: &[&[u8]]) -> (Vec<String>, String, bool) {
        let stops: Vec<String> = stops.iter().map(|s| (*s).to_owned()).collect();
        let mut sink = TextSink::new(&stops);
        let mut out = Vec::new();
        for p in pieces {
            out.push(sink.push(p));
            if sink.stopped() {
                break;
            }
        }
        out.push(sink.finish());
        let all: String = out.concat();
        assert_eq!(all, sink.text());
        (out, all, sink.stopped())
    }

    #[test]
    fn multibyte_characters_split_across_tokens_are_joined() {
        let euro = "€".as_bytes(); // e2 82 ac
        let (pieces, all, _) = run(&[], &[b"a", &euro[..1], &euro[1..2], &euro[2..], b"b"]);
        assert_eq!(all, "a€b");
        assert!(pieces.iter().all(|p| !p.contains('\u{FFFD}')), "{pieces:?}");
        assert_eq!(pieces[1], "");
        assert_eq!(pieces[3], "€");
    }

    #[test]
    fn invalid_bytes_become_replacement_characters() {
        let (_, all, _) = run(&[], &[b"a\xff", b"b", b"\xe2\x82"]);
        assert_eq!(all, "a\u{FFFD}b\u{FFFD}");
    }

    #[test]
    fn stop_sequences_are_trimmed_even_across_pieces() {
        let (pieces, all, stopped) = run(&["\n\n", "END"], &[b"one", b" E", b"N", b"D more"]);
        assert_eq!(all, "one ");
        assert!(stopped);
        // "E" and "N" are held back until they turn out to be the stop.
        assert_eq!(pieces, vec!["one", " ", "", "", ""]);

        let (_, all, stopped) = run(&["END"], &[b"one E", b"Nd"]);
        assert_eq!((all.as_str(), stopped), ("one ENd", false));

        let (_, all, stopped) = run(&["x"], &[b"abxcd"]);
        assert_eq!((all.as_str(), stopped), ("ab", true));
    }

    #[test]
    fn the_earliest_stop_wins() {
        let (_, all, _) = run(&["cd", "b"], &[b"abcd"]);
        assert_eq!(all, "a");
    }

    #[test]
    fn held_back_respects_char_boundaries() {
        assert_eq!(held_back("a€", &["€x".to_owned()]), "€".len());
        assert_eq!(held_back("ab", &["bc".to_owned(), "abc".to_owned()]), 2);
        assert_eq!(held_back("ab", &["x".to_owned()]), 0);
    }

    #[test]
    fn logprobs_are_a_log_softmax() {
        let lp = logprob(&[0.0, 0.0], 1);
        assert!((lp - 0.5f64.ln()).abs() < 1e-9, "{lp}");
        let lp = logprob(&[1000.0, 0.0], 0);
        assert!(lp.abs() < 1e-9, "{lp}");
        assert_eq!(logprob(&[0.0], 5), f64::NEG_INFINITY);
    }
}
