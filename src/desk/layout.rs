//! The frame of every desk page (head, navigation, the help panel) and the two static assets,
//! `desk.css` and `desk.js`, which are ours and compiled into the binary. Pages render with
//! maud, which escapes every value; nothing from a feed, a page or a post is ever written as
//! markup.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};

use super::guard::Nonce;

const SCRIPT: &str = include_str!("assets/desk.js");
const STYLE: &str = include_str!("assets/desk.css");

/// The keys, as the help panel (`?`) and the README list them.
pub const KEYS: &[(&str, &str)] = &[
    ("j / k", "next / previous quotation"),
    ("a / r", "accept / reject it, and go to the next"),
    ("u", "undo the last decision (again for the one before)"),
    (
        "x",
        "select it; shift-x selects the range from the last one selected",
    ),
    (
        "A / R",
        "accept / reject the selection, or with none every quotation up to here",
    ),
    ("c", "copy its citation (format chosen in the bar above)"),
    ("o", "open its story"),
    ("n / p", "on a post's check: the next / previous problem"),
    ("/", "search"),
    ("?", "this help"),
];

/// The pages in the navigation bar.
const PAGES: &[(&str, &str)] = &[
    ("/", "Review"),
    ("/accepted", "Accepted"),
    ("/check", "Check a post"),
    ("/feeds", "Feeds"),
];

/// A whole page: `title`, the navigation with `here` marked, and `body`.
pub fn page(nonce: &Nonce, title: &str, here: &str, body: Markup) -> Markup {
    let nonce = nonce.0.as_str();
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · quotewire desk" }
                link rel="stylesheet" href="/assets/desk.css" nonce=(nonce);
                script src="/assets/desk.js" defer nonce=(nonce) {}
            }
            body {
                nav.top {
                    span.brand { "quotewire desk" }
                    @for (href, name) in PAGES {
                        @if *name == here {
                            a.here href=(href) aria-current="page" { (name) }
                        } @else {
                            a href=(href) { (name) }
                        }
                    }
                    span.hint { "press ? for keys" }
                }
                (body)
                aside #help hidden {
                    h2 { "Keys" }
                    dl {
                        @for (k, what) in KEYS {
                            dt { kbd { (k) } }
                            dd { (what) }
                        }
                    }
                    p { "Every action has a button too; with scripts off the page still lists everything." }
                }
            }
        }
    }
}

/// `GET /assets/desk.js`.
pub async fn script() -> Response {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

/// `GET /assets/desk.css`.
pub async fn style() -> Response {
    asset("text/css; charset=utf-8", STYLE)
}

fn asset(kind: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        body,
    )
        .into_response()
}
