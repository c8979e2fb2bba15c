//! Running an import job in the background: Pending → InProgress → Succeeded (or Failed for a
//! file that cannot be read), batch by batch through `create_users_bulk`, each row all or
//! nothing. StopUserImportJob sets Stopping; the run notices between batches and ends Stopped,
//! the rows it did not reach counted as skipped. Every status change is conditional on the
//! status the runner last saw, so a Stop is never overwritten.

use cognate_domain::StoreError;
use cognate_domain::import_job::{IMPORT_JOB_STATUS, ImportJob, ImportJobStatus};
use cognate_domain::pool::UserPool;
use cognate_domain::user::User;

use super::csv::{self, CsvError, Record};
use super::rows::Header;
use crate::Idp;

/// Rows per `create_users_bulk` call (one transaction) and per progress update.
pub const BATCH_ROWS: usize = 1000;

const SUCCEEDED: &str = "Import Job Completed Successfully.";
const STOPPED: &str = "The Import Job was stopped by the user.";
const ABORTED: &str = "The Import Job failed: an internal error stopped it.";

/// How a status change went.
enum Saved {
    Yes,
    /// A Stop landed first: the job is now Stopped and the run ends.
    Stopped,
}

impl Idp {
    /// Runs `job` (just moved to Pending) on a background task.
    pub fn spawn_import(&self, pool: UserPool, job: ImportJob) {
        let idp = self.clone();
        tokio::spawn(async move {
            let mut job = job;
            if let Err(error) = idp.run_import(&pool, &mut job).await {
                tracing::error!(%error, job_id = %job.job_id, "import job aborted");
                // Not left InProgress forever: the rows saved so far stay, the job says Failed.
                let failed = idp
                    .finish(&mut job, ImportJobStatus::Failed, ABORTED.into())
                    .await;
                if let Err(error) = failed {
                    tracing::error!(%error, job_id = %job.job_id, "marking the import job failed");
                }
            }
        });
    }

    async fn run_import(&self, pool: &UserPool, job: &mut ImportJob) -> Result<(), StoreError> {
        if let Saved::Stopped = self.advance(job, ImportJobStatus::InProgress).await? {
            return self.stopped(job, 0).await;
        }
        let csv = self
            .store
            .get_import_csv(&pool.id, &job.job_id)
            .await?
            .unwrap_or_default();
        let (header, rows) = match read_file(pool, &csv) {
            Ok(file) => file,
            Err(message) => {
                tracing::warn!(job_id = %job.job_id, %message, "import file refused");
                return self.finish(job, ImportJobStatus::Failed, message).await;
            }
        };
        for (n, batch) in rows.chunks(BATCH_ROWS).enumerate() {
            self.import_batch(pool, &header, job, batch).await?;
            let last = (n + 1) * BATCH_ROWS >= rows.len();
            if last {
                break;
            }
            if let Saved::Stopped = self.advance(job, ImportJobStatus::InProgress).await? {
                let rest = rows.len().saturating_sub((n + 1) * BATCH_ROWS);
                return self.stopped(job, rest).await;
            }
        }
        self.finish(job, ImportJobStatus::Succeeded, SUCCEEDED.into())
            .await
    }

    /// Validates and saves one batch of rows, counting imported and failed users.
    async fn import_batch(
        &self,
        pool: &UserPool,
        header: &Header,
        job: &mut ImportJob,
        batch: &[Record],
    ) -> Result<(), StoreError> {
        let mut users: Vec<User> = Vec::with_capacity(batch.len());
        let mut lines: Vec<usize> = Vec::with_capacity(batch.len());
        for record in batch {
            match self.imported_user(pool, header, record) {
                Ok(user) => {
                    users.push(user);
                    lines.push(record.line);
                }
                Err(reason) => row_failed(job, record.line, &reason),
            }
        }
        let results = self.store.create_users_bulk(&users).await?;
        for (outcome, line) in results.into_iter().zip(lines) {
            match outcome {
                Ok(()) => job.imported_users += 1,
                Err(error) => row_failed(job, line, conflict_reason(&error)),
            }
        }
        Ok(())
    }

    /// Saves `job` with `status`, if its stored status is still the one it had; otherwise
    /// (a Stop landed meanwhile) takes the stored status and answers `Stopped`.
    async fn advance(
        &self,
        job: &mut ImportJob,
        status: ImportJobStatus,
    ) -> Result<Saved, StoreError> {
        let expected = job.status;
        job.status = status;
        match self.store.update_import_job(job, expected).await {
            Ok(()) => Ok(Saved::Yes),
            Err(StoreError::Conflict { constraint }) if constraint == IMPORT_JOB_STATUS => {
                let stored = self.store.get_import_job(&job.pool_id, &job.job_id).await?;
                job.status = stored.status;
                Ok(Saved::Stopped)
            }
            Err(error) => Err(error),
        }
    }

    /// Ends a job a Stop reached (stored status Stopping): Stopped, `skipped` rows not run.
    async fn stopped(&self, job: &mut ImportJob, skipped: usize) -> Result<(), StoreError> {
        if job.status != ImportJobStatus::Stopping {
            return Ok(());
        }
        job.skipped_users += i64::try_from(skipped).unwrap_or(i64::MAX);
        job.completed_at = Some(self.clock.now());
        job.completion_message = Some(STOPPED.into());
        job.status = ImportJobStatus::Stopped;
        log_end(job);
        match self
            .store
            .update_import_job(job, ImportJobStatus::Stopping)
            .await
        {
            Err(StoreError::Conflict { .. }) | Ok(()) => Ok(()),
            Err(error) => Err(error),
        }
    }

    async fn finish(
        &self,
        job: &mut ImportJob,
        status: ImportJobStatus,
        message: String,
    ) -> Result<(), StoreError> {
        job.completed_at = Some(self.clock.now());
        job.completion_message = Some(message);
        match self.advance(job, status).await? {
            Saved::Yes => {
                log_end(job);
                Ok(())
            }
            Saved::Stopped => self.stopped(job, 0).await,
        }
    }
}

fn log_end(job: &ImportJob) {
    tracing::info!(
        job_id = %job.job_id,
        status = job.status.as_str(),
        imported = job.imported_users,
        failed = job.failed_users,
        skipped = job.skipped_users,
        "import job ended"
    );
}

/// The header and the data rows, or why the job fails.
fn read_file(pool: &UserPool, csv: &[u8]) -> Result<(Header, Vec<Record>), String> {
    let mut records = csv::parse(csv).map_err(|error| match error {
        CsvError::NotUtf8 => "The CSV file is not UTF-8 text.".to_string(),
        CsvError::UnclosedQuote(line) => {
            format!("The CSV file has an unclosed quote in the record on line {line}.")
        }
    })?;
    if records.is_empty() {
        return Err("The CSV file is empty or was not uploaded.".into());
    }
    let header = Header::parse(pool, &records.remove(0))?;
    Ok((header, records))
}

/// Logs a failed row (its line and why; no attribute values) and counts it.
fn row_failed(job: &mut ImportJob, line: usize, reason: &str) {
    tracing::warn!(job_id = %job.job_id, line, reason, "import row failed");
    job.failed_users += 1;
}

fn conflict_reason(error: &StoreError) -> &'static str {
    match error {
        StoreError::Conflict { constraint } if constraint == "users_pool_username_key" => {
            "User account already exists."
        }
        StoreError::Conflict { constraint } if constraint == "user_aliases_pool_alias_key" => {
            "An account with the given alias (email, phone number or preferred username) already exists."
        }
        StoreError::Conflict { .. } => "The user conflicts with an existing user.",
        StoreError::NotFound => "The user pool no longer exists.",
        StoreError::Backend(_) => "Storage failure.",
    }
}
