//! Shelf labels on sheets for an office printer: one HTML page to print from a browser,
//! A4 or US Letter, each sheet a grid of sticker cells (3 × 8 cells of 70 × 37 mm on A4,
//! 3 × 10 of 66.7 × 25.4 mm on Letter: the common blank label sheets). Each cell holds the
//! product's name, its price (per unit for goods sold by measure), its SKU and its code as
//! a barcode drawn in SVG: EAN-13, UPC-A or EAN-8 for a GTIN, else Code 128. The bars come
//! from `barcoders` (the symbologies' tables); the layout is this module's.

use std::fmt::Write as _;

use barcoders::sym::code128::Code128;
use barcoders::sym::ean13::EAN13;
use barcoders::sym::ean8::EAN8;
use sellsync_core::catalog::barcode::{barcode_kind, BarcodeKind};
use sellsync_core::html::escape;
use sellsync_core::printing::label::ShelfLabel;
use thiserror::Error;

/// The paper the sheets are printed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetPaper {
    A4,
    Letter,
}

impl SheetPaper {
    /// `a4` or `letter`.
    pub fn parse(text: &str) -> Option<SheetPaper> {
        match text.trim().to_ascii_lowercase().as_str() {
            "a4" => Some(SheetPaper::A4),
            "letter" => Some(SheetPaper::Letter),
            _ => None,
        }
    }

    /// Its CSS page size, the cells across and down, and a cell's width and height in mm.
    fn layout(self) -> (&'static str, usize, usize, f32, f32) {
        match self {
            SheetPaper::A4 => ("A4", 3, 8, 70.0, 37.0),
            SheetPaper::Letter => ("letter", 3, 10, 66.7, 25.4),
        }
    }

    /// How many labels one sheet holds.
    pub fn labels_per_sheet(self) -> usize {
        let (_, across, down, _, _) = self.layout();
        across * down
    }
}

/// A sheet that cannot be drawn.
#[derive(Debug, Error)]
pub enum SheetError {
    #[error("There are no labels to print.")]
    Empty,
    #[error("The code {code} of {sku} cannot be drawn as a barcode: {why}")]
    Barcode {
        sku: String,
        code: String,
        why: String,
    },
}

impl SheetError {
    /// A stable code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            SheetError::Empty => "no_labels",
            SheetError::Barcode { .. } => "bad_barcode",
        }
    }
}

/// The bars of `code`: 1 a dark module, 0 a light one.
fn bars(label: &ShelfLabel) -> Result<Vec<u8>, SheetError> {
    let code = label.code.as_str();
    let refused = |why: barcoders::error::Error| SheetError::Barcode {
        sku: label.sku.clone(),
        code: code.to_owned(),
        why: why.to_string(),
    };
    Ok(match barcode_kind(code) {
        Some(BarcodeKind::Ean13) => EAN13::new(code).map_err(refused)?.encode(),
        // A UPC-A is the EAN-13 of its digits behind a 0.
        Some(BarcodeKind::UpcA) => EAN13::new(format!("0{code}")).map_err(refused)?.encode(),
        Some(BarcodeKind::Ean8) => EAN8::new(code).map_err(refused)?.encode(),
        // Character set B: letters, digits and the punctuation a SKU may have.
        None => Code128::new(format!("\u{0181}{code}"))
            .map_err(refused)?
            .encode(),
    })
}

/// The bars as an SVG drawing `width_mm` wide and `height_mm` high, one rectangle per
/// run of dark modules.
fn svg(bars: &[u8], width_mm: f32, height_mm: f32) -> String {
    let mut rects = String::new();
    let mut x = 0;
    while x < bars.len() {
        if bars[x] == 1 {
            let run = bars[x..].iter().take_while(|&&b| b == 1).count();
            let _ = write!(rects, r#"<rect x="{x}" width="{run}" height="1"/>"#);
            x += run;
        } else {
            x += 1;
        }
    }
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} 1" preserveAspectRatio="none" style="width:{width_mm}mm;height:{height_mm}mm" shape-rendering="crispEdges">{rects}</svg>"#,
        bars.len()
    )
}

/// `labels` (each as many times as it appears) on as many sheets of `paper` as they need,
/// as one HTML page titled `title`. Refused when there are none, or a code cannot be
/// drawn as its barcode.
pub fn label_sheets(
    labels: &[ShelfLabel],
    paper: SheetPaper,
    title: &str,
) -> Result<String, SheetError> {
    if labels.is_empty() {
        return Err(SheetError::Empty);
    }
    let (page, across, down, width, height) = paper.layout();
    // The sheets' margins centre the grid on the page.
    let (page_w, page_h) = match paper {
        SheetPaper::A4 => (210.0_f32, 297.0_f32),
        SheetPaper::Letter => (215.9, 279.4),
    };
    let margin_x = (page_w - width * across as f32) / 2.0;
    let margin_y = (page_h - height * down as f32) / 2.0;
    let mut html = format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
@page {{ size: {page}; margin: 0; }}
* {{ box-sizing: border-box; }}
body {{ margin: 0; font-family: "DejaVu Sans", Arial, sans-serif; }}
.sheet {{ width: {page_w}mm; height: {page_h}mm; padding: {margin_y}mm {margin_x}mm; display: grid;
  grid-template-columns: repeat({across}, {width}mm); grid-auto-rows: {height}mm;
  break-after: page; overflow: hidden; }}
.sheet:last-child {{ break-after: auto; }}
.label {{ padding: 2mm 3mm; display: flex; flex-direction: column; align-items: center;
  justify-content: space-between; overflow: hidden; }}
.name {{ font-size: 8pt; line-height: 1.15; max-height: 2.3em; overflow: hidden; text-align: center; }}
.price {{ font-size: 14pt; font-weight: bold; }}
.code {{ background: #fff; padding: 0 2mm; }}
.digits {{ font-size: 7pt; letter-spacing: 0.5pt; }}
</style></head><body>
"#,
        title = escape(title),
    );
    let bar_height = (height * 0.38).min(14.0);
    for sheet in labels.chunks(paper.labels_per_sheet()) {
        html.push_str(r#"<section class="sheet">"#);
        for label in sheet {
            let bars = bars(label)?;
            // One module of at least 0.26 mm, no wider than the cell allows.
            let module = ((width - 10.0) / bars.len() as f32).clamp(0.26, 0.4);
            let _ = write!(
                html,
                r#"<div class="label" data-sku="{sku}"><div class="name">{name}</div><div class="price">{price}</div><div class="code">{svg}</div><div class="digits">{code}</div></div>"#,
                sku = escape(&label.sku),
                name = escape(&label.name),
                price = escape(&label.price),
                svg = svg(&bars, module * bars.len() as f32, bar_height),
                code = escape(&label.code),
            );
        }
        html.push_str("</section>\n");
    }
    html.push_str("</body></html>\n");
    Ok(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(sku: &str, code: &str) -> ShelfLabel {
        ShelfLabel {
            name: format!("<{sku}> & co"),
            price: "$1.00".into(),
            sku: sku.into(),
            code: code.into(),
        }
    }

    #[test]
    fn labels_fill_sheets_in_order_and_names_are_escaped() {
        let labels: Vec<ShelfLabel> = (0..25)
            .map(|i| label(&format!("SKU-{i}"), &format!("SKU-{i}")))
            .collect();
        let html = label_sheets(&labels, SheetPaper::A4, "Shelf labels").unwrap();
        assert_eq!(
            html.matches(r#"<section class="sheet">"#).count(),
            2,
            "24 on A4, then 1"
        );
        assert_eq!(html.matches(r#"class="label""#).count(), 25);
        assert!(html.contains("&lt;SKU-0&gt; &amp; co"));
        let letter = label_sheets(&labels, SheetPaper::Letter, "Shelf labels").unwrap();
        assert_eq!(
            letter.matches(r#"<section class="sheet">"#).count(),
            1,
            "30 on Letter"
        );
    }

    #[test]
    fn a_gtin_is_drawn_in_its_symbology_and_a_bad_one_refused() {
        // EAN-13 and UPC-A are 95 modules, EAN-8 67.
        let modules = |code: &str| bars(&label("X", code)).unwrap().len();
        assert_eq!(modules("4006381333931"), 95);
        assert_eq!(modules("036000291452"), 95);
        assert_eq!(modules("96385074"), 67);
        let refused = bars(&label("X", "4006381333932")).unwrap_err();
        assert_eq!(refused.code(), "bad_barcode");
        assert!(refused.to_string().contains("4006381333932"), "{refused}");
        assert_eq!(
            label_sheets(&[], SheetPaper::A4, "none")
                .unwrap_err()
                .code(),
            "no_labels"
        );
    }
}
