//! The PostgreSQL schema as numbered migrations, applied in order, each in its own
//! transaction, under an advisory lock so that two processes starting at once do not both
//! migrate. A database at a version newer than `LATEST` is refused, as sled's is.
//! What each table holds is in ARCHITECTURE.md ("PostgreSQL layout").

use tokio_postgres::Client;

use super::PgError;

/// Every migration: (version, SQL). Append only; never edit one that has shipped.
pub const MIGRATIONS: &[(i32, &str)] = &[
    (
        1,
        r#"
    CREATE TABLE feeds (
        url          text PRIMARY KEY,
        outlet       text NOT NULL,
        host         text NOT NULL,
        enabled      boolean NOT NULL DEFAULT true,
        gone         boolean NOT NULL DEFAULT false,
        next_due     timestamptz NOT NULL DEFAULT now(),
        lease_until  timestamptz,
        leased_by    text,
        fetches      bigint NOT NULL DEFAULT 0,
        state        jsonb NOT NULL DEFAULT '{}'::jsonb
    );
    CREATE INDEX feeds_due ON feeds (next_due) WHERE enabled AND NOT gone;
    "#,
    ),
    (
        2,
        r#"
    CREATE TABLE hosts (
        host              text PRIMARY KEY,
        retry_not_before  timestamptz
    );
    INSERT INTO hosts (host) SELECT DISTINCT host FROM feeds ON CONFLICT DO NOTHING;
    CREATE INDEX feeds_host_due ON feeds (host, next_due) WHERE enabled AND NOT gone;
    CREATE INDEX feeds_leased ON feeds (host) WHERE lease_until IS NOT NULL;
    "#,
    ),
    (
        3,
        r#"
    CREATE TABLE stories (
        id         text COLLATE "C" PRIMARY KEY,
        key        text NOT NULL UNIQUE,
        outlet     text COLLATE "C" NOT NULL,
        published  timestamptz NOT NULL,
        record     jsonb NOT NULL
    );
    CREATE INDEX stories_by_date ON stories (published DESC, id DESC);
    CREATE INDEX stories_by_outlet ON stories (outlet, published DESC, id DESC);
    CREATE TABLE story_text (
        story  text COLLATE "C" PRIMARY KEY,
        text   text NOT NULL
    );
    CREATE TABLE feed_states (
        url    text PRIMARY KEY,
        state  jsonb NOT NULL
    );
    CREATE TABLE page_jobs (
        story        text COLLATE "C" PRIMARY KEY,
        url          text NOT NULL,
        outlet       text NOT NULL,
        host         text NOT NULL,
        due          timestamptz NOT NULL,
        failures     integer NOT NULL DEFAULT 0,
        lease_until  timestamptz,
        leased_by    text
    );
    CREATE INDEX page_jobs_due ON page_jobs (due);
    CREATE TABLE unindexed (
        story  text COLLATE "C" PRIMARY KEY
    );
    CREATE TABLE meta (
        key    text PRIMARY KEY,
        value  jsonb NOT NULL
    );
    CREATE TABLE postings (
        hash   bigint NOT NULL,
        story  bigint NOT NULL,
        PRIMARY KEY (hash, story)
    );
    CREATE TABLE quotes (
        story   text COLLATE "C" PRIMARY KEY,
        record  jsonb NOT NULL
    );
    CREATE TABLE quote_ids (
        quote  text COLLATE "C" PRIMARY KEY,
        story  text COLLATE "C" NOT NULL
    );
    CREATE TABLE reviews (
        quote   text COLLATE "C" PRIMARY KEY,
        record  jsonb NOT NULL
    );
    CREATE TABLE review_log (
        seq     bigserial PRIMARY KEY,
        quote   text COLLATE "C" NOT NULL,
        record  jsonb NOT NULL
    );
    CREATE INDEX review_log_by_quote ON review_log (quote, seq);
    CREATE TABLE posts (
        path    text PRIMARY KEY,
        record  jsonb NOT NULL
    );
    CREATE TABLE uses (
        kind    "char" NOT NULL,
        id      text COLLATE "C" NOT NULL,
        post    text NOT NULL,
        line    integer NOT NULL,
        status  text NOT NULL,
        PRIMARY KEY (kind, id, post, line)
    );
    CREATE TABLE desk (
        key    text PRIMARY KEY,
        value  jsonb NOT NULL
    );
    "#,
    ),
    (
        4,
        r#"
    INSERT INTO hosts (host) SELECT DISTINCT host FROM page_jobs ON CONFLICT DO NOTHING;
    UPDATE page_jobs SET lease_until = NULL, leased_by = NULL;
    CREATE INDEX page_jobs_host_due ON page_jobs (host, due);
    CREATE INDEX page_jobs_leased ON page_jobs (host) WHERE lease_until IS NOT NULL;
    "#,
    ),
    (
        // From here `sync_feeds` records the digest of the feed rows it made and skips a sync
        // of the same rows. A quotewire of version 4 syncs without recording it, so it must
        // not run on such a database: this version makes it refuse to, and starts the digest
        // afresh.
        5,
        r#"
    DELETE FROM meta WHERE key = 'feeds_synced';
    "#,
    ),
    (
        // Claims take hosts least recently claimed first (a round over every host), so that
        // the cluster's slots spread over all the hosts with due work instead of draining
        // them one name after another and ending on a few hosts at `per_host`.
        6,
        r#"
    ALTER TABLE hosts ADD COLUMN last_claimed timestamptz;
    CREATE INDEX hosts_round ON hosts (last_claimed NULLS FIRST, host);
    "#,
    ),
];

/// The version this quotewire writes.
pub const LATEST: i32 = 6;

/// An arbitrary, fixed key for `pg_advisory_xact_lock`: "quotewire migrate".
const MIGRATE_LOCK: i64 = 0x7175_6f74_6577_6972;

/// The version the database is at; 0 for a database quotewire has not set up.
pub async fn version(client: &Client) -> Result<i32, PgError> {
    let exists: bool = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM information_schema.tables
                            WHERE table_schema = current_schema() AND table_name = 'quotewire_schema')",
            &[],
        )
        .await?
        .get(0);
    if !exists {
        return Ok(0);
    }
    let row = client
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM quotewire_schema",
            &[],
        )
        .await?;
    Ok(row.get(0))
}

/// Brings the schema to `LATEST`.
pub async fn migrate(client: &mut Client) -> Result<(), PgError> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK])
        .await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS quotewire_schema (
             version    integer PRIMARY KEY,
             applied_at timestamptz NOT NULL DEFAULT now()
         )",
    )
    .await?;
    let at: i32 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM quotewire_schema",
            &[],
        )
        .await?
        .get(0);
    if at > LATEST {
        return Err(PgError::TooNew {
            found: at,
            known: LATEST,
        });
    }
    for (v, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > at) {
        tracing::info!("PostgreSQL schema: applying migration {v}");
        tx.batch_execute(sql).await?;
        tx.execute("INSERT INTO quotewire_schema (version) VALUES ($1)", &[v])
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
