//! The pre-signed URL of an import job. AWS hands out an S3 URL; Cognate serves the upload
//! itself: `<public_url>/_cognate/import/<poolId>/<jobId>?expires=<epoch>&signature=<hex>`, the
//! signature an HMAC (server seal key) over pool, job and expiry, so a URL cannot be guessed or
//! extended, and works on any replica.

use cognate_crypto::secrets::constant_time_eq;
use cognate_domain::ids::UserPoolId;
use cognate_domain::import_job::{ImportJob, ImportJobStatus};
use cognate_domain::{StoreError, Timestamp};

use crate::Idp;

/// How long a pre-signed URL stays valid (AWS's import URLs: `X-Amz-Expires=900`).
pub const URL_VALIDITY_SECS: i64 = 15 * 60;
/// The largest CSV accepted (AWS: 100 MB).
pub const MAX_CSV_BYTES: usize = 100 * 1024 * 1024;

const PURPOSE: &str = "cognate-import-upload";

/// Why an upload was refused; the HTTP layer answers them as S3 does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadRefusal {
    /// Wrong, altered or expired signature, or no such job: 403 AccessDenied.
    AccessDenied(&'static str),
    /// The job has started (or ended): its file can no longer change. 409.
    JobNotOpen,
    /// Something of ours failed: 500.
    Internal,
}

/// What the signed URL names.
pub struct UploadTarget<'a> {
    pub pool_id: &'a str,
    pub job_id: &'a str,
    pub expires: i64,
    pub signature: &'a str,
}

impl Idp {
    fn upload_signature(&self, pool_id: &str, job_id: &str, expires: i64) -> String {
        let message = format!("{pool_id}\n{job_id}\n{expires}");
        hex::encode(self.seal.keyed_hash(PURPOSE, message.as_bytes()))
    }

    /// A URL valid for `URL_VALIDITY_SECS` from `now`.
    pub fn upload_url(&self, job: &ImportJob, now: Timestamp) -> String {
        let expires = now.secs() + URL_VALIDITY_SECS;
        let signature = self.upload_signature(job.pool_id.as_str(), &job.job_id, expires);
        format!(
            "{}/_cognate/import/{}/{}?expires={expires}&signature={signature}",
            self.config.public_url.trim_end_matches('/'),
            job.pool_id,
            job.job_id
        )
    }

    /// Checks the URL's signature and expiry (before the body is read).
    pub fn check_upload_url(&self, target: &UploadTarget<'_>) -> Result<(), UploadRefusal> {
        let expected = self.upload_signature(target.pool_id, target.job_id, target.expires);
        if !constant_time_eq(expected.as_bytes(), target.signature.as_bytes()) {
            return Err(UploadRefusal::AccessDenied(
                "The request signature we calculated does not match the signature you provided.",
            ));
        }
        if self.clock.now().secs() >= target.expires {
            return Err(UploadRefusal::AccessDenied("Request has expired"));
        }
        Ok(())
    }

    /// Stores the uploaded CSV of a job still in Created (a later PUT replaces the file).
    pub async fn accept_upload(
        &self,
        target: &UploadTarget<'_>,
        csv: &[u8],
    ) -> Result<(), UploadRefusal> {
        self.check_upload_url(target)?;
        let pool_id = UserPoolId::new(target.pool_id);
        let job = match self.store.get_import_job(&pool_id, target.job_id).await {
            Ok(job) => job,
            Err(StoreError::NotFound) => {
                return Err(UploadRefusal::AccessDenied(
                    "The import job does not exist.",
                ));
            }
            Err(error) => {
                tracing::error!(%error, "reading an import job for its upload");
                return Err(UploadRefusal::Internal);
            }
        };
        if super::effective_status(&job, self.clock.now()) != ImportJobStatus::Created {
            return Err(UploadRefusal::JobNotOpen);
        }
        match self
            .store
            .put_import_csv(&pool_id, target.job_id, csv)
            .await
        {
            Ok(()) => {
                tracing::info!(job_id = %target.job_id, bytes = csv.len(), "import CSV uploaded");
                Ok(())
            }
            Err(StoreError::NotFound) => Err(UploadRefusal::AccessDenied(
                "The import job does not exist.",
            )),
            Err(error) => {
                tracing::error!(%error, "storing an import CSV");
                Err(UploadRefusal::Internal)
            }
        }
    }
}
