use async_trait::async_trait;
use cognate_domain::ids::UserPoolId;
use cognate_domain::import_job::{IMPORT_JOB_STATUS, ImportJob, ImportJobStatus, ImportJobStore};
use cognate_domain::listing::{fetch_limit, page};
use cognate_domain::{Page, StoreError};

use crate::SqliteStore;
use crate::error::{decode, json_err, map_err};

#[async_trait]
impl ImportJobStore for SqliteStore {
    async fn create_import_job(&self, job: &ImportJob) -> Result<(), StoreError> {
        let data = serde_json::to_string(job).map_err(json_err)?;
        sqlx::query(
            "INSERT INTO user_import_jobs (job_id, pool_id, status, created_at, data) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(&job.job_id)
        .bind(job.pool_id.as_str())
        .bind(job.status.as_str())
        .bind(job.created_at.millis())
        .bind(&data)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn get_import_job(
        &self,
        pool_id: &UserPoolId,
        job_id: &str,
    ) -> Result<ImportJob, StoreError> {
        let data: String = sqlx::query_scalar(
            "SELECT data FROM user_import_jobs WHERE pool_id = ?1 AND job_id = ?2",
        )
        .bind(pool_id.as_str())
        .bind(job_id)
        .fetch_one(&self.pool)
        .await
        .map_err(map_err)?;
        decode(&data)
    }

    async fn update_import_job(
        &self,
        job: &ImportJob,
        expected: ImportJobStatus,
    ) -> Result<(), StoreError> {
        let data = serde_json::to_string(job).map_err(json_err)?;
        let done = sqlx::query(
            "UPDATE user_import_jobs SET status = ?3, data = ?4 \
             WHERE pool_id = ?1 AND job_id = ?2 AND status = ?5",
        )
        .bind(job.pool_id.as_str())
        .bind(&job.job_id)
        .bind(job.status.as_str())
        .bind(&data)
        .bind(expected.as_str())
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        if done.rows_affected() > 0 {
            return Ok(());
        }
        // Gone, or its status moved on (a Stop landed).
        self.get_import_job(&job.pool_id, &job.job_id).await?;
        Err(StoreError::Conflict {
            constraint: IMPORT_JOB_STATUS.into(),
        })
    }

    async fn list_import_jobs(
        &self,
        pool_id: &UserPoolId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<ImportJob>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT data FROM user_import_jobs WHERE pool_id = ?1 AND job_id > ?2 \
             ORDER BY job_id LIMIT ?3",
        )
        .bind(pool_id.as_str())
        .bind(after.unwrap_or(""))
        .bind(fetch_limit(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        let jobs = rows
            .iter()
            .map(|data| decode(data))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(page(jobs, limit, |job| job.job_id.clone()))
    }

    async fn put_import_csv(
        &self,
        pool_id: &UserPoolId,
        job_id: &str,
        csv: &[u8],
    ) -> Result<(), StoreError> {
        // Only a job of this pool takes the file; a missing one fails here as NotFound.
        self.get_import_job(pool_id, job_id).await?;
        sqlx::query(
            "INSERT INTO user_import_files (job_id, csv) VALUES (?1, ?2) \
             ON CONFLICT (job_id) DO UPDATE SET csv = excluded.csv",
        )
        .bind(job_id)
        .bind(csv)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn get_import_csv(
        &self,
        pool_id: &UserPoolId,
        job_id: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        sqlx::query_scalar(
            "SELECT f.csv FROM user_import_files f JOIN user_import_jobs j ON j.job_id = f.job_id \
             WHERE j.pool_id = ?1 AND f.job_id = ?2",
        )
        .bind(pool_id.as_str())
        .bind(job_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)
    }
}
