//! A file into sheets of rows: spreadsheets through calamine, delimited text
//! through the csv crate after its encoding and separator are known.
//!
//! Row numbers are the ones a person finds the row by: the row number Excel
//! shows, or for text the line the record starts on (a memo with line
//! breaks makes records and lines drift apart). A file that is empty,
//! damaged or not what its name says is refused whole, saying so.
//!
//! A big file takes a while: [`read_watched`] tells a [`ReadWatch`] how far
//! it got (the bytes loaded, then the rows parsed) and stops when asked,
//! between chunks of bytes, rows or cells.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

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

/// A stage of reading a file, for its progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadStage {
    /// The bytes loaded from disk (done and total in bytes).
    Loading,
    /// The rows parsed out of them (done and total in bytes of text, rows
    /// of a sheet, or sheets).
    Parsing,
}

/// How far a read got, told to whoever waits for it, and the flag that
/// stops it.
pub struct ReadWatch<'a> {
    cancel: Arc<AtomicBool>,
    report: Box<dyn FnMut(ReadStage, u64, u64) + 'a>,
}

impl<'a> ReadWatch<'a> {
    /// A watch that stops once `cancel` is set and tells `report` the
    /// stage, how much is done and the total.
    pub fn new(cancel: Arc<AtomicBool>, report: impl FnMut(ReadStage, u64, u64) + 'a) -> Self {
        Self {
            cancel,
            report: Box::new(report),
        }
    }

    /// A watch nobody looks at and that never stops.
    #[must_use]
    pub fn unwatched() -> Self {
        Self::new(Arc::new(AtomicBool::new(false)), |_, _, _| {})
    }

    /// Tells how far it got; [`ReadError::Cancelled`] when asked to stop.
    fn step(
        &mut self,
        path: &Path,
        stage: ReadStage,
        done: u64,
        total: u64,
    ) -> Result<(), ReadError> {
        (self.report)(stage, done, total);
        if self.cancel.load(Ordering::Relaxed) {
            return Err(ReadError::Cancelled {
                path: path.to_owned(),
            });
        }
        Ok(())
    }
}

/// Bytes read from disk between two looks at the watch.
const CHUNK_BYTES: usize = 1 << 20;
/// Rows or cells parsed between two looks at the watch.
const STEP_ITEMS: usize = 4096;

/// Why a file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The person stopped reading it.
    #[error("{}: reading was cancelled", .path.display())]
    Cancelled {
        /// The file.
        path: PathBuf,
    },
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
    read_watched(path, options, &mut ReadWatch::unwatched())
}

/// [`read`], telling `watch` how far it got and stopping when it says so.
///
/// # Errors
/// [`ReadError`], naming the file; [`ReadError::Cancelled`] when stopped.
pub fn read_watched(
    path: &Path,
    options: ReadOptions,
    watch: &mut ReadWatch<'_>,
) -> Result<Workbook, ReadError> {
    let extension = path
        .extension()
        .and_then(|extension| extension.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let bytes = load(path, watch)?;
    if bytes.is_empty() {
        return Err(ReadError::Empty {
            path: path.to_owned(),
        });
    }
    match extension.as_str() {
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => read_workbook(path, bytes, watch),
        "csv" | "txt" | "tsv" => read_text(path, &bytes, options, watch),
        _ => Err(ReadError::UnknownKind {
            path: path.to_owned(),
        }),
    }
}

/// The file's bytes, read a chunk at a time so a big file on a slow disk
/// shows how far it got and can be stopped.
fn load(path: &Path, watch: &mut ReadWatch<'_>) -> Result<Vec<u8>, ReadError> {
    let unreadable = |error: std::io::Error| ReadError::Unreadable {
        path: path.to_owned(),
        reason: error.to_string(),
    };
    let mut file = std::fs::File::open(path).map_err(unreadable)?;
    let total = file.metadata().map_err(unreadable)?.len();
    let mut bytes = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
    let mut chunk = vec![0; CHUNK_BYTES];
    loop {
        watch.step(path, ReadStage::Loading, bytes.len() as u64, total)?;
        let got = match file.read(&mut chunk) {
            Ok(0) => break,
            Ok(got) => got,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(unreadable(error)),
        };
        bytes.extend_from_slice(chunk.get(..got).unwrap_or_default());
    }
    Ok(bytes)
}

/// A workbook: a zip (xlsx, xlsm, xlsb, ods) or an OLE file (xls).
fn read_workbook(
    path: &Path,
    bytes: Vec<u8>,
    watch: &mut ReadWatch<'_>,
) -> Result<Workbook, ReadError> {
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
    let names = workbook.sheet_names();
    let mut sheets = Vec::new();
    for (done, name) in names.iter().enumerate() {
        watch.step(path, ReadStage::Parsing, done as u64, names.len() as u64)?;
        let rows = match &mut workbook {
            // Cell by cell, so a big sheet shows its rows going by and stops
            // when asked; calamine reads other kinds a sheet at a time.
            calamine::Sheets::Xlsx(xlsx) => {
                let cells = xlsx
                    .worksheet_cells_reader(name)
                    .map_err(|error| damaged(format!("sheet {name}: {error}")))?;
                xlsx_rows(path, cells, watch).map_err(|error| {
                    error.unwrap_or_else(|reason| damaged(format!("sheet {name}: {reason}")))
                })?
            }
            other => {
                let range = other
                    .worksheet_range(name)
                    .map_err(|error| damaged(format!("sheet {name}: {error}")))?;
                range_rows(path, &range, watch)?
            }
        };
        sheets.push(Sheet {
            name: name.clone(),
            rows,
        });
    }
    watch.step(
        path,
        ReadStage::Parsing,
        names.len() as u64,
        names.len() as u64,
    )?;
    Ok(Workbook {
        sheets,
        encoding: None,
        delimiter: None,
        had_decode_errors: false,
    })
}

/// The rows of a sheet calamine read whole.
fn range_rows(
    path: &Path,
    range: &calamine::Range<Data>,
    watch: &mut ReadWatch<'_>,
) -> Result<Vec<Row>, ReadError> {
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    let total = range.height() as u64;
    let mut rows = Vec::new();
    for (index, cells) in range.rows().enumerate() {
        if index.is_multiple_of(STEP_ITEMS) {
            watch.step(path, ReadStage::Parsing, index as u64, total)?;
        }
        let mut cells: Vec<Cell> = std::iter::repeat_n(Cell::Empty, first_column as usize)
            .chain(cells.iter().map(cell_of))
            .collect();
        trim_blank_end(&mut cells);
        if !cells.is_empty() {
            rows.push(Row {
                number: first_row as usize + index + 1,
                cells,
            });
        }
    }
    Ok(rows)
}

/// The rows of an xlsx sheet, read cell by cell as its XML goes by (rows
/// top to bottom, cells left to right). `Err(Ok(_))` is a stop or a failure
/// to pass on as it is; `Err(Err(reason))` a damaged sheet.
fn xlsx_rows<RS: std::io::Read + std::io::Seek>(
    path: &Path,
    mut cells: calamine::XlsxCellReader<'_, RS>,
    watch: &mut ReadWatch<'_>,
) -> Result<Vec<Row>, Result<ReadError, String>> {
    let dimensions = cells.dimensions();
    let total = u64::from(dimensions.end.0.saturating_sub(dimensions.start.0)) + 1;
    let mut rows: Vec<Row> = Vec::new();
    let mut current: Option<(u32, Vec<Cell>)> = None;
    let finish = |rows: &mut Vec<Row>, row: Option<(u32, Vec<Cell>)>| {
        if let Some((number, mut cells)) = row {
            trim_blank_end(&mut cells);
            if !cells.is_empty() {
                rows.push(Row {
                    number: number as usize + 1,
                    cells,
                });
            }
        }
    };
    let mut seen = 0_usize;
    while let Some(cell) = cells.next_cell().map_err(|error| Err(error.to_string()))? {
        seen += 1;
        let (row, column) = cell.get_position();
        if seen.is_multiple_of(STEP_ITEMS) {
            let done = u64::from(row.saturating_sub(dimensions.start.0));
            watch
                .step(path, ReadStage::Parsing, done, total.max(done))
                .map_err(Ok)?;
        }
        if current.as_ref().is_none_or(|(at, _)| *at != row) {
            finish(&mut rows, current.take());
            current = Some((row, Vec::new()));
        }
        if let Some((_, values)) = &mut current {
            let column = column as usize;
            if values.len() <= column {
                values.resize(column + 1, Cell::Empty);
            }
            if let Some(slot) = values.get_mut(column) {
                *slot = cell_of(&Data::from(cell.get_value().clone()));
            }
        }
    }
    finish(&mut rows, current.take());
    Ok(rows)
}

/// A delimited text file.
fn read_text(
    path: &Path,
    bytes: &[u8],
    options: ReadOptions,
    watch: &mut ReadWatch<'_>,
) -> Result<Workbook, ReadError> {
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
    let total = text.len() as u64;
    let mut records = 0_usize;
    loop {
        let line = reader.position().line();
        if records.is_multiple_of(STEP_ITEMS) {
            watch.step(path, ReadStage::Parsing, reader.position().byte(), total)?;
        }
        records += 1;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/import")
            .join(name)
    }

    /// A stage, how much of it was done and its whole, as reported.
    type Report = (ReadStage, u64, u64);

    /// Reads `path` with a watch, returning what it read and every report.
    fn watched(
        path: &Path,
        stop_at: Option<ReadStage>,
    ) -> (Result<Workbook, ReadError>, Vec<Report>) {
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&cancel);
        let mut reports = Vec::new();
        let result = read_watched(
            path,
            ReadOptions::default(),
            &mut ReadWatch::new(cancel, |stage, done, total| {
                reports.push((stage, done, total));
                if Some(stage) == stop_at {
                    flag.store(true, Ordering::Relaxed);
                }
            }),
        );
        (result, reports)
    }

    #[test]
    fn a_watched_read_reads_the_same_and_tells_how_far_it_got() {
        for name in [
            "customers.xlsx",
            "customers.xls",
            "customers.ods",
            "customers_utf8_bom.csv",
        ] {
            let path = fixture(name);
            let (result, reports) = watched(&path, None);
            assert_eq!(
                result.unwrap(),
                read(&path, ReadOptions::default()).unwrap(),
                "{name}"
            );
            let size = std::fs::metadata(&path).unwrap().len();
            assert_eq!(
                reports.first(),
                Some(&(ReadStage::Loading, 0, size)),
                "{name}"
            );
            assert!(
                reports.contains(&(ReadStage::Loading, size, size)),
                "{name}: {reports:?}"
            );
            assert!(
                reports
                    .iter()
                    .any(|(stage, ..)| *stage == ReadStage::Parsing),
                "{name}: {reports:?}"
            );
            assert!(
                reports.iter().all(|(_, done, total)| done <= total),
                "{name}: {reports:?}"
            );
        }
    }

    #[test]
    fn a_read_stops_when_asked_while_loading_or_parsing() {
        for (name, stage) in [
            ("customers.xlsx", ReadStage::Loading),
            ("customers.xlsx", ReadStage::Parsing),
            ("customers_cp949.csv", ReadStage::Parsing),
        ] {
            let path = fixture(name);
            let (result, reports) = watched(&path, Some(stage));
            assert_eq!(
                result,
                Err(ReadError::Cancelled { path: path.clone() }),
                "{name} {stage:?}"
            );
            assert_eq!(reports.last().map(|(at, ..)| *at), Some(stage));
        }
    }

    #[test]
    fn a_big_sheet_is_read_row_by_row_with_its_empty_rows_and_cells_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for row in 0..10_000_u32 {
            // Every tenth row empty; the first column only on even rows.
            if row % 10 == 9 {
                continue;
            }
            if row % 2 == 0 {
                sheet.write(row + 2, 1, format!("이름{row}")).unwrap();
            }
            sheet.write(row + 2, 3, f64::from(row)).unwrap();
        }
        book.save(&path).unwrap();

        let (result, reports) = watched(&path, None);
        let workbook = result.unwrap();
        let rows = &workbook.sheets[0].rows;
        assert_eq!(rows.len(), 9_000);
        assert_eq!(rows[0].number, 3);
        assert_eq!(
            rows[0].cells,
            [
                Cell::Empty,
                Cell::Text("이름0".into()),
                Cell::Empty,
                Cell::Number(0.0)
            ]
        );
        assert_eq!(
            rows[1].cells,
            [Cell::Empty, Cell::Empty, Cell::Empty, Cell::Number(1.0)]
        );
        assert_eq!(rows.last().unwrap().number, 10_001);
        // As calamine reads the sheet whole.
        for path in [path.clone(), fixture("customers.xlsx")] {
            let streamed = read(&path, ReadOptions::default()).unwrap();
            let mut whole = calamine::open_workbook_auto(&path).unwrap();
            for sheet in &streamed.sheets {
                let range = whole.worksheet_range(&sheet.name).unwrap();
                let rows = range_rows(&path, &range, &mut ReadWatch::unwatched()).unwrap();
                assert_eq!(rows, sheet.rows, "{}", path.display());
            }
        }
        // Rows went by while the sheet was parsed.
        let parsing: Vec<u64> = reports
            .iter()
            .filter(|(stage, _, total)| *stage == ReadStage::Parsing && *total > 1)
            .map(|(_, done, _)| *done)
            .collect();
        assert!(parsing.len() >= 3, "{reports:?}");
        assert!(
            parsing.windows(2).all(|two| two[0] <= two[1]),
            "{parsing:?}"
        );
    }
}
