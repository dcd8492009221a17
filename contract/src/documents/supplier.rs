//! `suppliers`: who a business buys its products from (the seed's fields).

use bson::{doc, Document};
use chrono::{DateTime, Utc};

use super::read::{Read, Reader};
use super::value::{date, oid, or_null};
use super::{field, Collection};
use crate::ids::Id;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplierDoc {
    pub id: Id,
    pub business_id: Id,
    pub supplier_name: String,
    pub contact_person: String,
    /// Lower case.
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: String,
    pub created_at: Option<DateTime<Utc>>,
}

impl SupplierDoc {
    pub fn to_document(&self) -> Document {
        doc! {
            field::ID: oid(self.id),
            field::BUSINESS_ID: oid(self.business_id),
            field::SUPPLIER_NAME: &self.supplier_name,
            field::CONTACT_PERSON: &self.contact_person,
            field::EMAIL: self.email.as_deref(),
            field::PHONE: self.phone.as_deref(),
            field::ADDRESS: &self.address,
            field::CREATED_AT: or_null(self.created_at, date),
        }
    }

    /// Refused without a name; every other field may be missing (a back office's
    /// supplier with only a name is still one to order from).
    pub fn from_document(doc: &Document) -> Read<SupplierDoc> {
        let r = Reader::new(Collection::Suppliers, doc)?;
        Ok(SupplierDoc {
            id: r.id(),
            business_id: r.id_field(field::BUSINESS_ID)?,
            supplier_name: r.required_text(field::SUPPLIER_NAME)?,
            contact_person: r.text(field::CONTACT_PERSON)?.unwrap_or_default(),
            email: r.non_blank(field::EMAIL)?.map(|e| e.to_lowercase()),
            phone: r.non_blank(field::PHONE)?,
            address: r.text(field::ADDRESS)?.unwrap_or_default(),
            created_at: r.time(field::CREATED_AT)?,
        })
    }
}
