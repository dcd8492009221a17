//! GS1 trade item numbers: the check digit that ends every EAN-13, UPC-A (GTIN-12) and
//! EAN-8. Shared by the till's product codes and the embedded-barcode rules.

/// The GS1 check digit for the digits of a GTIN without its last (check) digit.
///
/// Weights alternate 3 and 1 starting from the rightmost digit; the same rule serves
/// EAN-8, UPC-A (GTIN-12) and EAN-13. `payload` must be ASCII digits.
pub fn check_digit(payload: &str) -> u8 {
    let sum: u32 = payload
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                d * 3
            } else {
                d
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// Whether `code`, all digits, ends with the check digit of the digits before it.
pub fn has_valid_check_digit(code: &str) -> bool {
    match code.as_bytes().split_last() {
        Some((last, payload))
            if !payload.is_empty() && code.bytes().all(|b| b.is_ascii_digit()) =>
        {
            check_digit(&code[..payload.len()]) == last - b'0'
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_of_published_codes() {
        for code in [
            "4006381333931",
            "5901234123457",
            "036000291452",
            "96385074",
            "2011122912346",
        ] {
            assert!(has_valid_check_digit(code), "{code}");
            let (payload, last) = code.split_at(code.len() - 1);
            assert_eq!(check_digit(payload).to_string(), last, "{code}");
        }
        for code in ["4006381333932", "036000291453", "", "7", "12a4"] {
            assert!(!has_valid_check_digit(code), "{code}");
        }
    }
}
