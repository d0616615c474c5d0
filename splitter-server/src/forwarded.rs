//! The client's address behind trusted proxies.
//!
//! A proxy that appends to `X-Forwarded-For` (HAProxy, nginx, every cloud load balancer) leaves
//! whatever the client sent at the left and its own view of the client at the right. So the
//! client is found from the right: starting at the connection's peer, each hop that is a trusted
//! proxy hands over to the entry before it; the first address that is not a trusted proxy is the
//! client. Entries a client wrote itself are never reached unless every hop after them is
//! trusted, so a client cannot choose its address (to dodge a limit, or to lock someone else
//! out). Without trusted proxies the header is ignored.

use std::net::IpAddr;
use std::str::FromStr;

/// One trusted network, `10.0.0.0/8` or a single address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Net {
    addr: IpAddr,
    prefix: u8,
}

impl FromStr for Net {
    type Err = String;

    fn from_str(s: &str) -> Result<Net, String> {
        let s = s.trim();
        let (a, p) = s.split_once('/').unwrap_or((s, ""));
        let addr: IpAddr = a
            .parse()
            .map_err(|_| format!("'{s}' is not an address or network"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = if p.is_empty() {
            max
        } else {
            p.parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("'{s}': the prefix length is 0 to {max}"))?
        };
        Ok(Net { addr, prefix })
    }
}

impl Net {
    /// True when `ip` is in this network (an IPv4-mapped IPv6 address counts as its IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.addr, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The trusted proxies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proxies(pub Vec<Net>);

impl Proxies {
    /// True when `ip` is a trusted proxy.
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(ip))
    }

    /// The client's address: the peer, or, when the peer is a trusted proxy, the right-most
    /// `X-Forwarded-For` entry (across every such header, in order) that is not one.
    pub fn client(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        let peer = canonical(peer);
        if !self.contains(peer) {
            return peer;
        }
        let mut client = peer;
        let hops = forwarded_for
            .iter()
            .flat_map(|h| h.split(','))
            .collect::<Vec<_>>();
        for hop in hops.iter().rev() {
            // A malformed entry: nothing to its left can be trusted either; stop at the last
            // address we know.
            let Ok(ip) = hop.trim().parse::<IpAddr>() else {
                break;
            };
            client = canonical(ip);
            if !self.contains(client) {
                break;
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn networks() {
        let n: Net = "10.0.0.0/8".parse().unwrap();
        assert!(n.contains(ip("10.1.2.3")));
        assert!(!n.contains(ip("11.0.0.1")));
        assert!(n.contains(ip("::ffff:10.0.0.9")), "IPv4-mapped");
        let one: Net = "192.0.2.7".parse().unwrap();
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let all: Net = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("8.8.8.8")));
        let v6: Net = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8::1")) && !v6.contains(ip("2001:db9::1")));
        assert!("10.0.0.0/33".parse::<Net>().is_err());
        assert!("proxy".parse::<Net>().is_err());
    }

    /// The client's own entries at the left are never believed; the proxy's at the right are.
    #[test]
    fn the_client_cannot_choose_its_address() {
        let proxies = Proxies(vec!["10.0.0.0/8".parse().unwrap()]);
        let lb = ip("10.0.0.2");
        // Behind one proxy: the right-most entry is what the proxy saw.
        assert_eq!(proxies.client(lb, &["198.51.100.7"]), ip("198.51.100.7"));
        // The client wrote a victim's address first; the proxy appended the real one.
        assert_eq!(
            proxies.client(lb, &["203.0.113.9, 198.51.100.7"]),
            ip("198.51.100.7")
        );
        // Two trusted hops: skip the inner proxy too.
        assert_eq!(
            proxies.client(lb, &["203.0.113.9, 198.51.100.7, 10.0.0.5"]),
            ip("198.51.100.7")
        );
        // Several headers count in order.
        assert_eq!(
            proxies.client(lb, &["203.0.113.9", "198.51.100.7"]),
            ip("198.51.100.7")
        );
        // Not from a proxy: the header is ignored.
        assert_eq!(
            proxies.client(ip("198.51.100.7"), &["203.0.113.9"]),
            ip("198.51.100.7")
        );
        // Garbage at the right: the proxy itself is the client we know.
        assert_eq!(proxies.client(lb, &["203.0.113.9, garbage"]), lb);
        // No trusted proxies: the peer, always.
        assert_eq!(Proxies::default().client(lb, &["203.0.113.9"]), lb);
    }
}
