//! The store on a real SQLite file: it survives reopening, refuses a database
//! from a newer ringdesk untouched, and refuses bad input without changing anything.

use ringdesk::domain::{CustomerDraft, PhoneDraft, PhoneNumber, Region};
use ringdesk::store::{Error, Page, Store, latest_version};

use crate::support::DataDir;

fn draft(name: &str, number: &str) -> CustomerDraft {
    CustomerDraft {
        name: name.to_owned(),
        phones: vec![PhoneDraft {
            label: "휴대폰".to_owned(),
            number: number.to_owned(),
        }],
        ..CustomerDraft::default()
    }
}

#[test]
fn customers_survive_reopening_the_file() {
    let dir = DataDir::new();
    let id = {
        let mut store = Store::open(&dir.database()).unwrap();
        let customer = draft("홍길동", "010-1234-5678")
            .check(Region::KOREA, &[])
            .unwrap();
        store.create_customer(&customer).unwrap()
    };
    let store = Store::open(&dir.database()).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest_version());
    assert_eq!(store.customer(id).unwrap().name, "홍길동");
    let number = PhoneNumber::parse("+82 10-1234-5678", Region::KOREA).unwrap();
    assert_eq!(store.customers_with_number(&number).unwrap()[0].id, id);
    let query = ringdesk::domain::search::SearchQuery::parse("길동", Region::KOREA);
    assert_eq!(
        store
            .search_customers(&query, Page::first(10))
            .unwrap()
            .hits
            .len(),
        1
    );
}

#[test]
fn a_database_from_a_newer_ringdesk_is_refused_and_left_alone() {
    let dir = DataDir::new();
    drop(Store::open(&dir.database()).unwrap());
    let newer = latest_version() + 1;
    {
        let conn = rusqlite::Connection::open(dir.database()).unwrap();
        conn.pragma_update(None, "user_version", newer).unwrap();
    }
    let before = std::fs::read(dir.database()).unwrap();
    match Store::open(&dir.database()) {
        Err(error @ Error::TooNew { .. }) => {
            let message = error.to_string();
            assert!(message.contains("newer ringdesk"), "{message}");
            assert!(
                message.contains(&format!("schema version {newer}")),
                "{message}"
            );
        }
        Err(other) => panic!("expected TooNew, got {other}"),
        Ok(_) => panic!("a newer database was opened"),
    }
    assert_eq!(std::fs::read(dir.database()).unwrap(), before);
}

#[test]
fn a_file_that_is_no_database_is_reported_with_its_path() {
    let dir = DataDir::new();
    std::fs::write(
        dir.database(),
        "this is not sqlite, just text that is long enough to fill a header block",
    )
    .unwrap();
    let error = Store::open(&dir.database()).err().unwrap().to_string();
    assert!(error.contains("ringdesk.sqlite3"), "{error}");
}

#[test]
fn bad_input_is_refused_by_field_and_the_file_is_unchanged() {
    let dir = DataDir::new();
    let mut store = Store::open(&dir.database()).unwrap();
    let good = draft("김민준", "010-2222-3333")
        .check(Region::KOREA, &[])
        .unwrap();
    store.create_customer(&good).unwrap();

    let mut cases: Vec<(CustomerDraft, &str)> = Vec::new();
    cases.push((draft("  ", "010-1111-2222"), "name"));
    let mut memo = draft("이서연", "010-1111-2222");
    memo.memo = "가".repeat(2700);
    cases.push((memo, "memo"));
    let mut email = draft("이서연", "010-1111-2222");
    email.email = "seoyeon@@naver".into();
    cases.push((email, "email"));
    cases.push((draft("이서연", "공일공"), "phone"));
    let mut field = draft("이서연", "010-1111-2222");
    field.fields = vec![("등급".into(), "VIP".into())];
    cases.push((field, "등급"));
    for (bad, field) in cases {
        let error = bad
            .check(Region::KOREA, &store.field_defs().unwrap())
            .unwrap_err();
        assert_eq!(error.field, field, "{error}");
    }
    assert_eq!(store.count_customers().unwrap(), 1);
}
