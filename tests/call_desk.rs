//! Every recorded Asterisk call, end to end without a network: the real
//! bytes through the codec, the AMI event mapping, the tracker and the
//! caller lookup into the call log of a real database file.

use ringdesk::backend::{CallChange, CallDesk, Event};
use ringdesk::config::Settings;
use ringdesk::domain::{
    CallFilter, CustomerDraft, CustomerId, Direction, Outcome, PhoneDraft, Region, Timestamp,
};
use ringdesk::pbx::FeedEvent;
use ringdesk::pbx::ami::events::{active_channel, channel_event};
use ringdesk::store::{Page, Store};

use crate::support::DataDir;
use crate::support::ami_server::fixture_messages;

/// What one recorded call leaves behind for extension 1001.
struct Expected {
    fixture: &'static str,
    direction: Direction,
    number: &'static str,
    line: &'static str,
    outcome: Outcome,
    /// The customer the number belongs to.
    customer: Option<&'static str>,
    /// Whether a pop-up is offered (calls the agent did not make).
    pops: bool,
}

const CALLS: &[Expected] = &[
    Expected {
        fixture: "inbound_answered",
        direction: Direction::In,
        number: "01012345678",
        line: "0301234567",
        outcome: Outcome::Answered,
        customer: Some("홍길동"),
        pops: true,
    },
    Expected {
        fixture: "inbound_busy",
        direction: Direction::In,
        number: "01012345678",
        line: "0301234567",
        outcome: Outcome::Busy,
        customer: Some("홍길동"),
        pops: true,
    },
    Expected {
        fixture: "inbound_missed",
        direction: Direction::In,
        number: "01012345678",
        line: "0301234567",
        outcome: Outcome::Missed,
        customer: Some("홍길동"),
        pops: true,
    },
    Expected {
        fixture: "inbound_noanswer",
        direction: Direction::In,
        number: "01012345678",
        line: "0301234568",
        outcome: Outcome::NoAnswer,
        customer: Some("홍길동"),
        pops: true,
    },
    Expected {
        fixture: "inbound_queue_ringall",
        direction: Direction::In,
        number: "01012345678",
        line: "0301234569",
        outcome: Outcome::Answered,
        customer: Some("홍길동"),
        pops: true,
    },
    Expected {
        fixture: "outbound_click_to_call",
        direction: Direction::Out,
        number: "0212345678",
        // Outbound, the line is the trunk the call left by.
        line: "trunk",
        outcome: Outcome::Answered,
        customer: Some("한빛상사"),
        pops: false,
    },
];

fn book(dir: &DataDir) -> (Store, Vec<(CustomerId, &'static str)>) {
    let mut store = Store::open(&dir.database()).unwrap();
    let mut ids = Vec::new();
    for (name, number) in [("홍길동", "010-1234-5678"), ("한빛상사", "02-1234-5678")] {
        let draft = CustomerDraft {
            name: name.to_owned(),
            phones: vec![PhoneDraft {
                label: String::new(),
                number: number.to_owned(),
            }],
            ..CustomerDraft::default()
        };
        let id = store
            .create_customer(&draft.check(Region::KOREA, &[]).unwrap())
            .unwrap();
        ids.push((id, name));
    }
    (store, ids)
}

fn settings() -> Settings {
    let mut settings = Settings::default();
    "1001".clone_into(&mut settings.pbx.extension);
    settings
}

/// Feeds a transcript as the AMI feed would: events one by one, list
/// answers (`CoreShowChannel` … `CoreShowChannelsComplete`) as snapshots.
fn replay(desk: &mut CallDesk, fixture: &str) -> Vec<Event> {
    let mut events = Vec::new();
    let mut listing = Vec::new();
    for message in fixture_messages(fixture) {
        let at = Timestamp::now();
        match message.event() {
            Some("CoreShowChannel") => listing.extend(active_channel(&message)),
            Some("CoreShowChannelsComplete") => events.extend(desk.events(FeedEvent::Snapshot {
                at,
                channels: std::mem::take(&mut listing),
            })),
            _ => {
                if let Some(event) = channel_event(&message) {
                    events.extend(desk.events(FeedEvent::Channel { at, event }));
                }
            }
        }
    }
    events
}

fn all_calls(store: &Store) -> Vec<ringdesk::domain::Call> {
    store
        .calls_where(
            &CallFilter::period(Timestamp(0), Timestamp(i64::MAX)),
            Page::first(100),
        )
        .unwrap()
}

#[test]
fn every_recorded_call_lands_in_the_call_log_once() {
    for expected in CALLS {
        let dir = DataDir::new();
        let (store, ids) = book(&dir);
        let mut desk = CallDesk::new(Store::open(&dir.database()).unwrap(), &settings());
        let events = replay(&mut desk, expected.fixture);
        let name = expected.fixture;

        let changes: Vec<CallChange> = events
            .iter()
            .filter_map(|event| match event {
                Event::CallChanged { change, .. } => Some(*change),
                _ => None,
            })
            .collect();
        assert_eq!(
            changes.first(),
            Some(&CallChange::Ringing),
            "{name}: {changes:?}"
        );
        assert_eq!(
            changes.last(),
            Some(&CallChange::Ended),
            "{name}: {changes:?}"
        );
        assert_eq!(
            changes
                .iter()
                .filter(|change| **change == CallChange::Ringing)
                .count(),
            1,
            "{name}: one call, one ringing: {changes:?}"
        );
        let popups: Vec<_> = events
            .iter()
            .filter_map(|event| match event {
                Event::CallRinging(popup) => Some(popup),
                _ => None,
            })
            .collect();
        assert_eq!(
            popups.len(),
            usize::from(expected.pops),
            "{name}: one pop-up"
        );
        if let Some(popup) = popups.first() {
            assert_eq!(
                popup
                    .matches
                    .iter()
                    .map(|m| m.customer.name.as_str())
                    .collect::<Vec<_>>(),
                expected.customer.into_iter().collect::<Vec<_>>(),
                "{name}"
            );
        }

        let calls = all_calls(&store);
        assert_eq!(calls.len(), 1, "{name}: {calls:?}");
        let call = &calls[0];
        assert_eq!(call.direction, expected.direction, "{name}");
        assert_eq!(call.number_raw, expected.number, "{name}");
        assert_eq!(call.line, expected.line, "{name}");
        assert_eq!(call.outcome, Some(expected.outcome), "{name}: {call:?}");
        assert_eq!(call.extension, "1001", "{name}");
        assert!(call.ended_at.is_some(), "{name}");
        assert_eq!(
            call.answered_at.is_some(),
            expected.outcome == Outcome::Answered,
            "{name}"
        );
        let customer = ids
            .iter()
            .find(|(_, customer)| Some(*customer) == expected.customer)
            .map(|(id, _)| *id);
        assert_eq!(call.customer_id, customer, "{name}");

        // The same events again (a reconnect replaying, a second window):
        // still one row.
        let mut again = CallDesk::new(Store::open(&dir.database()).unwrap(), &settings());
        replay(&mut again, expected.fixture);
        assert_eq!(all_calls(&store).len(), 1, "{name}: replayed");
    }
}

#[test]
fn another_agents_calls_leave_nothing() {
    let dir = DataDir::new();
    let (store, _) = book(&dir);
    let mut settings = settings();
    "1009".clone_into(&mut settings.pbx.extension);
    let mut desk = CallDesk::new(Store::open(&dir.database()).unwrap(), &settings);
    for expected in CALLS {
        let events = replay(&mut desk, expected.fixture);
        assert!(
            !events
                .iter()
                .any(|event| matches!(event, Event::CallChanged { .. } | Event::CallRinging(_))),
            "{}",
            expected.fixture
        );
    }
    assert!(all_calls(&store).is_empty());
}

#[test]
fn a_colleague_who_answered_leaves_an_answered_elsewhere_call() {
    let dir = DataDir::new();
    let (store, _) = book(&dir);
    let mut settings = settings();
    "1002".clone_into(&mut settings.pbx.extension);
    let mut desk = CallDesk::new(Store::open(&dir.database()).unwrap(), &settings);
    replay(&mut desk, "inbound_queue_ringall");
    let calls = all_calls(&store);
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].outcome, Some(Outcome::AnsweredElsewhere));
    assert_eq!(calls[0].extension, "1002");
}

#[test]
fn a_call_found_in_the_list_of_channels_is_logged() {
    let dir = DataDir::new();
    let (store, _) = book(&dir);
    let mut desk = CallDesk::new(Store::open(&dir.database()).unwrap(), &settings());
    let events = replay(&mut desk, "status_during_call");
    assert!(
        events.iter().any(|event| matches!(
            event,
            Event::CallChanged {
                change: CallChange::Ringing | CallChange::Answered,
                ..
            }
        )),
        "{events:?}"
    );
    let calls = all_calls(&store);
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].direction, Direction::In);
}
