//! Editing feeds.toml in place: adding, removing, enabling and disabling feeds, adding
//! outlets, and importing an OPML list (`quotewire feeds add|remove|enable|disable|import`).
//!
//! The file is edited through toml_edit, so every comment and every byte of layout outside the
//! edited item stays as the user wrote it; a feed removed takes its own line (and the comment at
//! the end of it) with it; a feed added copies the indentation of the one before it. Every edit is
//! checked by `Config::parse` before it is kept, and `save` writes the file atomically (a
//! temporary file beside it, renamed over it), so a broken feeds.toml is never left behind.
//! This module knows nothing of the network: whether a URL really is a feed is for the caller
//! to find out first.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value};
use url::{Host, Url};

use crate::config::{Config, ConfigError};
use crate::opml::Opml;

/// Why an edit could not be made.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{}: {message}\n  fix: {fix}", path.display())]
    Unsupported {
        path: PathBuf,
        message: String,
        fix: String,
    },
    #[error("{}: the edit would leave an invalid feeds.toml, so nothing was changed: {source}", path.display())]
    WouldBreak { path: PathBuf, source: ConfigError },
    #[error("{}: cannot write: {source}\n  fix: check the folder's permissions and free space; the file is unchanged", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A feed to add.
#[derive(Debug, Clone)]
pub struct NewFeed {
    pub url: Url,
    pub enabled: bool,
    /// A fixed interval as feeds.toml writes it ("1h").
    pub interval: Option<String>,
}

impl NewFeed {
    pub fn new(url: Url) -> NewFeed {
        NewFeed {
            url,
            enabled: true,
            interval: None,
        }
    }
}

/// An outlet to add.
#[derive(Debug, Clone)]
pub struct NewOutlet {
    pub id: String,
    pub name: String,
    pub domains: Vec<String>,
    /// A comment line written above its `[[outlet]]` (without the `#`).
    pub comment: Option<String>,
}

/// feeds.toml opened for editing.
pub struct FeedsFile {
    path: PathBuf,
    original: String,
    doc: DocumentMut,
    config: Config,
}

impl FeedsFile {
    /// Opens a feeds.toml for editing; a file that does not exist yet is an empty one, written
    /// by `save`.
    pub fn open(path: &Path) -> Result<FeedsFile, EditError> {
        let original = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                }
                .into())
            }
        };
        let config = Config::parse(path, &original)?;
        let doc: DocumentMut =
            original
                .parse()
                .map_err(|e: toml_edit::TomlError| EditError::Unsupported {
                    path: path.to_path_buf(),
                    message: format!("toml_edit cannot read it: {e}"),
                    fix: "check the TOML syntax".into(),
                })?;
        Ok(FeedsFile {
            path: path.to_path_buf(),
            original,
            doc,
            config,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The configuration as edited so far.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The text as edited so far.
    pub fn text(&self) -> String {
        self.doc.to_string()
    }

    /// Whether anything was edited.
    pub fn changed(&self) -> bool {
        self.text() != self.original
    }

    /// Writes the edited file atomically, if anything changed.
    pub fn save(&self) -> Result<(), EditError> {
        let text = self.text();
        if text == self.original {
            return Ok(());
        }
        Config::parse(&self.path, &text).map_err(|source| EditError::WouldBreak {
            path: self.path.clone(),
            source,
        })?;
        let write_err = |source| EditError::Write {
            path: self.path.clone(),
            source,
        };
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(write_err)?;
        std::io::Write::write_all(&mut tmp, text.as_bytes()).map_err(write_err)?;
        tmp.as_file().sync_all().map_err(write_err)?;
        if let Ok(meta) = std::fs::metadata(&self.path) {
            std::fs::set_permissions(tmp.path(), meta.permissions()).map_err(write_err)?;
        }
        tmp.persist(&self.path).map_err(|e| write_err(e.error))?;
        Ok(())
    }

    /// Makes an edit on the document, keeping it only if the result is a valid feeds.toml.
    fn edit<T>(
        &mut self,
        f: impl FnOnce(&mut DocumentMut, &Path) -> Result<T, EditError>,
    ) -> Result<T, EditError> {
        let before = self.doc.clone();
        let result = f(&mut self.doc, &self.path).and_then(|t| {
            Config::parse(&self.path, &self.doc.to_string())
                .map(|c| (t, c))
                .map_err(|source| EditError::WouldBreak {
                    path: self.path.clone(),
                    source,
                })
        });
        match result {
            Ok((t, config)) => {
                self.config = config;
                Ok(t)
            }
            Err(e) => {
                self.doc = before;
                Err(e)
            }
        }
    }

    /// Adds a feed to an existing outlet.
    pub fn add_feed(&mut self, outlet: &str, feed: &NewFeed) -> Result<(), EditError> {
        self.edit(|doc, path| {
            let table = outlet_table(doc, path, outlet)?;
            if table.get("feeds").is_none() {
                table.insert("feeds", Item::Value(Value::Array(Array::new())));
            }
            let feeds = feeds_array(table, path, outlet)?;
            push_item(feeds, feed_value(feed));
            Ok(())
        })
    }

    /// Adds an outlet (with no feeds yet) after the last one.
    pub fn add_outlet(&mut self, outlet: &NewOutlet) -> Result<(), EditError> {
        self.edit(|doc, path| {
            let outlets = match doc.entry("outlet").or_insert(Item::ArrayOfTables(ArrayOfTables::new())) {
                Item::ArrayOfTables(a) => a,
                _ => {
                    return Err(EditError::Unsupported {
                        path: path.to_path_buf(),
                        message: "`outlet` is not written as [[outlet]] tables".into(),
                        fix: "write each outlet as an [[outlet]] table (see README.md, \"feeds.toml reference\"), or add it by hand".into(),
                    })
                }
            };
            let mut t = Table::new();
            let mut prefix = String::from(if outlets.is_empty() { "" } else { "\n" });
            if let Some(c) = &outlet.comment {
                for line in c.lines() {
                    prefix.push_str(&format!("# {line}\n"));
                }
            }
            t.decor_mut().set_prefix(prefix);
            t.insert("id", toml_edit::value(outlet.id.as_str()));
            t.insert("name", toml_edit::value(outlet.name.as_str()));
            let mut domains = Array::new();
            for d in &outlet.domains {
                domains.push(d.as_str());
            }
            t.insert("domains", toml_edit::value(domains));
            t.insert("feeds", toml_edit::value(Array::new()));
            outlets.push(t);
            Ok(())
        })
    }

    /// Removes a configured feed; returns the outlet it was in.
    pub fn remove_feed(&mut self, url: &Url) -> Result<String, EditError> {
        self.edit(|doc, path| {
            let (outlet, feeds, i) = find_feed(doc, path, url)?;
            remove_item(feeds, i);
            Ok(outlet)
        })
    }

    /// Enables or disables a configured feed; returns whether anything changed.
    pub fn set_enabled(&mut self, url: &Url, enabled: bool) -> Result<bool, EditError> {
        let now = self
            .config
            .feed(url.as_str())
            .map(|f| f.enabled)
            .unwrap_or(enabled);
        if now == enabled {
            return Ok(false);
        }
        self.edit(|doc, path| {
            let (_, feeds, i) = find_feed(doc, path, url)?;
            let Some(old) = feeds.get(i).cloned() else {
                return Ok(false);
            };
            let decor = old.decor().clone();
            let mut table = match old {
                Value::InlineTable(t) => t,
                Value::String(s) => {
                    let mut t = InlineTable::new();
                    t.insert("url", Value::from(s.value().as_str()));
                    t
                }
                _ => return Ok(false),
            };
            let new = if enabled {
                table.remove("enabled");
                let only_url = table.len() == 1;
                match table.get("url").and_then(Value::as_str) {
                    Some(u) if only_url => Value::from(u),
                    _ => Value::InlineTable(table),
                }
            } else {
                table.insert("enabled", Value::from(false));
                Value::InlineTable(table)
            };
            let mut new = new;
            *new.decor_mut() = decor;
            feeds.replace_formatted(i, new);
            Ok(true)
        })
    }
}

/// The `[[outlet]]` table with this id.
fn outlet_table<'d>(
    doc: &'d mut DocumentMut,
    path: &Path,
    id: &str,
) -> Result<&'d mut Table, EditError> {
    let unsupported = || EditError::Unsupported {
        path: path.to_path_buf(),
        message: format!("cannot find outlet {id:?} as an [[outlet]] table"),
        fix: "edit the file by hand, or write the outlet as an [[outlet]] table".into(),
    };
    let Some(Item::ArrayOfTables(outlets)) = doc.get_mut("outlet") else {
        return Err(unsupported());
    };
    outlets
        .iter_mut()
        .find(|t| t.get("id").and_then(Item::as_str) == Some(id))
        .ok_or_else(unsupported)
}

/// An outlet's `feeds = [...]`.
fn feeds_array<'t>(
    table: &'t mut Table,
    path: &Path,
    id: &str,
) -> Result<&'t mut Array, EditError> {
    table
        .get_mut("feeds")
        .and_then(Item::as_array_mut)
        .ok_or_else(|| EditError::Unsupported {
            path: path.to_path_buf(),
            message: format!("outlet {id:?} does not write its feeds as feeds = [ ... ]"),
            fix: "edit the file by hand, or write the outlet's feeds as a list: feeds = [\"https://...\"]".into(),
        })
}

/// The outlet id, its feeds array and the index of the feed with this URL.
fn find_feed<'d>(
    doc: &'d mut DocumentMut,
    path: &Path,
    url: &Url,
) -> Result<(String, &'d mut Array, usize), EditError> {
    let missing = || EditError::Unsupported {
        path: path.to_path_buf(),
        message: format!("cannot find {url} in a feeds = [ ... ] list"),
        fix: "edit the file by hand".into(),
    };
    let Some(Item::ArrayOfTables(outlets)) = doc.get_mut("outlet") else {
        return Err(missing());
    };
    for t in outlets.iter_mut() {
        let id = t.get("id").and_then(Item::as_str).unwrap_or("").to_string();
        let Some(feeds) = t.get_mut("feeds").and_then(Item::as_array_mut) else {
            continue;
        };
        let found = feeds.iter().position(|v| {
            let u = match v {
                Value::String(s) => Some(s.value().as_str()),
                Value::InlineTable(t) => t.get("url").and_then(Value::as_str),
                _ => None,
            };
            u.and_then(|u| Url::parse(u.trim()).ok()).as_ref() == Some(url)
        });
        if let Some(i) = found {
            return Ok((id, feeds, i));
        }
    }
    Err(missing())
}

fn feed_value(feed: &NewFeed) -> Value {
    if feed.enabled && feed.interval.is_none() {
        return Value::from(feed.url.as_str());
    }
    let mut t = InlineTable::new();
    t.insert("url", Value::from(feed.url.as_str()));
    if let Some(i) = &feed.interval {
        t.insert("interval", Value::from(i.as_str()));
    }
    if !feed.enabled {
        t.insert("enabled", Value::from(false));
    }
    Value::InlineTable(t)
}

fn decor_prefix(v: &Value) -> String {
    v.decor()
        .prefix()
        .and_then(|p| p.as_str())
        .unwrap_or("")
        .to_string()
}

/// Splits at the first newline: (up to and including it, the rest); ("", all) without one.
fn split_line(s: &str) -> (&str, &str) {
    match s.find('\n') {
        Some(i) => s.split_at(i + 1),
        None => ("", s),
    }
}

/// Appends a value laid out like the one before it: on its own line with the same indentation
/// in a list written one item a line, after a space in a list written on one line, and an empty
/// list becomes one item a line (as the shipped feeds.toml writes them).
fn push_item(arr: &mut Array, mut v: Value) {
    let Some(last) = arr.iter().last() else {
        v.decor_mut().set_prefix("\n  ");
        v.decor_mut().set_suffix("");
        arr.push_formatted(v);
        arr.set_trailing_comma(true);
        arr.set_trailing("\n");
        return;
    };
    let prefix = decor_prefix(last);
    match prefix.rfind('\n') {
        Some(i) => {
            // The comment at the end of the last item's line stays on that line.
            let trailing = arr.trailing().as_str().unwrap_or("").to_string();
            let (head, rest) = match trailing.find('\n') {
                Some(j) => (trailing[..j].to_string(), trailing[j..].to_string()),
                None => (String::new(), trailing.clone()),
            };
            v.decor_mut().set_prefix(format!("{head}{}", &prefix[i..]));
            v.decor_mut().set_suffix("");
            arr.push_formatted(v);
            arr.set_trailing(rest);
        }
        None => {
            v.decor_mut().set_prefix(" ");
            v.decor_mut().set_suffix("");
            arr.push_formatted(v);
        }
    }
}

/// Removes a value with its own line: its leading comment lines and indentation, and the
/// comment at the end of its line; the rest of the line before it stays.
fn remove_item(arr: &mut Array, i: usize) {
    let Some(removed) = arr.get(i) else {
        return;
    };
    let mine = decor_prefix(removed);
    let (mine_head, _) = split_line(&mine);
    let mine_has_nl = mine.contains('\n');
    let joined = |next: &str| -> String {
        let next_has_nl = next.contains('\n');
        match (mine_has_nl, next_has_nl) {
            (true, true) => format!("{mine_head}{}", split_line(next).1),
            (false, true) => next[next.find('\n').unwrap_or(0)..].to_string(),
            _ => mine.clone(),
        }
    };
    if let Some(next) = arr.get(i + 1) {
        let new = joined(&decor_prefix(next));
        if let Some(next) = arr.get_mut(i + 1) {
            next.decor_mut().set_prefix(new);
        }
        arr.remove(i);
    } else {
        let trailing = arr.trailing().as_str().unwrap_or("").to_string();
        let new = if mine_has_nl && trailing.contains('\n') {
            joined(&trailing)
        } else {
            trailing
        };
        arr.remove(i);
        arr.set_trailing(new);
    }
    if arr.is_empty() {
        arr.set_trailing("");
        arr.set_trailing_comma(false);
    }
}

/// An outlet id from a name (or, failing that, a host) that no outlet of `config` uses:
/// lower-case ASCII letters and digits, other runs as '-', at most 40 characters, "-2", "-3"
/// appended when taken.
pub fn outlet_id(config: &Config, name: &str, host: &str) -> String {
    fn slug(s: &str) -> String {
        use unicode_normalization::UnicodeNormalization;
        let mut out = String::new();
        // "Éditions" is "editions": letters lose their accents, other characters become '-'.
        for c in s
            .nfd()
            .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.ends_with('-') {
                out.push('-');
            }
        }
        let mut out = out.trim_matches('-').to_string();
        if out.len() > 40 {
            let cut = out[..40].rfind('-').unwrap_or(40);
            out.truncate(cut);
        }
        out.trim_matches('-').to_string()
    }
    let mut base = slug(name);
    if base.is_empty() {
        base = slug(host.trim_start_matches("www."));
    }
    if base.is_empty() {
        base = "outlet".into();
    }
    if config.outlet(&base).is_none() {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| config.outlet(id).is_none())
        .unwrap_or(base)
}

/// The domain an outlet gets for a host: without a leading `www.`; none for an IPv6 literal
/// (feeds.toml's domains are names or IPv4 addresses).
pub fn domain_of(url: &Url) -> Option<String> {
    match url.host()? {
        Host::Ipv6(_) => None,
        Host::Ipv4(ip) => Some(ip.to_string()),
        Host::Domain(d) => Some(d.trim_start_matches("www.").to_ascii_lowercase()),
    }
}

/// Why a URL may not go into feeds.toml as a feed, if it may not.
pub fn refuse_url(raw: &str, allow_private: bool) -> Result<Url, String> {
    let url = Url::parse(raw.trim()).map_err(|e| format!("{raw:?} is not a valid URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "{url} is not http or https (quotewire fetches those only)"
        ));
    }
    let private = match url.host() {
        None => return Err(format!("{url} has no host")),
        Some(Host::Ipv4(ip)) => !crate::fetcher::guard::is_public(IpAddr::V4(ip)),
        Some(Host::Ipv6(ip)) => !crate::fetcher::guard::is_public(IpAddr::V6(ip)),
        Some(Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
    };
    if private && !allow_private {
        return Err(format!(
            "{url} is a private or loopback address: once in feeds.toml quotewire trusts it, so a list from elsewhere may not add one (pass --allow-private if you trust this list)"
        ));
    }
    Ok(url)
}

/// What import did with one outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Added {
        outlet: String,
        new_outlet: bool,
    },
    Skipped {
        reason: String,
        outlet: Option<String>,
    },
    Refused {
        reason: String,
    },
}

/// One outline of an import.
#[derive(Debug, Clone)]
pub struct ImportLine {
    pub line: usize,
    /// The xmlUrl as written, or the outline's name when it had none.
    pub url: String,
    pub name: Option<String>,
    pub outcome: Outcome,
}

/// Adds an OPML list's feeds to the file (in memory; `save` writes it). A feed already
/// configured is skipped; a feed goes to the outlet its quotewire export names, else to the
/// outlet whose domains cover its site's host (htmlUrl) or its own host, else to a new outlet
/// named after the outline, with the site's host as its domain and the folders above it in a
/// comment. Returns one line per outline, in file order.
pub fn import(file: &mut FeedsFile, opml: &Opml, allow_private: bool) -> Vec<ImportLine> {
    let mut lines: Vec<ImportLine> = opml
        .refused
        .iter()
        .map(|r| ImportLine {
            line: r.line,
            url: r.what.clone(),
            name: None,
            outcome: Outcome::Refused {
                reason: r.reason.clone(),
            },
        })
        .collect();
    let mut seen: Vec<(Url, usize)> = Vec::new();
    for f in &opml.feeds {
        let outcome = import_one(file, f, allow_private, &mut seen);
        lines.push(ImportLine {
            line: f.line,
            url: f.xml_url.clone(),
            name: f.name.clone(),
            outcome,
        });
    }
    lines.sort_by_key(|l| l.line);
    lines
}

fn import_one(
    file: &mut FeedsFile,
    f: &crate::opml::FeedOutline,
    allow_private: bool,
    seen: &mut Vec<(Url, usize)>,
) -> Outcome {
    let url = match refuse_url(&f.xml_url, allow_private) {
        Ok(u) => u,
        Err(reason) => return Outcome::Refused { reason },
    };
    if let Some(existing) = file.config().feed(url.as_str()) {
        let outlet = existing.outlet.clone();
        let reason = match seen.iter().find(|(u, _)| *u == url) {
            Some((_, line)) => format!("listed earlier in this file (line {line})"),
            None => format!("already in feeds.toml (outlet {outlet})"),
        };
        return Outcome::Skipped {
            reason,
            outlet: Some(outlet),
        };
    }
    let html = f
        .html_url
        .as_deref()
        .and_then(|h| Url::parse(h.trim()).ok())
        .filter(|h| matches!(h.scheme(), "http" | "https"));
    let by_host = |config: &Config, u: &Url| {
        u.host_str()
            .and_then(|h| config.outlet_for_host(h))
            .map(|o| o.id.clone())
    };
    let config = file.config();
    let existing = f
        .outlet
        .as_deref()
        .filter(|id| config.outlet(id).is_some())
        .map(str::to_string)
        .or_else(|| html.as_ref().and_then(|h| by_host(config, h)))
        .or_else(|| by_host(config, &url));
    let mut before = None;
    let (outlet, new_outlet) = match existing {
        Some(id) => (id, false),
        None => {
            before = Some((file.doc.clone(), file.config.clone()));
            let host = html
                .as_ref()
                .unwrap_or(&url)
                .host_str()
                .unwrap_or("")
                .to_string();
            let name = f.name.clone().unwrap_or_else(|| host.clone());
            let id = match f.outlet.as_deref() {
                Some(id)
                    if !id.is_empty()
                        && id.chars().all(|c| {
                            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'
                        }) =>
                {
                    id.to_string()
                }
                _ => outlet_id(config, &name, &host),
            };
            let domains = if f.domains.is_empty() {
                domain_of(html.as_ref().unwrap_or(&url))
                    .into_iter()
                    .collect()
            } else {
                f.domains.clone()
            };
            let comment =
                (!f.folders.is_empty()).then(|| format!("OPML folder: {}", f.folders.join(" / ")));
            let new = NewOutlet {
                id: id.clone(),
                name,
                domains,
                comment,
            };
            if let Err(e) = file.add_outlet(&new) {
                return Outcome::Refused {
                    reason: e.to_string(),
                };
            }
            (id, true)
        }
    };
    let feed = NewFeed {
        url: url.clone(),
        enabled: f.enabled.unwrap_or(true),
        interval: f.interval.clone(),
    };
    match file.add_feed(&outlet, &feed) {
        Ok(()) => {
            seen.push((url, f.line));
            Outcome::Added { outlet, new_outlet }
        }
        Err(e) => {
            // No outlet is left behind for a feed that was not added.
            if let Some((doc, config)) = before {
                file.doc = doc;
                file.config = config;
            }
            Outcome::Refused {
                reason: e.to_string(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"# head comment
[fetch]
timeout = "20s"   # keep

# about a
[[outlet]]
id = "a"
name = "A"
domains = ["a.example"]
feeds = [
  "https://a.example/one",   # first
  # before two
  "https://a.example/two",
  { url = "https://a.example/three", interval = "1h" },  # third
]

[[outlet]]
id = "b"
feeds = ["https://b.example/x", "https://b.example/y"]
# tail comment
"#;

    fn file(text: &str) -> (tempfile::TempDir, FeedsFile) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feeds.toml");
        std::fs::write(&path, text).unwrap();
        let f = FeedsFile::open(&path).unwrap();
        (dir, f)
    }

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn add_copies_layout_and_keeps_comments() {
        let (_d, mut f) = file(SAMPLE);
        f.add_feed("a", &NewFeed::new(url("https://a.example/four")))
            .unwrap();
        f.add_feed("b", &NewFeed::new(url("https://b.example/z")))
            .unwrap();
        let want = SAMPLE
            .replace(
                "  { url = \"https://a.example/three\", interval = \"1h\" },  # third\n",
                "  { url = \"https://a.example/three\", interval = \"1h\" },  # third\n  \"https://a.example/four\",\n",
            )
            .replace("\"https://b.example/y\"]", "\"https://b.example/y\", \"https://b.example/z\"]");
        assert_eq!(f.text(), want);
    }

    #[test]
    fn remove_takes_its_line_only() {
        let (_d, mut f) = file(SAMPLE);
        f.remove_feed(&url("https://a.example/one")).unwrap();
        assert_eq!(
            f.text(),
            SAMPLE.replace("  \"https://a.example/one\",   # first\n", "")
        );
        let (_d, mut f) = file(SAMPLE);
        f.remove_feed(&url("https://a.example/two")).unwrap();
        assert_eq!(
            f.text(),
            SAMPLE.replace("  # before two\n  \"https://a.example/two\",\n", "")
        );
        let (_d, mut f) = file(SAMPLE);
        f.remove_feed(&url("https://a.example/three")).unwrap();
        assert_eq!(
            f.text(),
            SAMPLE.replace(
                "  { url = \"https://a.example/three\", interval = \"1h\" },  # third\n",
                ""
            )
        );
        let (_d, mut f) = file(SAMPLE);
        f.remove_feed(&url("https://b.example/x")).unwrap();
        f.remove_feed(&url("https://b.example/y")).unwrap();
        assert_eq!(
            f.text(),
            SAMPLE.replace("[\"https://b.example/x\", \"https://b.example/y\"]", "[]")
        );
    }

    #[test]
    fn disable_and_enable_round_trip() {
        let (_d, mut f) = file(SAMPLE);
        assert!(f.set_enabled(&url("https://a.example/one"), false).unwrap());
        assert!(
            f.text()
                .contains("  { url = \"https://a.example/one\", enabled = false },   # first\n"),
            "{}",
            f.text()
        );
        assert!(!f.config().feed("https://a.example/one").unwrap().enabled);
        assert!(!f.set_enabled(&url("https://a.example/one"), false).unwrap());
        assert!(f.set_enabled(&url("https://a.example/one"), true).unwrap());
        assert_eq!(f.text(), SAMPLE);
        assert!(f
            .set_enabled(&url("https://a.example/three"), false)
            .unwrap());
        assert!(f
            .set_enabled(&url("https://a.example/three"), true)
            .unwrap());
        assert_eq!(f.text(), SAMPLE);
    }

    #[test]
    fn new_outlet_goes_after_the_last_and_before_the_tail() {
        let (_d, mut f) = file(SAMPLE);
        let id = outlet_id(f.config(), "A", "a.example");
        assert_eq!(id, "a-2");
        f.add_outlet(&NewOutlet {
            id: id.clone(),
            name: "A again".into(),
            domains: vec!["a2.example".into()],
            comment: Some("OPML folder: News".into()),
        })
        .unwrap();
        f.add_feed(&id, &NewFeed::new(url("https://a2.example/f")))
            .unwrap();
        let text = f.text();
        assert!(
            text.starts_with(SAMPLE.trim_end_matches("# tail comment\n")),
            "{text}"
        );
        assert!(text.ends_with("\n# OPML folder: News\n[[outlet]]\nid = \"a-2\"\nname = \"A again\"\ndomains = [\"a2.example\"]\nfeeds = [\n  \"https://a2.example/f\",\n]\n# tail comment\n"), "{text}");
        f.save().unwrap();
        assert_eq!(std::fs::read_to_string(f.path()).unwrap(), text);
    }

    #[test]
    fn an_edit_that_breaks_the_file_is_not_kept() {
        let (_d, mut f) = file(SAMPLE);
        let e = f
            .add_feed("a", &NewFeed::new(url("https://b.example/x")))
            .unwrap_err();
        assert!(e.to_string().contains("listed twice"), "{e}");
        assert_eq!(f.text(), SAMPLE);
        assert!(outlet_id(f.config(), "Ünïcode Wire!", "x.example") == "unicode-wire");
        assert_eq!(outlet_id(f.config(), "", "www.c.example"), "c-example");
        assert!(refuse_url("http://10.0.0.1/f", false).is_err());
        assert!(refuse_url("http://10.0.0.1/f", true).is_ok());
        assert!(refuse_url("ftp://x.example/f", true)
            .unwrap_err()
            .contains("not http"));
    }
}
