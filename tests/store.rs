//! The store on a real SQLite file: it survives reopening, refuses a database
//! from a newer ringdesk untouched, refuses bad input without changing
//! anything, brings an older file's call log up to date, and logs each PBX
//! call once however often the tracker reports it.

use ringdesk::domain::{
    CallFilter, CallRecord, CustomerDraft, Direction, NumberFragment, Outcome, PhoneDraft,
    PhoneNumber, Region, Timestamp,
};
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

#[test]
fn calls_logged_by_an_older_ringdesk_survive_the_update() {
    let dir = DataDir::new();
    {
        // The file as the first schema left it.
        let conn = rusqlite::Connection::open(dir.database()).unwrap();
        conn.execute_batch(include_str!("../sql/0001_init.sql"))
            .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(
            "INSERT INTO calls (direction, pbx_call_id, number_raw, phone_key, extension,
                                started_at_ms, answered_at_ms, ended_at_ms, outcome, memo)
             VALUES ('in', '1700000000.42', '010-1234-5678', '+821012345678', '1001',
                     1700000000000, 1700000005000, 1700000065000, 'answered', '견적 문의');",
        )
        .unwrap();
    }
    let mut store = Store::open(&dir.database()).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest_version());
    let all = CallFilter::period(Timestamp(0), Timestamp(i64::MAX));
    let calls = store.calls_where(&all, Page::first(10)).unwrap();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].memo, "견적 문의");
    assert_eq!(calls[0].outcome, Some(Outcome::Answered));
    assert_eq!((calls[0].cause, calls[0].cause_text.as_str()), (None, ""));

    // Its PBX id still keys it: the tracker's replay of it is the same row.
    let replay = record(
        "1700000000.42",
        "010-1234-5678",
        1_700_000_000_000,
        Direction::In,
    );
    assert_eq!(store.record_call(&replay).unwrap(), calls[0].id);
    assert_eq!(store.count_calls_where(&all).unwrap(), 1);
}

fn record(pbx_call_id: &str, number: &str, started_ms: i64, direction: Direction) -> CallRecord {
    CallRecord {
        direction,
        pbx_call_id: pbx_call_id.to_owned(),
        number: PhoneNumber::parse(number, Region::KOREA).unwrap(),
        customer_id: None,
        user_id: None,
        extension: "1001".to_owned(),
        line: "02-6000-1000".to_owned(),
        started_at: Timestamp(started_ms),
        answered_at: None,
        ended_at: None,
        outcome: None,
        cause: None,
        cause_text: String::new(),
    }
}

fn ended(mut call: CallRecord, after_ms: i64, outcome: Outcome, cause: u16) -> CallRecord {
    call.ended_at = Some(Timestamp(call.started_at.as_millis() + after_ms));
    call.outcome = Some(outcome);
    call.cause = Some(cause);
    call
}

#[test]
fn the_tracker_logs_each_call_once_and_the_log_filters_it() {
    const T0: i64 = 1_700_000_000_000;
    let dir = DataDir::new();
    {
        let mut store = Store::open(&dir.database()).unwrap();
        let ringing = record("1700000000.1", "010-1234-5678", T0, Direction::In);
        let id = store.record_call(&ringing).unwrap();
        // Replayed after a reconnect: still one row.
        assert_eq!(store.record_call(&ringing).unwrap(), id);
        let missed = ended(ringing, 20_000, Outcome::Missed, 16);
        store.record_call(&missed).unwrap();
        // Ended again, differently (a late duplicate Hangup): the first end stays.
        store
            .record_call(&ended(missed.clone(), 40_000, Outcome::Failed, 34))
            .unwrap();

        let mut out = record("1700000100.2", "02-2299-7123", T0 + 60_000, Direction::Out);
        out.answered_at = Some(Timestamp(T0 + 65_000));
        store
            .record_call(&ended(out, 125_000, Outcome::Answered, 16))
            .unwrap();
        store
            .record_call(&ended(
                record("1700000200.3", "1002", T0 + 120_000, Direction::Internal),
                5_000,
                Outcome::NoAnswer,
                19,
            ))
            .unwrap();
        // The day before.
        store
            .record_call(&ended(
                record(
                    "1699900000.4",
                    "010-1234-5678",
                    T0 - 86_400_000,
                    Direction::In,
                ),
                9_000,
                Outcome::Busy,
                17,
            ))
            .unwrap();
    }

    // Reopened from the file, everything is there once.
    let store = Store::open(&dir.database()).unwrap();
    let day = CallFilter::period(Timestamp(T0), Timestamp(T0 + 86_400_000));
    let numbers = |filter: &CallFilter| -> Vec<String> {
        let calls = store.calls_where(filter, Page::first(50)).unwrap();
        assert_eq!(store.count_calls_where(filter).unwrap(), calls.len() as u64);
        calls.into_iter().map(|call| call.number_raw).collect()
    };
    assert_eq!(numbers(&day), ["1002", "02-2299-7123", "010-1234-5678"]);
    let first = &store.calls_where(&day, Page::first(50)).unwrap()[2];
    assert_eq!(first.ended_at, Some(Timestamp(T0 + 20_000)));
    assert_eq!(
        (first.outcome, first.cause),
        (Some(Outcome::Missed), Some(16))
    );

    let mut out = day.clone();
    out.direction = Some(Direction::Out);
    assert_eq!(numbers(&out), ["02-2299-7123"]);
    assert_eq!(numbers(&day.clone().missed()), ["010-1234-5678"]);
    let mut no_answer = day.clone();
    no_answer.outcomes = vec![Outcome::NoAnswer];
    assert_eq!(numbers(&no_answer), ["1002"]);
    let mut number = day.clone();
    number.number = NumberFragment::parse("5678").unwrap();
    assert_eq!(numbers(&number), ["010-1234-5678"]);

    let two_days = CallFilter::period(Timestamp(T0 - 86_400_000), Timestamp(T0 + 86_400_000));
    assert_eq!(numbers(&two_days.clone().missed()).len(), 2);
    assert_eq!(store.count_calls_where(&two_days).unwrap(), 4);
}

#[test]
fn customers_long_in_the_recycle_bin_are_purged_and_the_rest_kept() {
    let dir = DataDir::new();
    let mut store = Store::open(&dir.database()).unwrap();
    let old = store
        .create_customer(
            &draft("오래된", "010-1111-2222")
                .check(Region::KOREA, &[])
                .unwrap(),
        )
        .unwrap();
    let recent = store
        .create_customer(
            &draft("최근", "010-3333-4444")
                .check(Region::KOREA, &[])
                .unwrap(),
        )
        .unwrap();
    store.delete_customer(old).unwrap();
    store.delete_customer(recent).unwrap();
    let day = 24 * 60 * 60 * 1000;
    let now = Timestamp::now().0;
    {
        let conn = rusqlite::Connection::open(dir.database()).unwrap();
        conn.execute(
            "UPDATE customers SET deleted_at_ms = ?1 WHERE id = ?2",
            [now - 40 * day, old.0],
        )
        .unwrap();
    }
    assert_eq!(
        store
            .purge_binned_before(Timestamp(now - 30 * day))
            .unwrap(),
        1
    );
    assert!(store.customer(old).is_err());
    store.restore_customer(recent).unwrap();
    assert_eq!(store.count_customers().unwrap(), 1);
}
