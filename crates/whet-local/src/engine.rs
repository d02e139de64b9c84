//! Loading models once per process, and the pools of worker threads that run
//! requests against them.
//!
//! - The llama.cpp backend is initialised once ([`backend`]).
//! - Each GGUF file (by canonical path) is loaded once and kept for the rest
//!   of the process: the model is leaked to get a `&'static LlamaModel`, so
//!   contexts (which borrow the model) can move into worker threads.
//! - An [`Engine`] is a model plus `parallel` worker threads, each owning a
//!   `LlamaContext`, fed by one job queue. Engines are cached by their
//!   settings (weakly: the workers stop when the last provider using them is
//!   dropped), so providers created with the same settings share workers too.

use crate::error::LocalError;
use crate::generate::{Job, run_job};
use crate::settings::{DEFAULT_CONTEXT_SIZE, LocalSettings};
use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::context::params::LlamaContextParams;
use llama_cpp_2::llama_backend::LlamaBackend;
use llama_cpp_2::model::params::LlamaModelParams;
use llama_cpp_2::model::{LlamaChatTemplate, LlamaModel};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError, Weak, mpsc};
use std::time::Instant;

/// How many GGUF files this process has loaded.
static LOADS: AtomicUsize = AtomicUsize::new(0);

/// The most tokens evaluated by one `decode` call.
const MAX_BATCH: u32 = 512;

pub(crate) fn models_loaded() -> usize {
    LOADS.load(Ordering::SeqCst)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The process's llama.cpp backend, initialised on first use.
pub(crate) fn backend() -> Result<&'static LlamaBackend, LocalError> {
    static BACKEND: OnceLock<Result<LlamaBackend, String>> = OnceLock::new();
    BACKEND
        .get_or_init(|| {
            // llama.cpp logs every load to stderr; send it to tracing instead.
            llama_cpp_2::send_logs_to_tracing(llama_cpp_2::LogOptions::default());
            LlamaBackend::init().map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|message| LocalError::Backend {
            message: message.clone(),
        })
}

/// A loaded model and what we learnt about it at load time.
#[derive(Debug)]
pub(crate) struct Model {
    pub(crate) model: &'static LlamaModel,
    pub(crate) template: Option<LlamaChatTemplate>,
    pub(crate) n_ctx_train: u32,
}

/// The model at `path`, loaded on first use and kept for the process.
fn model(path: &Path) -> Result<Arc<Model>, LocalError> {
    static MODELS: OnceLock<Mutex<HashMap<PathBuf, Arc<Model>>>> = OnceLock::new();
    let key = canonical(path)?;
    // Held during the load, so concurrent first requests load the file once.
    let mut models = lock(MODELS.get_or_init(Mutex::default));
    if let Some(m) = models.get(&key) {
        return Ok(Arc::clone(m));
    }
    let backend = backend()?;
    let started = Instant::now();
    let loaded =
        LlamaModel::load_from_file(backend, &key, &LlamaModelParams::default()).map_err(|e| {
            LocalError::Load {
                path: key.clone(),
                message: e.to_string(),
            }
        })?;
    LOADS.fetch_add(1, Ordering::SeqCst);
    let model: &'static LlamaModel = Box::leak(Box::new(loaded));
    let template = model.chat_template(None).ok();
    let loaded = Arc::new(Model {
        model,
        template,
        n_ctx_train: model.n_ctx_train(),
    });
    tracing::info!(
        path = %key.display(),
        params = model.n_params(),
        n_ctx_train = loaded.n_ctx_train,
        chat_template = loaded.template.is_some(),
        seconds = started.elapsed().as_secs_f64(),
        "loaded local model"
    );
    models.insert(key, Arc::clone(&loaded));
    Ok(loaded)
}

fn canonical(path: &Path) -> Result<PathBuf, LocalError> {
    std::fs::canonicalize(path)
        .ok()
        .filter(|p| p.is_file())
        .ok_or_else(|| LocalError::ModelMissing {
            path: path.to_owned(),
        })
}

/// A model with its worker pool.
pub(crate) struct Engine {
    pub(crate) model: Arc<Model>,
    /// Context size of every worker.
    pub(crate) n_ctx: u32,
    jobs: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("n_ctx", &self.n_ctx)
            .field("n_ctx_train", &self.model.n_ctx_train)
            .field("chat_template", &self.model.template.is_some())
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct EngineKey {
    path: PathBuf,
    n_ctx: Option<u32>,
    workers: usize,
    threads: usize,
}

impl Engine {
    /// The engine for `settings`: shared with any live provider that has the
    /// same model and pool settings, else created (loading the model if this
    /// process has not yet).
    pub(crate) fn for_settings(settings: &LocalSettings) -> Result<Arc<Engine>, LocalError> {
        static ENGINES: OnceLock<Mutex<HashMap<EngineKey, Weak<Engine>>>> = OnceLock::new();
        let key = EngineKey {
            path: canonical(&settings.model_path)?,
            n_ctx: settings.context_size,
            workers: settings.workers(),
            threads: settings.threads_per_worker(),
        };
        let mut engines = lock(ENGINES.get_or_init(Mutex::default));
        engines.retain(|_, e| e.strong_count() > 0);
        if let Some(engine) = engines.get(&key).and_then(Weak::upgrade) {
            return Ok(engine);
        }
        let engine = Arc::new(Engine::start(&key)?);
        engines.insert(key, Arc::downgrade(&engine));
        Ok(engine)
    }

    fn start(key: &EngineKey) -> Result<Engine, LocalError> {
        let model = model(&key.path)?;
        let n_ctx = key
            .n_ctx
            .unwrap_or(DEFAULT_CONTEXT_SIZE.min(model.n_ctx_train.max(1)))
            .max(16);
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..key.workers {
            let ctx = new_context(model.model, n_ctx, key.threads)?;
            let queue = Arc::clone(&queue);
            let m = model.model;
            std::thread::Builder::new()
                .name(format!("whet-local-{i}"))
                .spawn(move || worker(m, ctx, &queue))
                .map_err(|e| LocalError::Thread {
                    message: e.to_string(),
                })?;
        }
        tracing::debug!(
            path = %key.path.display(),
            n_ctx,
            workers = key.workers,
            threads_per_worker = key.threads,
            "started local workers"
        );
        Ok(Engine { model, n_ctx, jobs })
    }

    /// Queues `job` for the next free worker.
    pub(crate) fn submit(&self, job: Job) -> Result<(), LocalError> {
        self.jobs.send(job).map_err(|_| LocalError::PoolStopped)
    }
}

/// A context of `n_ctx` tokens. Creating contexts concurrently is not sound
/// in llama.cpp (it touches the model), so creation is serialised.
fn new_context(
    model: &'static LlamaModel,
    n_ctx: u32,
    threads: usize,
) -> Result<LlamaContext<'static>, LocalError> {
    static CREATING: Mutex<()> = Mutex::new(());
    let _guard = lock(&CREATING);
    let threads = i32::try_from(threads).unwrap_or(i32::MAX);
    let n_batch = n_ctx.min(MAX_BATCH);
    let params = LlamaContextParams::default()
        .with_n_ctx(NonZeroU32::new(n_ctx))
        .with_n_batch(n_batch)
        .with_n_ubatch(n_batch)
        .with_n_seq_max(1)
        .with_n_threads(threads)
        .with_n_threads_batch(threads);
    model
        .new_context(backend()?, params)
        .map_err(|e| LocalError::Context {
            n_ctx,
            message: e.to_string(),
        })
}

fn worker(
    model: &'static LlamaModel,
    mut ctx: LlamaContext<'static>,
    queue: &Mutex<mpsc::Receiver<Job>>,
) {
    loop {
        // The lock is released as soon as a job is taken.
        let job = lock(queue).recv();
        let Ok(job) = job else {
            // Every sender is gone: the engine was dropped.
            break;
        };
        run_job(model, &mut ctx, job);
    }
    tracing::debug!("local worker stopped");
}
