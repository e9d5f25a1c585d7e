//! `ringdesk sms bulk` as a script uses it: recipients from a group, a
//! search, a file of numbers or a real spreadsheet, counted as the fixtures'
//! MANIFEST says, `--dry-run` storing nothing, and each bad file refused in
//! one line with nothing queued.

use std::collections::BTreeSet;
use std::path::PathBuf;

use ringdesk::domain::Timestamp;
use serde_json::Value;

use crate::support::DataDir;

fn data(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/import")
        .join(name)
        .to_str()
        .unwrap()
        .to_owned()
}

/// A data folder with one sender number.
fn desk() -> DataDir {
    let dir = DataDir::new();
    dir.run(&["sms", "sender", "add", "1588-1234"]).ok();
    dir
}

fn dry_run(dir: &DataDir, args: &[&str]) -> Value {
    let mut full = vec!["sms", "bulk"];
    full.extend_from_slice(args);
    full.extend(["--dry-run", "--json"]);
    let run = dir.run(&full);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    run.json_lines().remove(0)
}

/// Nothing was queued or stored as a batch.
fn nothing_sent(dir: &DataDir) {
    assert!(dir.run(&["sms", "log"]).ok().is_empty());
    let store = ringdesk::store::Store::open(&dir.database()).unwrap();
    let all = store
        .count_batches(Timestamp(0), Timestamp(i64::MAX))
        .unwrap();
    assert_eq!(all, 0);
}

#[test]
fn a_dry_run_of_the_sms_sheet_counts_what_the_manifest_says_and_stores_nothing() {
    let dir = desk();
    let sheet = data("sms_targets.xlsx");
    let summary = dry_run(
        &dir,
        &[
            "--excel",
            &sheet,
            "--phone-column",
            "휴대폰",
            "--text",
            "#{이름}님, #{방문일} 방문 감사합니다. 쿠폰 #{쿠폰코드}",
        ],
    );
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(data("expected.json")).unwrap()).unwrap();
    let expected = &expected["sms_targets.xlsx"];
    assert_eq!(summary["rows"], expected["data_rows"], "{summary}");
    assert_eq!(summary["recipients"], 482);
    assert_eq!(summary["duplicates"], 5);
    assert_eq!(summary["invalid"], 10);
    assert_eq!(summary["not_mobile"], 3);
    assert_eq!(summary["opted_out"], 0);
    assert_eq!(summary["by_kind"]["SMS"], 482);
    assert_eq!(summary["by_kind"]["LMS"], 0);
    assert_eq!(summary["by_kind"]["MMS"], 0);

    let rows = |list: &Value, reason_key: &str| -> BTreeSet<(u64, String)> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|row| {
                (
                    row["row"].as_u64().unwrap(),
                    row[reason_key].as_str().unwrap_or("duplicate").to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(
        rows(&summary["rejected"], "reason"),
        rows(&expected["rejected"], "reason")
    );
    let same_as: BTreeSet<(u64, u64)> = summary["duplicate_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["row"].as_u64().unwrap(),
                row["same_as_row"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected_same_as: BTreeSet<(u64, u64)> = expected["duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["row"].as_u64().unwrap(),
                row["duplicate_of_row"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(same_as, expected_same_as);

    // The first texts as the manifest says a personalised message sees
    // them: the lost 0 back, the date as a date.
    let previews = summary["previews"].as_array().unwrap();
    assert_eq!(previews.len(), 3);
    assert_eq!(previews[0]["row"], 2);
    assert_eq!(previews[0]["to"], "+821093307910");
    assert_eq!(
        previews[0]["text"],
        "홍경희 원장님, 2024-05-14 방문 감사합니다. 쿠폰 SUMMER24-TN7MP"
    );
    assert_eq!(previews[2]["to"], "+821059034437");
    assert_eq!(summary["dry_run"], true);
    nothing_sent(&dir);
}

#[test]
fn the_header_is_found_under_a_title_and_a_sheet_and_header_row_can_be_named() {
    let dir = desk();
    let workbook = data("customers.xlsx");
    // The header is row 2, under a merged title; the mobile column is found
    // by its name.
    let guessed = dry_run(&dir, &["--excel", &workbook, "--text", "안내"]);
    let named = dry_run(
        &dir,
        &[
            "--excel",
            &workbook,
            "--sheet",
            "고객목록",
            "--header-row",
            "2",
            "--phone-column",
            "휴대폰",
            "--text",
            "안내",
        ],
    );
    assert_eq!(guessed["rows"], 1000, "{guessed}");
    assert_eq!(guessed["recipients"], named["recipients"]);
    assert_eq!(guessed["rejected"], named["rejected"]);

    // A sheet or column that is not there names what there is.
    let run = dir.run(&[
        "sms", "bulk", "--excel", &workbook, "--sheet", "없음", "--text", "안내",
    ]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("--sheet"), "{}", run.stderr());
    assert!(run.stderr().contains("고객목록"), "{}", run.stderr());
    let run = dir.run(&[
        "sms",
        "bulk",
        "--excel",
        &workbook,
        "--phone-column",
        "팩스",
        "--text",
        "안내",
    ]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("--phone-column"), "{}", run.stderr());
    assert!(run.stderr().contains("휴대폰"), "{}", run.stderr());
    nothing_sent(&dir);
}

#[test]
fn each_bad_file_is_refused_in_one_line_and_nothing_is_queued() {
    let dir = desk();
    let made = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let no_phone = made("no_phone.csv", "이름,메모\n홍길동,단골\n김민준,신규\n");
    let blank = made("blank.csv", "\n\n");
    let cases: Vec<(String, &str)> = vec![
        (data("broken/truncated.xlsx"), "damaged"),
        (data("broken/not_really.xlsx"), "not an Excel"),
        (data("broken/empty.csv"), "empty"),
        (data("broken/header_only.csv"), "no rows under its header"),
        (no_phone, "--phone-column"),
        (blank, "empty"),
    ];
    for (file, words) in &cases {
        let run = dir.run(&["sms", "bulk", "--excel", file, "--text", "안내"]);
        assert_eq!(run.code(), 2, "{file}: {}", run.stderr());
        let stderr = run.stderr();
        assert_eq!(stderr.lines().count(), 1, "{file}: {stderr}");
        assert!(stderr.contains(words), "{file}: {stderr}");
    }
    nothing_sent(&dir);
}

#[test]
fn a_five_megabyte_cell_leaves_out_its_row_and_the_others_are_sent() {
    let dir = desk();
    let sheet = dir.path().join("memo.csv");
    std::fs::write(
        &sheet,
        format!(
            "이름,휴대폰,메모\n홍길동,010-1111-2222,{}\n김민준,010-3333-4444,짧은 메모\n",
            "가".repeat(1_700_000)
        ),
    )
    .unwrap();
    let sheet = sheet.to_str().unwrap();
    let summary = dry_run(&dir, &["--excel", sheet, "--text", "#{이름}님 #{메모}"]);
    assert_eq!(summary["recipients"], 1, "{}", summary["rejected"]);
    assert_eq!(summary["text_refused"], 1);
    let refused = &summary["rejected"][0];
    assert_eq!(refused["row"], 2);
    assert_eq!(refused["reason"], "text");
    assert!(
        refused["message"].as_str().unwrap().len() < 200,
        "{refused}"
    );

    // Sent for real, only the other row goes.
    let run = dir.run(&[
        "sms",
        "bulk",
        "--excel",
        sheet,
        "--text",
        "#{이름}님 #{메모}",
        "--json",
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let log = dir.run(&["sms", "log"]).ok();
    assert_eq!(log.lines().count(), 1, "{log}");
    assert!(log.contains("김민준님 짧은 메모"), "{log}");
}

#[test]
fn a_group_or_a_search_is_sorted_out_and_a_text_no_one_can_get_is_refused() {
    let dir = desk();
    dir.run(&["config", "set", "sms.sender_name", "링데스크"])
        .ok();
    dir.run(&["config", "set", "sms.optout_number", "080-123-4567"])
        .ok();
    for args in [
        &[
            "--name",
            "홍길동",
            "--phone",
            "010-1111-2222",
            "--group",
            "VIP",
        ][..],
        &[
            "--name",
            "김민준",
            "--phone",
            "010-2222-3333",
            "--group",
            "VIP",
            "--ad-opt-out",
        ],
        &[
            "--name",
            "박서연",
            "--phone",
            "02-555-0000",
            "--group",
            "VIP",
        ],
        &[
            "--name",
            "이도윤",
            "--phone",
            "010-1111-2222",
            "--group",
            "VIP",
        ],
        &[
            "--name",
            "최지우",
            "--phone",
            "010-4444-5555",
            "--group",
            "신규",
        ],
    ] {
        let mut full = vec!["customer", "add"];
        full.extend_from_slice(args);
        dir.run(&full).ok();
    }
    let ad = "(광고)링데스크 #{이름}님 봄 할인\n문의 1588-1234\n무료수신거부 080-123-4567";
    let vip = dry_run(&dir, &["--group", "VIP", "--ad", "--text", ad]);
    assert_eq!(vip["rows"], 4, "{vip}");
    assert_eq!(vip["recipients"], 1, "{vip}");
    assert_eq!(vip["opted_out"], 1);
    assert_eq!(vip["not_mobile"], 1);
    assert_eq!(vip["duplicates"], 1);
    let text = vip["previews"][0]["text"].as_str().unwrap();
    assert!(text.contains("님 봄 할인"), "{text}");
    // Not advertising: the opt-out does not matter.
    let notice = dry_run(&dir, &["--group", "VIP", "--text", "#{이름}님 점검 안내"]);
    assert_eq!(notice["recipients"], 2, "{notice}");

    let found = dry_run(&dir, &["--search", "최지우", "--text", "#{이름}님 안내"]);
    assert_eq!(found["recipients"], 1, "{found}");
    assert_eq!(found["previews"][0]["text"], "최지우님 안내");
    assert_eq!(found["previews"][0]["to"], "+821044445555");

    // A group that is not there names the groups there are.
    let run = dir.run(&["sms", "bulk", "--group", "없는그룹", "--text", "안내"]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("--group") && run.stderr().contains("VIP, 신규"),
        "{}",
        run.stderr()
    );
    // An advertisement without its opt-out line goes to no one.
    let run = dir.run(&[
        "sms",
        "bulk",
        "--group",
        "VIP",
        "--ad",
        "--text",
        "(광고) 할인",
    ]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("--text"), "{}", run.stderr());
    nothing_sent(&dir);
}

#[test]
fn a_file_of_numbers_lists_each_line_left_out_and_a_schedule_waits() {
    let dir = desk();
    let numbers = dir.path().join("numbers.txt");
    std::fs::write(
        &numbers,
        "010-1111-2222, 02-123-4567\n01011112222\tabc\n010 3333 4444\n",
    )
    .unwrap();
    let numbers = numbers.to_str().unwrap();
    let summary = dry_run(&dir, &["--numbers", numbers, "--text", "안내"]);
    assert_eq!(summary["rows"], 5, "{summary}");
    assert_eq!(summary["recipients"], 2);
    assert_eq!(summary["not_mobile"], 1);
    assert_eq!(summary["invalid"], 1);
    assert_eq!(summary["duplicates"], 1);
    assert_eq!(summary["duplicate_rows"][0]["row"], 2);
    assert_eq!(summary["duplicate_rows"][0]["same_as_row"], 1);
    assert_eq!(summary["by_kind"]["SMS"], 2);
    // With a picture every one is an MMS.
    let tiny = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny.jpg");
    let pictured = dry_run(
        &dir,
        &[
            "--numbers",
            numbers,
            "--text",
            "안내",
            "--image",
            tiny.to_str().unwrap(),
        ],
    );
    assert_eq!(pictured["by_kind"]["MMS"], 2, "{pictured}");
    assert_eq!(pictured["previews"][0]["kind"], "MMS");

    let run = dir.run(&[
        "sms",
        "bulk",
        "--numbers",
        numbers,
        "--text",
        "안내",
        "--schedule",
        "2099-01-01 09:00",
        "--json",
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let outcome = &run.json_lines()[0];
    assert_eq!(outcome["state"], "queued", "{outcome}");
    assert_eq!(outcome["dry_run"], false);
    assert!(
        run.stderr().contains("line 1: 02-123-4567"),
        "{}",
        run.stderr()
    );
    assert!(
        dir.run(&["sms", "log"]).ok().is_empty(),
        "nothing goes before its time"
    );
    let run = dir.run(&[
        "sms",
        "bulk",
        "--numbers",
        numbers,
        "--text",
        "안내",
        "--schedule",
        "내일",
    ]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("--schedule"), "{}", run.stderr());
}

#[test]
fn a_saved_view_names_the_customers_of_a_bulk_send() {
    use ringdesk::domain::{
        Condition, CustomerFilter, FilterField, NewSavedView, Operator, ViewLayout, ViewName,
    };
    let dir = desk();
    for (name, phone) in [
        ("홍길동", "010-1234-5678"),
        ("김민준", "010-2222-3333"),
        ("김서연", "010-4444-5555"),
    ] {
        dir.run(&["customer", "add", "--name", name, "--phone", phone])
            .ok();
    }
    let mut store = ringdesk::store::Store::open(&dir.database()).unwrap();
    store
        .save_view(&NewSavedView {
            name: ViewName::new("김씨").unwrap(),
            owner: String::new(),
            shared: true,
            layout: ViewLayout {
                filter: CustomerFilter {
                    conditions: vec![Condition {
                        field: FilterField::Name,
                        op: Operator::StartsWith,
                        value: "김".to_owned(),
                    }],
                    ..CustomerFilter::default()
                },
                ..ViewLayout::default()
            },
        })
        .unwrap();
    drop(store);

    let summary = dry_run(&dir, &["--view", "김씨", "--text", "안녕하세요 #{이름}님"]);
    assert_eq!(summary["recipients"], 2, "{summary}");

    let refused = dir.run(&["sms", "bulk", "--view", "박씨", "--text", "x", "--dry-run"]);
    assert_ne!(refused.code(), 0);
    assert!(refused.stderr().contains("--view"), "{}", refused.stderr());
    assert!(refused.stderr().contains("김씨"), "{}", refused.stderr());
    nothing_sent(&dir);
}
