//! `stores`: one location of a business.

use bson::{doc, Bson, Document};
use chrono::{DateTime, Utc};

use super::read::{Read, Reader};
use super::value::{date, oid, or_null};
use super::{field, Collection};
use crate::ids::Id;

#[derive(Debug, Clone, PartialEq)]
pub struct StoreDoc {
    pub id: Id,
    pub business_id: Id,
    pub store_name: String,
    pub location: Option<String>,
    pub phone: Option<String>,
    pub operating_hours: Option<OperatingHours>,
    pub created_at: Option<DateTime<Utc>>,
}

/// When the store opens and closes, as the business writes it (`08:00`, `09:00 AM`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatingHours {
    pub open: String,
    pub close: String,
}

impl StoreDoc {
    pub fn to_document(&self) -> Document {
        let hours = self.operating_hours.as_ref().map_or(Bson::Null, |h| {
            Bson::Document(doc! { field::OPEN: &h.open, field::CLOSE: &h.close })
        });
        doc! {
            field::ID: oid(self.id),
            field::BUSINESS_ID: oid(self.business_id),
            field::STORE_NAME: &self.store_name,
            field::LOCATION: self.location.as_deref(),
            field::PHONE: self.phone.as_deref(),
            field::OPERATING_HOURS: hours,
            field::CREATED_AT: or_null(self.created_at, date),
        }
    }

    /// Refused without a name or a business. Only one of the opening hours reads as none.
    pub fn from_document(doc: &Document) -> Read<StoreDoc> {
        let r = Reader::new(Collection::Stores, doc)?;
        let open = r.non_blank(field::OPERATING_HOURS_OPEN)?;
        let close = r.non_blank(field::OPERATING_HOURS_CLOSE)?;
        // Both or none: one without the other says nothing a till can use.
        let operating_hours = match (open, close) {
            (Some(open), Some(close)) => Some(OperatingHours { open, close }),
            _ => None,
        };
        Ok(StoreDoc {
            id: r.id(),
            business_id: r.id_field(field::BUSINESS_ID)?,
            store_name: r.required_text(field::STORE_NAME)?,
            location: r.text(field::LOCATION)?,
            phone: r.text(field::PHONE)?,
            operating_hours,
            created_at: r.time(field::CREATED_AT)?,
        })
    }
}
