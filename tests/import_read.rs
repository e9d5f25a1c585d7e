//! Real spreadsheets and text files (from ../shared/fixtures/import, copied
//! into tests/data/import), written by openpyxl, XlsxWriter, xlwt,
//! LibreOffice and Korean and Japanese Excel, read into rows: the counts
//! and cells their MANIFEST gives, and clean refusals of broken files.

use std::path::PathBuf;

use encoding_rs::{EUC_KR, SHIFT_JIS, UTF_8};
use ringdesk::import::{Cell, ReadError, ReadOptions, Workbook, read};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/import")
        .join(name)
}

fn open(name: &str) -> Workbook {
    read(&data(name), ReadOptions::default()).unwrap_or_else(|error| panic!("{error}"))
}

/// Rows under the header row `header` of the first sheet with anything in
/// them.
fn data_rows(workbook: &Workbook, header: usize) -> usize {
    workbook.sheets[0]
        .rows
        .iter()
        .filter(|row| row.number > header && !row.is_blank())
        .count()
}

/// The cells of the row numbered `number` of the first sheet, as text.
fn row_text(workbook: &Workbook, number: usize) -> Vec<String> {
    workbook.sheets[0]
        .rows
        .iter()
        .find(|row| row.number == number)
        .unwrap_or_else(|| panic!("no row {number}"))
        .cells
        .iter()
        .map(Cell::text)
        .collect()
}

#[test]
fn text_files_are_read_in_their_own_encoding_with_their_line_numbers() {
    for (name, encoding, rows) in [
        ("customers_utf8_bom.csv", UTF_8, 200),
        ("customers_cp949.csv", EUC_KR, 250),
        ("customers_sjis.csv", SHIFT_JIS, 150),
    ] {
        let workbook = open(name);
        assert_eq!(workbook.encoding, Some(encoding), "{name}");
        assert_eq!(workbook.delimiter, Some(b','), "{name}");
        assert!(!workbook.had_decode_errors, "{name}");
        assert_eq!(data_rows(&workbook, 1), rows, "{name}");
    }
    let utf8 = open("customers_utf8_bom.csv");
    assert_eq!(
        row_text(&utf8, 1)[0],
        "이름",
        "the BOM is not part of the header"
    );
    // Record 117 starts on line 119: a memo above holds a line break.
    assert_eq!(row_text(&utf8, 119)[2], "+82 10-9999");
    let cp949 = open("customers_cp949.csv");
    // Syllables only CP949 has (not EUC-KR's KS X 1001) read right.
    let text: Vec<String> = cp949.sheets[0]
        .rows
        .iter()
        .flat_map(|row| row.cells.iter().map(Cell::text))
        .collect();
    assert!(text.iter().any(|cell| cell.contains("똠얌꿍하우스 역삼점")));
    assert!(text.iter().any(|cell| cell.contains("네일샾 봄")));
    let sjis = open("customers_sjis.csv");
    let text: String = sjis.sheets[0]
        .rows
        .iter()
        .flat_map(|row| row.cells.iter().map(Cell::text))
        .collect();
    for extension in ["髙", "﨑", "①", "㈱"] {
        assert!(text.contains(extension), "{extension}");
    }
}

#[test]
fn workbooks_give_their_sheets_rows_numbers_and_dates() {
    let xlsx = open("customers.xlsx");
    assert_eq!(xlsx.sheets.len(), 2);
    assert_eq!(xlsx.sheets[0].name, "고객목록");
    // A merged title on row 1, the header on row 2; an empty row between.
    assert_eq!(data_rows(&xlsx, 2), 1000);
    for (name, rows) in [("customers.xls", 300), ("customers.ods", 300)] {
        assert_eq!(data_rows(&open(name), 1), rows, "{name}");
    }

    let targets = open("sms_targets.xlsx");
    assert_eq!(targets.sheets[0].name, "발송대상");
    assert_eq!(data_rows(&targets, 1), 500);
    assert_eq!(
        row_text(&targets, 1),
        ["이름", "휴대폰", "방문일", "쿠폰코드"]
    );
    // A phone stored as a number, without its leading 0 and without ".0";
    // a date cell as a date.
    assert_eq!(
        row_text(&targets, 2),
        ["홍경희 원장", "1093307910", "2024-05-14", "SUMMER24-TN7MP"]
    );
    assert_eq!(row_text(&targets, 4)[1], "010-5903-4437");
}

#[test]
fn a_semicolon_separated_file_is_split_at_its_semicolons() {
    let workbook = open("broken/wrong_delimiter.csv");
    assert_eq!(workbook.delimiter, Some(b';'));
    assert_eq!(data_rows(&workbook, 1), 15);
    let header = &workbook.sheets[0].rows[0].cells;
    assert!(header.len() > 2, "{header:?}");
    // Read with commas it would be one header column: the choice is the
    // person's in the preview, and it shows.
    let forced = read(
        &data("broken/wrong_delimiter.csv"),
        ReadOptions {
            delimiter: Some(b','),
            ..ReadOptions::default()
        },
    )
    .unwrap();
    assert_eq!(forced.sheets[0].rows[0].cells.len(), 1);
}

#[test]
fn broken_files_are_refused_saying_why() {
    let refusal = |name: &str| read(&data(name), ReadOptions::default()).unwrap_err();
    assert!(matches!(
        refusal("broken/empty.csv"),
        ReadError::Empty { .. }
    ));
    assert_eq!(
        refusal("broken/not_really.xlsx"),
        ReadError::NotAWorkbook {
            path: data("broken/not_really.xlsx"),
            text: true
        }
    );
    let damaged = refusal("broken/truncated.xlsx");
    assert!(matches!(damaged, ReadError::Damaged { .. }), "{damaged}");
    assert!(
        damaged
            .to_string()
            .contains("truncated.xlsx: the workbook is damaged")
    );
    assert!(matches!(
        read(&data("missing.csv"), ReadOptions::default()),
        Err(ReadError::Unreadable { .. })
    ));
    // A header and nothing else reads as just that: no rows to send.
    let header_only = open("broken/header_only.csv");
    assert_eq!(data_rows(&header_only, 1), 0);
    assert_eq!(header_only.sheets[0].rows.len(), 1);
}

#[test]
fn the_encoding_chosen_in_the_preview_wins() {
    let workbook = read(
        &data("customers_cp949.csv"),
        ReadOptions {
            encoding: Some(SHIFT_JIS),
            ..ReadOptions::default()
        },
    )
    .unwrap();
    assert_eq!(workbook.encoding, Some(SHIFT_JIS));
    assert!(workbook.had_decode_errors, "Korean read as Japanese shows");
}

#[test]
fn an_sms_sheet_gives_one_message_per_sendable_row() {
    use ringdesk::domain::Region;
    use ringdesk::sms::compose::Issue;
    use ringdesk::sms::sheet_targets::{RowProblem, SheetMapping, sort_rows};

    let workbook = open("sms_targets.xlsx");
    let mapping = SheetMapping {
        header_row: 1,
        phone_column: 1,
        used: vec![
            "이름".to_owned(),
            "방문일".to_owned(),
            "쿠폰코드".to_owned(),
        ],
    };
    let sorted = sort_rows(&workbook.sheets[0], &mapping, Region::KOREA);
    assert_eq!(sorted.targets.len(), 482);
    let rejected: Vec<usize> = sorted.rejected.iter().map(|row| row.row).collect();
    assert_eq!(
        rejected,
        [
            24, 42, 190, 225, 228, 285, 323, 371, 392, 420, 453, 494, 495
        ]
    );
    let not_mobile: Vec<usize> = sorted
        .rejected
        .iter()
        .filter(|row| matches!(row.reason, RowProblem::Number(Issue::NotMobile { .. })))
        .map(|row| row.row)
        .collect();
    assert_eq!(not_mobile, [42, 228, 453]);
    let duplicates: Vec<(usize, usize)> = sorted
        .duplicates
        .iter()
        .map(|row| (row.row, row.first_row))
        .collect();
    assert_eq!(
        duplicates,
        [(93, 8), (281, 200), (284, 90), (317, 72), (439, 55)]
    );
    // The first rows as a personalised message sees them.
    let first: Vec<(&str, Vec<&str>)> = sorted.targets[..3]
        .iter()
        .map(|target| {
            (
                target.to.key(),
                target
                    .values
                    .iter()
                    .map(|(_, value)| value.as_str())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        first,
        [
            (
                "+821093307910",
                vec!["홍경희 원장", "1093307910", "2024-05-14", "SUMMER24-TN7MP"]
            ),
            (
                "+821090767273",
                vec!["김지유", "01090767273", "2024-05-29", "SUMMER24-T2EYX"]
            ),
            (
                "+821059034437",
                vec!["박명수", "010-5903-4437", "2024-05-06", "SUMMER24-3YWVF"]
            ),
        ]
    );
}
