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

/// Undo [`neutralize`] on a cell read back from such a CSV (ticketlens's own
/// outputs, or any export that guards cells the OWASP way): a quote before
/// a formula character is dropped, so `'-None-` groups with `-None-` and
/// the model reads `-5 stars`, not `'-5 stars`. Any other cell is returned
/// as it is.
pub fn unguard(cell: &str) -> &str {
    match cell.as_bytes() {
        [b'\'', b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r', ..]
            if cell[1..].trim().parse::<f64>().is_err() =>
        {
            &cell[1..]
        }
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::{neutralize, unguard};

    #[test]
    fn unguard_undoes_neutralize() {
        for cell in [
            "=HYPERLINK(\"x\")",
            "@SUM(A1)",
            "-2+3",
            "\t=1+1",
            "-3.5",
            "hello",
            "",
        ] {
            assert_eq!(unguard(&neutralize(cell)), cell);
        }
        // A quote before anything else, or before a number, is the text's.
        assert_eq!(unguard("'quoted'"), "'quoted'");
        assert_eq!(unguard("'-3"), "'-3");
    }

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
