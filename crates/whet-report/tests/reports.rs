#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Every renderer on one realistic run: snapshots of the text formats, and
//! the machine formats parsed back (JSON with serde_json, JUnit with a small
//! strict XML reader below).

mod common;

use std::collections::BTreeMap;

use whet_eval::record::{CaseResult, RunMeta, Summary};
use whet_report::{html, json, junit, markdown, terminal};

use common::{CONTROL, IMG_INJECTION, SCRIPT_BREAKOUT, UNICODE, run};

// ---- terminal ---------------------------------------------------------

#[test]
fn scorecard_snapshot() {
    let r = run();
    let text = terminal::scorecard(
        &r.meta,
        &r.summary,
        Some(&r.comparison),
        Some(&r.gate),
        false,
    );
    insta::assert_snapshot!("scorecard", text);
}

#[test]
fn scorecard_without_comparison_has_no_comparison_or_gate() {
    let r = run();
    let text = terminal::scorecard(&r.meta, &r.summary, None, None, false);
    assert!(!text.contains("comparison"));
    assert!(!text.contains('✘') && !text.contains('✔'));
    for v in &r.meta.variants {
        assert!(text.contains(&v.name), "{} missing", v.name);
    }
}

#[test]
fn colour_changes_only_the_escape_codes() {
    let r = run();
    let plain = terminal::scorecard(
        &r.meta,
        &r.summary,
        Some(&r.comparison),
        Some(&r.gate),
        false,
    );
    let coloured = terminal::scorecard(
        &r.meta,
        &r.summary,
        Some(&r.comparison),
        Some(&r.gate),
        true,
    );
    assert!(!plain.contains('\u{1b}'));
    assert!(coloured.contains("\u{1b}[32m"), "green for passed checks");
    assert!(coloured.contains("\u{1b}[31m"), "red for regressions");
    assert_eq!(strip_ansi(&coloured), plain);
}

#[test]
fn scorecard_rows_are_aligned() {
    let r = run();
    let text = terminal::scorecard(&r.meta, &r.summary, None, None, false);
    // The variants table: header and one row per variant, every "%" of the
    // pass-rate column in the same column.
    let lines: Vec<&str> = text
        .lines()
        .skip(2)
        .take(1 + r.meta.variants.len())
        .collect();
    let header_end = lines[0].find("pass rate").unwrap() + "pass rate".len();
    for line in &lines[1..] {
        let chars: Vec<char> = line.chars().collect();
        let header_chars = lines[0][..header_end].chars().count();
        assert_eq!(chars[header_chars - 1], '%', "{line}");
    }
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

// ---- markdown ---------------------------------------------------------

#[test]
fn markdown_snapshot() {
    let r = run();
    let md = markdown::summary(&r.meta, &r.summary, Some(&r.comparison), Some(&r.gate));
    insta::assert_snapshot!("markdown", md);
}

#[test]
fn markdown_tables_have_as_many_cells_as_headers() {
    let mut r = run();
    // Names that would break a naive table.
    r.summary.variants[0].name = "a|b <img src=x> `x`".into();
    r.summary.variants[0].by_split[0].name = "split|with|pipes".into();
    let md = markdown::summary(&r.meta, &r.summary, Some(&r.comparison), Some(&r.gate));
    assert!(!md.contains("<img"), "raw HTML must not get through");
    let mut tables = 0;
    let mut columns = None;
    for line in md.lines() {
        if line.starts_with('|') {
            let n = cells(line);
            match columns {
                None => {
                    columns = Some(n);
                    tables += 1;
                }
                Some(c) => assert_eq!(n, c, "row {line:?}"),
            }
        } else {
            columns = None;
        }
    }
    assert!(tables >= 6, "{tables} tables");
    assert!(md.starts_with("## ❌ whet eval: gate failed"));
    assert!(md.contains("0f1e2d3c4b5a"), "short content hash");
    assert!(!md.contains("0f1e2d3c4b5a69788796"), "hashes are shortened");
    assert!(md.contains("3e1f0c9a7b2d-dirty"), "git commit");
}

/// Cells of a GFM table row: pipes not escaped with a backslash.
fn cells(line: &str) -> usize {
    let mut n = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => n += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    n - 1
}

// ---- json -------------------------------------------------------------

#[test]
fn json_round_trips() {
    let r = run();
    let mut out = Vec::new();
    json::write(
        &r.meta,
        &r.summary,
        Some(&r.comparison),
        Some(&r.gate),
        r.results.clone(),
        &mut out,
    )
    .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let keys: Vec<&str> = doc
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["meta", "summary", "comparison", "gate", "results"]);
    let meta: RunMeta = serde_json::from_value(doc["meta"].clone()).unwrap();
    let summary: Summary = serde_json::from_value(doc["summary"].clone()).unwrap();
    let results: Vec<CaseResult> = serde_json::from_value(doc["results"].clone()).unwrap();
    assert_eq!(meta, r.meta);
    assert_eq!(summary, r.summary);
    assert_eq!(results, r.results);
    assert_eq!(doc["gate"]["passed"], false);
}

#[test]
fn json_without_comparison_has_nulls() {
    let r = run();
    let mut out = Vec::new();
    json::write(
        &r.meta,
        &r.summary,
        None,
        None,
        std::iter::empty(),
        &mut out,
    )
    .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(doc["comparison"].is_null() && doc["gate"].is_null());
    assert_eq!(doc["results"], serde_json::json!([]));
}

// ---- junit ------------------------------------------------------------

#[test]
fn junit_is_well_formed_and_counts_match() {
    let r = run();
    let mut calls = Vec::new();
    let mut out = Vec::new();
    junit::write(
        &r.meta,
        &r.summary,
        |v| {
            calls.push(v);
            r.results.clone()
        },
        &mut out,
    )
    .unwrap();
    assert_eq!(calls, [0, 1, 2], "one pass over the results per variant");
    let text = String::from_utf8(out).unwrap();
    let root = xml::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(root.name, "testsuites");
    let suites = root.children_named("testsuite");
    assert_eq!(suites.len(), r.meta.variants.len());
    let mut all = (0, 0, 0);
    for (i, suite) in suites.iter().enumerate() {
        let mine: Vec<&CaseResult> = r
            .results
            .iter()
            .filter(|x| x.variant as usize == i)
            .collect();
        let cases = suite.children_named("testcase");
        assert_eq!(suite.attr("name"), r.meta.variants[i].name);
        assert_eq!(cases.len(), mine.len());
        let failures = cases
            .iter()
            .filter(|c| !c.children_named("failure").is_empty())
            .count();
        let errors = cases
            .iter()
            .filter(|c| !c.children_named("error").is_empty())
            .count();
        // Counted independently from the results, not from the summary.
        let want_errors = mine.iter().filter(|x| x.error.is_some()).count();
        let want_failures = mine.iter().filter(|x| x.error.is_none() && !x.pass).count();
        assert_eq!((failures, errors), (want_failures, want_errors));
        assert_eq!(suite.attr("tests"), mine.len().to_string());
        assert_eq!(suite.attr("failures"), want_failures.to_string());
        assert_eq!(suite.attr("errors"), want_errors.to_string());
        all = (
            all.0 + mine.len(),
            all.1 + want_failures,
            all.2 + want_errors,
        );
        for (c, x) in cases.iter().zip(&mine) {
            assert_eq!(c.attr("name"), x.description.clone().unwrap());
            if let Some(f) = c.children_named("failure").first() {
                let failed: Vec<&str> = x
                    .grades
                    .iter()
                    .filter(|g| !g.pass)
                    .map(|g| g.reason.as_str())
                    .collect();
                for reason in failed {
                    assert!(f.text.contains(reason), "{reason:?} not in {:?}", f.text);
                }
            }
        }
    }
    assert_eq!(root.attr("tests"), all.0.to_string());
    assert_eq!(root.attr("failures"), all.1.to_string());
    assert_eq!(root.attr("errors"), all.2.to_string());
    // Hostile outputs (which fail, so CI shows them) come back as text,
    // control characters replaced.
    let outs: Vec<String> = suites[1]
        .children_named("testcase")
        .iter()
        .flat_map(|c| c.children_named("system-out"))
        .map(|o| o.text.clone())
        .collect();
    assert!(outs.iter().any(|o| o == SCRIPT_BREAKOUT));
    assert!(outs.iter().any(|o| o == IMG_INJECTION));
    let control: String = CONTROL
        .chars()
        .map(|c| if c < ' ' { '\u{FFFD}' } else { c })
        .collect();
    assert!(outs.contains(&control), "{outs:?}");
}

#[test]
fn junit_skips_results_of_other_variants() {
    let r = run();
    let mut out = Vec::new();
    // A closure that yields only variant 0's results, for every variant.
    junit::write(
        &r.meta,
        &r.summary,
        |_| {
            r.results
                .iter()
                .filter(|x| x.variant == 0)
                .cloned()
                .collect::<Vec<_>>()
        },
        &mut out,
    )
    .unwrap();
    let root = xml::parse(std::str::from_utf8(&out).unwrap()).unwrap();
    let counts: Vec<usize> = root
        .children_named("testsuite")
        .iter()
        .map(|s| s.children_named("testcase").len())
        .collect();
    assert_eq!(counts, [12, 0, 0]);
}

// ---- html (structure; the browser test runs it) -------------------------

#[test]
fn html_embeds_results_safely_and_offline() {
    let r = run();
    let mut out = Vec::new();
    html::write(
        &r.meta,
        &r.summary,
        Some(&r.comparison),
        Some(&r.gate),
        r.results.clone(),
        &mut out,
    )
    .unwrap();
    let page = String::from_utf8(out).unwrap();
    // Nothing is loaded from anywhere: no URL, no src, no import outside
    // the embedded data (whose strings are the fixture's outputs).
    let markup = without_data(&page);
    for needle in [
        "http://", "https://", "src=", "@import", "url(", "<link", "<img", "<iframe",
    ] {
        assert!(!markup.contains(needle), "page contains {needle:?}");
    }
    // Exactly our script elements: the error hook, two data blocks, the app.
    assert_eq!(page.matches("<script").count(), 4);
    assert_eq!(page.matches("</script>").count(), 4);
    let cases = script_json(&page, "whet-cases");
    let embedded: Vec<&serde_json::Value> = cases["cases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["results"].as_array().unwrap())
        .collect();
    assert_eq!(embedded.len(), r.results.len());
    assert_eq!(cases["capped"], false);
    let outputs: Vec<&str> = embedded
        .iter()
        .map(|x| x["output"].as_str().unwrap())
        .collect();
    assert!(
        outputs.contains(&SCRIPT_BREAKOUT)
            && outputs.contains(&IMG_INJECTION)
            && outputs.contains(&UNICODE)
    );
    let meta = script_json(&page, "whet-meta");
    assert_eq!(meta["variants"].as_array().unwrap().len(), 3);
    assert_eq!(meta["total_results"], 36);
}

#[test]
fn html_caps_embedded_results_at_whole_cases() {
    let r = run();
    let mut out = Vec::new();
    let options = html::HtmlOptions {
        max_results: 7,
        max_text_chars: 50,
    };
    html::write_with(
        &options,
        &r.meta,
        &r.summary,
        None,
        None,
        r.results.clone(),
        &mut out,
    )
    .unwrap();
    let page = String::from_utf8(out).unwrap();
    let cases = script_json(&page, "whet-cases");
    // 7 results end inside case 2 (3 results a case): cases 0, 1, 2 are kept.
    assert_eq!(cases["embedded"], 9);
    assert_eq!(cases["capped"], true);
    assert_eq!(cases["cases"].as_array().unwrap().len(), 3);
    let all: Vec<serde_json::Value> = cases["cases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["results"].as_array().unwrap().clone())
        .collect();
    assert!(
        all.iter()
            .all(|x| x["output"].as_str().unwrap().chars().count() <= 50)
    );
    // The scorecard still covers every result.
    assert!(page.contains(&format!(
        ">{}<",
        whet_report_pct(r.summary.variants[0].overall.pass_rate)
    )));
}

fn whet_report_pct(x: Option<f64>) -> String {
    format!("{:.1}%", x.unwrap() * 100.0)
}

#[test]
fn html_cuts_long_outputs_and_keeps_their_length() {
    let r = run();
    let mut out = Vec::new();
    let options = html::HtmlOptions {
        max_results: 100,
        max_text_chars: 100,
    };
    html::write_with(
        &options,
        &r.meta,
        &r.summary,
        None,
        None,
        r.results.clone(),
        &mut out,
    )
    .unwrap();
    let cases = script_json(std::str::from_utf8(&out).unwrap(), "whet-cases");
    let long = &cases["cases"][6]["results"][0];
    let full = r
        .results
        .iter()
        .find(|x| x.case == 6 && x.variant == 0)
        .unwrap();
    assert_eq!(long["output_chars"], full.output.chars().count());
    assert_eq!(
        long["output"].as_str().unwrap(),
        full.output.chars().take(100).collect::<String>()
    );
}

/// The page with the two embedded JSON blocks emptied.
fn without_data(page: &str) -> String {
    let mut out = page.to_owned();
    for id in ["whet-meta", "whet-cases"] {
        let open = format!("<script type=\"application/json\" id=\"{id}\">");
        let start = out.find(&open).unwrap() + open.len();
        let end = start + out[start..].find("</script>").unwrap();
        out.replace_range(start..end, "");
    }
    out
}

fn script_json(page: &str, id: &str) -> serde_json::Value {
    let open = format!("<script type=\"application/json\" id=\"{id}\">");
    let start = page.find(&open).unwrap() + open.len();
    let end = start + page[start..].find("</script>").unwrap();
    let raw = &page[start..end];
    assert!(
        !raw.contains('<') && !raw.contains('>') && !raw.contains('&'),
        "unescaped markup in {id}"
    );
    serde_json::from_str(raw).unwrap()
}

/// A strict reader for the XML subset JUnit uses: declaration, elements,
/// attributes in double quotes, text, the five named entities and numeric
/// character references. It rejects anything else, including characters
/// XML 1.0 forbids, mismatched tags and `<` or `&` in the wrong place.
mod xml {
    use super::BTreeMap;

    #[derive(Debug, Default)]
    pub struct Element {
        pub name: String,
        pub attrs: BTreeMap<String, String>,
        pub children: Vec<Element>,
        pub text: String,
    }

    impl Element {
        pub fn children_named(&self, name: &str) -> Vec<&Element> {
            self.children.iter().filter(|c| c.name == name).collect()
        }

        pub fn attr(&self, name: &str) -> String {
            self.attrs
                .get(name)
                .cloned()
                .unwrap_or_else(|| panic!("{} has no {name}", self.name))
        }
    }

    pub fn parse(s: &str) -> Result<Element, String> {
        for (i, c) in s.char_indices() {
            let ok =
                matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}');
            if !ok {
                return Err(format!("forbidden character {c:?} at byte {i}"));
            }
        }
        let rest = s
            .strip_prefix(r#"<?xml version="1.0" encoding="UTF-8"?>"#)
            .ok_or("missing XML declaration")?;
        let mut p = Parser { s: rest, pos: 0 };
        p.skip_ws();
        let root = p.element()?;
        p.skip_ws();
        if p.pos != p.s.len() {
            return Err(format!("content after the root element at {}", p.pos));
        }
        Ok(root)
    }

    struct Parser<'a> {
        s: &'a str,
        pos: usize,
    }

    impl Parser<'_> {
        fn rest(&self) -> &str {
            &self.s[self.pos..]
        }

        fn skip_ws(&mut self) {
            let t = self.rest().len() - self.rest().trim_start().len();
            self.pos += t;
        }

        fn expect(&mut self, lit: &str) -> Result<(), String> {
            if self.rest().starts_with(lit) {
                self.pos += lit.len();
                Ok(())
            } else {
                Err(format!(
                    "expected {lit:?} at {}: {:?}",
                    self.pos,
                    &self.rest().chars().take(30).collect::<String>()
                ))
            }
        }

        fn name(&mut self) -> Result<String, String> {
            let n: String = self
                .rest()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
                .collect();
            if n.is_empty() {
                return Err(format!("expected a name at {}", self.pos));
            }
            self.pos += n.len();
            Ok(n)
        }

        fn element(&mut self) -> Result<Element, String> {
            self.expect("<")?;
            let mut el = Element {
                name: self.name()?,
                ..Element::default()
            };
            loop {
                self.skip_ws();
                if self.rest().starts_with("/>") {
                    self.pos += 2;
                    return Ok(el);
                }
                if self.rest().starts_with('>') {
                    self.pos += 1;
                    break;
                }
                let key = self.name()?;
                self.expect("=\"")?;
                let end = self.rest().find('"').ok_or("unterminated attribute")?;
                let raw = &self.rest()[..end];
                if raw.contains('<') {
                    return Err(format!("'<' in attribute {key}"));
                }
                let value = unescape(raw)?;
                self.pos += end + 1;
                if el.attrs.insert(key.clone(), value).is_some() {
                    return Err(format!("duplicate attribute {key}"));
                }
            }
            loop {
                let next = self.rest().find('<').ok_or("unclosed element")?;
                el.text.push_str(&unescape(&self.rest()[..next])?);
                self.pos += next;
                if self.rest().starts_with("</") {
                    self.pos += 2;
                    let name = self.name()?;
                    if name != el.name {
                        return Err(format!("</{name}> closes <{}>", el.name));
                    }
                    self.expect(">")?;
                    return Ok(el);
                }
                el.children.push(self.element()?);
            }
        }
    }

    fn unescape(raw: &str) -> Result<String, String> {
        if raw.contains("]]>") {
            return Err("']]>' in text".into());
        }
        let mut out = String::new();
        let mut rest = raw;
        while let Some(i) = rest.find('&') {
            out.push_str(&rest[..i]);
            let end = rest[i..].find(';').ok_or("unterminated entity")? + i;
            let entity = &rest[i + 1..end];
            let c = match entity {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                _ => {
                    let code = entity
                        .strip_prefix('#')
                        .ok_or(format!("unknown entity &{entity};"))?;
                    let n = match code.strip_prefix('x') {
                        Some(hex) => u32::from_str_radix(hex, 16),
                        None => code.parse(),
                    }
                    .map_err(|e| format!("bad reference &{entity};: {e}"))?;
                    char::from_u32(n).ok_or("bad code point")?
                }
            };
            out.push(c);
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    #[test]
    fn the_reader_rejects_what_it_should() {
        assert!(parse(r#"<?xml version="1.0" encoding="UTF-8"?><a x="1"><b/>t&amp;</a>"#).is_ok());
        for bad in [
            "<a></b>",
            "<a>&bogus;</a>",
            "<a>\u{7}</a>",
            "<a x=\"<\"/>",
            "<a><b></a>",
            "<a>]]></a>",
        ] {
            let doc = format!(r#"<?xml version="1.0" encoding="UTF-8"?>{bad}"#);
            assert!(parse(&doc).is_err(), "{bad}");
        }
    }
}
