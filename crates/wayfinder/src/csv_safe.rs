//! CSV cells that a spreadsheet will not run as formulas.

use std::borrow::Cow;

/// Prefixes `'` to a cell that starts with `=`, `+`, `-`, `@`, tab or carriage return, so that a
/// spreadsheet shows it as text instead of evaluating it (CSV injection).
pub fn csv_cell(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn formula_starts_are_neutralised() {
        for risky in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(csv_cell(risky), format!("'{risky}"));
        }
        for plain in ["", "Ann", "1-2", "a=b"] {
            assert_eq!(csv_cell(plain), plain);
        }
    }
}
