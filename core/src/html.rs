//! Text made safe inside the HTML pages Sell Sync writes: a purchase order for the
//! supplier, shelf labels on sheets.

/// `text` safe inside HTML, in an element or a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn text_from_the_till_cannot_make_markup() {
        assert_eq!(
            escape("<b>Tom's \"A&B\"</b>"),
            "&lt;b&gt;Tom&#39;s &quot;A&amp;B&quot;&lt;/b&gt;"
        );
        assert_eq!(escape("Milk 1 L"), "Milk 1 L");
    }
}
