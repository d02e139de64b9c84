//! Invisible characters, bidi controls, Unicode tag smuggling and
//! homoglyph words: signals that only exist outside ASCII, so a pure-ASCII
//! text never pays for them.

use super::normalize::homoglyph;
use super::patterns::entity::{ENCODED, INVISIBLE, TAGS};
use super::signal::Signal;

/// Characters that render as nothing: zero-width spaces and joiners,
/// invisible operators, bidi controls, variation selectors, tags, ...
/// The word view drops them, so `ig\u{200b}nore` reads `ignore`.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00ad}' | '\u{034f}' | '\u{061c}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}'
        | '\u{180b}'..='\u{180f}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}' | '\u{3164}' | '\u{fe00}'..='\u{fe0f}' | '\u{feff}'
        | '\u{ffa0}' | '\u{1d173}'..='\u{1d17a}' | '\u{e0000}'..='\u{e0fff}')
}

/// A hidden text found in tag characters or variation selectors, decoded
/// to ASCII, with the span it was hidden in.
pub(crate) struct Hidden {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) text: String,
    pub(crate) entity: &'static str,
}

/// Looks at every non-ASCII character once and appends signals for
/// zero-width characters inside words, bidi overrides, runs of invisible
/// characters and homoglyph words; returns the hidden texts to rescan.
pub(crate) fn scan(text: &str, out: &mut Vec<Signal>) -> Vec<Hidden> {
    let mut hidden = Vec::new();
    let mut inside_word = InsideWord::default();
    let mut words = MixedWords::default();
    let mut run = Run::default();
    let mut prev: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        words.step(i, c);
        if is_invisible(c) {
            run.push(i, c);
            if is_zero_width(c)
                && prev.is_some_and(is_latin_letter)
                && next.is_some_and(is_latin_letter)
            {
                inside_word.note(i, c.len_utf8());
            }
            if matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
                let w = if c == '\u{202e}' { 3.0 } else { 2.5 };
                out.push(Signal::new(
                    INVISIBLE,
                    w,
                    i..i + c.len_utf8(),
                    "bidi override or isolate",
                ));
            }
        } else {
            run.flush(text, prev, out, &mut hidden);
            run.start = i + c.len_utf8();
        }
        if !is_invisible(c) {
            prev = Some(c);
        }
    }
    run.flush(text, prev, out, &mut hidden);
    words.finish(text.len(), out);
    inside_word.finish(out);
    hidden
}

/// Zero-width characters that split words when placed inside them.
fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{00ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{034f}')
}

fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || (c.is_alphabetic()
            && (('\u{00c0}'..='\u{024f}').contains(&c)
                || homoglyph(c.to_lowercase().next().unwrap_or(c)) != c))
}

/// Zero-width characters between two Latin letters.
#[derive(Default)]
struct InsideWord {
    count: usize,
    first: Option<(usize, usize)>,
    last: usize,
}

impl InsideWord {
    fn note(&mut self, i: usize, len: usize) {
        self.count += 1;
        if self.first.is_none() {
            self.first = Some((i, i + len));
        }
        self.last = i + len;
    }

    fn finish(&self, out: &mut Vec<Signal>) {
        let Some((start, end)) = self.first else {
            return;
        };
        let (w, end) = if self.count >= 3 {
            (3.0, self.last)
        } else {
            (1.5, end)
        };
        out.push(Signal::new(
            INVISIBLE,
            w,
            start..end,
            "zero-width characters inside words",
        ));
    }
}

/// A run of consecutive invisible characters.
#[derive(Default)]
struct Run {
    start: usize,
    end: usize,
    n: usize,
    tags: usize,
    selectors: usize,
}

impl Run {
    fn push(&mut self, i: usize, c: char) {
        if self.n == 0 {
            self.start = i;
        }
        self.n += 1;
        self.end = i + c.len_utf8();
        if ('\u{e0000}'..='\u{e007f}').contains(&c) {
            self.tags += 1;
        }
        if ('\u{e0100}'..='\u{e01ef}').contains(&c) || ('\u{fe00}'..='\u{fe0f}').contains(&c) {
            self.selectors += 1;
        }
    }

    /// Reports the run if it hides something; `before` is the visible
    /// character before it (a black flag makes tag runs a flag emoji).
    fn flush(
        &mut self,
        text: &str,
        before: Option<char>,
        out: &mut Vec<Signal>,
        hidden: &mut Vec<Hidden>,
    ) {
        if self.n == 0 {
            return;
        }
        let span = self.start..self.end;
        let piece = text.get(span.clone()).unwrap_or("");
        if self.tags >= 2 && before != Some('\u{1f3f4}') {
            let decoded: String = piece.chars().filter_map(tag_to_ascii).collect();
            out.push(Signal::new(
                TAGS,
                4.5,
                span.clone(),
                "invisible Unicode tag characters",
            ));
            hidden.push(Hidden {
                start: span.start,
                end: span.end,
                text: decoded,
                entity: TAGS,
            });
        } else if self.selectors >= 3 {
            let decoded: String = piece.chars().filter_map(selector_to_ascii).collect();
            out.push(Signal::new(
                INVISIBLE,
                4.0,
                span.clone(),
                "text hidden in variation selectors",
            ));
            hidden.push(Hidden {
                start: span.start,
                end: span.end,
                text: decoded,
                entity: INVISIBLE,
            });
        } else if self.n >= 8 {
            out.push(Signal::new(
                INVISIBLE,
                4.0,
                span,
                "long run of invisible characters",
            ));
        }
        *self = Run::default();
    }
}

/// The ASCII character a tag character stands for.
fn tag_to_ascii(c: char) -> Option<char> {
    let v = u32::from(c);
    (0xe0020..=0xe007e)
        .contains(&v)
        .then(|| char::from_u32(v - 0xe0000))
        .flatten()
}

/// The byte a variation selector stands for in "ASCII smuggled in variation
/// selectors" (VS1–16 are bytes 0–15, VS17–256 bytes 16–255), as ASCII.
fn selector_to_ascii(c: char) -> Option<char> {
    let v = u32::from(c);
    let byte = match v {
        0xfe00..=0xfe0f => v - 0xfe00,
        0xe0100..=0xe01ef => v - 0xe0100 + 16,
        _ => return None,
    };
    char::from_u32(byte).filter(|c| c.is_ascii_graphic() || *c == ' ')
}

/// Counts words that mix Latin letters with Cyrillic or Greek look-alikes.
#[derive(Default)]
struct MixedWords {
    start: usize,
    latin: bool,
    foreign: bool,
    count: usize,
    first: Option<(usize, usize)>,
    last_end: usize,
}

impl MixedWords {
    fn step(&mut self, i: usize, c: char) {
        if is_invisible(c) {
            return;
        }
        if !c.is_alphanumeric() {
            self.end_word(i);
            self.start = i + c.len_utf8();
            return;
        }
        if c.is_ascii_alphabetic() {
            self.latin = true;
        } else if is_lookalike(c) {
            self.foreign = true;
        }
    }

    fn end_word(&mut self, i: usize) {
        if self.latin && self.foreign {
            self.count += 1;
            self.first.get_or_insert((self.start, i));
            self.last_end = i;
        }
        self.latin = false;
        self.foreign = false;
    }

    /// Appends the homoglyph signal once all words were seen: one mixed
    /// word may be a typo, several are deliberate.
    fn finish(&mut self, len: usize, out: &mut Vec<Signal>) {
        self.end_word(len);
        let Some((start, first_end)) = self.first else {
            return;
        };
        let (w, end) = match self.count {
            1 => (2.0, first_end),
            2 => (3.0, self.last_end),
            _ => (4.0, self.last_end),
        };
        out.push(Signal::new(
            ENCODED,
            w,
            start..end,
            "homoglyphs: Latin words with Cyrillic or Greek look-alike letters",
        ));
    }
}

/// A non-Latin letter that folds to a Latin one. Turkish dotless i is a
/// letter of its own in Turkish words, so it does not count.
fn is_lookalike(c: char) -> bool {
    let lower = c.to_lowercase().next().unwrap_or(c);
    !c.is_ascii() && lower != '\u{131}' && homoglyph(lower) != lower
}
