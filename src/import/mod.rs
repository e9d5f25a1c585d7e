//! Spreadsheets and delimited text read into plain rows of cells, for the
//! Excel-driven SMS and the customer import.
//!
//! * [`mod@read`]: a file by its kind — .xlsx/.xlsm/.xls/.ods through calamine,
//!   .csv/.txt through the csv crate — into a [`Workbook`] of sheets; a file
//!   that is damaged, empty or not what its name says is refused with a
//!   reason a person can act on.
//! * [`encoding`]: which encoding a text file is in (UTF-8 with or without a
//!   BOM, UTF-16 with a BOM, CP949 as Korean Excel writes it, Shift_JIS as
//!   Japanese Excel writes it), unless the person chose one.
//! * [`delimiter`]: which separator a delimited text uses.
//! * [`cell`]: one cell's value, and how it reads as text (a number without
//!   ".0", a date as a date).
//!
//! What a row means (which column is the phone, which rows are rejected) is
//! for the mapping on top of this; here nothing is dropped but wholly blank
//! trailing cells.

pub mod cell;
pub mod delimiter;
pub mod encoding;
pub mod read;

pub use cell::Cell;
pub use read::{ReadError, ReadOptions, Row, Sheet, Workbook, read};
