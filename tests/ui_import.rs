//! 고객 가져오기, driven through egui_kittest on a real backend: the
//! customer fixture dropped on the window is read and prepared by the
//! backend's threads; the sheet, header row and counts shown are the
//! manifest's; the import writes its customers and the report is saved; a
//! file that is not what its name says is refused in words.

use std::path::Path;

use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use ringdesk::store::Store;
use ringdesk::ui::RingdeskApp;

use crate::support::DataDir;
use crate::ui::{
    add_customers, click, drop_on_sheet_window, import_fixture, shown, step_until, type_into,
    window,
};

/// Opens the window and drops `file` on it.
fn drop_file(harness: &mut Harness<'_, RingdeskApp>, file: &Path) {
    drop_on_sheet_window(harness, "고객 가져오기…", file);
}

#[test]
fn a_dropped_customer_sheet_shows_the_manifests_counts_and_imports_its_customers() {
    let dir = DataDir::new();
    let mut harness = window(&dir);
    drop_file(&mut harness, &import_fixture("customers.xlsx"));
    step_until(&mut harness, "the file prepared", |h| {
        shown(h, "가져올 고객 981명")
    });
    // The sheet with the customers (not the notes beside it), and the
    // header under the merged title.
    let sheet = harness.get_by_role_and_label(Role::ComboBox, "시트");
    assert_eq!(sheet.value().as_deref(), Some("고객목록"));
    let header = harness.get_by_role_and_label(Role::SpinButton, "머리글 행");
    assert_eq!(header.value().as_deref(), Some("2"));
    assert!(shown(&harness, "행 1,000개"));
    assert!(shown(&harness, "제외된 행 19건"));
    assert!(shown(&harness, "중복 7건 (파일 안 7, 이미 있는 고객 0)"));
    // Each header with the role it was read as.
    let role = |h: &Harness<'_, RingdeskApp>, header: &str| {
        h.get_by_role_and_label(Role::ComboBox, header).value()
    };
    assert_eq!(role(&harness, "휴대폰").as_deref(), Some("휴대폰"));
    assert_eq!(role(&harness, "전화번호").as_deref(), Some("전화"));
    assert_eq!(role(&harness, "번호").as_deref(), Some("제외"));
    assert_eq!(role(&harness, "구매금액").as_deref(), Some("사용자 필드"));

    // The rejected rows by reason and one by one.
    click(&mut harness, "제외된 행 19건");
    assert!(shown(&harness, "잘못된 전화번호 8"));
    assert!(shown(&harness, "이름 없음 5"));
    assert!(harness.query_by_label("11행").is_some());
    assert!(harness.query_by_label("lee.sy@gmail,com").is_some());

    // The report, through the same path the save dialog takes.
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("보고서.csv");
    harness
        .state_mut()
        .customer_import()
        .unwrap()
        .save_report_to(report.clone());
    step_until(&mut harness, "the report saved", |h| shown(h, "26행을"));
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("phone_invalid"), "{text}");

    click(&mut harness, "가져오기 (새 고객 974명)");
    step_until(&mut harness, "the import done", |h| {
        shown(h, "가져온 고객 974명, 보완한 고객 0명")
    });
    let store = Store::open(&dir.database()).unwrap();
    assert_eq!(store.count_customers().unwrap(), 974);
    // Checked again against the book, every row is now a repeat.
    step_until(&mut harness, "prepared again", |h| {
        shown(h, "이미 있는 고객 974)")
    });
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
    assert!(!shown(&harness, "가져올 고객"));
}

#[test]
fn a_header_row_without_a_name_column_is_refused_in_words() {
    let dir = DataDir::new();
    let mut harness = window(&dir);
    drop_file(&mut harness, &import_fixture("customers.xlsx"));
    step_until(&mut harness, "the file prepared", |h| {
        shown(h, "가져올 고객 981명")
    });
    harness
        .get_by_role_and_label(Role::SpinButton, "머리글 행")
        .set_value_accesskit(3.0);
    step_until(&mut harness, "the refusal", |h| {
        shown(h, "3행(머리글)에 이름 열이 없습니다")
    });
    assert!(!shown(&harness, "가져올 고객 981명"));
}

#[test]
fn a_customer_already_in_the_book_is_filled_in_when_asked() {
    let dir = DataDir::new();
    // 010-5443-9979 is row 33's number (and two later rows').
    let ids = add_customers(&dir, &[("기존 고객", "010-5443-9979", "")]);
    let mut harness = window(&dir);
    drop_file(&mut harness, &import_fixture("customers.xlsx"));
    step_until(&mut harness, "the file prepared", |h| {
        shown(h, "중복 8건 (파일 안 7, 이미 있는 고객 1)")
    });
    click(&mut harness, "기존 고객 보완");
    click(&mut harness, "가져오기 (새 고객 973명)");
    step_until(&mut harness, "the import done", |h| {
        shown(h, "가져온 고객 973명, 보완한 고객 1명")
    });
    let store = Store::open(&dir.database()).unwrap();
    assert_eq!(store.count_customers().unwrap(), 974);
    let customer = store.customer(ids[0]).unwrap();
    assert_eq!(customer.name, "기존 고객", "the name stays");
    assert!(customer.email.is_some(), "the empty e-mail filled in");
}

#[test]
fn a_cp949_csv_shows_its_encoding_and_the_manifests_counts() {
    let dir = DataDir::new();
    let mut harness = window(&dir);
    drop_file(&mut harness, &import_fixture("customers_cp949.csv"));
    step_until(&mut harness, "the file prepared", |h| {
        shown(h, "가져올 고객 240명")
    });
    let encoding = harness.get_by_role_and_label(Role::ComboBox, "인코딩");
    assert_eq!(
        encoding.value().as_deref(),
        Some("자동 (감지: CP949/EUC-KR)")
    );
    assert!(shown(&harness, "행 250개"));
    assert!(shown(&harness, "제외된 행 10건"));
    assert!(shown(&harness, "중복 3건"));
    // The sheet of a text file is the file: no sheet to pick.
    assert!(harness.query_by_label("시트").is_none());
}

#[test]
fn a_column_read_wrongly_is_given_another_role_and_the_rows_sorted_again() {
    let dir = DataDir::new();
    let mut harness = window(&dir);
    drop_file(&mut harness, &import_fixture("customers.xlsx"));
    step_until(&mut harness, "the file prepared", |h| {
        shown(h, "가져올 고객 981명")
    });
    // The e-mail column left out: its three bad addresses reject no row.
    harness
        .get_by_role_and_label(Role::ComboBox, "이메일")
        .click();
    harness.run_ok();
    harness.get_by_role_and_label(Role::Button, "제외").click();
    step_until(&mut harness, "prepared again", |h| {
        shown(h, "제외된 행 16건")
    });
    assert!(shown(&harness, "가져올 고객 984명"));
    let email = harness.get_by_role_and_label(Role::ComboBox, "이메일");
    assert_eq!(email.value().as_deref(), Some("제외"));
}

/// A CSV of `count` customers, each with a number of its own.
fn big_csv(dir: &Path, count: usize) -> std::path::PathBuf {
    use std::fmt::Write as _;
    let mut text = String::from("이름,휴대폰,메모\n");
    for i in 0..count {
        writeln!(
            text,
            "고객{i},010-{:04}-{:04},대량 가져오기",
            5000 + i / 10_000,
            i % 10_000
        )
        .unwrap();
    }
    let path = dir.join("큰파일.csv");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn an_import_cancelled_while_it_runs_shows_its_progress_and_leaves_the_book_as_it_was() {
    let dir = DataDir::new();
    add_customers(&dir, &[("기존 고객", "010-1111-2222", "")]);
    let files = tempfile::tempdir().unwrap();
    let mut harness = window(&dir);
    drop_file(&mut harness, &big_csv(files.path(), 40_000));
    step_until(&mut harness, "the file prepared", |h| {
        shown(h, "가져올 고객 40,000명")
    });
    click(&mut harness, "가져오기 (새 고객 40,000명)");
    step_until(&mut harness, "the progress bar", |h| shown(h, "준비: "));
    harness.get_by_role_and_label(Role::Button, "취소").click();
    harness.run_ok();
    step_until(&mut harness, "the cancel", |h| {
        shown(h, "가져오기를 취소했습니다")
    });
    assert!(!shown(&harness, "가져온 고객"));
    let store = Store::open(&dir.database()).unwrap();
    assert_eq!(store.count_customers().unwrap(), 1);
    assert_eq!(store.last_import().unwrap(), None);
    // Nothing changed, so the same import can run again.
    assert!(shown(&harness, "가져오기 (새 고객 40,000명)"));
}

/// The value a column's role picker shows.
fn role_of(harness: &Harness<'_, RingdeskApp>, header: &str) -> Option<String> {
    harness
        .get_by_role_and_label(Role::ComboBox, header)
        .value()
}

/// Picks `option` in the drop-down labelled `label`.
fn pick(harness: &mut Harness<'_, RingdeskApp>, label: &str, option: &str) {
    harness.get_by_role_and_label(Role::ComboBox, label).click();
    harness.run_ok();
    harness.get_by_role_and_label(Role::Button, option).click();
    harness.run_ok();
}

#[test]
fn a_column_goes_to_an_existing_field_and_the_mapping_saved_is_applied_to_the_next_file() {
    use ringdesk::domain::{CustomerId, FieldKind, NewFieldDef};
    let dir = DataDir::new();
    Store::open(&dir.database())
        .unwrap()
        .create_field(&NewFieldDef::new("vip", "고객 등급", FieldKind::Text).unwrap())
        .unwrap();
    let files = tempfile::tempdir().unwrap();
    let first = files.path().join("3월 거래처.csv");
    std::fs::write(&first, "이름,휴대폰,등급\n홍길동,010-1234-5678,골드\n").unwrap();
    let mut harness = window(&dir);
    drop_file(&mut harness, &first);
    step_until(&mut harness, "the file prepared", |h| {
        shown(h, "가져올 고객 1명")
    });
    // 등급 would become a field of its own; the existing one is picked by
    // its label.
    assert_eq!(role_of(&harness, "등급").as_deref(), Some("사용자 필드"));
    assert_eq!(
        harness
            .get_by_role_and_label(Role::ComboBox, "매핑")
            .value()
            .as_deref(),
        Some("없음 (머리글로 읽음)")
    );
    pick(&mut harness, "등급", "필드: 고객 등급");
    step_until(&mut harness, "prepared again", |h| {
        role_of(h, "등급").as_deref() == Some("필드: 고객 등급")
    });

    click(&mut harness, "매핑 저장…");
    type_into(&mut harness, "매핑 이름", "거래처 양식");
    click(&mut harness, "저장");
    step_until(&mut harness, "the mapping saved and applied", |h| {
        shown(h, "매핑 «거래처 양식»을(를) 저장했습니다")
            && shown(h, "저장된 매핑 «거래처 양식»을(를) 적용했습니다")
    });

    // The next file with the same headers (in another order) is read with it.
    let second = files.path().join("4월 거래처.csv");
    std::fs::write(
        &second,
        "휴대폰,등급,이름\n010-2345-6789,실버,김영희\n010-3456-7890,골드,이철수\n",
    )
    .unwrap();
    drop_file(&mut harness, &second);
    step_until(&mut harness, "the second file prepared", |h| {
        shown(h, "가져올 고객 2명")
    });
    assert!(shown(
        &harness,
        "저장된 매핑 «거래처 양식»을(를) 적용했습니다"
    ));
    assert_eq!(
        role_of(&harness, "등급").as_deref(),
        Some("필드: 고객 등급")
    );
    // Without it, each column is read from its header again.
    pick(&mut harness, "매핑", "없음 (머리글로 읽음)");
    step_until(&mut harness, "read without the mapping", |h| {
        role_of(h, "등급").as_deref() == Some("사용자 필드")
    });
    assert!(!shown(&harness, "적용했습니다"));
    pick(&mut harness, "매핑", "거래처 양식");
    step_until(&mut harness, "read with the mapping again", |h| {
        role_of(h, "등급").as_deref() == Some("필드: 고객 등급")
    });

    click(&mut harness, "가져오기 (새 고객 2명)");
    step_until(&mut harness, "the import done", |h| {
        shown(h, "가져온 고객 2명")
    });
    let store = Store::open(&dir.database()).unwrap();
    assert_eq!(
        store.field_defs().unwrap().len(),
        1,
        "no field made for 등급"
    );
    let kim = store.customer(CustomerId(1)).unwrap();
    assert_eq!(kim.name, "김영희");
    assert_eq!(kim.fields[0].key, "vip");
    assert_eq!(kim.fields[0].value.to_string(), "실버");
}

#[test]
fn headers_that_name_no_name_column_are_given_their_roles_in_the_window() {
    let dir = DataDir::new();
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("손님.csv");
    std::fs::write(
        &file,
        "손님,폰\n홍길동,010-1234-5678\n김영희,010-2345-6789\n",
    )
    .unwrap();
    let mut harness = window(&dir);
    drop_file(&mut harness, &file);
    step_until(&mut harness, "the refusal", |h| {
        shown(h, "1행(머리글)에 이름 열이 없습니다")
    });
    pick(&mut harness, "손님", "이름");
    step_until(&mut harness, "no phone column yet", |h| {
        shown(h, "1행(머리글)에 전화번호 열이 없습니다")
    });
    pick(&mut harness, "폰", "휴대폰");
    step_until(&mut harness, "the file prepared", |h| {
        shown(h, "가져올 고객 2명")
    });
    assert_eq!(role_of(&harness, "손님").as_deref(), Some("이름"));
    assert_eq!(role_of(&harness, "폰").as_deref(), Some("휴대폰"));
}

/// A file that is still being read (a pipe nobody writes to yet) is
/// stopped with 취소: the window says so at once and drops the late answer.
#[test]
fn a_file_still_being_read_is_stopped_with_cancel() {
    let dir = DataDir::new();
    let fifo = dir.path().join("slow.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo");
    let mut harness = window(&dir);
    drop_file(&mut harness, &fifo);
    step_until(&mut harness, "the file being read", |h| {
        shown(h, "slow.csv 읽는 중")
    });
    click(&mut harness, "취소");
    step_until(&mut harness, "the read stopped", |h| {
        shown(h, "slow.csv: 읽기를 취소했습니다.")
    });
    assert!(!shown(&harness, "slow.csv 읽는 중"));

    // The reader gets its bytes now, sees the 취소 and stops; nothing is
    // shown of the file.
    match std::fs::write(&fifo, "이름,휴대폰\n홍길동,010-1234-5678\n") {
        // The reader may have stopped before the bytes went in.
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(error) => panic!("writing to the pipe: {error}"),
    }
    for _ in 0..20 {
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(shown(&harness, "slow.csv: 읽기를 취소했습니다."));
    assert!(!shown(&harness, "머리글 행"));
}
