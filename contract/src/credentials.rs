//! People's credentials, pure: email addresses as compared, PINs and passwords as a till
//! accepts them and as stored (argon2id), and the lockout after wrong tries. The till
//! signs people in with these; the gateway verifies them with the same.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use thiserror::Error;

/// A PIN or password refused, in words for the person typing it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct CredentialError(pub String);

/// Wrong tries in a row before an account locks.
pub const MAX_FAILED_ATTEMPTS: u32 = 5;
/// How long a locked account stays locked.
pub const LOCKOUT_MINUTES: i64 = 5;

/// An email address as stored and compared: trimmed and lower-cased; `None` when it is not
/// one.
pub fn normalize_email(email: &str) -> Option<String> {
    let email = email.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let valid = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace);
    valid.then_some(email)
}

/// A PIN as a till accepts it: 4 to 8 digits.
pub fn check_pin(pin: &str) -> Result<(), CredentialError> {
    if (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(CredentialError("A PIN is 4 to 8 digits.".into()))
    }
}

/// A password as a till accepts it: at least 8 characters.
pub fn check_password(password: &str) -> Result<(), CredentialError> {
    if password.chars().count() >= 8 {
        Ok(())
    } else {
        Err(CredentialError(
            "A password needs at least 8 characters.".into(),
        ))
    }
}

/// A new user's PIN as stored: checked to be 4 to 8 digits, hashed with argon2id (for a
/// user made outside a till, such as a business's owner made by the gateway).
pub fn hash_pin(pin: &str) -> Result<String, CredentialError> {
    check_pin(pin)?;
    hash_secret(pin)
}

/// A PIN or password as stored: hashed with argon2id, salted.
pub fn hash_secret(secret: &str) -> Result<String, CredentialError> {
    Argon2::default()
        .hash_password(secret.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| CredentialError(format!("Could not hash the secret: {e}")))
}

/// Whether `secret` is the one `hash` (argon2id, as [`hash_pin`] makes it) was made of;
/// an unreadable hash matches nothing.
pub fn verify_secret(secret: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(secret.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_passwords_and_emails() {
        assert!(check_pin("1234").is_ok());
        assert!(check_pin("12345678").is_ok());
        for bad in ["123", "123456789", "12a4", "", "12 4"] {
            assert!(check_pin(bad).is_err(), "{bad}");
        }
        assert!(check_password("longenough").is_ok());
        assert!(check_password("short").is_err());
        assert_eq!(
            normalize_email(" Ann@Shop.COM "),
            Some("ann@shop.com".into())
        );
        for bad in [
            "ann",
            "ann@",
            "@shop.com",
            "ann@shop",
            "a n@shop.com",
            "ann@.com",
        ] {
            assert_eq!(normalize_email(bad), None, "{bad}");
        }
    }

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let hash = hash_secret("2468").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_secret("2468", &hash));
        assert!(!verify_secret("2469", &hash));
        assert!(!verify_secret("2468", "not a hash"));
        assert_ne!(hash, hash_secret("2468").unwrap(), "salted");
    }
}
