//! `businesses`: a tenant, its plan and the settings every till of it sells by.

use bson::oid::ObjectId;
use bson::{doc, Bson, Document};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::read::{whole_number, Read, Reader};
use super::value::{date, decimal, oid, or_null, percent};
use super::{field, Collection};
use crate::embedded_barcodes::{check_rules, BarcodeRule, Meaning, Span, Symbology};
use crate::ids::Id;
use crate::money::{Currency, Money, Percent};

#[derive(Debug, Clone, PartialEq)]
pub struct BusinessDoc {
    pub id: Id,
    pub business_name: String,
    pub business_owner: Option<Id>,
    /// `Free`, `Standard`, `Premium`.
    pub package_plan: Option<String>,
    /// `active`, `expired`, `canceled`.
    pub subscription_status: Option<String>,
    /// The seed's "for API access": the label (never the key) of the business's first API
    /// key, once it has one; central sets it with the key ([`BusinessDoc::first_key`]).
    pub api_key: Option<String>,
    pub settings: BusinessSettings,
    pub created_at: Option<DateTime<Utc>>,
}

/// `businesses.settings`. What a back office leaves out, a till keeps as it has it.
#[derive(Debug, Clone, PartialEq)]
pub struct BusinessSettings {
    pub currency: Currency,
    pub timezone: Tz,
    pub tax_inclusive: Option<bool>,
    pub default_tax_rate: Option<Percent>,
    pub max_cashier_discount: Option<Percent>,
    pub loyalty_points_per_unit: Option<i64>,
    /// In `currency`.
    pub loyalty_point_value: Option<Money>,
    /// How many days after a sale its items may come back without a manager.
    pub return_window_days: Option<i64>,
    /// In `currency`: the most a cashier refunds without a manager.
    pub cashier_refund_limit: Option<Money>,
    /// In `currency`: how far a shift's count may be from the expected cash without a
    /// manager.
    pub max_cash_difference: Option<Money>,
    /// How the business's price and weight labels are read ([`read_barcode_rules`]).
    pub barcode_rules: Option<Vec<BarcodeRule>>,
}

impl BusinessSettings {
    /// A business's settings with only its currency and time zone set: every other rule
    /// as a till has it by default.
    pub fn new(currency: Currency, timezone: Tz) -> BusinessSettings {
        BusinessSettings {
            currency,
            timezone,
            tax_inclusive: None,
            default_tax_rate: None,
            max_cashier_discount: None,
            loyalty_points_per_unit: None,
            loyalty_point_value: None,
            return_window_days: None,
            cashier_refund_limit: None,
            max_cash_difference: None,
            barcode_rules: None,
        }
    }
}

impl BusinessDoc {
    pub fn to_document(&self) -> Document {
        let s = &self.settings;
        let currency = &s.currency;
        doc! {
            field::ID: oid(self.id),
            field::BUSINESS_NAME: &self.business_name,
            field::BUSINESS_OWNER: or_null(self.business_owner, oid),
            field::PACKAGE_PLAN: self.package_plan.as_deref(),
            field::SUBSCRIPTION_STATUS: self.subscription_status.as_deref(),
            field::API_KEY: self.api_key.as_deref(),
            field::SETTINGS: {
                field::CURRENCY: currency.code(),
                field::TIMEZONE: s.timezone.name(),
                field::TAX_INCLUSIVE: s.tax_inclusive,
                field::DEFAULT_TAX_RATE: or_null(s.default_tax_rate, percent),
                field::MAX_CASHIER_DISCOUNT: or_null(s.max_cashier_discount, percent),
                field::LOYALTY_POINTS_PER_UNIT: s.loyalty_points_per_unit,
                field::LOYALTY_POINT_VALUE:
                    or_null(s.loyalty_point_value, |value| decimal(currency, value)),
                field::RETURN_WINDOW_DAYS: s.return_window_days,
                field::CASHIER_REFUND_LIMIT:
                    or_null(s.cashier_refund_limit, |limit| decimal(currency, limit)),
                field::MAX_CASH_DIFFERENCE:
                    or_null(s.max_cash_difference, |limit| decimal(currency, limit)),
                field::BARCODE_RULES: or_null(s.barcode_rules.as_deref(), barcode_rules_bson),
            },
            field::CREATED_AT: or_null(self.created_at, date),
        }
    }

    /// The write that gives `business` its seed `api_key` once it has a key: the filter
    /// and the update, which set `label` only where there is none yet, so the first key's
    /// label stays (and writing it again changes nothing).
    pub fn first_key(business: ObjectId, label: &str) -> (Document, Document) {
        (
            doc! {
                field::ID: business,
                "$or": [{ field::API_KEY: Bson::Null }, { field::API_KEY: { "$exists": false } }],
            },
            doc! { "$set": { field::API_KEY: label } },
        )
    }

    /// Refused without a name, a known currency or a known time zone.
    pub fn from_document(doc: &Document) -> Read<BusinessDoc> {
        let r = Reader::new(Collection::Businesses, doc)?;
        let code = r.required_text(field::SETTINGS_CURRENCY)?;
        let currency = Currency::from_code(&code)
            .map_err(|_| r.refuse(format!("has the currency {code:?}, which is not ISO 4217")))?;
        let zone = r.required_text(field::SETTINGS_TIMEZONE)?;
        let timezone: Tz = zone
            .parse()
            .map_err(|_| r.refuse(format!("has the time zone {zone:?}, which is not known")))?;
        Ok(BusinessDoc {
            id: r.id(),
            business_name: r.required_text(field::BUSINESS_NAME)?,
            business_owner: r.optional_id(field::BUSINESS_OWNER)?,
            package_plan: r.non_blank(field::PACKAGE_PLAN)?,
            subscription_status: r.non_blank(field::SUBSCRIPTION_STATUS)?,
            api_key: r.non_blank(field::API_KEY)?,
            settings: BusinessSettings {
                tax_inclusive: r.flag(field::SETTINGS_TAX_INCLUSIVE)?,
                default_tax_rate: r.percent(field::SETTINGS_DEFAULT_TAX_RATE)?,
                max_cashier_discount: r.percent(field::SETTINGS_MAX_CASHIER_DISCOUNT)?,
                loyalty_points_per_unit: r.integer(field::SETTINGS_LOYALTY_POINTS_PER_UNIT)?,
                loyalty_point_value: r.money(field::SETTINGS_LOYALTY_POINT_VALUE, &currency)?,
                return_window_days: r
                    .integer(field::SETTINGS_RETURN_WINDOW_DAYS)?
                    .filter(|days| *days >= 0),
                cashier_refund_limit: r
                    .money(field::SETTINGS_CASHIER_REFUND_LIMIT, &currency)?
                    .filter(|limit| limit.minor() >= 0),
                max_cash_difference: r
                    .money(field::SETTINGS_MAX_CASH_DIFFERENCE, &currency)?
                    .filter(|limit| limit.minor() >= 0),
                barcode_rules: r
                    .get(field::SETTINGS_BARCODE_RULES)
                    .filter(|rules| !matches!(rules, Bson::Null))
                    .map(read_barcode_rules)
                    .transpose()
                    .map_err(|e| r.refuse(format!("has barcode rules that do not hold: {e}")))?,
                currency,
                timezone,
            },
            created_at: r.time(field::CREATED_AT)?,
        })
    }
}

/// Barcode rules as central holds them (`settings.barcode_rules`): positions counted from
/// 1, as a label's layout is written (`{"from": 3, "digits": 5}`).
pub fn barcode_rules_bson(rules: &[BarcodeRule]) -> Bson {
    let span = |s: Span| doc! { field::FROM: s.start as i64 + 1, field::DIGITS: s.len as i64 };
    Bson::Array(
        rules
            .iter()
            .map(|rule| {
                Bson::Document(doc! {
                    field::RULE_NAME: &rule.name,
                    field::SYMBOLOGY: rule.symbology.code(),
                    field::PREFIX: &rule.prefix,
                    field::ITEM: span(rule.item),
                    field::VALUE: span(rule.value),
                    field::MEANING: rule.meaning.code(),
                    field::DECIMALS: i64::from(rule.decimals),
                    field::VERIFIER: rule.verifier,
                })
            })
            .collect(),
    )
}

/// Reads barcode rules as central holds them, each rule and all of them together
/// ([`check_rules`]); what is wrong, in words, otherwise.
pub fn read_barcode_rules(value: &Bson) -> Result<Vec<BarcodeRule>, String> {
    let Bson::Array(items) = value else {
        return Err(format!("{value} is not a list of rules"));
    };
    let rules = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let n = i + 1;
            let Bson::Document(rule) = item else {
                return Err(format!("rule {n} is not a document"));
            };
            let text = |name: &str| {
                rule.get_str(name)
                    .map(|t| t.trim().to_owned())
                    .map_err(|_| format!("rule {n} has no {name}"))
            };
            let number = |part: Option<&str>, name: &str| {
                let holder = match part {
                    Some(part) => rule.get_document(part).ok(),
                    None => Some(rule),
                };
                holder
                    .and_then(|d| d.get(name))
                    .and_then(whole_number)
                    .filter(|n| (0..=99).contains(n))
                    .map(|n| n as usize)
                    .ok_or_else(|| {
                        format!(
                            "rule {n} has no whole number {}{name}",
                            part.map(|p| format!("{p}.")).unwrap_or_default()
                        )
                    })
            };
            let span = |part: &str| -> Result<Span, String> {
                let from = number(Some(part), field::FROM)?;
                if from == 0 {
                    return Err(format!(
                        "rule {n} counts its {part} from 0: digits are counted from 1"
                    ));
                }
                Ok(Span {
                    start: from - 1,
                    len: number(Some(part), field::DIGITS)?,
                })
            };
            let symbology = text(field::SYMBOLOGY)?;
            let meaning = text(field::MEANING)?;
            Ok(BarcodeRule {
                name: text(field::RULE_NAME)?,
                symbology: Symbology::parse(&symbology)
                    .ok_or_else(|| format!("rule {n} is for {symbology:?}, not ean13 or upc_a"))?,
                prefix: text(field::PREFIX)?,
                item: span(field::ITEM)?,
                value: span(field::VALUE)?,
                meaning: Meaning::parse(&meaning).ok_or_else(|| {
                    format!("rule {n} means {meaning:?}, not price, weight or count")
                })?,
                decimals: match rule.get(field::DECIMALS) {
                    None | Some(Bson::Null) => 0,
                    Some(_) => number(None, field::DECIMALS)? as u8,
                },
                verifier: rule.get_bool(field::VERIFIER).unwrap_or(false),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    check_rules(&rules).map_err(|e| e.to_string())?;
    Ok(rules)
}
