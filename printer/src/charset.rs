//! Text to printer bytes, one byte per character, in the code page the printer is set to.
//!
//! Our own encoder rather than the `escpos` crate's text commands: with a page code set,
//! escpos 0.20 looks every character up in its own tables, and in several of them (PC850
//! and PC858 among them) `-` is listed at the soft hyphen's place, so a rule of dashes
//! prints as soft hyphens. Here ASCII is sent as ASCII and only characters above it are
//! looked up, in `oem_cp`'s IBM tables and `encoding_rs`'s Windows-1252.

use sellsync_core::printing::CodePage;

/// The number `ESC t n` selects the code page by, as Epson numbers them (followed by most
/// ESC/POS printers).
pub fn esc_t_number(page: CodePage) -> u8 {
    match page {
        CodePage::Pc437 => 0,
        CodePage::Pc850 => 2,
        CodePage::Wpc1252 => 16,
        CodePage::Pc866 => 17,
        CodePage::Pc852 => 18,
        CodePage::Pc858 => 19,
    }
}

/// The byte that prints `c` in `page`, if the page has it. Control characters have none.
pub fn encode_char(page: CodePage, c: char) -> Option<u8> {
    if (' '..='~').contains(&c) {
        return Some(c as u8);
    }
    if c.is_ascii() {
        return None;
    }
    let table = match page {
        CodePage::Pc437 => &oem_cp::code_table::ENCODING_TABLE_CP437,
        CodePage::Pc850 => &oem_cp::code_table::ENCODING_TABLE_CP850,
        CodePage::Pc852 => &oem_cp::code_table::ENCODING_TABLE_CP852,
        CodePage::Pc858 => &oem_cp::code_table::ENCODING_TABLE_CP858,
        CodePage::Pc866 => &oem_cp::code_table::ENCODING_TABLE_CP866,
        CodePage::Wpc1252 => {
            let mut utf8 = [0; 4];
            let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut utf8));
            return match *bytes {
                [byte] if !unmappable && byte >= 0x80 => Some(byte),
                _ => None,
            };
        }
    };
    table.get(&c).copied().filter(|&byte| byte >= 0x80)
}

/// Whether `page` can print `c`.
pub fn can_print(page: CodePage, c: char) -> bool {
    encode_char(page, c).is_some()
}

/// The bytes of `text` in `page`; a character the page lacks prints as `?` (receipt
/// layout has already replaced such characters with readable stand-ins).
pub fn encode(page: CodePage, text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| encode_char(page, c).unwrap_or(b'?'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_sent_as_is_even_the_hyphen() {
        for page in CodePage::ALL {
            assert_eq!(encode(page, "A-1 x 2.50"), b"A-1 x 2.50", "{page}");
        }
    }

    #[test]
    fn western_letters_and_currency_signs() {
        // Bytes from the code pages' published tables.
        assert_eq!(encode(CodePage::Pc858, "éü€£"), [0x82, 0x81, 0xD5, 0x9C]);
        assert_eq!(encode(CodePage::Pc850, "éü£"), [0x82, 0x81, 0x9C]);
        assert_eq!(encode(CodePage::Pc437, "éü£"), [0x82, 0x81, 0x9C]);
        assert_eq!(encode(CodePage::Wpc1252, "éü€£"), [0xE9, 0xFC, 0x80, 0xA3]);
        assert_eq!(encode(CodePage::Pc852, "łś"), [0x88, 0x98]);
        assert_eq!(encode(CodePage::Pc866, "Жж"), [0x86, 0xA6]);
    }

    #[test]
    fn what_a_page_lacks_is_known() {
        assert!(!can_print(CodePage::Pc850, '€'));
        assert!(!can_print(CodePage::Pc437, '€'));
        assert!(can_print(CodePage::Pc858, '€'));
        assert!(!can_print(CodePage::Pc858, 'Ж'));
        assert!(!can_print(CodePage::Wpc1252, '寿'));
        assert!(!can_print(CodePage::Pc858, '\u{1b}'));
        assert!(!can_print(CodePage::Pc858, '\n'));
        assert_eq!(encode(CodePage::Pc437, "a€b"), b"a?b");
    }
}
