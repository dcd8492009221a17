//! `payment_methods`: the tenders a business takes.

use bson::{doc, Document};
use chrono::{DateTime, Utc};

use super::read::{Read, Reader};
use super::value::{date, oid, or_null};
use super::{field, Collection};
use crate::ids::Id;
use crate::sell::payments::PaymentKind;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentMethodDoc {
    pub id: Id,
    pub business_id: Id,
    pub method_name: String,
    pub provider: String,
    pub kind: PaymentKind,
    pub created_at: Option<DateTime<Utc>>,
}

impl PaymentMethodDoc {
    pub fn to_document(&self) -> Document {
        doc! {
            field::ID: oid(self.id),
            field::BUSINESS_ID: oid(self.business_id),
            field::METHOD_NAME: &self.method_name,
            field::PROVIDER: &self.provider,
            field::KIND: self.kind.as_str(),
            field::CREATED_AT: or_null(self.created_at, date),
        }
    }

    /// Refused without a name or with a kind that is not a method's. A back office that
    /// gives no kind: a method named like cash gives change, any other is `other`.
    pub fn from_document(doc: &Document) -> Read<PaymentMethodDoc> {
        let r = Reader::new(Collection::PaymentMethods, doc)?;
        let method_name = r.required_text(field::METHOD_NAME)?;
        let kind = match r.non_blank(field::KIND)? {
            Some(kind) => PaymentKind::parse(&kind)
                .filter(|kind| kind.is_method())
                .ok_or_else(|| {
                    r.refuse(format!(
                        "has the kind {kind:?}, which is not a payment kind"
                    ))
                })?,
            None if method_name.to_lowercase().contains("cash") => PaymentKind::Cash,
            None => PaymentKind::Other,
        };
        Ok(PaymentMethodDoc {
            id: r.id(),
            business_id: r.id_field(field::BUSINESS_ID)?,
            method_name,
            provider: r.text(field::PROVIDER)?.unwrap_or_default(),
            kind,
            created_at: r.time(field::CREATED_AT)?,
        })
    }
}
