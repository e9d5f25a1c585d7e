//! This agent's calls, from the channel events of the whole PBX. Pure: no
//! I/O, no clock (every event comes with the time it arrived).
//!
//! A call is every channel that shares a `linked_id`: the trunk leg, the
//! agent's phone, queue members' `Local/…;1` and `;2` legs. A call concerns
//! the agent as soon as one of its channels belongs to the agent's extension
//! ([`endpoint::belongs_to`]), whatever the technology. For each such call
//! the tracker reports exactly one [`CallChange::Ringing`], at most one
//! [`CallChange::Answered`] and exactly one [`CallChange::Ended`], however
//! many of the agent's devices a ring group or queue rings, and whichever
//! order the PBX sends the legs' events in. Once ended, a call stays ended:
//! later events for its `linked_id` (a queue ringing the agent again) are
//! ignored.
//!
//! # Direction
//!
//! * Outgoing when the agent's own channel started the call (its Uniqueid
//!   is the Linkedid), or when the PBX itself rang the agent's phone first
//!   (click-to-call: a `DialBegin` without a caller).
//! * Incoming otherwise: another channel dialled the agent (a trunk, a
//!   queue, a colleague).
//! * Either way the call is [`Direction::Internal`] when the other party's
//!   channel belongs to an endpoint named like an extension (2 to 6 digits,
//!   [`endpoint::looks_like_extension`]: `PJSIP/1002-…`), and
//!   [`Direction::In`] / [`Direction::Out`] when it is a trunk
//!   (`PJSIP/trunk-…`). Without a channel for the other party, a number of
//!   2 to 6 digits counts as an extension.
//!
//! # The other party
//!
//! * Incoming: the caller ID of the call's first channel (the trunk leg),
//!   else of the channel that dialled the agent, else the connected line on
//!   the agent's phone (where Asterisk puts the outside number: the phone's
//!   own caller ID is the agent's extension, and a `Local/…;1` leg first
//!   carries the DID). The line is the DID: the trunk leg's extension when
//!   it was created.
//! * Outgoing: the number dialled (the dialplan extension of the agent's
//!   channel when it dials out), the line the trunk's endpoint. Until the
//!   PBX dials out (click-to-call rings the agent first), the number and
//!   name click-to-call put on the agent's phone.
//! * "anonymous", "unknown", `<unknown>` and the like become "".
//!
//! # Outcome
//!
//! Answered when the agent's side answered an incoming call (the agent's
//! phone went up, a dial to one of the agent's channels was answered, the
//! queue connected the agent, or the agent's channel entered a bridge), or
//! the other side answered an outgoing one. Otherwise, for an incoming call:
//! [`Outcome::AnsweredElsewhere`] on hang-up cause 26 (queue ring-all, ring
//! group), then the dial status: CANCEL [`Outcome::Missed`] (the caller gave
//! up), BUSY [`Outcome::Busy`], NOANSWER [`Outcome::NoAnswer`], CONGESTION or
//! CHANUNAVAIL [`Outcome::Failed`]; without one, the hang-up cause (17 busy,
//! 18/19 no answer, 0/16/31/127 missed, others failed). For an outgoing call
//! that never dialled out (click-to-call where the agent's phone was busy
//! or did not answer): [`Outcome::Failed`]; else BUSY busy, NOANSWER or
//! CANCEL no answer, others failed. The cause reported is the one on the
//! agent's phone channel (a local leg's when there is no phone channel).
//!
//! # Memory
//!
//! Other agents' calls arrive on the same link, up to thousands a minute on
//! a big PBX. For those the tracker keeps one small record per `linked_id`
//! (a channel count, the first channel's caller ID and DID, in case the call
//! later rings this agent), creates it only on `Newchannel`, drops it when
//! its last channel hangs up, and prunes records idle for hours or beyond a
//! fixed number, so memory stays bounded whatever is lost on the link.

use std::collections::{HashMap, VecDeque};

use serde::Serialize;

use super::channel::{ActiveChannel, ChannelEvent, ChannelInfo, ChannelState, DialStatus, Party};
use super::endpoint;
use crate::domain::{Direction, Outcome, Timestamp};

/// Calls held at most; beyond this the records idle longest are dropped.
/// A PBX carrying 1,000 calls a minute of three minutes each has about
/// 3,000 calls up at once.
const MAX_GROUPS: usize = 20_000;
/// Prune when this many calls are held, at least (the scan is amortised
/// over the calls added since the last one).
const MIN_PRUNE_AT: usize = 1_024;
/// A call without any event for this long is forgotten (its hang-up was
/// lost): four hours, in milliseconds.
const MAX_IDLE_MILLIS: i64 = 4 * 60 * 60 * 1000;
/// Look for idle calls at least this often (15 minutes), however few are held.
const PRUNE_EVERY_MILLIS: i64 = 15 * 60 * 1000;
/// How many ended calls of the agent are remembered, so a late or repeated
/// event does not open them again.
const CLOSED_KEPT: usize = 256;

/// What changed about a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CallChange {
    /// The call started ringing (the pop-up); once per call.
    Ringing,
    /// The call was answered; at most once.
    Answered,
    /// The call is over; once per call, last.
    Ended,
}

/// One of the agent's calls as far as it is known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackedCall {
    /// The PBX's id for the call (Asterisk's Linkedid).
    pub linked_id: String,
    /// The agent's extension.
    pub extension: String,
    /// Which way it goes.
    pub direction: Direction,
    /// The other party's number as the PBX gave it (trunk prefix and all);
    /// "" when anonymous or unknown.
    pub number: String,
    /// The other party's caller ID name; "" when unknown.
    pub name: String,
    /// Incoming: the DID called. Outgoing: the trunk's endpoint. "" when
    /// unknown or internal.
    pub line: String,
    /// When it started ringing (or was first seen).
    pub ringing_at: Timestamp,
    /// When it was answered.
    pub answered_at: Option<Timestamp>,
    /// When it ended.
    pub ended_at: Option<Timestamp>,
    /// How it ended, once it has.
    pub outcome: Option<Outcome>,
    /// The Q.850 hang-up cause on the agent's channel (16 normal, 17 busy,
    /// 26 answered elsewhere…); `None` while up or when not known.
    pub cause: Option<u16>,
    /// The PBX's text for `cause`.
    pub cause_text: String,
}

/// A change to one of the agent's calls, with the call as it now stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallUpdate {
    /// What changed.
    pub change: CallChange,
    /// The call after the change.
    pub call: TrackedCall,
}

/// Turns channel events into this agent's calls; see the module doc.
#[derive(Debug)]
pub struct Tracker {
    extension: String,
    groups: HashMap<String, Group>,
    /// Linked ids of the agent's calls that ended, oldest first.
    closed: VecDeque<String>,
    /// Prune when `groups` reaches this many…
    prune_at: usize,
    /// …or when a call is added this long after the last time.
    pruned_at: Timestamp,
}

/// What is kept about one `linked_id`.
#[derive(Debug)]
struct Group {
    last_seen: Timestamp,
    /// Channels created and not yet hung up, as far as seen.
    live: u32,
    /// The channel that started the call.
    origin: Option<Origin>,
    /// Present once a channel of the agent's is part of the call.
    ours: Option<Box<OurCall>>,
}

/// The channel whose Uniqueid is the Linkedid: for an incoming call the
/// trunk leg, with the caller's number and the DID.
#[derive(Debug, Clone)]
struct Origin {
    channel: String,
    caller: Party,
    /// Its dialplan extension when created: the DID on a trunk.
    did: String,
}

impl Origin {
    fn from_info(info: &ChannelInfo) -> Self {
        Self {
            channel: info.channel.clone(),
            caller: info.caller.clone(),
            did: meaningful_exten(&info.exten).to_owned(),
        }
    }
}

impl Tracker {
    /// A tracker for the agent at `extension` (e.g. `1001`); "" tracks nothing.
    #[must_use]
    pub fn new(extension: &str) -> Self {
        Self {
            extension: extension.trim().to_owned(),
            groups: HashMap::new(),
            closed: VecDeque::new(),
            prune_at: MIN_PRUNE_AT,
            pruned_at: Timestamp(0),
        }
    }

    /// The extension whose calls are tracked.
    #[must_use]
    pub fn extension(&self) -> &str {
        &self.extension
    }

    /// Tracks `extension` from now on. Calls already open for the previous
    /// extension are still followed to their end; calls already up for the
    /// new one are found at the next [`Tracker::resync`].
    pub fn set_extension(&mut self, extension: &str) {
        extension.trim().clone_into(&mut self.extension);
    }

    /// The agent's calls that rang and have not ended, oldest first.
    #[must_use]
    pub fn open_calls(&self) -> Vec<&TrackedCall> {
        let mut calls: Vec<&TrackedCall> = self
            .groups
            .values()
            .filter_map(|group| group.ours.as_deref())
            .filter(|ours| ours.phase == Phase::Open)
            .map(|ours| &ours.call)
            .collect();
        calls.sort_by(|a, b| (a.ringing_at, &a.linked_id).cmp(&(b.ringing_at, &b.linked_id)));
        calls
    }

    /// How many calls (the agent's and others') the tracker holds state for.
    #[must_use]
    pub fn calls_held(&self) -> usize {
        self.groups.len()
    }

    /// Takes in one event that arrived at `at`; returns what changed for the
    /// agent's calls (usually nothing, at most a ring and an answer at once
    /// when events came out of order).
    pub fn handle(&mut self, at: Timestamp, event: &ChannelEvent) -> Vec<CallUpdate> {
        let mut updates = Vec::new();
        let (first, second) = channels_of(event);
        let Some(linked_id) = [Some(first), second]
            .into_iter()
            .flatten()
            .map(|info| info.linked_id.as_str())
            .find(|id| !id.is_empty())
        else {
            return updates;
        };
        if !self.groups.contains_key(linked_id) {
            let ours = involves(event, &self.extension);
            let created = matches!(event, ChannelEvent::Created(_));
            // Other agents' calls are followed from their first channel
            // only: an event for an unknown call that is not ours is dropped
            // without allocating.
            if !created && !ours {
                return updates;
            }
            if ours && self.was_closed(linked_id) {
                return updates;
            }
            if self.groups.len() >= self.prune_at
                || at.0.saturating_sub(self.pruned_at.0) >= PRUNE_EVERY_MILLIS
            {
                self.prune(at);
            }
            self.groups.insert(
                linked_id.to_owned(),
                Group {
                    last_seen: at,
                    live: 0,
                    origin: None,
                    ours: None,
                },
            );
        }
        let Some(group) = self.groups.get_mut(linked_id) else {
            return updates;
        };
        group.last_seen = at;
        match event {
            ChannelEvent::Created(info) => {
                group.live = group.live.saturating_add(1);
                if info.unique_id == info.linked_id {
                    group.origin = Some(Origin::from_info(info));
                }
            }
            ChannelEvent::PartyChanged(info) if info.unique_id == info.linked_id => {
                // The dialplan may rewrite the caller's number (adding a
                // trunk prefix, say); the latest is what the agent sees.
                match &mut group.origin {
                    Some(origin) if origin.caller != info.caller => {
                        origin.caller.clone_from(&info.caller);
                    }
                    Some(_) => {}
                    None => group.origin = Some(Origin::from_info(info)),
                }
            }
            ChannelEvent::HungUp { .. } => group.live = group.live.saturating_sub(1),
            _ => {}
        }

        if group.ours.is_none() {
            if !involves(event, &self.extension)
                || self.closed.iter().any(|closed| closed == linked_id)
            {
                if group.live == 0 && matches!(event, ChannelEvent::HungUp { .. }) {
                    self.groups.remove(linked_id);
                }
                return updates;
            }
            group.ours = Some(Box::new(OurCall::new(linked_id, &self.extension)));
        }
        if let Some(ours) = group.ours.as_deref_mut() {
            ours.apply(at, event, group.origin.as_ref(), &mut updates);
            match ours.phase {
                Phase::Pending | Phase::Open => {}
                Phase::Ended => {
                    group.ours = None;
                    self.close(linked_id);
                }
                Phase::Gone => group.ours = None,
            }
        }
        if let Some(group) = self.groups.get(linked_id)
            && group.live == 0
            && group.ours.is_none()
            && matches!(event, ChannelEvent::HungUp { .. })
        {
            self.groups.remove(linked_id);
        }
        updates
    }

    /// Rebuilds the state from the PBX's list of channels after a
    /// (re)connect, taken at `at`. The agent's calls still up continue
    /// (answered meanwhile: [`CallChange::Answered`]); the agent's calls
    /// first seen here are reported once, [`CallChange::Ringing`] or, when
    /// already answered, [`CallChange::Answered`]; calls that were open and
    /// are gone from the list end at `at` with an unknown cause.
    pub fn resync(&mut self, at: Timestamp, channels: &[ActiveChannel]) -> Vec<CallUpdate> {
        let mut by_call: HashMap<&str, Vec<&ActiveChannel>> = HashMap::new();
        for channel in channels {
            if !channel.info.linked_id.is_empty() {
                by_call
                    .entry(channel.info.linked_id.as_str())
                    .or_default()
                    .push(channel);
            }
        }
        let mut updates = Vec::new();

        // Calls held that the list no longer has, or no longer has a
        // channel of ours in: over.
        let mut ended = Vec::new();
        self.groups.retain(|linked_id, group| {
            let listed = by_call.get(linked_id.as_str());
            if let Some(ours) = group.ours.as_deref_mut() {
                let still_ours = listed.is_some_and(|listed| {
                    listed
                        .iter()
                        .any(|c| endpoint::belongs_to(&c.info.channel, &ours.extension))
                });
                if !still_ours {
                    if ours.phase == Phase::Open {
                        ours.end_unseen(at, &mut updates);
                        ended.push(linked_id.clone());
                    }
                    group.ours = None;
                }
            }
            listed.is_some() || group.ours.is_some()
        });
        for linked_id in ended {
            self.close(&linked_id);
        }

        let mut listed: Vec<(&str, Vec<&ActiveChannel>)> = by_call.into_iter().collect();
        // Oldest first, so updates come in the order the calls began.
        listed.sort_by_key(|(linked_id, channels)| {
            (
                std::cmp::Reverse(channels.iter().map(|c| c.seconds).max().unwrap_or(0)),
                *linked_id,
            )
        });
        for (linked_id, listed) in listed {
            let group = self
                .groups
                .entry(linked_id.to_owned())
                .or_insert_with(|| Group {
                    last_seen: at,
                    live: 0,
                    origin: None,
                    ours: None,
                });
            group.last_seen = at;
            group.live = u32::try_from(listed.len()).unwrap_or(u32::MAX);
            if group.origin.is_none()
                && let Some(first) = listed.iter().find(|c| c.info.unique_id == linked_id)
            {
                group.origin = Some(Origin::from_info(&first.info));
            }
            let extension = group
                .ours
                .as_deref()
                .map_or(self.extension.as_str(), |ours| ours.extension.as_str());
            if !listed
                .iter()
                .any(|c| endpoint::belongs_to(&c.info.channel, extension))
            {
                continue;
            }
            if group.ours.is_none() {
                if self.closed.iter().any(|closed| closed == linked_id) {
                    continue;
                }
                group.ours = Some(Box::new(OurCall::new(linked_id, &self.extension)));
            }
            if let Some(ours) = group.ours.as_deref_mut() {
                ours.resync(at, &listed, group.origin.as_ref(), &mut updates);
            }
        }
        updates
    }

    fn was_closed(&self, linked_id: &str) -> bool {
        self.closed.iter().any(|closed| closed == linked_id)
    }

    fn close(&mut self, linked_id: &str) {
        if self.closed.len() >= CLOSED_KEPT {
            self.closed.pop_front();
        }
        self.closed.push_back(linked_id.to_owned());
    }

    /// Forgets calls idle too long, then, if still too many, other agents'
    /// calls idle longest. Runs when the count reaches `prune_at`, which
    /// then doubles (up to the cap), so the scan costs little per call, and
    /// every quarter of an hour.
    fn prune(&mut self, now: Timestamp) {
        self.pruned_at = now;
        let oldest_kept = Timestamp(now.0.saturating_sub(MAX_IDLE_MILLIS));
        self.groups
            .retain(|_, group| group.ours.is_some() || group.last_seen >= oldest_kept);
        if self.groups.len() >= MAX_GROUPS {
            let keep = MAX_GROUPS * 3 / 4;
            let mut seen: Vec<Timestamp> = self
                .groups
                .values()
                .filter(|group| group.ours.is_none())
                .map(|group| group.last_seen)
                .collect();
            let drop = seen.len().saturating_sub(keep);
            if drop > 0 {
                let (_, cutoff, _) = seen.select_nth_unstable(drop - 1);
                let cutoff = *cutoff;
                let mut dropped = 0;
                self.groups.retain(|_, group| {
                    let old = group.ours.is_none() && group.last_seen <= cutoff && dropped < drop;
                    if old {
                        dropped += 1;
                    }
                    !old
                });
            }
            tracing::warn!(
                held = self.groups.len(),
                "too many calls on the PBX link at once: forgot the idlest"
            );
        }
        self.prune_at = (self.groups.len() * 2).clamp(MIN_PRUNE_AT, MAX_GROUPS);
    }
}

/// The channel an event is about, and the second one of a dial or queue event.
fn channels_of(event: &ChannelEvent) -> (&ChannelInfo, Option<&ChannelInfo>) {
    match event {
        ChannelEvent::Created(info)
        | ChannelEvent::StateChanged(info)
        | ChannelEvent::PartyChanged(info)
        | ChannelEvent::BridgeEnter { channel: info, .. }
        | ChannelEvent::BridgeLeave { channel: info, .. }
        | ChannelEvent::HungUp { channel: info, .. }
        | ChannelEvent::QueueAbandoned { caller: info, .. } => (info, None),
        ChannelEvent::DialBegin { caller, dest, .. }
        | ChannelEvent::DialEnd { caller, dest, .. } => (dest, caller.as_ref()),
        ChannelEvent::AgentCalled { caller, member, .. }
        | ChannelEvent::AgentConnected { caller, member, .. } => (member, Some(caller)),
    }
}

/// True when a channel the event names belongs to `extension`.
fn involves(event: &ChannelEvent, extension: &str) -> bool {
    let (first, second) = channels_of(event);
    endpoint::belongs_to(&first.channel, extension)
        || second.is_some_and(|info| endpoint::belongs_to(&info.channel, extension))
}

/// A dialplan extension that names something: not "" and not `s`, the
/// start extension a call without a DID runs in.
fn meaningful_exten(exten: &str) -> &str {
    if exten == "s" { "" } else { exten.trim() }
}

/// A caller ID number or name, or "" for the words PBXs and carriers use for
/// a withheld or missing one.
fn known(text: &str) -> String {
    const WITHHELD: [&str; 7] = [
        "<unknown>",
        "unknown",
        "anonymous",
        "restricted",
        "private",
        "unavailable",
        "withheld",
    ];
    let text = text.trim();
    if WITHHELD.iter().any(|word| text.eq_ignore_ascii_case(word)) {
        String::new()
    } else {
        text.to_owned()
    }
}

/// The number an outgoing dial went to: the dialling channel's extension in
/// the dialplan (what the agent dialled), else the dialled channel's, else
/// the dial string without technology and host (`0212345678@trunk`).
fn dialled_number(caller: &ChannelInfo, dest: &ChannelInfo, dial_string: &str) -> String {
    let exten = meaningful_exten(&caller.exten);
    let exten = if exten.is_empty() {
        meaningful_exten(&dest.exten)
    } else {
        exten
    };
    if !exten.is_empty() {
        return exten.to_owned();
    }
    let target = dial_string.rsplit('/').next().unwrap_or_default();
    target.split('@').next().unwrap_or_default().to_owned()
}

/// Where one of the agent's calls stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// A channel of the agent's exists but nothing has rung yet (a phone
    /// off hook, a leg being set up).
    Pending,
    /// Ringing was reported.
    Open,
    /// Ended was reported.
    Ended,
    /// The agent's channels went away before anything rang: nothing to report.
    Gone,
}

/// Who started one of the agent's calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StartedBy {
    /// Another party: an incoming call.
    Other,
    /// The agent's own channel (its Uniqueid is the Linkedid).
    Agent,
    /// The PBX, ringing the agent's phone first (click-to-call).
    Pbx,
}

/// One of the agent's channels in a call.
#[derive(Debug)]
struct Leg {
    unique_id: String,
    local: bool,
    hung_up: bool,
    /// The party on the other end, as the PBX last said.
    connected: Party,
}

/// The party that dialled the agent.
#[derive(Debug)]
struct Dialler {
    channel: String,
    unique_id: String,
    caller: Party,
    exten: String,
}

/// What is known about one of the agent's calls.
#[derive(Debug)]
struct OurCall {
    extension: String,
    phase: Phase,
    call: TrackedCall,
    legs: Vec<Leg>,
    /// Who started the call.
    started_by: StartedBy,
    /// Who dialled the agent, for an incoming call.
    dialler: Option<Dialler>,
    /// The party on the agent's phone when it rang (for click-to-call, the
    /// number and name it will dial).
    ring_party: Party,
    /// The agent's side dialled out: to this number, over this endpoint.
    dialled: Option<(String, String)>,
    /// The channels the agent's side dialled.
    far_legs: Vec<String>,
    /// The last dial status towards the agent (incoming) or from the agent
    /// (outgoing, once dialled out).
    dial_status: Option<DialStatus>,
    /// Hang-up cause of a dialled channel, for an outgoing call.
    far_cause: Option<u16>,
    /// Hang-up cause and text on the agent's side; true when from a phone
    /// (not a local leg).
    cause: Option<(u16, String, bool)>,
    /// A channel of the agent's hung up with "answered elsewhere".
    elsewhere: bool,
    /// The caller left the queue before anyone answered.
    abandoned: bool,
}

impl OurCall {
    fn new(linked_id: &str, extension: &str) -> Self {
        Self {
            extension: extension.to_owned(),
            phase: Phase::Pending,
            call: TrackedCall {
                linked_id: linked_id.to_owned(),
                extension: extension.to_owned(),
                direction: Direction::In,
                number: String::new(),
                name: String::new(),
                line: String::new(),
                ringing_at: Timestamp(0),
                answered_at: None,
                ended_at: None,
                outcome: None,
                cause: None,
                cause_text: String::new(),
            },
            legs: Vec::new(),
            started_by: StartedBy::Other,
            dialler: None,
            ring_party: Party::default(),
            dialled: None,
            far_legs: Vec::new(),
            dial_status: None,
            far_cause: None,
            cause: None,
            elsewhere: false,
            abandoned: false,
        }
    }

    fn mine(&self, info: &ChannelInfo) -> bool {
        endpoint::belongs_to(&info.channel, &self.extension)
    }

    fn outgoing(&self) -> bool {
        self.started_by != StartedBy::Other
    }

    /// Notes one of the agent's channels (a hung-up one stays hung up, so a
    /// late event cannot bring it back).
    fn leg(&mut self, info: &ChannelInfo) {
        if info.unique_id == info.linked_id && self.started_by == StartedBy::Other {
            self.started_by = StartedBy::Agent;
        }
        if let Some(leg) = self
            .legs
            .iter_mut()
            .find(|leg| leg.unique_id == info.unique_id)
        {
            if leg.connected != info.connected {
                leg.connected.clone_from(&info.connected);
            }
            return;
        }
        self.legs.push(Leg {
            unique_id: info.unique_id.clone(),
            local: endpoint::is_local(&info.channel),
            hung_up: false,
            connected: info.connected.clone(),
        });
    }

    /// The party on the agent's phone: a phone leg's, else a local leg's.
    fn phone_party(&self) -> Option<&Party> {
        let with_number = |leg: &&Leg| !known(&leg.connected.number).is_empty();
        self.legs
            .iter()
            .filter(|leg| !leg.local)
            .find(with_number)
            .or_else(|| self.legs.iter().find(with_number))
            .map(|leg| &leg.connected)
    }

    fn apply(
        &mut self,
        at: Timestamp,
        event: &ChannelEvent,
        origin: Option<&Origin>,
        updates: &mut Vec<CallUpdate>,
    ) {
        match event {
            ChannelEvent::Created(info) | ChannelEvent::PartyChanged(info) => {
                if self.mine(info) {
                    self.leg(info);
                }
            }
            ChannelEvent::StateChanged(info) => self.state_changed(at, info, origin, updates),
            ChannelEvent::DialBegin {
                caller,
                dest,
                dial_string,
            } => self.dial_begin(at, caller.as_ref(), dest, dial_string, origin, updates),
            ChannelEvent::DialEnd {
                caller,
                dest,
                status,
            } => self.dial_end(at, caller.as_ref(), dest, status, origin, updates),
            ChannelEvent::BridgeEnter { channel, .. } => {
                if self.mine(channel)
                    && self.phase != Phase::Pending
                    && (!self.outgoing() || self.dialled.is_some())
                {
                    self.answer(at, origin, updates);
                }
            }
            ChannelEvent::BridgeLeave { .. } => {}
            ChannelEvent::HungUp {
                channel,
                cause,
                cause_text,
            } => {
                if self.mine(channel) {
                    self.hung_up(channel, *cause, cause_text);
                    if self.legs.iter().all(|leg| leg.hung_up) {
                        self.end(at, origin, updates);
                    }
                } else if self.far_legs.contains(&channel.unique_id) {
                    self.far_cause = Some(*cause);
                }
            }
            ChannelEvent::AgentCalled { caller, member, .. } => {
                if self.mine(member) {
                    self.leg(member);
                    if !self.mine(caller) {
                        self.dialled_by(caller);
                    }
                    self.ring(at, origin, updates);
                }
            }
            ChannelEvent::AgentConnected { member, .. } => {
                if self.mine(member) {
                    self.leg(member);
                    self.answer(at, origin, updates);
                }
            }
            ChannelEvent::QueueAbandoned { .. } => {
                if self.call.answered_at.is_none() {
                    self.abandoned = true;
                }
            }
        }
    }

    fn state_changed(
        &mut self,
        at: Timestamp,
        info: &ChannelInfo,
        origin: Option<&Origin>,
        updates: &mut Vec<CallUpdate>,
    ) {
        if !self.mine(info) {
            if info.state == ChannelState::Up && self.far_legs.contains(&info.unique_id) {
                self.answer(at, origin, updates);
            }
            return;
        }
        self.leg(info);
        if endpoint::is_local(&info.channel) {
            // A local leg goes up when its dialplan answers, which is not
            // the agent picking up.
            return;
        }
        match info.state {
            ChannelState::Ringing => self.ring(at, origin, updates),
            // The agent's phone going up answers an incoming call; for
            // click-to-call it only means the agent took the first leg.
            ChannelState::Up if !self.outgoing() => self.answer(at, origin, updates),
            _ => {}
        }
    }

    fn dial_begin(
        &mut self,
        at: Timestamp,
        caller: Option<&ChannelInfo>,
        dest: &ChannelInfo,
        dial_string: &str,
        origin: Option<&Origin>,
        updates: &mut Vec<CallUpdate>,
    ) {
        if self.mine(dest) {
            self.leg(dest);
            match caller {
                None => self.started_by = StartedBy::Pbx,
                Some(caller) if self.mine(caller) => self.leg(caller),
                Some(caller) => self.dialled_by(caller),
            }
            self.ring(at, origin, updates);
        } else if let Some(caller) = caller.filter(|caller| self.mine(caller)) {
            self.leg(caller);
            self.dialled_out(caller, dest, dial_string);
            self.ring(at, origin, updates);
        }
    }

    fn dial_end(
        &mut self,
        at: Timestamp,
        caller: Option<&ChannelInfo>,
        dest: &ChannelInfo,
        status: &DialStatus,
        origin: Option<&Origin>,
        updates: &mut Vec<CallUpdate>,
    ) {
        if self.mine(dest) {
            self.leg(dest);
            if caller.is_none() {
                // The PBX's dial of the agent's phone for click-to-call says
                // whether the agent picked up, not the customer.
                self.ring(at, origin, updates);
            } else if !self.outgoing() {
                self.dial_status = Some(status.clone());
                self.ring(at, origin, updates);
                if *status == DialStatus::Answer {
                    self.answer(at, origin, updates);
                }
            }
        } else if let Some(caller) = caller.filter(|caller| self.mine(caller)) {
            self.leg(caller);
            self.dialled_out(caller, dest, "");
            self.dial_status = Some(status.clone());
            self.ring(at, origin, updates);
            if *status == DialStatus::Answer {
                self.answer(at, origin, updates);
            }
        }
    }

    /// Notes that the agent's side dialled `dest`; the first such dial
    /// names the number and the line.
    fn dialled_out(&mut self, caller: &ChannelInfo, dest: &ChannelInfo, dial_string: &str) {
        if self.dialled.is_none() {
            self.dialled = Some((
                dialled_number(caller, dest, dial_string),
                endpoint::endpoint(&dest.channel).to_owned(),
            ));
        }
        if !self.far_legs.contains(&dest.unique_id) {
            self.far_legs.push(dest.unique_id.clone());
        }
    }

    fn dialled_by(&mut self, caller: &ChannelInfo) {
        if caller.channel.is_empty() || endpoint::is_local(&caller.channel) {
            return;
        }
        self.dialler = Some(Dialler {
            channel: caller.channel.clone(),
            unique_id: caller.unique_id.clone(),
            caller: caller.caller.clone(),
            exten: meaningful_exten(&caller.exten).to_owned(),
        });
    }

    fn hung_up(&mut self, channel: &ChannelInfo, cause: u16, cause_text: &str) {
        let phone = !endpoint::is_local(&channel.channel);
        match self
            .legs
            .iter_mut()
            .find(|leg| leg.unique_id == channel.unique_id)
        {
            Some(leg) => leg.hung_up = true,
            None => self.legs.push(Leg {
                unique_id: channel.unique_id.clone(),
                local: !phone,
                hung_up: true,
                connected: channel.connected.clone(),
            }),
        }
        if cause == 26 {
            self.elsewhere = true;
        }
        let from_phone = self.cause.as_ref().is_some_and(|(_, _, phone)| *phone);
        if phone || !from_phone {
            self.cause = Some((cause, cause_text.to_owned(), phone));
        }
    }

    /// Fills in direction, number, name and line from what is known now.
    fn describe(&mut self, origin: Option<&Origin>) {
        if self.outgoing() {
            let (direction, number, line) = match &self.dialled {
                Some((number, far_endpoint)) => {
                    if endpoint::looks_like_extension(far_endpoint) {
                        (Direction::Internal, known(number), String::new())
                    } else {
                        (Direction::Out, known(number), far_endpoint.clone())
                    }
                }
                None if endpoint::looks_like_extension(&self.ring_party.number) => (
                    Direction::Internal,
                    known(&self.ring_party.number),
                    String::new(),
                ),
                None => (
                    Direction::Out,
                    known(&self.ring_party.number),
                    String::new(),
                ),
            };
            self.call.direction = direction;
            self.call.number = number;
            self.call.line = line;
            // Click-to-call puts the customer's name on the agent's phone;
            // a number dialled by hand has no name to show.
            self.call.name = if self.started_by == StartedBy::Pbx {
                known(&self.ring_party.name)
            } else {
                String::new()
            };
            return;
        }
        // Incoming: the first channel of the call if it is another party's,
        // else whoever dialled the agent, else what the agent's phone shows.
        let outside_origin = origin.filter(|origin| {
            !endpoint::belongs_to(&origin.channel, &self.extension)
                && !endpoint::is_local(&origin.channel)
        });
        let (channel, party) = match (outside_origin, &self.dialler) {
            (Some(origin), _) => (Some(origin.channel.as_str()), Some(&origin.caller)),
            (None, Some(dialler)) => (Some(dialler.channel.as_str()), Some(&dialler.caller)),
            (None, None) => (None, self.phone_party()),
        };
        let (number, name) = party.map_or_else(Default::default, |party| {
            (known(&party.number), known(&party.name))
        });
        let internal = channel.map_or_else(
            || endpoint::looks_like_extension(&number),
            |channel| endpoint::looks_like_extension(endpoint::endpoint(channel)),
        );
        let line = if internal {
            String::new()
        } else if let Some(origin) = outside_origin {
            origin.did.clone()
        } else {
            self.dialler
                .as_ref()
                .filter(|dialler| dialler.unique_id == self.call.linked_id)
                .map(|dialler| dialler.exten.clone())
                .unwrap_or_default()
        };
        let call = &mut self.call;
        call.direction = if internal {
            Direction::Internal
        } else {
            Direction::In
        };
        call.line = line;
        // Keep what the pop-up showed when nothing better came since.
        if !number.is_empty() || call.number.is_empty() {
            call.number = number;
        }
        if !name.is_empty() || call.name.is_empty() {
            call.name = name;
        }
    }

    fn ring(&mut self, at: Timestamp, origin: Option<&Origin>, updates: &mut Vec<CallUpdate>) {
        if self.phase != Phase::Pending {
            return;
        }
        self.phase = Phase::Open;
        if let Some(party) = self.phone_party() {
            self.ring_party = party.clone();
        }
        self.call.ringing_at = at;
        self.describe(origin);
        updates.push(self.update(CallChange::Ringing));
    }

    fn answer(&mut self, at: Timestamp, origin: Option<&Origin>, updates: &mut Vec<CallUpdate>) {
        self.ring(at, origin, updates);
        if self.phase != Phase::Open || self.call.answered_at.is_some() {
            return;
        }
        self.call.answered_at = Some(at);
        self.describe(origin);
        updates.push(self.update(CallChange::Answered));
    }

    fn end(&mut self, at: Timestamp, origin: Option<&Origin>, updates: &mut Vec<CallUpdate>) {
        if self.phase != Phase::Open {
            self.phase = Phase::Gone;
            return;
        }
        self.phase = Phase::Ended;
        self.describe(origin);
        self.call.ended_at = Some(at);
        self.call.outcome = Some(self.outcome());
        if let Some((cause, text, _)) = self.cause.take() {
            self.call.cause = Some(cause);
            self.call.cause_text = text;
        }
        updates.push(self.update(CallChange::Ended));
    }

    /// Ends a call the PBX no longer lists (found on a resync): when and why
    /// it ended is unknown.
    fn end_unseen(&mut self, at: Timestamp, updates: &mut Vec<CallUpdate>) {
        self.phase = Phase::Ended;
        self.call.ended_at = Some(at);
        self.call.outcome = Some(if self.call.answered_at.is_some() {
            Outcome::Answered
        } else if self.outgoing() {
            Outcome::NoAnswer
        } else {
            Outcome::Missed
        });
        updates.push(self.update(CallChange::Ended));
    }

    fn outcome(&self) -> Outcome {
        if self.call.answered_at.is_some() {
            return Outcome::Answered;
        }
        let cause = self.cause.as_ref().map(|(cause, _, _)| *cause);
        if self.outgoing() {
            if self.dialled.is_none() {
                // Click-to-call: the agent's own phone never took the call.
                return Outcome::Failed;
            }
            return match &self.dial_status {
                Some(DialStatus::Answer) => Outcome::Answered,
                Some(DialStatus::Busy) => Outcome::Busy,
                Some(DialStatus::NoAnswer | DialStatus::Cancel) => Outcome::NoAnswer,
                Some(_) => Outcome::Failed,
                None => match self.far_cause.or(cause) {
                    Some(17) => Outcome::Busy,
                    None | Some(0 | 16 | 18 | 19 | 31 | 127) => Outcome::NoAnswer,
                    Some(_) => Outcome::Failed,
                },
            };
        }
        if self.elsewhere {
            return Outcome::AnsweredElsewhere;
        }
        if self.abandoned {
            return Outcome::Missed;
        }
        match &self.dial_status {
            Some(DialStatus::Answer) => Outcome::Answered,
            Some(DialStatus::Cancel | DialStatus::Other(_)) => Outcome::Missed,
            Some(DialStatus::Busy) => Outcome::Busy,
            Some(DialStatus::NoAnswer) => Outcome::NoAnswer,
            Some(DialStatus::Congestion | DialStatus::Unavailable) => Outcome::Failed,
            None => match cause {
                Some(17 | 21) => Outcome::Busy,
                Some(18 | 19) => Outcome::NoAnswer,
                Some(26) => Outcome::AnsweredElsewhere,
                None | Some(0 | 16 | 31 | 127) => Outcome::Missed,
                Some(_) => Outcome::Failed,
            },
        }
    }

    fn update(&self, change: CallChange) -> CallUpdate {
        CallUpdate {
            change,
            call: self.call.clone(),
        }
    }

    /// Brings the call in line with the PBX's list of its channels.
    fn resync(
        &mut self,
        at: Timestamp,
        listed: &[&ActiveChannel],
        origin: Option<&Origin>,
        updates: &mut Vec<CallUpdate>,
    ) {
        let mine: Vec<&ChannelInfo> = listed
            .iter()
            .map(|c| &c.info)
            .filter(|info| self.mine(info))
            .collect();
        // Channels of ours that hung up while the link was down are gone.
        self.legs
            .retain(|leg| mine.iter().any(|info| info.unique_id == leg.unique_id));
        for info in &mine {
            self.leg(info);
        }
        let others: Vec<&ActiveChannel> = listed
            .iter()
            .copied()
            .filter(|c| !self.mine(&c.info))
            .collect();
        if self.started_by == StartedBy::Agent
            && self.dialled.is_none()
            && let Some(far) = others.first()
        {
            let ours = mine.iter().find(|info| info.unique_id == info.linked_id);
            let number = ours
                .map(|info| meaningful_exten(&info.exten))
                .filter(|exten| !exten.is_empty())
                .unwrap_or(far.info.exten.as_str());
            self.dialled = Some((
                number.to_owned(),
                endpoint::endpoint(&far.info.channel).to_owned(),
            ));
            self.far_legs = others.iter().map(|c| c.info.unique_id.clone()).collect();
        }
        let bridged = listed
            .iter()
            .any(|c| self.mine(&c.info) && !c.bridge.is_empty());
        let answered = if self.outgoing() {
            bridged
                || others
                    .iter()
                    .any(|c| c.info.state == ChannelState::Up && self.dialled.is_some())
        } else {
            bridged
                || mine.iter().any(|info| {
                    info.state == ChannelState::Up && !endpoint::is_local(&info.channel)
                })
        };
        let alive = mine.iter().any(|info| {
            matches!(
                info.state,
                ChannelState::Ring
                    | ChannelState::Ringing
                    | ChannelState::Up
                    | ChannelState::Dialing
            )
        });
        match self.phase {
            Phase::Open if answered => self.answer(at, origin, updates),
            Phase::Pending if answered || alive => {
                // Seen for the first time: one report, as it stands now.
                let started = listed.iter().map(|c| c.seconds).max().unwrap_or(0);
                let started_ms = i64::try_from(started.saturating_mul(1000)).unwrap_or(i64::MAX);
                self.phase = Phase::Open;
                if let Some(party) = self.phone_party() {
                    self.ring_party = party.clone();
                }
                self.call.ringing_at = Timestamp(at.0.saturating_sub(started_ms));
                let change = if answered {
                    self.call.answered_at = Some(at);
                    CallChange::Answered
                } else {
                    CallChange::Ringing
                };
                self.describe(origin);
                updates.push(self.update(change));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
