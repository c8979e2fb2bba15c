//! User import jobs and their uploaded CSV files.

use cognate_domain::ids::UserPoolId;
use cognate_domain::import_job::{IMPORT_JOB_STATUS, ImportJob, ImportJobStatus};
use cognate_domain::listing::{fetch_limit, page};
use cognate_domain::{Page, StoreError};
use sqlx::types::Json;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Type};

use crate::Dialect;

/// Each backend's SQL for `ImportJobStore`; the parameters are numbered as the comments say.
#[derive(Debug)]
pub struct ImportJobSql {
    /// job_id, pool_id, status, created_at, data
    pub create: &'static str,
    /// pool_id, job_id
    pub get: &'static str,
    /// pool_id, job_id, status, data, expected status
    pub update: &'static str,
    /// pool_id, job_id after, limit
    pub list: &'static str,
    /// job_id, csv (an upsert)
    pub put_csv: &'static str,
    /// pool_id, job_id
    pub get_csv: &'static str,
}

/// `ImportJobStore` over one backend's pool and SQL.
pub struct ImportJobs<'a, D: Dialect> {
    pub pool: &'a Pool<D::Db>,
    pub sql: &'static ImportJobSql,
}

impl<D: Dialect> ImportJobs<'_, D>
where
    for<'c> &'c mut <D::Db as Database>::Connection: Executor<'c, Database = D::Db>,
    for<'q> <D::Db as Database>::Arguments<'q>: IntoArguments<'q, D::Db>,
    usize: ColumnIndex<<D::Db as Database>::Row>,
    for<'q> &'q str: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> i64: Encode<'q, D::Db> + Type<D::Db>,
    for<'q> &'q [u8]: Encode<'q, D::Db> + Type<D::Db>,
    Vec<u8>: for<'r> Decode<'r, D::Db> + Type<D::Db>,
    for<'q> Json<&'q ImportJob>: Encode<'q, D::Db> + Type<D::Db>,
    Json<ImportJob>: for<'r> Decode<'r, D::Db> + Type<D::Db>,
{
    pub async fn create(&self, job: &ImportJob) -> Result<(), StoreError> {
        sqlx::query(self.sql.create)
            .bind(job.job_id.as_str())
            .bind(job.pool_id.as_str())
            .bind(job.status.as_str())
            .bind(job.created_at.millis())
            .bind(Json(job))
            .execute(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(())
    }

    pub async fn get(&self, pool_id: &UserPoolId, job_id: &str) -> Result<ImportJob, StoreError> {
        let Json(job) = sqlx::query_scalar(self.sql.get)
            .bind(pool_id.as_str())
            .bind(job_id)
            .fetch_one(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(job)
    }

    pub async fn update(
        &self,
        job: &ImportJob,
        expected: ImportJobStatus,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(self.sql.update)
            .bind(job.pool_id.as_str())
            .bind(job.job_id.as_str())
            .bind(job.status.as_str())
            .bind(Json(job))
            .bind(expected.as_str())
            .execute(self.pool)
            .await
            .map_err(D::map_err)?;
        if D::rows_affected(&done) > 0 {
            return Ok(());
        }
        // Gone, or its status moved on (a Stop landed).
        self.get(&job.pool_id, &job.job_id).await?;
        Err(StoreError::Conflict {
            constraint: IMPORT_JOB_STATUS.into(),
        })
    }

    pub async fn list(
        &self,
        pool_id: &UserPoolId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<ImportJob>, StoreError> {
        let rows: Vec<Json<ImportJob>> = sqlx::query_scalar(self.sql.list)
            .bind(pool_id.as_str())
            .bind(after.unwrap_or(""))
            .bind(fetch_limit(limit))
            .fetch_all(self.pool)
            .await
            .map_err(D::map_err)?;
        let jobs = rows.into_iter().map(|Json(job)| job).collect();
        Ok(page(jobs, limit, |job| job.job_id.clone()))
    }

    pub async fn put_csv(
        &self,
        pool_id: &UserPoolId,
        job_id: &str,
        csv: &[u8],
    ) -> Result<(), StoreError> {
        // Only a job of this pool takes the file; a missing one fails here as NotFound.
        self.get(pool_id, job_id).await?;
        sqlx::query(self.sql.put_csv)
            .bind(job_id)
            .bind(csv)
            .execute(self.pool)
            .await
            .map_err(D::map_err)?;
        Ok(())
    }

    pub async fn get_csv(
        &self,
        pool_id: &UserPoolId,
        job_id: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        sqlx::query_scalar(self.sql.get_csv)
            .bind(pool_id.as_str())
            .bind(job_id)
            .fetch_optional(self.pool)
            .await
            .map_err(D::map_err)
    }
}

/// Implements `ImportJobStore` for a backend's store (a type with a `pool` field) with
/// [`ImportJobs`] over the backend's dialect and SQL (a macro for the reason
/// `impl_hosted_store!` gives).
#[macro_export]
macro_rules! impl_import_job_store {
    ($store:ty, $dialect:ty, $sql:expr) => {
        impl $store {
            fn import_jobs(&self) -> $crate::import_jobs::ImportJobs<'_, $dialect> {
                $crate::import_jobs::ImportJobs {
                    pool: &self.pool,
                    sql: &$sql,
                }
            }
        }

        #[$crate::async_trait]
        impl ::cognate_domain::import_job::ImportJobStore for $store {
            async fn create_import_job(
                &self,
                job: &::cognate_domain::import_job::ImportJob,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.import_jobs().create(job).await
            }

            async fn get_import_job(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                job_id: &str,
            ) -> Result<::cognate_domain::import_job::ImportJob, ::cognate_domain::StoreError> {
                self.import_jobs().get(pool_id, job_id).await
            }

            async fn update_import_job(
                &self,
                job: &::cognate_domain::import_job::ImportJob,
                expected: ::cognate_domain::import_job::ImportJobStatus,
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.import_jobs().update(job, expected).await
            }

            async fn list_import_jobs(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                after: Option<&str>,
                limit: usize,
            ) -> Result<
                ::cognate_domain::Page<::cognate_domain::import_job::ImportJob>,
                ::cognate_domain::StoreError,
            > {
                self.import_jobs().list(pool_id, after, limit).await
            }

            async fn put_import_csv(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                job_id: &str,
                csv: &[u8],
            ) -> Result<(), ::cognate_domain::StoreError> {
                self.import_jobs().put_csv(pool_id, job_id, csv).await
            }

            async fn get_import_csv(
                &self,
                pool_id: &::cognate_domain::ids::UserPoolId,
                job_id: &str,
            ) -> Result<Option<Vec<u8>>, ::cognate_domain::StoreError> {
                self.import_jobs().get_csv(pool_id, job_id).await
            }
        }
    };
}
