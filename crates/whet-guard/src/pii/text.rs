//! Small text helpers the detectors share: looking at the character before
//! or after a byte offset without ever slicing inside a multi-byte char.
//!
//! Detectors work on bytes for speed and only ever cut at ASCII bytes, which
//! are always `char` boundaries; these helpers cover the few places that
//! must look at a neighbouring character that may not be ASCII.

/// The character that ends just before byte `i`, if `i` is a boundary.
pub(crate) fn prev_char(text: &str, i: usize) -> Option<char> {
    text.get(..i)?.chars().next_back()
}

/// The character that starts at byte `i`, if `i` is a boundary.
pub(crate) fn next_char(text: &str, i: usize) -> Option<char> {
    text.get(i..)?.chars().next()
}

/// Letters, digits and `_`: what continues a word.
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether the character before `i` continues a word (so a match starting
/// at `i` would start mid-word).
pub(crate) fn word_before(text: &str, i: usize) -> bool {
    prev_char(text, i).is_some_and(is_word_char)
}

/// Whether the character at `i` continues a word (so a match ending at `i`
/// would end mid-word).
pub(crate) fn word_after(text: &str, i: usize) -> bool {
    next_char(text, i).is_some_and(is_word_char)
}

/// The smallest char boundary `>= i` (clamped to the text).
pub(crate) fn ceil_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The number of ASCII digits in `b`; the scanners' cheapest gate.
pub(crate) fn count_digits(b: &[u8]) -> usize {
    // Byte-wide counters per chunk vectorize better than a usize count.
    b.chunks(255)
        .map(|c| {
            usize::from(
                c.iter()
                    .fold(0u8, |n, &x| n + u8::from(x.wrapping_sub(b'0') < 10)),
            )
        })
        .sum()
}

/// The first index `>= i` holding an ASCII digit (`b.len()` if none),
/// eight bytes at a time.
pub(crate) fn next_digit(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = b.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        // On the low seven bits adding at most 0x80 per byte never carries;
        // bytes with the high bit set (non-ASCII) are never digits.
        let v = x & !HIGH;
        let digits = (v + ONES * 0x50) & !(v + ONES * 0x46) & !x & HIGH;
        if digits != 0 {
            return i + (digits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && !b[i].is_ascii_digit() {
        i += 1;
    }
    i.min(b.len())
}

/// The parts of `text` within `reach` bytes of a digit, merged and cut at
/// char boundaries. A pattern that needs a digit and is never longer than
/// `reach` only ever matches inside one of them, so long texts with few
/// digits are searched only there.
pub(crate) fn digit_windows(text: &str, reach: usize) -> Vec<std::ops::Range<usize>> {
    let b = text.as_bytes();
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    let mut i = next_digit(b, 0);
    while i < b.len() {
        let start = i.saturating_sub(reach);
        let end = (i + 1 + reach).min(b.len());
        match out.last_mut() {
            Some(w) if start <= w.end => w.end = end,
            _ => out.push(start..end),
        }
        // Digits inside the current window only extend it: jump ahead.
        i = next_digit(b, (i + 1).max(end.saturating_sub(reach)));
    }
    for w in &mut out {
        *w = floor_boundary(text, w.start)..ceil_boundary(text, w.end);
    }
    out
}

/// The largest char boundary `<= i` (clamped to the text).
pub(crate) fn floor_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbours_respect_multibyte_chars() {
        let t = "é1€";
        assert_eq!(prev_char(t, 2), Some('é'));
        assert_eq!(prev_char(t, 1), None, "1 is inside 'é'");
        assert_eq!(next_char(t, 3), Some('€'));
        assert!(word_before(t, 2));
        assert!(!word_after(t, 3));
        assert_eq!(ceil_boundary(t, 4), 6);
        assert_eq!(ceil_boundary(t, 99), 6);
    }
}

#[cfg(test)]
mod window_tests {
    use super::*;

    #[test]
    fn next_digit_agrees_with_a_plain_search() {
        let t = "abcdefghé€ijklmnopqrstu7vwxyz 1 ééééééééé9";
        let b = t.as_bytes();
        for i in 0..=b.len() {
            let plain = (i..b.len())
                .find(|&k| b[k].is_ascii_digit())
                .unwrap_or(b.len());
            assert_eq!(next_digit(b, i), plain, "from {i}");
        }
    }

    #[test]
    fn windows_cover_every_digit_with_reach_and_merge() {
        let t = format!("{}1{}2{}3", "a".repeat(50), "b".repeat(5), "c".repeat(100));
        let w = digit_windows(&t, 10);
        assert_eq!(w, vec![40..67, 147..t.len()]);
        assert!(digit_windows("no digits", 10).is_empty());
    }
}
