//! A customer with a rich history for the README's timeline picture: calls
//! in and out, messages, notes, and changes by two agents (a new number, a
//! status, a reassignment, groups and tags), spread over a few weeks.
//!
//! `cargo run --example timeline_data -- DATA_DIR` (an empty data folder);
//! `scripts/screenshots.sh` then opens the card's 이력 tab.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::too_many_lines
)]
use std::path::PathBuf;

use ringdesk::config::DataDirs;
use ringdesk::domain::note::NoteBody;
use ringdesk::domain::{
    CallRecord, CustomerDraft, Direction, MessageKind, NewMessage, NewSenderNumber, NewUser,
    Outcome, PhoneDraft, PhoneNumber, Region, Role, StatusName, Timestamp,
};
use ringdesk::store::Store;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).expect("DATA_DIR"));
    let dirs = DataDirs::resolve(Some(&dir)).unwrap();
    dirs.create().unwrap();
    let path = dirs.database();
    let mut store = Store::open(&path).unwrap();
    let user = |store: &mut Store, login: &str, name: &str, extension: &str| {
        store
            .create_user(&NewUser {
                login: login.into(),
                display_name: name.into(),
                role: Role::Agent,
                extension: Some(extension.into()),
            })
            .unwrap()
    };
    let kim = user(&mut store, "kim", "김상담", "1001");
    let lee = user(&mut store, "lee", "이영업", "1002");
    let new_status = store
        .create_status(&StatusName::new("신규").unwrap())
        .unwrap();
    let talking = store
        .create_status(&StatusName::new("상담중").unwrap())
        .unwrap();
    store
        .create_sender_number(&NewSenderNumber {
            number: PhoneNumber::parse("1588-1234", Region::KOREA).unwrap(),
            label: "고객센터".into(),
        })
        .unwrap();

    store.set_actor_named("kim").unwrap();
    let mut draft = CustomerDraft {
        name: "홍길동".into(),
        company: "한빛소프트".into(),
        phones: vec![PhoneDraft {
            label: "휴대폰".into(),
            number: "010-1111-2222".into(),
        }],
        groups: vec!["일반".into()],
        status_id: Some(new_status),
        assignee_id: Some(kim),
        source: "전화".into(),
        ..CustomerDraft::default()
    };
    let id = store
        .create_customer(&draft.check(Region::KOREA, &[]).unwrap())
        .unwrap();
    let now = Timestamp::now().0;
    let call =
        |store: &mut Store, n: i64, at: i64, direction, talk_secs: Option<i64>, memo: &str| {
            let answered = talk_secs.map(|_| Timestamp(at + 6_000));
            let id = store
                .record_call(&CallRecord {
                    direction,
                    pbx_call_id: format!("1763900000.{n}"),
                    number: PhoneNumber::parse("010-1111-2222", Region::KOREA).unwrap(),
                    customer_id: Some(id),
                    user_id: Some(kim),
                    extension: "1001".into(),
                    line: "02-6000-1000".into(),
                    started_at: Timestamp(at),
                    answered_at: answered,
                    ended_at: Some(Timestamp(at + 6_000 + talk_secs.unwrap_or(20) * 1_000)),
                    outcome: Some(if talk_secs.is_some() {
                        Outcome::Answered
                    } else {
                        Outcome::NoAnswer
                    }),
                    cause: Some(16),
                    cause_text: String::new(),
                })
                .unwrap();
            if !memo.is_empty() {
                store.set_call_memo(id, memo).unwrap();
            }
        };
    call(
        &mut store,
        1,
        now - 20 * DAY_MS,
        Direction::In,
        Some(133),
        "견적 문의, 자료 요청",
    );
    store
        .add_note(
            id,
            Some(kim),
            &NoteBody::new("소프트웨어 라이선스 20석 견적 요청. 다음 주 방문 희망").unwrap(),
        )
        .unwrap();
    store
        .enqueue_message(&NewMessage {
            batch_id: None,
            customer_id: Some(id),
            user_id: Some(kim),
            to: PhoneNumber::parse("010-1111-2222", Region::KOREA).unwrap(),
            from_key: "+8215881234".into(),
            kind: MessageKind::Sms,
            subject: String::new(),
            body: "홍길동님, 요청하신 견적서를 메일로 보내드렸습니다.".into(),
            advertising: false,
            image: None,
        })
        .unwrap();
    draft.email = "gd.hong@hanbit.co.kr".into();
    draft.status_id = Some(talking);
    draft.tags = vec!["견적".into()];
    store
        .update_customer(id, &draft.check(Region::KOREA, &[]).unwrap())
        .unwrap();
    call(&mut store, 2, now - 9 * DAY_MS, Direction::Out, None, "");
    call(
        &mut store,
        3,
        now - 8 * DAY_MS,
        Direction::In,
        Some(312),
        "번호 변경 안내 받음",
    );

    store.set_actor_named("lee").unwrap();
    draft.phones[0].number = "010-3333-4444".into();
    draft.assignee_id = Some(lee);
    draft.groups = vec!["일반".into(), "VIP".into()];
    store
        .update_customer(id, &draft.check(Region::KOREA, &[]).unwrap())
        .unwrap();
    store
        .add_note(
            id,
            Some(lee),
            &NoteBody::new("계약 조건 협의 중. 월말까지 회신 예정").unwrap(),
        )
        .unwrap();
    drop(store);

    // Spread what was just written over the weeks the calls span: the
    // first save and the first note with the first call, the second save
    // with the call before it, the last changes and note a day ago.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let spread = |sql: &str| conn.execute(sql, []).unwrap();
    let at = |days_ago: i64, minutes: i64| now - days_ago * DAY_MS + minutes * 60_000;
    let history: Vec<i64> = conn
        .prepare("SELECT id FROM customer_history ORDER BY id")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (index, row) in history.iter().enumerate() {
        let when = match index {
            0 => at(21, 0),
            1..=3 => at(19, 30),
            _ => at(1, 0),
        };
        spread(&format!(
            "UPDATE customer_history SET at_ms = {when} WHERE id = {row}"
        ));
    }
    spread(&format!(
        "UPDATE notes SET created_at_ms = {}, updated_at_ms = {0} WHERE author_id = {}",
        at(20, 10),
        kim.0
    ));
    spread(&format!(
        "UPDATE notes SET created_at_ms = {}, updated_at_ms = {0} WHERE author_id = {}",
        at(1, 5),
        lee.0
    ));
    spread(&format!(
        "UPDATE messages SET created_at_ms = {}, updated_at_ms = {0}",
        at(19, 40)
    ));
    spread(&format!(
        "UPDATE customers SET created_at_ms = {}",
        at(21, 0)
    ));
    println!("customer {id}");
}
