//! The thread that works through bulk sends (대량·임의·엑셀문자발송): it
//! starts a queued batch when its time comes (예약발송), turns a running
//! batch's recipients into messages a chunk at a time
//! ([`crate::sms::batch_runner::run_chunk`]) on its own database
//! connection, and tells the window how each batch stands.
//!
//! It queues a chunk only when the outbox has nearly drained, so the outbox
//! never holds more than a couple of chunks of a batch: a pause or a cancel
//! takes effect within seconds, and what was not queued yet is still only a
//! recipient row — which is also why a crash or a reboot mid-batch resumes
//! where it stopped (a chunk's messages and its recipients' marks are
//! written in one transaction).

use std::path::{Path, PathBuf};
use std::sync::mpsc as std_mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::event::Event;
use super::local_time;
use super::sms_thread::SmsControl;
use super::store_thread::EventSender;
use crate::config::Settings;
use crate::domain::{Batch, BatchId, BatchState, BatchTotals, Timestamp};
use crate::sms::batch_runner::run_chunk;
use crate::store::{self, Store};

/// Recipients turned into messages at a time.
const CHUNK: u32 = 500;
/// The outbox backlog under which the next chunk is queued.
const LOW_WATER: u32 = 500;
/// How often a running batch is looked at.
const RUNNING_TICK: Duration = Duration::from_millis(200);
/// How long a finished batch's sent messages are watched for delivery
/// reports (most come within seconds, some networks take minutes).
const REPORTS_WAITED: Duration = Duration::from_mins(10);
/// How often a running batch's progress is told to the window.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);
/// The longest sleep with nothing running: a scheduled batch, one held
/// for the morning or one another ringdesk on this database stored (the
/// command line's `sms bulk --no-wait`) is looked at again this often.
const IDLE_TICK: Duration = Duration::from_secs(5);
/// The wait before trying again after a database failure.
const RETRY_AFTER: Duration = Duration::from_secs(5);

/// What the rest of the backend asks of the batch thread.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum BatchControl {
    /// A batch was created, resumed or rescheduled: look now.
    Wake,
    /// The settings changed (gateway limits, region, advertising rules).
    Settings(Box<Settings>),
}

/// Starts the thread; it stops when the returned sender is dropped.
pub(super) fn spawn(
    store_path: PathBuf,
    settings: Settings,
    sms: mpsc::Sender<SmsControl>,
    events: EventSender,
) -> std::io::Result<(std_mpsc::Sender<BatchControl>, JoinHandle<()>)> {
    let (control, receiver) = std_mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("ringdesk-batches".to_owned())
        .spawn(move || run(&store_path, settings, &receiver, &sms, &events))?;
    Ok((control, thread))
}

fn run(
    store_path: &Path,
    mut settings: Settings,
    control: &std_mpsc::Receiver<BatchControl>,
    sms: &mpsc::Sender<SmsControl>,
    events: &EventSender,
) {
    let mut store = match Store::open(store_path) {
        Ok(store) => store,
        Err(error) => {
            tracing::error!("the batch thread could not open the database: {error:#}");
            events.send(Event::Failed {
                action: "open the bulk sends",
                message: error.to_string(),
            });
            return;
        }
    };
    let mut runner = Runner::default();
    match store.batches_in_flight() {
        // Told from the start: a batch done before a restart may still
        // have messages on their way.
        Ok(ids) => {
            runner.told = ids
                .into_iter()
                .map(|id| Told {
                    id,
                    at: Instant::now(),
                    totals: BatchTotals::default(),
                    changed_at: Instant::now(),
                })
                .collect();
        }
        Err(error) => tracing::error!("the bulk sends in flight could not be read: {error:#}"),
    }
    loop {
        let wait = match runner.step(&mut store, &settings, sms, events) {
            Ok(wait) => wait,
            Err(error) => {
                tracing::error!("a bulk send stopped on a database failure: {error:#}");
                events.send(Event::Failed {
                    action: "send the bulk messages",
                    message: error.to_string(),
                });
                RETRY_AFTER
            }
        };
        match control.recv_timeout(wait) {
            Ok(BatchControl::Wake) | Err(std_mpsc::RecvTimeoutError::Timeout) => {}
            Ok(BatchControl::Settings(new)) => settings = *new,
            Err(std_mpsc::RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// A batch whose progress is being told: when last, with which totals,
/// and since when they have not changed.
struct Told {
    id: BatchId,
    at: Instant,
    totals: BatchTotals,
    changed_at: Instant,
}

/// The thread's memory between steps: when each batch's progress was last
/// told, and which batches wait for the morning.
#[derive(Default)]
struct Runner {
    told: Vec<Told>,
    held_until: Vec<(BatchId, Instant)>,
}

impl Runner {
    /// Starts what is due, queues the next chunk of each running batch the
    /// outbox has room for, and says how long to sleep.
    fn step(
        &mut self,
        store: &mut Store,
        settings: &Settings,
        sms: &mpsc::Sender<SmsControl>,
        events: &EventSender,
    ) -> store::Result<Duration> {
        let now = Instant::now();
        self.held_until.retain(|(_, until)| *until > now);
        let due = store.batches_due(Timestamp::now())?;
        let mut running = false;
        for batch in due {
            let id = batch.id;
            if batch.state == BatchState::Queued {
                store.set_batch_state(id, BatchState::Running)?;
                tracing::info!("bulk send {} started", id.0);
                self.tell(store, id, events, true)?;
            }
            if self.held_until.iter().any(|(held, _)| *held == id) {
                continue;
            }
            running = true;
            self.run_batch(store, settings, &batch, sms, events)?;
        }
        // Batches that finished or were paused still have messages on
        // their way: their totals change until the outbox is through.
        let told: Vec<BatchId> = self.told.iter().map(|told| told.id).collect();
        for id in told {
            self.tell(store, id, events, false)?;
        }
        Ok(if running {
            RUNNING_TICK
        } else {
            self.idle_wait(store)?
        })
    }

    fn run_batch(
        &mut self,
        store: &mut Store,
        settings: &Settings,
        batch: &Batch,
        sms: &mpsc::Sender<SmsControl>,
        events: &EventSender,
    ) -> store::Result<()> {
        if store.outbox_backlog()? >= LOW_WATER {
            return Ok(());
        }
        let step = run_chunk(
            store,
            settings,
            batch.id,
            batch.created_by,
            local_time::now_time(),
            CHUNK,
        )?;
        if step.queued > 0 {
            sms.try_send(SmsControl::Wake).ok();
        }
        if step.held_for_night {
            tracing::info!(
                "bulk send {} waits for 08:00: advertising is not sent at night",
                batch.id.0
            );
            self.held_until
                .push((batch.id, Instant::now() + until_morning()));
        }
        let changed = step.queued > 0 || step.skipped > 0 || step.pending == 0;
        self.tell(store, batch.id, events, changed)
    }

    /// Sends the batch's totals when `now`, or when they changed since the
    /// last were sent a while ago; forgets a batch once nothing of it
    /// moves any more: paused, or finished with nothing left in the outbox
    /// and no delivery report come for [`REPORTS_WAITED`].
    fn tell(
        &mut self,
        store: &Store,
        id: BatchId,
        events: &EventSender,
        now: bool,
    ) -> store::Result<()> {
        let last = self.told.iter().position(|told| told.id == id);
        if !now && last.is_some_and(|at| self.told[at].at.elapsed() < PROGRESS_EVERY) {
            return Ok(());
        }
        let summary = store.batch_summary(id)?;
        let totals = summary.totals;
        let changed = last.is_none_or(|at| self.told[at].totals != totals);
        let quiet_since = match last {
            Some(at) if !changed => self.told[at].changed_at,
            _ => Instant::now(),
        };
        let messages = &totals.messages;
        let settled = match summary.batch.state {
            BatchState::Paused => true,
            BatchState::Done | BatchState::Cancelled => {
                messages.queued == 0
                    && messages.sending == 0
                    && (messages.sent == 0 || quiet_since.elapsed() >= REPORTS_WAITED)
            }
            _ => false,
        };
        let told = Told {
            id,
            at: Instant::now(),
            totals,
            changed_at: quiet_since,
        };
        match (last, settled) {
            (Some(at), true) => {
                self.told.swap_remove(at);
            }
            (Some(at), false) => self.told[at] = told,
            (None, false) => self.told.push(told),
            (None, true) => {}
        }
        if changed || now {
            events.send(Event::BatchProgress(Box::new(summary)));
        }
        Ok(())
    }

    /// With nothing to run: until the next scheduled batch, a held one's
    /// morning, the next progress report, or [`IDLE_TICK`].
    fn idle_wait(&self, store: &Store) -> store::Result<Duration> {
        let mut wait = IDLE_TICK;
        if let Some(at) = store.next_scheduled_batch_at()? {
            let millis = (at.0 - Timestamp::now().0).max(0);
            wait = wait.min(Duration::from_millis(millis.unsigned_abs()));
        }
        if let Some(until) = self.held_until.iter().map(|(_, until)| *until).min() {
            wait = wait.min(until.saturating_duration_since(Instant::now()));
        }
        if !self.told.is_empty() {
            wait = wait.min(PROGRESS_EVERY);
        }
        Ok(wait)
    }
}

/// How long until 08:00 local time (from 21:00–08:00, the advertising night).
fn until_morning() -> Duration {
    let now = jiff::Zoned::now();
    let morning = now
        .with()
        .hour(8)
        .minute(0)
        .second(0)
        .subsec_nanosecond(0)
        .build()
        .ok()
        .and_then(|at| {
            if at > now {
                Some(at)
            } else {
                at.tomorrow().ok()
            }
        });
    morning
        .and_then(|at| (&at - &now).total(jiff::Unit::Second).ok())
        .map_or(Duration::from_mins(1), |seconds| {
            // Held at most until the morning; the next look checks again.
            Duration::from_secs_f64(seconds.clamp(1.0, 11.0 * 3600.0))
        })
}
