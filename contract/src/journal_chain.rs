//! The journal's hash chain, pure. An entry's `hash` is the SHA-256 of its sequence
//! number, kind, time, the SHA-256 of its content and the previous entry's hash (the
//! first entry's previous hash is [`GENESIS`]). The content is the caller's canonical text
//! of what happened (the same bytes every time it is derived from the same rows).

use sha2::{Digest, Sha256};

/// The previous hash of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry of the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// 1, 2, 3, … with no gap, per till.
    pub seq: i64,
    /// What happened: `sale`, `return`, `void`, `cash_out`, …
    pub kind: String,
    /// When, as the till writes moments (RFC 3339, UTC, milliseconds).
    pub at: String,
    /// The canonical text of what happened.
    pub content: String,
    pub prev_hash: String,
    pub hash: String,
}

/// Where a journal stops being trustworthy, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// The first entry that does not check out (or the one missing there).
    pub seq: i64,
    pub why: &'static str,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        // Each part with its length first, so that no two splits of the same bytes hash
        // alike.
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    hex(&hasher.finalize())
}

fn entry_hash(seq: i64, kind: &str, at: &str, content: &str, prev_hash: &str) -> String {
    let content_hash = sha256(&[content.as_bytes()]);
    sha256(&[
        &seq.to_be_bytes(),
        kind.as_bytes(),
        at.as_bytes(),
        content_hash.as_bytes(),
        prev_hash.as_bytes(),
    ])
}

/// The entry that follows `previous` (`None`: the first of the journal).
pub fn next(previous: Option<&Entry>, kind: &str, at: &str, content: String) -> Entry {
    let (seq, prev_hash) = match previous {
        Some(p) => (p.seq + 1, p.hash.clone()),
        None => (1, GENESIS.to_owned()),
    };
    Entry {
        hash: entry_hash(seq, kind, at, &content, &prev_hash),
        seq,
        kind: kind.to_owned(),
        at: at.to_owned(),
        content,
        prev_hash,
    }
}

/// Checks a journal read in sequence order: numbered 1, 2, 3, … without a gap, each
/// entry's hash that of its own fields, each linked to the one before. The first entry
/// that fails is named.
pub fn verify<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> Result<usize, Broken> {
    let mut expected_prev = GENESIS.to_owned();
    let mut count = 0;
    for (i, entry) in entries.into_iter().enumerate() {
        let seq = i as i64 + 1;
        if entry.seq != seq {
            return Err(Broken {
                seq,
                why: "an entry is missing or out of order here",
            });
        }
        if entry.prev_hash != expected_prev {
            return Err(Broken {
                seq,
                why: "it does not follow the entry before it",
            });
        }
        if entry.hash
            != entry_hash(
                seq,
                &entry.kind,
                &entry.at,
                &entry.content,
                &entry.prev_hash,
            )
        {
            return Err(Broken {
                seq,
                why: "its content was changed after it was written",
            });
        }
        expected_prev = entry.hash.clone();
        count += 1;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn journal(n: usize) -> Vec<Entry> {
        let mut entries: Vec<Entry> = Vec::new();
        for i in 0..n {
            let entry = next(
                entries.last(),
                "sale",
                &format!("2026-12-02T09:00:0{i}.000Z"),
                format!(r#"{{"sale_number":"T1-{i:06}","total":"{i}.99"}}"#),
            );
            entries.push(entry);
        }
        entries
    }

    #[test]
    fn a_journal_as_written_verifies() {
        let entries = journal(5);
        assert_eq!(entries[0].prev_hash, GENESIS);
        assert_eq!(entries[3].prev_hash, entries[2].hash);
        assert_eq!(entries[4].seq, 5);
        assert_eq!(entries[0].hash.len(), 64);
        assert_eq!(verify(&entries), Ok(5));
        assert_eq!(verify(&[]), Ok(0));
    }

    #[test]
    fn a_changed_deleted_or_reordered_entry_is_named() {
        let mut changed = journal(5);
        changed[2].content = changed[2].content.replace("2.99", "0.99");
        assert_eq!(
            verify(&changed),
            Err(Broken {
                seq: 3,
                why: "its content was changed after it was written"
            })
        );
        let mut deleted = journal(5);
        deleted.remove(1);
        assert_eq!(verify(&deleted).unwrap_err().seq, 2);
        let mut reordered = journal(5);
        reordered.swap(1, 2);
        assert_eq!(verify(&reordered).unwrap_err().seq, 2);
        // Renumbered after a deletion, to hide the gap: the chain still breaks there.
        let mut renumbered = journal(5);
        renumbered.remove(1);
        for (i, e) in renumbered.iter_mut().enumerate() {
            e.seq = i as i64 + 1;
        }
        assert_eq!(
            verify(&renumbered),
            Err(Broken {
                seq: 2,
                why: "it does not follow the entry before it"
            })
        );
        // Rehashed after a change, without rewriting the rest: the next link breaks.
        let mut rehashed = journal(5);
        rehashed[2].content = "{}".into();
        rehashed[2].hash = entry_hash(3, "sale", &rehashed[2].at, "{}", &rehashed[2].prev_hash);
        assert_eq!(verify(&rehashed).unwrap_err().seq, 4);
    }

    #[test]
    fn lengths_keep_fields_apart() {
        // Without the lengths, "ab" + "c" and "a" + "bc" would hash the same bytes.
        let a = next(None, "ab", "c", String::new());
        let b = next(None, "a", "bc", String::new());
        assert_ne!(a.hash, b.hash);
    }
}
