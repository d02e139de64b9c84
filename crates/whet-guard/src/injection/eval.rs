//! Calibration, speed and debugging aids, ignored by default because they
//! read data files, time things or print:
//!
//! - `calibration_report` reads the labelled JSONL that
//!   `bench/guard/tune_injection.py` writes (`WHET_INJECTION_EVAL`) and
//!   prints the detection rate per source at [`DEFAULT_THRESHOLD`], the
//!   highest-scoring benign texts and the families below 95%;
//!   `WHET_INJECTION_MISSES=SOURCE` prints that source's wrong verdicts and
//!   `WHET_INJECTION_MISSES_OUT=PATH` writes all of them as JSONL.
//! - `throughput_on_banking77` times the scanner on the 3,080 BANKING77 test
//!   messages one at a time and joined into one document (fastest of several
//!   runs, so other load on the machine disturbs it less); `stage_timings`
//!   splits a message's time into folding, the lexicon and the raw patterns,
//!   next to two baselines measured in the same run. Run both with
//!   `cargo test -p whet-guard --release --lib injection::eval -- --ignored --nocapture`.
//! - `banking77_hit_counts` lists the lexicon phrases benign messages hit.
//! - `explain_text` prints the findings for `WHET_INJECTION_TEXT` (or the
//!   file `WHET_INJECTION_FILE`) with the time taken.

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use super::{DEFAULT_THRESHOLD, InjectionScanner};

#[derive(serde::Deserialize)]
struct Row {
    source: String,
    family: String,
    label: u8,
    text: String,
}

#[test]
#[ignore = "reads the calibration set written by bench/guard/tune_injection.py"]
fn calibration_report() {
    let path =
        std::env::var("WHET_INJECTION_EVAL").expect("set WHET_INJECTION_EVAL to a JSONL file");
    let misses_of = std::env::var("WHET_INJECTION_MISSES").unwrap_or_default();
    // WHET_INJECTION_MISSES_OUT: every wrong verdict as JSONL, for tuning tools.
    let mut misses_out = std::env::var_os("WHET_INJECTION_MISSES_OUT")
        .map(|p| std::fs::File::create(p).expect("create misses file"));
    let scanner = InjectionScanner::new();
    let text = std::fs::read_to_string(&path).expect("read the JSONL");
    let mut closest: Vec<(f32, String)> = Vec::new();
    // source -> (label, total, flagged); family breakdown for the misses.
    let mut by_source: BTreeMap<String, (u8, usize, usize)> = BTreeMap::new();
    let mut by_family: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let row: Row = serde_json::from_str(line).expect("a JSON row");
        let a = scanner.assess(&row.text);
        let flagged = a.score >= DEFAULT_THRESHOLD;
        let e = by_source
            .entry(row.source.clone())
            .or_insert((row.label, 0, 0));
        e.1 += 1;
        e.2 += usize::from(flagged);
        let f = by_family
            .entry((row.source.clone(), row.family.clone()))
            .or_default();
        f.0 += 1;
        f.1 += usize::from(flagged);
        if row.label == 0 {
            closest.push((a.score, row.text.clone()));
        }
        let wrong = flagged != (row.label == 1);
        if wrong && let Some(f) = misses_out.as_mut() {
            let reasons: Vec<String> = a.findings.iter().map(|f| f.reason.to_string()).collect();
            let line = serde_json::json!({"source": row.source, "family": row.family, "score": a.score, "reasons": reasons, "text": row.text});
            writeln!(f, "{line}").expect("write misses");
        }
        if wrong && row.source == misses_of {
            let mut reasons: Vec<String> =
                a.findings.iter().map(|f| f.reason.to_string()).collect();
            reasons.dedup();
            println!(
                "--- {} score {:.3} [{}]\n{}\n",
                row.family,
                a.score,
                reasons.join("; "),
                excerpt(&row.text)
            );
        }
    }
    println!("{:<34} {:>6} {:>8} {:>8}", "source", "n", "flagged", "rate");
    let (mut atk_n, mut atk_hit) = (0, 0);
    for (source, (label, n, hit)) in &by_source {
        let kind = if *label == 1 { "TPR" } else { "FPR" };
        println!(
            "{source:<34} {n:>6} {hit:>8} {:>7.2}% {kind}",
            100.0 * *hit as f64 / *n as f64
        );
        if *label == 1 {
            atk_n += n;
            atk_hit += hit;
        }
    }
    println!(
        "{:<34} {atk_n:>6} {atk_hit:>8} {:>7.2}% TPR",
        "all attacks",
        100.0 * atk_hit as f64 / atk_n.max(1) as f64
    );
    closest.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("\nhighest-scoring benign texts:");
    for (score, text) in closest.iter().take(8) {
        println!("  {score:.3}  {}", excerpt(text).replace('\n', " "));
    }
    println!("\nby family (attack sources, rate < 95%):");
    for ((source, family), (n, hit)) in &by_family {
        let label = by_source.get(source).map_or(1, |s| s.0);
        let rate = *hit as f64 / *n as f64;
        if label == 1 && rate < 0.95 {
            println!("  {source:<28} {family:<44} {n:>5} {:>7.2}%", 100.0 * rate);
        }
    }
}

fn excerpt(text: &str) -> String {
    let t: String = text.chars().take(600).collect();
    if t.len() < text.len() {
        format!("{t} …")
    } else {
        t
    }
}

/// The `text` column of the BANKING77 test split.
pub(super) fn banking77() -> Vec<String> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../bench/guard/data/banking77_test.csv");
    let data = std::fs::read_to_string(path).expect("bench/guard/data/banking77_test.csv");
    data.lines().skip(1).filter_map(csv_first_field).collect()
}

/// The first field of a CSV line (quoted fields may hold commas and `""`).
fn csv_first_field(line: &str) -> Option<String> {
    if let Some(rest) = line.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = rest.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    out.push('"');
                } else {
                    return Some(out);
                }
            } else {
                out.push(c);
            }
        }
        None
    } else {
        line.rsplit_once(',').map(|(t, _)| t.to_owned())
    }
}

#[test]
#[ignore = "timing: run with --release -- --ignored --nocapture"]
fn throughput_on_banking77() {
    let messages = banking77();
    assert_eq!(messages.len(), 3080);
    let scanner = InjectionScanner::new();
    let bytes: usize = messages.iter().map(String::len).sum();
    let _ = scanner.assess(&messages[0]); // compile the engine outside the timing
    let mut flagged = 0;
    let message_runs = if std::env::var_os("WHET_BENCH_DOCUMENT_ONLY").is_some() {
        1
    } else {
        30
    };
    let ns = best_ns(&messages, message_runs, |m| {
        flagged += usize::from(scanner.assess(m).score >= DEFAULT_THRESHOLD);
    });
    let per_message = bytes as f64 / messages.len() as f64 / ns * 1e3;
    let doc = messages.join("\n");
    let doc_runs = if std::env::var_os("WHET_BENCH_MESSAGES_ONLY").is_some() {
        0
    } else {
        10
    };
    let doc_ns = best_ns(std::slice::from_ref(&doc), doc_runs, |d| {
        let _ = scanner.assess(d);
    });
    let as_document = doc.len() as f64 / doc_ns * 1e3;
    let rounds = 30;
    println!(
        "banking77: {} messages, {bytes} bytes, mean {:.0} bytes; per message {per_message:.0} MB/s; \
         as one document {as_document:.0} MB/s; flagged {}",
        messages.len(),
        bytes as f64 / messages.len() as f64,
        flagged / rounds
    );
}

/// The fastest of `runs` timings of `f` over all messages, in ns per
/// message (the fastest run is the one least disturbed by other load).
fn best_ns(messages: &[String], runs: usize, mut f: impl FnMut(&str)) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..runs {
        let t = Instant::now();
        for m in messages {
            f(m);
        }
        best = best.min(t.elapsed().as_nanos() as f64 / messages.len() as f64);
    }
    best
}

#[test]
#[ignore = "timing breakdown"]
fn stage_timings() {
    use super::normalize::{Mode, fold};
    let messages = banking77();
    let engine = super::ENGINE.as_ref().unwrap();
    let mut view = String::new();
    let fold_ns = best_ns(&messages, 30, |m| {
        fold(m, Mode::Plain, &mut view, None);
    });
    let mut hits = Vec::new();
    let hits_ns = best_ns(&messages, 30, |m| {
        fold(m, Mode::Plain, &mut view, None);
        hits.clear();
        engine.lexicon.hits(&view, &mut hits);
    });
    let raw_ns = best_ns(&messages, 30, |m| {
        let _ = engine.raw.find_iter(m).count();
    });
    let lower_ns = best_ns(&messages, 30, |m| {
        let _ = std::hint::black_box(m.to_ascii_lowercase());
    });
    let mut buf: Vec<u8> = Vec::new();
    let min_ns = best_ns(&messages, 30, |m| {
        buf.clear();
        buf.push(b' ');
        let mut prev_alnum = false;
        for &b in m.as_bytes() {
            let a = b.is_ascii_alphanumeric();
            if a {
                buf.push(b.to_ascii_lowercase());
            } else if prev_alnum {
                buf.push(b' ');
            }
            prev_alnum = a;
        }
        std::hint::black_box(&buf);
    });
    let mut signals = Vec::new();
    let collect_ns = best_ns(&messages, 30, |m| {
        signals.clear();
        super::collect(engine, m, 0, &mut signals);
    });
    let with_findings = messages
        .iter()
        .filter(|m| !InjectionScanner::new().assess(m).findings.is_empty())
        .count();
    let scanner = InjectionScanner::new();
    let all_ns = best_ns(&messages, 30, |m| {
        let _ = scanner.assess(m);
    });
    println!("collect {collect_ns:.0} ns; {with_findings} messages with findings");
    println!(
        "ns/message: baselines to_ascii_lowercase {lower_ns:.0}, minimal fold loop {min_ns:.0}; \
         fold {fold_ns:.0}, fold+lexicon {hits_ns:.0}, raw regex {raw_ns:.0}, assess {all_ns:.0}"
    );
}

#[test]
#[ignore = "debugging aid: WHET_INJECTION_TEXT=... (or _FILE=path) prints the assessment"]
fn explain_text() {
    let text = match std::env::var_os("WHET_INJECTION_FILE") {
        Some(path) => std::fs::read_to_string(path).expect("read WHET_INJECTION_FILE"),
        None => std::env::var("WHET_INJECTION_TEXT").expect("set WHET_INJECTION_TEXT or _FILE"),
    };
    let t = Instant::now();
    let a = InjectionScanner::new().assess(&text);
    println!(
        "score {:.3} ({} bytes in {:?})",
        a.score,
        text.len(),
        t.elapsed()
    );
    for f in &a.findings {
        println!(
            "  {} {}..{} {:?}: {}",
            f.entity,
            f.start,
            f.end,
            text.get(f.start..f.end).unwrap_or("?"),
            f.reason
        );
    }
}

#[test]
#[ignore = "lists the lexicon phrases BANKING77 messages hit most"]
fn banking77_hit_counts() {
    use super::normalize::{Mode, fold};
    let engine = super::ENGINE.as_ref().unwrap();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let (mut with_hits, mut view, mut hits) = (0, String::new(), Vec::new());
    for m in banking77() {
        fold(&m, Mode::Plain, &mut view, None);
        hits.clear();
        engine.lexicon.hits(&view, &mut hits);
        with_hits += usize::from(!hits.is_empty());
        for h in &hits {
            *counts.entry(view[h.start..h.end].to_owned()).or_default() += 1;
        }
    }
    let mut v: Vec<_> = counts.into_iter().collect();
    v.sort_by_key(|e| std::cmp::Reverse(e.1));
    println!(
        "messages with hits: {with_hits}; top: {:?}",
        &v[..v.len().min(40)]
    );
}

#[test]
#[ignore = "timing breakdown on the joined document"]
fn document_stage_timings() {
    use super::normalize::{ByteMap, Mode, fold};
    let doc = banking77().join("\n");
    let engine = super::ENGINE.as_ref().unwrap();
    let mut chunks = Vec::new();
    let mut start = 0;
    while start < doc.len() {
        let end = super::chunk_end(&doc, start);
        chunks.push(doc[start..end].to_owned());
        start = end;
    }
    let mut view = String::new();
    let mut counts = [0usize; 6];
    for c in &chunks {
        let h = fold(c, Mode::Plain, &mut view, None);
        for (i, f) in [
            h.leet,
            h.spaced,
            h.split_word,
            h.encoded,
            h.markup,
            h.non_ascii,
        ]
        .into_iter()
        .enumerate()
        {
            counts[i] += usize::from(f);
        }
    }
    println!(
        "{} chunks; hints leet/spaced/split/encoded/markup/non_ascii {counts:?}",
        chunks.len()
    );
    let t = |name: &str, f: &mut dyn FnMut(&str)| {
        let ns = best_ns(&chunks, 5, |c| f(c));
        println!("{name}: {:.0} MB/s", 4096.0 / ns * 1e3);
    };
    t("fold plain", &mut |c| {
        fold(c, Mode::Plain, &mut view, None);
    });
    let mut map = ByteMap::new();
    t("fold map", &mut |c| {
        fold(c, Mode::Plain, &mut view, Some(&mut map));
    });
    t("fold leet", &mut |c| {
        fold(c, Mode::Leet, &mut view, None);
    });
    t("raw", &mut |c| {
        let _ = engine.raw.find_iter(c).count();
    });
    let mut hits = Vec::new();
    let mut fired = Vec::new();
    t("fold+hits+fire", &mut |c| {
        fold(c, Mode::Plain, &mut view, None);
        hits.clear();
        fired.clear();
        engine.lexicon.hits(&view, &mut hits);
        engine.lexicon.fire(&view, &hits, &mut fired);
    });
    t("line-only raw", &mut |c| {
        let _ = engine.lines.find_iter(c).count();
    });
    t("map two positions", &mut |c| {
        let _ = super::normalize::map_positions(c, Mode::Plain, &[10, 3000]);
    });
    t("squeezed", &mut |c| {
        fold(c, Mode::Plain, &mut view, None);
        hits.clear();
        fired.clear();
        super::squeezed(engine, c, &view, &mut fired);
    });
    let mut out = Vec::new();
    t("collect_chunk", &mut |c| {
        out.clear();
        super::collect_chunk(engine, c, 0, &mut out);
    });
}

/// The string literals of `tests.rs` (the unit tests' attack and benign
/// strings), with the escapes they use undone.
fn unit_test_strings() -> Vec<String> {
    let src = include_str!("tests.rs");
    let mut out = Vec::new();
    let mut chars = src.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut s = String::new();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => s.push('\n'),
                    Some('t') => s.push('\t'),
                    Some('u') => {
                        let hex: String =
                            chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                        if let Some(ch) =
                            u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                        {
                            s.push(ch);
                        }
                    }
                    Some(o) => s.push(o),
                    None => {}
                },
                _ => s.push(c),
            }
        }
        out.push(s);
    }
    out
}

/// Writes score and findings of every equivalence-check text to
/// `WHET_INJECTION_DUMP`, so two builds of the scanner can be diffed.
#[test]
#[ignore = "writes WHET_INJECTION_DUMP for comparing two versions of the scanner"]
fn dump_assessments() {
    let path = std::env::var_os("WHET_INJECTION_DUMP").expect("set WHET_INJECTION_DUMP");
    let mut texts = banking77();
    texts.push(texts.join("\n"));
    texts.extend(super::known_attacks().iter().map(|s| (*s).to_owned()));
    texts.extend(unit_test_strings());
    if let Some(eval) = std::env::var_os("WHET_INJECTION_EVAL") {
        let data = std::fs::read_to_string(eval).expect("read WHET_INJECTION_EVAL");
        texts.extend(
            data.lines()
                .filter_map(|l| serde_json::from_str::<Row>(l).ok())
                .map(|r| r.text),
        );
    }
    let scanner = InjectionScanner::new();
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for t in &texts {
        let a = scanner.assess(t);
        writeln!(file, "{:?} {} findings", a.score, a.findings.len()).unwrap();
        for f in &a.findings {
            writeln!(
                file,
                "  {} {}..{} {} {}",
                f.entity, f.start, f.end, f.score, f.reason
            )
            .unwrap();
        }
    }
    println!("{} texts", texts.len());
}
