//! Wires whet-judge into the runner: finds which judged, embedding and
//! script assertions a suite uses, loads only the models they need, and
//! adapts [`Graders`] to the runner's [`ExternalGrader`].

use std::collections::BTreeSet;
use std::sync::Arc;

use futures::FutureExt;
use futures::future::BoxFuture;
use whet_assert::AssertionSpec;
use whet_eval::run::{ExternalGrade, ExternalGrader, ExternalInput};
use whet_eval::suite::{EXTERNAL_TYPES, Suite};
use whet_judge::{CaseInput, Graders, JudgeModel};
use whet_models::ModelStore;
use whet_store::ResponseCache;

use crate::error::CliError;
use crate::models::Models;
use crate::printer::Printer;

/// The embedding model `similar` and `answer-relevance` use.
const EMBEDDING_MODEL: &str = "all-minilm-l6-v2";

/// What a suite's external assertions need.
#[derive(Default)]
struct Needs {
    /// A judged assertion that names no `provider`: needs the default judge.
    default_judge: bool,
    embeddings: bool,
    any: bool,
    aliases: BTreeSet<String>,
}

impl Needs {
    fn add(&mut self, spec: &AssertionSpec) {
        let base = spec.kind.strip_prefix("not-").unwrap_or(&spec.kind);
        if !EXTERNAL_TYPES.contains(&base) {
            return;
        }
        self.any = true;
        match base {
            "script" => {}
            // `provider` on `similar` names the embedder, not a judge.
            "similar" => {
                match &spec.provider {
                    Some(p) => {
                        self.aliases.insert(p.clone());
                    }
                    None => self.embeddings = true,
                }
                return;
            }
            "answer-relevance" => self.embeddings = true,
            _ => {}
        }
        match &spec.provider {
            Some(p) => {
                self.aliases.insert(p.clone());
            }
            None => self.default_judge = true,
        }
    }
}

/// The graders a suite needs, or `None` when it has no external
/// assertions.
pub fn graders(
    models: &mut Models<'_>,
    suite: &Suite,
    cache: &ResponseCache,
    printer: Printer,
) -> Result<Option<Arc<dyn ExternalGrader>>, CliError> {
    let mut needs = Needs::default();
    let inline = suite.tests.iter().flat_map(|t| &t.assert);
    for a in suite.default_test.assert.iter().chain(inline) {
        needs.add(&a.spec);
    }
    // Dataset rows were looked at while parsing.
    for spec in suite.datasets.iter().flat_map(|d| &d.external) {
        needs.add(spec);
    }
    if !needs.any {
        return Ok(None);
    }
    let dir = suite
        .path
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    let mut g = Graders::new()
        .with_cache(cache.clone())
        .with_script_dir(dir);
    if needs.default_judge {
        let alias = models.pick(None, None).map_err(|_| {
            CliError::Usage("a judged assertion needs a judge: set [defaults] model in whet.toml or `provider: ALIAS` on the assertion".into())
        })?;
        g = g.with_judge(judge_model(models, &alias)?);
    }
    for alias in &needs.aliases {
        g = g.with_model(judge_model(models, alias)?);
    }
    if needs.embeddings {
        g = g.with_embedder(embedder(printer)?);
    }
    Ok(Some(Arc::new(JudgeGrader(g))))
}

fn judge_model(models: &mut Models<'_>, alias: &str) -> Result<JudgeModel, CliError> {
    let t = models.target(alias)?;
    Ok(JudgeModel::new(alias, t.provider, t.model).with_pricing(t.pricing))
}

/// The local MiniLM embedder, pulled on first use.
fn embedder(printer: Printer) -> Result<JudgeModel, CliError> {
    let provider = whet_embed::EmbeddingProvider::new(Arc::new(local_embedder(printer)?));
    Ok(JudgeModel::new(
        EMBEDDING_MODEL,
        Arc::new(provider),
        EMBEDDING_MODEL,
    ))
}

/// The local MiniLM model, pulled on first use.
pub fn local_embedder(printer: Printer) -> Result<whet_embed::LocalEmbedder, CliError> {
    let store = ModelStore::from_env()?;
    let dir = match store.path(EMBEDDING_MODEL) {
        Ok(d) => d,
        Err(_) => {
            printer.note(&format!(
                "model `{EMBEDDING_MODEL}` is not installed yet: pulling it once"
            ));
            crate::commands::models::pull_with_bar(&store, EMBEDDING_MODEL)?;
            store.path(EMBEDDING_MODEL)?
        }
    };
    whet_embed::LocalEmbedder::load(dir)
        .map_err(|e| CliError::Usage(format!("cannot load {EMBEDDING_MODEL}: {e}")))
}

/// whet-judge behind the runner's trait.
struct JudgeGrader(Graders);

impl ExternalGrader for JudgeGrader {
    fn grade<'a>(
        &'a self,
        spec: &'a AssertionSpec,
        input: ExternalInput<'a>,
    ) -> BoxFuture<'a, Result<ExternalGrade, String>> {
        async move {
            let case = CaseInput {
                output: input.output,
                vars: input.vars,
                expected: input.expected,
                prompt: input.prompt,
            };
            self.0
                .grade(spec, &case)
                .await
                .map(|g| ExternalGrade {
                    grade: g.grade,
                    agreement: g.agreement,
                    cost_usd: g.cost_usd,
                })
                .map_err(|e| e.to_string())
        }
        .boxed()
    }
}
