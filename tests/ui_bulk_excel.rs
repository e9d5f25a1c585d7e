//! 엑셀문자발송, driven through egui_kittest on a real backend: the real
//! fixture sheets are dropped on the window, read and sorted by the
//! backend's threads; the counts shown are the manifest's, the rows left out
//! are saved to a file and read back; a CP949 CSV shows its detected
//! encoding and can be read again in another; a file that is not what its
//! name says is refused in words; the text with its `#{열이름}` goes to
//! every row to send as an Excel batch.

use std::path::Path;

use eframe::egui;
use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use ringdesk::backend::BatchKind;
use ringdesk::config::Settings;
use ringdesk::domain::BatchId;
use ringdesk::store::Store;
use ringdesk::ui::RingdeskApp;

use crate::sms_ui::{add_sender_number, send_enabled};
use crate::support::DataDir;
use crate::ui::{
    click, drop_on_sheet_window, import_fixture, settings_file, shown, step_until, window,
};

/// Opens the window and drops `file` on it.
fn drop_file(harness: &mut Harness<'_, RingdeskApp>, file: &Path) {
    drop_on_sheet_window(harness, "엑셀문자발송", file);
}

#[test]
fn a_dropped_sheet_is_sorted_as_the_manifest_says_and_its_left_out_rows_saved() {
    let dir = DataDir::new();
    let mut harness = window(&dir);
    drop_file(&mut harness, &import_fixture("sms_targets.xlsx"));
    step_until(&mut harness, "the sheet sorted", |h| {
        shown(h, "보낼 문자 482건")
    });
    assert!(shown(&harness, "제외된 행 13건"));
    assert!(shown(&harness, "중복 5건"));
    // The guesses: the header on row 1, the phone column 휴대폰; the
    // preview shows dates as dates.
    assert!(harness.query_by_label("sms_targets.xlsx").is_some());
    assert!(harness.query_by_label("휴대폰").is_some());
    assert!(harness.query_by_label("2024-05-14").is_some());
    assert!(harness.query_by_label("#{쿠폰코드}").is_some());

    // The lists name each row and why.
    click(&mut harness, "제외된 행 13건");
    assert!(harness.query_by_label("24행").is_some());
    assert!(shown(
        &harness,
        "033-554-3409은(는) 휴대전화 번호가 아닙니다"
    ));
    click(&mut harness, "제외된 행 13건");
    click(&mut harness, "중복 5건 (한 번만 보냅니다)");
    assert!(harness.query_by_label("8행과 같은 번호").is_some());

    // A variable the text uses: the counts stay (no coupon is empty).
    click(&mut harness, "#{쿠폰코드}");
    let body = harness.get_by_role_and_label(Role::MultilineTextInput, "내용");
    assert_eq!(body.value().as_deref(), Some("#{쿠폰코드}"));
    step_until(&mut harness, "sorted again", |h| {
        shown(h, "보낼 문자 482건") && !shown(h, "행 정리 중…")
    });

    // Saved through the same path the save dialog takes.
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("제외.csv");
    harness
        .state_mut()
        .excel_sms()
        .unwrap()
        .save_left_out_to(file.clone());
    step_until(&mut harness, "the file saved", |h| shown(h, "18행을"));
    let text = std::fs::read_to_string(&file).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["행", "전화번호", "사유"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 18);
    assert_eq!(&rows[0][0], "24");
    // A cell starting with + is written so no spreadsheet takes it for a formula.
    assert_eq!(&rows[0][1], "'+82 10-6860");
    let duplicate = rows.iter().find(|row| &row[0] == "93").unwrap();
    assert_eq!(&duplicate[2], "8행과 같은 번호");
}

#[test]
fn a_cp949_csv_shows_its_encoding_and_reads_again_in_another() {
    let dir = DataDir::new();
    let mut harness = window(&dir);
    drop_file(&mut harness, &import_fixture("customers_cp949.csv"));
    step_until(&mut harness, "the CSV sorted", |h| shown(h, "보낼 문자"));
    let encoding = harness.get_by_role_and_label(Role::ComboBox, "인코딩");
    assert_eq!(
        encoding.value().as_deref(),
        Some("자동 (감지: CP949/EUC-KR)")
    );
    let delimiter = harness.get_by_role_and_label(Role::ComboBox, "구분자");
    assert_eq!(delimiter.value().as_deref(), Some("자동 (감지: 쉼표 (,))"));
    assert!(!shown(&harness, "다른 인코딩을 골라 보세요"));
    // The mobile column, not the landline before it; Korean reads right.
    assert!(harness.query_by_label("휴대폰").is_some());

    // Read as UTF-8, the Korean bytes are wrong: the window says so (and
    // the preview shows U+FFFD, which the test font does not have).
    harness
        .ctx
        .set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
    harness
        .get_by_role_and_label(Role::ComboBox, "인코딩")
        .click();
    harness.run_ok();
    harness.get_by_role_and_label(Role::Button, "UTF-8").click();
    step_until(&mut harness, "the file read again", |h| {
        shown(h, "다른 인코딩을 골라 보세요")
    });
    assert!(
        harness
            .query_by_label("자동 (감지: CP949/EUC-KR)")
            .is_none()
    );
}

#[test]
fn a_file_that_is_not_a_workbook_is_refused_in_words() {
    let dir = DataDir::new();
    let mut harness = window(&dir);
    drop_file(&mut harness, &import_fixture("broken/not_really.xlsx"));
    step_until(&mut harness, "the refusal", |h| {
        shown(
            h,
            "not_really.xlsx: 엑셀 파일이 아니라 글(텍스트) 파일입니다",
        )
    });
    assert!(!shown(&harness, "보낼 문자"));
}

#[test]
fn each_row_to_send_gets_its_own_text_in_an_excel_batch() {
    let dir = DataDir::new();
    add_sender_number(&dir);
    let path = settings_file(&dir);
    let mut settings = Settings::load_or_create(&path).unwrap();
    settings.user.role = ringdesk::domain::Role::Manager;
    ringdesk::config::save(&path, &settings).unwrap();
    let mut harness = window(&dir);
    drop_file(&mut harness, &import_fixture("sms_targets.xlsx"));
    step_until(&mut harness, "the sheet sorted", |h| {
        shown(h, "보낼 문자 482건")
    });
    step_until(&mut harness, "the sender numbers", |h| {
        !shown(h, "등록된 발신번호가 없습니다")
    });

    // The chips write the variables into the text at its cursor.
    click(&mut harness, "#{이름}");
    harness
        .get_by_role_and_label(Role::MultilineTextInput, "내용")
        .type_text("님, 쿠폰 ");
    harness.run_steps(2);
    click(&mut harness, "#{쿠폰코드}");
    let body = harness.get_by_role_and_label(Role::MultilineTextInput, "내용");
    assert_eq!(body.value().as_deref(), Some("#{이름}님, 쿠폰 #{쿠폰코드}"));
    // The first rows' texts, filled from their cells.
    step_until(&mut harness, "sorted again and previewed", |h| {
        shown(h, "홍경희 원장님, 쿠폰 SUMMER24-TN7MP") && !shown(h, "행 정리 중…")
    });
    assert!(shown(&harness, "김지유님, 쿠폰 SUMMER24-T2EYX"));
    // A JPEG dropped on the window is the text's picture, not a sheet.
    drop_file(
        &mut harness,
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny.jpg"),
    );
    step_until(&mut harness, "the attached picture", |h| {
        shown(h, "tiny.jpg (1 KB)")
    });
    assert!(shown(&harness, "보낼 문자 482건"), "the sheet stays");
    assert!(send_enabled(&harness));

    click(&mut harness, "보내기");
    assert!(shown(&harness, "받는 사람: 482명"));
    assert!(shown(&harness, "종류: MMS (그림)"));
    click(&mut harness, "확인");
    step_until(&mut harness, "the batch handed to the background", |h| {
        shown(h, "백그라운드로 넘겼습니다")
    });
    let store = Store::open(&dir.database()).unwrap();
    let batch = store.batch(BatchId(1)).unwrap();
    assert_eq!(batch.kind, BatchKind::Excel);
    assert_eq!(batch.title, "엑셀문자발송 sms_targets.xlsx (482건)");
    assert_eq!(batch.body_template, "#{이름}님, 쿠폰 #{쿠폰코드}");
    assert_eq!(batch.total, 482);
    assert!(batch.image.is_some(), "every row gets the picture");
    let first = store.batch_recipient(BatchId(1), 1).unwrap().unwrap();
    assert_eq!(first.source_row, Some(2));
    assert_eq!(first.to_key, "+821093307910");
    assert!(
        first
            .values
            .contains(&("방문일".to_owned(), "2024-05-14".to_owned()))
    );
}

#[test]
fn a_workbook_with_a_title_row_and_two_sheets_is_mapped_by_its_header() {
    let dir = DataDir::new();
    let mut harness = window(&dir);
    drop_file(&mut harness, &import_fixture("customers.xlsx"));
    step_until(&mut harness, "the sheet sorted", |h| shown(h, "보낼 문자"));
    // The data sheet, not the notes; the header under the merged title;
    // the mobile column, not 번호 or 전화번호.
    let sheet = harness.get_by_role_and_label(Role::ComboBox, "시트");
    assert_eq!(sheet.value().as_deref(), Some("고객목록"));
    let header = harness.get_by_role_and_label(Role::SpinButton, "머리글 행");
    assert_eq!(header.value().as_deref(), Some("2"));
    let phone = harness.get_by_role_and_label(Role::ComboBox, "전화번호 열");
    assert_eq!(phone.value().as_deref(), Some("휴대폰"));
    // The header's names are the variables.
    assert!(harness.query_by_label("#{가입일자}").is_some());
}

#[test]
fn a_damaged_an_empty_a_phoneless_and_a_huge_celled_sheet_each_say_so() {
    let dir = DataDir::new();
    let mut harness = window(&dir);
    drop_file(&mut harness, &import_fixture("broken/truncated.xlsx"));
    step_until(&mut harness, "the refusal", |h| {
        shown(h, "truncated.xlsx: 파일이 손상되어 읽을 수 없습니다")
    });
    assert!(!shown(&harness, "보낼 문자"));

    drop_file(&mut harness, &import_fixture("broken/header_only.csv"));
    step_until(&mut harness, "the empty sheet", |h| {
        shown(h, "머리글 행 아래에 행이 없습니다")
    });

    let made = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    drop_file(
        &mut harness,
        &made("no_phone.csv", "이름,메모\n홍길동,단골\n김민준,신규\n"),
    );
    step_until(&mut harness, "the missing phone column", |h| {
        shown(h, "전화번호 열을 찾지 못했습니다")
    });

    // A 5 MB cell: the sheet reads, its preview shows the cell's start, and
    // the rows are sorted as any others.
    let huge = "가".repeat(1_700_000);
    drop_file(
        &mut harness,
        &made(
            "memo.csv",
            &format!(
                "이름,휴대폰,메모\n홍길동,010-1111-2222,{huge}\n김민준,010-3333-4444,짧은 메모\n"
            ),
        ),
    );
    step_until(&mut harness, "the sheet sorted", |h| {
        shown(h, "보낼 문자 2건")
    });
    assert!(!shown(&harness, "전화번호 열을 찾지 못했습니다"));
    // The text takes the cell: the first row's message is too long, and
    // the window stays quick.
    click(&mut harness, "#{메모}");
    step_until(&mut harness, "the long text refused", |h| {
        shown(h, "너무 깁니다") && !shown(h, "행 정리 중…")
    });
    let started = std::time::Instant::now();
    harness.run_steps(5);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "five frames took {:?}",
        started.elapsed()
    );
}
