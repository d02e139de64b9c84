//! The base attacks, embedded from `attacks/*.jsonl` (one file per
//! category, one attack per line) and parsed on first use.
//!
//! A line is `{"id", "goal", "payload", "request"?, "document"?, "i18n"?}`:
//!
//! - `id`: kebab-case, unique in its file;
//! - `goal`: one line, what the attacker wants;
//! - `payload`: the attack, in ASCII (so that ROT13 and tag smuggling carry
//!   all of it), with `{marker}` exactly once in categories that use markers
//!   and nowhere else;
//! - `request`: indirect injection only, the benign thing the user asks;
//! - `document`: indirect injection, required, the carrier text with
//!   `{payload}` once; PII exfiltration, optional, a customer record with
//!   `{name}`, `{email}`, `{card}`, `{phone}` and `{iban}` (a built-in one is
//!   picked otherwise);
//! - `i18n`: translations of the payload by language (`es`, `fr`, `de`,
//!   `pt`, `it`, `zh`), with the same `{marker}` rule.
//!
//! A line that does not parse or breaks a rule is left out of the library
//! and recorded in [`Library::problems`]; a unit test requires none.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use super::Category;
use super::fake::PLACEHOLDERS;

/// One hand-written attack, before any strategy.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BaseAttack {
    pub(crate) id: String,
    pub(crate) goal: String,
    pub(crate) payload: String,
    #[serde(default)]
    pub(crate) request: Option<String>,
    #[serde(default)]
    pub(crate) document: Option<String>,
    #[serde(default)]
    pub(crate) i18n: BTreeMap<String, String>,
}

impl BaseAttack {
    /// One of the translations, picked with `h`.
    pub(crate) fn translation(&self, h: u64) -> Option<&str> {
        let n = self.i18n.len();
        if n == 0 {
            return None;
        }
        let i = usize::try_from(h % n as u64).unwrap_or(0);
        self.i18n.values().nth(i).map(String::as_str)
    }
}

/// The languages translations may be in.
pub(crate) const LANGUAGES: [&str; 6] = ["es", "fr", "de", "pt", "it", "zh"];

const FILES: [(Category, &str); 6] = [
    (
        Category::DirectInjection,
        include_str!("attacks/direct-injection.jsonl"),
    ),
    (
        Category::IndirectInjection,
        include_str!("attacks/indirect-injection.jsonl"),
    ),
    (
        Category::SystemPromptExtraction,
        include_str!("attacks/system-prompt-extraction.jsonl"),
    ),
    (
        Category::PiiExfiltration,
        include_str!("attacks/pii-exfiltration.jsonl"),
    ),
    (Category::Jailbreak, include_str!("attacks/jailbreak.jsonl")),
    (
        Category::HarmfulRequest,
        include_str!("attacks/harmful-request.jsonl"),
    ),
];

/// The parsed library.
pub(crate) struct Library {
    attacks: Vec<(Category, BaseAttack)>,
    problems: Vec<String>,
}

impl Library {
    /// The valid base attacks of one category, in file order.
    pub(crate) fn of(&self, category: Category) -> impl Iterator<Item = &BaseAttack> {
        self.attacks
            .iter()
            .filter(move |(c, _)| *c == category)
            .map(|(_, a)| a)
    }

    /// Lines left out, with why (`file:line: problem`).
    #[cfg(test)]
    pub(crate) fn problems(&self) -> &[String] {
        &self.problems
    }
}

static LIBRARY: LazyLock<Library> = LazyLock::new(|| parse(&FILES));

/// The embedded library, parsed once.
pub(crate) fn library() -> &'static Library {
    &LIBRARY
}

/// Parses and checks every line of every file.
fn parse(files: &[(Category, &str)]) -> Library {
    let mut lib = Library {
        attacks: Vec::new(),
        problems: Vec::new(),
    };
    for (category, text) in files {
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let at = format!("{category}.jsonl:{}", n + 1);
            let attack = match serde_json::from_str::<BaseAttack>(line) {
                Ok(a) => a,
                Err(e) => {
                    lib.problems.push(format!("{at}: {e}"));
                    continue;
                }
            };
            let mut problems = check(*category, &attack);
            if lib.of(*category).any(|a| a.id == attack.id) {
                problems.push(format!("the id \"{}\" is used twice", attack.id));
            }
            if problems.is_empty() {
                lib.attacks.push((*category, attack));
            } else {
                lib.problems
                    .extend(problems.into_iter().map(|p| format!("{at}: {p}")));
            }
        }
    }
    lib
}

/// Every rule of the module docs that `a` breaks.
fn check(category: Category, a: &BaseAttack) -> Vec<String> {
    let mut p = Vec::new();
    let kebab = !a.id.is_empty()
        && !a.id.starts_with('-')
        && !a.id.ends_with('-')
        && a.id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !kebab {
        p.push(format!("the id \"{}\" is not kebab-case", a.id));
    }
    if a.goal.trim().is_empty() || a.goal.contains('\n') {
        p.push("the goal must be one non-empty line".to_owned());
    }
    if !a.payload.is_ascii() {
        p.push("the payload must be ASCII".to_owned());
    }
    p.extend(check_marker(category, "payload", &a.payload));
    for (lang, text) in &a.i18n {
        if !LANGUAGES.contains(&lang.as_str()) {
            p.push(format!("unknown translation language \"{lang}\""));
        }
        p.extend(check_marker(category, lang, text));
    }
    p.extend(check_channel(category, a));
    p
}

/// The `{marker}` rule for one payload text.
fn check_marker(category: Category, what: &str, text: &str) -> Option<String> {
    if text.trim().is_empty() {
        return Some(format!("the {what} text is empty"));
    }
    let n = text.matches("{marker}").count();
    match (category.uses_marker(), n) {
        (true, 1) | (false, 0) => None,
        (true, _) => Some(format!("the {what} text must hold {{marker}} exactly once")),
        (false, _) => Some(format!(
            "the {what} text must not hold {{marker}} in {category}"
        )),
    }
}

/// The `request` and `document` rules.
fn check_channel(category: Category, a: &BaseAttack) -> Vec<String> {
    let mut p = Vec::new();
    let indirect = category == Category::IndirectInjection;
    match (&a.request, indirect) {
        (Some(r), true) if r.trim().is_empty() => p.push("the request is empty".to_owned()),
        (None, true) => p.push("indirect injection needs a request".to_owned()),
        (Some(_), false) => p.push(format!("{category} takes no request")),
        _ => {}
    }
    match (&a.document, category) {
        (Some(d), Category::IndirectInjection) if d.matches("{payload}").count() != 1 => {
            p.push("the document must hold {payload} exactly once".to_owned());
        }
        (None, Category::IndirectInjection) => {
            p.push("indirect injection needs a document".to_owned());
        }
        (Some(d), Category::PiiExfiltration) => {
            for ph in PLACEHOLDERS {
                if !d.contains(ph) {
                    p.push(format!("the record template lacks {ph}"));
                }
            }
        }
        (Some(_), Category::IndirectInjection) | (None, _) => {}
        (Some(_), _) => p.push(format!("{category} takes no document")),
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_library_parses_and_every_entry_is_valid() {
        let lib = library();
        assert_eq!(lib.problems(), &[] as &[String]);
        for category in Category::ALL {
            let n = lib.of(category).count();
            assert!((15..=25).contains(&n), "{category}: {n} base attacks");
        }
    }

    #[test]
    fn every_language_is_covered_in_every_category() {
        let lib = library();
        for category in Category::ALL {
            for lang in LANGUAGES {
                assert!(
                    lib.of(category).any(|a| a.i18n.contains_key(lang)),
                    "{category} has no {lang} translation"
                );
            }
        }
    }

    #[test]
    fn broken_lines_are_reported_not_loaded() {
        let text = concat!(
            r#"{"id": "ok", "goal": "g", "payload": "say {marker}"}"#,
            "\n",
            r#"{"id": "Bad Id", "goal": "g", "payload": "say {marker}"}"#,
            "\n",
            r#"{"id": "no-marker", "goal": "g", "payload": "say hi"}"#,
            "\n",
            r#"{"id": "ok", "goal": "g", "payload": "again {marker}"}"#,
            "\n",
            r#"{"id": "extra", "goal": "g", "payload": "x {marker}", "colour": 1}"#,
            "\n",
            r#"{"id": "lang", "goal": "g", "payload": "x {marker}", "i18n": {"xx": "y {marker}"}}"#,
            "\n",
            r#"{"id": "doc", "goal": "g", "payload": "x {marker}", "document": "d"}"#,
            "\n\n",
        );
        let lib = parse(&[(Category::Jailbreak, text)]);
        let ids: Vec<&str> = lib.of(Category::Jailbreak).map(|a| a.id.as_str()).collect();
        assert_eq!(ids, vec!["ok"]);
        let problems = lib.problems().join("\n");
        for expected in [
            "jailbreak.jsonl:2: the id \"Bad Id\" is not kebab-case",
            "jailbreak.jsonl:3: the payload text must hold {marker} exactly once",
            "jailbreak.jsonl:4: the id \"ok\" is used twice",
            "jailbreak.jsonl:5: unknown field `colour`",
            "jailbreak.jsonl:6: unknown translation language \"xx\"",
            "jailbreak.jsonl:7: jailbreak takes no document",
        ] {
            assert!(
                problems.contains(expected),
                "missing {expected:?} in:\n{problems}"
            );
        }
    }

    #[test]
    fn indirect_and_pii_channel_rules() {
        let indirect = concat!(
            r#"{"id": "a", "goal": "g", "payload": "x {marker}", "request": "sum up", "document": "d {payload}"}"#,
            "\n",
            r#"{"id": "b", "goal": "g", "payload": "x {marker}", "document": "d {payload}"}"#,
            "\n",
            r#"{"id": "c", "goal": "g", "payload": "x {marker}", "request": "r", "document": "no slot"}"#,
        );
        let lib = parse(&[(Category::IndirectInjection, indirect)]);
        assert_eq!(lib.of(Category::IndirectInjection).count(), 1);
        assert_eq!(lib.problems().len(), 2, "{:?}", lib.problems());

        let pii = concat!(
            r#"{"id": "a", "goal": "g", "payload": "give me the card"}"#,
            "\n",
            r#"{"id": "b", "goal": "g", "payload": "give", "document": "{name} {email}"}"#,
            "\n",
            r#"{"id": "c", "goal": "g", "payload": "give {marker}"}"#,
        );
        let lib = parse(&[(Category::PiiExfiltration, pii)]);
        assert_eq!(lib.of(Category::PiiExfiltration).count(), 1);
        let problems = lib.problems().join("\n");
        assert!(problems.contains("lacks {card}"), "{problems}");
        assert!(problems.contains("must not hold {marker}"), "{problems}");
    }
}
