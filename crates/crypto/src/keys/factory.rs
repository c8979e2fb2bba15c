//! A small buffer of pre-generated RSA keys.
//!
//! RSA-2048 generation takes tens of milliseconds (and varies a lot), while creating a user
//! pool should take a few. The factory keeps up to `capacity` keys ready and refills the buffer
//! in the background, one key per task on tokio's blocking pool, so a pool creation normally
//! just pops a key.
//!
//! It is lazy: nothing is generated until the first `take`/`generate` or an explicit `start`,
//! so process start-up (and tests that never create pools) pay nothing. When the buffer is full
//! no task runs at all.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::runtime::Handle;

use super::GeneratedKey;
use crate::error::{CryptoError, Result};

/// How many keys a [`KeyFactory`] keeps ready by default.
pub const DEFAULT_KEY_BUFFER: usize = 8;

/// A bounded buffer of pre-generated signing keys, refilled in the background.
///
/// Cloning is cheap and clones share the same buffer.
#[derive(Clone)]
pub struct KeyFactory {
    shared: Arc<Shared>,
}

struct Shared {
    capacity: usize,
    buffer: Mutex<VecDeque<GeneratedKey>>,
    /// True while a refill task is queued or running; guarantees at most one at a time.
    refilling: AtomicBool,
    /// Held while a key is generated: one generation at a time, whoever asks (refill or a
    /// request that found the buffer empty). On a small machine a burst of pool creations
    /// would otherwise start a CPU-bound generation per pool and starve request handling;
    /// waiters block a blocking-pool thread, not a core.
    generating: Mutex<()>,
}

impl Default for KeyFactory {
    fn default() -> Self {
        Self::new(DEFAULT_KEY_BUFFER)
    }
}

impl KeyFactory {
    /// Creates an empty factory that will keep up to `capacity` keys ready.
    /// A capacity of 0 disables buffering: every key is generated on demand.
    pub fn new(capacity: usize) -> Self {
        KeyFactory {
            shared: Arc::new(Shared {
                capacity,
                buffer: Mutex::new(VecDeque::with_capacity(capacity)),
                refilling: AtomicBool::new(false),
                generating: Mutex::new(()),
            }),
        }
    }

    /// The number of keys the buffer holds when full.
    pub fn capacity(&self) -> usize {
        self.shared.capacity
    }

    /// The number of keys ready right now.
    pub fn available(&self) -> usize {
        self.shared.lock().len()
    }

    /// Whether a refill task is queued or running (for tests: a full buffer must be idle).
    #[cfg(test)]
    pub(crate) fn is_refilling(&self) -> bool {
        self.shared.refilling.load(Ordering::Acquire)
    }

    /// Starts filling the buffer in the background (e.g. once the server is listening).
    /// Must be called inside a tokio runtime; elsewhere it does nothing.
    pub fn start(&self) {
        nudge(&self.shared);
    }

    /// Pops a ready key without waiting; `None` when the buffer is empty.
    /// Either way it makes sure a refill is under way.
    pub fn take(&self) -> Option<GeneratedKey> {
        let key = self.shared.lock().pop_front();
        nudge(&self.shared);
        key
    }

    /// Returns a ready key, or generates one on the blocking pool when none is ready.
    pub fn generate(&self) -> impl Future<Output = Result<GeneratedKey>> + Send + 'static {
        let ready = self.take();
        let shared = Arc::clone(&self.shared);
        async move {
            match ready {
                Some(key) => Ok(key),
                None => tokio::task::spawn_blocking(move || shared.generate_one())
                    .await
                    .map_err(|_| CryptoError::TaskFailed)?,
            }
        }
    }
}

impl std::fmt::Debug for KeyFactory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyFactory")
            .field("capacity", &self.capacity())
            .field("available", &self.available())
            .finish()
    }
}

impl Shared {
    /// Locks the buffer; a panic elsewhere cannot leave a `VecDeque` inconsistent, so a
    /// poisoned lock is simply taken over.
    fn lock(&self) -> MutexGuard<'_, VecDeque<GeneratedKey>> {
        self.buffer.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Generates a key once no other generation is running.
    fn generate_one(&self) -> Result<GeneratedKey> {
        let _turn = self
            .generating
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        GeneratedKey::generate()
    }

    fn is_full(&self) -> bool {
        self.lock().len() >= self.capacity
    }

    /// Adds a key unless the buffer is full (then the key is dropped).
    fn push(&self, key: GeneratedKey) {
        let mut buffer = self.lock();
        if buffer.len() < self.capacity {
            buffer.push_back(key);
        }
    }
}

/// Schedules one refill task unless the buffer is full, one is already scheduled, or there
/// is no tokio runtime to run it on.
fn nudge(shared: &Arc<Shared>) {
    if shared.is_full() {
        return;
    }
    if shared
        .refilling
        .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
        .is_err()
    {
        return;
    }
    let Ok(handle) = Handle::try_current() else {
        shared.refilling.store(false, Ordering::Release);
        return;
    };
    let task_shared = Arc::clone(shared);
    // Detached on purpose: the task reports through the buffer, not its handle.
    drop(handle.spawn_blocking(move || refill_one(&task_shared)));
}

/// Generates one key, stores it, and schedules the next task if the buffer is still short.
///
/// One key per task (rather than a loop) means a runtime shutdown waits for at most one
/// key generation. On failure it stops rather than retrying in a tight loop; the next
/// `take` tries again.
fn refill_one(shared: &Arc<Shared>) {
    let generated = shared.generate_one();
    let succeeded = generated.is_ok();
    if let Ok(key) = generated {
        shared.push(key);
    }
    shared.refilling.store(false, Ordering::Release);
    if succeeded {
        nudge(shared);
    }
}
