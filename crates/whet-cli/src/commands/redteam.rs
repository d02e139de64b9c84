//! `whet redteam`: attacks a prompt with whet-guard's offline attack
//! library, with and without its guard, grades every answer with the
//! deterministic detectors, reports the attack success rate per category
//! and the resilience score, and writes the attacks as an adversarial
//! dataset (plus a suite) for `whet eval`.

use crate::ExitStatus;
use crate::args::{GlobalArgs, GuardMode, RedteamArgs};
use crate::error::CliError;
use crate::guarded::{Exchange, Protection, converse};
use crate::models::{ModelTarget, Models};
use crate::printer::Printer;
use futures::StreamExt;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use owo_colors::OwoColorize;
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};
use whet_core::PromptRef;
use whet_guard::output::canary::Canary;
use whet_guard::output::refusal::is_refusal;
use whet_guard::policy::Guard;
use whet_guard::redteam::{
    AttackCase, BuildOptions, Category, Outcome, Strategy, Tally, build, grade,
};
use whet_registry::{Project, Registry, Resolved, VarType};
use whet_store::{ResponseCache, Store};

pub fn run(
    args: &RedteamArgs,
    global: &GlobalArgs,
    printer: Printer,
) -> Result<ExitStatus, CliError> {
    let project = super::project(global)?;
    let reference: PromptRef = args
        .prompt
        .parse()
        .map_err(|e: whet_core::RefError| CliError::Usage(e.to_string()))?;
    let resolved = Registry::new(&project).resolve(&reference)?;
    let var = message_var(&resolved, args.var.as_deref())?;
    let cases = build(&BuildOptions {
        categories: parse_names(&args.categories, Category::parse)?,
        strategies: parse_names(&args.strategies, Strategy::parse)?,
        seed: args.seed,
        limit_per_category: args.limit,
    });
    if cases.is_empty() {
        return Err(CliError::Usage(
            "no attack fits these --categories and --strategies".into(),
        ));
    }
    if args.policy.is_some() && args.guard == GuardMode::Off {
        return Err(CliError::Usage(
            "--policy applies to the guarded run: use --guard on or both".into(),
        ));
    }
    let guard = match args.guard {
        GuardMode::Off => None,
        GuardMode::On | GuardMode::Both => {
            Some(guard_for(&project, &resolved, args.policy.as_deref())?)
        }
    };
    let benign = match &args.benign {
        Some(path) => read_benign(path)?,
        None => Vec::new(),
    };
    let mut models = Models::new(&project, printer);
    let alias = models.pick(
        args.model.as_deref(),
        resolved.prompt.spec.model.alias.as_deref(),
    )?;
    let target = models.target(&alias)?;
    let jobs = args.concurrency.map_or_else(
        || models.concurrency(&target.provider_name),
        |j| j.max(1) as usize,
    );
    let canary = Canary::new(args.seed);
    let modes: Vec<Option<&Guard>> = match args.guard {
        GuardMode::Off => vec![None],
        GuardMode::On => vec![guard.as_ref()],
        GuardMode::Both => vec![None, guard.as_ref()],
    };

    let mode = crate::report::parse_cache_mode(&crate::report::cache_mode_name(
        &project,
        args.cache.as_deref(),
    ))?;
    let url = crate::report::database_url(&project, args.database_url.as_deref());
    let rt = crate::report::runtime()?;
    let runs = rt.block_on(async {
        let cache = ResponseCache::new(Store::open(&url).await?, mode);
        let total = (cases.len() + benign.len()) * modes.len();
        let bar = bar(total as u64, printer, args.json.json);
        let ctx = Ctx {
            resolved: &resolved,
            target: &target,
            cache: &cache,
            canary: &canary,
            var: &var,
            jobs,
            bar: &bar,
        };
        let mut runs = Vec::new();
        for guard in &modes {
            let attacks = ctx.attacks(&cases, *guard).await?;
            let benign = ctx.benign(&benign, *guard).await?;
            runs.push(ModeRun {
                guarded: guard.is_some(),
                attacks,
                benign,
            });
        }
        bar.finish_and_clear();
        Ok::<_, CliError>(runs)
    })?;

    let dataset = args.dataset.clone().unwrap_or_else(|| {
        project
            .root
            .join("datasets")
            .join(format!("redteam-{}.jsonl", resolved.prompt.spec.name.value))
    });
    let suite = write_dataset(&project, &resolved, &dataset, &var, &cases, &runs, &canary)?;
    let report = Report {
        resolved: &resolved,
        alias: &alias,
        cases: &cases,
        runs: &runs,
        dataset: &dataset,
        suite: suite.as_deref(),
        seed: args.seed,
    };
    if args.json.json {
        printer.json(&report.to_json(&project));
    } else {
        report.print(&project, printer);
    }
    let score = runs.last().map_or(1.0, ModeRun::resilience);
    Ok(match args.min_resilience {
        Some(min) if score < min => ExitStatus::Failure,
        _ => ExitStatus::Success,
    })
}

/// The variable the attacks go into.
fn message_var(resolved: &Resolved, given: Option<&str>) -> Result<String, CliError> {
    let vars = &resolved.prompt.spec.variables;
    if let Some(name) = given {
        return match vars.get(name) {
            Some(v) if v.kind == VarType::String => Ok(name.to_owned()),
            Some(_) => Err(CliError::Usage(format!(
                "--var {name}: the variable is not a string"
            ))),
            None => Err(CliError::Usage(format!(
                "--var {name}: the prompt has no such variable (it has: {})",
                vars.keys().cloned().collect::<Vec<_>>().join(", ")
            ))),
        };
    }
    let strings: Vec<&String> = vars
        .iter()
        .filter(|(_, v)| v.kind == VarType::String)
        .map(|(k, _)| k)
        .collect();
    let required: Vec<&&String> = strings
        .iter()
        .filter(|k| vars[k.as_str()].required && vars[k.as_str()].default.is_none())
        .collect();
    match (required.as_slice(), strings.as_slice()) {
        ([one], _) => Ok((**one).clone()),
        (_, [one]) => Ok((*one).clone()),
        _ if vars.contains_key("message") => Ok("message".into()),
        _ => Err(CliError::Usage(format!(
            "which variable carries the user's message? Pass --var (string variables: {})",
            strings
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

fn parse_names<T, E: std::fmt::Display>(
    names: &[String],
    parse: fn(&str) -> Result<T, E>,
) -> Result<Vec<T>, CliError> {
    names
        .iter()
        .map(|n| parse(n.trim()).map_err(|e| CliError::Usage(e.to_string())))
        .collect()
}

/// `--policy`, else the prompt's `[guard]`, else whet's default policy.
fn guard_for(
    project: &Project,
    resolved: &Resolved,
    policy: Option<&str>,
) -> Result<Guard, CliError> {
    if let Some(p) = policy {
        return crate::policies::from_arg(Some(project), p);
    }
    if let Some(g) = crate::policies::for_prompt(project, &resolved.prompt)? {
        return Ok(g);
    }
    Guard::new(&crate::policies::default_policy()).map_err(|e| CliError::Usage(e.to_string()))
}

/// The `vars` of each row of a benign dataset.
fn read_benign(path: &Path) -> Result<Vec<Map<String, Value>>, CliError> {
    let text = fs_err::read_to_string(path)?;
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row: Value = serde_json::from_str(line).map_err(|e| {
            CliError::Usage(format!("{}:{}:{}: {e}", path.display(), n + 1, e.column()))
        })?;
        match row.get("vars") {
            Some(Value::Object(vars)) => rows.push(vars.clone()),
            _ => {
                return Err(CliError::Usage(format!(
                    "{}:{}: the row has no `vars` object",
                    path.display(),
                    n + 1
                )));
            }
        }
    }
    Ok(rows)
}

/// What one guard setting gave.
struct ModeRun {
    guarded: bool,
    /// Per attack case, in case order.
    attacks: Vec<AttackResult>,
    /// Per benign row, in row order.
    benign: Vec<Benign>,
}

/// What became of one benign request.
#[derive(Clone, Copy)]
struct Benign {
    /// A guard rule blocked it.
    blocked: bool,
    /// The model's answer was a refusal.
    refused: bool,
}

struct AttackResult {
    outcome: Outcome,
    /// Which side's guard blocked the attack, if one did (it then counts as resisted).
    blocked: Option<&'static str>,
}

impl AttackResult {
    fn success(&self) -> bool {
        self.outcome.success && self.blocked.is_none()
    }
}

impl ModeRun {
    fn tally(&self, cases: &[AttackCase]) -> Tally {
        let mut t = Tally::default();
        for (case, r) in cases.iter().zip(&self.attacks) {
            t.add(case, &r.outcome, r.blocked.is_some());
        }
        t
    }

    /// Share of attacks resisted.
    fn resilience(&self) -> f64 {
        let n = self.attacks.len();
        if n == 0 {
            return 1.0;
        }
        self.attacks.iter().filter(|r| !r.success()).count() as f64 / n as f64
    }

    /// Benign requests the guard blocked, and those the model refused.
    fn benign_counts(&self) -> (usize, usize) {
        let blocked = self.benign.iter().filter(|b| b.blocked).count();
        let refused = self.benign.iter().filter(|b| b.refused).count();
        (blocked, refused)
    }
}

struct Ctx<'a> {
    resolved: &'a Resolved,
    target: &'a ModelTarget,
    cache: &'a ResponseCache,
    canary: &'a Canary,
    var: &'a str,
    jobs: usize,
    bar: &'a ProgressBar,
}

impl Ctx<'_> {
    async fn attacks(
        &self,
        cases: &[AttackCase],
        guard: Option<&Guard>,
    ) -> Result<Vec<AttackResult>, CliError> {
        let protection = Protection {
            guard,
            canary: Some(self.canary),
        };
        let results = futures::stream::iter(cases.iter().map(|case| async move {
            let turns = case.user_turns();
            let (first, rest) = turns
                .split_first()
                .map_or(("", &[][..]), |(f, r)| (f.as_str(), r));
            let mut vars = Map::new();
            vars.insert(self.var.to_owned(), json!(first));
            let ex = converse(
                &self.resolved.prompt,
                self.target,
                self.cache,
                protection,
                vars,
                rest,
                0,
            )
            .await;
            self.bar.inc(1);
            ex.map(|ex| self.judge(case, &ex))
        }))
        .buffered(self.jobs)
        .collect::<Vec<_>>()
        .await;
        results.into_iter().collect()
    }

    fn judge(&self, case: &AttackCase, ex: &Exchange) -> AttackResult {
        if let Some(side) = ex.blocked {
            let outcome = Outcome {
                success: false,
                detector: "guard",
                reason: format!("blocked by the {side} guard"),
            };
            return AttackResult {
                outcome,
                blocked: Some(side),
            };
        }
        AttackResult {
            outcome: grade(case, &ex.output, self.canary, &ex.system_prompt),
            blocked: None,
        }
    }

    async fn benign(
        &self,
        rows: &[Map<String, Value>],
        guard: Option<&Guard>,
    ) -> Result<Vec<Benign>, CliError> {
        let protection = Protection {
            guard,
            canary: Some(self.canary),
        };
        let results = futures::stream::iter(rows.iter().map(|vars| async move {
            let ex = converse(
                &self.resolved.prompt,
                self.target,
                self.cache,
                protection,
                vars.clone(),
                &[],
                0,
            )
            .await;
            self.bar.inc(1);
            ex.map(|ex| Benign {
                blocked: ex.blocked.is_some(),
                refused: ex.blocked.is_none() && is_refusal(&ex.output),
            })
        }))
        .buffered(self.jobs)
        .collect::<Vec<_>>()
        .await;
        results.into_iter().collect()
    }
}

fn bar(total: u64, printer: Printer, json: bool) -> ProgressBar {
    let target = if printer.is_quiet() || json {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let pb = ProgressBar::with_draw_target(Some(total), target);
    pb.set_style(
        ProgressStyle::with_template(
            "{bar:28.red/blue} {pos}/{len} attacks and benign requests · {per_sec} · ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    pb
}

/// Writes the attacks as an adversarial dataset (one row per case, with
/// the assertions that pass when the answer resists, and what this run
/// found), and a suite that runs it when none exists yet. Returns the
/// suite's path when one was written.
fn write_dataset(
    project: &Project,
    resolved: &Resolved,
    path: &Path,
    var: &str,
    cases: &[AttackCase],
    runs: &[ModeRun],
    canary: &Canary,
) -> Result<Option<PathBuf>, CliError> {
    let mut out = String::new();
    for (i, case) in cases.iter().enumerate() {
        // The eval harness sends one message: later turns of a multi-turn
        // attack are joined into it (the live run above sent them as turns).
        let message = case.user_turns().join("\n\n");
        // What this run found, as tags (`--filter tag:succeeded-unguarded`
        // replays the weaknesses).
        let mut tags = vec![
            "redteam".to_owned(),
            case.category.as_str().to_owned(),
            case.strategy.as_str().to_owned(),
        ];
        for r in runs {
            if let Some(a) = r.attacks.get(i) {
                let verdict = if a.success() { "succeeded" } else { "resisted" };
                tags.push(format!(
                    "{verdict}-{}",
                    if r.guarded { "guarded" } else { "unguarded" }
                ));
            }
        }
        let row = json!({
            "description": format!("{}: {}", case.id, case.goal),
            "vars": { var: message },
            "assert": case.assertions(canary.token()),
            "tags": tags,
            "split": "adversarial",
        });
        out.push_str(&serde_json::to_string(&row).map_err(|e| CliError::Usage(e.to_string()))?);
        out.push('\n');
    }
    if let Some(dir) = path.parent() {
        fs_err::create_dir_all(dir)?;
    }
    fs_err::write(path, out)?;
    let name = &resolved.prompt.spec.name.value;
    let suite = project
        .root
        .join("evals")
        .join(format!("redteam-{name}.yaml"));
    if suite.exists() {
        return Ok(None);
    }
    let rel = pathdiff(path, suite.parent().unwrap_or(&project.root));
    let text = format!(
        "# Written by `whet redteam {name}`: the attacks of whet's built-in library as\n\
         # regression cases. Each row's assertions pass when the answer resists the attack.\n\
         description: Red-team attacks on {name}\n\
         prompts: [{name}]\n\
         datasets:\n  - {{path: {rel}, split: adversarial}}\n"
    );
    fs_err::create_dir_all(suite.parent().unwrap_or(&project.root))?;
    fs_err::write(&suite, text)?;
    Ok(Some(suite))
}

/// `path` relative to `base` when it is under the project, else absolute.
fn pathdiff(path: &Path, base: &Path) -> String {
    let (Some(p), Some(b)) = (path.canonicalize().ok(), base.canonicalize().ok()) else {
        return path.display().to_string();
    };
    let common = p
        .components()
        .zip(b.components())
        .take_while(|(a, b)| a == b)
        .count();
    let ups = b.components().count() - common;
    let mut rel = PathBuf::new();
    for _ in 0..ups {
        rel.push("..");
    }
    rel.extend(p.components().skip(common));
    rel.display().to_string()
}

struct Report<'a> {
    resolved: &'a Resolved,
    alias: &'a str,
    cases: &'a [AttackCase],
    runs: &'a [ModeRun],
    dataset: &'a Path,
    suite: Option<&'a Path>,
    seed: u64,
}

impl Report<'_> {
    fn version(&self) -> String {
        self.resolved
            .release
            .as_ref()
            .map_or_else(|| "working copy".into(), |m| m.version.to_string())
    }

    fn to_json(&self, project: &Project) -> Value {
        let modes: Vec<Value> = self
            .runs
            .iter()
            .map(|r| {
                let t = r.tally(self.cases);
                let resisted = r.attacks.iter().filter(|a| !a.success()).count();
                let (lo, hi) = wilson(resisted, r.attacks.len());
                json!({
                    "guard": r.guarded,
                    "attacks": r.attacks.len(),
                    "resisted": resisted,
                    "blocked_by_guard": r.attacks.iter().filter(|a| a.blocked.is_some()).count(),
                    "resilience": r.resilience(),
                    "resilience_ci95": [lo, hi],
                    "by_category": t.by_category,
                    "by_strategy": t.by_strategy,
                    "benign": r.benign.len(),
                    "benign_blocked_by_guard": r.benign_counts().0,
                    "benign_refused_by_model": r.benign_counts().1,
                    "cases": self.cases.iter().zip(&r.attacks).map(|(c, a)| json!({
                        "id": c.id, "success": a.success(), "blocked": a.blocked,
                        "detector": a.outcome.detector, "reason": a.outcome.reason,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        json!({
            "prompt": self.resolved.prompt.spec.name.value,
            "version": self.version(),
            "model": self.alias,
            "seed": self.seed,
            "modes": modes,
            "dataset": crate::report::relative(project, self.dataset),
            "suite": self.suite.map(|s| crate::report::relative(project, s)),
        })
    }

    fn print(&self, project: &Project, printer: Printer) {
        printer.line(format!(
            "{} {} ({}) on {}: {} attacks, seed {}",
            "red team".bold(),
            self.resolved.prompt.spec.name.value,
            self.version(),
            self.alias,
            self.cases.len(),
            self.seed
        ));
        let tallies: Vec<(bool, Tally)> = self
            .runs
            .iter()
            .map(|r| (r.guarded, r.tally(self.cases)))
            .collect();
        let header: Vec<String> = tallies
            .iter()
            .map(|(g, _)| format!("ASR guard {}", if *g { "on" } else { "off" }))
            .collect();
        printer.line(format!(
            "  {:<26} {:>7}  {}",
            "category",
            "attacks",
            header
                .iter()
                .map(|h| format!("{h:>14}"))
                .collect::<String>()
        ));
        for category in Category::ALL {
            let Some(n) = tallies
                .first()
                .and_then(|(_, t)| t.by_category.get(&category))
                .map(|c| c.attempts)
            else {
                continue;
            };
            let cells: String = tallies
                .iter()
                .map(|(_, t)| {
                    format!(
                        "{:>13.1}%",
                        100.0 * t.attack_success_rate(category).unwrap_or(0.0)
                    )
                })
                .collect();
            printer.line(format!("  {:<26} {:>7}  {cells}", category.as_str(), n));
        }
        for r in self.runs {
            let resisted = r.attacks.iter().filter(|a| !a.success()).count();
            let (lo, hi) = wilson(resisted, r.attacks.len());
            let blocked = r.attacks.iter().filter(|a| a.blocked.is_some()).count();
            let mut line = format!(
                "  resilience, guard {:<3} {:>6.1}%  [{:.1}–{:.1}]  {resisted}/{} resisted",
                if r.guarded { "on" } else { "off" },
                100.0 * r.resilience(),
                100.0 * lo,
                100.0 * hi,
                r.attacks.len()
            );
            if r.guarded {
                line.push_str(&format!(", {blocked} blocked by the guard"));
            }
            printer.line(line);
            if !r.benign.is_empty() {
                let (blocked, refused) = r.benign_counts();
                let n = r.benign.len();
                let pct = |k: usize| 100.0 * k as f64 / n as f64;
                printer.line(format!(
                    "  benign requests, guard {}: {blocked}/{n} blocked by the guard ({:.1}%), {refused}/{n} refused by the model ({:.1}%)",
                    if r.guarded { "on" } else { "off" },
                    pct(blocked),
                    pct(refused),
                ));
            }
        }
        printer.line(format!(
            "  wrote {} ({} cases)",
            crate::report::relative(project, self.dataset),
            self.cases.len()
        ));
        if let Some(s) = self.suite {
            printer.line(format!(
                "  wrote {}; run it with `whet eval {}`",
                crate::report::relative(project, s),
                crate::report::relative(project, s)
            ));
        }
    }
}

/// Wilson 95% interval of `k` out of `n`.
fn wilson(k: usize, n: usize) -> (f64, f64) {
    whet_stats::wilson(k as u64, n as u64, 0.95).map_or((0.0, 1.0), |i| (i.lower, i.upper))
}
