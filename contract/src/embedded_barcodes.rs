//! Price- and weight-embedded barcodes: the labels a deli's scale or a store's own label
//! printer makes, where a GS1 restricted circulation number (EAN-13 beginning `02` or
//! `20`–`29`, UPC-A beginning `2`) carries an item's code and its price, weight or count.
//!
//! A business describes its labels with [`BarcodeRule`]s: the prefix, where the item's
//! digits and the value's digits sit, what the value means and where its decimal point is,
//! and whether a price (or measure) verifier digit stands just before the value. Reading a
//! scanned code ([`read`]) checks the code's check digit and the verifier digit (GS1
//! General Specifications, section 7.9: the 4- and 5-digit algorithms), and gives the code
//! the product is filed under: the same code with the value's digits (and their verifier)
//! zeroed and the check digit computed again. A weight is in the product's own unit of
//! measure (kilograms for most, pounds where the store sells by the pound).
//!
//! Ready layouts ([`ready_layout`]) give a business its country's common labels to start
//! from; a scale's label settings are the authority, and every rule can be changed.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::gtin;

/// The longest name a rule may have.
pub const MAX_RULE_NAME: usize = 60;

/// The barcode a rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Symbology {
    /// EAN-13: 13 digits; restricted circulation numbers begin `02` or `20`–`29`.
    Ean13,
    /// UPC-A: 12 digits; number system `2` is for random-weight items.
    UpcA,
}

impl Symbology {
    /// Its name in documents and the REST API: `ean13`, `upc_a`.
    pub fn code(self) -> &'static str {
        match self {
            Symbology::Ean13 => "ean13",
            Symbology::UpcA => "upc_a",
        }
    }

    /// The symbology named `code`.
    pub fn parse(code: &str) -> Option<Symbology> {
        [Symbology::Ean13, Symbology::UpcA]
            .into_iter()
            .find(|s| s.code() == code)
    }

    /// How many digits a code of this symbology has, its check digit included.
    pub fn digits(self) -> usize {
        match self {
            Symbology::Ean13 => 13,
            Symbology::UpcA => 12,
        }
    }
}

impl fmt::Display for Symbology {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Symbology::Ean13 => "EAN-13",
            Symbology::UpcA => "UPC-A",
        })
    }
}

/// What the digits a rule reads out of a code mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Meaning {
    /// The price of the labelled item, in the business's currency.
    Price,
    /// Its weight, in the product's unit of measure.
    Weight,
    /// How many pieces the label is for.
    Count,
}

impl Meaning {
    /// Its name in documents and the REST API: `price`, `weight`, `count`.
    pub fn code(self) -> &'static str {
        match self {
            Meaning::Price => "price",
            Meaning::Weight => "weight",
            Meaning::Count => "count",
        }
    }

    /// The meaning named `code`.
    pub fn parse(code: &str) -> Option<Meaning> {
        [Meaning::Price, Meaning::Weight, Meaning::Count]
            .into_iter()
            .find(|m| m.code() == code)
    }
}

impl fmt::Display for Meaning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A run of digits in a code: from `start` (the first digit is 0), `len` digits long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub len: usize,
}

impl Span {
    fn end(self) -> usize {
        self.start + self.len
    }

    fn overlaps(self, other: Span) -> bool {
        self.start < other.end() && other.start < self.end()
    }

    fn of(self, code: &str) -> &str {
        &code[self.start..self.end()]
    }
}

/// How a business's labels carry an item and a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BarcodeRule {
    /// What the business calls it ("Deli scale, price").
    pub name: String,
    pub symbology: Symbology,
    /// The digits every such code begins with (`20`, `02`, `2`).
    pub prefix: String,
    /// Where the item's code sits.
    pub item: Span,
    /// Where the value sits.
    pub value: Span,
    pub meaning: Meaning,
    /// How many of the value's digits are after the decimal point.
    pub decimals: u8,
    /// The digit just before the value verifies it (a price or measure verifier digit;
    /// values of 4 or 5 digits).
    pub verifier: bool,
}

/// Why a rule, or a set of rules, was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RuleError {
    #[error("A barcode rule needs a name of at most {MAX_RULE_NAME} characters.")]
    Name,
    #[error("{prefix:?} is not a prefix of store labels for {symbology}: use {allowed}.")]
    Prefix {
        prefix: String,
        symbology: Symbology,
        allowed: &'static str,
    },
    #[error("The {part} of rule {rule:?} must sit between the prefix and the check digit of the {symbology} code: in digits {first} to {last}, counting from 1.")]
    OutOfCode {
        rule: String,
        part: &'static str,
        symbology: Symbology,
        first: usize,
        last: usize,
    },
    #[error("In rule {rule:?} the {first} and the {second} take the same digits.")]
    Overlap {
        rule: String,
        first: &'static str,
        second: &'static str,
    },
    #[error("In rule {rule:?} a value of {len} digits cannot have {decimals} decimals.")]
    Decimals {
        rule: String,
        len: usize,
        decimals: u8,
    },
    #[error("In rule {rule:?} a count has no decimals.")]
    CountDecimals { rule: String },
    #[error("In rule {rule:?} a verifier digit needs a value of 4 or 5 digits, not {len}.")]
    VerifierLength { rule: String, len: usize },
    #[error("In rule {rule:?} the value needs 1 to 6 digits and the item 1 to 6, not {value} and {item}.")]
    Lengths {
        rule: String,
        item: usize,
        value: usize,
    },
    #[error("Rules {first:?} and {second:?} would both read the codes that begin {prefix}: give them prefixes that differ.")]
    RulesOverlap {
        first: String,
        second: String,
        prefix: String,
    },
}

/// Why a scanned code that a rule reads was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReadError {
    #[error("{code} has a wrong check digit: scan it again, or type it with care.")]
    CheckDigit { code: String },
    #[error("The {meaning} on label {code} does not match its verifier digit: the label is misprinted or misread; scan it again or key the item.")]
    Verifier { code: String, meaning: Meaning },
}

/// A value read from a code: `digits` with `decimals` of them after the point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Value {
    pub meaning: Meaning,
    pub digits: u64,
    pub decimals: u8,
}

impl fmt::Display for Value {
    /// The value as a decimal: `12.34`, `1.234`, `3`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.decimals == 0 {
            return write!(f, "{}", self.digits);
        }
        let scale = 10u64.pow(u32::from(self.decimals));
        let width = usize::from(self.decimals);
        write!(f, "{}.{:0width$}", self.digits / scale, self.digits % scale)
    }
}

/// A scanned code that a rule reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embedded<'r> {
    pub rule: &'r BarcodeRule,
    /// The code as scanned, in the rule's symbology.
    pub code: String,
    /// The code the product is filed under: the value's digits (and their verifier)
    /// zeroed, the check digit computed again.
    pub product_code: String,
    /// The item's digits.
    pub item: String,
    pub value: Value,
}

impl BarcodeRule {
    /// Checks the rule on its own: a restricted prefix, parts inside the code and apart,
    /// decimals that fit.
    pub fn check(&self) -> Result<(), RuleError> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > MAX_RULE_NAME {
            return Err(RuleError::Name);
        }
        let restricted = match self.symbology {
            Symbology::Ean13 => {
                (self.prefix.starts_with('2') || self.prefix.starts_with("02"))
                    && self.prefix.len() >= 2
            }
            Symbology::UpcA => self.prefix.starts_with('2'),
        };
        if !restricted || self.prefix.len() > 3 || !self.prefix.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(RuleError::Prefix {
                prefix: self.prefix.clone(),
                symbology: self.symbology,
                allowed: match self.symbology {
                    Symbology::Ean13 => "02, or 20 to 29, and at most one digit more",
                    Symbology::UpcA => "2, and at most two digits more",
                },
            });
        }
        let rule = || self.name.clone();
        if !(1..=6).contains(&self.item.len) || !(1..=6).contains(&self.value.len) {
            return Err(RuleError::Lengths {
                rule: rule(),
                item: self.item.len,
                value: self.value.len,
            });
        }
        // Between the prefix and the check digit.
        let free = (self.prefix.len(), self.symbology.digits() - 1);
        let mut parts = vec![("item", self.item), ("value", self.value)];
        if self.verifier {
            if !matches!(self.value.len, 4 | 5) {
                return Err(RuleError::VerifierLength {
                    rule: rule(),
                    len: self.value.len,
                });
            }
            let start = self.value.start.checked_sub(1).unwrap_or(usize::MAX);
            parts.push(("verifier digit", Span { start, len: 1 }));
        }
        for (part, span) in &parts {
            if span.start < free.0 || span.start == usize::MAX || span.end() > free.1 {
                return Err(RuleError::OutOfCode {
                    rule: rule(),
                    part,
                    symbology: self.symbology,
                    first: free.0 + 1,
                    last: free.1,
                });
            }
        }
        for (i, (first, a)) in parts.iter().enumerate() {
            for (second, b) in &parts[i + 1..] {
                if a.overlaps(*b) {
                    return Err(RuleError::Overlap {
                        rule: rule(),
                        first,
                        second,
                    });
                }
            }
        }
        if usize::from(self.decimals) > self.value.len {
            return Err(RuleError::Decimals {
                rule: rule(),
                len: self.value.len,
                decimals: self.decimals,
            });
        }
        if self.meaning == Meaning::Count && self.decimals > 0 {
            return Err(RuleError::CountDecimals { rule: rule() });
        }
        Ok(())
    }

    /// Whether this rule reads `code`: its symbology's length and the prefix.
    fn is_for(&self, code: &str) -> bool {
        code.len() == self.symbology.digits() && code.starts_with(&self.prefix)
    }

    /// Reads `code`, which the rule is for.
    fn read<'r>(&'r self, code: &str) -> Result<Embedded<'r>, ReadError> {
        if !gtin::has_valid_check_digit(code) {
            return Err(ReadError::CheckDigit {
                code: code.to_owned(),
            });
        }
        let value_digits = self.value.of(code);
        if self.verifier {
            let written = code.as_bytes()[self.value.start - 1] - b'0';
            if verifier_digit(value_digits) != Some(written) {
                return Err(ReadError::Verifier {
                    code: code.to_owned(),
                    meaning: self.meaning,
                });
            }
        }
        let mut filed: Vec<u8> = code.as_bytes()[..code.len() - 1].to_vec();
        let zeroed = if self.verifier {
            self.value.start - 1..self.value.end()
        } else {
            self.value.start..self.value.end()
        };
        filed[zeroed].fill(b'0');
        let mut product_code = String::from_utf8(filed).expect("digits");
        let check = gtin::check_digit(&product_code);
        product_code.push(char::from(b'0' + check));
        Ok(Embedded {
            rule: self,
            code: code.to_owned(),
            product_code,
            item: self.item.of(code).to_owned(),
            value: Value {
                meaning: self.meaning,
                digits: value_digits.parse().expect("at most six digits"),
                decimals: self.decimals,
            },
        })
    }
}

impl BarcodeRule {
    /// The label code for the product filed under `product_code` (which this rule reads,
    /// its value zeroed) carrying `digits` as its value: the value written in, its verifier
    /// digit if the rule has one, the check digit computed again. `None` when the rule does
    /// not read the product's code or the value has more digits than the rule holds.
    pub fn compose(&self, product_code: &str, digits: u64) -> Option<String> {
        let code = [product_code.to_owned(), format!("0{product_code}")]
            .into_iter()
            .chain(product_code.strip_prefix('0').map(str::to_owned))
            .find(|form| self.is_for(form))?;
        let filed = self.read(&code).ok()?;
        if filed.value.digits != 0 || filed.product_code != code {
            return None;
        }
        let value = format!("{digits:0width$}", width = self.value.len);
        if value.len() > self.value.len {
            return None;
        }
        let mut bytes = code.into_bytes();
        bytes[self.value.start..self.value.end()].copy_from_slice(value.as_bytes());
        if self.verifier {
            bytes[self.value.start - 1] = b'0' + verifier_digit(&value)?;
        }
        let mut label = String::from_utf8(bytes[..bytes.len() - 1].to_vec()).expect("digits");
        label.push(char::from(b'0' + gtin::check_digit(&label)));
        Some(label)
    }
}

/// Checks each rule and that no two read the same codes (same symbology, one prefix
/// beginning the other).
pub fn check_rules(rules: &[BarcodeRule]) -> Result<(), RuleError> {
    for rule in rules {
        rule.check()?;
    }
    for (i, a) in rules.iter().enumerate() {
        for b in &rules[i + 1..] {
            let clash = a.symbology == b.symbology
                && (a.prefix.starts_with(&b.prefix) || b.prefix.starts_with(&a.prefix));
            if clash {
                return Err(RuleError::RulesOverlap {
                    first: a.name.clone(),
                    second: b.name.clone(),
                    prefix: a.prefix.clone().max(b.prefix.clone()),
                });
            }
        }
    }
    Ok(())
}

/// What `rules` read in a scanned `code`: `None` when no rule is for it (an ordinary
/// product code). A scanner may send a UPC-A as an EAN-13 with a leading `0`, or the
/// other way round: both forms are tried.
pub fn read<'r>(rules: &'r [BarcodeRule], code: &str) -> Result<Option<Embedded<'r>>, ReadError> {
    let code = code.trim();
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let mut forms = vec![code.to_owned()];
    match code.len() {
        13 if code.starts_with('0') => forms.push(code[1..].to_owned()),
        12 => forms.push(format!("0{code}")),
        _ => {}
    }
    for form in &forms {
        // Checked rules never overlap; the longest prefix wins among unchecked ones.
        let rule = rules
            .iter()
            .filter(|r| r.is_for(form))
            .max_by_key(|r| r.prefix.len());
        if let Some(rule) = rule {
            return rule.read(form).map(Some);
        }
    }
    Ok(None)
}

/// The digit that verifies a price (or measure) of 4 or 5 digits, by GS1's algorithms;
/// `None` for any other length.
pub fn verifier_digit(value: &str) -> Option<u8> {
    // The weighting factors' products, by digit (GS1 General Specifications 7.9.2).
    const TWO_MINUS: [u8; 10] = [0, 2, 4, 6, 8, 9, 1, 3, 5, 7];
    const THREE: [u8; 10] = [0, 3, 6, 9, 2, 5, 8, 1, 4, 7];
    const FIVE_PLUS: [u8; 10] = [0, 5, 1, 6, 2, 7, 3, 8, 4, 9];
    const FIVE_MINUS: [u8; 10] = [0, 5, 9, 4, 8, 3, 7, 2, 6, 1];
    let digits: Vec<usize> = value.bytes().map(|b| usize::from(b - b'0')).collect();
    let weighted = |tables: &[&[u8; 10]]| -> u32 {
        digits
            .iter()
            .zip(tables)
            .map(|(&d, table)| u32::from(table[d]))
            .sum()
    };
    match digits.len() {
        4 => Some(((weighted(&[&TWO_MINUS, &TWO_MINUS, &THREE, &FIVE_MINUS]) * 3) % 10) as u8),
        5 => {
            let sum = weighted(&[&FIVE_PLUS, &TWO_MINUS, &FIVE_MINUS, &FIVE_PLUS, &TWO_MINUS]);
            let wanted = ((10 - sum % 10) % 10) as u8;
            FIVE_MINUS
                .iter()
                .position(|&p| p == wanted)
                .map(|d| d as u8)
        }
        _ => None,
    }
}

/// The countries whose common label layouts [`ready_layout`] knows.
pub const READY_LAYOUTS: [&str; 4] = ["United States", "United Kingdom", "Germany", "Sweden"];

/// A country's common label layouts, to start from; `None` for a country not listed in
/// [`READY_LAYOUTS`] (matched without regard to case).
///
/// - United States: UPC-A `2`, a 5-digit item, a price verifier and the price in cents
///   (up to 99.99).
/// - United Kingdom: EAN-13 `20` and `28` (GS1 UK's variable measure prefixes), a 5-digit
///   item, a price verifier and the price in pence (up to 99.99).
/// - Germany: EAN-13 `21` (price) with a 5-digit item, a verifier and a 4-digit price in
///   cents, and `28` (weight) with a 5-digit item and 5 digits of grams.
/// - Sweden: EAN-13 `23` with a 6-digit item and the weight in grams (4 digits), and `20`
///   with the price in öre (4 digits).
pub fn ready_layout(country: &str) -> Option<Vec<BarcodeRule>> {
    let rule = |name: &str,
                symbology,
                prefix: &str,
                item: (usize, usize),
                value: (usize, usize),
                meaning,
                decimals,
                verifier| {
        BarcodeRule {
            name: name.to_owned(),
            symbology,
            prefix: prefix.to_owned(),
            item: Span {
                start: item.0,
                len: item.1,
            },
            value: Span {
                start: value.0,
                len: value.1,
            },
            meaning,
            decimals,
            verifier,
        }
    };
    use Meaning::{Price, Weight};
    use Symbology::{Ean13, UpcA};
    let country = READY_LAYOUTS
        .iter()
        .find(|c| c.eq_ignore_ascii_case(country.trim()))?;
    Some(match *country {
        "United States" => vec![rule(
            "Price label",
            UpcA,
            "2",
            (1, 5),
            (7, 4),
            Price,
            2,
            true,
        )],
        "United Kingdom" => vec![
            rule(
                "Price label (20)",
                Ean13,
                "20",
                (2, 5),
                (8, 4),
                Price,
                2,
                true,
            ),
            rule(
                "Price label (28)",
                Ean13,
                "28",
                (2, 5),
                (8, 4),
                Price,
                2,
                true,
            ),
        ],
        "Germany" => vec![
            rule("Preisetikett", Ean13, "21", (2, 5), (8, 4), Price, 2, true),
            rule(
                "Gewichtsetikett",
                Ean13,
                "28",
                (2, 5),
                (7, 5),
                Weight,
                3,
                false,
            ),
        ],
        _ => vec![
            rule("Viktetikett", Ean13, "23", (2, 6), (8, 4), Weight, 3, false),
            rule("Prisetikett", Ean13, "20", (2, 6), (8, 4), Price, 2, false),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(country: &str) -> Vec<BarcodeRule> {
        ready_layout(country).unwrap()
    }

    #[test]
    fn published_verifier_digits() {
        // GS1 General Specifications' worked examples, and the UK example's price.
        assert_eq!(verifier_digit("2875"), Some(9));
        assert_eq!(verifier_digit("14685"), Some(6));
        assert_eq!(verifier_digit("1234"), Some(9));
        assert_eq!(verifier_digit("123"), None);
        assert_eq!(verifier_digit("123456"), None);
    }

    #[test]
    fn published_labels_are_read() {
        let uk = layout("united kingdom");
        let read = read(&uk, "2011122912346").unwrap().unwrap();
        assert_eq!(read.rule.name, "Price label (20)");
        assert_eq!(read.item, "11122");
        assert_eq!(read.value.to_string(), "12.34");
        assert_eq!(read.value.meaning, Meaning::Price);
        assert_eq!(read.product_code, "2011122000005");
        assert!(gtin::has_valid_check_digit(&read.product_code));

        let sweden = layout("Sweden");
        let read = super::read(&sweden, "2388060112344").unwrap().unwrap();
        assert_eq!(read.value.meaning, Meaning::Weight);
        assert_eq!(read.value.to_string(), "1.234");
        assert_eq!(read.item, "880601");
        assert_eq!(read.product_code, "2388060100006");
        assert!(gtin::has_valid_check_digit(&read.product_code));
    }

    #[test]
    fn a_wrong_verifier_or_check_digit_is_refused() {
        let uk = layout("United Kingdom");
        // The check digit is right, the price verifier (8) is not.
        assert_eq!(
            read(&uk, "2011122812349"),
            Err(ReadError::Verifier {
                code: "2011122812349".into(),
                meaning: Meaning::Price
            })
        );
        assert_eq!(
            read(&uk, "2011122912347"),
            Err(ReadError::CheckDigit {
                code: "2011122912347".into()
            })
        );
        let message = read(&uk, "2011122812349").unwrap_err().to_string();
        assert!(
            message.contains("does not match its verifier digit"),
            "{message}"
        );
    }

    #[test]
    fn every_single_digit_change_in_the_price_is_caught() {
        let uk = layout("United Kingdom");
        let good = "2011122912346";
        for pos in 8..12 {
            for d in b'0'..=b'9' {
                let mut bytes = good.as_bytes().to_vec();
                if bytes[pos] == d {
                    continue;
                }
                bytes[pos] = d;
                // Keep the code's own check digit right: only the verifier can catch it.
                bytes[12] = b'0' + gtin::check_digit(std::str::from_utf8(&bytes[..12]).unwrap());
                let bad = String::from_utf8(bytes).unwrap();
                assert!(read(&uk, &bad).is_err(), "{bad} passed");
            }
        }
    }

    #[test]
    fn ordinary_codes_are_no_rules_business() {
        let uk = layout("United Kingdom");
        for code in [
            "4006381333931",
            "036000291452",
            "DAI-002",
            "2111122912343",
            "",
        ] {
            assert_eq!(read(&uk, code), Ok(None), "{code}");
        }
    }

    #[test]
    fn a_upc_a_label_is_read_in_either_form() {
        let us = layout("United States");
        // 2 01234 V 0599 C: a price of 5.99 for item 01234.
        let verifier = verifier_digit("0599").unwrap();
        let payload = format!("201234{verifier}0599");
        let code = format!("{payload}{}", gtin::check_digit(&payload));
        for form in [code.clone(), format!("0{code}")] {
            let read = read(&us, &form).unwrap().unwrap();
            assert_eq!(read.value.to_string(), "5.99");
            assert_eq!(read.item, "01234");
            assert_eq!(
                read.product_code,
                format!("20123400000{}", gtin::check_digit("20123400000"))
            );
        }
    }

    #[test]
    fn ready_layouts_are_sound() {
        for country in READY_LAYOUTS {
            check_rules(&layout(country)).unwrap_or_else(|e| panic!("{country}: {e}"));
        }
        assert_eq!(ready_layout("Atlantis"), None);
    }

    #[test]
    fn bad_rules_are_refused_in_words() {
        let base = layout("United Kingdom").remove(0);
        let with = |change: &dyn Fn(&mut BarcodeRule)| {
            let mut rule = base.clone();
            change(&mut rule);
            rule.check().unwrap_err()
        };
        assert!(matches!(
            with(&|r| r.prefix = "40".into()),
            RuleError::Prefix { .. }
        ));
        assert!(matches!(
            with(&|r| r.prefix = "2".into()),
            RuleError::Prefix { .. }
        ));
        assert!(matches!(with(&|r| r.name = " ".into()), RuleError::Name));
        assert!(matches!(
            with(&|r| r.value.start = 9),
            RuleError::OutOfCode { part: "value", .. }
        ));
        assert!(matches!(
            with(&|r| r.item.start = 1),
            RuleError::OutOfCode { part: "item", .. }
        ));
        assert!(matches!(
            with(&|r| r.item.len = 6),
            RuleError::Overlap {
                first: "item",
                second: "verifier digit",
                ..
            }
        ));
        assert!(matches!(
            with(&|r| r.decimals = 5),
            RuleError::Decimals { .. }
        ));
        assert!(matches!(
            with(&|r| r.value = Span { start: 10, len: 2 }),
            RuleError::VerifierLength { len: 2, .. }
        ));
        assert!(matches!(
            with(&|r| {
                r.meaning = Meaning::Count;
            }),
            RuleError::CountDecimals { .. }
        ));
        let message = with(&|r| r.value.start = 9).to_string();
        assert_eq!(
            message,
            "The value of rule \"Price label (20)\" must sit between the prefix and the check digit of the EAN-13 code: in digits 3 to 12, counting from 1."
        );
    }

    #[test]
    fn rules_that_read_the_same_codes_are_refused() {
        let mut rules = layout("United Kingdom");
        let mut twin = rules[0].clone();
        twin.name = "Deli".into();
        twin.prefix = "201".into();
        twin.item = Span { start: 3, len: 4 };
        rules.push(twin);
        assert_eq!(
            check_rules(&rules),
            Err(RuleError::RulesOverlap {
                first: "Price label (20)".into(),
                second: "Deli".into(),
                prefix: "201".into()
            })
        );
        // The same prefix in the other symbology reads other codes.
        let mut rules = layout("United States");
        rules.extend(layout("United Kingdom"));
        assert_eq!(check_rules(&rules), Ok(()));
    }

    #[test]
    fn a_label_composed_for_a_product_reads_back_as_its_value() {
        let sweden = ready_layout("Sweden").unwrap();
        let weight = sweden
            .iter()
            .find(|r| r.meaning == Meaning::Weight)
            .unwrap();
        // Filed under 2388060100006: 1.234 kg is the published 2388060112344.
        assert_eq!(
            weight.compose("2388060100006", 1234).as_deref(),
            Some("2388060112344")
        );
        let uk = ready_layout("United Kingdom").unwrap();
        let price = &uk[0];
        // Every price a UK label holds reads back as itself, verifier digit and all.
        for pence in [0_u64, 1, 999, 1234, 4567, 9999] {
            let code = price.compose("2011122000005", pence).unwrap();
            let read = read(&uk, &code).unwrap().unwrap();
            assert_eq!(
                (read.value.digits, read.product_code.as_str()),
                (pence, "2011122000005")
            );
        }
        assert_eq!(
            price.compose("2011122000005", 10_000),
            None,
            "five digits in four"
        );
        assert_eq!(
            price.compose("2011122912346", 1),
            None,
            "a label, not a product's code"
        );
        assert_eq!(price.compose("4006381333931", 1), None, "not a store code");
        let us = ready_layout("United States").unwrap();
        let code = us[0].compose("210001000002", 741).unwrap();
        assert_eq!(code, "210001007414");
    }
}
