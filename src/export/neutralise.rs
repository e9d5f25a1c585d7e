//! Which cells a spreadsheet could take for a formula, and how they are
//! kept as text. See the module doc of [`crate::export`] for the rule and
//! why it also catches phone numbers and negative numbers.

use std::borrow::Cow;

/// The characters that start a formula in Excel, `LibreOffice` Calc and
/// Google Sheets.
const FORMULA_STARTS: [char; 4] = ['=', '+', '-', '@'];

/// Control characters OWASP and ASVS 1.2.10 list as dangerous in first
/// place by themselves: some importers drop them and read what follows.
const CONTROL_STARTS: [char; 4] = ['\t', '\r', '\n', '\0'];

/// Whether a spreadsheet could read `cell` as a formula: it starts with a
/// control character, or its first character after any whitespace starts a
/// formula (Excel and `LibreOffice` can trim leading spaces on import).
#[must_use]
pub(crate) fn is_formula_like(cell: &str) -> bool {
    cell.starts_with(CONTROL_STARTS) || cell.trim_start().starts_with(FORMULA_STARTS)
}

/// `cell` as it goes into a CSV file: a single quote in front when it is
/// formula-like, unchanged otherwise.
#[must_use]
pub(crate) fn quoted(cell: &str) -> Cow<'_, str> {
    if is_formula_like(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    #[rstest]
    #[case::equals("=1+1", true)]
    #[case::dde("=cmd|' /C calc'!A0", true)]
    #[case::plus("+1", true)]
    #[case::phone_with_plus("+82 10-1234-5678", true)]
    #[case::negative("-5", true)]
    #[case::minus_formula("-2+3+cmd|' /C calc'!A0", true)]
    #[case::at("@SUM(A1:A2)", true)]
    #[case::tab("\tabc", true)]
    #[case::carriage_return("\r=1", true)]
    #[case::line_feed("\nabc", true)]
    #[case::nul("\0abc", true)]
    #[case::space_then_equals("  =1+1", true)]
    #[case::ideographic_space_then_at("\u{3000}@x", true)]
    #[case::empty("", false)]
    #[case::blank("   ", false)]
    #[case::korean("홍길동", false)]
    #[case::phone("010-1234-5678", false)]
    #[case::leading_zero("0101234567", false)]
    #[case::equals_inside("a=b", false)]
    #[case::already_quoted("'=1", false)]
    #[case::fullwidth_equals("＝1", false)]
    fn formula_like(#[case] cell: &str, #[case] expected: bool) {
        assert_eq!(is_formula_like(cell), expected, "{cell:?}");
    }

    #[test]
    fn only_formula_like_cells_are_quoted() {
        assert_eq!(quoted("=1+1"), "'=1+1");
        assert_eq!(quoted("+82 10-1234-5678"), "'+82 10-1234-5678");
        assert_eq!(quoted(" -5"), "' -5");
        assert!(matches!(quoted("010-1234-5678"), Cow::Borrowed(_)));
    }
}
