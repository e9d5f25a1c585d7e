//! A table as an Excel workbook of one sheet, streamed row by row.

use std::io::{Seek, Write};
use std::path::Path;

use rust_xlsxwriter::{ColNum, Format, RowNum, Workbook, Worksheet, XlsxError};

use super::error::ExportError;
use super::neutralise::is_formula_like;
use super::{Table, column_name};

/// Data rows one sheet holds: Excel's 1,048,576 rows less the header.
pub(super) const MAX_ROWS: u64 = 1_048_575;

/// Column widths in Excel's units (the width of one "0"), so a short
/// column's header still shows and one long memo does not push the rest
/// off screen.
const MIN_WIDTH: usize = 8;
const MAX_WIDTH: usize = 60;

/// Writes the header and then the rows `fill` puts into the cells it is
/// given, until it says there are no more, to `out` as xlsx; returns how
/// many data rows were written. At most `max_rows` rows are taken (a
/// parameter so tests need not write a million). `path` is only for naming
/// the file in errors.
pub(super) fn write<W: Write + Seek + Send>(
    out: W,
    path: &Path,
    table: &Table<'_>,
    mut fill: impl FnMut(&mut Vec<String>) -> bool,
    max_rows: u64,
) -> Result<u64, ExportError> {
    let fail = |error: XlsxError| xlsx_error(path, error);
    let mut workbook = Workbook::new();
    // Constant memory: each finished row goes to a temporary file, so a
    // 100,000-row export holds one row in memory, not the sheet.
    let mut sheet = workbook
        .new_worksheet_with_constant_memory()
        .map_err(fail)?;
    sheet.set_name(sheet_name(table.sheet)).map_err(fail)?;
    sheet.set_freeze_panes(1, 0).map_err(fail)?;

    let formats = Formats::new();
    let mut widths: Vec<usize> = Vec::new();
    write_row(
        &mut sheet,
        path,
        table,
        0,
        table.header,
        &formats.header,
        &mut widths,
    )?;
    let mut count: u64 = 0;
    let mut row = Vec::new();
    while fill(&mut row) {
        if count == max_rows {
            return Err(ExportError::TooManyRows {
                path: path.to_owned(),
                max: max_rows,
            });
        }
        count += 1;
        write_row(
            &mut sheet,
            path,
            table,
            count,
            &row,
            &formats.data,
            &mut widths,
        )?;
    }
    for (column, width) in widths.into_iter().enumerate() {
        // Fits: write_row refused any column past Excel's 16,384.
        let column = ColNum::try_from(column).unwrap_or(ColNum::MAX);
        let width = width.clamp(MIN_WIDTH, MAX_WIDTH);
        sheet
            .set_column_width(column, u32::try_from(width).unwrap_or(u32::MAX))
            .map_err(fail)?;
    }
    workbook.push_worksheet(sheet);
    workbook.save_to_writer(out).map_err(fail)?;
    Ok(count)
}

/// A plain and a quote-prefixed format for one kind of row.
struct RowFormats {
    plain: Format,
    quoted: Format,
}

/// The formats cells are written with.
struct Formats {
    header: RowFormats,
    data: RowFormats,
}

impl Formats {
    fn new() -> Self {
        let bold = Format::new().set_bold();
        Self {
            header: RowFormats {
                quoted: bold.clone().set_quote_prefix(),
                plain: bold,
            },
            data: RowFormats {
                plain: Format::new(),
                quoted: Format::new().set_quote_prefix(),
            },
        }
    }
}

/// Writes one row of text cells; `row` is 0 for the header, else the data
/// row (which is also its sheet row, the header being row 0).
fn write_row(
    sheet: &mut Worksheet,
    path: &Path,
    table: &Table<'_>,
    row: u64,
    cells: &[String],
    formats: &RowFormats,
    widths: &mut Vec<usize>,
) -> Result<(), ExportError> {
    let at = |index: usize, reason: String| ExportError::Xlsx {
        path: path.to_owned(),
        reason: format!(
            "{}, column \"{}\": {reason}",
            if row == 0 {
                "the header".to_owned()
            } else {
                format!("row {row}")
            },
            column_name(table.header, index)
        ),
    };
    // The caller stops at MAX_ROWS, which fits a sheet row number.
    let sheet_row = RowNum::try_from(row).unwrap_or(RowNum::MAX);
    for (index, cell) in cells.iter().enumerate() {
        if cell.is_empty() {
            continue;
        }
        let column = ColNum::try_from(index)
            .ok()
            .filter(|&column| column < 16_384)
            .ok_or_else(|| at(index, "Excel sheets have at most 16,384 columns".to_owned()))?;
        // Always a string cell, so 010… keeps its zero and 2024-01-02 stays
        // as typed. A formula-like one gets Excel's quote prefix: the same
        // flag Excel sets when a person types a leading ', so the text is
        // kept as it was and editing the cell does not turn it into a
        // formula.
        let format = if is_formula_like(cell) {
            &formats.quoted
        } else {
            &formats.plain
        };
        sheet
            .write_string_with_format(sheet_row, column, cell, format)
            .map_err(|error| at(index, error.to_string()))?;
        if widths.len() <= index {
            widths.resize(index + 1, 0);
        }
        if let Some(width) = widths.get_mut(index) {
            *width = (*width).max(display_width(cell) + 2);
        }
    }
    Ok(())
}

/// About how many "0"s wide `text` shows: Hangul, kana, CJK ideographs
/// and full-width forms take two. Only the widest line of a multi-line cell
/// counts.
fn display_width(text: &str) -> usize {
    text.lines()
        .map(|line| {
            line.chars()
                .map(|character| if is_wide(character) { 2 } else { 1 })
                .sum()
        })
        .max()
        .unwrap_or(0)
}

/// Whether `character` is one of the East Asian wide ones a Korean or
/// Japanese list is made of.
fn is_wide(character: char) -> bool {
    matches!(
        character,
        '\u{1100}'..='\u{115F}'
            | '\u{2E80}'..='\u{A4CF}'
            | '\u{AC00}'..='\u{D7A3}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{FE30}'..='\u{FE4F}'
            | '\u{FF00}'..='\u{FF60}'
            | '\u{FFE0}'..='\u{FFE6}'
            | '\u{1F300}'..='\u{1FAFF}'
            | '\u{20000}'..='\u{3FFFD}'
    )
}

/// `name` as Excel accepts a sheet name: none of `[]:*?/\` (each becomes
/// `_`), no `'` at either end, at most 31 UTF-16 units, not blank.
fn sheet_name(name: &str) -> String {
    let mut clean = String::new();
    let mut units = 0;
    for character in name.trim().trim_matches('\'').chars() {
        let character = if matches!(character, '[' | ']' | ':' | '*' | '?' | '/' | '\\') {
            '_'
        } else {
            character
        };
        units += character.len_utf16();
        if units > 31 {
            break;
        }
        clean.push(character);
    }
    // Cutting may have left a ' or a space at the end.
    let clean = clean.trim_end().trim_end_matches('\'');
    // Excel reserves "History" for its change tracking.
    if clean.is_empty() || clean.eq_ignore_ascii_case("history") {
        "Sheet1".to_owned()
    } else {
        clean.to_owned()
    }
}

/// An xlsx writer error: I/O as such, anything else with its reason.
fn xlsx_error(path: &Path, error: XlsxError) -> ExportError {
    match error {
        XlsxError::IoError(source) => ExportError::Io {
            path: path.to_owned(),
            source,
        },
        other => ExportError::Xlsx {
            path: path.to_owned(),
            reason: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    #[rstest]
    #[case("문자발송결과", "문자발송결과")]
    #[case("a/b:c", "a_b_c")]
    #[case("'quoted'", "quoted")]
    #[case("  ", "Sheet1")]
    #[case("History", "Sheet1")]
    #[case(
        "가나다라마바사아자차카타파하가나다라마바사아자차카타파하가나다라마바사",
        "가나다라마바사아자차카타파하가나다라마바사아자차카타파하가나다"
    )]
    #[case(
        "abcdefghijklmnopqrstuvwxyz1234'6789",
        "abcdefghijklmnopqrstuvwxyz1234"
    )]
    fn sheet_names_are_made_acceptable(#[case] name: &str, #[case] expected: &str) {
        assert_eq!(sheet_name(name), expected);
        let mut workbook = Workbook::new();
        workbook.add_worksheet().set_name(sheet_name(name)).unwrap();
    }

    #[rstest]
    #[case("", 0)]
    #[case("010-1234-5678", 13)]
    #[case("홍길동", 6)]
    #[case("ｶﾀｶﾅ", 4)]
    #[case("東京", 4)]
    #[case("short\nmuch longer", 11)]
    fn display_widths(#[case] text: &str, #[case] expected: usize) {
        assert_eq!(display_width(text), expected);
    }
}
