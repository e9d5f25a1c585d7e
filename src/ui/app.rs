//! The main window, laid out as `CRMmini`'s: menu bar, search box, group tree
//! on the left, today's calls and the selected customer's card in the
//! centre, a status bar at the bottom. It owns view state only; everything
//! it shows comes from the backend as events.

use std::path::PathBuf;

use eframe::egui;

use super::accounts::{ChangePassword, UserManager};
use super::audit_log::AuditLog;
use super::batch_results::BatchResults;
use super::bulk_message::BulkMessage;
use super::bulk_sms::{self, BulkSms};
use super::call_log::CallLog;
use super::call_popup::{self, CallPopups};
use super::customer_form::CustomerForm;
use super::customer_import::CustomerImport;
use super::customer_list::CustomerList;
use super::customer_merge::CustomerMerge;
use super::dial_dialog::DialDialog;
use super::duplicate_finder::DuplicateFinder;
use super::excel_sms::ExcelSms;
use super::field_settings::FieldSettings;
use super::free_sms::FreeSms;
use super::group_manager::GroupManager;
use super::i18n::Texts;
use super::later::{self, Feature};
use super::menu::{self, MenuAction};
use super::message_log::MessageLog;
use super::preferences::Preferences;
use super::sender_numbers::{self, SenderNumbers};
use super::sign_in::{self, Gate};
use super::sms_composer::{self, SmsComposer};
use super::sms_picture::looks_like_jpeg;
use super::sms_templates::{self, SmsTemplates};
use super::source_manager::SourceManager;
use super::status_manager::StatusManager;
use super::{main_view, status_bar};
use crate::backend::{
    Backend, CallChange, Command, CustomerCard, Event, Group, ImportProblem, Limits, LinkState,
    Lookups, OriginateOutcome, QueryId, SearchBox,
};
use crate::config::Settings;
use crate::domain::{Call, CustomerId, CustomerSummary, SenderNumber, Template, User};

/// Rows of search results asked for at a time.
pub const RESULTS_PAGE: u32 = 50;

/// What the window needs to start.
pub struct StartInfo {
    /// The backend, already running.
    pub backend: Backend,
    /// The database file, shown in the window.
    pub database: PathBuf,
    /// The settings as read at start.
    pub settings: Settings,
    /// The user the backend was started signed in as
    /// ([`Backend::spawn_signed_in`]); `None` asks for a sign-in (or the
    /// first admin) before the main view.
    pub signed_in: Option<User>,
}

/// The data the window shows, as the backend last reported it.
#[derive(Default)]
pub struct Shown {
    /// Live customers.
    pub customers: Option<u64>,
    /// The group tree with counts.
    pub groups: Vec<Group>,
    /// Today's calls, newest first.
    pub today_calls: Vec<Call>,
    /// Fields, statuses, users, groups and tags.
    pub lookups: Lookups,
    /// The customer whose card is in the main window.
    pub card: Option<CustomerCard>,
    /// The search box.
    pub search: SearchState,
    /// The last failure, shown in the status bar until the next one.
    pub error: Option<String>,
    /// What click-to-call is doing, in the status bar.
    pub notice: Option<String>,
    /// The PBX link, once the backend has reported it.
    pub pbx: Option<LinkState>,
    /// When the PBX link last changed (for the retry countdown).
    pub pbx_since: Option<std::time::Instant>,
    /// The saved texts (SMS문구) in order, once asked for.
    pub templates: Vec<Template>,
    /// The registered sender numbers, once asked for.
    pub senders: Vec<SenderNumber>,
    /// The SMS gateway as it last reported itself.
    pub sms_gateway: Option<SmsGatewayState>,
}

/// What the status bar shows of the SMS gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsGatewayState {
    /// Its name (`dry-run`, `Kannel`…).
    pub name: String,
    /// Messages its credit pays for, when it sells credit.
    pub balance: Option<u64>,
    /// Why it cannot be used or its credit not read.
    pub problem: Option<String>,
}

/// The search box and its results.
#[derive(Default)]
pub struct SearchState {
    /// What is typed.
    pub text: String,
    /// The newest search asked.
    pub query: QueryId,
    /// Results of the newest search.
    pub hits: Vec<CustomerSummary>,
    /// Whether more results exist.
    pub has_more: bool,
    /// Whether the newest search has been answered.
    pub answered: bool,
}

/// The eframe application.
pub struct RingdeskApp {
    backend: Backend,
    gate: Gate,
    change_password: Option<ChangePassword>,
    user_manager: Option<UserManager>,
    users: Vec<User>,
    texts: Texts,
    settings: Settings,
    shown: Shown,
    next_request: u64,
    forms: Vec<CustomerForm>,
    list: Option<CustomerList>,
    call_log: Option<CallLog>,
    field_settings: Option<FieldSettings>,
    statuses: Option<StatusManager>,
    sources: Option<SourceManager>,
    audit_log: Option<AuditLog>,
    groups: Option<GroupManager>,
    preferences: Option<Preferences>,
    sms_templates: Option<SmsTemplates>,
    sender_numbers: Option<SenderNumbers>,
    composers: Vec<SmsComposer>,
    next_composer: u64,
    message_log: Option<MessageLog>,
    batch_results: Option<BatchResults>,
    excel_sms: Option<ExcelSms>,
    customer_import: Option<CustomerImport>,
    duplicates: Option<DuplicateFinder>,
    merge: Option<CustomerMerge>,
    bulk_sms: Option<BulkSms>,
    free_sms: Option<FreeSms>,
    later: Vec<Feature>,
    /// 전화걸기, opened by a `tel:` / `callto:` link.
    dial: Option<DialDialog>,
    popups: CallPopups,
    focus_search: bool,
    first_frame_drawn: bool,
}

impl RingdeskApp {
    /// An app talking to `info.backend`; asks for what the main window shows at once.
    #[must_use]
    pub fn new(info: StartInfo) -> Self {
        tracing::info!(database = %info.database.display(), "window started");
        let gate = match info.signed_in {
            Some(user) => Gate::Open(user),
            None => Gate::Waiting,
        };
        let app = Self {
            backend: info.backend,
            gate,
            change_password: None,
            user_manager: None,
            users: Vec::new(),
            texts: Texts::new(info.settings.ui.language),
            settings: info.settings,
            shown: Shown::default(),
            next_request: 1,
            forms: Vec::new(),
            list: None,
            call_log: None,
            field_settings: None,
            statuses: None,
            sources: None,
            audit_log: None,
            groups: None,
            preferences: None,
            sms_templates: None,
            sender_numbers: None,
            composers: Vec::new(),
            next_composer: 0,
            message_log: None,
            batch_results: None,
            excel_sms: None,
            customer_import: None,
            duplicates: None,
            merge: None,
            bulk_sms: None,
            free_sms: None,
            later: Vec::new(),
            dial: None,
            popups: CallPopups::default(),
            focus_search: true,
            first_frame_drawn: false,
        };
        if matches!(app.gate, Gate::Waiting) {
            app.send(Command::LoadSignIn);
        }
        for command in [
            Command::CountCustomers,
            Command::LoadGroups,
            Command::LoadTodayCalls,
            Command::LoadLookups,
        ] {
            app.send(command);
        }
        app
    }

    /// The signed-in user, once there is one.
    #[must_use]
    pub fn signed_in(&self) -> Option<&User> {
        self.gate.user()
    }

    /// Sign-in and user events.
    fn account_event(&mut self, event: Event) {
        match event {
            Event::SignInState { first_run } if !matches!(self.gate, Gate::Open(_)) => {
                self.gate = if first_run {
                    Gate::FirstRun(sign_in::FirstRun::default())
                } else {
                    Gate::SignIn(sign_in::SignIn::new(&self.settings.user.last_login))
                };
            }
            Event::SignedIn(user) => {
                self.settings.user.last_login.clone_from(&user.login);
                self.gate = Gate::Open(user);
                // Saved views and the assignee lists depend on who this is.
                self.send(Command::LoadLookups);
            }
            Event::AccountDone { request } => {
                if let Some(window) = &mut self.change_password {
                    window.answered(&self.texts, request, None);
                }
                if let Some(window) = &mut self.user_manager {
                    window.answered(&self.texts, request, None);
                }
            }
            Event::AccountRefused { request, problem } => {
                self.gate.refused(&self.texts, request, &problem);
                if let Some(window) = &mut self.change_password {
                    window.answered(&self.texts, request, Some(&problem));
                }
                if let Some(window) = &mut self.user_manager {
                    window.answered(&self.texts, request, Some(&problem));
                }
            }
            Event::Users(users) => self.users = users,
            _ => {}
        }
    }

    /// The sign-in or first-run form in place of the main view.
    fn gate_ui(&mut self, ui: &mut egui::Ui) {
        let mut next = self.next_request;
        let mut request = || {
            next += 1;
            QueryId(next)
        };
        let command = egui::CentralPanel::default()
            .show(ui, |ui| self.gate.show(ui, &self.texts, &mut request))
            .inner;
        self.next_request = next;
        if let Some(command) = command {
            self.send(command);
        }
    }

    /// 비밀번호변경 and 사용자 관리, when open.
    fn account_windows(&mut self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        let mut next = self.next_request;
        let mut request = || {
            next += 1;
            QueryId(next)
        };
        if let Some(window) = &mut self.change_password
            && !window.show(ctx, &self.texts, &mut request, commands)
        {
            self.change_password = None;
        }
        if let Some(window) = &mut self.user_manager
            && !window.show(ctx, &self.texts, &self.users, &mut request, commands)
        {
            self.user_manager = None;
        }
        self.next_request = next;
    }

    /// The texts in the window's language (for tests).
    #[must_use]
    pub fn texts(&self) -> &Texts {
        &self.texts
    }

    /// Handles `event` as if the backend had just sent it. Tests use it to
    /// play the part of services that are not running (the SMS outbox
    /// worker's state changes, a gateway's credit report).
    pub fn receive(&mut self, event: Event, ctx: &egui::Context) {
        self.handle(event, ctx);
    }

    /// The 엑셀문자발송 window, when open (tests load and save files
    /// through it, as its dialogs cannot be driven).
    pub fn excel_sms(&mut self) -> Option<&mut ExcelSms> {
        self.excel_sms.as_mut()
    }

    /// The 고객목록 window, when open (tests export through it, as its
    /// save dialog cannot be driven).
    pub fn customer_list(&mut self) -> Option<&mut CustomerList> {
        self.list.as_mut()
    }

    /// The 고객 가져오기 window, when open (tests save its report through
    /// it, as its dialogs cannot be driven).
    pub fn customer_import(&mut self) -> Option<&mut CustomerImport> {
        self.customer_import.as_mut()
    }

    /// Opens 전화걸기 on the number in `link` (`tel:…`, `callto:…` or a
    /// plain number), in place of one already open.
    pub fn open_dial(&mut self, link: &str) {
        let request = self.request_id();
        let (dialog, lookup) = DialDialog::new(link, self.settings.phone.default_region, request);
        self.dial = Some(dialog);
        if let Some(lookup) = lookup {
            self.send(lookup);
        }
    }

    /// 전화걸기, when open (tests read the number it shows).
    #[must_use]
    pub fn dial_dialog(&self) -> Option<&DialDialog> {
        self.dial.as_ref()
    }

    fn send(&self, command: Command) -> bool {
        match self.backend.send(command) {
            Ok(()) => true,
            Err(error) => {
                tracing::warn!("{error}");
                false
            }
        }
    }

    fn request_id(&mut self) -> QueryId {
        self.next_request += 1;
        QueryId(self.next_request)
    }

    #[expect(clippy::too_many_lines, reason = "one arm per event, each short")]
    fn handle(&mut self, event: Event, ctx: &egui::Context) {
        match event {
            Event::CustomerCount(count) => self.shown.customers = Some(count),
            Event::SearchResults {
                query_id,
                hits,
                has_more,
            } => {
                if let Some(window) = &mut self.sms_templates
                    && window.search_results(query_id, &hits)
                {
                    return;
                }
                if query_id == self.shown.search.query {
                    self.shown.search.hits = hits;
                    self.shown.search.has_more = has_more;
                    self.shown.search.answered = true;
                }
            }
            Event::Timeline { id, page } => {
                for form in &mut self.forms {
                    form.timeline_loaded(id, &page);
                }
            }
            Event::Card(card) => {
                for form in &mut self.forms {
                    form.card_loaded(&card, &self.shown.lookups);
                }
                for composer in &mut self.composers {
                    composer.card_loaded(&card);
                }
                // A card 대량문자발송 asked for is not the main window's pick.
                let for_bulk = self
                    .bulk_sms
                    .as_mut()
                    .is_some_and(|window| window.card_loaded(&card));
                if self
                    .shown
                    .card
                    .as_ref()
                    .is_some_and(|shown| shown.customer.id == card.customer.id)
                    || (self.shown.card.is_none() && !for_bulk)
                {
                    self.shown.card = Some(*card);
                }
            }
            Event::Groups(groups) => self.shown.groups = groups,
            Event::TodayCalls(calls) => self.shown.today_calls = calls,
            Event::Lookups(lookups) => {
                self.shown.lookups = *lookups;
                if let Some(list) = &mut self.list {
                    list.lookups_changed(&self.shown.lookups);
                }
            }
            Event::CustomerSaved { request, id } => {
                for form in &mut self.forms {
                    form.saved(request, id);
                }
                self.send(Command::LoadCard { id });
                if let Some(list) = &mut self.list {
                    list.refresh();
                }
                self.rerun_search();
            }
            Event::HandedOver { dial } => {
                ctx.send_viewport_cmd(egui::ViewportCommand::Minimized(false));
                ctx.send_viewport_cmd(egui::ViewportCommand::Focus);
                if let Some(link) = dial {
                    self.open_dial(&link);
                }
            }
            Event::Holders { request, holders } => {
                if let Some(dialog) = &mut self.dial {
                    dialog.holders_found(request, &holders);
                }
                for form in &mut self.forms {
                    form.holders_found(request, holders.clone());
                }
            }
            Event::CustomerRefused { request, invalid } => {
                for form in &mut self.forms {
                    form.refused(request, &invalid);
                }
            }
            Event::CustomerDeleted(id) => {
                self.forms.retain(|form| form.customer_id() != Some(id));
                if self
                    .shown
                    .card
                    .as_ref()
                    .is_some_and(|card| card.customer.id == id)
                {
                    self.shown.card = None;
                }
                if let Some(list) = &mut self.list {
                    list.refresh();
                }
                self.rerun_search();
            }
            Event::FieldUsage { id, customers } => {
                if let Some(dialog) = &mut self.field_settings {
                    dialog.usage(id, customers);
                }
            }
            event @ (Event::SignInState { .. }
            | Event::SignedIn(_)
            | Event::AccountDone { .. }
            | Event::AccountRefused { .. }
            | Event::Users(_)) => self.account_event(event),
            Event::SettingsSaved(settings) => {
                self.set_language(settings.ui.language, ctx);
                self.settings = *settings;
                self.preferences = None;
                // The default country decides how numbers are read.
                self.rerun_search();
            }
            Event::Templates(templates) => self.shown.templates = templates,
            Event::TemplateSaved { request, id } => {
                if let Some(window) = &mut self.sms_templates {
                    window.saved(&self.texts, request, id);
                }
            }
            Event::TemplateRefused { request, invalid } => {
                if let Some(window) = &mut self.sms_templates {
                    window.refused(&self.texts, request, &invalid);
                }
            }
            Event::TemplatePreview {
                request,
                name,
                text,
                empty,
            } => {
                if let Some(window) = &mut self.sms_templates {
                    window.preview_arrived(request, name, text, empty);
                }
            }
            Event::Senders(senders) => self.shown.senders = senders,
            Event::SenderSaved { request, .. } => {
                if let Some(window) = &mut self.sender_numbers {
                    window.saved(request);
                }
            }
            Event::SenderRefused { request, invalid } => {
                if let Some(window) = &mut self.sender_numbers {
                    let data = sender_numbers::Data {
                        senders: &self.shown.senders,
                        templates: &self.shown.templates,
                        region: self.settings.phone.default_region,
                    };
                    window.refused(&self.texts, &data, request, &invalid);
                }
            }
            Event::AuditEntries { request, entries } => {
                if let Some(log) = &mut self.audit_log {
                    log.arrived(request, entries);
                }
            }
            Event::BusinessDomains(domains) => {
                if let Some(list) = &mut self.list {
                    list.business_domains_arrived(domains);
                }
            }
            Event::ListCount { query_id, total } => {
                if let Some(list) = &mut self.list {
                    list.count_arrived(query_id, total);
                }
            }
            Event::ListPage {
                query_id,
                offset,
                rows,
            } => {
                if let Some(list) = &mut self.list {
                    list.page_arrived(query_id, offset, rows);
                }
            }
            Event::CallPage {
                request,
                offset,
                total,
                calls,
            } => {
                if let Some(log) = &mut self.call_log {
                    log.page_arrived(request, offset, total, calls);
                }
            }
            Event::CallMemoSaved { id } => {
                if let Some(log) = &mut self.call_log {
                    log.memo_saved(id);
                }
                // The card's calls tab shows memos too.
                if let Some(card) = &self.shown.card
                    && card.calls.iter().any(|call| call.id == id)
                {
                    self.send(Command::LoadCard {
                        id: card.customer.id,
                    });
                }
            }
            Event::DuplicatesFound {
                request,
                sets,
                more,
                last_merge,
            } => {
                if let Some(finder) = &mut self.duplicates {
                    finder.found(request, sets, more, last_merge);
                }
            }
            Event::MergePlanned { request, plan } => {
                if let Some(window) = &mut self.merge {
                    window.planned(request, plan);
                }
            }
            Event::MergeRefused { request, message } => {
                if let Some(window) = self.merge.as_mut().filter(|w| w.asked(request)) {
                    window.refused(request, message);
                } else if let Some(finder) = &mut self.duplicates {
                    finder.tell(message);
                } else {
                    self.shown.error = Some(message);
                }
            }
            Event::Merged { request, record } => {
                if let Some(window) = &mut self.merge {
                    window.merged(request, record);
                }
                self.merges_changed();
            }
            Event::MergeUndone { request, record } => {
                if let Some(window) = &mut self.merge {
                    window.undone();
                }
                if let Some(finder) = &mut self.duplicates
                    && finder.request() == request
                {
                    finder.tell(self.texts.get("merge.undone").to_owned());
                }
                tracing::debug!(merge = record.id, "merge undone");
                self.merges_changed();
            }
            Event::ImportPrepared { request, plan } => {
                if let Some(window) = &mut self.customer_import {
                    window.prepared(request, plan);
                }
            }
            Event::ImportRefused { request, problem } => {
                if let Some(window) = &mut self.customer_import {
                    window.import_refused(request, problem);
                }
            }
            Event::ImportMappingSaved {
                request,
                name,
                result,
            } => {
                if let Some(window) = &mut self.customer_import {
                    window.mapping_saved(request, name, result);
                }
            }
            Event::ImportProgress {
                request,
                phase,
                done,
                total,
            } => {
                if let Some(window) = &mut self.customer_import {
                    window.progress(request, phase, done, total);
                }
            }
            Event::Imported {
                request,
                imported,
                updated,
            } => {
                tracing::info!(imported, updated, "customers imported");
                if let Some(window) = &mut self.customer_import {
                    window.imported(request, imported, updated);
                }
                if let Some(list) = &mut self.list {
                    list.refresh();
                }
                self.rerun_search();
            }
            Event::BulkDone { changed } => {
                tracing::info!(changed, "bulk change done");
                if let Some(list) = &mut self.list {
                    list.refresh();
                }
                self.rerun_search();
                // Open cards show the reassignment, group or tag in their history.
                let open: Vec<_> = self
                    .forms
                    .iter()
                    .filter_map(CustomerForm::customer_id)
                    .collect();
                for id in open {
                    self.send(Command::LoadCard { id });
                }
            }
            Event::PbxLink(state) => {
                self.shown.pbx = Some(state);
                self.shown.pbx_since = Some(std::time::Instant::now());
            }
            Event::CallRinging(popup) => {
                self.popups.ringing(*popup, self.settings.pbx.pop_on);
                if self.popups.any_visible() {
                    // A minimised window runs no `ui`; the pop-up is drawn there.
                    ctx.send_viewport_cmd(egui::ViewportCommand::RequestPaintWhileHidden);
                }
            }
            Event::CallChanged {
                change, call, id, ..
            } => {
                self.popups.changed(change, &call, id);
                // The call is in the log now: today's calls and the call log show it.
                self.send(Command::LoadTodayCalls);
                if let Some(log) = &mut self.call_log {
                    log.refresh();
                }
                if change == CallChange::Answered {
                    ctx.send_viewport_cmd(egui::ViewportCommand::RequestPaintWhileHidden);
                }
            }
            Event::Dialled { number, outcome } => {
                let (key, reason) = match &outcome {
                    OriginateOutcome::Dialling => ("dial.dialling", String::new()),
                    OriginateOutcome::NotConnected => ("dial.not_connected", String::new()),
                    OriginateOutcome::NotPermitted(reason) => {
                        ("dial.not_permitted", reason.clone())
                    }
                    OriginateOutcome::AgentDidNotAnswer => ("dial.agent_no_answer", String::new()),
                    OriginateOutcome::NumberInvalid => ("dial.number_invalid", String::new()),
                    OriginateOutcome::Failed(reason) => ("dial.failed", reason.clone()),
                };
                let text = self
                    .texts
                    .fmt(key, &[("number", &number), ("reason", &reason)]);
                if outcome == OriginateOutcome::Dialling {
                    self.shown.notice = Some(text);
                } else {
                    self.shown.notice = None;
                    self.shown.error = Some(text);
                }
            }
            Event::SmsQueued { request, id } => {
                for composer in &mut self.composers {
                    if composer.queued(request, id) {
                        break;
                    }
                }
            }
            Event::SmsRefused { request, problems } => {
                for composer in &mut self.composers {
                    if composer.refused(request, &problems) {
                        break;
                    }
                }
            }
            Event::MessagePage {
                request,
                offset,
                total,
                rows,
                customers,
            } => {
                if let Some(log) = &mut self.message_log {
                    log.page_arrived(request, offset, total, rows, customers);
                }
            }
            Event::PictureLoaded {
                request,
                path,
                picture,
            } => {
                let taken = self
                    .composers
                    .iter_mut()
                    .any(|composer| composer.picture_loaded(request, &path, &picture));
                if !taken {
                    self.bulk_editors()
                        .any(|editor| editor.picture_loaded(request, &path, &picture));
                }
            }
            Event::PictureRefused { request, error } => {
                let taken = self
                    .composers
                    .iter_mut()
                    .any(|composer| composer.picture_refused(request, &error));
                if !taken {
                    self.bulk_editors()
                        .any(|editor| editor.picture_refused(request, &error));
                }
            }
            Event::MessageResent { .. } => {
                if let Some(log) = &mut self.message_log {
                    log.resent(&self.texts);
                }
            }
            Event::MessageChanged(message) => {
                for composer in &mut self.composers {
                    composer.message_changed(&message);
                }
                self.messages_changed(message.customer_id);
            }
            Event::MessageReceived(message) => self.messages_changed(message.customer_id),
            Event::SmsGateway {
                name,
                balance,
                problem,
            } => {
                self.shown.sms_gateway = Some(SmsGatewayState {
                    name,
                    balance,
                    problem,
                });
            }
            Event::SheetRead {
                request,
                path,
                workbook,
            } => match (&mut self.customer_import, &mut self.excel_sms) {
                (Some(window), _) if window.asked_to_read(request) => {
                    window.sheet_read(request, path, *workbook);
                }
                (_, Some(window)) => {
                    window.sheet_read(request, path, *workbook);
                }
                _ => {}
            },
            Event::SheetProgress {
                request,
                stage,
                done,
                total,
            } => {
                if let Some(window) = &mut self.customer_import {
                    window.sheet_progress(request, stage, done, total);
                }
            }
            Event::SheetRefused { request, error } => {
                if let Some(window) = &mut self.customer_import {
                    window.sheet_refused(request, error.clone());
                }
                if let Some(window) = &mut self.excel_sms {
                    window.sheet_refused(request, error);
                }
            }
            Event::SheetSorted { request, targets } => {
                if let Some(window) = &mut self.excel_sms {
                    window.sheet_sorted(request, targets);
                }
            }
            Event::Exported {
                request, result, ..
            } if self
                .customer_import
                .as_mut()
                .is_some_and(|window| window.exported(request, result.clone())) => {}
            Event::Exported {
                request, result, ..
            } if self
                .excel_sms
                .as_mut()
                .is_some_and(|window| window.exported(request, result.clone())) => {}
            Event::Exported {
                request, result, ..
            } if self
                .list
                .as_mut()
                .is_some_and(|window| window.exported(request, result.clone())) => {}
            Event::Candidates {
                request,
                candidates,
            } => {
                if let Some(window) = &mut self.bulk_sms {
                    window.candidates_arrived(&self.texts, request, candidates);
                }
            }
            Event::FreeNumbersSorted { request, numbers } => {
                if let Some(window) = &mut self.free_sms {
                    window.numbers_sorted(request, numbers);
                }
            }
            Event::BatchStarted { request, id } => {
                if let Some(window) = &mut self.free_sms {
                    window.started(request, id);
                }
                if let Some(window) = &mut self.excel_sms {
                    window.started(request, id);
                }
                if let Some(window) = &mut self.bulk_sms {
                    window.started(request, id);
                }
            }
            Event::BatchRefused { request, problem } => {
                if let Some(window) = &mut self.free_sms {
                    window.refused(request, &problem);
                }
                if let Some(window) = &mut self.excel_sms {
                    window.refused(request, &problem);
                }
                if let Some(window) = &mut self.bulk_sms {
                    window.refused(request, &problem);
                }
            }
            Event::BatchProgress(summary) => {
                if let Some(window) = &mut self.batch_results {
                    window.progress(&self.texts, *summary);
                }
            }
            Event::BatchPage {
                request,
                total,
                offset,
                rows,
            } => {
                if let Some(window) = &mut self.batch_results {
                    window.page_arrived(request, total, offset, rows);
                }
            }
            Event::RecipientPage {
                request,
                batch,
                offset,
                rows,
            } => {
                if let Some(window) = &mut self.batch_results {
                    window.recipient_page(request, batch, offset, rows);
                }
            }
            Event::Exported {
                request,
                path,
                result,
            } => {
                if let Some(window) = &mut self.batch_results {
                    window.exported(&self.texts, request, &path, &result);
                }
            }
            Event::NotAllowed { request, needs } => {
                let message = self.texts.fmt(
                    "account.not_allowed",
                    &[("role", &sign_in::role_name(&self.texts, needs))],
                );
                let for_audit = self
                    .audit_log
                    .as_mut()
                    .is_some_and(|log| log.refused(request, &message));
                let for_import = !for_audit
                    && self.customer_import.as_mut().is_some_and(|window| {
                        window.import_refused(request, ImportProblem::Failed(message.clone()))
                    });
                if !for_audit
                    && !for_import
                    && let Some(list) = &mut self.list
                {
                    list.exported(request, Err(message.clone()));
                }
                self.shown.error = Some(message);
            }
            Event::Failed { action, message } => {
                if let Some(list) = &mut self.list {
                    list.failed(action, &message);
                }
                if let Some(log) = &mut self.call_log {
                    log.failed(action, &message);
                }
                for form in &mut self.forms {
                    form.failed(action, &message);
                }
                if let Some(window) = &mut self.sms_templates {
                    window.failed(action, &message);
                }
                if let Some(window) = &mut self.sender_numbers {
                    window.failed(action, &message);
                }
                for composer in &mut self.composers {
                    composer.failed(action, &message);
                }
                if let Some(log) = &mut self.message_log {
                    log.failed(action, &message);
                }
                if let Some(window) = &mut self.batch_results {
                    window.failed(&self.texts, action, &message);
                }
                if let Some(window) = &mut self.free_sms {
                    window.failed(action, &message);
                }
                if let Some(window) = &mut self.excel_sms {
                    window.failed(action, &message);
                }
                if let Some(window) = &mut self.bulk_sms {
                    window.failed(action, &message);
                }
                self.shown.error = Some(format!("{action}: {message}"));
            }
        }
    }

    /// Texts and fonts for `language`; the fonts were read at start, so
    /// this touches no file.
    fn set_language(&mut self, language: crate::config::Language, ctx: &egui::Context) {
        if self.texts.language() != language {
            self.texts = Texts::new(language);
            super::fonts::install_cjk(ctx, language);
        }
    }

    /// A message of `customer`'s (or nobody's) was queued, changed or
    /// received: the message log asks its page again, and the card shows
    /// the customer's messages afresh.
    fn messages_changed(&mut self, customer: Option<CustomerId>) {
        if let Some(log) = &mut self.message_log {
            log.refresh();
        }
        let Some(customer) = customer else {
            return;
        };
        // The main view's card and open card windows show it in 이력.
        let shown = self
            .shown
            .card
            .as_ref()
            .is_some_and(|card| card.customer.id == customer);
        let open = self
            .forms
            .iter()
            .any(|form| form.customer_id() == Some(customer));
        if shown || open {
            self.send(Command::LoadCard { id: customer });
        }
    }

    /// Opens a composer for `number`, written to `customer` when known.
    fn open_composer(&mut self, number: &str, customer: Option<CustomerId>) {
        self.next_composer += 1;
        let card = customer.and_then(|id| {
            self.shown
                .card
                .as_ref()
                .filter(|card| card.customer.id == id)
                .map(|card| &card.customer)
        });
        let composer = SmsComposer::new(self.next_composer, number, card, customer);
        let wants_card = composer.wants_card();
        self.composers.push(composer);
        // Saved texts and sender numbers to choose from, fields that are
        // placeholders too, and the customer when only the id is known.
        for command in [
            Command::LoadTemplates,
            Command::LoadSenders,
            Command::LoadLookups,
        ]
        .into_iter()
        .chain(wants_card.map(|id| Command::LoadCard { id }))
        {
            self.send(command);
        }
    }

    fn rerun_search(&mut self) {
        if !self.shown.search.text.trim().is_empty() {
            self.search_changed();
        }
    }

    fn search_changed(&mut self) {
        self.shown.search.query = self.request_id();
        self.shown.search.answered = false;
        if self.shown.search.text.trim().is_empty() {
            self.shown.search.hits.clear();
            self.shown.search.has_more = false;
            return;
        }
        self.send(Command::SearchCustomers {
            from: SearchBox::Main,
            query_id: self.shown.search.query,
            text: self.shown.search.text.clone(),
            offset: 0,
            limit: RESULTS_PAGE,
        });
    }

    fn select_customer(&mut self, id: CustomerId) {
        if self
            .shown
            .card
            .as_ref()
            .is_none_or(|card| card.customer.id != id)
        {
            self.shown.card = None;
        }
        self.send(Command::LoadCard { id });
    }

    fn open_form(&mut self, id: Option<CustomerId>) {
        if let Some(id) = id
            && self.forms.iter().any(|form| form.customer_id() == Some(id))
        {
            return;
        }
        let card = id.and_then(|id| {
            self.shown
                .card
                .as_ref()
                .filter(|card| card.customer.id == id)
        });
        let form = CustomerForm::new(id, card, &self.shown.lookups);
        if let Some(id) = id {
            self.send(Command::LoadCard { id });
        }
        self.forms.push(form);
    }

    /// After a merge or its undo: the list, the search and the finder
    /// show the customers as they are now.
    fn merges_changed(&mut self) {
        if let Some(list) = &mut self.list {
            list.refresh();
        }
        self.rerun_search();
        let mut commands = Vec::new();
        if let Some(finder) = &mut self.duplicates {
            finder.refresh(&mut self.next_request, &mut commands);
        }
        for command in commands {
            self.send(command);
        }
    }

    /// 중복 고객 찾기 and 고객 병합.
    fn merge_windows(&mut self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        if let Some(finder) = &mut self.duplicates {
            let outcome = finder.show(ctx, &self.texts);
            if outcome.undo {
                finder.undo(&mut self.next_request, commands);
            }
            if let Some((keep, other)) = outcome.merge {
                self.merge = Some(CustomerMerge::new(
                    keep,
                    other,
                    &mut self.next_request,
                    commands,
                ));
            }
            if outcome.closed {
                self.duplicates = None;
            }
        }
        if let Some(window) = &mut self.merge
            && window
                .show(ctx, &self.texts, &mut self.next_request, commands)
                .closed
        {
            self.merge = None;
        }
    }

    fn open_list(&mut self, group: Option<crate::domain::GroupId>) {
        let list = self
            .list
            .get_or_insert_with(|| CustomerList::new(&self.settings));
        list.show_group(group);
    }

    /// Asks for what the windows that write texts choose from: saved
    /// texts, sender numbers, and fields (placeholders too).
    fn load_for_texts(&mut self) {
        for command in [
            Command::LoadTemplates,
            Command::LoadSenders,
            Command::LoadLookups,
        ] {
            self.send(command);
        }
    }

    /// 로그아웃: every window of the signed-in user closes and the sign-in
    /// form comes back; a card with unsaved changes asks first instead.
    fn sign_out(&mut self) {
        if self.forms.iter().any(CustomerForm::is_dirty) {
            for form in &mut self.forms {
                form.ask_to_close();
            }
            self.shown.notice = Some(self.texts.get("account.sign_out_unsaved").to_owned());
            return;
        }
        self.change_password = None;
        self.user_manager = None;
        self.users.clear();
        self.forms.clear();
        self.list = None;
        self.call_log = None;
        self.field_settings = None;
        self.statuses = None;
        self.audit_log = None;
        self.groups = None;
        self.preferences = None;
        self.sms_templates = None;
        self.sender_numbers = None;
        self.composers.clear();
        self.message_log = None;
        self.batch_results = None;
        self.excel_sms = None;
        self.customer_import = None;
        self.duplicates = None;
        self.merge = None;
        self.bulk_sms = None;
        self.free_sms = None;
        self.later.clear();
        self.dial = None;
        self.shown.search = SearchState::default();
        self.shown.card = None;
        self.shown.notice = None;
        self.shown.error = None;
        self.gate = Gate::SignIn(sign_in::SignIn::new(&self.settings.user.last_login));
        self.send(Command::SignOut);
    }

    /// Whether the signed-in user may take `action` (the backend refuses
    /// it otherwise; the window greys it out).
    fn may(&self, action: crate::domain::Action) -> bool {
        self.gate
            .user()
            .is_some_and(|user| user.role.may(action).is_ok())
    }

    #[expect(clippy::too_many_lines, reason = "one short arm per menu entry")]
    fn menu_action(&mut self, action: MenuAction, ctx: &egui::Context) {
        match action {
            MenuAction::Preferences => {
                self.preferences = Some(Preferences::new(
                    &self.settings,
                    self.may(crate::domain::Action::ChangeDeskSettings),
                ));
            }
            MenuAction::FieldSettings => {
                self.field_settings = Some(FieldSettings::default());
                self.send(Command::LoadLookups);
            }
            MenuAction::Statuses => {
                self.statuses = Some(StatusManager::default());
                self.send(Command::LoadLookups);
            }
            MenuAction::Sources => {
                self.sources = Some(SourceManager::default());
                self.send(Command::LoadLookups);
            }
            MenuAction::Groups => self.groups = Some(GroupManager::default()),
            MenuAction::AuditLog => {
                let mut commands = Vec::new();
                self.audit_log = Some(AuditLog::open(&mut commands, &self.texts));
                for command in commands {
                    self.send(command);
                }
            }
            MenuAction::CustomerList => self.open_list(None),
            MenuAction::NewCustomer => self.open_form(None),
            MenuAction::CallLog => {
                let region = self.settings.phone.default_region;
                self.call_log
                    .get_or_insert_with(|| CallLog::new(region))
                    .refresh();
            }
            MenuAction::SmsTemplates => {
                if self.sms_templates.is_none() {
                    self.sms_templates = Some(SmsTemplates::default());
                }
                // Senders to pick from, fields that are placeholders too.
                self.load_for_texts();
            }
            MenuAction::SenderNumbers => {
                if self.sender_numbers.is_none() {
                    self.sender_numbers = Some(SenderNumbers::default());
                }
                // The templates say which texts a deleted number leaves without one.
                for command in [Command::LoadSenders, Command::LoadTemplates] {
                    self.send(command);
                }
            }
            MenuAction::MessageLog => {
                self.message_log
                    .get_or_insert_with(|| MessageLog::new(false))
                    .set_results(false);
            }
            MenuAction::SmsResults => {
                self.batch_results
                    .get_or_insert_with(BatchResults::new)
                    .refresh();
            }
            MenuAction::FindDuplicates => {
                let mut commands = Vec::new();
                self.duplicates
                    .get_or_insert_with(DuplicateFinder::default)
                    .refresh(&mut self.next_request, &mut commands);
                for command in commands {
                    self.send(command);
                }
            }
            MenuAction::ImportCustomers => {
                self.customer_import
                    .get_or_insert_with(CustomerImport::default);
            }
            MenuAction::ExcelSms => {
                self.excel_sms.get_or_insert_with(ExcelSms::default);
                // Saved texts and sender numbers to choose from.
                self.load_for_texts();
            }
            MenuAction::BulkSms => {
                self.bulk_sms.get_or_insert_with(BulkSms::new);
                // The group tree to tick, the filter's choices, and the
                // editor's saved texts and sender numbers.
                for command in [
                    Command::LoadGroups,
                    Command::LoadLookups,
                    Command::LoadTemplates,
                    Command::LoadSenders,
                ] {
                    self.send(command);
                }
            }
            MenuAction::FreeSms => {
                self.free_sms.get_or_insert_with(FreeSms::default);
                // Saved texts and sender numbers to choose from, fields
                // that are placeholders too.
                self.load_for_texts();
            }
            MenuAction::ChangePassword => {
                self.change_password
                    .get_or_insert_with(ChangePassword::default);
            }
            MenuAction::SignOut => self.sign_out(),
            MenuAction::Users => {
                self.user_manager.get_or_insert_with(UserManager::default);
                self.send(Command::LoadUsers);
            }
            MenuAction::Later(feature) => {
                if !self.later.contains(&feature) {
                    self.later.push(feature);
                }
            }
            MenuAction::Exit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
        }
    }

    /// SMS문구 and 발신번호, when open.
    fn sms_windows(&mut self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        let region = self.settings.phone.default_region;
        if let Some(window) = &mut self.sms_templates {
            let data = sms_templates::Data {
                templates: &self.shown.templates,
                senders: &self.shown.senders,
                fields: &self.shown.lookups.fields,
                limits: Limits::from(&self.settings.sms),
                region,
            };
            if !window.show(ctx, &self.texts, &data, &mut self.next_request, commands) {
                self.sms_templates = None;
            }
        }
        let data = sms_composer::Data {
            templates: &self.shown.templates,
            senders: &self.shown.senders,
            fields: &self.shown.lookups.fields,
            settings: &self.settings.sms,
            region,
        };
        for composer in &mut self.composers {
            composer.show(ctx, &self.texts, &data, &mut self.next_request, commands);
        }
        self.composers.retain(|composer| !composer.is_closed());
        let balance = self
            .shown
            .sms_gateway
            .as_ref()
            .and_then(|gateway| gateway.balance);
        let mut results = None;
        if let Some(window) = &mut self.free_sms {
            window.show(
                ctx,
                &self.texts,
                &data,
                balance,
                &mut self.next_request,
                commands,
            );
            results = window.wants_results();
            if window.is_closed() {
                self.free_sms = None;
            }
        }
        if let Some(window) = &mut self.excel_sms {
            let open = window.show(
                ctx,
                &self.texts,
                &data,
                balance,
                &mut self.next_request,
                commands,
            );
            results = results.or(window.wants_results());
            if !open {
                self.excel_sms = None;
            }
        }
        if results.is_some() {
            self.menu_action(MenuAction::SmsResults, ctx);
        }
        self.picture_dropped(ctx, commands);
        if let Some(window) = &mut self.sender_numbers {
            let data = sender_numbers::Data {
                senders: &self.shown.senders,
                templates: &self.shown.templates,
                region,
            };
            if !window.show(ctx, &self.texts, &data, &mut self.next_request, commands) {
                self.sender_numbers = None;
            }
        }
    }

    /// 대량문자발송, when open.
    fn bulk_windows(&mut self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        let Some(window) = &mut self.bulk_sms else {
            return;
        };
        let message = sms_composer::Data {
            templates: &self.shown.templates,
            senders: &self.shown.senders,
            fields: &self.shown.lookups.fields,
            settings: &self.settings.sms,
            region: self.settings.phone.default_region,
        };
        let data = bulk_sms::Data {
            lookups: &self.shown.lookups,
            groups: &self.shown.groups,
            list_filter: self.list.as_ref().map(CustomerList::filter),
            message: &message,
            balance: self
                .shown
                .sms_gateway
                .as_ref()
                .and_then(|gateway| gateway.balance),
        };
        window.show(ctx, &self.texts, &data, &mut self.next_request, commands);
        let results = window.wants_results();
        if window.is_closed() {
            self.bulk_sms = None;
        }
        if results.is_some() {
            self.menu_action(MenuAction::SmsResults, ctx);
        }
    }

    /// The text editors of the open bulk-send windows.
    fn bulk_editors(&mut self) -> impl Iterator<Item = &mut BulkMessage> {
        let bulk = self.bulk_sms.as_mut().map(BulkSms::editor);
        let free = self.free_sms.as_mut().map(FreeSms::editor);
        let excel = self.excel_sms.as_mut().map(ExcelSms::editor);
        bulk.into_iter().chain(free).chain(excel)
    }

    /// A file dropped on a composer goes to that composer as its picture
    /// (to the newest one being written when the pointer's place is not
    /// known); one on 대량 or 임의문자발송 to its text's picture; a JPEG on
    /// 엑셀문자발송 to its text's picture, any other file to its sheet; one
    /// dropped elsewhere is ignored.
    fn picture_dropped(&mut self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        let (dropped, pointer) = ctx.input(|input| {
            (
                input
                    .raw
                    .dropped_files
                    .first()
                    .map(|file| file.path().to_path_buf()),
                input.pointer.latest_pos(),
            )
        });
        let Some(path) = dropped else {
            return;
        };
        if let Some(composer) = self
            .composers
            .iter_mut()
            .rev()
            .find(|composer| composer.takes_drop_at(pointer))
        {
            composer.attach_file(path, &mut self.next_request, commands);
        } else if let Some(window) = &mut self.bulk_sms
            && window.takes_drop_at(pointer)
        {
            window
                .editor()
                .attach_file(path, &mut self.next_request, commands);
        } else if let Some(window) = &mut self.free_sms
            && window.takes_drop_at(pointer)
        {
            window
                .editor()
                .attach_file(path, &mut self.next_request, commands);
        } else if let Some(window) = &mut self.customer_import
            && window.takes_drop_at(pointer)
        {
            window.open_file(path);
        } else if let Some(window) = &mut self.excel_sms
            && window.takes_drop_at(pointer)
        {
            // A sheet is never a JPEG.
            if looks_like_jpeg(&path) && window.editor().takes_picture() {
                window
                    .editor()
                    .attach_file(path, &mut self.next_request, commands);
            } else {
                window.open_file(path);
            }
        }
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        let (find, new) = ctx.input_mut(|input| {
            (
                input.consume_key(egui::Modifiers::COMMAND, egui::Key::F),
                input.consume_key(egui::Modifiers::COMMAND, egui::Key::N),
            )
        });
        if find {
            self.focus_search = true;
        }
        if new {
            self.open_form(None);
        }
    }
}

impl eframe::App for RingdeskApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        // Drained here, not in `ui`: `logic` runs while the window is hidden too.
        while let Some(event) = self.backend.try_event() {
            self.handle(event, ctx);
        }
    }

    #[expect(
        clippy::too_many_lines,
        reason = "the window's layout reads best top to bottom"
    )]
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if self.gate.user().is_none() {
            self.gate_ui(ui);
            return;
        }
        self.shortcuts(&ctx);
        // Closing the program with unsaved forms asks in each of them first.
        if ctx.input(|input| input.viewport().close_requested())
            && self.forms.iter().any(CustomerForm::is_dirty)
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            for form in &mut self.forms {
                form.ask_to_close();
            }
        }
        let mut commands: Vec<Command> = Vec::new();

        let action = egui::Panel::top("menu_bar")
            .show(ui, |ui| {
                // Before sign-in there is no menu to use; nobody may more
                // than an agent then.
                let role = self
                    .gate
                    .user()
                    .map_or(crate::domain::Role::Agent, |user| user.role);
                menu::menu_bar(ui, &self.texts, role)
            })
            .inner;
        if let Some(action) = action {
            self.menu_action(action, &ctx);
        }

        let reconnect = egui::Panel::bottom("status_bar")
            .show(ui, |ui| {
                status_bar::show(
                    ui,
                    &self.texts,
                    &self.settings,
                    &self.shown,
                    self.gate.user(),
                )
            })
            .inner;
        if reconnect {
            commands.push(Command::ReconnectPbx);
        }

        let search_changed = egui::Panel::top("search_bar")
            .show(ui, |ui| {
                main_view::search_box(
                    ui,
                    &self.texts,
                    &mut self.shown.search,
                    &mut self.focus_search,
                )
            })
            .inner;
        if search_changed {
            self.search_changed();
        }

        let group_clicked = egui::Panel::left("group_tree")
            .resizable(true)
            .default_size(200.0)
            .show(ui, |ui| {
                main_view::group_tree(ui, &self.texts, &self.shown.groups, self.shown.customers)
            })
            .inner;
        if let Some(pick) = group_clicked {
            self.open_list(pick.group());
        }

        let picked = egui::CentralPanel::default()
            .show(ui, |ui| {
                main_view::centre(
                    ui,
                    &self.texts,
                    &self.shown,
                    self.settings.phone.default_region,
                )
            })
            .inner;
        match picked {
            Some(main_view::Pick::Customer(id)) => self.select_customer(id),
            Some(main_view::Pick::Edit(id)) => self.open_form(Some(id)),
            Some(main_view::Pick::Sms { number, customer }) => {
                self.open_composer(&number, Some(customer));
            }
            Some(main_view::Pick::Dial { number, name }) => {
                self.shown.error = None;
                commands.push(Command::Dial {
                    number,
                    caller_name: name,
                });
            }
            Some(main_view::Pick::MoreResults) => commands.push(Command::SearchCustomers {
                from: SearchBox::Main,
                query_id: self.shown.search.query,
                text: self.shown.search.text.clone(),
                offset: 0,
                limit: u32::try_from(self.shown.search.hits.len())
                    .unwrap_or(u32::MAX)
                    .saturating_add(RESULTS_PAGE),
            }),
            None => {}
        }

        // Dialogs and windows.
        let region = self.settings.phone.default_region;
        let mut opened_from_list = None;
        let mut compose = None;
        let may_empty_bin = self.may(crate::domain::Action::EmptyRecycleBin);
        if let Some(list) = &mut self.list {
            list.allow_emptying_bin(may_empty_bin);
            let outcome = list.show(
                &ctx,
                &self.texts,
                &self.shown.lookups,
                &self.shown.groups,
                &mut self.next_request,
                &mut commands,
            );
            opened_from_list = outcome.open;
            if let Some(columns) = outcome.columns_changed {
                let mut settings = self.settings.clone();
                settings.ui.list_columns = columns;
                commands.push(Command::SaveSettings(Box::new(settings)));
            }
            if outcome.closed {
                self.list = None;
            }
        }
        if let Some(log) = &mut self.call_log {
            let outcome = log.show(&ctx, &self.texts, &mut commands);
            if outcome.open.is_some() {
                opened_from_list = outcome.open;
            }
            if let Some(number) = outcome.dial {
                // The backend finds the customer's name for the agent's phone.
                commands.push(Command::Dial {
                    number,
                    caller_name: String::new(),
                });
            }
            compose = outcome.compose;
            if outcome.closed {
                self.call_log = None;
            }
        }
        if let Some(log) = &mut self.message_log {
            let card = self
                .shown
                .card
                .as_ref()
                .map(|card| (card.customer.id, card.customer.name.as_str()));
            let outcome = log.show(&ctx, &self.texts, card, &mut commands);
            if outcome.open.is_some() {
                opened_from_list = outcome.open;
            }
            if outcome.closed {
                self.message_log = None;
            }
            compose = compose.or(outcome.compose);
        }
        if let Some(window) = &mut self.batch_results {
            let outcome = window.show(&ctx, &self.texts, &mut self.next_request, &mut commands);
            if outcome.closed {
                self.batch_results = None;
            }
            if outcome.message_totals {
                // Every message of the period by state, single ones too.
                self.message_log
                    .get_or_insert_with(|| MessageLog::new(true))
                    .set_results(true);
            }
        }
        if let Some((number, customer)) = compose {
            self.open_composer(&number, customer);
        }
        if let Some(id) = opened_from_list {
            self.select_customer(id);
            self.open_form(Some(id));
        }
        for form in &mut self.forms {
            form.show(
                &ctx,
                &self.texts,
                &self.shown.lookups,
                region,
                &mut self.next_request,
                &mut commands,
            );
        }
        self.forms.retain(|form| !form.is_closed());
        if let Some(dialog) = &mut self.field_settings
            && !dialog.show(&ctx, &self.texts, &self.shown.lookups, &mut commands)
        {
            self.field_settings = None;
        }
        if let Some(log) = &mut self.audit_log
            && !log.show(&ctx, &self.texts, &mut commands)
        {
            self.audit_log = None;
        }
        if let Some(manager) = &mut self.statuses
            && !manager.show(
                &ctx,
                &self.texts,
                &self.shown.lookups.statuses,
                &mut commands,
            )
        {
            self.statuses = None;
        }
        if let Some(manager) = &mut self.sources
            && !manager.show(
                &ctx,
                &self.texts,
                &self.shown.lookups.sources,
                &mut commands,
            )
        {
            self.sources = None;
        }
        if let Some(manager) = &mut self.groups {
            let outcome = manager.show(&ctx, &self.texts, &self.shown.groups, &mut commands);
            if outcome.closed {
                self.groups = None;
            }
            if let Some(group) = outcome.show_members {
                self.open_list(Some(group));
            }
        }
        if let Some(dialog) = &mut self.dial
            && !dialog.show(&ctx, &self.texts, &mut commands)
        {
            self.dial = None;
        }
        if let Some(dialog) = &mut self.preferences {
            match dialog.show(&ctx, &self.texts) {
                super::preferences::Outcome::Open => {}
                super::preferences::Outcome::Preview(language) => {
                    self.set_language(language, &ctx);
                }
                super::preferences::Outcome::Cancel => {
                    self.set_language(self.settings.ui.language, &ctx);
                    self.preferences = None;
                }
                super::preferences::Outcome::Save(settings) => {
                    commands.push(Command::SaveSettings(settings));
                }
            }
        }
        self.sms_windows(&ctx, &mut commands);
        self.bulk_windows(&ctx, &mut commands);
        if let Some(window) = &mut self.customer_import
            && !window.show(&ctx, &self.texts, &mut self.next_request, &mut commands)
        {
            // A prepare no one will see stops; an import under way goes on.
            window.stop_preparing();
            self.customer_import = None;
        }
        self.merge_windows(&ctx, &mut commands);
        self.account_windows(&ctx, &mut commands);
        later::show(&ctx, &self.texts, &mut self.later);
        match self
            .popups
            .show(&ctx, &self.texts, &self.shown.lookups, &mut commands)
        {
            Some(call_popup::Intent::OpenCustomer(id)) => {
                self.select_customer(id);
                self.open_form(Some(id));
            }
            Some(call_popup::Intent::Sms { number, customer }) => {
                self.open_composer(&number, customer);
            }
            Some(call_popup::Intent::Register(number)) => {
                self.forms
                    .push(CustomerForm::with_number(&number, &self.shown.lookups));
            }
            None => {}
        }
        if self.popups.any_visible() {
            // Keeps the pop-up drawn while the main window is minimised.
            ctx.send_viewport_cmd(egui::ViewportCommand::RequestPaintWhileHidden);
        }
        if !self.first_frame_drawn {
            self.first_frame_drawn = true;
            if let Some(elapsed) = super::since_start() {
                tracing::info!(ms = elapsed.as_millis(), "first frame drawn");
            }
        }

        for command in commands {
            if !self.send(command) {
                self.shown.error = Some(self.texts.get("status.busy").to_owned());
            }
        }
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.backend.shutdown(std::time::Duration::from_secs(2));
    }
}

/// 1234567 → "1,234,567", as Korean, Japanese and English all write counts.
#[must_use]
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
