//! The outbox worker: it hands queued messages to a gateway at
//! `sms.rate_per_sec` ([`bucket`]), with at most [`MAX_IN_FLIGHT`] waiting
//! for the gateway's answer at once, records each answer, applies delivery
//! reports by [`crate::domain::Message::uid`], and stores the messages
//! customers send in. What happens to a message is decided by the pure
//! functions of [`policy`]; this module only carries their steps out.
//!
//! # Order of things
//!
//! A message is marked `sending` — committed — before the gateway is
//! called, so a crash during the call leaves a trace. The gateway's answer
//! moves it to `sent` (or keeps `delivered`/`failed` when its delivery
//! report came first); a passing failure puts it back in the outbox with a
//! growing wait (10 s, 30 s, 2 min, 10 min, 30 min) and fails it after
//! [`policy::MAX_ATTEMPTS`] hand-overs with the last reason; a refusal
//! fails it at once with the gateway's reason. Nothing is retried forever.
//!
//! # Crash policy
//!
//! Messages found in `sending` at start may or may not have reached the
//! gateway: ringdesk stopped (or lost the gateway's answer) after the
//! hand-over began.
//!
//! * If the gateway deduplicates (recognises a message handed over twice by
//!   its uid), they go back to the outbox: sending again is safe.
//! * If the gateway reports every message it took by its uid on its own and
//!   keeps retrying that report while ringdesk is away (Kannel, with
//!   smsbox's `http-request-retry` covering [`policy::REPORT_GRACE`]), and
//!   the last hand-over is less than that ago, they go back to the outbox
//!   after [`policy::UNANSWERED_GRACE`]: a report that comes meanwhile
//!   settles them, and one that does not come means the gateway never took
//!   them — nothing is lost and nothing sent twice.
//! * Otherwise they wait for a delivery report for
//!   [`policy::REPORT_GRACE`] (10 minutes) after their last hand-over. A
//!   report settles them as usual; when none comes — or the gateway sends no
//!   reports — they fail with the reason [`policy::UNKNOWN_OUTCOME`] ("it may
//!   or may not have been sent — check before resending").
//!
//! A hand-over whose exchange broke off after the request went out
//! ([`super::gateway::GatewayError::Unanswered`]) is the same question
//! asked while running: a gateway that deduplicates gets the message again
//! as after a passing failure; one that reports every taken message by its
//! uid on its own (Kannel, as soon as the SMS centre takes it, also from its
//! store after a restart) gets it again only after
//! [`policy::UNANSWERED_GRACE`], and a report that comes meanwhile settles
//! it instead; with any other gateway it is treated as after a crash.
//!
//! So ringdesk never sends a message twice on its own, and never loses one:
//! each stays visible in the message log, where a failed one can be resent
//! by a person (as a new message). A message handed over less than
//! [`policy::ANSWER_TIMEOUT`] ago is left alone a little longer, because
//! another ringdesk on the same database (the window and `ringdesk sms
//! send`) may still be waiting for its answer.
//!
//! At start the gateway is also told of the taken messages still waiting
//! for their report ([`SmsGateway::follow`]), for gateways whose reports must
//! be asked for.

pub mod bucket;
pub mod policy;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;

use self::bucket::TokenBucket;
use self::policy::{Answer, Capabilities, Step, Timing};
use super::gateway::{DeliveryOutcome, GatewayReport, Outgoing, SentMessage, SmsGateway};
use crate::config::Settings;
use crate::domain::{
    Message, MessageId, MessageState, NewReceived, PhoneNumber, Picture, ReceivedMessage, Region,
    Timestamp,
};
use crate::store::{self, Store};

/// Messages handed to the gateway and not yet answered, at most. Enough to
/// keep a gateway at its rate over a slow link; few enough that a crash
/// leaves only a handful in doubt.
pub const MAX_IN_FLIGHT: usize = 8;

/// The longest the worker sleeps without looking at the outbox, so that a
/// message queued by another process on this database (`ringdesk sms send`
/// while the window is open) goes out without a wake-up call.
const IDLE_TICK: Duration = Duration::from_secs(5);

/// Taken messages this old or younger whose report has not come are
/// followed at start; older ones are not going to be reported any more.
const FOLLOW_WINDOW: Duration = Duration::from_hours(72);

/// The error a message carries while it waits in the outbox to be handed
/// to a deduplicating gateway again.
const REQUEUED: &str = "ringdesk stopped while handing this message over; the gateway \
     recognises a repeat, so it is handed over again";

/// What the worker reports as it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum News {
    /// A message changed state.
    Changed(Message),
    /// A customer's message was stored.
    Received(ReceivedMessage),
}

/// What the worker's owner tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// A message was queued: look at the outbox now.
    Wake,
    /// Hand nothing more over; return once the answers of those in flight
    /// are recorded (so a settings change leaves no message in doubt).
    Stop,
}

/// The worker, with its own store and gateway.
pub struct Outbox {
    store: Store,
    gateway: Arc<dyn SmsGateway>,
    reports: mpsc::Receiver<GatewayReport>,
    reports_open: bool,
    rate_per_sec: u32,
    region: Region,
    capabilities: Capabilities,
    /// The retry waits, the answer timeout and the report grace.
    timing: Timing,
    /// Messages in `sending` this worker is not handing over, with when to
    /// decide about them again (see [`policy::after_interruption`]).
    waiting: BTreeMap<MessageId, Timestamp>,
    /// The wall clock when the worker was made, and the monotonic clock
    /// then: the worker's "now" is the one plus the time since the other,
    /// so retry times and grace periods do not jump with the system clock
    /// (and tests with tokio's paused clock see time pass).
    started: (Timestamp, Instant),
}

impl Outbox {
    /// A worker sending `store`'s outbox through `gateway`, whose reports
    /// arrive on `reports`, at the rate `settings` give.
    #[must_use]
    pub fn new(
        store: Store,
        gateway: Arc<dyn SmsGateway>,
        reports: mpsc::Receiver<GatewayReport>,
        settings: &Settings,
    ) -> Self {
        let capabilities = Capabilities {
            deduplicates: gateway.deduplicates(),
            reports_delivery: gateway.reports_delivery(),
            reports_taken_by_uid: gateway.reports_taken_by_uid(),
        };
        Self {
            store,
            gateway,
            reports,
            reports_open: true,
            rate_per_sec: settings.sms.rate_per_sec,
            region: settings.phone.default_region,
            capabilities,
            timing: Timing::default(),
            waiting: BTreeMap::new(),
            started: (Timestamp::now(), Instant::now()),
        }
    }

    /// The same worker with other waits than ringdesk's own (see
    /// [`Timing`]): tests against a real gateway, whose clock cannot be
    /// paused, shorten them.
    #[must_use]
    pub fn with_timing(mut self, timing: Timing) -> Self {
        self.timing = timing;
        self
    }

    /// The worker's wall-clock time (see `started`).
    fn now(&self) -> Timestamp {
        let (wall, instant) = self.started;
        Timestamp(wall.as_millis().saturating_add(millis(instant.elapsed())))
    }

    /// The store, for reading what the worker wrote.
    #[must_use]
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The gateway.
    #[must_use]
    pub fn gateway(&self) -> &Arc<dyn SmsGateway> {
        &self.gateway
    }

    /// Applies the crash policy to messages left in `sending` and tells the
    /// gateway which taken messages still await their report. Call once,
    /// before [`Self::run`].
    ///
    /// # Errors
    /// On a database failure.
    pub fn reconcile(&mut self, news: &mut dyn FnMut(News)) -> store::Result<()> {
        let now = self.now();
        let mut follow = Vec::new();
        for message in self.store.messages_sending()? {
            self.apply(
                &message,
                policy::after_interruption(
                    message.attempted_at,
                    self.capabilities,
                    &self.timing,
                    now,
                ),
                news,
            )?;
            if self.waiting.contains_key(&message.id) {
                follow.push(sent_message(&message));
            }
        }
        if self.capabilities.reports_delivery {
            let since = Timestamp(now.as_millis() - millis(FOLLOW_WINDOW));
            follow.extend(
                self.store
                    .messages_awaiting_report(since)?
                    .iter()
                    .map(sent_message),
            );
            if !follow.is_empty() {
                tracing::info!("asking the gateway after {} message(s)", follow.len());
                self.gateway.follow(follow);
            }
        }
        Ok(())
    }

    /// Sends until `control` says stop (or closes), then waits for the
    /// answers of the messages in flight and returns.
    ///
    /// # Errors
    /// On a database failure; messages in flight then stay in `sending` and
    /// the crash policy settles them when a worker starts again.
    pub async fn run(
        &mut self,
        mut control: mpsc::Receiver<Control>,
        news: &mut dyn FnMut(News),
    ) -> store::Result<()> {
        let clock = Instant::now();
        let mut bucket = TokenBucket::new(self.rate_per_sec, Duration::ZERO);
        let mut in_flight: JoinSet<(MessageId, Answer)> = JoinSet::new();
        let mut flying: HashMap<tokio::task::Id, MessageId> = HashMap::new();
        let mut stopping = false;
        loop {
            if !stopping {
                self.hand_over(
                    &mut in_flight,
                    &mut flying,
                    &mut bucket,
                    clock.elapsed(),
                    news,
                )?;
            } else if in_flight.is_empty() {
                return Ok(());
            }
            let wake = self.next_wake(&mut bucket, clock, in_flight.len(), stopping)?;
            tokio::select! {
                Some(joined) = in_flight.join_next_with_id(), if !in_flight.is_empty() => {
                    let (id, answer) = match joined {
                        Ok((task, (id, answer))) => {
                            flying.remove(&task);
                            (id, answer)
                        }
                        Err(error) => {
                            let Some(id) = flying.remove(&error.id()) else { continue };
                            // The gateway panicked mid-send: it may or may
                            // not have taken the message.
                            tracing::error!("the gateway failed while sending message {id}: {error}");
                            (id, Answer::Timeout)
                        }
                    };
                    self.on_answer(id, answer, news)?;
                }
                report = self.reports.recv(), if self.reports_open => match report {
                    Some(report) => self.on_report(report, news)?,
                    None => self.reports_open = false,
                },
                command = control.recv(), if !stopping => match command {
                    Some(Control::Wake) => {}
                    Some(Control::Stop) | None => stopping = true,
                },
                () = tokio::time::sleep_until(wake) => self.decide_waiting(news)?,
            }
        }
    }

    /// Hands due messages over as far as the rate and the in-flight bound
    /// allow, each marked `sending` first.
    fn hand_over(
        &mut self,
        in_flight: &mut JoinSet<(MessageId, Answer)>,
        flying: &mut HashMap<tokio::task::Id, MessageId>,
        bucket: &mut TokenBucket,
        now: Duration,
        news: &mut dyn FnMut(News),
    ) -> store::Result<()> {
        let free = MAX_IN_FLIGHT.saturating_sub(in_flight.len());
        let room = free.min(usize::try_from(bucket.available(now)).unwrap_or(usize::MAX));
        if room == 0 {
            return Ok(());
        }
        let limit = u32::try_from(room).unwrap_or(u32::MAX);
        for due in self.store.due_messages(self.now(), limit)? {
            let (message, picture) = match self.store.start_sending(due.id) {
                Ok(handover) => (handover.message, handover.picture),
                // Another worker on this database took it first.
                Err(store::Error::Invalid(_)) => continue,
                Err(error) => return Err(error),
            };
            bucket.take(now);
            tracing::debug!(
                "handing message {} to {} (attempt {})",
                message.id,
                self.gateway.name(),
                message.attempts
            );
            let outgoing = outgoing(&message, picture);
            news(News::Changed(message));
            let gateway = Arc::clone(&self.gateway);
            let id = due.id;
            let answer_timeout = self.timing.answer_timeout;
            let task = in_flight.spawn(async move {
                let answer =
                    match tokio::time::timeout(answer_timeout, gateway.send(&outgoing)).await {
                        Ok(Ok(accepted)) => Answer::Accepted(accepted),
                        Ok(Err(error)) => Answer::Error(error),
                        Err(_) => Answer::Timeout,
                    };
                (id, answer)
            });
            flying.insert(task.id(), id);
        }
        Ok(())
    }

    /// When to look again: the next due message (once the rate allows),
    /// the next decision about a waiting message, or the idle tick.
    fn next_wake(
        &self,
        bucket: &mut TokenBucket,
        clock: Instant,
        in_flight: usize,
        stopping: bool,
    ) -> store::Result<Instant> {
        let now = Instant::now();
        let wall = self.now();
        let mut wake = now + IDLE_TICK;
        if !stopping
            && in_flight < MAX_IN_FLIGHT
            && let Some(due) = self.store.next_due_at()?
        {
            let token = bucket.wait(clock.elapsed());
            wake = wake.min(now + until(wall, due).max(token));
        }
        for at in self.waiting.values() {
            wake = wake.min(now + until(wall, *at));
        }
        Ok(wake)
    }

    fn on_answer(
        &mut self,
        id: MessageId,
        answer: Answer,
        news: &mut dyn FnMut(News),
    ) -> store::Result<()> {
        let message = self.store.message(id)?;
        if let Answer::Error(error) = &answer {
            tracing::warn!("the gateway did not take message {id}: {error}");
        }
        let step = policy::after_answer(
            message.state,
            message.attempts,
            message.attempted_at,
            answer,
            self.capabilities,
            &self.timing,
            self.now(),
        );
        self.apply(&message, step, news)
    }

    fn on_report(
        &mut self,
        report: GatewayReport,
        news: &mut dyn FnMut(News),
    ) -> store::Result<()> {
        match report {
            GatewayReport::Delivery {
                uid,
                gateway_ref,
                outcome,
            } => {
                let gateway_ref = gateway_ref.as_deref();
                let applied = match outcome {
                    DeliveryOutcome::Pending => self.store.apply_taken(&uid, gateway_ref)?,
                    DeliveryOutcome::Delivered => {
                        self.store.apply_delivery(&uid, gateway_ref, None)?
                    }
                    DeliveryOutcome::Failed(reason) => {
                        self.store
                            .apply_delivery(&uid, gateway_ref, Some(&reason))?
                    }
                };
                if let Some(message) = applied {
                    self.waiting.remove(&message.id);
                    news(News::Changed(message));
                } else {
                    tracing::debug!("a delivery report for {uid} changes nothing");
                }
            }
            GatewayReport::Inbound(inbound) => {
                let from = PhoneNumber::parse(&inbound.from, self.region)
                    .unwrap_or_else(|_| PhoneNumber::withheld(&inbound.from));
                let received = self.store.record_received(&NewReceived {
                    from,
                    to: inbound.to,
                    body: inbound.body,
                    gateway_ref: inbound.gateway_ref,
                    received_at: inbound.received_at,
                })?;
                if let Some(received) = received {
                    news(News::Received(received));
                }
            }
        }
        Ok(())
    }

    /// Decides again about waiting messages whose time has come.
    fn decide_waiting(&mut self, news: &mut dyn FnMut(News)) -> store::Result<()> {
        let now = self.now();
        let due: Vec<MessageId> = self
            .waiting
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(id, _)| *id)
            .collect();
        for id in due {
            self.waiting.remove(&id);
            let message = self.store.message(id)?;
            if message.state == MessageState::Sending {
                let step = policy::after_interruption(
                    message.attempted_at,
                    self.capabilities,
                    &self.timing,
                    now,
                );
                self.apply(&message, step, news)?;
            }
        }
        Ok(())
    }

    /// Carries out `step` for `message`.
    fn apply(
        &mut self,
        message: &Message,
        step: Step,
        news: &mut dyn FnMut(News),
    ) -> store::Result<()> {
        let id = message.id;
        let written = match step {
            Step::Accepted { gateway_ref } => {
                self.store.record_accepted(id, gateway_ref.as_deref())
            }
            Step::Retry { at, reason } => self.store.schedule_retry(id, at, &reason),
            Step::Fail { reason } => {
                tracing::warn!("message {id} failed: {reason}");
                self.store.fail_message(id, &reason)
            }
            Step::Requeue => self.store.schedule_retry(id, self.now(), REQUEUED),
            Step::Wait { until } => {
                self.waiting.insert(id, until);
                return Ok(());
            }
            Step::Keep => return Ok(()),
        };
        match written {
            Ok(changed) => {
                if changed != *message {
                    news(News::Changed(changed));
                }
                Ok(())
            }
            // Another worker on this database moved it meanwhile.
            Err(store::Error::Invalid(invalid)) => {
                tracing::debug!("message {id} moved on elsewhere: {invalid}");
                Ok(())
            }
            Err(error) => Err(error),
        }
    }
}

/// The message as the gateway sends it: numbers by their canonical key
/// (E.164 for a verified number, the digits otherwise).
fn outgoing(message: &Message, picture: Option<Picture>) -> Outgoing {
    Outgoing {
        uid: message.uid.clone(),
        to: message.to_key.clone(),
        from: message.from_key.clone(),
        kind: message.kind,
        subject: message.subject.clone(),
        body: message.body.clone(),
        picture,
    }
}

fn sent_message(message: &Message) -> SentMessage {
    SentMessage {
        uid: message.uid.clone(),
        gateway_ref: message.gateway_ref.clone(),
    }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// The time from `now` until `at` (zero when it has passed).
fn until(now: Timestamp, at: Timestamp) -> Duration {
    Duration::from_millis(
        u64::try_from(at.as_millis().saturating_sub(now.as_millis())).unwrap_or(0),
    )
}

#[cfg(test)]
mod tests;
