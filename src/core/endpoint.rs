//! What an `--endpoint-url` (or `AWS_ENDPOINT_URL`) exposes. Over plain `http://` every request
//! travels readable: the access key id, the session token and each signed request and its
//! answer. SigV4 never sends the secret key, but a signed request can be replayed for as long as
//! its signature is valid (15 minutes), and a session token is a credential. On the machine's
//! own loopback (the sandbox) that is harmless; anywhere else it is worth a warning.

use std::net::IpAddr;

/// The warning for a plain-HTTP endpoint that leaves this machine; None for `https://` and for
/// loopback addresses (`127.0.0.0/8`, `::1`, `localhost`).
pub fn plain_http_warning(url: &str) -> Option<String> {
    let trimmed = url.trim();
    let scheme_end = trimmed.find("://")?;
    if !trimmed[..scheme_end].eq_ignore_ascii_case("http") {
        return None;
    }
    let rest = &trimmed[scheme_end + 3..];
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or(v6)
    } else {
        host_port.split(':').next().unwrap_or(host_port)
    };
    if is_loopback(host) {
        return None;
    }
    Some(format!(
        "the endpoint {} is plain http:// and not this machine: the access key id, the session \
         token and every signed request and answer cross the network readable, and a signed \
         request can be replayed while its signature is valid. Use https://, or a local \
         endpoint (127.0.0.1, localhost).",
        crate::core::shown::shown(trimmed)
    ))
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_off_this_machine_is_warned_about() {
        let w = plain_http_warning("http://192.0.2.1").unwrap();
        assert!(w.contains("session token") && w.contains("replayed"), "{w}");
        for url in [
            "http://192.0.2.1:4566/",
            "HTTP://proxy.example",
            "http://user@10.0.0.5:8080/path",
            "http://[2001:db8::1]:4566",
        ] {
            assert!(plain_http_warning(url).is_some(), "{url}");
        }
    }

    #[test]
    fn https_and_loopback_are_not() {
        for url in [
            "https://192.0.2.1",
            "http://127.0.0.1:4566",
            "http://127.8.0.1",
            "http://localhost:4566",
            "http://s3.localhost:4566",
            "http://[::1]:4566",
            "not a url",
        ] {
            assert_eq!(plain_http_warning(url), None, "{url}");
        }
    }
}
