//! The only door between the window and everything else: the window sends
//! [`Command`]s and receives [`Event`]s; SQL, files and network happen here,
//! off the UI thread.
//!
//! The store is owned by one thread (the database has one writer, and a
//! `rusqlite::Connection` is not `Sync`). Commands arrive on a bounded
//! channel: the window uses `try_send` and never blocks. Each event is
//! followed by a call to the waker the window gave (egui's
//! `request_repaint`), because a sleeping window notices nothing otherwise.

mod account_commands;
mod backup_thread;
mod batch_commands;
mod batch_thread;
pub mod call_desk;
mod command;
pub mod customer_export;
mod event;
mod import_commands;
pub mod local_time;
mod merge_commands;
mod pbx_thread;
mod permissions;
mod runtime_thread;
mod settings_commands;
mod sms_admin;
mod sms_commands;
mod sms_thread;
mod store_thread;
#[cfg(test)]
mod test_support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc as std_mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::mpsc;

pub use crate::store::ImportPhase;
pub use call_desk::CallDesk;
pub use command::{BulkAction, Command, Gather, QueryId, ResultWords, SearchBox};
pub use import_commands::{
    ImportCancel, ImportChoice, ImportPlan, ImportProblem, MappingChoice, MissingColumn,
};
pub use merge_commands::{DuplicateGroup, DuplicateMember};
// The duplicate finder and the merge window show what the store found.
pub use crate::store::{DuplicateReason, FieldConflict, MergePlan, MergeRecord, Side};
// The import window shows the rows as the engine sorted them.
pub use crate::import::customer_columns::{ColumnRole, roles_of as column_roles};
pub use crate::import::customer_import::{Fate, OnDuplicate, Prepared};
pub use crate::import::customer_rows::{CustomerRows, Reason as RejectReason, Rejected, ValidRow};
pub use event::{
    AccountProblem, BatchProblem, CallPopup, CustomerCard, Event, HeldBy, Holder, Lookups,
    PopupMatch,
};
// The bulk-send windows sort their recipient lists themselves as the
// manager edits them (pure and quick), and show sheets, pasted numbers and
// batch results as the backend found them.
pub use crate::domain::{
    BatchId, BatchKind, BatchState, BatchSummary, BatchTotals, Candidate, NewBatch, NewRecipient,
    RecipientResult, Role, SavedView, SkipReason, ViewLayout, ViewName,
};
pub use crate::import::{Cell, ReadError, ReadOptions, ReadStage, Sheet, Workbook};
pub use crate::sms::free_numbers::FreeNumbers;
pub use crate::sms::recipient_list::{
    Gathered, LeftOut, LeftOutReason, Picked, RecipientList, sort_out,
};
pub use crate::sms::sheet_columns::{
    column_names, data_rows, guess_header_row, guess_phone_column, header_names, used_variables,
};
pub use crate::sms::sheet_targets::{
    DuplicateRow, RejectedRow, RowProblem, SheetMapping, SheetTargets, Target,
};
// 엑셀문자발송 reads a text file again in the encoding the manager picks,
// and finds the columns its text uses among the placeholders.
pub use crate::import::Row as SheetRow;
pub use crate::import::encoding::by_name as encoding_by_name;
pub use crate::sms::template::placeholders;
pub use encoding_rs::Encoding;
// The window shows calls, the link and click-to-call outcomes as the PBX
// side describes them.
pub use crate::pbx::tracker::{CallChange, TrackedCall};
pub use crate::pbx::{LinkState, OriginateOutcome};
// The window shows these as they are.
pub use crate::store::{Group, Tag};
// The composer runs the same check the backend runs before it queues a
// message, on every keystroke; the message log shows messages as stored.
pub use crate::domain::{
    LoggedMessage, Message, MessageDirection, MessageFilter, MessageKind, MessageState,
    ReceivedMessage,
};
pub use crate::sms::compose::{
    Checked as CheckedDraft, Context as ComposeContext, Draft, DraftProblem, Issue,
    check as check_draft,
};
// The SMS문구 editor counts bytes and checks placeholders on every
// keystroke; both are pure and take microseconds, so the window runs them
// itself rather than asking the backend each time.
pub use crate::sms::template::{
    BUILT_IN as BUILT_IN_PLACEHOLDERS, unknown as unknown_placeholders,
};
// The bulk-send editor checks its text against a sample recipient filled
// in as the batch runner fills each one.
pub use crate::sms::template::fill_columns;
// The composer's 광고 "fix" button applies the same advertising fix the
// rules check for, locally and at once.
pub use crate::sms::rules::{AdProblem, AdRules, fix_ad};
pub use crate::sms::text::Alphabet;
// The composer says which gateway cannot carry a picture, and why a file
// could not be attached, in the agent's language.
pub use crate::sms::gateway::NoPictures;
pub use crate::sms::picture_file::PictureFileError;
pub use crate::sms::{
    Count, Destination, Field as SmsField, ImageProblem, Limits, Measure, MessageText, TextProblem,
};

use crate::config::Settings;
use crate::store::Store;

/// Commands that may wait before the window hears "busy".
const COMMAND_QUEUE: usize = 256;

/// Called after every event so the window wakes up and drains it.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// Why a command was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The queue is full: the backend is behind. Try again shortly.
    #[error("ringdesk is busy; try again in a moment")]
    Busy,
    /// The backend has stopped.
    #[error("the background service has stopped; restart ringdesk")]
    Stopped,
}

/// The window's side of the backend.
pub struct Backend {
    commands: mpsc::Sender<Command>,
    events: std_mpsc::Receiver<Event>,
    thread: Option<JoinHandle<()>>,
    pbx_thread: Option<JoinHandle<()>>,
    sms_thread: Option<JoinHandle<()>>,
    batch_thread: Option<JoinHandle<()>>,
    backup_thread: Option<JoinHandle<()>>,
    /// For events from outside the store thread (other starts of ringdesk).
    sender: store_thread::EventSender,
}

impl Backend {
    /// Starts the backend on `store` with `settings`, which
    /// [`Command::SaveSettings`] writes to `settings_file`; `waker` is called
    /// after every event.
    ///
    /// # Errors
    /// When the operating system refuses a thread.
    pub fn spawn(
        store: Store,
        settings: Settings,
        settings_file: PathBuf,
        waker: Waker,
    ) -> std::io::Result<Self> {
        Self::start(store, settings, settings_file, waker, true, None)
    }

    /// As [`Backend::spawn`], already signed in as `user` (who must be in
    /// the store): the window's tests and benchmarks start past the
    /// sign-in this way.
    ///
    /// # Errors
    /// When the operating system refuses a thread.
    pub fn spawn_signed_in(
        store: Store,
        settings: Settings,
        settings_file: PathBuf,
        waker: Waker,
        user: crate::domain::User,
    ) -> std::io::Result<Self> {
        Self::start(store, settings, settings_file, waker, true, Some(user))
    }

    /// As [`Backend::spawn`] but without the link to the PBX: for the
    /// command line's bulk sends, which only send messages, acting as
    /// `user` when someone signed in.
    ///
    /// # Errors
    /// When the operating system refuses a thread.
    pub fn spawn_for_sending(
        store: Store,
        settings: Settings,
        settings_file: PathBuf,
        waker: Waker,
        user: Option<crate::domain::User>,
    ) -> std::io::Result<Self> {
        Self::start(store, settings, settings_file, waker, false, user)
    }

    fn start(
        store: Store,
        settings: Settings,
        settings_file: PathBuf,
        waker: Waker,
        phone: bool,
        session: Option<crate::domain::User>,
    ) -> std::io::Result<Self> {
        let (commands, command_receiver) = mpsc::channel(COMMAND_QUEUE);
        let (event_sender, events) = std_mpsc::channel();
        let sender = store_thread::EventSender::new(event_sender, waker);
        let mut threads = Threads::default();
        // The threads start with the settings the signed-in user works with.
        let desk_settings = settings;
        let settings = session.as_ref().map_or_else(
            || desk_settings.clone(),
            |user| settings_commands::settings_of(&store, &desk_settings, user),
        );
        // An in-memory store cannot be opened twice; it serves tests
        // without a phone. Messages are still checked and queued there;
        // nothing sends them.
        if store.path() != std::path::Path::new(":memory:") {
            let path = store.path().to_owned();
            if phone {
                let (pbx, pbx_thread) =
                    pbx_thread::spawn(path.clone(), settings.clone(), sender.clone())?;
                threads.pbx = Some(pbx);
                threads.pbx_thread = Some(pbx_thread);
                // The window's daily backups, beside the database unless
                // the settings say otherwise.
                let data = path.parent().map(Path::to_owned).unwrap_or_default();
                let (backups, backup_thread) = backup_thread::spawn(
                    path.clone(),
                    data,
                    settings.backup.clone(),
                    sender.clone(),
                )?;
                threads.backups = Some(backups);
                threads.backup_thread = Some(backup_thread);
            }
            let (sms, sms_thread) =
                sms_thread::spawn(path.clone(), settings.clone(), sender.clone())?;
            let (batches, batch_thread) =
                batch_thread::spawn(path, settings.clone(), sms.clone(), sender.clone())?;
            threads = Threads {
                sms: Some(sms),
                sms_thread: Some(sms_thread),
                batches: Some(batches),
                batch_thread: Some(batch_thread),
                ..threads
            };
        }
        let service = store_thread::Service {
            store,
            settings,
            desk_settings,
            settings_file,
            pbx: threads.pbx,
            sms: threads.sms,
            batches: threads.batches,
            backups: threads.backups,
            session,
        };
        let thread = std::thread::Builder::new()
            .name("ringdesk-store".to_owned())
            .spawn({
                let sender = sender.clone();
                move || service.run(command_receiver, &sender)
            })?;
        Ok(Self {
            sender,
            commands,
            events,
            thread: Some(thread),
            pbx_thread: threads.pbx_thread,
            sms_thread: threads.sms_thread,
            batch_thread: threads.batch_thread,
            backup_thread: threads.backup_thread,
        })
    }

    /// Passes what later starts of ringdesk (`ringdesk dial tel:…`) hand to
    /// `listener` to the window as [`Event::HandedOver`], until the window
    /// is gone.
    ///
    /// # Errors
    /// When the operating system refuses a thread.
    pub fn serve_links(&self, listener: crate::instance::Listener) -> std::io::Result<()> {
        let sender = self.sender.clone();
        listener.serve(move |request| {
            let dial = match request {
                crate::instance::Request::Show => None,
                crate::instance::Request::Dial(number) => Some(number),
            };
            sender.send(Event::HandedOver { dial })
        })?;
        Ok(())
    }

    /// Queues a command without waiting.
    ///
    /// # Errors
    /// [`SendError::Busy`] when the queue is full, [`SendError::Stopped`]
    /// when the backend has stopped.
    pub fn send(&self, command: Command) -> Result<(), SendError> {
        self.commands
            .try_send(command)
            .map_err(|error| match error {
                mpsc::error::TrySendError::Full(_) => SendError::Busy,
                mpsc::error::TrySendError::Closed(_) => SendError::Stopped,
            })
    }

    /// The next event, if one is waiting.
    #[must_use]
    pub fn try_event(&self) -> Option<Event> {
        self.events.try_recv().ok()
    }

    /// The next event, waiting up to `timeout` (for tests and headless use).
    #[must_use]
    pub fn wait_event(&self, timeout: Duration) -> Option<Event> {
        self.events.recv_timeout(timeout).ok()
    }

    /// Asks the backend to stop and waits for it up to `timeout`.
    pub fn shutdown(&mut self, timeout: Duration) {
        // A full queue or a stopped backend: either way closing the channel ends the loop.
        self.send(Command::Shutdown).ok();
        let deadline = std::time::Instant::now() + timeout;
        // The store thread holds the PBX and SMS threads' only senders:
        // once it has stopped, they stop too (the SMS thread after the
        // answers to the messages in flight).
        for (thread, name) in [
            (self.thread.take(), "store"),
            (self.pbx_thread.take(), "PBX"),
            (self.sms_thread.take(), "SMS"),
            (self.batch_thread.take(), "batch"),
            (self.backup_thread.take(), "backup"),
        ] {
            let Some(thread) = thread else { continue };
            while !thread.is_finished() && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
            if !thread.is_finished() {
                tracing::warn!("the {name} thread did not stop within {timeout:?}");
            } else if thread.join().is_err() {
                tracing::error!("the {name} thread panicked");
            }
        }
    }
}

/// The service threads beside the store thread, and how to reach them.
#[derive(Default)]
struct Threads {
    pbx: Option<mpsc::Sender<pbx_thread::PbxControl>>,
    pbx_thread: Option<JoinHandle<()>>,
    sms: Option<mpsc::Sender<sms_thread::SmsControl>>,
    sms_thread: Option<JoinHandle<()>>,
    batches: Option<std_mpsc::Sender<batch_thread::BatchControl>>,
    batch_thread: Option<JoinHandle<()>>,
    backups: Option<std_mpsc::Sender<backup_thread::BackupControl>>,
    backup_thread: Option<JoinHandle<()>>,
}

impl Drop for Backend {
    fn drop(&mut self) {
        self.shutdown(Duration::from_secs(2));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::domain::{CustomerDraft, PhoneDraft, Region};

    const WAIT: Duration = Duration::from_secs(5);

    fn backend(names: &[&str]) -> (Backend, Arc<AtomicUsize>) {
        let mut store = Store::open_in_memory().unwrap();
        for (index, name) in names.iter().enumerate() {
            let draft = CustomerDraft {
                name: (*name).to_owned(),
                phones: vec![PhoneDraft {
                    label: String::new(),
                    number: format!("010-2000-{index:04}"),
                }],
                ..CustomerDraft::default()
            };
            store
                .create_customer(&draft.check(Region::KOREA, &[]).unwrap())
                .unwrap();
        }
        let wake_count = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&wake_count);
        let waker: Waker = Arc::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        let settings_file = std::env::temp_dir().join("ringdesk-backend-test-unused.toml");
        (
            Backend::spawn(store, Settings::default(), settings_file, waker).unwrap(),
            wake_count,
        )
    }

    #[test]
    fn answers_commands_and_wakes_the_window() {
        let (backend, wakes) = backend(&["홍길동", "김민준"]);
        backend.send(Command::CountCustomers).unwrap();
        assert_eq!(backend.wait_event(WAIT), Some(Event::CustomerCount(2)));
        backend
            .send(Command::SearchCustomers {
                from: SearchBox::Main,
                query_id: QueryId(1),
                text: "길동".to_owned(),
                offset: 0,
                limit: 50,
            })
            .unwrap();
        let Some(Event::SearchResults { query_id, hits, .. }) = backend.wait_event(WAIT) else {
            panic!("no search results");
        };
        assert_eq!(query_id, QueryId(1));
        assert_eq!(hits[0].name, "홍길동");
        backend.send(Command::LoadCard { id: hits[0].id }).unwrap();
        let Some(Event::Card(card)) = backend.wait_event(WAIT) else {
            panic!("no card");
        };
        assert_eq!(card.customer.phones.len(), 1);
        // The wake follows each event; the last may land just after it is read.
        let deadline = std::time::Instant::now() + WAIT;
        while wakes.load(Ordering::SeqCst) < 3 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(wakes.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn failures_arrive_as_events() {
        let (backend, _) = backend(&[]);
        backend
            .send(Command::LoadCard {
                id: crate::domain::CustomerId(42),
            })
            .unwrap();
        let Some(Event::Failed { action, message }) = backend.wait_event(WAIT) else {
            panic!("no failure");
        };
        assert_eq!(action, "load customer");
        assert!(message.contains("42"), "{message}");
    }

    #[test]
    fn the_newest_search_is_answered_last() {
        let (backend, _) = backend(&["김민준", "김서연", "이도윤"]);
        for (id, text) in ["김", "김민", "김서", "이", "이도"].iter().enumerate() {
            backend
                .send(Command::SearchCustomers {
                    from: SearchBox::Main,
                    query_id: QueryId(id as u64),
                    text: (*text).to_owned(),
                    offset: 0,
                    limit: 50,
                })
                .unwrap();
        }
        let mut last = None;
        while let Some(event) = backend.wait_event(Duration::from_millis(500)) {
            if let Event::SearchResults { query_id, hits, .. } = event {
                last = Some((query_id, hits));
            }
        }
        let (query_id, hits) = last.unwrap();
        assert_eq!(query_id, QueryId(4));
        assert_eq!(hits[0].name, "이도윤");
    }

    #[test]
    fn the_call_log_is_paged_with_its_total_and_memos_are_saved() {
        use crate::domain::{CallFilter, CallRecord, Direction, PhoneNumber, Timestamp};

        let mut store = Store::open_in_memory().unwrap();
        let mut ids = Vec::new();
        for index in 0..3_i64 {
            ids.push(
                store
                    .record_call(&CallRecord {
                        direction: Direction::In,
                        pbx_call_id: format!("1700000000.{index}"),
                        number: PhoneNumber::parse("010-1234-5678", Region::KOREA).unwrap(),
                        customer_id: None,
                        user_id: None,
                        extension: "1001".to_owned(),
                        line: String::new(),
                        started_at: Timestamp(1_700_000_000_000 + index),
                        answered_at: None,
                        ended_at: None,
                        outcome: None,
                        cause: None,
                        cause_text: String::new(),
                    })
                    .unwrap(),
            );
        }
        let settings_file = std::env::temp_dir().join("ringdesk-backend-test-unused.toml");
        let backend =
            Backend::spawn(store, Settings::default(), settings_file, Arc::new(|| {})).unwrap();
        let filter = CallFilter::period(Timestamp(0), Timestamp(i64::MAX));
        backend
            .send(Command::ListCalls {
                request: QueryId(7),
                filter,
                offset: 1,
                limit: 1,
            })
            .unwrap();
        let Some(Event::CallPage {
            request,
            offset,
            total,
            calls,
        }) = backend.wait_event(WAIT)
        else {
            panic!("no call page");
        };
        assert_eq!((request, offset, total), (QueryId(7), 1, 3));
        assert_eq!(
            calls.iter().map(|call| call.id).collect::<Vec<_>>(),
            [ids[1]]
        );

        backend
            .send(Command::SaveCallMemo {
                id: ids[0],
                memo: "견적서 재발송".to_owned(),
            })
            .unwrap();
        assert_eq!(
            backend.wait_event(WAIT),
            Some(Event::CallMemoSaved { id: ids[0] })
        );
        backend
            .send(Command::SaveCallMemo {
                id: crate::domain::CallId(99),
                memo: String::new(),
            })
            .unwrap();
        assert!(matches!(
            backend.wait_event(WAIT),
            Some(Event::Failed {
                action: "save call memo",
                ..
            })
        ));
    }

    #[test]
    fn shutdown_stops_the_thread() {
        let (mut backend, _) = backend(&[]);
        backend.shutdown(WAIT);
        assert_eq!(
            backend.send(Command::CountCustomers),
            Err(SendError::Stopped)
        );
    }
}
