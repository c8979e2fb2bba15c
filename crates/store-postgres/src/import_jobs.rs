//! User import jobs and their CSV files: Postgres's SQL for the shared
//! `cognate_store_sql::import_jobs` logic.

use cognate_store_sql::import_jobs::ImportJobSql;

use crate::PgStore;
use crate::dialect::Postgres;

const SQL: ImportJobSql = ImportJobSql {
    create: "INSERT INTO user_import_jobs (job_id, pool_id, status, created_at, data) \
             VALUES ($1, $2, $3, $4, $5)",
    get: "SELECT data FROM user_import_jobs WHERE pool_id = $1 AND job_id = $2",
    update: "UPDATE user_import_jobs SET status = $3, data = $4 \
             WHERE pool_id = $1 AND job_id = $2 AND status = $5",
    list: "SELECT data FROM user_import_jobs WHERE pool_id = $1 AND job_id > $2 \
           ORDER BY job_id LIMIT $3",
    put_csv: "INSERT INTO user_import_files (job_id, csv) VALUES ($1, $2) \
              ON CONFLICT (job_id) DO UPDATE SET csv = excluded.csv",
    get_csv: "SELECT f.csv FROM user_import_files f \
              JOIN user_import_jobs j ON j.job_id = f.job_id \
              WHERE j.pool_id = $1 AND f.job_id = $2",
};

cognate_store_sql::impl_import_job_store!(PgStore, Postgres, SQL);
