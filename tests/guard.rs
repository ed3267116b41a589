//! The address guard end to end: a feed on the test server (127.0.0.1) links to pages at every
//! IPv6 form that carries 127.0.0.2, and more feeds redirect to such forms. A listener on
//! 127.0.0.2 counts what reaches it; `quotewire fetch` must refuse every one of those addresses,
//! say so in the stored story or feed state, and still store the feed's good stories.

mod support;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc;

use serde_json::Value;
use support::{outlet_with_pages, Home, Server};

/// IPv6 literals that each carry 127.0.0.2 (7f00:2), by form.
const FORMS: &[(&str, &str)] = &[
    ("mapped", "[::ffff:7f00:2]"),
    ("compatible", "[::7f00:2]"),
    ("translated", "[::ffff:0:7f00:2]"),
    ("nat64", "[64:ff9b::7f00:2]"),
    ("nat64-local", "[64:ff9b:1::7f00:2]"),
    ("6to4", "[2002:7f00:2::]"),
    // Teredo: server 127.0.0.2 in bits 32..64, client 127.0.0.2 inverted in the last 32.
    ("teredo", "[2001:0:7f00:2::80ff:fffd]"),
];

/// A listener on 127.0.0.2 that reports the peer of every connection it accepts, in order.
fn listener() -> (SocketAddr, mpsc::Receiver<SocketAddr>) {
    let listener = TcpListener::bind("127.0.0.2:0").expect("bind 127.0.0.2");
    let addr = listener.local_addr().expect("listener address");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let peer = stream.and_then(|s| s.peer_addr());
            if let Ok(peer) = peer {
                if tx.send(peer).is_err() {
                    break;
                }
            }
        }
    });
    (addr, rx)
}

/// Connections that reached the listener before a last one of our own: the accept queue is
/// first come, first served, so every earlier connection is reported before ours.
fn connections_before_ours(addr: SocketAddr, rx: &mpsc::Receiver<SocketAddr>) -> Vec<SocketAddr> {
    let ours = TcpStream::connect(addr).expect("connect to the listener");
    let ours = ours.local_addr().expect("our address");
    let mut others = Vec::new();
    for peer in rx.iter() {
        if peer == ours {
            return others;
        }
        others.push(peer);
    }
    panic!("the listener stopped before our connection arrived");
}

fn item(title: &str, link: &str, n: usize) -> String {
    format!(
        "<item><title>{title}</title><link>{link}</link><guid isPermaLink=\"false\">guard-{n}</guid>\
         <pubDate>Thu, 02 Jan 2020 1{n}:00:00 GMT</pubDate>\
         <description>A teaser for the item called {title}.</description></item>\n"
    )
}

fn by_title<'a>(stories: &'a [Value], title: &str) -> &'a Value {
    stories
        .iter()
        .find(|s| s["title"] == title)
        .unwrap_or_else(|| panic!("no story titled {title:?} in {stories:#?}"))
}

/// `s`, percent-encoded for a query value.
fn query_value(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn ipv6_forms_of_a_private_address_are_refused_in_links_and_redirects() {
    let (target, rx) = listener();
    let port = target.port();
    let srv = Server::start();

    let mut items = String::new();
    for (n, (form, host)) in FORMS.iter().enumerate() {
        let link = format!("http://{host}:{port}/page-{form}");
        items += &item(&format!("A page at the {form} form"), &link, n);
    }
    items += &item(
        "A page on the feed's own server",
        &srv.url("/a/a01-reuters-jsonld.html"),
        8,
    );
    items += &item(
        "Another page on the feed's own server",
        &srv.url("/a/a04-reuters-oilfield.html"),
        9,
    );
    let feed = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Guard test desk</title><link>{}</link><description>Written for quotewire's tests</description>\n\
         {items}</channel></rss>\n",
        srv.url("/")
    );
    srv.put("guard.xml", "application/rss+xml", feed);

    let mut feeds = vec![srv.url("/made/guard.xml")];
    for (form, host) in FORMS {
        let to = format!("http://{host}:{port}/feed-{form}.xml");
        feeds.push(srv.url(&format!("/redirect?to={}", query_value(&to))));
    }
    let home = Home::new();
    home.write_config(&outlet_with_pages("guarded", &["guard.example"], &feeds));

    let (code, report) = home.fetch_all();
    assert_eq!(code, 1, "the redirected feeds fail: {report}");
    assert_eq!(report["feeds_failed"], FORMS.len(), "{report}");
    assert_eq!(report["stories_new"], FORMS.len() + 2, "{report}");

    // (1) Nothing reached 127.0.0.2.
    let reached = connections_before_ours(target, &rx);
    assert!(
        reached.is_empty(),
        "connections reached 127.0.0.2: {reached:?}"
    );

    // (2) Every page at a form was refused, and so was every redirect to one.
    let stories = home.stories(&[]);
    for (form, _) in FORMS {
        let story = by_title(&stories, &format!("A page at the {form} form"));
        assert_eq!(story["text_source"], "feed", "{story}");
        let note = story["text_note"].as_str().unwrap_or_default();
        assert!(note.contains("refused http://"), "{form}: {note}");
        assert!(
            note.contains("feeds.toml does not name it"),
            "{form}: {note}"
        );
        let url = story["url"].as_str().unwrap_or_default().to_string();
        let id = story["id"].as_str().unwrap_or_default();
        let shown = support::json_lines(&home.run(&["stories", "show", id, "--json"]));
        let error = shown[0]["article"]["error"].as_str().unwrap_or_default();
        assert!(error.starts_with("refused "), "{form} ({url}): {error}");
        assert!(
            error.contains(&format!(":{port}/page-{form}")),
            "{form}: the refused URL is named: {error}"
        );
    }
    let states = home.feeds();
    for (form, _) in FORMS {
        let state = states
            .iter()
            .find(|f| {
                let url = f["url"].as_str().unwrap_or_default();
                url.contains(&format!("feed-{form}.xml"))
            })
            .unwrap_or_else(|| panic!("no feed state for the {form} redirect: {states:#?}"));
        let last = state["last_result"].as_str().unwrap_or_default();
        assert!(last.contains("refused http://"), "{form}: {last}");
        assert!(
            last.contains(&format!("/feed-{form}.xml")),
            "{form}: {last}"
        );
    }

    // (3) The good stories were stored, with their pages' text.
    assert_eq!(stories.len(), FORMS.len() + 2);
    for title in [
        "A page on the feed's own server",
        "Another page on the feed's own server",
    ] {
        let story = by_title(&stories, title);
        assert_eq!(story["text_source"], "article", "{story}");
    }
}
