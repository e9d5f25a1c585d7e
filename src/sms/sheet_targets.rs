//! 엑셀문자발송's recipients: the rows of a sheet under its header row, one
//! message each — the number from the chosen phone column, and every other
//! column a `#{열이름}` variable for the text.
//!
//! A number Excel stored as a number lost its leading 0 (1012345678 for
//! 010-1234-5678); Korean Excel writes it so into CSV too. A run of 9 or 10
//! digits that reads as a Korean mobile number without its 0 gets the 0
//! back. Dates read as dates ([`Cell::text`]). Every row that cannot be
//! sent — its number bad or not a mobile, a variable the text uses empty,
//! its number already met — is listed with the row number the sheet shows
//! and why, and the rest go once each.
//!
//! Pure: the caller passes the sheet as read and the region.

use std::collections::HashMap;

use super::compose::{self, Issue};
use crate::domain::{PhoneNumber, Region};
use crate::import::header::{data_rows, header_names};
use crate::import::lost_zero::with_lost_zero;
use crate::import::{Cell, Sheet};

/// Which columns mean what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetMapping {
    /// The row number of the header (1 for the first row).
    pub header_row: usize,
    /// The phone column, from 0 (column A).
    pub phone_column: usize,
    /// The variables the text uses (header names without `#{}`): a row in
    /// which one is empty is not sent.
    pub used: Vec<String>,
}

/// The sheet sorted into messages to send and rows left out.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SheetTargets {
    /// The header's names, column by column (blank names as `열N`).
    pub columns: Vec<String>,
    /// One per message to send, in the sheet's order.
    pub targets: Vec<Target>,
    /// Rows that cannot be sent, with why.
    pub rejected: Vec<RejectedRow>,
    /// Rows whose number an earlier sendable row already has.
    pub duplicates: Vec<DuplicateRow>,
}

/// A row to send to.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The row number the sheet shows.
    pub row: usize,
    /// The number to send to.
    pub to: PhoneNumber,
    /// Every column's value by its header name, as the sheet shows it.
    pub values: Vec<(String, String)>,
}

/// A row that cannot be sent.
#[derive(Debug, Clone, PartialEq)]
pub struct RejectedRow {
    /// The row number the sheet shows.
    pub row: usize,
    /// What the phone cell holds, as the sheet shows it.
    pub phone: String,
    /// Why.
    pub reason: RowProblem,
}

/// Why a row is left out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowProblem {
    /// Its phone cell is empty.
    #[error("no phone number")]
    NoNumber,
    /// Its number cannot take a message.
    #[error(transparent)]
    Number(Issue),
    /// A variable the text uses is empty in it.
    #[error("#{{{0}}} is empty")]
    EmptyVariable(String),
}

/// A row whose number was met before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateRow {
    /// The row number the sheet shows.
    pub row: usize,
    /// What its phone cell holds.
    pub phone: String,
    /// The row that has the number first.
    pub first_row: usize,
}

/// Sorts `sheet`'s rows under `mapping.header_row` into messages and rows
/// left out; numbers without a country code are read for `region`.
#[must_use]
pub fn sort_rows(sheet: &Sheet, mapping: &SheetMapping, region: Region) -> SheetTargets {
    let columns = header_names(sheet, mapping.header_row);
    let mut out = SheetTargets {
        columns,
        ..SheetTargets::default()
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    for row in data_rows(sheet, mapping.header_row) {
        let cell = row.cells.get(mapping.phone_column).unwrap_or(&Cell::Empty);
        let phone = cell.text();
        let reject = |reason| RejectedRow {
            row: row.number,
            phone: phone.clone(),
            reason,
        };
        if phone.is_empty() {
            out.rejected.push(reject(RowProblem::NoNumber));
            continue;
        }
        let to = match compose::recipient(&with_lost_zero(&phone, region), region) {
            Ok(to) => to,
            Err(issue) => {
                out.rejected.push(reject(RowProblem::Number(issue)));
                continue;
            }
        };
        let values: Vec<(String, String)> = out
            .columns
            .iter()
            .enumerate()
            .map(|(index, name)| {
                let value = row.cells.get(index).map_or_else(String::new, Cell::text);
                (name.clone(), value)
            })
            .collect();
        if let Some(empty) = mapping.used.iter().find(|used| {
            values
                .iter()
                .find(|(name, _)| name == *used)
                .is_none_or(|(_, value)| value.is_empty())
        }) {
            out.rejected
                .push(reject(RowProblem::EmptyVariable(empty.clone())));
            continue;
        }
        if let Some(&first_row) = seen.get(to.key()) {
            out.duplicates.push(DuplicateRow {
                row: row.number,
                phone,
                first_row,
            });
            continue;
        }
        seen.insert(to.key().to_owned(), row.number);
        out.targets.push(Target {
            row: row.number,
            to,
            values,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::Row;

    fn sheet(rows: &[(usize, &[Cell])]) -> Sheet {
        Sheet {
            name: "발송대상".to_owned(),
            rows: rows
                .iter()
                .map(|(number, cells)| Row {
                    number: *number,
                    cells: cells.to_vec(),
                })
                .collect(),
        }
    }

    fn text(value: &str) -> Cell {
        Cell::Text(value.to_owned())
    }

    #[test]
    fn excels_lost_zero_comes_back_and_repeats_go_once() {
        let sheet = sheet(&[
            (1, &[text("이름"), text("휴대폰"), text("쿠폰")]),
            (
                2,
                &[text("홍길동"), Cell::Number(1_093_307_910.0), text("A1")],
            ),
            (3, &[text("김민준"), text("+82 10 9330 7910"), text("A2")]),
            (5, &[text("박서연"), text("02-2299-7000"), text("A3")]),
            (6, &[text("이도윤"), text("010-5903-4437")]),
            (7, &[text("최지우")]),
        ]);
        let mapping = SheetMapping {
            header_row: 1,
            phone_column: 1,
            used: vec!["쿠폰".to_owned()],
        };
        let sorted = sort_rows(&sheet, &mapping, Region::KOREA);
        assert_eq!(sorted.columns, ["이름", "휴대폰", "쿠폰"]);
        assert_eq!(sorted.targets.len(), 1);
        assert_eq!(sorted.targets[0].to.key(), "+821093307910");
        assert_eq!(
            sorted.targets[0].values[2],
            ("쿠폰".to_owned(), "A1".to_owned())
        );
        assert_eq!(
            sorted.duplicates,
            [DuplicateRow {
                row: 3,
                phone: "+82 10 9330 7910".to_owned(),
                first_row: 2
            }]
        );
        let reasons: Vec<(usize, &RowProblem)> = sorted
            .rejected
            .iter()
            .map(|rejected| (rejected.row, &rejected.reason))
            .collect();
        assert!(matches!(
            reasons[0],
            (5, RowProblem::Number(Issue::NotMobile { .. }))
        ));
        assert_eq!(
            reasons[1],
            (6, &RowProblem::EmptyVariable("쿠폰".to_owned()))
        );
        assert_eq!(reasons[2], (7, &RowProblem::NoNumber));
    }

    #[test]
    fn only_a_korean_mobile_without_its_zero_is_repaired() {
        assert_eq!(with_lost_zero("1012345678", Region::KOREA), "01012345678");
        assert_eq!(with_lost_zero("111234567", Region::KOREA), "0111234567");
        assert_eq!(with_lost_zero("1588123", Region::KOREA), "1588123");
        assert_eq!(with_lost_zero("1512345678", Region::KOREA), "1512345678");
        assert_eq!(with_lost_zero("1012345678", Region::JAPAN), "1012345678");
    }
}
