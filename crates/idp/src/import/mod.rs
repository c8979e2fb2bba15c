//! User import jobs: the CSV header of a pool, jobs on the wire, the pre-signed upload URL that
//! Cognate serves itself (`upload`), the CSV rows (`csv`, `rows`) and the background run
//! (`runner`).

pub mod csv;
pub mod rows;
pub mod runner;
pub mod upload;

use cognate_domain::import_job::{ImportJob, ImportJobStatus};
use cognate_domain::pool::UserPool;
use cognate_domain::{StoreError, Timestamp};
use cognate_model::idp::{ErrorCode, UserImportJobStatusType, UserImportJobType};
use rand::Rng;
use rand::distributions::Alphanumeric;

use crate::Idp;
use crate::errors::{Result, internal};

/// A job not started within a day of its creation expires (AWS: "did not start the job within
/// 24-48 hours").
pub const EXPIRES_AFTER_SECS: i64 = 24 * 60 * 60;

/// The standard attributes of GetCSVHeader, in AWS's order; the pool's custom attributes follow,
/// then `cognito:mfa_enabled` and `cognito:username`.
const STANDARD_COLUMNS: &[&str] = &[
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "email",
    "email_verified",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "phone_number",
    "phone_number_verified",
    "address",
    "updated_at",
];
pub const MFA_COLUMN: &str = "cognito:mfa_enabled";
pub const USERNAME_COLUMN: &str = "cognito:username";

/// GetCSVHeader's columns for `pool`.
pub fn csv_header(pool: &UserPool) -> Vec<String> {
    let mut header: Vec<String> = STANDARD_COLUMNS.iter().map(|c| c.to_string()).collect();
    header.extend(
        pool.schema
            .iter()
            .filter(|attribute| attribute.is_custom())
            .map(|attribute| attribute.name.clone()),
    );
    header.push(MFA_COLUMN.into());
    header.push(USERNAME_COLUMN.into());
    header
}

/// `import-` and ten random letters and digits, like AWS's job ids.
pub fn new_job_id() -> String {
    let suffix: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(10)
        .map(char::from)
        .collect();
    format!("import-{suffix}")
}

/// The status a reader sees: a job left in Created past its start window is Expired.
pub fn effective_status(job: &ImportJob, now: Timestamp) -> ImportJobStatus {
    if job.status == ImportJobStatus::Created
        && now.secs() >= job.created_at.secs() + EXPIRES_AFTER_SECS
    {
        ImportJobStatus::Expired
    } else {
        job.status
    }
}

fn wire_status(status: ImportJobStatus) -> UserImportJobStatusType {
    match status {
        ImportJobStatus::Created => UserImportJobStatusType::Created,
        ImportJobStatus::Pending => UserImportJobStatusType::Pending,
        ImportJobStatus::InProgress => UserImportJobStatusType::InProgress,
        ImportJobStatus::Stopping => UserImportJobStatusType::Stopping,
        ImportJobStatus::Expired => UserImportJobStatusType::Expired,
        ImportJobStatus::Stopped => UserImportJobStatusType::Stopped,
        ImportJobStatus::Failed => UserImportJobStatusType::Failed,
        ImportJobStatus::Succeeded => UserImportJobStatusType::Succeeded,
    }
}

pub fn job_not_found(job_id: &str) -> cognate_awsjson::ApiError {
    ErrorCode::ResourceNotFoundException.msg(format!("Import job {job_id} does not exist."))
}

impl Idp {
    /// The job of `pool`; a job of another pool is not found.
    pub async fn import_job(&self, pool: &UserPool, job_id: &str) -> Result<ImportJob> {
        match self.store.get_import_job(&pool.id, job_id).await {
            Ok(job) => Ok(job),
            Err(StoreError::NotFound) => Err(job_not_found(job_id)),
            Err(other) => Err(internal(other)),
        }
    }

    /// The job on the wire, with a freshly signed upload URL.
    pub fn import_job_type(&self, job: &ImportJob) -> UserImportJobType {
        let now = self.clock.now();
        UserImportJobType {
            job_name: Some(job.job_name.clone()),
            job_id: Some(job.job_id.clone()),
            user_pool_id: Some(job.pool_id.to_string()),
            pre_signed_url: Some(self.upload_url(job, now)),
            creation_date: Some(job.created_at.epoch_seconds()),
            start_date: job.started_at.map(Timestamp::epoch_seconds),
            completion_date: job.completed_at.map(Timestamp::epoch_seconds),
            status: Some(wire_status(effective_status(job, now))),
            cloud_watch_logs_role_arn: Some(job.cloud_watch_logs_role_arn.clone()),
            imported_users: Some(job.imported_users),
            skipped_users: Some(job.skipped_users),
            failed_users: Some(job.failed_users),
            completion_message: job.completion_message.clone(),
        }
    }
}
