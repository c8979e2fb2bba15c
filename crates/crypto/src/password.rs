//! Argon2id password hashing on a small pool of dedicated threads.
//!
//! Hashing is deliberately slow (≈35 ms with OWASP parameters), so it must not run on the
//! async workers, and a burst of sign-ins must not spawn a thread each: a fixed set of worker
//! threads (one per core by default) takes jobs from a queue; callers wait asynchronously.
//! Fixed, long-lived threads matter for memory too: an argon2 run needs its whole cost (19 MiB
//! with OWASP) as working memory; tokio's blocking pool (whose threads come and go) grew the
//! resident size to a gigabyte under load. Each hashing thread now keeps one working memory
//! for all its runs (`argon`), so the hashing memory is the cost times the threads, no more.
//! Unknown users get a [`PasswordHasher::dummy_verify`] of the same cost, so response
//! time does not reveal whether a username exists.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};

use argon2::password_hash::PasswordHash;
use argon2::{Algorithm, Params};
use tokio::sync::oneshot;

use crate::error::{CryptoError, Result};

mod argon;

use argon::{hash_blocking, verify_blocking};

/// Argon2 cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PasswordProfile {
    /// OWASP's recommendation: m = 19456 KiB, t = 2, p = 1.
    #[default]
    Owasp,
    /// Cheap parameters for fixtures and tests: m = 4096 KiB, t = 1, p = 1.
    Dev,
    /// Explicit parameters.
    Custom {
        m_cost_kib: u32,
        t_cost: u32,
        p_cost: u32,
    },
}

impl PasswordProfile {
    /// The profile's (memory KiB, iterations, parallelism).
    pub fn costs(self) -> (u32, u32, u32) {
        match self {
            PasswordProfile::Owasp => (19_456, 2, 1),
            PasswordProfile::Dev => (4_096, 1, 1),
            PasswordProfile::Custom {
                m_cost_kib,
                t_cost,
                p_cost,
            } => (m_cost_kib, t_cost, p_cost),
        }
    }

    /// Validated argon2 parameters (32-byte output).
    fn params(self) -> Result<Params> {
        let (m_cost, t_cost, p_cost) = self.costs();
        Params::new(m_cost, t_cost, p_cost, Some(Params::DEFAULT_OUTPUT_LEN))
            .map_err(|e| CryptoError::PasswordHash(e.to_string()))
    }
}

impl FromStr for PasswordProfile {
    type Err = CryptoError;

    /// Parses a profile name from configuration: `owasp` or `dev`.
    fn from_str(name: &str) -> Result<Self> {
        match name.to_ascii_lowercase().as_str() {
            "owasp" => Ok(PasswordProfile::Owasp),
            "dev" => Ok(PasswordProfile::Dev),
            other => Err(CryptoError::PasswordHash(format!(
                "unknown password profile {other:?} (expected owasp or dev)"
            ))),
        }
    }
}

/// Hashes and verifies passwords with argon2id, bounded to a few concurrent jobs.
///
/// Cloning is cheap; clones share the concurrency limit.
#[derive(Clone)]
pub struct PasswordHasher {
    inner: Arc<Inner>,
}

struct Inner {
    profile: PasswordProfile,
    params: Params,
    /// The hashing threads' queue; they stop when the hasher (this sender) is dropped.
    jobs: Sender<Job>,
    /// A well-formed PHC string with the profile's parameters that no password matches.
    dummy_phc: String,
    /// Jobs sent and not started yet (the queue), and jobs running: for the metrics.
    load: Arc<Load>,
}

#[derive(Default)]
struct Load {
    queued: AtomicUsize,
    running: AtomicUsize,
}

/// Counts a job as running while it lives, a panicking job included.
struct Running<'a>(&'a Load);

impl<'a> Running<'a> {
    fn start(load: &'a Load) -> Self {
        load.running.fetch_add(1, Ordering::Relaxed);
        Self(load)
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::Relaxed);
    }
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("profile", &self.inner.profile)
            .finish_non_exhaustive()
    }
}

impl PasswordHasher {
    /// A hasher with OWASP parameters, one job per core (the production default).
    pub fn owasp() -> Self {
        Self::known_profile(PasswordProfile::Owasp)
    }

    /// A hasher with the cheap `dev` parameters, one job per core (fixtures and tests).
    pub fn dev() -> Self {
        Self::known_profile(PasswordProfile::Dev)
    }

    /// Builds a built-in profile, whose constants are valid: the fallback to argon2's
    /// defaults (which are OWASP's) only avoids a panic path.
    fn known_profile(profile: PasswordProfile) -> Self {
        let params = profile.params().unwrap_or(Params::DEFAULT);
        Self::build(profile, params, default_concurrency())
    }

    /// A hasher running at most one job per core.
    pub fn new(profile: PasswordProfile) -> Result<Self> {
        Self::with_concurrency(profile, default_concurrency())
    }

    /// A hasher running at most `max_concurrent` jobs (at least one) at a time.
    /// Fails when a custom profile's parameters are out of argon2's range.
    pub fn with_concurrency(profile: PasswordProfile, max_concurrent: usize) -> Result<Self> {
        let hasher = Self::build(profile, profile.params()?, max_concurrent);
        // Fail now, not at the first unknown user, if the dummy does not parse.
        PasswordHash::new(&hasher.inner.dummy_phc)
            .map_err(|e| CryptoError::PasswordHash(e.to_string()))?;
        Ok(hasher)
    }

    fn build(profile: PasswordProfile, params: Params, max_concurrent: usize) -> Self {
        let dummy_phc = dummy_phc(&params);
        PasswordHasher {
            inner: Arc::new(Inner {
                profile,
                params,
                jobs: start_workers(max_concurrent.max(1)),
                dummy_phc,
                load: Arc::default(),
            }),
        }
    }

    /// Hashes and verifications waiting for a thread.
    pub fn queued(&self) -> usize {
        self.inner.load.queued.load(Ordering::Relaxed)
    }

    /// Hashes and verifications running now.
    pub fn running(&self) -> usize {
        self.inner.load.running.load(Ordering::Relaxed)
    }

    /// The profile new hashes are made with.
    pub fn profile(&self) -> PasswordProfile {
        self.inner.profile
    }

    /// Hashes `password` with a fresh random salt into a PHC string (`$argon2id$v=19$…`).
    pub async fn hash(&self, password: &str) -> Result<String> {
        let password = password.to_owned();
        let params = self.inner.params.clone();
        self.run_blocking(move || hash_blocking(&password, params))
            .await?
    }

    /// Hashes `password` as [`hash`](Self::hash) does and, in the same job on the same
    /// thread, runs `also` on it (the SRP verifier's exponentiation, which costs about as much
    /// as a dev-profile hash): a second CPU-heavy step bounded with the hashes, one job per
    /// core, rather than on tokio's blocking pool, where a burst of new passwords ran up to its
    /// whole thread count at once; and one hand-off instead of two.
    pub async fn hash_with<T, F>(&self, password: &str, also: F) -> Result<(String, T)>
    where
        T: Send + 'static,
        F: FnOnce(&str) -> T + Send + 'static,
    {
        let password = password.to_owned();
        let params = self.inner.params.clone();
        self.run_blocking(move || {
            let phc = hash_blocking(&password, params)?;
            Ok((phc, also(&password)))
        })
        .await?
    }

    /// Checks `password` against a stored PHC string, using the parameters recorded in
    /// it (so changing the profile does not invalidate existing hashes).
    /// `Ok(false)` on mismatch; `Err` only when the PHC string is unusable.
    pub async fn verify(&self, password: &str, phc: &str) -> Result<bool> {
        let password = password.to_owned();
        let phc = phc.to_owned();
        self.run_blocking(move || verify_blocking(&password, &phc))
            .await?
    }

    /// Spends the same time as a [`verify`](Self::verify) of a hash made with the current
    /// profile, and matches nothing. Call it for unknown users so timing does not tell.
    pub async fn dummy_verify(&self, password: &str) {
        let password = password.to_owned();
        let inner = Arc::clone(&self.inner);
        // The outcome is irrelevant; only the time spent matters.
        let _ = self
            .run_blocking(move || verify_blocking(&password, &inner.dummy_phc))
            .await;
    }

    /// Whether a stored hash was made with other parameters than the current profile's,
    /// so the caller may re-hash it after a successful sign-in.
    pub fn needs_rehash(&self, phc: &str) -> bool {
        let Ok(hash) = PasswordHash::new(phc) else {
            return true;
        };
        let wanted = &self.inner.params;
        hash.algorithm != Algorithm::Argon2id.ident()
            || Params::try_from(&hash).map_or(true, |stored| {
                (stored.m_cost(), stored.t_cost(), stored.p_cost())
                    != (wanted.m_cost(), wanted.t_cost(), wanted.p_cost())
            })
    }

    /// Runs `job` on the blocking pool once a permit is free.
    async fn run_blocking<T, F>(&self, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (done, outcome) = oneshot::channel();
        let load = Arc::clone(&self.inner.load);
        let job: Job = Box::new(move || {
            load.queued.fetch_sub(1, Ordering::Relaxed);
            // A caller that stopped waiting needs no answer: skip the work.
            if !done.is_closed() {
                let _running = Running::start(&load);
                let _ = done.send(job());
            }
        });
        self.inner.load.queued.fetch_add(1, Ordering::Relaxed);
        if self.inner.jobs.send(job).is_err() {
            self.inner.load.queued.fetch_sub(1, Ordering::Relaxed);
            return Err(CryptoError::TaskFailed);
        }
        outcome.await.map_err(|_| CryptoError::TaskFailed)
    }
}

type Job = Box<dyn FnOnce() + Send + 'static>;

/// Starts `count` hashing threads sharing one queue. A thread that cannot be started is
/// skipped; with none at all the queue is closed and every job fails instead of hanging.
fn start_workers(count: usize) -> Sender<Job> {
    let (jobs, queue) = channel::<Job>();
    let queue = Arc::new(Mutex::new(queue));
    for n in 0..count {
        let queue = Arc::clone(&queue);
        // Detached: the thread ends by itself when the queue closes.
        let _ = std::thread::Builder::new()
            .name(format!("argon2-{n}"))
            .spawn(move || work(&queue));
    }
    jobs
}

/// Runs jobs until the hasher is dropped. A panicking job fails its caller (its answer channel
/// is dropped) but not the thread.
fn work(queue: &Mutex<Receiver<Job>>) {
    loop {
        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        match next {
            Ok(job) => {
                let _ = catch_unwind(AssertUnwindSafe(job));
            }
            Err(_) => return,
        }
    }
}

/// One concurrent hash per core: argon2 with p = 1 is single-threaded and CPU-bound.
fn default_concurrency() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// A PHC string with `params`, a fixed salt and an all-zero digest: verifying against it
/// costs exactly one argon2 run with those parameters and never succeeds in practice.
fn dummy_phc(params: &Params) -> String {
    // 16 bytes of salt and 32 bytes of digest, in the PHC's unpadded base64.
    const SALT: &str = "Y29nbmF0ZWR1bW15c2FsdA";
    const DIGEST: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    format!(
        "$argon2id$v=19$m={},t={},p={}${SALT}${DIGEST}",
        params.m_cost(),
        params.t_cost(),
        params.p_cost()
    )
}

#[cfg(test)]
mod tests;
