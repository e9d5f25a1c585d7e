//! A file into sheets of rows: spreadsheets through calamine, delimited text
//! through the csv crate after its encoding and separator are known.
//!
//! Row numbers are the ones a person finds the row by: the row number Excel
//! shows, or for text the line the record starts on (a memo with line
//! breaks makes records and lines drift apart). A file that is empty,
//! damaged or not what its name says is refused whole, saying so.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader as _};
use encoding_rs::Encoding;
use jiff::civil::{Date, DateTime};

use super::cell::Cell;
use super::{delimiter, encoding};

/// What the person chose in the preview, over what is detected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The text encoding (text files only).
    pub encoding: Option<&'static Encoding>,
    /// The separator (text files only).
    pub delimiter: Option<u8>,
}

/// A file read.
#[derive(Debug, Clone, PartialEq)]
pub struct Workbook {
    /// Its sheets in order; a text file has one, named after the file.
    pub sheets: Vec<Sheet>,
    /// The encoding a text file was read in.
    pub encoding: Option<&'static Encoding>,
    /// The separator a text file was split at.
    pub delimiter: Option<u8>,
    /// Whether some bytes of a text file were not valid in its encoding
    /// (they read as U+FFFD): the encoding is probably wrong.
    pub had_decode_errors: bool,
}

/// One sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// Its name as the tab shows it.
    pub name: String,
    /// Its rows with anything in them, top to bottom.
    pub rows: Vec<Row>,
}

/// One row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The row number Excel shows, or the line a text record starts on.
    pub number: usize,
    /// Its cells from column A (the first field), without blank cells at
    /// the end.
    pub cells: Vec<Cell>,
}

impl Row {
    /// Whether every cell is blank.
    #[must_use]
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(Cell::is_blank)
    }
}

/// Why a file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// It cannot be opened or read.
    #[error("{}: cannot be read: {reason}", .path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The system's words.
        reason: String,
    },
    /// It has no bytes.
    #[error("{}: the file is empty", .path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// Named like a workbook, but its content is something else.
    #[error("{}: not an Excel or OpenDocument workbook{}", .path.display(), if *.text { " (it is text; save it as .csv to read it as such)" } else { "" })]
    NotAWorkbook {
        /// The file.
        path: PathBuf,
        /// Whether it is readable text (a CSV saved under a workbook's name).
        text: bool,
    },
    /// A workbook that is damaged or cut short.
    #[error("{}: the workbook is damaged and cannot be read ({reason})", .path.display())]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What the reader found.
        reason: String,
    },
    /// A kind of file ringdesk does not read.
    #[error("{}: only .xlsx, .xlsm, .xls, .ods, .csv and .txt files can be read", .path.display())]
    UnknownKind {
        /// The file.
        path: PathBuf,
    },
    /// A text file the csv reader gave up on.
    #[error("{}, line {line}: {reason}", .path.display())]
    BadText {
        /// The file.
        path: PathBuf,
        /// Where.
        line: u64,
        /// What the reader found.
        reason: String,
    },
}

/// Reads the file at `path` as its name says, with `options` over what is
/// detected.
///
/// # Errors
/// [`ReadError`], naming the file.
pub fn read(path: &Path, options: ReadOptions) -> Result<Workbook, ReadError> {
    let extension = path
        .extension()
        .and_then(|extension| extension.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let bytes = std::fs::read(path).map_err(|error| ReadError::Unreadable {
        path: path.to_owned(),
        reason: error.to_string(),
    })?;
    if bytes.is_empty() {
        return Err(ReadError::Empty {
            path: path.to_owned(),
        });
    }
    match extension.as_str() {
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => read_workbook(path, bytes),
        "csv" | "txt" | "tsv" => read_text(path, &bytes, options),
        _ => Err(ReadError::UnknownKind {
            path: path.to_owned(),
        }),
    }
}

/// A workbook: a zip (xlsx, xlsm, xlsb, ods) or an OLE file (xls).
fn read_workbook(path: &Path, bytes: Vec<u8>) -> Result<Workbook, ReadError> {
    const ZIP: &[u8] = b"PK\x03\x04";
    const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    if !bytes.starts_with(ZIP) && !bytes.starts_with(OLE) {
        // Text has no NUL bytes and decodes cleanly in what it looks like.
        let text = !bytes.contains(&0) && !encoding::decode(&bytes, encoding::detect(&bytes)).1;
        return Err(ReadError::NotAWorkbook {
            path: path.to_owned(),
            text,
        });
    }
    let damaged = |reason: String| ReadError::Damaged {
        path: path.to_owned(),
        reason,
    };
    let mut workbook = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|error| damaged(error.to_string()))?;
    let mut sheets = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|error| damaged(format!("sheet {name}: {error}")))?;
        let (first_row, first_column) = range.start().unwrap_or((0, 0));
        let rows = range
            .rows()
            .enumerate()
            .filter_map(|(index, cells)| {
                let mut cells: Vec<Cell> = std::iter::repeat_n(Cell::Empty, first_column as usize)
                    .chain(cells.iter().map(cell_of))
                    .collect();
                trim_blank_end(&mut cells);
                (!cells.is_empty()).then(|| Row {
                    number: first_row as usize + index + 1,
                    cells,
                })
            })
            .collect();
        sheets.push(Sheet { name, rows });
    }
    Ok(Workbook {
        sheets,
        encoding: None,
        delimiter: None,
        had_decode_errors: false,
    })
}

/// A delimited text file.
fn read_text(path: &Path, bytes: &[u8], options: ReadOptions) -> Result<Workbook, ReadError> {
    let chosen = options.encoding.unwrap_or_else(|| encoding::detect(bytes));
    let (text, had_decode_errors) = encoding::decode(bytes, chosen);
    let separator = options
        .delimiter
        .unwrap_or_else(|| delimiter::detect(&text));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter::new(text.as_bytes());
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let mut cells: Vec<Cell> = record
                    .iter()
                    .map(|field| {
                        if field.is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(field.to_owned())
                        }
                    })
                    .collect();
                trim_blank_end(&mut cells);
                if !cells.is_empty() {
                    rows.push(Row {
                        number: lines.line_at(record.position()),
                        cells,
                    });
                }
            }
            Err(error) => {
                return Err(ReadError::BadText {
                    path: path.to_owned(),
                    line: error.position().map_or(line, csv::Position::line),
                    reason: error.to_string(),
                });
            }
        }
    }
    let name = path
        .file_stem()
        .map_or_else(String::new, |stem| stem.to_string_lossy().into_owned());
    Ok(Workbook {
        sheets: vec![Sheet { name, rows }],
        encoding: Some(chosen),
        delimiter: Some(separator),
        had_decode_errors,
    })
}

/// The line a record starts on. The csv reader's position of a record is
/// where the one before it stopped, before its line break; the record
/// itself starts after that. Lines are counted once, as records go by.
struct LineCounter<'a> {
    text: &'a [u8],
    counted_to: usize,
    breaks: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a [u8]) -> Self {
        Self {
            text,
            counted_to: 0,
            breaks: 0,
        }
    }

    fn line_at(&mut self, position: Option<&csv::Position>) -> usize {
        let mut start = position
            .and_then(|position| usize::try_from(position.byte()).ok())
            .unwrap_or(self.counted_to)
            .clamp(self.counted_to, self.text.len());
        while self
            .text
            .get(start)
            .is_some_and(|byte| matches!(byte, b'\r' | b'\n'))
        {
            start += 1;
        }
        self.breaks += memchr::memchr_iter(b'\n', &self.text[self.counted_to..start]).count();
        self.counted_to = start;
        self.breaks + 1
    }
}

/// Drops the blank cells at the end of a row.
fn trim_blank_end(cells: &mut Vec<Cell>) {
    while cells.last().is_some_and(Cell::is_blank) {
        cells.pop();
    }
}

/// A calamine cell as ringdesk reads it.
fn cell_of(source: &Data) -> Cell {
    match source {
        Data::Empty => Cell::Empty,
        // A duration (ISO) reads as it is written.
        Data::String(text) | Data::DurationIso(text) => Cell::Text(text.clone()),
        #[expect(
            clippy::cast_precision_loss,
            reason = "sheet integers are below 2^53: spreadsheets keep 15 digits"
        )]
        Data::Int(number) => Cell::Number(*number as f64),
        Data::Float(number) => Cell::Number(*number),
        Data::Bool(value) => Cell::Bool(*value),
        Data::DateTime(value) if value.is_datetime() => {
            let (year, month, day, hour, minute, second, milli) = value.to_ymd_hms_milli();
            let Ok(date) = Date::new(
                i16::try_from(year).unwrap_or(i16::MAX),
                i8::try_from(month).unwrap_or(1),
                i8::try_from(day).unwrap_or(1),
            ) else {
                return Cell::Number(value.as_f64());
            };
            if (hour, minute, second, milli) == (0, 0, 0, 0) {
                Cell::Date(date)
            } else {
                Cell::DateTime(date.at(
                    i8::try_from(hour).unwrap_or(0),
                    i8::try_from(minute).unwrap_or(0),
                    i8::try_from(second).unwrap_or(0),
                    i32::from(milli) * 1_000_000,
                ))
            }
        }
        // A duration (a time without a day): its value, as General shows it.
        Data::DateTime(value) => Cell::Number(value.as_f64()),
        Data::DateTimeIso(text) => text
            .parse::<DateTime>()
            .map(|at| {
                if at.time() == jiff::civil::Time::midnight() {
                    Cell::Date(at.date())
                } else {
                    Cell::DateTime(at)
                }
            })
            .or_else(|_| text.parse::<Date>().map(Cell::Date))
            .unwrap_or_else(|_| Cell::Text(text.clone())),
        Data::Error(error) => Cell::Error(error.to_string()),
    }
}
