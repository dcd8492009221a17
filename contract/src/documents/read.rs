//! Reading a central document field by field: each getter says what is wrong with a field
//! of the wrong type, and a missing or `null` field reads as `None`.

use bson::{Bson, Document};
use chrono::{DateTime, Utc};

use super::{field, Collection, Refusal};
use crate::ids::Id;
use crate::money::{Currency, Money, Percent};
use crate::quantity::Quantity;

/// A central document being read, with its collection and id for refusals.
pub struct Reader<'a> {
    collection: Collection,
    id: Id,
    doc: &'a Document,
}

pub(super) type Read<T> = Result<T, Refusal>;

/// A whole number as BSON may hold one: `Int32`, `Int64`, or a double without a fraction
/// (a back office's JavaScript writes `25` as a double).
pub fn whole_number(value: &Bson) -> Option<i64> {
    match value {
        Bson::Int32(n) => Some(i64::from(*n)),
        Bson::Int64(n) => Some(*n),
        Bson::Double(x) if x.fract() == 0.0 && x.abs() < 9e15 => Some(*x as i64),
        _ => None,
    }
}

/// A quantity as BSON may hold one ([`value::quantity`](super::value::quantity)): a whole
/// number, or a `Decimal128` of at most three decimals; never a fractional double, which is
/// not exact.
pub fn quantity_value(value: &Bson) -> Option<Quantity> {
    match value {
        Bson::Decimal128(d) => Quantity::parse_decimal(&d.to_string()).ok(),
        other => whole_number(other)
            .and_then(|n| n.checked_mul(Quantity::ONE.thousandths()))
            .map(Quantity::from_thousandths),
    }
}

/// A number as decimal text: `Decimal128`, an integer, or a finite double (a back office
/// may write `9.99` as a double; it is read as the decimal it prints as).
pub fn decimal_text(value: &Bson) -> Option<String> {
    match value {
        Bson::Decimal128(d) => Some(d.to_string()),
        Bson::Int32(n) => Some(n.to_string()),
        Bson::Int64(n) => Some(n.to_string()),
        Bson::Double(x) if x.is_finite() => Some(x.to_string()),
        _ => None,
    }
}

impl<'a> Reader<'a> {
    /// Starts reading `doc`; refused when its `_id` is not an ObjectId.
    pub fn new(collection: Collection, doc: &'a Document) -> Read<Reader<'a>> {
        match doc.get(field::ID) {
            Some(Bson::ObjectId(id)) => Ok(Reader {
                collection,
                id: Id::from(*id),
                doc,
            }),
            other => Err(Refusal {
                collection,
                id: other.map_or_else(|| "without an _id".to_owned(), Bson::to_string),
                reason: "has an _id that is not an ObjectId".into(),
            }),
        }
    }

    pub fn id(&self) -> Id {
        self.id
    }

    pub fn refuse(&self, reason: impl Into<String>) -> Refusal {
        Refusal {
            collection: self.collection,
            id: self.id.to_string(),
            reason: reason.into(),
        }
    }

    /// A document inside this one (a stock level, a sale's item), read with this
    /// document's collection and id.
    fn inner(&self, doc: &'a Document) -> Reader<'a> {
        Reader {
            collection: self.collection,
            id: self.id,
            doc,
        }
    }

    /// The value at `path` (`settings.currency`), `None` when missing or null.
    pub fn get(&self, path: &str) -> Option<&'a Bson> {
        let mut value = None;
        let mut doc = Some(self.doc);
        for key in path.split('.') {
            value = doc?.get(key);
            doc = value.and_then(Bson::as_document);
        }
        value.filter(|v| !matches!(v, Bson::Null | Bson::Undefined))
    }

    /// Text, trimmed; `None` when missing.
    pub fn text(&self, path: &str) -> Read<Option<String>> {
        match self.get(path) {
            None => Ok(None),
            Some(Bson::String(s)) => Ok(Some(s.trim().to_owned())),
            Some(other) => Err(self.refuse(format!("has {path} {other}, not text"))),
        }
    }

    /// Text that is neither missing nor blank.
    pub fn required_text(&self, path: &str) -> Read<String> {
        self.text(path)?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| self.refuse(format!("has no {path}")))
    }

    /// Text, `None` when missing or blank.
    pub fn non_blank(&self, path: &str) -> Read<Option<String>> {
        Ok(self.text(path)?.filter(|s| !s.is_empty()))
    }

    pub fn optional_id(&self, path: &str) -> Read<Option<Id>> {
        match self.get(path) {
            None => Ok(None),
            Some(Bson::ObjectId(id)) => Ok(Some(Id::from(*id))),
            Some(other) => Err(self.refuse(format!("has {path} {other}, not an ObjectId"))),
        }
    }

    pub fn id_field(&self, path: &str) -> Read<Id> {
        self.optional_id(path)?
            .ok_or_else(|| self.refuse(format!("has no {path}")))
    }

    pub fn integer(&self, path: &str) -> Read<Option<i64>> {
        match self.get(path) {
            None => Ok(None),
            Some(value) => whole_number(value)
                .map(Some)
                .ok_or_else(|| self.refuse(format!("has {path} {value}, not a whole number"))),
        }
    }

    /// A quantity ([`quantity_value`]).
    pub fn quantity(&self, path: &str) -> Read<Option<Quantity>> {
        match self.get(path) {
            None => Ok(None),
            Some(value) => quantity_value(value).map(Some).ok_or_else(|| {
                self.refuse(format!(
                    "has {path} {value}, not a quantity of at most three decimals"
                ))
            }),
        }
    }

    /// A quantity of zero or more (missing: zero; below zero reads as zero).
    pub fn non_negative_quantity(&self, path: &str) -> Read<Quantity> {
        Ok(self.quantity(path)?.unwrap_or_default().max(Quantity::ZERO))
    }

    pub fn flag(&self, path: &str) -> Read<Option<bool>> {
        match self.get(path) {
            None => Ok(None),
            Some(Bson::Boolean(b)) => Ok(Some(*b)),
            Some(other) => Err(self.refuse(format!("has {path} {other}, not true or false"))),
        }
    }

    /// A number as decimal text ([`decimal_text`]).
    fn decimal_text(&self, path: &str) -> Read<Option<String>> {
        match self.get(path) {
            None => Ok(None),
            Some(value) => decimal_text(value)
                .map(Some)
                .ok_or_else(|| self.refuse(format!("has {path} {value}, not a number"))),
        }
    }

    /// An amount of at least zero in `currency`'s decimals.
    pub fn money(&self, path: &str, currency: &Currency) -> Read<Option<Money>> {
        self.decimal_text(path)?
            .map(|text| {
                currency
                    .parse_non_negative(&text)
                    .map_err(|e| self.refuse(format!("has {path} {text}: {e}")))
            })
            .transpose()
    }

    /// An amount that may be below zero (a refund in a purchase history, a drawer short
    /// of its expected cash), in `currency`'s decimals.
    pub fn signed_money(&self, path: &str, currency: &Currency) -> Read<Option<Money>> {
        self.decimal_text(path)?
            .map(|text| {
                currency
                    .parse(&text)
                    .map_err(|e| self.refuse(format!("has {path} {text}: {e}")))
            })
            .transpose()
    }

    pub fn required_signed_money(&self, path: &str, currency: &Currency) -> Read<Money> {
        self.signed_money(path, currency)?
            .ok_or_else(|| self.refuse(format!("has no {path}")))
    }

    /// Refuses a document whose `currency` is not `currency`, the business's (its
    /// amounts would be read in the wrong decimals).
    pub fn require_currency(&self, currency: &Currency) -> Read<()> {
        let code = self.required_text(field::CURRENCY)?;
        if !code.eq_ignore_ascii_case(currency.code()) {
            return Err(self.refuse(format!("is in {code}, not the business's {currency}")));
        }
        Ok(())
    }

    pub fn required_money(&self, path: &str, currency: &Currency) -> Read<Money> {
        self.money(path, currency)?
            .ok_or_else(|| self.refuse(format!("has no {path}")))
    }

    pub fn percent(&self, path: &str) -> Read<Option<Percent>> {
        self.decimal_text(path)?
            .map(|text| {
                Percent::parse(&text).map_err(|e| self.refuse(format!("has {path} {text}: {e}")))
            })
            .transpose()
    }

    pub fn time(&self, path: &str) -> Read<Option<DateTime<Utc>>> {
        match self.get(path) {
            None => Ok(None),
            Some(Bson::DateTime(at)) => Ok(Some(at.to_chrono())),
            Some(other) => Err(self.refuse(format!("has {path} {other}, not a date"))),
        }
    }

    pub fn required_time(&self, path: &str) -> Read<DateTime<Utc>> {
        self.time(path)?
            .ok_or_else(|| self.refuse(format!("has no {path}")))
    }

    /// A list, each item read with `item`; `None` when missing.
    fn list<T>(&self, path: &str, item: impl Fn(&'a Bson) -> Read<T>) -> Read<Option<Vec<T>>> {
        let Some(value) = self.get(path) else {
            return Ok(None);
        };
        let Bson::Array(items) = value else {
            return Err(self.refuse(format!("has {path} {value}, not a list")));
        };
        items.iter().map(item).collect::<Read<Vec<T>>>().map(Some)
    }

    /// A list of documents (a product's stock levels, a sale's items), each read with
    /// `read`; `None` when missing.
    pub fn documents<T>(
        &self,
        path: &str,
        read: impl Fn(&Reader<'a>) -> Read<T>,
    ) -> Read<Option<Vec<T>>> {
        self.list(path, |item| match item {
            Bson::Document(doc) => read(&self.inner(doc)),
            other => Err(self.refuse(format!("has {other} in {path}, not a document"))),
        })
    }

    /// The documents of a list that `read` accepts, the others left out (for a record a
    /// back office may have written loosely); empty when missing or not a list.
    pub fn readable_documents<T>(
        &self,
        path: &str,
        read: impl Fn(&Reader<'a>) -> Read<T>,
    ) -> Vec<T> {
        match self.get(path) {
            Some(Bson::Array(items)) => items
                .iter()
                .filter_map(Bson::as_document)
                .filter_map(|doc| read(&self.inner(doc)).ok())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// A list of text values; `None` when missing.
    pub fn texts(&self, path: &str) -> Read<Option<Vec<String>>> {
        self.list(path, |item| match item {
            Bson::String(s) => Ok(s.trim().to_owned()),
            other => Err(self.refuse(format!("has {other} in {path}, not text"))),
        })
    }

    /// The document's `business_id` (a business's own `_id` for `businesses`).
    pub fn business_id(&self) -> Read<Id> {
        if self.collection.is_scoped() {
            self.id_field(field::BUSINESS_ID)
        } else {
            Ok(self.id)
        }
    }
}

#[cfg(test)]
mod tests {
    use bson::{doc, oid::ObjectId};

    use super::*;

    #[test]
    fn fields_of_the_wrong_type_are_named() {
        let doc = doc! {
            "_id": ObjectId::new(),
            "price": "cheap",
            "stock": 2.5,
            "count": 25.0,
            "blank": "  ",
            "gone": null,
            "settings": { "currency": "EUR" },
        };
        let r = Reader::new(Collection::Products, &doc).unwrap();
        let usd = Currency::from_code("USD").unwrap();
        let err = r.money("price", &usd).unwrap_err();
        assert!(
            err.to_string().contains("price \"cheap\", not a number"),
            "{err}"
        );
        assert!(r.integer("stock").is_err());
        assert_eq!(r.integer("count").unwrap(), Some(25));
        assert_eq!(r.non_blank("blank").unwrap(), None);
        assert!(r.required_text("blank").is_err());
        assert_eq!(r.text("gone").unwrap(), None);
        assert_eq!(r.text("settings.currency").unwrap().as_deref(), Some("EUR"));
        let err = Reader::new(Collection::Users, &doc! { "_id": "x" })
            .err()
            .unwrap();
        assert!(err.to_string().contains("not an ObjectId"), "{err}");
    }
}
