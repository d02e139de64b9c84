//! This crate provides the assertions whet grades with something other than
//! the output alone: a judge model (`llm-rubric`, `g-eval`, `factuality`,
//! `answer-relevance`, `context-faithfulness`), embeddings (`similar`) or a
//! command (`script`), with promptfoo's semantics and whet's own prompts.
//!
//! # Brief overview
//!
//! A suite keeps these assertions as [`whet_assert::AssertionSpec`]s. The
//! runner builds one [`Graders`] per run (the default judge, more
//! [`JudgeModel`]s by alias, an embedder, the
//! [`whet_store::ResponseCache`], the suite's folder for scripts) and calls
//! [`Graders::grade`] once per assertion and case with a [`CaseInput`]; it
//! gets a [`JudgedGrade`]: a [`whet_assert::Grade`] (pass, score, reason,
//! metric, after `not-`) plus the judges' agreement and what grading cost.
//! [`validate_spec`] and [`Graders::validate`] check an assertion before any
//! case runs; a case that cannot be graded is a [`JudgeError`], which the
//! runner records as an error, not a failure.
//!
//! ```
//! use std::sync::Arc;
//! use whet_assert::AssertionSpec;
//! use whet_judge::{CaseInput, Graders, JudgeModel};
//! use whet_providers::{MockBehavior, MockProvider};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
//! // A judge that always answers with this verdict (a real one is a local
//! // GGUF model or an HTTP endpoint).
//! let verdict = r#"{"reason": "It greets the user.", "score": 0.9, "pass": true}"#;
//! let judge = Arc::new(MockProvider::new("mock", MockBehavior::Script(vec![verdict.into()])));
//! let graders = Graders::new().with_judge(JudgeModel::new("judge", judge, "any"));
//!
//! let spec = AssertionSpec::from_json(&serde_json::json!({
//!     "type": "not-llm-rubric", "value": "greets the user", "metric": "tone",
//! }))?;
//! let vars = serde_json::Map::new();
//! let case = CaseInput { output: "Hello!", vars: &vars, expected: None, prompt: "Say hi" };
//! let judged = graders.grade(&spec, &case).await?;
//! assert!(!judged.grade.pass); // the judge passed it; `not-` inverts
//! assert!((judged.grade.score - 0.1).abs() < 1e-9);
//! assert_eq!(judged.grade.reason, "It greets the user.");
//! assert_eq!(judged.grade.metric.as_deref(), Some("tone"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The types
//!
//! Every type takes `not-` (the verdict inverted, the score `1 - score`),
//! `weight`, `metric` and `threshold` (a score in [0, 1]; [-1, 1] for
//! `similar`). The model-graded ones also take `judge_samples: n` and
//! `provider: ALIAS` (a model alias instead of the default judge).
//!
//! | type | value | passes when | score |
//! |---|---|---|---|
//! | `llm-rubric` | the rubric | the judge says `pass`, and its score reaches the threshold if one is given | the judge's, 0–1 |
//! | `g-eval` | a criterion or a list | the mean score reaches the threshold (default 0.7) | each criterion 1–10, divided by 10 (as promptfoo), then the mean |
//! | `factuality` | the reference answer | the category is A (subset), B (superset), C (same) or E (differs, not in facts); D (disagrees) fails | 1, or 0 for D |
//! | `answer-relevance` | none: reads `vars.query`, else the prompt | the score reaches the threshold (default 0.7) | mean cosine between the query and three questions the judge writes for the output (with an embedder); the judge's relevance score (without one) |
//! | `context-faithfulness` | none: reads `vars.context` (a string or a list) | the score reaches the threshold (default 0.7) | supported claims / claims (1 when there is no claim) |
//! | `similar` | a text or a list (the closest counts) | cosine similarity reaches the threshold (default 0.75) | the similarity, clamped at 0 |
//! | `script` | a shell command, or `{command: [argv...], timeout_s}` | see below | see below |
//!
//! # Judge calls
//!
//! A judge gets a system prompt that states the task and the answer's
//! shape, the material in tagged sections, and a JSON Schema
//! `response_format` (llama.cpp models are held to it by a grammar; OpenAI
//! and Anthropic endpoints by their structured outputs). Answers are read
//! leniently (a fenced or prose-wrapped object, `"true"` for `true`), but an
//! answer without a verdict is a [`JudgeError::Unparseable`] quoting it,
//! never a guessed grade. One sample is asked at temperature 0; with
//! `judge_samples: n`, n samples are asked at the judge's sampling
//! temperature (default 0.7), each with its own seed and cache repeat index;
//! the verdict is the majority (a tie fails), the score the mean, and
//! [`JudgedGrade::agreement`] the share of samples that agree with the
//! verdict. With a cache, a re-run asks no judge again: hits cost nothing
//! and count in [`JudgedGrade::cache_hits`]. Embeddings are not cached
//! (the local embedder computes them in milliseconds).
//!
//! # Scripts
//!
//! A string runs with `sh -c`, a `command` list runs directly; either way in
//! the suite's folder ([`Graders::with_script_dir`]), in its own process
//! group. Its stdin is the case as JSON, `{"output", "vars", "expected",
//! "prompt"}`. It prints on stdout a number in [0, 1], `true` / `false`, or
//! `{"pass": bool, "score": number, "reason": string}` (either of `pass` and
//! `score` may be left out); the whole output is read, else its last line,
//! so a script may log first. As in promptfoo, a number passes when it is
//! above 0, or at least the threshold when one is given; a boolean scores 1
//! or 0; a JSON `pass` decides, and a given threshold must also be reached
//! by its `score`. A script that runs past `timeout_s` (default 30 s) is
//! killed with its whole process group; a non-zero exit is a
//! [`JudgeError::ScriptFailed`] with the end of its stderr.
//!
//! # Differences from promptfoo
//!
//! - the judge prompts are whet's own, and answers are schema-constrained;
//! - `g-eval` asks once per criterion with the steps and the score in one
//!   answer (promptfoo first asks for the steps, then for the score);
//! - `context-faithfulness` extracts and checks claims in one judge answer;
//!   its default threshold is 0.7 (promptfoo's is 0);
//! - `answer-relevance` without an embedder falls back to a judge score;
//! - `provider` is a model alias (a string), not a provider object;
//! - a `script` number outside [0, 1] is an error.

#![deny(missing_docs)]

mod error;
mod graders;
mod judge;
mod parse;
mod prompts;
mod script;
mod spec;

pub use error::{JudgeError, SpecError};
pub use graders::{CaseInput, Graders, JudgedGrade};
pub use judge::{DEFAULT_JUDGE_MAX_TOKENS, DEFAULT_SAMPLE_TEMPERATURE, JudgeModel};
pub use spec::{
    DEFAULT_SCORE_THRESHOLD, DEFAULT_SCRIPT_TIMEOUT, DEFAULT_SIMILAR_THRESHOLD, TYPES, is_judged,
    validate_spec,
};
