//! The AMI client: one task that keeps a manager session with Asterisk up
//! and turns it into [`ClientEvent`]s.
//!
//! # What it does
//!
//! Connect (TCP or TLS) within the connect timeout, read the greeting, log
//! in (MD5 challenge, the plain secret when the PBX refuses the challenge)
//! with the `Events:` mask, ask `CoreSettings` for Asterisk's version (the
//! greeting's `11.0.0` is the AMI protocol's) and report
//! [`LinkState::Connected`], then ask `CoreShowChannels` and report the list
//! as one [`ClientEvent::Snapshot`], so calls already in progress are known
//! after every (re)connect. From then on every wanted event is handed on in
//! the order it arrived, a `Ping` goes out every `ping_every`, and
//! click-to-call requests become `Originate` actions.
//!
//! # One loop, in order
//!
//! A single `select!` loop reads the socket, takes requests, drains waiting
//! events and fires timers, so frames are handled strictly in arrival order
//! and a snapshot lands exactly between the events before and after it.
//! Every action carries a unique `ActionID` (`ringdesk-<n>`); a map from
//! `ActionID` to what is waiting on it (the login steps, a list being
//! collected, a ping, a click-to-call) routes each response, and the list
//! items and `OriginateResponse` events that carry the same id, back to it.
//! Anything unanswered after `action_timeout` means the link is dead. A
//! response nobody waits for is logged and ignored.
//!
//! # Link states
//!
//! Each change goes out as [`ClientEvent::Link`]: `Connecting` before each
//! attempt, `Connected` after login, `Retrying { in_secs, reason }` when an
//! attempt fails or the link dies (closed, unanswered ping, nothing heard
//! for 2 × `ping_every`), `LoginFailed` when the PBX refuses the user or
//! secret. Retries wait with exponential backoff and jitter from
//! `backoff_min` to `backoff_max`, reset after each successful login. After
//! `LoginFailed` nothing is retried until [`FeedRequest::Reconnect`]:
//! hammering Asterisk with a wrong secret only fills its security log.
//!
//! # Queue policy
//!
//! `events` is a bounded channel and the consumer may be slow, but the
//! socket is always read: Asterisk disconnects a manager session whose
//! output backs up.
//!
//! * Channel events ([`ClientEvent::Message`]) go out with `try_send`. When
//!   the channel is full the event is dropped and counted, one warning is
//!   logged, and as soon as there is room again the client asks
//!   `CoreShowChannels` afresh: the consumer rebuilds the calls from the
//!   PBX's truth instead of from a gap.
//! * Link, snapshot and click-to-call events are rare and must not be lost.
//!   When the channel is full they wait in a small outbox that the loop
//!   drains as room appears, while it keeps reading the socket; channel
//!   events arriving meanwhile are dropped (and so resynchronised) rather
//!   than overtaking them. Once there is no socket left to read (between
//!   connections) they are sent with `send().await`.
//!
//! # Stopping
//!
//! The task ends when `requests` closes or `events` is dropped, after a
//! best-effort `Logoff`.

use std::collections::{HashMap, VecDeque};
use std::io;
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio::time::{Instant, sleep_until, timeout};
use tracing::{debug, info, trace, warn};

use super::backoff::{Backoff, whole_secs};
use super::codec::{Decoder, Frame};
use super::error::LinkError;
use super::message::Message;
use super::settings::AmiSettings;
use super::transport::{self, Stream};
use super::{login, originate};
use crate::domain::Timestamp;
use crate::pbx::feed::{FeedRequest, LinkState, OriginateOutcome, RequestId};

/// How much is read from the socket at once.
const READ_CHUNK: usize = 16 * 1024;

/// The longest a best-effort `Logoff` may hold up stopping or reconnecting.
const LOGOFF_WAIT: Duration = Duration::from_secs(1);

/// What the client reports, in the order it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientEvent {
    /// The link changed state.
    Link(LinkState),
    /// A wanted event, stamped when its bytes arrived.
    Message {
        /// When it arrived.
        at: Timestamp,
        /// The event as the PBX sent it.
        message: Message,
    },
    /// The `CoreShowChannel` events of one `CoreShowChannels` list: every
    /// channel the PBX had after a (re)connect or after the consumer fell behind.
    Snapshot {
        /// When the list was complete.
        at: Timestamp,
        /// One `CoreShowChannel` event per channel.
        channels: Vec<Message>,
    },
    /// A click-to-call request ended.
    Originated {
        /// The request.
        id: RequestId,
        /// How it went.
        outcome: OriginateOutcome,
    },
}

/// Keeps the AMI link described by `settings` up until `requests` closes or
/// `events` is dropped, reporting to `events` and carrying out `requests`
/// (see the module doc for the order, the states and the queue policy).
pub async fn run(
    settings: AmiSettings,
    events: mpsc::Sender<ClientEvent>,
    mut requests: mpsc::Receiver<FeedRequest>,
) {
    let mut client = Client {
        settings,
        events,
        outbox: VecDeque::new(),
        actions_sent: 0,
    };
    client.run(&mut requests).await;
}

/// State that outlives one connection.
struct Client {
    settings: AmiSettings,
    events: mpsc::Sender<ClientEvent>,
    /// Link, snapshot and click-to-call events waiting for room in `events`.
    outbox: VecDeque<ClientEvent>,
    /// Numbers `ActionID`s across connections, so a late answer on an old
    /// link can never be mistaken for one on the new link.
    actions_sent: u64,
}

/// The consumer is gone (`events` dropped).
struct Gone;

/// Why a connection ended.
enum SessionEnd {
    /// `requests` closed or `events` was dropped: stop the client.
    Stop,
    /// A [`FeedRequest::Reconnect`]: connect again now.
    Reconnect,
    /// The PBX refused the login, in its words.
    LoginFailed(String),
    /// The link failed; retry after the backoff.
    Broken(LinkError),
}

/// How a wait between connections ended.
enum Wake {
    Stop,
    Reconnect,
    Elapsed,
}

impl Client {
    async fn run(&mut self, requests: &mut mpsc::Receiver<FeedRequest>) {
        let mut backoff = Backoff::new(self.settings.backoff_min, self.settings.backoff_max);
        loop {
            let end = self.attempt(requests, &mut backoff).await;
            if matches!(end, SessionEnd::Stop) {
                return;
            }
            // No socket is left to keep reading: whatever waited for room
            // can now wait for it plainly.
            if self.flush().await.is_err() {
                return;
            }
            match end {
                SessionEnd::Stop => return,
                SessionEnd::Reconnect => {}
                SessionEnd::LoginFailed(reason) => {
                    warn!(user = %self.settings.user, %reason, "the PBX refused the AMI login; waiting for new settings or a reconnect");
                    let state = LinkState::LoginFailed { reason };
                    if self.deliver(ClientEvent::Link(state)).await.is_err() {
                        return;
                    }
                    match self.wait(requests, None).await {
                        Wake::Stop => return,
                        Wake::Reconnect | Wake::Elapsed => backoff.reset(),
                    }
                }
                SessionEnd::Broken(error) => {
                    let delay = backoff.next_delay();
                    warn!(retry_in_ms = delay.as_millis(), "AMI link down: {error:#}");
                    let state = LinkState::Retrying {
                        in_secs: whole_secs(delay),
                        reason: error.to_string(),
                    };
                    if self.deliver(ClientEvent::Link(state)).await.is_err() {
                        return;
                    }
                    if let Wake::Stop = self.wait(requests, Some(delay)).await {
                        return;
                    }
                }
            }
        }
    }

    /// One connection: connect, then serve it until it ends.
    async fn attempt(
        &mut self,
        requests: &mut mpsc::Receiver<FeedRequest>,
        backoff: &mut Backoff,
    ) -> SessionEnd {
        if self
            .deliver(ClientEvent::Link(LinkState::Connecting))
            .await
            .is_err()
        {
            return SessionEnd::Stop;
        }
        debug!(host = %self.settings.host, port = self.settings.port, tls = self.settings.tls, "connecting to the AMI");
        let stream = {
            let connecting = transport::connect(&self.settings);
            tokio::pin!(connecting);
            loop {
                tokio::select! {
                    result = &mut connecting => match result {
                        Ok(stream) => break stream,
                        Err(error) => return SessionEnd::Broken(error),
                    },
                    request = requests.recv() => match request {
                        None => return SessionEnd::Stop,
                        Some(FeedRequest::Reconnect) => return SessionEnd::Reconnect,
                        Some(FeedRequest::Originate(request)) => {
                            let event = ClientEvent::Originated { id: request.id, outcome: OriginateOutcome::NotConnected };
                            if send(&self.events, event).await.is_err() {
                                return SessionEnd::Stop;
                            }
                        }
                    },
                    () = self.events.closed() => return SessionEnd::Stop,
                }
            }
        };
        Session::new(self, stream, backoff).run(requests).await
    }

    /// Waits `delay` (or, with `None`, until asked to reconnect), answering
    /// click-to-call requests with [`OriginateOutcome::NotConnected`].
    async fn wait(
        &mut self,
        requests: &mut mpsc::Receiver<FeedRequest>,
        delay: Option<Duration>,
    ) -> Wake {
        let wake_at = delay.map(|delay| Instant::now() + delay);
        loop {
            tokio::select! {
                () = sleep_until(wake_at.unwrap_or_else(far_future)), if wake_at.is_some() => return Wake::Elapsed,
                request = requests.recv() => match request {
                    None => return Wake::Stop,
                    Some(FeedRequest::Reconnect) => return Wake::Reconnect,
                    Some(FeedRequest::Originate(request)) => {
                        let event = ClientEvent::Originated { id: request.id, outcome: OriginateOutcome::NotConnected };
                        if self.deliver(event).await.is_err() {
                            return Wake::Stop;
                        }
                    }
                },
                () = self.events.closed() => return Wake::Stop,
            }
        }
    }

    /// Sends what waits in the outbox, then `event`, waiting for room.
    async fn deliver(&mut self, event: ClientEvent) -> Result<(), Gone> {
        self.flush().await?;
        send(&self.events, event).await
    }

    /// Sends what waits in the outbox, waiting for room.
    async fn flush(&mut self) -> Result<(), Gone> {
        while let Some(event) = self.outbox.pop_front() {
            send(&self.events, event).await?;
        }
        Ok(())
    }

    fn next_action_id(&mut self) -> String {
        self.actions_sent += 1;
        format!("ringdesk-{}", self.actions_sent)
    }
}

async fn send(events: &mpsc::Sender<ClientEvent>, event: ClientEvent) -> Result<(), Gone> {
    events.send(event).await.map_err(|_| Gone)
}

/// Far enough ahead to mean "no timer".
fn far_future() -> Instant {
    Instant::now() + Duration::from_hours(24)
}

/// Where a connection is in its login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting for `Asterisk Call Manager/…`.
    Greeting,
    /// Logging in (challenge, login) and asking the version.
    LoggingIn,
    /// Logged in: events flow, pings go out, click-to-call works.
    Connected,
}

/// An action waiting for its answer.
struct Pending {
    /// The action's name, for logs and errors.
    action: &'static str,
    /// When waiting longer means the link is dead (or, for a queued
    /// click-to-call, that the agent did not answer).
    deadline: Instant,
    what: Waiting,
}

/// What an answer is for.
enum Waiting {
    Challenge,
    Login,
    CoreSettings,
    /// A `CoreShowChannels` list, collecting its items.
    Channels(Vec<Message>),
    Ping,
    /// A click-to-call; `queued` once the PBX accepted it and its
    /// `OriginateResponse` is awaited.
    Originate {
        id: RequestId,
        queued: bool,
    },
}

/// What woke the connection's loop.
enum Wakeup {
    Read(io::Result<usize>),
    /// A waiting event went out.
    Sent,
    /// There is room for a resync.
    Room,
    Request(Option<FeedRequest>),
    Timer,
    Gone,
}

/// One connection to the PBX.
struct Session<'c> {
    client: &'c mut Client,
    backoff: &'c mut Backoff,
    stream: Box<dyn Stream>,
    decoder: Decoder,
    phase: Phase,
    greeting_deadline: Instant,
    pending: HashMap<String, Pending>,
    last_heard: Instant,
    next_ping: Instant,
    /// Channel events dropped for want of room since the last resync.
    dropped: u64,
    /// A fresh snapshot is owed to the consumer once there is room.
    resync_needed: bool,
}

impl<'c> Session<'c> {
    fn new(client: &'c mut Client, stream: Box<dyn Stream>, backoff: &'c mut Backoff) -> Self {
        let now = Instant::now();
        Self {
            decoder: Decoder::new(client.settings.max_frame),
            greeting_deadline: now + client.settings.connect_timeout,
            client,
            backoff,
            stream,
            phase: Phase::Greeting,
            pending: HashMap::new(),
            last_heard: now,
            next_ping: now,
            dropped: 0,
            resync_needed: false,
        }
    }

    async fn run(mut self, requests: &mut mpsc::Receiver<FeedRequest>) -> SessionEnd {
        let end = match self.serve(requests).await {
            Ok(never) => match never {},
            Err(end) => end,
        };
        if matches!(end, SessionEnd::Stop | SessionEnd::Reconnect) {
            self.logoff().await;
        }
        // The answer to a click-to-call still waiting would only come on
        // this connection.
        for pending in self.pending.into_values() {
            if let Waiting::Originate { id, .. } = pending.what {
                let outcome = OriginateOutcome::Failed(
                    "the link to the PBX was lost before the call's outcome was known".to_owned(),
                );
                self.client
                    .outbox
                    .push_back(ClientEvent::Originated { id, outcome });
            }
        }
        end
    }

    /// Serves the connection until it ends; the error says how.
    async fn serve(
        &mut self,
        requests: &mut mpsc::Receiver<FeedRequest>,
    ) -> Result<std::convert::Infallible, SessionEnd> {
        let mut buffer = vec![0_u8; READ_CHUNK];
        loop {
            let deadline = self.next_deadline();
            let want_room = !self.client.outbox.is_empty() || self.resync_ready();
            // The branches only borrow; the work happens after the select,
            // once those borrows have ended.
            let wakeup = tokio::select! {
                read = self.stream.read(&mut buffer) => Wakeup::Read(read),
                permit = self.client.events.reserve(), if want_room => match permit {
                    Err(_) => Wakeup::Gone,
                    Ok(permit) => match self.client.outbox.pop_front() {
                        Some(event) => {
                            permit.send(event);
                            Wakeup::Sent
                        }
                        None => Wakeup::Room,
                    },
                },
                request = requests.recv() => Wakeup::Request(request),
                () = sleep_until(deadline) => Wakeup::Timer,
                () = self.client.events.closed() => Wakeup::Gone,
            };
            match wakeup {
                Wakeup::Read(Ok(0)) => return Err(SessionEnd::Broken(LinkError::Closed)),
                Wakeup::Read(Ok(count)) => {
                    self.on_bytes(buffer.get(..count).unwrap_or_default())
                        .await?;
                }
                Wakeup::Read(Err(error)) => return Err(SessionEnd::Broken(LinkError::Io(error))),
                Wakeup::Sent => {}
                Wakeup::Room => self.resync().await?,
                Wakeup::Request(request) => self.on_request(request).await?,
                Wakeup::Timer => self.on_timer().await?,
                Wakeup::Gone => return Err(SessionEnd::Stop),
            }
        }
    }

    fn next_deadline(&self) -> Instant {
        let mut deadline = self
            .pending
            .values()
            .map(|pending| pending.deadline)
            .min()
            .unwrap_or_else(far_future);
        match self.phase {
            Phase::Greeting => deadline = deadline.min(self.greeting_deadline),
            Phase::LoggingIn => {}
            Phase::Connected => {
                deadline = deadline
                    .min(self.next_ping)
                    .min(self.last_heard + self.client.settings.ping_every * 2);
            }
        }
        deadline
    }

    async fn on_bytes(&mut self, bytes: &[u8]) -> Result<(), SessionEnd> {
        // One stamp per read: frames that came in together arrived together.
        let at = Timestamp::now();
        self.last_heard = Instant::now();
        self.decoder.feed(bytes);
        while let Some(frame) = self.decoder.next_frame() {
            match frame {
                Frame::Banner(banner) => {
                    debug!(%banner, "AMI greeting");
                    if self.phase == Phase::Greeting {
                        self.phase = Phase::LoggingIn;
                        self.request(
                            "Challenge",
                            |_: &AmiSettings, id: &str| login::challenge(id),
                            Waiting::Challenge,
                        )
                        .await?;
                    }
                }
                Frame::Message(message) => self.on_message(at, message).await?,
                Frame::Oversized(bytes) => {
                    warn!(bytes, "skipped an AMI frame over the size limit");
                }
            }
        }
        Ok(())
    }

    async fn on_message(&mut self, at: Timestamp, message: Message) -> Result<(), SessionEnd> {
        trace!(event = ?message.event(), response = ?message.response(), "AMI frame");
        if let Some(id) = message.action_id()
            && let Some((id, pending)) = self.pending.remove_entry(id)
        {
            return self.on_answer(id, pending, message).await;
        }
        if let Some(event) = message.event() {
            if self.client.settings.wants(event) {
                self.forward(at, message)?;
            }
        } else if let Some(response) = message.response() {
            debug!(response, action_id = ?message.action_id(), "an AMI response nobody waits for; ignored");
        } else {
            trace!(
                pairs = message.len(),
                "a frame that is neither event nor response; ignored"
            );
        }
        Ok(())
    }

    /// Routes an answer (response, list item or `OriginateResponse`) to what waits for it.
    async fn on_answer(
        &mut self,
        id: String,
        pending: Pending,
        message: Message,
    ) -> Result<(), SessionEnd> {
        match pending.what {
            Waiting::Challenge => {
                if let Some(challenge) = login::challenge_of(&message) {
                    let login = |settings: &AmiSettings, id: &str| {
                        login::login_md5(settings, challenge, id)
                    };
                    self.request("Login", login, Waiting::Login).await?;
                } else {
                    debug!(
                        message = message.value("Message"),
                        "the PBX refused the MD5 challenge; logging in with the plain secret"
                    );
                    self.request("Login", login::login_plain, Waiting::Login)
                        .await?;
                }
            }
            Waiting::Login => {
                if message.response() != Some("Success") {
                    let reason = match message.value("Message") {
                        "" => "Authentication failed".to_owned(),
                        text => text.to_owned(),
                    };
                    return Err(SessionEnd::LoginFailed(reason));
                }
                self.backoff.reset();
                self.request("CoreSettings", core_settings, Waiting::CoreSettings)
                    .await?;
            }
            Waiting::CoreSettings => {
                // An account without the `system` read right is refused
                // CoreSettings; the link still works, the version is unknown.
                let pbx_version = message.value("AsteriskVersion").to_owned();
                if pbx_version.is_empty() {
                    warn!(
                        message = message.value("Message"),
                        "the PBX did not tell its version (CoreSettings)"
                    );
                }
                info!(%pbx_version, "AMI link up");
                self.phase = Phase::Connected;
                let now = Instant::now();
                self.next_ping = now + self.client.settings.ping_every;
                self.emit(ClientEvent::Link(LinkState::Connected { pbx_version }))?;
                self.request_snapshot().await?;
            }
            Waiting::Channels(_) => self.on_list_answer(id, pending, message)?,
            Waiting::Ping => {}
            Waiting::Originate {
                id: request,
                queued,
            } => {
                self.on_originate_answer(id, pending, request, queued, &message)?;
            }
        }
        Ok(())
    }

    /// A `CoreShowChannels` answer: the start, one item, or the end of the list.
    fn on_list_answer(
        &mut self,
        id: String,
        mut pending: Pending,
        message: Message,
    ) -> Result<(), SessionEnd> {
        let Waiting::Channels(items) = &mut pending.what else {
            return Ok(());
        };
        if message.response() == Some("Error") {
            warn!(
                message = message.value("Message"),
                "the PBX refused CoreShowChannels; calls in progress stay unknown"
            );
            return Ok(());
        }
        let complete = message
            .event()
            .is_some_and(|name| name.ends_with("Complete"))
            || message.value("EventList").eq_ignore_ascii_case("Complete");
        if complete {
            let channels = std::mem::take(items);
            debug!(channels = channels.len(), "channel list complete");
            return self.emit(ClientEvent::Snapshot {
                at: Timestamp::now(),
                channels,
            });
        }
        // The start (`Response: Success`, `EventList: start`) or an item:
        // a long list is alive as long as items keep coming.
        if message.event().is_some() {
            items.push(message);
        }
        pending.deadline = Instant::now() + self.client.settings.action_timeout;
        self.pending.insert(id, pending);
        Ok(())
    }

    /// An answer to a click-to-call: refused, queued, or its outcome.
    fn on_originate_answer(
        &mut self,
        id: String,
        mut pending: Pending,
        request: RequestId,
        queued: bool,
        message: &Message,
    ) -> Result<(), SessionEnd> {
        if message.event() == Some("OriginateResponse") {
            let outcome = originate::outcome_of_event(message);
            info!(request, ?outcome, "click-to-call ended");
            return self.emit(ClientEvent::Originated {
                id: request,
                outcome,
            });
        }
        if message.response() == Some("Error") {
            let outcome = originate::outcome_of_error(message);
            info!(request, ?outcome, "the PBX refused click-to-call");
            return self.emit(ClientEvent::Originated {
                id: request,
                outcome,
            });
        }
        if message.response().is_some() && !queued {
            // "Originate successfully queued": the agent's phone is
            // ringing; wait for the outcome until it stops.
            let settings = &self.client.settings;
            pending.deadline =
                Instant::now() + settings.originate_timeout + settings.action_timeout;
            pending.what = Waiting::Originate {
                id: request,
                queued: true,
            };
        }
        self.pending.insert(id, pending);
        Ok(())
    }

    async fn on_request(&mut self, request: Option<FeedRequest>) -> Result<(), SessionEnd> {
        match request {
            None => Err(SessionEnd::Stop),
            Some(FeedRequest::Reconnect) => {
                info!("reconnecting to the PBX on request");
                Err(SessionEnd::Reconnect)
            }
            Some(FeedRequest::Originate(request)) => {
                if self.phase != Phase::Connected {
                    return self.emit(ClientEvent::Originated {
                        id: request.id,
                        outcome: OriginateOutcome::NotConnected,
                    });
                }
                debug!(request = request.id, extension = %request.extension, "click-to-call");
                let action =
                    |settings: &AmiSettings, id: &str| originate::action(settings, &request, id);
                let what = Waiting::Originate {
                    id: request.id,
                    queued: false,
                };
                self.request("Originate", action, what).await
            }
        }
    }

    async fn on_timer(&mut self) -> Result<(), SessionEnd> {
        let now = Instant::now();
        let settings = &self.client.settings;
        if self.phase == Phase::Greeting && now >= self.greeting_deadline {
            return Err(SessionEnd::Broken(LinkError::NoGreeting {
                target: format!("{}:{}", settings.host, settings.port),
                timeout: settings.connect_timeout,
            }));
        }
        let expired: Vec<String> = self
            .pending
            .iter()
            .filter(|(_, pending)| pending.deadline <= now)
            .map(|(id, _)| id.clone())
            .collect();
        for id in expired {
            let Some(pending) = self.pending.remove(&id) else {
                continue;
            };
            if let Waiting::Originate {
                id: request,
                queued: true,
            } = pending.what
            {
                info!(
                    request,
                    "no OriginateResponse after the ring timeout; the agent did not answer"
                );
                self.emit(ClientEvent::Originated {
                    id: request,
                    outcome: OriginateOutcome::AgentDidNotAnswer,
                })?;
                continue;
            }
            // Asterisk answers every action at once (Originate too, being
            // async): silence means the link or the PBX is stuck. Put the
            // entry back so a waiting click-to-call is answered as orphaned.
            let action = pending.action;
            self.pending.insert(id, pending);
            return Err(SessionEnd::Broken(LinkError::NoAnswer {
                action: action.to_owned(),
                timeout: self.client.settings.action_timeout,
            }));
        }
        if self.phase == Phase::Connected {
            let ping_every = self.client.settings.ping_every;
            let silence = now.saturating_duration_since(self.last_heard);
            if silence >= ping_every * 2 {
                return Err(SessionEnd::Broken(LinkError::Silent { silence }));
            }
            if now >= self.next_ping {
                self.next_ping = now + ping_every;
                let pinging = self
                    .pending
                    .values()
                    .any(|pending| matches!(pending.what, Waiting::Ping));
                if !pinging {
                    self.request("Ping", ping, Waiting::Ping).await?;
                }
            }
        }
        Ok(())
    }

    /// Hands a wanted event on, or drops and counts it when the consumer is behind.
    fn forward(&mut self, at: Timestamp, message: Message) -> Result<(), SessionEnd> {
        if self.client.outbox.is_empty() {
            match self
                .client
                .events
                .try_send(ClientEvent::Message { at, message })
            {
                Ok(()) => return Ok(()),
                Err(TrySendError::Full(_)) => {}
                Err(TrySendError::Closed(_)) => return Err(SessionEnd::Stop),
            }
        }
        if self.dropped == 0 {
            warn!(
                "ringdesk is not keeping up with the PBX's events; dropping them, and rereading the PBX's channels once it catches up"
            );
        }
        self.dropped += 1;
        self.resync_needed = true;
        Ok(())
    }

    /// A resync is owed and nothing stands in its way but room in the channel.
    fn resync_ready(&self) -> bool {
        self.resync_needed
            && self.phase == Phase::Connected
            && !self
                .pending
                .values()
                .any(|pending| matches!(pending.what, Waiting::Channels(_)))
    }

    /// There is room again after drops: ask for the channels afresh.
    async fn resync(&mut self) -> Result<(), SessionEnd> {
        warn!(
            dropped = self.dropped,
            "caught up after dropping events; rereading the PBX's channels"
        );
        self.dropped = 0;
        self.resync_needed = false;
        self.request_snapshot().await
    }

    async fn request_snapshot(&mut self) -> Result<(), SessionEnd> {
        self.request(
            "CoreShowChannels",
            core_show_channels,
            Waiting::Channels(Vec::new()),
        )
        .await
    }

    /// Sends a link, snapshot or click-to-call event; never drops it.
    fn emit(&mut self, event: ClientEvent) -> Result<(), SessionEnd> {
        if self.client.outbox.is_empty() {
            match self.client.events.try_send(event) {
                Ok(()) => {}
                Err(TrySendError::Full(event)) => self.client.outbox.push_back(event),
                Err(TrySendError::Closed(_)) => return Err(SessionEnd::Stop),
            }
        } else {
            self.client.outbox.push_back(event);
        }
        Ok(())
    }

    /// Sends the action `build` makes for a fresh `ActionID` and waits for its answer.
    async fn request(
        &mut self,
        action: &'static str,
        build: impl FnOnce(&AmiSettings, &str) -> Message,
        what: Waiting,
    ) -> Result<(), SessionEnd> {
        let id = self.client.next_action_id();
        let message = build(&self.client.settings, &id);
        self.write(&message).await?;
        self.pending.insert(
            id,
            Pending {
                action,
                deadline: Instant::now() + self.client.settings.action_timeout,
                what,
            },
        );
        Ok(())
    }

    async fn write(&mut self, message: &Message) -> Result<(), SessionEnd> {
        // Only the action's name: a Login carries the secret.
        debug!(action = ?message.action(), action_id = ?message.action_id(), "AMI action");
        let bytes = message.to_bytes();
        let write = async {
            self.stream.write_all(&bytes).await?;
            self.stream.flush().await
        };
        match timeout(self.client.settings.action_timeout, write).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(SessionEnd::Broken(LinkError::Io(error))),
            Err(_) => Err(SessionEnd::Broken(LinkError::Io(io::Error::new(
                io::ErrorKind::TimedOut,
                "the PBX stopped taking data",
            )))),
        }
    }

    /// Says goodbye, best effort: the PBX then frees the session at once
    /// instead of when it notices the closed socket.
    async fn logoff(&mut self) {
        if self.phase != Phase::Connected {
            return;
        }
        let id = self.client.next_action_id();
        let bytes =
            Message::from_pairs([("Action", "Logoff"), ("ActionID", id.as_str())]).to_bytes();
        let goodbye = async {
            self.stream.write_all(&bytes).await?;
            self.stream.flush().await?;
            self.stream.shutdown().await
        };
        match timeout(LOGOFF_WAIT, goodbye).await {
            Ok(Ok(())) => debug!("logged off the AMI"),
            Ok(Err(error)) => debug!("Logoff not sent: {error}"),
            Err(_) => debug!("Logoff not sent in time"),
        }
    }
}

fn core_settings(_: &AmiSettings, action_id: &str) -> Message {
    Message::from_pairs([("Action", "CoreSettings"), ("ActionID", action_id)])
}

fn core_show_channels(_: &AmiSettings, action_id: &str) -> Message {
    Message::from_pairs([("Action", "CoreShowChannels"), ("ActionID", action_id)])
}

fn ping(_: &AmiSettings, action_id: &str) -> Message {
    Message::from_pairs([("Action", "Ping"), ("ActionID", action_id)])
}
