//! Tables written to a file a spreadsheet user opens: the bulk SMS results
//! (문자발송결과), the bad-rows report of the Excel SMS sender and the
//! customer export.
//!
//! A table is a header and rows of text cells. It is written as
//!
//! * xlsx ([`TableFormat::Xlsx`]) through `rust_xlsxwriter` in constant
//!   memory mode, so 100,000 rows hold one row in memory at a time: one
//!   sheet, a bold header row that stays in view when scrolling, column
//!   widths from the widest cell. Every cell is a string cell, so
//!   `01012345678` keeps its leading zero.
//! * CSV in UTF-8 after a BOM ([`TableFormat::CsvUtf8`]), which Excel
//!   opens with Korean intact, or in CP949 ([`TableFormat::CsvCp949`]), what
//!   Korean Excel's plain "CSV" is, for older programs that read nothing
//!   else. A character CP949 has no code for (an emoji) refuses the export,
//!   naming its row and column; nothing is replaced silently.
//!
//! # Formula-like cells
//!
//! A cell whose first character is `=`, `+`, `-` or `@` (also after leading
//! whitespace, which importers may trim), or that starts with a tab, CR, LF
//! or NUL, is one a spreadsheet may run as a formula: a customer's memo of
//! `=HYPERLINK("http://evil", "click")` or `=cmd|' /C calc'!A0` would run on
//! the agent's computer (OWASP "CSV Injection"; ASVS 5.0 requirement
//! 1.2.10 asks for the same in xlsx). Such a cell is prefixed with a single
//! quote, which spreadsheets take as "this is text":
//!
//! * in CSV the `'` is written in front of the text;
//! * in xlsx the cell gets Excel's quote-prefix flag, which is what Excel
//!   itself stores when a person types a leading `'`: the cell shows the
//!   text unchanged, the formula bar shows the `'`, and editing the cell
//!   does not turn it into a formula. The stored text stays exact, so a
//!   bad-rows report can be corrected and imported again as it is.
//!
//! This catches data too: `+82 10-1234-5678` and `-5` come out as
//! `'+82 10-1234-5678` and `'-5` in CSV. That is on purpose, as OWASP
//! advises: whether a cell is harmless cannot be told from its first
//! character (`-2+3+cmd|' /C calc'!A0` is an attack), a rule with
//! exceptions is one an attacker studies, and Excel would turn
//! `+82 10-1234-5678` into an error or a number anyway. One rule for every
//! cell, header included, is also one a person can undo: strip one leading
//! `'`.
//!
//! # The file under the chosen name
//!
//! Everything is written to a `<name>.part` sibling in the same folder and
//! renamed into place at the end, so the chosen name holds either the old
//! file or the whole new one, never half of one; on failure the `.part` is
//! removed.

pub mod customers;
mod delimited;
mod error;
mod neutralise;
mod xlsx;

use std::ffi::OsString;
use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};

pub use error::ExportError;

/// The file kinds a table is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TableFormat {
    /// An Excel workbook (.xlsx) of one sheet.
    Xlsx,
    /// Comma-separated UTF-8 after a byte order mark, so Excel opens Korean
    /// and Japanese correctly.
    CsvUtf8,
    /// Comma-separated CP949, as Korean Excel saves a plain "CSV"; cannot
    /// carry emoji and some Japanese kanji.
    CsvCp949,
}

impl TableFormat {
    /// The format a file name asks for: `.xlsx` → [`Self::Xlsx`], `.csv` or
    /// `.txt` → [`Self::CsvUtf8`] (any case); None for anything else.
    #[must_use]
    pub fn from_path(path: &Path) -> Option<Self> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "xlsx" => Some(Self::Xlsx),
            "csv" | "txt" => Some(Self::CsvUtf8),
            _ => None,
        }
    }

    /// The file name extension, without the dot, for a save dialog.
    #[must_use]
    pub fn extension(self) -> &'static str {
        match self {
            Self::Xlsx => "xlsx",
            Self::CsvUtf8 | Self::CsvCp949 => "csv",
        }
    }
}

/// What is written above the rows.
#[derive(Debug, Clone, Copy)]
pub struct Table<'a> {
    /// The sheet's name in an xlsx file (made acceptable to Excel: at most
    /// 31 characters, none of `[]:*?/\`). Not used for CSV.
    pub sheet: &'a str,
    /// The column names, written as the first row.
    pub header: &'a [String],
}

/// Writes `table`'s header and then `rows` to `path` as `format`, and
/// returns how many rows (not counting the header) were written.
///
/// Rows are taken one at a time, so they can come straight from a query.
/// A row may have fewer cells than the header has names; an empty cell is
/// left empty. An existing file at `path` is replaced only once the new one
/// is complete.
///
/// # Errors
/// [`ExportError`], naming `path`; the file at `path` is then as it was
/// and no `.part` file is left.
pub fn write_table(
    path: &Path,
    format: TableFormat,
    table: &Table<'_>,
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<u64, ExportError> {
    try_write_table(
        path,
        format,
        table,
        rows.into_iter().map(Ok::<_, std::convert::Infallible>),
    )
}

/// As [`write_table`], for rows read from somewhere that can fail (a
/// database): the first `Err` stops the export, and the file at `path` is
/// left as it was.
///
/// # Errors
/// [`ExportError::Source`] with the first row's error; otherwise as
/// [`write_table`].
pub fn try_write_table<E: std::fmt::Display>(
    path: &Path,
    format: TableFormat,
    table: &Table<'_>,
    rows: impl IntoIterator<Item = Result<Vec<String>, E>>,
) -> Result<u64, ExportError> {
    let mut rows = rows.into_iter();
    fill_table(path, format, table, |cells| {
        rows.next()
            .transpose()
            .map(|row| row.map(|row| *cells = row).is_some())
    })
}

/// As [`try_write_table`], for a source that writes each row into the
/// cells it is given (the previous row's, to be overwritten) rather than
/// making new ones: a million rows then cost no allocation each. `fill`
/// returns `Ok(false)` when there are no more rows.
///
/// # Errors
/// As [`try_write_table`].
pub fn fill_table<E: std::fmt::Display>(
    path: &Path,
    format: TableFormat,
    table: &Table<'_>,
    mut fill: impl FnMut(&mut Vec<String>) -> Result<bool, E>,
) -> Result<u64, ExportError> {
    let io = |source| ExportError::Io {
        path: path.to_owned(),
        source,
    };
    let part = part_path(path).map_err(io)?;
    let mut failure: Option<String> = None;
    let rows = |cells: &mut Vec<String>| match fill(cells) {
        Ok(more) => more,
        Err(error) => {
            failure = Some(error.to_string());
            false
        }
    };
    let written = write_part(&part, path, format, table, rows)
        .and_then(|count| match failure.take() {
            Some(reason) => Err(ExportError::Source {
                path: path.to_owned(),
                reason,
            }),
            None => Ok(count),
        })
        .and_then(|count| std::fs::rename(&part, path).map(|()| count).map_err(io));
    match written {
        Ok(count) => {
            tracing::debug!(rows = count, ?format, path = %path.display(), "table written");
            Ok(count)
        }
        Err(error) => {
            // The error says what went wrong; a .part that cannot be
            // removed either (or was never created) adds nothing to it.
            std::fs::remove_file(&part).ok();
            Err(error)
        }
    }
}

/// Writes the whole file to `part` and makes sure it is on disk.
fn write_part(
    part: &Path,
    path: &Path,
    format: TableFormat,
    table: &Table<'_>,
    rows: impl FnMut(&mut Vec<String>) -> bool,
) -> Result<u64, ExportError> {
    let io = |source| ExportError::Io {
        path: path.to_owned(),
        source,
    };
    let mut out = BufWriter::new(File::create(part).map_err(io)?);
    let count = match format {
        TableFormat::Xlsx => xlsx::write(&mut out, path, table, rows, xlsx::MAX_ROWS)?,
        TableFormat::CsvUtf8 => {
            delimited::write(&mut out, path, delimited::Encoding::Utf8Bom, table, rows)?
        }
        TableFormat::CsvCp949 => {
            delimited::write(&mut out, path, delimited::Encoding::Cp949, table, rows)?
        }
    };
    out.flush().map_err(io)?;
    let file = out.into_inner().map_err(|error| io(error.into_error()))?;
    // Renamed over an older export, a file not yet on disk could leave
    // neither after a power cut.
    file.sync_all().map_err(io)?;
    Ok(count)
}

/// `path` with `.part` added to its file name: `결과.xlsx` → `결과.xlsx.part`.
fn part_path(path: &Path) -> std::io::Result<PathBuf> {
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"))?;
    let mut part = OsString::from(name);
    part.push(".part");
    Ok(path.with_file_name(part))
}

/// What a column is called in messages: its header name, or "column N"
/// (from 1) where it has none.
fn column_name(header: &[String], index: usize) -> String {
    match header.get(index) {
        Some(name) if !name.trim().is_empty() => name.clone(),
        _ => format!("column {}", index + 1),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;
    use std::time::Instant;

    use calamine::{Data, Reader as _, Xlsx, open_workbook};
    use encoding_rs::EUC_KR;
    use rstest::rstest;

    use super::*;

    const SHEET: &str = "문자발송결과";

    fn header() -> Vec<String> {
        ["이름", "전화", "메모"].map(str::to_owned).to_vec()
    }

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|&cell| cell.to_owned()).collect()
    }

    fn strings(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter().map(|cells| row(cells)).collect()
    }

    fn export(
        path: &Path,
        format: TableFormat,
        rows: impl IntoIterator<Item = Vec<String>>,
    ) -> Result<u64, ExportError> {
        let header = header();
        let table = Table {
            sheet: SHEET,
            header: &header,
        };
        write_table(path, format, &table, rows)
    }

    /// Every cell of the sheet as text; anything but a string cell fails.
    fn xlsx_cells(path: &Path) -> Vec<Vec<String>> {
        let mut workbook: Xlsx<_> = open_workbook(path).unwrap();
        assert_eq!(workbook.sheet_names(), [SHEET]);
        let range = workbook.worksheet_range(SHEET).unwrap();
        range
            .rows()
            .map(|cells| {
                cells
                    .iter()
                    .map(|cell| match cell {
                        Data::String(text) => text.clone(),
                        Data::Empty => String::new(),
                        other => panic!("not a string cell: {other:?}"),
                    })
                    .collect()
            })
            .collect()
    }

    /// One part of the xlsx zip as text.
    fn xlsx_part(path: &Path, name: &str) -> String {
        let mut archive = zip::ZipArchive::new(File::open(path).unwrap()).unwrap();
        let mut text = String::new();
        archive
            .by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    }

    /// The records of a CSV file decoded from `encoding` (a BOM skipped).
    fn csv_cells(bytes: &[u8], encoding: &'static encoding_rs::Encoding) -> Vec<Vec<String>> {
        let (text, _, had_errors) = encoding.decode(bytes);
        assert!(!had_errors);
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes())
            .records()
            .map(|record| record.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }

    /// A source of rows for the format writers, from `rows`.
    fn filling(
        mut rows: impl Iterator<Item = Vec<String>>,
    ) -> impl FnMut(&mut Vec<String>) -> bool {
        move |cells| rows.next().map(|row| *cells = row).is_some()
    }

    fn no_part_files(folder: &Path) {
        let names: Vec<_> = std::fs::read_dir(folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert!(
            names
                .iter()
                .all(|name| !name.to_string_lossy().ends_with(".part")),
            "{names:?}"
        );
    }

    fn korean_and_japanese() -> Vec<Vec<String>> {
        strings(&[
            &["홍길동", "01012345678", "다음 주 화요일 재통화 요망"],
            &["山田太郎", "0312345678", "東京都渋谷区、ｶﾀｶﾅ"],
            &["똠방각하", "0212345678", "줄\n바꿈, \"따옴표\""],
        ])
    }

    #[rstest]
    #[case("결과.xlsx", Some(TableFormat::Xlsx))]
    #[case("결과.XLSX", Some(TableFormat::Xlsx))]
    #[case("결과.csv", Some(TableFormat::CsvUtf8))]
    #[case("dir.d/결과.Txt", Some(TableFormat::CsvUtf8))]
    #[case("결과.xls", None)]
    #[case("결과", None)]
    fn formats_from_file_names(#[case] path: &str, #[case] expected: Option<TableFormat>) {
        assert_eq!(TableFormat::from_path(Path::new(path)), expected);
    }

    #[test]
    fn extensions_lead_back_to_a_format() {
        for format in [
            TableFormat::Xlsx,
            TableFormat::CsvUtf8,
            TableFormat::CsvCp949,
        ] {
            let path = PathBuf::from(format!("a.{}", format.extension()));
            assert!(TableFormat::from_path(&path).is_some(), "{format:?}");
        }
    }

    #[test]
    fn korean_and_japanese_round_trip_through_xlsx() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("결과.xlsx");
        let rows = korean_and_japanese();
        assert_eq!(export(&path, TableFormat::Xlsx, rows.clone()).unwrap(), 3);
        let mut expected = vec![header()];
        expected.extend(rows);
        assert_eq!(xlsx_cells(&path), expected);
        no_part_files(folder.path());
    }

    #[test]
    fn the_xlsx_header_is_bold_and_frozen_and_columns_have_widths() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("결과.xlsx");
        export(&path, TableFormat::Xlsx, korean_and_japanese()).unwrap();
        let sheet = xlsx_part(&path, "xl/worksheets/sheet1.xml");
        assert!(
            sheet.contains(
                r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
            ),
            "{sheet}"
        );
        assert!(sheet.contains("<cols>"), "{sheet}");
        assert!(xlsx_part(&path, "xl/styles.xml").contains("<b/>"));
    }

    #[test]
    fn korean_and_japanese_round_trip_through_csv_utf8_with_a_bom() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("결과.csv");
        let rows = korean_and_japanese();
        assert_eq!(
            export(&path, TableFormat::CsvUtf8, rows.clone()).unwrap(),
            3
        );
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let mut expected = vec![header()];
        expected.extend(rows);
        assert_eq!(csv_cells(&bytes, encoding_rs::UTF_8), expected);
        no_part_files(folder.path());
    }

    #[test]
    fn korean_round_trips_through_csv_cp949() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("결과.csv");
        // Japanese kana and common kanji are in CP949 too (KS X 1001).
        let rows = strings(&[
            &["홍길동", "01012345678", "똠방각하 햏"],
            &["やまだ", "0312345678", "東京"],
        ]);
        assert_eq!(
            export(&path, TableFormat::CsvCp949, rows.clone()).unwrap(),
            2
        );
        let bytes = std::fs::read(&path).unwrap();
        assert!(!bytes.starts_with(b"\xEF\xBB\xBF"));
        assert!(std::str::from_utf8(&bytes).is_err(), "not UTF-8");
        let mut expected = vec![header()];
        expected.extend(rows);
        assert_eq!(csv_cells(&bytes, EUC_KR), expected);
    }

    #[rstest]
    #[case(TableFormat::Xlsx, "결과.xlsx")]
    #[case(TableFormat::CsvUtf8, "결과.csv")]
    #[case(TableFormat::CsvCp949, "결과.csv")]
    fn ringdesks_own_import_reads_an_export_back(#[case] format: TableFormat, #[case] name: &str) {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join(name);
        let rows = strings(&[
            &["홍길동", "01012345678", "재통화"],
            &["김영희", "0212345678"],
        ]);
        export(&path, format, rows.clone()).unwrap();
        let workbook = crate::import::read(&path, crate::import::ReadOptions::default()).unwrap();
        let read: Vec<Vec<String>> = workbook.sheets[0]
            .rows
            .iter()
            .map(|row| row.cells.iter().map(crate::import::Cell::text).collect())
            .collect();
        let mut expected = vec![header()];
        expected.extend(rows);
        assert_eq!(read, expected);
    }

    #[test]
    fn cp949_refuses_an_emoji_naming_row_and_column_and_leaves_no_file() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("결과.csv");
        let rows = strings(&[
            &["홍길동", "010", "확인"],
            &["김영희", "011", "고마워요 😀"],
        ]);
        let error = export(&path, TableFormat::CsvCp949, rows).unwrap_err();
        assert!(
            matches!(&error, ExportError::NotCp949 { row: 2, column, text, .. } if column == "메모" && text == "😀"),
            "{error:?}"
        );
        let message = error.to_string();
        for needle in ["결과.csv", "row 2", "메모", "😀", "UTF-8"] {
            assert!(message.contains(needle), "{needle}: {message}");
        }
        assert!(!path.exists());
        no_part_files(folder.path());
    }

    #[test]
    fn a_failed_export_keeps_the_old_file() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("결과.csv");
        std::fs::write(&path, "old").unwrap();
        export(&path, TableFormat::CsvCp949, strings(&[&["🙂"]])).unwrap_err();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        no_part_files(folder.path());
        // And a successful one replaces it.
        export(&path, TableFormat::CsvCp949, strings(&[&["홍길동"]])).unwrap();
        assert_ne!(std::fs::read(&path).unwrap(), b"old");
        no_part_files(folder.path());
    }

    #[test]
    fn a_failed_xlsx_export_names_row_and_column_and_leaves_no_file() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("결과.xlsx");
        let long = "가".repeat(40_000);
        let rows = vec![row(&["a"]), row(&["b", "c", &long])];
        let error = export(&path, TableFormat::Xlsx, rows).unwrap_err();
        let message = error.to_string();
        assert!(matches!(error, ExportError::Xlsx { .. }), "{error:?}");
        for needle in ["결과.xlsx", "row 2", "메모", "32,767"] {
            assert!(message.contains(needle), "{needle}: {message}");
        }
        assert!(!path.exists());
        no_part_files(folder.path());
    }

    #[test]
    fn a_missing_folder_is_an_io_error_naming_the_file() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("없는 폴더").join("결과.xlsx");
        let error = export(&path, TableFormat::Xlsx, Vec::new()).unwrap_err();
        assert!(matches!(error, ExportError::Io { .. }), "{error:?}");
        assert!(error.to_string().contains("결과.xlsx"), "{error}");
    }

    #[test]
    fn more_rows_than_a_sheet_holds_are_refused() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("결과.xlsx");
        let header = header();
        let table = Table {
            sheet: SHEET,
            header: &header,
        };
        let rows = (0..4).map(|index| vec![index.to_string()]);
        let mut out = std::io::Cursor::new(Vec::new());
        let error = xlsx::write(&mut out, &path, &table, filling(rows.clone()), 3).unwrap_err();
        assert!(
            matches!(error, ExportError::TooManyRows { max: 3, .. }),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(
            message.contains("결과.xlsx") && message.contains("CSV"),
            "{message}"
        );
        assert_eq!(
            xlsx::write(&mut out, &path, &table, filling(rows.take(3)), 3).unwrap(),
            3
        );
    }

    #[test]
    fn leading_zeros_are_kept() {
        let folder = tempfile::tempdir().unwrap();
        let rows = strings(&[
            &["홍길동", "01012345678", "00123"],
            &["김", "0212345678", "007"],
        ]);
        let xlsx_path = folder.path().join("결과.xlsx");
        export(&xlsx_path, TableFormat::Xlsx, rows.clone()).unwrap();
        assert_eq!(xlsx_cells(&xlsx_path)[1..], rows);
        let csv_path = folder.path().join("결과.csv");
        export(&csv_path, TableFormat::CsvUtf8, rows.clone()).unwrap();
        assert_eq!(
            csv_cells(&std::fs::read(&csv_path).unwrap(), encoding_rs::UTF_8)[1..],
            rows
        );
    }

    fn formula_rows() -> Vec<Vec<String>> {
        strings(&[
            &["=1+1", "+82 10-1234-5678", "-5"],
            &["@SUM(A1)", "\t=2", " =HYPERLINK(\"http://x\")"],
            &["홍길동", "010-1234-5678", "a=b"],
        ])
    }

    #[test]
    fn formula_like_cells_are_neutralised_in_csv() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("결과.csv");
        let mut header = header();
        header[0] = "=이름".to_owned();
        let table = Table {
            sheet: SHEET,
            header: &header,
        };
        write_table(&path, TableFormat::CsvUtf8, &table, formula_rows()).unwrap();
        let cells = csv_cells(&std::fs::read(&path).unwrap(), encoding_rs::UTF_8);
        assert_eq!(
            cells,
            strings(&[
                &["'=이름", "전화", "메모"],
                &["'=1+1", "'+82 10-1234-5678", "'-5"],
                &["'@SUM(A1)", "'\t=2", "' =HYPERLINK(\"http://x\")"],
                &["홍길동", "010-1234-5678", "a=b"],
            ])
        );
    }

    #[test]
    fn formula_like_cells_are_neutralised_in_xlsx() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("결과.xlsx");
        export(&path, TableFormat::Xlsx, formula_rows()).unwrap();

        // They are string cells holding the text as it was, not formulas.
        let mut expected = vec![header()];
        expected.extend(formula_rows());
        assert_eq!(xlsx_cells(&path), expected);
        let mut workbook: Xlsx<_> = open_workbook(&path).unwrap();
        let formulas = workbook.worksheet_formula(SHEET).unwrap();
        assert!(
            formulas
                .used_cells()
                .all(|(_, _, formula)| formula.is_empty())
        );

        // And they carry Excel's quote prefix, the rest do not.
        let sheet = xlsx_part(&path, "xl/worksheets/sheet1.xml");
        assert!(!sheet.contains("<f>"), "{sheet}");
        let styles = xlsx_part(&path, "xl/styles.xml");
        let quoted_styles: Vec<String> = styles
            .split("<cellXfs")
            .nth(1)
            .unwrap()
            .split("<xf ")
            .skip(1)
            .enumerate()
            .filter(|(_, xf)| xf.contains(r#"quotePrefix="1""#))
            .map(|(index, _)| index.to_string())
            .collect();
        assert!(!quoted_styles.is_empty(), "{styles}");
        let style_of = |cell: &str| -> String {
            let start = sheet.find(&format!(r#"<c r="{cell}""#)).unwrap();
            let tag = &sheet[start..start + sheet[start..].find('>').unwrap()];
            tag.split(r#" s=""#).nth(1).map_or_else(
                || "0".to_owned(),
                |rest| rest.split('"').next().unwrap().to_owned(),
            )
        };
        for cell in ["A2", "B2", "C2", "A3", "B3", "C3"] {
            assert!(quoted_styles.contains(&style_of(cell)), "{cell}: {sheet}");
        }
        for cell in ["A1", "A4", "B4", "C4"] {
            assert!(!quoted_styles.contains(&style_of(cell)), "{cell}: {sheet}");
        }
    }

    /// Writes `count` rows as xlsx and reads the last one back.
    fn many_rows_as_xlsx(count: u64) {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("결과.xlsx");
        let rows = (0..count).map(|index| {
            vec![
                format!("고객{index}"),
                format!("010{index:08}"),
                "발송 성공".to_owned(),
            ]
        });
        let started = Instant::now();
        assert_eq!(export(&path, TableFormat::Xlsx, rows).unwrap(), count);
        let elapsed = started.elapsed();
        let mut workbook: Xlsx<_> = open_workbook(&path).unwrap();
        let range = workbook.worksheet_range(SHEET).unwrap();
        assert_eq!(range.height() as u64, count + 1);
        let last = usize::try_from(count).unwrap();
        assert_eq!(
            range.get((last, 1)),
            Some(&Data::String(format!("010{:08}", count - 1)))
        );
        no_part_files(folder.path());
        eprintln!("{count} rows written as xlsx in {elapsed:?}");
    }

    #[test]
    fn twenty_thousand_rows_are_written_as_xlsx() {
        many_rows_as_xlsx(20_000);
    }
}
