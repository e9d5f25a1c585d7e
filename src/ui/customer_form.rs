//! The customer card as a form (고객등록, and a double-click on a row):
//! built-in and user-defined fields, several numbers, groups and tags, and
//! tabs for calls, messages, notes, the memo and the history (이력: the
//! timeline of calls, messages, notes and changes to the card).
//!
//! Every field is checked as it is typed and marked with its reason; Save
//! stays refused until all are right, and nothing typed is lost when the
//! backend refuses or fails. Closing with unsaved changes asks first.

use std::collections::HashMap;

use eframe::egui;

use super::format::{direction_text, local_date_time};
use super::i18n::Texts;
use super::problem_text::describe;
use super::timeline::timeline_ui;
use super::widgets::{escape_closes, optional_choice, text_choice};
use crate::backend::{Command, CustomerCard, HeldBy, Holder, Lookups, QueryId};
use crate::domain::customer::MEMO_MAX_BYTES;
use crate::domain::{
    ConsentChannel, Customer, CustomerDraft, CustomerId, FieldDef, FieldKind, Invalid, PhoneDraft,
    Region, TimelinePage,
};

/// Which tab of the form is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Details,
    Calls,
    Messages,
    Notes,
    Memo,
    History,
}

/// A question the form is asking before it acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Confirm {
    Close,
    Delete,
}

/// One open customer form.
pub struct CustomerForm {
    id: Option<CustomerId>,
    window: egui::Id,
    draft: CustomerDraft,
    saved_draft: CustomerDraft,
    history: Option<CustomerCard>,
    tab: Tab,
    pending: Option<QueryId>,
    close_after_save: bool,
    /// The backend's refusal and the draft it was about: it shows until that draft changes.
    refused: Option<(Invalid, CustomerDraft)>,
    notice: Option<String>,
    confirm: Option<Confirm>,
    note: String,
    closed: bool,
    focus_name: bool,
    /// Who else has the numbers or e-mail last asked about, the question
    /// and, while typing, when to ask again.
    holders: Holders,
}

/// Other customers with a number or the e-mail of the form: a warning,
/// not a refusal (a family or an office shares a number).
#[derive(Default)]
struct Holders {
    /// The numbers and e-mail asked about, and the question's id.
    asked: Option<(QueryId, Vec<String>, String)>,
    /// The answer to it.
    found: Vec<Holder>,
    /// When the typing pause ends and the question goes.
    due: Option<std::time::Instant>,
}

/// How long typing must pause before the backend is asked who has a number.
const HOLDERS_PAUSE: std::time::Duration = std::time::Duration::from_millis(400);

impl CustomerForm {
    /// A form for customer `id` (None: a new customer), filled from `card`
    /// when it is already loaded.
    #[must_use]
    pub fn new(id: Option<CustomerId>, card: Option<&CustomerCard>, lookups: &Lookups) -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let serial = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let draft = card.map_or_else(empty_draft, |card| draft_of(&card.customer, lookups));
        Self {
            id,
            window: egui::Id::unique(("customer_form", serial)),
            saved_draft: draft.clone(),
            draft,
            history: card.cloned(),
            tab: Tab::Details,
            pending: None,
            close_after_save: false,
            refused: None,
            notice: None,
            confirm: None,
            note: String::new(),
            closed: false,
            focus_name: true,
            holders: Holders::default(),
        }
    }

    /// A registration form with `number` filled in (a caller not yet in
    /// the book). The number counts as typed: closing asks first.
    #[must_use]
    pub fn with_number(number: &str, lookups: &Lookups) -> Self {
        let mut form = Self::new(None, None, lookups);
        if let Some(phone) = form.draft.phones.first_mut() {
            number.clone_into(&mut phone.number);
        }
        form
    }

    /// The backend found who else has the numbers or e-mail; kept when it
    /// answers this form's latest question.
    pub fn holders_found(&mut self, request: QueryId, holders: Vec<Holder>) {
        if self
            .holders
            .asked
            .as_ref()
            .is_some_and(|(asked, _, _)| *asked == request)
        {
            self.holders.found = holders;
        }
    }

    /// Asks who else has the numbers and e-mail typed, once typing pauses.
    fn ask_holders(
        &mut self,
        ctx: &egui::Context,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        let numbers: Vec<String> = self
            .draft
            .phones
            .iter()
            .map(|phone| phone.number.trim().to_owned())
            .collect();
        let email = self.draft.email.trim().to_owned();
        let same = self
            .holders
            .asked
            .as_ref()
            .is_some_and(|(_, asked, asked_email)| *asked == numbers && *asked_email == email);
        if same {
            self.holders.due = None;
            return;
        }
        if numbers.iter().all(String::is_empty) && email.is_empty() {
            // Nothing typed is nobody's: no question to ask.
            self.holders = Holders {
                asked: Some((QueryId(0), numbers, email)),
                ..Holders::default()
            };
            return;
        }
        let now = std::time::Instant::now();
        let due = *self.holders.due.get_or_insert(now + HOLDERS_PAUSE);
        if now < due {
            ctx.request_repaint_after(due - now);
            return;
        }
        self.holders.due = None;
        *next_request += 1;
        let request = QueryId(*next_request);
        self.holders.found.clear();
        self.holders.asked = Some((request, numbers.clone(), email.clone()));
        commands.push(Command::FindHolders {
            request,
            numbers,
            email,
            except: self.id,
        });
    }

    /// The names of those holding `of`, or None.
    fn held(&self, of: HeldBy) -> Option<String> {
        let names: Vec<&str> = self
            .holders
            .found
            .iter()
            .filter(|holder| holder.of == of)
            .map(|holder| holder.name.as_str())
            .collect();
        (!names.is_empty()).then(|| names.join(", "))
    }

    /// The customer this form edits, once saved.
    #[must_use]
    pub fn customer_id(&self) -> Option<CustomerId> {
        self.id
    }

    /// True once the form has been closed.
    #[must_use]
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// True when something typed is not saved yet.
    #[must_use]
    pub fn is_dirty(&self) -> bool {
        self.draft != self.saved_draft
    }

    /// A card arrived: fill the history, and the fields when nothing was typed yet.
    pub fn card_loaded(&mut self, card: &CustomerCard, lookups: &Lookups) {
        if self.id != Some(card.customer.id) {
            return;
        }
        // Never overwrite what the person has typed.
        if !self.is_dirty() && self.pending.is_none() {
            self.draft = draft_of(&card.customer, lookups);
            self.saved_draft = self.draft.clone();
        }
        self.history = Some(card.clone());
    }

    /// A further page of a timeline arrived: appended when it is this
    /// customer's and continues what is shown.
    pub fn timeline_loaded(&mut self, id: CustomerId, page: &TimelinePage) {
        if self.id != Some(id) {
            return;
        }
        if let Some(card) = &mut self.history
            && page.offset as usize == card.timeline.items.len()
        {
            card.timeline.items.extend(page.items.iter().cloned());
            card.timeline.has_more = page.has_more;
        }
    }

    /// The backend saved what this form asked.
    pub fn saved(&mut self, request: QueryId, id: CustomerId) {
        if self.pending != Some(request) {
            return;
        }
        self.pending = None;
        self.id = Some(id);
        self.saved_draft = self.draft.clone();
        self.refused = None;
        self.notice = Some(String::from("customer.saved"));
        if self.close_after_save {
            self.closed = true;
        }
    }

    /// The backend refused what this form asked; the typing stays.
    pub fn refused(&mut self, request: QueryId, invalid: &Invalid) {
        if self.pending == Some(request) {
            self.pending = None;
            self.close_after_save = false;
            self.refused = Some((invalid.clone(), self.draft.clone()));
            self.notice = None;
        }
    }

    /// A request failed; if it was this form's save, say so and keep the typing.
    pub fn failed(&mut self, action: &str, message: &str) {
        if self.pending.is_some() && action == "save customer" {
            self.pending = None;
            self.close_after_save = false;
            self.notice = Some(message.to_owned());
        }
    }

    /// Draws the form; requests go to `commands`.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        lookups: &Lookups,
        region: Region,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        let title = match self.id {
            None => texts.get("customer.new_title").to_owned(),
            Some(_) => texts.fmt("customer.edit_title", &[("name", &self.saved_draft.name)]),
        };
        if self
            .refused
            .as_ref()
            .is_some_and(|(_, draft)| *draft != self.draft)
        {
            self.refused = None;
        }
        let problems: HashMap<String, String> = self
            .draft
            .problems(region, &lookups.fields)
            .iter()
            .chain(self.refused.iter().map(|(invalid, _)| invalid))
            .map(|invalid| (invalid.field.clone(), describe(texts, invalid)))
            .collect();
        self.ask_holders(ctx, next_request, commands);
        let mut open = true;
        let mut save = false;
        egui::Window::new(title)
            .id(self.window)
            .open(&mut open)
            .collapsible(false)
            .default_width(560.0)
            .default_height(560.0)
            .show(ctx, |ui| {
                self.tabs(ui, texts);
                ui.separator();
                egui::ScrollArea::vertical()
                    .max_height(ui.available_height() - 48.0)
                    .auto_shrink([false, true])
                    .show(ui, |ui| match self.tab {
                        Tab::Details => self.details(ui, texts, lookups, &problems, commands),
                        Tab::Calls => self.calls(ui, texts),
                        Tab::Messages => self.messages(ui, texts),
                        Tab::Notes => self.notes(ui, texts, lookups, commands),
                        Tab::Memo => self.memo(ui, texts, &problems),
                        Tab::History => self.timeline(ui, texts, lookups, commands),
                    });
                ui.separator();
                save = self.buttons(ui, texts, &problems);
            });
        if !open || (escape_closes(ctx, self.window) && self.confirm.is_none()) {
            self.ask_to_close();
        }
        let confirmed_save = self.confirmation(ctx, texts, commands);
        if (save || confirmed_save) && problems.is_empty() && self.pending.is_none() {
            *next_request += 1;
            let request = QueryId(*next_request);
            self.pending = Some(request);
            self.notice = None;
            commands.push(Command::SaveCustomer {
                request,
                id: self.id,
                draft: Box::new(self.draft.clone()),
            });
        }
    }

    /// Closes the form, first asking when something typed is not saved.
    pub fn ask_to_close(&mut self) {
        if self.is_dirty() {
            self.confirm = Some(Confirm::Close);
        } else {
            self.closed = true;
        }
    }

    fn tabs(&mut self, ui: &mut egui::Ui, texts: &Texts) {
        ui.horizontal(|ui| {
            for (tab, key) in [
                (Tab::Details, "customer.tab_details"),
                (Tab::Calls, "customer.tab_calls"),
                (Tab::Messages, "customer.tab_messages"),
                (Tab::Notes, "customer.tab_notes"),
                (Tab::Memo, "customer.tab_memo"),
                (Tab::History, "customer.tab_history"),
            ] {
                ui.selectable_value(&mut self.tab, tab, texts.get(key));
            }
        });
    }

    #[expect(
        clippy::too_many_lines,
        reason = "the form's layout reads best top to bottom"
    )]
    fn details(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        lookups: &Lookups,
        problems: &HashMap<String, String>,
        commands: &mut Vec<Command>,
    ) {
        egui::Grid::new(self.window.with("details"))
            .num_columns(2)
            .spacing([10.0, 6.0])
            .show(ui, |ui| {
                let name = text_row(
                    ui,
                    texts.get("customer.name"),
                    &mut self.draft.name,
                    problems.get("name"),
                    "",
                );
                if std::mem::take(&mut self.focus_name) {
                    name.request_focus();
                }
                text_row(
                    ui,
                    texts.get("customer.company"),
                    &mut self.draft.company,
                    None,
                    "",
                );
                text_row(
                    ui,
                    texts.get("customer.email"),
                    &mut self.draft.email,
                    problems.get("email"),
                    "",
                );
                if let Some(names) = self.held(HeldBy::Email) {
                    ui.label("");
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        texts.fmt("customer.email_held", &[("names", &names)]),
                    );
                    ui.end_row();
                }
                text_row(
                    ui,
                    texts.get("customer.address"),
                    &mut self.draft.address,
                    None,
                    "",
                );
                text_row(
                    ui,
                    texts.get("customer.country"),
                    &mut self.draft.country,
                    problems.get("country"),
                    texts.get("customer.country_hint"),
                );
                optional_choice(
                    ui,
                    texts.get("customer.status"),
                    self.window.with("status"),
                    &mut self.draft.status_id,
                    texts.get("customer.none"),
                    lookups.statuses.iter().map(|s| (s.id, s.name.as_str())),
                );
                ui.end_row();
                let sources: Vec<&str> = lookups.sources.iter().map(|s| s.name.as_str()).collect();
                let off_list = texts.fmt(
                    "customer.source_off_list",
                    &[("name", &self.draft.source.trim())],
                );
                text_choice(
                    ui,
                    texts.get("customer.source"),
                    self.window.with("source"),
                    &mut self.draft.source,
                    texts.get("customer.none"),
                    &sources,
                    &off_list,
                );
                ui.end_row();
                optional_choice(
                    ui,
                    texts.get("customer.assignee"),
                    self.window.with("assignee"),
                    &mut self.draft.assignee_id,
                    texts.get("customer.none"),
                    lookups
                        .users
                        .iter()
                        .map(|u| (u.id, u.display_name.as_str())),
                );
                ui.end_row();
                list_row(
                    ui,
                    texts.get("customer.groups"),
                    &mut self.draft.groups,
                    texts.get("customer.groups_hint"),
                );
                list_row(
                    ui,
                    texts.get("customer.tags"),
                    &mut self.draft.tags,
                    texts.get("customer.tags_hint"),
                );
            });
        // Advertising consent (정보통신망법 §50): the composer refuses
        // advertising to a customer who refused it, and at night to one
        // who did not agree to night-time advertising.
        ui.horizontal(|ui| {
            ui.checkbox(&mut self.draft.ad_opt_out, texts.get("customer.ad_opt_out"));
            ui.checkbox(
                &mut self.draft.ad_night_consent,
                texts.get("customer.ad_night_consent"),
            );
        });
        self.ad_consent(ui, texts, problems.get("ad_consent_date"));
        ui.add_space(8.0);
        self.phones(ui, texts, problems, commands);
        if !lookups.fields.is_empty() {
            ui.add_space(8.0);
            ui.strong(texts.get("customer.custom_fields"));
            egui::Grid::new(self.window.with("custom"))
                .num_columns(2)
                .spacing([10.0, 6.0])
                .show(ui, |ui| {
                    for def in &lookups.fields {
                        custom_field_row(
                            ui,
                            texts,
                            self.window,
                            def,
                            &mut self.draft.fields,
                            problems.get(&def.key),
                        );
                    }
                });
        }
    }

    fn phones(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        problems: &HashMap<String, String>,
        commands: &mut Vec<Command>,
    ) {
        ui.strong(texts.get("customer.phones"));
        let mut remove = None;
        // Rows, not a grid: a grid sizes its columns in a first pass and
        // would keep the number fields narrow.
        let held: Vec<Option<String>> = (0..self.draft.phones.len())
            .map(|index| self.held(HeldBy::Number(index)))
            .collect();
        ui.vertical(|ui| {
            for (index, phone) in self.draft.phones.iter_mut().enumerate() {
                ui.horizontal(|ui| {
                    let label_name = format!("{} {}", texts.get("customer.phone_label"), index + 1);
                    ui.add(
                        egui::TextEdit::singleline(&mut phone.label)
                            .hint_text(texts.get("customer.phone_label"))
                            .desired_width(80.0),
                    )
                    .widget_info(|| {
                        egui::WidgetInfo::labeled(egui::Role::TextInput, true, &label_name)
                    });
                    let number_name =
                        format!("{} {}", texts.get("customer.phone_number"), index + 1);
                    let response = ui.add(
                        egui::TextEdit::singleline(&mut phone.number)
                            .hint_text(texts.get("customer.phone_number"))
                            .desired_width(200.0),
                    );
                    response.widget_info(|| {
                        egui::WidgetInfo::labeled(egui::Role::TextInput, true, &number_name)
                    });
                    let problem = problems.get(&format!("phone #{}", index + 1));
                    mark(ui, &response, problem);
                    let dialable = problem.is_none() && !phone.number.trim().is_empty();
                    if ui
                        .add_enabled(dialable, egui::Button::new(texts.get("card.dial")))
                        .clicked()
                    {
                        commands.push(Command::Dial {
                            number: phone.number.clone(),
                            caller_name: self.draft.name.clone(),
                        });
                    }
                    if ui.button(texts.get("customer.remove_phone")).clicked() {
                        remove = Some(index);
                    }
                });
                if let Some(problem) = problems.get(&format!("phone #{}", index + 1)) {
                    ui.colored_label(ui.visuals().error_fg_color, problem);
                } else if let Some(Some(names)) = held.get(index) {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        texts.fmt("customer.number_held", &[("names", names)]),
                    );
                }
            }
        });
        if let Some(index) = remove {
            self.draft.phones.remove(index);
        }
        if ui.button(texts.get("customer.add_phone")).clicked() {
            self.draft.phones.push(PhoneDraft::default());
        }
    }

    /// The loaded history, or a line saying why there is none yet.
    fn history_or_why(&self, ui: &mut egui::Ui, texts: &Texts) -> Option<&CustomerCard> {
        if self.history.is_none() {
            ui.weak(texts.get(if self.id.is_none() {
                "customer.save_first"
            } else {
                "list.loading"
            }));
        }
        self.history.as_ref()
    }

    fn calls(&self, ui: &mut egui::Ui, texts: &Texts) {
        let Some(card) = self.history_or_why(ui, texts) else {
            return;
        };
        if card.calls.is_empty() {
            ui.weak(texts.get("customer.no_history"));
        }
        egui::Grid::new(self.window.with("calls"))
            .striped(true)
            .show(ui, |ui| {
                for call in &card.calls {
                    ui.label(local_date_time(call.started_at));
                    ui.label(direction_text(texts, call.direction));
                    ui.label(&call.number_raw);
                    ui.label(&call.line);
                    ui.label(&call.memo);
                    ui.end_row();
                }
            });
    }

    fn messages(&self, ui: &mut egui::Ui, texts: &Texts) {
        let Some(card) = self.history_or_why(ui, texts) else {
            return;
        };
        if card.messages.is_empty() {
            ui.weak(texts.get("customer.no_history"));
        }
        egui::Grid::new(self.window.with("messages"))
            .striped(true)
            .show(ui, |ui| {
                for message in &card.messages {
                    ui.label(local_date_time(message.created_at));
                    ui.label(&message.to_raw);
                    ui.label(message.state.as_str());
                    ui.label(&message.body);
                    ui.end_row();
                }
            });
    }

    fn notes(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        lookups: &Lookups,
        commands: &mut Vec<Command>,
    ) {
        let Some(id) = self.id else {
            ui.weak(texts.get("customer.save_first"));
            return;
        };
        ui.horizontal(|ui| {
            let response = ui.add(
                egui::TextEdit::multiline(&mut self.note)
                    .hint_text(texts.get("customer.note_hint"))
                    .desired_rows(2)
                    .desired_width(ui.available_width() - 90.0),
            );
            response.widget_info(|| {
                egui::WidgetInfo::labeled(
                    egui::Role::TextInput,
                    true,
                    texts.get("customer.note_hint"),
                )
            });
            if ui
                .add_enabled(
                    !self.note.trim().is_empty(),
                    egui::Button::new(texts.get("customer.note_add")),
                )
                .clicked()
            {
                commands.push(Command::AddNote {
                    customer: id,
                    body: std::mem::take(&mut self.note),
                });
            }
        });
        let Some(card) = &self.history else {
            return;
        };
        if card.notes.is_empty() {
            ui.weak(texts.get("customer.no_history"));
        }
        for note in &card.notes {
            ui.separator();
            let author = note
                .author_id
                .and_then(|author| lookups.users.iter().find(|user| user.id == author))
                .map_or(texts.get("customer.note_author_unknown"), |user| {
                    user.display_name.as_str()
                });
            ui.weak(format!("{} · {author}", local_date_time(note.created_at)));
            ui.label(&note.body);
        }
    }

    fn timeline(
        &self,
        ui: &mut egui::Ui,
        texts: &Texts,
        lookups: &Lookups,
        commands: &mut Vec<Command>,
    ) {
        let Some(card) = self.history_or_why(ui, texts) else {
            return;
        };
        let timeline = &card.timeline;
        if timeline_ui(
            ui,
            texts,
            &lookups.users,
            &timeline.items,
            timeline.has_more,
        ) {
            commands.push(Command::LoadTimeline {
                id: card.customer.id,
                offset: u32::try_from(timeline.items.len()).unwrap_or(u32::MAX),
            });
        }
    }

    fn memo(&mut self, ui: &mut egui::Ui, texts: &Texts, problems: &HashMap<String, String>) {
        let bytes = self.draft.memo.len();
        let counter = texts.fmt(
            "customer.memo_counter",
            &[("bytes", &bytes), ("max", &MEMO_MAX_BYTES)],
        );
        if bytes > MEMO_MAX_BYTES {
            ui.colored_label(ui.visuals().error_fg_color, counter);
        } else {
            ui.label(counter);
        }
        let response = ui.add(
            egui::TextEdit::multiline(&mut self.draft.memo)
                .desired_rows(14)
                .desired_width(f32::INFINITY),
        );
        response.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::TextInput, true, texts.get("customer.memo"))
        });
        if let Some(problem) = problems.get("memo") {
            ui.colored_label(ui.visuals().error_fg_color, problem);
        }
    }

    /// The row of buttons; true when Save was clicked.
    fn buttons(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        problems: &HashMap<String, String>,
    ) -> bool {
        let mut save = false;
        ui.horizontal(|ui| {
            let can_save = problems.is_empty() && self.pending.is_none();
            if ui
                .add_enabled(can_save, egui::Button::new(texts.get("customer.save")))
                .clicked()
            {
                save = true;
            }
            if ui.button(texts.get("customer.cancel")).clicked() {
                self.ask_to_close();
            }
            if self.id.is_some() && ui.button(texts.get("customer.delete")).clicked() {
                self.confirm = Some(Confirm::Delete);
            }
            if self.pending.is_some() {
                ui.spinner();
                ui.label(texts.get("customer.saving"));
            } else if !problems.is_empty() {
                ui.colored_label(ui.visuals().error_fg_color, texts.get("customer.fix_first"));
            } else if let Some(notice) = &self.notice {
                ui.label(texts.get(notice));
            }
        });
        save
    }

    /// The open question, if any; true when the answer is "save".
    fn confirmation(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        commands: &mut Vec<Command>,
    ) -> bool {
        let Some(confirm) = self.confirm else {
            return false;
        };
        let mut save = false;
        let modal = egui::Modal::new(self.window.with("confirm")).show(ctx, |ui| {
            ui.set_max_width(380.0);
            match confirm {
                Confirm::Close => {
                    ui.label(texts.get("customer.confirm_close"));
                    ui.add_space(8.0);
                    ui.horizontal(|ui| {
                        if ui.button(texts.get("customer.save_and_close")).clicked() {
                            save = true;
                            self.close_after_save = true;
                            self.confirm = None;
                        }
                        if ui.button(texts.get("customer.discard")).clicked() {
                            self.closed = true;
                            self.confirm = None;
                        }
                        if ui.button(texts.get("customer.keep_editing")).clicked() {
                            self.confirm = None;
                        }
                    });
                }
                Confirm::Delete => {
                    ui.label(texts.fmt(
                        "customer.confirm_delete",
                        &[("name", &self.saved_draft.name)],
                    ));
                    ui.add_space(8.0);
                    ui.horizontal(|ui| {
                        if ui.button(texts.get("customer.yes")).clicked() {
                            if let Some(id) = self.id {
                                commands.push(Command::DeleteCustomer { id });
                            }
                            self.confirm = None;
                        }
                        if ui.button(texts.get("customer.no")).clicked() {
                            self.confirm = None;
                        }
                    });
                }
            }
        });
        if modal.should_close() {
            self.confirm = None;
        }
        save
    }
}

fn empty_draft() -> CustomerDraft {
    CustomerDraft {
        phones: vec![PhoneDraft {
            label: String::new(),
            number: String::new(),
        }],
        ..CustomerDraft::default()
    }
}

/// The form's starting point for an existing customer: its draft, with
/// an empty number line when it has none.
fn draft_of(customer: &Customer, lookups: &Lookups) -> CustomerDraft {
    let status_id = customer.status.as_ref().and_then(|name| {
        lookups
            .statuses
            .iter()
            .find(|status| &status.name == name)
            .map(|status| status.id)
    });
    let mut draft = customer.to_draft(status_id);
    if draft.phones.is_empty() {
        draft.phones.push(PhoneDraft::default());
    }
    draft
}

impl CustomerForm {
    /// The day and channel of the advertising consent (광고 수신동의일,
    /// 동의경로); an empty day records no consent.
    fn ad_consent(&mut self, ui: &mut egui::Ui, texts: &Texts, problem: Option<&String>) {
        ui.horizontal(|ui| {
            let label = ui.label(texts.get("customer.ad_consent_date"));
            let response = ui
                .add(
                    egui::TextEdit::singleline(&mut self.draft.ad_consent_date)
                        .hint_text("YYYY-MM-DD")
                        .desired_width(100.0),
                )
                .labelled_by(label.id);
            mark(ui, &response, problem);
            let none = texts.get("customer.none");
            let channel_name = |channel: Option<ConsentChannel>| {
                channel.map_or(none, |channel| {
                    texts.get(match channel {
                        ConsentChannel::Phone => "customer.channel_phone",
                        ConsentChannel::Sms => "customer.channel_sms",
                        ConsentChannel::Web => "customer.channel_web",
                        ConsentChannel::Paper => "customer.channel_paper",
                        ConsentChannel::Other => "customer.channel_other",
                    })
                })
            };
            egui::ComboBox::from_label(texts.get("customer.ad_consent_channel"))
                .selected_text(channel_name(self.draft.ad_consent_channel))
                .show_ui(ui, |ui| {
                    for channel in std::iter::once(None).chain(ConsentChannel::ALL.map(Some)) {
                        ui.selectable_value(
                            &mut self.draft.ad_consent_channel,
                            channel,
                            channel_name(channel),
                        );
                    }
                });
        });
        if let Some(problem) = problem {
            ui.colored_label(ui.visuals().error_fg_color, problem);
        }
    }
}

/// A labelled one-line field with its problem under it.
fn text_row(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    problem: Option<&String>,
    hint: &str,
) -> egui::Response {
    let label = ui.label(label);
    let response = ui
        .vertical(|ui| {
            let response = ui
                .add(
                    egui::TextEdit::singleline(text)
                        .hint_text(hint)
                        .desired_width(300.0),
                )
                .labelled_by(label.id);
            mark(ui, &response, problem);
            if let Some(problem) = problem {
                ui.colored_label(ui.visuals().error_fg_color, problem);
            }
            response
        })
        .inner;
    ui.end_row();
    response
}

/// A comma-separated list (groups, tags) edited as one line.
fn list_row(ui: &mut egui::Ui, label: &str, items: &mut Vec<String>, hint: &str) {
    let label = ui.label(label);
    let mut text = items.join(", ");
    let response = ui
        .add(
            egui::TextEdit::singleline(&mut text)
                .hint_text(hint)
                .desired_width(300.0),
        )
        .labelled_by(label.id);
    if response.changed() {
        *items = text
            .split(',')
            .map(|item| item.trim_start().to_owned())
            .collect();
        if items.len() == 1 && items[0].is_empty() {
            items.clear();
        }
    }
    ui.end_row();
}

/// A user-defined field, drawn by its type.
fn custom_field_row(
    ui: &mut egui::Ui,
    texts: &Texts,
    window: egui::Id,
    def: &FieldDef,
    values: &mut Vec<(String, String)>,
    problem: Option<&String>,
) {
    let position = values.iter().position(|(key, _)| key == &def.key);
    let mut text = position.map_or_else(String::new, |index| values[index].1.clone());
    let label_text = if def.required {
        format!("{} *", def.label)
    } else {
        def.label.clone()
    };
    let label = ui.label(&label_text);
    ui.vertical(|ui| {
        match def.kind {
            FieldKind::YesNo => {
                let shown = match text.as_str() {
                    "yes" => texts.get("common.yes"),
                    "no" => texts.get("common.no"),
                    _ => texts.get("customer.none"),
                };
                egui::ComboBox::from_id_salt(window.with(("field", def.id.0)))
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut text, String::new(), texts.get("customer.none"));
                        ui.selectable_value(&mut text, "yes".to_owned(), texts.get("common.yes"));
                        ui.selectable_value(&mut text, "no".to_owned(), texts.get("common.no"));
                    })
                    .response
                    .labelled_by(label.id);
            }
            FieldKind::Choice => {
                let shown = if text.is_empty() {
                    texts.get("customer.none").to_owned()
                } else {
                    text.clone()
                };
                egui::ComboBox::from_id_salt(window.with(("field", def.id.0)))
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut text, String::new(), texts.get("customer.none"));
                        for choice in &def.choices {
                            ui.selectable_value(&mut text, choice.clone(), choice);
                        }
                    })
                    .response
                    .labelled_by(label.id);
            }
            FieldKind::Date => {
                ui.horizontal(|ui| {
                    let response = ui
                        .add(
                            egui::TextEdit::singleline(&mut text)
                                .hint_text("YYYY-MM-DD")
                                .desired_width(120.0),
                        )
                        .labelled_by(label.id);
                    mark(ui, &response, problem);
                    super::date_picker::button(
                        ui,
                        texts,
                        window.with(("date", def.id.0)),
                        &mut text,
                    );
                });
            }
            FieldKind::Text | FieldKind::Number | FieldKind::Email | FieldKind::Phone => {
                let response = ui
                    .add(egui::TextEdit::singleline(&mut text).desired_width(300.0))
                    .labelled_by(label.id);
                mark(ui, &response, problem);
            }
        }
        if let Some(problem) = problem {
            ui.colored_label(ui.visuals().error_fg_color, problem);
        }
    });
    ui.end_row();
    match position {
        Some(index) => values[index].1 = text,
        None if !text.is_empty() => values.push((def.key.clone(), text)),
        None => {}
    }
}

/// Outlines a field with a problem in the error colour.
fn mark(ui: &egui::Ui, response: &egui::Response, problem: Option<&String>) {
    if problem.is_some() {
        ui.painter().rect_stroke(
            response.rect.expand(1.0),
            2.0,
            egui::Stroke::new(1.5, ui.visuals().error_fg_color),
            egui::StrokeKind::Outside,
        );
    }
}
