//! `quotewire demo`'s material: the sample outlets' feeds and pages from `fixtures/`, built
//! into the binary, and a loopback server that serves them.
//!
//! The files are the test fixtures (written for quotewire; see fixtures/articles/MANIFEST-A.md),
//! so the demo shows exactly what the tests check. This module knows nothing of commands or
//! output: `cli::demo` runs the pass and prints. Not a general static-file server.

use std::net::SocketAddr;

use axum::extract::Path as UrlPath;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// One bundled file: its path under `fixtures/`, Content-Type and bytes.
pub struct File {
    pub path: &'static str,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

macro_rules! file {
    ($path:literal, $ct:literal) => {
        File {
            path: $path,
            content_type: $ct,
            bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/", $path)),
        }
    };
}

/// Every file the demo serves: one feed per sample outlet, and the pages its items link to
/// (relative links, `/a/NAME.html`, so they resolve against the server).
pub static FILES: &[File] = &[
    file!(
        "feeds/src-aljazeera.xml",
        "application/rss+xml; charset=utf-8"
    ),
    file!(
        "feeds/src-antiwar.xml",
        "application/rss+xml; charset=utf-8"
    ),
    file!("feeds/src-ap.xml", "application/rss+xml; charset=utf-8"),
    file!(
        "feeds/src-dailystar.xml",
        "application/rss+xml; charset=utf-8"
    ),
    file!(
        "feeds/src-defensepost.xml",
        "application/rss+xml; charset=utf-8"
    ),
    file!(
        "feeds/src-france24.xml",
        "application/rss+xml; charset=utf-8"
    ),
    file!(
        "feeds/src-middleeasteye.xml",
        "application/rss+xml; charset=utf-8"
    ),
    file!(
        "feeds/src-militarytimes.xml",
        "application/rss+xml; charset=utf-8"
    ),
    file!("feeds/src-msn.xml", "application/rss+xml; charset=utf-8"),
    file!(
        "feeds/src-newarab.xml",
        "application/rss+xml; charset=utf-8"
    ),
    file!(
        "feeds/src-reuters.xml",
        "application/rss+xml; charset=utf-8"
    ),
    file!("feeds/src-xinhua.xml", "application/rss+xml; charset=utf-8"),
    file!("articles/a01-reuters-jsonld.html", "text/html"),
    file!("articles/a02-aljazeera-og-only.html", "text/html"),
    file!("articles/a03-antiwar-nometa.html", "text/html"),
    file!("articles/a04-reuters-oilfield.html", "text/html"),
    file!("articles/a05-dailystar-copy.html", "text/html"),
    file!("articles/a06-ap-amp.html", "text/html"),
    file!("articles/a07-defensepost-embed.html", "text/html"),
    file!("articles/a08-reuters-sistani.html", "text/html"),
    file!("articles/a09-msn-copy-ap.html", "text/html"),
    file!("articles/b01-xinhua-jsonld.html", "text/html"),
    file!("articles/b02-mee-liveblog.html", "text/html"),
    file!("articles/b03-militarytimes-paywall.html", "text/html"),
    file!("articles/b04-newarab-og.html", "text/html"),
    file!("articles/b05-reuters-embassy.html", "text/html"),
    file!("articles/b06-msn-copy-reuters.html", "text/html"),
    file!("articles/b07-reuters-consulate.html", "text/html"),
    file!("articles/b08-afp-france24.html", "text/html"),
    file!("articles/b09-reuters-khamenei.html", "text/html"),
];

/// The shipped feeds.toml: the sample outlets' names, aliases and domains.
pub const SHIPPED_CONFIG: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/feeds.toml"));

/// The sample post, its links written `http://127.0.0.1:PORT/a/...`.
const SAMPLE_POST: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/posts/sample.md"
));

/// The sample post with its links pointing at the demo server on `port`.
pub fn sample_post(port: u16) -> String {
    SAMPLE_POST.replace("127.0.0.1:PORT", &format!("127.0.0.1:{port}"))
}

/// The outlet ids of the bundled feeds (`feeds/src-ID.xml`).
pub fn outlet_ids() -> impl Iterator<Item = &'static str> {
    FILES.iter().filter_map(|f| {
        f.path
            .strip_prefix("feeds/src-")
            .and_then(|p| p.strip_suffix(".xml"))
    })
}

/// A feeds.toml for the demo: every outlet of the shipped one with its names and domains,
/// those with a bundled feed fed from `base` (`http://127.0.0.1:PORT`). An outlet of the
/// shipped file without a bundled feed keeps no feeds (it still names a post's attributions).
pub fn config_text(base: &str) -> Result<String, crate::config::ConfigError> {
    let shipped = crate::config::Config::parse(std::path::Path::new("feeds.toml"), SHIPPED_CONFIG)?;
    let list = |v: &[String]| {
        v.iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let bundled: Vec<&str> = outlet_ids().collect();
    let mut out = String::from(
        "# Written by `quotewire demo`: the sample outlets, fed from its loopback server.\n\n",
    );
    for o in &shipped.outlets {
        let feeds = if bundled.contains(&o.id.as_str()) {
            format!("{:?}", format!("{base}/f/src-{}.xml", o.id))
        } else {
            String::new()
        };
        out += &format!(
            "[[outlet]]\nid = {:?}\nname = {:?}\naliases = [{}]\ndomains = [{}]\nfeeds = [{feeds}]\n\n",
            o.id,
            o.name,
            list(&o.aliases),
            list(&o.domains),
        );
    }
    Ok(out)
}

/// Serves `FILES` on `listener` until `shutdown` resolves: `/f/src-ID.xml` and `/a/NAME.html`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = Router::new()
        .route(
            "/f/{name}",
            get(|UrlPath(n): UrlPath<String>| async move { respond(&format!("feeds/{n}")) }),
        )
        .route(
            "/a/{name}",
            get(|UrlPath(n): UrlPath<String>| async move { respond(&format!("articles/{n}")) }),
        );
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

fn respond(path: &str) -> Response {
    match FILES.iter().find(|f| f.path == path) {
        Some(f) => ([(header::CONTENT_TYPE, f.content_type)], f.bytes).into_response(),
        None => (StatusCode::NOT_FOUND, "not in the demo").into_response(),
    }
}

/// The address the demo server binds: loopback, any free port.
pub fn listen_addr() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_a_bundled_feed_links_to_is_bundled() {
        for feed in FILES.iter().filter(|f| f.path.starts_with("feeds/")) {
            let text = std::str::from_utf8(feed.bytes).expect("UTF-8 feed");
            for link in text.split("<link>/a/").skip(1) {
                let name = link.split('<').next().unwrap_or("");
                assert!(
                    FILES.iter().any(|f| f.path == format!("articles/{name}")),
                    "{} links to {name}, which is not bundled",
                    feed.path
                );
            }
        }
    }

    #[test]
    fn every_sample_source_feed_is_bundled_and_the_config_loads() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/feeds");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .expect("fixtures/feeds")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("src-") && n.ends_with(".xml"))
            .collect();
        on_disk.sort();
        let mut bundled: Vec<String> = outlet_ids().map(|id| format!("src-{id}.xml")).collect();
        bundled.sort();
        assert_eq!(on_disk, bundled);
        let text = config_text("http://127.0.0.1:9").expect("shipped config");
        let config = crate::config::Config::parse(std::path::Path::new("demo.toml"), &text)
            .expect("demo config");
        assert_eq!(config.feeds().count(), bundled.len());
        assert!(sample_post(9).contains("http://127.0.0.1:9/a/"));
    }
}
