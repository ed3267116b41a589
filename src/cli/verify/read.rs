//! Where `verify` gets a post: a file, standard input (`-`) or an http(s) URL (fetched with
//! the fetcher's client and address rules, as `verify --fetch` fetches links), and how its bytes
//! become text: the format (`--format`, else the extension, Content-Type or a look at the
//! start) and the encoding (`post::decode`).
//!
//! Not for: parsing the post or checking it (`post`, `verify`), or printing.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use quotewire::config::Config;
use quotewire::fetcher::{AddressPolicy, HttpClient, HttpError, Validators};
use quotewire::post::decode::{self, DecodeError};
use quotewire::post::{Format, MAX_POST_BYTES};
use url::Url;

/// How to read a post, as `--format` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    #[value(alias = "md")]
    Markdown,
    #[value(alias = "htm")]
    Html,
    #[value(alias = "plain", alias = "txt")]
    Text,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Html => Format::Html,
            FormatArg::Text => Format::Plain,
        }
    }
}

/// One post named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    File(PathBuf),
    Stdin,
    Url(Url),
}

impl Input {
    /// `-` is standard input; `http://...` and `https://...` are URLs; anything else a path.
    pub fn from_arg(arg: &str) -> Result<Input> {
        if arg == "-" {
            return Ok(Input::Stdin);
        }
        let lower = arg.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            let url = Url::parse(arg).with_context(|| {
                format!("cannot read the address {arg:?}\n  fix: write it as https://host/path")
            })?;
            return Ok(Input::Url(url));
        }
        if let Some((scheme, _)) = arg.split_once("://") {
            if !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric()) {
                bail!(
                    "cannot read the post {arg}: only http and https addresses are fetched\n  fix: save the post to a file and give its path"
                );
            }
        }
        Ok(Input::File(PathBuf::from(arg)))
    }

    /// How the report names the post.
    pub fn name(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Stdin => "(standard input)".into(),
            Input::Url(u) => u.to_string(),
        }
    }

    /// What `--record` keeps the post under: its absolute path, or its URL.
    pub fn record_key(&self) -> Option<String> {
        match self {
            Input::File(p) => Some(
                std::fs::canonicalize(p)
                    .unwrap_or_else(|_| p.clone())
                    .display()
                    .to_string(),
            ),
            Input::Stdin => None,
            Input::Url(u) => Some(u.to_string()),
        }
    }
}

/// A post read and decoded, ready for `post::parse`.
pub struct Text {
    pub text: String,
    pub format: Format,
    /// `UTF-8`, `windows-1252`, `UTF-16LE`, ...
    pub encoding: &'static str,
    /// Mostly UTF-8, some bytes not (read by detection).
    pub mixed: bool,
}

/// Fetches posts given by URL; the client is made on first use.
pub struct Fetcher<'c> {
    config: &'c Config,
    net: Option<(tokio::runtime::Runtime, HttpClient)>,
}

impl<'c> Fetcher<'c> {
    pub fn new(config: &'c Config) -> Fetcher<'c> {
        Fetcher { config, net: None }
    }

    /// GETs a post under the address rules of `verify --fetch`: loopback and private
    /// addresses only for hosts feeds.toml names. Returns the body and its Content-Type.
    fn get(&mut self, url: &Url) -> Result<(Vec<u8>, Option<String>)> {
        let (rt, client) = match &mut self.net {
            Some(net) => net,
            None => {
                let policy = AddressPolicy::new(self.config.feeds().map(|f| &f.url));
                let client = HttpClient::new(&self.config.fetch, policy)?;
                self.net.insert((super::super::runtime()?, client))
            }
        };
        match rt.block_on(client.get(url, &Validators::default())) {
            Ok(resp) => Ok((resp.body, resp.content_type)),
            Err(e @ HttpError::Refused(_)) => bail!(
                "cannot fetch the post: {e}\n  fix: a post is fetched only from public addresses (or hosts feeds.toml names); save it to a file and give its path"
            ),
            Err(e @ HttpError::TooLarge { .. }) => bail!(
                "cannot fetch the post: {e}\n  fix: save the post to a file and give its path"
            ),
            Err(e) => bail!(
                "cannot fetch the post: {e}\n  fix: check the address, or save the post to a file and give its path"
            ),
        }
    }
}

/// Reads and decodes one post. `format` is `--format`.
pub fn read(input: &Input, format: Option<FormatArg>, fetcher: &mut Fetcher) -> Result<Text> {
    let format = format.map(Format::from);
    let (bytes, content_type, format) = match input {
        Input::File(path) => {
            let bytes = read_file(path)?;
            (
                bytes,
                None,
                format.unwrap_or_else(|| Format::from_path(path)),
            )
        }
        Input::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .take(MAX_POST_BYTES as u64 + 1)
                .read_to_end(&mut bytes)
                .context("cannot read the post from standard input")?;
            if bytes.len() > MAX_POST_BYTES {
                bail!(
                    "standard input holds more than {MAX_POST_BYTES} bytes; posts that large are not read\n  fix: check that it is the post you meant"
                );
            }
            let format = format.unwrap_or_else(|| sniff(&bytes));
            (bytes, None, format)
        }
        Input::Url(url) => {
            let (bytes, content_type) = fetcher.get(url)?;
            let format = format.unwrap_or_else(|| served_as(url, content_type.as_deref()));
            (bytes, content_type, format)
        }
    };
    let decoded = decode::decode(&bytes, format, content_type.as_deref()).map_err(|e| {
        let fix = match e {
            DecodeError::TooLarge { .. } => "check that it is the post you meant",
            _ => "give verify the post's own text: Markdown (.md), HTML (.html) or plain text (.txt); export it from your editor as one of those",
        };
        anyhow::anyhow!("{e}\n  fix: {fix}")
    })?;
    Ok(Text {
        text: decoded.text,
        format,
        encoding: decoded.encoding,
        mixed: decoded.mixed,
    })
}

fn read_file(path: &Path) -> Result<Vec<u8>> {
    let fix = |e: std::io::Error| {
        anyhow::anyhow!("{e}\n  fix: check the path (`-` reads the post from standard input)")
    };
    let meta = std::fs::metadata(path).map_err(fix)?;
    if meta.is_dir() {
        bail!("it is a directory\n  fix: give the post's file, not its folder");
    }
    if meta.len() > MAX_POST_BYTES as u64 {
        bail!(
            "the post is {} bytes; posts over {MAX_POST_BYTES} bytes are not read\n  fix: check that it is the post you meant",
            meta.len()
        );
    }
    std::fs::read(path).map_err(fix)
}

/// Standard input's format when `--format` does not say: HTML when it starts as an HTML page
/// does, else Markdown (which reads plain-text paragraphs as paragraphs too).
fn sniff(bytes: &[u8]) -> Format {
    let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = start.trim_ascii_start();
    let head = &start[..start.len().min(16)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    if head.starts_with("<!doctype html") || head.starts_with("<html") {
        Format::Html
    } else {
        Format::Markdown
    }
}

/// A fetched post's format: its Content-Type when that is HTML or Markdown, else its path's
/// extension (plain text when it has none).
fn served_as(url: &Url, content_type: Option<&str>) -> Format {
    let mime = content_type
        .and_then(|c| c.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase());
    match mime.as_deref() {
        Some("text/html" | "application/xhtml+xml") => Format::Html,
        Some("text/markdown" | "text/x-markdown") => Format::Markdown,
        _ => Format::from_path(Path::new(url.path())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_name_files_stdin_and_urls() {
        assert_eq!(Input::from_arg("-").unwrap(), Input::Stdin);
        assert_eq!(
            Input::from_arg("post.md").unwrap(),
            Input::File("post.md".into())
        );
        assert!(matches!(
            Input::from_arg("HTTPS://example.com/p.md").unwrap(),
            Input::Url(_)
        ));
        let err = Input::from_arg("ftp://example.com/p.md").unwrap_err();
        assert!(err.to_string().contains("only http and https"), "{err}");
        assert!(Input::from_arg("http://").is_err());
    }

    #[test]
    fn formats_by_content_type_then_extension() {
        let u = |s: &str| Url::parse(s).unwrap();
        let page = u("https://example.com/weekly");
        assert_eq!(
            served_as(&page, Some("text/html; charset=utf-8")),
            Format::Html
        );
        assert_eq!(served_as(&page, Some("text/markdown")), Format::Markdown);
        assert_eq!(served_as(&page, None), Format::Plain);
        let md = u("https://example.com/raw/post.md");
        assert_eq!(served_as(&md, Some("text/plain")), Format::Markdown);
        assert_eq!(sniff(b"  <!DOCTYPE html><p>x"), Format::Html);
        assert_eq!(sniff(b"\xEF\xBB\xBF<html>"), Format::Html);
        assert_eq!(sniff(b"# Title\n\n> quote"), Format::Markdown);
    }
}
