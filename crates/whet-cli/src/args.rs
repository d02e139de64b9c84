//! Command-line arguments: clap types only. Doc comments are the help text.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// whet treats prompts as production code: versioned, linted, released,
/// labelled and rolled back like any other code.
///
/// Start with `whet init`, then `whet prompt lint` and `whet prompt render`.
#[derive(Debug, Parser)]
#[command(
    name = "whet",
    version,
    about,
    long_about,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub global: GlobalArgs,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Project directory (default: the nearest parent holding whet.toml).
    #[arg(
        short = 'C',
        long,
        global = true,
        value_name = "DIR",
        env = "WHET_PROJECT"
    )]
    pub project: Option<PathBuf>,
    /// When to use colours (NO_COLOR is respected).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print nothing but errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Log what whet does to stderr (repeat for more; or set WHET_LOG).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a working project: whet.toml, example prompts, a partial, a dataset.
    Init(InitArgs),
    /// Lint, render, release, label and roll back prompts.
    #[command(subcommand)]
    Prompt(PromptCommand),
    /// List, pull, locate and remove local models.
    #[command(subcommand)]
    Models(ModelsCommand),
    /// Render a prompt, call its model and print the answer with usage and cost.
    Run(RunArgs),
    /// Talk with a model, turn by turn (`/reset` starts over, `/exit` or Ctrl-D quits).
    Chat(ChatArgs),
    /// Evaluate prompts on a suite: scorecard, reports, baseline comparison and gate.
    ///
    /// Exit 0 when the gate passes (without a gate: when every case passes),
    /// 1 when it fails, 2 on errors.
    Eval(EvalArgs),
    /// List, show and export stored evaluation runs.
    #[command(subcommand)]
    Runs(RunsCommand),
    /// Compare two stored runs case by case (paired statistics) and apply the candidate suite's gate.
    Compare(CompareArgs),
    /// Evaluation coverage: which declared intents have golden, edge and adversarial cases.
    Coverage(CoverageArgs),
    /// Attack a prompt with the built-in offline red-team library and score its resilience.
    ///
    /// Writes the attacks as an `adversarial` dataset and suite for `whet eval`.
    /// Exit 0 when the resilience score meets --min-resilience (or none is set), 1 when not, 2 on errors.
    Redteam(RedteamArgs),
    /// Scan text for personal data, secrets and prompt injection, or redact it.
    #[command(subcommand)]
    Guard(GuardCommand),
    /// Print a shell completion script, e.g. `whet completions bash > /etc/bash_completion.d/whet`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// The built-in catalogue and what is installed.
    List(JsonArg),
    /// Fetch a model: a catalogue alias, or an HTTP(S) URL ending in `#sha256=HEX`.
    Pull {
        /// Alias or URL.
        model: String,
        #[command(flatten)]
        json: JsonArg,
    },
    /// Print the verified path of an installed model (alias, URL#sha256=…, or a .gguf path).
    Path {
        /// Alias, URL or path.
        model: String,
    },
    /// Delete an installed model.
    Rm {
        /// Alias or URL.
        model: String,
    },
}

#[derive(Debug, Args)]
pub struct ChatArgs {
    /// Model alias from whet.toml (default: [defaults] model).
    #[arg(long, value_name = "ALIAS")]
    pub model: Option<String>,
    /// A system message for the conversation.
    #[arg(long, value_name = "TEXT")]
    pub system: Option<String>,
    /// Sampling temperature.
    #[arg(long)]
    pub temperature: Option<f64>,
    /// Most tokens per answer.
    #[arg(long, default_value_t = 512)]
    pub max_tokens: u32,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// NAME (working copy), NAME@VERSION or NAME:LABEL.
    #[arg(value_name = "PROMPT")]
    pub prompt: String,
    /// A variable, `key=value`; numbers, bools and JSON lists/objects follow the declared type.
    #[arg(long = "var", value_name = "KEY=VALUE")]
    pub vars: Vec<String>,
    /// A JSON or YAML file with one object of variables (--var wins on conflicts).
    #[arg(long, value_name = "FILE")]
    pub vars_file: Option<PathBuf>,
    /// Model alias from whet.toml (default: the prompt's, then [defaults] model).
    #[arg(long, value_name = "ALIAS")]
    pub model: Option<String>,
    /// Print the answer as it is generated.
    #[arg(long)]
    pub stream: bool,
    /// Samples to draw; each has its own cache entry.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub repeat: u32,
    /// Response cache: read-write, read-only, write-only or off (default: whet.toml's [cache] mode, else read-write).
    #[arg(long, value_name = "MODE")]
    pub cache: Option<String>,
    /// Database URL (default: whet.toml's [store] url, else sqlite://.whet/whet.db).
    #[arg(long, env = "WHET_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,
    /// Print one JSON record per sample.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The suite file (evals/NAME.yaml).
    #[arg(value_name = "SUITE", required_unless_present_any = ["config", "resume"])]
    pub suite: Option<PathBuf>,
    /// A promptfoo config to run instead of a whet suite.
    #[arg(
        short = 'c',
        long = "config",
        value_name = "FILE",
        conflicts_with = "suite"
    )]
    pub config: Option<PathBuf>,
    /// Continue an interrupted run: only the cases it lacks run.
    #[arg(long, value_name = "RUN", conflicts_with_all = ["suite", "config"])]
    pub resume: Option<String>,
    /// Compare with NAME:LABEL or NAME@VERSION (evaluated on the same cases now) or a stored RUN id.
    #[arg(long, value_name = "REF|RUN")]
    pub baseline: Option<String>,
    /// Model aliases to evaluate on (repeatable; default: the suite's `models`, else each prompt's).
    #[arg(long = "model", value_name = "ALIAS")]
    pub models: Vec<String>,
    /// Samples per case and variant; each has its own cache entry.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub repeat: u32,
    /// Only cases matching: split:NAME[,NAME], tag:NAME[,NAME] or re:REGEX (repeat to AND them).
    #[arg(long = "filter", value_name = "EXPR")]
    pub filters: Vec<String>,
    /// Evaluate a random sample of N cases (after --filter).
    #[arg(long, value_name = "N")]
    pub sample: Option<u64>,
    /// Seed of --sample and of the bootstrap.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Calls in flight per provider (default: the provider's max_concurrency, 8 for remote, its `parallel` for local).
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub concurrency: Option<u32>,
    /// Response cache: read-write, read-only, write-only or off (default: whet.toml's [cache] mode, else read-write).
    #[arg(long, value_name = "MODE")]
    pub cache: Option<String>,
    /// Database URL (default: whet.toml's [store] url, else sqlite://.whet/whet.db).
    #[arg(long, env = "WHET_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,
    /// Write a report: .html, .json, .jsonl, .xml (JUnit) or .md (repeatable).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub outputs: Vec<PathBuf>,
    /// Print the summary as JSON instead of the scorecard.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum RunsCommand {
    /// Stored runs, newest first.
    List {
        /// At most this many.
        #[arg(long, default_value_t = 20)]
        limit: u64,
        #[command(flatten)]
        db: DatabaseArg,
        #[command(flatten)]
        json: JsonArg,
    },
    /// A run's scorecard (RUN may be a unique id prefix, or `latest`).
    Show {
        /// The run.
        run: String,
        #[command(flatten)]
        db: DatabaseArg,
        #[command(flatten)]
        json: JsonArg,
    },
    /// Write a run's reports: .html, .json, .jsonl, .xml (JUnit) or .md.
    Export {
        /// The run.
        run: String,
        /// Output files (repeatable).
        #[arg(short = 'o', long = "output", value_name = "FILE", required = true)]
        outputs: Vec<PathBuf>,
        #[command(flatten)]
        db: DatabaseArg,
    },
}

#[derive(Debug, Args)]
pub struct DatabaseArg {
    /// Database URL (default: whet.toml's [store] url, else sqlite://.whet/whet.db).
    #[arg(long, env = "WHET_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The baseline run (id, unique prefix or `latest`).
    pub baseline: String,
    /// The candidate run.
    pub candidate: String,
    /// Write reports of the comparison: .md, .json or .html (repeatable).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub outputs: Vec<PathBuf>,
    #[command(flatten)]
    pub db: DatabaseArg,
    #[command(flatten)]
    pub json: JsonArg,
}

#[derive(Debug, Args)]
pub struct CoverageArgs {
    /// Suite files (default: every evals/*.yaml of the project).
    pub suites: Vec<PathBuf>,
    #[command(flatten)]
    pub json: JsonArg,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to create the project (default: the current directory).
    pub dir: Option<PathBuf>,
    /// Project name (default: the directory's name).
    #[arg(long)]
    pub name: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum PromptCommand {
    /// Check prompt files, whet.toml and releases; exit 1 on errors.
    Lint(LintArgs),
    /// Render a prompt's messages with variables.
    Render(RenderArgs),
    /// List prompts with their latest release and labels.
    List(JsonArg),
    /// Show a prompt's metadata and templates.
    Show(ShowArgs),
    /// Show a prompt's releases and label history.
    Log(LogArgs),
    /// Unified diff of two prompt versions (templates, params, schema, tools).
    Diff(DiffArgs),
    /// Record an immutable release of the working copy.
    Release(ReleaseArgs),
    /// Point a label (production, staging, ...) at a released version.
    Label(LabelArgs),
    /// Move a label back to the version it pointed to before its last move.
    Rollback(RollbackArgs),
}

#[derive(Debug, Args)]
pub struct JsonArg {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Prompt files or folders (default: the whole project).
    pub paths: Vec<PathBuf>,
    /// Treat warnings as errors.
    #[arg(long)]
    pub deny_warnings: bool,
    #[command(flatten)]
    pub json: JsonArg,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// NAME (working copy), NAME@VERSION or NAME:LABEL.
    #[arg(value_name = "PROMPT")]
    pub prompt: String,
    /// A variable, `key=value`; numbers, bools and JSON lists/objects follow the declared type.
    #[arg(long = "var", value_name = "KEY=VALUE")]
    pub vars: Vec<String>,
    /// A JSON or YAML file with one object of variables (--var wins on conflicts).
    #[arg(long, value_name = "FILE")]
    pub vars_file: Option<PathBuf>,
    #[command(flatten)]
    pub json: JsonArg,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// NAME, NAME@VERSION or NAME:LABEL.
    #[arg(value_name = "PROMPT")]
    pub prompt: String,
    #[command(flatten)]
    pub json: JsonArg,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// The prompt's name.
    pub name: String,
    #[command(flatten)]
    pub json: JsonArg,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old side: NAME, NAME@VERSION or NAME:LABEL.
    pub from: String,
    /// The new side (default: the working copy of the same prompt).
    pub to: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BumpArg {
    Patch,
    Minor,
    Major,
}

#[derive(Debug, Args)]
pub struct ReleaseArgs {
    /// The prompt's name.
    pub name: String,
    /// Which part of the version to bump.
    #[arg(
        long,
        value_enum,
        required_unless_present = "set_version",
        conflicts_with = "set_version"
    )]
    pub bump: Option<BumpArg>,
    /// An exact version instead of a bump; must be above the latest.
    #[arg(long, value_name = "X.Y.Z")]
    pub set_version: Option<semver::Version>,
    /// Why this release exists (goes into the changelog).
    #[arg(short, long)]
    pub message: String,
    /// Author (default: git's user.name and user.email).
    #[arg(long, env = "WHET_AUTHOR")]
    pub author: Option<String>,
    /// Evidence for the release: an eval run id or a link.
    #[arg(long)]
    pub evidence: Option<String>,
    /// Inside a git repository, do not commit the release files or tag the commit.
    #[arg(long)]
    pub no_git: bool,
    #[command(flatten)]
    pub json: JsonArg,
}

#[derive(Debug, Args)]
pub struct LabelArgs {
    /// The prompt's name.
    pub name: String,
    /// The label, e.g. production or staging.
    pub label: String,
    /// A released version.
    #[arg(value_name = "VERSION")]
    pub target: semver::Version,
    /// Why the label moves (recorded in the history).
    #[arg(short, long)]
    pub message: Option<String>,
    /// Confirm moving a protected label.
    #[arg(long)]
    pub yes: bool,
    /// Who moves it (default: git's user.name and user.email).
    #[arg(long, env = "WHET_AUTHOR")]
    pub author: Option<String>,
    #[command(flatten)]
    pub json: JsonArg,
}

#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// The prompt's name.
    pub name: String,
    /// The label to move back.
    pub label: String,
    /// Why (recorded in the history).
    #[arg(short, long)]
    pub message: Option<String>,
    /// Confirm moving a protected label.
    #[arg(long)]
    pub yes: bool,
    /// Who rolls back (default: git's user.name and user.email).
    #[arg(long, env = "WHET_AUTHOR")]
    pub author: Option<String>,
    #[command(flatten)]
    pub json: JsonArg,
}

#[cfg(test)]
mod tests {
    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}

#[derive(Debug, Subcommand)]
pub enum GuardCommand {
    /// Scan text for PII, secrets and prompt injection (or apply a policy).
    ///
    /// Exit 0 when nothing was flagged, 1 when something was (a policy
    /// blocked it), 2 on errors.
    Scan(GuardScanArgs),
    /// Print the text with PII and secrets redacted.
    Redact(GuardRedactArgs),
}

/// Which scanners to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScannerName {
    Pii,
    Secrets,
    Injection,
}

#[derive(Debug, Args)]
pub struct GuardInput {
    /// The file to read, or `-` for standard input (the default).
    #[arg(value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Read JSON Lines (`{"id": ..., "text": ...}` per line) and write one JSON result line per input.
    #[arg(long)]
    pub jsonl: bool,
}

#[derive(Debug, Args)]
pub struct GuardScanArgs {
    #[command(flatten)]
    pub source: GuardInput,
    /// Apply a guard policy: a name under `[guard.policies]` in whet.toml, or a policy TOML file.
    #[arg(long, value_name = "POLICY")]
    pub policy: Option<String>,
    /// With --policy: check the text as a model output (the policy's output rules).
    #[arg(long, requires = "policy")]
    pub output: bool,
    /// Scanners to run without a policy (default: all).
    #[arg(long, value_enum, value_delimiter = ',', conflicts_with = "policy")]
    pub only: Vec<ScannerName>,
    /// Report findings scoring at least this much, 0 to 1 (default: 0.5).
    #[arg(long, value_name = "SCORE")]
    pub min_score: Option<f32>,
    /// Also compare each text with whet's corpus of known attacks by meaning (local MiniLM
    /// embeddings, about 100 texts/s): flags paraphrased attacks the patterns miss.
    #[arg(long, conflicts_with = "policy")]
    pub similarity: bool,
    /// Cosine similarity to a known attack that counts as an attack, with --similarity
    /// (the default sits above every one of the 3,080 BANKING77 test messages, whose highest is 0.60).
    #[arg(
        long,
        value_name = "COSINE",
        default_value_t = 0.65,
        requires = "similarity"
    )]
    pub similarity_threshold: f32,
    /// Print matched PII and secrets in full instead of masked.
    #[arg(long)]
    pub reveal: bool,
    #[command(flatten)]
    pub json: JsonArg,
}

/// How redacted values are replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RedactOperator {
    /// `<EMAIL_ADDRESS_1>`: numbered per entity, the same value the same placeholder.
    Placeholder,
    /// `************1234`: masked, keeping the last characters.
    Mask,
    /// `<EMAIL_ADDRESS:3f2a9c1b>`: a salted hash (salt from WHET_REDACT_SALT), stable across runs.
    Hash,
    /// Removed.
    Drop,
}

#[derive(Debug, Args)]
pub struct GuardRedactArgs {
    #[command(flatten)]
    pub source: GuardInput,
    /// How to replace what is found.
    #[arg(long, value_enum, default_value_t = RedactOperator::Placeholder)]
    pub operator: RedactOperator,
    /// Only these PII entities (e.g. EMAIL_ADDRESS,PHONE_NUMBER; default: all); secrets are always redacted.
    #[arg(long, value_delimiter = ',', value_name = "ENTITY")]
    pub entities: Vec<String>,
    /// Redact findings scoring at least this much, 0 to 1 (default: 0.5).
    #[arg(long, value_name = "SCORE")]
    pub min_score: Option<f32>,
    #[command(flatten)]
    pub json: JsonArg,
}

/// Which guard settings a red-team run measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GuardMode {
    /// The prompt alone.
    Off,
    /// The prompt behind its guard policy.
    On,
    /// Both, side by side.
    Both,
}

#[derive(Debug, Args)]
pub struct RedteamArgs {
    /// The prompt: NAME (working copy), NAME:LABEL or NAME@VERSION.
    pub prompt: String,
    /// Attack categories (default: all): direct-injection, indirect-injection,
    /// system-prompt-extraction, pii-exfiltration, jailbreak, harmful-request.
    #[arg(long, value_delimiter = ',', value_name = "CATEGORY")]
    pub categories: Vec<String>,
    /// Strategies to apply to every attack (default: each attack plain and with one other):
    /// plain, base64, rot13, leetspeak, homoglyph, unicode-tags, payload-splitting, multilingual, multi-turn.
    #[arg(long, value_delimiter = ',', value_name = "STRATEGY")]
    pub strategies: Vec<String>,
    /// Measure the prompt without its guard, with it, or both.
    #[arg(long, value_enum, default_value_t = GuardMode::Both)]
    pub guard: GuardMode,
    /// The guard policy for `--guard on`: a name in whet.toml or a policy file
    /// (default: the prompt's [guard], else whet's default policy).
    #[arg(long, value_name = "POLICY")]
    pub policy: Option<String>,
    /// At most this many attacks per category (sampled with the seed).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Seed of the attack mix and sample.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// The variable that carries the user's message (default: the prompt's only required string variable, or `message`).
    #[arg(long, value_name = "NAME")]
    pub var: Option<String>,
    /// Model alias (default: the prompt's).
    #[arg(long, value_name = "ALIAS")]
    pub model: Option<String>,
    /// Benign cases (a JSONL dataset whose rows have `vars`), to measure how often the guard or the model refuses real requests.
    #[arg(long, value_name = "FILE")]
    pub benign: Option<PathBuf>,
    /// Where to write the attacks as an eval dataset (default: datasets/redteam-NAME.jsonl).
    #[arg(long, value_name = "FILE")]
    pub dataset: Option<PathBuf>,
    /// Fail (exit 1) when the resilience score (guard on, when measured) is below this, e.g. 0.95.
    #[arg(long, value_name = "SCORE")]
    pub min_resilience: Option<f64>,
    /// Calls in flight (default: the provider's concurrency).
    #[arg(short = 'j', long, value_name = "N")]
    pub concurrency: Option<u32>,
    /// Response cache: read-write, read-only, write-only or off.
    #[arg(long, value_name = "MODE")]
    pub cache: Option<String>,
    /// Store URL (default: whet.toml's [store] url, else .whet/whet.db).
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    #[command(flatten)]
    pub json: JsonArg,
}
