//! A throw-away PostgreSQL cluster for the team-mode tests: `initdb` in a temporary folder,
//! the server on a Unix socket in that folder (no TCP), `fsync` off, stopped when dropped.
//! PostgreSQL refuses to run as root, so as root the cluster belongs to, and runs as, the
//! `postgres` user Debian's package creates. Without the server binaries the tests that need
//! one say so and pass, unless `QUOTEWIRE_PG_TESTS=required` (CI), where that is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    run_as: Option<String>,
}

/// The folder holding `initdb` and `pg_ctl`: on PATH, else Debian's versioned folder.
fn server_bin() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .find(|d| d.join("initdb").is_file() && d.join("pg_ctl").is_file())
        // A symlink on PATH (/usr/local/bin/pg_ctl) leads to the folder with the rest.
        .and_then(|d| std::fs::canonicalize(d.join("pg_ctl")).ok())
        .and_then(|p| p.parent().map(Path::to_path_buf));
    on_path.or_else(|| {
        let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|b| b.join("initdb").is_file())
            .collect();
        versions.sort();
        versions.pop()
    })
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

impl Cluster {
    /// Starts a cluster, or returns `None` (having said why) when this machine cannot.
    pub fn start() -> Option<Cluster> {
        let required = std::env::var("QUOTEWIRE_PG_TESTS").is_ok_and(|v| v == "required");
        let Some(bin) = server_bin() else {
            assert!(
                !required,
                "QUOTEWIRE_PG_TESTS=required but no initdb/pg_ctl found (apt-get install postgresql)"
            );
            eprintln!("skipped: no PostgreSQL server binaries (install Debian's postgresql to run this test)");
            return None;
        };
        let dir = tempfile::Builder::new()
            .prefix("quotewire-pg-")
            .tempdir()
            .expect("temp dir");
        let run_as = is_root().then(|| "postgres".to_string());
        if let Some(user) = &run_as {
            let ok = Command::new("chown")
                .args(["-R", user])
                .arg(dir.path())
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                assert!(!required, "cannot give the cluster folder to {user}");
                eprintln!(
                    "skipped: running as root and there is no {user} user to run PostgreSQL as"
                );
                return None;
            }
        }
        let cluster = Cluster { dir, bin, run_as };
        let data = cluster.data();
        let out = cluster
            .pg("initdb")
            .args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
                "-E",
                "UTF8",
                "-D",
            ])
            .arg(&data)
            .output()
            .expect("run initdb");
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // QW_PG_SERVER_OPTIONS adds server settings (a benchmark's `-c shared_buffers=4GB`).
        let opts = format!(
            "-k {} -c listen_addresses='' -p 5432 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 {}",
            cluster.socket_dir().display(),
            std::env::var("QW_PG_SERVER_OPTIONS").unwrap_or_default()
        );
        let out = cluster
            .pg("pg_ctl")
            .arg("-D")
            .arg(&data)
            .args(["-w", "-o", &opts, "-l"])
            .arg(cluster.dir.path().join("server.log"))
            .arg("start")
            .output()
            .expect("run pg_ctl");
        assert!(
            out.status.success(),
            "pg_ctl start: {}{}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(cluster.dir.path().join("server.log")).unwrap_or_default()
        );
        Some(cluster)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    /// A server program, run as the cluster's owner.
    fn pg(&self, program: &str) -> Command {
        let exe = self.bin.join(program);
        match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(exe);
                c
            }
            None => Command::new(exe),
        }
    }

    /// A libpq URL for database `db` on this cluster's socket.
    pub fn url(&self, db: &str) -> String {
        format!(
            "postgresql://postgres@/{db}?host={}&port=5432",
            self.socket_dir().display()
        )
    }

    /// Creates database `name` and returns its URL.
    pub fn create_db(&self, name: &str) -> String {
        let out = self
            .pg("createdb")
            .args(["-h"])
            .arg(self.socket_dir())
            .args(["-p", "5432", "-U", "postgres", name])
            .output()
            .expect("run createdb");
        assert!(
            out.status.success(),
            "createdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.url(name)
    }
}

impl Cluster {
    /// Runs `sql` in database `db` with `psql` (a benchmark setting up its next pass, or
    /// reading the server's statistics); returns what psql printed.
    #[allow(dead_code)]
    pub fn sql(&self, db: &str, sql: &str) -> String {
        let out = self
            .pg("psql")
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d"])
            .arg(self.url(db))
            .args(["-c", sql])
            .output()
            .expect("run psql");
        assert!(
            out.status.success(),
            "psql: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .pg("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "stop"])
            .output();
    }
}
