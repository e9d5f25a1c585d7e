//! Asterisk's AMI events in ringdesk's PBX-neutral words: a [`Message`] in,
//! a [`ChannelEvent`] (or, for a `CoreShowChannel` list item, an
//! [`ActiveChannel`]) out. Pure: no I/O, no state.
//!
//! Events that carry two channels (`DialBegin`, `DialEnd`, `AgentCalled`,
//! `AgentConnect`) give the first one's fields unprefixed (`Channel`,
//! `Uniqueid`, `CallerIDNum`…) and the second one's with `Dest`
//! (`DestChannel`, `DestUniqueid`…). An `Originate`'s first `DialBegin` has
//! only `Dest` fields: the PBX itself dials, so there is no caller.
//! Asterisk writes `<unknown>` for a missing caller ID; it becomes "".
//!
//! Every event on the link passes through here, other agents' traffic
//! included, so each message is read in one pass over its pairs.

use super::message::Message;
use crate::pbx::channel::{
    ActiveChannel, ChannelEvent, ChannelInfo, ChannelState, DialStatus, Party,
};

/// Asterisk's word for a caller ID it does not have.
const UNKNOWN: &str = "<unknown>";

/// The channel event an AMI event stands for, or `None` for an event the
/// tracker does not use (`VarSet`, `Newexten`, `Cdr`…), a response, or an
/// event missing the channel it is about.
#[must_use]
pub fn channel_event(message: &Message) -> Option<ChannelEvent> {
    let kind = Kind::of(message.event()?)?;
    let fields = Fields::read(message);
    let event = match kind {
        Kind::Created => ChannelEvent::Created(fields.main.info()?),
        Kind::StateChanged => ChannelEvent::StateChanged(fields.main.info()?),
        Kind::PartyChanged => ChannelEvent::PartyChanged(fields.main.info()?),
        Kind::DialBegin => ChannelEvent::DialBegin {
            caller: fields.main.info(),
            dest: fields.dest.info()?,
            dial_string: fields.dial_string.to_owned(),
        },
        Kind::DialEnd => ChannelEvent::DialEnd {
            caller: fields.main.info(),
            dest: fields.dest.info()?,
            status: DialStatus::from_name(fields.dial_status),
        },
        Kind::BridgeEnter => ChannelEvent::BridgeEnter {
            channel: fields.main.info()?,
            bridge: fields.bridge.to_owned(),
        },
        Kind::BridgeLeave => ChannelEvent::BridgeLeave {
            channel: fields.main.info()?,
            bridge: fields.bridge.to_owned(),
        },
        Kind::HungUp => ChannelEvent::HungUp {
            channel: fields.main.info()?,
            cause: fields.cause.trim().parse().unwrap_or(0),
            cause_text: fields.cause_text.to_owned(),
        },
        Kind::AgentCalled => ChannelEvent::AgentCalled {
            caller: fields.main.info().unwrap_or_default(),
            member: fields.dest.info()?,
            queue: fields.queue.to_owned(),
            interface: fields.interface.to_owned(),
        },
        Kind::AgentConnected => ChannelEvent::AgentConnected {
            caller: fields.main.info().unwrap_or_default(),
            member: fields.dest.info()?,
            queue: fields.queue.to_owned(),
            interface: fields.interface.to_owned(),
        },
        Kind::QueueAbandoned => ChannelEvent::QueueAbandoned {
            caller: fields.main.info()?,
            queue: fields.queue.to_owned(),
        },
    };
    Some(event)
}

/// The channel a `CoreShowChannel` list item describes, or `None` for any
/// other message.
#[must_use]
pub fn active_channel(message: &Message) -> Option<ActiveChannel> {
    if message.event() != Some("CoreShowChannel") {
        return None;
    }
    let fields = Fields::read(message);
    Some(ActiveChannel {
        info: fields.main.info()?,
        bridge: fields.bridge_id.to_owned(),
        seconds: duration_secs(fields.duration),
    })
}

/// `HH:MM:SS` (hours may pass 99) as seconds; 0 when unreadable.
fn duration_secs(text: &str) -> u64 {
    let mut seconds: u64 = 0;
    for part in text.trim().split(':') {
        let Ok(value) = part.parse::<u64>() else {
            return 0;
        };
        seconds = seconds.saturating_mul(60).saturating_add(value);
    }
    seconds
}

/// The events this module maps.
#[derive(Clone, Copy)]
enum Kind {
    Created,
    StateChanged,
    PartyChanged,
    DialBegin,
    DialEnd,
    BridgeEnter,
    BridgeLeave,
    HungUp,
    AgentCalled,
    AgentConnected,
    QueueAbandoned,
}

impl Kind {
    fn of(event: &str) -> Option<Self> {
        Some(match event {
            "Newchannel" => Self::Created,
            "Newstate" => Self::StateChanged,
            "NewCallerid" | "NewConnectedLine" => Self::PartyChanged,
            "DialBegin" => Self::DialBegin,
            "DialEnd" => Self::DialEnd,
            "BridgeEnter" => Self::BridgeEnter,
            "BridgeLeave" => Self::BridgeLeave,
            "Hangup" => Self::HungUp,
            "AgentCalled" => Self::AgentCalled,
            "AgentConnect" => Self::AgentConnected,
            "QueueCallerAbandon" => Self::QueueAbandoned,
            _ => return None,
        })
    }
}

/// One channel's fields as they appear in the message.
#[derive(Default)]
struct ChannelFields<'a> {
    channel: &'a str,
    unique_id: &'a str,
    linked_id: &'a str,
    state: Option<&'a str>,
    caller_number: &'a str,
    caller_name: &'a str,
    connected_number: &'a str,
    connected_name: &'a str,
    exten: &'a str,
    context: &'a str,
}

impl ChannelFields<'_> {
    /// Stores `value` when `name` (without any `Dest` prefix) is a channel field.
    /// Keys are matched without regard to ASCII case, as AMI allows; the
    /// length check first keeps this cheap for the many other keys.
    fn set<'m>(this: &mut ChannelFields<'m>, name: &str, value: &'m str) -> bool {
        let slot = match name.len() {
            5 if name.eq_ignore_ascii_case("Exten") => &mut this.exten,
            7 if name.eq_ignore_ascii_case("Channel") => &mut this.channel,
            7 if name.eq_ignore_ascii_case("Context") => &mut this.context,
            8 if name.eq_ignore_ascii_case("Uniqueid") => &mut this.unique_id,
            8 if name.eq_ignore_ascii_case("Linkedid") => &mut this.linked_id,
            11 if name.eq_ignore_ascii_case("CallerIDNum") => &mut this.caller_number,
            12 if name.eq_ignore_ascii_case("CallerIDName") => &mut this.caller_name,
            12 if name.eq_ignore_ascii_case("ChannelState") => {
                this.state = Some(value);
                return true;
            }
            16 if name.eq_ignore_ascii_case("ConnectedLineNum") => &mut this.connected_number,
            17 if name.eq_ignore_ascii_case("ConnectedLineName") => &mut this.connected_name,
            _ => return false,
        };
        *slot = value;
        true
    }

    /// The channel, or `None` when the message does not name one.
    fn info(&self) -> Option<ChannelInfo> {
        if self.channel.is_empty() {
            return None;
        }
        Some(ChannelInfo {
            channel: self.channel.to_owned(),
            unique_id: self.unique_id.to_owned(),
            linked_id: self.linked_id.to_owned(),
            state: self.state.map_or(ChannelState::default(), |code| {
                code.trim()
                    .parse()
                    .map_or(ChannelState::Other, ChannelState::from_code)
            }),
            caller: party(self.caller_number, self.caller_name),
            connected: party(self.connected_number, self.connected_name),
            exten: self.exten.to_owned(),
            context: self.context.to_owned(),
        })
    }
}

fn party(number: &str, name: &str) -> Party {
    let known = |text: &str| if text == UNKNOWN { "" } else { text }.to_owned();
    Party {
        number: known(number),
        name: known(name),
    }
}

/// Everything this module reads from one message.
#[derive(Default)]
struct Fields<'a> {
    main: ChannelFields<'a>,
    dest: ChannelFields<'a>,
    dial_string: &'a str,
    dial_status: &'a str,
    cause: &'a str,
    cause_text: &'a str,
    bridge: &'a str,
    bridge_id: &'a str,
    queue: &'a str,
    interface: &'a str,
    duration: &'a str,
}

impl<'a> Fields<'a> {
    fn read(message: &'a Message) -> Self {
        let mut fields = Self::default();
        for (key, value) in message.pairs() {
            if ChannelFields::set(&mut fields.main, key, value) {
                continue;
            }
            if let Some(name) = key.get(..4).filter(|p| p.eq_ignore_ascii_case("Dest"))
                && let Some(rest) = key.get(name.len()..)
                && ChannelFields::set(&mut fields.dest, rest, value)
            {
                continue;
            }
            let slot = match key.len() {
                5 if key.eq_ignore_ascii_case("Cause") => &mut fields.cause,
                5 if key.eq_ignore_ascii_case("Queue") => &mut fields.queue,
                8 if key.eq_ignore_ascii_case("BridgeId") => &mut fields.bridge_id,
                8 if key.eq_ignore_ascii_case("Duration") => &mut fields.duration,
                9 if key.eq_ignore_ascii_case("Cause-txt") => &mut fields.cause_text,
                9 if key.eq_ignore_ascii_case("Interface") => &mut fields.interface,
                10 if key.eq_ignore_ascii_case("DialString") => &mut fields.dial_string,
                10 if key.eq_ignore_ascii_case("DialStatus") => &mut fields.dial_status,
                14 if key.eq_ignore_ascii_case("BridgeUniqueid") => &mut fields.bridge,
                _ => continue,
            };
            *slot = value;
        }
        fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pbx::ami::recorded::{recorded as fixture, recorded_events as events};

    #[test]
    fn inbound_dial_begin_has_the_trunk_as_caller_and_the_phone_as_dest() {
        let events = events("inbound_answered");
        let Some(ChannelEvent::DialBegin {
            caller: Some(caller),
            dest,
            dial_string,
        }) = events
            .iter()
            .find(|event| matches!(event, ChannelEvent::DialBegin { .. }))
        else {
            panic!("{events:?}")
        };
        assert_eq!(caller.channel, "PJSIP/trunk-00000000");
        assert_eq!(caller.unique_id, "1795432197.0");
        assert_eq!(caller.linked_id, "1795432197.0");
        assert_eq!(caller.state, ChannelState::Ring);
        assert_eq!(
            caller.caller,
            Party {
                number: "01012345678".to_owned(),
                name: "Outside Caller".to_owned()
            }
        );
        assert_eq!(
            caller.connected,
            Party::default(),
            "<unknown> becomes empty"
        );
        assert_eq!(caller.exten, "0301234567");
        assert_eq!(caller.context, "from-trunk");
        assert_eq!(dest.channel, "PJSIP/1001-00000001");
        assert_eq!(dest.unique_id, "1795432197.1");
        assert_eq!(dest.linked_id, "1795432197.0");
        assert_eq!(dest.state, ChannelState::Ringing);
        assert_eq!(dest.caller.number, "1001");
        assert_eq!(dest.connected.number, "01012345678");
        assert_eq!(dest.exten, "0301234567");
        assert_eq!(dial_string, "1001");
    }

    #[test]
    fn an_originate_dials_without_a_caller() {
        let events = events("outbound_click_to_call");
        let first_dial = events
            .iter()
            .find(|event| matches!(event, ChannelEvent::DialBegin { .. }));
        let Some(ChannelEvent::DialBegin {
            caller: None, dest, ..
        }) = first_dial
        else {
            panic!("{first_dial:?}")
        };
        assert_eq!(dest.channel, "PJSIP/1001-0000000b");
        assert_eq!(dest.connected.number, "0212345678");
        assert!(events.iter().any(|event| matches!(
            event,
            ChannelEvent::DialEnd { caller: Some(caller), dest, status: DialStatus::Answer }
                if caller.channel == "PJSIP/1001-0000000b" && dest.channel == "PJSIP/trunk-0000000c"
        )));
    }

    #[test]
    fn hangups_carry_their_cause() {
        let causes: Vec<(String, u16, String)> = events("inbound_noanswer")
            .into_iter()
            .filter_map(|event| match event {
                ChannelEvent::HungUp {
                    channel,
                    cause,
                    cause_text,
                } => Some((channel.channel, cause, cause_text)),
                _ => None,
            })
            .collect();
        assert_eq!(
            causes,
            [
                ("PJSIP/1001-00000007".to_owned(), 0, "Unknown".to_owned()),
                (
                    "PJSIP/trunk-00000006".to_owned(),
                    16,
                    "Normal Clearing".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn queue_events_name_the_member_and_the_queue() {
        let events = events("inbound_queue_ringall");
        let called: Vec<_> = events
            .iter()
            .filter_map(|event| match event {
                ChannelEvent::AgentCalled {
                    caller,
                    member,
                    queue,
                    interface,
                } => Some((
                    caller.channel.as_str(),
                    member.channel.as_str(),
                    queue.as_str(),
                    interface.as_str(),
                )),
                _ => None,
            })
            .collect();
        assert_eq!(
            called,
            [
                (
                    "PJSIP/trunk-00000008",
                    "Local/1002@agents-00000000;1",
                    "support",
                    "Local/1002@agents/n"
                ),
                (
                    "PJSIP/trunk-00000008",
                    "Local/1001@agents-00000001;1",
                    "support",
                    "Local/1001@agents/n"
                ),
            ]
        );
        assert!(events.iter().any(|event| matches!(
            event,
            ChannelEvent::AgentConnected { member, .. } if member.channel == "Local/1001@agents-00000001;1"
        )));
        assert!(events.iter().any(|event| matches!(
            event,
            ChannelEvent::DialEnd { dest, status: DialStatus::Cancel, .. } if dest.channel == "PJSIP/1002-0000000a"
        )));
        assert!(events.iter().any(|event| matches!(
            event,
            ChannelEvent::HungUp { channel, cause: 26, cause_text } if channel.channel == "PJSIP/1002-0000000a" && cause_text == "Answered elsewhere"
        )));
    }

    #[test]
    fn every_kind_is_mapped_and_noise_is_not() {
        let mut names = std::collections::BTreeSet::new();
        for message in fixture("inbound_queue_ringall")
            .iter()
            .chain(&fixture("inbound_answered"))
        {
            let mapped = channel_event(message);
            let event = message.event().unwrap_or_default();
            let expected = Kind::of(event).is_some();
            assert_eq!(mapped.is_some(), expected, "{message:?}");
            if let Some(mapped) = mapped {
                names.insert(
                    format!("{mapped:?}")
                        .split(['(', ' '])
                        .next()
                        .unwrap()
                        .to_owned(),
                );
            }
        }
        assert_eq!(
            names.into_iter().collect::<Vec<_>>(),
            [
                "AgentCalled",
                "AgentConnected",
                "BridgeEnter",
                "BridgeLeave",
                "Created",
                "DialBegin",
                "DialEnd",
                "HungUp",
                "PartyChanged",
                "StateChanged"
            ]
        );
    }

    #[test]
    fn a_queue_caller_who_gives_up() {
        let message = Message::from_pairs([
            ("Event", "QueueCallerAbandon"),
            ("Channel", "PJSIP/trunk-00000010"),
            ("CallerIDNum", "anonymous"),
            ("CallerIDName", "<unknown>"),
            ("Uniqueid", "1.1"),
            ("Linkedid", "1.1"),
            ("Queue", "support"),
            ("Position", "1"),
        ]);
        let Some(ChannelEvent::QueueAbandoned { caller, queue }) = channel_event(&message) else {
            panic!()
        };
        assert_eq!(caller.caller.number, "anonymous");
        assert_eq!(caller.caller.name, "");
        assert_eq!(queue, "support");
    }

    #[test]
    fn events_without_their_channel_are_dropped() {
        let message = Message::from_pairs([("Event", "Hangup"), ("Cause", "16")]);
        assert_eq!(channel_event(&message), None);
        let message = Message::from_pairs([("Event", "DialBegin"), ("Channel", "PJSIP/1-1")]);
        assert_eq!(channel_event(&message), None);
        let message = Message::from_pairs([("Response", "Success"), ("Channel", "PJSIP/1-1")]);
        assert_eq!(channel_event(&message), None);
    }

    #[test]
    fn core_show_channel_lists_bridge_and_age() {
        let channels: Vec<ActiveChannel> = fixture("status_during_call")
            .iter()
            .filter_map(active_channel)
            .collect();
        assert_eq!(channels.len(), 4);
        let last = &channels[3];
        assert_eq!(last.info.channel, "PJSIP/1001-0000000f");
        assert_eq!(last.info.state, ChannelState::Up);
        assert_eq!(last.info.linked_id, "1795432278.18");
        assert_eq!(last.info.connected.number, "01012345678");
        assert_eq!(last.bridge, "b0594175-a6b0-4bc2-9fdb-574417f7ac91");
        assert_eq!(last.seconds, 3);
        assert_eq!(channels[1].bridge, "");
        assert_eq!(channels[1].info.state, ChannelState::Ringing);
        assert!(
            fixture("status_during_call")
                .iter()
                .all(|message| channel_event(message).is_none()),
            "list items are not live events"
        );
    }

    #[test]
    fn durations() {
        assert_eq!(duration_secs("00:00:03"), 3);
        assert_eq!(duration_secs("01:02:03"), 3723);
        assert_eq!(duration_secs("123:00:00"), 442_800);
        assert_eq!(duration_secs(""), 0);
        assert_eq!(duration_secs("1:x:3"), 0);
    }
}
