#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The runner's plumbing with the mock provider: every job runs once,
//! grading follows the assertions, cancellation keeps what finished and a
//! resumed run completes without running anything twice.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tokio::sync::watch;
use whet_eval::record::CaseResult;
use whet_eval::run::{
    EvalError, Filter, Outcome, Plan, Progress, ResultSink, Selection, Target, Variant, execute,
};
use whet_eval::suite::InlinePrompt;
use whet_eval::{Suite, parse_suite};
use whet_providers::{MockBehavior, MockProvider, Pricing};
use whet_store::{CacheMode, ResponseCache, Store};

#[derive(Default)]
struct Collect(Vec<CaseResult>);

impl ResultSink for Collect {
    async fn push(&mut self, r: CaseResult) -> Result<(), EvalError> {
        self.0.push(r);
        Ok(())
    }
    async fn flush(&mut self) -> Result<(), EvalError> {
        Ok(())
    }
}

const SUITE: &str = r#"
prompts: [echo]
defaultTest:
  assert:
    - {type: contains, value: "msg"}
tests:
  - description: first
    vars: {message: "msg one"}
    split: golden
    tags: [a]
    assert: [{type: icontains, value: "ONE"}]
  - description: second
    vars: {message: "msg two"}
    split: edge
    tags: [b]
    assert: [{type: equals, value: "something else"}]
  - description: third
    vars: {message: "no match here"}
    split: golden
    threshold: 0.0
"#;

fn suite() -> Suite {
    let (s, d) = parse_suite(std::path::Path::new("suite.yaml"), SUITE);
    assert!(d.is_empty(), "{d:?}");
    s.unwrap()
}

fn variant(name: &str) -> Arc<Variant> {
    let target = Target {
        alias: name.into(),
        provider_name: format!("mock-{name}"),
        provider: Arc::new(MockProvider::new("mock", MockBehavior::Echo)),
        model: "echo".into(),
        pricing: Pricing::default(),
        overrides: serde_json::Map::new(),
    };
    let mut v = Variant::inline(
        InlinePrompt {
            name: "echo".into(),
            template: "{{ message }}".into(),
        },
        target,
    );
    v.info.name = name.into();
    Arc::new(v)
}

async fn cache(dir: &tempfile::TempDir) -> ResponseCache {
    let store = Store::open(&Store::sqlite_url(&dir.path().join("w.db")))
        .await
        .unwrap();
    ResponseCache::new(store, CacheMode::Off)
}

fn plan<'a>(suite: &'a Suite, sel: &'a Selection, done: HashSet<(u64, u32, u32)>) -> Plan<'a> {
    Plan {
        suite,
        selection: sel,
        variants: vec![variant("a"), variant("b")],
        repeat: 2,
        concurrency: HashMap::new(),
        default_concurrency: 1,
        done,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_every_job_once_and_grades() {
    let dir = tempfile::tempdir().unwrap();
    let suite = suite();
    let sel = Selection::new(&suite, &[], None, 0).unwrap();
    assert_eq!(sel.len(), 3);
    let (_tx, rx) = watch::channel(0_u32);
    let mut sink = Collect::default();
    let out = execute(
        plan(&suite, &sel, HashSet::new()),
        cache(&dir).await,
        None,
        &mut sink,
        &mut (),
        rx,
    )
    .await
    .unwrap();
    assert_eq!(out, Outcome::Complete);
    let keys: HashSet<_> = sink.0.iter().map(CaseResult::key).collect();
    assert_eq!(sink.0.len(), 12);
    assert_eq!(keys.len(), 12);
    for r in &sink.0 {
        assert_eq!(r.output, r.vars["message"].as_str().unwrap());
        match r.description.as_deref() {
            // defaultTest's contains + icontains both hold.
            Some("first") => assert!(r.pass && r.score == 1.0 && r.grades.len() == 2),
            // equals fails: no threshold, so the case fails; score is the mean.
            Some("second") => assert!(!r.pass && (r.score - 0.5).abs() < 1e-12),
            // contains fails, but the case's threshold 0 accepts it.
            Some("third") => assert!(r.pass && r.score == 0.0),
            other => panic!("unexpected case {other:?}"),
        }
    }
    // Identical content gives identical keys across variants and repeats.
    let first: HashSet<_> = sink
        .0
        .iter()
        .filter(|r| r.case == 0)
        .map(|r| r.case_key.clone())
        .collect();
    assert_eq!(first.len(), 1);
}

struct CancelAfter {
    n: usize,
    seen: usize,
    tx: watch::Sender<u32>,
}

impl Progress for CancelAfter {
    fn on_result(&mut self, _: &CaseResult) {
        self.seen += 1;
        if self.seen == self.n {
            let _ = self.tx.send(whet_eval::run::STOP);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_run_resumes_without_loss_or_repeats() {
    let dir = tempfile::tempdir().unwrap();
    let suite = suite();
    let sel = Selection::new(&suite, &[], None, 0).unwrap();
    let (tx, rx) = watch::channel(0_u32);
    let mut progress = CancelAfter { n: 4, seen: 0, tx };
    let mut first = Collect::default();
    let out = execute(
        plan(&suite, &sel, HashSet::new()),
        cache(&dir).await,
        None,
        &mut first,
        &mut progress,
        rx,
    )
    .await
    .unwrap();
    assert_eq!(out, Outcome::Interrupted);
    // Jobs already running when the stop came finished and were kept.
    assert!(
        first.0.len() >= 4 && first.0.len() < 12,
        "{}",
        first.0.len()
    );

    let done: HashSet<_> = first.0.iter().map(CaseResult::key).collect();
    let (_tx, rx) = watch::channel(0_u32);
    let mut second = Collect::default();
    let out = execute(
        plan(&suite, &sel, done.clone()),
        cache(&dir).await,
        None,
        &mut second,
        &mut (),
        rx,
    )
    .await
    .unwrap();
    assert_eq!(out, Outcome::Complete);
    let again: HashSet<_> = second.0.iter().map(CaseResult::key).collect();
    assert!(again.is_disjoint(&done));
    assert_eq!(done.len() + again.len(), 12);
}

#[test]
fn filters_and_samples_are_deterministic() {
    let suite = suite();
    let golden =
        Selection::new(&suite, &[Filter::parse("split:golden").unwrap()], None, 0).unwrap();
    assert_eq!(golden.len(), 2);
    let tag = Selection::new(&suite, &[Filter::parse("tag:b").unwrap()], None, 0).unwrap();
    assert_eq!(tag.len(), 1);
    let text = Selection::new(&suite, &[Filter::parse("re:no match").unwrap()], None, 0).unwrap();
    assert_eq!(text.len(), 1);
    let both = Selection::new(
        &suite,
        &[
            Filter::parse("split:golden").unwrap(),
            Filter::parse("tag:a").unwrap(),
        ],
        None,
        0,
    )
    .unwrap();
    assert_eq!(both.len(), 1);
    assert!(Filter::parse("re:(").is_err());
    assert!(Filter::parse("split:").is_err());

    let pick = |seed| {
        let s = Selection::new(&suite, &[], Some(2), seed).unwrap();
        s.cases(&suite)
            .map(|c| c.unwrap().1.test.description.unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(pick(7), pick(7));
    assert_eq!(pick(7).len(), 2);
    let seen: HashSet<_> = (0..20).flat_map(pick).collect();
    assert_eq!(seen.len(), 3, "every case can be sampled");
}

/// Records the values external assertions were graded with.
#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<String>>);

impl whet_eval::run::ExternalGrader for Recorder {
    fn grade<'a>(
        &'a self,
        spec: &'a whet_assert::AssertionSpec,
        _: whet_eval::run::ExternalInput<'a>,
    ) -> futures::future::BoxFuture<'a, Result<whet_eval::run::ExternalGrade, String>> {
        let value = spec
            .value
            .as_ref()
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        self.0.lock().unwrap().push(value.to_owned());
        Box::pin(async { Err::<whet_eval::run::ExternalGrade, _>("recorded".to_owned()) })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rubric_values_are_rendered_with_the_case_vars() {
    let text = r#"
prompts: [echo]
tests:
  - vars: {message: "hi", product: "the card"}
    assert: [{type: llm-rubric, value: "Mentions {{ product }}"}]
  - vars: {message: "hi"}
    assert: [{type: llm-rubric, value: "Mentions {{ product }}"}]
"#;
    let (suite, d) = parse_suite(std::path::Path::new("s.yaml"), text);
    assert!(d.is_empty(), "{d:?}");
    let suite = suite.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sel = Selection::new(&suite, &[], None, 0).unwrap();
    let recorder = Arc::new(Recorder::default());
    let (_tx, rx) = watch::channel(0_u32);
    let mut sink = Collect::default();
    let mut p = plan(&suite, &sel, HashSet::new());
    p.variants.truncate(1);
    p.repeat = 1;
    execute(
        p,
        cache(&dir).await,
        Some(recorder.clone()),
        &mut sink,
        &mut (),
        rx,
    )
    .await
    .unwrap();
    assert_eq!(*recorder.0.lock().unwrap(), ["Mentions the card"]);
    sink.0.sort_by_key(|r| r.case);
    assert_eq!(sink.0[0].error.as_deref(), Some("recorded"));
    // An undefined variable is an error of that case, not a silent blank.
    let e = sink.0[1].error.as_deref().unwrap();
    assert!(e.contains("cannot render the `llm-rubric` value"), "{e}");
}
