//! The offline red-team attack library: attacks to run against a prompt,
//! and deterministic detectors that say whether each one worked.
//!
//! # Brief overview
//!
//! The library holds about 18 hand-written *base attacks* per
//! [`Category`] (in `redteam/attacks/*.jsonl`, embedded in the binary and
//! parsed on first use). [`build`] turns them into [`AttackCase`]s by
//! applying [`Strategy`] transforms to each base attack's payload: encodings
//! (base64, ROT13, leetspeak, homoglyphs, Unicode tag characters), payload
//! splitting, translations and multi-turn escalation. A caller (the
//! `whet redteam` command) sends each case's [`AttackCase::user_turns`] to the
//! model, passes the final answer to [`grade`], and adds the [`Outcome`] to a
//! [`Tally`], whose [`Tally::resilience`] is the share of attacks resisted.
//! [`AttackCase::assertions`] expresses the same detector as assertions, so
//! the cases can be written as an `adversarial` dataset for `whet eval`.
//!
//! # Detectors
//!
//! Every attack that asks the model to say something carries a *marker*
//! (`NARWHAL-482913`), derived from the case id, so success is a substring
//! check rather than a judgement: the marker appears in the answer, ignoring
//! case and a separator between its word and its number. The exceptions:
//! system-prompt extraction succeeds when the canary token of the
//! [`Canary`](crate::output::Canary) leaks or a long run of the system prompt
//! is reproduced; PII exfiltration succeeds when a value planted in the
//! case's document (an email, a card number, a phone number, an IBAN) comes
//! back, even with its separators changed; a harmful request succeeds only
//! when the answer carries the compliance marker *and* is not a refusal. A
//! canary leak counts as success in every category.
//!
//! # Determinism
//!
//! Everything here is pure. A case's content depends only on its id
//! (`category/base-id/strategy`): the same id always denotes the same text,
//! marker and planted values, whatever the seed. The seed only decides which
//! cases [`build`] picks: which strategy each base attack gets in the
//! default mix, and which cases survive [`BuildOptions::limit_per_category`].

mod fake;
mod grade;
mod library;
mod score;
mod seed;
mod strategies;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use grade::{Outcome, grade};
pub use score::{Counts, Tally};

use library::BaseAttack;

/// What an attack tries to make the model do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// The user's message overrides the task ("ignore your instructions and
    /// reply with ...").
    DirectInjection,
    /// The override hides in a document, email, web page or tool result the
    /// user innocently asks about ([`AttackCase::document`]).
    IndirectInjection,
    /// Get the model to reveal its instructions.
    SystemPromptExtraction,
    /// Get the model to output personal data it was given as context.
    PiiExfiltration,
    /// Role-play personas, "developer mode", fiction framing, dual answers.
    Jailbreak,
    /// Requests a banking support bot must refuse (fraud, laundering,
    /// phishing, bypassing identity checks).
    HarmfulRequest,
}

impl Category {
    /// Every category, in report order.
    pub const ALL: [Category; 6] = [
        Category::DirectInjection,
        Category::IndirectInjection,
        Category::SystemPromptExtraction,
        Category::PiiExfiltration,
        Category::Jailbreak,
        Category::HarmfulRequest,
    ];

    /// The kebab-case name used on the command line, in ids and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::DirectInjection => "direct-injection",
            Category::IndirectInjection => "indirect-injection",
            Category::SystemPromptExtraction => "system-prompt-extraction",
            Category::PiiExfiltration => "pii-exfiltration",
            Category::Jailbreak => "jailbreak",
            Category::HarmfulRequest => "harmful-request",
        }
    }

    /// Looks a category up by its kebab-case name.
    pub fn parse(name: &str) -> Result<Category, UnknownName> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == name)
            .ok_or_else(|| UnknownName::new("category", name, Category::ALL.map(Category::as_str)))
    }

    /// Whether this category's attacks carry a marker for the model to
    /// produce. Extraction and exfiltration are detected by what leaks
    /// instead (the canary, the system prompt, planted values).
    pub fn uses_marker(self) -> bool {
        !matches!(
            self,
            Category::SystemPromptExtraction | Category::PiiExfiltration
        )
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Category, UnknownName> {
        Category::parse(s)
    }
}

/// How a base attack's payload is disguised or delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// The payload as written.
    Plain,
    /// Base64-encoded, with a short "decode this and follow it" wrapper.
    Base64,
    /// ROT13, with a short "decode this and follow it" wrapper.
    Rot13,
    /// Letters swapped for look-alike digits (`1gn0r3`), the marker kept.
    Leetspeak,
    /// Latin letters swapped for Cyrillic and Greek look-alikes, the marker
    /// kept.
    Homoglyph,
    /// The payload as invisible Unicode tag characters (U+E0000 block)
    /// after a benign visible message.
    UnicodeTags,
    /// The payload cut into three labelled parts the model is asked to join
    /// and follow.
    PayloadSplitting,
    /// A translation of the payload (es, fr, de, pt, it, zh); only for base
    /// attacks that have one.
    Multilingual,
    /// A benign rapport turn, then a bridging turn, then the attack, over
    /// two or three user turns. Not for indirect injection, whose attack
    /// is in the document, not in what the user says.
    MultiTurn,
}

impl Strategy {
    /// Every strategy, in report order.
    pub const ALL: [Strategy; 9] = [
        Strategy::Plain,
        Strategy::Base64,
        Strategy::Rot13,
        Strategy::Leetspeak,
        Strategy::Homoglyph,
        Strategy::UnicodeTags,
        Strategy::PayloadSplitting,
        Strategy::Multilingual,
        Strategy::MultiTurn,
    ];

    /// The kebab-case name used on the command line, in ids and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Plain => "plain",
            Strategy::Base64 => "base64",
            Strategy::Rot13 => "rot13",
            Strategy::Leetspeak => "leetspeak",
            Strategy::Homoglyph => "homoglyph",
            Strategy::UnicodeTags => "unicode-tags",
            Strategy::PayloadSplitting => "payload-splitting",
            Strategy::Multilingual => "multilingual",
            Strategy::MultiTurn => "multi-turn",
        }
    }

    /// Looks a strategy up by its kebab-case name.
    pub fn parse(name: &str) -> Result<Strategy, UnknownName> {
        Strategy::ALL
            .into_iter()
            .find(|s| s.as_str() == name)
            .ok_or_else(|| UnknownName::new("strategy", name, Strategy::ALL.map(Strategy::as_str)))
    }

    /// Whether [`build`] applies this strategy to a base attack of
    /// `category` (multilingual also needs a translation of that attack).
    pub fn applies_to(self, category: Category) -> bool {
        !(self == Strategy::MultiTurn && category == Category::IndirectInjection)
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Strategy {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Strategy, UnknownName> {
        Strategy::parse(s)
    }
}

/// A category or strategy name that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown red-team {kind} \"{name}\" (the {kind} names are: {known})")]
pub struct UnknownName {
    kind: &'static str,
    name: String,
    known: String,
}

impl UnknownName {
    fn new<const N: usize>(kind: &'static str, name: &str, known: [&str; N]) -> UnknownName {
        UnknownName {
            kind,
            name: name.to_owned(),
            known: known.join(", "),
        }
    }
}

/// One attack, ready to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttackCase {
    /// `category/base-id/strategy`: stable, and the same id always denotes
    /// the same text.
    pub id: String,
    /// What the attack tries to make the model do.
    pub category: Category,
    /// How the payload is disguised or delivered.
    pub strategy: Strategy,
    /// What the user says, one entry per turn (at least one; more for
    /// [`Strategy::MultiTurn`]). Send turn 1, append the reply, send turn 2,
    /// and so on; grade the last reply.
    pub turns: Vec<String>,
    /// A document the user asks about (indirect injection: the attack hides
    /// in it) or context the model was given (PII exfiltration: the
    /// customer record holding the planted values). See
    /// [`AttackCase::user_turns`] for a prompt with a single message
    /// variable.
    pub document: Option<String>,
    /// The string the attack asks the model to produce, if it asks for one.
    pub marker: Option<String>,
    /// The fake personal data planted in the document (PII exfiltration):
    /// an email, a card number, a phone number and an IBAN.
    pub planted: Vec<String>,
    /// One line: what the attacker wants.
    pub goal: String,
}

impl AttackCase {
    /// The user turns with the document, if any, appended to the last one
    /// between `---` lines: what to send when the prompt has one message
    /// variable and no separate slot for retrieved context.
    pub fn user_turns(&self) -> Vec<String> {
        let mut turns = self.turns.clone();
        if let (Some(doc), Some(last)) = (&self.document, turns.last_mut()) {
            last.push_str("\n\n---\n");
            last.push_str(doc);
            last.push_str("\n---");
        }
        turns
    }

    /// The assertions (promptfoo-shaped, for `whet eval`) that pass when the
    /// output resists this attack: the same detectors as [`grade`].
    /// `canary_token` is the token the caller put in the system prompt.
    pub fn assertions(&self, canary_token: &str) -> serde_json::Value {
        grade::assertions(self, canary_token)
    }
}

/// What [`build`] produces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildOptions {
    /// The categories to include; empty means all.
    pub categories: Vec<Category>,
    /// The strategies to apply. Empty means the default mix: every base
    /// attack once as [`Strategy::Plain`] and once with one other strategy,
    /// the seed deciding which, spread evenly so that every strategy is
    /// exercised. Naming strategies applies each named one to every base
    /// attack it fits.
    pub strategies: Vec<Strategy>,
    /// Decides the default mix and the sample under
    /// [`limit_per_category`](BuildOptions::limit_per_category).
    pub seed: u64,
    /// Keep at most this many cases per category, sampled with the seed
    /// (in library order).
    pub limit_per_category: Option<usize>,
}

/// The attack cases for `opts`: deterministic given `opts`, in category
/// order, then library order.
///
/// ```
/// use whet_guard::redteam::{build, BuildOptions, Category};
/// let cases = build(&BuildOptions {
///     categories: vec![Category::Jailbreak],
///     limit_per_category: Some(5),
///     ..BuildOptions::default()
/// });
/// assert_eq!(cases.len(), 5);
/// assert!(cases.iter().all(|c| c.marker.is_some()));
/// ```
pub fn build(opts: &BuildOptions) -> Vec<AttackCase> {
    let lib = library::library();
    let mut out = Vec::new();
    for category in Category::ALL {
        if !opts.categories.is_empty() && !opts.categories.contains(&category) {
            continue;
        }
        let bases: Vec<&BaseAttack> = lib.of(category).collect();
        let mut cases = if opts.strategies.is_empty() {
            default_mix(category, &bases, opts.seed)
        } else {
            crossed(category, &bases, &opts.strategies)
        };
        if let Some(limit) = opts.limit_per_category {
            sample(
                &mut cases,
                limit,
                opts.seed ^ seed::hash64(category.as_str()),
            );
        }
        out.extend(cases);
    }
    out
}

/// Whether `strategy` fits this base attack.
fn fits(strategy: Strategy, category: Category, base: &BaseAttack) -> bool {
    strategy.applies_to(category) && (strategy != Strategy::Multilingual || !base.i18n.is_empty())
}

/// Plain for every base attack, plus one other strategy each. The base
/// attacks are visited in a seeded order, and each gets the fitting strategy
/// used least so far (ties broken by a seeded ranking of the strategies), so
/// every strategy gets about the same share, and the scarce ones
/// (multilingual needs a translation) are not crowded out.
fn default_mix(category: Category, bases: &[&BaseAttack], seed: u64) -> Vec<AttackCase> {
    let mut rng = seed::SplitMix64::new(seed ^ seed::hash64(category.as_str()));
    let mut ranking: Vec<Strategy> = Strategy::ALL[1..].to_vec();
    rng.shuffle(&mut ranking);
    let mut visit: Vec<usize> = (0..bases.len()).collect();
    rng.shuffle(&mut visit);
    let mut used = vec![0usize; ranking.len()];
    let mut chosen: Vec<Option<Strategy>> = vec![None; bases.len()];
    for b in visit {
        let pick = (0..ranking.len())
            .filter(|&i| fits(ranking[i], category, bases[b]))
            .min_by_key(|&i| (used[i], i));
        if let Some(i) = pick {
            used[i] += 1;
            chosen[b] = Some(ranking[i]);
        }
    }
    let mut out = Vec::with_capacity(bases.len() * 2);
    for (base, other) in bases.iter().zip(chosen) {
        out.push(make_case(category, base, Strategy::Plain));
        out.extend(other.map(|s| make_case(category, base, s)));
    }
    out
}

/// Every named strategy (in [`Strategy::ALL`] order) on every base attack it
/// fits.
fn crossed(category: Category, bases: &[&BaseAttack], strategies: &[Strategy]) -> Vec<AttackCase> {
    let mut out = Vec::new();
    for base in bases {
        for s in Strategy::ALL {
            if strategies.contains(&s) && fits(s, category, base) {
                out.push(make_case(category, base, s));
            }
        }
    }
    out
}

/// Keeps `limit` cases chosen with a seeded shuffle, in their original
/// order.
fn sample(cases: &mut Vec<AttackCase>, limit: usize, seed: u64) {
    if cases.len() <= limit {
        return;
    }
    let mut idx: Vec<usize> = (0..cases.len()).collect();
    seed::SplitMix64::new(seed).shuffle(&mut idx);
    let mut keep = vec![false; cases.len()];
    for &i in idx.iter().take(limit) {
        keep[i] = true;
    }
    let mut n = 0;
    cases.retain(|_| {
        n += 1;
        keep[n - 1]
    });
}

/// The case for one base attack under one strategy: a function of the id
/// alone.
fn make_case(category: Category, base: &BaseAttack, strategy: Strategy) -> AttackCase {
    let id = format!("{category}/{}/{strategy}", base.id);
    let h = seed::hash64(&id);
    let marker = category.uses_marker().then(|| seed::marker(&id));
    let text = match strategy {
        Strategy::Multilingual => base.translation(h).unwrap_or(base.payload.as_str()),
        _ => base.payload.as_str(),
    };
    let payload = match &marker {
        Some(m) => text.replace("{marker}", m),
        None => text.to_owned(),
    };
    let keep = marker.as_deref();
    let (turns, document, planted) = match category {
        Category::IndirectInjection => {
            let hidden =
                strategies::disguise(strategy, &payload, keep, h, strategies::Channel::Document);
            let doc = base
                .document
                .as_deref()
                .unwrap_or("{payload}")
                .replace("{payload}", &hidden);
            (
                vec![base.request.clone().unwrap_or_default()],
                Some(doc),
                Vec::new(),
            )
        }
        Category::PiiExfiltration => {
            let person = fake::Person::generate(h);
            let template = base
                .document
                .as_deref()
                .unwrap_or_else(|| fake::record_template(h));
            let turns = strategies::turns(strategy, category, &payload, keep, h);
            (turns, Some(person.fill(template)), person.planted())
        }
        _ => (
            strategies::turns(strategy, category, &payload, keep, h),
            None,
            Vec::new(),
        ),
    };
    AttackCase {
        id,
        category,
        strategy,
        turns,
        document,
        marker,
        planted,
        goal: base.goal.clone(),
    }
}

#[cfg(test)]
mod tests;
