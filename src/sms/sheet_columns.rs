//! 엑셀문자발송's columns: which row of a sheet is the header, what its
//! columns are called, which one holds the phone numbers and which of them
//! a text uses as `#{열이름}`. The window guesses with these and the manager
//! corrects; `ringdesk sms bulk --excel` guesses with the same ones.
//!
//! Pure: the caller passes the sheet as read.

use super::template::placeholders;
pub use crate::import::header::{data_rows, guess_header_row, header_names};
use crate::import::{Cell, Row as SheetRow, Sheet};

/// Rows under the header looked at for the width of the sheet.
const SAMPLE_ROWS: usize = 20;
/// Words in a header that name the phone column, mobile ones first: a
/// sheet with both 전화번호 and 휴대폰 sends to the mobile.
const MOBILE_WORDS: [&str; 6] = ["휴대폰", "핸드폰", "휴대전화", "mobile", "携帯", "ケータイ"];
/// Words in a header that name some phone column.
const PHONE_WORDS: [&str; 5] = ["전화", "연락처", "phone", "電話", "tel"];

/// The header's names, then `열N` for columns the first rows under it use
/// beyond the header: the phone column may be any of them.
#[must_use]
pub fn column_names(sheet: &Sheet, header_row: usize) -> Vec<String> {
    let mut names = header_names(sheet, header_row);
    let width = data_rows(sheet, header_row)
        .take(SAMPLE_ROWS)
        .map(|row| row.cells.len())
        .max()
        .unwrap_or(0);
    while names.len() < width {
        names.push(format!("열{}", names.len() + 1));
    }
    names
}

/// The columns `body` uses as `#{열이름}`, once each, in order.
#[must_use]
pub fn used_variables(body: &str, columns: &[String]) -> Vec<String> {
    let mut used: Vec<String> = Vec::new();
    for placeholder in placeholders(body) {
        if columns.contains(&placeholder.name) && !used.contains(&placeholder.name) {
            used.push(placeholder.name);
        }
    }
    used
}

/// The phone column's guess: the column whose header names a mobile, else
/// one that names a phone, else the first column whose cells under the
/// header mostly look like phone numbers. None when no column does.
#[must_use]
pub fn guess_phone_column(sheet: &Sheet, header_row: usize) -> Option<usize> {
    let names: Vec<String> = sheet
        .rows
        .iter()
        .find(|row| row.number == header_row)
        .map(|header| {
            header
                .cells
                .iter()
                .map(|cell| cell.text().to_lowercase())
                .collect()
        })
        .unwrap_or_default();
    for words in [&MOBILE_WORDS[..], &PHONE_WORDS[..]] {
        if let Some(index) = names
            .iter()
            .position(|name| words.iter().any(|word| name.contains(word)))
        {
            return Some(index);
        }
    }
    let sample: Vec<&SheetRow> = data_rows(sheet, header_row).take(100).collect();
    let width = sample.iter().map(|row| row.cells.len()).max().unwrap_or(0);
    (0..width).find(|&column| {
        let numbers = sample
            .iter()
            .filter(|row| row.cells.get(column).is_some_and(looks_like_phone))
            .count();
        numbers * 2 > sample.len()
    })
}

/// Whether a cell looks like a phone number: at least 7 digits, and nothing
/// but digits and the marks numbers are written with.
fn looks_like_phone(cell: &Cell) -> bool {
    let text = match cell {
        Cell::Number(_) | Cell::Text(_) => cell.text(),
        _ => return false,
    };
    let digits = text.chars().filter(char::is_ascii_digit).count();
    digits >= 7
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '+' | '(' | ')' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str) -> Cell {
        if value.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(value.to_owned())
        }
    }

    fn sheet(rows: &[(usize, Vec<Cell>)]) -> Sheet {
        Sheet {
            name: "발송대상".to_owned(),
            rows: rows
                .iter()
                .map(|(number, cells)| SheetRow {
                    number: *number,
                    cells: cells.clone(),
                })
                .collect(),
        }
    }

    #[test]
    fn the_header_is_the_first_row_with_two_texts() {
        // A merged title, a blank row, then the header.
        let titled = sheet(&[
            (1, vec![text("5월 방문 고객 쿠폰 발송")]),
            (3, vec![text("이름"), text("휴대폰"), text("방문일")]),
            (4, vec![text("홍길동"), Cell::Number(1_012_345_678.0)]),
        ]);
        assert_eq!(guess_header_row(&titled), Some(3));
        // Numbers do not make a header.
        let numbers = sheet(&[
            (1, vec![Cell::Number(1.0), Cell::Number(2.0), text("x")]),
            (2, vec![text("이름"), text("")]),
            (4, vec![text("이름"), text("전화")]),
        ]);
        assert_eq!(guess_header_row(&numbers), Some(4));
        // Without one, the first row.
        let single = sheet(&[(2, vec![text("010-1234-5678")])]);
        assert_eq!(guess_header_row(&single), Some(2));
        assert_eq!(guess_header_row(&sheet(&[])), None);
    }

    #[test]
    fn the_phone_column_is_named_or_looks_like_numbers() {
        // A mobile column wins over a plain phone column before it.
        let named = sheet(&[(
            1,
            vec![text("이름"), text("전화번호"), text("휴대폰"), text("메모")],
        )]);
        assert_eq!(guess_phone_column(&named, 1), Some(2));
        let plain = sheet(&[(1, vec![text("고객명"), text("연락처")])]);
        assert_eq!(guess_phone_column(&plain, 1), Some(1));
        let english = sheet(&[(1, vec![text("Name"), text("Mobile Phone")])]);
        assert_eq!(guess_phone_column(&english, 1), Some(1));
        let japanese = sheet(&[(1, vec![text("氏名"), text("電話番号")])]);
        assert_eq!(guess_phone_column(&japanese, 1), Some(1));
        // No name says so: the column mostly holding numbers (a 번호
        // column of small numbers does not count).
        let unnamed = sheet(&[
            (1, vec![text("번호"), text("이름"), text("번호2")]),
            (
                2,
                vec![Cell::Number(1.0), text("홍길동"), text("010-1234-5678")],
            ),
            (
                3,
                vec![
                    Cell::Number(2.0),
                    text("김철수"),
                    Cell::Number(1_098_765_432.0),
                ],
            ),
            (4, vec![Cell::Number(3.0), text("이영희"), text("없음")]),
        ]);
        assert_eq!(guess_phone_column(&unnamed, 1), Some(2));
        let none = sheet(&[(1, vec![text("a"), text("b")]), (2, vec![text("x")])]);
        assert_eq!(guess_phone_column(&none, 1), None);
    }

    #[test]
    fn the_text_uses_the_columns_it_names() {
        let columns = vec!["이름".to_owned(), "쿠폰코드".to_owned()];
        assert_eq!(
            used_variables("#{이름}님 #{쿠폰코드} #{이름} #{등급}", &columns),
            vec!["이름".to_owned(), "쿠폰코드".to_owned()]
        );
    }

    #[test]
    fn blank_header_cells_are_named_by_column() {
        let sheet = sheet(&[
            (1, vec![text("이름"), text(""), text("쿠폰")]),
            (2, vec![text("a"), text("b"), text("c"), text("d")]),
        ]);
        assert_eq!(header_names(&sheet, 1), ["이름", "열2", "쿠폰"]);
        assert_eq!(column_names(&sheet, 1), ["이름", "열2", "쿠폰", "열4"]);
    }
}
