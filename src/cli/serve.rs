//! `quotewire serve`: the desk, a local web page for the author's review (see `quotewire::desk`).
//! Binds to loopback unless told otherwise; any other address needs an access token.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use quotewire::desk::{self, Desk};

use super::Globals;

#[derive(clap::Args)]
#[command(
    after_help = "The desk opens the database only while it answers requests, so the cron \
job's `quotewire fetch` keeps working beside it.

Keys on the review page: j/k move, a/r accept/reject, u undo, x select (shift-x a range), \
A/R accept/reject the selection or everything up to here, c copy the citation, o open the \
story, / search, ? help; on a post's check n/p step through the problems.

Examples:
  quotewire serve                                  http://127.0.0.1:8340/
  quotewire serve --listen 127.0.0.1:9000
  quotewire serve --posts ~/digest/posts           the check page offers the folder's posts
  quotewire serve --listen 0.0.0.0:8340 --token-file ~/.config/quotewire/desk-token"
)]
pub struct Args {
    /// The address to listen on; anything but loopback needs --token or --token-file
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8340")]
    listen: SocketAddr,
    /// The access token every request must carry (open the printed address once to keep it
    /// in a cookie)
    #[arg(
        long,
        env = "QUOTEWIRE_DESK_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    token: Option<String>,
    /// Read the access token from FILE (its first line)
    #[arg(long, value_name = "FILE", conflicts_with = "token")]
    token_file: Option<PathBuf>,
    /// The folder of posts the check page offers (.md, .txt, .html); its posts can be recorded
    #[arg(long, env = "QUOTEWIRE_POSTS", value_name = "DIR")]
    posts: Option<PathBuf>,
}

pub fn run(globals: &Globals, args: Args) -> Result<ExitCode> {
    let token = match (&args.token, &args.token_file) {
        (Some(t), _) => Some(t.trim().to_string()),
        (None, Some(f)) => {
            let s = std::fs::read_to_string(f)
                .with_context(|| format!("cannot read the token file {}", f.display()))?;
            Some(s.lines().next().unwrap_or("").trim().to_string())
        }
        (None, None) => None,
    };
    if let Some(t) = &token {
        if t.len() < 16 || !t.chars().all(|c| c.is_ascii_graphic()) {
            bail!("the desk's token must be at least 16 printable characters without spaces\n  fix: make one with `head -c 24 /dev/urandom | base64`");
        }
    }
    if !args.listen.ip().is_loopback() && token.is_none() {
        bail!(
            "--listen {} is reachable from other machines, and the desk would be open to them\n  fix: add --token-file FILE (or --token), or listen on 127.0.0.1",
            args.listen
        );
    }
    let config = match globals.config() {
        Ok(c) => Some(c),
        Err(e) => {
            tracing::warn!(
                "the desk runs without feeds.toml (outlets by id, no feeds page): {e:#}"
            );
            None
        }
    };
    if let Some(p) = &args.posts {
        if !p.is_dir() {
            bail!(
                "--posts {} is not a folder\n  fix: give the folder your posts are written in",
                p.display()
            );
        }
    }
    let db = globals.db()?;
    if !db.exists() {
        bail!(
            "no quotewire database at {}\n  fix: check --db / QUOTEWIRE_DB, or run `quotewire fetch` to create it there",
            db.shown()
        );
    }
    let rt = super::runtime()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| {
                format!(
                    "cannot listen on {}\n  fix: choose another port with --listen 127.0.0.1:PORT",
                    args.listen
                )
            })?;
        let addr = listener.local_addr()?;
        let desk = Arc::new(Desk::new(desk::Options {
            db,
            lock_wait: globals.lock_wait,
            config,
            listen: addr,
            token: token.clone(),
            posts_dir: args.posts.clone(),
        }));
        match &token {
            Some(t) => println!("the desk is at http://{addr}/?token={t} (Ctrl-C stops it)"),
            None => println!("the desk is at http://{addr}/ (Ctrl-C stops it)"),
        }
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
            eprintln!("stopping the desk");
        };
        desk::serve(listener, desk, shutdown).await?;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(ExitCode::SUCCESS)
}
