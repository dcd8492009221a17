//! Product codes: barcodes with check digits (EAN-13, EAN-8, UPC-A) and SKU-like codes.
//!
//! A code made only of digits and 8, 12 or 13 long is a GTIN and must carry a valid check
//! digit: a misread scan or a mistyped digit is caught here rather than creating a product
//! nobody can scan. Any other code is accepted as a SKU-like string.

use sellsync_contract::gtin;
use thiserror::Error;

/// The longest product code (barcode or SKU) the till accepts.
pub const MAX_CODE_LEN: usize = 64;

/// Why a product code was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CodeError {
    #[error("the code is empty")]
    Empty,
    #[error("the code is longer than {MAX_CODE_LEN} characters")]
    TooLong,
    #[error("the code contains {0:?}; use letters, digits, '-', '_', '.' or '/'")]
    BadCharacter(char),
    #[error(
        "{kind} barcode {code} has a wrong check digit (expected {expected}); check the number"
    )]
    CheckDigit {
        kind: BarcodeKind,
        code: String,
        expected: u8,
    },
}

/// The barcode symbologies whose check digit the till verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarcodeKind {
    Ean13,
    Ean8,
    UpcA,
}

impl std::fmt::Display for BarcodeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BarcodeKind::Ean13 => "EAN-13",
            BarcodeKind::Ean8 => "EAN-8",
            BarcodeKind::UpcA => "UPC-A",
        })
    }
}

/// The kind of barcode a code is, judged by its shape alone (all digits, and its length).
pub fn barcode_kind(code: &str) -> Option<BarcodeKind> {
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match code.len() {
        13 => Some(BarcodeKind::Ean13),
        12 => Some(BarcodeKind::UpcA),
        8 => Some(BarcodeKind::Ean8),
        _ => None,
    }
}

/// Checks a product code (barcode or SKU) and returns it trimmed.
///
/// Codes are case-sensitive strings of letters, digits and `- _ . /`; a GTIN-shaped code
/// must have a valid check digit. `:` is refused so that `CODE:QTY` stays unambiguous.
pub fn validate_code(code: &str) -> Result<&str, CodeError> {
    let code = code.trim();
    if code.is_empty() {
        return Err(CodeError::Empty);
    }
    if code.chars().count() > MAX_CODE_LEN {
        return Err(CodeError::TooLong);
    }
    if let Some(c) = code
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/')))
    {
        return Err(CodeError::BadCharacter(c));
    }
    if let Some(kind) = barcode_kind(code) {
        let (payload, check) = code.split_at(code.len() - 1);
        let expected = gtin::check_digit(payload);
        if check.as_bytes()[0] - b'0' != expected {
            return Err(CodeError::CheckDigit {
                kind,
                code: code.to_owned(),
                expected,
            });
        }
    }
    Ok(code)
}

/// The forms under which a scanned code may be stored: a UPC-A is also an EAN-13 with a
/// leading zero, and scanners are configured to send either.
pub fn lookup_forms(code: &str) -> Vec<String> {
    let mut forms = vec![code.to_owned()];
    match barcode_kind(code) {
        Some(BarcodeKind::UpcA) => forms.push(format!("0{code}")),
        Some(BarcodeKind::Ean13) if code.starts_with('0') => forms.push(code[1..].to_owned()),
        _ => {}
    }
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_of_known_codes() {
        // (full code, kind) taken from real packaging.
        let valid = [
            ("4006381333931", BarcodeKind::Ean13),
            ("5901234123457", BarcodeKind::Ean13),
            ("0036000291452", BarcodeKind::Ean13),
            ("036000291452", BarcodeKind::UpcA),
            ("012345678905", BarcodeKind::UpcA),
            ("96385074", BarcodeKind::Ean8),
            ("73513537", BarcodeKind::Ean8),
        ];
        for (code, kind) in valid {
            assert_eq!(barcode_kind(code), Some(kind), "{code}");
            assert_eq!(validate_code(code), Ok(code), "{code}");
        }
    }

    #[test]
    fn wrong_check_digits_are_refused() {
        let cases = [
            ("4006381333932", BarcodeKind::Ean13, 1),
            ("036000291453", BarcodeKind::UpcA, 2),
            ("96385070", BarcodeKind::Ean8, 4),
        ];
        for (code, kind, expected) in cases {
            assert_eq!(
                validate_code(code),
                Err(CodeError::CheckDigit {
                    kind,
                    code: code.into(),
                    expected
                })
            );
        }
    }

    #[test]
    fn every_single_digit_error_is_caught() {
        let good = "5901234123457";
        for pos in 0..good.len() {
            for d in b'0'..=b'9' {
                let mut bytes = good.as_bytes().to_vec();
                if bytes[pos] == d {
                    continue;
                }
                bytes[pos] = d;
                let bad = String::from_utf8(bytes).unwrap();
                assert!(validate_code(&bad).is_err(), "{bad} passed");
            }
        }
    }

    #[test]
    fn sku_like_codes() {
        assert_eq!(validate_code(" IPH15-256GB "), Ok("IPH15-256GB"));
        assert_eq!(validate_code("12345"), Ok("12345"));
        assert_eq!(validate_code("A.B_C/1"), Ok("A.B_C/1"));
        assert_eq!(validate_code(""), Err(CodeError::Empty));
        assert_eq!(validate_code("   "), Err(CodeError::Empty));
        assert_eq!(validate_code("AB:2"), Err(CodeError::BadCharacter(':')));
        assert_eq!(validate_code("A B"), Err(CodeError::BadCharacter(' ')));
        assert_eq!(validate_code(&"X".repeat(65)), Err(CodeError::TooLong));
    }

    #[test]
    fn upc_a_and_ean13_forms() {
        assert_eq!(
            lookup_forms("036000291452"),
            ["036000291452", "0036000291452"]
        );
        assert_eq!(
            lookup_forms("0036000291452"),
            ["0036000291452", "036000291452"]
        );
        assert_eq!(lookup_forms("4006381333931"), ["4006381333931"]);
        assert_eq!(lookup_forms("SKU-1"), ["SKU-1"]);
    }
}
