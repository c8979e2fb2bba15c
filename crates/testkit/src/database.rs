//! Databases that outlive one app, for tests that stop the server and start another on the same
//! store (restarts, seeding): a SQLite file in a directory of its own, or a Postgres scratch
//! database. Removed when dropped.

use std::path::PathBuf;

use crate::{Backend, postgres_admin_url};

pub struct KeptDatabase {
    /// `sqlite://…` or `postgres://…`, for `database.url`.
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Directory(PathBuf),
    Postgres { admin_url: String },
}

impl KeptDatabase {
    /// A fresh database of `backend`; `None` for Postgres when `TEST_DATABASE_URL` is unset.
    pub async fn new(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir()
                    .join(format!("cognate-kept-{}", uuid::Uuid::new_v4().simple()));
                std::fs::create_dir_all(&dir).expect("creating a database directory");
                Some(Self {
                    url: format!("sqlite://{}", dir.join("cognate.db").display()),
                    cleanup: Cleanup::Directory(dir),
                })
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url()?;
                let url = cognate_store_postgres::create_scratch_database(&admin_url)
                    .await
                    .expect("creating a scratch Postgres database");
                Some(Self {
                    url,
                    cleanup: Cleanup::Postgres { admin_url },
                })
            }
        }
    }

    /// A directory beside the database for the test's own files (seed files, exports).
    pub fn scratch_dir(&self) -> PathBuf {
        let dir = self.files_path();
        std::fs::create_dir_all(&dir).expect("creating a scratch directory");
        dir
    }

    fn files_path(&self) -> PathBuf {
        match &self.cleanup {
            Cleanup::Directory(dir) => dir.join("files"),
            Cleanup::Postgres { .. } => std::env::temp_dir().join(format!(
                "cognate-files-{}",
                self.url.rsplit('/').next().unwrap_or("pg")
            )),
        }
    }
}

impl Drop for KeptDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Directory(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url } => {
                let _ = std::fs::remove_dir_all(self.files_path());
                drop_scratch(admin_url.clone(), self.url.clone());
            }
        }
    }
}

/// Drops a scratch Postgres database from synchronous code (a `Drop`): on a thread of its own.
pub(crate) fn drop_scratch(admin_url: String, url: String) {
    let _ = std::thread::spawn(move || {
        if let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            let _ = runtime.block_on(cognate_store_postgres::drop_scratch_database(
                &admin_url, &url,
            ));
        }
    })
    .join();
}
