//! The PostgreSQL store for team mode: several fetch workers and editors on one database.
//!
//! Connecting by any libpq connection URL (`postgres://` or `postgresql://`, a Unix socket as
//! `?host=/path`), the schema and its versioned migrations (`schema`), the store's records
//! (`records`, `review`: `PgRecords` is the store backend `--db postgres://...` opens), and
//! the claim of due feeds by workers with a lease (`claim`). `PgStore` is the asynchronous
//! pool beneath; `PgRecords` gives the store's synchronous interface over it.

mod claim;
mod records;
mod review;
mod schema;

pub use claim::{Claim, ClaimFilter, FeedRow};
pub use records::PgRecords;
pub use schema::{LATEST as SCHEMA_LATEST, MIGRATIONS};

use std::str::FromStr;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

/// Why the PostgreSQL store could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PgError {
    #[error("{url}: not a PostgreSQL connection URL ({why})\n  fix: write it as postgres://USER@HOST/DB, or postgresql:///DB?host=/path/to/socket/dir")]
    Url { url: String, why: String },
    #[error("cannot reach PostgreSQL at {target}: {why}\n  fix: check that the server runs and the URL's host, port, user and database")]
    Connect { target: String, why: String },
    #[error("the database's schema is version {found}, newer than this quotewire knows ({known})\n  fix: use the newer quotewire that migrated it, or another database")]
    TooNew { found: i32, known: i32 },
    #[error("PostgreSQL: {0}")]
    Query(#[from] tokio_postgres::Error),
    #[error("PostgreSQL pool: {0}")]
    Pool(String),
}

impl From<deadpool_postgres::PoolError> for PgError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        PgError::Pool(e.to_string())
    }
}

/// Whether `--db` names a PostgreSQL database rather than a sled directory.
pub fn is_url(db: &str) -> bool {
    let lower = db.trim_start().to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// The URL with any password replaced, for messages and logs.
pub fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        Ok(u) => u.to_string(),
        Err(_) => "(the --db URL)".into(),
    }
}

/// A pool of connections to one quotewire database on PostgreSQL, migrated to `SCHEMA_LATEST`.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
}

impl PgStore {
    /// Connects, then creates or migrates the schema (refusing a newer one).
    pub async fn connect(url: &str, max_connections: usize) -> Result<PgStore, PgError> {
        PgStore::connect_as(url, max_connections, "").await
    }

    /// `connect`, naming the command in `pg_stat_activity` (`quotewire fetch`, ...) unless
    /// the URL names an application itself.
    pub async fn connect_as(
        url: &str,
        max_connections: usize,
        command: &str,
    ) -> Result<PgStore, PgError> {
        let mut config = tokio_postgres::Config::from_str(url).map_err(|e| PgError::Url {
            url: redacted(url),
            why: e.to_string(),
        })?;
        if config.get_application_name().is_none() && !command.is_empty() {
            config.application_name(format!("quotewire {command}"));
        }
        // Every statement is prepared once per connection and run with a generic plan. The
        // server's default plans the first five runs of a prepared statement for their
        // parameters; for the passage lookup (an array of hashes unnested against the
        // postings) those custom plans took 5 times as long as the generic one (bench/RESULTS.md
        // §11.3), and a verify is mostly first runs. Needs PostgreSQL 12 or later.
        let options = match config.get_options() {
            Some(o) if !o.is_empty() => format!("{o} -c plan_cache_mode=force_generic_plan"),
            _ => "-c plan_cache_mode=force_generic_plan".to_string(),
        };
        config.options(options);
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(max_connections.max(1))
            .build()
            .map_err(|e| PgError::Pool(e.to_string()))?;
        let store = PgStore { pool };
        let mut client = store.pool.get().await.map_err(|e| PgError::Connect {
            target: redacted(url),
            why: e.to_string(),
        })?;
        schema::migrate(&mut client).await?;
        Ok(store)
    }

    /// One connection from the pool.
    pub(crate) async fn client(&self) -> Result<deadpool_postgres::Object, PgError> {
        Ok(self.pool.get().await?)
    }

    /// The schema version the database is at.
    pub async fn schema_version(&self) -> Result<i32, PgError> {
        let client = self.client().await?;
        schema::version(&client).await
    }
}
