//! Label sheets as an office printer gets them: the page a real Chromium lays out and
//! prints, its barcodes read back from the rendered pixels by an independent decoder
//! (zbar's `zbarimg`), and the sheets it prints to PDF counted.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use common::cafe;
use sellsync_core::printing::label::ShelfLabel;
use sellsync_core::NewProduct;
use sellsync_printer::sheet::{label_sheets, SheetPaper};

/// Runs the system's Chromium headless on `page` with `args`.
fn chromium(page: &Path, args: &[&str]) {
    let status = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
        ])
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("Chromium runs (the system's chromium package)");
    assert!(
        status.status.success(),
        "chromium {args:?}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

/// The codes zbar reads in the picture `png`, as printed on the labels (a UPC-A is read as
/// the EAN-13 behind a 0).
fn read_codes(png: &Path) -> BTreeSet<String> {
    let output = Command::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(png)
        .output()
        .expect("zbarimg runs (the system's zbar-tools package)");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|code| match code.strip_prefix('0') {
            Some(upc) if code.len() == 13 => upc.to_owned(),
            _ => code.to_owned(),
        })
        .collect()
}

/// How many pages a PDF has.
fn pages(pdf: &Path) -> usize {
    let bytes = std::fs::read(pdf).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    text.matches("/Type /Page").count() - text.matches("/Type /Pages").count()
}

#[test]
fn a_sheet_prints_its_labels_with_barcodes_a_scanner_reads() {
    let mut cafe = cafe();
    let owner = cafe.owner.clone();
    let euro = sellsync_core::Currency::from_code("EUR").unwrap();
    for (sku, name, barcode) in [
        ("CAFE-G", "Café moulu, 250 g", Some("4006381333931")),
        ("THE-V", "Thé vert <bio> & menthe", Some("036000291452")),
        ("MIEL", "Miel de lavande", Some("96385074")),
        ("CONF-F", "Confiture de figues", None),
    ] {
        cafe.till
            .add_product(
                &owner,
                &NewProduct {
                    sku: sku.into(),
                    product_name: name.into(),
                    price: euro.parse("4.20").unwrap(),
                    barcode: barcode.map(str::to_owned),
                    ..NewProduct::default()
                },
            )
            .unwrap();
    }
    let labels: Vec<ShelfLabel> = ["CAFE-G", "THE-V", "MIEL", "CONF-F"]
        .into_iter()
        .map(|sku| cafe.till.shelf_label(sku).unwrap())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("labels.html");
    std::fs::write(
        &page,
        label_sheets(&labels, SheetPaper::A4, "Shelf labels").unwrap(),
    )
    .unwrap();

    // An A4 page at 96 dpi, drawn three times as fine, as a 300 dpi printer would.
    let png = dir.path().join("labels.png");
    chromium(
        &page,
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=794,1123",
            "--force-device-scale-factor=3",
        ],
    );
    assert_eq!(
        read_codes(&png),
        BTreeSet::from(["4006381333931", "036000291452", "96385074", "CONF-F"].map(str::to_owned)),
        "every label's code, read from the page's pixels"
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("Thé vert &lt;bio&gt; &amp; menthe"));
    assert!(html.contains("€4.20"), "{html}");

    // 25 labels: a full A4 sheet of 24 and one more, as the browser prints them.
    let many: Vec<ShelfLabel> = std::iter::repeat_n(labels[0].clone(), 25).collect();
    std::fs::write(
        &page,
        label_sheets(&many, SheetPaper::A4, "Shelf labels").unwrap(),
    )
    .unwrap();
    let pdf = dir.path().join("labels.pdf");
    chromium(
        &page,
        &[
            &format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer",
        ],
    );
    assert_eq!(pages(&pdf), 2);
}
