//! `ringdesk export`: the customer book written as CSV (UTF-8 with a BOM,
//! CP949) and xlsx, read back with the csv crate and calamine; filters;
//! formula-like cells neutralised.

use std::path::Path;

use calamine::{Data, Reader as _, Xlsx, open_workbook};
use encoding_rs::{EUC_KR, UTF_8};
use ringdesk::domain::note::NoteBody;
use ringdesk::domain::{
    CustomerDraft, CustomerId, FieldKind, NewFieldDef, NewUser, PhoneDraft, Region, Role,
    StatusName,
};
use ringdesk::store::Store;

use crate::support::DataDir;

/// A memo a spreadsheet would run as a command.
const ATTACK: &str = "=cmd|' /C calc'!A0";

fn phone(label: &str, number: &str) -> PhoneDraft {
    PhoneDraft {
        label: label.to_owned(),
        number: number.to_owned(),
    }
}

/// Four customers: 홍길동 (VIP, 골드, 상담중, everything filled), 山田太郎
/// (Japanese), 김영희 (a second number under one label) and 박삭제 (in the
/// recycle bin).
fn book(dir: &DataDir) -> Vec<CustomerId> {
    let mut store = Store::open(&dir.database()).unwrap();
    store
        .create_field(&NewFieldDef::new("visits", "방문횟수", FieldKind::Number).unwrap())
        .unwrap();
    let status = store
        .create_status(&StatusName::new("상담중").unwrap())
        .unwrap();
    let user = store
        .create_user(&NewUser {
            login: "kim".to_owned(),
            display_name: "김상담".to_owned(),
            role: Role::Agent,
            extension: None,
        })
        .unwrap();
    let defs = store.field_defs().unwrap();
    let drafts = [
        CustomerDraft {
            name: "홍길동".to_owned(),
            company: "한빛소프트".to_owned(),
            email: "gd@naver.com".to_owned(),
            address: "서울특별시 중구 세종대로 110".to_owned(),
            source: "지인소개".to_owned(),
            memo: ATTACK.to_owned(),
            phones: vec![
                phone("휴대폰", "010-1234-5678"),
                phone("집", "02-2299-7123"),
            ],
            groups: vec!["VIP".to_owned()],
            tags: vec!["골드".to_owned()],
            fields: vec![("visits".to_owned(), "12".to_owned())],
            status_id: Some(status),
            assignee_id: Some(user),
            ad_night_consent: true,
            ad_consent_date: "2024-03-05".to_owned(),
            ad_consent_channel: Some(ringdesk::domain::ConsentChannel::Phone),
            ..CustomerDraft::default()
        },
        CustomerDraft {
            name: "山田太郎".to_owned(),
            company: "株式会社ヤマダ".to_owned(),
            country: "JP".to_owned(),
            memo: "東京都渋谷区、カタカナ".to_owned(),
            phones: vec![phone("携帯", "090-1234-5678")],
            ..CustomerDraft::default()
        },
        CustomerDraft {
            name: "김영희".to_owned(),
            phones: vec![
                phone("휴대폰", "010-2222-3333"),
                phone("휴대폰", "010-4444-5555"),
            ],
            ad_opt_out: true,
            ..CustomerDraft::default()
        },
        CustomerDraft {
            name: "박삭제".to_owned(),
            phones: vec![phone("", "010-7777-8888")],
            groups: vec!["VIP".to_owned()],
            ..CustomerDraft::default()
        },
    ];
    let ids: Vec<CustomerId> = drafts
        .iter()
        .map(|draft| {
            store
                .create_customer(&draft.check(Region::KOREA, &defs).unwrap())
                .unwrap()
        })
        .collect();
    store
        .add_note(
            ids[0],
            Some(user),
            &NoteBody::new("첫 통화: 견적 요청").unwrap(),
        )
        .unwrap();
    store.delete_customer(ids[3]).unwrap();
    ids
}

/// The records of a CSV file in `encoding` (a UTF-8 BOM skipped).
fn csv_rows(path: &Path, encoding: &'static encoding_rs::Encoding) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    let (text, _, had_errors) = encoding.decode(&bytes);
    assert!(!had_errors);
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|record| record.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// Every cell of the xlsx file's one sheet as text; anything but text fails.
fn xlsx_rows(path: &Path) -> Vec<Vec<String>> {
    let mut workbook: Xlsx<_> = open_workbook(path).unwrap();
    assert_eq!(workbook.sheet_names(), ["고객"]);
    let formulas = workbook.worksheet_formula("고객").unwrap();
    assert!(
        formulas
            .used_cells()
            .all(|(_, _, formula)| formula.is_empty())
    );
    workbook
        .worksheet_range("고객")
        .unwrap()
        .rows()
        .map(|cells| {
            cells
                .iter()
                .map(|cell| match cell {
                    Data::String(text) => text.clone(),
                    Data::Empty => String::new(),
                    other => panic!("not a text cell: {other:?}"),
                })
                .collect()
        })
        .collect()
}

/// The cell under `column` in the row whose 이름 is `name`.
fn cell<'a>(rows: &'a [Vec<String>], name: &str, column: &str) -> &'a str {
    let at = rows[0]
        .iter()
        .position(|header| header == column)
        .unwrap_or_else(|| panic!("no column {column}: {:?}", rows[0]));
    let row = rows
        .iter()
        .find(|row| row[0] == name)
        .unwrap_or_else(|| panic!("no row {name}"));
    row.get(at).map_or("", String::as_str)
}

fn names(rows: &[Vec<String>]) -> Vec<&str> {
    rows.iter().skip(1).map(|row| row[0].as_str()).collect()
}

const HEADER: [&str; 23] = [
    "이름",
    "휴대폰",
    "휴대폰 2",
    "携帯",
    "전화번호(집)",
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
    "상담기록",
];

#[test]
fn csv_utf8_export_has_every_column_and_reads_back_intact() {
    let dir = DataDir::new();
    book(&dir);
    let file = dir.path().join("고객.csv");
    let summary = dir
        .run(&[
            "export",
            "--format",
            "csv",
            file.to_str().unwrap(),
            "--json",
        ])
        .json_lines();
    assert_eq!(summary[0]["rows"], 3);
    assert_eq!(summary[0]["format"], "csv-utf-8");
    assert!(std::fs::read(&file).unwrap().starts_with(b"\xEF\xBB\xBF"));

    let rows = csv_rows(&file, UTF_8);
    assert_eq!(rows[0], HEADER);
    assert_eq!(names(&rows), ["홍길동", "山田太郎", "김영희"]);
    assert_eq!(cell(&rows, "홍길동", "휴대폰"), "010-1234-5678");
    assert_eq!(cell(&rows, "홍길동", "전화번호(집)"), "02-2299-7123");
    assert_eq!(cell(&rows, "홍길동", "이메일"), "gd@naver.com");
    assert_eq!(cell(&rows, "홍길동", "회사"), "한빛소프트");
    assert_eq!(
        cell(&rows, "홍길동", "주소"),
        "서울특별시 중구 세종대로 110"
    );
    assert_eq!(cell(&rows, "홍길동", "인지경로"), "지인소개");
    assert_eq!(cell(&rows, "홍길동", "상태"), "상담중");
    assert_eq!(cell(&rows, "홍길동", "담당자"), "김상담");
    assert_eq!(cell(&rows, "홍길동", "그룹"), "VIP");
    assert_eq!(cell(&rows, "홍길동", "태그"), "골드");
    assert_eq!(cell(&rows, "홍길동", "방문횟수"), "12");
    assert_eq!(cell(&rows, "홍길동", "야간 광고 수신동의"), "예");
    assert_eq!(cell(&rows, "홍길동", "광고 수신거부"), "");
    assert_eq!(cell(&rows, "홍길동", "광고 수신동의일"), "2024-03-05");
    assert_eq!(cell(&rows, "홍길동", "동의경로"), "전화");
    // The formula-like memo gets a leading quote in CSV.
    assert_eq!(cell(&rows, "홍길동", "메모"), format!("'{ATTACK}"));
    let notes = cell(&rows, "홍길동", "상담기록");
    assert!(
        notes.starts_with('[') && notes.ends_with(" 김상담] 첫 통화: 견적 요청"),
        "{notes}"
    );
    assert!(cell(&rows, "홍길동", "등록일").len() == 19);
    assert_eq!(cell(&rows, "山田太郎", "携帯"), "090-1234-5678");
    assert_eq!(cell(&rows, "山田太郎", "회사"), "株式会社ヤマダ");
    assert_eq!(cell(&rows, "山田太郎", "국가"), "JP");
    assert_eq!(cell(&rows, "山田太郎", "메모"), "東京都渋谷区、カタカナ");
    assert_eq!(cell(&rows, "김영희", "휴대폰"), "010-2222-3333");
    assert_eq!(cell(&rows, "김영희", "휴대폰 2"), "010-4444-5555");
    assert_eq!(cell(&rows, "김영희", "광고 수신거부").len(), 19);
    assert_eq!(cell(&rows, "김영희", "야간 광고 수신동의"), "아니오");
}

#[test]
fn xlsx_export_keeps_text_as_text_and_runs_no_formula() {
    let dir = DataDir::new();
    book(&dir);
    let file = dir.path().join("고객.xlsx");
    let out = dir.run(&["export", file.to_str().unwrap()]).ok();
    assert_eq!(
        out.trim(),
        format!("exported 3 customers to {}", file.display())
    );

    let rows = xlsx_rows(&file);
    assert_eq!(rows[0], HEADER);
    assert_eq!(names(&rows), ["홍길동", "山田太郎", "김영희"]);
    // Stored as the text it is, with Excel's quote prefix rather than a
    // quote in the text (see the export module); never as a formula.
    assert_eq!(cell(&rows, "홍길동", "메모"), ATTACK);
    assert_eq!(cell(&rows, "홍길동", "휴대폰"), "010-1234-5678");
    assert_eq!(cell(&rows, "山田太郎", "메모"), "東京都渋谷区、カタカナ");
    assert_eq!(cell(&rows, "김영희", "휴대폰 2"), "010-4444-5555");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&file).unwrap()).unwrap();
    let mut styles = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("xl/styles.xml").unwrap(), &mut styles)
        .unwrap();
    assert!(styles.contains(r#"quotePrefix="1""#), "{styles}");
}

#[test]
fn cp949_export_reads_back_in_cp949_and_an_emoji_is_refused_naming_its_cell() {
    let dir = DataDir::new();
    book(&dir);
    let file = dir.path().join("고객-cp949.csv");
    dir.run(&[
        "export",
        file.to_str().unwrap(),
        "--encoding",
        "cp949",
        "--group",
        "VIP",
    ])
    .ok();
    let bytes = std::fs::read(&file).unwrap();
    assert!(!bytes.starts_with(b"\xEF\xBB\xBF"));
    assert!(std::str::from_utf8(&bytes).is_err(), "CP949, not UTF-8");
    let rows = csv_rows(&file, EUC_KR);
    assert_eq!(names(&rows), ["홍길동"]);
    assert_eq!(
        cell(&rows, "홍길동", "주소"),
        "서울특별시 중구 세종대로 110"
    );
    assert_eq!(cell(&rows, "홍길동", "상태"), "상담중");

    let mut store = Store::open(&dir.database()).unwrap();
    let emoji = CustomerDraft {
        name: "이모지".to_owned(),
        memo: "감사합니다 😀".to_owned(),
        phones: vec![phone("휴대폰", "010-1111-9999")],
        groups: vec!["VIP".to_owned()],
        ..CustomerDraft::default()
    };
    store
        .create_customer(&emoji.check(Region::KOREA, &[]).unwrap())
        .unwrap();
    drop(store);
    let refused = dir.run(&[
        "export",
        "--format",
        "csv",
        "--encoding",
        "cp949",
        "--group",
        "VIP",
        file.to_str().unwrap(),
    ]);
    assert_eq!(refused.code(), 2);
    let message = refused.stderr();
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.contains("row 2") && message.contains("\"메모\"") && message.contains("😀"),
        "{message}"
    );
    // The earlier export is still there, whole.
    assert_eq!(names(&csv_rows(&file, EUC_KR)), ["홍길동"]);
}

#[test]
fn filters_export_only_their_customers() {
    let dir = DataDir::new();
    book(&dir);
    let file = dir.path().join("out.csv");
    let path = file.to_str().unwrap();
    let exported = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["export", path];
        all.extend_from_slice(args);
        dir.run(&all).ok();
        names(&csv_rows(&file, UTF_8))
            .into_iter()
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(exported(&["--group", "VIP"]), ["홍길동"]);
    assert_eq!(exported(&["--status", "상담중"]), ["홍길동"]);
    assert_eq!(exported(&["--tag", "골드"]), ["홍길동"]);
    assert_eq!(exported(&["--search", "山田"]), ["山田太郎"]);
    assert_eq!(exported(&["--search", "010-4444"]), ["김영희"]);
    assert_eq!(
        exported(&["--search", "김", "--tag", "골드"]),
        Vec::<String>::new()
    );
    assert_eq!(exported(&["--in-recycle-bin"]), ["박삭제"]);
    let rows = csv_rows(&file, UTF_8);
    assert_eq!(cell(&rows, "박삭제", "전화번호"), "010-7777-8888");
    assert_eq!(cell(&rows, "박삭제", "삭제일").len(), 19);

    let unknown = dir.run(&["export", path, "--group", "없는그룹"]);
    assert_eq!(unknown.code(), 2);
    assert!(
        unknown.stderr().contains("--group") && unknown.stderr().contains("VIP"),
        "{}",
        unknown.stderr()
    );
    let unknown = dir.run(&["export", "고객.ods"]);
    assert_eq!(unknown.code(), 2);
    assert!(
        unknown.stderr().contains("--format"),
        "{}",
        unknown.stderr()
    );
}

#[test]
fn an_agents_desk_may_not_export_and_is_told_the_role_it_needs() {
    let dir = DataDir::new();
    book(&dir);
    dir.run(&["config", "set", "user.role", "agent"]).ok();
    let file = dir.path().join("고객.csv");
    let run = dir.run(&["export", file.to_str().unwrap()]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr()
            .contains("exporting needs the manager role; this user is agent"),
        "{}",
        run.stderr()
    );
    assert!(!file.exists());
    dir.run(&["config", "set", "user.role", "manager"]).ok();
    dir.run(&["export", file.to_str().unwrap()]).ok();
    assert!(file.exists());
}
