//! The desk through its router: the sample outlets fetched from the test server into a real
//! database, then requests as a browser sends them (`tower::ServiceExt::oneshot`), checking
//! the security headers, the Host, token, CSRF and Origin checks, escaping of hostile feed
//! text, the folded wire story, decisions with undo, citations, the mark and saved searches.

mod support;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use quotewire::desk::{self, Desk};
use serde_json::Value;
use support::{desk_home, Home};
use tower::ServiceExt;

const ADDR: &str = "127.0.0.1:8340";

fn desk_for(home: &Home, token: Option<&str>) -> Arc<Desk> {
    let config = quotewire::config::Config::load(&home.config_path()).expect("config loads");
    Arc::new(Desk::new(desk::Options {
        db_dir: home.db_path(),
        lock_wait: Duration::from_secs(10),
        config: Some(config),
        listen: ADDR.parse().expect("address"),
        token: token.map(str::to_string),
    }))
}

async fn send(router: &Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let resp = router.clone().oneshot(req).await.expect("a response");
    let (parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, 16 * 1024 * 1024)
        .await
        .expect("a body");
    (
        parts.status,
        parts.headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

fn get(path: &str) -> Request<Body> {
    Request::get(path)
        .header(header::HOST, ADDR)
        .body(Body::empty())
        .expect("request")
}

fn post(path: &str) -> axum::http::request::Builder {
    Request::post(path)
        .header(header::HOST, ADDR)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The ids of the cards on a page, in order, with their status.
fn cards(html: &str) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("article.card").expect("selector");
    doc.select(&sel)
        .map(|e| {
            let a = |k: &str| e.value().attr(k).unwrap_or("").to_string();
            (a("data-id"), a("data-status"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn headers_escaping_folding_decisions_and_citations() {
    let f = desk_home();
    let d = desk_for(&f.home, None);
    let router = desk::router(d.clone());
    // The desk lets go of the database between requests, so the CLI can check what it did.
    let _tidy = desk::keep_tidy(d.clone());

    // The page, with its security headers and a nonce that only its own tags carry.
    let (status, headers, html) = send(&router, get("/?q=since%3Aall")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .expect("a nonce in the policy");
    assert_eq!(nonce.len(), 32);
    assert!(html.contains(&format!("nonce=\"{nonce}\"")));
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
    // A second response has another nonce.
    let (_, h2, _) = send(&router, get("/?q=since%3Aall")).await;
    assert_ne!(
        h2[header::CONTENT_SECURITY_POLICY],
        headers[header::CONTENT_SECURITY_POLICY]
    );

    // Hostile text is shown as text: no tag from the feed reaches the page.
    assert!(
        html.contains("Minister speaks"),
        "the hostile story is listed"
    );
    assert!(
        !html.contains("<script>document.title"),
        "a feed's script is escaped"
    );
    assert!(
        !html.contains("<img"),
        "no image from a feed becomes an element"
    );
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "the text's literal markup is shown, escaped"
    );
    let doc = scraper::Html::parse_document(&html);
    let scripts: Vec<_> = doc
        .select(&scraper::Selector::parse("script").unwrap())
        .collect();
    assert_eq!(scripts.len(), 1, "only the desk's own script");
    assert_eq!(scripts[0].value().attr("nonce"), Some(nonce));
    for e in doc.select(&scraper::Selector::parse("*").unwrap()) {
        assert!(
            !e.value().attrs().any(|(k, _)| k.starts_with("on")),
            "no inline handler: {:?}",
            e.value()
        );
    }

    // The oilfield story ran at Reuters and was copied by the Daily Star: one card.
    let list = f.home.run(&["quotes", "--since", "all", "--json"]);
    let all = support::json_lines(&list);
    let oil: Vec<&Value> = all
        .iter()
        .filter(|q| {
            q["text"]
                .as_str()
                .is_some_and(|t| t.contains("no choice but to cut the power"))
        })
        .collect();
    assert!(oil.len() >= 2, "the quotation in both stories: {oil:#?}");
    let ids: Vec<(String, String)> = cards(&html);
    let on_page: Vec<&str> = oil
        .iter()
        .filter_map(|q| q["id"].as_str())
        .filter(|id| ids.iter().any(|(c, _)| c == id))
        .collect();
    assert_eq!(on_page.len(), 1, "the copies fold into one card");
    assert!(
        html.contains("2 outlets ran it"),
        "the card lists both outlets"
    );

    // Accept it: the decision reaches the copy too, and the answer says how to undo it.
    let id = on_page[0].to_string();
    let csrf = d.csrf.clone();
    let accept = post(&format!("/quotes/status?csrf={csrf}"))
        .header(header::ACCEPT, "application/json")
        .header(header::ORIGIN, format!("http://{ADDR}"))
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(format!("ids={id}&status=accepted")))
        .unwrap();
    let (status, _, body) = send(&router, accept).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["status"], "accepted");
    assert_eq!(v["changes"][0]["was"], "candidate");
    assert_eq!(v["changes"][0]["ids"].as_array().unwrap().len(), 2, "{v}");
    let after = support::json_lines(&f.home.run(&["quotes", "--since", "all", "--json"]));
    let accepted: Vec<_> = after.iter().filter(|q| q["status"] == "accepted").collect();
    assert_eq!(accepted.len(), 2, "original and copy: {accepted:#?}");

    // Without a script: the form posts and comes back to the page.
    let reject = post(&format!("/quotes/status?csrf={csrf}"))
        .body(Body::from(format!(
            "ids={id}&status=candidate&back={}",
            enc("/?q=since:all")
        )))
        .unwrap();
    let (status, headers, _) = send(&router, reject).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/?q=since:all");
    let after = support::json_lines(&f.home.run(&["quotes", "--since", "all", "--json"]));
    assert!(after.iter().all(|q| q["status"] == "candidate"));

    // The citation, as `quotes cite` writes it.
    let (status, _, cite) = send(&router, get(&format!("/quotes/{id}/cite?format=markdown"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(cite.starts_with("According to [Reuters]("), "{cite}");
    let (code, cli, err) = f.home.run_text(&["quotes", "cite", &id]);
    assert_eq!((code, cite), (0, cli), "{err}");
    let (status, _, _) = send(&router, get("/quotes/000000000000/cite")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A query the page cannot read says how to write it.
    let (status, _, html) = send(&router, get("/?q=colour%3Ared")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("unknown term colour:"), "{html}");

    // Saved searches, with counts; the mark empties the default queue.
    let save = post(&format!("/searches?csrf={csrf}"))
        .body(Body::from(format!(
            "name=Oil&query={}",
            enc("since:all \"no choice but to cut\"")
        )))
        .unwrap();
    let (status, _, _) = send(&router, save).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, html) = send(&router, get("/")).await;
    let doc = scraper::Html::parse_document(&html);
    let saved = doc
        .select(&scraper::Selector::parse(".searches li").unwrap())
        .map(|e| e.text().collect::<String>())
        .find(|t| t.contains("Oil"))
        .expect("the saved search in the sidebar");
    assert!(saved.contains(&oil.len().to_string()), "{saved}");
    let mark = post(&format!("/reviewed?csrf={csrf}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&router, mark).await.0, StatusCode::SEE_OTHER);
    let (_, _, html) = send(&router, get("/")).await;
    assert!(cards(&html).is_empty(), "nothing after the mark");
    assert!(html.contains("reviewed up to"));
    d.db.release();
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_from_elsewhere_are_refused() {
    let f = desk_home();
    let d = desk_for(&f.home, None);
    let router = desk::router(d.clone());
    let csrf = d.csrf.clone();

    // Another Host (a DNS-rebinding page) gets nothing.
    let req = Request::get("/")
        .header(header::HOST, "evil.example:8340")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&router, req).await.0, StatusCode::MISDIRECTED_REQUEST);

    let body = || Body::from("ids=0000000000000000&status=accepted");
    // No CSRF token, a wrong one, another site's Origin, a cross-site fetch: all refused.
    for req in [
        post("/quotes/status").body(body()).unwrap(),
        post("/quotes/status?csrf=00000000000000000000000000000000")
            .body(body())
            .unwrap(),
        post(&format!("/quotes/status?csrf={csrf}"))
            .header(header::ORIGIN, "http://evil.example")
            .body(body())
            .unwrap(),
        post(&format!("/quotes/status?csrf={csrf}"))
            .header("sec-fetch-site", "cross-site")
            .body(body())
            .unwrap(),
    ] {
        let (status, headers, text) = send(&router, req).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{text}");
        assert!(headers.contains_key(header::CONTENT_SECURITY_POLICY));
    }
    // A state change by GET does not exist.
    assert_eq!(
        send(&router, get("/quotes/status")).await.0,
        StatusCode::METHOD_NOT_ALLOWED
    );
    // Uploads are capped.
    let big = post(&format!("/searches?csrf={csrf}"))
        .body(Body::from(vec![b'a'; desk::MAX_BODY + 10]))
        .unwrap();
    assert_eq!(send(&router, big).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    d.db.release();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_guards_a_desk_beyond_loopback() {
    let f = desk_home();
    let token = "0123456789abcdef0123";
    let d = desk_for(&f.home, Some(token));
    let router = desk::router(d.clone());
    assert_eq!(send(&router, get("/")).await.0, StatusCode::UNAUTHORIZED);
    let wrong = Request::get("/")
        .header(header::AUTHORIZATION, "Bearer 0123456789abcdef0124")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&router, wrong).await.0, StatusCode::UNAUTHORIZED);
    // The printed address keeps the token in a cookie and drops it from the address.
    let (status, headers, _) = send(&router, get(&format!("/?token={token}"))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/");
    let cookie = headers[header::SET_COOKIE].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let pair = cookie.split(';').next().unwrap().to_string();
    let with_cookie = Request::get("/")
        .header(header::COOKIE, pair)
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&router, with_cookie).await.0, StatusCode::OK);
    let bearer = Request::get("/")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&router, bearer).await.0, StatusCode::OK);
    d.db.release();
}

#[test]
fn serve_refuses_an_open_address_without_a_token() {
    let home = Home::new();
    home.write_config("");
    let (code, _, err) = home.run_text(&["serve", "--listen", "0.0.0.0:0"]);
    assert_eq!(code, 2);
    assert!(err.contains("--token-file"), "{err}");
    let (code, _, err) = home.run_text(&["serve", "--listen", "0.0.0.0:0", "--token", "short"]);
    assert_eq!(code, 2);
    assert!(err.contains("at least 16"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn fetch_runs_while_the_desk_is_open() {
    // The cron job's fetch beside an open desk: the desk lets go of the database between
    // requests, so fetch waits at most a moment and never exits 2.
    let f = desk_home();
    let d = desk_for(&f.home, None);
    let router = desk::router(d.clone());
    let ticker = desk::keep_tidy(d.clone());
    assert_eq!(
        send(&router, get("/?q=since%3Aall")).await.0,
        StatusCode::OK
    );
    assert!(
        d.db.is_held(),
        "the desk holds the database right after a request"
    );
    let home_db = f.home.db_path();
    let config = f.home.config_path();
    let fetch = tokio::task::spawn_blocking(move || {
        support::run_in(
            home_db.parent().unwrap(),
            &config,
            &home_db,
            &["--lock-wait", "20", "fetch", "--all", "--json"],
        )
    });
    // The author keeps reading while fetch runs.
    for _ in 0..10 {
        let (status, _, _) = send(&router, get("/?q=since%3Aall")).await;
        assert_eq!(status, StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let out = fetch.await.unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    ticker.abort();
    d.db.release();
}
