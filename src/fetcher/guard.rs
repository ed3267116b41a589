//! Which addresses quotewire may connect to.
//!
//! A URL found in untrusted input (a redirect, links inside feeds and pages) must not make
//! quotewire reach loopback, private, link-local or other non-public addresses: that is how a
//! hostile feed would probe the user's own network. Hosts the user configured (the hosts of
//! feeds.toml's feed URLs, or a URL given on the command line) are trusted as configured, which
//! is also how the tests serve feeds from 127.0.0.1.
//!
//! Names are checked after resolution, inside the DNS resolver reqwest uses, so a public name
//! that resolves to a private address is caught too. Literal IP addresses never reach a
//! resolver and are checked in `check_url`. Both use `refusal`, which reads an address against
//! two tables written from the IANA special-purpose registries: a non-global range is refused,
//! and an IPv6 address that carries an IPv4 address (mapped, NAT64, 6to4, Teredo) is public
//! only when its form is routed on the internet and every IPv4 address in it is public.
//! Conservative where the registry allows more: the deprecated IPv4-compatible and
//! IPv4-translated forms and NAT64 local-use are refused whatever they carry, and so is all of
//! 2001::/23 but Teredo (the few anycast services and identifiers in it serve no web pages).
//! Not for: which URLs are worth fetching, or anything about the connection after it is made.

use std::collections::HashSet;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, LazyLock};

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
            .filter_map(|u| match u.host()? {
                // As `check_url` spells them, so that `[::ffff:7f00:1]` matches its own URL.
                Host::Ipv4(ip) => Some(ip.to_string()),
                Host::Ipv6(ip) => Some(ip.to_string()),
                Host::Domain(name) => Some(name.to_ascii_lowercase()),
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
        match refusal(ip) {
            Some(why) if !self.is_trusted(&ip.to_string()) => Err(format!(
                "refused {url}: {why}, and feeds.toml does not name it"
            )),
            _ => Ok(()),
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
    refusal(ip).is_none()
}

/// Why an address is not on the public internet, or `None` when it is.
pub fn refusal(ip: IpAddr) -> Option<Refusal> {
    match ip {
        IpAddr::V4(v4) => v4_range(v4).map(|(range, what)| Refusal::Range { ip, what, range }),
        IpAddr::V6(v6) => v6_refusal(v6),
    }
}

/// What is wrong with an address, said after "refused URL: ".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The address is in a range that is not globally reachable.
    Range {
        ip: IpAddr,
        what: &'static str,
        range: &'static str,
    },
    /// An IPv6 form that carries an IPv4 address the guard refuses.
    Embeds {
        v4: Ipv4Addr,
        role: &'static str,
        what: &'static str,
    },
    /// An IPv6 form that carries an IPv4 address but is not routed on the internet.
    Form {
        form: &'static str,
        range: &'static str,
        v4: Ipv4Addr,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Range { ip, what, range } => write!(f, "{ip} is {what} ({range})"),
            Refusal::Embeds { v4, role, what } => write!(f, "it embeds {v4}{role}, {what}"),
            Refusal::Form { form, range, v4 } => write!(
                f,
                "it is {form} ({range}), not routed on the internet (it embeds {v4})"
            ),
        }
    }
}

/// The IANA IPv4 special-purpose ranges that are not globally reachable, most specific first.
/// 192.0.0.0/24 is refused whole (its two anycast addresses serve no web pages).
const V4_RANGES: &[(&str, &str)] = &[
    ("0.0.0.0/8", "a \"this network\" address"),
    ("10.0.0.0/8", "a private address"),
    ("100.64.0.0/10", "a shared (carrier-grade NAT) address"),
    ("127.0.0.0/8", "a loopback address"),
    ("169.254.0.0/16", "a link-local address"),
    ("172.16.0.0/12", "a private address"),
    ("192.0.0.0/24", "an IETF protocol assignment"),
    ("192.0.2.0/24", "a documentation address"),
    (
        "192.88.99.0/24",
        "a 6to4 relay anycast address (deprecated)",
    ),
    ("192.168.0.0/16", "a private address"),
    ("198.18.0.0/15", "a benchmarking address"),
    ("198.51.100.0/24", "a documentation address"),
    ("203.0.113.0/24", "a documentation address"),
    ("224.0.0.0/4", "a multicast address"),
    ("255.255.255.255/32", "the broadcast address"),
    ("240.0.0.0/4", "a reserved address"),
];

/// Where an IPv6 form keeps its IPv4 address.
#[derive(Debug, Clone, Copy)]
enum Carried {
    /// The last 32 bits (mapped, compatible, translated, NAT64 /96).
    Low32,
    /// Bits 16..48 (6to4).
    SixToFour,
    /// The server in bits 32..64 and the client, inverted, in the last 32 bits.
    Teredo,
}

impl Carried {
    /// The IPv4 addresses in `bits`, each with its role in the form.
    fn addresses(self, bits: u128) -> Vec<(Ipv4Addr, &'static str)> {
        // `as u32` keeps the low 32 bits: the shifts put the wanted ones there.
        match self {
            Carried::Low32 => vec![(Ipv4Addr::from(bits as u32), "")],
            Carried::SixToFour => vec![(Ipv4Addr::from((bits >> 80) as u32), "")],
            Carried::Teredo => vec![
                (Ipv4Addr::from((bits >> 64) as u32), " (its Teredo server)"),
                (Ipv4Addr::from(!(bits as u32)), " (its Teredo client)"),
            ],
        }
    }
}

/// What a row of `V6_RANGES` means.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// Not globally reachable.
    Closed(&'static str),
    /// Global unicast.
    Open,
    /// Carries IPv4 addresses; public when each of them is.
    Carries(Carried),
    /// Carries an IPv4 address but is not routed on the internet.
    Unrouted(&'static str, Carried),
}

/// The IPv6 address space as the guard sees it, most specific first; an address in no row is
/// outside the global unicast space (2000::/3) and refused.
const V6_RANGES: &[(&str, Kind)] = {
    use Carried::*;
    use Kind::*;
    &[
        ("::/128", Closed("the unspecified address")),
        ("::1/128", Closed("the loopback address")),
        ("::ffff:0:0/96", Carries(Low32)),
        (
            "::ffff:0:0:0/96",
            Unrouted("an IPv4-translated address", Low32),
        ),
        (
            "::/96",
            Unrouted("a deprecated IPv4-compatible address", Low32),
        ),
        ("64:ff9b::/96", Carries(Low32)),
        (
            "64:ff9b:1::/48",
            Unrouted("a NAT64 local-use address", Low32),
        ),
        ("100::/64", Closed("a discard-only address")),
        ("2001::/32", Carries(Teredo)),
        ("2001:2::/48", Closed("a benchmarking address")),
        (
            "2001:10::/28",
            Closed("an ORCHID identifier, not a locator"),
        ),
        (
            "2001:20::/28",
            Closed("an ORCHIDv2 identifier, not a locator"),
        ),
        ("2001::/23", Closed("an IETF protocol assignment")),
        ("2001:db8::/32", Closed("a documentation address")),
        ("2002::/16", Carries(SixToFour)),
        ("3fff::/20", Closed("a documentation address")),
        ("2000::/3", Open),
        ("5f00::/16", Closed("an SRv6 segment identifier")),
        ("fc00::/7", Closed("a unique local address")),
        ("fe80::/10", Closed("a link-local address")),
        ("fec0::/10", Closed("a deprecated site-local address")),
        ("ff00::/8", Closed("a multicast address")),
    ]
};

/// A table row parsed: network bits (an IPv4 network in the low 32), prefix length, the row as
/// written, its meaning.
type Row<V> = (u128, u32, &'static str, V);

/// The tables above, parsed once. They are ours, and the tests read every row.
static V4_TABLE: LazyLock<Vec<Row<&'static str>>> = LazyLock::new(|| parse_rows(V4_RANGES));
static V6_TABLE: LazyLock<Vec<Row<Kind>>> = LazyLock::new(|| parse_rows(V6_RANGES));

fn parse_rows<V: Copy>(rows: &[(&'static str, V)]) -> Vec<Row<V>> {
    rows.iter()
        .map(|&(cidr, meaning)| {
            let (net, len) = cidr.split_once('/').expect("a table row is NET/LEN");
            let net = match net.parse().expect("a table row's network is an address") {
                IpAddr::V4(v4) => u128::from(u32::from(v4)),
                IpAddr::V6(v6) => u128::from(v6),
            };
            let len = len.parse().expect("a table row's length is a number");
            (net, len, cidr, meaning)
        })
        .collect()
}

/// The first row of `table` that holds `bits`, an address `width` bits wide.
fn lookup<V: Copy>(table: &[Row<V>], bits: u128, width: u32) -> Option<(&'static str, V)> {
    table
        .iter()
        .find(|(net, len, _, _)| (bits ^ net).checked_shr(width - len).unwrap_or(0) == 0)
        .map(|&(_, _, cidr, meaning)| (cidr, meaning))
}

fn v4_range(v4: Ipv4Addr) -> Option<(&'static str, &'static str)> {
    lookup(&V4_TABLE, u128::from(u32::from(v4)), 32)
}

fn v6_refusal(v6: Ipv6Addr) -> Option<Refusal> {
    let bits = u128::from(v6);
    let ip = IpAddr::V6(v6);
    match lookup(&V6_TABLE, bits, 128) {
        Some((_, Kind::Open)) => None,
        Some((range, Kind::Closed(what))) => Some(Refusal::Range { ip, what, range }),
        Some((range, Kind::Unrouted(form, carried))) => {
            let (v4, _) = carried.addresses(bits)[0];
            Some(Refusal::Form { form, range, v4 })
        }
        Some((_, Kind::Carries(carried))) => {
            carried.addresses(bits).into_iter().find_map(|(v4, role)| {
                v4_range(v4).map(|(_, what)| Refusal::Embeds { v4, role, what })
            })
        }
        None => Some(Refusal::Range {
            ip,
            what: "outside the global unicast space",
            range: "2000::/3",
        }),
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
            let mut first_refusal = None;
            let mut public = Vec::new();
            for addr in addrs {
                match refusal(addr.ip()) {
                    None => public.push(addr),
                    Some(why) => {
                        first_refusal.get_or_insert((addr.ip(), why));
                    }
                }
            }
            if public.is_empty() {
                let why = match first_refusal {
                    Some((_, why @ Refusal::Range { .. })) => format!(" ({why})"),
                    Some((ip, why)) => format!(" ({ip}: {why})"),
                    None => String::new(),
                };
                return Err(format!(
                    "refused {host}: it resolves only to addresses that are not public{why}, and feeds.toml does not name it"
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

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    /// The guard's message for a URL it must refuse.
    fn refused(p: &AddressPolicy, s: &str) -> String {
        match p.check_url(&url(s)) {
            Err(e) => e,
            Ok(()) => panic!("{s} passed the guard"),
        }
    }

    fn passes(p: &AddressPolicy, s: &str) {
        if let Err(e) = p.check_url(&url(s)) {
            panic!("{s} was refused: {e}");
        }
    }

    /// Every row parses, has no bits set past its prefix, and is not hidden by an earlier row
    /// that holds all of it (the tables are read first match wins).
    fn well_formed<V: Copy>(table: &[Row<V>], width: u32) {
        for (i, &(net, len, cidr, _)) in table.iter().enumerate() {
            assert!(len <= width, "{cidr}");
            let host_bits = if len == 0 {
                u128::MAX
            } else {
                (1u128 << (width - len)) - 1
            };
            assert_eq!(net & host_bits, 0, "{cidr} has bits past its prefix");
            for &(earlier_net, earlier_len, earlier, _) in &table[..i] {
                let holds = lookup(&[(earlier_net, earlier_len, earlier, ())], net, width);
                assert!(
                    earlier_len > len || holds.is_none(),
                    "{cidr} is hidden by {earlier}"
                );
            }
        }
    }

    #[test]
    fn tables_are_well_formed() {
        well_formed(&V4_TABLE, 32);
        well_formed(&V6_TABLE, 128);
    }

    #[test]
    fn private_literals_refused_unless_configured() {
        let feed = url("http://127.0.0.1:8080/feed.xml");
        let p = AddressPolicy::new([&feed]);
        passes(&p, "http://127.0.0.1:9/x");
        refused(&p, "http://10.0.0.1/x");
        refused(&p, "http://169.254.169.254/latest");
        refused(&p, "http://[::1]/x");
        refused(&p, "http://[::ffff:192.168.1.1]/x");
        assert!(refused(&p, "file:///etc/passwd").contains("only http and https"));
        passes(&p, "https://93.184.216.34/x");
    }

    #[test]
    fn messages_say_what_was_refused_and_why() {
        let p = AddressPolicy::default();
        assert_eq!(
            refused(&p, "http://[64:ff9b::10.0.0.1]/"),
            "refused http://[64:ff9b::a00:1]/: it embeds 10.0.0.1, a private address, and feeds.toml does not name it"
        );
        assert_eq!(
            refused(&p, "http://10.1.2.3:8080/x"),
            "refused http://10.1.2.3:8080/x: 10.1.2.3 is a private address (10.0.0.0/8), and feeds.toml does not name it"
        );
        assert_eq!(
            refused(&p, "http://[::127.0.0.2]/"),
            "refused http://[::7f00:2]/: it is a deprecated IPv4-compatible address (::/96), not routed on the internet (it embeds 127.0.0.2), and feeds.toml does not name it"
        );
        assert_eq!(
            refused(&p, "http://[fe80::1]/"),
            "refused http://[fe80::1]/: fe80::1 is a link-local address (fe80::/10), and feeds.toml does not name it"
        );
    }

    #[test]
    fn ipv6_forms_carrying_a_non_public_ipv4_are_refused() {
        let p = AddressPolicy::default();
        for (s, says) in [
            // IPv4-mapped (::ffff:0:0/96)
            (
                "http://[::ffff:127.0.0.2]/",
                "embeds 127.0.0.2, a loopback address",
            ),
            (
                "http://[::ffff:a9fe:a9fe]/",
                "embeds 169.254.169.254, a link-local",
            ),
            // IPv4-compatible (::/96)
            ("http://[::127.0.0.2]/", "IPv4-compatible"),
            ("http://[::10.0.0.1]/", "embeds 10.0.0.1"),
            // IPv4-translated (::ffff:0:0:0/96, RFC 2765)
            ("http://[::ffff:0:7f00:2]/", "IPv4-translated"),
            ("http://[::ffff:0:c0a8:101]/", "embeds 192.168.1.1"),
            // NAT64 well-known prefix (64:ff9b::/96)
            (
                "http://[64:ff9b::7f00:2]/",
                "embeds 127.0.0.2, a loopback address",
            ),
            (
                "http://[64:ff9b::100.64.0.1]/",
                "embeds 100.64.0.1, a shared",
            ),
            // NAT64 local-use (64:ff9b:1::/48, RFC 8215)
            ("http://[64:ff9b:1::7f00:2]/", "NAT64 local-use"),
            ("http://[64:ff9b:1:ffff::a00:1]/", "NAT64 local-use"),
            // 6to4 (2002::/16, the IPv4 in bits 16..48)
            (
                "http://[2002:7f00:2::]/",
                "embeds 127.0.0.2, a loopback address",
            ),
            (
                "http://[2002:c0a8:101::1]/",
                "embeds 192.168.1.1, a private address",
            ),
            ("http://[2002:a9fe:a9fe:1::80]/", "embeds 169.254.169.254"),
            // Teredo (2001::/32): server 10.0.0.1, client 93.184.216.34 (inverted a247:27dd)
            (
                "http://[2001:0:a00:1::a247:27dd]/",
                "embeds 10.0.0.1 (its Teredo server), a private",
            ),
            // server 8.8.8.8, client 192.168.1.1 (inverted 3f57:fefe)
            (
                "http://[2001:0:808:808::3f57:fefe]/",
                "embeds 192.168.1.1 (its Teredo client), a private",
            ),
            // both 127.0.0.2 (the client inverted: 80ff:fffd)
            (
                "http://[2001:0:7f00:2::80ff:fffd]/",
                "embeds 127.0.0.2 (its Teredo server)",
            ),
            (
                "http://[2001:0:808:808::80ff:fffd]/",
                "embeds 127.0.0.2 (its Teredo client)",
            ),
        ] {
            let e = refused(&p, s);
            assert!(e.contains(says), "{s}: {e}");
            assert!(e.ends_with("and feeds.toml does not name it"), "{e}");
        }
    }

    #[test]
    fn ipv6_forms_carrying_a_public_ipv4_pass_only_where_routed() {
        let p = AddressPolicy::default();
        // 93.184.216.34 = 5db8:d822, 8.8.8.8 = 808:808.
        passes(&p, "http://[::ffff:93.184.216.34]/");
        passes(&p, "http://[64:ff9b::93.184.216.34]/");
        passes(&p, "http://[2002:5db8:d822::1]/");
        passes(&p, "http://[2002:808:808:1::80]/");
        passes(&p, "http://[2001:0:808:808::a247:27dd]/");
        // Forms never routed on the internet, whatever they carry.
        assert!(refused(&p, "http://[::93.184.216.34]/").contains("IPv4-compatible"));
        assert!(refused(&p, "http://[::ffff:0:5db8:d822]/").contains("IPv4-translated"));
        assert!(refused(&p, "http://[64:ff9b:1::5db8:d822]/").contains("NAT64 local-use"));
    }

    #[test]
    fn non_global_ipv6_ranges_are_refused_and_global_unicast_passes() {
        let p = AddressPolicy::default();
        for (s, says) in [
            ("http://[::]/", "unspecified"),
            ("http://[::1]/", "loopback"),
            ("http://[fec0::1]/", "site-local"),
            ("http://[feff::1]/", "site-local"),
            ("http://[100::1]/", "discard-only"),
            ("http://[2001:db8::1]/", "documentation"),
            ("http://[3fff::1]/", "documentation"),
            ("http://[3fff:fff::1]/", "documentation"),
            ("http://[2001:10::1]/", "ORCHID"),
            ("http://[2001:20::1]/", "ORCHIDv2"),
            ("http://[2001:2::1]/", "benchmarking"),
            ("http://[2001:1::1]/", "IETF protocol assignment"),
            ("http://[2001:1ff::1]/", "IETF protocol assignment"),
            ("http://[fc00::1]/", "unique local"),
            ("http://[fd12:3456::1]/", "unique local"),
            ("http://[fe80::1]/", "link-local"),
            ("http://[febf::1]/", "link-local"),
            ("http://[ff02::1]/", "multicast"),
            ("http://[5f00::1]/", "SRv6"),
            ("http://[4000::1]/", "outside the global unicast space"),
            ("http://[::1:0:0:1]/", "outside the global unicast space"),
            ("http://[100:0:0:1::1]/", "outside the global unicast space"),
        ] {
            let e = refused(&p, s);
            assert!(e.contains(says), "{s}: {e}");
        }
        for s in [
            "http://[2001:4860:4860::8888]/",
            "http://[2606:4700:4700::1111]/",
            "http://[2001:200::1]/",
            "http://[2620:4f:8000::1]/",
            "http://[3fff:1000::1]/",
            "http://[2003::1]/",
        ] {
            passes(&p, s);
        }
    }

    #[test]
    fn ipv4_special_ranges() {
        let p = AddressPolicy::default();
        for (s, says) in [
            ("http://0.1.2.3/", "\"this network\""),
            ("http://100.64.0.1/", "carrier-grade NAT"),
            ("http://100.127.255.255/", "carrier-grade NAT"),
            ("http://172.31.255.255/", "private"),
            ("http://192.0.0.9/", "IETF protocol assignment"),
            ("http://192.0.2.1/", "documentation"),
            ("http://192.88.99.1/", "6to4 relay"),
            ("http://198.19.255.255/", "benchmarking"),
            ("http://198.51.100.7/", "documentation"),
            ("http://203.0.113.9/", "documentation"),
            ("http://224.0.0.251/", "multicast"),
            ("http://240.0.0.1/", "reserved"),
            ("http://255.255.255.255/", "broadcast"),
            ("http://2130706433/", "loopback"),
        ] {
            let e = refused(&p, s);
            assert!(e.contains(says), "{s}: {e}");
        }
        for s in [
            "http://8.8.8.8/",
            "http://100.128.0.1/",
            "http://172.32.0.1/",
            "http://198.20.0.1/",
            "http://192.0.3.1/",
            "http://223.255.255.254/",
        ] {
            passes(&p, s);
        }
    }

    #[test]
    fn configured_ipv6_literals_stay_trusted() {
        let feed = url("http://[::ffff:7f00:2]:9/feed.xml");
        let p = AddressPolicy::new([&feed]);
        passes(&p, "http://[::ffff:127.0.0.2]:9/other");
        refused(&p, "http://[64:ff9b::7f00:2]:9/other");
    }

    async fn resolve(r: &GuardedResolver, name: &str) -> Result<Vec<SocketAddr>, String> {
        let name: Name = name.parse().map_err(|_| format!("bad name {name}"))?;
        r.resolve(name)
            .await
            .map(|addrs| addrs.collect())
            .map_err(|e| e.to_string())
    }

    #[tokio::test]
    async fn names_resolving_to_loopback_are_refused() {
        let r = AddressPolicy::default().resolver();
        let err = resolve(&r, "localhost")
            .await
            .expect_err("localhost passed");
        assert!(err.contains("refused localhost"), "{err}");
        assert!(err.contains("loopback"), "{err}");
        let trusted = AddressPolicy::new([&url("http://localhost:1/")]).resolver();
        assert!(resolve(&trusted, "localhost").await.is_ok());
    }

    #[tokio::test]
    async fn every_answer_is_checked_with_the_same_rules() {
        // An address literal resolves to itself, so it stands for a DNS answer here.
        let r = AddressPolicy::default().resolver();
        for (name, says) in [
            (
                "64:ff9b::a00:1",
                "64:ff9b::a00:1: it embeds 10.0.0.1, a private address",
            ),
            ("2002:7f00:2::", "2002:7f00:2::: it embeds 127.0.0.2"),
            ("::7f00:2", "IPv4-compatible"),
            ("fec0::1", "site-local"),
            ("192.168.0.1", "192.168.0.1 is a private address"),
        ] {
            let err = resolve(&r, name).await.expect_err(name);
            assert!(err.contains(says), "{name}: {err}");
            assert!(err.ends_with("and feeds.toml does not name it"), "{err}");
        }
        let ok = resolve(&r, "2001:4860:4860::8888")
            .await
            .expect("a public answer");
        assert_eq!(ok.len(), 1);
        assert_eq!(ok[0].ip().to_string(), "2001:4860:4860::8888");
    }
}
