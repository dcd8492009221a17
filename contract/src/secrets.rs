//! Secrets of the service, pure but for the random source: API keys (`ssk_`, made by the
//! gateway or by an admin at a till), tills' device credentials (`ssd_`), one-time
//! enrolment codes (`sse_`), the back office's sessions (`sss_`, a cookie) and the
//! one-time links that set a person's password (`ssp_`). Each is made from the operating
//! system's random source, has a type prefix people and secret scanners recognise, and a
//! checksum that tells a mistyped secret from a wrong one without a database read. Stored
//! only as a SHA-256 hash (a secret has far too much entropy to guess, so a slow hash buys
//! nothing); what the seed's `api_key` field holds is the key's public label
//! (`ssk_3kR9wQ…`), for people to tell keys apart. A secret is shown once, when it is made.

use bson::oid::ObjectId;
use bson::{doc, Bson, Document};
use sha2::{Digest, Sha256};

const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const CHECK_LEN: usize = 6;

/// What a secret is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A business's key to the REST API.
    ApiKey,
    /// A till's credential to sync through the gateway.
    Device,
    /// A one-time code that enrols a new till of a store.
    Enrolment,
    /// A person's session in the back office (its cookie), or its CSRF token.
    Session,
    /// A one-time link's code that sets a person's back-office password.
    PasswordLink,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::ApiKey => "ssk_",
            Kind::Device => "ssd_",
            Kind::Enrolment => "sse_",
            Kind::Session => "sss_",
            Kind::PasswordLink => "ssp_",
        }
    }

    /// Characters of the secret part: 32 × log2(62) ≈ 190 bits; an enrolment code, which
    /// people may type and which works once within a day, 16 (95 bits).
    fn secret_len(self) -> usize {
        match self {
            Kind::ApiKey | Kind::Device | Kind::Session | Kind::PasswordLink => 32,
            Kind::Enrolment => 16,
        }
    }

    /// What it is called, in words.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::ApiKey => "API key",
            Kind::Device => "till credential",
            Kind::Enrolment => "enrolment code",
            Kind::Session => "back-office session",
            Kind::PasswordLink => "password link",
        }
    }
}

/// A secret as given to its owner, once.
pub struct NewKey {
    /// The whole secret: the prefix, the random part, `_` and 6 characters of checksum.
    pub secret: String,
    /// What is stored to find it: SHA-256 of the whole secret, in hex.
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

/// Why a text is not a secret of the kind asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("This is not a Sell Sync {} (they start with {}).", .0.noun(), .0.prefix())]
    NotAKey(Kind),
    /// Its prefix is right but its length, characters or checksum are not.
    #[error("This {} is mistyped or cut short: check it against the one you were given.", .0.noun())]
    Mistyped(Kind),
}

impl KeyError {
    pub fn code(&self) -> &'static str {
        match self {
            KeyError::NotAKey(Kind::ApiKey) => "not_an_api_key",
            KeyError::Mistyped(Kind::ApiKey) => "api_key_checksum",
            KeyError::NotAKey(Kind::Device) => "not_a_device_credential",
            KeyError::Mistyped(Kind::Device) => "device_credential_checksum",
            KeyError::NotAKey(Kind::Enrolment) => "not_an_enrolment_code",
            KeyError::Mistyped(Kind::Enrolment) => "enrolment_code_checksum",
            KeyError::NotAKey(Kind::Session) => "not_a_session",
            KeyError::Mistyped(Kind::Session) => "session_checksum",
            KeyError::NotAKey(Kind::PasswordLink) => "not_a_password_link",
            KeyError::Mistyped(Kind::PasswordLink) => "password_link_checksum",
        }
    }
}

/// A new secret of `kind` from the operating system's random source.
pub fn generate(kind: Kind) -> Result<NewKey, getrandom::Error> {
    let len = kind.secret_len();
    let mut body = String::with_capacity(len);
    while body.len() < len {
        let mut bytes = [0_u8; 64];
        getrandom::fill(&mut bytes)?;
        // 62 × 4 = 248: bytes at or above it would favour some characters.
        for b in bytes.into_iter().filter(|b| *b < 248) {
            if body.len() < len {
                body.push(ALPHABET[usize::from(b % 62)] as char);
            }
        }
    }
    let secret = format!("{}{body}_{}", kind.prefix(), checksum(&body));
    Ok(NewKey {
        hash: hash(&secret),
        label: format!("{}{}…", kind.prefix(), &body[..6]),
        secret,
    })
}

/// The hash to look `key` up by, once its form and checksum are right for `kind`.
pub fn parse(kind: Kind, key: &str) -> Result<String, KeyError> {
    let key = key.trim();
    let rest = key
        .strip_prefix(kind.prefix())
        .ok_or(KeyError::NotAKey(kind))?;
    let (body, check) = rest.split_once('_').ok_or(KeyError::Mistyped(kind))?;
    let shaped = body.len() == kind.secret_len()
        && check.len() == CHECK_LEN
        && rest.bytes().all(|b| b == b'_' || ALPHABET.contains(&b));
    if !shaped || checksum(body) != check {
        return Err(KeyError::Mistyped(kind));
    }
    Ok(hash(key))
}

/// The seed's `api_keys` document of a new API key: its label as `api_key`, its hash as
/// `key_hash`, never the key itself.
pub fn api_key_document(
    id: ObjectId,
    business: ObjectId,
    key: &NewKey,
    scopes: &[&str],
    created_by: Option<ObjectId>,
) -> Document {
    doc! {
        "_id": id,
        "business_id": business,
        "api_key": &key.label,
        "key_hash": &key.hash,
        "scopes": scopes,
        "status": "active",
        "created_by": created_by,
        "created_at": bson::DateTime::now(),
        "last_used": Bson::Null,
    }
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

/// What a till is enrolled with in one piece: the gateway's address and a store's
/// enrolment code, `https://sync.example.com#sse_…`, as the back office's QR code holds
/// it. A scanner types it into the till's code field; the address needs no typing.
pub fn enrolment_ticket(server: &str, code: &str) -> String {
    format!("{}#{}", server.trim().trim_end_matches('/'), code.trim())
}

/// The gateway's address and the code of an [`enrolment_ticket`], if `text` is one (an
/// address, then `#` and something shaped as an enrolment code; its checksum is the
/// gateway's to check).
pub fn read_enrolment_ticket(text: &str) -> Option<(&str, &str)> {
    let (server, code) = text.trim().rsplit_once('#')?;
    let server = server.trim_end_matches('/');
    let is_address = server.starts_with("https://") || server.starts_with("http://");
    (is_address && code.starts_with(Kind::Enrolment.prefix())).then_some((server, code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_key_reads_back_to_its_hash_and_a_typo_is_caught() {
        let key = generate(Kind::ApiKey).unwrap();
        assert!(key.secret.starts_with("ssk_"), "{}", key.secret);
        assert_eq!(key.secret.len(), 4 + 32 + 1 + 6);
        assert_eq!(parse(Kind::ApiKey, &key.secret), Ok(key.hash.clone()));
        assert_eq!(
            parse(Kind::ApiKey, &format!("  {}\n", key.secret)),
            Ok(key.hash.clone())
        );
        assert!(key.label.starts_with(&key.secret[..10]));
        assert!(
            !key.hash.contains(&key.secret[4..36]),
            "the hash is not the key"
        );
        // One character changed: the checksum says so.
        let mut typo = key.secret.clone().into_bytes();
        typo[10] = if typo[10] == b'a' { b'b' } else { b'a' };
        assert_eq!(
            parse(Kind::ApiKey, &String::from_utf8(typo).unwrap()),
            Err(KeyError::Mistyped(Kind::ApiKey))
        );
        assert_eq!(
            parse(Kind::ApiKey, "abcd1234efgh5678"),
            Err(KeyError::NotAKey(Kind::ApiKey)),
            "the seed's example"
        );
        // The right prefix, cut short or with a character no key has: mistyped, not
        // "not a key" (which would tell its owner the prefix is wrong).
        assert_eq!(
            parse(Kind::ApiKey, &key.secret[..20]),
            Err(KeyError::Mistyped(Kind::ApiKey)),
            "cut short"
        );
        let (head, check) = key.secret.rsplit_once('_').unwrap();
        assert_eq!(
            parse(Kind::ApiKey, &format!("{head}-{check}")),
            Err(KeyError::Mistyped(Kind::ApiKey)),
            "a dash for the underscore"
        );
        assert_eq!(
            parse(Kind::ApiKey, "ssk"),
            Err(KeyError::NotAKey(Kind::ApiKey)),
            "no prefix"
        );
        assert_ne!(generate(Kind::ApiKey).unwrap().secret, key.secret);
        assert!(!format!("{key:?}").contains(&key.secret), "never in a log");
    }

    #[test]
    fn a_secret_of_one_kind_is_not_taken_for_another() {
        let device = generate(Kind::Device).unwrap();
        let code = generate(Kind::Enrolment).unwrap();
        assert!(device.secret.starts_with("ssd_"));
        assert_eq!(code.secret.len(), 4 + 16 + 1 + 6);
        assert_eq!(parse(Kind::Enrolment, &code.secret), Ok(code.hash.clone()));
        assert_eq!(
            parse(Kind::ApiKey, &device.secret),
            Err(KeyError::NotAKey(Kind::ApiKey))
        );
        assert_eq!(
            parse(Kind::Device, &code.secret),
            Err(KeyError::NotAKey(Kind::Device))
        );
        assert!(KeyError::NotAKey(Kind::Enrolment)
            .to_string()
            .contains("enrolment code (they start with sse_)"));
    }

    #[test]
    fn a_ticket_carries_the_address_and_the_code() {
        let code = generate(Kind::Enrolment).unwrap().secret;
        let ticket = enrolment_ticket("https://sync.example.com/ ", &code);
        assert_eq!(ticket, format!("https://sync.example.com#{code}"));
        assert_eq!(
            read_enrolment_ticket(&format!(" {ticket}\n")),
            Some(("https://sync.example.com", code.as_str()))
        );
        assert!(parse(Kind::Enrolment, read_enrolment_ticket(&ticket).unwrap().1).is_ok());
        // A bare code, an address with no code, another secret or another scheme: no ticket.
        for text in [
            code.clone(),
            "https://sync.example.com".to_owned(),
            "https://sync.example.com#".to_owned(),
            format!("https://sync.example.com#ssk_{}", &code[4..]),
            format!("ftp://sync.example.com#{code}"),
        ] {
            assert_eq!(read_enrolment_ticket(&text), None, "{text}");
        }
    }
}
