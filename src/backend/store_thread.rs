//! The thread that owns the store and answers commands in order.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::mpsc as std_mpsc;

use tokio::sync::mpsc;

use super::backup_thread::BackupControl;
use super::batch_thread::BatchControl;
use super::event::{CustomerCard, HeldBy, Holder, Lookups};
use super::pbx_thread::PbxControl;
use super::sms_thread::SmsControl;
use super::{BulkAction, Command, Event, SearchBox, Waker, local_time};
use crate::config::Settings;
use crate::domain::note::NoteBody;
use crate::domain::search::SearchQuery;
use crate::domain::{
    AuditAction, Call, CallFilter, CustomerDraft, CustomerId, NewSavedView, PhoneNumber, Region,
    Timestamp,
};
use crate::pbx::{LinkState, OriginateOutcome};
use crate::store::{self, Page, Store};

/// Calls and messages shown on a card; older ones are in the logs.
const CARD_HISTORY: u32 = 100;
/// Timeline items read at a time: the card's first page and each "more".
const TIMELINE_PAGE: u32 = 50;
/// Calls shown in today's list; a busy desk has a few hundred a day.
const TODAY_CALLS: u32 = 1000;

/// Sends events and wakes the window after each one.
#[derive(Clone)]
pub(super) struct EventSender {
    events: std_mpsc::Sender<Event>,
    waker: Waker,
}

impl EventSender {
    pub(super) fn new(events: std_mpsc::Sender<Event>, waker: Waker) -> Self {
        Self { events, waker }
    }

    /// False when the window is gone.
    pub(super) fn send(&self, event: Event) -> bool {
        let delivered = self.events.send(event).is_ok();
        (self.waker)();
        delivered
    }
}

/// The store and what commands need besides it.
pub(super) struct Service {
    pub(super) store: Store,
    /// The settings in use: the desk's with the signed-in user's own over
    /// them (`settings_commands`).
    pub(super) settings: Settings,
    /// The settings file's, the desk's.
    pub(super) desk_settings: Settings,
    pub(super) settings_file: PathBuf,
    /// The PBX thread, when the store is a file it can open too.
    pub(super) pbx: Option<mpsc::Sender<PbxControl>>,
    /// The SMS thread, likewise.
    pub(super) sms: Option<mpsc::Sender<SmsControl>>,
    /// The bulk-send thread, likewise.
    pub(super) batches: Option<std::sync::mpsc::Sender<BatchControl>>,
    /// The daily-backup thread, when this is the window's backend.
    pub(super) backups: Option<std::sync::mpsc::Sender<BackupControl>>,
    /// Who signed in at the window; `None` before sign-in and on the
    /// command line.
    pub(super) session: Option<crate::domain::User>,
}

impl Service {
    fn region(&self) -> Region {
        self.settings.phone.default_region
    }

    /// Answers commands until `Shutdown`, a closed channel or a closed window.
    /// Between commands it takes in what has arrived, so a search typed
    /// while the group counts load runs next rather than after them.
    pub(super) fn run(mut self, mut commands: mpsc::Receiver<Command>, events: &EventSender) {
        self.take_actor();
        self.purge_recycle_bin();
        let mut queue: VecDeque<Command> = VecDeque::new();
        loop {
            if queue.is_empty() {
                match commands.blocking_recv() {
                    Some(command) => queue.push_back(command),
                    None => return,
                }
            }
            while let Ok(more) = commands.try_recv() {
                queue.push_back(more);
            }
            queue = overtaken_dropped(queue.drain(..)).into();
            let Some(command) = take_next(&mut queue) else {
                continue;
            };
            if !self.handle(command, events) {
                return;
            }
        }
    }

    /// Removes for good the customers longer in the recycle bin than the
    /// settings keep them; once, as the window opens.
    fn purge_recycle_bin(&mut self) {
        let days = self.settings.customers.purge_after_days;
        if days == 0 {
            return;
        }
        let before = Timestamp::now().0 - i64::from(days) * 24 * 60 * 60 * 1000;
        match self.store.purge_binned_before(Timestamp(before)) {
            Ok(0) => {}
            Ok(purged) => {
                tracing::info!("{purged} customers in the recycle bin over {days} days removed");
            }
            Err(error) => tracing::warn!("cannot purge the recycle bin: {error}"),
        }
    }

    /// Runs one command; false when the loop should stop.
    #[expect(clippy::too_many_lines, reason = "one short arm per command")]
    fn handle(&mut self, command: Command, events: &EventSender) -> bool {
        if let Some(refused) = self.refusal(&command) {
            return events.send(refused);
        }
        let event = match command {
            Command::Shutdown => return false,
            Command::Dial {
                number,
                caller_name,
            } => {
                let parsed = PhoneNumber::parse(&number, self.region())
                    .unwrap_or_else(|_| PhoneNumber::withheld(&number));
                let dial = PbxControl::Dial {
                    number: parsed,
                    caller_name,
                };
                if self.to_pbx(dial) {
                    return true;
                }
                Event::Dialled {
                    number,
                    outcome: OriginateOutcome::NotConnected,
                }
            }
            Command::SendSms { request, draft } => {
                self.send_sms(request, &draft, events);
                return true;
            }
            Command::ListMessages {
                request,
                filter,
                offset,
                limit,
            } => self.message_page(request, &self.visible_messages(filter), offset, limit),
            Command::ResendMessage(id) => {
                self.resend_message(id, events);
                return true;
            }
            Command::GatherCandidates { request, from } => self.gather_candidates(request, &from),
            Command::SortFreeNumbers { request, text } => {
                self.sort_free_numbers(request, text, events);
                return true;
            }
            Command::ReadSheet {
                request,
                path,
                options,
                cancel,
            } => {
                super::batch_commands::read_sheet(request, path, options, cancel, events);
                return true;
            }
            Command::SortSheet {
                request,
                sheet,
                mapping,
            } => {
                self.sort_sheet(request, sheet, mapping, events);
                return true;
            }
            Command::StartBatch {
                request,
                batch,
                recipients,
            } => self.start_batch(request, &batch, &recipients),
            Command::PauseBatch(id) => self.pause_batch(id, true),
            Command::ResumeBatch(id) => self.pause_batch(id, false),
            Command::CancelBatch(id) => self.cancel_batch(id),
            Command::RetryFailedBatch(id) => self.retry_failed_batch(id),
            Command::ListBatches {
                request,
                from,
                to,
                offset,
                limit,
            } => self.batch_page(request, from, to, offset, limit),
            Command::ListBatchRecipients {
                request,
                batch,
                offset,
                limit,
            } => self.recipient_page(request, batch, offset, limit),
            Command::ExportBatch {
                request,
                batch,
                path,
                words,
            } => {
                self.export_batch(request, batch, path, &words, events);
                return true;
            }
            Command::ExportTable {
                request,
                path,
                header,
                rows,
            } => {
                let detail = format!("{} rows: {}", rows.len(), header.join(", "));
                if let Err(error) = self.store.record_audit(
                    AuditAction::Export,
                    &path.display().to_string(),
                    &detail,
                ) {
                    tracing::warn!("the export could not be recorded in the audit log: {error}");
                }
                super::batch_commands::export_table(request, path, header, rows, events);
                return true;
            }
            Command::PrepareImport {
                request,
                workbook,
                choice,
                cancel,
            } => {
                self.prepare_import(request, workbook, choice, cancel, events);
                return true;
            }
            Command::RunImport {
                request,
                plan,
                file,
                policy,
                cancel,
            } => self.run_import(request, &plan, &file, policy, &cancel, events),
            Command::SaveImportMapping {
                request,
                name,
                columns,
            } => self.save_import_mapping(request, &name, &columns),
            Command::SaveImportReport {
                request,
                plan,
                path,
            } => {
                super::import_commands::save_report(request, plan, path, events);
                return true;
            }
            Command::ExportCustomers {
                request,
                filter,
                path,
            } => {
                super::customer_export::export_list(
                    request,
                    self.store.path().to_owned(),
                    self.store.actor().cloned(),
                    *filter,
                    path,
                    events,
                );
                return true;
            }
            Command::LoadPicture { request, path } => {
                super::sms_commands::load_picture(request, path, events);
                return true;
            }
            Command::ReconnectPbx => {
                if self.to_pbx(PbxControl::Reconnect) {
                    return true;
                }
                Event::PbxLink(LinkState::Off)
            }
            Command::FindDuplicates { request } => self.find_duplicates(request),
            Command::PlanMerge {
                request,
                keep,
                other,
            } => self.plan_merge(request, keep, other),
            Command::MergeCustomers {
                request,
                keep,
                other,
                choices,
            } => self.merge(request, keep, other, &choices, events),
            Command::UndoMerge { request } => self.undo_merge(request, events),
            Command::CountCustomers => answer(
                "count customers",
                self.store.count_customers(),
                Event::CustomerCount,
            ),
            Command::SearchCustomers {
                query_id,
                text,
                offset,
                limit,
                ..
            } => {
                let query = SearchQuery::parse(&text, self.region());
                answer(
                    "search",
                    self.store.search_customers(&query, Page { offset, limit }),
                    |page| Event::SearchResults {
                        query_id,
                        hits: page.hits,
                        has_more: page.has_more,
                    },
                )
            }
            Command::LoadCard { id } => answer("load customer", self.card(id), |card| {
                Event::Card(Box::new(card))
            }),
            Command::LoadTimeline { id, offset } => answer(
                "load history",
                self.store.customer_timeline(
                    id,
                    Page {
                        offset,
                        limit: TIMELINE_PAGE,
                    },
                ),
                |page| Event::Timeline { id, page },
            ),
            Command::FindHolders {
                request,
                numbers,
                email,
                except,
            } => answer(
                "look up who has the number",
                self.holders(&numbers, &email, except),
                |holders| Event::Holders { request, holders },
            ),
            Command::LoadGroups => answer("load groups", self.store.groups(), Event::Groups),
            Command::LoadTodayCalls => {
                let (from, to) = local_time::today();
                let today = self.visible_calls(CallFilter::period(from, to));
                answer(
                    "load today's calls",
                    self.store.calls_where(&today, Page::first(TODAY_CALLS)),
                    Event::TodayCalls,
                )
            }
            Command::LoadLookups => self.lookups(),
            Command::SaveCustomer { request, id, draft } => {
                self.save_customer(request, id, &draft, events)
            }
            Command::EmptyRecycleBin => answer(
                "empty the recycle bin",
                self.store.empty_recycle_bin(),
                |changed| Event::BulkDone { changed },
            ),
            Command::DeleteCustomer { id } => match self.store.delete_customer(id) {
                Ok(()) => {
                    events.send(Event::CustomerDeleted(id));
                    self.refresh_counts(events)
                }
                Err(error) => failed("delete customer", &error),
            },
            Command::AddNote { customer, body } => self.add_note(customer, &body),
            Command::CreateField(def) => match self.store.create_field(&def) {
                Ok(_) => self.lookups(),
                Err(error) => failed("add field", &error),
            },
            Command::UpdateField(def) => match self.store.update_field(&def) {
                Ok(()) => self.lookups(),
                Err(error) => failed("change field", &error),
            },
            Command::ChangeFieldKind { id, kind, choices } => {
                match self
                    .store
                    .change_field_kind(id, kind, &choices, self.region())
                {
                    Ok(()) => self.lookups(),
                    Err(error) => failed("change field type", &error),
                }
            }
            Command::CountFieldValues(id) => answer(
                "count field values",
                self.store.field_value_count(id),
                |customers| Event::FieldUsage { id, customers },
            ),
            Command::DeleteField(id) => match self.store.delete_field(id) {
                Ok(()) => self.lookups(),
                Err(error) => failed("delete field", &error),
            },
            Command::SaveView {
                name,
                shared,
                layout,
            } => {
                let view = NewSavedView {
                    name,
                    owner: self.settings.user.name.clone(),
                    shared,
                    layout: *layout,
                };
                match self.store.save_view(&view) {
                    Ok(_) => self.lookups(),
                    Err(error) => failed("save view", &error),
                }
            }
            Command::DeleteView(id) => match self.store.delete_view(id) {
                Ok(()) => self.lookups(),
                Err(error) => failed("delete view", &error),
            },
            Command::CreateStatus(name) => match self.store.create_status(&name) {
                Ok(_) => self.lookups(),
                Err(error) => failed("add status", &error),
            },
            Command::RenameStatus { id, name } => match self.store.rename_status(id, &name) {
                Ok(()) => self.lookups(),
                Err(error) => failed("rename status", &error),
            },
            Command::MoveStatus { id, position } => match self.store.move_status(id, position) {
                Ok(()) => self.lookups(),
                Err(error) => failed("move status", &error),
            },
            Command::DeleteStatus(id) => match self.store.delete_status(id) {
                Ok(()) => self.lookups(),
                Err(error) => failed("delete status", &error),
            },
            Command::CreateSource(name) => match self.store.create_source(&name) {
                Ok(_) => self.lookups(),
                Err(error) => failed("add source", &error),
            },
            Command::RenameSource { id, name } => match self.store.rename_source(id, &name) {
                Ok(0) => self.lookups(),
                Ok(changed) => {
                    events.send(self.lookups());
                    Event::BulkDone { changed }
                }
                Err(error) => failed("rename source", &error),
            },
            Command::MoveSource { id, position } => match self.store.move_source(id, position) {
                Ok(()) => self.lookups(),
                Err(error) => failed("move source", &error),
            },
            Command::DeleteSource(id) => match self.store.delete_source(id) {
                Ok(()) => self.lookups(),
                Err(error) => failed("delete source", &error),
            },
            Command::LoadBusinessDomains => answer(
                "list business domains",
                self.store
                    .business_domains(&self.settings.customers.free_mail()),
                Event::BusinessDomains,
            ),
            Command::LoadAudit {
                request,
                filter,
                offset,
                limit,
            } => answer(
                "read the audit log",
                self.store.audit_entries(&filter, Page { offset, limit }),
                |entries| Event::AuditEntries { request, entries },
            ),
            Command::CountListed { query_id, filter } => answer(
                "list customers",
                self.store.count_customers_where(&filter),
                |total| Event::ListCount { query_id, total },
            ),
            Command::ListCustomers {
                query_id,
                filter,
                sort,
                fields,
                offset,
                limit,
            } => answer(
                "list customers",
                self.store
                    .list_customers_where(&filter, &sort, &fields, Page { offset, limit }),
                |rows| Event::ListPage {
                    query_id,
                    offset,
                    rows,
                },
            ),
            Command::ListCalls {
                request,
                filter,
                offset,
                limit,
            } => answer(
                "list calls",
                self.call_page(&self.visible_calls(filter), offset, limit),
                |(total, calls)| Event::CallPage {
                    request,
                    offset,
                    total,
                    calls,
                },
            ),
            Command::SaveCallMemo { id, memo } => answer(
                "save call memo",
                self.store.set_call_memo(id, &memo),
                |()| Event::CallMemoSaved { id },
            ),
            Command::Bulk { ids, action } => self.bulk(&ids, action, events),
            Command::CreateGroup { name, parent } => {
                let done = self.store.create_group(&name, parent).map(|_| ());
                self.groups_changed(done, events)
            }
            Command::RenameGroup { id, name } => {
                let done = self.store.rename_group(id, &name);
                self.groups_changed(done, events)
            }
            Command::DeleteGroup(id) => {
                let done = self.store.delete_group(id);
                self.groups_changed(done, events)
            }
            Command::SaveSettings(settings) => self.save_settings(&settings),
            command @ (Command::LoadSignIn
            | Command::SignIn { .. }
            | Command::CreateFirstAdmin { .. }
            | Command::ChangePassword { .. }
            | Command::SignOut
            | Command::LoadUsers
            | Command::AddUser { .. }
            | Command::ResetPassword { .. }
            | Command::SetUserEnabled { .. }
            | Command::UpdateUser { .. }) => match self.account(command, events) {
                Some(event) => event,
                None => return true,
            },
            command @ (Command::LoadTemplates
            | Command::SaveTemplate { .. }
            | Command::MoveTemplate { .. }
            | Command::DeleteTemplate(_)
            | Command::PreviewTemplate { .. }
            | Command::LoadSenders
            | Command::AddSender { .. }
            | Command::SetSenderLabel { .. }
            | Command::SetSenderEnabled { .. }
            | Command::DeleteSender(_)) => match self.sms_admin(command, events) {
                Some(event) => event,
                None => return true,
            },
        };
        events.send(event)
    }

    fn add_note(&mut self, customer: CustomerId, body: &str) -> Event {
        let body = match NoteBody::new(body) {
            Ok(body) => body,
            Err(invalid) => {
                return Event::Failed {
                    action: "add note",
                    message: invalid.to_string(),
                };
            }
        };
        match self.store.add_note(customer, None, &body) {
            Ok(_) => answer("load customer", self.card(customer), |card| {
                Event::Card(Box::new(card))
            }),
            Err(error) => failed("add note", &error),
        }
    }

    fn bulk(&mut self, ids: &[CustomerId], action: BulkAction, events: &EventSender) -> Event {
        let done = match action {
            BulkAction::AddToGroup(group) => {
                self.store.add_to_group(group, ids).map(|()| ids.len())
            }
            BulkAction::Tag(tag) => self.store.tag_customers(&tag, ids).map(|_| ids.len()),
            BulkAction::Assign(user) => self.store.assign_customers(user, ids).map(|()| ids.len()),
            BulkAction::SetStatus(status) => self
                .store
                .set_customers_status(status, ids)
                .map(|()| ids.len()),
            BulkAction::Delete => self.store.delete_customers(ids),
            BulkAction::Restore => self.store.restore_customers(ids),
        };
        match done {
            Ok(changed) => {
                events.send(Event::BulkDone { changed });
                events.send(self.lookups());
                self.refresh_counts(events)
            }
            Err(error) => failed("change customers", &error),
        }
    }

    /// After a change to the groups: the tree and the lists that name them.
    fn groups_changed(&self, done: store::Result<()>, events: &EventSender) -> Event {
        match done {
            Ok(()) => {
                events.send(self.lookups());
                answer("load groups", self.store.groups(), Event::Groups)
            }
            Err(error) => failed("change groups", &error),
        }
    }

    /// Passes `control` to the PBX thread; false when there is none or it
    /// cannot take more.
    fn to_pbx(&self, control: PbxControl) -> bool {
        self.pbx
            .as_ref()
            .is_some_and(|pbx| pbx.try_send(control).is_ok())
    }

    /// Tells the SMS thread a message is waiting. A full queue already
    /// holds a wake, so a refused one is not missed.
    pub(super) fn wake_outbox(&self) {
        if let Some(sms) = &self.sms {
            sms.try_send(SmsControl::Wake).ok();
        }
    }

    /// Other customers (not `except`) with one of `numbers` or `email`;
    /// a number that does not read as one is nobody's.
    fn holders(
        &self,
        numbers: &[String],
        email: &str,
        except: Option<CustomerId>,
    ) -> store::Result<Vec<Holder>> {
        let mut holders = Vec::new();
        for (index, typed) in numbers.iter().enumerate() {
            let Ok(number) = PhoneNumber::parse(typed, self.region()) else {
                continue;
            };
            for hit in self.store.customers_with_number(&number)? {
                if Some(hit.id) != except {
                    holders.push(Holder {
                        of: HeldBy::Number(index),
                        customer: hit.id,
                        name: hit.name,
                    });
                }
            }
        }
        if !email.trim().is_empty() {
            for (customer, name) in self.store.customers_with_email(email)? {
                if Some(customer) != except {
                    holders.push(Holder {
                        of: HeldBy::Email,
                        customer,
                        name,
                    });
                }
            }
        }
        Ok(holders)
    }

    fn card(&self, id: CustomerId) -> store::Result<CustomerCard> {
        Ok(CustomerCard {
            customer: self.store.customer(id)?,
            calls: self
                .store
                .calls_of_customer(id, Page::first(CARD_HISTORY))?,
            messages: self
                .store
                .messages_of_customer(id, Page::first(CARD_HISTORY))?,
            notes: self.store.notes(id)?,
            timeline: self
                .store
                .customer_timeline(id, Page::first(TIMELINE_PAGE))?,
        })
    }

    /// The call log's total and one page of it, read together so they agree.
    fn call_page(
        &self,
        filter: &CallFilter,
        offset: u32,
        limit: u32,
    ) -> store::Result<(u64, Vec<Call>)> {
        Ok((
            self.store.count_calls_where(filter)?,
            self.store.calls_where(filter, Page { offset, limit })?,
        ))
    }

    pub(super) fn lookups(&self) -> Event {
        let lookups = || -> store::Result<Lookups> {
            Ok(Lookups {
                fields: self.store.field_defs()?,
                statuses: self.store.statuses()?,
                sources: self.store.sources()?,
                users: self.store.users(Page::first(10_000))?,
                tags: self.store.tags()?,
                views: self.store.saved_views(&self.settings.user.name)?,
            })
        };
        answer("load lists", lookups(), |lookups| {
            Event::Lookups(Box::new(lookups))
        })
    }

    fn save_customer(
        &mut self,
        request: super::QueryId,
        id: Option<CustomerId>,
        draft: &CustomerDraft,
        events: &EventSender,
    ) -> Event {
        let fields = match self.store.field_defs() {
            Ok(fields) => fields,
            Err(error) => return failed("save customer", &error),
        };
        let customer = match draft.check(self.region(), &fields) {
            Ok(customer) => customer,
            Err(invalid) => return Event::CustomerRefused { request, invalid },
        };
        let saved = match id {
            Some(id) => self.store.update_customer(id, &customer).map(|()| id),
            None => self.store.create_customer(&customer),
        };
        match saved {
            Ok(id) => {
                events.send(Event::CustomerSaved { request, id });
                // Groups and tags may be new, counts have moved.
                events.send(self.lookups());
                self.refresh_counts(events)
            }
            Err(store::Error::Invalid(invalid)) => Event::CustomerRefused { request, invalid },
            Err(error) => failed("save customer", &error),
        }
    }

    /// After a change to who is in the book: the count and the group tree.
    pub(super) fn refresh_counts(&self, events: &EventSender) -> Event {
        events.send(answer(
            "count customers",
            self.store.count_customers(),
            Event::CustomerCount,
        ));
        answer("load groups", self.store.groups(), Event::Groups)
    }
}

/// Drops work that newer commands in the same batch make pointless: every
/// search but the newest (one per keystroke), and every customer list,
/// call log or message log page but the newest two of each (scrolling overtakes them; the
/// windows ask again for pages still on screen).
fn overtaken_dropped(queue: impl Iterator<Item = Command>) -> Vec<Command> {
    let mut kept: Vec<Command> = queue.collect();
    let last_search = |of: SearchBox| {
        kept.iter().rposition(
            |command| matches!(command, Command::SearchCustomers { from, .. } if *from == of),
        )
    };
    let last_searches = [
        last_search(SearchBox::Main),
        last_search(SearchBox::TemplatePreview),
    ];
    let newest_two = |kept: &[Command], is_page: fn(&Command) -> bool| -> Vec<usize> {
        let pages: Vec<usize> = kept
            .iter()
            .enumerate()
            .filter(|(_, command)| is_page(command))
            .map(|(index, _)| index)
            .collect();
        pages.iter().rev().take(2).copied().collect()
    };
    let customer_pages = newest_two(&kept, |command| {
        matches!(command, Command::ListCustomers { .. })
    });
    let call_pages = newest_two(&kept, |command| {
        matches!(command, Command::ListCalls { .. })
    });
    let message_pages = newest_two(&kept, |command| {
        matches!(command, Command::ListMessages { .. })
    });
    let mut index = 0;
    kept.retain(|command| {
        let keep = match command {
            Command::SearchCustomers { .. } => last_searches.contains(&Some(index)),
            Command::ListCustomers { .. } => customer_pages.contains(&index),
            Command::ListCalls { .. } => call_pages.contains(&index),
            Command::ListMessages { .. } => message_pages.contains(&index),
            _ => true,
        };
        index += 1;
        keep
    });
    kept
}

/// The next command: the queue's first, or a search when only reads are
/// ahead of it (the person is typing; lists can wait a moment).
fn take_next(queue: &mut VecDeque<Command>) -> Option<Command> {
    let search = queue
        .iter()
        .position(|command| matches!(command, Command::SearchCustomers { .. }));
    let jump = search.filter(|&at| queue.iter().take(at).all(only_reads));
    queue.remove(jump.unwrap_or(0))
}

/// True for commands that change nothing.
fn only_reads(command: &Command) -> bool {
    matches!(
        command,
        Command::CountCustomers
            | Command::FindDuplicates { .. }
            | Command::PlanMerge { .. }
            | Command::LoadCard { .. }
            | Command::LoadTimeline { .. }
            | Command::LoadGroups
            | Command::LoadTodayCalls
            | Command::LoadLookups
            | Command::CountFieldValues(_)
            | Command::CountListed { .. }
            | Command::LoadBusinessDomains
            | Command::LoadAudit { .. }
            | Command::ListCustomers { .. }
            | Command::ListCalls { .. }
            | Command::LoadTemplates
            | Command::PreviewTemplate { .. }
            | Command::LoadSenders
            | Command::ListMessages { .. }
    )
}

/// `event(value)` on success, [`Event::Failed`] otherwise.
pub(super) fn answer<T>(
    action: &'static str,
    result: store::Result<T>,
    event: impl FnOnce(T) -> Event,
) -> Event {
    match result {
        Ok(value) => event(value),
        Err(error) => failed(action, &error),
    }
}

pub(super) fn failed(action: &'static str, error: &store::Error) -> Event {
    tracing::error!("{action} failed: {error:#}");
    Event::Failed {
        action,
        message: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::QueryId;

    fn search(id: u64) -> Command {
        Command::SearchCustomers {
            from: SearchBox::Main,
            query_id: QueryId(id),
            text: "김".to_owned(),
            offset: 0,
            limit: 50,
        }
    }

    #[test]
    fn a_search_goes_before_reads_but_not_before_writes() {
        let mut queue: VecDeque<Command> =
            [Command::LoadGroups, Command::LoadLookups, search(1)].into();
        assert_eq!(take_next(&mut queue), Some(search(1)));
        assert_eq!(take_next(&mut queue), Some(Command::LoadGroups));

        let write = Command::DeleteCustomer {
            id: crate::domain::CustomerId(1),
        };
        let mut queue: VecDeque<Command> = [write.clone(), search(2)].into();
        assert_eq!(take_next(&mut queue), Some(write));
    }

    #[test]
    fn only_the_newest_search_and_two_newest_pages_stay() {
        let page = |offset| Command::ListCustomers {
            query_id: QueryId(1),
            filter: Box::default(),
            sort: crate::domain::CustomerSort::default(),
            fields: Vec::new(),
            offset,
            limit: 100,
        };
        let kept = overtaken_dropped(
            [
                search(1),
                page(0),
                search(2),
                page(100),
                page(200),
                Command::LoadGroups,
            ]
            .into_iter(),
        );
        assert_eq!(kept, [search(2), page(100), page(200), Command::LoadGroups]);
    }

    #[test]
    fn each_search_box_keeps_its_newest_search() {
        let preview = |id| Command::SearchCustomers {
            from: SearchBox::TemplatePreview,
            query_id: QueryId(id),
            text: "이".to_owned(),
            offset: 0,
            limit: 8,
        };
        let kept = overtaken_dropped([search(1), preview(2), search(3), preview(4)].into_iter());
        assert_eq!(kept, [search(3), preview(4)]);
    }

    #[test]
    fn call_log_pages_are_overtaken_apart_from_customer_pages() {
        let calls = |offset| Command::ListCalls {
            request: QueryId(1),
            filter: CallFilter::period(crate::domain::Timestamp(0), crate::domain::Timestamp(1)),
            offset,
            limit: 100,
        };
        let customers = Command::ListCustomers {
            query_id: QueryId(1),
            filter: Box::default(),
            sort: crate::domain::CustomerSort::default(),
            fields: Vec::new(),
            offset: 0,
            limit: 100,
        };
        let memo = Command::SaveCallMemo {
            id: crate::domain::CallId(1),
            memo: "다시 전화".to_owned(),
        };
        let kept = overtaken_dropped(
            [
                calls(0),
                customers.clone(),
                memo.clone(),
                calls(100),
                calls(200),
            ]
            .into_iter(),
        );
        assert_eq!(kept, [customers, memo, calls(100), calls(200)]);
    }

    #[test]
    fn message_log_pages_are_overtaken_but_sends_are_kept() {
        let messages = |offset| Command::ListMessages {
            request: QueryId(1),
            filter: crate::domain::MessageFilter::period(
                crate::domain::Timestamp(0),
                crate::domain::Timestamp(1),
            ),
            offset,
            limit: 100,
        };
        let send = Command::SendSms {
            request: QueryId(2),
            draft: Box::default(),
        };
        let kept = overtaken_dropped(
            [messages(0), send.clone(), messages(100), messages(200)].into_iter(),
        );
        assert_eq!(kept, [send, messages(100), messages(200)]);
    }
}
