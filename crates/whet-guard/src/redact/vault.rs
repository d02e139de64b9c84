//! The [`Vault`]: placeholders and the values they stand for, for one
//! request.

use std::collections::HashMap;
use std::fmt;

/// The originals behind the placeholders of one request, so that a model's
/// output can be de-anonymized before the user sees it.
///
/// A vault holds personal data: it lives in memory for one request and is
/// never serialized, stored or logged. It has no `Serialize`, and its
/// `Debug` shows the number of placeholders only.
#[derive(Default, Clone)]
pub struct Vault {
    /// `(placeholder name without brackets, original)`, in creation order.
    entries: Vec<(String, String)>,
    /// Label → original → index in `entries`.
    by_value: HashMap<String, HashMap<String, usize>>,
    /// Placeholder name (`EMAIL_ADDRESS_1`) → index in `entries`.
    by_name: HashMap<String, usize>,
}

impl Vault {
    /// An empty vault, for a new request.
    pub fn new() -> Vault {
        Vault::default()
    }

    /// How many placeholders were handed out.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no placeholder was handed out.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The placeholder for `value` of entity `label` (already cleaned to
    /// `[A-Z0-9_]`), `<LABEL_N>`: the one it got before, or the next
    /// number for that label.
    pub(crate) fn placeholder(&mut self, label: &str, value: &str) -> String {
        let values = self.by_value.entry(label.to_owned()).or_default();
        let i = match values.get(value) {
            Some(&i) => i,
            None => {
                let name = format!("{label}_{}", values.len() + 1);
                let i = self.entries.len();
                values.insert(value.to_owned(), i);
                self.by_name.insert(name.clone(), i);
                self.entries.push((name, value.to_owned()));
                i
            }
        };
        let name = self.entries.get(i).map_or("", |(n, _)| n.as_str());
        format!("<{name}>")
    }

    /// `text` with every placeholder of this vault replaced by its
    /// original.
    ///
    /// Models copy placeholders imperfectly, so a placeholder is restored
    /// when it appears as a whole word either in angle brackets in any
    /// letter case (`<EMAIL_ADDRESS_1>`, `<email_address_1>`) or bare in
    /// upper case (`EMAIL_ADDRESS_1`). A bare lower-case `email_address_1`
    /// is left alone: it is more likely an identifier in code than a
    /// placeholder. Numbers this vault never handed out are left alone too.
    ///
    /// A text that already contained a placeholder-looking word before
    /// redaction (`<EMAIL_ADDRESS_1>` typed by the user) gets it replaced
    /// as well; only this request's own values can come back that way.
    pub fn restore(&self, text: &str) -> String {
        if self.entries.is_empty() {
            return text.to_owned();
        }
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut pos = 0;
        let mut i = 0;
        while i < bytes.len() {
            if !is_word(bytes[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && is_word(bytes[i]) {
                i += 1;
            }
            if let Some((from, to, value)) = self.lookup(text, start, i) {
                out.push_str(text.get(pos..from).unwrap_or_default());
                out.push_str(value);
                pos = to;
            }
        }
        out.push_str(text.get(pos..).unwrap_or_default());
        out
    }

    /// The span to replace and the original, when the word
    /// `text[start..end]` is one of this vault's placeholders. Word bytes
    /// are ASCII, so every index used here is a char boundary.
    fn lookup(&self, text: &str, start: usize, end: usize) -> Option<(usize, usize, &str)> {
        let word = text.get(start..end)?;
        if !word.contains('_') || !word.ends_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let bytes = text.as_bytes();
        let bracketed =
            start > 0 && bytes.get(start - 1) == Some(&b'<') && bytes.get(end) == Some(&b'>');
        let i = if bracketed {
            *self.by_name.get(&word.to_ascii_uppercase())?
        } else {
            *self.by_name.get(word)?
        };
        let value = self.entries.get(i).map(|(_, v)| v.as_str())?;
        Some(if bracketed {
            (start - 1, end + 1, value)
        } else {
            (start, end, value)
        })
    }
}

/// Shows how many placeholders the vault holds, never what they stand for.
impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vault")
            .field("placeholders", &self.entries.len())
            .finish_non_exhaustive()
    }
}

/// Bytes of a placeholder word: `[A-Za-z0-9_]`.
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}
