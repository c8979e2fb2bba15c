//! Group commit of minted credentials. Every GetCredentialsForIdentity stores what it mints,
//! and one statement per request was most of that request's cost (on SQLite a hand-off to a
//! connection's thread and the write lock; on Postgres a round trip). Requests arriving while
//! a write is under way queue up, and the next write stores them all in one statement; each
//! request still answers only once its own credentials are stored.
//!
//! The writes run on a spawned task, not on a request's future: a client that disconnects
//! drops its request, which must not strand the others queued behind it.

use std::sync::{Arc, Mutex};

use cognate_domain::identity::CredentialRecord;
use cognate_domain::{Store, StoreError};
use tokio::sync::oneshot;

/// Records per statement (both backends allow far more bound values than this needs).
const MAX_BATCH: usize = 256;

type Reply = oneshot::Sender<Result<(), StoreError>>;

#[derive(Default)]
struct Queue {
    waiting: Vec<(CredentialRecord, Reply)>,
    /// Whether a task is writing (and will take what is waiting when it is done).
    writing: bool,
}

pub struct CredentialWrites {
    store: Arc<dyn Store>,
    queue: Mutex<Queue>,
}

impl CredentialWrites {
    pub fn new(store: Arc<dyn Store>) -> Arc<Self> {
        Arc::new(Self {
            store,
            queue: Mutex::new(Queue::default()),
        })
    }

    /// Stores `record`, together with whatever else is waiting.
    pub async fn insert(self: &Arc<Self>, record: CredentialRecord) -> Result<(), StoreError> {
        let (reply, answer) = oneshot::channel();
        let start = {
            let mut queue = self
                .queue
                .lock()
                .map_err(|_| StoreError::Backend("credential queue poisoned".into()))?;
            queue.waiting.push((record, reply));
            !std::mem::replace(&mut queue.writing, true)
        };
        if start {
            tokio::spawn(self.clone().write_all());
        }
        answer
            .await
            .map_err(|_| StoreError::Backend("credential writer stopped".into()))?
    }

    /// Writes batches until nothing waits.
    async fn write_all(self: Arc<Self>) {
        while let Some(batch) = self.next_batch() {
            self.write(batch).await;
        }
    }

    /// Up to `MAX_BATCH` waiting records, or None (and no longer writing) when none wait.
    fn next_batch(&self) -> Option<Vec<(CredentialRecord, Reply)>> {
        let mut queue = self
            .queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if queue.waiting.is_empty() {
            queue.writing = false;
            return None;
        }
        let take = queue.waiting.len().min(MAX_BATCH);
        Some(queue.waiting.drain(..take).collect())
    }

    /// One statement for the batch; if it fails, each record alone, so that one bad record
    /// (its identity deleted meanwhile) fails only its own request.
    async fn write(&self, batch: Vec<(CredentialRecord, Reply)>) {
        let (records, replies): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
        // A reply's request may have gone (client disconnected): nothing to tell it then.
        match self.store.insert_credentials(&records).await {
            Ok(()) => {
                for reply in replies {
                    let _ = reply.send(Ok(()));
                }
                return;
            }
            Err(error) if records.len() == 1 => {
                if let Some(reply) = replies.into_iter().next() {
                    let _ = reply.send(Err(error));
                }
                return;
            }
            Err(_) => {}
        }
        for (record, reply) in records.iter().zip(replies) {
            let alone = self
                .store
                .insert_credentials(std::slice::from_ref(record))
                .await;
            let _ = reply.send(alone);
        }
    }
}
