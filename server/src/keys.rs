//! API keys, pure: made with 190 bits from the operating system's random source, a type
//! prefix people and secret scanners recognise (`ssk_`), and a checksum that tells a
//! mistyped key from a wrong one without a database read. Stored only as a SHA-256 hash
//! (a key has far too much entropy to guess, so a slow hash buys nothing); what the
//! seed's `api_key` field holds is the key's public label (`ssk_3kR9wQ…`), for people to
//! tell keys apart. A key is shown once, when it is made.

use sha2::{Digest, Sha256};

const PREFIX: &str = "ssk_";
const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// Characters of the secret part: 32 × log2(62) ≈ 190 bits.
const SECRET_LEN: usize = 32;
const CHECK_LEN: usize = 6;

/// A key as given to its owner, once.
pub struct NewKey {
    /// The whole key: `ssk_` + 32 characters + `_` + 6 characters of checksum.
    pub secret: String,
    /// What is stored to find it: SHA-256 of the whole key, in hex.
    pub hash: String,
    /// Its public label: the prefix and the first 6 characters.
    pub label: String,
}

impl std::fmt::Debug for NewKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewKey")
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

/// Why a text is not a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("This is not a Sell Sync API key (they start with ssk_).")]
    NotAKey,
    #[error("This API key is mistyped or cut short: its checksum does not match.")]
    BadChecksum,
}

impl KeyError {
    pub fn code(&self) -> &'static str {
        match self {
            KeyError::NotAKey => "not_an_api_key",
            KeyError::BadChecksum => "api_key_checksum",
        }
    }
}

/// A new key from the operating system's random source.
pub fn generate() -> Result<NewKey, getrandom::Error> {
    let mut body = String::with_capacity(SECRET_LEN);
    while body.len() < SECRET_LEN {
        let mut bytes = [0_u8; 64];
        getrandom::fill(&mut bytes)?;
        // 62 × 4 = 248: bytes at or above it would favour some characters.
        for b in bytes.into_iter().filter(|b| *b < 248) {
            if body.len() < SECRET_LEN {
                body.push(ALPHABET[usize::from(b % 62)] as char);
            }
        }
    }
    let secret = format!("{PREFIX}{body}_{}", checksum(&body));
    Ok(NewKey {
        hash: hash(&secret),
        label: label(&body),
        secret,
    })
}

/// The hash to look `key` up by, once its form and checksum are right.
pub fn parse(key: &str) -> Result<String, KeyError> {
    let key = key.trim();
    let rest = key.strip_prefix(PREFIX).ok_or(KeyError::NotAKey)?;
    let (body, check) = rest.split_once('_').ok_or(KeyError::NotAKey)?;
    let shaped = body.len() == SECRET_LEN
        && check.len() == CHECK_LEN
        && rest.bytes().all(|b| b == b'_' || ALPHABET.contains(&b));
    if !shaped {
        return Err(KeyError::NotAKey);
    }
    if checksum(body) != check {
        return Err(KeyError::BadChecksum);
    }
    Ok(hash(key))
}

fn checksum(body: &str) -> String {
    let digest = Sha256::digest(format!("sellsync-key:{body}"));
    let mut n = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"));
    let mut out = String::with_capacity(CHECK_LEN);
    for _ in 0..CHECK_LEN {
        out.push(ALPHABET[(n % 62) as usize] as char);
        n /= 62;
    }
    out
}

fn hash(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn label(body: &str) -> String {
    format!("{PREFIX}{}…", &body[..6])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_key_reads_back_to_its_hash_and_a_typo_is_caught() {
        let key = generate().unwrap();
        assert!(key.secret.starts_with("ssk_"), "{}", key.secret);
        assert_eq!(key.secret.len(), 4 + 32 + 1 + 6);
        assert_eq!(parse(&key.secret), Ok(key.hash.clone()));
        assert_eq!(parse(&format!("  {}\n", key.secret)), Ok(key.hash.clone()));
        assert!(key.label.starts_with(&key.secret[..10]));
        assert!(
            !key.hash.contains(&key.secret[4..36]),
            "the hash is not the key"
        );
        // One character changed: the checksum says so.
        let mut typo = key.secret.clone().into_bytes();
        typo[10] = if typo[10] == b'a' { b'b' } else { b'a' };
        assert_eq!(
            parse(&String::from_utf8(typo).unwrap()),
            Err(KeyError::BadChecksum)
        );
        assert_eq!(
            parse("abcd1234efgh5678"),
            Err(KeyError::NotAKey),
            "the seed's example"
        );
        assert_eq!(
            parse(&key.secret[..20]),
            Err(KeyError::NotAKey),
            "cut short"
        );
        assert_ne!(generate().unwrap().secret, key.secret);
        assert!(!format!("{key:?}").contains(&key.secret), "never in a log");
    }
}
