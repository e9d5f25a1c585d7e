//! The customer export's sheet (고객 내보내기): which columns, with which
//! Korean headers, and each customer as one row of text cells.
//!
//! The headers are the words ringdesk's customer import recognises (이름,
//! 휴대폰, 전화번호, 이메일, 회사, 주소, 국가, 인지경로, 그룹, 태그, 메모), so
//! an export imports back as the same customers. Columns, in order:
//!
//! * 이름;
//! * one column per phone label the exported customers use, most used
//!   first: a label that names a phone (휴대폰, 회사전화, 携帯…) heads its
//!   own column, numbers without a label go under 전화번호 and any other
//!   label under `전화번호(집)`. A customer with two numbers under one label
//!   fills `휴대폰` and `휴대폰 2`: one number per cell, as an import reads it;
//! * 이메일, 회사, 주소, 국가 (ISO code), 인지경로, 상태, 담당자;
//! * 그룹 and 태그, several joined by `, `;
//! * 메모; 광고 수신거부 (when the customer refused, empty otherwise);
//!   야간 광고 수신동의 (예 / 아니오); 광고 수신동의일 (`YYYY-MM-DD`) and
//!   동의경로 (전화, 문자, 웹, 서면, 기타) when consent is recorded; 등록일, 수정일 (and 삭제일 for the
//!   recycle bin), in the desk's local time;
//! * every user-defined field under its label;
//! * 상담기록: the notes, newest first, one per line as
//!   `[2026-03-01 10:05 김상담] text`.
//!
//! Excel keeps at most 32,767 characters in a cell. For xlsx a longer notes
//! cell keeps the newest notes that fit and says how many were left out,
//! and any other cell is cut with `…`; CSV keeps everything.

use std::fmt::Write as _;

use jiff::tz::TimeZone;

use super::{ExportError, Table, TableFormat, fill_table};
use crate::domain::{CustomerRecord, CustomerSource, FieldDef, FieldId, FieldValue, Timestamp};

/// The most characters Excel keeps in one cell.
pub const EXCEL_CELL_CHARS: usize = 32_767;

/// Words that make a header a phone column to the customer import (its
/// mobile and phone words). A label with one of them heads its column
/// as it is, so the number comes back under the same label.
const PHONE_WORDS: [&str; 11] = [
    "휴대",
    "핸드폰",
    "모바일",
    "mobile",
    "cell",
    "携帯",
    "전화",
    "연락처",
    "phone",
    "tel",
    "電話",
];

/// The header of numbers without a label.
const UNLABELLED: &str = "전화번호";

/// What decides the columns besides the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SheetOptions {
    /// The customers are the recycle bin's: a 삭제일 column follows 수정일.
    pub recycle_bin: bool,
    /// The most characters a cell may hold (xlsx: [`EXCEL_CELL_CHARS`]).
    pub cell_chars: Option<usize>,
}

/// The columns of a customer export and how a customer fills them.
#[derive(Debug, Clone)]
pub struct CustomerSheet {
    header: Vec<String>,
    /// Each phone label with the first of its columns and how many it has.
    phones: Vec<(String, usize, usize)>,
    /// The user-defined fields, in column order after the built-in ones.
    fields: Vec<FieldId>,
    /// The column of the first user-defined field.
    fields_at: usize,
    options: SheetOptions,
    zone: TimeZone,
}

impl CustomerSheet {
    /// The sheet for customers whose numbers carry `phone_labels` (each
    /// label with the most numbers one customer has under it, in column
    /// order) and the user-defined `fields` (in their order); times are
    /// written in `zone`.
    #[must_use]
    pub fn new(
        phone_labels: &[(String, u32)],
        fields: &[FieldDef],
        options: SheetOptions,
        zone: TimeZone,
    ) -> Self {
        let mut header: Vec<String> = Vec::new();
        let push = |header: &mut Vec<String>, name: String| {
            let name = unique(header, name);
            header.push(name);
        };
        push(&mut header, "이름".to_owned());
        let mut phones = Vec::with_capacity(phone_labels.len());
        for (label, most) in phone_labels {
            let most = usize::try_from(*most).unwrap_or(1).max(1);
            phones.push((label.clone(), header.len(), most));
            let base = phone_header(label);
            for occurrence in 1..=most {
                let name = if occurrence == 1 {
                    base.clone()
                } else {
                    format!("{base} {occurrence}")
                };
                push(&mut header, name);
            }
        }
        for name in [
            "이메일",
            "회사",
            "주소",
            "국가",
            "인지경로",
            "상태",
            "담당자",
            "그룹",
            "태그",
            "메모",
            "광고 수신거부",
            "야간 광고 수신동의",
            "광고 수신동의일",
            "동의경로",
            "등록일",
            "수정일",
        ] {
            push(&mut header, name.to_owned());
        }
        if options.recycle_bin {
            push(&mut header, "삭제일".to_owned());
        }
        let fields_at = header.len();
        for def in fields {
            let name = if header.contains(&def.label) {
                format!("{} ({})", def.label, def.key)
            } else {
                def.label.clone()
            };
            push(&mut header, name);
        }
        push(&mut header, "상담기록".to_owned());
        Self {
            header,
            phones,
            fields: fields.iter().map(|def| def.id).collect(),
            fields_at,
            options,
            zone,
        }
    }

    /// The column names, for the first row.
    #[must_use]
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// `record` as one row of cells under [`Self::header`].
    #[must_use]
    pub fn row(&self, record: &CustomerRecord) -> Vec<String> {
        let mut cells = Vec::new();
        self.fill_row(record, &mut cells);
        cells
    }

    /// Writes `record` into `cells` as one row under [`Self::header`],
    /// overwriting what they held and reusing their memory.
    pub fn fill_row(&self, record: &CustomerRecord, cells: &mut Vec<String>) {
        cells.resize_with(self.header.len(), String::new);
        for cell in cells.iter_mut() {
            cell.clear();
        }
        let mut cell = cells.iter_mut();
        let mut next = || cell.next();
        if let Some(name) = next() {
            name.push_str(&record.name);
        }
        // Phone columns: each label's numbers in order, as many as it has columns.
        for (label, _, most) in &self.phones {
            let mut numbers = record.phones.iter().filter(|phone| *phone.label == **label);
            for _ in 0..*most {
                if let (Some(cell), Some(phone)) = (next(), numbers.next()) {
                    cell.push_str(&phone.display);
                }
            }
        }
        let texts: [&str; 7] = [
            record.email.as_deref().unwrap_or_default(),
            &record.company,
            &record.address,
            record.country.as_deref().unwrap_or_default(),
            &record.source,
            record.status.as_deref().unwrap_or_default(),
            record.assignee.as_deref().unwrap_or_default(),
        ];
        for text in texts {
            if let Some(cell) = next() {
                cell.push_str(text);
            }
        }
        for names in [&record.groups, &record.tags] {
            if let Some(cell) = next() {
                for (index, name) in names.iter().enumerate() {
                    if index > 0 {
                        cell.push_str(", ");
                    }
                    cell.push_str(name);
                }
            }
        }
        if let Some(cell) = next() {
            cell.push_str(&record.memo);
        }
        if let (Some(cell), Some(at)) = (next(), record.ad_opt_out_at) {
            self.write_time(cell, at, true);
        }
        if let Some(cell) = next() {
            cell.push_str(yes_no(record.ad_night_consent));
        }
        if let (Some(cell), Some(at)) = (next(), record.ad_consent_at) {
            cell.push_str(&crate::domain::consent::format_date(at));
        }
        if let (Some(cell), Some(channel)) = (next(), record.ad_consent_channel) {
            cell.push_str(channel.korean());
        }
        for at in [record.created_at, record.updated_at] {
            if let Some(cell) = next() {
                self.write_time(cell, at, true);
            }
        }
        if self.options.recycle_bin
            && let Some(cell) = next()
            && let Some(at) = record.deleted_at
        {
            self.write_time(cell, at, true);
        }
        let last = self.header.len() - 1;
        let fields = cells.get_mut(self.fields_at..last).unwrap_or_default();
        for (field, value) in &record.fields {
            let column = self.fields.iter().position(|id| id == field);
            if let Some(cell) = column.and_then(|column| fields.get_mut(column)) {
                write_field(cell, value);
            }
        }
        if let Some(cell) = cells.get_mut(last) {
            self.write_notes(cell, record);
        }
        if let Some(limit) = self.options.cell_chars {
            for cell in cells.iter_mut() {
                cut(cell, limit);
            }
        }
    }

    /// Writes the notes cell: newest first, one a line; with a cell limit,
    /// the newest that fit and a last line saying how many more there are.
    fn write_notes(&self, text: &mut String, record: &CustomerRecord) {
        let mut chars = 0;
        let count = record.notes.len();
        for (index, note) in record.notes.iter().enumerate() {
            let start = text.len();
            if index > 0 {
                text.push('\n');
            }
            text.push('[');
            self.write_time(text, note.at, false);
            if let Some(author) = note.author.as_deref().filter(|name| !name.is_empty()) {
                text.push(' ');
                text.push_str(author);
            }
            text.push_str("] ");
            text.push_str(&note.body);
            if let Some(limit) = self.options.cell_chars {
                // Room is kept for the line that says how many are left
                // out, should the next note not fit.
                let after = count - index - 1;
                let reserve = if after == 0 {
                    0
                } else {
                    more(after).chars().count() + 1
                };
                let line_chars = text.get(start..).map_or(0, |line| line.chars().count());
                if chars + line_chars + reserve > limit {
                    text.truncate(start);
                    if index > 0 {
                        text.push('\n');
                    }
                    text.push_str(&more(count - index));
                    break;
                }
                chars += line_chars;
            }
        }
    }

    /// Writes `at` in the sheet's time zone as `2026-03-01 10:05:00`, or
    /// without the seconds, to `text`. By hand: a million rows have four
    /// times each, and a format string parsed for each costs seconds.
    fn write_time(&self, text: &mut String, at: Timestamp, seconds: bool) {
        let Ok(instant) = jiff::Timestamp::from_millisecond(at.as_millis()) else {
            return;
        };
        let local = self.zone.to_offset(instant).to_datetime(instant);
        // Writing to a String cannot fail.
        write!(
            text,
            "{:04}-{:02}-{:02} {:02}:{:02}",
            local.year(),
            local.month(),
            local.day(),
            local.hour(),
            local.minute()
        )
        .ok();
        if seconds {
            write!(text, ":{:02}", local.second()).ok();
        }
    }
}

/// Writes the customers `source` lends to `path` as `format` under
/// `sheet`'s columns, one at a time into the same cells, and returns how
/// many were written.
///
/// # Errors
/// As [`fill_table`]: the first failure of `source` stops the export, and
/// the file at `path` is left as it was.
pub fn write_customers<S: CustomerSource>(
    path: &std::path::Path,
    format: TableFormat,
    sheet: &CustomerSheet,
    source: &mut S,
) -> Result<u64, ExportError> {
    let table = Table {
        sheet: "고객",
        header: sheet.header(),
    };
    fill_table(path, format, &table, |cells| match source.next_customer() {
        Some(Ok(record)) => {
            sheet.fill_row(record, cells);
            Ok(true)
        }
        Some(Err(error)) => Err(error),
        None => Ok(false),
    })
}

/// The header of a phone label's (first) column.
fn phone_header(label: &str) -> String {
    let label = label.trim();
    if label.is_empty() {
        return UNLABELLED.to_owned();
    }
    let plain: String = label
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    if PHONE_WORDS.iter().any(|word| plain.contains(word)) {
        label.to_owned()
    } else {
        format!("{UNLABELLED}({label})")
    }
}

/// The last line of a notes cell that had no room for `left` notes.
fn more(left: usize) -> String {
    format!("… 외 {left}건")
}

/// `name`, or `name (2)`, `name (3)`… when the header has it already.
fn unique(header: &[String], name: String) -> String {
    if !header.contains(&name) {
        return name;
    }
    // A header has fewer names than this.
    (2..=header.len() + 1)
        .map(|n| format!("{name} ({n})"))
        .find(|candidate| !header.contains(candidate))
        .unwrap_or(name)
}

/// Writes a user-defined value as a person types it back in.
fn write_field(text: &mut String, value: &FieldValue) {
    match value {
        FieldValue::YesNo(yes) => text.push_str(yes_no(*yes)),
        FieldValue::Text(value) | FieldValue::Date(value) => text.push_str(value),
        // Writing to a String cannot fail.
        other => {
            write!(text, "{other}").ok();
        }
    }
}

fn yes_no(yes: bool) -> &'static str {
    if yes { "예" } else { "아니오" }
}

/// Cuts `cell` to at most `limit` characters, the last being `…`.
fn cut(cell: &mut String, limit: usize) {
    if limit == 0 {
        cell.clear();
        return;
    }
    if let Some((at, _)) = cell.char_indices().nth(limit) {
        let keep = cell
            .char_indices()
            .nth(limit - 1)
            .map_or(at, |(index, _)| index);
        cell.truncate(keep);
        cell.push('…');
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;
    use crate::domain::{CustomerId, FieldKind, Listed, RecordNote, RecordPhone};

    fn def(id: i64, key: &str, label: &str, kind: FieldKind) -> FieldDef {
        FieldDef {
            id: FieldId(id),
            key: key.to_owned(),
            label: label.to_owned(),
            kind,
            choices: Vec::new(),
            position: 0,
            required: false,
            show_in_list: true,
            show_in_popup: false,
        }
    }

    fn record() -> CustomerRecord {
        CustomerRecord {
            id: CustomerId(1),
            name: "홍길동".to_owned(),
            company: "한빛소프트".to_owned(),
            email: Some("gd@naver.com".to_owned()),
            address: "서울시 중구".to_owned(),
            country: Some("KR".to_owned()),
            status: Some("상담중".into()),
            source: "지인소개".to_owned(),
            assignee: Some("김상담".into()),
            memo: "오전 통화 선호".to_owned(),
            phones: vec![
                RecordPhone {
                    label: "휴대폰".into(),
                    display: "010-1234-5678".to_owned(),
                },
                RecordPhone {
                    label: "집".into(),
                    display: "02-2299-7123".to_owned(),
                },
                RecordPhone {
                    label: "휴대폰".into(),
                    display: "010-9999-0000".to_owned(),
                },
            ],
            groups: vec!["VIP".into(), "서울".into()],
            tags: vec!["골드".into()],
            fields: vec![
                (FieldId(2), FieldValue::YesNo(true)),
                (FieldId(1), FieldValue::Integer(3)),
            ],
            notes: vec![
                RecordNote {
                    at: Timestamp(1_772_327_100_000),
                    author: Some("김상담".into()),
                    body: "견적서 발송".to_owned(),
                },
                RecordNote {
                    at: Timestamp(1_772_240_400_000),
                    author: None,
                    body: "첫 통화".to_owned(),
                },
            ],
            ad_opt_out_at: None,
            ad_night_consent: true,
            ad_consent_at: None,
            ad_consent_channel: None,
            created_at: Timestamp(1_772_240_400_000),
            updated_at: Timestamp(1_772_327_100_000),
            deleted_at: None,
        }
    }

    fn seoul() -> TimeZone {
        TimeZone::get("Asia/Seoul").unwrap_or_else(|_| TimeZone::fixed(jiff::tz::offset(9)))
    }

    fn sheet(options: SheetOptions) -> CustomerSheet {
        CustomerSheet::new(
            &[
                ("휴대폰".to_owned(), 2),
                ("집".to_owned(), 1),
                (String::new(), 1),
            ],
            &[
                def(1, "visits", "방문횟수", FieldKind::Number),
                def(2, "vip", "VIP여부", FieldKind::YesNo),
                def(3, "memo2", "메모", FieldKind::Text),
            ],
            options,
            seoul(),
        )
    }

    #[test]
    fn every_column_has_its_korean_header_in_order() {
        let sheet = sheet(SheetOptions::default());
        assert_eq!(
            sheet.header(),
            [
                "이름",
                "휴대폰",
                "휴대폰 2",
                "전화번호(집)",
                "전화번호",
                "이메일",
                "회사",
                "주소",
                "국가",
                "인지경로",
                "상태",
                "담당자",
                "그룹",
                "태그",
                "메모",
                "광고 수신거부",
                "야간 광고 수신동의",
                "광고 수신동의일",
                "동의경로",
                "등록일",
                "수정일",
                "방문횟수",
                "VIP여부",
                "메모 (memo2)",
                "상담기록",
            ]
        );
        let recycled = self::sheet(SheetOptions {
            recycle_bin: true,
            cell_chars: None,
        });
        assert_eq!(recycled.header()[21], "삭제일");
    }

    #[test]
    fn a_customer_fills_its_row() {
        let sheet = sheet(SheetOptions::default());
        let row = sheet.row(&record());
        let cell = |name: &str| {
            let index = sheet.header().iter().position(|h| h == name).unwrap();
            row[index].as_str()
        };
        assert_eq!(row.len(), sheet.header().len());
        assert_eq!(cell("이름"), "홍길동");
        assert_eq!(cell("휴대폰"), "010-1234-5678");
        assert_eq!(cell("휴대폰 2"), "010-9999-0000");
        assert_eq!(cell("전화번호(집)"), "02-2299-7123");
        assert_eq!(cell("전화번호"), "");
        assert_eq!(cell("이메일"), "gd@naver.com");
        assert_eq!(cell("국가"), "KR");
        assert_eq!(cell("상태"), "상담중");
        assert_eq!(cell("담당자"), "김상담");
        assert_eq!(cell("그룹"), "VIP, 서울");
        assert_eq!(cell("태그"), "골드");
        assert_eq!(cell("광고 수신거부"), "");
        assert_eq!(cell("야간 광고 수신동의"), "예");
        assert_eq!(cell("등록일"), "2026-02-28 10:00:00");
        assert_eq!(cell("수정일"), "2026-03-01 10:05:00");
        assert_eq!(cell("방문횟수"), "3");
        assert_eq!(cell("VIP여부"), "예");
        assert_eq!(cell("메모 (memo2)"), "");
        assert_eq!(
            cell("상담기록"),
            "[2026-03-01 10:05 김상담] 견적서 발송\n[2026-02-28 10:00] 첫 통화"
        );
    }

    #[test]
    fn a_long_notes_cell_keeps_the_newest_notes_that_fit() {
        let sheet = sheet(SheetOptions {
            recycle_bin: false,
            cell_chars: Some(60),
        });
        let mut record = record();
        record.notes[0].body = "가".repeat(30);
        record.notes.push(record.notes[1].clone());
        let notes = sheet.row(&record).pop().unwrap();
        assert_eq!(
            notes,
            format!("[2026-03-01 10:05 김상담] {}\n… 외 2건", "가".repeat(30))
        );
        assert!(notes.chars().count() <= 60);

        record.notes[0].body = "가".repeat(100);
        assert_eq!(sheet.row(&record).pop().unwrap(), "… 외 3건");
    }

    #[test]
    fn cells_past_the_limit_are_cut() {
        let sheet = sheet(SheetOptions {
            recycle_bin: false,
            cell_chars: Some(10),
        });
        let mut record = record();
        record.memo = "가나다라마바사아자차카타".to_owned();
        let row = sheet.row(&record);
        let memo = sheet.header().iter().position(|h| h == "메모").unwrap();
        assert_eq!(row[memo], "가나다라마바사아자…");
        assert_eq!(row[0], "홍길동");
    }

    #[rstest]
    #[case("", "전화번호")]
    #[case("휴대폰", "휴대폰")]
    #[case("회사전화", "회사전화")]
    #[case("携帯", "携帯")]
    #[case("Mobile Phone", "Mobile Phone")]
    #[case("회사", "전화번호(회사)")]
    #[case("집", "전화번호(집)")]
    fn phone_headers(#[case] label: &str, #[case] expected: &str) {
        assert_eq!(phone_header(label), expected);
    }

    #[test]
    fn numbers_of_a_label_past_its_columns_and_unknown_labels_are_skipped() {
        let sheet = CustomerSheet::new(
            &[("휴대폰".to_owned(), 1)],
            &[],
            SheetOptions::default(),
            seoul(),
        );
        let row = sheet.row(&record());
        assert_eq!(row[1], "010-1234-5678");
        assert_eq!(row[2], "gd@naver.com");
    }

    #[test]
    fn many_customers_are_written_in_order_and_a_failure_part_way_keeps_the_old_file() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("고객.csv");
        let sheet = sheet(SheetOptions::default());
        let many = (0..1205).map(|index| {
            let mut record = record();
            record.name = format!("고객{index}");
            Ok::<_, String>(record)
        });
        assert_eq!(
            write_customers(&path, TableFormat::CsvUtf8, &sheet, &mut Listed::new(many)).unwrap(),
            1205_u64
        );
        let written = std::fs::read_to_string(&path).unwrap();
        let names: Vec<&str> = written
            .lines()
            .skip(1)
            .filter_map(|line| line.strip_prefix("고객"))
            .filter_map(|line| line.split(',').next())
            .collect();
        assert_eq!(names.len(), 1205);
        assert!(names.iter().enumerate().all(|(i, n)| *n == i.to_string()));

        let failing = (0..1000).map(|index| {
            if index == 515 {
                Err("database disk image is malformed".to_owned())
            } else {
                Ok(record())
            }
        });
        let error = write_customers(&path, TableFormat::Xlsx, &sheet, &mut Listed::new(failing))
            .unwrap_err();
        assert!(
            matches!(&error, ExportError::Source { reason, .. } if reason.contains("malformed")),
            "{error}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), written);
        assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 1);
    }
}
