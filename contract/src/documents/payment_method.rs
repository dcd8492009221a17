//! `payment_methods`: the tenders a business takes.

use bson::{doc, Document};
use chrono::{DateTime, Utc};

use super::read::{Read, Reader};
use super::value::{date, oid, or_null};
use super::{field, Collection};
use crate::ids::Id;
use serde::{Deserialize, Serialize};

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

/// How a tender behaves at the counter: only cash gives change and opens the drawer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentKind {
    Cash,
    Card,
    Other,
    /// Loyalty points spent on a sale: a payment of a sale, never a payment method.
    Loyalty,
    /// The customer's store credit (from a refund) spent on a sale, or a refund given as
    /// store credit: a payment of a sale, never a payment method.
    StoreCredit,
}

impl PaymentKind {
    pub const ALL: [PaymentKind; 5] = [
        PaymentKind::Cash,
        PaymentKind::Card,
        PaymentKind::Other,
        PaymentKind::Loyalty,
        PaymentKind::StoreCredit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentKind::Cash => "cash",
            PaymentKind::Card => "card",
            PaymentKind::Other => "other",
            PaymentKind::Loyalty => "loyalty",
            PaymentKind::StoreCredit => "store_credit",
        }
    }

    pub fn parse(text: &str) -> Option<PaymentKind> {
        PaymentKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Whether a payment method may be of this kind.
    pub fn is_method(self) -> bool {
        !matches!(self, PaymentKind::Loyalty | PaymentKind::StoreCredit)
    }
}

/// A payment method to add.
#[derive(Debug, Clone)]
pub struct NewPaymentMethod {
    pub method_name: String,
    pub provider: String,
    pub kind: PaymentKind,
}

impl NewPaymentMethod {
    pub fn new(method_name: &str, provider: &str, kind: PaymentKind) -> NewPaymentMethod {
        NewPaymentMethod {
            method_name: method_name.to_owned(),
            provider: provider.to_owned(),
            kind,
        }
    }
}

/// The payment methods a new business starts with.
pub fn default_methods() -> Vec<NewPaymentMethod> {
    vec![
        NewPaymentMethod::new("Cash", "", PaymentKind::Cash),
        NewPaymentMethod::new("Card", "", PaymentKind::Card),
    ]
}
