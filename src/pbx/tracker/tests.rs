//! The tracker against every recorded Asterisk transcript, and against the
//! inputs a live link produces that the recordings do not: replays,
//! reconnects, lost and reordered events, floods of other agents' calls.

use std::path::Path;

use proptest::prelude::*;

use super::*;
use crate::pbx::ami::active_channel;
use crate::pbx::ami::recorded::{recorded as messages, recorded_events as events};

/// Event `i` arrives at second `i + 1`.
fn at(i: usize) -> Timestamp {
    Timestamp(1_000 * (i64::try_from(i).unwrap() + 1))
}

fn feed(tracker: &mut Tracker, events: &[ChannelEvent]) -> Vec<CallUpdate> {
    events
        .iter()
        .enumerate()
        .flat_map(|(i, event)| tracker.handle(at(i), event))
        .collect()
}

fn run(name: &str, extension: &str) -> Vec<CallUpdate> {
    feed(&mut Tracker::new(extension), &events(name))
}

/// What a test expects of one call's updates.
struct Expected {
    changes: &'static [CallChange],
    direction: Direction,
    number: &'static str,
    name: &'static str,
    line: &'static str,
    outcome: Outcome,
    cause: Option<u16>,
    cause_text: &'static str,
}

fn check(updates: &[CallUpdate], expected: &Expected) {
    let changes: Vec<CallChange> = updates.iter().map(|update| update.change).collect();
    assert_eq!(changes, expected.changes, "{updates:#?}");
    let linked_id = &updates[0].call.linked_id;
    for update in updates {
        let call = &update.call;
        assert_eq!(&call.linked_id, linked_id);
        assert_eq!(call.direction, expected.direction, "{update:#?}");
        assert_eq!(call.number, expected.number, "{update:#?}");
        assert_eq!(call.name, expected.name, "{update:#?}");
        assert_eq!(call.line, expected.line, "{update:#?}");
        assert_eq!(call.ringing_at, updates[0].call.ringing_at);
    }
    let last = &updates.last().unwrap().call;
    assert_eq!(last.outcome, Some(expected.outcome));
    assert_eq!(last.cause, expected.cause);
    assert_eq!(last.cause_text, expected.cause_text);
    assert_eq!(
        last.answered_at.is_some(),
        expected.changes.contains(&CallChange::Answered)
    );
    let ended_at = last.ended_at.unwrap();
    assert!(last.ringing_at <= last.answered_at.unwrap_or(ended_at));
    assert!(last.answered_at.unwrap_or(ended_at) <= ended_at);
    for update in &updates[..updates.len() - 1] {
        assert_eq!(update.call.outcome, None);
        assert_eq!(update.call.ended_at, None);
    }
}

const RING_ANSWER_END: &[CallChange] =
    &[CallChange::Ringing, CallChange::Answered, CallChange::Ended];
const RING_END: &[CallChange] = &[CallChange::Ringing, CallChange::Ended];

#[test]
fn inbound_answered() {
    let updates = run("inbound_answered", "1001");
    check(
        &updates,
        &Expected {
            changes: RING_ANSWER_END,
            direction: Direction::In,
            number: "01012345678",
            name: "Outside Caller",
            line: "0301234567",
            outcome: Outcome::Answered,
            cause: Some(16),
            cause_text: "Normal Clearing",
        },
    );
    assert_eq!(updates[0].call.linked_id, "1795432197.0");
    assert_eq!(updates[0].call.extension, "1001");
}

#[test]
fn inbound_busy() {
    check(
        &run("inbound_busy", "1001"),
        &Expected {
            changes: RING_END,
            direction: Direction::In,
            number: "01012345678",
            name: "Outside Caller",
            line: "0301234567",
            outcome: Outcome::Busy,
            cause: Some(17),
            cause_text: "User busy",
        },
    );
}

#[test]
fn inbound_missed() {
    check(
        &run("inbound_missed", "1001"),
        &Expected {
            changes: RING_END,
            direction: Direction::In,
            number: "01012345678",
            name: "Outside Caller",
            line: "0301234567",
            outcome: Outcome::Missed,
            cause: Some(127),
            cause_text: "Interworking, unspecified",
        },
    );
}

#[test]
fn inbound_noanswer() {
    check(
        &run("inbound_noanswer", "1001"),
        &Expected {
            changes: RING_END,
            direction: Direction::In,
            number: "01012345678",
            name: "Outside Caller",
            line: "0301234568",
            outcome: Outcome::NoAnswer,
            cause: Some(0),
            cause_text: "Unknown",
        },
    );
}

#[test]
fn inbound_queue_ringall_for_the_agent_who_answered() {
    check(
        &run("inbound_queue_ringall", "1001"),
        &Expected {
            changes: RING_ANSWER_END,
            direction: Direction::In,
            number: "01012345678",
            name: "Outside Caller",
            line: "0301234569",
            outcome: Outcome::Answered,
            cause: Some(16),
            cause_text: "Normal Clearing",
        },
    );
}

#[test]
fn inbound_queue_ringall_for_the_agent_who_did_not() {
    check(
        &run("inbound_queue_ringall", "1002"),
        &Expected {
            changes: RING_END,
            direction: Direction::In,
            number: "01012345678",
            name: "Outside Caller",
            line: "0301234569",
            outcome: Outcome::AnsweredElsewhere,
            cause: Some(26),
            cause_text: "Answered elsewhere",
        },
    );
}

#[test]
fn outbound_click_to_call() {
    let updates = run("outbound_click_to_call", "1001");
    // Until the PBX dials out there is no trunk yet.
    assert_eq!(updates[0].call.line, "");
    assert_eq!(updates[0].call.number, "0212345678");
    assert_eq!(updates[0].call.direction, Direction::Out);
    let mut dialled = updates.clone();
    dialled[0].call.line = "trunk".to_owned();
    check(
        &dialled,
        &Expected {
            changes: RING_ANSWER_END,
            direction: Direction::Out,
            number: "0212345678",
            name: "Click-to-call",
            line: "trunk",
            outcome: Outcome::Answered,
            cause: Some(16),
            cause_text: "Normal Clearing",
        },
    );
    // Answered is the customer picking up (the trunk leg going up), not the
    // agent's own phone.
    let events = events("outbound_click_to_call");
    let trunk_answer = events
        .iter()
        .position(|event| {
            matches!(event, ChannelEvent::StateChanged(info)
                if info.channel.starts_with("PJSIP/trunk") && info.state == ChannelState::Up)
        })
        .unwrap();
    assert_eq!(updates[1].call.answered_at, Some(at(trunk_answer)));
}

#[test]
fn outbound_click_to_call_busy() {
    check(
        &run("outbound_click_to_call_busy", "1001"),
        &Expected {
            changes: RING_END,
            direction: Direction::Out,
            number: "0212345678",
            name: "Click-to-call",
            line: "",
            outcome: Outcome::Failed,
            cause: Some(17),
            cause_text: "User busy",
        },
    );
}

#[test]
fn transcripts_without_calls_give_nothing() {
    for name in [
        "action_errors",
        "failed_login",
        "idle_keepalive",
        "status_during_call",
    ] {
        assert_eq!(run(name, "1001"), [], "{name}");
    }
}

#[test]
fn every_transcript_is_covered() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ami");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "action_errors",
            "failed_login",
            "idle_keepalive",
            "inbound_answered",
            "inbound_busy",
            "inbound_missed",
            "inbound_noanswer",
            "inbound_queue_ringall",
            "outbound_click_to_call",
            "outbound_click_to_call_busy",
            "status_during_call",
        ],
        "a new transcript needs its own test above"
    );
}

/// The calls of the agent at 1001 in all transcripts: (linked id, changes).
fn all_calls() -> Vec<ChannelEvent> {
    [
        "inbound_answered",
        "inbound_missed",
        "inbound_busy",
        "inbound_noanswer",
        "inbound_queue_ringall",
        "outbound_click_to_call",
        "outbound_click_to_call_busy",
    ]
    .into_iter()
    .flat_map(events)
    .collect()
}

#[test]
fn a_replay_gives_the_same_updates_and_a_repeat_gives_none() {
    let events = all_calls();
    let first = feed(&mut Tracker::new("1001"), &events);
    let second = feed(&mut Tracker::new("1001"), &events);
    assert_eq!(first, second);
    assert_eq!(
        first
            .iter()
            .filter(|update| update.change == CallChange::Ringing)
            .count(),
        7
    );
    // The same events again on one tracker (a PBX or proxy repeating
    // itself): those calls are over and stay over.
    let mut tracker = Tracker::new("1001");
    feed(&mut tracker, &events);
    assert_eq!(feed(&mut tracker, &events), []);
    assert_eq!(tracker.calls_held(), 0, "every call hung up");
}

#[test]
fn the_second_hangup_may_come_first() {
    let mut events = events("inbound_answered");
    let hangups: Vec<usize> = events
        .iter()
        .enumerate()
        .filter(|(_, event)| matches!(event, ChannelEvent::HungUp { .. }))
        .map(|(i, _)| i)
        .collect();
    events.swap(hangups[0], hangups[1]);
    let updates = feed(&mut Tracker::new("1001"), &events);
    assert_eq!(
        updates.iter().map(|u| u.change).collect::<Vec<_>>(),
        RING_ANSWER_END
    );
    // The agent's leg hung up first now: the call ends there.
    assert_eq!(updates[2].call.ended_at, Some(at(hangups[0])));
    assert_eq!(updates[2].call.outcome, Some(Outcome::Answered));
}

#[test]
fn dial_begin_before_ringing_rings_once() {
    let mut events = events("inbound_missed");
    let dial = events
        .iter()
        .position(|event| matches!(event, ChannelEvent::DialBegin { .. }))
        .unwrap();
    let ringing = events
        .iter()
        .position(|event| matches!(event, ChannelEvent::StateChanged(info) if info.state == ChannelState::Ringing))
        .unwrap();
    events.swap(dial, ringing);
    let updates = feed(&mut Tracker::new("1001"), &events);
    assert_eq!(
        updates.iter().map(|u| u.change).collect::<Vec<_>>(),
        RING_END
    );
    assert_eq!(updates[0].call.number, "01012345678");
}

#[test]
fn a_hangup_for_a_call_never_seen_is_ignored() {
    let events = events("inbound_answered");
    let hangups: Vec<ChannelEvent> = events
        .into_iter()
        .filter(|event| matches!(event, ChannelEvent::HungUp { .. }))
        .collect();
    let mut tracker = Tracker::new("1001");
    assert_eq!(feed(&mut tracker, &hangups), []);
    assert_eq!(tracker.calls_held(), 0);
}

#[test]
fn events_in_any_order_never_ring_twice() {
    let mut events = events("inbound_queue_ringall");
    events.reverse();
    let updates = feed(&mut Tracker::new("1001"), &events);
    assert!(
        updates
            .iter()
            .filter(|update| update.change == CallChange::Ringing)
            .count()
            <= 1
    );
}

/// The call of `inbound_answered` with the trunk's caller ID replaced.
fn with_caller(number: &str, name: &str) -> Vec<ChannelEvent> {
    let mut events = events("inbound_answered");
    let set = |info: &mut ChannelInfo| {
        if info.channel.starts_with("PJSIP/trunk") {
            info.caller = Party {
                number: number.to_owned(),
                name: name.to_owned(),
            };
        } else {
            info.connected = Party {
                number: number.to_owned(),
                name: name.to_owned(),
            };
        }
    };
    for event in &mut events {
        match event {
            ChannelEvent::Created(info)
            | ChannelEvent::StateChanged(info)
            | ChannelEvent::PartyChanged(info)
            | ChannelEvent::BridgeEnter { channel: info, .. }
            | ChannelEvent::BridgeLeave { channel: info, .. }
            | ChannelEvent::HungUp { channel: info, .. } => set(info),
            ChannelEvent::DialBegin { caller, dest, .. }
            | ChannelEvent::DialEnd { caller, dest, .. } => {
                set(dest);
                if let Some(caller) = caller {
                    set(caller);
                }
            }
            _ => {}
        }
    }
    events
}

#[rstest::rstest]
#[case("anonymous", "Anonymous", "", "")]
#[case("Unknown", "Unknown", "", "")]
#[case("", "", "", "")]
#[case("<unknown>", "<unknown>", "", "")]
#[case("9,01012345678", "홍길동", "9,01012345678", "홍길동")]
#[case("+821012345678", "", "+821012345678", "")]
fn caller_ids_as_given_or_empty(
    #[case] number: &str,
    #[case] name: &str,
    #[case] expected_number: &str,
    #[case] expected_name: &str,
) {
    let updates = feed(&mut Tracker::new("1001"), &with_caller(number, name));
    assert_eq!(
        updates.iter().map(|u| u.change).collect::<Vec<_>>(),
        RING_ANSWER_END
    );
    for update in &updates {
        assert_eq!(update.call.number, expected_number);
        assert_eq!(update.call.name, expected_name);
        assert_eq!(update.call.direction, Direction::In);
    }
}

#[test]
fn other_agents_calls_give_nothing() {
    for name in [
        "inbound_answered",
        "inbound_missed",
        "inbound_busy",
        "inbound_noanswer",
        "outbound_click_to_call",
        "outbound_click_to_call_busy",
    ] {
        let mut tracker = Tracker::new("1002");
        assert_eq!(feed(&mut tracker, &events(name)), [], "{name}");
        assert_eq!(tracker.calls_held(), 0, "{name}");
    }
    // 100 is a prefix of 1001: still someone else.
    assert_eq!(run("inbound_answered", "100"), []);
    assert_eq!(run("inbound_answered", ""), []);
}

#[test]
fn changing_the_extension_follows_open_calls_to_their_end() {
    let events = events("inbound_answered");
    let mut tracker = Tracker::new("1001");
    let ringing = events
        .iter()
        .position(|event| matches!(event, ChannelEvent::StateChanged(info) if info.state == ChannelState::Ringing))
        .unwrap();
    let mut updates = feed(&mut tracker, &events[..=ringing]);
    tracker.set_extension("1002");
    assert_eq!(tracker.extension(), "1002");
    updates.extend(
        events[ringing + 1..]
            .iter()
            .flat_map(|event| tracker.handle(at(99), event)),
    );
    assert_eq!(
        updates.iter().map(|u| u.change).collect::<Vec<_>>(),
        RING_ANSWER_END
    );
    assert_eq!(updates[2].call.extension, "1001");
}

/// The channels the PBX would list at this point of the events, the way
/// `CoreShowChannels` reports them.
fn snapshot(events: &[ChannelEvent]) -> Vec<ActiveChannel> {
    fn upsert(channels: &mut Vec<ActiveChannel>, info: &ChannelInfo, bridge: Option<&str>) {
        match channels
            .iter_mut()
            .find(|c| c.info.unique_id == info.unique_id)
        {
            Some(channel) => {
                channel.info = info.clone();
                if let Some(bridge) = bridge {
                    bridge.clone_into(&mut channel.bridge);
                }
            }
            None => channels.push(ActiveChannel {
                info: info.clone(),
                bridge: bridge.unwrap_or_default().to_owned(),
                seconds: 2,
            }),
        }
    }
    let mut channels: Vec<ActiveChannel> = Vec::new();
    for event in events {
        match event {
            ChannelEvent::Created(info)
            | ChannelEvent::StateChanged(info)
            | ChannelEvent::PartyChanged(info) => upsert(&mut channels, info, None),
            ChannelEvent::BridgeEnter { channel, bridge } => {
                upsert(&mut channels, channel, Some(bridge));
            }
            ChannelEvent::BridgeLeave { channel, .. } => upsert(&mut channels, channel, Some("")),
            ChannelEvent::HungUp { channel, .. } => {
                channels.retain(|c| c.info.unique_id != channel.unique_id);
            }
            _ => {}
        }
    }
    channels
}

#[test]
fn a_resync_mid_call_continues_without_a_second_ring() {
    let events = events("inbound_answered");
    let dial = events
        .iter()
        .position(|event| matches!(event, ChannelEvent::DialBegin { .. }))
        .unwrap();
    let mut tracker = Tracker::new("1001");
    let mut updates = feed(&mut tracker, &events[..=dial]);
    assert_eq!(updates.len(), 1);
    // The link drops here and comes back: nothing new to say.
    assert_eq!(tracker.resync(at(dial), &snapshot(&events[..=dial])), []);
    updates.extend(
        events
            .iter()
            .enumerate()
            .skip(dial + 1)
            .flat_map(|(i, event)| tracker.handle(at(i), event)),
    );
    check(
        &updates,
        &Expected {
            changes: RING_ANSWER_END,
            direction: Direction::In,
            number: "01012345678",
            name: "Outside Caller",
            line: "0301234567",
            outcome: Outcome::Answered,
            cause: Some(16),
            cause_text: "Normal Clearing",
        },
    );
}

#[test]
fn a_resync_after_the_answer_was_missed_reports_it() {
    let events = events("inbound_answered");
    let dial = events
        .iter()
        .position(|event| matches!(event, ChannelEvent::DialBegin { .. }))
        .unwrap();
    let bridged = events
        .iter()
        .rposition(|event| matches!(event, ChannelEvent::BridgeEnter { .. }))
        .unwrap();
    let mut tracker = Tracker::new("1001");
    feed(&mut tracker, &events[..=dial]);
    // Link down from the dial to after the answer.
    let updates = tracker.resync(Timestamp(50_000), &snapshot(&events[..=bridged]));
    assert_eq!(
        updates.iter().map(|u| u.change).collect::<Vec<_>>(),
        [CallChange::Answered]
    );
    assert_eq!(updates[0].call.answered_at, Some(Timestamp(50_000)));
    assert_eq!(tracker.open_calls().len(), 1);
}

#[test]
fn a_resync_where_the_call_vanished_ends_it() {
    let events = events("inbound_missed");
    let ringing = events
        .iter()
        .position(|event| matches!(event, ChannelEvent::StateChanged(info) if info.state == ChannelState::Ringing))
        .unwrap();
    let mut tracker = Tracker::new("1001");
    let mut updates = feed(&mut tracker, &events[..=ringing]);
    updates.extend(tracker.resync(Timestamp(60_000), &[]));
    check(
        &updates,
        &Expected {
            changes: RING_END,
            direction: Direction::In,
            number: "01012345678",
            name: "Outside Caller",
            line: "0301234567",
            outcome: Outcome::Missed,
            cause: None,
            cause_text: "",
        },
    );
    assert_eq!(updates[1].call.ended_at, Some(Timestamp(60_000)));
    assert_eq!(tracker.open_calls(), Vec::<&TrackedCall>::new());
    assert_eq!(tracker.calls_held(), 0);
    // The rest of the events, if they come after all, change nothing.
    assert_eq!(feed(&mut tracker, &events[ringing + 1..]), []);
}

#[test]
fn calls_first_seen_in_a_snapshot_are_reported_once() {
    // status_during_call lists the same inbound call twice: ringing, then up.
    let lists: Vec<Vec<ActiveChannel>> = {
        let mut lists = vec![Vec::new()];
        for message in messages("status_during_call") {
            if let Some(channel) = active_channel(&message) {
                lists.last_mut().unwrap().push(channel);
            } else if message.event() == Some("CoreShowChannelsComplete") {
                lists.push(Vec::new());
            }
        }
        lists.pop();
        lists
    };
    assert_eq!(lists.len(), 2);

    let mut tracker = Tracker::new("1001");
    let ringing = tracker.resync(Timestamp(10_000), &lists[0]);
    assert_eq!(ringing.len(), 1);
    let call = &ringing[0].call;
    assert_eq!(ringing[0].change, CallChange::Ringing);
    assert_eq!(call.linked_id, "1795432278.18");
    assert_eq!(call.direction, Direction::In);
    assert_eq!(call.number, "01012345678");
    assert_eq!(call.name, "Outside Caller");
    assert_eq!(call.line, "0301234567");
    assert_eq!(
        call.ringing_at,
        Timestamp(9_000),
        "the list's age of the call"
    );
    let answered = tracker.resync(Timestamp(12_000), &lists[1]);
    assert_eq!(
        answered.iter().map(|u| u.change).collect::<Vec<_>>(),
        [CallChange::Answered]
    );
    assert_eq!(tracker.resync(Timestamp(13_000), &lists[1]), []);
    let ended = tracker.resync(Timestamp(20_000), &[]);
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0].change, CallChange::Ended);
    assert_eq!(ended[0].call.outcome, Some(Outcome::Answered));
    assert_eq!(ended[0].call.cause, None);

    // Seen for the first time already answered: one Answered, no Ringing.
    let mut late = Tracker::new("1001");
    let updates = late.resync(Timestamp(12_000), &lists[1]);
    assert_eq!(
        updates.iter().map(|u| u.change).collect::<Vec<_>>(),
        [CallChange::Answered]
    );
    assert_eq!(updates[0].call.number, "01012345678");
    assert_eq!(updates[0].call.line, "0301234567");
    // The other agent sees nothing of it.
    assert_eq!(
        Tracker::new("1002").resync(Timestamp(12_000), &lists[1]),
        []
    );
}

#[test]
fn an_outgoing_call_first_seen_in_a_snapshot() {
    let events = events("outbound_click_to_call");
    let bridged = events
        .iter()
        .rposition(|event| matches!(event, ChannelEvent::BridgeEnter { .. }))
        .unwrap();
    let updates = Tracker::new("1001").resync(Timestamp(9_000), &snapshot(&events[..=bridged]));
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].change, CallChange::Answered);
    assert_eq!(updates[0].call.direction, Direction::Out);
    assert_eq!(updates[0].call.number, "0212345678");
    assert_eq!(updates[0].call.line, "trunk");
}

/// A call between two extensions, built from `inbound_answered` with the
/// trunk replaced by the phone at 1002 dialling 1001.
fn internal_call() -> Vec<ChannelEvent> {
    let mut events = events("inbound_answered");
    let rename = |info: &mut ChannelInfo| {
        if info.channel.starts_with("PJSIP/trunk") {
            info.channel = "PJSIP/1002-00000000".to_owned();
            info.caller = Party {
                number: "1002".to_owned(),
                name: "Agent Two".to_owned(),
            };
            info.exten = "1001".to_owned();
        }
    };
    for event in &mut events {
        match event {
            ChannelEvent::Created(info)
            | ChannelEvent::StateChanged(info)
            | ChannelEvent::PartyChanged(info)
            | ChannelEvent::BridgeEnter { channel: info, .. }
            | ChannelEvent::BridgeLeave { channel: info, .. }
            | ChannelEvent::HungUp { channel: info, .. } => rename(info),
            ChannelEvent::DialBegin { caller, dest, .. }
            | ChannelEvent::DialEnd { caller, dest, .. } => {
                rename(dest);
                if let Some(caller) = caller {
                    rename(caller);
                }
            }
            _ => {}
        }
    }
    events
}

#[test]
fn a_call_between_extensions_is_internal_both_ways() {
    let events = internal_call();
    let dialled = feed(&mut Tracker::new("1001"), &events);
    check(
        &dialled,
        &Expected {
            changes: RING_ANSWER_END,
            direction: Direction::Internal,
            number: "1002",
            name: "Agent Two",
            line: "",
            outcome: Outcome::Answered,
            cause: Some(16),
            cause_text: "Normal Clearing",
        },
    );
    let dialling = feed(&mut Tracker::new("1002"), &events);
    check(
        &dialling,
        &Expected {
            changes: RING_ANSWER_END,
            direction: Direction::Internal,
            number: "1001",
            name: "",
            line: "",
            outcome: Outcome::Answered,
            cause: Some(16),
            cause_text: "Normal Clearing",
        },
    );
}

/// `count` calls between a trunk and other agents' phones (extensions 2000
/// and up), renamed from the real `inbound_answered` events; every
/// `lose_every`-th call loses its hang-ups, as a dropped link would.
fn foreign_calls(
    count: usize,
    lose_every: usize,
) -> impl Iterator<Item = (Timestamp, ChannelEvent)> {
    let template = events("inbound_answered");
    (0..count).flat_map(move |n| {
        let linked_id = format!("1795500000.{n}");
        let agent_id = format!("1795500000.{n}a");
        let phone = format!("PJSIP/{}-{n:08x}", 2000 + n % 500);
        let trunk = format!("PJSIP/trunk-{n:08x}");
        let lose = lose_every > 0 && n % lose_every == 0;
        let rename = move |info: &mut ChannelInfo| {
            if info.channel.starts_with("PJSIP/trunk") {
                info.channel.clone_from(&trunk);
                info.unique_id.clone_from(&linked_id);
            } else {
                info.channel.clone_from(&phone);
                info.unique_id.clone_from(&agent_id);
            }
            info.linked_id.clone_from(&linked_id);
        };
        template
            .clone()
            .into_iter()
            .filter(move |event| !(lose && matches!(event, ChannelEvent::HungUp { .. })))
            .enumerate()
            .map(move |(i, mut event)| {
                match &mut event {
                    ChannelEvent::Created(info)
                    | ChannelEvent::StateChanged(info)
                    | ChannelEvent::PartyChanged(info)
                    | ChannelEvent::BridgeEnter { channel: info, .. }
                    | ChannelEvent::BridgeLeave { channel: info, .. }
                    | ChannelEvent::HungUp { channel: info, .. } => rename(info),
                    ChannelEvent::DialBegin { caller, dest, .. }
                    | ChannelEvent::DialEnd { caller, dest, .. } => {
                        rename(dest);
                        if let Some(caller) = caller {
                            rename(caller);
                        }
                    }
                    _ => {}
                }
                // 1,000 calls a minute: one starts every 60 ms.
                let millis = i64::try_from(n * 60 + i).unwrap();
                (Timestamp(millis), event)
            })
    })
}

#[test]
fn a_flood_of_other_agents_calls_stays_bounded() {
    let mut tracker = Tracker::new("1001");
    let mut most = 0;
    for (at, event) in foreign_calls(5_000, 0) {
        assert_eq!(tracker.handle(at, &event), []);
        most = most.max(tracker.calls_held());
    }
    assert_eq!(
        tracker.calls_held(),
        0,
        "every call hung up and was dropped"
    );
    assert!(most <= 2, "{most}");

    // Now with every hang-up lost: the cap holds.
    let mut tracker = Tracker::new("1001");
    for (at, event) in foreign_calls(MAX_GROUPS * 3 / 2, 1) {
        assert_eq!(tracker.handle(at, &event), []);
        assert!(tracker.calls_held() <= MAX_GROUPS);
    }
    assert!(
        tracker.calls_held() > 1000,
        "the lost ones are held a while"
    );
    // Four hours later the next call clears them.
    let later = Timestamp(i64::try_from(MAX_GROUPS * 3 / 2 * 60).unwrap() + MAX_IDLE_MILLIS + 1);
    for (_, event) in foreign_calls(MIN_PRUNE_AT + 1, 1) {
        tracker.handle(later, &event);
    }
    assert!(
        tracker.calls_held() <= MIN_PRUNE_AT + 1,
        "{}",
        tracker.calls_held()
    );
}

#[test]
fn the_agents_call_is_found_in_the_flood() {
    let mut tracker = Tracker::new("1001");
    let mut updates = Vec::new();
    let ours = events("inbound_queue_ringall");
    let mut ours = ours.iter();
    for (i, (at, event)) in foreign_calls(5_000, 7).enumerate() {
        updates.extend(tracker.handle(at, &event));
        if i % 50 == 0
            && let Some(event) = ours.next()
        {
            updates.extend(tracker.handle(at, event));
        }
    }
    assert_eq!(
        updates.iter().map(|u| u.change).collect::<Vec<_>>(),
        RING_ANSWER_END
    );
    assert_eq!(updates[2].call.outcome, Some(Outcome::Answered));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any order, any loss: never a panic, never a second ring or end, and
    /// Ended (when it comes) last.
    #[test]
    fn shuffled_and_lossy_events_keep_the_promises(
        seed in any::<u64>(),
        keep in 50u32..=100,
        extension in prop::sample::select(vec!["1001", "1002"]),
    ) {
        use rand::{RngExt as _, SeedableRng as _, seq::SliceRandom as _};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut events = all_calls();
        events.retain(|_| rng.random_range(0..100) < keep);
        // Swap neighbours: the reorderings a PBX really makes are local.
        for i in 1..events.len() {
            if rng.random_bool(0.3) {
                events.swap(i - 1, i);
            }
        }
        if rng.random_bool(0.1) {
            events.shuffle(&mut rng);
        }
        let mut tracker = Tracker::new(extension);
        let updates = feed(&mut tracker, &events);
        let mut by_call: HashMap<&str, Vec<CallChange>> = HashMap::new();
        for update in &updates {
            by_call.entry(&update.call.linked_id).or_default().push(update.change);
        }
        for changes in by_call.values() {
            prop_assert_eq!(changes[0], CallChange::Ringing);
            prop_assert_eq!(changes.iter().filter(|c| **c == CallChange::Ringing).count(), 1);
            prop_assert!(changes.iter().filter(|c| **c == CallChange::Answered).count() <= 1);
            prop_assert!(changes.iter().filter(|c| **c == CallChange::Ended).count() <= 1);
            if let Some(end) = changes.iter().position(|c| *c == CallChange::Ended) {
                prop_assert_eq!(end, changes.len() - 1);
            }
        }
    }
}
