//! Payment methods: the tenders a business accepts (cash, cards, …).

use chrono::{DateTime, Utc};
use rusqlite::params;

use crate::db::{outbox, Tx};
use crate::error::{Error, Result};
use crate::sell::tender::PaymentMethod;
use crate::till::Till;
use sellsync_contract::documents::{
    Collection, NewPaymentMethod, Op, PaymentKind, PaymentMethodDoc,
};
use sellsync_contract::ids::{timestamp, Id};

/// Inserts a payment method and its outbox row, inside the caller's transaction.
pub(crate) fn insert(
    conn: &Tx<'_>,
    business_id: Id,
    method: &NewPaymentMethod,
    now: DateTime<Utc>,
) -> Result<Id> {
    let name = method.method_name.trim();
    if name.is_empty() {
        return Err(Error::InvalidSetting(
            "A payment method needs a name.".into(),
        ));
    }
    let id = Id::new();
    conn.execute(
        "INSERT INTO payment_methods (_id, business_id, method_name, provider, kind, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            id,
            business_id,
            name,
            method.provider.trim(),
            method.kind.as_str(),
            timestamp(now)
        ],
    )?;
    outbox::append(
        conn,
        Collection::PaymentMethods,
        id,
        Op::Insert,
        PaymentMethodDoc {
            id,
            business_id,
            method_name: name.to_owned(),
            provider: method.provider.trim().to_owned(),
            kind: method.kind,
            created_at: Some(now),
        }
        .to_document(),
        now,
    )?;
    Ok(id)
}

/// Folds a method name for matching what a person types: "credit-card" finds "Credit Card".
fn name_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl Till {
    /// The business's payment methods, in the order they were added.
    pub fn payment_methods(&self) -> Result<Vec<PaymentMethod>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT _id, method_name, provider, kind FROM payment_methods
             WHERE business_id = ?1 ORDER BY created_at, rowid",
        )?;
        let rows = stmt.query_map([self.business.id], |r| {
            Ok(PaymentMethod {
                id: r.get(0)?,
                method_name: r.get(1)?,
                provider: r.get(2)?,
                kind: PaymentKind::parse(&r.get::<_, String>(3)?).unwrap_or(PaymentKind::Other),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Finds a payment method by name, ignoring case, spaces and punctuation.
    pub fn payment_method(&self, name: &str) -> Result<PaymentMethod> {
        let key = name_key(name);
        let methods = self.payment_methods()?;
        let known = methods
            .iter()
            .map(|m| m.method_name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        methods
            .into_iter()
            .find(|m| name_key(&m.method_name) == key)
            .ok_or_else(|| Error::UnknownPaymentMethod {
                name: name.trim().to_owned(),
                known,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_loosely() {
        assert_eq!(name_key("Credit Card"), name_key("credit-card"));
        assert_eq!(name_key("CASH"), "cash");
        assert_ne!(name_key("Debit Card"), name_key("Credit Card"));
    }
}
