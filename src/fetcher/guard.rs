//! Which addresses quotewire may connect to.
//!
//! A URL found in untrusted input (a redirect, and later links inside feeds and pages) must not
//! make quotewire reach loopback, private, link-local or other non-public addresses: that is how
//! a hostile feed would probe the user's own network. Hosts the user configured (the hosts of
//! feeds.toml's feed URLs, or a URL given on the command line) are trusted as configured, which
//! is also how the tests serve feeds from 127.0.0.1.
//!
//! Names are checked after resolution, inside the DNS resolver reqwest uses, so a public name
//! that resolves to a private address is caught too. Literal IP addresses never reach a
//! resolver and are checked in `check_url`.

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// The set of hosts (lower-case names or IP literals) the user configured.
#[derive(Debug, Clone, Default)]
pub struct AddressPolicy {
    trusted: Arc<HashSet<String>>,
}

impl AddressPolicy {
    pub fn new<'a>(trusted_urls: impl IntoIterator<Item = &'a Url>) -> Self {
        let trusted = trusted_urls
            .into_iter()
            .filter_map(|u| {
                u.host_str()
                    .map(|h| h.trim_matches(['[', ']']).to_ascii_lowercase())
            })
            .collect();
        AddressPolicy {
            trusted: Arc::new(trusted),
        }
    }

    fn is_trusted(&self, host: &str) -> bool {
        self.trusted
            .contains(&host.trim_matches(['[', ']']).to_ascii_lowercase())
    }

    /// Refuses a URL that is not http(s), or whose literal IP address is not public and not
    /// trusted. Host names are checked when they resolve.
    pub fn check_url(&self, url: &Url) -> Result<(), String> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("refused {url}: only http and https are fetched"));
        }
        let ip = match url.host() {
            Some(Host::Ipv4(ip)) => IpAddr::V4(ip),
            Some(Host::Ipv6(ip)) => IpAddr::V6(ip),
            Some(Host::Domain(_)) => return Ok(()),
            None => return Err(format!("refused {url}: it has no host")),
        };
        if is_public(ip) || self.is_trusted(&ip.to_string()) {
            Ok(())
        } else {
            Err(format!(
                "refused {url}: {ip} is a private or loopback address that feeds.toml does not name"
            ))
        }
    }

    /// A resolver for reqwest that drops non-public addresses of untrusted names.
    pub fn resolver(&self) -> Arc<GuardedResolver> {
        Arc::new(GuardedResolver {
            policy: self.clone(),
        })
    }
}

/// Whether an address is on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1])) // carrier-grade NAT
                || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments
                || (o[0] == 198 && (18..20).contains(&o[1])) // benchmarking
                || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link local
                || (s[0] == 0x2001 && s[1] == 0x0db8)) // documentation
        }
    }
}

/// reqwest's resolver, filtered by an `AddressPolicy`.
pub struct GuardedResolver {
    policy: AddressPolicy,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if policy.is_trusted(&host) {
                return Ok(Box::new(addrs.into_iter()) as Addrs);
            }
            let public: Vec<SocketAddr> = addrs.into_iter().filter(|a| is_public(a.ip())).collect();
            if public.is_empty() {
                return Err(format!(
                    "refused {host}: it resolves only to private or loopback addresses, and feeds.toml does not name it"
                )
                .into());
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_literals_refused_unless_configured() {
        let feed = Url::parse("http://127.0.0.1:8080/feed.xml").unwrap();
        let p = AddressPolicy::new([&feed]);
        assert!(p
            .check_url(&Url::parse("http://127.0.0.1:9/x").unwrap())
            .is_ok());
        assert!(p
            .check_url(&Url::parse("http://10.0.0.1/x").unwrap())
            .is_err());
        assert!(p
            .check_url(&Url::parse("http://169.254.169.254/latest").unwrap())
            .is_err());
        assert!(p.check_url(&Url::parse("http://[::1]/x").unwrap()).is_err());
        assert!(p
            .check_url(&Url::parse("http://[::ffff:192.168.1.1]/x").unwrap())
            .is_err());
        assert!(p
            .check_url(&Url::parse("file:///etc/passwd").unwrap())
            .is_err());
        assert!(p
            .check_url(&Url::parse("https://93.184.216.34/x").unwrap())
            .is_ok());
    }

    #[tokio::test]
    async fn names_resolving_to_loopback_are_refused() {
        let r = AddressPolicy::default().resolver();
        let err = r.resolve("localhost".parse().unwrap()).await;
        assert!(err.is_err());
        let trusted = AddressPolicy::new([&Url::parse("http://localhost:1/").unwrap()]).resolver();
        assert!(trusted.resolve("localhost".parse().unwrap()).await.is_ok());
    }
}
