//! One suite of store operations, run against both backends: sled in a temporary folder and
//! PostgreSQL on a throw-away cluster (`support::pg`; skipped unless QUOTEWIRE_PG_TESTS is
//! set, required in CI). Whatever a command sees of the store, it must see alike on both:
//! listing order and filters, id prefixes, texts, feed states, page jobs, the passage index
//! and its cap, quotations and their ids, decisions and their log, posts and uses, the desk.

mod support;

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use quotewire::quotes::{Kind, Quote};
use quotewire::review::{Review, Status, StoredQuote, StoryQuotes};
use quotewire::search::segments::posting;
use quotewire::store::{
    ArticleJob, Db, PostLink, PostRecord, SavedSearch, Store, StoryIdError, StoryQuery,
};
use quotewire::story::{DateSource, Story, TextSource};
use support::pg::Cluster;

fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).unwrap()
}

fn story(id: &str, outlet: &str, published: i64) -> Story {
    Story {
        id: id.into(),
        key: format!("https://x.example/{id}"),
        url: Some(format!("https://x.example/{id}")),
        outlet: outlet.into(),
        outlets: vec![outlet.into()],
        title: Some(format!("Story {id}")),
        published: at(published),
        published_from: DateSource::Entry,
        updated: None,
        authors: vec![],
        categories: vec![],
        summary: Some("A summary.".into()),
        content: None,
        first_seen: at(published),
        last_seen: at(published),
        sources: vec![],
        article: None,
        text: Default::default(),
        copy_of: None,
        copies: vec![],
    }
}

fn ids(stories: &[Story]) -> Vec<&str> {
    stories.iter().map(|s| s.id.as_str()).collect()
}

fn quote(id: &str, text: &str) -> StoredQuote {
    StoredQuote {
        id: id.into(),
        quote: Quote {
            text: text.into(),
            start: 0,
            end: text.chars().count(),
            kind: Kind::Direct,
            speaker: Some("Ana Ortiz".into()),
            speaker_as_written: Some("Ortiz".into()),
            cue: Some("said".into()),
        },
    }
}

const A: &str = "aaaa000000000001";
const A2: &str = "aaaa000000000002";
const B: &str = "bbbb000000000001";
const C: &str = "cccc000000000001";

fn stories_and_texts(store: &Store) {
    let (a, b, c) = (story(A, "x", 100), story(B, "y", -50), story(C, "x", 300));
    store
        .put_stories(&[(None, a.clone()), (None, b.clone()), (None, c.clone())])
        .unwrap();
    let all = store.stories(&StoryQuery::default()).unwrap();
    assert_eq!(ids(&all), [C, A, B], "newest first, before 1970 last");
    assert_eq!(store.story_count().unwrap(), 3);
    assert_eq!(store.story_ids().unwrap(), [A, B, C], "ids in id order");

    // The story moves in time and to another outlet: listed once, at its new place.
    let mut a_moved = a.clone();
    a_moved.published = at(400);
    a_moved.outlet = "y".into();
    store
        .put_stories(&[(Some(a.clone()), a_moved.clone())])
        .unwrap();
    let all = store.stories(&StoryQuery::default()).unwrap();
    assert_eq!(ids(&all), [A, C, B]);
    assert_eq!(all[0].outlet, "y");
    let of = |outlet: &str| StoryQuery {
        outlet: Some(outlet.into()),
        ..Default::default()
    };
    assert_eq!(ids(&store.stories(&of("y")).unwrap()), [A, B]);
    assert_eq!(ids(&store.stories(&of("x")).unwrap()), [C]);
    assert!(store.stories(&of("z")).unwrap().is_empty());
    let since = StoryQuery {
        since: Some(at(300)),
        ..Default::default()
    };
    assert_eq!(
        ids(&store.stories(&since).unwrap()),
        [A, C],
        "since is inclusive"
    );
    let until = StoryQuery {
        until: Some(at(400)),
        ..Default::default()
    };
    assert_eq!(
        ids(&store.stories(&until).unwrap()),
        [C, B],
        "until is exclusive"
    );
    let window = StoryQuery {
        since: Some(at(-60)),
        until: Some(at(400)),
        outlet: Some("y".into()),
        ..Default::default()
    };
    assert_eq!(ids(&store.stories(&window).unwrap()), [B]);
    let between = StoryQuery {
        since: Some(at(300)),
        until: Some(at(301)),
        ..Default::default()
    };
    assert_eq!(ids(&store.stories(&between).unwrap()), [C]);
    let limited = StoryQuery {
        limit: Some(2),
        ..Default::default()
    };
    assert_eq!(store.stories(&limited).unwrap().len(), 2);
    let none = StoryQuery {
        limit: Some(0),
        ..Default::default()
    };
    assert!(store.stories(&none).unwrap().is_empty());

    // Ids by prefix: a unique one, an ambiguous one, an unknown one, one too short.
    store.put_stories(&[(None, story(A2, "x", 50))]).unwrap();
    assert_eq!(store.story_ids_with_prefix("aaaa", 5).unwrap(), [A, A2]);
    assert_eq!(store.story_ids_with_prefix("aaaa", 1).unwrap(), [A]);
    assert_eq!(store.find_story("BBBB00").unwrap().id, B);
    assert!(matches!(
        store.find_story("aaaa00"),
        Err(StoryIdError::Ambiguous(_))
    ));
    assert!(matches!(
        store.find_story("dddd00"),
        Err(StoryIdError::Unknown(_))
    ));
    assert!(matches!(
        store.find_story("aaa"),
        Err(StoryIdError::TooShort(_))
    ));

    // Texts: a page's text is kept apart; a story on its feed's text has none kept.
    let mut with_page = store.story(B).unwrap().unwrap();
    with_page.text.source = TextSource::Article;
    store
        .put_stories(&[(Some(b.clone()), with_page.clone())])
        .unwrap();
    store
        .put_text(B, Some("“It will hold,” Ortiz said."))
        .unwrap();
    assert_eq!(
        store.text(&with_page).unwrap().as_deref(),
        Some("“It will hold,” Ortiz said.")
    );
    store.put_text(B, Some("Replaced.")).unwrap();
    assert_eq!(store.page_text(B).unwrap().as_deref(), Some("Replaced."));
    store.put_text(B, None).unwrap();
    assert_eq!(store.page_text(B).unwrap(), None);
    assert!(store.story("ffff000000000000").unwrap().is_none());
}

fn feeds_and_jobs(store: &Store) {
    let url = "https://feeds.example/world.xml";
    assert!(store.feed_state(url).unwrap().is_none());
    assert!(store.revive_feed(url).unwrap().is_none());
    let state = quotewire::fetcher::FeedState {
        url: url.into(),
        outlet: "x".into(),
        gone: true,
        error_count: 3,
        etag: Some("\"v1\"".into()),
        ..Default::default()
    };
    store.put_feed_state(url, &state).unwrap();
    let before = store.revive_feed(url).unwrap().unwrap();
    assert!(before.gone);
    let after = store.feed_state(url).unwrap().unwrap();
    assert!(!after.gone);
    assert_eq!(after.error_count, 0);
    assert_eq!(after.etag.as_deref(), Some("\"v1\""), "validators stay");
    let listed = store.feed_states().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].0, url);

    let job = |story: &str, due: i64| ArticleJob {
        story: story.into(),
        url: format!("https://x.example/{story}"),
        outlet: "x".into(),
        due: at(due),
        failures: 0,
    };
    store.put_article_job(&job(C, 200)).unwrap();
    store.put_article_job(&job(A, 100)).unwrap();
    store.put_article_job(&job(B, 900)).unwrap();
    let due = store.due_article_jobs(at(500)).unwrap();
    assert_eq!(
        due.iter().map(|j| j.story.as_str()).collect::<Vec<_>>(),
        [A, C],
        "due ones, oldest first"
    );
    let mut again = job(A, 600);
    again.failures = 2;
    store.put_article_job(&again).unwrap();
    let kept = store.article_job(A).unwrap().unwrap();
    assert_eq!((kept.failures, kept.due), (2, at(600)));
    store.remove_article_job(A).unwrap();
    assert!(store.article_job(A).unwrap().is_none());
    assert_eq!(store.due_article_jobs(at(10_000)).unwrap().len(), 2);
}

fn passage_index(store: &Store) {
    assert!(!store.needs_reindex().unwrap());
    store.mark_unindexed(C).unwrap();
    store.mark_unindexed(A).unwrap();
    store.mark_unindexed(A).unwrap();
    assert_eq!(store.unindexed().unwrap(), [A, C]);
    store.indexed(&[A.to_string()]).unwrap();
    assert_eq!(store.unindexed().unwrap(), [C]);

    // Hash 7 is in three stories, hash 9 in one; a lookup is capped at its limit.
    let mut postings = Vec::new();
    for id in [A, B, C] {
        postings.push(posting(7, id).unwrap());
    }
    postings.push(posting(9, B).unwrap());
    postings.push(posting(u64::MAX, C).unwrap());
    store.add_postings(postings.clone()).unwrap();
    store.add_postings(postings[..1].to_vec()).unwrap();
    let index = store.passages().unwrap();
    let found = index.lookup_many(&[7, 9, 8, u64::MAX], 10).unwrap();
    let mut seven = found[0].clone().expect("under the cap");
    seven.sort();
    assert_eq!(seven, [A, B, C], "a posting added twice is kept once");
    assert_eq!(found[1].as_deref(), Some(&[B.to_string()][..]));
    assert_eq!(found[2].as_deref(), Some(&[][..]), "a hash nobody has");
    assert_eq!(
        found[3].as_deref(),
        Some(&[C.to_string()][..]),
        "the whole 64-bit range round-trips"
    );
    // Over the cap: None, so the caller knows the hash says little.
    assert_eq!(
        index.lookup_many(&[7, 9], 2).unwrap(),
        [None, Some(vec![B.to_string()])]
    );
    assert_eq!(
        index.lookup_many(&[7], 3).unwrap()[0]
            .as_ref()
            .map(Vec::len),
        Some(3)
    );
    assert!(index.lookup_many(&[], 3).unwrap().is_empty());
}

fn review(store: &Store) {
    let q1 = quote("1111aaaa00000001", "It will hold.");
    let q2 = quote("1111aaaa00000002", "We are ready.");
    let q3 = quote("2222bbbb00000001", "Not yet.");
    let first = StoryQuotes {
        version: 1,
        text_hash: 42,
        quotes: vec![q1.clone(), q2.clone()],
        limits: None,
    };
    assert!(store.story_quotes(A).unwrap().is_none());
    store.put_story_quotes(A, None, &first).unwrap();
    assert_eq!(store.story_quotes(A).unwrap().unwrap().quotes.len(), 2);
    assert_eq!(
        store.quote_ids_with_prefix("1111aaaa", 10).unwrap(),
        [
            (q1.id.clone(), A.to_string()),
            (q2.id.clone(), A.to_string())
        ]
    );
    // Extracted again: q2 is gone, q3 is new; q2's id entry goes with it.
    let second = StoryQuotes {
        quotes: vec![q1.clone(), q3.clone()],
        ..first.clone()
    };
    store.put_story_quotes(A, Some(&first), &second).unwrap();
    assert_eq!(
        store.quote_ids_with_prefix("1111", 10).unwrap(),
        [(q1.id.clone(), A.to_string())]
    );
    assert_eq!(store.quote_ids_with_prefix("2222", 10).unwrap().len(), 1);

    // Two decisions on one quotation: the later stands, both are logged; `Candidate` forgets.
    let decide = |status, secs| Review {
        status,
        story: A.into(),
        at: at(secs),
    };
    assert!(store.review(&q1.id).unwrap().is_none());
    store
        .put_review(&q1.id, &decide(Status::Accepted, 10))
        .unwrap();
    store
        .put_review(&q1.id, &decide(Status::Rejected, 11))
        .unwrap();
    assert_eq!(
        store.review(&q1.id).unwrap().unwrap().status,
        Status::Rejected
    );
    store
        .put_review(&q3.id, &decide(Status::Accepted, 12))
        .unwrap();
    assert_eq!(store.reviews().unwrap().len(), 2);
    store
        .put_review(&q3.id, &decide(Status::Candidate, 13))
        .unwrap();
    assert!(store.review(&q3.id).unwrap().is_none());
    assert_eq!(
        store
            .review_log(&q1.id)
            .unwrap()
            .iter()
            .map(|r| r.status)
            .collect::<Vec<_>>(),
        [Status::Accepted, Status::Rejected]
    );
    assert_eq!(store.review_log(&q3.id).unwrap().len(), 2);
    assert!(store.review_log(&q2.id).unwrap().is_empty());
    assert_eq!(
        store.reviews().unwrap(),
        [(q1.id.clone(), decide(Status::Rejected, 11))]
    );
}

fn posts_and_desk(store: &Store) {
    let link = |line, story: &str, quotes: &[&str], status: &str| PostLink {
        line,
        story: story.into(),
        quotes: quotes.iter().map(|q| q.to_string()).collect(),
        status: status.into(),
    };
    let post = PostRecord {
        path: "/posts/week-1.md".into(),
        title: Some("Week 1".into()),
        recorded: Some(at(1000)),
        links: vec![
            link(3, A, &["1111aaaa00000001"], "verbatim"),
            link(9, B, &[], "minor"),
        ],
    };
    store.record_post(&post).unwrap();
    let uses = store.story_uses(A).unwrap();
    assert_eq!(uses.len(), 1);
    assert_eq!(
        (uses[0].post.as_str(), uses[0].line),
        ("/posts/week-1.md", 3)
    );
    assert_eq!(store.quote_uses("1111aaaa00000001").unwrap().len(), 1);
    // Recorded again without the first passage: its uses go.
    let edited = PostRecord {
        links: vec![link(9, B, &[], "altered")],
        ..post.clone()
    };
    store.record_post(&edited).unwrap();
    assert!(store.story_uses(A).unwrap().is_empty());
    assert!(store.quote_uses("1111aaaa00000001").unwrap().is_empty());
    assert_eq!(store.story_uses(B).unwrap()[0].status, "altered");
    assert_eq!(store.posts().unwrap(), [edited]);

    assert!(store.reviewed_up_to().unwrap().is_none());
    store.set_reviewed_up_to(at(5000)).unwrap();
    assert_eq!(store.reviewed_up_to().unwrap(), Some(at(5000)));
    assert!(store.saved_searches().unwrap().is_empty());
    let saved = vec![
        SavedSearch {
            name: "Iraq".into(),
            query: "iraq outlet:x".into(),
        },
        SavedSearch {
            name: "All".into(),
            query: String::new(),
        },
    ];
    store.set_saved_searches(&saved).unwrap();
    assert_eq!(store.saved_searches().unwrap(), saved, "in the order shown");
}

fn suite(db: &Db) {
    let store = Store::open_db(db, "test", Duration::ZERO, &mut |_| {}).expect("open");
    stories_and_texts(&store);
    feeds_and_jobs(&store);
    passage_index(&store);
    review(&store);
    posts_and_desk(&store);
    store.close().unwrap();
    // What was written is there when the store is opened again.
    let store = Store::open_db(db, "test", Duration::ZERO, &mut |_| {}).expect("reopen");
    assert_eq!(store.story_count().unwrap(), 4);
    assert_eq!(store.posts().unwrap().len(), 1);
}

#[test]
fn every_operation_on_sled() {
    let dir = tempfile::tempdir().unwrap();
    suite(&Db::Dir(dir.path().join("db")));
}

#[test]
fn every_operation_on_postgresql() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    suite(&Db::Url(cluster.create_db("backends")));
}

/// A new database on `cluster`: the store on it, a runtime, and the workers' queue.
fn queue_of(
    cluster: &Cluster,
    name: &str,
) -> (
    Store,
    tokio::runtime::Runtime,
    quotewire::store::pg::PgStore,
) {
    let url = cluster.create_db(name);
    let store = Store::open_db(&Db::Url(url.clone()), "test", Duration::ZERO, &mut |_| {}).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let queue = rt
        .block_on(quotewire::store::pg::PgStore::connect(&url, 1))
        .unwrap();
    (store, rt, queue)
}

#[test]
fn the_workers_queue_follows_a_gone_and_a_revived_feed() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let (store, rt, queue) = queue_of(&cluster, "queue_state");
    let feed = "http://wire.example/feed.xml";
    let row = quotewire::store::pg::FeedRow {
        url: feed.into(),
        outlet: "wire".into(),
        host: "wire.example".into(),
        enabled: true,
    };
    rt.block_on(queue.sync_feeds(&[row])).unwrap();
    let claim = |worker: &str| {
        rt.block_on(queue.claim_due(
            worker,
            10,
            2,
            Duration::from_secs(60),
            &quotewire::store::pg::ClaimFilter::default(),
        ))
        .unwrap()
        .len()
    };
    // Fetched: the server said 410. The worker completes it; it is never claimed again.
    assert_eq!(claim("w1"), 1);
    let gone = quotewire::fetcher::FeedState {
        url: feed.into(),
        outlet: "wire".into(),
        gone: true,
        error_count: 1,
        ..Default::default()
    };
    store.put_feed_state(feed, &gone).unwrap();
    rt.block_on(queue.complete("w1", feed, Utc::now() - chrono::Duration::seconds(1)))
        .unwrap();
    assert_eq!(claim("w2"), 0, "a gone feed is not claimed, even when due");
    // `feeds revive`: due in the queue at once.
    store.revive_feed(feed).unwrap();
    assert_eq!(claim("w3"), 1, "revived, the feed is claimed again");
    // An interrupted pass gives its lease back unfetched: another worker takes the feed at
    // once, and a release by a worker that does not hold the lease changes nothing.
    let urls = [feed.to_string()];
    assert_eq!(rt.block_on(queue.release_many("w4", &urls)).unwrap(), 0);
    assert_eq!(claim("w5"), 0, "w3 still holds it");
    assert_eq!(rt.block_on(queue.release_many("w3", &urls)).unwrap(), 1);
    assert_eq!(claim("w5"), 1, "released, the feed is claimed again");
    let states = store.feed_states_of(&[feed.to_string(), "http://none.example/".into()]);
    let states = states.unwrap();
    assert!(states[0].as_ref().is_some_and(|s| !s.gone), "{states:?}");
    assert!(states[1].is_none(), "{states:?}");
    // A round's states at once: stored, and the queue follows them (gone: never claimed).
    rt.block_on(queue.release_many("w5", &urls)).unwrap();
    store
        .put_feed_states(&[(feed.to_string(), gone.clone())])
        .unwrap();
    assert!(store.feed_state(feed).unwrap().is_some_and(|s| s.gone));
    assert_eq!(claim("w6"), 0, "gone through put_feed_states: not claimed");
}

#[test]
fn page_jobs_go_to_one_claim_on_postgresql_within_the_hosts_limit() {
    let later = Utc::now() + chrono::Duration::hours(1);
    let job = |story: &str, due| ArticleJob {
        story: story.into(),
        url: format!("https://x.example/{story}"),
        outlet: "x".into(),
        due,
        failures: 1,
    };
    // One process: every due job, each time asked.
    let dir = tempfile::tempdir().unwrap();
    let sled = Store::open_db(
        &Db::Dir(dir.path().join("db")),
        "test",
        Duration::ZERO,
        &mut |_| {},
    )
    .unwrap();
    sled.put_article_job(&job(A, later)).unwrap();
    sled.put_article_job(&job(B, Utc::now())).unwrap();
    assert_eq!(sled.due_article_jobs(Utc::now()).unwrap().len(), 1);
    assert_eq!(sled.due_article_jobs(later).unwrap().len(), 2);
    drop(sled);

    let Some(cluster) = Cluster::start() else {
        return;
    };
    let (store, rt, queue) = queue_of(&cluster, "page_jobs");
    let lease = Duration::from_secs(60);
    let pages = |worker: &str, per_host: usize| -> Vec<String> {
        rt.block_on(queue.claim_pages(worker, 10, per_host, lease))
            .unwrap()
            .into_iter()
            .map(|j| j.story)
            .collect()
    };
    // Three jobs on one host, one of them for later (a retry).
    store.put_article_job(&job(A, later)).unwrap();
    store.put_article_job(&job(B, Utc::now())).unwrap();
    store.put_article_job(&job(C, Utc::now())).unwrap();
    let first = pages("w1", 1);
    assert_eq!(first.len(), 1, "one slot on the host: one page");
    assert!(pages("w2", 1).is_empty(), "the host's slot is taken");
    assert_eq!(pages("w2", 2).len(), 1, "two slots: the other due page");
    assert!(
        pages("w3", 3).is_empty(),
        "the retry is not due; nothing else is"
    );
    // Queued again while w1 holds it (its story changed): w1 keeps it.
    store.put_article_job(&job(&first[0], Utc::now())).unwrap();
    assert!(
        pages("w3", 3).is_empty(),
        "a held page is claimed by no one else"
    );
    // A feed on the same host counts against the same limit.
    let row = quotewire::store::pg::FeedRow {
        url: "https://x.example/feed.xml".into(),
        outlet: "x".into(),
        host: "x.example".into(),
        enabled: true,
    };
    rt.block_on(queue.sync_feeds(&[row])).unwrap();
    let feeds = |worker: &str, per_host: usize| {
        rt.block_on(queue.claim_due(
            worker,
            10,
            per_host,
            lease,
            &quotewire::store::pg::ClaimFilter::default(),
        ))
        .unwrap()
        .len()
    };
    assert_eq!(feeds("w4", 2), 0, "two pages run on the host: no feed");
    assert_eq!(feeds("w4", 3), 1, "a third slot: the feed");
    // w1's page failed: its next try is queued and its slot is free again.
    let mut retry = job(&first[0], later);
    retry.failures = 2;
    store.retry_article_job(&retry).unwrap();
    assert_eq!(
        store.article_job(&first[0]).unwrap().map(|j| j.failures),
        Some(2)
    );
    let released = rt.block_on(queue.release_pages("w1", None, None)).unwrap();
    assert_eq!(released, 0, "the retry ended w1's lease");
    // w2 ends its pass without fetching: its page is due again for anyone.
    assert_eq!(
        rt.block_on(queue.release_pages("w2", None, None)).unwrap(),
        1
    );
    assert_eq!(pages("w5", 3).len(), 1, "released, claimed again");
    // Given back for later (a page the pass fetched already): not claimable now.
    let held = rt.block_on(queue.claim_pages("w6", 10, 9, lease)).unwrap();
    assert!(held.is_empty(), "w5 holds the only due page");
    assert_eq!(
        rt.block_on(queue.release_pages("w5", None, Some(later)))
            .unwrap(),
        1
    );
    assert!(pages("w6", 9).is_empty(), "due again only later");
    store.close().unwrap();
}

#[test]
fn a_store_is_used_from_inside_a_runtime_as_from_a_thread() {
    // A fetch pass calls the store from its tasks: the PostgreSQL backend must not try to
    // block on a runtime there.
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let db = Db::Url(cluster.create_db("in_runtime"));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = Store::open_db(&db, "test", Duration::ZERO, &mut |_| {}).expect("open");
        store.put_stories(&[(None, story(A, "x", 1))]).unwrap();
        assert_eq!(store.story_count().unwrap(), 1);
        drop(store);
    });
}
