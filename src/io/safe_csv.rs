//! Spreadsheet formula-injection guard for CSV outputs.
//!
//! Ticket text is untrusted. A cell that starts with `=`, `+`, `-`, `@`, tab or
//! carriage return can be executed as a formula when a CSV is opened in Excel,
//! LibreOffice or Google Sheets (OWASP "CSV injection"). Such cells are
//! prefixed with a single quote, which spreadsheets display as text. Plain
//! numbers (`-3.5`, `+1`) are left alone so numeric columns stay numeric.

use std::borrow::Cow;

/// Neutralise one cell value.
pub fn neutralize(cell: &str) -> Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') if cell.trim().parse::<f64>().is_err() => {
            Cow::Owned(format!("'{cell}"))
        }
        _ => Cow::Borrowed(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::neutralize;

    #[test]
    fn formulas_are_quoted_numbers_are_not() {
        assert_eq!(neutralize("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralize("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralize("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
        assert_eq!(neutralize("-2+3"), "'-2+3");
        assert_eq!(neutralize("-3.5"), "-3.5");
        assert_eq!(neutralize("hello"), "hello");
        assert_eq!(neutralize(""), "");
    }
}
