//! A table as comma-separated text, in UTF-8 with a BOM or in CP949.

use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

use encoding_rs::EUC_KR;

use super::error::ExportError;
use super::neutralise::quoted;
use super::{Table, column_name};

/// The byte order mark Excel looks for: without it, Excel on a Korean
/// Windows reads a CSV as CP949 and shows UTF-8 Korean as mojibake.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Which bytes the text is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Encoding {
    /// UTF-8 after a BOM.
    Utf8Bom,
    /// CP949 (`encoding_rs`'s EUC-KR is the Windows superset), as Korean
    /// Excel's plain "CSV" is.
    Cp949,
}

/// Writes the header and then the rows `fill` puts into the cells it is
/// given, until it says there are no more, to `out`; returns how many data
/// rows were written. `path` is only for naming the file in errors.
pub(super) fn write<W: Write>(
    out: W,
    path: &Path,
    encoding: Encoding,
    table: &Table<'_>,
    mut fill: impl FnMut(&mut Vec<String>) -> bool,
) -> Result<u64, ExportError> {
    let mut out = out;
    if encoding == Encoding::Utf8Bom {
        out.write_all(UTF8_BOM).map_err(|source| ExportError::Io {
            path: path.to_owned(),
            source,
        })?;
    }
    let mut writer = csv::WriterBuilder::new()
        // Excel itself ends lines with CRLF; some older readers want it.
        .terminator(csv::Terminator::CRLF)
        // Rows may stop early (blank cells at the end); Excel does not mind.
        .flexible(true)
        .from_writer(out);
    write_record(&mut writer, path, encoding, table, 0, table.header)?;
    let mut count = 0;
    let mut cells = Vec::new();
    while fill(&mut cells) {
        count += 1;
        write_record(&mut writer, path, encoding, table, count, &cells)?;
    }
    writer.flush().map_err(|source| ExportError::Io {
        path: path.to_owned(),
        source,
    })?;
    Ok(count)
}

/// Writes one record; `row` is 0 for the header, else the data row.
fn write_record<W: Write>(
    writer: &mut csv::Writer<W>,
    path: &Path,
    encoding: Encoding,
    table: &Table<'_>,
    row: u64,
    cells: &[String],
) -> Result<(), ExportError> {
    for (index, cell) in cells.iter().enumerate() {
        let cell = quoted(cell);
        let bytes = match encoding {
            Encoding::Utf8Bom => cow_bytes(cell),
            // Every byte CP949 uses for a second half is at 0x41 or above,
            // so the CSV writer's quoting (which looks for `,`, `"`, CR and
            // LF) sees the same structure in the encoded bytes as in UTF-8.
            Encoding::Cp949 => cp949(&cell)
                .map(|bytes| Cow::Owned(bytes.into_owned()))
                .map_err(|unstorable| ExportError::NotCp949 {
                    path: path.to_owned(),
                    row,
                    column: column_name(table.header, index),
                    text: unstorable.to_string(),
                })?,
        };
        writer
            .write_field(bytes)
            .map_err(|error| csv_error(path, error))?;
    }
    // The fields written one by one end as a record here.
    writer
        .write_record(std::iter::empty::<&[u8]>())
        .map_err(|error| csv_error(path, error))
}

/// A cell's UTF-8 bytes without copying a borrowed one.
fn cow_bytes(cell: Cow<'_, str>) -> Cow<'_, [u8]> {
    match cell {
        Cow::Borrowed(text) => Cow::Borrowed(text.as_bytes()),
        Cow::Owned(text) => Cow::Owned(text.into_bytes()),
    }
}

/// `text` in CP949, or the first character it has no code for.
fn cp949(text: &str) -> Result<Cow<'_, [u8]>, char> {
    let (bytes, _, had_unmappable) = EUC_KR.encode(text);
    if !had_unmappable {
        return Ok(bytes);
    }
    // Only on failure: find which character it was, to name it.
    let mut buffer = [0; 4];
    Err(text
        .chars()
        .find(|character| EUC_KR.encode(character.encode_utf8(&mut buffer)).2)
        .unwrap_or(char::REPLACEMENT_CHARACTER))
}

/// A csv writer error; writing only fails in I/O.
fn csv_error(path: &Path, error: csv::Error) -> ExportError {
    let source = match error.into_kind() {
        csv::ErrorKind::Io(source) => source,
        other => std::io::Error::other(format!("{other:?}")),
    };
    ExportError::Io {
        path: path.to_owned(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Vec<String> {
        ["이름", "전화", "메모"].map(str::to_owned).to_vec()
    }

    fn written(encoding: Encoding, rows: Vec<Vec<String>>) -> Result<Vec<u8>, ExportError> {
        let header = header();
        let table = Table {
            sheet: "결과",
            header: &header,
        };
        let mut out = Vec::new();
        let mut rows = rows.into_iter();
        write(
            &mut out,
            Path::new("결과.csv"),
            encoding,
            &table,
            |cells| rows.next().map(|row| *cells = row).is_some(),
        )?;
        Ok(out)
    }

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|&cell| cell.to_owned()).collect()
    }

    #[test]
    fn utf8_starts_with_a_bom_and_ends_lines_with_crlf() {
        let out = written(Encoding::Utf8Bom, vec![row(&["홍길동", "010-1234-5678"])]).unwrap();
        assert!(out.starts_with(UTF8_BOM));
        let text = std::str::from_utf8(&out[UTF8_BOM.len()..]).unwrap();
        assert_eq!(text, "이름,전화,메모\r\n홍길동,010-1234-5678\r\n");
    }

    #[test]
    fn cp949_has_no_bom_and_encodes_every_hangul_syllable() {
        // 똠 and 햏 are among the syllables only CP949 (not plain EUC-KR) has.
        let out = written(Encoding::Cp949, vec![row(&["똠방각하", "햏"])]).unwrap();
        let (text, _, had_errors) = EUC_KR.decode(&out);
        assert!(!had_errors);
        assert!(!out.starts_with(UTF8_BOM));
        assert_eq!(text, "이름,전화,메모\r\n똠방각하,햏\r\n");
    }

    #[test]
    fn cp949_names_the_row_and_column_of_an_emoji() {
        let rows = vec![
            row(&["김철수", "010", "ok"]),
            row(&["이영희", "011", "감사 😀"]),
        ];
        let error = written(Encoding::Cp949, rows).unwrap_err();
        let ExportError::NotCp949 {
            row, column, text, ..
        } = &error
        else {
            panic!("{error:?}");
        };
        assert_eq!((*row, column.as_str(), text.as_str()), (2, "메모", "😀"));
        let message = error.to_string();
        assert!(message.contains("결과.csv"), "{message}");
        assert!(message.contains("row 2"), "{message}");
        assert!(message.contains("\"메모\""), "{message}");
        assert!(message.contains("UTF-8"), "{message}");
    }

    #[test]
    fn a_cell_past_the_header_is_named_by_its_position() {
        let error = written(Encoding::Cp949, vec![row(&["a", "b", "c", "🎉"])]).unwrap_err();
        assert!(
            matches!(&error, ExportError::NotCp949 { column, .. } if column == "column 4"),
            "{error:?}"
        );
    }

    #[test]
    fn formula_like_cells_get_a_quote_and_commas_and_quotes_are_escaped() {
        let rows = vec![row(&[
            "=HYPERLINK(\"http://x\",\"a,b\")",
            "+82 10-1234-5678",
            "-5",
        ])];
        let out = written(Encoding::Utf8Bom, rows).unwrap();
        let text = std::str::from_utf8(&out[UTF8_BOM.len()..]).unwrap();
        assert_eq!(
            text.lines().nth(1).unwrap(),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"a,b\"\")\",'+82 10-1234-5678,'-5"
        );
    }
}
