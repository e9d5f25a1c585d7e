//! `ringdesk import` on the real fixture files: every file reports exactly
//! the MANIFEST's counts (rows, valid, rejected by reason, the rejected rows
//! themselves, duplicates), imports its distinct customers in one unit, finds
//! them again as duplicates the second time, and each broken file is refused
//! in one line with nothing imported.

use std::collections::BTreeSet;
use std::path::PathBuf;

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

fn expected(file: &str) -> Value {
    let all: Value =
        serde_json::from_str(&std::fs::read_to_string(data("expected.json")).unwrap()).unwrap();
    all[file].clone()
}

fn import(dir: &DataDir, args: &[&str]) -> Value {
    let mut full = vec!["import"];
    full.extend_from_slice(args);
    full.push("--json");
    let run = dir.run(&full);
    assert_eq!(run.code(), 0, "{args:?}: {}", run.stderr());
    run.json_lines().remove(0)
}

fn customers(dir: &DataDir) -> u64 {
    ringdesk::store::Store::open(&dir.database())
        .unwrap()
        .count_customers()
        .unwrap()
}

#[test]
fn every_fixture_reports_the_manifests_counts_and_rows() {
    for file in [
        "customers_utf8_bom.csv",
        "customers_cp949.csv",
        "customers_sjis.csv",
        "customers.xlsx",
        "customers.xls",
        "customers.ods",
    ] {
        let dir = DataDir::new();
        let summary = import(&dir, &[&data(file), "--dry-run"]);
        let want = expected(file);
        assert_eq!(summary["rows"], want["data_rows"], "{file}");
        assert_eq!(summary["valid"], want["valid_rows"], "{file}");
        assert_eq!(summary["rejected"], want["rejected_rows"], "{file}");
        assert_eq!(
            summary["rejected_by_reason"], want["rejected_by_reason"],
            "{file}"
        );
        assert_eq!(
            summary["duplicates"].as_u64().unwrap(),
            want["duplicates"].as_array().unwrap().len() as u64,
            "{file}"
        );
        let rejected = |list: &Value| -> BTreeSet<(u64, String)> {
            list.as_array()
                .unwrap()
                .iter()
                .map(|row| {
                    (
                        row["record"].as_u64().unwrap(),
                        row["reason"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        };
        assert_eq!(
            rejected(&summary["rejected_rows"]),
            rejected(&want["rejected"]),
            "{file}"
        );
        let duplicates = |list: &Value, first: &str| -> BTreeSet<(u64, u64)> {
            list.as_array()
                .unwrap()
                .iter()
                .map(|row| {
                    (
                        row["record"].as_u64().unwrap(),
                        row[first].as_u64().unwrap(),
                    )
                })
                .collect()
        };
        assert_eq!(
            duplicates(&summary["duplicate_rows"], "same_as_record"),
            duplicates(&want["duplicates"], "duplicate_of_record"),
            "{file}"
        );
        assert_eq!(summary["imported"], 0, "{file}: a dry run imports nothing");
        assert_eq!(customers(&dir), 0, "{file}");
    }
}

#[test]
fn the_sheet_header_and_country_are_found_by_themselves() {
    let dir = DataDir::new();
    // Under a merged title, beside a notes sheet.
    let workbook = import(&dir, &[&data("customers.xlsx"), "--dry-run"]);
    assert_eq!(workbook["sheet"], "고객목록");
    assert_eq!(workbook["header_row"], 2);
    assert_eq!(
        workbook["columns"][0][1], "skip",
        "번호 is no customer data"
    );
    // Shift_JIS, read as Japanese numbers.
    let japanese = import(&dir, &[&data("customers_sjis.csv"), "--dry-run"]);
    assert_eq!(japanese["encoding"], "Shift_JIS");
    assert_eq!(japanese["region"], "JP");
    // Semicolons, with commas inside the addresses.
    let european = import(&dir, &[&data("broken/wrong_delimiter.csv"), "--dry-run"]);
    assert_eq!(european["delimiter"], ";");
    assert_eq!(european["rows"], 15);
    assert_eq!(european["valid"], 15);
}

#[test]
fn an_import_is_one_unit_and_a_second_one_finds_every_customer_again() {
    let dir = DataDir::new();
    let file = data("customers_utf8_bom.csv");
    let report = dir.path().join("report.csv");
    let first = import(&dir, &[&file, "--report", report.to_str().unwrap()]);
    assert_eq!(first["imported"], 185);
    assert_eq!(customers(&dir), 185);
    // Every rejected and repeated row is in the report with its reason.
    let saved = ringdesk::import::read(&report, ringdesk::import::ReadOptions::default()).unwrap();
    let lines = &saved.sheets[0].rows;
    assert_eq!(lines.len(), 1 + 11 + 4, "header, rejected, duplicates");
    // The unknown header became a field, the numbers are found.
    let fields = dir.run(&["field", "list"]).ok();
    assert!(fields.contains("가입일자"), "{fields}");
    let found = dir.run(&["lookup", "010-5283-6111"]).ok();
    assert!(found.contains("이성호"), "{found}");

    let again = import(&dir, &[&file]);
    assert_eq!(again["imported"], 0);
    assert_eq!(again["duplicates"], 189);
    assert_eq!(customers(&dir), 185);
    let created = import(&dir, &[&file, "--on-duplicate", "create"]);
    assert_eq!(created["imported"], 189);
    assert_eq!(customers(&dir), 185 + 189);
}

#[test]
fn update_fills_in_what_the_existing_customer_lacks() {
    let dir = DataDir::new();
    dir.run(&[
        "customer",
        "add",
        "--name",
        "홍길동",
        "--phone",
        "010-1111-2222",
    ])
    .ok();
    let sheet = dir.path().join("update.csv");
    std::fs::write(
        &sheet,
        "이름,휴대폰,전화번호,회사,이메일\n홍길동,010-1111-2222,02-2299-7123,링데스크,hong@ringdesk.kr\n김민준,010-3333-4444,,,\n",
    )
    .unwrap();
    let summary = import(&dir, &[sheet.to_str().unwrap(), "--on-duplicate", "update"]);
    assert_eq!(summary["imported"], 1);
    assert_eq!(summary["updated"], 1);
    let card = dir.run(&["customer", "show", "1", "--json"]).json_lines();
    let card = &card[0];
    assert_eq!(card["company"], "링데스크", "{card}");
    assert_eq!(card["email"], "hong@ringdesk.kr");
    assert_eq!(card["phones"].as_array().unwrap().len(), 2, "{card}");
}

#[test]
fn each_broken_file_is_refused_in_one_line_and_nothing_is_imported() {
    let dir = DataDir::new();
    for (file, words) in [
        ("broken/empty.csv", "the file is empty"),
        ("broken/truncated.xlsx", "damaged"),
        ("broken/not_really.xlsx", "not an Excel"),
    ] {
        let run = dir.run(&["import", &data(file)]);
        assert_eq!(run.code(), 2, "{file}");
        let stderr = run.stderr();
        assert_eq!(stderr.lines().count(), 1, "{file}: {stderr}");
        assert!(stderr.contains(words), "{file}: {stderr}");
    }
    // A header and no rows: a notice, not a failure.
    let run = dir.run(&["import", &data("broken/header_only.csv"), "--json"]);
    assert_eq!(run.code(), 0);
    assert!(
        run.stderr().contains("no rows to import"),
        "{}",
        run.stderr()
    );
    assert_eq!(run.json_lines()[0]["imported"], 0);
    // No name column: says which columns there are.
    let sheet = dir.path().join("no_name.csv");
    std::fs::write(&sheet, "회사,휴대폰\n링데스크,010-1111-2222\n").unwrap();
    let run = dir.run(&["import", sheet.to_str().unwrap()]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("회사, 휴대폰"), "{}", run.stderr());
    assert_eq!(customers(&dir), 0);
}

#[test]
fn a_five_megabyte_memo_is_rejected_and_the_other_rows_imported() {
    let dir = DataDir::new();
    let sheet = dir.path().join("huge.csv");
    std::fs::write(
        &sheet,
        format!(
            "이름,휴대폰,메모\r\n홍길동,010-1111-2222,짧은 메모\r\n김민준,010-3333-4444,\"{}\"\r\n박서연,010-5555-6666,\r\n",
            "가, 나".repeat(1_000_000)
        ),
    )
    .unwrap();
    let summary = import(&dir, &[sheet.to_str().unwrap()]);
    assert_eq!(summary["rows"], 3);
    assert_eq!(summary["rejected_by_reason"]["memo_too_long"], 1);
    assert_eq!(summary["rejected_rows"][0]["row"], 3);
    assert_eq!(summary["imported"], 2);
}

#[test]
fn the_last_import_is_undone_whole_and_the_one_before_it_next() {
    let dir = DataDir::new();
    dir.run(&[
        "customer",
        "add",
        "--name",
        "홍길동",
        "--phone",
        "010-1111-2222",
    ])
    .ok();
    let sheet = dir.path().join("first.csv");
    std::fs::write(
        &sheet,
        "이름,휴대폰,회사\n홍길동,010-1111-2222,링데스크\n김민준,010-3333-4444,\n",
    )
    .unwrap();
    import(&dir, &[sheet.to_str().unwrap(), "--on-duplicate", "update"]);
    let second = dir.path().join("second.csv");
    std::fs::write(&second, "이름,휴대폰\n박서연,010-5555-6666\n").unwrap();
    import(&dir, &[second.to_str().unwrap()]);
    assert_eq!(customers(&dir), 3);

    let undone = dir.run(&["import", "--undo", "--json"]).json_lines();
    assert_eq!(undone[0]["removed"], 1, "{undone:?}");
    assert_eq!(customers(&dir), 2);
    assert!(dir.run(&["lookup", "010-5555-6666"]).code() == 1);

    let undone = dir.run(&["import", "--undo", "--json"]).json_lines();
    assert_eq!(undone[0]["removed"], 1);
    assert_eq!(undone[0]["restored"], 1);
    assert_eq!(customers(&dir), 1);
    // 홍길동 as before the import: no company.
    let card = dir.run(&["customer", "show", "1", "--json"]).json_lines();
    assert_eq!(card[0]["company"], "", "{:?}", card[0]);
    assert_eq!(card[0]["phones"].as_array().unwrap().len(), 1);

    let run = dir.run(&["import", "--undo"]);
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr().contains("no import left to undo"),
        "{}",
        run.stderr()
    );
}

#[test]
fn duplicates_are_found_by_number_e_mail_and_name_at_a_company() {
    let dir = DataDir::new();
    import(&dir, &[&data("customers.xlsx"), "--on-duplicate", "create"]);
    let run = dir.run(&["duplicates", "--json"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let sets = run.json_lines();
    // The MANIFEST's 7 repeated numbers (two of them of one row) and its
    // repeated e-mails, joined where they meet.
    let by_number = sets
        .iter()
        .filter(|set| {
            set["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .any(|reason| reason["kind"] == "same_number")
        })
        .count();
    assert_eq!(by_number, 6, "{sets:#?}");
    let largest = &sets[0];
    assert_eq!(
        largest["customers"].as_array().unwrap().len(),
        3,
        "{largest}"
    );
    assert_eq!(largest["reasons"].as_array().unwrap().len(), 2, "{largest}");
    assert!(
        sets.iter()
            .any(|set| set["reasons"][0]["kind"] == "same_name_at_company"),
        "{sets:#?}"
    );
}

/// A shop's own sheet: no header says what it is, 등급 is the field
/// labelled 고객 등급.
fn shop_sheet(dir: &std::path::Path) -> String {
    let path = dir.join("거래처.csv");
    std::fs::write(
        &path,
        "손님,폰,등급\n홍길동,010-1234-5678,골드\n김영희,010-2345-6789,실버\n",
    )
    .unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn a_saved_mapping_reads_columns_whose_headers_say_nothing_into_an_existing_field() {
    use ringdesk::domain::{FieldKind, NewFieldDef};
    let dir = DataDir::new();
    let files = tempfile::tempdir().unwrap();
    let file = shop_sheet(files.path());
    {
        let mut store = ringdesk::store::Store::open(&dir.database()).unwrap();
        store
            .create_field(&NewFieldDef::new("vip", "고객 등급", FieldKind::Text).unwrap())
            .unwrap();
        let columns = [("손님", "name"), ("폰", "mobile"), ("등급", "field:vip")]
            .map(|(header, role)| (header.to_owned(), role.to_owned()));
        store.save_import_mapping("거래처 양식", &columns).unwrap();
    }
    // Read from their headers, the columns hold no name.
    let run = dir.run(&["import", &file, "--dry-run"]);
    assert_ne!(run.code(), 0);
    assert!(run.stderr().contains("--header-row"), "{}", run.stderr());

    let summary = import(&dir, &[&file, "--mapping", "거래처 양식"]);
    assert_eq!(summary["imported"], 2, "{summary}");
    assert_eq!(summary["mapping"], "거래처 양식");
    let store = ringdesk::store::Store::open(&dir.database()).unwrap();
    let fields = store.field_defs().unwrap();
    assert_eq!(fields.len(), 1, "no field made for 등급: {fields:?}");
    let hong = store.customer(ringdesk::domain::CustomerId(1)).unwrap();
    assert_eq!(hong.name, "홍길동");
    assert_eq!(hong.fields.len(), 1);
    assert_eq!(hong.fields[0].key, "vip");
    assert_eq!(hong.fields[0].value.to_string(), "골드");

    // A name no mapping has is refused naming the option and the ones saved.
    let run = dir.run(&["import", &file, "--mapping", "없는 양식"]);
    assert_ne!(run.code(), 0);
    assert!(
        run.stderr().contains("--mapping") && run.stderr().contains("거래처 양식"),
        "{}",
        run.stderr()
    );
    assert_eq!(customers(&dir), 2);
}
