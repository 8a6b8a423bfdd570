//! Which addresses a notification may go to. A channel's URL is typed by someone with
//! `notifications:write`, so without a limit "Send test" would let them probe the
//! Bulwark host's own network (loopback admin ports, the cloud metadata address, the
//! LAN). By default only public addresses are reached; a SuperAdmin setting allows the
//! rest. Names are checked after resolution, by the resolver the HTTP client connects
//! with, so a name cannot resolve to a public address when checked and a private one
//! when used.

use crate::error::{AdapterError, Result};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Targets {
    /// Public addresses only (the default).
    #[default]
    PublicOnly,
    /// Any address, loopback and private ones included (a SuperAdmin's choice).
    AnyAddress,
}

/// Why `ip` is not public, or `None` when it is.
pub fn non_public(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => non_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => non_public_v4(v4),
            None => non_public_v6(v6),
        },
    }
}

fn non_public_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip.is_loopback() {
        Some("a loopback address")
    } else if ip.is_private() || (a == 100 && (64..128).contains(&b)) {
        Some("a private address")
    } else if ip.is_link_local() {
        Some("a link-local address (the cloud metadata service lives there)")
    } else if ip.is_unspecified() || a == 0 {
        Some("an unspecified address")
    } else if ip.is_broadcast() || ip.is_multicast() || a >= 240 {
        Some("a broadcast, multicast or reserved address")
    } else {
        None
    }
}

fn non_public_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let first = ip.segments()[0];
    if ip.is_loopback() {
        Some("a loopback address")
    } else if ip.is_unspecified() {
        Some("an unspecified address")
    } else if first & 0xfe00 == 0xfc00 {
        Some("a private address")
    } else if first & 0xffc0 == 0xfe80 {
        Some("a link-local address")
    } else if ip.is_multicast() {
        Some("a broadcast, multicast or reserved address")
    } else {
        None
    }
}

fn refused(host: &str, ip: IpAddr, why: &str) -> AdapterError {
    let named = if host == ip.to_string() {
        format!("{ip} is {why}")
    } else {
        format!("{host} resolves to {ip}, {why}")
    };
    AdapterError::NotAllowed(format!(
        "{named}; notifications go only to public addresses unless a SuperAdmin allows \
         private ones in Settings"
    ))
}

/// Refuses `ip` (an address `host` names) under `targets`.
pub fn check_ip(targets: Targets, host: &str, ip: IpAddr) -> Result<()> {
    match (targets, non_public(ip)) {
        (Targets::PublicOnly, Some(why)) => Err(refused(host, ip, why)),
        _ => Ok(()),
    }
}

/// Resolves `host:port` and refuses it when any of its addresses is not allowed (a name
/// with one private address among public ones is refused, not filtered: it is not what
/// the admin meant).
pub async fn resolve(targets: Targets, host: &str, port: u16) -> Result<Vec<SocketAddr>> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        check_ip(targets, host, ip)?;
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((bare, port))
        .await
        .map_err(|e| AdapterError::HostUnreachable(format!("cannot resolve {host}: {e}")))?
        .collect();
    if addrs.is_empty() {
        return Err(AdapterError::HostUnreachable(format!("{host} has no addresses")));
    }
    for addr in &addrs {
        check_ip(targets, host, addr.ip())?;
    }
    Ok(addrs)
}

/// The resolver of the public-only HTTP client.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PublicResolver;

impl reqwest::dns::Resolve for PublicResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            // The port is the connector's to set; 0 here is replaced by it.
            let addrs = resolve(Targets::PublicOnly, &host, 0).await?;
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_table() {
        let cases: &[(&str, bool)] = &[
            ("127.0.0.1", false),
            ("127.8.9.10", false),
            ("10.1.2.3", false),
            ("172.16.0.1", false),
            ("172.31.255.255", false),
            ("192.168.1.1", false),
            ("100.64.0.1", false),
            ("169.254.169.254", false),
            ("0.0.0.0", false),
            ("255.255.255.255", false),
            ("224.0.0.1", false),
            ("::1", false),
            ("::", false),
            ("fd00::1", false),
            ("fe80::1", false),
            ("::ffff:127.0.0.1", false),
            ("::ffff:10.0.0.1", false),
            ("8.8.8.8", true),
            ("172.32.0.1", true),
            ("100.128.0.1", true),
            ("2606:4700:4700::1111", true),
        ];
        for (text, public) in cases {
            let ip: IpAddr = text.parse().unwrap();
            assert_eq!(non_public(ip).is_none(), *public, "{text}: {:?}", non_public(ip));
        }
    }

    #[tokio::test]
    async fn private_targets_are_refused_unless_allowed() {
        let err = resolve(Targets::PublicOnly, "127.0.0.1", 80)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("127.0.0.1 is a loopback address"), "{err}");
        assert!(
            err.contains("a SuperAdmin allows private ones in Settings"),
            "{err}"
        );
        let err = resolve(Targets::PublicOnly, "localhost", 80)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("localhost resolves to"), "{err}");
        let err = resolve(Targets::PublicOnly, "[::1]", 80)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("loopback"), "{err}");
        assert_eq!(
            resolve(Targets::AnyAddress, "127.0.0.1", 8080).await.unwrap(),
            vec!["127.0.0.1:8080".parse().unwrap()]
        );
    }
}
