//! A customer as the till knows one, and the checks of a new one's details: pure, no
//! database.

use chrono::{DateTime, Utc};

use crate::error::{Error, Result};
use sellsync_contract::ids::Id;
use sellsync_contract::money::Money;

/// A customer of the business.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub id: Id,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub loyalty_points: i64,
    /// Store credit from refunds, to spend on a sale.
    pub store_credit: Money,
}

/// A customer to create.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewCustomer {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl NewCustomer {
    /// Checks the details as [`Till::add_customer`] would (a name; a phone number or an
    /// email address that looks like one), without asking the database.
    pub fn validate(&self) -> Result<()> {
        check(self).map(|_| ())
    }
}

/// One sale in a customer's purchase history.
#[derive(Debug, Clone)]
pub struct Purchase {
    pub transaction_id: Id,
    pub sale_number: String,
    pub date: DateTime<Utc>,
    pub amount: Money,
}

/// The digits of a phone number, which is how phones are matched: `+1 (987) 654-3210`
/// and `19876543210` are the same customer.
pub(crate) fn phone_key(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

/// A typed field trimmed; blank is none.
pub(crate) fn clean(field: &Option<String>) -> Option<&str> {
    field.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Whether `text` looks like an email address: something, `@`, a domain with a dot.
pub(crate) fn is_email(text: &str) -> bool {
    text.split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
}

/// Checks a new customer; returns the phone key and the lower-cased email.
pub(crate) fn check(customer: &NewCustomer) -> Result<(Option<String>, Option<String>)> {
    if customer.name.trim().is_empty() {
        return Err(Error::InvalidCustomer("A customer needs a name.".into()));
    }
    let phone = clean(&customer.phone);
    let email = clean(&customer.email).map(str::to_lowercase);
    if phone.is_none() && email.is_none() {
        return Err(Error::InvalidCustomer(
            "A customer needs a phone number or an email address.".into(),
        ));
    }
    let key = phone.map(phone_key);
    if let Some(key) = &key {
        if !(7..=15).contains(&key.len()) {
            return Err(Error::InvalidCustomer(format!(
                "{:?} is not a phone number.",
                phone.unwrap_or_default()
            )));
        }
    }
    if let Some(email) = &email {
        if !is_email(email) {
            return Err(Error::InvalidCustomer(format!(
                "{email:?} is not an email address."
            )));
        }
    }
    Ok((key, email))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_match_by_digits() {
        assert_eq!(phone_key("+1 (987) 654-3210"), "19876543210");
        assert_eq!(phone_key("987.654.3210"), "9876543210");
    }

    #[test]
    fn new_customer_checks() {
        let ok = NewCustomer {
            name: "Alice".into(),
            phone: Some("+1 987 654 3210".into()),
            email: Some(" Alice@Example.com ".into()),
        };
        assert_eq!(
            check(&ok).unwrap(),
            (Some("19876543210".into()), Some("alice@example.com".into()))
        );
        let with = |f: fn(&mut NewCustomer)| {
            let mut c = ok.clone();
            f(&mut c);
            check(&c)
        };
        assert!(with(|c| c.name = " ".into()).is_err());
        assert!(with(|c| {
            c.phone = None;
            c.email = None
        })
        .is_err());
        assert!(with(|c| c.phone = Some("12".into())).is_err());
        assert!(with(|c| c.email = Some("alice".into())).is_err());
        assert!(with(|c| c.phone = None).is_ok());
    }
}
