//! The store thread's bulk-send commands: gathering a recipient list,
//! storing and steering a batch (start, pause, resume, cancel, retry the
//! failed), and the results pages. Reading a sheet and sorting its rows or
//! pasted numbers run on threads of their own: a 100,000-row file holds up
//! neither the store nor the window. Sending happens on the batch thread
//! ([`super::batch_thread`]).

use std::path::PathBuf;
use std::sync::Arc;

use super::batch_thread::BatchControl;
use super::command::{Gather, ResultWords};
use super::event::BatchProblem;
use super::store_thread::{EventSender, Service, answer, failed};
use super::{Event, QueryId, local_time};
use crate::config::SmsSettings;
use crate::domain::{
    BatchId, Invalid, MessageState, NewBatch, NewRecipient, Picture, Problem, RecipientResult,
    SkipReason, Timestamp,
};
use crate::export::{Table, TableFormat, write_table};
use crate::import::{ReadOptions, Sheet, read_watched};
use crate::sms::compose::picture_issue;
use crate::sms::free_numbers;
use crate::sms::sheet_targets::{SheetMapping, sort_rows};
use crate::store::{self, Page};

/// Runs `work` on a thread named `ringdesk-{name}` and sends the event it
/// makes.
pub(super) fn off_thread(
    name: &str,
    events: &EventSender,
    work: impl FnOnce() -> Event + Send + 'static,
) {
    let sender = events.clone();
    let spawned = std::thread::Builder::new()
        .name(format!("ringdesk-{name}"))
        .spawn(move || {
            sender.send(work());
        });
    if let Err(error) = spawned {
        events.send(Event::Failed {
            action: "start a worker",
            message: format!("no thread could be started: {error}"),
        });
    }
}

/// [`super::Command::ReadSheet`].
pub(super) fn read_sheet(
    request: QueryId,
    path: PathBuf,
    options: ReadOptions,
    cancel: super::ImportCancel,
    events: &EventSender,
) {
    let progress = events.clone();
    off_thread("sheet", events, move || {
        match read_watched(&path, options, &mut cancel.read_watch(request, &progress)) {
            Ok(workbook) => Event::SheetRead {
                request,
                path,
                workbook: Box::new(workbook),
            },
            Err(error) => Event::SheetRefused { request, error },
        }
    });
}

impl Service {
    /// [`super::Command::SortSheet`].
    pub(super) fn sort_sheet(
        &self,
        request: QueryId,
        sheet: Arc<Sheet>,
        mapping: SheetMapping,
        events: &EventSender,
    ) {
        let region = self.settings.phone.default_region;
        off_thread("sheet", events, move || Event::SheetSorted {
            request,
            targets: Box::new(sort_rows(&sheet, &mapping, region)),
        });
    }

    /// [`super::Command::SortFreeNumbers`].
    pub(super) fn sort_free_numbers(&self, request: QueryId, text: String, events: &EventSender) {
        let region = self.settings.phone.default_region;
        off_thread("numbers", events, move || Event::FreeNumbersSorted {
            request,
            numbers: Box::new(free_numbers::parse(&text, region)),
        });
    }

    /// [`super::Command::GatherCandidates`].
    pub(super) fn gather_candidates(&self, request: QueryId, from: &Gather) -> Event {
        let candidates = match from {
            Gather::Filter(filter) => self.store.candidates_where(filter),
            Gather::AllGroups => self.store.candidates_in_any_group(),
            Gather::Groups(groups) => groups.iter().try_fold(Vec::new(), |mut all, group| {
                let filter = crate::domain::CustomerFilter {
                    group: Some(*group),
                    ..crate::domain::CustomerFilter::default()
                };
                all.extend(self.store.candidates_where(&filter)?);
                Ok(all)
            }),
        };
        answer("gather recipients", candidates, |candidates| {
            Event::Candidates {
                request,
                candidates,
            }
        })
    }

    /// Only managers and admins send in bulk; the backend says so whatever
    /// the window shows.
    fn may_send_bulk(&self) -> Result<(), BatchProblem> {
        let role = self.role();
        role.may(crate::domain::Action::SendBulk)
            .map_err(|_| BatchProblem::NotAllowed { role })
    }

    /// [`super::Command::StartBatch`].
    pub(super) fn start_batch(
        &mut self,
        request: QueryId,
        batch: &NewBatch,
        recipients: &[NewRecipient],
    ) -> Event {
        if let Err(problem) = self.may_send_bulk() {
            return Event::BatchRefused { request, problem };
        }
        if let Some(invalid) = batch
            .image
            .as_ref()
            .and_then(|picture| picture_refused(picture, &self.settings.sms))
        {
            return Event::BatchRefused {
                request,
                problem: BatchProblem::Invalid(invalid),
            };
        }
        match self.store.create_batch_send(batch, recipients) {
            Ok(id) => {
                tracing::info!(
                    "bulk send {} stored with {} recipients",
                    id.0,
                    recipients.len()
                );
                self.wake_batches();
                Event::BatchStarted { request, id }
            }
            Err(store::Error::Invalid(invalid)) => Event::BatchRefused {
                request,
                problem: BatchProblem::Invalid(invalid),
            },
            Err(error) => failed("start the bulk send", &error),
        }
    }

    /// [`super::Command::PauseBatch`] and [`super::Command::ResumeBatch`].
    pub(super) fn pause_batch(&mut self, id: BatchId, paused: bool) -> Event {
        let result = self.store.pause_batch(id, paused);
        if result.is_ok() {
            // A resumed batch's waiting messages may go now.
            self.wake_outbox();
            self.wake_batches();
        }
        self.progress(if paused { "pause" } else { "resume" }, id, result)
    }

    /// [`super::Command::CancelBatch`].
    pub(super) fn cancel_batch(&mut self, id: BatchId) -> Event {
        let result = self.store.cancel_batch(id).map(|cancelled| {
            tracing::info!(
                "bulk send {} cancelled; {cancelled} messages withdrawn",
                id.0
            );
        });
        self.progress("cancel", id, result)
    }

    /// [`super::Command::RetryFailedBatch`].
    pub(super) fn retry_failed_batch(&mut self, id: BatchId) -> Event {
        if let Err(problem) = self.may_send_bulk() {
            return Event::Failed {
                action: "retry the failed messages",
                message: problem.to_string(),
            };
        }
        let result = self.store.retry_failed_of_batch(id, None).map(|queued| {
            tracing::info!("bulk send {}: {queued} failed messages queued again", id.0);
        });
        if result.is_ok() {
            self.wake_outbox();
            self.wake_batches();
        }
        self.progress("retry", id, result)
    }

    /// The batch's totals after `result`, or why it failed.
    fn progress(&self, action: &'static str, id: BatchId, result: store::Result<()>) -> Event {
        match result.and_then(|()| self.store.batch_summary(id)) {
            Ok(summary) => Event::BatchProgress(Box::new(summary)),
            Err(error) => failed(action, &error),
        }
    }

    /// [`super::Command::ListBatches`].
    pub(super) fn batch_page(
        &self,
        request: QueryId,
        from: Timestamp,
        to: Timestamp,
        offset: u32,
        limit: u32,
    ) -> Event {
        let page = || -> store::Result<_> {
            let total = self.store.count_batches(from, to)?;
            let rows = self
                .store
                .batch_summaries(from, to, Page { offset, limit })?;
            Ok((total, rows))
        };
        answer("list bulk sends", page(), |(total, rows)| {
            Event::BatchPage {
                request,
                total,
                offset,
                rows,
            }
        })
    }

    /// [`super::Command::ListBatchRecipients`].
    pub(super) fn recipient_page(
        &self,
        request: QueryId,
        batch: BatchId,
        offset: u32,
        limit: u32,
    ) -> Event {
        answer(
            "list recipients",
            self.store.recipient_results(batch, Page { offset, limit }),
            |rows| Event::RecipientPage {
                request,
                batch,
                offset,
                rows,
            },
        )
    }

    /// [`super::Command::ExportBatch`]: every recipient read here, the
    /// file written on a thread of its own.
    pub(super) fn export_batch(
        &self,
        request: QueryId,
        batch: BatchId,
        path: PathBuf,
        words: &ResultWords,
        events: &EventSender,
    ) {
        let everyone = Page {
            offset: 0,
            limit: u32::MAX,
        };
        let results = match self.store.recipient_results(batch, everyone) {
            Ok(results) => results,
            Err(error) => {
                events.send(failed("export the results", &error));
                return;
            }
        };
        let rows: Vec<Vec<String>> = results
            .into_iter()
            .map(|result| result_row(result, words))
            .collect();
        export_table(request, path, words.header.to_vec(), rows, events);
    }
}

/// Why a bulk send's picture cannot go (field `image`), by the composer's
/// own rule: checked before anything is stored, since every one of its
/// messages would be refused for it when its turn came.
fn picture_refused(picture: &Picture, settings: &SmsSettings) -> Option<Invalid> {
    picture_issue(picture, settings).map(|issue| {
        Invalid::new(
            "image",
            Problem::Malformed {
                value: format!("a picture of {} bytes", picture.size_bytes()),
                reason: issue.to_string(),
            },
        )
    })
}

/// One recipient as a row of the results file.
fn result_row(result: RecipientResult, words: &ResultWords) -> Vec<String> {
    let time = |at: Option<Timestamp>| at.map(local_time::format).unwrap_or_default();
    let state = match (&result.recipient.skipped, result.state) {
        (Some(_), _) => words.left_out.clone(),
        (None, Some(state)) => MessageState::ALL
            .iter()
            .position(|known| *known == state)
            .and_then(|at| words.states.get(at))
            .cloned()
            .unwrap_or_else(|| state.as_str().to_owned()),
        (None, None) => String::new(),
    };
    vec![
        result.recipient.seq.to_string(),
        result
            .recipient
            .source_row
            .map(|row| row.to_string())
            .unwrap_or_default(),
        result.customer_name.unwrap_or_default(),
        result.recipient.to_raw,
        state,
        result
            .recipient
            .skipped
            .as_deref()
            .map(|stored| skip_words(stored, words))
            .unwrap_or_default(),
        result.error.unwrap_or_default(),
        time(result.sent_at),
        time(result.delivered_at),
    ]
}

/// Why a recipient was left out, as the window says it, with the refusal
/// in English after it for the record; a reason stored before the codes
/// as it is.
fn skip_words(stored: &str, words: &ResultWords) -> String {
    let Some((reason, detail)) = SkipReason::read(stored) else {
        return stored.to_owned();
    };
    let said = SkipReason::ALL
        .iter()
        .position(|known| *known == reason)
        .and_then(|at| words.reasons.get(at))
        .map_or(reason.as_str(), String::as_str);
    if detail.is_empty() {
        said.to_owned()
    } else {
        format!("{said} ({detail})")
    }
}

/// [`super::Command::ExportTable`], and the writing half of
/// [`super::Command::ExportBatch`]: on a thread of its own, the format
/// from the file's extension (CSV for one it does not know).
pub(super) fn export_table(
    request: QueryId,
    path: PathBuf,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    events: &EventSender,
) {
    off_thread("export", events, move || {
        let format = TableFormat::from_path(&path).unwrap_or(TableFormat::CsvUtf8);
        let sheet = path
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default();
        let table = Table {
            sheet: &sheet,
            header: &header,
        };
        let result = write_table(&path, format, &table, rows).map_err(|error| {
            tracing::warn!("export failed: {error}");
            error.to_string()
        });
        Event::Exported {
            request,
            path,
            result,
        }
    });
}

impl Service {
    fn wake_batches(&self) {
        if let Some(batches) = &self.batches {
            batches.send(BatchControl::Wake).ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::test_support::{spawn, wait_for};
    use crate::backend::{Backend, Command};
    use crate::config::Settings;
    use crate::domain::{
        BatchKind, BatchState, BatchSummary, Candidate, CustomerDraft, MessageState,
        NewSenderNumber, PhoneDraft, PhoneNumber, Region, Role,
    };
    use crate::store::Store;

    /// A store with a sender number and customers 홍길동 (opted out of
    /// advertising), 김민준 and 박서연 (a landline only).
    fn store_at(path: &std::path::Path) -> Store {
        let mut store = Store::open(path).unwrap();
        store
            .create_sender_number(&NewSenderNumber {
                number: PhoneNumber::parse("1588-1234", Region::KOREA).unwrap(),
                label: String::new(),
            })
            .unwrap();
        for (name, number, opted_out) in [
            ("홍길동", "010-1111-2222", true),
            ("김민준", "010-3333-4444", false),
            ("박서연", "02-555-0000", false),
        ] {
            let draft = CustomerDraft {
                name: name.to_owned(),
                phones: vec![PhoneDraft {
                    label: String::new(),
                    number: number.to_owned(),
                }],
                ad_opt_out: opted_out,
                ..CustomerDraft::default()
            };
            store
                .create_customer(&draft.check(Region::KOREA, &[]).unwrap())
                .unwrap();
        }
        store
    }

    fn batch(text: &str) -> NewBatch {
        NewBatch {
            kind: BatchKind::Bulk,
            title: "3월 안내".to_owned(),
            created_by: None,
            sender_number_id: None,
            subject: String::new(),
            body_template: text.to_owned(),
            advertising: false,
            scheduled_at: None,
            image: None,
        }
    }

    fn gather(backend: &Backend) -> (Vec<Candidate>, crate::sms::recipient_list::RecipientList) {
        backend
            .send(Command::GatherCandidates {
                request: QueryId(1),
                from: Gather::Filter(Box::default()),
            })
            .unwrap();
        let candidates = wait_for(backend, |event| match event {
            Event::Candidates {
                request: QueryId(1),
                candidates,
            } => Some(candidates),
            _ => None,
        });
        let list = crate::sms::recipient_list::sort_out(&candidates, false);
        (candidates, list)
    }

    #[test]
    #[expect(
        clippy::too_many_lines,
        reason = "one story: gather, send, list, export"
    )]
    fn a_gathered_list_is_sent_to_the_end_and_listed_with_its_results() {
        let folder = tempfile::tempdir().unwrap();
        let backend = spawn(
            store_at(&folder.path().join("ringdesk.db")),
            Settings::default(),
        );
        let (candidates, list) = gather(&backend);
        let names: Vec<&str> = list
            .recipients
            .iter()
            .map(|r| r.name(&candidates))
            .collect();
        assert_eq!(names, ["김민준", "홍길동"]);
        backend
            .send(Command::StartBatch {
                request: QueryId(2),
                batch: Box::new(batch("#{이름}님, 3월 휴무 안내입니다.")),
                recipients: list.to_new_recipients(&candidates, Region::KOREA),
            })
            .unwrap();
        let id = wait_for(&backend, |event| match event {
            Event::BatchStarted {
                request: QueryId(2),
                id,
            } => Some(id),
            _ => None,
        });
        let done: BatchSummary = wait_for(&backend, |event| match event {
            Event::BatchProgress(summary)
                if summary.batch.id == id && summary.totals.messages.delivered == 2 =>
            {
                Some(*summary)
            }
            _ => None,
        });
        assert_eq!(done.batch.state, BatchState::Done);
        assert_eq!(done.totals.recipients, 2);
        assert_eq!(done.totals.pending, 0);

        backend
            .send(Command::ListBatchRecipients {
                request: QueryId(3),
                batch: id,
                offset: 0,
                limit: 10,
            })
            .unwrap();
        let rows = wait_for(&backend, |event| match event {
            Event::RecipientPage {
                request: QueryId(3),
                rows,
                ..
            } => Some(rows),
            _ => None,
        });
        let names: Vec<Option<&str>> = rows.iter().map(|r| r.customer_name.as_deref()).collect();
        assert_eq!(names, [Some("김민준"), Some("홍길동")]);
        assert!(
            rows.iter()
                .all(|row| row.state == Some(MessageState::Delivered))
        );

        backend
            .send(Command::ListBatches {
                request: QueryId(4),
                from: Timestamp(0),
                to: Timestamp(i64::MAX),
                offset: 0,
                limit: 10,
            })
            .unwrap();
        let (total, rows) = wait_for(&backend, |event| match event {
            Event::BatchPage {
                request: QueryId(4),
                total,
                rows,
                ..
            } => Some((total, rows)),
            _ => None,
        });
        assert_eq!(total, 1);
        assert_eq!(rows[0].totals.messages.delivered, 2);

        let file = folder.path().join("3월 안내 결과.xlsx");
        let words = ResultWords {
            header: [
                "순번",
                "행",
                "고객",
                "번호",
                "상태",
                "제외 사유",
                "오류",
                "발송",
                "수신",
            ]
            .map(str::to_owned),
            states: ["대기", "전송 중", "발송", "수신", "실패", "취소"].map(str::to_owned),
            left_out: "제외".to_owned(),
            reasons: SkipReason::ALL.map(|reason| format!("사유 {}", reason.as_str())),
        };
        backend
            .send(Command::ExportBatch {
                request: QueryId(5),
                batch: id,
                path: file.clone(),
                words: Box::new(words),
            })
            .unwrap();
        let written = wait_for(&backend, |event| match event {
            Event::Exported {
                request: QueryId(5),
                result,
                ..
            } => Some(result),
            _ => None,
        });
        assert_eq!(written, Ok(2));
        let sheet = crate::import::read(&file, crate::import::ReadOptions::default()).unwrap();
        let rows = &sheet.sheets[0].rows;
        let cells: Vec<String> = rows[1]
            .cells
            .iter()
            .map(crate::import::Cell::text)
            .collect();
        assert_eq!(cells[..5], ["1", "", "김민준", "010-3333-4444", "수신"]);
    }

    #[test]
    fn the_results_file_says_why_in_the_windows_words_with_the_refusal_after() {
        let words = ResultWords {
            header: std::array::from_fn(|_| String::new()),
            states: std::array::from_fn(|_| String::new()),
            left_out: "제외".to_owned(),
            reasons: SkipReason::ALL.map(|reason| match reason {
                SkipReason::Cancelled => "발송 취소".to_owned(),
                SkipReason::NotMobile => "휴대전화 번호 아님".to_owned(),
                other => other.as_str().to_owned(),
            }),
        };
        assert_eq!(skip_words("cancelled", &words), "발송 취소");
        assert_eq!(
            skip_words("not_mobile: to: 02-555-1234 is not a mobile number", &words),
            "휴대전화 번호 아님 (to: 02-555-1234 is not a mobile number)"
        );
        // Stored before the codes: as it is.
        assert_eq!(skip_words("opted out", &words), "opted out");
    }

    /// Every recipient of `batch` and the messages made for it.
    fn messages_per_recipient(path: &std::path::Path, batch: BatchId) -> Vec<(u32, u32)> {
        let store = Store::open(path).unwrap();
        let rows = store
            .recipient_results(
                batch,
                Page {
                    offset: 0,
                    limit: u32::MAX,
                },
            )
            .unwrap();
        let messages = store
            .messages_of_batch(
                batch,
                Page {
                    offset: 0,
                    limit: u32::MAX,
                },
            )
            .unwrap();
        let mut sent: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
        for message in &messages {
            *sent.entry(message.to_key.as_str()).or_default() += 1;
        }
        rows.iter()
            .map(|row| {
                let count = sent.get(row.recipient.to_key.as_str()).copied();
                (row.recipient.seq, count.unwrap_or(0))
            })
            .collect()
    }

    #[test]
    fn a_batch_stopped_mid_way_resumes_with_none_sent_twice_and_none_skipped() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("ringdesk.db");
        let recipients: Vec<NewRecipient> = (0..3_000)
            .map(|n| {
                NewRecipient::to(
                    &PhoneNumber::parse(
                        &format!("010-{:04}-{:04}", 2000 + n / 10_000, n % 10_000),
                        Region::KOREA,
                    )
                    .unwrap(),
                )
            })
            .collect();
        let mut settings = Settings::default();
        settings.sms.rate_per_sec = 1_000;
        let backend = spawn(store_at(&path), settings.clone());
        backend
            .send(Command::StartBatch {
                request: QueryId(1),
                batch: Box::new(batch("점검 안내입니다.")),
                recipients,
            })
            .unwrap();
        let id = wait_for(&backend, |event| match event {
            Event::BatchStarted { id, .. } => Some(id),
            _ => None,
        });
        // The desk closes as soon as the first chunk has gone out.
        wait_for(&backend, |event| match event {
            Event::BatchProgress(summary) if summary.totals.messages.delivered > 0 => Some(()),
            _ => None,
        });
        drop(backend);
        let stopped = messages_per_recipient(&path, id);
        assert!(
            stopped.iter().all(|(_, sent)| *sent <= 1),
            "sent twice before the stop"
        );
        let unsent = stopped.iter().filter(|(_, sent)| *sent == 0).count();
        assert!(
            unsent > 0,
            "the batch finished before the stop; nothing left to resume"
        );

        let backend = spawn(Store::open(&path).unwrap(), settings);
        let done = wait_for(&backend, |event| match event {
            Event::BatchProgress(summary)
                if summary.batch.id == id && summary.totals.finished() == 3_000 =>
            {
                Some(summary)
            }
            _ => None,
        });
        assert_eq!(done.batch.state, BatchState::Done);
        // Handed over before the stop, their reports lost with the
        // dry-run gateway: sent, not delivered, and not sent again.
        assert_eq!(
            done.totals.messages.sent + done.totals.messages.delivered,
            3_000
        );
        drop(backend);
        let resumed = messages_per_recipient(&path, id);
        assert_eq!(resumed.len(), 3_000);
        assert!(
            resumed.iter().all(|(_, sent)| *sent == 1),
            "{:?}",
            resumed
                .iter()
                .filter(|(_, sent)| *sent != 1)
                .take(5)
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_scheduled_batch_waits_and_can_be_cancelled() {
        let folder = tempfile::tempdir().unwrap();
        let backend = spawn(
            store_at(&folder.path().join("ringdesk.db")),
            Settings::default(),
        );
        let (candidates, list) = gather(&backend);
        let later = NewBatch {
            scheduled_at: Some(Timestamp(Timestamp::now().0 + 3_600_000)),
            ..batch("내일 오전 점검이 있습니다.")
        };
        backend
            .send(Command::StartBatch {
                request: QueryId(2),
                batch: Box::new(later),
                recipients: list.to_new_recipients(&candidates, Region::KOREA),
            })
            .unwrap();
        let id = wait_for(&backend, |event| match event {
            Event::BatchStarted { id, .. } => Some(id),
            _ => None,
        });
        // Not running: a pause is refused; a cancel is not.
        backend.send(Command::PauseBatch(id)).unwrap();
        wait_for(&backend, |event| match event {
            Event::Failed {
                action: "pause", ..
            } => Some(()),
            Event::BatchProgress(summary) => panic!("a scheduled batch ran: {summary:?}"),
            _ => None,
        });
        backend.send(Command::CancelBatch(id)).unwrap();
        let cancelled = wait_for(&backend, |event| match event {
            Event::BatchProgress(summary) => Some(summary),
            _ => None,
        });
        assert_eq!(cancelled.batch.state, BatchState::Cancelled);
        assert_eq!(cancelled.totals.skipped, 2);
        assert_eq!(cancelled.totals.messages.total(), 0);
    }

    #[test]
    fn a_scheduled_batch_starts_at_its_time() {
        let folder = tempfile::tempdir().unwrap();
        let backend = spawn(
            store_at(&folder.path().join("ringdesk.db")),
            Settings::default(),
        );
        let (candidates, list) = gather(&backend);
        let at = Timestamp(Timestamp::now().0 + 2_000);
        backend
            .send(Command::StartBatch {
                request: QueryId(2),
                batch: Box::new(NewBatch {
                    scheduled_at: Some(at),
                    ..batch("곧 점검이 시작됩니다.")
                }),
                recipients: list.to_new_recipients(&candidates, Region::KOREA),
            })
            .unwrap();
        let started = wait_for(&backend, |event| match event {
            Event::BatchProgress(summary) if summary.batch.state != BatchState::Queued => {
                Some(Timestamp::now())
            }
            _ => None,
        });
        assert!(started >= at, "started {} ms early", at.0 - started.0);
        assert!(
            started.0 - at.0 < 1_500,
            "started {} ms late",
            started.0 - at.0
        );
    }

    #[test]
    fn a_picture_the_gateway_cannot_carry_is_refused_before_anything_is_stored() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("ringdesk.db");
        let mut settings = Settings::default();
        // An HTTP provider with no field for a picture.
        settings.sms.gateway = crate::config::GatewayKind::Http;
        let backend = spawn(store_at(&path), settings);
        let (candidates, list) = gather(&backend);
        let jpeg = Picture::new(vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F']);
        for (request, picture) in [
            (1, jpeg),
            // Not a JPEG: refused whatever the gateway.
            (2, Picture::new(b"\x89PNG\r\n".to_vec())),
        ] {
            backend
                .send(Command::StartBatch {
                    request: QueryId(request),
                    batch: Box::new(NewBatch {
                        image: Some(picture),
                        ..batch("5월 행사 안내입니다.")
                    }),
                    recipients: list.to_new_recipients(&candidates, Region::KOREA),
                })
                .unwrap();
            let problem = wait_for(&backend, |event| match event {
                Event::BatchRefused {
                    request: QueryId(asked),
                    problem,
                } if asked == request => Some(problem),
                Event::BatchStarted { .. } => panic!("a batch was stored"),
                _ => None,
            });
            let BatchProblem::Invalid(invalid) = problem else {
                panic!("{problem:?}");
            };
            assert_eq!(invalid.field, "image");
            let words = invalid.to_string();
            let expected = if request == 1 {
                "sms.http.image_field"
            } else {
                "JPEG"
            };
            assert!(words.contains(expected), "{words}");
        }
        drop(backend);
        let store = Store::open(&path).unwrap();
        assert!(store.batches(Page::first(10)).unwrap().is_empty());
        let pictures: i64 = store
            .conn_for_tests()
            .query_row("SELECT count(*) FROM message_images", [], |row| row.get(0))
            .unwrap();
        assert_eq!(pictures, 0);
    }

    #[test]
    fn an_agent_desk_may_not_send_in_bulk() {
        let mut settings = Settings::default();
        settings.user.role = Role::Agent;
        let backend = spawn(Store::open_in_memory().unwrap(), settings);
        backend
            .send(Command::StartBatch {
                request: QueryId(1),
                batch: Box::new(batch("안내")),
                recipients: vec![NewRecipient::to(
                    &PhoneNumber::parse("010-3333-4444", Region::KOREA).unwrap(),
                )],
            })
            .unwrap();
        let problem = wait_for(&backend, |event| match event {
            Event::BatchRefused { problem, .. } => Some(problem),
            _ => None,
        });
        assert_eq!(problem, BatchProblem::NotAllowed { role: Role::Agent });
    }
}
