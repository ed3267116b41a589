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
        db: quotewire::store::Db::Dir(home.db_path()),
        lock_wait: Duration::from_secs(10),
        config: Some(config),
        listen: ADDR.parse().expect("address"),
        token: token.map(str::to_string),
        posts_dir: Some(home.dir.path().join("posts")),
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
    // Without keys, the candidates shown can be decided at once.
    let bulk = scraper::Html::parse_document(&html);
    let bulk_ids = bulk
        .select(&scraper::Selector::parse("form.bulk input[name=ids]").unwrap())
        .next()
        .and_then(|e| e.value().attr("value"))
        .expect("the bulk form")
        .to_string();
    assert_eq!(bulk_ids.split(' ').count(), ids.len());
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
    // A story published before the mark but fetched after it is new to review.
    let yesterday = (chrono::Utc::now() - chrono::Duration::hours(20)).to_rfc2822();
    f.srv.put(
        "late.xml",
        "application/rss+xml",
        format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Late</title><link>http://late.example/</link><description>x</description><item><title>Late item</title><link>http://late.example/l1</link><pubDate>{yesterday}</pubDate><description>“The late wire still counts for the review,” said spokesman Ira Vale.</description></item></channel></rss>"),
    );
    let config = std::fs::read_to_string(f.home.config_path()).unwrap();
    f.home.write_config(&format!(
        "{config}\n[[outlet]]\nid = \"late\"\nname = \"Late Wire\"\ndomains = [\"late.example\"]\nfeeds = [{:?}]\n",
        f.srv.url("/made/late.xml")
    ));
    let (code, report) = f.home.fetch_all();
    assert_eq!(code, 0, "{report}");
    let (_, _, html) = send(&router, get("/")).await;
    assert_eq!(
        cards(&html).len(),
        1,
        "the late story's quotation is in the queue"
    );
    assert!(html.contains("The late wire still counts"));
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

#[tokio::test(flavor = "multi_thread")]
async fn the_story_reader_and_the_accepted_citations() {
    let f = desk_home();
    let d = desk_for(&f.home, None);
    let router = desk::router(d.clone());
    let _tidy = desk::keep_tidy(d.clone());
    let all = support::json_lines(&f.home.run(&["quotes", "--since", "all", "--json"]));
    let oil = all
        .iter()
        .find(|q| {
            q["outlet"] == "reuters"
                && q["text"]
                    .as_str()
                    .is_some_and(|t| t.contains("no choice but to cut the power"))
        })
        .expect("the oilfield quotation at Reuters");
    let hostile = all
        .iter()
        .find(|q| q["outlet"] == "hostile")
        .expect("the hostile item's quotation");
    let (id, story) = (
        oil["id"].as_str().unwrap().to_string(),
        oil["story_id"].as_str().unwrap().to_string(),
    );
    let csrf = d.csrf.clone();
    for q in [&id, hostile["id"].as_str().unwrap()] {
        let accept = post(&format!("/quotes/status?csrf={csrf}"))
            .body(Body::from(format!("ids={q}&status=accepted")))
            .unwrap();
        assert_eq!(send(&router, accept).await.0, StatusCode::SEE_OTHER);
    }

    // The reader: the text with the accepted quotation marked, the copy, escaped text.
    let (status, _, html) = send(&router, get(&format!("/story/{story}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!("<mark class=\"accepted\" id=\"q-{id}\"")),
        "{html}"
    );
    assert!(html.contains("The same article elsewhere"));
    assert!(html.contains("Daily Star"), "the copy is listed by outlet");
    let hostile_story = hostile["story_id"].as_str().unwrap();
    let (_, _, html) = send(&router, get(&format!("/story/{hostile_story}"))).await;
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script>document.title") && !html.contains("<img"));
    assert_eq!(
        send(&router, get("/story/ffffffffffffffff")).await.0,
        StatusCode::NOT_FOUND
    );

    // The block to paste: each accepted quotation once (the copy's is the original's).
    let (status, _, html) = send(&router, get("/accepted?q=since%3Aall")).await;
    assert_eq!(status, StatusCode::OK);
    let doc = scraper::Html::parse_document(&html);
    let block: String = doc
        .select(&scraper::Selector::parse("textarea#block").unwrap())
        .map(|e| e.text().collect())
        .next()
        .expect("the block");
    assert_eq!(block.matches("According to ").count(), 2, "{block}");
    assert!(block.contains("According to [Reuters]("), "{block}");
    let (_, _, text) = send(&router, get("/accepted?q=since%3Aall&format=text")).await;
    assert!(
        text.contains("According to Reuters"),
        "plain text citations"
    );

    // The downloads.
    let (status, headers, csv) = send(&router, get("/accepted.csv?q=since%3Aall")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("accepted.csv"));
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let heads = reader.headers().unwrap().clone();
    assert_eq!(&heads[0], "id");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 2);
    assert!(rows
        .iter()
        .any(|r| &r[0] == id.as_str() && &r[3] == "reuters"));
    let (_, _, jsonl) = send(&router, get("/accepted.jsonl?q=since%3Aall")).await;
    let lines: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().any(|l| l["outlet"] == "hostile"), "outlet ids");
    d.db.release();
}

fn multipart(fields: &[(&str, Option<&str>, &str)]) -> (String, String) {
    let boundary = "qwdeskboundary7f3a";
    let mut body = String::new();
    for (name, filename, value) in fields {
        body += &format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"");
        if let Some(f) = filename {
            body += &format!("; filename=\"{f}\"\r\nContent-Type: text/markdown");
        }
        body += &format!("\r\n\r\n{value}\r\n");
    }
    body += &format!("--{boundary}--\r\n");
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_editors_check_and_the_feeds_page() {
    let f = desk_home();
    let posts = f.home.dir.path().join("posts");
    std::fs::create_dir_all(&posts).unwrap();
    std::fs::copy(support::fixture("posts/sample.md"), posts.join("sample.md")).unwrap();
    std::fs::write(posts.join(".hidden.md"), "x").unwrap();
    let d = desk_for(&f.home, None);
    let router = desk::router(d.clone());
    let _tidy = desk::keep_tidy(d.clone());
    let csrf = d.csrf.clone();

    // The folder's posts, and nothing outside it.
    let (status, _, html) = send(&router, get("/check")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("sample.md") && !html.contains(".hidden.md"),
        "{html}"
    );
    for bad in ["../feeds.toml", "%2Fetc%2Fpasswd", ".hidden.md"] {
        let (status, _, _) = send(&router, get(&format!("/check?file={bad}"))).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{bad}");
    }

    // The sample post's check: its problems, the two sides with differences, the sources.
    let (status, _, html) = send(&router, get("/check?file=sample.md&date=2020-01-03")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let doc = scraper::Html::parse_document(&html);
    let main = doc
        .select(&scraper::Selector::parse("main.check").unwrap())
        .next()
        .expect("the check");
    let problems: usize = main.value().attr("data-problems").unwrap().parse().unwrap();
    assert!(problems > 5, "the sample has its problems: {problems}");
    let sections = |sel: &str| doc.select(&scraper::Selector::parse(sel).unwrap()).count();
    assert!(sections("section.passage.problem") >= 5);
    assert!(sections("section.passage.fine") >= 5);
    assert!(sections("section.passage ins, section.passage del, section.passage mark.changed") > 0);
    assert!(html.contains("dangling"), "the dangling according-to lines");
    assert!(
        html.contains("href=\"/story/"),
        "links to the stored sources"
    );

    // Record it, as verify --record: the redirect says how many passages.
    let rec = post(&format!("/check/record?csrf={csrf}"))
        .body(Body::from("file=sample.md&date=2020-01-03"))
        .unwrap();
    let (status, headers, _) = send(&router, rec).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let to = headers[header::LOCATION].to_str().unwrap().to_string();
    let n: usize = to.rsplit("recorded=").next().unwrap().parse().unwrap();
    assert!(n > 5, "{to}");

    // A pasted post, its markup shown as text.
    let (ct, body) = multipart(&[
        (
            "text",
            None,
            "# Digest\n\n## Friday, January 3\n\nAccording to Reuters:\n\n> <script>alert(1)</script> We had no choice but to cut the power, an engineer said.\n",
        ),
        ("format", None, "markdown"),
        ("date", None, "2020-01-03"),
    ]);
    let paste = Request::post(format!("/check?csrf={csrf}"))
        .header(header::HOST, ADDR)
        .header(header::CONTENT_TYPE, ct)
        .body(Body::from(body))
        .unwrap();
    let (status, _, html) = send(&router, paste).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("the pasted post"));
    assert!(
        !html.contains("<script>alert(1)"),
        "the post's markup is escaped"
    );
    // An upload, by file.
    let sample = std::fs::read_to_string(posts.join("sample.md")).unwrap();
    let (ct, body) = multipart(&[
        ("post", Some("sample.md"), &sample),
        ("date", None, "2020-01-03"),
    ]);
    let upload = Request::post(format!("/check?csrf={csrf}"))
        .header(header::HOST, ADDR)
        .header(header::CONTENT_TYPE, ct)
        .body(Body::from(body))
        .unwrap();
    let (status, _, html) = send(&router, upload).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!("data-problems=\"{problems}\"")),
        "the same findings uploaded"
    );

    // The feeds page, and a fetch started from it.
    let (status, _, html) = send(&router, get("/feeds")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<code>reuters</code>") && html.contains("ok (HTTP 200)"),
        "{html}"
    );
    let start = post(&format!("/feeds/fetch?csrf={csrf}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&router, start).await.0, StatusCode::SEE_OTHER);
    let mut said = String::new();
    for _ in 0..300 {
        let (_, _, html) = send(&router, get("/feeds")).await;
        if html.contains("Fetch done") || html.contains("fetch failed") {
            said = html;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        said.contains("Fetch done"),
        "the pass ran beside the desk: {said}"
    );
    d.db.release();
}
