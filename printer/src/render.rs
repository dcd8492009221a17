//! Print jobs as ESC/POS bytes, built with the `escpos` crate.
//!
//! Three workarounds for escpos 0.20, each sent as raw bytes through its `custom` command:
//! - the drawer: its `cash_drawer()` sends `ESC p 0` (3 bytes) where the command is
//!   `ESC p m t1 t2` (5 bytes); a printer then takes the next two bytes as the pulse times,
//!   so the drawer does not open and the cut that follows is eaten;
//! - CODE128: the crate has no such barcode, so `GS k 73` is written here;
//! - text: the crate's page-code tables send `-` as a soft hyphen in PC850 and PC858, so
//!   text goes through our own encoder ([`crate::charset`]).

use std::cell::RefCell;
use std::rc::Rc;

use escpos::driver::Driver;
use escpos::errors::Result;
use escpos::printer::Printer;
use escpos::utils::{JustifyMode, Protocol, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption};
use sellsync_core::catalog::barcode::{barcode_kind, BarcodeKind};
use sellsync_core::printing::label::{ShelfLabel, WeighedLabel};
use sellsync_core::printing::receipt::{wrap, LineStyle, Paper, Receipt};
use sellsync_core::printing::{CodePage, PrinterSettings};

use crate::charset;

const ESC: u8 = 0x1B;
const GS: u8 = 0x1D;

/// `ESC p 0 25 250`: a pulse on drawer pin 2 for 50 ms, then 500 ms off (times in 2 ms
/// units), which every common drawer answers.
pub const DRAWER_PULSE: [u8; 5] = [ESC, b'p', 0, 25, 250];

/// A QR module of 6 dots: the sale id's code is about 25 modules, 150 dots, which fits
/// 58 mm paper and scans from a phone or an imager.
const QR_MODULE_DOTS: u8 = 6;

/// The printable width in dots of the paper (203 dpi heads).
fn width_dots(paper: Paper) -> usize {
    match paper {
        Paper::Mm58 => 384,
        Paper::Mm80 => 576,
    }
}

/// The bytes of a receipt (or a report: one without codes). `open_drawer` sends the
/// drawer its pulse first, so that it opens while the receipt prints.
pub fn receipt(receipt: &Receipt, code_page: CodePage, open_drawer: bool) -> Result<Vec<u8>> {
    let mut job = Job::start(code_page)?;
    if open_drawer {
        job.printer.custom(&DRAWER_PULSE)?;
    }
    for line in &receipt.lines {
        job.line(&line.text, line.style)?;
    }
    if let Some(codes) = &receipt.codes {
        let qr = QRCodeOption::new(
            QRCodeModel::Model2,
            QR_MODULE_DOTS,
            QRCodeCorrectionLevel::M,
        );
        job.printer
            .feed()?
            .justify(JustifyMode::CENTER)?
            .qrcode_option(&codes.sale_id, qr)?
            .feed()?;
        job.code128(&codes.sale_number, width_dots(receipt.paper))?;
    }
    job.finish()
}

/// `copies` shelf labels of a product, each cut from the next: its name (over as many lines
/// as it takes), its price large,
/// its SKU, and its code as the barcode it is (EAN-13, UPC-A, EAN-8; CODE128 for a SKU).
pub fn shelf_labels(
    label: &ShelfLabel,
    copies: u16,
    code_page: CodePage,
    paper: Paper,
) -> Result<Vec<u8>> {
    let columns = paper.columns();
    let fit = |text: &str| -> String { text.chars().take(columns).collect() };
    let mut job = Job::start(code_page)?;
    for _ in 0..copies {
        for line in wrap(&label.name, columns) {
            job.line(&line, LineStyle::Bold)?;
        }
        job.line(&fit(&label.price), LineStyle::Large)?;
        job.line(&fit(&label.sku), LineStyle::Normal)?;
        let p = &mut job.printer;
        match barcode_kind(&label.code) {
            Some(BarcodeKind::Ean13) => {
                p.justify(JustifyMode::CENTER)?.ean13(&label.code)?;
            }
            Some(BarcodeKind::UpcA) => {
                p.justify(JustifyMode::CENTER)?.upca(&label.code)?;
            }
            Some(BarcodeKind::Ean8) => {
                p.justify(JustifyMode::CENTER)?.ean8(&label.code)?;
            }
            None => job.code128(&label.code, width_dots(paper))?,
        }
        job.printer.justify(JustifyMode::LEFT)?.cut()?;
    }
    job.into_bytes()
}

/// A weighed item's label: its name, weight at its price per unit, its price large, and
/// its code (the product's, with the weight or price written in), cut.
pub fn weighed_label(label: &WeighedLabel, code_page: CodePage, paper: Paper) -> Result<Vec<u8>> {
    let columns = paper.columns();
    let fit = |text: &str| -> String { text.chars().take(columns).collect() };
    let mut job = Job::start(code_page)?;
    for line in wrap(&label.name, columns) {
        job.line(&line, LineStyle::Bold)?;
    }
    job.line(
        &fit(&format!("{} @ {}", label.weight, label.unit_price)),
        LineStyle::Normal,
    )?;
    job.line(&fit(&label.price), LineStyle::Large)?;
    let p = &mut job.printer;
    match barcode_kind(&label.code) {
        Some(BarcodeKind::UpcA) => {
            p.justify(JustifyMode::CENTER)?.upca(&label.code)?;
        }
        _ => {
            p.justify(JustifyMode::CENTER)?.ean13(&label.code)?;
        }
    }
    job.printer.justify(JustifyMode::LEFT)?.cut()?;
    job.into_bytes()
}

/// The bytes that only open the drawer.
pub fn drawer() -> Result<Vec<u8>> {
    let mut job = Job::start(CodePage::Pc437)?;
    job.printer.custom(&DRAWER_PULSE)?;
    job.into_bytes()
}

/// A test page: the settings, a ruler of the paper's columns and the characters the code
/// page is expected to print.
pub fn test_page(settings: &PrinterSettings) -> Result<Vec<u8>> {
    let columns = settings.paper.columns();
    let mut job = Job::start(settings.code_page)?;
    job.line("Sell Sync", LineStyle::Large)?;
    job.line("Printer test page", LineStyle::Bold)?;
    let fit = |text: String| -> String { text.chars().take(columns).collect() };
    job.line(
        &fit(format!("Connection: {}", settings.connection)),
        LineStyle::Normal,
    )?;
    job.line(
        &fit(format!("Paper: {}, {columns} columns", settings.paper)),
        LineStyle::Normal,
    )?;
    job.line(
        &fit(format!("Code page: {}", settings.code_page)),
        LineStyle::Normal,
    )?;
    let ruler: String = (1..=columns)
        .map(|n| char::from(b'0' + (n % 10) as u8))
        .collect();
    job.line(&ruler, LineStyle::Normal)?;
    job.line(&"-".repeat(columns), LineStyle::Normal)?;
    let sample: String = "é ü ß ñ ø € £ ¥ Ж"
        .split(' ')
        .map(
            |c| match c.chars().all(|c| charset::can_print(settings.code_page, c)) {
                true => c,
                false => "?",
            },
        )
        .collect::<Vec<_>>()
        .join(" ");
    job.line(&sample, LineStyle::Normal)?;
    job.finish()
}

/// A job being written: an `escpos` printer whose driver keeps the bytes.
struct Job {
    printer: Printer<Buffer>,
    code_page: CodePage,
}

impl Job {
    /// `ESC @` (back to the printer's defaults), then the code page.
    fn start(code_page: CodePage) -> Result<Job> {
        let mut printer = Printer::new(Buffer::default(), Protocol::default(), None);
        printer
            .init()?
            .custom(&[ESC, b't', charset::esc_t_number(code_page)])?;
        Ok(Job { printer, code_page })
    }

    /// One line of text in `style`, then `ESC d 1` (print and feed a line).
    fn line(&mut self, text: &str, style: LineStyle) -> Result<()> {
        let (bold, size) = match style {
            LineStyle::Normal => (false, 1),
            LineStyle::Bold => (true, 1),
            LineStyle::Large => (true, 2),
        };
        let p = &mut self.printer;
        if bold {
            p.bold(true)?;
        }
        if size > 1 {
            p.size(size, size)?;
        }
        p.custom(&charset::encode(self.code_page, text))?;
        if size > 1 {
            p.reset_size()?;
        }
        if bold {
            p.bold(false)?;
        }
        p.feed()?;
        Ok(())
    }

    /// A CODE128 barcode (code set B) of `data`, centred, its text printed below it. Bars
    /// of 2 dots where the code fits the paper that way, else of 1.
    fn code128(&mut self, data: &str, width_dots: usize) -> Result<()> {
        let data: Vec<u8> = data
            .bytes()
            .filter(|b| (0x20..0x7F).contains(b) && *b != b'{')
            .collect();
        // Start, data, check and stop symbols of 11 modules, 2 more for the stop bar,
        // and 10 modules of quiet zone each side.
        let modules = (data.len() + 3) * 11 + 2 + 20;
        let module_dots = if modules * 2 <= width_dots { 2 } else { 1 };
        let mut command = vec![
            GS,
            b'h',
            80, // bar height: 80 dots, 10 mm
            GS,
            b'w',
            module_dots,
            GS,
            b'H',
            2, // the text below the bars
            GS,
            b'k',
            73, // CODE128, function B: length, then "{B" and the data
        ];
        command.push(u8::try_from(data.len() + 2).unwrap_or(u8::MAX));
        command.extend_from_slice(b"{B");
        command.extend(data.iter().take(usize::from(u8::MAX) - 2));
        self.printer
            .justify(JustifyMode::CENTER)?
            .custom(&command)?
            .justify(JustifyMode::LEFT)?;
        Ok(())
    }

    /// Feeds the paper past the cutter and cuts (`GS V 65 0`), and returns the bytes.
    fn finish(mut self) -> Result<Vec<u8>> {
        self.printer.justify(JustifyMode::LEFT)?.cut()?;
        self.into_bytes()
    }

    fn into_bytes(mut self) -> Result<Vec<u8>> {
        self.printer.print()?;
        Ok(self.printer.driver().bytes.take())
    }
}

/// An `escpos` driver that keeps what is written, to be sent by our own connections
/// (with their timeouts and status checks).
#[derive(Clone, Default)]
struct Buffer {
    bytes: Rc<RefCell<Vec<u8>>>,
}

impl Driver for Buffer {
    fn name(&self) -> String {
        "memory".into()
    }

    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.bytes.borrow_mut().extend_from_slice(data);
        Ok(())
    }

    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }

    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use sellsync_core::printing::receipt::{ReceiptLine, SaleCodes};

    use super::*;

    fn sample(paper: Paper) -> Receipt {
        let line = |text: &str, style| ReceiptLine {
            text: text.into(),
            style,
        };
        Receipt {
            paper,
            lines: vec![
                line("Café Müller", LineStyle::Large),
                line(&"-".repeat(paper.columns()), LineStyle::Normal),
                line("Crème brûlée            4.50", LineStyle::Normal),
                line("TOTAL     €4.50", LineStyle::Large),
            ],
            codes: Some(SaleCodes {
                sale_id: "65a1b2c3d4e5f60718293a4b".into(),
                sale_number: "T1-000042".into(),
            }),
        }
    }

    fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).position(|w| w == needle)
    }

    #[test]
    fn a_receipt_starts_with_init_and_code_page_and_ends_with_a_cut() {
        let bytes = receipt(&sample(Paper::Mm80), CodePage::Pc858, false).unwrap();
        assert_eq!(bytes[..5], [ESC, b'@', ESC, b't', 19]);
        assert_eq!(
            bytes[bytes.len() - 4..],
            [GS, b'V', b'A', 0],
            "feed and cut last"
        );
        assert!(
            find(&bytes, &DRAWER_PULSE).is_none(),
            "no drawer without cash"
        );
        assert!(find(&bytes, &[ESC, b'p']).is_none());
    }

    #[test]
    fn the_drawer_pulse_is_the_whole_five_byte_command() {
        let bytes = receipt(&sample(Paper::Mm58), CodePage::Pc858, true).unwrap();
        assert_eq!(bytes[5..10], DRAWER_PULSE, "right after init and code page");
        assert_eq!(
            drawer().unwrap(),
            [ESC, b'@', ESC, b't', 0, ESC, b'p', 0, 25, 250]
        );
    }

    #[test]
    fn text_is_sent_in_the_code_page_and_dashes_stay_dashes() {
        let bytes = receipt(&sample(Paper::Mm58), CodePage::Pc858, false).unwrap();
        // é ü è û € in PC858, and a rule of 32 ASCII dashes (escpos would send 0xF0).
        assert!(find(&bytes, &[b'C', b'a', b'f', 0x82, b' ', b'M', 0x81]).is_some());
        assert!(find(
            &bytes,
            &[b'C', b'r', 0x8A, b'm', b'e', b' ', b'b', b'r', 0x96]
        )
        .is_some());
        assert!(find(&bytes, &[0xD5, b'4', b'.', b'5', b'0']).is_some());
        assert!(find(&bytes, &[b'-'; 32]).is_some());
        assert!(!bytes.contains(&0xF0));
    }

    #[test]
    fn large_lines_are_bold_and_double_size_then_reset() {
        let bytes = receipt(&sample(Paper::Mm80), CodePage::Pc858, false).unwrap();
        let at = find(&bytes, b"TOTAL").unwrap();
        assert_eq!(bytes[at - 6..at], [ESC, b'E', 1, GS, b'!', 0x11]);
        let after = at + "TOTAL     ".len() + "€4.50".chars().count();
        // Back to normal size and weight, then `ESC d 1`: print the line, feed one.
        assert_eq!(
            bytes[after..after + 9],
            [GS, b'!', 0, ESC, b'E', 0, ESC, b'd', 1]
        );
    }

    #[test]
    fn the_sale_id_is_a_qr_code_and_the_number_a_code128_barcode() {
        let bytes = receipt(&sample(Paper::Mm58), CodePage::Pc858, false).unwrap();
        // GS ( k: store the data (cn 49, fn 80, m 48), then print it (fn 81).
        let id = b"65a1b2c3d4e5f60718293a4b";
        let mut store = vec![GS, b'(', b'k', (id.len() + 3) as u8, 0, 49, 80, 48];
        store.extend_from_slice(id);
        let stored = find(&bytes, &store).expect("QR data stored");
        let printed = find(&bytes, &[GS, b'(', b'k', 3, 0, 49, 81, 48]).expect("QR printed");
        assert!(stored < printed);
        // Model 2, error correction M.
        assert!(find(&bytes, &[GS, b'(', b'k', 4, 0, 49, 65, 50, 0]).is_some());
        assert!(find(&bytes, &[GS, b'(', b'k', 3, 0, 49, 69, 49]).is_some());
        // GS k 73 (CODE128, function B), length 11, code set B, the sale number.
        let code = find(&bytes, b"\x1dk\x49\x0b{BT1-000042").expect("CODE128");
        assert!(printed < code);
        assert_eq!(
            bytes[code - 9..code],
            [GS, b'h', 80, GS, b'w', 2, GS, b'H', 2]
        );
    }

    #[test]
    fn a_report_has_no_codes() {
        let mut report = sample(Paper::Mm80);
        report.codes = None;
        let bytes = receipt(&report, CodePage::Pc858, false).unwrap();
        assert!(find(&bytes, b"T1-000042").is_none());
        assert!(find(&bytes, &[GS, b'k']).is_none(), "no barcode");
        assert!(find(&bytes, &[GS, b'(', b'k']).is_none(), "no QR code");
        assert!(find(&bytes, b"TOTAL").is_some());
    }

    #[test]
    fn a_long_sale_number_gets_narrower_bars_on_58_mm() {
        let mut long = sample(Paper::Mm58);
        long.codes.as_mut().unwrap().sale_number = "TILL7-0000123456".into();
        let bytes = receipt(&long, CodePage::Pc858, false).unwrap();
        let code = find(&bytes, b"{BTILL7-0000123456").unwrap();
        assert_eq!(
            bytes[code - 8],
            1,
            "GS w 1: (16 + 3) x 11 + 22 modules x 2 dots > 384"
        );
        long.paper = Paper::Mm80;
        let bytes = receipt(&long, CodePage::Pc858, false).unwrap();
        let code = find(&bytes, b"{BTILL7-0000123456").unwrap();
        assert_eq!(bytes[code - 8], 2);
    }
}
