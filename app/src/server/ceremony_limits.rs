//! Room for one more waiting ceremony (passkey or SSO) in a bounded store: a client
//! that already has `per_client` waiting loses its own oldest, and a full store loses
//! its oldest overall, so a flood from one client never pushes out another's.

use std::collections::HashMap;
use std::time::Instant;

pub fn make_room<V>(
    entries: &mut HashMap<String, V>,
    client: &str,
    per_client: usize,
    capacity: usize,
    client_of: impl Fn(&V) -> &str,
    started_of: impl Fn(&V) -> Instant,
) {
    let oldest = |entries: &HashMap<String, V>, only_client: bool| {
        entries
            .iter()
            .filter(|(_, v)| !only_client || client_of(v) == client)
            .min_by_key(|(_, v)| started_of(v))
            .map(|(k, _)| k.clone())
    };
    while entries.values().filter(|v| client_of(v) == client).count() >= per_client {
        match oldest(entries, true) {
            Some(k) => entries.remove(&k),
            None => break,
        };
    }
    while entries.len() >= capacity {
        match oldest(entries, false) {
            Some(k) => entries.remove(&k),
            None => break,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_client_only_ever_pushes_out_its_own() {
        let t0 = Instant::now();
        let mut entries: HashMap<String, (&str, Instant)> = HashMap::new();
        entries.insert("victim".into(), ("b", t0));
        for i in 0..10u64 {
            make_room(&mut entries, "a", 3, 100, |v| v.0, |v| v.1);
            entries.insert(format!("a{i}"), ("a", t0 + Duration::from_secs(i + 1)));
        }
        let mut left: Vec<&String> = entries.keys().collect();
        left.sort();
        assert_eq!(left, ["a7", "a8", "a9", "victim"]);
        // A full store drops its oldest overall.
        make_room(&mut entries, "c", 3, 4, |v| v.0, |v| v.1);
        assert!(!entries.contains_key("victim"));
        assert_eq!(entries.len(), 3);
    }
}
