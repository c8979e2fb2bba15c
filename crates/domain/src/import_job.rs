//! User import jobs (CreateUserImportJob...): the job record, its statuses, and its storage
//! trait. The uploaded CSV is stored beside the job so any replica can run it.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::ids::UserPoolId;
use crate::store::{Page, StoreError};

/// The constraint a stale status check in `update_import_job` reports.
pub const IMPORT_JOB_STATUS: &str = "user_import_jobs_status";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ImportJobStatus {
    Created,
    Pending,
    InProgress,
    Stopping,
    Expired,
    Stopped,
    Failed,
    Succeeded,
}

impl ImportJobStatus {
    /// The wire name (`UserImportJobStatusType`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "Created",
            Self::Pending => "Pending",
            Self::InProgress => "InProgress",
            Self::Stopping => "Stopping",
            Self::Expired => "Expired",
            Self::Stopped => "Stopped",
            Self::Failed => "Failed",
            Self::Succeeded => "Succeeded",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportJob {
    pub pool_id: UserPoolId,
    /// `import-<random>`, unique across pools.
    pub job_id: String,
    pub job_name: String,
    pub status: ImportJobStatus,
    pub cloud_watch_logs_role_arn: String,
    pub created_at: Timestamp,
    pub started_at: Option<Timestamp>,
    pub completed_at: Option<Timestamp>,
    pub imported_users: i64,
    pub skipped_users: i64,
    pub failed_users: i64,
    pub completion_message: Option<String>,
}

#[async_trait]
pub trait ImportJobStore: Send + Sync {
    /// `NotFound` when the pool does not exist.
    async fn create_import_job(&self, job: &ImportJob) -> Result<(), StoreError>;
    /// The job of that pool. `NotFound` for a job of another pool.
    async fn get_import_job(
        &self,
        pool_id: &UserPoolId,
        job_id: &str,
    ) -> Result<ImportJob, StoreError>;
    /// Replaces the job if its stored status is still `expected`; otherwise
    /// `Conflict { IMPORT_JOB_STATUS }` (e.g. a Stop landed meanwhile). `NotFound` when absent.
    async fn update_import_job(
        &self,
        job: &ImportJob,
        expected: ImportJobStatus,
    ) -> Result<(), StoreError>;
    /// A pool's jobs ordered by job id, starting after the job id `after`.
    async fn list_import_jobs(
        &self,
        pool_id: &UserPoolId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<ImportJob>, StoreError>;
    /// Stores (replacing) the job's uploaded CSV. `NotFound` when the job does not exist.
    async fn put_import_csv(
        &self,
        pool_id: &UserPoolId,
        job_id: &str,
        csv: &[u8],
    ) -> Result<(), StoreError>;
    /// The uploaded CSV, `None` before any upload.
    async fn get_import_csv(
        &self,
        pool_id: &UserPoolId,
        job_id: &str,
    ) -> Result<Option<Vec<u8>>, StoreError>;
}
