//! Which separator a delimited text file uses: `,` (Excel's CSV), `;` (the
//! list separator of European Excel), a tab (Excel's "text") or `|`.
//!
//! Each candidate splits the first rows; the one that splits the header
//! into the most columns and keeps every row at that count wins. A file
//! read with the wrong one would have a single column, or rows whose
//! addresses split at their commas.

/// The separators tried, in the order of preference on a tie.
pub const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Rows looked at.
const SAMPLE_ROWS: usize = 50;

/// The separator of `text` (decoded), `,` when nothing tells.
#[must_use]
pub fn detect(text: &str) -> u8 {
    let mut best = (b',', 0_usize, 0_usize);
    for candidate in CANDIDATES {
        let (columns, consistent) = score(text, candidate);
        if columns < 2 {
            continue;
        }
        // More rows agreeing first, then more columns.
        if (consistent, columns) > (best.2, best.1) {
            best = (candidate, columns, consistent);
        }
    }
    best.0
}

/// The header's column count with `delimiter`, and how many of the first
/// rows have exactly that many.
fn score(text: &str, delimiter: u8) -> (usize, usize) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut records = reader.records().take(SAMPLE_ROWS + 1);
    let Some(Ok(header)) = records.next() else {
        return (0, 0);
    };
    let columns = header.len();
    let consistent = records
        .filter_map(Result::ok)
        .filter(|record| record.len() == columns)
        .count();
    (columns, consistent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_separator_that_keeps_the_columns_wins() {
        assert_eq!(detect("이름,휴대폰\n홍길동,010-1234-5678\n"), b',');
        assert_eq!(
            detect(
                "이름;주소;금액\n홍길동;서울시 중구, 세종대로 1;1.234,00\n김민준;부산시, 해운대구;5,00\n"
            ),
            b';'
        );
        assert_eq!(detect("이름\t휴대폰\n홍길동\t010-1234-5678\n"), b'\t');
        assert_eq!(detect("이름\n홍길동\n"), b',');
    }
}
