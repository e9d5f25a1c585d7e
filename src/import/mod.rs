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
//! * [`customer_columns`] and [`customer_rows`]: a customer sheet's columns
//!   read from their headers, and its rows sorted into customers to import,
//!   rows rejected with their reason and rows that repeat an earlier one.
//! * [`customer_import`]: a customer import as one unit, against the book.
//! * [`header`]: which row of a sheet is its header, and the rows under it.
//! * [`lost_zero`]: the leading 0 Excel drops from a mobile number.
//!
//! [`mod@read`] drops nothing but wholly blank trailing cells; what a row
//! means is for the modules on top of it.

pub mod cell;
pub mod customer_columns;
pub mod customer_import;
pub mod customer_rows;
pub mod delimiter;
pub mod encoding;
pub mod header;
pub mod lost_zero;
pub mod read;

pub use cell::Cell;
pub use read::{
    ReadError, ReadOptions, ReadStage, ReadWatch, Row, Sheet, Workbook, read, read_watched,
};
