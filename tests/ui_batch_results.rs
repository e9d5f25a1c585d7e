//! 문자발송결과 end to end on a real store with the dry-run gateway: bulk
//! sends stored before the window starts (as a manager's window would have
//! stored them), one sent to the end by the backend's batch thread, one
//! scheduled for tomorrow, one paused; the window lists them with their
//! totals, cancels and resumes through the real backend, and opens a send's
//! recipients.

use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use ringdesk::domain::{
    BatchId, BatchKind, BatchState, CustomerId, NewBatch, NewRecipient, NewSenderNumber,
    PhoneNumber, Region, Timestamp,
};
use ringdesk::store::Store;
use ringdesk::ui::RingdeskApp;

use crate::support::DataDir;
use crate::ui::{add_customers, click, open_menu, step_until, window};

const DAY_MILLIS: i64 = 86_400_000;

fn shows(harness: &Harness<'_, RingdeskApp>, text: &str) -> bool {
    harness.query_by_label_contains(text).is_some()
}

fn count_of(harness: &Harness<'_, RingdeskApp>, text: &str) -> usize {
    harness.query_all_by_label(text).count()
}

fn recipient(number: &str, customer: Option<CustomerId>) -> NewRecipient {
    NewRecipient {
        customer_id: customer,
        ..NewRecipient::to(&PhoneNumber::parse(number, Region::KOREA).unwrap())
    }
}

fn store_batch(
    store: &mut Store,
    kind: BatchKind,
    title: &str,
    scheduled_at: Option<Timestamp>,
    recipients: &[NewRecipient],
) -> BatchId {
    store
        .create_batch_send(
            &NewBatch {
                kind,
                title: title.to_owned(),
                created_by: None,
                sender_number_id: None,
                subject: String::new(),
                // A name only a customer's card fills.
                body_template: if kind == BatchKind::Bulk {
                    "#{이름}님, 3월 일정 안내드립니다."
                } else {
                    "3월 일정 안내드립니다."
                }
                .to_owned(),
                advertising: false,
                scheduled_at,
                image: None,
            },
            recipients,
        )
        .unwrap()
}

#[test]
#[expect(
    clippy::too_many_lines,
    reason = "one story: list, cancel, resume, drill down"
)]
fn bulk_sends_are_listed_with_their_totals_cancelled_resumed_and_opened_to_their_recipients() {
    let dir = DataDir::new();
    let ids = add_customers(
        &dir,
        &[
            ("김민준", "010-3333-4444", ""),
            ("이서연", "010-5555-6666", ""),
        ],
    );
    let (scheduled, paused) = {
        let mut store = Store::open(&dir.database()).unwrap();
        // The one registered number is what a send without one goes from.
        store
            .create_sender_number(&NewSenderNumber {
                number: PhoneNumber::parse("1588-1234", Region::KOREA).unwrap(),
                label: "대표번호".to_owned(),
            })
            .unwrap();
        store_batch(
            &mut store,
            BatchKind::Bulk,
            "3월 안내",
            None,
            &[
                recipient("010-3333-4444", Some(ids[0])),
                recipient("010-5555-6666", Some(ids[1])),
            ],
        );
        let tomorrow = Timestamp(Timestamp::now().as_millis() + DAY_MILLIS);
        let scheduled = store_batch(
            &mut store,
            BatchKind::Free,
            "내일 예약",
            Some(tomorrow),
            &[recipient("010-7777-8888", None)],
        );
        let paused = store_batch(
            &mut store,
            BatchKind::Free,
            "멈춘 발송",
            None,
            &[
                recipient("010-2222-1111", None),
                recipient("010-2222-3333", None),
            ],
        );
        store.set_batch_state(paused, BatchState::Running).unwrap();
        store.set_batch_state(paused, BatchState::Paused).unwrap();
        (scheduled, paused)
    };

    let mut harness = window(&dir);
    open_menu(&mut harness, "고객관리(C)", "문자발송결과");
    // The first send goes through the dry-run gateway while the window looks.
    step_until(&mut harness, "the period's sums", |h| {
        shows(h, "발송 3건") && shows(h, "전달 2 ·") && shows(h, "완료")
    });
    assert!(shows(
        &harness,
        "기간 합계: 수신자 5 · 대기 3 · 전송 0 · 전달 2 · 실패 0 · 제외 0"
    ));
    assert!(shows(&harness, "예약 "), "a send whose time has not come");
    assert_eq!(count_of(&harness, "일시정지"), 1, "the paused send's state");

    // Cancelling asks first.
    click(&mut harness, "내일 예약");
    assert!(shows(&harness, "선택: 내일 예약"));
    click(&mut harness, "발송 취소");
    assert!(shows(&harness, "아직 보내지 않은 1명에게는 보내지 않고"));
    click(&mut harness, "발송 취소하기");
    step_until(&mut harness, "the send cancelled", |h| {
        count_of(h, "취소") == 1 && !shows(h, "예약 ")
    });
    assert!(shows(&harness, "제외 1"), "its recipient is left out");
    assert!(harness.query_by_label("0% · 취소됨").is_some(), "none went");

    // Resuming the paused send lets it run to the end.
    click(&mut harness, "멈춘 발송");
    assert!(
        harness
            .query_by_role_and_label(Role::Button, "일시정지")
            .is_none(),
        "a paused send offers 재개 instead"
    );
    click(&mut harness, "재개");
    step_until(&mut harness, "the resumed send done", |h| {
        count_of(h, "완료") == 2 && shows(h, "전달 4 ·")
    });
    let store = Store::open(&dir.database()).unwrap();
    assert_eq!(store.batch(scheduled).unwrap().state, BatchState::Cancelled);
    assert_eq!(store.batch(paused).unwrap().state, BatchState::Done);

    // The drill-down lists each recipient with what became of it.
    click(&mut harness, "3월 안내");
    click(&mut harness, "수신자 보기");
    step_until(&mut harness, "the recipients", |h| {
        h.query_by_role_and_label(Role::Window, "수신자 — 3월 안내")
            .is_some()
            && shows(h, "김민준")
            && shows(h, "010-5555-6666")
            && count_of(h, "전달됨") == 2
    });
    assert!(shows(&harness, "1–2 / 전체 2명"));

    // A recipient left out says why.
    click(&mut harness, "내일 예약");
    click(&mut harness, "수신자 보기");
    step_until(&mut harness, "the cancelled send's recipient", |h| {
        h.query_by_role_and_label(Role::Window, "수신자 — 내일 예약")
            .is_some()
            && shows(h, "010-7777-8888")
            && shows(h, "제외: 발송 취소")
    });
}

#[test]
fn a_recipient_left_out_on_its_turn_says_why_in_the_windows_words() {
    let dir = DataDir::new();
    {
        let mut store = Store::open(&dir.database()).unwrap();
        store
            .create_sender_number(&NewSenderNumber {
                number: PhoneNumber::parse("1588-1234", Region::KOREA).unwrap(),
                label: "대표번호".to_owned(),
            })
            .unwrap();
        // A landline takes no text: left out when its turn comes.
        store_batch(
            &mut store,
            BatchKind::Free,
            "유선 포함",
            None,
            &[
                recipient("010-3333-4444", None),
                recipient("02-555-1234", None),
            ],
        );
    }
    let mut harness = window(&dir);
    open_menu(&mut harness, "고객관리(C)", "문자발송결과");
    step_until(&mut harness, "the send done", |h| {
        shows(h, "완료") && shows(h, "전달 1 ·")
    });
    assert!(harness.query_by_label("100%").is_some());
    click(&mut harness, "유선 포함");
    click(&mut harness, "수신자 보기");
    step_until(&mut harness, "the landline's reason", |h| {
        shows(h, "02-555-1234") && shows(h, "제외: 휴대전화 번호 아님")
    });
}
