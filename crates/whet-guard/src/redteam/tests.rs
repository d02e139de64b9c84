//! Tests of [`build`] and the case types.

use std::collections::{BTreeSet, HashSet};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::strategies::{rot13, tags_decode, unhomoglyph, unsplit};
use super::*;

fn all() -> BuildOptions {
    BuildOptions {
        strategies: Strategy::ALL.to_vec(),
        ..BuildOptions::default()
    }
}

/// The attack text of a case with its disguise undone: what a model that
/// decodes everything reads.
fn reveal(case: &AttackCase) -> String {
    let text = match (&case.document, case.category) {
        (Some(doc), Category::IndirectInjection) => doc.clone(),
        _ => case.turns.join("\n"),
    };
    match case.strategy {
        Strategy::Base64 => text
            .split(|c: char| !(c.is_ascii_alphanumeric() || "+/=".contains(c)))
            .filter(|w| w.len() >= 16)
            .filter_map(|w| STANDARD.decode(w).ok())
            .filter_map(|d| String::from_utf8(d).ok())
            .collect::<Vec<_>>()
            .join(" "),
        Strategy::Rot13 => rot13(&text),
        Strategy::Homoglyph => text.chars().map(unhomoglyph).collect(),
        Strategy::UnicodeTags => tags_decode(&text),
        Strategy::PayloadSplitting => unsplit(&text),
        _ => text,
    }
}

#[test]
fn default_build_size_and_spread() {
    let cases = build(&BuildOptions::default());
    // 108 base attacks, each plain and with one other strategy.
    assert_eq!(cases.len(), 216);
    let per_cat = |c: Category| cases.iter().filter(|x| x.category == c).count();
    for c in Category::ALL {
        assert_eq!(per_cat(c), 36, "{c}");
    }
    let strategies: BTreeSet<Strategy> = cases.iter().map(|c| c.strategy).collect();
    assert_eq!(
        strategies.len(),
        Strategy::ALL.len(),
        "every strategy is used"
    );
    let plain = cases
        .iter()
        .filter(|c| c.strategy == Strategy::Plain)
        .count();
    assert_eq!(plain, 108);
    // The other 108 are spread evenly (13.5 each on average), whatever the
    // seed.
    for seed in 0..20 {
        let cases = build(&BuildOptions {
            seed,
            ..BuildOptions::default()
        });
        for s in &Strategy::ALL[1..] {
            let n = cases.iter().filter(|c| c.strategy == *s).count();
            assert!((10..=17).contains(&n), "seed {seed}, {s}: {n}");
        }
    }
}

#[test]
fn build_is_deterministic_and_seed_sensitive() {
    let a = build(&BuildOptions::default());
    assert_eq!(a, build(&BuildOptions::default()));
    let b = build(&BuildOptions {
        seed: 99,
        ..BuildOptions::default()
    });
    let ids = |v: &[AttackCase]| v.iter().map(|c| c.id.clone()).collect::<BTreeSet<_>>();
    assert_ne!(ids(&a), ids(&b));
    // The same id denotes the same case whatever the seed.
    for case in &b {
        if let Some(same) = a.iter().find(|c| c.id == case.id) {
            assert_eq!(same, case);
        }
    }
}

#[test]
fn every_case_is_well_formed() {
    let cases = build(&all());
    let mut ids = HashSet::new();
    let mut markers = HashSet::new();
    for case in &cases {
        assert!(ids.insert(case.id.clone()), "duplicate id {}", case.id);
        let parts: Vec<&str> = case.id.split('/').collect();
        assert_eq!(parts.len(), 3, "{}", case.id);
        assert_eq!(parts[0], case.category.as_str());
        assert_eq!(parts[2], case.strategy.as_str());
        assert!(!case.goal.is_empty() && !case.goal.contains('\n'));
        assert!(!case.turns.is_empty(), "{}", case.id);
        assert!(
            case.turns.iter().all(|t| !t.trim().is_empty()),
            "{}",
            case.id
        );
        assert_eq!(
            case.turns.len() > 1,
            case.strategy == Strategy::MultiTurn,
            "{}",
            case.id
        );
        assert!(
            !case
                .turns
                .iter()
                .any(|t| t.contains("{marker}") || t.contains("{payload}"))
        );

        assert_eq!(
            case.marker.is_some(),
            case.category.uses_marker(),
            "{}",
            case.id
        );
        if let Some(m) = &case.marker {
            assert!(markers.insert(m.clone()), "duplicate marker {m}");
            assert!(
                reveal(case).contains(m.as_str()),
                "{}: {m} not in {:?}",
                case.id,
                reveal(case)
            );
        }
        match case.category {
            Category::IndirectInjection => {
                let doc = case.document.as_deref().unwrap();
                assert!(!doc.contains("{payload}"));
                assert!(case.planted.is_empty());
            }
            Category::PiiExfiltration => {
                let doc = case.document.as_deref().unwrap();
                assert_eq!(case.planted.len(), 4);
                for v in &case.planted {
                    assert!(doc.contains(v.as_str()), "{}: {v}", case.id);
                }
            }
            _ => assert!(case.document.is_none() && case.planted.is_empty()),
        }
    }
}

#[test]
fn strategies_apply_where_documented() {
    let cases = build(&all());
    assert!(
        !cases
            .iter()
            .any(|c| c.category == Category::IndirectInjection && c.strategy == Strategy::MultiTurn)
    );
    for category in Category::ALL {
        let bases = library::library().of(category).count();
        let translated = library::library()
            .of(category)
            .filter(|b| !b.i18n.is_empty())
            .count();
        let n = |s: Strategy| {
            cases
                .iter()
                .filter(|c| c.category == category && c.strategy == s)
                .count()
        };
        assert_eq!(n(Strategy::Plain), bases);
        assert_eq!(n(Strategy::Multilingual), translated);
        let turns = if category == Category::IndirectInjection {
            0
        } else {
            bases
        };
        assert_eq!(n(Strategy::MultiTurn), turns);
    }
}

#[test]
fn multilingual_cases_are_translations() {
    for case in build(&BuildOptions {
        strategies: vec![Strategy::Multilingual],
        ..BuildOptions::default()
    }) {
        let plain = build(&BuildOptions {
            categories: vec![case.category],
            strategies: vec![Strategy::Plain],
            ..BuildOptions::default()
        });
        let base = case.id.split('/').nth(1).unwrap();
        let p = plain
            .iter()
            .find(|c| c.id.split('/').nth(1) == Some(base))
            .unwrap();
        assert_ne!(reveal(&case), reveal(p), "{}", case.id);
    }
}

#[test]
fn filters_and_limits() {
    let jb = build(&BuildOptions {
        categories: vec![Category::Jailbreak],
        strategies: vec![Strategy::Rot13, Strategy::Plain],
        ..BuildOptions::default()
    });
    assert!(jb.iter().all(|c| c.category == Category::Jailbreak));
    assert_eq!(
        jb.len(),
        2 * library::library().of(Category::Jailbreak).count()
    );
    // Plain comes before rot13 for each base attack (Strategy::ALL order).
    assert_eq!(jb[0].strategy, Strategy::Plain);
    assert_eq!(jb[1].strategy, Strategy::Rot13);

    let limited = |seed| {
        build(&BuildOptions {
            limit_per_category: Some(7),
            seed,
            ..BuildOptions::default()
        })
    };
    let a = limited(3);
    assert_eq!(a.len(), 7 * Category::ALL.len());
    assert_eq!(a, limited(3));
    assert_ne!(a, limited(4));
    // A sample of the unlimited build, in its order.
    let full = build(&BuildOptions {
        seed: 3,
        ..BuildOptions::default()
    });
    let mut it = full.iter();
    for case in &a {
        assert!(
            it.any(|c| c == case),
            "{} out of order or not in the full build",
            case.id
        );
    }
    assert_eq!(
        build(&BuildOptions {
            limit_per_category: Some(1000),
            ..BuildOptions::default()
        }),
        build(&BuildOptions::default())
    );
    assert!(
        build(&BuildOptions {
            limit_per_category: Some(0),
            ..BuildOptions::default()
        })
        .is_empty()
    );
}

#[test]
fn names_round_trip() {
    for c in Category::ALL {
        assert_eq!(Category::parse(c.as_str()), Ok(c));
        assert_eq!(c.to_string().parse::<Category>(), Ok(c));
    }
    for s in Strategy::ALL {
        assert_eq!(Strategy::parse(s.as_str()), Ok(s));
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, format!("\"{s}\""));
    }
    let err = Strategy::parse("base-64").unwrap_err().to_string();
    assert!(
        err.starts_with("unknown red-team strategy \"base-64\""),
        "{err}"
    );
    assert!(err.contains("base64, rot13"), "{err}");
    assert!(Category::parse("Jailbreak").is_err());
}

#[test]
fn user_turns_inline_the_document_in_the_last_turn() {
    let cases = build(&BuildOptions {
        categories: vec![Category::PiiExfiltration],
        strategies: vec![Strategy::MultiTurn],
        ..BuildOptions::default()
    });
    let case = &cases[0];
    let turns = case.user_turns();
    assert_eq!(turns.len(), case.turns.len());
    assert_eq!(turns[0], case.turns[0]);
    let last = turns.last().unwrap();
    assert!(last.starts_with(case.turns.last().unwrap().as_str()));
    assert!(last.contains(case.document.as_deref().unwrap()));

    let jb = &build(&BuildOptions {
        categories: vec![Category::Jailbreak],
        ..BuildOptions::default()
    })[0];
    assert_eq!(jb.user_turns(), jb.turns);
}

#[test]
fn cases_serialize_for_datasets() {
    let case = &build(&BuildOptions {
        categories: vec![Category::IndirectInjection],
        ..BuildOptions::default()
    })[0];
    let v = serde_json::to_value(case).unwrap();
    assert_eq!(v["category"], "indirect-injection");
    assert_eq!(v["strategy"], "plain");
    let back: AttackCase = serde_json::from_value(v).unwrap();
    assert_eq!(&back, case);
}
