//! [`Graders`]: the configured judge, embedder, cache and script folder, and
//! the grading of each type on one case.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use futures::future::try_join_all;
use serde_json::{Map, Value, json};
use whet_assert::{AssertionSpec, Grade};
use whet_store::ResponseCache;

use crate::error::{JudgeError, SpecError};
use crate::judge::{self, JudgeModel, Meter, Sample, cosine, unparseable};
use crate::parse;
use crate::prompts::{self, QUESTIONS};
use crate::script::{self, Verdict};
use crate::spec::{
    self, Check, DEFAULT_SCORE_THRESHOLD, DEFAULT_SIMILAR_THRESHOLD, Judged, Parsed, Script,
};

/// One case, as the graders read it.
#[derive(Debug, Clone, Copy)]
pub struct CaseInput<'a> {
    /// The model's output text.
    pub output: &'a str,
    /// The case's variables (after `defaultTest` and scenario merging).
    /// `context-faithfulness` reads `context`, `answer-relevance` reads
    /// `query`.
    pub vars: &'a Map<String, Value>,
    /// The case's `expected` value, when it has one (handed to scripts).
    pub expected: Option<&'a Value>,
    /// The rendered prompt as text: the question, for `answer-relevance`
    /// without `vars.query`, `g-eval`, `factuality` and
    /// `context-faithfulness`.
    pub prompt: &'a str,
}

/// A grade and what it took to reach it.
#[derive(Debug, Clone, PartialEq)]
pub struct JudgedGrade {
    /// The verdict, after `not-` negation, with the assertion's metric name.
    pub grade: Grade,
    /// With `judge_samples > 1`: the share of samples that agree with the
    /// verdict (1 when unanimous, 0.5 for a tie). `None` for one sample and
    /// for `similar` and `script`.
    pub agreement: Option<f64>,
    /// How many judge samples were taken (1 for `similar` and `script`).
    pub samples: u32,
    /// Dollars spent on judge and embedding calls (cache hits cost nothing).
    pub cost_usd: f64,
    /// Input tokens spent (judge prompts and embedded text; not cache hits).
    pub input_tokens: u64,
    /// Output tokens the judge generated (not cache hits).
    pub output_tokens: u64,
    /// Provider calls made (judge and embedding calls).
    pub calls: u32,
    /// Judge answers served from the response cache.
    pub cache_hits: u32,
}

/// What grades the assertions that need more than the output: the default
/// judge, more judges by model alias (an assertion's `provider: ALIAS` picks
/// one), an embedder for `similar` and `answer-relevance`, the response cache,
/// and the folder scripts run in. Cheap to clone; share one per suite run.
///
/// ```
/// use std::sync::Arc;
/// use whet_assert::AssertionSpec;
/// use whet_judge::{Graders, JudgeModel};
/// use whet_providers::{MockBehavior, MockProvider};
///
/// let mock = Arc::new(MockProvider::new("mock", MockBehavior::Echo));
/// let graders = Graders::new().with_judge(JudgeModel::new("tiny", mock, "echo"));
/// let rubric = AssertionSpec::from_json(&serde_json::json!({"type": "llm-rubric", "value": "polite"}))?;
/// assert!(graders.validate(&rubric).is_ok());
/// let similar = AssertionSpec::from_json(&serde_json::json!({"type": "similar", "value": "hi"}))?;
/// assert!(graders.validate(&similar).unwrap_err().to_string().contains("embedding model"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Graders {
    judge: Option<JudgeModel>,
    embedder: Option<JudgeModel>,
    models: HashMap<String, JudgeModel>,
    cache: Option<ResponseCache>,
    script_dir: Option<PathBuf>,
}

impl Graders {
    /// Graders with nothing configured: only `script` can grade.
    pub fn new() -> Self {
        Graders::default()
    }

    /// Sets the default judge (also reachable as `provider: ALIAS`).
    #[must_use]
    pub fn with_judge(mut self, judge: JudgeModel) -> Self {
        self.models.insert(judge.name.clone(), judge.clone());
        self.judge = Some(judge);
        self
    }

    /// Adds a model that assertions may name with `provider: ALIAS`: a
    /// judge for the model-graded types, an embedder for `similar`.
    #[must_use]
    pub fn with_model(mut self, model: JudgeModel) -> Self {
        self.models.insert(model.name.clone(), model);
        self
    }

    /// Sets the embedder of `similar` and `answer-relevance` (also reachable
    /// as `provider: ALIAS` on `similar`).
    #[must_use]
    pub fn with_embedder(mut self, embedder: JudgeModel) -> Self {
        self.models.insert(embedder.name.clone(), embedder.clone());
        self.embedder = Some(embedder);
        self
    }

    /// Sends judge calls through `cache`, with the judge sample as the repeat
    /// index: re-running a suite asks no judge twice.
    #[must_use]
    pub fn with_cache(mut self, cache: ResponseCache) -> Self {
        self.cache = Some(cache);
        self
    }

    /// The folder `script` commands run in: the suite's folder. Default: the
    /// process's working directory.
    #[must_use]
    pub fn with_script_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.script_dir = Some(dir.into());
        self
    }

    /// Checks an assertion up front: [`crate::validate_spec`], then that the
    /// model it needs is configured (a judge for the model-graded types, the
    /// alias named by `provider`, an embedder for `similar`).
    pub fn validate(&self, spec: &AssertionSpec) -> Result<(), SpecError> {
        let parsed = spec::parse(spec)?;
        match &parsed.check {
            Check::Judged(_) => self.judge_for(&parsed).map(|_| ()),
            Check::Similar(_) => self.embedder_for(&parsed).map(|_| ()),
            Check::Script(_) => Ok(()),
        }
    }

    /// Grades one assertion of [`crate::TYPES`] on one case.
    ///
    /// An `Err` means the case could not be graded (a judge that answered
    /// garbage, a provider error, a script that crashed or timed out, a
    /// missing `vars.context`); the runner records it as an errored grade,
    /// not a failure. A failing output is an `Ok` grade with `pass: false`.
    pub async fn grade(
        &self,
        spec: &AssertionSpec,
        case: &CaseInput<'_>,
    ) -> Result<JudgedGrade, JudgeError> {
        let parsed = spec::parse(spec)?;
        let mut meter = Meter::default();
        let (outcome, agreement) = match &parsed.check {
            Check::Judged(judged) => {
                let judge = self.judge_for(&parsed)?;
                let of = parsed.samples;
                let runs = (0..of)
                    .map(|index| self.sample(judge, judged, &parsed, case, Sample { index, of }));
                let mut outcomes = Vec::new();
                for (outcome, spent) in try_join_all(runs).await? {
                    meter += spent;
                    outcomes.push(outcome);
                }
                majority(outcomes)
            }
            Check::Similar(targets) => {
                let embedder = self.embedder_for(&parsed)?;
                let outcome =
                    similar(embedder, targets, parsed.threshold, case, &mut meter).await?;
                (outcome, None)
            }
            Check::Script(script) => (self.script(script, parsed.threshold, case).await?, None),
        };
        Ok(JudgedGrade {
            grade: finish(outcome, &parsed),
            agreement,
            samples: parsed.samples,
            cost_usd: meter.cost_usd,
            input_tokens: meter.input_tokens,
            output_tokens: meter.output_tokens,
            calls: meter.calls,
            cache_hits: meter.cache_hits,
        })
    }

    fn judge_for(&self, parsed: &Parsed) -> Result<&JudgeModel, SpecError> {
        if let Some(alias) = &parsed.provider {
            return self.model(alias);
        }
        self.judge.as_ref().ok_or_else(|| {
            SpecError::at(
                "type",
                format!(
                    "\"{}\" needs a judge model, and none is configured: set a judge model, or name a model alias with `provider`",
                    parsed.check.name()
                ),
            )
        })
    }

    fn embedder_for(&self, parsed: &Parsed) -> Result<&JudgeModel, SpecError> {
        if let Some(alias) = &parsed.provider {
            return self.model(alias);
        }
        self.embedder.as_ref().ok_or_else(|| {
            SpecError::at(
                "type",
                "\"similar\" needs an embedding model, and none is configured: set one (all-minilm-l6-v2 runs locally), or name a model alias with `provider`",
            )
        })
    }

    fn model(&self, alias: &str) -> Result<&JudgeModel, SpecError> {
        self.models.get(alias).ok_or_else(|| {
            let mut known: Vec<&str> = self.models.keys().map(String::as_str).collect();
            known.sort_unstable();
            let known = if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            };
            SpecError::at(
                "provider",
                format!("no model alias \"{alias}\" is available for grading (available: {known})"),
            )
        })
    }

    /// One judge sample of a model-graded assertion.
    async fn sample(
        &self,
        judge: &JudgeModel,
        judged: &Judged,
        parsed: &Parsed,
        case: &CaseInput<'_>,
        sample: Sample,
    ) -> Result<(Outcome, Meter), JudgeError> {
        let mut meter = Meter::default();
        let cache = self.cache.as_ref();
        let ctx = Ctx {
            judge,
            cache,
            sample,
            threshold: parsed.threshold,
        };
        let outcome = match judged {
            Judged::Rubric(rubric) => ctx.rubric(rubric, case, &mut meter).await?,
            Judged::GEval(criteria) => ctx.g_eval(criteria, case, &mut meter).await?,
            Judged::Factuality(reference) => ctx.factuality(reference, case, &mut meter).await?,
            Judged::AnswerRelevance => {
                ctx.answer_relevance(self.embedder.as_ref(), case, &mut meter)
                    .await?
            }
            Judged::ContextFaithfulness => ctx.faithfulness(case, &mut meter).await?,
        };
        Ok((outcome, meter))
    }

    async fn script(
        &self,
        script: &Script,
        threshold: Option<f64>,
        case: &CaseInput<'_>,
    ) -> Result<Outcome, JudgeError> {
        // An empty path (the parent of a bare file name) means here.
        let dir = self
            .script_dir
            .clone()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from("."));
        let input = json!({
            "output": case.output,
            "vars": case.vars,
            "expected": case.expected,
            "prompt": case.prompt,
        });
        let verdict = script::run(script, &dir, &input).await?;
        Ok(script_outcome(verdict, threshold))
    }
}

/// One sample's (or the aggregated) verdict, before negation.
#[derive(Debug, Clone, PartialEq)]
struct Outcome {
    pass: bool,
    score: f64,
    reason: String,
}

/// What every judge sample shares.
struct Ctx<'a> {
    judge: &'a JudgeModel,
    cache: Option<&'a ResponseCache>,
    sample: Sample,
    threshold: Option<f64>,
}

impl Ctx<'_> {
    async fn ask(
        &self,
        prompt: prompts::Prompt,
        meter: &mut Meter,
    ) -> Result<Map<String, Value>, JudgeError> {
        judge::ask(self.judge, self.cache, prompt, self.sample, meter).await
    }

    fn garbage(&self, message: &str, answer: &Map<String, Value>) -> JudgeError {
        unparseable(
            self.judge,
            message,
            &Value::Object(answer.clone()).to_string(),
        )
    }

    /// `llm-rubric`: the judge's `pass` decides, and its score must reach
    /// the threshold when one is given.
    async fn rubric(
        &self,
        rubric: &str,
        case: &CaseInput<'_>,
        meter: &mut Meter,
    ) -> Result<Outcome, JudgeError> {
        let answer = self
            .ask(prompts::rubric(rubric, case.output), meter)
            .await?;
        let (pass, score) = self.pass_and_score(&answer, 0.5)?;
        let pass = pass && self.threshold.is_none_or(|t| score >= t);
        Ok(Outcome {
            pass,
            score,
            reason: reason_of(&answer),
        })
    }

    /// `pass` and `score` of a `{reason, score, pass}` answer. A missing
    /// one is derived from the other (`score >= cut` passes; a pass scores
    /// 1); both missing is garbage.
    fn pass_and_score(
        &self,
        answer: &Map<String, Value>,
        cut: f64,
    ) -> Result<(bool, f64), JudgeError> {
        let pass = parse::boolean(answer, "pass");
        let score = parse::number(answer, "score").map(|s| s.clamp(0.0, 1.0));
        match (pass, score) {
            (Some(p), Some(s)) => Ok((p, s)),
            (Some(p), None) => Ok((p, if p { 1.0 } else { 0.0 })),
            (None, Some(s)) => Ok((s >= cut, s)),
            (None, None) => Err(self.garbage("no boolean `pass` and no numeric `score`", answer)),
        }
    }

    /// `g-eval`: each criterion scored 1–10 and divided by 10 (as promptfoo
    /// does); the mean must reach the threshold (default 0.7).
    async fn g_eval(
        &self,
        criteria: &[String],
        case: &CaseInput<'_>,
        meter: &mut Meter,
    ) -> Result<Outcome, JudgeError> {
        let mut scores = Vec::with_capacity(criteria.len());
        let mut reasons = Vec::with_capacity(criteria.len());
        for criterion in criteria {
            let answer = self
                .ask(prompts::g_eval(criterion, case.prompt, case.output), meter)
                .await?;
            let score = parse::number(&answer, "score")
                .filter(|s| (1.0..=10.0).contains(s))
                .ok_or_else(|| self.garbage("no `score` from 1 to 10", &answer))?;
            scores.push(score / 10.0);
            let reason = reason_of(&answer);
            reasons.push(if criteria.len() == 1 {
                format!("{score}/10: {reason}")
            } else {
                format!("{criterion}: {score}/10: {reason}")
            });
        }
        let score = mean(&scores);
        let threshold = self.threshold.unwrap_or(DEFAULT_SCORE_THRESHOLD);
        Ok(Outcome {
            pass: score >= threshold,
            score,
            reason: reasons.join("\n"),
        })
    }

    /// `factuality`: categories A, B, C and E pass (score 1), D fails
    /// (score 0); a threshold applies to that score.
    async fn factuality(
        &self,
        reference: &str,
        case: &CaseInput<'_>,
        meter: &mut Meter,
    ) -> Result<Outcome, JudgeError> {
        let answer = self
            .ask(
                prompts::factuality(case.prompt, reference, case.output),
                meter,
            )
            .await?;
        let category = parse::text(&answer, "category")
            .trim_start_matches('(')
            .chars()
            .next()
            .map(|c| c.to_ascii_uppercase())
            .filter(|c| ('A'..='E').contains(c))
            .ok_or_else(|| self.garbage("no `category` among A, B, C, D, E", &answer))?;
        let score = if category == 'D' { 0.0 } else { 1.0 };
        let meaning = prompts::factuality_meaning(&category.to_string());
        Ok(Outcome {
            pass: score > 0.0 && self.threshold.is_none_or(|t| score >= t),
            score,
            reason: format!("Category {category} ({meaning}): {}", reason_of(&answer)),
        })
    }

    /// `answer-relevance`: with an embedder, as promptfoo does: the judge
    /// writes the questions the output answers, and the score is their mean
    /// cosine similarity to the query. Without one, the judge scores
    /// relevance itself. Either way the score must reach the threshold
    /// (default 0.7).
    async fn answer_relevance(
        &self,
        embedder: Option<&JudgeModel>,
        case: &CaseInput<'_>,
        meter: &mut Meter,
    ) -> Result<Outcome, JudgeError> {
        let query = query(case).ok_or_else(|| JudgeError::MissingInput {
            assertion: "answer-relevance",
            message: "no query: set `vars.query` or render a non-empty prompt".to_owned(),
        })?;
        let threshold = self.threshold.unwrap_or(DEFAULT_SCORE_THRESHOLD);
        let Some(embedder) = embedder else {
            let answer = self
                .ask(prompts::relevance(query, case.output), meter)
                .await?;
            let (_, score) = self.pass_and_score(&answer, threshold)?;
            return Ok(Outcome {
                pass: score >= threshold,
                score,
                reason: reason_of(&answer),
            });
        };
        let answer = self.ask(prompts::questions(case.output), meter).await?;
        let questions: Vec<String> = answer
            .get("questions")
            .and_then(Value::as_array)
            .map(|qs| {
                qs.iter()
                    .filter_map(Value::as_str)
                    .map(str::trim)
                    .filter(|q| !q.is_empty())
                    .take(QUESTIONS)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        if questions.is_empty() {
            return Err(self.garbage("no `questions` list of strings", &answer));
        }
        let mut inputs = vec![query.to_owned()];
        inputs.extend(questions.iter().cloned());
        let vectors = judge::embed(embedder, inputs, meter).await?;
        let similarities: Vec<f64> = vectors
            .split_first()
            .map(|(q, rest)| rest.iter().map(|v| cosine(q, v)).collect())
            .unwrap_or_default();
        let score = mean(&similarities).clamp(0.0, 1.0);
        Ok(Outcome {
            pass: score >= threshold,
            score,
            reason: format!(
                "The output answers questions with mean similarity {score:.3} to the query ({} threshold {threshold}), e.g. {:?}",
                if score >= threshold { "meets" } else { "below" },
                questions[0]
            ),
        })
    }

    /// `context-faithfulness`: the share of the output's claims that
    /// `vars.context` supports must reach the threshold (default 0.7). An
    /// output that makes no claim is faithful.
    async fn faithfulness(
        &self,
        case: &CaseInput<'_>,
        meter: &mut Meter,
    ) -> Result<Outcome, JudgeError> {
        let context = context(case.vars).ok_or_else(|| JudgeError::MissingInput {
            assertion: "context-faithfulness",
            message: "no context: set `vars.context` to a string or a list of strings".to_owned(),
        })?;
        let query = query(case).unwrap_or_default();
        let answer = self
            .ask(prompts::faithfulness(&context, query, case.output), meter)
            .await?;
        let claims = answer
            .get("claims")
            .and_then(Value::as_array)
            .and_then(|items| {
                items
                    .iter()
                    .map(|c| {
                        let c = c.as_object()?;
                        Some((parse::text(c, "claim"), parse::boolean(c, "supported")?))
                    })
                    .collect::<Option<Vec<_>>>()
            })
            .ok_or_else(|| {
                self.garbage("no `claims` list of {claim, supported} objects", &answer)
            })?;
        let threshold = self.threshold.unwrap_or(DEFAULT_SCORE_THRESHOLD);
        if claims.is_empty() {
            return Ok(Outcome {
                pass: 1.0 >= threshold,
                score: 1.0,
                reason: "The output makes no factual claims".to_owned(),
            });
        }
        let supported = claims.iter().filter(|(_, s)| *s).count();
        #[expect(clippy::cast_precision_loss, reason = "claim counts are small")]
        let score = supported as f64 / claims.len() as f64;
        let unsupported: Vec<String> = claims
            .iter()
            .filter(|(_, s)| !*s)
            .map(|(c, _)| format!("{c:?}"))
            .collect();
        let mut reason = format!(
            "{supported} of {} claims are supported by the context",
            claims.len()
        );
        if !unsupported.is_empty() {
            reason.push_str("; unsupported: ");
            reason.push_str(&unsupported.join(", "));
        }
        Ok(Outcome {
            pass: score >= threshold,
            score,
            reason,
        })
    }
}

/// `similar`: the best cosine similarity between the output and any value
/// must reach the threshold (default 0.75). The score is that similarity
/// (clamped at 0).
async fn similar(
    embedder: &JudgeModel,
    targets: &[String],
    threshold: Option<f64>,
    case: &CaseInput<'_>,
    meter: &mut Meter,
) -> Result<Outcome, JudgeError> {
    let mut inputs = Vec::with_capacity(targets.len() + 1);
    inputs.push(case.output.to_owned());
    inputs.extend(targets.iter().cloned());
    let vectors = judge::embed(embedder, inputs, meter).await?;
    let best = vectors
        .split_first()
        .and_then(|(out, rest)| {
            rest.iter()
                .map(|v| cosine(out, v))
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(&b.1))
        })
        .ok_or_else(|| JudgeError::Embedding {
            embedder: embedder.name.clone(),
            message: "no vectors to compare".to_owned(),
        })?;
    let (at, similarity) = best;
    let threshold = threshold.unwrap_or(DEFAULT_SIMILAR_THRESHOLD);
    let pass = similarity >= threshold;
    let mut reason = format!(
        "Similarity {similarity:.3} is {} threshold {threshold}",
        if pass { "at least the" } else { "below the" }
    );
    if targets.len() > 1 {
        reason.push_str(&format!(" (closest: value {})", at + 1));
    }
    Ok(Outcome {
        pass,
        score: similarity.clamp(0.0, 1.0),
        reason,
    })
}

/// A script's verdict: a number passes when it is > 0, or when it reaches
/// the threshold if one is given (promptfoo's rule); a boolean scores 1 or
/// 0; a JSON object's `pass` decides, and its `score` must also reach a
/// given threshold.
fn script_outcome(verdict: Verdict, threshold: Option<f64>) -> Outcome {
    let score = verdict
        .score
        .unwrap_or(if verdict.pass == Some(true) { 1.0 } else { 0.0 });
    let pass = match threshold {
        Some(t) => verdict.pass.unwrap_or(true) && score >= t,
        None => verdict.pass.unwrap_or(score > 0.0),
    };
    let reason = verdict
        .reason
        .unwrap_or_else(|| match (verdict.pass, threshold) {
            (Some(p), _) if verdict.score.is_none() => format!("Script returned {p}"),
            (_, Some(t)) => format!("Script returned score {score} (threshold {t})"),
            _ => format!("Script returned score {score}"),
        });
    Outcome {
        pass,
        score,
        reason,
    }
}

/// The verdict of several samples: the majority of their verdicts (a tie
/// fails), the mean of their scores, and the share that agrees.
fn majority(mut outcomes: Vec<Outcome>) -> (Outcome, Option<f64>) {
    let n = outcomes.len();
    if n == 1
        && let Some(one) = outcomes.pop()
    {
        return (one, None);
    }
    let passes = outcomes.iter().filter(|o| o.pass).count();
    let pass = passes * 2 > n;
    let agreeing = if pass { passes } else { n - passes };
    let scores: Vec<f64> = outcomes.iter().map(|o| o.score).collect();
    let said = outcomes
        .iter()
        .find(|o| o.pass == pass)
        .map_or("", |o| o.reason.as_str());
    let reason = format!(
        "{said} ({agreeing} of {n} judge samples {})",
        if pass { "passed" } else { "failed" }
    );
    #[expect(clippy::cast_precision_loss, reason = "sample counts are small")]
    let agreement = agreeing as f64 / n.max(1) as f64;
    (
        Outcome {
            pass,
            score: mean(&scores),
            reason,
        },
        Some(agreement),
    )
}

/// The grade: `not-` inverts the verdict and takes `1 - score`, like every
/// whet-assert type.
fn finish(outcome: Outcome, parsed: &Parsed) -> Grade {
    let (pass, score) = if parsed.negated {
        (!outcome.pass, 1.0 - outcome.score)
    } else {
        (outcome.pass, outcome.score)
    };
    Grade {
        pass,
        score,
        reason: Cow::Owned(outcome.reason),
        metric: parsed.metric.clone(),
        label: None::<Arc<str>>,
    }
}

fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    #[expect(clippy::cast_precision_loss, reason = "counts are small")]
    let n = xs.len() as f64;
    xs.iter().sum::<f64>() / n
}

fn reason_of(answer: &Map<String, Value>) -> String {
    let reason = parse::text(answer, "reason");
    if reason.is_empty() {
        "(the judge gave no reason)".to_owned()
    } else {
        reason
    }
}

/// `vars.query` when it is a non-empty string, else the rendered prompt.
fn query<'a>(case: &CaseInput<'a>) -> Option<&'a str> {
    case.vars
        .get("query")
        .and_then(Value::as_str)
        .filter(|q| !q.trim().is_empty())
        .or(Some(case.prompt).filter(|p| !p.trim().is_empty()))
}

/// `vars.context`: a string, or a list whose items (strings, or anything
/// else as JSON) are joined by blank lines.
fn context(vars: &Map<String, Value>) -> Option<String> {
    let text = match vars.get("context")? {
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n\n"),
        Value::Null => return None,
        other => other.to_string(),
    };
    (!text.trim().is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(pass: bool, score: f64) -> Outcome {
        Outcome {
            pass,
            score,
            reason: format!("{pass}"),
        }
    }

    #[test]
    fn majority_ties_fail_and_agreement_counts_the_majority() {
        let (v, a) = majority(vec![o(true, 1.0), o(false, 0.2), o(true, 0.9)]);
        assert!(v.pass);
        assert!((v.score - 0.7).abs() < 1e-12);
        assert_eq!(a, Some(2.0 / 3.0));
        assert!(v.reason.starts_with("true (2 of 3 judge samples passed)"));
        let (v, a) = majority(vec![o(true, 1.0), o(false, 0.0)]);
        assert!(!v.pass);
        assert_eq!(a, Some(0.5));
        let (v, a) = majority(vec![o(true, 0.8)]);
        assert_eq!((v.pass, a), (true, None));
    }

    #[test]
    fn script_verdicts_follow_promptfoo() {
        let num = |x| Verdict {
            pass: None,
            score: Some(x),
            reason: None,
        };
        assert!(script_outcome(num(0.1), None).pass);
        assert!(!script_outcome(num(0.0), None).pass);
        assert!(!script_outcome(num(0.4), Some(0.5)).pass);
        assert!(script_outcome(num(0.5), Some(0.5)).pass);
        let json = Verdict {
            pass: Some(true),
            score: Some(0.3),
            reason: Some("meh".into()),
        };
        assert!(script_outcome(json.clone(), None).pass);
        assert!(!script_outcome(json, Some(0.5)).pass);
        let yes = Verdict {
            pass: Some(true),
            score: None,
            reason: None,
        };
        let out = script_outcome(yes, None);
        assert_eq!((out.pass, out.score), (true, 1.0));
        assert_eq!(out.reason, "Script returned true");
    }

    #[test]
    fn context_and_query_are_read_from_vars() {
        let vars: Map<String, Value> =
            serde_json::from_value(json!({"context": ["a", 1], "query": "  "})).unwrap();
        assert_eq!(context(&vars).as_deref(), Some("a\n\n1"));
        let case = CaseInput {
            output: "x",
            vars: &vars,
            expected: None,
            prompt: "What is it?",
        };
        assert_eq!(query(&case), Some("What is it?"));
        assert_eq!(context(&Map::new()), None);
    }
}
