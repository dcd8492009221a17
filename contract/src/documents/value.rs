//! BSON values as the central database holds them: ObjectIds, BSON dates, `Decimal128`
//! money in the currency's decimals, percentages and quantities.

use std::str::FromStr;

use bson::{Bson, Decimal128};
use chrono::{DateTime, Utc};

use crate::ids::Id;
use crate::money::{Currency, Money, Percent};
use crate::quantity::Quantity;

pub fn oid(id: Id) -> Bson {
    Bson::ObjectId(id.object_id())
}

pub fn date(at: DateTime<Utc>) -> Bson {
    Bson::DateTime(bson::DateTime::from_chrono(at))
}

/// An amount of money: `Decimal128` in the currency's decimals (`999.99`, `1.250`).
pub fn decimal(currency: &Currency, amount: Money) -> Bson {
    let text = currency.format(amount);
    Bson::Decimal128(Decimal128::from_str(&text).expect("a formatted amount is a decimal"))
}

/// A percentage as a decimal (`8.875` for 8.875%).
pub fn percent(rate: Percent) -> Bson {
    let text = rate.to_string();
    let number = text.trim_end_matches('%');
    Bson::Decimal128(Decimal128::from_str(number).expect("a percentage is a decimal"))
}

/// A quantity: an `Int64` when whole (every count of pieces, as the seed has them), a
/// `Decimal128` otherwise (`0.742`). MongoDB compares and sums the two exactly: `$inc` of
/// a `Decimal128` on an `Int64` stock gives a `Decimal128`, and `$sum` over both does too.
pub fn quantity(quantity: Quantity) -> Bson {
    match quantity.whole() {
        Some(n) => Bson::Int64(n),
        None => Bson::Decimal128(
            Decimal128::from_str(&quantity.decimal()).expect("a quantity is a decimal"),
        ),
    }
}

/// `None` as BSON `null`: the till writes every field of a document, set or not.
pub(super) fn or_null<T>(value: Option<T>, to_bson: impl FnOnce(T) -> Bson) -> Bson {
    value.map_or(Bson::Null, to_bson)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::parse_timestamp;

    #[test]
    fn values_are_canonical_extended_json() {
        let usd = Currency::from_code("USD").unwrap();
        let kwd = Currency::from_code("KWD").unwrap();
        let id = Id::new();
        let doc = bson::doc! {
            "_id": oid(id),
            "price": decimal(&usd, Money::from_minor(99_999)),
            "fils": decimal(&kwd, Money::from_minor(1250)),
            "rate": percent(Percent::from_thousandths(8875)),
            "pieces": quantity(Quantity::units(2)),
            "weight": quantity(Quantity::from_thousandths(742)),
            "at": date(parse_timestamp("2026-11-25T09:00:00Z").unwrap()),
        };
        let json = Bson::Document(doc).into_canonical_extjson();
        assert_eq!(json["_id"]["$oid"], id.to_string());
        assert_eq!(json["price"]["$numberDecimal"], "999.99");
        assert_eq!(json["fils"]["$numberDecimal"], "1.250");
        assert_eq!(json["rate"]["$numberDecimal"], "8.875");
        assert_eq!(json["pieces"]["$numberLong"], "2");
        assert_eq!(json["weight"]["$numberDecimal"], "0.742");
        assert_eq!(json["at"]["$date"]["$numberLong"], "1795597200000");
        let back = Bson::try_from(json).unwrap();
        assert_eq!(
            back.as_document().unwrap().get_object_id("_id").unwrap(),
            id.object_id()
        );
    }
}
