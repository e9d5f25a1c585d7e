//! A sheet's header row: which row it is (the first with two or more
//! names, so a merged title above it is passed over), what its columns are
//! called, and the rows of data under it. Shared by the customer import and
//! 엑셀문자발송.

use super::{Cell, Row, Sheet};

/// The rows under the header with anything in them.
pub fn data_rows(sheet: &Sheet, header_row: usize) -> impl Iterator<Item = &Row> {
    sheet
        .rows
        .iter()
        .filter(move |row| row.number > header_row && !row.is_blank())
}

/// The header's names as the backend names them (a blank one `열N`).
#[must_use]
pub fn header_names(sheet: &Sheet, header_row: usize) -> Vec<String> {
    sheet
        .rows
        .iter()
        .find(|row| row.number == header_row)
        .map(|header| {
            header
                .cells
                .iter()
                .enumerate()
                .map(|(index, cell)| match cell.text() {
                    name if name.is_empty() => format!("열{}", index + 1),
                    name => name,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The header row's guess: the first row with at least two cells of text
/// (a merged title above it has one). None for a sheet without one.
#[must_use]
pub fn guess_header_row(sheet: &Sheet) -> Option<usize> {
    sheet
        .rows
        .iter()
        .find(|row| {
            row.cells
                .iter()
                .filter(|cell| matches!(cell, Cell::Text(text) if !text.trim().is_empty()))
                .count()
                >= 2
        })
        .or_else(|| sheet.rows.first())
        .map(|row| row.number)
}
