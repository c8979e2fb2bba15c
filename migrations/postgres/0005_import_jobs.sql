-- User import jobs and their uploaded CSV files. Keep the SQLite migration of the same name in step.
--
-- Job ids are unique across pools; every lookup also names the pool, so a job of another pool
-- is not found. `status` copies the document's status for the conditional updates (a Stop
-- landing while a batch runs). The CSV (up to 100 MB) lives in its own table so listing jobs
-- never reads it; both die with the job, and the job with its pool.
CREATE TABLE user_import_jobs (
    job_id          TEXT COLLATE "C"    NOT NULL,
    pool_id         TEXT COLLATE "C"    NOT NULL,
    status          TEXT                NOT NULL,
    created_at      BIGINT              NOT NULL,
    data            JSONB               NOT NULL,
    CONSTRAINT user_import_jobs_pkey PRIMARY KEY (job_id),
    CONSTRAINT user_import_jobs_pool_fkey FOREIGN KEY (pool_id)
        REFERENCES user_pools (id) ON DELETE CASCADE
);
CREATE INDEX user_import_jobs_pool_idx ON user_import_jobs (pool_id, job_id);

CREATE TABLE user_import_files (
    job_id          TEXT COLLATE "C"    NOT NULL,
    csv             BYTEA               NOT NULL,
    CONSTRAINT user_import_files_pkey PRIMARY KEY (job_id),
    CONSTRAINT user_import_files_job_fkey FOREIGN KEY (job_id)
        REFERENCES user_import_jobs (job_id) ON DELETE CASCADE
);
